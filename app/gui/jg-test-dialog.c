/* jg-test-dialog.c — Test Connection: the checklist of every hop, live
 *
 * One group per hop, one row per step (jg-diagnose.h): a spinner while it
 * runs, a check mark when it passed, an error icon with what it means and
 * how to fix it when it failed. Questions (a new host key, a password) are
 * asked here, as the tab would ask them. Built in code: it is a list.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "jg-test-dialog.h"

typedef struct
{
  AdwActionRow *row;
  GtkImage     *icon;
  GtkSpinner   *spinner;
} CheckRow;

struct _JgTestDialog
{
  AdwWindow         parent_instance;

  JgInventory      *inventory;
  JgHost           *host;
  JgDiagnosis      *diagnosis;
  GArray           *rows;           /* CheckRow, by check index */
  AdwMessageDialog *prompt_dialog;
  JgPrompt         *prompt;
  GPtrArray        *prompt_entries;

  GtkLabel         *summary;
  GtkBox           *groups;
};

G_DEFINE_FINAL_TYPE (JgTestDialog, jg_test_dialog, ADW_TYPE_WINDOW)

static void
update_row (JgTestDialog *self,
            guint         index)
{
  GPtrArray *checks = jg_diagnosis_get_checks (self->diagnosis);
  JgCheck *check;
  CheckRow *r;
  g_autoptr(GString) subtitle = g_string_new (NULL);
  const char *icon = NULL;
  const char *css = NULL;

  if (index >= checks->len || index >= self->rows->len)
    return;
  check = g_ptr_array_index (checks, index);
  r = &g_array_index (self->rows, CheckRow, index);

  switch (check->state)
    {
    case JG_CHECK_STATE_PASSED:
      icon = "emblem-ok-symbolic";
      css = "success";
      break;
    case JG_CHECK_STATE_FAILED:
      icon = "dialog-error-symbolic";
      css = "error";
      break;
    case JG_CHECK_STATE_RUNNING:
      break;
    case JG_CHECK_STATE_PENDING:
    default:
      icon = "radio-symbolic";
      css = "dim-label";
      break;
    }
  gtk_widget_set_visible (GTK_WIDGET (r->spinner), check->state == JG_CHECK_STATE_RUNNING);
  gtk_spinner_set_spinning (r->spinner, check->state == JG_CHECK_STATE_RUNNING);
  gtk_widget_set_visible (GTK_WIDGET (r->icon), icon != NULL);
  gtk_widget_remove_css_class (GTK_WIDGET (r->icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (r->icon), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (r->icon), "dim-label");
  if (icon != NULL)
    {
      gtk_image_set_from_icon_name (r->icon, icon);
      gtk_widget_add_css_class (GTK_WIDGET (r->icon), css);
    }

  if (check->state == JG_CHECK_STATE_PENDING)
    g_string_append (subtitle, _("Not checked"));
  else if (check->detail != NULL)
    g_string_append (subtitle, check->detail);
  if (check->state == JG_CHECK_STATE_FAILED)
    {
      if (check->explanation != NULL)
        g_string_append_printf (subtitle, "\n%s %s", _("Why:"), check->explanation);
      if (check->fix != NULL)
        g_string_append_printf (subtitle, "\n%s %s", _("Fix:"), check->fix);
    }
  adw_action_row_set_subtitle (r->row, subtitle->str);
}

static void
update_summary (JgTestDialog *self)
{
  const JgCheck *failed = jg_diagnosis_get_failed (self->diagnosis);
  g_autofree char *text = NULL;

  gtk_widget_remove_css_class (GTK_WIDGET (self->summary), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->summary), "error");
  if (jg_diagnosis_get_running (self->diagnosis))
    text = g_strdup_printf (_("Testing %s, hop by hop…"), jg_host_get_name (self->host));
  else if (jg_diagnosis_get_passed (self->diagnosis))
    {
      text = g_strdup_printf (_("Every step passed: %s can be reached."), jg_host_get_name (self->host));
      gtk_widget_add_css_class (GTK_WIDGET (self->summary), "success");
    }
  else if (failed != NULL)
    {
      text = g_strdup_printf (_("Failed at %s: %s."), failed->hop_name,
                              jg_check_kind_get_label (failed->kind));
      gtk_widget_add_css_class (GTK_WIDGET (self->summary), "error");
    }
  else
    text = g_strdup ("");
  gtk_label_set_label (self->summary, text);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "test.run", !jg_diagnosis_get_running (self->diagnosis));
}

static void
on_changed (JgDiagnosis  *diagnosis,
            guint         index,
            JgTestDialog *self)
{
  update_row (self, index);
}

/* ---- questions ---------------------------------------------------------- */

