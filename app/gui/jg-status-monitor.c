/* jg-status-monitor.c — which machines are up, checked in the background
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A round probes every host of the inventory that is not being probed
 * already; the prober queues what is over its limit. Rounds run on a timer
 * while a window of the application is mapped and not minimized; the first
 * one waits a moment after the window appears, so that startup does not
 * pay for it. Items are kept by host id, so that a row bound later (the
 * list view recycles them) shows what is known.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "jg-application.h"
#include "jg-status-monitor.h"

#define FIRST_ROUND_DELAY_MS 1000
#define NEW_HOSTS_DELAY_MS   500

/* ------------------------------------------------------------------ item */

struct _JgStatusItem
{
  GObject         parent_instance;

  char           *id;
  JgReachability  state;
  char           *banner;
  char           *detail;
  char           *through;
  gint64          checked;
  gboolean        checking;
};

G_DEFINE_FINAL_TYPE (JgStatusItem, jg_status_item, G_TYPE_OBJECT)

enum
{
  ITEM_CHANGED,
  N_ITEM_SIGNALS
};

static guint item_signals[N_ITEM_SIGNALS];

static void
jg_status_item_finalize (GObject *object)
{
  JgStatusItem *self = JG_STATUS_ITEM (object);

  g_free (self->id);
  g_free (self->banner);
  g_free (self->detail);
  g_free (self->through);
  G_OBJECT_CLASS (jg_status_item_parent_class)->finalize (object);
}

