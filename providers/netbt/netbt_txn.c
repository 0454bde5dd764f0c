/* SPDX-License-Identifier: MIT */
/*
 * Requests in flight.  A transaction is one name (or one node, for a
 * status request) asked over up to two channels in the node type's order
 * (RFC 1001 section 10 and Microsoft's h-node): 'b' broadcasts on every
 * interface, 'w' asks the WINS server, 'u' asks one node.  Each channel
 * gets `retries` attempts of `timeout-ms`; a registration's broadcast
 * claim follows RFC 1002's timers instead (three sends, 250 ms apart).
 * A response is matched by transaction id, and for the WINS and node
 * channels by its source too.
 */
#include "config.h"

#include "netbt.h"
#include "alloc.h"

#include <arpa/inet.h>
#include <string.h>

#define WACK_MAX_MS 30000u

static void on_timer(void *arg);

/* The channels of a kind of request, for this configuration. */
static void plan(struct netbt_state *st, struct netbt_txn *t)
{
    int b = st->nifaces > 0, w = st->conf.have_wins, n = 0;
    const char *order;

    switch (t->kind) {
    case NETBT_TX_STATUS:
        t->phases[0] = 'u';
        return;
    case NETBT_TX_REFRESH:
        order = "w";
        break;
    default:
        order = st->conf.node_type == NETBT_NODE_B ? "b"
                : st->conf.node_type == NETBT_NODE_P ? "w"
                : st->conf.node_type == NETBT_NODE_M ? "bw" : "wb";
        break;
    }
    for (; *order != '\0'; order++)
        if ((*order == 'b' && b) || (*order == 'w' && w))
            t->phases[n++] = *order;
}

static uint16_t opcode_of(int kind)
{
    switch (kind) {
    case NETBT_TX_REGISTER: return NBNS_OP_REGISTER;
    case NETBT_TX_REFRESH:  return NBNS_OP_REFRESH;
    case NETBT_TX_RELEASE:  return NBNS_OP_RELEASE;
    default:                return NBNS_OP_QUERY;
    }
}

/* The request as the current channel sends it. */
static void build(struct netbt_state *st, const struct netbt_txn *t, int ch,
                  struct nbns_msg *m, const struct netbt_iface *f)
{
    memset(m, 0, sizeof *m);
    m->id = t->id;
    m->flags = (uint16_t)(opcode_of(t->kind) << 11);
    if (t->kind != NETBT_TX_STATUS && t->kind != NETBT_TX_RELEASE)
        m->flags |= NBNS_F_RD;
    if (ch == 'b')
        m->flags |= NBNS_F_BROADCAST;
    m->has_question = 1;
    m->qname = t->name;
    m->qtype = t->kind == NETBT_TX_STATUS ? NBNS_TYPE_NBSTAT : NBNS_TYPE_NB;
    if (t->kind == NETBT_TX_REGISTER || t->kind == NETBT_TX_REFRESH ||
        t->kind == NETBT_TX_RELEASE) {
        uint32_t a = netbt_net_local_addr(st, f);

        m->rr_section = NBNS_SEC_AR;
        m->rrname = t->name;
        m->rrtype = NBNS_TYPE_NB;
        m->ttl = t->kind == NETBT_TX_RELEASE ? 0 : st->conf.name_ttl;
        m->naddrs = 1;
        m->addrs[0].flags = t->nb_flags;
        memcpy(m->addrs[0].ip, &a, 4);
    }
}

/* Registrations and releases name this host's address on each link:
 * one packet per interface. */
static void send_broadcast(struct netbt_state *st, const struct netbt_txn *t)
{
    struct nbns_msg m;
    struct sockaddr_in to;
    unsigned k;

    if (t->kind == NETBT_TX_QUERY) {
        build(st, t, 'b', &m, NULL);
        netbt_net_broadcast(st, &m);
        return;
    }
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_port = htons(NBNS_PORT);
    for (k = 0; k < st->nifaces; k++) {
        struct netbt_iface *f = &st->ifaces[k];

        if (!f->have_addr || f->fd < 0)
            continue;
        build(st, t, 'b', &m, f);
        to.sin_addr = f->bcast;
        netbt_net_send(st, f, &to, &m);
    }
}

static void send_attempt(struct netbt_state *st, struct netbt_txn *t)
{
    int ch = t->phases[t->phase];
    struct nbns_msg m;

    if (t->kind == NETBT_TX_QUERY)
        st->stats.queries_sent++;
    if (ch == 'b') {
        send_broadcast(st, t);
    } else {
        build(st, t, ch, &m, NULL);
        if (ch == 'w')
            netbt_net_send(st, NULL, &st->conf.wins, &m);
        else
            netbt_net_send(st, netbt_net_route(st, t->unicast.sin_addr.s_addr), &t->unicast,
                           &m);
    }
}

