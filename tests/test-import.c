/* test-import.c — ~/.ssh/config into the inventory: machines, chains, rules, the report
 *
 * Each test writes a real configuration into a throwaway home and checks what
 * a person would see: the `jumpgate --list` lines, the report and warnings.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "jg-import.h"

typedef struct
{
  char        *home;
  char        *ssh_dir;
  JgInventory *inventory;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->home = g_dir_make_tmp ("jg-import-XXXXXX", &error);
  g_assert_no_error (error);
  f->ssh_dir = g_build_filename (f->home, ".ssh", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->ssh_dir, 0700), ==, 0);
  f->inventory = jg_inventory_new ();
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
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
  g_clear_object (&f->inventory);
}

static void
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
}

/* Imports ~/.ssh/config of the fixture's home. */
static JgImportReport *
import (Fixture *f)
{
  g_autoptr(JgSshConfig) config = jg_ssh_config_new (f->home, JG_SSH_CONFIG_FLAGS_NONE);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = jg_ssh_config_dup_default_path (config);
  JgImportReport *report = NULL;

  g_assert_true (jg_ssh_config_parse_file (config, path, &error));
  g_assert_no_error (error);
  g_assert_true (jg_import_from_config (f->inventory, config, path, &report, &error));
  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

/* What `jumpgate --list` prints: name, kind, user@host:port, hops. */
static char *
list_inventory (JgInventory *inventory)
{
  GString *out = g_string_new (NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (inventory));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JgHost) host = g_list_model_get_item (G_LIST_MODEL (inventory), i);
      g_autoptr(GPtrArray) chain = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *destination = jg_host_dup_destination (host);

      chain = jg_inventory_get_chain (inventory, host, &error);
      g_assert_no_error (error);
      g_string_append_printf (out, "%s\t%s\t%s\t", jg_host_get_name (host),
                              jg_host_get_kind_name (host), destination);
      for (guint j = 0; j < chain->len; j++)
        g_string_append_printf (out, "%s%s", j ? "," : "", jg_host_get_name (g_ptr_array_index (chain, j)));
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

/* The report's entries as "action item name: reason" lines. */
static char *
report_lines (JgImportReport *report)
{
  GPtrArray *entries = jg_import_report_get_entries (report);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < entries->len; i++)
    {
      const JgImportEntry *entry = g_ptr_array_index (entries, i);

      g_string_append_printf (out, "%s %s %s: %s\n", jg_import_action_to_string (entry->action),
                              jg_import_item_to_string (entry->item), entry->name, entry->reason);
    }
  return g_string_free (out, FALSE);
}

/* The warnings as "basename:line: message" lines. */
static char *
warning_lines (JgImportReport *report)
{
  GPtrArray *warnings = jg_import_report_get_warnings (report);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < warnings->len; i++)
    {
      const JgSshWarning *warning = g_ptr_array_index (warnings, i);
      g_autofree char *base = warning->file ? g_path_get_basename (warning->file) : g_strdup ("-");

      g_string_append_printf (out, "%s:%u: %s\n", base, warning->line, warning->message);
    }
  return g_string_free (out, FALSE);
}

/* The example: Include with a glob, wildcard blocks with a negation,
 * a 2-hop ProxyJump and the classic `nc %h %p` ProxyCommand. */
static const char main_config[] =
  "# ~/.ssh/config\n"
  "Include conf.d/*.conf\n"
  "\n"
  "Host bastion\n"
  "  HostName bastion.example.org\n"
  "  User ops\n"
  "  Port 2222\n"
  "\n"
  "Host inner\n"
  "  HostName 10.0.0.1\n"
  "  ProxyJump bastion\n"
  "\n"
  "Host vm-0 vm-1\n"
  "  HostName %h.lab\n"
  "  ProxyJump bastion,inner\n"
  "\n"
  "Host legacy\n"
  "  HostName legacy.internal\n"
  "  ProxyCommand ssh -q gw nc %h %p\n"
  "\n"
  "Host gw\n"
  "  HostName gw.example.org\n"
  "  User admin\n"
  "\n"
  "Host www\n"
  "  HostName www.example.org\n"
  "\n"
  "Host * !www\n"
  "  User me\n"
  "  ServerAliveInterval 60\n"
  "\n"
  "Host *\n"
  "  User nobody\n"
  "  IdentityFile ~/.ssh/id_%r\n";

