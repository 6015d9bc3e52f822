/* jg-own-machine-wizard.c — "Add Your Own Machine"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "jg-install-script.h"
#include "jg-keys.h"
#include "jg-own-machine-wizard.h"

#define N_CHECKS 4

struct _JgOwnMachineWizard
{
  AdwWindow       parent_instance;

  JgInventory    *inventory;
  JgKeyList      *keys;
  GPtrArray      *key_choices;    /* key_row position - 1 → JgKey */
  GCancellable   *cancellable;    /* everything; cancelled when the wizard goes */

  char           *machine_id;
  char           *token;
  char           *address;
  guint           port;
  char           *user;
  char           *name;
  gboolean        create_user;
  JgKey          *key;
  gboolean        key_generated;
  gboolean        busy;
  char           *script;

  JgEnroll       *enroll;
  GCancellable   *wait_cancellable;
  guint           tick_id;
  guint           interval_ms;
  JgMachine      *machine;

  AdwWindowTitle *window_title;
  GtkWidget      *back_button;
  GtkWidget      *cancel_button;
  GtkWidget      *next_button;
  GtkStack       *stack;
  AdwActionRow   *firewall_row;
  AdwEntryRow    *address_row;
  AdwEntryRow    *port_row;
  AdwEntryRow    *user_row;
  GtkSwitch      *create_user_switch;
  AdwComboRow    *key_row;
  AdwEntryRow    *name_row;
  GtkLabel       *error_label;
  GtkLabel       *script_heading;
  GtkTextView    *script_view;
  GtkLabel       *run_hint;
  AdwPreferencesGroup *waiting_group;
  GtkListBox     *checklist;
  GtkLabel       *elapsed_label;
  GtkLabel       *status_label;
  GtkWidget      *retry_button;
  AdwStatusPage  *done_page;
  AdwActionRow   *check_rows[N_CHECKS];
  GtkImage       *check_icons[N_CHECKS];
};

G_DEFINE_FINAL_TYPE (JgOwnMachineWizard, jg_own_machine_wizard, ADW_TYPE_WINDOW)

enum
{
  MACHINE_ADDED,
  CONNECT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
row_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static void
mark (gpointer row,
      gboolean bad)
{
  if (bad)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

static const char *
current_page (JgOwnMachineWizard *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

static void
update_buttons (JgOwnMachineWizard *self)
{
  const char *page = current_page (self);
  gboolean requirements = g_str_equal (page, "requirements");
  gboolean done = g_str_equal (page, "done");

  gtk_widget_set_visible (self->back_button, !requirements && !done);
  gtk_widget_set_visible (self->next_button, !done && !g_str_equal (page, "waiting"));
  gtk_button_set_label (GTK_BUTTON (self->cancel_button), done ? _("_Close") : _("_Cancel"));
  gtk_button_set_label (GTK_BUTTON (self->next_button),
                        g_str_equal (page, "script") ? _("_Wait for the Machine") : _("_Next"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.back", !self->busy);
}

/* ------------------------------------------------------ 1. requirements */

static gboolean
validate (JgOwnMachineWizard *self)
{
  g_autofree char *address = row_text (self->address_row);
  g_autofree char *port_text = row_text (self->port_row);
  g_autofree char *user = row_text (self->user_row);
  g_autoptr(GError) address_error = NULL;
  g_autoptr(GError) port_error = NULL;
  g_autoptr(GError) user_error = NULL;
  g_autofree char *firewall = NULL;
  guint port = 22;
  gboolean address_ok, port_ok, user_ok;
  GError *first = NULL;

  address_ok = jg_install_script_check_address (address, &address_error);
  port_ok = jg_install_script_parse_port (port_text, &port, &port_error);
  user_ok = jg_install_script_check_user (user, &user_error);
  /* Empty fields are not wrong yet: no red before something was typed. */
  mark (self->address_row, !address_ok && address[0] != '\0');
  mark (self->port_row, !port_ok);
  mark (self->user_row, !user_ok && user[0] != '\0');

  if (!address_ok && address[0] != '\0')
    first = address_error;
  else if (!port_ok)
    first = port_error;
  else if (!user_ok && user[0] != '\0')
    first = user_error;
  gtk_label_set_text (self->error_label, first != NULL ? first->message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), first != NULL);

  firewall = g_strdup_printf (_("Port %u (or the one you choose) reachable; Jumpgate needs no other port"),
                              port_ok ? port : 22);
  adw_action_row_set_subtitle (self->firewall_row, firewall);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.next",
                                 address_ok && port_ok && user_ok && !self->busy);
  return address_ok && port_ok && user_ok;
}

static void
fill_keys (JgOwnMachineWizard *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->keys));

  gtk_string_list_append (names, _("A new key for this machine"));
  g_ptr_array_set_size (self->key_choices, 0);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JgKey) key = g_list_model_get_item (G_LIST_MODEL (self->keys), i);
      g_autofree char *label = NULL;