static uint64_t attempt_ms(const struct netbt_state *st, const struct netbt_txn *t)
{
    return t->kind == NETBT_TX_REGISTER && t->phases[t->phase] == 'b'
           ? NETBT_BCAST_REG_MS : st->conf.timeout_ms;
}

static unsigned attempts(const struct netbt_state *st, const struct netbt_txn *t)
{
    if (t->kind == NETBT_TX_RELEASE)
        return 1;
    return t->kind == NETBT_TX_REGISTER && t->phases[t->phase] == 'b'
           ? NETBT_BCAST_REG_COUNT : st->conf.retries;
}

static void arm(struct netbt_state *st, struct netbt_txn *t, uint64_t ms)
{
    if (t->timer != NULL)
        st->host->timer_cancel(st->p, t->timer);
    t->timer = st->host->timer_add(st->p, ms, on_timer, t);
}

static void unlink_txn(struct netbt_state *st, struct netbt_txn *t)
{
    struct netbt_txn **pp;

    for (pp = &st->txns; *pp != NULL; pp = &(*pp)->next)
        if (*pp == t) {
            *pp = t->next;
            st->ntxns--;
            break;
        }
    if (t->timer != NULL)
        st->host->timer_cancel(st->p, t->timer);
    t->timer = NULL;
}

static void txn_free(struct netbt_txn *t)
{
    if (t == NULL)
        return;
    rnr_free(t->answer);
    rnr_free(t);
}

static void complete(struct netbt_state *st, struct netbt_txn *t, int status)
{
    unlink_txn(st, t);
    t->done(t, status);
    txn_free(t);
}

struct netbt_txn *netbt_txn_start(struct netbt_state *st, int kind, const struct nbns_name *n,
                                  uint16_t nb_flags, const struct sockaddr_in *unicast,
                                  void (*done)(struct netbt_txn *, int), void *owner)
{
    struct netbt_txn *t;

    if (st->ntxns >= NETBT_MAX_TXNS) {
        st->stats.table_full++;
        return NULL;
    }
    if ((t = rnr_calloc(1, sizeof *t)) == NULL)
        return NULL;
    t->st = st;
    t->kind = kind;
    t->name = *n;
    t->nb_flags = nb_flags;
    t->done = done;
    t->owner = owner;
    if (unicast != NULL)
        t->unicast = *unicast;
    plan(st, t);
    if (t->phases[0] == 0) {
        rnr_free(t);
        return NULL;
    }
    t->id = ++st->next_id;
    t->next = st->txns;
    st->txns = t;
    st->ntxns++;
    send_attempt(st, t);
    t->tries = 1;
    arm(st, t, attempt_ms(st, t));
    return t;
}

/* The channel gave nothing more: the next one, or the end. */
static void next_phase(struct netbt_state *st, struct netbt_txn *t)
{
    if (t->answer != NULL) {
        complete(st, t, 0);
        return;
    }
    if (t->kind == NETBT_TX_REGISTER && t->phases[t->phase] == 'b') {
        /* Nobody objected on the link: the name is ours there. */
        t->verdict = 1;
    }
    t->phase++;
    if (t->phase >= 2 || t->phases[t->phase] == 0) {
        complete(st, t, t->verdict > 0 || t->kind == NETBT_TX_RELEASE ? 0 : WSAHOST_NOT_FOUND);
        return;
    }
    t->tries = 1;
    send_attempt(st, t);
    arm(st, t, attempt_ms(st, t));
}

static void on_timer(void *arg)
{
    struct netbt_txn *t = arg;
    struct netbt_state *st = t->st;

    t->timer = NULL;
    if (t->answer != NULL || t->tries >= attempts(st, t)) {
        next_phase(st, t);
        return;
    }
    t->tries++;
    send_attempt(st, t);
    arm(st, t, attempt_ms(st, t));
}

void netbt_txn_cancel(struct netbt_state *st, struct netbt_txn *t)
{
    if (t == NULL)
        return;
    unlink_txn(st, t);
    txn_free(t);
}

void netbt_txn_cancel_owner(struct netbt_state *st, void *owner)
{
    struct netbt_txn *t = st->txns, *next;

    for (; t != NULL; t = next) {
        next = t->next;
        if (t->owner == owner)
            netbt_txn_cancel(st, t);
    }
}

void netbt_txn_free_all(struct netbt_state *st)
{
    while (st->txns != NULL)
        netbt_txn_cancel(st, st->txns);
}

