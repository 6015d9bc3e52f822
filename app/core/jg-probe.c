/* jg-probe.c — is a machine up? Read its SSH banner, without logging in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each probe is a job on the prober's GThreadPool (at most
 * JG_PROBER_MAX_IN_FLIGHT threads): the blocking parts (getaddrinfo, the
 * wait for a jump session, the channel, the banner) run there. The job
 * hands its result back through an idle source on the caller's context, so
 * every GTask reference is dropped there and the prober is never finalized
 * on a worker.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "jg-connection.h"
#include "jg-probe.h"
#include "jg-session-private.h"

#define BANNER_MAX        8192    /* RFC 4253 allows lines before the banner */
#define DEFAULT_LINGER    150
#define NEEDS_USER_RETRY  (10 * 60 * G_TIME_SPAN_SECOND)

const char *
jg_reachability_to_string (JgReachability state)
{
  switch (state)
    {
    case JG_REACHABILITY_ONLINE: return "online";
    case JG_REACHABILITY_OFFLINE: return "offline";
    case JG_REACHABILITY_UNKNOWN:
    default: return "unknown";
    }
}

JgProbeResult *
jg_probe_result_copy (const JgProbeResult *result)
{
  JgProbeResult *copy = g_memdup2 (result, sizeof *result);

  copy->banner = g_strdup (result->banner);
  copy->detail = g_strdup (result->detail);
  copy->error = result->error != NULL ? g_error_copy (result->error) : NULL;
  copy->through = g_strdup (result->through);
  return copy;
}

void
jg_probe_result_free (JgProbeResult *result)
{
  if (result == NULL)
    return;
  g_free (result->banner);
  g_free (result->detail);
  g_clear_error (&result->error);
  g_free (result->through);
  g_free (result);
}

G_DEFINE_BOXED_TYPE (JgProbeResult, jg_probe_result, jg_probe_result_copy, jg_probe_result_free)

typedef struct
{
  JgSession  *session;
  JgReporter *reporter;
  gint64      last_used;
} Held;

struct _JgProber
{
  GObject      parent_instance;

  GThreadPool *pool;
  JgReporter  *reporter;
  guint        timeout;
  guint        linger;
  GHashTable  *held;         /* chain key → Held*, main thread only */
  GHashTable  *needs_user;   /* chain key → gint64* when it needed a person */
  guint        linger_source;
  gint         in_flight;    /* atomic */
  gint         peak;         /* atomic */
};

G_DEFINE_FINAL_TYPE (JgProber, jg_prober, G_TYPE_OBJECT)

typedef struct
{
  GTask         *task;
  GMainContext  *context;
  GPtrArray     *configs;       /* JgHopConfig: the jump hosts, then the host */
  char          *chain_key;     /* NULL when direct */
  guint          timeout;
  gboolean       only_existing;
  JgReporter    *reporter;
  GCancellable  *cancellable;

  /* set by the worker */
  JgProbeResult *result;
  JgSession     *session;       /* a use of the jump session, to keep */
  gboolean       needs_user;
} Job;

static void
job_free (Job *job)
{
  g_clear_object (&job->task);
  g_main_context_unref (job->context);
  g_ptr_array_unref (job->configs);
  g_free (job->chain_key);
  if (job->session != NULL)
    jg_session_release (job->session, job->reporter);
  jg_reporter_unref (job->reporter);
  g_clear_object (&job->cancellable);
  jg_probe_result_free (job->result);
  g_free (job);
}

/* ------------------------------------------------------------ the worker */

/* Waits for @events on @fd until @deadline (monotonic µs), or until
 * @cancel_fd is readable: 1 ready, 0 timed out, -1 cancelled. */
static int
wait_fd (int    fd,
         short  events,
         int    cancel_fd,
         gint64 deadline)
{
  for (;;)
    {
      struct pollfd pfd[2] = { { fd, events, 0 }, { cancel_fd, POLLIN, 0 } };
      gint64 left = deadline - g_get_monotonic_time ();
      int rc;

      if (left <= 0)
        return 0;
      rc = poll (pfd, cancel_fd >= 0 ? 2 : 1, (int) MIN (left / 1000 + 1, G_MAXINT));
      if (rc < 0 && errno == EINTR)
        continue;
      if (rc < 0)
        return 1;   /* let the read or connect report it */
      if (cancel_fd >= 0 && pfd[1].revents != 0)
        return -1;
      if (rc > 0)
        return 1;
    }
}