static void
write_main_config (Fixture *f)
{
  write_ssh_file (f, "config", main_config);
  write_ssh_file (f, "conf.d/10-db.conf",
                  "Host db\n"
                  "  HostName db.example.org\n"
                  "  Port=2200\n");
  write_ssh_file (f, "conf.d/notes.txt", "Host not-included\n");
}

static void
test_main_example (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(JgImportReport) report = NULL;
  g_autofree char *list = NULL;
  g_autofree char *lines = NULL;
  g_autofree char *warnings = NULL;
  g_autofree char *key = NULL;
  JgHost *vm0, *www, *bastion;

  write_main_config (f);
  report = import (f);

  list = list_inventory (f->inventory);
  g_assert_cmpstr (list, ==,
    "bastion\tjump\tops@bastion.example.org:2222\t\n"
    "inner\tjump\tme@10.0.0.1:22\tbastion\n"
    "gw\tjump\tadmin@gw.example.org:22\t\n"
    "db\town\tme@db.example.org:2200\t\n"
    "vm-0\tvm\tme@vm-0.lab:22\tbastion,inner\n"
    "vm-1\tvm\tme@vm-1.lab:22\tbastion,inner\n"
    "legacy\tvm\tme@legacy.internal:22\tgw\n"
    "www\town\tnobody@www.example.org:22\t\n");

  lines = report_lines (report);
  g_assert_cmpstr (lines, ==,
    "added jump host bastion: new jump host\n"
    "added jump host inner: new jump host, reached through bastion\n"
    "added jump host gw: new jump host\n"
    "added machine db: new machine, reached directly\n"
    "added machine vm-0: new virtual machine, reached through bastion → inner\n"
    "added machine vm-1: new virtual machine, reached through bastion → inner\n"
    "added machine legacy: new virtual machine, reached through gw\n"
    "added machine www: new machine, reached directly\n"
    "skipped Host pattern * !www: a pattern, not a machine: its settings apply to the machines it matches\n"
    "skipped Host pattern *: a pattern, not a machine: its settings apply to the machines it matches\n");
  g_assert_cmpuint (jg_import_report_count (report, JG_IMPORT_ADDED), ==, 8);
  g_assert_cmpuint (jg_import_report_count (report, JG_IMPORT_SKIPPED), ==, 2);
  warnings = warning_lines (report);
  g_assert_cmpstr (warnings, ==, "");

  /* The kept settings: tokens expanded, wildcard values where not set. */
  vm0 = jg_inventory_find_by_name (f->inventory, "vm-0");
  g_assert_true (JG_IS_MACHINE (vm0));
  g_assert_cmpint (jg_machine_get_kind (JG_MACHINE (vm0)), ==, JG_MACHINE_KIND_VIRTUAL);
  key = g_build_filename (f->ssh_dir, "id_me", NULL);
  g_assert_cmpstr (jg_host_get_identity_file (vm0), ==, key);
  g_assert_cmpuint (jg_host_get_keepalive_interval (vm0), ==, 60);
  www = jg_inventory_find_by_name (f->inventory, "www");
  g_assert_cmpuint (jg_host_get_keepalive_interval (www), ==, JG_DEFAULT_KEEPALIVE);
  g_assert_cmpint (jg_machine_get_kind (JG_MACHINE (www)), ==, JG_MACHINE_KIND_OWN);
  bastion = jg_inventory_find_by_name (f->inventory, "bastion");
  g_assert_true (JG_IS_JUMP_HOST (bastion));
  g_assert_cmpuint (jg_jump_host_get_rules (JG_JUMP_HOST (bastion))->len, ==, 0);
  g_assert_null (jg_inventory_find_by_name (f->inventory, "not-included"));
}

