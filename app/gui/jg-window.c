/* jg-window.c — the main window: the machine sidebar and the terminal tabs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "jg-destination.h"
#include "jg-install-key.h"
#include "jg-key-list.h"
#include "jg-keys.h"
#include "jg-secrets.h"
#include "jg-machine-editor.h"
#include "jg-machine-row.h"
#include "jg-test-dialog.h"
#include "jg-own-machine-wizard.h"
#include "jg-quick-connect.h"
#include "jg-window.h"

#if __has_include("jg-import.h")
# include "jg-import.h"
# define HAVE_JG_IMPORT 1
#else
# define HAVE_JG_IMPORT 0
#endif

typedef struct
{
  JgPrompt       *prompt;
  JgTerminalPage *page;
} PendingPrompt;

struct _JgWindow
{
  AdwApplicationWindow  parent_instance;

  JgInventory          *inventory;
  JgSidebarModel       *sidebar_model;
  GtkSliceListModel    *slice;            /* the first rows until the first frame */
  JgSidebarNode        *selected_node;    /* what the selection shows */
  GPtrArray            *pending_shows;    /* GtkListItem to show after the frame */
  gulong                pending_paint_id;
  gulong                first_paint_id;
  GtkSingleSelection   *selection;
  GSettings            *settings;
  GQueue                prompts;          /* PendingPrompt* */
  PendingPrompt        *current_prompt;
  AdwMessageDialog     *prompt_dialog;
  GPtrArray            *prompt_entries;   /* GtkEditable* of the current dialog */
  GtkCheckButton       *prompt_remember;  /* its "Remember in keyring", or NULL */
  AdwTabPage           *menu_page;
  GBinding             *log_binding;

  AdwToastOverlay      *toast_overlay;
  GtkPaned             *paned;
  GtkWidget            *sidebar;
  JgQuickConnect       *quick_connect;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  GtkStack             *sidebar_stack;
  GtkListView          *list_view;
  GtkToggleButton      *sidebar_button;
  GtkMenuButton        *add_button;
  GtkMenuButton        *primary_button;
  GMenuModel           *add_menu;
  GMenuModel           *primary_menu;
  GtkToggleButton      *log_button;
  AdwWindowTitle       *content_title;
  AdwTabBar            *tab_bar;
  GtkStack             *content_stack;
  AdwStatusPage        *load_error_page;
  GtkWidget            *import_button;
  AdwTabView           *tab_view;
};

G_DEFINE_FINAL_TYPE (JgWindow, jg_window, ADW_TYPE_APPLICATION_WINDOW)

static void show_next_prompt (JgWindow *self);

static void
pending_prompt_free (PendingPrompt *pending)
{
  g_clear_object (&pending->prompt);
  g_clear_object (&pending->page);
  g_free (pending);
}

/* ---- sidebar ---------------------------------------------------------- */

static void
factory_setup (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  gtk_list_item_set_child (item, jg_machine_row_new ());
}

static void update_list_item (GtkListItem *list_item);

/* Shows @list_item's row now if it has something to show. */
static void
show_parent_now (GtkListItem *list_item)
{
  GtkWidget *row = gtk_list_item_get_child (list_item);
  JgSidebarItem *item = gtk_list_item_get_item (list_item);

  if (row != NULL && gtk_widget_get_parent (row) != NULL)
    gtk_widget_set_visible (gtk_widget_get_parent (row),
                            item != NULL && jg_sidebar_item_get_node (item) != NULL);
}

/* Before the keyboard goes to the list: every row that will show shows, and
 * no position is left that shows nothing. */
static void
settle_list (JgWindow *self)
{
  g_autoptr(GPtrArray) items = g_steal_pointer (&self->pending_shows);

  self->pending_shows = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; items != NULL && i < items->len; i++)
    show_parent_now (g_ptr_array_index (items, i));
  jg_sidebar_model_trim (self->sidebar_model);
}

static void
on_list_focus_enter (JgWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  settle_list (self);
  /* on the list itself: the row it meant to focus showed nothing */
  if (focus == GTK_WIDGET (self->list_view))
    gtk_widget_child_focus (GTK_WIDGET (self->list_view), GTK_DIR_TAB_FORWARD);
}

/* Rows shown in one go after a frame: the rest wait for the next one. */
#define ROWS_SHOWN_PER_FRAME 40

static void on_pending_paint (GdkFrameClock *clock,
                              JgWindow      *self);

/* The pending rows are shown after the next frame; FALSE when there is no
 * frame clock (yet) to wait for. */
static gboolean
schedule_pending_shows (JgWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (clock == NULL)
    return FALSE;
  if (self->pending_paint_id == 0)
    self->pending_paint_id = g_signal_connect_object (clock, "after-paint",
                                                      G_CALLBACK (on_pending_paint), self, 0);
  return TRUE;
}

static gboolean
show_pending_rows (gpointer data)
{
  JgWindow *self = data;
  GPtrArray *items = self->pending_shows;
  guint n;

  if (items == NULL)   /* disposed */
    return G_SOURCE_REMOVE;
  /* in the order they were put aside */
  n = MIN (items->len, ROWS_SHOWN_PER_FRAME);
  for (guint i = 0; i < n; i++)
    show_parent_now (g_ptr_array_index (items, i));
  g_ptr_array_remove_range (items, 0, n);
  if (items->len > 0 && !schedule_pending_shows (self))
    return G_SOURCE_CONTINUE;
  return G_SOURCE_REMOVE;
}

static void
on_pending_paint (GdkFrameClock *clock,
                  JgWindow      *self)
{
  g_clear_signal_handler (&self->pending_paint_id, clock);
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, show_pending_rows, g_object_ref (self), g_object_unref);
}

/* Whether the row at @position is (about) in the visible part of the list:
 * rows are 36 to 50 px high. */
static gboolean
position_in_sight (JgWindow *self,
                   guint     position)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view));
  double top = adjustment ? gtk_adjustment_get_value (adjustment) : 0;
  double bottom = top + (adjustment ? gtk_adjustment_get_page_size (adjustment) : 0);

  return (double) position * 36 <= bottom + 72 && (double) (position + 2) * 50 >= top;
}

/* What a row can do depends on what its position shows now. */
static void
update_list_item (GtkListItem *list_item)
{
  JgWindow *self = g_object_get_data (G_OBJECT (list_item), "jg-window");
  JgSidebarItem *item = gtk_list_item_get_item (list_item);
  JgSidebarNode *node = item != NULL ? jg_sidebar_item_get_node (item) : NULL;
  GtkWidget *row = gtk_list_item_get_child (list_item);
  GtkWidget *parent = row != NULL ? gtk_widget_get_parent (row) : NULL;
  JgSidebarNodeKind kind = node != NULL ? jg_sidebar_node_get_kind (node) : JG_SIDEBAR_NODE_SECTION;

  /* Section titles are headings, not places to go; a position past the end
   * of a shorter list shows nothing at all. */
  gtk_list_item_set_selectable (list_item, node != NULL && kind == JG_SIDEBAR_NODE_HOST);
  gtk_list_item_set_activatable (list_item, node != NULL && kind != JG_SIDEBAR_NODE_SECTION);
  if (parent == NULL)
    return;
  /* A row out of sight that shows again is shown after the frame (and the
   * next ones, a few at a time): when the list gets longer, showing (and
   * measuring) up to 200 rows at once would make the keystroke miss its
   * frame. */
  if (node != NULL && self != NULL && !gtk_widget_get_visible (parent)
      && gtk_widget_get_mapped (GTK_WIDGET (self->list_view))
      && !position_in_sight (self, gtk_list_item_get_position (list_item))
      && schedule_pending_shows (self))
    {
      if (!g_ptr_array_find (self->pending_shows, list_item, NULL))
        g_ptr_array_add (self->pending_shows, g_object_ref (list_item));
      return;
    }
  gtk_widget_set_visible (parent, node != NULL);
}

