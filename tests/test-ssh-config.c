/* test-ssh-config.c — the OpenSSH config parser: syntax, resolution as ssh does it, hostile files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jg-import.h"
#include "jg-ssh-config.h"

typedef struct
{
  char *home;
  char *ssh_dir;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->home = g_dir_make_tmp ("jg-ssh-config-XXXXXX", &error);
  g_assert_no_error (error);
  f->ssh_dir = g_build_filename (f->home, ".ssh", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->ssh_dir, 0700), ==, 0);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  remove_tree (f->home);
  g_free (f->home);
  g_free (f->ssh_dir);
}

/* Writes @text to ~/.ssh/@name (parents made); returns the full path. */
static char *
write_ssh_file (Fixture    *f,
                const char *name,
                const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->ssh_dir, name, NULL);
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static JgSshConfig *
parse_config (Fixture    *f,
              const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_ssh_file (f, "config", text);
  JgSshConfig *config = jg_ssh_config_new (f->home, JG_SSH_CONFIG_FLAGS_NONE);

  /* NULL: the default, ~/.ssh/config under the given home */
  g_assert_true (jg_ssh_config_parse_file (config, NULL, &error));
  g_assert_no_error (error);
  return config;
}

/* All warnings as "basename:line: message" lines. */
static char *
warnings_text (JgSshConfig *config)
{
  GPtrArray *warnings = jg_ssh_config_get_warnings (config);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < warnings->len; i++)
    {
      const JgSshWarning *warning = g_ptr_array_index (warnings, i);
      g_autofree char *base = warning->file ? g_path_get_basename (warning->file) : NULL;

      g_string_append_printf (out, "%s:%u: %s\n", base ? base : "-", warning->line, warning->message);
    }
  return g_string_free (out, FALSE);
}

static void
test_syntax (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(JgSshConfig) config = NULL;
  g_autoptr(JgSshOptions) web = NULL;
  g_autoptr(JgSshOptions) other = NULL;
  g_autofree char *warnings = NULL;
  g_autofree char *expected_key = NULL;

  config = parse_config (f,
    "# a comment\n"
    "\n"
    "   # an indented comment\n"
    "HOST web   # trailing comment\n"
    "\thostname=web.example.org\n"
    "  USER = \"deploy user\"\n"
    "  Port\t=2222\n"
    "  IdentityFile \"~/.ssh/my key\"   # quoted, with a space\n"
    "  identitiesonly YES\n"
    "  ForwardAgent=true\n"
    "  ServerAliveInterval 1m30s\r\n"
    "  UserKnownHostsFile ~/.ssh/known_web ~/.ssh/other\n"
    "Host other\n"
    "  User first\n"
    "  User second\n"
    "  ServerAliveInterval none\n"
    "  ForwardAgent $SSH_AUTH_SOCK\n");

  web = jg_ssh_config_resolve (config, "web", NULL);
  g_assert_cmpstr (web->hostname, ==, "web.example.org");
  g_assert_cmpstr (web->user, ==, "deploy user");
  g_assert_cmpuint (web->port, ==, 2222);
  g_assert_cmpuint (web->identity_files->len, ==, 1);
  expected_key = g_build_filename (f->ssh_dir, "my key", NULL);
  g_assert_cmpstr (g_ptr_array_index (web->identity_files, 0), ==, expected_key);
  g_assert_cmpint (web->identities_only, ==, 1);
  g_assert_cmpint (web->forward_agent, ==, 1);
  g_assert_cmpint (web->server_alive_interval, ==, 90);
  g_assert_true (g_str_has_suffix (web->user_known_hosts_file, "/.ssh/known_web"));
  g_assert_true (g_str_has_prefix (web->user_known_hosts_file, f->home));
  g_assert_cmpint (web->proxy_kind, ==, JG_SSH_PROXY_NONE);
  g_assert_true (web->host_block_applied);

  other = jg_ssh_config_resolve (config, "other", NULL);
  g_assert_cmpstr (other->hostname, ==, "other");
  g_assert_cmpstr (other->user, ==, "first");
  g_assert_cmpuint (other->port, ==, 0);
  g_assert_cmpint (other->server_alive_interval, ==, 0);
  g_assert_cmpint (other->forward_agent, ==, 1);
  g_assert_cmpint (other->identities_only, ==, -1);

  warnings = warnings_text (config);
  g_assert_cmpstr (warnings, ==, "");
}

