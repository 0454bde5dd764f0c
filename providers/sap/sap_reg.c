/* SPDX-License-Identifier: MIT */
/*
 * Registrations: WSASetService on NS_SAP, the periodic advertisement of
 * every registration, withdrawals.  A registration belongs to the uid
 * that made it (only it or root may change it) and, unless persistent,
 * lives as long as the connection that made it.
 *
 * Trust (doc/sap-protocol.md "Trust"): a user that is neither root nor
 * in the admin group registers within quota-entries and quota-bytes
 * (WSAEDQUOT past them), and not at all when a key is configured
 * (WSAEACCES): everything this host signs is trusted by its keyed
 * neighbours, so only administrators may have it signed.
 */
#include "config.h"

#include "sap.h"
#include "alloc.h"
#include "guid.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

/* Receivers refuse any sequence not above the last: after 2^32 packets
 * (years at the rate limits) the host becomes a new sender, as after a
 * restart. */
uint32_t sap_next_seq(struct sap_state *st)
{
    uint64_t id;

    if (st->seq == UINT32_MAX) {
        if (getrandom(&id, sizeof id, 0) == sizeof id)
            st->sender_id = id;
        st->seq = 0;
    }
    return ++st->seq;
}

size_t sap_seal(struct sap_state *st, struct sap_writer *w, size_t pad_to)
{
    size_t len = sap_writer_finish(w, sap_next_seq(st), sap_wall_ms(), pad_to);

    sap_auth_sign(&st->conf, w->buf, len);
    return len;
}

void sap_send_entries(struct sap_state *st, uint8_t type, const struct sap_entry *const *e,
                      size_t n)
{
    struct sap_writer *w = &st->txw;
    uint32_t ttl = type == SAP_ADVERTISE
                   ? st->conf.interval_s * SAP_TTL_INTERVALS * 1000u : 0;
    size_t i = 0, len;

    while (i < n) {
        sap_writer_begin(w, type, 0, st->sender_id, ttl, st->conf.keylen != 0, SAP_MAX_PACKET);
        /* One entry always fits an empty packet (the limits see to it). */
        while (i < n && sap_writer_add(w, e[i]) == 0)
            i++;
        if (w->count == 0) {
            i++;
            continue;
        }
        len = sap_seal(st, w, 0);
        sap_net_send_all(st, w->buf, len);
    }
}

static void send_one(struct sap_state *st, uint8_t type, const struct sap_reg *r)
{
    const struct sap_entry *e = &r->e;

    sap_send_entries(st, type, &e, 1);
}

/* Every registration, in as few packets as they fit. */
static void advertise_all(struct sap_state *st)
{
    const struct sap_entry **v;
    const struct sap_reg *r;
    size_t n = 0;

    if (st->nregs == 0)
        return;
    if ((v = rnr_calloc(st->nregs, sizeof *v)) == NULL)
        return;
    for (r = st->regs; r != NULL; r = r->next)
        v[n++] = &r->e;
    sap_send_entries(st, SAP_ADVERTISE, v, n);
    rnr_free(v);
}

static void on_adv_timer(void *arg)
{
    struct sap_state *st = arg;

    st->adv_timer = NULL;
    advertise_all(st);
    sap_reg_start_timer(st);
}

/* The interval less 0-10 %, so that hosts started together drift apart. */
void sap_reg_start_timer(struct sap_state *st)
{
    uint64_t ms = (uint64_t)st->conf.interval_s * 1000u;

    if (st->adv_timer != NULL)
        st->host->timer_cancel(st->p, st->adv_timer);
    ms -= sap_random(st) % (ms / 10 + 1);
    st->adv_timer = st->host->timer_add(st->p, ms, on_adv_timer, st);
}

