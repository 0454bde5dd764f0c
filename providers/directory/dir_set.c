/* SPDX-License-Identifier: MIT */
/*
 * WSASetService on the directory.
 *
 *   REGISTER    creates the service, or updates it: without
 *               SERVICE_MULTIPLE its description (version, comment, blob,
 *               addresses) is replaced by the query set's; with it the
 *               addresses are added (an address already there is not
 *               doubled) and only the fields the query set carries replace
 *               the stored ones.
 *   DEREGISTER  deletes the address information, and with the last address
 *               the service: an entry without addresses would only be an
 *               empty shell for lookups to return.
 *   DELETE      removes exactly the CSADDR_INFOs given (all must be
 *               there), and the service when none is left; without
 *               addresses, the whole service.
 *
 * Every change is written to the store (durably) before memory changes,
 * and everything the change needs is allocated before the write, so a
 * refused write leaves both as they were.  With an rnrd that lets a
 * WSASetService complete later, the sync runs off the loop (dir_pend.c):
 * the change is written here, memory changes once it is durable, and a
 * change builds on the pending ones before it.  Only the owner (the uid that
 * created the entry), root or an admin may change or remove an entry.
 *
 * Quotas: what each owner's entries take (their number, and their bytes
 * as dir_entry_bytes counts them) is kept by the tree, plus what the
 * pending changes will do.  A change by anyone but root or an admin that
 * would take its owner past quota-entries or quota-bytes is refused with
 * WSAEDQUOT before anything is written.  Each entry also keeps whether
 * its owner was an admin when it last wrote it: dir_query.c serves only
 * such entries (and root's) to other users' host and service lookups.
 */
#include "config.h"

#include "directory.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "alloc.h"
#include "guid.h"
#include "queryset.h"
#include "status.h"

static int sockaddr_equal(const SOCKET_ADDRESS *a, const SOCKET_ADDRESS *b)
{
    const struct sockaddr *x = (const struct sockaddr *)a->lpSockaddr;
    const struct sockaddr *y = (const struct sockaddr *)b->lpSockaddr;

    if (x == NULL || a->iSockaddrLength <= 0 || y == NULL || b->iSockaddrLength <= 0)
        return (x == NULL || a->iSockaddrLength <= 0) && (y == NULL || b->iSockaddrLength <= 0);
    if (x->sa_family != y->sa_family)
        return 0;
    if (x->sa_family == AF_INET) {
        const struct sockaddr_in *p = (const void *)x, *q = (const void *)y;

        return p->sin_port == q->sin_port && p->sin_addr.s_addr == q->sin_addr.s_addr;
    }
    if (x->sa_family == AF_INET6) {
        const struct sockaddr_in6 *p = (const void *)x, *q = (const void *)y;

        return p->sin6_port == q->sin6_port && p->sin6_scope_id == q->sin6_scope_id &&
               p->sin6_flowinfo == q->sin6_flowinfo &&
               memcmp(&p->sin6_addr, &q->sin6_addr, sizeof p->sin6_addr) == 0;
    }
    return a->iSockaddrLength == b->iSockaddrLength &&
           memcmp(x, y, (size_t)a->iSockaddrLength) == 0;
}

int dir_csaddr_equal(const CSADDR_INFO *a, const CSADDR_INFO *b)
{
    return a->iSocketType == b->iSocketType && a->iProtocol == b->iProtocol &&
           sockaddr_equal(&a->LocalAddr, &b->LocalAddr) &&
           sockaddr_equal(&a->RemoteAddr, &b->RemoteAddr);
}

/* The form the store writes and reads back: IPv4 and IPv6 without their
 * padding (and at their own size), anything else byte for byte.  Memory
 * then holds exactly what a restart will load. */