static JgProbeResult *
result_new (JgReachability  state,
            GError         *error)
{
  JgProbeResult *result = g_new0 (JgProbeResult, 1);

  result->state = state;
  if (error != NULL)
    {
      result->detail = g_strdup (error->message);
      result->error = error;
    }
  return result;
}

/* Reads lines from @fd until one starts with "SSH-". */
static JgProbeResult *
read_banner (int         fd,
             const char *name,
             guint       timeout,
             int         cancel_fd)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout * G_TIME_SPAN_SECOND;
  g_autoptr(GString) buffer = g_string_new (NULL);
  char chunk[512];

  for (;;)
    {
      char *line_end;
      int rc;
      gssize n;

      while ((line_end = memchr (buffer->str, '\n', buffer->len)) != NULL)
        {
          gsize len = line_end - buffer->str;

          if (len > 0 && buffer->str[len - 1] == '\r')
            len--;
          if (len >= 4 && strncmp (buffer->str, "SSH-", 4) == 0)
            {
              JgProbeResult *result = result_new (JG_REACHABILITY_ONLINE, NULL);

              result->banner = g_utf8_make_valid (buffer->str, len);
              return result;
            }
          g_string_erase (buffer, 0, line_end - buffer->str + 1);
        }
      if (buffer->len > 255 && strncmp (buffer->str, "SSH-", MIN (4, buffer->len)) == 0)
        {
          JgProbeResult *result = result_new (JG_REACHABILITY_ONLINE, NULL);

          result->banner = g_utf8_make_valid (buffer->str, 255);
          return result;
        }

      rc = wait_fd (fd, POLLIN, cancel_fd, deadline);
      if (rc < 0)
        return NULL;
      if (rc == 0)
        return result_new (JG_REACHABILITY_OFFLINE,
                           g_error_new (JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_TIMED_OUT,
                                        _("%s accepted the connection but sent no SSH banner within %u s: its SSH server hangs, or this is not an SSH port"),
                                        name, timeout));
      do
        n = read (fd, chunk, sizeof chunk);
      while (n < 0 && errno == EINTR);
      if (n < 0 && errno == EAGAIN)
        continue;
      if (n <= 0)
        return result_new (JG_REACHABILITY_OFFLINE,
                           g_error_new (JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_NO_BANNER,
                                        _("%s closed the connection before the SSH banner: the machine is going down, or its SSH server is not running or refuses this client"),
                                        name));
      g_string_append_len (buffer, chunk, n);
      if (buffer->len > BANNER_MAX)
        return result_new (JG_REACHABILITY_OFFLINE,
                           g_error_new (JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_PROTOCOL,
                                        _("%s answers, but not with an SSH banner: check the port in its settings"),
                                        name));
    }
}

static JgProbeResult *
probe_direct (JgHopConfig *c,
              guint        timeout,
              int          cancel_fd)
{
  GError *error = NULL;
  JgProbeResult *result;
  int saved_errno = 0;
  int fd;

  fd = jg_tcp_connect (c->name, c->hostname, c->port, timeout, cancel_fd, NULL, NULL,
                       &saved_errno, &error);
  if (fd < 0)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_error_free (error);
          return NULL;
        }
      /* refused, silent or not answering on its network: the machine's
       * doing; a name not found or no route (no network here): nothing is
       * known of the machine */
      if (g_error_matches (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_REFUSED) ||
          g_error_matches (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_TIMED_OUT) ||
          saved_errno == EHOSTUNREACH)
        return result_new (JG_REACHABILITY_OFFLINE, error);
      return result_new (JG_REACHABILITY_UNKNOWN, error);
    }
  result = read_banner (fd, c->name, timeout, cancel_fd);
  close (fd);
  return result;
}

