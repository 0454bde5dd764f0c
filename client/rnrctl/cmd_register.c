/*
 * rnrctl register / deregister / delete: WSASetService; publish: a
 * registration that lasts while rnrctl runs.
 *
 * They send SET_SERVICE on rnrctl's own connection (opsconn.h) asking
 * for the per-provider report (doc/protocol.md), which librnr's
 * WSASetService does not return, and print what each provider did.  The
 * connection is also what a dynamic name space ties a registration to:
 * publish keeps it open until SIGINT or SIGTERM, then deregisters.
 */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <netinet/in.h>

#include "alloc.h"
#include "guid.h"
#include "opsconn.h"
#include "rnrctl.h"
#include "status.h"
#include "wire_ops.h"

#define SETSERVICE_OPTIONS \
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

static const char rnrctl_help_register[] =
"Usage: rnrctl register CLASS NAME [options]\n"
"\n"
"Register service instance NAME of class CLASS (WSASetService with\n"
"RNRSERVICE_REGISTER).  Static name spaces (hosts, DNS) store nothing;\n"
"persistent ones store it.  Dynamic ones (NS_SAP) advertise it only as\n"
"long as the registering program runs: give --persistent, or keep it\n"
"with 'rnrctl publish'.\n"
"\n"
SETSERVICE_OPTIONS
"\n"
"Examples:\n"
"  rnrctl register tcp:5000 printer1 --addr 192.0.2.10:5000 --comment 'floor 2'\n"
"  rnrctl register myclass svc --addr [2001:db8::1]:53 --protocol udp --ns NS_SAP \\\n"
"      --persistent\n"
"  rnrctl register myclass svc --addr 192.0.2.1:80 --addr 192.0.2.2:80 --multiple\n";

static const char rnrctl_help_publish[] =
"Usage: rnrctl publish CLASS NAME [options]\n"
"\n"
"Register service instance NAME of class CLASS, as register does, and keep\n"
"it registered until interrupted (SIGINT, SIGTERM or SIGHUP): then\n"
"deregister it and exit 0.  What each provider did is printed at once.\n"
"If rnrd closes the connection (it restarted, say), the registration is\n"
"made again on a new one.  With --json, one JSON object a line.\n"
"\n"
SETSERVICE_OPTIONS
"\n"
"Examples:\n"
"  rnrctl publish myclass printer1 --addr 192.0.2.10:631 --ns NS_SAP\n"
"  rnrctl publish tcp:8080 devserver --addr 192.0.2.7:8080 --provider directory\n";

static const char rnrctl_help_deregister[] =
"Usage: rnrctl deregister CLASS NAME [options]\n"
"\n"
"Deregister service instance NAME of class CLASS (WSASetService with\n"
"RNRSERVICE_DEREGISTER): dynamic name spaces stop advertising it,\n"
"persistent ones delete its address information, and with it the entry.\n"
"Only the registering user or root may do so.\n"
"\n"
SETSERVICE_OPTIONS
"\n"
"Examples:\n"
"  rnrctl deregister tcp:5000 printer1\n"
"  rnrctl deregister myclass svc --provider directory\n";

static const char rnrctl_help_delete[] =
"Usage: rnrctl delete CLASS NAME [options]\n"
"\n"
"Delete service instance NAME of class CLASS (WSASetService with\n"
"RNRSERVICE_DELETE).  With --multiple, only the addresses given with\n"
"--addr are removed; each must match a registered one exactly.\n"
"\n"
SETSERVICE_OPTIONS
"\n"
"Examples:\n"
"  rnrctl delete tcp:5000 printer1\n"
"  rnrctl delete myclass svc --addr 192.0.2.2:80 --multiple\n";

enum {
    O_ADDR = RNRCTL_O_FIRST,
    O_COMMENT,
    O_MULTIPLE,
    O_PERSISTENT
};

static const struct rnrctl_opt opts[] = {
    RNRCTL_COMMON_OPTS,
    RNRCTL_TARGET_OPTS,
    { "addr",     0, 1, O_ADDR },
    { "comment",  0, 1, O_COMMENT },
    { "multiple", 0, 0, O_MULTIPLE },
    { "persistent", 0, 0, O_PERSISTENT },
    RNRCTL_OPTS_END
};

/* The rnr wire limit (queryset.h RNR_QS_MAX_CSADDRS) is far above what a
 * command line carries; this only bounds rnrctl's own arrays. */