static void normalise(SOCKET_ADDRESS *out, struct sockaddr_storage *ss, const SOCKET_ADDRESS *in)
{
    const struct sockaddr *s = (const struct sockaddr *)in->lpSockaddr;

    memset(ss, 0, sizeof *ss);
    out->lpSockaddr = NULL;
    out->iSockaddrLength = 0;
    if (s == NULL || in->iSockaddrLength <= 0)
        return;
    out->lpSockaddr = (LPSOCKADDR)ss;
    if (s->sa_family == AF_INET && (size_t)in->iSockaddrLength >= sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *p = (const void *)s;
        struct sockaddr_in       *q = (struct sockaddr_in *)ss;

        q->sin_family = AF_INET;
        q->sin_port = p->sin_port;
        q->sin_addr = p->sin_addr;
        out->iSockaddrLength = (INT)sizeof *q;
    } else if (s->sa_family == AF_INET6 &&
               (size_t)in->iSockaddrLength >= sizeof(struct sockaddr_in6) &&
               ((const struct sockaddr_in6 *)(const void *)s)->sin6_flowinfo == 0) {
        const struct sockaddr_in6 *p = (const void *)s;
        struct sockaddr_in6       *q = (struct sockaddr_in6 *)ss;

        q->sin6_family = AF_INET6;
        q->sin6_port = p->sin6_port;
        q->sin6_addr = p->sin6_addr;
        q->sin6_scope_id = p->sin6_scope_id;
        out->iSockaddrLength = (INT)sizeof *q;
    } else {
        memcpy(ss, s, (size_t)in->iSockaddrLength);
        out->iSockaddrLength = in->iSockaddrLength;
    }
}

/* Addresses under construction: normalised copies. */
struct addrs {
    CSADDR_INFO             *cs;
    struct sockaddr_storage *ss;
    DWORD                    n, cap;
};

static int addrs_init(struct addrs *a, DWORD cap)
{
    memset(a, 0, sizeof *a);
    a->cap = cap;
    if (cap == 0)
        return 0;
    a->cs = rnr_calloc(cap, sizeof *a->cs);
    a->ss = rnr_calloc(2 * (size_t)cap, sizeof *a->ss);
    return a->cs != NULL && a->ss != NULL ? 0 : WSAENOBUFS;
}

static void addrs_free(struct addrs *a)
{
    rnr_free(a->cs);
    rnr_free(a->ss);
}

static int addrs_has(const struct addrs *a, const CSADDR_INFO *c)
{
    DWORD i;

    for (i = 0; i < a->n; i++)
        if (dir_csaddr_equal(&a->cs[i], c))
            return 1;
    return 0;
}

/* Adds c unless an equal one is there. */
static void addrs_add(struct addrs *a, const CSADDR_INFO *c)
{
    CSADDR_INFO n;

    if (a->n >= a->cap)
        return;
    n.iSocketType = c->iSocketType;
    n.iProtocol = c->iProtocol;
    normalise(&n.LocalAddr, &a->ss[2 * a->n], &c->LocalAddr);
    normalise(&n.RemoteAddr, &a->ss[2 * a->n + 1], &c->RemoteAddr);
    if (addrs_has(a, &n))
        return;
    a->cs[a->n++] = n;
}

/* The stored form of a service: description from `desc`, addresses from
 * `a`; no context, name space, provider, protocols or query string. */
static WSAQUERYSETA *stored_qs(const WSAQUERYSETA *desc, const struct addrs *a)
{
    WSAQUERYSETA v;

    memset(&v, 0, sizeof v);
    v.dwSize = sizeof v;
    v.lpszServiceInstanceName = desc->lpszServiceInstanceName;
    v.lpServiceClassId = desc->lpServiceClassId;
    v.lpVersion = desc->lpVersion;
    v.lpszComment = desc->lpszComment;
    v.lpBlob = desc->lpBlob;
    v.dwNumberOfCsAddrs = a->n;
    v.lpcsaBuffer = a->n ? a->cs : NULL;
    return rnr_qs_dup(&v, NULL);
}

static WSAQUERYSETA *build_register(const WSAQUERYSETA *old, const WSAQUERYSETA *qs, DWORD flags)
{
    int           multiple = old != NULL && (flags & SERVICE_MULTIPLE);
    WSAQUERYSETA  desc = *qs, *out = NULL;
    struct addrs  a;
    DWORD         i;

    if (addrs_init(&a, qs->dwNumberOfCsAddrs + (multiple ? old->dwNumberOfCsAddrs : 0)) != 0)
        goto done;
    if (multiple) {
        for (i = 0; i < old->dwNumberOfCsAddrs; i++)
            addrs_add(&a, &old->lpcsaBuffer[i]);
        if (desc.lpVersion == NULL)
            desc.lpVersion = old->lpVersion;
        if (desc.lpszComment == NULL)
            desc.lpszComment = old->lpszComment;
        if (desc.lpBlob == NULL)
            desc.lpBlob = old->lpBlob;
    }
    for (i = 0; i < qs->dwNumberOfCsAddrs; i++)
        addrs_add(&a, &qs->lpcsaBuffer[i]);
    if (a.n > RNR_QS_MAX_CSADDRS)
        goto done;
    out = stored_qs(&desc, &a);
done:
    addrs_free(&a);
    return out;
}

