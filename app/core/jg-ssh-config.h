/* jg-ssh-config.h — read OpenSSH client configuration files, resolve a host as ssh does
 *
 * A reusable parser with no inventory knowledge. Files are parsed once into
 * their lines (Include followed at parse time), then jg_ssh_config_resolve()
 * walks them for one host name the way ssh(1) does for `ssh NAME`: Host
 * blocks (patterns, negations) decide which lines apply, the first value
 * obtained for a keyword wins, IdentityFile accumulates, and the tokens and
 * `~` that ssh expands in the kept keywords are expanded.
 *
 * Hostile input is expected: lines, files, Include depth (16, as ssh), the
 * number of files and lines are capped, files that are not regular files
 * are refused, and nothing ever runs a command.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define JG_SSH_CONFIG_MAX_INCLUDE_DEPTH 16
#define JG_SSH_CONFIG_MAX_LINE          (64 * 1024)
#define JG_SSH_CONFIG_MAX_FILE_SIZE     (4 * 1024 * 1024)
#define JG_SSH_CONFIG_MAX_FILES         256
#define JG_SSH_CONFIG_MAX_LINES         200000
#define JG_SSH_CONFIG_MAX_WARNINGS      500
/* Lines looked at by all resolutions of one configuration. */
#define JG_SSH_CONFIG_MAX_RESOLVE_STEPS G_GUINT64_CONSTANT (400000000)

typedef enum
{
  JG_SSH_CONFIG_FLAGS_NONE = 0,
  /* Include lines are skipped with a warning: for data that is not a file
   * of the person's own (fuzzing, pasted text). */
  JG_SSH_CONFIG_NO_INCLUDE = 1 << 0,
} JgSshConfigFlags;

/* Something in the configuration that Jumpgate skipped or could not use.
 * @file is NULL when the warning is not about one line. */
typedef struct
{
  char  *file;
  guint  line;
  char  *message; /* translated, one sentence */
} JgSshWarning;

JgSshWarning *jg_ssh_warning_new    (const char         *file,
                                     guint               line,
                                     const char         *message);
JgSshWarning *jg_ssh_warning_copy   (const JgSshWarning *warning);
void          jg_ssh_warning_free   (JgSshWarning       *warning);
/* "file:line: message" (or the message alone), for a terminal. */
char         *jg_ssh_warning_format (const JgSshWarning *warning);

/* One `Host` line: the start of a block. */
typedef struct
{
  char     **patterns;   /* as written, negations with their leading `!` */
  char      *file;
  guint      line;
  gboolean   sets_proxy; /* its own lines set ProxyJump or ProxyCommand */
} JgSshHostBlock;

typedef enum
{
  JG_SSH_PROXY_NONE = 0,  /* reached directly (unset, or `none`) */
  JG_SSH_PROXY_JUMP,      /* ProxyJump: proxy is the hop list as written */
  JG_SSH_PROXY_COMMAND,   /* ProxyCommand: proxy is the command as written */
} JgSshProxyKind;

/* What `ssh HOST` would use, for the keywords Jumpgate keeps. */
typedef struct
{
  char                 *host;              /* the name resolved (the alias) */
  char                 *hostname;          /* HostName (%h expanded), else host */
  char                 *user;              /* NULL: not set (the local user) */
  guint                 port;              /* 0: not set (22) */
  GPtrArray            *identity_files;    /* char *, `~` and tokens expanded, in order */
  int                   identities_only;   /* -1 not set, else 0 / 1 */
  int                   forward_agent;     /* -1 not set, else 0 / 1 */
  int                   server_alive_interval; /* seconds, -1 not set */
  char                 *user_known_hosts_file; /* the first file, expanded; NULL not set */
  JgSshProxyKind        proxy_kind;
  char                 *proxy;             /* unexpanded, as written */
  char                 *proxy_file;        /* where the effective proxy line is */
  guint                 proxy_line;
  const JgSshHostBlock *proxy_block;       /* its Host block; NULL outside any */
  gboolean              host_block_applied; /* a Host line naming @host literally applied */
} JgSshOptions;

void          jg_ssh_options_free (JgSshOptions *options);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgSshOptions, jg_ssh_options_free)

/* What ssh's command line sets before any file is read (first value wins,
 * so these override the configuration), as for `ssh -l user -p port -i file
 * -J jumps -o Keyword=value host`. All members may be NULL / 0. */
typedef struct
{
  const char         *user;          /* "" means "the local user", overriding User */
  guint               port;
  const char         *identity_file;
  const char         *proxy_jump;
  const char * const *options;       /* "Keyword=value" or "Keyword value" */
} JgSshCommandLine;

