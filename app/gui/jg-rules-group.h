/* jg-rules-group.h — a jump host's rules, edited in the machine editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "jg-jump-host.h"

G_BEGIN_DECLS

#define JG_TYPE_RULES_GROUP (jg_rules_group_get_type ())
G_DECLARE_FINAL_TYPE (JgRulesGroup, jg_rules_group, JG, RULES_GROUP, AdwPreferencesGroup)

GtkWidget  *jg_rules_group_new          (void);
/* Shows copies of @rules (element type JgJumpRule). */
void        jg_rules_group_set_rules    (JgRulesGroup *self,
                                         GPtrArray    *rules);
/* The rules as edited (element type JgJumpRule), in order; only
 * meaningful when jg_rules_group_get_problem() is NULL. */
GPtrArray  *jg_rules_group_dup_rules    (JgRulesGroup *self);
/* What is wrong with the first rule that is not valid, or NULL. */
const char *jg_rules_group_get_problem  (JgRulesGroup *self);
guint       jg_rules_group_get_n_rules  (JgRulesGroup *self);
/* "Add Rule": a new, empty rule at the end, expanded; returns its row. */
GtkWidget  *jg_rules_group_add_rule     (JgRulesGroup *self);
/* Moves rule @from to position @to (the first rule that matches wins). */
void        jg_rules_group_move_rule    (JgRulesGroup *self,
                                         guint         from,
                                         guint         to);
/* The row (an AdwExpanderRow holding the rule's fields) of rule @index. */
GtkWidget  *jg_rules_group_get_row      (JgRulesGroup *self,
                                         guint         index);

/* Signals:
 * ::changed (JgRulesGroup *)  a rule was edited, added or removed. */

G_END_DECLS
