/* jg-diagnose.c — Test Connection: walk every hop and say which step fails
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The walk is a real connection (JgConnection, not shared on the machine)
 * whose ::progress reports tick the checklist: a step is passed when a later
 * step of its hop starts. A shell is opened on a socketpair (no pty is
 * needed to know that the machine starts one) and closed at once.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "jg-diagnose.h"
#include "jg-session-private.h"

#define N_HOP_CHECKS (JG_CHECK_AUTHENTICATED + 1)
#define DEFAULT_TIMEOUT 10

struct _JgDiagnosis
{
  GObject       parent_instance;

  JgHost       *host;
  GPtrArray    *chain;      /* JgHost: the jump hosts */
  GPtrArray    *hops;       /* JgHost: the jump hosts, then the machine */
  GPtrArray    *checks;     /* JgCheck* */
  guint         timeout;

  JgConnection *conn;
  GTask        *task;
  int           peer_fd;
  guint         current_hop;
  gint          failed;     /* index, or -1 */
  gboolean      passed;
};

enum
{
  SIGNAL_CHANGED,
  SIGNAL_PROMPT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (JgDiagnosis, jg_diagnosis, G_TYPE_OBJECT)

const char *
jg_check_kind_to_string (JgCheckKind kind)
{
  switch (kind)
    {
    case JG_CHECK_RESOLVED: return "resolved";
    case JG_CHECK_TCP: return "tcp";
    case JG_CHECK_BANNER: return "banner";
    case JG_CHECK_HOST_KEY: return "host-key";
    case JG_CHECK_AUTH_METHODS: return "auth-methods";
    case JG_CHECK_AUTHENTICATED: return "authenticated";
    case JG_CHECK_SHELL: return "shell";
    default: return "unknown";
    }
}

const char *
jg_check_kind_get_label (JgCheckKind kind)
{
  switch (kind)
    {
    case JG_CHECK_RESOLVED: return _("Name resolved");
    case JG_CHECK_TCP: return _("TCP connected");
    case JG_CHECK_BANNER: return _("SSH banner");
    case JG_CHECK_HOST_KEY: return _("Host key known");
    case JG_CHECK_AUTH_METHODS: return _("Authentication methods offered");
    case JG_CHECK_AUTHENTICATED: return _("Authenticated");
    case JG_CHECK_SHELL: return _("Shell started");
    default: return "?";
    }
}

static void
check_free (JgCheck *check)
{
  g_free (check->hop_name);
  g_free (check->detail);
  g_free (check->explanation);
  g_free (check->fix);
  g_free (check);
}

static guint
check_index (JgDiagnosis *self,
             guint        hop,
             JgCheckKind  kind)
{
  if (kind == JG_CHECK_SHELL)
    return self->hops->len * N_HOP_CHECKS;
  return hop * N_HOP_CHECKS + kind;
}

static JgCheck *
get_check (JgDiagnosis *self,
           guint        hop,
           JgCheckKind  kind)
{
  return g_ptr_array_index (self->checks, check_index (self, hop, kind));
}

static void
reset_checks (JgDiagnosis *self)
{
  g_ptr_array_set_size (self->checks, 0);
  for (guint hop = 0; hop < self->hops->len; hop++)
    for (guint kind = 0; kind < N_HOP_CHECKS || (hop + 1 == self->hops->len && kind == JG_CHECK_SHELL); kind++)
      {
        JgCheck *check = g_new0 (JgCheck, 1);

        check->hop = hop;
        check->hop_name = g_strdup (jg_host_get_name (g_ptr_array_index (self->hops, hop)));
        check->kind = kind;
        g_ptr_array_add (self->checks, check);
      }
  self->failed = -1;
  self->passed = FALSE;
  self->current_hop = 0;
}

static void
set_check (JgDiagnosis  *self,
           guint         index,
           JgCheckState  state,
           const char   *detail)
{
  JgCheck *check = g_ptr_array_index (self->checks, index);
  gboolean was_running = check->state == JG_CHECK_STATE_RUNNING;
  gboolean changed = FALSE;

  /* never backwards, and a failure stays */
  if (check->state != JG_CHECK_STATE_FAILED && state > check->state)
    {
      check->state = state;
      changed = TRUE;
    }
  /* what a step ends with says more than what it started with */
  if (detail != NULL && check->state != JG_CHECK_STATE_FAILED &&
      (check->detail == NULL || was_running))
    {
      g_free (check->detail);
      check->detail = g_strdup (detail);
      changed = TRUE;
    }
  if (changed)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0, index);
}