static void
test_reimport (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(JgImportReport) first = NULL;
  g_autoptr(JgImportReport) second = NULL;
  g_autoptr(JgImportReport) third = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *lines = NULL;
  g_autofree char *bastion_id = NULL;
  g_autofree char *changed_config = NULL;
  JgHost *www;

  write_main_config (f);
  first = import (f);
  before = list_inventory (f->inventory);
  bastion_id = g_strdup (jg_host_get_id (jg_inventory_find_by_name (f->inventory, "bastion")));

  /* Again: the same inventory, everything unchanged. */
  second = import (f);
  after = list_inventory (f->inventory);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->inventory)), ==, 8);
  g_assert_cmpuint (jg_import_report_count (second, JG_IMPORT_ADDED), ==, 0);
  g_assert_cmpuint (jg_import_report_count (second, JG_IMPORT_UPDATED), ==, 0);
  g_assert_cmpuint (jg_import_report_count (second, JG_IMPORT_UNCHANGED), ==, 8);
  g_assert_cmpuint (jg_import_report_count (second, JG_IMPORT_SKIPPED), ==, 2);
  g_assert_cmpstr (jg_import_report_lookup (second, JG_IMPORT_ITEM_MACHINE, "vm-0")->reason, ==,
                   "already up to date");

  /* An edit in Jumpgate and a change in the config: both show as updates,
   * a new host is added, the ids stay. */
  www = jg_inventory_find_by_name (f->inventory, "www");
  jg_host_set_hostname (www, "edited-in-jumpgate.example.org");
  changed_config = g_strconcat (main_config, "Host newbox\n  HostName 192.0.2.7\n", NULL);
  write_ssh_file (f, "config", changed_config);
  write_ssh_file (f, "conf.d/10-db.conf",
                  "Host db\n"
                  "  HostName db.example.org\n"
                  "  Port=2201\n"
                  "  ProxyJump gw\n");
  third = import (f);
  lines = report_lines (third);
  g_assert_cmpstr (lines, ==,
    "unchanged jump host gw: already up to date\n"
    "unchanged jump host bastion: already up to date\n"
    "unchanged jump host inner: already up to date\n"
    "updated machine db: changed: port, jump host, kind\n"
    "unchanged machine vm-0: already up to date\n"
    "unchanged machine vm-1: already up to date\n"
    "unchanged machine legacy: already up to date\n"
    "updated machine www: changed: address\n"
    "added machine newbox: new machine, reached directly\n"
    "skipped Host pattern * !www: a pattern, not a machine: its settings apply to the machines it matches\n"
    "skipped Host pattern *: a pattern, not a machine: its settings apply to the machines it matches\n");
  g_free (after);
  after = list_inventory (f->inventory);
  g_assert_cmpstr (after, ==,
    "bastion\tjump\tops@bastion.example.org:2222\t\n"
    "inner\tjump\tme@10.0.0.1:22\tbastion\n"
    "gw\tjump\tadmin@gw.example.org:22\t\n"
    "db\tvm\tme@db.example.org:2201\tgw\n"
    "vm-0\tvm\tme@vm-0.lab:22\tbastion,inner\n"
    "vm-1\tvm\tme@vm-1.lab:22\tbastion,inner\n"
    "legacy\tvm\tme@legacy.internal:22\tgw\n"
    "www\town\tnobody@www.example.org:22\t\n"
    "newbox\town\tme@192.0.2.7:22\t\n");
  g_assert_cmpstr (jg_host_get_id (jg_inventory_find_by_name (f->inventory, "bastion")), ==, bastion_id);
}