static void
test_first_value_wins (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(JgSshConfig) config = NULL;
  g_autoptr(JgSshOptions) alpha = NULL;
  g_autoptr(JgSshOptions) beta = NULL;
  g_autoptr(JgSshOptions) gamma = NULL;
  g_autoptr(JgSshOptions) stranger = NULL;

  config = parse_config (f,
    "Host alpha beta\n"
    "  Port 2201\n"
    "Host *.example.org !gamma.example.org\n"
    "  User corp\n"
    "Host alpha\n"
    "  Port 2202\n"
    "  User alpha-user\n"
    "  IdentityFile ~/.ssh/alpha\n"
    "Host a?pha be*\n"
    "  HostName %h.example.org\n"
    "Host !beta *\n"
    "  IdentityFile ~/.ssh/id_default\n"
    "  User fallback\n"
    "  Port 22\n");

  /* Two ssh would-bes: the first value obtained is kept, IdentityFile adds up. */
  alpha = jg_ssh_config_resolve (config, "alpha", NULL);
  g_assert_cmpuint (alpha->port, ==, 2201);
  g_assert_cmpstr (alpha->user, ==, "alpha-user");
  g_assert_cmpstr (alpha->hostname, ==, "alpha.example.org");
  g_assert_cmpuint (alpha->identity_files->len, ==, 2);
  g_assert_true (g_str_has_suffix (g_ptr_array_index (alpha->identity_files, 0), "/.ssh/alpha"));
  g_assert_true (g_str_has_suffix (g_ptr_array_index (alpha->identity_files, 1), "/.ssh/id_default"));

  /* !beta keeps the last block away from beta. */
  beta = jg_ssh_config_resolve (config, "beta", NULL);
  g_assert_cmpuint (beta->port, ==, 2201);
  g_assert_null (beta->user);
  g_assert_cmpstr (beta->hostname, ==, "beta.example.org");
  g_assert_cmpuint (beta->identity_files->len, ==, 0);

  /* Patterns match the name given, not the HostName. */
  gamma = jg_ssh_config_resolve (config, "gamma.example.org", NULL);
  g_assert_cmpstr (gamma->user, ==, "fallback");
  stranger = jg_ssh_config_resolve (config, "x.example.org", NULL);
  g_assert_cmpstr (stranger->user, ==, "corp");
  g_assert_false (stranger->host_block_applied);
}

