/* jg-machine-editor.c — edit a machine or jump host, or add a new one
 *
 * Nothing changes until Save; a field that is not valid is marked where it
 * is, with the reason below the fields, and Save stays off.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "jg-destination.h"
#include "jg-install-key.h"
#include "jg-install-script.h"
#include "jg-key-list.h"
#include "jg-machine-editor.h"
#include "jg-test-dialog.h"
#include "jg-rules-group.h"
#include "jg-secrets.h"

struct _JgMachineEditor
{
  AdwWindow             parent_instance;

  JgInventory          *inventory;
  JgHost               *host;
  GPtrArray            *jump_ids;   /* index in jump_row → id, [0] = NULL */
  gboolean              is_new;
  gboolean              valid;
  gboolean              jump_chosen;   /* the person chose the jump host: rules stay out */
  gboolean              jump_by_rule;  /* the jump host was set from a rule */
  guint                 jump_default;  /* what it was before a rule set it */

  AdwViewSwitcherTitle *switcher_title;
  GtkWidget            *save_button;
  AdwEntryRow          *name_row;
  AdwComboRow          *kind_row;
  AdwEntryRow          *host_row;
  AdwEntryRow          *port_row;
  AdwEntryRow          *user_row;
  AdwComboRow          *jump_row;
  GtkLabel             *error_label;
  AdwComboRow          *auth_row;
  AdwEntryRow          *key_file_row;
  GtkWidget            *identities_only_row;
  GtkSwitch            *identities_only_switch;
  GtkWidget            *remember_row;
  GtkSwitch            *remember_switch;
  GtkSwitch            *forward_agent_switch;
  GtkSpinButton        *keepalive_spin;
  AdwEntryRow          *known_hosts_row;
  AdwEntryRow          *term_row;
  GtkWidget            *remove_group;
  GtkWidget            *disconnect_row;
  JgRulesGroup         *rules_group;
  AdwComboRow          *jg_key_row;
  GtkWidget            *install_key_row;
  JgKeyList            *keys;        /* the keys Jumpgate holds, read when opened */
  GPtrArray            *key_ids;     /* index in jg_key_row → key id */
};

G_DEFINE_FINAL_TYPE (JgMachineEditor, jg_machine_editor, ADW_TYPE_WINDOW)

