/* SPDX-License-Identifier: MIT */
/*
 * getaddrinfo, getnameinfo and GetAddrInfoExA (and, where the build has
 * them, the W twins) through a real rnrd with three providers: hosts
 * (NS_TCPIP_HOSTS), local and dns (NS_DNS, against a real unbound started
 * here).  The names are chosen so that each provider knows different
 * ones ("hostsonly.rnr.test" only the hosts file, "a.rnr.test" only DNS,
 * "both.rnr.test" both with different addresses): a name space or a
 * provider id must reach only that provider, NS_ALL the first that
 * answers.  Skipped (77) without unbound.
 */
#include "config.h"

#define RNR_NO_WINSOCK_NAMES
#include "itest.h"
#include "dnsserv.h"

#include <ifaddrs.h>

#include <rnr/ws2tcpip.h>

#define DNS_ID "{8C6B8C1E-3F2A-4D55-9B0E-6A1F2C3D4E03}"

static struct rnrt_daemon daemon_;
static struct dnsserv_unbound ub;
static char ubdir[64];
static GUID dns_id, hosts_id, local_id;

static const char zone[] =
    "$ORIGIN rnr.test.\n$TTL 60\n"
    "@ 3600 IN SOA ns admin 1 3600 600 86400 2\n"
    "@ IN NS ns\nns IN A 127.0.0.1\n"
    "a IN A 192.0.2.1\na IN AAAA 2001:db8::1\n"
    "both IN A 192.0.2.77\n"
    "v6only IN AAAA 2001:db8::6\n"
    "c1 IN CNAME a\n";
static const char rev4[] =
    "$ORIGIN 2.0.192.in-addr.arpa.\n$TTL 60\n"
    "@ IN SOA ns.rnr.test. admin.rnr.test. 1 3600 600 86400 2\n"
    "@ IN NS ns.rnr.test.\n"
    "1 IN PTR a.rnr.test.\n";

static const char hosts[] =
    "127.0.0.1 localhost\n"
    "::1 localhost ip6-localhost\n"
    "198.51.100.5 hostsonly.rnr.test hostsonly\n"
    "2001:db8:5::5 hostsonly.rnr.test\n"
    "198.51.100.77 both.rnr.test\n"
    "198.51.100.9 caf\xc3\xa9.rnr.test\n";

static int group_setup(void **state)
{
    static const char *const names[] = { "rnr.test", "2.0.192.in-addr.arpa" };
    const char *zones[2] = { zone, rev4 };
    char extra[1024];
    WSADATA wd;

    (void)state;
    if (access("/usr/sbin/unbound", X_OK) != 0 && system("command -v unbound >/dev/null") != 0)
        return -1;
    strcpy(ubdir, "/tmp/rnrt-gai-XXXXXX");
    if (mkdtemp(ubdir) == NULL || dnsserv_unbound_start(&ub, ubdir, names, zones, 2) != 0)
        return -1;
    snprintf(extra, sizeof extra,
             "[provider dns]\nmodule = dns\nnamespace = NS_DNS\nid = " DNS_ID "\n"
             "servers = 127.0.0.1:%u\nsearch = rnr.test\nndots = 1\n"
             "timeout-ms = 2000\nattempts = 2\ncache-min-ttl = 0\n", ub.port);
    if (rnrt_daemon_init(&daemon_, extra) != 0 ||
        rnrt_write_file(daemon_.hosts, hosts) != 0 ||
        rnrt_daemon_start(&daemon_) != 0)
        return -1;
    dns_id = rnrt_guid(DNS_ID);
    hosts_id = rnrt_guid(RNRT_HOSTS_ID);
    local_id = rnrt_guid(RNRT_LOCAL_ID);
    return WSAStartup(MAKEWORD(2, 2), &wd);
}

static int group_teardown(void **state)
{
    char cmd[128];
    int rc;

    (void)state;
    rc = rnrt_session_end(&daemon_);
    dnsserv_unbound_stop(&ub);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", ubdir);
    if (system(cmd) != 0)
        rc = -1;
    return rc;
}