#define MAX_ADDRS 64

struct setsvc {
    struct rnrctl_target t;
    const char *comment;
    int         multiple;
    int         persistent;
    struct sockaddr_storage addrs[MAX_ADDRS];
    int         addrlens[MAX_ADDRS];
    int         naddrs;
};

static int parse_args(struct rnrctl *c, struct setsvc *s, int argc, char **argv,
                      const char *help)
{
    struct rnrctl_parser p;
    const char *val;
    char err[256];
    int id, r;

    rnrctl_parser_init(&p, argc, argv, 1);
    while ((id = rnrctl_parser_next(&p, opts, &val, err, sizeof err)) != RNRCTL_OPT_END) {
        switch (id) {
        case RNRCTL_OPT_ERROR:
            return rnrctl_usage(c, "%s", err);
        case RNRCTL_O_HELP:
            fputs(help, stdout);
            return -1;
        case O_ADDR:
            if (s->naddrs == MAX_ADDRS)
                return rnrctl_usage(c, "--addr: at most %d addresses", MAX_ADDRS);
            if (rnrctl_parse_addr(val, &s->addrs[s->naddrs], &s->addrlens[s->naddrs],
                                  err, sizeof err) != 0)
                return rnrctl_usage(c, "--addr: %s", err);
            s->naddrs++;
            break;
        case O_COMMENT:
            s->comment = val;
            break;
        case O_MULTIPLE:
            s->multiple = 1;
            break;
        case O_PERSISTENT:
            s->persistent = 1;
            break;
        default:
            if ((r = rnrctl_target_opt(c, &s->t, id, val, 0)) != 0)
                return r;
            break;
        }
    }
    if (s->t.class_arg == NULL)
        return rnrctl_usage(c, "missing CLASS and NAME");
    if (s->t.name == NULL)
        return rnrctl_usage(c, "missing NAME");
    return 0;
}

static const char *op_verb(WSAESETSERVICEOP op)
{
    switch (op) {
    case RNRSERVICE_REGISTER:   return "registered";
    case RNRSERVICE_DEREGISTER: return "deregistered";
    default:                    return "deleted";
    }
}

/* rnrctl_fail naming the service, its name made safe for a terminal. */
static int fail_named(struct rnrctl *c, int status, const char *name, const char *why)
{
    char *safe = out_text_dup(name);
    int r = rnrctl_fail(c, status, "%s%s%s", safe != NULL ? safe : "-", why ? ": " : "",
                        why ? why : "");

    rnr_free(safe);
    return r;
}

static const char *outcome_word(uint32_t outcome)
{
    switch (outcome) {
    case RNR_SET_STORED:  return "stored";
    case RNR_SET_HELD:    return "held";
    case RNR_SET_REMOVED: return "removed";
    case RNR_SET_REFUSED: return "refused";
    default:              return "not-applicable";
    }
}

/* What the providers did, counted by outcome. */
struct tally {
    unsigned stored, held, removed, refused;
};

/* The query set the command line describes; csa is the caller's. */
static void setsvc_queryset(struct setsvc *s, CSADDR_INFO *csa, WSAQUERYSETA *qs)
{
    int i;

    /* The address clients are to reach goes in RemoteAddr; LocalAddr is
     * what a client would bind to, which a registration cannot know. */
    memset(csa, 0, MAX_ADDRS * sizeof *csa);
    for (i = 0; i < s->naddrs; i++) {
        csa[i].RemoteAddr.lpSockaddr = (LPSOCKADDR)&s->addrs[i];
        csa[i].RemoteAddr.iSockaddrLength = s->addrlens[i];
        csa[i].iSocketType = s->t.protocol == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM;
        csa[i].iProtocol = s->t.protocol;
    }
    rnrctl_target_queryset(&s->t, qs);
    qs->lpszComment = (LPSTR)s->comment;
    qs->dwNumberOfCsAddrs = (DWORD)s->naddrs;
    qs->lpcsaBuffer = s->naddrs != 0 ? csa : NULL;
}