static int addr_from_sockaddr(const SOCKET_ADDRESS *sa, const CSADDR_INFO *ca,
                              struct sap_addr *a)
{
    memset(a, 0, sizeof *a);
    if (sa->lpSockaddr == NULL)
        return WSAEINVAL;
    if (sa->lpSockaddr->sa_family == AF_INET &&
        sa->iSockaddrLength >= (int)sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *s = (const struct sockaddr_in *)sa->lpSockaddr;

        a->family = 4;
        a->port = ntohs(s->sin_port);
        memcpy(a->addr, &s->sin_addr, 4);
    } else if (sa->lpSockaddr->sa_family == AF_INET6 &&
               sa->iSockaddrLength >= (int)sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)sa->lpSockaddr;

        a->family = 6;
        a->port = ntohs(s->sin6_port);
        memcpy(a->addr, &s->sin6_addr, 16);
        a->scope = s->sin6_scope_id;
    } else {
        return WSAEINVAL;
    }
    a->socktype = (uint8_t)ca->iSocketType;
    a->protocol = (uint8_t)ca->iProtocol;
    return 0;
}

int sap_entry_from_qs(struct sap_state *st, const WSAQUERYSETA *qs, struct sap_entry *e)
{
    const char *name = qs->lpszServiceInstanceName;
    DWORD i;
    int rc;

    memset(e, 0, sizeof *e);
    if (name == NULL || name[0] == '\0' || strlen(name) > SAP_MAX_NAME ||
        strpbrk(name, "*?") != NULL)
        return WSAEINVAL;
    if (qs->lpszComment != NULL && strlen(qs->lpszComment) > SAP_MAX_COMMENT)
        return WSAEINVAL;
    if (qs->dwNumberOfCsAddrs > SAP_MAX_ADDRS)
        return WSAENOBUFS;
    e->cls = *qs->lpServiceClassId;
    e->sap_id = sap_class_sap_id(st, &e->cls);
    snprintf(e->name, sizeof e->name, "%s", name);
    if (qs->lpszComment != NULL)
        snprintf(e->comment, sizeof e->comment, "%s", qs->lpszComment);
    if (qs->lpVersion != NULL) {
        e->has_version = 1;
        e->version = qs->lpVersion->dwVersion;
    }
    for (i = 0; i < qs->dwNumberOfCsAddrs; i++) {
        const CSADDR_INFO *ca = &qs->lpcsaBuffer[i];

        if ((rc = addr_from_sockaddr(&ca->RemoteAddr, ca, &e->addrs[i])) != 0)
            return rc;
    }
    e->naddrs = (uint8_t)qs->dwNumberOfCsAddrs;
    return 0;
}

static struct sap_reg **reg_find(struct sap_state *st, const GUID *cls, const char *name)
{
    struct sap_reg **pp;

    for (pp = &st->regs; *pp != NULL; pp = &(*pp)->next)
        if (rnr_guid_equal(&(*pp)->e.cls, cls) && strcasecmp((*pp)->e.name, name) == 0)
            return pp;
    return pp;
}

static void reg_unlink_free(struct sap_state *st, struct sap_reg **pp)
{
    struct sap_reg *r = *pp;

    sap_notify_reg(st, r, RNR_NSP_CHANGE_REMOVE);
    *pp = r->next;
    st->nregs--;
    rnr_free(r);
}

static int addr_equal(const struct sap_addr *a, const struct sap_addr *b)
{
    return a->family == b->family && a->port == b->port &&
           memcmp(a->addr, b->addr, a->family == 4 ? 4 : 16) == 0 &&
           (a->protocol == 0 || b->protocol == 0 || a->protocol == b->protocol);
}

static int addr_index(const struct sap_entry *e, const struct sap_addr *a)
{
    unsigned i;

    for (i = 0; i < e->naddrs; i++)
        if (addr_equal(&e->addrs[i], a))
            return (int)i;
    return -1;
}

/* What r becomes with e registered over it: with SERVICE_MULTIPLE the
 * addresses are added to, otherwise replaced.  *out is set on success. */
static int reg_merge(const struct sap_reg *r, const struct sap_entry *e, DWORD flags,
                     struct sap_entry *out)
{
    unsigned i;

