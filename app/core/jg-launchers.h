/* jg-launchers.h — per-machine launchers in $XDG_DATA_HOME/applications
 *
 * A launcher is a desktop file, `<app id>.machine-<machine id>.desktop`,
 * that runs `jumpgate --connect <machine id>`: by id, so that renaming the
 * machine does not break it. None is made unless asked (Create Launcher in
 * the machine's menu). Once there, it follows the inventory: it is rewritten
 * when the machine's name or address changes, removed when the machine is
 * removed, and written again when the removal is undone. Launchers of
 * machines that are in the inventory but have none are never created.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jg-inventory.h"

G_BEGIN_DECLS

#define JG_TYPE_LAUNCHERS (jg_launchers_get_type ())
G_DECLARE_FINAL_TYPE (JgLaunchers, jg_launchers, JG, LAUNCHERS, GObject)

/* @dir: where the launchers are, NULL for $XDG_DATA_HOME/applications.
 * Launchers already there are brought up to date with @inventory's names. */
JgLaunchers *jg_launchers_new            (JgInventory  *inventory,
                                          const char   *app_id,
                                          const char   *dir);
const char  *jg_launchers_get_dir        (JgLaunchers  *self);
/* Where @host's launcher is (or would be). */
char        *jg_launchers_dup_path       (JgLaunchers  *self,
                                          JgHost       *host);
gboolean     jg_launchers_has            (JgLaunchers  *self,
                                          JgHost       *host);
/* The desktop file's text for @host. */
char        *jg_launchers_dup_contents   (JgLaunchers  *self,
                                          JgHost       *host);
/* Writes @host's launcher (again). */
gboolean     jg_launchers_create         (JgLaunchers  *self,
                                          JgHost       *host,
                                          GError      **error);
/* Removes @host's launcher; TRUE when there was none. */
gboolean     jg_launchers_remove         (JgLaunchers  *self,
                                          JgHost       *host,
                                          GError      **error);

/* Signals:
 * ::failed (JgLaunchers *, JgHost *host, GError *error): a launcher could
 *     not follow a change of the inventory (rewritten or removed). */

G_END_DECLS
