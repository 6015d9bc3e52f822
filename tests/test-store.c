/* test-store.c — machines.json: round trips, bad files, crash safety
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jg-store.h"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("jg-store-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "jumpgate", "machines.json", NULL);
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
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static JgInventory *
make_inventory (guint n_machines)
{
  JgInventory *inventory = jg_inventory_new ();
  g_autoptr(JgJumpHost) bastion = jg_jump_host_new ();
  g_autoptr(JgJumpHost) inner = jg_jump_host_new ();
  g_autoptr(JgMachine) own = jg_machine_new (JG_MACHINE_KIND_OWN);
  JgJumpRule *rule = jg_jump_rule_new ("*.lab !db.lab");

  jg_host_set_name (JG_HOST (bastion), "bastion");
  jg_host_set_hostname (JG_HOST (bastion), "bastion.example.org");
  jg_host_set_user (JG_HOST (bastion), "ops");
  jg_host_set_port (JG_HOST (bastion), 2222);
  rule->user = g_strdup ("dev");
  rule->port = 22;
  jg_jump_host_add_rule (bastion, rule);
  /* ssh_config's `ProxyCommand ssh %r@bastion nc %h %p` */
  rule = jg_jump_rule_new ("*.kd.io");
  rule->jump_user_from_target = TRUE;
  jg_jump_host_add_rule (bastion, rule);
  jg_inventory_add (inventory, JG_HOST (bastion));

  jg_host_set_name (JG_HOST (inner), "inner");
  jg_host_set_hostname (JG_HOST (inner), "10.0.0.1");
  jg_host_set_jump_id (JG_HOST (inner), jg_host_get_id (JG_HOST (bastion)));
  jg_inventory_add (inventory, JG_HOST (inner));

  for (guint i = 0; i < n_machines; i++)
    {
      g_autoptr(JgMachine) vm = jg_machine_new (JG_MACHINE_KIND_VIRTUAL);
      g_autofree char *name = g_strdup_printf ("vm-%u", i);
      g_autofree char *hostname = g_strdup_printf ("vm-%u.lab", i);

      jg_host_set_name (JG_HOST (vm), name);
      jg_host_set_hostname (JG_HOST (vm), hostname);
      jg_host_set_jump_id (JG_HOST (vm), jg_host_get_id (JG_HOST (inner)));
      jg_host_set_auth (JG_HOST (vm), JG_AUTH_KEY_FILE);
      jg_host_set_identity_file (JG_HOST (vm), "~/.ssh/id_ed25519");
      jg_host_set_forward_agent (JG_HOST (vm), i % 2 == 0);
      jg_host_set_keepalive_interval (JG_HOST (vm), 15);
      jg_inventory_add (inventory, JG_HOST (vm));
    }

  jg_host_set_name (JG_HOST (own), "Ünïcode “own” box");
  jg_host_set_hostname (JG_HOST (own), "2001:db8::1");
  jg_inventory_add (inventory, JG_HOST (own));

  return inventory;
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static void
write_file (const char *path,
            const char *contents)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (path);

  g_mkdir_with_parents (dir, 0700);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(JgInventory) inventory = make_inventory (3);
  g_autoptr(JgInventory) loaded = jg_inventory_new ();
  g_autoptr(JgStore) store = jg_store_new (f->path);
  g_autoptr(JgStore) store2 = jg_store_new (f->path);
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autoptr(GPtrArray) chain = NULL;
  JgHost *vm;
  JgHost *own;
  GPtrArray *rules;
  struct stat st;

  g_assert_true (jg_store_save (store, inventory, &error));
  g_assert_no_error (error);

  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  g_assert_true (jg_store_load (store2, loaded, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (loaded)), ==, 6);

  vm = jg_inventory_lookup (loaded, "vm-0");
  g_assert_nonnull (vm);
  g_assert_true (JG_IS_MACHINE (vm));
  g_assert_cmpint (jg_machine_get_kind (JG_MACHINE (vm)), ==, JG_MACHINE_KIND_VIRTUAL);
  g_assert_cmpstr (jg_host_get_hostname (vm), ==, "vm-0.lab");
  g_assert_cmpint (jg_host_get_auth (vm), ==, JG_AUTH_KEY_FILE);
  g_assert_cmpstr (jg_host_get_identity_file (vm), ==, "~/.ssh/id_ed25519");
  g_assert_true (jg_host_get_forward_agent (vm));
  g_assert_cmpuint (jg_host_get_keepalive_interval (vm), ==, 15);
  g_assert_cmpstr (jg_host_get_id (vm), ==,
                   jg_host_get_id (jg_inventory_lookup (inventory, "vm-0")));

  chain = jg_inventory_get_chain (loaded, vm, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (chain->len, ==, 2);
  g_assert_cmpstr (jg_host_get_name (g_ptr_array_index (chain, 0)), ==, "bastion");
  g_assert_cmpstr (jg_host_get_name (g_ptr_array_index (chain, 1)), ==, "inner");
  g_assert_cmpuint (jg_host_get_port (g_ptr_array_index (chain, 0)), ==, 2222);

  rules = jg_jump_host_get_rules (JG_JUMP_HOST (g_ptr_array_index (chain, 0)));
  g_assert_cmpuint (rules->len, ==, 2);
  g_assert_cmpstr (((JgJumpRule *) rules->pdata[0])->patterns, ==, "*.lab !db.lab");
  g_assert_cmpstr (((JgJumpRule *) rules->pdata[0])->user, ==, "dev");
  g_assert_false (((JgJumpRule *) rules->pdata[0])->jump_user_from_target);
  g_assert_cmpstr (((JgJumpRule *) rules->pdata[1])->patterns, ==, "*.kd.io");
  g_assert_null (((JgJumpRule *) rules->pdata[1])->user);
  g_assert_true (((JgJumpRule *) rules->pdata[1])->jump_user_from_target);

  own = jg_inventory_lookup (loaded, "Ünïcode “own” box");
  g_assert_nonnull (own);
  g_assert_cmpint (jg_machine_get_kind (JG_MACHINE (own)), ==, JG_MACHINE_KIND_OWN);
  {
    g_autofree char *destination = jg_host_dup_destination (own);
    g_autofree char *expected = g_strdup_printf ("%s@[2001:db8::1]:22", g_get_user_name ());

    g_assert_cmpstr (destination, ==, expected);
  }

  /* Saving what was loaded gives the same bytes. */
  first = read_file (f->path);
  g_assert_true (jg_store_save (store2, loaded, &error));
  second = read_file (f->path);
  g_assert_cmpstr (first, ==, second);
}

