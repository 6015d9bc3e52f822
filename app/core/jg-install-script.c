/* jg-install-script.c — the script that enrolls an own machine in Jumpgate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The script is a header written here (the values, each single-quoted)
 * followed by the body in jg-install-script.sh, which the build embeds as
 * jg_install_script_body.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <glib/gi18n-lib.h>
#include <libssh/libssh.h>

#include "jg-install-script-private.h"
#include "jg-install-script-body.h"

#define MAX_HOSTNAME 253
#define MAX_LABEL 63
#define MAX_USER 32
#define TOKEN_BYTES 32

G_DEFINE_QUARK (jg-install-script-error-quark, jg_install_script_error)

/* The key types OpenSSH accepts in authorized_keys (no certificates). */
static const char * const key_types[] = {
  "ssh-ed25519",
  "ssh-rsa",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "sk-ssh-ed25519@openssh.com",
  "sk-ecdsa-sha2-nistp256@openssh.com",
  NULL
};

/* The first character of @text that is not allowed, as a printable
 * string for messages ("space", "“'”"). */
static char *
describe_char (const char *p)
{
  gunichar c = g_utf8_get_char (p);
  char buf[8] = { 0 };

  if (c == ' ')
    return g_strdup (_("a space"));
  if (c == '\n' || c == '\r')
    return g_strdup (_("a line break"));
  if (c == '\t')
    return g_strdup (_("a tab"));
  if (g_unichar_iscntrl (c) || !g_unichar_isprint (c))
    return g_strdup_printf (_("the control character U+%04X"), c);
  g_unichar_to_utf8 (c, buf);
  return g_strdup_printf ("“%s”", buf);
}

static gboolean
check_utf8 (const char  *text,
            GQuark       domain,
            int          code,
            GError     **error)
{
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, domain, code, _("The text is not valid UTF-8."));
      return FALSE;
    }
  return TRUE;
}