static void
close_prompt (JgTestDialog *self)
{
  if (self->prompt != NULL && !jg_prompt_is_answered (self->prompt))
    jg_prompt_cancel (self->prompt);
  g_clear_object (&self->prompt);
  g_clear_pointer (&self->prompt_entries, g_ptr_array_unref);
  if (self->prompt_dialog != NULL)
    {
      AdwMessageDialog *dialog = g_steal_pointer (&self->prompt_dialog);

      g_signal_handlers_disconnect_by_data (dialog, self);
      gtk_window_destroy (GTK_WINDOW (dialog));
    }
}

static void
on_prompt_response (AdwMessageDialog *dialog,
                    const char       *response,
                    JgTestDialog     *self)
{
  JgPrompt *prompt = self->prompt;

  if (prompt != NULL && g_str_equal (response, "ok"))
    {
      if (jg_prompt_get_kind (prompt) == JG_PROMPT_HOST_KEY)
        jg_prompt_accept (prompt);
      else
        {
          g_autoptr(GPtrArray) answers = g_ptr_array_new ();

          for (guint i = 0; i < self->prompt_entries->len; i++)
            g_ptr_array_add (answers, (gpointer) gtk_editable_get_text (g_ptr_array_index (self->prompt_entries, i)));
          g_ptr_array_add (answers, NULL);
          jg_prompt_respond (prompt, (const char * const *) answers->pdata);
        }
    }
  close_prompt (self);
}

static void
on_prompt (JgDiagnosis  *diagnosis,
           JgPrompt     *prompt,
           JgTestDialog *self)
{
  AdwMessageDialog *dialog;

  close_prompt (self);
  self->prompt = g_object_ref (prompt);
  self->prompt_entries = g_ptr_array_new ();
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), jg_prompt_get_message (prompt), NULL));
  if (jg_prompt_get_kind (prompt) == JG_PROMPT_HOST_KEY)
    {
      adw_message_dialog_format_body (dialog, _("Its %s key fingerprint is\n%s\n\nTrust it and add it to %s?"),
                                      jg_prompt_get_key_type (prompt), jg_prompt_get_fingerprint (prompt),
                                      jg_prompt_get_known_hosts_file (prompt));
      adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "ok", _("_Trust and Continue"), NULL);
    }
  else
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

      if (jg_prompt_get_instruction (prompt) != NULL && *jg_prompt_get_instruction (prompt) != '\0')
        adw_message_dialog_set_body (dialog, jg_prompt_get_instruction (prompt));
      for (guint i = 0; i < jg_prompt_get_n_questions (prompt); i++)
        {
          gboolean echo = FALSE;
          const char *question = jg_prompt_get_question (prompt, i, &echo);
          GtkWidget *entry = echo ? gtk_entry_new () : gtk_password_entry_new ();

          gtk_box_append (GTK_BOX (box), gtk_label_new (question));
          if (echo)
            gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
          else
            gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (entry), TRUE);
          gtk_box_append (GTK_BOX (box), entry);
          g_ptr_array_add (self->prompt_entries, entry);
        }
      adw_message_dialog_set_extra_child (dialog, box);
      adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "ok", _("_Continue"), NULL);
    }
  adw_message_dialog_set_response_appearance (dialog, "ok", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "ok");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_prompt_response), self);
  self->prompt_dialog = dialog;
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- running ------------------------------------------------------------ */

static void
on_run (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(JgTestDialog) self = user_data;

  jg_diagnosis_run_finish (JG_DIAGNOSIS (source), result, NULL);
  close_prompt (self);
  if (self->diagnosis == JG_DIAGNOSIS (source))
    update_summary (self);
}

void
jg_test_dialog_run (JgTestDialog *self)
{
  g_return_if_fail (JG_IS_TEST_DIALOG (self));

  if (jg_diagnosis_get_running (self->diagnosis))
    return;
  jg_diagnosis_run_async (self->diagnosis, NULL, on_run, g_object_ref (self));
  update_summary (self);
}

static void
build_rows (JgTestDialog *self)
{
  GPtrArray *checks = jg_diagnosis_get_checks (self->diagnosis);
  guint n_hops = jg_diagnosis_get_n_hops (self->diagnosis);
  AdwPreferencesGroup *group = NULL;
  guint hop = G_MAXUINT;

  for (guint i = 0; i < checks->len; i++)
    {
      JgCheck *check = g_ptr_array_index (checks, i);
      CheckRow r;

      if (check->hop != hop)
        {
          g_autofree char *description = NULL;

          hop = check->hop;
          if (hop + 1 < n_hops)
            description = g_strdup_printf (_("Jump host, hop %u of %u"), hop + 1, n_hops);
          else
            description = g_strdup_printf (_("The machine, hop %u of %u"), hop + 1, n_hops);
          group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
          adw_preferences_group_set_title (group, check->hop_name);
          adw_preferences_group_set_description (group, description);
          gtk_box_append (self->groups, GTK_WIDGET (group));
        }
      r.row = ADW_ACTION_ROW (adw_action_row_new ());
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (r.row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (r.row), jg_check_kind_get_label (check->kind));
      adw_action_row_set_subtitle_lines (r.row, 0);
      r.icon = GTK_IMAGE (gtk_image_new ());
      r.spinner = GTK_SPINNER (gtk_spinner_new ());
      adw_action_row_add_prefix (r.row, GTK_WIDGET (r.icon));
      adw_action_row_add_prefix (r.row, GTK_WIDGET (r.spinner));
      adw_preferences_group_add (group, GTK_WIDGET (r.row));
      g_array_append_val (self->rows, r);
      update_row (self, i);
    }
}

