/* jg-machine-row.c — a sidebar row: a section title or a machine
 *
 * The row's context menu acts on its own machine through the machine.*
 * actions, which hand the host id on to the window's win.* actions.
 *
 * Built in code, not from a template, and as few widgets as it takes: with
 * GTK 4.8 a list view keeps up to 200 rows alive whatever its height, so a
 * long sidebar pays for each widget 200 times at startup. The status icon
 * is made when a status first shows, the menu model is shared by all rows
 * and the popover is made when it first opens.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "jg-machine-row.h"
#include "jg-status-monitor.h"

struct _JgMachineRow
{
  GtkWidget      parent_instance;

  JgSidebarNode *node;
  JgSidebarItem *place;        /* the list position it shows, if bound to one */
  GtkWidget     *popover;

  GtkImage      *disclosure;   /* the arrow of a row that can be expanded */
  GtkImage      *icon;
  GtkLabel      *title;
  GtkLabel      *subtitle;
  GtkImage      *status;       /* NULL until a status shows */
  JgStatusItem  *item;         /* whether the machine is up */
  gboolean       pending;      /* in pending_rows */
};

G_DEFINE_FINAL_TYPE (JgMachineRow, jg_machine_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_NODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_labels (JgMachineRow *self)
{
  JgHost *host = self->node ? jg_sidebar_node_get_host (self->node) : NULL;
  g_autofree char *subtitle = NULL;

  if (self->node == NULL)
    return;

  gtk_label_set_label (self->title, jg_sidebar_node_get_title (self->node));
  if (host != NULL)
    {
      g_autofree char *user = jg_host_dup_effective_user (host);
      const char *hostname = jg_host_get_hostname (host);
      guint port = jg_host_get_effective_port (host);

      if (hostname == NULL || hostname[0] == '\0')
        subtitle = g_strdup (_("No address"));
      else if (port != JG_DEFAULT_SSH_PORT)
        subtitle = g_strdup_printf (strchr (hostname, ':') ? "%s@[%s]:%u" : "%s@%s:%u",
                                    user, hostname, port);
      else
        subtitle = g_strdup_printf ("%s@%s", user, hostname);
    }
  else if (jg_sidebar_node_get_rule (self->node) != NULL)
    {
      const JgJumpRule *rule = jg_sidebar_node_get_rule (self->node);

      /* What the rule sets for the hosts it matches. */
      if (rule->user != NULL && rule->port != 0)
        subtitle = g_strdup_printf (_("as %s, port %u"), rule->user, rule->port);
      else if (rule->user != NULL)
        subtitle = g_strdup_printf (_("as %s"), rule->user);
      else if (rule->port != 0)
        subtitle = g_strdup_printf (_("port %u"), rule->port);
    }
  gtk_label_set_label (self->subtitle, subtitle);
  gtk_widget_set_visible (GTK_WIDGET (self->subtitle), subtitle != NULL);
}

static void
update_status (JgMachineRow *self)
{
  JgHostStatus status = self->node ? jg_sidebar_node_get_status (self->node) : JG_HOST_STATUS_NONE;
  /* whether it is up shows once it was checked */
  gboolean checked = self->item != NULL && jg_status_item_get_checked (self->item) != 0;
  g_autofree char *reachability = checked ? jg_status_item_dup_tooltip (self->item) : NULL;
  GtkWidget *image;

  if (self->status == NULL)
    {
      GtkLayoutChild *child;

      if (status == JG_HOST_STATUS_NONE && !checked)
        return;
      self->status = GTK_IMAGE (gtk_image_new ());
      gtk_image_set_pixel_size (self->status, 12);
      gtk_widget_set_margin_start (GTK_WIDGET (self->status), 10);
      gtk_widget_add_css_class (GTK_WIDGET (self->status), "jg-status");
      gtk_widget_set_parent (GTK_WIDGET (self->status), GTK_WIDGET (self));
      child = gtk_layout_manager_get_layout_child (gtk_widget_get_layout_manager (GTK_WIDGET (self)),
                                                   GTK_WIDGET (self->status));
      gtk_grid_layout_child_set_column (GTK_GRID_LAYOUT_CHILD (child), 3);
      gtk_grid_layout_child_set_row_span (GTK_GRID_LAYOUT_CHILD (child), 2);
    }
  image = GTK_WIDGET (self->status);

  gtk_widget_remove_css_class (image, "success");
  gtk_widget_remove_css_class (image, "error");
  gtk_widget_remove_css_class (image, "dim-label");
  switch (status)
    {
    case JG_HOST_STATUS_CONNECTING:
      gtk_image_set_from_icon_name (self->status, "content-loading-symbolic");
      gtk_widget_add_css_class (image, "dim-label");
      gtk_widget_set_tooltip_text (image, _("Connecting"));
      break;
    case JG_HOST_STATUS_CONNECTED:
      gtk_image_set_from_icon_name (self->status, "media-record-symbolic");
      gtk_widget_add_css_class (image, "success");
      gtk_widget_set_tooltip_text (image, _("Connected"));
      break;
    case JG_HOST_STATUS_FAILED:
      gtk_image_set_from_icon_name (self->status, "dialog-error-symbolic");
      gtk_widget_add_css_class (image, "error");
      gtk_widget_set_tooltip_text (image, _("Connection failed"));
      break;
    case JG_HOST_STATUS_NONE:
    default:
      if (checked)
        {
          gtk_image_set_from_icon_name (self->status, jg_status_item_get_icon_name (self->item));
          gtk_widget_add_css_class (image, jg_status_item_get_css_class (self->item));
          gtk_widget_set_tooltip_text (image, reachability);
        }
      break;
    }
  if (status != JG_HOST_STATUS_NONE && checked)
    {
      g_autofree char *both = g_strdup_printf ("%s\n%s", gtk_widget_get_tooltip_text (image),
                                               reachability);
      gtk_widget_set_tooltip_text (image, both);
    }
  /* What the icon says, for a screen reader too. */
  if (gtk_widget_get_tooltip_text (image) != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    gtk_widget_get_tooltip_text (image), -1);
  gtk_widget_set_visible (image, status != JG_HOST_STATUS_NONE || checked);
}

static void
update_kind (JgMachineRow *self)
{
  JgHost *host = self->node ? jg_sidebar_node_get_host (self->node) : NULL;
  gboolean section = self->node != NULL &&
                     jg_sidebar_node_get_kind (self->node) == JG_SIDEBAR_NODE_SECTION;
  const char *icon;

  gtk_widget_set_visible (GTK_WIDGET (self->icon), !section);
  if (section)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->title), "caption-heading");
      gtk_widget_add_css_class (GTK_WIDGET (self->title), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self), "jg-section");
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->title), "caption-heading");
  gtk_widget_remove_css_class (GTK_WIDGET (self->title), "dim-label");
  gtk_widget_remove_css_class (GTK_WIDGET (self), "jg-section");
  /* "Any host matching *.lab !db.lab": the patterns matter, so the title
   * of a rule wraps rather than losing them to an ellipsis. */
  gtk_label_set_wrap (self->title, host == NULL);
  gtk_label_set_ellipsize (self->title, host == NULL ? PANGO_ELLIPSIZE_NONE : PANGO_ELLIPSIZE_END);
  if (host == NULL)
    icon = "folder-saved-search-symbolic";   /* a jump rule */
  else if (JG_IS_JUMP_HOST (host))
    icon = "network-server-symbolic";
  else if (JG_IS_MACHINE (host) && jg_machine_get_kind (JG_MACHINE (host)) == JG_MACHINE_KIND_OWN)
    icon = "computer-symbolic";
  else
    icon = "network-workgroup-symbolic";
  /* Same icon as before (the usual case when a row is reused): no work. */
  if (g_strcmp0 (gtk_image_get_icon_name (self->icon), icon) != 0)
    gtk_image_set_from_icon_name (self->icon, icon);
}

