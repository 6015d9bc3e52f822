/* jg-agent.c — the identities of the running ssh-agent
 *
 * The request is five bytes (length 1, SSH2_AGENTC_REQUEST_IDENTITIES);
 * the answer is SSH2_AGENT_IDENTITIES_ANSWER, a count, and for each
 * identity its public key blob and comment (draft-miller-ssh-agent, 4.4).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gunixsocketaddress.h>
#include <glib/gi18n-lib.h>

#include "jg-agent.h"

#define SSH_AGENT_FAILURE 5
#define SSH2_AGENTC_REQUEST_IDENTITIES 11
#define SSH2_AGENT_IDENTITIES_ANSWER 12

#define AGENT_TIMEOUT_SECONDS 5
#define MAX_ANSWER (256 * 1024)

G_DEFINE_QUARK (jg-agent-error-quark, jg_agent_error)

const char *
jg_agent_get_socket_path (void)
{
  const char *path = g_getenv ("SSH_AUTH_SOCK");

  return path != NULL && path[0] != '\0' ? path : NULL;
}

static guint32
get_u32 (const guint8 *data)
{
  return ((guint32) data[0] << 24) | ((guint32) data[1] << 16) | ((guint32) data[2] << 8) | data[3];
}

static gboolean
take_string (const guint8 **data,
             gsize         *left,
             const guint8 **string,
             gsize         *length)
{
  guint32 n;

  if (*left < 4)
    return FALSE;
  n = get_u32 (*data);
  if (n > *left - 4)
    return FALSE;
  *string = *data + 4;
  *length = n;
  *data += 4 + n;
  *left -= 4 + n;
  return TRUE;
}

static GListModel *
parse_answer (const guint8  *data,
              gsize          left,
              GError       **error)
{
  g_autoptr(GListStore) store = g_list_store_new (JG_TYPE_KEY);
  guint32 count;

  if (left >= 1 && data[0] == SSH_AGENT_FAILURE)
    {
      g_set_error_literal (error, JG_AGENT_ERROR, JG_AGENT_ERROR_FAILED,
                           _("The ssh-agent refused to list its keys."));
      return NULL;
    }
  if (left < 5 || data[0] != SSH2_AGENT_IDENTITIES_ANSWER)
    goto invalid;
  count = get_u32 (data + 1);
  data += 5;
  left -= 5;

  for (guint32 i = 0; i < count; i++)
    {
      const guint8 *blob_data, *comment_data;
      gsize blob_length, comment_length;
      g_autoptr(GBytes) blob = NULL;
      g_autofree char *comment = NULL;
      g_autoptr(JgKey) key = NULL;

      if (!take_string (&data, &left, &blob_data, &blob_length) ||
          !take_string (&data, &left, &comment_data, &comment_length))
        goto invalid;
      blob = g_bytes_new (blob_data, blob_length);
      comment = g_utf8_make_valid ((const char *) comment_data, comment_length);
      key = jg_key_new_from_blob (blob, comment, NULL);
      if (key == NULL)
        continue;   /* a key type this version does not know: not listed */
      jg_key_set_source (key, JG_KEY_SOURCE_AGENT);
      jg_key_set_name (key, jg_key_get_comment (key) != NULL ? jg_key_get_comment (key)
                                                             : jg_key_get_fingerprint (key));
      g_list_store_append (store, key);
    }
  return G_LIST_MODEL (g_steal_pointer (&store));

invalid:
  g_set_error_literal (error, JG_AGENT_ERROR, JG_AGENT_ERROR_FAILED,
                       _("The ssh-agent sent an answer Jumpgate does not understand."));
  return NULL;
}

GListModel *
jg_agent_list_identities_sync (GCancellable  *cancellable,
                               GError       **error)
{
  static const guint8 request[] = { 0, 0, 0, 1, SSH2_AGENTC_REQUEST_IDENTITIES };
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree guint8 *answer = NULL;
  const char *path = jg_agent_get_socket_path ();
  GInputStream *in;
  guint8 header[4];
  guint32 length;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (path == NULL)
    {
      g_set_error_literal (error, JG_AGENT_ERROR, JG_AGENT_ERROR_NO_AGENT,
                           _("No ssh-agent is running (SSH_AUTH_SOCK is not set). Start one and "
                             "add your keys with ssh-add, or use keys Jumpgate holds."));
      return NULL;
    }

  client = g_socket_client_new ();
  g_socket_client_set_timeout (client, AGENT_TIMEOUT_SECONDS);
  address = g_unix_socket_address_new (path);
  connection = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), cancellable,
                                        &local_error);
  if (connection == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, JG_AGENT_ERROR, JG_AGENT_ERROR_NO_AGENT,
                     _("The ssh-agent at %s does not answer (%s). Start it again, or use keys "
                       "Jumpgate holds."),
                     path, local_error->message);
      return NULL;
    }

  in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  if (!g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                  request, sizeof request, NULL, cancellable, &local_error) ||
      !g_input_stream_read_all (in, header, sizeof header, NULL, cancellable, &local_error))
    goto failed;

  length = get_u32 (header);
  if (length == 0 || length > MAX_ANSWER)
    return parse_answer (header, 0, error);
  answer = g_malloc (length);
  if (!g_input_stream_read_all (in, answer, length, NULL, cancellable, &local_error))
    goto failed;
  return parse_answer (answer, length, error);

failed:
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_set_error (error, JG_AGENT_ERROR, JG_AGENT_ERROR_FAILED,
                 _("Could not talk to the ssh-agent at %s: %s"), path, local_error->message);
  return NULL;
}

static void
list_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  GListModel *identities = jg_agent_list_identities_sync (cancellable, &error);

  if (identities == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, identities, g_object_unref);
}

void
jg_agent_list_identities_async (GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, jg_agent_list_identities_async);
  g_task_run_in_thread (task, list_thread);
}

GListModel *
jg_agent_list_identities_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == jg_agent_list_identities_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
jg_agent_explain_sign_failure (const char *fingerprint)
{
  if (fingerprint != NULL)
    return g_strdup_printf (_("The ssh-agent holds the key %s but refused to sign with it "
                              "(“Agent admitted failure to sign”). It may need to be unlocked or "
                              "confirmed, or be on a security key that is not plugged in. Check "
                              "with “ssh-add -l”, add the key again with ssh-add, or choose "
                              "another key for this machine."),
                            fingerprint);
  return g_strdup (_("The ssh-agent has no key it can sign with for this machine (“Agent "
                     "admitted failure to sign”). Add your key with ssh-add (check with "
                     "“ssh-add -l”), or choose a Jumpgate key or a key file for this machine."));
}
