/* test-rules.c — jump rules and unsaved destinations: parsing, resolving,
 * importing, and `jumpgate --exec [user@]host[:port]` against the SSH lab
 *
 * The lab part uses the bastion config of the issue, as a person has it:
 *
 *   Host *.lab
 *     User <username>
 *     ProxyCommand ssh %r@jump nc %h %p
 *   Host jump
 *     HostName <the jump host's address>
 *
 * in a throwaway HOME whose ~/.ssh holds the lab's key and known_hosts.
 * VMs are named vm1.lab/vm2.lab only inside the jump host's network
 * namespace, so those parts need the lab's root mode (JG_LAB_ISOLATED).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jg-connection.h"
#include "jg-destination.h"
#include "jg-import.h"
#include "jg-inventory.h"
#include "jg-store.h"
#include "jg-test-lab.h"

static JgTestLab *lab;
static gboolean lab_tried;
static char *tmpdir;
static char *home;
static char *config_home;

/* ---------------------------------------------------------------- parse */

typedef struct
{
  const char *text;
  const char *user;
  const char *host;
  guint       port;
} GoodCase;

static void
test_parse (void)
{
  static const GoodCase cases[] = {
    { "vm1.lab", NULL, "vm1.lab", 0 },
    { "vm-0.alice.koding.kd.io", NULL, "vm-0.alice.koding.kd.io", 0 },
    { "alice@vm-0.alice.koding.kd.io", "alice", "vm-0.alice.koding.kd.io", 0 },
    { "bob@10.0.0.5:2222", "bob", "10.0.0.5", 2222 },
    { "host:65535", NULL, "host", 65535 },
    { "host:1", NULL, "host", 1 },
    { "[2001:db8::1]:22", NULL, "2001:db8::1", 22 },
    { "root@[::1]", "root", "::1", 0 },
    { "2001:db8::1", NULL, "2001:db8::1", 0 },
    { "under_score.lab.", NULL, "under_score.lab.", 0 },
    { "Mixed.Case.ORG", NULL, "Mixed.Case.ORG", 0 },
    { "münchen.example", NULL, "münchen.example", 0 },
    { "ssh://alice@host.example:2200", "alice", "host.example", 2200 },
    { "SSH://host.example/", NULL, "host.example", 0 },
    { "ssh://%61lice@h%6fst", "alice", "host", 0 },
    { "ssh://[fe80::1]:2222", NULL, "fe80::1", 2222 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JgDestination) dest = jg_destination_parse (cases[i].text, &error);

      g_test_message ("%s", cases[i].text);
      g_assert_no_error (error);
      g_assert_cmpstr (dest->user, ==, cases[i].user);
      g_assert_cmpstr (dest->host, ==, cases[i].host);
      g_assert_cmpuint (dest->port, ==, cases[i].port);
    }

  {
    g_autoptr(JgDestination) dest = jg_destination_parse ("ssh://bob@[2001:db8::7]:2022", NULL);
    g_autofree char *text = jg_destination_to_string (dest);

    g_assert_cmpstr (text, ==, "bob@[2001:db8::7]:2022");
  }
}

typedef struct
{
  const char         *text;
  JgDestinationError  code;
  const char         *message;  /* a part of it */
} BadCase;

