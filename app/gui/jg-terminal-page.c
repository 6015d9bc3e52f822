/* jg-terminal-page.c — a tab: one connection to a machine and its terminal
 *
 * The page makes the pty (posix_openpt), gives the master to VTE and the
 * slave to the connection, which pumps it to the shell channel (DESIGN
 * decision 4). It shows the connection's state: a status page with the
 * current hop while connecting, the terminal once connected, a banner with
 * Reconnect when the connection ended (the scrollback stays), and an error
 * page with a button that fixes the problem when it never got a shell. The
 * connection log lists every step of every hop, like `ssh -v`.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "jg-status-monitor.h"
#include "jg-terminal-page.h"

#define N_STEPS (JG_CONNECTION_STEP_CHANNEL_OPEN + 1)
#define RECONNECT_MAX_DELAY 30       /* seconds: 1, 2, 4 … 30 */
#define RECONNECTED_NOTICE_MS 5000

struct _JgTerminalPage
{
  GtkWidget            parent_instance;

  JgInventory         *inventory;
  JgHost              *host;
  JgConnection        *conn;
  GCancellable        *cancellable;
  JgTerminalPageState  state;
  GError              *error;
  char                *title;
  GString             *log;
  gint64               started;
  guint                last_hop;
  gboolean             ever_connected;
  gboolean             show_log;

  /* reconnecting after a drop */
  gboolean             auto_reconnect;   /* transport lost: retry on our own */
  gboolean             reconnecting;     /* this connect follows a drop */
  guint                reconnect_delay;  /* seconds of the current wait */
  guint                reconnect_unit;   /* ms in a "second" (tests make it short) */
  gint64               reconnect_at;     /* monotonic µs of the next try, 0: none */
  guint                reconnect_source;
  guint                notice_source;
  char                *drop_reason;
  int                  pty_keeper;       /* a slave fd we keep: the pty lives on */

  GtkRevealer         *banner_revealer;
  GtkWidget           *banner;
  GtkSpinner          *banner_spinner;
  GtkLabel            *banner_label;
  GtkButton           *banner_button;
  GtkRevealer         *save_revealer;
  GtkLabel            *save_label;
  GtkSearchBar        *find_bar;
  GtkSearchEntry      *find_entry;
  GtkStack            *stack;
  AdwStatusPage       *connecting_page;
  GtkSpinner          *connecting_spinner;
  GtkProgressBar      *progress_bar;
  AdwStatusPage       *error_page;
  GtkButton           *fix_button;
  GtkButton           *retry_button;
  JgTerminal          *terminal;
  GtkRevealer         *log_revealer;
  GtkTextView         *log_view;
};

G_DEFINE_FINAL_TYPE (JgTerminalPage, jg_terminal_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_HOST,
  PROP_TITLE,
  PROP_STATE,
  PROP_SHOW_LOG,
  N_PROPS
};

enum {
  PROMPT,
  EDIT_HOST,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
set_state (JgTerminalPage      *self,
           JgTerminalPageState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.cancel",
                                 state == JG_TERMINAL_PAGE_CONNECTING);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.reconnect",
                                 state != JG_TERMINAL_PAGE_CONNECTING);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
update_title (JgTerminalPage *self)
{
  const char *name = jg_host_get_name (self->host);
  const char *remote = NULL;
  g_autofree char *title = NULL;

  if (self->ever_connected)
    remote = vte_terminal_get_window_title (VTE_TERMINAL (self->terminal));
  if (remote != NULL && remote[0] != '\0')
    title = g_strdup_printf ("%s — %s", name, remote);
  else
    title = g_strdup (name);

  if (g_strcmp0 (title, self->title) != 0)
    {
      g_free (self->title);
      self->title = g_steal_pointer (&title);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
    }
}

static const char *
hop_name (JgTerminalPage *self,
          guint           hop)
{
  if (self->conn != NULL && hop < jg_connection_get_n_hops (self->conn))
    return jg_host_get_name (jg_connection_get_hop (self->conn, hop));
  return jg_host_get_name (self->host);
}

static const char *
step_label (JgConnectionStep step)
{
  switch (step)
    {
    case JG_CONNECTION_STEP_RESOLVING: return _("Resolving");
    case JG_CONNECTION_STEP_CONNECTING: return _("Connecting");
    case JG_CONNECTION_STEP_CONNECTED: return _("TCP connected");
    case JG_CONNECTION_STEP_BANNER: return _("Server banner");
    case JG_CONNECTION_STEP_KEY_EXCHANGE: return _("Key exchange");
    case JG_CONNECTION_STEP_HOST_KEY: return _("Host key verified");
    case JG_CONNECTION_STEP_AUTH_METHODS: return _("Server accepts");
    case JG_CONNECTION_STEP_AUTH_TRYING: return _("Trying authentication");
    case JG_CONNECTION_STEP_AUTHENTICATED: return _("Authenticated");
    case JG_CONNECTION_STEP_REUSED: return _("Using the already open session");
    case JG_CONNECTION_STEP_CHANNEL_OPEN: return _("Shell open");
    default: return "?";
    }
}