/* SET_SERVICE on fd, asking for the report unless `report` is 0. */
static int exchange_set(int fd, const WSAQUERYSETA *qs, WSAESETSERVICEOP op, DWORD flags,
                        int report, int *status, uint8_t **body, size_t *len)
{
    struct rnr_wbuf w;
    int rc;

    rnr_wbuf_init(&w);
    rnrctl_ops_begin(&w, RNR_MSG_SET_SERVICE);
    rnr_wire_put_u32(&w, (uint32_t)op);
    rnr_wire_put_u32(&w, flags);
    rnr_wire_put_queryset(&w, qs);
    if (report)
        rnr_wire_put_u32(&w, RNR_SET_REPORT);
    rc = rnrctl_ops_exchange(fd, &w, RNR_MSG_SET_SERVICE, status, body, len);
    rnr_wbuf_free(&w);
    return rc;
}

/* SET_SERVICE with the report, on *fd.  0 with *status and *out (the
 * report: rnr_ops_control_free; NULL from an rnrd too old to give one)
 * set, or the connection's failure. */
static int send_set(int *fd, const WSAQUERYSETA *qs, WSAESETSERVICEOP op, DWORD flags,
                    int *status, struct rnr_ops_control **out)
{
    uint8_t *body = NULL;
    size_t len = 0;
    int rc, st = 0;

    rc = exchange_set(*fd, qs, op, flags, 1, &st, &body, &len);
    if (rc == WSASYSNOTREADY) {
        /* An rnrd older than the report drops a request it cannot
         * decode, before any provider saw it: ask again without. */
        close(*fd);
        *fd = -1;
        if ((rc = rnrctl_ops_dial(fd)) != 0 ||
            (rc = exchange_set(*fd, qs, op, flags, 0, &st, &body, &len)) != 0)
            goto done;
        if (len != 0) {
            rc = WSASYSCALLFAILURE;   /* not what a daemon sends */
            goto done;
        }
        *out = NULL;
    } else if (rc != 0) {
        goto done;
    } else if (len == 0 && st != 0) {
        /* A daemon refusing the request before any provider saw it (bad
         * query set, no provider in scope) sends no report. */
        struct rnr_ops_control *none = rnr_calloc(1, sizeof *none);

        if (none == NULL) {
            rc = WSAENOBUFS;
            goto done;
        }
        *out = none;
    } else if ((rc = rnr_ops_setreport_decode(body, len, out)) != 0) {
        rc = WSASYSCALLFAILURE;   /* not what a daemon sends */
        goto done;
    }
    *status = st;
done:
    rnr_free(body);
    return rc;
}

static void tally_count(const struct rnr_ops_control *rep, struct tally *t)
{
    size_t i;

    memset(t, 0, sizeof *t);
    for (i = 0; rep != NULL && i < rep->n; i++) {
        switch (rep->res[i].outcome) {
        case RNR_SET_STORED:  t->stored++;  break;
        case RNR_SET_HELD:    t->held++;    break;
        case RNR_SET_REMOVED: t->removed++; break;
        case RNR_SET_REFUSED: t->refused++; break;
        default:              break;
        }
    }
}

/* Each provider's part, as text lines or as a JSON object (compact when
 * `lines`: publish prints one object a line). */
static void print_report(struct rnrctl *c, const struct setsvc *s, const char *operation,
                         int status, const struct rnr_ops_control *rep, int lines)
{
    char id[RNR_GUID_STRLEN];
    size_t i;

    if (rep == NULL) {
        fprintf(stderr, "rnrctl: %s: this rnrd does not say what each provider did "
                "(older than rnrctl)\n", c->cmd);
        if (!c->json)
            return;
    }
    rnr_guid_format(&s->t.class_id, id);
    if (c->json) {
        struct out_json j;
        const char *sn = rnr_status_name(status);

        out_json_init(&j, stdout, !lines);
        out_json_object_begin(&j);
        out_json_kv_string(&j, "operation", operation);
        out_json_kv_string(&j, "name", s->t.name);
        out_json_kv_string(&j, "class", id);
        out_json_kv_uint(&j, "addresses", (unsigned)s->naddrs);
        out_json_kv_bool(&j, "multiple", s->multiple);
        if (sn != NULL)
            out_json_kv_string(&j, "status", sn);
        else
            out_json_kv_int(&j, "status", status);
        out_json_key(&j, "providers");
        if (rep == NULL)
            out_json_null(&j);
        else
            out_json_array_begin(&j);
        for (i = 0; rep != NULL && i < rep->n; i++) {
            const char *pn = rnr_status_name((int)rep->res[i].status);

            out_json_object_begin(&j);
            out_json_kv_string(&j, "provider", rep->res[i].provider);
            out_json_kv_string(&j, "outcome", outcome_word(rep->res[i].outcome));
            if (pn != NULL)
                out_json_kv_string(&j, "status", pn);
            else
                out_json_kv_uint(&j, "status", rep->res[i].status);
            out_json_object_end(&j);
        }
        if (rep != NULL)
            out_json_array_end(&j);
        out_json_object_end(&j);
        out_json_finish(&j);
        fflush(stdout);
        return;
    }
    for (i = 0; i < rep->n; i++) {
        const struct rnr_ops_control_result *r = &rep->res[i];

        out_text(stdout, r->provider);
        switch (r->outcome) {
        case RNR_SET_STORED:
            fputs(": stored\n", stdout);
            break;
        case RNR_SET_HELD:
            fputs(": held until rnrctl exits (its connection ends it)\n", stdout);
            break;
        case RNR_SET_REMOVED:
            fputs(": removed\n", stdout);
            break;
        case RNR_SET_REFUSED:
            fprintf(stdout, ": refused: %s: %s\n",
                    rnr_status_name((int)r->status) != NULL
                        ? rnr_status_name((int)r->status) : "error",
                    rnr_status_text((int)r->status));
            break;
        default:
            fputs(": not applicable (stores no registrations)\n", stdout);
            break;
        }
    }
    /* Before any error or warning on stderr, which reads as its
     * conclusion even when both go to one pipe. */
    fflush(stdout);
}