    if (!(flags & SERVICE_MULTIPLE)) {
        *out = *e;
        return 0;
    }
    *out = r->e;
    for (i = 0; i < e->naddrs; i++) {
        if (addr_index(out, &e->addrs[i]) >= 0)
            continue;
        if (out->naddrs == SAP_MAX_ADDRS)
            return WSAENOBUFS;
        out->addrs[out->naddrs++] = e->addrs[i];
    }
    memcpy(out->comment, e->comment, sizeof out->comment);
    out->has_version = e->has_version;
    out->version = e->version;
    return 0;
}

int sap_reg_trusted(const struct sap_reg *r)
{
    return r->uid == 0 || r->admin;
}

/* What a registration counts against its owner's quota-bytes: its size
 * in an advertisement, what it costs every host of the link. */
static size_t reg_bytes(const struct sap_entry *e)
{
    return sap_entry_size(SAP_ADVERTISE, e);
}

/* WSAEDQUOT when uid's registrations, with e in the place of `old`
 * (NULL: one more), grow past quota-entries or quota-bytes.  Only growth
 * is refused: an owner over a quota lowered since may still shrink. */
static int quota_check(const struct sap_state *st, uid_t uid, const struct sap_reg *old,
                       const struct sap_entry *e)
{
    const struct sap_reg *r;
    size_t n = 0, bytes = 0, n_after, bytes_after;

    for (r = st->regs; r != NULL; r = r->next)
        if (r->uid == uid) {
            n++;
            bytes += reg_bytes(&r->e);
        }
    n_after = old != NULL && old->uid == uid ? n : n + 1;
    bytes_after = bytes + reg_bytes(e) - (old != NULL && old->uid == uid ? reg_bytes(&old->e) : 0);
    if ((n_after > st->conf.quota_entries && n_after > n) ||
        (bytes_after > st->conf.quota_bytes && bytes_after > bytes))
        return WSAEDQUOT;
    return 0;
}

int sap_reg_add(struct sap_state *st, const struct sap_reg *tmpl, DWORD flags)
{
    struct sap_reg **pp = reg_find(st, &tmpl->e.cls, tmpl->e.name), *r = *pp;
    struct sap_entry merged;
    int rc;

    if (r != NULL) {
        if ((rc = reg_merge(r, &tmpl->e, flags, &merged)) != 0)
            return rc;
        r->e = merged;
        r->uid = tmpl->uid;
        r->admin = tmpl->admin;
        r->client_id = tmpl->client_id;
        r->persistent = tmpl->persistent;
        r->from_file = tmpl->from_file;
    } else {
        if (st->nregs >= SAP_MAX_REGS)
            return WSAENOBUFS;
        if ((r = rnr_malloc(sizeof *r)) == NULL)
            return WSA_NOT_ENOUGH_MEMORY;
        *r = *tmpl;
        r->next = NULL;
        *pp = r;
        st->nregs++;
    }
    sap_notify_reg(st, r, RNR_NSP_CHANGE_ADD);
    send_one(st, SAP_ADVERTISE, r);
    return 0;
}

/* DELETE with SERVICE_MULTIPLE: each address given must be registered;
 * one that is not is, like a service that is not, WSASERVICE_NOT_FOUND
 * (as the directory answers). */
static int reg_delete_addrs(struct sap_state *st, struct sap_reg **pp, const struct sap_entry *e)
{
    struct sap_entry left = (*pp)->e;
    unsigned i;

    for (i = 0; i < e->naddrs; i++) {
        int k = addr_index(&left, &e->addrs[i]);

        if (k < 0)
            return WSASERVICE_NOT_FOUND;
        memmove(&left.addrs[k], &left.addrs[k + 1],
                (left.naddrs - (unsigned)k - 1) * sizeof left.addrs[0]);
        left.naddrs--;
    }
    if (left.naddrs == 0 || e->naddrs == 0) {
        send_one(st, SAP_WITHDRAW, *pp);
        reg_unlink_free(st, pp);
        return 0;
    }
    (*pp)->e.naddrs = left.naddrs;
    memcpy((*pp)->e.addrs, left.addrs, sizeof left.addrs);
    sap_notify_reg(st, *pp, RNR_NSP_CHANGE_ADD);
    send_one(st, SAP_ADVERTISE, *pp);
    return 0;
}

