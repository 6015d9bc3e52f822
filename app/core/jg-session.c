/* jg-session.c — hop sessions: one worker thread per ssh_session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A worker connects its hop (TCP for the first hop, else a direct-tcpip
 * channel of the parent hop delivered as one end of a socketpair), checks
 * the host key, authenticates, then runs a poll loop (ssh_event) that pumps
 * every channel of the session to its file descriptor: the socketpairs of
 * the hops behind it, pty slaves, the pipes of --exec. Other threads talk to
 * it through a command queue and an eventfd; it answers through reporters
 * (an idle source attached to the caller's context).
 *
 * Flow control: a channel's data is written to its fd straight from
 * libssh's packet callback; when the fd is full the rest stays in the
 * channel buffer, which stops libssh from growing the window, so the server
 * stops sending. The other way, an fd is only read while the peer's window
 * has room. Nothing is buffered beyond one window per direction: libssh's
 * 1.25 MB, or WIDE_WINDOW for the channels of tunnels and --exec while
 * their data is taken as fast as it comes (pump_widen ()).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <libssh/libssh.h>
#include <libssh/callbacks.h>
#include <libssh/server.h>
#include <openssl/crypto.h>

#include "jg-agent.h"
#include "jg-capped-agent.h"
#include "jg-key-list.h"
#include "jg-keys.h"
#include "jg-known-hosts.h"
#include "jg-secrets.h"
#include "jg-session-private.h"

#define IO_CHUNK          (256 * 1024)
/* The window a forwarding or --exec channel grants: libssh keeps 1.25 MB
 * (its WINDOWBASE), which stalls a tunnel whose window adjustments travel
 * through another hop; OpenSSH's is 2 MiB. 4 MiB measured fastest through
 * the lab's jump host (2 and 8 MiB were slower). */
#define WIDE_WINDOW       (4 * 1024 * 1024)
#define SOCKPAIR_BUF      (1024 * 1024)
#define MAX_KEY_FILES     4
#define MAX_PASSWORD_TRIES 3
#define KEEPALIVE_MAX_MISSED 3

#define CIPHERS "aes256-gcm@openssh.com,aes128-gcm@openssh.com,chacha20-poly1305@openssh.com," \
                "aes256-ctr,aes192-ctr,aes128-ctr"
#define HOSTKEYS "ssh-ed25519,ecdsa-sha2-nistp521,ecdsa-sha2-nistp384,ecdsa-sha2-nistp256," \
                 "rsa-sha2-512,rsa-sha2-256"

/* ---------------------------------------------------------------- config */

static char *
expand_home (const char *path)
{
  if (path == NULL || *path == '\0')
    return NULL;
  if (path[0] == '~' && (path[1] == '/' || path[1] == '\0'))
    return g_build_filename (g_get_home_dir (), path + 1, NULL);
  return g_strdup (path);
}

JgHopConfig *
jg_hop_config_new (JgHost *host)
{
  JgHopConfig *config = g_new0 (JgHopConfig, 1);

  config->id = g_strdup (jg_host_get_id (host));
  config->name = g_strdup (jg_host_get_name (host));
  config->hostname = g_strdup (jg_host_get_hostname (host));
  config->port = jg_host_get_effective_port (host);
  config->user = jg_host_dup_effective_user (host);
  config->auth = jg_host_get_auth (host);
  config->identity_file = expand_home (jg_host_get_identity_file (host));
  config->identities_only = jg_host_get_identities_only (host);
  config->forward_agent = jg_host_get_forward_agent (host);
  config->keepalive = jg_host_get_keepalive_interval (host);
  config->known_hosts_file = expand_home (jg_host_get_known_hosts_file (host));
  config->key_id = g_strdup (jg_host_get_key_id (host));
  config->secrets_owner = g_strdup (jg_host_get_id (host));
  config->remember = jg_host_get_remember_password (host);
  if (config->secrets_owner != NULL && jg_host_get_name (host) != NULL)
    {
      config->password_label = jg_secrets_make_host_label (JG_SECRET_PASSWORD, host);
      config->passphrase_label = jg_secrets_make_host_label (JG_SECRET_PASSPHRASE, host);
    }
  if (config->name == NULL)
    config->name = g_strdup (config->hostname);
  if (config->id == NULL)
    config->id = g_strdup_printf ("%s@%s:%u", config->user, config->hostname, config->port);
  return config;
}

JgHopConfig *
jg_hop_config_copy (JgHopConfig *c)
{
  JgHopConfig *config = g_memdup2 (c, sizeof *c);

  config->id = g_strdup (c->id);
  config->name = g_strdup (c->name);
  config->hostname = g_strdup (c->hostname);
  config->user = g_strdup (c->user);
  config->identity_file = g_strdup (c->identity_file);
  config->known_hosts_file = g_strdup (c->known_hosts_file);
  config->key_id = g_strdup (c->key_id);
  config->secrets_owner = g_strdup (c->secrets_owner);
  config->password_label = g_strdup (c->password_label);
  config->passphrase_label = g_strdup (c->passphrase_label);
  return config;
}

void
jg_hop_config_free (JgHopConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->id);
  g_free (config->name);
  g_free (config->hostname);
  g_free (config->user);
  g_free (config->identity_file);
  g_free (config->known_hosts_file);
  g_free (config->key_id);
  g_free (config->secrets_owner);
  g_free (config->password_label);
  g_free (config->passphrase_label);
  g_free (config);
}

/* ------------------------------------------------------------- reporters */

struct _JgReporter
{
  gatomicrefcount  ref_count;
  GMainContext    *context;
  GWeakRef         target;
  JgReportFunc     func;
};

JgReporter *
jg_reporter_new (GObject      *target,
                 JgReportFunc  func)
{
  JgReporter *self = g_new0 (JgReporter, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->context = g_main_context_ref_thread_default ();
  g_weak_ref_init (&self->target, target);
  self->func = func;
  return self;
}

JgReporter *
jg_reporter_ref (JgReporter *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
jg_reporter_unref (JgReporter *self)
{
  if (self != NULL && g_atomic_ref_count_dec (&self->ref_count))
    {
      g_weak_ref_clear (&self->target);
      g_main_context_unref (self->context);
      g_free (self);
    }
}

static void jg_session_unref (JgSession *self);

typedef struct
{
  JgReporter *reporter;
  JgReport    report;
  gboolean    dispatched;
} Delivery;

static void
delivery_free (gpointer data)
{
  Delivery *d = data;

  /* A prompt nobody saw is a prompt refused. */
  if (d->report.prompt != NULL)
    {
      if (!d->dispatched)
        jg_prompt_cancel (d->report.prompt);
      g_object_unref (d->report.prompt);
    }
  g_clear_pointer (&d->report.session, jg_session_unref);
  g_free (d->report.detail);
  g_free (d->report.exit_signal);
  g_clear_error (&d->report.error);
  jg_reporter_unref (d->reporter);
  g_free (d);
}

static gboolean
delivery_dispatch (gpointer data)
{
  Delivery *d = data;
  GObject *target = g_weak_ref_get (&d->reporter->target);

  if (target != NULL)
    {
      d->dispatched = TRUE;
      d->reporter->func (target, &d->report);
      g_object_unref (target);
    }
  return G_SOURCE_REMOVE;
}

/* Takes the fields of @report. Always through a source on the caller's
 * context, never inline: g_main_context_invoke () would run the callback
 * right here when this thread owns (or can acquire) that context, which is
 * the GTK thread inside jg_session_acquire () (before the caller has its
 * session, so the report is dropped) or a worker holding its session's
 * lock (which then deadlocks when the callback pushes a command to it). */
static void
reporter_send (JgReporter *reporter,
               JgReport   *report)
{
  Delivery *d = g_new0 (Delivery, 1);
  GSource *source;

  d->reporter = jg_reporter_ref (reporter);
  d->report = *report;
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, delivery_dispatch, d, delivery_free);
  g_source_set_static_name (source, "[jumpgate] report");
  g_source_attach (source, reporter->context);
  g_source_unref (source);
}

/* -------------------------------------------------------------- sessions */

typedef enum
{
  STATE_CONNECTING,
  STATE_READY,
  STATE_CLOSED,    /* failed, lost or shut down; error says which */
} State;

/* A child hop's request for a tunnel, answered by the parent's worker. */
typedef struct
{
  gatomicrefcount  ref_count;
  GMutex           lock;
  GCond            cond;
  char            *host;
  guint            port;
  gboolean         done;
  int              fd;
  GError          *error;
} ForwardRequest;

typedef enum
{
  CMD_FORWARD,
  CMD_SHELL,
  CMD_EXEC,
  CMD_RESIZE,
  CMD_CLOSE,
} CmdKind;

typedef struct
{
  CmdKind         kind;
  guint           id;
  ForwardRequest *forward;
  JgReporter     *reporter;
  int             fds[3];
  char           *text;      /* term or command */
  guint           cols;
  guint           rows;
} Cmd;

typedef struct _Pump Pump;

struct _JgSession
{
  gatomicrefcount   ref_count;
  char             *key;
  JgHopConfig      *config;
  guint             depth;
  guint             timeout;
  gboolean          shared;
  JgSession        *parent;       /* holds a use of it */

  /* under pool_lock */
  guint             users;
  gboolean          in_pool;

  /* under lock */
  GMutex            lock;
  GCond             cond;
  State             state;
  GError           *error;
  GQueue            commands;
  GPtrArray        *reporters;
  gboolean          shutdown;
  gboolean          worker_done;  /* commands are no longer run */

  gint              abandoned;    /* atomic: no one wants it any more */
  int               sock_fd;      /* the socket given to libssh, and its inode */
  dev_t             sock_dev;
  ino_t             sock_ino;
  int               agent_fd;     /* the agent socket given to libssh, and its inode */
  dev_t             agent_dev;
  ino_t             agent_ino;
  int               wake_fd;
  GThread          *thread;
  guint             next_channel_id; /* atomic */

  /* worker only */
  ssh_session       ssh;
  ssh_event         event;
  GPtrArray        *pumps;
  guint8           *scratch;
  guint8           *wide_scratch;   /* WIDE_WINDOW bytes, once a window widens */
  struct ssh_callbacks_struct callbacks;
  struct ssh_counter_struct   sent;
  struct ssh_counter_struct   received;
  gboolean          wake_registered;
  gpointer          wake_watch;   /* Watch *: the event may call it until freed */
};

static GMutex pool_lock;
static GCond threads_cond;
static GHashTable *pool;
static gsize sigpipe_ignored;
static guint n_threads;     /* under pool_lock */

static JgSession *
jg_session_ref (JgSession *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

static void
cmd_free (Cmd *cmd)
{
  for (guint i = 0; i < G_N_ELEMENTS (cmd->fds); i++)
    if (cmd->fds[i] >= 0)
      close (cmd->fds[i]);
  g_clear_pointer (&cmd->reporter, jg_reporter_unref);
  g_free (cmd->text);
  g_free (cmd);
}

static void
forward_request_unref (ForwardRequest *req)
{
  if (g_atomic_ref_count_dec (&req->ref_count))
    {
      if (req->fd >= 0)
        close (req->fd);
      g_clear_error (&req->error);
      g_free (req->host);
      g_mutex_clear (&req->lock);
      g_cond_clear (&req->cond);
      g_free (req);
    }
}

/* Takes @fd or @error. */
static void
forward_request_complete (ForwardRequest *req,
                          int             fd,
                          GError         *error)
{
  g_mutex_lock (&req->lock);
  g_assert (!req->done);
  req->done = TRUE;
  req->fd = fd;
  req->error = error;
  g_cond_broadcast (&req->cond);
  g_mutex_unlock (&req->lock);
}

static void
jg_session_unref (JgSession *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_assert (g_queue_is_empty (&self->commands));
  g_free (self->key);
  jg_hop_config_free (self->config);
  g_clear_error (&self->error);
  g_ptr_array_unref (self->reporters);
  if (self->wake_fd >= 0)
    close (self->wake_fd);
  g_free (self->wake_watch);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self);
}

static void
session_wake (JgSession *self)
{
  guint64 one = 1;

  if (write (self->wake_fd, &one, sizeof one) < 0 && errno != EAGAIN)
    g_warning ("Could not wake a connection worker: %s", g_strerror (errno));
}

static void cmd_fail (JgSession *self,
                      Cmd       *cmd);

static void
session_push (JgSession *self,
              Cmd       *cmd)
{
  gboolean done;

  g_mutex_lock (&self->lock);
  done = self->worker_done;
  if (!done)
    g_queue_push_tail (&self->commands, cmd);
  g_mutex_unlock (&self->lock);
  /* the worker has ended: nobody would run it */
  if (done)
    cmd_fail (self, cmd);
  else
    session_wake (self);
}

/* Sends a progress line to every reporter watching this hop. */
static void G_GNUC_PRINTF (3, 4)
session_progress (JgSession        *self,
                  JgConnectionStep  step,
                  const char       *format,
                  ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->reporters->len; i++)
    {
      JgReport report = { 0 };

      report.kind = JG_REPORT_PROGRESS;
      report.hop = self->depth;
      report.step = step;
      report.detail = g_strdup (detail);
      reporter_send (g_ptr_array_index (self->reporters, i), &report);
    }
  g_mutex_unlock (&self->lock);
}

static void
send_state (JgSession  *self,
            JgReporter *reporter)
{
  JgReport report = { 0 };

  report.kind = JG_REPORT_STATE;
  report.session = jg_session_ref (self);
  report.hop = self->depth;
  if (self->error != NULL)
    report.error = g_error_copy (self->error);
  reporter_send (reporter, &report);
}

