/* SPDX-License-Identifier: MIT */
/*
 * Reading a DNS answer message (see dns_msg.h).  Every offset is checked
 * against the length; compression pointers must point backwards, so a
 * name is read in bounded time; counts are capped.
 */
#include "dns_msg.h"
#include "alloc.h"

#include <string.h>

#define RNR_NO_WINSOCK_NAMES
#include <rnr/winsock2.h>

#define DNS_HDR_LEN    12u
#define DNS_MAX_RR    512u   /* answer + authority records looked at */
#define DNS_MAX_JUMPS  64u

struct rr {
    size_t   owner;     /* offset of the owner name */
    uint16_t type;
    uint32_t ttl;
    size_t   rdoff;
    uint16_t rdlen;
};

struct msg {
    const uint8_t *p;
    size_t         len;
};

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Reads the name at *off into out (presentation form, lower case, no final
 * dot, "" for the root) and moves *off past it (not past pointed-to
 * labels).  Returns 0 or -1 when malformed. */
static int read_name(const struct msg *m, size_t *off, char out[DNS_MAX_NAME])
{
    size_t pos = *off, n = 0, end = 0, limit = m->len;
    unsigned jumps = 0;
    int jumped = 0;

    for (;;) {
        uint8_t l;

        if (pos >= limit)
            return -1;
        l = m->p[pos];
        if ((l & 0xC0) == 0xC0) {
            size_t to;

            if (pos + 1 >= m->len || ++jumps > DNS_MAX_JUMPS)
                return -1;
            to = (size_t)(l & 0x3F) << 8 | m->p[pos + 1];
            if (!jumped)
                end = pos + 2;
            jumped = 1;
            /* Backwards only: no loop can be built. */
            if (to >= pos)
                return -1;
            limit = pos;
            pos = to;
            continue;
        }
        if ((l & 0xC0) != 0)
            return -1;
        if (l == 0) {
            if (!jumped)
                end = pos + 1;
            break;
        }
        if (pos + 1 + l > limit || n + l + 1 >= DNS_MAX_NAME - 1)
            return -1;
        if (n > 0)
            out[n++] = '.';
        for (size_t i = 0; i < l; i++) {
            uint8_t c = m->p[pos + 1 + i];

            /* A dot or a NUL inside a label cannot be told apart from
             * the structure in presentation form: refuse the name. */
            if (c == '.' || c == '\0')
                return -1;
            out[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        pos += 1 + (size_t)l;
    }
    out[n] = '\0';
    *off = end;
    return 0;
}

/* Compares the name at offset `off` with `name` (already lower case). */
static int name_is(const struct msg *m, size_t off, const char *name)
{
    char buf[DNS_MAX_NAME];

    return read_name(m, &off, buf) == 0 && strcmp(buf, name) == 0;
}

static int read_rr(const struct msg *m, size_t *off, struct rr *rr)
{
    char skip[DNS_MAX_NAME];
    size_t pos = *off;

    rr->owner = pos;
    if (read_name(m, &pos, skip) != 0 || pos + 10 > m->len)
        return -1;
    rr->type = get16(m->p + pos);
    rr->ttl = get32(m->p + pos + 4);
    /* RFC 2181 8: a TTL with the top bit set is zero. */
    if (rr->ttl & 0x80000000u)
        rr->ttl = 0;
    rr->rdlen = get16(m->p + pos + 8);
    rr->rdoff = pos + 10;
    if (rr->rdoff + rr->rdlen > m->len)
        return -1;
    *off = rr->rdoff + rr->rdlen;
    return 0;
}

static void answer_free(struct dns_answer *a)
{
    size_t i;

    if (a == NULL)
        return;
    for (i = 0; i < a->naliases; i++)
        rnr_free(a->aliases[i]);
    for (i = 0; i < a->nnames; i++)
        rnr_free(a->names[i]);
    rnr_free(a->aliases);
    rnr_free(a->names);
    rnr_free(a->addrs);
    rnr_free(a->qname);
    rnr_free(a->canon);
    rnr_free(a);
}

struct dns_answer *dns_answer_status(int qtype, int status)
{
    struct dns_answer *a = rnr_calloc(1, sizeof *a);

    if (a == NULL)
        return NULL;
    a->refs = 1;
    a->qtype = qtype;
    a->status = status;
    return a;
}

struct dns_answer *dns_answer_ref(struct dns_answer *a)
{
    a->refs++;
    return a;
}

void dns_answer_unref(struct dns_answer *a)
{
    if (a != NULL && --a->refs == 0)
        answer_free(a);
}

static void ttl_min(struct dns_answer *a, uint32_t ttl)
{
    if (!a->has_ttl || ttl < a->ttl)
        a->ttl = ttl;
    a->has_ttl = 1;
}

static int status_of_rcode(unsigned rcode)
{
    switch (rcode) {
    case 0: return 0;
    case 2: return WSATRY_AGAIN;      /* SERVFAIL */
    case 3: return WSAHOST_NOT_FOUND; /* NXDOMAIN */
    default: return WSANO_RECOVERY;   /* FORMERR, NOTIMP, REFUSED, ... */
    }
}

/* Follows the CNAME chain from a->qname through the answer records;
 * leaves the chain's end in `cur`. */
static int follow_chain(const struct msg *m, const struct rr *rrs, size_t nan,
                        struct dns_answer *a, char cur[DNS_MAX_NAME])
{
    unsigned hop;
    size_t i;

    strcpy(cur, a->qname);
    for (hop = 0; hop < DNS_MAX_CHAIN; hop++) {
        char target[DNS_MAX_NAME];
        size_t off;

        for (i = 0; i < nan; i++)
            if (rrs[i].type == DNS_T_CNAME && name_is(m, rrs[i].owner, cur))
                break;
        if (i == nan)
            return 0;
        off = rrs[i].rdoff;
        if (read_name(m, &off, target) != 0)
            return WSANO_RECOVERY;
        a->aliases[a->naliases] = rnr_strdup(cur);
        if (a->aliases[a->naliases] == NULL)
            return WSAENOBUFS;
        a->naliases++;
        ttl_min(a, rrs[i].ttl);
        strcpy(cur, target);
    }
    return 0;
}

static int add_record(const struct msg *m, const struct rr *rr,
                      struct dns_answer *a)
{
    size_t off = rr->rdoff;
    char name[DNS_MAX_NAME];

    if (a->qtype == DNS_T_A || a->qtype == DNS_T_AAAA) {
        size_t alen = a->qtype == DNS_T_A ? 4 : 16;

        if (rr->rdlen != alen)
            return WSANO_RECOVERY;
        memset(a->addrs[a->naddrs], 0, 16);
        memcpy(a->addrs[a->naddrs], m->p + rr->rdoff, alen);
        a->naddrs++;
        return 0;
    }
    if (read_name(m, &off, name) != 0 || off != rr->rdoff + rr->rdlen)
        return WSANO_RECOVERY;
    if ((a->names[a->nnames] = rnr_strdup(name)) == NULL)
        return WSAENOBUFS;
    a->nnames++;
    return 0;
}

/* RFC 2308 5: a negative answer lives for min(SOA TTL, SOA MINIMUM). */
static void negative_ttl(const struct msg *m, const struct rr *rr,
                         struct dns_answer *a)
{
    char skip[DNS_MAX_NAME];
    size_t off = rr->rdoff;
    uint32_t min;

    if (read_name(m, &off, skip) != 0 || read_name(m, &off, skip) != 0 ||
        off + 20 > rr->rdoff + rr->rdlen)
        return;
    min = get32(m->p + off + 16);
    a->has_ttl = 1;
    a->ttl = rr->ttl < min ? rr->ttl : min;
}

/* Arrays sized by what the answer section holds: a cached answer keeps
 * them, and the fixed maximum (6 kB) made every entry that large. */
static int answer_alloc(struct dns_answer *a, const struct rr *rrs, size_t nan)
{
    size_t i, ncname = 0, nrec = 0;

    for (i = 0; i < nan; i++) {
        if (rrs[i].type == DNS_T_CNAME)
            ncname++;
        else if (rrs[i].type == a->qtype && nrec < DNS_MAX_RECORDS)
            nrec++;
    }
    /* A looping chain revisits its records: room for every hop. */
    if (ncname > 0 && (a->aliases = rnr_calloc(DNS_MAX_CHAIN, sizeof *a->aliases)) == NULL)
        return -1;
    if (nrec == 0)
        return 0;
    if (a->qtype == DNS_T_A || a->qtype == DNS_T_AAAA)
        a->addrs = rnr_calloc(nrec, sizeof *a->addrs);
    else
        a->names = rnr_calloc(nrec, sizeof *a->names);
    return a->addrs != NULL || a->names != NULL ? 0 : -1;
}

int dns_msg_parse(const uint8_t *msg, size_t len, struct dns_answer **out)
{
    struct msg m = { msg, len };
    struct dns_answer *a = NULL;
    struct rr *rrs = NULL;
    char cur[DNS_MAX_NAME], qname[DNS_MAX_NAME];
    unsigned qd, an, ns, rcode;
    size_t off = DNS_HDR_LEN, nan = 0, nns = 0, i;
    int rc = WSANO_RECOVERY;

    if (len < DNS_HDR_LEN)
        goto done;
    rcode = msg[3] & 0x0Fu;
    qd = get16(msg + 4);
    an = get16(msg + 6);
    ns = get16(msg + 8);
    if (qd != 1 || read_name(&m, &off, qname) != 0 || off + 4 > len)
        goto done;
    rc = WSAENOBUFS;
    if ((a = dns_answer_status(get16(msg + off), status_of_rcode(rcode))) == NULL)
        goto done;
    off += 4;
    if ((a->qname = rnr_strdup(qname)) == NULL)
        goto done;
    if (an > DNS_MAX_RR)
        an = DNS_MAX_RR;
    if (ns > DNS_MAX_RR - an)
        ns = DNS_MAX_RR - an;
    if ((rrs = rnr_calloc((size_t)an + ns + 1, sizeof *rrs)) == NULL)
        goto done;
    /* A message cut short keeps what was read whole (the server may have
     * truncated it); what follows is ignored. */
    while (nan < an && read_rr(&m, &off, &rrs[nan]) == 0)
        nan++;
    while (nan == an && nns < ns && read_rr(&m, &off, &rrs[an + nns]) == 0)
        nns++;
    if (answer_alloc(a, rrs, nan) != 0)
        goto done;

    if ((rc = follow_chain(&m, rrs, nan, a, cur)) != 0)
        goto done;
    rc = WSAENOBUFS;
    if ((a->canon = rnr_strdup(cur)) == NULL)
        goto done;
    if (a->status == 0) {
        for (i = 0; i < nan; i++) {
            int erc;

            if (rrs[i].type != a->qtype || !name_is(&m, rrs[i].owner, cur))
                continue;
            if (a->naddrs + a->nnames >= DNS_MAX_RECORDS)
                break;
            erc = add_record(&m, &rrs[i], a);
            if (erc == WSAENOBUFS) {
                rc = erc;
                goto done;
            }
            if (erc == 0)
                ttl_min(a, rrs[i].ttl);
        }
        if (a->naddrs + a->nnames == 0)
            a->status = WSANO_DATA;
    }
    if (a->status == WSANO_DATA || a->status == WSAHOST_NOT_FOUND) {
        a->has_ttl = 0;
        a->ttl = 0;
        for (i = 0; i < nns; i++)
            if (rrs[an + i].type == DNS_T_SOA) {
                negative_ttl(&m, &rrs[an + i], a);
                break;
            }
    }
    *out = a;
    a = NULL;
    rc = 0;
done:
    rnr_free(rrs);
    dns_answer_unref(a);
    return rc;
}