static void
disconnect_node (JgMachineRow *self)
{
  JgHost *host;

  if (self->node == NULL)
    return;
  host = jg_sidebar_node_get_host (self->node);
  if (host != NULL)
    g_signal_handlers_disconnect_by_data (host, self);
  g_signal_handlers_disconnect_by_data (self->node, self);
  g_clear_object (&self->node);
  if (self->item != NULL)
    g_signal_handlers_disconnect_by_data (self->item, self);
  g_clear_object (&self->item);
}

void
jg_machine_row_set_node (JgMachineRow  *self,
                         JgSidebarNode *node)
{
  JgHost *host;

  g_return_if_fail (JG_IS_MACHINE_ROW (self));
  g_return_if_fail (node == NULL || JG_IS_SIDEBAR_NODE (node));

  if (self->node == node)
    return;

  disconnect_node (self);
  if (node != NULL)
    {
      self->node = g_object_ref (node);
      host = jg_sidebar_node_get_host (node);
      if (host != NULL)
        {
          g_signal_connect_swapped (host, "notify::name", G_CALLBACK (update_labels), self);
          g_signal_connect_swapped (host, "notify::destination", G_CALLBACK (update_labels), self);
          g_signal_connect_swapped (host, "notify::kind", G_CALLBACK (update_kind), self);
          if (jg_status_monitor_get_default () != NULL && jg_host_get_id (host) != NULL)
            {
              self->item = g_object_ref (jg_status_monitor_get_item (jg_status_monitor_get_default (), host));
              g_signal_connect_swapped (self->item, "changed", G_CALLBACK (update_status), self);
            }
        }
      g_signal_connect_swapped (node, "notify::status", G_CALLBACK (update_status), self);
    }
  update_kind (self);
  update_labels (self);
  update_status (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NODE]);
}

