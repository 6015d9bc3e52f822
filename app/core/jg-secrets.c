/* jg-secrets.c — passwords, passphrases and private keys in the desktop keyring
 *
 * Everything goes through SecretService (never secret_password_*(), whose
 * backend abstraction could fall back to a local file): no Secret Service
 * means nothing is kept.
 *
 * Each _sync call runs the libsecret async calls on a private GMainContext
 * pushed on the calling (worker) thread, with one deadline for the whole
 * call: an unlock prompt that nobody answers is dismissed (by cancelling
 * it) when the deadline passes, and the call fails with
 * JG_SECRETS_ERROR_LOCKED. The _async calls run the _sync ones in a
 * GTask worker thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "jg-secrets.h"

G_DEFINE_QUARK (jg-secrets-error-quark, jg_secrets_error)

static const SecretSchema schema = {
  JG_SECRETS_SCHEMA_NAME, SECRET_SCHEMA_NONE,
  {
    { "owner", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

static guint timeout_seconds = JG_SECRETS_DEFAULT_TIMEOUT;

const SecretSchema *
jg_secrets_get_schema (void)
{
  return &schema;
}

const char *
jg_secret_kind_to_string (JgSecretKind kind)
{
  switch (kind)
    {
    case JG_SECRET_PASSWORD:
      return "password";
    case JG_SECRET_PASSPHRASE:
      return "passphrase";
    case JG_SECRET_PRIVATE_KEY:
      return "private-key";
    default:
      g_return_val_if_reached (NULL);
    }
}

char *
jg_secrets_make_label (JgSecretKind  kind,
                       const char   *name,
                       const char   *detail)
{
  g_return_val_if_fail (name != NULL, NULL);

  if (detail != NULL && detail[0] == '\0')
    detail = NULL;

  switch (kind)
    {
    case JG_SECRET_PASSWORD:
      /* Translators: a keyring item's label, e.g. "Jumpgate password for vm1 (alice@10.0.0.5)" */
      return detail != NULL ? g_strdup_printf (_("Jumpgate password for %s (%s)"), name, detail)
                            : g_strdup_printf (_("Jumpgate password for %s"), name);
    case JG_SECRET_PASSPHRASE:
      /* Translators: a keyring item's label, e.g. "Jumpgate passphrase for vm1 (~/.ssh/id_rsa)" */
      return detail != NULL ? g_strdup_printf (_("Jumpgate passphrase for %s (%s)"), name, detail)
                            : g_strdup_printf (_("Jumpgate passphrase for %s"), name);
    case JG_SECRET_PRIVATE_KEY:
      /* Translators: a keyring item's label; the detail is the key's fingerprint */
      return detail != NULL ? g_strdup_printf (_("Jumpgate private key “%s” (%s)"), name, detail)
                            : g_strdup_printf (_("Jumpgate private key “%s”"), name);
    default:
      g_return_val_if_reached (NULL);
    }
}

char *
jg_secrets_make_host_label (JgSecretKind  kind,
                            JgHost       *host)
{
  g_autofree char *destination = NULL;

  g_return_val_if_fail (JG_IS_HOST (host), NULL);

  if (kind == JG_SECRET_PASSPHRASE && jg_host_get_identity_file (host) != NULL)
    return jg_secrets_make_label (kind, jg_host_get_name (host), jg_host_get_identity_file (host));
  destination = jg_host_dup_destination (host);
  return jg_secrets_make_label (kind, jg_host_get_name (host), destination);
}

void
jg_secrets_set_timeout (guint seconds)
{
  g_return_if_fail (seconds > 0);
  g_atomic_int_set (&timeout_seconds, seconds);
}

guint
jg_secrets_get_timeout (void)
{
  return g_atomic_int_get (&timeout_seconds);
}

void
jg_secrets_free (char *secret)
{
  if (secret != NULL)
    secret_password_free (secret);
}

/* ---- waiting on libsecret with a deadline ------------------------------ */

typedef struct
{
  GMainContext *context;
  GCancellable *cancellable;   /* cancelled by the caller's or by the deadline */
  GCancellable *caller;
  gulong        caller_handler;
  GSource      *deadline;
  GSource      *grace;
  GAsyncResult *result;
  gboolean      timed_out;
  gboolean      abandoned;
} Waiter;

/* After the deadline, libsecret has this long to finish the cancelled
 * call; past it the call is abandoned (its callback never runs: nobody
 * iterates its context again). libsecret 0.20.5 may never complete a
 * prompt cancelled while the keyring daemon goes away. */
