/* SPDX-License-Identifier: MIT */
/*
 * WSALookupServiceBegin onto one LDAP search: the context below the
 * Winsock container is the base, LUP_DEEP a subtree instead of one
 * level, the class, the name (wildcards as substrings) and what kind of
 * object (LUP_CONTAINERS, LUP_NOCONTAINERS) the filter.  Protocol and
 * version restrictions and the LUP_RETURN_* mask are applied by rnrd on
 * emit, as for every provider.  The answer goes into rnrd's answer cache
 * for cache-ttl (LUP_FLUSHCACHE lookups never read that cache, so they
 * come here and to the server).
 */
#include "config.h"

#include "ldap_int.h"

#include <string.h>

#include "alloc.h"
#include "guid.h"

struct lp_lookup {
    struct lp_req          rq;
    struct lp_state       *st;
    struct rnr_nsp_lookup *lk;
    char                  *base;
    char                  *filter;
    int                    scope;
    size_t                 base_depth;
    DWORD                  flags;
    char                  *name;   /* the pattern, NULL for any */
    WSAVERSION             ver;
    int                    has_ver;
    size_t                 found, version_missed;
    int                    stopped;
};

static char *lp_attrs[] = {
    "objectClass", "cn", "displayName", "description", "serviceClassID",
    "serviceInstanceVersion", "winsockAddresses", NULL
};

static void lookup_free(struct lp_lookup *l)
{
    if (l == NULL)
        return;
    rnr_free(l->base);
    rnr_free(l->filter);
    rnr_free(l->name);
    rnr_free(l);
}

/* A name term: nothing for "any", else an equality or substring match. */
static void filter_name(struct lp_buf *b, const char *attr, const char *name)
{
    if (name == NULL || name[0] == '\0' || strcmp(name, "*") == 0)
        return;
    lp_buf_puts(b, "(");
    lp_buf_puts(b, attr);
    lp_buf_puts(b, "=");
    lp_filter_escape(b, name, 1);
    lp_buf_puts(b, ")");
}

static int want_containers(const WSAQUERYSETA *qs, DWORD flags)
{
    static const GUID cont = RNR_SVCID_DIRECTORY_CONTAINER;

    if (flags & LUP_CONTAINERS)
        return 1;
    if (flags & LUP_NOCONTAINERS)
        return 0;
    return rnr_guid_is_null(qs->lpServiceClassId) || rnr_guid_equal(qs->lpServiceClassId, &cont);
}

static int want_instances(const WSAQUERYSETA *qs, DWORD flags)
{
    static const GUID cont = RNR_SVCID_DIRECTORY_CONTAINER;

    return !(flags & LUP_CONTAINERS) && !rnr_guid_equal(qs->lpServiceClassId, &cont);
}

static char *filter_build(const WSAQUERYSETA *qs, DWORD flags)
{
    struct lp_buf b = { 0 };
    unsigned char g[LP_GUID_LEN];

    lp_buf_puts(&b, "(|");
    if (want_instances(qs, flags)) {
        lp_buf_puts(&b, "(&(objectClass=serviceInstance)");
        if (!rnr_guid_is_null(qs->lpServiceClassId)) {
            lp_guid_put(qs->lpServiceClassId, g);
            lp_buf_puts(&b, "(serviceClassID=");
            lp_filter_bytes(&b, g, sizeof g);
            lp_buf_puts(&b, ")");
        }
        filter_name(&b, "displayName", qs->lpszServiceInstanceName);
        lp_buf_puts(&b, ")");
    }
    if (want_containers(qs, flags)) {
        lp_buf_puts(&b, "(&(objectClass=container)");
        filter_name(&b, "cn", qs->lpszServiceInstanceName);
        lp_buf_puts(&b, ")");
    }
    lp_buf_puts(&b, ")");
    if (b.error) {
        lp_buf_free(&b);
        return NULL;
    }
    return b.data;
}

