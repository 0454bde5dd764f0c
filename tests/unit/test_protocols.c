/* SPDX-License-Identifier: MIT */
/*
 * WSAEnumProtocols without a daemon: every field of the four entries,
 * catalog order, lpiProtocols filtering, buffer sizing (NULL buffer, one
 * byte short, exact), IPv6 left out when the kernel refuses it, and entries
 * kept when socket() fails for want of descriptors.
 *
 * The test defines socket() itself.  librnr's socket() calls bind to this
 * definition (an executable's symbols come first), so the test decides
 * which transports the "kernel" offers; by default it passes through.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include <rnr/winsock2.h>

#define CANARY 0xA5
#define ANY_FAMILY (-2)

static int g_deny_family = -1;    /* -1: none; ANY_FAMILY: every family */
static int g_deny_errno;

int socket(int domain, int type, int protocol)
{
    if (g_deny_family == ANY_FAMILY || domain == g_deny_family) {
        errno = g_deny_errno;
        return -1;
    }
    return (int)syscall(SYS_socket, domain, type, protocol);
}

static void deny(int family, int err)
{
    g_deny_family = family;
    g_deny_errno = err;
}

static int all_bytes(const void *p, size_t len, int value)
{
    const unsigned char *b = p;
    size_t i;

    for (i = 0; i < len; i++)
        if (b[i] != (unsigned char)value)
            return 0;
    return 1;
}

/* What each entry must say, written out independently of librnr. */
struct expect {
    DWORD       catalog_id;
    int         family;
    int         type;
    int         protocol;
    DWORD       flags;
    int         sockaddr_len;
    DWORD       message_size;
    const char *name;
};

static const struct expect g_expect[] = {
    { 1001, AF_INET,  SOCK_STREAM, IPPROTO_TCP, 0x20066, 16, 0,     "rnr Tcpip [TCP/IP]" },
    /* Windows' figures (Wine's tests and table): the same UDP flags and
     * message size for both families. */
    { 1002, AF_INET,  SOCK_DGRAM,  IPPROTO_UDP, 0x20609, 16, 65467, "rnr Tcpip [UDP/IP]" },
    { 1003, AF_INET6, SOCK_STREAM, IPPROTO_TCP, 0x20066, 28, 0,     "rnr Tcpip [TCP/IPv6]" },
    { 1004, AF_INET6, SOCK_DGRAM,  IPPROTO_UDP, 0x20609, 28, 65467, "rnr Tcpip [UDP/IPv6]" },
};

static int have_ipv6(void)
{
    int fd = (int)syscall(SYS_socket, AF_INET6, SOCK_DGRAM, 0);

    if (fd < 0)
        return 0;
    close(fd);
    return 1;
}

/* Call with a NULL buffer to learn the size, then with exactly that. */
static int enum_all(INT *filter, WSAPROTOCOL_INFOA *buf, size_t cap, DWORD *size)
{
    DWORD len = 0;
    int n;

    n = WSAEnumProtocolsA(filter, NULL, &len);
    if (n == SOCKET_ERROR) {
        assert_int_equal(WSAGetLastError(), WSAENOBUFS);
        assert_true(len > 0 && len % sizeof(WSAPROTOCOL_INFOA) == 0);
    } else {
        assert_int_equal(n, 0);
        assert_int_equal(len, 0);
    }
    assert_true(len <= cap * sizeof(WSAPROTOCOL_INFOA));
    *size = len;
    n = WSAEnumProtocolsA(filter, buf, &len);
    assert_int_not_equal(n, SOCKET_ERROR);
    assert_int_equal(len, *size);
    assert_int_equal((size_t)n * sizeof(WSAPROTOCOL_INFOA), len);
    return n;
}

