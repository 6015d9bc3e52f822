/* jg-cli.c — the command line: options and the commands that need no window
 *
 * The options are registered on the application so that --help lists them
 * all. The commands that need no display (--list, --exec, --import-ssh-config,
 * --version) run in handle-local-options, before GTK is initialised, and end
 * the process; --connect and --new-window go on to the primary instance.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "jg-cli.h"
#include "jg-destination.h"
#include "jg-diagnose.h"
#include "jg-exec.h"
#include "jg-import.h"
#include "jg-install-script.h"
#include "jg-inventory.h"
#include "jg-keys.h"
#include "jg-store.h"

static const GOptionEntry main_entries[] = {
  { "list", 'l', 0, G_OPTION_ARG_NONE, NULL,
    N_("List the saved machines: name, kind, user@host:port, jump hosts"), NULL },
  { "connect", 'c', 0, G_OPTION_ARG_STRING, NULL,
    N_("Open a terminal on a saved machine, or on [user@]host[:port] through the jump rules"),
    N_("DESTINATION") },
  { "new-window", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Open a new window"), NULL },
  { "add-machine", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Add one of your own machines: open the Add Your Own Machine window"), NULL },
  { "exec", 'e', 0, G_OPTION_ARG_STRING, NULL,
    N_("Run a command on a machine, through its jump hosts, without a window: --exec NAME|[user@]host[:port] -- COMMAND [ARG…]"),
    N_("DESTINATION") },
  { "test", 't', 0, G_OPTION_ARG_STRING, NULL,
    N_("Test the connection to a machine, hop by hop, and say which step fails and how to fix it"),
    N_("NAME") },
  { "install-script", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Print the script that prepares a machine for Jumpgate, to run there as root or to put in "
       "cloud-init user data: --install-script ADDRESS [--port N] [--user NAME] [--key FILE.pub]. "
       "Without --key Jumpgate makes a key for the machine in the keyring and adds the machine to "
       "Your Own Machines (its host key is confirmed on the first connection); with --key the "
       "script uses that public key and nothing is saved"),
    N_("ADDRESS") },
  { "port", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("With --install-script: the port SSH listens on (default 22)"), N_("N") },
  { "user", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("With --install-script: the user to log in as, created if missing (default: your user name)"),
    N_("NAME") },
  { "key", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("With --install-script: the public key the machine accepts"), N_("FILE.pub") },
  { "import-ssh-config", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Import machines and jump hosts from an OpenSSH config file (default ~/.ssh/config)"), NULL },
  { "version", 'v', 0, G_OPTION_ARG_NONE, NULL,
    N_("Show the version and quit"), NULL },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, NULL, NULL,
    N_("[ssh://[USER@]HOST[:PORT]… | FILE | -- COMMAND…]") },
  { NULL }
};

/* Loads the saved inventory, printing a one-line error on failure. */
static JgInventory *
load_inventory (void)
{
  g_autoptr(JgStore) store = jg_store_new (NULL);
  g_autoptr(JgInventory) inventory = jg_inventory_new ();
  g_autoptr(GError) error = NULL;

  if (!jg_store_load (store, inventory, &error))
    {
      g_printerr ("jumpgate: %s\n", error->message);
      return NULL;
    }
  return g_steal_pointer (&inventory);
}

static int
run_list (void)
{
  g_autoptr(JgInventory) inventory = load_inventory ();
  guint n;

  if (inventory == NULL)
    return 1;

  n = g_list_model_get_n_items (G_LIST_MODEL (inventory));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JgHost) host = g_list_model_get_item (G_LIST_MODEL (inventory), i);
      g_autoptr(GPtrArray) chain = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GString) hops = g_string_new (NULL);
      g_autofree char *destination = jg_host_dup_destination (host);

      chain = jg_inventory_get_chain (inventory, host, &error);
      if (chain == NULL)
        g_string_append_printf (hops, "(%s)", error->message);
      for (guint j = 0; chain != NULL && j < chain->len; j++)
        {
          if (j > 0)
            g_string_append_c (hops, ',');
          g_string_append (hops, jg_host_get_name (g_ptr_array_index (chain, j)));
        }
      g_print ("%s\t%s\t%s\t%s\n", jg_host_get_name (host), jg_host_get_kind_name (host),
               destination, hops->str);
    }
  return 0;
}

static int
run_exec (const char  *destination,
          char       **command)
{
  g_autoptr(JgInventory) inventory = load_inventory ();

  if (inventory == NULL)
    return 255;
  if (command == NULL || command[0] == NULL)
    {
      g_printerr ("jumpgate: %s\n", _("--exec needs a command: jumpgate --exec NAME -- COMMAND [ARG…]"));
      return 255;
    }
  {
    g_autoptr(GError) error = NULL;
    int status = jg_exec_run (inventory, destination, command, &error);

    if (error != NULL)
      g_printerr ("jumpgate: %s\n", error->message);
    return status;
  }
}