/* ---------------------------------------------------------------- helpers */

/* "family:address:port" of every element, space separated. */
static const char *show(const ADDRINFOA *ai, char *buf, size_t len)
{
    size_t n = 0;

    buf[0] = '\0';
    for (; ai != NULL; ai = ai->ai_next) {
        char a[INET6_ADDRSTRLEN];
        unsigned port;

        if (ai->ai_family == AF_INET) {
            const struct sockaddr_in *s = (const void *)ai->ai_addr;

            assert_int_equal(ai->ai_addrlen, sizeof *s);
            rnr_inet_ntop(AF_INET, &s->sin_addr, a, sizeof a);
            port = ntohs(s->sin_port);
        } else {
            const struct sockaddr_in6 *s = (const void *)ai->ai_addr;

            assert_int_equal(ai->ai_family, AF_INET6);
            assert_int_equal(ai->ai_addrlen, sizeof *s);
            rnr_inet_ntop(AF_INET6, &s->sin6_addr, a, sizeof a);
            port = ntohs(s->sin6_port);
        }
        n += (size_t)snprintf(buf + n, len - n, "%s%s:%u", n ? " " : "", a, port);
    }
    return buf;
}

static int gai(const char *node, const char *serv, int flags, int family,
               int socktype, ADDRINFOA **res)
{
    ADDRINFOA h;

    memset(&h, 0, sizeof h);
    h.ai_flags = flags;
    h.ai_family = family;
    h.ai_socktype = socktype;
    return rnr_getaddrinfo(node, serv, &h, res);
}

static void expect_gai(const char *node, const char *serv, int flags, int family,
                       const char *want)
{
    ADDRINFOA *res = NULL;
    char buf[512];
    int rc = gai(node, serv, flags, family, 0, &res);

    if (rc != 0)
        fail_msg("getaddrinfo(%s, %s): %d", node, serv ? serv : "NULL", rc);
    assert_string_equal(show(res, buf, sizeof buf), want);
    rnr_freeaddrinfo(res);
}

/* GetAddrInfoExA in name space ns / provider p: the addresses, or "" and
 * the error in *err. */
static const char *ex(const char *node, DWORD ns, GUID *p, int family, char *buf,
                      size_t len, int *err, GUID *provider_out)
{
    ADDRINFOEXA hints, *res = NULL, *i;
    size_t n = 0;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = family;
    hints.ai_flags = RNR_AI_CANONNAME;
    buf[0] = '\0';
    *err = GetAddrInfoExA(node, NULL, ns, p, &hints, &res, NULL, NULL, NULL, NULL);
    if (*err != 0) {
        assert_null(res);
        assert_int_equal(WSAGetLastError(), *err);
        return buf;
    }
    assert_int_equal(WSAGetLastError(), 0);
    for (i = res; i != NULL; i = i->ai_next) {
        char a[INET6_ADDRSTRLEN];

        assert_non_null(i->ai_provider);
        if (i->ai_family == AF_INET)
            rnr_inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)i->ai_addr)->sin_addr,
                          a, sizeof a);
        else
            rnr_inet_ntop(AF_INET6, &((struct sockaddr_in6 *)(void *)i->ai_addr)->sin6_addr,
                          a, sizeof a);
        n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " " : "", a);
    }
    if (provider_out != NULL)
        *provider_out = *res->ai_provider;
    assert_non_null(res->ai_canonname);
    FreeAddrInfoEx(res);
    return buf;
}

/* ---------------------------------------------------------------- getaddrinfo */

