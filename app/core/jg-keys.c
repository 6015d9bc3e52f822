/* jg-keys.c — generate, import, delete and use the keys Jumpgate holds
 *
 * Order of the steps, so that a failure leaves nothing half done: the
 * private key goes into the keyring first, then the JgKey into the list and
 * keys.json; when saving fails the key leaves the list again and its secret
 * is cleared. Deleting clears the keyring first: a keyring that cannot be
 * reached leaves the key as it was.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixinputstream.h>
#include <glib/gi18n-lib.h>
#include <glib-unix.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jg-keys.h"
#include "jg-secrets.h"

/* Private key files are small; a large file is not one. */
#define MAX_KEY_FILE_SIZE (1024 * 1024)
/* What the install command may print, at the most. */
#define MAX_INSTALL_OUTPUT (64 * 1024)

G_DEFINE_QUARK (jg-keys-error-quark, jg_keys_error)

/* ---- secret buffers ---------------------------------------------------- */

/* For text libssh allocated. */
static void
wipe_ssh_text (char *text)
{
  if (text == NULL)
    return;
  explicit_bzero (text, strlen (text));
  ssh_string_free_char (text);
}

static void
wipe_buffer (char  *data,
             gsize  length)
{
  if (data == NULL)
    return;
  explicit_bzero (data, length);
  g_free (data);
}

static void
wipe_string (char *text)
{
  if (text != NULL)
    wipe_buffer (text, strlen (text));
}

/* ---- keys -------------------------------------------------------------- */

static JgKey *
key_from_ssh_key (ssh_key      key,
                  const char  *comment,
                  GError     **error)
{
  g_autoptr(GBytes) blob = NULL;
  char *base64 = NULL;
  guchar *decoded;
  gsize length = 0;

  if (ssh_pki_export_pubkey_base64 (key, &base64) != SSH_OK)
    {
      g_set_error_literal (error, JG_KEYS_ERROR, JG_KEYS_ERROR_FAILED,
                           _("Could not read the public part of the key."));
      return NULL;
    }
  decoded = g_base64_decode (base64, &length);
  ssh_string_free_char (base64);
  blob = g_bytes_new_take (decoded, length);
  return jg_key_new_from_blob (blob, comment, error);
}

/* Stores @key's private part under @jgkey's id. */
static gboolean
store_private_key (ssh_key        key,
                   JgKey         *jgkey,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autofree char *label = NULL;
  char *text = NULL;
  gboolean ok;

  if (ssh_pki_export_privkey_base64 (key, NULL, NULL, NULL, &text) != SSH_OK)
    {
      g_set_error_literal (error, JG_KEYS_ERROR, JG_KEYS_ERROR_FAILED,
                           _("Could not export the private key for the keyring."));
      return FALSE;
    }
  label = jg_secrets_make_label (JG_SECRET_PRIVATE_KEY, jg_key_get_name (jgkey),
                                 jg_key_get_fingerprint (jgkey));
  ok = jg_secrets_store_sync (jg_key_get_id (jgkey), JG_SECRET_PRIVATE_KEY, label, text,
                              cancellable, error);
  wipe_ssh_text (text);
  return ok;
}

typedef struct
{
  JgKeyType   type;
  char       *name;
  char       *comment;
  char       *path;
  char       *passphrase;
  GHashTable *known;        /* fingerprint → name of the keys held already */
} KeyJob;

static void
key_job_free (KeyJob *job)
{
  g_free (job->name);
  g_free (job->comment);
  g_free (job->path);
  wipe_string (job->passphrase);
  g_clear_pointer (&job->known, g_hash_table_unref);
  g_free (job);
}

/* Runs on the caller's thread once the worker is done: add and save. */
static void
on_key_job_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  JgKeyList *list = JG_KEY_LIST (source);
  g_autoptr(GTask) task = user_data;
  g_autoptr(JgKey) key = NULL;
  GError *error = NULL;
  JgKey *existing;

  key = g_task_propagate_pointer (G_TASK (result), &error);
  if (key == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  existing = jg_key_list_find_equal (list, key);
  if (existing != NULL)
    {
      /* Added meanwhile (two imports of one file): keep the first. */
      jg_secrets_clear_owner_async (jg_key_get_id (key), NULL, NULL, NULL);
      g_task_return_new_error (task, JG_KEYS_ERROR, JG_KEYS_ERROR_EXISTS,
                               _("Jumpgate already holds this key, as “%s”."),
                               jg_key_get_name (existing));
      return;
    }

  jg_key_list_add (list, key);
  if (!jg_key_list_save (list, &error))
    {
      jg_key_list_remove (list, key);
      jg_secrets_clear_owner_async (jg_key_get_id (key), NULL, NULL, NULL);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&key), g_object_unref);
}

