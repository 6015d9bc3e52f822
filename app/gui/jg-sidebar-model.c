/* jg-sidebar-model.c — the inventory as the sidebar's grouped, filtered tree
 *
 * The top level holds two sections, "Virtual Machines" and "Your Own
 * Machines". Virtual machines (and jump hosts) sit under the jump host they
 * go through; a jump host with machines behind it is an expandable row.
 *
 * The model is the flat list of rows the sidebar shows, as JgSidebarItems
 * that keep their positions: when the filter or the inventory changes, the
 * items are given the nodes they show now (and bound rows update their
 * labels), and only a longer or shorter list adds or removes items at the
 * end. A list of nodes (a GtkTreeListModel over filter models) makes
 * GTK 4.8 destroy and build up to 200 row widgets on a filter keystroke,
 * 100–250 ms with 10,000 machines. When the list gets shorter, up to 200
 * items stay at the end with no node, shown as nothing, so that typing and
 * deleting a letter reuses the same rows. A filter keystroke recomputes one
 * flag per node; collapsed groups stay collapsed while the filter changes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "jg-sidebar-item-private.h"
#include "jg-sidebar-model.h"
#include "jg-sidebar-node-private.h"

struct _JgSidebarModel
{
  GObject             parent_instance;

  JgInventory        *inventory;
  GHashTable         *nodes;        /* JgHost* → JgSidebarNode* (owned) */
  JgSidebarNode      *vm_section;
  JgSidebarNode      *own_section;
  GPtrArray          *items;        /* JgSidebarItem: the rows, then unused ones */
  GPtrArray          *spare;        /* JgSidebarItem taken off the end, to reuse */
  guint               n_rows;       /* items in use */
  GArray             *flat;         /* Row: what update_rows () computes */
  char               *filter_text;
  char              **needles;      /* casefolded words of filter_text, NULL if none */
  guint               rebuild_source;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (JgSidebarModel, jg_sidebar_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

/* Items without a node kept at the end of a shorter list: as many rows as
 * a GTK 4.8 list view keeps alive. */
#define MAX_UNUSED_ITEMS 200

typedef struct
{
  JgSidebarNode *node;
  guint          depth;
} Row;

enum {
  ROWS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_INVENTORY,
  PROP_FILTER_TEXT,
  PROP_HAS_MATCHES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
jg_sidebar_model_get_item_type (GListModel *model)
{
  return JG_TYPE_SIDEBAR_ITEM;
}

static guint
jg_sidebar_model_get_n_items (GListModel *model)
{
  return JG_SIDEBAR_MODEL (model)->items->len;
}

static gpointer
jg_sidebar_model_get_item (GListModel *model,
                           guint       position)
{
  JgSidebarModel *self = JG_SIDEBAR_MODEL (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = jg_sidebar_model_get_item_type;
  iface->get_n_items = jg_sidebar_model_get_n_items;
  iface->get_item = jg_sidebar_model_get_item;
}

static void
node_update_keys (JgSidebarNode *node)
{
  const char *name = jg_host_get_name (node->host);
  const char *hostname = jg_host_get_hostname (node->host);
  g_autofree char *joined = g_strdup_printf ("%s\n%s", name ? name : "", hostname ? hostname : "");

  g_free (node->haystack);
  node->haystack = g_utf8_casefold (joined, -1);
  g_free (node->collate_key);
  node->collate_key = g_utf8_collate_key (name ? name : "", -1);
}

static int
compare_nodes (gconstpointer a,
               gconstpointer b)
{
  JgSidebarNode *na = *(JgSidebarNode **) a;
  JgSidebarNode *nb = *(JgSidebarNode **) b;
  gboolean ja = JG_IS_JUMP_HOST (na->host);
  gboolean jb = JG_IS_JUMP_HOST (nb->host);
  int cmp;

  if (ja != jb)
    return ja ? -1 : 1;
  cmp = strcmp (na->collate_key, nb->collate_key);
  if (cmp != 0)
    return cmp;
  return strcmp (jg_host_get_id (na->host), jg_host_get_id (nb->host));
}

static gboolean
node_matches (JgSidebarModel *self,
              JgSidebarNode  *node)
{
  if (node->host == NULL && node->rule == NULL)
    return FALSE;
  /* every word, in the name or the address ("web prod" finds "prod-web-2") */
  for (guint i = 0; self->needles != NULL && self->needles[i] != NULL; i++)
    if (strstr (node->haystack, self->needles[i]) == NULL)
      return FALSE;
  return TRUE;
}

/* Sets ->visible on @node and below; returns whether any flag changed. */
static gboolean
compute_visible (JgSidebarModel *self,
                 JgSidebarNode  *node)
{
  gboolean changed = FALSE;
  gboolean visible = node_matches (self, node);

  if (node->kids != NULL)
    for (guint i = 0; i < node->kids->len; i++)
      {
        JgSidebarNode *kid = g_ptr_array_index (node->kids, i);

        changed |= compute_visible (self, kid);
        visible |= kid->visible;
      }
  if (node->visible != visible)
    {
      node->visible = visible;
      changed = TRUE;
    }
  return changed;
}

static gboolean
update_visibility (JgSidebarModel *self)
{
  gboolean changed = FALSE;

  changed |= compute_visible (self, self->vm_section);
  changed |= compute_visible (self, self->own_section);
  return changed;
}

static gboolean
node_expandable (JgSidebarNode *node)
{
  return node->kind == JG_SIDEBAR_NODE_SECTION || (node->kids != NULL && node->kids->len > 0);
}

static void
flatten (JgSidebarModel *self,
         JgSidebarNode  *node,
         guint           depth)
{
  Row row = { node, depth };

  if (!node->visible)
    return;
  node->position = self->flat->len;
  g_array_append_val (self->flat, row);
  if (node->kids != NULL && !node->collapsed)
    for (guint i = 0; i < node->kids->len; i++)
      flatten (self, g_ptr_array_index (node->kids, i), depth + 1);
}

/* Only the nodes shown have a position: those of the last update. */
static void
clear_positions (JgSidebarModel *self)
{
  for (guint i = 0; i < self->flat->len; i++)
    g_array_index (self->flat, Row, i).node->position = GTK_INVALID_LIST_POSITION;
}

/* Gives the items the rows to show now; adds or removes items only at the
 * end (keeping up to MAX_UNUSED_ITEMS unused ones). */
static void
update_rows (JgSidebarModel *self)
{
  guint n_items = self->items->len;
  guint n_keep;
  gboolean changed = FALSE;

  clear_positions (self);
  g_array_set_size (self->flat, 0);
  flatten (self, self->vm_section, 0);
  flatten (self, self->own_section, 0);

  for (guint i = 0; i < MIN (n_items, self->flat->len); i++)
    {
      Row *row = &g_array_index (self->flat, Row, i);

      changed |= jg_sidebar_item_set (g_ptr_array_index (self->items, i), row->node, row->depth,
                                      node_expandable (row->node), !row->node->collapsed);
    }
  /* (items past what is kept are cleared below, when they are put aside) */
  for (guint i = self->flat->len; i < MIN (MIN (n_items, self->n_rows), MAX_UNUSED_ITEMS); i++)
    changed |= jg_sidebar_item_set (g_ptr_array_index (self->items, i), NULL, 0, FALSE, FALSE);
  changed |= self->n_rows != self->flat->len;
  self->n_rows = self->flat->len;

  if (self->flat->len > n_items)
    {
      for (guint i = n_items; i < self->flat->len; i++)
        {
          Row *row = &g_array_index (self->flat, Row, i);
          JgSidebarItem *item = self->spare->len > 0
                                ? g_ptr_array_steal_index_fast (self->spare, self->spare->len - 1)
                                : jg_sidebar_item_new (self);

          jg_sidebar_item_set (item, row->node, row->depth, node_expandable (row->node),
                               !row->node->collapsed);
          g_ptr_array_add (self->items, item);
        }
      g_list_model_items_changed (G_LIST_MODEL (self), n_items, 0, self->flat->len - n_items);
    }
  else
    {
      n_keep = MAX (self->flat->len, MIN (n_items, MAX_UNUSED_ITEMS));
      if (n_keep < n_items)
        {
          /* kept for the next time the list gets longer: making 10,000 items
           * again would cost a few milliseconds */
          for (guint i = n_keep; i < n_items; i++)
            {
              JgSidebarItem *item = g_ptr_array_index (self->items, i);

              jg_sidebar_item_set (item, NULL, 0, FALSE, FALSE);
              g_ptr_array_add (self->spare, g_object_ref (item));
            }
          g_ptr_array_set_size (self->items, n_keep);
          g_list_model_items_changed (G_LIST_MODEL (self), n_keep, n_items - n_keep, 0);
        }
    }
  if (changed)
    g_signal_emit (self, signals[ROWS_CHANGED], 0);
}

/* @by_id: id → JgHost of the inventory; @chain_ok: JgJumpHost → whether the
 * machines behind it have a chain (the same for all of them), filled in as
 * it goes: with 10,000 machines a lookup per machine by id is too slow. */
static JgSidebarNode *
find_parent (JgSidebarModel *self,
             JgHost         *host,
             GHashTable     *by_id,
             GHashTable     *chain_ok)
{
  JgHost *jump;
  gpointer known;
  gboolean ok;

  if (JG_IS_MACHINE (host) && jg_machine_get_kind (JG_MACHINE (host)) == JG_MACHINE_KIND_OWN)
    return self->own_section;
  if (jg_host_get_jump_id (host) == NULL)
    return self->vm_section;
  jump = g_hash_table_lookup (by_id, jg_host_get_jump_id (host));
  if (jump == NULL || !JG_IS_JUMP_HOST (jump))
    return self->vm_section;
  /* A loop of jump hosts would make an endless tree: list them at the top.
   * A jump host can be part of a loop itself, so it is checked on its own. */
  if (JG_IS_JUMP_HOST (host) || !g_hash_table_lookup_extended (chain_ok, jump, NULL, &known))
    {
      g_autoptr(GPtrArray) chain = jg_inventory_get_chain (self->inventory, host, NULL);

      ok = chain != NULL;
      if (!JG_IS_JUMP_HOST (host))
        g_hash_table_insert (chain_ok, jump, GINT_TO_POINTER (ok));
    }
  else
    ok = GPOINTER_TO_INT (known);
  if (!ok)
    return self->vm_section;
  return g_hash_table_lookup (self->nodes, jump);
}

/* Keeps a RULE node per rule of @jump (the same node while its rule is
 * unchanged, so its row stays) and appends them to @node's children. */
static void
add_rule_nodes (JgSidebarNode *node,
                JgJumpHost    *jump)
{
  GPtrArray *rules = jg_jump_host_get_rules (jump);

  if (rules->len == 0)
    {
      g_clear_pointer (&node->rule_nodes, g_ptr_array_unref);
      return;
    }
  if (node->rule_nodes == NULL)
    node->rule_nodes = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < rules->len; i++)
    {
      JgJumpRule *rule = g_ptr_array_index (rules, i);
      JgSidebarNode *kept = i < node->rule_nodes->len ? g_ptr_array_index (node->rule_nodes, i) : NULL;

      if (kept != NULL && jg_jump_rule_equal (kept->rule, rule))
        continue;
      if (kept != NULL)
        g_ptr_array_index (node->rule_nodes, i) = jg_sidebar_node_new_rule (jump, rule);
      else
        g_ptr_array_add (node->rule_nodes, jg_sidebar_node_new_rule (jump, rule));
      g_clear_object (&kept);
    }
  g_ptr_array_set_size (node->rule_nodes, rules->len);
  if (node->kids == NULL)
    node->kids = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < node->rule_nodes->len; i++)
    g_ptr_array_add (node->kids, g_object_ref (g_ptr_array_index (node->rule_nodes, i)));
}

static void
rebuild (JgSidebarModel *self)
{
  g_autoptr(GPtrArray) parents = g_ptr_array_new ();
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) chain_ok = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer value;
  guint n;
  gboolean had_matches = jg_sidebar_model_get_has_matches (self);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->inventory));

  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      JgSidebarNode *node = value;

      node->seen = FALSE;
      g_clear_pointer (&node->kids, g_ptr_array_unref);
    }
  g_clear_pointer (&self->vm_section->kids, g_ptr_array_unref);
  g_clear_pointer (&self->own_section->kids, g_ptr_array_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JgHost) host = g_list_model_get_item (G_LIST_MODEL (self->inventory), i);
      JgSidebarNode *node = g_hash_table_lookup (self->nodes, host);

      if (node == NULL)
        {
          node = jg_sidebar_node_new_host (host);
          node->visible = FALSE;
          g_hash_table_insert (self->nodes, g_object_ref (host), node);
        }
      node->seen = TRUE;
      node_update_keys (node);
      if (jg_host_get_id (host) != NULL)
        g_hash_table_insert (by_id, (gpointer) jg_host_get_id (host), host);
    }

  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (!JG_SIDEBAR_NODE (value)->seen)
      g_hash_table_iter_remove (&iter);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JgHost) host = g_list_model_get_item (G_LIST_MODEL (self->inventory), i);
      JgSidebarNode *node = g_hash_table_lookup (self->nodes, host);
      JgSidebarNode *parent = find_parent (self, host, by_id, chain_ok);

      if (parent->kids == NULL)
        {
          parent->kids = g_ptr_array_new_with_free_func (g_object_unref);
          g_ptr_array_add (parents, parent);
        }
      g_ptr_array_add (parent->kids, g_object_ref (node));
    }

  for (guint i = 0; i < parents->len; i++)
    g_ptr_array_sort (((JgSidebarNode *) g_ptr_array_index (parents, i))->kids, compare_nodes);

  /* A jump host's rules come after its machines, in their order. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JgHost) host = g_list_model_get_item (G_LIST_MODEL (self->inventory), i);

      if (JG_IS_JUMP_HOST (host))
        add_rule_nodes (g_hash_table_lookup (self->nodes, host), JG_JUMP_HOST (host));
    }

  update_visibility (self);
  update_rows (self);

  if (had_matches != jg_sidebar_model_get_has_matches (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_MATCHES]);
}

static gboolean
rebuild_idle (gpointer data)
{
  JgSidebarModel *self = data;

  self->rebuild_source = 0;
  rebuild (self);
  return G_SOURCE_REMOVE;
}

/* Many changes in a row (an import, Undo of many) make one rebuild, before
 * the next frame is laid out. */
