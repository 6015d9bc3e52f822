/* jg-ssh-config.c — read OpenSSH client configuration files, resolve a host as ssh does
 *
 * The line syntax follows OpenSSH's readconf.c: the keyword ends at white
 * space or `=`, one `=` may separate it from the arguments, the arguments are
 * split like argv_split() (single and double quotes, `\` escapes, a `#` that
 * starts a word ends the line), ProxyCommand and ProxyJump take the rest of
 * the line as written. Host lines decide which lines apply to a name; an
 * included file starts applying where its Include line was, and restores
 * the including file's state after it (never-match when the Include was in
 * a block that did not apply).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glob.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jg-ssh-config.h"

#define WHITESPACE " \t\r\n"
#define MAX_IDENTITY_FILES 100 /* SSH_MAX_IDENTITY_FILES */
#define MAX_CMDLINE_OPTIONS 64

typedef enum
{
  OP_UNKNOWN = 0,
  OP_HOST,
  OP_MATCH,
  OP_INCLUDE,
  OP_HOSTNAME,
  OP_USER,
  OP_PORT,
  OP_IDENTITY_FILE,
  OP_IDENTITIES_ONLY,
  OP_FORWARD_AGENT,
  OP_SERVER_ALIVE_INTERVAL,
  OP_USER_KNOWN_HOSTS_FILE,
  OP_PROXY_JUMP,
  OP_PROXY_COMMAND,
} Opcode;

static const struct
{
  const char *name;
  Opcode      op;
} keywords[] = {
  { "host", OP_HOST },
  { "match", OP_MATCH },
  { "include", OP_INCLUDE },
  { "hostname", OP_HOSTNAME },
  { "user", OP_USER },
  { "port", OP_PORT },
  { "identityfile", OP_IDENTITY_FILE },
  { "identitiesonly", OP_IDENTITIES_ONLY },
  { "forwardagent", OP_FORWARD_AGENT },
  { "serveraliveinterval", OP_SERVER_ALIVE_INTERVAL },
  { "userknownhostsfile", OP_USER_KNOWN_HOSTS_FILE },
  { "proxyjump", OP_PROXY_JUMP },
  { "proxycommand", OP_PROXY_COMMAND },
};

typedef struct _ConfigFile ConfigFile;

typedef struct
{
  Opcode          op;
  guint           line;
  const char     *file;     /* the path of the ConfigFile holding this entry */
  char           *value;    /* the argument, or the rest of the line for proxies */
  int             number;   /* Port, flags, seconds */
  JgSshHostBlock *block;    /* OP_HOST: owned by JgSshConfig.blocks */
  GPtrArray      *included; /* OP_INCLUDE: ConfigFile *, owned by JgSshConfig.files */
} Entry;

struct _ConfigFile
{
  char      *path;
  GPtrArray *entries; /* Entry * */
};

struct _JgSshConfig
{
  char             *home_dir;
  char             *ssh_dir;
  JgSshConfigFlags  flags;
  GPtrArray        *files;    /* ConfigFile *, every parse, owned */
  GPtrArray        *roots;    /* ConfigFile *, the top-level ones, in order */
  GPtrArray        *blocks;   /* JgSshHostBlock *, owned */
  GPtrArray        *warnings; /* JgSshWarning * */
  GHashTable       *warning_keys;
  guint             n_lines;
  gboolean          files_exhausted;
  gboolean          lines_exhausted;
  guint64           resolve_steps;
};

/* Warnings {{{ */

JgSshWarning *
jg_ssh_warning_new (const char *file,
                    guint       line,
                    const char *message)
{
  JgSshWarning *warning = g_new0 (JgSshWarning, 1);

  warning->file = g_strdup (file);
  warning->line = line;
  warning->message = g_strdup (message);
  return warning;
}

JgSshWarning *
jg_ssh_warning_copy (const JgSshWarning *warning)
{
  g_return_val_if_fail (warning != NULL, NULL);
  return jg_ssh_warning_new (warning->file, warning->line, warning->message);
}

void
jg_ssh_warning_free (JgSshWarning *warning)
{
  if (warning == NULL)
    return;
  g_free (warning->file);
  g_free (warning->message);
  g_free (warning);
}

char *
jg_ssh_warning_format (const JgSshWarning *warning)
{
  g_return_val_if_fail (warning != NULL, NULL);

  if (warning->file == NULL)
    return g_strdup (warning->message);
  if (warning->line == 0)
    return g_strdup_printf ("%s: %s", warning->file, warning->message);
  return g_strdup_printf ("%s:%u: %s", warning->file, warning->line, warning->message);
}

static void
add_warning_literal (JgSshConfig *self,
                     const char  *file,
                     guint        line,
                     const char  *message)
{
  g_autofree char *key = g_strdup_printf ("%s\n%u\n%s", file ? file : "", line, message);

  if (g_hash_table_contains (self->warning_keys, key))
    return;
  if (self->warnings->len > JG_SSH_CONFIG_MAX_WARNINGS)
    return;
  if (self->warnings->len == JG_SSH_CONFIG_MAX_WARNINGS)
    {
      g_ptr_array_add (self->warnings,
                       jg_ssh_warning_new (NULL, 0, _("Too many problems in the configuration: the rest are not listed")));
      return;
    }
  g_hash_table_add (self->warning_keys, g_steal_pointer (&key));
  g_ptr_array_add (self->warnings, jg_ssh_warning_new (file, line, message));
}

void
jg_ssh_config_add_warning (JgSshConfig *self,
                           const char  *file,
                           guint        line,
                           const char  *format,
                           ...)
{
  g_autofree char *message = NULL;
  va_list args;

  g_return_if_fail (self != NULL);
  g_return_if_fail (format != NULL);

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* Text from the file may be anything: keep the warning printable. */
  if (!g_utf8_validate (message, -1, NULL))
    {
      char *valid = g_utf8_make_valid (message, -1);

      g_free (message);
      message = valid;
    }
  add_warning_literal (self, file, line, message);
}

#define add_warning(self, file, line, ...) \
  jg_ssh_config_add_warning ((self), (file), (line), __VA_ARGS__)

/* }}} */

/* Small types {{{ */

void
jg_ssh_hop_free (JgSshHop *hop)
{
  if (hop == NULL)
    return;
  g_free (hop->user);
  g_free (hop->host);
  g_free (hop);
}

void
jg_ssh_options_free (JgSshOptions *options)
{
  if (options == NULL)
    return;
  g_free (options->host);
  g_free (options->hostname);
  g_free (options->user);
  g_clear_pointer (&options->identity_files, g_ptr_array_unref);
  g_free (options->user_known_hosts_file);
  g_free (options->proxy);
  g_free (options->proxy_file);
  g_free (options);
}

void
jg_ssh_jump_command_free (JgSshJumpCommand *command)
{
  if (command == NULL)
    return;
  g_free (command->host);
  g_free (command->user);
  g_free (command->identity_file);
  g_free (command->proxy_jump);
  g_strfreev (command->options);
  g_free (command);
}

