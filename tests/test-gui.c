/* test-gui.c — the main window against the SSH test lab, in process
 *
 * Real widgets, a real VTE, real sshd processes (tests/lab): what a person
 * would check — the text that reached the terminal, the size the remote
 * pty reports, the dialog that asks, the error page, the saved file.
 *
 * Runs under xvfb-run with GSK_RENDERER=cairo (see tests/meson.build).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "jg-application.h"
#include "jg-install-script.h"
#include "jg-key-list.h"
#include "jg-machine-editor.h"
#include "jg-machine-row.h"
#include "jg-test-gui.h"
#include "jg-test-hosts.h"
#include "jg-test-lab.h"
#include "jg-window.h"

static JgTestLab *lab;
static JgApplication *app;
static JgWindow *window;
static JgInventory *inventory;
static JgJumpHost *jump;
static char *tmpdir;

#define TIMEOUT_MS 20000

static const char *
lab_get (const char *key)
{
  const char *value = jg_test_lab_get (lab, key);

  g_assert_nonnull (value);
  return value;
}

static JgHost *
add_vm (const char *name,
        const char *known_hosts)
{
  g_autoptr(JgHost) host = jg_test_lab_host (lab, JG_TYPE_MACHINE, name, "VM1", JG_HOST (jump),
                                             known_hosts);

  jg_inventory_add (inventory, host);
  return host;
}

static gboolean
page_settled (gpointer data)
{
  JgTerminalPageState state = jg_terminal_page_get_state (data);

  return state != JG_TERMINAL_PAGE_CONNECTING && state != JG_TERMINAL_PAGE_IDLE;
}

static JgTerminalPage *
selected_page (void)
{
  AdwTabPage *tab = adw_tab_view_get_selected_page (jg_window_get_tab_view (window));

  g_assert_nonnull (tab);
  return JG_TERMINAL_PAGE (adw_tab_page_get_child (tab));
}

static void
assert_connected (JgTerminalPage *page)
{
  if (!jg_test_gui_wait_for (page_settled, page, TIMEOUT_MS))
    {
      g_autofree char *log = jg_terminal_page_dup_log (page);

      g_printerr ("still connecting after %d ms; log:\n%s", TIMEOUT_MS, log);
      g_assert_not_reached ();
    }
  if (jg_terminal_page_get_state (page) != JG_TERMINAL_PAGE_CONNECTED)
    {
      g_autofree char *log = jg_terminal_page_dup_log (page);

      g_test_message ("connection log:\n%s", log);
      g_assert_no_error ((GError *) jg_terminal_page_get_error (page));
    }
  g_assert_cmpuint (jg_terminal_page_get_state (page), ==, JG_TERMINAL_PAGE_CONNECTED);
}

static guint
count_rows (void)
{
  return jg_sidebar_model_get_n_rows (jg_window_get_sidebar_model (window));
}

static gboolean
tree_shows (JgHost *host)
{
  JgSidebarModel *model = jg_window_get_sidebar_model (window);

  for (guint i = 0; i < jg_sidebar_model_get_n_rows (model); i++)
    if (jg_sidebar_node_get_host (jg_sidebar_model_get_node (model, i)) == host)
      return TRUE;
  return FALSE;
}

/* Nothing looks selected until the person selects: no row is selected and
 * none is drawn as selected; section titles cannot be selected or
 * activated, and their rows look like headings. */
static void
test_nothing_selected (void)
{
  GtkListView *list = jg_window_get_list_view (window);
  GtkSelectionModel *selection = gtk_list_view_get_model (list);
  JgSidebarModel *model = jg_window_get_sidebar_model (window);
  guint sections = 0;

  add_vm ("vm-unselected", NULL);
  jg_sidebar_model_flush (model);
  jg_test_gui_spin (100);
  jg_test_gui_screenshot (GTK_WIDGET (window), "startup");
  g_assert_cmpuint (gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (selection)), ==,
                    GTK_INVALID_LIST_POSITION);
  for (GtkWidget *item = gtk_widget_get_first_child (GTK_WIDGET (list)); item;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *child = gtk_widget_get_first_child (item);
      JgSidebarNode *node;

      if (!JG_IS_MACHINE_ROW (child) || (node = jg_machine_row_get_node (JG_MACHINE_ROW (child))) == NULL)
        continue;
      g_test_message ("%s: state %x", jg_sidebar_node_get_title (node), gtk_widget_get_state_flags (item));
      g_assert_false (gtk_widget_get_state_flags (item) & GTK_STATE_FLAG_SELECTED);
      if (jg_sidebar_node_get_kind (node) == JG_SIDEBAR_NODE_SECTION)
        {
          sections++;
          g_assert_false (gtk_widget_has_css_class (item, "activatable"));
          g_assert_true (gtk_widget_has_css_class (child, "jg-section"));
        }
    }
  g_assert_cmpuint (sections, ==, 1);
}

