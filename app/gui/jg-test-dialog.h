/* jg-test-dialog.h — Test Connection: the checklist of every hop, live
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "jg-diagnose.h"

G_BEGIN_DECLS

#define JG_TYPE_TEST_DIALOG (jg_test_dialog_get_type ())
G_DECLARE_FINAL_TYPE (JgTestDialog, jg_test_dialog, JG, TEST_DIALOG, AdwWindow)

/* Opens the dialog over @parent and starts the test of @host (which need
 * not be saved: the editor tests what is typed). */
JgTestDialog *jg_test_dialog_new            (GtkWindow    *parent,
                                             JgInventory  *inventory,
                                             JgHost       *host);
JgDiagnosis  *jg_test_dialog_get_diagnosis  (JgTestDialog *self);
gboolean      jg_test_dialog_get_running    (JgTestDialog *self);
/* The line above the checklist: "Testing…", "Every step passed", "Failed at …". */
const char   *jg_test_dialog_get_summary    (JgTestDialog *self);
/* Starts the test again. */
void          jg_test_dialog_run            (JgTestDialog *self);

G_END_DECLS