/* Step @kind of @hop is reached: everything before it has passed. */
static void
advance (JgDiagnosis  *self,
         guint         hop,
         JgCheckKind   kind,
         JgCheckState  state,
         const char   *detail)
{
  guint index = check_index (self, hop, kind);

  for (guint i = 0; i < index; i++)
    set_check (self, i, JG_CHECK_STATE_PASSED, NULL);
  set_check (self, index, state, detail);
}

static JgHost *
hop_host (JgDiagnosis *self,
          guint        hop)
{
  return g_ptr_array_index (self->hops, MIN (hop, self->hops->len - 1));
}

/* The IP address in a progress line ("Connecting to 198.18.1.2 port 22",
 * whatever the language), or NULL. */
static char *
find_address (const char *detail)
{
  g_auto(GStrv) words = detail != NULL ? g_strsplit (detail, " ", -1) : NULL;

  for (guint i = 0; words != NULL && words[i] != NULL; i++)
    if (g_hostname_is_ip_address (words[i]))
      return g_strdup (words[i]);
  return NULL;
}

static void
on_progress (JgConnection     *conn,
             guint             hop,
             JgConnectionStep  step,
             const char       *detail,
             JgDiagnosis      *self)
{
  if (hop >= self->hops->len)
    return;
  self->current_hop = MAX (self->current_hop, hop);

  switch (step)
    {
    case JG_CONNECTION_STEP_RESOLVING:
      advance (self, hop, JG_CHECK_RESOLVED, JG_CHECK_STATE_RUNNING, detail);
      break;
    case JG_CONNECTION_STEP_CONNECTING:
      if (hop == 0)
        {
          /* "Connecting to 198.18.1.2 port 22": the name was resolved to that */
          JgCheck *resolved = get_check (self, hop, JG_CHECK_RESOLVED);
          g_autofree char *address = find_address (detail);
          g_autofree char *text = NULL;

          if (address != NULL)
            text = g_strdup_printf ("%s → %s", jg_host_get_hostname (hop_host (self, hop)), address);
          g_clear_pointer (&resolved->detail, g_free);
          set_check (self, check_index (self, hop, JG_CHECK_RESOLVED), JG_CHECK_STATE_PASSED,
                     text != NULL ? text : detail);
        }
      else
        set_check (self, check_index (self, hop, JG_CHECK_RESOLVED), JG_CHECK_STATE_RUNNING, NULL);
      advance (self, hop, JG_CHECK_TCP, JG_CHECK_STATE_RUNNING, detail);
      break;
    case JG_CONNECTION_STEP_CONNECTED:
      if (hop > 0)
        {
          g_autofree char *by = g_strdup_printf (_("%s resolved by %s"),
                                                 jg_host_get_hostname (hop_host (self, hop)),
                                                 jg_host_get_name (hop_host (self, hop - 1)));
          JgCheck *resolved = get_check (self, hop, JG_CHECK_RESOLVED);

          g_clear_pointer (&resolved->detail, g_free);
          set_check (self, check_index (self, hop, JG_CHECK_RESOLVED), JG_CHECK_STATE_PASSED, by);
        }
      advance (self, hop, JG_CHECK_TCP, JG_CHECK_STATE_PASSED, detail);
      break;
    case JG_CONNECTION_STEP_BANNER:
      {
        const char *banner = detail != NULL ? strstr (detail, "SSH-") : NULL;

        advance (self, hop, JG_CHECK_BANNER, JG_CHECK_STATE_PASSED, banner != NULL ? banner : detail);
        break;
      }
    case JG_CONNECTION_STEP_KEY_EXCHANGE:
      advance (self, hop, JG_CHECK_BANNER, JG_CHECK_STATE_PASSED, NULL);
      break;
    case JG_CONNECTION_STEP_HOST_KEY:
      advance (self, hop, JG_CHECK_HOST_KEY, JG_CHECK_STATE_RUNNING, detail);
      break;
    case JG_CONNECTION_STEP_AUTH_METHODS:
      advance (self, hop, JG_CHECK_AUTH_METHODS, JG_CHECK_STATE_PASSED, detail);
      break;
    case JG_CONNECTION_STEP_AUTH_TRYING:
      advance (self, hop, JG_CHECK_AUTHENTICATED, JG_CHECK_STATE_RUNNING, detail);
      break;
    case JG_CONNECTION_STEP_AUTHENTICATED:
      if (get_check (self, hop, JG_CHECK_AUTH_METHODS)->state != JG_CHECK_STATE_PASSED)
        set_check (self, check_index (self, hop, JG_CHECK_AUTH_METHODS), JG_CHECK_STATE_PASSED,
                   _("none needed"));
      advance (self, hop, JG_CHECK_AUTHENTICATED, JG_CHECK_STATE_PASSED, detail);
      break;
    case JG_CONNECTION_STEP_REUSED:
      for (guint kind = 0; kind < N_HOP_CHECKS; kind++)
        advance (self, hop, kind, JG_CHECK_STATE_PASSED, detail);
      break;
    case JG_CONNECTION_STEP_CHANNEL_OPEN:
    default:
      break;
    }
}

