/* jg-test-lab.c — the SSH test lab (tests/lab/jg-lab) for GTest programs */

#include "jg-test-lab.h"

#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

/* jg-lab's exit status when something is impossible in this environment
 * (no root for the namespace, sshd not installed, ...). */
#define JG_LAB_EXIT_NOT_SUPPORTED 3

struct _JgTestLab
{
  char       *dir;
  char       *script;
  GHashTable *env;
  pid_t       owner;
};

G_LOCK_DEFINE_STATIC (live_labs);
static GPtrArray *live_labs;
static gboolean   atexit_installed;

static gboolean
keep_dirs (void)
{
  const char *keep = g_getenv ("JG_LAB_KEEP");

  return keep != NULL && *keep != '\0' && g_strcmp0 (keep, "0") != 0;
}

static char *
find_script (GError **error)
{
  const char *env = g_getenv ("JG_LAB_SCRIPT");

  if (env != NULL && *env != '\0')
    return g_strdup (env);

#ifdef JG_TEST_SRCDIR
  return g_strdup (JG_TEST_SRCDIR "/lab/jg-lab");
#else
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       "Set JG_LAB_SCRIPT to the path of tests/lab/jg-lab");
  return NULL;
#endif
}

/* Runs `bash jg-lab ARGS...`; its stdout is returned in *out. */
static gboolean
run_script (const char  *script,
            const char  *const *args,
            char       **out,
            GError     **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) envp = g_get_environ ();
  g_autofree char *std_out = NULL;
  g_autofree char *std_err = NULL;
  g_autofree char *owner = g_strdup_printf ("%d", (int) getpid ());
  int status = 0;

  g_ptr_array_add (argv, (gpointer) "bash");
  g_ptr_array_add (argv, (gpointer) script);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  /* The lab's watchdog stops the lab once this process is gone. */
  envp = g_environ_setenv (envp, "JG_LAB_OWNER_PID", owner, TRUE);
  envp = g_environ_setenv (envp, "JG_LAB_REMOVE_ORPHAN", keep_dirs () ? "0" : "1", TRUE);

  if (!g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_SEARCH_PATH,
                     NULL, NULL, &std_out, &std_err, &status, error))
    return FALSE;

  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      int code = WIFEXITED (status) ? WEXITSTATUS (status) : -1;

      g_strstrip (std_err);
      g_set_error (error, G_IO_ERROR,
                   code == JG_LAB_EXIT_NOT_SUPPORTED ? G_IO_ERROR_NOT_SUPPORTED
                                                     : G_IO_ERROR_FAILED,
                   "jg-lab %s failed (%s %d): %s", args[0],
                   WIFEXITED (status) ? "exit status" : "signal",
                   WIFEXITED (status) ? code : WTERMSIG (status),
                   *std_err != '\0' ? std_err : "no message");
      return FALSE;
    }

  if (out != NULL)
    *out = g_steal_pointer (&std_out);
  return TRUE;
}

/* Reads KEY=VALUE lines (shell-quoted values) into lab->env. */
static void
parse_env (JgTestLab  *lab,
           const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *eq = strchr (lines[i], '=');
      g_autofree char *value = NULL;

      if (!g_str_has_prefix (lines[i], "JG_LAB_") || eq == NULL)
        continue;

      value = g_shell_unquote (eq + 1, NULL);
      if (value == NULL)
        continue;

      g_hash_table_replace (lab->env, g_strndup (lines[i], eq - lines[i]),
                            g_steal_pointer (&value));
    }
}

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
      if (g_rmdir (path) != 0)
        g_printerr ("jg-test-lab: cannot remove %s: %s\n", path, g_strerror (errno));
    }
  else if (g_unlink (path) != 0 && errno != ENOENT)
    {
      g_printerr ("jg-test-lab: cannot remove %s: %s\n", path, g_strerror (errno));
    }
}

static void
stop_live_labs (void)
{
  g_autoptr(GPtrArray) labs = NULL;

  G_LOCK (live_labs);
  labs = g_steal_pointer (&live_labs);
  G_UNLOCK (live_labs);

  if (labs == NULL)
    return;

  /* jg_test_lab_stop() unregisters each lab; the array is ours now. */
  while (labs->len > 0)
    {
      JgTestLab *lab = g_ptr_array_steal_index (labs, labs->len - 1);

      /* A forked child exiting must not stop its parent's labs. */
      if (lab->owner == getpid ())
        jg_test_lab_stop (lab);
    }
}

static void
register_lab (JgTestLab *lab)
{
  G_LOCK (live_labs);
  if (live_labs == NULL)
    live_labs = g_ptr_array_new ();
  g_ptr_array_add (live_labs, lab);
  if (!atexit_installed)
    {
      atexit (stop_live_labs);
      atexit_installed = TRUE;
    }
  G_UNLOCK (live_labs);
}

static void
unregister_lab (JgTestLab *lab)
{
  G_LOCK (live_labs);
  if (live_labs != NULL)
    g_ptr_array_remove (live_labs, lab);
  G_UNLOCK (live_labs);
}

/**
 * jg_test_lab_start:
 *
 * Runs `jg-lab start` in a new temporary directory. The error is
 * G_IO_ERROR_NOT_SUPPORTED when this machine cannot run the lab at all
 * (sshd missing); a test may then g_test_skip().
 */