static void
factory_bind (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  JgSidebarItem *item = gtk_list_item_get_item (list_item);

  g_object_set_data (G_OBJECT (list_item), "jg-window", user_data);
  jg_machine_row_set_item (JG_MACHINE_ROW (gtk_list_item_get_child (list_item)), item);
  g_signal_connect_object (item, "changed", G_CALLBACK (update_list_item), list_item,
                           G_CONNECT_SWAPPED);
  update_list_item (list_item);
}

static void
factory_unbind (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  user_data)
{
  JgSidebarItem *item = gtk_list_item_get_item (list_item);

  if (item != NULL)
    g_signal_handlers_disconnect_by_func (item, update_list_item, list_item);
  jg_machine_row_set_item (JG_MACHINE_ROW (gtk_list_item_get_child (list_item)), NULL);
}

/* The status pages' icons are set when they first show: an icon is loaded
 * even on a page that is not shown, and the big ones are SVG, whose
 * renderer (librsvg) costs 7 MiB and 15 ms at startup. The welcome page's
 * icon is a PNG in the resources. */
static void
show_stack_page (GtkStack   *stack,
                 const char *name)
{
  static const struct { const char *page; const char *icon; } icons[] = {
    { "no-results", "edit-find-symbolic" },
    { "empty", "network-workgroup-symbolic" },
    { "load-error", "dialog-warning-symbolic" },
  };
  GtkWidget *child = gtk_stack_get_child_by_name (stack, name);

  for (guint i = 0; i < G_N_ELEMENTS (icons); i++)
    if (ADW_IS_STATUS_PAGE (child) && g_str_equal (name, icons[i].page)
        && adw_status_page_get_icon_name (ADW_STATUS_PAGE (child)) == NULL)
      adw_status_page_set_icon_name (ADW_STATUS_PAGE (child), icons[i].icon);
  gtk_stack_set_visible_child (stack, child);
}

static void
update_sidebar (JgWindow *self)
{
  const char *page;

  if (g_list_model_get_n_items (G_LIST_MODEL (self->inventory)) == 0)
    page = "empty";
  else if (!jg_sidebar_model_get_has_matches (self->sidebar_model))
    page = "no-results";
  else
    page = "list";
  show_stack_page (self->sidebar_stack, page);
}

void
jg_window_update_content (JgWindow *self)
{
  JgApplication *app = JG_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  const GError *load_error = app ? jg_application_get_load_error (app) : NULL;
  const char *page;

  g_return_if_fail (JG_IS_WINDOW (self));

  if (adw_tab_view_get_n_pages (self->tab_view) > 0)
    page = "tabs";
  else if (load_error != NULL)
    {
      g_autofree char *text = NULL;

      text = g_strdup_printf (_("%s\n\nJumpgate will not change %s until it is fixed or moved aside."),
                              load_error->message,
                              jg_store_get_path (jg_application_get_store (app)));
      adw_status_page_set_description (self->load_error_page, text);
      page = "load-error";
    }
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->inventory)) == 0)
    {
      g_autofree char *config = g_build_filename (g_get_home_dir (), ".ssh", "config", NULL);

      gtk_widget_set_visible (self->import_button, HAVE_JG_IMPORT && g_file_test (config, G_FILE_TEST_IS_REGULAR));
      page = "first-run";
    }
  else
    page = "welcome";
  show_stack_page (self->content_stack, page);
  update_sidebar (self);
}

/* Returns: (transfer none) (nullable) */
static JgSidebarNode *
node_at (JgWindow *self,
         guint     position)
{
  return jg_sidebar_model_get_node (self->sidebar_model, position);
}

/* A rule row: quick connect with the rule's first pattern as a start
 * ("*.lab" → ".lab" with the cursor where the name goes). */
static void
start_quick_connect_for_rule (JgWindow         *self,
                              const JgJumpRule *rule)
{
  g_auto(GStrv) patterns = g_strsplit_set (rule->patterns ? rule->patterns : "", " \t", -1);
  g_autoptr(GString) text = g_string_new (NULL);
  int position = -1;

  for (guint i = 0; patterns[i] != NULL; i++)
    {
      if (patterns[i][0] == '\0' || patterns[i][0] == '!')
        continue;
      for (const char *c = patterns[i]; *c != '\0'; c++)
        {
          if ((*c == '*' || *c == '?') && position < 0)
            position = g_utf8_strlen (text->str, -1);
          if (*c != '*' && *c != '?')
            g_string_append_c (text, *c);
        }
      break;
    }
  gtk_widget_set_visible (self->sidebar, TRUE);
  jg_quick_connect_start (self->quick_connect, text->str, position);
}

static void
on_quick_connect (JgWindow *self,
                  JgHost   *host)
{
  jg_window_connect (self, host);
}

static void
on_list_activate (JgWindow *self,
                  guint     position)
{
  JgSidebarNode *node = node_at (self, position);

  if (node == NULL)
    return;
  if (jg_sidebar_node_get_host (node) != NULL)
    jg_window_connect (self, jg_sidebar_node_get_host (node));
  else if (jg_sidebar_node_get_rule (node) != NULL)
    start_quick_connect_for_rule (self, jg_sidebar_node_get_rule (node));
  else
    jg_sidebar_model_set_expanded (self->sidebar_model, node,
                                   !jg_sidebar_model_get_expanded (self->sidebar_model, node));
}

