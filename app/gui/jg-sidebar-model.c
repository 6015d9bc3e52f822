/* jg-sidebar-model.c — the inventory as the sidebar's grouped, filtered tree
 *
 * The top level holds two sections, "Virtual Machines" and "Your Own
 * Machines". Virtual machines (and jump hosts) sit under the jump host they
 * go through; a jump host with machines behind it is an expandable row.
 * Each node keeps a GListStore of all its children and a GtkFilterListModel
 * over it that the GtkTreeListModel shows, so that a filter keystroke only
 * recomputes one flag per node and lets each filter model emit exact
 * items-changed; collapsed groups stay collapsed while the filter changes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "jg-sidebar-model.h"
#include "jg-sidebar-node-private.h"

struct _JgSidebarModel
{
  GObject             parent_instance;

  JgInventory        *inventory;
  GHashTable         *nodes;        /* JgHost* → JgSidebarNode* (owned) */
  JgSidebarNode      *vm_section;
  JgSidebarNode      *own_section;
  GListStore         *root;
  GtkFilterListModel *root_filter;
  GtkFilter          *filter;
  char               *filter_text;
  char               *needle;       /* casefolded filter_text, NULL if empty */
  guint               rebuild_source;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (JgSidebarModel, jg_sidebar_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

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
  return JG_TYPE_SIDEBAR_NODE;
}

static guint
jg_sidebar_model_get_n_items (GListModel *model)
{
  return g_list_model_get_n_items (G_LIST_MODEL (JG_SIDEBAR_MODEL (model)->root_filter));
}

static gpointer
jg_sidebar_model_get_item (GListModel *model,
                           guint       position)
{
  return g_list_model_get_item (G_LIST_MODEL (JG_SIDEBAR_MODEL (model)->root_filter), position);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = jg_sidebar_model_get_item_type;
  iface->get_n_items = jg_sidebar_model_get_n_items;
  iface->get_item = jg_sidebar_model_get_item;
}

static gboolean
node_filter_func (gpointer item,
                  gpointer user_data)
{
  return JG_SIDEBAR_NODE (item)->visible;
}

static void
node_ensure_store (JgSidebarModel *self,
                   JgSidebarNode  *node)
{
  if (node->store != NULL)
    return;
  node->store = g_list_store_new (JG_TYPE_SIDEBAR_NODE);
  node->children = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (node->store)),
                                              g_object_ref (self->filter));
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

/* Replace the changed middle of @store by the middle of @want, so that the
 * rows before and after stay (and keep their expanded state). A node whose
 * expandability changed is replaced so the tree asks for its children again. */
static void
sync_store (GListStore *store,
            GPtrArray  *want)
{
  GListModel *model = G_LIST_MODEL (store);
  guint n = g_list_model_get_n_items (model);
  guint prefix = 0;
  guint suffix = 0;

  while (prefix < n && prefix < want->len)
    {
      g_autoptr(JgSidebarNode) have = g_list_model_get_item (model, prefix);
      JgSidebarNode *node = g_ptr_array_index (want, prefix);

      if (have != node || node->expandable != (node->kids != NULL && node->kids->len > 0))
        break;
      prefix++;
    }
  while (suffix < n - prefix && suffix < want->len - prefix)
    {
      g_autoptr(JgSidebarNode) have = g_list_model_get_item (model, n - 1 - suffix);
      JgSidebarNode *node = g_ptr_array_index (want, want->len - 1 - suffix);

      if (have != node || node->expandable != (node->kids != NULL && node->kids->len > 0))
        break;
      suffix++;
    }
  if (prefix + suffix == n && n == want->len)
    return;
  g_list_store_splice (store, prefix, n - prefix - suffix,
                       want->pdata + prefix, want->len - prefix - suffix);
}

