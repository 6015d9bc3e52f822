/* test-status.c — probes, Test Connection, keepalives and reconnects
 * against the SSH test lab, with faults injected into it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Real sshd processes (tests/lab/jg-lab): a VM's sshd is killed and
 * started again, the jump host's link is taken down inside the lab's
 * network namespace, a session's sshd processes are killed to drop it.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "jg-capped-agent.h"
#include "jg-connection.h"
#include "jg-diagnose.h"
#include "jg-inventory.h"
#include "jg-probe.h"
#include "jg-session-private.h"
#include "jg-store.h"
#include "jg-test-hosts.h"
#include "jg-test-lab.h"
#include "jg-test-proc.h"

static JgTestLab *lab;
static char *tmpdir;
static char *known_hosts;

/* ------------------------------------------------------------- fixtures */

static const char *
lab_get (const char *key)
{
  const char *value = jg_test_lab_get (lab, key);

  g_assert_nonnull (value);
  return value;
}

typedef struct
{
  JgInventory *inventory;
  JgHost      *jump;
  JgHost      *vm1;
  JgHost      *vm2;
  JgHost      *own;
} Lab;

static Lab *
lab_inventory (void)
{
  Lab *l = g_new0 (Lab, 1);
  g_autoptr(JgHost) jump2 = NULL;

  l->inventory = jg_inventory_new ();
  l->jump = jg_test_lab_host (lab, JG_TYPE_JUMP_HOST, "jump", "JUMP", NULL, known_hosts);
  jump2 = jg_test_lab_host (lab, JG_TYPE_JUMP_HOST, "jump2", "JUMP2", l->jump, known_hosts);
  l->vm1 = jg_test_lab_host (lab, JG_TYPE_MACHINE, "vm1", "VM1", l->jump, known_hosts);
  l->vm2 = jg_test_lab_host (lab, JG_TYPE_MACHINE, "vm2", "VM2", jump2, known_hosts);
  l->own = jg_test_lab_host (lab, JG_TYPE_MACHINE, "own", "OWN", NULL, known_hosts);

  jg_inventory_add (l->inventory, l->jump);
  jg_inventory_add (l->inventory, jump2);
  jg_inventory_add (l->inventory, l->vm1);
  jg_inventory_add (l->inventory, l->vm2);
  jg_inventory_add (l->inventory, l->own);
  return l;
}

static void
lab_free (Lab *l)
{
  g_object_unref (l->jump);
  g_object_unref (l->vm1);
  g_object_unref (l->vm2);
  g_object_unref (l->own);
  g_object_unref (l->inventory);
  g_free (l);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Lab, lab_free)

static void
drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Waits until the pool is empty and every worker ended: the next test
 * starts cold. */
static void
wait_idle (void)
{
  for (guint i = 0; i < 1000 && jg_session_pool_count () > 0; i++)
    {
      drain ();
      g_usleep (10000);
    }
  g_assert_cmpuint (jg_session_pool_count (), ==, 0);
  g_assert_true (jg_session_wait_all (10000));
  drain ();
}

static void
reset_known_hosts (void)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (lab_get ("JG_LAB_KNOWN_HOSTS"), &contents, NULL, &error);
  g_assert_no_error (error);
  g_file_set_contents (known_hosts, contents, -1, &error);
  g_assert_no_error (error);
  wait_idle ();
}

static void
stop_host (const char *name)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (jg_test_lab_stop_host (lab, name, &error));
  g_assert_no_error (error);
}

static void
start_host (const char *name)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (jg_test_lab_start_host (lab, name, &error));
  g_assert_no_error (error);
}

/* Waits for *@flag, at most @timeout_ms; FALSE when it did not come. */
static gboolean
wait_flag (gboolean *flag,
           guint     timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!*flag)
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

/* ---------------------------------------------------------------- probes */

typedef struct
{
  gboolean       done;
  JgProbeResult *result;
  guint          n_done;
  guint          n_expected;
  GPtrArray     *results;
} ProbeRun;