static void
test_proxy_jump_none_and_chains (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(JgImportReport) report = NULL;
  g_autofree char *list = NULL;
  g_autofree char *lines = NULL;
  GPtrArray *rules;
  JgJumpRule *rule;

  write_ssh_file (f, "config",
    "Host direct\n"
    "  HostName direct.example.org\n"
    "  ProxyJump none\n"
    "Host gate\n"
    "  HostName gate.example.org\n"
    "  ProxyJump none\n"
    "Host h1\n"
    "  HostName h1.example.org\n"
    "Host h2\n"
    "  HostName h2.example.org\n"
    "  ProxyJump h1\n"
    "Host deep\n"
    "  ProxyJump h2\n"
    "Host multi\n"
    "  ProxyJump alice@h1,bob@h1:2222,h2\n"
    "Host *\n"
    "  User me\n"
    "  ProxyJump gate\n");
  report = import (f);

  /* ProxyJump none wins over the wildcard's; a hop that names a Host block
   * follows its own chain; `-J a,b c` semantics for a list; a hop with
   * another login is another jump host. */
  list = list_inventory (f->inventory);
  g_assert_cmpstr (list, ==,
    "gate\tjump\tme@gate.example.org:22\t\n"
    "h1\tjump\tme@h1.example.org:22\tgate\n"
    "h2\tjump\tme@h2.example.org:22\tgate,h1\n"
    "alice@h1\tjump\talice@h1.example.org:22\tgate\n"
    "bob@h1\tjump\tbob@h1.example.org:2222\tgate,alice@h1\n"
    "me@h2\tjump\tme@h2.example.org:22\tgate,alice@h1,bob@h1\n"
    "direct\town\tme@direct.example.org:22\t\n"
    "deep\tvm\tme@deep:22\tgate,h1,h2\n"
    "multi\tvm\tme@multi:22\tgate,alice@h1,bob@h1,me@h2\n");

  /* `Host *` routes everything through gate: that is a rule on gate. */
  rules = jg_jump_host_get_rules (JG_JUMP_HOST (jg_inventory_find_by_name (f->inventory, "gate")));
  g_assert_cmpuint (rules->len, ==, 1);
  rule = g_ptr_array_index (rules, 0);
  g_assert_cmpstr (rule->patterns, ==, "*");
  g_assert_cmpstr (rule->user, ==, "me");
  lines = report_lines (report);
  g_assert_nonnull (strstr (lines, "added jump rule *: new jump rule on “gate”\n"));
}

static void
test_proxy_command_forms (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(JgImportReport) report = NULL;
  g_autofree char *list = NULL;
  g_autofree char *warnings = NULL;
  g_autofree char *lines = NULL;
  g_autofree char *jump_key = NULL;
  JgHost *fred_jump;

  write_ssh_file (f, "config",
    "Host j\n"
    "  HostName j.example.org\n"
    "  User jumper\n"
    "Host a\n"
    "  ProxyCommand ssh -W %h:%p j\n"
    "Host b\n"
    "  User bob\n"
    "  ProxyCommand ssh -q %r@j nc %h %p\n"
    "Host c\n"
    "  ProxyCommand ssh j nc %h %p\n"
    "Host d\n"
    "  ProxyCommand /usr/bin/ssh -o StrictHostKeyChecking=no -A -p 22 j -W [%h]:%p\n"
    "Host e\n"
    "  ProxyCommand exec ssh -T j netcat -w 120 %h %p 2>/dev/null\n"
    "Host f\n"
    "  User fred\n"
    "  ProxyCommand ssh -l %r -i ~/.ssh/jump_key j -W %h:%p\n"
    "Host g\n"
    "  HostName g.example.org\n"
    "  ProxyCommand socat - PROXY:proxy.example.org:%h:%p,proxyport=3128\n"
    "Host h\n"
    "  ProxyCommand nc -X 5 -x socks.example.org:1080 %h %p\n"
    "Host i\n"
    "  ProxyCommand ssh -W %h:%p unnamed.example.org\n"
    "Host *\n"
    "  User me\n");
  report = import (f);

  /* Each jump form is the same native jump; %r is the target's user. */
  list = list_inventory (f->inventory);
  g_assert_cmpstr (list, ==,
    "j\tjump\tjumper@j.example.org:22\t\n"
    "bob@j\tjump\tbob@j.example.org:22\t\n"
    "fred@j\tjump\tfred@j.example.org:22\t\n"
    "unnamed.example.org\tjump\tme@unnamed.example.org:22\t\n"
    "a\tvm\tme@a:22\tj\n"
    "b\tvm\tbob@b:22\tbob@j\n"
    "c\tvm\tme@c:22\tj\n"
    "d\tvm\tme@d:22\tj\n"
    "e\tvm\tme@e:22\tj\n"
    "f\tvm\tfred@f:22\tfred@j\n"
    "g\town\tme@g.example.org:22\t\n"
    "h\town\tme@h:22\t\n"
    "i\tvm\tme@i:22\tunnamed.example.org\n");
  fred_jump = jg_inventory_find_by_name (f->inventory, "fred@j");
  jump_key = g_build_filename (f->ssh_dir, "jump_key", NULL);
  g_assert_cmpstr (jg_host_get_identity_file (fred_jump), ==, jump_key);

  /* Any other ProxyCommand: imported without it, with a warning. */
  warnings = warning_lines (report);
  g_assert_cmpstr (warnings, ==,
    "config:20: “g” uses a ProxyCommand that is not a jump through another host (socat - PROXY:proxy.example.org:%h:%p,proxyport=3128): it was imported without it and may not be reachable\n"
    "config:22: “h” uses a ProxyCommand that is not a jump through another host (nc -X 5 -x socks.example.org:1080 %h %p): it was imported without it and may not be reachable\n");
  lines = report_lines (report);
  g_assert_nonnull (strstr (lines, "added machine g: new machine, reached directly; its ProxyCommand was left out, it may not be reachable\n"));
}