#define GRACE_SECONDS 3

static gboolean
on_grace_over (gpointer data)
{
  Waiter *w = data;

  w->abandoned = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
on_deadline (gpointer data)
{
  Waiter *w = data;

  w->timed_out = TRUE;
  w->grace = g_timeout_source_new_seconds (GRACE_SECONDS);
  g_source_set_callback (w->grace, on_grace_over, w, NULL);
  g_source_attach (w->grace, w->context);
  g_cancellable_cancel (w->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_caller_cancelled (GCancellable *caller,
                     gpointer      data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
}

static void
waiter_begin (Waiter       *w,
              GCancellable *caller)
{
  memset (w, 0, sizeof *w);
  w->context = g_main_context_new ();
  g_main_context_push_thread_default (w->context);
  w->cancellable = g_cancellable_new ();
  if (caller != NULL)
    {
      w->caller = g_object_ref (caller);
      w->caller_handler = g_cancellable_connect (caller, G_CALLBACK (on_caller_cancelled),
                                                 w->cancellable, NULL);
    }
  w->deadline = g_timeout_source_new_seconds (jg_secrets_get_timeout ());
  g_source_set_callback (w->deadline, on_deadline, w, NULL);
  g_source_attach (w->deadline, w->context);
}

static void
on_ready (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  Waiter *w = data;

  g_assert (w->result == NULL);
  w->result = g_object_ref (result);
}

static void set_locked_error (Waiter  *w,
                              GError **error);

/* The result of the one call started with on_ready and @w (transfer
 * full), or NULL with @error set when it was abandoned. */
static GAsyncResult *
waiter_wait (Waiter  *w,
             GError **error)
{
  GAsyncResult *result;

  while (w->result == NULL && !w->abandoned)
    g_main_context_iteration (w->context, TRUE);
  if (w->result == NULL)
    {
      g_debug ("secrets: the keyring did not finish a cancelled call, abandoned");
      set_locked_error (w, error);
      return NULL;
    }
  result = w->result;
  w->result = NULL;
  return result;
}

static void
waiter_end (Waiter *w)
{
  g_source_destroy (w->deadline);
  g_source_unref (w->deadline);
  if (w->grace != NULL)
    {
      g_source_destroy (w->grace);
      g_source_unref (w->grace);
    }
  if (w->caller != NULL)
    {
      g_cancellable_disconnect (w->caller, w->caller_handler);
      g_object_unref (w->caller);
    }
  g_object_unref (w->cancellable);
  if (!w->abandoned)
    {
      while (g_main_context_iteration (w->context, FALSE))
        ;
    }
  g_clear_object (&w->result);
  g_main_context_pop_thread_default (w->context);
  g_main_context_unref (w->context);
}

/* ---- errors ------------------------------------------------------------ */

static void
set_locked_error (Waiter  *w,
                  GError **error)
{
  if (w->timed_out)
    g_set_error (error, JG_SECRETS_ERROR, JG_SECRETS_ERROR_LOCKED,
                 _("The keyring is locked and was not unlocked within %u seconds: unlock it "
                   "(e.g. log in again) or enter the password for this connection only."),
                 jg_secrets_get_timeout ());
  else
    g_set_error_literal (error, JG_SECRETS_ERROR, JG_SECRETS_ERROR_LOCKED,
                         _("The keyring is locked: unlock it (e.g. log in again) or enter the "
                           "password for this connection only."));
}

static void
set_no_service_error (GError **error)
{
  g_set_error_literal (error, JG_SECRETS_ERROR, JG_SECRETS_ERROR_NO_SERVICE,
                       _("No keyring (Secret Service) is running, so Jumpgate cannot remember "
                         "passwords or keys: enter the password for this connection only, or "
                         "start GNOME Keyring (or another Secret Service such as KeePassXC) "
                         "and try again."));
}

static gboolean
is_service_gone (const GError *error)
{
  return g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NO_SERVER) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_DISCONNECTED) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
}

/* Turns what libsecret said into one of ours. */
static void
set_error (Waiter  *w,
           GError  *local_error,
           GError **error)
{
  /* libsecret can fail without saying why: when its prompt was dismissed,
   * the keyring stayed locked */
  if (local_error == NULL)
    {
      g_debug ("secrets: the call failed with no error");
      set_locked_error (w, error);
      return;
    }
  g_debug ("secrets: %s (%s %d)", local_error->message,
           g_quark_to_string (local_error->domain), local_error->code);

  if (w->timed_out || g_error_matches (local_error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    set_locked_error (w, error);
  else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_error_copy (local_error));
  else if (is_service_gone (local_error))
    {
      /* The daemon went away; a new one needs a new session. */
      secret_service_disconnect ();
      set_no_service_error (error);
    }
  else
    g_set_error (error, JG_SECRETS_ERROR, JG_SECRETS_ERROR_FAILED,
                 _("The keyring reported an error: %s"), local_error->message);
}

/* ---- the steps --------------------------------------------------------- */

static SecretService *
get_service (Waiter  *w,
             GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) local_error = NULL;
  SecretService *service;

  secret_service_get (SECRET_SERVICE_OPEN_SESSION, w->cancellable, on_ready, w);
  result = waiter_wait (w, error);
  if (result == NULL)
    return NULL;
  service = secret_service_get_finish (result, &local_error);
  if (service == NULL)
    {
      g_debug ("secrets: no Secret Service: %s", local_error->message);
      if (!w->timed_out && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        set_no_service_error (error);
    }
  return service;
}

/* Asks the Secret Service to unlock the default collection (its prompt)
 * when it is locked. No default collection is not an error here: storing
 * then asks the service to create one. */
static gboolean
ensure_default_unlocked (SecretService  *service,
                         Waiter         *w,
                         GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) unlock_result = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(SecretCollection) collection = NULL;
  GList objects = { NULL, NULL, NULL };
  int n_unlocked;

  secret_collection_for_alias (service, SECRET_COLLECTION_DEFAULT, SECRET_COLLECTION_NONE,
                               w->cancellable, on_ready, w);
  result = waiter_wait (w, error);
  if (result == NULL)
    return FALSE;
  collection = secret_collection_for_alias_finish (result, &local_error);
  if (local_error != NULL)
    {
      set_error (w, local_error, error);
      return FALSE;
    }
  if (collection == NULL || !secret_collection_get_locked (collection))
    return TRUE;

  g_debug ("secrets: the default keyring is locked, asking to unlock it");
  objects.data = collection;
  secret_service_unlock (service, &objects, w->cancellable, on_ready, w);
  unlock_result = waiter_wait (w, error);
  if (unlock_result == NULL)
    return FALSE;
  n_unlocked = secret_service_unlock_finish (service, unlock_result, NULL, &local_error);
  if (local_error != NULL)
    {
      set_error (w, local_error, error);
      return FALSE;
    }
  if (n_unlocked == 0)
    {
      set_locked_error (w, error);
      return FALSE;
    }
  return TRUE;
}

static GHashTable *
make_attributes (const char   *owner,
                 JgSecretKind  kind,
                 gboolean      any_kind)
{
  if (any_kind)
    return secret_attributes_build (&schema, "owner", owner, NULL);
  return secret_attributes_build (&schema, "owner", owner,
                                  "kind", jg_secret_kind_to_string (kind), NULL);
}

/* Every item of @owner (and @kind unless @any_kind), unlocked if it can be:
 * NULL with @error on failure, also when one stays locked. */
static GList *
search_items (SecretService  *service,
              Waiter         *w,
              const char     *owner,
              JgSecretKind    kind,
              gboolean        any_kind,
              gboolean        load_secrets,
              gboolean       *ok,
              GError        **error)
{
  g_autoptr(GHashTable) attributes = make_attributes (owner, kind, any_kind);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) local_error = NULL;
  SecretSearchFlags flags = SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK;
  GList *items;

  GList *mine = NULL;

  if (load_secrets)
    flags |= SECRET_SEARCH_LOAD_SECRETS;
  /* Without the schema: a locked gnome-keyring matches the attributes of
   * its items but not their schema, and a locked item must be found (to
   * be unlocked, or reported) rather than be taken for "none". */
  secret_service_search (service, NULL, attributes, flags, w->cancellable, on_ready, w);
  result = waiter_wait (w, error);
  if (result == NULL)
    {
      *ok = FALSE;
      return NULL;
    }
  items = secret_service_search_finish (service, result, &local_error);
  if (local_error != NULL)
    {
      set_error (w, local_error, error);
      *ok = FALSE;
      return NULL;
    }

  for (GList *l = items; l != NULL; l = l->next)
    {
      g_autofree char *schema_name = NULL;

      if (secret_item_get_locked (l->data))
        {
          g_list_free_full (items, g_object_unref);
          g_list_free_full (mine, g_object_unref);
          set_locked_error (w, error);
          *ok = FALSE;
          return NULL;
        }
      schema_name = secret_item_get_schema_name (l->data);
      if (g_strcmp0 (schema_name, JG_SECRETS_SCHEMA_NAME) == 0)
        mine = g_list_prepend (mine, g_object_ref (l->data));
    }
  g_list_free_full (items, g_object_unref);
  *ok = TRUE;
  return g_list_reverse (mine);
}