static void
on_probed (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  ProbeRun *run = user_data;
  g_autoptr(GError) error = NULL;
  JgProbeResult *result = jg_prober_probe_finish (JG_PROBER (source), res, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  if (run->results != NULL)
    g_ptr_array_add (run->results, result);
  else
    run->result = result;
  if (++run->n_done >= run->n_expected)
    run->done = TRUE;
}

static JgProbeResult *
probe (JgProber *prober,
       Lab      *l,
       JgHost   *host)
{
  ProbeRun run = { 0 };

  run.n_expected = 1;
  jg_prober_probe_async (prober, l->inventory, host, NULL, on_probed, &run);
  g_assert_true (wait_flag (&run.done, 60000));
  if (g_test_verbose ())
    g_printerr ("# probe %s: %s %s%s (%.0f ms)\n", jg_host_get_name (host),
                jg_reachability_to_string (run.result->state),
                run.result->banner ? run.result->banner : "",
                run.result->detail ? run.result->detail : "",
                run.result->duration / 1000.0);
  return run.result;
}

static JgProber *
make_prober (guint timeout)
{
  JgProber *prober = jg_prober_new ();

  jg_prober_set_timeout (prober, timeout);
  return prober;
}

static void
free_prober (JgProber *prober)
{
  jg_prober_release_sessions (prober);
  g_object_unref (prober);
}

static void
test_probe_own (void)
{
  g_autoptr(Lab) l = lab_inventory ();
  JgProber *prober = make_prober (5);
  g_autoptr(JgProbeResult) up = NULL;
  g_autoptr(JgProbeResult) down = NULL;
  g_autoptr(JgProbeResult) again = NULL;
  int accepted = jg_test_lab_count_log (lab, "own", "Accepted");
  int connections = jg_test_lab_count_log (lab, "own", "Connection from");

  reset_known_hosts ();
  up = probe (prober, l, l->own);
  g_assert_cmpint (up->state, ==, JG_REACHABILITY_ONLINE);
  g_assert_true (g_str_has_prefix (up->banner, "SSH-2.0-OpenSSH_"));
  g_assert_null (strchr (up->banner, '\r'));
  g_assert_null (up->through);
  g_assert_cmpint (up->checked, >, 0);
  /* a connection, but no login */
  g_assert_cmpint (jg_test_lab_count_log (lab, "own", "Connection from"), ==, connections + 1);
  g_assert_cmpint (jg_test_lab_count_log (lab, "own", "Accepted"), ==, accepted);

  stop_host ("own");
  down = probe (prober, l, l->own);
  g_assert_cmpint (down->state, ==, JG_REACHABILITY_OFFLINE);
  g_assert_error (down->error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_REFUSED);
  g_assert_nonnull (strstr (down->detail, "own"));
  start_host ("own");
  again = probe (prober, l, l->own);
  g_assert_cmpint (again->state, ==, JG_REACHABILITY_ONLINE);
  free_prober (prober);
  wait_idle ();
}

static void
test_probe_vm (void)
{
  g_autoptr(Lab) l = lab_inventory ();
  JgProber *prober = make_prober (5);
  g_autoptr(JgProbeResult) first = NULL;
  g_autoptr(JgProbeResult) second = NULL;
  g_autoptr(JgProbeResult) down = NULL;
  g_autoptr(JgProbeResult) up = NULL;
  g_autoptr(JgProbeResult) two_hops = NULL;
  int jump_logins = jg_test_lab_count_log (lab, "jump", "Accepted publickey");
  int vm_logins = jg_test_lab_count_log (lab, "vm1", "Accepted publickey");
  int vm_connections = jg_test_lab_count_log (lab, "vm1", "Connection from");
  gint64 start;

  reset_known_hosts ();
  first = probe (prober, l, l->vm1);
  g_assert_cmpint (first->state, ==, JG_REACHABILITY_ONLINE);
  g_assert_true (g_str_has_prefix (first->banner, "SSH-2.0-OpenSSH_"));
  g_assert_cmpstr (first->through, ==, "jump");
  /* the second round uses the kept jump session: no new login there */
  second = probe (prober, l, l->vm1);
  g_assert_cmpint (second->state, ==, JG_REACHABILITY_ONLINE);
  g_assert_cmpint (jg_test_lab_count_log (lab, "jump", "Accepted publickey"), ==, jump_logins + 1);
  /* the VM saw two connections (from the jump host), and no login */
  g_assert_cmpint (jg_test_lab_count_log (lab, "vm1", "Connection from"), ==, vm_connections + 2);
  g_assert_cmpint (jg_test_lab_count_log (lab, "vm1", "Accepted publickey"), ==, vm_logins);
  if (jg_test_lab_isolated (lab))
    {
      /* from the jump host's side of the namespace, never from us */
      g_autofree char *needle = g_strdup_printf ("Connection from %s", lab_get ("JG_LAB_CLIENT_ADDR"));
      g_assert_cmpint (jg_test_lab_count_log (lab, "vm1", needle), ==, 0);
    }

  /* the VM's sshd is killed: offline, told by the jump host */
  stop_host ("vm1");
  start = g_get_monotonic_time ();
  down = probe (prober, l, l->vm1);
  g_assert_cmpint (down->state, ==, JG_REACHABILITY_OFFLINE);
  g_assert_error (down->error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_NO_BANNER);
  g_assert_nonnull (strstr (down->detail, "vm1"));
  g_test_message ("vm1 offline detected in %.0f ms", (g_get_monotonic_time () - start) / 1000.0);
  start_host ("vm1");
  up = probe (prober, l, l->vm1);
  g_assert_cmpint (up->state, ==, JG_REACHABILITY_ONLINE);

  /* behind two jump hosts */
  two_hops = probe (prober, l, l->vm2);
  g_assert_cmpint (two_hops->state, ==, JG_REACHABILITY_ONLINE);
  g_assert_cmpstr (two_hops->through, ==, "jump2");

  free_prober (prober);
  wait_idle ();
}

static void
test_probe_jump_down (void)
{
  g_autoptr(Lab) l = lab_inventory ();
  JgProber *prober = make_prober (3);
  g_autoptr(JgProbeResult) vm = NULL;
  g_autoptr(JgProbeResult) jump = NULL;
  g_autoptr(JgProbeResult) vm_up = NULL;

  reset_known_hosts ();
  stop_host ("jump");
  vm = probe (prober, l, l->vm1);
  jump = probe (prober, l, l->jump);
  start_host ("jump");
  /* the jump host is offline; what is behind it is unknown, not offline */
  g_assert_cmpint (jump->state, ==, JG_REACHABILITY_OFFLINE);
  g_assert_cmpint (vm->state, ==, JG_REACHABILITY_UNKNOWN);
  g_assert_nonnull (strstr (vm->detail, "jump host jump"));
  vm_up = probe (prober, l, l->vm1);
  g_assert_cmpint (vm_up->state, ==, JG_REACHABILITY_ONLINE);
  free_prober (prober);
  wait_idle ();
}

/* A jump host that needs a person (here: its host key is unknown) is not
 * logged in to by probes; its machines stay unknown, and the next probe
 * does not try again but waits for a session someone else opens. */
static void
test_probe_jump_needs_user (void)
{
  g_autoptr(Lab) l = lab_inventory ();
  JgProber *prober = make_prober (5);
  g_autoptr(JgProbeResult) first = NULL;
  g_autoptr(JgProbeResult) second = NULL;
  int jump_connections;

  reset_known_hosts ();
  g_file_set_contents (known_hosts, "", -1, NULL);
  first = probe (prober, l, l->vm1);
  g_assert_cmpint (first->state, ==, JG_REACHABILITY_UNKNOWN);
  g_assert_error (first->error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_HOST_KEY_UNKNOWN);
  jump_connections = jg_test_lab_count_log (lab, "jump", "Connection from");
  second = probe (prober, l, l->vm1);
  g_assert_cmpint (second->state, ==, JG_REACHABILITY_UNKNOWN);
  g_assert_nonnull (strstr (second->detail, "needs you to log in"));
  g_assert_cmpint (jg_test_lab_count_log (lab, "jump", "Connection from"), ==, jump_connections);
  free_prober (prober);
  wait_idle ();
}

/* 20 hosts that accept the connection and never answer: at most 8 probes
 * run at once, and each ends at its timeout. */
static void
test_probe_limit (void)
{
  g_autoptr(JgInventory) inventory = jg_inventory_new ();
  JgProber *prober = make_prober (1);
  ProbeRun run = { 0 };
  struct sockaddr_in addr = { 0 };
  socklen_t len = sizeof addr;
  gint64 start;
  double seconds;
  int fd;

  fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (listen (fd, 64), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &addr, &len), ==, 0);

  run.results = g_ptr_array_new_with_free_func ((GDestroyNotify) jg_probe_result_free);
  run.n_expected = 20;
  start = g_get_monotonic_time ();
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(JgMachine) host = jg_machine_new (JG_MACHINE_KIND_OWN);
      g_autofree char *name = g_strdup_printf ("silent-%02u", i);

      jg_host_set_name (JG_HOST (host), name);
      jg_host_set_hostname (JG_HOST (host), "127.0.0.1");
      jg_host_set_port (JG_HOST (host), ntohs (addr.sin_port));
      jg_inventory_add (inventory, JG_HOST (host));
      jg_prober_probe_async (prober, inventory, JG_HOST (host), NULL, on_probed, &run);
    }
  g_assert_cmpuint (jg_prober_get_n_in_flight (prober) + jg_prober_get_n_queued (prober), <=, 20);
  g_assert_true (wait_flag (&run.done, 30000));
  seconds = (g_get_monotonic_time () - start) / 1e6;
  close (fd);

  g_assert_cmpuint (jg_prober_get_peak_in_flight (prober), ==, JG_PROBER_MAX_IN_FLIGHT);
  g_assert_cmpuint (jg_prober_get_n_in_flight (prober), ==, 0);
  /* three waves of (at most) eight one-second probes */
  g_assert_cmpfloat (seconds, >=, 2.8);
  g_assert_cmpfloat (seconds, <, 10);
  for (guint i = 0; i < run.results->len; i++)
    {
      JgProbeResult *result = g_ptr_array_index (run.results, i);

      g_assert_cmpint (result->state, ==, JG_REACHABILITY_OFFLINE);
      g_assert_error (result->error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_TIMED_OUT);
    }
  g_ptr_array_unref (run.results);
  free_prober (prober);
}

