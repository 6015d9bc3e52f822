/* test-status-gui.c — the sidebar's status dots, Test Connection and the
 * tab that reconnects, in the real window against the SSH lab
 *
 * Faults are injected into the lab: a VM's sshd is killed and started
 * again, the jump host's link is taken down inside the lab's namespace, a
 * session's sshd processes are killed to drop it. What is checked is what a
 * person sees: the row's dot and its tooltip, the tab's banner, the text in
 * the terminal (scrollback kept, typed keys dropped, the size the remote
 * pty reports), the checklist of the Test Connection dialog.
 *
 * Runs under xvfb-run with GSK_RENDERER=cairo (see tests/meson.build).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"


#include <glib/gstdio.h>

#include "jg-application.h"
#include "jg-machine-editor.h"
#include "jg-machine-row.h"
#include "jg-preferences.h"
#include "jg-session-private.h"
#include "jg-status-monitor.h"
#include "jg-test-dialog.h"
#include "jg-test-gui.h"
#include "jg-test-hosts.h"
#include "jg-test-lab.h"
#include "jg-test-proc.h"
#include "jg-window.h"

#define TIMEOUT_MS 20000
#define INTERVAL 2          /* seconds between status rounds here */

static JgTestLab *lab;
static JgApplication *app;
static JgWindow *window;
static JgInventory *inventory;
static JgStatusMonitor *monitor;
static JgHost *jump;
static JgHost *vm1;
static JgHost *own;
static char *tmpdir;

static const char *
lab_get (const char *key)
{
  const char *value = jg_test_lab_get (lab, key);

  g_assert_nonnull (value);
  return value;
}

/* A host for the lab's machine @prefix, added to the inventory. */
static JgHost *
lab_host (GType       type,
          const char *name,
          const char *prefix,
          JgHost     *via)
{
  JgHost *host = jg_test_lab_host (lab, type, name, prefix, via, NULL);

  jg_inventory_add (inventory, host);
  return host;
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

/* ------------------------------------------------------------- sidebar */

/* The row's status dot (a GtkImage styled jg-status), or NULL. */
static GtkWidget *
row_dot (JgHost *host)
{
  JgMachineRow *row = jg_test_gui_find_row (window, host);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (row)); child;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_IMAGE (child) && gtk_widget_has_css_class (child, "jg-status"))
      return child;
  return NULL;
}

typedef struct
{
  JgHost         *host;
  JgReachability  state;
} StateWait;

static gboolean
item_is (gpointer data)
{
  StateWait *wait = data;
  JgStatusItem *item = jg_status_monitor_get_item (monitor, wait->host);

  return jg_status_item_get_checked (item) != 0 && !jg_status_item_get_checking (item) &&
         jg_status_item_get_state (item) == wait->state;
}

/* Waits until @host shows @state; returns the seconds it took. */
static double
wait_state (JgHost         *host,
            JgReachability  state,
            guint           timeout_ms)
{
  StateWait wait = { host, state };
  gint64 start = g_get_monotonic_time ();

  if (!jg_test_gui_wait_for (item_is, &wait, timeout_ms))
    {
      JgStatusItem *item = jg_status_monitor_get_item (monitor, host);
      g_autofree char *tooltip = jg_status_item_dup_tooltip (item);

      g_error ("%s is still %s, not %s: %s", jg_host_get_name (host),
               jg_reachability_to_string (jg_status_item_get_state (item)),
               jg_reachability_to_string (state), tooltip);
    }
  return (g_get_monotonic_time () - start) / 1e6;
}

/* The dot shows the state the way a person sees it. */
static void
assert_dot (JgHost         *host,
            JgReachability  state)
{
  GtkWidget *dot = row_dot (host);
  const char *tooltip;

  g_assert_nonnull (dot);
  g_assert_true (gtk_widget_get_visible (dot));
  tooltip = gtk_widget_get_tooltip_text (dot);
  g_assert_nonnull (tooltip);
  g_assert_nonnull (strstr (tooltip, "Last checked at "));
  switch (state)
    {
    case JG_REACHABILITY_ONLINE:
      g_assert_true (gtk_widget_has_css_class (dot, "success"));
      g_assert_nonnull (strstr (tooltip, "Online — SSH-2.0-OpenSSH_"));
      break;
    case JG_REACHABILITY_OFFLINE:
      g_assert_true (gtk_widget_has_css_class (dot, "error"));
      g_assert_nonnull (strstr (tooltip, "Offline — "));
      break;
    case JG_REACHABILITY_UNKNOWN:
    default:
      g_assert_true (gtk_widget_has_css_class (dot, "dim-label"));
      g_assert_nonnull (strstr (tooltip, "Unknown — "));
      break;
    }
}

