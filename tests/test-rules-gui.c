/* test-rules-gui.c — jump rules and quick connect in the window, against the SSH lab
 *
 * The person imports the bastion config of the issue (`Host *.lab`, `User`,
 * `ProxyCommand ssh %r@jump nc %h %p`, `Host jump`): the sidebar shows the
 * jump host with "Any host matching *.lab" under it; typing vm1.lab in
 * quick connect says it goes through the jump host, Enter reaches the VM
 * (the jump host's sshd logs the login), and Save keeps the machine under
 * that jump host. Rules are edited in the jump host's editor; Add Virtual
 * Machine takes the jump host from the rule that matches.
 *
 * Runs under tests/gui/xvfb-wrapper with GSK_RENDERER=cairo; with
 * JG_TEST_SCREENSHOTS=DIR the new UI is saved as DIR/rules-*.png.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/wait.h>

#include "jg-application.h"
#include "jg-import.h"
#include "jg-machine-editor.h"
#include "jg-rules-group.h"
#include "jg-test-gui.h"
#include "jg-test-lab.h"
#include "jg-window.h"

#define TIMEOUT_MS 20000

static JgTestLab *lab;
static JgApplication *app;
static JgWindow *window;
static JgInventory *inventory;
static JgHost *jump;
static char *tmpdir;
static char *home;

static const char *
lab_get (const char *key)
{
  const char *value = jg_test_lab_get (lab, key);

  g_assert_nonnull (value);
  return value;
}

/* The preferences row of @type whose title starts with @title_prefix. */
typedef struct
{
  GType       type;
  const char *title_prefix;
} RowQuery;

static gboolean
is_row_titled (GtkWidget     *widget,
               gconstpointer  data)
{
  const RowQuery *query = data;

  return G_TYPE_CHECK_INSTANCE_TYPE (widget, query->type)
         && g_str_has_prefix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)),
                              query->title_prefix);
}

static GtkWidget *
find_row (GtkWidget  *widget,
          GType       type,
          const char *title_prefix)
{
  RowQuery query = { type, title_prefix };

  return jg_test_gui_find_where (widget, is_row_titled, &query);
}

static GtkEditable *
find_entry_row (GtkWidget  *widget,
                const char *title_prefix)
{
  return GTK_EDITABLE (find_row (widget, ADW_TYPE_ENTRY_ROW, title_prefix));
}

/* The one open machine editor. */
static JgMachineEditor *
open_editor (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* transfer none */
  JgMachineEditor *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (JG_IS_MACHINE_EDITOR (item) && gtk_widget_get_visible (GTK_WIDGET (item)))
        {
          g_assert_null (found);
          found = JG_MACHINE_EDITOR (item);
        }
    }
  return found;
}

/* The position in the sidebar of the row showing @host, or of the first rule row
 * (@host NULL). */
static guint
tree_position (JgHost *host)
{
  JgSidebarModel *model = jg_window_get_sidebar_model (window);

  jg_sidebar_model_flush (model);
  for (guint i = 0; i < jg_sidebar_model_get_n_rows (model); i++)
    {
      JgSidebarNode *node = jg_sidebar_model_get_node (model, i);

      if (host != NULL ? jg_sidebar_node_get_host (node) == host
                       : jg_sidebar_node_get_kind (node) == JG_SIDEBAR_NODE_RULE)
        return i;
    }
  return G_MAXUINT;
}

static JgSidebarNode *
tree_node (guint position)
{
  JgSidebarNode *node = jg_sidebar_model_get_node (jg_window_get_sidebar_model (window), position);

  g_assert_nonnull (node);
  return g_object_ref (node);
}

static guint
count_rule_rows (void)
{
  JgSidebarModel *model = jg_window_get_sidebar_model (window);
  guint n = 0;

  jg_sidebar_model_flush (model);
  for (guint i = 0; i < jg_sidebar_model_get_n_rows (model); i++)
    {
      JgSidebarNode *node = jg_sidebar_model_get_node (model, i);

      n += jg_sidebar_node_get_kind (node) == JG_SIDEBAR_NODE_RULE;
    }
  return n;
}

