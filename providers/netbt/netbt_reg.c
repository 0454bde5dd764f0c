/* SPDX-License-Identifier: MIT */
/*
 * Registrations: WSASetService on NS_NETBT claims a NetBIOS name for this
 * host (doc/netbt.md "Registration").  The claim goes out as the node
 * type says: broadcast NAME REGISTRATION REQUESTs (three, 250 ms apart;
 * the name is ours when nobody objects) and/or a unicast one to the WINS
 * server (its answer decides).  WSASetService returns once the claim is
 * decided (set_service_defer): 0, or WSAEACCES when another node holds
 * the name.  A name without a suffix claims <00> and <20> together;
 * either one refused fails both.
 *
 * Ownership follows the sap provider's rule: a registration belongs to
 * the uid that made it (only it or root may remove it), counts against
 * that uid's quota-names unless it is root or an admin, and ends with
 * the connection that made it unless RNR_SERVICE_PERSISTENT.  Names
 * held are defended on the link, refreshed with the WINS server at half
 * their TTL, and released when removed and when rnrd stops.
 */
#include "config.h"

#include "netbt.h"
#include "alloc.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* One set_service's claim of one or two names. */
struct netbt_claim {
    struct rnr_nsp_pending *token;      /* NULL: nobody waits */
    unsigned                left;
    int                     status;
};

static void reg_notify_none(struct netbt_txn *t, int status)
{
    (void)t;
    (void)status;
}

static struct netbt_reg **reg_slot(struct netbt_state *st, const struct nbns_name *n)
{
    struct netbt_reg **pp;

    for (pp = &st->regs; *pp != NULL; pp = &(*pp)->next)
        if (nbns_name_equal(&(*pp)->name, n))
            return pp;
    return pp;
}

const struct netbt_reg *netbt_reg_find(const struct netbt_state *st, const struct nbns_name *n)
{
    return *reg_slot((struct netbt_state *)st, n);
}

static uint16_t nb_flags(const struct netbt_state *st, int group)
{
    static const uint16_t ont[] = { NBNS_NB_ONT_B, NBNS_NB_ONT_P, NBNS_NB_ONT_M,
                                    NBNS_NB_ONT_H };

    return (uint16_t)((group ? NBNS_NB_GROUP : 0) | ont[st->conf.node_type]);
}

/* A name going away: its release goes out at once (the transaction's
 * first send), and the transaction is not waited for. */
static void reg_release(struct netbt_state *st, struct netbt_reg *r)
{
    struct netbt_txn *t;

    if (r->state != NETBT_REG_ACTIVE)
        return;
    t = netbt_txn_start(st, NETBT_TX_RELEASE, &r->name, nb_flags(st, r->group), NULL,
                        reg_notify_none, NULL);
    if (t != NULL)
        st->stats.released++;
}

static void reg_unlink_free(struct netbt_state *st, struct netbt_reg **pp, int release)
{
    struct netbt_reg *r = *pp;

    if (release)
        reg_release(st, r);
    *pp = r->next;
    st->nregs--;
    netbt_txn_cancel(st, r->txn);
    if (r->refresh != NULL)
        st->host->timer_cancel(st->p, r->refresh);
    rnr_free(r);
}

static void on_refresh_timer(void *arg);

/* With a WINS server, at half the TTL (RFC 1001 15.5.2). */
static void refresh_arm(struct netbt_state *st, struct netbt_reg *r)
{
    if (!st->conf.have_wins || st->conf.node_type == NETBT_NODE_B)
        return;
    r->refresh = st->host->timer_add(st->p, (uint64_t)st->conf.name_ttl * 500u,
                                     on_refresh_timer, r);
}

static void on_refreshed(struct netbt_txn *t, int status)
{
    struct netbt_reg *r = t->owner;
    struct netbt_state *st = t->st;

    r->txn = NULL;
    if (status == 0)
        st->stats.refreshed++;
    else
        st->host->log(st->p, RNR_NSP_LOG_WARNING, "refresh of a name failed (%d)", status);
    refresh_arm(st, r);
}