static void
test_unknown_fields (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(JgInventory) inventory = jg_inventory_new ();
  g_autoptr(JgStore) store = jg_store_new (f->path);
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonObject *machine;

  write_file (f->path,
              "{ \"version\": 1, \"future_setting\": {\"a\": [1, 2, 3]},\n"
              "  \"machines\": [ { \"id\": \"4b0f5f8e-0000-4000-8000-000000000001\", \"name\": \"m\","
              " \"host\": \"m.example\", \"kind\": \"own\", \"colour\": \"teal\", \"tags\": [\"x\"] } ] }\n");

  g_assert_true (jg_store_load (store, inventory, &error));
  g_assert_no_error (error);
  jg_host_set_user (jg_inventory_lookup (inventory, "m"), "alice");
  g_assert_true (jg_store_save (store, inventory, &error));
  g_assert_no_error (error);

  saved = read_file (f->path);
  root = json_from_string (saved, &error);
  g_assert_no_error (error);
  object = json_node_get_object (root);
  g_assert_true (json_object_has_member (object, "future_setting"));
  g_assert_cmpint (json_object_get_int_member (object, "version"), ==, 1);
  machine = json_array_get_object_element (json_object_get_array_member (object, "machines"), 0);
  g_assert_cmpstr (json_object_get_string_member (machine, "colour"), ==, "teal");
  g_assert_cmpstr (json_object_get_string_member (machine, "user"), ==, "alice");
  g_assert_cmpstr (json_object_get_string_member (machine, "id"), ==,
                   "4b0f5f8e-0000-4000-8000-000000000001");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (machine, "tags")), ==, 1);
}

static void
test_missing_file (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(JgInventory) inventory = make_inventory (1);
  g_autoptr(JgStore) store = jg_store_new (f->path);
  g_autoptr(GError) error = NULL;

  g_assert_true (jg_store_load (store, inventory, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (inventory)), ==, 0);
  g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));
}

