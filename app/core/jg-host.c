/* jg-host.c — the connection fields shared by machines and jump hosts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "jg-host.h"

typedef struct
{
  char         *id;
  char         *name;
  char         *hostname;
  guint         port;
  char         *user;
  char         *jump_id;
  JgAuthMethod  auth;
  char         *identity_file;
  gboolean      identities_only;
  char         *key_id;
  gboolean      forward_agent;
  guint         keepalive_interval;
  char         *known_hosts_file;
  gboolean      remember_password;
  JsonObject   *extra;
} JgHostPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (JgHost, jg_host, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_HOSTNAME,
  PROP_PORT,
  PROP_USER,
  PROP_JUMP_ID,
  PROP_AUTH,
  PROP_IDENTITY_FILE,
  PROP_IDENTITIES_ONLY,
  PROP_KEY_ID,
  PROP_FORWARD_AGENT,
  PROP_KEEPALIVE_INTERVAL,
  PROP_KNOWN_HOSTS_FILE,
  PROP_REMEMBER_PASSWORD,
  PROP_DESTINATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const auth_names[] = {
  [JG_AUTH_AUTO] = "auto",
  [JG_AUTH_AGENT] = "agent",
  [JG_AUTH_KEY_FILE] = "key-file",
  [JG_AUTH_KEY] = "key",
  [JG_AUTH_PASSWORD] = "password",
};

const char *
jg_auth_method_to_string (JgAuthMethod auth)
{
  if ((guint) auth >= G_N_ELEMENTS (auth_names))
    return "auto";
  return auth_names[auth];
}

gboolean
jg_auth_method_from_string (const char   *str,
                            JgAuthMethod *auth)
{
  g_return_val_if_fail (auth != NULL, FALSE);

  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (auth_names); i++)
    {
      if (g_strcmp0 (str, auth_names[i]) == 0)
        {
          *auth = (JgAuthMethod) i;
          return TRUE;
        }
    }
  return FALSE;
}

/* Sets *field to a copy of value (NULL for ""), notifying when it changed. */
static void
set_string (JgHost      *self,
            char       **field,
            const char  *value,
            guint        prop_id)
{
  if (value != NULL && value[0] == '\0')
    value = NULL;
  if (g_strcmp0 (*field, value) != 0)
    {
      g_free (*field);
      *field = g_strdup (value);
      g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
      if (prop_id == PROP_HOSTNAME || prop_id == PROP_PORT || prop_id == PROP_USER)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESTINATION]);
    }
}

static void
set_uint (JgHost *self,
          guint  *field,
          guint   value,
          guint   prop_id)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
  if (prop_id == PROP_PORT)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESTINATION]);
}

static void
jg_host_finalize (GObject *object)
{
  JgHostPrivate *priv = jg_host_get_instance_private (JG_HOST (object));

  g_free (priv->id);
  g_free (priv->name);
  g_free (priv->hostname);
  g_free (priv->user);
  g_free (priv->jump_id);
  g_free (priv->identity_file);
  g_free (priv->key_id);
  g_free (priv->known_hosts_file);
  g_clear_pointer (&priv->extra, json_object_unref);

  G_OBJECT_CLASS (jg_host_parent_class)->finalize (object);
}