enum {
  REMOVE_REQUESTED,
  DISCONNECT_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The auth combo lists the methods in JgAuthMethod order. */
G_STATIC_ASSERT (JG_AUTH_AUTO == 0 && JG_AUTH_AGENT == 1 && JG_AUTH_KEY_FILE == 2
                 && JG_AUTH_KEY == 3 && JG_AUTH_PASSWORD == 4);

static char *
row_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static void
mark (gpointer  row,
      gboolean  bad)
{
  if (bad)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

static gboolean
valid_hostname (const char *s)
{
  if (s[0] == '\0' || s[0] == '-')
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-._:%", *p) == NULL && !((guchar) *p >= 0x80))
      return FALSE;
  return TRUE;
}

static gboolean
valid_user (const char *s)
{
  for (const char *p = s; *p; p++)
    if (g_ascii_isspace (*p) || *p == '@' || *p == ':' || *p == '/' || g_ascii_iscntrl (*p))
      return FALSE;
  return TRUE;
}

static gboolean
parse_port (const char *s,
            guint      *port)
{
  guint64 value;

  if (s[0] == '\0')
    {
      *port = 0;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (s, 10, 1, 65535, &value, NULL))
    return FALSE;
  *port = (guint) value;
  return TRUE;
}

static const char *
selected_jump_id (JgMachineEditor *self)
{
  guint selected = adw_combo_row_get_selected (self->jump_row);

  if (selected == GTK_INVALID_LIST_POSITION || selected >= self->jump_ids->len)
    return NULL;
  return g_ptr_array_index (self->jump_ids, selected);
}

static gboolean
is_own_selected (JgMachineEditor *self)
{
  return JG_IS_MACHINE (self->host) && adw_combo_row_get_selected (self->kind_row) == 1;
}

/* The Jumpgate key chosen, for JG_AUTH_KEY; another method keeps the
 * key-id as it was. */
static void
apply_key_choice (JgMachineEditor *self,
                  JgHost          *host)
{
  guint selected = adw_combo_row_get_selected (self->jg_key_row);

  if (adw_combo_row_get_selected (self->auth_row) == JG_AUTH_KEY && selected < self->key_ids->len)
    jg_host_set_key_id (host, g_ptr_array_index (self->key_ids, selected));
}

static void
validate (JgMachineEditor *self)
{
  g_autofree char *name = row_text (self->name_row);
  g_autofree char *hostname = row_text (self->host_row);
  g_autofree char *port_text = row_text (self->port_row);
  g_autofree char *user = row_text (self->user_row);
  g_autofree char *key_file = row_text (self->key_file_row);
  g_autofree char *term = row_text (self->term_row);
  const char *jump_id = selected_jump_id (self);
  JgAuthMethod auth = adw_combo_row_get_selected (self->auth_row);
  const char *problem = NULL;
  g_autofree char *problem_owned = NULL;
  JgHost *same_name;
  guint port;

  if (self->inventory == NULL)
    return;   /* still being built */

  mark (self->name_row, FALSE);
  mark (self->host_row, FALSE);
  mark (self->port_row, FALSE);
  mark (self->user_row, FALSE);
  mark (self->jump_row, FALSE);
  mark (self->key_file_row, FALSE);
  mark (self->term_row, FALSE);

  same_name = jg_inventory_find_by_name (self->inventory, name);
  if (name[0] == '\0')
    {
      mark (self->name_row, TRUE);
      problem = _("Give it a name.");
    }
  else if (same_name != NULL && same_name != self->host)
    {
      mark (self->name_row, TRUE);
      problem = problem_owned = g_strdup_printf (_("“%s” is already the name of another machine."), name);
    }

  if (!valid_hostname (hostname))
    {
      mark (self->host_row, TRUE);
      if (problem == NULL)
        problem = hostname[0] == '\0' ? _("Enter the host name or IP address.")
                                      : _("The host name can only have letters, digits, “.”, “-” and “:”.");
    }
  if (!parse_port (port_text, &port))
    {
      mark (self->port_row, TRUE);
      if (problem == NULL)
        problem = _("The port is a number from 1 to 65535.");
    }
  if (!valid_user (user))
    {
      mark (self->user_row, TRUE);
      if (problem == NULL)
        problem = _("The user name cannot contain spaces, “@” or “:”.");
    }
  if (jump_id != NULL)
    {
      JgHost *jump = jg_inventory_find_by_id (self->inventory, jump_id);
      g_autoptr(GPtrArray) chain = jump ? jg_inventory_get_chain (self->inventory, jump, NULL) : NULL;

      if (jump == self->host || (chain != NULL && g_ptr_array_find (chain, self->host, NULL)))
        {
          mark (self->jump_row, TRUE);
          if (problem == NULL)
            problem = _("This jump host goes through this machine itself: choose another one.");
        }
    }
  if (auth == JG_AUTH_KEY_FILE && key_file[0] == '\0')
    {
      mark (self->key_file_row, TRUE);
      if (problem == NULL)
        problem = _("Choose the key file, or another authentication method.");
    }
  for (const char *p = term; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-._+", *p) == NULL)
      {
        mark (self->term_row, TRUE);
        if (problem == NULL)
          problem = _("The terminal type can only have letters, digits, “-”, “.”, “_” and “+”.");
        break;
      }

  mark (self->jg_key_row, FALSE);
  if (auth == JG_AUTH_KEY && self->key_ids->len == 0)
    {
      mark (self->jg_key_row, TRUE);
      if (problem == NULL)
        problem = _("Jumpgate holds no key yet: generate or import one in Preferences → Keys, or choose another method.");
    }

  if (JG_IS_JUMP_HOST (self->host) && problem == NULL)
    problem = jg_rules_group_get_problem (self->rules_group);

  gtk_widget_set_visible (GTK_WIDGET (self->key_file_row), auth == JG_AUTH_KEY_FILE);
  gtk_widget_set_visible (self->identities_only_row, auth == JG_AUTH_KEY_FILE);
  /* a password, or a key file's passphrase */
  gtk_widget_set_visible (self->remember_row, auth == JG_AUTH_PASSWORD || auth == JG_AUTH_AUTO ||
                                              auth == JG_AUTH_KEY_FILE);
  gtk_widget_set_visible (GTK_WIDGET (self->jg_key_row), auth == JG_AUTH_KEY);
  /* installing a key logs in to the saved machine as it is saved */
  gtk_widget_set_visible (self->install_key_row, !self->is_new);
  /* Your own machine is reached directly, a virtual machine through a jump host. */
  gtk_widget_set_visible (GTK_WIDGET (self->jump_row), !is_own_selected (self) || jump_id != NULL);

  gtk_label_set_label (self->error_label, problem);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), problem != NULL);
  self->valid = problem == NULL;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save", self->valid);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.test", self->valid);
}

