/* jg-test-proc.h — what leak and fault tests read and do in /proc
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Open file descriptors and threads of this process. */
guint jg_test_proc_count_fds      (void);
guint jg_test_proc_count_threads  (void);
/* Prints every open file descriptor and what it is (on stderr, "# " first). */
void  jg_test_proc_dump_fds       (void);
/* SIGKILLs every process below @pid, not @pid itself: the sessions an sshd
 * serves ("the connection drops"). Returns how many. */
guint jg_test_proc_kill_descendants (int pid);

G_END_DECLS
