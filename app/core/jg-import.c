/* jg-import.c — bring the hosts of an OpenSSH config into the inventory
 *
 * The import is planned first, with no inventory at hand: every concrete
 * alias is resolved as `ssh alias` would be, its jump chain is built the way
 * ssh builds it (ProxyJump a,b,c reaches c through `-J a,b`; the first hop
 * follows its own configuration; a ProxyCommand that only jumps is the same
 * as a ProxyJump), jump hosts are shared by (user, address, port, next hop),
 * and wildcard blocks that route through a jump host become rules. Then the
 * plan is applied to the inventory, matching by name and kind.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "jg-import.h"

#define MAX_HOPS    16
#define MAX_ALIASES 4096
#define SAMPLE_NAME "jumpgate-sample"

struct _JgImportReport
{
  grefcount  ref;
  char      *path;
  GPtrArray *entries;  /* JgImportEntry * */
  GPtrArray *warnings; /* JgSshWarning * */
};

G_DEFINE_BOXED_TYPE (JgImportReport, jg_import_report, jg_import_report_ref, jg_import_report_unref)

/* Report {{{ */

static void
import_entry_free (JgImportEntry *entry)
{
  g_free (entry->name);
  g_free (entry->reason);
  g_free (entry->host_id);
  g_free (entry->file);
  g_free (entry);
}

static JgImportReport *
jg_import_report_new (const char *path)
{
  JgImportReport *self = g_new0 (JgImportReport, 1);

  g_ref_count_init (&self->ref);
  self->path = g_strdup (path);
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) import_entry_free);
  self->warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) jg_ssh_warning_free);
  return self;
}

JgImportReport *
jg_import_report_ref (JgImportReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_ref_count_inc (&self->ref);
  return self;
}

void
jg_import_report_unref (JgImportReport *self)
{
  g_return_if_fail (self != NULL);

  if (!g_ref_count_dec (&self->ref))
    return;
  g_free (self->path);
  g_ptr_array_unref (self->entries);
  g_ptr_array_unref (self->warnings);
  g_free (self);
}

const char *
jg_import_report_get_path (JgImportReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->path;
}

GPtrArray *
jg_import_report_get_entries (JgImportReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->entries;
}

GPtrArray *
jg_import_report_get_warnings (JgImportReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->warnings;
}

guint
jg_import_report_count (JgImportReport *self,
                        JgImportAction  action)
{
  guint n = 0;

  g_return_val_if_fail (self != NULL, 0);

  for (guint i = 0; i < self->entries->len; i++)
    {
      const JgImportEntry *entry = g_ptr_array_index (self->entries, i);

      if (entry->action == action)
        n++;
    }
  return n;
}

const JgImportEntry *
jg_import_report_lookup (JgImportReport *self,
                         JgImportItem    item,
                         const char     *name)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < self->entries->len; i++)
    {
      const JgImportEntry *entry = g_ptr_array_index (self->entries, i);

      if (entry->item == item && g_strcmp0 (entry->name, name) == 0)
        return entry;
    }
  return NULL;
}

const char *
jg_import_action_to_string (JgImportAction action)
{
  switch (action)
    {
    case JG_IMPORT_ADDED:
      return _("added");
    case JG_IMPORT_UPDATED:
      return _("updated");
    case JG_IMPORT_UNCHANGED:
      return _("unchanged");
    case JG_IMPORT_SKIPPED:
      return _("skipped");
    default:
      return "";
    }
}

const char *
jg_import_item_to_string (JgImportItem item)
{
  switch (item)
    {
    case JG_IMPORT_ITEM_MACHINE:
      return _("machine");
    case JG_IMPORT_ITEM_JUMP_HOST:
      return _("jump host");
    case JG_IMPORT_ITEM_JUMP_RULE:
      return _("jump rule");
    case JG_IMPORT_ITEM_HOST_PATTERN:
      return _("Host pattern");
    default:
      return "";
    }
}

char *
jg_import_report_dup_summary (JgImportReport *self)
{
  guint added, updated, unchanged, skipped;

  g_return_val_if_fail (self != NULL, NULL);

  added = jg_import_report_count (self, JG_IMPORT_ADDED);
  updated = jg_import_report_count (self, JG_IMPORT_UPDATED);
  unchanged = jg_import_report_count (self, JG_IMPORT_UNCHANGED);
  skipped = jg_import_report_count (self, JG_IMPORT_SKIPPED);
  /* Translators: the counts of an import, e.g. "2 added, 1 updated, 3 unchanged, 1 skipped" */
  return g_strdup_printf (_("%u added, %u updated, %u unchanged, %u skipped"),
                          added, updated, unchanged, skipped);
}

