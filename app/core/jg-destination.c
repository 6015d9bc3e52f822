/* jg-destination.c — `[user@]host[:port]` typed by a person, and where it leads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "jg-destination.h"
#include "jg-ssh-config.h"

#define MAX_DESTINATION 1024
#define MAX_USER        256
#define MAX_HOST        253
#define MAX_LABEL       63

G_DEFINE_QUARK (jg-destination-error-quark, jg_destination_error)
G_DEFINE_BOXED_TYPE (JgDestination, jg_destination, jg_destination_copy, jg_destination_free)

/* Parsing {{{ */

JgDestination *
jg_destination_copy (const JgDestination *self)
{
  JgDestination *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (JgDestination, 1);
  copy->user = g_strdup (self->user);
  copy->host = g_strdup (self->host);
  copy->port = self->port;
  return copy;
}

void
jg_destination_free (JgDestination *self)
{
  if (self == NULL)
    return;
  g_free (self->user);
  g_free (self->host);
  g_free (self);
}

static gboolean
fail (GError             **error,
      JgDestinationError   code,
      const char          *format,
      ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError             **error,
      JgDestinationError   code,
      const char          *format,
      ...)
{
  va_list args;

  va_start (args, format);
  if (error != NULL)
    *error = g_error_new_valist (JG_DESTINATION_ERROR, code, format, args);
  va_end (args);
  return FALSE;
}

static gboolean
parse_port (const char  *text,
            guint       *port,
            GError     **error)
{
  guint64 value = 0;

  if (text[0] == '\0')
    return fail (error, JG_DESTINATION_ERROR_INVALID_PORT,
                 _("There is no port after “:”: add one, like host:2222, or remove the “:”."));
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return fail (error, JG_DESTINATION_ERROR_INVALID_PORT,
                   _("The port “%s” is not a number: a port is a number from 1 to 65535."), text);
  if (strlen (text) > 5 || !g_ascii_string_to_unsigned (text, 10, 1, 65535, &value, NULL))
    return fail (error, JG_DESTINATION_ERROR_INVALID_PORT,
                 _("The port %s is out of range: a port is a number from 1 to 65535."), text);
  *port = (guint) value;
  return TRUE;
}

static gboolean
check_user (const char  *user,
            GError     **error)
{
  if (user[0] == '\0')
    return fail (error, JG_DESTINATION_ERROR_INVALID_USER,
                 _("The user name before “@” is empty: type it, like user@host, or leave out the “@”."));
  if (strlen (user) > MAX_USER)
    return fail (error, JG_DESTINATION_ERROR_INVALID_USER, _("The user name is too long."));
  if (user[0] == '-')
    return fail (error, JG_DESTINATION_ERROR_INVALID_USER,
                 _("The user name “%s” cannot start with “-”."), user);
  for (const char *p = user; *p != '\0'; p++)
    if (*p == '@' || *p == ':' || *p == '/')
      return fail (error, JG_DESTINATION_ERROR_INVALID_USER,
                   _("The user name “%s” cannot contain “%c”."), user, *p);
  return TRUE;
}

static gboolean
is_ipv6 (const char *host)
{
  return strchr (host, ':') != NULL && g_hostname_is_ip_address (host);
}

static gboolean
check_hostname (const char  *host,
                GError     **error)
{
  gboolean numeric = TRUE;
  gsize label = 0;

  if (host[0] == '\0')
    return fail (error, JG_DESTINATION_ERROR_INVALID_HOST,
                 _("The host name is missing: type it, like user@host."));
  if (strpbrk (host, "*?") != NULL)
    return fail (error, JG_DESTINATION_ERROR_INVALID_HOST,
                 _("“%s” is a pattern, not a host: type the name of one machine."), host);
  if (host[0] == '-')
    return fail (error, JG_DESTINATION_ERROR_INVALID_HOST,
                 _("The host name “%s” cannot start with “-”."), host);
  if (strlen (host) > MAX_HOST + 1)
    return fail (error, JG_DESTINATION_ERROR_INVALID_HOST, _("The host name is too long."));
  if (strchr (host, ':') != NULL)
    {
      if (!is_ipv6 (host))
        return fail (error, JG_DESTINATION_ERROR_INVALID_HOST,
                     _("“%s” is not a valid IPv6 address."), host);
      return TRUE;
    }
  for (const char *p = host; *p != '\0'; p++)
    {
      if (*p == '.')
        {
          /* A leading dot or two in a row; one at the end is a full name. */
          if (label == 0)
            return fail (error, JG_DESTINATION_ERROR_INVALID_HOST,
                         _("“%s” is not a host name: it has an empty part between dots."), host);
          label = 0;
          continue;
        }
      if (++label > MAX_LABEL)
        return fail (error, JG_DESTINATION_ERROR_INVALID_HOST,
                     _("“%s” is not a host name: a part between dots is longer than 63 characters."), host);
      if (!g_ascii_isdigit (*p))
        numeric = FALSE;
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && (guchar) *p < 0x80)
        return fail (error, JG_DESTINATION_ERROR_INVALID_HOST,
                     _("The host name “%s” cannot contain “%c”: a host name has letters, digits, “.”, “-” and “_”."),
                     host, *p);
    }
  if (numeric && !g_hostname_is_ip_address (host))
    return fail (error, JG_DESTINATION_ERROR_INVALID_HOST,
                 _("“%s” is not a valid IPv4 address."), host);
  return TRUE;
}