      if (jg_key_get_id (key) == NULL || key == self->key)
        continue;
      label = g_strdup_printf ("%s (%s)", jg_key_get_name (key), jg_key_get_type_label (key));
      gtk_string_list_append (names, label);
      g_ptr_array_add (self->key_choices, g_object_ref (key));
    }
  adw_combo_row_set_model (self->key_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (self->key_row, 0);
}

static void
on_field_changed (JgOwnMachineWizard *self)
{
  validate (self);
}

/* ------------------------------------------------------------ 2. script */

static void
show_script (JgOwnMachineWizard *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *public_line = jg_key_dup_public_line (self->key);
  g_autofree char *heading = NULL;
  g_autofree char *file_name = jg_install_script_file_name (self->address);
  g_autofree char *hint = NULL;
  JgInstallScriptParams params = { 0 };

  params.machine_id = self->machine_id;
  params.address = self->address;
  params.port = self->port;
  params.user = self->user;
  params.create_user = self->create_user;
  params.public_key = public_line;
  params.token = self->token;
  g_free (self->script);
  self->script = jg_install_script_generate (&params, &error);
  if (self->script == NULL)
    {
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }

  heading = g_strdup_printf (_("Run this script as root on %s"), self->address);
  gtk_label_set_text (self->script_heading, heading);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->script_view), self->script, -1);
  hint = g_strdup_printf (_("Save it as %s and run “sudo sh %s” there, or paste it into a root shell."),
                          file_name, file_name);
  gtk_label_set_text (self->run_hint, hint);
  gtk_stack_set_visible_child_name (self->stack, "script");
  update_buttons (self);
}

static void
on_key_generated (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  g_autoptr(JgOwnMachineWizard) self = data;
  g_autoptr(GError) error = NULL;
  JgKey *key = jg_keys_generate_finish (JG_KEY_LIST (source), result, &error);

  self->busy = FALSE;
  if (key == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *text = g_strdup_printf (_("No key could be made for the machine: %s"),
                                                   error->message);
          gtk_label_set_text (self->error_label, text);
          gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
          validate (self);
          update_buttons (self);
        }
      return;
    }
  g_set_object (&self->key, key);
  g_object_unref (key);
  self->key_generated = TRUE;
  validate (self);
  show_script (self);
}

static void
leave_requirements (JgOwnMachineWizard *self)
{
  guint selected = adw_combo_row_get_selected (self->key_row);

  if (!validate (self) || self->busy)
    return;

  g_free (self->address);
  self->address = row_text (self->address_row);
  g_free (self->user);
  self->user = row_text (self->user_row);
  {
    g_autofree char *port_text = row_text (self->port_row);

    jg_install_script_parse_port (port_text, &self->port, NULL);
  }
  g_free (self->name);
  self->name = row_text (self->name_row);
  self->create_user = gtk_switch_get_active (self->create_user_switch);

  if (selected > 0 && selected <= self->key_choices->len)
    {
      g_set_object (&self->key, g_ptr_array_index (self->key_choices, selected - 1));
      show_script (self);
      return;
    }
  if (self->key != NULL && self->key_generated)
    {
      show_script (self);   /* back and forth: the key made the first time */
      return;
    }

  {
    g_autofree char *name = g_strdup_printf (_("Jumpgate key for %s"), self->address);

    self->busy = TRUE;
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.next", FALSE);
    jg_keys_generate_async (self->keys, JG_KEY_TYPE_ED25519, name, NULL, self->cancellable,
                            on_key_generated, g_object_ref (self));
  }
}