int sap_reg_set_service(void *state, const struct rnr_nsp_caller *caller,
                        const WSAQUERYSETA *qs, WSAESETSERVICEOP op, DWORD flags)
{
    struct sap_state *st = state;
    struct sap_reg tmpl, **pp;
    struct sap_entry merged;
    int rc;

    memset(&tmpl, 0, sizeof tmpl);
    if ((rc = sap_entry_from_qs(st, qs, &tmpl.e)) != 0)
        return rc;
    pp = reg_find(st, &tmpl.e.cls, tmpl.e.name);
    if (*pp != NULL && caller->uid != 0 && caller->uid != (*pp)->uid)
        return WSAEACCES;
    switch (op) {
    case RNRSERVICE_REGISTER:
        if (st->conf.keylen != 0 && !caller->is_admin && caller->uid != 0) {
            st->stats.refused_key++;
            return WSAEACCES;
        }
        /* Root writing over another's registration makes it root's:
         * the addresses are root's alone, never merged with the old
         * owner's. */
        if (*pp != NULL && (*pp)->uid != caller->uid)
            flags &= ~(DWORD)SERVICE_MULTIPLE;
        if (!caller->is_admin && caller->uid != 0) {
            if (*pp == NULL)
                merged = tmpl.e;
            else if ((rc = reg_merge(*pp, &tmpl.e, flags, &merged)) != 0)
                return rc;
            if ((rc = quota_check(st, caller->uid, *pp, &merged)) != 0) {
                st->stats.refused_quota++;
                return rc;
            }
        }
        tmpl.uid = caller->uid;
        tmpl.admin = caller->is_admin;
        tmpl.client_id = caller->client_id;
        tmpl.persistent = (flags & RNR_SERVICE_PERSISTENT) != 0;
        return sap_reg_add(st, &tmpl, flags);
    case RNRSERVICE_DEREGISTER:
    case RNRSERVICE_DELETE:
        if (*pp == NULL)
            return WSASERVICE_NOT_FOUND;
        if (op == RNRSERVICE_DELETE && (flags & SERVICE_MULTIPLE))
            return reg_delete_addrs(st, pp, &tmpl.e);
        send_one(st, SAP_WITHDRAW, *pp);
        reg_unlink_free(st, pp);
        return 0;
    }
    return WSAEINVAL;
}

/* Withdraws (in shared packets) and frees the registrations `pick`s. */
static void drop_where(struct sap_state *st, int (*pick)(const struct sap_reg *, const void *),
                       const void *arg, int withdraw)
{
    const struct sap_entry **v = NULL;
    struct sap_reg **pp = &st->regs;
    struct sap_entry *gone = NULL;
    size_t n = 0, i;

    if (st->nregs == 0)
        return;
    if (withdraw) {
        v = rnr_calloc(st->nregs, sizeof *v);
        gone = rnr_calloc(st->nregs, sizeof *gone);
    }
    while (*pp != NULL) {
        if (!pick(*pp, arg)) {
            pp = &(*pp)->next;
            continue;
        }
        if (v != NULL && gone != NULL)
            gone[n++] = (*pp)->e;
        reg_unlink_free(st, pp);
    }
    for (i = 0; i < n; i++)
        v[i] = &gone[i];
    if (n > 0)
        sap_send_entries(st, SAP_WITHDRAW, v, n);
    rnr_free(v);
    rnr_free(gone);
}

static int pick_client(const struct sap_reg *r, const void *arg)
{
    return !r->persistent && !r->from_file && r->client_id == *(const uint64_t *)arg;
}

static int pick_files(const struct sap_reg *r, const void *arg)
{
    int from_file = *(const int *)arg;

    return from_file < 0 || r->from_file == from_file;
}

void sap_reg_client_closed(void *state, uint64_t client_id)
{
    drop_where(state, pick_client, &client_id, 1);
}

void sap_reg_drop_all(struct sap_state *st, int from_file, int withdraw)
{
    drop_where(st, pick_files, &from_file, withdraw);
}
