/* jg-key-list.c — the keys Jumpgate holds, as a GListModel, kept in keys.json
 *
 *   {
 *     "version": 1,
 *     "keys": [
 *       { "id": "…uuid…", "name": "laptop", "public_key": "ssh-ed25519 AAAA…",
 *         "comment": "alice@laptop", "created": "2024-05-01T10:00:00Z",
 *         "source": "generated" }
 *     ]
 *   }
 *
 * "source" is "generated" or "imported"; an imported key also has "origin",
 * the file it came from. Members this version does not know are not kept.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "jg-key-list.h"
#include "jg-store.h"

#define MAX_FILE_SIZE (16 * 1024 * 1024)

struct _JgKeyList
{
  GObject    parent_instance;
  char      *path;
  GPtrArray *items;
  gboolean   blocked;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (JgKeyList, jg_key_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GType
jg_key_list_get_item_type (GListModel *model)
{
  return JG_TYPE_KEY;
}

static guint
jg_key_list_get_n_items (GListModel *model)
{
  return JG_KEY_LIST (model)->items->len;
}

static gpointer
jg_key_list_get_item (GListModel *model,
                      guint       position)
{
  JgKeyList *self = JG_KEY_LIST (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = jg_key_list_get_item_type;
  iface->get_n_items = jg_key_list_get_n_items;
  iface->get_item = jg_key_list_get_item;
}

static void
on_key_notify (JgKeyList  *self,
               GParamSpec *pspec)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
unwatch_key (gpointer data,
             gpointer user_data)
{
  g_signal_handlers_disconnect_by_func (data, on_key_notify, user_data);
}

static void
jg_key_list_dispose (GObject *object)
{
  JgKeyList *self = JG_KEY_LIST (object);

  if (self->items != NULL)
    g_ptr_array_foreach (self->items, unwatch_key, self);
  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (jg_key_list_parent_class)->dispose (object);
}

static void
jg_key_list_finalize (GObject *object)
{
  g_free (JG_KEY_LIST (object)->path);

  G_OBJECT_CLASS (jg_key_list_parent_class)->finalize (object);
}

static void
jg_key_list_class_init (JgKeyListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jg_key_list_dispose;
  object_class->finalize = jg_key_list_finalize;

  /**
   * JgKeyList::changed:
   *
   * A key was added or removed, or one of the keys changed: time to save.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
jg_key_list_init (JgKeyList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

char *
jg_key_list_default_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "jumpgate", "keys.json", NULL);
}

JgKeyList *
jg_key_list_get_default (GError **error)
{
  static JgKeyList *default_list;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (default_list == NULL)
    {
      g_autoptr(JgKeyList) list = jg_key_list_new (NULL);

      if (!jg_key_list_load (list, error))
        return NULL;
      default_list = g_steal_pointer (&list);
    }
  return default_list;
}

JgKeyList *
jg_key_list_new (const char *path)
{
  JgKeyList *self = g_object_new (JG_TYPE_KEY_LIST, NULL);

  self->path = path != NULL ? g_strdup (path) : jg_key_list_default_path ();
  return self;
}

const char *
jg_key_list_get_path (JgKeyList *self)
{
  g_return_val_if_fail (JG_IS_KEY_LIST (self), NULL);
  return self->path;
}

gboolean
jg_key_list_is_blocked (JgKeyList *self)
{
  g_return_val_if_fail (JG_IS_KEY_LIST (self), FALSE);
  return self->blocked;
}

static void
insert_key (JgKeyList *self,
            JgKey     *key)
{
  g_ptr_array_add (self->items, g_object_ref (key));
  g_signal_connect_swapped (key, "notify", G_CALLBACK (on_key_notify), self);
}

void
jg_key_list_add (JgKeyList *self,
                 JgKey     *key)
{
  g_return_if_fail (JG_IS_KEY_LIST (self));
  g_return_if_fail (JG_IS_KEY (key));
  g_return_if_fail (jg_key_get_id (key) != NULL);
  g_return_if_fail (jg_key_list_find_by_id (self, jg_key_get_id (key)) == NULL);

  insert_key (self, key);
  g_list_model_items_changed (G_LIST_MODEL (self), self->items->len - 1, 0, 1);
  g_signal_emit (self, signals[CHANGED], 0);
}

gboolean
jg_key_list_remove (JgKeyList *self,
                    JgKey     *key)
{
  guint position;

  g_return_val_if_fail (JG_IS_KEY_LIST (self), FALSE);
  g_return_val_if_fail (JG_IS_KEY (key), FALSE);

  if (!g_ptr_array_find (self->items, key, &position))
    return FALSE;
  unwatch_key (key, self);
  g_ptr_array_remove_index (self->items, position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

JgKey *
jg_key_list_find_by_id (JgKeyList  *self,
                        const char *id)
{
  g_return_val_if_fail (JG_IS_KEY_LIST (self), NULL);

  if (id == NULL)
    return NULL;
  for (guint i = 0; i < self->items->len; i++)
    {
      JgKey *key = g_ptr_array_index (self->items, i);

      if (g_strcmp0 (jg_key_get_id (key), id) == 0)
        return key;
    }
  return NULL;
}

JgKey *
jg_key_list_find_equal (JgKeyList *self,
                        JgKey     *key)
{
  g_return_val_if_fail (JG_IS_KEY_LIST (self), NULL);
  g_return_val_if_fail (JG_IS_KEY (key), NULL);

  for (guint i = 0; i < self->items->len; i++)
    {
      JgKey *other = g_ptr_array_index (self->items, i);

      if (jg_key_equal_public (key, other))
        return other;
    }
  return NULL;
}

static gboolean
has_name (JgKeyList  *self,
          const char *name)
{
  for (guint i = 0; i < self->items->len; i++)
    {
      if (g_strcmp0 (jg_key_get_name (g_ptr_array_index (self->items, i)), name) == 0)
        return TRUE;
    }
  return FALSE;
}

char *
jg_key_list_make_unique_name (JgKeyList  *self,
                              const char *base)
{
  g_return_val_if_fail (JG_IS_KEY_LIST (self), NULL);
  g_return_val_if_fail (base != NULL, NULL);

  if (!has_name (self, base))
    return g_strdup (base);
  for (guint n = 2;; n++)
    {
      g_autofree char *name = g_strdup_printf ("%s (%u)", base, n);

      if (!has_name (self, name))
        return g_steal_pointer (&name);
    }
}

/* ---- reading ------------------------------------------------------------ */

