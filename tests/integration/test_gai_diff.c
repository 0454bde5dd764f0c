/* SPDX-License-Identifier: MIT */
/*
 * rnr_getaddrinfo against glibc's getaddrinfo on the same generated hosts
 * and services files: rnrd's hosts provider reads them, and glibc reads
 * them through a private mount namespace that bind-mounts them (and an
 * nsswitch.conf with "hosts: files", "services: files") over /etc.
 * Thousands of queries: names present and absent (in other cases too),
 * numeric hosts in every form, services by name and number, every
 * family, socket type, protocol and a set of flags.
 *
 * Compared: the error class, the addresses with their families and
 * ports, the socket types and protocols, and the canonical name.  Where
 * Windows' rules (doc/windows-rules.md, "ws2tcpip") make rnr answer
 * differently, the expected difference is computed here from glibc's
 * answer by that rule (expect_from_glibc); no query is skipped.
 *
 * Needs root for the mount namespace: skipped (77) otherwise.
 * RNRT_SEED picks another data set; RNRT_SCALE (percent) shrinks it.
 */
#include "config.h"

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#define RNR_NO_WINSOCK_NAMES
#include "itest.h"
#include "difftest.h"

#include <errno.h>

#include <rnr/ws2tcpip.h>

static struct rnrt_daemon daemon_;

static struct rnrt_strlist names, absent, serv_names;

/* ------------------------------------------------------------ data */

static void gen_hosts(FILE *f)
{
    unsigned n = rnrt_scaled(1500), i, k;
    char name[64];

    fprintf(f, "127.0.0.1 localhost\n::1 localhost ip6-localhost\n");
    rnrt_strlist_add(&names, "localhost");
    rnrt_strlist_add(&names, "ip6-localhost");
    for (i = 0; i < n; i++) {
        unsigned kind = rnrt_rand(100);

        if (kind < 60)
            fprintf(f, "10.%u.%u.%u", rnrt_rand(256), rnrt_rand(256), rnrt_rand(256));
        else if (kind < 92)
            fprintf(f, "2001:db8:%x::%x", rnrt_rand(65536), rnrt_rand(65535) + 1);
        else
            fprintf(f, "::ffff:10.%u.%u.%u", rnrt_rand(256), rnrt_rand(256), rnrt_rand(256));
        /* Sometimes a name seen before: the lines merge. */
        if (names.n > 2 && rnrt_rand(5) == 0) {
            snprintf(name, sizeof name, "%s", names.v[2 + rnrt_rand((uint32_t)names.n - 2)]);
        } else {
            snprintf(name, sizeof name, "h%u.zone%u.example", i, rnrt_rand(9));
            rnrt_strlist_add(&names, name);
        }
        fprintf(f, " %s", name);
        for (k = rnrt_rand(3); k > 0; k--) {
            snprintf(name, sizeof name, "al%u-%u", i, k);
            rnrt_strlist_add(&names, name);
            fprintf(f, " %s", name);
        }
        fputc('\n', f);
        snprintf(name, sizeof name, "missing%u.example", i);
        rnrt_strlist_add(&absent, name);
    }
}

static void gen_services(FILE *f)
{
    unsigned n = rnrt_scaled(600), i;
    char name[64];

    fprintf(f, "ftp 21/tcp\nssh 22/tcp\ndomain 53/tcp\ndomain 53/udp\n"
               "http 80/tcp www\nsctponly 9999/sctp\n");
    rnrt_strlist_add(&serv_names, "ftp");
    rnrt_strlist_add(&serv_names, "domain");
    rnrt_strlist_add(&serv_names, "http");
    rnrt_strlist_add(&serv_names, "www");
    for (i = 0; i < n; i++) {
        unsigned port = 1024 + rnrt_rand(60000);

        snprintf(name, sizeof name, "svc%u", i);
        rnrt_strlist_add(&serv_names, name);
        switch (rnrt_rand(4)) {
        case 0:
            fprintf(f, "%s %u/tcp\n", name, port);
            break;
        case 1:
            fprintf(f, "%s %u/udp\n", name, port);
            break;
        case 2:   /* both, one port */
            fprintf(f, "%s %u/tcp\n%s %u/udp\n", name, port, name, port);
            break;
        default:  /* both, different ports */
            fprintf(f, "%s %u/tcp\n%s %u/udp\n", name, port, name, port + 1);
            break;
        }
    }
}

/* ------------------------------------------------------------ answers */

