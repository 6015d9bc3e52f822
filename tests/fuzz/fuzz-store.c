/* fuzz-store.c — libFuzzer target: machines.json loading
 *
 * Whatever the bytes, loading either fails with a message or gives an
 * inventory that saves and loads back to the same text.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "jg-store.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
quiet_log (const char     *domain,
           GLogLevelFlags  level,
           const char     *message,
           gpointer        user_data)
{
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(JgStore) store = NULL;
  g_autoptr(JgInventory) inventory = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;
  gsize saved_length = 0;

  g_log_set_default_handler (quiet_log, NULL);

  store = jg_store_new ("/nonexistent/machines.json");
  inventory = jg_inventory_new ();
  if (!jg_store_load_from_data (store, (const char *) data, size, inventory, &error))
    {
      g_assert (error != NULL && error->message != NULL && error->message[0] != '\0');
      return 0;
    }

  saved = jg_store_to_data (store, inventory, &saved_length);
  {
    g_autoptr(JgStore) again_store = jg_store_new ("/nonexistent/machines.json");
    g_autoptr(JgInventory) again = jg_inventory_new ();
    g_autofree char *resaved = NULL;

    if (!jg_store_load_from_data (again_store, saved, saved_length, again, &error))
      g_error ("a saved inventory does not load back: %s", error->message);
    resaved = jg_store_to_data (again_store, again, NULL);
    g_assert (g_strcmp0 (saved, resaved) == 0);
  }

  /* Walk every chain: a loop or a missing hop must be an error, not a hang. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (inventory)); i++)
    {
      g_autoptr(JgHost) host = g_list_model_get_item (G_LIST_MODEL (inventory), i);
      g_autoptr(GPtrArray) chain = jg_inventory_get_chain (inventory, host, NULL);
      g_autofree char *destination = jg_host_dup_destination (host);
    }

  return 0;
}
