/* SPDX-License-Identifier: MIT */
/*
 * rnrctl: what the command files share.  rnrctl.c parses the global
 * options and dispatches; each cmd_*.c is one command; common.c holds the
 * pieces that talk to rnrd on behalf of several commands (startup, error
 * reporting, resolving class and provider names, printing class info).
 */
#ifndef RNRCTL_H
#define RNRCTL_H

#include <stdio.h>
#include <rnr/winsock2.h>

#include "args.h"
#include "output.h"

#define RNRCTL_NAME_CACHE 16

/* --color=WHEN */
enum rnrctl_color_mode {
    RNRCTL_COLOR_AUTO = 0,   /* on a terminal, unless $NO_COLOR is set */
    RNRCTL_COLOR_ALWAYS,
    RNRCTL_COLOR_NEVER
};

struct rnrctl {
    const char *cmd;       /* "lookup", "class install": prefixes messages */
    int         json;
    int         color_mode; /* enum rnrctl_color_mode */
    int         started;   /* WSAStartup succeeded */

    /* Fetched once, on first use. */
    WSANAMESPACE_INFOA   *providers;
    int                   nproviders;
    int                   providers_status;  /* -1: not fetched yet */
    WSASERVICECLASSINFOA *classes;
    int                   nclasses;
    int                   classes_status;

    /* Class names already asked for (GetServiceClassNameByServiceClassId). */
    struct {
        GUID  id;
        char *name;        /* NULL: the daemon had none */
    } names[RNRCTL_NAME_CACHE];
    size_t nnames;
};

/* Option ids every command accepts, then those of struct rnrctl_target;
 * command options start at 16. */
enum {
    RNRCTL_O_HELP = 1,
    RNRCTL_O_JSON,
    RNRCTL_O_SOCKET,
    RNRCTL_O_NS,
    RNRCTL_O_PROVIDER,
    RNRCTL_O_CONTEXT,
    RNRCTL_O_PROTOCOL,
    RNRCTL_O_VERSION,
    RNRCTL_O_COLOR,
    RNRCTL_O_FIRST = 16
};

#define RNRCTL_COMMON_OPTS \
    { "help", 'h', 0, RNRCTL_O_HELP }, \
    { "json", 0, 0, RNRCTL_O_JSON }, \
    { "socket", 0, 1, RNRCTL_O_SOCKET }, \
    { "color", 0, 1, RNRCTL_O_COLOR }
#define RNRCTL_TARGET_OPTS \
    { "ns", 0, 1, RNRCTL_O_NS }, \
    { "provider", 0, 1, RNRCTL_O_PROVIDER }, \
    { "context", 0, 1, RNRCTL_O_CONTEXT }, \
    { "protocol", 0, 1, RNRCTL_O_PROTOCOL }, \
    { "version", 0, 1, RNRCTL_O_VERSION }
#define RNRCTL_OPTS_END { NULL, 0, 0, 0 }

/* Handles --json, --socket and --color given after the command.  A bad
 * --color value is a usage error: reported, and rnrctl exits. */
void rnrctl_common_opt(struct rnrctl *c, int id, const char *val);

/* Whether to colour stdout: --color=always or never, else (auto) when
 * stdout is a terminal, $TERM is not "dumb" and $NO_COLOR is unset or
 * empty (no-color.org: an explicit --color=always wins over it). */
int rnrctl_color(const struct rnrctl *c);
/* SGR colour codes for rnrctl_paint. */
#define RNRCTL_SGR_BOLD   "1"
#define RNRCTL_SGR_DIM    "2"
#define RNRCTL_SGR_RED    "31"
#define RNRCTL_SGR_GREEN  "32"
#define RNRCTL_SGR_YELLOW "33"
#define RNRCTL_SGR_CYAN   "36"
/* Starts colour sgr on stdout (NULL: back to normal), when colouring. */
void rnrctl_paint(const struct rnrctl *c, const char *sgr);

/* CLASS NAME and the options saying where a query set goes, as lookup and
 * register/deregister/delete take them: one parser, so that the commands
 * cannot drift apart on what --ns or --version accept. */
struct rnrctl_target {
    const char *class_arg;
    const char *name;
    const char *provider_arg;
    const char *context;
    DWORD       ns;
    int         protocol;
    int         have_version;
    WSAVERSION  version;
    GUID        class_id;      /* set by rnrctl_target_resolve */
    GUID        provider_id;   /* ditto, when provider_arg is set */
};

/* One positional argument (CLASS, then NAME) or one RNRCTL_TARGET_OPTS or
 * RNRCTL_COMMON_OPTS option (but --help) into t; version_plus lets
 * --version take "N+".  0, or the usage exit code after reporting. */
int rnrctl_target_opt(struct rnrctl *c, struct rnrctl_target *t, int id, const char *val,
                      int version_plus);