static void
on_search_changed (JgWindow *self)
{
  guint n;

  jg_sidebar_model_set_filter_text (self->sidebar_model,
                                    gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  update_sidebar (self);

  /* While searching, keep a match selected so Enter connects to it (and
   * nothing selected otherwise: nothing should look selected until the
   * person selects). */
  if (jg_sidebar_model_get_filter_text (self->sidebar_model) == NULL
      || jg_sidebar_model_get_filter_text (self->sidebar_model)[0] == '\0')
    return;
  n = jg_sidebar_model_get_n_rows (self->sidebar_model);
  for (guint i = 0; i < n; i++)
    {
      JgSidebarNode *node = node_at (self, i);

      if (jg_sidebar_node_get_host (node) != NULL)
        {
          gtk_single_selection_set_selected (self->selection, i);
          break;
        }
    }
}

static void
on_search_activate (JgWindow *self)
{
  guint selected = gtk_single_selection_get_selected (self->selection);

  if (selected != GTK_INVALID_LIST_POSITION)
    on_list_activate (self, selected);
}

static void
on_search_stop (JgWindow *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  jg_sidebar_model_set_filter_text (self->sidebar_model, "");
  settle_list (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

static JgMachineRow *
find_row (GtkWidget *widget)
{
  if (widget == NULL)
    return NULL;
  if (JG_IS_MACHINE_ROW (widget))
    return JG_MACHINE_ROW (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      JgMachineRow *row = find_row (child);

      if (row != NULL)
        return row;
    }
  return NULL;
}

/* ---- tabs --------------------------------------------------------------- */

static JgTerminalPage *
page_of (AdwTabPage *tab)
{
  GtkWidget *child = tab ? adw_tab_page_get_child (tab) : NULL;

  return JG_IS_TERMINAL_PAGE (child) ? JG_TERMINAL_PAGE (child) : NULL;
}

static void
update_tab (JgWindow       *self,
            JgTerminalPage *page)
{
  AdwTabPage *tab = adw_tab_view_get_page (self->tab_view, GTK_WIDGET (page));
  JgApplication *app = JG_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autoptr(GIcon) icon = NULL;
  const char *tooltip = NULL;
  const GError *error = jg_terminal_page_get_error (page);

  switch (jg_terminal_page_get_state (page))
    {
    case JG_TERMINAL_PAGE_DISCONNECTED:
      icon = g_themed_icon_new ("network-offline-symbolic");
      tooltip = error ? error->message : _("Disconnected");
      break;
    case JG_TERMINAL_PAGE_FAILED:
      icon = g_themed_icon_new ("dialog-error-symbolic");
      tooltip = error ? error->message : _("Could not connect");
      break;
    case JG_TERMINAL_PAGE_IDLE:
    case JG_TERMINAL_PAGE_CONNECTING:
    case JG_TERMINAL_PAGE_CONNECTED:
    default:
      break;
    }
  adw_tab_page_set_loading (tab, jg_terminal_page_get_state (page) == JG_TERMINAL_PAGE_CONNECTING);
  adw_tab_page_set_indicator_icon (tab, icon);
  adw_tab_page_set_indicator_tooltip (tab, tooltip ? tooltip : "");
  if (app != NULL)
    jg_application_update_host_status (app, jg_terminal_page_get_host (page));
}

static void
on_page_state_changed (JgTerminalPage *page,
                       GParamSpec     *pspec,
                       JgWindow       *self)
{
  update_tab (self, page);
}

static void
update_content_title (JgWindow *self)
{
  JgTerminalPage *page = page_of (adw_tab_view_get_selected_page (self->tab_view));
  g_autofree char *subtitle = NULL;

  if (page != NULL)
    {
      JgHost *host = jg_terminal_page_get_host (page);
      g_autofree char *user = jg_host_dup_effective_user (host);

      subtitle = g_strdup_printf ("%s@%s", user, jg_host_get_hostname (host) ?: "");
      adw_window_title_set_title (self->content_title, jg_terminal_page_get_title (page));
      gtk_window_set_title (GTK_WINDOW (self), jg_terminal_page_get_title (page));
    }
  else
    {
      adw_window_title_set_title (self->content_title, "");
      gtk_window_set_title (GTK_WINDOW (self), "Jumpgate");
    }
  adw_window_title_set_subtitle (self->content_title, subtitle);
}

static void
on_page_prompt (JgTerminalPage *page,
                JgPrompt       *prompt,
                JgWindow       *self)
{
  PendingPrompt *pending = g_new0 (PendingPrompt, 1);

  pending->prompt = g_object_ref (prompt);
  pending->page = g_object_ref (page);
  g_queue_push_tail (&self->prompts, pending);
  if (self->current_prompt == NULL)
    show_next_prompt (self);
}

static void
on_page_edit_host (JgTerminalPage *page,
                   JgHost         *host,
                   JgWindow       *self)
{
  jg_window_edit_host (self, host);
}

static void
on_page_attached (JgWindow   *self,
                  AdwTabPage *tab,
                  int         position)
{
  JgTerminalPage *page = page_of (tab);

  if (page == NULL)
    return;
  g_signal_connect_object (page, "notify::state", G_CALLBACK (on_page_state_changed), self, 0);
  g_signal_connect_object (page, "notify::title", G_CALLBACK (update_content_title), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (page, "prompt", G_CALLBACK (on_page_prompt), self, 0);
  g_signal_connect_object (page, "edit-host", G_CALLBACK (on_page_edit_host), self, 0);
  update_tab (self, page);
  jg_window_update_content (self);
}

static void
drop_prompts_of (JgWindow       *self,
                 JgTerminalPage *page)
{
  for (GList *l = self->prompts.head; l != NULL;)
    {
      GList *next = l->next;
      PendingPrompt *pending = l->data;

      if (pending->page == page)
        {
          jg_prompt_cancel (pending->prompt);
          pending_prompt_free (pending);
          g_queue_delete_link (&self->prompts, l);
        }
      l = next;
    }
  if (self->current_prompt != NULL && self->current_prompt->page == page
      && self->prompt_dialog != NULL)
    adw_message_dialog_response (self->prompt_dialog, "cancel");
}

static void
on_page_detached (JgWindow   *self,
                  AdwTabPage *tab,
                  int         position)
{
  JgTerminalPage *page = page_of (tab);

  if (page != NULL)
    {
      g_signal_handlers_disconnect_by_data (page, self);
      drop_prompts_of (self, page);
    }
  jg_window_update_content (self);
}

static void
on_selected_page_changed (JgWindow *self)
{
  JgTerminalPage *page = page_of (adw_tab_view_get_selected_page (self->tab_view));

  g_clear_pointer (&self->log_binding, g_binding_unbind);
  gtk_widget_set_sensitive (GTK_WIDGET (self->log_button), page != NULL);
  if (page != NULL)
    {
      self->log_binding = g_object_bind_property (page, "show-log", self->log_button, "active",
                                                  G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
      gtk_widget_grab_focus (GTK_WIDGET (page));
    }
  else
    gtk_toggle_button_set_active (self->log_button, FALSE);
  update_content_title (self);
}

static AdwTabView *
on_create_window (JgWindow *self)
{
  JgApplication *app = JG_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  JgWindow *window = jg_window_new (app);

  gtk_window_present (GTK_WINDOW (window));
  return window->tab_view;
}

static gboolean
on_close_page (JgWindow   *self,
               AdwTabPage *tab)
{
  JgTerminalPage *page = page_of (tab);

  if (page != NULL)
    {
      drop_prompts_of (self, page);
      jg_terminal_page_close (page);
    }
  adw_tab_view_close_page_finish (self->tab_view, tab, TRUE);
  return GDK_EVENT_STOP;
}

static void
on_setup_menu (JgWindow   *self,
               AdwTabPage *tab)
{
  self->menu_page = tab;
}

JgTerminalPage *
jg_window_connect (JgWindow *self,
                   JgHost   *host)
{
  JgTerminalPage *page;
  AdwTabPage *tab;

  g_return_val_if_fail (JG_IS_WINDOW (self), NULL);
  g_return_val_if_fail (JG_IS_HOST (host), NULL);

  page = jg_terminal_page_new (self->inventory, host);
  tab = adw_tab_view_append (self->tab_view, GTK_WIDGET (page));
  g_object_bind_property (page, "title", tab, "title", G_BINDING_SYNC_CREATE);
  adw_tab_view_set_selected_page (self->tab_view, tab);
  jg_terminal_page_connect (page);
  return page;
}

/* ---- prompts ------------------------------------------------------------ */

static void
on_prompt_response (AdwMessageDialog *dialog,
                    const char       *response,
                    JgWindow         *self)
{
  PendingPrompt *pending = self->current_prompt;

  if (pending == NULL)
    return;

  if (g_str_equal (response, "accept"))
    jg_prompt_accept (pending->prompt);
  else if (g_str_equal (response, "respond"))
    {
      g_autoptr(GPtrArray) answers = g_ptr_array_new ();

      if (self->prompt_remember != NULL)
        {
          gboolean remember = gtk_check_button_get_active (self->prompt_remember);
          JgConnection *conn = jg_terminal_page_get_connection (pending->page);
          guint hop = jg_prompt_get_hop_index (pending->prompt);
          JgHost *saved = NULL;

          jg_prompt_set_remember (pending->prompt, remember);
          /* The machine remembers from now on (or no more): its setting
           * follows, and is saved with the inventory. */
          if (conn != NULL && hop < jg_connection_get_n_hops (conn))
            saved = jg_inventory_find_by_id (self->inventory,
                                             jg_host_get_id (jg_connection_get_hop (conn, hop)));
          if (saved != NULL && jg_host_get_remember_password (saved) != remember)
            jg_host_set_remember_password (saved, remember);
        }

      for (guint i = 0; i < self->prompt_entries->len; i++)
        g_ptr_array_add (answers,
                         (gpointer) gtk_editable_get_text (g_ptr_array_index (self->prompt_entries, i)));
      g_ptr_array_add (answers, NULL);
      jg_prompt_respond (pending->prompt, (const char * const *) answers->pdata);
    }
  else
    jg_prompt_cancel (pending->prompt);

  /* Wipe what was typed. */
  for (guint i = 0; i < self->prompt_entries->len; i++)
    gtk_editable_set_text (g_ptr_array_index (self->prompt_entries, i), "");
  g_ptr_array_set_size (self->prompt_entries, 0);
  self->prompt_remember = NULL;

  self->current_prompt = NULL;
  self->prompt_dialog = NULL;
  pending_prompt_free (pending);
  show_next_prompt (self);
}

static AdwMessageDialog *
build_host_key_dialog (JgWindow       *self,
                       JgPrompt       *prompt,
                       JgTerminalPage *page)
{
  AdwMessageDialog *dialog;
  JgConnection *conn = jg_terminal_page_get_connection (page);
  guint n_hops = conn ? jg_connection_get_n_hops (conn) : 1;
  guint hop = jg_prompt_get_hop_index (prompt);
  g_autofree char *where = NULL;
  g_autofree char *body = NULL;
  g_autofree char *name = g_markup_escape_text (jg_prompt_get_hop_name (prompt), -1);
  g_autofree char *host = g_markup_escape_text (jg_prompt_get_host (prompt), -1);
  g_autofree char *file = g_markup_escape_text (jg_prompt_get_known_hosts_file (prompt) ?: "~/.ssh/known_hosts", -1);
  g_autofree char *key_type = g_markup_escape_text (jg_prompt_get_key_type (prompt) ?: "", -1);
  g_autofree char *fingerprint = g_markup_escape_text (jg_prompt_get_fingerprint (prompt) ?: "", -1);

  if (n_hops > 1 && hop > 0)
    {
      g_autofree char *via = g_markup_escape_text (jg_host_get_name (jg_connection_get_hop (conn, hop - 1)), -1);

      where = g_strdup_printf (_("Hop %u of %u, reached through “%s”."), hop + 1, n_hops, via);
    }
  else if (n_hops > 1)
    where = g_strdup_printf (_("Hop %u of %u: the first jump host."), hop + 1, n_hops);
  else
    where = g_strdup ("");

  body = g_strdup_printf (_("Jumpgate has not connected to <b>%s</b> (%s, port %u) before, so it cannot tell whether this is really that machine. %s\n\n"
                            "Key type: <tt>%s</tt>\nFingerprint: <tt>%s</tt>\n\n"
                            "Accept only if this fingerprint is the one the machine’s administrator gave you. "
                            "The key will be saved to %s."),
                          name, host, jg_prompt_get_port (prompt), where, key_type, fingerprint, file);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Unknown Host Key"), NULL));
  adw_message_dialog_set_body_use_markup (dialog, TRUE);
  adw_message_dialog_set_body (dialog, body);
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "accept", _("_Accept and Connect"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "accept", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  return dialog;
}

static AdwMessageDialog *
build_question_dialog (JgWindow *self,
                       JgPrompt *prompt)
{
  AdwMessageDialog *dialog;
  GtkWidget *list;
  GtkWidget *box;
  guint n = jg_prompt_get_n_questions (prompt);
  const char *body = NULL;
  const char *notice = jg_prompt_get_notice (prompt);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       jg_prompt_get_message (prompt), NULL));
  switch (jg_prompt_get_kind (prompt))
    {
    case JG_PROMPT_PASSPHRASE:
      body = jg_prompt_get_key_file (prompt);
      break;
    case JG_PROMPT_KEYBOARD_INTERACTIVE:
      body = jg_prompt_get_instruction (prompt);
      break;
    case JG_PROMPT_PASSWORD:
    case JG_PROMPT_HOST_KEY:
    default:
      break;
    }
  /* Why it asks although a secret is remembered, or why it will not be
   * remembered, comes first. */
  if (notice != NULL && body != NULL && body[0] != '\0')
    {
      g_autofree char *both = g_strdup_printf ("%s\n\n%s", notice, body);

      adw_message_dialog_set_body (dialog, both);
    }
  else if (notice != NULL)
    adw_message_dialog_set_body (dialog, notice);
  else if (body != NULL && body[0] != '\0')
    adw_message_dialog_set_body (dialog, body);

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  for (guint i = 0; i < n; i++)
    {
      gboolean echo = FALSE;
      const char *question = jg_prompt_get_question (prompt, i, &echo);
      GtkWidget *row = echo ? adw_entry_row_new () : adw_password_entry_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), question);
      adw_entry_row_set_activates_default (ADW_ENTRY_ROW (row), TRUE);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
      g_ptr_array_add (self->prompt_entries, row);
    }
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_box_append (GTK_BOX (box), list);
  gtk_widget_set_visible (list, n > 0);
  if (jg_prompt_get_can_remember (prompt))
    {
      GtkWidget *check = gtk_check_button_new_with_mnemonic (_("_Remember in keyring"));

      gtk_widget_set_name (check, "remember-in-keyring");
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), jg_prompt_get_remember (prompt));
      gtk_widget_set_tooltip_text (check, _("Kept in the desktop keyring, used for the next connections"));
      gtk_box_append (GTK_BOX (box), check);
      self->prompt_remember = GTK_CHECK_BUTTON (check);
    }
  if (n > 0 || self->prompt_remember != NULL)
    adw_message_dialog_set_extra_child (dialog, box);
  else
    g_object_ref_sink (box), g_object_unref (box);

  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "respond", n > 0 ? _("C_onnect") : _("_Continue"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "respond", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "respond");
  adw_message_dialog_set_close_response (dialog, "cancel");
  return dialog;
}

