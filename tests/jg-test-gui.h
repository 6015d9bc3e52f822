/* jg-test-gui.h — what GUI tests need again and again: waiting on the main
 * context, finding widgets and the window's sidebar rows, saving what a
 * widget shows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jg-machine-row.h"
#include "jg-terminal.h"
#include "jg-window.h"

G_BEGIN_DECLS

typedef gboolean (*JgTestCondition) (gpointer data);

/* Runs the default main context until @condition holds; FALSE after
 * @timeout_ms without it. */
gboolean   jg_test_gui_wait_for       (JgTestCondition  condition,
                                       gpointer         data,
                                       guint            timeout_ms);
/* Runs the default main context for @ms. */
void       jg_test_gui_spin           (guint            ms);
typedef gboolean (*JgTestMatch) (GtkWidget *widget, gconstpointer data);

/* The first widget at or below @widget that @match accepts, depth first. */
GtkWidget *jg_test_gui_find_where     (GtkWidget       *widget,
                                       JgTestMatch      match,
                                       gconstpointer    data);
/* The first widget of @type at or below @widget, depth first. */
GtkWidget *jg_test_gui_find           (GtkWidget       *widget,
                                       GType            type);
/* The sidebar row of @window that shows @host, or NULL while the list view
 * has not made one (rows out of sight may not exist). */
JgMachineRow *jg_test_gui_lookup_row  (JgWindow        *window,
                                       JgHost          *host);
/* The same, waiting up to 5 s for the row; fails the test without it. */
JgMachineRow *jg_test_gui_find_row    (JgWindow        *window,
                                       JgHost          *host);
/* With JG_TEST_SCREENSHOTS=DIR: what @widget shows, as DIR/@name.png
 * (after 300 ms for it to settle). Popovers are surfaces of their own:
 * jg_test_gui_screen_shot() takes the whole screen with them. */
void       jg_test_gui_screenshot     (GtkWidget       *widget,
                                       const char      *name);
/* With JG_TEST_SCREENSHOTS=DIR and ImageMagick's `import`: the screen as
 * DIR/@name.png. */
void       jg_test_gui_screen_shot    (const char      *name);

/* What a terminal should come to show: @needle in @terminal's text. */
typedef struct
{
  JgTerminal *terminal;
  const char *needle;
} JgTestTextWait;

/* A JgTestCondition on a JgTestTextWait. */
gboolean   jg_test_gui_terminal_has   (gpointer         wait);
/* Waits up to 20 s for @needle to reach @terminal's text. */
gboolean   jg_test_gui_wait_for_text  (JgTerminal      *terminal,
                                       const char      *needle);
/* Closes every tab of @window, then runs the main context for 50 ms. */
void       jg_test_gui_close_tabs     (JgWindow        *window);

G_END_DECLS