static gboolean
page_settled (gpointer data)
{
  JgTerminalPageState state = jg_terminal_page_get_state (data);

  return state != JG_TERMINAL_PAGE_CONNECTING && state != JG_TERMINAL_PAGE_IDLE;
}

/* Whether the tab's "… is not saved [Save…]" bar shows. */
static gboolean
save_bar_shown (JgTerminalPage *page)
{
  GtkWidget *widget = GTK_WIDGET (page);
  GtkWidget *button = NULL;

  while (widget != NULL && button == NULL)
    {
      if (GTK_IS_BUTTON (widget) &&
          g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "page.save-host") == 0)
        button = widget;
      else if (gtk_widget_get_first_child (widget) != NULL)
        widget = gtk_widget_get_first_child (widget);
      else
        {
          while (widget != GTK_WIDGET (page) && gtk_widget_get_next_sibling (widget) == NULL)
            widget = gtk_widget_get_parent (widget);
          widget = widget == GTK_WIDGET (page) ? NULL : gtk_widget_get_next_sibling (widget);
        }
    }
  g_assert_nonnull (button);
  widget = gtk_widget_get_ancestor (button, GTK_TYPE_REVEALER);
  return widget != NULL && gtk_revealer_get_reveal_child (GTK_REVEALER (widget));
}

/* ------------------------------------------------------------------ tests */

/* The import made the jump host and its rule, no machines; the sidebar
 * shows "Any host matching *.lab" under the jump host, and activating it
 * starts quick connect with ".lab". */
static void
test_sidebar (void)
{
  JgQuickConnect *qc = jg_window_get_quick_connect (window);
  g_autoptr(JgSidebarNode) node = NULL;
  guint jump_at, rule_at;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (inventory)), ==, 1);
  g_assert_true (JG_IS_JUMP_HOST (jump));
  jump_at = tree_position (jump);
  rule_at = tree_position (NULL);
  g_assert_cmpuint (jump_at, !=, G_MAXUINT);
  g_assert_cmpuint (rule_at, ==, jump_at + 1);
  node = tree_node (rule_at);
  g_assert_cmpstr (jg_sidebar_node_get_title (node), ==, "Any host matching *.lab");
  g_assert_true (jg_sidebar_node_get_jump_host (node) == JG_JUMP_HOST (jump));
  g_assert_null (jg_sidebar_node_get_host (node));
  g_assert_cmpuint (count_rule_rows (), ==, 1);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (jg_window_get_list_view (window)),
                                             "list.activate-item", "u", rule_at));
  g_assert_cmpstr (gtk_editable_get_text (jg_quick_connect_get_editable (qc)), ==, ".lab");
  g_assert_cmpint (gtk_editable_get_position (jg_quick_connect_get_editable (qc)), ==, 0);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (jg_quick_connect_get_editable (qc))) ||
                 gtk_widget_is_focus (gtk_root_get_focus (GTK_ROOT (window))));
  gtk_editable_set_text (jg_quick_connect_get_editable (qc), "");
}

/* While typing, the line under the entry says where the text leads. */
static void
test_quick_connect_hints (void)
{
  JgQuickConnect *qc = jg_window_get_quick_connect (window);
  GtkEditable *entry = jg_quick_connect_get_editable (qc);

  gtk_editable_set_text (entry, "");
  g_assert_null (jg_quick_connect_get_hint (qc));

  gtk_editable_set_text (entry, "vm1.lab");
  g_assert_cmpstr (jg_quick_connect_get_hint (qc), ==, "Through jump host “jump” (rule *.lab)");
  g_assert_false (jg_quick_connect_get_hint_is_error (qc));

  gtk_editable_set_text (entry, "someone@vm-0.student.lab:2222");
  g_assert_cmpstr (jg_quick_connect_get_hint (qc), ==, "Through jump host “jump” (rule *.lab)");

  gtk_editable_set_text (entry, "ssh://127.0.0.1:2222");
  g_assert_cmpstr (jg_quick_connect_get_hint (qc), ==, "Directly, without a jump host");

  gtk_editable_set_text (entry, "vm1 .lab");
  g_assert_true (jg_quick_connect_get_hint_is_error (qc));
  g_assert_nonnull (strstr (jg_quick_connect_get_hint (qc), "cannot contain spaces"));

  /* Saved machines are suggested, and their name is a saved destination. */
  jg_quick_connect_start (qc, "ju", -1);
  g_assert_cmpuint (jg_quick_connect_get_n_suggestions (qc), ==, 1);
  g_assert_true (jg_quick_connect_get_suggestion (qc, 0) == jump);
  jg_test_gui_screen_shot ("rules-suggestions");
  gtk_editable_set_text (entry, "jump");
  g_assert_cmpstr (jg_quick_connect_get_hint (qc), ==, "Opens the saved machine “jump”");

  gtk_editable_set_text (entry, "");
}

