/* jg-test-gui.c — what GUI tests need again and again
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jg-test-gui.h"

#include <string.h>

gboolean
jg_test_gui_wait_for (JgTestCondition condition,
                      gpointer        data,
                      guint           timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

void
jg_test_gui_spin (guint ms)
{
  jg_test_gui_wait_for (never, NULL, ms);
}

GtkWidget *
jg_test_gui_find_where (GtkWidget     *widget,
                        JgTestMatch    match,
                        gconstpointer  data)
{
  if (match (widget, data))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = jg_test_gui_find_where (child, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_of_type (GtkWidget     *widget,
            gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, *(const GType *) type);
}

GtkWidget *
jg_test_gui_find (GtkWidget *widget,
                  GType      type)
{
  return jg_test_gui_find_where (widget, is_of_type, &type);
}

static gboolean
shows_host (GtkWidget     *widget,
            gconstpointer  host)
{
  JgSidebarNode *node;

  return JG_IS_MACHINE_ROW (widget)
         && (node = jg_machine_row_get_node (JG_MACHINE_ROW (widget))) != NULL
         && jg_sidebar_node_get_host (node) == host;
}

JgMachineRow *
jg_test_gui_lookup_row (JgWindow *window,
                        JgHost   *host)
{
  GtkWidget *row = jg_test_gui_find_where (GTK_WIDGET (jg_window_get_list_view (window)), shows_host, host);

  return row != NULL ? JG_MACHINE_ROW (row) : NULL;
}

typedef struct
{
  JgWindow *window;
  JgHost   *host;
} RowWait;

static gboolean
row_exists (gpointer data)
{
  RowWait *wait = data;

  return jg_test_gui_lookup_row (wait->window, wait->host) != NULL;
}

JgMachineRow *
jg_test_gui_find_row (JgWindow *window,
                      JgHost   *host)
{
  RowWait wait = { window, host };

  g_assert_true (jg_test_gui_wait_for (row_exists, &wait, 5000));
  return jg_test_gui_lookup_row (window, host);
}

void
jg_test_gui_screenshot (GtkWidget  *widget,
                        const char *name)
{
  const char *dir = g_getenv ("JG_TEST_SCREENSHOTS");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  int width, height;

  if (dir == NULL)
    return;
  jg_test_gui_spin (300);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_strdup_printf ("%s/%s.png", dir, name);
  gdk_texture_save_to_png (texture, path);
}

void
jg_test_gui_screen_shot (const char *name)
{
  const char *dir = g_getenv ("JG_TEST_SCREENSHOTS");
  g_autofree char *import = g_find_program_in_path ("import");
  g_autofree char *path = NULL;
  const char *argv[] = { NULL, "-window", "root", NULL, NULL };

  if (dir == NULL || import == NULL)
    return;
  jg_test_gui_spin (300);
  path = g_strdup_printf ("%s/%s.png", dir, name);
  argv[0] = import;
  argv[3] = path;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                NULL, NULL);
}

gboolean
jg_test_gui_terminal_has (gpointer data)
{
  JgTestTextWait *wait = data;
  g_autofree char *text = jg_terminal_dup_text (wait->terminal);

  return text != NULL && strstr (text, wait->needle) != NULL;
}

gboolean
jg_test_gui_wait_for_text (JgTerminal *terminal,
                           const char *needle)
{
  JgTestTextWait wait = { terminal, needle };

  return jg_test_gui_wait_for (jg_test_gui_terminal_has, &wait, 20000);
}

void
jg_test_gui_close_tabs (JgWindow *window)
{
  AdwTabView *view = jg_window_get_tab_view (window);

  while (adw_tab_view_get_n_pages (view) > 0)
    adw_tab_view_close_page (view, adw_tab_view_get_nth_page (view, 0));
  jg_test_gui_spin (50);
}