JgSidebarNode *
jg_machine_row_get_node (JgMachineRow *self)
{
  g_return_val_if_fail (JG_IS_MACHINE_ROW (self), NULL);
  return self->node;
}

#define INDENT 16

/* Rows whose item changed while they were out of sight: updated after the
 * next frame is painted. GTK 4.8 keeps 200 rows bound; labelling and
 * measuring all of them for each filter keystroke is what made it miss the
 * frame that shows the keystroke. */
static GPtrArray *pending_rows;
static guint pending_source;
static GdkFrameClock *pending_clock;
static gulong pending_paint_id;

static void update_from_item_now (JgMachineRow *self);

static gboolean
update_pending_rows (gpointer data)
{
  g_autoptr(GPtrArray) rows = g_steal_pointer (&pending_rows);

  pending_source = 0;
  if (pending_clock != NULL)
    {
      g_clear_signal_handler (&pending_paint_id, pending_clock);
      g_clear_object (&pending_clock);
    }
  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      JgMachineRow *row = g_ptr_array_index (rows, i);

      row->pending = FALSE;
      update_from_item_now (row);
    }
  return G_SOURCE_REMOVE;
}

static void
on_after_paint (GdkFrameClock *clock)
{
  g_clear_signal_handler (&pending_paint_id, pending_clock);
  g_clear_object (&pending_clock);
  if (pending_source == 0)
    pending_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, update_pending_rows, NULL, NULL);
}

/* Whether any of the row is inside the list view's visible area (a list
 * view unmaps the rows it keeps out of sight). */
static gboolean
is_in_sight (JgMachineRow *self)
{
  GtkWidget *list = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_LIST_VIEW);
  graphene_rect_t bounds;

  if (list == NULL || !gtk_widget_get_mapped (list))
    return TRUE;
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    return FALSE;
  if (!gtk_widget_compute_bounds (GTK_WIDGET (self), list, &bounds))
    return TRUE;
  return bounds.origin.y + bounds.size.height >= 0
         && bounds.origin.y <= gtk_widget_get_height (list);
}

static void
update_from_item (JgMachineRow *self)
{
  if (self->pending)
    return;
  if (is_in_sight (self))
    {
      update_from_item_now (self);
      return;
    }
  self->pending = TRUE;
  if (pending_rows == NULL)
    pending_rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (pending_rows, g_object_ref (self));
  if (pending_source == 0 && pending_clock == NULL)
    {
      GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

      if (clock != NULL)
        {
          pending_clock = g_object_ref (clock);
          pending_paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint),
                                               NULL);
        }
      else
        pending_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, update_pending_rows, NULL, NULL);
    }
}

static void
update_from_item_now (JgMachineRow *self)
{
  JgSidebarItem *item = self->place;
  gboolean expandable = item != NULL && jg_sidebar_item_get_expandable (item);
  gboolean expanded = expandable && jg_sidebar_item_get_expanded (item);
  const char *arrow = NULL;

  gtk_widget_set_margin_start (GTK_WIDGET (self),
                               item != NULL ? jg_sidebar_item_get_depth (item) * INDENT : 0);
  if (expandable)
    arrow = expanded ? "pan-down-symbolic"
            : gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL ? "pan-start-symbolic"
            : "pan-end-symbolic";
  if (arrow == NULL)
    gtk_image_clear (self->disclosure);
  else if (g_strcmp0 (gtk_image_get_icon_name (self->disclosure), arrow) != 0)
    gtk_image_set_from_icon_name (self->disclosure, arrow);
  if (expandable)
    gtk_accessible_update_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_EXPANDED, expanded, -1);
  else
    gtk_accessible_reset_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_EXPANDED);
  jg_machine_row_set_node (self, item != NULL ? jg_sidebar_item_get_node (item) : NULL);
}

/* Shows what @item (a position of the sidebar list) shows, and follows it
 * when it is given another node. */