/* Enter in quick connect reaches the VM through the jump host; the tab
 * offers Save, which keeps the machine under the rule's jump host. */
static void
test_quick_connect_and_save (void)
{
  JgQuickConnect *qc = jg_window_get_quick_connect (window);
  g_autofree char *login = g_strdup_printf ("Accepted publickey for %s", lab_get ("JG_LAB_USER"));
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  int jump_before = jg_test_lab_count_log (lab, "jump", login);
  int vm_before = jg_test_lab_count_log (lab, "vm1", login);
  AdwTabView *view = jg_window_get_tab_view (window);
  JgTerminalPage *page;
  JgMachineEditor *editor;
  JgHost *host;
  JgTestTextWait wait;

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.quick-connect", NULL));
  gtk_editable_set_text (jg_quick_connect_get_editable (qc), "vm1.lab");
  jg_test_gui_spin (100);
  jg_test_gui_screenshot (GTK_WIDGET (window), "rules-quick-connect");
  g_assert_true (jg_quick_connect_activate (qc));
  g_assert_cmpint (adw_tab_view_get_n_pages (view), ==, 1);
  g_assert_cmpstr (gtk_editable_get_text (jg_quick_connect_get_editable (qc)), ==, "");

  page = JG_TERMINAL_PAGE (adw_tab_page_get_child (adw_tab_view_get_selected_page (view)));
  host = jg_terminal_page_get_host (page);
  g_assert_cmpstr (jg_host_get_hostname (host), ==, "vm1.lab");
  g_assert_null (jg_inventory_find_by_id (inventory, jg_host_get_id (host)));
  g_assert_true (jg_test_gui_wait_for (page_settled, page, TIMEOUT_MS));
  if (jg_terminal_page_get_state (page) != JG_TERMINAL_PAGE_CONNECTED)
    {
      g_autofree char *log = jg_terminal_page_dup_log (page);

      g_test_message ("log:\n%s", log);
      g_assert_no_error ((GError *) jg_terminal_page_get_error (page));
    }

  /* It ran on the VM: computed there, and its own address. */
  vte_terminal_feed_child (VTE_TERMINAL (jg_terminal_page_get_terminal (page)),
                           "echo \"quick-$((6*7)) [$SSH_CONNECTION]\"\n", -1);
  wait = (JgTestTextWait) { jg_terminal_page_get_terminal (page), "quick-42 [" };
  g_assert_true (jg_test_gui_wait_for (jg_test_gui_terminal_has, &wait, TIMEOUT_MS));
  wait.needle = lab_get ("JG_LAB_VM1_ADDR");
  g_assert_true (jg_test_gui_wait_for (jg_test_gui_terminal_has, &wait, TIMEOUT_MS));
  g_assert_cmpint (jg_test_lab_count_log (lab, "jump", login), ==, jump_before + 1);
  g_assert_cmpint (jg_test_lab_count_log (lab, "vm1", login), ==, vm_before + 1);
  g_assert_true (save_bar_shown (page));
  jg_test_gui_screenshot (GTK_WIDGET (window), "rules-tab-save");

  /* Save… opens the editor, prefilled; Add keeps it under the jump host. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "page.save-host", NULL));
  editor = open_editor ();
  g_assert_nonnull (editor);
  g_assert_true (jg_machine_editor_get_host (editor) == host);
  g_assert_cmpstr (gtk_editable_get_text (find_entry_row (GTK_WIDGET (editor), "Name")), ==, "vm1.lab");
  g_assert_cmpstr (gtk_editable_get_text (find_entry_row (GTK_WIDGET (editor), "Host Name")), ==,
                   "vm1.lab");
  jg_test_gui_screenshot (GTK_WIDGET (editor), "rules-save-editor");
  g_assert_true (jg_machine_editor_is_valid (editor));
  g_assert_true (jg_machine_editor_save (editor));
  gtk_window_destroy (GTK_WINDOW (editor));

  g_assert_true (jg_inventory_find_by_id (inventory, jg_host_get_id (host)) == host);
  g_assert_cmpstr (jg_host_get_jump_id (host), ==, jg_host_get_id (jump));
  g_assert_true (JG_IS_MACHINE (host));
  g_assert_cmpint (jg_machine_get_kind (JG_MACHINE (host)), ==, JG_MACHINE_KIND_VIRTUAL);
  g_assert_false (save_bar_shown (page));
  /* In the sidebar, under the jump host, before its rule. */
  g_assert_cmpuint (tree_position (host), ==, tree_position (jump) + 1);
  g_assert_cmpuint (tree_position (NULL), ==, tree_position (jump) + 2);
  /* And in machines.json. */
  g_assert_true (jg_application_save_now (app, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (jg_store_get_path (jg_application_get_store (app)), &contents,
                                      NULL, NULL));
  g_assert_nonnull (strstr (contents, "\"host\" : \"vm1.lab\""));
  g_assert_nonnull (strstr (contents, jg_host_get_id (host)));

  jg_test_gui_close_tabs (window);
  /* Next time, vm1.lab is the saved machine. */
  gtk_editable_set_text (jg_quick_connect_get_editable (qc), "vm1.lab");
  g_assert_cmpstr (jg_quick_connect_get_hint (qc), ==, "Opens the saved machine “vm1.lab”");
  gtk_editable_set_text (jg_quick_connect_get_editable (qc), "");
}

/* What is not a host is refused before anything connects. */
static void
test_quick_connect_bad_input (void)
{
  JgQuickConnect *qc = jg_window_get_quick_connect (window);
  GtkEditable *entry = jg_quick_connect_get_editable (qc);
  static const char *bad[] = { "vm1.lab:0", "@vm1.lab", "vm1 vm2", "*.lab", "vm1.lab:65536" };
  int before = jg_test_lab_count_log (lab, "jump", "Connection from");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      gtk_editable_set_text (entry, bad[i]);
      g_assert_false (jg_quick_connect_activate (qc));
      g_assert_true (jg_quick_connect_get_hint_is_error (qc));
      g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (entry), "error"));
      g_assert_cmpint (adw_tab_view_get_n_pages (jg_window_get_tab_view (window)), ==, 0);
      g_assert_cmpstr (gtk_editable_get_text (entry), ==, bad[i]);   /* kept to correct */
    }
  jg_test_gui_screenshot (GTK_WIDGET (window), "rules-bad-input");
  jg_test_gui_spin (200);
  g_assert_cmpint (jg_test_lab_count_log (lab, "jump", "Connection from"), ==, before);
  gtk_editable_set_text (entry, "");
}