gboolean
jg_machine_editor_is_valid (JgMachineEditor *self)
{
  g_return_val_if_fail (JG_IS_MACHINE_EDITOR (self), FALSE);
  return self->valid;
}

static void
set_text_or_null (JgHost     *host,
                  void      (*setter) (JgHost *, const char *),
                  const char *text)
{
  setter (host, text[0] != '\0' ? text : NULL);
}

/* Writes the fields into @host: the edited one on Save, a copy to test. */
static void
apply_fields (JgMachineEditor *self,
              JgHost          *host)
{
  g_autofree char *name = row_text (self->name_row);
  g_autofree char *hostname = row_text (self->host_row);
  g_autofree char *port_text = row_text (self->port_row);
  g_autofree char *user = row_text (self->user_row);
  g_autofree char *key_file = row_text (self->key_file_row);
  g_autofree char *known_hosts = row_text (self->known_hosts_row);
  g_autofree char *term = row_text (self->term_row);
  JsonObject *extra;
  guint port = 0;

  parse_port (port_text, &port);
  g_object_freeze_notify (G_OBJECT (host));
  jg_host_set_name (host, name);
  jg_host_set_hostname (host, hostname);
  jg_host_set_port (host, port);
  set_text_or_null (host, jg_host_set_user, user);
  jg_host_set_jump_id (host, selected_jump_id (self));
  if (JG_IS_MACHINE (host))
    jg_machine_set_kind (JG_MACHINE (host),
                         is_own_selected (self) ? JG_MACHINE_KIND_OWN : JG_MACHINE_KIND_VIRTUAL);
  jg_host_set_auth (host, adw_combo_row_get_selected (self->auth_row));
  apply_key_choice (self, host);
  set_text_or_null (host, jg_host_set_identity_file, key_file);
  jg_host_set_identities_only (host, gtk_switch_get_active (self->identities_only_switch));
  jg_host_set_remember_password (host, gtk_switch_get_active (self->remember_switch));
  jg_host_set_forward_agent (host, gtk_switch_get_active (self->forward_agent_switch));
  jg_host_set_keepalive_interval (host, gtk_spin_button_get_value_as_int (self->keepalive_spin));
  set_text_or_null (host, jg_host_set_known_hosts_file, known_hosts);

  extra = jg_host_get_extra (host);
  if (term[0] != '\0' || (extra != NULL && json_object_has_member (extra, "term")))
    {
      g_autoptr(JsonObject) copy = json_object_new ();

      if (extra != NULL)
        {
          JsonObjectIter iter;
          const char *member;
          JsonNode *node;

          json_object_iter_init (&iter, extra);
          while (json_object_iter_next (&iter, &member, &node))
            if (!g_str_equal (member, "term"))
              json_object_set_member (copy, member, json_node_copy (node));
        }
      if (term[0] != '\0')
        json_object_set_string_member (copy, "term", term);
      jg_host_set_extra (host, json_object_get_size (copy) > 0 ? copy : NULL);
    }
  g_object_thaw_notify (G_OBJECT (host));
}

