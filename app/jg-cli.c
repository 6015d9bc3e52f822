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
#include "jg-exec.h"
#include "jg-import.h"
#include "jg-inventory.h"
#include "jg-store.h"

static const GOptionEntry main_entries[] = {
  { "list", 'l', 0, G_OPTION_ARG_NONE, NULL,
    N_("List the saved machines: name, kind, user@host:port, jump hosts"), NULL },
  { "connect", 'c', 0, G_OPTION_ARG_STRING, NULL,
    N_("Open a terminal on a saved machine"), N_("NAME") },
  { "new-window", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Open a new window"), NULL },
  { "exec", 'e', 0, G_OPTION_ARG_STRING, NULL,
    N_("Run a command on a machine, through its jump hosts, without a window: --exec NAME -- COMMAND [ARG…]"),
    N_("NAME") },
  { "import-ssh-config", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Import machines and jump hosts from an OpenSSH config file (default ~/.ssh/config)"), NULL },
  { "version", 'v', 0, G_OPTION_ARG_NONE, NULL,
    N_("Show the version and quit"), NULL },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, NULL, NULL, N_("[FILE | -- COMMAND…]") },
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

static int
on_handle_local_options (GApplication *app,
                         GVariantDict *options,
                         gpointer      user_data)
{
  g_autofree char *exec_destination = NULL;
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

  if (g_variant_dict_contains (options, "import-ssh-config"))
    {
      if (n_remaining > 1)
        {
          g_printerr ("jumpgate: %s\n", _("--import-ssh-config takes at most one file"));
          return 2;
        }
      return run_import (remaining);
    }

  if (n_remaining > 0)
    {
      g_printerr ("jumpgate: %s “%s” (%s)\n", _("unexpected argument"), remaining[0],
                  _("see jumpgate --help"));
      return 2;
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
