/* jg-sidebar-node.h — one row of the sidebar tree: a section or a host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jg-inventory.h"

G_BEGIN_DECLS

typedef enum
{
  JG_SIDEBAR_NODE_SECTION,
  JG_SIDEBAR_NODE_HOST,
  JG_SIDEBAR_NODE_RULE,     /* a jump rule, under its jump host; no host */
} JgSidebarNodeKind;

/* What the sidebar shows in a host row's status slot. */
typedef enum
{
  JG_HOST_STATUS_NONE,
  JG_HOST_STATUS_CONNECTING,
  JG_HOST_STATUS_CONNECTED,
  JG_HOST_STATUS_FAILED,
} JgHostStatus;

#define JG_TYPE_SIDEBAR_NODE (jg_sidebar_node_get_type ())
G_DECLARE_FINAL_TYPE (JgSidebarNode, jg_sidebar_node, JG, SIDEBAR_NODE, GObject)

JgSidebarNode     *jg_sidebar_node_new_section   (const char    *title);
JgSidebarNode     *jg_sidebar_node_new_host      (JgHost        *host);
JgSidebarNode     *jg_sidebar_node_new_rule      (JgJumpHost       *jump,
                                                  const JgJumpRule *rule);
JgSidebarNodeKind  jg_sidebar_node_get_kind      (JgSidebarNode *self);
const char        *jg_sidebar_node_get_title     (JgSidebarNode *self);
JgHost            *jg_sidebar_node_get_host      (JgSidebarNode *self);
/* A rule row's jump host and (a copy of) its rule; NULL for other rows. */
JgJumpHost        *jg_sidebar_node_get_jump_host (JgSidebarNode *self);
const JgJumpRule  *jg_sidebar_node_get_rule      (JgSidebarNode *self);
JgHostStatus       jg_sidebar_node_get_status    (JgSidebarNode *self);
void               jg_sidebar_node_set_status    (JgSidebarNode *self,
                                                  JgHostStatus   status);

G_END_DECLS