static JgKey *
read_key (JsonObject  *object,
          GError     **error)
{
  const char *id = json_object_get_string_member_with_default (object, "id", NULL);
  const char *name = json_object_get_string_member_with_default (object, "name", NULL);
  const char *line = json_object_get_string_member_with_default (object, "public_key", NULL);
  const char *created = json_object_get_string_member_with_default (object, "created", NULL);
  const char *source = json_object_get_string_member_with_default (object, "source", NULL);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JgKey) key = NULL;

  if (id == NULL || id[0] == '\0' || line == NULL)
    {
      g_set_error_literal (error, JG_STORE_ERROR, JG_STORE_ERROR_PARSE,
                           _("an entry has no “id” or no “public_key”"));
      return NULL;
    }
  key = jg_key_new_from_public_line (line, &local_error);
  if (key == NULL)
    {
      g_set_error (error, JG_STORE_ERROR, JG_STORE_ERROR_PARSE, "%s", local_error->message);
      return NULL;
    }

  /* The comment is its own member: the line is "type base64" only. */
  jg_key_set_comment (key, json_object_get_string_member_with_default (object, "comment", NULL));
  jg_key_set_id (key, id);
  jg_key_set_name (key, name != NULL && name[0] != '\0' ? name : jg_key_get_fingerprint (key));
  if (created != NULL)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_iso8601 (created, NULL);

      jg_key_set_created (key, when);
    }
  jg_key_set_source (key, g_strcmp0 (source, "imported") == 0 ? JG_KEY_SOURCE_IMPORTED
                                                               : JG_KEY_SOURCE_GENERATED);
  jg_key_set_origin (key, json_object_get_string_member_with_default (object, "origin", NULL));
  return g_steal_pointer (&key);
}

