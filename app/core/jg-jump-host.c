/* jg-jump-host.c — a bastion that machines (and other jump hosts) sit behind
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "jg-jump-host.h"

struct _JgJumpHost
{
  JgHost     parent_instance;
  GPtrArray *rules;
};

G_DEFINE_FINAL_TYPE (JgJumpHost, jg_jump_host, JG_TYPE_HOST)
G_DEFINE_BOXED_TYPE (JgJumpRule, jg_jump_rule, jg_jump_rule_copy, jg_jump_rule_free)

enum {
  RULES_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

JgJumpRule *
jg_jump_rule_new (const char *patterns)
{
  JgJumpRule *rule = g_new0 (JgJumpRule, 1);

  rule->patterns = g_strdup (patterns);
  return rule;
}

JgJumpRule *
jg_jump_rule_copy (const JgJumpRule *rule)
{
  JgJumpRule *copy;

  g_return_val_if_fail (rule != NULL, NULL);

  copy = jg_jump_rule_new (rule->patterns);
  copy->user = g_strdup (rule->user);
  copy->port = rule->port;
  copy->identity_file = g_strdup (rule->identity_file);
  copy->jump_user_from_target = rule->jump_user_from_target;
  return copy;
}

gboolean
jg_jump_rule_equal (const JgJumpRule *a,
                    const JgJumpRule *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return g_strcmp0 (a->patterns, b->patterns) == 0 && g_strcmp0 (a->user, b->user) == 0 &&
         a->port == b->port && g_strcmp0 (a->identity_file, b->identity_file) == 0 &&
         !a->jump_user_from_target == !b->jump_user_from_target;
}

void
jg_jump_rule_free (JgJumpRule *rule)
{
  if (rule == NULL)
    return;
  g_free (rule->patterns);
  g_free (rule->user);
  g_free (rule->identity_file);
  g_free (rule);
}

static const char *
jg_jump_host_get_kind_name (JgHost *host)
{
  return "jump";
}

static void
jg_jump_host_finalize (GObject *object)
{
  JgJumpHost *self = JG_JUMP_HOST (object);

  g_clear_pointer (&self->rules, g_ptr_array_unref);

  G_OBJECT_CLASS (jg_jump_host_parent_class)->finalize (object);
}

static void
jg_jump_host_class_init (JgJumpHostClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  JgHostClass *host_class = JG_HOST_CLASS (klass);

  object_class->finalize = jg_jump_host_finalize;
  host_class->get_kind_name = jg_jump_host_get_kind_name;

  /**
   * JgJumpHost::rules-changed:
   *
   * Emitted when a rule was added, removed or the rules were cleared.
   */
  signals[RULES_CHANGED] =
    g_signal_new ("rules-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
jg_jump_host_init (JgJumpHost *self)
{
  self->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) jg_jump_rule_free);
}

JgJumpHost *
jg_jump_host_new (void)
{
  return g_object_new (JG_TYPE_JUMP_HOST, NULL);
}

GPtrArray *
jg_jump_host_get_rules (JgJumpHost *self)
{
  g_return_val_if_fail (JG_IS_JUMP_HOST (self), NULL);
  return self->rules;
}

/* Takes ownership of @rule. */
void
jg_jump_host_add_rule (JgJumpHost *self,
                       JgJumpRule *rule)
{
  g_return_if_fail (JG_IS_JUMP_HOST (self));
  g_return_if_fail (rule != NULL);

  g_ptr_array_add (self->rules, rule);
  g_signal_emit (self, signals[RULES_CHANGED], 0);
}

void
jg_jump_host_remove_rule (JgJumpHost *self,
                          guint       index)
{
  g_return_if_fail (JG_IS_JUMP_HOST (self));
  g_return_if_fail (index < self->rules->len);

  g_ptr_array_remove_index (self->rules, index);
  g_signal_emit (self, signals[RULES_CHANGED], 0);
}

void
jg_jump_host_clear_rules (JgJumpHost *self)
{
  g_return_if_fail (JG_IS_JUMP_HOST (self));

  if (self->rules->len == 0)
    return;
  g_ptr_array_set_size (self->rules, 0);
  g_signal_emit (self, signals[RULES_CHANGED], 0);
}

void
jg_jump_host_set_rules (JgJumpHost *self,
                        GPtrArray  *rules)
{
  gboolean same;

  g_return_if_fail (JG_IS_JUMP_HOST (self));
  g_return_if_fail (rules != NULL);

  same = rules->len == self->rules->len;
  for (guint i = 0; same && i < rules->len; i++)
    same = jg_jump_rule_equal (g_ptr_array_index (rules, i), g_ptr_array_index (self->rules, i));
  if (same)
    return;
  g_ptr_array_set_size (self->rules, 0);
  for (guint i = 0; i < rules->len; i++)
    g_ptr_array_add (self->rules, jg_jump_rule_copy (g_ptr_array_index (rules, i)));
  g_signal_emit (self, signals[RULES_CHANGED], 0);
}
