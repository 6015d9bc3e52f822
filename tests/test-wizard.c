/* test-wizard.c — "Add Your Own JgTestMachine": the install script and enrollment
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The form's checks and the generator run anywhere. As root, the generated
 * script runs for real with /bin/sh (dash) in a throwaway Debian system
 * (tests/wizard-machine: debootstrap'd once and cached, copied per test,
 * chrooted in a network namespace of its own) whose sshd is the one the
 * script starts; then the enrollment polls it over that namespace's veth,
 * and the machine is connected to. Each test that changes the system
 * compares a snapshot of its whole tree (types, modes, owners, contents)
 * before and after.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <ftw.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "jg-connection.h"
#include "jg-enroll.h"
#include "jg-install-script-private.h"
#include "jg-known-hosts.h"
#include "jg-test-machine.h"

static char *tmpdir;
static gboolean machines_possible;
static char *machines_skip_reason;
static GPtrArray *garbage;   /* strings made inside assertions, freed at exit */

static const char * G_GNUC_PRINTF (1, 2)
fmt (const char *format,
     ...)
{
  va_list args;
  char *text;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (garbage, text);
  return text;
}

static const char *
keep (char *text)
{
  g_ptr_array_add (garbage, text);
  return text;
}

/* A public key line for tests that only need its text. */
static char *
new_key (ssh_key *out_key)
{
  ssh_key key = NULL;
  char *b64 = NULL;
  char *line;

  g_assert_cmpint (ssh_pki_generate (SSH_KEYTYPE_ED25519, 0, &key), ==, SSH_OK);
  g_assert_cmpint (ssh_pki_export_pubkey_base64 (key, &b64), ==, SSH_OK);
  line = g_strdup_printf ("ssh-ed25519 %s someone@laptop", b64);
  ssh_string_free_char (b64);
  if (out_key != NULL)
    *out_key = key;
  else
    ssh_key_free (key);
  return line;
}

static void
assert_error_says (GError     *error,
                   int         code,
                   const char *needle)
{
  g_assert_nonnull (error);
  g_assert_true (error->domain == JG_INSTALL_SCRIPT_ERROR);
  g_assert_cmpint (error->code, ==, code);
  if (needle != NULL && strstr (error->message, needle) == NULL)
    g_error ("error message “%s” does not say “%s”", error->message, needle);
}

/* --------------------------------------------------------------- the form */

static void
test_address (void)
{
  const char *good[] = {
    "example.com", "server-1.example.org", "example.com.", "localhost", "203.0.113.10",
    "2001:db8::1", "::1", "fe80::1:2:3:4", "xn--bcher-kva.example", "a.b.c.d.e.f", NULL
  };
  struct { const char *address; const char *says; } bad[] = {
    { "", "Enter the machine’s public address" },
    { "my host", "contains a space" },
    { "host\nname", "contains a line break" },
    { "host\tname", "contains a tab" },
    { "host'name", "“'” is not allowed" },
    { "host\"name", "“\"” is not allowed" },
    { "$(id)", "“$” is not allowed" },
    { "`id`", "“`” is not allowed" },
    { "a;b", "“;” is not allowed" },
    { "a_b.example", "“_” is not allowed" },
    { "a..b", "empty part" },
    { ".example", "empty part" },
    { "-a.example", "hyphen" },
    { "a-.example", "hyphen" },
    { "[2001:db8::1]", "without brackets" },
    { "2001:db8::g", "not a valid IPv6 address" },
    { "example.com:22", "not a valid IPv6 address" },
    { "203.0.113.256", "not a valid IPv4 address" },
    { "1.2.3", "not a valid IPv4 address" },
    { "bücher.example", "“ü” is not allowed" },
  };
  g_autofree char *long_label = g_strnfill (64, 'a');
  g_autofree char *long_name = NULL;
  g_autoptr(GString) name = g_string_new (NULL);

  for (guint i = 0; good[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!jg_install_script_check_address (good[i], &error))
        g_error ("“%s” refused: %s", good[i], error->message);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (jg_install_script_check_address (bad[i].address, &error));
      assert_error_says (error, JG_INSTALL_SCRIPT_ERROR_ADDRESS, bad[i].says);
    }
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (jg_install_script_check_address (NULL, &error));
    assert_error_says (error, JG_INSTALL_SCRIPT_ERROR_ADDRESS, NULL);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *address = g_strdup_printf ("%s.example", long_label);

    g_assert_false (jg_install_script_check_address (address, &error));
    assert_error_says (error, JG_INSTALL_SCRIPT_ERROR_ADDRESS, "longer than 63");
  }
  while (name->len < 260)
    g_string_append (name, "abcdefghi.");
  g_string_append (name, "example");
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (jg_install_script_check_address (name->str, &error));
    assert_error_says (error, JG_INSTALL_SCRIPT_ERROR_ADDRESS, "too long");
  }
}

static void
test_port (void)
{
  struct { const char *text; guint port; } good[] = {
    { "22", 22 }, { "1", 1 }, { "2222", 2222 }, { "65535", 65535 },
  };
  const char *bad[] = { "", "0", "65536", "99999", "123456", "22a", "-1", " 22", "22 ", "+22",
                        "2;2", "$(id)", NULL };
  guint port = 0;

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (jg_install_script_parse_port (good[i].text, &port, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (port, ==, good[i].port);
    }
  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;

      port = 7;
      g_assert_false (jg_install_script_parse_port (bad[i], &port, &error));
      assert_error_says (error, JG_INSTALL_SCRIPT_ERROR_PORT, bad[i][0] == '\0' ? "Enter the port" : "1 to 65535");
      g_assert_cmpuint (port, ==, 7);
    }
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (jg_install_script_check_port (0, &error));
    assert_error_says (error, JG_INSTALL_SCRIPT_ERROR_PORT, "1 to 65535");
  }
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (jg_install_script_check_port (70000, &error));
    assert_error_says (error, JG_INSTALL_SCRIPT_ERROR_PORT, "1 to 65535");
  }
}

static void
test_user (void)
{
  const char *good[] = { "alice", "_svc", "a-b", "a_b", "a1", "deploy$", "root",
                         "abcdefghijklmnopqrstuvwxyz012345", NULL };
  struct { const char *user; const char *says; } bad[] = {
    { "", "Enter the user" },
    { "Alice", "lowercase" },
    { "1abc", "must start with" },
    { "-x", "must start with" },
    { "al ice", "a space" },
    { "a'b", "“'” is not allowed" },
    { "a\"b", "“\"” is not allowed" },
    { "a$b", "“$” is not allowed" },
    { "$(id)", "“$” is not allowed" },
    { "`id`", "“`” is not allowed" },
    { "a;b", "“;” is not allowed" },
    { "a\nb", "a line break" },
    { "a.b", "“.” is not allowed" },
    { "abcdefghijklmnopqrstuvwxyz0123456", "too long" },
  };

  for (guint i = 0; good[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!jg_install_script_check_user (good[i], &error))
        g_error ("“%s” refused: %s", good[i], error->message);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (jg_install_script_check_user (bad[i].user, &error));
      assert_error_says (error, JG_INSTALL_SCRIPT_ERROR_USER, bad[i].says);
    }
}