/* Moves to READY or CLOSED and tells everyone. Takes @error. */
static void
session_set_state (JgSession *self,
                   State      state,
                   GError    *error)
{
  g_mutex_lock (&self->lock);
  if (self->state == STATE_CLOSED)
    {
      g_mutex_unlock (&self->lock);
      g_clear_error (&error);
      return;
    }
  self->state = state;
  if (error != NULL && self->error == NULL)
    self->error = error;
  else
    g_clear_error (&error);
  if (state == STATE_CLOSED && self->error == NULL)
    self->error = g_error_new (JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_TRANSPORT_LOST,
                               _("%s: the connection was closed"), self->config->name);
  for (guint i = 0; i < self->reporters->len; i++)
    send_state (self, g_ptr_array_index (self->reporters, i));
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  if (state == STATE_CLOSED)
    {
      g_mutex_lock (&pool_lock);
      if (self->in_pool && g_hash_table_lookup (pool, self->key) == self)
        g_hash_table_remove (pool, self->key);
      self->in_pool = FALSE;
      g_mutex_unlock (&pool_lock);
    }
}

/* Waits until the session is ready; FALSE with its error when it is not. */
static gboolean
session_wait_ready (JgSession  *self,
                    GError    **error)
{
  gboolean ready;

  g_mutex_lock (&self->lock);
  while (self->state == STATE_CONNECTING)
    g_cond_wait (&self->cond, &self->lock);
  ready = self->state == STATE_READY;
  if (!ready && error != NULL)
    *error = g_error_copy (self->error);
  g_mutex_unlock (&self->lock);
  return ready;
}

/* Asks a question on the first watching reporter's main context. */
static gboolean
session_ask (JgSession  *self,
             JgPrompt   *prompt,
             char     ***answers)
{
  JgReporter *reporter = NULL;

  g_mutex_lock (&self->lock);
  if (self->reporters->len > 0)
    reporter = jg_reporter_ref (g_ptr_array_index (self->reporters, 0));
  g_mutex_unlock (&self->lock);

  if (answers != NULL)
    *answers = NULL;
  if (reporter == NULL)
    return FALSE;

  {
    JgReport report = { 0 };

    report.kind = JG_REPORT_PROMPT;
    report.hop = self->depth;
    report.prompt = g_object_ref (prompt);
    reporter_send (reporter, &report);
    jg_reporter_unref (reporter);
  }
  return jg_prompt_wait (prompt, &self->abandoned, answers);
}

static gboolean
session_abandoned (JgSession  *self,
                   GError    **error)
{
  if (!g_atomic_int_get (&self->abandoned))
    return FALSE;
  g_set_error (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_CANCELLED,
               _("%s: connecting was cancelled"), self->config->name);
  return TRUE;
}

/* ------------------------------------------------------------ connecting */