static void
collect_menu_buttons (GtkWidget *widget,
                      GPtrArray *found)
{
  if (GTK_IS_MENU_BUTTON (widget))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    collect_menu_buttons (child, found);
}

/* The header bar's menus (built when first opened) open with their items,
 * and the shortcuts window (built when first asked for) shows. */
static void
test_menus (void)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  GtkWindow *overlay;

  collect_menu_buttons (GTK_WIDGET (window), buttons);
  g_assert_cmpuint (buttons->len, >=, 2);
  for (guint i = 0; i < buttons->len; i++)
    {
      GtkMenuButton *button = g_ptr_array_index (buttons, i);

      gtk_menu_button_popup (button);
      jg_test_gui_spin (50);
      g_assert_nonnull (gtk_menu_button_get_popover (button));
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (gtk_menu_button_get_popover (button))));
      g_assert_nonnull (gtk_menu_button_get_menu_model (button));
      g_assert_cmpint (g_menu_model_get_n_items (gtk_menu_button_get_menu_model (button)), >, 0);
      gtk_menu_button_popdown (button);
    }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  overlay = GTK_WINDOW (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  g_assert_nonnull (overlay);
  jg_test_gui_spin (50);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (overlay)));
  gtk_widget_set_visible (GTK_WIDGET (overlay), FALSE);
}

/* A second tab on a machine that is already open shares its session (and
 * the jump host's): it connects too. */
static void
test_second_tab (void)
{
  JgHost *vm = add_vm ("vm-twice", NULL);
  JgTerminalPage *first = jg_window_connect (window, vm);
  JgTerminalPage *second;

  assert_connected (first);
  second = jg_window_connect (window, vm);
  assert_connected (second);
  {
    g_autofree char *log = jg_terminal_page_dup_log (second);

    g_assert_nonnull (strstr (log, "Using the already open session"));
  }
  jg_test_gui_close_tabs (window);
}

/* Collapsing a group hides its rows, by keyboard too; the filter keeps the
 * group collapsed. */
static void
test_collapse (void)
{
  JgSidebarModel *model = jg_window_get_sidebar_model (window);
  JgHost *vm = add_vm ("vm-collapse", NULL);
  JgSidebarNode *jump_node;
  JgMachineRow *row;
  guint all;

  jg_sidebar_model_flush (model);
  all = count_rows ();
  g_assert_true (tree_shows (vm));
  jump_node = jg_sidebar_model_lookup_node (model, JG_HOST (jump));
  g_assert_true (jg_sidebar_model_get_expanded (model, jump_node));

  row = jg_test_gui_find_row (window, JG_HOST (jump));
  gtk_widget_grab_focus (GTK_WIDGET (row));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (jg_window_get_list_view (window)),
                                             "win.row-collapse", NULL));
  g_assert_false (jg_sidebar_model_get_expanded (model, jump_node));
  g_assert_false (tree_shows (vm));
  g_assert_true (tree_shows (JG_HOST (jump)));
  g_assert_cmpuint (count_rows (), <, all);

  jg_sidebar_model_set_filter_text (model, "vm-collapse");
  g_assert_false (tree_shows (vm));
  jg_sidebar_model_set_filter_text (model, "");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (jg_window_get_list_view (window)),
                                             "win.row-expand", NULL));
  g_assert_true (tree_shows (vm));
  g_assert_cmpuint (count_rows (), ==, all);
}

/* A VM row's Connect opens a tab; typed text runs on the VM and its output
 * appears in the terminal. */