char *
jg_import_report_format (JgImportReport *self)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *summary = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  summary = jg_import_report_dup_summary (self);
  /* Translators: the first line of an import report: the file, then the counts */
  g_string_append_printf (out, _("Imported %s: %s"), self->path ? self->path : "ssh_config", summary);
  g_string_append_c (out, '\n');

  for (guint i = 0; i < self->entries->len; i++)
    {
      const JgImportEntry *entry = g_ptr_array_index (self->entries, i);

      g_string_append_printf (out, "  %-10s %s “%s”: %s", jg_import_action_to_string (entry->action),
                              jg_import_item_to_string (entry->item), entry->name, entry->reason);
      if (entry->action == JG_IMPORT_SKIPPED && entry->file != NULL)
        g_string_append_printf (out, " (%s:%u)", entry->file, entry->line);
      g_string_append_c (out, '\n');
    }

  if (self->warnings->len > 0)
    {
      g_string_append (out, _("Warnings:"));
      g_string_append_c (out, '\n');
    }
  for (guint i = 0; i < self->warnings->len; i++)
    {
      g_autofree char *line = jg_ssh_warning_format (g_ptr_array_index (self->warnings, i));

      g_string_append_printf (out, "  %s\n", line);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static JgImportEntry *
report_add (JgImportReport *report,
            JgImportItem    item,
            JgImportAction  action,
            const char     *name,
            JgHost         *host,
            const char     *file,
            guint           line,
            const char     *reason)
{
  JgImportEntry *entry = g_new0 (JgImportEntry, 1);

  entry->item = item;
  entry->action = action;
  entry->name = g_strdup (name);
  entry->reason = g_strdup (reason);
  entry->host_id = host != NULL ? g_strdup (jg_host_get_id (host)) : NULL;
  entry->file = g_strdup (file);
  entry->line = line;
  g_ptr_array_add (report->entries, entry);
  return entry;
}

/* }}} */

/* Plan {{{ */

typedef struct _Node Node;

typedef struct
{
  JgJumpRule *rule;
  char       *file;
  guint       line;
} PlanRule;

struct _Node
{
  gboolean   is_jump;
  char      *preferred;       /* the alias, or the hop's host as written */
  char      *name;            /* unique in the plan */
  char      *hostname;
  char      *user;
  guint      port;
  char      *identity_file;
  gboolean   identities_only;
  gboolean   forward_agent;
  int        keepalive;       /* -1: not set in the configuration */
  char      *known_hosts_file;
  Node      *parent;          /* the next hop towards this host */
  char      *file;            /* its Host line, if it has one */
  guint      line;
  gboolean   proxy_dropped;   /* a ProxyCommand that is not a jump was left out */
  gboolean   used;
  GPtrArray *rules;           /* PlanRule *, for jump hosts */
  JgHost    *host;            /* the inventory entry once applied; NULL if skipped */
  char      *skip_reason;
};

typedef enum
{
  CHAIN_OK,
  CHAIN_LOOP,
  CHAIN_TOO_DEEP,
} ChainStatus;

typedef struct
{
  JgSshConfig *config;
  GPtrArray   *nodes;        /* Node *, jump hosts, each after its parent; owned */
  GHashTable  *node_index;   /* "user\x1fhost\x1fport\x1fparent" → Node * */
  GHashTable  *aliases;      /* concrete alias → its first JgSshHostBlock */
  GPtrArray   *stack_keys;   /* char *, the hosts being resolved, outermost first */
  GPtrArray   *stack_names;  /* char *, their names, for messages */
  GPtrArray   *hop_aliases;  /* char *, aliases met as hops in the chain being built */
  char        *loop_path;    /* "a → b → a" after CHAIN_LOOP */
} Plan;

typedef struct
{
  char     *alias;
  Node     *node;            /* the machine's own settings; NULL if skipped */
  char     *skip_reason;
  char     *file;            /* the first Host line naming it */
  guint     line;
} AliasPlan;

typedef struct
{
  const JgSshHostBlock *block;
  char                 *patterns; /* the wildcard and negated patterns, space-separated */
  Node                 *jump;     /* the jump host the rule goes on; NULL: not a rule */
  char                 *skip_reason;
} PatternPlan;

static void
plan_rule_free (PlanRule *rule)
{
  jg_jump_rule_free (rule->rule);
  g_free (rule->file);
  g_free (rule);
}

static void
node_free (Node *node)
{
  g_free (node->preferred);
  g_free (node->name);
  g_free (node->hostname);
  g_free (node->user);
  g_free (node->identity_file);
  g_free (node->known_hosts_file);
  g_free (node->file);
  g_clear_pointer (&node->rules, g_ptr_array_unref);
  g_clear_object (&node->host);
  g_free (node->skip_reason);
  g_free (node);
}

static void
alias_plan_free (AliasPlan *plan)
{
  g_free (plan->alias);
  g_clear_pointer (&plan->node, node_free);
  g_free (plan->skip_reason);
  g_free (plan->file);
  g_free (plan);
}

static void
pattern_plan_free (PatternPlan *plan)
{
  g_free (plan->patterns);
  g_free (plan->skip_reason);
  g_free (plan);
}

static const JgSshHostBlock *
find_alias_block (Plan       *plan,
                  const char *alias)
{
  return g_hash_table_lookup (plan->aliases, alias);
}

static Node *
node_new_from_options (Plan               *plan,
                       const JgSshOptions *options,
                       gboolean            is_jump,
                       const char         *who)
{
  Node *node = g_new0 (Node, 1);
  const JgSshHostBlock *block = find_alias_block (plan, options->host);

  node->is_jump = is_jump;
  node->preferred = g_strdup (options->host);
  node->hostname = g_strdup (options->hostname);
  node->user = g_strdup (options->user);
  node->port = options->port;
  node->identities_only = options->identities_only == 1;
  node->forward_agent = options->forward_agent == 1;
  node->keepalive = options->server_alive_interval;
  node->known_hosts_file = g_strdup (options->user_known_hosts_file);
  if (block != NULL)
    {
      node->file = g_strdup (block->file);
      node->line = block->line;
    }

  if (options->identity_files->len > 0)
    {
      const char *first = g_ptr_array_index (options->identity_files, 0);

      node->identity_file = g_strdup (first);
      for (guint i = 1; i < options->identity_files->len; i++)
        {
          if (!g_str_equal (first, g_ptr_array_index (options->identity_files, i)))
            {
              jg_ssh_config_add_warning (plan->config, node->file, node->line,
                                         _("“%s” has several IdentityFile lines: Jumpgate uses the first, %s"),
                                         who, first);
              break;
            }
        }
    }
  return node;
}

static char *
command_line_key (const char             *host,
                  const JgSshCommandLine *cmdline)
{
  GString *key = g_string_new (host);

  g_string_append_printf (key, "\x1f%s\x1f%u\x1f%s\x1f%s",
                          cmdline->user ? cmdline->user : "\x1e", cmdline->port,
                          cmdline->identity_file ? cmdline->identity_file : "",
                          cmdline->proxy_jump ? cmdline->proxy_jump : "");
  for (guint i = 0; cmdline->options != NULL && cmdline->options[i] != NULL; i++)
    g_string_append_printf (key, "\x1f%s", cmdline->options[i]);
  return g_string_free (key, FALSE);
}

static ChainStatus build_chain (Plan               *plan,
                                const JgSshOptions *options,
                                const char         *who,
                                guint               depth,
                                Node              **last,
                                gboolean           *dropped);

static void
stack_push (Plan       *plan,
            char       *key,
            const char *name)
{
  g_ptr_array_add (plan->stack_keys, key);
  g_ptr_array_add (plan->stack_names, g_strdup (name));
}

static void
stack_pop (Plan *plan)
{
  g_ptr_array_remove_index (plan->stack_keys, plan->stack_keys->len - 1);
  g_ptr_array_remove_index (plan->stack_names, plan->stack_names->len - 1);
}

/* The jump host ssh would reach for `ssh <cmdline> host`, with its own
 * chain; shared with every other hop that is the same login. */
static ChainStatus
build_jump_node (Plan                   *plan,
                 const char             *host,
                 const JgSshCommandLine *cmdline,
                 guint                   depth,
                 Node                  **out)
{
  g_autoptr(JgSshOptions) options = NULL;
  g_autofree char *node_key = NULL;
  char *key;
  Node *parent = NULL;
  Node *node;
  gboolean dropped = FALSE;
  ChainStatus status;

  *out = NULL;
  if (depth > MAX_HOPS)
    return CHAIN_TOO_DEEP;

  key = command_line_key (host, cmdline);
  for (guint i = 0; i < plan->stack_keys->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (plan->stack_keys, i), key))
        {
          g_autoptr(GString) path = g_string_new (NULL);

          for (guint j = i; j < plan->stack_names->len; j++)
            {
              g_string_append (path, g_ptr_array_index (plan->stack_names, j));
              g_string_append (path, " → ");
            }
          g_string_append (path, host);
          g_free (plan->loop_path);
          plan->loop_path = g_string_free (g_steal_pointer (&path), FALSE);
          g_free (key);
          return CHAIN_LOOP;
        }
    }

  stack_push (plan, key, host);
  options = jg_ssh_config_resolve (plan->config, host, cmdline);
  status = build_chain (plan, options, host, depth + 1, &parent, &dropped);
  stack_pop (plan);
  if (status != CHAIN_OK)
    return status;

  if (g_hash_table_contains (plan->aliases, host))
    g_ptr_array_add (plan->hop_aliases, g_strdup (host));

  node_key = g_strdup_printf ("%s\x1f%s\x1f%u\x1f%s\x1f%p", options->user ? options->user : "\x1e",
                              options->hostname, options->port != 0 ? options->port : 22,
                              options->identity_files->len > 0
                                ? (char *) g_ptr_array_index (options->identity_files, 0) : "",
                              parent);
  node = g_hash_table_lookup (plan->node_index, node_key);
  if (node == NULL)
    {
      node = node_new_from_options (plan, options, TRUE, host);
      node->parent = parent;
      node->proxy_dropped = dropped;
      node->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) plan_rule_free);
      g_ptr_array_add (plan->nodes, node);
      g_hash_table_insert (plan->node_index, g_steal_pointer (&node_key), node);
    }
  *out = node;
  return CHAIN_OK;
}