static void
entry_free (Entry *entry)
{
  g_free (entry->value);
  g_clear_pointer (&entry->included, g_ptr_array_unref);
  g_free (entry);
}

static void
config_file_free (ConfigFile *file)
{
  g_free (file->path);
  g_ptr_array_unref (file->entries);
  g_free (file);
}

static void
host_block_free (JgSshHostBlock *block)
{
  g_strfreev (block->patterns);
  g_free (block->file);
  g_free (block);
}

/* }}} */

/* Patterns {{{ */

gboolean
jg_ssh_pattern_is_wildcard (const char *pattern)
{
  g_return_val_if_fail (pattern != NULL, FALSE);
  return strpbrk (pattern, "*?") != NULL;
}

/* `*` and `?` glob, iteratively with one backtracking point, so that no
 * pattern can make it exponential (OpenSSH recurses). */
gboolean
jg_ssh_pattern_match (const char *pattern,
                      const char *name)
{
  const char *p, *n;
  const char *star_p = NULL, *star_n = NULL;

  g_return_val_if_fail (pattern != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  p = pattern;
  n = name;
  while (*n != '\0')
    {
      if (*p == '*')
        {
          star_p = ++p;
          star_n = n;
        }
      else if (*p == '?' || *p == *n)
        {
          p++;
          n++;
        }
      else if (star_p != NULL)
        {
          p = star_p;
          n = ++star_n;
        }
      else
        return FALSE;
    }
  while (*p == '*')
    p++;
  return *p == '\0';
}

gboolean
jg_ssh_patterns_match (const char * const *patterns,
                       const char         *name)
{
  gboolean matched = FALSE;

  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; patterns != NULL && patterns[i] != NULL; i++)
    {
      const char *pattern = patterns[i];
      gboolean negated = pattern[0] == '!';

      if (negated)
        pattern++;
      if (jg_ssh_pattern_match (pattern, name))
        {
          if (negated)
            return FALSE;
          matched = TRUE;
        }
    }
  return matched;
}

/* }}} */

/* Line syntax {{{ */

/* OpenSSH's argv_split() with terminate_on_comment: returns NULL on an
 * unterminated quote. */
static GStrv
split_args (const char *s)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  gsize i = 0;

  while (s[i] != '\0')
    {
      GString *arg;
      char quote = 0;

      if (s[i] == ' ' || s[i] == '\t')
        {
          i++;
          continue;
        }
      if (s[i] == '#')
        break;

      arg = g_string_new (NULL);
      for (; s[i] != '\0'; i++)
        {
          if (s[i] == '\\')
            {
              if (s[i + 1] == '\'' || s[i + 1] == '"' || s[i + 1] == '\\' ||
                  (quote == 0 && s[i + 1] == ' '))
                i++;
              g_string_append_c (arg, s[i]);
            }
          else if (quote == 0 && (s[i] == ' ' || s[i] == '\t'))
            break;
          else if (quote == 0 && (s[i] == '"' || s[i] == '\''))
            quote = s[i];
          else if (quote != 0 && s[i] == quote)
            quote = 0;
          else
            g_string_append_c (arg, s[i]);
        }
      g_ptr_array_add (args, g_string_free (arg, FALSE));
      if (quote != 0)
        return NULL;
    }
  g_ptr_array_add (args, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&args), FALSE);
}

/* Splits @line (modified) into its keyword and the rest, like strdelim().
 * Returns FALSE for a blank or comment line; *bad_quotes on a quoted keyword
 * without its closing quote. */
static gboolean
split_keyword (char      *line,
               char     **keyword,
               char     **rest,
               gboolean  *bad_quotes)
{
  char *s = line + strspn (line, WHITESPACE);
  char *end;

  *bad_quotes = FALSE;
  if (*s == '\0' || *s == '#')
    return FALSE;

  if (*s == '"')
    {
      *keyword = ++s;
      end = strchr (s, '"');
      if (end == NULL)
        {
          *bad_quotes = TRUE;
          return TRUE;
        }
      *end = '\0';
      s = end + 1;
      s += strspn (s, WHITESPACE);
    }
  else
    {
      gboolean equals;

      *keyword = s;
      end = s + strcspn (s, WHITESPACE "\"=");
      if (*end == '"')
        {
          *bad_quotes = TRUE;
          return TRUE;
        }
      equals = *end == '=';
      s = *end != '\0' ? end + 1 : end;
      *end = '\0';
      s += strspn (s, WHITESPACE);
      if (!equals && *s == '=')
        {
          s++;
          s += strspn (s, WHITESPACE);
        }
    }

  *rest = s;
  return **keyword != '\0';
}

static Opcode
lookup_keyword (const char *keyword)
{
  for (guint i = 0; i < G_N_ELEMENTS (keywords); i++)
    {
      if (g_ascii_strcasecmp (keyword, keywords[i].name) == 0)
        return keywords[i].op;
    }
  return OP_UNKNOWN;
}

/* a2port(): a decimal number 1–65535, nothing else. */
static int
parse_port (const char *s)
{
  guint64 value;

  if (s == NULL || !g_ascii_isdigit (s[0]) || strlen (s) > 5)
    return -1;
  for (const char *c = s; *c != '\0'; c++)
    if (!g_ascii_isdigit (*c))
      return -1;
  value = g_ascii_strtoull (s, NULL, 10);
  if (value == 0 || value > 65535)
    return -1;
  return (int) value;
}

static int
parse_flag (const char *s)
{
  if (g_ascii_strcasecmp (s, "yes") == 0 || g_ascii_strcasecmp (s, "true") == 0)
    return 1;
  if (g_ascii_strcasecmp (s, "no") == 0 || g_ascii_strcasecmp (s, "false") == 0)
    return 0;
  return -1;
}

/* convtime(): "90", "1m30s", "2h" … in seconds, -1 when invalid. */
static int
parse_time (const char *s)
{
  gint64 total = 0;

  if (s == NULL || *s == '\0')
    return -1;
  while (*s != '\0')
    {
      gint64 value = 0, multiplier = 1;

      if (!g_ascii_isdigit (*s))
        return -1;
      while (g_ascii_isdigit (*s))
        {
          value = value * 10 + (*s - '0');
          if (value > G_MAXINT)
            return -1;
          s++;
        }
      switch (*s)
        {
        case '\0':
          break;
        case 's': case 'S':
          s++;
          break;
        case 'm': case 'M':
          multiplier = 60;
          s++;
          break;
        case 'h': case 'H':
          multiplier = 60 * 60;
          s++;
          break;
        case 'd': case 'D':
          multiplier = 24 * 60 * 60;
          s++;
          break;
        case 'w': case 'W':
          multiplier = 7 * 24 * 60 * 60;
          s++;
          break;
        default:
          return -1;
        }
      total += value * multiplier;
      if (total > G_MAXINT)
        return -1;
    }
  return (int) total;
}