/* The first refusal that matters when another provider did accept:
 * anything but "not there", which a deregistration over several name
 * spaces meets wherever the service never was.  NULL when none. */
static const struct rnr_ops_control_result *partial_refusal(const struct rnr_ops_control *rep)
{
    size_t i;

    for (i = 0; rep != NULL && i < rep->n; i++)
        if (rep->res[i].outcome == RNR_SET_REFUSED &&
            rep->res[i].status != (uint32_t)WSASERVICE_NOT_FOUND)
            return &rep->res[i];
    return NULL;
}

/* The summary line and exit code of one SET_SERVICE. */
static int conclude(struct rnrctl *c, const struct setsvc *s, WSAESETSERVICEOP op,
                    int status, const struct rnr_ops_control *rep)
{
    const struct rnr_ops_control_result *refused;
    struct tally t;
    char id[RNR_GUID_STRLEN];

    if (status != 0)
        return fail_named(c, status, s->t.name, NULL);
    tally_count(rep, &t);
    if (rep != NULL && t.stored + t.held + t.removed == 0) {
        fprintf(stderr, "rnrctl: %s: nothing %s: no provider in scope stores "
                "registrations\n", c->cmd, op_verb(op));
        return RNRCTL_EXIT_NOTFOUND;
    }
    if (!c->json) {
        fprintf(stdout, "%s ", op_verb(op));
        out_text(stdout, s->t.name);
        rnr_guid_format(&s->t.class_id, id);
        fprintf(stdout, " (class %s, %d address%s)\n", id, s->naddrs,
                s->naddrs == 1 ? "" : "es");
    }
    /* Done somewhere is not done: a provider that refused is a failure
     * the exit status must not hide. */
    if ((refused = partial_refusal(rep)) != NULL) {
        char *who = out_text_dup(refused->provider), why[160];

        snprintf(why, sizeof why, "refused by %s", who != NULL ? who : "a provider");
        rnr_free(who);
        return fail_named(c, (int)refused->status, s->t.name, why);
    }
    return RNRCTL_EXIT_OK;
}

/* Parses, resolves, connects: what every command here starts with.
 * 0 with *fd open, or the exit code (-1: --help was shown). */
static int setsvc_prepare(struct rnrctl *c, struct setsvc *s, int argc, char **argv,
                          const char *help, int *fd)
{
    int r;

    s->t.ns = NS_ALL;
    s->t.protocol = IPPROTO_TCP;
    if ((r = parse_args(c, s, argc, argv, help)) != 0)
        return r;
    if (s->persistent && help == rnrctl_help_publish)
        return rnrctl_usage(c, "--persistent: a publication ends with rnrctl; "
                               "use register --persistent");
    if ((r = rnrctl_target_resolve(c, &s->t)) != 0)
        return r;
    if ((r = rnrctl_ops_dial(fd)) != 0)
        return rnrctl_fail(c, r, "connecting to rnrd");
    return 0;
}

