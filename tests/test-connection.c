/* test-connection.c — the connection core against the SSH test lab
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Real sshd processes (tests/lab/jg-lab): a jump host, a second jump host
 * behind it, VMs reachable only through the jump host (in a network
 * namespace when root), an own machine on loopback and a jump host that
 * refuses to forward.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jg-connection.h"
#include "jg-inventory.h"
#include "jg-session-private.h"
#include "jg-test-hosts.h"
#include "jg-test-lab.h"

static JgTestLab *lab;
static char *tmpdir;
static char *known_hosts;   /* a copy of the lab's, per test */

/* ------------------------------------------------------------- fixtures */

static const char *
lab_get (const char *key)
{
  const char *value = jg_test_lab_get (lab, key);
  g_assert_nonnull (value);
  return value;
}

typedef struct
{
  JgInventory *inventory;
  JgHost      *jump;
  JgHost      *jump2;
  JgHost      *nofwd;
  JgHost      *vm1;
  JgHost      *vm2;
  JgHost      *own;
  JgHost      *behind_nofwd;
} Lab;

static Lab *
lab_inventory (void)
{
  Lab *l = g_new0 (Lab, 1);

  l->inventory = jg_inventory_new ();
  l->jump = jg_test_lab_host (lab, JG_TYPE_JUMP_HOST, "jump", "JUMP", NULL, known_hosts);
  l->jump2 = jg_test_lab_host (lab, JG_TYPE_JUMP_HOST, "jump2", "JUMP2", l->jump, known_hosts);
  l->nofwd = jg_test_lab_host (lab, JG_TYPE_JUMP_HOST, "nofwd", "NOFWD", NULL, known_hosts);
  l->vm1 = jg_test_lab_host (lab, JG_TYPE_MACHINE, "vm1", "VM1", l->jump, known_hosts);
  l->vm2 = jg_test_lab_host (lab, JG_TYPE_MACHINE, "vm2", "VM2", l->jump2, known_hosts);
  l->own = jg_test_lab_host (lab, JG_TYPE_MACHINE, "own", "OWN", NULL, known_hosts);
  l->behind_nofwd = jg_test_lab_host (lab, JG_TYPE_MACHINE, "vm1-via-nofwd", "VM1",
                                      l->nofwd, known_hosts);

  jg_inventory_add (l->inventory, l->jump);
  jg_inventory_add (l->inventory, l->jump2);
  jg_inventory_add (l->inventory, l->nofwd);
  jg_inventory_add (l->inventory, l->vm1);
  jg_inventory_add (l->inventory, l->vm2);
  jg_inventory_add (l->inventory, l->own);
  jg_inventory_add (l->inventory, l->behind_nofwd);
  return l;
}

static void
lab_free (Lab *l)
{
  g_object_unref (l->jump);
  g_object_unref (l->jump2);
  g_object_unref (l->nofwd);
  g_object_unref (l->vm1);
  g_object_unref (l->vm2);
  g_object_unref (l->own);
  g_object_unref (l->behind_nofwd);
  g_object_unref (l->inventory);
  g_free (l);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Lab, lab_free)

/* Waits until the pool is empty, so that the next test starts cold. */
static void
wait_pool_empty (void)
{
  for (guint i = 0; i < 500 && jg_session_pool_count () > 0; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (10000);
    }
  g_assert_cmpuint (jg_session_pool_count (), ==, 0);
}

static void
reset_known_hosts (void)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (lab_get ("JG_LAB_KNOWN_HOSTS"), &contents, NULL, &error);
  g_assert_no_error (error);
  g_file_set_contents (known_hosts, contents, -1, &error);
  g_assert_no_error (error);
  wait_pool_empty ();
}

/* ---------------------------------------------------------------- a run */

typedef struct
{
  GMainLoop  *loop;
  gboolean    done;
  GError     *error;
  int         status;
  char       *out;
  char       *err;
  /* prompt answers */
  const char *secret;         /* password / passphrase; NULL: cancel */
  gboolean    accept_key;
  guint       n_prompts;
  JgPromptKind last_kind;
  char       *last_key_file;
  GString    *log;
} Run;