static void
show_next_prompt (JgWindow *self)
{
  PendingPrompt *pending;
  AdwMessageDialog *dialog;

  while ((pending = g_queue_pop_head (&self->prompts)) != NULL)
    {
      if (!jg_prompt_is_answered (pending->prompt))
        break;
      pending_prompt_free (pending);
    }
  if (pending == NULL)
    return;

  self->current_prompt = pending;
  /* Show the tab that asks. */
  {
    AdwTabPage *tab = adw_tab_view_get_page (self->tab_view, GTK_WIDGET (pending->page));

    if (tab != NULL)
      adw_tab_view_set_selected_page (self->tab_view, tab);
  }
  if (jg_prompt_get_kind (pending->prompt) == JG_PROMPT_HOST_KEY)
    dialog = build_host_key_dialog (self, pending->prompt, pending->page);
  else
    dialog = build_question_dialog (self, pending->prompt);

  self->prompt_dialog = dialog;
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_prompt_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  if (self->prompt_entries->len > 0)
    gtk_widget_grab_focus (g_ptr_array_index (self->prompt_entries, 0));
}

GtkWindow *
jg_window_get_prompt_dialog (JgWindow *self)
{
  g_return_val_if_fail (JG_IS_WINDOW (self), NULL);
  return self->prompt_dialog ? GTK_WINDOW (self->prompt_dialog) : NULL;
}

/* ---- machines --------------------------------------------------------- */