static void
test_connect_and_type (void)
{
  JgHost *vm = add_vm ("vm-type", NULL);
  AdwTabView *view = jg_window_get_tab_view (window);
  JgMachineRow *row = jg_test_gui_find_row (window, vm);
  JgTerminalPage *page;
  JgTerminal *terminal;
  g_autofree char *expected = NULL;
  const char *command = "echo \"jg-$((6*7))-[$SSH_CONNECTION]\"\n";

  g_assert_cmpint (adw_tab_view_get_n_pages (view), ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (row), "machine.connect", NULL));
  g_assert_cmpint (adw_tab_view_get_n_pages (view), ==, 1);

  page = selected_page ();
  g_assert_true (jg_terminal_page_get_host (page) == vm);
  assert_connected (page);
  g_assert_cmpstr (jg_terminal_page_get_title (page), !=, NULL);
  g_assert_true (g_str_has_prefix (jg_terminal_page_get_title (page), "vm-type"));

  terminal = jg_terminal_page_get_terminal (page);
  vte_terminal_feed_child (VTE_TERMINAL (terminal), command, -1);
  /* 42 is computed by the remote shell; SSH_CONNECTION names the VM's own
   * address, so this ran on the VM and not on the jump host. */
  expected = g_strdup ("jg-42-[");
  g_assert_true (jg_test_gui_wait_for_text (terminal, expected));
  g_assert_true (jg_test_gui_wait_for_text (terminal, lab_get ("JG_LAB_VM1_ADDR")));

  {
    g_autofree char *log = jg_terminal_page_dup_log (page);

    /* The per-tab log has both hops. */
    g_assert_nonnull (strstr (log, "lab-jump"));
    g_assert_nonnull (strstr (log, "vm-type"));
  }
  jg_test_gui_close_tabs (window);
}

typedef struct
{
  JgTerminal *terminal;
  long        rows;
  long        columns;
  int         attempt;
} SizeWait;

static gboolean
remote_size_matches (gpointer data)
{
  SizeWait *wait = data;
  g_autofree char *text = jg_terminal_dup_text (wait->terminal);
  g_autofree char *needle = g_strdup_printf ("SZ%d=%ld %ld.", wait->attempt, wait->rows,
                                             wait->columns);

  return text != NULL && strstr (text, needle) != NULL;
}

static gboolean
grid_is (gpointer data)
{
  SizeWait *wait = data;

  return vte_terminal_get_column_count (VTE_TERMINAL (wait->terminal)) != wait->columns;
}

/* Resizing the window resizes the remote pty: `stty size` on the VM says
 * what VTE's grid is. */
static void
test_resize (void)
{
  JgHost *vm = add_vm ("vm-resize", NULL);
  JgTerminalPage *page = jg_window_connect (window, vm);
  JgTerminal *terminal = jg_terminal_page_get_terminal (page);
  SizeWait wait = { terminal, 0, 0, 0 };
  int widths[] = { 900, 1200 };

  assert_connected (page);
  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      gboolean matched = FALSE;

      wait.columns = vte_terminal_get_column_count (VTE_TERMINAL (terminal));
      gtk_window_set_default_size (GTK_WINDOW (window), widths[i], 500 + 100 * i);
      g_assert_true (jg_test_gui_wait_for (grid_is, &wait, 5000));
      jg_test_gui_spin (100);

      wait.rows = vte_terminal_get_row_count (VTE_TERMINAL (terminal));
      wait.columns = vte_terminal_get_column_count (VTE_TERMINAL (terminal));
      g_test_message ("grid %ld×%ld", wait.columns, wait.rows);
      /* The resize and the keystrokes travel separately: ask a few times. */
      for (int attempt = 0; attempt < 10 && !matched; attempt++)
        {
          g_autofree char *cmd = NULL;

          wait.attempt = i * 100 + attempt;
          cmd = g_strdup_printf ("echo \"SZ%d=$(stty size).\"\n", wait.attempt);
          vte_terminal_feed_child (VTE_TERMINAL (terminal), cmd, -1);
          matched = jg_test_gui_wait_for (remote_size_matches, &wait, 1000);
        }
      g_assert_true (matched);
    }
  jg_test_gui_close_tabs (window);
}

static gboolean
menu_has_action (GMenuModel *menu,
                 const char *action,
                 char      **label)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *name = NULL;
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

      if (section != NULL && menu_has_action (section, action, label))
        return TRUE;
      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &name)
          && g_str_equal (name, action))
        {
          g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_LABEL, "s", label);
          return TRUE;
        }
    }
  return FALSE;
}