static void
test_public_key (void)
{
  g_autofree char *line = new_key (NULL);
  g_auto(GStrv) fields = g_strsplit (line, " ", 3);
  g_autofree char *no_comment = g_strdup_printf ("ssh-ed25519 %s", fields[1]);
  g_autofree char *wrong_type = g_strdup_printf ("ssh-rsa %s x", fields[1]);
  g_autofree char *options = g_strdup_printf ("command=\"touch /tmp/x\" %s", line);
  g_autofree char *two_lines = g_strdup_printf ("%s\n%s", line, line);
  g_autofree char *truncated = g_strdup_printf ("ssh-ed25519 %.20s x", fields[1]);
  g_autofree char *key_line = NULL;
  g_autoptr(GError) error = NULL;
  const char *bad[] = { "", "ssh-ed25519", "ssh-ed25519 not-base64! x", wrong_type, options,
                        two_lines, truncated, "ssh-dss AAAAB3NzaC1kc3MAAACBAP x", NULL };

  g_assert_true (jg_install_script_check_public_key (line, &error));
  g_assert_no_error (error);
  g_assert_true (jg_install_script_check_public_key (no_comment, &error));
  g_assert_no_error (error);
  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_autoptr(GError) local_error = NULL;

      if (jg_install_script_check_public_key (bad[i], &local_error))
        g_error ("“%s” accepted as a public key", bad[i]);
      assert_error_says (local_error, JG_INSTALL_SCRIPT_ERROR_KEY, NULL);
    }

  /* The line the script adds: the key's comment is replaced by the marker. */
  key_line = jg_install_script_key_line (line, "6e1c4c4e-1c1a-4b77-9ad0-1f6f3a0c0f11", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key_line, ==, fmt ("ssh-ed25519 %s jumpgate:6e1c4c4e-1c1a-4b77-9ad0-1f6f3a0c0f11",
                                                  fields[1]));
}

static void
test_token (void)
{
  g_autofree char *a = jg_install_script_new_token ();
  g_autofree char *b = jg_install_script_new_token ();

  g_assert_cmpuint (strlen (a), ==, 64);
  for (const char *p = a; *p != '\0'; p++)
    g_assert_true (g_ascii_isdigit (*p) || (*p >= 'a' && *p <= 'f'));
  g_assert_cmpstr (a, !=, b);
}

/* ------------------------------------------------------------- the script */

typedef struct
{
  char    *id;
  char    *token;
  char    *public_line;
  ssh_key  key;
  char    *script;
} Script;

static void
script_free (Script *s)
{
  g_free (s->id);
  g_free (s->token);
  g_free (s->public_line);
  ssh_key_free (s->key);
  g_free (s->script);
  g_free (s);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Script, script_free)

static Script *
make_script (const char *address,
             guint       port,
             const char *user,
             gboolean    create_user)
{
  Script *s = g_new0 (Script, 1);
  g_autoptr(GError) error = NULL;
  JgInstallScriptParams params = { 0 };

  s->id = g_uuid_string_random ();
  s->token = jg_install_script_new_token ();
  s->public_line = new_key (&s->key);
  params.machine_id = s->id;
  params.address = address;
  params.port = port;
  params.user = user;
  params.create_user = create_user;
  params.public_key = s->public_line;
  params.token = s->token;
  s->script = jg_install_script_generate (&params, &error);
  g_assert_no_error (error);
  g_assert_nonnull (s->script);
  return s;
}

