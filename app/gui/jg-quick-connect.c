/* jg-quick-connect.c — the sidebar's "connect to [user@]host[:port]" entry
 *
 * Typing suggests the saved machines whose name or address has the text
 * (Down and Up choose one, Enter connects to it); under the entry a line
 * says where the text leads — a saved machine, the jump host of the first
 * matching rule, or directly — or what is wrong with it. Enter connects;
 * a destination that is not a host is refused there, before anything
 * connects (jg-destination.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "jg-destination.h"
#include "jg-quick-connect.h"

#define MAX_SUGGESTIONS 6

struct _JgQuickConnect
{
  GtkWidget     parent_instance;

  JgInventory  *inventory;
  GPtrArray    *suggestions;   /* JgHost, the rows of list in order */
  gboolean      hint_is_error;
  gboolean      focused;

  GtkEntry     *entry;
  GtkLabel     *hint;
  GtkPopover   *popover;
  GtkListBox   *list;
};

G_DEFINE_FINAL_TYPE (JgQuickConnect, jg_quick_connect, GTK_TYPE_WIDGET)

enum {
  CONNECT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
entry_text (JgQuickConnect *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entry))));
}

static void
set_hint (JgQuickConnect *self,
          const char     *text,
          gboolean        is_error)
{
  self->hint_is_error = is_error && text != NULL;
  gtk_label_set_label (self->hint, text);
  gtk_widget_set_visible (GTK_WIDGET (self->hint), text != NULL);
  if (self->hint_is_error)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->hint), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->hint), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->hint), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->hint), "dim-label");
    }
}

/* Where @text leads, as the line under the entry says it. */
static char *
describe (JgQuickConnect  *self,
          const char      *text,
          gboolean        *is_error)
{
  g_autoptr(JgRoute) route = NULL;
  g_autoptr(GError) error = NULL;
  JgHost *saved;

  *is_error = FALSE;
  saved = jg_inventory_lookup (self->inventory, text);
  if (saved != NULL)
    return g_strdup_printf (_("Opens the saved machine “%s”"), jg_host_get_name (saved));

  route = jg_destination_lookup (self->inventory, text, &error);
  if (route == NULL)
    {
      *is_error = TRUE;
      return g_strdup (error->message);
    }
  switch (route->kind)
    {
    case JG_ROUTE_SAVED:
      return g_strdup_printf (_("Opens the saved machine “%s”"), jg_host_get_name (route->saved));
    case JG_ROUTE_RULE:
      return g_strdup_printf (_("Through jump host “%s” (rule %s)"),
                              jg_host_get_name (JG_HOST (route->jump)), route->rule->patterns);
    case JG_ROUTE_DIRECT:
    default:
      return g_strdup (_("Directly, without a jump host"));
    }
}

static GtkWidget *
suggestion_row (JgHost *host)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *title = gtk_label_new (jg_host_get_name (host));
  g_autofree char *address = jg_host_dup_destination (host);
  GtkWidget *subtitle = gtk_label_new (address);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), subtitle);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  /* The entry keeps the focus: a click on a row must not take it away. */
  gtk_widget_set_focusable (row, FALSE);
  gtk_widget_set_focus_on_click (row, FALSE);
  return row;
}

/* The saved machines whose name or address has the host part of @text:
 * those that start with it first, in inventory order. */
static void
find_suggestions (JgQuickConnect *self,
                  const char     *text)
{
  const char *at = strrchr (text, '@');
  g_autofree char *needle = NULL;
  g_autoptr(GPtrArray) later = g_ptr_array_new ();
  guint n;

  g_ptr_array_set_size (self->suggestions, 0);
  needle = g_utf8_casefold (at != NULL ? at + 1 : text, -1);
  if (needle[0] == '\0')
    return;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->inventory));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JgHost) host = g_list_model_get_item (G_LIST_MODEL (self->inventory), i);
      g_autofree char *name = g_utf8_casefold (jg_host_get_name (host) ?: "", -1);
      g_autofree char *address = g_utf8_casefold (jg_host_get_hostname (host) ?: "", -1);

      if (g_str_has_prefix (name, needle) || g_str_has_prefix (address, needle))
        g_ptr_array_add (self->suggestions, g_object_ref (host));
      else if (strstr (name, needle) != NULL || strstr (address, needle) != NULL)
        g_ptr_array_add (later, host);
    }
  for (guint i = 0; i < later->len; i++)
    g_ptr_array_add (self->suggestions, g_object_ref (g_ptr_array_index (later, i)));
  if (self->suggestions->len > MAX_SUGGESTIONS)
    g_ptr_array_set_size (self->suggestions, MAX_SUGGESTIONS);
}

