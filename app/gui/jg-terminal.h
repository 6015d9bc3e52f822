/* jg-terminal.h — the VTE terminal of a tab
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <vte/vte.h>

G_BEGIN_DECLS

#define JG_TYPE_TERMINAL (jg_terminal_get_type ())
G_DECLARE_FINAL_TYPE (JgTerminal, jg_terminal, JG, TERMINAL, VteTerminal)

GtkWidget *jg_terminal_new              (void);
/* Remote text of the visible screen and the scrollback, for tests. */
char      *jg_terminal_dup_text         (JgTerminal *self);
void       jg_terminal_popup_menu       (JgTerminal *self,
                                         double      x,
                                         double      y);

/* Signals:
 * ::grid-changed (JgTerminal *, guint columns, guint rows)
 *     The character grid changed size (emitted from size_allocate). */

G_END_DECLS