static char *
write_file (const char *name,
            const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (tmpdir, name, NULL);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static void
test_generate (void)
{
  g_autoptr(Script) s = make_script ("203.0.113.10", 22, "alice", FALSE);
  g_autofree char *path = write_file ("generate.sh", s->script);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *key_line = NULL;
  g_autofree char *shellcheck = g_find_program_in_path ("shellcheck");
  g_autofree char *assignment = g_strdup_printf ("\njg_token='%s'\n", s->token);
  g_autofree char *uninstall = jg_install_script_uninstall_command (s->id);
  g_autofree char *file_name = jg_install_script_file_name ("203.0.113.10");
  g_autofree char *token_path = jg_install_script_token_path (s->id);
  const char *sh_n[] = { "/bin/sh", "-n", path, NULL };
  const char *show[] = { "/bin/sh", path, "--show", NULL };
  const char *help[] = { "/bin/sh", path, "--help", NULL };
  const char *bogus[] = { "/bin/sh", path, "--bogus", NULL };

  g_assert_true (g_str_has_prefix (s->script, "#!/bin/sh\n"));
  g_assert_nonnull (strstr (s->script, "\njg_address='203.0.113.10'\n"));
  g_assert_nonnull (strstr (s->script, "\njg_port='22'\n"));
  g_assert_nonnull (strstr (s->script, "\njg_user='alice'\n"));
  g_assert_nonnull (strstr (s->script, "\njg_create_user='no'\n"));
  g_assert_nonnull (strstr (s->script, assignment));
  /* The token appears once: in its assignment. */
  g_assert_true (strstr (s->script, s->token) == strstr (s->script, assignment) + strlen ("\njg_token='"));
  g_assert_null (strstr (strstr (s->script, s->token) + 1, s->token));
  g_assert_cmpstr (uninstall, ==, fmt ("sudo sh /var/lib/jumpgate-enroll/%s.sh --uninstall", s->id));
  g_assert_cmpstr (file_name, ==, "jumpgate-enroll-203.0.113.10.sh");
  g_assert_cmpstr (token_path, ==, fmt (".config/jumpgate-enroll/%s.token", s->id));

  g_assert_cmpint (jg_test_run (sh_n, tmpdir, NULL, NULL), ==, 0);
  if (shellcheck != NULL)
    {
      const char *check[] = { shellcheck, "-s", "sh", "-S", "style", path, NULL };

      if (jg_test_run (check, tmpdir, &out, &err) != 0)
        g_error ("shellcheck -s sh:\n%s%s", out, err);
      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);
    }
  else
    g_test_message ("shellcheck is not installed: not checked (apt-get install shellcheck)");

  g_assert_cmpint (jg_test_run (show, tmpdir, &out, NULL), ==, 0);
  key_line = jg_install_script_key_line (s->public_line, s->id, NULL);
  expected = g_strdup_printf ("id=%s\naddress=203.0.113.10\nport=22\nuser=alice\ncreate-user=no\n"
                              "key=%s\n", s->id, key_line);
  g_assert_cmpstr (out, ==, expected);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (jg_test_run (help, tmpdir, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "--uninstall"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (jg_test_run (bogus, tmpdir, NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "unknown option: --bogus"));
}

static void
test_generate_refuses (void)
{
  g_autofree char *line = new_key (NULL);
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *token = jg_install_script_new_token ();
  struct { JgInstallScriptParams p; int code; } cases[] = {
    { { "not-a-uuid", "example.com", 22, "alice", FALSE, line, token }, JG_INSTALL_SCRIPT_ERROR_ID },
    { { id, "exa mple.com", 22, "alice", FALSE, line, token }, JG_INSTALL_SCRIPT_ERROR_ADDRESS },
    { { id, "example.com", 0, "alice", FALSE, line, token }, JG_INSTALL_SCRIPT_ERROR_PORT },
    { { id, "example.com", 22, "al'ice", FALSE, line, token }, JG_INSTALL_SCRIPT_ERROR_USER },
    { { id, "example.com", 22, "alice", FALSE, "ssh-ed25519 AAAA'$(id)'", token }, JG_INSTALL_SCRIPT_ERROR_KEY },
    { { id, "example.com", 22, "alice", FALSE, line, "abc" }, JG_INSTALL_SCRIPT_ERROR_TOKEN },
    { { id, "example.com", 22, "alice", FALSE, line, "'; id; '" }, JG_INSTALL_SCRIPT_ERROR_TOKEN },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *script = jg_install_script_generate (&cases[i].p, &error);

      g_assert_null (script);
      assert_error_says (error, cases[i].code, NULL);
    }
}

/* The values an attacker would try, each ending in a command that would
 * create the marker file MARK if it ever ran. */
static const char * const hostile_templates[] = {
  "x'; touch MARK; '",
  "x$(touch MARK)",
  "x`touch MARK`",
  "x\ntouch MARK\n",
  "x; touch MARK",
  "x\"; touch MARK; \"",
  "x' $(touch MARK) '",
  "x'\\''; touch MARK; #",
  "x && touch MARK",
  "x | touch MARK",
  "${IFS}touch${IFS}MARK",
  "x'\n touch MARK\n'",
  "-o; touch MARK",
  NULL
};

static const char * const hostile_fields[] = {
  "machine_id", "address", "port", "user", "create_user", "key_line", "token", NULL
};

static char *
hostile_value (const char *template,
               const char *mark)
{
  g_auto(GStrv) parts = g_strsplit (template, "MARK", -1);

  return g_strjoinv (mark, parts);
}

/* A script with @value in @field and proper values elsewhere. */
static char *
hostile_script (const char *field,
                const char *value)
{
  static char *id, *token, *key_line;
  JgInstallScriptValues v;

  if (id == NULL)
    {
      g_autofree char *line = new_key (NULL);

      id = g_uuid_string_random ();
      token = jg_install_script_new_token ();
      key_line = jg_install_script_key_line (line, id, NULL);
    }
  v.machine_id = g_str_equal (field, "machine_id") ? value : id;
  v.address = g_str_equal (field, "address") ? value : "example.com";
  v.port = g_str_equal (field, "port") ? value : "22";
  v.user = g_str_equal (field, "user") ? value : "alice";
  v.create_user = g_str_equal (field, "create_user") ? value : "no";
  v.key_line = g_str_equal (field, "key_line") ? value : key_line;
  v.token = g_str_equal (field, "token") ? value : token;
  return jg_install_script_generate_unchecked (&v);
}

static void
test_hostile_values (void)
{
  g_autofree char *mark = g_build_filename (tmpdir, "pwned", NULL);
  g_autofree char *line = new_key (NULL);
  g_autofree char *id = g_uuid_string_random ();
  guint n = 0;

  for (guint t = 0; hostile_templates[t] != NULL; t++)
    {
      g_autofree char *value = hostile_value (hostile_templates[t], mark);
      g_autofree char *key_value = g_strdup_printf ("%s %s", line, value);
      g_autofree char *path = NULL;

      /* The form refuses each one. */
      g_assert_false (jg_install_script_check_address (value, NULL));
      g_assert_false (jg_install_script_check_user (value, NULL));
      g_assert_false (jg_install_script_parse_port (value, NULL, NULL));
      if (strchr (value, '\n') != NULL)
        g_assert_false (jg_install_script_check_public_key (key_value, NULL));
      {
        /* A hostile comment in a key is dropped, never put in the script. */
        g_autofree char *key_line = jg_install_script_key_line (key_value, id, NULL);

        if (key_line != NULL)
          g_assert_null (strstr (key_line, mark));
      }

      /* Bypassing the checks, each value stays a value: `sh -n` parses the
       * script, --show prints the value back unchanged, and nothing ran. */
      for (guint f = 0; hostile_fields[f] != NULL; f++)
        {
          g_autofree char *script = hostile_script (hostile_fields[f], value);
          g_autofree char *out = NULL;
          g_autofree char *err = NULL;
          g_autofree char *want = NULL;
          const char *label;
          const char *sh_n[] = { "/bin/sh", "-n", NULL, NULL };
          const char *show[] = { "/bin/sh", NULL, "--show", NULL };
          const char *install[] = { "/bin/sh", NULL, NULL };

          g_free (path);
          path = write_file ("hostile.sh", script);
          sh_n[2] = show[1] = install[1] = path;
          g_assert_cmpint (jg_test_run (sh_n, tmpdir, NULL, NULL), ==, 0);
          g_assert_cmpint (jg_test_run (show, tmpdir, &out, NULL), ==, 0);
          label = g_str_equal (hostile_fields[f], "machine_id") ? "id=" :
                  g_str_equal (hostile_fields[f], "key_line") ? "\nkey=" :
                  g_str_equal (hostile_fields[f], "create_user") ? "\ncreate-user=" :
                  g_str_equal (hostile_fields[f], "token") ? NULL :
                  fmt ("\n%s=", hostile_fields[f]);
          if (label != NULL)
            {
              want = g_strdup_printf ("%s%s\n", label, value);
              if (strstr (out, want) == NULL)
                g_error ("--show did not print the %s value back:\n%s", hostile_fields[f], out);
            }
          /* Installing stops at the script's own check, before any command;
           * as root this runs in the throwaway system (machine/hostile). */
          if (getuid () != 0)
            {
              g_assert_cmpint (jg_test_run (install, tmpdir, NULL, &err), ==, 1);
              g_assert_nonnull (strstr (err, "jumpgate: error:"));
            }
          g_assert_false (g_file_test (mark, G_FILE_TEST_EXISTS));
          n++;
        }
      g_unlink (path);
    }
  g_test_message ("%u hostile scripts checked", n);
}

/* --------------------------------------------------------- the command line */

static const char *
jumpgate_program (void)
{
  const char *path = g_getenv ("JUMPGATE");

  if (path == NULL)
    g_test_skip ("JUMPGATE is not set (meson test sets it)");
  return path;
}

/* The value of `name='…'` in a generated script (no quotes inside). */
static char *
script_value (const char *script,
              const char *name)
{
  g_autofree char *start = g_strdup_printf ("\n%s='", name);
  const char *p = strstr (script, start);
  const char *end;

  g_assert_nonnull (p);
  p += strlen (start);
  end = strchr (p, '\'');
  g_assert_nonnull (end);
  return g_strndup (p, end - p);
}

static void
test_cli_key_file (void)
{
  const char *jumpgate = jumpgate_program ();
  g_autofree char *line = NULL;
  g_autofree char *pub = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *id = NULL;
  g_autofree char *key_line = NULL;
  g_autofree char *home = g_build_filename (tmpdir, "cli-key-home", NULL);
  g_autofree char *config = g_build_filename (home, ".config", "jumpgate", NULL);
  struct { const char *address; const char *port; const char *user; const char *says; } bad[] = {
    { "my host", "22", "deploy", "contains a space" },
    { "example.org", "0", "deploy", "1 to 65535" },
    { "example.org", "22", "de'ploy", "is not a valid user name" },
    { "example.org", "22", "$(id)", "is not a valid user name" },
  };

  if (jumpgate == NULL)
    return;
  line = new_key (NULL);
  pub = write_file ("cli-key.pub", line);
  {
    const char *argv[] = { "/usr/bin/env", fmt ("HOME=%s", home), jumpgate, "--install-script",
                           "vps.example.org", "--port", "2200", "--user", "deploy", "--key", pub,
                           NULL };

    g_assert_cmpint (jg_test_run (argv, tmpdir, &out, &err), ==, 0);
  }
  g_assert_true (g_str_has_prefix (out, "#!/bin/sh\n"));
  id = script_value (out, "jg_id");
  key_line = jg_install_script_key_line (line, id, NULL);
  g_assert_cmpstr (keep (script_value (out, "jg_address")), ==, "vps.example.org");
  g_assert_cmpstr (keep (script_value (out, "jg_port")), ==, "2200");
  g_assert_cmpstr (keep (script_value (out, "jg_user")), ==, "deploy");
  g_assert_cmpstr (keep (script_value (out, "jg_create_user")), ==, "yes");
  g_assert_cmpstr (keep (script_value (out, "jg_key")), ==, key_line);
  /* With a key of one's own, nothing is saved. */
  g_assert_false (g_file_test (config, G_FILE_TEST_EXISTS));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      const char *argv[] = { jumpgate, "--install-script", bad[i].address, "--port", bad[i].port,
                             "--user", bad[i].user, "--key", pub, NULL };

      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);
      g_assert_cmpint (jg_test_run (argv, tmpdir, &out, &err), ==, 2);
      g_assert_cmpstr (out, ==, "");
      if (strstr (err, bad[i].says) == NULL)
        g_error ("jumpgate --install-script said “%s”, not “%s”", err, bad[i].says);
    }
  {
    g_autofree char *private_key = g_build_filename (tmpdir, "cli-private", NULL);
    const char *argv[] = { jumpgate, "--install-script", "vps.example.org", "--key", private_key, NULL };
    ssh_key key = NULL;

    g_assert_cmpint (ssh_pki_generate (SSH_KEYTYPE_ED25519, 0, &key), ==, SSH_OK);
    g_assert_cmpint (ssh_pki_export_privkey_file (key, NULL, NULL, NULL, private_key), ==, SSH_OK);
    ssh_key_free (key);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (jg_test_run (argv, tmpdir, NULL, &err), ==, 2);
    g_assert_nonnull (strstr (err, "This is a private key"));
  }
}

