/* jg-sidebar-item.c — one position of the sidebar list and what it shows
 *
 * The sidebar list (JgSidebarModel) keeps its items when the filter or
 * the inventory changes and gives them other nodes to show instead: a row
 * widget stays bound to its position and only updates its labels, where a
 * list of nodes would make GTK destroy and build up to 200 rows for each
 * keystroke. An item without a node is an unused position at the end of
 * the list, shown as nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "jg-sidebar-item-private.h"

struct _JgSidebarItem
{
  GObject         parent_instance;

  JgSidebarModel *model;       /* not owned: it owns us */
  JgSidebarNode  *node;
  guint           depth;
  guint           expandable : 1;
  guint           expanded : 1;
  guint           watched : 1;  /* a row shows it: ::changed is worth emitting */
};

G_DEFINE_FINAL_TYPE (JgSidebarItem, jg_sidebar_item, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
jg_sidebar_item_finalize (GObject *object)
{
  JgSidebarItem *self = JG_SIDEBAR_ITEM (object);

  g_clear_object (&self->node);

  G_OBJECT_CLASS (jg_sidebar_item_parent_class)->finalize (object);
}

static void
jg_sidebar_item_class_init (JgSidebarItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = jg_sidebar_item_finalize;

  /* What the item shows changed (node, depth or expansion). */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
jg_sidebar_item_init (JgSidebarItem *self)
{
}

JgSidebarItem *
jg_sidebar_item_new (JgSidebarModel *model)
{
  JgSidebarItem *self = g_object_new (JG_TYPE_SIDEBAR_ITEM, NULL);

  self->model = model;
  return self;
}

/* Returns whether anything changed (and ::changed was emitted). */
gboolean
jg_sidebar_item_set (JgSidebarItem *self,
                     JgSidebarNode *node,
                     guint          depth,
                     gboolean       expandable,
                     gboolean       expanded)
{
  expandable = !!expandable;
  expanded = !!expanded;
  if (self->node == node && self->depth == depth && self->expandable == expandable
      && self->expanded == expanded)
    return FALSE;
  g_set_object (&self->node, node);
  self->depth = depth;
  self->expandable = expandable;
  self->expanded = expanded;
  /* 10,000 items, 200 rows: only the items shown by a row are watched. */
  if (self->watched)
    g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

/* Whether a row shows @self (and is told when it changes). */
void
jg_sidebar_item_set_watched (JgSidebarItem *self,
                             gboolean       watched)
{
  g_return_if_fail (JG_IS_SIDEBAR_ITEM (self));
  self->watched = !!watched;
}

/* Returns: (transfer none) (nullable): the node shown, NULL for an unused
 * position at the end of the list */
JgSidebarNode *
jg_sidebar_item_get_node (JgSidebarItem *self)
{
  g_return_val_if_fail (JG_IS_SIDEBAR_ITEM (self), NULL);
  return self->node;
}

/* 0 for a section title, 1 for what is in it, and so on. */
guint
jg_sidebar_item_get_depth (JgSidebarItem *self)
{
  g_return_val_if_fail (JG_IS_SIDEBAR_ITEM (self), 0);
  return self->depth;
}

gboolean
jg_sidebar_item_get_expandable (JgSidebarItem *self)
{
  g_return_val_if_fail (JG_IS_SIDEBAR_ITEM (self), FALSE);
  return self->expandable;
}

gboolean
jg_sidebar_item_get_expanded (JgSidebarItem *self)
{
  g_return_val_if_fail (JG_IS_SIDEBAR_ITEM (self), FALSE);
  return self->expanded;
}

/* Shows or hides what is under the node of this item. */
void
jg_sidebar_item_set_expanded (JgSidebarItem *self,
                              gboolean       expanded)
{
  g_return_if_fail (JG_IS_SIDEBAR_ITEM (self));

  if (self->node != NULL && self->expandable && self->model != NULL)
    jg_sidebar_model_set_expanded (self->model, self->node, expanded);
}
