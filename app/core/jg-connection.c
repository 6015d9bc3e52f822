/* jg-connection.c — reach a saved machine through its chain of jump hosts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "jg-connection.h"
#include "jg-destination.h"
#include "jg-session-private.h"

#define DEFAULT_TIMEOUT 20

typedef enum
{
  CONN_IDLE,
  CONN_CONNECTING,
  CONN_CONNECTED,
  CONN_FAILED,
  CONN_CLOSED,
} ConnState;

typedef enum
{
  CHANNEL_NONE,
  CHANNEL_SHELL,
  CHANNEL_EXEC,
} ChannelKind;

typedef struct
{
  ChannelKind  kind;
  int          fds[3];
  char        *text;
  guint        cols;
  guint        rows;
} ChannelParams;

struct _JgConnection
{
  GObject       parent_instance;

  JgHost       *host;
  GPtrArray    *hosts;        /* JgHost, the chain then the machine */
  GPtrArray    *configs;      /* JgHopConfig, same order */
  guint         timeout;
  gboolean      shared;
  gboolean      fresh;

  JgReporter   *reporter;
  ConnState     state;
  GError       *error;
  JgSession    *target;
  GPtrArray    *waiters;      /* GTask waiting for the connection */

  guint         channel_id;
  GTask        *channel_task;
  gboolean      channel_open;
  int           exit_status;
  char         *exit_signal;
};

