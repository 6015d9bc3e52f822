/* jg-file-util.h — small file helpers shared by the core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Replaces @path with @data: a temporary file beside it (created with
 * @mode, e.g. 0600) is written, fsync()ed and renamed over @path, and the
 * folder is fsync()ed, so a crash at any moment leaves the old file or the
 * new one, never a mix. The folder must exist. On failure nothing but the
 * temporary file was touched (and it is removed); @error is in
 * G_IO_ERROR, its message the bare reason ("No space left on device"), for
 * the caller to put into a sentence that names the file. */
gboolean  jg_file_replace_atomically  (const char   *path,
                                       const char   *data,
                                       gsize         length,
                                       int           mode,
                                       GError      **error);

G_END_DECLS
