/* jg-install-key.h — "Install Key on This Machine…": ssh-copy-id through the jump chain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Asks which Jumpgate key to install, logs in to the machine through its
 * jump hosts the way it logs in now (by password, usually: the dialogs ask
 * for what the connection needs), appends the key's public line to the
 * machine's ~/.ssh/authorized_keys (jg_keys_install_async) and, once that
 * worked, switches the machine to the key (jg_keys_use_key), saved with the
 * inventory. Everything runs in workers; the dialogs say how it went.
 */
#pragma once

#include <adwaita.h>

#include "jg-inventory.h"
#include "jg-key-list.h"

G_BEGIN_DECLS

/* @keys: the keys Jumpgate holds (may be empty: the dialog says where to
 * make one); @key_id (may be NULL) is chosen first. Returns the first
 * dialog (owned by GTK). */
GtkWindow *jg_install_key_show (GtkWindow   *parent,
                                JgInventory *inventory,
                                JgHost      *host,
                                JgKeyList   *keys,
                                const char  *key_id);

G_END_DECLS
