/* SPDX-License-Identifier: MIT */
/*
 * The dns provider through a real rnrd and librnr, against a real
 * unbound started here on 127.0.0.1 with zones this test writes, an
 * rcode responder (SERVFAIL, REFUSED, NOTIMP, FORMERR) and a black hole
 * (a UDP socket nobody answers from).  Four dns instances run side by
 * side, one per server: "dns" (unbound), "fail" (the responder), "dead"
 * (the black hole, short timeout) and "hang" (the black hole, a timeout
 * no test waits for).  Questions reaching unbound are counted in its
 * query log, those reaching the black hole by reading its socket.
 * Skipped (77) when unbound is not installed.
 */
#include "config.h"

#define RNR_NO_WINSOCK_NAMES
#include "itest.h"
#include "dnsserv.h"
#include "blob.h"

#include <dlfcn.h>
#include <nss.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>

#include <rnr/ws2getxbyy.h>

#define DNS_ID  RNR_NSPID_DNS_TEXT
#define FAIL_ID "{8C6B8C1E-3F2A-4D55-9B0E-6A1F2C3D4EA1}"
#define DEAD_ID "{8C6B8C1E-3F2A-4D55-9B0E-6A1F2C3D4EA2}"
#define HANG_ID "{8C6B8C1E-3F2A-4D55-9B0E-6A1F2C3D4EA3}"

#define ALL_AND_ALIASES (LUP_RETURN_ALL | LUP_RETURN_ALIASES)
#define MANY 2000

static struct rnrt_daemon daemon_;
static struct dnsserv_unbound ub;
static struct dnsserv_rcode rcoder;
static struct dnsserv_hole hole;
static char ubdir[64];

static GUID byname = SVCID_INET_HOSTADDRBYNAME;
static GUID hostname_class = SVCID_HOSTNAME;
static GUID bystring = SVCID_INET_HOSTADDRBYINETSTRING;
static GUID dns_id, fail_id, dead_id, hang_id;

/* ---- zones ---- */

#define ZONE_HEAD(serial) \
    "$ORIGIN rnr.test.\n$TTL 60\n" \
    "@ 3600 IN SOA ns admin " #serial " 3600 600 86400 2\n" \
    "@ IN NS ns\nns IN A 127.0.0.1\n" \
    "a IN A 192.0.2.1\na IN AAAA 2001:db8::1\n" \
    "v4only IN A 192.0.2.4\nv6only IN AAAA 2001:db8::6\n" \
    "txtonly IN TXT \"no address\"\n" \
    "c1 IN CNAME c2\nc2 IN CNAME c3\nc3 IN CNAME a\n" \
    "*.many IN A 192.0.2.99\n"

static char zone1[8192], zone2[8192];

static void build_zones(void)
{
    char big[4096];
    size_t n = 0;
    int i;

    /* 60 addresses: 60 * 16 bytes of records, more than UDP's 512. */
    for (i = 1; i <= 60; i++)
        n += (size_t)snprintf(big + n, sizeof big - n, "big IN A 10.0.0.%d\n", i);
    snprintf(zone1, sizeof zone1, "%s%s"
             "short 2 IN A 192.0.2.20\ncached IN A 192.0.2.30\n",
             ZONE_HEAD(1), big);
    /* Serial 2: short and cached change, neg appears. */
    snprintf(zone2, sizeof zone2, "%s%s"
             "short 2 IN A 192.0.2.21\ncached IN A 192.0.2.31\n"
             "neg IN A 192.0.2.40\n", ZONE_HEAD(2), big);
}

static const char rev4[] =
    "$ORIGIN 2.0.192.in-addr.arpa.\n$TTL 60\n"
    "@ IN SOA ns.rnr.test. admin.rnr.test. 1 3600 600 86400 2\n"
    "@ IN NS ns.rnr.test.\n"
    "1 IN PTR a.rnr.test.\n";
static const char rev6[] =
    "$ORIGIN 8.b.d.0.1.0.0.2.ip6.arpa.\n$TTL 60\n"
    "@ IN SOA ns.rnr.test. admin.rnr.test. 1 3600 600 86400 2\n"
    "@ IN NS ns.rnr.test.\n"
    "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 IN PTR v6host.rnr.test.\n";

/* ---- setup ---- */

static int write_rnrd_conf(void)
{
    char buf[8192];
    int n = snprintf(buf, sizeof buf,
        "[daemon]\nuser = root\nsocket = %s\nstate-dir = %s\nmodule-dir = %s/providers/.libs\n"
        "class-dir = %s/classes.d\nlog-level = info\nmax-lookups-per-client = 4096\n\n"
        "[provider hosts]\nmodule = hosts\nnamespace = NS_TCPIP_HOSTS\n"
        "hosts-file = %s\nservices-file = %s\n\n"
        "[provider local]\nmodule = local\nnamespace = NS_TCPIP_LOCAL\n"
        "hostname = rnrtest-host\n\n"
        "[provider dns]\nmodule = dns\nnamespace = NS_DNS\n"
        "servers = 127.0.0.1:%u\nsearch = rnr.test\nndots = 1\ntimeout-ms = 2000\n"
        "attempts = 2\nservices-file = %s\ncache-min-ttl = 0\n\n"
        "[provider fail]\nmodule = dns\nnamespace = NS_DNS\nid = " FAIL_ID "\n"
        "servers = 127.0.0.1:%u\nsearch = rnr.test\ntimeout-ms = 2000\nattempts = 1\n"
        "services-file = %s\n\n"
        "[provider dead]\nmodule = dns\nnamespace = NS_DNS\nid = " DEAD_ID "\n"
        "servers = 127.0.0.1:%u\nsearch =\ntimeout-ms = 200\nattempts = 1\n"
        "services-file = %s\n\n"
        "[provider hang]\nmodule = dns\nnamespace = NS_DNS\nid = " HANG_ID "\n"
        "servers = 127.0.0.1:%u\nsearch =\ntimeout-ms = 60000\nattempts = 1\n"
        "services-file = %s\n",
        daemon_.sock, daemon_.state, rnrt_builddir(), daemon_.dir, daemon_.hosts,
        daemon_.services, ub.port, daemon_.services, rcoder.port, daemon_.services,
        hole.port, daemon_.services, hole.port, daemon_.services);

    if (n < 0 || (size_t)n >= sizeof buf)
        return -1;
    return rnrt_write_file(daemon_.conf, buf);
}