static void
test_include (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(JgSshConfig) config = NULL;
  g_autoptr(JgSshOptions) db = NULL;
  g_autoptr(JgSshOptions) cache = NULL;
  g_autoptr(JgSshOptions) web = NULL;
  g_autoptr(JgSshOptions) inner = NULL;
  g_autofree char *extra = NULL;
  g_autofree char *extra_dir = NULL;
  g_autofree char *warnings = NULL;
  g_auto(GStrv) aliases = NULL;
  g_autofree char *text = NULL;

  g_free (write_ssh_file (f, "conf.d/20-cache.conf",
                          "Host cache\n"
                          "  HostName cache.internal\n"));
  g_free (write_ssh_file (f, "conf.d/10-db.conf",
                          "Host db\n"
                          "  HostName db.internal\n"
                          "  User dba\n"));
  g_free (write_ssh_file (f, "conf.d/README", "Host readme\n"));
  g_free (write_ssh_file (f, "web-only", "User web-only-user\n"));
  g_free (write_ssh_file (f, "inner-only", "User never\n"));
  extra = g_build_filename (f->home, "elsewhere", "extra.conf", NULL);
  extra_dir = g_path_get_dirname (extra);
  g_assert_cmpint (g_mkdir_with_parents (extra_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (extra, "Host extra\n  Port 2022\n", -1, NULL));

  config = parse_config (f,
    "Include conf.d/*.conf ~/elsewhere/*.conf nothing-matches-*\n"
    "Host web\n"
    "  Include web-only\n"
    "  HostName web.example.org\n"
    "Host other\n"
    "  Include inner-only\n"
    "Host *\n"
    "  User everyone\n");

  /* Globs are relative to ~/.ssh, sorted, and only what matches. */
  aliases = jg_ssh_config_list_aliases (config);
  text = g_strjoinv (",", aliases);
  g_assert_cmpstr (text, ==, "db,cache,extra,web,other");

  db = jg_ssh_config_resolve (config, "db", NULL);
  g_assert_cmpstr (db->hostname, ==, "db.internal");
  g_assert_cmpstr (db->user, ==, "dba");
  cache = jg_ssh_config_resolve (config, "cache", NULL);
  g_assert_cmpstr (cache->user, ==, "everyone");

  /* An Include inside a Host block applies only to that block's hosts. */
  web = jg_ssh_config_resolve (config, "web", NULL);
  g_assert_cmpstr (web->user, ==, "web-only-user");
  g_assert_cmpstr (web->hostname, ==, "web.example.org");
  inner = jg_ssh_config_resolve (config, "inner", NULL);
  g_assert_cmpstr (inner->user, ==, "everyone");

  warnings = warnings_text (config);
  g_assert_cmpstr (warnings, ==, "");
}

static void
test_include_hostile (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(JgSshConfig) config = NULL;
  g_autoptr(JgSshOptions) loop = NULL;
  g_autofree char *fifo = g_build_filename (f->ssh_dir, "fifo", NULL);
  g_autofree char *warnings = NULL;
  g_autofree char *expected = NULL;
  gint64 start = g_get_monotonic_time ();

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_free (write_ssh_file (f, "loop", "Include loop\nHost loop\n  Port 2000\n"));
  g_free (write_ssh_file (f, "fan", "Include fan fan\n"));

  /* A file that includes itself stops at 16 deep, one that includes itself
   * twice at 256 files; a FIFO, /dev/zero and a directory are refused
   * instead of blocking or reading forever. */
  config = parse_config (f,
    "Include loop\n"
    "Include fifo\n"
    "Include /dev/zero\n"
    "Include ~/.ssh\n"
    "Host loop\n"
    "  Port 2001\n"
    "Include fan\n");
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);

  loop = jg_ssh_config_resolve (config, "loop", NULL);
  g_assert_cmpuint (loop->port, ==, 2000);

  warnings = warnings_text (config);
  g_test_message ("%s", warnings);
  expected = g_strdup_printf (
    "loop:1: Include is nested more than 16 deep (a file that includes itself?): skipped\n"
    "config:2: %s/fifo is not a regular file\n"
    "config:3: /dev/zero is not a regular file\n"
    "config:4: %s is not a regular file\n"
    "fan:1: Include is nested more than 16 deep (a file that includes itself?): skipped\n"
    "fan:1: More than 256 configuration files are included: the rest were skipped\n",
    f->ssh_dir, f->ssh_dir);
  g_assert_cmpstr (warnings, ==, expected);
}

