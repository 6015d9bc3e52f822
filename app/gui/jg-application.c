/* jg-application.c — the Jumpgate application (single instance)
 *
 * Owns what all windows share: the inventory, machines.json (loaded at
 * startup, saved shortly after each change) and the settings. The primary
 * instance handles `--connect NAME` and `--new-window` from any later
 * invocation; the options themselves are registered by jg-cli.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "jg-application.h"
#include "jg-destination.h"
#include "jg-preferences.h"
#include "jg-sidebar-model.h"
#include "jg-terminal-page.h"
#include "jg-window.h"

#define SAVE_DELAY_MS 300

struct _JgApplication
{
  AdwApplication  parent_instance;

  JgInventory    *inventory;
  JgStore        *store;
  GError         *load_error;
  GSettings      *settings;
  guint           save_source;
  gboolean        save_error_shown;
};

G_DEFINE_FINAL_TYPE (JgApplication, jg_application, ADW_TYPE_APPLICATION)

GSettings *
jg_application_dup_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, "io.github.jumpgate.Jumpgate", TRUE);
  if (schema == NULL)
    return NULL;
  return g_settings_new_full (schema, NULL, NULL);
}

static void
show_toast_everywhere (JgApplication *self,
                       const char    *text)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (JG_IS_WINDOW (l->data))
      jg_window_show_toast (JG_WINDOW (l->data), text);
}

gboolean
jg_application_save_now (JgApplication *self,
                         GError       **error)
{
  g_return_val_if_fail (JG_IS_APPLICATION (self), FALSE);

  g_clear_handle_id (&self->save_source, g_source_remove);
  if (self->load_error != NULL)
    {
      /* Never write an empty list over a file that could not be read. */
      g_set_error (error, JG_STORE_ERROR, JG_STORE_ERROR_BLOCKED, "%s", self->load_error->message);
      return FALSE;
    }
  return jg_store_save (self->store, self->inventory, error);
}

static gboolean
save_timeout (gpointer data)
{
  JgApplication *self = data;
  g_autoptr(GError) error = NULL;

  self->save_source = 0;
  if (!jg_application_save_now (self, &error))
    {
      g_warning ("Could not save the machines: %s", error->message);
      if (!self->save_error_shown)
        {
          g_autofree char *text = g_strdup_printf (_("Changes are not saved: %s"), error->message);

          self->save_error_shown = TRUE;
          show_toast_everywhere (self, text);
        }
    }
  else
    self->save_error_shown = FALSE;
  return G_SOURCE_REMOVE;
}

static void
on_inventory_changed (JgApplication *self)
{
  if (self->load_error != NULL)
    return;
  g_clear_handle_id (&self->save_source, g_source_remove);
  self->save_source = g_timeout_add (SAVE_DELAY_MS, save_timeout, self);
}

static JgWindow *
get_window (JgApplication *self,
            gboolean       new_window)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (new_window || !JG_IS_WINDOW (window))
    window = GTK_WINDOW (jg_window_new (self));
  return JG_WINDOW (window);
}

static void
jg_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (get_window (JG_APPLICATION (app), FALSE)));
}

static int
jg_application_command_line (GApplication            *app,
                             GApplicationCommandLine *cmdline)
{
  JgApplication *self = JG_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (cmdline);
  const char *name = NULL;
  gboolean new_window = FALSE;
  JgWindow *window;

  g_variant_dict_lookup (options, "connect", "&s", &name);
  g_variant_dict_lookup (options, "new-window", "b", &new_window);

  if (name != NULL)
    {
      g_autoptr(JgRoute) route = NULL;
      g_autoptr(GError) error = NULL;
      JgHost *host = jg_inventory_lookup (self->inventory, name);

      /* Not a saved name: [user@]host[:port] through the jump rules, as ssh. */
      if (host == NULL && (route = jg_destination_lookup (self->inventory, name, &error)) != NULL)
        host = route->host;
      if (host == NULL)
        {
          g_autofree char *shown = jg_destination_dup_printable (name);

          g_application_command_line_printerr (cmdline,
                                               _("jumpgate: no saved machine is called “%s”, and it is not an address to connect to: %s\n"),
                                               shown, error->message);
          /* A first instance with nothing to show ends here. */
          return 1;
        }
      window = get_window (self, new_window);
      jg_window_connect (window, host);
      gtk_window_present (GTK_WINDOW (window));
      return 0;
    }

  window = get_window (self, new_window);
  gtk_window_present (GTK_WINDOW (window));
  return 0;
}

static void
apply_color_scheme (JgApplication *self)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  int scheme = self->settings ? g_settings_get_enum (self->settings, "color-scheme") : 0;

  adw_style_manager_set_color_scheme (style, scheme == 1 ? ADW_COLOR_SCHEME_FORCE_LIGHT
                                      : scheme == 2 ? ADW_COLOR_SCHEME_FORCE_DARK
                                      : ADW_COLOR_SCHEME_DEFAULT);
}

static void
app_preferences (GSimpleAction *action,
                 GVariant      *param,
                 gpointer       user_data)
{
  JgApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWindow *prefs = GTK_WINDOW (jg_preferences_new ());

  gtk_window_set_transient_for (prefs, parent);
  gtk_window_present (prefs);
}