static int group_setup(void **state)
{
    static const char *const names[] = {
        "rnr.test", "2.0.192.in-addr.arpa", "8.b.d.0.1.0.0.2.ip6.arpa"
    };
    const char *zones[3];
    WSADATA wd;
    (void)state;

    build_zones();
    zones[0] = zone1;
    zones[1] = rev4;
    zones[2] = rev6;
    strcpy(ubdir, "/tmp/rnrt-dns-XXXXXX");
    if (mkdtemp(ubdir) == NULL ||
        dnsserv_unbound_start(&ub, ubdir, names, zones, 3) != 0 ||
        dnsserv_rcode_start(&rcoder) != 0 || dnsserv_hole_open(&hole) != 0 ||
        rnrt_daemon_init(&daemon_, NULL) != 0 || write_rnrd_conf() != 0 ||
        rnrt_daemon_start(&daemon_) != 0)
        return -1;
    dns_id = rnrt_guid(DNS_ID);
    fail_id = rnrt_guid(FAIL_ID);
    dead_id = rnrt_guid(DEAD_ID);
    hang_id = rnrt_guid(HANG_ID);
    return WSAStartup(MAKEWORD(2, 2), &wd);
}

static int group_teardown(void **state)
{
    char cmd[256];
    int rc;
    (void)state;

    WSACleanup();
    rc = rnrt_daemon_stop(&daemon_);
    rnrt_daemon_destroy(&daemon_);
    dnsserv_unbound_stop(&ub);
    dnsserv_rcode_stop(&rcoder);
    dnsserv_hole_close(&hole);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", ubdir);
    if (system(cmd) != 0)
        rc = -1;
    return rc;
}

/* ---- helpers ---- */

static AFPROTOCOLS fam4[] = { { AF_INET, 0 } };
static AFPROTOCOLS fam6[] = { { AF_INET6, 0 } };

static void qs_for(WSAQUERYSETA *q, GUID *cls, const char *name, GUID *provider,
                   AFPROTOCOLS *fam)
{
    rnrt_qs_init(q, cls, name);
    q->lpNSProviderId = provider;
    if (fam != NULL) {
        q->dwNumberOfProtocols = 1;
        q->lpafpProtocols = fam;
    }
}

/* One lookup of `name` in provider p; returns the status. */
static int look(const char *name, GUID *p, AFPROTOCOLS *fam, DWORD flags,
                struct rnrt_results *res)
{
    WSAQUERYSETA q;

    qs_for(&q, &byname, name, p, fam);
    return rnrt_lookup(&q, flags, res);
}

/* The first address of result 0, or "" with a failure status. */
static const char *first_addr(const char *name, AFPROTOCOLS *fam, DWORD flags,
                              char *buf, size_t len)
{
    struct rnrt_results res;

    buf[0] = '\0';
    if (look(name, &dns_id, fam, flags | LUP_RETURN_ADDR, &res) == 0 &&
        res.n > 0 && res.r[0]->dwNumberOfCsAddrs > 0)
        rnrt_addr(res.r[0], 0, buf, len);
    rnrt_results_free(&res);
    return buf;
}

static int has_addr(const WSAQUERYSETA *r, const char *text)
{
    char a[80];
    DWORD i;

    for (i = 0; i < r->dwNumberOfCsAddrs; i++)
        if (strcmp(rnrt_addr(r, i, a, sizeof a), text) == 0)
            return 1;
    return 0;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    nanosleep(&ts, NULL);
}

/* ---- tests ---- */