/* ---------------------------------------------------------------- tabs */

typedef struct
{
  JgTerminalPage      *page;
  JgTerminalPageState  state;
} PageWait;

static gboolean
page_is (gpointer data)
{
  PageWait *wait = data;

  return jg_terminal_page_get_state (wait->page) == wait->state;
}

static double
wait_page (JgTerminalPage      *page,
           JgTerminalPageState  state,
           guint                timeout_ms)
{
  PageWait wait = { page, state };
  gint64 start = g_get_monotonic_time ();

  if (!jg_test_gui_wait_for (page_is, &wait, timeout_ms))
    {
      g_autofree char *log = jg_terminal_page_dup_log (page);

      g_error ("the tab is in state %u, not %u; log:\n%s", jg_terminal_page_get_state (page), state, log);
    }
  return (g_get_monotonic_time () - start) / 1e6;
}

/* The shell's prompt is the last thing shown: it reads what is typed now
 * (typed before it, a shell starting may lose the end of a line). */
static gboolean
prompt_shown (gpointer data)
{
  g_autofree char *text = jg_terminal_dup_text (data);

  return text != NULL && g_str_has_suffix (g_strchomp (text), "$");
}

static void
wait_prompt (JgTerminalPage *page)
{
  if (!jg_test_gui_wait_for (prompt_shown, jg_terminal_page_get_terminal (page), TIMEOUT_MS))
    {
      g_autofree char *text = jg_terminal_dup_text (jg_terminal_page_get_terminal (page));
      g_autofree char *log = jg_terminal_page_dup_log (page);

      g_error ("no prompt (the tab is in state %u); the terminal shows:\n%s\nlog:\n%s",
               jg_terminal_page_get_state (page), text, log);
    }
}

static gboolean
has_notice (gpointer data)
{
  JgTerminalPage *page = data;
  const char *notice = jg_terminal_page_get_notice (page);

  return notice != NULL && strstr (notice, "reconnecting in") != NULL;
}

static void
type (JgTerminalPage *page,
      const char     *text)
{
  vte_terminal_feed_child (VTE_TERMINAL (jg_terminal_page_get_terminal (page)), text, -1);
}

/* `stty size` on the machine reports VTE's grid. */
static void
assert_remote_size (JgTerminalPage *page,
                    const char     *tag)
{
  JgTerminal *terminal = jg_terminal_page_get_terminal (page);
  g_autofree char *command = g_strdup_printf ("echo %s=$(stty size).\n", tag);
  g_autofree char *expected = g_strdup_printf ("%s=%ld %ld.", tag,
                                               vte_terminal_get_row_count (VTE_TERMINAL (terminal)),
                                               vte_terminal_get_column_count (VTE_TERMINAL (terminal)));

  type (page, command);
  g_assert_true (jg_test_gui_wait_for_text (terminal, expected));
}

/* --------------------------------------------------------------- tests */

/* Every row gets its dot; a killed VM turns offline within one interval
 * and its open tab shows it is disconnected; started again, it is online
 * and the tab reconnects with its scrollback. */
