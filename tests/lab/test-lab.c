/* test-lab.c — checks the SSH test lab itself with OpenSSH's client
 *
 * The OpenSSH client is only a reference here: it proves that the lab's
 * servers, keys, known_hosts and ssh_config are what the other tests rely on.
 *
 * Build by hand (from the repository root):
 *   gcc -std=c11 -Wall -Wextra -o /tmp/test-lab tests/lab/test-lab.c tests/jg-test-lab.c \
 *     -Itests -DJG_TEST_SRCDIR="\"$PWD/tests\"" $(pkg-config --cflags --libs glib-2.0 gio-2.0)
 *   /tmp/test-lab --tap
 */

#include "jg-test-lab.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

static JgTestLab *shared_lab;
static gboolean   lab_unavailable;

static gboolean
have_program (const char *name)
{
  g_autofree char *path = g_find_program_in_path (name);

  return path != NULL;
}

static JgTestLab *
get_lab (void)
{
  g_autoptr(GError) error = NULL;

  if (shared_lab == NULL && !lab_unavailable)
    {
      shared_lab = jg_test_lab_start (&error);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
        lab_unavailable = TRUE;
      else
        g_assert_no_error (error);
    }

  if (shared_lab == NULL)
    {
      g_test_skip ("the SSH lab can not run here");
      return NULL;
    }

  if (!have_program ("ssh"))
    {
      g_test_skip ("no OpenSSH client");
      return NULL;
    }

  return shared_lab;
}

static const char *
lab_get (JgTestLab  *lab,
         const char *key)
{
  const char *value = jg_test_lab_get (lab, key);

  if (value == NULL)
    g_error ("the lab did not describe %s", key);
  return value;
}

/* Runs ARGV with EXTRA_ENV added; returns the exit status (-1: killed). */
static int
run (const char *const *argv,
     const char *const *extra_env,
     char              **out,
     char              **err)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  g_autofree char *command = g_strjoinv (" ", (char **) argv);
  g_autofree char *std_out = NULL;
  g_autofree char *std_err = NULL;
  int status = 0;

  envp = g_environ_setenv (envp, "LC_ALL", "C", TRUE);
  for (guint i = 0; extra_env != NULL && extra_env[i] != NULL; i += 2)
    envp = g_environ_setenv (envp, extra_env[i], extra_env[i + 1], TRUE);

  g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_SEARCH_PATH, NULL, NULL,
                &std_out, &std_err, &status, &error);
  g_assert_no_error (error);

  g_test_message ("$ %s\n%s%s", command, std_out, std_err);
  if (out != NULL)
    *out = g_steal_pointer (&std_out);
  if (err != NULL)
    *err = g_steal_pointer (&std_err);

  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

/* ssh -F $JG_LAB_SSH_CONFIG -o BatchMode=yes HOST COMMAND */
static int
lab_ssh (JgTestLab   *lab,
         const char  *host,
         const char  *command,
         char       **out,
         char       **err)
{
  const char *argv[] = {
    "ssh", "-F", lab_get (lab, "JG_LAB_SSH_CONFIG"), "-o", "BatchMode=yes",
    host, command, NULL
  };

  return run (argv, NULL, out, err);
}

/* What sshd logs when it accepts the key in PUB:
 * "Accepted publickey for USER from ADDR port N ssh2: ED25519 SHA256:..." */
static char *
accepted_key_needle (const char *pub)
{
  const char *argv[] = { "ssh-keygen", "-l", "-E", "sha256", "-f", pub, NULL };
  g_autofree char *out = NULL;
  g_auto(GStrv) fields = NULL;
  guint n;

  g_assert_cmpint (run (argv, NULL, &out, NULL), ==, 0);
  g_strstrip (out);
  fields = g_strsplit (out, " ", -1);
  n = g_strv_length (fields);
  g_assert_cmpuint (n, >=, 4);
  g_assert_true (g_str_has_prefix (fields[1], "SHA256:"));
  g_assert_true (g_str_has_prefix (fields[n - 1], "("));

  /* "(ED25519)" -> "ED25519" */
  fields[n - 1][strlen (fields[n - 1]) - 1] = '\0';
  return g_strdup_printf ("ssh2: %s %s", fields[n - 1] + 1, fields[1]);
}

/* An SSH_ASKPASS program that answers SECRET. */
static char *
write_askpass (JgTestLab  *lab,
               const char *name,
               const char *secret)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *quoted = g_shell_quote (secret);
  g_autofree char *text = g_strdup_printf ("#!/bin/sh\nprintf '%%s\\n' %s\n", quoted);
  char *path = g_build_filename (lab_get (lab, "JG_LAB_DIR"), name, NULL);

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0700), ==, 0);

  return path;
}