/* }}} */

/* ProxyJump {{{ */

static char *
url_decode (const char *s)
{
  return g_uri_unescape_string (s, NULL);
}

/* `[user@]host[:port]`, host possibly `[v6]`. */
static JgSshHop *
parse_user_host_port (const char *spec)
{
  g_autoptr(JgSshHop) hop = g_new0 (JgSshHop, 1);
  g_autofree char *copy = g_strdup (spec);
  char *hostport = copy;
  char *at = strrchr (copy, '@');
  char *port = NULL;

  if (at != NULL)
    {
      *at = '\0';
      if (copy[0] == '\0')
        return NULL;
      hop->user = g_strdup (copy);
      hostport = at + 1;
    }

  if (hostport[0] == '[')
    {
      char *close = strchr (hostport, ']');

      if (close == NULL || (close[1] != '\0' && close[1] != ':'))
        return NULL;
      *close = '\0';
      hop->host = g_strdup (hostport + 1);
      if (close[1] == ':')
        port = close + 2;
    }
  else
    {
      char *colon = strpbrk (hostport, ":/");

      if (colon != NULL)
        {
          port = colon + 1;
          *colon = '\0';
        }
      hop->host = g_strdup (hostport);
    }

  if (hop->host[0] == '\0')
    return NULL;
  if (port != NULL)
    {
      int value = parse_port (port);

      if (value < 0)
        return NULL;
      hop->port = value;
    }
  return g_steal_pointer (&hop);
}

static JgSshHop *
parse_hop (const char *spec)
{
  g_autoptr(JgSshHop) hop = NULL;

  if (g_ascii_strncasecmp (spec, "ssh://", 6) == 0)
    {
      const char *rest = spec + 6;

      if (strchr (rest, '/') != NULL)
        return NULL;
      hop = parse_user_host_port (rest);
      if (hop != NULL && hop->user != NULL)
        {
          char *user = url_decode (hop->user);

          if (user == NULL || user[0] == '\0' || !g_utf8_validate (user, -1, NULL))
            {
              g_free (user);
              return NULL;
            }
          g_free (hop->user);
          hop->user = user;
        }
    }
  else
    hop = parse_user_host_port (spec);

  if (hop == NULL)
    return NULL;
  /* A host that can not be a name or an address. */
  for (const char *c = hop->host; *c != '\0'; c++)
    if (g_ascii_isspace (*c) || *c == '@' || *c == ',' || (guchar) *c < 0x20)
      return NULL;
  return g_steal_pointer (&hop);
}

/* The ProxyJump value as ssh keeps it: up to a `#`, right-trimmed. */
static char *
clean_proxy_jump (const char *value)
{
  char *copy = g_strdup (value);
  char *hash = strchr (copy, '#');

  if (hash != NULL)
    *hash = '\0';
  return g_strstrip (copy);
}

gboolean
jg_ssh_parse_proxy_jump (const char  *value,
                         GPtrArray  **hops,
                         GError     **error)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) jg_ssh_hop_free);
  g_autofree char *clean = NULL;
  g_auto(GStrv) parts = NULL;

  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (hops != NULL, FALSE);

  clean = clean_proxy_jump (value);
  if (g_ascii_strcasecmp (clean, "none") == 0)
    {
      *hops = g_steal_pointer (&result);
      return TRUE;
    }

  parts = g_strsplit (clean, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      JgSshHop *hop = parse_hop (parts[i]);

      if (hop == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("“%s” is not a jump host: write [user@]host[:port], several separated by commas"),
                       parts[i]);
          return FALSE;
        }
      g_ptr_array_add (result, hop);
    }
  if (result->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("The jump host list is empty"));
      return FALSE;
    }

  *hops = g_steal_pointer (&result);
  return TRUE;
}

/* }}} */

/* ProxyCommand jump forms {{{ */

static gboolean
is_program (const char *arg,
            const char *name)
{
  const char *slash = strrchr (arg, '/');

  return g_strcmp0 (slash != NULL ? slash + 1 : arg, name) == 0;
}

static gboolean
is_stderr_redirect (const char *arg)
{
  return g_str_equal (arg, "2>/dev/null") || g_str_equal (arg, "2>&1");
}

/* `nc|netcat|ncat [-q N] [-w N] [-4|-6|-v] %h %p`, from the words after the
 * jump host. */
static gboolean
is_netcat_command (char **words)
{
  guint i = 0, n = g_strv_length (words);

  while (n > 0 && is_stderr_redirect (words[n - 1]))
    n--;
  if (n > 0 && g_str_equal (words[0], "exec"))
    i++;
  if (i >= n || !(is_program (words[i], "nc") || is_program (words[i], "netcat") ||
                  is_program (words[i], "ncat")))
    return FALSE;
  i++;
  while (i < n && words[i][0] == '-')
    {
      const char *flag = words[i];

      if (g_str_equal (flag, "-4") || g_str_equal (flag, "-6") || g_str_equal (flag, "-v"))
        i++;
      else if ((flag[1] == 'q' || flag[1] == 'w') && flag[2] == '\0' && i + 1 < n &&
               parse_time (words[i + 1]) >= 0)
        i += 2;
      else if ((flag[1] == 'q' || flag[1] == 'w') && parse_time (flag + 2) >= 0)
        i++;
      else
        return FALSE;
    }
  return n - i == 2 && g_str_equal (words[i], "%h") && g_str_equal (words[i + 1], "%p");
}

/* Sets *field once, like ssh's first-value-wins for -l, -p, -i. */
static void
set_once (char       **field,
          const char  *value)
{
  if (*field == NULL)
    *field = g_strdup (value);
}