static void
on_prompt (JgConnection *conn,
           JgPrompt     *prompt,
           JgDiagnosis  *self)
{
  if (g_signal_has_handler_pending (self, signals[SIGNAL_PROMPT], 0, FALSE))
    g_signal_emit (self, signals[SIGNAL_PROMPT], 0, prompt);
  else
    jg_prompt_cancel (prompt);
}

/* "Name or service not known" and friends, as a jump host reports them. */
static gboolean
is_name_error (const char *message)
{
  return strstr (message, "not known") != NULL || strstr (message, "name resolution") != NULL ||
         strstr (message, "No address associated") != NULL || strstr (message, "unknown host") != NULL;
}

static void
explain (JgDiagnosis  *self,
         JgCheck      *check,
         const GError *error)
{
  const char *name = check->hop_name;
  const char *via = check->hop > 0 ? jg_host_get_name (hop_host (self, check->hop - 1)) : NULL;
  int code = error->domain == JG_CONNECTION_ERROR ? error->code : -1;
  char *explanation = NULL;
  char *fix = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      explanation = g_strdup (_("The test was stopped before this step finished."));
      fix = g_strdup (_("Run the test again."));
    }
  else switch (check->kind)
    {
    case JG_CHECK_RESOLVED:
      explanation = via != NULL
        ? g_strdup_printf (_("The jump host %s does not know the name “%s”."), via,
                           jg_host_get_hostname (hop_host (self, check->hop)))
        : g_strdup_printf (_("The name “%s” could not be turned into an address."),
                           jg_host_get_hostname (hop_host (self, check->hop)));
      fix = via != NULL
        ? g_strdup_printf (_("Check the host name of %s in its settings: it must be a name or address %s can resolve."),
                           name, via)
        : g_strdup_printf (_("Check the host name of %s in its settings, and your network or VPN."), name);
      break;

    case JG_CHECK_TCP:
      if (code == JG_CONNECTION_ERROR_REFUSED)
        {
          explanation = g_strdup (_("Nothing listens on that port: the SSH server is not running, or it listens on another port."));
          fix = g_strdup_printf (_("Start the SSH server on %s (systemctl start ssh), or correct the port in its settings."), name);
        }
      else if (code == JG_CONNECTION_ERROR_FORWARD_REFUSED)
        {
          explanation = g_strdup_printf (_("The jump host %s refuses to forward connections."), via ? via : name);
          fix = g_strdup (_("Set “AllowTcpForwarding yes” in the jump host’s sshd_config, or choose another jump host."));
        }
      else if (code == JG_CONNECTION_ERROR_NO_BANNER)
        {
          explanation = g_strdup_printf (_("%s could not connect to %s: the machine is off, or its SSH server is not running."),
                                         via ? via : name, name);
          fix = g_strdup_printf (_("Start %s or its SSH server, and check its address and port."), name);
        }
      else
        {
          explanation = g_strdup (_("Nothing answered: the machine is off or unreachable, or a firewall drops the connection."));
          fix = via != NULL
            ? g_strdup_printf (_("Check that %s is on and that %s can reach it."), name, via)
            : g_strdup_printf (_("Check that %s is on, its address and port, and your network or VPN."), name);
        }
      break;

    case JG_CHECK_BANNER:
      if (code == JG_CONNECTION_ERROR_TIMED_OUT)
        {
          explanation = g_strdup (_("The port accepted the connection but no SSH banner came: the SSH server hangs, or another program listens on that port."));
          fix = g_strdup_printf (_("Check the port in the settings of %s, and restart its SSH server."), name);
        }
      else
        {
          explanation = g_strdup (_("The connection was closed before the SSH banner: the SSH server is going down, or refused this client (MaxStartups, TCP wrappers, a firewall)."));
          fix = g_strdup_printf (_("Look at the SSH server’s log on %s (journalctl -u ssh)."), name);
        }
      break;

    case JG_CHECK_HOST_KEY:
      if (code == JG_CONNECTION_ERROR_HOST_KEY_CHANGED)
        {
          explanation = g_strdup (_("The host key differs from the one in your known hosts: someone may be intercepting the connection, or the machine was reinstalled."));
          fix = g_strdup (_("If the change is expected, remove the old key with ssh-keygen -R (the command is in the detail above) and check the new one when you connect."));
        }
      else if (code == JG_CONNECTION_ERROR_HOST_KEY_UNKNOWN || code == JG_CONNECTION_ERROR_CANCELLED)
        {
          explanation = g_strdup (_("The host key is not in your known hosts, and it was not accepted."));
          fix = g_strdup_printf (_("Connect to %s once, check the fingerprint and accept it."), name);
        }
      else
        {
          explanation = g_strdup (_("The key exchange failed: the client and the server have no algorithm in common, or the connection broke."));
          fix = g_strdup_printf (_("Look at the SSH server’s log on %s."), name);
        }
      break;

    case JG_CHECK_AUTH_METHODS:
      explanation = g_strdup (_("The server did not say how to log in."));
      fix = g_strdup_printf (_("Look at the SSH server’s log on %s."), name);
      break;

    case JG_CHECK_AUTHENTICATED:
      if (code == JG_CONNECTION_ERROR_AGENT_NO_KEY)
        {
          explanation = g_strdup (_("The SSH agent holds no key this server accepts."));
          fix = g_strdup (_("Add your key to the agent with ssh-add, and its public key to the machine’s ~/.ssh/authorized_keys."));
        }
      else if (code == JG_CONNECTION_ERROR_CANCELLED)
        {
          explanation = g_strdup (_("A password or passphrase was asked for and not given."));
          fix = g_strdup (_("Run the test again and answer the question."));
        }
      else
        {
          explanation = g_strdup (_("The server refused every way of logging in that was tried."));
          fix = g_strdup_printf (_("Check the user name of %s; put your public key in its ~/.ssh/authorized_keys or in the agent (ssh-add), or use the right password."),
                                 name);
        }
      break;

    case JG_CHECK_SHELL:
    default:
      explanation = g_strdup (_("The machine accepted the login but did not start a shell."));
      fix = g_strdup (_("Check the account’s login shell and that it is not locked; look at the SSH server’s log."));
      break;
    }

  g_free (check->explanation);
  check->explanation = explanation;
  g_free (check->fix);
  check->fix = fix;
}

