/* SPDX-License-Identifier: MIT */
/*
 * The parts register, deregister, delete and publish share
 * (reg_common.h): parsing their command line into a query set, sending
 * SET_SERVICE with the per-provider report and printing what each
 * provider did.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>

#include "alloc.h"
#include "guid.h"
#include "opsconn.h"
#include "reg_common.h"
#include "status.h"

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


static int parse_args(struct rnrctl *c, struct rnrctl_setsvc *s, int argc, char **argv,
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
            if (s->naddrs == RNRCTL_SETSVC_MAX_ADDRS)
                return rnrctl_usage(c, "--addr: at most %d addresses", RNRCTL_SETSVC_MAX_ADDRS);
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

int rnrctl_setsvc_fail(struct rnrctl *c, int status, const char *name, const char *why)
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

void rnrctl_setsvc_queryset(struct rnrctl_setsvc *s, CSADDR_INFO *csa, WSAQUERYSETA *qs)
{
    int i;

    /* The address clients are to reach goes in RemoteAddr; LocalAddr is
     * what a client would bind to, which a registration cannot know. */
    memset(csa, 0, RNRCTL_SETSVC_MAX_ADDRS * sizeof *csa);
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

int rnrctl_setsvc_send(int *fd, const WSAQUERYSETA *qs, WSAESETSERVICEOP op, DWORD flags,
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

void rnrctl_setsvc_report(struct rnrctl *c, const struct rnrctl_setsvc *s,
                          const char *operation, int status,
                          const struct rnr_ops_control *rep, int lines)
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

int rnrctl_setsvc_conclude(struct rnrctl *c, const struct rnrctl_setsvc *s,
                           WSAESETSERVICEOP op, int status, const struct rnr_ops_control *rep)
{
    const struct rnr_ops_control_result *refused;
    struct tally t;
    char id[RNR_GUID_STRLEN];

    if (status != 0)
        return rnrctl_setsvc_fail(c, status, s->t.name, NULL);
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
        return rnrctl_setsvc_fail(c, (int)refused->status, s->t.name, why);
    }
    return RNRCTL_EXIT_OK;
}

int rnrctl_setsvc_prepare(struct rnrctl *c, struct rnrctl_setsvc *s, int argc, char **argv,
                          const char *help, int publication, int *fd)
{
    int r;

    s->t.ns = NS_ALL;
    s->t.protocol = IPPROTO_TCP;
    if ((r = parse_args(c, s, argc, argv, help)) != 0)
        return r;
    if (s->persistent && publication)
        return rnrctl_usage(c, "--persistent: a publication ends with rnrctl; "
                               "use register --persistent");
    if ((r = rnrctl_target_resolve(c, &s->t)) != 0)
        return r;
    if ((r = rnrctl_ops_dial(fd)) != 0)
        return rnrctl_fail(c, r, "connecting to rnrd");
    return 0;
}

int rnrctl_setsvc_run(struct rnrctl *c, int argc, char **argv, WSAESETSERVICEOP op,
                      const char *help)
{
    struct rnrctl_setsvc *s = rnr_calloc(1, sizeof *s);
    struct rnr_ops_control *rep = NULL;
    CSADDR_INFO csa[RNRCTL_SETSVC_MAX_ADDRS];
    WSAQUERYSETA qs;
    struct tally t;
    int r, st = 0, fd = -1;

    if (s == NULL)
        return rnrctl_fail(c, WSAENOBUFS, "allocating");
    if ((r = rnrctl_setsvc_prepare(c, s, argc, argv, help, 0, &fd)) != 0) {
        r = r < 0 ? RNRCTL_EXIT_OK : r;
        goto done;
    }
    rnrctl_setsvc_queryset(s, csa, &qs);
    r = rnrctl_setsvc_send(&fd, &qs, op, (s->multiple ? SERVICE_MULTIPLE : 0) |
                                         (s->persistent ? RNR_SERVICE_PERSISTENT : 0),
                           &st, &rep);
    if (r != 0) {
        r = rnrctl_setsvc_fail(c, r, s->t.name, NULL);
        goto done;
    }
    rnrctl_setsvc_report(c, s, c->cmd, st, rep, 0);
    r = rnrctl_setsvc_conclude(c, s, op, st, rep);
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

