/* bench-connect.c — connection latency through an already-open jump session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-connect MACHINES_JSON NAME [COUNT]
 *
 * Prints, one per line: the cold connect-and-run-true time of NAME (every
 * hop new), then COUNT times the same while the first hop's session stays
 * open (a connection to it is held), each with a fresh session to NAME
 * itself. Seconds, one "cold"/"shared" label per line. Used by
 * bench-tunnel.sh.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "jg-connection.h"
#include "jg-session-private.h"
#include "jg-store.h"

typedef struct
{
  GMainLoop *loop;
  GError    *error;
  gboolean   done;
} Wait;

static void
on_closed (JgConnection *conn,
           const GError *error,
           Wait         *w)
{
  if (error != NULL)
    w->error = g_error_copy (error);
  w->done = TRUE;
  g_main_loop_quit (w->loop);
}

static void
on_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *w = user_data;
  gboolean ok;

  if (g_task_get_source_tag (G_TASK (result)) == jg_connection_connect_async)
    {
      ok = jg_connection_connect_finish (JG_CONNECTION (object), result, &w->error);
      w->done = TRUE;
      g_main_loop_quit (w->loop);
      return;
    }
  ok = jg_connection_exec_finish (JG_CONNECTION (object), result, &w->error);
  if (!ok)
    {
      w->done = TRUE;
      g_main_loop_quit (w->loop);
    }
}

static double
run_true (JgInventory *inventory,
          JgHost      *host)
{
  g_autoptr(JgConnection) conn = jg_connection_new (inventory, host, NULL);
  Wait w = { g_main_loop_new (NULL, FALSE), NULL, FALSE };
  gint64 start = g_get_monotonic_time ();
  double elapsed;

  jg_connection_set_shared (conn, FALSE);
  g_signal_connect (conn, "closed", G_CALLBACK (on_closed), &w);
  jg_connection_exec_async (conn, "true", -1, open ("/dev/null", O_WRONLY | O_CLOEXEC),
                            open ("/dev/null", O_WRONLY | O_CLOEXEC), NULL, on_done, &w);
  if (!w.done)
    g_main_loop_run (w.loop);
  elapsed = (g_get_monotonic_time () - start) / 1e6;
  if (w.error != NULL)
    {
      g_printerr ("bench-connect: %s\n", w.error->message);
      exit (1);
    }
  g_main_loop_unref (w.loop);
  return elapsed;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(JgInventory) inventory = jg_inventory_new ();
  g_autoptr(JgStore) store = NULL;
  g_autoptr(JgConnection) holder = NULL;
  g_autoptr(GPtrArray) chain = NULL;
  g_autoptr(GError) error = NULL;
  JgHost *host;
  guint count = argc > 3 ? atoi (argv[3]) : 10;
  Wait w = { NULL, NULL, FALSE };

  if (argc < 3)
    {
      g_printerr ("usage: bench-connect MACHINES_JSON NAME [COUNT]\n");
      return 2;
    }
  store = jg_store_new (argv[1]);
  if (!jg_store_load (store, inventory, &error))
    {
      g_printerr ("bench-connect: %s\n", error->message);
      return 1;
    }
  host = jg_inventory_lookup (inventory, argv[2]);
  chain = host != NULL ? jg_inventory_get_chain (inventory, host, NULL) : NULL;
  if (chain == NULL || chain->len == 0)
    {
      g_printerr ("bench-connect: %s is not a machine behind a jump host\n", argv[2]);
      return 1;
    }

  printf ("cold %.4f\n", run_true (inventory, host));
  jg_session_wait_all (2000);

  /* hold the first jump host's session open */
  holder = jg_connection_new (inventory, g_ptr_array_index (chain, 0), NULL);
  w.loop = g_main_loop_new (NULL, FALSE);
  jg_connection_connect_async (holder, NULL, on_done, &w);
  g_main_loop_run (w.loop);
  if (w.error != NULL)
    {
      g_printerr ("bench-connect: %s\n", w.error->message);
      return 1;
    }
  for (guint i = 0; i < count; i++)
    printf ("shared %.4f\n", run_true (inventory, host));
  jg_connection_close (holder);
  jg_session_wait_all (2000);
  g_main_loop_unref (w.loop);
  return 0;
}