static void
jg_status_item_class_init (JgStatusItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = jg_status_item_finalize;

  item_signals[ITEM_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
jg_status_item_init (JgStatusItem *self)
{
}

static void
item_update (JgStatusItem        *self,
             const JgProbeResult *result)
{
  self->state = result->state;
  g_free (self->banner);
  self->banner = g_strdup (result->banner);
  g_free (self->detail);
  self->detail = g_strdup (result->detail);
  g_free (self->through);
  self->through = g_strdup (result->through);
  self->checked = result->checked;
  self->checking = FALSE;
  g_signal_emit (self, item_signals[ITEM_CHANGED], 0);
}

JgReachability
jg_status_item_get_state (JgStatusItem *self)
{
  g_return_val_if_fail (JG_IS_STATUS_ITEM (self), JG_REACHABILITY_UNKNOWN);
  return self->state;
}

const char *
jg_status_item_get_banner (JgStatusItem *self)
{
  g_return_val_if_fail (JG_IS_STATUS_ITEM (self), NULL);
  return self->banner;
}

const char *
jg_status_item_get_detail (JgStatusItem *self)
{
  g_return_val_if_fail (JG_IS_STATUS_ITEM (self), NULL);
  return self->detail;
}

gint64
jg_status_item_get_checked (JgStatusItem *self)
{
  g_return_val_if_fail (JG_IS_STATUS_ITEM (self), 0);
  return self->checked;
}

gboolean
jg_status_item_get_checking (JgStatusItem *self)
{
  g_return_val_if_fail (JG_IS_STATUS_ITEM (self), FALSE);
  return self->checking;
}

char *
jg_status_item_dup_tooltip (JgStatusItem *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (JG_IS_STATUS_ITEM (self), NULL);

  if (self->checked == 0)
    return g_strdup (self->checking ? _("Checking whether it is up…") : _("Not checked yet"));

  switch (self->state)
    {
    case JG_REACHABILITY_ONLINE:
      /* Translators: the SSH banner follows, "SSH-2.0-OpenSSH_9.2p1" */
      g_string_append_printf (text, _("Online — %s"), self->banner);
      break;
    case JG_REACHABILITY_OFFLINE:
      g_string_append_printf (text, _("Offline — %s"), self->detail ? self->detail : "");
      break;
    case JG_REACHABILITY_UNKNOWN:
    default:
      g_string_append_printf (text, _("Unknown — %s"), self->detail ? self->detail : "");
      break;
    }
  if (self->through != NULL)
    {
      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Checked through %s"), self->through);
    }
  {
    g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (self->checked / G_USEC_PER_SEC);
    g_autofree char *time = when ? g_date_time_format (when, "%X") : NULL;

    g_string_append_c (text, '\n');
    g_string_append_printf (text, _("Last checked at %s"), time ? time : "?");
  }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

const char *
jg_status_item_get_icon_name (JgStatusItem *self)
{
  g_return_val_if_fail (JG_IS_STATUS_ITEM (self), NULL);
  return self->checked == 0 || self->state == JG_REACHABILITY_UNKNOWN
         ? "radio-symbolic" : "media-record-symbolic";
}

const char *
jg_status_item_get_css_class (JgStatusItem *self)
{
  g_return_val_if_fail (JG_IS_STATUS_ITEM (self), NULL);
  if (self->checked == 0)
    return "dim-label";
  switch (self->state)
    {
    case JG_REACHABILITY_ONLINE: return "success";
    case JG_REACHABILITY_OFFLINE: return "error";
    case JG_REACHABILITY_UNKNOWN:
    default: return "dim-label";
    }
}

/* --------------------------------------------------------------- monitor */

struct _JgStatusMonitor
{
  GObject          parent_instance;

  GtkApplication  *application;   /* weak */
  JgInventory     *inventory;
  JgProber        *prober;
  GHashTable      *items;         /* id → JgStatusItem */
  GHashTable      *in_flight;     /* id set */
  GCancellable    *cancellable;
  GSettings       *settings;
  GNetworkMonitor *network;

  guint            interval;
  gboolean         interval_from_env;
  gboolean         visible;
  gboolean         active;
  gboolean         network_available;
  guint            timer;
  guint            first_round;
  guint            new_hosts;
  gint64           last_round;
  guint            n_pending;
  guint            n_rounds;
};

G_DEFINE_FINAL_TYPE (JgStatusMonitor, jg_status_monitor, G_TYPE_OBJECT)

enum
{
  ROUND_FINISHED,
  NETWORK_BACK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  JgStatusMonitor *self;
  char            *id;
} Pending;

static void
on_probed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Pending *pending = user_data;
  g_autoptr(JgStatusMonitor) self = pending->self;
  g_autofree char *id = pending->id;
  g_autoptr(JgProbeResult) probe = NULL;
  g_autoptr(GError) error = NULL;
  JgStatusItem *item;

  g_free (pending);
  probe = jg_prober_probe_finish (JG_PROBER (source), result, &error);
  g_hash_table_remove (self->in_flight, id);
  item = g_hash_table_lookup (self->items, id);
  if (probe != NULL && item != NULL)
    item_update (item, probe);
  else if (item != NULL)
    item->checking = FALSE;

  g_assert (self->n_pending > 0);
  if (--self->n_pending == 0)
    {
      self->n_rounds++;
      g_signal_emit (self, signals[ROUND_FINISHED], 0);
    }
}

static JgStatusItem *
ensure_item (JgStatusMonitor *self,
             const char      *id)
{
  JgStatusItem *item = g_hash_table_lookup (self->items, id);

  if (item == NULL)
    {
      item = g_object_new (JG_TYPE_STATUS_ITEM, NULL);
      item->id = g_strdup (id);
      g_hash_table_insert (self->items, item->id, item);
    }
  return item;
}

/* Probes the hosts not being probed; with @only_new, only those never
 * checked. */
static void
probe_hosts (JgStatusMonitor *self,
             gboolean         only_new)
{
  GListModel *model = G_LIST_MODEL (self->inventory);
  guint n;

  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JgHost) host = g_list_model_get_item (model, i);
      const char *id = jg_host_get_id (host);
      Pending *pending;

      if (id == NULL || g_hash_table_contains (self->in_flight, id))
        continue;
      if (only_new && g_hash_table_contains (self->items, id) &&
          jg_status_item_get_checked (g_hash_table_lookup (self->items, id)) != 0)
        continue;
      ensure_item (self, id)->checking = TRUE;
      g_hash_table_add (self->in_flight, g_strdup (id));
      pending = g_new0 (Pending, 1);
      pending->self = g_object_ref (self);
      pending->id = g_strdup (id);
      self->n_pending++;
      jg_prober_probe_async (self->prober, self->inventory, host, self->cancellable,
                             on_probed, pending);
    }
}

void
jg_status_monitor_refresh (JgStatusMonitor *self)
{
  g_return_if_fail (JG_IS_STATUS_MONITOR (self));

  self->last_round = g_get_monotonic_time ();
  probe_hosts (self, FALSE);
}

static gboolean
on_new_hosts (gpointer data)
{
  JgStatusMonitor *self = data;

  self->new_hosts = 0;
  if (self->active && self->first_round == 0)
    probe_hosts (self, TRUE);
  return G_SOURCE_REMOVE;
}

/* A machine was added (the wizard, an import): its dot need not wait for
 * the next round. */
static void
on_items_changed (JgStatusMonitor *self,
                  guint            position,
                  guint            removed,
                  guint            added)
{
  if (added > 0 && self->active && self->new_hosts == 0)
    self->new_hosts = g_timeout_add (NEW_HOSTS_DELAY_MS, on_new_hosts, self);
}