static gboolean
error_needs_user (const GError *error)
{
  if (error->domain != JG_CONNECTION_ERROR)
    return FALSE;
  switch ((JgConnectionError) error->code)
    {
    case JG_CONNECTION_ERROR_CANCELLED:
    case JG_CONNECTION_ERROR_HOST_KEY_UNKNOWN:
    case JG_CONNECTION_ERROR_HOST_KEY_CHANGED:
    case JG_CONNECTION_ERROR_AUTH_FAILED:
    case JG_CONNECTION_ERROR_AGENT_NO_KEY:
      return TRUE;
    default:
      return FALSE;
    }
}

static JgProbeResult *
probe_through (Job *job,
               int  cancel_fd)
{
  guint n_jumps = job->configs->len - 1;
  JgHopConfig * const *path = (JgHopConfig * const *) job->configs->pdata;
  JgHopConfig *jump = path[n_jumps - 1];
  JgHopConfig *target = path[n_jumps];
  g_autoptr(GError) error = NULL;
  JgSession *session;
  JgProbeResult *result;
  int fd;

  session = jg_session_lookup (path, n_jumps, job->reporter);
  if (session == NULL && job->only_existing)
    return result_new (JG_REACHABILITY_UNKNOWN,
                       g_error_new (JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_CANCELLED,
                                    _("Not checked: the jump host %s needs you to log in (a password, a passphrase or a new host key). Connect to it once to see the machines behind it."),
                                    jump->name));
  if (session == NULL)
    session = jg_session_acquire (path, n_jumps, TRUE, job->timeout, job->reporter);

  /* A login may take a few round trips: connect, banner, keys, auth. */
  if (!jg_session_wait_ready (session, job->timeout * 3, &error))
    {
      job->needs_user = error_needs_user (error);
      jg_session_release (session, job->reporter);
      result = result_new (JG_REACHABILITY_UNKNOWN,
                           g_error_new (JG_CONNECTION_ERROR, error->code,
                                        _("The jump host %s can not be reached, so %s was not checked: %s"),
                                        jump->name, target->name, error->message));
      return result;
    }
  job->session = session;
  if (g_cancellable_is_cancelled (job->cancellable))
    return NULL;

  fd = jg_session_open_forward (session, target->hostname, target->port, job->timeout, &error);
  if (fd < 0)
    {
      /* The jump host said it could not connect: that is the machine. */
      if (g_error_matches (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_NO_BANNER))
        return result_new (JG_REACHABILITY_OFFLINE, g_steal_pointer (&error));
      return result_new (JG_REACHABILITY_UNKNOWN, g_steal_pointer (&error));
    }
  result = read_banner (fd, target->name, job->timeout, cancel_fd);
  close (fd);
  return result;
}

static void job_complete_in_context (Job *job);

static void
job_run (gpointer data,
         gpointer user_data)
{
  Job *job = data;
  JgProber *self = user_data;
  int n = g_atomic_int_add (&self->in_flight, 1) + 1;
  gint64 start = g_get_monotonic_time ();
  int cancel_fd;

  for (int peak = g_atomic_int_get (&self->peak);
       n > peak && !g_atomic_int_compare_and_exchange (&self->peak, peak, n);
       peak = g_atomic_int_get (&self->peak))
    ;

  cancel_fd = g_cancellable_get_fd (job->cancellable);
  if (!g_cancellable_is_cancelled (job->cancellable))
    {
      if (job->configs->len == 1)
        job->result = probe_direct (g_ptr_array_index (job->configs, 0), job->timeout, cancel_fd);
      else
        job->result = probe_through (job, cancel_fd);
    }
  g_cancellable_release_fd (job->cancellable);

  if (job->result != NULL)
    {
      JgHopConfig *last = g_ptr_array_index (job->configs, job->configs->len - 1);

      if (job->result->detail == NULL && job->result->state != JG_REACHABILITY_ONLINE)
        job->result->detail = g_strdup_printf (_("%s was not checked"), last->name);
      if (job->configs->len > 1)
        job->result->through = g_strdup (((JgHopConfig *) g_ptr_array_index (job->configs,
                                                                             job->configs->len - 2))->name);
      job->result->checked = g_get_real_time ();
      job->result->duration = g_get_monotonic_time () - start;
    }
  g_atomic_int_add (&self->in_flight, -1);
  job_complete_in_context (job);
}