static void
log_append (JgTerminalPage *self,
            const char     *line)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->log_view);
  GtkTextIter end;
  double seconds = self->started ? (g_get_monotonic_time () - self->started) / 1e6 : 0;
  g_autofree char *text = g_strdup_printf ("[%6.3f] %s\n", seconds, line);

  g_string_append (self->log, text);
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, text, -1);
  if (self->show_log)
    {
      GtkTextMark *mark = gtk_text_buffer_get_insert (buffer);

      gtk_text_buffer_get_end_iter (buffer, &end);
      gtk_text_buffer_place_cursor (buffer, &end);
      gtk_text_view_scroll_mark_onscreen (self->log_view, mark);
    }
}

static void
show_banner (JgTerminalPage *self,
             const char     *text,
             gboolean        busy,
             gboolean        error)
{
  gtk_label_set_label (self->banner_label, text);
  gtk_button_set_label (self->banner_button, _("_Reconnect"));
  g_clear_handle_id (&self->notice_source, g_source_remove);
  gtk_widget_set_visible (GTK_WIDGET (self->banner_spinner), busy);
  gtk_spinner_set_spinning (self->banner_spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->banner_button), !busy);
  if (error)
    gtk_widget_add_css_class (self->banner, "error");
  else
    gtk_widget_remove_css_class (self->banner, "error");
  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
}

static void
on_progress (JgConnection     *conn,
             guint             hop,
             JgConnectionStep  step,
             const char       *detail,
             JgTerminalPage   *self)
{
  guint n_hops = MAX (1, jg_connection_get_n_hops (conn));
  g_autofree char *line = NULL;
  g_autofree char *description = NULL;
  const char *name = hop_name (self, hop);

  self->last_hop = hop;
  if (detail != NULL && detail[0] != '\0')
    line = g_strdup_printf (_("%s (hop %u of %u): %s: %s"), name, hop + 1, n_hops,
                            step_label (step), detail);
  else
    line = g_strdup_printf (_("%s (hop %u of %u): %s"), name, hop + 1, n_hops, step_label (step));
  log_append (self, line);

  if (self->state != JG_TERMINAL_PAGE_CONNECTING)
    return;

  gtk_progress_bar_set_fraction (self->progress_bar,
                                 (double) (hop * N_STEPS + step + 1) / (n_hops * N_STEPS));
  if (n_hops > 1)
    /* Translators: "bastion (hop 1 of 2): Key exchange" */
    description = g_strdup_printf (_("%s (hop %u of %u): %s"), name, hop + 1, n_hops,
                                   step_label (step));
  else
    description = g_strdup_printf ("%s: %s", name, step_label (step));
  adw_status_page_set_description (self->connecting_page, description);
  if (self->ever_connected)
    {
      g_autofree char *text = g_strdup_printf (_("Reconnecting — %s"), description);

      show_banner (self, text, TRUE, FALSE);
    }
}

static void
on_prompt (JgConnection   *conn,
           JgPrompt       *prompt,
           JgTerminalPage *self)
{
  g_autofree char *line = g_strdup_printf (_("%s asks: %s"),
                                           jg_prompt_get_hop_name (prompt),
                                           jg_prompt_get_message (prompt));

  log_append (self, line);
  g_signal_emit (self, signals[PROMPT], 0, prompt);
}

static void
drop_connection (JgTerminalPage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->conn != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->conn, self);
      jg_connection_close (self->conn);
      g_clear_object (&self->conn);
    }
}

/* Worth trying again by ourselves: the network or the machine went away.
 * Never after an authentication failure or a host key mismatch. */
static gboolean
is_transient (const GError *error)
{
  if (error == NULL || error->domain != JG_CONNECTION_ERROR)
    return FALSE;
  switch ((JgConnectionError) error->code)
    {
    case JG_CONNECTION_ERROR_TRANSPORT_LOST:
    case JG_CONNECTION_ERROR_TIMED_OUT:
    case JG_CONNECTION_ERROR_REFUSED:
    case JG_CONNECTION_ERROR_NO_BANNER:
    case JG_CONNECTION_ERROR_RESOLVE:
    case JG_CONNECTION_ERROR_FAILED:
      return TRUE;
    default:
      return FALSE;
    }
}