/* The button at or below @widget whose accessible label (its tooltip) is
 * @label. */
static gboolean
is_button_with_tooltip (GtkWidget     *widget,
                        gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_widget_get_tooltip_text (widget), label) == 0;
}

static GtkWidget *
find_button_by_label (GtkWidget  *widget,
                      const char *label)
{
  return jg_test_gui_find_where (widget, is_button_with_tooltip, label);
}

/* The jump host's editor lists its rules; a pattern that can never match
 * is flagged and keeps Save off; a good one is saved and shown. */
static void
test_rules_editor (void)
{
  GtkWindow *editor = jg_window_edit_host (window, jump);
  JgRulesGroup *group = JG_RULES_GROUP (jg_test_gui_find (GTK_WIDGET (editor), JG_TYPE_RULES_GROUP));
  GtkWidget *row, *move_up;
  GtkEditable *patterns;
  GPtrArray *rules;

  g_assert_nonnull (group);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (group)));
  g_assert_cmpuint (jg_rules_group_get_n_rules (group), ==, 1);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (jg_rules_group_get_row (group, 0))),
                   ==, "Any host matching *.lab");
  g_assert_true (jg_machine_editor_is_valid (JG_MACHINE_EDITOR (editor)));

  row = jg_rules_group_add_rule (group);
  g_assert_false (jg_machine_editor_is_valid (JG_MACHINE_EDITOR (editor)));
  patterns = find_entry_row (row, "Host Patterns");
  g_assert_nonnull (patterns);

  gtk_editable_set_text (patterns, "!*");
  g_assert_false (jg_machine_editor_is_valid (JG_MACHINE_EDITOR (editor)));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (patterns), "error"));
  g_assert_nonnull (strstr (jg_rules_group_get_problem (group), "can never match"));
  gtk_editable_set_text (patterns, "*.test !*.test");
  g_assert_false (jg_machine_editor_is_valid (JG_MACHINE_EDITOR (editor)));
  gtk_window_set_default_size (editor, 620, 900);
  jg_test_gui_screenshot (GTK_WIDGET (editor), "rules-editor-never-matches");

  gtk_editable_set_text (patterns, "*.test  !db.test");
  gtk_editable_set_text (find_entry_row (row, "Port"), "2200");
  g_assert_true (jg_machine_editor_is_valid (JG_MACHINE_EDITOR (editor)));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (patterns), "error"));
  jg_test_gui_screenshot (GTK_WIDGET (editor), "rules-editor");

  /* The first rule that matches wins: the new one moves first, by its
   * "Move Rule Up" button (the first rule's is off). */
  move_up = find_button_by_label (row, "Move Rule Up");
  g_assert_nonnull (move_up);
  g_assert_false (gtk_widget_get_sensitive (find_button_by_label (jg_rules_group_get_row (group, 0),
                                                                  "Move Rule Up")));
  g_assert_true (gtk_widget_get_sensitive (move_up));
  g_signal_emit_by_name (move_up, "clicked");
  g_assert_true (jg_rules_group_get_row (group, 0) == row);
  g_assert_false (gtk_widget_get_sensitive (move_up));
  g_assert_true (jg_machine_editor_is_valid (JG_MACHINE_EDITOR (editor)));
  g_assert_true (jg_machine_editor_save (JG_MACHINE_EDITOR (editor)));
  gtk_window_destroy (editor);

  rules = jg_jump_host_get_rules (JG_JUMP_HOST (jump));
  g_assert_cmpuint (rules->len, ==, 2);
  g_assert_cmpstr (((JgJumpRule *) rules->pdata[1])->patterns, ==, "*.lab");
  g_assert_true (((JgJumpRule *) rules->pdata[1])->jump_user_from_target);
  g_assert_cmpstr (((JgJumpRule *) rules->pdata[0])->patterns, ==, "*.test !db.test");
  g_assert_cmpuint (((JgJumpRule *) rules->pdata[0])->port, ==, 2200);
  g_assert_cmpuint (count_rule_rows (), ==, 2);
  jg_test_gui_screenshot (GTK_WIDGET (window), "rules-sidebar");

  jg_jump_host_remove_rule (JG_JUMP_HOST (jump), 0);
  g_assert_cmpuint (count_rule_rows (), ==, 1);
}