static void
test_tokens (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(JgSshConfig) config = NULL;
  g_autoptr(JgSshOptions) box = NULL;
  g_autoptr(JgSshOptions) local = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *warnings = NULL;

  config = parse_config (f,
    "Host box\n"
    "  HostName %h.example.org\n"
    "  User admin\n"
    "  Port 2200\n"
    "  IdentityFile ~/.ssh/%h_%r_%p\n"
    "  IdentityFile %d/keys/%u-%n-%%\n"
    "  UserKnownHostsFile ~/.ssh/known_hosts.d/%h\n"
    "Host local\n"
    "  IdentityFile ~/.ssh/id_%r\n"
    "  IdentityFile ${HOME}/.ssh/%x\n"
    "  HostName 10.0.0.%h\n");

  box = jg_ssh_config_resolve (config, "box", NULL);
  g_assert_cmpstr (box->hostname, ==, "box.example.org");
  expected = g_strdup_printf ("%s/box.example.org_admin_2200", f->ssh_dir);
  g_assert_cmpstr (g_ptr_array_index (box->identity_files, 0), ==, expected);
  g_free (expected);
  expected = g_strdup_printf ("%s/keys/%s-box-%%", f->home, g_get_user_name ());
  g_assert_cmpstr (g_ptr_array_index (box->identity_files, 1), ==, expected);
  g_free (expected);
  expected = g_strdup_printf ("%s/known_hosts.d/box.example.org", f->ssh_dir);
  g_assert_cmpstr (box->user_known_hosts_file, ==, expected);
  g_free (expected);

  /* %r without a User is the local user; an unknown token is kept. */
  local = jg_ssh_config_resolve (config, "local", NULL);
  g_assert_cmpstr (local->hostname, ==, "10.0.0.local");
  expected = g_strdup_printf ("%s/id_%s", f->ssh_dir, g_get_user_name ());
  g_assert_cmpstr (g_ptr_array_index (local->identity_files, 0), ==, expected);
  g_free (expected);
  expected = g_strdup_printf ("%s/%%x", f->ssh_dir);
  g_assert_cmpstr (g_ptr_array_index (local->identity_files, 1), ==, expected);

  warnings = warnings_text (config);
  g_assert_cmpstr (warnings, ==, "config:10: IdentityFile uses %x, which ssh does not expand there: it was kept as written\n");
}

static void
test_match_and_bad_lines (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(JgSshConfig) config = NULL;
  g_autoptr(JgSshOptions) a = NULL;
  g_autoptr(JgSshOptions) b = NULL;
  g_autofree char *warnings = NULL;
  g_autofree char *long_line = NULL;
  g_autofree char *text = NULL;

  long_line = g_strnfill (JG_SSH_CONFIG_MAX_LINE + 10, 'x');
  text = g_strdup_printf (
    "Host a\n"
    "  HostName a.example.org\n"
    "  Port eighty\n"
    "  User \"unterminated\n"
    "Match host b\n"
    "  User matched\n"
    "Host b\n"
    "  HostName b.example.org\n"
    "  IdentitiesOnly perhaps\n"
    "  Port 70000\n"
    "  Port 2222\n"
    "User %s\n"
    "  ProxyJump user@:22\n"
    "Host\n"
    "Hostname\n",
    long_line);
  config = parse_config (f, text);

  a = jg_ssh_config_resolve (config, "a", NULL);
  g_assert_cmpstr (a->hostname, ==, "a.example.org");
  g_assert_cmpuint (a->port, ==, 0);
  g_assert_null (a->user);

  /* The Match block's lines apply to nothing. */
  b = jg_ssh_config_resolve (config, "b", NULL);
  g_assert_null (b->user);
  g_assert_cmpuint (b->port, ==, 2222);
  g_assert_cmpint (b->identities_only, ==, -1);

  warnings = warnings_text (config);
  g_assert_cmpstr (warnings, ==,
    "config:3: “eighty” is not a port number: the line was skipped\n"
    "config:4: Unbalanced quotes: the line was skipped\n"
    "config:5: Match blocks are not supported: the lines after this one up to the next Host or Match line were skipped\n"
    "config:9: IdentitiesOnly must be yes or no, not “perhaps”: the line was skipped\n"
    "config:10: “70000” is not a port number: the line was skipped\n"
    "config:12: The line is too long: it was skipped\n"
    "config:13: ProxyJump skipped: “user@:22” is not a jump host: write [user@]host[:port], several separated by commas\n"
    "config:14: Host has no value: the line was skipped\n"
    "config:15: Hostname has no value: the line was skipped\n");
}