/* Addresses of another answer to a group query, without duplicates. */
static void merge(struct nbns_msg *into, const struct nbns_msg *m)
{
    size_t i, j;

    for (i = 0; i < m->naddrs && into->naddrs < NBNS_MAX_ADDRS; i++) {
        for (j = 0; j < into->naddrs; j++)
            if (memcmp(into->addrs[j].ip, m->addrs[i].ip, 4) == 0)
                break;
        if (j == into->naddrs)
            into->addrs[into->naddrs++] = m->addrs[i];
    }
}

static int from_expected(const struct netbt_state *st, const struct netbt_txn *t,
                         const struct netbt_rx *rx)
{
    int ch = t->phases[t->phase];

    if (ch == 'w')
        return rx->src.sin_addr.s_addr == st->conf.wins.sin_addr.s_addr;
    if (ch == 'u')
        return rx->src.sin_addr.s_addr == t->unicast.sin_addr.s_addr;
    return rx->iface != NULL;
}

/* A registration's answer: a WACK asks to wait, a negative one is a
 * conflict, a positive one from the WINS server grants the name. */
static void registration_answer(struct netbt_state *st, struct netbt_txn *t,
                                const struct nbns_msg *m)
{
    if (NBNS_OPCODE(m->flags) == NBNS_OP_WACK) {
        uint64_t ms = (uint64_t)m->ttl * 1000u;

        arm(st, t, ms == 0 || ms > WACK_MAX_MS ? WACK_MAX_MS : ms);
        return;
    }
    if (NBNS_RCODE(m->flags) != 0) {
        complete(st, t, WSAEACCES);
        return;
    }
    if (t->phases[t->phase] == 'w') {
        t->verdict = 1;
        next_phase(st, t);
    }
}

/* A WINS server keeps no members for a normal group: it answers with a
 * placeholder (255.255.255.255 in RFC 1002, 0.0.0.0 from Samba's nmbd)
 * that means "broadcast for them", never an address a host has. */
static int group_placeholder(const struct nbns_msg *m)
{
    size_t i;

    for (i = 0; i < m->naddrs; i++) {
        const uint8_t *ip = m->addrs[i].ip;

        if (!(m->addrs[i].flags & NBNS_NB_GROUP) ||
            ((ip[0] | ip[1] | ip[2] | ip[3]) != 0 && (ip[0] & ip[1] & ip[2] & ip[3]) != 0xff))
            return 0;
    }
    return m->naddrs > 0;
}

static int query_answer(struct netbt_state *st, struct netbt_txn *t, const struct nbns_msg *m)
{
    if (NBNS_RCODE(m->flags) != 0 || m->rr_section != NBNS_SEC_AN) {
        /* Only the server's word is final; a node's negative answer to a
         * broadcast says nothing about the others. */
        if (t->phases[t->phase] != 'b' && t->answer == NULL)
            next_phase(st, t);
        return 1;
    }
    if ((t->kind == NETBT_TX_STATUS) != (m->rrtype == NBNS_TYPE_NBSTAT))
        return 0;
    /* An h- or m-node broadcasts next, as Windows does; a p-node has
     * nothing to offer. */
    if (t->phases[t->phase] == 'w' && group_placeholder(m)) {
        if (t->answer == NULL)
            next_phase(st, t);
        return 1;
    }
    if (t->answer == NULL) {
        if ((t->answer = rnr_malloc(sizeof *t->answer)) == NULL)
            return 1;
        *t->answer = *m;
    } else {
        merge(t->answer, m);
    }
    /* A group answers with one response per member on the link: they
     * are collected until the attempt's time is up. */
    if (t->phases[t->phase] == 'b' && m->naddrs > 0 && (m->addrs[0].flags & NBNS_NB_GROUP))
        return 1;
    complete(st, t, 0);
    return 1;
}

int netbt_txn_response(struct netbt_state *st, const struct nbns_msg *m,
                       const struct netbt_rx *rx)
{
    struct netbt_txn *t;

    for (t = st->txns; t != NULL; t = t->next)
        if (t->id == m->id && from_expected(st, t, rx))
            break;
    if (t == NULL)
        return 0;
    if (t->kind != NETBT_TX_STATUS && m->rr_section != NBNS_SEC_NONE &&
        !nbns_name_equal(&m->rrname, &t->name))
        return 0;
    switch (t->kind) {
    case NETBT_TX_REGISTER:
    case NETBT_TX_REFRESH:
        registration_answer(st, t, m);
        return 1;
    case NETBT_TX_RELEASE:
        return 1;
    default:
        return query_answer(st, t, m);
    }
}