static void
on_test_prompt (JgDiagnosis *diagnosis,
                JgPrompt    *prompt,
                gpointer     user_data)
{
  jg_exec_prompt_on_tty (prompt);
}

/* Walks every hop of NAME and prints the checklist; 0 only when every step
 * passed, 1 when one failed, 2 when there is no such machine. */
static int
run_test (const char *destination)
{
  g_autoptr(JgInventory) inventory = load_inventory ();
  g_autoptr(JgDiagnosis) diagnosis = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  JgHost *host;
  gboolean ok;

  if (inventory == NULL)
    return 2;
  host = jg_inventory_lookup (inventory, destination);
  if (host == NULL)
    {
      g_printerr (_("jumpgate: no saved machine is called “%s” (see jumpgate --list)\n"), destination);
      return 2;
    }
  diagnosis = jg_diagnosis_new (inventory, host, &error);
  if (diagnosis == NULL)
    {
      g_printerr ("jumpgate: %s\n", error->message);
      return 1;
    }
  g_signal_connect (diagnosis, "prompt", G_CALLBACK (on_test_prompt), NULL);
  ok = jg_diagnosis_run_sync (diagnosis, NULL, NULL);
  text = jg_diagnosis_format (diagnosis);
  g_print ("%s", text);
  return ok ? 0 : 1;
}

/* Imports FILE (default ~/.ssh/config) into machines.json and prints the
 * report: what was added, updated, unchanged or skipped, and the warnings. */
static int
run_import (char **files)
{
  g_autoptr(JgStore) store = jg_store_new (NULL);
  g_autoptr(JgInventory) inventory = jg_inventory_new ();
  g_autoptr(JgImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (!jg_store_load (store, inventory, &error) ||
      !jg_import_ssh_config (inventory, files != NULL ? files[0] : NULL, &report, &error))
    {
      g_printerr ("jumpgate: %s\n", error->message);
      return 1;
    }
  if (jg_import_report_count (report, JG_IMPORT_ADDED) +
      jg_import_report_count (report, JG_IMPORT_UPDATED) > 0 &&
      !jg_store_save (store, inventory, &error))
    {
      g_printerr ("jumpgate: %s\n", error->message);
      return 1;
    }
  text = jg_import_report_format (report);
  g_print ("%s", text);
  return 0;
}

typedef struct
{
  GMainLoop *loop;
  JgKey     *key;
  GError    *error;
} KeyJob;

static void
on_install_key_generated (GObject      *source,
                          GAsyncResult *result,
                          gpointer      data)
{
  KeyJob *job = data;

  job->key = jg_keys_generate_finish (JG_KEY_LIST (source), result, &job->error);
  g_main_loop_quit (job->loop);
}

/* jumpgate --install-script: the wizard's script on stdout. Without
 * --key, a new key in the keyring and the machine in machines.json. */
static int
run_install_script (const char *address,
                    const char *port_text,
                    const char *user,
                    const char *key_file)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *machine_id = g_uuid_string_random ();
  g_autofree char *token = jg_install_script_new_token ();
  g_autofree char *public_line = NULL;
  g_autofree char *script = NULL;
  g_autoptr(JgKey) key = NULL;
  JgInstallScriptParams params = { 0 };
  guint port = 22;

  if (user == NULL)
    user = g_get_user_name ();
  if (!jg_install_script_check_address (address, &error) ||
      (port_text != NULL && !jg_install_script_parse_port (port_text, &port, &error)) ||
      !jg_install_script_check_user (user, &error))
    {
      g_printerr ("jumpgate: %s\n", error->message);
      return 2;
    }

  if (key_file != NULL)
    {
      g_autofree char *contents = NULL;

      if (!g_file_get_contents (key_file, &contents, NULL, &error))
        {
          g_printerr ("jumpgate: %s\n", error->message);
          return 1;
        }
      public_line = g_strdup (g_strstrip (contents));
    }
  else
    {
      g_autoptr(JgKeyList) list = jg_key_list_new (NULL);
      g_autoptr(GMainContext) context = g_main_context_new ();
      g_autofree char *name = g_strdup_printf (_("Jumpgate key for %s"), address);
      KeyJob job = { 0 };

      if (!jg_key_list_load (list, &error))
        {
          g_printerr ("jumpgate: %s\n", error->message);
          return 1;
        }
      g_main_context_push_thread_default (context);
      job.loop = g_main_loop_new (context, FALSE);
      jg_keys_generate_async (list, JG_KEY_TYPE_ED25519, name, NULL, NULL,
                              on_install_key_generated, &job);
      g_main_loop_run (job.loop);
      g_main_loop_unref (job.loop);
      g_main_context_pop_thread_default (context);
      if (job.key == NULL)
        {
          g_printerr (_("jumpgate: no key could be kept for the machine: %s (or give a public key of your own with --key FILE.pub)\n"),
                      job.error->message);
          g_error_free (job.error);
          return 1;
        }
      key = job.key;
      public_line = jg_key_dup_public_line (key);
    }

  params.machine_id = machine_id;
  params.address = address;
  params.port = port;
  params.user = user;
  params.create_user = TRUE;
  params.public_key = public_line;
  params.token = token;
  script = jg_install_script_generate (&params, &error);
  if (script == NULL)
    {
      g_printerr ("jumpgate: %s\n", error->message);
      return 2;
    }

  if (key != NULL)
    {
      g_autoptr(JgStore) store = jg_store_new (NULL);
      g_autoptr(JgInventory) inventory = jg_inventory_new ();
      g_autoptr(JgMachine) machine = jg_machine_new (JG_MACHINE_KIND_OWN);
      g_autofree char *name = NULL;

      if (!jg_store_load (store, inventory, &error))
        {
          g_printerr ("jumpgate: %s\n", error->message);
          return 1;
        }
      name = jg_inventory_make_unique_name (inventory, address);
      jg_host_set_id (JG_HOST (machine), machine_id);
      jg_host_set_name (JG_HOST (machine), name);
      jg_host_set_hostname (JG_HOST (machine), address);
      jg_host_set_port (JG_HOST (machine), port);
      jg_host_set_user (JG_HOST (machine), user);
      jg_keys_use_key (JG_HOST (machine), key);
      jg_inventory_add (inventory, JG_HOST (machine));
      if (!jg_store_save (store, inventory, &error))
        {
          g_printerr ("jumpgate: %s\n", error->message);
          return 1;
        }
      g_printerr (_("jumpgate: added “%s” to Your Own Machines, with the new key “%s” in the keyring. "
                    "Run the script on the machine as root; the first connection asks you to confirm "
                    "its host key: compare it with the fingerprints the script prints.\n"),
                  name, jg_key_get_name (key));
    }
  g_print ("%s", script);
  return 0;
}