static void
schedule_rebuild (JgSidebarModel *self)
{
  if (self->rebuild_source == 0)
    self->rebuild_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, rebuild_idle, self, NULL);
}

/* Applies the inventory's pending changes now. */
void
jg_sidebar_model_flush (JgSidebarModel *self)
{
  g_return_if_fail (JG_IS_SIDEBAR_MODEL (self));

  if (self->rebuild_source != 0)
    {
      g_clear_handle_id (&self->rebuild_source, g_source_remove);
      rebuild (self);
    }
}

static void
jg_sidebar_model_constructed (GObject *object)
{
  JgSidebarModel *self = JG_SIDEBAR_MODEL (object);

  G_OBJECT_CLASS (jg_sidebar_model_parent_class)->constructed (object);

  g_assert (self->inventory != NULL);
  g_signal_connect_object (self->inventory, "changed", G_CALLBACK (schedule_rebuild), self,
                           G_CONNECT_SWAPPED);
  rebuild (self);
}

static void
jg_sidebar_model_dispose (GObject *object)
{
  JgSidebarModel *self = JG_SIDEBAR_MODEL (object);

  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->spare, g_ptr_array_unref);
  g_clear_object (&self->vm_section);
  g_clear_object (&self->own_section);
  g_clear_pointer (&self->nodes, g_hash_table_unref);
  g_clear_object (&self->inventory);

  G_OBJECT_CLASS (jg_sidebar_model_parent_class)->dispose (object);
}

