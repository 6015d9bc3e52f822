/* jg-store.c — machines.json: load, and save atomically
 *
 * The file is the whole inventory, written by replacing it: a temporary file
 * beside it (mode 0600) is written, fsync()ed and renamed over the old one, so
 * a crash at any moment leaves the old file or the new one, never a mix.
 * Members this version does not know are kept, per host and at the top level.
 * A file that cannot be read is never overwritten: saving is refused until it
 * has been fixed or moved aside.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "jg-file-util.h"
#include "jg-store.h"

/* A sane upper bound: ten thousand machines take about 4 MiB. */
#define MAX_FILE_SIZE (64 * 1024 * 1024)

struct _JgStore
{
  GObject     parent_instance;
  char       *path;
  JsonObject *top_extra;  /* unknown top-level members */
  gboolean    blocked;    /* the file on disk could not be read */
};

G_DEFINE_FINAL_TYPE (JgStore, jg_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (jg-store-error-quark, jg_store_error)

static const char * const host_members[] = {
  "id", "name", "kind", "host", "port", "user", "jump", "auth", "identity_file",
  "identities_only", "key_id", "forward_agent", "keepalive_interval", "known_hosts_file",
  "remember_password", "rules", NULL
};

static const char * const top_members[] = { "version", "jump_hosts", "machines", NULL };

static void
jg_store_finalize (GObject *object)
{
  JgStore *self = JG_STORE (object);

  g_free (self->path);
  g_clear_pointer (&self->top_extra, json_object_unref);

  G_OBJECT_CLASS (jg_store_parent_class)->finalize (object);
}

static void
jg_store_class_init (JgStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = jg_store_finalize;
}

static void
jg_store_init (JgStore *self)
{
}

char *
jg_store_default_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "jumpgate", "machines.json", NULL);
}

JgStore *
jg_store_new (const char *path)
{
  JgStore *self = g_object_new (JG_TYPE_STORE, NULL);

  self->path = path != NULL ? g_strdup (path) : jg_store_default_path ();
  return self;
}

const char *
jg_store_get_path (JgStore *self)
{
  g_return_val_if_fail (JG_IS_STORE (self), NULL);
  return self->path;
}

gboolean
jg_store_is_blocked (JgStore *self)
{
  g_return_val_if_fail (JG_IS_STORE (self), FALSE);
  return self->blocked;
}

/* ---- reading ---------------------------------------------------------- */

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
member_uint (JsonObject *object,
             const char *name,
             guint       max,
             guint      *out)
{
  JsonNode *node = json_object_get_member (object, name);
  gint64 value;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  value = json_node_get_int (node);
  if (value < 0 || value > max)
    return FALSE;
  *out = (guint) value;
  return TRUE;
}

static gboolean
member_bool (JsonObject *object,
             const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && json_node_get_value_type (node) == G_TYPE_BOOLEAN &&
         json_node_get_boolean (node);
}

static JsonObject *
collect_extra (JsonObject         *object,
               const char * const *known)
{
  g_autoptr(GList) members = json_object_get_members (object);
  JsonObject *extra = NULL;

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;

      if (g_strv_contains (known, name))
        continue;
      if (extra == NULL)
        extra = json_object_new ();
      json_object_set_member (extra, name, json_node_copy (json_object_get_member (object, name)));
    }
  return extra;
}

static void
read_rules (JgJumpHost *jump,
            JsonObject *object)
{
  JsonNode *node = json_object_get_member (object, "rules");
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *rule_object;
      JgJumpRule *rule;
      const char *patterns;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      rule_object = json_node_get_object (element);
      patterns = member_string (rule_object, "patterns");
      if (patterns == NULL || patterns[0] == '\0')
        continue;
      rule = jg_jump_rule_new (patterns);
      rule->user = g_strdup (member_string (rule_object, "user"));
      member_uint (rule_object, "port", 65535, &rule->port);
      rule->identity_file = g_strdup (member_string (rule_object, "identity_file"));
      /* "%r": the destination's user, as in ssh_config. */
      rule->jump_user_from_target = g_strcmp0 (member_string (rule_object, "jump_user"), "%r") == 0;
      jg_jump_host_add_rule (jump, rule);
    }
}

