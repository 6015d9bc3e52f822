/* test-desktop.c — Jumpgate on the desktop: search provider, ssh:// links,
 * launcher actions and per-machine launchers, against the SSH test lab
 *
 * Runs itself again inside `dbus-run-session` on a bus of its own (no D-Bus
 * activation: nothing answers but what the test starts), with throwaway
 * XDG_CONFIG_HOME and XDG_DATA_HOME. There the real application registers
 * its name, as when the Shell starts it, and the test talks to it over that
 * bus from a second connection: GNOME Shell's SearchProvider2 calls,
 * org.freedesktop.Application.ActivateAction (the launcher's right-click
 * actions), and `jumpgate …` started as a second process (the launcher's
 * Exec lines, ssh:// links), which hands its command line to the first.
 * What is checked is what a person would see: the tab that opened and the
 * text that reached its terminal, the window that came up, the toast, the
 * desktop file on disk and what desktop-file-validate says of it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gdesktopappinfo.h>
#include <glib/gstdio.h>

#ifdef HAVE_XTST
#include <gdk/x11/gdkx.h>
#include <X11/extensions/XTest.h>
#endif

#include "jg-application.h"
#include "jg-machine-editor.h"
#include "jg-launchers.h"
#include "jg-machine-row.h"
#include "jg-own-machine-wizard.h"
#include "jg-search-provider.h"
#include "jg-test-gui.h"
#include "jg-test-lab.h"
#include "jg-window.h"

#define TIMEOUT_MS 20000
#define PROVIDER_IFACE "org.gnome.Shell.SearchProvider2"

static JgTestLab *lab;
static JgApplication *app;
static JgInventory *inventory;
static JgHost *jump;
static JgHost *vm;       /* "Lab VM Alpha", vm1 behind the jump host */
static JgHost *own;      /* "Build Box", the own machine */
static GDBusConnection *client;
static char *app_path;
static char *provider_path;
static char *applications_dir;

static const char *
lab_value (const char *key)
{
  const char *value = jg_test_lab_get (lab, key);

  g_assert_nonnull (value);
  return value;
}

static JgHost *
new_lab_host (JgHost     *host,
              const char *name,
              const char *prefix,
              JgHost     *via)
{
  g_autofree char *name_key = g_strconcat ("JG_LAB_", prefix, "_NAME", NULL);
  g_autofree char *port_key = g_strconcat ("JG_LAB_", prefix, "_PORT", NULL);

  jg_host_set_name (host, name);
  jg_host_set_hostname (host, lab_value (name_key));
  jg_host_set_port (host, atoi (lab_value (port_key)));
  jg_host_set_user (host, lab_value ("JG_LAB_USER"));
  jg_host_set_auth (host, JG_AUTH_KEY_FILE);
  jg_host_set_identity_file (host, lab_value ("JG_LAB_KEY"));
  jg_host_set_identities_only (host, TRUE);
  jg_host_set_known_hosts_file (host, lab_value ("JG_LAB_KNOWN_HOSTS"));
  if (via != NULL)
    jg_host_set_jump_id (host, jg_host_get_id (via));
  jg_inventory_add (inventory, host);
  return host;
}

/* ---- D-Bus, from a connection of the test's own ---------------------- */

static gboolean
is_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

static void
on_call_done (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

/* Calls the application while its main context runs (it is this thread's). */
static GVariant *
call (const char  *path,
      const char  *iface,
      const char  *method,
      GVariant    *params,
      const char  *reply_type,
      GError     **error)
{
  GAsyncResult *result = NULL;
  GVariant *reply;

  g_dbus_connection_call (client, APP_ID, path, iface, method, params,
                          reply_type ? G_VARIANT_TYPE (reply_type) : NULL,
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, TIMEOUT_MS, NULL, on_call_done, &result);
  g_assert_true (jg_test_gui_wait_for (is_set, &result, TIMEOUT_MS + 1000));
  reply = g_dbus_connection_call_finish (client, result, error);
  g_object_unref (result);
  return reply;
}

static GVariant *
search (const char *method,
        GVariant   *params,
        const char *reply_type)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply = call (provider_path, PROVIDER_IFACE, method, params, reply_type, &error);

  g_assert_no_error (error);
  return reply;
}

/* GetInitialResultSet(@terms) as one string, ids separated by spaces. */
static char *
initial_results (const char * const *terms)
{
  g_autoptr(GVariant) reply = search ("GetInitialResultSet",
                                      g_variant_new ("(^as)", terms), "(as)");
  g_autofree const char **ids = NULL;

  g_variant_get (reply, "(^a&s)", &ids);
  return g_strjoinv (" ", (char **) ids);
}

static gboolean
has_id (const char *results,
        JgHost     *host)
{
  g_auto(GStrv) ids = g_strsplit (results, " ", -1);

  return g_strv_contains ((const char * const *) ids, jg_host_get_id (host));
}

/* ---- windows and tabs ------------------------------------------------- */

typedef struct
{
  JgHost         *host;
  guint           skip;    /* pages of @host that were there before */
  JgTerminalPage *found;
} PageWait;

static guint
count_pages_of (JgHost          *host,
                JgTerminalPage **last)
{
  guint count = 0;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    {
      AdwTabView *view;

      if (!JG_IS_WINDOW (l->data))
        continue;
      view = jg_window_get_tab_view (l->data);
      for (int i = 0; i < adw_tab_view_get_n_pages (view); i++)
        {
          GtkWidget *child = adw_tab_page_get_child (adw_tab_view_get_nth_page (view, i));

          if (JG_IS_TERMINAL_PAGE (child) && jg_terminal_page_get_host (JG_TERMINAL_PAGE (child)) == host)
            {
              count++;
              if (last != NULL)
                *last = JG_TERMINAL_PAGE (child);
            }
        }
    }
  return count;
}

static gboolean
new_page_opened (gpointer data)
{
  PageWait *wait = data;

  return count_pages_of (wait->host, &wait->found) > wait->skip;
}

typedef struct
{
  const char     *hostname;
  guint           port;
  JgTerminalPage *found;
} UnsavedWait;