JgSshJumpCommand *
jg_ssh_parse_jump_command (const char *proxy_command)
{
  /* ssh's options in OpenSSH 9: those taking an argument, the harmless
   * ones without, and the ones that mean something else than a jump. */
  static const char with_arg[] = "bcDeEFiIJlLmoOpPQRSwWB";
  static const char without_arg[] = "1246aAgkKnNqtTvxXyYC";
  g_autoptr(JgSshJumpCommand) command = g_new0 (JgSshJumpCommand, 1);
  g_autoptr(GPtrArray) options = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *forward = NULL;
  g_autofree char *destination = NULL;
  g_auto(GStrv) argv = NULL;
  guint i = 0;
  gboolean options_done = FALSE;

  g_return_val_if_fail (proxy_command != NULL, NULL);

  /* Anything a shell would do more than run one program: not a jump. */
  if (strpbrk (proxy_command, ";|&<$`(){}\n") != NULL)
    {
      /* except the usual "2>/dev/null" / "2>&1" at the end, handled below */
      g_autofree char *copy = g_strdup (proxy_command);
      char *amp;

      while ((amp = strstr (copy, "2>&1")) != NULL)
        memcpy (amp, "    ", 4);
      if (strpbrk (copy, ";|&<$`(){}\n") != NULL)
        return NULL;
    }
  if (!g_shell_parse_argv (proxy_command, NULL, &argv, NULL))
    return NULL;

  if (argv[i] != NULL && g_str_equal (argv[i], "exec"))
    i++;
  if (argv[i] == NULL || !is_program (argv[i], "ssh"))
    return NULL;
  i++;

  for (; argv[i] != NULL; i++)
    {
      const char *arg = argv[i];

      if (!options_done && g_str_equal (arg, "--"))
        {
          options_done = TRUE;
          continue;
        }
      if (!options_done && arg[0] == '-' && arg[1] != '\0')
        {
          for (const char *c = arg + 1; *c != '\0'; c++)
            {
              if (strchr (with_arg, *c) != NULL)
                {
                  const char *value = c[1] != '\0' ? c + 1 : argv[++i];

                  if (value == NULL)
                    return NULL;
                  switch (*c)
                    {
                    case 'l':
                      set_once (&command->user, value);
                      break;
                    case 'p':
                      if (command->port == 0)
                        {
                          int port = parse_port (value);

                          if (port < 0)
                            return NULL;
                          command->port = port;
                        }
                      break;
                    case 'i':
                      set_once (&command->identity_file, value);
                      break;
                    case 'J':
                      set_once (&command->proxy_jump, value);
                      break;
                    case 'o':
                      g_ptr_array_add (options, g_strdup (value));
                      break;
                    case 'W':
                      set_once (&forward, value);
                      break;
                    default:
                      break;
                    }
                  break;
                }
              else if (strchr (without_arg, *c) == NULL)
                return NULL; /* -G, -V, -f, -s, -M or unknown */
            }
          continue;
        }

      if (destination == NULL)
        {
          destination = g_strdup (arg);
          continue;
        }
      /* The first word after the destination starts the remote command. */
      for (; argv[i] != NULL; i++)
        {
          g_auto(GStrv) split = NULL;

          /* ssh joins the command words with spaces: split them again. */
          if (!g_shell_parse_argv (argv[i], NULL, &split, NULL))
            return NULL;
          for (guint j = 0; split[j] != NULL; j++)
            g_ptr_array_add (words, g_strdup (split[j]));
        }
      break;
    }
  g_ptr_array_add (words, NULL);

  if (destination == NULL)
    return NULL;

  if (forward != NULL)
    {
      guint n = words->len - 1;

      while (n > 0 && is_stderr_redirect (g_ptr_array_index (words, n - 1)))
        n--;
      if (n > 0)
        return NULL;
      if (!g_str_equal (forward, "%h:%p") && !g_str_equal (forward, "[%h]:%p"))
        return NULL;
    }
  else if (!is_netcat_command ((char **) words->pdata))
    return NULL;

  /* The destination: [user@]host or ssh://[user@]host[:port]. */
  {
    g_autoptr(JgSshHop) hop = parse_hop (destination);

    if (hop == NULL || hop->host[0] == '-' || strchr (hop->host, '%') != NULL)
      return NULL;
    if (hop->user != NULL)
      set_once (&command->user, hop->user);
    if (command->port == 0)
      command->port = hop->port;
    command->host = g_strdup (hop->host);
  }

  /* %r is the only token that may stand for the user. */
  if (command->user != NULL && strchr (command->user, '%') != NULL &&
      !g_str_equal (command->user, "%r"))
    return NULL;

  g_ptr_array_add (options, NULL);
  command->options = (GStrv) g_ptr_array_free (g_steal_pointer (&options), FALSE);
  return g_steal_pointer (&command);
}

/* }}} */

/* Parsing {{{ */

static ConfigFile *parse_buffer (JgSshConfig    *self,
                                 const char     *data,
                                 gsize           len,
                                 const char     *path,
                                 guint           depth,
                                 JgSshHostBlock *enclosing);

/* Reads a configuration file, refusing what is not a regular file (a FIFO
 * or /dev/zero would hang) and what is too large. */
static char *
read_config_file (const char  *path,
                  gsize       *length,
                  GError     **error)
{
  g_autoptr(GString) data = NULL;
  struct stat st;
  int fd;
  int saved_errno;

  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not open %s: %s"), path, g_strerror (saved_errno));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   _("%s is not a regular file"), path);
      close (fd);
      return NULL;
    }
  if (st.st_size > JG_SSH_CONFIG_MAX_FILE_SIZE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("%s is too large for an OpenSSH configuration"), path);
      close (fd);
      return NULL;
    }

  data = g_string_sized_new (st.st_size + 1);
  for (;;)
    {
      char buffer[8192];
      gssize n = read (fd, buffer, sizeof buffer);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          saved_errno = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not read %s: %s"), path, g_strerror (saved_errno));
          close (fd);
          return NULL;
        }
      if (n == 0)
        break;
      if (data->len + n > JG_SSH_CONFIG_MAX_FILE_SIZE)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       _("%s is too large for an OpenSSH configuration"), path);
          close (fd);
          return NULL;
        }
      g_string_append_len (data, buffer, n);
    }
  close (fd);

  *length = data->len;
  return g_string_free (g_steal_pointer (&data), FALSE);
}

/* `~` and `~/…` to the home directory given to the parser. */
static char *
expand_tilde (JgSshConfig *self,
              const char  *path)
{
  if (path[0] == '~' && (path[1] == '\0' || path[1] == '/'))
    return g_strconcat (self->home_dir, path + 1, NULL);
  if (path[0] == '~')
    {
      /* ~user/…: only the local user is known without a lookup. */
      const char *slash = strchr (path, '/');
      gsize len = slash != NULL ? (gsize) (slash - path - 1) : strlen (path + 1);

      if (len == strlen (g_get_user_name ()) && strncmp (path + 1, g_get_user_name (), len) == 0)
        return g_strconcat (self->home_dir, slash != NULL ? slash : "", NULL);
    }
  return g_strdup (path);
}

