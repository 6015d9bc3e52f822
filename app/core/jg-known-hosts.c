/* jg-known-hosts.c — OpenSSH known_hosts files: look up, check, append
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

#include "jg-known-hosts.h"

#define SALT_LEN 20

typedef struct
{
  gboolean    revoked;
  gboolean    cert_authority;
  const char *hosts;
  gsize       hosts_len;
  const char *type;
  gsize       type_len;
  const char *key;
  gsize       key_len;
} Entry;

void
jg_known_host_match_clear (JgKnownHostMatch *match)
{
  if (match == NULL)
    return;
  g_clear_pointer (&match->file, g_free);
  g_clear_pointer (&match->old_key_type, g_free);
  g_clear_pointer (&match->old_fingerprint, g_free);
  memset (match, 0, sizeof *match);
}

char *
jg_known_hosts_lookup_name (const char *host,
                            guint       port)
{
  g_return_val_if_fail (host != NULL, NULL);

  if (port == 0 || port == 22)
    return g_ascii_strdown (host, -1);
  else
    {
      g_autofree char *lower = g_ascii_strdown (host, -1);
      return g_strdup_printf ("[%s]:%u", lower, port);
    }
}

char *
jg_known_hosts_default_file (void)
{
  return g_build_filename (g_get_home_dir (), ".ssh", "known_hosts", NULL);
}

static guint8 *
decode_base64 (const char *text,
               gsize       len,
               gsize      *out_len)
{
  g_autofree char *copy = g_strndup (text, len);
  gsize i;

  *out_len = 0;
  if (len == 0)
    return NULL;
  for (i = 0; i < len; i++)
    if (!g_ascii_isalnum (copy[i]) && copy[i] != '+' && copy[i] != '/' && copy[i] != '=')
      return NULL;
  return g_base64_decode_inplace (copy, out_len) != NULL
         ? g_memdup2 (copy, *out_len) : NULL;
}

char *
jg_known_hosts_fingerprint (const char *key_base64)
{
  g_autofree guint8 *blob = NULL;
  g_autoptr(GChecksum) sum = NULL;
  guint8 digest[32];
  gsize blob_len = 0;
  gsize digest_len = sizeof digest;
  g_autofree char *b64 = NULL;
  char *end;

  g_return_val_if_fail (key_base64 != NULL, NULL);

  blob = decode_base64 (key_base64, strlen (key_base64), &blob_len);
  if (blob == NULL || blob_len == 0)
    return NULL;
  sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (sum, blob, blob_len);
  g_checksum_get_digest (sum, digest, &digest_len);
  b64 = g_base64_encode (digest, digest_len);
  end = strchr (b64, '=');
  if (end != NULL)
    *end = '\0';
  return g_strconcat ("SHA256:", b64, NULL);
}

char *
jg_known_hosts_hash_name (const char   *name,
                          const guint8 *salt)
{
  guint8 random_salt[SALT_LEN];
  g_autoptr(GHmac) hmac = NULL;
  guint8 digest[20];
  gsize digest_len = sizeof digest;
  g_autofree char *salt64 = NULL;
  g_autofree char *hash64 = NULL;

  g_return_val_if_fail (name != NULL, NULL);

  if (salt == NULL)
    {
      for (guint i = 0; i < SALT_LEN; i += 4)
        {
          guint32 r = g_random_int ();
          memcpy (random_salt + i, &r, 4);
        }
      salt = random_salt;
    }
  hmac = g_hmac_new (G_CHECKSUM_SHA1, salt, SALT_LEN);
  g_hmac_update (hmac, (const guchar *) name, strlen (name));
  g_hmac_get_digest (hmac, digest, &digest_len);
  salt64 = g_base64_encode (salt, SALT_LEN);
  hash64 = g_base64_encode (digest, digest_len);
  return g_strdup_printf ("|1|%s|%s", salt64, hash64);
}

/* ssh's match_pattern(): `*` and `?`, on lower-cased text. */
static gboolean
match_pattern (const char *s,
               const char *p,
               const char *p_end)
{
  for (;;)
    {
      if (p == p_end)
        return *s == '\0';
      if (*p == '*')
        {
          p++;
          if (p == p_end)
            return TRUE;
          for (; *s != '\0'; s++)
            if (match_pattern (s, p, p_end))
              return TRUE;
          return FALSE;
        }
      if (*s == '\0')
        return FALSE;
      if (*p != '?' && g_ascii_tolower (*p) != *s)
        return FALSE;
      s++;
      p++;
    }
}