/* old without the addresses qs names; *missing when one is not there. */
static WSAQUERYSETA *build_delete(const WSAQUERYSETA *old, const WSAQUERYSETA *qs, int *missing)
{
    WSAQUERYSETA *out = NULL;
    struct addrs  a, gone;
    DWORD         i;

    *missing = 0;
    memset(&gone, 0, sizeof gone);
    if (addrs_init(&a, old->dwNumberOfCsAddrs) != 0 ||
        addrs_init(&gone, qs->dwNumberOfCsAddrs) != 0)
        goto done;
    for (i = 0; i < qs->dwNumberOfCsAddrs; i++)
        addrs_add(&gone, &qs->lpcsaBuffer[i]);
    for (i = 0; i < gone.n; i++) {
        DWORD k;

        for (k = 0; k < old->dwNumberOfCsAddrs; k++)
            if (dir_csaddr_equal(&old->lpcsaBuffer[k], &gone.cs[i]))
                break;
        if (k == old->dwNumberOfCsAddrs)
            *missing = 1;
    }
    for (i = 0; i < old->dwNumberOfCsAddrs; i++)
        if (!addrs_has(&gone, &old->lpcsaBuffer[i]))
            addrs_add(&a, &old->lpcsaBuffer[i]);
    if (!*missing)
        out = stored_qs(old, &a);
done:
    addrs_free(&a);
    addrs_free(&gone);
    return out;
}

static int name_ok(const char *name)
{
    return name != NULL && name[0] != '\0' && strpbrk(name, "*?") == NULL &&
           dir_xml_text_ok(name);
}

/* Writes the record in st->rec; 0 or the store's error (logged there). */
static int store_write(struct dir_state *st)
{
    int rc;

    if (st->rec.error)
        return WSAENOBUFS;
    rc = dir_store_append(st->store, st->rec.data, st->rec.len);
    if (rc != 0) {
        st->write_errors++;
        st->host->log(st->p, RNR_NSP_LOG_ERR, "registration refused: %s (%s)",
                      rnr_status_text(rc), rc == WSAEDQUOT ? "the state directory's file system is "
                      "full" : "see the error above");
    }
    return rc;
}

/* The canonical text of a parsed path ("\\" or "\\a\\b"). */
static int path_text(const struct dir_path *path, struct dir_text *t)
{
    size_t i;

    dir_text_init(t);
    for (i = 0; i < path->n; i++) {
        dir_text_puts(t, "\\");
        dir_text_puts(t, path->comp[i]);
    }
    if (path->n == 0)
        dir_text_puts(t, "\\");
    return t->error ? WSAENOBUFS : 0;
}

static int caller_admin(const struct rnr_nsp_caller *caller)
{
    return caller->uid == 0 || caller->is_admin;
}

/* The admin mark of an entry's new version: the owner's own standing
 * when it writes the entry itself; an admin changing somebody else's
 * entry does not vouch for it (nor take the mark away). */
static int admin_mark(const struct rnr_nsp_caller *caller, uid_t owner,
                      const struct dir_entry *old)
{
    if (old == NULL || caller->uid == owner)
        return caller_admin(caller);
    return old->admin;
}

/* What replacing old (NULL: none) by nqs (NULL: deleted) does to owner. */
static void delta_of(struct dir_delta *d, uid_t owner, const struct dir_entry *old,
                     const WSAQUERYSETA *nqs)
{
    d->uid = owner;
    d->entries = (nqs != NULL ? 1 : 0) - (old != NULL ? 1 : 0);
    d->bytes = (nqs != NULL ? (long long)rnr_qs_flat_size(nqs) : 0) -
               (old != NULL ? (long long)dir_entry_bytes(old) : 0);
}

/* Only growth is refused, so that an owner above a quota lowered since
 * may still shrink and delete; root and admins are exempt, for their own
 * entries and for those they change for others.  0 or WSAEDQUOT. */