/* "[v6]", "[v6]:port", "host", "host:port", or a bare IPv6 address. */
static gboolean
parse_host_port (const char  *text,
                 char       **host,
                 guint       *port,
                 GError     **error)
{
  const char *colon;

  *port = 0;
  if (text[0] == '[')
    {
      const char *close = strchr (text, ']');
      g_autofree char *inside = NULL;

      if (close == NULL)
        return fail (error, JG_DESTINATION_ERROR_INVALID_HOST,
                     _("The “[” before the IPv6 address has no “]”: write it like [2001:db8::1]:22."));
      inside = g_strndup (text + 1, close - text - 1);
      if (!is_ipv6 (inside))
        return fail (error, JG_DESTINATION_ERROR_INVALID_HOST,
                     _("“%s” in brackets is not a valid IPv6 address."), inside);
      if (close[1] == ':')
        {
          if (!parse_port (close + 2, port, error))
            return FALSE;
        }
      else if (close[1] != '\0')
        return fail (error, JG_DESTINATION_ERROR_INVALID_HOST,
                     _("Only “:” and a port may follow the IPv6 address in brackets."));
      *host = g_steal_pointer (&inside);
      return TRUE;
    }

  colon = strchr (text, ':');
  if (colon != NULL && strchr (colon + 1, ':') != NULL)
    {
      /* Two colons: an IPv6 address without a port. */
      if (!is_ipv6 (text))
        return fail (error, JG_DESTINATION_ERROR_INVALID_HOST,
                     _("“%s” is not a valid IPv6 address; with a port, write it in brackets: [2001:db8::1]:22."),
                     text);
      *host = g_strdup (text);
      return TRUE;
    }
  if (colon != NULL)
    {
      g_autofree char *name = g_strndup (text, colon - text);

      if (!parse_port (colon + 1, port, error) || !check_hostname (name, error))
        return FALSE;
      *host = g_steal_pointer (&name);
      return TRUE;
    }
  if (!check_hostname (text, error))
    return FALSE;
  *host = g_strdup (text);
  return TRUE;
}

static gboolean
parse_plain (const char     *text,
             JgDestination  *dest,
             GError        **error)
{
  const char *at = strrchr (text, '@');

  if (at != NULL)
    {
      g_autofree char *user = g_strndup (text, at - text);

      if (!check_user (user, error))
        return FALSE;
      dest->user = g_steal_pointer (&user);
      text = at + 1;
    }
  return parse_host_port (text, &dest->host, &dest->port, error);
}

static char *
unescape (const char  *text,
          GError     **error)
{
  char *plain = g_uri_unescape_string (text, NULL);

  if (plain == NULL || !g_utf8_validate (plain, -1, NULL))
    {
      g_free (plain);
      fail (error, JG_DESTINATION_ERROR_INVALID_URI,
            _("The ssh:// address has a “%%” that is not followed by two hexadecimal digits of valid text."));
      return NULL;
    }
  return plain;
}

/* No control characters, no spaces: @decoded says the text came out of
 * an ssh:// address's percent-encoding. */
