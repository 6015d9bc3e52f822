/* jg-rules-group.c — a jump host's rules, edited in the machine editor
 *
 * One expander row a rule, titled "Any host matching *.lab", with the host
 * patterns, the default user, port and key file of the hosts they match,
 * and whether the jump host's login follows the destination's user (ssh's
 * `%r`). A rule that is not valid — patterns that can never match a host
 * (`!*`, only negations), a bad port — is marked where it is and named in
 * its subtitle; the editor keeps Save off meanwhile. The first rule that
 * matches wins, so rules can be moved up and down.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "jg-destination.h"
#include "jg-rules-group.h"

typedef struct
{
  AdwExpanderRow *expander;
  AdwEntryRow    *patterns;
  AdwEntryRow    *user;
  AdwEntryRow    *port;
  AdwEntryRow    *key_file;
  GtkSwitch      *follow;
  GtkWidget      *up;
  GtkWidget      *down;
  char           *problem;
} RuleRow;

struct _JgRulesGroup
{
  AdwPreferencesGroup  parent_instance;

  GPtrArray           *rows;     /* RuleRow *, in rule order */
  GtkWidget           *empty_row;
  char                *problem;
};

G_DEFINE_FINAL_TYPE (JgRulesGroup, jg_rules_group, ADW_TYPE_PREFERENCES_GROUP)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
rule_row_free (RuleRow *row)
{
  g_free (row->problem);
  g_free (row);
}

static char *
text_of (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static void
mark (gpointer widget,
      gboolean bad)
{
  if (bad)
    gtk_widget_add_css_class (GTK_WIDGET (widget), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (widget), "error");
}

static gboolean
parse_port (const char *text,
            guint      *port)
{
  guint64 value = 0;

  *port = 0;
  if (text[0] == '\0')
    return TRUE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  if (!g_ascii_string_to_unsigned (text, 10, 1, 65535, &value, NULL))
    return FALSE;
  *port = (guint) value;
  return TRUE;
}

static gboolean
valid_user (const char *user)
{
  if (user[0] == '-')
    return FALSE;
  for (const char *p = user; *p; p++)
    if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p) || strchr ("@:/", *p) != NULL)
      return FALSE;
  return TRUE;
}

/* The patterns with one space between them, as the import writes them. */
static char *
join_patterns (const char *patterns)
{
  g_auto(GStrv) words = g_strsplit_set (patterns, " \t", -1);
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();

  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_ptr_array_add (kept, words[i]);
  g_ptr_array_add (kept, NULL);
  return g_strjoinv (" ", (char **) kept->pdata);
}

/* Checks @row; sets its marks, title and subtitle; returns its problem. */
static const char *
check_row (RuleRow *row)
{
  g_autofree char *patterns = text_of (row->patterns);
  g_autofree char *user = text_of (row->user);
  g_autofree char *port_text = text_of (row->port);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) summary = g_string_new (NULL);
  guint port;

  g_clear_pointer (&row->problem, g_free);
  mark (row->patterns, FALSE);
  mark (row->user, FALSE);
  mark (row->port, FALSE);

  if (!jg_jump_rule_check_patterns (patterns, &error))
    {
      mark (row->patterns, TRUE);
      row->problem = g_strdup (error->message);
    }
  if (!valid_user (user))
    {
      mark (row->user, TRUE);
      if (row->problem == NULL)
        row->problem = g_strdup (_("The user name cannot start with “-” or contain spaces, “@”, “:” or “/”."));
    }
  if (!parse_port (port_text, &port))
    {
      mark (row->port, TRUE);
      if (row->problem == NULL)
        row->problem = g_strdup (_("The port is a number from 1 to 65535."));
    }

  if (patterns[0] != '\0')
    {
      g_autofree char *joined = join_patterns (patterns);
      JgJumpRule rule = { .patterns = joined };
      g_autofree char *title = jg_jump_rule_dup_title (&rule);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row->expander), title);
    }
  else
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row->expander), _("New Rule"));

  if (row->problem == NULL)
    {
      if (user[0] != '\0')
        g_string_append_printf (summary, _("as %s"), user);
      if (port != 0)
        {
          if (summary->len > 0)
            g_string_append (summary, ", ");
          g_string_append_printf (summary, _("port %u"), port);
        }
      if (gtk_switch_get_active (row->follow))
        {
          if (summary->len > 0)
            g_string_append (summary, ", ");
          g_string_append (summary, _("the jump host’s login follows the destination’s user"));
        }
    }
  adw_expander_row_set_subtitle (row->expander, row->problem != NULL ? row->problem : summary->str);
  return row->problem;
}