static int quota_check(struct dir_state *st, const struct rnr_nsp_caller *caller,
                       const struct dir_delta *d)
{
    uint64_t  n, b;
    long long entries, bytes;

    if (caller_admin(caller) || (d->entries <= 0 && d->bytes <= 0))
        return 0;
    dir_tree_usage(&st->tree, d->uid, &n, &b);
    entries = (long long)n;
    bytes = (long long)b;
    dir_pend_usage(st, d->uid, &entries, &bytes);
    if ((d->entries > 0 && entries + d->entries > (long long)st->policy.quota_entries) ||
        (d->bytes > 0 && bytes + d->bytes > (long long)st->policy.quota_bytes)) {
        st->quota_refused++;
        st->host->log(st->p, RNR_NSP_LOG_DEBUG, "uid %lu: registration refused: quota of %llu "
                      "entries and %llu bytes (it has %lld entries, %lld bytes)",
                      (unsigned long)d->uid, (unsigned long long)st->policy.quota_entries,
                      (unsigned long long)st->policy.quota_bytes, entries, bytes);
        return WSAEDQUOT;
    }
    return 0;
}

/* The deferred form (dir_pend.c): the entry as the pending changes left
 * it, the change written, the caller answered once it is durable. */
static int set_deferred(struct dir_state *st, const struct rnr_nsp_caller *caller,
                        const WSAQUERYSETA *qs, WSAESETSERVICEOP op, DWORD flags,
                        const struct dir_path *path, const struct dir_entry *e)
{
    const struct dir_pend  *pe;
    const struct dir_entry *olde = e;
    const WSAQUERYSETA     *old = NULL;
    WSAQUERYSETA           *nqs = NULL, *oldx = NULL;
    struct dir_text         ptxt;
    struct dir_delta        delta;
    uid_t                   owner;
    int                     admin = caller_admin(caller), rc, missing = 0;

    if ((rc = path_text(path, &ptxt)) != 0)
        goto done;
    pe = dir_pend_find(st, ptxt.data, qs->lpServiceClassId, qs->lpszServiceInstanceName);
    if (pe != NULL)
        olde = dir_pend_entry(pe);
    rc = WSAENOBUFS;
    if (olde != NULL && dir_entry_expand(olde, &oldx) != 0)
        goto done;
    old = oldx;
    owner = olde != NULL ? olde->owner : caller->uid;
    rc = WSASERVICE_NOT_FOUND;
    if (old == NULL && op != RNRSERVICE_REGISTER)
        goto done;
    if (old != NULL && owner != caller->uid && !admin) {
        st->refused++;
        rc = WSAEACCES;
        goto done;
    }
    rc = WSAENOBUFS;
    if (op == RNRSERVICE_REGISTER)
        nqs = build_register(old, qs, flags);
    else if (op == RNRSERVICE_DELETE && qs->dwNumberOfCsAddrs > 0 && (nqs = build_delete(old, qs, &missing)) == NULL &&
             missing)
        rc = WSASERVICE_NOT_FOUND;
    if (op == RNRSERVICE_DELETE && qs->dwNumberOfCsAddrs > 0 && nqs == NULL)
        goto done;
    if (op == RNRSERVICE_REGISTER && nqs == NULL)
        goto done;
    /* A deletion of the last address deletes the service. */
    if (op == RNRSERVICE_DELETE && nqs != NULL && nqs->dwNumberOfCsAddrs == 0) {
        rnr_free(nqs);
        nqs = NULL;
    }
    delta_of(&delta, owner, olde, nqs);
    if ((rc = quota_check(st, caller, &delta)) != 0 ||
        (rc = dir_tree_usage_reserve(&st->tree, owner)) != 0)
        goto done;
    if (op != RNRSERVICE_REGISTER && nqs == NULL)
        rc = dir_pend_change(st, ptxt.data, NULL, 0, 0, old->lpServiceClassId,
                             old->lpszServiceInstanceName, &delta);
    else
        rc = dir_pend_change(st, ptxt.data, nqs, owner, admin_mark(caller, owner, olde),
                             nqs->lpServiceClassId, nqs->lpszServiceInstanceName, &delta);
    nqs = NULL;
done:
    rnr_free(oldx);
    rnr_free(nqs);
    dir_text_free(&ptxt);
    return rc;
}