static void
update_popover (JgQuickConnect *self)
{
  if (self->suggestions->len > 0 && self->focused && gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_popover_popup (self->popover);
  else
    gtk_popover_popdown (self->popover);
}

static void
update (JgQuickConnect *self)
{
  g_autofree char *text = entry_text (self);
  g_autofree char *hint = NULL;
  gboolean is_error = FALSE;
  GtkWidget *child;

  gtk_widget_remove_css_class (GTK_WIDGET (self->entry), "error");
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  g_ptr_array_set_size (self->suggestions, 0);

  if (text[0] != '\0' && self->inventory != NULL)
    {
      find_suggestions (self, text);
      for (guint i = 0; i < self->suggestions->len; i++)
        gtk_list_box_append (self->list, suggestion_row (g_ptr_array_index (self->suggestions, i)));
      hint = describe (self, text, &is_error);
    }
  set_hint (self, hint, is_error);
  update_popover (self);
}

static void
on_changed (JgQuickConnect *self)
{
  update (self);
}

static void
on_focus_enter (JgQuickConnect *self)
{
  self->focused = TRUE;
  update_popover (self);
}

static void
on_focus_leave (JgQuickConnect *self)
{
  self->focused = FALSE;
  gtk_popover_popdown (self->popover);
}

static void
emit_connect (JgQuickConnect *self,
              JgHost         *host)
{
  g_autoptr(JgHost) hold = g_object_ref (host);

  gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
  gtk_popover_popdown (self->popover);
  g_signal_emit (self, signals[CONNECT], 0, hold);
}

static void
on_row_activated (JgQuickConnect *self,
                  GtkListBoxRow  *row)
{
  int index = gtk_list_box_row_get_index (row);

  if (index >= 0 && (guint) index < self->suggestions->len)
    emit_connect (self, g_ptr_array_index (self->suggestions, index));
}

gboolean
jg_quick_connect_activate (JgQuickConnect *self)
{
  g_autofree char *text = NULL;
  g_autoptr(JgRoute) route = NULL;
  g_autoptr(GError) error = NULL;
  GtkListBoxRow *selected;
  JgHost *saved;

  g_return_val_if_fail (JG_IS_QUICK_CONNECT (self), FALSE);

  if (self->inventory == NULL)
    return FALSE;
  selected = gtk_list_box_get_selected_row (self->list);
  if (selected != NULL && gtk_widget_get_visible (GTK_WIDGET (self->popover)))
    {
      on_row_activated (self, selected);
      return TRUE;
    }

  text = entry_text (self);
  saved = jg_inventory_lookup (self->inventory, text);
  if (saved != NULL)
    {
      emit_connect (self, saved);
      return TRUE;
    }
  route = jg_destination_lookup (self->inventory, text, &error);
  if (route == NULL)
    {
      set_hint (self, error->message, TRUE);
      gtk_widget_add_css_class (GTK_WIDGET (self->entry), "error");
      gtk_widget_error_bell (GTK_WIDGET (self));
      return FALSE;
    }
  emit_connect (self, route->host);
  return TRUE;
}

static void
on_entry_activate (JgQuickConnect *self)
{
  jg_quick_connect_activate (self);
}

/* Down and Up choose a suggestion; Escape closes them, then clears. */
static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                JgQuickConnect        *self)
{
  gboolean shown = gtk_widget_get_visible (GTK_WIDGET (self->popover));
  GtkListBoxRow *selected = gtk_list_box_get_selected_row (self->list);
  int index = selected != NULL ? gtk_list_box_row_get_index (selected) : -1;
  int n = self->suggestions->len;

  switch (keyval)
    {
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      if (!shown || n == 0)
        return GDK_EVENT_PROPAGATE;
      gtk_list_box_select_row (self->list, gtk_list_box_get_row_at_index (self->list, MIN (index + 1, n - 1)));
      return GDK_EVENT_STOP;

    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      if (!shown || index < 0)
        return GDK_EVENT_PROPAGATE;
      if (index == 0)
        gtk_list_box_unselect_all (self->list);
      else
        gtk_list_box_select_row (self->list, gtk_list_box_get_row_at_index (self->list, index - 1));
      return GDK_EVENT_STOP;

    case GDK_KEY_Escape:
      if (shown)
        gtk_popover_popdown (self->popover);
      else if (gtk_editable_get_text (GTK_EDITABLE (self->entry))[0] != '\0')
        gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
      else
        return GDK_EVENT_PROPAGATE;
      return GDK_EVENT_STOP;

    default:
      return GDK_EVENT_PROPAGATE;
    }
}