static gboolean
match_hashed (const char *name,
              const char *field,
              gsize       len)
{
  g_autofree char *copy = g_strndup (field, len);
  g_autofree guint8 *salt = NULL;
  g_autofree guint8 *hash = NULL;
  g_autoptr(GHmac) hmac = NULL;
  guint8 digest[20];
  gsize digest_len = sizeof digest;
  gsize salt_len, hash_len;
  char *bar;

  /* copy: "|1|salt|hash" */
  bar = strchr (copy + 3, '|');
  if (bar == NULL)
    return FALSE;
  salt = decode_base64 (copy + 3, bar - (copy + 3), &salt_len);
  hash = decode_base64 (bar + 1, strlen (bar + 1), &hash_len);
  if (salt == NULL || hash == NULL || hash_len != sizeof digest)
    return FALSE;
  hmac = g_hmac_new (G_CHECKSUM_SHA1, salt, salt_len);
  g_hmac_update (hmac, (const guchar *) name, strlen (name));
  g_hmac_get_digest (hmac, digest, &digest_len);
  return memcmp (digest, hash, sizeof digest) == 0;
}

/* Whether the host field of a line matches @name (lower case). */
static gboolean
hosts_match (const char *hosts,
             gsize       len,
             const char *name)
{
  const char *end = hosts + len;
  const char *p = hosts;
  gboolean matched = FALSE;

  if (len > 3 && strncmp (hosts, "|1|", 3) == 0)
    return match_hashed (name, hosts, len);

  while (p < end)
    {
      const char *comma = memchr (p, ',', end - p);
      const char *item_end = comma != NULL ? comma : end;
      gboolean negated = FALSE;

      if (p < item_end && *p == '!')
        {
          negated = TRUE;
          p++;
        }
      if (p < item_end && match_pattern (name, p, item_end))
        {
          if (negated)
            return FALSE;
          matched = TRUE;
        }
      p = comma != NULL ? comma + 1 : end;
    }
  return matched;
}

static const char *
next_field (const char  *p,
            const char  *end,
            const char **field,
            gsize       *len)
{
  while (p < end && (*p == ' ' || *p == '\t'))
    p++;
  *field = p;
  while (p < end && *p != ' ' && *p != '\t')
    p++;
  *len = p - *field;
  return p;
}

static gboolean
parse_line (const char *line,
            const char *end,
            Entry      *entry)
{
  const char *p = line;
  const char *field;
  gsize len;

  memset (entry, 0, sizeof *entry);
  while (p < end && (*p == ' ' || *p == '\t'))
    p++;
  if (p == end || *p == '#')
    return FALSE;

  p = next_field (p, end, &field, &len);
  if (len > 0 && field[0] == '@')
    {
      if (len == 8 && strncmp (field, "@revoked", 8) == 0)
        entry->revoked = TRUE;
      else if (len == 15 && strncmp (field, "@cert-authority", 15) == 0)
        entry->cert_authority = TRUE;
      else
        return FALSE;
      p = next_field (p, end, &field, &len);
    }
  entry->hosts = field;
  entry->hosts_len = len;
  p = next_field (p, end, &entry->type, &entry->type_len);
  next_field (p, end, &entry->key, &entry->key_len);
  return entry->hosts_len > 0 && entry->type_len > 0 && entry->key_len > 0;
}

static gboolean
blob_equal (const char *a,
            gsize       a_len,
            const guint8 *blob,
            gsize       blob_len)
{
  g_autofree guint8 *decoded = NULL;
  gsize decoded_len;

  decoded = decode_base64 (a, a_len, &decoded_len);
  return decoded != NULL && decoded_len == blob_len && memcmp (decoded, blob, blob_len) == 0;
}

typedef gboolean (*EntryFunc) (const Entry *entry,
                               const char  *file,
                               guint        line,
                               gpointer     user_data);

/* Calls @func for each entry matching @name; stops when it returns FALSE.
 * Returns FALSE with @error if a file exists but cannot be read. */