static void on_refresh_timer(void *arg)
{
    struct netbt_reg *r = arg;
    struct netbt_state *st = r->st;

    r->refresh = NULL;
    r->txn = netbt_txn_start(st, NETBT_TX_REFRESH, &r->name, nb_flags(st, r->group), NULL,
                             on_refreshed, r);
    if (r->txn == NULL)
        refresh_arm(st, r);
}

/* The end of one name's claim; the last one ends the set_service. */
static void claim_one_done(struct netbt_state *st, struct netbt_claim *c, int status)
{
    struct netbt_reg **pp;

    if (status != 0 && c->status == 0)
        c->status = status;
    if (--c->left > 0)
        return;
    for (pp = &st->regs; *pp != NULL;) {
        struct netbt_reg *r = *pp;

        if (r->claim != c) {
            pp = &r->next;
            continue;
        }
        r->claim = NULL;
        if (c->status != 0 || r->orphaned) {
            reg_unlink_free(st, pp, 1);
            continue;
        }
        pp = &r->next;
    }
    if (c->token != NULL)
        st->host->set_service_done(st->p, c->token, c->status);
    rnr_free(c);
}

static void on_claimed(struct netbt_txn *t, int status)
{
    struct netbt_reg *r = t->owner;
    struct netbt_state *st = t->st;
    struct netbt_claim *c = r->claim;

    r->txn = NULL;
    if (status == 0) {
        r->state = NETBT_REG_ACTIVE;
        st->stats.registered++;
        refresh_arm(st, r);
    } else {
        /* Granted by one channel (the WINS server), refused on the
         * other: the grant goes back. */
        if (t->verdict > 0)
            (void)netbt_txn_start(st, NETBT_TX_RELEASE, &r->name, t->nb_flags, NULL,
                                  reg_notify_none, NULL);
        if (status == WSAEACCES)
            st->stats.conflicts++;
        /* Nobody to ask (p-node, the server silent): not a conflict. */
        if (status == WSAHOST_NOT_FOUND)
            status = WSATRY_AGAIN;
        st->host->log(st->p, RNR_NSP_LOG_NOTICE, "claim of a name failed: %s",
                      status == WSAEACCES ? "another node holds it" : "no answer");
    }
    claim_one_done(st, c, status);
}

/* ------------------------------------------------------------ requests */

struct reg_req {
    struct nbns_name names[2];
    size_t           n;
    int              group;
};

/* NAME claims <00> and <20>; NAME#XX that name.  The comment "group"
 * makes it a group name (doc/netbt.md). */
static int req_parse(const struct netbt_state *st, const WSAQUERYSETA *qs, struct reg_req *q)
{
    const char *name = qs->lpszServiceInstanceName;

    memset(q, 0, sizeof *q);
    if (name == NULL)
        return WSAEINVAL;
    q->group = qs->lpszComment != NULL && strcasecmp(qs->lpszComment, "group") == 0;
    if (nbns_name_from_text(name, 0x00, st->conf.scope, &q->names[0]) != 0)
        return WSAEINVAL;
    q->n = 1;
    if (strchr(name, '#') == NULL) {
        q->names[1] = q->names[0];
        q->names[1].b[NBNS_NAME_LEN - 1] = 0x20;
        q->n = 2;
    }
    return 0;
}

static size_t count_uid(const struct netbt_state *st, uid_t uid)
{
    const struct netbt_reg *r;
    size_t n = 0;

    for (r = st->regs; r != NULL; r = r->next)
        n += r->uid == uid;
    return n;
}

/* Bounds, quota and ownership: 0 when the caller may claim q. */
static int req_allowed(struct netbt_state *st, const struct rnr_nsp_caller *caller,
                       const struct reg_req *q, size_t *fresh)
{
    size_t i;

    *fresh = 0;
    for (i = 0; i < q->n; i++) {
        const struct netbt_reg *r = netbt_reg_find(st, &q->names[i]);

        if (r == NULL)
            (*fresh)++;
        else if (caller->uid != 0 && caller->uid != r->uid)
            return WSAEACCES;
        else if (r->state != NETBT_REG_ACTIVE)
            return WSATRY_AGAIN;
    }
    if (st->nregs + *fresh > st->conf.max_names) {
        st->stats.table_full++;
        return WSAENOBUFS;
    }
    if (caller->uid != 0 && !caller->is_admin &&
        count_uid(st, caller->uid) + *fresh > st->conf.quota) {
        st->stats.refused_quota++;
        return WSAEDQUOT;
    }
    return 0;
}