/* The right-click menu has Connect, and Connect from it connects. */
static void
test_context_menu (void)
{
  JgHost *vm = add_vm ("vm-menu", NULL);
  JgMachineRow *row = jg_test_gui_find_row (window, vm);
  g_autofree char *label = NULL;
  GtkWidget *popover;
  JgTerminalPage *page;

  g_assert_true (menu_has_action (jg_machine_row_get_menu_model (row), "machine.connect", &label));
  g_assert_cmpstr (label, ==, "_Connect");
  g_clear_pointer (&label, g_free);
  g_assert_true (menu_has_action (jg_machine_row_get_menu_model (row), "machine.copy-command", &label));
  g_assert_true (menu_has_action (jg_machine_row_get_menu_model (row), "machine.remove", NULL));
  g_clear_pointer (&label, g_free);
  g_assert_true (menu_has_action (jg_machine_row_get_menu_model (row), "machine.install-key", &label));
  g_assert_cmpstr (label, ==, "Install _Key…");
  g_clear_pointer (&label, g_free);

  /* "Install Key…" opens the key installer for this machine */
  {
    g_autofree char *heading = g_strdup_printf ("Install a Key on “%s”", jg_host_get_name (vm));
    g_autoptr(GList) toplevels = NULL;
    AdwMessageDialog *dialog = NULL;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (row), "machine.install-key", NULL));
    jg_test_gui_spin (50);
    toplevels = gtk_window_list_toplevels ();
    for (GList *l = toplevels; l != NULL; l = l->next)
      if (ADW_IS_MESSAGE_DIALOG (l->data)
          && g_strcmp0 (adw_message_dialog_get_heading (l->data), heading) == 0)
        dialog = l->data;
    g_assert_nonnull (dialog);
    g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
    gtk_window_destroy (GTK_WINDOW (dialog));
  }

  jg_machine_row_popup_menu (row, 10, 10);
  popover = jg_test_gui_find (GTK_WIDGET (row), GTK_TYPE_POPOVER_MENU);
  g_assert_nonnull (popover);
  jg_test_gui_spin (50);
  g_assert_true (gtk_widget_get_visible (popover));

  /* What the "Connect" item does. */
  g_assert_true (gtk_widget_activate_action (popover, "machine.connect", NULL));
  g_assert_false (gtk_widget_get_visible (popover));
  page = selected_page ();
  g_assert_true (jg_terminal_page_get_host (page) == vm);
  assert_connected (page);
  jg_test_gui_close_tabs (window);
}

static gboolean
prompt_shown (gpointer data)
{
  return jg_window_get_prompt_dialog (window) != NULL || page_settled (data);
}

/* An unknown host key is a question naming the hop and the fingerprint;
 * Accept connects and saves the key. */
static void
test_host_key_unknown (void)
{
  g_autofree char *known = g_build_filename (tmpdir, "known_hosts_empty", NULL);
  g_autofree char *saved = NULL;
  g_autofree char *body = NULL;
  JgTerminalPage *page;
  GtkWindow *dialog;
  JgHost *vm;

  g_assert_true (g_file_set_contents (known, "", 0, NULL));
  vm = add_vm ("vm-new-key", known);
  page = jg_window_connect (window, vm);

  g_assert_true (jg_test_gui_wait_for (prompt_shown, page, TIMEOUT_MS));
  dialog = jg_window_get_prompt_dialog (window);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Unknown Host Key");
  body = g_strdup (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)));
  g_assert_nonnull (strstr (body, lab_get ("JG_LAB_VM1_FINGERPRINT")));
  g_assert_nonnull (strstr (body, "vm-new-key"));
  g_assert_nonnull (strstr (body, "lab-jump"));      /* reached through */
  g_assert_nonnull (strstr (body, "ssh-ed25519"));
  jg_test_gui_spin (300);
  jg_test_gui_screenshot (GTK_WIDGET (dialog), "host-key-dialog");

  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "accept");
  assert_connected (page);
  g_assert_null (jg_window_get_prompt_dialog (window));

  g_assert_true (g_file_get_contents (known, &saved, NULL, NULL));
  g_assert_nonnull (strstr (saved, lab_get ("JG_LAB_VM1_KNOWN_HOST")));
  jg_test_gui_close_tabs (window);
}

static gboolean
is_mapped_status_page (GtkWidget     *widget,
                       gconstpointer  title)
{
  return ADW_IS_STATUS_PAGE (widget) && gtk_widget_get_mapped (widget)
         && g_strcmp0 (adw_status_page_get_title (ADW_STATUS_PAGE (widget)), title) == 0;
}

