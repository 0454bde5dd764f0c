/* SPDX-License-Identifier: MIT */
/*
 * Subscriptions: SUBSCRIBE, the CHANGE frames pushed for them, and the
 * host->changed slot that feeds them (doc/protocol.md, "Subscriptions").
 *
 * A subscription is a query set and flags, routed like a lookup, kept
 * until the client sends LOOKUP_END with its handle or goes away.  A
 * provider with RNR_NSP_CAP_NOTIFY calls host->changed after each change;
 * every subscription that reaches that provider and matches (the
 * provider's change_matches, or class and name here) gets one CHANGE
 * frame, filtered and masked as a lookup result would be.  Nothing is
 * delivered from before the subscription: the client lists first (doc).
 *
 * Bounds: at most RNRD_MAX_SUBS_PER_CLIENT subscriptions per connection,
 * their memory charged to the client like an open lookup.  A CHANGE
 * goes through the client's output buffer within its budgets and never
 * waits anywhere else: when the client is throttled (it does not read)
 * or over a memory cap, the change is dropped and the subscription owes
 * one OVERFLOW notice, sent as soon as the client reads again, so a slow
 * subscriber costs at most max-output-per-client.
 *
 * Visibility: an entry the provider flags RNR_NSP_CHANGE_GUARDED is
 * withheld from a subscription through NS_ALL that names no provider
 * unless the subscriber owns it, exactly as such lookups withhold it.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "guid.h"
#include "log.h"
#include "lookup.h"
#include "nspcall.h"
#include "queryset.h"
#include "router.h"
#include "subscribe.h"

struct rnrd_sub {
    TAILQ_ENTRY(rnrd_sub) link;       /* in subs, oldest first */
    struct rnrd_client   *client;
    uint32_t              handle;
    DWORD                 flags;
    WSAQUERYSETA         *qs;         /* flat, from the wire */
    GUID                 *provs;      /* providers that report, by id */
    size_t                nprovs;
    int                   guarded;    /* NS_ALL, no provider named */
    int                   overflow;   /* changes dropped: a notice is owed */
    size_t                charged;
};

static TAILQ_HEAD(, rnrd_sub) subs = TAILQ_HEAD_INITIALIZER(subs);

static struct rnrd_sub *sub_find(const struct rnrd_client *c, uint32_t handle)
{
    struct rnrd_sub *s;

    TAILQ_FOREACH(s, &subs, link)
        if (s->client == c && s->handle == handle)
            return s;
    return NULL;
}

int rnrd_sub_handle_used(const struct rnrd_client *c, uint32_t handle)
{
    return sub_find(c, handle) != NULL;
}

static void sub_free(struct rnrd_sub *s)
{
    if (s == NULL)
        return;
    TAILQ_REMOVE(&subs, s, link);
    s->client->nsubs--;
    s->client->d->stats.subscriptions--;
    rnrd_mem_release(s->client, s->charged);
    rnr_free(s->provs);
    rnr_free(s->qs);
    rnr_free(s);
}

/* ------------------------------------------------------------ delivery */

/* The OVERFLOW notice, if one is owed and the client takes it. */
static void sub_notice(struct rnrd_sub *s)
{
    struct rnrd_client *c = s->client;
    struct rnr_wbuf *w = &c->d->scratch;

    if (!s->overflow || c->dead || rnrd_client_throttled(c))
        return;
    rnr_wbuf_reset(w);
    rnr_wire_frame_begin(w, RNR_MSG_CHANGE, s->handle, 0);
    rnr_wire_put_u32(w, RNR_CHANGE_OVERFLOW);
    rnr_wire_frame_end(w, RNR_WIRE_MAX_FRAME);
    if (w->error == 0 && rnrd_client_queue(c, w->data, w->len) == 0)
        s->overflow = 0;
}

void rnrd_subs_pump(struct rnrd_client *c)
{
    struct rnrd_sub *s;

    if (c->nsubs == 0)
        return;
    TAILQ_FOREACH(s, &subs, link)
        if (s->client == c)
            sub_notice(s);
}

/* The daemon's own match for providers without change_matches. */
static int generic_matches(const WSAQUERYSETA *q, const WSAQUERYSETA *e)
{
    static const GUID null_guid;
    const char *pat = q->lpszServiceInstanceName;

    if (!rnr_guid_equal(q->lpServiceClassId, &null_guid) &&
        !rnr_guid_equal(q->lpServiceClassId, e->lpServiceClassId))
        return 0;
    if (pat == NULL || pat[0] == '\0' || strcmp(pat, "*") == 0)
        return 1;
    if (e->lpszServiceInstanceName == NULL)
        return 0;
    return strpbrk(pat, "*?") != NULL ? rnr_wildcard_match(pat, e->lpszServiceInstanceName)
                                      : strcasecmp(pat, e->lpszServiceInstanceName) == 0;
}

