/* jg-install-key.c — "Install Key on This Machine…": ssh-copy-id through the jump chain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "jg-install-key.h"
#include "jg-keys.h"

typedef struct
{
  GtkWindow        *parent;
  JgInventory      *inventory;
  JgHost           *host;
  JgKey            *key;
  JgConnection     *connection;
  GCancellable     *cancellable;
  AdwMessageDialog *progress;
  AdwMessageDialog *prompt_dialog;
  JgPrompt         *prompt;
  GPtrArray        *entries;      /* GtkEditable* of the prompt dialog */
} Job;

/* Freed when the install has completed (on_installed), or when it never
 * started. */
static void
job_free (Job *job)
{
  if (job->prompt != NULL && !jg_prompt_is_answered (job->prompt))
    jg_prompt_cancel (job->prompt);
  g_clear_object (&job->prompt);
  if (job->prompt_dialog != NULL)
    {
      g_signal_handlers_disconnect_by_data (job->prompt_dialog, job);
      gtk_window_destroy (GTK_WINDOW (job->prompt_dialog));
    }
  if (job->progress != NULL)
    g_signal_handlers_disconnect_by_data (job->progress, job);
  if (job->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (job->connection, job);
      jg_connection_close (job->connection);
    }
  g_clear_object (&job->connection);
  g_clear_object (&job->cancellable);
  g_clear_object (&job->key);
  g_clear_object (&job->host);
  g_clear_object (&job->inventory);
  g_clear_object (&job->parent);
  g_clear_pointer (&job->entries, g_ptr_array_unref);
  g_free (job);
}

static AdwMessageDialog *
new_dialog (GtkWindow  *parent,
            const char *heading,
            const char *body)
{
  return ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, heading, body));
}

/* ---- what the connection asks -------------------------------------------- */

static void
on_prompt_response (AdwMessageDialog *dialog,
                    const char       *response,
                    Job              *job)
{
  JgPrompt *prompt = job->prompt;

  if (prompt == NULL)
    return;
  if (g_str_equal (response, "accept"))
    jg_prompt_accept (prompt);
  else if (g_str_equal (response, "respond"))
    {
      g_autoptr(GPtrArray) answers = g_ptr_array_new ();

      for (guint i = 0; i < job->entries->len; i++)
        g_ptr_array_add (answers, (gpointer) gtk_editable_get_text (g_ptr_array_index (job->entries, i)));
      g_ptr_array_add (answers, NULL);
      jg_prompt_respond (prompt, (const char * const *) answers->pdata);
    }
  else
    jg_prompt_cancel (prompt);
  for (guint i = 0; i < job->entries->len; i++)
    gtk_editable_set_text (g_ptr_array_index (job->entries, i), "");
  g_ptr_array_set_size (job->entries, 0);
  g_clear_object (&job->prompt);
  job->prompt_dialog = NULL;
}

static void
on_prompt (JgConnection *connection,
           JgPrompt     *prompt,
           Job          *job)
{
  AdwMessageDialog *dialog;
  GtkWindow *over = job->progress != NULL ? GTK_WINDOW (job->progress) : job->parent;

  if (job->prompt != NULL)
    {
      jg_prompt_cancel (prompt);   /* one at a time: the connection asks in turn */
      return;
    }
  job->prompt = g_object_ref (prompt);

  if (jg_prompt_get_kind (prompt) == JG_PROMPT_HOST_KEY)
    {
      g_autofree char *body = g_strdup_printf (_("%s (%s port %u) is not known yet. Its %s key’s "
                                                 "fingerprint is\n%s\nAccept it only if it is the "
                                                 "one the machine’s owner gave you."),
                                               jg_prompt_get_hop_name (prompt),
                                               jg_prompt_get_host (prompt),
                                               jg_prompt_get_port (prompt),
                                               jg_prompt_get_key_type (prompt),
                                               jg_prompt_get_fingerprint (prompt));

      dialog = new_dialog (over, _("Unknown Host Key"), body);
      adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"),
                                        "accept", _("_Accept and Connect"), NULL);
      adw_message_dialog_set_response_appearance (dialog, "accept", ADW_RESPONSE_SUGGESTED);
    }
  else
    {
      GtkWidget *list = gtk_list_box_new ();
      const char *notice = jg_prompt_get_notice (prompt);

      dialog = new_dialog (over, jg_prompt_get_message (prompt), notice);
      gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
      gtk_widget_add_css_class (list, "boxed-list");
      for (guint i = 0; i < jg_prompt_get_n_questions (prompt); i++)
        {
          gboolean echo = FALSE;
          const char *question = jg_prompt_get_question (prompt, i, &echo);
          GtkWidget *row = echo ? adw_entry_row_new () : adw_password_entry_row_new ();

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), question);
          adw_entry_row_set_activates_default (ADW_ENTRY_ROW (row), TRUE);
          gtk_list_box_append (GTK_LIST_BOX (list), row);
          g_ptr_array_add (job->entries, row);
        }
      adw_message_dialog_set_extra_child (dialog, list);
      adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"),
                                        "respond", _("C_onnect"), NULL);
      adw_message_dialog_set_response_appearance (dialog, "respond", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (dialog, "respond");
    }
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_prompt_response), job);
  job->prompt_dialog = dialog;
  gtk_window_present (GTK_WINDOW (dialog));
  if (job->entries->len > 0)
    gtk_widget_grab_focus (g_ptr_array_index (job->entries, 0));
}

/* ---- the install ---------------------------------------------------------- */

static void
finish (Job        *job,
        const char *heading,
        const char *body)
{
  if (job->progress == NULL)
    return;
  adw_message_dialog_set_heading (job->progress, heading);
  adw_message_dialog_set_body (job->progress, body);
  adw_message_dialog_set_response_label (job->progress, "close", _("_Close"));
}

