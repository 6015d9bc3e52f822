/* jg-test-hosts.c — JgHost objects for the machines of the SSH test lab
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jg-test-hosts.h"

#include <stdlib.h>

static const char *
lab_get (JgTestLab  *lab,
         const char *key)
{
  const char *value = jg_test_lab_get (lab, key);

  g_assert_nonnull (value);
  return value;
}

void
jg_test_lab_set_host (JgTestLab  *lab,
                      JgHost     *host,
                      const char *name,
                      const char *prefix,
                      JgHost     *via,
                      const char *known_hosts)
{
  g_autofree char *name_key = g_strdup_printf ("JG_LAB_%s_NAME", prefix);
  g_autofree char *port_key = g_strdup_printf ("JG_LAB_%s_PORT", prefix);

  jg_host_set_name (host, name);
  jg_host_set_hostname (host, lab_get (lab, name_key));
  jg_host_set_port (host, atoi (lab_get (lab, port_key)));
  jg_host_set_user (host, lab_get (lab, "JG_LAB_USER"));
  jg_host_set_auth (host, JG_AUTH_KEY_FILE);
  jg_host_set_identity_file (host, lab_get (lab, "JG_LAB_KEY"));
  jg_host_set_identities_only (host, TRUE);
  jg_host_set_known_hosts_file (host, known_hosts != NULL ? known_hosts
                                                          : lab_get (lab, "JG_LAB_KNOWN_HOSTS"));
  if (via != NULL)
    jg_host_set_jump_id (host, jg_host_get_id (via));
}

JgHost *
jg_test_lab_host (JgTestLab  *lab,
                  GType       type,
                  const char *name,
                  const char *prefix,
                  JgHost     *via,
                  const char *known_hosts)
{
  JgHost *host;

  g_assert_true (type == JG_TYPE_JUMP_HOST || type == JG_TYPE_MACHINE);
  if (type == JG_TYPE_JUMP_HOST)
    host = JG_HOST (jg_jump_host_new ());
  else
    host = JG_HOST (jg_machine_new (g_str_equal (prefix, "OWN") ? JG_MACHINE_KIND_OWN
                                                                : JG_MACHINE_KIND_VIRTUAL));
  jg_test_lab_set_host (lab, host, name, prefix, via, known_hosts);
  return host;
}