static void
run_clear (Run *run)
{
  g_clear_error (&run->error);
  g_free (run->out);
  g_free (run->err);
  g_free (run->last_key_file);
  if (run->log != NULL)
    g_string_free (run->log, TRUE);
  if (run->loop != NULL)
    g_main_loop_unref (run->loop);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
on_prompt (JgConnection *conn,
           JgPrompt     *prompt,
           Run          *run)
{
  run->n_prompts++;
  run->last_kind = jg_prompt_get_kind (prompt);
  g_free (run->last_key_file);
  run->last_key_file = g_strdup (jg_prompt_get_key_file (prompt));
  if (run->last_kind == JG_PROMPT_HOST_KEY)
    {
      if (run->accept_key)
        jg_prompt_accept (prompt);
      else
        jg_prompt_cancel (prompt);
    }
  else if (run->secret != NULL)
    {
      const char *answers[] = { run->secret, NULL };
      g_assert_cmpuint (jg_prompt_get_n_questions (prompt), ==, 1);
      jg_prompt_respond (prompt, answers);
    }
  else
    jg_prompt_cancel (prompt);
}

static void
on_progress (JgConnection     *conn,
             guint             hop,
             JgConnectionStep  step,
             const char       *detail,
             Run              *run)
{
  g_string_append_printf (run->log, "[%u %s] %s\n", hop, jg_connection_step_to_string (step), detail);
  if (g_test_verbose ())
    g_printerr ("# [%u %s] %s\n", hop, jg_connection_step_to_string (step), detail);
}

static void
on_closed (JgConnection *conn,
           const GError *error,
           Run          *run)
{
  if (error != NULL)
    run->error = g_error_copy (error);
  run->status = jg_connection_get_exit_status (conn);
  run->done = TRUE;
  g_main_loop_quit (run->loop);
}

static void
on_exec (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Run *run = user_data;

  if (!jg_connection_exec_finish (JG_CONNECTION (object), result, &run->error))
    {
      run->done = TRUE;
      g_main_loop_quit (run->loop);
    }
}

static int
tmp_fd (char **path)
{
  g_autoptr(GError) error = NULL;
  int fd = g_file_open_tmp ("jg-conn-XXXXXX", path, &error);

  g_assert_no_error (error);
  return fd;
}

static JgConnection *
make_connection (Lab    *l,
                 JgHost *host,
                 Run    *run)
{
  g_autoptr(GError) error = NULL;
  JgConnection *conn = jg_connection_new (l->inventory, host, &error);

  g_assert_no_error (error);
  jg_connection_set_timeout (conn, 10);
  if (run->loop == NULL)
    run->loop = g_main_loop_new (NULL, FALSE);
  if (run->log == NULL)
    run->log = g_string_new (NULL);
  g_signal_connect (conn, "prompt", G_CALLBACK (on_prompt), run);
  g_signal_connect (conn, "progress", G_CALLBACK (on_progress), run);
  g_signal_connect (conn, "closed", G_CALLBACK (on_closed), run);
  return conn;
}

/* Starts @command; stdout and stderr go to temporary files. */
static void
start_exec (JgConnection *conn,
            const char   *command,
            int           stdin_fd,
            Run          *run,
            char        **out_path,
            char        **err_path)
{
  int out = tmp_fd (out_path);
  int err = tmp_fd (err_path);

  jg_connection_exec_async (conn, command, stdin_fd, out, err, NULL, on_exec, run);
}

static void
finish_exec (Run  *run,
             char *out_path,
             char *err_path)
{
  g_file_get_contents (out_path, &run->out, NULL, NULL);
  g_file_get_contents (err_path, &run->err, NULL, NULL);
  g_unlink (out_path);
  g_unlink (err_path);
  g_free (out_path);
  g_free (err_path);
}

/* Runs @command on @host and waits for the end. */
static void
exec_on (Lab        *l,
         JgHost     *host,
         const char *command,
         Run        *run)
{
  g_autoptr(JgConnection) conn = make_connection (l, host, run);
  char *out_path = NULL;
  char *err_path = NULL;

  run->status = -1;
  start_exec (conn, command, -1, run, &out_path, &err_path);
  if (!run->done)
    g_main_loop_run (run->loop);
  jg_connection_close (conn);
  finish_exec (run, out_path, err_path);
}

static char *
file_bytes (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&contents);
}

/* ---------------------------------------------------------------- tests */

static void
test_own_direct (void)
{
  g_autoptr(Lab) l = lab_inventory ();
  g_auto(Run) run = { 0 };

  reset_known_hosts ();
  exec_on (l, l->own, "echo out; echo err >&2; exit 7", &run);
  g_assert_no_error (run.error);
  g_assert_cmpint (run.status, ==, 7);
  g_assert_cmpstr (run.out, ==, "out\n");
  g_assert_cmpstr (run.err, ==, "err\n");
  g_assert_nonnull (strstr (run.log->str, "aes256-gcm@openssh.com"));
}

static void
test_one_hop (void)
{
  g_autoptr(Lab) l = lab_inventory ();
  g_auto(Run) run = { 0 };

  reset_known_hosts ();
  exec_on (l, l->vm1, "echo $SSH_CONNECTION | cut -d' ' -f3; exit 3", &run);
  g_assert_no_error (run.error);
  g_assert_cmpint (run.status, ==, 3);
  /* the VM was reached at its own address, through the jump host */
  g_assert_cmpstr (g_strstrip (run.out), ==, lab_get ("JG_LAB_VM1_ADDR"));
  g_assert_nonnull (strstr (run.log->str, "through jump"));
}

