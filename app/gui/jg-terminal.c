/* jg-terminal.c — the VTE terminal of a tab
 *
 * Follows the preferences (font, scrollback) and the light/dark style,
 * notices grid-size changes in size_allocate (DESIGN decision 4), and has
 * the usual terminal keys and a context menu. VTE 0.70 has no context-menu
 * model of its own, so the menu is ours.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "jg-application.h"
#include "jg-terminal.h"

/* PCRE2_MULTILINE | PCRE2_CASELESS; pcre2.h is not needed for two bits. */
#define JG_PCRE2_MULTILINE 0x00000400u
#define JG_PCRE2_CASELESS  0x00000008u

#define URL_REGEX \
  "\\b(?:https?|ftp|file)://[-[:alnum:]._~:/?#@!$&'*+,;=%]+(?:\\([-[:alnum:]._~:/?#@!$&'*+,;=%]*\\)[-[:alnum:]._~:/?#@!$&'*+,;=%]*)*[-[:alnum:]_~/#@$&*+=%]"

struct _JgTerminal
{
  VteTerminal  parent_instance;

  GSettings   *settings;
  GtkWidget   *popover;
  GMenuModel  *context_menu;
  char        *menu_link;
  int          url_tag;
  glong        last_columns;
  glong        last_rows;
};

G_DEFINE_FINAL_TYPE (JgTerminal, jg_terminal, VTE_TYPE_TERMINAL)

enum {
  GRID_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const GdkRGBA light_palette[16] = {
  { 0.141, 0.122, 0.192, 1 }, { 0.753, 0.110, 0.157, 1 }, { 0.149, 0.635, 0.412, 1 },
  { 0.647, 0.439, 0.000, 1 }, { 0.110, 0.443, 0.847, 1 }, { 0.506, 0.239, 0.612, 1 },
  { 0.094, 0.529, 0.600, 1 }, { 0.753, 0.749, 0.737, 1 }, { 0.369, 0.361, 0.392, 1 },
  { 0.965, 0.380, 0.318, 1 }, { 0.200, 0.820, 0.478, 1 }, { 0.898, 0.647, 0.039, 1 },
  { 0.208, 0.518, 0.894, 1 }, { 0.753, 0.380, 0.796, 1 }, { 0.200, 0.761, 0.839, 1 },
  { 0.965, 0.961, 0.957, 1 },
};

static void
apply_colors (JgTerminal *self)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  gboolean dark = adw_style_manager_get_dark (style);
  GdkRGBA fg, bg;

  if (dark)
    {
      fg = (GdkRGBA) { 1.0, 1.0, 1.0, 1.0 };
      bg = (GdkRGBA) { 0.118, 0.118, 0.118, 1.0 };
    }
  else
    {
      fg = (GdkRGBA) { 0.141, 0.122, 0.192, 1.0 };
      bg = (GdkRGBA) { 1.0, 1.0, 1.0, 1.0 };
    }
  vte_terminal_set_colors (VTE_TERMINAL (self), &fg, &bg, light_palette, G_N_ELEMENTS (light_palette));
}

static void
apply_font (JgTerminal *self)
{
  g_autoptr(PangoFontDescription) desc = NULL;
  g_autofree char *font = NULL;

  if (self->settings != NULL && !g_settings_get_boolean (self->settings, "use-system-font"))
    font = g_settings_get_string (self->settings, "font");
  else
    {
      g_autoptr(GSettings) iface = NULL;
      GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
      g_autoptr(GSettingsSchema) schema = NULL;

      if (source != NULL)
        schema = g_settings_schema_source_lookup (source, "org.gnome.desktop.interface", TRUE);
      if (schema != NULL && g_settings_schema_has_key (schema, "monospace-font-name"))
        {
          iface = g_settings_new ("org.gnome.desktop.interface");
          font = g_settings_get_string (iface, "monospace-font-name");
        }
    }
  if (font == NULL || font[0] == '\0')
    {
      g_free (font);
      font = g_strdup ("Monospace 11");
    }
  desc = pango_font_description_from_string (font);
  vte_terminal_set_font (VTE_TERMINAL (self), desc);
}

static void
apply_scrollback (JgTerminal *self)
{
  int lines = self->settings ? g_settings_get_int (self->settings, "scrollback-lines") : 10000;

  vte_terminal_set_scrollback_lines (VTE_TERMINAL (self), lines);
}