enum eclass { E_OK, E_NONAME, E_SERVICE, E_FAMILY, E_SOCKTYPE, E_BADFLAGS, E_OTHER };

static const char *const eclass_name[] = {
    "ok", "noname", "service", "family", "socktype", "badflags", "other"
};

#define MAXA 64

/* One answer, normalised: sorted distinct "family addr port" entries. */
struct answer {
    enum eclass e;
    size_t      n;
    char        a[MAXA][64];
    char        canon[256];
    int         has_canon;
};

static void entry_text(const struct sockaddr *sa, char *buf, size_t len)
{
    char a[INET6_ADDRSTRLEN];

    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s = (const void *)sa;

        inet_ntop(AF_INET, &s->sin_addr, a, sizeof a);
        snprintf(buf, len, "4 %s %u", a, ntohs(s->sin_port));
    } else {
        const struct sockaddr_in6 *s = (const void *)sa;

        inet_ntop(AF_INET6, &s->sin6_addr, a, sizeof a);
        snprintf(buf, len, "6 %s %u", a, ntohs(s->sin6_port));
    }
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(x, y);
}

static void add_entry(struct answer *an, const char *t)
{
    size_t i;

    for (i = 0; i < an->n; i++)
        if (strcmp(an->a[i], t) == 0)
            return;
    if (an->n < MAXA)
        snprintf(an->a[an->n++], sizeof an->a[0], "%s", t);
}

static void finish(struct answer *an)
{
    qsort(an->a, an->n, sizeof an->a[0], cmp_str);
}

/* ------------------------------------------------------------ queries */

struct query {
    const char *node, *serv;
    int         wflags;           /* Windows flags */
    int         family, socktype, protocol;
};

static int glibc_flags(int w)
{
    int g = 0;

    if (w & RNR_AI_PASSIVE)     g |= AI_PASSIVE;
    if (w & RNR_AI_CANONNAME)   g |= AI_CANONNAME;
    if (w & RNR_AI_NUMERICHOST) g |= AI_NUMERICHOST;
    if (w & RNR_AI_NUMERICSERV) g |= AI_NUMERICSERV;
    if (w & RNR_AI_ALL)         g |= AI_ALL;
    if (w & RNR_AI_V4MAPPED)    g |= AI_V4MAPPED;
    return g;
}

static enum eclass glibc_class(int rc)
{
    switch (rc) {
    case 0:              return E_OK;
    case EAI_NONAME:
    case EAI_NODATA:
    case EAI_ADDRFAMILY: return E_NONAME;
    case EAI_SERVICE:    return E_SERVICE;
    case EAI_FAMILY:     return E_FAMILY;
    case EAI_SOCKTYPE:   return E_SOCKTYPE;
    case EAI_BADFLAGS:   return E_BADFLAGS;
    default:             return E_OTHER;
    }
}

static enum eclass rnr_class(int rc)
{
    switch (rc) {
    case 0:                  return E_OK;
    case WSAHOST_NOT_FOUND:
    case WSANO_DATA:         return E_NONAME;
    case WSATYPE_NOT_FOUND:  return E_SERVICE;
    case WSAEAFNOSUPPORT:    return E_FAMILY;
    case WSAESOCKTNOSUPPORT: return E_SOCKTYPE;
    case WSAEINVAL:          return E_BADFLAGS;
    default:                 return E_OTHER;
    }
}

static unsigned long n_queries, n_ok, n_mismatch, n_rule[10];

static void ask_glibc(const struct query *q, struct answer *an, struct addrinfo **keep)
{
    struct addrinfo h, *res = NULL, *i;
    char t[64];
    int rc;

    memset(&h, 0, sizeof h);
    memset(an, 0, sizeof *an);
    h.ai_flags = glibc_flags(q->wflags);
    h.ai_family = q->family;
    h.ai_socktype = q->socktype;
    h.ai_protocol = q->protocol;
    rc = getaddrinfo(q->node, q->serv, &h, &res);
    an->e = glibc_class(rc);
    if (rc != 0)
        return;
    for (i = res; i != NULL; i = i->ai_next) {
        entry_text(i->ai_addr, t, sizeof t);
        add_entry(an, t);
    }
    if (res->ai_canonname != NULL) {
        an->has_canon = 1;
        snprintf(an->canon, sizeof an->canon, "%s", res->ai_canonname);
    }
    finish(an);
    *keep = res;
}

