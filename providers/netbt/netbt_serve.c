/* SPDX-License-Identifier: MIT */
/*
 * Requests from other nodes: name queries and node status requests for
 * the names this host holds, and registrations that would take one of
 * them (netbt_reg_heard).  Only what came in on a configured interface
 * is answered (the WINS socket takes responses only); a broadcast from
 * an address outside the interface's subnet is dropped unanswered (it
 * was forged or routed: no node of the link sent it); every reply is
 * rate-limited, overall and per source.
 */
#include "config.h"

#include "netbt.h"

#include <string.h>

/* The broadcast came from the link it arrived on. */
static int on_link(const struct netbt_iface *f, uint32_t src)
{
    return f->have_addr && ((src ^ f->addr.s_addr) & f->mask.s_addr) == 0;
}

static void reply_header(const struct nbns_msg *q, struct nbns_msg *out, unsigned rcode)
{
    memset(out, 0, sizeof *out);
    out->id = q->id;
    out->flags = (uint16_t)(NBNS_F_RESPONSE | NBNS_F_AA | (q->flags & NBNS_F_RD) | rcode);
    out->rr_section = NBNS_SEC_AN;
    out->rrname = q->qname;
}

static void answer_query(struct netbt_state *st, const struct nbns_msg *q,
                         const struct netbt_rx *rx)
{
    const struct netbt_reg *r = netbt_reg_find(st, &q->qname);
    struct nbns_msg out;
    uint32_t a = netbt_net_local_addr(st, rx->iface);

    if (r == NULL || r->state != NETBT_REG_ACTIVE || a == 0) {
        /* A broadcast is answered by owners only; a node asked directly
         * says it does not have the name. */
        if ((q->flags & NBNS_F_BROADCAST) || netbt_net_may_reply(st, rx->src.sin_addr.s_addr))
            return;
        reply_header(q, &out, NBNS_RCODE_NAM);
        out.rrtype = NBNS_TYPE_NB;
        netbt_net_send(st, rx->iface, &rx->src, &out);
        return;
    }
    if (netbt_net_may_reply(st, rx->src.sin_addr.s_addr) != 0)
        return;
    reply_header(q, &out, 0);
    out.rrname = r->name;
    out.rrtype = NBNS_TYPE_NB;
    out.ttl = st->conf.name_ttl;
    out.naddrs = 1;
    out.addrs[0].flags = (uint16_t)(r->group ? NBNS_NB_GROUP : 0);
    memcpy(out.addrs[0].ip, &a, 4);
    netbt_net_send(st, rx->iface, &rx->src, &out);
    st->stats.queries_answered++;
}

/* Every name held, as many as fit NBNS_MAX_SEND. */
static void answer_status(struct netbt_state *st, const struct nbns_msg *q,
                          const struct netbt_rx *rx)
{
    const size_t fit = (NBNS_MAX_SEND - 12 - 255 - 10 - 1 - NBNS_STATS_LEN) / 18;
    const struct netbt_reg *r;
    struct nbns_msg out;

    /* '*' padded with zeros (Windows, Samba) or with spaces: any node. */
    if (q->qname.b[0] != '*' && netbt_reg_find(st, &q->qname) == NULL)
        return;
    if (netbt_net_may_reply(st, rx->src.sin_addr.s_addr) != 0)
        return;
    reply_header(q, &out, 0);
    out.flags &= (uint16_t)~NBNS_F_RD;
    out.rrtype = NBNS_TYPE_NBSTAT;
    for (r = st->regs; r != NULL && out.nnames < fit && out.nnames < NBNS_MAX_STAT; r = r->next) {
        if (r->state != NETBT_REG_ACTIVE)
            continue;
        memcpy(out.names[out.nnames].b, r->name.b, NBNS_NAME_LEN);
        out.names[out.nnames].flags = (uint16_t)(NBNS_NAME_ACTIVE |
                                                 (r->group ? NBNS_NB_GROUP : 0));
        out.nnames++;
    }
    netbt_net_send(st, rx->iface, &rx->src, &out);
    st->stats.status_answered++;
}

void netbt_serve(struct netbt_state *st, const struct nbns_msg *m, const struct netbt_rx *rx)
{
    if (rx->iface == NULL || !m->has_question)
        return;
    if ((m->flags & NBNS_F_BROADCAST) && !on_link(rx->iface, rx->src.sin_addr.s_addr)) {
        st->stats.offlink++;
        return;
    }
    switch (NBNS_OPCODE(m->flags)) {
    case NBNS_OP_QUERY:
        if (m->qtype == NBNS_TYPE_NBSTAT)
            answer_status(st, m, rx);
        else if (m->qtype == NBNS_TYPE_NB)
            answer_query(st, m, rx);
        return;
    case NBNS_OP_REGISTER:
    case NBNS_OP_REFRESH:
    case NBNS_OP_REFRESH_ALT:
    case NBNS_OP_MULTIHOMED:
        if (m->flags & NBNS_F_BROADCAST)
            netbt_reg_heard(st, m, rx);
        return;
    case NBNS_OP_RELEASE:
        return;
    default:
        st->stats.unknown_ops++;
        return;
    }
}