static void test_gai_providers(void **state)
{
    ADDRINFOA *res = NULL;
    char buf[512];

    (void)state;
    /* Provider order of the families, the hints' socket type as given. */
    expect_gai("hostsonly.rnr.test", "http", 0, AF_UNSPEC,
               "198.51.100.5:80 2001:db8:5::5:80");
    expect_gai("hostsonly", "80", 0, AF_INET, "198.51.100.5:80");
    expect_gai("hostsonly.rnr.test", NULL, 0, AF_INET6, "2001:db8:5::5:0");
    expect_gai("a.rnr.test", "domain", 0, AF_INET, "192.0.2.1:53");
    expect_gai("a.rnr.test", NULL, 0, AF_INET6, "2001:db8::1:0");
    expect_gai("v6only.rnr.test", NULL, RNR_AI_V4MAPPED, AF_INET6, "2001:db8::6:0");
    expect_gai("a.rnr.test", NULL, RNR_AI_V4MAPPED | RNR_AI_ALL, AF_INET6,
               "2001:db8::1:0 ::ffff:192.0.2.1:0");
    expect_gai("localhost", "ssh", 0, AF_INET, "127.0.0.1:22");
    /* NS_ALL: the hosts provider comes first. */
    expect_gai("both.rnr.test", NULL, 0, AF_INET, "198.51.100.77:0");

    /* The canonical name, on the first element only. */
    assert_int_equal(gai("c1.rnr.test", NULL, RNR_AI_CANONNAME, AF_INET, SOCK_STREAM, &res), 0);
    assert_non_null(res->ai_canonname);
    assert_string_equal(res->ai_canonname, "a.rnr.test");
    assert_int_equal(res->ai_socktype, SOCK_STREAM);
    assert_int_equal(res->ai_protocol, 0);
    assert_string_equal(show(res, buf, sizeof buf), "192.0.2.1:0");
    rnr_freeaddrinfo(res);
    assert_int_equal(gai("hostsonly", NULL, RNR_AI_FQDN, AF_INET, 0, &res), 0);
    assert_string_equal(res->ai_canonname, "hostsonly.rnr.test");
    rnr_freeaddrinfo(res);

    /* Errors. */
    res = (ADDRINFOA *)(uintptr_t)1;
    assert_int_equal(gai("nosuchhost.rnr.test", NULL, 0, AF_UNSPEC, 0, &res), RNR_EAI_NONAME);
    assert_null(res);
    assert_int_equal(WSAGetLastError(), WSAHOST_NOT_FOUND);
    assert_int_equal(gai("v6only.rnr.test", NULL, 0, AF_INET, 0, &res), RNR_EAI_NONAME);
    assert_int_equal(gai("hostsonly", "nosuchservice", 0, AF_UNSPEC, 0, &res), RNR_EAI_SERVICE);
    assert_int_equal(WSAGetLastError(), WSATYPE_NOT_FOUND);
    assert_int_equal(gai(NULL, "nonexistentservice", 0, 0, 0, &res), RNR_EAI_SERVICE);
    /* rnrtest is tcp only. */
    assert_int_equal(gai("localhost", "rnrtest", 0, AF_INET, SOCK_DGRAM, &res), RNR_EAI_SERVICE);
    expect_gai("localhost", "rnr-test", 0, AF_INET, "127.0.0.1:4242");

    /* "" is the local computer: the local provider's host name. */
    assert_int_equal(gai("", NULL, 0, AF_UNSPEC, 0, &res), 0);
    assert_non_null(res);
    rnr_freeaddrinfo(res);
}