void
jg_window_show_toast (JgWindow   *self,
                      const char *text)
{
  AdwToast *toast;

  g_return_if_fail (JG_IS_WINDOW (self));

  toast = adw_toast_new (text);
  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
jg_window_add_toast (JgWindow *self,
                     AdwToast *toast)
{
  g_return_if_fail (JG_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
jg_window_start_search (JgWindow   *self,
                        const char *text)
{
  g_return_if_fail (JG_IS_WINDOW (self));

  gtk_widget_set_visible (self->sidebar, TRUE);
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text ? text : "");
  gtk_editable_set_position (GTK_EDITABLE (self->search_entry), -1);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

typedef struct
{
  JgInventory *inventory;
  JgHost      *host;
  guint        position;
  gboolean     undone;
  gboolean     drop_key;   /* Disconnect and Remove: its Jumpgate key too, if unused */
} UndoRemove;

static void
undo_remove_free (gpointer data)
{
  UndoRemove *undo = data;

  g_clear_object (&undo->inventory);
  g_clear_object (&undo->host);
  g_free (undo);
}

static void
on_undo_remove (AdwToast   *toast,
                UndoRemove *undo)
{
  undo->undone = TRUE;
  if (jg_inventory_find_by_id (undo->inventory, jg_host_get_id (undo->host)) == NULL)
    jg_inventory_insert (undo->inventory, undo->position, undo->host);
}

static void
on_key_dropped (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!jg_keys_delete_finish (JG_KEY_LIST (source), result, &error))
    g_message ("The removed machine's key stays: %s", error->message);
}

/* The toast went without Undo: the removal is final, and the machine's
 * passwords and passphrases leave the keyring (in a worker). */
static void
on_remove_final (AdwToast   *toast,
                 UndoRemove *undo)
{
  const char *id = jg_host_get_id (undo->host);

  if (undo->undone || id == NULL ||
      jg_inventory_find_by_id (undo->inventory, id) != NULL)
    return;
  jg_secrets_clear_owner_async (id, NULL, NULL, NULL);
  if (undo->drop_key && jg_host_get_key_id (undo->host) != NULL)
    {
      JgKeyList *keys = jg_key_list_get_default (NULL);
      JgKey *key = keys != NULL ? jg_key_list_find_by_id (keys, jg_host_get_key_id (undo->host)) : NULL;

      if (key != NULL)
        {
          g_autoptr(GPtrArray) users = jg_keys_find_users (undo->inventory, key);

          if (users->len == 0)
            jg_keys_delete_async (keys, key, NULL, on_key_dropped, NULL);
        }
    }
}

static void remove_host (JgWindow *self,
                         JgHost   *host,
                         gboolean  drop_key);

void
jg_window_remove_host (JgWindow *self,
                       JgHost   *host)
{
  remove_host (self, host, FALSE);
}

/* Disconnect and Remove (an own machine): its tabs close, it is removed
 * as by Remove, and when that is final its Jumpgate key goes too unless
 * another machine uses it. */
static void
disconnect_host (JgWindow *self,
                 JgHost   *host)
{
  guint n = adw_tab_view_get_n_pages (self->tab_view);

  g_object_ref (host);
  for (guint i = n; i > 0; i--)
    {
      AdwTabPage *tab = adw_tab_view_get_nth_page (self->tab_view, i - 1);
      JgTerminalPage *page = page_of (tab);

      if (page != NULL && jg_terminal_page_get_host (page) == host)
        adw_tab_view_close_page (self->tab_view, tab);
    }
  remove_host (self, host, TRUE);
  g_object_unref (host);
}

static void
remove_host (JgWindow *self,
             JgHost   *host,
             gboolean  drop_key)
{
  g_autoptr(GPtrArray) behind = NULL;
  g_autofree char *text = NULL;
  UndoRemove *undo;
  AdwToast *toast;
  guint position;

  g_return_if_fail (JG_IS_WINDOW (self));
  g_return_if_fail (JG_IS_HOST (host));

  if (JG_IS_JUMP_HOST (host))
    behind = jg_inventory_list_behind (self->inventory, JG_JUMP_HOST (host));

  g_object_ref (host);
  if (!jg_inventory_remove (self->inventory, host, &position))
    {
      g_object_unref (host);
      return;
    }

  if (behind != NULL && behind->len > 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "“%s” removed; %u machine went through it",
                                         "“%s” removed; %u machines went through it",
                                         behind->len),
                            jg_host_get_name (host), behind->len);
  else
    text = g_strdup_printf (_("“%s” removed"), jg_host_get_name (host));

  undo = g_new0 (UndoRemove, 1);
  undo->inventory = g_object_ref (self->inventory);
  undo->host = host;
  undo->position = position;
  undo->drop_key = drop_key;

  toast = adw_toast_new (text);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_signal_connect (toast, "button-clicked", G_CALLBACK (on_undo_remove), undo);
  g_signal_connect_data (toast, "dismissed", G_CALLBACK (on_remove_final), undo,
                         (GClosureNotify) undo_remove_free, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

GtkWindow *
jg_window_edit_host (JgWindow *self,
                     JgHost   *host)
{
  GtkWindow *editor;

  g_return_val_if_fail (JG_IS_WINDOW (self), NULL);
  g_return_val_if_fail (JG_IS_HOST (host), NULL);

  editor = GTK_WINDOW (jg_machine_editor_new (self->inventory, host));
  gtk_window_set_transient_for (editor, GTK_WINDOW (self));
  g_signal_connect_object (editor, "remove-requested", G_CALLBACK (jg_window_remove_host), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (editor, "disconnect-requested", G_CALLBACK (disconnect_host), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (editor);
  return editor;
}

static JgHost *
duplicate_host (JgWindow *self,
                JgHost   *host)
{
  g_autofree char *base = NULL;
  g_autofree char *name = NULL;
  JgHost *copy = jg_host_dup_unsaved (host);

  base = g_strdup_printf (_("%s (copy)"), jg_host_get_name (host));
  name = jg_inventory_make_unique_name (self->inventory, base);
  jg_host_set_name (copy, name);
  return copy;
}

static char *
quote_arg (const char *arg)
{
  for (const char *p = arg; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr ("@%+=:,./-_[]", *p) == NULL)
      return g_shell_quote (arg);
  return g_strdup (arg);
}

static char *
hop_destination (JgHost  *host,
                 gboolean with_port)
{
  const char *user = jg_host_get_user (host);
  const char *hostname = jg_host_get_hostname (host) ?: "";
  guint port = jg_host_get_effective_port (host);
  g_autofree char *addr = strchr (hostname, ':') && with_port && port != JG_DEFAULT_SSH_PORT
                          ? g_strdup_printf ("[%s]", hostname) : g_strdup (hostname);

  if (with_port && port != JG_DEFAULT_SSH_PORT)
    return g_strdup_printf ("%s%s%s:%u", user ? user : "", user ? "@" : "", addr, port);
  return g_strdup_printf ("%s%s%s", user ? user : "", user ? "@" : "", addr);
}

char *
jg_window_dup_ssh_command (JgWindow *self,
                           JgHost   *host)
{
  g_autoptr(GPtrArray) chain = NULL;
  g_autoptr(GString) cmd = g_string_new ("ssh");
  g_autofree char *dest = NULL;
  g_autofree char *quoted = NULL;

  g_return_val_if_fail (JG_IS_WINDOW (self), NULL);

  chain = jg_inventory_get_chain (self->inventory, host, NULL);
  if (chain != NULL && chain->len > 0)
    {
      g_autoptr(GString) jumps = g_string_new (NULL);
      g_autofree char *q = NULL;

      for (guint i = 0; i < chain->len; i++)
        {
          g_autofree char *hop = hop_destination (g_ptr_array_index (chain, i), TRUE);

          if (i > 0)
            g_string_append_c (jumps, ',');
          g_string_append (jumps, hop);
        }
      q = quote_arg (jumps->str);
      g_string_append_printf (cmd, " -J %s", q);
    }
  if (jg_host_get_effective_port (host) != JG_DEFAULT_SSH_PORT)
    g_string_append_printf (cmd, " -p %u", jg_host_get_effective_port (host));
  if (jg_host_get_auth (host) == JG_AUTH_KEY_FILE && jg_host_get_identity_file (host) != NULL)
    {
      g_autofree char *q = quote_arg (jg_host_get_identity_file (host));

      g_string_append_printf (cmd, " -i %s", q);
    }
  if (jg_host_get_identities_only (host))
    g_string_append (cmd, " -o IdentitiesOnly=yes");
  if (jg_host_get_forward_agent (host))
    g_string_append (cmd, " -A");
  if (jg_host_get_known_hosts_file (host) != NULL)
    {
      g_autofree char *opt = g_strdup_printf ("UserKnownHostsFile=%s", jg_host_get_known_hosts_file (host));
      g_autofree char *q = quote_arg (opt);

      g_string_append_printf (cmd, " -o %s", q);
    }
  dest = hop_destination (host, FALSE);
  quoted = quote_arg (dest);
  g_string_append_printf (cmd, " %s", quoted);
  return g_string_free (g_steal_pointer (&cmd), FALSE);
}

static JgHost *
host_from_param (JgWindow *self,
                 GVariant *param)
{
  const char *id = g_variant_get_string (param, NULL);

  return jg_inventory_find_by_id (self->inventory, id);
}

static void
machine_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  JgWindow *self = JG_WINDOW (widget);
  JgHost *host = host_from_param (self, param);

  if (host == NULL)
    return;

  if (g_str_equal (action_name, "win.connect"))
    jg_window_connect (self, host);
  else if (g_str_equal (action_name, "win.connect-new-window"))
    {
      JgWindow *window = jg_window_new (JG_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))));

      jg_window_connect (window, host);
      gtk_window_present (GTK_WINDOW (window));
    }
  else if (g_str_equal (action_name, "win.edit"))
    jg_window_edit_host (self, host);
  else if (g_str_equal (action_name, "win.duplicate"))
    {
      g_autoptr(JgHost) copy = duplicate_host (self, host);
      guint position = 0;

      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->inventory)); i++)
        {
          g_autoptr(JgHost) item = g_list_model_get_item (G_LIST_MODEL (self->inventory), i);

          if (item == host)
            position = i + 1;
        }
      jg_inventory_insert (self->inventory, position, copy);
      jg_window_edit_host (self, copy);
    }
  else if (g_str_equal (action_name, "win.copy-command"))
    {
      g_autofree char *command = jg_window_dup_ssh_command (self, host);

      gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), command);
      jg_window_show_toast (self, _("SSH command copied"));
    }
  else if (g_str_equal (action_name, "win.remove"))
    jg_window_remove_host (self, host);
  else if (g_str_equal (action_name, "win.test"))
    jg_test_dialog_new (GTK_WINDOW (self), self->inventory, host);
  else if (g_str_equal (action_name, "win.install-key"))
    {
      g_autoptr(GError) error = NULL;
      JgKeyList *keys = jg_key_list_get_default (&error);

      if (keys == NULL)
        jg_window_show_toast (self, error->message);
      else
        jg_install_key_show (GTK_WINDOW (self), self->inventory, host, keys,
                             jg_host_get_key_id (host));
    }
  else if (g_str_equal (action_name, "win.create-launcher"))
    jg_application_create_launcher (JG_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))),
                                    GTK_WINDOW (self), host);
}

