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
#include "queryset.h"
#include "rnrd.h"
#include "router.h"

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

static int session_set_service(struct rnrd_client *c, uint32_t id, struct rnr_rbuf *r)
{
    struct rnrd *d = c->d;
    WSAQUERYSETA *qs = NULL;
    uint32_t op, flags;
    size_t *idx = NULL, n = 0, i;
    int rc, worst = 0, ok = 0;

    if (rnr_wire_get_u32(r, &op) != 0 || rnr_wire_get_u32(r, &flags) != 0 ||
        rnr_wire_get_queryset(r, &qs, NULL) != 0 || rnr_rbuf_finish(r) != 0) {
        rnr_free(qs);
        return -1;
    }
    if (op > RNRSERVICE_DELETE || rnr_qs_validate(qs, 1) != 0) {
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
    for (i = 0; i < n; i++) {
        struct rnr_nsp_provider *p = d->catalog.entries[idx[i]].instance;
        int st;

        if (p == NULL || !p->started)
            st = WSASERVICE_NOT_FOUND;
        else if (p->ops->set_service == NULL)
            st = WSAEOPNOTSUPP;
        else
            st = p->ops->set_service(p->state, &c->caller, qs, (WSAESETSERVICEOP)op, flags);
        if (st == 0)
            ok = 1;
        else if (setservice_rank(st) > setservice_rank(worst))
            worst = st;
        log_debug("client %u: set_service op %u on %s: %d", c->serial, op, p ? p->name : "?", st);
    }
    rc = ok ? 0 : worst;
done:
    rnr_free(idx);
    rnr_free(qs);
    rnrd_reply_status(c, RNR_MSG_SET_SERVICE, id, rc);
    return 0;
}

int rnrd_session_dispatch(struct rnrd_client *c, const struct rnr_wire_hdr *h,
                          const uint8_t *body, size_t len)
{
    struct rnr_rbuf r;

    rnr_rbuf_init(&r, body, len);
    switch (h->type) {
    case RNR_MSG_SET_SERVICE:
    case RNR_MSG_INSTALL_CLASS:
    case RNR_MSG_REMOVE_CLASS:
    case RNR_MSG_CONTROL:
    case RNR_MSG_RELOAD:
        /* Whatever they change, no answer given before is served again
         * from the answer cache (answers.c). */
        rnrd_answers_changed(c->d);
        break;
    default:
        break;
    }
    switch (h->type) {
    case RNR_MSG_LOOKUP_BEGIN:
        return rnrd_lookup_request_begin(c, h->id, &r);
    case RNR_MSG_LOOKUP_END:
        return rnrd_lookup_request_end(c, h->id, &r);
    case RNR_MSG_SET_SERVICE:
        return session_set_service(c, h->id, &r);
    case RNR_MSG_INSTALL_CLASS:
    case RNR_MSG_REMOVE_CLASS:
    case RNR_MSG_GET_CLASS_INFO:
    case RNR_MSG_GET_CLASS_NAME:
    case RNR_MSG_LIST_CLASSES:
        return rnrd_classes_request(c, h, &r);
    case RNR_MSG_ENUM_PROVIDERS:
        return session_enum_providers(c, h->id, &r);
    case RNR_MSG_PING:
        return session_ping(c, h->id, &r);
    case RNR_MSG_STATUS:
    case RNR_MSG_STATS:
    case RNR_MSG_CONTROL:
    case RNR_MSG_RELOAD:
        return rnrd_ops_request(c, h, &r);
    default:
        return -1;
    }
}
