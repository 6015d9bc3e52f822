/* jg-sidebar-node-private.h — what JgSidebarModel keeps in its nodes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jg-sidebar-node.h"

G_BEGIN_DECLS

struct _JgSidebarNode
{
  GObject            parent_instance;

  JgSidebarNodeKind  kind;
  char              *title;
  JgHost            *host;
  JgHostStatus       status;
  JgJumpHost        *rule_jump;   /* RULE rows: the jump host and the rule */
  JgJumpRule        *rule;
  GPtrArray         *rule_nodes;  /* a jump host's RULE rows, kept across rebuilds */

  /* Owned by JgSidebarModel: the last rebuild's children, sorted; NULL for
   * a node without any. */
  GPtrArray         *kids;
  guint              position;   /* in the sidebar list, or GTK_INVALID_LIST_POSITION */

  /* casefolded "name\nhostname", and whether the current filter keeps it */
  char              *haystack;
  char              *collate_key;
  guint              visible : 1;
  guint              collapsed : 1;
  guint              seen : 1;
};

G_END_DECLS
