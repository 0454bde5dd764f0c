/* SPDX-License-Identifier: MIT */
/*
 * Lookups on the directory, answered inside lookup_begin.
 *
 * The query's context (lpszContext; "" or NULL: the default context) is
 * where the search starts; an unknown one gives WSASERVICE_NOT_FOUND.
 * Without LUP_DEEP only that container is searched, with it the whole
 * subtree.  LUP_CONTAINERS returns only containers (those directly
 * inside unless LUP_DEEP; none: WSANO_DATA), LUP_NOCONTAINERS none;
 * without either, containers come back when the class asked for is the
 * container class or the null GUID (any class).  Instance names match
 * with '*' and '?' wildcards, ASCII case-insensitively; NULL or "" is
 * "*".  Results carry lpszContext: where the service (or container)
 * lives.  A service whose name and class matched but whose version did
 * not makes the answer WSANO_DATA rather than WSASERVICE_NOT_FOUND.
 *
 * Trust (directory.h, `trust = admin`, the default): a lookup through
 * NS_ALL that names no provider is what gethostbyname, getaddrinfo
 * through NSS, getservbyname and GetAddressByName send.  Such a lookup
 * gets a host, address or service entry (the classes below) only when
 * root or an admin owns it, or the caller does: any user may register,
 * but nobody can put an address under a name other users resolve, nor
 * shadow localhost.  A lookup that names NS_NDS or this provider still
 * finds every entry.  The answer cache is shared by every user, so a
 * lookup whose answer depended on the caller (an untrusted entry matched,
 * served or withheld) is never marked reusable.
 *
 * Walks over a container or a subtree can be paused (emit's
 * RNR_NSP_PAUSED, for a client that does not read): the query moves to
 * the heap with its cursor, which the tree keeps valid across removals,
 * and goes on in lookup_resume.  A lookup of one exact name follows its
 * index chain to the end instead: the entries under one name are few, and
 * the chain's order does not survive the index growing.
 *
 * Pages (dir_page.h): a query set whose lpBlob holds a page request gets
 * services only (LUP_CONTAINERS with one is WSAEINVAL, as is a malformed
 * request), at most the page's size, sorted, after its cursor.
 */
#include "config.h"

#include "directory.h"

#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "dir_page.h"
#include "guid.h"
#include "queryset.h"

#include <rnr/svcguid.h>

const GUID dir_container_class = DIR_CONTAINER_CLASS;

enum query_phase { PHASE_CONTAINERS, PHASE_SERVICES, PHASE_DONE };

struct query {
    struct dir_state      *st;
    struct rnr_nsp_lookup *lk;
    const WSAQUERYSETA    *qs;
    const char            *name;      /* NULL: every name */
    int                    wild;
    int                    any_class;
    int                    deep;
    size_t                 matched;   /* name and class matched */
    size_t                 emitted;
    int                    stop;      /* the daemon's result limit */
    struct dir_viewer      who;       /* the trust rule for this caller */
    DWORD                  flags;
    int                    want_services;
    enum query_phase       phase;
    struct dir_cursor      cur;       /* where the walk goes on */
    int                    paused;    /* emit said RNR_NSP_PAUSED */
    int                    nopause;   /* no memory to hold the query: carry on */
};

/* The classes of host, address and service lookups: the Winsock 1.1
 * functions, NSS and GetAddressByName ask for these (and the TCP/UDP
 * port classes, DNS record classes included). */
int dir_resolution_class(const GUID *g)
{
    static const GUID byname = SVCID_INET_HOSTADDRBYNAME, byaddr =
        SVCID_INET_HOSTADDRBYINETSTRING, hostname = SVCID_HOSTNAME, service =
        SVCID_INET_SERVICEBYNAME;

    return rnr_guid_equal(g, &byname) || rnr_guid_equal(g, &byaddr) ||
           rnr_guid_equal(g, &hostname) || rnr_guid_equal(g, &service) ||
           IS_SVCID_TCP(g) || IS_SVCID_UDP(g);
}

static int name_matches(const struct query *q, const char *name)
{
    if (q->name == NULL)
        return 1;
    return q->wild ? rnr_wildcard_match(q->name, name) : strcasecmp(q->name, name) == 0;
}

static void emit(struct query *q, const WSAQUERYSETA *r)
{
    int rc = q->st->host->emit(q->lk, r);

    if (rc == WSAENOBUFS) {
        q->stop = 1;
        q->st->truncated++;
        q->st->host->log(q->st->p, RNR_NSP_LOG_WARNING,
                         "a lookup was cut short by the daemon after %zu results "
                         "(max-results-per-lookup, or a client gone or over its budgets); "
                         "the rest was not returned", q->emitted);
        return;
    }
    q->emitted++;
    if (rc == RNR_NSP_PAUSED && !q->nopause)
        q->paused = 1;
}