static void
jg_quick_connect_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  JgQuickConnect *self = JG_QUICK_CONNECT (widget);

  /* The suggestions open below the entry and the line under it. */
  GTK_WIDGET_CLASS (jg_quick_connect_parent_class)->size_allocate (widget, width, height, baseline);
  gtk_popover_present (self->popover);
}

static gboolean
jg_quick_connect_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (JG_QUICK_CONNECT (widget)->entry));
}

static void
jg_quick_connect_dispose (GObject *object)
{
  JgQuickConnect *self = JG_QUICK_CONNECT (object);

  if (self->inventory != NULL)
    g_signal_handlers_disconnect_by_data (self->inventory, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), JG_TYPE_QUICK_CONNECT);
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_object (&self->inventory);
  g_clear_pointer (&self->suggestions, g_ptr_array_unref);

  G_OBJECT_CLASS (jg_quick_connect_parent_class)->dispose (object);
}

static void
jg_quick_connect_class_init (JgQuickConnectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jg_quick_connect_dispose;
  widget_class->size_allocate = jg_quick_connect_size_allocate;
  widget_class->grab_focus = jg_quick_connect_grab_focus;

  signals[CONNECT] =
    g_signal_new ("connect", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, JG_TYPE_HOST);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/jumpgate/Jumpgate/jg-quick-connect.ui");
  gtk_widget_class_bind_template_child (widget_class, JgQuickConnect, entry);
  gtk_widget_class_bind_template_child (widget_class, JgQuickConnect, hint);
  gtk_widget_class_bind_template_child (widget_class, JgQuickConnect, popover);
  gtk_widget_class_bind_template_child (widget_class, JgQuickConnect, list);
  gtk_widget_class_bind_template_callback (widget_class, on_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_key_pressed);
  gtk_widget_class_bind_template_callback (widget_class, on_focus_enter);
  gtk_widget_class_bind_template_callback (widget_class, on_focus_leave);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);

  gtk_widget_class_set_css_name (widget_class, "jg-quick-connect");
}

static void
jg_quick_connect_init (JgQuickConnect *self)
{
  self->suggestions = g_ptr_array_new_with_free_func (g_object_unref);
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
jg_quick_connect_new (void)
{
  return g_object_new (JG_TYPE_QUICK_CONNECT, NULL);
}

void
jg_quick_connect_set_inventory (JgQuickConnect *self,
                                JgInventory    *inventory)
{
  g_return_if_fail (JG_IS_QUICK_CONNECT (self));
  g_return_if_fail (inventory == NULL || JG_IS_INVENTORY (inventory));

  if (self->inventory != NULL)
    g_signal_handlers_disconnect_by_data (self->inventory, self);
  g_set_object (&self->inventory, inventory);
  /* A new rule or machine changes where the text leads. */
  if (inventory != NULL)
    g_signal_connect_object (inventory, "changed", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
}

GtkEditable *
jg_quick_connect_get_editable (JgQuickConnect *self)
{
  g_return_val_if_fail (JG_IS_QUICK_CONNECT (self), NULL);
  return GTK_EDITABLE (self->entry);
}

void
jg_quick_connect_start (JgQuickConnect *self,
                        const char     *text,
                        int             position)
{
  g_return_if_fail (JG_IS_QUICK_CONNECT (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
  if (text != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
  gtk_editable_set_position (GTK_EDITABLE (self->entry), position);
}

const char *
jg_quick_connect_get_hint (JgQuickConnect *self)
{
  g_return_val_if_fail (JG_IS_QUICK_CONNECT (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->hint)) ? gtk_label_get_label (self->hint) : NULL;
}

gboolean
jg_quick_connect_get_hint_is_error (JgQuickConnect *self)
{
  g_return_val_if_fail (JG_IS_QUICK_CONNECT (self), FALSE);
  return self->hint_is_error;
}

guint
jg_quick_connect_get_n_suggestions (JgQuickConnect *self)
{
  g_return_val_if_fail (JG_IS_QUICK_CONNECT (self), 0);
  return self->suggestions->len;
}

JgHost *
jg_quick_connect_get_suggestion (JgQuickConnect *self,
                                 guint           index)
{
  g_return_val_if_fail (JG_IS_QUICK_CONNECT (self), NULL);
  g_return_val_if_fail (index < self->suggestions->len, NULL);
  return g_ptr_array_index (self->suggestions, index);
}