static void test_families(void **state)
{
    struct rnrt_results res;
    (void)state;

    assert_int_equal(look("a.rnr.test", &dns_id, NULL, LUP_RETURN_ALL, &res), 0);
    assert_int_equal(res.n, 1);
    assert_string_equal(res.r[0]->lpszServiceInstanceName, "a.rnr.test");
    assert_int_equal(res.r[0]->dwNumberOfCsAddrs, 2);
    assert_true(has_addr(res.r[0], "192.0.2.1:0"));
    assert_true(has_addr(res.r[0], "[2001:db8::1]:0"));
    assert_int_equal(res.r[0]->dwNameSpace, NS_DNS);
    rnrt_results_free(&res);

    assert_int_equal(look("a.rnr.test", &dns_id, fam4, LUP_RETURN_ALL, &res), 0);
    assert_int_equal(res.n, 1);
    assert_int_equal(res.r[0]->dwNumberOfCsAddrs, 1);
    assert_true(has_addr(res.r[0], "192.0.2.1:0"));
    rnrt_results_free(&res);

    assert_int_equal(look("a.rnr.test", &dns_id, fam6, LUP_RETURN_ALL, &res), 0);
    assert_int_equal(res.n, 1);
    assert_int_equal(res.r[0]->dwNumberOfCsAddrs, 1);
    assert_true(has_addr(res.r[0], "[2001:db8::1]:0"));
    rnrt_results_free(&res);

    /* The search list: "v4only" is found as v4only.rnr.test. */
    assert_int_equal(look("v4only", &dns_id, NULL, LUP_RETURN_ALL, &res), 0);
    assert_string_equal(res.r[0]->lpszServiceInstanceName, "v4only.rnr.test");
    assert_true(has_addr(res.r[0], "192.0.2.4:0"));
    rnrt_results_free(&res);
}

static void test_cname_chain(void **state)
{
    struct rnrt_results res;
    char buf[1024];
    struct hostent *he = (struct hostent *)buf;
    size_t need;
    (void)state;

    assert_int_equal(look("c1.rnr.test", &dns_id, fam4, ALL_AND_ALIASES, &res), 0);
    assert_int_equal(res.n, 4);
    assert_string_equal(res.r[0]->lpszServiceInstanceName, "a.rnr.test");
    assert_int_equal(res.r[0]->dwOutputFlags & RESULT_IS_ALIAS, 0);
    assert_true(has_addr(res.r[0], "192.0.2.1:0"));
    assert_string_equal(res.r[1]->lpszServiceInstanceName, "c1.rnr.test");
    assert_string_equal(res.r[2]->lpszServiceInstanceName, "c2.rnr.test");
    assert_string_equal(res.r[3]->lpszServiceInstanceName, "c3.rnr.test");
    assert_true(res.r[1]->dwOutputFlags & RESULT_IS_ALIAS);
    assert_true(res.r[3]->dwOutputFlags & RESULT_IS_ALIAS);
    /* The chain is the hostent's h_aliases, in order. */
    assert_non_null(res.r[0]->lpBlob);
    assert_int_equal(rnr_blob_unpack_hostent(res.r[0]->lpBlob->pBlobData,
                                             res.r[0]->lpBlob->cbSize, buf,
                                             sizeof buf, &need), 0);
    assert_string_equal(he->h_name, "a.rnr.test");
    assert_string_equal(he->h_aliases[0], "c1.rnr.test");
    assert_string_equal(he->h_aliases[1], "c2.rnr.test");
    assert_string_equal(he->h_aliases[2], "c3.rnr.test");
    assert_null(he->h_aliases[3]);
    assert_int_equal(he->h_addrtype, AF_INET);
    rnrt_results_free(&res);

    /* Without LUP_RETURN_ALIASES: the host only. */
    assert_int_equal(look("c1.rnr.test", &dns_id, fam4,
                          LUP_RETURN_ALL & ~LUP_RETURN_ALIASES, &res), 0);
    assert_int_equal(res.n, 1);
    rnrt_results_free(&res);
}

/* A PTR lookup of `addr`: its status and, on success, the one result's
 * name and address. */
static void expect_ptr(const char *addr, AFPROTOCOLS *fam, int status,
                       const char *name, const char *csaddr)
{
    struct rnrt_results res;
    WSAQUERYSETA q;

    qs_for(&q, &bystring, addr, &dns_id, fam);
    assert_int_equal(rnrt_lookup(&q, LUP_RETURN_ALL, &res), status);
    if (status != 0)
        return;
    assert_int_equal(res.n, 1);
    assert_string_equal(res.r[0]->lpszServiceInstanceName, name);
    assert_true(has_addr(res.r[0], csaddr));
    rnrt_results_free(&res);
}

static void test_ptr(void **state)
{
    (void)state;

    expect_ptr("192.0.2.1", NULL, 0, "a.rnr.test", "192.0.2.1:0");
    expect_ptr("2001:db8::1", NULL, 0, "v6host.rnr.test", "[2001:db8::1]:0");
    expect_ptr("192.0.2.77", NULL, WSAHOST_NOT_FOUND, NULL, NULL);
    expect_ptr("192.0.2.1", fam6, WSANO_DATA, NULL, NULL);
}

static void expect_port(const char *query, GUID *cls, const char *addr,
                        int socktype, int proto)
{
    struct rnrt_results res;
    WSAQUERYSETA q;

    qs_for(&q, cls, "a.rnr.test", &dns_id, fam4);
    q.lpszQueryString = (char *)query;
    assert_int_equal(rnrt_lookup(&q, LUP_RETURN_ALL, &res), 0);
    assert_int_equal(res.n, 1);
    assert_int_equal(res.r[0]->dwNumberOfCsAddrs, 1);
    assert_true(has_addr(res.r[0], addr));
    assert_int_equal(res.r[0]->lpcsaBuffer[0].iSocketType, socktype);
    assert_int_equal(res.r[0]->lpcsaBuffer[0].iProtocol, proto);
    rnrt_results_free(&res);
}

