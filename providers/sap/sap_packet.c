/* SPDX-License-Identifier: MIT */
/*
 * SAP packet codec.  The parser trusts nothing: every length is checked
 * against what is left before it is used, and a packet is accepted only
 * when its header and every one of its entries decode.
 */
#include "config.h"

#include "sap_packet.h"

#include <string.h>

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

void sap_guid_put(uint8_t out[16], const GUID *g)
{
    put32(out, g->Data1);
    put16(out + 4, g->Data2);
    put16(out + 6, g->Data3);
    memcpy(out + 8, g->Data4, 8);
}

void sap_guid_get(const uint8_t in[16], GUID *g)
{
    g->Data1 = get32(in);
    g->Data2 = get16(in + 4);
    g->Data3 = get16(in + 6);
    memcpy(g->Data4, in + 8, 8);
}

static int has_nul(const uint8_t *p, size_t n)
{
    return memchr(p, '\0', n) != NULL;
}

/* Only QUERY and WITHDRAW entries may omit addresses and comment; a QUERY
 * alone may leave the name empty (any name). */
static int decode_entry(const uint8_t *p, size_t left, uint8_t type, struct sap_entry *e,
                        size_t *used)
{
    size_t elen, nlen, clen, off;
    unsigned i, naddrs;

    if (left < SAP_ENTRY_MIN)
        return -1;
    elen = get16(p);
    if (elen < SAP_ENTRY_MIN || elen > left)
        return -1;
    nlen = p[21];
    clen = p[22];
    naddrs = p[23];
    /* Unknown entry flags belong to later minor versions: ignored. */
    if (naddrs > SAP_MAX_ADDRS)
        return -1;
    if (nlen == 0 && type != SAP_QUERY)
        return -1;
    if ((type == SAP_QUERY || type == SAP_WITHDRAW) && naddrs != 0)
        return -1;
    off = SAP_ENTRY_MIN;
    if (nlen + clen > elen - off)
        return -1;
    if (has_nul(p + off, nlen) || has_nul(p + off + nlen, clen))
        return -1;
    sap_guid_get(p + 2, &e->cls);
    e->sap_id = get16(p + 18);
    e->has_version = (p[20] & SAP_EF_VERSION) != 0;
    e->version = get32(p + 24);
    memcpy(e->name, p + off, nlen);
    e->name[nlen] = '\0';
    off += nlen;
    memcpy(e->comment, p + off, clen);
    e->comment[clen] = '\0';
    off += clen;
    e->naddrs = (uint8_t)naddrs;
    for (i = 0; i < naddrs; i++) {
        struct sap_addr *a = &e->addrs[i];
        size_t alen;

        if (elen - off < 6)
            return -1;
        a->family = p[off];
        if (a->family != 4 && a->family != 6)
            return -1;
        if (p[off + 3] != 0)
            return -1;
        alen = a->family == 4 ? 4 : 16;
        if (elen - off - 6 < alen)
            return -1;
        a->socktype = p[off + 1];
        a->protocol = p[off + 2];
        a->port = get16(p + off + 4);
        memset(a->addr, 0, sizeof a->addr);
        memcpy(a->addr, p + off + 6, alen);
        a->scope = 0;
        off += 6 + alen;
    }
    /* Bytes past the fields belong to later minor versions. */
    *used = elen;
    return 0;
}

void sap_cursor_init(struct sap_cursor *c, const uint8_t *buf, const struct sap_header *h)
{
    c->p = buf + SAP_HEADER_LEN;
    c->left = h->body_len;
    c->remaining = h->count;
    c->type = h->type;
}

int sap_cursor_next(struct sap_cursor *c, struct sap_entry *e)
{
    size_t used;

    if (c->remaining == 0)
        return c->left == 0 ? 0 : -1;
    if (decode_entry(c->p, c->left, c->type, e, &used) != 0)
        return -1;
    c->p += used;
    c->left -= used;
    c->remaining--;
    return 1;
}

int sap_packet_parse(const uint8_t *buf, size_t len, struct sap_header *h)
{
    struct sap_header hd;
    struct sap_cursor c;
    struct sap_entry e;
    size_t room;
    int r;

    if (buf == NULL || len < SAP_HEADER_LEN || len > SAP_MAX_PACKET)
        return -1;
    if (memcmp(buf, SAP_MAGIC, 4) != 0 || (buf[4] & 0xF0u) != (SAP_VERSION & 0xF0u))
        return -1;
    memset(&hd, 0, sizeof hd);
    hd.version = buf[4];
    hd.type = buf[5];
    hd.flags = buf[6];
    hd.hops = buf[7];
    if (hd.type < SAP_ADVERTISE || hd.type > SAP_RESPONSE)
        return -1;
    hd.sender = (uint64_t)get32(buf + 8) << 32 | get32(buf + 12);
    hd.seq = get32(buf + 16);
    hd.ttl_ms = get32(buf + 20);
    hd.stamp_ms = (uint64_t)get32(buf + 24) << 32 | get32(buf + 28);
    hd.count = get16(buf + 32);
    hd.body_len = get16(buf + 34);
    room = len - SAP_HEADER_LEN;
    if (hd.flags & SAP_F_AUTH) {
        if (room < SAP_TAG_LEN)
            return -1;
        room -= SAP_TAG_LEN;
        hd.signed_len = len - SAP_TAG_LEN;
        hd.tag = buf + hd.signed_len;
    }
    if (hd.body_len > room)
        return -1;
    sap_cursor_init(&c, buf, &hd);
    while ((r = sap_cursor_next(&c, &e)) == 1)
        ;
    if (r != 0)
        return -1;
    *h = hd;
    return 0;
}