static void test_gai_ex_name_spaces(void **state)
{
    char buf[256];
    GUID got;
    int err;

    (void)state;
    /* Every name space and provider id reaches only its provider. */
    assert_string_equal(ex("both.rnr.test", NS_ALL, NULL, AF_INET, buf, sizeof buf,
                           &err, &got), "198.51.100.77");
    assert_memory_equal(&got, &hosts_id, sizeof got);
    assert_string_equal(ex("both.rnr.test", NS_DNS, NULL, AF_INET, buf, sizeof buf,
                           &err, &got), "192.0.2.77");
    assert_memory_equal(&got, &dns_id, sizeof got);
    assert_string_equal(ex("both.rnr.test", NS_TCPIP_HOSTS, NULL, AF_INET, buf, sizeof buf,
                           &err, &got), "198.51.100.77");
    assert_memory_equal(&got, &hosts_id, sizeof got);
    assert_string_equal(ex("both.rnr.test", NS_ALL, &dns_id, AF_INET, buf, sizeof buf,
                           &err, &got), "192.0.2.77");
    assert_memory_equal(&got, &dns_id, sizeof got);
    assert_string_equal(ex("both.rnr.test", NS_ALL, &hosts_id, AF_INET, buf, sizeof buf,
                           &err, &got), "198.51.100.77");

    /* Names the chosen provider does not have are not found elsewhere. */
    ex("hostsonly.rnr.test", NS_DNS, NULL, AF_UNSPEC, buf, sizeof buf, &err, NULL);
    assert_int_equal(err, WSAHOST_NOT_FOUND);
    ex("hostsonly.rnr.test", NS_ALL, &dns_id, AF_UNSPEC, buf, sizeof buf, &err, NULL);
    assert_int_equal(err, WSAHOST_NOT_FOUND);
    ex("a.rnr.test", NS_TCPIP_HOSTS, NULL, AF_UNSPEC, buf, sizeof buf, &err, NULL);
    assert_int_equal(err, WSAHOST_NOT_FOUND);
    ex("a.rnr.test", NS_ALL, &hosts_id, AF_UNSPEC, buf, sizeof buf, &err, NULL);
    assert_int_equal(err, WSAHOST_NOT_FOUND);
    assert_string_equal(ex("a.rnr.test", NS_DNS, NULL, AF_UNSPEC, buf, sizeof buf,
                           &err, NULL), "192.0.2.1 2001:db8::1");
    assert_string_equal(ex("hostsonly.rnr.test", NS_TCPIP_HOSTS, NULL, AF_UNSPEC, buf, sizeof buf,
                           &err, NULL), "198.51.100.5 2001:db8:5::5");
    /* A name space nobody serves: nothing found. */
    ex("a.rnr.test", NS_NIS, NULL, AF_UNSPEC, buf, sizeof buf, &err, NULL);
    assert_int_equal(err, WSAHOST_NOT_FOUND);
}

/* Flags that only choose or filter: AI_DNS_ONLY reaches the dns provider
 * alone, the accepted hints change nothing, AI_ADDRCONFIG keeps only
 * configured families. */
static void test_gai_flags(void **state)
{
    ADDRINFOA *res = NULL, *i;
    struct ifaddrs *ifa, *p;
    int has4 = 0, has6 = 0;

    (void)state;
    expect_gai("both.rnr.test", NULL, RNR_AI_DNS_ONLY, AF_INET, "192.0.2.77:0");
    expect_gai("both.rnr.test", NULL,
               RNR_AI_NON_AUTHORITATIVE | RNR_AI_FILESERVER | RNR_AI_DISABLE_IDN_ENCODING,
               AF_INET, "198.51.100.77:0");
    assert_int_equal(gai("both.rnr.test", NULL, RNR_AI_SECURE, AF_INET, 0, &res),
                     RNR_EAI_NOSECURENAME);
    assert_int_equal(gai("both.rnr.test", NULL, RNR_AI_RETURN_PREFERRED_NAMES, AF_INET, 0,
                         &res), RNR_EAI_BADFLAGS);

    assert_int_equal(getifaddrs(&ifa), 0);
    for (p = ifa; p != NULL; p = p->ifa_next) {
        if (p->ifa_addr == NULL)
            continue;
        if (p->ifa_addr->sa_family == AF_INET &&
            (ntohl(((struct sockaddr_in *)(void *)p->ifa_addr)->sin_addr.s_addr) >> 24) != 127)
            has4 = 1;
        if (p->ifa_addr->sa_family == AF_INET6 &&
            !IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)(void *)p->ifa_addr)->sin6_addr))
            has6 = 1;
    }
    freeifaddrs(ifa);
    res = NULL;
    if (!has4 && !has6) {
        assert_int_equal(gai("hostsonly.rnr.test", NULL, RNR_AI_ADDRCONFIG, AF_UNSPEC, 0,
                             &res), RNR_EAI_NONAME);
        return;
    }
    assert_int_equal(gai("hostsonly.rnr.test", NULL, RNR_AI_ADDRCONFIG, AF_UNSPEC, 0, &res), 0);
    for (i = res; i != NULL; i = i->ai_next)
        assert_true(i->ai_family == AF_INET ? has4 : has6);
    rnr_freeaddrinfo(res);
}