/* CLASS and --provider to GUIDs.  0, or the exit code after reporting. */
int rnrctl_target_resolve(struct rnrctl *c, struct rnrctl_target *t);
/* A zeroed query set carrying t's name, class, version, name space,
 * provider and context (pointing into t). */
void rnrctl_target_queryset(struct rnrctl_target *t, WSAQUERYSETA *qs);

/* Errors go to stderr, stdout keeping nothing but the command's output.
 * Under --json each is one line of JSON there instead of text:
 *   {"error": NAME, "code": WSA code or null, "message": TEXT,
 *    "exit_status": N[, "socket": PATH]}
 * NAME is the WSA error's name ("WSASYSNOTREADY"), "usage" for a usage
 * error, "not_found" for a lookup that found nothing; "socket", the rnrd
 * socket tried, comes with WSASYSNOTREADY. */

/* "rnrctl: CMD: message" + a hint to --help on stderr; returns the usage
 * exit code. */
int rnrctl_usage(struct rnrctl *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* "rnrctl: CMD: WSANAME: description (what)" on stderr; returns the exit
 * code for status. */
int rnrctl_fail(struct rnrctl *c, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "unknown KIND 'WORD'; did you mean 'X'?" when one of the n known words
 * is near, else "unknown KIND 'WORD' (A, B, ...)": a usage error. */
int rnrctl_unknown(struct rnrctl *c, const char *kind, const char *word,
                   const char *const *known, size_t n);
/* "rnrctl: CMD: nothing found (WHAT)" on stderr; returns the not-found
 * exit code. */
int rnrctl_not_found(struct rnrctl *c, const char *what);
/* The last error of a failed librnr call (WSASYSCALLFAILURE if unset). */
int rnrctl_last_error(void);

/* WSAStartup.  0, or the exit code after reporting the failure. */
int  rnrctl_start(struct rnrctl *c);
/* Frees the caches; WSACleanup when started. */
void rnrctl_stop(struct rnrctl *c);

/* WSAEnumNameSpaceProviders / rnr_enum_service_classes, fetched once.
 * 0 or a WSA status. */
int rnrctl_get_providers(struct rnrctl *c, const WSANAMESPACE_INFOA **out, int *n);
int rnrctl_get_classes(struct rnrctl *c, const WSASERVICECLASSINFOA **out, int *n);

/* A class argument: GUID, alias, or an installed class's name.
 * 0, or the exit code after reporting. */
int rnrctl_resolve_class(struct rnrctl *c, const char *arg, GUID *out);
/* A provider argument: GUID, or a provider's identifier.
 * 0, or the exit code after reporting. */
int rnrctl_resolve_provider(struct rnrctl *c, const char *arg, GUID *out);

/* Names for display; NULL when there is none. */
const char *rnrctl_class_name(struct rnrctl *c, const GUID *g);
const char *rnrctl_provider_name(struct rnrctl *c, const GUID *g);

/* "NS_DNS (12)" / "12". */
void rnrctl_format_namespace(DWORD ns, char *buf, size_t len);

/* Class info, human (indented block) or as one JSON object. */
void rnrctl_print_class(struct rnrctl *c, const WSASERVICECLASSINFOA *ci, FILE *f);
void rnrctl_json_class(struct rnrctl *c, struct out_json *j, const WSASERVICECLASSINFOA *ci);

/*
 * A command: one struct, exported by the file that implements it and
 * listed once in rnrctl.c's table, from which the main help, "rnrctl
 * help", dispatch and "did you mean" all come (rnrctl_commands.sh holds
 * the completions and rnrctl(1) to the same list).
 */
struct rnrctl_command {
    const char *name;
    const char *synopsis;   /* its arguments, for the main help ("" none) */
    const char *summary;    /* one line, for the main help */
    const char *help;       /* the whole of "rnrctl NAME --help" */
    /* argv[0] is the command's name; returns the exit code. */
    int (*run)(struct rnrctl *c, int argc, char **argv);
};

extern const struct rnrctl_command rnrctl_command_providers;
extern const struct rnrctl_command rnrctl_command_lookup;
extern const struct rnrctl_command rnrctl_command_browse;
extern const struct rnrctl_command rnrctl_command_register;
extern const struct rnrctl_command rnrctl_command_deregister;
extern const struct rnrctl_command rnrctl_command_delete;
extern const struct rnrctl_command rnrctl_command_publish;
extern const struct rnrctl_command rnrctl_command_class;
extern const struct rnrctl_command rnrctl_command_status;
extern const struct rnrctl_command rnrctl_command_stats;
extern const struct rnrctl_command rnrctl_command_log_level;
extern const struct rnrctl_command rnrctl_command_reload;
extern const struct rnrctl_command rnrctl_command_cache;
extern const struct rnrctl_command rnrctl_command_ldap;
extern const struct rnrctl_command rnrctl_command_control;
extern const struct rnrctl_command rnrctl_command_directory;

#endif