static void
on_probe_cancelled (GObject      *source,
                    GAsyncResult *res,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (jg_prober_probe_finish (JG_PROBER (source), res, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  *(gboolean *) user_data = TRUE;
}

static void
test_probe_cancel (void)
{
  g_autoptr(JgInventory) inventory = jg_inventory_new ();
  g_autoptr(JgMachine) host = jg_machine_new (JG_MACHINE_KIND_OWN);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  JgProber *prober = make_prober (10);
  struct sockaddr_in addr = { 0 };
  socklen_t len = sizeof addr;
  gboolean done = FALSE;
  gint64 start;
  int fd;

  fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (listen (fd, 4), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &addr, &len), ==, 0);
  jg_host_set_name (JG_HOST (host), "silent");
  jg_host_set_hostname (JG_HOST (host), "127.0.0.1");
  jg_host_set_port (JG_HOST (host), ntohs (addr.sin_port));
  jg_inventory_add (inventory, JG_HOST (host));

  start = g_get_monotonic_time ();
  jg_prober_probe_async (prober, inventory, JG_HOST (host), cancellable, on_probe_cancelled, &done);
  g_usleep (200000);
  g_cancellable_cancel (cancellable);
  g_assert_true (wait_flag (&done, 5000));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  close (fd);
  free_prober (prober);
}

/* ----------------------------------------------------------- diagnostics */

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} DiagRun;

static void
on_diagnosed (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  DiagRun *run = user_data;

  run->ok = jg_diagnosis_run_finish (JG_DIAGNOSIS (source), res, &run->error);
  run->done = TRUE;
}