/* "Add Your Own Machine" is the enrollment wizard (jg-own-machine-wizard.h,
 * added by the wizard's engineer): the machine is added when it answered. */
static void
on_wizard_machine_added (JgWindow  *self,
                         JgMachine *machine)
{
  g_autofree char *text = g_strdup_printf (_("“%s” added"), jg_host_get_name (JG_HOST (machine)));

  jg_window_show_toast (self, text);
}

static void
show_own_machine_wizard (JgWindow *self)
{
  g_autoptr(GError) error = NULL;
  JgKeyList *keys = jg_key_list_get_default (&error);
  JgOwnMachineWizard *wizard;

  if (keys == NULL)
    {
      jg_window_show_toast (self, error->message);
      return;
    }
  wizard = jg_own_machine_wizard_new (self->inventory, keys);
  gtk_window_set_transient_for (GTK_WINDOW (wizard), GTK_WINDOW (self));
  g_signal_connect_object (wizard, "machine-added", G_CALLBACK (on_wizard_machine_added), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (wizard, "connect", G_CALLBACK (jg_window_connect), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (wizard));
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  JgWindow *self = JG_WINDOW (widget);
  g_autoptr(JgHost) host = NULL;

  if (g_str_equal (action_name, "win.add-own"))
    {
      show_own_machine_wizard (self);
      return;
    }
  if (g_str_equal (action_name, "win.add-jump"))
    host = JG_HOST (jg_jump_host_new ());
  else
    {
      gboolean own = g_str_equal (action_name, "win.add-own");

      host = JG_HOST (jg_machine_new (own ? JG_MACHINE_KIND_OWN : JG_MACHINE_KIND_VIRTUAL));
      if (!own)
        {
          /* The first jump host is the likeliest. */
          guint n = g_list_model_get_n_items (G_LIST_MODEL (self->inventory));

          for (guint i = 0; i < n; i++)
            {
              g_autoptr(JgHost) item = g_list_model_get_item (G_LIST_MODEL (self->inventory), i);

              if (JG_IS_JUMP_HOST (item))
                {
                  jg_host_set_jump_id (host, jg_host_get_id (item));
                  break;
                }
            }
        }
    }
  jg_window_edit_host (self, host);
}

#if HAVE_JG_IMPORT
static void
import_ssh_config (JgWindow   *self,
                   const char *path)
{
  g_autoptr(JgImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *details = NULL;
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *scrolled, *view;

  if (!jg_import_ssh_config (self->inventory, path, &report, &error))
    {
      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                           _("Could Not Import"), error->message));
      adw_message_dialog_add_response (dialog, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  summary = jg_import_report_dup_summary (report);
  details = jg_import_report_format (report);
  heading = g_strdup_printf (_("Imported %s"), jg_import_report_get_path (report));
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, summary));

  view = gtk_text_view_new ();
  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), details, -1);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 200);
  gtk_widget_add_css_class (scrolled, "card");
  adw_message_dialog_set_extra_child (dialog, scrolled);
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_set_default_size (GTK_WINDOW (dialog), 560, -1);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_config_chosen (GtkNativeDialog *chooser,
                  int              response,
                  JgWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path != NULL)
        import_ssh_config (self, path);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (self);
}
#endif

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  JgWindow *self = JG_WINDOW (widget);
#if HAVE_JG_IMPORT
  g_autofree char *ssh_dir = g_build_filename (g_get_home_dir (), ".ssh", NULL);
  g_autofree char *config = g_build_filename (ssh_dir, "config", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (config);
  g_autoptr(GFile) folder = g_file_new_for_path (ssh_dir);
  GtkFileChooserNative *chooser;

  if (g_str_equal (action_name, "win.import-default-ssh-config"))
    {
      import_ssh_config (self, NULL);
      return;
    }
  chooser = gtk_file_chooser_native_new (_("Import from SSH Config"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  if (g_file_query_exists (file, NULL))
    gtk_file_chooser_set_file (GTK_FILE_CHOOSER (chooser), file, NULL);
  else if (g_file_query_exists (folder, NULL))
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
  g_signal_connect (chooser, "response", G_CALLBACK (on_config_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
#else
  jg_window_show_toast (self, _("Importing from an SSH config is not available in this build"));
#endif
}

static void
window_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  JgWindow *self = JG_WINDOW (widget);
  AdwTabPage *tab = self->menu_page ? self->menu_page : adw_tab_view_get_selected_page (self->tab_view);
  JgTerminalPage *page = page_of (tab);

  self->menu_page = NULL;

  if (g_str_equal (action_name, "win.quick-connect"))
    {
      gtk_widget_set_visible (self->sidebar, TRUE);
      jg_quick_connect_start (self->quick_connect, NULL, -1);
    }
  else if (g_str_equal (action_name, "win.search"))
    {
      gtk_widget_set_visible (self->sidebar, TRUE);
      gtk_search_bar_set_search_mode (self->search_bar, TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
    }
  else if (g_str_equal (action_name, "win.row-menu") || g_str_equal (action_name, "win.row-expand")
           || g_str_equal (action_name, "win.row-collapse"))
    {
      GtkRoot *root = gtk_widget_get_root (widget);
      GtkWidget *focus = gtk_root_get_focus (root);
      JgMachineRow *row = NULL;
      JgSidebarItem *item;

      for (GtkWidget *w = focus; w != NULL && row == NULL && w != GTK_WIDGET (self->list_view);
           w = gtk_widget_get_parent (w))
        row = find_row (w);
      item = row != NULL ? jg_machine_row_get_item (row) : NULL;
      if (row != NULL && g_str_equal (action_name, "win.row-menu"))
        jg_machine_row_popup_menu (row, -1, -1);
      else if (item != NULL)
        jg_sidebar_item_set_expanded (item, g_str_equal (action_name, "win.row-expand"));
    }
  else if (g_str_equal (action_name, "win.new-window"))
    {
      JgWindow *window = jg_window_new (JG_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))));

      gtk_window_present (GTK_WINDOW (window));
    }
  else if (g_str_equal (action_name, "win.show-help-overlay"))
    {
      GtkShortcutsWindow *overlay;

      /* Built on first use: GtkApplication would build it for every window
       * at startup if it were at gtk/help-overlay.ui in the resources. */
      overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (self));
      if (overlay == NULL)
        {
          g_autoptr(GtkBuilder) builder =
            gtk_builder_new_from_resource ("/io/github/jumpgate/Jumpgate/jg-shortcuts.ui");

          overlay = GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
          gtk_application_window_set_help_overlay (GTK_APPLICATION_WINDOW (self), overlay);
        }
      gtk_window_present (GTK_WINDOW (overlay));
    }
  else if (g_str_equal (action_name, "win.toggle-sidebar"))
    gtk_widget_set_visible (self->sidebar, !gtk_widget_get_visible (self->sidebar));
  else if (g_str_equal (action_name, "win.focus-sidebar"))
    {
      /* Back from a terminal (which keeps Tab and F6) to the machines. */
      gtk_widget_set_visible (self->sidebar, TRUE);
      settle_list (self);
      gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
    }
  else if (g_str_equal (action_name, "win.next-tab"))
    adw_tab_view_select_next_page (self->tab_view);
  else if (g_str_equal (action_name, "win.previous-tab"))
    adw_tab_view_select_previous_page (self->tab_view);
  else if (g_str_equal (action_name, "win.move-store-aside"))
    {
      JgApplication *app = JG_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;

      if (!jg_application_move_store_aside (app, &path, &error))
        jg_window_show_toast (self, error->message);
      else
        {
          g_autofree char *text = g_strdup_printf (_("The unreadable file was kept as %s"), path);

          jg_window_show_toast (self, text);
        }
    }
  else if (tab == NULL)
    return;
  else if (g_str_equal (action_name, "win.close-tab") || g_str_equal (action_name, "win.tab-close"))
    adw_tab_view_close_page (self->tab_view, tab);
  else if (g_str_equal (action_name, "win.tab-move-to-new-window"))
    {
      AdwTabView *view = on_create_window (self);

      adw_tab_view_transfer_page (self->tab_view, tab, view, 0);
    }
  else if (page == NULL)
    return;
  else if (g_str_equal (action_name, "win.tab-reconnect"))
    jg_terminal_page_connect (page);
  else if (g_str_equal (action_name, "win.tab-log"))
    jg_terminal_page_set_show_log (page, !jg_terminal_page_get_show_log (page));
  else if (g_str_equal (action_name, "win.tab-edit"))
    {
      JgHost *host = jg_terminal_page_get_host (page);

      if (jg_inventory_find_by_id (self->inventory, jg_host_get_id (host)) != NULL)
        jg_window_edit_host (self, host);
    }
}