static void
assert_refused (Fixture    *f,
                const char *contents,
                const char *expected_words)
{
  g_autoptr(JgInventory) inventory = make_inventory (2);
  g_autoptr(JgStore) store = jg_store_new (f->path);
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;
  g_autofree char *aside = NULL;

  write_file (f->path, contents);

  g_assert_false (jg_store_load (store, inventory, &error));
  g_assert_nonnull (error);
  g_test_message ("message: %s", error->message);
  g_assert_nonnull (strstr (error->message, f->path));
  g_assert_nonnull (strstr (error->message, expected_words));
  g_assert_true (jg_store_is_blocked (store));
  g_clear_error (&error);

  /* The inventory it had is kept, and nothing overwrites the file. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (inventory)), ==, 5);
  g_assert_false (jg_store_save (store, inventory, &error));
  g_assert_error (error, JG_STORE_ERROR, JG_STORE_ERROR_BLOCKED);
  g_clear_error (&error);
  after = read_file (f->path);
  g_assert_cmpstr (after, ==, contents);

  /* Moved aside on request, under the name it gives, byte for byte. */
  aside = jg_store_move_aside (store, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (aside, f->path));
  g_free (after);
  after = read_file (aside);
  g_assert_cmpstr (after, ==, contents);
  g_assert_true (jg_store_save (store, inventory, &error));
  g_assert_no_error (error);
}

static void
test_truncated (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(JgInventory) inventory = make_inventory (4);
  g_autoptr(JgStore) store = jg_store_new (f->path);
  g_autoptr(GError) error = NULL;
  g_autofree char *whole = NULL;
  g_autofree char *truncated = NULL;

  g_assert_true (jg_store_save (store, inventory, &error));
  whole = read_file (f->path);
  truncated = g_strndup (whole, strlen (whole) * 2 / 3);
  assert_refused (f, truncated, "line ");
}

static void
test_bad_shapes (Fixture       *f,
                 gconstpointer  data)
{
  assert_refused (f, "", "empty");
  assert_refused (f, " \n", "empty");
  assert_refused (f, "[1, 2]", "not a Jumpgate inventory");
  assert_refused (f, "{\"machines\": []}", "version");
  assert_refused (f, "{\"version\": 99, \"machines\": []}", "newer version");
  assert_refused (f, "{\"version\": 1, \"machines\": {}}", "not a list");
  assert_refused (f, "{\"version\": 1, \"machines\": [{\"name\": \"x\"}]}", "no “name” or no “host”");
  assert_refused (f, "{\"version\": 1, \"machines\": [7]}", "not an object");
  assert_refused (f,
                  "{\"version\": 1, \"machines\": [{\"id\":\"a\",\"name\":\"x\",\"host\":\"h\"},"
                  "{\"id\":\"a\",\"name\":\"y\",\"host\":\"h\"}]}",
                  "repeats the id");
}

static void
test_chain_errors (void)
{
  g_autoptr(JgInventory) inventory = jg_inventory_new ();
  g_autoptr(JgJumpHost) a = jg_jump_host_new ();
  g_autoptr(JgJumpHost) b = jg_jump_host_new ();
  g_autoptr(JgMachine) vm = jg_machine_new (JG_MACHINE_KIND_VIRTUAL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) chain = NULL;

  jg_host_set_name (JG_HOST (a), "a");
  jg_host_set_name (JG_HOST (b), "b");
  jg_host_set_name (JG_HOST (vm), "vm");
  jg_host_set_jump_id (JG_HOST (a), jg_host_get_id (JG_HOST (b)));
  jg_host_set_jump_id (JG_HOST (b), jg_host_get_id (JG_HOST (a)));
  jg_host_set_jump_id (JG_HOST (vm), jg_host_get_id (JG_HOST (a)));
  jg_inventory_add (inventory, JG_HOST (a));
  jg_inventory_add (inventory, JG_HOST (b));
  jg_inventory_add (inventory, JG_HOST (vm));

  chain = jg_inventory_get_chain (inventory, JG_HOST (vm), &error);
  g_assert_null (chain);
  g_assert_error (error, JG_INVENTORY_ERROR, JG_INVENTORY_ERROR_JUMP_LOOP);
  g_clear_error (&error);

  jg_host_set_jump_id (JG_HOST (vm), "no-such-id");
  chain = jg_inventory_get_chain (inventory, JG_HOST (vm), &error);
  g_assert_null (chain);
  g_assert_error (error, JG_INVENTORY_ERROR, JG_INVENTORY_ERROR_MISSING_JUMP_HOST);
}

