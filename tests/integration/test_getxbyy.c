/* SPDX-License-Identifier: MIT */
/*
 * The Winsock 1.1 getXbyY functions through a real rnrd, and the
 * differential test against glibc: hosts, services and protocols files
 * with thousands of generated entries (aliases, IPv4, IPv6 and
 * IPv4-mapped lines, names repeated across lines and in other cases, the
 * same service under tcp and udp), served by rnrd and, through a private
 * mount namespace that bind-mounts them over /etc, by glibc's nss_files.
 * rnr_gethostbyname, rnr_gethostbyaddr, rnr_getservbyname,
 * rnr_getservbyport, rnr_getprotobyname and rnr_getprotobynumber must
 * return exactly what glibc returns, for every entry and for names that
 * do not exist.
 *
 * Needs root (unshare + mount): skipped (77) otherwise.  RNRT_SEED picks
 * another generated data set; RNRT_SCALE (percent) shrinks it (valgrind).
 */
#include "config.h"

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#define RNR_NO_WINSOCK_NAMES
#include "itest.h"
#include "difftest.h"

#include <errno.h>
#include <ifaddrs.h>
#include <pthread.h>

/* ------------------------------------------------------------ data */

static struct rnrt_daemon daemon_;

/* Every name / address / key the generator wrote, to query afterwards. */
static struct rnrt_strlist host_names, host_addrs, serv_keys, proto_names;

/* A name in a random mixture of cases. */
static void mix_case(char *s)
{
    for (; *s; s++)
        if (*s >= 'a' && *s <= 'z' && rnrt_rand(3) == 0)
            *s = (char)(*s - 'a' + 'A');
}

static const char *ws(void)
{
    static const char *const w[] = { " ", "\t", "  ", " \t ", "\t\t" };
    return w[rnrt_rand(5)];
}

/* ------------------------------------------------------------ generators */

static void gen_hosts(FILE *f)
{
    unsigned nlines = rnrt_scaled(3000), i, k, naliases;
    struct rnrt_strlist addrs = { 0 };
    char addr[64], name[64];

    fprintf(f, "# generated hosts file\n127.0.0.1\tlocalhost\n"
               "::1\tlocalhost ip6-localhost ip6-loopback\n\n");
    rnrt_strlist_add(&host_names, "localhost");
    rnrt_strlist_add(&host_names, "ip6-localhost");
    rnrt_strlist_add(&host_addrs, "127.0.0.1");
    rnrt_strlist_add(&host_addrs, "::1");
    for (i = 0; i < nlines; i++) {
        unsigned kind = rnrt_rand(100);

        if (addrs.n > 0 && rnrt_rand(12) == 0) {
            snprintf(addr, sizeof addr, "%s", addrs.v[rnrt_rand((uint32_t)addrs.n)]);
        } else if (kind < 65) {
            snprintf(addr, sizeof addr, "10.%u.%u.%u", rnrt_rand(256), rnrt_rand(256), rnrt_rand(256));
        } else if (kind < 90) {
            snprintf(addr, sizeof addr, "2001:db8:%x::%x", rnrt_rand(65536), rnrt_rand(65536) + 1);
        } else {
            snprintf(addr, sizeof addr, "::ffff:10.%u.%u.%u", rnrt_rand(256), rnrt_rand(256),
                     rnrt_rand(256));
        }
        rnrt_strlist_add(&addrs, addr);
        rnrt_strlist_add(&host_addrs, addr);
        /* Canonical name: mostly new, sometimes one seen before (the
         * lines merge), possibly in another case. */
        if (host_names.n > 3 && rnrt_rand(6) == 0) {
            snprintf(name, sizeof name, "%s", host_names.v[3 + rnrt_rand((uint32_t)host_names.n - 3)]);
            if (rnrt_rand(2))
                mix_case(name);
        } else {
            snprintf(name, sizeof name, "host%u.zone%u.example", i, rnrt_rand(20));
            mix_case(name);
            rnrt_strlist_add(&host_names, name);
        }
        fprintf(f, "%s%s%s", addr, ws(), name);
        naliases = rnrt_rand(5);
        for (k = 0; k < naliases; k++) {
            if (host_names.n > 3 && rnrt_rand(5) == 0) {
                snprintf(name, sizeof name, "%s",
                         host_names.v[3 + rnrt_rand((uint32_t)host_names.n - 3)]);
            } else {
                snprintf(name, sizeof name, "a%u-%u", i, k);
                mix_case(name);
                rnrt_strlist_add(&host_names, name);
            }
            fprintf(f, "%s%s", ws(), name);
        }
        if (rnrt_rand(10) == 0)
            fprintf(f, "%s# comment %u", ws(), i);
        fputc('\n', f);
        if (rnrt_rand(50) == 0)
            fprintf(f, rnrt_rand(2) ? "\n" : "# a comment line\n");
    }
    /* One host with a hostent far bigger than any default buffer. */
    fprintf(f, "10.255.255.1 bighost");
    for (k = 0; k < 120; k++)
        fprintf(f, " bighost-alias-number-%u", k);
    fputc('\n', f);
    rnrt_strlist_add(&host_names, "bighost");
    rnrt_strlist_add(&host_names, "bighost-alias-number-119");
    rnrt_strlist_add(&host_addrs, "10.255.255.1");
    rnrt_strlist_free(&addrs);
}