static void
test_two_hops (void)
{
  g_autoptr(Lab) l = lab_inventory ();
  g_auto(Run) run = { 0 };

  reset_known_hosts ();
  exec_on (l, l->vm2, "echo $SSH_CONNECTION | cut -d' ' -f3", &run);
  g_assert_no_error (run.error);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (g_strstrip (run.out), ==, lab_get ("JG_LAB_VM2_ADDR"));
  /* the three hops, each checked under its own name */
  g_assert_nonnull (strstr (run.log->str, "[0 host-key]"));
  g_assert_nonnull (strstr (run.log->str, "[1 host-key]"));
  g_assert_nonnull (strstr (run.log->str, "[2 host-key]"));
  g_assert_null (strstr (run.log->str, "127.0.0.1"));
}

static void
test_encrypted_key (void)
{
  g_autoptr(Lab) l = lab_inventory ();
  g_auto(Run) run = { 0 };

  reset_known_hosts ();
  jg_host_set_identity_file (l->vm1, lab_get ("JG_LAB_KEY_ENC"));
  run.secret = lab_get ("JG_LAB_KEY_PASSPHRASE");
  exec_on (l, l->vm1, "echo ok", &run);
  g_assert_no_error (run.error);
  g_assert_cmpstr (run.out, ==, "ok\n");
  g_assert_cmpuint (run.n_prompts, ==, 1);
  g_assert_cmpint (run.last_kind, ==, JG_PROMPT_PASSPHRASE);
  g_assert_cmpstr (run.last_key_file, ==, lab_get ("JG_LAB_KEY_ENC"));
}

static void
test_encrypted_key_cancelled (void)
{
  g_autoptr(Lab) l = lab_inventory ();
  g_auto(Run) run = { 0 };

  reset_known_hosts ();
  jg_host_set_identity_file (l->own, lab_get ("JG_LAB_KEY_ENC"));
  run.secret = NULL;
  exec_on (l, l->own, "echo ok", &run);
  g_assert_error (run.error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_CANCELLED);
  g_assert_nonnull (strstr (run.error->message, "own"));
}

static GPid agent_pid;

static void
start_agent (void)
{
  g_autofree char *out = NULL;
  g_autofree char *sock = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv_agent[] = { "ssh-agent", "-s", NULL };
  const char *argv_add[] = { "ssh-add", NULL, NULL };
  g_auto(GStrv) lines = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv_agent, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                &out, NULL, &status, &error);
  g_assert_no_error (error);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "SSH_AUTH_SOCK="))
        sock = g_strndup (lines[i] + 14, strcspn (lines[i] + 14, ";"));
      if (g_str_has_prefix (lines[i], "SSH_AGENT_PID="))
        agent_pid = atoi (lines[i] + 14);
    }
  g_assert_nonnull (sock);
  g_setenv ("SSH_AUTH_SOCK", sock, TRUE);
  argv_add[1] = lab_get ("JG_LAB_KEY_AGENT");
  g_spawn_sync (NULL, (char **) argv_add, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
stop_agent (void)
{
  if (agent_pid > 0)
    kill (agent_pid, SIGTERM);
  agent_pid = 0;
  g_unsetenv ("SSH_AUTH_SOCK");
}

static void
test_agent (void)
{
  g_autoptr(Lab) l = lab_inventory ();
  g_auto(Run) run = { 0 };

  reset_known_hosts ();
  start_agent ();
  jg_host_set_auth (l->jump, JG_AUTH_AGENT);
  jg_host_set_auth (l->vm1, JG_AUTH_AGENT);
  jg_host_set_forward_agent (l->vm1, TRUE);
  /* the VM lists the local agent's key: agent forwarding works */
  exec_on (l, l->vm1, "ssh-add -l", &run);
  g_assert_no_error (run.error);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.log->str, "from the agent"));
  {
    g_autofree char *pub_path = g_strconcat (lab_get ("JG_LAB_KEY_AGENT"), ".pub", NULL);
    g_autofree char *argv0 = g_strdup_printf ("ssh-keygen -lf %s", pub_path);
    g_autofree char *fp = NULL;
    g_auto(GStrv) fields = NULL;

    g_spawn_command_line_sync (argv0, &fp, NULL, NULL, NULL);
    fields = g_strsplit (fp, " ", 3);
    g_assert_nonnull (strstr (run.out, fields[1]));
  }

  /* forwarding is off by default */
  g_clear_pointer (&run.out, g_free);
  g_clear_pointer (&run.err, g_free);
  run.done = FALSE;
  jg_host_set_forward_agent (l->vm1, FALSE);
  wait_pool_empty ();
  exec_on (l, l->vm1, "ssh-add -l", &run);
  g_assert_no_error (run.error);
  g_assert_cmpint (run.status, !=, 0);
  stop_agent ();
}