static GtkWidget *
find_mapped_status_page (GtkWidget  *widget,
                         const char *title)
{
  return jg_test_gui_find_where (widget, is_mapped_status_page, title);
}

/* A changed host key is an error page in the tab, never a question. */
static void
test_host_key_changed (void)
{
  g_autofree char *known = g_build_filename (tmpdir, "known_hosts_wrong", NULL);
  g_autofree char *other_key = NULL;
  g_autofree char *line = NULL;
  g_auto(GStrv) fields = NULL;
  JgTerminalPage *page;
  const GError *error;
  JgHost *vm;

  /* vm1's name with the jump host's key. */
  g_assert_true (g_file_get_contents (lab_get ("JG_LAB_JUMP_HOSTKEY"), &other_key, NULL, NULL));
  fields = g_strsplit (g_strstrip (other_key), " ", 3);
  line = g_strdup_printf ("%s %s %s\n", lab_get ("JG_LAB_VM1_KNOWN_HOST"), fields[0], fields[1]);
  g_assert_true (g_file_set_contents (known, line, -1, NULL));

  vm = add_vm ("vm-changed-key", known);
  page = jg_window_connect (window, vm);
  g_assert_true (jg_test_gui_wait_for (prompt_shown, page, TIMEOUT_MS));
  g_assert_null (jg_window_get_prompt_dialog (window));
  g_assert_cmpuint (jg_terminal_page_get_state (page), ==, JG_TERMINAL_PAGE_FAILED);
  error = jg_terminal_page_get_error (page);
  g_assert_error ((GError *) error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_HOST_KEY_CHANGED);
  jg_test_gui_spin (100);
  g_assert_nonnull (find_mapped_status_page (GTK_WIDGET (page), "Host Key Changed"));
  jg_terminal_page_set_show_log (page, TRUE);
  jg_test_gui_spin (500);
  jg_test_gui_screenshot (GTK_WIDGET (window), "host-key-changed");
  /* The file was not touched. */
  {
    g_autofree char *after = NULL;

    g_assert_true (g_file_get_contents (known, &after, NULL, NULL));
    g_assert_cmpstr (after, ==, line);
  }
  jg_test_gui_close_tabs (window);
}

static gboolean
is_button_labelled (GtkWidget     *widget,
                    gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static GtkButton *
find_button (GtkWidget  *widget,
             const char *label)
{
  return GTK_BUTTON (jg_test_gui_find_where (widget, is_button_labelled, label));
}

static gboolean
undo_button_shown (gpointer data)
{
  return find_button (GTK_WIDGET (window), "_Undo") != NULL;
}

/* Remove takes the machine out (and out of machines.json); Undo in the
 * toast puts it back where it was. */
static void
test_remove_undo (void)
{
  JgHost *vm = add_vm ("vm-remove", NULL);
  g_autofree char *id = g_strdup (jg_host_get_id (vm));
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  guint position, n;
  JgMachineRow *row = jg_test_gui_find_row (window, vm);

  g_object_ref (vm);
  n = g_list_model_get_n_items (G_LIST_MODEL (inventory));
  for (position = 0; position < n; position++)
    {
      g_autoptr(JgHost) item = g_list_model_get_item (G_LIST_MODEL (inventory), position);

      if (item == vm)
        break;
    }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (row), "machine.remove", NULL));
  g_assert_null (jg_inventory_find_by_id (inventory, id));
  g_assert_null (jg_sidebar_model_lookup_node (jg_window_get_sidebar_model (window), vm));
  g_assert_true (jg_application_save_now (app, &error));
  g_assert_no_error (error);
  path = g_strdup (jg_store_get_path (jg_application_get_store (app)));
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_null (strstr (contents, id));
  g_clear_pointer (&contents, g_free);

  g_assert_true (jg_test_gui_wait_for (undo_button_shown, NULL, 5000));
  g_signal_emit_by_name (find_button (GTK_WIDGET (window), "_Undo"), "clicked");
  jg_test_gui_spin (50);

  g_assert_true (jg_inventory_find_by_id (inventory, id) == vm);
  {
    g_autoptr(JgHost) again = g_list_model_get_item (G_LIST_MODEL (inventory), position);

    g_assert_true (again == vm);
  }
  g_assert_nonnull (jg_sidebar_model_lookup_node (jg_window_get_sidebar_model (window), vm));
  g_assert_nonnull (jg_test_gui_find_row (window, vm));
  g_assert_true (jg_application_save_now (app, &error));
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, id));
  g_object_unref (vm);
}