/* ----------------------------------------------------------- 3. waiting */

static void
update_elapsed (JgOwnMachineWizard *self)
{
  gint64 started = self->enroll != NULL ? jg_enroll_get_started (self->enroll) : 0;
  gint64 seconds = started > 0 ? (g_get_monotonic_time () - started) / G_USEC_PER_SEC : 0;
  g_autofree char *text = NULL;

  /* Translators: minutes and seconds the wizard has been waiting */
  text = g_strdup_printf (_("Waiting for %d:%02d"), (int) (seconds / 60), (int) (seconds % 60));
  gtk_label_set_text (self->elapsed_label, text);
}

static gboolean
on_tick (gpointer data)
{
  update_elapsed (JG_OWN_MACHINE_WIZARD (data));
  return G_SOURCE_CONTINUE;
}

static void
update_checklist (JgOwnMachineWizard *self)
{
  JgEnrollStep reached = self->enroll != NULL ? jg_enroll_get_reached (self->enroll)
                                              : JG_ENROLL_STEP_NONE;

  for (guint i = 0; i < N_CHECKS; i++)
    {
      gboolean ok = reached >= (JgEnrollStep) (i + 1);

      gtk_image_set_from_icon_name (self->check_icons[i],
                                    ok ? "emblem-ok-symbolic" : "content-loading-symbolic");
      if (ok)
        {
          gtk_widget_add_css_class (GTK_WIDGET (self->check_icons[i]), "success");
          gtk_widget_remove_css_class (GTK_WIDGET (self->check_icons[i]), "dim-label");
        }
      else
        {
          gtk_widget_remove_css_class (GTK_WIDGET (self->check_icons[i]), "success");
          gtk_widget_add_css_class (GTK_WIDGET (self->check_icons[i]), "dim-label");
        }
    }
}

static void
on_enroll_notify (JgOwnMachineWizard *self)
{
  const char *status = jg_enroll_get_status (self->enroll);

  update_checklist (self);
  gtk_label_set_text (self->status_label, status != NULL ? status : "");
}

static void
stop_waiting (JgOwnMachineWizard *self)
{
  if (self->wait_cancellable != NULL)
    g_cancellable_cancel (self->wait_cancellable);
  g_clear_object (&self->wait_cancellable);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->enroll != NULL)
    g_signal_handlers_disconnect_by_data (self->enroll, self);
}