static void ask_rnr(const struct query *q, struct answer *an)
{
    ADDRINFOA h, *res = NULL, *i;
    char t[64];
    int rc;

    memset(&h, 0, sizeof h);
    memset(an, 0, sizeof *an);
    h.ai_flags = q->wflags;
    h.ai_family = q->family;
    h.ai_socktype = q->socktype;
    h.ai_protocol = q->protocol;
    rc = rnr_getaddrinfo(q->node, q->serv, &h, &res);
    an->e = rnr_class(rc);
    assert_int_equal(WSAGetLastError(), rc);
    if (rc != 0) {
        assert_null(res);
        return;
    }
    for (i = res; i != NULL; i = i->ai_next) {
        /* Windows: every element has the hints' socket type and protocol. */
        assert_int_equal(i->ai_socktype, q->socktype);
        assert_int_equal(i->ai_protocol, q->protocol);
        assert_int_equal(i->ai_flags, q->wflags);
        assert_true(i == res || i->ai_canonname == NULL);
        entry_text(i->ai_addr, t, sizeof t);
        add_entry(an, t);
    }
    if (res->ai_canonname != NULL) {
        an->has_canon = 1;
        snprintf(an->canon, sizeof an->canon, "%s", res->ai_canonname);
    }
    finish(an);
    rnr_freeaddrinfo(res);
}

/*
 * What rnr must answer, given glibc's answer and the documented rules
 * (doc/windows-rules.md, "ws2tcpip", the differential rules):
 *
 *  R1 socket types: glibc answers socktype 0 with one entry per type
 *     (and per protocol's port); Windows one per address with the hints'
 *     type.  So with socktype and protocol 0 the ports of a service name
 *     are those of its first services line of any protocol
 *     (getservbyname(name, NULL)), where glibc lists tcp's and udp's.
 *  R2 SOCK_RAW with a service: glibc refuses (EAI_SERVICE); Windows
 *     resolves the port like any other.
 *  R3 IPv4-mapped lines answered with both families allowed are IPv4
 *     addresses (the hosts provider's reading); glibc keeps them IPv6.
 *  R4 Address order is the provider's; glibc sorts by RFC 3484: sets are
 *     compared.
 *     (A service of another protocol only, "sctponly 9999/sctp", is found
 *     by both: glibc tries SCTP too.)
 *  R6 An IPv4-mapped IPv6 literal asked with AF_INET is not found (it is
 *     an IPv6 address); glibc answers its IPv4 address.
 *  R7 AF_INET6 with AI_V4MAPPED: the IPv6 answers, and the IPv4 answers
 *     mapped when there are no IPv6 ones (or with AI_ALL), canonical name
 *     the host's; glibc's files backend answers nothing for a name with
 *     IPv4 lines only, and reports the name asked as canonical.
 *  R8 With both families the canonical name is the hostent's h_name,
 *     which comes from the first IPv4 line when the name has one
 *     (gethostbyname's rule); glibc takes the first line of either.
 */
static int is_numeric(const char *node)
{
    struct in6_addr a;

    return node != NULL && (inet_pton(AF_INET6, node, &a) == 1 ||
                            inet_pton(AF_INET, node, &a) == 1);
}

static unsigned long seen_rule(int r)
{
    return ++n_rule[r];
}

static int is_mapped_literal(const char *node)
{
    struct in6_addr a;

    return node != NULL && inet_pton(AF_INET6, node, &a) == 1 &&
           IN6_IS_ADDR_V4MAPPED(&a);
}

/* glibc's answer to q with another family and without the mapping flags. */
static void glibc_family(const struct query *q, int family, struct answer *an)
{
    struct query q2 = *q;
    struct addrinfo *r = NULL;

    q2.family = family;
    q2.wflags &= ~(RNR_AI_V4MAPPED | RNR_AI_ALL);
    ask_glibc(&q2, an, &r);
    if (r != NULL)
        freeaddrinfo(r);
}