static gboolean
check_text (const char  *text,
            gboolean     decoded,
            GError     **error)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029)
        return fail (error, JG_DESTINATION_ERROR_INVALID_HOST,
                     decoded ? _("The ssh:// address encodes a control character.")
                             : _("The destination contains a control character."));
      if (g_unichar_isspace (c) || g_unichar_type (c) == G_UNICODE_SPACE_SEPARATOR)
        return fail (error, JG_DESTINATION_ERROR_INVALID_HOST,
                     decoded ? _("The ssh:// address encodes a space: a host or user name has none.")
                             : _("The destination cannot contain spaces: type one machine, like user@host:port."));
    }
  return TRUE;
}

/* ssh://[user@]host[:port][/] */
static gboolean
parse_uri (const char     *rest,
           JgDestination  *dest,
           GError        **error)
{
  g_autofree char *authority = g_strdup (rest);
  g_autofree char *hostport = NULL;
  gsize len = strlen (authority);
  char *at;

  if (len > 0 && authority[len - 1] == '/')
    authority[len - 1] = '\0';
  if (strpbrk (authority, "/?#") != NULL)
    return fail (error, JG_DESTINATION_ERROR_INVALID_URI,
                 _("An ssh:// address has no path or query: write it like ssh://user@host:2222."));
  at = strrchr (authority, '@');
  if (at != NULL)
    {
      g_autofree char *user = NULL;

      *at = '\0';
      if (strchr (authority, ';') != NULL)
        return fail (error, JG_DESTINATION_ERROR_INVALID_URI,
                     _("Connection parameters (“;…”) in an ssh:// address are not supported: remove them."));
      user = unescape (authority, error);
      if (user == NULL || !check_text (user, TRUE, error) || !check_user (user, error))
        return FALSE;
      dest->user = g_steal_pointer (&user);
      hostport = unescape (at + 1, error);
    }
  else
    hostport = unescape (authority, error);
  if (hostport == NULL || !check_text (hostport, TRUE, error))
    return FALSE;
  return parse_host_port (hostport, &dest->host, &dest->port, error);
}

JgDestination *
jg_destination_parse (const char  *text,
                      GError     **error)
{
  g_autoptr(JgDestination) dest = g_new0 (JgDestination, 1);
  gboolean ok;

  if (text == NULL || text[0] == '\0')
    {
      fail (error, JG_DESTINATION_ERROR_EMPTY,
            _("Type a saved machine’s name, or an address like user@host:port."));
      return NULL;
    }
  if (strlen (text) > MAX_DESTINATION)
    {
      fail (error, JG_DESTINATION_ERROR_INVALID_HOST, _("The destination is too long."));
      return NULL;
    }
  if (!g_utf8_validate (text, -1, NULL))
    {
      fail (error, JG_DESTINATION_ERROR_INVALID_HOST, _("The destination is not valid text."));
      return NULL;
    }
  if (!check_text (text, FALSE, error))
    return NULL;

  if (g_ascii_strncasecmp (text, "ssh://", 6) == 0)
    ok = parse_uri (text + 6, dest, error);
  else if (strstr (text, "://") != NULL)
    {
      g_autofree char *scheme = g_strndup (text, strstr (text, "://") - text);

      ok = fail (error, JG_DESTINATION_ERROR_INVALID_URI,
                 _("“%s://” is not an SSH address: use ssh://user@host:port or user@host:port."), scheme);
    }
  else
    ok = parse_plain (text, dest, error);

  return ok ? g_steal_pointer (&dest) : NULL;
}

/* @text for a message: control characters (a terminal's escapes) as “�”. */
char *
jg_destination_dup_printable (const char *text)
{
  g_autofree char *valid = NULL;
  GString *shown;

  g_return_val_if_fail (text != NULL, NULL);

  valid = g_utf8_make_valid (text, -1);
  shown = g_string_new (NULL);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_string_append_unichar (shown, g_unichar_iscntrl (c) ? 0xFFFD : c);
    }
  return g_string_free (shown, FALSE);
}

char *
jg_destination_to_string (const JgDestination *self)
{
  GString *text;

  g_return_val_if_fail (self != NULL && self->host != NULL, NULL);

  text = g_string_new (NULL);
  if (self->user != NULL)
    g_string_append_printf (text, "%s@", self->user);
  if (self->port != 0 && strchr (self->host, ':') != NULL)
    g_string_append_printf (text, "[%s]:%u", self->host, self->port);
  else if (self->port != 0)
    g_string_append_printf (text, "%s:%u", self->host, self->port);
  else
    g_string_append (text, self->host);
  return g_string_free (text, FALSE);
}

/* }}} */

