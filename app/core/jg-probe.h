/* jg-probe.h — is a machine up? Read its SSH banner, without logging in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A probe reads the SSH banner of a host and closes the connection: no key
 * exchange, no authentication, nothing in the host's auth log but a
 * connection. A host without jump hosts is probed directly (TCP connect,
 * read the banner line). A host behind jump hosts is never contacted
 * directly: the probe opens a direct-tcpip channel to it on the
 * authenticated, shared session of its last jump host (the same session
 * terminal tabs use, see jg-connection.h), reads the banner through it and
 * closes the channel. When that jump host can not be reached the host's
 * state is unknown, not offline.
 *
 * A JgProber runs at most JG_PROBER_MAX_IN_FLIGHT probes at once, each on a
 * worker thread of its own pool (they block), and queues the rest. The jump
 * sessions it had to open itself are kept for a while (see
 * jg_prober_set_linger()) so that the next round does not log in again;
 * a jump host that needed a person (a password, an unknown host key) is
 * only probed through while a session to it is open anyway.
 *
 * Use from one thread with a GMainContext; callbacks run on the
 * thread-default context of the jg_prober_probe_async() call.
 */
#pragma once

#include <gio/gio.h>

#include "jg-host.h"
#include "jg-inventory.h"

G_BEGIN_DECLS

#define JG_PROBER_MAX_IN_FLIGHT 8
#define JG_PROBER_DEFAULT_TIMEOUT 10

typedef enum
{
  JG_REACHABILITY_UNKNOWN = 0,   /* not checked, or its jump host is down */
  JG_REACHABILITY_ONLINE,        /* an SSH banner was received */
  JG_REACHABILITY_OFFLINE,       /* refused, closed before the banner, or timed out */
} JgReachability;

const char *jg_reachability_to_string (JgReachability state);

typedef struct
{
  JgReachability  state;
  char           *banner;     /* ONLINE: the banner line, "SSH-2.0-OpenSSH_9.2p1" */
  char           *detail;     /* OFFLINE / UNKNOWN: why, a translated sentence */
  GError         *error;      /* OFFLINE / UNKNOWN: the error behind @detail */
  char           *through;    /* the name of the jump host used, or NULL (direct) */
  gint64          checked;    /* g_get_real_time () when the probe ended */
  gint64          duration;   /* µs the probe took (queueing not counted) */
} JgProbeResult;

#define JG_TYPE_PROBE_RESULT (jg_probe_result_get_type ())
GType          jg_probe_result_get_type  (void) G_GNUC_CONST;
JgProbeResult *jg_probe_result_copy      (const JgProbeResult *result);
void           jg_probe_result_free      (JgProbeResult       *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgProbeResult, jg_probe_result_free)

#define JG_TYPE_PROBER (jg_prober_get_type ())
G_DECLARE_FINAL_TYPE (JgProber, jg_prober, JG, PROBER, GObject)

JgProber      *jg_prober_new                 (void);
/* Seconds allowed for the connect, the banner and the jump host's channel
 * (each); default JG_PROBER_DEFAULT_TIMEOUT. */
void           jg_prober_set_timeout         (JgProber            *self,
                                              guint                seconds);
guint          jg_prober_get_timeout         (JgProber            *self);
/* How long a jump session opened for probes is kept after its last use
 * (default 150 s); 0 releases it as soon as the probe ends. */
void           jg_prober_set_linger          (JgProber            *self,
                                              guint                seconds);
/* Gives back every jump session kept for probes now. */
void           jg_prober_release_sessions    (JgProber            *self);

/* Probes @host, resolving its chain in @inventory now. Never fails but
 * when cancelled (G_IO_ERROR_CANCELLED): every other outcome is a result. */
void           jg_prober_probe_async         (JgProber            *self,
                                              JgInventory         *inventory,
                                              JgHost              *host,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
JgProbeResult *jg_prober_probe_finish        (JgProber            *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* Probes running now, and the most that ever ran at once (for tests). */
guint          jg_prober_get_n_in_flight     (JgProber            *self);
guint          jg_prober_get_peak_in_flight  (JgProber            *self);
/* Probes queued, not yet running. */
guint          jg_prober_get_n_queued        (JgProber            *self);

G_END_DECLS
