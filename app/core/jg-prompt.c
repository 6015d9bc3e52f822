/* jg-prompt.c — a question a connection worker asks the person
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "jg-prompt-private.h"

typedef enum
{
  STATE_WAITING,
  STATE_ACCEPTED,
  STATE_CANCELLED,
} State;

typedef struct
{
  char     *text;
  gboolean  echo;
} Question;

struct _JgPrompt
{
  GObject       parent_instance;

  JgPromptKind  kind;
  guint         hop_index;
  guint         port;
  char         *hop_name;
  char         *host;
  char         *user;
  char         *message;
  char         *key_type;
  char         *fingerprint;
  char         *known_hosts_file;
  char         *key_file;
  char         *name;
  char         *instruction;
  GArray       *questions;
  char         *notice;
  gboolean      can_remember;

  GMutex        lock;
  GCond         cond;
  State         state;
  char        **answers;
  gboolean      remember;    /* under lock: set by the UI, read by the worker */
};

G_DEFINE_FINAL_TYPE (JgPrompt, jg_prompt, G_TYPE_OBJECT)

void
jg_prompt_free_answers (char **answers)
{
  if (answers == NULL)
    return;
  for (guint i = 0; answers[i] != NULL; i++)
    explicit_bzero (answers[i], strlen (answers[i]));
  g_strfreev (answers);
}

static void
clear_question (gpointer data)
{
  Question *q = data;
  g_free (q->text);
}

static void
jg_prompt_finalize (GObject *object)
{
  JgPrompt *self = JG_PROMPT (object);

  g_free (self->hop_name);
  g_free (self->host);
  g_free (self->user);
  g_free (self->message);
  g_free (self->key_type);
  g_free (self->fingerprint);
  g_free (self->known_hosts_file);
  g_free (self->key_file);
  g_free (self->name);
  g_free (self->instruction);
  g_free (self->notice);
  g_array_unref (self->questions);
  jg_prompt_free_answers (self->answers);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (jg_prompt_parent_class)->finalize (object);
}

static void
jg_prompt_class_init (JgPromptClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = jg_prompt_finalize;
}

static void
jg_prompt_init (JgPrompt *self)
{
  self->questions = g_array_new (FALSE, TRUE, sizeof (Question));
  g_array_set_clear_func (self->questions, clear_question);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
}

JgPrompt *
jg_prompt_new (JgPromptKind  kind,
               guint         hop_index,
               const char   *hop_name,
               const char   *host,
               guint         port,
               const char   *user)
{
  JgPrompt *self = g_object_new (JG_TYPE_PROMPT, NULL);

  self->kind = kind;
  self->hop_index = hop_index;
  self->hop_name = g_strdup (hop_name);
  self->host = g_strdup (host);
  self->port = port;
  self->user = g_strdup (user);
  return self;
}

void
jg_prompt_set_message (JgPrompt   *self,
                       const char *message)
{
  g_free (self->message);
  self->message = g_strdup (message);
}

void
jg_prompt_set_host_key (JgPrompt   *self,
                        const char *key_type,
                        const char *fingerprint,
                        const char *known_hosts_file)
{
  g_free (self->key_type);
  g_free (self->fingerprint);
  g_free (self->known_hosts_file);
  self->key_type = g_strdup (key_type);
  self->fingerprint = g_strdup (fingerprint);
  self->known_hosts_file = g_strdup (known_hosts_file);
}

void
jg_prompt_set_key_file (JgPrompt   *self,
                        const char *key_file)
{
  g_free (self->key_file);
  self->key_file = g_strdup (key_file);
}

void
jg_prompt_set_kbdint (JgPrompt   *self,
                      const char *name,
                      const char *instruction)
{
  g_free (self->name);
  g_free (self->instruction);
  self->name = g_strdup (name != NULL ? name : "");
  self->instruction = g_strdup (instruction != NULL ? instruction : "");
}

void
jg_prompt_add_question (JgPrompt   *self,
                        const char *question,
                        gboolean    echo)
{
  Question q = { g_strdup (question), echo };
  g_array_append_val (self->questions, q);
}

void
jg_prompt_set_can_remember (JgPrompt *self,
                            gboolean  can_remember,
                            gboolean  remember)
{
  self->can_remember = !!can_remember;
  g_mutex_lock (&self->lock);
  self->remember = can_remember && remember;
  g_mutex_unlock (&self->lock);
}