/* Rules {{{ */

static GStrv
split_patterns (const char *patterns)
{
  g_auto(GStrv) parts = g_strsplit_set (patterns != NULL ? patterns : "", " \t", -1);
  GPtrArray *kept = g_ptr_array_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0')
      g_ptr_array_add (kept, g_ascii_strdown (parts[i], -1));
  g_ptr_array_add (kept, NULL);
  return (GStrv) g_ptr_array_free (kept, FALSE);
}

static gboolean
rule_matches (const JgJumpRule *rule,
              const char       *lower)
{
  g_auto(GStrv) patterns = split_patterns (rule->patterns);

  return jg_ssh_patterns_match ((const char * const *) patterns, lower);
}

static gboolean
same_host (JgHost     *host,
           const char *hostname)
{
  return (jg_host_get_hostname (host) != NULL &&
          g_ascii_strcasecmp (jg_host_get_hostname (host), hostname) == 0) ||
         (jg_host_get_name (host) != NULL && g_ascii_strcasecmp (jg_host_get_name (host), hostname) == 0);
}

/* Whether going to @hostname through @jump would pass @hostname itself. */
static gboolean
routes_through_itself (JgInventory *inventory,
                       JgJumpHost  *jump,
                       const char  *hostname)
{
  g_autoptr(GPtrArray) chain = NULL;

  if (same_host (JG_HOST (jump), hostname))
    return TRUE;
  chain = jg_inventory_get_chain (inventory, JG_HOST (jump), NULL);
  for (guint i = 0; chain != NULL && i < chain->len; i++)
    if (same_host (g_ptr_array_index (chain, i), hostname))
      return TRUE;
  return FALSE;
}

const JgJumpRule *
jg_inventory_match_rule (JgInventory  *inventory,
                         const char   *hostname,
                         JgJumpHost  **jump,
                         guint        *index)
{
  g_autofree char *lower = NULL;
  guint n;

  g_return_val_if_fail (JG_IS_INVENTORY (inventory), NULL);

  if (jump != NULL)
    *jump = NULL;
  if (hostname == NULL || hostname[0] == '\0')
    return NULL;

  lower = g_ascii_strdown (hostname, -1);
  n = g_list_model_get_n_items (G_LIST_MODEL (inventory));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JgHost) host = g_list_model_get_item (G_LIST_MODEL (inventory), i);
      GPtrArray *rules;

      if (!JG_IS_JUMP_HOST (host))
        continue;
      rules = jg_jump_host_get_rules (JG_JUMP_HOST (host));
      if (rules->len == 0 || routes_through_itself (inventory, JG_JUMP_HOST (host), lower))
        continue;
      for (guint j = 0; j < rules->len; j++)
        {
          const JgJumpRule *rule = g_ptr_array_index (rules, j);

          if (!rule_matches (rule, lower))
            continue;
          if (jump != NULL)
            *jump = JG_JUMP_HOST (host);   /* held by the inventory */
          if (index != NULL)
            *index = j;
          return rule;
        }
    }
  return NULL;
}

char *
jg_jump_rule_dup_title (const JgJumpRule *rule)
{
  g_return_val_if_fail (rule != NULL, NULL);
  return g_strdup_printf (_("Any host matching %s"), rule->patterns ? rule->patterns : "");
}

/* Names a pattern could match: its `*` as nothing and as a word, its `?` as a letter. */
static gboolean
some_sample_matches (const char         *pattern,
                     const char * const *patterns)
{
  static const char *stars[] = { "", "a", "sample-0" };

  for (guint s = 0; s < G_N_ELEMENTS (stars); s++)
    {
      g_autoptr(GString) sample = g_string_new (NULL);

      for (const char *c = pattern; *c != '\0'; c++)
        {
          if (*c == '*')
            g_string_append (sample, stars[s]);
          else if (*c == '?')
            g_string_append_c (sample, 'a');
          else
            g_string_append_c (sample, *c);
        }
      if (sample->len > 0 && jg_ssh_patterns_match (patterns, sample->str))
        return TRUE;
    }
  return FALSE;
}

