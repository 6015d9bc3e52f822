/* jg-enroll.c — wait until a new own machine answers, then trust it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The worker owns one short-lived ssh_session per attempt (DESIGN.md
 * decision 2: one thread owns a session). It does not use JgConnection:
 * a connection's session writes an accepted host key at once, and here the
 * key may be written only after the token matched, from the session that
 * proved it. Cancelling shuts the attempt's socket down, so a blocking
 * libssh call returns at once.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "jg-enroll.h"
#include "jg-install-script.h"
#include "jg-keys.h"
#include "jg-known-hosts.h"

#define TOKEN_MAX 256

struct _JgEnroll
{
  GObject       parent_instance;

  char         *machine_id;
  char         *address;
  guint         port;
  char         *user;
  char         *token;
  char         *key_id;
  ssh_key       key;
  char         *known_hosts_file;
  guint         interval_ms;
  guint         timeout;

  gboolean      waiting;
  gint64        started;
  JgEnrollStep  reached;
  char         *status;
  guint         attempts;
  char         *host_key_type;
  char         *host_key_fingerprint;
};

G_DEFINE_FINAL_TYPE (JgEnroll, jg_enroll, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_MACHINE_ID,
  PROP_ADDRESS,
  PROP_PORT,
  PROP_USER,
  PROP_TOKEN,
  PROP_REACHED,
  PROP_STATUS,
  PROP_ATTEMPTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_QUARK (jg-enroll-error-quark, jg_enroll_error)

const char *
jg_enroll_step_to_string (JgEnrollStep step)
{
  switch (step)
    {
    case JG_ENROLL_STEP_NONE: return "none";
    case JG_ENROLL_STEP_PORT_OPEN: return "port-open";
    case JG_ENROLL_STEP_BANNER: return "banner";
    case JG_ENROLL_STEP_KEY_ACCEPTED: return "key-accepted";
    case JG_ENROLL_STEP_TOKEN_MATCHED: return "token-matched";
    default: return "?";
    }
}

/* --------------------------------------------------------------- GObject */

static void
jg_enroll_finalize (GObject *object)
{
  JgEnroll *self = JG_ENROLL (object);

  g_free (self->machine_id);
  g_free (self->address);
  g_free (self->user);
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  g_free (self->key_id);
  g_clear_pointer (&self->key, ssh_key_free);
  g_free (self->known_hosts_file);
  g_free (self->status);
  g_free (self->host_key_type);
  g_free (self->host_key_fingerprint);

  G_OBJECT_CLASS (jg_enroll_parent_class)->finalize (object);
}