/* Deletes every item of @owner (and @kind unless @any_kind). */
static gboolean
delete_items (SecretService  *service,
              Waiter         *w,
              const char     *owner,
              JgSecretKind    kind,
              gboolean        any_kind,
              guint          *n_removed,
              GError        **error)
{
  gboolean ok = FALSE;
  GList *items = search_items (service, w, owner, kind, any_kind, FALSE, &ok, error);

  for (GList *l = items; l != NULL && ok; l = l->next)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) local_error = NULL;

      secret_item_delete (l->data, w->cancellable, on_ready, w);
      result = waiter_wait (w, error);
      ok = result != NULL && secret_item_delete_finish (l->data, result, &local_error);
      if (result != NULL && !ok)
        set_error (w, local_error, error);
      else if (ok)
        (*n_removed)++;
    }
  g_list_free_full (items, g_object_unref);
  return ok;
}

/* ---- sync API ---------------------------------------------------------- */

static gboolean
store_value_sync (const char    *owner,
                  JgSecretKind   kind,
                  const char    *label,
                  SecretValue   *value,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(SecretService) service = NULL;
  gboolean ok = FALSE;
  Waiter w;

  waiter_begin (&w, cancellable);
  service = get_service (&w, error);
  /* The old item is deleted, then a new one made: gnome-keyring 42 may
   * die replacing an item in place ("asked to register item …, but it's
   * already registered"), seen when the item is older than a second. */
  if (service != NULL && ensure_default_unlocked (service, &w, error) &&
      delete_items (service, &w, owner, kind, FALSE, &(guint) { 0 }, error))
    {
      g_autoptr(GHashTable) attributes = make_attributes (owner, kind, FALSE);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) local_error = NULL;

      secret_service_store (service, &schema, attributes, SECRET_COLLECTION_DEFAULT, label, value,
                            w.cancellable, on_ready, &w);
      result = waiter_wait (&w, error);
      if (result != NULL)
        {
          ok = secret_service_store_finish (service, result, &local_error);
          if (!ok)
            set_error (&w, local_error, error);
        }
    }
  waiter_end (&w);

  g_debug ("secrets: store %s of %s: %s", jg_secret_kind_to_string (kind), owner,
           ok ? "done" : "failed");
  return ok;
}