void
jg_machine_row_set_item (JgMachineRow  *self,
                         JgSidebarItem *item)
{
  g_return_if_fail (JG_IS_MACHINE_ROW (self));
  g_return_if_fail (item == NULL || JG_IS_SIDEBAR_ITEM (item));

  if (self->place != item)
    {
      if (self->place != NULL)
        {
          g_signal_handlers_disconnect_by_func (self->place, update_from_item, self);
          jg_sidebar_item_set_watched (self->place, FALSE);
        }
      g_set_object (&self->place, item);
      if (item != NULL)
        {
          g_signal_connect_swapped (item, "changed", G_CALLBACK (update_from_item), self);
          jg_sidebar_item_set_watched (item, TRUE);
        }
    }
  update_from_item_now (self);
}

JgSidebarItem *
jg_machine_row_get_item (JgMachineRow *self)
{
  g_return_val_if_fail (JG_IS_MACHINE_ROW (self), NULL);
  return self->place;
}

/* Expands a collapsed row and collapses an expanded one. */
void
jg_machine_row_toggle_expanded (JgMachineRow *self)
{
  g_return_if_fail (JG_IS_MACHINE_ROW (self));

  if (self->place != NULL && jg_sidebar_item_get_expandable (self->place))
    jg_sidebar_item_set_expanded (self->place, !jg_sidebar_item_get_expanded (self->place));
}

static void
on_disclosure_pressed (GtkGestureClick *gesture,
                       int              n_press,
                       double           x,
                       double           y,
                       JgMachineRow    *self)
{
  if (self->place == NULL || !jg_sidebar_item_get_expandable (self->place))
    return;
  /* a click on the arrow is not a click on the row */
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  jg_machine_row_toggle_expanded (self);
}

/* Returns: (transfer none): the context menu, the same for every row */
GMenuModel *
jg_machine_row_get_menu_model (JgMachineRow *self)
{
  static GMenuModel *menu;

  g_return_val_if_fail (JG_IS_MACHINE_ROW (self), NULL);

  if (menu == NULL)
    {
      g_autoptr(GtkBuilder) builder =
        gtk_builder_new_from_resource ("/io/github/jumpgate/Jumpgate/jg-machine-row.ui");

      menu = g_object_ref (G_MENU_MODEL (gtk_builder_get_object (builder, "context_menu")));
    }
  return menu;
}

void
jg_machine_row_popup_menu (JgMachineRow *self,
                           double        x,
                           double        y)
{
  GdkRectangle rect;

  g_return_if_fail (JG_IS_MACHINE_ROW (self));

  if (self->node == NULL || jg_sidebar_node_get_host (self->node) == NULL)
    return;

  if (self->popover == NULL)
    {
      self->popover = gtk_popover_menu_new_from_model (jg_machine_row_get_menu_model (self));
      gtk_widget_set_parent (self->popover, GTK_WIDGET (self));
      gtk_popover_set_has_arrow (GTK_POPOVER (self->popover), FALSE);
      gtk_widget_set_halign (self->popover, GTK_ALIGN_START);
    }
  if (x < 0)
    {
      x = 12;
      y = gtk_widget_get_height (GTK_WIDGET (self));
    }
  rect = (GdkRectangle) { (int) x, (int) y, 1, 1 };
  gtk_popover_set_pointing_to (GTK_POPOVER (self->popover), &rect);
  gtk_popover_popup (GTK_POPOVER (self->popover));
}

static void
on_secondary_pressed (GtkGestureClick *gesture,
                      int              n_press,
                      double           x,
                      double           y,
                      JgMachineRow    *self)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  jg_machine_row_popup_menu (self, x, y);
}

static void
on_long_pressed (GtkGestureLongPress *gesture,
                 double               x,
                 double               y,
                 JgMachineRow        *self)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  jg_machine_row_popup_menu (self, x, y);
}

/* machine.* → win.*(host id) */
static void
machine_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  JgMachineRow *self = JG_MACHINE_ROW (widget);
  JgHost *host = self->node ? jg_sidebar_node_get_host (self->node) : NULL;
  g_autofree char *win_action = NULL;

  if (host == NULL)
    return;
  g_assert (g_str_has_prefix (action_name, "machine."));
  win_action = g_strconcat ("win.", action_name + strlen ("machine."), NULL);
  if (self->popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (self->popover));
  gtk_widget_activate_action (widget, win_action, "s", jg_host_get_id (host));
}

static void
jg_machine_row_dispose (GObject *object)
{
  JgMachineRow *self = JG_MACHINE_ROW (object);

  disconnect_node (self);
  if (self->place != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->place, update_from_item, self);
      jg_sidebar_item_set_watched (self->place, FALSE);
    }
  g_clear_object (&self->place);
  g_clear_pointer (&self->popover, gtk_widget_unparent);
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  self->disclosure = NULL;
  self->icon = NULL;
  self->title = NULL;
  self->subtitle = NULL;
  self->status = NULL;

  G_OBJECT_CLASS (jg_machine_row_parent_class)->dispose (object);
}

