/* jg-machine-editor.h — edit a machine or jump host, or add a new one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "jg-inventory.h"

G_BEGIN_DECLS

#define JG_TYPE_MACHINE_EDITOR (jg_machine_editor_get_type ())
G_DECLARE_FINAL_TYPE (JgMachineEditor, jg_machine_editor, JG, MACHINE_EDITOR, AdwWindow)

/* @host is edited in place on Save; when it is not in @inventory yet it is
 * added to it on Save. */
JgMachineEditor *jg_machine_editor_new       (JgInventory     *inventory,
                                              JgHost          *host);
JgHost          *jg_machine_editor_get_host  (JgMachineEditor *self);
/* Whether the fields are valid (Save is possible); for tests. */
gboolean         jg_machine_editor_is_valid  (JgMachineEditor *self);
gboolean         jg_machine_editor_save      (JgMachineEditor *self);

/* Signals:
 * ::remove-requested (JgMachineEditor *, JgHost *)  "Remove from Jumpgate"
 * ::disconnect-requested (JgMachineEditor *, JgHost *)  "Disconnect and Remove" (an own
 *   machine: its tabs close, and its Jumpgate key goes if no other machine uses it) */

G_END_DECLS