/* The jump host's login as a ProxyJump or ProxyCommand names it: %r (both
 * take it) is the destination's user. */
static const char *
jump_login (const char         *user,
            const JgSshOptions *options)
{
  if (g_strcmp0 (user, "%r") == 0)
    return options->user != NULL ? options->user : "";
  return user;
}

/* Builds the jump hosts @options goes through; *last is the one next to
 * the destination, NULL when reached directly. */
static ChainStatus
build_chain (Plan               *plan,
             const JgSshOptions *options,
             const char         *who,
             guint               depth,
             Node              **last,
             gboolean           *dropped)
{
  *last = NULL;

  switch (options->proxy_kind)
    {
    case JG_SSH_PROXY_JUMP:
      {
        g_autoptr(GPtrArray) hops = NULL;
        g_autofree char *prefix = NULL;
        g_auto(GStrv) parts = NULL;
        const JgSshHop *hop;
        JgSshCommandLine cmdline = { 0 };
        guint n;

        if (!jg_ssh_parse_proxy_jump (options->proxy, &hops, NULL) || hops->len == 0)
          return CHAIN_OK;

        /* ssh reaches the last hop with `ssh -J <the others> last`. */
        n = hops->len;
        hop = g_ptr_array_index (hops, n - 1);
        parts = g_strsplit (options->proxy, ",", -1);
        if (n > 1 && g_strv_length (parts) == n)
          {
            char *saved = parts[n - 1];

            parts[n - 1] = NULL;
            prefix = g_strjoinv (",", parts);
            parts[n - 1] = saved;
          }
        cmdline.user = jump_login (hop->user, options);
        cmdline.port = hop->port;
        cmdline.proxy_jump = prefix;
        return build_jump_node (plan, hop->host, &cmdline, depth, last);
      }

    case JG_SSH_PROXY_COMMAND:
      {
        g_autoptr(JgSshJumpCommand) command = jg_ssh_parse_jump_command (options->proxy);
        JgSshCommandLine cmdline = { 0 };

        if (command == NULL)
          {
            /* Jumpgate never runs a ProxyCommand. */
            jg_ssh_config_add_warning (plan->config, options->proxy_file, options->proxy_line,
                                       _("“%s” uses a ProxyCommand that is not a jump through another host (%s): it was imported without it and may not be reachable"),
                                       who, options->proxy);
            *dropped = TRUE;
            return CHAIN_OK;
          }

        cmdline.user = jump_login (command->user, options);
        cmdline.port = command->port;
        cmdline.identity_file = command->identity_file;
        cmdline.proxy_jump = command->proxy_jump;
        cmdline.options = (const char * const *) command->options;
        return build_jump_node (plan, command->host, &cmdline, depth, last);
      }

    case JG_SSH_PROXY_NONE:
    default:
      return CHAIN_OK;
    }
}

