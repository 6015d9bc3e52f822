/* jg-session-private.h — hop sessions: one worker thread per ssh_session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internal to app/core: JgConnection is the public face. A JgSession is
 * one hop (a jump host, or the machine) reached through its parent hop's
 * session. Sessions are shared through a process-wide pool keyed by the
 * hop path. Everything here except the worker's own code is thread-safe.
 */
#pragma once

#include "jg-connection.h"
#include "jg-prompt-private.h"

G_BEGIN_DECLS

/* What a worker needs of a JgHost, copied on the caller's thread. */
typedef struct
{
  char         *id;
  char         *name;
  char         *hostname;
  guint         port;
  char         *user;
  JgAuthMethod  auth;
  char         *identity_file;
  gboolean      identities_only;
  gboolean      forward_agent;
  guint         keepalive;
  char         *known_hosts_file;
  char         *key_id;            /* JG_AUTH_KEY: the JgKey's id */
  char         *secrets_owner;     /* the saved host's id, NULL when unsaved (nothing remembered) */
  gboolean      remember;          /* look up and keep its password/passphrase in the keyring */
  char         *password_label;    /* keyring item labels (jg_secrets_make_host_label) */
  char         *passphrase_label;
} JgHopConfig;

JgHopConfig *jg_hop_config_new   (JgHost      *host);
JgHopConfig *jg_hop_config_copy  (JgHopConfig *config);
void         jg_hop_config_free  (JgHopConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgHopConfig, jg_hop_config_free)

typedef enum
{
  JG_REPORT_PROGRESS,
  JG_REPORT_PROMPT,
  JG_REPORT_STATE,           /* the session is ready (error NULL) or failed */
  JG_REPORT_CHANNEL_OPEN,    /* a shell/exec channel runs (error NULL) or failed */
  JG_REPORT_CHANNEL_CLOSED,  /* it ended: error NULL, or why */
} JgReportKind;

typedef struct _JgSession JgSession;

typedef struct
{
  JgReportKind      kind;
  JgSession        *session;
  guint             hop;
  JgConnectionStep  step;
  char             *detail;
  JgPrompt         *prompt;
  GError           *error;
  guint             channel_id;
  int               exit_status;
  char             *exit_signal;
} JgReport;

typedef void (*JgReportFunc) (GObject  *target,
                              JgReport *report);

/* Where a session's news go: @func runs on the thread-default main context
 * current at creation, with @target (held weakly). */
typedef struct _JgReporter JgReporter;

JgReporter *jg_reporter_new    (GObject      *target,
                                JgReportFunc  func);
JgReporter *jg_reporter_ref    (JgReporter   *reporter);
void        jg_reporter_unref  (JgReporter   *reporter);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgReporter, jg_reporter_unref)

/* Acquire the session of the last hop of @path (n >= 1), creating and
 * connecting missing hops (each holding a use of its parent), or reusing
 * live ones when @shared. @reporter is registered on every hop of the path
 * and gets their progress, and a STATE report from the last one (at once
 * if it is already up). Returns a use, to give back with
 * jg_session_release(). */
JgSession  *jg_session_acquire        (JgHopConfig * const *path,
                                       guint                n,
                                       gboolean             shared,
                                       guint                timeout,
                                       JgReporter          *reporter);
/* The same, with jump hops shared only when @parents_shared: FALSE gives
 * a fresh chain, every hop a session (a login) of its own. */
JgSession  *jg_session_acquire_full   (JgHopConfig * const *path,
                                       guint                n,
                                       gboolean             shared,
                                       gboolean             parents_shared,
                                       guint                timeout,
                                       JgReporter          *reporter);
void        jg_session_release        (JgSession           *session,
                                       JgReporter          *reporter);
/* A use of the live, authenticated shared session of @path, with
 * @reporter registered like jg_session_acquire(); NULL when there is none
 * ready (nothing is connected). */
JgSession  *jg_session_lookup         (JgHopConfig * const *path,
                                       guint                n,
                                       JgReporter          *reporter);
/* Blocking, for any thread but the session's worker: waits at most
 * @timeout seconds until the session is ready; FALSE with its error (or
 * JG_CONNECTION_ERROR_TIMED_OUT) when it is not. */
gboolean    jg_session_wait_ready     (JgSession           *session,
                                       guint                timeout,
                                       GError             **error);
/* Blocking, for any thread but the session's worker: opens a direct-tcpip
 * channel to @host port @port on a ready session and returns the local end
 * of a socketpair the worker pumps to that channel (the caller closes it;
 * that ends the channel). -1 with @error when the jump host refused
 * (JG_CONNECTION_ERROR_FORWARD_REFUSED), could not connect
 * (JG_CONNECTION_ERROR_NO_BANNER: "connect failed"), the session died, or
 * no answer came within @timeout seconds (JG_CONNECTION_ERROR_TIMED_OUT). */
int         jg_session_open_forward   (JgSession           *session,
                                       const char          *host,
                                       guint                port,
                                       guint                timeout,
                                       GError             **error);

/* Open a channel on a ready session; the reporter gets CHANNEL_OPEN then
 * CHANNEL_CLOSED for the returned id. Takes the fds. */
guint       jg_session_open_shell     (JgSession           *session,
                                       int                  pty_fd,
                                       const char          *term,
                                       guint                cols,
                                       guint                rows,
                                       JgReporter          *reporter);
guint       jg_session_open_exec      (JgSession           *session,
                                       const char          *command,
                                       int                  stdin_fd,
                                       int                  stdout_fd,
                                       int                  stderr_fd,
                                       JgReporter          *reporter);
void        jg_session_resize         (JgSession           *session,
                                       guint                channel_id,
                                       guint                cols,
                                       guint                rows);
void        jg_session_close_channel  (JgSession           *session,
                                       guint                channel_id);

/* Resolves @hostname and connects to @port (each address in turn, each
 * within @timeout seconds, until @cancel_fd is readable when it is not
 * -1); @progress, when not NULL, hears CONNECTING and CONNECTED with each
 * numeric address. Returns a non-blocking socket, or -1 with
 * JG_CONNECTION_ERROR_RESOLVE, _REFUSED, _TIMED_OUT, _FAILED or
 * G_IO_ERROR_CANCELLED (and the last connect's errno in @errno_out, when
 * not NULL); @name (the saved name) starts each message. */
typedef void (*JgTcpProgressFunc) (gpointer          data,
                                   JgConnectionStep  step,
                                   const char       *address);
int         jg_tcp_connect            (const char          *name,
                                       const char          *hostname,
                                       guint                port,
                                       guint                timeout,
                                       int                  cancel_fd,
                                       JgTcpProgressFunc    progress,
                                       gpointer             data,
                                       int                 *errno_out,
                                       GError             **error);

/* For tests: the number of live sessions in the pool. */
guint       jg_session_pool_count     (void);
/* Waits until every worker thread has ended (after the last connection was
 * closed), at most @timeout_ms; FALSE if some are still running. */
gboolean    jg_session_wait_all       (guint                timeout_ms);

G_END_DECLS