static gboolean
process_alive (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", pid);
  g_autofree char *stat = NULL;
  const char *state;

  if (pid == NULL || *pid == '\0' || !g_file_get_contents (path, &stat, NULL, NULL))
    return FALSE;

  state = strrchr (stat, ')');
  return state != NULL && state[1] == ' ' && state[2] != 'Z';
}

/* Pids of live processes whose command line mentions NEEDLE (or, if
 * EXACT, is NEEDLE). */
static GPtrArray *
processes_mentioning (const char *needle,
                      gboolean    exact)
{
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;

  while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *cmdline = NULL;
      gsize len = 0;

      if (!g_ascii_isdigit (name[0]) || !process_alive (name))
        continue;
      path = g_strdup_printf ("/proc/%s/cmdline", name);
      if (!g_file_get_contents (path, &cmdline, &len, NULL))
        continue;
      for (gsize i = 0; i + 1 < len; i++)
        if (cmdline[i] == '\0')
          cmdline[i] = ' ';
      if (exact ? g_strcmp0 (cmdline, needle) == 0 : strstr (cmdline, needle) != NULL)
        g_ptr_array_add (found, g_strdup (name));
    }

  return found;
}

static GSocketConnection *
tcp_connect (const char  *addr,
             const char  *port,
             guint        timeout,
             GError     **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) address = NULL;

  address = g_inet_socket_address_new_from_string (addr, (guint) atoi (port));
  g_assert_nonnull (address);
  g_socket_client_set_timeout (client, timeout);

  return g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, error);
}

static char *
read_banner (GSocketConnection *connection)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  g_autoptr(GError) error = NULL;
  char buf[256] = { 0 };
  gssize n;

  n = g_input_stream_read (in, buf, sizeof buf - 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, >, 0);

  return g_strndup (buf, strcspn (buf, "\r\n"));
}

/* ----------------------------------------------------------------- tests */