static void
test_loops (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(JgImportReport) report = NULL;
  g_autofree char *list = NULL;
  g_autofree char *warnings = NULL;
  g_autofree char *lines = NULL;
  gint64 start = g_get_monotonic_time ();

  write_ssh_file (f, "config",
    "Host a\n"
    "  ProxyJump b\n"
    "Host b\n"
    "  ProxyJump a\n"
    "Host self\n"
    "  ProxyJump self\n"
    "Host via-loop\n"
    "  ProxyCommand ssh -W %h:%p a\n"
    "Host ok\n"
    "  HostName ok.example.org\n"
    "  User me\n");
  report = import (f);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);

  list = list_inventory (f->inventory);
  g_assert_cmpstr (list, ==, "ok\town\tme@ok.example.org:22\t\n");
  lines = report_lines (report);
  g_assert_cmpstr (lines, ==,
    "skipped machine a: its jump hosts form a loop (a → b → a)\n"
    "skipped machine b: its jump hosts form a loop (b → a → b)\n"
    "skipped machine self: its jump hosts form a loop (self → self)\n"
    "skipped machine via-loop: its jump hosts form a loop (a → b → a)\n"
    "added machine ok: new machine, reached directly\n");
  warnings = warning_lines (report);
  g_assert_cmpstr (warnings, ==,
    "config:2: The jump hosts of “a” form a loop (a → b → a): it was skipped\n"
    "config:4: The jump hosts of “b” form a loop (b → a → b): it was skipped\n"
    "config:6: The jump hosts of “self” form a loop (self → self): it was skipped\n"
    "config:8: The jump hosts of “via-loop” form a loop (a → b → a): it was skipped\n");
}

/* The classic bastion config is a rule, not a list of hosts. */
static void
test_jump_rules (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(JgImportReport) report = NULL;
  g_autoptr(JgImportReport) again = NULL;
  g_autofree char *list = NULL;
  g_autofree char *lines = NULL;
  g_autofree char *key = NULL;
  JgHost *jump, *koding;
  GPtrArray *rules;
  JgJumpRule *rule;

  write_ssh_file (f, "config",
    "Host *.lab\n"
    "  User student\n"
    "  IdentityFile ~/.ssh/lab_key\n"
    "  ProxyCommand ssh %r@jump nc %h %p\n"
    "\n"
    "Host *.kd.io\n"
    "  User joe\n"
    "  ProxyCommand ssh %r@ssh.koding.com nc %h %p\n"
    "\n"
    "Host *.dev !db.dev\n"
    "  Port 2200\n"
    "  ProxyJump jump\n"
    "\n"
    "Host jump\n"
    "  HostName jump.example.edu\n"
    "  User gate\n"
    "  Port 2022\n");
  report = import (f);

  /* Jump hosts with their rules, and no machines. */
  list = list_inventory (f->inventory);
  g_assert_cmpstr (list, ==,
    "jump\tjump\tstudent@jump.example.edu:2022\t\n"
    "ssh.koding.com\tjump\tjoe@ssh.koding.com:22\t\n"
    "gate@jump\tjump\tgate@jump.example.edu:2022\t\n");

  jump = jg_inventory_find_by_name (f->inventory, "jump");
  rules = jg_jump_host_get_rules (JG_JUMP_HOST (jump));
  g_assert_cmpuint (rules->len, ==, 1);
  rule = g_ptr_array_index (rules, 0);
  g_assert_cmpstr (rule->patterns, ==, "*.lab");
  g_assert_cmpstr (rule->user, ==, "student");
  g_assert_cmpuint (rule->port, ==, 0);
  key = g_build_filename (f->ssh_dir, "lab_key", NULL);
  g_assert_cmpstr (rule->identity_file, ==, key);

  koding = jg_inventory_find_by_name (f->inventory, "ssh.koding.com");
  rules = jg_jump_host_get_rules (JG_JUMP_HOST (koding));
  g_assert_cmpuint (rules->len, ==, 1);
  rule = g_ptr_array_index (rules, 0);
  g_assert_cmpstr (rule->patterns, ==, "*.kd.io");
  g_assert_cmpstr (rule->user, ==, "joe");

  rules = jg_jump_host_get_rules (JG_JUMP_HOST (jg_inventory_find_by_name (f->inventory, "gate@jump")));
  g_assert_cmpuint (rules->len, ==, 1);
  rule = g_ptr_array_index (rules, 0);
  g_assert_cmpstr (rule->patterns, ==, "*.dev !db.dev");
  g_assert_cmpuint (rule->port, ==, 2200);
  g_assert_null (rule->user);

  lines = report_lines (report);
  g_assert_cmpstr (lines, ==,
    "added jump host jump: new jump host\n"
    "added jump host ssh.koding.com: new jump host\n"
    "added jump host gate@jump: new jump host\n"
    "added jump rule *.lab: new jump rule on “jump”\n"
    "added jump rule *.kd.io: new jump rule on “ssh.koding.com”\n"
    "added jump rule *.dev !db.dev: new jump rule on “gate@jump”\n");

  /* Again: the rules are not duplicated. */
  again = import (f);
  g_assert_cmpuint (jg_import_report_count (again, JG_IMPORT_UNCHANGED), ==, 6);
  g_assert_cmpuint (jg_jump_host_get_rules (JG_JUMP_HOST (jump))->len, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->inventory)), ==, 3);
}

