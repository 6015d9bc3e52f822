/* jg-machine-row.h — a sidebar row: a section title or a machine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jg-sidebar-item.h"
#include "jg-sidebar-node.h"

G_BEGIN_DECLS

#define JG_TYPE_MACHINE_ROW (jg_machine_row_get_type ())
G_DECLARE_FINAL_TYPE (JgMachineRow, jg_machine_row, JG, MACHINE_ROW, GtkWidget)

GtkWidget     *jg_machine_row_new        (void);
JgSidebarNode *jg_machine_row_get_node   (JgMachineRow  *self);
void           jg_machine_row_set_node   (JgMachineRow  *self,
                                          JgSidebarNode *node);
JgSidebarItem *jg_machine_row_get_item   (JgMachineRow  *self);
void           jg_machine_row_set_item   (JgMachineRow  *self,
                                          JgSidebarItem *item);
void           jg_machine_row_toggle_expanded (JgMachineRow *self);
/* Opens the row's context menu at (@x, @y), or under the row if @x < 0. */
void           jg_machine_row_popup_menu (JgMachineRow  *self,
                                          double         x,
                                          double         y);
GMenuModel    *jg_machine_row_get_menu_model (JgMachineRow *self);

G_END_DECLS