static void
test_env (void)
{
  static const char *hosts[] = { "JUMP", "NOFWD", "JUMP2", "VM1", "VM2", "OWN" };
  static const char *files[] = {
    "JG_LAB_SSH_CONFIG", "JG_LAB_KNOWN_HOSTS", "JG_LAB_AUTHORIZED_KEYS", "JG_LAB_KEY",
    "JG_LAB_KEY_ENC", "JG_LAB_KEY_AGENT", "JG_LAB_KEY_PEM",
  };
  JgTestLab *lab = get_lab ();
  g_autofree char *env_path = NULL;
  g_autofree char *env_text = NULL;
  g_autofree char *known_hosts = NULL;
  g_autofree char *pem = NULL;
  g_auto(GStrv) lines = NULL;

  if (lab == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    g_assert_true (g_file_test (lab_get (lab, files[i]), G_FILE_TEST_IS_REGULAR));

  /* lab.env holds the same lines jg-lab printed. */
  env_path = g_build_filename (lab_get (lab, "JG_LAB_DIR"), "lab.env", NULL);
  g_assert_true (g_file_get_contents (env_path, &env_text, NULL, NULL));
  lines = g_strsplit (env_text, "\n", -1);
  for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      g_auto(GStrv) kv = g_strsplit (lines[i], "=", 2);
      g_autofree char *value = g_shell_unquote (kv[1], NULL);

      g_assert_cmpstr (jg_test_lab_get (lab, kv[0]), ==, value);
    }

  g_assert_true (g_file_get_contents (lab_get (lab, "JG_LAB_KNOWN_HOSTS"), &known_hosts,
                                      NULL, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    {
      g_autofree char *port_key = g_strdup_printf ("JG_LAB_%s_PORT", hosts[i]);
      g_autofree char *kh_key = g_strdup_printf ("JG_LAB_%s_KNOWN_HOST", hosts[i]);
      g_autofree char *log_key = g_strdup_printf ("JG_LAB_%s_LOG", hosts[i]);
      g_autofree char *fp_key = g_strdup_printf ("JG_LAB_%s_FINGERPRINT", hosts[i]);
      g_autofree char *line_start = g_strdup_printf ("%s ssh-ed25519 ",
                                                     lab_get (lab, kh_key));
      gint64 port = g_ascii_strtoll (lab_get (lab, port_key), NULL, 10);

      g_assert_cmpint (port, >, 0);
      g_assert_cmpint (port, <, 65536);
      g_assert_true (g_file_test (lab_get (lab, log_key), G_FILE_TEST_IS_REGULAR));
      g_assert_true (g_str_has_prefix (lab_get (lab, fp_key), "SHA256:"));
      g_assert_nonnull (strstr (known_hosts, line_start));
    }

  /* The PEM key really is PEM, and encrypted. */
  g_assert_true (g_file_get_contents (lab_get (lab, "JG_LAB_KEY_PEM"), &pem, NULL, NULL));
  g_assert_true (g_str_has_prefix (pem, "-----BEGIN RSA PRIVATE KEY-----"));
  g_assert_nonnull (strstr (pem, "ENCRYPTED"));

  if (jg_test_lab_isolated (lab))
    {
      g_autofree char *ns = g_build_filename ("/run/netns", lab_get (lab, "JG_LAB_NETNS"), NULL);

      g_assert_true (g_file_test (ns, G_FILE_TEST_EXISTS));
      g_assert_cmpstr (lab_get (lab, "JG_LAB_VM1_NAME"), ==, "vm1.lab");
      g_assert_cmpstr (lab_get (lab, "JG_LAB_VM1_KNOWN_HOST"), ==, "vm1.lab");
    }
}

static void
check_hello (const char *host,
             const char *const *hops,
             const char *const *not_hops)
{
  JgTestLab *lab = get_lab ();
  g_autofree char *out = NULL;
  int before[8] = { 0 };
  int others[8] = { 0 };

  if (lab == NULL)
    return;

  for (guint i = 0; hops[i] != NULL; i++)
    before[i] = jg_test_lab_count_log (lab, hops[i], "Accepted publickey for ");
  for (guint i = 0; not_hops != NULL && not_hops[i] != NULL; i++)
    others[i] = jg_test_lab_count_log (lab, not_hops[i], "Connection from ");

  g_assert_cmpint (lab_ssh (lab, host, "echo hello", &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "hello\n");

  /* sshd logs a login when its child has authenticated: give it a moment. */
  for (guint i = 0; hops[i] != NULL; i++)
    {
      int after = 0;

      for (guint tries = 0; tries < 100; tries++)
        {
          after = jg_test_lab_count_log (lab, hops[i], "Accepted publickey for ");
          if (after > before[i])
            break;
          g_usleep (20 * 1000);
        }
      g_assert_cmpint (after, ==, before[i] + 1);
    }
  for (guint i = 0; not_hops != NULL && not_hops[i] != NULL; i++)
    g_assert_cmpint (jg_test_lab_count_log (lab, not_hops[i], "Connection from "), ==, others[i]);
}

static void
test_ssh_jump (void)
{
  check_hello ("jump", (const char *[]) { "jump", NULL }, (const char *[]) { "vm1", NULL });
}

static void
test_ssh_own (void)
{
  check_hello ("own", (const char *[]) { "own", NULL }, (const char *[]) { "jump", NULL });
}

static void
test_ssh_vm1 (void)
{
  check_hello ("vm1", (const char *[]) { "vm1", "jump", NULL },
               (const char *[]) { "jump2", "vm2", NULL });
}

static void
test_ssh_vm2 (void)
{
  check_hello ("vm2", (const char *[]) { "vm2", "jump2", "jump", NULL },
               (const char *[]) { "vm1", NULL });
}

static void
test_nofwd (void)
{
  JgTestLab *lab = get_lab ();
  g_autofree char *err = NULL;
  const char *argv[] = {
    "ssh", "-F", NULL, "-o", "BatchMode=yes", "-J", "nofwd", "vm1", "true", NULL
  };
  int vm1_before;

  if (lab == NULL)
    return;

  argv[2] = lab_get (lab, "JG_LAB_SSH_CONFIG");
  vm1_before = jg_test_lab_count_log (lab, "vm1", "Connection from ");
  g_assert_cmpint (run (argv, NULL, NULL, &err), !=, 0);
  g_assert_nonnull (strstr (err, "administratively prohibited"));
  g_assert_cmpint (jg_test_lab_count_log (lab, "vm1", "Connection from "), ==, vm1_before);
}

static void
test_known_hosts_strict (void)
{
  JgTestLab *lab = get_lab ();
  g_autofree char *err = NULL;
  const char *argv[] = {
    "ssh", "-F", NULL, "-o", "BatchMode=yes", "-o", "UserKnownHostsFile=/dev/null",
    "vm1", "true", NULL
  };

  if (lab == NULL)
    return;

  /* The jump hop still uses the lab's known_hosts; vm1's key is unknown. */
  argv[2] = lab_get (lab, "JG_LAB_SSH_CONFIG");
  g_assert_cmpint (run (argv, NULL, NULL, &err), !=, 0);
  g_assert_nonnull (strstr (err, "Host key verification failed"));
}

/* Logs in to own with only KEY offered (or only the agent's key), checks
 * that own accepted exactly that key. */
static void
check_key_login (JgTestLab  *lab,
                 const char *identity,
                 const char *pub,
                 const char *passphrase,
                 gboolean    agent)
{
  g_autofree char *fp = accepted_key_needle (pub);
  g_autofree char *kh = g_strdup_printf ("UserKnownHostsFile=%s",
                                         lab_get (lab, "JG_LAB_KNOWN_HOSTS"));
  g_autofree char *id = g_strdup_printf ("IdentityFile=%s", identity);
  g_autofree char *askpass = NULL;
  g_autofree char *out = NULL;
  g_autofree char *accepted = g_strdup_printf ("Accepted publickey for %s from",
                                               lab_get (lab, "JG_LAB_USER"));
  const char *env[] = { "SSH_ASKPASS", NULL, "SSH_ASKPASS_REQUIRE", "force", NULL };
  const char *ssh[] = {
    "ssh", "-F", "/dev/null", "-o", kh, "-o", "GlobalKnownHostsFile=/dev/null",
    "-o", "StrictHostKeyChecking=yes", "-o", "CheckHostIP=no", "-o", "ConnectTimeout=5",
    "-o", "IdentitiesOnly=yes", "-o", id, "-o", "NumberOfPasswordPrompts=1",
    "-o", "PasswordAuthentication=no", "-o", "KbdInteractiveAuthentication=no",
    "-p", lab_get (lab, "JG_LAB_OWN_PORT"), "-l", lab_get (lab, "JG_LAB_USER"),
    lab_get (lab, "JG_LAB_OWN_ADDR"), "echo", "key-ok", NULL
  };
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  int before;

  askpass = write_askpass (lab, "askpass-key", passphrase != NULL ? passphrase : "wrong");
  env[1] = askpass;

  /* A throwaway agent holding only the agent key, killed right after. */
  if (agent)
    {
      g_ptr_array_add (argv, (gpointer) "sh");
      g_ptr_array_add (argv, (gpointer) "-c");
      g_ptr_array_add (argv, (gpointer) "eval \"$(ssh-agent -s)\" >/dev/null || exit 1; "
                                        "ssh-add -q \"$0\" </dev/null && \"$@\"; rc=$?; "
                                        "ssh-agent -k >/dev/null; exit $rc");
      g_ptr_array_add (argv, (gpointer) lab_get (lab, "JG_LAB_KEY_AGENT"));
    }
  for (guint i = 0; ssh[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) ssh[i]);
  g_ptr_array_add (argv, NULL);

  before = jg_test_lab_count_log (lab, "own", fp);
  g_assert_cmpint (run ((const char *const *) argv->pdata, env, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "key-ok\n");

  for (guint tries = 0; tries < 100; tries++)
    {
      if (jg_test_lab_count_log (lab, "own", fp) > before)
        break;
      g_usleep (20 * 1000);
    }
  g_assert_cmpint (jg_test_lab_count_log (lab, "own", fp), ==, before + 1);
  g_assert_cmpint (jg_test_lab_count_log (lab, "own", accepted), >=, 1);
}

static void
test_key_encrypted (void)
{
  JgTestLab *lab = get_lab ();
  g_autofree char *pub = NULL;

  if (lab == NULL)
    return;

  pub = g_strconcat (lab_get (lab, "JG_LAB_KEY_ENC"), ".pub", NULL);
  check_key_login (lab, lab_get (lab, "JG_LAB_KEY_ENC"), pub,
                   lab_get (lab, "JG_LAB_KEY_PASSPHRASE"), FALSE);
}

static void
test_key_pem (void)
{
  JgTestLab *lab = get_lab ();
  g_autofree char *pub = NULL;

  if (lab == NULL)
    return;

  pub = g_strconcat (lab_get (lab, "JG_LAB_KEY_PEM"), ".pub", NULL);
  check_key_login (lab, lab_get (lab, "JG_LAB_KEY_PEM"), pub,
                   lab_get (lab, "JG_LAB_KEY_PEM_PASSPHRASE"), FALSE);
}

static void
test_key_agent (void)
{
  JgTestLab *lab = get_lab ();
  g_autoptr(GError) error = NULL;
  g_autofree char *pub = NULL;
  g_autofree char *pub_text = NULL;
  g_autofree char *only_pub = NULL;

  if (lab == NULL)
    return;

  if (!have_program ("ssh-agent"))
    {
      g_test_skip ("no ssh-agent");
      return;
    }

  /* Offer the public half only: ssh can then sign with the agent alone. */
  pub = g_strconcat (lab_get (lab, "JG_LAB_KEY_AGENT"), ".pub", NULL);
  only_pub = g_build_filename (lab_get (lab, "JG_LAB_DIR"), "agent-only.pub", NULL);
  g_assert_true (g_file_get_contents (pub, &pub_text, NULL, NULL));
  g_file_set_contents (only_pub, pub_text, -1, &error);
  g_assert_no_error (error);

  check_key_login (lab, only_pub, pub, NULL, TRUE);
}

static void
test_password (void)
{
  JgTestLab *lab = get_lab ();
  const char *user;
  g_autofree char *good = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *user_opt = NULL;
  const char *env[] = { "SSH_ASKPASS", NULL, "SSH_ASKPASS_REQUIRE", "force", NULL };
  const char *argv[] = {
    "ssh", "-F", NULL, "-o", NULL, "-o", "PubkeyAuthentication=no",
    "-o", "PreferredAuthentications=password", "-o", "NumberOfPasswordPrompts=1",
    NULL, "id -un", NULL
  };
  const char *hosts[] = { "own", "vm1" };

  if (lab == NULL)
    return;

  user = jg_test_lab_get (lab, "JG_LAB_PASSWORD_USER");
  if (user == NULL || *user == '\0')
    {
      g_test_skip ("no password user (the lab is not running as root)");
      return;
    }

  good = write_askpass (lab, "askpass-good", lab_get (lab, "JG_LAB_PASSWORD"));
  bad = write_askpass (lab, "askpass-bad", "not-the-password");
  user_opt = g_strdup_printf ("User=%s", user);
  argv[2] = lab_get (lab, "JG_LAB_SSH_CONFIG");
  argv[4] = user_opt;

  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autofree char *expected = g_strdup_printf ("%s\n", user);
      g_autofree char *accepted = g_strdup_printf ("Accepted password for %s", user);
      g_autofree char *failed = g_strdup_printf ("Failed password for %s", user);
      int accepted_before = jg_test_lab_count_log (lab, hosts[i], accepted);
      int failed_before = jg_test_lab_count_log (lab, hosts[i], failed);

      argv[11] = hosts[i];

      env[1] = good;
      g_assert_cmpint (run (argv, env, &out, NULL), ==, 0);
      g_assert_cmpstr (out, ==, expected);
      g_assert_cmpint (jg_test_lab_count_log (lab, hosts[i], accepted), ==, accepted_before + 1);

      env[1] = bad;
      g_assert_cmpint (run (argv, env, NULL, &err), !=, 0);
      g_assert_nonnull (strstr (err, "Permission denied"));
      g_assert_cmpint (jg_test_lab_count_log (lab, hosts[i], failed), ==, failed_before + 1);
    }
}

static void
test_isolation (void)
{
  static const char *hosts[] = { "VM1", "VM2", "JUMP2" };
  JgTestLab *lab = get_lab ();
  g_autoptr(GSocketConnection) jump = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *banner = NULL;

  if (lab == NULL)
    return;

  if (!jg_test_lab_isolated (lab))
    {
      g_test_skip ("the lab is not isolated (loopback mode): the VMs are plain loopback ports");
      return;
    }

  /* The jump host is reachable from here... */
  jump = tcp_connect (lab_get (lab, "JG_LAB_JUMP_ADDR"), lab_get (lab, "JG_LAB_JUMP_PORT"),
                      5, &error);
  g_assert_no_error (error);
  banner = read_banner (jump);
  g_assert_true (g_str_has_prefix (banner, "SSH-2.0-"));

  /* ...the machines behind it are not. */
  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    {
      g_autofree char *addr_key = g_strdup_printf ("JG_LAB_%s_ADDR", hosts[i]);
      g_autofree char *port_key = g_strdup_printf ("JG_LAB_%s_PORT", hosts[i]);
      g_autofree char *host = g_ascii_strdown (hosts[i], -1);
      g_autoptr(GSocketConnection) direct = NULL;
      g_autoptr(GError) direct_error = NULL;
      int before = jg_test_lab_count_log (lab, host, "Connection from ");

      direct = tcp_connect (lab_get (lab, addr_key), lab_get (lab, port_key), 2, &direct_error);
      if (direct != NULL)
        {
          /* Something else listens there in this namespace; what matters is
           * that it is not the lab's sshd. */
          g_io_stream_close (G_IO_STREAM (direct), NULL, NULL);
          g_usleep (200 * 1000);
          g_test_message ("%s:%s answers in the root namespace",
                          lab_get (lab, addr_key), lab_get (lab, port_key));
        }
      g_assert_cmpint (jg_test_lab_count_log (lab, host, "Connection from "), ==, before);
    }
}

static void
test_stop_start_host (void)
{
  JgTestLab *lab = get_lab ();
  g_autoptr(GError) error = NULL;
  g_autofree char *old_pid = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;

  if (lab == NULL)
    return;

  /* A VM whose sshd is down: the jump host cannot open the channel. */
  old_pid = g_strdup (lab_get (lab, "JG_LAB_VM1_PID"));
  g_assert_true (process_alive (old_pid));
  jg_test_lab_stop_host (lab, "vm1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (jg_test_lab_get (lab, "JG_LAB_VM1_PID"), ==, "");
  g_assert_false (process_alive (old_pid));
  g_assert_cmpint (lab_ssh (lab, "vm1", "true", NULL, &err), !=, 0);
  g_assert_nonnull (strstr (err, "Connection refused"));

  /* Stopping twice is fine. */
  jg_test_lab_stop_host (lab, "vm1", &error);
  g_assert_no_error (error);

  jg_test_lab_start_host (lab, "vm1", &error);
  g_assert_no_error (error);
  g_assert_true (process_alive (lab_get (lab, "JG_LAB_VM1_PID")));
  g_assert_cmpstr (lab_get (lab, "JG_LAB_VM1_PID"), !=, old_pid);
  g_assert_cmpint (lab_ssh (lab, "vm1", "echo back", &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "back\n");

  /* Starting a running host is fine too. */
  jg_test_lab_start_host (lab, "vm1", &error);
  g_assert_no_error (error);

  /* The jump host down: nothing behind it is reachable. */
  g_clear_pointer (&err, g_free);
  jg_test_lab_stop_host (lab, "jump", &error);
  g_assert_no_error (error);
  g_assert_cmpint (lab_ssh (lab, "vm1", "true", NULL, &err), !=, 0);
  g_assert_nonnull (strstr (err, "Connection refused"));
  jg_test_lab_start_host (lab, "jump", &error);
  g_assert_no_error (error);
  g_assert_cmpint (lab_ssh (lab, "vm1", "true", NULL, NULL), ==, 0);
}

static void
test_stop_host_kills_sessions (void)
{
  JgTestLab *lab = get_lab ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) session = NULL;
  g_autofree char *marker = NULL;
  g_autofree char *command = NULL;
  g_autoptr(GPtrArray) sleepers = NULL;

  if (lab == NULL)
    return;

  /* A long command on vm2 (two hops), then vm2's sshd goes away. */
  marker = g_strdup_printf ("%u%u", g_random_int (), g_random_int ());
  command = g_strdup_printf ("exec sleep 1%s", marker);
  session = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                              &error, "ssh", "-F", lab_get (lab, "JG_LAB_SSH_CONFIG"),
                              "-o", "BatchMode=yes", "vm2", command, NULL);
  g_assert_no_error (error);

  for (guint tries = 0; tries < 250; tries++)
    {
      g_clear_pointer (&sleepers, g_ptr_array_unref);
      sleepers = processes_mentioning (command + strlen ("exec "), TRUE);
      if (sleepers->len > 0)
        break;
      g_usleep (20 * 1000);
    }
  g_assert_cmpuint (sleepers->len, ==, 1);

  jg_test_lab_stop_host (lab, "vm2", &error);
  g_assert_no_error (error);
  g_assert_false (process_alive (sleepers->pdata[0]));

  g_subprocess_wait_check (session, NULL, &error);
  g_assert_error (error, G_SPAWN_EXIT_ERROR, 255);
  g_clear_error (&error);

  jg_test_lab_start_host (lab, "vm2", &error);
  g_assert_no_error (error);
  g_assert_cmpint (lab_ssh (lab, "vm2", "true", NULL, NULL), ==, 0);
}

static void
test_link (void)
{
  JgTestLab *lab = get_lab ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autofree char *out = NULL;

  if (lab == NULL)
    return;

  if (!jg_test_lab_isolated (lab))
    {
      g_assert_false (jg_test_lab_link (lab, FALSE, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
      g_test_skip ("the lab is not isolated (loopback mode): no link to take down");
      return;
    }

  g_assert_true (jg_test_lab_link (lab, FALSE, &error));
  g_assert_no_error (error);

  /* Down: the jump host does not answer at all, as if it were unplugged. */
  connection = tcp_connect (lab_get (lab, "JG_LAB_JUMP_ADDR"), lab_get (lab, "JG_LAB_JUMP_PORT"),
                            1, &error);
  g_assert_null (connection);
  g_assert_nonnull (error);
  g_test_message ("with the link down: %s", error->message);
  g_clear_error (&error);

  g_assert_true (jg_test_lab_link (lab, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (lab_ssh (lab, "jump", "echo up", &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "up\n");
}

static gpointer
start_lab_thread (gpointer data)
{
  GError **error = data;

  return jg_test_lab_start (error);
}

static void
test_parallel (void)
{
  JgTestLab *lab = get_lab ();
  GThread *threads[3];
  GError *errors[3] = { NULL };
  JgTestLab *labs[3];
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  if (lab == NULL)
    return;

  /* Three more labs at once, beside the shared one, as parallel meson
   * test programs do. */
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("lab", start_lab_thread, &errors[i]);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      labs[i] = g_thread_join (threads[i]);
      g_assert_no_error (errors[i]);
    }

  g_hash_table_add (seen, (gpointer) lab_get (lab, "JG_LAB_OWN_PORT"));
  g_hash_table_add (seen, (gpointer) lab_get (lab, "JG_LAB_NETNS"));
  for (guint i = 0; i < G_N_ELEMENTS (labs); i++)
    {
      g_autofree char *out = NULL;
      const char *netns = lab_get (labs[i], "JG_LAB_NETNS");

      g_assert_false (g_hash_table_contains (seen, lab_get (labs[i], "JG_LAB_OWN_PORT")));
      g_hash_table_add (seen, (gpointer) lab_get (labs[i], "JG_LAB_OWN_PORT"));
      if (*netns != '\0')
        {
          g_assert_false (g_hash_table_contains (seen, netns));
          g_hash_table_add (seen, (gpointer) netns);
        }
      g_assert_cmpint (lab_ssh (labs[i], "vm2", "echo parallel", &out, NULL), ==, 0);
      g_assert_cmpstr (out, ==, "parallel\n");
    }

  g_hash_table_remove_all (seen);
  for (guint i = 0; i < G_N_ELEMENTS (labs); i++)
    jg_test_lab_stop (labs[i]);

  /* The shared lab did not notice. */
  g_assert_cmpint (lab_ssh (lab, "vm1", "true", NULL, NULL), ==, 0);
}

static void
wait_gone (const char *dir,
           const char *netns,
           GStrv       pids)
{
  g_autofree char *ns_path = g_build_filename ("/run/netns", netns, NULL);
  g_autofree char *etc_path = g_build_filename ("/etc/netns", netns, NULL);
  g_autoptr(GPtrArray) left = NULL;
  gboolean gone = FALSE;

  /* Up to 5 s: the orphan case waits for the watchdog's next look. */
  for (guint tries = 0; tries < 250 && !gone; tries++)
    {
      gone = TRUE;
      for (guint i = 0; pids[i] != NULL; i++)
        gone &= !process_alive (pids[i]);
      if (*netns != '\0')
        gone &= !g_file_test (ns_path, G_FILE_TEST_EXISTS) &&
                !g_file_test (etc_path, G_FILE_TEST_EXISTS);
      gone &= !g_file_test (dir, G_FILE_TEST_EXISTS);
      if (!gone)
        g_usleep (20 * 1000);
    }

  for (guint i = 0; pids[i] != NULL; i++)
    g_assert_false (process_alive (pids[i]));
  if (*netns != '\0')
    {
      g_assert_false (g_file_test (ns_path, G_FILE_TEST_EXISTS));
      g_assert_false (g_file_test (etc_path, G_FILE_TEST_EXISTS));
    }
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));

  left = processes_mentioning (dir, FALSE);
  for (guint i = 0; i < left->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("/proc/%s/cmdline", (char *) left->pdata[i]);
      g_autofree char *cmdline = NULL;

      g_file_get_contents (path, &cmdline, NULL, NULL);
      g_test_message ("left over: pid %s: %s", (char *) left->pdata[i], cmdline);
    }
  g_assert_cmpuint (left->len, ==, 0);
}

static GStrv
lab_pids (JgTestLab *lab)
{
  static const char *hosts[] = { "JUMP", "NOFWD", "JUMP2", "VM1", "VM2", "OWN" };
  GPtrArray *pids = g_ptr_array_new ();

  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    {
      g_autofree char *key = g_strdup_printf ("JG_LAB_%s_PID", hosts[i]);
      const char *pid = lab_get (lab, key);

      g_assert_true (process_alive (pid));
      g_ptr_array_add (pids, g_strdup (pid));
    }
  g_ptr_array_add (pids, NULL);

  return (GStrv) g_ptr_array_free (pids, FALSE);
}

/* The test program dies without stopping its lab: the watchdog does. */
static void
test_orphan (void)
{
  JgTestLab *lab = get_lab ();
  const char *argv[] = { NULL, "--start-lab-and-die", NULL };
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) pids = g_ptr_array_new_with_free_func (g_free);
  const char *dir = NULL;
  const char *netns = "";

  if (lab == NULL)
    return;

  argv[0] = self;
  g_assert_cmpint (run (argv, (const char *[]) { "JG_LAB_KEEP", "0", NULL }, &out, NULL), ==, -1);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "JG_LAB_DIR="))
        dir = lines[i] + strlen ("JG_LAB_DIR=");
      else if (g_str_has_prefix (lines[i], "JG_LAB_NETNS="))
        netns = lines[i] + strlen ("JG_LAB_NETNS=");
      else if (g_str_has_prefix (lines[i], "PID="))
        g_ptr_array_add (pids, g_strdup (lines[i] + strlen ("PID=")));
    }
  g_assert_nonnull (dir);
  g_assert_cmpuint (pids->len, ==, 6);
  g_ptr_array_add (pids, NULL);

  wait_gone (dir, netns, (GStrv) pids->pdata);
}

static void
test_stop (void)
{
  JgTestLab *lab = get_lab ();
  g_autofree char *dir = NULL;
  g_autofree char *netns = NULL;
  g_auto(GStrv) pids = NULL;

  if (lab == NULL)
    return;

  dir = g_strdup (lab_get (lab, "JG_LAB_DIR"));
  netns = g_strdup (lab_get (lab, "JG_LAB_NETNS"));
  pids = lab_pids (lab);

  g_clear_pointer (&shared_lab, jg_test_lab_stop);
  wait_gone (dir, netns, pids);
}

/* Child of test_orphan: start a lab, tell the parent about it, die hard. */
static int
start_lab_and_die (void)
{
  g_autoptr(GError) error = NULL;
  JgTestLab *lab = jg_test_lab_start (&error);
  g_auto(GStrv) pids = NULL;

  g_assert_no_error (error);
  pids = lab_pids (lab);
  g_print ("JG_LAB_DIR=%s\n", lab_get (lab, "JG_LAB_DIR"));
  g_print ("JG_LAB_NETNS=%s\n", lab_get (lab, "JG_LAB_NETNS"));
  for (guint i = 0; pids[i] != NULL; i++)
    g_print ("PID=%s\n", pids[i]);
  fflush (stdout);

  raise (SIGKILL);
  return 1;
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 2 && g_strcmp0 (argv[1], "--start-lab-and-die") == 0)
    return start_lab_and_die ();

  g_test_init (&argc, &argv, NULL);

  /* One lab for all tests, stopped (and checked) by the last one. */
  g_test_add_func ("/lab/env", test_env);
  g_test_add_func ("/lab/ssh-jump", test_ssh_jump);
  g_test_add_func ("/lab/ssh-own", test_ssh_own);
  g_test_add_func ("/lab/ssh-vm1-one-hop", test_ssh_vm1);
  g_test_add_func ("/lab/ssh-vm2-two-hops", test_ssh_vm2);
  g_test_add_func ("/lab/nofwd-refuses", test_nofwd);
  g_test_add_func ("/lab/known-hosts-strict", test_known_hosts_strict);
  g_test_add_func ("/lab/key-encrypted", test_key_encrypted);
  g_test_add_func ("/lab/key-pem", test_key_pem);
  g_test_add_func ("/lab/key-agent", test_key_agent);
  g_test_add_func ("/lab/password", test_password);
  g_test_add_func ("/lab/isolation", test_isolation);
  g_test_add_func ("/lab/stop-start-host", test_stop_start_host);
  g_test_add_func ("/lab/stop-host-kills-sessions", test_stop_host_kills_sessions);
  g_test_add_func ("/lab/link", test_link);
  g_test_add_func ("/lab/parallel", test_parallel);
  g_test_add_func ("/lab/orphan", test_orphan);
  g_test_add_func ("/lab/stop", test_stop);

  return g_test_run ();
}