static void check_entry(const WSAPROTOCOL_INFOA *p, const struct expect *e)
{
    static const GUID provider = RNR_TCPIP_PROVIDER_GUID;
    WSAPROTOCOLCHAIN chain;

    assert_int_equal(p->dwServiceFlags1, e->flags);
    assert_int_equal(p->dwServiceFlags2, 0);
    assert_int_equal(p->dwServiceFlags3, 0);
    assert_int_equal(p->dwServiceFlags4, 0);
    assert_int_equal(p->dwProviderFlags, PFL_MATCHES_PROTOCOL_ZERO);
    assert_memory_equal(&p->ProviderId, &provider, sizeof(GUID));
    assert_int_equal(p->dwCatalogEntryId, e->catalog_id);
    memset(&chain, 0, sizeof(chain));
    chain.ChainLen = BASE_PROTOCOL;
    assert_memory_equal(&p->ProtocolChain, &chain, sizeof(chain));
    assert_int_equal(p->iVersion, 2);
    assert_int_equal(p->iAddressFamily, e->family);
    assert_int_equal(p->iMaxSockAddr, e->sockaddr_len);
    assert_int_equal(p->iMinSockAddr, e->sockaddr_len);
    assert_int_equal(p->iSocketType, e->type);
    assert_int_equal(p->iProtocol, e->protocol);
    assert_int_equal(p->iProtocolMaxOffset, 0);
    assert_int_equal(p->iNetworkByteOrder, BIGENDIAN);
    assert_int_equal(p->iSecurityScheme, SECURITY_PROTOCOL_NONE);
    assert_int_equal(p->dwMessageSize, e->message_size);
    assert_int_equal(p->dwProviderReserved, 0);
    assert_string_equal(p->szProtocol, e->name);
    /* The name is NUL-padded to the end: no stale bytes in the struct. */
    assert_true(all_bytes(p->szProtocol + strlen(e->name), sizeof(p->szProtocol) -
                          strlen(e->name), 0));
}

/* ------------------------------------------------------------------ */

static void test_layout(void **state)
{
    (void)state;
    /* The SDK's member order (constants.md and the reference). */
    assert_int_equal(offsetof(WSAPROTOCOL_INFOA, dwServiceFlags1), 0);
    assert_int_equal(offsetof(WSAPROTOCOL_INFOA, dwProviderFlags), 16);
    assert_int_equal(offsetof(WSAPROTOCOL_INFOA, ProviderId), 20);
    assert_int_equal(offsetof(WSAPROTOCOL_INFOA, dwCatalogEntryId), 36);
    assert_int_equal(offsetof(WSAPROTOCOL_INFOA, ProtocolChain), 40);
    assert_int_equal(sizeof(WSAPROTOCOLCHAIN), 4 + 4 * MAX_PROTOCOL_CHAIN);
    assert_int_equal(offsetof(WSAPROTOCOL_INFOA, iVersion), 72);
    assert_int_equal(offsetof(WSAPROTOCOL_INFOA, dwMessageSize), 108);
    assert_int_equal(offsetof(WSAPROTOCOL_INFOA, szProtocol), 116);
    assert_int_equal(sizeof(WSAPROTOCOL_INFOA), 116 + WSAPROTOCOL_LEN + 1);
    assert_int_equal(sizeof(WSAPROTOCOL_INFO), sizeof(WSAPROTOCOL_INFOA));
    assert_int_equal(XP1_PARTIAL_MESSAGE, 0x40000);
    assert_int_equal(PFL_MULTIPLE_PROTOCOL_ENTRIES, PFL_MULTIPLE_PROTO_ENTRIES);
}

static void test_all_entries(void **state)
{
    WSAPROTOCOL_INFOA buf[4];
    DWORD size;
    int n, i, want = have_ipv6() ? 4 : 2;

    (void)state;
    n = enum_all(NULL, buf, 4, &size);
    assert_int_equal(n, want);
    for (i = 0; i < n; i++)
        check_entry(&buf[i], &g_expect[i]);
}

/* Every entry describes a socket this process really can open, also with
 * protocol 0 (PFL_MATCHES_PROTOCOL_ZERO), and its sockaddr size is the one
 * WSAStringToAddress produces for the family. */
static void test_entries_usable(void **state)
{
    WSAPROTOCOL_INFOA buf[4];
    DWORD size;
    int n, i;

    (void)state;
    n = enum_all(NULL, buf, 4, &size);
    for (i = 0; i < n; i++) {
        struct sockaddr_storage ss;
        int fd, proto = -1, len = (int)sizeof(ss);
        socklen_t plen = sizeof(proto);

        fd = socket(buf[i].iAddressFamily, buf[i].iSocketType, 0);
        assert_true(fd >= 0);
        assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &plen), 0);
        assert_int_equal(proto, buf[i].iProtocol);
        close(fd);
        assert_int_equal(WSAStringToAddressA(buf[i].iAddressFamily == AF_INET
                                             ? "127.0.0.1:1" : "[::1]:1",
                                             buf[i].iAddressFamily, &buf[i],
                                             (LPSOCKADDR)&ss, &len), 0);
        assert_int_equal(len, buf[i].iMaxSockAddr);
    }
}