static void
test_patterns (void)
{
  const struct
  {
    const char *pattern;
    const char *name;
    gboolean    match;
  } cases[] = {
    { "*", "anything", TRUE },
    { "*", "", TRUE },
    { "*.lab", "vm-0.lab", TRUE },
    { "*.lab", "vm-0.lab.example.org", FALSE },
    { "vm-?.lab", "vm-1.lab", TRUE },
    { "vm-?.lab", "vm-10.lab", FALSE },
    { "a*b*c", "aXXbYYc", TRUE },
    { "a*b*c", "aXXbYY", FALSE },
    { "Web", "web", FALSE },
    { "*a*a*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", FALSE },
  };
  const char *list[] = { "*.lab", "!db.lab", NULL };
  const char *negated_only[] = { "!db.lab", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (jg_ssh_pattern_match (cases[i].pattern, cases[i].name), ==, cases[i].match);

  g_assert_true (jg_ssh_patterns_match (list, "web.lab"));
  g_assert_false (jg_ssh_patterns_match (list, "db.lab"));
  g_assert_false (jg_ssh_patterns_match (list, "web.example.org"));
  g_assert_false (jg_ssh_patterns_match (negated_only, "web.lab"));
}

static void
test_proxy_jump_syntax (void)
{
  const struct
  {
    const char *value;
    const char *expected; /* "user@host:port|…", NULL: invalid */
  } cases[] = {
    { "bastion", "-@bastion:0" },
    { "a,b,user@c:2222", "-@a:0|-@b:0|user@c:2222" },
    { "ssh://ops@gw.example.org:2200", "ops@gw.example.org:2200" },
    { "ssh://a%40b@gw", "a@b@gw:0" },
    { "root@[fe80::1]:22,[::1]", "root@fe80::1:22|-@::1:0" },
    { "none", "" },
    { "NONE # comment", "" },
    { "gw # the gateway", "-@gw:0" },
    { "a,,b", NULL },
    { "user@", NULL },
    { "@host", NULL },
    { "host:0", NULL },
    { "host:99999", NULL },
    { "host:port", NULL },
    { "ssh://host/path", NULL },
    { "[::1", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) hops = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GString) text = g_string_new (NULL);
      gboolean ok = jg_ssh_parse_proxy_jump (cases[i].value, &hops, &error);

      g_test_message ("ProxyJump %s", cases[i].value);
      if (cases[i].expected == NULL)
        {
          g_assert_false (ok);
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
          continue;
        }
      g_assert_no_error (error);
      g_assert_true (ok);
      for (guint j = 0; j < hops->len; j++)
        {
          const JgSshHop *hop = g_ptr_array_index (hops, j);

          g_string_append_printf (text, "%s%s@%s:%u", j ? "|" : "", hop->user ? hop->user : "-",
                                  hop->host, hop->port);
        }
      g_assert_cmpstr (text->str, ==, cases[i].expected);
    }
}

