/* jg-test-lab.h — the SSH test lab (tests/lab/jg-lab) for GTest programs
 *
 * A lab is a set of real OpenSSH sshd processes (jump, jump2, nofwd, vm1,
 * vm2, own) started in a fresh temporary directory.  As root the jump hosts
 * and VMs live in a network namespace, so the VMs are reachable only
 * through the jump host; otherwise everything is on 127.0.0.1 ports and
 * jg_test_lab_isolated() is FALSE.  See tests/lab/README.md for the keys
 * jg_test_lab_get() knows.
 *
 * Cleanup: jg_test_lab_stop() stops the servers and deletes the directory.
 * Labs still running when the program exits normally are stopped by an
 * atexit() handler, and if the program dies any other way (a failed
 * g_assert, a crash, SIGKILL from a test-runner timeout) the lab's
 * watchdog notices within a second and stops it.
 *
 * The script is $JG_LAB_SCRIPT, or JG_TEST_SRCDIR "/lab/jg-lab" when the
 * program was compiled with JG_TEST_SRCDIR defined.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _JgTestLab JgTestLab;

JgTestLab  *jg_test_lab_start      (GError     **error);
void        jg_test_lab_stop       (JgTestLab   *lab);
const char *jg_test_lab_get        (JgTestLab   *lab,
                                    const char  *key);
gboolean    jg_test_lab_isolated   (JgTestLab   *lab);
gboolean    jg_test_lab_stop_host  (JgTestLab   *lab,
                                    const char  *name,
                                    GError     **error);
gboolean    jg_test_lab_start_host (JgTestLab   *lab,
                                    const char  *name,
                                    GError     **error);
gboolean    jg_test_lab_link       (JgTestLab   *lab,
                                    gboolean     up,
                                    GError     **error);
int         jg_test_lab_count_log  (JgTestLab   *lab,
                                    const char  *host,
                                    const char  *needle);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgTestLab, jg_test_lab_stop)

G_END_DECLS