static void
test_conflicts_and_odd_names (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(JgImportReport) report = NULL;
  g_autoptr(JgJumpHost) existing_jump = jg_jump_host_new ();
  g_autoptr(JgMachine) existing_machine = jg_machine_new (JG_MACHINE_KIND_OWN);
  g_autofree char *expected = NULL;
  g_autofree char *lines = NULL;
  g_autofree char *warnings = NULL;

  /* Saved before: a jump host named like a machine in the config, a
   * machine named like a jump host. */
  jg_host_set_name (JG_HOST (existing_jump), "web");
  jg_host_set_hostname (JG_HOST (existing_jump), "web-jump.example.org");
  jg_inventory_add (f->inventory, JG_HOST (existing_jump));
  jg_host_set_name (JG_HOST (existing_machine), "gw");
  jg_inventory_add (f->inventory, JG_HOST (existing_machine));

  write_ssh_file (f, "config",
    "Host web Web\n"
    "  HostName web.example.org\n"
    "Host gw\n"
    "  HostName gw.example.org\n"
    "Host behind\n"
    "  ProxyJump gw\n"
    "Host -oProxyCommand=x user@host\n"
    "Host only-in-match\n"
    "Match all\n"
    "  HostName matched.example.org\n"
    "Host two-keys\n"
    "  IdentityFile ~/.ssh/one\n"
    "  IdentityFile ~/.ssh/two\n");
  report = import (f);
  expected = g_strdup_printf (
    "config:9: Match blocks are not supported: the lines after this one up to the next Host or Match line were skipped\n"
    "config:11: “two-keys” has several IdentityFile lines: Jumpgate uses the first, %s/one\n",
    f->ssh_dir);

  lines = report_lines (report);
  g_assert_cmpstr (lines, ==,
    "skipped jump host gw: a machine with this name is already saved: rename it to import this jump host\n"
    "skipped machine web: a jump host with this name is already saved: rename it to import this machine\n"
    "skipped machine Web: same name as “web” except for case\n"
    "skipped machine behind: its jump host “gw” was skipped\n"
    "skipped machine -oProxyCommand=x: not a name ssh can be given\n"
    "skipped machine user@host: not a name ssh can be given\n"
    "added machine only-in-match: new machine, reached directly\n"
    "added machine two-keys: new machine, reached directly\n");
  warnings = warning_lines (report);
  g_assert_cmpstr (warnings, ==, expected);
  g_assert_cmpstr (jg_host_get_hostname (jg_inventory_find_by_name (f->inventory, "only-in-match")), ==,
                   "only-in-match");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->inventory)), ==, 4);
}

