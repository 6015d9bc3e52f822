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
#include "jg-launchers.h"
#include "jg-preferences.h"
#include "jg-search-provider.h"
#include "jg-session-private.h"
#include "jg-sidebar-model.h"
#include "jg-status-monitor.h"
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
  JgLaunchers    *launchers;
  JgSearchProvider *search_provider;
  JgStatusMonitor *status_monitor;
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

/* ---- desktop integration: ssh:// links, launchers, search --------------- */

/* A toast that answers what was just asked (a link, a launcher, a search
 * result): shown before any older one. */
static void
show_answer (JgWindow   *window,
             const char *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  jg_window_add_toast (window, toast);
}

/* Connects @window to where the ssh:// link @uri leads: a saved machine,
 * or one through a jump rule or direct (its tab offers to save it once it
 * is connected). FALSE with the reason when it is not an SSH address. */
static gboolean
open_destination (JgApplication *self,
                  JgWindow      *window,
                  const char    *uri,
                  GError       **error)
{
  g_autoptr(JgRoute) route = jg_destination_lookup (self->inventory, uri, error);

  if (route == NULL)
    return FALSE;
  jg_window_connect (window, route->host);
  return TRUE;
}

static void
jg_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  JgApplication *self = JG_APPLICATION (app);
  JgWindow *window = get_window (self, FALSE);

  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *uri = g_file_get_uri (files[i]);
      g_autoptr(GError) error = NULL;

      if (!open_destination (self, window, uri, &error))
        {
          g_autofree char *shown = jg_destination_dup_printable (uri);
          g_autofree char *text = g_strdup_printf (_("Cannot open “%s”: %s"), shown,
                                                   error->message);

          show_answer (window, text);
        }
    }
  gtk_window_present (GTK_WINDOW (window));
}

static void
on_launcher_failed (JgApplication *self,
                    JgHost        *host,
                    GError        *error)
{
  show_toast_everywhere (self, error->message);
}

JgLaunchers *
jg_application_get_launchers (JgApplication *self)
{
  g_return_val_if_fail (JG_IS_APPLICATION (self), NULL);
  return self->launchers;
}

static void
on_undo_launcher (AdwToast *toast,
                  JgHost   *host)
{
  JgLaunchers *launchers = g_object_get_data (G_OBJECT (toast), "jg-launchers");
  g_autoptr(GError) error = NULL;

  if (!jg_launchers_remove (launchers, host, &error))
    g_warning ("%s", error->message);
}

void
jg_application_create_launcher (JgApplication *self,
                                GtkWindow     *window,
                                JgHost        *host)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  AdwToast *toast;

  g_return_if_fail (JG_IS_APPLICATION (self));
  g_return_if_fail (JG_IS_WINDOW (window));
  g_return_if_fail (JG_IS_HOST (host));

  if (self->launchers == NULL)
    return;
  if (!jg_launchers_create (self->launchers, host, &error))
    {
      jg_window_show_toast (JG_WINDOW (window), error->message);
      return;
    }
  /* Translators: %s is a machine's name; its launcher is in the app grid. */
  text = g_strdup_printf (_("“%s” is in your applications now"), jg_host_get_name (host));
  toast = adw_toast_new (text);
  adw_toast_set_button_label (toast, _("_Undo"));
  g_object_set_data_full (G_OBJECT (toast), "jg-launchers", g_object_ref (self->launchers),
                          g_object_unref);
  g_signal_connect_data (toast, "button-clicked", G_CALLBACK (on_undo_launcher),
                         g_object_ref (host), (GClosureNotify) g_object_unref, 0);
  jg_window_add_toast (JG_WINDOW (window), toast);
}

void
jg_application_connect_by_id (JgApplication *self,
                              const char    *id,
                              guint32        timestamp)
{
  JgHost *host;
  JgWindow *window;

  g_return_if_fail (JG_IS_APPLICATION (self));
  g_return_if_fail (id != NULL);

  window = get_window (self, FALSE);
  host = jg_inventory_find_by_id (self->inventory, id);
  if (host != NULL)
    jg_window_connect (window, host);
  else
    show_answer (window, _("That machine is not saved any more"));
  gtk_window_present_with_time (GTK_WINDOW (window), timestamp);
}

void
jg_application_search (JgApplication *self,
                       const char    *text,
                       guint32        timestamp)
{
  JgWindow *window;

  g_return_if_fail (JG_IS_APPLICATION (self));

  window = get_window (self, FALSE);
  gtk_window_present_with_time (GTK_WINDOW (window), timestamp);
  jg_window_start_search (window, text);
}

static gboolean
jg_application_dbus_register (GApplication     *app,
                              GDBusConnection  *connection,
                              const char       *object_path,
                              GError          **error)
{
  JgApplication *self = JG_APPLICATION (app);
  g_autofree char *path = g_strconcat (object_path, "/SearchProvider", NULL);

  if (!G_APPLICATION_CLASS (jg_application_parent_class)->dbus_register (app, connection,
                                                                          object_path, error))
    return FALSE;
  if (self->search_provider == NULL)
    self->search_provider = jg_search_provider_new (self);
  return jg_search_provider_export (self->search_provider, connection, path, error);
}