static void
parse_include (JgSshConfig    *self,
               Entry          *entry,
               GStrv           args,
               guint           depth,
               JgSshHostBlock *enclosing)
{
  entry->included = g_ptr_array_new ();

  if (self->flags & JG_SSH_CONFIG_NO_INCLUDE)
    {
      add_warning (self, entry->file, entry->line, _("Include is not followed for this configuration"));
      return;
    }
  if (depth + 1 > JG_SSH_CONFIG_MAX_INCLUDE_DEPTH)
    {
      add_warning (self, entry->file, entry->line,
            _("Include is nested more than %d deep (a file that includes itself?): skipped"),
            JG_SSH_CONFIG_MAX_INCLUDE_DEPTH);
      return;
    }

  for (guint i = 0; args[i] != NULL; i++)
    {
      g_autofree char *pattern = NULL;
      glob_t gl;
      int r;

      if (args[i][0] == '~')
        pattern = expand_tilde (self, args[i]);
      else if (!g_path_is_absolute (args[i]))
        pattern = g_build_filename (self->ssh_dir, args[i], NULL);
      else
        pattern = g_strdup (args[i]);

      memset (&gl, 0, sizeof gl);
      r = glob (pattern, 0, NULL, &gl);
      if (r == GLOB_NOMATCH)
        continue; /* as ssh: an Include matching nothing is fine */
      if (r != 0)
        {
          add_warning (self, entry->file, entry->line, _("Could not look for the files of Include %s"),
                args[i]);
          globfree (&gl);
          continue;
        }
      for (gsize j = 0; j < gl.gl_pathc; j++)
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *data = NULL;
          ConfigFile *file;
          gsize len = 0;

          if (self->files->len >= JG_SSH_CONFIG_MAX_FILES)
            {
              if (!self->files_exhausted)
                add_warning (self, entry->file, entry->line,
                      _("More than %d configuration files are included: the rest were skipped"),
                      JG_SSH_CONFIG_MAX_FILES);
              self->files_exhausted = TRUE;
              break;
            }
          data = read_config_file (gl.gl_pathv[j], &len, &error);
          if (data == NULL)
            {
              add_warning (self, entry->file, entry->line, "%s", error->message);
              continue;
            }
          file = parse_buffer (self, data, len, gl.gl_pathv[j], depth + 1, enclosing);
          g_ptr_array_add (entry->included, file);
        }
      globfree (&gl);
    }
}

/* Parses one line; adds what Jumpgate keeps to @file. */
static void
parse_line (JgSshConfig     *self,
            ConfigFile      *file,
            char            *line,
            guint            line_number,
            guint            depth,
            gboolean         cmdline,
            JgSshHostBlock **current)
{
  g_auto(GStrv) args = NULL;
  char *keyword = NULL, *rest = NULL;
  gboolean bad_quotes;
  Entry *entry;
  Opcode op;
  const char *path = file->path;

  /* Trailing white space, and a form feed at the end, go. */
  {
    gsize len = strlen (line);

    while (len > 0 && strchr (WHITESPACE "\f", line[len - 1]) != NULL)
      line[--len] = '\0';
  }

  if (!split_keyword (line, &keyword, &rest, &bad_quotes))
    return;
  if (bad_quotes)
    {
      add_warning (self, path, line_number, _("Unbalanced quotes: the line was skipped"));
      return;
    }

  op = lookup_keyword (keyword);
  if (op == OP_UNKNOWN)
    return; /* a keyword Jumpgate does not use */
  if (cmdline && (op == OP_HOST || op == OP_MATCH || op == OP_INCLUDE))
    return; /* ssh refuses them on its command line */

  if (*rest == '\0')
    {
      add_warning (self, path, line_number, _("%s has no value: the line was skipped"), keyword);
      return;
    }
  args = split_args (rest);
  if (args == NULL)
    {
      add_warning (self, path, line_number, _("Unbalanced quotes: the line was skipped"));
      return;
    }
  if (args[0] == NULL || (args[0][0] == '\0' && op != OP_HOST))
    {
      add_warning (self, path, line_number, _("%s has no value: the line was skipped"), keyword);
      return;
    }

  entry = g_new0 (Entry, 1);
  entry->op = op;
  entry->line = line_number;
  entry->file = path;
  entry->number = -1;

  switch (op)
    {
    case OP_HOST:
      {
        JgSshHostBlock *block = g_new0 (JgSshHostBlock, 1);
        g_autoptr(GPtrArray) patterns = g_ptr_array_new_with_free_func (g_free);

        for (guint i = 0; args[i] != NULL; i++)
          {
            if (args[i][0] == '\0' || g_str_equal (args[i], "!"))
              {
                add_warning (self, path, line_number, _("Host has an empty pattern: it was left out"));
                continue;
              }
            g_ptr_array_add (patterns, g_strdup (args[i]));
          }
        g_ptr_array_add (patterns, NULL);
        block->patterns = (GStrv) g_ptr_array_free (g_steal_pointer (&patterns), FALSE);
        block->file = g_strdup (path);
        block->line = line_number;
        g_ptr_array_add (self->blocks, block);
        entry->block = block;
        *current = block;
      }
      break;

    case OP_MATCH:
      *current = NULL;
      add_warning (self, path, line_number,
            _("Match blocks are not supported: the lines after this one up to the next Host or Match line were skipped"));
      break;

    case OP_INCLUDE:
      parse_include (self, entry, args, depth, *current);
      break;

    case OP_HOSTNAME:
    case OP_USER:
    case OP_IDENTITY_FILE:
      entry->value = g_strdup (args[0]);
      break;

    case OP_USER_KNOWN_HOSTS_FILE:
      /* ssh accepts several; the first is where new keys go. */
      entry->value = g_strdup (g_ascii_strcasecmp (args[0], "none") == 0 ? "/dev/null" : args[0]);
      break;

    case OP_PORT:
      entry->number = parse_port (args[0]);
      if (entry->number < 0)
        {
          add_warning (self, path, line_number, _("“%s” is not a port number: the line was skipped"), args[0]);
          entry_free (entry);
          return;
        }
      break;

    case OP_IDENTITIES_ONLY:
      entry->number = parse_flag (args[0]);
      if (entry->number < 0)
        {
          add_warning (self, path, line_number, _("%s must be yes or no, not “%s”: the line was skipped"),
                keyword, args[0]);
          entry_free (entry);
          return;
        }
      break;

    case OP_FORWARD_AGENT:
      /* yes/no, or the path of an agent socket, which means yes */
      entry->number = parse_flag (args[0]);
      if (entry->number < 0)
        entry->number = 1;
      break;

    case OP_SERVER_ALIVE_INTERVAL:
      entry->number = g_str_equal (args[0], "none") ? 0 : parse_time (args[0]);
      if (entry->number < 0)
        {
          add_warning (self, path, line_number, _("“%s” is not a time interval: the line was skipped"), args[0]);
          entry_free (entry);
          return;
        }
      break;

    case OP_PROXY_JUMP:
      {
        g_autoptr(GPtrArray) hops = NULL;
        g_autoptr(GError) error = NULL;
        const char *value = rest + strspn (rest, WHITESPACE "=");

        if (!jg_ssh_parse_proxy_jump (value, &hops, &error))
          {
            add_warning (self, path, line_number, _("ProxyJump skipped: %s"), error->message);
            entry_free (entry);
            return;
          }
        entry->value = clean_proxy_jump (value);
        if (*current != NULL)
          (*current)->sets_proxy = TRUE;
      }
      break;

    case OP_PROXY_COMMAND:
      entry->value = g_strdup (rest + strspn (rest, WHITESPACE "="));
      if (*current != NULL)
        (*current)->sets_proxy = TRUE;
      break;

    case OP_UNKNOWN:
    default:
      g_assert_not_reached ();
    }

  g_ptr_array_add (file->entries, entry);
}