gboolean
jg_machine_editor_save (JgMachineEditor *self)
{
  gboolean remembered;

  g_return_val_if_fail (JG_IS_MACHINE_EDITOR (self), FALSE);

  validate (self);
  if (!self->valid)
    return FALSE;

  remembered = jg_host_get_remember_password (self->host);
  apply_fields (self, self->host);
  /* "Remember Password" turned off: what the keyring kept for it goes */
  if (remembered && !jg_host_get_remember_password (self->host) && !self->is_new)
    {
      jg_secrets_clear_async (jg_host_get_id (self->host), JG_SECRET_PASSWORD, NULL, NULL, NULL);
      jg_secrets_clear_async (jg_host_get_id (self->host), JG_SECRET_PASSPHRASE, NULL, NULL, NULL);
    }
  if (JG_IS_JUMP_HOST (self->host))
    {
      g_autoptr(GPtrArray) rules = jg_rules_group_dup_rules (self->rules_group);

      jg_jump_host_set_rules (JG_JUMP_HOST (self->host), rules);
    }

  if (self->is_new && jg_inventory_find_by_id (self->inventory, jg_host_get_id (self->host)) == NULL)
    jg_inventory_add (self->inventory, self->host);
  self->is_new = FALSE;
  return TRUE;
}

/* A new virtual machine: its jump host follows the first rule that matches
 * the host name as it is typed, until the person chooses one. */
static void
on_host_changed (JgMachineEditor *self)
{
  g_autofree char *hostname = NULL;
  const JgJumpRule *rule;
  JgJumpHost *jump = NULL;
  guint index = GTK_INVALID_LIST_POSITION;

  if (self->inventory == NULL || !self->is_new || !JG_IS_MACHINE (self->host) ||
      is_own_selected (self) || self->jump_chosen)
    return;
  hostname = row_text (self->host_row);
  rule = jg_inventory_match_rule (self->inventory, hostname, &jump, NULL);
  if (rule != NULL)
    {
      g_autofree char *subtitle = g_strdup_printf (_("From the rule %s"), rule->patterns);

      for (guint i = 1; i < self->jump_ids->len; i++)
        if (g_strcmp0 (g_ptr_array_index (self->jump_ids, i), jg_host_get_id (JG_HOST (jump))) == 0)
          index = i;
      if (index == GTK_INVALID_LIST_POSITION)
        return;
      if (!self->jump_by_rule)
        self->jump_default = adw_combo_row_get_selected (self->jump_row);
      adw_combo_row_set_selected (self->jump_row, index);
      self->jump_chosen = FALSE;
      self->jump_by_rule = TRUE;
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->jump_row), subtitle);
    }
  else if (self->jump_by_rule)
    {
      self->jump_by_rule = FALSE;
      adw_combo_row_set_selected (self->jump_row, self->jump_default);
      self->jump_chosen = FALSE;
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->jump_row), NULL);
    }
}

static void
on_jump_selected (JgMachineEditor *self)
{
  /* Set by on_host_changed (), which clears this again, or by the person. */
  self->jump_chosen = TRUE;
  if (self->jump_by_rule)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->jump_row), NULL);
  self->jump_by_rule = FALSE;
}

static void
on_entry_activated (JgMachineEditor *self)
{
  if (self->valid)
    gtk_widget_activate_action (GTK_WIDGET (self), "editor.save", NULL);
}

static void
on_key_chosen (GtkNativeDialog *dialog,
               int              response,
               JgMachineEditor *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path != NULL)
        gtk_editable_set_text (GTK_EDITABLE (self->key_file_row), path);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

/* The keys Jumpgate holds, the host's one selected; a key that is gone
 * stays visible as missing. */