static gboolean
foreach_entry (const char * const *files,
               const char         *name,
               EntryFunc           func,
               gpointer            user_data,
               GError            **error)
{
  g_autofree char *default_file = NULL;
  const char *fallback[2] = { NULL, NULL };

  if (files == NULL)
    {
      default_file = jg_known_hosts_default_file ();
      fallback[0] = default_file;
      files = fallback;
    }

  for (guint i = 0; files[i] != NULL; i++)
    {
      g_autofree char *contents = NULL;
      g_autoptr(GError) local_error = NULL;
      gsize length = 0;
      const char *p, *end;
      guint line = 0;

      if (!g_file_get_contents (files[i], &contents, &length, &local_error))
        {
          if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            continue;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      p = contents;
      end = contents + length;
      while (p < end)
        {
          const char *nl = memchr (p, '\n', end - p);
          const char *line_end = nl != NULL ? nl : end;
          Entry entry;

          line++;
          if (line_end > p && line_end[-1] == '\r')
            line_end--;
          if (parse_line (p, line_end, &entry) && !entry.cert_authority &&
              hosts_match (entry.hosts, entry.hosts_len, name))
            {
              if (!func (&entry, files[i], line, user_data))
                return TRUE;
            }
          p = nl != NULL ? nl + 1 : end;
        }
    }
  return TRUE;
}

typedef struct
{
  const char       *key_type;
  const guint8     *blob;
  gsize             blob_len;
  JgKnownHostMatch  found;       /* OK or REVOKED */
  JgKnownHostMatch  changed;     /* first entry of the type with another key */
  gboolean          other_types;
} CheckData;

static gboolean
check_entry (const Entry *entry,
             const char  *file,
             guint        line,
             gpointer     user_data)
{
  CheckData *data = user_data;
  gboolean same_type = strlen (data->key_type) == entry->type_len &&
                       strncmp (data->key_type, entry->type, entry->type_len) == 0;
  gboolean same_key = blob_equal (entry->key, entry->key_len, data->blob, data->blob_len);

  if (same_key && entry->revoked)
    {
      jg_known_host_match_clear (&data->found);
      data->found.status = JG_KNOWN_HOST_REVOKED;
      data->found.file = g_strdup (file);
      data->found.line = line;
      return FALSE;
    }
  if (entry->revoked)
    return TRUE;
  if (same_key)
    {
      if (data->found.status != JG_KNOWN_HOST_OK)
        {
          data->found.status = JG_KNOWN_HOST_OK;
          data->found.file = g_strdup (file);
          data->found.line = line;
        }
      /* keep scanning: a later @revoked line still wins */
      return TRUE;
    }
  if (same_type)
    {
      if (data->changed.status != JG_KNOWN_HOST_CHANGED)
        {
          g_autofree char *key = g_strndup (entry->key, entry->key_len);

          data->changed.status = JG_KNOWN_HOST_CHANGED;
          data->changed.file = g_strdup (file);
          data->changed.line = line;
          data->changed.old_key_type = g_strndup (entry->type, entry->type_len);
          data->changed.old_fingerprint = jg_known_hosts_fingerprint (key);
          if (data->changed.old_fingerprint == NULL)
            data->changed.old_fingerprint = g_strdup (_("(unreadable key)"));
        }
      return TRUE;
    }
  data->other_types = TRUE;
  return TRUE;
}

JgKnownHostStatus
jg_known_hosts_check (const char * const *files,
                      const char         *host,
                      guint               port,
                      const char         *key_type,
                      const char         *key_base64,
                      JgKnownHostMatch   *match,
                      GError            **error)
{
  g_autofree char *name = NULL;
  g_autofree guint8 *blob = NULL;
  CheckData data = { 0 };
  JgKnownHostMatch result = { 0 };
  JgKnownHostStatus status;

  g_return_val_if_fail (host != NULL, JG_KNOWN_HOST_UNKNOWN);
  g_return_val_if_fail (key_type != NULL, JG_KNOWN_HOST_UNKNOWN);
  g_return_val_if_fail (key_base64 != NULL, JG_KNOWN_HOST_UNKNOWN);

  name = jg_known_hosts_lookup_name (host, port);
  blob = decode_base64 (key_base64, strlen (key_base64), &data.blob_len);
  data.blob = blob;
  data.key_type = key_type;

  if (blob == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The server’s host key could not be read"));
      return JG_KNOWN_HOST_UNKNOWN;
    }

  if (!foreach_entry (files, name, check_entry, &data, error))
    {
      jg_known_host_match_clear (&data.found);
      jg_known_host_match_clear (&data.changed);
      return JG_KNOWN_HOST_UNKNOWN;
    }

  if (data.found.status != JG_KNOWN_HOST_UNKNOWN)
    {
      result = data.found;
      jg_known_host_match_clear (&data.changed);
    }
  else if (data.changed.status == JG_KNOWN_HOST_CHANGED)
    result = data.changed;
  else
    result.other_types_known = data.other_types;

  status = result.status;
  if (match != NULL)
    *match = result;
  else
    jg_known_host_match_clear (&result);
  return status;
}

static gboolean
collect_type (const Entry *entry,
              const char  *file,
              guint        line,
              gpointer     user_data)
{
  GPtrArray *types = user_data;
  g_autofree char *type = NULL;

  if (entry->revoked)
    return TRUE;
  type = g_strndup (entry->type, entry->type_len);
  for (guint i = 0; i < types->len; i++)
    if (g_str_equal (g_ptr_array_index (types, i), type))
      return TRUE;
  g_ptr_array_add (types, g_steal_pointer (&type));
  return TRUE;
}

GStrv
jg_known_hosts_get_key_types (const char * const *files,
                              const char         *host,
                              guint               port)
{
  g_autoptr(GPtrArray) types = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *name = NULL;

  g_return_val_if_fail (host != NULL, NULL);

  name = jg_known_hosts_lookup_name (host, port);
  foreach_entry (files, name, collect_type, types, NULL);
  g_ptr_array_add (types, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&types), FALSE);
}

