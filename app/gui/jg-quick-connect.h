/* jg-quick-connect.h — the sidebar's "connect to [user@]host[:port]" entry
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jg-inventory.h"

G_BEGIN_DECLS

#define JG_TYPE_QUICK_CONNECT (jg_quick_connect_get_type ())
G_DECLARE_FINAL_TYPE (JgQuickConnect, jg_quick_connect, JG, QUICK_CONNECT, GtkWidget)

GtkWidget   *jg_quick_connect_new              (void);
void         jg_quick_connect_set_inventory    (JgQuickConnect *self,
                                                JgInventory    *inventory);
GtkEditable *jg_quick_connect_get_editable     (JgQuickConnect *self);
/* Focuses the entry with @text in it and the cursor at @position (-1: the end). */
void         jg_quick_connect_start            (JgQuickConnect *self,
                                                const char     *text,
                                                int             position);
/* What the line under the entry says: where the text leads, or what is
 * wrong with it; NULL when it is empty. */
const char  *jg_quick_connect_get_hint         (JgQuickConnect *self);
gboolean     jg_quick_connect_get_hint_is_error (JgQuickConnect *self);
/* The saved machines suggested for the text, best first. */
guint        jg_quick_connect_get_n_suggestions (JgQuickConnect *self);
JgHost      *jg_quick_connect_get_suggestion   (JgQuickConnect *self,
                                                guint           index);
/* What Enter does: ::connect with the selected suggestion, or with where
 * the text leads; FALSE (and the reason shown) when it leads nowhere. */
gboolean     jg_quick_connect_activate         (JgQuickConnect *self);

/* Signals:
 * ::connect (JgQuickConnect *, JgHost *host)  connect to @host: a saved
 *     one, or a machine that is not saved (see jg-destination.h). */

G_END_DECLS