static void test_buffer_boundary(void **state)
{
    WSAPROTOCOL_INFOA buf[5];
    DWORD need = 0, len;
    int n;

    (void)state;
    assert_int_equal(WSAEnumProtocolsA(NULL, NULL, &need), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAENOBUFS);
    n = (int)(need / sizeof(WSAPROTOCOL_INFOA));
    assert_true(n == 2 || n == 4);

    /* A NULL buffer is a size query whatever length comes with it. */
    len = 100000;
    assert_int_equal(WSAEnumProtocolsA(NULL, NULL, &len), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAENOBUFS);
    assert_int_equal(len, need);

    /* One byte short: nothing written, the size given. */
    memset(buf, CANARY, sizeof(buf));
    len = need - 1;
    assert_int_equal(WSAEnumProtocolsA(NULL, buf, &len), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAENOBUFS);
    assert_int_equal(len, need);
    assert_true(all_bytes(buf, sizeof(buf), CANARY));

    len = 0;
    assert_int_equal(WSAEnumProtocolsA(NULL, buf, &len), SOCKET_ERROR);
    assert_int_equal(len, need);

    /* Exactly enough: n entries, nothing past them. */
    len = need;
    assert_int_equal(WSAEnumProtocolsA(NULL, buf, &len), n);
    assert_int_equal(len, need);
    assert_true(all_bytes((char *)buf + need, sizeof(buf) - need, CANARY));

    /* More than enough: the same, and the size needed reported. */
    len = sizeof(buf);
    assert_int_equal(WSAEnumProtocols(NULL, buf, &len), n);
    assert_int_equal(len, need);
    assert_ptr_equal((void *)WSAEnumProtocols, (void *)WSAEnumProtocolsA);
}

static void test_filter(void **state)
{
    WSAPROTOCOL_INFOA buf[4];
    INT tcp[] = { IPPROTO_TCP, 0 };
    INT udp[] = { IPPROTO_UDP, 0 };
    INT both[] = { IPPROTO_UDP, IPPROTO_TCP, 0 };
    INT twice[] = { IPPROTO_TCP, IPPROTO_TCP, IPPROTO_TCP, 0 };
    INT other[] = { IPPROTO_ICMP, IPPROTO_RAW, 0 };
    INT empty[] = { 0 };
    INT stops[] = { IPPROTO_TCP, 0, IPPROTO_UDP };
    DWORD size, len;
    int n, v6 = have_ipv6();

    (void)state;
    n = enum_all(tcp, buf, 4, &size);
    assert_int_equal(n, v6 ? 2 : 1);
    check_entry(&buf[0], &g_expect[0]);
    if (v6)
        check_entry(&buf[1], &g_expect[2]);

    n = enum_all(udp, buf, 4, &size);
    assert_int_equal(n, v6 ? 2 : 1);
    check_entry(&buf[0], &g_expect[1]);
    if (v6)
        check_entry(&buf[1], &g_expect[3]);

    /* Catalog order, not the filter's; no entry twice. */
    n = enum_all(both, buf, 4, &size);
    assert_int_equal(n, v6 ? 4 : 2);
    check_entry(&buf[0], &g_expect[0]);
    check_entry(&buf[1], &g_expect[1]);
    n = enum_all(twice, buf, 4, &size);
    assert_int_equal(n, v6 ? 2 : 1);

    /* The list ends at the first 0. */
    n = enum_all(stops, buf, 4, &size);
    assert_int_equal(n, v6 ? 2 : 1);
    assert_int_equal(buf[0].iProtocol, IPPROTO_TCP);

    /* Nothing matches: 0 entries, no buffer needed. */
    len = 0;
    assert_int_equal(WSAEnumProtocolsA(other, NULL, &len), 0);
    assert_int_equal(len, 0);
    len = 0;
    assert_int_equal(WSAEnumProtocolsA(empty, NULL, &len), 0);
    assert_int_equal(len, 0);
}