static void
test_jump_commands (void)
{
  const struct
  {
    const char *command;
    const char *expected; /* "user@host:port i=… J=… o=…", NULL: not a jump */
  } cases[] = {
    { "ssh -W %h:%p jump", "-@jump:0" },
    { "ssh -q %r@jump nc %h %p", "%r@jump:0" },
    { "ssh jump nc %h %p", "-@jump:0" },
    { "ssh -W [%h]:%p -p 2222 ops@jump.example.org", "ops@jump.example.org:2222" },
    { "/usr/bin/ssh -A -T -o StrictHostKeyChecking=no jump -W '%h:%p'", "-@jump:0 o=StrictHostKeyChecking=no" },
    { "exec ssh -l admin -i ~/.ssh/jump_key jump exec nc -q0 %h %p 2>/dev/null", "admin@jump:0 i=~/.ssh/jump_key" },
    { "ssh -qTp2200 gw netcat -w 120 %h %p", "-@gw:2200" },
    { "ssh -J outer inner -W %h:%p", "-@inner:0 J=outer" },
    { "ssh jump 'nc %h %p'", "-@jump:0" },
    { "ssh ssh://me@jump:2022 -W %h:%p", "me@jump:2022" },
    { "ssh -W %h:%p jump # the usual", "-@jump:0" },
    { "ssh -l first second@jump -W %h:%p", "first@jump:0" },
    /* not jumps */
    { "nc -X 5 -x socks.example.org:1080 %h %p", NULL },
    { "socat - PROXY:proxy:%h:%p,proxyport=3128", NULL },
    { "ssh -W %h:%p jump; rm -rf ~", NULL },
    { "ssh -W %h:%p $JUMP", NULL },
    { "ssh -W otherhost:22 jump", NULL },
    { "ssh -W %h:%p jump uptime", NULL },
    { "ssh jump nc %h 22", NULL },
    { "ssh jump nc -X connect %h %p", NULL },
    { "ssh -G jump", NULL },
    { "ssh -f jump nc %h %p", NULL },
    { "ssh %h.jump nc %h %p", NULL },
    { "ssh -l %u jump -W %h:%p", NULL },
    { "ssh -W %h:%p", NULL },
    { "ssh -p", NULL },
    { "ssh 'unterminated", NULL },
    { "", NULL },
    { "connect-proxy -H proxy:3128 %h %p", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JgSshJumpCommand) command = jg_ssh_parse_jump_command (cases[i].command);
      g_autoptr(GString) text = NULL;

      g_test_message ("ProxyCommand %s", cases[i].command);
      if (cases[i].expected == NULL)
        {
          g_assert_null (command);
          continue;
        }
      g_assert_nonnull (command);
      text = g_string_new (NULL);
      g_string_append_printf (text, "%s@%s:%u", command->user ? command->user : "-",
                              command->host, command->port);
      if (command->identity_file != NULL)
        g_string_append_printf (text, " i=%s", command->identity_file);
      if (command->proxy_jump != NULL)
        g_string_append_printf (text, " J=%s", command->proxy_jump);
      for (guint j = 0; command->options[j] != NULL; j++)
        g_string_append_printf (text, " o=%s", command->options[j]);
      g_assert_cmpstr (text->str, ==, cases[i].expected);
    }
}

static void
test_command_line_wins (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(JgSshConfig) config = NULL;
  g_autoptr(JgSshOptions) hop = NULL;
  const char *options[] = { "User=ignored-too", "Port 2300", "Host evil", "Include /etc/passwd", NULL };
  JgSshCommandLine cmdline = { 0 };

  config = parse_config (f,
    "Host gw\n"
    "  User config-user\n"
    "  Port 2200\n"
    "  ProxyJump outer\n"
    "  IdentityFile ~/.ssh/gw\n");

  cmdline.user = "cli-user";
  cmdline.proxy_jump = "a,b";
  cmdline.identity_file = "/keys/cli";
  cmdline.options = options;
  hop = jg_ssh_config_resolve (config, "gw", &cmdline);
  g_assert_cmpstr (hop->user, ==, "cli-user");
  g_assert_cmpuint (hop->port, ==, 2300);
  g_assert_cmpint (hop->proxy_kind, ==, JG_SSH_PROXY_JUMP);
  g_assert_cmpstr (hop->proxy, ==, "a,b");
  g_assert_cmpuint (hop->identity_files->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (hop->identity_files, 0), ==, "/keys/cli");
  /* Host and Include are not command-line options: nothing was added. */
  g_assert_cmpuint (jg_ssh_config_get_host_blocks (config)->len, ==, 1);
  g_clear_pointer (&hop, jg_ssh_options_free);

  /* "" is the local user, overriding User. */
  cmdline = (JgSshCommandLine) { .user = "" };
  hop = jg_ssh_config_resolve (config, "gw", &cmdline);
  g_assert_null (hop->user);
  g_assert_cmpuint (hop->port, ==, 2200);
}

