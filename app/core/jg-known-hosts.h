/* jg-known-hosts.h — OpenSSH known_hosts files: look up, check, append
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure GLib (no libssh): keys are handled as their type name
 * ("ssh-ed25519") and the base64 of their public blob, as in the file.
 * Understood: plain and hashed (|1|salt|hash) host fields, comma lists,
 * `*`/`?` wildcards and `!` negations, `[host]:port` for ports other than 22,
 * @revoked lines (refused) and @cert-authority lines (ignored).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  JG_KNOWN_HOST_UNKNOWN = 0,  /* no entry of this key type for the host */
  JG_KNOWN_HOST_OK,           /* the key is known for the host */
  JG_KNOWN_HOST_CHANGED,      /* an entry of the same type holds another key */
  JG_KNOWN_HOST_REVOKED,      /* the key is marked @revoked */
} JgKnownHostStatus;

typedef struct
{
  JgKnownHostStatus  status;
  /* OK, REVOKED: the matching line; CHANGED: the line of the old key. */
  char              *file;
  guint              line;
  char              *old_key_type;      /* CHANGED: the old key */
  char              *old_fingerprint;   /* CHANGED: "SHA256:…" */
  /* UNKNOWN: whether the host has keys of other types (a warning sign). */
  gboolean           other_types_known;
} JgKnownHostMatch;

void               jg_known_host_match_clear     (JgKnownHostMatch   *match);

/* "host" for port 22 (or 0), "[host]:port" otherwise: the name the entries
 * are looked up and written under. */
char              *jg_known_hosts_lookup_name    (const char         *host,
                                                  guint               port);

/* "SHA256:" + unpadded base64 of the SHA-256 of the key blob, or NULL
 * when @key_base64 is not base64. */
char              *jg_known_hosts_fingerprint    (const char         *key_base64);

/* "|1|base64(salt)|base64(HMAC-SHA1(salt, name))"; @salt is 20 bytes, or
 * NULL for a random one. */
char              *jg_known_hosts_hash_name      (const char         *name,
                                                  const guint8       *salt);

/* Checks the key against @files in order (missing files are skipped; the
 * default list is ~/.ssh/known_hosts). An entry with the same key wins over
 * an entry with another key (OpenSSH: a host may be listed twice). Errors
 * only for files that exist but cannot be read. */
JgKnownHostStatus  jg_known_hosts_check          (const char * const *files,
                                                  const char         *host,
                                                  guint               port,
                                                  const char         *key_type,
                                                  const char         *key_base64,
                                                  JgKnownHostMatch   *match,
                                                  GError            **error);

/* The key types known for the host, in file order without duplicates
 * (to prefer them in the key exchange, as OpenSSH does). */
GStrv              jg_known_hosts_get_key_types  (const char * const *files,
                                                  const char         *host,
                                                  guint               port);

/* Appends "name type base64" to @file, creating it (0600) and its folder
 * (0700) if needed. The name is hashed when the file already holds a hashed
 * entry (see jg_known_hosts_file_hashes()). */
gboolean           jg_known_hosts_append         (const char         *file,
                                                  const char         *host,
                                                  guint               port,
                                                  const char         *key_type,
                                                  const char         *key_base64,
                                                  GError            **error);

/* Whether @file holds at least one hashed entry. */
gboolean           jg_known_hosts_file_hashes    (const char         *file);

/* ~/.ssh/known_hosts */
char              *jg_known_hosts_default_file   (void);

G_END_DECLS