static void test_services(void **state)
{
    GUID tcp80, udp53;
    struct rnrt_results res;
    WSAQUERYSETA q;
    (void)state;

    SET_TCP_SVCID(&tcp80, 80);
    SET_UDP_SVCID(&udp53, 53);
    expect_port("ftp", &hostname_class, "192.0.2.1:21", SOCK_STREAM, IPPROTO_TCP);
    expect_port("ftp/tcp", &hostname_class, "192.0.2.1:21", SOCK_STREAM, IPPROTO_TCP);
    expect_port("21/udp", &hostname_class, "192.0.2.1:21", SOCK_DGRAM, IPPROTO_UDP);
    expect_port(NULL, &tcp80, "192.0.2.1:80", SOCK_STREAM, IPPROTO_TCP);
    expect_port(NULL, &udp53, "192.0.2.1:53", SOCK_DGRAM, IPPROTO_UDP);

    qs_for(&q, &hostname_class, "a.rnr.test", &dns_id, fam4);
    q.lpszQueryString = "no-such-service";
    assert_int_equal(rnrt_lookup(&q, LUP_RETURN_ALL, &res), WSASERVICE_NOT_FOUND);
}

static void test_errors(void **state)
{
    static const struct {
        const char *name;
        int         provider;   /* 0 dns (unbound), 1 fail, 2 dead */
        int         family;     /* 0 any, 4, 6 */
        int         status;
    } cases[] = {
        /* unbound: NXDOMAIN, NODATA (name exists, no address; or none of
         * the family asked), REFUSED. */
        { "nx.rnr.test", 0, 0, WSAHOST_NOT_FOUND },
        { "txtonly.rnr.test", 0, 0, WSANO_DATA },
        { "v4only.rnr.test", 0, 6, WSANO_DATA },
        { "v6only.rnr.test", 0, 4, WSANO_DATA },
        { "x.refused.test.", 0, 0, WSANO_RECOVERY },
        /* The responder: SERVFAIL, REFUSED, NOTIMP, FORMERR. */
        { "servfail.x.", 1, 0, WSATRY_AGAIN },
        { "refused.x.", 1, 0, WSANO_RECOVERY },
        { "notimp.x.", 1, 0, WSANO_RECOVERY },
        { "formerr.x.", 1, 0, WSANO_RECOVERY },
        /* The black hole: a timeout. */
        { "timeout.x.", 2, 4, WSATRY_AGAIN },
        /* What DNS cannot answer at all. */
        { "*.rnr.test", 0, 0, WSAHOST_NOT_FOUND },
        { "192.0.2.1", 0, 0, WSAHOST_NOT_FOUND },
        { "bad..name", 0, 0, WSAHOST_NOT_FOUND },
        /* Never asked (RFC 6761): answered by the provider itself, even
         * when the responder would say SERVFAIL (test_localhost). */
        { "localhost", 1, 0, 0 },
        { "x.LOCALHOST.", 1, 0, 0 },
    };
    GUID *ids[] = { &dns_id, &fail_id, &dead_id };
    struct rnrt_results res;
    size_t i;
    (void)state;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        AFPROTOCOLS *fam = cases[i].family == 4 ? fam4
                         : cases[i].family == 6 ? fam6 : NULL;
        int st = look(cases[i].name, ids[cases[i].provider], fam, 0, &res);

        rnrt_results_free(&res);
        if (st != cases[i].status)
            fail_msg("%s: %d, expected %d", cases[i].name, st, cases[i].status);
    }
}

/* Localhost names and the empty name are answered by the dns provider
 * itself, as Windows' DNS provider and systemd-resolved do: a lookup
 * restricted to NS_DNS finds them with no server reachable (the black
 * hole), and no question is sent. */
static void test_localhost(void **state)
{
    static const char *const names[] = { "localhost", "LocalHost.", "x.localhost" };
    struct rnrt_results res;
    WSAQUERYSETA q;
    char host[256];
    size_t i;
    int all = 0;
    (void)state;

    dnsserv_hole_drain(&hole, "", NULL);
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        assert_int_equal(look(names[i], &dead_id, NULL,
                              LUP_RETURN_ADDR | LUP_RETURN_NAME, &res), 0);
        assert_int_equal(res.n, 1);
        assert_true(has_addr(res.r[0], "127.0.0.1:0"));
        assert_true(has_addr(res.r[0], "[::1]:0"));
        rnrt_results_free(&res);
    }
    /* A family restriction holds. */
    assert_int_equal(look("localhost", &dead_id, fam6, LUP_RETURN_ADDR, &res), 0);
    assert_int_equal(res.r[0]->dwNumberOfCsAddrs, 1);
    assert_true(has_addr(res.r[0], "[::1]:0"));
    rnrt_results_free(&res);

    /* Through the name space, not one provider: every NS_DNS instance
     * answers, the dead one among them. */
    qs_for(&q, &byname, "localhost", NULL, NULL);
    q.dwNameSpace = NS_DNS;
    assert_int_equal(rnrt_lookup(&q, LUP_RETURN_ADDR, &res), 0);
    assert_true(res.n >= 1);
    assert_true(has_addr(res.r[0], "127.0.0.1:0"));
    rnrt_results_free(&res);

    /* The empty name: the local host, by its name. */
    assert_int_equal(gethostname(host, sizeof host), 0);
    assert_int_equal(look("", &dead_id, NULL, LUP_RETURN_NAME | LUP_RETURN_ADDR, &res), 0);
    assert_int_equal(res.n, 1);
    assert_string_equal(res.r[0]->lpszServiceInstanceName, host);
    assert_true(res.r[0]->dwNumberOfCsAddrs > 0);
    rnrt_results_free(&res);

    assert_int_equal(dnsserv_hole_drain(&hole, "localhost", &all), 0);
    assert_int_equal(all, 0);
}

