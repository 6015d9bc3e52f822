/* jg-preferences.c — the preferences window: terminal font, style, scrollback; keys
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "jg-application.h"
#include "jg-keys-page.h"
#include "jg-preferences.h"

struct _JgPreferences
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;

  AdwComboRow          *style_row;
  GtkSwitch            *system_font_switch;
  GtkFontButton        *font_button;
  GtkSpinButton        *scrollback_spin;
  GtkSpinButton        *status_interval_spin;
};

G_DEFINE_FINAL_TYPE (JgPreferences, jg_preferences, ADW_TYPE_PREFERENCES_WINDOW)

static void
on_style_selected (JgPreferences *self)
{
  if (self->settings != NULL)
    g_settings_set_enum (self->settings, "color-scheme", adw_combo_row_get_selected (self->style_row));
}

static void
jg_preferences_dispose (GObject *object)
{
  JgPreferences *self = JG_PREFERENCES (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), JG_TYPE_PREFERENCES);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (jg_preferences_parent_class)->dispose (object);
}

static void
jg_preferences_class_init (JgPreferencesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jg_preferences_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/jumpgate/Jumpgate/jg-preferences.ui");
  gtk_widget_class_bind_template_child (widget_class, JgPreferences, style_row);
  gtk_widget_class_bind_template_child (widget_class, JgPreferences, system_font_switch);
  gtk_widget_class_bind_template_child (widget_class, JgPreferences, font_button);
  gtk_widget_class_bind_template_child (widget_class, JgPreferences, scrollback_spin);
  gtk_widget_class_bind_template_child (widget_class, JgPreferences, status_interval_spin);
  gtk_widget_class_bind_template_callback (widget_class, on_style_selected);
}

/* The Keys page, over keys.json read now (a file that cannot be read
 * shows as no keys, and saving is refused: jg-key-list.h). */
static void
add_keys_page (JgPreferences *self)
{
  GApplication *app = g_application_get_default ();
  JgInventory *inventory = JG_IS_APPLICATION (app) ? jg_application_get_inventory (JG_APPLICATION (app)) : NULL;
  g_autoptr(GError) error = NULL;
  JgKeyList *list = jg_key_list_get_default (&error);
  g_autoptr(JgKeyList) unreadable = NULL;

  if (list == NULL)
    {
      /* shown empty; saving is refused until keys.json is fixed */
      g_warning ("Could not read the keys: %s", error->message);
      list = unreadable = jg_key_list_new (NULL);
    }
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self),
                              ADW_PREFERENCES_PAGE (jg_keys_page_new (list, inventory)));
}

static void
jg_preferences_init (JgPreferences *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  add_keys_page (self);

  self->settings = jg_application_dup_settings ();
  if (self->settings == NULL)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self), FALSE);
      return;
    }
  adw_combo_row_set_selected (self->style_row, g_settings_get_enum (self->settings, "color-scheme"));
  g_settings_bind (self->settings, "use-system-font", self->system_font_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "font", self->font_button, "font", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "scrollback-lines",
                   gtk_spin_button_get_adjustment (self->scrollback_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "status-interval",
                   gtk_spin_button_get_adjustment (self->status_interval_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
}

JgPreferences *
jg_preferences_new (void)
{
  return g_object_new (JG_TYPE_PREFERENCES, NULL);
}