static void
jg_enroll_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  JgEnroll *self = JG_ENROLL (object);

  switch (prop_id)
    {
    case PROP_MACHINE_ID: g_value_set_string (value, self->machine_id); break;
    case PROP_ADDRESS: g_value_set_string (value, self->address); break;
    case PROP_PORT: g_value_set_uint (value, self->port); break;
    case PROP_USER: g_value_set_string (value, self->user); break;
    case PROP_REACHED: g_value_set_uint (value, self->reached); break;
    case PROP_STATUS: g_value_set_string (value, self->status); break;
    case PROP_ATTEMPTS: g_value_set_uint (value, self->attempts); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jg_enroll_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  JgEnroll *self = JG_ENROLL (object);

  switch (prop_id)
    {
    case PROP_MACHINE_ID: self->machine_id = g_value_dup_string (value); break;
    case PROP_ADDRESS: self->address = g_value_dup_string (value); break;
    case PROP_PORT: self->port = g_value_get_uint (value); break;
    case PROP_USER: self->user = g_value_dup_string (value); break;
    case PROP_TOKEN: self->token = g_value_dup_string (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jg_enroll_class_init (JgEnrollClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = jg_enroll_finalize;
  object_class->get_property = jg_enroll_get_property;
  object_class->set_property = jg_enroll_set_property;

  properties[PROP_MACHINE_ID] =
    g_param_spec_string ("machine-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ADDRESS] =
    g_param_spec_string ("address", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 1, 65535, 22,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USER] =
    g_param_spec_string ("user", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOKEN] =
    g_param_spec_string ("token", NULL, NULL, NULL,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REACHED] =
    g_param_spec_uint ("reached", NULL, NULL, JG_ENROLL_STEP_NONE, JG_ENROLL_STEP_TOKEN_MATCHED,
                       JG_ENROLL_STEP_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ATTEMPTS] =
    g_param_spec_uint ("attempts", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
jg_enroll_init (JgEnroll *self)
{
  self->interval_ms = JG_ENROLL_DEFAULT_INTERVAL_MS;
  self->timeout = JG_ENROLL_DEFAULT_TIMEOUT;
}

JgEnroll *
jg_enroll_new (const char *machine_id,
               const char *address,
               guint       port,
               const char *user,
               const char *token)
{
  g_return_val_if_fail (machine_id != NULL && g_uuid_string_is_valid (machine_id), NULL);
  g_return_val_if_fail (address != NULL, NULL);
  g_return_val_if_fail (port >= 1 && port <= 65535, NULL);
  g_return_val_if_fail (user != NULL, NULL);
  g_return_val_if_fail (token != NULL, NULL);

  return g_object_new (JG_TYPE_ENROLL,
                       "machine-id", machine_id,
                       "address", address,
                       "port", port,
                       "user", user,
                       "token", token,
                       NULL);
}

const char *
jg_enroll_get_machine_id (JgEnroll *self)
{
  g_return_val_if_fail (JG_IS_ENROLL (self), NULL);
  return self->machine_id;
}

const char *
jg_enroll_get_address (JgEnroll *self)
{
  g_return_val_if_fail (JG_IS_ENROLL (self), NULL);
  return self->address;
}

guint
jg_enroll_get_port (JgEnroll *self)
{
  g_return_val_if_fail (JG_IS_ENROLL (self), 0);
  return self->port;
}

const char *
jg_enroll_get_user (JgEnroll *self)
{
  g_return_val_if_fail (JG_IS_ENROLL (self), NULL);
  return self->user;
}

void
jg_enroll_set_key_id (JgEnroll   *self,
                      const char *key_id)
{
  g_return_if_fail (JG_IS_ENROLL (self));
  g_return_if_fail (!self->waiting);

  g_free (self->key_id);
  self->key_id = g_strdup (key_id);
}

const char *
jg_enroll_get_key_id (JgEnroll *self)
{
  g_return_val_if_fail (JG_IS_ENROLL (self), NULL);
  return self->key_id;
}

void
jg_enroll_take_private_key (JgEnroll *self,
                            ssh_key   key)
{
  g_return_if_fail (JG_IS_ENROLL (self));
  g_return_if_fail (!self->waiting);

  g_clear_pointer (&self->key, ssh_key_free);
  self->key = key;
}

void
jg_enroll_set_known_hosts_file (JgEnroll   *self,
                                const char *path)
{
  g_return_if_fail (JG_IS_ENROLL (self));
  g_return_if_fail (!self->waiting);

  g_free (self->known_hosts_file);
  self->known_hosts_file = g_strdup (path);
}

void
jg_enroll_set_interval (JgEnroll *self,
                        guint     milliseconds)
{
  g_return_if_fail (JG_IS_ENROLL (self));
  g_return_if_fail (!self->waiting);

  self->interval_ms = milliseconds;
}

void
jg_enroll_set_timeout (JgEnroll *self,
                       guint     seconds)
{
  g_return_if_fail (JG_IS_ENROLL (self));
  g_return_if_fail (!self->waiting);

  self->timeout = MAX (seconds, 1);
}

JgEnrollStep
jg_enroll_get_reached (JgEnroll *self)
{
  g_return_val_if_fail (JG_IS_ENROLL (self), JG_ENROLL_STEP_NONE);
  return self->reached;
}

const char *
jg_enroll_get_status (JgEnroll *self)
{
  g_return_val_if_fail (JG_IS_ENROLL (self), NULL);
  return self->status;
}

guint
jg_enroll_get_attempts (JgEnroll *self)
{
  g_return_val_if_fail (JG_IS_ENROLL (self), 0);
  return self->attempts;
}

gint64
jg_enroll_get_started (JgEnroll *self)
{
  g_return_val_if_fail (JG_IS_ENROLL (self), 0);
  return self->started;
}

const char *
jg_enroll_get_host_key_type (JgEnroll *self)
{
  g_return_val_if_fail (JG_IS_ENROLL (self), NULL);
  return self->host_key_type;
}

const char *
jg_enroll_get_host_key_fingerprint (JgEnroll *self)
{
  g_return_val_if_fail (JG_IS_ENROLL (self), NULL);
  return self->host_key_fingerprint;
}

JgMachine *
jg_enroll_create_machine (JgEnroll   *self,
                          const char *name)
{
  JgMachine *machine;
  JgHost *host;

  g_return_val_if_fail (JG_IS_ENROLL (self), NULL);

  machine = jg_machine_new (JG_MACHINE_KIND_OWN);
  host = JG_HOST (machine);
  jg_host_set_id (host, self->machine_id);
  jg_host_set_name (host, name != NULL && name[0] != '\0' ? name : self->address);
  jg_host_set_hostname (host, self->address);
  jg_host_set_port (host, self->port);
  jg_host_set_user (host, self->user);
  if (self->key_id != NULL)
    {
      jg_host_set_auth (host, JG_AUTH_KEY);
      jg_host_set_key_id (host, self->key_id);
    }
  if (self->known_hosts_file != NULL)
    {
      g_autofree char *default_file = jg_known_hosts_default_file ();

      if (!g_str_equal (default_file, self->known_hosts_file))
        jg_host_set_known_hosts_file (host, self->known_hosts_file);
    }
  return machine;
}

/* ---------------------------------------------------------------- worker */

typedef struct
{
  /* Copies for the worker; the JgEnroll is only touched on its thread. */
  JgEnroll     *self;
  GMainContext *context;
  char         *machine_id;
  char         *address;
  guint         port;
  char         *user;
  char         *token;
  char         *key_id;
  ssh_key       key;          /* borrowed from self, which the task holds */
  char         *known_hosts;
  guint         interval_ms;
  guint         timeout;

  GCancellable *cancellable;
  gulong        cancel_id;
  GMutex        lock;
  GCond         cond;
  int           fd;           /* the attempt's socket, under lock */
  gboolean      cancelled;    /* under lock */

  JgEnrollStep  published;    /* the furthest step published in this attempt */

  /* The result. */
  char         *host_key_type;
  char         *host_key_fingerprint;
} Waiter;

static void
waiter_free (Waiter *w)
{
  g_clear_object (&w->self);
  g_main_context_unref (w->context);
  g_free (w->machine_id);
  g_free (w->address);
  g_free (w->user);
  memset (w->token, 0, strlen (w->token));
  g_free (w->token);
  g_free (w->key_id);
  g_free (w->known_hosts);
  g_clear_object (&w->cancellable);
  g_mutex_clear (&w->lock);
  g_cond_clear (&w->cond);
  g_free (w->host_key_type);
  g_free (w->host_key_fingerprint);
  g_free (w);
}

typedef struct
{
  JgEnroll     *self;
  JgEnrollStep  reached;
  char         *status;       /* NULL: keep */
  gboolean      attempt_done;
  char         *key_type;
  char         *fingerprint;
} Update;

static gboolean
apply_update (gpointer data)
{
  Update *u = data;
  JgEnroll *self = u->self;

  if (u->key_type != NULL)
    {
      g_free (self->host_key_type);
      self->host_key_type = g_steal_pointer (&u->key_type);
      g_free (self->host_key_fingerprint);
      self->host_key_fingerprint = g_steal_pointer (&u->fingerprint);
    }
  if (u->attempt_done)
    {
      self->attempts++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTEMPTS]);
    }
  if (self->reached != u->reached)
    {
      self->reached = u->reached;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REACHED]);
    }
  if (u->status != NULL && g_strcmp0 (self->status, u->status) != 0)
    {
      g_free (self->status);
      self->status = g_steal_pointer (&u->status);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
    }
  return G_SOURCE_REMOVE;
}

static void
update_free (gpointer data)
{
  Update *u = data;

  g_object_unref (u->self);
  g_free (u->status);
  g_free (u->key_type);
  g_free (u->fingerprint);
  g_free (u);
}

static void
publish (Waiter       *w,
         JgEnrollStep  reached,
         gboolean      attempt_done,
         const char   *status,
         const char   *key_type,
         const char   *fingerprint)
{
  Update *u = g_new0 (Update, 1);
  GSource *source;

  u->self = g_object_ref (w->self);
  u->reached = reached;
  u->attempt_done = attempt_done;
  u->status = g_strdup (status);
  u->key_type = g_strdup (key_type);
  u->fingerprint = g_strdup (fingerprint);
  /* Always through a source, never g_main_context_invoke(): on a context
   * that nobody owns at this moment invoke() would run apply_update() here,
   * in the worker. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, apply_update, u, update_free);
  g_source_set_static_name (source, "[jumpgate] enrollment progress");
  g_source_attach (source, w->context);
  g_source_unref (source);
}

/* Within an attempt, only forward progress is shown (no flicker back to
 * "port closed" at the start of every attempt). */
static void
advance (Waiter       *w,
         JgEnrollStep  step)
{
  if (step > w->published)
    {
      w->published = step;
      publish (w, step, FALSE, NULL, NULL, NULL);
    }
}

static void
on_cancelled (GCancellable *cancellable,
              gpointer      data)
{
  Waiter *w = data;

  g_mutex_lock (&w->lock);
  w->cancelled = TRUE;
  if (w->fd >= 0)
    shutdown (w->fd, SHUT_RDWR);
  g_cond_broadcast (&w->cond);
  g_mutex_unlock (&w->lock);
}

static gboolean
is_cancelled (Waiter *w)
{
  gboolean cancelled;

  g_mutex_lock (&w->lock);
  cancelled = w->cancelled;
  g_mutex_unlock (&w->lock);
  return cancelled;
}

/* Sleeps @ms unless cancelled first; FALSE when cancelled. */
static gboolean
pause_between (Waiter *w,
               guint   ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;
  gboolean cancelled;

  g_mutex_lock (&w->lock);
  while (!w->cancelled && g_cond_wait_until (&w->cond, &w->lock, end))
    ;
  cancelled = w->cancelled;
  g_mutex_unlock (&w->lock);
  return !cancelled;
}

static void
set_fd (Waiter *w,
        int     fd)
{
  g_mutex_lock (&w->lock);
  w->fd = fd;
  if (fd >= 0 && w->cancelled)
    shutdown (fd, SHUT_RDWR);
  g_mutex_unlock (&w->lock);
}

typedef enum
{
  ATTEMPT_RETRY,
  ATTEMPT_DONE,
  ATTEMPT_FATAL,
} AttemptResult;

/* TCP connect to the first address that accepts; -1 with *status set. */
static int
tcp_connect (Waiter  *w,
             char   **status)
{
  struct addrinfo hints = { 0 };
  struct addrinfo *res = NULL;
  char port[16];
  int saved_errno = 0;
  gboolean timed_out = FALSE;
  int rc;

  g_snprintf (port, sizeof port, "%u", w->port);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG;
  rc = getaddrinfo (w->address, port, &hints, &res);
  if (rc != 0)
    {
      *status = g_strdup_printf (_("The name “%s” does not resolve yet (%s)."), w->address,
                                 rc == EAI_SYSTEM ? g_strerror (errno) : gai_strerror (rc));
      return -1;
    }

  for (struct addrinfo *ai = res; ai != NULL && !is_cancelled (w); ai = ai->ai_next)
    {
      struct pollfd pfd;
      int fd = socket (ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                       ai->ai_protocol);

      if (fd < 0)
        {
          saved_errno = errno;
          continue;
        }
      set_fd (w, fd);
      if (connect (fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS)
        {
          saved_errno = errno;
          set_fd (w, -1);
          close (fd);
          continue;
        }
      pfd.fd = fd;
      pfd.events = POLLOUT;
      do
        rc = poll (&pfd, 1, w->timeout * 1000);
      while (rc < 0 && errno == EINTR);
      if (rc == 0)
        {
          timed_out = TRUE;
          saved_errno = ETIMEDOUT;
        }
      else
        {
          int so_error = 0;
          socklen_t len = sizeof so_error;

          getsockopt (fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
          if (so_error == 0 && !is_cancelled (w))
            {
              int one = 1;
              int flags = fcntl (fd, F_GETFL);

              setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
              fcntl (fd, F_SETFL, flags & ~O_NONBLOCK);
              freeaddrinfo (res);
              return fd;
            }
          saved_errno = so_error;
        }
      set_fd (w, -1);
      close (fd);
    }
  freeaddrinfo (res);

  if (saved_errno == ECONNREFUSED)
    *status = g_strdup_printf (_("Port %u is closed: the SSH server is not running yet, or a firewall refuses the connection."),
                               w->port);
  else if (timed_out)
    *status = g_strdup_printf (_("No answer from %s port %u: the machine is off or unreachable, or a firewall drops the connection."),
                               w->address, w->port);
  else
    *status = g_strdup_printf (_("Could not connect to %s port %u: %s."), w->address, w->port,
                               g_strerror (saved_errno));
  return -1;
}

/* Reads what @command prints on an authenticated session. FALSE with
 * *status set when it could not run or failed. */
static gboolean
run_command (Waiter       *w,
             ssh_session   session,
             const char   *command,
             char         *output,
             gsize         size,
             gsize        *length,
             int          *exit_status)
{
  ssh_channel channel = ssh_channel_new (session);
  gsize got = 0;
  gboolean ok = FALSE;

  *exit_status = -1;
  if (channel == NULL)
    return FALSE;
  if (ssh_channel_open_session (channel) != SSH_OK ||
      ssh_channel_request_exec (channel, command) != SSH_OK)
    goto out;

  for (;;)
    {
      char discard[256];
      int n;

      if (got < size)
        n = ssh_channel_read_timeout (channel, output + got, size - got, 0, w->timeout * 1000);
      else
        n = ssh_channel_read_timeout (channel, discard, sizeof discard, 0, w->timeout * 1000);
      if (n == SSH_ERROR || (n == 0 && !ssh_channel_is_eof (channel) && !ssh_channel_is_closed (channel)))
        goto out;
      if (n == 0)
        break;
      if (got < size)
        got += n;
    }
  ssh_channel_send_eof (channel);
  /* The exit status follows EOF; wait for it. */
  *exit_status = ssh_channel_get_exit_status (channel);
  ok = TRUE;

out:
  *length = got;
  ssh_channel_close (channel);
  ssh_channel_free (channel);
  return ok;
}

/* Constant time for equal lengths; the lengths are not secret. */
static gboolean
tokens_equal (const char *a,
              gsize       a_len,
              const char *b,
              gsize       b_len)
{
  volatile guint8 diff = 0;

  if (a_len != b_len)
    return FALSE;
  for (gsize i = 0; i < a_len; i++)
    diff |= (guint8) a[i] ^ (guint8) b[i];
  return diff == 0;
}

static AttemptResult
attempt (Waiter   *w,
         char    **status,
         GError  **error)
{
  const char * const files[] = { w->known_hosts, NULL };
  g_autofree char *token_path = jg_install_script_token_path (w->machine_id);
  g_autofree char *read_command = NULL;
  g_autofree char *remove_command = NULL;
  g_autofree char *type = NULL;
  g_autofree char *fingerprint = NULL;
  g_autoptr(GError) local_error = NULL;
  JgKnownHostMatch match = { 0 };
  JgKnownHostStatus known;
  ssh_session session = NULL;
  ssh_key server_key = NULL;
  char *b64 = NULL;
  char output[TOKEN_MAX];
  gsize length = 0;
  int exit_status = -1;
  long timeout = w->timeout;
  int verbosity = SSH_LOG_NOLOG;
  gboolean no = FALSE;
  AttemptResult result = ATTEMPT_RETRY;
  int fd;
  int rc;

  w->published = JG_ENROLL_STEP_NONE;
  fd = tcp_connect (w, status);
  if (fd < 0)
    return ATTEMPT_RETRY;
  advance (w, JG_ENROLL_STEP_PORT_OPEN);

  session = ssh_new ();
  ssh_options_set (session, SSH_OPTIONS_LOG_VERBOSITY, &verbosity);
  ssh_options_set (session, SSH_OPTIONS_PROCESS_CONFIG, &no);
  ssh_options_set (session, SSH_OPTIONS_HOST, w->address);
  ssh_options_set (session, SSH_OPTIONS_PORT, &w->port);
  ssh_options_set (session, SSH_OPTIONS_USER, w->user);
  ssh_options_set (session, SSH_OPTIONS_TIMEOUT, &timeout);
  ssh_options_set (session, SSH_OPTIONS_KNOWNHOSTS, "/dev/null");
  ssh_options_set (session, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
  ssh_options_set (session, SSH_OPTIONS_FD, &fd);

  if (ssh_connect (session) != SSH_OK)
    {
      if (ssh_get_serverbanner (session) == NULL)
        *status = g_strdup_printf (_("Port %u is open, but no SSH server answered yet."), w->port);
      else
        {
          advance (w, JG_ENROLL_STEP_BANNER);
          *status = g_strdup_printf (_("The SSH handshake failed: %s"), ssh_get_error (session));
        }
      goto out;
    }
  advance (w, JG_ENROLL_STEP_BANNER);

  /* The host key: accepted provisionally, saved only after the token. */
  if (ssh_get_server_publickey (session, &server_key) != SSH_OK ||
      ssh_pki_export_pubkey_base64 (server_key, &b64) != SSH_OK)
    {
      *status = g_strdup_printf (_("The SSH server’s host key could not be read: %s"),
                                 ssh_get_error (session));
      goto out;
    }
  type = g_strdup (ssh_key_type_to_char (ssh_key_type (server_key)));
  fingerprint = jg_known_hosts_fingerprint (b64);
  publish (w, w->published, FALSE, NULL, type, fingerprint);

  known = jg_known_hosts_check (files, w->address, w->port, type, b64, &match, &local_error);
  if (local_error != NULL)
    {
      g_set_error (error, JG_ENROLL_ERROR, JG_ENROLL_ERROR_FAILED,
                   _("The known hosts could not be read: %s"), local_error->message);
      result = ATTEMPT_FATAL;
      goto out;
    }
  if (known == JG_KNOWN_HOST_CHANGED || known == JG_KNOWN_HOST_REVOKED)
    {
      g_autofree char *name = jg_known_hosts_lookup_name (w->address, w->port);

      if (known == JG_KNOWN_HOST_REVOKED)
        g_set_error (error, JG_ENROLL_ERROR, JG_ENROLL_ERROR_HOST_KEY_CHANGED,
                     _("The host key %s %s of %s is marked revoked in %s line %u: Jumpgate will not add this machine."),
                     type, fingerprint, name, match.file, match.line);
      else
        g_set_error (error, JG_ENROLL_ERROR, JG_ENROLL_ERROR_HOST_KEY_CHANGED,
                     _("%s answers with the host key %s %s, but %s line %u holds another one (%s %s) for that address. "
                       "If the machine at that address was reinstalled or replaced, remove the old key with "
                       "“ssh-keygen -R '%s' -f %s” and try again; otherwise someone may be intercepting the connection."),
                     name, type, fingerprint, match.file, match.line, match.old_key_type,
                     match.old_fingerprint, name, match.file);
      result = ATTEMPT_FATAL;
      goto out;
    }

  rc = ssh_userauth_publickey (session, NULL, w->key);
  if (rc != SSH_AUTH_SUCCESS)
    {
      if (rc == SSH_AUTH_PARTIAL)
        *status = g_strdup_printf (_("The SSH server accepts Jumpgate’s key for %s but asks for more (a second factor): Jumpgate’s key alone must be enough."),
                                   w->user);
      else if (rc == SSH_AUTH_DENIED)
        *status = g_strdup_printf (_("An SSH server answers, but does not accept Jumpgate’s key for %s yet: run the script on the machine."),
                                   w->user);
      else
        *status = g_strdup_printf (_("Authentication failed: %s"), ssh_get_error (session));
      goto out;
    }
  advance (w, JG_ENROLL_STEP_KEY_ACCEPTED);

  read_command = g_strdup_printf ("cat %s", token_path);
  if (!run_command (w, session, read_command, output, sizeof output, &length, &exit_status))
    {
      *status = g_strdup_printf (_("Jumpgate’s key is accepted, but reading the enrollment token failed: %s"),
                                 ssh_get_error (session));
      goto out;
    }
  while (length > 0 && (output[length - 1] == '\n' || output[length - 1] == '\r'))
    length--;
  if (exit_status != 0 || length == 0)
    {
      *status = g_strdup (_("Jumpgate’s key is accepted; waiting for the script to write the enrollment token."));
      goto out;
    }
  if (!tokens_equal (output, length, w->token, strlen (w->token)))
    {
      g_set_error (error, JG_ENROLL_ERROR, JG_ENROLL_ERROR_TOKEN_MISMATCH,
                   _("The machine at %s port %u has an enrollment token other than this script’s: it is not the machine "
                     "that ran this script. Jumpgate did not add it and did not trust its host key (%s %s). "
                     "Check the address, and run this script on the machine you mean."),
                   w->address, w->port, type, fingerprint);
      result = ATTEMPT_FATAL;
      goto out;
    }
  advance (w, JG_ENROLL_STEP_TOKEN_MATCHED);

  /* The token is single-use: gone from the machine once it served. */
  remove_command = g_strdup_printf ("rm -f %s", token_path);
  run_command (w, session, remove_command, output, sizeof output, &length, &exit_status);

  if (known == JG_KNOWN_HOST_UNKNOWN &&
      !jg_known_hosts_append (w->known_hosts, w->address, w->port, type, b64, &local_error))
    {
      g_set_error (error, JG_ENROLL_ERROR, JG_ENROLL_ERROR_FAILED,
                   _("The machine is enrolled, but its host key could not be saved: %s"),
                   local_error->message);
      result = ATTEMPT_FATAL;
      goto out;
    }
  w->host_key_type = g_steal_pointer (&type);
  w->host_key_fingerprint = g_steal_pointer (&fingerprint);
  *status = g_strdup (_("The machine answered with the right token: it is added."));
  result = ATTEMPT_DONE;

out:
  explicit_bzero (output, sizeof output);
  jg_known_host_match_clear (&match);
  ssh_string_free_char (b64);
  ssh_key_free (server_key);
  set_fd (w, -1);
  ssh_disconnect (session);
  ssh_free (session);
  /* libssh 0.10 leaves a socket given with SSH_OPTIONS_FD open: without
   * this the server's session would live on until this process ends. */
  close (fd);
  return result;
}

static void
wait_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  Waiter *w = data;
  ssh_key loaded = NULL;
  GError *error = NULL;

  if (w->key == NULL)
    {
      loaded = jg_keys_load_private_sync (w->key_id, NULL, cancellable, &error);
      if (loaded == NULL)
        {
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              GError *wrapped = g_error_new (JG_ENROLL_ERROR, JG_ENROLL_ERROR_NO_KEY, "%s",
                                             error->message);
              g_clear_error (&error);
              error = wrapped;
            }
          g_task_return_error (task, error);
          return;
        }
      w->key = loaded;
    }

  for (;;)
    {
      g_autofree char *status = NULL;
      AttemptResult result = attempt (w, &status, &error);

      if (result == ATTEMPT_DONE)
        {
          publish (w, JG_ENROLL_STEP_TOKEN_MATCHED, TRUE, status, w->host_key_type,
                   w->host_key_fingerprint);
          g_task_return_boolean (task, TRUE);
          break;
        }
      if (result == ATTEMPT_FATAL)
        {
          publish (w, w->published, TRUE, error->message, NULL, NULL);
          g_task_return_error (task, error);
          break;
        }
      if (is_cancelled (w))
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                   _("Stopped waiting for the machine."));
          break;
        }
      publish (w, w->published, TRUE, status, NULL, NULL);
      if (!pause_between (w, w->interval_ms))
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                   _("Stopped waiting for the machine."));
          break;
        }
    }

  if (loaded != NULL)
    {
      w->key = NULL;
      ssh_key_free (loaded);
    }
}

