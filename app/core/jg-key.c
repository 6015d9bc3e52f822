/* jg-key.c — an SSH key as Jumpgate shows it: public parts and metadata only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "jg-file-util.h"
#include "jg-key.h"

struct _JgKey
{
  GObject      parent_instance;

  char        *id;
  char        *name;
  char        *comment;
  GDateTime   *created;
  JgKeySource  source;
  char        *origin;

  GBytes      *blob;
  char        *key_type;
  guint        bits;
  char        *type_label;
  char        *fingerprint;
  char        *public_line;   /* cached, rebuilt when the comment changes */
};

G_DEFINE_FINAL_TYPE (JgKey, jg_key, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_COMMENT,
  PROP_CREATED,
  PROP_SOURCE,
  PROP_ORIGIN,
  PROP_KEY_TYPE,
  PROP_BITS,
  PROP_TYPE_LABEL,
  PROP_FINGERPRINT,
  PROP_PUBLIC_LINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- the SSH wire format ----------------------------------------------- */

typedef struct
{
  const guint8 *data;
  gsize         left;
} Reader;

static gboolean
read_string (Reader        *reader,
             const guint8 **data,
             gsize         *length)
{
  guint32 n;

  if (reader->left < 4)
    return FALSE;
  n = ((guint32) reader->data[0] << 24) | ((guint32) reader->data[1] << 16) |
      ((guint32) reader->data[2] << 8) | reader->data[3];
  if (n > reader->left - 4)
    return FALSE;
  *data = reader->data + 4;
  *length = n;
  reader->data += 4 + n;
  reader->left -= 4 + n;
  return TRUE;
}

/* Bits of a positive mpint (big-endian, maybe a leading zero byte). */
static guint
mpint_bits (const guint8 *data,
            gsize         length)
{
  while (length > 0 && data[0] == 0)
    {
      data++;
      length--;
    }
  if (length == 0)
    return 0;
  return (guint) (length - 1) * 8 + g_bit_storage (data[0]);
}

static guint
curve_bits (const guint8 *curve,
            gsize         length)
{
  if (length == 8 && memcmp (curve, "nistp256", 8) == 0)
    return 256;
  if (length == 8 && memcmp (curve, "nistp384", 8) == 0)
    return 384;
  if (length == 8 && memcmp (curve, "nistp521", 8) == 0)
    return 521;
  return 0;
}

static gboolean
is_type_name (const guint8 *data,
              gsize         length)
{
  if (length == 0 || length > 64)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isalnum (data[i]) && strchr ("-_.@", data[i]) == NULL)
        return FALSE;
    }
  return TRUE;
}

/* The type and size of @blob; FALSE when it is not a public key blob. */
static gboolean
parse_blob (GBytes  *blob,
            char   **key_type,
            guint   *bits)
{
  gsize size = 0;
  Reader reader = { g_bytes_get_data (blob, &size), 0 };
  const guint8 *type, *field;
  gsize type_length, field_length;

  reader.left = size;
  if (!read_string (&reader, &type, &type_length) || !is_type_name (type, type_length))
    return FALSE;
  *key_type = g_strndup ((const char *) type, type_length);
  *bits = 0;

  if (g_str_has_suffix (*key_type, "-cert-v01@openssh.com"))
    return TRUE;

  if (g_str_equal (*key_type, "ssh-ed25519") ||
      g_str_equal (*key_type, "sk-ssh-ed25519@openssh.com"))
    {
      if (!read_string (&reader, &field, &field_length) || field_length != 32)
        goto invalid;
      *bits = 256;
    }
  else if (g_str_equal (*key_type, "ssh-rsa"))
    {
      if (!read_string (&reader, &field, &field_length) ||   /* e */
          !read_string (&reader, &field, &field_length))     /* n */
        goto invalid;
      *bits = mpint_bits (field, field_length);
      if (*bits == 0)
        goto invalid;
    }
  else if (g_str_equal (*key_type, "ssh-dss"))
    {
      if (!read_string (&reader, &field, &field_length))     /* p */
        goto invalid;
      *bits = mpint_bits (field, field_length);
    }
  else if (g_str_has_prefix (*key_type, "ecdsa-sha2-") ||
           g_str_has_prefix (*key_type, "sk-ecdsa-sha2-"))
    {
      if (!read_string (&reader, &field, &field_length))     /* curve */
        goto invalid;
      *bits = curve_bits (field, field_length);
      if (*bits == 0 || !read_string (&reader, &field, &field_length) || field_length == 0)
        goto invalid;
    }
  return TRUE;

invalid:
  g_clear_pointer (key_type, g_free);
  return FALSE;
}