static void test_tcp_fallback(void **state)
{
    struct rnrt_results res;
    (void)state;

    /* Too big for a 512-byte UDP answer: c-ares asks again over TCP. */
    assert_int_equal(look("big.rnr.test", &dns_id, fam4, LUP_RETURN_ALL, &res), 0);
    assert_int_equal(res.n, 1);
    assert_int_equal(res.r[0]->dwNumberOfCsAddrs, 60);
    assert_true(has_addr(res.r[0], "10.0.0.1:0"));
    assert_true(has_addr(res.r[0], "10.0.0.60:0"));
    rnrt_results_free(&res);
}

/* Answers, negative answers, TTL expiry and LUP_FLUSHCACHE, counted at
 * the server. */
static void test_cache(void **state)
{
    char a[80];
    struct rnrt_results res;
    long long t0;
    (void)state;

    t0 = rnrt_now_ms();
    assert_string_equal(first_addr("short.rnr.test.", fam4, 0, a, sizeof a), "192.0.2.20:0");
    assert_int_equal(look("neg.rnr.test.", &dns_id, fam4, 0, &res), WSAHOST_NOT_FOUND);
    assert_string_equal(first_addr("cached.rnr.test.", fam4, 0, a, sizeof a), "192.0.2.30:0");
    /* Asked again: from the cache, the server sees nothing new. */
    assert_string_equal(first_addr("cached.rnr.test.", fam4, 0, a, sizeof a), "192.0.2.30:0");
    assert_int_equal(look("neg.rnr.test.", &dns_id, fam4, 0, &res), WSAHOST_NOT_FOUND);
    assert_int_equal(dnsserv_unbound_count(&ub, "cached.rnr.test", "A"), 1);
    assert_int_equal(dnsserv_unbound_count(&ub, "neg.rnr.test", "A"), 1);

    assert_int_equal(dnsserv_unbound_rezone(&ub, "rnr.test", zone2, 2), 0);
    /* Changed at the server, but not expired here: the old answers.  A
     * machine so slow that the TTL ran out meanwhile cannot tell. */
    if (rnrt_now_ms() - t0 > 1500)
        skip();
    assert_string_equal(first_addr("short.rnr.test.", fam4, 0, a, sizeof a), "192.0.2.20:0");
    assert_int_equal(look("neg.rnr.test.", &dns_id, fam4, 0, &res), WSAHOST_NOT_FOUND);
    assert_string_equal(first_addr("cached.rnr.test.", fam4, 0, a, sizeof a), "192.0.2.30:0");
    /* LUP_FLUSHCACHE goes to the server and refreshes the entry. */
    assert_string_equal(first_addr("cached.rnr.test.", fam4, LUP_FLUSHCACHE, a, sizeof a),
                        "192.0.2.31:0");
    assert_string_equal(first_addr("cached.rnr.test.", fam4, 0, a, sizeof a), "192.0.2.31:0");
    assert_int_equal(dnsserv_unbound_count(&ub, "cached.rnr.test", "A"), 2);
    assert_int_equal(dnsserv_unbound_count(&ub, "short.rnr.test", "A"), 1);

    /* After the 2 s TTL and the SOA's 2 s minimum: the new answers. */
    sleep_ms(2300 - (rnrt_now_ms() - t0));
    assert_string_equal(first_addr("short.rnr.test.", fam4, 0, a, sizeof a), "192.0.2.21:0");
    assert_string_equal(first_addr("neg.rnr.test.", fam4, 0, a, sizeof a), "192.0.2.40:0");
    assert_int_equal(dnsserv_unbound_count(&ub, "short.rnr.test", "A"), 2);
    assert_int_equal(dnsserv_unbound_count(&ub, "neg.rnr.test", "A"), 2);
}

/* Lookups of one name at the same time share one question. */
static void test_coalescing(void **state)
{
    static HANDLE h[100];
    WSAQUERYSETA q;
    int i, all = 0;
    (void)state;

    dnsserv_hole_drain(&hole, "", NULL);
    qs_for(&q, &byname, "same.hang.test.", &hang_id, fam4);
    for (i = 0; i < 100; i++)
        assert_int_equal(WSALookupServiceBegin(&q, LUP_RETURN_NAME, &h[i]), 0);
    assert_int_equal(dnsserv_hole_drain(&hole, "same.hang.test", &all), 1);
    assert_int_equal(all, 1);
    /* LUP_FLUSHCACHE joins the question in flight: it is fresh. */
    for (i = 0; i < 100; i++)
        assert_int_equal(WSALookupServiceEnd(h[i]), 0);
}

static volatile int blocked_done;
static int blocked_status;