/* Fills @host from @object; FALSE with @error when a required member is off. */
static gboolean
read_host (JgHost      *host,
           JsonObject  *object,
           GError     **error)
{
  g_autoptr(JsonObject) extra = NULL;
  const char *name = member_string (object, "name");
  const char *hostname = member_string (object, "host");
  JgAuthMethod auth = JG_AUTH_AUTO;
  guint value;

  if (name == NULL || name[0] == '\0' || hostname == NULL || hostname[0] == '\0')
    {
      g_set_error (error, JG_STORE_ERROR, JG_STORE_ERROR_PARSE,
                   _("an entry has no “name” or no “host”"));
      return FALSE;
    }

  jg_host_set_id (host, member_string (object, "id"));
  jg_host_set_name (host, name);
  jg_host_set_hostname (host, hostname);
  if (member_uint (object, "port", 65535, &value))
    jg_host_set_port (host, value);
  jg_host_set_user (host, member_string (object, "user"));
  jg_host_set_jump_id (host, member_string (object, "jump"));
  if (jg_auth_method_from_string (member_string (object, "auth"), &auth))
    jg_host_set_auth (host, auth);
  jg_host_set_identity_file (host, member_string (object, "identity_file"));
  jg_host_set_identities_only (host, member_bool (object, "identities_only"));
  jg_host_set_key_id (host, member_string (object, "key_id"));
  jg_host_set_forward_agent (host, member_bool (object, "forward_agent"));
  if (member_uint (object, "keepalive_interval", G_MAXINT, &value))
    jg_host_set_keepalive_interval (host, value);
  jg_host_set_known_hosts_file (host, member_string (object, "known_hosts_file"));
  jg_host_set_remember_password (host, member_bool (object, "remember_password"));

  extra = collect_extra (object, host_members);
  jg_host_set_extra (host, extra);
  return TRUE;
}

static gboolean
read_array (JsonObject   *root,
            const char   *member,
            gboolean      jump_hosts,
            GPtrArray    *hosts,
            GHashTable   *ids,
            GError      **error)
{
  JsonNode *node = json_object_get_member (root, member);
  JsonArray *array;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, JG_STORE_ERROR, JG_STORE_ERROR_PARSE,
                   _("“%s” is not a list"), member);
      return FALSE;
    }

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autoptr(JgHost) host = NULL;
      g_autoptr(GError) local_error = NULL;
      JsonObject *object;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error (error, JG_STORE_ERROR, JG_STORE_ERROR_PARSE,
                       _("entry %u of “%s” is not an object"), i + 1, member);
          return FALSE;
        }
      object = json_node_get_object (element);

      if (jump_hosts)
        {
          host = JG_HOST (jg_jump_host_new ());
          read_rules (JG_JUMP_HOST (host), object);
        }
      else
        {
          const char *kind = member_string (object, "kind");

          host = JG_HOST (jg_machine_new (g_strcmp0 (kind, "own") == 0 ? JG_MACHINE_KIND_OWN
                                                                      : JG_MACHINE_KIND_VIRTUAL));
        }

      if (!read_host (host, object, &local_error))
        {
          g_set_error (error, JG_STORE_ERROR, JG_STORE_ERROR_PARSE,
                       _("entry %u of “%s”: %s"), i + 1, member, local_error->message);
          return FALSE;
        }

      /* (@ids holds the ids of @hosts: comparing with each would make
       * loading quadratic) */
      if (!g_hash_table_add (ids, (gpointer) jg_host_get_id (host)))
        {
          g_set_error (error, JG_STORE_ERROR, JG_STORE_ERROR_PARSE,
                       _("entry %u of “%s” repeats the id %s"), i + 1, member,
                       jg_host_get_id (host));
          return FALSE;
        }
      g_ptr_array_add (hosts, g_steal_pointer (&host));
    }
  return TRUE;
}