static void
warn_chain_failure (Plan               *plan,
                    const JgSshOptions *options,
                    const char         *who,
                    ChainStatus         status)
{
  if (status == CHAIN_LOOP)
    jg_ssh_config_add_warning (plan->config, options->proxy_file, options->proxy_line,
                               _("The jump hosts of “%s” form a loop (%s): it was skipped"),
                               who, plan->loop_path);
  else
    jg_ssh_config_add_warning (plan->config, options->proxy_file, options->proxy_line,
                               _("“%s” goes through more than %d jump hosts: it was skipped"),
                               who, MAX_HOPS);
}

static char *
chain_failure_reason (Plan        *plan,
                      ChainStatus  status)
{
  if (status == CHAIN_LOOP)
    return g_strdup_printf (_("its jump hosts form a loop (%s)"), plan->loop_path);
  return g_strdup_printf (_("it goes through more than %d jump hosts"), MAX_HOPS);
}

/* A name ssh could be given on its command line. */
static gboolean
is_usable_alias (const char *alias)
{
  if (alias[0] == '\0' || alias[0] == '-')
    return FALSE;
  for (const char *c = alias; *c != '\0'; c++)
    if ((guchar) *c < 0x20 || *c == 0x7f || strchr (" @%'`\"$\\;&<>|(){}", *c) != NULL)
      return FALSE;
  return TRUE;
}

static void
plan_aliases (Plan       *plan,
              GStrv       aliases,
              GPtrArray  *alias_plans,
              GHashTable *used_as_jump)
{
  g_autoptr(GHashTable) folded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  guint n = 0;

  for (guint i = 0; aliases[i] != NULL; i++)
    {
      const char *alias = aliases[i];
      AliasPlan *ap = g_new0 (AliasPlan, 1);
      const JgSshHostBlock *block = find_alias_block (plan, alias);
      g_autoptr(JgSshOptions) options = NULL;
      g_autofree char *fold = g_utf8_casefold (alias, -1);
      Node *last = NULL;
      gboolean dropped = FALSE;
      ChainStatus status;

      ap->alias = g_strdup (alias);
      if (block != NULL)
        {
          ap->file = g_strdup (block->file);
          ap->line = block->line;
        }
      g_ptr_array_add (alias_plans, ap);

      if (!is_usable_alias (alias))
        {
          ap->skip_reason = g_strdup (_("not a name ssh can be given"));
          continue;
        }
      if (g_hash_table_contains (folded, fold))
        {
          ap->skip_reason = g_strdup_printf (_("same name as “%s” except for case"),
                                             (char *) g_hash_table_lookup (folded, fold));
          continue;
        }
      if (++n > MAX_ALIASES)
        {
          ap->skip_reason = g_strdup_printf (_("more than %d hosts in one import"), MAX_ALIASES);
          continue;
        }
      g_hash_table_insert (folded, g_steal_pointer (&fold), g_strdup (alias));

      options = jg_ssh_config_resolve (plan->config, alias, NULL);
      if (!options->host_block_applied)
        {
          ap->skip_reason = g_strdup (_("ssh never applies its Host block to it"));
          continue;
        }

      g_ptr_array_set_size (plan->hop_aliases, 0);
      stack_push (plan, command_line_key (alias, &(JgSshCommandLine) { 0 }), alias);
      status = build_chain (plan, options, alias, 1, &last, &dropped);
      stack_pop (plan);
      if (status != CHAIN_OK)
        {
          warn_chain_failure (plan, options, alias, status);
          ap->skip_reason = chain_failure_reason (plan, status);
          continue;
        }

      for (guint j = 0; j < plan->hop_aliases->len; j++)
        g_hash_table_add (used_as_jump, g_strdup (g_ptr_array_index (plan->hop_aliases, j)));

      ap->node = node_new_from_options (plan, options, FALSE, alias);
      ap->node->parent = last;
      ap->node->proxy_dropped = dropped;
    }
}

/* A name that the block's first usable wildcard pattern matches. */
static char *
sample_name (const JgSshHostBlock *block)
{
  for (guint i = 0; block->patterns[i] != NULL; i++)
    {
      const char *pattern = block->patterns[i];
      GString *sample;

      if (pattern[0] == '!' || !jg_ssh_pattern_is_wildcard (pattern))
        continue;
      sample = g_string_new (NULL);
      for (const char *c = pattern; *c != '\0'; c++)
        {
          if (*c == '*')
            g_string_append (sample, SAMPLE_NAME);
          else if (*c == '?')
            g_string_append_c (sample, 'x');
          else
            g_string_append_c (sample, *c);
        }
      if (jg_ssh_patterns_match ((const char * const *) block->patterns, sample->str))
        return g_string_free (sample, FALSE);
      g_string_free (sample, TRUE);
    }
  return NULL;
}