static void
set_tcp_options (int   fd,
                 guint keepalive)
{
  int one = 1;

  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  setsockopt (fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
  if (keepalive > 0)
    {
      int idle = keepalive;
      int count = KEEPALIVE_MAX_MISSED;

      setsockopt (fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
      setsockopt (fd, IPPROTO_TCP, TCP_KEEPINTVL, &idle, sizeof idle);
      setsockopt (fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
    }
}

int
jg_tcp_connect (const char        *name,
                const char        *hostname,
                guint              port,
                guint              timeout,
                int                cancel_fd,
                JgTcpProgressFunc  progress,
                gpointer           data,
                int               *errno_out,
                GError           **error)
{
  struct addrinfo hints = { 0 };
  struct addrinfo *res = NULL;
  char port_text[16];
  int saved_errno = 0;
  gboolean timed_out = FALSE;
  int rc;

  g_snprintf (port_text, sizeof port_text, "%u", port);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG;
  rc = getaddrinfo (hostname, port_text, &hints, &res);
  if (rc != 0)
    {
      g_set_error (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_RESOLVE,
                   _("%s: the name “%s” could not be resolved (%s): check the host name in its settings and the network"),
                   name, hostname, rc == EAI_SYSTEM ? g_strerror (errno) : gai_strerror (rc));
      return -1;
    }

  for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next)
    {
      char addr[NI_MAXHOST] = "?";
      struct pollfd pfd[2];
      int fd;

      getnameinfo (ai->ai_addr, ai->ai_addrlen, addr, sizeof addr, NULL, 0, NI_NUMERICHOST);
      if (progress != NULL)
        progress (data, JG_CONNECTION_STEP_CONNECTING, addr);
      fd = socket (ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
      if (fd < 0)
        {
          saved_errno = errno;
          continue;
        }
      if (connect (fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS)
        {
          saved_errno = errno;
          close (fd);
          continue;
        }
      pfd[0] = (struct pollfd) { fd, POLLOUT, 0 };
      pfd[1] = (struct pollfd) { cancel_fd, POLLIN, 0 };
      do
        rc = poll (pfd, cancel_fd >= 0 ? 2 : 1, timeout * 1000);
      while (rc < 0 && errno == EINTR);
      if (cancel_fd >= 0 && pfd[1].revents != 0)
        {
          close (fd);
          freeaddrinfo (res);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("%s: connecting was cancelled"), name);
          return -1;
        }
      if (rc == 0)
        {
          timed_out = TRUE;
          saved_errno = ETIMEDOUT;
          close (fd);
          continue;
        }
      else
        {
          int so_error = 0;
          socklen_t len = sizeof so_error;

          getsockopt (fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
          if (so_error != 0)
            {
              saved_errno = so_error;
              close (fd);
              continue;
            }
        }
      if (progress != NULL)
        progress (data, JG_CONNECTION_STEP_CONNECTED, addr);
      freeaddrinfo (res);
      return fd;
    }
  freeaddrinfo (res);

  if (errno_out != NULL)
    *errno_out = saved_errno;
  if (saved_errno == ECONNREFUSED)
    g_set_error (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_REFUSED,
                 _("%s: %s port %u refused the connection: its SSH server is not running or listens on another port — check the port in its settings"),
                 name, hostname, port);
  else if (timed_out)
    g_set_error (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_TIMED_OUT,
                 _("%s: %s port %u did not answer within %u s: the machine is off or unreachable, or a firewall drops the connection"),
                 name, hostname, port, timeout);
  else
    g_set_error (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_FAILED,
                 _("%s: could not connect to %s port %u: %s"),
                 name, hostname, port, g_strerror (saved_errno));
  return -1;
}

static void
tcp_progress (gpointer          data,
              JgConnectionStep  step,
              const char       *addr)
{
  JgSession *self = data;

  if (step == JG_CONNECTION_STEP_CONNECTING)
    session_progress (self, step, _("Connecting to %s port %u"), addr, self->config->port);
  else
    session_progress (self, step, _("Connected to %s port %u"), addr, self->config->port);
}

static int
tcp_connect (JgSession  *self,
             GError    **error)
{
  JgHopConfig *c = self->config;
  int fd;

  session_progress (self, JG_CONNECTION_STEP_RESOLVING, _("Resolving %s port %u"),
                    c->hostname, c->port);
  fd = jg_tcp_connect (c->name, c->hostname, c->port, self->timeout, -1, tcp_progress, self,
                       NULL, error);
  if (fd >= 0)
    set_tcp_options (fd, c->keepalive);
  return fd;
}

/* Asks the worker of @self (ready, or at least not yet ended) for a
 * direct-tcpip channel to @host port @port and waits for the local end of
 * the socketpair it pumps; -1 with @error when it failed. */
static int
forward_open (JgSession   *self,
              const char  *host,
              guint        port,
              guint        timeout,
              GError     **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout * G_TIME_SPAN_SECOND;
  ForwardRequest *req;
  Cmd *cmd;
  int fd;

  req = g_new0 (ForwardRequest, 1);
  g_atomic_ref_count_init (&req->ref_count);
  g_mutex_init (&req->lock);
  g_cond_init (&req->cond);
  req->host = g_strdup (host);
  req->port = port;
  req->fd = -1;

  cmd = g_new0 (Cmd, 1);
  cmd->kind = CMD_FORWARD;
  cmd->fds[0] = cmd->fds[1] = cmd->fds[2] = -1;
  g_atomic_ref_count_inc (&req->ref_count);
  cmd->forward = req;
  session_push (self, cmd);

  g_mutex_lock (&req->lock);
  while (!req->done)
    if (!g_cond_wait_until (&req->cond, &req->lock, deadline))
      break;
  fd = req->fd;
  req->fd = -1;
  if (!req->done)
    g_set_error (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_TIMED_OUT,
                 _("%s: no answer within %u s while opening a tunnel to %s port %u"),
                 self->config->name, timeout, host, port);
  else if (fd < 0)
    {
      g_propagate_error (error, req->error);
      req->error = NULL;
    }
  g_mutex_unlock (&req->lock);
  forward_request_unref (req);
  return fd;
}

/* The tunnel to this hop through the parent hop. */
static int
tunnel_connect (JgSession  *self,
                GError    **error)
{
  int fd;

  if (!session_wait_ready (self->parent, error))
    return -1;

  session_progress (self, JG_CONNECTION_STEP_CONNECTING, _("Opening a tunnel to %s port %u through %s"),
                    self->config->hostname, self->config->port, self->parent->config->name);
  fd = forward_open (self->parent, self->config->hostname, self->config->port,
                     self->parent->timeout + 5, error);
  if (fd >= 0)
    session_progress (self, JG_CONNECTION_STEP_CONNECTED, _("Tunnel to %s port %u open through %s"),
                      self->config->hostname, self->config->port, self->parent->config->name);
  return fd;
}

static char *
hostkey_preference (JgSession          *self,
                    const char * const *files)
{
  g_auto(GStrv) known = jg_known_hosts_get_key_types (files, self->config->hostname,
                                                      self->config->port);
  g_autoptr(GString) pref = g_string_new (NULL);
  g_auto(GStrv) defaults = g_strsplit (HOSTKEYS, ",", -1);

  for (guint i = 0; known != NULL && known[i] != NULL; i++)
    {
      const char *algos = known[i];

      if (g_str_equal (algos, "ssh-rsa"))
        algos = "rsa-sha2-512,rsa-sha2-256";
      else if (!g_strv_contains ((const char * const *) defaults, algos))
        continue;
      if (strstr (pref->str, algos) == NULL)
        g_string_append_printf (pref, "%s%s", pref->len > 0 ? "," : "", algos);
    }
  for (guint i = 0; defaults[i] != NULL; i++)
    {
      g_autofree char *item = g_strdup_printf (",%s,", defaults[i]);
      g_autofree char *haystack = g_strdup_printf (",%s,", pref->str);

      if (strstr (haystack, item) == NULL)
        g_string_append_printf (pref, "%s%s", pref->len > 0 ? "," : "", defaults[i]);
    }
  return g_string_free (g_steal_pointer (&pref), FALSE);
}

static GPtrArray *
known_hosts_files (JgSession *self)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);

  if (self->config->known_hosts_file != NULL)
    g_ptr_array_add (files, g_strdup (self->config->known_hosts_file));
  g_ptr_array_add (files, jg_known_hosts_default_file ());
  g_ptr_array_add (files, NULL);
  return files;
}

static const char *
through_text (JgSession *self)
{
  return self->parent != NULL ? self->parent->config->name : NULL;
}

static gboolean
verify_host_key (JgSession  *self,
                 GError    **error)
{
  JgHopConfig *c = self->config;
  g_autoptr(GPtrArray) files = known_hosts_files (self);
  const char *write_file = g_ptr_array_index (files, 0);
  ssh_key key = NULL;
  char *b64 = NULL;
  g_autofree char *type = NULL;
  g_autofree char *fingerprint = NULL;
  g_autoptr(GError) local_error = NULL;
  JgKnownHostMatch match = { 0 };
  JgKnownHostStatus status;
  gboolean ok = FALSE;

  if (ssh_get_server_publickey (self->ssh, &key) != SSH_OK ||
      ssh_pki_export_pubkey_base64 (key, &b64) != SSH_OK)
    {
      ssh_key_free (key);
      g_set_error (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_PROTOCOL,
                   _("%s: the server’s host key could not be read: %s"),
                   c->name, ssh_get_error (self->ssh));
      return FALSE;
    }
  type = g_strdup (ssh_key_type_to_char (ssh_key_type (key)));
  ssh_key_free (key);
  fingerprint = jg_known_hosts_fingerprint (b64);

  status = jg_known_hosts_check ((const char * const *) files->pdata, c->hostname, c->port,
                                 type, b64, &match, &local_error);
  if (local_error != NULL)
    {
      g_set_error (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_FAILED,
                   _("%s: the known hosts could not be read: %s"), c->name, local_error->message);
      goto out;
    }

  switch (status)
    {
    case JG_KNOWN_HOST_OK:
      session_progress (self, JG_CONNECTION_STEP_HOST_KEY, _("Host key %s %s known (%s line %u)"),
                        type, fingerprint, match.file, match.line);
      ok = TRUE;
      break;

    case JG_KNOWN_HOST_CHANGED:
      {
        g_autofree char *name = jg_known_hosts_lookup_name (c->hostname, c->port);
        g_set_error (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_HOST_KEY_CHANGED,
                     _("%s: the host key of %s has CHANGED. It is now %s %s, but %s line %u holds %s %s. "
                       "Someone may be intercepting the connection, or the machine was reinstalled. "
                       "Jumpgate will not connect. If you know the change is expected, remove the old key "
                       "with “ssh-keygen -R '%s' -f %s” and connect again to check the new one."),
                     c->name, name, type, fingerprint, match.file, match.line,
                     match.old_key_type, match.old_fingerprint, name, match.file);
        break;
      }

    case JG_KNOWN_HOST_REVOKED:
      g_set_error (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_HOST_KEY_CHANGED,
                   _("%s: the host key %s %s of %s is marked revoked in %s line %u: Jumpgate will not connect"),
                   c->name, type, fingerprint, c->hostname, match.file, match.line);
      break;

    case JG_KNOWN_HOST_UNKNOWN:
    default:
      {
        g_autoptr(JgPrompt) prompt = jg_prompt_new (JG_PROMPT_HOST_KEY, self->depth, c->name,
                                                    c->hostname, c->port, c->user);
        g_autofree char *message = NULL;

        if (through_text (self) != NULL)
          message = g_strdup_printf (_("The authenticity of %s (%s port %u, through %s) can’t be established"),
                                     c->name, c->hostname, c->port, through_text (self));
        else
          message = g_strdup_printf (_("The authenticity of %s (%s port %u) can’t be established"),
                                     c->name, c->hostname, c->port);
        jg_prompt_set_message (prompt, message);
        jg_prompt_set_host_key (prompt, type, fingerprint, write_file);
        session_progress (self, JG_CONNECTION_STEP_HOST_KEY, _("Host key %s %s is not known%s"),
                          type, fingerprint,
                          match.other_types_known ? _(" (keys of other types are)") : "");

        if (!session_ask (self, prompt, NULL))
          {
            g_set_error (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_HOST_KEY_UNKNOWN,
                         _("%s: the host key of %s port %u is not known (%s %s) and was not accepted. "
                           "Connect once from the Jumpgate window, or run “jumpgate --exec %s -- true” in a terminal, "
                           "check the fingerprint and accept it; it is then added to %s."),
                         c->name, c->hostname, c->port, type, fingerprint, c->name, write_file);
            break;
          }
        if (!jg_known_hosts_append (write_file, c->hostname, c->port, type, b64, &local_error))
          {
            g_set_error (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_FAILED,
                         _("%s: the accepted host key could not be saved: %s"), c->name, local_error->message);
            break;
          }
        session_progress (self, JG_CONNECTION_STEP_HOST_KEY, _("Host key %s %s accepted and added to %s"),
                          type, fingerprint, write_file);
        ok = TRUE;
        break;
      }
    }

out:
  jg_known_host_match_clear (&match);
  ssh_string_free_char (b64);
  return ok;
}

/* ---------------------------------------------------------- authentication */

/* Closes *@fd if it still is the file of @dev and @ino. */
static void
close_if_same (int   *fd,
               dev_t  dev,
               ino_t  ino)
{
  struct stat st;

  if (*fd >= 0 && fstat (*fd, &st) == 0 && st.st_dev == dev && st.st_ino == ino)
    close (*fd);
  *fd = -1;
}

static void
agent_fd_close (JgSession *self)
{
  close_if_same (&self->agent_fd, self->agent_dev, self->agent_ino);
}

/* How many keys the agent holds: -1 when there is no agent. */
static int
agent_count_keys (void)
{
  g_autoptr(GListModel) identities = jg_agent_list_identities_sync (NULL, NULL);

  return identities != NULL ? (int) g_list_model_get_n_items (identities) : -1;
}

static void
methods_to_string (int      methods,
                   GString *out)
{
  static const struct { int bit; const char *name; } names[] = {
    { SSH_AUTH_METHOD_PUBLICKEY, "publickey" },
    { SSH_AUTH_METHOD_INTERACTIVE, "keyboard-interactive" },
    { SSH_AUTH_METHOD_PASSWORD, "password" },
    { SSH_AUTH_METHOD_HOSTBASED, "hostbased" },
    { SSH_AUTH_METHOD_GSSAPI_MIC, "gssapi-with-mic" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (methods & names[i].bit)
      g_string_append_printf (out, "%s%s", out->len > 0 ? ", " : "", names[i].name);
  if (out->len == 0)
    g_string_append (out, _("none"));
}

/* A password or passphrase remembered in the keyring, looked up once per
 * authentication. */
typedef struct
{
  gboolean  looked_up;
  char     *value;        /* NULL: none remembered (or the keyring cannot be used) */
  gboolean  used;         /* offered to the server (or the key) once already */
  gboolean  refused;      /* … and refused */
  char     *unavailable;  /* why the keyring cannot be used (LOCKED, NO_SERVICE, …) */
} Remembered;

typedef struct
{
  int       methods;
  GString  *tried;
  gboolean  jg_key_tried;
  gboolean  agent_tried;
  gboolean  keys_tried;
  gboolean  kbdint_tried;
  gboolean  password_tried;
  int       agent_keys;
  gboolean  agent_sign_failed;
  gboolean  cancelled;
  Remembered remembered[2];   /* JG_SECRET_PASSWORD, JG_SECRET_PASSPHRASE */
} AuthState;

static void
note_tried (AuthState  *st,
            const char *what)
{
  g_string_append_printf (st->tried, "%s%s", st->tried->len > 0 ? ", " : "", what);
}

static gboolean
auth_result (JgSession  *self,
             AuthState  *st,
             int         rc,
             const char *what,
             gboolean   *done,
             GError    **error)
{
  if (rc == SSH_AUTH_SUCCESS)
    {
      session_progress (self, JG_CONNECTION_STEP_AUTHENTICATED, _("Authenticated as %s with %s"),
                        self->config->user, what);
      *done = TRUE;
      return TRUE;
    }
  if (rc == SSH_AUTH_PARTIAL)
    {
      g_autoptr(GString) offered = g_string_new (NULL);

      st->methods = ssh_userauth_list (self->ssh, NULL);
      methods_to_string (st->methods, offered);
      session_progress (self, JG_CONNECTION_STEP_AUTH_METHODS,
                        _("%s accepted; more is needed. The server offers: %s"), what, offered->str);
      /* let every method run again for the next factor */
      st->agent_tried = st->keys_tried = st->kbdint_tried = st->password_tried = FALSE;
      return TRUE;
    }
  if (rc == SSH_AUTH_ERROR)
    {
      const char *msg = ssh_get_error (self->ssh);

      if (ssh_get_status (self->ssh) & (SSH_CLOSED | SSH_CLOSED_ERROR) || !ssh_is_connected (self->ssh))
        {
          g_set_error (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_AUTH_FAILED,
                       _("%s: the server closed the connection during authentication (%s): it may allow too few attempts (MaxAuthTries) — try fewer keys in the agent or set the machine’s key"),
                       self->config->name, msg);
          return FALSE;
        }
      if (strstr (msg, "sign") != NULL || strstr (msg, "agent") != NULL || strstr (msg, "Agent") != NULL)
        st->agent_sign_failed = TRUE;
      else if (strstr (msg, "Timeout") != NULL || strstr (msg, "timeout") != NULL)
        {
          g_set_error (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_TIMED_OUT,
                       _("%s: the server did not answer during authentication within %u s"),
                       self->config->name, self->timeout);
          return FALSE;
        }
    }
  return TRUE;
}

static void
free_secret (char *secret)
{
  if (secret != NULL)
    {
      explicit_bzero (secret, strlen (secret));
      g_free (secret);
    }
}

static void
auth_state_clear (AuthState *st)
{
  for (guint i = 0; i < G_N_ELEMENTS (st->remembered); i++)
    {
      jg_secrets_free (st->remembered[i].value);
      g_free (st->remembered[i].unavailable);
    }
  g_string_free (st->tried, TRUE);
}

/* The password (or passphrase) remembered for this hop, to offer once
 * before asking: looked up in the keyring (an unlock prompt of the Secret
 * Service may show) when the hop remembers its secrets. NULL when there is
 * none, it was offered already, or the keyring cannot be used — the reason
 * is then kept for the prompt. */
static const char *
remembered_take (JgSession    *self,
                 AuthState    *st,
                 JgSecretKind  kind)
{
  JgHopConfig *c = self->config;
  Remembered *r = &st->remembered[kind];

  g_assert (kind == JG_SECRET_PASSWORD || kind == JG_SECRET_PASSPHRASE);
  if (c->secrets_owner == NULL || !c->remember)
    return NULL;
  if (!r->looked_up)
    {
      g_autoptr(GError) error = NULL;

      r->looked_up = TRUE;
      session_progress (self, JG_CONNECTION_STEP_AUTH_TRYING,
                        kind == JG_SECRET_PASSWORD ? _("Looking up the remembered password in the keyring")
                                                   : _("Looking up the remembered passphrase in the keyring"));
      r->value = jg_secrets_lookup_sync (c->secrets_owner, kind, NULL, &error);
      if (error != NULL)
        {
          r->unavailable = g_strdup (error->message);
          session_progress (self, JG_CONNECTION_STEP_AUTH_TRYING, "%s", error->message);
        }
      else if (r->value == NULL)
        session_progress (self, JG_CONNECTION_STEP_AUTH_TRYING,
                          _("Nothing is remembered in the keyring for %s"), c->name);
    }
  if (r->used || r->value == NULL)
    return NULL;
  r->used = TRUE;
  return r->value;
}

/* After the server accepted @secret: keep it in the keyring when the person
 * asked to, forget the remembered one when they unchecked "Remember". */
static void
remembered_update (JgSession    *self,
                   AuthState    *st,
                   JgSecretKind  kind,
                   const char   *secret,
                   gboolean      remember)
{
  JgHopConfig *c = self->config;
  g_autoptr(GError) error = NULL;

  if (c->secrets_owner == NULL)
    return;
  if (remember)
    {
      const char *label = kind == JG_SECRET_PASSWORD ? c->password_label : c->passphrase_label;

      if (jg_secrets_store_sync (c->secrets_owner, kind, label != NULL ? label : c->name, secret,
                                 NULL, &error))
        session_progress (self, JG_CONNECTION_STEP_AUTH_TRYING,
                          kind == JG_SECRET_PASSWORD ? _("Remembered the password in the keyring")
                                                     : _("Remembered the passphrase in the keyring"));
      else
        session_progress (self, JG_CONNECTION_STEP_AUTH_TRYING,
                          kind == JG_SECRET_PASSWORD ? _("The password was not remembered: %s")
                                                     : _("The passphrase was not remembered: %s"),
                          error->message);
    }
  else if (c->remember && st->remembered[kind].unavailable == NULL)
    {
      if (jg_secrets_clear_sync (c->secrets_owner, kind, NULL, &error))
        session_progress (self, JG_CONNECTION_STEP_AUTH_TRYING,
                          kind == JG_SECRET_PASSWORD ? _("Forgot the remembered password")
                                                     : _("Forgot the remembered passphrase"));
    }
}

/* Asks for one hidden answer. For a password or passphrase (@kind
 * JG_SECRET_PASSWORD/PASSPHRASE, @remember not NULL) the prompt offers
 * "Remember in keyring" and says why it asks although a secret was
 * remembered; *@remember gets the person's choice. */
static char *
ask_secret (JgSession    *self,
            JgPromptKind  kind,
            const char   *message,
            const char   *question,
            const char   *key_file,
            AuthState    *st,
            JgSecretKind  secret_kind,
            gboolean     *remember)
{
  JgHopConfig *c = self->config;
  g_autoptr(JgPrompt) prompt = jg_prompt_new (kind, self->depth, c->name, c->hostname, c->port, c->user);
  char **answers = NULL;
  char *secret = NULL;

  jg_prompt_set_message (prompt, message);
  jg_prompt_add_question (prompt, question, FALSE);
  if (key_file != NULL)
    jg_prompt_set_key_file (prompt, key_file);
  if (remember != NULL)
    {
      Remembered *r = &st->remembered[secret_kind];

      *remember = FALSE;
      /* The keyring's message says to enter it for this connection only. */
      if (r->unavailable != NULL)
        jg_prompt_set_notice (prompt, r->unavailable);
      else
        {
          if (r->refused)
            jg_prompt_set_notice (prompt, secret_kind == JG_SECRET_PASSWORD
                                            ? _("The password remembered in the keyring was refused.")
                                            : _("The passphrase remembered in the keyring does not open the key."));
          jg_prompt_set_can_remember (prompt, c->secrets_owner != NULL, c->remember);
        }
    }
  if (!session_ask (self, prompt, &answers) || answers == NULL || answers[0] == NULL)
    {
      st->cancelled = TRUE;
      jg_prompt_free_answers (answers);
      return NULL;
    }
  secret = g_strdup (answers[0]);
  jg_prompt_free_answers (answers);
  if (remember != NULL)
    *remember = jg_prompt_get_remember (prompt);
  return secret;
}

static int
try_key_file (JgSession  *self,
              AuthState  *st,
              const char *path)
{
  JgHopConfig *c = self->config;
  g_autofree char *pub_path = g_strconcat (path, ".pub", NULL);
  ssh_key pub = NULL;
  ssh_key priv = NULL;
  char *entered = NULL;
  gboolean remember = FALSE;
  int rc;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      session_progress (self, JG_CONNECTION_STEP_AUTH_TRYING, _("Key file %s does not exist"), path);
      return SSH_AUTH_DENIED;
    }
  session_progress (self, JG_CONNECTION_STEP_AUTH_TRYING, _("Trying key file %s"), path);
  note_tried (st, path);

  if (ssh_pki_import_pubkey_file (pub_path, &pub) == SSH_OK)
    {
      rc = ssh_userauth_try_publickey (self->ssh, NULL, pub);
      ssh_key_free (pub);
      if (rc != SSH_AUTH_SUCCESS)
        return rc;
    }

  if (ssh_pki_import_privkey_file (path, NULL, NULL, NULL, &priv) != SSH_OK)
    {
      const char *remembered = remembered_take (self, st, JG_SECRET_PASSPHRASE);

      priv = NULL;
      if (remembered != NULL)
        {
          if (ssh_pki_import_privkey_file (path, remembered, NULL, NULL, &priv) == SSH_OK)
            session_progress (self, JG_CONNECTION_STEP_AUTH_TRYING,
                              _("Opened %s with the passphrase remembered in the keyring"), path);
          else
            {
              priv = NULL;
              st->remembered[JG_SECRET_PASSPHRASE].refused = TRUE;
              session_progress (self, JG_CONNECTION_STEP_AUTH_TRYING,
                                _("The passphrase remembered in the keyring does not open %s"), path);
            }
        }
      for (guint attempt = 0; attempt < MAX_PASSWORD_TRIES && priv == NULL; attempt++)
        {
          g_autofree char *message = g_strdup_printf (_("Passphrase for the key %s (%s)"), path, c->name);
          char *passphrase = ask_secret (self, JG_PROMPT_PASSPHRASE, message,
                                         _("Passphrase:"), path, st, JG_SECRET_PASSPHRASE,
                                         &remember);

          if (passphrase == NULL)
            return SSH_AUTH_DENIED;
          if (ssh_pki_import_privkey_file (path, passphrase, NULL, NULL, &priv) != SSH_OK)
            {
              priv = NULL;
              session_progress (self, JG_CONNECTION_STEP_AUTH_TRYING,
                                _("Wrong passphrase for %s"), path);
              free_secret (passphrase);
            }
          else
            entered = passphrase;
        }
      if (priv == NULL)
        return SSH_AUTH_DENIED;
    }
  rc = ssh_userauth_publickey (self->ssh, NULL, priv);
  ssh_key_free (priv);
  if (entered != NULL)
    {
      if (rc == SSH_AUTH_SUCCESS || rc == SSH_AUTH_PARTIAL)
        remembered_update (self, st, JG_SECRET_PASSPHRASE, entered, remember);
      free_secret (entered);
    }
  return rc;
}

static int
try_kbdint (JgSession *self,
            AuthState *st)
{
  JgHopConfig *c = self->config;
  char *entered = NULL;       /* the answer to a lone hidden question, to remember */
  gboolean remember = FALSE;
  const char *offered = NULL; /* the remembered password, answered in the last round */
  int rc;
  guint rounds = 0;

  session_progress (self, JG_CONNECTION_STEP_AUTH_TRYING, _("Trying keyboard-interactive"));
  note_tried (st, "keyboard-interactive");
  rc = ssh_userauth_kbdint (self->ssh, NULL, NULL);
  while (rc == SSH_AUTH_INFO && rounds++ < 10)
    {
      int n = ssh_userauth_kbdint_getnprompts (self->ssh);
      g_autoptr(JgPrompt) prompt = NULL;
      char **answers = NULL;
      g_autofree char *message = NULL;
      char echo = 0;
      /* One hidden question is a password: it can be remembered. */
      gboolean lone_secret = n == 1 && (ssh_userauth_kbdint_getprompt (self->ssh, 0, &echo), echo == 0);
      const char *remembered = NULL;

      if (offered != NULL && lone_secret)
        {
          /* asked again after the remembered password: it was refused */
          st->remembered[JG_SECRET_PASSWORD].refused = TRUE;
          session_progress (self, JG_CONNECTION_STEP_AUTH_TRYING,
                            _("The password remembered in the keyring was refused"));
        }
      offered = NULL;
      free_secret (g_steal_pointer (&entered));
      if (lone_secret)
        remembered = remembered_take (self, st, JG_SECRET_PASSWORD);
      if (remembered != NULL)
        {
          session_progress (self, JG_CONNECTION_STEP_AUTH_TRYING,
                            _("Answering with the password remembered in the keyring"));
          ssh_userauth_kbdint_setanswer (self->ssh, 0, remembered);
          offered = remembered;
        }
      else if (n > 0)
        {
          Remembered *r = &st->remembered[JG_SECRET_PASSWORD];

          prompt = jg_prompt_new (JG_PROMPT_KEYBOARD_INTERACTIVE, self->depth, c->name,
                                  c->hostname, c->port, c->user);
          message = g_strdup_printf (_("%s asks for %s@%s"), c->name, c->user, c->hostname);
          jg_prompt_set_message (prompt, message);
          jg_prompt_set_kbdint (prompt, ssh_userauth_kbdint_getname (self->ssh),
                                ssh_userauth_kbdint_getinstruction (self->ssh));
          for (int i = 0; i < n; i++)
            {
              const char *q = ssh_userauth_kbdint_getprompt (self->ssh, i, &echo);
              jg_prompt_add_question (prompt, q, echo != 0);
            }
          if (lone_secret && r->unavailable != NULL)
            jg_prompt_set_notice (prompt, r->unavailable);
          else if (lone_secret)
            {
              if (r->refused)
                jg_prompt_set_notice (prompt, _("The password remembered in the keyring was refused."));
              jg_prompt_set_can_remember (prompt, c->secrets_owner != NULL, c->remember);
            }
          if (!session_ask (self, prompt, &answers) || answers == NULL ||
              g_strv_length (answers) < (guint) n)
            {
              st->cancelled = TRUE;
              jg_prompt_free_answers (answers);
              return SSH_AUTH_DENIED;
            }
          for (int i = 0; i < n; i++)
            ssh_userauth_kbdint_setanswer (self->ssh, i, answers[i]);
          if (lone_secret)
            {
              entered = g_strdup (answers[0]);
              remember = jg_prompt_get_remember (prompt);
            }
          jg_prompt_free_answers (answers);
        }
      rc = ssh_userauth_kbdint (self->ssh, NULL, NULL);
    }
  if (entered != NULL)
    {
      if (rc == SSH_AUTH_SUCCESS || rc == SSH_AUTH_PARTIAL)
        remembered_update (self, st, JG_SECRET_PASSWORD, entered, remember);
      free_secret (entered);
    }
  else if (offered != NULL && rc != SSH_AUTH_SUCCESS && rc != SSH_AUTH_PARTIAL)
    st->remembered[JG_SECRET_PASSWORD].refused = TRUE;
  return rc;
}

/* The name of the Jumpgate key @key_id, for messages: read from keys.json
 * by this worker (its own list). */
static char *
key_name_sync (const char *key_id)
{
  g_autoptr(JgKeyList) list = jg_key_list_new (NULL);
  JgKey *key;

  if (jg_key_list_load (list, NULL) && (key = jg_key_list_find_by_id (list, key_id)) != NULL)
    return g_strdup (jg_key_get_name (key));
  return NULL;
}

/* The agent, as libssh sees it here: with many keys, only the first few
 * (so that the server's MaxAuthTries leaves room for the key file and the
 * password), the machine's own key first (jg-capped-agent.h). */
static int
try_agent (JgSession *self,
           AuthState *st)
{
  JgHopConfig *c = self->config;
  g_autoptr(GBytes) preferred = NULL;
  JgCappedAgent *capped = NULL;
  int rc;

  if (c->identity_file != NULL)
    {
      g_autofree char *pub = g_strconcat (c->identity_file, ".pub", NULL);

      preferred = jg_capped_agent_read_public_blob (pub);
    }
  if (st->agent_keys > JG_CAPPED_AGENT_MAX_KEYS || preferred != NULL)
    capped = jg_capped_agent_start (jg_agent_get_socket_path (), JG_CAPPED_AGENT_MAX_KEYS,
                                    preferred, NULL);
  if (capped != NULL)
    {
      int fd = jg_capped_agent_steal_client_fd (capped);
      struct stat sb;

      /* libssh takes the fd but may keep it open past ssh_free (): ours to
       * close then, as the session's socket */
      agent_fd_close (self);
      if (fstat (fd, &sb) == 0 && ssh_set_agent_socket (self->ssh, fd) == SSH_OK)
        {
          self->agent_fd = fd;
          self->agent_dev = sb.st_dev;
          self->agent_ino = sb.st_ino;
        }
      else
        {
          close (fd);
          jg_capped_agent_stop (capped);
          capped = NULL;
        }
    }
  if (capped != NULL && st->agent_keys > JG_CAPPED_AGENT_MAX_KEYS)
    session_progress (self, JG_CONNECTION_STEP_AUTH_TRYING,
                      _("Trying the agent (%d keys; the first %d, so that the server does not hang up)"),
                      st->agent_keys, JG_CAPPED_AGENT_MAX_KEYS);
  else
    session_progress (self, JG_CONNECTION_STEP_AUTH_TRYING, _("Trying the agent (%d keys)"),
                      st->agent_keys);
  rc = ssh_userauth_agent (self->ssh, NULL);
  jg_capped_agent_stop (capped);
  return rc;
}

static gboolean
authenticate (JgSession  *self,
              GError    **error)
{
  JgHopConfig *c = self->config;
  g_autoptr(GString) offered = g_string_new (NULL);
  AuthState st = { 0 };
  gboolean done = FALSE;
  int rc;

  st.tried = g_string_new (NULL);
  /* -1 (no agent) where the agent is not used at all */
  st.agent_keys = c->auth == JG_AUTH_KEY || c->auth == JG_AUTH_PASSWORD ? -1 : agent_count_keys ();

  rc = ssh_userauth_none (self->ssh, NULL);
  if (rc == SSH_AUTH_SUCCESS)
    {
      session_progress (self, JG_CONNECTION_STEP_AUTHENTICATED, _("Authenticated as %s with no method"),
                        c->user);
      auth_state_clear (&st);
      return TRUE;
    }
  if (rc == SSH_AUTH_ERROR)
    {
      g_set_error (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_PROTOCOL,
                   _("%s: authentication failed to start: %s"), c->name, ssh_get_error (self->ssh));
      auth_state_clear (&st);
      return FALSE;
    }
  st.methods = ssh_userauth_list (self->ssh, NULL);
  methods_to_string (st.methods, offered);
  session_progress (self, JG_CONNECTION_STEP_AUTH_METHODS, _("The server offers: %s"), offered->str);

  while (!done && !st.cancelled)
    {
      gboolean want_agent = c->auth == JG_AUTH_AUTO || c->auth == JG_AUTH_AGENT ||
                            (c->auth == JG_AUTH_KEY_FILE && !c->identities_only);
      gboolean want_keys = c->auth == JG_AUTH_AUTO || c->auth == JG_AUTH_KEY_FILE;
      gboolean want_kbdint = c->auth == JG_AUTH_AUTO || c->auth == JG_AUTH_PASSWORD;
      gboolean want_password = c->auth == JG_AUTH_AUTO || c->auth == JG_AUTH_PASSWORD;
      const char *label;

      if (session_abandoned (self, error))
        break;

      if ((st.methods & SSH_AUTH_METHOD_PUBLICKEY) && c->auth == JG_AUTH_KEY && !st.jg_key_tried)
        {
          g_autoptr(GError) key_error = NULL;
          g_autofree char *name = NULL;
          g_autofree char *what = NULL;
          ssh_key priv;

          st.jg_key_tried = TRUE;
          if (c->key_id == NULL)
            {
              g_set_error (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_CONFIG,
                           _("%s: this machine authenticates with a Jumpgate key, but no key is chosen: "
                             "choose one in its settings (Authentication)"), c->name);
              goto out;
            }
          name = key_name_sync (c->key_id);
          what = g_strdup_printf (_("the Jumpgate key “%s”"), name != NULL ? name : c->key_id);
          session_progress (self, JG_CONNECTION_STEP_AUTH_TRYING, _("Trying %s"), what);
          note_tried (&st, what);
          priv = jg_keys_load_private_sync (c->key_id, name, NULL, &key_error);
          if (priv == NULL)
            {
              g_set_error (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_AUTH_FAILED,
                           "%s: %s", c->name, key_error->message);
              goto out;
            }
          rc = ssh_userauth_publickey (self->ssh, NULL, priv);
          ssh_key_free (priv);
          if (!auth_result (self, &st, rc, what, &done, error))
            break;
          continue;
        }

      if ((st.methods & SSH_AUTH_METHOD_PUBLICKEY) && want_agent && !st.agent_tried &&
          st.agent_keys != -1 &&
          (c->auth == JG_AUTH_AGENT || !(c->identities_only && c->identity_file != NULL)))
        {
          st.agent_tried = TRUE;
          if (st.agent_keys == 0)
            {
              session_progress (self, JG_CONNECTION_STEP_AUTH_TRYING, _("The agent holds no keys"));
              continue;
            }
          note_tried (&st, _("the agent"));
          label = _("a key from the agent");
          rc = try_agent (self, &st);
          if (!auth_result (self, &st, rc, label, &done, error))
            break;
          continue;
        }

      if ((st.methods & SSH_AUTH_METHOD_PUBLICKEY) && want_keys && !st.keys_tried)
        {
          g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);

          st.keys_tried = TRUE;
          if (c->identity_file != NULL)
            g_ptr_array_add (files, g_strdup (c->identity_file));
          else if (c->auth == JG_AUTH_AUTO)
            {
              static const char *defaults[] = { "id_ed25519", "id_ecdsa", "id_rsa" };
              for (guint i = 0; i < G_N_ELEMENTS (defaults); i++)
                {
                  char *path = g_build_filename (g_get_home_dir (), ".ssh", defaults[i], NULL);
                  if (g_file_test (path, G_FILE_TEST_EXISTS))
                    g_ptr_array_add (files, path);
                  else
                    g_free (path);
                }
            }
          for (guint i = 0; i < files->len && i < MAX_KEY_FILES && !done && !st.cancelled; i++)
            {
              const char *path = g_ptr_array_index (files, i);
              g_autofree char *what = g_strdup_printf (_("the key %s"), path);

              rc = try_key_file (self, &st, path);
              if (!auth_result (self, &st, rc, what, &done, error))
                goto out;
              if (rc == SSH_AUTH_PARTIAL)
                break;
            }
          continue;
        }

      if ((st.methods & SSH_AUTH_METHOD_INTERACTIVE) && want_kbdint && !st.kbdint_tried &&
          !(c->auth == JG_AUTH_PASSWORD && (st.methods & SSH_AUTH_METHOD_PASSWORD)))
        {
          st.kbdint_tried = TRUE;
          rc = try_kbdint (self, &st);
          if (!auth_result (self, &st, rc, "keyboard-interactive", &done, error))
            break;
          continue;
        }

      if ((st.methods & SSH_AUTH_METHOD_PASSWORD) && want_password && !st.password_tried)
        {
          const char *remembered;

          st.password_tried = TRUE;
          note_tried (&st, _("password"));
          remembered = remembered_take (self, &st, JG_SECRET_PASSWORD);
          if (remembered != NULL)
            {
              session_progress (self, JG_CONNECTION_STEP_AUTH_TRYING,
                                _("Trying the password remembered in the keyring"));
              rc = ssh_userauth_password (self->ssh, NULL, remembered);
              if (!auth_result (self, &st, rc, _("the password remembered in the keyring"), &done, error))
                goto out;
              if (done || rc == SSH_AUTH_PARTIAL)
                continue;
              st.remembered[JG_SECRET_PASSWORD].refused = TRUE;
              session_progress (self, JG_CONNECTION_STEP_AUTH_TRYING,
                                _("The password remembered in the keyring was refused"));
            }
          for (guint attempt = 0; attempt < MAX_PASSWORD_TRIES && !done; attempt++)
            {
              g_autofree char *message = g_strdup_printf (_("Password for %s@%s (%s)"),
                                                          c->user, c->hostname, c->name);
              gboolean remember = FALSE;
              char *password;

              session_progress (self, JG_CONNECTION_STEP_AUTH_TRYING, _("Trying a password"));
              password = ask_secret (self, JG_PROMPT_PASSWORD, message, _("Password:"), NULL, &st,
                                     JG_SECRET_PASSWORD, &remember);
              if (password == NULL)
                break;
              rc = ssh_userauth_password (self->ssh, NULL, password);
              if (rc == SSH_AUTH_SUCCESS || rc == SSH_AUTH_PARTIAL)
                remembered_update (self, &st, JG_SECRET_PASSWORD, password, remember);
              free_secret (password);
              if (!auth_result (self, &st, rc, _("a password"), &done, error))
                goto out;
              if (rc == SSH_AUTH_PARTIAL)
                break;
              if (!done)
                session_progress (self, JG_CONNECTION_STEP_AUTH_TRYING, _("Password refused"));
            }
          continue;
        }

      break;
    }

out:
  if (!done && error != NULL && *error == NULL)
    {
      g_autoptr(GString) now_offered = g_string_new (NULL);

      methods_to_string (st.methods, now_offered);
      if (st.cancelled)
        g_set_error (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_CANCELLED,
                     _("%s: authentication was cancelled"), c->name);
      else if (c->auth == JG_AUTH_AGENT && st.agent_keys < 0)
        g_set_error (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_AGENT_NO_KEY,
                     _("%s: this machine authenticates with the SSH agent, but no agent is running (SSH_AUTH_SOCK is not set): "
                       "start one (eval $(ssh-agent)) and add your key with “ssh-add”"),
                     c->name);
      else if (c->auth == JG_AUTH_AGENT && (st.agent_keys == 0 || st.agent_sign_failed))
        g_set_error (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_AGENT_NO_KEY,
                     _("%s: Agent admitted failure to sign: the agent holds no usable key for %s@%s. "
                       "Add one with “ssh-add” (and make sure its public key is in the machine’s authorized_keys)."),
                     c->name, c->user, c->hostname);
      else
        g_set_error (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_AUTH_FAILED,
                     _("%s: the server refused authentication as “%s”. It offers: %s; tried: %s%s. "
                       "Check the user name, put your public key in the machine’s authorized_keys or the agent (ssh-add), "
                       "or enter the right password."),
                     c->name, c->user, now_offered->str,
                     st.tried->len > 0 ? st.tried->str : _("nothing usable"),
                     st.agent_keys == 0 ? _(" (the agent holds no keys)") : "");
    }
  auth_state_clear (&st);
  return done;
}

static gboolean
session_establish (JgSession  *self,
                   GError    **error)
{
  JgHopConfig *c = self->config;
  g_autoptr(GPtrArray) files = known_hosts_files (self);
  g_autofree char *hostkeys = NULL;
  const char *banner;
  long timeout = self->timeout;
  gboolean no = FALSE;
  int verbosity = SSH_LOG_NOLOG;
  int fd;

  if (self->parent == NULL)
    fd = tcp_connect (self, error);
  else
    fd = tunnel_connect (self, error);
  if (fd < 0)
    return FALSE;
  if (session_abandoned (self, error))
    {
      close (fd);
      return FALSE;
    }

  self->ssh = ssh_new ();
  hostkeys = hostkey_preference (self, (const char * const *) files->pdata);
  ssh_options_set (self->ssh, SSH_OPTIONS_LOG_VERBOSITY, &verbosity);
  ssh_options_set (self->ssh, SSH_OPTIONS_PROCESS_CONFIG, &no);
  ssh_options_set (self->ssh, SSH_OPTIONS_HOST, c->hostname);
  ssh_options_set (self->ssh, SSH_OPTIONS_PORT, &c->port);
  ssh_options_set (self->ssh, SSH_OPTIONS_USER, c->user);
  ssh_options_set (self->ssh, SSH_OPTIONS_TIMEOUT, &timeout);
  ssh_options_set (self->ssh, SSH_OPTIONS_CIPHERS_C_S, CIPHERS);
  ssh_options_set (self->ssh, SSH_OPTIONS_CIPHERS_S_C, CIPHERS);
  ssh_options_set (self->ssh, SSH_OPTIONS_HOSTKEYS, hostkeys);
  ssh_options_set (self->ssh, SSH_OPTIONS_KNOWNHOSTS, "/dev/null");
  ssh_options_set (self->ssh, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
  ssh_options_set (self->ssh, SSH_OPTIONS_FD, &fd);
  {
    struct stat st;

    if (fstat (fd, &st) == 0)
      {
        self->sock_fd = fd;
        self->sock_dev = st.st_dev;
        self->sock_ino = st.st_ino;
      }
  }
  ssh_set_counters (self->ssh, &self->sent, &self->received);

  if (ssh_connect (self->ssh) != SSH_OK)
    {
      const char *msg = ssh_get_error (self->ssh);
      gboolean timed_out = strstr (msg, "imeout") != NULL || strstr (msg, "timed out") != NULL;

      if (ssh_get_serverbanner (self->ssh) == NULL && timed_out)
        g_set_error (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_TIMED_OUT,
                     _("%s: %s port %u accepted the connection but sent no SSH banner within %u s: its SSH server hangs or this is not an SSH port"),
                     c->name, c->hostname, c->port, self->timeout);
      else if (ssh_get_serverbanner (self->ssh) == NULL)
        g_set_error (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_NO_BANNER,
                     _("%s: the connection to %s port %u was closed before the SSH banner: the machine is off or its SSH server is not running (or it refused this client; see its sshd log)"),
                     c->name, c->hostname, c->port);
      else if (timed_out)
        g_set_error (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_TIMED_OUT,
                     _("%s: the key exchange with %s did not finish within %u s"),
                     c->name, c->hostname, self->timeout);
      else
        g_set_error (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_PROTOCOL,
                     _("%s: the SSH handshake with %s failed: %s"), c->name, c->hostname, msg);
      return FALSE;
    }

  banner = ssh_get_serverbanner (self->ssh);
  session_progress (self, JG_CONNECTION_STEP_BANNER, _("Server: %s"), banner != NULL ? banner : "?");
  session_progress (self, JG_CONNECTION_STEP_KEY_EXCHANGE, _("Cipher: %s"), ssh_get_cipher_in (self->ssh));

  if (!verify_host_key (self, error))
    return FALSE;
  if (session_abandoned (self, error))
    return FALSE;
  if (!authenticate (self, error))
    return FALSE;
  return TRUE;
}

/* ----------------------------------------------------------------- pumps */

typedef enum
{
  PUMP_FORWARD,
  PUMP_SHELL,
  PUMP_EXEC,
  PUMP_AGENT,
} PumpKind;

typedef enum
{
  SETUP_OPEN,
  SETUP_AGENT,
  SETUP_PTY,
  SETUP_START,
  SETUP_DONE,
} SetupStep;

typedef struct
{
  Pump  *pump;
  int    fd;
  short  registered;
  short  revents;
} Watch;

typedef struct
{
  Watch    *watch;
  gboolean  is_stderr;
  gboolean  blocked;
  gboolean  dead;
  gboolean  eof_done;
  guint8   *pend;
  gsize     pend_size;
  gsize     pend_len;
  gsize     pend_off;
} Sink;

struct _Pump
{
  JgSession      *session;
  guint           id;
  PumpKind        kind;
  ssh_channel     channel;
  struct ssh_channel_callbacks_struct cb;
  SetupStep       setup;
  gint64          deadline;

  char           *host;
  guint           port;
  char           *term;
  char           *command;
  guint           cols;
  guint           rows;
  ForwardRequest *forward;
  int             peer_fd;
  JgReporter     *reporter;

  Watch           watches[3];
  guint           n_watches;
  Watch          *in;
  Sink            out;
  Sink            err;
  guint8         *inbuf;
  gsize           in_len;
  gsize           in_off;
  gboolean        in_eof;
  gboolean        remote_eof;
  gboolean        remote_closed;
  gboolean        finished;
  gboolean        reported_open;
  int             exit_status;
  char           *exit_signal;
  gsize           since_widen;    /* bytes delivered since the window widened */
};

static Watch *
pump_add_watch (Pump *pump,
                int   fd)
{
  Watch *w;

  for (guint i = 0; i < pump->n_watches; i++)
    if (pump->watches[i].fd == fd)
      return &pump->watches[i];
  g_assert (pump->n_watches < G_N_ELEMENTS (pump->watches));
  w = &pump->watches[pump->n_watches++];
  w->pump = pump;
  w->fd = fd;
  return w;
}

static void
set_nonblocking (int fd)
{
  int flags = fcntl (fd, F_GETFL);
  if (flags >= 0 && !(flags & O_NONBLOCK))
    fcntl (fd, F_SETFL, flags | O_NONBLOCK);
}

static int
watch_cb (socket_t  fd,
          int       revents,
          void     *userdata)
{
  Watch *w = userdata;
  w->revents |= revents;
  return 0;
}

static void
watch_unregister (JgSession *self,
                  Watch     *w)
{
  if (w->registered != 0)
    {
      ssh_event_remove_fd (self->event, w->fd);
      w->registered = 0;
    }
  w->revents = 0;
}

/* Closes one fd of a pump (all the roles it has). */
static void
pump_close_fd (Pump *pump,
               int   fd)
{
  if (fd < 0)
    return;
  for (guint i = 0; i < pump->n_watches; i++)
    {
      Watch *w = &pump->watches[i];
      if (w->fd == fd)
        {
          watch_unregister (pump->session, w);
          w->fd = -1;
        }
    }
  close (fd);
}

static int
pump_data_cb (ssh_session  session,
              ssh_channel  channel,
              void        *data,
              uint32_t     len,
              int          is_stderr,
              void        *userdata)
{
  Pump *pump = userdata;
  Sink *sink = is_stderr && pump->err.watch != NULL ? &pump->err : &pump->out;
  gssize n;

  if (sink->dead || sink->watch == NULL || sink->watch->fd < 0)
    return len;              /* nobody reads any more: drop */
  if (sink->blocked)
    return 0;                /* stays in the channel; the window stops growing */
  do
    n = write (sink->watch->fd, data, len);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    {
      if (errno == EAGAIN)
        {
          sink->blocked = TRUE;
          return 0;
        }
      sink->dead = TRUE;
      return len;
    }
  if ((uint32_t) n < len)
    sink->blocked = TRUE;
  pump->since_widen += n;
  return n;
}

static void
pump_eof_cb (ssh_session session,
             ssh_channel channel,
             void       *userdata)
{
  Pump *pump = userdata;
  pump->remote_eof = TRUE;
}

static void
pump_close_cb (ssh_session session,
               ssh_channel channel,
               void       *userdata)
{
  Pump *pump = userdata;
  pump->remote_eof = TRUE;
  pump->remote_closed = TRUE;
}

static void
pump_exit_status_cb (ssh_session session,
                     ssh_channel channel,
                     int         exit_status,
                     void       *userdata)
{
  Pump *pump = userdata;
  pump->exit_status = exit_status;
}

static void
pump_exit_signal_cb (ssh_session  session,
                     ssh_channel  channel,
                     const char  *signal,
                     int          core,
                     const char  *errmsg,
                     const char  *lang,
                     void        *userdata)
{
  Pump *pump = userdata;
  g_free (pump->exit_signal);
  pump->exit_signal = g_strdup (signal);
}

static int
pump_wontblock_cb (ssh_session session,
                   ssh_channel channel,
                   uint32_t    bytes,
                   void       *userdata)
{
  return 0;
}

static Pump *
pump_new (JgSession *self,
          PumpKind   kind,
          guint      id)
{
  Pump *pump = g_new0 (Pump, 1);

  pump->session = self;
  pump->kind = kind;
  pump->id = id;
  pump->peer_fd = -1;
  pump->exit_status = -1;
  pump->channel = ssh_channel_new (self->ssh);
  pump->deadline = g_get_monotonic_time () + self->timeout * G_TIME_SPAN_SECOND;
  pump->cb.userdata = pump;
  pump->cb.channel_data_function = pump_data_cb;
  pump->cb.channel_eof_function = pump_eof_cb;
  pump->cb.channel_close_function = pump_close_cb;
  pump->cb.channel_exit_status_function = pump_exit_status_cb;
  pump->cb.channel_exit_signal_function = pump_exit_signal_cb;
  pump->cb.channel_write_wontblock_function = pump_wontblock_cb;
  ssh_callbacks_init (&pump->cb);
  if (pump->channel != NULL)
    ssh_set_channel_callbacks (pump->channel, &pump->cb);
  g_ptr_array_add (self->pumps, pump);
  return pump;
}

/* Sets the fds: @in is read and sent; @out and @err receive. */
static void
pump_set_fds (Pump *pump,
              int   in,
              int   out,
              int   err)
{
  if (in >= 0)
    {
      set_nonblocking (in);
      pump->in = pump_add_watch (pump, in);
    }
  if (out >= 0)
    {
      set_nonblocking (out);
      pump->out.watch = pump_add_watch (pump, out);
    }
  if (err >= 0)
    {
      set_nonblocking (err);
      pump->err.watch = pump_add_watch (pump, err);
      pump->err.is_stderr = TRUE;
    }
}

static void
pump_report_closed (Pump   *pump,
                    GError *error)
{
  JgReport report = { 0 };

  if (pump->reporter == NULL || !pump->reported_open)
    {
      g_clear_error (&error);
      return;
    }
  report.kind = JG_REPORT_CHANNEL_CLOSED;
  report.hop = pump->session->depth;
  report.channel_id = pump->id;
  report.error = error;
  report.exit_status = pump->exit_status;
  report.exit_signal = g_strdup (pump->exit_signal);
  reporter_send (pump->reporter, &report);
}

/* Ends a pump: reports @error (taken) to whoever waits, frees everything. */
static void
pump_free (Pump   *pump,
           GError *error)
{
  JgSession *self = pump->session;

  if (pump->forward != NULL)
    {
      forward_request_complete (pump->forward, -1,
                                error != NULL ? g_error_copy (error)
                                              : g_error_new (JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_FAILED,
                                                             _("%s: the tunnel was closed"), self->config->name));
      forward_request_unref (pump->forward);
      pump->forward = NULL;
    }
  if (pump->reporter != NULL && !pump->reported_open)
    {
      JgReport report = { 0 };

      report.kind = JG_REPORT_CHANNEL_OPEN;
      report.hop = self->depth;
      report.channel_id = pump->id;
      report.error = error != NULL ? g_error_copy (error)
                                   : g_error_new (JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_CHANNEL_FAILED,
                                                  _("%s: the channel was closed"), self->config->name);
      reporter_send (pump->reporter, &report);
      g_clear_error (&error);
    }
  else
    pump_report_closed (pump, error);

  for (guint i = 0; i < pump->n_watches; i++)
    if (pump->watches[i].fd >= 0)
      pump_close_fd (pump, pump->watches[i].fd);
  if (pump->peer_fd >= 0)
    close (pump->peer_fd);
  if (pump->channel != NULL)
    {
      ssh_remove_channel_callbacks (pump->channel, &pump->cb);
      if (ssh_channel_is_open (pump->channel))
        ssh_channel_close (pump->channel);
      ssh_channel_free (pump->channel);
    }
  g_clear_pointer (&pump->reporter, jg_reporter_unref);
  g_free (pump->out.pend);
  g_free (pump->err.pend);
  g_free (pump->inbuf);
  g_free (pump->host);
  g_free (pump->term);
  g_free (pump->command);
  g_free (pump->exit_signal);
  g_ptr_array_remove_fast (self->pumps, pump);
  g_free (pump);
}

static GError *
channel_error (Pump       *pump,
               const char *what)
{
  JgSession *self = pump->session;
  const char *msg = ssh_get_error (self->ssh);

  if (pump->kind == PUMP_FORWARD)
    {
      if (strstr (msg, "(1)") != NULL || strstr (msg, "prohibited") != NULL)
        return g_error_new (JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_FORWARD_REFUSED,
                            _("%s: the jump host %s refused to forward the connection to %s port %u (%s): "
                              "its SSH server does not allow TCP forwarding — set “AllowTcpForwarding yes” in its sshd_config, "
                              "or choose another jump host"),
                            self->config->name, self->config->name, pump->host, pump->port, msg);
      if (strstr (msg, "(2)") != NULL || strstr (msg, "onnect") != NULL)
        return g_error_new (JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_NO_BANNER,
                            _("%s could not reach %s port %u (%s): the machine is off or its SSH server is not running"),
                            self->config->name, pump->host, pump->port, msg);
      return g_error_new (JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_FORWARD_REFUSED,
                          _("%s: the tunnel to %s port %u could not be opened: %s"),
                          self->config->name, pump->host, pump->port, msg);
    }
  return g_error_new (JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_CHANNEL_FAILED,
                      _("%s: %s failed: %s"), self->config->name, what, msg);
}

/* Advances the non-blocking channel set-up; FALSE when the pump failed
 * (and was freed). */
static gboolean
pump_setup (Pump *pump)
{
  JgSession *self = pump->session;
  int rc = SSH_OK;

  while (pump->setup != SETUP_DONE)
    {
      const char *what = NULL;

      rc = SSH_OK;
      switch (pump->setup)
        {
        case SETUP_OPEN:
          what = _("opening a channel");
          if (pump->kind == PUMP_FORWARD)
            rc = ssh_channel_open_forward (pump->channel, pump->host, pump->port, "127.0.0.1", 0);
          else
            rc = ssh_channel_open_session (pump->channel);
          break;
        case SETUP_AGENT:
          if (self->config->forward_agent && g_getenv ("SSH_AUTH_SOCK") != NULL)
            {
              rc = ssh_channel_request_auth_agent (pump->channel);
              if (rc == SSH_ERROR)
                rc = SSH_OK;   /* ssh only warns, and so do we */
            }
          break;
        case SETUP_PTY:
          if (pump->kind == PUMP_SHELL)
            {
              what = _("asking for a terminal");
              rc = ssh_channel_request_pty_size (pump->channel, pump->term, pump->cols, pump->rows);
            }
          break;
        case SETUP_START:
          if (pump->kind == PUMP_SHELL)
            {
              what = _("starting the shell");
              rc = ssh_channel_request_shell (pump->channel);
            }
          else
            {
              what = _("starting the command");
              rc = ssh_channel_request_exec (pump->channel, pump->command);
            }
          break;
        case SETUP_DONE:
        default:
          g_assert_not_reached ();
        }

      if (rc == SSH_AGAIN)
        {
          if (g_get_monotonic_time () > pump->deadline)
            {
              pump_free (pump, g_error_new (JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_TIMED_OUT,
                                            _("%s: no answer within %u s while %s"),
                                            self->config->name, self->timeout, what));
              return FALSE;
            }
          return TRUE;
        }
      if (rc != SSH_OK)
        {
          pump_free (pump, channel_error (pump, what));
          return FALSE;
        }
      pump->setup++;
      if (pump->setup == SETUP_AGENT && pump->kind != PUMP_SHELL && pump->kind != PUMP_EXEC)
        pump->setup = SETUP_DONE;
    }

  /* running */
  if (pump->kind == PUMP_FORWARD)
    {
      int fd = pump->peer_fd;
      pump->peer_fd = -1;
      forward_request_complete (pump->forward, fd, NULL);
      forward_request_unref (pump->forward);
      pump->forward = NULL;
    }
  else if (pump->reporter != NULL)
    {
      JgReport report = { 0 };

      report.kind = JG_REPORT_CHANNEL_OPEN;
      report.hop = self->depth;
      report.channel_id = pump->id;
      reporter_send (pump->reporter, &report);
      pump->reported_open = TRUE;
    }
  if (pump->in == NULL && !pump->in_eof)
    {
      pump->in_eof = TRUE;
      ssh_channel_send_eof (pump->channel);
    }
  return TRUE;
}

/* Writes what waits for a blocked sink; unblocks it once all is out. */
static void
sink_drain (Pump *pump,
            Sink *sink)
{
  for (;;)
    {
      int n;

      while (sink->pend_off < sink->pend_len)
        {
          gssize w = write (sink->watch->fd, sink->pend + sink->pend_off, sink->pend_len - sink->pend_off);
          if (w < 0 && errno == EINTR)
            continue;
          if (w < 0 && errno == EAGAIN)
            return;
          if (w <= 0)
            {
              sink->dead = TRUE;
              sink->blocked = FALSE;
              sink->pend_len = sink->pend_off = 0;
              return;
            }
          sink->pend_off += w;
        }
      sink->pend_len = sink->pend_off = 0;
      if (sink->pend == NULL)
        {
          sink->pend = g_malloc (IO_CHUNK);
          sink->pend_size = IO_CHUNK;
        }
      n = ssh_channel_read_nonblocking (pump->channel, sink->pend, IO_CHUNK, sink->is_stderr);
      if (n <= 0)
        break;
      sink->pend_len = n;
    }
  sink->blocked = FALSE;
}

static void
pump_read_input (Pump *pump)
{
  JgSession *self = pump->session;

  for (guint round = 0; round < 4; round++)
    {
      guint32 window;
      gssize n;
      int w;

      if (pump->in_len > pump->in_off)
        {
          window = ssh_channel_window_size (pump->channel);
          if (window == 0)
            return;
          w = ssh_channel_write (pump->channel, pump->inbuf + pump->in_off,
                                 MIN (window, pump->in_len - pump->in_off));
          if (w < 0)
            {
              pump->finished = TRUE;
              return;
            }
          pump->in_off += w;
          if (pump->in_off < pump->in_len)
            return;
          pump->in_len = pump->in_off = 0;
        }

      window = ssh_channel_window_size (pump->channel);
      if (window == 0 || pump->in_eof || pump->in == NULL || pump->in->fd < 0)
        return;
      do
        n = read (pump->in->fd, self->scratch, MIN (window, IO_CHUNK));
      while (n < 0 && errno == EINTR);
      if (n < 0 && errno == EAGAIN)
        return;
      if (n <= 0)
        {
          /* EOF (or EIO: the pty's master is gone) */
          pump->in_eof = TRUE;
          ssh_channel_send_eof (pump->channel);
          if (pump->kind == PUMP_SHELL)
            pump->finished = TRUE;
          return;
        }
      w = ssh_channel_write (pump->channel, self->scratch, n);
      if (w < 0)
        {
          pump->finished = TRUE;
          return;
        }
      if (w < n)
        {
          if (pump->inbuf == NULL)
            pump->inbuf = g_malloc (IO_CHUNK);
          memcpy (pump->inbuf, self->scratch + w, n - w);
          pump->in_len = n - w;
          pump->in_off = 0;
          return;
        }
    }
}

static gboolean
sink_idle (Sink *sink)
{
  return sink->watch == NULL || sink->dead || (!sink->blocked && sink->pend_len == 0);
}

/* After remote EOF, once everything is delivered: pass the EOF on. */
static void
pump_deliver_eof (Pump *pump)
{
  if (pump->out.eof_done || !sink_idle (&pump->out) || !sink_idle (&pump->err))
    return;
  pump->out.eof_done = TRUE;

  switch (pump->kind)
    {
    case PUMP_FORWARD:
    case PUMP_AGENT:
      if (pump->out.watch != NULL && pump->out.watch->fd >= 0)
        shutdown (pump->out.watch->fd, SHUT_WR);
      break;
    case PUMP_EXEC:
      if (pump->out.watch != NULL && pump->out.watch != pump->in)
        pump_close_fd (pump, pump->out.watch->fd);
      if (pump->err.watch != NULL && pump->err.watch != pump->in)
        pump_close_fd (pump, pump->err.watch->fd);
      break;
    case PUMP_SHELL:
    default:
      /* the close follows, with the exit status */
      break;
    }
}

static gboolean session_alive (JgSession *self);

/* Keeps the window of a forwarding or --exec channel at WIDE_WINDOW while
 * its data is taken as fast as it comes: asking libssh to read more than
 * the window holds makes it grow the window to that size. Nothing is
 * usually left to read (the data callback took it all); what is, goes to
 * the sink like any data that did not fit. */
static void
pump_widen (Pump *pump)
{
  JgSession *self = pump->session;
  Sink *sink = &pump->out;
  int n;

  if ((pump->kind != PUMP_FORWARD && pump->kind != PUMP_EXEC) || pump->setup != SETUP_DONE
      || pump->since_widen < WIDE_WINDOW / 4 || pump->remote_eof || pump->remote_closed
      || !ssh_channel_is_open (pump->channel)
      || sink->watch == NULL || sink->dead || sink->blocked || sink->pend_len > 0)
    return;
  pump->since_widen = 0;
  if (self->wide_scratch == NULL)
    self->wide_scratch = g_malloc (WIDE_WINDOW);
  n = ssh_channel_read_timeout (pump->channel, self->wide_scratch, WIDE_WINDOW, 0, 0);
  if (n <= 0)
    return;
  if (sink->pend_size < (gsize) n)
    {
      /* (sink_drain () reads IO_CHUNK at a time into it) */
      g_free (sink->pend);
      sink->pend_size = MAX ((gsize) n, IO_CHUNK);
      sink->pend = g_malloc (sink->pend_size);
    }
  memcpy (sink->pend, self->wide_scratch, n);
  sink->pend_len = n;
  sink->pend_off = 0;
  sink->blocked = TRUE;   /* written when the fd takes it (sink_drain) */
}

/* One round of work for a running pump; FALSE when it ended (freed). */
static gboolean
pump_process (Pump *pump)
{
  gboolean input_ready = FALSE;

  if (pump->setup != SETUP_DONE)
    {
      if (!pump_setup (pump))
        return FALSE;
      if (pump->setup != SETUP_DONE)
        return TRUE;
    }

  for (guint i = 0; i < pump->n_watches; i++)
    {
      Watch *w = &pump->watches[i];
      short revents = w->revents;

      w->revents = 0;
      if (w->fd < 0 || revents == 0)
        continue;
      if (pump->out.watch == w && pump->out.blocked && (revents & (POLLOUT | POLLERR | POLLHUP)))
        sink_drain (pump, &pump->out);
      if (pump->err.watch == w && pump->err.blocked && (revents & (POLLOUT | POLLERR | POLLHUP)))
        sink_drain (pump, &pump->err);
      if (pump->in == w && (revents & (POLLIN | POLLERR | POLLHUP)))
        input_ready = TRUE;
    }
  /* read only what poll() announced, or finish a write the window cut */
  if (pump->in != NULL && pump->in->fd >= 0 && (input_ready || pump->in_len > pump->in_off))
    pump_read_input (pump);

  if (pump->remote_eof)
    pump_deliver_eof (pump);
  if (pump->out.dead && pump->kind != PUMP_EXEC)
    pump->finished = TRUE;
  if (pump->remote_closed && sink_idle (&pump->out) && sink_idle (&pump->err))
    pump->finished = TRUE;
  if (!pump->finished)
    pump_widen (pump);
  /* closed by libssh itself: when the session died, that is the reason,
   * reported by session_run () — not a normal end */
  if (ssh_channel_is_closed (pump->channel) && !pump->remote_closed && pump->setup == SETUP_DONE &&
      session_alive (pump->session))
    pump->finished = TRUE;

  if (pump->finished)
    {
      pump_free (pump, NULL);
      return FALSE;
    }
  return TRUE;
}

static void
pump_reconcile (Pump *pump)
{
  JgSession *self = pump->session;

  for (guint i = 0; i < pump->n_watches; i++)
    {
      Watch *w = &pump->watches[i];
      short wanted = 0;

      if (w->fd < 0)
        continue;
      if (pump->setup == SETUP_DONE)
        {
          if (pump->in == w && !pump->in_eof &&
              (pump->in_len > pump->in_off || ssh_channel_window_size (pump->channel) > 0))
            wanted |= POLLIN;
          if ((pump->out.watch == w && pump->out.blocked) || (pump->err.watch == w && pump->err.blocked))
            wanted |= POLLOUT;
        }
      if (wanted == w->registered)
        continue;
      if (w->registered != 0)
        ssh_event_remove_fd (self->event, w->fd);
      w->registered = 0;
      if (wanted != 0 && ssh_event_add_fd (self->event, w->fd, wanted, watch_cb, w) == SSH_OK)
        w->registered = wanted;
    }
}

static Pump *
find_pump (JgSession *self,
           guint      id)
{
  for (guint i = 0; i < self->pumps->len; i++)
    {
      Pump *pump = g_ptr_array_index (self->pumps, i);
      if (pump->id == id)
        return pump;
    }
  return NULL;
}

static ssh_channel
agent_channel_cb (ssh_session session,
                  void       *userdata)
{
  JgSession *self = userdata;
  const char *path = g_getenv ("SSH_AUTH_SOCK");
  struct sockaddr_un addr = { 0 };
  Pump *pump;
  int fd;

  if (path == NULL || strlen (path) >= sizeof addr.sun_path)
    return NULL;
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return NULL;
  addr.sun_family = AF_UNIX;
  strcpy (addr.sun_path, path);
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    {
      close (fd);
      return NULL;
    }
  pump = pump_new (self, PUMP_AGENT, g_atomic_int_add (&self->next_channel_id, 1));
  if (pump->channel == NULL)
    {
      close (fd);
      pump_free (pump, NULL);
      return NULL;
    }
  pump->setup = SETUP_DONE;
  pump_set_fds (pump, fd, fd, -1);
  return pump->channel;
}

static void
run_command (JgSession *self,
             Cmd       *cmd)
{
  Pump *pump;

  switch (cmd->kind)
    {
    case CMD_FORWARD:
      {
        int pair[2];
        int size = SOCKPAIR_BUF;

        if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, pair) < 0)
          {
            forward_request_complete (cmd->forward, -1,
                                      g_error_new (JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_FAILED,
                                                   _("Could not make a socket pair: %s"), g_strerror (errno)));
            forward_request_unref (cmd->forward);
            break;
          }
        for (guint i = 0; i < 2; i++)
          {
            setsockopt (pair[i], SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
            setsockopt (pair[i], SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
          }
        pump = pump_new (self, PUMP_FORWARD, g_atomic_int_add (&self->next_channel_id, 1));
        pump->forward = cmd->forward;
        pump->host = g_strdup (cmd->forward->host);
        pump->port = cmd->forward->port;
        pump->peer_fd = pair[1];
        pump_set_fds (pump, pair[0], pair[0], -1);
        break;
      }

    case CMD_SHELL:
      pump = pump_new (self, PUMP_SHELL, cmd->id);
      pump->reporter = g_steal_pointer (&cmd->reporter);
      pump->term = g_strdup (cmd->text);
      pump->cols = cmd->cols;
      pump->rows = cmd->rows;
      pump_set_fds (pump, cmd->fds[0], cmd->fds[0], -1);
      cmd->fds[0] = -1;
      break;

    case CMD_EXEC:
      pump = pump_new (self, PUMP_EXEC, cmd->id);
      pump->reporter = g_steal_pointer (&cmd->reporter);
      pump->command = g_strdup (cmd->text);
      pump_set_fds (pump, cmd->fds[0], cmd->fds[1], cmd->fds[2]);
      cmd->fds[0] = cmd->fds[1] = cmd->fds[2] = -1;
      break;

    case CMD_RESIZE:
      pump = find_pump (self, cmd->id);
      if (pump != NULL && pump->kind == PUMP_SHELL)
        {
          pump->cols = cmd->cols;
          pump->rows = cmd->rows;
          if (pump->setup == SETUP_DONE)
            ssh_channel_change_pty_size (pump->channel, cmd->cols, cmd->rows);
        }
      break;

    case CMD_CLOSE:
      pump = find_pump (self, cmd->id);
      if (pump != NULL)
        {
          g_clear_pointer (&pump->reporter, jg_reporter_unref);
          pump_free (pump, NULL);
        }
      break;

    default:
      g_assert_not_reached ();
    }
  cmd_free (cmd);
}

static gboolean
run_commands (JgSession *self)
{
  gboolean shutdown;

  for (;;)
    {
      Cmd *cmd;

      g_mutex_lock (&self->lock);
      cmd = g_queue_pop_head (&self->commands);
      shutdown = self->shutdown;
      g_mutex_unlock (&self->lock);
      if (cmd == NULL)
        break;
      run_command (self, cmd);
    }
  return !shutdown;
}

static gboolean
session_alive (JgSession *self)
{
  return ssh_is_connected (self->ssh) &&
         !(ssh_get_status (self->ssh) & (SSH_CLOSED | SSH_CLOSED_ERROR));
}

/* The pump loop; returns the reason it stopped (NULL: shut down). */
static GError *
session_run (JgSession *self)
{
  JgHopConfig *c = self->config;
  gint64 interval = (gint64) c->keepalive * G_TIME_SPAN_SECOND;
  gint64 next_keepalive = interval > 0 ? g_get_monotonic_time () + interval : G_MAXINT64;
  guint64 last_in = self->received.in_packets;
  gint64 last_in_at = g_get_monotonic_time ();   /* when a packet last came */
  Watch *wake;

  ssh_set_blocking (self->ssh, 0);
  self->event = ssh_event_new ();
  ssh_event_add_session (self->event, self->ssh);
  /* Not on this stack: the event keeps the watch until the session's
   * teardown, after this function returned. */
  if (self->wake_watch == NULL)
    self->wake_watch = g_new0 (Watch, 1);
  wake = self->wake_watch;
  *wake = (Watch) { NULL, self->wake_fd, POLLIN, 0 };
  ssh_event_add_fd (self->event, self->wake_fd, POLLIN, watch_cb, wake);
  self->wake_registered = TRUE;

  for (;;)
    {
      gint64 now = g_get_monotonic_time ();
      int timeout_ms = 1000;

      if (next_keepalive != G_MAXINT64)
        {
          gint64 dead_at = last_in_at + KEEPALIVE_MAX_MISSED * interval;

          timeout_ms = CLAMP ((MIN (next_keepalive, dead_at) - now) / 1000 + 1, 0, 1000);
        }
      for (guint i = 0; i < self->pumps->len; i++)
        if (((Pump *) g_ptr_array_index (self->pumps, i))->setup != SETUP_DONE)
          timeout_ms = MIN (timeout_ms, 50);

      ssh_event_dopoll (self->event, timeout_ms);

      if (wake->revents != 0)
        {
          guint64 value;
          wake->revents = 0;
          if (read (self->wake_fd, &value, sizeof value) < 0 && errno != EAGAIN)
            g_warning ("Could not read a worker's eventfd: %s", g_strerror (errno));
        }
      if (!run_commands (self))
        return NULL;

      for (guint i = 0; i < self->pumps->len;)
        {
          Pump *pump = g_ptr_array_index (self->pumps, i);
          if (pump_process (pump))
            i++;
          else
            i = 0;  /* the array changed: start again (pumps are idempotent) */
        }

      if (!session_alive (self))
        {
          const char *msg = ssh_get_error (self->ssh);
          return g_error_new (JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_TRANSPORT_LOST,
                              _("%s: the connection was lost (%s)"), c->name,
                              msg != NULL && *msg != '\0' ? msg : _("closed by the other end"));
        }

      /* Dead when nothing came for KEEPALIVE_MAX_MISSED intervals, though
       * a keepalive went out every interval: found within that time of the
       * last packet, not a poll round later. */
      now = g_get_monotonic_time ();
      if (self->received.in_packets != last_in)
        {
          last_in = self->received.in_packets;
          last_in_at = now;
        }
      if (interval > 0 && now - last_in_at >= KEEPALIVE_MAX_MISSED * interval)
        return g_error_new (JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_TRANSPORT_LOST,
                            _("%s: the connection is dead: no answer to %u keepalives in %u s — the machine or the network went away"),
                            c->name, KEEPALIVE_MAX_MISSED, KEEPALIVE_MAX_MISSED * c->keepalive);
      if (now >= next_keepalive)
        {
          guint64 out_before = self->sent.out_packets;

          ssh_send_keepalive (self->ssh);
          /* libssh only collects the previous answer when one is pending */
          if (self->sent.out_packets == out_before)
            ssh_send_keepalive (self->ssh);
          next_keepalive = now + interval;
        }

      for (guint i = 0; i < self->pumps->len; i++)
        pump_reconcile (g_ptr_array_index (self->pumps, i));
    }
}

/* Answers a command the worker will never run with the session's error. */
static void
cmd_fail (JgSession *self,
          Cmd       *cmd)
{
  g_autoptr(GError) error = NULL;

  g_mutex_lock (&self->lock);
  error = self->error != NULL ? g_error_copy (self->error)
                              : g_error_new (JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_TRANSPORT_LOST,
                                             _("%s: the connection was closed"), self->config->name);
  g_mutex_unlock (&self->lock);

  if (cmd->kind == CMD_FORWARD)
    {
      forward_request_complete (cmd->forward, -1, g_steal_pointer (&error));
      forward_request_unref (cmd->forward);
    }
  else if (cmd->reporter != NULL && (cmd->kind == CMD_SHELL || cmd->kind == CMD_EXEC))
    {
      JgReport report = { 0 };

      report.kind = JG_REPORT_CHANNEL_OPEN;
      report.hop = self->depth;
      report.channel_id = cmd->id;
      report.error = g_steal_pointer (&error);
      reporter_send (cmd->reporter, &report);
    }
  cmd_free (cmd);
}

static void
fail_commands (JgSession *self)
{
  for (;;)
    {
      Cmd *cmd;

      g_mutex_lock (&self->lock);
      cmd = g_queue_pop_head (&self->commands);
      if (cmd == NULL)
        self->worker_done = TRUE;
      g_mutex_unlock (&self->lock);
      if (cmd == NULL)
        break;
      cmd_fail (self, cmd);
    }
}

static void session_release_use (JgSession *self);

static gpointer
session_thread (gpointer data)
{
  JgSession *self = data;
  GError *error = NULL;
  gboolean shut_down = FALSE;

  self->pumps = g_ptr_array_new ();
  self->scratch = g_malloc (IO_CHUNK);
  ssh_callbacks_init (&self->callbacks);
  self->callbacks.userdata = self;
  self->callbacks.channel_open_request_auth_agent_function = agent_channel_cb;

  if (session_establish (self, &error))
    {
      ssh_set_callbacks (self->ssh, &self->callbacks);
      session_set_state (self, STATE_READY, NULL);
      error = session_run (self);
      shut_down = error == NULL;
    }

  /* A hop behind a lost one is lost for the same reason. */
  if (error != NULL && self->parent != NULL &&
      error->code == JG_CONNECTION_ERROR_TRANSPORT_LOST)
    {
      g_mutex_lock (&self->parent->lock);
      if (self->parent->state == STATE_CLOSED && self->parent->error != NULL)
        {
          g_clear_error (&error);
          error = g_error_copy (self->parent->error);
        }
      g_mutex_unlock (&self->parent->lock);
    }
  session_set_state (self, STATE_CLOSED, error);

  while (self->pumps->len > 0)
    {
      Pump *pump = g_ptr_array_index (self->pumps, 0);
      pump_free (pump, shut_down ? NULL : g_error_copy (self->error));
    }
  fail_commands (self);

  if (self->event != NULL)
    {
      ssh_event_remove_fd (self->event, self->wake_fd);
      ssh_event_remove_session (self->event, self->ssh);
      ssh_event_free (self->event);
      self->event = NULL;
    }
  if (self->ssh != NULL)
    {
      if (ssh_is_connected (self->ssh))
        ssh_disconnect (self->ssh);
      ssh_free (self->ssh);
      self->ssh = NULL;
    }
  /* libssh 0.10 closes a socket given with SSH_OPTIONS_FD when the
   * connection fails, but not on ssh_disconnect (): close it if it is still
   * that socket (same inode: the number may be another thread's by now). */
  close_if_same (&self->sock_fd, self->sock_dev, self->sock_ino);
  agent_fd_close (self);
  g_ptr_array_unref (self->pumps);
  g_free (self->scratch);
  g_free (self->wide_scratch);

  if (self->parent != NULL)
    {
      session_release_use (self->parent);
      g_clear_pointer (&self->parent, jg_session_unref);
    }
  jg_session_unref (self);

  /* libcrypto keeps random generators per thread */
  OPENSSL_thread_stop ();

  g_mutex_lock (&pool_lock);
  n_threads--;
  g_cond_broadcast (&threads_cond);
  g_mutex_unlock (&pool_lock);
  return NULL;
}

/* ------------------------------------------------------------------ pool */

static char *
path_key (JgHopConfig * const *path,
          guint                n)
{
  GString *key = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (key, "%s%s|%s|%u|%s", i > 0 ? "/" : "",
                            path[i]->id, path[i]->hostname, path[i]->port, path[i]->user);
  return g_string_free (key, FALSE);
}

static void add_reporter (JgSession  *self,
                          JgReporter *reporter,
                          gboolean    state_too);

/* Under pool_lock: a use of the session of path[0..n), with @reporter
 * registered on it and its parents before any worker starts. @shared says
 * whether the last hop may be shared, @parents_shared whether the jump hops
 * may be (they are but for a fresh chain). */
static JgSession *
acquire_locked (JgHopConfig * const *path,
                guint                n,
                gboolean             shared,
                gboolean             parents_shared,
                guint                timeout,
                JgReporter          *reporter,
                gboolean             is_target)
{
  g_autofree char *key = path_key (path, n);
  JgSession *self;

  if (pool == NULL)
    pool = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) jg_session_unref);

  self = shared ? g_hash_table_lookup (pool, key) : NULL;
  if (self != NULL)
    {
      gboolean usable;

      g_mutex_lock (&self->lock);
      usable = self->state != STATE_CLOSED && !self->shutdown;
      g_mutex_unlock (&self->lock);
      if (usable)
        {
          self->users++;
          for (JgSession *s = self; s != NULL; s = s->parent)
            add_reporter (s, reporter, is_target && s == self);
          return jg_session_ref (self);
        }
      self->in_pool = FALSE;
      g_hash_table_remove (pool, self->key);
    }

  self = g_new0 (JgSession, 1);
  g_atomic_ref_count_init (&self->ref_count);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_queue_init (&self->commands);
  self->reporters = g_ptr_array_new_with_free_func ((GDestroyNotify) jg_reporter_unref);
  self->key = g_steal_pointer (&key);
  self->config = jg_hop_config_copy (path[n - 1]);
  self->depth = n - 1;
  self->timeout = timeout;
  self->shared = shared;
  self->users = 1;
  self->state = STATE_CONNECTING;
  self->next_channel_id = 1;
  self->wake_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  self->sock_fd = -1;
  self->agent_fd = -1;
  if (n > 1)
    self->parent = acquire_locked (path, n - 1, parents_shared, parents_shared, timeout, reporter, FALSE);
  if (shared)
    {
      g_hash_table_replace (pool, self->key, jg_session_ref (self));
      self->in_pool = TRUE;
    }
  add_reporter (self, reporter, is_target);

  /* A peer that closed its end (a pump's socketpair, a hop's socket, a
   * pty) must give EPIPE to the thread writing, not kill the process: as
   * ssh does, SIGPIPE is ignored once any session exists. */
  if (g_once_init_enter (&sigpipe_ignored))
    {
      signal (SIGPIPE, SIG_IGN);
      g_once_init_leave (&sigpipe_ignored, 1);
    }

  /* the thread's reference */
  jg_session_ref (self);
  n_threads++;
  self->thread = g_thread_new ("jg-hop", session_thread, self);
  g_thread_unref (self->thread);
  return self;
}

static void
add_reporter (JgSession  *self,
              JgReporter *reporter,
              gboolean    state_too)
{
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->reporters, jg_reporter_ref (reporter));
  if (self->state == STATE_READY)
    {
      JgReport report = { 0 };

      report.kind = JG_REPORT_PROGRESS;
      report.hop = self->depth;
      report.step = JG_CONNECTION_STEP_REUSED;
      report.detail = g_strdup_printf (_("Sharing the open connection to %s"), self->config->name);
      reporter_send (reporter, &report);
    }
  if (state_too && self->state != STATE_CONNECTING)
    send_state (self, reporter);
  g_mutex_unlock (&self->lock);
}