gboolean
jg_install_script_check_address (const char  *address,
                                 GError     **error)
{
  gboolean digits_and_dots = TRUE;
  gsize len;
  const char *label;

  if (address == NULL || address[0] == '\0')
    {
      g_set_error_literal (error, JG_INSTALL_SCRIPT_ERROR, JG_INSTALL_SCRIPT_ERROR_ADDRESS,
                           _("Enter the machine’s public address: a host name or an IP address."));
      return FALSE;
    }
  if (!check_utf8 (address, JG_INSTALL_SCRIPT_ERROR, JG_INSTALL_SCRIPT_ERROR_ADDRESS, error))
    return FALSE;

  for (const char *p = address; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_isspace (g_utf8_get_char (p)) || g_unichar_iscntrl (g_utf8_get_char (p)))
      {
        g_autofree char *what = describe_char (p);
        g_set_error (error, JG_INSTALL_SCRIPT_ERROR, JG_INSTALL_SCRIPT_ERROR_ADDRESS,
                     _("“%s” is not an address: it contains %s."), address, what);
        return FALSE;
      }

  if (address[0] == '[')
    {
      g_set_error (error, JG_INSTALL_SCRIPT_ERROR, JG_INSTALL_SCRIPT_ERROR_ADDRESS,
                   _("Write the IPv6 address without brackets, and the port in the port field: “%s”."),
                   address);
      return FALSE;
    }

  if (strchr (address, ':') != NULL)
    {
      struct in6_addr a6;

      if (inet_pton (AF_INET6, address, &a6) != 1)
        {
          g_set_error (error, JG_INSTALL_SCRIPT_ERROR, JG_INSTALL_SCRIPT_ERROR_ADDRESS,
                       _("“%s” is not a valid IPv6 address (a host name has no “:”; the port goes in the port field)."),
                       address);
          return FALSE;
        }
      return TRUE;
    }

  for (const char *p = address; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && *p != '.')
      digits_and_dots = FALSE;
  if (digits_and_dots)
    {
      struct in_addr a4;

      if (inet_pton (AF_INET, address, &a4) != 1)
        {
          g_set_error (error, JG_INSTALL_SCRIPT_ERROR, JG_INSTALL_SCRIPT_ERROR_ADDRESS,
                       _("“%s” is not a valid IPv4 address: it takes four numbers from 0 to 255, like 203.0.113.10."),
                       address);
          return FALSE;
        }
      return TRUE;
    }

  /* A host name. */
  for (const char *p = address; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
      {
        g_autofree char *what = describe_char (p);
        g_set_error (error, JG_INSTALL_SCRIPT_ERROR, JG_INSTALL_SCRIPT_ERROR_ADDRESS,
                     _("“%s” is not a valid host name: %s is not allowed (only letters, digits, hyphens and dots are)."),
                     address, what);
        return FALSE;
      }

  len = strlen (address);
  if (address[len - 1] == '.')
    len--;
  if (len > MAX_HOSTNAME)
    {
      g_set_error (error, JG_INSTALL_SCRIPT_ERROR, JG_INSTALL_SCRIPT_ERROR_ADDRESS,
                   _("The host name is too long: at most %d characters."), MAX_HOSTNAME);
      return FALSE;
    }

  label = address;
  while (label < address + len)
    {
      const char *end = memchr (label, '.', address + len - label);
      gsize n;

      if (end == NULL)
        end = address + len;
      n = end - label;
      if (n == 0)
        {
          g_set_error (error, JG_INSTALL_SCRIPT_ERROR, JG_INSTALL_SCRIPT_ERROR_ADDRESS,
                       _("“%s” is not a valid host name: it has an empty part between dots."), address);
          return FALSE;
        }
      if (n > MAX_LABEL)
        {
          g_set_error (error, JG_INSTALL_SCRIPT_ERROR, JG_INSTALL_SCRIPT_ERROR_ADDRESS,
                       _("“%s” is not a valid host name: a part between dots is longer than %d characters."),
                       address, MAX_LABEL);
          return FALSE;
        }
      if (label[0] == '-' || label[n - 1] == '-')
        {
          g_set_error (error, JG_INSTALL_SCRIPT_ERROR, JG_INSTALL_SCRIPT_ERROR_ADDRESS,
                       _("“%s” is not a valid host name: a part between dots starts or ends with a hyphen."),
                       address);
          return FALSE;
        }
      label = end + 1;
    }
  if (len == 0)
    {
      g_set_error (error, JG_INSTALL_SCRIPT_ERROR, JG_INSTALL_SCRIPT_ERROR_ADDRESS,
                   _("“%s” is not a valid host name: it has an empty part between dots."), address);
      return FALSE;
    }
  return TRUE;
}

gboolean
jg_install_script_check_port (guint    port,
                              GError **error)
{
  if (port < 1 || port > 65535)
    {
      g_set_error (error, JG_INSTALL_SCRIPT_ERROR, JG_INSTALL_SCRIPT_ERROR_PORT,
                   _("The port must be a number from 1 to 65535 (SSH uses 22 unless you changed it)."));
      return FALSE;
    }
  return TRUE;
}

gboolean
jg_install_script_parse_port (const char  *text,
                              guint       *port,
                              GError     **error)
{
  guint64 value = 0;

  if (text == NULL || text[0] == '\0')
    {
      g_set_error_literal (error, JG_INSTALL_SCRIPT_ERROR, JG_INSTALL_SCRIPT_ERROR_PORT,
                           _("Enter the port SSH listens on (22 unless you changed it)."));
      return FALSE;
    }
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p) || p - text >= 5)
        return jg_install_script_check_port (0, error);
      value = value * 10 + (*p - '0');
    }
  if (!jg_install_script_check_port (value, error))
    return FALSE;
  if (port != NULL)
    *port = value;
  return TRUE;
}