static void
jg_application_dbus_unregister (GApplication    *app,
                                GDBusConnection *connection,
                                const char      *object_path)
{
  JgApplication *self = JG_APPLICATION (app);

  if (self->search_provider != NULL)
    jg_search_provider_unexport (self->search_provider);
  G_APPLICATION_CLASS (jg_application_parent_class)->dbus_unregister (app, connection,
                                                                      object_path);
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

  if (g_variant_dict_contains (options, "add-machine"))
    {
      window = get_window (self, new_window);
      gtk_window_present (GTK_WINDOW (window));
      gtk_widget_activate_action (GTK_WIDGET (window), "win.add-own", NULL);
      return 0;
    }

  /* `jumpgate ssh://user@host:port` (the launcher's Exec=jumpgate %U);
   * jg-cli.c has refused what is not an SSH address already. */
  {
    g_autofree const char **uris = NULL;

    if (g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&ay", &uris) && uris[0] != NULL)
      {
        int status = 0;

        window = get_window (self, new_window);
        for (guint i = 0; uris[i] != NULL; i++)
          {
            g_autoptr(GError) error = NULL;

            if (!open_destination (self, window, uris[i], &error))
              {
                g_autofree char *shown = jg_destination_dup_printable (uris[i]);

                g_application_command_line_printerr (cmdline, "jumpgate: %s: %s\n", shown,
                                                     error->message);
                status = 2;
              }
          }
        gtk_window_present (GTK_WINDOW (window));
        return status;
      }
  }

  if (name != NULL)
    {
      g_autoptr(JgRoute) route = NULL;
      g_autoptr(GError) error = NULL;
      JgHost *host = jg_inventory_lookup (self->inventory, name);

      /* A machine's launcher (jg-launchers.h) names it by id: one that is
       * gone is not a host name to look up. */
      if (host == NULL && g_uuid_string_is_valid (name))
        {
          window = get_window (self, new_window);
          show_answer (window, _("That machine is not saved any more"));
          gtk_window_present (GTK_WINDOW (window));
          g_application_command_line_printerr (cmdline, "jumpgate: %s (%s)\n",
                                               _("That machine is not saved any more"), name);
          return 1;
        }
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

/* The launcher's "Add Your Own Machine" (and `jumpgate --add-machine`). */
static void
app_add_machine (GSimpleAction *action,
                 GVariant      *param,
                 gpointer       user_data)
{
  JgWindow *window = get_window (JG_APPLICATION (user_data), FALSE);

  gtk_window_present (GTK_WINDOW (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-own", NULL);
}

static void
app_new_window (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  gtk_window_present (GTK_WINDOW (get_window (JG_APPLICATION (user_data), TRUE)));
}

static const GActionEntry app_entries[] = {
  { "new-window", app_new_window },
  { "add-machine", app_add_machine },
  { "preferences", app_preferences },
  { "about", app_about },
  { "quit", app_quit },
};

/* machines.json is read in a thread while GTK starts up (connecting to the
 * display, loading GL and the styles): with a thousand machines that is a
 * sixth of the time to the first window. The thread has the store and a
 * new inventory to itself until it is joined. */
typedef struct
{
  JgStore     *store;
  JgInventory *inventory;
  GError      *error;
} Load;

static gpointer
load_thread (gpointer data)
{
  Load *load = data;

  jg_store_load (load->store, load->inventory, &load->error);
  return load;
}

static void
jg_application_startup (GApplication *app)
{
  JgApplication *self = JG_APPLICATION (app);
  g_autoptr(GError) error = NULL;
  Load load = { self->store, NULL, NULL };
  GThread *loader = NULL;
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *prefs_accels[] = { "<Control>comma", NULL };
  static const char *help_accels[] = { "<Control>question", NULL };

  /* Only if nobody holds the inventory yet, as it is replaced below. */
  if (G_OBJECT (self->inventory)->ref_count == 1
      && g_list_model_get_n_items (G_LIST_MODEL (self->inventory)) == 0)
    {
      load.inventory = jg_inventory_new ();
      loader = g_thread_new ("jg-load", load_thread, &load);
    }

  G_APPLICATION_CLASS (jg_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_entries, G_N_ELEMENTS (app_entries),
                                   self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", prefs_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay", help_accels);

  self->settings = jg_application_dup_settings ();
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed::color-scheme",
                             G_CALLBACK (apply_color_scheme), self, G_CONNECT_SWAPPED);
  apply_color_scheme (self);

  if (loader != NULL)
    {
      g_thread_join (loader);
      g_set_object (&self->inventory, load.inventory);
      g_clear_object (&load.inventory);
      if (load.error != NULL)
        self->load_error = g_steal_pointer (&load.error);
    }
  else if (!jg_store_load (self->store, self->inventory, &error))
    self->load_error = g_steal_pointer (&error);
  g_signal_connect_object (self->inventory, "changed", G_CALLBACK (on_inventory_changed), self,
                           G_CONNECT_SWAPPED);
  self->status_monitor = jg_status_monitor_new (GTK_APPLICATION (self), self->inventory);
  self->launchers = jg_launchers_new (self->inventory, APP_ID, NULL);
  g_signal_connect_object (self->launchers, "failed", G_CALLBACK (on_launcher_failed), self,
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

  /* The probes' jump sessions go too; then every connection worker ends
   * before libssh is torn down at exit. */
  g_clear_object (&self->status_monitor);
  jg_session_wait_all (3000);

  G_APPLICATION_CLASS (jg_application_parent_class)->shutdown (app);
}

static void
jg_application_dispose (GObject *object)
{
  JgApplication *self = JG_APPLICATION (object);

  g_clear_handle_id (&self->save_source, g_source_remove);
  g_clear_object (&self->status_monitor);
  g_clear_object (&self->settings);
  g_clear_object (&self->launchers);
  g_clear_object (&self->search_provider);
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
  app_class->open = jg_application_open;
  app_class->dbus_register = jg_application_dbus_register;
  app_class->dbus_unregister = jg_application_dbus_unregister;
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
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_HANDLES_OPEN,
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