static void apply_rules(const struct query *q, const struct answer *g,
                        struct addrinfo *gres, struct answer *want)
{
    *want = *g;
    /* R7 */
    if (q->family == AF_INET6 && (q->wflags & RNR_AI_V4MAPPED) && q->node != NULL &&
        !is_numeric(q->node) && !(q->wflags & RNR_AI_NUMERICHOST)) {
        struct answer g6, g4, w;
        size_t i;

        glibc_family(q, AF_INET6, &g6);
        glibc_family(q, AF_INET, &g4);
        memset(&w, 0, sizeof w);
        w.e = g6.e;
        if (g6.e == E_OK) {
            w = g6;
        }
        if ((g6.e == E_OK || g6.e == E_NONAME) && g4.e == E_OK &&
            (g6.e != E_OK || (q->wflags & RNR_AI_ALL))) {
            if (g6.e != E_OK) {
                w.e = E_OK;
                w.has_canon = g4.has_canon;
                memcpy(w.canon, g4.canon, sizeof w.canon);
            }
            for (i = 0; i < g4.n; i++) {
                char addr[INET6_ADDRSTRLEN], t[64];
                unsigned port;

                if (sscanf(g4.a[i], "4 %45s %u", addr, &port) == 2) {
                    snprintf(t, sizeof t, "6 ::ffff:%s %u", addr, port);
                    add_entry(&w, t);
                }
            }
            finish(&w);
        }
        if (w.e != g->e || w.n != g->n || strcmp(w.canon, g->canon) != 0)
            seen_rule(7);
        *want = w;
        g = want;
    }
    /* R8: gethostbyname's h_name (which test_getxbyy proves rnrd's
     * hostent matches), from the IPv4 lines when there are some. */
    if (q->family == AF_UNSPEC && g->e == E_OK && g->has_canon && !is_numeric(q->node)) {
        struct hostent *he = gethostbyname2(q->node, AF_INET);

        if (he == NULL)
            he = gethostbyname2(q->node, AF_INET6);
        if (he != NULL && strcmp(he->h_name, want->canon) != 0) {
            seen_rule(8);
            snprintf(want->canon, sizeof want->canon, "%s", he->h_name);
        }
    }
    /* R2 */
    if (q->socktype == SOCK_RAW && q->serv != NULL && want->e == E_SERVICE) {
        struct query q2 = *q;
        struct answer g2;
        struct addrinfo *r2 = NULL;

        q2.socktype = 0;
        ask_glibc(&q2, &g2, &r2);
        if (r2 != NULL)
            freeaddrinfo(r2);
        if (g2.e != E_SERVICE) {
            seen_rule(2);
            apply_rules(&q2, &g2, NULL, want);
            return;
        }
    }
    /* R1: the port rnr must use is getservbyname(name, NULL)'s when
     * neither type nor protocol says tcp or udp. */
    if (q->serv != NULL && q->serv[0] != '\0' &&
        !(q->serv[0] >= '0' && q->serv[0] <= '9') &&
        !(q->wflags & RNR_AI_NUMERICSERV) &&
        (want->e == E_OK || want->e == E_SERVICE) &&
        (q->socktype == 0 || q->socktype == SOCK_RAW) && q->protocol == 0) {
        struct servent *se = getservbyname(q->serv, NULL);

        if (se == NULL) {
            want->e = E_SERVICE;
            want->n = 0;
            return;
        }
        if (want->e == E_OK) {
            size_t i;
            unsigned p = ntohs((uint16_t)se->s_port);
            struct answer w;

            seen_rule(1);
            memset(&w, 0, sizeof w);
            w.e = E_OK;
            w.has_canon = want->has_canon;
            memcpy(w.canon, want->canon, sizeof w.canon);
            for (i = 0; i < want->n; i++) {
                char fam[4], addr[INET6_ADDRSTRLEN], t[64];
                unsigned port;

                if (sscanf(want->a[i], "%3s %45s %u", fam, addr, &port) != 3)
                    continue;
                snprintf(t, sizeof t, "%s %s %u", fam, addr, p);
                add_entry(&w, t);
            }
            finish(&w);
            *want = w;
        }
    }
    (void)gres;
    /* R3 */
    if (want->e == E_OK && q->family == AF_UNSPEC && !is_numeric(q->node)) {
        size_t i;
        int changed = 0;

        for (i = 0; i < want->n; i++) {
            char addr[INET6_ADDRSTRLEN], t[64];
            unsigned port;

            if (sscanf(want->a[i], "6 ::ffff:%45[0-9.] %u", addr, &port) == 2 &&
                strchr(addr, '.') != NULL) {
                snprintf(t, sizeof t, "4 %s %u", addr, port);
                snprintf(want->a[i], sizeof want->a[i], "%s", t);
                changed = 1;
            }
        }
        if (changed) {
            struct answer w = *want;

            seen_rule(3);
            w.n = 0;
            for (i = 0; i < want->n; i++)
                add_entry(&w, want->a[i]);
            finish(&w);
            *want = w;
        }
    }
    /* R6 */
    if (q->family == AF_INET && is_mapped_literal(q->node) && want->e == E_OK) {
        seen_rule(6);
        memset(want, 0, sizeof *want);
        want->e = E_NONAME;
    }
}