gboolean
jg_install_script_check_user (const char  *user,
                              GError     **error)
{
  gsize len;

  if (user == NULL || user[0] == '\0')
    {
      g_set_error_literal (error, JG_INSTALL_SCRIPT_ERROR, JG_INSTALL_SCRIPT_ERROR_USER,
                           _("Enter the user Jumpgate logs in as: an existing user, or a new one the script creates."));
      return FALSE;
    }
  if (!check_utf8 (user, JG_INSTALL_SCRIPT_ERROR, JG_INSTALL_SCRIPT_ERROR_USER, error))
    return FALSE;

  len = strlen (user);
  for (const char *p = user; *p != '\0'; p = g_utf8_next_char (p))
    {
      gboolean ok = (*p >= 'a' && *p <= 'z') || *p == '_' ||
                    (p > user && (g_ascii_isdigit (*p) || *p == '-')) ||
                    (*p == '$' && p > user && p[1] == '\0');

      if (ok)
        continue;
      if (g_ascii_isupper (*p))
        g_set_error (error, JG_INSTALL_SCRIPT_ERROR, JG_INSTALL_SCRIPT_ERROR_USER,
                     _("“%s” is not a valid user name: user names are lowercase."), user);
      else if (p == user && (g_ascii_isdigit (*p) || *p == '-'))
        g_set_error (error, JG_INSTALL_SCRIPT_ERROR, JG_INSTALL_SCRIPT_ERROR_USER,
                     _("“%s” is not a valid user name: it must start with a lowercase letter or “_”."), user);
      else
        {
          g_autofree char *what = describe_char (p);
          g_set_error (error, JG_INSTALL_SCRIPT_ERROR, JG_INSTALL_SCRIPT_ERROR_USER,
                       _("“%s” is not a valid user name: %s is not allowed (only lowercase letters, digits, “_” and “-”)."),
                       user, what);
        }
      return FALSE;
    }
  if (len > MAX_USER)
    {
      g_set_error (error, JG_INSTALL_SCRIPT_ERROR, JG_INSTALL_SCRIPT_ERROR_USER,
                   _("The user name is too long: at most %d characters."), MAX_USER);
      return FALSE;
    }
  return TRUE;
}