/* ---------------------------------------------------------------- getnameinfo */

static int ni(const char *addr, unsigned port, int flags, char *host, char *serv)
{
    struct sockaddr_storage ss;
    socklen_t len;

    memset(&ss, 0, sizeof ss);
    if (strchr(addr, ':') != NULL) {
        struct sockaddr_in6 *s = (void *)&ss;

        s->sin6_family = AF_INET6;
        s->sin6_port = htons((uint16_t)port);
        assert_int_equal(rnr_inet_pton(AF_INET6, addr, &s->sin6_addr), 1);
        len = sizeof *s;
    } else {
        struct sockaddr_in *s = (void *)&ss;

        s->sin_family = AF_INET;
        s->sin_port = htons((uint16_t)port);
        assert_int_equal(rnr_inet_pton(AF_INET, addr, &s->sin_addr), 1);
        len = sizeof *s;
    }
    return rnr_getnameinfo((struct sockaddr *)&ss, len, host, host ? RNR_NI_MAXHOST : 0,
                           serv, serv ? RNR_NI_MAXSERV : 0, flags);
}

static void test_nameinfo(void **state)
{
    char host[RNR_NI_MAXHOST], serv[RNR_NI_MAXSERV];

    (void)state;
    assert_int_equal(ni("192.0.2.1", 80, 0, host, serv), 0);
    assert_string_equal(host, "a.rnr.test");
    assert_string_equal(serv, "http");
    assert_int_equal(ni("192.0.2.1", 53, RNR_NI_NOFQDN | RNR_NI_DGRAM, host, serv), 0);
    assert_string_equal(host, "a");
    assert_string_equal(serv, "domain");
    assert_int_equal(ni("198.51.100.5", 22, 0, host, serv), 0);
    assert_string_equal(host, "hostsonly.rnr.test");
    assert_string_equal(serv, "ssh");
    assert_int_equal(ni("2001:db8:5::5", 22, RNR_NI_NUMERICSERV, host, serv), 0);
    assert_string_equal(host, "hostsonly.rnr.test");
    assert_string_equal(serv, "22");
    /* Unknown: numeric, unless a name is required. */
    assert_int_equal(ni("192.0.2.200", 9999, 0, host, serv), 0);
    assert_string_equal(host, "192.0.2.200");
    assert_string_equal(serv, "9999");
    assert_int_equal(ni("192.0.2.200", 80, RNR_NI_NAMEREQD, host, NULL), RNR_EAI_NONAME);
    assert_int_equal(WSAGetLastError(), WSAHOST_NOT_FOUND);
    /* ftp is tcp only: the udp port stays a number. */
    assert_int_equal(ni("192.0.2.1", 21, RNR_NI_DGRAM, NULL, serv), 0);
    assert_string_equal(serv, "21");
}

/* ---------------------------------------------------------------- W twins */

static WCHAR *widen(const char *s, WCHAR *buf)
{
    size_t i;

    if (s == NULL)
        return NULL;
    for (i = 0; s[i] != '\0'; i++)
        buf[i] = (WCHAR)(unsigned char)s[i];
    buf[i] = 0;
    return buf;
}

static int wcs_eq(const WCHAR *w, const char *s)
{
    if (w == NULL || s == NULL)
        return w == NULL && s == NULL;
    for (; *s != '\0'; w++, s++)
        if (*w != (WCHAR)(unsigned char)*s)
            return 0;
    return *w == 0;
}