/* Which step @error ends: on the hop that reported last. */
static guint
failing_index (JgDiagnosis  *self,
               const GError *error)
{
  guint hop = MIN (self->current_hop, self->hops->len - 1);
  gboolean tcp_done = get_check (self, hop, JG_CHECK_TCP)->state == JG_CHECK_STATE_PASSED;
  int code = error->domain == JG_CONNECTION_ERROR ? error->code : -1;

  switch (code)
    {
    case JG_CONNECTION_ERROR_RESOLVE:
      return check_index (self, hop, JG_CHECK_RESOLVED);
    case JG_CONNECTION_ERROR_REFUSED:
    case JG_CONNECTION_ERROR_FORWARD_REFUSED:
      return check_index (self, hop, JG_CHECK_TCP);
    case JG_CONNECTION_ERROR_NO_BANNER:
      if (!tcp_done && hop > 0 && is_name_error (error->message))
        return check_index (self, hop, JG_CHECK_RESOLVED);
      return check_index (self, hop, tcp_done ? JG_CHECK_BANNER : JG_CHECK_TCP);
    case JG_CONNECTION_ERROR_TIMED_OUT:
      if (!tcp_done)
        return check_index (self, hop, JG_CHECK_TCP);
      break;
    case JG_CONNECTION_ERROR_HOST_KEY_UNKNOWN:
    case JG_CONNECTION_ERROR_HOST_KEY_CHANGED:
      return check_index (self, hop, JG_CHECK_HOST_KEY);
    case JG_CONNECTION_ERROR_AUTH_FAILED:
    case JG_CONNECTION_ERROR_AGENT_NO_KEY:
      return check_index (self, hop, JG_CHECK_AUTHENTICATED);
    case JG_CONNECTION_ERROR_CHANNEL_FAILED:
      if (get_check (self, self->hops->len - 1, JG_CHECK_AUTHENTICATED)->state == JG_CHECK_STATE_PASSED)
        return check_index (self, 0, JG_CHECK_SHELL);
      break;
    default:
      break;
    }

  /* the first step of that hop that has not passed */
  for (guint i = check_index (self, hop, JG_CHECK_RESOLVED); i < self->checks->len; i++)
    if (((JgCheck *) g_ptr_array_index (self->checks, i))->state != JG_CHECK_STATE_PASSED)
      return i;
  return self->checks->len - 1;
}