static int sub_wants(const struct rnrd_sub *s, const struct rnr_nsp_provider *p,
                     const WSAQUERYSETA *e, uid_t owner, unsigned flags)
{
    size_t i;
    int m;

    for (i = 0; i < s->nprovs; i++)
        if (rnr_guid_equal(&s->provs[i], &p->id))
            break;
    if (i == s->nprovs)
        return 0;
    if ((flags & RNR_NSP_CHANGE_GUARDED) && s->guarded && s->client->caller.uid != owner)
        return 0;
    if (!rnr_qs_version_matches(s->qs->lpVersion, e->lpVersion))
        return 0;
    if ((e->dwOutputFlags & RESULT_IS_ALIAS) && !(s->flags & LUP_RETURN_ALIASES))
        return 0;
    m = rnrd_nsp_change_matches(p, s->qs, s->flags, e);
    return m >= 0 ? m : generic_matches(s->qs, e);
}

/* Encode one CHANGE into the scratch buffer: 0, or -1 when the client's
 * protocol restriction leaves nothing of an entry that had addresses. */
static int sub_encode(const struct rnrd_sub *s, const struct rnr_nsp_provider *p,
                      const WSAQUERYSETA *e, int kind)
{
    struct rnr_wbuf *w = &s->client->d->scratch;
    WSAQUERYSETA view, masked;
    CSADDR_INFO *kept = NULL;
    int rc = -1, r;

    r = rnrd_result_view(p, s->qs, e, &view, &kept);
    /* A removal is told whatever is left: the subscriber may hold the
     * entry from before. */
    if (r < 0 || r > 1 || (r == 1 && kind == RNR_NSP_CHANGE_ADD))
        goto done;
    rnr_qs_mask(&masked, &view, s->flags);
    rnr_wbuf_reset(w);
    rnr_wire_frame_begin(w, RNR_MSG_CHANGE, s->handle, 0);
    rnr_wire_put_u32(w, kind == RNR_NSP_CHANGE_ADD ? RNR_CHANGE_ADD : RNR_CHANGE_REMOVE);
    rnr_wire_put_queryset(w, &masked);
    rnr_wire_frame_end(w, RNR_WIRE_MAX_FRAME);
    if (w->error == 0)
        rc = 0;
done:
    rnr_free(kept);
    return rc;
}

void rnrd_subs_changed(struct rnr_nsp_provider *p, const WSAQUERYSETA *entry, int kind,
                       uid_t owner, unsigned flags)
{
    struct rnrd *d = p->d;
    struct rnrd_sub *s;

    if (TAILQ_EMPTY(&subs))
        return;
    if (!(rnrd_nsp_caps(p) & RNR_NSP_CAP_NOTIFY)) {
        log_err("provider %s: changed() without RNR_NSP_CAP_NOTIFY", p->name);
        return;
    }
    if ((kind != RNR_NSP_CHANGE_ADD && kind != RNR_NSP_CHANGE_REMOVE) || entry == NULL ||
        rnr_qs_validate(entry, 1) != 0) {
        log_warning("provider %s: reported an invalid change, dropped", p->name);
        return;
    }
    TAILQ_FOREACH(s, &subs, link) {
        struct rnrd_client *c = s->client;

        if (c->dead || !sub_wants(s, p, entry, owner, flags))
            continue;
        sub_notice(s);
        if (s->overflow || rnrd_client_throttled(c)) {
            /* Not read: dropped, and told once the client reads. */
            s->overflow = 1;
            d->stats.changes_dropped++;
            continue;
        }
        if (sub_encode(s, p, entry, kind) != 0)
            continue;
        if (rnrd_client_queue(c, d->scratch.data, d->scratch.len) != 0) {
            s->overflow = 1;
            d->stats.changes_dropped++;
            continue;
        }
        d->stats.changes_sent++;
    }
}

/* ------------------------------------------------------------ requests */

static uint32_t sub_new_handle(struct rnrd_client *c)
{
    for (;;) {
        uint32_t h = ++c->next_handle;
        if (h != 0 && !rnrd_lookup_handle_used(c, h) && sub_find(c, h) == NULL)
            return h;
    }
}

