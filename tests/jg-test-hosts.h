/* jg-test-hosts.h — JgHost objects for the machines of the SSH test lab
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jg-host.h"
#include "jg-jump-host.h"
#include "jg-machine.h"
#include "jg-test-lab.h"

G_BEGIN_DECLS

/* A new host of @type (JG_TYPE_JUMP_HOST, or JG_TYPE_MACHINE: of kind OWN
 * for @prefix "OWN", else VIRTUAL) called @name, for the lab's machine
 * @prefix ("JUMP", "VM1", ...: its JG_LAB_@prefix_NAME and _PORT), logging
 * in as JG_LAB_USER with only the key file JG_LAB_KEY, checking host keys
 * against @known_hosts (the lab's JG_LAB_KNOWN_HOSTS when NULL), reached
 * through @via when not NULL. Not added to any inventory. */
JgHost *jg_test_lab_host (JgTestLab  *lab,
                          GType       type,
                          const char *name,
                          const char *prefix,
                          JgHost     *via,
                          const char *known_hosts);

/* The same for a host that exists already (its type and kind stay). */
void    jg_test_lab_set_host (JgTestLab  *lab,
                              JgHost     *host,
                              const char *name,
                              const char *prefix,
                              JgHost     *via,
                              const char *known_hosts);

G_END_DECLS