static gboolean
is_blank (const char *data,
          gsize       length)
{
  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isspace (data[i]))
        return FALSE;
    }
  return TRUE;
}

/* json-glib says "<data>:3:14: Parse error: unexpected …": make it
 * "line 3, column 14: unexpected …". */
static char *
parse_error_location (const char *message)
{
  const char *rest = message;
  guint line = 0, column = 0;
  int consumed = 0;

  if (g_str_has_prefix (rest, "<data>:"))
    rest += strlen ("<data>:");
  if (sscanf (rest, "%u:%u: %n", &line, &column, &consumed) == 2 && consumed > 0)
    {
      rest += consumed;
      if (g_str_has_prefix (rest, "Parse error: "))
        rest += strlen ("Parse error: ");
      return g_strdup_printf (_("line %u, column %u: %s"), line, column, rest);
    }
  return g_strdup (message);
}

gboolean
jg_store_load_from_data (JgStore      *self,
                         const char   *data,
                         gssize        length,
                         JgInventory  *inventory,
                         GError      **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GPtrArray) hosts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) ids = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *root;
  JsonNode *version;

  g_return_val_if_fail (JG_IS_STORE (self), FALSE);
  g_return_val_if_fail (JG_IS_INVENTORY (inventory), FALSE);

  if (length < 0)
    length = strlen (data);

  if (is_blank (data, length))
    {
      g_set_error (error, JG_STORE_ERROR, JG_STORE_ERROR_PARSE, _("the file is empty"));
      return FALSE;
    }

  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_autofree char *where = parse_error_location (local_error->message);

      g_set_error (error, JG_STORE_ERROR, JG_STORE_ERROR_PARSE, "%s", where);
      return FALSE;
    }
  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, JG_STORE_ERROR, JG_STORE_ERROR_PARSE,
                   _("the file is not a Jumpgate inventory (no top-level object)"));
      return FALSE;
    }

  root = json_node_get_object (json_parser_get_root (parser));
  version = json_object_get_member (root, "version");
  if (version == NULL || json_node_get_value_type (version) != G_TYPE_INT64 ||
      json_node_get_int (version) < 1)
    {
      g_set_error (error, JG_STORE_ERROR, JG_STORE_ERROR_PARSE,
                   _("the file is not a Jumpgate inventory (no “version”)"));
      return FALSE;
    }
  if (json_node_get_int (version) > JG_STORE_VERSION)
    {
      g_set_error (error, JG_STORE_ERROR, JG_STORE_ERROR_NEWER,
                   _("the file was written by a newer version of Jumpgate (format %lld); update Jumpgate to use it"),
                   (long long) json_node_get_int (version));
      return FALSE;
    }

  ids = g_hash_table_new (g_str_hash, g_str_equal);
  if (!read_array (root, "jump_hosts", TRUE, hosts, ids, error) ||
      !read_array (root, "machines", FALSE, hosts, ids, error))
    return FALSE;

  g_clear_pointer (&self->top_extra, json_object_unref);
  self->top_extra = collect_extra (root, top_members);

  jg_inventory_remove_all (inventory);
  for (guint i = 0; i < hosts->len; i++)
    jg_inventory_add (inventory, g_ptr_array_index (hosts, i));

  return TRUE;
}

/**
 * jg_store_load:
 *
 * Loads the file into @inventory (replacing what it held). A missing file is
 * an empty inventory. A file that cannot be read is left untouched, the error
 * names it, and saving is refused from then on (see jg_store_move_aside()).
 */