char *
jg_key_fingerprint_of_blob (GBytes *blob)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_length = sizeof digest;
  g_autofree char *base64 = NULL;
  gsize length;

  g_return_val_if_fail (blob != NULL, NULL);

  g_checksum_update (checksum, g_bytes_get_data (blob, NULL), g_bytes_get_size (blob));
  g_checksum_get_digest (checksum, digest, &digest_length);
  base64 = g_base64_encode (digest, digest_length);
  length = strlen (base64);
  while (length > 0 && base64[length - 1] == '=')
    base64[--length] = '\0';
  return g_strconcat ("SHA256:", base64, NULL);
}

static char *
make_type_label (const char *key_type,
                 guint       bits)
{
  if (g_str_equal (key_type, "ssh-ed25519"))
    return g_strdup ("Ed25519");
  if (g_str_equal (key_type, "sk-ssh-ed25519@openssh.com"))
    return g_strdup ("Ed25519-SK");
  if (g_str_equal (key_type, "ssh-rsa"))
    return g_strdup_printf ("RSA %u", bits);
  if (g_str_equal (key_type, "ssh-dss"))
    return g_strdup_printf ("DSA %u", bits);
  if (g_str_has_prefix (key_type, "ecdsa-sha2-"))
    return g_strdup_printf ("ECDSA %u", bits);
  if (g_str_has_prefix (key_type, "sk-ecdsa-sha2-"))
    return g_strdup_printf ("ECDSA-SK %u", bits);
  return g_strdup (key_type);
}

/* ---- the object -------------------------------------------------------- */

static void
jg_key_finalize (GObject *object)
{
  JgKey *self = JG_KEY (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->comment);
  g_clear_pointer (&self->created, g_date_time_unref);
  g_free (self->origin);
  g_clear_pointer (&self->blob, g_bytes_unref);
  g_free (self->key_type);
  g_free (self->type_label);
  g_free (self->fingerprint);
  g_free (self->public_line);

  G_OBJECT_CLASS (jg_key_parent_class)->finalize (object);
}

