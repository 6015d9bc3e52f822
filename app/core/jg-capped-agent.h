/* jg-capped-agent.h — the ssh-agent as one authentication sees it: a few
 * identities, the machine's own key first
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libssh 0.10's ssh_userauth_agent() offers every identity the agent holds;
 * an agent with many keys then uses up the server's MaxAuthTries (6 by
 * default) and the server hangs up before the key file or the password is
 * tried. A JgCappedAgent sits between libssh and the agent on a socketpair
 * (ssh_set_agent_socket()): it answers the identity list with at most @max
 * identities — the one whose public key is @preferred first — and passes
 * everything else (the signatures) on unchanged. Internal to app/core.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define JG_CAPPED_AGENT_MAX_KEYS 5

typedef struct _JgCappedAgent JgCappedAgent;

/* Connects to the agent at @agent_path and starts the relay thread. The
 * returned agent's client fd (jg_capped_agent_steal_client_fd()) goes to
 * libssh. @preferred is a public key blob (the SSH wire format, as in
 * authorized_keys after base64 decoding), or NULL. NULL with @error when
 * the agent can not be reached. */
JgCappedAgent *jg_capped_agent_start            (const char    *agent_path,
                                                 guint          max,
                                                 GBytes        *preferred,
                                                 GError       **error);
/* The fd libssh talks to; the caller owns it after this. */
int            jg_capped_agent_steal_client_fd  (JgCappedAgent *self);
/* How many identities the agent had, and how many were offered (after the
 * first identity list; -1 before). */
int            jg_capped_agent_get_n_held       (JgCappedAgent *self);
int            jg_capped_agent_get_n_offered    (JgCappedAgent *self);
/* Ends the relay (the client fd then reads end of file), joins the thread
 * and frees everything. */
void           jg_capped_agent_stop             (JgCappedAgent *self);

/* The public key blob of "TYPE BASE64 [comment]" in @pub_path (an
 * id_*.pub file), or NULL. */
GBytes        *jg_capped_agent_read_public_blob (const char    *pub_path);

G_END_DECLS
