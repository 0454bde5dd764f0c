/* SPDX-License-Identifier: MIT */
/*
 * Request dispatch.  Every handler decodes its whole body and checks that
 * nothing is left over before acting: a malformed body drops the client
 * (return -1); a well-formed request that fails gets an error reply.
 */
#include "config.h"

#include <string.h>

#include "alloc.h"
#include "log.h"
#include "lookup.h"
#include "msgtab.h"
#include "nspcall.h"
#include "queryset.h"
#include "rnrd.h"
#include "router.h"
#include "subscribe.h"

static int session_ping(struct rnrd_client *c, uint32_t id, struct rnr_rbuf *r)
{
    if (rnr_rbuf_finish(r) != 0)
        return -1;
    rnrd_reply_status(c, RNR_MSG_PING, id, 0);
    return 0;
}

static int session_enum_providers(struct rnrd_client *c, uint32_t id, struct rnr_rbuf *r)
{
    struct rnrd *d = c->d;
    struct rnr_wbuf *w;
    size_t i;

    if (rnr_rbuf_finish(r) != 0)
        return -1;
    w = rnrd_reply_begin(c, RNR_MSG_ENUM_PROVIDERS, id);
    rnr_wire_put_u32(w, (uint32_t)d->catalog.count);
    for (i = 0; i < d->catalog.count; i++) {
        const struct rnr_catalog_entry *e = &d->catalog.entries[i];
        WSANAMESPACE_INFOA ns;

        memset(&ns, 0, sizeof ns);
        ns.NSProviderId = e->id;
        ns.dwNameSpace = e->name_space;
        ns.fActive = e->enabled ? TRUE : FALSE;
        ns.dwVersion = e->version;
        ns.lpszIdentifier = e->display_name;
        rnr_wire_put_nsinfo(w, &ns);
    }
    rnrd_reply_end(c, RNR_MSG_ENUM_PROVIDERS, id);
    return 0;
}

/* A provider's answer that says it changed nothing. */
static int setservice_refused(int st)
{
    return st == WSAEACCES || st == WSAEINVAL || st == WSAEOPNOTSUPP ||
           st == WSASERVICE_NOT_FOUND || st == WSATYPE_NOT_FOUND;
}

/* Which failure of a WSASetService to report when no provider accepted:
 * refusal first, then a real error, then "not supported". */
static int setservice_rank(int st)
{
    if (st == WSAEACCES)
        return 3;
    if (st == WSAEOPNOTSUPP)
        return 1;
    return st != 0 ? 2 : 0;
}

/* One provider's part of a WSASetService. */
struct rnrd_setslot {
    char     *name;
    int       stores;     /* RNR_NSP_CAP_REGISTER */
    int       session;    /* RNR_NSP_CAP_SESSION */
    int       answered;
    int       status;
    uint32_t  outcome;    /* RNR_SET_* */
};

/*
 * A WSASetService in flight.  Providers may complete later (nsp.h,
 * set_service_defer): the request then lives until its last token
 * completes, holding one reference per pending token plus one for the
 * dispatch loop, and replies once, with the statuses aggregated exactly
 * as if every provider had answered at once.  The client's other
 * requests go on meanwhile (replies are matched by id, doc/protocol.md);
 * its calling thread waits in WSASetService.  A client that goes away
 * first only loses the reply: `client` becomes NULL.
 */
struct rnrd_setreq {
    TAILQ_ENTRY(rnrd_setreq) link;       /* in client->sets */
    struct rnrd             *d;
    struct rnrd_client      *client;     /* NULL: gone, no reply */
    uint32_t                 id, op, flags;
    int                      report;     /* RNR_SET_REPORT asked */
    size_t                   refs;
    size_t                   nslots;
    struct rnrd_setslot     *slot;       /* in catalog order */
};

struct rnr_nsp_pending {
    TAILQ_ENTRY(rnr_nsp_pending) plink;  /* in prov->pending */
    struct rnrd_setreq          *req;
    size_t                       slot;
};

/* The set_service call on the stack, for host->set_service_defer.  One
 * is enough: providers run on the loop thread, one call at a time, and
 * a set_service never leads to another. */
static struct {
    struct rnrd_setreq      *req;
    size_t                   slot;        /* prov's slot in req */
    struct rnr_nsp_provider *prov;
    struct rnr_nsp_pending  *token;
    int                      token_done;  /* completed inside the call */
} set_call;

static void setreq_free(struct rnrd_setreq *q)
{
    size_t i;

    if (q == NULL)
        return;
    for (i = 0; i < q->nslots; i++)
        rnr_free(q->slot[i].name);
    rnr_free(q->slot);
    rnr_free(q);
}

