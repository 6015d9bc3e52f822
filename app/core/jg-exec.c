/* jg-exec.c — jumpgate --exec NAME -- COMMAND: run a command on a saved machine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "jg-connection.h"
#include "jg-destination.h"
#include "jg-exec.h"
#include "jg-session-private.h"

typedef struct
{
  GMainLoop *loop;
  GError    *error;
  gboolean   done;
  gboolean   no_tty;
  gboolean   verbose;
} ExecState;

static int
open_tty (void)
{
  return open ("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
}

static void
tty_write (int         fd,
           const char *text)
{
  gsize len = strlen (text);

  while (len > 0)
    {
      gssize n = write (fd, text, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return;
      text += n;
      len -= n;
    }
}

/* Reads one line from the terminal, without echo when @echo is FALSE. */
static char *
tty_read_line (int      fd,
               gboolean echo)
{
  struct termios saved, quiet;
  gboolean restore = FALSE;
  GString *line = g_string_new (NULL);
  char c;

  if (!echo && tcgetattr (fd, &saved) == 0)
    {
      quiet = saved;
      quiet.c_lflag &= ~(ECHO | ECHONL);
      quiet.c_lflag |= ICANON;
      restore = tcsetattr (fd, TCSAFLUSH, &quiet) == 0;
    }
  for (;;)
    {
      gssize n = read (fd, &c, 1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0 || c == '\n')
        break;
      g_string_append_c (line, c);
    }
  if (restore)
    {
      tcsetattr (fd, TCSAFLUSH, &saved);
      tty_write (fd, "\n");
    }
  return g_string_free (line, FALSE);
}

gboolean
jg_exec_prompt_on_tty (JgPrompt *prompt)
{
  int fd = open_tty ();

  g_return_val_if_fail (JG_IS_PROMPT (prompt), FALSE);

  if (fd < 0)
    {
      jg_prompt_cancel (prompt);
      return FALSE;
    }

  if (jg_prompt_get_kind (prompt) == JG_PROMPT_HOST_KEY)
    {
      g_autofree char *text = g_strdup_printf (_("%s.\n%s key fingerprint is %s.\n"
                                                 "Are you sure you want to continue connecting (yes/no)? "),
                                               jg_prompt_get_message (prompt),
                                               jg_prompt_get_key_type (prompt),
                                               jg_prompt_get_fingerprint (prompt));
      tty_write (fd, text);
      for (;;)
        {
          g_autofree char *answer = tty_read_line (fd, TRUE);

          if (g_ascii_strcasecmp (answer, "yes") == 0)
            {
              jg_prompt_accept (prompt);
              break;
            }
          if (g_ascii_strcasecmp (answer, "no") == 0 || *answer == '\0')
            {
              jg_prompt_cancel (prompt);
              break;
            }
          tty_write (fd, _("Please type “yes” or “no”: "));
        }
    }
  else
    {
      guint n = jg_prompt_get_n_questions (prompt);
      g_autoptr(GPtrArray) answers = g_ptr_array_new ();
      const char *instruction = jg_prompt_get_instruction (prompt);

      if (jg_prompt_get_kind (prompt) == JG_PROMPT_KEYBOARD_INTERACTIVE &&
          instruction != NULL && *instruction != '\0')
        {
          tty_write (fd, instruction);
          tty_write (fd, "\n");
        }
      for (guint i = 0; i < n; i++)
        {
          gboolean echo = FALSE;
          const char *question = jg_prompt_get_question (prompt, i, &echo);
          g_autofree char *label = NULL;

          if (jg_prompt_get_kind (prompt) != JG_PROMPT_KEYBOARD_INTERACTIVE)
            label = g_strdup_printf ("%s: %s ", jg_prompt_get_message (prompt), question);
          else
            label = g_strdup (question);
          tty_write (fd, label);
          g_ptr_array_add (answers, tty_read_line (fd, echo));
        }
      g_ptr_array_add (answers, NULL);
      jg_prompt_respond (prompt, (const char * const *) answers->pdata);
      for (guint i = 0; i + 1 < answers->len; i++)
        {
          char *a = g_ptr_array_index (answers, i);
          explicit_bzero (a, strlen (a));
          g_free (a);
        }
    }
  close (fd);
  return TRUE;
}

static void
on_prompt (JgConnection *connection,
           JgPrompt     *prompt,
           gpointer      user_data)
{
  ExecState *state = user_data;

  if (!jg_exec_prompt_on_tty (prompt))
    state->no_tty = TRUE;
}

static void
on_progress (JgConnection     *connection,
             guint             hop,
             JgConnectionStep  step,
             const char       *detail,
             gpointer          user_data)
{
  ExecState *state = user_data;

  if (state->verbose)
    {
      JgHost *host = jg_connection_get_hop (connection, hop);
      g_printerr ("jumpgate: [%s] %s\n", jg_host_get_name (host), detail);
    }
}