static void
test_vm_killed (void)
{
  JgTerminalPage *page;
  JgTerminal *terminal;
  g_autofree char *text = NULL;
  gint64 start;
  double seconds;

  wait_state (jump, JG_REACHABILITY_ONLINE, TIMEOUT_MS);
  wait_state (vm1, JG_REACHABILITY_ONLINE, TIMEOUT_MS);
  wait_state (own, JG_REACHABILITY_ONLINE, TIMEOUT_MS);
  assert_dot (jump, JG_REACHABILITY_ONLINE);
  assert_dot (vm1, JG_REACHABILITY_ONLINE);
  assert_dot (own, JG_REACHABILITY_ONLINE);
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (row_dot (vm1)), "Checked through lab-jump"));
  jg_test_gui_screenshot (GTK_WIDGET (window), "status-sidebar");

  page = jg_window_connect (window, vm1);
  jg_terminal_page_set_reconnect_unit (page, 250);
  wait_page (page, JG_TERMINAL_PAGE_CONNECTED, TIMEOUT_MS);
  terminal = jg_terminal_page_get_terminal (page);
  wait_prompt (page);
  type (page, "echo before-$((6*7))\n");
  g_assert_true (jg_test_gui_wait_for_text (terminal, "before-42"));

  stop_host ("vm1");
  /* the tab knows at once: its sshd is gone */
  wait_page (page, JG_TERMINAL_PAGE_DISCONNECTED, TIMEOUT_MS);
  g_assert_true (jg_test_gui_wait_for (has_notice, page, TIMEOUT_MS));
  g_assert_true (g_str_has_prefix (jg_terminal_page_get_notice (page), "Disconnected — reconnecting in "));
  g_assert_cmpint (jg_terminal_page_get_reconnect_delay (page), >=, 1);
  /* the sidebar within one interval (and the probe's own time) */
  seconds = wait_state (vm1, JG_REACHABILITY_OFFLINE, (INTERVAL + 3) * 1000);
  g_test_message ("vm1 offline in the sidebar %.2f s after its sshd was killed", seconds);
  g_assert_cmpfloat (seconds, <=, INTERVAL + 1);
  assert_dot (vm1, JG_REACHABILITY_OFFLINE);
  assert_dot (jump, JG_REACHABILITY_ONLINE);
  jg_test_gui_screenshot (GTK_WIDGET (window), "status-vm-down");

  /* typed while disconnected: dropped, never sent later */
  type (page, "echo typed-while-down\n");

  start = g_get_monotonic_time ();
  start_host ("vm1");
  wait_state (vm1, JG_REACHABILITY_ONLINE, (INTERVAL + 3) * 1000);
  g_test_message ("vm1 online again in the sidebar %.2f s after its sshd started",
                  (g_get_monotonic_time () - start) / 1e6);
  wait_page (page, JG_TERMINAL_PAGE_CONNECTED, TIMEOUT_MS);
  g_test_message ("the tab reconnected %.2f s after its sshd started",
                  (g_get_monotonic_time () - start) / 1e6);
  g_assert_true (jg_test_gui_wait_for_text (terminal, "Reconnected at "));
  g_assert_nonnull (jg_terminal_page_get_notice (page));
  g_assert_true (g_str_has_prefix (jg_terminal_page_get_notice (page), "Reconnected at "));

  wait_prompt (page);
  type (page, "echo after-$((6*7))\n");
  g_assert_true (jg_test_gui_wait_for_text (terminal, "after-42"));
  assert_remote_size (page, "SIZE");
  text = jg_terminal_dup_text (terminal);
  /* the scrollback is still there, above the notes */
  g_assert_nonnull (strstr (text, "before-42"));
  g_assert_nonnull (strstr (text, "Disconnected at "));
  g_assert_true (strstr (text, "before-42") < strstr (text, "Reconnected at "));
  g_assert_null (strstr (text, "typed-while-down"));
  jg_test_gui_close_tabs (window);
}

/* The tab keeps trying while the machine is down (1, 2, 4 … s), and stops
 * for good when the machine refuses the login. */
