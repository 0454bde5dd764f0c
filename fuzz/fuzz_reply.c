/* SPDX-License-Identifier: MIT */
/*
 * The library side of the wire protocol: librnr's reply and pushed-frame
 * decoding (client/conn_read.c, lookup.c, classes.c, providers.c, and the
 * hostent / servent blobs of getXbyY) against a fake rnrd that answers
 * the first request of each input with the input's bytes.
 *
 * Input: byte 0 picks the API call; the rest is what the "daemon" sends
 * on the connection, verbatim, except that reply frames (type with
 * RNR_MSG_REPLY) found by walking the frame lengths get the request's id.
 * Then the daemon shuts its side down: librnr sees the end of the
 * connection after the last byte, so no call can wait forever.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <rnr/winsock2.h>

#include "wire.h"

#include "fuzz.h"

static int g_lfd = -1;
static char g_dir[48], g_sock[64];
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cond = PTHREAD_COND_INITIALIZER;
static const uint8_t *g_payload;
static size_t g_len;
static int g_served;               /* the payload went out this input */
static unsigned g_busy;            /* connections accepted, not closed */

static const GUID g_host = SVCID_INET_HOSTADDRBYNAME;
static const GUID g_cls = { 0x5555, 0, 0, { 0xC0, 0, 0, 0, 0, 0, 0, 0x46 } };

static int read_full(int fd, void *p, size_t n)
{
    size_t off = 0;

    while (off < n) {
        ssize_t r = read(fd, (uint8_t *)p + off, n - off);

        if (r <= 0)
            return -1;
        off += (size_t)r;
    }
    return 0;
}

/* Answer one connection: the payload to its first request (the first
 * connection of an input only), then the end of the stream. */
static void serve(int fd)
{
    uint8_t hdr[RNR_WIRE_HDR_LEN], *out = NULL, buf[4096];
    struct timeval tv = { 2, 0 };
    uint32_t len, id;
    size_t off, n;
    int first;

    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (read_full(fd, hdr, sizeof hdr) != 0)
        goto drain;
    len = rnr_le32_load(hdr);
    id = rnr_le32_load(hdr + 8);
    for (off = RNR_WIRE_HDR_LEN; off < len; off += n) {
        n = len - off < sizeof buf ? len - off : sizeof buf;
        if (read_full(fd, buf, n) != 0)
            goto drain;
    }
    pthread_mutex_lock(&g_lock);
    first = !g_served;
    g_served = 1;
    if (first && g_len > 0) {
        out = malloc(g_len);
        FUZZ_CHECK(out != NULL);
        memcpy(out, g_payload, g_len);
        n = g_len;
    }
    pthread_mutex_unlock(&g_lock);
    if (out != NULL) {
        for (off = 0; off + RNR_WIRE_HDR_LEN <= n;) {
            uint32_t flen = rnr_le32_load(out + off);
            uint16_t type = (uint16_t)(out[off + 6] | out[off + 7] << 8);
            if (type & RNR_MSG_REPLY)
                rnr_le32_store(out + off + 8, id);
            if (flen < RNR_WIRE_HDR_LEN)
                break;
            off += flen;
        }
        for (off = 0; off < n;) {
            ssize_t w = send(fd, out + off, n - off, MSG_NOSIGNAL);

            if (w <= 0)
                break;
            off += (size_t)w;
        }
        free(out);
    }
drain:
    shutdown(fd, SHUT_WR);
    while (read(fd, buf, sizeof buf) > 0)
        ;
    close(fd);
}

static void *server(void *arg)
{
    (void)arg;
    for (;;) {
        int fd = accept4(g_lfd, NULL, NULL, SOCK_CLOEXEC);

        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            return NULL;
        }
        pthread_mutex_lock(&g_lock);
        g_busy++;
        pthread_mutex_unlock(&g_lock);
        serve(fd);
        pthread_mutex_lock(&g_lock);
        g_busy--;
        pthread_cond_broadcast(&g_cond);
        pthread_mutex_unlock(&g_lock);
    }
}