int dir_set_service(void *state, const struct rnr_nsp_caller *caller, const WSAQUERYSETA *qs,
                    WSAESETSERVICEOP op, DWORD flags)
{
    static const GUID null_guid;
    struct dir_state *st = state;
    struct dir_path   path;
    struct dir_node  *node, *made = NULL;
    struct dir_entry *e, *ne = NULL;
    WSAQUERYSETA     *nqs = NULL, *ex = NULL;
    struct dir_delta  delta;
    uid_t             owner;
    long              was;
    int               admin = caller_admin(caller), rc, missing = 0, mark;

    st->sets++;
    if (op != RNRSERVICE_REGISTER && op != RNRSERVICE_DEREGISTER && op != RNRSERVICE_DELETE)
        return WSAEINVAL;
    if (!name_ok(qs->lpszServiceInstanceName) || !dir_xml_text_ok(qs->lpszComment) ||
        rnr_guid_equal(qs->lpServiceClassId, &null_guid) ||
        rnr_guid_equal(qs->lpServiceClassId, &dir_container_class))
        return WSAEINVAL;
    if (dir_path_parse(qs->lpszContext, st->default_context, &path) != 0)
        return WSAEINVAL;
    if (op == RNRSERVICE_REGISTER && st->strict_classes &&
        !dir_class_known(st, qs->lpServiceClassId))
        return WSATYPE_NOT_FOUND;
    node = dir_tree_find_node(&st->tree, &path);
    e = node != NULL ? dir_tree_find_entry(&st->tree, node, qs->lpServiceClassId,
                                           qs->lpszServiceInstanceName) : NULL;
    if (st->sync != NULL)
        return set_deferred(st, caller, qs, op, flags, &path, e);
    if (e == NULL && op != RNRSERVICE_REGISTER)
        return WSASERVICE_NOT_FOUND;
    if (e != NULL && e->owner != caller->uid && !admin) {
        st->refused++;
        return WSAEACCES;
    }
    owner = e != NULL ? e->owner : caller->uid;

    st->rec.len = 0;
    st->rec.error = 0;
    rc = WSAENOBUFS;
    if (e != NULL && dir_entry_expand(e, &ex) != 0)
        goto done;
    switch (op) {
    case RNRSERVICE_REGISTER:
        nqs = build_register(ex, qs, flags);
        break;
    case RNRSERVICE_DEREGISTER:
        break;   /* every address: the service goes with them */
    case RNRSERVICE_DELETE:
        if (qs->dwNumberOfCsAddrs == 0)
            break;
        nqs = build_delete(ex, qs, &missing);
        if (missing) {
            rc = WSASERVICE_NOT_FOUND;
            goto done;
        }
        break;
    }
    /* A deletion of the last address deletes the service. */
    if (op != RNRSERVICE_REGISTER && (nqs == NULL || nqs->dwNumberOfCsAddrs == 0)) {
        if (op == RNRSERVICE_DELETE && qs->dwNumberOfCsAddrs > 0 && nqs == NULL)
            goto done;
        rnr_free(nqs);
        nqs = NULL;
        dir_xml_put_del(&st->rec, node->path, dir_entry_class(e), dir_entry_name(e));
        if ((rc = store_write(st)) != 0)
            goto done;
        dir_notify(st, e, RNR_NSP_CHANGE_REMOVE);
        dir_tree_remove(&st->tree, e);
        goto written;
    }
    if (nqs == NULL)
        goto done;
    delta_of(&delta, owner, e, nqs);
    if ((rc = quota_check(st, caller, &delta)) != 0)
        goto done;
    rc = WSAENOBUFS;
    if (dir_tree_usage_reserve(&st->tree, owner) != 0)
        goto done;
    if (node == NULL && dir_tree_make_node(&st->tree, &path, &node) != 0)
        goto done;
    made = node;
    /* Written from nqs: the entry keeps it packed. */
    mark = admin_mark(caller, owner, e);
    dir_xml_put_entry(&st->rec, nqs, node->path, (long long)owner, mark, 0);
    if ((ne = dir_entry_new(nqs, owner)) == NULL)
        goto done;
    nqs = NULL;
    ne->admin = (unsigned char)mark;
    if ((rc = store_write(st)) != 0)
        goto done;
    was = e != NULL ? (long)dir_entry_naddrs(e) : -1;
    dir_tree_put(&st->tree, node, ne, e);
    dir_notify_put(st, ne, was);
    ne = NULL;
    made = NULL;
written:
    dir_maybe_compact(st);
    rc = 0;
done:
    dir_entry_free(ne);
    rnr_free(ex);
    rnr_free(nqs);
    /* Containers made for a registration that was refused go again. */
    if (made != NULL)
        dir_tree_prune(&st->tree, made);
    return rc;
}