static void
on_installed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Job *job = user_data;
  g_autoptr(GError) error = NULL;
  gboolean added = FALSE;

  if (!jg_keys_install_finish (JG_CONNECTION (source), result, &added, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        finish (job, _("The Key Was Not Installed"), error->message);
    }
  else
    {
      g_autofree char *body = NULL;

      /* the machine uses the key from now on (saved with the inventory) */
      jg_keys_use_key (job->host, job->key);
      body = g_strdup_printf (added ? _("The key “%s” was added to ~/.ssh/authorized_keys on %s. "
                                        "%s now logs in with it.")
                                    : _("The key “%s” was already in ~/.ssh/authorized_keys on %s. "
                                        "%s now logs in with it."),
                              jg_key_get_name (job->key), jg_host_get_name (job->host),
                              jg_host_get_name (job->host));
      finish (job, _("Key Installed"), body);
    }
  job_free (job);
}

static void
on_progress_response (AdwMessageDialog *dialog,
                      const char       *response,
                      Job              *job)
{
  g_cancellable_cancel (job->cancellable);
  job->progress = NULL;
}

static void
start_install (Job *job)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *heading = g_strdup_printf (_("Installing the Key on “%s”"),
                                              jg_host_get_name (job->host));

  job->progress = new_dialog (job->parent, heading,
                              _("Logging in through the jump hosts to add the public key to "
                                "~/.ssh/authorized_keys…"));
  adw_message_dialog_add_response (job->progress, "close", _("_Cancel"));
  adw_message_dialog_set_close_response (job->progress, "close");
  g_signal_connect (job->progress, "response", G_CALLBACK (on_progress_response), job);
  gtk_window_present (GTK_WINDOW (job->progress));

  job->connection = jg_connection_new (job->inventory, job->host, &error);
  if (job->connection == NULL)
    {
      finish (job, _("The Key Was Not Installed"), error->message);
      job_free (job);
      return;
    }
  /* a login of its own: a tab's session is not disturbed */
  jg_connection_set_shared (job->connection, FALSE);
  g_signal_connect (job->connection, "prompt", G_CALLBACK (on_prompt), job);
  jg_keys_install_async (job->connection, jg_key_get_public_line (job->key), job->cancellable,
                         on_installed, job);
}

static void
on_choose_response (AdwMessageDialog *dialog,
                    const char       *response,
                    Job              *job)
{
  AdwComboRow *key_row = g_object_get_data (G_OBJECT (dialog), "key-row");
  GListModel *keys = g_object_get_data (G_OBJECT (dialog), "keys");

  if (!g_str_equal (response, "install") || keys == NULL ||
      adw_combo_row_get_selected (key_row) >= g_list_model_get_n_items (keys))
    {
      job_free (job);
      return;
    }
  job->key = g_list_model_get_item (keys, adw_combo_row_get_selected (key_row));
  start_install (job);
}

GtkWindow *
jg_install_key_show (GtkWindow   *parent,
                     JgInventory *inventory,
                     JgHost      *host,
                     JgKeyList   *keys,
                     const char  *key_id)
{
  AdwMessageDialog *dialog;
  g_autofree char *heading = NULL;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (keys));
  guint selected = 0;
  Job *job;

  g_return_val_if_fail (JG_IS_INVENTORY (inventory), NULL);
  g_return_val_if_fail (JG_IS_HOST (host), NULL);
  g_return_val_if_fail (JG_IS_KEY_LIST (keys), NULL);

  heading = g_strdup_printf (_("Install a Key on “%s”"), jg_host_get_name (host));
  if (n == 0)
    {
      dialog = new_dialog (parent, heading,
                           _("Jumpgate holds no key yet. Generate one in Preferences → Keys, "
                             "then install it here."));
      adw_message_dialog_add_response (dialog, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return GTK_WINDOW (dialog);
    }

  job = g_new0 (Job, 1);
  job->parent = parent != NULL ? g_object_ref (parent) : NULL;
  job->inventory = g_object_ref (inventory);
  job->host = g_object_ref (host);
  job->cancellable = g_cancellable_new ();
  job->entries = g_ptr_array_new ();

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JgKey) key = g_list_model_get_item (G_LIST_MODEL (keys), i);
      g_autofree char *label = g_strdup_printf ("%s (%s)", jg_key_get_name (key),
                                                jg_key_get_type_label (key));

      gtk_string_list_append (names, label);
      if (g_strcmp0 (jg_key_get_id (key), key_id) == 0)
        selected = i;
    }

  dialog = new_dialog (parent, heading,
                       _("Jumpgate logs in to the machine through its jump hosts as it does now "
                         "(with its password, usually), adds the key’s public line to "
                         "~/.ssh/authorized_keys, and from then on the machine logs in with the "
                         "key."));
  {
    GtkWidget *list = gtk_list_box_new ();
    GtkWidget *key_row = adw_combo_row_new ();

    gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
    gtk_widget_add_css_class (list, "boxed-list");
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (key_row), _("Key"));
    adw_combo_row_set_model (ADW_COMBO_ROW (key_row), G_LIST_MODEL (names));
    adw_combo_row_set_selected (ADW_COMBO_ROW (key_row), selected);
    gtk_list_box_append (GTK_LIST_BOX (list), key_row);
    adw_message_dialog_set_extra_child (dialog, list);
    g_object_set_data (G_OBJECT (dialog), "key-row", key_row);
    g_object_set_data_full (G_OBJECT (dialog), "keys", g_object_ref (keys), g_object_unref);
  }
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "install", _("_Install"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "install", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "install");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_choose_response), job);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}