static void
on_wait_done (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(JgOwnMachineWizard) self = data;
  g_autoptr(GError) error = NULL;
  JgEnroll *enroll = JG_ENROLL (source);
  g_autofree char *title = NULL;
  g_autofree char *description = NULL;

  if (!jg_enroll_wait_finish (enroll, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || enroll != self->enroll)
        return;
      g_clear_handle_id (&self->tick_id, g_source_remove);
      update_checklist (self);
      gtk_label_set_text (self->status_label, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
      gtk_widget_set_visible (self->retry_button, TRUE);
      return;
    }
  if (enroll != self->enroll)
    return;
  stop_waiting (self);

  self->machine = jg_enroll_create_machine (enroll, self->name);
  if (self->name == NULL || self->name[0] == '\0' ||
      jg_inventory_find_by_name (self->inventory, self->name) != NULL)
    {
      g_autofree char *unique = jg_inventory_make_unique_name (self->inventory,
                                                               self->name != NULL && self->name[0] != '\0'
                                                               ? self->name : self->address);
      jg_host_set_name (JG_HOST (self->machine), unique);
    }
  jg_inventory_add (self->inventory, JG_HOST (self->machine));
  self->key_generated = FALSE;   /* in use now: kept */
  g_signal_emit (self, signals[MACHINE_ADDED], 0, self->machine);

  title = g_strdup_printf (_("%s Is Added"), jg_host_get_name (JG_HOST (self->machine)));
  description = g_strdup_printf (_("It is under Your Own Machines. Its host key %s was saved: "
                                   "the machine proved it ran the script."),
                                 jg_enroll_get_host_key_fingerprint (enroll));
  adw_status_page_set_title (self->done_page, title);
  adw_status_page_set_description (self->done_page, description);
  gtk_stack_set_visible_child_name (self->stack, "done");
  update_buttons (self);
}

static void
start_waiting (JgOwnMachineWizard *self)
{
  g_autofree char *title = NULL;
  g_autofree char *port_check = NULL;

  stop_waiting (self);
  g_clear_object (&self->enroll);
  self->enroll = jg_enroll_new (self->machine_id, self->address, self->port, self->user,
                                self->token);
  jg_enroll_set_key_id (self->enroll, jg_key_get_id (self->key));
  if (self->interval_ms > 0)
    jg_enroll_set_interval (self->enroll, self->interval_ms);
  g_signal_connect_object (self->enroll, "notify::reached", G_CALLBACK (on_enroll_notify), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->enroll, "notify::status", G_CALLBACK (on_enroll_notify), self,
                           G_CONNECT_SWAPPED);

  title = g_strdup_printf (_("Waiting for %s"), self->address);
  adw_preferences_group_set_title (self->waiting_group, title);
  adw_preferences_group_set_description (self->waiting_group,
                                         _("Run the script on the machine; this list follows what "
                                           "Jumpgate sees, every two seconds."));
  port_check = g_strdup_printf (_("Port %u open"), self->port);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->check_rows[0]), port_check);
  gtk_label_set_text (self->status_label, _("Connecting…"));
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
  gtk_widget_set_visible (self->retry_button, FALSE);
  update_checklist (self);

  self->wait_cancellable = g_cancellable_new ();
  jg_enroll_wait_async (self->enroll, self->wait_cancellable, on_wait_done, g_object_ref (self));
  update_elapsed (self);
  self->tick_id = g_timeout_add_seconds (1, on_tick, self);
  gtk_stack_set_visible_child_name (self->stack, "waiting");
  update_buttons (self);
}

/* -------------------------------------------------------------- actions */

static void
on_save_response (GtkNativeDialog *dialog,
                  int              response,
                  gpointer         data)
{
  JgOwnMachineWizard *self = data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;

      /* It holds the enrollment token: for its owner only. */
      if (path == NULL ||
          !g_file_set_contents_full (path, self->script, -1, G_FILE_SET_CONTENTS_CONSISTENT,
                                     0600, &error))
        {
          AdwMessageDialog *message = ADW_MESSAGE_DIALOG (
            adw_message_dialog_new (GTK_WINDOW (self), _("The Script Was Not Saved"),
                                    error != NULL ? error->message : _("Choose a local file.")));

          adw_message_dialog_add_response (message, "close", _("_Close"));
          gtk_window_present (GTK_WINDOW (message));
        }
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
wizard_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  JgOwnMachineWizard *self = JG_OWN_MACHINE_WIZARD (widget);
  const char *page = current_page (self);

  if (g_str_equal (action_name, "wizard.next"))
    {
      if (g_str_equal (page, "requirements"))
        leave_requirements (self);
      else if (g_str_equal (page, "script"))
        start_waiting (self);
    }
  else if (g_str_equal (action_name, "wizard.back"))
    {
      if (g_str_equal (page, "waiting"))
        {
          stop_waiting (self);
          gtk_stack_set_visible_child_name (self->stack, "script");
        }
      else if (g_str_equal (page, "script"))
        gtk_stack_set_visible_child_name (self->stack, "requirements");
      update_buttons (self);
      validate (self);
    }
  else if (g_str_equal (action_name, "wizard.retry"))
    start_waiting (self);
  else if (g_str_equal (action_name, "wizard.copy") && self->script != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->script);
  else if (g_str_equal (action_name, "wizard.save") && self->script != NULL)
    {
      g_autofree char *file_name = jg_install_script_file_name (self->address);
      GtkFileChooserNative *dialog =
        gtk_file_chooser_native_new (_("Save the Install Script"), GTK_WINDOW (self),
                                     GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));

      gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), file_name);
      g_signal_connect_object (dialog, "response", G_CALLBACK (on_save_response), self, 0);
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
    }
  else if (g_str_equal (action_name, "wizard.connect") && self->machine != NULL)
    {
      g_signal_emit (self, signals[CONNECT], 0, JG_HOST (self->machine));
      gtk_window_close (GTK_WINDOW (self));
    }
}

