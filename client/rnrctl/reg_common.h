/* SPDX-License-Identifier: MIT */
/*
 * What register, deregister, delete and publish share, so that each of
 * them can be one cmd_*.c file: their options and help, and SET_SERVICE
 * on rnrctl's own connection (opsconn.h) asking for the per-provider
 * report (doc/protocol.md), which librnr's WSASetService does not return.
 * The connection is also what a dynamic name space ties a registration
 * to.  Internal to rnrctl.
 */
#ifndef RNRCTL_REG_COMMON_H
#define RNRCTL_REG_COMMON_H

#include <sys/socket.h>

#include "rnrctl.h"
#include "wire_ops.h"

/* The options part of the four commands' help. */
#define RNRCTL_SETSERVICE_OPTIONS \
"Options:\n" \
"  --addr ADDR        a transport address: 1.2.3.4:80, [::1]:80, ::1;\n" \
"                     repeatable\n" \
"  --protocol PROTO   tcp (default) or udp, for every --addr\n" \
"  --ns NS            name space: number, NS_* name or short name;\n" \
"                     default NS_ALL (every provider that takes it)\n" \
"  --provider ID      one provider: GUID, identifier or its first word(s)\n" \
"  --context CTX      container in a hierarchical name space\n" \
"  --comment TEXT     a comment stored with the service\n" \
"  --version N        the instance's version\n" \
"  --multiple         SERVICE_MULTIPLE: the service has several addresses;\n" \
"                     with delete, remove only the addresses given\n" \
"  --persistent       register: outlive this command (RNR_SERVICE_PERSISTENT);\n" \
"                     dynamic name spaces (NS_SAP) otherwise end a\n" \
"                     registration when its client disconnects\n" \
"  --json             print the outcome as a JSON object\n" \
"  -h, --help         show this help\n" \
"\n" \
"CLASS: a GUID, host, addr, service, hostname, tcp:PORT, udp:PORT, or the\n" \
"name of an installed class.\n" \
"\n" \
"Every provider in scope is listed with what it did: stored, held (until\n" \
"this command ends: a dynamic name space), removed, refused with its\n" \
"error, or not applicable (it stores no registrations: hosts, DNS).\n" \
"\n" \
"Exit status: 0 done; 1 nothing found, or no provider in scope stores\n" \
"registrations; 2 usage; 3 rnrd not reachable; 4 permission denied (not\n" \
"the owner); 5 other failure; 6 (register) held only until rnrctl exits,\n" \
"so nothing is left: use --persistent or rnrctl publish.\n"

/* The rnr wire limit (queryset.h RNR_QS_MAX_CSADDRS) is far above what a
 * command line carries; this only bounds rnrctl's own arrays. */
#define RNRCTL_SETSVC_MAX_ADDRS 64

struct rnrctl_setsvc {
    struct rnrctl_target t;
    const char *comment;
    int         multiple;
    int         persistent;
    struct sockaddr_storage addrs[RNRCTL_SETSVC_MAX_ADDRS];
    int         addrlens[RNRCTL_SETSVC_MAX_ADDRS];
    int         naddrs;
};

/* Parses, resolves, connects: what every command here starts with;
 * publication refuses --persistent.  0 with *fd open, or the exit code
 * (-1: --help was shown). */
int rnrctl_setsvc_prepare(struct rnrctl *c, struct rnrctl_setsvc *s, int argc, char **argv,
                          const char *help, int publication, int *fd);

/* The query set the command line describes; csa (RNRCTL_SETSVC_MAX_ADDRS
 * entries) is the caller's. */
void rnrctl_setsvc_queryset(struct rnrctl_setsvc *s, CSADDR_INFO *csa, WSAQUERYSETA *qs);

/* SET_SERVICE with the report, on *fd.  0 with *status and *out (the
 * report: rnr_ops_control_free; NULL from an rnrd too old to give one)
 * set, or the connection's failure. */
int rnrctl_setsvc_send(int *fd, const WSAQUERYSETA *qs, WSAESETSERVICEOP op, DWORD flags,
                       int *status, struct rnr_ops_control **out);

/* Each provider's part, as text lines or as a JSON object (compact when
 * `lines`: publish prints one object a line). */
void rnrctl_setsvc_report(struct rnrctl *c, const struct rnrctl_setsvc *s,
                          const char *operation, int status,
                          const struct rnr_ops_control *rep, int lines);

/* The summary line and exit code of one SET_SERVICE. */
int rnrctl_setsvc_conclude(struct rnrctl *c, const struct rnrctl_setsvc *s,
                           WSAESETSERVICEOP op, int status, const struct rnr_ops_control *rep);

/* rnrctl_fail naming the service, its name made safe for a terminal. */
int rnrctl_setsvc_fail(struct rnrctl *c, int status, const char *name, const char *why);

/* register, deregister, delete: one SET_SERVICE op, reported; the exit
 * code. */
int rnrctl_setsvc_run(struct rnrctl *c, int argc, char **argv, WSAESETSERVICEOP op,
                      const char *help);

#endif