static ConfigFile *
parse_buffer (JgSshConfig    *self,
              const char     *data,
              gsize           len,
              const char     *path,
              guint           depth,
              JgSshHostBlock *enclosing)
{
  ConfigFile *file = g_new0 (ConfigFile, 1);
  JgSshHostBlock *current = enclosing;
  gsize pos = 0;
  guint line_number = 0;

  file->path = g_strdup (path);
  file->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  g_ptr_array_add (self->files, file);

  while (pos < len)
    {
      const char *start = data + pos;
      const char *newline = memchr (start, '\n', len - pos);
      gsize line_len = newline != NULL ? (gsize) (newline - start) : len - pos;
      g_autofree char *line = NULL;

      pos += line_len + (newline != NULL ? 1 : 0);
      line_number++;

      if (++self->n_lines > JG_SSH_CONFIG_MAX_LINES)
        {
          if (!self->lines_exhausted)
            add_warning (self, path, line_number,
                  _("The configuration has more than %d lines: the rest was not read"),
                  JG_SSH_CONFIG_MAX_LINES);
          self->lines_exhausted = TRUE;
          break;
        }
      if (line_len > JG_SSH_CONFIG_MAX_LINE)
        {
          add_warning (self, path, line_number, _("The line is too long: it was skipped"));
          continue;
        }

      /* A NUL byte ends the line, as it does for ssh. */
      line = g_strndup (start, line_len);
      if (!g_utf8_validate (line, -1, NULL))
        {
          add_warning (self, path, line_number, _("The line is not valid UTF-8: it was skipped"));
          continue;
        }
      parse_line (self, file, line, line_number, depth, FALSE, &current);
    }

  return file;
}

JgSshConfig *
jg_ssh_config_new (const char       *home_dir,
                   JgSshConfigFlags  flags)
{
  JgSshConfig *self = g_new0 (JgSshConfig, 1);

  self->home_dir = g_strdup (home_dir != NULL ? home_dir : g_get_home_dir ());
  self->ssh_dir = g_build_filename (self->home_dir, ".ssh", NULL);
  self->flags = flags;
  self->files = g_ptr_array_new_with_free_func ((GDestroyNotify) config_file_free);
  self->roots = g_ptr_array_new ();
  self->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) host_block_free);
  self->warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) jg_ssh_warning_free);
  self->warning_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return self;
}

void
jg_ssh_config_free (JgSshConfig *self)
{
  if (self == NULL)
    return;
  g_free (self->home_dir);
  g_free (self->ssh_dir);
  g_ptr_array_unref (self->roots);
  g_ptr_array_unref (self->files);
  g_ptr_array_unref (self->blocks);
  g_ptr_array_unref (self->warnings);
  g_hash_table_unref (self->warning_keys);
  g_free (self);
}

const char *
jg_ssh_config_get_home_dir (JgSshConfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->home_dir;
}

const char *
jg_ssh_config_get_ssh_dir (JgSshConfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->ssh_dir;
}

char *
jg_ssh_config_dup_default_path (JgSshConfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_build_filename (self->ssh_dir, "config", NULL);
}

gboolean
jg_ssh_config_parse_data (JgSshConfig  *self,
                          const char   *data,
                          gsize         len,
                          const char   *name,
                          GError      **error)
{
  ConfigFile *file;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  if (len > JG_SSH_CONFIG_MAX_FILE_SIZE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("%s is too large for an OpenSSH configuration"), name ? name : "ssh_config");
      return FALSE;
    }
  file = parse_buffer (self, data != NULL ? data : "", len, name ? name : "ssh_config", 0, NULL);
  g_ptr_array_add (self->roots, file);
  return TRUE;
}

gboolean
jg_ssh_config_parse_file (JgSshConfig  *self,
                          const char   *path,
                          GError      **error)
{
  g_autofree char *default_path = NULL;
  g_autofree char *expanded = NULL;
  g_autofree char *data = NULL;
  ConfigFile *file;
  gsize len = 0;

  g_return_val_if_fail (self != NULL, FALSE);

  if (path == NULL)
    path = default_path = jg_ssh_config_dup_default_path (self);
  expanded = expand_tilde (self, path);

  data = read_config_file (expanded, &len, error);
  if (data == NULL)
    return FALSE;
  file = parse_buffer (self, data, len, expanded, 0, NULL);
  g_ptr_array_add (self->roots, file);
  return TRUE;
}

GPtrArray *
jg_ssh_config_get_warnings (JgSshConfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->warnings;
}

GPtrArray *
jg_ssh_config_get_host_blocks (JgSshConfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->blocks;
}

GStrv
jg_ssh_config_list_aliases (JgSshConfig *self)
{
  g_autoptr(GPtrArray) aliases = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < self->blocks->len; i++)
    {
      JgSshHostBlock *block = g_ptr_array_index (self->blocks, i);

      for (guint j = 0; block->patterns[j] != NULL; j++)
        {
          const char *pattern = block->patterns[j];

          if (pattern[0] == '!' || jg_ssh_pattern_is_wildcard (pattern))
            continue;
          if (g_hash_table_contains (seen, pattern))
            continue;
          g_hash_table_add (seen, (gpointer) pattern);
          g_ptr_array_add (aliases, g_strdup (pattern));
        }
    }
  g_ptr_array_add (aliases, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&aliases), FALSE);
}

/* }}} */

/* Resolving {{{ */

typedef struct
{
  const char *value;
  const char *file;
  guint       line;
} Raw;

typedef struct
{
  JgSshConfig          *self;
  const char           *host;
  gboolean              hostname_set;
  Raw                   hostname;
  gboolean              user_set;
  char                 *user;
  int                   port;
  GArray               *identity_files; /* Raw */
  int                   identities_only;
  int                   forward_agent;
  int                   server_alive_interval;
  gboolean              known_hosts_set;
  Raw                   known_hosts;
  gboolean              proxy_set;
  JgSshProxyKind        proxy_kind;
  Raw                   proxy;
  const JgSshHostBlock *proxy_block;
  gboolean              host_block_applied;
} Resolver;

