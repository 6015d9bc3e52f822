/* jg-host.h — the connection fields shared by machines and jump hosts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  JG_AUTH_AUTO = 0,   /* like ssh: agent, keys, keyboard-interactive, password */
  JG_AUTH_AGENT,
  JG_AUTH_KEY_FILE,
  JG_AUTH_KEY,        /* a key Jumpgate holds in the keyring (key-id) */
  JG_AUTH_PASSWORD,
} JgAuthMethod;

#define JG_DEFAULT_SSH_PORT 22
#define JG_DEFAULT_KEEPALIVE 30

#define JG_TYPE_HOST (jg_host_get_type ())
G_DECLARE_DERIVABLE_TYPE (JgHost, jg_host, JG, HOST, GObject)

struct _JgHostClass
{
  GObjectClass parent_class;

  /* "vm", "own" or "jump" */
  const char *(*get_kind_name) (JgHost *self);
};

const char   *jg_host_get_id                  (JgHost       *self);
void          jg_host_set_id                  (JgHost       *self,
                                               const char   *id);
const char   *jg_host_get_name                (JgHost       *self);
void          jg_host_set_name                (JgHost       *self,
                                               const char   *name);
const char   *jg_host_get_hostname            (JgHost       *self);
void          jg_host_set_hostname            (JgHost       *self,
                                               const char   *hostname);
guint         jg_host_get_port                (JgHost       *self);
void          jg_host_set_port                (JgHost       *self,
                                               guint         port);
const char   *jg_host_get_user                (JgHost       *self);
void          jg_host_set_user                (JgHost       *self,
                                               const char   *user);
const char   *jg_host_get_jump_id             (JgHost       *self);
void          jg_host_set_jump_id             (JgHost       *self,
                                               const char   *jump_id);
JgAuthMethod  jg_host_get_auth                (JgHost       *self);
void          jg_host_set_auth                (JgHost       *self,
                                               JgAuthMethod  auth);
const char   *jg_host_get_identity_file       (JgHost       *self);
void          jg_host_set_identity_file       (JgHost       *self,
                                               const char   *path);
gboolean      jg_host_get_identities_only     (JgHost       *self);
void          jg_host_set_identities_only     (JgHost       *self,
                                               gboolean      only);
const char   *jg_host_get_key_id              (JgHost       *self);
void          jg_host_set_key_id              (JgHost       *self,
                                               const char   *key_id);
gboolean      jg_host_get_forward_agent       (JgHost       *self);
void          jg_host_set_forward_agent       (JgHost       *self,
                                               gboolean      forward);
guint         jg_host_get_keepalive_interval  (JgHost       *self);
void          jg_host_set_keepalive_interval  (JgHost       *self,
                                               guint         seconds);
const char   *jg_host_get_known_hosts_file    (JgHost       *self);
void          jg_host_set_known_hosts_file    (JgHost       *self,
                                               const char   *path);
gboolean      jg_host_get_remember_password   (JgHost       *self);
void          jg_host_set_remember_password   (JgHost       *self,
                                               gboolean      remember);

const char   *jg_host_get_kind_name           (JgHost       *self);
guint         jg_host_get_effective_port      (JgHost       *self);
char         *jg_host_dup_effective_user      (JgHost       *self);
char         *jg_host_dup_destination         (JgHost       *self);

/* Members of the stored JSON object this version does not know; kept so that
 * a load/save round trip loses nothing. May be NULL. */
JsonObject   *jg_host_get_extra               (JgHost       *self);
void          jg_host_set_extra               (JgHost       *self,
                                               JsonObject   *extra);

const char   *jg_auth_method_to_string        (JgAuthMethod  auth);
gboolean      jg_auth_method_from_string      (const char   *str,
                                               JgAuthMethod *auth);

G_END_DECLS