static void
jg_key_get_property (GObject    *object,
                     guint       prop_id,
                     GValue     *value,
                     GParamSpec *pspec)
{
  JgKey *self = JG_KEY (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_COMMENT:
      g_value_set_string (value, self->comment);
      break;
    case PROP_CREATED:
      g_value_set_boxed (value, self->created);
      break;
    case PROP_SOURCE:
      g_value_set_uint (value, self->source);
      break;
    case PROP_ORIGIN:
      g_value_set_string (value, self->origin);
      break;
    case PROP_KEY_TYPE:
      g_value_set_string (value, self->key_type);
      break;
    case PROP_BITS:
      g_value_set_uint (value, self->bits);
      break;
    case PROP_TYPE_LABEL:
      g_value_set_string (value, self->type_label);
      break;
    case PROP_FINGERPRINT:
      g_value_set_string (value, self->fingerprint);
      break;
    case PROP_PUBLIC_LINE:
      g_value_set_string (value, jg_key_get_public_line (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jg_key_set_property (GObject      *object,
                     guint         prop_id,
                     const GValue *value,
                     GParamSpec   *pspec)
{
  JgKey *self = JG_KEY (object);

  switch (prop_id)
    {
    case PROP_ID:
      jg_key_set_id (self, g_value_get_string (value));
      break;
    case PROP_NAME:
      jg_key_set_name (self, g_value_get_string (value));
      break;
    case PROP_COMMENT:
      jg_key_set_comment (self, g_value_get_string (value));
      break;
    case PROP_CREATED:
      jg_key_set_created (self, g_value_get_boxed (value));
      break;
    case PROP_SOURCE:
      jg_key_set_source (self, g_value_get_uint (value));
      break;
    case PROP_ORIGIN:
      jg_key_set_origin (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jg_key_class_init (JgKeyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = jg_key_finalize;
  object_class->get_property = jg_key_get_property;
  object_class->set_property = jg_key_set_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, rw);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, rw);
  properties[PROP_COMMENT] = g_param_spec_string ("comment", NULL, NULL, NULL, rw);
  properties[PROP_CREATED] = g_param_spec_boxed ("created", NULL, NULL, G_TYPE_DATE_TIME, rw);
  properties[PROP_SOURCE] = g_param_spec_uint ("source", NULL, NULL, 0, JG_KEY_SOURCE_AGENT,
                                               JG_KEY_SOURCE_GENERATED, rw);
  properties[PROP_ORIGIN] = g_param_spec_string ("origin", NULL, NULL, NULL, rw);
  properties[PROP_KEY_TYPE] = g_param_spec_string ("key-type", NULL, NULL, NULL, ro);
  properties[PROP_BITS] = g_param_spec_uint ("bits", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_TYPE_LABEL] = g_param_spec_string ("type-label", NULL, NULL, NULL, ro);
  properties[PROP_FINGERPRINT] = g_param_spec_string ("fingerprint", NULL, NULL, NULL, ro);
  properties[PROP_PUBLIC_LINE] = g_param_spec_string ("public-line", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
jg_key_init (JgKey *self)
{
}

JgKey *
jg_key_new_from_blob (GBytes      *blob,
                      const char  *comment,
                      GError     **error)
{
  g_autofree char *key_type = NULL;
  JgKey *self;
  guint bits = 0;

  g_return_val_if_fail (blob != NULL, NULL);

  if (!parse_blob (blob, &key_type, &bits))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("This is not an SSH public key."));
      return NULL;
    }

  self = g_object_new (JG_TYPE_KEY, NULL);
  self->blob = g_bytes_ref (blob);
  self->key_type = g_steal_pointer (&key_type);
  self->bits = bits;
  self->type_label = make_type_label (self->key_type, bits);
  self->fingerprint = jg_key_fingerprint_of_blob (blob);
  jg_key_set_comment (self, comment);
  return self;
}

static gboolean
is_base64 (const char *text)
{
  if (text[0] == '\0')
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/' && *p != '=')
        return FALSE;
    }
  return TRUE;
}

JgKey *
jg_key_new_from_public_line (const char  *line,
                             GError     **error)
{
  g_autofree char *copy = NULL;
  g_autoptr(GBytes) blob = NULL;
  g_autoptr(JgKey) key = NULL;
  g_auto(GStrv) fields = NULL;
  const char *comment = NULL;
  guchar *decoded;
  gsize length = 0;

  g_return_val_if_fail (line != NULL, NULL);

  copy = g_strstrip (g_strdup (line));
  fields = g_regex_split_simple ("[ \t]+", copy, 0, 0);
  if (g_strv_length (fields) < 2 || !is_base64 (fields[1]))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("This is not an SSH public key line (“type AAAA… comment”)."));
      return NULL;
    }

  decoded = g_base64_decode (fields[1], &length);
  blob = g_bytes_new_take (decoded, length);
  if (g_strv_length (fields) > 2)
    {
      /* The comment is the rest of the line, inner spaces kept. */
      comment = strstr (copy, fields[1]) + strlen (fields[1]);
      while (*comment == ' ' || *comment == '\t')
        comment++;
    }

  key = jg_key_new_from_blob (blob, comment, error);
  if (key == NULL)
    return NULL;
  if (!g_str_equal (key->key_type, fields[0]))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The key says it is “%s” but holds a “%s” key."), fields[0], key->key_type);
      return NULL;
    }
  return g_steal_pointer (&key);
}

/* ---- accessors --------------------------------------------------------- */

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

const char *
jg_key_get_id (JgKey *self)
{
  g_return_val_if_fail (JG_IS_KEY (self), NULL);
  return self->id;
}

void
jg_key_set_id (JgKey      *self,
               const char *id)
{
  g_return_if_fail (JG_IS_KEY (self));
  if (set_string (&self->id, id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

const char *
jg_key_get_name (JgKey *self)
{
  g_return_val_if_fail (JG_IS_KEY (self), NULL);
  return self->name;
}

void
jg_key_set_name (JgKey      *self,
                 const char *name)
{
  g_return_if_fail (JG_IS_KEY (self));
  if (set_string (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

const char *
jg_key_get_comment (JgKey *self)
{
  g_return_val_if_fail (JG_IS_KEY (self), NULL);
  return self->comment;
}

void
jg_key_set_comment (JgKey      *self,
                    const char *comment)
{
  g_autofree char *clean = NULL;

  g_return_if_fail (JG_IS_KEY (self));

  /* The comment ends the one line of the public key: no line breaks. */
  if (comment != NULL)
    {
      clean = g_strstrip (g_strdelimit (g_strdup (comment), "\r\n\t", ' '));
      if (clean[0] == '\0')
        g_clear_pointer (&clean, g_free);
    }
  if (!set_string (&self->comment, clean))
    return;
  g_clear_pointer (&self->public_line, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMMENT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PUBLIC_LINE]);
}

GDateTime *
jg_key_get_created (JgKey *self)
{
  g_return_val_if_fail (JG_IS_KEY (self), NULL);
  return self->created;
}

void
jg_key_set_created (JgKey     *self,
                    GDateTime *created)
{
  g_return_if_fail (JG_IS_KEY (self));

  if (self->created == created ||
      (self->created != NULL && created != NULL && g_date_time_equal (self->created, created)))
    return;
  g_clear_pointer (&self->created, g_date_time_unref);
  self->created = created != NULL ? g_date_time_ref (created) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED]);
}

JgKeySource
jg_key_get_source (JgKey *self)
{
  g_return_val_if_fail (JG_IS_KEY (self), JG_KEY_SOURCE_GENERATED);
  return self->source;
}

void
jg_key_set_source (JgKey       *self,
                   JgKeySource  source)
{
  g_return_if_fail (JG_IS_KEY (self));
  g_return_if_fail (source <= JG_KEY_SOURCE_AGENT);

  if (self->source == source)
    return;
  self->source = source;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOURCE]);
}

const char *
jg_key_get_origin (JgKey *self)
{
  g_return_val_if_fail (JG_IS_KEY (self), NULL);
  return self->origin;
}

void
jg_key_set_origin (JgKey      *self,
                   const char *origin)
{
  g_return_if_fail (JG_IS_KEY (self));
  if (set_string (&self->origin, origin))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ORIGIN]);
}