static int lookup_send(struct lp_req *rq, LDAP *ld, int *msgid)
{
    struct lp_lookup *l = rq->arg;
    struct timeval    tv = { .tv_sec = l->st->cfg.timeout_ms / 1000 + 1, .tv_usec = 0 };

    return ldap_search_ext(ld, l->base, l->scope, l->filter, lp_attrs, 0, NULL, NULL, &tv,
                           LP_MAX_ENTRIES, msgid);
}

static void lookup_end(struct lp_lookup *l, int status)
{
    struct lp_state *st = l->st;

    /* As the directory answers: only the version differed, or no
     * container where containers were asked for, is WSANO_DATA. */
    if (status == 0 && l->found == 0)
        status = l->version_missed > 0 || (l->flags & LUP_CONTAINERS) ? WSANO_DATA
                                                                       : WSASERVICE_NOT_FOUND;
    if ((status == 0 || status == WSASERVICE_NOT_FOUND ||
         status == WSANO_DATA) && st->cfg.cache_ttl > 0 &&
        st->host->lookup_reusable != NULL)
        st->host->lookup_reusable(l->lk, st->cfg.cache_ttl * 1000u);
    st->host->lookup_set_data(l->lk, NULL);
    st->host->finish(l->lk, status);
    lookup_free(l);
}

static void lookup_entry(struct lp_req *rq, LDAP *ld, LDAPMessage *e)
{
    struct lp_lookup *l = rq->arg;
    int               rc;

    rc = lp_entry_emit(l->st, l->lk, ld, e, l->base_depth, l->name, l->has_ver ? &l->ver : NULL);
    if (rc == 1) {
        l->found++;
    } else if (rc == LP_VERSION_MISS) {
        l->version_missed++;
    } else if (rc == WSAENOBUFS) {
        /* The client takes no more: the search is abandoned. */
        lp_req_cancel(rq);
        lookup_end(l, 0);
    }
}

static void lookup_done(struct lp_req *rq, int ldap_rc)
{
    struct lp_lookup *l = rq->arg;

    lookup_end(l, ldap_rc == LDAP_SERVER_DOWN ? WSATRY_AGAIN
                                              : lp_ldap_to_wsa(ldap_rc, LP_OP_SEARCH));
}

int lp_lookup_begin(void *state, struct rnr_nsp_lookup *lk, const WSAQUERYSETA *qs, DWORD flags)
{
    struct lp_state  *st = state;
    struct lp_lookup *l;
    int               rc;

    st->lookups++;
    if ((l = rnr_calloc(1, sizeof *l)) == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    l->st = st;
    l->lk = lk;
    if (qs->lpszServiceInstanceName != NULL && strpbrk(qs->lpszServiceInstanceName, "*?") &&
        (l->name = rnr_strdup(qs->lpszServiceInstanceName)) == NULL) {
        rc = WSA_NOT_ENOUGH_MEMORY;
        goto done;
    }
    l->flags = flags;
    if (qs->lpVersion != NULL) {
        l->ver = *qs->lpVersion;
        l->has_ver = 1;
    }
    l->scope = (flags & LUP_DEEP) ? LDAP_SCOPE_SUBTREE : LDAP_SCOPE_ONELEVEL;
    if ((rc = lp_context_dn(qs->lpszContext, st->cfg.container, &l->base)) != 0)
        goto done;
    l->base_depth = lp_dn_depth(l->base);
    if ((l->filter = filter_build(qs, flags)) == NULL) {
        rc = WSA_NOT_ENOUGH_MEMORY;
        goto done;
    }
    l->rq.send = lookup_send;
    l->rq.entry = lookup_entry;
    l->rq.done = lookup_done;
    l->rq.arg = l;
    st->host->lookup_set_data(lk, l);
    lp_req_submit(st, &l->rq);
    l = NULL;
done:
    lookup_free(l);
    if (rc == WSAEINVAL)
        rc = WSASERVICE_NOT_FOUND;   /* a context that cannot exist */
    return rc;
}

void lp_lookup_cancel(void *state, struct rnr_nsp_lookup *lk)
{
    struct lp_state  *st = state;
    struct lp_lookup *l = st->host->lookup_data(lk);

    if (l == NULL)
        return;
    lp_req_cancel(&l->rq);
    lookup_free(l);
}
