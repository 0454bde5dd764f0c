/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the integration tests (header-only). */
#ifndef RNRT_ITEST_H
#define RNRT_ITEST_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <cmocka.h>
#include <unistd.h>

#include <rnr/winsock2.h>
#include "guid.h"
#include "harness.h"

#define RNRT_MODULE_TESTPROV BUILDDIR "/tests/integration/.libs/testprov.so"

/* One lookup, every result collected as a flat copy. */
struct rnrt_results {
    int           status;      /* 0, or the Begin/first-Next error */
    size_t        n;
    WSAQUERYSETA *r[64];
};

static inline void rnrt_results_free(struct rnrt_results *res)
{
    size_t i;
    for (i = 0; i < res->n; i++)
        free(res->r[i]);
    res->n = 0;
}

static inline int rnrt_lookup(const WSAQUERYSETA *q, DWORD flags, struct rnrt_results *res)
{
    HANDLE h;
    memset(res, 0, sizeof *res);
    if (WSALookupServiceBegin((LPWSAQUERYSETA)q, flags, &h) != 0) {
        res->status = WSAGetLastError();
        return res->status;
    }
    for (;;) {
        DWORD len = 0;
        WSAQUERYSETA *buf;
        int rc = WSALookupServiceNext(h, 0, &len, NULL);
        int err = rc == 0 ? 0 : WSAGetLastError();
        if (err != WSAEFAULT) {
            if (res->n == 0 && err != WSA_E_NO_MORE)
                res->status = err;
            break;
        }
        buf = malloc(len);
        if (buf == NULL)
            break;
        if (WSALookupServiceNext(h, 0, &len, buf) != 0) {
            res->status = WSAGetLastError();
            free(buf);
            break;
        }
        if (res->n < 64)
            res->r[res->n++] = buf;
        else
            free(buf);
    }
    WSALookupServiceEnd(h);
    return res->status;
}

/* A bare connection to the daemon's socket, for speaking the wire
 * protocol without librnr. */
static inline int rnrt_raw_connect(const struct rnrt_daemon *d)
{
    struct sockaddr_un sun;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    assert_true(fd >= 0);
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    assert_true(strlen(d->sock) < sizeof sun.sun_path);
    memcpy(sun.sun_path, d->sock, strlen(d->sock) + 1);
    assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof sun), 0);
    return fd;
}

/* The end of a test group: WSACleanup, then rnrd stopped (its exit status
 * returned: it must exit cleanly on SIGTERM) and its directory removed. */
static inline int rnrt_session_end(struct rnrt_daemon *d)
{
    int rc;
    WSACleanup();
    rc = rnrt_daemon_stop(d);
    rnrt_daemon_destroy(d);
    return rc;
}

static inline void rnrt_qs_init(WSAQUERYSETA *q, GUID *cls, const char *name)
{
    memset(q, 0, sizeof *q);
    q->dwSize = sizeof *q;
    q->lpServiceClassId = cls;
    q->lpszServiceInstanceName = (char *)name;
    q->dwNameSpace = NS_ALL;
}

static inline GUID rnrt_guid(const char *s)
{
    GUID g;
    memset(&g, 0, sizeof g);
    assert_int_equal(rnr_guid_parse(s, &g), 0);
    return g;
}

/* Text of CSADDR i's remote address ("192.0.2.10:0", "[2001:db8::10]:0"). */
static inline const char *rnrt_addr(const WSAQUERYSETA *r, DWORD i, char *buf, size_t len)
{
    const struct sockaddr *sa = r->lpcsaBuffer[i].RemoteAddr.lpSockaddr;
    char a[INET6_ADDRSTRLEN];
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s4 = (const void *)sa;
        inet_ntop(AF_INET, &s4->sin_addr, a, sizeof a);
        snprintf(buf, len, "%s:%u", a, ntohs(s4->sin_port));
    } else {
        const struct sockaddr_in6 *s6 = (const void *)sa;
        inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof a);
        snprintf(buf, len, "[%s]:%u", a, ntohs(s6->sin6_port));
    }
    return buf;
}

/* One TCP transport address, ip4 (host order) : port, in ca; sin holds it. */
static inline void rnrt_csaddr_tcp4(CSADDR_INFO *ca, struct sockaddr_in *sin, uint32_t ip4,
                                    uint16_t port)
{
    memset(sin, 0, sizeof *sin);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    sin->sin_addr.s_addr = htonl(ip4);
    memset(ca, 0, sizeof *ca);
    ca->RemoteAddr.lpSockaddr = (LPSOCKADDR)sin;
    ca->RemoteAddr.iSockaddrLength = sizeof *sin;
    ca->iSocketType = SOCK_STREAM;
    ca->iProtocol = IPPROTO_TCP;
}

/* Blocks for one byte on fd (a test's FIFO from a provider). */
static inline void rnrt_read_byte(int fd)
{
    char b;
    ssize_t n;

    do
        n = read(fd, &b, 1);
    while (n < 0 && errno == EINTR);
    assert_int_equal(n, 1);
}

#endif
