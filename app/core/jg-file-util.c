/* jg-file-util.c — small file helpers shared by the core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "jg-file-util.h"

static void
set_errno_error (GError **error,
                 int      saved_errno)
{
  g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       g_strerror (saved_errno));
}

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        length,
           GError     **error)
{
  while (length > 0)
    {
      gssize written = write (fd, data, length);

      if (written < 0 && errno == EINTR)
        continue;
      if (written < 0)
        {
          set_errno_error (error, errno);
          return FALSE;
        }
      data += written;
      length -= written;
    }
  return TRUE;
}

static void
fsync_dir (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

gboolean
jg_file_replace_atomically (const char  *path,
                            const char  *data,
                            gsize        length,
                            int          mode,
                            GError     **error)
{
  g_autofree char *tmp_path = NULL;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  tmp_path = g_strconcat (path, ".XXXXXX", NULL);
  fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, mode);
  if (fd < 0)
    {
      set_errno_error (error, errno);
      return FALSE;
    }

  /* g_mkstemp_full() honours the umask; the mode asked for is the mode. */
  if (fchmod (fd, mode) != 0 || !write_all (fd, data, length, error) || fsync (fd) != 0)
    {
      int saved_errno = errno;

      if (error != NULL && *error == NULL)
        set_errno_error (error, saved_errno);
      close (fd);
      g_unlink (tmp_path);
      return FALSE;
    }

  if (close (fd) != 0 || g_rename (tmp_path, path) != 0)
    {
      int saved_errno = errno;

      g_unlink (tmp_path);
      set_errno_error (error, saved_errno);
      return FALSE;
    }
  fsync_dir (path);
  return TRUE;
}