gboolean
jg_store_load (JgStore      *self,
               JgInventory  *inventory,
               GError      **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;
  GStatBuf st;

  g_return_val_if_fail (JG_IS_STORE (self), FALSE);
  g_return_val_if_fail (JG_IS_INVENTORY (inventory), FALSE);

  self->blocked = FALSE;

  if (g_stat (self->path, &st) != 0 && errno == ENOENT)
    {
      jg_inventory_remove_all (inventory);
      return TRUE;
    }

  if (g_stat (self->path, &st) == 0 && st.st_size > MAX_FILE_SIZE)
    {
      self->blocked = TRUE;
      g_set_error (error, JG_STORE_ERROR, JG_STORE_ERROR_PARSE,
                   _("Could not read %s: the file is larger than %d MiB. It was left as it is."),
                   self->path, MAX_FILE_SIZE / (1024 * 1024));
      return FALSE;
    }

  if (!g_file_get_contents (self->path, &contents, &length, &local_error))
    {
      self->blocked = TRUE;
      g_set_error (error, JG_STORE_ERROR, JG_STORE_ERROR_IO,
                   _("Could not read %s: %s. It was left as it is."), self->path,
                   local_error->message);
      return FALSE;
    }

  if (!jg_store_load_from_data (self, contents, length, inventory, &local_error))
    {
      self->blocked = TRUE;
      g_set_error (error, JG_STORE_ERROR, local_error->code,
                   _("Could not read %s: %s. The file was left as it is: fix it, or move it aside to start with an empty list."),
                   self->path, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* ---- writing ---------------------------------------------------------- */

static void
set_optional_string (JsonBuilder *builder,
                     const char  *name,
                     const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
write_extra (JsonBuilder *builder,
             JsonObject  *extra)
{
  g_autoptr(GList) members = NULL;

  if (extra == NULL)
    return;
  members = json_object_get_members (extra);
  for (GList *l = members; l != NULL; l = l->next)
    {
      json_builder_set_member_name (builder, l->data);
      json_builder_add_value (builder, json_node_copy (json_object_get_member (extra, l->data)));
    }
}

static void
write_host (JsonBuilder *builder,
            JgHost      *host)
{
  json_builder_begin_object (builder);

  set_optional_string (builder, "id", jg_host_get_id (host));
  set_optional_string (builder, "name", jg_host_get_name (host));
  if (JG_IS_MACHINE (host))
    set_optional_string (builder, "kind", jg_host_get_kind_name (host));
  set_optional_string (builder, "host", jg_host_get_hostname (host));
  if (jg_host_get_port (host) != 0)
    {
      json_builder_set_member_name (builder, "port");
      json_builder_add_int_value (builder, jg_host_get_port (host));
    }
  set_optional_string (builder, "user", jg_host_get_user (host));
  set_optional_string (builder, "jump", jg_host_get_jump_id (host));
  json_builder_set_member_name (builder, "auth");
  json_builder_add_string_value (builder, jg_auth_method_to_string (jg_host_get_auth (host)));
  set_optional_string (builder, "identity_file", jg_host_get_identity_file (host));
  if (jg_host_get_identities_only (host))
    {
      json_builder_set_member_name (builder, "identities_only");
      json_builder_add_boolean_value (builder, TRUE);
    }
  set_optional_string (builder, "key_id", jg_host_get_key_id (host));
  if (jg_host_get_forward_agent (host))
    {
      json_builder_set_member_name (builder, "forward_agent");
      json_builder_add_boolean_value (builder, TRUE);
    }
  json_builder_set_member_name (builder, "keepalive_interval");
  json_builder_add_int_value (builder, jg_host_get_keepalive_interval (host));
  set_optional_string (builder, "known_hosts_file", jg_host_get_known_hosts_file (host));
  if (jg_host_get_remember_password (host))
    {
      json_builder_set_member_name (builder, "remember_password");
      json_builder_add_boolean_value (builder, TRUE);
    }

  if (JG_IS_JUMP_HOST (host) && jg_jump_host_get_rules (JG_JUMP_HOST (host))->len > 0)
    {
      GPtrArray *rules = jg_jump_host_get_rules (JG_JUMP_HOST (host));

      json_builder_set_member_name (builder, "rules");
      json_builder_begin_array (builder);
      for (guint i = 0; i < rules->len; i++)
        {
          JgJumpRule *rule = g_ptr_array_index (rules, i);

          json_builder_begin_object (builder);
          set_optional_string (builder, "patterns", rule->patterns);
          set_optional_string (builder, "user", rule->user);
          if (rule->port != 0)
            {
              json_builder_set_member_name (builder, "port");
              json_builder_add_int_value (builder, rule->port);
            }
          set_optional_string (builder, "identity_file", rule->identity_file);
          if (rule->jump_user_from_target)
            set_optional_string (builder, "jump_user", "%r");
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }

  write_extra (builder, jg_host_get_extra (host));
  json_builder_end_object (builder);
}

char *
jg_store_to_data (JgStore     *self,
                  JgInventory *inventory,
                  gsize       *length)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  guint n;

  g_return_val_if_fail (JG_IS_STORE (self), NULL);
  g_return_val_if_fail (JG_IS_INVENTORY (inventory), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (inventory));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, JG_STORE_VERSION);

  for (int pass = 0; pass < 2; pass++)
    {
      json_builder_set_member_name (builder, pass == 0 ? "jump_hosts" : "machines");
      json_builder_begin_array (builder);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(JgHost) host = g_list_model_get_item (G_LIST_MODEL (inventory), i);

          if (JG_IS_JUMP_HOST (host) == (pass == 0))
            write_host (builder, host);
        }
      json_builder_end_array (builder);
    }

  write_extra (builder, self->top_extra);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  {
    g_autofree char *text = json_generator_to_data (generator, length);
    char *with_newline = g_strconcat (text, "\n", NULL);

    if (length != NULL)
      *length += 1;
    return with_newline;
  }
}

/**
 * jg_store_write_file:
 *
 * Writes one of Jumpgate's own files (machines.json, keys.json): its folder
 * is made (0700) if missing and the file replaced atomically with mode 0600.
 * The error names the file and says that the previous one is unchanged.
 */
gboolean
jg_store_write_file (const char  *path,
                     const char  *data,
                     gsize        length,
                     GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) local_error = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, JG_STORE_ERROR, JG_STORE_ERROR_IO, _("Could not create the folder %s: %s"),
                   dir, g_strerror (saved_errno));
      return FALSE;
    }

  if (!jg_file_replace_atomically (path, data, length, 0600, &local_error))
    {
      g_set_error (error, JG_STORE_ERROR, JG_STORE_ERROR_IO,
                   _("Could not save %s: %s. The previous file is unchanged."), path,
                   local_error->message);
      return FALSE;
    }

  return TRUE;
}

