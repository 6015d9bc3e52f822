/* jg-capped-agent.c — the ssh-agent as one authentication sees it: a few
 * identities, the machine's own key first
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The agent protocol (draft-miller-ssh-agent): each message is a uint32
 * length and that many bytes, the first one the type. libssh asks, the
 * agent answers, one at a time; only the answer to
 * SSH2_AGENTC_REQUEST_IDENTITIES is rewritten.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "jg-capped-agent.h"

#define MSG_MAX                     (256 * 1024)
#define AGENTC_REQUEST_IDENTITIES   11
#define AGENT_IDENTITIES_ANSWER     12

struct _JgCappedAgent
{
  int      client_fd;     /* libssh's end, until stolen */
  int      relay_fd;      /* ours */
  int      agent_fd;
  int      stop_fd;
  guint    max;
  GBytes  *preferred;
  GThread *thread;
  gint     n_held;        /* atomic */
  gint     n_offered;     /* atomic */
};

/* Reads exactly @len bytes unless the peer ends or a stop is asked. */
static gboolean
read_full (int     fd,
           int     stop_fd,
           guint8 *buf,
           gsize   len)
{
  gsize got = 0;

  while (got < len)
    {
      struct pollfd pfd[2] = { { fd, POLLIN, 0 }, { stop_fd, POLLIN, 0 } };
      gssize n;

      if (poll (pfd, 2, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return FALSE;
        }
      if (pfd[1].revents != 0)
        return FALSE;
      n = read (fd, buf + got, len - got);
      if (n < 0 && (errno == EINTR || errno == EAGAIN))
        continue;
      if (n <= 0)
        return FALSE;
      got += n;
    }
  return TRUE;
}

static gboolean
write_full (int           fd,
            const guint8 *buf,
            gsize         len)
{
  while (len > 0)
    {
      gssize n = send (fd, buf, len, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      buf += n;
      len -= n;
    }
  return TRUE;
}

/* One message (the length prefix included), or NULL. */
static GByteArray *
read_message (int fd,
              int stop_fd)
{
  guint8 head[4];
  guint32 len;
  GByteArray *msg;

  if (!read_full (fd, stop_fd, head, 4))
    return NULL;
  len = (guint32) head[0] << 24 | head[1] << 16 | head[2] << 8 | head[3];
  if (len == 0 || len > MSG_MAX)
    return NULL;
  msg = g_byte_array_sized_new (len + 4);
  g_byte_array_append (msg, head, 4);
  g_byte_array_set_size (msg, len + 4);
  if (!read_full (fd, stop_fd, msg->data + 4, len))
    {
      g_byte_array_unref (msg);
      return NULL;
    }
  return msg;
}

static gboolean
get_u32 (const guint8 *data,
         gsize         len,
         gsize        *pos,
         guint32      *value)
{
  if (*pos > len || len - *pos < 4)
    return FALSE;
  *value = (guint32) data[*pos] << 24 | data[*pos + 1] << 16 | data[*pos + 2] << 8 | data[*pos + 3];
  *pos += 4;
  return TRUE;
}

static void
put_u32 (GByteArray *out,
         guint32     value)
{
  guint8 b[4] = { value >> 24, value >> 16, value >> 8, value };

  g_byte_array_append (out, b, 4);
}

typedef struct
{
  gsize start;    /* of the blob's length, in the answer */
  gsize end;      /* after the comment */
  gsize blob;     /* the blob's bytes */
  guint32 blob_len;
} Identity;

/* The answer with at most @max identities, @preferred first; NULL when it
 * can not be read (it is then passed on as it is). */
static GByteArray *
filter_identities (JgCappedAgent *self,
                   GByteArray    *answer)
{
  const guint8 *data = answer->data;
  gsize len = answer->len;
  gsize pos = 5;
  guint32 n;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (Identity));
  GByteArray *out;
  guint offered = 0;
  gsize body;

  if (!get_u32 (data, len, &pos, &n) || n > 10000)
    return NULL;
  for (guint32 i = 0; i < n; i++)
    {
      Identity id;
      guint32 comment_len;

      id.start = pos;
      if (!get_u32 (data, len, &pos, &id.blob_len) || len - pos < id.blob_len)
        return NULL;
      id.blob = pos;
      pos += id.blob_len;
      if (!get_u32 (data, len, &pos, &comment_len) || len - pos < comment_len)
        return NULL;
      pos += comment_len;
      id.end = pos;
      g_array_append_val (ids, id);
    }
  g_atomic_int_set (&self->n_held, n);

  out = g_byte_array_new ();
  put_u32 (out, 0);                      /* the length, below */
  g_byte_array_append (out, (const guint8 *) "\x0c", 1);
  put_u32 (out, 0);                      /* the count, below */
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < ids->len && offered < self->max; i++)
      {
        Identity *id = &g_array_index (ids, Identity, i);
        gsize plen = 0;
        const guint8 *pdata = self->preferred ? g_bytes_get_data (self->preferred, &plen) : NULL;
        gboolean is_preferred = pdata != NULL && plen == id->blob_len &&
                                memcmp (pdata, data + id->blob, plen) == 0;

        /* first the preferred one, then the others in the agent's order */
        if (is_preferred != (pass == 0))
          continue;
        g_byte_array_append (out, data + id->start, id->end - id->start);
        offered++;
      }
  body = out->len - 4;
  out->data[0] = body >> 24;
  out->data[1] = body >> 16;
  out->data[2] = body >> 8;
  out->data[3] = body;
  out->data[5] = offered >> 24;
  out->data[6] = offered >> 16;
  out->data[7] = offered >> 8;
  out->data[8] = offered;
  g_atomic_int_set (&self->n_offered, offered);
  return out;
}