static JgDiagnosis *
diagnose (Lab     *l,
          JgHost  *host,
          guint    timeout,
          DiagRun *run)
{
  g_autoptr(GError) error = NULL;
  JgDiagnosis *diagnosis = jg_diagnosis_new (l->inventory, host, &error);

  g_assert_no_error (error);
  jg_diagnosis_set_timeout (diagnosis, timeout);
  jg_diagnosis_run_async (diagnosis, NULL, on_diagnosed, run);
  g_assert_true (wait_flag (&run->done, 60000));
  if (g_test_verbose ())
    {
      g_autofree char *text = jg_diagnosis_format (diagnosis);
      g_printerr ("%s", text);
    }
  return diagnosis;
}

static const JgCheck *
check_at (JgDiagnosis *diagnosis,
          guint        hop,
          JgCheckKind  kind)
{
  GPtrArray *checks = jg_diagnosis_get_checks (diagnosis);

  for (guint i = 0; i < checks->len; i++)
    {
      JgCheck *check = g_ptr_array_index (checks, i);

      if (check->hop == hop && check->kind == kind)
        return check;
    }
  g_assert_not_reached ();
}

static void
on_connected (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data);

static void
test_diagnose_ok (void)
{
  g_autoptr(Lab) l = lab_inventory ();
  g_autoptr(JgDiagnosis) diagnosis = NULL;
  g_autoptr(JgConnection) jump = NULL;
  g_autoptr(GError) error = NULL;
  DiagRun run = { 0 };
  GPtrArray *checks;
  gboolean connected = FALSE;
  int jump_logins;

  reset_known_hosts ();
  /* an open session to the jump host is not shared: every step is made
   * again */
  jump = jg_connection_new (l->inventory, l->jump, &error);
  g_assert_no_error (error);
  jg_connection_connect_async (jump, NULL, on_connected, &connected);
  g_assert_true (wait_flag (&connected, 20000));
  jump_logins = jg_test_lab_count_log (lab, "jump", "Accepted publickey");
  diagnosis = diagnose (l, l->vm1, 10, &run);
  g_assert_cmpint (jg_test_lab_count_log (lab, "jump", "Accepted publickey"), ==, jump_logins + 1);
  jg_connection_close (jump);
  g_assert_no_error (run.error);
  g_assert_true (run.ok);
  g_assert_true (jg_diagnosis_get_passed (diagnosis));
  g_assert_null (jg_diagnosis_get_failed (diagnosis));
  checks = jg_diagnosis_get_checks (diagnosis);
  /* six steps per hop, then the shell; in order */
  g_assert_cmpuint (checks->len, ==, 2 * 6 + 1);
  for (guint i = 0; i < checks->len; i++)
    {
      JgCheck *check = g_ptr_array_index (checks, i);

      g_assert_cmpint (check->state, ==, JG_CHECK_STATE_PASSED);
      g_assert_cmpuint (check->hop, ==, MIN (i / 6, 1));
      g_assert_cmpint (check->kind, ==, i < 12 ? (JgCheckKind) (i % 6) : JG_CHECK_SHELL);
    }
  g_assert_cmpstr (check_at (diagnosis, 0, JG_CHECK_RESOLVED)->hop_name, ==, "jump");
  g_assert_cmpstr (check_at (diagnosis, 1, JG_CHECK_RESOLVED)->hop_name, ==, "vm1");
  /* the banner line itself */
  g_assert_true (g_str_has_prefix (check_at (diagnosis, 0, JG_CHECK_BANNER)->detail, "SSH-2.0-OpenSSH_"));
  g_assert_true (g_str_has_prefix (check_at (diagnosis, 1, JG_CHECK_BANNER)->detail, "SSH-2.0-OpenSSH_"));
  g_assert_nonnull (strstr (check_at (diagnosis, 1, JG_CHECK_AUTH_METHODS)->detail, "publickey"));
  g_assert_nonnull (strstr (check_at (diagnosis, 1, JG_CHECK_HOST_KEY)->detail,
                            lab_get ("JG_LAB_VM1_FINGERPRINT")));
  g_assert_nonnull (strstr (check_at (diagnosis, 1, JG_CHECK_RESOLVED)->detail, "resolved by jump"));
  /* each step says how it ended */
  {
    g_autofree char *resolved = g_strdup_printf ("%s → %s", lab_get ("JG_LAB_JUMP_NAME"),
                                                 lab_get ("JG_LAB_JUMP_ADDR"));

    g_assert_cmpstr (check_at (diagnosis, 0, JG_CHECK_RESOLVED)->detail, ==, resolved);
  }
  g_assert_true (g_str_has_prefix (check_at (diagnosis, 0, JG_CHECK_TCP)->detail, "Connected to "));
  g_assert_true (g_str_has_prefix (check_at (diagnosis, 1, JG_CHECK_TCP)->detail, "Tunnel to "));
  g_assert_true (g_str_has_prefix (check_at (diagnosis, 1, JG_CHECK_AUTHENTICATED)->detail, "Authenticated as "));
  wait_idle ();
}