JgSession *
jg_session_acquire_full (JgHopConfig * const *path,
                         guint                n,
                         gboolean             shared,
                         gboolean             parents_shared,
                         guint                timeout,
                         JgReporter          *reporter)
{
  JgSession *self;

  g_return_val_if_fail (n >= 1, NULL);

  g_mutex_lock (&pool_lock);
  self = acquire_locked (path, n, shared, parents_shared, timeout, reporter, TRUE);
  g_mutex_unlock (&pool_lock);
  return self;
}

JgSession *
jg_session_acquire (JgHopConfig * const *path,
                    guint                n,
                    gboolean             shared,
                    guint                timeout,
                    JgReporter          *reporter)
{
  return jg_session_acquire_full (path, n, shared, TRUE, timeout, reporter);
}

/* Gives back one use; the last one shuts the session down. */
static void
session_release_use (JgSession *self)
{
  gboolean last;

  g_mutex_lock (&pool_lock);
  g_assert (self->users > 0);
  last = --self->users == 0;
  if (last && self->in_pool && g_hash_table_lookup (pool, self->key) == self)
    {
      self->in_pool = FALSE;
      g_hash_table_remove (pool, self->key);
    }
  g_mutex_unlock (&pool_lock);

  if (last)
    {
      g_atomic_int_set (&self->abandoned, 1);
      g_mutex_lock (&self->lock);
      self->shutdown = TRUE;
      g_mutex_unlock (&self->lock);
      session_wake (self);
    }
}

