/* jg-import.h — bring the hosts of an OpenSSH config into the inventory
 *
 * Each concrete Host alias becomes a machine resolved as `ssh alias` would
 * be; the hosts its ProxyJump (or a ProxyCommand that only jumps) goes
 * through become jump hosts, chained; wildcard Host blocks that route
 * through a jump host become jump rules on it. Importing again matches the
 * inventory by name and kind: nothing is duplicated, and the report says
 * what was added, updated, unchanged or skipped, and why.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jg-inventory.h"
#include "jg-ssh-config.h"

G_BEGIN_DECLS

typedef enum
{
  JG_IMPORT_ADDED,
  JG_IMPORT_UPDATED,
  JG_IMPORT_UNCHANGED,
  JG_IMPORT_SKIPPED,
} JgImportAction;

#define JG_IMPORT_N_ACTIONS (JG_IMPORT_SKIPPED + 1)

typedef enum
{
  JG_IMPORT_ITEM_MACHINE,
  JG_IMPORT_ITEM_JUMP_HOST,
  JG_IMPORT_ITEM_JUMP_RULE,    /* name: the rule's patterns */
  JG_IMPORT_ITEM_HOST_PATTERN, /* a wildcard Host block that is not a rule */
} JgImportItem;

/* One line of the report. */
typedef struct
{
  JgImportItem    item;
  JgImportAction  action;
  char           *name;
  char           *reason;  /* translated, for a person */
  char           *host_id; /* the inventory entry concerned (a rule's jump host); NULL if skipped */
  char           *file;    /* the Host line it comes from; NULL if none */
  guint           line;
} JgImportEntry;

typedef struct _JgImportReport JgImportReport;

#define JG_TYPE_IMPORT_REPORT (jg_import_report_get_type ())
GType           jg_import_report_get_type      (void) G_GNUC_CONST;
JgImportReport *jg_import_report_ref           (JgImportReport *self);
void            jg_import_report_unref         (JgImportReport *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgImportReport, jg_import_report_unref)

/* The configuration file imported. */
const char     *jg_import_report_get_path      (JgImportReport *self);
/* Element type JgImportEntry: jump hosts, machines, then Host patterns. */
GPtrArray      *jg_import_report_get_entries   (JgImportReport *self);
/* Element type JgSshWarning: what was skipped or left out, with file:line. */
GPtrArray      *jg_import_report_get_warnings  (JgImportReport *self);
guint           jg_import_report_count         (JgImportReport *self,
                                                JgImportAction  action);
/* "2 added, 1 updated, 3 unchanged, 1 skipped" */
char           *jg_import_report_dup_summary   (JgImportReport *self);
/* The whole report as text for a terminal, one entry or warning a line. */
char           *jg_import_report_format        (JgImportReport *self);
/* Finds the entry for @name of @item, NULL if none. */
const JgImportEntry *jg_import_report_lookup   (JgImportReport *self,
                                                JgImportItem    item,
                                                const char     *name);

const char     *jg_import_action_to_string     (JgImportAction  action);
const char     *jg_import_item_to_string       (JgImportItem    item);

/* Reads @path (NULL: ~/.ssh/config) and what it includes, and imports it. */
gboolean        jg_import_ssh_config           (JgInventory     *inventory,
                                                const char      *path,
                                                JgImportReport **report,
                                                GError         **error);
/* Imports an already parsed configuration (its warnings join the report's). */
gboolean        jg_import_from_config          (JgInventory     *inventory,
                                                JgSshConfig     *config,
                                                const char      *path,
                                                JgImportReport **report,
                                                GError         **error);

G_END_DECLS
