/* test-wizard-gui.c — the "Add Your Own Machine" dialog, page by page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Real widgets under Xvfb (tests/gui/xvfb-wrapper) with a real keyring:
 * the program runs itself again inside dbus-run-session with a throwaway
 * HOME and its own gnome-keyring-daemon. As root it also enrolls a real
 * machine (tests/wizard-machine) through the dialog and connects to it
 * with the key the dialog made.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jg-connection.h"
#include "jg-key-list.h"
#include "jg-known-hosts.h"
#include "jg-own-machine-wizard.h"
#include "jg-test-gui.h"
#include "jg-test-machine.h"

#define IN_SESSION "JG_WIZARD_GUI_SESSION"

static char *tmpdir;

/* ------------------------------------------------------- finding widgets */

typedef gboolean (*Match) (GtkWidget  *widget,
                           const char *text);

static GtkWidget *
find (GtkWidget  *root,
      Match       match,
      const char *text)
{
  if (match (root, text))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find (child, match, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
label_contains (GtkWidget  *widget,
                const char *text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
         strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL;
}

static gboolean
row_titled (GtkWidget  *widget,
            const char *text)
{
  return ADW_IS_PREFERENCES_ROW (widget) && gtk_widget_get_mapped (widget) &&
         g_str_equal (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), text);
}

static gboolean
button_labelled (GtkWidget  *widget,
                 const char *text)
{
  return GTK_IS_BUTTON (widget) && gtk_widget_get_visible (widget) &&
         g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), text) == 0;
}

static gboolean
is_text_view (GtkWidget  *widget,
              const char *text)
{
  return GTK_IS_TEXT_VIEW (widget);
}

static gboolean
is_switch (GtkWidget  *widget,
           const char *text)
{
  return GTK_IS_SWITCH (widget);
}

/* The text of the first mapped label holding @text (fails if none). */
static GtkLabel *
label (gpointer    wizard,
       const char *text)
{
  GtkWidget *found = find (GTK_WIDGET (wizard), label_contains, text);

  if (found == NULL)
    g_error ("no label shows “%s”", text);
  return GTK_LABEL (found);
}

static GtkEditable *
entry (gpointer    wizard,
       const char *title)
{
  GtkWidget *found = find (GTK_WIDGET (wizard), row_titled, title);

  if (found == NULL || !GTK_IS_EDITABLE (found))
    g_error ("no entry row “%s”", title);
  return GTK_EDITABLE (found);
}

static GtkWidget *
button (gpointer    wizard,
        const char *text)
{
  GtkWidget *found = find (GTK_WIDGET (wizard), button_labelled, text);

  if (found == NULL)
    g_error ("no button “%s”", text);
  return found;
}

static gboolean
on_page (gpointer data)
{
  gpointer *args = data;

  return g_str_equal (jg_own_machine_wizard_get_page (args[0]), args[1]);
}

static void
wait_page (JgOwnMachineWizard *wizard,
           const char         *page,
           guint               timeout_ms)
{
  gpointer args[] = { wizard, (gpointer) page };

  if (!jg_test_gui_wait_for (on_page, args, timeout_ms))
    g_error ("the wizard stayed on “%s”, not “%s”", jg_own_machine_wizard_get_page (wizard), page);
  jg_test_gui_spin (100);   /* the page's widgets mapped */
}

static void
click (GtkWidget *widget)
{
  g_assert_true (gtk_widget_is_sensitive (widget));
  g_signal_emit_by_name (widget, "clicked");
}

static gboolean
label_shows (gpointer data)
{
  gpointer *args = data;

  return find (args[0], label_contains, args[1]) != NULL;
}

static void
wait_label (gpointer    wizard,
            const char *text,
            guint       timeout_ms)
{
  gpointer args[] = { wizard, (gpointer) text };

  if (!jg_test_gui_wait_for (label_shows, args, timeout_ms))
    g_error ("no label came to show “%s”", text);
}

/* ------------------------------------------------------------ fixtures */

static JgKeyList *
new_key_list (const char *name)
{
  g_autofree char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;
  JgKeyList *keys = jg_key_list_new (path);

  g_assert_true (jg_key_list_load (keys, &error));
  g_assert_no_error (error);
  return keys;
}

static guint
n_items (gpointer model)
{
  return g_list_model_get_n_items (G_LIST_MODEL (model));
}

static gboolean
list_empty (gpointer model)
{
  return n_items (model) == 0;
}

static void
on_clipboard_text (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  char **text = data;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  if (*text == NULL)
    *text = g_strdup ("");
}