/* A dim line in the terminal, between the remote output. */
static void
terminal_note (JgTerminalPage *self,
               const char     *text)
{
  g_autofree char *line = g_strdup_printf ("\r\n\033[2m— %s —\033[0m\r\n", text);

  vte_terminal_feed (VTE_TERMINAL (self->terminal), line, -1);
}

static char *
now_text (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format (now, "%X");
}

static void
cancel_reconnect (JgTerminalPage *self)
{
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  self->reconnect_at = 0;
}

static gboolean
reconnect_tick (gpointer data)
{
  JgTerminalPage *self = data;
  gint64 left = self->reconnect_at - g_get_monotonic_time ();
  guint unit = MAX (self->reconnect_unit, 1);
  g_autofree char *text = NULL;

  if (left <= 0)
    {
      self->reconnect_source = 0;
      self->reconnect_at = 0;
      jg_terminal_page_connect (self);
      return G_SOURCE_REMOVE;
    }
  text = g_strdup_printf (_("Disconnected — reconnecting in %u s"),
                          (guint) ((left + unit * 1000 - 1) / (unit * 1000)));
  gtk_label_set_label (self->banner_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->banner_label), self->drop_reason);
  return G_SOURCE_CONTINUE;
}

/* Waits 1, 2, 4 … 30 s, then connects again; the banner counts down and
 * offers Reconnect Now. */
static void
schedule_reconnect (JgTerminalPage *self,
                    const GError   *error)
{
  guint unit = MAX (self->reconnect_unit, 1);

  cancel_reconnect (self);
  self->auto_reconnect = TRUE;
  self->reconnect_delay = self->reconnect_delay == 0 ? 1 : MIN (self->reconnect_delay * 2, RECONNECT_MAX_DELAY);
  self->reconnect_at = g_get_monotonic_time () + (gint64) self->reconnect_delay * unit * 1000;
  g_free (self->drop_reason);
  self->drop_reason = g_strdup (error->message);
  show_banner (self, "", FALSE, TRUE);
  gtk_button_set_label (self->banner_button, _("Reconnect _Now"));
  reconnect_tick (self);
  self->reconnect_source = g_timeout_add (MIN (unit, 250), reconnect_tick, self);
  set_state (self, JG_TERMINAL_PAGE_DISCONNECTED);
}

static void
on_network_back (JgTerminalPage *self)
{
  /* no need to wait for the next try */
  if (self->reconnect_source != 0)
    {
      cancel_reconnect (self);
      jg_terminal_page_connect (self);
    }
}

static gboolean
hide_notice (gpointer data)
{
  JgTerminalPage *self = data;

  self->notice_source = 0;
  if (self->state == JG_TERMINAL_PAGE_CONNECTED)
    gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
  return G_SOURCE_REMOVE;
}

static void
on_closed (JgConnection   *conn,
           const GError   *error,
           JgTerminalPage *self)
{
  g_autofree char *text = NULL;
  g_autofree char *when = now_text ();

  /* keys typed now would go nowhere: drop them rather than send them later */
  vte_terminal_set_input_enabled (VTE_TERMINAL (self->terminal), FALSE);
  g_clear_error (&self->error);
  if (error != NULL)
    {
      g_autofree char *note = g_strdup_printf (_("Disconnected at %s"), when);

      self->error = g_error_copy (error);
      log_append (self, error->message);
      terminal_note (self, note);
      if (is_transient (error))
        {
          self->reconnect_delay = 0;
          schedule_reconnect (self, error);
          return;
        }
      text = g_strdup_printf (_("Disconnected: %s"), error->message);
    }
  else
    {
      log_append (self, _("The session ended"));
      text = g_strdup (_("The session ended."));
    }
  self->auto_reconnect = FALSE;
  show_banner (self, text, FALSE, error != NULL);
  set_state (self, JG_TERMINAL_PAGE_DISCONNECTED);
}

static void
on_terminal_eof (JgTerminalPage *self)
{
  /* ::closed says why; nothing to do until it comes. */
}

static void
on_grid_changed (JgTerminalPage *self,
                 guint           columns,
                 guint           rows)
{
  if (self->conn != NULL && self->state == JG_TERMINAL_PAGE_CONNECTED)
    jg_connection_resize (self->conn, columns, rows);
}

static void
set_fix (JgTerminalPage *self,
         const char     *label,
         const char     *action)
{
  gtk_widget_set_visible (GTK_WIDGET (self->fix_button), label != NULL);
  if (label != NULL)
    {
      gtk_button_set_label (self->fix_button, label);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->fix_button), action);
    }
  if (label != NULL)
    gtk_widget_remove_css_class (GTK_WIDGET (self->retry_button), "suggested-action");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->retry_button), "suggested-action");
}

