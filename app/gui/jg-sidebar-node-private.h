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

  /* Owned by JgSidebarModel: every child in order, and the filtered view of
   * them that the tree shows. NULL for a node that cannot have children. */
  GListStore        *store;
  GtkFilterListModel *children;
  GPtrArray         *kids;       /* the last rebuild's children, sorted */

  /* casefolded "name\nhostname", and whether the current filter keeps it */
  char              *haystack;
  char              *collate_key;
  guint              visible : 1;
  guint              expandable : 1;
  guint              seen : 1;
};

G_END_DECLS