/* Add Virtual Machine: the jump host follows the rule matching the host
 * name as it is typed; without a match it is the default again. */
static void
test_add_vm_prefill (void)
{
  g_autoptr(JgJumpHost) other = jg_jump_host_new ();
  JgMachineEditor *editor;
  GtkEditable *hostname;
  AdwComboRow *jump_row;

  jg_host_set_name (JG_HOST (other), "other-bastion");
  jg_host_set_hostname (JG_HOST (other), "bastion.example.org");
  jg_inventory_insert (inventory, 0, JG_HOST (other));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-vm", NULL));
  editor = open_editor ();
  g_assert_nonnull (editor);
  hostname = find_entry_row (GTK_WIDGET (editor), "Host Name");
  jump_row = ADW_COMBO_ROW (find_row (GTK_WIDGET (editor), ADW_TYPE_COMBO_ROW, "Jump Host"));
  g_assert_nonnull (jump_row);

  /* The first jump host is the default… */
  g_assert_cmpstr (gtk_string_object_get_string (adw_combo_row_get_selected_item (jump_row)), ==,
                   "other-bastion");
  /* …until the host name matches a rule. */
  gtk_editable_set_text (hostname, "vm9.lab");
  g_assert_cmpstr (gtk_string_object_get_string (adw_combo_row_get_selected_item (jump_row)), ==, "jump");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (jump_row)), ==, "From the rule *.lab");
  jg_test_gui_screenshot (GTK_WIDGET (editor), "rules-add-vm");
  gtk_editable_set_text (hostname, "vm9.example.org");
  g_assert_cmpstr (gtk_string_object_get_string (adw_combo_row_get_selected_item (jump_row)), ==,
                   "other-bastion");

  /* A jump host the person chose stays. */
  adw_combo_row_set_selected (jump_row, 0);
  gtk_editable_set_text (hostname, "vm9.lab");
  g_assert_cmpuint (adw_combo_row_get_selected (jump_row), ==, 0);

  gtk_window_destroy (GTK_WINDOW (editor));
  jg_inventory_remove (inventory, JG_HOST (other), NULL);
}