static gboolean
on_timer (gpointer data)
{
  jg_status_monitor_refresh (data);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_first_round (gpointer data)
{
  JgStatusMonitor *self = data;

  self->first_round = 0;
  jg_status_monitor_refresh (self);
  return G_SOURCE_REMOVE;
}

static void
update_active (JgStatusMonitor *self)
{
  gboolean active = self->visible && self->interval > 0;
  gint64 since;

  if (active == self->active)
    return;
  self->active = active;
  g_clear_handle_id (&self->timer, g_source_remove);
  g_clear_handle_id (&self->first_round, g_source_remove);
  if (!active)
    return;

  self->timer = g_timeout_add_seconds (self->interval, on_timer, self);
  since = g_get_monotonic_time () - self->last_round;
  if (self->last_round == 0)
    self->first_round = g_timeout_add (FIRST_ROUND_DELAY_MS, on_first_round, self);
  else if (since >= (gint64) self->interval * G_USEC_PER_SEC)
    jg_status_monitor_refresh (self);
}

static gboolean
window_shows (GtkWindow *window)
{
  GdkSurface *surface;

  if (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    return FALSE;
  surface = gtk_native_get_surface (GTK_NATIVE (window));
  return !(GDK_IS_TOPLEVEL (surface) &&
           (gdk_toplevel_get_state (GDK_TOPLEVEL (surface)) & GDK_TOPLEVEL_STATE_MINIMIZED));
}

static void
update_visible (JgStatusMonitor *self)
{
  gboolean visible = FALSE;

  if (self->application != NULL)
    for (GList *l = gtk_application_get_windows (self->application); l != NULL && !visible; l = l->next)
      visible = window_shows (l->data);
  self->visible = visible;
  update_active (self);
}

static void
on_window_mapped (GtkWidget       *window,
                  JgStatusMonitor *self)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  if (surface != NULL && g_object_get_data (G_OBJECT (surface), "jg-status-monitor") == NULL)
    {
      g_object_set_data (G_OBJECT (surface), "jg-status-monitor", self);
      g_signal_connect_object (surface, "notify::state", G_CALLBACK (update_visible), self,
                               G_CONNECT_SWAPPED);
    }
  update_visible (self);
}

static void
on_window_added (GtkApplication  *application,
                 GtkWindow       *window,
                 JgStatusMonitor *self)
{
  g_signal_connect_object (window, "map", G_CALLBACK (on_window_mapped), self, 0);
  g_signal_connect_object (window, "unmap", G_CALLBACK (update_visible), self, G_CONNECT_SWAPPED);
  update_visible (self);
}

static void
on_network_changed (GNetworkMonitor *network,
                    gboolean         available,
                    JgStatusMonitor *self)
{
  jg_status_monitor_network_changed (self, available);
}

void
jg_status_monitor_network_changed (JgStatusMonitor *self,
                                   gboolean         available)
{
  gboolean back;

  g_return_if_fail (JG_IS_STATUS_MONITOR (self));

  back = available && !self->network_available;
  self->network_available = available;
  if (!back)
    return;
  if (self->active)
    jg_status_monitor_refresh (self);
  g_signal_emit (self, signals[NETWORK_BACK], 0);
}

static void
on_settings_changed (JgStatusMonitor *self)
{
  if (!self->interval_from_env)
    jg_status_monitor_set_interval (self, MAX (0, g_settings_get_int (self->settings, "status-interval")));
}

void
jg_status_monitor_set_interval (JgStatusMonitor *self,
                                guint            seconds)
{
  g_return_if_fail (JG_IS_STATUS_MONITOR (self));

  if (self->interval == seconds)
    return;
  self->interval = seconds;
  /* keep the jump sessions of probes from one round to the next */
  jg_prober_set_linger (self->prober, seconds > 0 ? 2 * seconds + 30 : 0);
  if (self->active)
    {
      self->active = FALSE;
      g_clear_handle_id (&self->timer, g_source_remove);
    }
  update_active (self);
}

guint
jg_status_monitor_get_interval (JgStatusMonitor *self)
{
  g_return_val_if_fail (JG_IS_STATUS_MONITOR (self), 0);
  return self->interval;
}

JgProber *
jg_status_monitor_get_prober (JgStatusMonitor *self)
{
  g_return_val_if_fail (JG_IS_STATUS_MONITOR (self), NULL);
  return self->prober;
}

gboolean
jg_status_monitor_get_active (JgStatusMonitor *self)
{
  g_return_val_if_fail (JG_IS_STATUS_MONITOR (self), FALSE);
  return self->active;
}

guint
jg_status_monitor_get_n_rounds (JgStatusMonitor *self)
{
  g_return_val_if_fail (JG_IS_STATUS_MONITOR (self), 0);
  return self->n_rounds;
}

JgStatusItem *
jg_status_monitor_get_item (JgStatusMonitor *self,
                            JgHost          *host)
{
  g_return_val_if_fail (JG_IS_STATUS_MONITOR (self), NULL);
  g_return_val_if_fail (JG_IS_HOST (host), NULL);
  g_return_val_if_fail (jg_host_get_id (host) != NULL, NULL);

  return ensure_item (self, jg_host_get_id (host));
}

JgStatusMonitor *
jg_status_monitor_get_default (void)
{
  GApplication *application = g_application_get_default ();

  return application != NULL ? g_object_get_data (G_OBJECT (application), "jg-status-monitor") : NULL;
}

static void
jg_status_monitor_dispose (GObject *object)
{
  JgStatusMonitor *self = JG_STATUS_MONITOR (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->timer, g_source_remove);
  g_clear_handle_id (&self->first_round, g_source_remove);
  g_clear_handle_id (&self->new_hosts, g_source_remove);
  if (self->inventory != NULL)
    g_signal_handlers_disconnect_by_data (self->inventory, self);
  if (self->application != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->application, self);
      if (g_object_get_data (G_OBJECT (self->application), "jg-status-monitor") == self)
        g_object_set_data (G_OBJECT (self->application), "jg-status-monitor", NULL);
      g_object_remove_weak_pointer (G_OBJECT (self->application), (gpointer *) &self->application);
      self->application = NULL;
    }
  if (self->network != NULL)
    g_signal_handlers_disconnect_by_data (self->network, self);
  if (self->prober != NULL)
    jg_prober_release_sessions (self->prober);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (jg_status_monitor_parent_class)->dispose (object);
}