static void
test_no_reconnect_after_auth_failure (void)
{
  JgTerminalPage *page = jg_window_connect (window, vm1);
  g_autofree char *missing = g_build_filename (tmpdir, "no-such-key", NULL);
  const char *notice;

  jg_terminal_page_set_reconnect_unit (page, 100);
  wait_page (page, JG_TERMINAL_PAGE_CONNECTED, TIMEOUT_MS);
  stop_host ("vm1");
  wait_page (page, JG_TERMINAL_PAGE_DISCONNECTED, TIMEOUT_MS);
  g_assert_true (jg_test_gui_wait_for (has_notice, page, TIMEOUT_MS));
  /* refused while it is down: the wait grows */
  for (gint64 end = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
       jg_terminal_page_get_reconnect_delay (page) < 4 && g_get_monotonic_time () < end;)
    jg_test_gui_spin (20);
  g_assert_cmpint (jg_terminal_page_get_reconnect_delay (page), >=, 4);

  /* the machine is back, but the key is not accepted any more */
  jg_host_set_identity_file (vm1, missing);
  start_host ("vm1");
  for (gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
       jg_terminal_page_get_reconnect_delay (page) != -1 ||
       jg_terminal_page_get_state (page) == JG_TERMINAL_PAGE_CONNECTING;)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      jg_test_gui_spin (20);
    }
  g_assert_cmpuint (jg_terminal_page_get_state (page), ==, JG_TERMINAL_PAGE_DISCONNECTED);
  g_assert_error ((GError *) jg_terminal_page_get_error (page), JG_CONNECTION_ERROR,
                  JG_CONNECTION_ERROR_AUTH_FAILED);
  notice = jg_terminal_page_get_notice (page);
  g_assert_nonnull (notice);
  g_assert_true (g_str_has_prefix (notice, "Could not reconnect: "));
  /* and it stays so */
  jg_test_gui_spin (1500);
  g_assert_cmpint (jg_terminal_page_get_reconnect_delay (page), ==, -1);
  g_assert_cmpuint (jg_terminal_page_get_state (page), ==, JG_TERMINAL_PAGE_DISCONNECTED);

  jg_host_set_identity_file (vm1, lab_get ("JG_LAB_KEY"));
  jg_test_gui_close_tabs (window);
}

/* The jump host's link goes down in the lab's namespace: the tab sees it
 * within three keepalive intervals, the VMs behind the jump host show
 * unknown and the jump host offline; back up, everything recovers. */
static void
test_jump_link_down (void)
{
  g_autoptr(GError) error = NULL;
  JgTerminalPage *page;
  gint64 down_at;
  double seconds;
  guint rounds;

  if (!jg_test_lab_isolated (lab))
    {
      g_test_skip ("the jump host's link can only be taken down in the lab's namespace (root)");
      return;
    }
  jg_host_set_keepalive_interval (jump, 1);
  jg_host_set_keepalive_interval (vm1, 1);
  /* the probes' kept jump session must notice too */
  jg_prober_release_sessions (jg_status_monitor_get_prober (monitor));
  wait_state (vm1, JG_REACHABILITY_ONLINE, TIMEOUT_MS);

  page = jg_window_connect (window, vm1);
  jg_terminal_page_set_reconnect_unit (page, 250);
  wait_page (page, JG_TERMINAL_PAGE_CONNECTED, TIMEOUT_MS);
  jg_test_gui_spin (1500);

  down_at = g_get_monotonic_time ();
  g_assert_true (jg_test_lab_link (lab, FALSE, &error));
  g_assert_no_error (error);
  wait_page (page, JG_TERMINAL_PAGE_DISCONNECTED, 10000);
  seconds = (g_get_monotonic_time () - down_at) / 1e6;
  g_test_message ("the tab saw the link go down after %.2f s (keepalive every 1 s)", seconds);
  g_assert_cmpfloat (seconds, <=, 3.3);
  g_assert_error ((GError *) jg_terminal_page_get_error (page), JG_CONNECTION_ERROR,
                  JG_CONNECTION_ERROR_TRANSPORT_LOST);

  /* a round that started after the link went down */
  rounds = jg_status_monitor_get_n_rounds (monitor);
  for (gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
       jg_status_monitor_get_n_rounds (monitor) < rounds + 2;)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      jg_test_gui_spin (50);
    }
  wait_state (vm1, JG_REACHABILITY_UNKNOWN, 1);
  wait_state (jump, JG_REACHABILITY_OFFLINE, 1);
  wait_state (own, JG_REACHABILITY_ONLINE, 1);
  assert_dot (vm1, JG_REACHABILITY_UNKNOWN);
  assert_dot (jump, JG_REACHABILITY_OFFLINE);
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (row_dot (vm1)), "lab-jump"));

  g_assert_true (jg_test_lab_link (lab, TRUE, &error));
  g_assert_no_error (error);
  wait_state (jump, JG_REACHABILITY_ONLINE, 30000);
  wait_state (vm1, JG_REACHABILITY_ONLINE, 30000);
  wait_page (page, JG_TERMINAL_PAGE_CONNECTED, 60000);
  wait_prompt (page);
  assert_remote_size (page, "LINK");

  jg_host_set_keepalive_interval (jump, JG_DEFAULT_KEEPALIVE);
  jg_host_set_keepalive_interval (vm1, JG_DEFAULT_KEEPALIVE);
  jg_test_gui_close_tabs (window);
}