static void
on_settings_changed (JgTerminal *self,
                     const char *key)
{
  if (g_str_equal (key, "font") || g_str_equal (key, "use-system-font"))
    apply_font (self);
  else if (g_str_equal (key, "scrollback-lines"))
    apply_scrollback (self);
}

static void
jg_terminal_size_allocate (GtkWidget *widget,
                           int        width,
                           int        height,
                           int        baseline)
{
  JgTerminal *self = JG_TERMINAL (widget);
  glong columns, rows;

  GTK_WIDGET_CLASS (jg_terminal_parent_class)->size_allocate (widget, width, height, baseline);

  if (self->popover != NULL)
    gtk_popover_present (GTK_POPOVER (self->popover));

  columns = vte_terminal_get_column_count (VTE_TERMINAL (self));
  rows = vte_terminal_get_row_count (VTE_TERMINAL (self));
  if (columns != self->last_columns || rows != self->last_rows)
    {
      self->last_columns = columns;
      self->last_rows = rows;
      g_signal_emit (self, signals[GRID_CHANGED], 0, (guint) columns, (guint) rows);
    }
}

static char *
link_at (JgTerminal *self,
         double      x,
         double      y)
{
  char *uri = vte_terminal_check_hyperlink_at (VTE_TERMINAL (self), x, y);
  int tag;

  if (uri == NULL)
    uri = vte_terminal_check_match_at (VTE_TERMINAL (self), x, y, &tag);
  return uri;
}

static void
update_actions (JgTerminal *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "term.copy",
                                 vte_terminal_get_has_selection (VTE_TERMINAL (self)));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "term.open-link", self->menu_link != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "term.copy-link", self->menu_link != NULL);
}

void
jg_terminal_popup_menu (JgTerminal *self,
                        double      x,
                        double      y)
{
  GdkRectangle rect;

  g_return_if_fail (JG_IS_TERMINAL (self));

  g_clear_pointer (&self->menu_link, g_free);
  if (x >= 0)
    self->menu_link = link_at (self, x, y);
  update_actions (self);

  if (self->popover == NULL)
    {
      self->popover = gtk_popover_menu_new_from_model (self->context_menu);
      gtk_widget_set_parent (self->popover, GTK_WIDGET (self));
      gtk_popover_set_has_arrow (GTK_POPOVER (self->popover), FALSE);
      gtk_widget_set_halign (self->popover, GTK_ALIGN_START);
    }
  if (x < 0)
    {
      x = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      y = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
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
                      JgTerminal      *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));

  /* With Shift the application running in the terminal gets the click. */
  if (state & GDK_SHIFT_MASK)
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  jg_terminal_popup_menu (self, x, y);
}

static void
open_uri (JgTerminal *self,
          const char *uri)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME);
}

static void
on_primary_pressed (GtkGestureClick *gesture,
                    int              n_press,
                    double           x,
                    double           y,
                    JgTerminal      *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  g_autofree char *uri = NULL;

  if (n_press != 1 || !(state & GDK_CONTROL_MASK))
    return;
  uri = link_at (self, x, y);
  if (uri == NULL)
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  open_uri (self, uri);
}

static void
term_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  JgTerminal *self = JG_TERMINAL (widget);
  VteTerminal *vte = VTE_TERMINAL (widget);
  double scale = vte_terminal_get_font_scale (vte);

  if (g_str_equal (action_name, "term.copy"))
    vte_terminal_copy_clipboard_format (vte, VTE_FORMAT_TEXT);
  else if (g_str_equal (action_name, "term.paste"))
    vte_terminal_paste_clipboard (vte);
  else if (g_str_equal (action_name, "term.select-all"))
    vte_terminal_select_all (vte);
  else if (g_str_equal (action_name, "term.zoom-in"))
    vte_terminal_set_font_scale (vte, MIN (scale * 1.1, 4.0));
  else if (g_str_equal (action_name, "term.zoom-out"))
    vte_terminal_set_font_scale (vte, MAX (scale / 1.1, 0.25));
  else if (g_str_equal (action_name, "term.zoom-reset"))
    vte_terminal_set_font_scale (vte, 1.0);
  else if (g_str_equal (action_name, "term.open-link") && self->menu_link != NULL)
    open_uri (self, self->menu_link);
  else if (g_str_equal (action_name, "term.copy-link") && self->menu_link != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->menu_link);
  else if (g_str_equal (action_name, "term.menu"))
    jg_terminal_popup_menu (self, -1, -1);
}

