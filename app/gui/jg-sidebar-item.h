/* jg-sidebar-item.h — one position of the sidebar list and what it shows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jg-sidebar-node.h"

G_BEGIN_DECLS

#define JG_TYPE_SIDEBAR_ITEM (jg_sidebar_item_get_type ())
G_DECLARE_FINAL_TYPE (JgSidebarItem, jg_sidebar_item, JG, SIDEBAR_ITEM, GObject)

JgSidebarNode *jg_sidebar_item_get_node       (JgSidebarItem *self);
guint          jg_sidebar_item_get_depth      (JgSidebarItem *self);
gboolean       jg_sidebar_item_get_expandable (JgSidebarItem *self);
gboolean       jg_sidebar_item_get_expanded   (JgSidebarItem *self);
void           jg_sidebar_item_set_expanded   (JgSidebarItem *self,
                                               gboolean       expanded);
void           jg_sidebar_item_set_watched    (JgSidebarItem *self,
                                               gboolean       watched);

G_END_DECLS