static void
finish (JgDiagnosis *self,
        GError      *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  if (self->conn != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->conn, self);
      jg_connection_close (self->conn);
      g_clear_object (&self->conn);
    }
  if (self->peer_fd >= 0)
    {
      close (self->peer_fd);
      self->peer_fd = -1;
    }

  if (error == NULL)
    {
      self->passed = TRUE;
      for (guint i = 0; i < self->checks->len; i++)
        set_check (self, i, JG_CHECK_STATE_PASSED, NULL);
      g_task_return_boolean (task, TRUE);
      return;
    }

  {
    guint index = failing_index (self, error);
    JgCheck *check = g_ptr_array_index (self->checks, index);

    /* what came before the failing step passed; the running rest did not */
    for (guint i = 0; i < index; i++)
      set_check (self, i, JG_CHECK_STATE_PASSED, NULL);
    for (guint i = index + 1; i < self->checks->len; i++)
      {
        JgCheck *other = g_ptr_array_index (self->checks, i);

        if (other->state == JG_CHECK_STATE_RUNNING)
          {
            other->state = JG_CHECK_STATE_PENDING;
            g_clear_pointer (&other->detail, g_free);
            g_signal_emit (self, signals[SIGNAL_CHANGED], 0, i);
          }
      }
    check->state = JG_CHECK_STATE_FAILED;
    g_free (check->detail);
    check->detail = g_strdup (error->message);
    explain (self, check, error);
    self->failed = index;
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0, index);
    g_task_return_error (task, error);
  }
}

static void
on_shell_open (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(JgDiagnosis) self = user_data;
  GError *error = NULL;

  if (JG_CONNECTION (source) != self->conn)
    return;
  if (!jg_connection_open_shell_finish (JG_CONNECTION (source), result, &error))
    {
      finish (self, error);
      return;
    }
  set_check (self, check_index (self, 0, JG_CHECK_SHELL), JG_CHECK_STATE_PASSED, _("Shell started"));
  finish (self, NULL);
}

void
jg_diagnosis_run_async (JgDiagnosis         *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  int pair[2];

  g_return_if_fail (JG_IS_DIAGNOSIS (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jg_diagnosis_run_async);
  if (self->task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, _("The test is already running"));
      return;
    }

  reset_checks (self);
  for (guint i = 0; i < self->checks->len; i++)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0, i);
  self->task = g_steal_pointer (&task);

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
    {
      finish (self, g_error_new (JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_FAILED,
                                 _("Could not make a socket pair: %s"), g_strerror (errno)));
      return;
    }
  self->peer_fd = pair[0];
  self->conn = jg_connection_new_for_chain (self->host, self->chain);
  jg_connection_set_timeout (self->conn, self->timeout);
  /* every handshake made now, not an open session's from before */
  jg_connection_set_fresh (self->conn, TRUE);
  g_signal_connect (self->conn, "progress", G_CALLBACK (on_progress), self);
  g_signal_connect (self->conn, "prompt", G_CALLBACK (on_prompt), self);
  jg_connection_open_shell_async (self->conn, pair[1], "dumb", 80, 24, cancellable,
                                  on_shell_open, g_object_ref (self));
}