gboolean
jg_jump_rule_check_patterns (const char  *patterns,
                             GError     **error)
{
  g_auto(GStrv) parts = split_patterns (patterns);
  gboolean positive = FALSE;

  if (parts[0] == NULL)
    return fail (error, JG_DESTINATION_ERROR_INVALID_HOST,
                 _("Enter at least one host pattern, like *.example.org."));
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *p = parts[i][0] == '!' ? parts[i] + 1 : parts[i];

      if (!g_utf8_validate (p, -1, NULL))
        return fail (error, JG_DESTINATION_ERROR_INVALID_HOST, _("The patterns are not valid text."));
      if (p[0] == '\0')
        return fail (error, JG_DESTINATION_ERROR_INVALID_HOST,
                     _("“!” needs a pattern right after it, like !db.example.org."));
      if (strchr (p, ',') != NULL)
        return fail (error, JG_DESTINATION_ERROR_INVALID_HOST,
                     _("Separate the patterns with spaces, not commas."));
      if (strchr (p, '@') != NULL)
        return fail (error, JG_DESTINATION_ERROR_INVALID_HOST,
                     _("“%s” can never match: patterns match host names, without a user."), parts[i]);
      for (const char *c = p; *c != '\0'; c++)
        if (!g_ascii_isalnum (*c) && strchr ("-._:*?[]%", *c) == NULL && (guchar) *c < 0x80)
          return fail (error, JG_DESTINATION_ERROR_INVALID_HOST,
                       _("“%s” can never match: no host name contains “%c”."), parts[i], *c);
      if (parts[i][0] != '!')
        positive = TRUE;
    }
  if (!positive)
    return fail (error, JG_DESTINATION_ERROR_INVALID_HOST,
                 _("“%s” can never match: it only excludes hosts. Add a pattern that includes some, like *."),
                 patterns);
  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '!' && some_sample_matches (parts[i], (const char * const *) parts))
      return TRUE;
  return fail (error, JG_DESTINATION_ERROR_INVALID_HOST,
               _("“%s” can never match: every host it includes is excluded again by a “!” pattern."),
               patterns);
}

/* }}} */

/* Resolving {{{ */

void
jg_route_free (JgRoute *route)
{
  if (route == NULL)
    return;
  g_clear_object (&route->host);
  g_clear_object (&route->saved);
  g_clear_object (&route->jump);
  g_clear_pointer (&route->rule, jg_jump_rule_free);
  g_free (route);
}

JgHost *
jg_host_dup_unsaved (JgHost *host)
{
  g_autofree GParamSpec **pspecs = NULL;
  JgHost *copy;
  guint n;

  g_return_val_if_fail (JG_IS_HOST (host), NULL);

  copy = g_object_new (G_OBJECT_TYPE (host), NULL);

  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (host), &n);
  for (guint i = 0; i < n; i++)
    {
      GParamSpec *pspec = pspecs[i];
      g_auto(GValue) value = G_VALUE_INIT;

      if (g_str_equal (pspec->name, "id") ||
          (pspec->flags & (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY)) != G_PARAM_READWRITE)
        continue;
      g_value_init (&value, pspec->value_type);
      g_object_get_property (G_OBJECT (host), pspec->name, &value);
      g_object_set_property (G_OBJECT (copy), pspec->name, &value);
    }
  if (jg_host_get_extra (host) != NULL)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      g_autoptr(JsonNode) dup = NULL;

      json_node_set_object (node, jg_host_get_extra (host));
      dup = json_node_copy (node);
      jg_host_set_extra (copy, json_node_get_object (dup));
    }
  if (JG_IS_JUMP_HOST (host))
    jg_jump_host_set_rules (JG_JUMP_HOST (copy), jg_jump_host_get_rules (JG_JUMP_HOST (host)));
  return copy;
}

static gboolean
user_fits (JgHost              *host,
           const JgDestination *dest)
{
  g_autofree char *user = NULL;

  if (dest->user == NULL)
    return TRUE;
  user = jg_host_dup_effective_user (host);
  return g_strcmp0 (user, dest->user) == 0;
}

static gboolean
port_fits (JgHost              *host,
           const JgDestination *dest)
{
  return dest->port == 0 || jg_host_get_effective_port (host) == dest->port;
}

static JgRoute *
route_to_saved (JgHost              *saved,
                const JgDestination *dest)
{
  JgRoute *route = g_new0 (JgRoute, 1);

  route->kind = JG_ROUTE_SAVED;
  route->saved = g_object_ref (saved);
  if (user_fits (saved, dest) && port_fits (saved, dest))
    route->host = g_object_ref (saved);
  else
    {
      /* ssh's `ssh root@alias`: the alias's settings, this login. */
      route->host = jg_host_dup_unsaved (saved);
      if (dest->user != NULL)
        jg_host_set_user (route->host, dest->user);
      if (dest->port != 0)
        jg_host_set_port (route->host, dest->port);
    }
  return route;
}