JgSession *
jg_session_lookup (JgHopConfig * const *path,
                   guint                n,
                   JgReporter          *reporter)
{
  g_autofree char *key = NULL;
  JgSession *self;

  g_return_val_if_fail (n >= 1, NULL);

  key = path_key (path, n);
  g_mutex_lock (&pool_lock);
  self = pool != NULL ? g_hash_table_lookup (pool, key) : NULL;
  if (self != NULL)
    {
      gboolean ready;

      g_mutex_lock (&self->lock);
      ready = self->state == STATE_READY && !self->shutdown;
      g_mutex_unlock (&self->lock);
      if (ready)
        {
          self->users++;
          for (JgSession *s = self; s != NULL; s = s->parent)
            {
              g_mutex_lock (&s->lock);
              g_ptr_array_add (s->reporters, jg_reporter_ref (reporter));
              g_mutex_unlock (&s->lock);
            }
          jg_session_ref (self);
        }
      else
        self = NULL;
    }
  g_mutex_unlock (&pool_lock);
  return self;
}

gboolean
jg_session_wait_ready (JgSession  *self,
                       guint       timeout,
                       GError    **error)
{
  gint64 deadline;
  gboolean ready;

  g_return_val_if_fail (self != NULL, FALSE);

  deadline = g_get_monotonic_time () + (gint64) timeout * G_TIME_SPAN_SECOND;
  g_mutex_lock (&self->lock);
  while (self->state == STATE_CONNECTING)
    if (!g_cond_wait_until (&self->cond, &self->lock, deadline))
      break;
  ready = self->state == STATE_READY;
  if (self->state == STATE_CONNECTING)
    g_set_error (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_TIMED_OUT,
                 _("%s: the connection was not ready within %u s"), self->config->name, timeout);
  else if (!ready && error != NULL)
    *error = g_error_copy (self->error);
  g_mutex_unlock (&self->lock);
  return ready;
}