static void
jg_machine_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  JgMachineRow *self = JG_MACHINE_ROW (object);

  switch (prop_id)
    {
    case PROP_NODE:
      g_value_set_object (value, self->node);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jg_machine_row_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  JgMachineRow *self = JG_MACHINE_ROW (object);

  switch (prop_id)
    {
    case PROP_NODE:
      jg_machine_row_set_node (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jg_machine_row_class_init (JgMachineRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jg_machine_row_dispose;
  object_class->get_property = jg_machine_row_get_property;
  object_class->set_property = jg_machine_row_set_property;

  properties[PROP_NODE] =
    g_param_spec_object ("node", NULL, NULL, JG_TYPE_SIDEBAR_NODE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_GRID_LAYOUT);

  gtk_widget_class_install_action (widget_class, "machine.connect", NULL, machine_action);
  gtk_widget_class_install_action (widget_class, "machine.connect-new-window", NULL,
                                   machine_action);
  gtk_widget_class_install_action (widget_class, "machine.edit", NULL, machine_action);
  gtk_widget_class_install_action (widget_class, "machine.test", NULL, machine_action);
  gtk_widget_class_install_action (widget_class, "machine.install-key", NULL, machine_action);
  gtk_widget_class_install_action (widget_class, "machine.duplicate", NULL, machine_action);
  gtk_widget_class_install_action (widget_class, "machine.copy-command", NULL, machine_action);
  gtk_widget_class_install_action (widget_class, "machine.remove", NULL, machine_action);
  gtk_widget_class_install_action (widget_class, "machine.create-launcher", NULL, machine_action);

  gtk_widget_class_set_css_name (widget_class, "jg-machine-row");
}

static GtkWidget *
add_child (JgMachineRow *self,
           GtkWidget    *child,
           int           column,
           int           row,
           int           row_span)
{
  GtkLayoutChild *layout;

  gtk_widget_set_parent (child, GTK_WIDGET (self));
  layout = gtk_layout_manager_get_layout_child (gtk_widget_get_layout_manager (GTK_WIDGET (self)),
                                                child);
  gtk_grid_layout_child_set_column (GTK_GRID_LAYOUT_CHILD (layout), column);
  gtk_grid_layout_child_set_row (GTK_GRID_LAYOUT_CHILD (layout), row);
  gtk_grid_layout_child_set_row_span (GTK_GRID_LAYOUT_CHILD (layout), row_span);
  return child;
}

/*   [>] [icon] title      [status]
 *              subtitle                 */
static void
jg_machine_row_init (JgMachineRow *self)
{
  GtkGridLayout *layout = GTK_GRID_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self)));
  GtkGesture *gesture;

  gtk_grid_layout_set_column_spacing (layout, 0);
  /* A list item that cannot be selected (a section title, a rule) only takes
   * the keyboard focus through its child. */
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);

  self->disclosure = GTK_IMAGE (add_child (self, gtk_image_new (), 0, 0, 2));
  gtk_widget_set_size_request (GTK_WIDGET (self->disclosure), INDENT, -1);
  gtk_widget_add_css_class (GTK_WIDGET (self->disclosure), "jg-disclosure");
  gesture = gtk_gesture_click_new ();
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_disclosure_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->disclosure), GTK_EVENT_CONTROLLER (gesture));
  self->icon = GTK_IMAGE (add_child (self, gtk_image_new (), 1, 0, 2));
  gtk_widget_set_margin_start (GTK_WIDGET (self->icon), 6);
  gtk_widget_set_margin_end (GTK_WIDGET (self->icon), 10);
  self->title = GTK_LABEL (add_child (self, gtk_label_new (NULL), 2, 0, 1));
  gtk_label_set_xalign (self->title, 0);
  gtk_label_set_ellipsize (self->title, PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (GTK_WIDGET (self->title), TRUE);
  self->subtitle = GTK_LABEL (add_child (self, gtk_label_new (NULL), 2, 1, 1));
  gtk_label_set_xalign (self->subtitle, 0);
  gtk_label_set_ellipsize (self->subtitle, PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_add_css_class (GTK_WIDGET (self->subtitle), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (self->subtitle), "dim-label");

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_secondary_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));
  gesture = gtk_gesture_long_press_new ();
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (gesture), TRUE);
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_long_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));
}

GtkWidget *
jg_machine_row_new (void)
{
  return g_object_new (JG_TYPE_MACHINE_ROW, NULL);
}