static gboolean
unsaved_page_opened (gpointer data)
{
  UnsavedWait *wait = data;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    {
      AdwTabView *view;

      if (!JG_IS_WINDOW (l->data))
        continue;
      view = jg_window_get_tab_view (l->data);
      for (int i = 0; i < adw_tab_view_get_n_pages (view); i++)
        {
          GtkWidget *child = adw_tab_page_get_child (adw_tab_view_get_nth_page (view, i));
          JgHost *host;

          if (!JG_IS_TERMINAL_PAGE (child))
            continue;
          host = jg_terminal_page_get_host (JG_TERMINAL_PAGE (child));
          if (g_strcmp0 (jg_host_get_hostname (host), wait->hostname) == 0
              && jg_host_get_port (host) == wait->port
              && jg_inventory_find_by_id (inventory, jg_host_get_id (host)) == NULL)
            {
              wait->found = JG_TERMINAL_PAGE (child);
              return TRUE;
            }
        }
    }
  return FALSE;
}

static gboolean
page_settled (gpointer data)
{
  JgTerminalPageState state = jg_terminal_page_get_state (data);

  return state != JG_TERMINAL_PAGE_CONNECTING && state != JG_TERMINAL_PAGE_IDLE;
}

/* @page connects, and a command typed there runs on the lab VM. */
static void
assert_reaches_vm (JgTerminalPage *page)
{
  JgTestTextWait wait = { jg_terminal_page_get_terminal (page), NULL };

  if (!jg_test_gui_wait_for (page_settled, page, TIMEOUT_MS)
      || jg_terminal_page_get_state (page) != JG_TERMINAL_PAGE_CONNECTED)
    {
      g_autofree char *log = jg_terminal_page_dup_log (page);

      g_test_message ("connection log:\n%s", log);
      g_assert_cmpint (jg_terminal_page_get_state (page), ==, JG_TERMINAL_PAGE_CONNECTED);
    }
  vte_terminal_feed_child (VTE_TERMINAL (wait.terminal), "echo \"desk-$((6*7))-[$SSH_CONNECTION]\"\n", -1);
  wait.needle = "desk-42-[";
  g_assert_true (jg_test_gui_wait_for (jg_test_gui_terminal_has, &wait, TIMEOUT_MS));
  /* SSH_CONNECTION names the VM's own address: this ran on the VM. */
  wait.needle = lab_value ("JG_LAB_VM1_ADDR");
  g_assert_true (jg_test_gui_wait_for (jg_test_gui_terminal_has, &wait, TIMEOUT_MS));
}

static void
close_all_tabs (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (JG_IS_WINDOW (l->data))
      {
        AdwTabView *view = jg_window_get_tab_view (l->data);

        while (adw_tab_view_get_n_pages (view) > 0)
          adw_tab_view_close_page (view, adw_tab_view_get_nth_page (view, 0));
      }
  jg_test_gui_spin (50);
}

/* A label under @widget whose text holds @needle (a toast's title). */
static gboolean
is_label_with (GtkWidget     *widget,
               gconstpointer  needle)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget)
         && strstr (gtk_label_get_text (GTK_LABEL (widget)), needle) != NULL;
}

static GtkWidget *
find_label (GtkWidget  *widget,
            const char *needle)
{
  return jg_test_gui_find_where (widget, is_label_with, needle);
}

static gboolean
some_window_says (gpointer needle)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (JG_IS_WINDOW (l->data) && find_label (l->data, needle) != NULL)
      return TRUE;
  return FALSE;
}

/* ---- a second `jumpgate` process -------------------------------------- */

typedef struct
{
  gboolean done;
  int      status;
} Child;

static void
on_child_exit (GPid     pid,
               int      status,
               gpointer data)
{
  Child *child = data;

  child->done = TRUE;
  child->status = status;
  g_spawn_close_pid (pid);
}

static gboolean
child_done (gpointer data)
{
  return ((Child *) data)->done;
}

/* Runs `jumpgate ARGS…` while this process (the primary instance) keeps
 * answering; returns its exit status and, in @err, what it printed there. */
static int
run_jumpgate (const char * const *args,
              char              **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOChannel) channel = NULL;
  g_autofree char *text = NULL;
  Child child = { FALSE, 0 };
  GPid pid;
  int err_fd;

  g_ptr_array_add (argv, (gpointer) g_getenv ("JUMPGATE"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv->pdata, NULL,
                                           G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
                                           NULL, NULL, &err_fd, &error));
  g_assert_no_error (error);
  g_child_watch_add (pid, on_child_exit, &child);
  g_assert_true (jg_test_gui_wait_for (child_done, &child, TIMEOUT_MS));

  channel = g_io_channel_unix_new (err_fd);
  g_io_channel_set_close_on_unref (channel, TRUE);
  g_io_channel_read_to_end (channel, &text, NULL, NULL);
  if (err != NULL)
    *err = g_steal_pointer (&text);
  return WIFEXITED (child.status) ? WEXITSTATUS (child.status) : 128;
}

/* ---- the search provider ---------------------------------------------- */

/* Every term must be in the name or the address, whatever the case. */
static void
test_search_initial (void)
{
  const char *by_name[] = { "ALPHA", NULL };
  const char *two_terms[] = { "lab", "alpha", NULL };
  const char *by_host[] = { lab_value ("JG_LAB_VM1_NAME"), NULL };
  const char *host_and_name[] = { "Alpha", lab_value ("JG_LAB_VM1_NAME"), NULL };
  const char *one_misses[] = { "alpha", "no-such-word", NULL };
  const char *own_name[] = { "build box", NULL };
  const char *none[] = { NULL };
  g_autofree char *results = NULL;

  results = initial_results (by_name);
  g_assert_cmpstr (results, ==, jg_host_get_id (vm));
  g_clear_pointer (&results, g_free);

  results = initial_results (two_terms);
  g_assert_cmpstr (results, ==, jg_host_get_id (vm));
  g_clear_pointer (&results, g_free);

  /* By address: in the isolated lab only the VM is vm1.lab; on loopback
   * every host is 127.0.0.1 and all of them match. */
  results = initial_results (by_host);
  g_assert_true (has_id (results, vm));
  if (jg_test_lab_isolated (lab))
    g_assert_cmpstr (results, ==, jg_host_get_id (vm));
  g_clear_pointer (&results, g_free);

  results = initial_results (host_and_name);
  g_assert_cmpstr (results, ==, jg_host_get_id (vm));
  g_clear_pointer (&results, g_free);

  results = initial_results (one_misses);
  g_assert_cmpstr (results, ==, "");
  g_clear_pointer (&results, g_free);

  /* Shell terms never hold a space, but a name may: "build box" is one
   * term here and still found. */
  results = initial_results (own_name);
  g_assert_cmpstr (results, ==, jg_host_get_id (own));
  g_clear_pointer (&results, g_free);

  results = initial_results (none);
  g_assert_cmpstr (results, ==, "");
}