/* ---- window ------------------------------------------------------------- */

static gboolean
jg_window_close_request (GtkWindow *window)
{
  JgWindow *self = JG_WINDOW (window);

  if (self->settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_delay (self->settings);
      if (!gtk_window_is_maximized (window) && width > 0 && height > 0)
        {
          g_settings_set_int (self->settings, "window-width", width);
          g_settings_set_int (self->settings, "window-height", height);
        }
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
      if (gtk_widget_get_visible (self->sidebar))
        g_settings_set_int (self->settings, "sidebar-width",
                            CLAMP (gtk_paned_get_position (self->paned), 180, 600));
      g_settings_apply (self->settings);
    }

  /* Close every connection of this window. */
  for (int i = adw_tab_view_get_n_pages (self->tab_view) - 1; i >= 0; i--)
    {
      JgTerminalPage *page = page_of (adw_tab_view_get_nth_page (self->tab_view, i));

      if (page != NULL)
        {
          drop_prompts_of (self, page);
          jg_terminal_page_close (page);
        }
    }

  return GTK_WINDOW_CLASS (jg_window_parent_class)->close_request (window);
}

/* The sidebar's items keep their positions when the rows change (see
 * jg-sidebar-model.c): the selection follows the node it showed. */
static void
on_selected_changed (JgWindow *self)
{
  guint selected = gtk_single_selection_get_selected (self->selection);
  JgSidebarNode *node = node_at (self, selected);

  g_set_object (&self->selected_node, node);
}

static void
on_rows_changed (JgWindow *self)
{
  guint position;

  if (self->selected_node == NULL)
    return;
  position = jg_sidebar_model_get_position (self->sidebar_model, self->selected_node);
  if (position != gtk_single_selection_get_selected (self->selection))
    {
      g_autoptr(JgSidebarNode) node = g_object_ref (self->selected_node);

      gtk_single_selection_set_selected (self->selection, position);
      /* a node that is filtered out or collapsed is not selected any more */
      if (position == GTK_INVALID_LIST_POSITION)
        g_clear_object (&self->selected_node);
      else
        g_set_object (&self->selected_node, node);
    }
}

/* GTK 4.8's list view makes a row for each of the first 200 items whatever
 * its height, before the window maps. Until the first frame is painted the
 * sidebar shows only as many rows as the tallest screen can show (a sidebar
 * row is at least 36 px high), then all: the rows nobody can see yet are
 * made after the window is up. */
static guint
first_frame_rows (GtkWidget *widget)
{
  GListModel *monitors = gdk_display_get_monitors (gtk_widget_get_display (widget));
  int height = 0;

  for (guint i = 0; i < g_list_model_get_n_items (monitors); i++)
    {
      g_autoptr(GdkMonitor) monitor = g_list_model_get_item (monitors, i);
      GdkRectangle geometry;

      gdk_monitor_get_geometry (monitor, &geometry);
      height = MAX (height, geometry.height);
    }
  return height > 0 ? CLAMP (height / 36 + 2, 16, 200) : 200;
}

static gboolean
show_all_rows (gpointer data)
{
  JgWindow *self = data;

  /* (a slice model turns a change that is not in place into "everything
   * after it changed", but the sidebar model only ever changes its end) */
  if (self->slice != NULL)
    gtk_slice_list_model_set_size (self->slice, G_MAXUINT);
  return G_SOURCE_REMOVE;
}

static void
on_first_paint (GdkFrameClock *clock,
                JgWindow      *self)
{
  g_clear_signal_handler (&self->first_paint_id, clock);
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, show_all_rows, g_object_ref (self), g_object_unref);
}

static void
jg_window_map (GtkWidget *widget)
{
  JgWindow *self = JG_WINDOW (widget);
  GdkFrameClock *clock;

  /* The machines have the keyboard first, without selecting one: GtkWindow
   * would move the focus into the list as Tab does, which selects the first
   * machine, and nothing should look selected until the person selects. */
  if (gtk_root_get_focus (GTK_ROOT (self)) == NULL && gtk_widget_get_visible (self->sidebar))
    gtk_widget_grab_focus (GTK_WIDGET (self->list_view));

  GTK_WIDGET_CLASS (jg_window_parent_class)->map (widget);

  clock = gtk_widget_get_frame_clock (widget);
  if (self->first_paint_id == 0 && clock != NULL
      && gtk_slice_list_model_get_size (self->slice) != G_MAXUINT)
    self->first_paint_id = g_signal_connect_object (clock, "after-paint",
                                                    G_CALLBACK (on_first_paint), self, 0);
}

