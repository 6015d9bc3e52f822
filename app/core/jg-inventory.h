/* jg-inventory.h — the saved machines and jump hosts, as a GListModel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jg-host.h"
#include "jg-jump-host.h"
#include "jg-machine.h"

G_BEGIN_DECLS

#define JG_INVENTORY_ERROR (jg_inventory_error_quark ())

typedef enum
{
  JG_INVENTORY_ERROR_NOT_FOUND,
  JG_INVENTORY_ERROR_MISSING_JUMP_HOST,
  JG_INVENTORY_ERROR_JUMP_LOOP,
} JgInventoryError;

#define JG_TYPE_INVENTORY (jg_inventory_get_type ())
G_DECLARE_FINAL_TYPE (JgInventory, jg_inventory, JG, INVENTORY, GObject)

GQuark       jg_inventory_error_quark     (void);
JgInventory *jg_inventory_new             (void);
void         jg_inventory_add             (JgInventory  *self,
                                           JgHost       *host);
void         jg_inventory_insert          (JgInventory  *self,
                                           guint         position,
                                           JgHost       *host);
gboolean     jg_inventory_remove          (JgInventory  *self,
                                           JgHost       *host,
                                           guint        *position);
void         jg_inventory_remove_all      (JgInventory  *self);
JgHost      *jg_inventory_find_by_id      (JgInventory  *self,
                                           const char   *id);
JgHost      *jg_inventory_find_by_name    (JgInventory  *self,
                                           const char   *name);
JgHost      *jg_inventory_lookup          (JgInventory  *self,
                                           const char   *name_or_id);
GPtrArray   *jg_inventory_get_chain       (JgInventory  *self,
                                           JgHost       *host,
                                           GError      **error);
GPtrArray   *jg_inventory_list_behind     (JgInventory  *self,
                                           JgJumpHost   *jump);
char        *jg_inventory_make_unique_name (JgInventory *self,
                                            const char  *base);

G_END_DECLS
