/* jg-window.h — the main window: the machine sidebar and the terminal tabs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "jg-application.h"
#include "jg-quick-connect.h"
#include "jg-sidebar-model.h"
#include "jg-terminal-page.h"

G_BEGIN_DECLS

#define JG_TYPE_WINDOW (jg_window_get_type ())
G_DECLARE_FINAL_TYPE (JgWindow, jg_window, JG, WINDOW, AdwApplicationWindow)

JgWindow       *jg_window_new                (JgApplication *application);
JgSidebarModel *jg_window_get_sidebar_model  (JgWindow      *self);
GtkListView    *jg_window_get_list_view      (JgWindow      *self);
AdwTabView     *jg_window_get_tab_view       (JgWindow      *self);
/* The "connect to [user@]host[:port]" entry atop the sidebar (Ctrl+L). */
JgQuickConnect *jg_window_get_quick_connect  (JgWindow      *self);
/* Opens a tab on @host and starts connecting. */
JgTerminalPage *jg_window_connect            (JgWindow      *self,
                                              JgHost        *host);
void            jg_window_show_toast         (JgWindow      *self,
                                              const char    *text);
void            jg_window_add_toast          (JgWindow      *self,
                                              AdwToast      *toast);
/* Shows the sidebar's filter with @text in it. */
void            jg_window_start_search       (JgWindow      *self,
                                              const char    *text);
/* Opens the editor of @host, or of a new one when @host is not saved yet. */
GtkWindow      *jg_window_edit_host          (JgWindow      *self,
                                              JgHost        *host);
/* Removes @host with an Undo toast. */
void            jg_window_remove_host        (JgWindow      *self,
                                              JgHost        *host);
void            jg_window_update_content     (JgWindow      *self);
/* The dialog of the prompt being asked, or NULL (for tests). */
GtkWindow      *jg_window_get_prompt_dialog  (JgWindow      *self);
/* The `ssh` command line equivalent to connecting to @host. */
char           *jg_window_dup_ssh_command    (JgWindow      *self,
                                              JgHost        *host);

G_END_DECLS