static void
apply_entry (Resolver             *r,
             const Entry          *entry,
             const JgSshHostBlock *block)
{
  switch (entry->op)
    {
    case OP_HOSTNAME:
      if (!r->hostname_set)
        {
          r->hostname_set = TRUE;
          r->hostname = (Raw) { entry->value, entry->file, entry->line };
        }
      break;
    case OP_USER:
      if (!r->user_set)
        {
          r->user_set = TRUE;
          r->user = g_strdup (entry->value);
        }
      break;
    case OP_PORT:
      if (r->port < 0)
        r->port = entry->number;
      break;
    case OP_IDENTITY_FILE:
      if (r->identity_files->len < MAX_IDENTITY_FILES)
        {
          Raw raw = { entry->value, entry->file, entry->line };

          g_array_append_val (r->identity_files, raw);
        }
      break;
    case OP_IDENTITIES_ONLY:
      if (r->identities_only < 0)
        r->identities_only = entry->number;
      break;
    case OP_FORWARD_AGENT:
      if (r->forward_agent < 0)
        r->forward_agent = entry->number;
      break;
    case OP_SERVER_ALIVE_INTERVAL:
      if (r->server_alive_interval < 0)
        r->server_alive_interval = entry->number;
      break;
    case OP_USER_KNOWN_HOSTS_FILE:
      if (!r->known_hosts_set)
        {
          r->known_hosts_set = TRUE;
          r->known_hosts = (Raw) { entry->value, entry->file, entry->line };
        }
      break;
    case OP_PROXY_JUMP:
    case OP_PROXY_COMMAND:
      /* The first of ProxyJump and ProxyCommand wins, as in ssh. */
      if (!r->proxy_set)
        {
          r->proxy_set = TRUE;
          r->proxy_kind = entry->op == OP_PROXY_JUMP ? JG_SSH_PROXY_JUMP : JG_SSH_PROXY_COMMAND;
          r->proxy = (Raw) { entry->value, entry->file, entry->line };
          r->proxy_block = block;
        }
      break;
    case OP_HOST:
    case OP_MATCH:
    case OP_INCLUDE:
    case OP_UNKNOWN:
    default:
      break;
    }
}

static gboolean
block_names_host (const JgSshHostBlock *block,
                  const char           *host)
{
  for (guint i = 0; block->patterns[i] != NULL; i++)
    if (g_str_equal (block->patterns[i], host))
      return TRUE;
  return FALSE;
}

static void
walk (Resolver              *r,
      const GPtrArray       *entries,
      gboolean               never_match,
      gboolean              *active,
      const JgSshHostBlock **block)
{
  for (guint i = 0; i < entries->len; i++)
    {
      const Entry *entry = g_ptr_array_index (entries, i);

      /* Resolving is linear in the lines; a huge configuration resolved
       * for thousands of hosts stops here rather than taking minutes. */
      if (r->self->resolve_steps++ >= JG_SSH_CONFIG_MAX_RESOLVE_STEPS)
        {
          if (r->self->resolve_steps == JG_SSH_CONFIG_MAX_RESOLVE_STEPS + 1)
            add_warning (r->self, NULL, 0,
                         _("The configuration is too large to work out every host: some hosts may lack settings"));
          return;
        }

      switch (entry->op)
        {
        case OP_HOST:
          *block = entry->block;
          *active = !never_match &&
                    jg_ssh_patterns_match ((const char * const *) entry->block->patterns, r->host);
          if (*active && block_names_host (entry->block, r->host))
            r->host_block_applied = TRUE;
          break;

        case OP_MATCH:
          /* Not supported: its lines never apply. */
          *block = NULL;
          *active = FALSE;
          break;

        case OP_INCLUDE:
          {
            gboolean outer_active = *active;
            const JgSshHostBlock *outer_block = *block;

            for (guint j = 0; j < entry->included->len; j++)
              {
                const ConfigFile *file = g_ptr_array_index (entry->included, j);
                gboolean file_active = outer_active && !never_match;
                const JgSshHostBlock *file_block = outer_block;

                walk (r, file->entries, never_match || !outer_active, &file_active, &file_block);
              }
            *active = outer_active;
            *block = outer_block;
          }
          break;

        case OP_UNKNOWN:
        case OP_HOSTNAME:
        case OP_USER:
        case OP_PORT:
        case OP_IDENTITY_FILE:
        case OP_IDENTITIES_ONLY:
        case OP_FORWARD_AGENT:
        case OP_SERVER_ALIVE_INTERVAL:
        case OP_USER_KNOWN_HOSTS_FILE:
        case OP_PROXY_JUMP:
        case OP_PROXY_COMMAND:
        default:
          if (*active)
            apply_entry (r, entry, *block);
          break;
        }
    }
}

typedef struct
{
  char        key;
  const char *value;
} Token;

/* percent_expand(): %% and the tokens in @tokens; an unknown token is kept
 * as written, with a warning. */
static char *
expand_tokens (JgSshConfig *self,
               const Raw   *raw,
               const char  *text,
               const Token *tokens,
               guint        n_tokens,
               const char  *keyword)
{
  GString *out = g_string_new (NULL);

  for (const char *c = text; *c != '\0'; c++)
    {
      gboolean found = FALSE;

      if (*c != '%')
        {
          g_string_append_c (out, *c);
          continue;
        }
      if (c[1] == '%')
        {
          g_string_append_c (out, '%');
          c++;
          continue;
        }
      for (guint i = 0; c[1] != '\0' && i < n_tokens; i++)
        {
          if (tokens[i].key == c[1])
            {
              g_string_append (out, tokens[i].value);
              found = TRUE;
              break;
            }
        }
      if (!found)
        {
          if (c[1] == '\0')
            add_warning (self, raw->file, raw->line, _("%s ends with a lone %%: it was kept as written"), keyword);
          else
            add_warning (self, raw->file, raw->line, _("%s uses %%%c, which ssh does not expand there: it was kept as written"),
                  keyword, c[1]);
          g_string_append_c (out, '%');
          continue;
        }
      c++;
    }
  return g_string_free (out, FALSE);
}

/* ${NAME} from the environment, as ssh does in file names. */
static char *
expand_environment (JgSshConfig *self,
                    const Raw   *raw,
                    const char  *text,
                    const char  *keyword)
{
  GString *out = g_string_new (NULL);

  for (const char *c = text; *c != '\0'; c++)
    {
      const char *close;
      g_autofree char *name = NULL;
      const char *value;

      if (c[0] != '$' || c[1] != '{' || (close = strchr (c + 2, '}')) == NULL)
        {
          g_string_append_c (out, *c);
          continue;
        }
      name = g_strndup (c + 2, close - (c + 2));
      value = g_str_equal (name, "HOME") ? self->home_dir : g_getenv (name);
      if (value != NULL && !g_utf8_validate (value, -1, NULL))
        value = NULL;
      if (value == NULL)
        {
          add_warning (self, raw->file, raw->line, _("%s uses ${%s}, which is not set: it was kept as written"),
                keyword, name);
          g_string_append_len (out, c, close - c + 1);
        }
      else
        g_string_append (out, value);
      c = close;
    }
  return g_string_free (out, FALSE);
}

static char *
expand_path (JgSshConfig *self,
             const Raw   *raw,
             const Token *tokens,
             guint        n_tokens,
             const char  *keyword)
{
  g_autofree char *tilde = expand_tilde (self, raw->value);
  g_autofree char *percent = expand_tokens (self, raw, tilde, tokens, n_tokens, keyword);

  return expand_environment (self, raw, percent, keyword);
}