/* `jumpgate --connect DESTINATION` in a program of its own: a bad one is
 * refused with the reason; vm2.lab opens a window that logs in to the VM
 * through the jump host. */
static void
test_command_line_connect (void)
{
  const char *jumpgate = g_getenv ("JUMPGATE");
  g_autofree char *config_home = g_build_filename (tmpdir, "cli-config", NULL);
  g_autofree char *machines = g_build_filename (config_home, "jumpgate", NULL);
  g_autofree char *login = g_strdup_printf ("Accepted publickey for %s", lab_get ("JG_LAB_USER"));
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  g_autofree char *err = NULL;
  int status = 0;
  int before;
  GPid pid;

  if (jumpgate == NULL || !g_file_test (jumpgate, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("JUMPGATE does not name the program");
      return;
    }
  /* The same saved jump host and rule. */
  g_assert_cmpint (g_mkdir_with_parents (machines, 0700), ==, 0);
  {
    g_autoptr(JgStore) store = NULL;
    g_autofree char *path = g_build_filename (machines, "machines.json", NULL);
    g_autoptr(JgInventory) saved = jg_inventory_new ();

    jg_inventory_add (saved, jump);
    store = jg_store_new (path);
    g_assert_true (jg_store_save (store, saved, &error));
    g_assert_no_error (error);
  }
  envp = g_environ_setenv (envp, "HOME", home, TRUE);
  envp = g_environ_setenv (envp, "XDG_CONFIG_HOME", config_home, TRUE);
  envp = g_environ_setenv (envp, "LANGUAGE", "C", TRUE);
  envp = g_environ_unsetenv (envp, "SSH_AUTH_SOCK");
  envp = g_environ_unsetenv (envp, "G_DEBUG");

  {
    const char *argv[] = { "dbus-run-session", "--", jumpgate, "--connect", "vm2.lab:99999", NULL };

    g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                  NULL, NULL, NULL, &err, &status, &error);
    g_assert_no_error (error);
    g_test_message ("stderr: %s", err);
    g_assert_true (WIFEXITED (status));
    g_assert_cmpint (WEXITSTATUS (status), ==, 1);
    g_assert_nonnull (strstr (err, "from 1 to 65535"));
  }

  before = jg_test_lab_count_log (lab, "vm2", login);
  {
    const char *argv[] = { "setsid", "dbus-run-session", "--", jumpgate, "--connect", "vm2.lab", NULL };
    gint64 end = g_get_monotonic_time () + TIMEOUT_MS * (gint64) 1000;

    g_assert_true (g_spawn_async (NULL, (char **) argv, envp,
                                  G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
                                  G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                  NULL, NULL, &pid, &error));
    g_assert_no_error (error);
    while (jg_test_lab_count_log (lab, "vm2", login) == before && g_get_monotonic_time () < end)
      g_usleep (50000);
    /* setsid made it a process group: end it, the bus and the window. */
    kill (-pid, SIGTERM);
    waitpid (pid, &status, 0);
    g_spawn_close_pid (pid);
  }
  g_assert_cmpint (jg_test_lab_count_log (lab, "vm2", login), ==, before + 1);
}

/* ------------------------------------------------------------------- main */