JgTestLab *
jg_test_lab_start (GError **error)
{
  g_autofree char *script = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *out = NULL;
  const char *args[3] = { "start", NULL, NULL };
  JgTestLab *lab;

  script = find_script (error);
  if (script == NULL)
    return NULL;

  dir = g_dir_make_tmp ("jglab-XXXXXX", error);
  if (dir == NULL)
    return NULL;

  args[1] = dir;
  if (!run_script (script, args, &out, error))
    {
      remove_tree (dir);
      return NULL;
    }

  lab = g_new0 (JgTestLab, 1);
  lab->dir = g_steal_pointer (&dir);
  lab->script = g_steal_pointer (&script);
  lab->owner = getpid ();
  lab->env = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  parse_env (lab, out);
  register_lab (lab);

  return lab;
}

/**
 * jg_test_lab_stop:
 *
 * Stops every process of the lab, removes its network namespace and its
 * directory (kept when $JG_LAB_KEEP is set), and frees @lab.
 */
void
jg_test_lab_stop (JgTestLab *lab)
{
  g_autoptr(GError) error = NULL;
  const char *args[3] = { "stop", NULL, NULL };

  if (lab == NULL)
    return;

  unregister_lab (lab);

  args[1] = lab->dir;
  if (!run_script (lab->script, args, NULL, &error))
    g_printerr ("jg-test-lab: %s\n", error->message);

  if (keep_dirs ())
    g_printerr ("jg-test-lab: keeping %s\n", lab->dir);
  else
    remove_tree (lab->dir);

  g_hash_table_unref (lab->env);
  g_free (lab->script);
  g_free (lab->dir);
  g_free (lab);
}

/**
 * jg_test_lab_get:
 * @key: a name like "JG_LAB_VM1_PORT"
 *
 * Returns: (nullable): the value, owned by @lab
 */
const char *
jg_test_lab_get (JgTestLab  *lab,
                 const char *key)
{
  g_return_val_if_fail (lab != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  return g_hash_table_lookup (lab->env, key);
}

gboolean
jg_test_lab_isolated (JgTestLab *lab)
{
  g_return_val_if_fail (lab != NULL, FALSE);

  return g_strcmp0 (jg_test_lab_get (lab, "JG_LAB_ISOLATED"), "1") == 0;
}

static gboolean
host_command (JgTestLab   *lab,
              const char  *command,
              const char  *name,
              GError     **error)
{
  g_autofree char *out = NULL;
  const char *args[4] = { command, lab->dir, name, NULL };

  if (!run_script (lab->script, args, &out, error))
    return FALSE;

  parse_env (lab, out);
  return TRUE;
}

/**
 * jg_test_lab_stop_host:
 * @name: jump, jump2, nofwd, vm1, vm2 or own
 *
 * Kills that host's sshd and every session it serves, as if the machine
 * went away.
 */
gboolean
jg_test_lab_stop_host (JgTestLab   *lab,
                       const char  *name,
                       GError     **error)
{
  g_return_val_if_fail (lab != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  return host_command (lab, "stop-host", name, error);
}

/**
 * jg_test_lab_start_host:
 * @name: jump, jump2, nofwd, vm1, vm2 or own
 *
 * Starts that host's sshd again on the same address, port and host key, and
 * returns once it answers with its SSH banner.
 */
gboolean
jg_test_lab_start_host (JgTestLab   *lab,
                        const char  *name,
                        GError     **error)
{
  g_return_val_if_fail (lab != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  return host_command (lab, "start-host", name, error);
}

/**
 * jg_test_lab_link:
 *
 * Takes the jump hosts' link (the veth inside the namespace) down or up.
 * Fails with G_IO_ERROR_NOT_SUPPORTED when the lab is not isolated.
 */
gboolean
jg_test_lab_link (JgTestLab  *lab,
                  gboolean    up,
                  GError    **error)
{
  const char *args[3] = { up ? "link-up" : "link-down", NULL, NULL };

  g_return_val_if_fail (lab != NULL, FALSE);

  args[1] = lab->dir;
  return run_script (lab->script, args, NULL, error);
}

/**
 * jg_test_lab_count_log:
 * @host: jump, jump2, nofwd, vm1, vm2 or own
 * @needle: text to look for, e.g. "Accepted publickey"
 *
 * Counts the occurrences of @needle in that host's sshd log. Each log also
 * holds one "Connection from" made by the lab itself when it checked the
 * banner: compare counts before and after what a test does.
 *
 * Returns: the count, or -1 if the log cannot be read
 */
int
jg_test_lab_count_log (JgTestLab  *lab,
                       const char *host,
                       const char *needle)
{
  g_autofree char *upper = NULL;
  g_autofree char *key = NULL;
  g_autofree char *text = NULL;
  const char *path;
  const char *p;
  size_t len;
  int count = 0;

  g_return_val_if_fail (lab != NULL, -1);
  g_return_val_if_fail (host != NULL, -1);
  g_return_val_if_fail (needle != NULL && *needle != '\0', -1);

  upper = g_ascii_strup (host, -1);
  key = g_strdup_printf ("JG_LAB_%s_LOG", upper);
  path = jg_test_lab_get (lab, key);
  if (path == NULL || !g_file_get_contents (path, &text, NULL, NULL))
    return -1;

  len = strlen (needle);
  for (p = strstr (text, needle); p != NULL; p = strstr (p + len, needle))
    count++;

  return count;
}