static void
load_keys (JgMachineEditor *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GError) error = NULL;
  const char *key_id = jg_host_get_key_id (self->host);
  guint selected = 0;
  guint n;

  self->keys = jg_key_list_get_default (&error);
  if (self->keys == NULL)
    {
      g_warning ("Could not read the keys: %s", error->message);
      self->keys = jg_key_list_new (NULL);
    }
  else
    g_object_ref (self->keys);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->keys));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JgKey) key = g_list_model_get_item (G_LIST_MODEL (self->keys), i);
      g_autofree char *label = g_strdup_printf ("%s (%s)", jg_key_get_name (key),
                                                jg_key_get_type_label (key));

      if (g_strcmp0 (jg_key_get_id (key), key_id) == 0)
        selected = self->key_ids->len;
      gtk_string_list_append (names, label);
      g_ptr_array_add (self->key_ids, g_strdup (jg_key_get_id (key)));
    }
  if (key_id != NULL && jg_key_list_find_by_id (self->keys, key_id) == NULL)
    {
      gtk_string_list_append (names, _("Missing key (removed from Jumpgate)"));
      selected = self->key_ids->len;
      g_ptr_array_add (self->key_ids, g_strdup (key_id));
    }
  adw_combo_row_set_model (self->jg_key_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (self->jg_key_row, selected);
}

static void
on_key_used (JgMachineEditor *self)
{
  /* the install switched the saved machine to the key: show it */
  g_ptr_array_set_size (self->key_ids, 0);
  g_clear_object (&self->keys);
  load_keys (self);
  adw_combo_row_set_selected (self->auth_row, jg_host_get_auth (self->host));
  validate (self);
}

static gboolean
close_editor (gpointer data)
{
  gtk_window_close (GTK_WINDOW (data));
  return G_SOURCE_REMOVE;
}

static void
on_disconnect_response (AdwMessageDialog *dialog,
                        const char       *response,
                        JgMachineEditor  *self)
{
  g_autoptr(JgHost) host = g_object_ref (self->host);

  if (g_str_equal (response, "copy-remove"))
    {
      g_autofree char *command = jg_install_script_uninstall_command (jg_host_get_id (host));

      gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), command);
    }
  else if (!g_str_equal (response, "remove"))
    return;
  g_signal_emit (self, signals[DISCONNECT_REQUESTED], 0, host);
  /* after the dialog (transient for the editor) has gone */
  g_idle_add_full (G_PRIORITY_DEFAULT, close_editor, g_object_ref (self), g_object_unref);
}

/* Disconnect and Remove: the machine keeps running; what Jumpgate put
 * there is removed by the enrollment script's --uninstall, shown to run
 * there when the machine uses a Jumpgate key. */