static void emit_container(struct query *q, const struct dir_node *n)
{
    WSAQUERYSETA r;

    if (!name_matches(q, n->name))
        return;
    memset(&r, 0, sizeof r);
    r.dwSize = sizeof r;
    r.lpszServiceInstanceName = n->name;
    r.lpServiceClassId = (GUID *)&dir_container_class;
    r.lpszContext = n->parent->path;
    emit(q, &r);
}

/* The containers from the cursor on. */
static void containers(struct query *q)
{
    struct dir_cursor *c = &q->cur;

    while (c->node != NULL && !q->stop && !q->paused) {
        struct dir_node *n = c->node;

        c->node = c->deep ? dir_node_next(n, c->top) : n->next;
        emit_container(q, n);
    }
}

/* Would e be in the answer?  Counts what it matched or withheld. */
static int service_wanted(struct query *q, const struct dir_entry *e)
{
    if (!q->any_class && !rnr_guid_equal(dir_entry_class(e), q->qs->lpServiceClassId))
        return 0;
    if (!name_matches(q, dir_entry_name(e)))
        return 0;
    if (!dir_entry_visible(q->st, &q->who, e))
        return 0;
    q->matched++;
    return rnr_qs_version_matches(q->qs->lpVersion, dir_entry_version(e));
}

static void service_emit(struct query *q, const struct dir_entry *e)
{
    WSAQUERYSETA *r;

    if (dir_entry_expand(e, &r) != 0) {
        q->stop = 1;
        q->st->truncated++;
        q->st->host->log(q->st->p, RNR_NSP_LOG_WARNING,
                         "a lookup was cut short after %zu results: out of memory", q->emitted);
        return;
    }
    r->lpszContext = e->node->path;
    emit(q, r);
    rnr_free(r);
}

static void service(struct query *q, const struct dir_entry *e)
{
    if (service_wanted(q, e))
        service_emit(q, e);
}

void dir_viewer_init(struct dir_viewer *v, const struct dir_state *st,
                     struct rnr_nsp_lookup *lk, const WSAQUERYSETA *qs)
{
    v->guarded = !st->policy.trust_all && qs->dwNameSpace == NS_ALL &&
                 qs->lpNSProviderId == NULL;
    v->uid = st->host->lookup_caller(lk)->uid;
    v->untrusted = 0;
}

int dir_entry_visible(struct dir_state *st, struct dir_viewer *v, const struct dir_entry *e)
{
    if (!v->guarded || dir_entry_trusted(e) || !dir_resolution_class(dir_entry_class(e)))
        return 1;
    v->untrusted++;
    /* Withheld as if it were not there: the status too is the one the
     * caller would get without it. */
    if (e->owner != v->uid) {
        st->withheld++;
        return 0;
    }
    return 1;
}

/* One name: its index chain, whatever the store's size, never paused. */
static void services_by_name(struct query *q)
{
    const struct dir_node  *start = q->cur.top;
    const struct dir_entry *e;
    uint32_t                h = dir_name_hash(&q->st->tree, q->name);

    for (e = dir_tree_name_first(&q->st->tree, q->name, h); e != NULL && !q->stop;
         e = dir_tree_name_next(e, h))
        if (q->deep ? dir_node_within(e->node, start) : e->node == start)
            service(q, e);
}

/* The entries from the cursor on: the start container's, then (deep)
 * those of every container below it, in preorder. */
static void services_walk(struct query *q)
{
    struct dir_cursor *c = &q->cur;

    while (c->node != NULL && !q->stop && !q->paused) {
        struct dir_entry *e = c->entry;

        if (e == NULL) {
            c->node = c->deep ? dir_node_next(c->node, c->top) : NULL;
            c->entry = c->node != NULL ? c->node->ent_first : NULL;
            continue;
        }
        c->entry = e->next;
        service(q, e);
    }
}

/* Runs the query from where it is.  1 when it was paused with more to
 * do, 0 when it is over. */