static void gen_services(FILE *f)
{
    static const char *const protos[] = { "tcp", "udp", "tcp", "udp", "sctp", "ddp" };
    unsigned nlines = rnrt_scaled(3000), i, k, port;
    char name[64], key[96];
    const char *proto;

    fprintf(f, "# generated services file\n");
    for (i = 0; i < nlines; i++) {
        /* Names are unique ignoring case except where repeated on purpose
         * (exactly): matching differs on case (see servdb.c). */
        snprintf(name, sizeof name, "svc%u-%c", i, 'a' + (int)rnrt_rand(26));
        mix_case(name);
        port = 1 + rnrt_rand(65535);
        if (i > 0 && rnrt_rand(8) == 0)
            port = 1 + rnrt_rand(1024);   /* crowd the low ports */
        proto = protos[rnrt_rand(6)];
        fprintf(f, "%s%s%u/%s", name, ws(), port, proto);
        snprintf(key, sizeof key, "%s/%s", name, proto);
        rnrt_strlist_add(&serv_keys, key);
        for (k = rnrt_rand(4); k > 0; k--) {
            char alias[64];

            snprintf(alias, sizeof alias, "al%u-%u", i, k);
            mix_case(alias);
            fprintf(f, "%s%s", ws(), alias);
            snprintf(key, sizeof key, "%s/%s", alias, proto);
            rnrt_strlist_add(&serv_keys, key);
        }
        if (rnrt_rand(10) == 0)
            fprintf(f, "%s# comment", ws());
        fputc('\n', f);
        snprintf(key, sizeof key, "#%u/%s", port, proto);
        rnrt_strlist_add(&serv_keys, key);
        /* The same name under the other protocol, sometimes another port
         * (getservbyname(name, NULL) must pick the first line). */
        if (rnrt_rand(3) == 0) {
            const char *other = strcmp(proto, "tcp") == 0 ? "udp" : "tcp";

            if (rnrt_rand(3) == 0)
                port = 1 + rnrt_rand(65535);
            fprintf(f, "%s %u/%s\n", name, port, other);
            snprintf(key, sizeof key, "%s/%s", name, other);
            rnrt_strlist_add(&serv_keys, key);
            snprintf(key, sizeof key, "#%u/%s", port, other);
            rnrt_strlist_add(&serv_keys, key);
        }
        /* The same name and protocol again: the first line wins. */
        if (rnrt_rand(40) == 0)
            fprintf(f, "%s %u/%s shadowed%u\n", name, 1 + rnrt_rand(65535), proto, i);
    }
}

/* Edge cases of glibc's line parser, then generated entries with names
 * repeated in other cases and numbers repeated across lines. */