gboolean
jg_key_list_load_from_data (JgKeyList   *self,
                            const char  *data,
                            gssize       length,
                            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) local_error = NULL;
  JsonNode *root, *version, *list;
  JsonObject *object;
  JsonArray *array;
  guint old_length;

  g_return_val_if_fail (JG_IS_KEY_LIST (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_set_error (error, JG_STORE_ERROR, JG_STORE_ERROR_PARSE, "%s", local_error->message);
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, JG_STORE_ERROR, JG_STORE_ERROR_PARSE,
                           _("the file is not a Jumpgate key list (no top-level object)"));
      return FALSE;
    }
  object = json_node_get_object (root);
  version = json_object_get_member (object, "version");
  if (version == NULL || json_node_get_value_type (version) != G_TYPE_INT64 ||
      json_node_get_int (version) < 1)
    {
      g_set_error_literal (error, JG_STORE_ERROR, JG_STORE_ERROR_PARSE,
                           _("the file is not a Jumpgate key list (no “version”)"));
      return FALSE;
    }
  if (json_node_get_int (version) > JG_KEY_LIST_VERSION)
    {
      g_set_error (error, JG_STORE_ERROR, JG_STORE_ERROR_NEWER,
                   _("the file was written by a newer version of Jumpgate (format %lld); update Jumpgate to use it"),
                   (long long) json_node_get_int (version));
      return FALSE;
    }

  list = json_object_get_member (object, "keys");
  if (list != NULL && !JSON_NODE_HOLDS_NULL (list) && !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_set_error_literal (error, JG_STORE_ERROR, JG_STORE_ERROR_PARSE, _("“keys” is not a list"));
      return FALSE;
    }
  array = list != NULL && JSON_NODE_HOLDS_ARRAY (list) ? json_node_get_array (list) : NULL;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JgKey *key;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error (error, JG_STORE_ERROR, JG_STORE_ERROR_PARSE,
                       _("entry %u of “keys” is not an object"), i + 1);
          return FALSE;
        }
      key = read_key (json_node_get_object (element), &local_error);
      if (key == NULL)
        {
          g_set_error (error, JG_STORE_ERROR, JG_STORE_ERROR_PARSE, _("entry %u of “keys”: %s"),
                       i + 1, local_error->message);
          return FALSE;
        }
      g_ptr_array_add (keys, key);
      for (guint j = 0; j + 1 < keys->len; j++)
        {
          if (g_str_equal (jg_key_get_id (g_ptr_array_index (keys, j)), jg_key_get_id (key)))
            {
              g_set_error (error, JG_STORE_ERROR, JG_STORE_ERROR_PARSE,
                           _("entry %u of “keys” repeats the id %s"), i + 1, jg_key_get_id (key));
              return FALSE;
            }
        }
    }

  old_length = self->items->len;
  g_ptr_array_foreach (self->items, unwatch_key, self);
  g_ptr_array_set_size (self->items, 0);
  for (guint i = 0; i < keys->len; i++)
    insert_key (self, g_ptr_array_index (keys, i));
  g_list_model_items_changed (G_LIST_MODEL (self), 0, old_length, self->items->len);
  return TRUE;
}

gboolean
jg_key_list_load (JgKeyList  *self,
                  GError    **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;
  GStatBuf st;

  g_return_val_if_fail (JG_IS_KEY_LIST (self), FALSE);

  self->blocked = FALSE;
  if (g_stat (self->path, &st) != 0 && errno == ENOENT)
    {
      guint old_length = self->items->len;

      g_ptr_array_foreach (self->items, unwatch_key, self);
      g_ptr_array_set_size (self->items, 0);
      g_list_model_items_changed (G_LIST_MODEL (self), 0, old_length, 0);
      return TRUE;
    }

  if ((g_stat (self->path, &st) == 0 && st.st_size > MAX_FILE_SIZE) ||
      !g_file_get_contents (self->path, &contents, &length, &local_error) ||
      !jg_key_list_load_from_data (self, contents, length, &local_error))
    {
      self->blocked = TRUE;
      g_set_error (error, JG_STORE_ERROR,
                   local_error != NULL && local_error->domain == JG_STORE_ERROR ? local_error->code
                                                                                : JG_STORE_ERROR_IO,
                   _("Could not read %s: %s. The file was left as it is: fix it, or move it aside to start with no keys."),
                   self->path, local_error != NULL ? local_error->message : _("the file is too large"));
      return FALSE;
    }
  return TRUE;
}

/* ---- writing ------------------------------------------------------------ */

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

char *
jg_key_list_to_data (JgKeyList *self,
                     gsize     *length)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  gsize text_length = 0;

  g_return_val_if_fail (JG_IS_KEY_LIST (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, JG_KEY_LIST_VERSION);
  json_builder_set_member_name (builder, "keys");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->items->len; i++)
    {
      JgKey *key = g_ptr_array_index (self->items, i);
      g_autofree char *base = jg_key_dup_public_base (key);

      json_builder_begin_object (builder);
      add_string (builder, "id", jg_key_get_id (key));
      add_string (builder, "name", jg_key_get_name (key));
      add_string (builder, "public_key", base);
      add_string (builder, "comment", jg_key_get_comment (key));
      if (jg_key_get_created (key) != NULL)
        {
          g_autofree char *when = g_date_time_format_iso8601 (jg_key_get_created (key));

          add_string (builder, "created", when);
        }
      add_string (builder, "source",
                  jg_key_get_source (key) == JG_KEY_SOURCE_IMPORTED ? "imported" : "generated");
      add_string (builder, "origin", jg_key_get_origin (key));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  text = json_generator_to_data (generator, &text_length);
  if (length != NULL)
    *length = text_length + 1;
  return g_strconcat (text, "\n", NULL);
}

gboolean
jg_key_list_save (JgKeyList  *self,
                  GError    **error)
{
  g_autofree char *data = NULL;
  gsize length = 0;

  g_return_val_if_fail (JG_IS_KEY_LIST (self), FALSE);

  if (self->blocked)
    {
      g_set_error (error, JG_STORE_ERROR, JG_STORE_ERROR_BLOCKED,
                   _("Not saving: %s could not be read and is kept as it is. Fix it, or move it aside first."),
                   self->path);
      return FALSE;
    }

  data = jg_key_list_to_data (self, &length);
  return jg_store_write_file (self->path, data, length, error);
}
