/* jg-jump-host.h — a bastion that machines (and other jump hosts) sit behind
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jg-host.h"

G_BEGIN_DECLS

/* A jump rule: any destination whose name matches @patterns (ssh_config
 * Host syntax: space-separated, `*` and `?`, `!` negations) goes through
 * this jump host, with the optional defaults below. */
typedef struct
{
  char     *patterns;
  char     *user;          /* NULL: the destination's own user */
  guint     port;          /* 0: 22 */
  char     *identity_file; /* NULL: the jump host's authentication */
  /* TRUE: the jump host is logged in to as the destination's user, not as
   * its own (ssh_config's `ProxyCommand ssh %r@jump …`). */
  gboolean  jump_user_from_target;
} JgJumpRule;

#define JG_TYPE_JUMP_RULE (jg_jump_rule_get_type ())
GType       jg_jump_rule_get_type (void) G_GNUC_CONST;
JgJumpRule *jg_jump_rule_new      (const char       *patterns);
JgJumpRule *jg_jump_rule_copy     (const JgJumpRule *rule);
void        jg_jump_rule_free     (JgJumpRule       *rule);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgJumpRule, jg_jump_rule_free)

#define JG_TYPE_JUMP_HOST (jg_jump_host_get_type ())
G_DECLARE_FINAL_TYPE (JgJumpHost, jg_jump_host, JG, JUMP_HOST, JgHost)

JgJumpHost *jg_jump_host_new          (void);
/* Element type JgJumpRule, in precedence order (first match wins). */
GPtrArray  *jg_jump_host_get_rules    (JgJumpHost *self);
void        jg_jump_host_add_rule     (JgJumpHost *self,
                                       JgJumpRule *rule);
void        jg_jump_host_remove_rule  (JgJumpHost *self,
                                       guint       index);
void        jg_jump_host_clear_rules  (JgJumpHost *self);
/* Replaces every rule by copies of @rules (element type JgJumpRule) with
 * one ::rules-changed, and none when nothing changed. */
void        jg_jump_host_set_rules    (JgJumpHost *self,
                                       GPtrArray  *rules);
gboolean    jg_jump_rule_equal        (const JgJumpRule *a,
                                       const JgJumpRule *b);

G_END_DECLS
