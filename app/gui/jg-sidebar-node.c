/* jg-sidebar-node.c — one row of the sidebar tree: a section or a host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "jg-destination.h"
#include "jg-sidebar-node-private.h"

G_DEFINE_FINAL_TYPE (JgSidebarNode, jg_sidebar_node, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_HOST,
  PROP_STATUS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
jg_sidebar_node_finalize (GObject *object)
{
  JgSidebarNode *self = JG_SIDEBAR_NODE (object);

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->haystack, g_free);
  g_clear_pointer (&self->collate_key, g_free);
  g_clear_pointer (&self->kids, g_ptr_array_unref);
  g_clear_object (&self->host);
  g_clear_object (&self->rule_jump);
  g_clear_pointer (&self->rule, jg_jump_rule_free);
  g_clear_pointer (&self->rule_nodes, g_ptr_array_unref);

  G_OBJECT_CLASS (jg_sidebar_node_parent_class)->finalize (object);
}

static void
jg_sidebar_node_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  JgSidebarNode *self = JG_SIDEBAR_NODE (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_HOST:
      g_value_set_object (value, self->host);
      break;
    case PROP_STATUS:
      g_value_set_uint (value, self->status);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jg_sidebar_node_class_init (JgSidebarNodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = jg_sidebar_node_finalize;
  object_class->get_property = jg_sidebar_node_get_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_HOST] =
    g_param_spec_object ("host", NULL, NULL, JG_TYPE_HOST,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_uint ("status", NULL, NULL, 0, JG_HOST_STATUS_FAILED, JG_HOST_STATUS_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
jg_sidebar_node_init (JgSidebarNode *self)
{
  self->visible = TRUE;
  self->position = GTK_INVALID_LIST_POSITION;
}

JgSidebarNode *
jg_sidebar_node_new_section (const char *title)
{
  JgSidebarNode *self = g_object_new (JG_TYPE_SIDEBAR_NODE, NULL);

  self->kind = JG_SIDEBAR_NODE_SECTION;
  self->title = g_strdup (title);
  return self;
}

JgSidebarNode *
jg_sidebar_node_new_host (JgHost *host)
{
  JgSidebarNode *self;

  g_return_val_if_fail (JG_IS_HOST (host), NULL);

  self = g_object_new (JG_TYPE_SIDEBAR_NODE, NULL);
  self->kind = JG_SIDEBAR_NODE_HOST;
  self->host = g_object_ref (host);
  return self;
}

JgSidebarNode *
jg_sidebar_node_new_rule (JgJumpHost       *jump,
                          const JgJumpRule *rule)
{
  JgSidebarNode *self;
  g_autofree char *joined = NULL;

  g_return_val_if_fail (JG_IS_JUMP_HOST (jump), NULL);
  g_return_val_if_fail (rule != NULL, NULL);

  self = g_object_new (JG_TYPE_SIDEBAR_NODE, NULL);
  self->kind = JG_SIDEBAR_NODE_RULE;
  self->rule_jump = g_object_ref (jump);
  self->rule = jg_jump_rule_copy (rule);
  self->title = jg_jump_rule_dup_title (rule);
  /* The filter finds it by its patterns (and its title). */
  joined = g_strdup_printf ("%s\n%s", self->title, rule->patterns);
  self->haystack = g_utf8_casefold (joined, -1);
  self->collate_key = g_utf8_collate_key (self->title, -1);
  return self;
}

JgSidebarNodeKind
jg_sidebar_node_get_kind (JgSidebarNode *self)
{
  g_return_val_if_fail (JG_IS_SIDEBAR_NODE (self), JG_SIDEBAR_NODE_SECTION);
  return self->kind;
}

const char *
jg_sidebar_node_get_title (JgSidebarNode *self)
{
  g_return_val_if_fail (JG_IS_SIDEBAR_NODE (self), NULL);
  if (self->host != NULL)
    return jg_host_get_name (self->host);
  return self->title;
}

/* Returns: (transfer none) (nullable): the host of a host row */
JgHost *
jg_sidebar_node_get_host (JgSidebarNode *self)
{
  g_return_val_if_fail (JG_IS_SIDEBAR_NODE (self), NULL);
  return self->host;
}

JgHostStatus
jg_sidebar_node_get_status (JgSidebarNode *self)
{
  g_return_val_if_fail (JG_IS_SIDEBAR_NODE (self), JG_HOST_STATUS_NONE);
  return self->status;
}

void
jg_sidebar_node_set_status (JgSidebarNode *self,
                            JgHostStatus   status)
{
  g_return_if_fail (JG_IS_SIDEBAR_NODE (self));

  if (self->status != status)
    {
      self->status = status;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
    }
}

JgJumpHost *
jg_sidebar_node_get_jump_host (JgSidebarNode *self)
{
  g_return_val_if_fail (JG_IS_SIDEBAR_NODE (self), NULL);
  return self->rule_jump;
}

const JgJumpRule *
jg_sidebar_node_get_rule (JgSidebarNode *self)
{
  g_return_val_if_fail (JG_IS_SIDEBAR_NODE (self), NULL);
  return self->rule;
}
