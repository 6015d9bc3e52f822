/* jg-connection.h — reach a saved machine through its chain of jump hosts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A JgConnection is one use of a machine: one shell (a terminal tab) or one
 * command (jumpgate --exec). Under it, every hop of the chain — each jump
 * host, then the machine — is an ssh_session owned by its own worker thread;
 * hop k forwards a direct-tcpip channel into a socketpair whose other end is
 * hop k+1's socket. Sessions live in a process-wide pool keyed by the path
 * of hops: a second connection through the same jump host opens one more
 * channel on that host's authenticated session, and a second shell on the
 * same machine one more channel on the machine's session. A session ends
 * when the last connection using it is closed.
 *
 * Threads: create and use a JgConnection on one thread running a
 * GMainContext (the GTK thread, or a thread with a pushed thread-default
 * context). No libssh call runs there. Every signal and async callback is
 * delivered on the thread-default GMainContext that was current when the
 * connection was created.
 *
 * Typical use by a terminal tab:
 *
 *   conn = jg_connection_new (inventory, host, &error);
 *   g_signal_connect (conn, "progress", on_progress, tab);   // the tab's log
 *   g_signal_connect (conn, "prompt", on_prompt, tab);       // dialogs
 *   g_signal_connect (conn, "closed", on_closed, tab);
 *   master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC); grantpt; unlockpt;
 *   slave = open (ptsname (master), O_RDWR | O_NOCTTY | O_CLOEXEC);
 *   vte_terminal_set_pty (vte, vte_pty_new_foreign_sync (master, …));
 *   jg_connection_open_shell_async (conn, slave, "xterm-256color", cols, rows,
 *                                   cancellable, on_shell_open, tab);
 *   …
 *   jg_connection_resize (conn, cols, rows);   // on grid-size changes
 *   jg_connection_close (conn);                // tab closed
 *
 * When the shell ends (exit, logout) the worker closes the slave, VTE sees
 * the end of the pty, and ::closed is emitted with a NULL error; when the
 * connection is lost, ::closed carries the reason.
 */
#pragma once

#include <gio/gio.h>

#include "jg-host.h"
#include "jg-inventory.h"
#include "jg-prompt.h"

G_BEGIN_DECLS

#define JG_CONNECTION_ERROR (jg_connection_error_quark ())

/* What the UI can act on. Every error's message is a full, translated
 * sentence that names the hop and says what to do. */
typedef enum
{
  JG_CONNECTION_ERROR_FAILED = 0,         /* anything else */
  JG_CONNECTION_ERROR_CANCELLED,          /* a prompt was cancelled, or the GCancellable */
  JG_CONNECTION_ERROR_CONFIG,             /* the saved chain is broken (missing jump host, loop) */
  JG_CONNECTION_ERROR_RESOLVE,            /* host name not resolved */
  JG_CONNECTION_ERROR_REFUSED,            /* TCP connection refused */
  JG_CONNECTION_ERROR_TIMED_OUT,          /* a connect or blocking step took too long */
  JG_CONNECTION_ERROR_NO_BANNER,          /* closed before the SSH banner: machine off, sshd down */
  JG_CONNECTION_ERROR_PROTOCOL,           /* key exchange or other SSH protocol failure */
  JG_CONNECTION_ERROR_HOST_KEY_UNKNOWN,   /* unknown host key, not accepted (no one to ask) */
  JG_CONNECTION_ERROR_HOST_KEY_CHANGED,   /* the key differs from known_hosts: refused */
  JG_CONNECTION_ERROR_AGENT_NO_KEY,       /* "Agent admitted failure to sign" / agent empty */
  JG_CONNECTION_ERROR_AUTH_FAILED,        /* every method refused (message lists them) */
  JG_CONNECTION_ERROR_FORWARD_REFUSED,    /* a jump host refused to forward (AllowTcpForwarding) */
  JG_CONNECTION_ERROR_CHANNEL_FAILED,     /* the machine refused the shell, pty or command */
  JG_CONNECTION_ERROR_TRANSPORT_LOST,     /* an open connection died (keepalives, reset, EOF) */
} JgConnectionError;

/* The steps reported by ::progress, in order for each hop; fit for a
 * per-tab log like `ssh -v`. @detail is translated text. */
typedef enum
{
  JG_CONNECTION_STEP_RESOLVING = 0,   /* detail: "host port 22" */
  JG_CONNECTION_STEP_CONNECTING,      /* TCP connect, or a tunnel through the previous hop */
  JG_CONNECTION_STEP_CONNECTED,       /* detail: the address, or "through bastion" */
  JG_CONNECTION_STEP_BANNER,          /* detail: the server's banner line */
  JG_CONNECTION_STEP_KEY_EXCHANGE,    /* detail: the cipher in use */
  JG_CONNECTION_STEP_HOST_KEY,        /* detail: key type, fingerprint, known_hosts file:line */
  JG_CONNECTION_STEP_AUTH_METHODS,    /* detail: the methods the server offers */
  JG_CONNECTION_STEP_AUTH_TRYING,     /* detail: the method being tried */
  JG_CONNECTION_STEP_AUTHENTICATED,   /* detail: the method that succeeded */
  JG_CONNECTION_STEP_REUSED,          /* the hop's session was already open: shared */
  JG_CONNECTION_STEP_CHANNEL_OPEN,    /* the shell or command channel is open */
} JgConnectionStep;