/* ------------------------------------------------------------- GObject */

static void
jg_own_machine_wizard_dispose (GObject *object)
{
  JgOwnMachineWizard *self = JG_OWN_MACHINE_WIZARD (object);

  stop_waiting (self);
  g_cancellable_cancel (self->cancellable);
  /* A key made for a machine that never came is not kept. */
  if (self->key_generated && self->key != NULL)
    {
      jg_keys_delete_async (self->keys, self->key, NULL, NULL, NULL);
      self->key_generated = FALSE;
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), JG_TYPE_OWN_MACHINE_WIZARD);
  g_clear_object (&self->enroll);
  g_clear_object (&self->machine);
  g_clear_object (&self->key);
  g_clear_pointer (&self->key_choices, g_ptr_array_unref);
  g_clear_object (&self->keys);
  g_clear_object (&self->inventory);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (jg_own_machine_wizard_parent_class)->dispose (object);
}

static void
jg_own_machine_wizard_finalize (GObject *object)
{
  JgOwnMachineWizard *self = JG_OWN_MACHINE_WIZARD (object);

  g_free (self->machine_id);
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  g_free (self->address);
  g_free (self->user);
  g_free (self->name);
  g_free (self->script);

  G_OBJECT_CLASS (jg_own_machine_wizard_parent_class)->finalize (object);
}

static void
jg_own_machine_wizard_class_init (JgOwnMachineWizardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jg_own_machine_wizard_dispose;
  object_class->finalize = jg_own_machine_wizard_finalize;

  signals[MACHINE_ADDED] =
    g_signal_new ("machine-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, JG_TYPE_MACHINE);
  signals[CONNECT] =
    g_signal_new ("connect", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, JG_TYPE_HOST);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/jumpgate/Jumpgate/jg-own-machine-wizard.ui");
  gtk_widget_class_bind_template_child (widget_class, JgOwnMachineWizard, window_title);
  gtk_widget_class_bind_template_child (widget_class, JgOwnMachineWizard, back_button);
  gtk_widget_class_bind_template_child (widget_class, JgOwnMachineWizard, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, JgOwnMachineWizard, next_button);
  gtk_widget_class_bind_template_child (widget_class, JgOwnMachineWizard, stack);
  gtk_widget_class_bind_template_child (widget_class, JgOwnMachineWizard, firewall_row);
  gtk_widget_class_bind_template_child (widget_class, JgOwnMachineWizard, address_row);
  gtk_widget_class_bind_template_child (widget_class, JgOwnMachineWizard, port_row);
  gtk_widget_class_bind_template_child (widget_class, JgOwnMachineWizard, user_row);
  gtk_widget_class_bind_template_child (widget_class, JgOwnMachineWizard, create_user_switch);
  gtk_widget_class_bind_template_child (widget_class, JgOwnMachineWizard, key_row);
  gtk_widget_class_bind_template_child (widget_class, JgOwnMachineWizard, name_row);
  gtk_widget_class_bind_template_child (widget_class, JgOwnMachineWizard, error_label);
  gtk_widget_class_bind_template_child (widget_class, JgOwnMachineWizard, script_heading);
  gtk_widget_class_bind_template_child (widget_class, JgOwnMachineWizard, script_view);
  gtk_widget_class_bind_template_child (widget_class, JgOwnMachineWizard, run_hint);
  gtk_widget_class_bind_template_child (widget_class, JgOwnMachineWizard, waiting_group);
  gtk_widget_class_bind_template_child (widget_class, JgOwnMachineWizard, checklist);
  gtk_widget_class_bind_template_child (widget_class, JgOwnMachineWizard, elapsed_label);
  gtk_widget_class_bind_template_child (widget_class, JgOwnMachineWizard, status_label);
  gtk_widget_class_bind_template_child (widget_class, JgOwnMachineWizard, retry_button);
  gtk_widget_class_bind_template_child (widget_class, JgOwnMachineWizard, done_page);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);

  gtk_widget_class_install_action (widget_class, "wizard.next", NULL, wizard_action);
  gtk_widget_class_install_action (widget_class, "wizard.back", NULL, wizard_action);
  gtk_widget_class_install_action (widget_class, "wizard.retry", NULL, wizard_action);
  gtk_widget_class_install_action (widget_class, "wizard.copy", NULL, wizard_action);
  gtk_widget_class_install_action (widget_class, "wizard.save", NULL, wizard_action);
  gtk_widget_class_install_action (widget_class, "wizard.connect", NULL, wizard_action);
}