int
jg_session_open_forward (JgSession   *self,
                         const char  *host,
                         guint        port,
                         guint        timeout,
                         GError     **error)
{
  g_return_val_if_fail (self != NULL, -1);
  g_return_val_if_fail (host != NULL, -1);

  return forward_open (self, host, port, MAX (timeout, 1), error);
}

void
jg_session_release (JgSession  *self,
                    JgReporter *reporter)
{
  g_return_if_fail (self != NULL);

  if (reporter != NULL)
    for (JgSession *s = self; s != NULL; s = s->parent)
      {
        g_mutex_lock (&s->lock);
        g_ptr_array_remove (s->reporters, reporter);
        g_mutex_unlock (&s->lock);
      }
  session_release_use (self);
  jg_session_unref (self);
}

guint
jg_session_open_shell (JgSession  *self,
                       int         pty_fd,
                       const char *term,
                       guint       cols,
                       guint       rows,
                       JgReporter *reporter)
{
  Cmd *cmd = g_new0 (Cmd, 1);
  guint id;

  cmd->kind = CMD_SHELL;
  cmd->id = id = g_atomic_int_add (&self->next_channel_id, 1);
  cmd->reporter = jg_reporter_ref (reporter);
  cmd->fds[0] = pty_fd;
  cmd->fds[1] = cmd->fds[2] = -1;
  cmd->text = g_strdup (term != NULL ? term : "xterm-256color");
  cmd->cols = cols;
  cmd->rows = rows;
  session_push (self, cmd);
  return id;
}

