/* jg-key.h — an SSH key as Jumpgate shows it: public parts and metadata only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A JgKey never holds a private key. For a key Jumpgate holds
 * (JG_KEY_SOURCE_GENERATED or _IMPORTED) the private key is in the keyring
 * under the key's id (see jg-keys.h); an agent identity
 * (JG_KEY_SOURCE_AGENT, from jg-agent.h) has no id and lives in ssh-agent.
 *
 * Properties: "id", "name", "comment", "created", "source", "origin" are
 * read-write (notify only on change); "key-type", "bits", "fingerprint",
 * "public-line" and "type-label" are read-only and come from the public
 * key given at construction ("public-line" and "type-label" notify when
 * "comment" changes).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  JG_KEY_SOURCE_GENERATED = 0,  /* made by Jumpgate; private key in the keyring */
  JG_KEY_SOURCE_IMPORTED,       /* imported from a file; private key in the keyring */
  JG_KEY_SOURCE_AGENT,          /* an ssh-agent identity */
} JgKeySource;

#define JG_TYPE_KEY (jg_key_get_type ())
G_DECLARE_FINAL_TYPE (JgKey, jg_key, JG, KEY, GObject)

/* From the SSH wire-format public key blob (what the base64 of an
 * authorized_keys line decodes to). Fails (G_IO_ERROR_INVALID_DATA) on a
 * blob that is not a public key. The id is NULL until set. */
JgKey        *jg_key_new_from_blob         (GBytes       *blob,
                                            const char   *comment,
                                            GError      **error);
/* From "ssh-ed25519 AAAA… comment" (an authorized_keys/.pub line without
 * options); the comment is the rest of the line. */
JgKey        *jg_key_new_from_public_line  (const char   *line,
                                            GError      **error);

const char   *jg_key_get_id                (JgKey        *self);
void          jg_key_set_id                (JgKey        *self,
                                            const char   *id);
const char   *jg_key_get_name              (JgKey        *self);
void          jg_key_set_name              (JgKey        *self,
                                            const char   *name);
const char   *jg_key_get_comment           (JgKey        *self);
void          jg_key_set_comment           (JgKey        *self,
                                            const char   *comment);
/* May be NULL (agent identities). */
GDateTime    *jg_key_get_created           (JgKey        *self);
void          jg_key_set_created           (JgKey        *self,
                                            GDateTime    *created);
JgKeySource   jg_key_get_source            (JgKey        *self);
void          jg_key_set_source            (JgKey        *self,
                                            JgKeySource   source);
/* The file an imported key came from, else NULL. */
const char   *jg_key_get_origin            (JgKey        *self);
void          jg_key_set_origin            (JgKey        *self,
                                            const char   *origin);

/* "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", … */
const char   *jg_key_get_key_type          (JgKey        *self);
/* 256 for Ed25519, the modulus size for RSA, the curve size for ECDSA. */
guint         jg_key_get_bits              (JgKey        *self);
/* "Ed25519", "RSA 4096", "ECDSA 256", or the key type. */
const char   *jg_key_get_type_label        (JgKey        *self);
/* "SHA256:…" as `ssh-keygen -l` prints it. */
const char   *jg_key_get_fingerprint       (JgKey        *self);
/* The public key blob. */
GBytes       *jg_key_get_blob              (JgKey        *self);
/* "ssh-ed25519 AAAA…" without the comment. */
char         *jg_key_dup_public_base       (JgKey        *self);
/* The single OpenSSH line, "ssh-ed25519 AAAA… comment", as it goes into
 * ~/.ssh/authorized_keys (no trailing newline). */
const char   *jg_key_get_public_line       (JgKey        *self);
char         *jg_key_dup_public_line       (JgKey        *self);
/* Same public key (type and blob), whatever the names and comments. */
gboolean      jg_key_equal_public          (JgKey        *self,
                                            JgKey        *other);

/* Writes the public line and a newline to @path (mode 0644), replacing
 * it atomically. */
gboolean      jg_key_export_public         (JgKey        *self,
                                            const char   *path,
                                            GError      **error);

/* "SHA256:…" of a public key blob. */
char         *jg_key_fingerprint_of_blob   (GBytes       *blob);

G_END_DECLS