static int set_service(struct rnrctl *c, int argc, char **argv, WSAESETSERVICEOP op,
                       const char *help)
{
    struct setsvc *s = rnr_calloc(1, sizeof *s);
    struct rnr_ops_control *rep = NULL;
    CSADDR_INFO csa[MAX_ADDRS];
    WSAQUERYSETA qs;
    struct tally t;
    int r, st = 0, fd = -1;

    if (s == NULL)
        return rnrctl_fail(c, WSAENOBUFS, "allocating");
    if ((r = setsvc_prepare(c, s, argc, argv, help, &fd)) != 0) {
        r = r < 0 ? RNRCTL_EXIT_OK : r;
        goto done;
    }
    setsvc_queryset(s, csa, &qs);
    r = send_set(&fd, &qs, op, (s->multiple ? SERVICE_MULTIPLE : 0) |
                              (s->persistent ? RNR_SERVICE_PERSISTENT : 0), &st, &rep);
    if (r != 0) {
        r = fail_named(c, r, s->t.name, NULL);
        goto done;
    }
    print_report(c, s, c->cmd, st, rep, 0);
    r = conclude(c, s, op, st, rep);
    tally_count(rep, &t);
    if (t.held > 0 && (r == RNRCTL_EXIT_OK || partial_refusal(rep) != NULL)) {
        fprintf(stderr, "rnrctl: %s: warning: %u provider%s hold%s the registration only "
                "while rnrctl runs: it ends now.  Use --persistent, or rnrctl publish.\n",
                c->cmd, t.held, t.held == 1 ? "" : "s", t.held == 1 ? "s" : "");
        if (r == RNRCTL_EXIT_OK)
            r = RNRCTL_EXIT_TRANSIENT;
    }
done:
    rnr_ops_control_free(rep);
    if (fd >= 0)
        close(fd);
    rnr_free(s);
    return r;
}

static int rnrctl_cmd_register(struct rnrctl *c, int argc, char **argv)
{
    return set_service(c, argc, argv, RNRSERVICE_REGISTER, rnrctl_help_register);
}

static int rnrctl_cmd_deregister(struct rnrctl *c, int argc, char **argv)
{
    return set_service(c, argc, argv, RNRSERVICE_DEREGISTER, rnrctl_help_deregister);
}

static int rnrctl_cmd_delete(struct rnrctl *c, int argc, char **argv)
{
    return set_service(c, argc, argv, RNRSERVICE_DELETE, rnrctl_help_delete);
}

/* ------------------------------------------------------------ publish */

/* publish_set's "rnrd went away before answering: try again". */
#define PUBLISH_RETRY (-2)

/* One registration (or deregistration) for publish, printed.  0, or the
 * exit code; PUBLISH_RETRY, silently, when `retry` and rnrd went away. */
static int publish_set(struct rnrctl *c, struct setsvc *s, int *fd, const WSAQUERYSETA *qs,
                       WSAESETSERVICEOP op, const char *operation, int retry)
{
    struct rnr_ops_control *rep = NULL;
    int r, st = 0;

    r = send_set(fd, qs, op, s->multiple ? SERVICE_MULTIPLE : 0, &st, &rep);
    if (r == WSASYSNOTREADY && retry)
        return PUBLISH_RETRY;
    if (r != 0)
        return fail_named(c, r, s->t.name, NULL);
    print_report(c, s, operation, st, rep, 1);
    r = conclude(c, s, op, st, rep);
    rnr_ops_control_free(rep);
    fflush(stdout);
    return r;
}

/* Waits for a signal, at most timeout_ms (-1: for ever) and, when fd is
 * not -1, only as long as rnrd keeps the connection.  1 when a signal
 * came; 0 when the connection closed (or rnrd sent what nobody asked
 * for) or the time ran out. */
static int publish_wait(int fd, int sfd, int timeout_ms)
{
    struct pollfd pfd[2] = { { sfd, POLLIN, 0 }, { fd, POLLIN, 0 } };
    struct signalfd_siginfo si;
    int n;

    for (;;) {
        n = poll(pfd, fd >= 0 ? 2 : 1, timeout_ms);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return 1;   /* cannot wait: withdraw rather than linger */
        if (n == 0)
            return 0;
        if ((pfd[0].revents & POLLIN) && read(sfd, &si, sizeof si) == (ssize_t)sizeof si)
            return 1;
        if (fd >= 0 && pfd[1].revents != 0)
            return 0;
    }
}