enum
{
  SIGNAL_PROGRESS,
  SIGNAL_PROMPT,
  SIGNAL_CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (JgConnection, jg_connection, G_TYPE_OBJECT)
G_DEFINE_QUARK (jg-connection-error-quark, jg_connection_error)

static void
channel_params_free (ChannelParams *params)
{
  for (guint i = 0; i < G_N_ELEMENTS (params->fds); i++)
    if (params->fds[i] >= 0)
      close (params->fds[i]);
  g_free (params->text);
  g_free (params);
}

const char *
jg_connection_step_to_string (JgConnectionStep step)
{
  switch (step)
    {
    case JG_CONNECTION_STEP_RESOLVING: return "resolving";
    case JG_CONNECTION_STEP_CONNECTING: return "connecting";
    case JG_CONNECTION_STEP_CONNECTED: return "connected";
    case JG_CONNECTION_STEP_BANNER: return "banner";
    case JG_CONNECTION_STEP_KEY_EXCHANGE: return "key-exchange";
    case JG_CONNECTION_STEP_HOST_KEY: return "host-key";
    case JG_CONNECTION_STEP_AUTH_METHODS: return "auth-methods";
    case JG_CONNECTION_STEP_AUTH_TRYING: return "auth-trying";
    case JG_CONNECTION_STEP_AUTHENTICATED: return "authenticated";
    case JG_CONNECTION_STEP_REUSED: return "reused";
    case JG_CONNECTION_STEP_CHANNEL_OPEN: return "channel-open";
    default: return "unknown";
    }
}

static void
release_target (JgConnection *self)
{
  if (self->target != NULL)
    {
      if (self->channel_id != 0)
        jg_session_close_channel (self->target, self->channel_id);
      self->channel_id = 0;
      jg_session_release (self->target, self->reporter);
      self->target = NULL;
    }
}

static void
jg_connection_dispose (GObject *object)
{
  JgConnection *self = JG_CONNECTION (object);

  jg_connection_close (self);
  G_OBJECT_CLASS (jg_connection_parent_class)->dispose (object);
}

static void
jg_connection_finalize (GObject *object)
{
  JgConnection *self = JG_CONNECTION (object);

  g_clear_object (&self->host);
  g_ptr_array_unref (self->hosts);
  g_ptr_array_unref (self->configs);
  g_clear_pointer (&self->reporter, jg_reporter_unref);
  g_clear_error (&self->error);
  g_ptr_array_unref (self->waiters);
  g_free (self->exit_signal);

  G_OBJECT_CLASS (jg_connection_parent_class)->finalize (object);
}

static void
jg_connection_class_init (JgConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jg_connection_dispose;
  object_class->finalize = jg_connection_finalize;

  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_INT, G_TYPE_STRING);
  signals[SIGNAL_PROMPT] =
    g_signal_new ("prompt", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, JG_TYPE_PROMPT);
  signals[SIGNAL_CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
jg_connection_init (JgConnection *self)
{
  self->hosts = g_ptr_array_new_with_free_func (g_object_unref);
  self->configs = g_ptr_array_new_with_free_func ((GDestroyNotify) jg_hop_config_free);
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->timeout = DEFAULT_TIMEOUT;
  self->shared = TRUE;
  self->exit_status = -1;
}

static void on_report (GObject  *target,
                       JgReport *report);

JgConnection *
jg_connection_new_for_chain (JgHost    *host,
                             GPtrArray *chain)
{
  JgConnection *self;

  g_return_val_if_fail (JG_IS_HOST (host), NULL);

  self = g_object_new (JG_TYPE_CONNECTION, NULL);
  self->host = g_object_ref (host);
  for (guint i = 0; chain != NULL && i < chain->len; i++)
    g_ptr_array_add (self->hosts, g_object_ref (g_ptr_array_index (chain, i)));
  g_ptr_array_add (self->hosts, g_object_ref (host));
  for (guint i = 0; i < self->hosts->len; i++)
    g_ptr_array_add (self->configs, jg_hop_config_new (g_ptr_array_index (self->hosts, i)));
  self->reporter = jg_reporter_new (G_OBJECT (self), on_report);
  return self;
}

JgConnection *
jg_connection_new (JgInventory  *inventory,
                   JgHost       *host,
                   GError      **error)
{
  g_autoptr(GPtrArray) chain = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *jump_user = NULL;
  JgConnection *self;

  g_return_val_if_fail (JG_IS_INVENTORY (inventory), NULL);
  g_return_val_if_fail (JG_IS_HOST (host), NULL);

  chain = jg_inventory_get_chain (inventory, host, &local_error);
  if (chain == NULL)
    {
      g_set_error_literal (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_CONFIG,
                           local_error->message);
      return NULL;
    }
  self = jg_connection_new_for_chain (host, chain);

  /* A destination matched by a `%r` rule of its jump host: that jump host
   * logs in as the destination's user, for this connection only. */
  jump_user = jg_destination_dup_jump_user (inventory, host);
  if (jump_user != NULL && self->configs->len >= 2)
    {
      JgHopConfig *config = g_ptr_array_index (self->configs, self->configs->len - 2);

      g_free (config->user);
      config->user = g_steal_pointer (&jump_user);
    }
  return self;
}

JgHost *
jg_connection_get_host (JgConnection *self)
{
  g_return_val_if_fail (JG_IS_CONNECTION (self), NULL);
  return self->host;
}

guint
jg_connection_get_n_hops (JgConnection *self)
{
  g_return_val_if_fail (JG_IS_CONNECTION (self), 0);
  return self->hosts->len;
}

JgHost *
jg_connection_get_hop (JgConnection *self,
                       guint         index)
{
  g_return_val_if_fail (JG_IS_CONNECTION (self), NULL);
  g_return_val_if_fail (index < self->hosts->len, NULL);
  return g_ptr_array_index (self->hosts, index);
}

void
jg_connection_set_timeout (JgConnection *self,
                           guint         seconds)
{
  g_return_if_fail (JG_IS_CONNECTION (self));
  self->timeout = seconds > 0 ? seconds : DEFAULT_TIMEOUT;
}

guint
jg_connection_get_timeout (JgConnection *self)
{
  g_return_val_if_fail (JG_IS_CONNECTION (self), 0);
  return self->timeout;
}

void
jg_connection_set_shared (JgConnection *self,
                          gboolean      shared)
{
  g_return_if_fail (JG_IS_CONNECTION (self));
  self->shared = !!shared;
}

gboolean
jg_connection_get_shared (JgConnection *self)
{
  g_return_val_if_fail (JG_IS_CONNECTION (self), FALSE);
  return self->shared;
}

void
jg_connection_set_fresh (JgConnection *self,
                         gboolean      fresh)
{
  g_return_if_fail (JG_IS_CONNECTION (self));
  self->fresh = !!fresh;
}

gboolean
jg_connection_is_open (JgConnection *self)
{
  g_return_val_if_fail (JG_IS_CONNECTION (self), FALSE);
  return self->state == CONN_CONNECTED;
}

int
jg_connection_get_exit_status (JgConnection *self)
{
  g_return_val_if_fail (JG_IS_CONNECTION (self), -1);
  return self->exit_status;
}

const char *
jg_connection_get_exit_signal (JgConnection *self)
{
  g_return_val_if_fail (JG_IS_CONNECTION (self), NULL);
  return self->exit_signal;
}

/* --------------------------------------------------------------- waiting */

static void start_channel (JgConnection *self,
                           GTask        *task);

static void
complete_waiters (JgConnection *self)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->waiters);

  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (self->state != CONN_CONNECTED)
        g_task_return_error (task, g_error_copy (self->error));
      else if (g_task_get_source_tag (task) == jg_connection_connect_async)
        g_task_return_boolean (task, TRUE);
      else
        start_channel (self, task);
    }
}

