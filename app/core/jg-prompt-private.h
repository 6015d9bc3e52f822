/* jg-prompt-private.h — what connection workers do with a JgPrompt
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jg-prompt.h"

G_BEGIN_DECLS

JgPrompt *jg_prompt_new              (JgPromptKind  kind,
                                      guint         hop_index,
                                      const char   *hop_name,
                                      const char   *host,
                                      guint         port,
                                      const char   *user);
void      jg_prompt_set_message      (JgPrompt     *self,
                                      const char   *message);
void      jg_prompt_set_host_key     (JgPrompt     *self,
                                      const char   *key_type,
                                      const char   *fingerprint,
                                      const char   *known_hosts_file);
void      jg_prompt_set_key_file     (JgPrompt     *self,
                                      const char   *key_file);
void      jg_prompt_set_kbdint       (JgPrompt     *self,
                                      const char   *name,
                                      const char   *instruction);
void      jg_prompt_add_question     (JgPrompt     *self,
                                      const char   *question,
                                      gboolean      echo);
/* Offers "Remember in keyring", checked when @remember. */
void      jg_prompt_set_can_remember (JgPrompt     *self,
                                      gboolean      can_remember,
                                      gboolean      remember);
void      jg_prompt_set_notice       (JgPrompt     *self,
                                      const char   *notice);

/* Blocks the calling worker until the prompt is answered, or until
 * *@abandoned becomes non-zero (checked a few times a second). Returns TRUE
 * when accepted or responded; @answers (may be NULL) gets a copy the caller
 * frees with jg_prompt_free_answers(). */
gboolean  jg_prompt_wait             (JgPrompt     *self,
                                      const gint   *abandoned,
                                      char       ***answers);
void      jg_prompt_free_answers     (char        **answers);

G_END_DECLS