static void
test_data_and_nul (void)
{
  static const char data[] = "Host a\n  HostName a.example\0Port 22\n  Port 2201\nInclude /etc/ssh/ssh_config\nHost \xff\xfe\n";
  g_autoptr(JgSshConfig) config = jg_ssh_config_new ("/nonexistent", JG_SSH_CONFIG_NO_INCLUDE);
  g_autoptr(JgSshOptions) a = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *warnings;

  g_assert_true (jg_ssh_config_parse_data (config, data, sizeof data - 1, "pasted", &error));
  g_assert_no_error (error);
  a = jg_ssh_config_resolve (config, "a", NULL);
  g_assert_cmpstr (a->hostname, ==, "a.example");
  g_assert_cmpuint (a->port, ==, 2201);

  warnings = jg_ssh_config_get_warnings (config);
  g_assert_cmpuint (warnings->len, ==, 2);
  g_assert_cmpstr (((JgSshWarning *) g_ptr_array_index (warnings, 0))->file, ==, "pasted");
  g_assert_cmpuint (((JgSshWarning *) g_ptr_array_index (warnings, 0))->line, ==, 4);
  g_assert_cmpstr (((JgSshWarning *) g_ptr_array_index (warnings, 0))->message, ==,
                   "Include is not followed for this configuration");
  g_assert_cmpuint (((JgSshWarning *) g_ptr_array_index (warnings, 1))->line, ==, 5);
}

static void
test_missing_file (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(JgSshConfig) config = jg_ssh_config_new (f->home, JG_SSH_CONFIG_FLAGS_NONE);
  g_autoptr(GError) error = NULL;

  g_assert_false (jg_ssh_config_parse_file (config, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/.ssh/config"));
}

/* Every seed of the fuzzer parses and imports, and importing it again adds
 * nothing: the corpus stays meaningful in every build, sanitizers included. */
static void
test_corpus (void)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "fuzz", "corpus", "ssh-config", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autofree char *data = NULL;
      g_autoptr(JgInventory) inventory = jg_inventory_new ();
      g_autoptr(GError) error = NULL;
      gsize len;

      g_assert_true (g_file_get_contents (path, &data, &len, &error));
      g_test_message ("seed %s", name);
      for (guint round = 0; round < 2; round++)
        {
          g_autoptr(JgSshConfig) config = jg_ssh_config_new ("/nonexistent", JG_SSH_CONFIG_NO_INCLUDE);
          g_autoptr(JgImportReport) report = NULL;
          guint before = g_list_model_get_n_items (G_LIST_MODEL (inventory));

          g_assert_true (jg_ssh_config_parse_data (config, data, len, name, &error));
          g_assert_true (jg_import_from_config (inventory, config, name, &report, &error));
          g_assert_no_error (error);
          if (round == 1)
            {
              g_assert_cmpuint (jg_import_report_count (report, JG_IMPORT_ADDED), ==, 0);
              g_assert_cmpuint (jg_import_report_count (report, JG_IMPORT_UPDATED), ==, 0);
              g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (inventory)), ==, before);
            }
        }
      n++;
    }
  g_assert_cmpuint (n, >=, 12);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/ssh-config/syntax", Fixture, NULL, fixture_setup, test_syntax, fixture_teardown);
  g_test_add ("/ssh-config/first-value-wins", Fixture, NULL, fixture_setup, test_first_value_wins,
              fixture_teardown);
  g_test_add ("/ssh-config/include", Fixture, NULL, fixture_setup, test_include, fixture_teardown);
  g_test_add ("/ssh-config/include-hostile", Fixture, NULL, fixture_setup, test_include_hostile,
              fixture_teardown);
  g_test_add ("/ssh-config/tokens", Fixture, NULL, fixture_setup, test_tokens, fixture_teardown);
  g_test_add ("/ssh-config/match-and-bad-lines", Fixture, NULL, fixture_setup,
              test_match_and_bad_lines, fixture_teardown);
  g_test_add ("/ssh-config/command-line-wins", Fixture, NULL, fixture_setup,
              test_command_line_wins, fixture_teardown);
  g_test_add ("/ssh-config/missing-file", Fixture, NULL, fixture_setup, test_missing_file,
              fixture_teardown);
  g_test_add_func ("/ssh-config/patterns", test_patterns);
  g_test_add_func ("/ssh-config/proxy-jump-syntax", test_proxy_jump_syntax);
  g_test_add_func ("/ssh-config/jump-commands", test_jump_commands);
  g_test_add_func ("/ssh-config/data-and-nul", test_data_and_nul);
  g_test_add_func ("/ssh-config/corpus", test_corpus);

  return g_test_run ();
}