static void
show_failure (JgTerminalPage *self,
              const GError   *error)
{
  g_autofree char *title = NULL;
  const char *name = jg_host_get_name (self->host);

  g_clear_error (&self->error);
  self->error = g_error_copy (error);
  log_append (self, error->message);

  if (self->ever_connected)
    {
      g_autofree char *text = g_strdup_printf (_("Could not reconnect: %s"), error->message);

      if (self->auto_reconnect && is_transient (error))
        {
          schedule_reconnect (self, error);
          return;
        }
      self->auto_reconnect = FALSE;
      show_banner (self, text, FALSE, TRUE);
      set_state (self, JG_TERMINAL_PAGE_DISCONNECTED);
      return;
    }

  set_fix (self, NULL, NULL);
  adw_status_page_set_icon_name (self->error_page, "dialog-error-symbolic");
  if (error->domain == JG_CONNECTION_ERROR)
    {
      switch ((JgConnectionError) error->code)
        {
        case JG_CONNECTION_ERROR_HOST_KEY_CHANGED:
          title = g_strdup (_("Host Key Changed"));
          adw_status_page_set_icon_name (self->error_page, "channel-insecure-symbolic");
          set_fix (self, _("_Copy Command to Remove the Old Key"), "page.copy-keygen");
          break;
        case JG_CONNECTION_ERROR_CANCELLED:
        case JG_CONNECTION_ERROR_HOST_KEY_UNKNOWN:
          title = g_strdup (_("Connection Cancelled"));
          adw_status_page_set_icon_name (self->error_page, "network-offline-symbolic");
          break;
        case JG_CONNECTION_ERROR_AUTH_FAILED:
        case JG_CONNECTION_ERROR_AGENT_NO_KEY:
          title = g_strdup (_("Authentication Failed"));
          set_fix (self, _("_Edit Machine…"), "page.edit-host");
          break;
        case JG_CONNECTION_ERROR_CONFIG:
        case JG_CONNECTION_ERROR_RESOLVE:
          title = g_strdup_printf (_("Could Not Connect to %s"), name);
          set_fix (self, _("_Edit Machine…"), "page.edit-host");
          break;
        default:
          title = g_strdup_printf (_("Could Not Connect to %s"), name);
          break;
        }
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    title = g_strdup (_("Connection Cancelled"));
  else
    title = g_strdup_printf (_("Could Not Connect to %s"), name);

  adw_status_page_set_title (self->error_page, title);
  adw_status_page_set_description (self->error_page, error->message);
  gtk_spinner_set_spinning (self->connecting_spinner, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "error");
  set_state (self, JG_TERMINAL_PAGE_FAILED);
}

/* A machine that is not saved (quick connect): once connected, offer to
 * keep it. */
static void
update_save_bar (JgTerminalPage *self)
{
  gboolean saved = jg_inventory_find_by_id (self->inventory, jg_host_get_id (self->host)) == self->host;

  if (!saved && self->ever_connected)
    {
      g_autofree char *text = g_strdup_printf (_("“%s” is not saved: save it to find it in the sidebar next time."),
                                               jg_host_get_name (self->host));

      gtk_label_set_label (self->save_label, text);
    }
  gtk_revealer_set_reveal_child (self->save_revealer, !saved && self->ever_connected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.save-host", !saved);
}

static void
on_shell_open (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(JgTerminalPage) self = user_data;
  g_autoptr(GError) error = NULL;
  JgConnection *conn = JG_CONNECTION (source);

  if (!jg_connection_open_shell_finish (conn, result, &error))
    {
      if (conn == self->conn)
        show_failure (self, error);
      return;
    }
  if (conn != self->conn)
    return;

  self->ever_connected = TRUE;
  update_save_bar (self);
  g_clear_error (&self->error);
  gtk_spinner_set_spinning (self->connecting_spinner, FALSE);
  gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
  vte_terminal_set_input_enabled (VTE_TERMINAL (self->terminal), TRUE);
  if (self->reconnecting)
    {
      g_autofree char *when = now_text ();
      g_autofree char *text = g_strdup_printf (_("Reconnected at %s"), when);

      terminal_note (self, text);
      log_append (self, text);
      show_banner (self, text, FALSE, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->banner_button), FALSE);
      self->notice_source = g_timeout_add (RECONNECTED_NOTICE_MS, hide_notice, self);
    }
  self->auto_reconnect = FALSE;
  self->reconnect_delay = 0;
  g_clear_pointer (&self->drop_reason, g_free);
  gtk_stack_set_visible_child_name (self->stack, "terminal");
  set_state (self, JG_TERMINAL_PAGE_CONNECTED);
  jg_connection_resize (conn, vte_terminal_get_column_count (VTE_TERMINAL (self->terminal)),
                        vte_terminal_get_row_count (VTE_TERMINAL (self->terminal)));
  update_title (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->terminal));
}