static void
test_diagnose_jump_down (void)
{
  g_autoptr(Lab) l = lab_inventory ();
  g_autoptr(JgDiagnosis) diagnosis = NULL;
  DiagRun run = { 0 };
  const JgCheck *failed;

  reset_known_hosts ();
  stop_host ("jump");
  diagnosis = diagnose (l, l->vm1, 5, &run);
  start_host ("jump");
  g_assert_false (run.ok);
  g_assert_error (run.error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_REFUSED);
  failed = jg_diagnosis_get_failed (diagnosis);
  g_assert_nonnull (failed);
  g_assert_cmpuint (failed->hop, ==, 0);
  g_assert_cmpstr (failed->hop_name, ==, "jump");
  g_assert_cmpint (failed->kind, ==, JG_CHECK_TCP);
  g_assert_nonnull (failed->explanation);
  g_assert_nonnull (strstr (failed->fix, "jump"));
  g_assert_cmpint (check_at (diagnosis, 0, JG_CHECK_RESOLVED)->state, ==, JG_CHECK_STATE_PASSED);
  g_assert_cmpint (check_at (diagnosis, 0, JG_CHECK_BANNER)->state, ==, JG_CHECK_STATE_PENDING);
  g_assert_cmpint (check_at (diagnosis, 1, JG_CHECK_RESOLVED)->state, ==, JG_CHECK_STATE_PENDING);
  g_clear_error (&run.error);
  wait_idle ();
}

static void
test_diagnose_vm_down (void)
{
  g_autoptr(Lab) l = lab_inventory ();
  g_autoptr(JgDiagnosis) diagnosis = NULL;
  DiagRun run = { 0 };
  const JgCheck *failed;

  reset_known_hosts ();
  stop_host ("vm1");
  diagnosis = diagnose (l, l->vm1, 5, &run);
  start_host ("vm1");
  g_assert_false (run.ok);
  failed = jg_diagnosis_get_failed (diagnosis);
  g_assert_nonnull (failed);
  g_assert_cmpstr (failed->hop_name, ==, "vm1");
  g_assert_cmpint (failed->kind, ==, JG_CHECK_TCP);
  g_assert_nonnull (strstr (failed->explanation, "jump could not connect to vm1"));
  /* every step of the jump host passed */
  for (guint kind = JG_CHECK_RESOLVED; kind <= JG_CHECK_AUTHENTICATED; kind++)
    g_assert_cmpint (check_at (diagnosis, 0, kind)->state, ==, JG_CHECK_STATE_PASSED);
  g_clear_error (&run.error);
  wait_idle ();
}

static void
test_diagnose_host_key (void)
{
  g_autoptr(Lab) l = lab_inventory ();
  g_autoptr(JgDiagnosis) diagnosis = NULL;
  g_autofree char *text = NULL;
  DiagRun run = { 0 };
  const JgCheck *failed;

  reset_known_hosts ();
  /* only the jump host's key is known */
  {
    g_autofree char *contents = NULL;
    g_auto(GStrv) lines = NULL;
    g_autoptr(GString) kept = g_string_new (NULL);
    const char *jump_name = lab_get ("JG_LAB_JUMP_KNOWN_HOST");

    g_file_get_contents (known_hosts, &contents, NULL, NULL);
    lines = g_strsplit (contents, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++)
      if (g_str_has_prefix (lines[i], jump_name) && lines[i][strlen (jump_name)] == ' ')
        g_string_append_printf (kept, "%s\n", lines[i]);
    g_file_set_contents (known_hosts, kept->str, -1, NULL);
  }
  diagnosis = diagnose (l, l->vm1, 5, &run);
  g_assert_false (run.ok);
  failed = jg_diagnosis_get_failed (diagnosis);
  g_assert_nonnull (failed);
  g_assert_cmpuint (failed->hop, ==, 1);
  g_assert_cmpint (failed->kind, ==, JG_CHECK_HOST_KEY);
  g_assert_error (run.error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_HOST_KEY_UNKNOWN);
  g_assert_true (g_str_has_prefix (check_at (diagnosis, 1, JG_CHECK_BANNER)->detail, "SSH-2.0-"));
  text = jg_diagnosis_format (diagnosis);
  g_assert_nonnull (strstr (text, "✗ Host key known"));
  g_assert_nonnull (strstr (text, "· Authenticated: not checked"));
  g_assert_nonnull (strstr (text, "Fix: "));
  g_clear_error (&run.error);
  wait_idle ();
}

/* ------------------------------------------------------ jumpgate --test */

static void
write_store (Lab        *l,
             const char *config_home)
{
  g_autofree char *path = g_build_filename (config_home, "jumpgate", "machines.json", NULL);
  g_autoptr(JgStore) store = jg_store_new (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (jg_store_save (store, l->inventory, &error));
  g_assert_no_error (error);
}

static int
run_test_cli (const char *name,
              char      **out)
{
  g_autofree char *config_home = g_build_filename (tmpdir, "config", NULL);
  g_autoptr(GError) error = NULL;
  const char *jumpgate = g_getenv ("JUMPGATE");
  const char *argv[] = { "setsid", "-w", NULL, "--test", NULL, NULL };
  g_auto(GStrv) envp = g_get_environ ();
  int status = -1;

  g_assert_nonnull (jumpgate);
  argv[2] = jumpgate;
  argv[4] = name;
  envp = g_environ_setenv (envp, "XDG_CONFIG_HOME", config_home, TRUE);
  envp = g_environ_setenv (envp, "LANGUAGE", "C", TRUE);
  g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, out, NULL, &status, &error);
  g_assert_no_error (error);
  if (g_test_verbose ())
    g_printerr ("%s", *out);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static void
test_cli (void)
{
  g_autoptr(Lab) l = lab_inventory ();
  g_autofree char *config_home = g_build_filename (tmpdir, "config", NULL);
  g_autofree char *out = NULL;
  g_autofree char *banner = NULL;

  reset_known_hosts ();
  write_store (l, config_home);

  g_assert_cmpint (run_test_cli ("vm1", &out), ==, 0);
  g_assert_nonnull (strstr (out, "jump — jump host, hop 1 of 2"));
  g_assert_nonnull (strstr (out, "vm1 — hop 2 of 2"));
  g_assert_nonnull (strstr (out, "✓ SSH banner: SSH-2.0-OpenSSH_"));
  g_assert_nonnull (strstr (out, "✓ Shell started"));
  g_assert_null (strstr (out, "✗"));
  g_clear_pointer (&out, g_free);

  /* the jump host is down, the VM is up: the jump hop is named */
  stop_host ("jump");
  g_assert_cmpint (run_test_cli ("vm1", &out), ==, 1);
  start_host ("jump");
  g_assert_nonnull (strstr (out, "✗ TCP connected: jump:"));
  g_assert_nonnull (strstr (out, "Failed at jump: TCP connected."));
  g_assert_nonnull (strstr (out, "Fix: "));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run_test_cli ("no-such-machine", &out), ==, 2);
}