static int query_run(struct query *q)
{
    struct dir_cursor *c = &q->cur;

    q->paused = 0;
    for (;;) {
        if (q->stop || c->top == NULL)
            q->phase = PHASE_DONE;
        switch (q->phase) {
        case PHASE_CONTAINERS:
            containers(q);
            if (c->node == NULL && !q->stop) {
                q->phase = q->want_services ? PHASE_SERVICES : PHASE_DONE;
                c->node = (struct dir_node *)c->top;
                c->entry = c->top->ent_first;
            }
            break;
        case PHASE_SERVICES:
            if (q->name != NULL && !q->wild) {
                services_by_name(q);
                q->phase = PHASE_DONE;
            } else {
                services_walk(q);
                if (c->node == NULL)
                    q->phase = PHASE_DONE;
            }
            break;
        case PHASE_DONE:
            return 0;
        }
        if (q->paused && q->phase != PHASE_DONE)
            return 1;
    }
}

static int query_status(const struct query *q)
{
    if (q->emitted > 0)
        return 0;
    return (q->flags & LUP_CONTAINERS) || q->matched > 0 ? WSANO_DATA : WSASERVICE_NOT_FOUND;
}

/* ------------------------------------------------------------ pages */

static int entry_cmp(const struct dir_entry *a, const struct dir_entry *b)
{
    return dir_page_cmp(a->node->path, dir_entry_name(a), dir_entry_class(a),
                        b->node->path, dir_entry_name(b), dir_entry_class(b));
}

