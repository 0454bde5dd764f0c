/* SPDX-License-Identifier: MIT */
/*
 * A received datagram: every check of doc/sap-protocol.md "Receiving" in
 * order, each drop counted, then the table, the waiting lookups or an
 * answer.  Answers are where amplification would live, so they are the
 * most bounded: one response per query, no larger than the query, from a
 * token bucket, never repeated for a query heard twice (IPv4 and IPv6).
 */
#include "config.h"

#include "sap.h"
#include "guid.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static int all_zero(const uint8_t *p, size_t n)
{
    while (n-- > 0)
        if (*p++ != 0)
            return 0;
    return 1;
}

/* Wildcard addresses stand for the sender's; IPv6 link-local ones get
 * the receiving interface as scope.  An address of the other family
 * than the packet's cannot be filled in and is dropped. */
static void fix_addrs(struct sap_entry *e, const struct sap_rxmeta *m)
{
    unsigned i, k = 0;

    for (i = 0; i < e->naddrs; i++) {
        struct sap_addr a = e->addrs[i];

        if (a.family == 4 && all_zero(a.addr, 4)) {
            if (m->src.ss_family != AF_INET)
                continue;
            memcpy(a.addr, &((const struct sockaddr_in *)&m->src)->sin_addr, 4);
        } else if (a.family == 6 && all_zero(a.addr, 16)) {
            if (m->src.ss_family != AF_INET6)
                continue;
            memcpy(a.addr, &((const struct sockaddr_in6 *)&m->src)->sin6_addr, 16);
        }
        if (a.family == 6 && a.addr[0] == 0xfe && (a.addr[1] & 0xc0) == 0x80)
            a.scope = m->ifindex;
        e->addrs[k++] = a;
    }
    e->naddrs = (uint8_t)k;
}

static void heard(struct sap_state *st, const uint8_t *buf, const struct sap_header *h,
                  const struct sap_rxmeta *m)
{
    uint64_t now = sap_now(st);
    struct sap_cursor c;
    struct sap_entry e;
    uint32_t rtt = SAP_RTT_NONE;

    if (h->type == SAP_RESPONSE && st->last_query_ms != 0 && now >= st->last_query_ms)
        rtt = (uint32_t)(now - st->last_query_ms);
    sap_cursor_init(&c, buf, h);
    while (sap_cursor_next(&c, &e) == 1) {
        int r;

        struct sap_entry before;
        const struct sap_tentry *old;

        fix_addrs(&e, m);
        old = sap_table_find(st->table, h->sender, &e.cls, e.name);
        if (old != NULL)
            sap_tentry_to_entry(old, &before);
        r = sap_table_update(st->table, h->sender, &e, h->hops, h->ttl_ms, rtt, now, NULL);
        if (r == SAP_T_FULL || r == SAP_T_SENDER_FULL || r == SAP_T_NOMEM)
            st->stats.table_full++;
        else
            sap_notify_heard(st, old != NULL ? &before : NULL, &e);
        sap_query_heard(st, h->sender, &e, h->hops, now);
    }
}

static void withdrawn(struct sap_state *st, const uint8_t *buf, const struct sap_header *h)
{
    struct sap_cursor c;
    struct sap_entry e;

    sap_cursor_init(&c, buf, h);
    while (sap_cursor_next(&c, &e) == 1) {
        const struct sap_tentry *old = sap_table_find(st->table, h->sender, &e.cls, e.name);

        if (old != NULL)
            sap_notify_gone(st, old);
        st->stats.withdrawn += (uint64_t)sap_table_remove(st->table, h->sender, &e.cls, e.name);
    }
}

static int answered_before(struct sap_state *st, uint64_t sender, uint32_t seq)
{
    unsigned i, n = sizeof st->answered / sizeof st->answered[0];

    for (i = 0; i < n; i++)
        if (st->answered[i].sender == sender && st->answered[i].seq == seq)
            return 1;
    st->answered[st->answered_next].sender = sender;
    st->answered[st->answered_next].seq = seq;
    st->answered_next = (st->answered_next + 1) % n;
    return 0;
}

static int reg_matches(const struct sap_reg *r, const struct sap_entry *q)
{
    return rnr_guid_equal(&r->e.cls, &q->cls) && sap_name_matches(q->name, r->e.name);
}

