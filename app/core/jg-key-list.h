/* jg-key-list.h — the keys Jumpgate holds, as a GListModel, kept in keys.json
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * keys.json ($XDG_CONFIG_HOME/jumpgate/keys.json, mode 0600, replaced
 * atomically) holds the public parts and metadata of the keys Jumpgate
 * generated or imported — never a private key, which is in the keyring
 * (jg-keys.h). Like machines.json, a file that cannot be read is left as it
 * is and saving is refused (JG_STORE_ERROR_BLOCKED) until it is fixed or
 * moved aside. Errors are in JG_STORE_ERROR.
 *
 * Use on one thread (the GTK thread).
 */
#pragma once

#include "jg-key.h"

G_BEGIN_DECLS

#define JG_KEY_LIST_VERSION 1

#define JG_TYPE_KEY_LIST (jg_key_list_get_type ())
G_DECLARE_FINAL_TYPE (JgKeyList, jg_key_list, JG, KEY_LIST, GObject)

char       *jg_key_list_default_path      (void);
/* The keys of jg_key_list_default_path() for the whole process, loaded on
 * first use: every window, editor and dialog adds to this one list, so
 * that none saves keys.json over another's new key. NULL with @error when
 * keys.json cannot be read (tried again on the next call). GTK thread. */
JgKeyList  *jg_key_list_get_default       (GError      **error);
/* @path NULL: jg_key_list_default_path(). Empty until loaded. */
JgKeyList  *jg_key_list_new               (const char   *path);
const char *jg_key_list_get_path          (JgKeyList    *self);

/* Replaces the list with the file's keys; a missing file is an empty list. */
gboolean    jg_key_list_load              (JgKeyList    *self,
                                           GError      **error);
gboolean    jg_key_list_save              (JgKeyList    *self,
                                           GError      **error);
gboolean    jg_key_list_is_blocked        (JgKeyList    *self);

/* @key must have an id. Adding does not save. */
void        jg_key_list_add               (JgKeyList    *self,
                                           JgKey        *key);
gboolean    jg_key_list_remove            (JgKeyList    *self,
                                           JgKey        *key);
JgKey      *jg_key_list_find_by_id        (JgKeyList    *self,
                                           const char   *id);
/* The key with the same public key as @key, else NULL. */
JgKey      *jg_key_list_find_equal        (JgKeyList    *self,
                                           JgKey        *key);
/* @base, or "@base 2", "@base 3", … so that no key has that name. */
char       *jg_key_list_make_unique_name  (JgKeyList    *self,
                                           const char   *base);

/* Serialization without the file, for tests and fuzzing. */
gboolean    jg_key_list_load_from_data    (JgKeyList    *self,
                                           const char   *data,
                                           gssize        length,
                                           GError      **error);
char       *jg_key_list_to_data           (JgKeyList    *self,
                                           gsize        *length);

G_END_DECLS