/* Not a host: refused with a message that says what is wrong. */
static void
test_parse_errors (void)
{
  static const BadCase cases[] = {
    { "", JG_DESTINATION_ERROR_EMPTY, "Type a saved machine’s name" },
    { "my vm", JG_DESTINATION_ERROR_INVALID_HOST, "cannot contain spaces" },
    { "vm1.lab ", JG_DESTINATION_ERROR_INVALID_HOST, "cannot contain spaces" },
    { "vm1\t.lab", JG_DESTINATION_ERROR_INVALID_HOST, "control character" },
    { "vm1\n", JG_DESTINATION_ERROR_INVALID_HOST, "control character" },
    { "vm\x01.lab", JG_DESTINATION_ERROR_INVALID_HOST, "control character" },
    { "vm1\xc2\xa0lab", JG_DESTINATION_ERROR_INVALID_HOST, "cannot contain spaces" },
    { "vm1\xff", JG_DESTINATION_ERROR_INVALID_HOST, "not valid text" },
    { "@vm1.lab", JG_DESTINATION_ERROR_INVALID_USER, "user name before “@” is empty" },
    { "alice@", JG_DESTINATION_ERROR_INVALID_HOST, "host name is missing" },
    { "-oProxyCommand=x@host", JG_DESTINATION_ERROR_INVALID_USER, "cannot start with “-”" },
    { "-oProxyCommand=touch", JG_DESTINATION_ERROR_INVALID_HOST, "cannot start with “-”" },
    { "vm1.lab:", JG_DESTINATION_ERROR_INVALID_PORT, "no port after “:”" },
    { "vm1.lab:0", JG_DESTINATION_ERROR_INVALID_PORT, "from 1 to 65535" },
    { "vm1.lab:65536", JG_DESTINATION_ERROR_INVALID_PORT, "from 1 to 65535" },
    { "vm1.lab:99999999999999999999", JG_DESTINATION_ERROR_INVALID_PORT, "out of range" },
    { "vm1.lab:22x", JG_DESTINATION_ERROR_INVALID_PORT, "not a number" },
    { "vm1.lab:-1", JG_DESTINATION_ERROR_INVALID_PORT, "not a number" },
    { "[::1]:0", JG_DESTINATION_ERROR_INVALID_PORT, "from 1 to 65535" },
    { "*.lab", JG_DESTINATION_ERROR_INVALID_HOST, "is a pattern, not a host" },
    { "vm?.lab", JG_DESTINATION_ERROR_INVALID_HOST, "is a pattern, not a host" },
    { "vm1..lab", JG_DESTINATION_ERROR_INVALID_HOST, "empty part between dots" },
    { ".lab", JG_DESTINATION_ERROR_INVALID_HOST, "empty part between dots" },
    { "vm1/lab", JG_DESTINATION_ERROR_INVALID_HOST, "cannot contain “/”" },
    { "a:b@host", JG_DESTINATION_ERROR_INVALID_USER, "cannot contain “:”" },
    { "[::1", JG_DESTINATION_ERROR_INVALID_HOST, "has no “]”" },
    { "[vm1.lab]:22", JG_DESTINATION_ERROR_INVALID_HOST, "not a valid IPv6 address" },
    { "[::1]x", JG_DESTINATION_ERROR_INVALID_HOST, "Only “:” and a port" },
    { "1:2:3", JG_DESTINATION_ERROR_INVALID_HOST, "not a valid IPv6 address" },
    { "300.1.1.1", JG_DESTINATION_ERROR_INVALID_HOST, "not a valid IPv4 address" },
    { "ssh://host/path", JG_DESTINATION_ERROR_INVALID_URI, "no path" },
    { "ssh://alice;fingerprint=SHA256-x@host", JG_DESTINATION_ERROR_INVALID_URI, "not supported" },
    { "ssh://%zz@host", JG_DESTINATION_ERROR_INVALID_URI, "“%”" },
    { "ssh://a%20b@host", JG_DESTINATION_ERROR_INVALID_HOST, "encodes a space" },
    { "ssh://host%0a", JG_DESTINATION_ERROR_INVALID_HOST, "control character" },
    { "ssh://@host", JG_DESTINATION_ERROR_INVALID_USER, "empty" },
    { "ssh://host:70000", JG_DESTINATION_ERROR_INVALID_PORT, "from 1 to 65535" },
    { "http://host", JG_DESTINATION_ERROR_INVALID_URI, "“http://” is not an SSH address" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JgDestination) dest = jg_destination_parse (cases[i].text, &error);
      /* (the TAP output must stay valid UTF-8) */
      g_autofree char *shown = g_strescape (cases[i].text, NULL);

      g_test_message ("%s → %s", shown, error ? error->message : "(accepted)");
      g_assert_null (dest);
      g_assert_error (error, JG_DESTINATION_ERROR, (int) cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].message));
      /* What the person typed is never echoed raw when it has control characters. */
      g_assert_null (strpbrk (error->message, "\t\n\x01"));
    }
  g_assert_null (jg_destination_parse (NULL, NULL));
}

/* -------------------------------------------------------------- resolve */

static JgJumpHost *
add_jump (JgInventory *inventory,
          const char  *name,
          const char  *hostname,
          const char  *user)
{
  g_autoptr(JgJumpHost) jump = jg_jump_host_new ();

  jg_host_set_name (JG_HOST (jump), name);
  jg_host_set_hostname (JG_HOST (jump), hostname);
  jg_host_set_user (JG_HOST (jump), user);
  jg_inventory_add (inventory, JG_HOST (jump));
  return jump;   /* held by the inventory */
}

static JgJumpRule *
add_rule (JgJumpHost *jump,
          const char *patterns,
          const char *user,
          guint       port)
{
  JgJumpRule *rule = jg_jump_rule_new (patterns);

  rule->user = g_strdup (user);
  rule->port = port;
  jg_jump_host_add_rule (jump, rule);
  return rule;
}