/* One hop of a jump chain: `[user@]host[:port]` or `ssh://[user@]host[:port]`. */
typedef struct
{
  char  *user;  /* NULL: the hop's own configuration decides */
  char  *host;  /* an alias or an address, as written */
  guint  port;  /* 0: the hop's own configuration decides */
} JgSshHop;

void          jg_ssh_hop_free (JgSshHop *hop);

typedef struct _JgSshConfig JgSshConfig;

/* @home_dir: the local home directory (`~`, %d), NULL for g_get_home_dir().
 * Relative Include paths and the default config are under @home_dir/.ssh. */
JgSshConfig  *jg_ssh_config_new           (const char        *home_dir,
                                           JgSshConfigFlags   flags);
void          jg_ssh_config_free          (JgSshConfig       *self);
const char   *jg_ssh_config_get_home_dir  (JgSshConfig       *self);
const char   *jg_ssh_config_get_ssh_dir   (JgSshConfig       *self);
char         *jg_ssh_config_dup_default_path (JgSshConfig    *self);

/* Parses @path (NULL: ~/.ssh/config) and what it includes. Fails only when
 * @path itself can not be read; problems inside are warnings. May be called
 * more than once: later files come after earlier ones, as ssh's -F then the
 * system file. */
gboolean      jg_ssh_config_parse_file    (JgSshConfig       *self,
                                           const char        *path,
                                           GError           **error);
/* Parses @len bytes of @data (NUL bytes allowed: they end their line), named
 * @name in warnings. Include is followed unless JG_SSH_CONFIG_NO_INCLUDE. */
gboolean      jg_ssh_config_parse_data    (JgSshConfig       *self,
                                           const char        *data,
                                           gsize              len,
                                           const char        *name,
                                           GError           **error);

/* Element type JgSshWarning, in the order found. */
GPtrArray    *jg_ssh_config_get_warnings  (JgSshConfig       *self);
void          jg_ssh_config_add_warning   (JgSshConfig       *self,
                                           const char        *file,
                                           guint              line,
                                           const char        *format,
                                           ...) G_GNUC_PRINTF (4, 5);
/* Element type JgSshHostBlock, every Host line in the order ssh reads them. */
GPtrArray    *jg_ssh_config_get_host_blocks (JgSshConfig     *self);
/* The concrete names of the Host lines (no wildcard, not negated), each once,
 * in order of first appearance. */
GStrv         jg_ssh_config_list_aliases  (JgSshConfig       *self);

JgSshOptions *jg_ssh_config_resolve       (JgSshConfig            *self,
                                           const char             *host,
                                           const JgSshCommandLine *cmdline);

/* ssh_config patterns: `*` and `?`, case-sensitive as in ssh. */
gboolean      jg_ssh_pattern_match        (const char        *pattern,
                                           const char        *name);
gboolean      jg_ssh_pattern_is_wildcard  (const char        *pattern);
/* A Host line's list: some positive pattern matches and no negated one. */
gboolean      jg_ssh_patterns_match       (const char * const *patterns,
                                           const char        *name);

/* Parses a ProxyJump value (`a,b,user@c:2222`, ssh:// URIs, `[v6]:port`);
 * @hops gets JgSshHop, first hop first. "none" gives an empty array. */
gboolean      jg_ssh_parse_proxy_jump     (const char        *value,
                                           GPtrArray        **hops,
                                           GError           **error);

/* The ProxyCommand forms that only mean "jump through that host":
 * `ssh [opts] -W %h:%p [user@]jump`, `ssh [opts] [user@]jump nc %h %p` (also
 * netcat/ncat and their harmless flags), an optional leading `exec`. On
 * success *cmdline describes the ssh run to the jump host (free its strings
 * with jg_ssh_jump_command_free) and *jump_host names it; `%r` as the user is
 * kept literally for the caller to substitute. Never runs anything. */
typedef struct
{
  char      *host;           /* the jump host as written */
  char      *user;           /* NULL, a name, or "%r" */
  guint      port;
  char      *identity_file;
  char      *proxy_jump;     /* -J */
  GStrv      options;        /* -o */
} JgSshJumpCommand;

JgSshJumpCommand *jg_ssh_parse_jump_command (const char       *proxy_command);
void              jg_ssh_jump_command_free  (JgSshJumpCommand *command);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgSshJumpCommand, jg_ssh_jump_command_free)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgSshConfig, jg_ssh_config_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgSshWarning, jg_ssh_warning_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JgSshHop, jg_ssh_hop_free)

G_END_DECLS