/* The slave end is raw: the remote pty does echo and line editing. */
static gboolean
make_pty (VtePty  **pty_out,
          int      *slave_out,
          GError  **error)
{
  g_autoptr(VtePty) pty = NULL;
  struct termios tios;
  char name[128];
  int master, slave;

  master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0 || grantpt (master) != 0 || unlockpt (master) != 0
      || ptsname_r (master, name, sizeof name) != 0)
    {
      int saved = errno;

      if (master >= 0)
        close (master);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not create a terminal: %s"), g_strerror (saved));
      return FALSE;
    }
  slave = open (name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0)
    {
      int saved = errno;

      close (master);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not open the terminal %s: %s"), name, g_strerror (saved));
      return FALSE;
    }
  if (tcgetattr (slave, &tios) == 0)
    {
      cfmakeraw (&tios);
      tcsetattr (slave, TCSANOW, &tios);
    }
  pty = vte_pty_new_foreign_sync (master, NULL, error);
  if (pty == NULL)
    {
      close (slave);
      return FALSE;
    }
  *pty_out = g_steal_pointer (&pty);
  *slave_out = slave;
  return TRUE;
}

static const char *
host_term (JgHost *host)
{
  JsonObject *extra = jg_host_get_extra (host);

  if (extra != NULL && json_object_has_member (extra, "term"))
    {
      const char *term = json_object_get_string_member_with_default (extra, "term", NULL);

      if (term != NULL && term[0] != '\0')
        return term;
    }
  return "xterm-256color";
}

void
jg_terminal_page_connect (JgTerminalPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VtePty) pty = NULL;
  g_autofree char *line = NULL;
  int slave = -1;

  g_return_if_fail (JG_IS_TERMINAL_PAGE (self));

  drop_connection (self);
  cancel_reconnect (self);
  self->reconnecting = self->ever_connected;
  g_clear_error (&self->error);
  self->started = g_get_monotonic_time ();
  self->last_hop = 0;
  line = g_strdup_printf (_("Connecting to %s (%s)"), jg_host_get_name (self->host),
                          jg_host_get_hostname (self->host) ? jg_host_get_hostname (self->host) : "");
  log_append (self, line);

  set_state (self, JG_TERMINAL_PAGE_CONNECTING);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  if (self->ever_connected)
    {
      gtk_stack_set_visible_child_name (self->stack, "terminal");
      show_banner (self, _("Reconnecting…"), TRUE, FALSE);
      vte_terminal_feed (VTE_TERMINAL (self->terminal), "\r\n", 2);
    }
  else
    {
      g_autofree char *title = g_strdup_printf (_("Connecting to %s"),
                                                jg_host_get_name (self->host));

      adw_status_page_set_title (self->connecting_page, title);
      adw_status_page_set_description (self->connecting_page, NULL);
      gtk_spinner_set_spinning (self->connecting_spinner, TRUE);
      gtk_stack_set_visible_child_name (self->stack, "connecting");
    }

  self->conn = jg_connection_new (self->inventory, self->host, &error);
  if (self->conn == NULL)
    {
      self->ever_connected = FALSE;
      show_failure (self, error);
      return;
    }
  g_signal_connect_object (self->conn, "progress", G_CALLBACK (on_progress), self, 0);
  g_signal_connect_object (self->conn, "prompt", G_CALLBACK (on_prompt), self, 0);
  g_signal_connect_object (self->conn, "closed", G_CALLBACK (on_closed), self, 0);

  /* One pty for the life of the tab, kept open by a slave of our own: a
   * reconnect writes on below what VTE shows (a new pty would drop what VTE
   * has not drawn yet), and what was typed meanwhile is thrown away. */
  if (self->pty_keeper < 0)
    {
      if (!make_pty (&pty, &self->pty_keeper, &error))
        {
          show_failure (self, error);
          return;
        }
      vte_terminal_set_pty (VTE_TERMINAL (self->terminal), pty);
    }
  else
    tcflush (self->pty_keeper, TCIFLUSH);
  slave = fcntl (self->pty_keeper, F_DUPFD_CLOEXEC, 3);
  if (slave < 0)
    {
      int saved = errno;

      g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not open the terminal: %s"), g_strerror (saved));
      show_failure (self, error);
      return;
    }

  self->cancellable = g_cancellable_new ();
  jg_connection_open_shell_async (self->conn, slave, host_term (self->host),
                                  vte_terminal_get_column_count (VTE_TERMINAL (self->terminal)),
                                  vte_terminal_get_row_count (VTE_TERMINAL (self->terminal)),
                                  self->cancellable, on_shell_open, g_object_ref (self));
}