/* The one saved host whose address is @dest's (the same login preferred). */
static JgHost *
find_by_address (JgInventory         *inventory,
                 const JgDestination *dest)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (inventory));
  JgHost *found = NULL, *found_user = NULL;
  guint n_found = 0, n_user = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JgHost) host = g_list_model_get_item (G_LIST_MODEL (inventory), i);
      const char *hostname = jg_host_get_hostname (host);

      if (hostname == NULL || g_ascii_strcasecmp (hostname, dest->host) != 0 || !port_fits (host, dest))
        continue;
      n_found++;
      found = host;
      if (dest->user != NULL && user_fits (host, dest))
        {
          n_user++;
          found_user = host;
        }
    }
  if (n_user == 1)
    return found_user;
  return n_found == 1 ? found : NULL;
}

JgRoute *
jg_destination_resolve (const JgDestination *dest,
                        JgInventory         *inventory)
{
  JgRoute *route;
  JgHost *saved;
  JgJumpHost *jump = NULL;
  const JgJumpRule *rule;
  guint index = 0;
  JgMachine *machine;

  g_return_val_if_fail (dest != NULL && dest->host != NULL, NULL);
  g_return_val_if_fail (JG_IS_INVENTORY (inventory), NULL);

  saved = jg_inventory_lookup (inventory, dest->host);
  if (saved == NULL)
    saved = find_by_address (inventory, dest);
  if (saved != NULL)
    return route_to_saved (saved, dest);

  route = g_new0 (JgRoute, 1);
  rule = jg_inventory_match_rule (inventory, dest->host, &jump, &index);
  machine = jg_machine_new (rule != NULL ? JG_MACHINE_KIND_VIRTUAL : JG_MACHINE_KIND_OWN);
  route->host = JG_HOST (machine);
  jg_host_set_name (route->host, dest->host);
  jg_host_set_hostname (route->host, dest->host);
  if (rule != NULL)
    {
      route->kind = JG_ROUTE_RULE;
      route->jump = g_object_ref (jump);
      route->rule_index = index;
      route->rule = jg_jump_rule_copy (rule);
      jg_host_set_jump_id (route->host, jg_host_get_id (JG_HOST (jump)));
      jg_host_set_user (route->host, dest->user != NULL ? dest->user : rule->user);
      jg_host_set_port (route->host, dest->port != 0 ? dest->port : rule->port);
      jg_host_set_identity_file (route->host, rule->identity_file);
    }
  else
    {
      route->kind = JG_ROUTE_DIRECT;
      jg_host_set_user (route->host, dest->user);
      jg_host_set_port (route->host, dest->port);
    }
  return route;
}

JgRoute *
jg_destination_lookup (JgInventory  *inventory,
                       const char   *text,
                       GError      **error)
{
  g_autoptr(JgDestination) dest = NULL;

  g_return_val_if_fail (JG_IS_INVENTORY (inventory), NULL);

  dest = jg_destination_parse (text, error);
  if (dest == NULL)
    return NULL;
  return jg_destination_resolve (dest, inventory);
}

char *
jg_destination_dup_jump_user (JgInventory *inventory,
                              JgHost      *host)
{
  JgJumpHost *jump = NULL;
  const JgJumpRule *rule;
  g_autofree char *user = NULL;
  g_autofree char *jump_user = NULL;

  g_return_val_if_fail (JG_IS_INVENTORY (inventory), NULL);
  g_return_val_if_fail (JG_IS_HOST (host), NULL);

  if (jg_host_get_jump_id (host) == NULL)
    return NULL;
  rule = jg_inventory_match_rule (inventory, jg_host_get_hostname (host), &jump, NULL);
  if (rule == NULL || !rule->jump_user_from_target ||
      g_strcmp0 (jg_host_get_id (JG_HOST (jump)), jg_host_get_jump_id (host)) != 0)
    return NULL;
  user = jg_host_dup_effective_user (host);
  jump_user = jg_host_dup_effective_user (JG_HOST (jump));
  if (g_strcmp0 (user, jump_user) == 0)
    return NULL;
  return g_steal_pointer (&user);
}

/* }}} */
