/* jg-test-machine.c — throwaway Debian systems for the wizard's tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jg-test-machine.h"

static char *tmpdir;
static char *helper;

void
jg_test_machine_init (const char *dir)
{
  g_free (tmpdir);
  tmpdir = g_strdup (dir);
  g_free (helper);
  helper = g_strdup (g_getenv ("JG_WIZARD_MACHINE"));
  if (helper == NULL)
    helper = g_build_filename (JG_TEST_SRCDIR, "wizard-machine", NULL);
  /* The machines go when this process goes, however it ends. */
  if (g_getenv ("JG_WIZARD_KEEP") == NULL)
    {
      char pid[32];

      g_snprintf (pid, sizeof pid, "%d", (int) getpid ());
      g_setenv ("JG_WIZARD_OWNER_PID", pid, TRUE);
    }
}

int
jg_test_run (const char * const  *argv,
             const char          *cwd,
             char               **out,
             char               **err)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *o = NULL;
  g_autofree char *e = NULL;
  int status = 0;

  g_spawn_sync (cwd, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &o, &e, &status, &error);
  g_assert_no_error (error);
  if (g_test_verbose ())
    g_printerr ("# $ %s\n# %s%s", argv[0], o, e);
  if (out != NULL)
    *out = g_steal_pointer (&o);
  if (err != NULL)
    *err = g_steal_pointer (&e);
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  return -1;
}

guint
jg_test_free_loopback_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, address, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  /* Closed when the socket goes: nothing listens there. */
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

gboolean
jg_test_machine_prepare (char **skip_reason,
                         char **message)
{
  const char *argv[] = { helper, "root", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gint64 start = g_get_monotonic_time ();
  int status;

  g_assert_nonnull (helper);
  if (getuid () != 0)
    {
      *skip_reason = g_strdup ("not root: the script needs a system to run in (chroot, network namespace)");
      return FALSE;
    }
  status = jg_test_run (argv, tmpdir, &out, &err);
  if (status == 3)
    {
      *skip_reason = g_strdup_printf ("no throwaway system possible: %s", g_strstrip (err));
      return FALSE;
    }
  if (status != 0)
    g_error ("wizard-machine root failed:\n%s", err);
  *message = g_strdup_printf ("throwaway system %s ready in %.1f s%s%s", g_strstrip (out),
                              (g_get_monotonic_time () - start) / 1e6, *err != '\0' ? ": " : "",
                              g_strstrip (err));
  return TRUE;
}

void
jg_test_machine_free (JgTestMachine *m)
{
  const char *argv[] = { helper, "destroy", m->dir, NULL };

  if (g_getenv ("JG_WIZARD_KEEP") == NULL)
    g_assert_cmpint (jg_test_run (argv, tmpdir, NULL, NULL), ==, 0);
  else
    g_test_message ("kept %s (destroy it with %s destroy %s)", m->dir, helper, m->dir);
  g_free (m->dir);
  g_free (m->root);
  g_free (m->address);
  g_hash_table_unref (m->env);
  g_free (m);
}

JgTestMachine *
jg_test_machine_new (const char *name)
{
  JgTestMachine *m = g_new0 (JgTestMachine, 1);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  const char *argv[] = { helper, "create", NULL, NULL };

  m->dir = g_build_filename (tmpdir, name, NULL);
  argv[2] = m->dir;
  if (jg_test_run (argv, tmpdir, &out, &err) != 0)
    g_error ("wizard-machine create failed:\n%s", err);
  m->env = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *eq = strchr (lines[i], '=');

      if (eq != NULL)
        g_hash_table_insert (m->env, g_strndup (lines[i], eq - lines[i]), g_strdup (eq + 1));
    }
  m->root = g_strdup (g_hash_table_lookup (m->env, "JG_MACHINE_ROOT"));
  m->address = g_strdup (g_hash_table_lookup (m->env, "JG_MACHINE_ADDR"));
  g_assert_nonnull (m->root);
  g_assert_nonnull (m->address);
  return m;
}

int
jg_test_machine_run (JgTestMachine      *m,
                     const char * const *command,
                     char              **out,
                     char              **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, helper);
  g_ptr_array_add (argv, (char *) "run");
  g_ptr_array_add (argv, m->dir);
  for (guint i = 0; command[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) command[i]);
  g_ptr_array_add (argv, NULL);
  return jg_test_run ((const char * const *) argv->pdata, tmpdir, out, err);
}

void
jg_test_machine_sh (JgTestMachine *m,
                    const char    *shell_command)
{
  const char *argv[] = { "/bin/sh", "-c", shell_command, NULL };
  g_autofree char *err = NULL;

  if (jg_test_machine_run (m, argv, NULL, &err) != 0)
    g_error ("in the machine, `%s` failed:\n%s", shell_command, err);
}

char *
jg_test_machine_path (JgTestMachine *m,
                      const char    *path)
{
  return g_build_filename (m->root, path, NULL);
}

void
jg_test_machine_put_script (JgTestMachine *m,
                            const char    *script)
{
  g_autofree char *path = jg_test_machine_path (m, "root/enroll.sh");
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, script, -1, &error);
  g_assert_no_error (error);
}

int
jg_test_machine_run_script (JgTestMachine  *m,
                            const char     *script_path,
                            const char     *arg,
                            char          **out,
                            char          **err)
{
  const char *argv[] = { "/bin/sh", script_path, arg, NULL };

  return jg_test_machine_run (m, argv, out, err);
}