static void
validate (JgRulesGroup *self)
{
  g_clear_pointer (&self->problem, g_free);
  for (guint i = 0; i < self->rows->len; i++)
    {
      const char *problem = check_row (g_ptr_array_index (self->rows, i));

      if (problem != NULL && self->problem == NULL)
        self->problem = g_strdup_printf (_("Rule %u: %s"), i + 1, problem);
    }
  gtk_widget_set_visible (self->empty_row, self->rows->len == 0);
}

static void
update_move_buttons (JgRulesGroup *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      RuleRow *row = g_ptr_array_index (self->rows, i);

      gtk_widget_set_sensitive (row->up, i > 0);
      gtk_widget_set_sensitive (row->down, i + 1 < self->rows->len);
    }
}

static void
on_changed (JgRulesGroup *self)
{
  validate (self);
  update_move_buttons (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static guint
row_index (JgRulesGroup   *self,
           AdwExpanderRow *expander)
{
  for (guint i = 0; i < self->rows->len; i++)
    if (((RuleRow *) g_ptr_array_index (self->rows, i))->expander == expander)
      return i;
  return G_MAXUINT;
}

/* Moves the rule at @from to @to. A preferences group only appends, so
 * the rows go in again in their new order. */
void
jg_rules_group_move_rule (JgRulesGroup *self,
                          guint         from,
                          guint         to)
{
  RuleRow *moved;

  g_return_if_fail (JG_IS_RULES_GROUP (self));
  g_return_if_fail (from < self->rows->len && to < self->rows->len);

  if (from == to)
    return;
  moved = g_ptr_array_steal_index (self->rows, from);
  g_ptr_array_insert (self->rows, to, moved);
  for (guint i = 0; i < self->rows->len; i++)
    {
      RuleRow *row = g_ptr_array_index (self->rows, i);

      g_object_ref (row->expander);
      adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (row->expander));
    }
  for (guint i = 0; i < self->rows->len; i++)
    {
      RuleRow *row = g_ptr_array_index (self->rows, i);

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (row->expander));
      g_object_unref (row->expander);
    }
  on_changed (self);
}

static void
on_move_clicked (GtkButton    *button,
                 JgRulesGroup *self)
{
  AdwExpanderRow *expander = g_object_get_data (G_OBJECT (button), "jg-rule-row");
  int step = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "jg-step"));
  guint index = row_index (self, expander);
  RuleRow *row;

  if (index == G_MAXUINT || (step < 0 && index == 0) || (step > 0 && index + 1 >= self->rows->len))
    return;
  jg_rules_group_move_rule (self, index, index + step);
  /* the keyboard stays on the moved rule */
  row = g_ptr_array_index (self->rows, index + step);
  gtk_widget_grab_focus (gtk_widget_get_sensitive (GTK_WIDGET (button)) ? GTK_WIDGET (button)
                         : step < 0 ? row->down : row->up);
}

static void
on_remove_clicked (GtkButton    *button,
                   JgRulesGroup *self)
{
  AdwExpanderRow *expander = g_object_get_data (G_OBJECT (button), "jg-rule-row");
  guint index = row_index (self, expander);

  if (index == G_MAXUINT)
    return;
  adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (expander));
  g_ptr_array_remove_index (self->rows, index);
  on_changed (self);
}

static AdwEntryRow *
add_entry (RuleRow    *row,
           const char *title,
           const char *text)
{
  AdwEntryRow *entry = ADW_ENTRY_ROW (adw_entry_row_new ());

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (entry), title);
  gtk_editable_set_text (GTK_EDITABLE (entry), text ? text : "");
  adw_expander_row_add_row (row->expander, GTK_WIDGET (entry));
  return entry;
}