static JgRoute *
resolve (JgInventory *inventory,
         const char  *text)
{
  g_autoptr(GError) error = NULL;
  JgRoute *route = jg_destination_lookup (inventory, text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (route);
  g_assert_nonnull (route->host);
  return route;
}

/* Saved first, then the first matching rule across the jump hosts in
 * inventory order, then directly. */
static void
test_resolve (void)
{
  g_autoptr(JgInventory) inventory = jg_inventory_new ();
  JgJumpHost *gate = add_jump (inventory, "gate", "gate.example.org", "ops");
  JgJumpHost *gate2 = add_jump (inventory, "gate2", "gate2.example.org", NULL);
  g_autoptr(JgMachine) saved = jg_machine_new (JG_MACHINE_KIND_VIRTUAL);
  JgJumpRule *rule;

  rule = add_rule (gate, "*.lab !vm2.lab", "dev", 0);
  rule->identity_file = g_strdup ("/keys/lab");
  rule->jump_user_from_target = TRUE;
  add_rule (gate2, "vm2.lab", NULL, 0);
  add_rule (gate2, "*.example.org 10.0.*", "admin", 2200);

  jg_host_set_name (JG_HOST (saved), "saved-vm");
  jg_host_set_hostname (JG_HOST (saved), "10.1.1.1");
  jg_host_set_user (JG_HOST (saved), "me");
  jg_host_set_jump_id (JG_HOST (saved), jg_host_get_id (JG_HOST (gate)));
  jg_inventory_add (inventory, JG_HOST (saved));

  /* A rule: an unsaved machine behind the rule's jump host, with its defaults. */
  {
    g_autoptr(JgRoute) route = resolve (inventory, "vm1.lab");
    g_autofree char *jump_user = NULL;

    g_assert_cmpint (route->kind, ==, JG_ROUTE_RULE);
    g_assert_true (route->jump == gate);
    g_assert_cmpuint (route->rule_index, ==, 0);
    g_assert_cmpstr (route->rule->patterns, ==, "*.lab !vm2.lab");
    g_assert_true (JG_IS_MACHINE (route->host));
    g_assert_cmpint (jg_machine_get_kind (JG_MACHINE (route->host)), ==, JG_MACHINE_KIND_VIRTUAL);
    g_assert_null (jg_inventory_find_by_id (inventory, jg_host_get_id (route->host)));
    g_assert_cmpstr (jg_host_get_name (route->host), ==, "vm1.lab");
    g_assert_cmpstr (jg_host_get_hostname (route->host), ==, "vm1.lab");
    g_assert_cmpstr (jg_host_get_user (route->host), ==, "dev");
    g_assert_cmpuint (jg_host_get_effective_port (route->host), ==, 22);
    g_assert_cmpstr (jg_host_get_identity_file (route->host), ==, "/keys/lab");
    g_assert_cmpstr (jg_host_get_jump_id (route->host), ==, jg_host_get_id (JG_HOST (gate)));
    /* %r: the jump host logs in as the destination's user, not as "ops". */
    jump_user = jg_destination_dup_jump_user (inventory, route->host);
    g_assert_cmpstr (jump_user, ==, "dev");
  }

  /* The typed user and port win over the rule's; ssh lowercases the name. */
  {
    g_autoptr(JgRoute) route = resolve (inventory, "alice@VM1.Lab:2022");
    g_autofree char *jump_user = jg_destination_dup_jump_user (inventory, route->host);
    g_autoptr(JgConnection) connection = NULL;
    g_autoptr(GError) error = NULL;

    g_assert_cmpint (route->kind, ==, JG_ROUTE_RULE);
    g_assert_cmpstr (jg_host_get_user (route->host), ==, "alice");
    g_assert_cmpuint (jg_host_get_port (route->host), ==, 2022);
    g_assert_cmpstr (jump_user, ==, "alice");

    /* The connection takes the unsaved machine, through the saved gate. */
    connection = jg_connection_new (inventory, route->host, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (jg_connection_get_n_hops (connection), ==, 2);
    g_assert_true (jg_connection_get_hop (connection, 0) == JG_HOST (gate));
    g_assert_true (jg_connection_get_hop (connection, 1) == route->host);
  }

  /* Negation: vm2.lab is not gate's, so gate2's first rule has it. */
  {
    g_autoptr(JgRoute) route = resolve (inventory, "vm2.lab");
    g_autofree char *jump_user = jg_destination_dup_jump_user (inventory, route->host);

    g_assert_cmpint (route->kind, ==, JG_ROUTE_RULE);
    g_assert_true (route->jump == gate2);
    g_assert_cmpuint (route->rule_index, ==, 0);
    g_assert_null (jg_host_get_user (route->host));
    g_assert_null (jump_user);   /* no %r on that rule */
  }

  /* A later rule of the same jump host, with its port and user. */
  {
    g_autoptr(JgRoute) route = resolve (inventory, "10.0.3.4");

    g_assert_cmpint (route->kind, ==, JG_ROUTE_RULE);
    g_assert_true (route->jump == gate2);
    g_assert_cmpuint (route->rule_index, ==, 1);
    g_assert_cmpuint (jg_host_get_port (route->host), ==, 2200);
    g_assert_cmpstr (jg_host_get_user (route->host), ==, "admin");
  }

  /* No rule: directly. */
  {
    g_autoptr(JgRoute) route = resolve (inventory, "root@other.net");

    g_assert_cmpint (route->kind, ==, JG_ROUTE_DIRECT);
    g_assert_null (route->jump);
    g_assert_null (jg_host_get_jump_id (route->host));
    g_assert_cmpint (jg_machine_get_kind (JG_MACHINE (route->host)), ==, JG_MACHINE_KIND_OWN);
    g_assert_cmpstr (jg_host_get_user (route->host), ==, "root");
  }

  /* Saved first: by name, by id, by its address; and `user@name` is the
   * saved machine with another login, not a change of it. */
  {
    g_autoptr(JgRoute) by_name = resolve (inventory, "saved-vm");
    g_autoptr(JgRoute) by_id = resolve (inventory, jg_host_get_id (JG_HOST (saved)));
    g_autoptr(JgRoute) by_address = resolve (inventory, "10.1.1.1");
    g_autoptr(JgRoute) other_user = resolve (inventory, "root@saved-vm");
    g_autoptr(JgRoute) same_user = resolve (inventory, "me@saved-vm:22");

    g_assert_cmpint (by_name->kind, ==, JG_ROUTE_SAVED);
    g_assert_true (by_name->host == JG_HOST (saved));
    g_assert_true (by_id->host == JG_HOST (saved));
    g_assert_true (by_address->host == JG_HOST (saved));
    g_assert_true (same_user->host == JG_HOST (saved));
    g_assert_cmpint (other_user->kind, ==, JG_ROUTE_SAVED);
    g_assert_true (other_user->saved == JG_HOST (saved));
    g_assert_false (other_user->host == JG_HOST (saved));
    g_assert_cmpstr (jg_host_get_user (other_user->host), ==, "root");
    g_assert_cmpstr (jg_host_get_user (JG_HOST (saved)), ==, "me");
    g_assert_cmpstr (jg_host_get_jump_id (other_user->host), ==, jg_host_get_id (JG_HOST (gate)));
    g_assert_null (jg_inventory_find_by_id (inventory, jg_host_get_id (other_user->host)));
  }

  /* A saved machine behind gate whose address the %r rule matches: the
   * jump login follows its user too, as ssh applies the rule to any host. */
  {
    g_autoptr(JgMachine) db = jg_machine_new (JG_MACHINE_KIND_VIRTUAL);
    g_autofree char *jump_user = NULL;

    jg_host_set_name (JG_HOST (db), "db");
    jg_host_set_hostname (JG_HOST (db), "db1.lab");
    jg_host_set_user (JG_HOST (db), "dba");
    jg_host_set_jump_id (JG_HOST (db), jg_host_get_id (JG_HOST (gate)));
    jg_inventory_add (inventory, JG_HOST (db));
    jump_user = jg_destination_dup_jump_user (inventory, JG_HOST (db));
    g_assert_cmpstr (jump_user, ==, "dba");
    /* Behind another jump host, the rule is not its route. */
    g_clear_pointer (&jump_user, g_free);
    jg_host_set_jump_id (JG_HOST (db), jg_host_get_id (JG_HOST (gate2)));
    jump_user = jg_destination_dup_jump_user (inventory, JG_HOST (db));
    g_assert_null (jump_user);
    jg_inventory_remove (inventory, JG_HOST (db), NULL);
  }

  /* First match wins: moving gate2 before gate gives vm1.lab… still to
   * gate (gate2 has no rule for it), but a `*.lab` rule on gate2 now wins. */
  add_rule (gate2, "*.lab", NULL, 0);
  {
    g_autoptr(JgRoute) route = resolve (inventory, "vm1.lab");

    g_assert_true (route->jump == gate);
  }
  g_object_ref (gate);
  jg_inventory_remove (inventory, JG_HOST (gate), NULL);
  jg_inventory_add (inventory, JG_HOST (gate));
  g_object_unref (gate);
  {
    g_autoptr(JgRoute) route = resolve (inventory, "vm1.lab");

    g_assert_true (route->jump == gate2);
    g_assert_cmpuint (route->rule_index, ==, 2);
  }
}

/* `Host *` on a jump host never routes that jump host (or one it goes
 * through) through itself. */
static void
test_never_through_itself (void)
{
  g_autoptr(JgInventory) inventory = jg_inventory_new ();
  JgJumpHost *gw = add_jump (inventory, "gw", "gw.corp", NULL);
  JgJumpHost *inner = add_jump (inventory, "inner", "inner.corp", NULL);
  JgJumpHost *found = NULL;

  jg_host_set_jump_id (JG_HOST (inner), jg_host_get_id (JG_HOST (gw)));
  add_rule (gw, "*", NULL, 0);
  add_rule (inner, "*.corp", NULL, 0);

  /* inner's rule comes second; gw's `*` takes everything but gw. */
  g_assert_nonnull (jg_inventory_match_rule (inventory, "db.corp", &found, NULL));
  g_assert_true (found == gw);
  g_assert_null (jg_inventory_match_rule (inventory, "gw.corp", &found, NULL));
  g_assert_null (jg_inventory_match_rule (inventory, "GW.CORP", &found, NULL));
  g_assert_null (found);
  g_assert_null (jg_inventory_match_rule (inventory, "gw", &found, NULL));

  /* Not through inner either, which sits behind gw.corp. */
  jg_jump_host_clear_rules (gw);
  g_assert_nonnull (jg_inventory_match_rule (inventory, "db.corp", &found, NULL));
  g_assert_true (found == inner);
  g_assert_null (jg_inventory_match_rule (inventory, "gw.corp", NULL, NULL));
  g_assert_null (jg_inventory_match_rule (inventory, "inner.corp", NULL, NULL));

  /* Typed, the jump host's own address is the saved jump host: no loop. */
  {
    g_autoptr(JgRoute) route = resolve (inventory, "gw.corp");
    g_autoptr(GError) error = NULL;
    g_autoptr(JgConnection) connection = NULL;

    g_assert_cmpint (route->kind, ==, JG_ROUTE_SAVED);
    g_assert_true (route->host == JG_HOST (gw));
    connection = jg_connection_new (inventory, route->host, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (jg_connection_get_n_hops (connection), ==, 1);
  }
}

typedef struct
{
  const char *patterns;
  const char *problem;   /* NULL: fine */
} PatternCase;

static void
test_check_patterns (void)
{
  static const PatternCase cases[] = {
    { "*.lab", NULL },
    { "*.kd.io", NULL },
    { "vm-*.lab", NULL },
    { "10.0.*", NULL },
    { "*.lab !db.lab", NULL },
    { "  *.lab\t!vm2.lab ", NULL },
    { "vm?.lab", NULL },
    { "*", NULL },
    { "", "at least one host pattern" },
    { "   ", "at least one host pattern" },
    { "!*", "only excludes hosts" },
    { "!*.lab !db.lab", "only excludes hosts" },
    { "*.lab !*", "excluded again" },
    { "*.lab !*.lab", "excluded again" },
    { "*.lab !*.LAB", "excluded again" },
    { "*.lab !", "needs a pattern right after it" },
    { "vm1.lab,vm2.lab", "not commas" },
    { "root@*.lab", "without a user" },
    { "*.lab/24", "no host name contains “/”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = jg_jump_rule_check_patterns (cases[i].patterns, &error);

      g_test_message ("“%s” → %s", cases[i].patterns, error ? error->message : "fine");
      if (cases[i].problem == NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, JG_DESTINATION_ERROR, JG_DESTINATION_ERROR_INVALID_HOST);
          g_assert_nonnull (strstr (error->message, cases[i].problem));
        }
    }

  {
    JgJumpRule rule = { .patterns = (char *) "*.kd.io" };
    g_autofree char *title = jg_jump_rule_dup_title (&rule);

    g_assert_cmpstr (title, ==, "Any host matching *.kd.io");
  }
}

/* ---------------------------------------------------------------- import */

static char *
write_config (const char *name,
              const char *text)
{
  g_autofree char *dir = g_build_filename (home, ".ssh", NULL);
  char *path = g_build_filename (dir, name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

/* `ProxyJump %r@jump` (ssh_config(5) lets ProxyJump use %r): a rule's jump
 * host logs in as the destination's user; a host's jump host as its user. */
static void
test_import_proxy_jump_user (void)
{
  g_autoptr(JgInventory) inventory = jg_inventory_new ();
  g_autoptr(JgImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  JgHost *pj, *gate, *db;
  JgJumpRule *rule;

  path = write_config ("config-proxy-jump-r",
    "Host *.pj\n"
    "  User pat\n"
    "  ProxyJump %r@pj.example.org\n"
    "Host db.concrete\n"
    "  User bob\n"
    "  ProxyJump %r@gate.example.org:2222\n");
  g_assert_true (jg_import_ssh_config (inventory, path, &report, &error));
  g_assert_no_error (error);

  pj = jg_inventory_find_by_name (inventory, "pj.example.org");
  g_assert_true (JG_IS_JUMP_HOST (pj));
  rule = g_ptr_array_index (jg_jump_host_get_rules (JG_JUMP_HOST (pj)), 0);
  g_assert_cmpstr (rule->patterns, ==, "*.pj");
  g_assert_cmpstr (rule->user, ==, "pat");
  g_assert_true (rule->jump_user_from_target);
  {
    g_autoptr(JgRoute) route = resolve (inventory, "carol@web.pj");
    g_autofree char *jump_user = jg_destination_dup_jump_user (inventory, route->host);

    g_assert_true (route->jump == JG_JUMP_HOST (pj));
    g_assert_cmpstr (jump_user, ==, "carol");
  }

  db = jg_inventory_find_by_name (inventory, "db.concrete");
  g_assert_nonnull (db);
  gate = jg_inventory_find_by_id (inventory, jg_host_get_jump_id (db));
  g_assert_true (JG_IS_JUMP_HOST (gate));
  g_assert_cmpstr (jg_host_get_hostname (gate), ==, "gate.example.org");
  g_assert_cmpuint (jg_host_get_port (gate), ==, 2222);
  g_assert_cmpstr (jg_host_get_user (gate), ==, "bob");   /* not "%r" */
}

/* `%r` is kept as "the destination's user", not fixed at import time. */
static void
test_import_jump_user (void)
{
  g_autoptr(JgInventory) inventory = jg_inventory_new ();
  g_autoptr(JgImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  JgHost *koding, *fixed, *dash_l;
  JgJumpRule *rule;

  path = write_config ("config-rules",
    "Host *.kd.io\n"
    "  User joe\n"
    "  ProxyCommand ssh %r@ssh.koding.com nc %h %p\n"
    "Host *.fixed\n"
    "  ProxyCommand ssh gate@fixed.example.org nc %h %p\n"
    "Host *.dashl !skip.dashl\n"
    "  User ann\n"
    "  ProxyCommand ssh -l %r dashl.example.org -W %h:%p\n");
  g_assert_true (jg_import_ssh_config (inventory, path, &report, &error));
  g_assert_no_error (error);

  /* Jump hosts with rules; no machines. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (inventory)), ==, 3);
  koding = jg_inventory_find_by_name (inventory, "ssh.koding.com");
  fixed = jg_inventory_find_by_name (inventory, "fixed.example.org");
  dash_l = jg_inventory_find_by_name (inventory, "dashl.example.org");
  g_assert_true (JG_IS_JUMP_HOST (koding) && JG_IS_JUMP_HOST (fixed) && JG_IS_JUMP_HOST (dash_l));

  rule = g_ptr_array_index (jg_jump_host_get_rules (JG_JUMP_HOST (koding)), 0);
  g_assert_cmpstr (rule->patterns, ==, "*.kd.io");
  g_assert_cmpstr (rule->user, ==, "joe");
  g_assert_true (rule->jump_user_from_target);
  rule = g_ptr_array_index (jg_jump_host_get_rules (JG_JUMP_HOST (fixed)), 0);
  g_assert_false (rule->jump_user_from_target);
  g_assert_cmpstr (jg_host_get_user (fixed), ==, "gate");
  rule = g_ptr_array_index (jg_jump_host_get_rules (JG_JUMP_HOST (dash_l)), 0);
  g_assert_cmpstr (rule->patterns, ==, "*.dashl !skip.dashl");
  g_assert_true (rule->jump_user_from_target);

  /* The issue's flow: `ssh vm-0.alice.koding.kd.io` as alice. */
  {
    g_autoptr(JgRoute) route = resolve (inventory, "alice@vm-0.alice.koding.kd.io");
    g_autofree char *jump_user = jg_destination_dup_jump_user (inventory, route->host);

    g_assert_true (route->jump == JG_JUMP_HOST (koding));
    g_assert_cmpstr (jump_user, ==, "alice");
  }
  {
    g_autoptr(JgRoute) route = resolve (inventory, "skip.dashl");

    g_assert_cmpint (route->kind, ==, JG_ROUTE_DIRECT);
  }

  /* Importing again changes nothing; a changed %r is an update. */
  {
    g_autoptr(JgImportReport) again = NULL;

    g_assert_true (jg_import_ssh_config (inventory, path, &again, &error));
    g_assert_cmpuint (jg_import_report_count (again, JG_IMPORT_UPDATED), ==, 0);
    g_assert_cmpuint (jg_import_report_count (again, JG_IMPORT_ADDED), ==, 0);
  }
}

/* ------------------------------------------------------------------- lab */

static const char *
lab_get (const char *key)
{
  const char *value = jg_test_lab_get (lab, key);

  g_assert_nonnull (value);
  return value;
}

static void
copy_file (const char *from,
           const char *to,
           int         mode)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (to, contents, length, NULL));
  g_assert_cmpint (g_chmod (to, mode), ==, 0);
}

/* Starts the lab once; FALSE (the test skipped) when it cannot be used here. */
static gboolean
need_lab (void)
{
  g_autoptr(GError) error = NULL;

  if (!lab_tried)
    {
      lab_tried = TRUE;
      lab = jg_test_lab_start (&error);
      if (lab == NULL)
        g_test_message ("the SSH lab could not start: %s", error->message);
    }
  if (lab == NULL)
    {
      g_test_skip ("the SSH lab could not start");
      return FALSE;
    }
  if (!jg_test_lab_isolated (lab))
    {
      /* Loopback mode has no vm1.lab: the VMs are 127.0.0.1 ports. */
      g_test_skip ("the VMs have .lab names only in the lab's root mode");
      return FALSE;
    }
  return TRUE;
}

/* The person's ~/.ssh: the lab's key as the default identity, its
 * known_hosts, and the bastion config of the issue. */
static char *
write_lab_home (void)
{
  g_autofree char *ssh_dir = g_build_filename (home, ".ssh", NULL);
  g_autofree char *key = g_build_filename (ssh_dir, "id_ed25519", NULL);
  g_autofree char *pub = g_build_filename (ssh_dir, "id_ed25519.pub", NULL);
  g_autofree char *lab_pub = g_strdup_printf ("%s.pub", lab_get ("JG_LAB_KEY"));
  g_autofree char *known = g_build_filename (ssh_dir, "known_hosts", NULL);
  g_autofree char *config = NULL;

  g_assert_cmpint (g_mkdir_with_parents (ssh_dir, 0700), ==, 0);
  copy_file (lab_get ("JG_LAB_KEY"), key, 0600);
  copy_file (lab_pub, pub, 0644);
  copy_file (lab_get ("JG_LAB_KNOWN_HOSTS"), known, 0600);
  config = g_strdup_printf ("Host *.lab\n"
                            "  User %s\n"
                            "  ProxyCommand ssh %%r@jump nc %%h %%p\n"
                            "\n"
                            "Host jump\n"
                            "  HostName %s\n"
                            "  Port %s\n",
                            lab_get ("JG_LAB_USER"), lab_get ("JG_LAB_JUMP_NAME"),
                            lab_get ("JG_LAB_JUMP_PORT"));
  return write_config ("config", config);
}

/* `jumpgate ARGS…` with the throwaway HOME, no display, no agent and no
 * controlling terminal (setsid): questions are refused, never waited for. */
static int
run_jumpgate (const char * const *args,
              char              **out,
              char              **err)
{
  const char *jumpgate = g_getenv ("JUMPGATE");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) envp = g_get_environ ();
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_assert_nonnull (jumpgate);
  g_ptr_array_add (argv, (gpointer) "setsid");
  g_ptr_array_add (argv, (gpointer) "-w");
  g_ptr_array_add (argv, (gpointer) jumpgate);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  envp = g_environ_setenv (envp, "HOME", home, TRUE);
  envp = g_environ_setenv (envp, "XDG_CONFIG_HOME", config_home, TRUE);
  envp = g_environ_setenv (envp, "LC_ALL", "C.UTF-8", TRUE);
  envp = g_environ_setenv (envp, "LANGUAGE", "C", TRUE);
  envp = g_environ_unsetenv (envp, "DISPLAY");
  envp = g_environ_unsetenv (envp, "WAYLAND_DISPLAY");
  envp = g_environ_unsetenv (envp, "SSH_AUTH_SOCK");
  g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_SEARCH_PATH | G_SPAWN_STDIN_FROM_DEV_NULL,
                NULL, NULL, out, err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  g_test_message ("jumpgate %s → %d\nstdout: %s\nstderr: %s", args[0], WEXITSTATUS (status),
                  out ? *out : "", err ? *err : "");
  return WEXITSTATUS (status);
}

static char *
machines_json_path (void)
{
  return g_build_filename (config_home, "jumpgate", "machines.json", NULL);
}

static void
import_seed_config (void)
{
  const char *import[] = { "--import-ssh-config", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *path = machines_json_path ();

  g_remove (path);
  g_free (write_lab_home ());
  g_assert_cmpint (run_jumpgate (import, &out, &err), ==, 0);
}

/* The issue's flow: import the bastion config, then
 * `jumpgate --exec vm1.lab -- …` reaches the VM through the jump host. */
static void
test_lab_import_and_exec (void)
{
  const char *list[] = { "--list", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *json = NULL;
  g_autofree char *path = NULL;
  g_autofree char *jump_login = NULL;
  g_autofree char *vm_login = NULL;
  int jump_before, vm_before;

  if (!need_lab ())
    return;
  import_seed_config ();

  /* The jump host with its rule, and no machines. */
  g_assert_cmpint (run_jumpgate (list, &out, &err), ==, 0);
  {
    g_autofree char *expected = g_strdup_printf ("jump\tjump\t%s@%s:%s\t\n", lab_get ("JG_LAB_USER"),
                                                 lab_get ("JG_LAB_JUMP_NAME"),
                                                 lab_get ("JG_LAB_JUMP_PORT"));

    g_assert_cmpstr (out, ==, expected);
  }
  path = machines_json_path ();
  g_assert_true (g_file_get_contents (path, &json, NULL, NULL));
  g_assert_nonnull (strstr (json, "\"patterns\" : \"*.lab\""));
  g_assert_nonnull (strstr (json, "\"jump_user\" : \"%r\""));
  g_assert_null (strstr (json, "\"machines\" : [\n    {"));

  /* The VM runs the command: 42 is computed there, and SSH_CONNECTION
   * ends with its own address inside the namespace. */
  jump_login = g_strdup_printf ("Accepted publickey for %s", lab_get ("JG_LAB_USER"));
  vm_login = g_strdup (jump_login);
  jump_before = jg_test_lab_count_log (lab, "jump", jump_login);
  vm_before = jg_test_lab_count_log (lab, "vm1", vm_login);
  {
    const char *exec[] = { "--exec", "vm1.lab", "--", "echo", "rules-$((6*7))", "$SSH_CONNECTION", NULL };
    g_autofree char *expected = g_strdup_printf (" %s 22\n", lab_get ("JG_LAB_VM1_ADDR"));

    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run_jumpgate (exec, &out, &err), ==, 0);
    g_assert_true (g_str_has_prefix (out, "rules-42 "));
    g_assert_true (g_str_has_suffix (out, expected));
  }
  /* The jump host's sshd saw the login of the hop. */
  g_assert_cmpint (jg_test_lab_count_log (lab, "jump", jump_login), ==, jump_before + 1);
  g_assert_cmpint (jg_test_lab_count_log (lab, "vm1", vm_login), ==, vm_before + 1);

  /* The same as an ssh:// URI with the port, and with vm2. */
  {
    const char *exec[] = { "--exec", "ssh://vm2.lab:22/", "--", "hostname;", "exit", "7", NULL };

    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run_jumpgate (exec, &out, &err), ==, 7);
  }
  g_assert_cmpint (jg_test_lab_count_log (lab, "jump", jump_login), ==, jump_before + 2);
  g_assert_cmpint (jg_test_lab_count_log (lab, "vm2", vm_login), >=, 1);
}

/* An unmatched host goes directly: the own machine on the root namespace's
 * loopback, with no login on the jump host. */
static void
test_lab_direct (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *dest = NULL;
  g_autofree char *login = NULL;
  int jump_before, own_before;

  if (!need_lab ())
    return;
  import_seed_config ();
  dest = g_strdup_printf ("%s@%s:%s", lab_get ("JG_LAB_USER"), lab_get ("JG_LAB_OWN_NAME"),
                          lab_get ("JG_LAB_OWN_PORT"));
  login = g_strdup_printf ("Accepted publickey for %s", lab_get ("JG_LAB_USER"));
  jump_before = jg_test_lab_count_log (lab, "jump", "Connection from");
  own_before = jg_test_lab_count_log (lab, "own", login);
  {
    const char *exec[] = { "--exec", dest, "--", "echo", "direct-$((2+3))", NULL };

    g_assert_cmpint (run_jumpgate (exec, &out, &err), ==, 0);
  }
  g_assert_cmpstr (out, ==, "direct-5\n");
  g_assert_cmpint (jg_test_lab_count_log (lab, "own", login), ==, own_before + 1);
  g_assert_cmpint (jg_test_lab_count_log (lab, "jump", "Connection from"), ==, jump_before);
}

/* A destination that is not a host is refused before anything connects. */
static void
test_lab_bad_input (void)
{
  static const struct { const char *dest; const char *message; } cases[] = {
    { "vm1 .lab", "cannot contain spaces" },
    { "vm1.lab:99999", "from 1 to 65535" },
    { "@vm1.lab", "user name before “@” is empty" },
    { "vm1.lab\x1b[2J", "control character" },
    { "*.lab", "is a pattern, not a host" },
  };
  int before;

  if (!need_lab ())
    return;
  import_seed_config ();
  before = jg_test_lab_count_log (lab, "jump", "Connection from");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *exec[] = { "--exec", cases[i].dest, "--", "true", NULL };
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_assert_cmpint (run_jumpgate (exec, &out, &err), ==, 255);
      g_assert_cmpstr (out, ==, "");
      g_assert_true (g_str_has_prefix (err, "jumpgate: No saved machine is called"));
      g_assert_nonnull (strstr (err, cases[i].message));
      g_assert_null (strchr (err, '\x1b'));
    }
  g_assert_cmpint (jg_test_lab_count_log (lab, "jump", "Connection from"), ==, before);
}

/* First match wins across jump hosts, and a negation passes a host on:
 * `jump` has `*.lab !vm2.lab`, `nofwd` (which refuses to forward) `*.lab`.
 * vm1.lab goes through jump; vm2.lab falls to nofwd, which says no. */
static void
test_lab_precedence (void)
{
  g_autoptr(JgInventory) inventory = jg_inventory_new ();
  g_autoptr(JgStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = machines_json_path ();
  g_autofree char *login = NULL;
  JgJumpHost *jump, *nofwd;
  int jump_before, nofwd_before;

  if (!need_lab ())
    return;
  g_free (write_lab_home ());
  jump = add_jump (inventory, "jump", lab_get ("JG_LAB_JUMP_NAME"), lab_get ("JG_LAB_USER"));
  jg_host_set_port (JG_HOST (jump), atoi (lab_get ("JG_LAB_JUMP_PORT")));
  add_rule (jump, "*.lab !vm2.lab", NULL, 0);
  nofwd = add_jump (inventory, "nofwd", lab_get ("JG_LAB_NOFWD_NAME"), lab_get ("JG_LAB_USER"));
  jg_host_set_port (JG_HOST (nofwd), atoi (lab_get ("JG_LAB_NOFWD_PORT")));
  add_rule (nofwd, "*.lab", NULL, 0);
  store = jg_store_new (path);
  g_remove (path);
  g_assert_true (jg_store_save (store, inventory, &error));
  g_assert_no_error (error);

  login = g_strdup_printf ("Accepted publickey for %s", lab_get ("JG_LAB_USER"));
  jump_before = jg_test_lab_count_log (lab, "jump", login);
  nofwd_before = jg_test_lab_count_log (lab, "nofwd", login);
  {
    const char *exec[] = { "--exec", "vm1.lab", "--", "echo", "first-match", NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_jumpgate (exec, &out, &err), ==, 0);
    g_assert_cmpstr (out, ==, "first-match\n");
  }
  g_assert_cmpint (jg_test_lab_count_log (lab, "jump", login), ==, jump_before + 1);
  g_assert_cmpint (jg_test_lab_count_log (lab, "nofwd", login), ==, nofwd_before);
  {
    const char *exec[] = { "--exec", "vm2.lab", "--", "true", NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_jumpgate (exec, &out, &err), ==, 255);
    g_assert_nonnull (strstr (err, "nofwd"));
  }
  g_assert_cmpint (jg_test_lab_count_log (lab, "nofwd", login), ==, nofwd_before + 1);
  g_assert_cmpint (jg_test_lab_count_log (lab, "jump", login), ==, jump_before + 1);
}

/* `ProxyCommand ssh %r@jump …`: for root@vm1.lab the jump host is logged
 * in to as root too, not as the rule's user; with `ssh jgtest@jump …` it
 * stays jgtest whoever the destination's user is. */
static void
test_lab_jump_user_follows_target (void)
{
  const char *exec[] = { "--exec", "root@vm1.lab", "--", "id", "-un", NULL };
  const char *import[] = { "--import-ssh-config", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *as_user = NULL;
  g_autofree char *config = NULL;
  g_autofree char *text = NULL;
  int root_before, user_before;

  if (!need_lab ())
    return;
  if (g_str_equal (lab_get ("JG_LAB_USER"), "root"))
    {
      g_test_skip ("the lab's key user is root: no other user to log in as");
      return;
    }
  import_seed_config ();
  as_user = g_strdup_printf ("Accepted publickey for %s", lab_get ("JG_LAB_USER"));
  root_before = jg_test_lab_count_log (lab, "jump", "Accepted publickey for root");
  user_before = jg_test_lab_count_log (lab, "jump", as_user);

  g_assert_cmpint (run_jumpgate (exec, &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, "root\n");
  g_assert_cmpint (jg_test_lab_count_log (lab, "jump", "Accepted publickey for root"), ==, root_before + 1);
  g_assert_cmpint (jg_test_lab_count_log (lab, "jump", as_user), ==, user_before);

  /* A fixed jump login: imported again, the rule is updated. */
  config = write_lab_home ();
  g_assert_true (g_file_get_contents (config, &text, NULL, NULL));
  {
    g_autofree char *jump = g_strdup_printf ("ssh %s@jump", lab_get ("JG_LAB_USER"));
    g_autoptr(GString) fixed = g_string_new (text);

    g_string_replace (fixed, "ssh %r@jump", jump, 1);
    g_assert_true (g_file_set_contents (config, fixed->str, -1, NULL));
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_jumpgate (import, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "1 updated"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_jumpgate (exec, &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, "root\n");
  g_assert_cmpint (jg_test_lab_count_log (lab, "jump", "Accepted publickey for root"), ==, root_before + 1);
  g_assert_cmpint (jg_test_lab_count_log (lab, "jump", as_user), ==, user_before + 1);
}

/* ------------------------------------------------------------------ main */

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

int
main (int   argc,
      char *argv[])
{
  int status;

  tmpdir = g_dir_make_tmp ("jg-test-rules-XXXXXX", NULL);
  home = g_build_filename (tmpdir, "home", NULL);
  config_home = g_build_filename (tmpdir, "config", NULL);
  g_mkdir_with_parents (home, 0700);
  /* This process too: default keys and known_hosts come from ~/.ssh. */
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  g_unsetenv ("SSH_AUTH_SOCK");

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rules/parse", test_parse);
  g_test_add_func ("/rules/parse-errors", test_parse_errors);
  g_test_add_func ("/rules/resolve", test_resolve);
  g_test_add_func ("/rules/never-through-itself", test_never_through_itself);
  g_test_add_func ("/rules/check-patterns", test_check_patterns);
  g_test_add_func ("/rules/import-jump-user", test_import_jump_user);
  g_test_add_func ("/rules/import-proxy-jump-user", test_import_proxy_jump_user);
  g_test_add_func ("/rules/lab/import-and-exec", test_lab_import_and_exec);
  g_test_add_func ("/rules/lab/direct", test_lab_direct);
  g_test_add_func ("/rules/lab/bad-input", test_lab_bad_input);
  g_test_add_func ("/rules/lab/precedence", test_lab_precedence);
  g_test_add_func ("/rules/lab/jump-user-follows-target", test_lab_jump_user_follows_target);

  status = g_test_run ();

  g_clear_pointer (&lab, jg_test_lab_stop);
  remove_tree (tmpdir);
  g_free (tmpdir);
  g_free (home);
  g_free (config_home);
  return status;
}