static void describe(char *buf, size_t len, const struct answer *an)
{
    size_t i, n = 0;

    n += (size_t)snprintf(buf + n, len - n, "%s", eclass_name[an->e]);
    if (an->has_canon)
        n += (size_t)snprintf(buf + n, len - n, " canon=%s", an->canon);
    for (i = 0; i < an->n && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, " [%s]", an->a[i]);
}

static void compare(const struct query *q)
{
    struct answer g, r, want;
    struct addrinfo *gres = NULL;
    int same;

    ask_glibc(q, &g, &gres);
    ask_rnr(q, &r);
    apply_rules(q, &g, gres, &want);
    if (gres != NULL)
        freeaddrinfo(gres);
    n_queries++;
    same = want.e == r.e && want.n == r.n && want.has_canon == r.has_canon &&
           (!want.has_canon || strcmp(want.canon, r.canon) == 0);
    if (same) {
        size_t i;

        for (i = 0; i < want.n; i++)
            if (strcmp(want.a[i], r.a[i]) != 0)
                same = 0;
    }
    if (same) {
        if (r.e == E_OK)
            n_ok++;
        return;
    }
    if (++n_mismatch <= 40) {
        char a[2048], b[2048];

        describe(a, sizeof a, &want);
        describe(b, sizeof b, &r);
        fprintf(stderr, "MISMATCH node=%s serv=%s flags=%#x fam=%d type=%d proto=%d\n"
                "  want %s\n  rnr  %s\n",
                q->node ? q->node : "NULL", q->serv ? q->serv : "NULL", q->wflags,
                q->family, q->socktype, q->protocol, a, b);
    }
}

/* ------------------------------------------------------------ tests */

static struct rnrt_etc_file etc_files[] = {
    { .name = "hosts", .gen = gen_hosts },
    { .name = "services", .gen = gen_services },
    { .name = "nsswitch.conf", .text = "hosts: files\nservices: files\n" },
};
#define N_ETC_FILES (sizeof etc_files / sizeof etc_files[0])

static int group_setup(void **state)
{
    (void)state;
    return rnrt_diff_daemon_start(&daemon_, etc_files, N_ETC_FILES);
}

static int group_teardown(void **state)
{
    (void)state;
    return rnrt_session_end(&daemon_);
}

static const int families[] = { AF_UNSPEC, AF_INET, AF_INET6 };
static const int types[][2] = {
    { 0, 0 }, { SOCK_STREAM, 0 }, { SOCK_DGRAM, 0 }, { SOCK_STREAM, IPPROTO_TCP },
    { SOCK_DGRAM, IPPROTO_UDP }, { 0, IPPROTO_TCP }, { 0, IPPROTO_UDP }, { SOCK_RAW, 0 },
};
static const int flagsets[] = {
    0, RNR_AI_CANONNAME, RNR_AI_PASSIVE, RNR_AI_NUMERICHOST, RNR_AI_NUMERICSERV,
    RNR_AI_V4MAPPED, RNR_AI_V4MAPPED | RNR_AI_ALL, RNR_AI_ALL,
    RNR_AI_CANONNAME | RNR_AI_V4MAPPED,
};

