/* test-known-hosts.c — known_hosts parsing, hashing, checking, appending
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "jg-known-hosts.h"

/* Made with ssh-keygen; fingerprints from ssh-keygen -lf. */
#define KEY1 "AAAAC3NzaC1lZDI1NTE5AAAAIEGuSQj3B9mM22yDaLUlzxrX6NfRYhUye4a1sQCm1jN5"
#define FP1  "SHA256:kDTgOkb9b6nGenn1ONy6D2r8FJn4mfCVrmSQHsfdKRI"
#define KEY2 "AAAAC3NzaC1lZDI1NTE5AAAAIJNmUQEbQVYn59ZoZ2Mx9ZQz6Wd0WhKbxQwPlP1i8XZP"
#define FP2  "SHA256:ovlqFHnf5FSY4mKhVg4tXE0lysxszRYPpOqrYz7vAT8"
/* ssh-keygen -H of "example.org ssh-ed25519 KEY1" */
#define HASHED1 "|1|W7MFHxzLKfqXHtp0KE1jvpYHbcI=|yMDUKDynnvndK3hAEMY3c4YtaAE="

static char *
write_tmp (const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp ("jg-kh-XXXXXX", &path, &error);

  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static JgKnownHostStatus
check (const char       *file,
       const char       *host,
       guint             port,
       const char       *key,
       JgKnownHostMatch *match)
{
  const char *files[] = { file, NULL };
  g_autoptr(GError) error = NULL;
  JgKnownHostStatus status;

  status = jg_known_hosts_check (files, host, port, "ssh-ed25519", key, match, &error);
  g_assert_no_error (error);
  return status;
}

static void
test_fingerprint (void)
{
  g_autofree char *fp1 = jg_known_hosts_fingerprint (KEY1);
  g_autofree char *fp2 = jg_known_hosts_fingerprint (KEY2);
  g_autofree char *bad = jg_known_hosts_fingerprint ("not base64!");

  g_assert_cmpstr (fp1, ==, FP1);
  g_assert_cmpstr (fp2, ==, FP2);
  g_assert_null (bad);
}

static void
test_lookup_name (void)
{
  g_autofree char *a = jg_known_hosts_lookup_name ("Example.ORG", 22);
  g_autofree char *b = jg_known_hosts_lookup_name ("example.org", 2222);
  g_autofree char *c = jg_known_hosts_lookup_name ("10.0.0.1", 0);

  g_assert_cmpstr (a, ==, "example.org");
  g_assert_cmpstr (b, ==, "[example.org]:2222");
  g_assert_cmpstr (c, ==, "10.0.0.1");
}

static void
test_hash_name (void)
{
  g_autofree guchar *salt = NULL;
  g_autofree char *hashed = NULL;
  gsize salt_len;

  /* the salt of HASHED1 gives back HASHED1 */
  salt = g_base64_decode ("W7MFHxzLKfqXHtp0KE1jvpYHbcI=", &salt_len);
  g_assert_cmpuint (salt_len, ==, 20);
  hashed = jg_known_hosts_hash_name ("example.org", salt);
  g_assert_cmpstr (hashed, ==, HASHED1);
}

static void
test_plain_and_hashed (void)
{
  g_autofree char *file = write_tmp ("# comment\n\n"
                                     "other.org,example.org ssh-ed25519 " KEY1 " comment\n"
                                     HASHED1 " ssh-ed25519 " KEY1 "\n"
                                     "[example.org]:2222 ssh-ed25519 " KEY2 "\n");
  JgKnownHostMatch match = { 0 };

  g_assert_cmpint (check (file, "example.org", 22, KEY1, &match), ==, JG_KNOWN_HOST_OK);
  g_assert_cmpuint (match.line, ==, 3);
  g_assert_cmpstr (match.file, ==, file);
  jg_known_host_match_clear (&match);

  /* the port matters: [host]:port is another entry */
  g_assert_cmpint (check (file, "example.org", 2222, KEY2, NULL), ==, JG_KNOWN_HOST_OK);
  g_assert_cmpint (check (file, "example.org", 2222, KEY1, &match), ==, JG_KNOWN_HOST_CHANGED);
  g_assert_cmpuint (match.line, ==, 5);
  g_assert_cmpstr (match.old_fingerprint, ==, FP2);
  jg_known_host_match_clear (&match);
  g_assert_cmpint (check (file, "example.org", 2200, KEY1, NULL), ==, JG_KNOWN_HOST_UNKNOWN);
  g_assert_cmpint (check (file, "nowhere.org", 22, KEY1, NULL), ==, JG_KNOWN_HOST_UNKNOWN);
  g_unlink (file);
}

static void
test_hashed_only (void)
{
  g_autofree char *file = write_tmp (HASHED1 " ssh-ed25519 " KEY1 "\n");
  JgKnownHostMatch match = { 0 };

  g_assert_cmpint (check (file, "example.org", 22, KEY1, NULL), ==, JG_KNOWN_HOST_OK);
  g_assert_cmpint (check (file, "EXAMPLE.org", 22, KEY1, NULL), ==, JG_KNOWN_HOST_OK);
  g_assert_cmpint (check (file, "example.org", 22, KEY2, &match), ==, JG_KNOWN_HOST_CHANGED);
  g_assert_cmpuint (match.line, ==, 1);
  g_assert_cmpstr (match.old_key_type, ==, "ssh-ed25519");
  g_assert_cmpstr (match.old_fingerprint, ==, FP1);
  jg_known_host_match_clear (&match);
  g_assert_true (jg_known_hosts_file_hashes (file));
  g_unlink (file);
}

static void
test_patterns (void)
{
  g_autofree char *file = write_tmp ("*.lab,!db.lab ssh-ed25519 " KEY1 "\n"
                                     "@cert-authority *.lab ssh-ed25519 " KEY2 "\n"
                                     "vm?.test ssh-ed25519 " KEY2 "\n");

  g_assert_cmpint (check (file, "vm1.lab", 22, KEY1, NULL), ==, JG_KNOWN_HOST_OK);
  g_assert_cmpint (check (file, "db.lab", 22, KEY1, NULL), ==, JG_KNOWN_HOST_UNKNOWN);
  /* a CA line is no host key */
  g_assert_cmpint (check (file, "vm1.lab", 22, KEY2, NULL), ==, JG_KNOWN_HOST_CHANGED);
  g_assert_cmpint (check (file, "vm7.test", 22, KEY2, NULL), ==, JG_KNOWN_HOST_OK);
  g_assert_cmpint (check (file, "vm17.test", 22, KEY2, NULL), ==, JG_KNOWN_HOST_UNKNOWN);
  g_unlink (file);
}

static void
test_revoked_and_duplicates (void)
{
  g_autofree char *file = write_tmp ("a.org ssh-ed25519 " KEY2 "\n"
                                     "a.org ssh-ed25519 " KEY1 "\n"
                                     "@revoked * ssh-ed25519 " KEY2 "\n");
  JgKnownHostMatch match = { 0 };

  /* a second entry with the right key wins over the first one */
  g_assert_cmpint (check (file, "a.org", 22, KEY1, &match), ==, JG_KNOWN_HOST_OK);
  g_assert_cmpuint (match.line, ==, 2);
  jg_known_host_match_clear (&match);
  g_assert_cmpint (check (file, "a.org", 22, KEY2, &match), ==, JG_KNOWN_HOST_REVOKED);
  g_assert_cmpuint (match.line, ==, 3);
  jg_known_host_match_clear (&match);
  g_unlink (file);
}

static void
test_key_types (void)
{
  g_autofree char *file = write_tmp ("h.org ssh-rsa AAAA\nh.org ssh-ed25519 " KEY1 "\nh.org ssh-rsa AAAB\n");
  const char *files[] = { file, NULL };
  g_auto(GStrv) types = jg_known_hosts_get_key_types (files, "h.org", 22);

  g_assert_cmpuint (g_strv_length (types), ==, 2);
  g_assert_cmpstr (types[0], ==, "ssh-rsa");
  g_assert_cmpstr (types[1], ==, "ssh-ed25519");
  g_unlink (file);
}

static void
test_append (void)
{
  g_autofree char *dir = g_dir_make_tmp ("jg-kh-XXXXXX", NULL);
  g_autofree char *plain = g_build_filename (dir, "sub", "known_hosts", NULL);
  g_autofree char *hashed = g_build_filename (dir, "hashed", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;

  /* a new file (and folder) gets plain names */
  g_assert_true (jg_known_hosts_append (plain, "vm1.lab", 22, "ssh-ed25519", KEY1, &error));
  g_assert_no_error (error);
  g_assert_true (jg_known_hosts_append (plain, "vm1.lab", 2222, "ssh-ed25519", KEY2, &error));
  g_file_get_contents (plain, &contents, NULL, NULL);
  g_assert_cmpstr (contents, ==, "vm1.lab ssh-ed25519 " KEY1 "\n[vm1.lab]:2222 ssh-ed25519 " KEY2 "\n");
  g_assert_cmpint (check (plain, "vm1.lab", 2222, KEY2, NULL), ==, JG_KNOWN_HOST_OK);
  g_clear_pointer (&contents, g_free);

  /* a file that hashes gets a hashed line; a missing newline is added */
  g_file_set_contents (hashed, HASHED1 " ssh-ed25519 " KEY1, -1, NULL);
  g_assert_true (jg_known_hosts_append (hashed, "vm1.lab", 22, "ssh-ed25519", KEY2, &error));
  g_assert_no_error (error);
  g_file_get_contents (hashed, &contents, NULL, NULL);
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_true (g_str_has_prefix (lines[1], "|1|"));
  g_assert_null (strstr (contents, "vm1.lab"));
  g_assert_cmpint (check (hashed, "vm1.lab", 22, KEY2, NULL), ==, JG_KNOWN_HOST_OK);
  g_assert_cmpint (check (hashed, "example.org", 22, KEY1, NULL), ==, JG_KNOWN_HOST_OK);

  g_unlink (plain);
  g_unlink (hashed);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/known-hosts/fingerprint", test_fingerprint);
  g_test_add_func ("/known-hosts/lookup-name", test_lookup_name);
  g_test_add_func ("/known-hosts/hash-name", test_hash_name);
  g_test_add_func ("/known-hosts/plain-and-hashed", test_plain_and_hashed);
  g_test_add_func ("/known-hosts/hashed-only", test_hashed_only);
  g_test_add_func ("/known-hosts/patterns", test_patterns);
  g_test_add_func ("/known-hosts/revoked-and-duplicates", test_revoked_and_duplicates);
  g_test_add_func ("/known-hosts/key-types", test_key_types);
  g_test_add_func ("/known-hosts/append", test_append);

  return g_test_run ();
}