static void
test_inventory_signals (void)
{
  g_autoptr(JgInventory) inventory = make_inventory (2);
  g_autoptr(JgHost) vm = NULL;
  guint changed = 0;
  guint position = 0;

  g_signal_connect_swapped (inventory, "changed", G_CALLBACK (g_nullify_pointer), NULL);
  g_signal_handlers_disconnect_matched (inventory, G_SIGNAL_MATCH_FUNC, 0, 0, NULL,
                                        g_nullify_pointer, NULL);
  g_signal_connect_swapped (inventory, "changed", G_CALLBACK (g_atomic_int_inc), &changed);

  vm = g_object_ref (jg_inventory_lookup (inventory, "VM-1"));
  g_assert_nonnull (vm);
  jg_host_set_user (vm, "bob");
  g_assert_cmpuint (changed, ==, 1);
  jg_host_set_user (vm, "bob");
  g_assert_cmpuint (changed, ==, 1);

  g_assert_true (jg_inventory_remove (inventory, vm, &position));
  g_assert_cmpuint (changed, ==, 2);
  g_assert_null (jg_inventory_lookup (inventory, "vm-1"));
  jg_host_set_user (vm, "carol");
  g_assert_cmpuint (changed, ==, 2);

  jg_inventory_insert (inventory, position, vm);
  g_assert_cmpuint (changed, ==, 3);
  g_assert_true (jg_inventory_lookup (inventory, "vm-1") == vm);

  /* found by its id, also after the id changed */
  {
    g_autofree char *old_id = g_strdup (jg_host_get_id (vm));

    g_assert_true (jg_inventory_find_by_id (inventory, old_id) == vm);
    jg_host_set_id (vm, "0b7c1f9e-renamed");
    g_assert_null (jg_inventory_find_by_id (inventory, old_id));
    g_assert_true (jg_inventory_find_by_id (inventory, "0b7c1f9e-renamed") == vm);
    g_assert_true (jg_inventory_lookup (inventory, "0b7c1f9e-renamed") == vm);
  }

  {
    g_autofree char *unique = jg_inventory_make_unique_name (inventory, "vm-1");

    g_assert_cmpstr (unique, ==, "vm-1 (2)");
  }
}

static void
save_forever (const char *path)
{
  g_autoptr(JgInventory) small = make_inventory (1);
  g_autoptr(JgInventory) large = make_inventory (400);
  g_autoptr(JgStore) store = jg_store_new (path);

  for (guint i = 0;; i++)
    {
      if (!jg_store_save (store, i % 2 == 0 ? large : small, NULL))
        _exit (3);
    }
}

static void
test_killed_writer (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(JgInventory) small = make_inventory (1);
  g_autoptr(JgInventory) large = make_inventory (400);
  g_autoptr(JgStore) store = jg_store_new (f->path);
  g_autoptr(GError) error = NULL;
  guint rounds = g_test_slow () ? 500 : 120;
  guint seen_small = 0, seen_large = 0;

  g_assert_true (jg_store_save (store, small, &error));

  for (guint i = 0; i < rounds; i++)
    {
      g_autoptr(JgInventory) loaded = jg_inventory_new ();
      g_autoptr(JgStore) reader = jg_store_new (f->path);
      int status = 0;
      pid_t pid = fork ();
      guint n;

      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        save_forever (f->path);

      g_usleep (g_random_int_range (1000, 30000));
      kill (pid, SIGKILL);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFSIGNALED (status));

      g_assert_true (jg_store_load (reader, loaded, &error));
      g_assert_no_error (error);
      n = g_list_model_get_n_items (G_LIST_MODEL (loaded));
      g_assert_true (n == 4 || n == 403);
      if (n == 4)
        seen_small++;
      else
        seen_large++;
    }

  g_test_message ("%u kills: %u small, %u large files found whole", rounds, seen_small, seen_large);
  g_assert_cmpuint (seen_small + seen_large, ==, rounds);
}