/* rnrd closed the connection (it restarted, say), and with it what was
 * held for it: connect again, waiting for rnrd as long as it takes, and
 * register again.  0 with *fd open and registered; -1 when a signal came
 * meanwhile (nothing left to withdraw); else the exit code. */
static int publish_again(struct rnrctl *c, struct setsvc *s, int *fd, int sfd,
                         const WSAQUERYSETA *qs)
{
    int delay_ms = 100, r;

    fprintf(stderr, "rnrctl: publish: rnrd closed the connection; registering again\n");
    for (;;) {
        /* A daemon shutting down may still accept before it goes. */
        if (*fd >= 0)
            close(*fd);
        *fd = -1;
        r = rnrctl_ops_dial(fd);
        if (r == 0 &&
            (r = publish_set(c, s, fd, qs, RNRSERVICE_REGISTER, "publish", 1)) != PUBLISH_RETRY)
            return r;
        if (r != PUBLISH_RETRY && r != WSASYSNOTREADY)
            return fail_named(c, r, s->t.name, "no longer published");
        if (publish_wait(-1, sfd, delay_ms))
            return -1;
        if (delay_ms < 5000)
            delay_ms *= 2;
    }
}

static int rnrctl_cmd_publish(struct rnrctl *c, int argc, char **argv)
{
    struct setsvc *s = rnr_calloc(1, sizeof *s);
    CSADDR_INFO csa[MAX_ADDRS];
    WSAQUERYSETA qs;
    sigset_t set, old;
    int r, fd = -1, sfd = -1, blocked = 0;

    if (s == NULL)
        return rnrctl_fail(c, WSAENOBUFS, "allocating");
    /* Blocked before registering: a signal during the registration is
     * taken once it is in place, and withdraws it. */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    if (sigprocmask(SIG_BLOCK, &set, &old) == 0)
        blocked = 1;
    if ((sfd = signalfd(-1, &set, SFD_CLOEXEC)) < 0) {
        r = rnrctl_fail(c, WSASYSCALLFAILURE, "signalfd: %s", strerror(errno));
        goto done;
    }
    if ((r = setsvc_prepare(c, s, argc, argv, rnrctl_help_publish, &fd)) != 0) {
        r = r < 0 ? RNRCTL_EXIT_OK : r;
        goto done;
    }
    setsvc_queryset(s, csa, &qs);
    if ((r = publish_set(c, s, &fd, &qs, RNRSERVICE_REGISTER, "publish", 0)) != 0)
        goto done;
    if (!c->json) {
        fputs("published; withdrawn on SIGINT or SIGTERM\n", stdout);
        fflush(stdout);
    }
    while (!publish_wait(fd, sfd, -1)) {
        if ((r = publish_again(c, s, &fd, sfd, &qs)) != 0) {
            if (r < 0)
                r = RNRCTL_EXIT_OK;   /* interrupted while rnrd was away */
            goto done;
        }
    }
    r = publish_set(c, s, &fd, &qs, RNRSERVICE_DEREGISTER, "withdraw", 0);
done:
    if (fd >= 0)
        close(fd);
    if (sfd >= 0)
        close(sfd);
    if (blocked)
        sigprocmask(SIG_SETMASK, &old, NULL);
    rnr_free(s);
    return r;
}

const struct rnrctl_command rnrctl_command_register = {
    .name = "register",
    .synopsis = "CLASS NAME",
    .summary = "register a service instance (--addr ...)",
    .help = rnrctl_help_register,
    .run = rnrctl_cmd_register,
};

const struct rnrctl_command rnrctl_command_deregister = {
    .name = "deregister",
    .synopsis = "CLASS NAME",
    .summary = "deregister a service instance",
    .help = rnrctl_help_deregister,
    .run = rnrctl_cmd_deregister,
};

const struct rnrctl_command rnrctl_command_delete = {
    .name = "delete",
    .synopsis = "CLASS NAME",
    .summary = "delete a service instance, or one address of it",
    .help = rnrctl_help_delete,
    .run = rnrctl_cmd_delete,
};

const struct rnrctl_command rnrctl_command_publish = {
    .name = "publish",
    .synopsis = "CLASS NAME",
    .summary = "register it until interrupted, then deregister",
    .help = rnrctl_help_publish,
    .run = rnrctl_cmd_publish,
};
