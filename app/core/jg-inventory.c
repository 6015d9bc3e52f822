/* jg-inventory.c — the saved machines and jump hosts, as a GListModel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "jg-inventory.h"

#define MAX_CHAIN 32

struct _JgInventory
{
  GObject     parent_instance;
  GPtrArray  *items;
  GHashTable *by_id;   /* id → JgHost (not owned), the first with that id;
                        * NULL until needed again after a removal or a new id */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (JgInventory, jg_inventory, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

G_DEFINE_QUARK (jg-inventory-error-quark, jg_inventory_error)

enum {
  CHANGED,
  HOST_NOTIFY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GType
jg_inventory_get_item_type (GListModel *model)
{
  return JG_TYPE_HOST;
}

static guint
jg_inventory_get_n_items (GListModel *model)
{
  return JG_INVENTORY (model)->items->len;
}

static gpointer
jg_inventory_get_item (GListModel *model,
                       guint       position)
{
  JgInventory *self = JG_INVENTORY (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = jg_inventory_get_item_type;
  iface->get_n_items = jg_inventory_get_n_items;
  iface->get_item = jg_inventory_get_item;
}

static void
on_host_changed (JgInventory *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_host_notify (JgHost      *host,
                GParamSpec  *pspec,
                JgInventory *self)
{
  g_signal_emit (self, signals[HOST_NOTIFY], g_param_spec_get_name_quark (pspec), host, pspec);
  if (g_strcmp0 (pspec->name, "id") == 0)
    g_clear_pointer (&self->by_id, g_hash_table_unref);
  /* "destination" follows hostname, port and user: already counted. */
  if (g_strcmp0 (pspec->name, "destination") != 0)
    on_host_changed (self);
}

/* The index of ids, so that adding or looking up one host of many does not
 * compare every id (adding 10,000 machines one by one took seconds). */
static GHashTable *
ensure_index (JgInventory *self)
{
  if (self->by_id != NULL)
    return self->by_id;
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < self->items->len; i++)
    {
      JgHost *host = g_ptr_array_index (self->items, i);
      const char *id = jg_host_get_id (host);

      if (id != NULL && !g_hash_table_contains (self->by_id, id))
        g_hash_table_insert (self->by_id, (gpointer) id, host);
    }
  return self->by_id;
}

static void
watch_host (JgInventory *self,
            JgHost      *host)
{
  g_signal_connect_object (host, "notify", G_CALLBACK (on_host_notify), self, 0);
  if (JG_IS_JUMP_HOST (host))
    g_signal_connect_object (host, "rules-changed", G_CALLBACK (on_host_changed), self,
                             G_CONNECT_SWAPPED);
}

static void
unwatch_host (JgInventory *self,
              JgHost      *host)
{
  g_signal_handlers_disconnect_by_data (host, self);
}

static void
jg_inventory_dispose (GObject *object)
{
  JgInventory *self = JG_INVENTORY (object);

  for (guint i = 0; i < self->items->len; i++)
    unwatch_host (self, g_ptr_array_index (self->items, i));
  g_ptr_array_set_size (self->items, 0);
  g_clear_pointer (&self->by_id, g_hash_table_unref);

  G_OBJECT_CLASS (jg_inventory_parent_class)->dispose (object);
}

static void
jg_inventory_finalize (GObject *object)
{
  JgInventory *self = JG_INVENTORY (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (jg_inventory_parent_class)->finalize (object);
}

static void
jg_inventory_class_init (JgInventoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jg_inventory_dispose;
  object_class->finalize = jg_inventory_finalize;

  /**
   * JgInventory::changed:
   *
   * Emitted after a host was added, removed or edited: the moment to save.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * JgInventory::host-notify:
   * @host: the host that changed
   * @pspec: its property that changed
   *
   * A host's ::notify, detailed as it is: one handler here instead of one
   * per host (with 10,000 machines, connecting to each is felt at startup).
   */
  signals[HOST_NOTIFY] =
    g_signal_new ("host-notify", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED | G_SIGNAL_NO_HOOKS,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, JG_TYPE_HOST, G_TYPE_PARAM);
}

static void
jg_inventory_init (JgInventory *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

JgInventory *
jg_inventory_new (void)
{
  return g_object_new (JG_TYPE_INVENTORY, NULL);
}

void
jg_inventory_insert (JgInventory *self,
                     guint        position,
                     JgHost      *host)
{
  g_return_if_fail (JG_IS_INVENTORY (self));
  g_return_if_fail (JG_IS_HOST (host));
  g_return_if_fail (jg_inventory_find_by_id (self, jg_host_get_id (host)) == NULL);

  position = MIN (position, self->items->len);
  g_ptr_array_insert (self->items, position, g_object_ref (host));
  if (jg_host_get_id (host) != NULL)
    g_hash_table_insert (ensure_index (self), (gpointer) jg_host_get_id (host), host);
  watch_host (self, host);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
  g_signal_emit (self, signals[CHANGED], 0);
}

void
jg_inventory_add (JgInventory *self,
                  JgHost      *host)
{
  g_return_if_fail (JG_IS_INVENTORY (self));

  jg_inventory_insert (self, self->items->len, host);
}

gboolean
jg_inventory_remove (JgInventory *self,
                     JgHost      *host,
                     guint       *position)
{
  guint index;

  g_return_val_if_fail (JG_IS_INVENTORY (self), FALSE);
  g_return_val_if_fail (JG_IS_HOST (host), FALSE);

  if (!g_ptr_array_find (self->items, host, &index))
    return FALSE;

  unwatch_host (self, host);
  /* (another host may have had the same id: made again when needed) */
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_ptr_array_remove_index (self->items, index);
  g_list_model_items_changed (G_LIST_MODEL (self), index, 1, 0);
  g_signal_emit (self, signals[CHANGED], 0);
  if (position != NULL)
    *position = index;
  return TRUE;
}

void
jg_inventory_remove_all (JgInventory *self)
{
  guint n;

  g_return_if_fail (JG_IS_INVENTORY (self));

  n = self->items->len;
  if (n == 0)
    return;
  for (guint i = 0; i < n; i++)
    unwatch_host (self, g_ptr_array_index (self->items, i));
  g_ptr_array_set_size (self->items, 0);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, n, 0);
  g_signal_emit (self, signals[CHANGED], 0);
}

JgHost *
jg_inventory_find_by_id (JgInventory *self,
                         const char  *id)
{
  g_return_val_if_fail (JG_IS_INVENTORY (self), NULL);

  if (id == NULL)
    return NULL;
  return g_hash_table_lookup (ensure_index (self), id);
}

/* An exact name first, then one that differs only in case. */
JgHost *
jg_inventory_find_by_name (JgInventory *self,
                           const char  *name)
{
  JgHost *folded = NULL;

  g_return_val_if_fail (JG_IS_INVENTORY (self), NULL);

  if (name == NULL)
    return NULL;
  for (guint i = 0; i < self->items->len; i++)
    {
      JgHost *host = g_ptr_array_index (self->items, i);
      const char *host_name = jg_host_get_name (host);

      if (g_strcmp0 (host_name, name) == 0)
        return host;
      if (folded == NULL && host_name != NULL && g_ascii_strcasecmp (host_name, name) == 0)
        folded = host;
    }
  return folded;
}

JgHost *
jg_inventory_lookup (JgInventory *self,
                     const char  *name_or_id)
{
  JgHost *host;

  g_return_val_if_fail (JG_IS_INVENTORY (self), NULL);

  host = jg_inventory_find_by_id (self, name_or_id);
  return host != NULL ? host : jg_inventory_find_by_name (self, name_or_id);
}

/**
 * jg_inventory_get_chain:
 *
 * Returns: (transfer container): the jump hosts @host goes through, the
 *   first hop first; empty for a host reached directly.
 */
GPtrArray *
jg_inventory_get_chain (JgInventory  *self,
                        JgHost       *host,
                        GError      **error)
{
  g_autoptr(GPtrArray) chain = g_ptr_array_new_with_free_func (g_object_unref);
  JgHost *current = host;

  g_return_val_if_fail (JG_IS_INVENTORY (self), NULL);
  g_return_val_if_fail (JG_IS_HOST (host), NULL);

  while (jg_host_get_jump_id (current) != NULL)
    {
      const char *jump_id = jg_host_get_jump_id (current);
      JgHost *jump = jg_inventory_find_by_id (self, jump_id);

      if (jump == NULL || !JG_IS_JUMP_HOST (jump))
        {
          g_set_error (error, JG_INVENTORY_ERROR, JG_INVENTORY_ERROR_MISSING_JUMP_HOST,
                       _("“%s” goes through a jump host that is not saved (%s): choose its jump host in the machine’s settings"),
                       jg_host_get_name (current), jump_id);
          return NULL;
        }
      if (jump == host || g_ptr_array_find (chain, jump, NULL) || chain->len >= MAX_CHAIN)
        {
          g_set_error (error, JG_INVENTORY_ERROR, JG_INVENTORY_ERROR_JUMP_LOOP,
                       _("The jump hosts of “%s” form a loop at “%s”: change the jump host of one of them"),
                       jg_host_get_name (host), jg_host_get_name (jump));
          return NULL;
        }
      g_ptr_array_insert (chain, 0, g_object_ref (jump));
      current = jump;
    }

  return g_steal_pointer (&chain);
}

/* The hosts whose next hop is @jump, in inventory order. */
GPtrArray *
jg_inventory_list_behind (JgInventory *self,
                          JgJumpHost  *jump)
{
  GPtrArray *behind = g_ptr_array_new_with_free_func (g_object_unref);
  const char *jump_id = jg_host_get_id (JG_HOST (jump));

  g_return_val_if_fail (JG_IS_INVENTORY (self), behind);

  for (guint i = 0; i < self->items->len; i++)
    {
      JgHost *host = g_ptr_array_index (self->items, i);

      if (g_strcmp0 (jg_host_get_jump_id (host), jump_id) == 0)
        g_ptr_array_add (behind, g_object_ref (host));
    }
  return behind;
}

/* @base, or "@base (2)", "@base (3)" … whichever is not taken. */
char *
jg_inventory_make_unique_name (JgInventory *self,
                               const char  *base)
{
  g_return_val_if_fail (JG_IS_INVENTORY (self), NULL);
  g_return_val_if_fail (base != NULL, NULL);

  if (jg_inventory_find_by_name (self, base) == NULL)
    return g_strdup (base);
  for (guint n = 2;; n++)
    {
      g_autofree char *name = g_strdup_printf ("%s (%u)", base, n);

      if (jg_inventory_find_by_name (self, name) == NULL)
        return g_steal_pointer (&name);
    }
}