static gboolean
is_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

/* --------------------------------------------------------------- tests */

/* Every page with what it shows; the machine never answers (a closed
 * loopback port), the wait is left with Back, and closing the dialog
 * deletes the key it made. */
static void
test_pages (void)
{
  g_autoptr(JgInventory) inventory = jg_inventory_new ();
  g_autoptr(JgKeyList) keys = new_key_list ("keys-pages.json");
  JgOwnMachineWizard *wizard = jg_own_machine_wizard_new (inventory, keys);
  g_autofree char *port = g_strdup_printf ("%u", jg_test_free_loopback_port ());
  g_autofree char *port_open = g_strdup_printf ("Port %s open", port);
  g_autofree char *firewall = g_strdup_printf ("Port %s (or the one you choose)", port);
  g_autofree char *port_line = g_strdup_printf ("\njg_port='%s'\n", port);
  g_autofree char *closed = g_strdup_printf ("Port %s is closed", port);
  g_autofree char *clipboard = NULL;
  g_autofree char *shown = NULL;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  GtkWidget *next;
  const char *script;

  gtk_window_present (GTK_WINDOW (wizard));
  wait_page (wizard, "requirements", 2000);

  /* 1. Requirements */
  label (wizard, "A public address reachable from here");
  label (wizard, "SSH allowed through any firewall");
  label (wizard, "Port 22 (or the one you choose) reachable; Jumpgate needs no other port");
  label (wizard, "Linux, with root access");
  label (wizard, "Debian and Ubuntu or Fedora and RHEL");
  label (wizard, "A new key for this machine");
  next = button (wizard, "_Next");
  g_assert_false (gtk_widget_is_sensitive (next));   /* no address yet */

  gtk_editable_set_text (entry (wizard, "Address"), "my host");
  jg_test_gui_spin (50);
  label (wizard, "“my host” is not an address: it contains a space.");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (entry (wizard, "Address")), "error"));
  g_assert_false (gtk_widget_is_sensitive (next));
  gtk_editable_set_text (entry (wizard, "Address"), "127.0.0.1");
  gtk_editable_set_text (entry (wizard, "User to Log In As"), "de'ploy");
  jg_test_gui_spin (50);
  label (wizard, "“de'ploy” is not a valid user name: “'” is not allowed");
  g_assert_false (gtk_widget_is_sensitive (next));
  gtk_editable_set_text (entry (wizard, "User to Log In As"), "deploy");
  gtk_editable_set_text (entry (wizard, "Port"), "0");
  jg_test_gui_spin (50);
  label (wizard, "The port must be a number from 1 to 65535");
  g_assert_false (gtk_widget_is_sensitive (next));
  gtk_editable_set_text (entry (wizard, "Port"), port);
  jg_test_gui_spin (50);
  label (wizard, firewall);
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (entry (wizard, "Address")), "error"));
  click (next);

  /* 2. The script (after the key was made in the keyring) */
  wait_page (wizard, "script", 20000);
  script = jg_own_machine_wizard_get_script (wizard);
  g_assert_nonnull (script);
  g_assert_nonnull (strstr (script, "\njg_address='127.0.0.1'\n"));
  g_assert_nonnull (strstr (script, port_line));
  g_assert_nonnull (strstr (script, "\njg_user='deploy'\n"));
  g_assert_nonnull (strstr (script, "\njg_create_user='no'\n"));
  g_assert_cmpuint (n_items (keys), ==, 1);
  {
    g_autoptr(JgKey) key = g_list_model_get_item (G_LIST_MODEL (keys), 0);
    g_autofree char *base = jg_key_dup_public_base (key);

    g_assert_cmpstr (jg_key_get_name (key), ==, "Jumpgate key for 127.0.0.1");
    g_assert_nonnull (strstr (script, base));
  }
  label (wizard, "Run this script as root on 127.0.0.1");
  label (wizard, "Keep this window open while the script runs");
  label (wizard, "sudo sh jumpgate-enroll-127.0.0.1.sh");
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (find (GTK_WIDGET (wizard), is_text_view, NULL)));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  shown = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_cmpstr (shown, ==, script);
  g_assert_true (gtk_text_view_get_monospace (GTK_TEXT_VIEW (find (GTK_WIDGET (wizard), is_text_view, NULL))));
  click (button (wizard, "_Copy"));
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (wizard)), NULL,
                                 on_clipboard_text, &clipboard);
  g_assert_true (jg_test_gui_wait_for (is_set, &clipboard, 5000));
  g_assert_cmpstr (clipboard, ==, script);
  button (wizard, "_Save…");
  g_assert_true (gtk_widget_get_visible (button (wizard, "_Back")));

  /* 3. Waiting: nothing answers on that port */
  click (button (wizard, "_Wait for the Machine"));
  wait_page (wizard, "waiting", 2000);
  label (wizard, "Waiting for 127.0.0.1");
  g_assert_nonnull (find (GTK_WIDGET (wizard), row_titled, port_open));
  g_assert_nonnull (find (GTK_WIDGET (wizard), row_titled, "SSH server answers"));
  g_assert_nonnull (find (GTK_WIDGET (wizard), row_titled, "Jumpgate’s key accepted"));
  g_assert_nonnull (find (GTK_WIDGET (wizard), row_titled,
                          "Enrollment token matched: it is the machine that ran the script"));
  wait_label (wizard, closed, 10000);
  wait_label (wizard, "Waiting for 0:0", 2000);
  g_assert_cmpint (jg_enroll_get_reached (jg_own_machine_wizard_get_enroll (wizard)), ==,
                   JG_ENROLL_STEP_NONE);
  button (wizard, "_Back");

  /* Back stops waiting. */
  click (button (wizard, "_Back"));
  wait_page (wizard, "script", 2000);
  jg_test_gui_spin (300);

  /* Closing: the key made for a machine that never came is deleted. */
  gtk_window_destroy (GTK_WINDOW (wizard));
  g_assert_true (jg_test_gui_wait_for (list_empty, keys, 10000));
  g_assert_cmpuint (n_items (inventory), ==, 0);
}

