/* fuzz-ssh-config.c — libFuzzer target: the OpenSSH config parser and the import
 *
 * Whatever the bytes: parsing never fails or hangs, every alias resolves,
 * importing gives an inventory whose every chain is complete, and importing
 * the same bytes again adds and changes nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "jg-import.h"
#include "jg-ssh-config.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
quiet_log (const char     *domain,
           GLogLevelFlags  level,
           const char     *message,
           gpointer        user_data)
{
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  /* A critical (a g_return_if_fail) is a bug: make it a crash. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  g_log_set_default_handler (quiet_log, NULL);
  return 0;
}

static JgImportReport *
import_once (JgInventory  *inventory,
             const guint8 *data,
             size_t        size)
{
  g_autoptr(JgSshConfig) config = jg_ssh_config_new ("/nonexistent-home", JG_SSH_CONFIG_NO_INCLUDE);
  g_autoptr(GError) error = NULL;
  JgImportReport *report = NULL;

  if (!jg_ssh_config_parse_data (config, (const char *) data, size, "fuzz", &error))
    g_error ("parse_data failed: %s", error->message);
  if (!jg_import_from_config (inventory, config, "fuzz", &report, &error))
    g_error ("import failed: %s", error->message);
  return report;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(JgInventory) inventory = jg_inventory_new ();
  g_autoptr(JgImportReport) first = NULL;
  g_autoptr(JgImportReport) second = NULL;
  g_autofree char *text = NULL;
  guint n_items;

  /* The parser alone, resolving every alias and a name nothing names. */
  {
    g_autoptr(JgSshConfig) config = jg_ssh_config_new ("/nonexistent-home", JG_SSH_CONFIG_NO_INCLUDE);
    g_auto(GStrv) aliases = NULL;

    jg_ssh_config_parse_data (config, (const char *) data, size, "fuzz", NULL);
    aliases = jg_ssh_config_list_aliases (config);
    for (guint i = 0; aliases[i] != NULL && i < 64; i++)
      jg_ssh_options_free (jg_ssh_config_resolve (config, aliases[i], NULL));
    jg_ssh_options_free (jg_ssh_config_resolve (config, "unnamed.example.org", NULL));
  }

  first = import_once (inventory, data, size);
  text = jg_import_report_format (first);
  if (!g_utf8_validate (text, -1, NULL))
    g_error ("the report is not UTF-8");

  n_items = g_list_model_get_n_items (G_LIST_MODEL (inventory));
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(JgHost) host = g_list_model_get_item (G_LIST_MODEL (inventory), i);
      g_autoptr(GPtrArray) chain = NULL;
      g_autoptr(GError) error = NULL;

      chain = jg_inventory_get_chain (inventory, host, &error);
      if (chain == NULL)
        g_error ("imported “%s” has a broken chain: %s", jg_host_get_name (host), error->message);
      if (JG_IS_MACHINE (host) &&
          (jg_machine_get_kind (JG_MACHINE (host)) == JG_MACHINE_KIND_VIRTUAL) != (chain->len > 0))
        g_error ("“%s” has the wrong kind for its chain", jg_host_get_name (host));
    }

  second = import_once (inventory, data, size);
  if (jg_import_report_count (second, JG_IMPORT_ADDED) != 0 ||
      jg_import_report_count (second, JG_IMPORT_UPDATED) != 0 ||
      g_list_model_get_n_items (G_LIST_MODEL (inventory)) != n_items)
    {
      g_autofree char *again = jg_import_report_format (second);

      g_error ("importing twice changed the inventory:\n%s\n%s", text, again);
    }
  return 0;
}