static void
ask_disconnect (JgMachineEditor *self)
{
  const char *key_id = jg_host_get_key_id (self->host);
  gboolean jg_key = key_id != NULL && self->keys != NULL
                    && jg_key_list_find_by_id (self->keys, key_id) != NULL;
  g_autofree char *heading = g_strdup_printf (_("Disconnect and Remove “%s”?"),
                                              jg_host_get_name (self->host));
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, NULL);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"));
  if (jg_key)
    {
      g_autofree char *command = jg_install_script_uninstall_command (jg_host_get_id (self->host));
      GtkWidget *label = gtk_label_new (command);

      adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
                                   _("Its tabs close and Jumpgate forgets it, with its key if no other "
                                     "machine uses it. The machine keeps running with all its files. "
                                     "To remove Jumpgate’s key from it as well, run this there:"));
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_widget_add_css_class (label, "monospace");
      adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), label);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "remove", _("_Remove"));
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "copy-remove",
                                       _("C_opy Command and Remove"));
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "copy-remove",
                                                  ADW_RESPONSE_DESTRUCTIVE);
    }
  else
    {
      adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
                                   _("Its tabs close and Jumpgate forgets it. "
                                     "The machine keeps running with all its files."));
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "remove", _("_Remove"));
    }
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_disconnect_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
editor_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  JgMachineEditor *self = JG_MACHINE_EDITOR (widget);

  if (g_str_equal (action_name, "editor.save"))
    {
      if (jg_machine_editor_save (self))
        gtk_window_close (GTK_WINDOW (self));
    }
  else if (g_str_equal (action_name, "editor.test"))
    {
      /* what is typed, not what is saved */
      g_autoptr(JgHost) copy = NULL;

      validate (self);
      if (!self->valid)
        return;
      if (JG_IS_JUMP_HOST (self->host))
        copy = JG_HOST (jg_jump_host_new ());
      else
        copy = JG_HOST (jg_machine_new (JG_MACHINE_KIND_VIRTUAL));
      jg_host_set_id (copy, jg_host_get_id (self->host));
      jg_host_set_key_id (copy, jg_host_get_key_id (self->host));
      apply_fields (self, copy);
      jg_test_dialog_new (GTK_WINDOW (self), self->inventory, copy);
    }
  else if (g_str_equal (action_name, "editor.remove"))
    {
      g_autoptr(JgHost) host = g_object_ref (self->host);

      gtk_window_close (GTK_WINDOW (self));
      g_signal_emit (self, signals[REMOVE_REQUESTED], 0, host);
    }
  else if (g_str_equal (action_name, "editor.disconnect"))
    ask_disconnect (self);
  else if (g_str_equal (action_name, "editor.install-key"))
    {
      guint selected = adw_combo_row_get_selected (self->jg_key_row);

      jg_install_key_show (GTK_WINDOW (self), self->inventory, self->host, self->keys,
                           selected < self->key_ids->len ? g_ptr_array_index (self->key_ids, selected)
                                                         : NULL);
    }
  else if (g_str_equal (action_name, "editor.choose-key"))
    {
      GtkFileChooserNative *chooser;
      g_autofree char *ssh_dir = g_build_filename (g_get_home_dir (), ".ssh", NULL);
      g_autoptr(GFile) folder = g_file_new_for_path (ssh_dir);

      chooser = gtk_file_chooser_native_new (_("Choose Key File"), GTK_WINDOW (self),
                                             GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));
      gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
      if (g_file_query_exists (folder, NULL))
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
      g_signal_connect (chooser, "response", G_CALLBACK (on_key_chosen), g_object_ref (self));
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
    }
}