/* The filter keeps matching machines (by name or address) and their groups. */
static void
test_filter (void)
{
  JgSidebarModel *model = jg_window_get_sidebar_model (window);
  g_autoptr(JgHost) own = jg_test_lab_host (lab, JG_TYPE_MACHINE, "my-laptop", "OWN", NULL, NULL);
  JgHost *vm = add_vm ("filter-target-vm", NULL);
  guint all;

  jg_inventory_add (inventory, own);
  jg_sidebar_model_flush (model);
  all = count_rows ();
  g_assert_true (tree_shows (vm) && tree_shows (own));

  jg_sidebar_model_set_filter_text (model, "FILTER-target");
  g_assert_true (tree_shows (vm));
  g_assert_true (tree_shows (JG_HOST (jump)));   /* its group */
  g_assert_false (tree_shows (own));
  /* Section, jump host, the one machine. */
  g_assert_cmpuint (count_rows (), ==, 3);

  /* every word, in any order */
  jg_sidebar_model_set_filter_text (model, "target  FILTER");
  g_assert_true (tree_shows (vm));
  g_assert_cmpuint (count_rows (), ==, 3);
  jg_sidebar_model_set_filter_text (model, "filter-target no-such-word");
  g_assert_cmpuint (count_rows (), ==, 0);

  jg_sidebar_model_set_filter_text (model, lab_get ("JG_LAB_OWN_NAME"));
  g_assert_true (tree_shows (own));
  g_assert_false (tree_shows (vm));

  jg_sidebar_model_set_filter_text (model, "no such machine");
  g_assert_cmpuint (count_rows (), ==, 0);
  g_assert_false (jg_sidebar_model_get_has_matches (model));

  jg_sidebar_model_set_filter_text (model, "");
  g_assert_cmpuint (count_rows (), ==, all);
  jg_inventory_remove (inventory, own, NULL);
}

/* Whether @data's (a JgWindow) list can scroll over all its rows: at
 * least 30 px each. */
static gboolean
list_covers_rows (gpointer data)
{
  GtkListView *list = jg_window_get_list_view (data);
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list));
  guint n = jg_sidebar_model_get_n_rows (jg_window_get_sidebar_model (data));

  return gtk_adjustment_get_upper (adjustment) >= n * 30.0;
}

static gboolean
row_on_screen (gpointer host)
{
  JgMachineRow *row = jg_test_gui_lookup_row (window, host);

  return row != NULL && gtk_widget_get_mapped (GTK_WIDGET (row))
         && gtk_widget_get_height (GTK_WIDGET (row)) > 0;
}

/* A list longer than the rows GTK keeps scrolls to its end: in a window
 * opened on it, and after a search was typed and cleared (the rows out of
 * sight are shown after the frame, and none is left out). */
static void
test_long_list (void)
{
  g_autoptr(GPtrArray) vms = g_ptr_array_new_with_free_func (g_object_unref);
  GtkAdjustment *adjustment;
  JgWindow *second;

  for (guint i = 0; i < 600; i++)
    {
      g_autofree char *name = g_strdup_printf ("bulk-%03u", i);

      g_ptr_array_add (vms, jg_test_lab_host (lab, JG_TYPE_MACHINE, name, "VM1", JG_HOST (jump),
                                              NULL));
      jg_inventory_add (inventory, g_ptr_array_index (vms, i));
    }
  jg_sidebar_model_flush (jg_window_get_sidebar_model (window));
  g_assert_cmpuint (count_rows (), >, 600);
  g_assert_true (jg_test_gui_wait_for (list_covers_rows, window, 5000));

  /* typed and cleared */
  jg_window_start_search (window, "bulk-59");
  jg_test_gui_spin (100);
  g_assert_cmpuint (count_rows (), <, 20);
  jg_window_start_search (window, "");
  jg_test_gui_spin (100);
  g_assert_cmpuint (count_rows (), >, 600);
  g_assert_true (jg_test_gui_wait_for (list_covers_rows, window, 5000));
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (jg_window_get_list_view (window)));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  g_assert_true (jg_test_gui_wait_for (row_on_screen, g_ptr_array_index (vms, 599), 5000));
  gtk_adjustment_set_value (adjustment, 0);

  /* a window that opens on the long list */
  second = jg_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (second), 900, 600);
  gtk_window_present (GTK_WINDOW (second));
  g_assert_true (jg_test_gui_wait_for (list_covers_rows, second, 5000));
  gtk_window_destroy (GTK_WINDOW (second));

  for (guint i = 0; i < vms->len; i++)
    jg_inventory_remove (inventory, g_ptr_array_index (vms, i), NULL);
  gtk_window_present (GTK_WINDOW (window));
}