/* A flat icon button of the rule's row, named for screen readers, in @box
 * or else among the row's actions. */
static GtkWidget *
action_button (JgRulesGroup *self,
               RuleRow      *row,
               GtkBox       *box,
               const char   *icon,
               const char   *label,
               GCallback     callback)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_add_css_class (button, "flat");
  g_object_set_data (G_OBJECT (button), "jg-rule-row", row->expander);
  g_signal_connect_object (button, "clicked", callback, self, 0);
  if (box != NULL)
    gtk_box_append (box, button);
  else
    adw_expander_row_add_action (row->expander, button);
  return button;
}

static RuleRow *
append_row (JgRulesGroup     *self,
            const JgJumpRule *rule)
{
  RuleRow *row = g_new0 (RuleRow, 1);
  g_autofree char *port = rule->port != 0 ? g_strdup_printf ("%u", rule->port) : NULL;
  GtkWidget *follow_row, *move_box;

  row->expander = ADW_EXPANDER_ROW (adw_expander_row_new ());
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row->expander), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (row->expander), "jg-rule-row");

  /* Moving is at the start of the row, away from the expander's arrow. */
  move_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_set_valign (move_box, GTK_ALIGN_CENTER);
  adw_expander_row_add_prefix (row->expander, move_box);
  row->up = action_button (self, row, GTK_BOX (move_box), "go-up-symbolic", _("Move Rule Up"),
                           G_CALLBACK (on_move_clicked));
  g_object_set_data (G_OBJECT (row->up), "jg-step", GINT_TO_POINTER (-1));
  row->down = action_button (self, row, GTK_BOX (move_box), "go-down-symbolic", _("Move Rule Down"),
                             G_CALLBACK (on_move_clicked));
  g_object_set_data (G_OBJECT (row->down), "jg-step", GINT_TO_POINTER (1));
  action_button (self, row, NULL, "user-trash-symbolic", _("Remove Rule"),
                 G_CALLBACK (on_remove_clicked));

  row->patterns = add_entry (row, _("Host Patterns, like *.example.org !db.example.org"), rule->patterns);
  row->user = add_entry (row, _("User (the destination’s own if empty)"), rule->user);
  row->port = add_entry (row, _("Port (22 if empty)"), port);
  row->key_file = add_entry (row, _("Key File (optional)"), rule->identity_file);

  follow_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (follow_row),
                                 _("Log In to the Jump Host as the Destination’s User"));
  /* xgettext:no-c-format */
  adw_action_row_set_subtitle (ADW_ACTION_ROW (follow_row),
                               _("Like “ProxyCommand ssh %r@jump”: someone@vm.example logs in to the jump host as someone"));
  row->follow = GTK_SWITCH (gtk_switch_new ());
  gtk_widget_set_valign (GTK_WIDGET (row->follow), GTK_ALIGN_CENTER);
  gtk_switch_set_active (row->follow, rule->jump_user_from_target);
  adw_action_row_add_suffix (ADW_ACTION_ROW (follow_row), GTK_WIDGET (row->follow));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (follow_row), GTK_WIDGET (row->follow));
  adw_expander_row_add_row (row->expander, follow_row);

  g_signal_connect_object (row->patterns, "changed", G_CALLBACK (on_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (row->user, "changed", G_CALLBACK (on_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (row->port, "changed", G_CALLBACK (on_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (row->key_file, "changed", G_CALLBACK (on_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (row->follow, "notify::active", G_CALLBACK (on_changed), self,
                           G_CONNECT_SWAPPED);

  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (row->expander));
  g_ptr_array_add (self->rows, row);
  return row;
}

static void
on_add_clicked (JgRulesGroup *self)
{
  jg_rules_group_add_rule (self);
}

static void
jg_rules_group_dispose (GObject *object)
{
  JgRulesGroup *self = JG_RULES_GROUP (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->problem, g_free);

  G_OBJECT_CLASS (jg_rules_group_parent_class)->dispose (object);
}

static void
jg_rules_group_class_init (JgRulesGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jg_rules_group_dispose;

  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
jg_rules_group_init (JgRulesGroup *self)
{
  GtkWidget *add = gtk_button_new ();
  GtkWidget *content = adw_button_content_new ();

  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) rule_row_free);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _("Rules"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self),
                                         _("Hosts whose name matches a rule go through this jump host, like a wildcard Host block of an SSH config. Of all jump hosts’ rules, the first that matches wins."));

  adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (content), "list-add-symbolic");
  adw_button_content_set_label (ADW_BUTTON_CONTENT (content), _("_Add Rule"));
  adw_button_content_set_use_underline (ADW_BUTTON_CONTENT (content), TRUE);
  gtk_button_set_child (GTK_BUTTON (add), content);
  gtk_widget_add_css_class (add, "flat");
  gtk_widget_set_valign (add, GTK_ALIGN_CENTER);
  g_signal_connect_object (add, "clicked", G_CALLBACK (on_add_clicked), self, G_CONNECT_SWAPPED);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (self), add);

  self->empty_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->empty_row),
                                 _("No rules: only the machines set to go through it do"));
  gtk_widget_add_css_class (self->empty_row, "dim-label");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), self->empty_row);
}