static void setreq_status(struct rnrd_setreq *q, size_t i, int st)
{
    struct rnrd_setslot *s = &q->slot[i];

    s->answered = 1;
    s->status = st;
    if (st != 0)
        s->outcome = s->stores ? RNR_SET_REFUSED : RNR_SET_NOT_APPLICABLE;
    else if (!s->stores)
        s->outcome = RNR_SET_NOT_APPLICABLE;
    else if (q->op != RNRSERVICE_REGISTER)
        s->outcome = RNR_SET_REMOVED;
    else if (s->session && !(q->flags & RNR_SERVICE_PERSISTENT))
        s->outcome = RNR_SET_HELD;
    else
        s->outcome = RNR_SET_STORED;
    /* Its registration ends with the connection: closing it as idle
     * would end the registration with it. */
    if (s->outcome == RNR_SET_HELD && q->client != NULL)
        q->client->holds_regs = 1;
    log_debug("client %u: set_service op %u on %s: %d",
              q->client != NULL ? q->client->serial : 0, q->op, s->name, st);
}

/*
 * The caller's status.  Only providers that store registrations decide
 * it: 0 when one of them did what was asked, else their worst failure,
 * so that a static name space accepting everything (hosts, DNS: "a NOP"
 * in the API reference) never hides a refusal.  With no such provider
 * in scope the others decide as the reference has it: 0 for a NOP.
 */
static int setreq_verdict(const struct rnrd_setreq *q)
{
    int group, ok, worst, any;
    size_t i;

    for (group = 1; group >= 0; group--) {
        ok = 0;
        worst = 0;
        any = 0;
        for (i = 0; i < q->nslots; i++) {
            const struct rnrd_setslot *s = &q->slot[i];

            if (!s->answered || s->stores != group)
                continue;
            any = 1;
            if (s->status == 0)
                ok = 1;
            else if (setservice_rank(s->status) > setservice_rank(worst))
                worst = s->status;
        }
        if (any)
            return ok ? 0 : worst;
    }
    return WSASERVICE_NOT_FOUND;
}

static void setreq_reply(struct rnrd_setreq *q)
{
    struct rnrd_client *c = q->client;
    struct rnr_wbuf *w;
    int st = setreq_verdict(q);
    size_t i;

    if (!q->report) {
        rnrd_reply_status(c, RNR_MSG_SET_SERVICE, q->id, st);
        return;
    }
    w = rnrd_reply_begin_status(c, RNR_MSG_SET_SERVICE, q->id, st);
    rnr_wire_put_u32(w, (uint32_t)q->nslots);
    for (i = 0; i < q->nslots; i++) {
        rnr_wire_put_string(w, q->slot[i].name);
        rnr_wire_put_u32(w, q->slot[i].outcome);
        rnr_wire_put_u32(w, (uint32_t)q->slot[i].status);
    }
    rnrd_reply_end(c, RNR_MSG_SET_SERVICE, q->id);
}

static void setreq_release(struct rnrd_setreq *q)
{
    if (--q->refs > 0)
        return;
    if (q->client != NULL) {
        TAILQ_REMOVE(&q->client->sets, q, link);
        setreq_reply(q);
    }
    setreq_free(q);
}

struct rnr_nsp_pending *rnrd_set_service_defer(struct rnr_nsp_provider *p)
{
    struct rnr_nsp_pending *pd;

    if (set_call.prov != p || set_call.token != NULL || set_call.token_done) {
        log_err("provider %s: set_service_defer outside its set_service, or twice", p->name);
        return NULL;
    }
    if ((pd = rnr_calloc(1, sizeof *pd)) == NULL)
        return NULL;
    pd->req = set_call.req;
    pd->slot = set_call.slot;
    pd->req->refs++;
    TAILQ_INSERT_TAIL(&p->pending, pd, plink);
    set_call.token = pd;
    return pd;
}

static void token_complete(struct rnr_nsp_provider *p, struct rnr_nsp_pending *pd, int status)
{
    struct rnrd_setreq *q = pd->req;
    size_t slot = pd->slot;

    TAILQ_REMOVE(&p->pending, pd, plink);
    rnr_free(pd);
    setreq_status(q, slot, status);
    /* Lookups that began while the change was pending read the old data
     * under the generation taken at dispatch: they must not be stored. */
    rnrd_answers_changed(q->d);
    setreq_release(q);
}

void rnrd_set_service_done(struct rnr_nsp_provider *p, struct rnr_nsp_pending *pd, int status)
{
    struct rnr_nsp_pending *t;

    TAILQ_FOREACH(t, &p->pending, plink)
        if (t == pd)
            break;
    if (t == NULL || pd == NULL) {
        log_err("provider %s: set_service_done on an unknown or completed token", p->name);
        return;
    }
    if (status == RNR_NSP_PENDING) {
        log_err("provider %s: set_service_done with RNR_NSP_PENDING", p->name);
        status = WSANO_RECOVERY;
    }
    if (set_call.token == pd) {
        set_call.token = NULL;
        set_call.token_done = 1;
    }
    token_complete(p, pd, status);
}

