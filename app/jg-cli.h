/* jg-cli.h — the command line: options and the commands that need no window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void jg_cli_install (GApplication *app);

G_END_DECLS