static void
plan_patterns (Plan       *plan,
               GPtrArray  *pattern_plans,
               GHashTable *used_as_jump)
{
  GPtrArray *blocks = jg_ssh_config_get_host_blocks (plan->config);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < blocks->len; i++)
    {
      const JgSshHostBlock *block = g_ptr_array_index (blocks, i);
      g_autoptr(GPtrArray) kept = g_ptr_array_new ();
      g_autoptr(JgSshOptions) options = NULL;
      g_autofree char *sample = NULL;
      gboolean has_wildcard = FALSE, has_concrete = FALSE;
      PatternPlan *pp;
      Node *last = NULL;
      gboolean dropped = FALSE;
      ChainStatus status;

      for (guint j = 0; block->patterns[j] != NULL; j++)
        {
          const char *pattern = block->patterns[j];

          if (pattern[0] == '!')
            g_ptr_array_add (kept, (gpointer) pattern);
          else if (jg_ssh_pattern_is_wildcard (pattern))
            {
              g_ptr_array_add (kept, (gpointer) pattern);
              has_wildcard = TRUE;
            }
          else
            has_concrete = TRUE;
        }
      if (kept->len == 0 || (has_concrete && !has_wildcard))
        continue;
      g_ptr_array_add (kept, NULL);

      pp = g_new0 (PatternPlan, 1);
      pp->block = block;
      pp->patterns = g_strjoinv (" ", (char **) kept->pdata);
      if (g_hash_table_contains (seen, pp->patterns))
        {
          pattern_plan_free (pp);
          continue; /* the same block again (a file included twice) */
        }
      g_ptr_array_add (pattern_plans, pp);
      g_hash_table_add (seen, pp->patterns);

      /* Only a block that itself routes through a jump host is a rule. */
      if (!block->sets_proxy || (sample = sample_name (block)) == NULL)
        continue;
      options = jg_ssh_config_resolve (plan->config, sample, NULL);
      if (options->proxy_kind == JG_SSH_PROXY_NONE || options->proxy_block != block)
        continue;

      g_ptr_array_set_size (plan->hop_aliases, 0);
      status = build_chain (plan, options, pp->patterns, 1, &last, &dropped);
      if (status != CHAIN_OK)
        {
          warn_chain_failure (plan, options, pp->patterns, status);
          pp->skip_reason = chain_failure_reason (plan, status);
          continue;
        }
      if (last == NULL)
        {
          pp->skip_reason = g_strdup (_("its ProxyCommand is not a jump through another host"));
          continue;
        }
      for (guint j = 0; j < plan->hop_aliases->len; j++)
        g_hash_table_add (used_as_jump, g_strdup (g_ptr_array_index (plan->hop_aliases, j)));

      {
        PlanRule *rule = g_new0 (PlanRule, 1);
        const char *identity = NULL;

        rule->rule = jg_jump_rule_new (pp->patterns);
        rule->rule->user = g_strdup (options->user);
        rule->rule->port = options->port;
        /* `ssh %r@jump …` or `ProxyJump %r@jump`: the jump host's login
         * follows the destination's. */
        if (options->proxy_kind == JG_SSH_PROXY_COMMAND)
          {
            g_autoptr(JgSshJumpCommand) command = jg_ssh_parse_jump_command (options->proxy);

            rule->rule->jump_user_from_target = command != NULL &&
                                                g_strcmp0 (command->user, "%r") == 0;
          }
        else if (options->proxy_kind == JG_SSH_PROXY_JUMP)
          {
            g_autoptr(GPtrArray) hops = NULL;

            rule->rule->jump_user_from_target =
              jg_ssh_parse_proxy_jump (options->proxy, &hops, NULL) && hops->len > 0 &&
              g_strcmp0 (((JgSshHop *) g_ptr_array_index (hops, hops->len - 1))->user, "%r") == 0;
          }
        if (options->identity_files->len > 0)
          identity = g_ptr_array_index (options->identity_files, 0);
        if (identity != NULL && strstr (identity, SAMPLE_NAME) != NULL)
          {
            /* IdentityFile depends on the destination (%h …): no one value. */
            jg_ssh_config_add_warning (plan->config, block->file, block->line,
                                       _("The IdentityFile of “%s” depends on the destination: the jump rule was made without it"),
                                       pp->patterns);
            identity = NULL;
          }
        rule->rule->identity_file = g_strdup (identity);
        rule->file = g_strdup (block->file);
        rule->line = block->line;
        g_ptr_array_add (last->rules, rule);
        pp->jump = last;
      }
    }
}

static void
mark_used (Node *node)
{
  for (; node != NULL && !node->used; node = node->parent)
    node->used = TRUE;
}

/* Names jump hosts: the alias or host as written; if that is taken, more of
 * the login, then a number. Machine names are never taken from them. */