/* ------------------------------------------------------------ keepalives */

typedef struct
{
  gboolean  open;
  gboolean  closed;
  gint64    closed_at;
  GError   *error;
} ShellRun;

static void
on_log_progress (JgConnection     *conn,
                 guint             hop,
                 JgConnectionStep  step,
                 const char       *detail,
                 GString          *log)
{
  g_string_append_printf (log, "[%u %s] %s\n", hop, jg_connection_step_to_string (step), detail);
}

static void
on_shell_closed (JgConnection *conn,
                 const GError *error,
                 ShellRun     *run)
{
  run->closed = TRUE;
  run->closed_at = g_get_monotonic_time ();
  g_clear_error (&run->error);
  if (error != NULL)
    run->error = g_error_copy (error);
}

static void
on_shell_open (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  ShellRun *run = user_data;

  if (!jg_connection_open_shell_finish (JG_CONNECTION (source), res, &run->error))
    run->closed = TRUE;
  run->open = TRUE;
}

/* A shell on a socketpair (the other end in *@peer). */
static JgConnection *
open_shell (Lab      *l,
            JgHost   *host,
            ShellRun *run,
            int      *peer)
{
  g_autoptr(GError) error = NULL;
  JgConnection *conn = jg_connection_new (l->inventory, host, &error);
  int pair[2];

  g_assert_no_error (error);
  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), ==, 0);
  *peer = pair[0];
  jg_connection_set_timeout (conn, 5);
  g_signal_connect (conn, "closed", G_CALLBACK (on_shell_closed), run);
  jg_connection_open_shell_async (conn, pair[1], "dumb", 80, 24, NULL, on_shell_open, run);
  g_assert_true (wait_flag (&run->open, 30000));
  g_assert_no_error (run->error);
  return conn;
}