gboolean
jg_secrets_store_sync (const char    *owner,
                       JgSecretKind   kind,
                       const char    *label,
                       const char    *secret,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(SecretValue) value = NULL;

  g_return_val_if_fail (owner != NULL && owner[0] != '\0', FALSE);
  g_return_val_if_fail (label != NULL, FALSE);
  g_return_val_if_fail (secret != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  value = secret_value_new (secret, -1, "text/plain");
  return store_value_sync (owner, kind, label, value, cancellable, error);
}

char *
jg_secrets_lookup_sync (const char    *owner,
                        JgSecretKind   kind,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(SecretService) service = NULL;
  char *secret = NULL;
  gboolean ok = FALSE;
  Waiter w;

  g_return_val_if_fail (owner != NULL && owner[0] != '\0', NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  waiter_begin (&w, cancellable);
  service = get_service (&w, error);
  if (service != NULL)
    {
      GList *items = search_items (service, &w, owner, kind, FALSE, TRUE, &ok, error);

      for (GList *l = items; l != NULL && secret == NULL; l = l->next)
        {
          SecretValue *value = secret_item_get_secret (l->data);

          if (value != NULL)
            secret = secret_value_unref_to_password (value, NULL);
        }
      g_list_free_full (items, g_object_unref);
    }
  waiter_end (&w);

  g_debug ("secrets: lookup %s of %s: %s", jg_secret_kind_to_string (kind), owner,
           !ok ? "failed" : secret != NULL ? "found" : "none");
  return secret;
}

static gboolean
clear_sync (const char    *owner,
            JgSecretKind   kind,
            gboolean       any_kind,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(SecretService) service = NULL;
  gboolean ok = FALSE;
  guint n_removed = 0;
  Waiter w;

  waiter_begin (&w, cancellable);
  service = get_service (&w, error);
  if (service != NULL)
    ok = delete_items (service, &w, owner, kind, any_kind, &n_removed, error);
  waiter_end (&w);

  g_debug ("secrets: clear %s of %s: %u removed%s", any_kind ? "all" : jg_secret_kind_to_string (kind),
           owner, n_removed, ok ? "" : ", failed");
  return ok;
}

gboolean
jg_secrets_clear_sync (const char    *owner,
                       JgSecretKind   kind,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_return_val_if_fail (owner != NULL && owner[0] != '\0', FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return clear_sync (owner, kind, FALSE, cancellable, error);
}

gboolean
jg_secrets_clear_owner_sync (const char    *owner,
                             GCancellable  *cancellable,
                             GError       **error)
{
  g_return_val_if_fail (owner != NULL && owner[0] != '\0', FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return clear_sync (owner, 0, TRUE, cancellable, error);
}

/* ---- async API: the sync calls in a worker ----------------------------- */

typedef struct
{
  char         *owner;
  JgSecretKind  kind;
  gboolean      any_kind;
  char         *label;
  SecretValue  *value;
} Request;

static void
request_free (Request *request)
{
  g_free (request->owner);
  g_free (request->label);
  g_clear_pointer (&request->value, secret_value_unref);
  g_free (request);
}

static GTask *
request_task_new (gpointer             source_tag,
                  const char          *owner,
                  JgSecretKind         kind,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Request *request = g_new0 (Request, 1);

  g_task_set_source_tag (task, source_tag);
  request->owner = g_strdup (owner);
  request->kind = kind;
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  return task;
}

static void
store_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  Request *request = data;
  GError *error = NULL;

  if (store_value_sync (request->owner, request->kind, request->label, request->value,
                        cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
jg_secrets_store_async (const char          *owner,
                        JgSecretKind         kind,
                        const char          *label,
                        const char          *secret,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Request *request;

  g_return_if_fail (owner != NULL && owner[0] != '\0');
  g_return_if_fail (label != NULL);
  g_return_if_fail (secret != NULL);

  task = request_task_new (jg_secrets_store_async, owner, kind, cancellable, callback, user_data);
  request = g_task_get_task_data (task);
  request->label = g_strdup (label);
  request->value = secret_value_new (secret, -1, "text/plain");
  g_task_run_in_thread (task, store_thread);
}

static gboolean
boolean_finish (GAsyncResult  *result,
                gpointer       source_tag,
                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
jg_secrets_store_finish (GAsyncResult  *result,
                         GError       **error)
{
  return boolean_finish (result, jg_secrets_store_async, error);
}

static void
lookup_thread (GTask        *task,
               gpointer      source,
               gpointer      data,
               GCancellable *cancellable)
{
  Request *request = data;
  GError *error = NULL;
  char *secret = jg_secrets_lookup_sync (request->owner, request->kind, cancellable, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, secret, (GDestroyNotify) jg_secrets_free);
}

void
jg_secrets_lookup_async (const char          *owner,
                         JgSecretKind         kind,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (owner != NULL && owner[0] != '\0');

  task = request_task_new (jg_secrets_lookup_async, owner, kind, cancellable, callback, user_data);
  g_task_run_in_thread (task, lookup_thread);
}

char *
jg_secrets_lookup_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == jg_secrets_lookup_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
clear_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  Request *request = data;
  GError *error = NULL;

  if (clear_sync (request->owner, request->kind, request->any_kind, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
jg_secrets_clear_async (const char          *owner,
                        JgSecretKind         kind,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (owner != NULL && owner[0] != '\0');

  task = request_task_new (jg_secrets_clear_async, owner, kind, cancellable, callback, user_data);
  g_task_run_in_thread (task, clear_thread);
}

gboolean
jg_secrets_clear_finish (GAsyncResult  *result,
                         GError       **error)
{
  return boolean_finish (result, jg_secrets_clear_async, error);
}

void
jg_secrets_clear_owner_async (const char          *owner,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (owner != NULL && owner[0] != '\0');

  task = request_task_new (jg_secrets_clear_owner_async, owner, 0, cancellable, callback,
                           user_data);
  ((Request *) g_task_get_task_data (task))->any_kind = TRUE;
  g_task_run_in_thread (task, clear_thread);
}

gboolean
jg_secrets_clear_owner_finish (GAsyncResult  *result,
                               GError       **error)
{
  return boolean_finish (result, jg_secrets_clear_owner_async, error);
}