static char *
run_jumpgate (const char  *config_home,
              int         *status,
              char       **err,
              ...)
{
  const char *program = g_getenv ("JUMPGATE");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) envp = g_get_environ ();
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  va_list args;
  const char *arg;

  g_ptr_array_add (argv, (gpointer) program);
  va_start (args, err);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  envp = g_environ_setenv (envp, "XDG_CONFIG_HOME", config_home, TRUE);
  envp = g_environ_unsetenv (envp, "DISPLAY");
  envp = g_environ_unsetenv (envp, "WAYLAND_DISPLAY");
  envp = g_environ_setenv (envp, "LANGUAGE", "C", TRUE);
  envp = g_environ_setenv (envp, "LC_ALL", "C.UTF-8", TRUE);
  g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL, &out, err, status,
                &error);
  g_assert_no_error (error);
  return out;
}

static void
test_cli_list (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(JgInventory) inventory = make_inventory (2);
  g_autoptr(JgStore) store = jg_store_new (f->path);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *user = jg_host_dup_effective_user (jg_inventory_lookup (inventory, "vm-0"));
  int status = 0;

  if (g_getenv ("JUMPGATE") == NULL)
    {
      g_test_skip ("JUMPGATE is not set");
      return;
    }

  g_assert_true (jg_store_save (store, inventory, &error));
  out = run_jumpgate (f->dir, &status, &err, "--list", NULL);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  expected = g_strdup_printf ("bastion\tjump\tops@bastion.example.org:2222\t\n"
                              "inner\tjump\t%s@10.0.0.1:22\tbastion\n"
                              "vm-0\tvm\t%s@vm-0.lab:22\tbastion,inner\n"
                              "vm-1\tvm\t%s@vm-1.lab:22\tbastion,inner\n"
                              "Ünïcode “own” box\town\t%s@[2001:db8::1]:22\t\n",
                              user, user, user, user);
  g_assert_cmpstr (out, ==, expected);
}

static void
test_cli_truncated (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(JgInventory) inventory = make_inventory (2);
  g_autoptr(JgStore) store = jg_store_new (f->path);
  g_autoptr(GError) error = NULL;
  g_autofree char *whole = NULL;
  g_autofree char *truncated = NULL;
  g_autofree char *after = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  if (g_getenv ("JUMPGATE") == NULL)
    {
      g_test_skip ("JUMPGATE is not set");
      return;
    }

  g_assert_true (jg_store_save (store, inventory, &error));
  whole = read_file (f->path);
  truncated = g_strndup (whole, strlen (whole) - 40);
  write_file (f->path, truncated);

  out = run_jumpgate (f->dir, &status, &err, "--list", NULL);
  g_assert_false (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpstr (out, ==, "");
  g_test_message ("stderr: %s", err);
  g_assert_nonnull (strstr (err, f->path));
  g_assert_nonnull (strstr (err, "line "));
  g_assert_nonnull (strstr (err, "left as it is"));
  /* One line. */
  g_assert_true (g_str_has_suffix (err, "\n"));
  g_assert_null (strchr (err, '\n')[1] != '\0' ? err : NULL);

  after = read_file (f->path);
  g_assert_cmpstr (after, ==, truncated);

  g_free (out);
  g_free (err);
  out = run_jumpgate (f->dir, &status, &err, "--no-such-option", NULL);
  g_assert_false (g_spawn_check_wait_status (status, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store/round-trip", Fixture, NULL, fixture_setup, test_round_trip, fixture_teardown);
  g_test_add ("/store/unknown-fields", Fixture, NULL, fixture_setup, test_unknown_fields,
              fixture_teardown);
  g_test_add ("/store/missing-file", Fixture, NULL, fixture_setup, test_missing_file,
              fixture_teardown);
  g_test_add ("/store/truncated", Fixture, NULL, fixture_setup, test_truncated, fixture_teardown);
  g_test_add ("/store/bad-shapes", Fixture, NULL, fixture_setup, test_bad_shapes, fixture_teardown);
  g_test_add_func ("/store/chain-errors", test_chain_errors);
  g_test_add_func ("/store/inventory-signals", test_inventory_signals);
  g_test_add ("/store/killed-writer", Fixture, NULL, fixture_setup, test_killed_writer,
              fixture_teardown);
  g_test_add ("/store/cli-list", Fixture, NULL, fixture_setup, test_cli_list, fixture_teardown);
  g_test_add ("/store/cli-truncated", Fixture, NULL, fixture_setup, test_cli_truncated,
              fixture_teardown);

  return g_test_run ();
}
