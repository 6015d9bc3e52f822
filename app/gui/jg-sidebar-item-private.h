/* jg-sidebar-item-private.h — what JgSidebarModel does with its items
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jg-sidebar-item.h"
#include "jg-sidebar-model.h"

G_BEGIN_DECLS

JgSidebarItem *jg_sidebar_item_new (JgSidebarModel *model);
gboolean       jg_sidebar_item_set (JgSidebarItem  *self,
                                    JgSidebarNode  *node,
                                    guint           depth,
                                    gboolean        expandable,
                                    gboolean        expanded);

G_END_DECLS