static void
test_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  JgTestDialog *self = JG_TEST_DIALOG (widget);

  if (g_str_equal (action_name, "test.run"))
    jg_test_dialog_run (self);
  else if (g_str_equal (action_name, "test.copy"))
    {
      g_autofree char *text = jg_diagnosis_format (self->diagnosis);

      gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
    }
}

static void
jg_test_dialog_dispose (GObject *object)
{
  JgTestDialog *self = JG_TEST_DIALOG (object);

  close_prompt (self);
  if (self->diagnosis != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->diagnosis, self);
      jg_diagnosis_cancel (self->diagnosis);
      g_clear_object (&self->diagnosis);
    }
  g_clear_object (&self->host);
  g_clear_object (&self->inventory);
  g_clear_pointer (&self->rows, g_array_unref);

  G_OBJECT_CLASS (jg_test_dialog_parent_class)->dispose (object);
}

static void
jg_test_dialog_class_init (JgTestDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jg_test_dialog_dispose;

  gtk_widget_class_install_action (widget_class, "test.run", NULL, test_action);
  gtk_widget_class_install_action (widget_class, "test.copy", NULL, test_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
jg_test_dialog_init (JgTestDialog *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *again = gtk_button_new_with_mnemonic (_("Test _Again"));
  GtkWidget *copy = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);

  self->rows = g_array_new (FALSE, TRUE, sizeof (CheckRow));
  gtk_window_set_title (GTK_WINDOW (self), _("Test Connection"));
  gtk_window_set_default_size (GTK_WINDOW (self), 560, 680);
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (again), "test.run");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (copy), "test.copy");
  gtk_widget_set_tooltip_text (copy, _("Copy the Report"));
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), again);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), copy);
  gtk_box_append (GTK_BOX (box), header);

  self->summary = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->summary, TRUE);
  gtk_label_set_xalign (self->summary, 0);
  gtk_label_set_selectable (self->summary, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->summary), "title-4");
  self->groups = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 18));
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->summary));
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->groups));
  gtk_widget_set_margin_top (content, 18);
  gtk_widget_set_margin_bottom (content, 18);
  gtk_widget_set_margin_start (content, 12);
  gtk_widget_set_margin_end (content, 12);
  adw_clamp_set_child (ADW_CLAMP (clamp), content);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_window_set_content (ADW_WINDOW (self), box);
}

JgTestDialog *
jg_test_dialog_new (GtkWindow   *parent,
                    JgInventory *inventory,
                    JgHost      *host)
{
  g_autoptr(GError) error = NULL;
  JgTestDialog *self;
  GtkWidget *title;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (JG_IS_INVENTORY (inventory), NULL);
  g_return_val_if_fail (JG_IS_HOST (host), NULL);

  self = g_object_new (JG_TYPE_TEST_DIALOG, "transient-for", parent, NULL);
  self->inventory = g_object_ref (inventory);
  self->host = g_object_ref (host);
  title = adw_window_title_new (_("Test Connection"), jg_host_get_name (host));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (gtk_widget_get_first_child (adw_window_get_content (ADW_WINDOW (self)))),
                                   title);

  self->diagnosis = jg_diagnosis_new (inventory, host, &error);
  if (self->diagnosis == NULL)
    {
      /* a broken chain: nothing to walk, say why */
      self->diagnosis = jg_diagnosis_new_for_chain (host, NULL);
      gtk_label_set_label (self->summary, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->summary), "error");
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "test.run", FALSE);
      gtk_window_present (GTK_WINDOW (self));
      return self;
    }
  g_signal_connect (self->diagnosis, "changed", G_CALLBACK (on_changed), self);
  g_signal_connect (self->diagnosis, "prompt", G_CALLBACK (on_prompt), self);
  build_rows (self);
  gtk_window_present (GTK_WINDOW (self));
  jg_test_dialog_run (self);
  return self;
}

JgDiagnosis *
jg_test_dialog_get_diagnosis (JgTestDialog *self)
{
  g_return_val_if_fail (JG_IS_TEST_DIALOG (self), NULL);
  return self->diagnosis;
}

gboolean
jg_test_dialog_get_running (JgTestDialog *self)
{
  g_return_val_if_fail (JG_IS_TEST_DIALOG (self), FALSE);
  return self->diagnosis != NULL && jg_diagnosis_get_running (self->diagnosis);
}

const char *
jg_test_dialog_get_summary (JgTestDialog *self)
{
  g_return_val_if_fail (JG_IS_TEST_DIALOG (self), NULL);
  return gtk_label_get_label (self->summary);
}