static void
test_agent_empty (void)
{
  g_autoptr(Lab) l = lab_inventory ();
  g_auto(Run) run = { 0 };
  const char *argv_del[] = { "ssh-add", "-D", NULL };

  reset_known_hosts ();
  start_agent ();
  g_spawn_sync (NULL, (char **) argv_del, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, NULL, NULL);
  jg_host_set_auth (l->own, JG_AUTH_AGENT);
  exec_on (l, l->own, "true", &run);
  g_assert_error (run.error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_AGENT_NO_KEY);
  g_assert_nonnull (strstr (run.error->message, "Agent admitted failure to sign"));
  g_assert_nonnull (strstr (run.error->message, "ssh-add"));
  stop_agent ();
}

static void
test_password (void)
{
  g_autoptr(Lab) l = lab_inventory ();
  g_auto(Run) run = { 0 };

  reset_known_hosts ();
  jg_host_set_user (l->vm1, lab_get ("JG_LAB_PASSWORD_USER"));
  jg_host_set_auth (l->vm1, JG_AUTH_PASSWORD);
  run.secret = lab_get ("JG_LAB_PASSWORD");
  exec_on (l, l->vm1, "id -un", &run);
  g_assert_no_error (run.error);
  g_assert_cmpstr (g_strstrip (run.out), ==, lab_get ("JG_LAB_PASSWORD_USER"));
  g_assert_cmpint (run.last_kind, ==, JG_PROMPT_PASSWORD);
}

static void
test_wrong_password (void)
{
  g_autoptr(Lab) l = lab_inventory ();
  g_auto(Run) run = { 0 };

  reset_known_hosts ();
  jg_host_set_user (l->own, lab_get ("JG_LAB_PASSWORD_USER"));
  jg_host_set_auth (l->own, JG_AUTH_PASSWORD);
  run.secret = "not-the-password";
  exec_on (l, l->own, "true", &run);
  g_assert_error (run.error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_AUTH_FAILED);
  g_assert_nonnull (strstr (run.error->message, "own"));
  g_assert_nonnull (strstr (run.error->message, "publickey, password"));
  g_assert_nonnull (strstr (run.error->message, "tried: password"));
  g_assert_cmpuint (run.n_prompts, ==, 3);
}

/* Replaces the known_hosts line of @name with another host's key. */
static void
change_key (const char *name,
            const char *other)
{
  g_autofree char *contents = file_bytes (known_hosts);
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  g_autofree char *other_key = NULL;
  g_autofree char *joined = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], other) && lines[i][strlen (other)] == ' ')
      other_key = g_strdup (lines[i] + strlen (other) + 1);
  g_assert_nonnull (other_key);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], name) && lines[i][strlen (name)] == ' ')
      {
        g_free (lines[i]);
        lines[i] = g_strdup_printf ("%s %s", name, other_key);
      }
  joined = g_strjoinv ("\n", lines);
  g_file_set_contents (known_hosts, joined, -1, NULL);
}

static void
check_changed (const char *lab_name,
               const char *hop_name,
               gboolean    via_vm)
{
  g_autoptr(Lab) l = lab_inventory ();
  g_auto(Run) run = { 0 };
  g_autofree char *key = g_strdup_printf ("JG_LAB_%s_KNOWN_HOST", lab_name);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *needle = NULL;

  reset_known_hosts ();
  change_key (lab_get (key), lab_get ("JG_LAB_OWN_KNOWN_HOST"));
  before = file_bytes (known_hosts);
  run.accept_key = TRUE;  /* never asked: a changed key is refused */
  exec_on (l, l->vm1, "true", &run);
  after = file_bytes (known_hosts);

  g_assert_error (run.error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_HOST_KEY_CHANGED);
  g_assert_cmpuint (run.n_prompts, ==, 0);
  g_assert_cmpstr (before, ==, after);
  needle = g_strdup_printf ("%s:", hop_name);
  g_assert_true (g_str_has_prefix (run.error->message, needle));
  needle = (g_free (needle), g_strdup_printf ("%s line", known_hosts));
  g_assert_nonnull (strstr (run.error->message, needle));
  g_assert_nonnull (strstr (run.error->message, lab_get ("JG_LAB_OWN_FINGERPRINT")));
  g_free (key);
  key = g_strdup_printf ("JG_LAB_%s_FINGERPRINT", lab_name);
  g_assert_nonnull (strstr (run.error->message, lab_get (key)));
}

static void
test_changed_key_jump (void)
{
  check_changed ("JUMP", "jump", FALSE);
}

static void
test_changed_key_vm (void)
{
  check_changed ("VM1", "vm1", TRUE);
}