void
jg_terminal_page_close (JgTerminalPage *self)
{
  g_return_if_fail (JG_IS_TERMINAL_PAGE (self));
  drop_connection (self);
}

static void
on_find_changed (JgTerminalPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->find_entry));
  g_autoptr(VteRegex) regex = NULL;
  g_autofree char *escaped = NULL;

  if (text[0] != '\0')
    {
      escaped = g_regex_escape_string (text, -1);
      regex = vte_regex_new_for_search (escaped, -1,
                                        VTE_REGEX_FLAGS_DEFAULT | 0x00000400u /* MULTILINE */
                                        | 0x00000008u /* CASELESS */, NULL);
    }
  vte_terminal_search_set_regex (VTE_TERMINAL (self->terminal), regex, 0);
  vte_terminal_search_set_wrap_around (VTE_TERMINAL (self->terminal), TRUE);
  if (regex != NULL)
    vte_terminal_search_find_previous (VTE_TERMINAL (self->terminal));
}

static void
on_find_next (JgTerminalPage *self)
{
  vte_terminal_search_find_next (VTE_TERMINAL (self->terminal));
}

static void
on_find_previous (JgTerminalPage *self)
{
  vte_terminal_search_find_previous (VTE_TERMINAL (self->terminal));
}

static void
on_find_stop (JgTerminalPage *self)
{
  gtk_search_bar_set_search_mode (self->find_bar, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->terminal));
}

static void
copy_keygen_command (JgTerminalPage *self)
{
  JgHost *hop = self->conn ? jg_connection_get_hop (self->conn, self->last_hop) : self->host;
  const char *hostname = jg_host_get_hostname (hop);
  guint port = jg_host_get_effective_port (hop);
  const char *file = jg_host_get_known_hosts_file (hop);
  g_autofree char *target = NULL;
  g_autofree char *quoted = NULL;
  g_autofree char *command = NULL;

  if (port == JG_DEFAULT_SSH_PORT)
    target = g_strdup (hostname);
  else
    target = g_strdup_printf ("[%s]:%u", hostname, port);
  quoted = g_shell_quote (target);
  if (file != NULL)
    {
      g_autofree char *qfile = g_shell_quote (file);

      command = g_strdup_printf ("ssh-keygen -R %s -f %s", quoted, qfile);
    }
  else
    command = g_strdup_printf ("ssh-keygen -R %s", quoted);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), command);
}

static void
page_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  JgTerminalPage *self = JG_TERMINAL_PAGE (widget);

  if (g_str_equal (action_name, "page.reconnect"))
    jg_terminal_page_connect (self);
  else if (g_str_equal (action_name, "page.cancel"))
    g_cancellable_cancel (self->cancellable);
  else if (g_str_equal (action_name, "page.toggle-log"))
    jg_terminal_page_set_show_log (self, !self->show_log);
  else if (g_str_equal (action_name, "page.copy-log"))
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->log->str);
  else if (g_str_equal (action_name, "page.find"))
    {
      gtk_search_bar_set_search_mode (self->find_bar, TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->find_entry));
    }
  else if (g_str_equal (action_name, "page.edit-host"))
    {
      JgHost *target = self->host;

      if (self->conn != NULL && self->error != NULL)
        {
          JgHost *hop = jg_connection_get_hop (self->conn, self->last_hop);
          JgHost *saved = hop ? jg_inventory_find_by_id (self->inventory, jg_host_get_id (hop)) : NULL;

          if (saved != NULL)
            target = saved;
        }
      g_signal_emit (self, signals[EDIT_HOST], 0, target);
    }
  else if (g_str_equal (action_name, "page.save-host"))
    g_signal_emit (self, signals[EDIT_HOST], 0, self->host);
  else if (g_str_equal (action_name, "page.copy-keygen"))
    copy_keygen_command (self);
}

static gboolean
jg_terminal_page_grab_focus (GtkWidget *widget)
{
  JgTerminalPage *self = JG_TERMINAL_PAGE (widget);

  if (self->state == JG_TERMINAL_PAGE_CONNECTED || self->ever_connected)
    return gtk_widget_grab_focus (GTK_WIDGET (self->terminal));
  return GTK_WIDGET_CLASS (jg_terminal_page_parent_class)->grab_focus (widget);
}