static void answer(struct sap_state *st, const uint8_t *buf, size_t len,
                   const struct sap_header *h, const struct sap_rxmeta *m)
{
    struct sap_writer *w = &st->txw;
    struct sap_cursor c;
    struct sap_entry q;
    const struct sap_reg *r;
    int any = 0, full = 0;
    size_t n;

    if (answered_before(st, h->sender, h->seq))
        return;
    sap_writer_begin(w, SAP_RESPONSE, 0, st->sender_id,
                     st->conf.interval_s * SAP_TTL_INTERVALS * 1000u, st->conf.keylen != 0, len);
    sap_cursor_init(&c, buf, h);
    while (!full && sap_cursor_next(&c, &q) == 1) {
        for (r = st->regs; r != NULL; r = r->next) {
            if (!reg_matches(r, &q))
                continue;
            any = 1;
            if (sap_writer_add(w, &r->e) != 0) {
                sap_writer_set_flag(w, SAP_F_TRUNCATED);
                full = 1;
                break;
            }
        }
    }
    if (!any || w->count == 0)
        return;
    if (rnr_bucket_take(&st->responses, sap_now(st), SAP_RESPONSE_RATE) != 0) {
        st->stats.responses_limited++;
        return;
    }
    n = sap_seal(st, w, 0);
    sap_net_send_to(st, &m->src, m->src_len, w->buf, n);
    st->stats.queries_answered++;
}

void sap_rx_packet(struct sap_state *st, const uint8_t *buf, size_t len,
                   const struct sap_rxmeta *m)
{
    struct sap_header h;
    uint64_t now, wall, up;

    st->stats.rx_packets++;
    if (m->ttl != 255 || !sap_net_iface_chosen(st, m->ifindex)) {
        st->stats.drop_offlink++;
        goto done;
    }
    if (sap_packet_other_version(buf, len)) {
        st->stats.drop_version++;
        goto done;
    }
    if (sap_packet_parse(buf, len, &h) != 0) {
        st->stats.drop_malformed++;
        goto done;
    }
    if (h.sender == st->sender_id) {
        st->stats.drop_own++;
        return;
    }
    if (st->conf.keylen != 0 ? sap_auth_verify(&st->conf, buf, h.signed_len, h.tag) != 0
                             : (h.flags & SAP_F_AUTH) != 0) {
        st->stats.drop_auth++;
        goto done;
    }
    /* Freshness before the sequence: a packet too old to be accepted
     * must not create a sender record either. */
    now = sap_now(st);
    wall = sap_wall_ms();
    /* When we started, on the wall clock as it reads now: a clock
     * stepped since moves that moment with it. */
    up = now - st->start_ms;
    if (sap_packet_fresh(h.stamp_ms, wall, wall > up ? wall - up : 0,
                         st->conf.max_skew_s * 1000u) != 0) {
        st->stats.drop_late++;
        goto done;
    }
    switch (sap_table_check_seq(st->table, h.sender, h.seq, now)) {
    case SAP_SEQ_OK:
        break;
    case SAP_SEQ_DUPLICATE:
        st->stats.drop_duplicate++;
        return;
    case SAP_SEQ_STALE:
        st->stats.drop_stale++;
        goto done;
    default:
        st->stats.table_full++;
        goto done;
    }
    switch (h.type) {
    case SAP_ADVERTISE:
    case SAP_RESPONSE:
        heard(st, buf, &h, m);
        break;
    case SAP_WITHDRAW:
        withdrawn(st, buf, &h);
        break;
    case SAP_QUERY:
        answer(st, buf, len, &h, m);
        break;
    }
done:
    sap_rx_log_drops(st);
}

/* Operators see an attack or a misconfigured neighbour (wrong key) in
 * the log, at most once a second however many packets are dropped. */
void sap_rx_log_drops(struct sap_state *st)
{
    const struct sap_stats *s = &st->stats;
    uint64_t total = s->drop_malformed + s->drop_auth + s->drop_offlink + s->drop_stale +
                     s->drop_version + s->drop_late + s->table_full;
    uint64_t now = sap_now(st);

    if (total == st->drops_logged || now - st->drops_log_ms < SAP_DROP_LOG_MS)
        return;
    st->drops_logged = total;
    st->drops_log_ms = now;
    st->host->log(st->p, RNR_NSP_LOG_NOTICE,
                  "%llu packets received; dropped so far: malformed %llu, version %llu, "
                  "auth %llu, offlink %llu, late %llu, stale %llu, table-full %llu",
                  (unsigned long long)s->rx_packets, (unsigned long long)s->drop_malformed,
                  (unsigned long long)s->drop_version, (unsigned long long)s->drop_auth,
                  (unsigned long long)s->drop_offlink, (unsigned long long)s->drop_late,
                  (unsigned long long)s->drop_stale, (unsigned long long)s->table_full);
}
