/* jg-keys.h — generate, import, delete and use the keys Jumpgate holds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A key Jumpgate holds is a JgKey in a JgKeyList (public parts, keys.json)
 * plus its private key in the keyring (jg-secrets.h: owner = the key's id,
 * kind JG_SECRET_PRIVATE_KEY, the unencrypted OpenSSH/PEM text — the
 * keyring is what protects it). A private key is never written to a file,
 * a log or the terminal; buffers that held one are wiped.
 *
 * The _async functions are for the GTK thread: the work (key generation,
 * file reading, keyring) runs in workers; the JgKeyList is changed and
 * saved on the caller's thread before the callback runs. The _sync ones
 * are for worker threads only.
 *
 * Errors: JG_KEYS_ERROR below, JG_SECRETS_ERROR (LOCKED, NO_SERVICE: the
 * key was not added), JG_STORE_ERROR (keys.json could not be saved: the
 * change was undone), G_IO_ERROR_CANCELLED. Messages are translated full
 * sentences.
 */
#pragma once

#include <libssh/libssh.h>

#include "jg-connection.h"
#include "jg-inventory.h"
#include "jg-key-list.h"

G_BEGIN_DECLS

#define JG_KEYS_ERROR (jg_keys_error_quark ())

typedef enum
{
  JG_KEYS_ERROR_FAILED = 0,
  JG_KEYS_ERROR_NOT_A_KEY,          /* the file holds no private key Jumpgate can read */
  JG_KEYS_ERROR_PASSPHRASE_NEEDED,  /* the key is encrypted: ask, then import again with it */
  JG_KEYS_ERROR_BAD_PASSPHRASE,     /* the passphrase given does not open the key */
  JG_KEYS_ERROR_EXISTS,             /* Jumpgate already holds this key (message names it) */
  JG_KEYS_ERROR_NOT_FOUND,          /* the private key is no longer in the keyring */
  JG_KEYS_ERROR_INSTALL_FAILED,     /* the machine did not take the public key */
} JgKeysError;

typedef enum
{
  JG_KEY_TYPE_ED25519 = 0,  /* the default */
  JG_KEY_TYPE_RSA,          /* RSA 4096 */
} JgKeyType;

GQuark      jg_keys_error_quark            (void);

/* Generates a key with libssh (ssh_pki_generate), stores the private key
 * in the keyring and adds the JgKey (new UUID, @name, @comment — may be
 * NULL — created now) to @list, saved. */
void        jg_keys_generate_async         (JgKeyList           *list,
                                            JgKeyType            type,
                                            const char          *name,
                                            const char          *comment,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
JgKey      *jg_keys_generate_finish        (JgKeyList           *list,
                                            GAsyncResult        *result,
                                            GError             **error);

/* Imports the private key in @path (OpenSSH or PEM, encrypted or not) into
 * the keyring and adds it to @list, saved; @name NULL: the file's name.
 * The comment comes from "@path.pub" when it holds the same key. Without a
 * passphrase for an encrypted key: JG_KEYS_ERROR_PASSPHRASE_NEEDED — ask,
 * and call again with it. The passphrase is not kept: the keyring holds
 * the key unencrypted. */
void        jg_keys_import_async           (JgKeyList           *list,
                                            const char          *path,
                                            const char          *passphrase,
                                            const char          *name,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
JgKey      *jg_keys_import_finish          (JgKeyList           *list,
                                            GAsyncResult        *result,
                                            GError             **error);

/* The usual private key files offered for import: ~/.ssh/id_* that are not
 * .pub files, sorted. */
GStrv       jg_keys_dup_default_files      (void);

/* Removes the key's secrets from the keyring, then the key from @list,
 * saved. Ask first, naming jg_keys_find_users(). When the keyring cannot
 * be reached nothing is removed. */
void        jg_keys_delete_async           (JgKeyList           *list,
                                            JgKey               *key,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean    jg_keys_delete_finish          (JgKeyList           *list,
                                            GAsyncResult        *result,
                                            GError             **error);

/* The machines and jump hosts of @inventory whose key is @key (key-id),
 * in inventory order. */
GPtrArray  *jg_keys_find_users             (JgInventory         *inventory,
                                            JgKey               *key);

/* Switches @host to authenticate with @key (auth JG_AUTH_KEY, key-id). */
void        jg_keys_use_key                (JgHost              *host,
                                            JgKey               *key);

/* The private key of @key_id from the keyring, for a connection worker
 * (ssh_userauth_publickey()); free with ssh_key_free(). @name (may be
 * NULL) names the key in messages. */
ssh_key     jg_keys_load_private_sync      (const char          *key_id,
                                            const char          *name,
                                            GCancellable        *cancellable,
                                            GError             **error);
void        jg_keys_load_private_async     (JgKey               *key,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
ssh_key     jg_keys_load_private_finish    (GAsyncResult        *result,
                                            GError             **error);

/* ---- installing a public key on a machine (what ssh-copy-id does) ------
 *
 * jg_keys_install_command() is a command line for the machine's login
 * shell (sh, bash, zsh, fish, csh alike: it is `sh -c '…'`) that reads one
 * public key line on its standard input, creates ~/.ssh (0700), appends the
 * line to ~/.ssh/authorized_keys (0600) unless that key is there already,
 * and prints "added" or "present". The key never appears in the command.
 * jg_keys_install_async() runs it through a JgConnection and checks the
 * outcome with jg_keys_install_check(). On success switch the machine to
 * the key with jg_keys_use_key() and save the inventory. */
const char *jg_keys_install_command        (void);
gboolean    jg_keys_install_check          (int                  exit_status,
                                            const char          *output,
                                            const char          *errors,
                                            gboolean            *added,
                                            GError             **error);
/* All of it through @connection — the machine's whole jump chain; it
 * connects and authenticates first if needed, asking through its ::prompt
 * signal (a password, for a machine that accepts one). Completes when the
 * command has ended; @added: FALSE when the key was there already. The
 * connection is left open (close it, or reuse it). */
void        jg_keys_install_async          (JgConnection        *connection,
                                            const char          *public_line,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean    jg_keys_install_finish         (JgConnection        *connection,
                                            GAsyncResult        *result,
                                            gboolean            *added,
                                            GError             **error);

G_END_DECLS