/* One provider's part: its status now, or RNR_NSP_PENDING when a token
 * holds the request until it completes. */
static int setreq_call(struct rnrd_setreq *q, size_t slot, struct rnr_nsp_provider *p,
                       const struct rnr_nsp_caller *caller, const WSAQUERYSETA *qs)
{
    struct rnr_nsp_pending *pd;
    int st, early;

    set_call.req = q;
    set_call.slot = slot;
    set_call.prov = p;
    set_call.token = NULL;
    set_call.token_done = 0;
    st = rnrd_nsp_set_service(p, caller, qs, (WSAESETSERVICEOP)q->op, q->flags);
    pd = set_call.token;
    early = set_call.token_done;
    memset(&set_call, 0, sizeof set_call);
    if (early) {
        if (st != RNR_NSP_PENDING)
            log_err("provider %s: set_service completed its token and returned %d", p->name, st);
        return RNR_NSP_PENDING;   /* already counted */
    }
    if (pd != NULL && st == RNR_NSP_PENDING)
        return RNR_NSP_PENDING;
    if (pd != NULL) {
        /* Completed after all: the token is void. */
        TAILQ_REMOVE(&p->pending, pd, plink);
        rnr_free(pd);
        q->refs--;
    } else if (st == RNR_NSP_PENDING) {
        log_err("provider %s: set_service returned RNR_NSP_PENDING without a token", p->name);
        st = WSANO_RECOVERY;
    }
    return st;
}

/* The request for the providers idx[0..n-1], with a slot for each. */
static struct rnrd_setreq *setreq_new(struct rnrd_client *c, const size_t *idx, size_t n)
{
    struct rnrd_setreq *q = rnr_calloc(1, sizeof *q);

    if (q == NULL || (q->slot = rnr_calloc(n ? n : 1, sizeof *q->slot)) == NULL)
        goto fail;
    for (; q->nslots < n; q->nslots++) {
        const struct rnr_catalog_entry *e = &c->d->catalog.entries[idx[q->nslots]];
        struct rnrd_setslot *s = &q->slot[q->nslots];

        if ((s->name = rnr_strdup(e->name)) == NULL)
            goto fail;
        s->stores = (e->capabilities & RNR_NSP_CAP_REGISTER) != 0;
        s->session = (e->capabilities & RNR_NSP_CAP_SESSION) != 0;
    }
    return q;
fail:
    setreq_free(q);
    return NULL;
}

static int session_set_service(struct rnrd_client *c, uint32_t id, struct rnr_rbuf *r)
{
    struct rnrd *d = c->d;
    struct rnrd_setreq *q = NULL;
    WSAQUERYSETA *qs = NULL;
    uint32_t op, flags, options = 0;
    size_t *idx = NULL, n = 0, i;
    int rc, changed = 0;

    if (rnr_wire_get_u32(r, &op) != 0 || rnr_wire_get_u32(r, &flags) != 0 ||
        rnr_wire_get_queryset(r, &qs, NULL) != 0 ||
        (r->left > 0 && rnr_wire_get_u32(r, &options) != 0) || rnr_rbuf_finish(r) != 0) {
        rnr_free(qs);
        return -1;
    }
    if (op > RNRSERVICE_DELETE || (options & ~RNR_SET_REPORT) != 0 ||
        rnr_qs_validate(qs, 1) != 0) {
        rc = WSAEINVAL;
        goto done;
    }
    idx = rnr_calloc(d->catalog.count ? d->catalog.count : 1, sizeof *idx);
    if (idx == NULL) {
        rc = WSA_NOT_ENOUGH_MEMORY;
        goto done;
    }
    rc = rnr_router_select_scope(&d->catalog, qs->dwNameSpace, qs->lpNSProviderId, idx, &n);
    if (rc == 0 && n == 0)
        rc = WSASERVICE_NOT_FOUND;
    if (rc != 0)
        goto done;
    if ((q = setreq_new(c, idx, n)) == NULL) {
        rc = WSA_NOT_ENOUGH_MEMORY;
        goto done;
    }
    q->d = d;
    q->client = c;
    q->id = id;
    q->op = op;
    q->flags = flags;
    q->report = (options & RNR_SET_REPORT) != 0;
    q->refs = 1;    /* this loop's */
    TAILQ_INSERT_TAIL(&c->sets, q, link);
    for (i = 0; i < n; i++) {
        struct rnr_nsp_provider *p = d->catalog.entries[idx[i]].instance;
        int st;

        st = setreq_call(q, i, p, &c->caller, qs);
        if (st != RNR_NSP_PENDING)
            setreq_status(q, i, st);
        /* After the change (the loop is single-threaded: no lookup runs
         * in between); a refusal changed nothing, nor did a static name
         * space's no-op.  A deferred one invalidates when it completes
         * (token_complete). */
        if (st != RNR_NSP_PENDING && q->slot[i].stores && !setservice_refused(st))
            changed = 1;
    }
    if (changed)
        rnrd_answers_changed(d);
    /* Replies now unless a provider still holds a token. */
    setreq_release(q);
    q = NULL;
    rnr_free(idx);
    rnr_free(qs);
    return 0;
done:
    setreq_free(q);
    rnr_free(idx);
    rnr_free(qs);
    rnrd_reply_status(c, RNR_MSG_SET_SERVICE, id, rc);
    return 0;
}

