/* jg-secrets.h — passwords, passphrases and private keys in the desktop keyring
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every secret Jumpgate keeps lives in the Secret Service (GNOME Keyring,
 * KeePassXC, …) under the schema "io.github.jumpgate.Jumpgate.Secret" with
 * two attributes: `owner`, the stable UUID of a machine, jump host or key,
 * and `kind` (password, passphrase, private-key). Names can change, UUIDs do
 * not: renaming a machine keeps its secrets; removing it must call
 * jg_secrets_clear_owner_async(). Nothing is ever written anywhere else:
 * without a usable keyring these calls fail and the caller asks for the
 * secret for this one connection.
 *
 * Errors (JG_SECRETS_ERROR), each with a translated message that says what
 * to do, fit to be shown as is:
 *   LOCKED      the keyring is locked and was not unlocked: the unlock
 *               prompt was dismissed, or nobody answered it within
 *               jg_secrets_get_timeout() seconds.
 *   NO_SERVICE  no Secret Service on the session bus (or no session bus).
 *   FAILED      anything else the keyring reported.
 * A cancelled GCancellable gives G_IO_ERROR_CANCELLED.
 *
 * Threads: the _async functions may be called from the thread of any
 * GMainContext (the GTK thread); the work, and the waiting on the keyring,
 * runs in a worker thread and the callback comes back on the caller's
 * thread-default context. The _sync functions block — for up to the
 * timeout when the keyring shows an unlock prompt — and are for worker
 * threads only (a connection's hop worker); never call them on the GTK
 * thread.
 *
 * Secrets come back as NUL-terminated text in non-pageable memory; free
 * them with jg_secrets_free(), which wipes them. Never log them.
 */
#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

#include "jg-host.h"

G_BEGIN_DECLS

#define JG_SECRETS_SCHEMA_NAME "io.github.jumpgate.Jumpgate.Secret"

#define JG_SECRETS_ERROR (jg_secrets_error_quark ())

typedef enum
{
  JG_SECRETS_ERROR_FAILED = 0,
  JG_SECRETS_ERROR_LOCKED,
  JG_SECRETS_ERROR_NO_SERVICE,
} JgSecretsError;

typedef enum
{
  JG_SECRET_PASSWORD = 0,   /* owner: a machine or jump host */
  JG_SECRET_PASSPHRASE,     /* owner: a machine or jump host (its key file's passphrase) */
  JG_SECRET_PRIVATE_KEY,    /* owner: a key (JgKey id): the OpenSSH private key text */
} JgSecretKind;

#define JG_SECRETS_DEFAULT_TIMEOUT 120

GQuark              jg_secrets_error_quark       (void);
const SecretSchema *jg_secrets_get_schema        (void);
/* "password", "passphrase", "private-key" (the `kind` attribute). */
const char         *jg_secret_kind_to_string     (JgSecretKind   kind);

/* The label people see in Seahorse:
 *   "Jumpgate password for vm1 (alice@10.0.0.5)"
 *   "Jumpgate passphrase for vm1 (~/.ssh/id_ed25519)"
 *   "Jumpgate private key “laptop” (SHA256:…)"
 * @detail may be NULL. */
char               *jg_secrets_make_label        (JgSecretKind   kind,
                                                  const char    *name,
                                                  const char    *detail);
/* The same for a machine or jump host: its name and user@host, or for a
 * passphrase its key file. */
char               *jg_secrets_make_host_label   (JgSecretKind   kind,
                                                  JgHost        *host);

/* Seconds one call may wait for the keyring, an unlock prompt included
 * (default JG_SECRETS_DEFAULT_TIMEOUT); past it the prompt is dismissed
 * and the call fails with JG_SECRETS_ERROR_LOCKED. Process-wide. */
void                jg_secrets_set_timeout       (guint          seconds);
guint               jg_secrets_get_timeout       (void);

/* Stores (or replaces) the secret of @owner and @kind. When the keyring is
 * locked, the Secret Service is asked to unlock it (its own prompt). */
void                jg_secrets_store_async       (const char          *owner,
                                                  JgSecretKind         kind,
                                                  const char          *label,
                                                  const char          *secret,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean            jg_secrets_store_finish      (GAsyncResult        *result,
                                                  GError             **error);
gboolean            jg_secrets_store_sync        (const char          *owner,
                                                  JgSecretKind         kind,
                                                  const char          *label,
                                                  const char          *secret,
                                                  GCancellable        *cancellable,
                                                  GError             **error);

/* The secret, or NULL: with @error set on failure, with no error when
 * nothing is stored. Free with jg_secrets_free(). */
void                jg_secrets_lookup_async      (const char          *owner,
                                                  JgSecretKind         kind,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
char               *jg_secrets_lookup_finish     (GAsyncResult        *result,
                                                  GError             **error);
char               *jg_secrets_lookup_sync       (const char          *owner,
                                                  JgSecretKind         kind,
                                                  GCancellable        *cancellable,
                                                  GError             **error);

/* Removes the secret of @owner and @kind; TRUE also when there was none. */
void                jg_secrets_clear_async       (const char          *owner,
                                                  JgSecretKind         kind,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean            jg_secrets_clear_finish      (GAsyncResult        *result,
                                                  GError             **error);
gboolean            jg_secrets_clear_sync        (const char          *owner,
                                                  JgSecretKind         kind,
                                                  GCancellable        *cancellable,
                                                  GError             **error);

/* Removes every secret of @owner (all kinds): for a removed machine,
 * jump host or key. TRUE also when there was none. */
void                jg_secrets_clear_owner_async (const char          *owner,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean            jg_secrets_clear_owner_finish (GAsyncResult       *result,
                                                   GError            **error);
gboolean            jg_secrets_clear_owner_sync  (const char          *owner,
                                                  GCancellable        *cancellable,
                                                  GError             **error);

/* Wipes and frees a secret returned by a lookup; NULL is fine. */
void                jg_secrets_free              (char                *secret);

/* For `g_autoptr(JgSecret) password = jg_secrets_lookup_sync (…)`. */
typedef char JgSecret;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgSecret, jg_secrets_free)

G_END_DECLS
