/* jg-install-script-private.h — the generator without its checks, for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jg-install-script.h"

G_BEGIN_DECLS

/* Every value as the text that goes between the quotes; nothing is
 * checked, so tests can show that hostile values stay inert. */
typedef struct
{
  const char *machine_id;
  const char *address;
  const char *port;
  const char *user;
  const char *create_user;  /* "yes" or "no" */
  const char *key_line;     /* the complete authorized_keys line */
  const char *token;
} JgInstallScriptValues;

char *jg_install_script_generate_unchecked (const JgInstallScriptValues *values);

/* Appends @value single-quoted for POSIX sh ('…', a quote as '\''). */
void  jg_install_script_append_quoted      (GString                     *out,
                                            const char                  *value);

G_END_DECLS