static void random_query(struct query *q, char *nodebuf, char *servbuf)
{
    unsigned k = rnrt_rand(100);

    memset(q, 0, sizeof *q);
    if (k < 55) {
        q->node = names.v[rnrt_rand((uint32_t)names.n)];
    } else if (k < 70) {
        q->node = absent.v[rnrt_rand((uint32_t)absent.n)];
    } else if (k < 80) {
        snprintf(nodebuf, 64, "%u.%u.%u.%u", rnrt_rand(256), rnrt_rand(256), rnrt_rand(256), rnrt_rand(256));
        q->node = nodebuf;
    } else if (k < 85) {
        static const char *const odd4[] = { "127.1", "10.65535", "0x7f.1", "017.0.0.1",
                                            "1.2.3.4.5", "256.1.1.1", "1.2.3.4 " };
        q->node = odd4[rnrt_rand(7)];
    } else if (k < 92) {
        static const char *const v6[] = { "::1", "2001:db8::1", "::ffff:10.1.2.3",
                                          "fe80::1", "1:2:3:4:5:6:7:8", "2001:db8::1::2",
                                          "::" };
        q->node = v6[rnrt_rand(7)];
    } else {
        q->node = NULL;
    }
    k = rnrt_rand(100);
    if (k < 30) {
        q->serv = NULL;
    } else if (k < 60) {
        q->serv = serv_names.v[rnrt_rand((uint32_t)serv_names.n)];
    } else if (k < 70) {
        snprintf(servbuf, 16, "nosvc%u", rnrt_rand(1000));
        q->serv = servbuf;
    } else if (k < 90) {
        snprintf(servbuf, 16, "%u", rnrt_rand(65536));
        q->serv = servbuf;
    } else if (k < 95) {
        q->serv = "sctponly";
    } else {
        q->serv = "0";
    }
    q->family = families[rnrt_rand(3)];
    k = rnrt_rand(sizeof types / sizeof types[0]);
    q->socktype = types[k][0];
    q->protocol = types[k][1];
    q->wflags = flagsets[rnrt_rand(sizeof flagsets / sizeof flagsets[0])];
    if (q->node == NULL && (q->wflags & RNR_AI_CANONNAME))
        q->wflags &= ~RNR_AI_CANONNAME;
}

static void test_diff_generated(void **state)
{
    unsigned n = rnrt_scaled(6000), i;
    char nodebuf[64], servbuf[16];
    struct query q;

    (void)state;
    for (i = 0; i < n; i++) {
        random_query(&q, nodebuf, servbuf);
        compare(&q);
    }
    /* Every name with every family, once. */
    for (i = 0; i < names.n; i++) {
        memset(&q, 0, sizeof q);
        q.node = names.v[i];
        q.family = families[i % 3];
        q.wflags = RNR_AI_CANONNAME;
        q.socktype = SOCK_STREAM;
        compare(&q);
    }
    printf("differential: %lu queries, %lu answered, %lu mismatches; rules "
           "R1 %lu R2 %lu R3 %lu R6 %lu R7 %lu R8 %lu\n", n_queries, n_ok,
           n_mismatch, n_rule[1], n_rule[2], n_rule[3], n_rule[6], n_rule[7], n_rule[8]);
    assert_int_equal(n_mismatch, 0);
}

/* Windows rules that glibc does not share, one explicit case each. */
static void test_documented_differences(void **state)
{
    ADDRINFOA h, *res = NULL;
    struct addrinfo gh, *gres = NULL;

    (void)state;
    memset(&h, 0, sizeof h);
    memset(&gh, 0, sizeof gh);
    /* "" is the local computer on Windows; glibc has no such name. */
    assert_int_equal(rnr_getaddrinfo("", NULL, &h, &res), 0);
    rnr_freeaddrinfo(res);
    assert_int_not_equal(getaddrinfo("", NULL, &gh, &gres), 0);
    /* "[v6]" and "[v6]:port" are numeric on Windows. */
    assert_int_equal(rnr_getaddrinfo("[2001:db8::5]:80", NULL, &h, &res), 0);
    rnr_freeaddrinfo(res);
    assert_int_not_equal(getaddrinfo("[2001:db8::5]:80", NULL, &gh, &gres), 0);
    /* Service names compare without case in rnr (servdb.c). */
    h.ai_socktype = SOCK_STREAM;
    gh.ai_socktype = SOCK_STREAM;
    assert_int_equal(rnr_getaddrinfo("localhost", "HTTP", &h, &res), 0);
    rnr_freeaddrinfo(res);
    assert_int_equal(getaddrinfo("localhost", "HTTP", &gh, &gres), EAI_SERVICE);
    /* An empty service is port 0 on Windows. */
    assert_int_equal(rnr_getaddrinfo("localhost", "", &h, &res), 0);
    rnr_freeaddrinfo(res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diff_generated),
        cmocka_unit_test(test_documented_differences),
    };
    int rc;

    if ((rc = rnrt_diff_begin("gaidiff", 0x9e3779b97f4a7c15ull, etc_files, N_ETC_FILES)) != 0)
        return rc;
    rc = cmocka_run_group_tests(tests, group_setup, group_teardown);
    rnrt_diff_end(etc_files, N_ETC_FILES);
    rnrt_strlist_free(&names);
    rnrt_strlist_free(&absent);
    rnrt_strlist_free(&serv_names);
    return rc;
}