static int
on_handle_local_options (GApplication *app,
                         GVariantDict *options,
                         gpointer      user_data)
{
  g_autofree char *exec_destination = NULL;
  g_autofree char *test_destination = NULL;
  g_autofree char *install_address = NULL;
  g_autofree char **remaining = NULL;
  guint n_remaining;

  g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&ay", &remaining);
  n_remaining = remaining != NULL ? g_strv_length (remaining) : 0;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("jumpgate %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (g_variant_dict_contains (options, "list"))
    {
      if (n_remaining > 0)
        {
          g_printerr ("jumpgate: %s “%s”\n", _("--list takes no argument:"), remaining[0]);
          return 2;
        }
      return run_list ();
    }

  if (g_variant_dict_lookup (options, "exec", "s", &exec_destination))
    return run_exec (exec_destination, remaining);

  if (g_variant_dict_lookup (options, "test", "s", &test_destination))
    return run_test (test_destination);

  if (g_variant_dict_lookup (options, "install-script", "s", &install_address))
    {
      g_autofree char *port = NULL;
      g_autofree char *user = NULL;
      g_autofree char *key = NULL;

      g_variant_dict_lookup (options, "port", "s", &port);
      g_variant_dict_lookup (options, "user", "s", &user);
      g_variant_dict_lookup (options, "key", "^ay", &key);
      return run_install_script (install_address, port, user, key);
    }

  if (g_variant_dict_contains (options, "import-ssh-config"))
    {
      if (n_remaining > 1)
        {
          g_printerr ("jumpgate: %s\n", _("--import-ssh-config takes at most one file"));
          return 2;
        }
      return run_import (remaining);
    }

  /* ssh:// links (the launcher's Exec=jumpgate %U) go on to the primary
   * instance; one that is not an SSH address ends here. */
  for (guint i = 0; i < n_remaining; i++)
    {
      g_autoptr(JgDestination) destination = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *shown = NULL;

      if (strstr (remaining[i], "://") == NULL)
        {
          g_printerr ("jumpgate: %s “%s” (%s)\n", _("unexpected argument"), remaining[i],
                      _("see jumpgate --help"));
          return 2;
        }
      destination = jg_destination_parse (remaining[i], &error);
      if (destination == NULL)
        {
          shown = jg_destination_dup_printable (remaining[i]);
          g_printerr ("jumpgate: %s: %s\n", shown, error->message);
          return 2;
        }
    }

  return -1;
}

void
jg_cli_install (GApplication *app)
{
  g_return_if_fail (G_IS_APPLICATION (app));

  g_application_add_main_option_entries (app, main_entries);
  g_application_set_option_context_summary (app, _("Jumpgate — SSH to your machines, through their jump hosts"));
  g_signal_connect (app, "handle-local-options", G_CALLBACK (on_handle_local_options), NULL);
}