/* Without --key: a new key in a real keyring (gnome-keyring-daemon in a
 * dbus-run-session of its own, started by tests/with-keyring, which waits
 * until it is unlocked and owns the Secret Service) and the machine in
 * machines.json. */
static void
test_cli_keyring (void)
{
  const char *jumpgate = jumpgate_program ();
  g_autofree char *home = g_build_filename (tmpdir, "cli-keyring-home", NULL);
  g_autofree char *dbus = g_find_program_in_path ("dbus-run-session");
  g_autofree char *keyring = g_find_program_in_path ("gnome-keyring-daemon");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *machines = NULL;
  g_autofree char *keys = NULL;
  g_autofree char *id = NULL;
  g_autofree char *key = NULL;
  g_auto(GStrv) key_fields = NULL;

  if (jumpgate == NULL)
    return;
  if (dbus == NULL || keyring == NULL)
    {
      g_test_skip ("dbus-run-session or gnome-keyring-daemon is missing");
      return;
    }
  g_mkdir_with_parents (home, 0700);
  {
    const char *argv[] = {
      "/usr/bin/env", "-u", "DBUS_SESSION_BUS_ADDRESS", "-u", "XDG_CONFIG_HOME", "-u", "XDG_DATA_HOME",
      fmt ("HOME=%s", home), dbus, "--", JG_TEST_SRCDIR "/with-keyring", "pw", "--",
      jumpgate, "--install-script", "203.0.113.7", "--user", "deploy", NULL
    };
    int status = jg_test_run (argv, tmpdir, &out, &err);

    if (status != 0)
      g_error ("jumpgate --install-script with a keyring exited %d:\n%s", status, err);
  }
  g_assert_nonnull (strstr (err, "added “203.0.113.7” to Your Own Machines"));
  id = script_value (out, "jg_id");
  key = script_value (out, "jg_key");
  key_fields = g_strsplit (key, " ", 3);
  machines = read_file (keep (g_build_filename (home, ".config", "jumpgate", "machines.json", NULL)));
  keys = read_file (keep (g_build_filename (home, ".config", "jumpgate", "keys.json", NULL)));
  /* The machine has the script's id and uses the new key, whose public
   * half is the script's. */
  g_assert_nonnull (strstr (machines, fmt ("\"%s\"", id)));
  g_assert_nonnull (strstr (machines, "203.0.113.7"));
  g_assert_nonnull (strstr (machines, "\"own\""));
  g_assert_nonnull (strstr (keys, fmt ("%s %s", key_fields[0], key_fields[1])));
  g_assert_nonnull (strstr (keys, "Jumpgate key for 203.0.113.7"));
}

/* --------------------------------------------------------- the enrollment */

typedef struct
{
  JgEnroll     *enroll;
  GCancellable *cancellable;
  gboolean      done;
  gboolean      ok;
  GError       *error;
  JgEnrollStep  max_reached;
  GPtrArray    *statuses;
  gint64        finished;
} Wait;

static void
on_reached (JgEnroll   *enroll,
            GParamSpec *pspec,
            Wait       *w)
{
  w->max_reached = MAX (w->max_reached, jg_enroll_get_reached (enroll));
}

static void
on_status (JgEnroll   *enroll,
           GParamSpec *pspec,
           Wait       *w)
{
  const char *status = jg_enroll_get_status (enroll);

  if (g_test_verbose ())
    g_printerr ("# enroll [%s] %s\n", jg_enroll_step_to_string (jg_enroll_get_reached (enroll)), status);
  if (status != NULL)
    g_ptr_array_add (w->statuses, g_strdup (status));
}

static void
on_wait_done (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Wait *w = data;

  w->ok = jg_enroll_wait_finish (JG_ENROLL (source), result, &w->error);
  w->finished = g_get_monotonic_time ();
  w->done = TRUE;
}

static Wait *
wait_start (JgEnroll *enroll)
{
  Wait *w = g_new0 (Wait, 1);

  w->enroll = g_object_ref (enroll);
  w->cancellable = g_cancellable_new ();
  w->statuses = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (enroll, "notify::reached", G_CALLBACK (on_reached), w);
  g_signal_connect (enroll, "notify::status", G_CALLBACK (on_status), w);
  jg_enroll_wait_async (enroll, w->cancellable, on_wait_done, w);
  return w;
}

/* Iterates until @w is done, at most @seconds (then fails). */
static void
wait_done (Wait  *w,
           guint  seconds)
{
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!w->done)
    {
      if (g_get_monotonic_time () > end)
        g_error ("the enrollment did not end within %u s; last status: %s", seconds,
                 jg_enroll_get_status (w->enroll));
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
}

static void
wait_free (Wait *w)
{
  g_signal_handlers_disconnect_by_data (w->enroll, w);
  g_object_unref (w->enroll);
  g_object_unref (w->cancellable);
  g_clear_error (&w->error);
  g_ptr_array_unref (w->statuses);
  g_free (w);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Wait, wait_free)

/* Iterates the main context until @attempts attempts were made. */
static void
wait_attempts (Wait  *w,
               guint  attempts)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!w->done && jg_enroll_get_attempts (w->enroll) < attempts)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
}

static void
test_enroll_cancel (void)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *token = jg_install_script_new_token ();
  g_autofree char *known_hosts = g_build_filename (tmpdir, "known_hosts.cancel", NULL);
  guint port = jg_test_free_loopback_port ();
  g_autoptr(JgEnroll) enroll = jg_enroll_new (id, "127.0.0.1", port, "alice", token);
  g_autoptr(Wait) w = NULL;
  ssh_key key = NULL;
  gint64 cancelled_at;

  g_assert_cmpint (ssh_pki_generate (SSH_KEYTYPE_ED25519, 0, &key), ==, SSH_OK);
  jg_enroll_take_private_key (enroll, key);
  jg_enroll_set_known_hosts_file (enroll, known_hosts);
  jg_enroll_set_interval (enroll, 200);
  g_assert_cmpint (jg_enroll_get_started (enroll), ==, 0);

  w = wait_start (enroll);
  g_assert_cmpint (jg_enroll_get_started (enroll), >, 0);
  wait_attempts (w, 2);
  g_assert_false (w->done);
  g_assert_cmpint (jg_enroll_get_reached (enroll), ==, JG_ENROLL_STEP_NONE);
  g_assert_nonnull (strstr (jg_enroll_get_status (enroll), "is closed"));

  cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (w->cancellable);
  wait_done (w, 5);
  g_assert_false (w->ok);
  g_assert_error (w->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (w->finished - cancelled_at, <, G_USEC_PER_SEC);
  g_assert_false (g_file_test (known_hosts, G_FILE_TEST_EXISTS));
}

static void
test_enroll_no_key (void)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *token = jg_install_script_new_token ();
  g_autoptr(JgEnroll) enroll = jg_enroll_new (id, "127.0.0.1", 22, "alice", token);
  g_autoptr(Wait) w = wait_start (enroll);

  wait_done (w, 5);
  g_assert_error (w->error, JG_ENROLL_ERROR, JG_ENROLL_ERROR_NO_KEY);
}

/* ------------------------------------------------ the throwaway machines */

static gboolean
machines_skip (void)
{
  if (!machines_possible)
    {
      g_test_skip (machines_skip_reason);
      return TRUE;
    }
  return FALSE;
}