static void
name_jump_hosts (Plan       *plan,
                 GHashTable *taken)
{
  for (guint i = 0; i < plan->nodes->len; i++)
    {
      Node *node = g_ptr_array_index (plan->nodes, i);
      g_autofree char *with_user = NULL;
      g_autofree char *with_port = NULL;
      const char *candidates[3];
      guint n = 0;

      if (!node->used)
        continue;

      candidates[n++] = node->preferred;
      if (node->user != NULL)
        candidates[n++] = with_user = g_strdup_printf ("%s@%s", node->user, node->preferred);
      if (node->port != 0 && node->port != 22)
        candidates[n++] = with_port = g_strdup_printf ("%s@%s:%u",
                                                       node->user ? node->user : g_get_user_name (),
                                                       node->preferred, node->port);
      for (guint j = 0; j < n && node->name == NULL; j++)
        {
          g_autofree char *fold = g_utf8_casefold (candidates[j], -1);

          if (!g_hash_table_contains (taken, fold))
            {
              node->name = g_strdup (candidates[j]);
              g_hash_table_add (taken, g_steal_pointer (&fold));
            }
        }
      for (guint k = 2; node->name == NULL; k++)
        {
          g_autofree char *name = g_strdup_printf ("%s (%u)", node->preferred, k);
          g_autofree char *fold = g_utf8_casefold (name, -1);

          if (!g_hash_table_contains (taken, fold))
            {
              node->name = g_steal_pointer (&name);
              g_hash_table_add (taken, g_steal_pointer (&fold));
            }
        }
    }
}

/* }}} */

/* Applying {{{ */

static void
add_change (GString    *changes,
            const char *what)
{
  if (changes->len > 0)
    g_string_append (changes, ", ");
  g_string_append (changes, what);
}

/* Sets the fields of @host from @node; returns the names of what changed. */
static char *
update_host (JgHost     *host,
             const Node *node,
             gboolean    is_new)
{
  g_autoptr(GString) changes = g_string_new (NULL);
  const char *jump_id = node->parent != NULL ? jg_host_get_id (node->parent->host) : NULL;
  guint port = node->port != 0 ? node->port : JG_DEFAULT_SSH_PORT;

  if (g_strcmp0 (jg_host_get_hostname (host), node->hostname) != 0)
    {
      jg_host_set_hostname (host, node->hostname);
      add_change (changes, _("address"));
    }
  if (jg_host_get_effective_port (host) != port || (is_new && node->port != 0))
    {
      jg_host_set_port (host, node->port);
      add_change (changes, _("port"));
    }
  if (g_strcmp0 (jg_host_get_user (host), node->user) != 0)
    {
      jg_host_set_user (host, node->user);
      add_change (changes, _("user"));
    }
  if (g_strcmp0 (jg_host_get_jump_id (host), jump_id) != 0)
    {
      jg_host_set_jump_id (host, jump_id);
      add_change (changes, _("jump host"));
    }
  if (g_strcmp0 (jg_host_get_identity_file (host), node->identity_file) != 0)
    {
      jg_host_set_identity_file (host, node->identity_file);
      add_change (changes, _("identity file"));
    }
  if (jg_host_get_identities_only (host) != node->identities_only)
    {
      jg_host_set_identities_only (host, node->identities_only);
      add_change (changes, "IdentitiesOnly");
    }
  if (jg_host_get_forward_agent (host) != node->forward_agent)
    {
      jg_host_set_forward_agent (host, node->forward_agent);
      add_change (changes, _("agent forwarding"));
    }
  if (node->keepalive >= 0 && jg_host_get_keepalive_interval (host) != (guint) node->keepalive)
    {
      jg_host_set_keepalive_interval (host, node->keepalive);
      add_change (changes, _("keep-alive interval"));
    }
  if (g_strcmp0 (jg_host_get_known_hosts_file (host), node->known_hosts_file) != 0)
    {
      jg_host_set_known_hosts_file (host, node->known_hosts_file);
      add_change (changes, _("known hosts file"));
    }
  if (JG_IS_MACHINE (host))
    {
      JgMachineKind kind = node->parent != NULL ? JG_MACHINE_KIND_VIRTUAL : JG_MACHINE_KIND_OWN;

      if (jg_machine_get_kind (JG_MACHINE (host)) != kind)
        {
          jg_machine_set_kind (JG_MACHINE (host), kind);
          add_change (changes, _("kind"));
        }
    }
  return g_string_free (g_steal_pointer (&changes), FALSE);
}