typedef struct
{
  JgMachine *added;
  JgHost    *connect;
} Signals;

static void
on_machine_added (JgOwnMachineWizard *wizard,
                  JgMachine          *machine,
                  Signals            *s)
{
  g_set_object (&s->added, machine);
}

static void
on_connect (JgOwnMachineWizard *wizard,
            JgHost             *host,
            Signals            *s)
{
  g_set_object (&s->connect, host);
}

static gboolean
done_connecting (gpointer data)
{
  return *(gboolean *) data;
}

static void
on_exec_closed (JgConnection *conn,
                const GError *error,
                gboolean     *done)
{
  g_assert_no_error (error);
  g_assert_cmpint (jg_connection_get_exit_status (conn), ==, 0);
  *done = TRUE;
}

static void
on_exec_started (GObject      *object,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(GError) error = NULL;

  jg_connection_exec_finish (JG_CONNECTION (object), result, &error);
  g_assert_no_error (error);
}

/* The whole way, as root: the script shown runs in a real system, the
 * dialog sees the machine answer, adds it, and it connects with the key
 * the dialog made (from the keyring). */
static void
test_enroll_machine (void)
{
  g_autoptr(JgTestMachine) m = NULL;
  g_autoptr(JgInventory) inventory = jg_inventory_new ();
  g_autoptr(JgKeyList) keys = new_key_list ("keys-enroll.json");
  g_autofree char *skip = NULL;
  g_autofree char *message = NULL;
  g_autofree char *out = NULL;
  g_autofree char *known_hosts = NULL;
  g_autofree char *kh_contents = NULL;
  g_autofree char *out_path = NULL;
  g_autofree char *err_path = NULL;
  g_autoptr(JgKey) key = NULL;
  Signals s = { 0 };
  JgOwnMachineWizard *wizard;
  JgHost *host;
  gboolean done = FALSE;

  if (!jg_test_machine_prepare (&skip, &message))
    {
      g_test_skip (skip);
      return;
    }
  g_test_message ("%s", message);
  m = jg_test_machine_new ("gui");

  wizard = jg_own_machine_wizard_new (inventory, keys);
  jg_own_machine_wizard_set_interval (wizard, 300);
  g_signal_connect (wizard, "machine-added", G_CALLBACK (on_machine_added), &s);
  g_signal_connect (wizard, "connect", G_CALLBACK (on_connect), &s);
  gtk_window_present (GTK_WINDOW (wizard));
  wait_page (wizard, "requirements", 2000);
  gtk_editable_set_text (entry (wizard, "Address"), m->address);
  gtk_editable_set_text (entry (wizard, "User to Log In As"), "alice");
  gtk_editable_set_text (entry (wizard, "Name in the Sidebar (the address if empty)"), "my-vps");
  {
    GtkWidget *row = find (GTK_WIDGET (wizard), row_titled, "Create the user if it does not exist");
    GtkWidget *toggle = find (row, is_switch, NULL);

    g_assert_nonnull (toggle);
    g_assert_false (gtk_switch_get_active (GTK_SWITCH (toggle)));
    gtk_switch_set_active (GTK_SWITCH (toggle), TRUE);
  }
  click (button (wizard, "_Next"));
  wait_page (wizard, "script", 20000);
  g_assert_nonnull (strstr (jg_own_machine_wizard_get_script (wizard), "\njg_create_user='yes'\n"));

  /* Listening first, as a person would: then the script runs there. */
  click (button (wizard, "_Wait for the Machine"));
  wait_page (wizard, "waiting", 2000);
  jg_test_machine_put_script (m, jg_own_machine_wizard_get_script (wizard));
  g_assert_cmpint (jg_test_machine_run_script (m, "/root/enroll.sh", NULL, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "created the user alice"));

  /* 4. Done */
  wait_page (wizard, "done", 30000);
  label (wizard, "my-vps Is Added");
  label (wizard, "It is under Your Own Machines");
  g_assert_cmpint (jg_enroll_get_reached (jg_own_machine_wizard_get_enroll (wizard)), ==,
                   JG_ENROLL_STEP_TOKEN_MATCHED);
  g_assert_nonnull (s.added);
  g_assert_cmpuint (n_items (inventory), ==, 1);
  host = jg_inventory_find_by_name (inventory, "my-vps");
  g_assert_true (host == JG_HOST (s.added));
  g_assert_cmpint (jg_machine_get_kind (JG_MACHINE (host)), ==, JG_MACHINE_KIND_OWN);
  g_assert_cmpstr (jg_host_get_hostname (host), ==, m->address);
  g_assert_cmpstr (jg_host_get_user (host), ==, "alice");
  g_assert_cmpint (jg_host_get_auth (host), ==, JG_AUTH_KEY);
  key = g_list_model_get_item (G_LIST_MODEL (keys), 0);
  g_assert_cmpstr (jg_host_get_key_id (host), ==, jg_key_get_id (key));
  known_hosts = jg_known_hosts_default_file ();
  kh_contents = NULL;
  g_assert_true (g_file_get_contents (known_hosts, &kh_contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (kh_contents, m->address));

  button (wizard, "_Close");
  g_object_ref (wizard);
  click (button (wizard, "C_onnect"));
  g_assert_true (s.connect == host);
  g_object_unref (wizard);
  jg_test_gui_spin (100);

  /* It connects with the key the dialog made, from the keyring, and the
   * host key it saved (no prompt handler: an unknown host key would fail). */
  {
    g_autoptr(GPtrArray) chain = g_ptr_array_new ();
    g_autoptr(JgConnection) conn = jg_connection_new_for_chain (host, chain);
    int out_fd = g_file_open_tmp ("jg-wizard-gui-XXXXXX", &out_path, NULL);
    int err_fd = g_file_open_tmp ("jg-wizard-gui-XXXXXX", &err_path, NULL);
    g_autofree char *whoami = NULL;

    g_signal_connect (conn, "closed", G_CALLBACK (on_exec_closed), &done);
    jg_connection_exec_async (conn, "id -un", -1, out_fd, err_fd, NULL, on_exec_started, NULL);
    g_assert_true (jg_test_gui_wait_for (done_connecting, &done, 30000));
    g_assert_true (g_file_get_contents (out_path, &whoami, NULL, NULL));
    g_assert_cmpstr (whoami, ==, "alice\n");
    jg_connection_close (conn);
    g_unlink (out_path);
    g_unlink (err_path);
  }
  g_clear_object (&s.added);
  g_clear_object (&s.connect);
  /* The key is used: it stays. */
  g_assert_cmpuint (n_items (keys), ==, 1);
}

/* ---------------------------------------------------------------- main */

static int
run_in_session (int    argc,
                char **argv)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *dirs[] = { "home/.config", "home/.local/share", "home/.cache", "run", NULL };
  int status = 0;

  for (guint i = 0; dirs[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (tmpdir, dirs[i], NULL);
      g_mkdir_with_parents (path, 0700);
    }
  const struct { const char *name; const char *path; } dirs_env[] = {
    { "HOME", "home" },
    { "XDG_CONFIG_HOME", "home/.config" },
    { "XDG_DATA_HOME", "home/.local/share" },
    { "XDG_CACHE_HOME", "home/.cache" },
    { "XDG_RUNTIME_DIR", "run" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (dirs_env); i++)
    {
      g_autofree char *path = g_build_filename (tmpdir, dirs_env[i].path, NULL);
      g_setenv (dirs_env[i].name, path, TRUE);
    }
  g_setenv (IN_SESSION, tmpdir, TRUE);
  /* The widgets draw with cairo (GSK_RENDERER=cairo): no GL either, whose
   * Mesa driver leaks at gtk_init(). */
  if (g_getenv ("GDK_DEBUG") == NULL)
    g_setenv ("GDK_DEBUG", "gl-disable", TRUE);
  /* Under LeakSanitizer: what fontconfig keeps for the process's life
   * (GTK's fonts) is not ours to free. */
  {
    const char *lsan = g_getenv ("LSAN_OPTIONS");
    g_autofree char *options = g_strdup_printf ("%s%ssuppressions=%s/gui/lsan.supp",
                                                lsan != NULL ? lsan : "", lsan != NULL ? ":" : "",
                                                JG_TEST_SRCDIR);
    g_setenv ("LSAN_OPTIONS", options, TRUE);
  }
  g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
  g_unsetenv ("SSH_AUTH_SOCK");
  g_unsetenv ("GNOME_KEYRING_CONTROL");
  /* (as test-keys-gui: no accessibility bus on the session's bus, whose
   * registry daemon would print on the test's output) */
  g_setenv ("GTK_A11Y", "none", TRUE);

  g_ptr_array_add (args, (char *) "dbus-run-session");
  g_ptr_array_add (args, (char *) "--");
  /* A keyring unlocked with a password of its own, as a login does, and
   * ready before the tests start; it ends with the bus. */
  g_ptr_array_add (args, (char *) JG_TEST_SRCDIR "/with-keyring");
  g_ptr_array_add (args, (char *) "jumpgate");
  g_ptr_array_add (args, (char *) "--");
  g_ptr_array_add (args, self);
  for (int i = 1; i < argc; i++)
    g_ptr_array_add (args, argv[i]);
  g_ptr_array_add (args, NULL);
  if (!g_spawn_sync (NULL, (char **) args->pdata, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL,
                     NULL, NULL, &status, &error))
    {
      g_print ("1..0 # SKIP no D-Bus session possible: %s\n", error->message);
      return 0;
    }
  if (g_getenv ("JG_WIZARD_KEEP") == NULL)
    {
      const char *rm[] = { "/bin/rm", "-rf", "--one-file-system", tmpdir, NULL };
      g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
      const char *name;

      /* Machines a failed test left (its watchdog would get there too). */
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *env = g_build_filename (tmpdir, name, "machine.env", NULL);

          if (g_file_test (env, G_FILE_TEST_EXISTS))
            {
              g_autofree char *path = g_build_filename (tmpdir, name, NULL);
              JgTestMachine m = { .dir = path, .env = g_hash_table_new (NULL, NULL) };

              jg_test_machine_free (g_memdup2 (&m, sizeof m));
            }
        }
      /* The session's gnome-keyring-daemon may still be leaving its files. */
      for (guint i = 0; i < 30 && g_file_test (tmpdir, G_FILE_TEST_EXISTS); i++)
        {
          if (i > 0)
            g_usleep (100000);
          g_spawn_sync ("/", (char **) rm, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, NULL, NULL);
        }
    }
  return WIFEXITED (status) ? WEXITSTATUS (status) : 1;
}

int
main (int   argc,
      char *argv[])
{
  if (g_getenv (IN_SESSION) == NULL)
    {
      g_autofree char *dbus = g_find_program_in_path ("dbus-run-session");
      g_autofree char *keyring = g_find_program_in_path ("gnome-keyring-daemon");

      if (dbus == NULL || keyring == NULL)
        {
          g_print ("1..0 # SKIP dbus-run-session or gnome-keyring-daemon is missing\n");
          return 0;
        }
      tmpdir = g_dir_make_tmp ("jg-test-wizard-gui-XXXXXX", NULL);
      jg_test_machine_init (tmpdir);
      return run_in_session (argc, argv);
    }
  tmpdir = g_strdup (g_getenv (IN_SESSION));

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* This thread owns the main context throughout, as in the application. */
  g_assert_true (g_main_context_acquire (NULL));
  jg_test_machine_init (tmpdir);

  g_test_add_func ("/wizard-gui/pages", test_pages);
  g_test_add_func ("/wizard-gui/enroll-machine", test_enroll_machine);
  return g_test_run ();
}