static void
test_keepalive_link_down (void)
{
  g_autoptr(Lab) l = lab_inventory ();
  g_autoptr(JgConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  JgProber *prober;
  g_autoptr(JgProbeResult) vm = NULL;
  g_autoptr(JgProbeResult) jump = NULL;
  ShellRun run = { 0 };
  const guint interval = 1;
  gint64 down_at;
  double seconds;
  int peer;

  if (!jg_test_lab_isolated (lab))
    {
      g_test_skip ("the jump host's link can only be taken down in the lab's namespace (root)");
      return;
    }
  reset_known_hosts ();
  jg_host_set_keepalive_interval (l->jump, interval);
  jg_host_set_keepalive_interval (l->vm1, interval);
  conn = open_shell (l, l->vm1, &run, &peer);
  /* an idle session: only keepalives go back and forth */
  for (gint64 end = g_get_monotonic_time () + 1500 * 1000; g_get_monotonic_time () < end;)
    {
      drain ();
      g_usleep (10000);
    }
  g_assert_false (run.closed);

  /* counted from before the command: the link goes down during it */
  down_at = g_get_monotonic_time ();
  g_assert_true (jg_test_lab_link (lab, FALSE, &error));
  g_assert_no_error (error);
  g_test_message ("taking the link down took %.2f s", (g_get_monotonic_time () - down_at) / 1e6);
  g_assert_true (wait_flag (&run.closed, 20000));
  seconds = (run.closed_at - down_at) / 1e6;
  g_test_message ("link down detected after at most %.2f s (keepalive every %u s)", seconds, interval);
  g_assert_error (run.error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_TRANSPORT_LOST);
  g_assert_nonnull (strstr (run.error->message, "keepalives"));
  /* within three keepalive intervals of the last answer */
  g_assert_cmpfloat (seconds, <=, 3 * interval + 0.2);

  /* while it is down: the jump host is offline, its machines unknown */
  prober = make_prober (2);
  vm = probe (prober, l, l->vm1);
  jump = probe (prober, l, l->jump);
  g_assert_true (jg_test_lab_link (lab, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (vm->state, ==, JG_REACHABILITY_UNKNOWN);
  g_assert_cmpint (jump->state, ==, JG_REACHABILITY_OFFLINE);
  g_assert_error (jump->error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_TIMED_OUT);
  free_prober (prober);

  jg_connection_close (conn);
  close (peer);
  g_clear_error (&run.error);
  wait_idle ();
}

/* ------------------------------------------------------------ reconnects */


static void
on_connected (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (jg_connection_connect_finish (JG_CONNECTION (source), res, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* @keep_jump: the jump host's session stays open (another tab uses it);
 * else it ends and is opened again with each cycle. */
static void
drop_cycles (gboolean keep_jump)
{
  g_autoptr(Lab) l = lab_inventory ();
  g_autoptr(JgConnection) keep = NULL;
  g_autoptr(GError) error = NULL;
  const guint cycles = 100;
  int vm_pid = atoi (lab_get ("JG_LAB_VM1_PID"));
  guint fds_before = 0, threads_before = 0;
  gboolean kept = FALSE;
  gint64 start = 0;

  reset_known_hosts ();
  for (guint cycle = 0; cycle <= cycles; cycle++)
    {
      g_autoptr(JgConnection) conn = NULL;
      ShellRun run = { 0 };
      int peer;

      if (cycle == 1)
        {
          /* measured after one warm-up cycle, with the jump host's
           * session open as a tab would leave it */
          wait_idle ();
          if (keep_jump)
            {
              keep = jg_connection_new (l->inventory, l->jump, &error);
              g_assert_no_error (error);
              jg_connection_connect_async (keep, NULL, on_connected, &kept);
              g_assert_true (wait_flag (&kept, 20000));
            }
          /* idle threads that earlier tests' thread pools keep */
          g_thread_pool_stop_unused_threads ();
          g_usleep (100000);
          fds_before = jg_test_proc_count_fds ();
          threads_before = jg_test_proc_count_threads ();
          start = g_get_monotonic_time ();
        }

      conn = open_shell (l, l->vm1, &run, &peer);
      g_assert_false (run.closed);
      /* the session's sshd processes die: the connection drops */
      g_assert_cmpuint (jg_test_proc_kill_descendants (vm_pid), >, 0);
      g_assert_true (wait_flag (&run.closed, 20000));
      g_assert_error (run.error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_TRANSPORT_LOST);
      g_clear_error (&run.error);
      jg_connection_close (conn);
      close (peer);
    }
  g_test_message ("%u drop/reconnect cycles (jump session %s) in %.1f s", cycles,
                  keep_jump ? "kept" : "opened each time", (g_get_monotonic_time () - start) / 1e6);

  /* the VM sessions are gone; the jump host's is still there */
  for (guint i = 0; i < 500 && jg_session_pool_count () > (keep_jump ? 1u : 0u); i++)
    {
      drain ();
      g_usleep (10000);
    }
  g_assert_cmpuint (jg_session_pool_count (), ==, keep_jump ? 1 : 0);
  g_thread_pool_stop_unused_threads ();
  for (guint i = 0; i < 500 && jg_test_proc_count_threads () > threads_before; i++)
    {
      drain ();
      g_usleep (10000);
    }
  drain ();
  g_assert_cmpuint (jg_test_proc_count_fds (), ==, fds_before);
  g_assert_cmpuint (jg_test_proc_count_threads (), ==, threads_before);

  if (keep != NULL)
    jg_connection_close (keep);
  wait_idle ();
}

static void
test_drop_cycles (void)
{
  drop_cycles (TRUE);
}

static void
test_drop_cycles_cold (void)
{
  drop_cycles (FALSE);
}

/* ---------------------------------------------------------------- agent */

static GPid agent_pid;

/* An ssh-agent holding @n_extra new keys no host accepts, then @last (if
 * not NULL), in that order. */
static void
start_agent (guint       n_extra,
             const char *last)
{
  g_autofree char *out = NULL;
  g_autofree char *sock = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) add = g_ptr_array_new_with_free_func (g_free);
  const char *argv_agent[] = { "ssh-agent", "-s", NULL };
  g_auto(GStrv) lines = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv_agent, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                &out, NULL, &status, &error);
  g_assert_no_error (error);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "SSH_AUTH_SOCK="))
        sock = g_strndup (lines[i] + 14, strcspn (lines[i] + 14, ";"));
      if (g_str_has_prefix (lines[i], "SSH_AGENT_PID="))
        agent_pid = atoi (lines[i] + 14);
    }
  g_assert_nonnull (sock);
  g_setenv ("SSH_AUTH_SOCK", sock, TRUE);

  g_ptr_array_add (add, g_strdup ("ssh-add"));
  for (guint i = 0; i < n_extra; i++)
    {
      g_autofree char *key = g_strdup_printf ("%s/extra-%u-%u", tmpdir, agent_pid, i);
      const char *argv_keygen[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "not-authorized",
                                    "-f", key, NULL };

      g_spawn_sync (NULL, (char **) argv_keygen, NULL,
                    G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                    NULL, NULL, NULL, NULL, &status, &error);
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_ptr_array_add (add, g_steal_pointer (&key));
    }
  if (last != NULL)
    g_ptr_array_add (add, g_strdup (last));
  g_ptr_array_add (add, NULL);
  g_spawn_sync (NULL, (char **) add->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
stop_agent (void)
{
  if (agent_pid > 0)
    kill (agent_pid, SIGTERM);
  agent_pid = 0;
  g_unsetenv ("SSH_AUTH_SOCK");
}

/* Runs `true` on @host; returns the connection log. */
static char *
exec_true (Lab     *l,
           JgHost  *host,
           GError **error)
{
  g_autoptr(JgConnection) conn = jg_connection_new (l->inventory, host, error);
  g_autoptr(GString) log = g_string_new (NULL);
  ShellRun run = { 0 };
  int peer;
  int pair[2];

  g_assert_nonnull (conn);
  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), ==, 0);
  peer = pair[0];
  jg_connection_set_timeout (conn, 10);
  g_signal_connect (conn, "progress", G_CALLBACK (on_log_progress), log);
  jg_connection_open_shell_async (conn, pair[1], "dumb", 80, 24, NULL, on_shell_open, &run);
  g_assert_true (wait_flag (&run.open, 30000));
  if (run.error != NULL)
    g_propagate_error (error, g_steal_pointer (&run.error));
  jg_connection_close (conn);
  close (peer);
  return g_string_free (g_steal_pointer (&log), FALSE);
}

/* Eight keys in the agent, the machine's own the last: it is offered
 * first, and the server sees no failed attempt. */
static void
test_agent_preferred (void)
{
  g_autoptr(Lab) l = lab_inventory ();
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;
  int failed = jg_test_lab_count_log (lab, "vm1", "Failed publickey");
  int accepted = jg_test_lab_count_log (lab, "vm1", "Accepted publickey");

  reset_known_hosts ();
  start_agent (7, lab_get ("JG_LAB_KEY_AGENT"));
  jg_host_set_auth (l->vm1, JG_AUTH_AUTO);
  jg_host_set_identity_file (l->vm1, lab_get ("JG_LAB_KEY_AGENT"));
  jg_host_set_identities_only (l->vm1, FALSE);
  log = exec_true (l, l->vm1, &error);
  stop_agent ();
  if (g_test_verbose ())
    g_printerr ("%s", log);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (log, "Trying the agent (8 keys; the first 5"));
  g_assert_nonnull (strstr (log, "with a key from the agent"));
  g_assert_cmpint (jg_test_lab_count_log (lab, "vm1", "Accepted publickey"), ==, accepted + 1);
  g_assert_cmpint (jg_test_lab_count_log (lab, "vm1", "Failed publickey"), ==, failed);
  wait_idle ();
}