static void
on_round (guint *count)
{
  (*count)++;
}

/* The network comes back: a round starts at once, and a tab waiting to
 * reconnect does not wait any longer. */
static void
test_network_back (void)
{
  JgTerminalPage *page = jg_window_connect (window, vm1);
  guint rounds = 0;
  gulong id;

  jg_terminal_page_set_reconnect_unit (page, 60000);   /* a minute a "second" */
  wait_page (page, JG_TERMINAL_PAGE_CONNECTED, TIMEOUT_MS);
  stop_host ("vm1");
  wait_page (page, JG_TERMINAL_PAGE_DISCONNECTED, TIMEOUT_MS);
  start_host ("vm1");
  jg_test_gui_spin (500);
  g_assert_cmpint (jg_terminal_page_get_reconnect_delay (page), ==, 1);
  g_assert_cmpuint (jg_terminal_page_get_state (page), ==, JG_TERMINAL_PAGE_DISCONNECTED);

  id = g_signal_connect_swapped (monitor, "round-finished", G_CALLBACK (on_round), &rounds);
  jg_status_monitor_network_changed (monitor, FALSE);
  jg_status_monitor_network_changed (monitor, TRUE);
  wait_page (page, JG_TERMINAL_PAGE_CONNECTED, 10000);
  for (gint64 end = g_get_monotonic_time () + 1500 * 1000; rounds == 0;)
    {
      /* well before the next timer round (every 2 s) */
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      jg_test_gui_spin (10);
    }
  g_signal_handler_disconnect (monitor, id);
  jg_test_gui_close_tabs (window);
}

/* No rounds with the interval at 0, nor while no window shows. */
static void
test_interval_and_visibility (void)
{
  guint rounds;

  g_assert_true (jg_status_monitor_get_active (monitor));
  jg_status_monitor_set_interval (monitor, 0);
  g_assert_false (jg_status_monitor_get_active (monitor));
  rounds = jg_status_monitor_get_n_rounds (monitor);
  jg_test_gui_spin ((INTERVAL + 1) * 1000);
  g_assert_cmpuint (jg_status_monitor_get_n_rounds (monitor), <=, rounds + 1);
  rounds = jg_status_monitor_get_n_rounds (monitor);
  jg_test_gui_spin ((INTERVAL + 1) * 1000);
  g_assert_cmpuint (jg_status_monitor_get_n_rounds (monitor), ==, rounds);

  jg_status_monitor_set_interval (monitor, INTERVAL);
  g_assert_true (jg_status_monitor_get_active (monitor));
  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
  jg_test_gui_spin (100);
  g_assert_false (jg_status_monitor_get_active (monitor));
  gtk_widget_set_visible (GTK_WIDGET (window), TRUE);
  jg_test_gui_spin (200);
  g_assert_true (jg_status_monitor_get_active (monitor));
}

static gboolean
dialog_done (gpointer data)
{
  return !jg_test_dialog_get_running (data);
}

static JgTestDialog *
find_test_dialog (void)
{
  GList *toplevels = gtk_window_list_toplevels ();
  JgTestDialog *found = NULL;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (JG_IS_TEST_DIALOG (l->data))
      found = l->data;
  g_list_free (toplevels);
  return found;
}

/* Test Connection from the row's menu: every step of both hops; with the
 * jump host down, the jump hop's TCP step fails and says what to do. */