static void
test_machine_build (void)
{
  g_autofree char *message = NULL;

  if (!jg_test_machine_prepare (&machines_skip_reason, &message))
    {
      g_test_skip (machines_skip_reason);
      return;
    }
  g_test_message ("%s", message);
  machines_possible = TRUE;
}

/* ------------------------------------------------------------ snapshots */

/* Where the system itself writes while it runs, and the shadow tools'
 * backup and lock files (useradd/userdel rewrite /etc/passwd- …): not
 * the script's doing. */
static const char * const snapshot_skip_trees[] = {
  "/proc", "/sys", "/dev", "/run", "/tmp", "/var/log", "/var/tmp", NULL
};
static const char * const snapshot_skip_files[] = {
  "/etc/passwd-", "/etc/group-", "/etc/shadow-", "/etc/gshadow-", "/etc/subuid-",
  "/etc/subgid-", "/etc/.pwd.lock", NULL
};

static GHashTable *snapshot_table;
static gsize snapshot_root_len;

static char *
file_digest (const char *path)
{
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, NULL);

  if (mapped == NULL)
    return g_strdup ("unreadable");
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                      (const guchar *) g_mapped_file_get_contents (mapped),
                                      g_mapped_file_get_length (mapped));
}

static int
snapshot_entry (const char        *path,
                const struct stat *st,
                int                flag,
                struct FTW        *ftw)
{
  const char *rel = path + snapshot_root_len;
  g_autofree char *what = NULL;

  if (rel[0] == '\0')
    rel = "/";
  for (guint i = 0; snapshot_skip_trees[i] != NULL; i++)
    {
      gsize n = strlen (snapshot_skip_trees[i]);

      if (strncmp (rel, snapshot_skip_trees[i], n) == 0 && (rel[n] == '\0' || rel[n] == '/'))
        return rel[n] == '\0' ? FTW_SKIP_SUBTREE : FTW_CONTINUE;
    }
  if (g_strv_contains (snapshot_skip_files, rel))
    return FTW_CONTINUE;

  if (S_ISREG (st->st_mode))
    {
      g_autofree char *digest = file_digest (path);
      what = g_strdup_printf ("file %o %u:%u %s", st->st_mode & 07777, st->st_uid, st->st_gid, digest);
    }
  else if (S_ISLNK (st->st_mode))
    {
      g_autofree char *target = g_file_read_link (path, NULL);
      what = g_strdup_printf ("link %u:%u -> %s", st->st_uid, st->st_gid, target);
    }
  else if (S_ISDIR (st->st_mode))
    what = g_strdup_printf ("dir %o %u:%u", st->st_mode & 07777, st->st_uid, st->st_gid);
  else
    what = g_strdup_printf ("special %o %u:%u", st->st_mode, st->st_uid, st->st_gid);
  g_hash_table_insert (snapshot_table, g_strdup (rel), g_steal_pointer (&what));
  return FTW_CONTINUE;
}

/* Every path of the machine's tree with its type, mode, owner and
 * content (not times: a file rewritten with the same bytes is unchanged). */
static GHashTable *
snapshot (JgTestMachine *m)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  snapshot_table = table;
  snapshot_root_len = strlen (m->root);
  g_assert_cmpint (nftw (m->root, snapshot_entry, 64, FTW_PHYS | FTW_ACTIONRETVAL), ==, 0);
  snapshot_table = NULL;
  return table;
}

/* The differences as "+ path", "- path", "~ path (before → after)". */
static char *
snapshot_diff (GHashTable *before,
               GHashTable *after)
{
  g_autoptr(GString) diff = g_string_new (NULL);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, after);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *old = g_hash_table_lookup (before, key);

      if (old == NULL)
        g_string_append_printf (diff, "+ %s (%s)\n", (char *) key, (char *) value);
      else if (!g_str_equal (old, value))
        g_string_append_printf (diff, "~ %s (%s → %s)\n", (char *) key, old, (char *) value);
    }
  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (after, key))
      g_string_append_printf (diff, "- %s (%s)\n", (char *) key, (char *) value);
  return g_string_free (g_steal_pointer (&diff), FALSE);
}

static void
assert_same_tree (GHashTable *before,
                  GHashTable *after,
                  const char *what)
{
  g_autofree char *diff = snapshot_diff (before, after);

  if (diff[0] != '\0')
    g_error ("%s changed the machine's files:\n%s", what, diff);
}

static void
assert_diff_has (const char *diff,
                 const char *line)
{
  if (strstr (diff, line) == NULL)
    g_error ("expected “%s” among the changes:\n%s", line, diff);
}

/* ---------------------------------------------------- enrolling a machine */

static JgEnroll *
enroll_for (Script     *s,
            JgTestMachine    *m,
            guint       port,
            const char *user,
            const char *known_hosts)
{
  JgEnroll *enroll = jg_enroll_new (s->id, m->address, port, user, s->token);
  char *b64 = NULL;
  ssh_key copy = NULL;

  /* The JgEnroll takes a key of its own. */
  g_assert_cmpint (ssh_pki_export_privkey_base64 (s->key, NULL, NULL, NULL, &b64), ==, SSH_OK);
  g_assert_cmpint (ssh_pki_import_privkey_base64 (b64, NULL, NULL, NULL, &copy), ==, SSH_OK);
  ssh_string_free_char (b64);
  jg_enroll_take_private_key (enroll, copy);
  jg_enroll_set_known_hosts_file (enroll, known_hosts);
  jg_enroll_set_interval (enroll, 250);
  jg_enroll_set_timeout (enroll, 5);
  return enroll;
}

/* The machine's host key that the enrollment reported, as its .pub text. */
static void
assert_host_key_saved (JgTestMachine    *m,
                       JgEnroll   *enroll,
                       guint       port,
                       const char *known_hosts)
{
  const char *type = jg_enroll_get_host_key_type (enroll);
  const char *fingerprint = jg_enroll_get_host_key_fingerprint (enroll);
  const char * const files[] = { known_hosts, NULL };
  g_autofree char *pub_name = NULL;
  g_autofree char *pub_path = NULL;
  g_autofree char *pub = NULL;
  g_auto(GStrv) fields = NULL;
  g_autoptr(GError) error = NULL;
  JgKnownHostMatch match = { 0 };

  g_assert_nonnull (type);
  g_assert_nonnull (fingerprint);
  pub_name = g_strdup_printf ("etc/ssh/ssh_host_%s_key.pub",
                              g_str_equal (type, "ssh-ed25519") ? "ed25519" :
                              g_str_equal (type, "ssh-rsa") ? "rsa" : "ecdsa");
  pub_path = jg_test_machine_path (m, pub_name);
  pub = read_file (pub_path);
  fields = g_strsplit (pub, " ", 3);
  g_assert_cmpstr (keep (jg_known_hosts_fingerprint (fields[1])), ==, fingerprint);
  g_assert_cmpint (jg_known_hosts_check (files, m->address, port, fields[0], fields[1], &match, &error),
                   ==, JG_KNOWN_HOST_OK);
  g_assert_no_error (error);
  jg_known_host_match_clear (&match);
}

typedef struct
{
  gboolean  done;
  GError   *error;
  int       status;
} ExecRun;

static void
on_exec_closed (JgConnection *conn,
                const GError *error,
                ExecRun      *r)
{
  if (error != NULL)
    r->error = g_error_copy (error);
  r->status = jg_connection_get_exit_status (conn);
  r->done = TRUE;
}

static void
on_exec_started (GObject      *object,
                 GAsyncResult *result,
                 gpointer      data)
{
  ExecRun *r = data;

  if (!jg_connection_exec_finish (JG_CONNECTION (object), result, &r->error))
    r->done = TRUE;
}

/* Runs @command on @machine with a JgConnection (no prompt handler: an
 * unknown host key fails) and returns its output. */