void
jg_diagnosis_cancel (JgDiagnosis *self)
{
  g_return_if_fail (JG_IS_DIAGNOSIS (self));

  if (self->task != NULL)
    finish (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The test was stopped")));
}

gboolean
jg_diagnosis_get_running (JgDiagnosis *self)
{
  g_return_val_if_fail (JG_IS_DIAGNOSIS (self), FALSE);
  return self->task != NULL;
}

gboolean
jg_diagnosis_run_finish (JgDiagnosis   *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == jg_diagnosis_run_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct
{
  GMainLoop *loop;
  gboolean   done;
  gboolean   ok;
  GError    *error;
} SyncRun;

static void
on_run_sync (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  SyncRun *run = user_data;

  run->ok = jg_diagnosis_run_finish (JG_DIAGNOSIS (source), result, &run->error);
  run->done = TRUE;
  g_main_loop_quit (run->loop);
}

gboolean
jg_diagnosis_run_sync (JgDiagnosis   *self,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  SyncRun run = { 0 };

  g_return_val_if_fail (JG_IS_DIAGNOSIS (self), FALSE);

  g_main_context_push_thread_default (context);
  run.loop = g_main_loop_new (context, FALSE);
  jg_diagnosis_run_async (self, cancellable, on_run_sync, &run);
  if (!run.done)
    g_main_loop_run (run.loop);
  /* the workers' last reports, then the workers themselves */
  while (g_main_context_iteration (context, FALSE))
    ;
  jg_session_wait_all (3000);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_loop_unref (run.loop);
  g_main_context_pop_thread_default (context);
  if (run.error != NULL)
    g_propagate_error (error, run.error);
  return run.ok;
}

GPtrArray *
jg_diagnosis_get_checks (JgDiagnosis *self)
{
  g_return_val_if_fail (JG_IS_DIAGNOSIS (self), NULL);
  return self->checks;
}

const JgCheck *
jg_diagnosis_get_failed (JgDiagnosis *self)
{
  g_return_val_if_fail (JG_IS_DIAGNOSIS (self), NULL);
  return self->failed >= 0 ? g_ptr_array_index (self->checks, self->failed) : NULL;
}

gboolean
jg_diagnosis_get_passed (JgDiagnosis *self)
{
  g_return_val_if_fail (JG_IS_DIAGNOSIS (self), FALSE);
  return self->passed;
}

char *
jg_diagnosis_format (JgDiagnosis *self)
{
  g_autoptr(GString) out = g_string_new (NULL);
  guint last_hop = G_MAXUINT;

  g_return_val_if_fail (JG_IS_DIAGNOSIS (self), NULL);

  for (guint i = 0; i < self->checks->len; i++)
    {
      JgCheck *check = g_ptr_array_index (self->checks, i);
      const char *mark;

      if (check->hop != last_hop)
        {
          last_hop = check->hop;
          if (check->hop + 1 < self->hops->len)
            g_string_append_printf (out, _("%s — jump host, hop %u of %u\n"), check->hop_name,
                                    check->hop + 1, self->hops->len);
          else
            g_string_append_printf (out, _("%s — hop %u of %u\n"), check->hop_name,
                                    check->hop + 1, self->hops->len);
        }
      switch (check->state)
        {
        case JG_CHECK_STATE_PASSED: mark = "✓"; break;
        case JG_CHECK_STATE_FAILED: mark = "✗"; break;
        case JG_CHECK_STATE_RUNNING: mark = "…"; break;
        case JG_CHECK_STATE_PENDING:
        default: mark = "·"; break;
        }
      g_string_append_printf (out, "  %s %s", mark, jg_check_kind_get_label (check->kind));
      if (check->state == JG_CHECK_STATE_PENDING)
        g_string_append_printf (out, ": %s", _("not checked"));
      else if (check->detail != NULL)
        g_string_append_printf (out, ": %s", check->detail);
      g_string_append_c (out, '\n');
      if (check->state == JG_CHECK_STATE_FAILED)
        {
          if (check->explanation != NULL)
            g_string_append_printf (out, "      %s %s\n", _("Why:"), check->explanation);
          if (check->fix != NULL)
            g_string_append_printf (out, "      %s %s\n", _("Fix:"), check->fix);
        }
    }
  if (self->passed)
    g_string_append (out, _("Every step passed.\n"));
  else if (self->failed >= 0)
    {
      JgCheck *check = g_ptr_array_index (self->checks, self->failed);

      g_string_append_printf (out, _("Failed at %s: %s.\n"), check->hop_name,
                              jg_check_kind_get_label (check->kind));
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* ------------------------------------------------------------- the object */

static void
jg_diagnosis_dispose (GObject *object)
{
  JgDiagnosis *self = JG_DIAGNOSIS (object);

  if (self->conn != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->conn, self);
      jg_connection_close (self->conn);
      g_clear_object (&self->conn);
    }
  if (self->peer_fd >= 0)
    {
      close (self->peer_fd);
      self->peer_fd = -1;
    }
  G_OBJECT_CLASS (jg_diagnosis_parent_class)->dispose (object);
}

static void
jg_diagnosis_finalize (GObject *object)
{
  JgDiagnosis *self = JG_DIAGNOSIS (object);

  g_assert (self->task == NULL);
  g_clear_object (&self->host);
  g_ptr_array_unref (self->chain);
  g_ptr_array_unref (self->hops);
  g_ptr_array_unref (self->checks);
  G_OBJECT_CLASS (jg_diagnosis_parent_class)->finalize (object);
}

static void
jg_diagnosis_class_init (JgDiagnosisClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jg_diagnosis_dispose;
  object_class->finalize = jg_diagnosis_finalize;

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_PROMPT] =
    g_signal_new ("prompt", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, JG_TYPE_PROMPT);
}

static void
jg_diagnosis_init (JgDiagnosis *self)
{
  self->chain = g_ptr_array_new_with_free_func (g_object_unref);
  self->hops = g_ptr_array_new_with_free_func (g_object_unref);
  self->checks = g_ptr_array_new_with_free_func ((GDestroyNotify) check_free);
  self->timeout = DEFAULT_TIMEOUT;
  self->peer_fd = -1;
  self->failed = -1;
}

JgDiagnosis *
jg_diagnosis_new_for_chain (JgHost    *host,
                            GPtrArray *chain)
{
  JgDiagnosis *self;

  g_return_val_if_fail (JG_IS_HOST (host), NULL);

  self = g_object_new (JG_TYPE_DIAGNOSIS, NULL);
  self->host = g_object_ref (host);
  for (guint i = 0; chain != NULL && i < chain->len; i++)
    {
      g_ptr_array_add (self->chain, g_object_ref (g_ptr_array_index (chain, i)));
      g_ptr_array_add (self->hops, g_object_ref (g_ptr_array_index (chain, i)));
    }
  g_ptr_array_add (self->hops, g_object_ref (host));
  reset_checks (self);
  return self;
}

JgDiagnosis *
jg_diagnosis_new (JgInventory  *inventory,
                  JgHost       *host,
                  GError      **error)
{
  g_autoptr(GPtrArray) chain = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (JG_IS_INVENTORY (inventory), NULL);
  g_return_val_if_fail (JG_IS_HOST (host), NULL);

  chain = jg_inventory_get_chain (inventory, host, &local_error);
  if (chain == NULL)
    {
      g_set_error_literal (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_CONFIG,
                           local_error->message);
      return NULL;
    }
  return jg_diagnosis_new_for_chain (host, chain);
}

JgHost *
jg_diagnosis_get_host (JgDiagnosis *self)
{
  g_return_val_if_fail (JG_IS_DIAGNOSIS (self), NULL);
  return self->host;
}

guint
jg_diagnosis_get_n_hops (JgDiagnosis *self)
{
  g_return_val_if_fail (JG_IS_DIAGNOSIS (self), 0);
  return self->hops->len;
}

JgHost *
jg_diagnosis_get_hop (JgDiagnosis *self,
                      guint        index)
{
  g_return_val_if_fail (JG_IS_DIAGNOSIS (self), NULL);
  g_return_val_if_fail (index < self->hops->len, NULL);
  return g_ptr_array_index (self->hops, index);
}

void
jg_diagnosis_set_timeout (JgDiagnosis *self,
                          guint        seconds)
{
  g_return_if_fail (JG_IS_DIAGNOSIS (self));
  self->timeout = seconds > 0 ? seconds : DEFAULT_TIMEOUT;
}