/* The same element by element: W's canonical name is A's widened. */
#define SAME_LIST(a, w) do {                                               \
        __typeof__(a) a_ = (a);                                            \
        __typeof__(w) w_ = (w);                                            \
        for (; a_ != NULL && w_ != NULL; a_ = a_->ai_next, w_ = w_->ai_next) { \
            assert_int_equal(a_->ai_flags, w_->ai_flags);                  \
            assert_int_equal(a_->ai_family, w_->ai_family);                \
            assert_int_equal(a_->ai_socktype, w_->ai_socktype);            \
            assert_int_equal(a_->ai_protocol, w_->ai_protocol);            \
            assert_int_equal(a_->ai_addrlen, w_->ai_addrlen);              \
            assert_memory_equal(a_->ai_addr, w_->ai_addr, a_->ai_addrlen); \
            assert_true(wcs_eq(w_->ai_canonname, a_->ai_canonname));       \
        }                                                                  \
        assert_true(a_ == NULL && w_ == NULL);                             \
    } while (0)

static void test_w_twins(void **state)
{
    static const struct { const char *node, *serv; int flags, family; } q[] = {
        { "hostsonly.rnr.test", "http", RNR_AI_CANONNAME, AF_UNSPEC },
        { "a.rnr.test", "domain", 0, AF_INET6 },
        { "c1.rnr.test", NULL, RNR_AI_CANONNAME, AF_UNSPEC },
        { "both.rnr.test", "22", RNR_AI_FQDN, AF_INET },
        { "a.rnr.test", NULL, RNR_AI_V4MAPPED | RNR_AI_ALL, AF_INET6 },
        { NULL, "ssh", RNR_AI_PASSIVE, AF_UNSPEC },
        { "nosuchhost.rnr.test", NULL, 0, AF_UNSPEC },
        { "hostsonly", "nosuchservice", 0, AF_UNSPEC },
        { "2001:db8::7", "80", RNR_AI_NUMERICHOST | RNR_AI_CANONNAME, AF_UNSPEC },
    };
    static const struct { DWORD ns; GUID *p; } spaces[] = {
        { NS_ALL, NULL }, { NS_DNS, NULL }, { NS_TCPIP_HOSTS, NULL },
        { NS_ALL, &dns_id }, { NS_ALL, &hosts_id },
    };
    WCHAR nw[128], sw[64];
    size_t i, k;

    (void)state;
    for (i = 0; i < sizeof q / sizeof q[0]; i++) {
        ADDRINFOA ha, *ra = NULL;
        ADDRINFOW hw, *rw = NULL;
        int rca, rcw;

        memset(&ha, 0, sizeof ha);
        memset(&hw, 0, sizeof hw);
        ha.ai_flags = hw.ai_flags = q[i].flags;
        ha.ai_family = hw.ai_family = q[i].family;
        rca = rnr_getaddrinfo(q[i].node, q[i].serv, &ha, &ra);
        rcw = GetAddrInfoW(widen(q[i].node, nw), widen(q[i].serv, sw), &hw, &rw);
        assert_int_equal(rca, rcw);
        SAME_LIST(ra, rw);
        rnr_freeaddrinfo(ra);
        FreeAddrInfoW(rw);

        for (k = 0; k < sizeof spaces / sizeof spaces[0]; k++) {
            ADDRINFOEXA xa, *rxa = NULL;
            ADDRINFOEXW xw, *rxw = NULL;

            memset(&xa, 0, sizeof xa);
            memset(&xw, 0, sizeof xw);
            xa.ai_flags = xw.ai_flags = q[i].flags;
            xa.ai_family = xw.ai_family = q[i].family;
            rca = GetAddrInfoExA(q[i].node, q[i].serv, spaces[k].ns, spaces[k].p, &xa,
                                 &rxa, NULL, NULL, NULL, NULL);
            rcw = GetAddrInfoExW(widen(q[i].node, nw), widen(q[i].serv, sw),
                                 spaces[k].ns, spaces[k].p, &xw, &rxw,
                                 NULL, NULL, NULL, NULL);
            assert_int_equal(rca, rcw);
            SAME_LIST(rxa, rxw);
            if (rxa != NULL && rxa->ai_provider != NULL)
                assert_memory_equal(rxa->ai_provider, rxw->ai_provider, sizeof(GUID));
            FreeAddrInfoEx(rxa);
            FreeAddrInfoExW(rxw);
        }
    }

    /* A name outside ASCII: UTF-16 in, the same host, UTF-16 out. */
    {
        static const WCHAR cafe[] = u"caf\u00e9.rnr.test";
        ADDRINFOW hw, *rw = NULL;
        ADDRINFOA ha, *ra = NULL;
        struct sockaddr_in sin;
        WCHAR hostw[RNR_NI_MAXHOST];

        memset(&hw, 0, sizeof hw);
        memset(&ha, 0, sizeof ha);
        hw.ai_flags = ha.ai_flags = RNR_AI_CANONNAME;
        assert_int_equal(GetAddrInfoW(cafe, NULL, &hw, &rw), 0);
        assert_int_equal(rnr_getaddrinfo("caf\xc3\xa9.rnr.test", NULL, &ha, &ra), 0);
        assert_memory_equal(rw->ai_canonname, cafe, sizeof cafe);
        assert_int_equal(rw->ai_family, AF_INET);
        assert_memory_equal(rw->ai_addr, ra->ai_addr, ra->ai_addrlen);
        FreeAddrInfoW(rw);
        rnr_freeaddrinfo(ra);

        memset(&sin, 0, sizeof sin);
        sin.sin_family = AF_INET;
        rnr_inet_pton(AF_INET, "198.51.100.9", &sin.sin_addr);
        assert_int_equal(GetNameInfoW((struct sockaddr *)&sin, sizeof sin, hostw,
                                      RNR_NI_MAXHOST, NULL, 0, RNR_NI_NAMEREQD), 0);
        assert_memory_equal(hostw, cafe, sizeof cafe);
        /* 13 WCHARs and the NUL: a 13-WCHAR buffer is short by one. */
        assert_int_equal(GetNameInfoW((struct sockaddr *)&sin, sizeof sin, hostw, 13,
                                      NULL, 0, RNR_NI_NAMEREQD), WSAEFAULT);
        assert_int_equal(GetNameInfoW((struct sockaddr *)&sin, sizeof sin, hostw, 14,
                                      NULL, 0, RNR_NI_NAMEREQD), 0);
    }

    /* getnameinfo's twin. */
    {
        static const char *const addrs[] = { "192.0.2.1", "198.51.100.5", "192.0.2.200" };
        static const int flags[] = { 0, RNR_NI_NOFQDN, RNR_NI_NAMEREQD, RNR_NI_DGRAM,
                                      RNR_NI_NUMERICHOST | RNR_NI_NUMERICSERV };

        for (i = 0; i < sizeof addrs / sizeof addrs[0]; i++) {
            for (k = 0; k < sizeof flags / sizeof flags[0]; k++) {
                struct sockaddr_in sin;
                char ha[RNR_NI_MAXHOST], sa[RNR_NI_MAXSERV];
                WCHAR hw[RNR_NI_MAXHOST], sv[RNR_NI_MAXSERV];
                int rca, rcw;

                memset(&sin, 0, sizeof sin);
                sin.sin_family = AF_INET;
                sin.sin_port = htons(53);
                rnr_inet_pton(AF_INET, addrs[i], &sin.sin_addr);
                rca = rnr_getnameinfo((struct sockaddr *)&sin, sizeof sin, ha, sizeof ha,
                                      sa, sizeof sa, flags[k]);
                rcw = GetNameInfoW((struct sockaddr *)&sin, sizeof sin, hw, RNR_NI_MAXHOST,
                                   sv, RNR_NI_MAXSERV, flags[k]);
                assert_int_equal(rca, rcw);
                if (rca == 0) {
                    assert_true(wcs_eq(hw, ha));
                    assert_true(wcs_eq(sv, sa));
                }
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gai_providers),
        cmocka_unit_test(test_gai_ex_name_spaces),
        cmocka_unit_test(test_gai_flags),
        cmocka_unit_test(test_nameinfo),
        cmocka_unit_test(test_w_twins),
    };

    if (system("command -v unbound >/dev/null 2>&1") != 0 &&
        access("/usr/sbin/unbound", X_OK) != 0) {
        fprintf(stderr, "unbound not installed: skipped\n");
        return 77;
    }
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
