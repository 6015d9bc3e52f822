/* jg-destination.h — `[user@]host[:port]` typed by a person, and where it leads
 *
 * A destination is what `ssh` takes on its command line: a saved name, or
 * an address with an optional user and port, or an `ssh://` URI. It is
 * parsed strictly (a bad one is refused with a message that says what is
 * wrong, before anything connects), then resolved against the inventory the
 * way ssh resolves through its config:
 *
 *   1. a saved machine or jump host by name or id (`user@` and `:port`
 *      override its own), or by its address when exactly one has it;
 *   2. the first jump rule that matches the host name, going through the
 *      jump hosts in inventory order and their rules in order (first match
 *      wins, as in ssh_config); a rule never routes a jump host through
 *      itself or through a host behind it;
 *   3. otherwise directly.
 *
 * For 1 with overrides, 2 and 3 the result is a new JgMachine that is not
 * in the inventory (jg_connection_new() takes it as it is); saving it is
 * jg_inventory_add().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jg-inventory.h"

G_BEGIN_DECLS

#define JG_DESTINATION_ERROR (jg_destination_error_quark ())

typedef enum
{
  JG_DESTINATION_ERROR_EMPTY,
  JG_DESTINATION_ERROR_INVALID_HOST,
  JG_DESTINATION_ERROR_INVALID_USER,
  JG_DESTINATION_ERROR_INVALID_PORT,
  JG_DESTINATION_ERROR_INVALID_URI,
} JgDestinationError;

typedef struct
{
  char  *user;  /* NULL: not given */
  char  *host;  /* a name or an address, IPv6 without brackets */
  guint  port;  /* 0: not given */
} JgDestination;

GQuark          jg_destination_error_quark (void);

#define JG_TYPE_DESTINATION (jg_destination_get_type ())
GType           jg_destination_get_type    (void) G_GNUC_CONST;
/* `[user@]host[:port]`, `[user@][v6addr][:port]`, a bare IPv6 address, or
 * `ssh://[user@]host[:port][/]` (percent-encoding decoded). NULL with
 * JG_DESTINATION_ERROR when it is not one; the message is a full,
 * translated sentence. */
JgDestination  *jg_destination_parse       (const char           *text,
                                            GError              **error);
JgDestination  *jg_destination_copy        (const JgDestination  *self);
void            jg_destination_free        (JgDestination        *self);
/* `user@host:port` with the parts given, IPv6 in brackets when a port follows. */
char           *jg_destination_to_string   (const JgDestination  *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgDestination, jg_destination_free)
/* @text as it may be shown in a message: control characters (a terminal's
 * escape sequences) replaced by “�”, invalid UTF-8 made valid. */
char           *jg_destination_dup_printable (const char         *text);

typedef enum
{
  JG_ROUTE_SAVED,   /* a saved machine or jump host */
  JG_ROUTE_RULE,    /* an unsaved machine behind the jump host of a rule */
  JG_ROUTE_DIRECT,  /* an unsaved machine reached directly */
} JgRouteKind;

typedef struct
{
  JgRouteKind  kind;
  /* What to connect to: the saved host itself, or (with overrides, and for
   * RULE and DIRECT) a JgMachine that is not in the inventory. */
  JgHost      *host;
  JgHost      *saved;      /* SAVED: the inventory entry; else NULL */
  JgJumpHost  *jump;       /* RULE: the jump host of the rule; else NULL */
  guint        rule_index; /* RULE: its index in the jump host's rules */
  JgJumpRule  *rule;       /* RULE: a copy of the rule; else NULL */
} JgRoute;

void            jg_route_free              (JgRoute              *route);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgRoute, jg_route_free)

/* Where @destination leads in @inventory (see above). Never NULL. */
JgRoute        *jg_destination_resolve     (const JgDestination  *destination,
                                            JgInventory          *inventory);
/* Parses @text and resolves it. */
JgRoute        *jg_destination_lookup      (JgInventory          *inventory,
                                            const char           *text,
                                            GError              **error);

/* The first rule matching @hostname (ssh_config's matching, the name
 * lowercased as ssh does), skipping rules of jump hosts that are @hostname
 * themselves or that it would have to go through; @jump and @index say
 * whose. NULL if none. */
const JgJumpRule *jg_inventory_match_rule  (JgInventory          *inventory,
                                            const char           *hostname,
                                            JgJumpHost          **jump,
                                            guint                *index);

/* The user the jump host next to @host logs in as for a connection to
 * @host when it differs from the jump host's own: when the first rule
 * matching @host's address belongs to the jump host @host goes through and
 * its jump user follows the destination's (`%r`), @host's user — saved or
 * not, as ssh applies its config to every host. NULL otherwise. */
char           *jg_destination_dup_jump_user (JgInventory        *inventory,
                                              JgHost             *host);

/* A copy of @host that is not saved: every setting, its unknown members
 * and its rules, but an id of its own. */
JgHost         *jg_host_dup_unsaved        (JgHost               *host);

/* Checks a rule's patterns: FALSE with a message (JG_DESTINATION_ERROR_INVALID_HOST)
 * when they are empty, hold characters no host name has, or can never match
 * a host (only negations, or every pattern negated again). */
gboolean        jg_jump_rule_check_patterns (const char          *patterns,
                                             GError             **error);
/* "Any host matching *.lab" */
char           *jg_jump_rule_dup_title      (const JgJumpRule    *rule);

G_END_DECLS