static void
test_report_text (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(JgImportReport) report = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *path = NULL;

  write_ssh_file (f, "config",
    "Host box\n"
    "  HostName box.example.org\n"
    "  ProxyCommand corkscrew proxy 8080 %h %p\n"
    "Host *\n"
    "  User me\n");
  report = import (f);
  path = g_build_filename (f->ssh_dir, "config", NULL);

  text = jg_import_report_format (report);
  expected = g_strdup_printf (
    "Imported %s: 1 added, 0 updated, 0 unchanged, 1 skipped\n"
    "  added      machine “box”: new machine, reached directly; its ProxyCommand was left out, it may not be reachable\n"
    "  skipped    Host pattern “*”: a pattern, not a machine: its settings apply to the machines it matches (%s:4)\n"
    "Warnings:\n"
    "  %s:3: “box” uses a ProxyCommand that is not a jump through another host (corkscrew proxy 8080 %%h %%p): it was imported without it and may not be reachable\n",
    path, path, path);
  g_assert_cmpstr (text, ==, expected);
}

static void
test_missing_config (void)
{
  g_autoptr(JgInventory) inventory = jg_inventory_new ();
  g_autoptr(JgImportReport) report = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (jg_import_ssh_config (inventory, "/nonexistent/ssh_config", &report, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "Could not open /nonexistent/ssh_config: No such file or directory");
  g_assert_null (report);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (inventory)), ==, 0);
}

/* The eight keywords Jumpgate keeps land in the machine's fields. */
static void
test_kept_settings (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(JgImportReport) report = NULL;
  g_autoptr(JgImportReport) again = NULL;
  g_autofree char *key = NULL;
  g_autofree char *known = NULL;
  JgHost *box, *plain;

  write_ssh_file (f, "config",
    "Host box\n"
    "  HostName 192.0.2.1\n"
    "  User admin\n"
    "  Port 2200\n"
    "  IdentityFile ~/.ssh/box_ed25519\n"
    "  IdentitiesOnly yes\n"
    "  ForwardAgent yes\n"
    "  ServerAliveInterval 15\n"
    "  UserKnownHostsFile ~/.ssh/known_hosts.d/%h\n"
    "Host plain\n"
    "  UserKnownHostsFile none\n"
    "  ServerAliveInterval 0\n");
  report = import (f);

  box = jg_inventory_find_by_name (f->inventory, "box");
  key = g_build_filename (f->ssh_dir, "box_ed25519", NULL);
  known = g_build_filename (f->ssh_dir, "known_hosts.d", "192.0.2.1", NULL);
  g_assert_cmpstr (jg_host_get_hostname (box), ==, "192.0.2.1");
  g_assert_cmpstr (jg_host_get_user (box), ==, "admin");
  g_assert_cmpuint (jg_host_get_port (box), ==, 2200);
  g_assert_cmpstr (jg_host_get_identity_file (box), ==, key);
  g_assert_true (jg_host_get_identities_only (box));
  g_assert_true (jg_host_get_forward_agent (box));
  g_assert_cmpuint (jg_host_get_keepalive_interval (box), ==, 15);
  g_assert_cmpstr (jg_host_get_known_hosts_file (box), ==, known);
  g_assert_cmpint (jg_host_get_auth (box), ==, JG_AUTH_AUTO);
  g_assert_null (jg_host_get_jump_id (box));

  plain = jg_inventory_find_by_name (f->inventory, "plain");
  g_assert_cmpstr (jg_host_get_hostname (plain), ==, "plain");
  g_assert_null (jg_host_get_user (plain));
  g_assert_cmpuint (jg_host_get_port (plain), ==, 0);
  g_assert_null (jg_host_get_identity_file (plain));
  g_assert_false (jg_host_get_identities_only (plain));
  g_assert_false (jg_host_get_forward_agent (plain));
  g_assert_cmpuint (jg_host_get_keepalive_interval (plain), ==, 0);
  g_assert_cmpstr (jg_host_get_known_hosts_file (plain), ==, "/dev/null");

  /* A setting changed in Jumpgate that the config does not set stays. */
  jg_host_set_key_id (plain, "a-key-in-the-keyring");
  jg_host_set_remember_password (plain, TRUE);
  again = import (f);
  g_assert_cmpuint (jg_import_report_count (again, JG_IMPORT_UNCHANGED), ==, 2);
  g_assert_cmpstr (jg_host_get_key_id (plain), ==, "a-key-in-the-keyring");
  g_assert_true (jg_host_get_remember_password (plain));
}

