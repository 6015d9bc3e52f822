/* jg-store.h — machines.json: load, and save atomically
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jg-inventory.h"

G_BEGIN_DECLS

#define JG_STORE_VERSION 1

#define JG_STORE_ERROR (jg_store_error_quark ())

typedef enum
{
  JG_STORE_ERROR_PARSE,     /* the file is not valid JSON or not an inventory */
  JG_STORE_ERROR_NEWER,     /* written by a newer Jumpgate */
  JG_STORE_ERROR_BLOCKED,   /* saving refused: the file on disk could not be read */
  JG_STORE_ERROR_IO,
} JgStoreError;

#define JG_TYPE_STORE (jg_store_get_type ())
G_DECLARE_FINAL_TYPE (JgStore, jg_store, JG, STORE, GObject)

GQuark      jg_store_error_quark     (void);
char       *jg_store_default_path    (void);
JgStore    *jg_store_new             (const char   *path);
const char *jg_store_get_path        (JgStore      *self);
gboolean    jg_store_load            (JgStore      *self,
                                      JgInventory  *inventory,
                                      GError      **error);
gboolean    jg_store_save            (JgStore      *self,
                                      JgInventory  *inventory,
                                      GError      **error);
gboolean    jg_store_is_blocked      (JgStore      *self);
gboolean    jg_store_write_file      (const char   *path,
                                      const char   *data,
                                      gsize         length,
                                      GError      **error);
char       *jg_store_move_aside      (JgStore      *self,
                                      GError      **error);

/* Serialization without the file, for tests, fuzzing and export. */
gboolean    jg_store_load_from_data  (JgStore      *self,
                                      const char   *data,
                                      gssize        length,
                                      JgInventory  *inventory,
                                      GError      **error);
char       *jg_store_to_data         (JgStore      *self,
                                      JgInventory  *inventory,
                                      gsize        *length);

G_END_DECLS