static int claim_name(struct netbt_state *st, struct netbt_claim *c,
                      const struct rnr_nsp_caller *caller, const struct nbns_name *n,
                      int group, int persistent)
{
    struct netbt_reg *r = rnr_calloc(1, sizeof *r);

    if (r == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    r->st = st;
    r->name = *n;
    r->group = group;
    r->uid = caller->uid;
    r->admin = caller->is_admin;
    r->client_id = caller->client_id;
    r->persistent = persistent;
    r->claim = c;
    r->txn = netbt_txn_start(st, NETBT_TX_REGISTER, n, nb_flags(st, group), NULL, on_claimed,
                             r);
    if (r->txn == NULL) {
        rnr_free(r);
        return st->nifaces == 0 && !st->conf.have_wins ? WSAENETDOWN : WSATRY_AGAIN;
    }
    c->left++;
    r->next = st->regs;
    st->regs = r;
    st->nregs++;
    return 0;
}

/* The names of q not held yet are claimed; the call completes when
 * every claim is decided.  Names already held by the caller are kept
 * (a REGISTER again changes only their persistence). */
static int do_register(struct netbt_state *st, const struct rnr_nsp_caller *caller,
                       const struct reg_req *q, int persistent)
{
    struct rnr_nsp_pending *token;
    struct netbt_claim *c;
    size_t fresh, i;
    int rc;

    if ((rc = req_allowed(st, caller, q, &fresh)) != 0)
        return rc;
    for (i = 0; i < q->n; i++) {
        struct netbt_reg *r = *reg_slot(st, &q->names[i]);

        if (r != NULL) {
            r->persistent = persistent;
            r->client_id = caller->client_id;
        }
    }
    if (fresh == 0)
        return 0;
    if ((c = rnr_calloc(1, sizeof *c)) == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    c->left = 1;        /* held until every name is under way */
    for (i = 0; i < q->n; i++)
        if (netbt_reg_find(st, &q->names[i]) == NULL &&
            (rc = claim_name(st, c, caller, &q->names[i], q->group, persistent)) != 0)
            break;
    if (rc == 0 && st->host->set_service_defer != NULL)
        c->token = st->host->set_service_defer(st->p);
    token = c->token;
    /* May free c: what to return was read first. */
    claim_one_done(st, c, rc);
    return token != NULL ? RNR_NSP_PENDING : rc;
}

static int do_remove(struct netbt_state *st, const struct rnr_nsp_caller *caller,
                     const struct reg_req *q)
{
    struct netbt_reg **pp;
    size_t i, found = 0;

    for (i = 0; i < q->n; i++) {
        const struct netbt_reg *r = netbt_reg_find(st, &q->names[i]);

        if (r != NULL && caller->uid != 0 && caller->uid != r->uid)
            return WSAEACCES;
        if (r != NULL && r->state != NETBT_REG_ACTIVE)
            return WSATRY_AGAIN;
        found += r != NULL;
    }
    if (found == 0)
        return WSASERVICE_NOT_FOUND;
    for (i = 0; i < q->n; i++)
        if (*(pp = reg_slot(st, &q->names[i])) != NULL)
            reg_unlink_free(st, pp, 1);
    return 0;
}

int netbt_set_service(void *state, const struct rnr_nsp_caller *caller, const WSAQUERYSETA *qs,
                      WSAESETSERVICEOP op, DWORD flags)
{
    struct netbt_state *st = state;
    struct reg_req q;
    int rc;

    if ((rc = req_parse(st, qs, &q)) != 0)
        return rc;
    switch (op) {
    case RNRSERVICE_REGISTER:
        return do_register(st, caller, &q, (flags & RNR_SERVICE_PERSISTENT) != 0);
    case RNRSERVICE_DEREGISTER:
    case RNRSERVICE_DELETE:
        return do_remove(st, caller, &q);
    }
    return WSAEINVAL;
}

void netbt_client_closed(void *state, uint64_t client_id)
{
    struct netbt_state *st = state;
    struct netbt_reg **pp = &st->regs;

    while (*pp != NULL) {
        struct netbt_reg *r = *pp;

        if (r->persistent || r->client_id != client_id || client_id == 0) {
            pp = &r->next;
        } else if (r->state != NETBT_REG_ACTIVE) {
            r->orphaned = 1;        /* released when its claim ends */
            pp = &r->next;
        } else {
            reg_unlink_free(st, pp, 1);
        }
    }
}

/* A claim still open when rnrd stops fails, so that its caller hears. */
static void claim_abandon(struct netbt_state *st, struct netbt_claim *c)
{
    struct netbt_reg *r;

    if (c->token != NULL)
        st->host->set_service_done(st->p, c->token, WSAECANCELLED);
    for (r = st->regs; r != NULL; r = r->next)
        if (r->claim == c)
            r->claim = NULL;
    rnr_free(c);
}

void netbt_reg_release_all(struct netbt_state *st)
{
    while (st->regs != NULL) {
        if (st->regs->claim != NULL)
            claim_abandon(st, st->regs->claim);
        reg_unlink_free(st, &st->regs, 1);
    }
}

/* ------------------------------------------------------------ defence */

/* RFC 1002 4.2.6: an owner answers a broadcast registration of its
 * unique name (or of a unique name over its group name) with a negative
 * registration response, ACT, to the requester. */
void netbt_reg_heard(struct netbt_state *st, const struct nbns_msg *m, const struct netbt_rx *rx)
{
    const struct netbt_reg *r = netbt_reg_find(st, &m->qname);
    struct nbns_msg out;
    int their_group = m->naddrs > 0 && (m->addrs[0].flags & NBNS_NB_GROUP);
    uint32_t a;

    if (r == NULL || r->state != NETBT_REG_ACTIVE || (r->group && their_group) ||
        rx->iface == NULL || netbt_net_may_reply(st, rx->src.sin_addr.s_addr) != 0)
        return;
    memset(&out, 0, sizeof out);
    out.id = m->id;
    out.flags = (uint16_t)(NBNS_F_RESPONSE | NBNS_OP_REGISTER << 11 | NBNS_F_AA | NBNS_F_RD |
                           NBNS_F_RA | NBNS_RCODE_ACT);
    out.rr_section = NBNS_SEC_AN;
    out.rrname = r->name;
    out.rrtype = NBNS_TYPE_NB;
    out.naddrs = 1;
    out.addrs[0].flags = nb_flags(st, r->group);
    a = netbt_net_local_addr(st, rx->iface);
    memcpy(out.addrs[0].ip, &a, 4);
    netbt_net_send(st, rx->iface, &rx->src, &out);
    st->stats.defended++;
}

/* ------------------------------------------------------------ host name */

void netbt_reg_host_name(struct netbt_state *st)
{
    static const struct rnr_nsp_caller daemon_caller = { .uid = 0, .gid = 0, .is_admin = 1 };
    char host[256];
    struct reg_req q;
    WSAQUERYSETA qs;
    int rc;

    if (gethostname(host, sizeof host) != 0)
        return;
    host[sizeof host - 1] = '\0';
    host[strcspn(host, ".")] = '\0';
    host[NBNS_NAME_LEN - 1] = '\0';
    memset(&qs, 0, sizeof qs);
    qs.lpszServiceInstanceName = host;
    if (req_parse(st, &qs, &q) != 0) {
        st->host->log(st->p, RNR_NSP_LOG_WARNING, "host name %s: not a NetBIOS name", host);
        return;
    }
    /* No set_service here: nobody waits; a conflict is logged. */
    rc = req_allowed(st, &daemon_caller, &q, &(size_t){ 0 });
    if (rc == 0) {
        struct netbt_claim *c = rnr_calloc(1, sizeof *c);
        size_t i;

        if (c == NULL)
            return;
        c->left = 1;
        for (i = 0; i < q.n && rc == 0; i++)
            rc = claim_name(st, c, &daemon_caller, &q.names[i], 0, 1);
        claim_one_done(st, c, rc);
    }
}