static void gen_protocols(FILE *f)
{
    unsigned nlines = rnrt_scaled(600), i, k;
    char name[64];

    fprintf(f, "# generated protocols file\n"
               "ip\t0\tIP\t\t# internet protocol\n"
               "  icmp 1 ICMP   \n"
               "bad\nbad2 x7 alias\nbad3 7x alias\n"
               "tcp 6 TCP Tcp#not an alias\n"
               "udp\t17\tUDP\r\n"
               "#tcp 99 hidden\n"
               "Mixed 200 MiXeD other\nmixed 201\nMIXED 202\n"
               "neg -3 minus\nplus +4\nhuge 4294967297 wraps\n"
               "max 4294967295 allbits\nnegzero -0 nz\nbig31 3000000000\n"
               "dup 6 tcp-again\n");
    static const char *const fixed[] = { "ip", "IP", "icmp", "tcp", "TCP", "Tcp",
        "udp", "UDP", "bad", "bad2", "alias", "bad3", "hidden", "Mixed",
        "mixed", "MIXED", "MiXeD", "mIxEd", "other", "OTHER", "neg", "minus",
        "plus", "huge", "wraps", "max", "allbits", "negzero", "big31", "dup", "tcp-again", "not", "an" };
    for (i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        rnrt_strlist_add(&proto_names, fixed[i]);
    for (i = 0; i < nlines; i++) {
        if (proto_names.n > 0 && rnrt_rand(8) == 0) {
            snprintf(name, sizeof name, "%s", proto_names.v[rnrt_rand((uint32_t)proto_names.n)]);
            mix_case(name);
        } else {
            snprintf(name, sizeof name, "proto%u", i);
            mix_case(name);
        }
        rnrt_strlist_add(&proto_names, name);
        fprintf(f, "%s%s%u", name, ws(), rnrt_rand(800));
        for (k = rnrt_rand(4); k > 0; k--) {
            snprintf(name, sizeof name, "pa%u-%u", i, k);
            mix_case(name);
            rnrt_strlist_add(&proto_names, name);
            fprintf(f, "%s%s", ws(), name);
        }
        fputc('\n', f);
    }
}

/* ------------------------------------------------------------ comparison */

static unsigned long n_compared, n_found, n_mismatch;

static void report(const char *what, const char *key, const char *why)
{
    n_mismatch++;
    if (n_mismatch <= 30)
        fprintf(stderr, "MISMATCH %s(%s): %s\n", what, key, why);
}

static int list_eq(char **a, char **b)
{
    for (; *a != NULL && *b != NULL; a++, b++)
        if (strcmp(*a, *b) != 0)
            return 0;
    return *a == NULL && *b == NULL;
}

static void show_list(char *buf, size_t size, char **l)
{
    size_t len = 0;

    buf[0] = '\0';
    for (; *l != NULL && len + 1 < size; l++)
        len += (size_t)snprintf(buf + len, size - len, "%s ", *l);
}

static void cmp_hostent(const char *what, const char *key,
                        const struct hostent *g, const struct hostent *r)
{
    char why[1024], la[400], lb[400];
    int i;

    n_compared++;
    if (g == NULL && r == NULL)
        return;
    if (g == NULL || r == NULL) {
        snprintf(why, sizeof why, "glibc %s, rnr %s (%s)", g ? g->h_name : "NULL",
                 r ? r->h_name : "NULL", rnr_strerror(WSAGetLastError()));
        report(what, key, why);
        return;
    }
    n_found++;
    if (strcmp(g->h_name, r->h_name) != 0) {
        snprintf(why, sizeof why, "h_name glibc %s, rnr %s", g->h_name, r->h_name);
        report(what, key, why);
        return;
    }
    if (!list_eq(g->h_aliases, r->h_aliases)) {
        show_list(la, sizeof la, g->h_aliases);
        show_list(lb, sizeof lb, r->h_aliases);
        snprintf(why, sizeof why, "aliases glibc [%s], rnr [%s]", la, lb);
        report(what, key, why);
        return;
    }
    if (g->h_addrtype != r->h_addrtype || g->h_length != r->h_length) {
        snprintf(why, sizeof why, "type/len glibc %d/%d, rnr %d/%d",
                 g->h_addrtype, g->h_length, r->h_addrtype, r->h_length);
        report(what, key, why);
        return;
    }
    for (i = 0; g->h_addr_list[i] != NULL && r->h_addr_list[i] != NULL; i++)
        if (memcmp(g->h_addr_list[i], r->h_addr_list[i], (size_t)g->h_length) != 0)
            break;
    if (g->h_addr_list[i] != NULL || r->h_addr_list[i] != NULL) {
        char ga[64] = "-", ra[64] = "-";

        if (g->h_addr_list[i])
            inet_ntop(g->h_addrtype, g->h_addr_list[i], ga, sizeof ga);
        if (r->h_addr_list[i])
            inet_ntop(r->h_addrtype, r->h_addr_list[i], ra, sizeof ra);
        snprintf(why, sizeof why, "address %d: glibc %s, rnr %s", i, ga, ra);
        report(what, key, why);
    }
}

static void cmp_servent(const char *what, const char *key,
                        const struct servent *g, const struct servent *r)
{
    char why[1024], la[400], lb[400];

    n_compared++;
    if (g == NULL && r == NULL)
        return;
    if (g == NULL || r == NULL) {
        snprintf(why, sizeof why, "glibc %s, rnr %s (%s)", g ? g->s_name : "NULL",
                 r ? r->s_name : "NULL", rnr_strerror(WSAGetLastError()));
        report(what, key, why);
        return;
    }
    n_found++;
    show_list(la, sizeof la, g->s_aliases);
    show_list(lb, sizeof lb, r->s_aliases);
    if (strcmp(g->s_name, r->s_name) != 0 || g->s_port != r->s_port ||
        strcmp(g->s_proto, r->s_proto) != 0 || strcmp(la, lb) != 0) {
        snprintf(why, sizeof why, "glibc %s %d/%s [%s], rnr %s %d/%s [%s]",
                 g->s_name, ntohs((uint16_t)g->s_port), g->s_proto, la,
                 r->s_name, ntohs((uint16_t)r->s_port), r->s_proto, lb);
        report(what, key, why);
    }
}

static void cmp_protoent(const char *what, const char *key,
                         const struct protoent *g, const struct protoent *r)
{
    char why[1024], la[400], lb[400];

    n_compared++;
    if (g == NULL && r == NULL)
        return;
    if (g == NULL || r == NULL) {
        snprintf(why, sizeof why, "glibc %s, rnr %s", g ? g->p_name : "NULL",
                 r ? r->p_name : "NULL");
        report(what, key, why);
        return;
    }
    n_found++;
    show_list(la, sizeof la, g->p_aliases);
    show_list(lb, sizeof lb, r->p_aliases);
    if (strcmp(g->p_name, r->p_name) != 0 || g->p_proto != r->p_proto ||
        strcmp(la, lb) != 0) {
        snprintf(why, sizeof why, "glibc %s %d [%s], rnr %s %d [%s]",
                 g->p_name, g->p_proto, la, r->p_name, r->p_proto, lb);
        report(what, key, why);
    }
}

static void summary(const char *what, unsigned long c0, unsigned long f0,
                    unsigned long m0)
{
    printf("%-16s %6lu queries, %6lu found by both, %lu mismatches\n", what,
           n_compared - c0, n_found - f0, n_mismatch - m0);
}

/* ------------------------------------------------------------ tests */

static struct rnrt_etc_file etc_files[] = {
    { .name = "hosts", .gen = gen_hosts },
    { .name = "services", .gen = gen_services },
    { .name = "protocols", .gen = gen_protocols },
    { .name = "nsswitch.conf",
      .text = "hosts: files\nservices: files\nprotocols: files\n" },
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

static void upper(char *s)
{
    for (; *s; s++)
        if (*s >= 'a' && *s <= 'z')
            *s = (char)(*s - 'a' + 'A');
}

static void test_diff_gethostbyname(void **state)
{
    unsigned long c0 = n_compared, f0 = n_found, m0 = n_mismatch;
    char name[128];
    size_t i;

    (void)state;
    for (i = 0; i < host_names.n; i++) {
        cmp_hostent("gethostbyname", host_names.v[i],
                    gethostbyname(host_names.v[i]),
                    rnr_gethostbyname(host_names.v[i]));
        if (i % 3 == 0) {
            snprintf(name, sizeof name, "%s", host_names.v[i]);
            upper(name);
            cmp_hostent("gethostbyname", name, gethostbyname(name),
                        rnr_gethostbyname(name));
        }
    }
    summary("gethostbyname", c0, f0, m0);
    assert_int_equal(n_mismatch, m0);
}

static void test_diff_gethostbyaddr(void **state)
{
    unsigned long c0 = n_compared, f0 = n_found, m0 = n_mismatch;
    uint8_t a[16];
    size_t i;

    (void)state;
    for (i = 0; i < host_addrs.n; i++) {
        const char *s = host_addrs.v[i];

        if (inet_pton(AF_INET, s, a) == 1) {
            cmp_hostent("gethostbyaddr", s, gethostbyaddr(a, 4, AF_INET),
                        rnr_gethostbyaddr((char *)a, 4, AF_INET));
        } else {
            assert_int_equal(inet_pton(AF_INET6, s, a), 1);
            cmp_hostent("gethostbyaddr6", s, gethostbyaddr(a, 16, AF_INET6),
                        rnr_gethostbyaddr((char *)a, 16, AF_INET6));
            /* The IPv4 form of a mapped address is owned by that line. */
            if (strncmp(s, "::ffff:", 7) == 0)
                cmp_hostent("gethostbyaddr", s + 7,
                            gethostbyaddr(a + 12, 4, AF_INET),
                            rnr_gethostbyaddr((char *)a + 12, 4, AF_INET));
        }
    }
    summary("gethostbyaddr", c0, f0, m0);
    assert_int_equal(n_mismatch, m0);
}

static void test_diff_services(void **state)
{
    unsigned long c0 = n_compared, f0 = n_found, m0 = n_mismatch;
    char key[128], *proto;
    size_t i;

    (void)state;
    for (i = 0; i < serv_keys.n; i++) {
        snprintf(key, sizeof key, "%s", serv_keys.v[i]);
        proto = strchr(key, '/');
        *proto++ = '\0';
        if (key[0] == '#') {
            int port = htons((uint16_t)atoi(key + 1));

            cmp_servent("getservbyport", serv_keys.v[i],
                        getservbyport(port, proto), rnr_getservbyport(port, proto));
            cmp_servent("getservbyport", key + 1, getservbyport(port, NULL),
                        rnr_getservbyport(port, NULL));
        } else {
            cmp_servent("getservbyname", serv_keys.v[i],
                        getservbyname(key, proto), rnr_getservbyname(key, proto));
            cmp_servent("getservbyname", key, getservbyname(key, NULL),
                        rnr_getservbyname(key, NULL));
        }
    }
    summary("getservbyX", c0, f0, m0);
    assert_int_equal(n_mismatch, m0);
}

/* Where glibc (byte for byte) finds an entry we find the same; where it
 * finds none we may find one ignoring case, which must then carry the
 * name ignoring case.  Returns 1 for such a case-insensitive-only hit. */
static int cmp_proto_name(const char *name)
{
    struct protoent *g = getprotobyname(name), *r;
    char **a;

    if (g != NULL) {
        /* glibc's result lives in static storage: compare before the
         * next glibc call. */
        cmp_protoent("getprotobyname", name, g, rnr_getprotobyname(name));
        return 0;
    }
    r = rnr_getprotobyname(name);
    if (r == NULL) {
        cmp_protoent("getprotobyname", name, NULL, NULL);
        return 0;
    }
    n_compared++;
    if (strcasecmp(r->p_name, name) == 0)
        return 1;
    for (a = r->p_aliases; *a != NULL; a++)
        if (strcasecmp(*a, name) == 0)
            return 1;
    report("getprotobyname", name, "case-insensitive hit without the name");
    return 0;
}

static void test_diff_protocols(void **state)
{
    unsigned long c0 = n_compared, f0 = n_found, m0 = n_mismatch;
    unsigned long folded = 0;
    char name[128];
    size_t i;
    int num;

    (void)state;
    for (i = 0; i < proto_names.n; i++) {
        folded += (unsigned long)cmp_proto_name(proto_names.v[i]);
        snprintf(name, sizeof name, "%s", proto_names.v[i]);
        upper(name);
        folded += (unsigned long)cmp_proto_name(name);
    }
    for (num = -5; num < 820; num++) {
        if (num == 0)
            cmp_protoent("getprotobynumber", "3000000000",
                         getprotobynumber((int)3000000000u),
                         rnr_getprotobynumber((int)3000000000u));
        snprintf(name, sizeof name, "%d", num);
        cmp_protoent("getprotobynumber", name, getprotobynumber(num),
                     rnr_getprotobynumber(num));
    }
    summary("getprotobyX", c0, f0, m0);
    printf("%-16s %6lu case variants found only by rnr (case-insensitive)\n", "",
           folded);
    assert_int_equal(n_mismatch, m0);
}

/* The local provider answers for this machine's own addresses (glibc's
 * "hosts: files" does not): those are not "addresses that do not exist". */
static int is_local_addr(int af, const void *a)
{
    struct ifaddrs *list, *i;
    int found = 0;

    if (getifaddrs(&list) != 0)
        return 0;
    for (i = list; i != NULL && !found; i = i->ifa_next) {
        if (i->ifa_addr == NULL || i->ifa_addr->sa_family != af)
            continue;
        if (af == AF_INET)
            found = memcmp(&((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr, a, 4) == 0;
        else
            found = memcmp(&((struct sockaddr_in6 *)(void *)i->ifa_addr)->sin6_addr, a, 16) == 0;
    }
    freeifaddrs(list);
    return found;
}

/* Names, addresses, services and protocols that do not exist: NULL from
 * both, and the codes that correspond to glibc's h_errno. */
static void test_diff_not_found(void **state)
{
    unsigned long c0 = n_compared, f0 = n_found, m0 = n_mismatch;
    char name[96];
    uint8_t a[16];
    unsigned i;

    (void)state;
    for (i = 0; i < 300; i++) {
        snprintf(name, sizeof name, "nosuch%u.zone%u.example", i, i % 7);
        if (i % 2)
            mix_case(name);
        cmp_hostent("gethostbyname", name, gethostbyname(name),
                    rnr_gethostbyname(name));
        assert_int_equal(h_errno, HOST_NOT_FOUND);
        assert_int_equal(WSAGetLastError(), WSAHOST_NOT_FOUND);

        snprintf(name, sizeof name, "192.0.2.%u", i % 256);
        inet_pton(AF_INET, name, a);
        if (!is_local_addr(AF_INET, a)) {
            cmp_hostent("gethostbyaddr", name, gethostbyaddr(a, 4, AF_INET),
                        rnr_gethostbyaddr((char *)a, 4, AF_INET));
            assert_int_equal(WSAGetLastError(), WSAHOST_NOT_FOUND);
        }
        snprintf(name, sizeof name, "2001:db8:ffff:ffff::%x", i);
        inet_pton(AF_INET6, name, a);
        if (!is_local_addr(AF_INET6, a))
            cmp_hostent("gethostbyaddr6", name, gethostbyaddr(a, 16, AF_INET6),
                        rnr_gethostbyaddr((char *)a, 16, AF_INET6));

        snprintf(name, sizeof name, "nosvc%u", i);
        cmp_servent("getservbyname", name, getservbyname(name, "tcp"),
                    rnr_getservbyname(name, "tcp"));
        assert_int_equal(WSAGetLastError(), WSAHOST_NOT_FOUND);
        cmp_servent("getservbyname", name, getservbyname(name, NULL),
                    rnr_getservbyname(name, NULL));

        snprintf(name, sizeof name, "noproto%u", i);
        cmp_protoent("getprotobyname", name, getprotobyname(name),
                     rnr_getprotobyname(name));
        assert_int_equal(WSAGetLastError(), WSAHOST_NOT_FOUND);
    }
    for (i = 820; i < 1000; i++) {
        cmp_protoent("getprotobynumber", "unused", getprotobynumber((int)i),
                     rnr_getprotobynumber((int)i));
    }
    summary("not found", c0, f0, m0);
    assert_int_equal(n_found, f0);
    assert_int_equal(n_mismatch, m0);
}

/* Where rnr and glibc differ by design (see hostdb.c and servdb.c). */
static void test_documented_differences(void **state)
{
    struct servent *se;
    char name[128], key[128], *proto;
    size_t i;

    (void)state;
    /* Address strings: glibc answers them, Winsock treats them as unknown
     * host names. */
    assert_non_null(gethostbyname("192.0.2.1"));
    assert_null(rnr_gethostbyname("192.0.2.1"));
    assert_int_equal(WSAGetLastError(), WSAHOST_NOT_FOUND);
    assert_null(rnr_gethostbyname("127.1"));
    assert_null(rnr_gethostbyname("::1"));
    assert_int_equal(WSAGetLastError(), WSAHOST_NOT_FOUND);
    /* Service names ignore case in rnr (the reference), not in glibc. */
    for (i = 0; i < serv_keys.n; i++) {
        if (serv_keys.v[i][0] == '#')
            continue;
        snprintf(key, sizeof key, "%s", serv_keys.v[i]);
        proto = strchr(key, '/');
        *proto++ = '\0';
        snprintf(name, sizeof name, "%s", key);
        upper(name);
        se = rnr_getservbyname(name, proto);
        assert_non_null(se);
        assert_int_equal(strcasecmp(se->s_name, key) == 0 ||
                         se->s_aliases[0] != NULL, 1);
        if (i > 200)
            break;
    }
}

static void test_gethostname(void **state)
{
    char name[256], tiny[4];
    struct hostent *he;

    (void)state;
    WSASetLastError(4242);
    if (rnr_gethostname(name, sizeof name) != 0)
        fail_msg("gethostname: %s", rnr_strerror(WSAGetLastError()));
    assert_int_equal(WSAGetLastError(), 4242);
    assert_string_equal(name, "rnrtest-host");   /* the local provider's */
    /* "guaranteed that the name returned will be successfully parsed by
     * gethostbyname". */
    he = rnr_gethostbyname(name);
    assert_non_null(he);
    assert_int_equal(he->h_addrtype, AF_INET);
    /* gethostbyname("") is the local host, as on Windows: its name. */
    he = rnr_gethostbyname("");
    if (he == NULL)
        fail_msg("gethostbyname(\"\"): %s", rnr_strerror(WSAGetLastError()));
    assert_string_equal(he->h_name, "rnrtest-host");
    assert_int_equal(he->h_addrtype, AF_INET);
    assert_non_null(he->h_addr_list[0]);
    memcpy(tiny, "xyz", 4);
    assert_int_equal(rnr_gethostname(tiny, sizeof tiny), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    assert_string_equal(tiny, "xyz");             /* untouched */
    assert_int_equal(rnr_gethostname(name, 13), 0);
    assert_int_equal(rnr_gethostname(name, 12), SOCKET_ERROR);
    assert_int_equal(rnr_gethostname(NULL, 10), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
}

static void test_errors(void **state)
{
    uint8_t a[16] = { 127, 0, 0, 1 };
    struct hostent *he;
    WSADATA wd;

    (void)state;
    assert_null(rnr_gethostbyaddr((char *)a, 3, AF_INET));
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    assert_null(rnr_gethostbyaddr((char *)a, 16, AF_INET));
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    assert_null(rnr_gethostbyaddr((char *)a, 4, AF_UNIX));
    assert_int_equal(WSAGetLastError(), WSAEAFNOSUPPORT);
    assert_null(rnr_gethostbyaddr(NULL, 4, AF_INET));
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    assert_null(rnr_gethostbyname(NULL));
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    assert_null(rnr_getservbyname(NULL, "tcp"));
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    assert_null(rnr_getservbyname("a/b", NULL));
    assert_int_equal(WSAGetLastError(), WSAHOST_NOT_FOUND);

    /* Successful calls leave the last error alone, also across the
     * large-result (heap) path. */
    WSASetLastError(777);
    assert_non_null(rnr_gethostbyname("localhost"));
    he = rnr_gethostbyname("bighost");
    assert_non_null(he);
    assert_string_equal(he->h_aliases[119], "bighost-alias-number-119");
    assert_non_null(rnr_gethostbyaddr((char *)a, 4, AF_INET));
    assert_int_equal(WSAGetLastError(), 777);
    /* Results of different functions do not overwrite each other. */
    assert_string_equal(he->h_name, "bighost");

    /* A known name under another protocol: WSANO_DATA ("valid name, no
     * data record of requested type"). */
    if (serv_keys.n > 0 && serv_keys.v[0][0] != '#') {
        char key[128];

        snprintf(key, sizeof key, "%s", serv_keys.v[0]);
        *strchr(key, '/') = '\0';
        if (getservbyname(key, "ddp") == NULL && getservbyname(key, NULL) != NULL) {
            assert_null(rnr_getservbyname(key, "ddp"));
            assert_int_equal(WSAGetLastError(), WSANO_DATA);
        }
    }

    /* Before WSAStartup (and after the last WSACleanup). */
    WSACleanup();
    assert_null(rnr_gethostbyname("localhost"));
    assert_int_equal(WSAGetLastError(), WSANOTINITIALISED);
    assert_null(rnr_getservbyport(htons(21), "tcp"));
    assert_int_equal(WSAGetLastError(), WSANOTINITIALISED);
    assert_null(rnr_getprotobynumber(6));
    assert_int_equal(WSAGetLastError(), WSANOTINITIALISED);
    assert_int_equal(rnr_gethostname((char *)a, sizeof a), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSANOTINITIALISED);
    assert_int_equal(WSAStartup(MAKEWORD(2, 2), &wd), 0);
}

/* Many threads at once: each result is right and stays its own. */
#define NTHREADS 8

static void *thread_main(void *arg)
{
    size_t t = (size_t)(uintptr_t)arg, i;
    long bad = 0;

    for (i = t; i < host_names.n && i < 4000; i += NTHREADS) {
        struct hostent *he = rnr_gethostbyname(host_names.v[i]);
        struct protoent *pe = rnr_getprotobynumber(6);
        char **a;
        int ok = 0;

        if (he == NULL) {
            /* IPv6-only names have no IPv4 hostent. */
            if (WSAGetLastError() != WSANO_DATA &&
                WSAGetLastError() != WSAHOST_NOT_FOUND)
                bad++;
            continue;
        }
        if (strcasecmp(he->h_name, host_names.v[i]) == 0)
            ok = 1;
        for (a = he->h_aliases; *a != NULL && !ok; a++)
            ok = strcasecmp(*a, host_names.v[i]) == 0;
        if (!ok || pe == NULL || pe->p_proto != 6)
            bad++;
    }
    return (void *)(uintptr_t)bad;
}

static void test_threads(void **state)
{
    pthread_t th[NTHREADS];
    size_t i;
    void *ret;

    (void)state;
    for (i = 0; i < NTHREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, thread_main,
                                        (void *)(uintptr_t)i), 0);
    for (i = 0; i < NTHREADS; i++) {
        assert_int_equal(pthread_join(th[i], &ret), 0);
        assert_int_equal((uintptr_t)ret, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diff_gethostbyname),
        cmocka_unit_test(test_diff_gethostbyaddr),
        cmocka_unit_test(test_diff_services),
        cmocka_unit_test(test_diff_protocols),
        cmocka_unit_test(test_diff_not_found),
        cmocka_unit_test(test_documented_differences),
        cmocka_unit_test(test_gethostname),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_threads),
    };
    int rc;

    if ((rc = rnrt_diff_begin("getxbyy", 0x2545f4914f6cdd1dull, etc_files, N_ETC_FILES)) != 0)
        return rc;
    rc = cmocka_run_group_tests(tests, group_setup, group_teardown);
    printf("differential total: %lu queries, %lu found by both, %lu mismatches\n",
           n_compared, n_found, n_mismatch);
    rnrt_diff_end(etc_files, N_ETC_FILES);
    rnrt_strlist_free(&host_names);
    rnrt_strlist_free(&host_addrs);
    rnrt_strlist_free(&serv_keys);
    rnrt_strlist_free(&proto_names);
    return rc;
}