/* Checks a public key line and returns its type and base64. */
static gboolean
split_public_key (const char  *line,
                  char       **type,
                  char       **base64,
                  GError     **error)
{
  g_auto(GStrv) fields = NULL;
  g_autofree char *trimmed = NULL;
  ssh_key key = NULL;
  enum ssh_keytypes_e declared;
  const char *actual;
  int rc;

  if (line == NULL || line[0] == '\0')
    {
      g_set_error_literal (error, JG_INSTALL_SCRIPT_ERROR, JG_INSTALL_SCRIPT_ERROR_KEY,
                           _("Choose a public key: one line like “ssh-ed25519 AAAA… comment”."));
      return FALSE;
    }
  if (!check_utf8 (line, JG_INSTALL_SCRIPT_ERROR, JG_INSTALL_SCRIPT_ERROR_KEY, error))
    return FALSE;

  trimmed = g_strstrip (g_strdup (line));
  if (g_str_has_prefix (trimmed, "-----BEGIN"))
    {
      g_set_error_literal (error, JG_INSTALL_SCRIPT_ERROR, JG_INSTALL_SCRIPT_ERROR_KEY,
                           _("This is a private key: choose its public key (the .pub file) instead."));
      return FALSE;
    }
  for (const char *p = trimmed; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      {
        g_autofree char *what = describe_char (p);
        g_set_error (error, JG_INSTALL_SCRIPT_ERROR, JG_INSTALL_SCRIPT_ERROR_KEY,
                     _("This is not one public key line: it contains %s."), what);
        return FALSE;
      }

  fields = g_strsplit_set (trimmed, " ", 3);
  if (g_strv_length (fields) < 2 || !g_strv_contains (key_types, fields[0]))
    {
      g_set_error_literal (error, JG_INSTALL_SCRIPT_ERROR, JG_INSTALL_SCRIPT_ERROR_KEY,
                           _("This is not an OpenSSH public key line: it must start with the key type "
                             "(ssh-ed25519, ssh-rsa, ecdsa-sha2-…) and the key, without options. "
                             "Pick the .pub file."));
      return FALSE;
    }
  for (const char *p = fields[1]; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/' && *p != '=')
      {
        g_set_error_literal (error, JG_INSTALL_SCRIPT_ERROR, JG_INSTALL_SCRIPT_ERROR_KEY,
                             _("The public key is damaged: its second field is not base64."));
        return FALSE;
      }

  declared = ssh_key_type_from_name (fields[0]);
  rc = ssh_pki_import_pubkey_base64 (fields[1], declared, &key);
  actual = key != NULL ? ssh_key_type_to_char (ssh_key_type (key)) : NULL;
  if (rc != SSH_OK || key == NULL || actual == NULL || !g_str_equal (actual, fields[0]))
    {
      ssh_key_free (key);
      g_set_error (error, JG_INSTALL_SCRIPT_ERROR, JG_INSTALL_SCRIPT_ERROR_KEY,
                   _("The public key is damaged: it is not a valid %s key."), fields[0]);
      return FALSE;
    }
  ssh_key_free (key);

  *type = g_strdup (fields[0]);
  *base64 = g_strdup (fields[1]);
  return TRUE;
}

gboolean
jg_install_script_check_public_key (const char  *line,
                                    GError     **error)
{
  g_autofree char *type = NULL;
  g_autofree char *base64 = NULL;

  return split_public_key (line, &type, &base64, error);
}

char *
jg_install_script_new_token (void)
{
  guint8 bytes[TOKEN_BYTES];
  gsize got = 0;
  GString *hex = g_string_sized_new (TOKEN_BYTES * 2);

  while (got < sizeof bytes)
    {
      ssize_t n = getrandom (bytes + got, sizeof bytes - got, 0);

      if (n < 0 && errno == EINTR)
        continue;
      /* getrandom() on Linux ≥ 3.17 does not fail for small reads. */
      g_assert (n > 0);
      got += n;
    }
  for (gsize i = 0; i < sizeof bytes; i++)
    g_string_append_printf (hex, "%02x", bytes[i]);
  memset (bytes, 0, sizeof bytes);
  return g_string_free (hex, FALSE);
}

static gboolean
check_machine_id (const char  *machine_id,
                  GError     **error)
{
  if (machine_id == NULL || !g_uuid_string_is_valid (machine_id))
    {
      g_set_error (error, JG_INSTALL_SCRIPT_ERROR, JG_INSTALL_SCRIPT_ERROR_ID,
                   _("The machine id “%s” is not a UUID."), machine_id != NULL ? machine_id : "");
      return FALSE;
    }
  for (const char *p = machine_id; *p != '\0'; p++)
    if (g_ascii_isupper (*p))
      {
        g_set_error (error, JG_INSTALL_SCRIPT_ERROR, JG_INSTALL_SCRIPT_ERROR_ID,
                     _("The machine id “%s” must be lowercase."), machine_id);
        return FALSE;
      }
  return TRUE;
}

static gboolean
check_token (const char  *token,
             GError     **error)
{
  gsize n = 0;

  for (const char *p = token; p != NULL && *p != '\0'; p++, n++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      n = G_MAXSIZE - 1;
  if (n != TOKEN_BYTES * 2)
    {
      g_set_error_literal (error, JG_INSTALL_SCRIPT_ERROR, JG_INSTALL_SCRIPT_ERROR_TOKEN,
                           _("The enrollment token is not 64 lowercase hexadecimal digits."));
      return FALSE;
    }
  return TRUE;
}

char *
jg_install_script_key_line (const char  *public_key,
                            const char  *machine_id,
                            GError     **error)
{
  g_autofree char *type = NULL;
  g_autofree char *base64 = NULL;

  if (!check_machine_id (machine_id, error))
    return NULL;
  if (!split_public_key (public_key, &type, &base64, error))
    return NULL;
  return g_strdup_printf ("%s %s " JG_INSTALL_SCRIPT_MARKER_PREFIX "%s", type, base64, machine_id);
}

void
jg_install_script_append_quoted (GString    *out,
                                 const char *value)
{
  g_string_append_c (out, '\'');
  for (const char *p = value != NULL ? value : ""; *p != '\0'; p++)
    {
      if (*p == '\'')
        g_string_append (out, "'\\''");
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '\'');
}

static void
append_assignment (GString    *out,
                   const char *name,
                   const char *value)
{
  g_string_append_printf (out, "%s=", name);
  jg_install_script_append_quoted (out, value);
  g_string_append_c (out, '\n');
}

char *
jg_install_script_generate_unchecked (const JgInstallScriptValues *values)
{
  GString *out = g_string_new (NULL);

  g_string_append (out,
    "#!/bin/sh\n"
    "# Jumpgate enrollment script: lets Jumpgate log in to this machine over SSH.\n"
    "#\n"
    "#   Run it as root:             sudo sh SCRIPT\n"
    "#   Remove what it added:       sudo sh SCRIPT --uninstall\n"
    "#   See what it would work with: sh SCRIPT --detect\n"
    "#\n"
    "# Generated by Jumpgate " PACKAGE_VERSION ". It is plain sh: read it first.\n"
    "set -u\n"
    "\n"
    "# The values Jumpgate filled in.\n");
  append_assignment (out, "jg_id", values->machine_id);
  append_assignment (out, "jg_address", values->address);
  append_assignment (out, "jg_port", values->port);
  append_assignment (out, "jg_user", values->user);
  append_assignment (out, "jg_create_user", values->create_user);
  append_assignment (out, "jg_key", values->key_line);
  append_assignment (out, "jg_token", values->token);
  g_string_append (out, "\n");
  g_string_append (out, jg_install_script_body);
  return g_string_free (out, FALSE);
}

char *
jg_install_script_generate (const JgInstallScriptParams *params,
                            GError                     **error)
{
  g_autofree char *key_line = NULL;
  g_autofree char *port = NULL;
  JgInstallScriptValues values;

  g_return_val_if_fail (params != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_machine_id (params->machine_id, error) ||
      !jg_install_script_check_address (params->address, error) ||
      !jg_install_script_check_port (params->port, error) ||
      !jg_install_script_check_user (params->user, error) ||
      !check_token (params->token, error))
    return NULL;
  key_line = jg_install_script_key_line (params->public_key, params->machine_id, error);
  if (key_line == NULL)
    return NULL;

  port = g_strdup_printf ("%u", params->port);
  values.machine_id = params->machine_id;
  values.address = params->address;
  values.port = port;
  values.user = params->user;
  values.create_user = params->create_user ? "yes" : "no";
  values.key_line = key_line;
  values.token = params->token;
  return jg_install_script_generate_unchecked (&values);
}

char *
jg_install_script_file_name (const char *address)
{
  GString *name = g_string_new ("jumpgate-enroll-");

  for (const char *p = address != NULL ? address : ""; *p != '\0'; p++)
    g_string_append_c (name, g_ascii_isalnum (*p) || *p == '.' || *p == '-' ? *p : '_');
  if (name->str[name->len - 1] == '-')
    g_string_append (name, "machine");
  g_string_append (name, ".sh");
  return g_string_free (name, FALSE);
}

char *
jg_install_script_uninstall_command (const char *machine_id)
{
  g_return_val_if_fail (machine_id != NULL && g_uuid_string_is_valid (machine_id), NULL);

  return g_strdup_printf ("sudo sh " JG_INSTALL_SCRIPT_STATE_DIR "/%s.sh --uninstall", machine_id);
}

char *
jg_install_script_token_path (const char *machine_id)
{
  g_return_val_if_fail (machine_id != NULL && g_uuid_string_is_valid (machine_id), NULL);

  return g_strdup_printf (JG_INSTALL_SCRIPT_TOKEN_DIR "/%s.token", machine_id);
}