static void
run_key_job (JgKeyList           *list,
             KeyJob              *job,
             GTaskThreadFunc      thread_func,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autoptr(GTask) worker = NULL;
  GTask *task;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));

  job->known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JgKey) key = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_hash_table_replace (job->known, g_strdup (jg_key_get_fingerprint (key)),
                            g_strdup (jg_key_get_name (key)));
    }

  task = g_task_new (list, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  worker = g_task_new (list, cancellable, on_key_job_done, task);
  g_task_set_source_tag (worker, source_tag);
  g_task_set_task_data (worker, job, (GDestroyNotify) key_job_free);
  g_task_run_in_thread (worker, thread_func);
}

static JgKey *
key_job_finish (JgKeyList     *list,
                GAsyncResult  *result,
                gpointer       source_tag,
                GError       **error)
{
  g_return_val_if_fail (JG_IS_KEY_LIST (list), NULL);
  g_return_val_if_fail (g_task_is_valid (result, list), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
set_new_key_fields (JgKey       *key,
                    const char  *name,
                    JgKeySource  source)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  jg_key_set_id (key, id);
  jg_key_set_name (key, name);
  jg_key_set_created (key, now);
  jg_key_set_source (key, source);
}

/* ---- generate ---------------------------------------------------------- */

static void
generate_thread (GTask        *task,
                 gpointer      source,
                 gpointer      data,
                 GCancellable *cancellable)
{
  KeyJob *job = data;
  g_autoptr(JgKey) jgkey = NULL;
  ssh_key key = NULL;
  GError *error = NULL;
  int rc;

  if (job->type == JG_KEY_TYPE_RSA)
    rc = ssh_pki_generate (SSH_KEYTYPE_RSA, 4096, &key);
  else
    rc = ssh_pki_generate (SSH_KEYTYPE_ED25519, 0, &key);
  if (rc != SSH_OK)
    {
      g_task_return_new_error (task, JG_KEYS_ERROR, JG_KEYS_ERROR_FAILED,
                               _("Could not generate the key."));
      return;
    }

  jgkey = key_from_ssh_key (key, job->comment, &error);
  if (jgkey != NULL)
    {
      set_new_key_fields (jgkey, job->name, JG_KEY_SOURCE_GENERATED);
      if (!g_task_return_error_if_cancelled (task) &&
          store_private_key (key, jgkey, cancellable, &error))
        g_task_return_pointer (task, g_steal_pointer (&jgkey), g_object_unref);
    }
  ssh_key_free (key);
  if (error != NULL)
    g_task_return_error (task, error);
}

void
jg_keys_generate_async (JgKeyList           *list,
                        JgKeyType            type,
                        const char          *name,
                        const char          *comment,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  KeyJob *job;

  g_return_if_fail (JG_IS_KEY_LIST (list));
  g_return_if_fail (type == JG_KEY_TYPE_ED25519 || type == JG_KEY_TYPE_RSA);
  g_return_if_fail (name != NULL && name[0] != '\0');

  job = g_new0 (KeyJob, 1);
  job->type = type;
  job->name = g_strdup (name);
  job->comment = g_strdup (comment);
  run_key_job (list, job, generate_thread, jg_keys_generate_async, cancellable, callback,
               user_data);
}

JgKey *
jg_keys_generate_finish (JgKeyList     *list,
                         GAsyncResult  *result,
                         GError       **error)
{
  return key_job_finish (list, result, jg_keys_generate_async, error);
}

/* ---- import ------------------------------------------------------------ */

/* Reads a small file in one buffer, so no stray copies of it are left in
 * freed memory; wipe it with wipe_buffer (…, *length + 1). */
static char *
read_key_file (const char  *path,
               gsize       *length,
               GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);
  struct stat st;
  char *data;
  gsize done = 0;
  int fd;

  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0 || fstat (fd, &st) != 0)
    {
      int saved_errno = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not read %s: %s"), display, g_strerror (saved_errno));
      return NULL;
    }
  if (!S_ISREG (st.st_mode) || st.st_size > MAX_KEY_FILE_SIZE)
    {
      close (fd);
      g_set_error (error, JG_KEYS_ERROR, JG_KEYS_ERROR_NOT_A_KEY,
                   _("%s is not a private key file."), display);
      return NULL;
    }

  data = g_malloc (st.st_size + 1);
  while (done < (gsize) st.st_size)
    {
      gssize n = read (fd, data + done, st.st_size - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += n;
    }
  close (fd);
  data[done] = '\0';
  *length = done;
  return data;
}