static void
jg_terminal_page_dispose (GObject *object)
{
  JgTerminalPage *self = JG_TERMINAL_PAGE (object);

  drop_connection (self);
  cancel_reconnect (self);
  g_clear_handle_id (&self->notice_source, g_source_remove);
  if (self->pty_keeper >= 0)
    {
      close (self->pty_keeper);
      self->pty_keeper = -1;
    }
  if (self->host != NULL)
    g_signal_handlers_disconnect_by_data (self->host, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), JG_TYPE_TERMINAL_PAGE);
  /* Template children that are not bound are ours to unparent. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_object (&self->host);
  g_clear_object (&self->inventory);

  G_OBJECT_CLASS (jg_terminal_page_parent_class)->dispose (object);
}

static void
jg_terminal_page_finalize (GObject *object)
{
  JgTerminalPage *self = JG_TERMINAL_PAGE (object);

  g_clear_error (&self->error);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->drop_reason, g_free);
  g_string_free (self->log, TRUE);

  G_OBJECT_CLASS (jg_terminal_page_parent_class)->finalize (object);
}

static void
jg_terminal_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  JgTerminalPage *self = JG_TERMINAL_PAGE (object);

  switch (prop_id)
    {
    case PROP_HOST:
      g_value_set_object (value, self->host);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_STATE:
      g_value_set_uint (value, self->state);
      break;
    case PROP_SHOW_LOG:
      g_value_set_boolean (value, self->show_log);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jg_terminal_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  JgTerminalPage *self = JG_TERMINAL_PAGE (object);

  switch (prop_id)
    {
    case PROP_SHOW_LOG:
      jg_terminal_page_set_show_log (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jg_terminal_page_class_init (JgTerminalPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jg_terminal_page_dispose;
  object_class->finalize = jg_terminal_page_finalize;
  object_class->get_property = jg_terminal_page_get_property;
  object_class->set_property = jg_terminal_page_set_property;
  widget_class->grab_focus = jg_terminal_page_grab_focus;

  properties[PROP_HOST] =
    g_param_spec_object ("host", NULL, NULL, JG_TYPE_HOST, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_uint ("state", NULL, NULL, 0, JG_TERMINAL_PAGE_FAILED, JG_TERMINAL_PAGE_IDLE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_LOG] =
    g_param_spec_boolean ("show-log", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PROMPT] =
    g_signal_new ("prompt", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, JG_TYPE_PROMPT);
  signals[EDIT_HOST] =
    g_signal_new ("edit-host", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, JG_TYPE_HOST);

  g_type_ensure (JG_TYPE_TERMINAL);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/jumpgate/Jumpgate/jg-terminal-page.ui");
  gtk_widget_class_bind_template_child (widget_class, JgTerminalPage, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, JgTerminalPage, banner);
  gtk_widget_class_bind_template_child (widget_class, JgTerminalPage, banner_spinner);
  gtk_widget_class_bind_template_child (widget_class, JgTerminalPage, banner_label);
  gtk_widget_class_bind_template_child (widget_class, JgTerminalPage, banner_button);
  gtk_widget_class_bind_template_child (widget_class, JgTerminalPage, save_revealer);
  gtk_widget_class_bind_template_child (widget_class, JgTerminalPage, save_label);
  gtk_widget_class_bind_template_child (widget_class, JgTerminalPage, find_bar);
  gtk_widget_class_bind_template_child (widget_class, JgTerminalPage, find_entry);
  gtk_widget_class_bind_template_child (widget_class, JgTerminalPage, stack);
  gtk_widget_class_bind_template_child (widget_class, JgTerminalPage, connecting_page);
  gtk_widget_class_bind_template_child (widget_class, JgTerminalPage, connecting_spinner);
  gtk_widget_class_bind_template_child (widget_class, JgTerminalPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, JgTerminalPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, JgTerminalPage, fix_button);
  gtk_widget_class_bind_template_child (widget_class, JgTerminalPage, retry_button);
  gtk_widget_class_bind_template_child (widget_class, JgTerminalPage, terminal);
  gtk_widget_class_bind_template_child (widget_class, JgTerminalPage, log_revealer);
  gtk_widget_class_bind_template_child (widget_class, JgTerminalPage, log_view);
  gtk_widget_class_bind_template_callback (widget_class, on_grid_changed);
  gtk_widget_class_bind_template_callback (widget_class, update_title);
  gtk_widget_class_bind_template_callback (widget_class, on_terminal_eof);
  gtk_widget_class_bind_template_callback (widget_class, on_find_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_find_next);
  gtk_widget_class_bind_template_callback (widget_class, on_find_previous);
  gtk_widget_class_bind_template_callback (widget_class, on_find_stop);

  gtk_widget_class_install_action (widget_class, "page.reconnect", NULL, page_action);
  gtk_widget_class_install_action (widget_class, "page.cancel", NULL, page_action);
  gtk_widget_class_install_action (widget_class, "page.toggle-log", NULL, page_action);
  gtk_widget_class_install_action (widget_class, "page.copy-log", NULL, page_action);
  gtk_widget_class_install_action (widget_class, "page.find", NULL, page_action);
  gtk_widget_class_install_action (widget_class, "page.edit-host", NULL, page_action);
  gtk_widget_class_install_action (widget_class, "page.copy-keygen", NULL, page_action);
  gtk_widget_class_install_action (widget_class, "page.save-host", NULL, page_action);
}

static void
jg_terminal_page_init (JgTerminalPage *self)
{
  self->log = g_string_new (NULL);
  self->reconnect_unit = 1000;
  self->pty_keeper = -1;
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_search_bar_connect_entry (self->find_bar, GTK_EDITABLE (self->find_entry));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.cancel", FALSE);
}

JgTerminalPage *
jg_terminal_page_new (JgInventory *inventory,
                      JgHost      *host)
{
  JgTerminalPage *self;

  g_return_val_if_fail (JG_IS_INVENTORY (inventory), NULL);
  g_return_val_if_fail (JG_IS_HOST (host), NULL);

  self = g_object_new (JG_TYPE_TERMINAL_PAGE, NULL);
  self->inventory = g_object_ref (inventory);
  self->host = g_object_ref (host);
  g_signal_connect_swapped (host, "notify::name", G_CALLBACK (update_title), self);
  if (jg_status_monitor_get_default () != NULL)
    g_signal_connect_object (jg_status_monitor_get_default (), "network-back",
                             G_CALLBACK (on_network_back), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (inventory, "changed", G_CALLBACK (update_save_bar), self,
                           G_CONNECT_SWAPPED);
  update_title (self);
  update_save_bar (self);
  return self;
}

JgHost *
jg_terminal_page_get_host (JgTerminalPage *self)
{
  g_return_val_if_fail (JG_IS_TERMINAL_PAGE (self), NULL);
  return self->host;
}

JgTerminal *
jg_terminal_page_get_terminal (JgTerminalPage *self)
{
  g_return_val_if_fail (JG_IS_TERMINAL_PAGE (self), NULL);
  return self->terminal;
}

JgConnection *
jg_terminal_page_get_connection (JgTerminalPage *self)
{
  g_return_val_if_fail (JG_IS_TERMINAL_PAGE (self), NULL);
  return self->conn;
}

const char *
jg_terminal_page_get_title (JgTerminalPage *self)
{
  g_return_val_if_fail (JG_IS_TERMINAL_PAGE (self), NULL);
  return self->title;
}

JgTerminalPageState
jg_terminal_page_get_state (JgTerminalPage *self)
{
  g_return_val_if_fail (JG_IS_TERMINAL_PAGE (self), JG_TERMINAL_PAGE_IDLE);
  return self->state;
}

const GError *
jg_terminal_page_get_error (JgTerminalPage *self)
{
  g_return_val_if_fail (JG_IS_TERMINAL_PAGE (self), NULL);
  return self->error;
}

char *
jg_terminal_page_dup_log (JgTerminalPage *self)
{
  g_return_val_if_fail (JG_IS_TERMINAL_PAGE (self), NULL);
  return g_strdup (self->log->str);
}

gboolean
jg_terminal_page_get_show_log (JgTerminalPage *self)
{
  g_return_val_if_fail (JG_IS_TERMINAL_PAGE (self), FALSE);
  return self->show_log;
}

void
jg_terminal_page_set_show_log (JgTerminalPage *self,
                               gboolean        show_log)
{
  g_return_if_fail (JG_IS_TERMINAL_PAGE (self));

  show_log = !!show_log;
  if (self->show_log == show_log)
    return;
  self->show_log = show_log;
  gtk_revealer_set_reveal_child (self->log_revealer, show_log);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_LOG]);
}

const char *
jg_terminal_page_get_notice (JgTerminalPage *self)
{
  g_return_val_if_fail (JG_IS_TERMINAL_PAGE (self), NULL);
  if (!gtk_revealer_get_reveal_child (self->banner_revealer))
    return NULL;
  return gtk_label_get_label (self->banner_label);
}

int
jg_terminal_page_get_reconnect_delay (JgTerminalPage *self)
{
  g_return_val_if_fail (JG_IS_TERMINAL_PAGE (self), -1);
  return self->reconnect_source != 0 ? (int) self->reconnect_delay : -1;
}

void
jg_terminal_page_set_reconnect_unit (JgTerminalPage *self,
                                     guint           ms)
{
  g_return_if_fail (JG_IS_TERMINAL_PAGE (self));
  self->reconnect_unit = ms > 0 ? ms : 1000;
}
