/* jg-launchers.c — per-machine launchers in $XDG_DATA_HOME/applications
 *
 * The inventory is mirrored in `hosts` (same order, a reference each), so
 * that ::items-changed can tell which hosts went: the model no longer has
 * them when it says so. A host that goes while its launcher exists has its
 * launcher removed and its id kept in `orphans`; when a host with that id
 * comes back (Undo), the launcher is written again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "jg-file-util.h"
#include "jg-launchers.h"

#define PROGRAM "jumpgate"

struct _JgLaunchers
{
  GObject      parent_instance;

  JgInventory *inventory;
  char        *app_id;
  char        *dir;
  GPtrArray   *hosts;    /* the inventory's items, in its order */
  GHashTable  *orphans;  /* ids whose launcher went with their host */
};

G_DEFINE_FINAL_TYPE (JgLaunchers, jg_launchers, G_TYPE_OBJECT)

enum {
  FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
is_plain (const char *text)
{
  if (text == NULL || text[0] == '\0')
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

char *
jg_launchers_dup_path (JgLaunchers *self,
                       JgHost      *host)
{
  const char *id;
  g_autofree char *digest = NULL;
  g_autofree char *basename = NULL;

  g_return_val_if_fail (JG_IS_LAUNCHERS (self), NULL);
  g_return_val_if_fail (JG_IS_HOST (host), NULL);

  /* Ids are UUIDs; one from an edited machines.json that would not make a
   * file name is hashed instead. */
  id = jg_host_get_id (host);
  if (!is_plain (id))
    id = digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, id ? id : "", -1);
  basename = g_strdup_printf ("%s.machine-%s.desktop", self->app_id, id);
  return g_build_filename (self->dir, basename, NULL);
}

gboolean
jg_launchers_has (JgLaunchers *self,
                  JgHost      *host)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (JG_IS_LAUNCHERS (self), FALSE);
  g_return_val_if_fail (JG_IS_HOST (host), FALSE);

  path = jg_launchers_dup_path (self, host);
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* One argument of an Exec line, quoted as the Desktop Entry spec says. */
static void
append_exec_arg (GString    *exec,
                 const char *arg)
{
  if (exec->len > 0)
    g_string_append_c (exec, ' ');
  if (is_plain (arg))
    {
      g_string_append (exec, arg);
      return;
    }
  g_string_append_c (exec, '"');
  for (const char *p = arg; *p != '\0'; p++)
    {
      if (strchr ("\"`$\\", *p) != NULL)
        g_string_append_c (exec, '\\');
      if (*p == '%')
        g_string_append_c (exec, '%');
      g_string_append_c (exec, *p);
    }
  g_string_append_c (exec, '"');
}

/* user@host, user@host:port, user@[v6]:port */
static char *
dup_address (JgHost *host)
{
  g_autofree char *user = jg_host_dup_effective_user (host);
  const char *hostname = jg_host_get_hostname (host);
  guint port = jg_host_get_effective_port (host);

  if (hostname == NULL || hostname[0] == '\0')
    return NULL;
  if (port != JG_DEFAULT_SSH_PORT)
    return g_strdup_printf (strchr (hostname, ':') ? "%s@[%s]:%u" : "%s@%s:%u",
                            user, hostname, port);
  return g_strdup_printf ("%s@%s", user, hostname);
}

char *
jg_launchers_dup_contents (JgLaunchers *self,
                           JgHost      *host)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GString) exec = g_string_new (NULL);
  g_autofree char *address = NULL;
  const char *group = G_KEY_FILE_DESKTOP_GROUP;
  const char *name;

  g_return_val_if_fail (JG_IS_LAUNCHERS (self), NULL);
  g_return_val_if_fail (JG_IS_HOST (host), NULL);

  name = jg_host_get_name (host);
  if (name == NULL || name[0] == '\0')
    name = jg_host_get_hostname (host);
  if (name == NULL || name[0] == '\0')
    name = "Jumpgate";
  address = dup_address (host);

  append_exec_arg (exec, PROGRAM);
  append_exec_arg (exec, "--connect");
  append_exec_arg (exec, jg_host_get_id (host));

  g_key_file_set_string (file, group, G_KEY_FILE_DESKTOP_KEY_TYPE,
                         G_KEY_FILE_DESKTOP_TYPE_APPLICATION);
  g_key_file_set_string (file, group, G_KEY_FILE_DESKTOP_KEY_NAME, name);
  if (address != NULL)
    {
      g_autofree char *comment = NULL;
      const char *keywords[] = { jg_host_get_hostname (host), NULL };

      /* Translators: the comment of a machine's launcher; %s is user@host */
      comment = g_strdup_printf (_("Open a terminal on %s with Jumpgate"), address);
      g_key_file_set_string (file, group, G_KEY_FILE_DESKTOP_KEY_COMMENT, comment);
      g_key_file_set_string_list (file, group, "Keywords", keywords, 1);
    }
  g_key_file_set_string (file, group, G_KEY_FILE_DESKTOP_KEY_EXEC, exec->str);
  g_key_file_set_string (file, group, G_KEY_FILE_DESKTOP_KEY_ICON, self->app_id);
  g_key_file_set_boolean (file, group, G_KEY_FILE_DESKTOP_KEY_TERMINAL, FALSE);
  g_key_file_set_string (file, group, G_KEY_FILE_DESKTOP_KEY_CATEGORIES, "Network;RemoteAccess;");
  g_key_file_set_boolean (file, group, G_KEY_FILE_DESKTOP_KEY_STARTUP_NOTIFY, TRUE);
  g_key_file_set_string (file, group, "X-Jumpgate-Machine", jg_host_get_id (host));
  return g_key_file_to_data (file, NULL, NULL);
}