static void
test_unknown_key_accept (void)
{
  g_autoptr(Lab) l = lab_inventory ();
  g_auto(Run) run = { 0 };
  g_autofree char *contents = NULL;

  reset_known_hosts ();
  g_file_set_contents (known_hosts, "", 0, NULL);
  run.accept_key = TRUE;
  exec_on (l, l->vm1, "echo ok", &run);
  g_assert_no_error (run.error);
  g_assert_cmpstr (run.out, ==, "ok\n");
  g_assert_cmpuint (run.n_prompts, ==, 2);
  contents = file_bytes (known_hosts);
  /* each hop under its real name */
  g_assert_nonnull (strstr (contents, lab_get ("JG_LAB_VM1_KNOWN_HOST")));
  g_assert_nonnull (strstr (contents, lab_get ("JG_LAB_JUMP_KNOWN_HOST")));
  g_assert_null (strstr (contents, "127.0.0.1"));
}

static void
write_machines_json (Lab        *l,
                     const char *config_home)
{
  g_autofree char *dir = g_build_filename (config_home, "jumpgate", NULL);
  g_autofree char *path = g_build_filename (dir, "machines.json", NULL);
  g_autofree char *json = NULL;

  g_mkdir_with_parents (dir, 0700);
  json = g_strdup_printf ("{\"version\": 1, \"jump_hosts\": [{\"id\": \"%s\", \"name\": \"jump\", \"host\": \"%s\", "
                          "\"port\": %u, \"user\": \"%s\", \"auth\": \"key-file\", \"identity_file\": \"%s\", "
                          "\"identities_only\": true, \"known_hosts_file\": \"%s\"}],"
                          "\"machines\": [{\"id\": \"%s\", \"name\": \"vm1\", \"kind\": \"vm\", \"host\": \"%s\", "
                          "\"user\": \"%s\", \"jump\": \"%s\", \"auth\": \"key-file\", \"identity_file\": \"%s\", "
                          "\"identities_only\": true, \"known_hosts_file\": \"%s\"}]}",
                          jg_host_get_id (l->jump), jg_host_get_hostname (l->jump),
                          jg_host_get_effective_port (l->jump), jg_host_get_user (l->jump),
                          lab_get ("JG_LAB_KEY"), known_hosts,
                          jg_host_get_id (l->vm1), jg_host_get_hostname (l->vm1),
                          jg_host_get_user (l->vm1), jg_host_get_id (l->jump),
                          lab_get ("JG_LAB_KEY"), known_hosts);
  g_file_set_contents (path, json, -1, NULL);
}

