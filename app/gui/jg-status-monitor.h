/* jg-status-monitor.h — which machines are up, checked in the background
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The application owns one monitor. While one of its windows is visible it
 * probes every saved host (jg-probe.h: VMs through their jump host's
 * session, the others directly) every "status-interval" seconds (GSettings,
 * default 60; 0 is off; JUMPGATE_STATUS_INTERVAL overrides it), at most 8
 * at once, and again at once when the network comes back. Each host has a
 * JgStatusItem that the sidebar rows show.
 */
#pragma once

#include <gtk/gtk.h>

#include "jg-inventory.h"
#include "jg-probe.h"

G_BEGIN_DECLS

#define JG_TYPE_STATUS_ITEM (jg_status_item_get_type ())
G_DECLARE_FINAL_TYPE (JgStatusItem, jg_status_item, JG, STATUS_ITEM, GObject)

/* ::changed is emitted when the state, the detail or the check time changed. */
JgReachability  jg_status_item_get_state     (JgStatusItem *self);
/* ONLINE: the banner line; else NULL. */
const char     *jg_status_item_get_banner    (JgStatusItem *self);
/* OFFLINE / UNKNOWN: why (translated). */
const char     *jg_status_item_get_detail    (JgStatusItem *self);
/* g_get_real_time () of the last check, 0 before the first. */
gint64          jg_status_item_get_checked   (JgStatusItem *self);
gboolean        jg_status_item_get_checking  (JgStatusItem *self);
/* "Online — SSH-2.0-OpenSSH_9.2p1\nLast checked at 14:02:11" */
char           *jg_status_item_dup_tooltip   (JgStatusItem *self);
/* The status dot: an icon name and a style class ("success", "error" or
 * "dim-label"). */
const char     *jg_status_item_get_icon_name (JgStatusItem *self);
const char     *jg_status_item_get_css_class (JgStatusItem *self);

#define JG_TYPE_STATUS_MONITOR (jg_status_monitor_get_type ())
G_DECLARE_FINAL_TYPE (JgStatusMonitor, jg_status_monitor, JG, STATUS_MONITOR, GObject)

#define JG_STATUS_DEFAULT_INTERVAL 60

JgStatusMonitor *jg_status_monitor_new            (GtkApplication  *application,
                                                   JgInventory     *inventory);
/* The monitor of the default application, or NULL (no JgApplication). */
JgStatusMonitor *jg_status_monitor_get_default    (void);
/* The item of @host (made on first use; transfer none). */
JgStatusItem    *jg_status_monitor_get_item       (JgStatusMonitor *self,
                                                   JgHost          *host);
/* Seconds between rounds; 0 stops them. */
void             jg_status_monitor_set_interval   (JgStatusMonitor *self,
                                                   guint            seconds);
guint            jg_status_monitor_get_interval   (JgStatusMonitor *self);
JgProber        *jg_status_monitor_get_prober     (JgStatusMonitor *self);
/* Probes every host now (those not already being probed). */
void             jg_status_monitor_refresh        (JgStatusMonitor *self);
/* Whether rounds run: a window is visible and the interval is not 0. */
gboolean         jg_status_monitor_get_active     (JgStatusMonitor *self);
/* Rounds finished so far (for tests). */
guint            jg_status_monitor_get_n_rounds   (JgStatusMonitor *self);
/* What GNetworkMonitor::network-changed does: when the network comes back,
 * a round starts at once and ::network-back is emitted. */
void             jg_status_monitor_network_changed (JgStatusMonitor *self,
                                                    gboolean         available);

/* Signals:
 * ::round-finished (JgStatusMonitor *)  every probe of a round ended
 * ::network-back (JgStatusMonitor *)    the network is available again */

G_END_DECLS