/* Writes @host's launcher unless it already says the same. */
static gboolean
write_launcher (JgLaunchers *self,
                JgHost      *host,
                GError     **error)
{
  g_autofree char *path = jg_launchers_dup_path (self, host);
  g_autofree char *contents = jg_launchers_dup_contents (self, host);
  g_autofree char *old = NULL;
  g_autoptr(GError) local_error = NULL;

  if (g_file_get_contents (path, &old, NULL, NULL) && g_str_equal (old, contents))
    return TRUE;
  if (g_mkdir_with_parents (self->dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create the folder %s: %s"), self->dir, g_strerror (saved_errno));
      return FALSE;
    }
  if (!jg_file_replace_atomically (path, contents, strlen (contents), 0644, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("Could not write the launcher %s: %s"), path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
jg_launchers_create (JgLaunchers *self,
                     JgHost      *host,
                     GError     **error)
{
  g_return_val_if_fail (JG_IS_LAUNCHERS (self), FALSE);
  g_return_val_if_fail (JG_IS_HOST (host), FALSE);

  return write_launcher (self, host, error);
}

gboolean
jg_launchers_remove (JgLaunchers *self,
                     JgHost      *host,
                     GError     **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (JG_IS_LAUNCHERS (self), FALSE);
  g_return_val_if_fail (JG_IS_HOST (host), FALSE);

  path = jg_launchers_dup_path (self, host);
  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not remove the launcher %s: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

const char *
jg_launchers_get_dir (JgLaunchers *self)
{
  g_return_val_if_fail (JG_IS_LAUNCHERS (self), NULL);
  return self->dir;
}

static void
report (JgLaunchers *self,
        JgHost      *host,
        GError      *error)
{
  g_warning ("%s", error->message);
  g_signal_emit (self, signals[FAILED], 0, host, error);
}

static void
on_host_notify (JgLaunchers *self,
                JgHost      *host,
                GParamSpec  *pspec)
{
  g_autoptr(GError) error = NULL;

  if (!jg_launchers_has (self, host))
    return;
  if (!write_launcher (self, host, &error))
    report (self, host, error);
}

static void
on_items_changed (JgLaunchers *self,
                  guint        position,
                  guint        removed,
                  guint        added)
{
  g_assert (position + removed <= self->hosts->len);

  for (guint i = 0; i < removed; i++)
    {
      JgHost *host = g_ptr_array_index (self->hosts, position + i);
      const char *id = jg_host_get_id (host);
      g_autoptr(GError) error = NULL;

      /* Moved, not removed: it is still there. */
      if (id != NULL && jg_inventory_find_by_id (self->inventory, id) == host)
        continue;
      if (!jg_launchers_has (self, host))
        continue;
      if (!jg_launchers_remove (self, host, &error))
        report (self, host, error);
      else if (id != NULL)
        g_hash_table_add (self->orphans, g_strdup (id));
    }
  g_ptr_array_remove_range (self->hosts, position, removed);

  for (guint i = 0; i < added; i++)
    {
      JgHost *host = g_list_model_get_item (G_LIST_MODEL (self->inventory), position + i);
      const char *id = jg_host_get_id (host);

      g_ptr_array_insert (self->hosts, position + i, host);
      if (id != NULL && g_hash_table_remove (self->orphans, id))
        {
          g_autoptr(GError) error = NULL;

          if (!write_launcher (self, host, &error))
            report (self, host, error);
        }
    }
}

/* Launchers already on disk follow renames made while Jumpgate was not
 * running. One look at the folder, not one per machine. */
static void
refresh_existing (JgLaunchers *self)
{
  g_autoptr(GDir) dir = g_dir_open (self->dir, 0, NULL);
  g_autoptr(GHashTable) present = NULL;
  const char *name;

  if (dir == NULL)
    return;
  present = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, self->app_id) && g_str_has_suffix (name, ".desktop"))
      g_hash_table_add (present, g_build_filename (self->dir, name, NULL));
  if (g_hash_table_size (present) == 0)
    return;

  for (guint i = 0; i < self->hosts->len; i++)
    {
      JgHost *host = g_ptr_array_index (self->hosts, i);
      g_autofree char *path = jg_launchers_dup_path (self, host);
      g_autoptr(GError) error = NULL;

      if (g_hash_table_contains (present, path) && !write_launcher (self, host, &error))
        g_warning ("%s", error->message);
    }
}

static void
jg_launchers_dispose (GObject *object)
{
  JgLaunchers *self = JG_LAUNCHERS (object);

  if (self->inventory != NULL)
    g_signal_handlers_disconnect_by_data (self->inventory, self);
  g_clear_pointer (&self->hosts, g_ptr_array_unref);
  g_clear_object (&self->inventory);

  G_OBJECT_CLASS (jg_launchers_parent_class)->dispose (object);
}

static void
jg_launchers_finalize (GObject *object)
{
  JgLaunchers *self = JG_LAUNCHERS (object);

  g_clear_pointer (&self->orphans, g_hash_table_unref);
  g_free (self->app_id);
  g_free (self->dir);

  G_OBJECT_CLASS (jg_launchers_parent_class)->finalize (object);
}

static void
jg_launchers_class_init (JgLaunchersClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jg_launchers_dispose;
  object_class->finalize = jg_launchers_finalize;

  signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, JG_TYPE_HOST, G_TYPE_ERROR);
}

static void
jg_launchers_init (JgLaunchers *self)
{
  self->hosts = g_ptr_array_new_with_free_func (g_object_unref);
  self->orphans = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

JgLaunchers *
jg_launchers_new (JgInventory *inventory,
                  const char  *app_id,
                  const char  *dir)
{
  JgLaunchers *self;
  guint n;

  g_return_val_if_fail (JG_IS_INVENTORY (inventory), NULL);
  g_return_val_if_fail (app_id != NULL, NULL);

  self = g_object_new (JG_TYPE_LAUNCHERS, NULL);
  self->inventory = g_object_ref (inventory);
  self->app_id = g_strdup (app_id);
  self->dir = dir != NULL ? g_strdup (dir)
                          : g_build_filename (g_get_user_data_dir (), "applications", NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (inventory));
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (self->hosts, g_list_model_get_item (G_LIST_MODEL (inventory), i));
  g_signal_connect_object (inventory, "items-changed", G_CALLBACK (on_items_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (inventory, "host-notify::name", G_CALLBACK (on_host_notify), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (inventory, "host-notify::destination", G_CALLBACK (on_host_notify),
                           self, G_CONNECT_SWAPPED);
  refresh_existing (self);
  return self;
}