const char *
jg_key_get_key_type (JgKey *self)
{
  g_return_val_if_fail (JG_IS_KEY (self), NULL);
  return self->key_type;
}

guint
jg_key_get_bits (JgKey *self)
{
  g_return_val_if_fail (JG_IS_KEY (self), 0);
  return self->bits;
}

const char *
jg_key_get_type_label (JgKey *self)
{
  g_return_val_if_fail (JG_IS_KEY (self), NULL);
  return self->type_label;
}

const char *
jg_key_get_fingerprint (JgKey *self)
{
  g_return_val_if_fail (JG_IS_KEY (self), NULL);
  return self->fingerprint;
}

GBytes *
jg_key_get_blob (JgKey *self)
{
  g_return_val_if_fail (JG_IS_KEY (self), NULL);
  return self->blob;
}

char *
jg_key_dup_public_base (JgKey *self)
{
  g_autofree char *base64 = NULL;

  g_return_val_if_fail (JG_IS_KEY (self), NULL);

  base64 = g_base64_encode (g_bytes_get_data (self->blob, NULL), g_bytes_get_size (self->blob));
  return g_strconcat (self->key_type, " ", base64, NULL);
}

const char *
jg_key_get_public_line (JgKey *self)
{
  g_return_val_if_fail (JG_IS_KEY (self), NULL);

  if (self->public_line == NULL)
    {
      g_autofree char *base = jg_key_dup_public_base (self);

      self->public_line = self->comment != NULL ? g_strconcat (base, " ", self->comment, NULL)
                                                : g_steal_pointer (&base);
    }
  return self->public_line;
}

char *
jg_key_dup_public_line (JgKey *self)
{
  g_return_val_if_fail (JG_IS_KEY (self), NULL);
  return g_strdup (jg_key_get_public_line (self));
}

gboolean
jg_key_equal_public (JgKey *self,
                     JgKey *other)
{
  g_return_val_if_fail (JG_IS_KEY (self), FALSE);
  g_return_val_if_fail (JG_IS_KEY (other), FALSE);
  return g_bytes_equal (self->blob, other->blob);
}

gboolean
jg_key_export_public (JgKey       *self,
                      const char  *path,
                      GError     **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (JG_IS_KEY (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  data = g_strconcat (jg_key_get_public_line (self), "\n", NULL);
  if (!jg_file_replace_atomically (path, data, strlen (data), 0644, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("Could not save the public key to %s: %s"), path, local_error->message);
      return FALSE;
    }
  return TRUE;
}
