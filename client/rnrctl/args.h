/* SPDX-License-Identifier: MIT */
/*
 * rnrctl argument parsing: the option iterator every command uses, and the
 * parsers for the values rnrctl accepts (service classes, name spaces,
 * LUP_* flag lists, transport addresses, versions).  Nothing here talks to
 * rnrd, so all of it is unit-tested without a daemon; the pieces that need
 * the daemon (installed class names, provider identifiers) live in
 * common.c and fall back on these.
 *
 * Parsers return 0 with their output set, or a non-zero status with a
 * human-readable reason in err (output untouched).
 */
#ifndef RNRCTL_ARGS_H
#define RNRCTL_ARGS_H

#include <stddef.h>
#include <netinet/in.h>
#include <rnr/winsock2.h>

/* Exit codes (documented in rnrctl --help). */
#define RNRCTL_EXIT_OK        0
#define RNRCTL_EXIT_NOTFOUND  1
#define RNRCTL_EXIT_USAGE     2
#define RNRCTL_EXIT_NODAEMON  3
#define RNRCTL_EXIT_ACCESS    4
#define RNRCTL_EXIT_FAILURE   5
/* register: stored only where it ends with rnrctl (NS_SAP without
 * --persistent): nothing is left once it exits. */
#define RNRCTL_EXIT_TRANSIENT 6

/* The exit code for a WSA status (0 -> 0). */
int rnrctl_exit_for_status(int status);

/* ------------------------------------------------------------------ */
/* Option iterator                                                      */
/* ------------------------------------------------------------------ */
/* Long options "--name", "--name=value", "--name value"; short options
 * "-x", "-xvalue", "-x value" (no bundling: rnrctl has few short options
 * and a bundle is more often a typo than intent).  "--" ends options.
 * Options and positional arguments may be mixed. */
struct rnrctl_opt {
    const char *name;     /* long name without "--" */
    char        short_name; /* 0: none */
    int         has_arg;
    int         id;       /* > 0 */
};

#define RNRCTL_OPT_END         0
#define RNRCTL_OPT_POSITIONAL (-1)
#define RNRCTL_OPT_ERROR      (-2)

struct rnrctl_parser {
    int          argc;
    char *const *argv;
    int          next;       /* index of the next argv element */
    int          no_options; /* after "--" */
};

/* Starts at argv[first]. */
void rnrctl_parser_init(struct rnrctl_parser *p, int argc, char *const *argv, int first);

/* The next option's id (with its argument, or NULL, in *val),
 * RNRCTL_OPT_POSITIONAL (the argument in *val), RNRCTL_OPT_END, or
 * RNRCTL_OPT_ERROR with a message naming the offending option in err. */
int rnrctl_parser_next(struct rnrctl_parser *p, const struct rnrctl_opt *opts,
                       const char **val, char *err, size_t errlen);

/* ------------------------------------------------------------------ */
/* Values                                                               */
/* ------------------------------------------------------------------ */
/* Returned by rnrctl_parse_class when `s` is neither a GUID nor a
 * built-in alias: the caller tries the installed classes' names. */
#define RNRCTL_CLASS_NOT_ALIAS WSATYPE_NOT_FOUND

/* A GUID ("{...}" or bare), host, addr, service, hostname, tcp:PORT or
 * udp:PORT (PORT 1..65535, decimal).  Aliases are case-insensitive.
 * 0; RNRCTL_CLASS_NOT_ALIAS; WSAEINVAL for a malformed tcp:/udp: port. */
int rnrctl_parse_class(const char *s, GUID *out, char *err, size_t errlen);

/* The i-th built-in class alias ("host", "addr" ...), NULL past the last:
 * the candidates of "did you mean" (tcp:PORT and udp:PORT are not in it). */
const char *rnrctl_class_alias(size_t i);

/* A name space: number, NS_* name or short name. */
int rnrctl_parse_namespace(const char *s, DWORD *out, char *err, size_t errlen);

/* Comma-separated LUP_* names (deep, containers, return-addr, ...).
 * When the list names no return-* flag, LUP_RETURN_ALL is added, so
 * "--flags deep" still returns every field. */
int rnrctl_parse_lup_flags(const char *s, DWORD *out, char *err, size_t errlen);

/* "inet" / "inet6" (also "ipv4", "ipv6", "4", "6") -> AF_INET / AF_INET6. */
int rnrctl_parse_family(const char *s, int *out, char *err, size_t errlen);

/* "tcp" / "udp" -> IPPROTO_TCP / IPPROTO_UDP. */
int rnrctl_parse_protocol(const char *s, int *out, char *err, size_t errlen);

/* A decimal unsigned 32-bit number, optionally followed by '+' when
 * allow_plus (-> COMP_NOTLESS; else COMP_EQUAL). */
int rnrctl_parse_version(const char *s, int allow_plus, WSAVERSION *out,
                         char *err, size_t errlen);

/* A transport address: "1.2.3.4", "1.2.3.4:80", "[::1]:80", "::1",
 * "[fe80::1%eth0]:80".  The port is optional (0 when absent).  Writes a
 * sockaddr_in or sockaddr_in6 into *out and its length into *outlen. */
int rnrctl_parse_addr(const char *s, struct sockaddr_storage *out, int *outlen,
                      char *err, size_t errlen);

/* A decimal number in [min, max]. */
int rnrctl_parse_ulong(const char *s, unsigned long min, unsigned long max,
                       unsigned long *out);

#endif