/* A refined search only keeps what the previous one found. */
static void
test_search_subsearch (void)
{
  const char *previous[] = { jg_host_get_id (vm), jg_host_get_id (own), jg_host_get_id (jump), NULL };
  const char *only_vm[] = { jg_host_get_id (vm), NULL };
  const char *terms[] = { "box", NULL };
  g_autoptr(GVariant) reply = NULL;
  g_autofree const char **ids = NULL;

  reply = search ("GetSubsearchResultSet", g_variant_new ("(^as^as)", previous, terms), "(as)");
  g_variant_get (reply, "(^a&s)", &ids);
  g_assert_cmpuint (g_strv_length ((char **) ids), ==, 1);
  g_assert_cmpstr (ids[0], ==, jg_host_get_id (own));
  g_clear_pointer (&ids, g_free);
  g_clear_pointer (&reply, g_variant_unref);

  reply = search ("GetSubsearchResultSet", g_variant_new ("(^as^as)", only_vm, terms), "(as)");
  g_variant_get (reply, "(^a&s)", &ids);
  g_assert_cmpuint (g_strv_length ((char **) ids), ==, 0);
}

/* A result shows the machine's name, user@host and an icon; an id that is
 * not saved any more is left out. */
static void
test_search_metas (void)
{
  const char *ids[] = { jg_host_get_id (vm), "no-such-machine", NULL };
  g_autoptr(GVariant) reply = search ("GetResultMetas", g_variant_new ("(^as)", ids), "(aa{sv})");
  g_autoptr(GVariant) metas = g_variant_get_child_value (reply, 0);
  g_autoptr(GVariant) meta = NULL;
  g_autoptr(GVariant) icon_data = NULL;
  g_autoptr(GIcon) icon = NULL;
  g_autofree char *expected = NULL;
  const char *text;
  guint port = atoi (lab_value ("JG_LAB_VM1_PORT"));

  g_assert_cmpuint (g_variant_n_children (metas), ==, 1);
  meta = g_variant_get_child_value (metas, 0);
  g_assert_true (g_variant_lookup (meta, "id", "&s", &text));
  g_assert_cmpstr (text, ==, jg_host_get_id (vm));
  g_assert_true (g_variant_lookup (meta, "name", "&s", &text));
  g_assert_cmpstr (text, ==, "Lab VM Alpha");
  g_assert_true (g_variant_lookup (meta, "description", "&s", &text));
  if (port == 22)
    expected = g_strdup_printf ("%s@%s", lab_value ("JG_LAB_USER"), lab_value ("JG_LAB_VM1_NAME"));
  else
    expected = g_strdup_printf ("%s@%s:%u", lab_value ("JG_LAB_USER"),
                                lab_value ("JG_LAB_VM1_NAME"), port);
  g_assert_cmpstr (text, ==, expected);

  icon_data = g_variant_lookup_value (meta, "icon", NULL);
  g_assert_nonnull (icon_data);
  icon = g_icon_deserialize (icon_data);
  g_assert_true (G_IS_THEMED_ICON (icon));
  g_assert_cmpstr (g_themed_icon_get_names (G_THEMED_ICON (icon))[0], ==, APP_ID);
}

/* Clicking a result opens a tab on that machine, by id, and it connects
 * through the jump host. */
static void
test_search_activate (void)
{
  const char *terms[] = { "alpha", NULL };
  g_autoptr(GVariant) reply = NULL;
  PageWait wait = { vm, count_pages_of (vm, NULL), NULL };

  reply = search ("ActivateResult", g_variant_new ("(s^asu)", jg_host_get_id (vm), terms, 0), "()");
  g_assert_true (jg_test_gui_wait_for (new_page_opened, &wait, 5000));
  assert_reaches_vm (wait.found);
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_ancestor (GTK_WIDGET (wait.found),
                                                                  GTK_TYPE_WINDOW)));
  close_all_tabs ();

  /* A machine removed since the search: said so, nothing opens. */
  g_clear_pointer (&reply, g_variant_unref);
  reply = search ("ActivateResult", g_variant_new ("(s^asu)", "gone-machine-id", terms, 0), "()");
  g_assert_true (jg_test_gui_wait_for (some_window_says, (gpointer) "not saved any more", 5000));
}

/* "Search in Jumpgate" shows the window with its filter set. */
static void
test_search_launch (void)
{
  const char *terms[] = { "alpha", NULL };
  g_autoptr(GVariant) reply = search ("LaunchSearch", g_variant_new ("(^asu)", terms, 0), "()");
  JgWindow *window = JG_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  JgSidebarModel *model = jg_window_get_sidebar_model (window);

  g_assert_cmpstr (jg_sidebar_model_get_filter_text (model), ==, "alpha");
  g_assert_true (jg_sidebar_model_get_has_matches (model));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  jg_window_start_search (window, "");
}

/* The interface is the Shell's, at the path the .ini names. */
static void
test_search_introspect (void)
{
  g_autoptr(GVariant) info = NULL;

  info = call (provider_path, "org.freedesktop.DBus.Introspectable", "Introspect", NULL, "(s)",
               NULL);
  g_assert_nonnull (info);
  {
    const char *xml;

    g_variant_get (info, "(&s)", &xml);
    g_assert_nonnull (strstr (xml, PROVIDER_IFACE));
    g_assert_nonnull (strstr (xml, "GetSubsearchResultSet"));
  }
}

/* ---- ssh:// links ------------------------------------------------------ */

/* `jumpgate ssh://user@vm:port` from the launcher (Exec=jumpgate %U): the
 * second process hands the link to this one, which connects to the saved
 * machine with that address. */