static void
test_dialog (void)
{
  JgMachineRow *row = jg_test_gui_find_row (window, vm1);
  JgTestDialog *dialog;
  JgDiagnosis *diagnosis;
  GPtrArray *checks;
  const JgCheck *failed;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (row), "machine.test", NULL));
  dialog = find_test_dialog ();
  g_assert_nonnull (dialog);
  g_assert_true (jg_test_gui_wait_for (dialog_done, dialog, TIMEOUT_MS));
  diagnosis = jg_test_dialog_get_diagnosis (dialog);
  checks = jg_diagnosis_get_checks (diagnosis);
  g_assert_cmpuint (checks->len, ==, 13);
  for (guint i = 0; i < checks->len; i++)
    g_assert_cmpint (((JgCheck *) g_ptr_array_index (checks, i))->state, ==, JG_CHECK_STATE_PASSED);
  g_assert_cmpstr (jg_test_dialog_get_summary (dialog), ==, "Every step passed: vm1 can be reached.");
  /* the jump host's own banner, though its session is open (the probes') */
  g_assert_true (g_str_has_prefix (((JgCheck *) g_ptr_array_index (checks, JG_CHECK_BANNER))->detail,
                                   "SSH-2.0-OpenSSH_"));
  jg_test_gui_screenshot (GTK_WIDGET (dialog), "status-test-passed");

  stop_host ("jump");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "test.run", NULL);
  g_assert_true (jg_test_gui_wait_for (dialog_done, dialog, TIMEOUT_MS));
  start_host ("jump");
  failed = jg_diagnosis_get_failed (diagnosis);
  g_assert_nonnull (failed);
  g_assert_cmpstr (failed->hop_name, ==, "lab-jump");
  g_assert_cmpint (failed->kind, ==, JG_CHECK_TCP);
  g_assert_cmpstr (jg_test_dialog_get_summary (dialog), ==, "Failed at lab-jump: TCP connected.");
  jg_test_gui_screenshot (GTK_WIDGET (dialog), "status-test-failed");
  gtk_window_destroy (GTK_WINDOW (dialog));
  jg_test_gui_spin (50);
}

/* Test Connection in the editor tests what is typed, not what is saved. */
static void
test_editor (void)
{
  GtkWindow *editor = jg_window_edit_host (window, vm1);
  JgTestDialog *dialog;
  const JgCheck *failed;
  GtkWidget *port_row = NULL;
  GList *toplevels;

  g_assert_true (JG_IS_MACHINE_EDITOR (editor));
  /* a port where nothing listens on the VM */
  {
    GtkWidget *w = GTK_WIDGET (editor);
    GQueue queue = G_QUEUE_INIT;

    g_queue_push_tail (&queue, w);
    while (!g_queue_is_empty (&queue) && port_row == NULL)
      {
        GtkWidget *cur = g_queue_pop_head (&queue);

        if (ADW_IS_ENTRY_ROW (cur) &&
            g_str_has_prefix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (cur)), "Port"))
          port_row = cur;
        for (GtkWidget *c = gtk_widget_get_first_child (cur); c; c = gtk_widget_get_next_sibling (c))
          g_queue_push_tail (&queue, c);
      }
    g_queue_clear (&queue);
  }
  g_assert_nonnull (port_row);
  gtk_editable_set_text (GTK_EDITABLE (port_row), "2");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.test", NULL));
  dialog = find_test_dialog ();
  g_assert_nonnull (dialog);
  g_assert_true (jg_test_gui_wait_for (dialog_done, dialog, TIMEOUT_MS));
  failed = jg_diagnosis_get_failed (jg_test_dialog_get_diagnosis (dialog));
  g_assert_nonnull (failed);
  g_assert_cmpstr (failed->hop_name, ==, "vm1");
  g_assert_cmpint (failed->kind, ==, JG_CHECK_TCP);
  /* nothing was saved */
  g_assert_cmpuint (jg_host_get_port (vm1), ==, atoi (lab_get ("JG_LAB_VM1_PORT")));
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (editor);
  toplevels = gtk_window_list_toplevels ();
  g_list_free (toplevels);
  jg_test_gui_spin (50);
}


static gboolean
remote_answered (gpointer data)
{
  JgTestTextWait *wait = data;

  return jg_test_gui_terminal_has (wait);
}

/* A machine just added (the wizard, an import) is checked at once, not at
 * the next round. */