/* ------------------------------------------------------- the main thread */

static void
held_free (Held *held)
{
  jg_session_release (held->session, held->reporter);
  jg_reporter_unref (held->reporter);
  g_free (held);
}

static gboolean
linger_tick (gpointer data)
{
  JgProber *self = data;
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  Held *held;

  g_hash_table_iter_init (&iter, self->held);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &held))
    if (now - held->last_used >= (gint64) self->linger * G_TIME_SPAN_SECOND)
      g_hash_table_iter_remove (&iter);
  if (g_hash_table_size (self->held) > 0)
    return G_SOURCE_CONTINUE;
  self->linger_source = 0;
  return G_SOURCE_REMOVE;
}

static void
keep_session (JgProber   *self,
              const char *key,
              JgSession  *session,
              JgReporter *reporter)
{
  Held *held;

  held = g_new0 (Held, 1);
  held->session = session;
  held->reporter = jg_reporter_ref (reporter);
  held->last_used = g_get_monotonic_time ();
  g_hash_table_replace (self->held, g_strdup (key), held);
  if (self->linger_source == 0)
    self->linger_source = g_timeout_add_seconds (MAX (1, MIN (self->linger, 30)), linger_tick, self);
}

static gboolean
job_complete (gpointer data)
{
  Job *job = data;
  JgProber *self = g_task_get_source_object (job->task);

  if (job->needs_user)
    {
      gint64 *when = g_new (gint64, 1);

      *when = g_get_monotonic_time ();
      g_hash_table_replace (self->needs_user, g_strdup (job->chain_key), when);
    }
  else if (job->chain_key != NULL && job->session != NULL)
    g_hash_table_remove (self->needs_user, job->chain_key);

  if (job->session != NULL && self->linger > 0)
    {
      Held *held = g_hash_table_lookup (self->held, job->chain_key);

      if (held != NULL && held->session == job->session)
        held->last_used = g_get_monotonic_time ();
      else
        {
          keep_session (self, job->chain_key, job->session, job->reporter);
          job->session = NULL;
        }
    }

  if (job->result == NULL)
    g_task_return_new_error (job->task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             _("The check was cancelled"));
  else
    g_task_return_pointer (job->task, g_steal_pointer (&job->result),
                           (GDestroyNotify) jg_probe_result_free);
  return G_SOURCE_REMOVE;
}

/* Never g_main_context_invoke (): it would run job_complete on this worker
 * when nobody owns the context at that moment. */
static void
job_complete_in_context (Job *job)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, job_complete, job, (GDestroyNotify) job_free);
  g_source_set_static_name (source, "[jumpgate] probe result");
  g_source_attach (source, job->context);
  g_source_unref (source);
}

static void
on_report (GObject  *target,
           JgReport *report)
{
  /* Probes never ask anyone: a jump host that needs a person is left for
   * the person's own connection. */
  if (report->kind == JG_REPORT_PROMPT)
    jg_prompt_cancel (report->prompt);
}

void
jg_prober_probe_async (JgProber            *self,
                       JgInventory         *inventory,
                       JgHost              *host,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) chain = NULL;
  g_autoptr(GError) error = NULL;
  Job *job;

  g_return_if_fail (JG_IS_PROBER (self));
  g_return_if_fail (JG_IS_INVENTORY (inventory));
  g_return_if_fail (JG_IS_HOST (host));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jg_prober_probe_async);
  g_task_set_check_cancellable (task, FALSE);

  chain = jg_inventory_get_chain (inventory, host, &error);
  if (chain == NULL)
    {
      JgProbeResult *result = result_new (JG_REACHABILITY_UNKNOWN,
                                          g_error_new_literal (JG_CONNECTION_ERROR,
                                                               JG_CONNECTION_ERROR_CONFIG,
                                                               error->message));
      result->checked = g_get_real_time ();
      g_task_return_pointer (task, result, (GDestroyNotify) jg_probe_result_free);
      return;
    }

  job = g_new0 (Job, 1);
  job->task = g_object_ref (task);
  job->context = g_main_context_ref_thread_default ();
  job->configs = g_ptr_array_new_with_free_func ((GDestroyNotify) jg_hop_config_free);
  for (guint i = 0; i < chain->len; i++)
    g_ptr_array_add (job->configs, jg_hop_config_new (g_ptr_array_index (chain, i)));
  g_ptr_array_add (job->configs, jg_hop_config_new (host));
  job->timeout = self->timeout;
  job->reporter = jg_reporter_ref (self->reporter);
  job->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  if (chain->len > 0)
    {
      GString *key = g_string_new (NULL);
      gint64 *when;

      for (guint i = 0; i < chain->len; i++)
        g_string_append_printf (key, "%s/", ((JgHopConfig *) g_ptr_array_index (job->configs, i))->id);
      job->chain_key = g_string_free (key, FALSE);
      when = g_hash_table_lookup (self->needs_user, job->chain_key);
      job->only_existing = when != NULL && g_get_monotonic_time () - *when < NEEDS_USER_RETRY;
    }
  g_thread_pool_push (self->pool, job, NULL);
}