gboolean
jg_store_save (JgStore      *self,
               JgInventory  *inventory,
               GError      **error)
{
  g_autofree char *data = NULL;
  gsize length = 0;

  g_return_val_if_fail (JG_IS_STORE (self), FALSE);
  g_return_val_if_fail (JG_IS_INVENTORY (inventory), FALSE);

  if (self->blocked)
    {
      g_set_error (error, JG_STORE_ERROR, JG_STORE_ERROR_BLOCKED,
                   _("Not saving: %s could not be read and is kept as it is. Fix it, or move it aside first."),
                   self->path);
      return FALSE;
    }

  data = jg_store_to_data (self, inventory, &length);
  return jg_store_write_file (self->path, data, length, error);
}

/**
 * jg_store_move_aside:
 *
 * Renames the file that could not be read to "machines.json.broken-DATE" so
 * that an empty inventory can be saved; the new name is returned so that it
 * can be shown.
 */
char *
jg_store_move_aside (JgStore  *self,
                     GError  **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *aside = g_strdup_printf ("%s.broken-%s", self->path, stamp);

  g_return_val_if_fail (JG_IS_STORE (self), NULL);

  for (guint n = 2; g_file_test (aside, G_FILE_TEST_EXISTS); n++)
    {
      g_free (aside);
      aside = g_strdup_printf ("%s.broken-%s-%u", self->path, stamp, n);
    }

  if (g_rename (self->path, aside) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, JG_STORE_ERROR, JG_STORE_ERROR_IO, _("Could not move %s aside: %s"),
                   self->path, g_strerror (saved_errno));
      return NULL;
    }
  self->blocked = FALSE;
  return g_steal_pointer (&aside);
}
