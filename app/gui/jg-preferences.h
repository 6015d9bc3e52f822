/* jg-preferences.h — the preferences window: terminal font, style, scrollback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define JG_TYPE_PREFERENCES (jg_preferences_get_type ())
G_DECLARE_FINAL_TYPE (JgPreferences, jg_preferences, JG, PREFERENCES, AdwPreferencesWindow)

JgPreferences *jg_preferences_new (void);

G_END_DECLS
