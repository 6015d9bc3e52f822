/* jg-search-provider.c — saved machines in GNOME Shell's search
 *
 * The Shell calls GetInitialResultSet for each search, GetSubsearchResultSet
 * as the search is refined, GetResultMetas for the rows it shows, and
 * ActivateResult / LaunchSearch on a click. Jumpgate may have been started
 * by D-Bus for the search alone (--gapplication-service, no window): each
 * call holds the application, and it stays a few seconds after the last one
 * so that the next keystroke does not start it again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "jg-search-provider.h"

#define LINGER_SECONDS 10

struct _JgSearchProvider
{
  GObject          parent_instance;

  JgApplication   *application;  /* not a reference: it owns us */
  GDBusConnection *connection;
  guint            registration;
  guint            linger_source;
};

G_DEFINE_FINAL_TYPE (JgSearchProvider, jg_search_provider, G_TYPE_OBJECT)

static const char introspection_xml[] =
  "<node>"
  "  <interface name='org.gnome.Shell.SearchProvider2'>"
  "    <method name='GetInitialResultSet'>"
  "      <arg type='as' name='terms' direction='in'/>"
  "      <arg type='as' name='results' direction='out'/>"
  "    </method>"
  "    <method name='GetSubsearchResultSet'>"
  "      <arg type='as' name='previous_results' direction='in'/>"
  "      <arg type='as' name='terms' direction='in'/>"
  "      <arg type='as' name='results' direction='out'/>"
  "    </method>"
  "    <method name='GetResultMetas'>"
  "      <arg type='as' name='identifiers' direction='in'/>"
  "      <arg type='aa{sv}' name='metas' direction='out'/>"
  "    </method>"
  "    <method name='ActivateResult'>"
  "      <arg type='s' name='identifier' direction='in'/>"
  "      <arg type='as' name='terms' direction='in'/>"
  "      <arg type='u' name='timestamp' direction='in'/>"
  "    </method>"
  "    <method name='LaunchSearch'>"
  "      <arg type='as' name='terms' direction='in'/>"
  "      <arg type='u' name='timestamp' direction='in'/>"
  "    </method>"
  "  </interface>"
  "</node>";

static char *
fold (const char *text)
{
  g_autofree char *normal = NULL;

  if (text == NULL)
    return g_strdup ("");
  normal = g_utf8_normalize (text, -1, G_NORMALIZE_ALL);
  return g_utf8_casefold (normal != NULL ? normal : "", -1);
}

char **
jg_search_provider_find (JgInventory        *inventory,
                         const char * const *terms,
                         const char * const *within)
{
  g_autoptr(GPtrArray) folded = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) first = g_ptr_array_new ();
  g_autoptr(GPtrArray) rest = g_ptr_array_new ();
  g_autoptr(GHashTable) allowed = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  guint n;

  g_return_val_if_fail (JG_IS_INVENTORY (inventory), NULL);

  for (guint i = 0; terms != NULL && terms[i] != NULL; i++)
    if (terms[i][0] != '\0')
      g_ptr_array_add (folded, fold (terms[i]));
  if (within != NULL)
    {
      allowed = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; within[i] != NULL; i++)
        g_hash_table_add (allowed, (gpointer) within[i]);
    }

  n = folded->len > 0 ? g_list_model_get_n_items (G_LIST_MODEL (inventory)) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JgHost) host = g_list_model_get_item (G_LIST_MODEL (inventory), i);
      g_autofree char *name = fold (jg_host_get_name (host));
      g_autofree char *hostname = fold (jg_host_get_hostname (host));
      gboolean all = TRUE;

      if (allowed != NULL && !g_hash_table_contains (allowed, jg_host_get_id (host)))
        continue;
      for (guint t = 0; all && t < folded->len; t++)
        all = strstr (name, folded->pdata[t]) != NULL || strstr (hostname, folded->pdata[t]) != NULL;
      if (!all)
        continue;
      g_ptr_array_add (g_str_has_prefix (name, folded->pdata[0]) ? first : rest,
                       (gpointer) jg_host_get_id (host));
    }

  builder = g_strv_builder_new ();
  for (guint i = 0; i < first->len; i++)
    g_strv_builder_add (builder, first->pdata[i]);
  for (guint i = 0; i < rest->len; i++)
    g_strv_builder_add (builder, rest->pdata[i]);
  return g_strv_builder_end (builder);
}

static GVariant *
dup_meta (JgHost *host)
{
  g_autoptr(GIcon) icon = NULL;
  g_autoptr(GVariant) serialized = NULL;
  g_autofree char *user = jg_host_dup_effective_user (host);
  g_autofree char *description = NULL;
  const char *hostname = jg_host_get_hostname (host);
  guint port = jg_host_get_effective_port (host);
  const char *names[] = { APP_ID, "computer-symbolic", NULL };
  GVariantBuilder meta;

  if (hostname == NULL || hostname[0] == '\0')
    description = g_strdup (_("No address"));
  else if (port != JG_DEFAULT_SSH_PORT)
    description = g_strdup_printf (strchr (hostname, ':') ? "%s@[%s]:%u" : "%s@%s:%u",
                                   user, hostname, port);
  else
    description = g_strdup_printf ("%s@%s", user, hostname);

  icon = g_themed_icon_new_from_names ((char **) names, -1);
  serialized = g_icon_serialize (icon);

  g_variant_builder_init (&meta, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&meta, "{sv}", "id", g_variant_new_string (jg_host_get_id (host)));
  g_variant_builder_add (&meta, "{sv}", "name", g_variant_new_string (jg_host_get_name (host)));
  g_variant_builder_add (&meta, "{sv}", "description", g_variant_new_string (description));
  if (serialized != NULL)
    g_variant_builder_add (&meta, "{sv}", "icon", serialized);
  return g_variant_builder_end (&meta);
}