static char *
connect_and_run (JgMachine  *machine,
                 const char *command)
{
  g_autoptr(GPtrArray) chain = g_ptr_array_new ();
  g_autoptr(JgConnection) conn = jg_connection_new_for_chain (JG_HOST (machine), chain);
  g_autofree char *out_path = NULL;
  g_autofree char *err_path = NULL;
  g_autofree char *err_text = NULL;
  ExecRun r = { 0 };
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  int out = g_file_open_tmp ("jg-wizard-out-XXXXXX", &out_path, NULL);
  int err = g_file_open_tmp ("jg-wizard-err-XXXXXX", &err_path, NULL);
  char *output;

  jg_connection_set_timeout (conn, 10);
  g_signal_connect (conn, "closed", G_CALLBACK (on_exec_closed), &r);
  jg_connection_exec_async (conn, command, -1, out, err, NULL, on_exec_started, &r);
  while (!r.done)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, TRUE);
    }
  jg_connection_close (conn);
  g_assert_no_error (r.error);
  g_assert_cmpint (r.status, ==, 0);
  output = read_file (out_path);
  err_text = read_file (err_path);
  g_unlink (out_path);
  g_unlink (err_path);
  return output;
}

static char *
write_private_key (Script *s)
{
  g_autofree char *name = g_strdup_printf ("id-%s", s->id);
  char *path = g_build_filename (tmpdir, name, NULL);

  g_assert_cmpint (ssh_pki_export_privkey_file (s->key, NULL, NULL, NULL, path), ==, SSH_OK);
  g_chmod (path, 0600);
  return path;
}

static gboolean
port_open (const char *address,
           guint       port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;

  g_socket_client_set_timeout (client, 3);
  conn = g_socket_client_connect_to_host (client, address, port, NULL, NULL);
  return conn != NULL;
}

/* Whether the port is (or, after a reload of sshd, becomes) open or
 * closed within 10 s. */
static gboolean
port_becomes (const char *address,
              guint       port,
              gboolean    open)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (port_open (address, port) != open)
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_usleep (100000);
    }
  return TRUE;
}

/* An existing user; the enrollment waits before the script runs, as the
 * wizard does; then the machine is connected to, the script runs twice
 * more, and --uninstall leaves the tree as it was. */