int sap_packet_other_version(const uint8_t *buf, size_t len)
{
    return buf != NULL && len > 4 && memcmp(buf, SAP_MAGIC, 4) == 0 &&
           (buf[4] & 0xF0u) != (SAP_VERSION & 0xF0u);
}

int sap_packet_fresh(uint64_t stamp_ms, uint64_t now_ms, uint64_t since_ms,
                     uint32_t window_ms)
{
    uint64_t skew = stamp_ms > now_ms ? stamp_ms - now_ms : now_ms - stamp_ms;

    if (skew > window_ms)
        return -1;
    /* Stamped before this receiver started: it cannot have been sent to
     * us, so it is a capture replayed to a receiver that forgot the
     * sender's sequence. */
    if (stamp_ms < since_ms)
        return -1;
    return 0;
}

size_t sap_entry_size(uint8_t type, const struct sap_entry *e)
{
    size_t n = SAP_ENTRY_MIN + strnlen(e->name, SAP_MAX_NAME);
    unsigned i;

    if (type == SAP_QUERY || type == SAP_WITHDRAW)
        return n;
    n += strnlen(e->comment, SAP_MAX_COMMENT);
    for (i = 0; i < e->naddrs && i < SAP_MAX_ADDRS; i++)
        n += 6 + (e->addrs[i].family == 4 ? 4 : 16);
    return n;
}

void sap_writer_begin(struct sap_writer *w, uint8_t type, uint8_t flags, uint64_t sender,
                      uint32_t ttl_ms, int tagged, size_t limit)
{
    memset(w->buf, 0, SAP_HEADER_LEN);
    memcpy(w->buf, SAP_MAGIC, 4);
    w->buf[4] = SAP_VERSION;
    w->buf[5] = type;
    w->buf[6] = (uint8_t)(flags | (tagged ? SAP_F_AUTH : 0));
    w->buf[7] = 0;
    put32(w->buf + 8, (uint32_t)(sender >> 32));
    put32(w->buf + 12, (uint32_t)sender);
    put32(w->buf + 20, ttl_ms);
    w->len = SAP_HEADER_LEN;
    w->limit = limit < SAP_MAX_PACKET ? limit : SAP_MAX_PACKET;
    w->count = 0;
    w->tagged = tagged;
}

void sap_writer_set_flag(struct sap_writer *w, uint8_t flag)
{
    w->buf[6] |= flag;
}

int sap_writer_add(struct sap_writer *w, const struct sap_entry *e)
{
    uint8_t type = w->buf[5];
    int full = type != SAP_QUERY && type != SAP_WITHDRAW;
    size_t need = sap_entry_size(type, e), nlen, clen, reserve;
    uint8_t *p;
    unsigned i;

    reserve = w->tagged ? SAP_TAG_LEN : 0;
    if (w->len + need + reserve > w->limit || w->count == UINT16_MAX)
        return -1;
    nlen = strnlen(e->name, SAP_MAX_NAME);
    clen = full ? strnlen(e->comment, SAP_MAX_COMMENT) : 0;
    p = w->buf + w->len;
    put16(p, (uint16_t)need);
    sap_guid_put(p + 2, &e->cls);
    put16(p + 18, e->sap_id);
    p[20] = e->has_version ? SAP_EF_VERSION : 0;
    p[21] = (uint8_t)nlen;
    p[22] = (uint8_t)clen;
    p[23] = full ? e->naddrs : 0;
    put32(p + 24, e->has_version ? e->version : 0);
    p += SAP_ENTRY_MIN;
    memcpy(p, e->name, nlen);
    p += nlen;
    memcpy(p, e->comment, clen);
    p += clen;
    for (i = 0; full && i < e->naddrs; i++) {
        const struct sap_addr *a = &e->addrs[i];
        size_t alen = a->family == 4 ? 4 : 16;

        p[0] = a->family == 4 ? 4 : 6;
        p[1] = a->socktype;
        p[2] = a->protocol;
        p[3] = 0;
        put16(p + 4, a->port);
        memcpy(p + 6, a->addr, alen);
        p += 6 + alen;
    }
    w->len += need;
    w->count++;
    return 0;
}

size_t sap_writer_finish(struct sap_writer *w, uint32_t seq, uint64_t stamp_ms, size_t pad_to)
{
    size_t body = w->len - SAP_HEADER_LEN, total = w->len;

    put32(w->buf + 16, seq);
    put32(w->buf + 24, (uint32_t)(stamp_ms >> 32));
    put32(w->buf + 28, (uint32_t)stamp_ms);
    put16(w->buf + 32, w->count);
    put16(w->buf + 34, (uint16_t)body);
    if (w->tagged)
        total += SAP_TAG_LEN;
    if (pad_to > w->limit)
        pad_to = w->limit;
    if (pad_to > total)
        total = pad_to;
    memset(w->buf + w->len, 0, total - w->len);
    return total;
}