static gboolean
linger_done (gpointer data)
{
  JgSearchProvider *self = data;

  self->linger_source = 0;
  g_application_release (G_APPLICATION (self->application));
  return G_SOURCE_REMOVE;
}

static void
on_method_call (GDBusConnection       *connection,
                const char            *sender,
                const char            *object_path,
                const char            *interface_name,
                const char            *method_name,
                GVariant              *parameters,
                GDBusMethodInvocation *invocation,
                gpointer               user_data)
{
  JgSearchProvider *self = user_data;
  GApplication *app = G_APPLICATION (self->application);
  JgInventory *inventory = jg_application_get_inventory (self->application);

  g_application_hold (app);

  if (g_str_equal (method_name, "GetInitialResultSet"))
    {
      g_autofree const char **terms = NULL;
      g_auto(GStrv) results = NULL;

      g_variant_get (parameters, "(^a&s)", &terms);
      results = jg_search_provider_find (inventory, terms, NULL);
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(^as)", results));
    }
  else if (g_str_equal (method_name, "GetSubsearchResultSet"))
    {
      g_autofree const char **previous = NULL;
      g_autofree const char **terms = NULL;
      g_auto(GStrv) results = NULL;

      g_variant_get (parameters, "(^a&s^a&s)", &previous, &terms);
      results = jg_search_provider_find (inventory, terms, previous);
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(^as)", results));
    }
  else if (g_str_equal (method_name, "GetResultMetas"))
    {
      g_autofree const char **ids = NULL;
      GVariantBuilder metas;

      g_variant_get (parameters, "(^a&s)", &ids);
      g_variant_builder_init (&metas, G_VARIANT_TYPE ("aa{sv}"));
      for (guint i = 0; ids[i] != NULL; i++)
        {
          JgHost *host = jg_inventory_find_by_id (inventory, ids[i]);

          if (host != NULL)
            g_variant_builder_add_value (&metas, dup_meta (host));
        }
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(aa{sv})", &metas));
    }
  else if (g_str_equal (method_name, "ActivateResult"))
    {
      const char *id = NULL;
      guint32 timestamp = 0;

      g_variant_get (parameters, "(&s^a&su)", &id, NULL, &timestamp);
      jg_application_connect_by_id (self->application, id, timestamp);
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else if (g_str_equal (method_name, "LaunchSearch"))
    {
      g_autofree const char **terms = NULL;
      g_autofree char *text = NULL;
      guint32 timestamp = 0;

      g_variant_get (parameters, "(^a&su)", &terms, &timestamp);
      text = g_strjoinv (" ", (char **) terms);
      jg_application_search (self->application, text, timestamp);
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else
    g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                           "No such method: %s", method_name);

  /* Stay a while: the Shell asks for the metas right after the results,
   * and the next keystroke brings another search. */
  if (self->linger_source == 0)
    g_application_hold (app);
  else
    g_source_remove (self->linger_source);
  self->linger_source = g_timeout_add_seconds (LINGER_SECONDS, linger_done, self);
  g_application_release (app);
}

static const GDBusInterfaceVTable vtable = {
  on_method_call,
  NULL,
  NULL,
  { 0 }
};

gboolean
jg_search_provider_export (JgSearchProvider *self,
                           GDBusConnection  *connection,
                           const char       *object_path,
                           GError          **error)
{
  static GDBusNodeInfo *info;

  g_return_val_if_fail (JG_IS_SEARCH_PROVIDER (self), FALSE);
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), FALSE);
  g_return_val_if_fail (self->registration == 0, FALSE);

  if (info == NULL)
    info = g_dbus_node_info_new_for_xml (introspection_xml, NULL);
  self->registration = g_dbus_connection_register_object (connection, object_path,
                                                          info->interfaces[0], &vtable,
                                                          self, NULL, error);
  if (self->registration == 0)
    return FALSE;
  self->connection = g_object_ref (connection);
  return TRUE;
}

void
jg_search_provider_unexport (JgSearchProvider *self)
{
  g_return_if_fail (JG_IS_SEARCH_PROVIDER (self));

  if (self->registration != 0)
    g_dbus_connection_unregister_object (self->connection, self->registration);
  self->registration = 0;
  g_clear_object (&self->connection);
  if (self->linger_source != 0)
    {
      g_clear_handle_id (&self->linger_source, g_source_remove);
      g_application_release (G_APPLICATION (self->application));
    }
}

static void
jg_search_provider_dispose (GObject *object)
{
  JgSearchProvider *self = JG_SEARCH_PROVIDER (object);

  if (self->application != NULL)
    jg_search_provider_unexport (self);
  self->application = NULL;

  G_OBJECT_CLASS (jg_search_provider_parent_class)->dispose (object);
}

static void
jg_search_provider_class_init (JgSearchProviderClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = jg_search_provider_dispose;
}

static void
jg_search_provider_init (JgSearchProvider *self)
{
}

JgSearchProvider *
jg_search_provider_new (JgApplication *application)
{
  JgSearchProvider *self;

  g_return_val_if_fail (JG_IS_APPLICATION (application), NULL);

  self = g_object_new (JG_TYPE_SEARCH_PROVIDER, NULL);
  self->application = application;
  return self;
}