void rnrd_session_client_gone(struct rnrd_client *c)
{
    struct rnrd_setreq *q;

    while ((q = TAILQ_FIRST(&c->sets)) != NULL) {
        TAILQ_REMOVE(&c->sets, q, link);
        q->client = NULL;
    }
}

void rnrd_session_provider_gone(struct rnr_nsp_provider *p)
{
    struct rnr_nsp_pending *pd;

    while ((pd = TAILQ_FIRST(&p->pending)) != NULL) {
        log_warning("provider %s: stopped with a registration pending (failed)", p->name);
        token_complete(p, pd, WSANO_RECOVERY);
    }
}

/*
 * What rnrd does with each request type.  Names, flags and which types
 * are requests at all come from the message table (nsp/msgtab.h); this
 * only adds the handler.  Some handlers take the request id, those that
 * serve several types the whole header.
 */
struct session_handler {
    int (*by_id)(struct rnrd_client *c, uint32_t id, struct rnr_rbuf *r);
    int (*by_hdr)(struct rnrd_client *c, const struct rnr_wire_hdr *h, struct rnr_rbuf *r);
};

static const struct session_handler handlers[] = {
    [RNR_MSG_LOOKUP_BEGIN]   = { rnrd_lookup_request_begin, NULL },
    [RNR_MSG_LOOKUP_END]     = { rnrd_lookup_request_end, NULL },
    [RNR_MSG_SET_SERVICE]    = { session_set_service, NULL },
    [RNR_MSG_INSTALL_CLASS]  = { NULL, rnrd_classes_request },
    [RNR_MSG_REMOVE_CLASS]   = { NULL, rnrd_classes_request },
    [RNR_MSG_GET_CLASS_INFO] = { NULL, rnrd_classes_request },
    [RNR_MSG_GET_CLASS_NAME] = { NULL, rnrd_classes_request },
    [RNR_MSG_LIST_CLASSES]   = { NULL, rnrd_classes_request },
    [RNR_MSG_ENUM_PROVIDERS] = { session_enum_providers, NULL },
    [RNR_MSG_PING]           = { session_ping, NULL },
    [RNR_MSG_ANSWER_CACHE]   = { rnrd_answers_request, NULL },
    [RNR_MSG_CACHE_REPORT]   = { rnrd_answers_report, NULL },
    [RNR_MSG_SUBSCRIBE]      = { rnrd_sub_request, NULL },
    [RNR_MSG_STATUS]         = { NULL, rnrd_ops_request },
    [RNR_MSG_STATS]          = { NULL, rnrd_ops_request },
    [RNR_MSG_CONTROL]        = { NULL, rnrd_ops_request },
    [RNR_MSG_RELOAD]         = { NULL, rnrd_ops_request },
    [RNR_MSG_ADMIN]          = { NULL, rnrd_ops_request },
};

int rnrd_session_dispatch(struct rnrd_client *c, const struct rnr_wire_hdr *h,
                          const uint8_t *body, size_t len)
{
    unsigned flags = rnr_msg_flags(h->type);
    const struct session_handler *sh;
    struct rnr_rbuf r;

    /* Replies and pushed types are rnrd's to send, never to receive. */
    if (!(flags & RNR_MSGF_REQUEST) || (h->type & RNR_MSG_REPLY) ||
        h->type >= sizeof handlers / sizeof handlers[0])
        return -1;
    sh = &handlers[h->type];
    if (sh->by_id == NULL && sh->by_hdr == NULL)
        return -1;
    rnr_rbuf_init(&r, body, len);
    /* Whatever a change does, no answer given before is served again from
     * the answer cache (answers.c); but only once the caller was found to
     * be allowed: a refused request has no side effect, not even an
     * invalidation (a user could otherwise empty the cache for everyone
     * in a loop). */
    if ((flags & RNR_MSGF_INVALIDATES) && (!(flags & RNR_MSGF_ADMIN) || c->caller.is_admin))
        rnrd_answers_changed(c->d);
    return sh->by_id != NULL ? sh->by_id(c, h->id, &r) : sh->by_hdr(c, h, &r);
}