gboolean
jg_known_hosts_file_hashes (const char *file)
{
  g_autofree char *contents = NULL;
  const char *p;

  g_return_val_if_fail (file != NULL, FALSE);

  if (!g_file_get_contents (file, &contents, NULL, NULL))
    return FALSE;
  for (p = contents; p != NULL && *p != '\0';)
    {
      while (*p == ' ' || *p == '\t')
        p++;
      if (g_str_has_prefix (p, "|1|"))
        return TRUE;
      p = strchr (p, '\n');
      if (p != NULL)
        p++;
    }
  return FALSE;
}

gboolean
jg_known_hosts_append (const char  *file,
                       const char  *host,
                       guint        port,
                       const char  *key_type,
                       const char  *key_base64,
                       GError     **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *name = NULL;
  g_autofree char *line = NULL;
  gboolean needs_newline = FALSE;
  struct stat st;
  gsize written = 0;
  gsize len;
  int fd;

  g_return_val_if_fail (file != NULL, FALSE);
  g_return_val_if_fail (host != NULL, FALSE);
  g_return_val_if_fail (key_type != NULL && key_base64 != NULL, FALSE);

  dir = g_path_get_dirname (file);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create the folder %s: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  name = jg_known_hosts_lookup_name (host, port);
  if (jg_known_hosts_file_hashes (file))
    {
      char *hashed = jg_known_hosts_hash_name (name, NULL);
      g_free (name);
      name = hashed;
    }

  fd = g_open (file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not open %s to add the host key: %s"), file, g_strerror (saved_errno));
      return FALSE;
    }

  if (fstat (fd, &st) == 0 && st.st_size > 0)
    {
      int rfd = g_open (file, O_RDONLY | O_CLOEXEC, 0);
      char last = '\n';

      if (rfd >= 0)
        {
          if (pread (rfd, &last, 1, st.st_size - 1) == 1 && last != '\n')
            needs_newline = TRUE;
          close (rfd);
        }
    }

  line = g_strdup_printf ("%s%s %s %s\n", needs_newline ? "\n" : "", name, key_type, key_base64);
  len = strlen (line);
  while (written < len)
    {
      gssize n = write (fd, line + written, len - written);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved_errno = errno;
          close (fd);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not add the host key to %s: %s"), file, g_strerror (saved_errno));
          return FALSE;
        }
      written += n;
    }
  if (close (fd) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not add the host key to %s: %s"), file, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}