static void
on_selection_changed (JgTerminal *self)
{
  update_actions (self);
}

char *
jg_terminal_dup_text (JgTerminal *self)
{
  VteTerminal *vte = VTE_TERMINAL (self);
  GtkAdjustment *vadj;
  glong first, last;

  g_return_val_if_fail (JG_IS_TERMINAL (self), NULL);

  vadj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self));
  first = vadj != NULL ? (glong) gtk_adjustment_get_lower (vadj) : 0;
  last = vadj != NULL ? (glong) gtk_adjustment_get_upper (vadj) : vte_terminal_get_row_count (vte);
  return vte_terminal_get_text_range (vte, first, 0, last, vte_terminal_get_column_count (vte),
                                      NULL, NULL, NULL);
}

static void
jg_terminal_dispose (GObject *object)
{
  JgTerminal *self = JG_TERMINAL (object);

  g_clear_pointer (&self->popover, gtk_widget_unparent);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->menu_link, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), JG_TYPE_TERMINAL);

  G_OBJECT_CLASS (jg_terminal_parent_class)->dispose (object);
}

static void
jg_terminal_class_init (JgTerminalClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jg_terminal_dispose;
  widget_class->size_allocate = jg_terminal_size_allocate;

  signals[GRID_CHANGED] =
    g_signal_new ("grid-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/jumpgate/Jumpgate/jg-terminal.ui");
  gtk_widget_class_bind_template_child (widget_class, JgTerminal, context_menu);
  gtk_widget_class_bind_template_callback (widget_class, on_secondary_pressed);
  gtk_widget_class_bind_template_callback (widget_class, on_primary_pressed);

  gtk_widget_class_install_action (widget_class, "term.copy", NULL, term_action);
  gtk_widget_class_install_action (widget_class, "term.paste", NULL, term_action);
  gtk_widget_class_install_action (widget_class, "term.select-all", NULL, term_action);
  gtk_widget_class_install_action (widget_class, "term.zoom-in", NULL, term_action);
  gtk_widget_class_install_action (widget_class, "term.zoom-out", NULL, term_action);
  gtk_widget_class_install_action (widget_class, "term.zoom-reset", NULL, term_action);
  gtk_widget_class_install_action (widget_class, "term.open-link", NULL, term_action);
  gtk_widget_class_install_action (widget_class, "term.copy-link", NULL, term_action);
  gtk_widget_class_install_action (widget_class, "term.menu", NULL, term_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "term.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_C,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "term.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "term.paste", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_V,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "term.paste", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Insert, GDK_SHIFT_MASK,
                                       "term.paste", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK,
                                       "term.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "term.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK,
                                       "term.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK,
                                       "term.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK,
                                       "term.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK,
                                       "term.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK,
                                       "term.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0, GDK_CONTROL_MASK,
                                       "term.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK,
                                       "term.menu", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "term.menu", NULL);
  /* page.* is the enclosing JgTerminalPage's */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "page.find", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "page.find", NULL);
}

static void
jg_terminal_init (JgTerminal *self)
{
  g_autoptr(VteRegex) regex = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->last_columns = self->last_rows = -1;
  self->settings = jg_application_dup_settings ();
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_settings_changed), self,
                             G_CONNECT_SWAPPED);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (apply_colors), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "selection-changed", G_CALLBACK (on_selection_changed), NULL);

  regex = vte_regex_new_for_match (URL_REGEX, -1, VTE_REGEX_FLAGS_DEFAULT | JG_PCRE2_MULTILINE
                                   | JG_PCRE2_CASELESS, NULL);
  if (regex != NULL)
    {
      self->url_tag = vte_terminal_match_add_regex (VTE_TERMINAL (self), regex, 0);
      vte_terminal_match_set_cursor_name (VTE_TERMINAL (self), self->url_tag, "pointer");
    }

  apply_colors (self);
  apply_font (self);
  apply_scrollback (self);
  update_actions (self);
}

GtkWidget *
jg_terminal_new (void)
{
  return g_object_new (JG_TYPE_TERMINAL, NULL);
}
