/* jg-application.h — the Jumpgate application (single instance)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "jg-inventory.h"
#include "jg-launchers.h"
#include "jg-store.h"

G_BEGIN_DECLS

#define JG_TYPE_APPLICATION (jg_application_get_type ())
G_DECLARE_FINAL_TYPE (JgApplication, jg_application, JG, APPLICATION, AdwApplication)

JgApplication *jg_application_new                (void);
JgInventory   *jg_application_get_inventory      (JgApplication *self);
JgStore       *jg_application_get_store          (JgApplication *self);
/* Why machines.json could not be read at startup, or NULL. */
const GError  *jg_application_get_load_error     (JgApplication *self);
/* Moves an unreadable machines.json aside and starts with an empty list. */
gboolean       jg_application_move_store_aside   (JgApplication *self,
                                                  char         **new_path,
                                                  GError       **error);
/* Writes the inventory now instead of after the pending delay. */
gboolean       jg_application_save_now           (JgApplication *self,
                                                  GError       **error);
/* Sets the sidebar status of @host in every window from its open tabs. */
void           jg_application_update_host_status (JgApplication *self,
                                                  JgHost        *host);
/* The app's settings, or NULL when the schema is not installed (a build
 * run from its directory without GSETTINGS_SCHEMA_DIR). */
GSettings     *jg_application_dup_settings       (void);
/* The per-machine launchers (NULL before startup). */
JgLaunchers   *jg_application_get_launchers      (JgApplication *self);
/* Connects to the saved host @id in the active window (the search
 * provider's ActivateResult); says so when there is none any more. */
void           jg_application_connect_by_id      (JgApplication *self,
                                                  const char    *id,
                                                  guint32        timestamp);
/* Writes @host's launcher and says so in @window (a JgWindow), with Undo. */
void           jg_application_create_launcher    (JgApplication *self,
                                                  GtkWindow     *window,
                                                  JgHost        *host);
/* Shows the active window with its sidebar filtered by @text. */
void           jg_application_search             (JgApplication *self,
                                                  const char    *text,
                                                  guint32        timestamp);

G_END_DECLS