static void
test_machine_existing_user (void)
{
  g_autoptr(JgTestMachine) m = NULL;
  g_autoptr(Script) s = NULL;
  g_autoptr(JgEnroll) enroll = NULL;
  g_autoptr(Wait) w = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) installed = NULL;
  g_autoptr(GHashTable) again = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(JgMachine) machine = NULL;
  g_autofree char *known_hosts = g_build_filename (tmpdir, "known_hosts.existing", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *diff = NULL;
  g_autofree char *id_file = NULL;
  g_autofree char *whoami = NULL;
  g_autofree char *token_file = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *ak = NULL;
  g_autofree char *ak_contents = NULL;
  g_autofree char *state = NULL;
  g_autofree char *key_line = NULL;
  gint64 script_done;

  if (machines_skip ())
    return;
  m = jg_test_machine_new ("existing");
  s = make_script (m->address, 22, "alice", FALSE);
  jg_test_machine_sh (m, "useradd -m -s /bin/bash alice && mkdir -m 700 /home/alice/.ssh && "
                 "echo 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEGuSQj3B9mM22yDaLUlzxrX6NfRYhUye4a1sQCm1jN5 own-key' "
                 "> /home/alice/.ssh/authorized_keys && chown -R alice:alice /home/alice/.ssh");
  jg_test_machine_put_script (m, s->script);
  before = snapshot (m);

  /* Listening before the machine is ready: nothing answers yet. */
  enroll = enroll_for (s, m, 22, "alice", known_hosts);
  w = wait_start (enroll);
  wait_attempts (w, 1);
  g_assert_false (w->done);
  g_assert_cmpint (jg_enroll_get_reached (enroll), ==, JG_ENROLL_STEP_NONE);

  g_assert_cmpint (jg_test_machine_run_script (m, "/root/enroll.sh", NULL, &out, &err), ==, 0);
  script_done = g_get_monotonic_time ();
  g_assert_nonnull (strstr (out, "this machine's host keys"));
  g_assert_nonnull (strstr (out, "SHA256:"));
  copy = g_strdup_printf ("sudo sh /var/lib/jumpgate-enroll/%s.sh --uninstall", s->id);
  g_assert_nonnull (strstr (out, copy));
  g_assert_nonnull (strstr (err, "added Jumpgate's key"));

  wait_done (w, 30);
  g_assert_no_error (w->error);
  g_assert_true (w->ok);
  g_assert_cmpint (w->max_reached, ==, JG_ENROLL_STEP_TOKEN_MATCHED);
  g_assert_cmpuint (jg_enroll_get_attempts (enroll), >=, 2);
  /* "within seconds of the script finishing" */
  g_assert_cmpint (w->finished - script_done, <, 5 * G_USEC_PER_SEC);
  assert_host_key_saved (m, enroll, 22, known_hosts);

  /* The token served once and is gone; the key line has the marker. */
  token_file = g_strdup_printf ("%s/home/alice/.config/jumpgate-enroll/%s.token", m->root, s->id);
  g_assert_false (g_file_test (token_file, G_FILE_TEST_EXISTS));
  ak = jg_test_machine_path (m, "home/alice/.ssh/authorized_keys");
  ak_contents = read_file (ak);
  key_line = jg_install_script_key_line (s->public_line, s->id, NULL);
  g_assert_true (g_str_has_prefix (ak_contents, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEGuSQj3B9mM22yDaLUlzxrX6NfRYhUye4a1sQCm1jN5 own-key\n"));
  g_assert_nonnull (strstr (ak_contents, key_line));
  state = read_file (fmt ("%s/var/lib/jumpgate-enroll/%s.state", m->root, s->id));
  g_assert_null (strstr (state, "created-ssh-dir"));
  g_assert_null (strstr (state, "created-authorized-keys"));
  g_assert_nonnull (strstr (state, "created-config-dir"));
  g_assert_null (strstr (state, "created-user"));

  /* It connects, with nothing asked (no prompt handler). */
  id_file = write_private_key (s);
  machine = jg_enroll_create_machine (enroll, "vps");
  g_assert_cmpstr (jg_host_get_id (JG_HOST (machine)), ==, s->id);
  g_assert_cmpint (jg_machine_get_kind (machine), ==, JG_MACHINE_KIND_OWN);
  g_assert_cmpstr (jg_host_get_hostname (JG_HOST (machine)), ==, m->address);
  g_assert_cmpstr (jg_host_get_known_hosts_file (JG_HOST (machine)), ==, known_hosts);
  jg_host_set_auth (JG_HOST (machine), JG_AUTH_KEY_FILE);
  jg_host_set_identity_file (JG_HOST (machine), id_file);
  jg_host_set_identities_only (JG_HOST (machine), TRUE);
  whoami = connect_and_run (machine, "id -un");
  g_assert_cmpstr (whoami, ==, "alice\n");

  /* Run again (the token comes back), and once more: nothing changes. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (jg_test_machine_run_script (m, "/root/enroll.sh", NULL, NULL, NULL), ==, 0);
  installed = snapshot (m);
  g_assert_cmpint (jg_test_machine_run_script (m, "/root/enroll.sh", NULL, &out, &err), ==, 0);
  g_assert_null (strstr (err, "added Jumpgate's key"));
  again = snapshot (m);
  assert_same_tree (installed, again, "running the script a second time");
  g_assert_true (g_file_test (token_file, G_FILE_TEST_EXISTS));

  /* --uninstall, from the copy the script kept: exactly as before. */
  diff = snapshot_diff (before, installed);
  assert_diff_has (diff, "~ /home/alice/.ssh/authorized_keys");
  assert_diff_has (diff, "+ /home/alice/.config (dir 700");
  assert_diff_has (diff, "/home/alice/.config/jumpgate-enroll (dir 700");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (jg_test_machine_run_script (m, copy + strlen ("sudo sh "), NULL, &out, NULL), !=, 0);
  g_clear_pointer (&out, g_free);
  {
    g_autofree char *copy_path = g_strdup_printf ("/var/lib/jumpgate-enroll/%s.sh", s->id);
    g_assert_cmpint (jg_test_machine_run_script (m, copy_path, "--uninstall", &out, NULL), ==, 0);
  }
  g_assert_nonnull (strstr (out, "removed what Jumpgate's enrollment script added"));
  after = snapshot (m);
  assert_same_tree (before, after, "installing then uninstalling");
  /* sshd stays up: it was the machine's before, and may be needed. */
  g_assert_true (port_open (m->address, 22));
}

/* The script creates the user, makes sshd listen on 2222 too, and runs
 * without setpriv (su instead). Twice is once; a wrong token is refused;
 * --uninstall removes the user, the port and everything else. */
static void
test_machine_new_user_port (void)
{
  g_autoptr(JgTestMachine) m = NULL;
  g_autoptr(Script) s = NULL;
  g_autoptr(JgEnroll) wrong = NULL;
  g_autoptr(JgEnroll) enroll = NULL;
  g_autoptr(Wait) w1 = NULL;
  g_autoptr(Wait) w2 = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) once = NULL;
  g_autoptr(GHashTable) twice = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autofree char *known_hosts = g_build_filename (tmpdir, "known_hosts.newuser", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *diff = NULL;
  g_autofree char *dropin = NULL;
  g_autofree char *wrong_token = jg_install_script_new_token ();
  g_autofree char *copy_path = NULL;
  g_autofree char *known_before = NULL;
  g_autoptr(GError) error = NULL;

  if (machines_skip ())
    return;
  m = jg_test_machine_new ("newuser");
  s = make_script (m->address, 2222, "jgnew", TRUE);
  /* Older systems have no setpriv: the script falls back to su. */
  jg_test_machine_sh (m, "rm /usr/bin/setpriv");
  jg_test_machine_put_script (m, s->script);
  before = snapshot (m);

  g_assert_cmpint (jg_test_machine_run_script (m, "/root/enroll.sh", NULL, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "created the user jgnew"));
  g_assert_nonnull (strstr (out, "listen on port 2222"));
  once = snapshot (m);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (jg_test_machine_run_script (m, "/root/enroll.sh", NULL, &out, &err), ==, 0);
  g_assert_null (strstr (out, "created the user"));
  twice = snapshot (m);
  assert_same_tree (once, twice, "running the script a second time");

  diff = snapshot_diff (before, once);
  assert_diff_has (diff, "+ /home/jgnew (dir 755");
  assert_diff_has (diff, "+ /home/jgnew/.ssh (dir 700 1000:1000)");
  assert_diff_has (diff, "+ /home/jgnew/.ssh/authorized_keys (file 600 1000:1000");
  assert_diff_has (diff, fmt ("+ /home/jgnew/.config/jumpgate-enroll/%s.token (file 600 1000:1000", s->id));
  assert_diff_has (diff, fmt ("+ /var/lib/jumpgate-enroll/%s.state (file 600 0:0", s->id));
  assert_diff_has (diff, fmt ("+ /var/lib/jumpgate-enroll/%s.sh (file 600 0:0", s->id));
  assert_diff_has (diff, "+ /var/lib/jumpgate-enroll (dir 700 0:0)");
  assert_diff_has (diff, fmt ("+ /etc/ssh/sshd_config.d/jumpgate-%s.conf (file 644 0:0", s->id));
  assert_diff_has (diff, "~ /etc/passwd");
  dropin = read_file (fmt ("%s/etc/ssh/sshd_config.d/jumpgate-%s.conf", m->root, s->id));
  g_assert_nonnull (strstr (dropin, "\nPort 22\nPort 2222\n"));
  g_assert_true (port_becomes (m->address, 22, TRUE));
  g_assert_true (port_becomes (m->address, 2222, TRUE));

  /* A machine whose token is not the one Jumpgate expects is refused
   * (here: the right key, as a key the person picked could be, but
   * another script's token), and known_hosts is not touched. */
  g_file_set_contents (known_hosts, "# nothing yet\n", -1, &error);
  g_assert_no_error (error);
  known_before = read_file (known_hosts);
  {
    Script other = *s;

    other.token = wrong_token;
    wrong = enroll_for (&other, m, 2222, "jgnew", known_hosts);
  }
  w1 = wait_start (wrong);
  wait_done (w1, 30);
  g_assert_false (w1->ok);
  g_assert_error (w1->error, JG_ENROLL_ERROR, JG_ENROLL_ERROR_TOKEN_MISMATCH);
  g_assert_nonnull (strstr (w1->error->message, "not the machine that ran this script"));
  g_assert_cmpint (w1->max_reached, ==, JG_ENROLL_STEP_KEY_ACCEPTED);
  g_assert_cmpstr (keep (read_file (known_hosts)), ==, known_before);

  /* The right token: enrolled on port 2222, saved as [addr]:2222. */
  enroll = enroll_for (s, m, 2222, "jgnew", known_hosts);
  w2 = wait_start (enroll);
  wait_done (w2, 30);
  g_assert_no_error (w2->error);
  assert_host_key_saved (m, enroll, 2222, known_hosts);
  g_assert_nonnull (strstr (keep (read_file (known_hosts)), fmt ("[%s]:2222 ", m->address)));

  /* --uninstall: the user, its home, the port and the state are gone. */
  copy_path = g_strdup_printf ("/var/lib/jumpgate-enroll/%s.sh", s->id);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (jg_test_machine_run_script (m, copy_path, "--uninstall", &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "removed the user jgnew and its home"));
  after = snapshot (m);
  assert_same_tree (before, after, "installing then uninstalling");
  g_assert_true (port_becomes (m->address, 2222, FALSE));
  g_assert_true (port_open (m->address, 22));
}

/* No SSH server: the script installs it with apt-get (from the packages
 * debootstrap left in /var/cache/apt/archives; no network), starts it,
 * and the machine enrolls. --uninstall leaves the server installed. */
static void
test_machine_install_sshd (void)
{
  g_autoptr(JgTestMachine) m = NULL;
  g_autoptr(Script) s = NULL;
  g_autoptr(JgEnroll) enroll = NULL;
  g_autoptr(Wait) w = NULL;
  g_autofree char *known_hosts = g_build_filename (tmpdir, "known_hosts.install", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *sshd = NULL;
  g_autofree char *copy_path = NULL;
  const char *detect[] = { "/bin/sh", "/root/enroll.sh", "--detect", NULL };

  if (machines_skip ())
    return;
  m = jg_test_machine_new ("install");
  s = make_script (m->address, 22, "root", FALSE);
  jg_test_machine_sh (m, "DEBIAN_FRONTEND=noninteractive dpkg --purge openssh-server >/dev/null");
  sshd = jg_test_machine_path (m, "usr/sbin/sshd");
  g_assert_false (g_file_test (sshd, G_FILE_TEST_EXISTS));
  jg_test_machine_put_script (m, s->script);
  g_assert_cmpint (jg_test_machine_run (m, detect, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\nsshd=\n"));
  g_assert_nonnull (strstr (out, "install-command=apt-get install -y --no-install-recommends openssh-server\n"));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (jg_test_machine_run_script (m, "/root/enroll.sh", NULL, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "installing the SSH server (openssh-server) with apt-get"));
  g_assert_true (g_file_test (sshd, G_FILE_TEST_IS_EXECUTABLE));

  enroll = enroll_for (s, m, 22, "root", known_hosts);
  w = wait_start (enroll);
  wait_done (w, 30);
  g_assert_no_error (w->error);
  assert_host_key_saved (m, enroll, 22, known_hosts);

  copy_path = g_strdup_printf ("/var/lib/jumpgate-enroll/%s.sh", s->id);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (jg_test_machine_run_script (m, copy_path, "--uninstall", &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "stays installed"));
  g_assert_true (g_file_test (sshd, G_FILE_TEST_IS_EXECUTABLE));
  g_assert_false (g_file_test (fmt ("%s/var/lib/jumpgate-enroll", m->root), G_FILE_TEST_EXISTS));
  {
    g_autofree char *ak = jg_test_machine_path (m, "root/.ssh/authorized_keys");
    g_assert_false (g_file_test (ak, G_FILE_TEST_EXISTS));
  }
}

/* The unchecked scripts with hostile values run as root in the machine:
 * each stops at its own check, nothing runs, nothing changes. */
static void
test_machine_hostile (void)
{
  g_autoptr(JgTestMachine) m = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autofree char *mark = NULL;
  guint n = 0;

  if (machines_skip ())
    return;
  m = jg_test_machine_new ("hostile");
  jg_test_machine_sh (m, "useradd -m alice");
  jg_test_machine_put_script (m, "#!/bin/sh\n");
  before = snapshot (m);
  mark = jg_test_machine_path (m, "tmp/pwned");

  for (guint t = 0; hostile_templates[t] != NULL; t++)
    {
      g_autofree char *value = hostile_value (hostile_templates[t], "/tmp/pwned");

      for (guint f = 0; hostile_fields[f] != NULL; f++)
        {
          g_autofree char *script = hostile_script (hostile_fields[f], value);
          g_autofree char *err = NULL;

          jg_test_machine_put_script (m, script);
          if (jg_test_machine_run_script (m, "/root/enroll.sh", NULL, NULL, &err) != 1 ||
              strstr (err, "jumpgate: error:") == NULL)
            g_error ("the %s value %s did not stop the script:\n%s", hostile_fields[f], value, err);
          g_assert_false (g_file_test (mark, G_FILE_TEST_EXISTS));
          g_assert_cmpint (jg_test_machine_run_script (m, "/root/enroll.sh", "--uninstall", NULL, NULL), ==, 1);
          g_assert_false (g_file_test (mark, G_FILE_TEST_EXISTS));
          n++;
        }
    }
  jg_test_machine_put_script (m, "#!/bin/sh\n");
  after = snapshot (m);
  assert_same_tree (before, after, "the hostile scripts");
  g_test_message ("%u hostile scripts refused as root", n);
}

/* The OS detection, for real against os-release files of each family;
 * and the script refuses to run without root. */
static void
test_machine_detect (void)
{
  struct { const char *os_release; const char *expect; } cases[] = {
    { NULL, "family=debian\ninstaller=apt-get\n" },
    { "PRETTY_NAME=\"Ubuntu 24.04 LTS\"\nID=ubuntu\nID_LIKE=debian\n",
      "os=Ubuntu 24.04 LTS\nfamily=debian\ninstaller=apt-get\n" },
    { "NAME=\"Linux Mint\"\nID=linuxmint\nID_LIKE=\"ubuntu debian\"\n", "family=debian\n" },
    { "NAME=\"Fedora Linux\"\nPRETTY_NAME=\"Fedora Linux 40 (Workstation Edition)\"\nID=fedora\n",
      "os=Fedora Linux 40 (Workstation Edition)\nfamily=rhel\n" },
    { "NAME=\"Rocky Linux\"\nID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\n", "family=rhel\n" },
    { "NAME=\"Arch Linux\"\nID=arch\n", "family=unknown\ninstaller=none\n" },
  };
  g_autoptr(JgTestMachine) m = NULL;
  g_autoptr(Script) s = NULL;
  g_autofree char *os_release = NULL;
  const char *detect[] = { "/bin/sh", "/root/enroll.sh", "--detect", NULL };
  const char *as_nobody[] = { "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                              "/bin/sh", "/root/enroll.sh", NULL };

  if (machines_skip ())
    return;
  m = jg_test_machine_new ("detect");
  s = make_script (m->address, 22, "alice", FALSE);
  jg_test_machine_put_script (m, s->script);
  jg_test_machine_sh (m, "chmod 644 /root/enroll.sh && chmod 755 /root");
  os_release = jg_test_machine_path (m, "etc/os-release");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;

      if (cases[i].os_release != NULL)
        {
          g_autoptr(GError) error = NULL;

          g_unlink (os_release);
          g_file_set_contents (os_release, cases[i].os_release, -1, &error);
          g_assert_no_error (error);
        }
      g_assert_cmpint (jg_test_machine_run (m, detect, &out, NULL), ==, 0);
      if (strstr (out, cases[i].expect) == NULL)
        g_error ("--detect with os-release %u printed\n%s\nnot\n%s", i, out, cases[i].expect);
      /* A Debian root: neither dnf nor yum to run, whatever it says. */
      if (strstr (cases[i].expect, "family=rhel") != NULL)
        g_assert_nonnull (strstr (out, "installer=none\n"));
      g_assert_nonnull (strstr (out, "service-manager=service\nssh-unit=ssh\nsshd=/usr/sbin/sshd\n"));
    }

  {
    g_autofree char *err = NULL;

    g_assert_cmpint (jg_test_machine_run (m, as_nobody, NULL, &err), ==, 1);
    g_assert_nonnull (strstr (err, "run this script as root"));
    g_assert_false (g_file_test (fmt ("%s/var/lib/jumpgate-enroll", m->root), G_FILE_TEST_EXISTS));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = NULL;
  int rc;

  /* A HOME of our own: known_hosts and keys of whoever runs the tests
   * stay out of it. */
  garbage = g_ptr_array_new_with_free_func (g_free);
  tmpdir = g_dir_make_tmp ("jg-test-wizard-XXXXXX", NULL);
  home = g_build_filename (tmpdir, "home", NULL);
  g_mkdir_with_parents (home, 0700);
  g_setenv ("HOME", home, TRUE);
  g_unsetenv ("SSH_AUTH_SOCK");
  jg_test_machine_init (tmpdir);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/wizard/form/address", test_address);
  g_test_add_func ("/wizard/form/port", test_port);
  g_test_add_func ("/wizard/form/user", test_user);
  g_test_add_func ("/wizard/form/public-key", test_public_key);
  g_test_add_func ("/wizard/script/token", test_token);
  g_test_add_func ("/wizard/script/generate", test_generate);
  g_test_add_func ("/wizard/script/generate-refuses", test_generate_refuses);
  g_test_add_func ("/wizard/script/hostile-values", test_hostile_values);
  g_test_add_func ("/wizard/cli/key-file", test_cli_key_file);
  g_test_add_func ("/wizard/cli/keyring", test_cli_keyring);
  g_test_add_func ("/wizard/enroll/cancel", test_enroll_cancel);
  g_test_add_func ("/wizard/enroll/no-key", test_enroll_no_key);
  g_test_add_func ("/wizard/machine/build", test_machine_build);
  g_test_add_func ("/wizard/machine/detect", test_machine_detect);
  g_test_add_func ("/wizard/machine/existing-user", test_machine_existing_user);
  g_test_add_func ("/wizard/machine/new-user-port", test_machine_new_user_port);
  g_test_add_func ("/wizard/machine/install-sshd", test_machine_install_sshd);
  g_test_add_func ("/wizard/machine/hostile", test_machine_hostile);

  rc = g_test_run ();
  g_ptr_array_unref (garbage);

  if (g_getenv ("JG_WIZARD_KEEP") == NULL)
    {
      const char *rm[] = { "/bin/rm", "-rf", "--one-file-system", tmpdir, NULL };
      jg_test_run (rm, "/", NULL, NULL);
    }
  return rc;
}