static void
fail (JgConnection *self,
      GError       *error)
{
  g_clear_error (&self->error);
  self->error = error;
  self->state = CONN_FAILED;
  release_target (self);
  complete_waiters (self);
}

static void
ensure_connecting (JgConnection *self)
{
  g_autoptr(GPtrArray) configs = NULL;

  if (self->state != CONN_IDLE)
    return;
  self->state = CONN_CONNECTING;
  self->target = jg_session_acquire_full ((JgHopConfig * const *) self->configs->pdata,
                                          self->configs->len, self->shared && !self->fresh,
                                          !self->fresh, self->timeout, self->reporter);
}

static void
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  /* handled when the task is returned; see wait_connected () */
}

/* Adds @task to the waiters: it runs when the connection is up. */
static void
wait_connected (JgConnection *self,
                GTask        *task)
{
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (cancellable != NULL)
    g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), NULL, NULL);

  switch (self->state)
    {
    case CONN_IDLE:
    case CONN_CONNECTING:
      g_ptr_array_add (self->waiters, g_object_ref (task));
      ensure_connecting (self);
      break;
    case CONN_CONNECTED:
      g_ptr_array_add (self->waiters, g_object_ref (task));
      complete_waiters (self);
      break;
    case CONN_FAILED:
      g_task_return_error (task, g_error_copy (self->error));
      break;
    case CONN_CLOSED:
    default:
      g_task_return_new_error (task, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_CANCELLED,
                               _("The connection was closed"));
      break;
    }
}

void
jg_connection_connect_async (JgConnection        *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (JG_IS_CONNECTION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jg_connection_connect_async);
  wait_connected (self, task);
}

static gboolean
finish_task (JgConnection  *self,
             GAsyncResult  *result,
             gpointer       tag,
             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tag, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
jg_connection_connect_finish (JgConnection  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return finish_task (self, result, jg_connection_connect_async, error);
}

/* -------------------------------------------------------------- channels */

static void
start_channel (JgConnection *self,
               GTask        *task)
{
  ChannelParams *params = g_task_get_task_data (task);

  if (g_task_return_error_if_cancelled (task))
    return;
  if (self->channel_task != NULL || self->channel_id != 0)
    {
      g_task_return_new_error (task, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_FAILED,
                               _("This connection already has a shell or a command: make another connection"));
      return;
    }

  self->channel_task = g_object_ref (task);
  if (params->kind == CHANNEL_SHELL)
    self->channel_id = jg_session_open_shell (self->target, params->fds[0], params->text,
                                              params->cols, params->rows, self->reporter);
  else
    self->channel_id = jg_session_open_exec (self->target, params->text, params->fds[0],
                                             params->fds[1], params->fds[2], self->reporter);
  params->fds[0] = params->fds[1] = params->fds[2] = -1;
}

static void
open_channel (JgConnection        *self,
              ChannelParams       *params,
              gpointer             tag,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, params, (GDestroyNotify) channel_params_free);
  wait_connected (self, task);
}

void
jg_connection_open_shell_async (JgConnection        *self,
                                int                  pty_fd,
                                const char          *term,
                                guint                cols,
                                guint                rows,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  ChannelParams *params = g_new0 (ChannelParams, 1);

  params->kind = CHANNEL_SHELL;
  params->fds[0] = pty_fd;
  params->fds[1] = params->fds[2] = -1;
  params->text = g_strdup (term != NULL ? term : "xterm-256color");
  params->cols = cols > 0 ? cols : 80;
  params->rows = rows > 0 ? rows : 24;
  g_return_if_fail (JG_IS_CONNECTION (self));
  open_channel (self, params, jg_connection_open_shell_async, cancellable, callback, user_data);
}