static void
load (JgMachineEditor *self)
{
  JgHost *host = self->host;
  g_autoptr(GtkStringList) jumps = gtk_string_list_new (NULL);
  g_autofree char *port = NULL;
  JsonObject *extra = jg_host_get_extra (host);
  guint n, selected = 0;
  const char *title;
  g_autofree char *title_owned = NULL;

  if (!self->is_new)
    title = title_owned = g_strdup_printf (_("Edit %s"), jg_host_get_name (host));
  else if (JG_IS_JUMP_HOST (host))
    title = _("New Jump Host");
  else if (jg_machine_get_kind (JG_MACHINE (host)) == JG_MACHINE_KIND_OWN)
    title = _("New Machine of Your Own");
  else
    title = _("New Virtual Machine");
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_view_switcher_title_set_title (self->switcher_title, title);
  if (self->is_new)
    gtk_button_set_label (GTK_BUTTON (self->save_button), _("_Add"));
  gtk_widget_set_visible (self->remove_group, !self->is_new);
  gtk_widget_set_visible (self->disconnect_row,
                          JG_IS_MACHINE (host)
                          && jg_machine_get_kind (JG_MACHINE (host)) == JG_MACHINE_KIND_OWN);

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), jg_host_get_name (host) ?: "");
  gtk_editable_set_text (GTK_EDITABLE (self->host_row), jg_host_get_hostname (host) ?: "");
  if (jg_host_get_port (host) != 0)
    port = g_strdup_printf ("%u", jg_host_get_port (host));
  gtk_editable_set_text (GTK_EDITABLE (self->port_row), port ?: "");
  gtk_editable_set_text (GTK_EDITABLE (self->user_row), jg_host_get_user (host) ?: "");

  gtk_widget_set_visible (GTK_WIDGET (self->kind_row), JG_IS_MACHINE (host));
  if (JG_IS_MACHINE (host))
    adw_combo_row_set_selected (self->kind_row,
                                jg_machine_get_kind (JG_MACHINE (host)) == JG_MACHINE_KIND_OWN);

  gtk_string_list_append (jumps, _("None — connect directly"));
  g_ptr_array_add (self->jump_ids, NULL);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->inventory));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JgHost) item = g_list_model_get_item (G_LIST_MODEL (self->inventory), i);

      if (!JG_IS_JUMP_HOST (item) || item == host)
        continue;
      if (g_strcmp0 (jg_host_get_id (item), jg_host_get_jump_id (host)) == 0)
        selected = self->jump_ids->len;
      gtk_string_list_append (jumps, jg_host_get_name (item));
      g_ptr_array_add (self->jump_ids, g_strdup (jg_host_get_id (item)));
    }
  if (jg_host_get_jump_id (host) != NULL && selected == 0)
    {
      /* Keep a jump host that is not saved (any more) visible, not silently dropped. */
      g_autofree char *missing = g_strdup_printf (_("Missing jump host (%s)"), jg_host_get_jump_id (host));

      gtk_string_list_append (jumps, missing);
      selected = self->jump_ids->len;
      g_ptr_array_add (self->jump_ids, g_strdup (jg_host_get_jump_id (host)));
    }
  adw_combo_row_set_model (self->jump_row, G_LIST_MODEL (jumps));
  adw_combo_row_set_selected (self->jump_row, selected);
  self->jump_chosen = FALSE;

  gtk_widget_set_visible (GTK_WIDGET (self->rules_group), JG_IS_JUMP_HOST (host));
  if (JG_IS_JUMP_HOST (host))
    jg_rules_group_set_rules (self->rules_group, jg_jump_host_get_rules (JG_JUMP_HOST (host)));

  load_keys (self);
  adw_combo_row_set_selected (self->auth_row, jg_host_get_auth (host));
  gtk_editable_set_text (GTK_EDITABLE (self->key_file_row), jg_host_get_identity_file (host) ?: "");
  gtk_switch_set_active (self->identities_only_switch, jg_host_get_identities_only (host));
  gtk_switch_set_active (self->remember_switch, jg_host_get_remember_password (host));
  gtk_switch_set_active (self->forward_agent_switch, jg_host_get_forward_agent (host));
  gtk_spin_button_set_value (self->keepalive_spin, jg_host_get_keepalive_interval (host));
  gtk_editable_set_text (GTK_EDITABLE (self->known_hosts_row), jg_host_get_known_hosts_file (host) ?: "");
  if (extra != NULL && json_object_has_member (extra, "term"))
    gtk_editable_set_text (GTK_EDITABLE (self->term_row),
                           json_object_get_string_member_with_default (extra, "term", ""));

  validate (self);
}

static void
jg_machine_editor_dispose (GObject *object)
{
  JgMachineEditor *self = JG_MACHINE_EDITOR (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), JG_TYPE_MACHINE_EDITOR);
  g_clear_object (&self->host);
  g_clear_object (&self->inventory);
  g_clear_pointer (&self->jump_ids, g_ptr_array_unref);
  g_clear_pointer (&self->key_ids, g_ptr_array_unref);
  g_clear_object (&self->keys);

  G_OBJECT_CLASS (jg_machine_editor_parent_class)->dispose (object);
}