static void
jg_own_machine_wizard_init (JgOwnMachineWizard *self)
{
  const char *checks[N_CHECKS] = {
    N_("Port open"),
    N_("SSH server answers"),
    N_("Jumpgate’s key accepted"),
    N_("Enrollment token matched: it is the machine that ran the script"),
  };

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->key_choices = g_ptr_array_new_with_free_func (g_object_unref);
  self->machine_id = g_uuid_string_random ();
  self->token = jg_install_script_new_token ();

  for (guint i = 0; i < N_CHECKS; i++)
    {
      self->check_rows[i] = ADW_ACTION_ROW (adw_action_row_new ());
      self->check_icons[i] = GTK_IMAGE (gtk_image_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->check_rows[i]), _(checks[i]));
      adw_action_row_add_prefix (self->check_rows[i], GTK_WIDGET (self->check_icons[i]));
      gtk_list_box_append (self->checklist, GTK_WIDGET (self->check_rows[i]));
    }
  gtk_editable_set_text (GTK_EDITABLE (self->user_row), g_get_user_name ());
}

JgOwnMachineWizard *
jg_own_machine_wizard_new (JgInventory *inventory,
                           JgKeyList   *keys)
{
  JgOwnMachineWizard *self;

  g_return_val_if_fail (JG_IS_INVENTORY (inventory), NULL);
  g_return_val_if_fail (JG_IS_KEY_LIST (keys), NULL);

  self = g_object_new (JG_TYPE_OWN_MACHINE_WIZARD, NULL);
  self->inventory = g_object_ref (inventory);
  self->keys = g_object_ref (keys);
  fill_keys (self);
  validate (self);
  update_buttons (self);
  return self;
}

const char *
jg_own_machine_wizard_get_page (JgOwnMachineWizard *self)
{
  g_return_val_if_fail (JG_IS_OWN_MACHINE_WIZARD (self), NULL);
  return current_page (self);
}

const char *
jg_own_machine_wizard_get_script (JgOwnMachineWizard *self)
{
  g_return_val_if_fail (JG_IS_OWN_MACHINE_WIZARD (self), NULL);
  return self->script;
}

JgEnroll *
jg_own_machine_wizard_get_enroll (JgOwnMachineWizard *self)
{
  g_return_val_if_fail (JG_IS_OWN_MACHINE_WIZARD (self), NULL);
  return self->enroll;
}

JgMachine *
jg_own_machine_wizard_get_machine (JgOwnMachineWizard *self)
{
  g_return_val_if_fail (JG_IS_OWN_MACHINE_WIZARD (self), NULL);
  return self->machine;
}

void
jg_own_machine_wizard_set_interval (JgOwnMachineWizard *self,
                                    guint               milliseconds)
{
  g_return_if_fail (JG_IS_OWN_MACHINE_WIZARD (self));
  self->interval_ms = milliseconds;
}