static char *
describe_chain (const Node *node)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GString) out = g_string_new (NULL);

  for (const Node *hop = node->parent; hop != NULL; hop = hop->parent)
    g_ptr_array_insert (names, 0, hop->name);
  for (guint i = 0; i < names->len; i++)
    {
      if (i > 0)
        g_string_append (out, " → ");
      g_string_append (out, g_ptr_array_index (names, i));
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
apply_node (JgInventory    *inventory,
            JgImportReport *report,
            Node           *node)
{
  JgImportItem item = node->is_jump ? JG_IMPORT_ITEM_JUMP_HOST : JG_IMPORT_ITEM_MACHINE;
  g_autofree char *reason = NULL;
  g_autofree char *changes = NULL;
  JgImportAction action;
  JgHost *existing;

  if (node->parent != NULL && node->parent->host == NULL)
    {
      reason = g_strdup_printf (_("its jump host “%s” was skipped"), node->parent->name);
      report_add (report, item, JG_IMPORT_SKIPPED, node->name, NULL, node->file, node->line, reason);
      return;
    }

  existing = jg_inventory_find_by_name (inventory, node->name);
  if (existing != NULL && (node->is_jump ? !JG_IS_JUMP_HOST (existing) : !JG_IS_MACHINE (existing)))
    {
      if (node->is_jump)
        reason = g_strdup (_("a machine with this name is already saved: rename it to import this jump host"));
      else
        reason = g_strdup (_("a jump host with this name is already saved: rename it to import this machine"));
      report_add (report, item, JG_IMPORT_SKIPPED, node->name, NULL, node->file, node->line, reason);
      return;
    }

  if (existing != NULL)
    {
      node->host = g_object_ref (existing);
      changes = update_host (node->host, node, FALSE);
      action = changes[0] != '\0' ? JG_IMPORT_UPDATED : JG_IMPORT_UNCHANGED;
    }
  else
    {
      if (node->is_jump)
        node->host = JG_HOST (jg_jump_host_new ());
      else
        node->host = JG_HOST (jg_machine_new (node->parent != NULL ? JG_MACHINE_KIND_VIRTUAL
                                                                   : JG_MACHINE_KIND_OWN));
      jg_host_set_name (node->host, node->name);
      g_free (update_host (node->host, node, TRUE));
      jg_inventory_add (inventory, node->host);
      action = JG_IMPORT_ADDED;
    }

  switch (action)
    {
    case JG_IMPORT_ADDED:
      if (node->parent != NULL)
        {
          g_autofree char *chain = describe_chain (node);

          reason = node->is_jump ? g_strdup_printf (_("new jump host, reached through %s"), chain)
                                 : g_strdup_printf (_("new virtual machine, reached through %s"), chain);
        }
      else
        reason = g_strdup (node->is_jump ? _("new jump host") : _("new machine, reached directly"));
      break;
    case JG_IMPORT_UPDATED:
      reason = g_strdup_printf (_("changed: %s"), changes);
      break;
    case JG_IMPORT_UNCHANGED:
    case JG_IMPORT_SKIPPED:
    default:
      reason = g_strdup (_("already up to date"));
      break;
    }
  if (node->proxy_dropped)
    {
      char *more = g_strdup_printf ("%s; %s", reason,
                                    _("its ProxyCommand was left out, it may not be reachable"));

      g_free (reason);
      reason = more;
    }
  report_add (report, item, action, node->name, node->host, node->file, node->line, reason);
}

static gboolean
rule_equal (const JgJumpRule *a,
            const JgJumpRule *b)
{
  return g_strcmp0 (a->user, b->user) == 0 && a->port == b->port &&
         g_strcmp0 (a->identity_file, b->identity_file) == 0 &&
         !a->jump_user_from_target == !b->jump_user_from_target;
}

static void
apply_rules (JgImportReport *report,
             Node           *node)
{
  g_autoptr(GPtrArray) wanted = NULL;
  JgJumpHost *jump;
  GPtrArray *rules;
  gboolean changed = FALSE;

  if (node->rules->len == 0)
    return;

  if (node->host == NULL)
    {
      for (guint i = 0; i < node->rules->len; i++)
        {
          PlanRule *rule = g_ptr_array_index (node->rules, i);
          g_autofree char *reason = g_strdup_printf (_("its jump host “%s” was skipped"), node->name);

          report_add (report, JG_IMPORT_ITEM_JUMP_RULE, JG_IMPORT_SKIPPED, rule->rule->patterns,
                      NULL, rule->file, rule->line, reason);
        }
      return;
    }

  jump = JG_JUMP_HOST (node->host);
  rules = jg_jump_host_get_rules (jump);
  wanted = g_ptr_array_new_with_free_func ((GDestroyNotify) jg_jump_rule_free);
  for (guint i = 0; i < rules->len; i++)
    g_ptr_array_add (wanted, jg_jump_rule_copy (g_ptr_array_index (rules, i)));

  for (guint i = 0; i < node->rules->len; i++)
    {
      PlanRule *rule = g_ptr_array_index (node->rules, i);
      g_autofree char *reason = NULL;
      JgImportAction action = JG_IMPORT_ADDED;
      gboolean found = FALSE;

      for (guint j = 0; j < wanted->len && !found; j++)
        {
          JgJumpRule *have = g_ptr_array_index (wanted, j);

          if (g_strcmp0 (have->patterns, rule->rule->patterns) != 0)
            continue;
          found = TRUE;
          if (rule_equal (have, rule->rule))
            action = JG_IMPORT_UNCHANGED;
          else
            {
              action = JG_IMPORT_UPDATED;
              jg_jump_rule_free (have);
              g_ptr_array_index (wanted, j) = jg_jump_rule_copy (rule->rule);
              changed = TRUE;
            }
        }
      if (!found)
        {
          g_ptr_array_add (wanted, jg_jump_rule_copy (rule->rule));
          changed = TRUE;
        }

      switch (action)
        {
        case JG_IMPORT_ADDED:
          reason = g_strdup_printf (_("new jump rule on “%s”"), node->name);
          break;
        case JG_IMPORT_UPDATED:
          reason = g_strdup_printf (_("jump rule on “%s”, changed"), node->name);
          break;
        case JG_IMPORT_UNCHANGED:
        case JG_IMPORT_SKIPPED:
        default:
          reason = g_strdup_printf (_("jump rule on “%s”, already up to date"), node->name);
          break;
        }
      report_add (report, JG_IMPORT_ITEM_JUMP_RULE, action, rule->rule->patterns, node->host,
                  rule->file, rule->line, reason);
    }

  if (changed)
    {
      jg_jump_host_clear_rules (jump);
      for (guint i = 0; i < wanted->len; i++)
        jg_jump_host_add_rule (jump, jg_jump_rule_copy (g_ptr_array_index (wanted, i)));
    }
}

/* }}} */

gboolean
jg_import_from_config (JgInventory     *inventory,
                       JgSshConfig     *config,
                       const char      *path,
                       JgImportReport **report,
                       GError         **error)
{
  g_autoptr(JgImportReport) result = NULL;
  g_autoptr(GPtrArray) alias_plans = g_ptr_array_new_with_free_func ((GDestroyNotify) alias_plan_free);
  g_autoptr(GPtrArray) pattern_plans = g_ptr_array_new_with_free_func ((GDestroyNotify) pattern_plan_free);
  g_autoptr(GHashTable) used_as_jump = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) aliases = NULL;
  GPtrArray *warnings;
  Plan plan = { 0 };

  g_return_val_if_fail (JG_IS_INVENTORY (inventory), FALSE);
  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (report == NULL || *report == NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  result = jg_import_report_new (path);

  plan.config = config;
  plan.nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) node_free);
  plan.node_index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  plan.aliases = g_hash_table_new (g_str_hash, g_str_equal);
  plan.stack_keys = g_ptr_array_new_with_free_func (g_free);
  plan.stack_names = g_ptr_array_new_with_free_func (g_free);
  plan.hop_aliases = g_ptr_array_new_with_free_func (g_free);

  aliases = jg_ssh_config_list_aliases (config);
  {
    GPtrArray *blocks = jg_ssh_config_get_host_blocks (config);

    for (guint i = 0; i < blocks->len; i++)
      {
        JgSshHostBlock *block = g_ptr_array_index (blocks, i);

        for (guint j = 0; block->patterns[j] != NULL; j++)
          {
            const char *pattern = block->patterns[j];

            if (pattern[0] != '!' && !jg_ssh_pattern_is_wildcard (pattern) &&
                !g_hash_table_contains (plan.aliases, pattern))
              g_hash_table_insert (plan.aliases, (gpointer) pattern, block);
          }
      }
  }

  /* Plan: machines and their chains, then the rules. */
  plan_aliases (&plan, aliases, alias_plans, used_as_jump);
  plan_patterns (&plan, pattern_plans, used_as_jump);

  /* A concrete alias used only as a jump host is only a jump host. */
  for (guint i = 0; i < alias_plans->len; i++)
    {
      AliasPlan *ap = g_ptr_array_index (alias_plans, i);

      if (ap->node == NULL || g_hash_table_contains (used_as_jump, ap->alias))
        continue;
      ap->node->name = g_strdup (ap->alias);
      g_hash_table_add (taken, g_utf8_casefold (ap->alias, -1));
      mark_used (ap->node->parent);
    }
  for (guint i = 0; i < pattern_plans->len; i++)
    {
      PatternPlan *pp = g_ptr_array_index (pattern_plans, i);

      if (pp->jump != NULL)
        mark_used (pp->jump);
    }
  name_jump_hosts (&plan, taken);

  /* Apply: jump hosts (each after the one it goes through), machines,
   * rules, then what was left out. */
  for (guint i = 0; i < plan.nodes->len; i++)
    {
      Node *node = g_ptr_array_index (plan.nodes, i);

      if (node->used)
        apply_node (inventory, result, node);
    }
  for (guint i = 0; i < alias_plans->len; i++)
    {
      AliasPlan *ap = g_ptr_array_index (alias_plans, i);

      if (ap->node == NULL)
        report_add (result, JG_IMPORT_ITEM_MACHINE, JG_IMPORT_SKIPPED, ap->alias, NULL,
                    ap->file, ap->line, ap->skip_reason);
      else if (ap->node->name != NULL)
        apply_node (inventory, result, ap->node);
    }
  for (guint i = 0; i < plan.nodes->len; i++)
    {
      Node *node = g_ptr_array_index (plan.nodes, i);

      if (node->used)
        apply_rules (result, node);
    }
  for (guint i = 0; i < pattern_plans->len; i++)
    {
      PatternPlan *pp = g_ptr_array_index (pattern_plans, i);

      if (pp->jump != NULL)
        continue;
      report_add (result, JG_IMPORT_ITEM_HOST_PATTERN, JG_IMPORT_SKIPPED, pp->patterns, NULL,
                  pp->block->file, pp->block->line,
                  pp->skip_reason != NULL ? pp->skip_reason
                                          : _("a pattern, not a machine: its settings apply to the machines it matches"));
    }

  warnings = jg_ssh_config_get_warnings (config);
  for (guint i = 0; i < warnings->len; i++)
    g_ptr_array_add (result->warnings, jg_ssh_warning_copy (g_ptr_array_index (warnings, i)));

  g_ptr_array_unref (plan.nodes);
  g_hash_table_unref (plan.node_index);
  g_hash_table_unref (plan.aliases);
  g_ptr_array_unref (plan.stack_keys);
  g_ptr_array_unref (plan.stack_names);
  g_ptr_array_unref (plan.hop_aliases);
  g_free (plan.loop_path);

  if (report != NULL)
    *report = g_steal_pointer (&result);
  return TRUE;
}

gboolean
jg_import_ssh_config (JgInventory     *inventory,
                      const char      *path,
                      JgImportReport **report,
                      GError         **error)
{
  g_autoptr(JgSshConfig) config = NULL;
  g_autofree char *default_path = NULL;

  g_return_val_if_fail (JG_IS_INVENTORY (inventory), FALSE);
  g_return_val_if_fail (report == NULL || *report == NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  config = jg_ssh_config_new (NULL, JG_SSH_CONFIG_FLAGS_NONE);
  if (path == NULL)
    path = default_path = jg_ssh_config_dup_default_path (config);
  if (!jg_ssh_config_parse_file (config, path, error))
    return FALSE;
  return jg_import_from_config (inventory, config, path, report, error);
}