/* Parses "Keyword=value" / "Keyword value" from a command line into an
 * entry (or NULL, with a warning when it is a bad value). */
static Entry *
parse_cmdline_option (JgSshConfig *self,
                      const char  *option)
{
  g_autofree char *line = NULL;
  ConfigFile file = { (char *) "command line", NULL };
  JgSshHostBlock *current = NULL;
  Entry *entry = NULL;

  if (strchr (option, '\n') != NULL || strlen (option) > JG_SSH_CONFIG_MAX_LINE ||
      !g_utf8_validate (option, -1, NULL))
    return NULL;
  line = g_strdup (option);
  file.entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  parse_line (self, &file, line, 0, JG_SSH_CONFIG_MAX_INCLUDE_DEPTH, TRUE, &current);
  if (file.entries->len > 0)
    entry = g_ptr_array_steal_index (file.entries, 0);
  g_ptr_array_unref (file.entries);
  return entry;
}

JgSshOptions *
jg_ssh_config_resolve (JgSshConfig            *self,
                       const char             *host,
                       const JgSshCommandLine *cmdline)
{
  g_autoptr(JgSshOptions) options = g_new0 (JgSshOptions, 1);
  g_autoptr(GPtrArray) cmdline_entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  g_autofree char *port_string = NULL;
  g_autofree char *uid_string = NULL;
  g_autofree char *short_host = NULL;
  g_autofree char *connection_hash = NULL;
  g_autofree char *hash_input = NULL;
  const char *effective_user;
  const char *local_host;
  Resolver r = { 0 };

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (host != NULL, NULL);

  r.self = self;
  r.host = host;
  r.port = -1;
  r.identities_only = -1;
  r.forward_agent = -1;
  r.server_alive_interval = -1;
  r.identity_files = g_array_new (FALSE, FALSE, sizeof (Raw));

  /* The command line comes first: its values win. */
  if (cmdline != NULL)
    {
      if (cmdline->user != NULL)
        {
          r.user_set = TRUE;
          r.user = cmdline->user[0] != '\0' ? g_strdup (cmdline->user) : NULL;
        }
      if (cmdline->port > 0 && cmdline->port <= 65535)
        r.port = cmdline->port;
      if (cmdline->identity_file != NULL)
        {
          Entry *entry = g_new0 (Entry, 1);

          entry->op = OP_IDENTITY_FILE;
          entry->file = "command line";
          entry->value = g_strdup (cmdline->identity_file);
          g_ptr_array_add (cmdline_entries, entry);
        }
      if (cmdline->proxy_jump != NULL)
        {
          g_autoptr(GPtrArray) hops = NULL;

          if (jg_ssh_parse_proxy_jump (cmdline->proxy_jump, &hops, NULL))
            {
              Entry *entry = g_new0 (Entry, 1);

              entry->op = OP_PROXY_JUMP;
              entry->file = "command line";
              entry->value = clean_proxy_jump (cmdline->proxy_jump);
              g_ptr_array_add (cmdline_entries, entry);
            }
        }
      for (guint i = 0; cmdline->options != NULL && cmdline->options[i] != NULL &&
                        i < MAX_CMDLINE_OPTIONS; i++)
        {
          Entry *entry = parse_cmdline_option (self, cmdline->options[i]);

          if (entry != NULL)
            g_ptr_array_add (cmdline_entries, entry);
        }
      for (guint i = 0; i < cmdline_entries->len; i++)
        apply_entry (&r, g_ptr_array_index (cmdline_entries, i), NULL);
    }

  for (guint i = 0; i < self->roots->len; i++)
    {
      const ConfigFile *root = g_ptr_array_index (self->roots, i);
      const JgSshHostBlock *block = NULL;
      gboolean active = TRUE;

      walk (&r, root->entries, FALSE, &active, &block);
    }

  options->host = g_strdup (host);
  options->host_block_applied = r.host_block_applied;

  /* HostName: only %h (the name given) and %%. */
  if (r.hostname_set)
    {
      Token tokens[] = { { 'h', host } };

      options->hostname = expand_tokens (self, &r.hostname, r.hostname.value, tokens,
                                         G_N_ELEMENTS (tokens), "HostName");
    }
  else
    options->hostname = g_strdup (host);

  options->user = g_steal_pointer (&r.user);
  options->port = r.port > 0 ? (guint) r.port : 0;
  options->identities_only = r.identities_only;
  options->forward_agent = r.forward_agent;
  options->server_alive_interval = r.server_alive_interval;

  options->proxy_kind = r.proxy_set ? r.proxy_kind : JG_SSH_PROXY_NONE;
  if (r.proxy_set)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (r.proxy.value));

      if (trimmed[0] == '\0' || g_ascii_strcasecmp (trimmed, "none") == 0)
        options->proxy_kind = JG_SSH_PROXY_NONE;
      options->proxy = g_strdup (r.proxy.value);
      options->proxy_file = g_strdup (r.proxy.file);
      options->proxy_line = r.proxy.line;
      options->proxy_block = r.proxy_block;
    }

  /* The tokens of IdentityFile and UserKnownHostsFile. */
  effective_user = options->user != NULL ? options->user : g_get_user_name ();
  local_host = g_get_host_name ();
  short_host = g_strndup (local_host, strcspn (local_host, "."));
  port_string = g_strdup_printf ("%u", options->port != 0 ? options->port : 22);
  uid_string = g_strdup_printf ("%u", (guint) getuid ());
  hash_input = g_strconcat (local_host, options->hostname, port_string, effective_user, NULL);
  connection_hash = g_compute_checksum_for_string (G_CHECKSUM_SHA1, hash_input, -1);
  {
    const Token tokens[] = {
      { 'C', connection_hash },
      { 'd', self->home_dir },
      { 'h', options->hostname },
      { 'i', uid_string },
      { 'j', options->proxy_kind == JG_SSH_PROXY_JUMP ? options->proxy : "" },
      { 'k', host },
      { 'L', short_host },
      { 'l', local_host },
      { 'n', host },
      { 'p', port_string },
      { 'r', effective_user },
      { 'T', "NONE" },
      { 'u', g_get_user_name () },
    };

    options->identity_files = g_ptr_array_new_with_free_func (g_free);
    for (guint i = 0; i < r.identity_files->len; i++)
      {
        const Raw *raw = &g_array_index (r.identity_files, Raw, i);

        g_ptr_array_add (options->identity_files,
                         expand_path (self, raw, tokens, G_N_ELEMENTS (tokens), "IdentityFile"));
      }
    if (r.known_hosts_set)
      options->user_known_hosts_file = expand_path (self, &r.known_hosts, tokens,
                                                    G_N_ELEMENTS (tokens), "UserKnownHostsFile");
  }

  g_array_unref (r.identity_files);
  return g_steal_pointer (&options);
}

/* }}} */