static void
on_closed (JgConnection *connection,
           const GError *error,
           gpointer      user_data)
{
  ExecState *state = user_data;

  if (error != NULL && state->error == NULL)
    state->error = g_error_copy (error);
  state->done = TRUE;
  g_main_loop_quit (state->loop);
}

static void
on_exec (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  ExecState *state = user_data;

  if (!jg_connection_exec_finish (JG_CONNECTION (object), result, &state->error))
    {
      state->done = TRUE;
      g_main_loop_quit (state->loop);
    }
}

static int
dup_fd (int  fd,
        int *saved_flags)
{
  int copy = fcntl (fd, F_DUPFD_CLOEXEC, 3);

  *saved_flags = fcntl (fd, F_GETFL);
  return copy;
}

int
jg_exec_run (JgInventory  *inventory,
             const char   *destination,
             char        **argv,
             GError      **error)
{
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(JgConnection) connection = NULL;
  g_autofree char *command = NULL;
  g_autoptr(JgRoute) route = NULL;
  ExecState state = { 0 };
  JgHost *host;
  int flags[3];
  int fds[3];
  int status;

  g_return_val_if_fail (JG_IS_INVENTORY (inventory), JG_EXEC_CONNECTION_FAILED);
  g_return_val_if_fail (destination != NULL, JG_EXEC_CONNECTION_FAILED);

  if (argv == NULL || argv[0] == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("No command to run: use “jumpgate --exec %s -- COMMAND [ARG…]”"), destination);
      return JG_EXEC_CONNECTION_FAILED;
    }
  /* A saved name first (names may hold spaces), then [user@]host[:port]
   * through the rules, as ssh resolves through its config. */
  host = jg_inventory_lookup (inventory, destination);
  if (host == NULL)
    {
      g_autoptr(GError) parse_error = NULL;

      route = jg_destination_lookup (inventory, destination, &parse_error);
      if (route == NULL)
        {
          g_autofree char *shown = jg_destination_dup_printable (destination);

          g_set_error (error, JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_CONFIG,
                       _("No saved machine is called “%s”, and it is not an address to connect to: %s"),
                       shown, parse_error->message);
          return JG_EXEC_CONNECTION_FAILED;
        }
      host = route->host;
    }

  context = g_main_context_new ();
  g_main_context_push_thread_default (context);

  connection = jg_connection_new (inventory, host, error);
  if (connection == NULL)
    {
      g_main_context_pop_thread_default (context);
      return JG_EXEC_CONNECTION_FAILED;
    }

  command = g_strjoinv (" ", argv);
  state.loop = g_main_loop_new (context, FALSE);
  state.verbose = g_getenv ("JUMPGATE_VERBOSE") != NULL;
  g_signal_connect (connection, "prompt", G_CALLBACK (on_prompt), &state);
  g_signal_connect (connection, "progress", G_CALLBACK (on_progress), &state);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed), &state);

  for (int i = 0; i < 3; i++)
    fds[i] = dup_fd (i, &flags[i]);
  jg_connection_exec_async (connection, command, fds[0], fds[1], fds[2], NULL, on_exec, &state);
  if (!state.done)
    g_main_loop_run (state.loop);

  /* the pipes were made non-blocking: give them back as they were */
  for (int i = 0; i < 3; i++)
    if (flags[i] >= 0)
      fcntl (i, F_SETFL, flags[i]);

  if (state.error != NULL)
    {
      if (state.no_tty && (state.error->code == JG_CONNECTION_ERROR_CANCELLED ||
                           state.error->code == JG_CONNECTION_ERROR_HOST_KEY_UNKNOWN))
        {
          GError *e = g_error_new (JG_CONNECTION_ERROR, JG_CONNECTION_ERROR_CANCELLED,
                                   _("%s — there is no terminal to ask on: run the command in a terminal"),
                                   state.error->message);
          g_clear_error (&state.error);
          state.error = e;
        }
      g_propagate_error (error, state.error);
      status = JG_EXEC_CONNECTION_FAILED;
    }
  else
    {
      status = jg_connection_get_exit_status (connection);
      if (status < 0)
        status = JG_EXEC_CONNECTION_FAILED;
    }

  jg_connection_close (connection);
  g_clear_object (&connection);
  /* let the workers' last reports run before the context goes */
  while (g_main_context_iteration (context, FALSE))
    ;
  /* the workers disconnect; libssh must outlive them */
  jg_session_wait_all (3000);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_loop_unref (state.loop);
  g_main_context_pop_thread_default (context);
  return status;
}
