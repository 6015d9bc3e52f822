/* jg-test-proc.c — what leak and fault tests read and do in /proc
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jg-test-proc.h"

static guint
count_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

guint
jg_test_proc_count_fds (void)
{
  /* less the one the listing itself has open */
  return count_dir ("/proc/self/fd") - 1;
}

guint
jg_test_proc_count_threads (void)
{
  return count_dir ("/proc/self/task");
}

void
jg_test_proc_dump_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_strdup_printf ("/proc/self/fd/%s", name);
      g_autofree char *target = g_file_read_link (path, NULL);

      g_printerr ("# fd %s: %s\n", name, target ? target : "?");
    }
}

/* The parent of @pid, or -1. */
static int
parent_of (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *stat = NULL;
  char *end;
  int parent;

  /* the command name is in parentheses and may hold anything */
  if (!g_file_get_contents (path, &stat, NULL, NULL) || (end = strrchr (stat, ')')) == NULL ||
      sscanf (end + 1, " %*c %d", &parent) != 1)
    return -1;
  return parent;
}

guint
jg_test_proc_kill_descendants (int pid)
{
  g_autoptr(GArray) tree = g_array_new (FALSE, FALSE, sizeof (int));
  gboolean grew = TRUE;
  guint killed = 0;

  g_array_append_val (tree, pid);
  while (grew)
    {
      g_autoptr(GDir) dir = g_dir_open ("/proc", 0, NULL);
      const char *name;

      grew = FALSE;
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          int child = atoi (name);
          int parent;
          gboolean known = FALSE;

          if (child <= 0)
            continue;
          for (guint i = 0; i < tree->len && !known; i++)
            known = g_array_index (tree, int, i) == child;
          if (known || (parent = parent_of (child)) < 0)
            continue;
          for (guint i = 0; i < tree->len; i++)
            if (g_array_index (tree, int, i) == parent)
              {
                g_array_append_val (tree, child);
                grew = TRUE;
                break;
              }
        }
    }
  for (guint i = 1; i < tree->len; i++)
    if (kill (g_array_index (tree, int, i), SIGKILL) == 0)
      killed++;
  return killed;
}