static gboolean
is_entry_row_titled (GtkWidget     *widget,
                     gconstpointer  title)
{
  return ADW_IS_ENTRY_ROW (widget)
         && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static GtkEditable *
find_entry_row (GtkWidget  *widget,
                const char *title)
{
  return GTK_EDITABLE (jg_test_gui_find_where (widget, is_entry_row_titled, title));
}

/* Invalid input is marked and cannot be saved; valid input is. */
static void
test_editor_validation (void)
{
  JgHost *vm = add_vm ("vm-edit", NULL);
  GtkWindow *editor = jg_window_edit_host (window, vm);
  GtkEditable *port = find_entry_row (GTK_WIDGET (editor), "Port (22 if empty)");
  GtkEditable *name = find_entry_row (GTK_WIDGET (editor), "Name");

  g_assert_nonnull (port);
  g_assert_true (jg_machine_editor_is_valid (JG_MACHINE_EDITOR (editor)));

  gtk_editable_set_text (port, "99999");
  g_assert_false (jg_machine_editor_is_valid (JG_MACHINE_EDITOR (editor)));
  jg_test_gui_spin (300);
  jg_test_gui_screenshot (GTK_WIDGET (editor), "editor-invalid");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (port), "error"));
  g_assert_false (jg_machine_editor_save (JG_MACHINE_EDITOR (editor)));
  g_assert_cmpuint (jg_host_get_port (vm), ==, 22);

  gtk_editable_set_text (port, "2200");
  gtk_editable_set_text (name, "lab-jump");   /* taken */
  g_assert_false (jg_machine_editor_is_valid (JG_MACHINE_EDITOR (editor)));
  gtk_editable_set_text (name, "vm-edited");
  g_assert_true (jg_machine_editor_is_valid (JG_MACHINE_EDITOR (editor)));
  g_assert_true (jg_machine_editor_save (JG_MACHINE_EDITOR (editor)));
  g_assert_cmpuint (jg_host_get_port (vm), ==, 2200);
  g_assert_cmpstr (jg_host_get_name (vm), ==, "vm-edited");
  gtk_window_destroy (editor);

  {
    g_autofree char *cmd = jg_window_dup_ssh_command (window, vm);
    g_autofree char *expected = g_strdup_printf ("-J %s@%s", lab_get ("JG_LAB_USER"),
                                                 lab_get ("JG_LAB_JUMP_NAME"));

    g_assert_true (g_str_has_prefix (cmd, "ssh -J "));
    g_assert_nonnull (strstr (cmd, expected));
    g_assert_nonnull (strstr (cmd, " -p 2200 "));
    g_assert_true (g_str_has_suffix (cmd, lab_get ("JG_LAB_VM1_NAME")));
  }
}

static AdwMessageDialog *
find_message_dialog (GtkWindow *parent)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel) && gtk_widget_get_visible (toplevel)
          && gtk_window_get_transient_for (GTK_WINDOW (toplevel)) == parent)
        return ADW_MESSAGE_DIALOG (toplevel);
    }
  return NULL;
}

/* Disconnect and Remove for an own machine with a Jumpgate key: the
 * dialog shows the exact --uninstall command; confirming removes it. */