static void
jg_status_monitor_finalize (GObject *object)
{
  JgStatusMonitor *self = JG_STATUS_MONITOR (object);

  g_clear_object (&self->prober);
  g_clear_object (&self->inventory);
  g_clear_object (&self->cancellable);
  g_hash_table_unref (self->items);
  g_hash_table_unref (self->in_flight);
  G_OBJECT_CLASS (jg_status_monitor_parent_class)->finalize (object);
}

static void
jg_status_monitor_class_init (JgStatusMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jg_status_monitor_dispose;
  object_class->finalize = jg_status_monitor_finalize;

  signals[ROUND_FINISHED] =
    g_signal_new ("round-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[NETWORK_BACK] =
    g_signal_new ("network-back", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
jg_status_monitor_init (JgStatusMonitor *self)
{
  self->items = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  self->in_flight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();
  self->prober = jg_prober_new ();
}

JgStatusMonitor *
jg_status_monitor_new (GtkApplication *application,
                       JgInventory    *inventory)
{
  JgStatusMonitor *self;
  const char *env = g_getenv ("JUMPGATE_STATUS_INTERVAL");
  guint interval = JG_STATUS_DEFAULT_INTERVAL;

  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (JG_IS_INVENTORY (inventory), NULL);

  self = g_object_new (JG_TYPE_STATUS_MONITOR, NULL);
  self->inventory = g_object_ref (inventory);
  g_signal_connect_swapped (inventory, "items-changed", G_CALLBACK (on_items_changed), self);

  if (env != NULL && *env != '\0')
    {
      interval = (guint) g_ascii_strtoull (env, NULL, 10);
      self->interval_from_env = TRUE;
    }
  else if ((self->settings = jg_application_dup_settings ()) != NULL)
    {
      g_autoptr(GSettingsSchema) schema = NULL;

      g_object_get (self->settings, "settings-schema", &schema, NULL);
      if (g_settings_schema_has_key (schema, "status-interval"))
        {
          interval = MAX (0, g_settings_get_int (self->settings, "status-interval"));
          g_signal_connect_object (self->settings, "changed::status-interval",
                                   G_CALLBACK (on_settings_changed), self, G_CONNECT_SWAPPED);
        }
    }
  self->interval = interval;
  jg_prober_set_linger (self->prober, interval > 0 ? 2 * interval + 30 : 0);

  self->network = g_network_monitor_get_default ();
  self->network_available = g_network_monitor_get_network_available (self->network);
  g_signal_connect (self->network, "network-changed", G_CALLBACK (on_network_changed), self);

  if (application != NULL)
    {
      self->application = application;
      g_object_add_weak_pointer (G_OBJECT (application), (gpointer *) &self->application);
      g_object_set_data (G_OBJECT (application), "jg-status-monitor", self);
      g_signal_connect (application, "window-added", G_CALLBACK (on_window_added), self);
      g_signal_connect_swapped (application, "window-removed", G_CALLBACK (update_visible), self);
      for (GList *l = gtk_application_get_windows (application); l != NULL; l = l->next)
        on_window_added (application, l->data, self);
    }
  return self;
}
