/* jg-keys-page.h — the Keys page of the preferences: Jumpgate's keys and the agent's
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Lists the keys Jumpgate holds (a JgKeyList) and the identities of the
 * running ssh-agent: name, type, SHA256 fingerprint, comment, where it
 * lives and which machines use it. Generate, Import, Copy Public Key,
 * Export Public Key and Delete act on the list; every keyring call runs in
 * a worker (jg-keys.h).
 *
 * Actions (on the page): keys.generate, keys.import, keys.copy-public (s:
 * key id), keys.export-public (s), keys.delete (s).
 */
#pragma once

#include <adwaita.h>

#include "jg-inventory.h"
#include "jg-key-list.h"

G_BEGIN_DECLS

#define JG_TYPE_KEYS_PAGE (jg_keys_page_get_type ())
G_DECLARE_FINAL_TYPE (JgKeysPage, jg_keys_page, JG, KEYS_PAGE, AdwPreferencesPage)

/* @inventory (may be NULL) says which machines use a key. */
JgKeysPage *jg_keys_page_new            (JgKeyList   *list,
                                         JgInventory *inventory);
JgKeyList  *jg_keys_page_get_key_list   (JgKeysPage  *self);
/* The row of a key Jumpgate holds, or NULL; for tests. */
GtkWidget  *jg_keys_page_get_key_row    (JgKeysPage  *self,
                                         const char  *key_id);
/* Whether the agent's identities were asked for and the answer shown. */
gboolean    jg_keys_page_get_agent_loaded (JgKeysPage *self);

G_END_DECLS