guint
jg_session_open_exec (JgSession  *self,
                      const char *command,
                      int         stdin_fd,
                      int         stdout_fd,
                      int         stderr_fd,
                      JgReporter *reporter)
{
  Cmd *cmd = g_new0 (Cmd, 1);
  guint id;

  cmd->kind = CMD_EXEC;
  cmd->id = id = g_atomic_int_add (&self->next_channel_id, 1);
  cmd->reporter = jg_reporter_ref (reporter);
  cmd->fds[0] = stdin_fd;
  cmd->fds[1] = stdout_fd;
  cmd->fds[2] = stderr_fd;
  cmd->text = g_strdup (command);
  session_push (self, cmd);
  return id;
}

void
jg_session_resize (JgSession *self,
                   guint      channel_id,
                   guint      cols,
                   guint      rows)
{
  Cmd *cmd = g_new0 (Cmd, 1);

  cmd->kind = CMD_RESIZE;
  cmd->id = channel_id;
  cmd->fds[0] = cmd->fds[1] = cmd->fds[2] = -1;
  cmd->cols = cols;
  cmd->rows = rows;
  session_push (self, cmd);
}

void
jg_session_close_channel (JgSession *self,
                          guint      channel_id)
{
  Cmd *cmd = g_new0 (Cmd, 1);

  cmd->kind = CMD_CLOSE;
  cmd->id = channel_id;
  cmd->fds[0] = cmd->fds[1] = cmd->fds[2] = -1;
  session_push (self, cmd);
}

guint
jg_session_pool_count (void)
{
  guint count;

  g_mutex_lock (&pool_lock);
  count = pool != NULL ? g_hash_table_size (pool) : 0;
  g_mutex_unlock (&pool_lock);
  return count;
}

gboolean
jg_session_wait_all (guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * G_TIME_SPAN_MILLISECOND;
  gboolean done;

  g_mutex_lock (&pool_lock);
  while (n_threads > 0)
    if (!g_cond_wait_until (&threads_cond, &pool_lock, deadline))
      break;
  done = n_threads == 0;
  g_mutex_unlock (&pool_lock);
  return done;
}