static gboolean
node_matches (JgSidebarModel *self,
              JgSidebarNode  *node)
{
  return (node->host != NULL || node->rule != NULL)
         && (self->needle == NULL || strstr (node->haystack, self->needle) != NULL);
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

static JgSidebarNode *
find_parent (JgSidebarModel *self,
             JgHost         *host)
{
  JgHost *jump;
  g_autoptr(GPtrArray) chain = NULL;

  if (JG_IS_MACHINE (host) && jg_machine_get_kind (JG_MACHINE (host)) == JG_MACHINE_KIND_OWN)
    return self->own_section;
  if (jg_host_get_jump_id (host) == NULL)
    return self->vm_section;
  jump = jg_inventory_find_by_id (self->inventory, jg_host_get_jump_id (host));
  if (jump == NULL || !JG_IS_JUMP_HOST (jump))
    return self->vm_section;
  /* A loop of jump hosts would make an endless tree: list them at the top. */
  chain = jg_inventory_get_chain (self->inventory, host, NULL);
  if (chain == NULL)
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
      node->expandable = node->kids != NULL && node->kids->len > 0;
      g_clear_pointer (&node->kids, g_ptr_array_unref);
    }
  self->vm_section->expandable = self->own_section->expandable = TRUE;
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
    }

  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (!JG_SIDEBAR_NODE (value)->seen)
      g_hash_table_iter_remove (&iter);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JgHost) host = g_list_model_get_item (G_LIST_MODEL (self->inventory), i);
      JgSidebarNode *node = g_hash_table_lookup (self->nodes, host);
      JgSidebarNode *parent = find_parent (self, host);

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

  /* Children first, so a group's rows are in place before the group is. */
  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      JgSidebarNode *node = value;

      if (node->kids != NULL)
        {
          node_ensure_store (self, node);
          sync_store (node->store, node->kids);
        }
      else if (node->store != NULL)
        g_list_store_remove_all (node->store);
    }
  for (guint i = 0; i < 2; i++)
    {
      JgSidebarNode *section = i == 0 ? self->vm_section : self->own_section;
      g_autoptr(GPtrArray) empty = g_ptr_array_new ();

      sync_store (section->store, section->kids != NULL ? section->kids : empty);
    }

  gtk_filter_changed (self->filter, GTK_FILTER_CHANGE_DIFFERENT);

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
on_root_items_changed (JgSidebarModel *self,
                       guint           position,
                       guint           removed,
                       guint           added)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
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
  g_clear_object (&self->root_filter);
  g_clear_object (&self->root);
  g_clear_object (&self->vm_section);
  g_clear_object (&self->own_section);
  g_clear_pointer (&self->nodes, g_hash_table_unref);
  g_clear_object (&self->filter);
  g_clear_object (&self->inventory);

  G_OBJECT_CLASS (jg_sidebar_model_parent_class)->dispose (object);
}

static void
jg_sidebar_model_finalize (GObject *object)
{
  JgSidebarModel *self = JG_SIDEBAR_MODEL (object);

  g_clear_pointer (&self->filter_text, g_free);
  g_clear_pointer (&self->needle, g_free);

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
}

static void
jg_sidebar_model_init (JgSidebarModel *self)
{
  self->nodes = g_hash_table_new_full (NULL, NULL, g_object_unref, g_object_unref);
  self->filter = GTK_FILTER (gtk_custom_filter_new (node_filter_func, NULL, NULL));
  self->vm_section = jg_sidebar_node_new_section (_("Virtual Machines"));
  self->own_section = jg_sidebar_node_new_section (_("Your Own Machines"));
  node_ensure_store (self, self->vm_section);
  node_ensure_store (self, self->own_section);

  self->root = g_list_store_new (JG_TYPE_SIDEBAR_NODE);
  g_list_store_append (self->root, self->vm_section);
  g_list_store_append (self->root, self->own_section);
  self->vm_section->visible = self->own_section->visible = FALSE;
  self->root_filter = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->root)),
                                                 g_object_ref (self->filter));
  g_signal_connect_object (self->root_filter, "items-changed",
                           G_CALLBACK (on_root_items_changed), self, G_CONNECT_SWAPPED);
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

/* Keeps the hosts whose name or address contains @text (ignoring case), and
 * the groups that hold any of them. */
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
  g_clear_pointer (&self->needle, g_free);
  if (self->filter_text[0] != '\0')
    self->needle = g_utf8_casefold (self->filter_text, -1);

  if (update_visibility (self))
    gtk_filter_changed (self->filter, GTK_FILTER_CHANGE_DIFFERENT);

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

static GListModel *
create_children (gpointer item,
                 gpointer user_data)
{
  JgSidebarNode *node = item;

  if (node->children == NULL || (node->host != NULL && (node->kids == NULL || node->kids->len == 0)))
    return NULL;
  return g_object_ref (G_LIST_MODEL (node->children));
}

/* Returns: (transfer full): a tree over this model, every group expanded */
GtkTreeListModel *
jg_sidebar_model_create_tree (JgSidebarModel *self)
{
  g_return_val_if_fail (JG_IS_SIDEBAR_MODEL (self), NULL);

  return gtk_tree_list_model_new (g_object_ref (G_LIST_MODEL (self)), FALSE, TRUE,
                                  create_children, NULL, NULL);
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