/* The same through the program: `jumpgate --import-ssh-config`, then
 * `jumpgate --list`, with a throwaway HOME and XDG_CONFIG_HOME. */
static char *
run_jumpgate (Fixture    *f,
              const char *argument)
{
  const char *jumpgate = g_getenv ("JUMPGATE");
  g_autofree char *config_home = g_build_filename (f->home, "xdg", NULL);
  g_auto(GStrv) envp = g_get_environ ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { jumpgate, argument, NULL };
  int status = 0;

  envp = g_environ_setenv (envp, "HOME", f->home, TRUE);
  envp = g_environ_setenv (envp, "XDG_CONFIG_HOME", config_home, TRUE);
  envp = g_environ_setenv (envp, "LC_ALL", "C.UTF-8", TRUE);
  envp = g_environ_setenv (envp, "LANGUAGE", "C", TRUE);
  envp = g_environ_unsetenv (envp, "DISPLAY");
  envp = g_environ_unsetenv (envp, "WAYLAND_DISPLAY");
  g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (err, ==, "");
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&out);
}

static void
test_command_line (Fixture       *f,
                   gconstpointer  data)
{
  const char *jumpgate = g_getenv ("JUMPGATE");
  g_autofree char *imported = NULL;
  g_autofree char *list = NULL;
  g_autofree char *again = NULL;

  if (jumpgate == NULL || !g_file_test (jumpgate, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("JUMPGATE does not name the program");
      return;
    }

  write_main_config (f);
  imported = run_jumpgate (f, "--import-ssh-config");
  g_assert_true (g_str_has_prefix (imported, "Imported "));
  g_assert_nonnull (strstr (imported, "/.ssh/config: 8 added, 0 updated, 0 unchanged, 2 skipped\n"));
  g_assert_nonnull (strstr (imported, "  added      machine “vm-0”: new virtual machine, reached through bastion → inner\n"));

  list = run_jumpgate (f, "--list");
  g_assert_cmpstr (list, ==,
    "bastion\tjump\tops@bastion.example.org:2222\t\n"
    "inner\tjump\tme@10.0.0.1:22\tbastion\n"
    "gw\tjump\tadmin@gw.example.org:22\t\n"
    "db\town\tme@db.example.org:2200\t\n"
    "vm-0\tvm\tme@vm-0.lab:22\tbastion,inner\n"
    "vm-1\tvm\tme@vm-1.lab:22\tbastion,inner\n"
    "legacy\tvm\tme@legacy.internal:22\tgw\n"
    "www\town\tnobody@www.example.org:22\t\n");

  again = run_jumpgate (f, "--import-ssh-config");
  g_assert_nonnull (strstr (again, ": 0 added, 0 updated, 8 unchanged, 2 skipped\n"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/import/main-example", Fixture, NULL, fixture_setup, test_main_example, fixture_teardown);
  g_test_add ("/import/reimport", Fixture, NULL, fixture_setup, test_reimport, fixture_teardown);
  g_test_add ("/import/proxy-jump-none-and-chains", Fixture, NULL, fixture_setup,
              test_proxy_jump_none_and_chains, fixture_teardown);
  g_test_add ("/import/proxy-command-forms", Fixture, NULL, fixture_setup, test_proxy_command_forms,
              fixture_teardown);
  g_test_add ("/import/loops", Fixture, NULL, fixture_setup, test_loops, fixture_teardown);
  g_test_add ("/import/jump-rules", Fixture, NULL, fixture_setup, test_jump_rules, fixture_teardown);
  g_test_add ("/import/conflicts-and-odd-names", Fixture, NULL, fixture_setup,
              test_conflicts_and_odd_names, fixture_teardown);
  g_test_add ("/import/kept-settings", Fixture, NULL, fixture_setup, test_kept_settings, fixture_teardown);
  g_test_add ("/import/report-text", Fixture, NULL, fixture_setup, test_report_text, fixture_teardown);
  g_test_add_func ("/import/missing-config", test_missing_config);
  g_test_add ("/import/command-line", Fixture, NULL, fixture_setup, test_command_line, fixture_teardown);

  return g_test_run ();
}