static void
jg_host_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  JgHost *self = JG_HOST (object);
  JgHostPrivate *priv = jg_host_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, priv->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, priv->name);
      break;
    case PROP_HOSTNAME:
      g_value_set_string (value, priv->hostname);
      break;
    case PROP_PORT:
      g_value_set_uint (value, priv->port);
      break;
    case PROP_USER:
      g_value_set_string (value, priv->user);
      break;
    case PROP_JUMP_ID:
      g_value_set_string (value, priv->jump_id);
      break;
    case PROP_AUTH:
      g_value_set_uint (value, priv->auth);
      break;
    case PROP_IDENTITY_FILE:
      g_value_set_string (value, priv->identity_file);
      break;
    case PROP_IDENTITIES_ONLY:
      g_value_set_boolean (value, priv->identities_only);
      break;
    case PROP_KEY_ID:
      g_value_set_string (value, priv->key_id);
      break;
    case PROP_FORWARD_AGENT:
      g_value_set_boolean (value, priv->forward_agent);
      break;
    case PROP_KEEPALIVE_INTERVAL:
      g_value_set_uint (value, priv->keepalive_interval);
      break;
    case PROP_KNOWN_HOSTS_FILE:
      g_value_set_string (value, priv->known_hosts_file);
      break;
    case PROP_REMEMBER_PASSWORD:
      g_value_set_boolean (value, priv->remember_password);
      break;
    case PROP_DESTINATION:
      g_value_take_string (value, jg_host_dup_destination (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jg_host_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  JgHost *self = JG_HOST (object);

  switch (prop_id)
    {
    case PROP_ID:
      jg_host_set_id (self, g_value_get_string (value));
      break;
    case PROP_NAME:
      jg_host_set_name (self, g_value_get_string (value));
      break;
    case PROP_HOSTNAME:
      jg_host_set_hostname (self, g_value_get_string (value));
      break;
    case PROP_PORT:
      jg_host_set_port (self, g_value_get_uint (value));
      break;
    case PROP_USER:
      jg_host_set_user (self, g_value_get_string (value));
      break;
    case PROP_JUMP_ID:
      jg_host_set_jump_id (self, g_value_get_string (value));
      break;
    case PROP_AUTH:
      jg_host_set_auth (self, g_value_get_uint (value));
      break;
    case PROP_IDENTITY_FILE:
      jg_host_set_identity_file (self, g_value_get_string (value));
      break;
    case PROP_IDENTITIES_ONLY:
      jg_host_set_identities_only (self, g_value_get_boolean (value));
      break;
    case PROP_KEY_ID:
      jg_host_set_key_id (self, g_value_get_string (value));
      break;
    case PROP_FORWARD_AGENT:
      jg_host_set_forward_agent (self, g_value_get_boolean (value));
      break;
    case PROP_KEEPALIVE_INTERVAL:
      jg_host_set_keepalive_interval (self, g_value_get_uint (value));
      break;
    case PROP_KNOWN_HOSTS_FILE:
      jg_host_set_known_hosts_file (self, g_value_get_string (value));
      break;
    case PROP_REMEMBER_PASSWORD:
      jg_host_set_remember_password (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jg_host_constructed (GObject *object)
{
  JgHostPrivate *priv = jg_host_get_instance_private (JG_HOST (object));

  G_OBJECT_CLASS (jg_host_parent_class)->constructed (object);

  if (priv->id == NULL)
    priv->id = g_uuid_string_random ();
}

static void
jg_host_class_init (JgHostClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = jg_host_finalize;
  object_class->get_property = jg_host_get_property;
  object_class->set_property = jg_host_set_property;
  object_class->constructed = jg_host_constructed;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, rw | G_PARAM_CONSTRUCT);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, rw);
  properties[PROP_HOSTNAME] = g_param_spec_string ("hostname", NULL, NULL, NULL, rw);
  properties[PROP_PORT] = g_param_spec_uint ("port", NULL, NULL, 0, 65535, 0, rw);
  properties[PROP_USER] = g_param_spec_string ("user", NULL, NULL, NULL, rw);
  properties[PROP_JUMP_ID] = g_param_spec_string ("jump-id", NULL, NULL, NULL, rw);
  properties[PROP_AUTH] = g_param_spec_uint ("auth", NULL, NULL, 0, JG_AUTH_PASSWORD, JG_AUTH_AUTO, rw);
  properties[PROP_IDENTITY_FILE] = g_param_spec_string ("identity-file", NULL, NULL, NULL, rw);
  properties[PROP_IDENTITIES_ONLY] = g_param_spec_boolean ("identities-only", NULL, NULL, FALSE, rw);
  properties[PROP_KEY_ID] = g_param_spec_string ("key-id", NULL, NULL, NULL, rw);
  properties[PROP_FORWARD_AGENT] = g_param_spec_boolean ("forward-agent", NULL, NULL, FALSE, rw);
  properties[PROP_KEEPALIVE_INTERVAL] =
    g_param_spec_uint ("keepalive-interval", NULL, NULL, 0, G_MAXINT, JG_DEFAULT_KEEPALIVE, rw);
  properties[PROP_KNOWN_HOSTS_FILE] = g_param_spec_string ("known-hosts-file", NULL, NULL, NULL, rw);
  properties[PROP_REMEMBER_PASSWORD] = g_param_spec_boolean ("remember-password", NULL, NULL, FALSE, rw);
  properties[PROP_DESTINATION] =
    g_param_spec_string ("destination", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
jg_host_init (JgHost *self)
{
  JgHostPrivate *priv = jg_host_get_instance_private (self);

  priv->keepalive_interval = JG_DEFAULT_KEEPALIVE;
}

#define PRIV(self) ((JgHostPrivate *) jg_host_get_instance_private (self))

const char *
jg_host_get_id (JgHost *self)
{
  g_return_val_if_fail (JG_IS_HOST (self), NULL);
  return PRIV (self)->id;
}

void
jg_host_set_id (JgHost     *self,
                const char *id)
{
  g_return_if_fail (JG_IS_HOST (self));
  /* An id is never empty: keep the generated one. */
  if (id == NULL || id[0] == '\0')
    return;
  set_string (self, &PRIV (self)->id, id, PROP_ID);
}

const char *
jg_host_get_name (JgHost *self)
{
  g_return_val_if_fail (JG_IS_HOST (self), NULL);
  return PRIV (self)->name;
}

void
jg_host_set_name (JgHost     *self,
                  const char *name)
{
  g_return_if_fail (JG_IS_HOST (self));
  set_string (self, &PRIV (self)->name, name, PROP_NAME);
}

const char *
jg_host_get_hostname (JgHost *self)
{
  g_return_val_if_fail (JG_IS_HOST (self), NULL);
  return PRIV (self)->hostname;
}

void
jg_host_set_hostname (JgHost     *self,
                      const char *hostname)
{
  g_return_if_fail (JG_IS_HOST (self));
  set_string (self, &PRIV (self)->hostname, hostname, PROP_HOSTNAME);
}

guint
jg_host_get_port (JgHost *self)
{
  g_return_val_if_fail (JG_IS_HOST (self), 0);
  return PRIV (self)->port;
}

void
jg_host_set_port (JgHost *self,
                  guint   port)
{
  g_return_if_fail (JG_IS_HOST (self));
  g_return_if_fail (port <= 65535);
  set_uint (self, &PRIV (self)->port, port, PROP_PORT);
}

const char *
jg_host_get_user (JgHost *self)
{
  g_return_val_if_fail (JG_IS_HOST (self), NULL);
  return PRIV (self)->user;
}

void
jg_host_set_user (JgHost     *self,
                  const char *user)
{
  g_return_if_fail (JG_IS_HOST (self));
  set_string (self, &PRIV (self)->user, user, PROP_USER);
}

const char *
jg_host_get_jump_id (JgHost *self)
{
  g_return_val_if_fail (JG_IS_HOST (self), NULL);
  return PRIV (self)->jump_id;
}

void
jg_host_set_jump_id (JgHost     *self,
                     const char *jump_id)
{
  g_return_if_fail (JG_IS_HOST (self));
  set_string (self, &PRIV (self)->jump_id, jump_id, PROP_JUMP_ID);
}

JgAuthMethod
jg_host_get_auth (JgHost *self)
{
  g_return_val_if_fail (JG_IS_HOST (self), JG_AUTH_AUTO);
  return PRIV (self)->auth;
}

void
jg_host_set_auth (JgHost       *self,
                  JgAuthMethod  auth)
{
  g_return_if_fail (JG_IS_HOST (self));
  g_return_if_fail (auth <= JG_AUTH_PASSWORD);
  if (PRIV (self)->auth != auth)
    {
      PRIV (self)->auth = auth;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTH]);
    }
}

const char *
jg_host_get_identity_file (JgHost *self)
{
  g_return_val_if_fail (JG_IS_HOST (self), NULL);
  return PRIV (self)->identity_file;
}

void
jg_host_set_identity_file (JgHost     *self,
                           const char *path)
{
  g_return_if_fail (JG_IS_HOST (self));
  set_string (self, &PRIV (self)->identity_file, path, PROP_IDENTITY_FILE);
}

gboolean
jg_host_get_identities_only (JgHost *self)
{
  g_return_val_if_fail (JG_IS_HOST (self), FALSE);
  return PRIV (self)->identities_only;
}

void
jg_host_set_identities_only (JgHost   *self,
                             gboolean  only)
{
  g_return_if_fail (JG_IS_HOST (self));
  set_uint (self, (guint *) &PRIV (self)->identities_only, !!only, PROP_IDENTITIES_ONLY);
}

const char *
jg_host_get_key_id (JgHost *self)
{
  g_return_val_if_fail (JG_IS_HOST (self), NULL);
  return PRIV (self)->key_id;
}

void
jg_host_set_key_id (JgHost     *self,
                    const char *key_id)
{
  g_return_if_fail (JG_IS_HOST (self));
  set_string (self, &PRIV (self)->key_id, key_id, PROP_KEY_ID);
}

gboolean
jg_host_get_forward_agent (JgHost *self)
{
  g_return_val_if_fail (JG_IS_HOST (self), FALSE);
  return PRIV (self)->forward_agent;
}

void
jg_host_set_forward_agent (JgHost   *self,
                           gboolean  forward)
{
  g_return_if_fail (JG_IS_HOST (self));
  set_uint (self, (guint *) &PRIV (self)->forward_agent, !!forward, PROP_FORWARD_AGENT);
}

guint
jg_host_get_keepalive_interval (JgHost *self)
{
  g_return_val_if_fail (JG_IS_HOST (self), JG_DEFAULT_KEEPALIVE);
  return PRIV (self)->keepalive_interval;
}

void
jg_host_set_keepalive_interval (JgHost *self,
                                guint   seconds)
{
  g_return_if_fail (JG_IS_HOST (self));
  set_uint (self, &PRIV (self)->keepalive_interval, seconds, PROP_KEEPALIVE_INTERVAL);
}

const char *
jg_host_get_known_hosts_file (JgHost *self)
{
  g_return_val_if_fail (JG_IS_HOST (self), NULL);
  return PRIV (self)->known_hosts_file;
}

void
jg_host_set_known_hosts_file (JgHost     *self,
                              const char *path)
{
  g_return_if_fail (JG_IS_HOST (self));
  set_string (self, &PRIV (self)->known_hosts_file, path, PROP_KNOWN_HOSTS_FILE);
}

gboolean
jg_host_get_remember_password (JgHost *self)
{
  g_return_val_if_fail (JG_IS_HOST (self), FALSE);
  return PRIV (self)->remember_password;
}

void
jg_host_set_remember_password (JgHost   *self,
                               gboolean  remember)
{
  g_return_if_fail (JG_IS_HOST (self));
  set_uint (self, (guint *) &PRIV (self)->remember_password, !!remember, PROP_REMEMBER_PASSWORD);
}

JsonObject *
jg_host_get_extra (JgHost *self)
{
  g_return_val_if_fail (JG_IS_HOST (self), NULL);
  return PRIV (self)->extra;
}

void
jg_host_set_extra (JgHost     *self,
                   JsonObject *extra)
{
  JgHostPrivate *priv;

  g_return_if_fail (JG_IS_HOST (self));

  priv = PRIV (self);
  if (extra != NULL)
    json_object_ref (extra);
  g_clear_pointer (&priv->extra, json_object_unref);
  priv->extra = extra;
}

const char *
jg_host_get_kind_name (JgHost *self)
{
  g_return_val_if_fail (JG_IS_HOST (self), NULL);
  return JG_HOST_GET_CLASS (self)->get_kind_name (self);
}

guint
jg_host_get_effective_port (JgHost *self)
{
  g_return_val_if_fail (JG_IS_HOST (self), JG_DEFAULT_SSH_PORT);
  return PRIV (self)->port != 0 ? PRIV (self)->port : JG_DEFAULT_SSH_PORT;
}

char *
jg_host_dup_effective_user (JgHost *self)
{
  g_return_val_if_fail (JG_IS_HOST (self), NULL);
  return g_strdup (PRIV (self)->user != NULL ? PRIV (self)->user : g_get_user_name ());
}

/* "user@host:port", with an IPv6 literal in brackets. */
char *
jg_host_dup_destination (JgHost *self)
{
  g_autofree char *user = NULL;
  const char *hostname;

  g_return_val_if_fail (JG_IS_HOST (self), NULL);

  user = jg_host_dup_effective_user (self);
  hostname = PRIV (self)->hostname != NULL ? PRIV (self)->hostname : "";
  if (strchr (hostname, ':') != NULL)
    return g_strdup_printf ("%s@[%s]:%u", user, hostname, jg_host_get_effective_port (self));
  return g_strdup_printf ("%s@%s:%u", user, hostname, jg_host_get_effective_port (self));
}