#define JG_TYPE_CONNECTION (jg_connection_get_type ())
G_DECLARE_FINAL_TYPE (JgConnection, jg_connection, JG, CONNECTION, GObject)

GQuark        jg_connection_error_quark         (void);
const char   *jg_connection_step_to_string      (JgConnectionStep      step);

/* Resolves the chain of @host in @inventory now (errors:
 * JG_CONNECTION_ERROR_CONFIG); nothing is contacted before an _async call.
 * The hosts are copied: later edits of the inventory do not affect an
 * existing connection. @host need not be saved in @inventory (an unsaved
 * destination, see jg-destination.h); its jump host must be. */
JgConnection *jg_connection_new                 (JgInventory          *inventory,
                                                 JgHost               *host,
                                                 GError              **error);
/* The same with an explicit chain (jump hosts, first hop first). */
JgConnection *jg_connection_new_for_chain       (JgHost               *host,
                                                 GPtrArray            *chain);

JgHost       *jg_connection_get_host            (JgConnection         *self);
/* The hops: 0 .. n-2 the jump hosts, n-1 the machine itself. */
guint         jg_connection_get_n_hops          (JgConnection         *self);
JgHost       *jg_connection_get_hop             (JgConnection         *self,
                                                 guint                 index);

/* Seconds allowed for each connect and each blocking step of a hop
 * (TCP connect, banner, key exchange, each authentication request, channel
 * open); default 20. Prompts are not timed. */
void          jg_connection_set_timeout         (JgConnection         *self,
                                                 guint                 seconds);
guint         jg_connection_get_timeout         (JgConnection         *self);
/* Whether the machine's own session may be shared with other connections
 * of this process (default TRUE): FALSE gives this connection a session
 * (a login) of its own on the machine. Jump hosts' sessions are always
 * shared. */
void          jg_connection_set_shared          (JgConnection         *self,
                                                 gboolean              shared);
gboolean      jg_connection_get_shared          (JgConnection         *self);
/* TRUE: every hop, jump hosts too, gets a session of its own that no other
 * connection shares, so that each handshake is made again (Test
 * Connection). Default FALSE. */
void          jg_connection_set_fresh           (JgConnection         *self,
                                                 gboolean              fresh);

/* Connects (or reuses) every hop up to and including the machine, and
 * authenticates. Optional: open_shell and exec connect first if needed. */
void          jg_connection_connect_async       (JgConnection         *self,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean      jg_connection_connect_finish      (JgConnection         *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

/* Opens a shell with a pty of @term, @cols × @rows on the machine and pumps
 * it to and from @pty_fd, the slave side of a pty the caller made. The
 * connection takes ownership of @pty_fd (it is closed when the shell ends,
 * which ends the pty for the master's reader) — also on failure.
 * Completes once the shell runs. */
void          jg_connection_open_shell_async    (JgConnection         *self,
                                                 int                   pty_fd,
                                                 const char           *term,
                                                 guint                 cols,
                                                 guint                 rows,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean      jg_connection_open_shell_finish   (JgConnection         *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

/* Runs @command (a shell command line, as ssh sends it) without a pty:
 * the remote stdin reads from @stdin_fd, stdout and stderr go to their fds.
 * The connection takes ownership of the three fds (they may be dups of
 * 0, 1, 2; they are made non-blocking, so prefer pipes or dup'd sockets
 * when the original must stay blocking). @stdin_fd may be -1 (the remote
 * stdin gets EOF at once). Completes once the command started; ::closed
 * tells when it ended and jg_connection_get_exit_status() its status. */
void          jg_connection_exec_async          (JgConnection         *self,
                                                 const char           *command,
                                                 int                   stdin_fd,
                                                 int                   stdout_fd,
                                                 int                   stderr_fd,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean      jg_connection_exec_finish         (JgConnection         *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

/* Tells the machine the terminal's new size (no-op without a shell). */
void          jg_connection_resize              (JgConnection         *self,
                                                 guint                 cols,
                                                 guint                 rows);
/* Closes the channel and releases the hop sessions (closed when no other
 * connection uses them). Idempotent; ::closed is not emitted for it. The
 * connection is also closed when finalized. */
void          jg_connection_close               (JgConnection         *self);

gboolean      jg_connection_is_open             (JgConnection         *self);
/* After ::closed: the remote exit status, or -1 (killed by a signal, or the
 * connection failed). */
int           jg_connection_get_exit_status     (JgConnection         *self);
/* The signal name ("TERM") when the remote command was killed, else NULL. */
const char   *jg_connection_get_exit_signal     (JgConnection         *self);

/* Signals (all on the creating thread's main context):
 *
 * ::progress (JgConnection *, guint hop, JgConnectionStep step,
 *             const char *detail)
 *     A step of hop @hop (see jg_connection_get_hop()).
 *
 * ::prompt (JgConnection *, JgPrompt *prompt)
 *     The worker needs an answer; it waits until the prompt is answered
 *     (see jg-prompt.h). With no handler connected every prompt is
 *     cancelled, so an unknown host key fails with
 *     JG_CONNECTION_ERROR_HOST_KEY_UNKNOWN.
 *
 * ::closed (JgConnection *, const GError *error)
 *     The shell or command ended (error NULL) or the connection was lost
 *     (error set, usually JG_CONNECTION_ERROR_TRANSPORT_LOST, naming the
 *     hop). Emitted once, only after a successful open_shell or exec.
 */

G_END_DECLS
