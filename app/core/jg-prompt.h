/* jg-prompt.h — a question a connection worker asks the person
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A JgPrompt is created by a connection worker thread when it needs an
 * answer (accept an unknown host key, a password, a key passphrase, the
 * questions of keyboard-interactive authentication). It is handed to the
 * UI through the JgConnection::prompt signal on the connection's main
 * context. The worker waits until exactly one of jg_prompt_accept(),
 * jg_prompt_respond() or jg_prompt_cancel() is called; they are
 * thread-safe and may be called later (asynchronously, from a dialog's
 * response), from any thread. Closing the connection (or dropping the last
 * connection that waits for that hop) cancels its pending prompts.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  JG_PROMPT_HOST_KEY = 0,           /* unknown host key: jg_prompt_accept() or cancel */
  JG_PROMPT_PASSWORD,               /* one hidden question */
  JG_PROMPT_PASSPHRASE,             /* one hidden question; get_key_file() says which key */
  JG_PROMPT_KEYBOARD_INTERACTIVE,   /* 0..n questions, each with its echo flag */
} JgPromptKind;

#define JG_TYPE_PROMPT (jg_prompt_get_type ())
G_DECLARE_FINAL_TYPE (JgPrompt, jg_prompt, JG, PROMPT, GObject)

JgPromptKind  jg_prompt_get_kind              (JgPrompt           *self);
/* Which hop asks: 0 is the first jump host, n_hops - 1 the machine. */
guint         jg_prompt_get_hop_index         (JgPrompt           *self);
/* The saved name of that hop ("bastion"), its real host name and port. */
const char   *jg_prompt_get_hop_name          (JgPrompt           *self);
const char   *jg_prompt_get_host              (JgPrompt           *self);
guint         jg_prompt_get_port              (JgPrompt           *self);
const char   *jg_prompt_get_user              (JgPrompt           *self);

/* JG_PROMPT_HOST_KEY: "ssh-ed25519", "SHA256:…", and the known_hosts file
 * the accepted key will be appended to. */
const char   *jg_prompt_get_key_type          (JgPrompt           *self);
const char   *jg_prompt_get_fingerprint       (JgPrompt           *self);
const char   *jg_prompt_get_known_hosts_file  (JgPrompt           *self);

/* JG_PROMPT_PASSPHRASE: the key file the passphrase unlocks. */
const char   *jg_prompt_get_key_file          (JgPrompt           *self);

/* A one-line, translated summary fit for a dialog heading, e.g.
 * "Password for alice@vm1 (through bastion)". */
const char   *jg_prompt_get_message           (JgPrompt           *self);
/* JG_PROMPT_KEYBOARD_INTERACTIVE: the server's name and instruction (may
 * be empty). */
const char   *jg_prompt_get_name              (JgPrompt           *self);
const char   *jg_prompt_get_instruction       (JgPrompt           *self);

/* The questions: one for PASSWORD and PASSPHRASE, any number (even 0) for
 * KEYBOARD_INTERACTIVE, none for HOST_KEY. */
guint         jg_prompt_get_n_questions       (JgPrompt           *self);
const char   *jg_prompt_get_question          (JgPrompt           *self,
                                               guint               index,
                                               gboolean           *echo);

/* Answer. For HOST_KEY use accept(); for the others respond() with exactly
 * get_n_questions() strings (NULL-terminated array). The strings are
 * copied and wiped after use. */
/* PASSWORD, PASSPHRASE and KEYBOARD_INTERACTIVE: whether the answer can be
 * remembered in the keyring (a saved machine and a usable keyring), and
 * whether it should be — preset to the machine's "remember password"
 * setting; the UI shows a "Remember in keyring" check when it can and
 * sets it before answering. The worker stores the answer (jg-secrets.h)
 * only after the server accepted it, and forgets the remembered one when
 * the check was cleared. */
gboolean      jg_prompt_get_can_remember      (JgPrompt           *self);
gboolean      jg_prompt_get_remember          (JgPrompt           *self);
void          jg_prompt_set_remember          (JgPrompt           *self,
                                               gboolean            remember);
/* Why the person is asked although a secret is remembered, or why it will
 * not be remembered, as a translated sentence for the dialog ("The
 * password remembered in the keyring was refused."; the keyring's
 * LOCKED/NO_SERVICE message); NULL when there is nothing to say. */
const char   *jg_prompt_get_notice            (JgPrompt           *self);

void          jg_prompt_accept                (JgPrompt           *self);
void          jg_prompt_respond               (JgPrompt           *self,
                                               const char * const *answers);
void          jg_prompt_cancel                (JgPrompt           *self);
gboolean      jg_prompt_is_answered           (JgPrompt           *self);

G_END_DECLS