GtkWidget *
jg_rules_group_new (void)
{
  return g_object_new (JG_TYPE_RULES_GROUP, NULL);
}

void
jg_rules_group_set_rules (JgRulesGroup *self,
                          GPtrArray    *rules)
{
  g_return_if_fail (JG_IS_RULES_GROUP (self));

  while (self->rows->len > 0)
    {
      RuleRow *row = g_ptr_array_index (self->rows, self->rows->len - 1);

      adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (row->expander));
      g_ptr_array_remove_index (self->rows, self->rows->len - 1);
    }
  for (guint i = 0; rules != NULL && i < rules->len; i++)
    append_row (self, g_ptr_array_index (rules, i));
  validate (self);
  update_move_buttons (self);
}

GPtrArray *
jg_rules_group_dup_rules (JgRulesGroup *self)
{
  GPtrArray *rules = g_ptr_array_new_with_free_func ((GDestroyNotify) jg_jump_rule_free);

  g_return_val_if_fail (JG_IS_RULES_GROUP (self), rules);

  for (guint i = 0; i < self->rows->len; i++)
    {
      RuleRow *row = g_ptr_array_index (self->rows, i);
      g_autofree char *patterns = text_of (row->patterns);
      g_autofree char *user = text_of (row->user);
      g_autofree char *port = text_of (row->port);
      g_autofree char *key_file = text_of (row->key_file);
      g_autofree char *joined = join_patterns (patterns);
      JgJumpRule *rule;

      rule = jg_jump_rule_new (joined);
      rule->user = user[0] != '\0' ? g_steal_pointer (&user) : NULL;
      parse_port (port, &rule->port);
      rule->identity_file = key_file[0] != '\0' ? g_steal_pointer (&key_file) : NULL;
      rule->jump_user_from_target = gtk_switch_get_active (row->follow);
      g_ptr_array_add (rules, rule);
    }
  return rules;
}

const char *
jg_rules_group_get_problem (JgRulesGroup *self)
{
  g_return_val_if_fail (JG_IS_RULES_GROUP (self), NULL);
  return self->problem;
}

guint
jg_rules_group_get_n_rules (JgRulesGroup *self)
{
  g_return_val_if_fail (JG_IS_RULES_GROUP (self), 0);
  return self->rows->len;
}

GtkWidget *
jg_rules_group_add_rule (JgRulesGroup *self)
{
  JgJumpRule empty = { 0 };
  RuleRow *row;

  g_return_val_if_fail (JG_IS_RULES_GROUP (self), NULL);

  row = append_row (self, &empty);
  adw_expander_row_set_expanded (row->expander, TRUE);
  on_changed (self);
  gtk_widget_grab_focus (GTK_WIDGET (row->patterns));
  return GTK_WIDGET (row->expander);
}

GtkWidget *
jg_rules_group_get_row (JgRulesGroup *self,
                        guint         index)
{
  g_return_val_if_fail (JG_IS_RULES_GROUP (self), NULL);
  g_return_val_if_fail (index < self->rows->len, NULL);
  return GTK_WIDGET (((RuleRow *) g_ptr_array_index (self->rows, index))->expander);
}