/* Eight keys in the agent, none the machine takes: only five are offered,
 * so the server (MaxAuthTries 6) still lets the key file in. */
static void
test_agent_capped (void)
{
  g_autoptr(Lab) l = lab_inventory ();
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;
  int failed = jg_test_lab_count_log (lab, "vm1", "Failed publickey");

  reset_known_hosts ();
  start_agent (8, NULL);
  jg_host_set_auth (l->vm1, JG_AUTH_AUTO);
  jg_host_set_identity_file (l->vm1, lab_get ("JG_LAB_KEY"));
  jg_host_set_identities_only (l->vm1, FALSE);
  log = exec_true (l, l->vm1, &error);
  stop_agent ();
  if (g_test_verbose ())
    g_printerr ("%s", log);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (log, "Trying the agent (8 keys; the first 5"));
  g_assert_nonnull (strstr (log, "with the key "));
  g_assert_cmpint (jg_test_lab_count_log (lab, "vm1", "Failed publickey"), ==, failed + JG_CAPPED_AGENT_MAX_KEYS);
  wait_idle ();
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *home = NULL;
  int rc;

  tmpdir = g_dir_make_tmp ("jg-test-status-XXXXXX", NULL);
  home = g_build_filename (tmpdir, "home", NULL);
  g_mkdir_with_parents (home, 0700);
  g_setenv ("HOME", home, TRUE);
  g_unsetenv ("SSH_AUTH_SOCK");
  known_hosts = g_build_filename (tmpdir, "known_hosts", NULL);

  g_test_init (&argc, &argv, NULL);

  lab = jg_test_lab_start (&error);
  if (lab == NULL)
    {
      g_test_skip_printf ("no SSH lab: %s", error->message);
      return g_test_run ();
    }

  g_test_add_func ("/status/probe/own", test_probe_own);
  g_test_add_func ("/status/probe/vm-through-jump", test_probe_vm);
  g_test_add_func ("/status/probe/jump-down", test_probe_jump_down);
  g_test_add_func ("/status/probe/jump-needs-user", test_probe_jump_needs_user);
  g_test_add_func ("/status/probe/limit", test_probe_limit);
  g_test_add_func ("/status/probe/cancel", test_probe_cancel);
  g_test_add_func ("/status/diagnose/ok", test_diagnose_ok);
  g_test_add_func ("/status/diagnose/jump-down", test_diagnose_jump_down);
  g_test_add_func ("/status/diagnose/vm-down", test_diagnose_vm_down);
  g_test_add_func ("/status/diagnose/host-key-unknown", test_diagnose_host_key);
  g_test_add_func ("/status/cli/test", test_cli);
  g_test_add_func ("/status/keepalive/link-down", test_keepalive_link_down);
  g_test_add_func ("/status/reconnect/drop-cycles", test_drop_cycles);
  g_test_add_func ("/status/reconnect/drop-cycles-cold", test_drop_cycles_cold);
  g_test_add_func ("/status/agent/preferred-key-first", test_agent_preferred);
  g_test_add_func ("/status/agent/capped", test_agent_capped);

  rc = g_test_run ();
  jg_test_lab_stop (lab);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    if (system (cmd) != 0)
      g_printerr ("# could not remove %s\n", tmpdir);
  }
  return rc;
}