static void
jg_machine_editor_class_init (JgMachineEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jg_machine_editor_dispose;

  g_type_ensure (JG_TYPE_RULES_GROUP);

  signals[REMOVE_REQUESTED] =
    g_signal_new ("remove-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, JG_TYPE_HOST);

  signals[DISCONNECT_REQUESTED] =
    g_signal_new ("disconnect-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, JG_TYPE_HOST);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/jumpgate/Jumpgate/jg-machine-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, JgMachineEditor, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, JgMachineEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, JgMachineEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, JgMachineEditor, kind_row);
  gtk_widget_class_bind_template_child (widget_class, JgMachineEditor, host_row);
  gtk_widget_class_bind_template_child (widget_class, JgMachineEditor, port_row);
  gtk_widget_class_bind_template_child (widget_class, JgMachineEditor, user_row);
  gtk_widget_class_bind_template_child (widget_class, JgMachineEditor, jump_row);
  gtk_widget_class_bind_template_child (widget_class, JgMachineEditor, error_label);
  gtk_widget_class_bind_template_child (widget_class, JgMachineEditor, auth_row);
  gtk_widget_class_bind_template_child (widget_class, JgMachineEditor, key_file_row);
  gtk_widget_class_bind_template_child (widget_class, JgMachineEditor, identities_only_row);
  gtk_widget_class_bind_template_child (widget_class, JgMachineEditor, identities_only_switch);
  gtk_widget_class_bind_template_child (widget_class, JgMachineEditor, remember_row);
  gtk_widget_class_bind_template_child (widget_class, JgMachineEditor, remember_switch);
  gtk_widget_class_bind_template_child (widget_class, JgMachineEditor, forward_agent_switch);
  gtk_widget_class_bind_template_child (widget_class, JgMachineEditor, keepalive_spin);
  gtk_widget_class_bind_template_child (widget_class, JgMachineEditor, known_hosts_row);
  gtk_widget_class_bind_template_child (widget_class, JgMachineEditor, term_row);
  gtk_widget_class_bind_template_child (widget_class, JgMachineEditor, remove_group);
  gtk_widget_class_bind_template_child (widget_class, JgMachineEditor, disconnect_row);
  gtk_widget_class_bind_template_child (widget_class, JgMachineEditor, rules_group);
  gtk_widget_class_bind_template_callback (widget_class, validate);
  gtk_widget_class_bind_template_callback (widget_class, on_host_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_jump_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, editor_action);
  gtk_widget_class_install_action (widget_class, "editor.test", NULL, editor_action);
  gtk_widget_class_install_action (widget_class, "editor.remove", NULL, editor_action);
  gtk_widget_class_install_action (widget_class, "editor.disconnect", NULL, editor_action);
  gtk_widget_class_install_action (widget_class, "editor.choose-key", NULL, editor_action);
  gtk_widget_class_install_action (widget_class, "editor.install-key", NULL, editor_action);
  gtk_widget_class_bind_template_child (widget_class, JgMachineEditor, jg_key_row);
  gtk_widget_class_bind_template_child (widget_class, JgMachineEditor, install_key_row);
}

static void
jg_machine_editor_init (JgMachineEditor *self)
{
  self->jump_ids = g_ptr_array_new_with_free_func (g_free);
  self->key_ids = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
}

JgMachineEditor *
jg_machine_editor_new (JgInventory *inventory,
                       JgHost      *host)
{
  JgMachineEditor *self;

  g_return_val_if_fail (JG_IS_INVENTORY (inventory), NULL);
  g_return_val_if_fail (JG_IS_HOST (host), NULL);

  self = g_object_new (JG_TYPE_MACHINE_EDITOR, NULL);
  self->inventory = g_object_ref (inventory);
  self->host = g_object_ref (host);
  self->is_new = jg_inventory_find_by_id (inventory, jg_host_get_id (host)) == NULL;
  load (self);
  /* "Install Key on This Machine…" switches the saved machine to the key */
  g_signal_connect_object (host, "notify::key-id", G_CALLBACK (on_key_used), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (host, "notify::auth", G_CALLBACK (on_key_used), self, G_CONNECT_SWAPPED);
  return self;
}

JgHost *
jg_machine_editor_get_host (JgMachineEditor *self)
{
  g_return_val_if_fail (JG_IS_MACHINE_EDITOR (self), NULL);
  return self->host;
}