static void
test_disconnect_remove (void)
{
  static const char pub[] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl test";
  g_autoptr(JgHost) own = jg_test_lab_host (lab, JG_TYPE_MACHINE, "own-disconnect", "OWN",
                                            NULL, NULL);
  g_autoptr(JgKey) key = jg_key_new_from_public_line (pub, NULL);
  g_autofree char *id = g_strdup (jg_host_get_id (own));
  g_autofree char *command = jg_install_script_uninstall_command (id);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  JgKeyList *keys = jg_key_list_get_default (&error);
  GtkWindow *editor;
  AdwMessageDialog *dialog;
  GtkWidget *label;

  g_assert_no_error (error);
  g_assert_nonnull (key);
  jg_key_set_id (key, "4c1d7f0e-0d7a-4e3b-9a52-disconnect00");
  jg_key_set_name (key, "enrolled");
  jg_key_list_add (keys, key);
  jg_host_set_auth (own, JG_AUTH_KEY);
  jg_host_set_key_id (own, jg_key_get_id (key));
  jg_inventory_add (inventory, own);

  editor = jg_window_edit_host (window, own);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.disconnect", NULL));
  jg_test_gui_spin (100);
  dialog = find_message_dialog (editor);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "keeps running"));
  label = adw_message_dialog_get_extra_child (dialog);
  g_assert_true (GTK_IS_LABEL (label));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, command);
  g_assert_true (g_str_has_suffix (command, ".sh --uninstall"));
  g_assert_nonnull (strstr (command, id));
  jg_test_gui_screenshot (GTK_WIDGET (dialog), "disconnect-remove");

  adw_message_dialog_response (dialog, "remove");
  jg_test_gui_spin (100);
  g_assert_null (jg_inventory_find_by_id (inventory, id));
  g_assert_true (jg_application_save_now (app, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (jg_store_get_path (jg_application_get_store (app)),
                                      &contents, NULL, NULL));
  g_assert_null (strstr (contents, id));
  jg_key_list_remove (keys, key);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *config = NULL;
  int status;

  tmpdir = g_dir_make_tmp ("jg-test-gui-XXXXXX", NULL);
  config = g_build_filename (tmpdir, "config", NULL);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* As g_application_run() does: this thread owns the main context
   * throughout. (The connection core delivers through sources attached to
   * the caller's context, so this is no longer what keeps its callbacks out
   * of its worker threads; /gui/second-tab checks what went wrong before.) */
  g_assert_true (g_main_context_acquire (NULL));

  lab = jg_test_lab_start (&error);
  if (lab == NULL)
    {
      g_test_message ("the SSH lab could not start: %s", error->message);
      g_test_add_func ("/gui/skipped", (GTestFunc) g_test_incomplete);
    }
  else
    {
      app = jg_application_new ();
      g_application_set_flags (G_APPLICATION (app),
                               G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_COMMAND_LINE);
      g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
      g_assert_no_error (error);
      g_assert_null (jg_application_get_load_error (app));
      inventory = jg_application_get_inventory (app);

      jump = JG_JUMP_HOST (jg_test_lab_host (lab, JG_TYPE_JUMP_HOST, "lab-jump", "JUMP",
                                             NULL, NULL));
      jg_inventory_add (inventory, JG_HOST (jump));

      window = jg_window_new (app);
      gtk_window_set_default_size (GTK_WINDOW (window), 1100, 700);
      gtk_window_present (GTK_WINDOW (window));
      jg_test_gui_spin (200);

      g_test_add_func ("/gui/nothing-selected", test_nothing_selected);
      g_test_add_func ("/gui/connect-and-type", test_connect_and_type);
      g_test_add_func ("/gui/second-tab", test_second_tab);
      g_test_add_func ("/gui/menus", test_menus);
      g_test_add_func ("/gui/resize", test_resize);
      g_test_add_func ("/gui/context-menu", test_context_menu);
      g_test_add_func ("/gui/host-key-unknown", test_host_key_unknown);
      g_test_add_func ("/gui/host-key-changed", test_host_key_changed);
      g_test_add_func ("/gui/remove-undo", test_remove_undo);
      g_test_add_func ("/gui/filter", test_filter);
      g_test_add_func ("/gui/long-list", test_long_list);
      g_test_add_func ("/gui/collapse", test_collapse);
      g_test_add_func ("/gui/editor-validation", test_editor_validation);
      g_test_add_func ("/gui/disconnect-remove", test_disconnect_remove);
    }

  status = g_test_run ();

  if (window != NULL)
    {
      jg_test_gui_close_tabs (window);
      gtk_window_destroy (GTK_WINDOW (window));
      jg_test_gui_spin (100);
    }
  g_clear_object (&jump);
  g_clear_object (&app);
  g_clear_pointer (&lab, jg_test_lab_stop);
  g_main_context_release (NULL);
  return status;
}