/* After construction: GtkWindow:application is not set yet in constructed. */
static void
jg_window_setup (JgWindow      *self,
                 JgApplication *app)
{
  GtkListItemFactory *factory;

  g_assert (JG_IS_APPLICATION (app));
  self->inventory = g_object_ref (jg_application_get_inventory (app));
  self->sidebar_model = jg_sidebar_model_new (self->inventory);
  self->slice = gtk_slice_list_model_new (g_object_ref (G_LIST_MODEL (self->sidebar_model)), 0,
                                         first_frame_rows (GTK_WIDGET (self)));
  /* Without a model first: a single selection made over a model selects
   * its first item (here a section title, which then looked selected). */
  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->slice));
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected", G_CALLBACK (on_selected_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sidebar_model, "rows-changed", G_CALLBACK (on_rows_changed), self,
                           G_CONNECT_SWAPPED);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (factory_setup), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (factory_bind), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (factory_unbind), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_object (self->inventory, "changed", G_CALLBACK (jg_window_update_content), self,
                           G_CONNECT_SWAPPED);
  jg_quick_connect_set_inventory (self->quick_connect, self->inventory);
  g_signal_connect_object (self->sidebar_model, "notify::has-matches",
                           G_CALLBACK (update_sidebar), self, G_CONNECT_SWAPPED);

  self->settings = jg_application_dup_settings ();
  if (self->settings != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
      gtk_paned_set_position (self->paned, g_settings_get_int (self->settings, "sidebar-width"));
    }
  else
    {
      gtk_window_set_default_size (GTK_WINDOW (self), 1100, 700);
      gtk_paned_set_position (self->paned, 260);
    }

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  jg_window_update_content (self);
  on_selected_page_changed (self);
}

static void
jg_window_dispose (GObject *object)
{
  JgWindow *self = JG_WINDOW (object);
  PendingPrompt *pending;

  while ((pending = g_queue_pop_head (&self->prompts)) != NULL)
    {
      jg_prompt_cancel (pending->prompt);
      pending_prompt_free (pending);
    }
  if (self->current_prompt != NULL)
    {
      jg_prompt_cancel (self->current_prompt->prompt);
      g_clear_pointer (&self->current_prompt, pending_prompt_free);
    }
  g_clear_pointer (&self->prompt_entries, g_ptr_array_unref);
  g_clear_pointer (&self->log_binding, g_binding_unbind);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  /* The tab view closes its pages while it is disposed: not our business
   * any more (its page-detached would find the template children gone). */
  if (self->tab_view != NULL)
    g_signal_handlers_disconnect_by_data (self->tab_view, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), JG_TYPE_WINDOW);

  if (self->first_paint_id != 0)
    {
      GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

      if (clock != NULL)
        g_clear_signal_handler (&self->first_paint_id, clock);
      self->first_paint_id = 0;
    }
  g_clear_object (&self->selection);
  g_clear_object (&self->slice);
  g_clear_object (&self->selected_node);
  g_clear_pointer (&self->pending_shows, g_ptr_array_unref);
  g_clear_object (&self->sidebar_model);
  g_clear_object (&self->inventory);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (jg_window_parent_class)->dispose (object);
}

static void
jg_window_class_init (JgWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = jg_window_dispose;
  window_class->close_request = jg_window_close_request;
  widget_class->map = jg_window_map;

  g_type_ensure (JG_TYPE_MACHINE_ROW);
  g_type_ensure (JG_TYPE_QUICK_CONNECT);
  g_type_ensure (JG_TYPE_TERMINAL_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/jumpgate/Jumpgate/jg-window.ui");
  gtk_widget_class_bind_template_child (widget_class, JgWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, paned);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, quick_connect);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, list_view);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, sidebar_button);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, add_button);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, primary_button);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, add_menu);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, primary_menu);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, log_button);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, tab_bar);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, load_error_page);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, import_button);
  gtk_widget_class_bind_template_child (widget_class, JgWindow, tab_view);
  gtk_widget_class_bind_template_callback (widget_class, on_quick_connect);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_search_stop);
  gtk_widget_class_bind_template_callback (widget_class, on_list_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_selected_page_changed);
  gtk_widget_class_bind_template_callback (widget_class, jg_window_update_content);
  gtk_widget_class_bind_template_callback (widget_class, on_create_window);
  gtk_widget_class_bind_template_callback (widget_class, on_close_page);
  gtk_widget_class_bind_template_callback (widget_class, on_setup_menu);
  gtk_widget_class_bind_template_callback (widget_class, on_page_attached);
  gtk_widget_class_bind_template_callback (widget_class, on_page_detached);

  gtk_widget_class_install_action (widget_class, "win.connect", "s", machine_action);
  gtk_widget_class_install_action (widget_class, "win.connect-new-window", "s", machine_action);
  gtk_widget_class_install_action (widget_class, "win.edit", "s", machine_action);
  gtk_widget_class_install_action (widget_class, "win.duplicate", "s", machine_action);
  gtk_widget_class_install_action (widget_class, "win.copy-command", "s", machine_action);
  gtk_widget_class_install_action (widget_class, "win.remove", "s", machine_action);
  gtk_widget_class_install_action (widget_class, "win.test", "s", machine_action);
  gtk_widget_class_install_action (widget_class, "win.install-key", "s", machine_action);
  gtk_widget_class_install_action (widget_class, "win.create-launcher", "s", machine_action);
  gtk_widget_class_install_action (widget_class, "win.add-vm", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "win.add-own", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "win.add-jump", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "win.import-ssh-config", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "win.import-default-ssh-config", NULL,
                                   import_action);
  gtk_widget_class_install_action (widget_class, "win.quick-connect", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.row-menu", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.row-expand", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.row-collapse", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.new-window", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-sidebar", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.focus-sidebar", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.show-help-overlay", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.next-tab", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.previous-tab", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.close-tab", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.move-store-aside", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.tab-close", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.tab-move-to-new-window", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.tab-reconnect", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.tab-log", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.tab-edit", NULL, window_action);
}

/* A menu button's popover is built when it first opens, not with the
 * window (GtkMenuButton builds it as soon as it has a menu model). */
static void
create_menu_popup (GtkMenuButton *button,
                   gpointer       user_data)
{
  JgWindow *self = JG_WINDOW (gtk_widget_get_root (GTK_WIDGET (button)));

  if (gtk_menu_button_get_popover (button) != NULL)
    return;
  gtk_menu_button_set_menu_model (button, button == self->add_button ? self->add_menu
                                                                      : self->primary_menu);
}

static void
jg_window_init (JgWindow *self)
{
  g_queue_init (&self->prompts);
  self->prompt_entries = g_ptr_array_new ();
  self->pending_shows = g_ptr_array_new_with_free_func (g_object_unref);
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_menu_button_set_create_popup_func (self->add_button, create_menu_popup, NULL, NULL);
  gtk_menu_button_set_create_popup_func (self->primary_button, create_menu_popup, NULL, NULL);
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self->sidebar));
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  /* Filtering is cheap (tests/bench): no need to wait for a pause in typing. */
  gtk_search_entry_set_search_delay (self->search_entry, 0);
  {
    GtkEventController *focus = gtk_event_controller_focus_new ();

    g_signal_connect_object (focus, "enter", G_CALLBACK (on_list_focus_enter), self,
                             G_CONNECT_SWAPPED);
    gtk_widget_add_controller (GTK_WIDGET (self->list_view), focus);
  }
}

JgWindow *
jg_window_new (JgApplication *application)
{
  JgWindow *self;

  g_return_val_if_fail (JG_IS_APPLICATION (application), NULL);

  self = g_object_new (JG_TYPE_WINDOW, "application", application, NULL);
  jg_window_setup (self, application);
  return self;
}

JgSidebarModel *
jg_window_get_sidebar_model (JgWindow *self)
{
  g_return_val_if_fail (JG_IS_WINDOW (self), NULL);
  return self->sidebar_model;
}

GtkListView *
jg_window_get_list_view (JgWindow *self)
{
  g_return_val_if_fail (JG_IS_WINDOW (self), NULL);
  return self->list_view;
}

AdwTabView *
jg_window_get_tab_view (JgWindow *self)
{
  g_return_val_if_fail (JG_IS_WINDOW (self), NULL);
  return self->tab_view;
}

JgQuickConnect *
jg_window_get_quick_connect (JgWindow *self)
{
  g_return_val_if_fail (JG_IS_WINDOW (self), NULL);
  return self->quick_connect;
}