static void
test_new_host (void)
{
  g_autoptr(JgHost) added = NULL;
  gint64 start;

  jg_status_monitor_set_interval (monitor, 300);
  jg_test_gui_spin (100);
  start = g_get_monotonic_time ();
  added = lab_host (JG_TYPE_MACHINE, "own-again", "OWN", NULL);
  wait_state (added, JG_REACHABILITY_ONLINE, 5000);
  g_test_message ("a new machine was checked %.2f s after it was added",
                  (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  assert_dot (added, JG_REACHABILITY_ONLINE);
  jg_inventory_remove (inventory, added, NULL);
  jg_status_monitor_set_interval (monitor, INTERVAL);
}

/* The interval is a preference: the Preferences window sets it, and a
 * monitor (without JUMPGATE_STATUS_INTERVAL) follows it at once. */
static void
test_preference (void)
{
  g_autoptr(GSettings) settings = jg_application_dup_settings ();
  g_autoptr(JgStatusMonitor) other = NULL;
  g_autofree char *env = g_strdup (g_getenv ("JUMPGATE_STATUS_INTERVAL"));
  GtkWidget *prefs;
  GtkWidget *spin = NULL;
  GQueue queue = G_QUEUE_INIT;

  g_assert_nonnull (settings);
  g_assert_cmpint (g_settings_get_int (settings, "status-interval"), ==, JG_STATUS_DEFAULT_INTERVAL);

  g_unsetenv ("JUMPGATE_STATUS_INTERVAL");
  other = jg_status_monitor_new (NULL, inventory);
  g_setenv ("JUMPGATE_STATUS_INTERVAL", env, TRUE);
  g_assert_cmpuint (jg_status_monitor_get_interval (other), ==, JG_STATUS_DEFAULT_INTERVAL);

  prefs = GTK_WIDGET (jg_preferences_new ());
  gtk_window_present (GTK_WINDOW (prefs));
  g_queue_push_tail (&queue, prefs);
  while (!g_queue_is_empty (&queue))
    {
      GtkWidget *cur = g_queue_pop_head (&queue);

      if (GTK_IS_SPIN_BUTTON (cur) && gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (cur)) == JG_STATUS_DEFAULT_INTERVAL)
        spin = cur;
      for (GtkWidget *c = gtk_widget_get_first_child (cur); c; c = gtk_widget_get_next_sibling (c))
        g_queue_push_tail (&queue, c);
    }
  g_assert_nonnull (spin);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 5);
  g_assert_cmpint (g_settings_get_int (settings, "status-interval"), ==, 5);
  g_assert_cmpuint (jg_status_monitor_get_interval (other), ==, 5);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 0);
  g_assert_cmpuint (jg_status_monitor_get_interval (other), ==, 0);
  g_settings_reset (settings, "status-interval");
  g_assert_cmpuint (jg_status_monitor_get_interval (other), ==, JG_STATUS_DEFAULT_INTERVAL);
  /* the application's monitor keeps what the environment says */
  g_assert_cmpuint (jg_status_monitor_get_interval (monitor), ==, INTERVAL);
  gtk_window_destroy (GTK_WINDOW (prefs));
  jg_test_gui_spin (50);
}

/* A hundred drops, each reconnected by the tab on its own: no thread and
 * no file descriptor is left behind. */
