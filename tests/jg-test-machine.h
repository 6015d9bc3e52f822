/* jg-test-machine.h — throwaway Debian systems for the wizard's tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A C face for tests/wizard-machine: a debootstrap'd system (built once,
 * cached under /var/tmp), copied per machine, chrooted in a network
 * namespace of its own whose address is JgTestMachine.address. Needs root.
 * Machines are destroyed when freed, and by the helper's watchdog when the
 * test process dies (JG_WIZARD_OWNER_PID, set by jg_test_machine_init);
 * JG_WIZARD_KEEP=1 keeps them to look at.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char       *dir;
  char       *root;      /* the machine's / as seen from here */
  char       *address;   /* its address in its namespace (198.19.N.2) */
  GHashTable *env;       /* the helper's KEY=VALUE lines */
} JgTestMachine;

/* Where temporary files go (machines are made below @tmpdir). */
void            jg_test_machine_init        (const char          *tmpdir);

/* Runs @argv (no PATH search); the exit status (-1: killed by a signal),
 * its output in @out and @err. */
int             jg_test_run                 (const char * const  *argv,
                                             const char          *cwd,
                                             char               **out,
                                             char               **err);

/* A loopback port nothing listens on. */
guint           jg_test_free_loopback_port  (void);

/* Builds or finds the cached system. FALSE with *@skip_reason when no
 * machine is possible here (not root, no debootstrap, no mirror);
 * *@message tells where it is and how long it took. */
gboolean        jg_test_machine_prepare     (char               **skip_reason,
                                             char               **message);

JgTestMachine  *jg_test_machine_new         (const char          *name);
void            jg_test_machine_free        (JgTestMachine       *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgTestMachine, jg_test_machine_free)

/* Runs a command as root in the machine; its exit status. */
int             jg_test_machine_run         (JgTestMachine       *m,
                                             const char * const  *command,
                                             char               **out,
                                             char               **err);
/* `sh -c @shell_command` in the machine; a failure fails the test. */
void            jg_test_machine_sh          (JgTestMachine       *m,
                                             const char          *shell_command);
/* @path (relative to the machine's /) as seen from here. */
char           *jg_test_machine_path        (JgTestMachine       *m,
                                             const char          *path);
/* Writes @script to /root/enroll.sh in the machine. */
void            jg_test_machine_put_script  (JgTestMachine       *m,
                                             const char          *script);
/* `sh @script_path [@arg]` as root in the machine. */
int             jg_test_machine_run_script  (JgTestMachine       *m,
                                             const char          *script_path,
                                             const char          *arg,
                                             char               **out,
                                             char               **err);

G_END_DECLS