static void
copy_file (const char *from,
           const char *to,
           int         mode)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (to, contents, length, NULL));
  g_assert_cmpint (g_chmod (to, mode), ==, 0);
}

/* ~/.ssh as the person has it: the bastion config of the issue, the key
 * as the default identity, the hosts' keys known. */
static char *
write_home (void)
{
  g_autofree char *ssh_dir = g_build_filename (home, ".ssh", NULL);
  g_autofree char *key = g_build_filename (ssh_dir, "id_ed25519", NULL);
  g_autofree char *known = g_build_filename (ssh_dir, "known_hosts", NULL);
  g_autofree char *config = NULL;
  char *path = g_build_filename (ssh_dir, "config", NULL);

  g_assert_cmpint (g_mkdir_with_parents (ssh_dir, 0700), ==, 0);
  copy_file (lab_get ("JG_LAB_KEY"), key, 0600);
  copy_file (lab_get ("JG_LAB_KNOWN_HOSTS"), known, 0600);
  config = g_strdup_printf ("Host *.lab\n"
                            "  User %s\n"
                            "  ProxyCommand ssh %%r@jump nc %%h %%p\n"
                            "\n"
                            "Host jump\n"
                            "  HostName %s\n"
                            "  Port %s\n",
                            lab_get ("JG_LAB_USER"), lab_get ("JG_LAB_JUMP_NAME"),
                            lab_get ("JG_LAB_JUMP_PORT"));
  g_assert_true (g_file_set_contents (path, config, -1, NULL));
  return path;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *config_home = NULL;
  int status;

  tmpdir = g_dir_make_tmp ("jg-test-rules-gui-XXXXXX", NULL);
  home = g_build_filename (tmpdir, "home", NULL);
  config_home = g_build_filename (tmpdir, "config", NULL);
  g_mkdir_with_parents (home, 0700);
  /* Before anything asks GLib for them. */
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_unsetenv ("SSH_AUTH_SOCK");
  /* No background status probes: the sshd logs count only what a test does. */
  g_setenv ("JUMPGATE_STATUS_INTERVAL", "0", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_assert_true (g_main_context_acquire (NULL));

  lab = jg_test_lab_start (&error);
  if (lab == NULL || !jg_test_lab_isolated (lab))
    {
      g_test_message ("%s", lab == NULL ? error->message : "the VMs have .lab names only in root mode");
      g_test_add_func ("/rules-gui/skipped", (GTestFunc) g_test_incomplete);
    }
  else
    {
      g_autofree char *config = write_home ();
      g_autoptr(JgImportReport) report = NULL;

      app = jg_application_new ();
      g_application_set_flags (G_APPLICATION (app),
                               G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_COMMAND_LINE);
      g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
      g_assert_no_error (error);
      inventory = jg_application_get_inventory (app);

      /* The person imports their ~/.ssh/config. */
      g_assert_true (jg_import_ssh_config (inventory, config, &report, &error));
      g_assert_no_error (error);
      jump = jg_inventory_find_by_name (inventory, "jump");
      g_assert_nonnull (jump);

      window = jg_window_new (app);
      gtk_window_set_default_size (GTK_WINDOW (window), 1000, 640);
      gtk_window_present (GTK_WINDOW (window));
      jg_test_gui_spin (300);

      g_test_add_func ("/rules-gui/sidebar", test_sidebar);
      g_test_add_func ("/rules-gui/quick-connect-hints", test_quick_connect_hints);
      g_test_add_func ("/rules-gui/quick-connect-and-save", test_quick_connect_and_save);
      g_test_add_func ("/rules-gui/quick-connect-bad-input", test_quick_connect_bad_input);
      g_test_add_func ("/rules-gui/rules-editor", test_rules_editor);
      g_test_add_func ("/rules-gui/add-vm-prefill", test_add_vm_prefill);
      g_test_add_func ("/rules-gui/command-line-connect", test_command_line_connect);
    }

  status = g_test_run ();

  if (window != NULL)
    {
      jg_test_gui_close_tabs (window);
      gtk_window_destroy (GTK_WINDOW (window));
      jg_test_gui_spin (100);
    }
  g_clear_object (&app);
  g_clear_pointer (&lab, jg_test_lab_stop);
  g_main_context_release (NULL);
  return status;
}
