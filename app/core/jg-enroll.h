/* jg-enroll.h — wait until a new own machine answers, then trust it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The waiting step of "Add Your Own Machine". After the person ran the
 * enrollment script (jg-install-script.h) on the machine, a JgEnroll polls
 * its address: TCP connect, SSH banner and key exchange, public key
 * authentication with the machine's Jumpgate key, then it reads the token
 * file over an exec channel (`cat .config/jumpgate-enroll/ID.token`) and
 * compares it, in constant time, with the token in the script.
 *
 * The host key is only *provisionally* accepted while polling: nothing is
 * written until the token matched. The token is the secret only the
 * machine that ran the script has, so a different machine answering at the
 * address — even one that accepts the key — is refused
 * (JG_ENROLL_ERROR_TOKEN_MISMATCH) and known_hosts is left as it was. On a
 * match the token file is deleted on the machine (it is single-use) and
 * the host key of that very session is appended to known_hosts without
 * asking. An address whose known_hosts entry holds another key is refused
 * as a connection would be (JG_ENROLL_ERROR_HOST_KEY_CHANGED).
 *
 * Until then every failed attempt is "not yet": the wait goes on, every
 * interval, until it succeeds, fails for good, or is cancelled. The
 * "reached", "status" and "attempts" properties tell the GUI's checklist
 * what the last attempt saw.
 *
 * Threads: create and use on one thread with a GMainContext (the GTK
 * thread); the SSH work runs in a worker of its own, never on that thread.
 * Property notifications and the callback come on the thread-default
 * context current at jg_enroll_wait_async(). Set the key and options before
 * waiting; one wait at a time.
 */
#pragma once

#include <gio/gio.h>
#include <libssh/libssh.h>

#include "jg-machine.h"

G_BEGIN_DECLS

#define JG_ENROLL_ERROR (jg_enroll_error_quark ())

typedef enum
{
  JG_ENROLL_ERROR_FAILED = 0,        /* anything else (known_hosts could not be written, …) */
  JG_ENROLL_ERROR_TOKEN_MISMATCH,    /* the machine has another token: not the one that ran the script */
  JG_ENROLL_ERROR_HOST_KEY_CHANGED,  /* known_hosts holds another (or a revoked) key for the address */
  JG_ENROLL_ERROR_NO_KEY,            /* no private key set, or it could not be loaded */
} JgEnrollError;

/* How far an attempt got; the checklist's items, in order. */
typedef enum
{
  JG_ENROLL_STEP_NONE = 0,
  JG_ENROLL_STEP_PORT_OPEN,      /* the TCP connection was accepted */
  JG_ENROLL_STEP_BANNER,         /* an SSH server answered (banner and key exchange) */
  JG_ENROLL_STEP_KEY_ACCEPTED,   /* it accepted Jumpgate's key for the user */
  JG_ENROLL_STEP_TOKEN_MATCHED,  /* its token is the script's: enrolled */
} JgEnrollStep;

#define JG_ENROLL_DEFAULT_INTERVAL_MS 2000
#define JG_ENROLL_DEFAULT_TIMEOUT 10

#define JG_TYPE_ENROLL (jg_enroll_get_type ())
G_DECLARE_FINAL_TYPE (JgEnroll, jg_enroll, JG, ENROLL, GObject)

GQuark        jg_enroll_error_quark             (void);

/* @machine_id: the UUID the script was generated with; @token: the
 * script's token. Nothing is contacted before jg_enroll_wait_async(). */
JgEnroll     *jg_enroll_new                     (const char           *machine_id,
                                                 const char           *address,
                                                 guint                 port,
                                                 const char           *user,
                                                 const char           *token);

const char   *jg_enroll_get_machine_id          (JgEnroll             *self);
const char   *jg_enroll_get_address             (JgEnroll             *self);
guint         jg_enroll_get_port                (JgEnroll             *self);
const char   *jg_enroll_get_user                (JgEnroll             *self);

/* The machine's private key: either one Jumpgate holds in the keyring
 * (loaded in the worker, jg-keys.h), or an ssh_key the JgEnroll takes
 * ownership of (a key generated in memory). */
void          jg_enroll_set_key_id              (JgEnroll             *self,
                                                 const char           *key_id);
const char   *jg_enroll_get_key_id              (JgEnroll             *self);
void          jg_enroll_take_private_key        (JgEnroll             *self,
                                                 ssh_key               key);

/* Where the host key is checked and saved; NULL: ~/.ssh/known_hosts. */
void          jg_enroll_set_known_hosts_file    (JgEnroll             *self,
                                                 const char           *path);
/* Milliseconds between attempts (default JG_ENROLL_DEFAULT_INTERVAL_MS). */
void          jg_enroll_set_interval            (JgEnroll             *self,
                                                 guint                 milliseconds);
/* Seconds one attempt's connect and each SSH step may take (default
 * JG_ENROLL_DEFAULT_TIMEOUT). */
void          jg_enroll_set_timeout             (JgEnroll             *self,
                                                 guint                 seconds);

/* Polls until the machine is enrolled (TRUE), a JG_ENROLL_ERROR, or
 * G_IO_ERROR_CANCELLED — cancelling interrupts a running attempt at once. */
void          jg_enroll_wait_async              (JgEnroll             *self,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean      jg_enroll_wait_finish             (JgEnroll             *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

/* What the last attempt saw (properties "reached", "status", "attempts").
 * The status is a translated sentence ("Port 22 is closed: …"), NULL
 * before the first attempt. */
JgEnrollStep  jg_enroll_get_reached             (JgEnroll             *self);
const char   *jg_enroll_get_status              (JgEnroll             *self);
guint         jg_enroll_get_attempts            (JgEnroll             *self);
/* g_get_monotonic_time() when the wait began, 0 before: for "elapsed". */
gint64        jg_enroll_get_started             (JgEnroll             *self);
/* The host key the machine showed ("ssh-ed25519", "SHA256:…"); after
 * success, the one saved. NULL before a key exchange. */
const char   *jg_enroll_get_host_key_type       (JgEnroll             *self);
const char   *jg_enroll_get_host_key_fingerprint (JgEnroll            *self);

/* After success: a new "own machine" (id = machine id, the address, port
 * and user; the key Jumpgate holds when one was set with
 * jg_enroll_set_key_id(), and the known_hosts file when not the default),
 * named @name (NULL: the address). The caller adds it to the inventory
 * and saves. */
JgMachine    *jg_enroll_create_machine          (JgEnroll             *self,
                                                 const char           *name);

const char   *jg_enroll_step_to_string          (JgEnrollStep          step);

G_END_DECLS