static void *blocked_next(void *arg)
{
    HANDLE h = *(HANDLE *)arg;
    char buf[2048];
    DWORD len = sizeof buf;

    blocked_status = WSALookupServiceNext(h, 0, &len, (WSAQUERYSETA *)buf) == 0
                         ? 0 : WSAGetLastError();
    __atomic_store_n(&blocked_done, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

/* How many times the black hole was asked `name` (waiting up to 5 s for
 * the first). */
static int hole_wait(struct dnsserv_hole *h, const char *name)
{
    int i, n = 0;

    for (i = 0; i < 500 && n == 0; i++) {
        n = dnsserv_hole_drain(h, name, NULL);
        if (n == 0)
            sleep_ms(10);
    }
    return n;
}

/* A server that never answers holds up only its own lookups, across a
 * reload too; End stops them at once (the hang instance would time out
 * after a minute). */
static void test_isolation(void **state)
{
    struct rnrt_results res;
    WSAQUERYSETA q;
    pthread_t t;
    HANDLE h;
    GUID hosts = rnrt_guid(RNRT_HOSTS_ID), local = rnrt_guid(RNRT_LOCAL_ID);
    int i;
    (void)state;

    qs_for(&q, &byname, "never.hang.test.", &hang_id, fam4);
    assert_int_equal(WSALookupServiceBegin(&q, LUP_RETURN_NAME, &h), 0);
    assert_int_equal(pthread_create(&t, NULL, blocked_next, &h), 0);
    for (i = 0; i < 20; i++) {
        assert_int_equal(look("alpha.example", &hosts, NULL, LUP_RETURN_NAME, &res), 0);
        rnrt_results_free(&res);
        qs_for(&q, &hostname_class, NULL, &local, NULL);
        assert_int_equal(rnrt_lookup(&q, LUP_RETURN_NAME, &res), 0);
        rnrt_results_free(&res);
        /* DNS from the working server too. */
        assert_int_equal(look("a.rnr.test", &dns_id, NULL, LUP_RETURN_NAME, &res), 0);
        rnrt_results_free(&res);
    }
    assert_false(__atomic_load_n(&blocked_done, __ATOMIC_SEQ_CST));

    /* SIGHUP: a new c-ares channel; the question in flight is asked
     * again on it, and the lookup waits on. */
    dnsserv_hole_drain(&hole, "", NULL);
    assert_int_equal(kill(daemon_.pid, SIGHUP), 0);
    assert_int_equal(hole_wait(&hole, "never.hang.test"), 1);
    assert_int_equal(look("a.rnr.test", &dns_id, NULL, LUP_RETURN_NAME, &res), 0);
    rnrt_results_free(&res);
    assert_false(__atomic_load_n(&blocked_done, __ATOMIC_SEQ_CST));
    assert_int_equal(WSALookupServiceEnd(h), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_equal(blocked_status, WSA_E_CANCELLED);
}

/* rnrctl with args (environment prefix allowed); its output in out, its
 * exit status returned. */
static int rnrctl(const char *env, const char *args, char *out, size_t len)
{
    char cmd[1024];
    FILE *p;
    size_t n;

    snprintf(cmd, sizeof cmd, "%s %s/client/rnrctl/rnrctl --socket '%s' %s 2>&1", env,
             rnrt_builddir(), daemon_.sock, args);
    p = popen(cmd, "r");
    assert_non_null(p);
    n = fread(out, 1, len - 1, p);
    out[n] = '\0';
    return pclose(p);
}

/* A figure of `rnrctl stats --kv` output ("key=value" lines); -1 if absent. */
static long long kv(const char *out, const char *key)
{
    size_t k = strlen(key);
    const char *p = out;

    for (; p != NULL && *p != '\0'; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (strncmp(p, key, k) == 0 && p[k] == '=')
            return strtoll(p + k + 1, NULL, 10);
    return -1;
}

/* Until the hang provider has `want` questions in flight (stats in out). */
static void wait_hang_in_flight(char *out, size_t len, long long want)
{
    int i;

    for (i = 0; i < 500; i++) {
        assert_int_equal(rnrctl("", "stats --kv", out, len), 0);
        if (kv(out, "provider.hang.stat.queries-in-flight") == want)
            return;
        sleep_ms(10);
    }
    assert_int_equal(kv(out, "provider.hang.stat.queries-in-flight"), want);
}

/* A child (its own connection) begins n lookups on the hang provider,
 * each its own question, and exits with them open: rnrd ends them all
 * at once. */
static void client_with_hung_lookups(int n)
{
    int p[2], st;
    pid_t pid;
    char c;

    assert_int_equal(pipe(p), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        WSAQUERYSETA q;
        WSADATA wd;
        HANDLE h;
        char name[64];
        int i;

        WSACleanup();   /* the parent's connection is not ours */
        if (WSAStartup(MAKEWORD(2, 2), &wd) != 0)
            _exit(1);
        for (i = 0; i < n; i++) {
            snprintf(name, sizeof name, "gone%d.hang.test.", i);
            qs_for(&q, &byname, name, &hang_id, fam4);
            if (WSALookupServiceBegin(&q, LUP_RETURN_NAME, &h) != 0)
                _exit(1);
        }
        /* Each Begin was answered, and rnrd puts a new question on the
         * wire right after the replies: all 100 are asked by now. */
        _exit(write(p[1], "x", 1) == 1 ? 0 : 1);
    }
    close(p[1]);
    assert_int_equal(read(p[0], &c, 1), 1);
    close(p[0]);
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* Thousands of lookups in flight at once, each its own question; the
 * daemon keeps serving, and End drops them all. */
static void test_many_in_flight(void **state)
{
    static HANDLE h[MANY];
    static char out[65536];
    struct rnrt_results res;
    WSAQUERYSETA q;
    GUID hosts = rnrt_guid(RNRT_HOSTS_ID);
    HANDLE live;
    char name[64];
    long long dropped;
    int i, all = 0;
    (void)state;

    dnsserv_hole_drain(&hole, "", NULL);
    for (i = 0; i < MANY; i++) {
        snprintf(name, sizeof name, "n%d.hang.test.", i);
        qs_for(&q, &byname, name, &hang_id, fam4);
        assert_int_equal(WSALookupServiceBegin(&q, LUP_RETURN_NAME, &h[i]), 0);
        if (i % 200 == 199)
            dnsserv_hole_drain(&hole, "", &all);
    }
    /* The last questions leave after their Begin was answered. */
    for (i = 0; i < 500 && all < MANY; i++) {
        dnsserv_hole_drain(&hole, "", &all);
        if (all < MANY)
            sleep_ms(10);
    }
    assert_int_equal(all, MANY);
    assert_int_equal(look("alpha.example", &hosts, NULL, LUP_RETURN_NAME, &res), 0);
    rnrt_results_free(&res);
    assert_int_equal(look("a.rnr.test", &dns_id, NULL, LUP_RETURN_NAME, &res), 0);
    rnrt_results_free(&res);

    /* Ended, their questions are orphans: swept off the wire (c-ares
     * forgets them), not left to time out a minute later. */
    assert_int_equal(rnrctl("", "stats --kv", out, sizeof out), 0);
    dropped = kv(out, "provider.hang.stat.queries-dropped");
    assert_true(dropped >= 0);
    for (i = 0; i < MANY; i++)
        assert_int_equal(WSALookupServiceEnd(h[i]), 0);
    wait_hang_in_flight(out, sizeof out, 0);
    assert_true(kv(out, "provider.hang.stat.queries-dropped") >= dropped + MANY);

    /* While one is still wanted: a client with 100 others goes away at
     * once; the 100 are swept, the wanted one is asked again and waits. */
    qs_for(&q, &byname, "live.hang.test.", &hang_id, fam4);
    assert_int_equal(WSALookupServiceBegin(&q, LUP_RETURN_NAME, &live), 0);
    assert_int_equal(hole_wait(&hole, "live.hang.test"), 1);
    dropped = kv(out, "provider.hang.stat.queries-dropped");
    client_with_hung_lookups(100);
    wait_hang_in_flight(out, sizeof out, 1);
    assert_int_equal(kv(out, "provider.hang.stat.queries-dropped"), dropped + 100);
    assert_int_equal(hole_wait(&hole, "live.hang.test"), 1);
    assert_int_equal(WSALookupServiceEnd(live), 0);

    /* Many answered ones too (one wildcard answers them all), 200 at a
     * time: a burst of thousands would overflow unbound's socket buffer,
     * and c-ares's retries would only make the test slow. */
    for (i = 0; i < MANY; i++) {
        char buf[1024];
        DWORD len = sizeof buf;
        WSAQUERYSETA *r = (WSAQUERYSETA *)buf;
        char a[80];
        int j;

        if (i % 200 == 0)
            for (j = i; j < i + 200; j++) {
                snprintf(name, sizeof name, "n%d.many.rnr.test.", j);
                qs_for(&q, &byname, name, &dns_id, fam4);
                assert_int_equal(WSALookupServiceBegin(&q, LUP_RETURN_ADDR, &h[j]), 0);
            }
        assert_int_equal(WSALookupServiceNext(h[i], 0, &len, r), 0);
        assert_string_equal(rnrt_addr(r, 0, a, sizeof a), "192.0.2.99:0");
        assert_int_equal(WSALookupServiceEnd(h[i]), 0);
    }
}

/* gethostbyname (NS_ALL) and rnrctl reach DNS through the provider. */
static void test_gethostbyname_and_rnrctl(void **state)
{
    struct hostent *he;
    char cmd[512], out[8192];
    FILE *p;
    size_t n;
    (void)state;

    he = rnr_gethostbyname("c1.rnr.test");
    assert_non_null(he);
    assert_string_equal(he->h_name, "a.rnr.test");
    assert_string_equal(he->h_aliases[0], "c1.rnr.test");
    assert_int_equal(he->h_addrtype, AF_INET);
    assert_memory_equal(he->h_addr_list[0], "\xc0\x00\x02\x01", 4);

    /* One provider: with --ns dns the hang instance would hold it up. */
    snprintf(cmd, sizeof cmd, "%s/client/rnrctl/rnrctl --socket '%s' lookup host "
             "v6only.rnr.test --provider '%s' 2>&1", rnrt_builddir(), daemon_.sock, DNS_ID);
    p = popen(cmd, "r");
    assert_non_null(p);
    n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    assert_int_equal(pclose(p), 0);
    assert_non_null(strstr(out, "2001:db8::6"));
}

/* The provider's cache in `rnrctl stats`, and `rnrctl cache flush`
 * emptying it and the answer cache: the next lookup asks the server. */
static void test_stats_and_flush(void **state)
{
    static char out[65536];
    char a[80], args[256];
    (void)state;

    /* Through the socket (RNR_ANSWER_CACHE=0), so the provider's own
     * cache answers the second time.  IPv4 only: the name has no AAAA,
     * and that negative answer lives 2 s, which a loaded machine can
     * take between the two lookups (one more miss). */
    snprintf(args, sizeof args, "lookup host s1.many.rnr.test --family inet --provider '%s'",
             DNS_ID);
    assert_int_equal(rnrctl("RNR_ANSWER_CACHE=0", args, out, sizeof out), 0);
    assert_int_equal(rnrctl("RNR_ANSWER_CACHE=0", "stats --kv", out, sizeof out), 0);
    {
        long long hits = kv(out, "provider.dns.stat.cache-hits");
        long long misses = kv(out, "provider.dns.stat.cache-misses");

        assert_true(hits >= 0 && misses >= 1);
        assert_int_equal(rnrctl("RNR_ANSWER_CACHE=0", args, out, sizeof out), 0);
        assert_non_null(strstr(out, "192.0.2.99"));
        assert_int_equal(rnrctl("", "stats --kv", out, sizeof out), 0);
        assert_true(kv(out, "provider.dns.stat.cache-hits") > hits);
        assert_int_equal(kv(out, "provider.dns.stat.cache-misses"), misses);
    }
    assert_true(kv(out, "provider.dns.stat.cache-entries") >= 1);
    assert_int_equal(kv(out, "provider.dns.stat.lookups-in-flight"), 0);
    assert_true(kv(out, "provider.dns.stat.cache-evictions") >= 0);
    assert_true(kv(out, "daemon.answer-cache-bytes") >= 65536);

    /* The answer cache has it too: this process's repeat needs nobody. */
    assert_string_equal(first_addr("s1.many.rnr.test.", fam4, 0, a, sizeof a), "192.0.2.99:0");
    assert_string_equal(first_addr("s1.many.rnr.test.", fam4, 0, a, sizeof a), "192.0.2.99:0");
    assert_int_equal(dnsserv_unbound_count(&ub, "s1.many.rnr.test", "A"), 1);

    assert_int_equal(rnrctl("", "cache flush", out, sizeof out), 0);
    assert_int_equal(rnrctl("", "stats --kv", out, sizeof out), 0);
    assert_int_equal(kv(out, "provider.dns.stat.cache-entries"), 0);
    assert_true(kv(out, "provider.dns.stat.cache-flushed") >= 1);
    assert_true(kv(out, "daemon.answer-cache-invalidations") >= 1);
    /* Both caches emptied: to the server again. */
    assert_string_equal(first_addr("s1.many.rnr.test.", fam4, 0, a, sizeof a), "192.0.2.99:0");
    assert_int_equal(dnsserv_unbound_count(&ub, "s1.many.rnr.test", "A"), 2);
}

/* getaddrinfo's entry point of the NSS module (as glibc calls it). */
static void test_nss_getaddrinfo(void **state)
{
    char path[512], buf[4096], a[INET6_ADDRSTRLEN];
    struct gaih_addrtuple *pat = NULL, *t;
    nss_gethostbyname4_r *fn;
    int err = 0, herr = 0, n4 = 0, n6 = 0;
    void *h;
    (void)state;

    snprintf(path, sizeof path, "%s/client/nss/.libs/libnss_rnr.so.2", rnrt_builddir());
    h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL)
        fail_msg("%s", dlerror());
    fn = (nss_gethostbyname4_r *)dlsym(h, "_nss_rnr_gethostbyname4_r");
    assert_non_null(fn);
    assert_int_equal(fn("c1.rnr.test", &pat, buf, sizeof buf, &err, &herr, NULL),
                     NSS_STATUS_SUCCESS);
    assert_non_null(pat);
    assert_string_equal(pat->name, "a.rnr.test");   /* the others: NULL */
    for (t = pat; t != NULL; t = t->next) {
        inet_ntop(t->family, t->addr, a, sizeof a);
        if (t->family == AF_INET && strcmp(a, "192.0.2.1") == 0)
            n4++;
        if (t->family == AF_INET6 && strcmp(a, "2001:db8::1") == 0)
            n6++;
    }
    assert_int_equal(n4, 1);
    assert_int_equal(n6, 1);
    /* (No negative case here: NS_ALL would wait for the hang instance.)
     * No dlclose: glibc never unloads an NSS module, and the module keeps
     * its started librnr for the life of the process (nss_rnr.c). */
}

static void test_set_service_noop(void **state)
{
    WSAQUERYSETA q;
    struct rnrt_results res;
    (void)state;

    qs_for(&q, &byname, "new.rnr.test", &dns_id, NULL);
    assert_int_equal(WSASetService(&q, RNRSERVICE_REGISTER, 0), 0);
    assert_int_equal(WSASetService(&q, RNRSERVICE_DELETE, 0), 0);
    /* Nothing changed. */
    assert_int_equal(look("new.rnr.test", &dns_id, NULL, 0, &res), WSAHOST_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_families),
        cmocka_unit_test(test_cname_chain),
        cmocka_unit_test(test_ptr),
        cmocka_unit_test(test_services),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_localhost),
        cmocka_unit_test(test_tcp_fallback),
        cmocka_unit_test(test_cache),
        cmocka_unit_test(test_coalescing),
        cmocka_unit_test(test_isolation),
        cmocka_unit_test(test_many_in_flight),
        cmocka_unit_test(test_gethostbyname_and_rnrctl),
        cmocka_unit_test(test_stats_and_flush),
        cmocka_unit_test(test_nss_getaddrinfo),
        cmocka_unit_test(test_set_service_noop),
    };

    if (dnsserv_unbound_path() == NULL) {
        fprintf(stderr, "SKIP: unbound is not installed (apt-get install unbound)\n");
        return 77;
    }
    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