static void
on_wait_done (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(GTask) outer = data;
  JgEnroll *self = g_task_get_source_object (outer);
  GError *error = NULL;

  self->waiting = FALSE;
  if (g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_boolean (outer, TRUE);
  else
    g_task_return_error (outer, error);
}

static void
waiter_disconnect (Waiter *w)
{
  if (w->cancel_id != 0)
    g_cancellable_disconnect (w->cancellable, w->cancel_id);
  w->cancel_id = 0;
  waiter_free (w);
}

void
jg_enroll_wait_async (JgEnroll            *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) inner = NULL;
  Waiter *w;

  g_return_if_fail (JG_IS_ENROLL (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, jg_enroll_wait_async);
  /* An enrollment that completed (host key saved) is reported as such. */
  g_task_set_check_cancellable (outer, FALSE);

  if (self->waiting)
    {
      g_task_return_new_error (outer, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "jg_enroll_wait_async() is already running");
      return;
    }
  if (self->key == NULL && self->key_id == NULL)
    {
      g_task_return_new_error (outer, JG_ENROLL_ERROR, JG_ENROLL_ERROR_NO_KEY,
                               _("No key was chosen for the machine."));
      return;
    }

  self->waiting = TRUE;
  self->started = g_get_monotonic_time ();

  w = g_new0 (Waiter, 1);
  w->self = g_object_ref (self);
  w->context = g_main_context_ref_thread_default ();
  w->machine_id = g_strdup (self->machine_id);
  w->address = g_strdup (self->address);
  w->port = self->port;
  w->user = g_strdup (self->user);
  w->token = g_strdup (self->token);
  w->key_id = g_strdup (self->key_id);
  w->key = self->key;
  w->known_hosts = self->known_hosts_file != NULL ? g_strdup (self->known_hosts_file)
                                                  : jg_known_hosts_default_file ();
  w->interval_ms = self->interval_ms;
  w->timeout = self->timeout;
  w->fd = -1;
  g_mutex_init (&w->lock);
  g_cond_init (&w->cond);
  if (cancellable != NULL)
    {
      w->cancellable = g_object_ref (cancellable);
      w->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), w, NULL);
    }

  /* The inner task runs the worker and owns the Waiter; the outer one is
   * what the caller sees (its result comes after the last update). */
  inner = g_task_new (NULL, cancellable, on_wait_done, g_steal_pointer (&outer));
  g_task_set_source_tag (inner, jg_enroll_wait_async);
  g_task_set_return_on_cancel (inner, FALSE);
  g_task_set_check_cancellable (inner, FALSE);
  g_task_set_task_data (inner, w, (GDestroyNotify) waiter_disconnect);
  g_task_run_in_thread (inner, wait_thread);
}

gboolean
jg_enroll_wait_finish (JgEnroll      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (JG_IS_ENROLL (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == jg_enroll_wait_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