void
jg_prompt_set_notice (JgPrompt   *self,
                      const char *notice)
{
  g_free (self->notice);
  self->notice = g_strdup (notice);
}

gboolean
jg_prompt_get_remember (JgPrompt *self)
{
  gboolean remember;

  g_return_val_if_fail (JG_IS_PROMPT (self), FALSE);
  g_mutex_lock (&self->lock);
  remember = self->remember;
  g_mutex_unlock (&self->lock);
  return remember;
}

void
jg_prompt_set_remember (JgPrompt *self,
                        gboolean  remember)
{
  g_return_if_fail (JG_IS_PROMPT (self));
  g_mutex_lock (&self->lock);
  if (self->can_remember && self->state == STATE_WAITING)
    self->remember = !!remember;
  g_mutex_unlock (&self->lock);
}

gboolean
jg_prompt_wait (JgPrompt     *self,
                const gint   *abandoned,
                char       ***answers)
{
  gboolean accepted;

  g_mutex_lock (&self->lock);
  while (self->state == STATE_WAITING)
    {
      if (abandoned != NULL && g_atomic_int_get (abandoned))
        {
          self->state = STATE_CANCELLED;
          break;
        }
      g_cond_wait_until (&self->cond, &self->lock,
                         g_get_monotonic_time () + 200 * G_TIME_SPAN_MILLISECOND);
    }
  accepted = self->state == STATE_ACCEPTED;
  if (answers != NULL)
    *answers = accepted ? g_strdupv (self->answers) : NULL;
  g_mutex_unlock (&self->lock);
  return accepted;
}

static void
finish (JgPrompt           *self,
        State               state,
        const char * const *answers)
{
  g_mutex_lock (&self->lock);
  if (self->state == STATE_WAITING)
    {
      self->state = state;
      if (answers != NULL)
        self->answers = g_strdupv ((char **) answers);
      g_cond_broadcast (&self->cond);
    }
  g_mutex_unlock (&self->lock);
}

void
jg_prompt_accept (JgPrompt *self)
{
  g_return_if_fail (JG_IS_PROMPT (self));
  finish (self, STATE_ACCEPTED, NULL);
}

void
jg_prompt_respond (JgPrompt           *self,
                   const char * const *answers)
{
  const char *none[] = { NULL };

  g_return_if_fail (JG_IS_PROMPT (self));
  finish (self, STATE_ACCEPTED, answers != NULL ? answers : none);
}

void
jg_prompt_cancel (JgPrompt *self)
{
  g_return_if_fail (JG_IS_PROMPT (self));
  finish (self, STATE_CANCELLED, NULL);
}

gboolean
jg_prompt_is_answered (JgPrompt *self)
{
  gboolean answered;

  g_return_val_if_fail (JG_IS_PROMPT (self), FALSE);
  g_mutex_lock (&self->lock);
  answered = self->state != STATE_WAITING;
  g_mutex_unlock (&self->lock);
  return answered;
}

#define GETTER(type, field)                                   \
  type                                                        \
  jg_prompt_get_##field (JgPrompt *self)                      \
  {                                                           \
    g_return_val_if_fail (JG_IS_PROMPT (self), (type) 0);     \
    return self->field;                                       \
  }

GETTER (JgPromptKind, kind)
GETTER (guint, hop_index)
GETTER (const char *, hop_name)
GETTER (const char *, host)
GETTER (guint, port)
GETTER (const char *, user)
GETTER (const char *, key_type)
GETTER (const char *, fingerprint)
GETTER (const char *, known_hosts_file)
GETTER (const char *, key_file)
GETTER (const char *, message)
GETTER (const char *, name)
GETTER (const char *, instruction)
GETTER (const char *, notice)
GETTER (gboolean, can_remember)

guint
jg_prompt_get_n_questions (JgPrompt *self)
{
  g_return_val_if_fail (JG_IS_PROMPT (self), 0);
  return self->questions->len;
}

const char *
jg_prompt_get_question (JgPrompt *self,
                        guint     index,
                        gboolean *echo)
{
  Question *q;

  g_return_val_if_fail (JG_IS_PROMPT (self), NULL);
  g_return_val_if_fail (index < self->questions->len, NULL);
  q = &g_array_index (self->questions, Question, index);
  if (echo != NULL)
    *echo = q->echo;
  return q->text;
}