static void
test_drop_cycles (void)
{
  const guint cycles = 100;
  JgTerminalPage *page;
  JgTerminal *terminal;
  guint fds_before = 0, threads_before = 0;
  gint64 start = 0;

  /* no status rounds in between: they open and close things of their own */
  jg_status_monitor_set_interval (monitor, 0);
  page = jg_window_connect (window, vm1);
  terminal = jg_terminal_page_get_terminal (page);
  jg_terminal_page_set_reconnect_unit (page, 10);
  wait_page (page, JG_TERMINAL_PAGE_CONNECTED, TIMEOUT_MS);

  for (guint cycle = 0; cycle <= cycles; cycle++)
    {
      int vm_pid = atoi (lab_get ("JG_LAB_VM1_PID"));
      g_autofree char *command = g_strdup_printf ("echo cycle-%u-$((6*7))\n", cycle);
      g_autofree char *expected = g_strdup_printf ("cycle-%u-42", cycle);
      JgTestTextWait wait = { terminal, expected };

      if (cycle == 1)
        {
          g_thread_pool_stop_unused_threads ();
          jg_test_gui_spin (200);
          fds_before = jg_test_proc_count_fds ();
          threads_before = jg_test_proc_count_threads ();
          start = g_get_monotonic_time ();
        }
      g_assert_cmpuint (jg_test_proc_kill_descendants (vm_pid), >, 0);
      wait_page (page, JG_TERMINAL_PAGE_DISCONNECTED, TIMEOUT_MS);
      wait_page (page, JG_TERMINAL_PAGE_CONNECTED, TIMEOUT_MS);
      wait_prompt (page);
      type (page, command);
      if (!jg_test_gui_wait_for (remote_answered, &wait, TIMEOUT_MS))
        {
          g_autofree char *text = jg_terminal_dup_text (terminal);
          g_autofree char *log = jg_terminal_page_dup_log (page);

          g_error ("cycle %u: no answer; the terminal shows:\n%s\nlog:\n%s", cycle, text, log);
        }
    }
  g_test_message ("%u drops reconnected by the tab in %.1f s", cycles,
                  (g_get_monotonic_time () - start) / 1e6);

  g_thread_pool_stop_unused_threads ();
  for (guint i = 0; i < 200 && (jg_test_proc_count_threads () > threads_before ||
                                jg_test_proc_count_fds () > fds_before); i++)
    jg_test_gui_spin (20);
  if (jg_test_proc_count_fds () > fds_before)
    jg_test_proc_dump_fds ();
  /* (fewer is fine: idle threads of earlier tests may have ended) */
  g_assert_cmpuint (jg_test_proc_count_fds (), <=, fds_before);
  g_assert_cmpuint (jg_test_proc_count_threads (), <=, threads_before);

  jg_test_gui_close_tabs (window);
  jg_status_monitor_set_interval (monitor, INTERVAL);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *config = NULL;
  g_autofree char *home = NULL;
  g_autofree char *interval = g_strdup_printf ("%u", INTERVAL);
  int status;

  tmpdir = g_dir_make_tmp ("jg-test-status-gui-XXXXXX", NULL);
  config = g_build_filename (tmpdir, "config", NULL);
  home = g_build_filename (tmpdir, "home", NULL);
  g_mkdir_with_parents (home, 0700);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("HOME", home, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("JUMPGATE_STATUS_INTERVAL", interval, TRUE);
  g_unsetenv ("SSH_AUTH_SOCK");

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_assert_true (g_main_context_acquire (NULL));

  lab = jg_test_lab_start (&error);
  if (lab == NULL)
    {
      g_test_message ("the SSH lab could not start: %s", error->message);
      g_test_add_func ("/status-gui/skipped", (GTestFunc) g_test_incomplete);
    }
  else
    {
      app = jg_application_new ();
      g_application_set_flags (G_APPLICATION (app),
                               G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_COMMAND_LINE);
      g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
      g_assert_no_error (error);
      inventory = jg_application_get_inventory (app);
      monitor = jg_status_monitor_get_default ();
      g_assert_nonnull (monitor);
      g_assert_cmpuint (jg_status_monitor_get_interval (monitor), ==, INTERVAL);
      jg_prober_set_timeout (jg_status_monitor_get_prober (monitor), 2);

      jump = lab_host (JG_TYPE_JUMP_HOST, "lab-jump", "JUMP", NULL);
      vm1 = lab_host (JG_TYPE_MACHINE, "vm1", "VM1", jump);
      own = lab_host (JG_TYPE_MACHINE, "own", "OWN", NULL);

      window = jg_window_new (app);
      gtk_window_set_default_size (GTK_WINDOW (window), 1100, 700);
      gtk_window_present (GTK_WINDOW (window));
      jg_test_gui_spin (200);
      g_assert_true (jg_status_monitor_get_active (monitor));

      g_test_add_func ("/status-gui/vm-killed", test_vm_killed);
      g_test_add_func ("/status-gui/no-reconnect-after-auth-failure", test_no_reconnect_after_auth_failure);
      g_test_add_func ("/status-gui/jump-link-down", test_jump_link_down);
      g_test_add_func ("/status-gui/network-back", test_network_back);
      g_test_add_func ("/status-gui/interval-and-visibility", test_interval_and_visibility);
      g_test_add_func ("/status-gui/test-dialog", test_dialog);
      g_test_add_func ("/status-gui/editor-test", test_editor);
      g_test_add_func ("/status-gui/preference", test_preference);
      g_test_add_func ("/status-gui/new-host", test_new_host);
      g_test_add_func ("/status-gui/drop-cycles", test_drop_cycles);
    }

  status = g_test_run ();

  if (window != NULL)
    {
      jg_test_gui_close_tabs (window);
      gtk_window_destroy (GTK_WINDOW (window));
      jg_test_gui_spin (100);
    }
  g_clear_object (&jump);
  g_clear_object (&vm1);
  g_clear_object (&own);
  g_clear_object (&app);
  jg_session_wait_all (5000);
  g_clear_pointer (&lab, jg_test_lab_stop);
  g_main_context_release (NULL);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    if (system (cmd) != 0)
      g_printerr ("# could not remove %s\n", tmpdir);
  }
  return status;
}