int rnrd_sub_request(struct rnrd_client *c, uint32_t id, struct rnr_rbuf *r)
{
    struct rnrd *d = c->d;
    struct rnrd_sub *s = NULL;
    WSAQUERYSETA *qs = NULL;
    size_t *idx = NULL, n = 0, i, qs_size = 0, nsilent = 0, charge = 0;
    struct rnr_wbuf *w;
    uint32_t flags;
    int rc;

    if (rnr_wire_get_u32(r, &flags) != 0 || rnr_wire_get_queryset(r, &qs, &qs_size) != 0 ||
        rnr_rbuf_finish(r) != 0) {
        rnr_free(qs);
        return -1;
    }
    if (rnr_qs_validate(qs, 1) != 0 || (flags & LUP_CONTAINERS)) {
        rc = WSAEINVAL;
        goto done;
    }
    if (c->nsubs >= (c->unlimited ? RNRD_MAX_SUBS_ADMIN : RNRD_MAX_SUBS_PER_CLIENT)) {
        rc = WSAEMFILE;
        goto done;
    }
    idx = rnr_calloc(d->catalog.count ? d->catalog.count : 1, sizeof *idx);
    if (idx == NULL) {
        rc = WSA_NOT_ENOUGH_MEMORY;
        goto done;
    }
    rc = rnr_router_select_lookup(&d->catalog, qs, idx, &n);
    if (rc == 0 && n == 0)
        rc = WSASERVICE_NOT_FOUND;
    if (rc != 0)
        goto done;
    charge = sizeof *s + qs_size + n * sizeof(GUID);
    if (rnrd_mem_charge(c, charge, 0) != 0) {
        d->stats.nobufs++;
        charge = 0;
        rc = WSAENOBUFS;
        goto done;
    }
    if ((s = rnr_calloc(1, sizeof *s)) == NULL ||
        (s->provs = rnr_calloc(n, sizeof *s->provs)) == NULL) {
        rc = WSA_NOT_ENOUGH_MEMORY;
        goto done;
    }
    for (i = 0; i < n; i++) {
        const struct rnr_nsp_provider *p = d->catalog.entries[idx[i]].instance;

        if (rnrd_nsp_running(p) && (rnrd_nsp_caps(p) & RNR_NSP_CAP_NOTIFY))
            s->provs[s->nprovs++] = p->id;
        else
            nsilent++;
    }
    if (s->nprovs == 0) {
        rc = WSAEOPNOTSUPP;   /* none of them can tell */
        goto done;
    }
    s->client = c;
    s->flags = flags;
    s->qs = qs;
    s->guarded = qs->dwNameSpace == NS_ALL && qs->lpNSProviderId == NULL;
    s->charged = charge;
    s->handle = sub_new_handle(c);
    TAILQ_INSERT_TAIL(&subs, s, link);
    c->nsubs++;
    d->stats.subscriptions++;
    w = rnrd_reply_begin(c, RNR_MSG_SUBSCRIBE, id);
    rnr_wire_put_u32(w, s->handle);
    rnr_wire_put_u32(w, (uint32_t)nsilent);
    for (i = 0; i < n; i++) {
        const struct rnr_nsp_provider *p = d->catalog.entries[idx[i]].instance;

        if (!(rnrd_nsp_running(p) && (rnrd_nsp_caps(p) & RNR_NSP_CAP_NOTIFY)))
            rnr_wire_put_guid(w, &d->catalog.entries[idx[i]].id);
    }
    rnr_wire_frame_end(w, RNR_WIRE_MAX_FRAME);
    rnrd_client_send(c, w->data, w->len);
    log_debug("client %u: subscription %u on %zu provider(s)", c->serial, s->handle,
              s->nprovs);
    rnr_free(idx);
    return 0;
done:
    if (s != NULL)
        rnr_free(s->provs);
    rnr_free(s);
    if (charge != 0)
        rnrd_mem_release(c, charge);
    rnr_free(idx);
    rnr_free(qs);
    rnrd_reply_status(c, RNR_MSG_SUBSCRIBE, id, rc);
    return 0;
}

int rnrd_sub_end(struct rnrd_client *c, uint32_t handle)
{
    struct rnrd_sub *s = sub_find(c, handle);

    if (s == NULL)
        return WSA_INVALID_HANDLE;
    log_debug("client %u: subscription %u ends", c->serial, handle);
    sub_free(s);
    return 0;
}

void rnrd_subs_client_gone(struct rnrd_client *c)
{
    struct rnrd_sub *s, *next;

    if (c->nsubs == 0)
        return;
    for (s = TAILQ_FIRST(&subs); s != NULL; s = next) {
        next = TAILQ_NEXT(s, link);
        if (s->client == c)
            sub_free(s);
    }
}
