/* jg-search-provider.h — saved machines in GNOME Shell's search
 *
 * org.gnome.Shell.SearchProvider2 on the application's D-Bus connection, at
 * `<application object path>/SearchProvider` (see
 * data/io.github.jumpgate.Jumpgate.search-provider.ini.in). Result ids are
 * machine ids; activating one connects to it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jg-application.h"

G_BEGIN_DECLS

#define JG_TYPE_SEARCH_PROVIDER (jg_search_provider_get_type ())
G_DECLARE_FINAL_TYPE (JgSearchProvider, jg_search_provider, JG, SEARCH_PROVIDER, GObject)

JgSearchProvider *jg_search_provider_new      (JgApplication     *application);
gboolean          jg_search_provider_export   (JgSearchProvider  *self,
                                               GDBusConnection   *connection,
                                               const char        *object_path,
                                               GError           **error);
void              jg_search_provider_unexport (JgSearchProvider  *self);

/* The ids of the hosts of @inventory whose name or address holds every
 * one of @terms (case-insensitive), among @within (NULL: all), names that
 * start with the first term first. */
char            **jg_search_provider_find     (JgInventory        *inventory,
                                               const char * const *terms,
                                               const char * const *within);

G_END_DECLS