static gpointer
relay_thread (gpointer data)
{
  JgCappedAgent *self = data;

  for (;;)
    {
      g_autoptr(GByteArray) request = read_message (self->relay_fd, self->stop_fd);
      g_autoptr(GByteArray) answer = NULL;
      g_autoptr(GByteArray) filtered = NULL;

      if (request == NULL || !write_full (self->agent_fd, request->data, request->len))
        break;
      answer = read_message (self->agent_fd, self->stop_fd);
      if (answer == NULL)
        break;
      if (request->data[4] == AGENTC_REQUEST_IDENTITIES && answer->data[4] == AGENT_IDENTITIES_ANSWER)
        filtered = filter_identities (self, answer);
      if (filtered != NULL)
        {
          if (!write_full (self->relay_fd, filtered->data, filtered->len))
            break;
        }
      else if (!write_full (self->relay_fd, answer->data, answer->len))
        break;
    }
  /* libssh's end reads the end of file from now on */
  shutdown (self->relay_fd, SHUT_RDWR);
  return NULL;
}

JgCappedAgent *
jg_capped_agent_start (const char  *agent_path,
                       guint        max,
                       GBytes      *preferred,
                       GError     **error)
{
  struct sockaddr_un addr = { 0 };
  JgCappedAgent *self;
  int pair[2];
  int agent_fd;

  if (agent_path == NULL || strlen (agent_path) >= sizeof addr.sun_path)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("No SSH agent is running"));
      return NULL;
    }
  agent_fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  addr.sun_family = AF_UNIX;
  strcpy (addr.sun_path, agent_path);
  if (agent_fd < 0 || connect (agent_fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    {
      int saved = errno;

      if (agent_fd >= 0)
        close (agent_fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not reach the SSH agent at %s: %s"), agent_path, g_strerror (saved));
      return NULL;
    }
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
    {
      int saved = errno;

      close (agent_fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not make a socket pair: %s"), g_strerror (saved));
      return NULL;
    }

  self = g_new0 (JgCappedAgent, 1);
  self->client_fd = pair[0];
  self->relay_fd = pair[1];
  self->agent_fd = agent_fd;
  self->stop_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  self->max = MAX (max, 1);
  self->preferred = preferred != NULL ? g_bytes_ref (preferred) : NULL;
  self->n_held = self->n_offered = -1;
  self->thread = g_thread_new ("jg-agent-relay", relay_thread, self);
  return self;
}

int
jg_capped_agent_steal_client_fd (JgCappedAgent *self)
{
  int fd = self->client_fd;

  self->client_fd = -1;
  return fd;
}

int
jg_capped_agent_get_n_held (JgCappedAgent *self)
{
  return g_atomic_int_get (&self->n_held);
}

int
jg_capped_agent_get_n_offered (JgCappedAgent *self)
{
  return g_atomic_int_get (&self->n_offered);
}

void
jg_capped_agent_stop (JgCappedAgent *self)
{
  guint64 one = 1;

  if (self == NULL)
    return;
  if (write (self->stop_fd, &one, sizeof one) < 0)
    shutdown (self->relay_fd, SHUT_RDWR);
  g_thread_join (self->thread);
  if (self->client_fd >= 0)
    close (self->client_fd);
  close (self->relay_fd);
  close (self->agent_fd);
  close (self->stop_fd);
  g_clear_pointer (&self->preferred, g_bytes_unref);
  g_free (self);
}

GBytes *
jg_capped_agent_read_public_blob (const char *pub_path)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;
  guchar *blob;
  gsize len = 0;

  if (pub_path == NULL || !g_file_get_contents (pub_path, &contents, NULL, NULL))
    return NULL;
  fields = g_strsplit_set (g_strstrip (contents), " \t", 3);
  if (g_strv_length (fields) < 2)
    return NULL;
  blob = g_base64_decode (fields[1], &len);
  if (blob == NULL || len == 0)
    {
      g_free (blob);
      return NULL;
    }
  return g_bytes_new_take (blob, len);
}