static void
jg_sidebar_model_finalize (GObject *object)
{
  JgSidebarModel *self = JG_SIDEBAR_MODEL (object);

  g_clear_pointer (&self->filter_text, g_free);
  g_clear_pointer (&self->needles, g_strfreev);
  g_clear_pointer (&self->flat, g_array_unref);

  G_OBJECT_CLASS (jg_sidebar_model_parent_class)->finalize (object);
}

static void
jg_sidebar_model_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  JgSidebarModel *self = JG_SIDEBAR_MODEL (object);

  switch (prop_id)
    {
    case PROP_INVENTORY:
      g_value_set_object (value, self->inventory);
      break;
    case PROP_FILTER_TEXT:
      g_value_set_string (value, self->filter_text);
      break;
    case PROP_HAS_MATCHES:
      g_value_set_boolean (value, jg_sidebar_model_get_has_matches (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jg_sidebar_model_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  JgSidebarModel *self = JG_SIDEBAR_MODEL (object);

  switch (prop_id)
    {
    case PROP_INVENTORY:
      self->inventory = g_value_dup_object (value);
      break;
    case PROP_FILTER_TEXT:
      jg_sidebar_model_set_filter_text (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jg_sidebar_model_class_init (JgSidebarModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = jg_sidebar_model_constructed;
  object_class->dispose = jg_sidebar_model_dispose;
  object_class->finalize = jg_sidebar_model_finalize;
  object_class->get_property = jg_sidebar_model_get_property;
  object_class->set_property = jg_sidebar_model_set_property;

  properties[PROP_INVENTORY] =
    g_param_spec_object ("inventory", NULL, NULL, JG_TYPE_INVENTORY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILTER_TEXT] =
    g_param_spec_string ("filter-text", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_MATCHES] =
    g_param_spec_boolean ("has-matches", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The rows shown changed, in place or not (items-changed is only
   * emitted when the list gets longer or shorter). */
  signals[ROWS_CHANGED] =
    g_signal_new ("rows-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
}

static void
jg_sidebar_model_init (JgSidebarModel *self)
{
  self->nodes = g_hash_table_new_full (NULL, NULL, g_object_unref, g_object_unref);
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->spare = g_ptr_array_new_with_free_func (g_object_unref);
  self->flat = g_array_new (FALSE, FALSE, sizeof (Row));
  self->vm_section = jg_sidebar_node_new_section (_("Virtual Machines"));
  self->own_section = jg_sidebar_node_new_section (_("Your Own Machines"));
  self->vm_section->visible = self->own_section->visible = FALSE;
}

JgSidebarModel *
jg_sidebar_model_new (JgInventory *inventory)
{
  g_return_val_if_fail (JG_IS_INVENTORY (inventory), NULL);

  return g_object_new (JG_TYPE_SIDEBAR_MODEL, "inventory", inventory, NULL);
}

JgInventory *
jg_sidebar_model_get_inventory (JgSidebarModel *self)
{
  g_return_val_if_fail (JG_IS_SIDEBAR_MODEL (self), NULL);
  return self->inventory;
}

const char *
jg_sidebar_model_get_filter_text (JgSidebarModel *self)
{
  g_return_val_if_fail (JG_IS_SIDEBAR_MODEL (self), NULL);
  return self->filter_text;
}

/* Keeps the hosts whose name or address contains each word of @text
 * (ignoring case), and the groups that hold any of them. */
void
jg_sidebar_model_set_filter_text (JgSidebarModel *self,
                                  const char     *text)
{
  g_autofree char *stripped = NULL;
  gboolean had_matches;

  g_return_if_fail (JG_IS_SIDEBAR_MODEL (self));

  jg_sidebar_model_flush (self);
  stripped = g_strstrip (g_strdup (text ? text : ""));
  if (g_strcmp0 (stripped, self->filter_text ? self->filter_text : "") == 0)
    return;

  had_matches = jg_sidebar_model_get_has_matches (self);
  g_free (self->filter_text);
  self->filter_text = g_steal_pointer (&stripped);
  g_clear_pointer (&self->needles, g_strfreev);
  if (self->filter_text[0] != '\0')
    {
      g_autofree char *folded = g_utf8_casefold (self->filter_text, -1);
      g_auto(GStrv) words = g_strsplit_set (folded, " \t", -1);
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

      for (guint i = 0; words[i] != NULL; i++)
        if (words[i][0] != '\0')
          g_strv_builder_add (builder, words[i]);
      self->needles = g_strv_builder_end (builder);
    }

  if (update_visibility (self))
    update_rows (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTER_TEXT]);
  if (had_matches != jg_sidebar_model_get_has_matches (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_MATCHES]);
}

gboolean
jg_sidebar_model_get_has_matches (JgSidebarModel *self)
{
  g_return_val_if_fail (JG_IS_SIDEBAR_MODEL (self), FALSE);
  return self->vm_section->visible || self->own_section->visible;
}

/* Removes the unused items at the end: when the list is not being typed
 * into, the list view should not hold positions that show nothing (the
 * keyboard focus could not go there). */
void
jg_sidebar_model_trim (JgSidebarModel *self)
{
  guint n_items;

  g_return_if_fail (JG_IS_SIDEBAR_MODEL (self));

  jg_sidebar_model_flush (self);
  n_items = self->items->len;
  if (n_items <= self->n_rows)
    return;
  for (guint i = self->n_rows; i < n_items; i++)
    g_ptr_array_add (self->spare, g_object_ref (g_ptr_array_index (self->items, i)));
  g_ptr_array_set_size (self->items, self->n_rows);
  g_list_model_items_changed (G_LIST_MODEL (self), self->n_rows, n_items - self->n_rows, 0);
}

/* The rows in use; the items after them are unused (no node). */
guint
jg_sidebar_model_get_n_rows (JgSidebarModel *self)
{
  g_return_val_if_fail (JG_IS_SIDEBAR_MODEL (self), 0);
  return self->n_rows;
}

/* Returns: (transfer none) (nullable): the node shown at @position */
JgSidebarNode *
jg_sidebar_model_get_node (JgSidebarModel *self,
                           guint           position)
{
  g_return_val_if_fail (JG_IS_SIDEBAR_MODEL (self), NULL);

  if (position >= self->n_rows)
    return NULL;
  return jg_sidebar_item_get_node (g_ptr_array_index (self->items, position));
}

/* Returns: where @node is shown, or GTK_INVALID_LIST_POSITION */
guint
jg_sidebar_model_get_position (JgSidebarModel *self,
                               JgSidebarNode  *node)
{
  g_return_val_if_fail (JG_IS_SIDEBAR_MODEL (self), GTK_INVALID_LIST_POSITION);
  g_return_val_if_fail (JG_IS_SIDEBAR_NODE (node), GTK_INVALID_LIST_POSITION);
  return node->position;
}

gboolean
jg_sidebar_model_get_expanded (JgSidebarModel *self,
                               JgSidebarNode  *node)
{
  g_return_val_if_fail (JG_IS_SIDEBAR_MODEL (self), FALSE);
  g_return_val_if_fail (JG_IS_SIDEBAR_NODE (node), FALSE);
  return node_expandable (node) && !node->collapsed;
}

/* Shows or hides what is under @node (every group starts expanded). */
void
jg_sidebar_model_set_expanded (JgSidebarModel *self,
                               JgSidebarNode  *node,
                               gboolean        expanded)
{
  g_return_if_fail (JG_IS_SIDEBAR_MODEL (self));
  g_return_if_fail (JG_IS_SIDEBAR_NODE (node));

  jg_sidebar_model_flush (self);
  if (node->collapsed == !expanded)
    return;
  node->collapsed = !expanded;
  update_rows (self);
}

/* Returns: (transfer none) (nullable): the node that shows @host */
JgSidebarNode *
jg_sidebar_model_lookup_node (JgSidebarModel *self,
                              JgHost         *host)
{
  g_return_val_if_fail (JG_IS_SIDEBAR_MODEL (self), NULL);
  jg_sidebar_model_flush (self);
  return g_hash_table_lookup (self->nodes, host);
}
