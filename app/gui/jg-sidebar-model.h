/* jg-sidebar-model.h — the inventory as the sidebar's grouped, filtered tree
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jg-inventory.h"
#include "jg-sidebar-node.h"

G_BEGIN_DECLS

#define JG_TYPE_SIDEBAR_MODEL (jg_sidebar_model_get_type ())
G_DECLARE_FINAL_TYPE (JgSidebarModel, jg_sidebar_model, JG, SIDEBAR_MODEL, GObject)

JgSidebarModel  *jg_sidebar_model_new             (JgInventory    *inventory);
JgInventory     *jg_sidebar_model_get_inventory   (JgSidebarModel *self);
const char      *jg_sidebar_model_get_filter_text (JgSidebarModel *self);
void             jg_sidebar_model_set_filter_text (JgSidebarModel *self,
                                                   const char     *text);
gboolean         jg_sidebar_model_get_has_matches (JgSidebarModel *self);
GtkTreeListModel *jg_sidebar_model_create_tree    (JgSidebarModel *self);
void             jg_sidebar_model_flush           (JgSidebarModel *self);
JgSidebarNode   *jg_sidebar_model_lookup_node     (JgSidebarModel *self,
                                                   JgHost         *host);

G_END_DECLS