static void cleanup(void)
{
    unlink(g_sock);
    rmdir(g_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct sockaddr_un sa;
    pthread_t t;

    (void)argc;
    (void)argv;
    snprintf(g_dir, sizeof g_dir, "/tmp/rnr-fuzz-reply.XXXXXX");
    FUZZ_CHECK(mkdtemp(g_dir) != NULL);
    snprintf(g_sock, sizeof g_sock, "%s/sock", g_dir);
    atexit(cleanup);
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", g_sock);
    g_lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    FUZZ_CHECK(g_lfd >= 0);
    FUZZ_CHECK(bind(g_lfd, (struct sockaddr *)&sa, sizeof sa) == 0);
    FUZZ_CHECK(listen(g_lfd, 16) == 0);
    setenv(RNR_SOCKET_ENV, g_sock, 1);
    FUZZ_CHECK(pthread_create(&t, NULL, server, NULL) == 0);
    pthread_detach(t);
    return 0;
}

static void do_lookup(void)
{
    WSAQUERYSETA q, *res = NULL;
    HANDLE h;
    DWORD len = 32;
    int i;

    memset(&q, 0, sizeof q);
    q.dwSize = sizeof q;
    q.lpszServiceInstanceName = "www.example.com";
    q.lpServiceClassId = (LPGUID)&g_host;
    q.dwNameSpace = NS_ALL;
    if (WSALookupServiceBeginA(&q, LUP_RETURN_ALL, &h) != 0)
        return;
    res = malloc(len);
    FUZZ_CHECK(res != NULL);
    for (i = 0; i < 64; i++) {
        DWORD want = len;

        if (WSALookupServiceNextA(h, 0, &want, res) == 0) {
            FUZZ_CHECK(res->dwSize == sizeof *res);
            continue;
        }
        if (WSAGetLastError() != WSAEFAULT)
            break;
        FUZZ_CHECK(want > len);
        free(res);
        len = want;
        res = malloc(len);
        FUZZ_CHECK(res != NULL);
    }
    free(res);
    WSALookupServiceEnd(h);
}

/* A call that fills a caller buffer: first with none, then with the size
 * it asked for. */
static void do_enum(int which)
{
    DWORD len = 0;
    void *buf = NULL;
    GUID cls = g_cls;
    char name[64];
    int rc;

    switch (which) {
    case 0:
        rc = WSAEnumNameSpaceProvidersA(&len, NULL);
        break;
    case 1:
        rc = rnr_enum_service_classes(&len, NULL);
        break;
    case 2:
        rc = WSAGetServiceClassInfoA(&cls, &cls, &len, NULL);
        break;
    default:
        len = 4;
        rc = WSAGetServiceClassNameByServiceClassIdA(&cls, name, &len);
        if (rc == 0)
            FUZZ_CHECK(memchr(name, 0, sizeof name) != NULL);
        return;
    }
    if (rc != SOCKET_ERROR || WSAGetLastError() != WSAEFAULT)
        return;
    FUZZ_CHECK(len > 0 && len < (64u << 20));
    buf = malloc(len);
    FUZZ_CHECK(buf != NULL);
    switch (which) {
    case 0: (void)WSAEnumNameSpaceProvidersA(&len, buf); break;
    case 1: (void)rnr_enum_service_classes(&len, buf); break;
    default: (void)WSAGetServiceClassInfoA(&cls, &cls, &len, buf); break;
    }
    free(buf);
}

static void do_call(unsigned op)
{
    WSAQUERYSETA q;
    WSASERVICECLASSINFOA ci;
    GUID cls = g_cls;

    switch (op) {
    case 0:
        do_lookup();
        break;
    case 1: case 2: case 3: case 5:
        do_enum(op == 1 ? 2 : op == 2 ? 3 : op == 3 ? 0 : 1);
        break;
    case 4:
        memset(&q, 0, sizeof q);
        q.dwSize = sizeof q;
        q.lpszServiceInstanceName = "svc";
        q.lpServiceClassId = &cls;
        q.dwNameSpace = NS_ALL;
        (void)WSASetServiceA(&q, RNRSERVICE_REGISTER, 0);
        break;
    case 6:
        memset(&ci, 0, sizeof ci);
        ci.lpServiceClassId = &cls;
        ci.lpszServiceClassName = "Example";
        (void)WSAInstallServiceClassA(&ci);
        break;
    case 7:
        (void)WSARemoveServiceClass(&cls);
        break;
    case 8:
        (void)rnr_gethostbyname("www.example.com");
        break;
    default:
        (void)rnr_getservbyname("http", "tcp");
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    WSADATA wd;
    struct pollfd pfd;

    if (size < 1)
        return 0;
    pthread_mutex_lock(&g_lock);
    g_payload = data + 1;
    g_len = size - 1;
    g_served = 0;
    pthread_mutex_unlock(&g_lock);

    FUZZ_CHECK(WSAStartup(MAKEWORD(2, 2), &wd) == 0);
    do_call(data[0] % 10);
    WSACleanup();

    /* Wait until the server is done with every connection of this input
     * (the payload belongs to the caller once we return). */
    pthread_mutex_lock(&g_lock);
    for (;;) {
        pfd.fd = g_lfd;
        pfd.events = POLLIN;
        if (g_busy == 0 && poll(&pfd, 1, 0) == 0)
            break;
        pthread_mutex_unlock(&g_lock);
        usleep(100);
        pthread_mutex_lock(&g_lock);
    }
    g_payload = NULL;
    g_len = 0;
    pthread_mutex_unlock(&g_lock);
    return 0;
}