static void
test_open_uri_command_line (void)
{
  g_autofree char *uri = NULL;
  g_autofree char *err = NULL;
  PageWait wait = { vm, count_pages_of (vm, NULL), NULL };
  const char *args[] = { NULL, NULL };

  uri = g_strdup_printf ("ssh://%s@%s:%s", lab_value ("JG_LAB_USER"),
                         lab_value ("JG_LAB_VM1_NAME"), lab_value ("JG_LAB_VM1_PORT"));
  args[0] = uri;
  g_assert_cmpint (run_jumpgate (args, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_true (jg_test_gui_wait_for (new_page_opened, &wait, 5000));
  assert_reaches_vm (wait.found);
  close_all_tabs ();
}

/* What is not an SSH address is refused with one line and a failure
 * status, before anything connects. */
static void
test_open_uri_malformed_command_line (void)
{
  const struct { const char *uri; const char *says; } cases[] = {
    { "ssh://", "host name is missing" },
    { "ssh://host:99999", "1 to 65535" },
    { "ssh://a b", "spaces" },
    { "ssh://host/some/path", "no path" },
    { "ssh://user@[::1", NULL },
    { "http://example.org", "not an SSH address" },
  };
  guint pages = count_pages_of (vm, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *args[] = { cases[i].uri, NULL };
      g_autofree char *err = NULL;

      g_test_message ("%s", cases[i].uri);
      g_assert_cmpint (run_jumpgate (args, &err), ==, 2);
      g_assert_true (g_str_has_prefix (err, "jumpgate: "));
      g_assert_true (g_str_has_suffix (err, "\n"));
      g_assert_cmpint (strchr (err, '\n') - err, ==, strlen (err) - 1);   /* one line */
      if (cases[i].says != NULL)
        g_assert_nonnull (strstr (err, cases[i].says));
    }
  g_assert_cmpuint (count_pages_of (vm, NULL), ==, pages);
}

static void
open_uri (const char *uri)
{
  g_autoptr(GFile) file = g_file_new_for_uri (uri);

  g_application_open (G_APPLICATION (app), &file, 1, "");
}

/* org.freedesktop.Application.Open (how a DBusActivatable launcher opens
 * links): an IPv6 address that is not saved, with a percent-encoded user,
 * opens a tab on it (which offers to save it once connected). */
static void
test_open_uri_unsaved (void)
{
  UnsavedWait wait = { "::1", 2222, NULL };
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  /* "te%73ter": percent-encoding is decoded. */
  const char *uris[] = { "ssh://te%73ter@[::1]:2222", NULL };
  JgHost *host;

  reply = call (app_path, "org.freedesktop.Application", "Open",
                g_variant_new ("(^asa{sv})", uris, NULL), "()", &error);
  g_assert_no_error (error);
  g_assert_true (jg_test_gui_wait_for (unsaved_page_opened, &wait, 5000));
  host = jg_terminal_page_get_host (wait.found);
  g_assert_cmpstr (jg_host_get_user (host), ==, "tester");
  close_all_tabs ();
}

/* A malformed link from the desktop is said in the window. */
static void
test_open_uri_malformed (void)
{
  guint pages = count_pages_of (vm, NULL);

  open_uri ("ssh://host:99999");
  g_assert_true (jg_test_gui_wait_for (some_window_says, (gpointer) "1 to 65535", 5000));
  open_uri ("ssh://%zz@host");
  g_assert_true (jg_test_gui_wait_for (some_window_says, (gpointer) "hexadecimal", 5000));
  g_assert_cmpuint (count_pages_of (vm, NULL), ==, pages);
}

/* ---- the launcher's actions ------------------------------------------- */

static gboolean
wizard_shown (gpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (JG_IS_OWN_MACHINE_WIZARD (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        {
          if (data != NULL)
            gtk_window_destroy (GTK_WINDOW (window));
          return TRUE;
        }
    }
  return FALSE;
}

static guint
count_windows (void)
{
  guint n = 0;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    n += JG_IS_WINDOW (l->data);
  return n;
}

/* Right-click on the launcher → New Window / Add Your Own Machine: GNOME
 * activates the app actions over D-Bus (DBusActivatable=true); the
 * fallback Exec lines are `jumpgate --new-window` and `--add-machine`. */
static void
test_launcher_actions (void)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *add_machine[] = { "--add-machine", NULL };
  const char *new_window[] = { "--new-window", NULL };
  guint windows = count_windows ();

  g_assert_false (wizard_shown (NULL));
  reply = call (app_path, "org.freedesktop.Application", "ActivateAction",
                g_variant_new ("(sava{sv})", "add-machine", NULL, NULL), "()", &error);
  g_assert_no_error (error);
  g_assert_true (jg_test_gui_wait_for (wizard_shown, GINT_TO_POINTER (TRUE), 5000));

  g_clear_pointer (&reply, g_variant_unref);
  reply = call (app_path, "org.freedesktop.Application", "ActivateAction",
                g_variant_new ("(sava{sv})", "new-window", NULL, NULL), "()", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_windows (), ==, windows + 1);

  g_assert_cmpint (run_jumpgate (add_machine, NULL), ==, 0);
  g_assert_true (jg_test_gui_wait_for (wizard_shown, GINT_TO_POINTER (TRUE), 5000));
  g_assert_cmpint (run_jumpgate (new_window, NULL), ==, 0);
  g_assert_cmpuint (count_windows (), ==, windows + 2);

  /* Back to one window for the tests that follow. */
  while (count_windows () > 1)
    gtk_window_destroy (gtk_application_get_active_window (GTK_APPLICATION (app)));
  jg_test_gui_spin (50);
}

/* ---- per-machine launchers -------------------------------------------- */

static guint
count_launchers (void)
{
  g_autoptr(GDir) dir = g_dir_open (applications_dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    n += g_str_has_prefix (name, APP_ID ".machine-") && g_str_has_suffix (name, ".desktop");
  return n;
}

static GKeyFile *
load_launcher (const char *path)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) error = NULL;

  g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&file);
}

static gboolean
file_gone (gpointer path)
{
  return !g_file_test (path, G_FILE_TEST_EXISTS);
}

static gboolean
file_there (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
assert_valid_desktop_file (const char *path)
{
  const char *argv[] = { "desktop-file-validate", path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL) || out[0] != '\0' || err[0] != '\0')
    g_error ("desktop-file-validate %s:\n%s%s", path, out, err);
}

/* Right-click → Create Launcher writes a desktop file that connects by id;
 * it follows a rename, goes with the machine (and comes back with Undo). */
