/* SPDX-License-Identifier: MIT */
/*
 * NetBIOS Name Service packets (RFC 1002 4.2).  The decoder mirrors the
 * encoder field by field; it follows compression pointers only backwards
 * (so never in a loop) and refuses anything it would not itself write
 * but for the sections a redirect carries (skipped, checked).
 */
#include "config.h"

#ifndef RNR_NO_WINSOCK_NAMES
#define RNR_NO_WINSOCK_NAMES
#endif
#include <rnr/winsock2.h>

#include "nbns_packet.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define HDR_LEN      12u
#define MAX_ENCODED  255u
#define MAX_LABEL    63u
/* Pointers followed in one name: more is an attack, whatever the
 * direction. */
#define MAX_JUMPS    16u

/* ------------------------------------------------------------ names */

/* What Windows refuses in a NetBIOS name, the '#' of our notation, and
 * '.', which would make a host name look like one. */
static int name_char_ok(int c)
{
    return c > 0x20 && c < 0x7F && strchr("\\/:*?\"<>|#.", c) == NULL;
}

static int label_char_ok(int c)
{
    return isalnum(c) || c == '-' || c == '_';
}

int nbns_scope_valid(const char *scope)
{
    size_t len = 0, n;

    if (scope == NULL || scope[0] == '\0')
        return 1;
    n = strlen(scope);
    if (n > NBNS_MAX_SCOPE || scope[0] == '.' || scope[n - 1] == '.')
        return 0;
    for (; *scope != '\0'; scope++) {
        if (*scope == '.') {
            if (len == 0)
                return 0;
            len = 0;
            continue;
        }
        if (!label_char_ok((unsigned char)*scope) || ++len > MAX_LABEL)
            return 0;
    }
    return 1;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = toupper(c);
    return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int nbns_name_from_text(const char *text, int suffix, const char *scope,
                        struct nbns_name *out)
{
    struct nbns_name n;
    const char *hash;
    size_t len, i;

    if (text == NULL || !nbns_scope_valid(scope) || suffix < 0 || suffix > 0xFF)
        return WSAEINVAL;
    hash = strchr(text, '#');
    len = hash != NULL ? (size_t)(hash - text) : strlen(text);
    if (hash != NULL) {
        int hi = hexval((unsigned char)hash[1]), lo = hi < 0 ? -1 : hexval((unsigned char)hash[2]);

        if (hi < 0 || lo < 0 || hash[3] != '\0')
            return WSAEINVAL;
        suffix = hi * 16 + lo;
    }
    if (len == 0 || len > NBNS_NAME_LEN - 1)
        return WSAEINVAL;
    memset(n.b, ' ', sizeof n.b);
    for (i = 0; i < len; i++) {
        if (!name_char_ok((unsigned char)text[i]))
            return WSAEINVAL;
        n.b[i] = (uint8_t)toupper((unsigned char)text[i]);
    }
    n.b[NBNS_NAME_LEN - 1] = (uint8_t)suffix;
    snprintf(n.scope, sizeof n.scope, "%s", scope != NULL ? scope : "");
    for (i = 0; n.scope[i] != '\0'; i++)
        n.scope[i] = (char)toupper((unsigned char)n.scope[i]);
    *out = n;
    return 0;
}

void nbns_name_to_text(const uint8_t b[NBNS_NAME_LEN], char *out)
{
    size_t end = NBNS_NAME_LEN - 1, i;

    while (end > 0 && (b[end - 1] == ' ' || b[end - 1] == '\0'))
        end--;
    for (i = 0; i < end; i++)
        out[i] = b[i] > 0x20 && b[i] < 0x7F ? (char)b[i] : '.';
    snprintf(out + end, NBNS_NAME_TEXT - end, "<%02X>", b[NBNS_NAME_LEN - 1]);
}

void nbns_name_wildcard(const char *scope, struct nbns_name *out)
{
    memset(out, 0, sizeof *out);
    out->b[0] = '*';
    snprintf(out->scope, sizeof out->scope, "%s", scope != NULL ? scope : "");
}

int nbns_name_equal(const struct nbns_name *a, const struct nbns_name *b)
{
    size_t i;

    for (i = 0; i < NBNS_NAME_LEN; i++)
        if (toupper(a->b[i]) != toupper(b->b[i]))
            return 0;
    return strcasecmp(a->scope, b->scope) == 0;
}

/* ------------------------------------------------------------ writer */

struct wr {
    uint8_t *buf;
    size_t   cap, len;
    int      err;
};

static void put(struct wr *w, const void *p, size_t n)
{
    if (w->err != 0)
        return;
    if (w->cap - w->len < n) {
        w->err = WSAENOBUFS;
        return;
    }
    memcpy(w->buf + w->len, p, n);
    w->len += n;
}

static void put8(struct wr *w, unsigned v)
{
    uint8_t b = (uint8_t)v;

    put(w, &b, 1);
}

static void put16(struct wr *w, unsigned v)
{
    uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

    put(w, b, 2);
}

static void put32(struct wr *w, uint32_t v)
{
    put16(w, v >> 16);
    put16(w, v & 0xFFFFu);
}

/* The first-level encoding (each half-byte as 'A' + nibble), then the
 * scope's labels: the second-level encoding. */
static void put_name(struct wr *w, const struct nbns_name *n)
{
    const char *s = n->scope, *dot;
    size_t i;

    if (!nbns_scope_valid(n->scope)) {
        w->err = WSAEINVAL;
        return;
    }
    put8(w, 32);
    for (i = 0; i < NBNS_NAME_LEN; i++) {
        put8(w, 'A' + (n->b[i] >> 4));
        put8(w, 'A' + (n->b[i] & 0xF));
    }
    while (*s != '\0') {
        dot = strchr(s, '.');
        i = dot != NULL ? (size_t)(dot - s) : strlen(s);
        put8(w, (unsigned)i);
        put(w, s, i);
        s += i + (dot != NULL);
    }
    put8(w, 0);
}

static void put_rdata(struct wr *w, const struct nbns_msg *m)
{
    size_t i;

    if (m->rrtype == NBNS_TYPE_NB) {
        put16(w, (unsigned)(m->naddrs * 6));
        for (i = 0; i < m->naddrs; i++) {
            put16(w, m->addrs[i].flags);
            put(w, m->addrs[i].ip, 4);
        }
    } else if (m->rrtype == NBNS_TYPE_NBSTAT) {
        uint8_t stats[NBNS_STATS_LEN] = { 0 };

        put16(w, (unsigned)(1 + m->nnames * 18 + NBNS_STATS_LEN));
        put8(w, (unsigned)m->nnames);
        for (i = 0; i < m->nnames; i++) {
            put(w, m->names[i].b, NBNS_NAME_LEN);
            put16(w, m->names[i].flags);
        }
        memcpy(stats, m->mac, sizeof m->mac);
        put(w, stats, sizeof stats);
    } else if (m->has_null_data) {
        put16(w, 2);
        put16(w, m->null_data);
    } else {
        put16(w, 0);
    }
}

int nbns_encode(const struct nbns_msg *m, uint8_t *buf, size_t cap, size_t *len)
{
    struct wr w = { buf, cap, 0, 0 };

    if (m->naddrs > NBNS_MAX_ADDRS || m->nnames > NBNS_MAX_STAT ||
        m->rr_section < NBNS_SEC_NONE || m->rr_section > NBNS_SEC_AR)
        return WSAEINVAL;
    put16(&w, m->id);
    put16(&w, m->flags);
    put16(&w, m->has_question ? 1 : 0);
    put16(&w, m->rr_section == NBNS_SEC_AN);
    put16(&w, 0);
    put16(&w, m->rr_section == NBNS_SEC_AR);
    if (m->has_question) {
        put_name(&w, &m->qname);
        put16(&w, m->qtype);
        put16(&w, NBNS_CLASS_IN);
    }
    if (m->rr_section != NBNS_SEC_NONE) {
        /* The record of a request names the question: a pointer to it,
         * as RFC 1002's packets show. */
        if (m->has_question && nbns_name_equal(&m->qname, &m->rrname) &&
            memcmp(m->qname.b, m->rrname.b, NBNS_NAME_LEN) == 0 &&
            strcmp(m->qname.scope, m->rrname.scope) == 0)
            put16(&w, 0xC000u | HDR_LEN);
        else
            put_name(&w, &m->rrname);
        put16(&w, m->rrtype);
        put16(&w, NBNS_CLASS_IN);
        put32(&w, m->ttl);
        put_rdata(&w, m);
    }
    if (w.err != 0)
        return w.err;
    *len = w.len;
    return 0;
}

/* ------------------------------------------------------------ reader */

struct rd {
    const uint8_t *buf;
    size_t len, pos;
};

static int get16(struct rd *r, uint16_t *v)
{
    if (r->len - r->pos < 2)
        return WSAEINVAL;
    *v = (uint16_t)(r->buf[r->pos] << 8 | r->buf[r->pos + 1]);
    r->pos += 2;
    return 0;
}

static int get32(struct rd *r, uint32_t *v)
{
    uint16_t hi, lo;

    if (get16(r, &hi) != 0 || get16(r, &lo) != 0)
        return WSAEINVAL;
    *v = (uint32_t)hi << 16 | lo;
    return 0;
}

/* The 32 letters of the first label back to 16 bytes. */
static int first_level(const uint8_t *p, uint8_t out[NBNS_NAME_LEN])
{
    size_t i;

    for (i = 0; i < NBNS_NAME_LEN; i++) {
        unsigned hi = (unsigned)p[2 * i] - 'A', lo = (unsigned)p[2 * i + 1] - 'A';

        if (hi > 15 || lo > 15)
            return WSAEINVAL;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

/* One scope label onto the dotted text. */
static int scope_add(struct nbns_name *n, size_t *slen, const uint8_t *p, size_t llen)
{
    size_t i;

    if (*slen + (*slen != 0) + llen > NBNS_MAX_SCOPE)
        return WSAEINVAL;
    if (*slen != 0)
        n->scope[(*slen)++] = '.';
    for (i = 0; i < llen; i++) {
        if (!label_char_ok(p[i]))
            return WSAEINVAL;
        n->scope[(*slen)++] = (char)p[i];
    }
    n->scope[*slen] = '\0';
    return 0;
}

/* A name at r->pos; r->pos moves past it (past the first pointer when
 * there is one).  Every pointer must point before the label it sits at,
 * so following them always ends. */
static int get_name(struct rd *r, struct nbns_name *n)
{
    size_t pos = r->pos, end = 0, total = 0, slen = 0, labels = 0;
    unsigned jumps = 0;

    memset(n, 0, sizeof *n);
    for (;;) {
        unsigned c;

        if (pos >= r->len)
            return WSAEINVAL;
        c = r->buf[pos];
        if ((c & 0xC0u) == 0xC0u) {
            size_t to;

            if (pos + 1 >= r->len || ++jumps > MAX_JUMPS)
                return WSAEINVAL;
            to = (c & 0x3Fu) << 8 | r->buf[pos + 1];
            if (to >= pos)
                return WSAEINVAL;
            if (end == 0)
                end = pos + 2;
            pos = to;
            continue;
        }
        if ((c & 0xC0u) != 0 || pos + 1 + c > r->len)
            return WSAEINVAL;
        total += 1 + c;
        if (total > MAX_ENCODED)
            return WSAEINVAL;
        if (c == 0)
            break;
        if (labels == 0) {
            if (c != 32 || first_level(r->buf + pos + 1, n->b) != 0)
                return WSAEINVAL;
        } else if (scope_add(n, &slen, r->buf + pos + 1, c) != 0) {
            return WSAEINVAL;
        }
        labels++;
        pos += 1 + c;
    }
    if (labels == 0)
        return WSAEINVAL;
    r->pos = end != 0 ? end : pos + 1;
    return 0;
}

static int get_nb(struct rd *r, struct nbns_msg *m, uint16_t rdlen)
{
    size_t i, n = rdlen / 6u;

    if (rdlen % 6u != 0)
        return WSAEINVAL;
    for (i = 0; i < n; i++) {
        const uint8_t *p = r->buf + r->pos + i * 6u;

        if (m->naddrs == NBNS_MAX_ADDRS)
            break;
        m->addrs[m->naddrs].flags = (uint16_t)(p[0] << 8 | p[1]);
        memcpy(m->addrs[m->naddrs].ip, p + 2, 4);
        m->naddrs++;
    }
    return 0;
}

static int get_nbstat(struct rd *r, struct nbns_msg *m, uint16_t rdlen)
{
    const uint8_t *p = r->buf + r->pos;
    size_t i, n;

    if (rdlen < 1)
        return WSAEINVAL;
    n = p[0];
    if (rdlen < 1 + n * 18u)
        return WSAEINVAL;
    for (i = 0; i < n && i < NBNS_MAX_STAT; i++) {
        const uint8_t *e = p + 1 + i * 18u;

        memcpy(m->names[i].b, e, NBNS_NAME_LEN);
        m->names[i].flags = (uint16_t)(e[16] << 8 | e[17]);
    }
    m->nnames = i;
    if (rdlen >= 1 + n * 18u + sizeof m->mac)
        memcpy(m->mac, p + 1 + n * 18u, sizeof m->mac);
    return 0;
}

/* One record; kept (keep) or only checked and skipped. */
static int get_rr(struct rd *r, struct nbns_msg *m, int keep)
{
    struct nbns_name name;
    uint16_t type, cls, rdlen;
    uint32_t ttl;
    int rc = 0;

    if (get_name(r, &name) != 0 || get16(r, &type) != 0 || get16(r, &cls) != 0 ||
        get32(r, &ttl) != 0 || get16(r, &rdlen) != 0 || cls != NBNS_CLASS_IN ||
        r->len - r->pos < rdlen)
        return WSAEINVAL;
    if (keep) {
        m->rrname = name;
        m->rrtype = type;
        m->ttl = ttl;
        if (type == NBNS_TYPE_NB)
            rc = get_nb(r, m, rdlen);
        else if (type == NBNS_TYPE_NBSTAT)
            rc = get_nbstat(r, m, rdlen);
        else if (rdlen == 2) {
            m->has_null_data = 1;
            m->null_data = (uint16_t)(r->buf[r->pos] << 8 | r->buf[r->pos + 1]);
        } else if (rdlen != 0)
            rc = WSAEINVAL;
    }
    r->pos += rdlen;
    return rc;
}

int nbns_decode(const uint8_t *buf, size_t len, struct nbns_msg *out)
{
    struct nbns_msg m;
    struct rd r = { buf, len, 0 };
    uint16_t qd, an, ns, ar, cls, i;

    memset(&m, 0, sizeof m);
    if (len < HDR_LEN || len > NBNS_MAX_PACKET || get16(&r, &m.id) != 0 ||
        get16(&r, &m.flags) != 0 || get16(&r, &qd) != 0 || get16(&r, &an) != 0 ||
        get16(&r, &ns) != 0 || get16(&r, &ar) != 0)
        return WSAEINVAL;
    /* One question at most, one record besides a redirect's NS record:
     * every packet of RFC 1002 4.2. */
    if (qd > 1 || an > 1 || ns > 1 || ar > 1 || an + ar > 1 + ns)
        return WSAEINVAL;
    if (qd == 1) {
        if (get_name(&r, &m.qname) != 0 || get16(&r, &m.qtype) != 0 ||
            get16(&r, &cls) != 0 || cls != NBNS_CLASS_IN)
            return WSAEINVAL;
        m.has_question = 1;
    }
    for (i = 0; i < an + ns + ar; i++) {
        int keep = m.rr_section == NBNS_SEC_NONE && !(ns == 1 && i == an);

        if (get_rr(&r, &m, keep) != 0)
            return WSAEINVAL;
        if (keep)
            m.rr_section = i < an ? NBNS_SEC_AN : NBNS_SEC_AR;
    }
    if (r.pos != len)
        return WSAEINVAL;
    *out = m;
    return 0;
}