JgProbeResult *
jg_prober_probe_finish (JgProber      *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == jg_prober_probe_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------- the object */

static void
jg_prober_dispose (GObject *object)
{
  JgProber *self = JG_PROBER (object);

  g_clear_handle_id (&self->linger_source, g_source_remove);
  g_hash_table_remove_all (self->held);
  G_OBJECT_CLASS (jg_prober_parent_class)->dispose (object);
}

static void
jg_prober_finalize (GObject *object)
{
  JgProber *self = JG_PROBER (object);

  /* Every job holds its task, which holds us: none is left. */
  g_thread_pool_free (self->pool, TRUE, TRUE);
  g_hash_table_unref (self->held);
  g_hash_table_unref (self->needs_user);
  jg_reporter_unref (self->reporter);
  G_OBJECT_CLASS (jg_prober_parent_class)->finalize (object);
}

static void
jg_prober_class_init (JgProberClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jg_prober_dispose;
  object_class->finalize = jg_prober_finalize;
}

static void
jg_prober_init (JgProber *self)
{
  self->timeout = JG_PROBER_DEFAULT_TIMEOUT;
  self->linger = DEFAULT_LINGER;
  self->pool = g_thread_pool_new (job_run, self, JG_PROBER_MAX_IN_FLIGHT, FALSE, NULL);
  self->reporter = jg_reporter_new (G_OBJECT (self), on_report);
  self->held = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) held_free);
  self->needs_user = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

JgProber *
jg_prober_new (void)
{
  return g_object_new (JG_TYPE_PROBER, NULL);
}

void
jg_prober_set_timeout (JgProber *self,
                       guint     seconds)
{
  g_return_if_fail (JG_IS_PROBER (self));
  self->timeout = seconds > 0 ? seconds : JG_PROBER_DEFAULT_TIMEOUT;
}

guint
jg_prober_get_timeout (JgProber *self)
{
  g_return_val_if_fail (JG_IS_PROBER (self), 0);
  return self->timeout;
}

void
jg_prober_set_linger (JgProber *self,
                      guint     seconds)
{
  g_return_if_fail (JG_IS_PROBER (self));
  self->linger = seconds;
  if (seconds == 0)
    jg_prober_release_sessions (self);
  else if (self->linger_source != 0)
    {
      g_source_remove (self->linger_source);
      self->linger_source = g_timeout_add_seconds (MAX (1, MIN (self->linger, 30)), linger_tick, self);
    }
}

void
jg_prober_release_sessions (JgProber *self)
{
  g_return_if_fail (JG_IS_PROBER (self));
  g_hash_table_remove_all (self->held);
  g_clear_handle_id (&self->linger_source, g_source_remove);
}

guint
jg_prober_get_n_in_flight (JgProber *self)
{
  g_return_val_if_fail (JG_IS_PROBER (self), 0);
  return g_atomic_int_get (&self->in_flight);
}

guint
jg_prober_get_peak_in_flight (JgProber *self)
{
  g_return_val_if_fail (JG_IS_PROBER (self), 0);
  return g_atomic_int_get (&self->peak);
}

guint
jg_prober_get_n_queued (JgProber *self)
{
  g_return_val_if_fail (JG_IS_PROBER (self), 0);
  return g_thread_pool_unprocessed (self->pool);
}
