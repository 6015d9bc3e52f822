/* jg-diagnose.h — Test Connection: walk every hop and say which step fails
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A JgDiagnosis connects to a machine through its chain, as a terminal tab
 * would (a login of its own on the machine; jump sessions that are already
 * open are shared and reported as such), and keeps an ordered checklist:
 * for each hop, name resolved, TCP connected, SSH banner, host key known,
 * authentication methods offered, authenticated; then, on the machine, a
 * shell started. The first step that fails is marked with the error, what
 * it means and how to fix it; the steps after it stay "not checked".
 * The GUI's Test Connection dialog and `jumpgate --test` both render it.
 *
 * Use on one thread with a GMainContext, like JgConnection.
 */
#pragma once

#include <gio/gio.h>

#include "jg-connection.h"
#include "jg-inventory.h"

G_BEGIN_DECLS

typedef enum
{
  JG_CHECK_RESOLVED = 0,
  JG_CHECK_TCP,
  JG_CHECK_BANNER,
  JG_CHECK_HOST_KEY,
  JG_CHECK_AUTH_METHODS,
  JG_CHECK_AUTHENTICATED,
  JG_CHECK_SHELL,              /* the machine (last hop) only */
} JgCheckKind;

typedef enum
{
  JG_CHECK_STATE_PENDING = 0,  /* not checked (yet, or after a failure) */
  JG_CHECK_STATE_RUNNING,
  JG_CHECK_STATE_PASSED,
  JG_CHECK_STATE_FAILED,
} JgCheckState;

typedef struct
{
  guint         hop;           /* 0 .. n_hops - 1 */
  char         *hop_name;
  JgCheckKind   kind;
  JgCheckState  state;
  char         *detail;        /* what was seen ("SSH-2.0-OpenSSH_9.2p1"), or the error */
  char         *explanation;   /* FAILED: what it means */
  char         *fix;           /* FAILED: what to do about it */
} JgCheck;

const char   *jg_check_kind_to_string   (JgCheckKind  kind);
/* "Name resolved", "SSH banner", … translated. */
const char   *jg_check_kind_get_label   (JgCheckKind  kind);

#define JG_TYPE_DIAGNOSIS (jg_diagnosis_get_type ())
G_DECLARE_FINAL_TYPE (JgDiagnosis, jg_diagnosis, JG, DIAGNOSIS, GObject)

/* Fails (JG_CONNECTION_ERROR_CONFIG) when the chain of @host is broken. */
JgDiagnosis  *jg_diagnosis_new          (JgInventory          *inventory,
                                         JgHost               *host,
                                         GError              **error);
JgDiagnosis  *jg_diagnosis_new_for_chain (JgHost              *host,
                                          GPtrArray           *chain);
JgHost       *jg_diagnosis_get_host     (JgDiagnosis          *self);
guint         jg_diagnosis_get_n_hops   (JgDiagnosis          *self);
JgHost       *jg_diagnosis_get_hop      (JgDiagnosis          *self,
                                         guint                 index);
/* Seconds per blocking step, as jg_connection_set_timeout(); default 10. */
void          jg_diagnosis_set_timeout  (JgDiagnosis          *self,
                                         guint                 seconds);

/* Runs the walk once. Returns TRUE only when every step passed; else
 * FALSE with the failing step's error. */
void          jg_diagnosis_run_async    (JgDiagnosis          *self,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean      jg_diagnosis_run_finish   (JgDiagnosis          *self,
                                         GAsyncResult         *result,
                                         GError              **error);

/* Stops a running test now: it ends with G_IO_ERROR_CANCELLED on the step
 * it was at. */
void          jg_diagnosis_cancel       (JgDiagnosis          *self);
gboolean      jg_diagnosis_get_running  (JgDiagnosis          *self);
/* The same, blocking, on a main context of its own (for the command
 * line); then waits (3 s at most) for the connection workers to end. */
gboolean      jg_diagnosis_run_sync     (JgDiagnosis          *self,
                                         GCancellable         *cancellable,
                                         GError              **error);

/* The checklist, in order (element type JgCheck, owned by @self). */
GPtrArray    *jg_diagnosis_get_checks   (JgDiagnosis          *self);
/* The failed step, or NULL. */
const JgCheck *jg_diagnosis_get_failed  (JgDiagnosis          *self);
gboolean      jg_diagnosis_get_passed   (JgDiagnosis          *self);
/* The checklist as plain text, one line per step (and the explanation and
 * fix under a failed one), as `jumpgate --test` prints it. */
char         *jg_diagnosis_format       (JgDiagnosis          *self);

/* Signals:
 * ::changed (JgDiagnosis *, guint index)   a step's state or detail changed
 * ::prompt (JgDiagnosis *, JgPrompt *)     a hop asks (see JgConnection::prompt);
 *                                          with no handler it is cancelled */

G_END_DECLS