typedef struct
{
  const char *passphrase;
  gboolean    asked;
} AuthData;

/* libssh asks for the passphrase only when the key is encrypted: that is
 * how a missing passphrase is told from a file that is not a key. */
static int
on_auth (const char *prompt,
         char       *buf,
         size_t      len,
         int         echo,
         int         verify,
         void       *userdata)
{
  AuthData *auth = userdata;
  size_t n;

  auth->asked = TRUE;
  if (auth->passphrase == NULL)
    return -1;
  n = strlen (auth->passphrase);
  if (n >= len)
    return -1;
  memcpy (buf, auth->passphrase, n + 1);
  return 0;
}

static gboolean
looks_like_public_key (const char *data)
{
  while (g_ascii_isspace (*data))
    data++;
  return g_str_has_prefix (data, "ssh-") || g_str_has_prefix (data, "ecdsa-") ||
         g_str_has_prefix (data, "sk-") || g_str_has_prefix (data, "---- BEGIN SSH2 PUBLIC KEY");
}

/* The comment of "@path.pub" when it holds the same key. */
static char *
comment_from_pub_file (const char *path,
                       JgKey      *key)
{
  g_autofree char *pub_path = g_strconcat (path, ".pub", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(JgKey) pub = NULL;

  if (!g_file_get_contents (pub_path, &contents, NULL, NULL))
    return NULL;
  pub = jg_key_new_from_public_line (contents, NULL);
  if (pub == NULL || !jg_key_equal_public (pub, key))
    return NULL;
  return g_strdup (jg_key_get_comment (pub));
}

static void
import_thread (GTask        *task,
               gpointer      source,
               gpointer      data,
               GCancellable *cancellable)
{
  KeyJob *job = data;
  g_autofree char *display = g_filename_display_name (job->path);
  g_autofree char *comment = NULL;
  g_autoptr(JgKey) jgkey = NULL;
  AuthData auth = { job->passphrase, FALSE };
  ssh_key key = NULL;
  GError *error = NULL;
  const char *existing;
  char *contents;
  gsize length = 0;
  int rc;

  contents = read_key_file (job->path, &length, &error);
  if (contents == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (looks_like_public_key (contents))
    {
      wipe_buffer (contents, length + 1);
      g_task_return_new_error (task, JG_KEYS_ERROR, JG_KEYS_ERROR_NOT_A_KEY,
                               _("%s is a public key. Choose the private key: the file of the same name without “.pub”."),
                               display);
      return;
    }

  rc = ssh_pki_import_privkey_base64 (contents, NULL, on_auth, &auth, &key);
  wipe_buffer (contents, length + 1);
  if (rc != SSH_OK)
    {
      if (auth.asked && job->passphrase == NULL)
        g_task_return_new_error (task, JG_KEYS_ERROR, JG_KEYS_ERROR_PASSPHRASE_NEEDED,
                                 _("%s is protected by a passphrase: enter it to import the key."),
                                 display);
      else if (auth.asked)
        g_task_return_new_error (task, JG_KEYS_ERROR, JG_KEYS_ERROR_BAD_PASSPHRASE,
                                 _("The passphrase does not open %s. Check it and try again."),
                                 display);
      else
        g_task_return_new_error (task, JG_KEYS_ERROR, JG_KEYS_ERROR_NOT_A_KEY,
                                 _("%s is not a private key Jumpgate can read (OpenSSH or PEM format)."),
                                 display);
      return;
    }

  jgkey = key_from_ssh_key (key, NULL, &error);
  if (jgkey == NULL)
    goto out;

  existing = g_hash_table_lookup (job->known, jg_key_get_fingerprint (jgkey));
  if (existing != NULL)
    {
      g_set_error (&error, JG_KEYS_ERROR, JG_KEYS_ERROR_EXISTS,
                   _("Jumpgate already holds this key, as “%s”."), existing);
      goto out;
    }

  comment = comment_from_pub_file (job->path, jgkey);
  jg_key_set_comment (jgkey, comment);
  if (job->name == NULL)
    job->name = g_path_get_basename (job->path);
  set_new_key_fields (jgkey, job->name, JG_KEY_SOURCE_IMPORTED);
  jg_key_set_origin (jgkey, job->path);

  if (!g_task_return_error_if_cancelled (task) &&
      store_private_key (key, jgkey, cancellable, &error))
    g_task_return_pointer (task, g_steal_pointer (&jgkey), g_object_unref);

out:
  ssh_key_free (key);
  if (error != NULL)
    g_task_return_error (task, error);
}

void
jg_keys_import_async (JgKeyList           *list,
                      const char          *path,
                      const char          *passphrase,
                      const char          *name,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  KeyJob *job;

  g_return_if_fail (JG_IS_KEY_LIST (list));
  g_return_if_fail (path != NULL);

  job = g_new0 (KeyJob, 1);
  job->path = g_strdup (path);
  job->passphrase = g_strdup (passphrase);
  job->name = name != NULL && name[0] != '\0' ? g_strdup (name) : NULL;
  run_key_job (list, job, import_thread, jg_keys_import_async, cancellable, callback, user_data);
}

JgKey *
jg_keys_import_finish (JgKeyList     *list,
                       GAsyncResult  *result,
                       GError       **error)
{
  return key_job_finish (list, result, jg_keys_import_async, error);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

GStrv
jg_keys_dup_default_files (void)
{
  g_autofree char *dir_path = g_build_filename (g_get_home_dir (), ".ssh", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;

      if (!g_str_has_prefix (name, "id_") || g_str_has_suffix (name, ".pub"))
        continue;
      path = g_build_filename (dir_path, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (files, g_steal_pointer (&path));
    }
  g_ptr_array_sort (files, compare_strings);
  g_ptr_array_add (files, NULL);
  return (GStrv) g_ptr_array_steal (files, NULL);
}

/* ---- delete, users ----------------------------------------------------- */

static void
on_delete_cleared (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JgKeyList *list = g_task_get_source_object (task);
  JgKey *key = g_task_get_task_data (task);
  GError *error = NULL;

  if (!jg_secrets_clear_owner_finish (result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  jg_key_list_remove (list, key);
  if (!jg_key_list_save (list, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
jg_keys_delete_async (JgKeyList           *list,
                      JgKey               *key,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (JG_IS_KEY_LIST (list));
  g_return_if_fail (JG_IS_KEY (key));
  g_return_if_fail (jg_key_get_id (key) != NULL);

  task = g_task_new (list, cancellable, callback, user_data);
  g_task_set_source_tag (task, jg_keys_delete_async);
  g_task_set_task_data (task, g_object_ref (key), g_object_unref);
  jg_secrets_clear_owner_async (jg_key_get_id (key), cancellable, on_delete_cleared, task);
}

gboolean
jg_keys_delete_finish (JgKeyList     *list,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (JG_IS_KEY_LIST (list), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, list), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == jg_keys_delete_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

GPtrArray *
jg_keys_find_users (JgInventory *inventory,
                    JgKey       *key)
{
  GPtrArray *users = g_ptr_array_new_with_free_func (g_object_unref);
  guint n;

  g_return_val_if_fail (JG_IS_INVENTORY (inventory), users);
  g_return_val_if_fail (JG_IS_KEY (key), users);

  if (jg_key_get_id (key) == NULL)
    return users;
  n = g_list_model_get_n_items (G_LIST_MODEL (inventory));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JgHost) host = g_list_model_get_item (G_LIST_MODEL (inventory), i);

      if (g_strcmp0 (jg_host_get_key_id (host), jg_key_get_id (key)) == 0)
        g_ptr_array_add (users, g_steal_pointer (&host));
    }
  return users;
}

void
jg_keys_use_key (JgHost *host,
                 JgKey  *key)
{
  g_return_if_fail (JG_IS_HOST (host));
  g_return_if_fail (JG_IS_KEY (key));
  g_return_if_fail (jg_key_get_id (key) != NULL);

  jg_host_set_key_id (host, jg_key_get_id (key));
  jg_host_set_auth (host, JG_AUTH_KEY);
}

/* ---- the private key, for connections ---------------------------------- */

ssh_key
jg_keys_load_private_sync (const char    *key_id,
                           const char    *name,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autoptr(JgSecret) text = NULL;
  GError *local_error = NULL;
  ssh_key key = NULL;

  g_return_val_if_fail (key_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (name == NULL)
    name = key_id;

  text = jg_secrets_lookup_sync (key_id, JG_SECRET_PRIVATE_KEY, cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (text == NULL)
    {
      g_set_error (error, JG_KEYS_ERROR, JG_KEYS_ERROR_NOT_FOUND,
                   _("The private key of “%s” is no longer in the keyring (was it removed in "
                     "Passwords and Keys?). Choose another key for this machine, or import the "
                     "key again."),
                   name);
      return NULL;
    }
  if (ssh_pki_import_privkey_base64 (text, NULL, NULL, NULL, &key) != SSH_OK)
    {
      g_set_error (error, JG_KEYS_ERROR, JG_KEYS_ERROR_FAILED,
                   _("The private key of “%s” in the keyring cannot be read. Import the key "
                     "again."),
                   name);
      return NULL;
    }
  return key;
}

typedef struct
{
  char *id;
  char *name;
} LoadJob;

static void
load_job_free (LoadJob *job)
{
  g_free (job->id);
  g_free (job->name);
  g_free (job);
}

static void
load_private_thread (GTask        *task,
                     gpointer      source,
                     gpointer      data,
                     GCancellable *cancellable)
{
  LoadJob *job = data;
  GError *error = NULL;
  ssh_key key = jg_keys_load_private_sync (job->id, job->name, cancellable, &error);

  if (key == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, key, (GDestroyNotify) ssh_key_free);
}

void
jg_keys_load_private_async (JgKey               *key,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadJob *job;

  g_return_if_fail (JG_IS_KEY (key));
  g_return_if_fail (jg_key_get_id (key) != NULL);

  job = g_new0 (LoadJob, 1);
  job->id = g_strdup (jg_key_get_id (key));
  job->name = g_strdup (jg_key_get_name (key));
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, jg_keys_load_private_async);
  g_task_set_task_data (task, job, (GDestroyNotify) load_job_free);
  g_task_run_in_thread (task, load_private_thread);
}

ssh_key
jg_keys_load_private_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == jg_keys_load_private_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- install on a machine ---------------------------------------------- */

/* One line, no "!" and no "'": it is wrapped in sh -c '…' for whatever the
 * login shell is (csh expands "!" even in single quotes). The key line
 * comes on stdin and is only ever expanded inside double quotes; "set -f"
 * keeps the one unquoted split from globbing. Exit 2: no key on stdin,
 * 3: ~/.ssh not usable, 4: authorized_keys not writable. */
#define INSTALL_SCRIPT \
  "umask 077; " \
  "IFS= read -r key || test -n \"$key\" || exit 2; " \
  "set -f; set -- $key; test $# -ge 2 || exit 2; " \
  "cd || exit 3; " \
  "mkdir -p .ssh && chmod 700 .ssh || exit 3; " \
  "f=.ssh/authorized_keys; " \
  "if test -f $f && grep -qF -- \"$1 $2\" $f; then r=present; " \
  "else { test -z \"$(tail -c 1 $f 2>/dev/null)\" || echo >> $f; } && " \
  "printf \"%s\\n\" \"$key\" >> $f || exit 4; r=added; fi; " \
  "chmod 600 $f || exit 4; " \
  "if command -v restorecon >/dev/null 2>&1; then restorecon -F .ssh $f >/dev/null 2>&1; fi; " \
  "echo $r"

const char *
jg_keys_install_command (void)
{
  return "sh -c '" INSTALL_SCRIPT "'";
}

gboolean
jg_keys_install_check (int          exit_status,
                       const char  *output,
                       const char  *errors,
                       gboolean    *added,
                       GError     **error)
{
  g_autofree char *reason = g_strstrip (g_strdup (errors != NULL ? errors : ""));

  if (added != NULL)
    *added = FALSE;

  switch (exit_status)
    {
    case 0:
      if (added != NULL)
        *added = output == NULL || strstr (output, "present") == NULL;
      return TRUE;
    case 3:
      g_set_error (error, JG_KEYS_ERROR, JG_KEYS_ERROR_INSTALL_FAILED,
                   _("Could not create the folder ~/.ssh on the machine: %s"), reason);
      return FALSE;
    case 4:
      g_set_error (error, JG_KEYS_ERROR, JG_KEYS_ERROR_INSTALL_FAILED,
                   _("Could not add the key to ~/.ssh/authorized_keys on the machine: %s"),
                   reason);
      return FALSE;
    case 126:
    case 127:
      g_set_error (error, JG_KEYS_ERROR, JG_KEYS_ERROR_INSTALL_FAILED,
                   _("The machine cannot run the POSIX shell commands that install a key (%s). "
                     "Add the public key to ~/.ssh/authorized_keys by hand."),
                   reason);
      return FALSE;
    default:
      g_set_error (error, JG_KEYS_ERROR, JG_KEYS_ERROR_INSTALL_FAILED,
                   _("Installing the key on the machine failed (exit status %d): %s"),
                   exit_status, reason);
      return FALSE;
    }
}

/* ---- install through a JgConnection ------------------------------------ */

typedef struct
{
  JgConnection *connection;
  gulong        closed_handler;
  GCancellable *reads;        /* ours: the output reads stop when we are done */
  GCancellable *caller;
  gulong        caller_handler;
  GInputStream *streams[2];   /* the command's stdout and stderr */
  GString      *text[2];
  gboolean      eof[2];
  gboolean      closed;
  gboolean      returned;
  int           status;
} Install;

static void
install_free (Install *install)
{
  g_cancellable_cancel (install->reads);
  if (install->caller != NULL)
    {
      g_cancellable_disconnect (install->caller, install->caller_handler);
      g_object_unref (install->caller);
    }
  g_clear_signal_handler (&install->closed_handler, install->connection);
  g_object_unref (install->connection);
  g_object_unref (install->reads);
  for (guint i = 0; i < 2; i++)
    {
      g_clear_object (&install->streams[i]);
      g_string_free (install->text[i], TRUE);
    }
  g_free (install);
}

/* Returns @error, or the outcome once the command ended and its output is
 * all read; only the first call counts. */
static void
install_complete (GTask  *task,
                  GError *error)
{
  Install *install = g_task_get_task_data (task);
  g_autoptr(GTask) keep = NULL;
  gboolean added = FALSE;

  if (install->returned)
    {
      g_clear_error (&error);
      return;
    }
  if (error == NULL && (!install->closed || !install->eof[0] || !install->eof[1]))
    return;

  /* the handler's reference may be the last one */
  keep = g_object_ref (task);
  install->returned = TRUE;
  g_cancellable_cancel (install->reads);
  g_clear_signal_handler (&install->closed_handler, install->connection);
  if (error == NULL &&
      !jg_keys_install_check (install->status, install->text[0]->str, install->text[1]->str,
                              &added, &error))
    g_assert (error != NULL);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, added);
}

static void read_output (GTask *task,
                         guint  index);

static void
on_output_read (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Install *install = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;
  guint index = G_INPUT_STREAM (source) == install->streams[0] ? 0 : 1;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (bytes == NULL)
    {
      install_complete (task, error);
      return;
    }
  if (g_bytes_get_size (bytes) == 0)
    {
      g_debug ("keys: the install command closed its %s", index == 0 ? "stdout" : "stderr");
      install->eof[index] = TRUE;
      install_complete (task, NULL);
      return;
    }
  if (install->text[index]->len < MAX_INSTALL_OUTPUT)
    g_string_append_len (install->text[index], g_bytes_get_data (bytes, NULL),
                         g_bytes_get_size (bytes));
  read_output (task, index);
}

static void
read_output (GTask *task,
             guint  index)
{
  Install *install = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (install->streams[index], 4096, G_PRIORITY_DEFAULT,
                                   install->reads, on_output_read, g_object_ref (task));
}

static void
on_install_closed (JgConnection *connection,
                   const GError *error,
                   gpointer      user_data)
{
  GTask *task = user_data;
  Install *install = g_task_get_task_data (task);

  install->closed = TRUE;
  install->status = jg_connection_get_exit_status (connection);
  g_debug ("keys: the install command ended (status %d%s)", install->status,
           error != NULL ? ", connection lost" : "");
  install_complete (task, error != NULL ? g_error_copy (error) : NULL);
}

static void
on_install_started (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!jg_connection_exec_finish (JG_CONNECTION (source), result, &error))
    install_complete (task, error);
  else
    g_debug ("keys: the install command started");
}

static void
on_install_cancelled (GCancellable *caller,
                      gpointer      data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
}

void
jg_keys_install_async (JgConnection        *connection,
                       const char          *public_line,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JgKey) key = NULL;
  g_autofree char *line = NULL;
  GError *error = NULL;
  Install *install;
  int in[2], out[2], err[2];

  g_return_if_fail (JG_IS_CONNECTION (connection));
  g_return_if_fail (public_line != NULL);

  task = g_task_new (connection, cancellable, callback, user_data);
  g_task_set_source_tag (task, jg_keys_install_async);

  key = jg_key_new_from_public_line (public_line, &error);
  if (key == NULL)
    {
      g_task_return_new_error (task, JG_KEYS_ERROR, JG_KEYS_ERROR_FAILED, "%s", error->message);
      g_error_free (error);
      return;
    }
  line = g_strconcat (jg_key_get_public_line (key), "\n", NULL);

  if (!g_unix_open_pipe (in, FD_CLOEXEC, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (!g_unix_open_pipe (out, FD_CLOEXEC, &error))
    {
      close (in[0]);
      close (in[1]);
      g_task_return_error (task, error);
      return;
    }
  if (!g_unix_open_pipe (err, FD_CLOEXEC, &error))
    {
      close (in[0]);
      close (in[1]);
      close (out[0]);
      close (out[1]);
      g_task_return_error (task, error);
      return;
    }
  /* A line of a few hundred bytes fits in the empty pipe at once. */
  if (write (in[1], line, strlen (line)) != (gssize) strlen (line))
    g_warning ("keys: could not hand the key to the install command");
  close (in[1]);

  install = g_new0 (Install, 1);
  install->connection = g_object_ref (connection);
  install->reads = g_cancellable_new ();
  if (cancellable != NULL)
    {
      install->caller = g_object_ref (cancellable);
      install->caller_handler = g_cancellable_connect (cancellable,
                                                       G_CALLBACK (on_install_cancelled),
                                                       install->reads, NULL);
    }
  install->streams[0] = g_unix_input_stream_new (out[0], TRUE);
  install->streams[1] = g_unix_input_stream_new (err[0], TRUE);
  install->text[0] = g_string_new (NULL);
  install->text[1] = g_string_new (NULL);
  g_task_set_task_data (task, install, (GDestroyNotify) install_free);
  /* The handler holds the task until the command ended (or we returned). */
  install->closed_handler = g_signal_connect_data (connection, "closed",
                                                   G_CALLBACK (on_install_closed),
                                                   g_object_ref (task),
                                                   (GClosureNotify) g_object_unref, 0);

  read_output (task, 0);
  read_output (task, 1);
  jg_connection_exec_async (connection, jg_keys_install_command (), in[0], out[1], err[1],
                            cancellable, on_install_started, g_object_ref (task));
}

gboolean
jg_keys_install_finish (JgConnection  *connection,
                        GAsyncResult  *result,
                        gboolean      *added,
                        GError       **error)
{
  gssize value;

  g_return_val_if_fail (JG_IS_CONNECTION (connection), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, connection), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == jg_keys_install_async, FALSE);

  value = g_task_propagate_int (G_TASK (result), error);
  if (added != NULL)
    *added = value > 0;
  return value >= 0;
}
