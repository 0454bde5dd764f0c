/* SPDX-License-Identifier: MIT */
/*
 * The service classes the directory holds, for WSAGetServiceClassInfo
 * and the class-name functions: rnrd's class slots are synchronous, so
 * the provider answers from a copy of every serviceClass object, read
 * with one search every cache-ttl seconds (at least every second) and
 * after each install or removal it mirrored.  A read that fails drops
 * the copy: nothing older than a read is answered, and rnrd falls back
 * to its own class store.  Classes installed through another host's
 * rnrd (on a replica) are thus seen here within cache-ttl.
 */
#include "config.h"

#include "ldap_int.h"

#include <string.h>

#include "alloc.h"
#include "classinfo.h"

struct lp_cread {
    struct lp_req          rq;
    struct lp_state       *st;
    WSASERVICECLASSINFOA **got;
    size_t                 n;
};

static void classes_free(WSASERVICECLASSINFOA **v, size_t n)
{
    size_t i;

    for (i = 0; v != NULL && i < n; i++)
        rnr_free(v[i]);
    rnr_free(v);
}

static int cread_send(struct lp_req *rq, LDAP *ld, int *msgid)
{
    static char *attrs[] = { "displayName", "serviceClassID", "serviceClassInfo", NULL };
    struct lp_cread *r = rq->arg;

    return ldap_search_ext(ld, r->st->cfg.container, LDAP_SCOPE_ONELEVEL,
                           "(objectClass=serviceClass)", attrs, 0, NULL, NULL, NULL,
                           LP_MAX_CLASSES, msgid);
}

/* One serviceClass object as a flat class, or NULL (malformed). */
static WSASERVICECLASSINFOA *class_read(LDAP *ld, LDAPMessage *e)
{
    struct berval      **name = ldap_get_values_len(ld, e, "displayName");
    struct berval      **id = ldap_get_values_len(ld, e, "serviceClassID");
    struct berval      **info = ldap_get_values_len(ld, e, "serviceClassInfo");
    WSANSCLASSINFOA      ni[LP_MAX_CLASSINFOS];
    WSASERVICECLASSINFOA ci, *flat = NULL;
    GUID                 g;
    char                *text = NULL;
    DWORD                i, n = 0;

    memset(&ci, 0, sizeof ci);
    if (name == NULL || name[0] == NULL || name[0]->bv_len == 0 ||
        name[0]->bv_len > LP_NAME_MAX || memchr(name[0]->bv_val, '\0', name[0]->bv_len) ||
        id == NULL || id[0] == NULL || lp_guid_get(id[0]->bv_val, id[0]->bv_len, &g) != 0 ||
        (text = rnr_strndup(name[0]->bv_val, name[0]->bv_len)) == NULL)
        goto done;
    for (; info != NULL && info[n] != NULL; n++)
        if (n == LP_MAX_CLASSINFOS ||
            lp_classinfo_get(info[n]->bv_val, info[n]->bv_len, &ni[n]) != 0)
            goto done;
    ci.lpServiceClassId = &g;
    ci.lpszServiceClassName = text;
    ci.dwCount = n;
    ci.lpClassInfos = n > 0 ? ni : NULL;
    if (rnr_class_validate(&ci) == 0)
        flat = rnr_class_dup(&ci, NULL);
done:
    for (i = 0; i < n; i++) {
        rnr_free(ni[i].lpszName);
        rnr_free(ni[i].lpValue);
    }
    rnr_free(text);
    ldap_value_free_len(name);
    ldap_value_free_len(id);
    ldap_value_free_len(info);
    return flat;
}

static void cread_entry(struct lp_req *rq, LDAP *ld, LDAPMessage *e)
{
    struct lp_cread       *r = rq->arg;
    WSASERVICECLASSINFOA  *ci = class_read(ld, e), **g;

    if (ci == NULL) {
        r->st->malformed++;
        return;
    }
    if (r->n == LP_MAX_CLASSES || (g = rnr_realloc(r->got, (r->n + 1) * sizeof *g)) == NULL) {
        rnr_free(ci);
        return;
    }
    r->got = g;
    r->got[r->n++] = ci;
}

static void refresh_tick(void *arg);

static void cread_done(struct lp_req *rq, int rc)
{
    struct lp_cread *r = rq->arg;
    struct lp_state *st = r->st;

    st->class_refresh = NULL;
    classes_free(st->classes, st->nclasses);
    st->classes = NULL;
    st->nclasses = 0;
    if (rc == LDAP_SUCCESS || rc == LDAP_SIZELIMIT_EXCEEDED) {
        st->classes = r->got;
        st->nclasses = r->n;
        r->got = NULL;
        r->n = 0;
    }
    classes_free(r->got, r->n);
    rnr_free(r);
    if (!st->stopping && st->class_timer == NULL)
        st->class_timer = st->host->timer_add(
            st->p, (st->cfg.cache_ttl > 0 ? st->cfg.cache_ttl : 1) * 1000ull, refresh_tick, st);
}

void lp_classes_refresh(struct lp_state *st)
{
    struct lp_cread *r;

    if (st->class_refresh != NULL || st->stopping || (r = rnr_calloc(1, sizeof *r)) == NULL)
        return;
    r->st = st;
    r->rq.send = cread_send;
    r->rq.entry = cread_entry;
    r->rq.done = cread_done;
    r->rq.arg = r;
    st->class_refresh = &r->rq;
    lp_req_submit(st, &r->rq);
}

static void refresh_tick(void *arg)
{
    struct lp_state *st = arg;

    st->class_timer = NULL;
    lp_classes_refresh(st);
}

void lp_classes_start(struct lp_state *st)
{
    lp_classes_refresh(st);
}

/* Before lp_conn_stop, which ends a read in flight. */
void lp_classes_stop(struct lp_state *st)
{
    st->stopping = 1;
    if (st->class_timer != NULL)
        st->host->timer_cancel(st->p, st->class_timer);
    st->class_timer = NULL;
}

void lp_classes_free(struct lp_state *st)
{
    classes_free(st->classes, st->nclasses);
    st->classes = NULL;
    st->nclasses = 0;
}

int lp_get_class_info(void *state, const GUID *class_id, const WSASERVICECLASSINFOA **out)
{
    struct lp_state *st = state;
    size_t           i;

    for (i = 0; i < st->nclasses; i++) {
        if (memcmp(st->classes[i]->lpServiceClassId, class_id, sizeof *class_id) == 0) {
            *out = st->classes[i];
            return 0;
        }
    }
    return WSATYPE_NOT_FOUND;
}
