/* jg-exec.h — jumpgate --exec NAME -- COMMAND: run a command on a saved machine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jg-inventory.h"
#include "jg-prompt.h"

G_BEGIN_DECLS

#define JG_EXEC_CONNECTION_FAILED 255

/* Runs @argv (joined with spaces, as ssh does) on the machine or jump host
 * named @destination (its name or id) through its chain — or, when none is,
 * on `[user@]host[:port]` routed by the jump rules (jg-destination.h) — with this
 * process's stdin, stdout and stderr streamed unbuffered. Questions (an
 * unknown host key, passwords) are asked on the controlling terminal; with
 * none, they are refused. Returns the remote exit status, or 255 with
 * @error set when the connection failed (as ssh). Needs no display; runs
 * its own main context. */
int jg_exec_run (JgInventory  *inventory,
                 const char   *destination,
                 char        **argv,
                 GError      **error);

/* Asks @prompt on the controlling terminal (/dev/tty) and answers it;
 * without one it is cancelled and FALSE returned. Blocks. */
gboolean jg_exec_prompt_on_tty (JgPrompt *prompt);

G_END_DECLS