static void
app_about (GSimpleAction *action,
           GVariant      *param,
           gpointer       user_data)
{
  JgApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  const char *developers[] = { "The Jumpgate developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "application-name", "Jumpgate",
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "comments", _("Reach your virtual machines through their jump hosts, and your own machines, in one window"),
                        "developers", developers,
                        "copyright", "© 2024 The Jumpgate developers",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "issue-url", "https://github.com/jumpgate/jumpgate/issues",
                        "website", "https://github.com/jumpgate/jumpgate",
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
app_quit (GSimpleAction *action,
          GVariant      *param,
          gpointer       user_data)
{
  JgApplication *self = user_data;
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  for (GList *l = windows; l; l = l->next)
    gtk_window_close (l->data);
  g_list_free (windows);
}

static const GActionEntry app_entries[] = {
  { "preferences", app_preferences },
  { "about", app_about },
  { "quit", app_quit },
};

static void
jg_application_startup (GApplication *app)
{
  JgApplication *self = JG_APPLICATION (app);
  g_autoptr(GError) error = NULL;
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *prefs_accels[] = { "<Control>comma", NULL };

  G_APPLICATION_CLASS (jg_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_entries, G_N_ELEMENTS (app_entries),
                                   self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", prefs_accels);

  self->settings = jg_application_dup_settings ();
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed::color-scheme",
                             G_CALLBACK (apply_color_scheme), self, G_CONNECT_SWAPPED);
  apply_color_scheme (self);

  if (!jg_store_load (self->store, self->inventory, &error))
    self->load_error = g_steal_pointer (&error);
  g_signal_connect_object (self->inventory, "changed", G_CALLBACK (on_inventory_changed), self,
                           G_CONNECT_SWAPPED);
}

static void
jg_application_shutdown (GApplication *app)
{
  JgApplication *self = JG_APPLICATION (app);

  if (self->save_source != 0)
    {
      g_autoptr(GError) error = NULL;

      if (!jg_application_save_now (self, &error))
        g_warning ("Could not save the machines: %s", error->message);
    }

  G_APPLICATION_CLASS (jg_application_parent_class)->shutdown (app);
}

static void
jg_application_dispose (GObject *object)
{
  JgApplication *self = JG_APPLICATION (object);

  g_clear_handle_id (&self->save_source, g_source_remove);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);
  g_clear_object (&self->inventory);
  g_clear_error (&self->load_error);

  G_OBJECT_CLASS (jg_application_parent_class)->dispose (object);
}

static void
jg_application_class_init (JgApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = jg_application_dispose;
  app_class->activate = jg_application_activate;
  app_class->command_line = jg_application_command_line;
  app_class->startup = jg_application_startup;
  app_class->shutdown = jg_application_shutdown;
}

static void
jg_application_init (JgApplication *self)
{
  g_autofree char *path = jg_store_default_path ();

  self->inventory = jg_inventory_new ();
  self->store = jg_store_new (path);
}

JgApplication *
jg_application_new (void)
{
  return g_object_new (JG_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", "/io/github/jumpgate/Jumpgate",
                       NULL);
}

JgInventory *
jg_application_get_inventory (JgApplication *self)
{
  g_return_val_if_fail (JG_IS_APPLICATION (self), NULL);
  return self->inventory;
}

JgStore *
jg_application_get_store (JgApplication *self)
{
  g_return_val_if_fail (JG_IS_APPLICATION (self), NULL);
  return self->store;
}

const GError *
jg_application_get_load_error (JgApplication *self)
{
  g_return_val_if_fail (JG_IS_APPLICATION (self), NULL);
  return self->load_error;
}

gboolean
jg_application_move_store_aside (JgApplication  *self,
                                 char          **new_path,
                                 GError        **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (JG_IS_APPLICATION (self), FALSE);

  path = jg_store_move_aside (self->store, error);
  if (path == NULL)
    return FALSE;
  g_clear_error (&self->load_error);
  jg_inventory_remove_all (self->inventory);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (JG_IS_WINDOW (l->data))
      jg_window_update_content (JG_WINDOW (l->data));
  if (new_path != NULL)
    *new_path = g_steal_pointer (&path);
  return TRUE;
}

void
jg_application_update_host_status (JgApplication *self,
                                   JgHost        *host)
{
  JgHostStatus status = JG_HOST_STATUS_NONE;
  GList *windows;

  g_return_if_fail (JG_IS_APPLICATION (self));

  windows = gtk_application_get_windows (GTK_APPLICATION (self));
  for (GList *l = windows; l; l = l->next)
    {
      AdwTabView *view;
      guint n;

      if (!JG_IS_WINDOW (l->data))
        continue;
      view = jg_window_get_tab_view (l->data);
      n = adw_tab_view_get_n_pages (view);
      for (guint i = 0; i < n; i++)
        {
          GtkWidget *child = adw_tab_page_get_child (adw_tab_view_get_nth_page (view, i));
          JgTerminalPage *page = JG_IS_TERMINAL_PAGE (child) ? JG_TERMINAL_PAGE (child) : NULL;

          if (page == NULL || jg_terminal_page_get_host (page) != host)
            continue;
          switch (jg_terminal_page_get_state (page))
            {
            case JG_TERMINAL_PAGE_CONNECTED:
              status = JG_HOST_STATUS_CONNECTED;
              break;
            case JG_TERMINAL_PAGE_CONNECTING:
              if (status != JG_HOST_STATUS_CONNECTED)
                status = JG_HOST_STATUS_CONNECTING;
              break;
            case JG_TERMINAL_PAGE_FAILED:
              if (status == JG_HOST_STATUS_NONE)
                status = JG_HOST_STATUS_FAILED;
              break;
            case JG_TERMINAL_PAGE_IDLE:
            case JG_TERMINAL_PAGE_DISCONNECTED:
            default:
              break;
            }
        }
    }
  for (GList *l = windows; l; l = l->next)
    if (JG_IS_WINDOW (l->data))
      {
        JgSidebarNode *node = jg_sidebar_model_lookup_node (jg_window_get_sidebar_model (l->data),
                                                            host);

        if (node != NULL)
          jg_sidebar_node_set_status (node, status);
      }
}
