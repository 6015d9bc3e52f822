/* jg-install-script.h — the script that enrolls an own machine in Jumpgate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Add Your Own Machine" shows a POSIX sh script to run as root on the new
 * machine (and `jumpgate --install-script` prints the same one). It
 * installs and starts the SSH server if missing, creates the user if asked,
 * adds the machine's Jumpgate public key to that user's authorized_keys
 * with the marker comment "jumpgate:MACHINE-ID", writes the enrollment
 * token to ~USER/.config/jumpgate-enroll/MACHINE-ID.token (0600, the
 * user's) and prints the host key fingerprints; with --uninstall it removes
 * exactly what it added, recorded in /var/lib/jumpgate-enroll/MACHINE-ID.state
 * (see the comment at the top of jg-install-script.sh for every path).
 * jg-enroll.h then waits until the machine answers with that token.
 *
 * The checks below are what the wizard's form uses: each error message is
 * a translated sentence saying what is wrong, fit to show under the field.
 * The generator checks everything again, and every value is single-quoted
 * in the script, which checks them once more before it runs a command.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define JG_INSTALL_SCRIPT_ERROR (jg_install_script_error_quark ())

typedef enum
{
  JG_INSTALL_SCRIPT_ERROR_ADDRESS = 0,  /* not a host name, IPv4 or IPv6 address */
  JG_INSTALL_SCRIPT_ERROR_PORT,         /* not 1–65535 */
  JG_INSTALL_SCRIPT_ERROR_USER,         /* not a portable user name */
  JG_INSTALL_SCRIPT_ERROR_KEY,          /* not one OpenSSH public key line */
  JG_INSTALL_SCRIPT_ERROR_ID,           /* the machine id is not a UUID */
  JG_INSTALL_SCRIPT_ERROR_TOKEN,        /* the token is not 64 lowercase hex digits */
} JgInstallScriptError;

/* Where the script keeps its state and its copy, and what it names its
 * files (MACHINE-ID is the machine's UUID). */
#define JG_INSTALL_SCRIPT_STATE_DIR "/var/lib/jumpgate-enroll"
/* The token file, relative to the user's home. */
#define JG_INSTALL_SCRIPT_TOKEN_DIR ".config/jumpgate-enroll"
#define JG_INSTALL_SCRIPT_MARKER_PREFIX "jumpgate:"

typedef struct
{
  const char *machine_id;   /* the machine's UUID (JgHost id) */
  const char *address;      /* host name, IPv4 or IPv6 address (no brackets) */
  guint       port;         /* 1–65535 */
  const char *user;         /* the user Jumpgate logs in as */
  gboolean    create_user;  /* create the user when missing (else the script stops) */
  const char *public_key;   /* one OpenSSH public key line; its comment is replaced */
  const char *token;        /* jg_install_script_new_token() */
} JgInstallScriptParams;

GQuark    jg_install_script_error_quark       (void);

/* A host name (RFC 1123 labels: letters, digits, hyphens; at most 253
 * characters), an IPv4 address or an IPv6 address. */
gboolean  jg_install_script_check_address     (const char                  *address,
                                               GError                     **error);
gboolean  jg_install_script_check_port        (guint                        port,
                                               GError                     **error);
/* The port field's text: decimal digits only, 1–65535. */
gboolean  jg_install_script_parse_port        (const char                  *text,
                                               guint                       *port,
                                               GError                     **error);
/* POSIX portable user names: [a-z_][a-z0-9_-]*[$]?, at most 32 characters. */
gboolean  jg_install_script_check_user        (const char                  *user,
                                               GError                     **error);
/* One line "type base64 [comment]" of a key type OpenSSH accepts, whose
 * blob libssh can read; no options, no control characters. */
gboolean  jg_install_script_check_public_key  (const char                  *line,
                                               GError                     **error);

/* 32 random bytes as 64 lowercase hex digits. */
char     *jg_install_script_new_token         (void);

/* "type base64 jumpgate:MACHINE-ID": the line the script adds to
 * authorized_keys (the key's own comment is dropped). */
char     *jg_install_script_key_line          (const char                  *public_key,
                                               const char                  *machine_id,
                                               GError                     **error);

/* The whole script. Checks every value first. */
char     *jg_install_script_generate          (const JgInstallScriptParams *params,
                                               GError                     **error);

/* "jumpgate-enroll-ADDRESS.sh": a name for Save… */
char     *jg_install_script_file_name         (const char                  *address);

/* The command to run on the machine to remove what the script added:
 * "sudo sh /var/lib/jumpgate-enroll/MACHINE-ID.sh --uninstall" (the
 * script keeps that copy of itself). */
char     *jg_install_script_uninstall_command (const char                  *machine_id);

/* The token file relative to the user's home:
 * ".config/jumpgate-enroll/MACHINE-ID.token". */
char     *jg_install_script_token_path        (const char                  *machine_id);

G_END_DECLS
