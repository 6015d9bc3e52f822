/* jg-sidebar-model.h — the inventory as the sidebar's grouped, filtered tree
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jg-inventory.h"
#include "jg-sidebar-item.h"
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
guint            jg_sidebar_model_get_n_rows      (JgSidebarModel *self);
JgSidebarNode   *jg_sidebar_model_get_node        (JgSidebarModel *self,
                                                   guint           position);
guint            jg_sidebar_model_get_position    (JgSidebarModel *self,
                                                   JgSidebarNode  *node);
gboolean         jg_sidebar_model_get_expanded    (JgSidebarModel *self,
                                                   JgSidebarNode  *node);
void             jg_sidebar_model_set_expanded    (JgSidebarModel *self,
                                                   JgSidebarNode  *node,
                                                   gboolean        expanded);
void             jg_sidebar_model_flush           (JgSidebarModel *self);
void             jg_sidebar_model_trim            (JgSidebarModel *self);
JgSidebarNode   *jg_sidebar_model_lookup_node     (JgSidebarModel *self,
                                                   JgHost         *host);

G_END_DECLS
