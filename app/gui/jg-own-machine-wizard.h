/* jg-own-machine-wizard.h — "Add Your Own Machine"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Four pages: the requirements and the machine's address, port, user and
 * key; the install script to run there (jg-install-script.h) with Copy and
 * Save…; waiting for the machine with a live checklist (jg-enroll.h); and
 * Done, with a button that connects. The machine is added to the inventory
 * when its token matched, then ::machine-added is emitted (save there).
 * A key the wizard generated and that no machine came to use is deleted
 * again when the wizard closes.
 */
#pragma once

#include <adwaita.h>

#include "jg-enroll.h"
#include "jg-inventory.h"
#include "jg-key-list.h"

G_BEGIN_DECLS

#define JG_TYPE_OWN_MACHINE_WIZARD (jg_own_machine_wizard_get_type ())
G_DECLARE_FINAL_TYPE (JgOwnMachineWizard, jg_own_machine_wizard, JG, OWN_MACHINE_WIZARD, AdwWindow)

/* @keys: the keys Jumpgate holds (loaded); a new key is added to it. */
JgOwnMachineWizard *jg_own_machine_wizard_new          (JgInventory        *inventory,
                                                        JgKeyList          *keys);

/* "requirements", "script", "waiting" or "done". */
const char         *jg_own_machine_wizard_get_page     (JgOwnMachineWizard *self);
/* The script shown on the second page (NULL before). */
const char         *jg_own_machine_wizard_get_script   (JgOwnMachineWizard *self);
/* The wait of the third page (NULL before). */
JgEnroll           *jg_own_machine_wizard_get_enroll   (JgOwnMachineWizard *self);
/* The machine added (NULL before Done). */
JgMachine          *jg_own_machine_wizard_get_machine  (JgOwnMachineWizard *self);
/* Milliseconds between attempts while waiting (tests). */
void                jg_own_machine_wizard_set_interval (JgOwnMachineWizard *self,
                                                        guint               milliseconds);

/* Signals:
 *
 * ::machine-added (JgOwnMachineWizard *, JgMachine *machine)
 *     The machine answered with the token and is now in the inventory;
 *     the handler saves the inventory.
 *
 * ::connect (JgOwnMachineWizard *, JgHost *host)
 *     Done page: the person wants a terminal on it. The wizard closes.
 */

G_END_DECLS