/* jumpgate --exec in a new session: no controlling terminal. */
static int
run_jumpgate (const char *shell_tail,
              char      **out,
              char      **err)
{
  g_autofree char *config_home = g_build_filename (tmpdir, "config", NULL);
  g_autofree char *cmd = NULL;
  g_autoptr(GError) error = NULL;
  const char *jumpgate = g_getenv ("JUMPGATE");
  int status = -1;
  const char *argv[] = { "setsid", "-w", "sh", "-c", NULL, NULL };
  g_auto(GStrv) envp = g_get_environ ();

  g_assert_nonnull (jumpgate);
  envp = g_environ_setenv (envp, "XDG_CONFIG_HOME", config_home, TRUE);
  cmd = g_strdup_printf ("'%s' --exec %s", jumpgate, shell_tail);
  argv[4] = cmd;
  g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN,
                NULL, NULL, out, err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static void
test_exec_cli (void)
{
  g_autoptr(Lab) l = lab_inventory ();
  g_autofree char *config_home = g_build_filename (tmpdir, "config", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  reset_known_hosts ();
  write_machines_json (l, config_home);
  g_assert_cmpint (run_jumpgate ("vm1 -- 'echo out; echo err >&2; exit 42' </dev/null", &out, &err), ==, 42);
  g_assert_cmpstr (out, ==, "out\n");
  g_assert_cmpstr (err, ==, "err\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  /* stdin streams to the remote command */
  g_assert_cmpint (run_jumpgate ("vm1 -- tr a-z A-Z <<EOF\nhello\nEOF", &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, "HELLO\n");
}

static void
test_unknown_key_no_tty (void)
{
  g_autoptr(Lab) l = lab_inventory ();
  g_autofree char *config_home = g_build_filename (tmpdir, "config", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  reset_known_hosts ();
  /* only the jump host is known */
  {
    g_autofree char *contents = file_bytes (known_hosts);
    g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
    g_autoptr(GString) kept = g_string_new (NULL);

    for (guint i = 0; lines[i] != NULL; i++)
      if (g_str_has_prefix (lines[i], lab_get ("JG_LAB_JUMP_KNOWN_HOST")) &&
          lines[i][strlen (lab_get ("JG_LAB_JUMP_KNOWN_HOST"))] == ' ')
        g_string_append_printf (kept, "%s\n", lines[i]);
    g_file_set_contents (known_hosts, kept->str, -1, NULL);
  }
  before = file_bytes (known_hosts);
  write_machines_json (l, config_home);
  g_assert_cmpint (run_jumpgate ("vm1 -- true </dev/null", &out, &err), ==, 255);
  after = file_bytes (known_hosts);
  g_assert_cmpstr (before, ==, after);
  g_assert_nonnull (strstr (err, "vm1: the host key of"));
  g_assert_nonnull (strstr (err, lab_get ("JG_LAB_VM1_FINGERPRINT")));
  g_assert_nonnull (strstr (err, "no terminal"));
  g_assert_nonnull (strstr (err, "jumpgate --exec vm1 -- true"));
}

static void
test_jump_down (void)
{
  g_autoptr(Lab) l = lab_inventory ();
  g_auto(Run) run = { 0 };
  g_autoptr(GError) error = NULL;

  reset_known_hosts ();
  jg_test_lab_stop_host (lab, "jump", &error);
  g_assert_no_error (error);
  exec_on (l, l->vm1, "true", &run);
  jg_test_lab_start_host (lab, "jump", &error);
  g_assert_no_error (error);
  g_assert_nonnull (run.error);
  g_assert_true (run.error->code == JG_CONNECTION_ERROR_REFUSED ||
                 run.error->code == JG_CONNECTION_ERROR_NO_BANNER ||
                 run.error->code == JG_CONNECTION_ERROR_TIMED_OUT);
  g_assert_true (g_str_has_prefix (run.error->message, "jump:"));
}

static void
test_vm_down (void)
{
  g_autoptr(Lab) l = lab_inventory ();
  g_auto(Run) run = { 0 };
  g_autoptr(GError) error = NULL;

  reset_known_hosts ();
  jg_test_lab_stop_host (lab, "vm1", &error);
  g_assert_no_error (error);
  exec_on (l, l->vm1, "true", &run);
  jg_test_lab_start_host (lab, "vm1", &error);
  g_assert_no_error (error);
  g_assert_error (run.error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_NO_BANNER);
  g_assert_nonnull (strstr (run.error->message, "the machine is off or its SSH server is not running"));
  g_assert_nonnull (strstr (run.error->message, "vm1"));
}

static void
test_no_forwarding (void)
{
  g_autoptr(Lab) l = lab_inventory ();
  g_auto(Run) run = { 0 };

  reset_known_hosts ();
  exec_on (l, l->behind_nofwd, "true", &run);
  g_assert_error (run.error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_FORWARD_REFUSED);
  g_assert_nonnull (strstr (run.error->message, "AllowTcpForwarding"));
  g_assert_true (g_str_has_prefix (run.error->message, "nofwd:"));
}

static void
on_shell (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Run *run = user_data;

  if (!jg_connection_open_shell_finish (JG_CONNECTION (object), result, &run->error))
    run->done = TRUE;
  g_main_loop_quit (run->loop);
}

/* Reads the pty's master until @needle shows up or the shell ends. */
static gboolean
read_until (int         master,
            GString    *seen,
            const char *needle,
            Run        *run)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

  while (strstr (seen->str, needle) == NULL && g_get_monotonic_time () < deadline)
    {
      char buf[4096];
      gssize n = read (master, buf, sizeof buf);

      if (n > 0)
        g_string_append_len (seen, buf, n);
      else if (n < 0 && errno != EAGAIN)
        return FALSE;        /* EIO: the slave was closed */
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
  return strstr (seen->str, needle) != NULL;
}

static void
test_shell_pty (void)
{
  g_autoptr(Lab) l = lab_inventory ();
  g_auto(Run) run = { 0 };
  g_autoptr(JgConnection) conn = NULL;
  g_autoptr(GString) seen = g_string_new (NULL);
  const char *cmd1 = "stty size; echo one-$((6*7))\n";
  const char *cmd2 = "stty size; echo two-$((6*7)); exit 5\n";
  int master, slave;

  reset_known_hosts ();
  master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  g_assert_cmpint (master, >=, 0);
  g_assert_cmpint (grantpt (master), ==, 0);
  g_assert_cmpint (unlockpt (master), ==, 0);
  slave = open (ptsname (master), O_RDWR | O_NOCTTY | O_CLOEXEC);
  g_assert_cmpint (slave, >=, 0);
  fcntl (master, F_SETFL, fcntl (master, F_GETFL) | O_NONBLOCK);

  conn = make_connection (l, l->vm1, &run);
  jg_connection_open_shell_async (conn, slave, "xterm-256color", 80, 24, NULL, on_shell, &run);
  g_main_loop_run (run.loop);
  g_assert_no_error (run.error);

  g_assert_cmpint (write (master, cmd1, strlen (cmd1)), ==, (gssize) strlen (cmd1));
  g_assert_true (read_until (master, seen, "one-42", &run));
  g_assert_nonnull (strstr (seen->str, "24 80"));

  jg_connection_resize (conn, 100, 40);
  g_string_truncate (seen, 0);
  g_assert_cmpint (write (master, cmd2, strlen (cmd2)), ==, (gssize) strlen (cmd2));
  g_assert_true (read_until (master, seen, "two-42", &run));
  g_assert_nonnull (strstr (seen->str, "40 100"));

  /* exit: ::closed, and the slave is closed so the master sees the end */
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (run.error);
  g_assert_cmpint (run.status, ==, 5);
  g_assert_false (read_until (master, seen, "never printed", &run));
  close (master);
}

static char *
sha256_file (const char *path)
{
  g_autoptr(GMappedFile) map = g_mapped_file_new (path, FALSE, NULL);

  g_assert_nonnull (map);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                      (const guchar *) g_mapped_file_get_contents (map),
                                      g_mapped_file_get_length (map));
}

static void
test_bulk (void)
{
  g_autoptr(Lab) l = lab_inventory ();
  g_autofree char *data = g_build_filename (tmpdir, "bulk", NULL);
  g_autofree char *back = g_build_filename (tmpdir, "bulk-back", NULL);
  g_autofree char *sum = NULL;
  g_autofree char *sum_back = NULL;
  g_autofree char *cmd = NULL;
  const gsize size = 200 * 1024 * 1024;
  gint64 start;

  reset_known_hosts ();
  {
    g_autofree guint8 *buf = g_malloc (size);
    GRand *rand = g_rand_new_with_seed (42);

    for (gsize i = 0; i < size; i += 4)
      {
        guint32 r = g_rand_int (rand);
        memcpy (buf + i, &r, 4);
      }
    g_rand_free (rand);
    g_file_set_contents (data, (char *) buf, size, NULL);
  }
  /* The lab's login user may not be us (as root it is its own user): let
   * it read the file it sends back. */
  g_chmod (tmpdir, 0711);
  g_chmod (data, 0644);
  sum = sha256_file (data);

  /* up: the VM hashes what it reads from stdin */
  {
    g_auto(Run) run = { 0 };
    g_autoptr(JgConnection) conn = make_connection (l, l->vm1, &run);
    char *out_path = NULL;
    char *err_path = NULL;
    int in = open (data, O_RDONLY | O_CLOEXEC);

    start = g_get_monotonic_time ();
    start_exec (conn, "sha256sum", in, &run, &out_path, &err_path);
    g_main_loop_run (run.loop);
    finish_exec (&run, out_path, err_path);
    g_assert_no_error (run.error);
    g_assert_true (g_str_has_prefix (run.out, sum));
    g_test_message ("up: %.0f MiB/s", 200.0 / ((g_get_monotonic_time () - start) / 1e6));
  }

  /* down: the VM sends the file (the lab shares the file system) */
  {
    g_auto(Run) run = { 0 };
    g_autoptr(JgConnection) conn = make_connection (l, l->vm1, &run);
    int out = open (back, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int err = open ("/dev/null", O_WRONLY | O_CLOEXEC);

    cmd = g_strdup_printf ("cat '%s'", data);
    start = g_get_monotonic_time ();
    jg_connection_exec_async (conn, cmd, -1, out, err, NULL, on_exec, &run);
    g_main_loop_run (run.loop);
    g_assert_no_error (run.error);
    g_assert_cmpint (run.status, ==, 0);
    g_test_message ("down: %.0f MiB/s", 200.0 / ((g_get_monotonic_time () - start) / 1e6));
  }
  sum_back = sha256_file (back);
  g_assert_cmpstr (sum, ==, sum_back);
  g_unlink (data);
  g_unlink (back);
}

typedef struct
{
  Run          run;
  JgConnection *conn;
  char         *out_path;
  char         *err_path;
} Slot;

static void
test_concurrent_shared_jump (void)
{
  g_autoptr(Lab) l = lab_inventory ();
  Slot slots[20];
  int jump_before, jump_after, vm_before, vm_after;
  gboolean all_done;

  reset_known_hosts ();
  memset (slots, 0, sizeof slots);
  jump_before = jg_test_lab_count_log (lab, "jump", "Accepted publickey");
  vm_before = jg_test_lab_count_log (lab, "vm1", "Accepted publickey");

  for (guint i = 0; i < G_N_ELEMENTS (slots); i++)
    {
      g_autofree char *cmd = g_strdup_printf ("sleep 0.3; echo %u", i);

      slots[i].conn = make_connection (l, l->vm1, &slots[i].run);
      /* one VM session each: 20 tunnels through one jump session */
      jg_connection_set_shared (slots[i].conn, FALSE);
      start_exec (slots[i].conn, cmd, -1, &slots[i].run, &slots[i].out_path, &slots[i].err_path);
    }
  do
    {
      g_main_context_iteration (NULL, TRUE);
      all_done = TRUE;
      for (guint i = 0; i < G_N_ELEMENTS (slots); i++)
        all_done &= slots[i].run.done;
    }
  while (!all_done);

  for (guint i = 0; i < G_N_ELEMENTS (slots); i++)
    {
      g_autofree char *expected = g_strdup_printf ("%u\n", i);

      finish_exec (&slots[i].run, slots[i].out_path, slots[i].err_path);
      g_assert_no_error (slots[i].run.error);
      g_assert_cmpstr (slots[i].run.out, ==, expected);
      g_object_unref (slots[i].conn);
      run_clear (&slots[i].run);
    }
  wait_pool_empty ();
  /* the jump host saw one login, the VM twenty */
  jump_after = jg_test_lab_count_log (lab, "jump", "Accepted publickey");
  vm_after = jg_test_lab_count_log (lab, "vm1", "Accepted publickey");
  g_assert_cmpint (jump_after - jump_before, ==, 1);
  g_assert_cmpint (vm_after - vm_before, ==, 20);
}

static void
test_shared_machine (void)
{
  g_autoptr(Lab) l = lab_inventory ();
  g_auto(Run) a = { 0 };
  g_auto(Run) b = { 0 };
  g_autoptr(JgConnection) ca = NULL;
  g_autoptr(JgConnection) cb = NULL;
  char *oa, *ea, *ob, *eb;
  int vm_before = 0;

  reset_known_hosts ();
  vm_before = jg_test_lab_count_log (lab, "vm1", "Accepted publickey");
  ca = make_connection (l, l->vm1, &a);
  cb = make_connection (l, l->vm1, &b);
  start_exec (ca, "sleep 0.5; echo a", -1, &a, &oa, &ea);
  start_exec (cb, "echo b", -1, &b, &ob, &eb);
  while (!a.done || !b.done)
    g_main_context_iteration (NULL, TRUE);
  finish_exec (&a, oa, ea);
  finish_exec (&b, ob, eb);
  g_assert_no_error (a.error);
  g_assert_no_error (b.error);
  g_assert_cmpstr (a.out, ==, "a\n");
  g_assert_cmpstr (b.out, ==, "b\n");
  g_clear_object (&ca);
  g_clear_object (&cb);
  wait_pool_empty ();
  /* a second command on the same machine is one more channel */
  g_assert_cmpint (jg_test_lab_count_log (lab, "vm1", "Accepted publickey") - vm_before, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *home = NULL;
  int rc;

  /* a HOME of our own: ~/.ssh/known_hosts and keys of the person running
   * the tests stay out of it */
  tmpdir = g_dir_make_tmp ("jg-test-connection-XXXXXX", NULL);
  home = g_build_filename (tmpdir, "home", NULL);
  g_mkdir_with_parents (home, 0700);
  g_setenv ("HOME", home, TRUE);
  g_unsetenv ("SSH_AUTH_SOCK");
  known_hosts = g_build_filename (tmpdir, "known_hosts", NULL);

  g_test_init (&argc, &argv, NULL);

  lab = jg_test_lab_start (&error);
  if (lab == NULL)
    {
      g_test_skip_printf ("no SSH lab: %s", error->message);
      return g_test_run ();
    }

  g_test_add_func ("/connection/own-direct", test_own_direct);
  g_test_add_func ("/connection/one-hop", test_one_hop);
  g_test_add_func ("/connection/two-hops", test_two_hops);
  g_test_add_func ("/connection/encrypted-key", test_encrypted_key);
  g_test_add_func ("/connection/encrypted-key-cancelled", test_encrypted_key_cancelled);
  g_test_add_func ("/connection/agent", test_agent);
  g_test_add_func ("/connection/agent-empty", test_agent_empty);
  g_test_add_func ("/connection/password", test_password);
  g_test_add_func ("/connection/wrong-password", test_wrong_password);
  g_test_add_func ("/connection/changed-key-jump", test_changed_key_jump);
  g_test_add_func ("/connection/changed-key-vm", test_changed_key_vm);
  g_test_add_func ("/connection/unknown-key-accept", test_unknown_key_accept);
  g_test_add_func ("/connection/unknown-key-no-tty", test_unknown_key_no_tty);
  g_test_add_func ("/connection/exec-cli", test_exec_cli);
  g_test_add_func ("/connection/jump-down", test_jump_down);
  g_test_add_func ("/connection/vm-down", test_vm_down);
  g_test_add_func ("/connection/no-forwarding", test_no_forwarding);
  g_test_add_func ("/connection/shared-machine", test_shared_machine);
  g_test_add_func ("/connection/shell-pty", test_shell_pty);
  g_test_add_func ("/connection/concurrent-shared-jump", test_concurrent_shared_jump);
  g_test_add_func ("/connection/bulk-200MiB", test_bulk);

  rc = g_test_run ();
  jg_test_lab_stop (lab);
  return rc;
}