static void
test_machine_launcher (void)
{
  JgWindow *window = JG_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  JgLaunchers *launchers = jg_application_get_launchers (app);
  g_autoptr(JgHost) doomed = JG_HOST (jg_machine_new (JG_MACHINE_KIND_VIRTUAL));
  g_autofree char *path = NULL;
  g_autofree char *exec = NULL;
  g_autofree char *expected_exec = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GKeyFile) file = NULL;
  g_autoptr(GDesktopAppInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  PageWait wait = { NULL, 0, NULL };

  g_assert_cmpstr (jg_launchers_get_dir (launchers), ==, applications_dir);
  g_assert_cmpuint (count_launchers (), ==, 0);

  /* The row's menu item. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.create-launcher", "s",
                                             jg_host_get_id (vm)));
  path = jg_launchers_dup_path (launchers, vm);
  g_assert_true (g_str_has_prefix (path, applications_dir));
  {
    g_autofree char *basename = g_path_get_basename (path);
    g_autofree char *expected = g_strdup_printf ("%s.machine-%s.desktop", APP_ID, jg_host_get_id (vm));

    g_assert_cmpstr (basename, ==, expected);
  }
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (count_launchers (), ==, 1);   /* only the one asked for */
  g_assert_true (jg_test_gui_wait_for (some_window_says, (gpointer) "Lab VM Alpha", 5000));
  assert_valid_desktop_file (path);

  file = load_launcher (path);
  name = g_key_file_get_locale_string (file, "Desktop Entry", "Name", NULL, NULL);
  g_assert_cmpstr (name, ==, "Lab VM Alpha");
  exec = g_key_file_get_string (file, "Desktop Entry", "Exec", NULL);
  expected_exec = g_strdup_printf ("jumpgate --connect %s", jg_host_get_id (vm));
  g_assert_cmpstr (exec, ==, expected_exec);
  g_clear_pointer (&name, g_free);
  name = g_key_file_get_string (file, "Desktop Entry", "Icon", NULL);
  g_assert_cmpstr (name, ==, APP_ID);
  g_clear_pointer (&file, g_key_file_unref);
  g_clear_pointer (&name, g_free);

  /* Launch it as the desktop would: the `jumpgate` on PATH, a second
   * process, hands --connect ID to this one, and the VM answers. */
  info = g_desktop_app_info_new_from_filename (path);
  g_assert_nonnull (info);
  wait.host = vm;
  wait.skip = count_pages_of (vm, NULL);
  g_assert_true (g_app_info_launch (G_APP_INFO (info), NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (jg_test_gui_wait_for (new_page_opened, &wait, TIMEOUT_MS));
  assert_reaches_vm (wait.found);
  close_all_tabs ();

  /* Renamed (with a character the format escapes): the launcher follows. */
  jg_host_set_name (vm, "Alpha\\Renamed");
  file = load_launcher (path);
  name = g_key_file_get_locale_string (file, "Desktop Entry", "Name", NULL, NULL);
  g_assert_cmpstr (name, ==, "Alpha\\Renamed");
  g_clear_pointer (&file, g_key_file_unref);
  g_clear_pointer (&name, g_free);
  assert_valid_desktop_file (path);
  jg_host_set_name (vm, "Lab VM Alpha");

  /* Other machines' renames write nothing. */
  jg_host_set_name (own, "Build Box 2");
  jg_host_set_name (own, "Build Box");
  g_assert_cmpuint (count_launchers (), ==, 1);

  /* Removed with the machine; Undo brings both back. */
  jg_host_set_name (doomed, "Doomed");
  jg_host_set_hostname (doomed, "doomed.invalid");
  jg_inventory_add (inventory, doomed);
  g_clear_pointer (&path, g_free);
  path = jg_launchers_dup_path (launchers, doomed);
  jg_application_create_launcher (app, GTK_WINDOW (window), doomed);
  g_assert_true (file_there (path));
  g_assert_cmpuint (count_launchers (), ==, 2);
  jg_window_remove_host (window, doomed);
  g_assert_true (file_gone (path));
  jg_inventory_add (inventory, doomed);           /* what Undo does */
  g_assert_true (file_there (path));
  g_assert_true (jg_inventory_remove (inventory, doomed, NULL));
  g_assert_true (file_gone (path));
  g_assert_cmpuint (count_launchers (), ==, 1);

  /* A launcher left over from a machine removed elsewhere: said so, and
   * the id is not taken for a host name to connect to. */
  {
    g_autofree char *gone = g_uuid_string_random ();
    g_autofree char *err = NULL;
    const char *args[] = { "--connect", gone, NULL };
    guint pages = count_pages_of (vm, NULL);

    g_assert_cmpint (run_jumpgate (args, &err), ==, 1);
    g_assert_nonnull (strstr (err, "not saved any more"));
    g_assert_true (jg_test_gui_wait_for (some_window_says, (gpointer) "not saved any more", 5000));
    g_assert_cmpuint (count_pages_of (vm, NULL), ==, pages);
  }

  /* A machine without a launcher gets none from a removal's undo. */
  {
    g_autoptr(JgHost) plain = JG_HOST (jg_machine_new (JG_MACHINE_KIND_OWN));
    g_autofree char *plain_path = jg_launchers_dup_path (launchers, plain);

    jg_host_set_name (plain, "Plain");
    jg_inventory_add (inventory, plain);
    g_assert_true (jg_inventory_remove (inventory, plain, NULL));
    jg_inventory_add (inventory, plain);
    g_assert_true (file_gone (plain_path));
    g_assert_true (jg_inventory_remove (inventory, plain, NULL));
    g_assert_cmpuint (count_launchers (), ==, 1);
  }
}

/* Launchers written by an earlier run follow renames made meanwhile; a
 * launcher of an odd id still makes a valid file that connects to it. */
static void
test_machine_launcher_restart (void)
{
  g_autoptr(JgLaunchers) launchers = NULL;
  g_autoptr(JgHost) odd = JG_HOST (jg_machine_new (JG_MACHINE_KIND_OWN));
  g_autoptr(GKeyFile) file = NULL;
  g_autofree char *path = jg_launchers_dup_path (jg_application_get_launchers (app), vm);
  g_autofree char *odd_path = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GDesktopAppInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  PageWait wait = { NULL, 0, NULL };

  g_assert_true (file_there (path));
  g_assert_true (g_file_set_contents (path, "[Desktop Entry]\nType=Application\nName=Old Name\n"
                                            "Exec=jumpgate\n", -1, NULL));
  launchers = jg_launchers_new (inventory, APP_ID, applications_dir);
  file = load_launcher (path);
  name = g_key_file_get_string (file, "Desktop Entry", "Name", NULL);
  g_assert_cmpstr (name, ==, "Lab VM Alpha");

  jg_host_set_id (odd, "odd id/with \"quotes\" $HOME %u");
  jg_host_set_name (odd, "Odd");
  jg_host_set_hostname (odd, jg_host_get_hostname (own));
  jg_host_set_port (odd, jg_host_get_port (own));
  jg_inventory_add (inventory, odd);
  g_assert_true (jg_launchers_create (launchers, odd, &error));
  g_assert_no_error (error);
  odd_path = jg_launchers_dup_path (launchers, odd);
  g_assert_true (g_str_has_prefix (odd_path, applications_dir));
  g_assert_null (strchr (odd_path + strlen (applications_dir) + 1, '/'));
  assert_valid_desktop_file (odd_path);
  /* Launched as a desktop does, the id comes through whole: the tab is
   * on that machine. */
  info = g_desktop_app_info_new_from_filename (odd_path);
  g_assert_nonnull (info);
  wait.host = odd;
  g_assert_true (g_app_info_launch (G_APP_INFO (info), NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (jg_test_gui_wait_for (new_page_opened, &wait, TIMEOUT_MS));
  close_all_tabs ();
  g_assert_true (jg_inventory_remove (inventory, odd, NULL));
  g_assert_true (file_gone (odd_path));
  g_assert_true (jg_launchers_remove (launchers, odd, &error));   /* none: fine */
  g_assert_true (jg_launchers_remove (jg_application_get_launchers (app), vm, &error));
  g_assert_cmpuint (count_launchers (), ==, 0);
}

/* ---- accessibility ------------------------------------------------------ */

static void
open_tab_on_vm (JgWindow *window)
{
  PageWait wait = { vm, count_pages_of (vm, NULL), NULL };

  jg_window_connect (window, vm);
  g_assert_true (jg_test_gui_wait_for (new_page_opened, &wait, 5000));
  g_assert_true (jg_test_gui_wait_for (page_settled, wait.found, TIMEOUT_MS));
}

/* Buttons that show only an icon under @widget, without a tooltip or an
 * accessible label, appended to @missing as "type icon". The buttons GTK and
 * libadwaita make themselves (window controls, tab bar, toasts, spin
 * buttons, a search bar's close button, entry rows' apply) are theirs. */
static void
check_icon_buttons (GtkWidget *widget,
                    GString   *missing,
                    guint     *n_checked)
{
  const char *icon = NULL;

  if (GTK_IS_WINDOW_CONTROLS (widget) || ADW_IS_TAB_BAR (widget) || GTK_IS_POPOVER (widget)
      || GTK_IS_SPIN_BUTTON (widget) || g_str_equal (G_OBJECT_TYPE_NAME (widget), "AdwToastWidget"))
    return;
  if (GTK_IS_MENU_BUTTON (widget))
    icon = gtk_menu_button_get_label (GTK_MENU_BUTTON (widget)) == NULL
           ? gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (widget)) : NULL;
  else if (GTK_IS_BUTTON (widget) && gtk_widget_get_parent (widget) != NULL
           && !GTK_IS_MENU_BUTTON (gtk_widget_get_parent (widget)))
    icon = gtk_button_get_label (GTK_BUTTON (widget)) == NULL
           ? gtk_button_get_icon_name (GTK_BUTTON (widget)) : NULL;
  if (icon != NULL && (g_str_has_prefix (icon, "adw-")
                       || (g_str_equal (icon, "window-close-symbolic")
                           && gtk_widget_get_ancestor (widget, GTK_TYPE_SEARCH_BAR) != NULL)))
    icon = NULL;
  if (icon != NULL)
    {
      (*n_checked)++;
      if (gtk_widget_get_tooltip_text (widget) == NULL
          || !gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
        g_string_append_printf (missing, "%s %s (tooltip “%s”); ", G_OBJECT_TYPE_NAME (widget), icon,
                                gtk_widget_get_tooltip_text (widget));
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    check_icon_buttons (child, missing, n_checked);
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

/* Every button that shows only an icon says what it does: a tooltip for
 * the eyes and an accessible label for a screen reader. In the window with
 * a tab (its find bar and log), the machine editor and the wizard. */
static void
test_a11y_labels (void)
{
  JgWindow *window = JG_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_autoptr(GString) missing = g_string_new (NULL);
  GtkWindow *editor;
  GtkWindow *wizard;
  guint n = 0;

  open_tab_on_vm (window);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-log", NULL);
  check_icon_buttons (GTK_WIDGET (window), missing, &n);

  editor = jg_window_edit_host (window, vm);
  check_icon_buttons (GTK_WIDGET (editor), missing, &n);
  gtk_window_destroy (editor);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-own", NULL);
  wizard = find_toplevel (JG_TYPE_OWN_MACHINE_WIZARD);
  g_assert_nonnull (wizard);
  check_icon_buttons (GTK_WIDGET (wizard), missing, &n);
  gtk_window_destroy (wizard);

  g_test_message ("%u icon buttons checked", n);
  g_assert_cmpuint (n, >=, 8);
  g_assert_cmpstr (missing->str, ==, "");
  close_all_tabs ();
}

#ifdef HAVE_XTST
/* Real key presses, through the X server (XTest), to the focused window. */
static void
press (GtkWidget  *widget,
       const char *accelerator)
{
  Display *display = gdk_x11_display_get_xdisplay (gtk_widget_get_display (widget));
  const struct { GdkModifierType mask; KeySym sym; } mods[] = {
    { GDK_CONTROL_MASK, XK_Control_L },
    { GDK_SHIFT_MASK, XK_Shift_L },
    { GDK_ALT_MASK, XK_Alt_L },
  };
  GdkModifierType state;
  guint keyval;

  g_assert_true (gtk_accelerator_parse (accelerator, &keyval, &state));
  for (guint i = 0; i < G_N_ELEMENTS (mods); i++)
    if (state & mods[i].mask)
      XTestFakeKeyEvent (display, XKeysymToKeycode (display, mods[i].sym), True, CurrentTime);
  XTestFakeKeyEvent (display, XKeysymToKeycode (display, keyval), True, CurrentTime);
  XTestFakeKeyEvent (display, XKeysymToKeycode (display, keyval), False, CurrentTime);
  for (guint i = G_N_ELEMENTS (mods); i-- > 0;)
    if (state & mods[i].mask)
      XTestFakeKeyEvent (display, XKeysymToKeycode (display, mods[i].sym), False, CurrentTime);
  XFlush (display);
  jg_test_gui_spin (150);
}

static gboolean
is_active (gpointer window)
{
  return gtk_window_is_active (window);
}

static void
focus_window (GtkWindow *window)
{
  Display *display = gdk_x11_display_get_xdisplay (gtk_widget_get_display (GTK_WIDGET (window)));
  Window xid = gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (window)));

  gtk_window_present (window);
  jg_test_gui_spin (100);
  XRaiseWindow (display, xid);
  XSetInputFocus (display, xid, RevertToParent, CurrentTime);
  XFlush (display);
  g_assert_true (jg_test_gui_wait_for (is_active, window, 5000));
}

/* The sidebar row that has the keyboard focus, or NULL. */
static JgMachineRow *
focused_row (JgWindow *window)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  if (focus == NULL)
    return NULL;
  if (JG_IS_MACHINE_ROW (focus))
    return JG_MACHINE_ROW (focus);
  for (GtkWidget *child = gtk_widget_get_first_child (focus); child;
       child = gtk_widget_get_next_sibling (child))
    if (JG_IS_MACHINE_ROW (child))
      return JG_MACHINE_ROW (child);
  return NULL;
}

static JgHost *
focused_host (JgWindow *window)
{
  JgMachineRow *row = focused_row (window);
  JgSidebarNode *node = row ? jg_machine_row_get_node (row) : NULL;

  return node ? jg_sidebar_node_get_host (node) : NULL;
}

static gboolean
focus_in (GtkWidget *ancestor)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (ancestor));

  return focus != NULL && (focus == ancestor || gtk_widget_is_ancestor (focus, ancestor));
}

static gboolean
editor_shown (gpointer data)
{
  return find_toplevel (JG_TYPE_MACHINE_EDITOR) != NULL;
}

static gboolean
editor_gone (gpointer data)
{
  return find_toplevel (JG_TYPE_MACHINE_EDITOR) == NULL;
}

/* The whole way by keyboard alone: to the machine list from anywhere (the
 * terminal too), arrows to a machine, Return connects, tabs switch and
 * close, the row's menu opens and closes, its Edit… opens the editor and
 * Escape closes it. */
static void
test_keyboard (void)
{
  JgWindow *window = JG_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  GtkWidget *list = GTK_WIDGET (jg_window_get_list_view (window));
  AdwTabView *view = jg_window_get_tab_view (window);
  PageWait wait = { vm, 0, NULL };
  GtkWidget *popover;
  JgMachineRow *row;

  close_all_tabs ();
  jg_window_start_search (window, "");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.quick-connect", NULL);
  focus_window (GTK_WINDOW (window));

  press (list, "<Control><Shift>m");
  g_assert_true (focus_in (list));
  for (guint i = 0; i < 12 && focused_host (window) != vm; i++)
    press (list, "Down");
  g_assert_true (focused_host (window) == vm);

  press (list, "Return");
  g_assert_true (jg_test_gui_wait_for (new_page_opened, &wait, 5000));
  assert_reaches_vm (wait.found);
  /* What is typed now goes to the VM's shell. */
  g_assert_true (focus_in (GTK_WIDGET (jg_terminal_page_get_terminal (wait.found))));

  /* From the terminal back to the list, and a second tab from there. */
  press (list, "<Control><Shift>m");
  g_assert_true (focus_in (list));
  g_assert_true (focused_host (window) == vm);
  wait.skip = 1;
  press (list, "Return");
  g_assert_true (jg_test_gui_wait_for (new_page_opened, &wait, 5000));
  g_assert_cmpint (adw_tab_view_get_n_pages (view), ==, 2);
  g_assert_cmpint (adw_tab_view_get_page_position (view, adw_tab_view_get_selected_page (view)), ==, 1);

  /* Tabs, from inside a terminal. */
  g_assert_true (jg_test_gui_wait_for (page_settled, wait.found, TIMEOUT_MS));
  press (list, "<Control>Page_Up");
  g_assert_cmpint (adw_tab_view_get_page_position (view, adw_tab_view_get_selected_page (view)), ==, 0);
  press (list, "<Control>Page_Down");
  g_assert_cmpint (adw_tab_view_get_page_position (view, adw_tab_view_get_selected_page (view)), ==, 1);
  press (list, "<Control><Shift>w");
  g_assert_cmpint (adw_tab_view_get_n_pages (view), ==, 1);

  /* The row's menu: Shift+F10, Escape; then its Edit… by mnemonic. */
  press (list, "<Control><Shift>m");
  g_assert_true (focus_in (list));
  g_assert_true (focused_host (window) == vm);
  row = focused_row (window);
  press (list, "<Shift>F10");
  popover = jg_test_gui_find (GTK_WIDGET (row), GTK_TYPE_POPOVER);
  g_assert_nonnull (popover);
  g_assert_true (gtk_widget_get_visible (popover));
  g_assert_true (focus_in (popover));
  press (list, "Escape");
  g_assert_false (gtk_widget_get_visible (popover));
  g_assert_true (focused_row (window) == row);
  press (list, "<Shift>F10");
  press (list, "e");
  g_assert_true (jg_test_gui_wait_for (editor_shown, NULL, 5000));
  focus_window (find_toplevel (JG_TYPE_MACHINE_EDITOR));
  press (list, "Escape");
  g_assert_true (jg_test_gui_wait_for (editor_gone, NULL, 5000));
  close_all_tabs ();
}
#endif

/* ---- set-up ------------------------------------------------------------- */

static const char bus_config[] =
  "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
  " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
  "<busconfig>\n"
  "  <type>session</type>\n"
  "  <listen>unix:dir=%s</listen>\n"
  "  <auth>EXTERNAL</auth>\n"
  "  <policy context=\"default\">\n"
  "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
  "    <allow eavesdrop=\"true\"/>\n"
  "    <allow own=\"*\"/>\n"
  "  </policy>\n"
  "</busconfig>\n";

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* Run as is: a bus and folders of our own, then this program again in them. */
static int
run_in_session (int    argc,
                char **argv)
{
  g_autofree char *dir = g_dir_make_tmp ("jg-desktop-XXXXXX", NULL);
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *conf = NULL;
  g_autofree char *conf_text = NULL;
  g_autofree char *bin = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  const char *subdirs[] = { "config", "data", "bus", NULL };
  int status = 0;

  g_assert_nonnull (dir);
  g_assert_nonnull (self);
  for (guint i = 0; subdirs[i] != NULL; i++)
    {
      g_autofree char *sub = g_build_filename (dir, subdirs[i], NULL);

      g_mkdir (sub, 0700);
    }
  conf = g_build_filename (dir, "bus.conf", NULL);
  {
    g_autofree char *listen = g_build_filename (dir, "bus", NULL);

    conf_text = g_strdup_printf (bus_config, listen);
  }
  g_assert_true (g_file_set_contents (conf, conf_text, -1, NULL));

  g_setenv ("JG_TEST_DESKTOP_DIR", dir, TRUE);
  /* This bus has no accessibility bus to start: GTK's test backend keeps
   * the accessible properties for the tests to read. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  {
    g_autofree char *config = g_build_filename (dir, "config", NULL);
    g_autofree char *data = g_build_filename (dir, "data", NULL);

    g_setenv ("XDG_CONFIG_HOME", config, TRUE);
    g_setenv ("XDG_DATA_HOME", data, TRUE);
  }
  /* The launchers run the `jumpgate` on PATH: this build's. */
  bin = g_path_get_dirname (g_getenv ("JUMPGATE"));
  path = g_strconcat (bin, ":", g_getenv ("PATH"), NULL);
  g_setenv ("PATH", path, TRUE);

  g_ptr_array_add (args, g_strdup ("dbus-run-session"));
  g_ptr_array_add (args, g_strconcat ("--config-file=", conf, NULL));
  g_ptr_array_add (args, g_strdup ("--"));
  g_ptr_array_add (args, g_strdup (self));
  for (int i = 1; i < argc; i++)
    g_ptr_array_add (args, g_strdup (argv[i]));
  g_ptr_array_add (args, NULL);
  if (!g_spawn_sync (NULL, (char **) args->pdata, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL,
                     NULL, NULL, &status, &error))
    {
      g_print ("Bail out! cannot run dbus-run-session: %s\n", error->message);
      status = 1 << 8;
    }
  if (g_getenv ("JG_TEST_DESKTOP_KEEP") == NULL)
    remove_tree (dir);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 1;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  if (g_getenv ("JG_TEST_DESKTOP_DIR") == NULL)
    return run_in_session (argc, argv);

  g_assert_nonnull (g_getenv ("JUMPGATE"));
  applications_dir = g_build_filename (g_getenv ("XDG_DATA_HOME"), "applications", NULL);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_assert_true (g_main_context_acquire (NULL));

  lab = jg_test_lab_start (&error);
  if (lab == NULL)
    {
      g_test_message ("the SSH lab could not start: %s", error->message);
      g_test_add_func ("/desktop/skipped", (GTestFunc) g_test_incomplete);
      return g_test_run ();
    }

  /* The application as `jumpgate` makes it: unique, on this bus. */
  app = jg_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_application_get_is_remote (G_APPLICATION (app)));
  inventory = jg_application_get_inventory (app);
  app_path = g_strdup (g_application_get_dbus_object_path (G_APPLICATION (app)));
  provider_path = g_strconcat (app_path, "/SearchProvider", NULL);
  g_assert_cmpstr (app_path, ==, "/" "io/github/jumpgate/Jumpgate");
  client = g_dbus_connection_new_for_address_sync (g_getenv ("DBUS_SESSION_BUS_ADDRESS"),
                                                   G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                   G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                   NULL, NULL, &error);
  g_assert_no_error (error);

  jump = new_lab_host (JG_HOST (jg_jump_host_new ()), "lab-jump", "JUMP", NULL);
  vm = new_lab_host (JG_HOST (jg_machine_new (JG_MACHINE_KIND_VIRTUAL)), "Lab VM Alpha", "VM1", jump);
  own = new_lab_host (JG_HOST (jg_machine_new (JG_MACHINE_KIND_OWN)), "Build Box", "OWN", NULL);
  /* The inventory owns them now. */
  g_object_unref (jump);
  g_object_unref (vm);
  g_object_unref (own);

  /* One window, as after a start; held so that closing windows in a test
   * does not end the application. */
  g_application_hold (G_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (jg_window_new (app)));
  jg_test_gui_spin (200);

  g_test_add_func ("/desktop/search/initial", test_search_initial);
  g_test_add_func ("/desktop/search/subsearch", test_search_subsearch);
  g_test_add_func ("/desktop/search/metas", test_search_metas);
  g_test_add_func ("/desktop/search/introspect", test_search_introspect);
  g_test_add_func ("/desktop/search/activate", test_search_activate);
  g_test_add_func ("/desktop/search/launch-search", test_search_launch);
  g_test_add_func ("/desktop/open/command-line", test_open_uri_command_line);
  g_test_add_func ("/desktop/open/command-line-malformed", test_open_uri_malformed_command_line);
  g_test_add_func ("/desktop/open/unsaved", test_open_uri_unsaved);
  g_test_add_func ("/desktop/open/malformed", test_open_uri_malformed);
  g_test_add_func ("/desktop/launcher/actions", test_launcher_actions);
  g_test_add_func ("/desktop/launcher/machine", test_machine_launcher);
  g_test_add_func ("/desktop/launcher/restart", test_machine_launcher_restart);
  g_test_add_func ("/desktop/a11y/labels", test_a11y_labels);
#ifdef HAVE_XTST
  g_test_add_func ("/desktop/a11y/keyboard", test_keyboard);
#endif

  status = g_test_run ();

  close_all_tabs ();
  for (GList *l; (l = gtk_application_get_windows (GTK_APPLICATION (app))) != NULL;)
    gtk_window_destroy (l->data);
  jg_test_gui_spin (100);
  g_application_release (G_APPLICATION (app));
  g_clear_object (&client);
  g_clear_object (&app);
  g_clear_pointer (&lab, jg_test_lab_stop);
  g_main_context_release (NULL);
  return status;
}
