/* jg-terminal-page.h — a tab: one connection to a machine and its terminal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jg-connection.h"
#include "jg-inventory.h"
#include "jg-terminal.h"

G_BEGIN_DECLS

typedef enum
{
  JG_TERMINAL_PAGE_IDLE = 0,
  JG_TERMINAL_PAGE_CONNECTING,
  JG_TERMINAL_PAGE_CONNECTED,
  JG_TERMINAL_PAGE_DISCONNECTED,  /* the shell ended or the connection was lost */
  JG_TERMINAL_PAGE_FAILED,        /* never got a shell */
} JgTerminalPageState;

#define JG_TYPE_TERMINAL_PAGE (jg_terminal_page_get_type ())
G_DECLARE_FINAL_TYPE (JgTerminalPage, jg_terminal_page, JG, TERMINAL_PAGE, GtkWidget)

JgTerminalPage      *jg_terminal_page_new           (JgInventory    *inventory,
                                                     JgHost         *host);
JgHost              *jg_terminal_page_get_host      (JgTerminalPage *self);
JgTerminal          *jg_terminal_page_get_terminal  (JgTerminalPage *self);
JgConnection        *jg_terminal_page_get_connection (JgTerminalPage *self);
const char          *jg_terminal_page_get_title     (JgTerminalPage *self);
JgTerminalPageState  jg_terminal_page_get_state     (JgTerminalPage *self);
/* The reason shown for DISCONNECTED and FAILED, or NULL. */
const GError        *jg_terminal_page_get_error     (JgTerminalPage *self);
char                *jg_terminal_page_dup_log       (JgTerminalPage *self);
gboolean             jg_terminal_page_get_show_log  (JgTerminalPage *self);
void                 jg_terminal_page_set_show_log  (JgTerminalPage *self,
                                                     gboolean        show_log);
void                 jg_terminal_page_connect       (JgTerminalPage *self);
void                 jg_terminal_page_close         (JgTerminalPage *self);

/* When the connection drops (keepalives, a closed transport, the network
 * gone), the tab keeps its scrollback, drops what is typed and connects
 * again by itself after 1, 2, 4 … 30 s — never after an authentication
 * failure or a host key mismatch; the banner counts down and offers
 * Reconnect Now. */
/* The banner's text, or NULL when it is hidden. */
const char          *jg_terminal_page_get_notice    (JgTerminalPage *self);
/* Seconds of the wait before the next automatic try, or -1 when none. */
int                  jg_terminal_page_get_reconnect_delay (JgTerminalPage *self);
/* For tests: how many ms a second of that wait lasts (default 1000). */
void                 jg_terminal_page_set_reconnect_unit  (JgTerminalPage *self,
                                                           guint           ms);

/* Signals:
 * ::prompt (JgTerminalPage *, JgPrompt *)  the connection asks a question;
 *     the window answers it (one dialog at a time).
 * ::edit-host (JgTerminalPage *, JgHost *)  "Edit Machine…" was pressed, or
 *     "Save…" for a machine that is not saved (the editor adds it). */

G_END_DECLS
