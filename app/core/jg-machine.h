/* jg-machine.h — a machine in the sidebar: a virtual machine or an own machine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jg-host.h"

G_BEGIN_DECLS

typedef enum
{
  JG_MACHINE_KIND_VIRTUAL = 0, /* reachable only through a jump host */
  JG_MACHINE_KIND_OWN,         /* the person's own machine with a public address */
} JgMachineKind;

#define JG_TYPE_MACHINE (jg_machine_get_type ())
G_DECLARE_FINAL_TYPE (JgMachine, jg_machine, JG, MACHINE, JgHost)

JgMachine     *jg_machine_new      (JgMachineKind  kind);
JgMachineKind  jg_machine_get_kind (JgMachine     *self);
void           jg_machine_set_kind (JgMachine     *self,
                                    JgMachineKind  kind);

G_END_DECLS