gboolean
jg_connection_open_shell_finish (JgConnection  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return finish_task (self, result, jg_connection_open_shell_async, error);
}

void
jg_connection_exec_async (JgConnection        *self,
                          const char          *command,
                          int                  stdin_fd,
                          int                  stdout_fd,
                          int                  stderr_fd,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  ChannelParams *params = g_new0 (ChannelParams, 1);

  params->kind = CHANNEL_EXEC;
  params->fds[0] = stdin_fd;
  params->fds[1] = stdout_fd;
  params->fds[2] = stderr_fd;
  params->text = g_strdup (command);
  g_return_if_fail (JG_IS_CONNECTION (self));
  g_return_if_fail (command != NULL);
  open_channel (self, params, jg_connection_exec_async, cancellable, callback, user_data);
}

gboolean
jg_connection_exec_finish (JgConnection  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return finish_task (self, result, jg_connection_exec_async, error);
}

void
jg_connection_resize (JgConnection *self,
                      guint         cols,
                      guint         rows)
{
  g_return_if_fail (JG_IS_CONNECTION (self));

  if (self->target != NULL && self->channel_id != 0)
    jg_session_resize (self->target, self->channel_id, cols, rows);
}

void
jg_connection_close (JgConnection *self)
{
  g_return_if_fail (JG_IS_CONNECTION (self));

  if (self->state == CONN_CLOSED)
    return;
  self->state = CONN_CLOSED;
  g_clear_error (&self->error);
  self->error = g_error_new_literal (JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_CANCELLED,
                                     _("The connection was closed"));
  release_target (self);
  if (self->channel_task != NULL)
    {
      GTask *task = g_steal_pointer (&self->channel_task);
      g_task_return_error (task, g_error_copy (self->error));
      g_object_unref (task);
    }
  complete_waiters (self);
}

/* --------------------------------------------------------------- reports */

static void
on_report (GObject  *target,
           JgReport *report)
{
  JgConnection *self = JG_CONNECTION (target);

  switch (report->kind)
    {
    case JG_REPORT_PROGRESS:
      g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, report->hop, (int) report->step, report->detail);
      break;

    case JG_REPORT_PROMPT:
      if (self->state == CONN_CLOSED ||
          !g_signal_has_handler_pending (self, signals[SIGNAL_PROMPT], 0, FALSE))
        jg_prompt_cancel (report->prompt);
      else
        g_signal_emit (self, signals[SIGNAL_PROMPT], 0, report->prompt);
      break;

    case JG_REPORT_STATE:
      if (report->session != self->target || self->state != CONN_CONNECTING)
        break;
      if (report->error != NULL)
        fail (self, g_steal_pointer (&report->error));
      else
        {
          self->state = CONN_CONNECTED;
          complete_waiters (self);
        }
      break;

    case JG_REPORT_CHANNEL_OPEN:
      if (report->channel_id != self->channel_id || self->channel_task == NULL)
        break;
      {
        GTask *task = g_steal_pointer (&self->channel_task);

        if (report->error != NULL)
          {
            self->channel_id = 0;
            g_task_return_error (task, g_steal_pointer (&report->error));
          }
        else
          {
            self->channel_open = TRUE;
            g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, report->hop,
                           (int) JG_CONNECTION_STEP_CHANNEL_OPEN,
                           g_task_get_source_tag (task) == jg_connection_open_shell_async
                           ? _("Shell started") : _("Command started"));
            g_task_return_boolean (task, TRUE);
          }
        g_object_unref (task);
      }
      break;

    case JG_REPORT_CHANNEL_CLOSED:
      if (report->channel_id != self->channel_id || !self->channel_open)
        break;
      self->channel_id = 0;
      self->channel_open = FALSE;
      self->exit_status = report->exit_signal != NULL ? -1 : report->exit_status;
      g_free (self->exit_signal);
      self->exit_signal = g_strdup (report->exit_signal);
      g_object_ref (self);
      g_signal_emit (self, signals[SIGNAL_CLOSED], 0, report->error);
      g_object_unref (self);
      break;

    default:
      break;
    }
}