static void test_without_ipv6(void **state)
{
    WSAPROTOCOL_INFOA buf[4];
    INT udp[] = { IPPROTO_UDP, 0 };
    DWORD size;
    int n;

    (void)state;
    deny(AF_INET6, EAFNOSUPPORT);
    n = enum_all(NULL, buf, 4, &size);
    assert_int_equal(n, 2);
    assert_int_equal(size, 2 * sizeof(WSAPROTOCOL_INFOA));
    check_entry(&buf[0], &g_expect[0]);
    check_entry(&buf[1], &g_expect[1]);
    n = enum_all(udp, buf, 4, &size);
    assert_int_equal(n, 1);
    check_entry(&buf[0], &g_expect[1]);

    /* Forbidden by policy counts as absent too. */
    deny(AF_INET6, EACCES);
    assert_int_equal(enum_all(NULL, buf, 4, &size), 2);
    deny(-1, 0);
}

static void test_nothing_available(void **state)
{
    WSAPROTOCOL_INFOA buf[4];
    DWORD len = 0;

    (void)state;
    deny(ANY_FAMILY, EAFNOSUPPORT);
    assert_int_equal(WSAEnumProtocolsA(NULL, NULL, &len), 0);
    assert_int_equal(len, 0);
    len = sizeof(buf);
    assert_int_equal(WSAEnumProtocolsA(NULL, buf, &len), 0);
    assert_int_equal(len, 0);
    deny(-1, 0);
}

/* Running out of descriptors or memory must not hide a transport: the
 * count may not change between a sizing call and a filling call. */
static void test_transient_errors_keep_entries(void **state)
{
    static const int errs[] = { EMFILE, ENFILE, ENOBUFS, ENOMEM };
    WSAPROTOCOL_INFOA buf[4];
    DWORD size;
    size_t i;
    int j;

    (void)state;
    for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
        deny(ANY_FAMILY, errs[i]);
        assert_int_equal(enum_all(NULL, buf, 4, &size), 4);
        for (j = 0; j < 4; j++)
            check_entry(&buf[j], &g_expect[j]);
    }
    deny(-1, 0);
}

/* Same answer every time, errno and the last error left alone. */
static void test_stable_and_quiet(void **state)
{
    WSAPROTOCOL_INFOA a[4], b[4];
    DWORD sa, sb;
    int na, nb;

    (void)state;
    memset(a, 0, sizeof(a));
    memset(b, 0xff, sizeof(b));
    WSASetLastError(4321);
    errno = 1234;
    na = enum_all(NULL, a, 4, &sa);
    assert_int_equal(errno, 1234);
    nb = enum_all(NULL, b, 4, &sb);
    assert_int_equal(na, nb);
    assert_int_equal(sa, sb);
    assert_memory_equal(a, b, sa);
    /* enum_all's sizing call failed with WSAENOBUFS; a success alone keeps it. */
    WSASetLastError(4321);
    sb = sizeof(b);
    assert_int_equal(WSAEnumProtocolsA(NULL, b, &sb), na);
    assert_int_equal(WSAGetLastError(), 4321);
}

static void test_errors(void **state)
{
    WSAPROTOCOL_INFOA buf[4];
    DWORD len = sizeof(buf);
    WSADATA d;

    (void)state;
    assert_int_equal(WSAEnumProtocolsA(NULL, buf, NULL), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);

    assert_int_equal(WSACleanup(), 0);
    assert_int_equal(WSAEnumProtocolsA(NULL, buf, &len), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSANOTINITIALISED);
    assert_int_equal(len, sizeof(buf));
    assert_int_equal(WSAStartup(MAKEWORD(2, 2), &d), 0);
}

/* ------------------------------------------------------------------ */

static int group_setup(void **state)
{
    WSADATA d;

    (void)state;
    return WSAStartup(MAKEWORD(2, 2), &d);
}

static int group_teardown(void **state)
{
    (void)state;
    return WSACleanup();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_all_entries),
        cmocka_unit_test(test_entries_usable),
        cmocka_unit_test(test_buffer_boundary),
        cmocka_unit_test(test_filter),
        cmocka_unit_test(test_without_ipv6),
        cmocka_unit_test(test_nothing_available),
        cmocka_unit_test(test_transient_errors_keep_entries),
        cmocka_unit_test(test_stable_and_quiet),
        cmocka_unit_test(test_errors),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