/* A max-heap of the page's entries so far: h[0] sorts last. */
static void heap_down(struct dir_entry **h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        struct dir_entry *t;

        if (l < n && entry_cmp(h[l], h[m]) > 0)
            m = l;
        if (r < n && entry_cmp(h[r], h[m]) > 0)
            m = r;
        if (m == i)
            return;
        t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

static void heap_up(struct dir_entry **h, size_t i)
{
    while (i > 0 && entry_cmp(h[i], h[(i - 1) / 2]) > 0) {
        struct dir_entry *t = h[i];

        h[i] = h[(i - 1) / 2];
        h[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

/* The first pg->size wanted entries after the cursor, in page order:
 * one pass over the containers searched, keeping the smallest in a heap
 * (O(entries x log size) a page, however the store is laid out).  A
 * container before the cursor's is skipped whole. */
static int services_paged(struct query *q, const struct dir_node *start,
                          const struct dir_page *pg)
{
    const struct dir_node  *n;
    const struct dir_entry *e;
    struct dir_entry      **h;
    size_t                  cap = pg->size, k = 0;

    if (cap > q->st->tree.nentries)
        cap = q->st->tree.nentries;
    if (cap == 0)
        return 0;
    if ((h = rnr_malloc(cap * sizeof *h)) == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    for (n = start; n != NULL; n = q->deep ? dir_node_next(n, start) : NULL) {
        int where = pg->has_cursor ? dir_page_path_cmp(n->path, pg->context) : 1;

        if (where < 0)
            continue;
        for (e = n->ent_first; e != NULL; e = e->next) {
            if (where == 0 && dir_page_cmp(n->path, dir_entry_name(e),
                                           dir_entry_class(e), pg->context, pg->name,
                                           &pg->cls) <= 0)
                continue;
            if (k == cap && entry_cmp(e, h[0]) >= 0)
                continue;
            if (!service_wanted(q, e))
                continue;
            if (k < cap) {
                h[k] = (struct dir_entry *)e;
                heap_up(h, k++);
            } else {
                h[0] = (struct dir_entry *)e;
                heap_down(h, k, 0);
            }
        }
    }
    /* Heap sort: ascending in place. */
    for (cap = k; cap > 1; cap--) {
        struct dir_entry *t = h[0];

        h[0] = h[cap - 1];
        h[cap - 1] = t;
        heap_down(h, cap - 1, 0);
    }
    for (cap = 0; cap < k && !q->stop; cap++)
        service_emit(q, h[cap]);
    rnr_free(h);
    return 0;
}

/* How long an answer may be served from the answer cache. */
#define DIR_REUSABLE_MS 60000u

/* The store changes only through requests the daemon sees (registrations,
 * control, reload), and each of those empties the answer cache: whatever
 * a lookup answers, found or not, may be reused until then, by anyone,
 * unless it depended on who asked. */
void dir_lookup_reusable(const struct dir_state *st, const struct dir_viewer *v,
                         struct rnr_nsp_lookup *lk)
{
    if (v->untrusted == 0 && st->host->lookup_reusable != NULL)
        st->host->lookup_reusable(lk, DIR_REUSABLE_MS);
}

/* Paused: the query outlives lookup_begin, its cursor fixed up by the
 * tree.  Without the memory to hold it, it carries on unpaused (the
 * daemon then holds its results within max-output-per-lookup). */
static int query_hold(struct query *q)
{
    struct query *held;

    while ((held = rnr_malloc(sizeof *held)) == NULL) {
        q->nopause = 1;
        if (!query_run(q))
            return 0;
    }
    *held = *q;
    dir_tree_cursor_add(&q->st->tree, &held->cur);
    q->st->host->lookup_set_data(q->lk, held);
    return 1;
}

int dir_lookup_begin(void *state, struct rnr_nsp_lookup *lk, const WSAQUERYSETA *qs, DWORD flags)
{
    static const GUID null_guid;
    struct dir_state *st = state;
    struct dir_node  *start;
    struct dir_path   path;
    struct query      q;
    struct dir_page   pg;
    int               container_class, want_containers, rc, paged = 0;

    st->lookups++;
    memset(&q, 0, sizeof q);
    memset(&pg, 0, sizeof pg);
    if (dir_page_requested(qs->lpBlob)) {
        /* Services only, in the page order (dir_page.h). */
        paged = 1;
        if ((flags & LUP_CONTAINERS) || (rc = dir_page_decode(qs->lpBlob, &pg)) != 0) {
            rc = (flags & LUP_CONTAINERS) ? WSAEINVAL : rc;
            goto done;
        }
    }
    if (dir_path_parse(qs->lpszContext, st->default_context, &path) != 0 ||
        (start = dir_tree_find_node(&st->tree, &path)) == NULL) {
        rc = WSASERVICE_NOT_FOUND;
        goto done;
    }
    q.st = st;
    q.lk = lk;
    q.qs = qs;
    q.flags = flags;
    dir_viewer_init(&q.who, st, lk, qs);
    /* What the Winsock 1.1 functions and NSS ask in their own terms. */
    if (!paged && ((rc = dir_resolve_service(st, lk, qs, flags, start, &q.who)) != 1 ||
        (rc = dir_resolve_addr(st, lk, qs, flags, start, &q.who)) != 1))
        goto done;
    q.deep = (flags & LUP_DEEP) != 0;
    q.any_class = rnr_guid_equal(qs->lpServiceClassId, &null_guid);
    container_class = rnr_guid_equal(qs->lpServiceClassId, &dir_container_class);
    if (qs->lpszServiceInstanceName != NULL && qs->lpszServiceInstanceName[0] != '\0' &&
        strcmp(qs->lpszServiceInstanceName, "*") != 0) {
        q.name = qs->lpszServiceInstanceName;
        q.wild = strpbrk(q.name, "*?") != NULL;
    }
    if (paged) {
        if ((rc = services_paged(&q, start, &pg)) == 0)
            rc = query_status(&q);
        goto done;
    }
    want_containers = (flags & LUP_CONTAINERS) ||
                      (!(flags & LUP_NOCONTAINERS) && (q.any_class || container_class));
    q.want_services = !(flags & LUP_CONTAINERS) && !container_class;

    q.cur.top = start;
    q.cur.deep = q.deep;
    if (want_containers) {
        q.phase = PHASE_CONTAINERS;
        q.cur.node = q.deep ? dir_node_next(start, start) : start->child_first;
    } else {
        q.phase = q.want_services ? PHASE_SERVICES : PHASE_DONE;
        q.cur.node = start;
        q.cur.entry = start->ent_first;
    }
    if (query_run(&q) && query_hold(&q))
        return 0;
    rc = query_status(&q);
done:
    /* Not pages: an export reads each once, and they are large. */
    if (!paged)
        dir_lookup_reusable(st, &q.who, lk);
    dir_page_clear(&pg);
    if (rc == 0)
        st->host->finish(lk, 0);
    return rc;
}

static void query_release(struct dir_state *st, struct query *q)
{
    dir_tree_cursor_del(&st->tree, &q->cur);
    st->host->lookup_set_data(q->lk, NULL);
    rnr_free(q);
}

void dir_lookup_resume(void *state, struct rnr_nsp_lookup *lk)
{
    struct dir_state *st = state;
    struct query     *q = st->host->lookup_data(lk);
    int               rc;

    if (q == NULL || query_run(q))
        return;
    rc = query_status(q);
    dir_lookup_reusable(st, &q->who, lk);
    query_release(st, q);
    st->host->finish(lk, rc);
}

void dir_lookup_cancel(void *state, struct rnr_nsp_lookup *lk)
{
    struct dir_state *st = state;
    struct query     *q = st->host->lookup_data(lk);

    if (q != NULL)
        query_release(st, q);
}
