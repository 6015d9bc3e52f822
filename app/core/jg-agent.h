/* jg-agent.h — the identities of the running ssh-agent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Lists what `ssh-add -l` lists, by talking the agent protocol
 * (SSH2_AGENTC_REQUEST_IDENTITIES) over $SSH_AUTH_SOCK: each identity is a
 * JgKey with source JG_KEY_SOURCE_AGENT, no id, its comment as name.
 * Authentication with the agent itself is libssh's (ssh_userauth_agent()).
 */
#pragma once

#include "jg-key.h"

G_BEGIN_DECLS

#define JG_AGENT_ERROR (jg_agent_error_quark ())

typedef enum
{
  JG_AGENT_ERROR_FAILED = 0,
  JG_AGENT_ERROR_NO_AGENT,   /* SSH_AUTH_SOCK unset, or nothing listens there */
} JgAgentError;

GQuark      jg_agent_error_quark              (void);

/* $SSH_AUTH_SOCK, or NULL when no agent is announced. */
const char *jg_agent_get_socket_path          (void);

/* A GListModel of JgKey (may be empty). The _sync one blocks (at most a
 * few seconds) and is for worker threads. */
GListModel *jg_agent_list_identities_sync     (GCancellable        *cancellable,
                                               GError             **error);
void        jg_agent_list_identities_async    (GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GListModel *jg_agent_list_identities_finish   (GAsyncResult        *result,
                                               GError             **error);

/* The explanation of libssh's "Agent admitted failure to sign", for a
 * connection's error message; @fingerprint (may be NULL) is the key the
 * agent was asked to use. */
char       *jg_agent_explain_sign_failure     (const char          *fingerprint);

G_END_DECLS
