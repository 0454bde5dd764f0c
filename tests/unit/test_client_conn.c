/* SPDX-License-Identifier: MIT */
/*
 * librnr's connection logic against a fake rnrd: a thread listening on a
 * temporary AF_UNIX socket that speaks the wire protocol (nsp/wire.h) and
 * behaves as the instance name of each LOOKUP_BEGIN asks:
 *
 *   push:N[:S]   reply, N results (comment of S bytes), DONE 0, one write
 *   slow:N       reply; results and DONE 100 ms later
 *   none         reply, DONE WSAHOST_NOT_FOUND
 *   fail         reply WSASERVICE_NOT_FOUND
 *   hang         reply, then nothing
 *   eof          reply, then close the connection
 *   eofnoreply   close the connection without replying
 *   garbage      reply, then a frame with a bad header
 *   badresult    reply, then a RESULT whose body does not parse
 *   N/tcp        (SERVICEBYNAME) a result named "ftp" for 21/tcp, else WSANO_DATA
 *
 * Checked: results pushed before Next, the WSAEFAULT retry loop,
 * LUP_FLUSHPREVIOUS, DONE statuses, cancellation of a blocked Next from
 * another thread (and by WSACleanup), EOF / bad frames -> WSASYSNOTREADY
 * then reconnection, daemon down and back, many threads at once, fork, and
 * the class / provider calls' buffer layouts.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <rnr/winsock2.h>
#include "alloc.h"
#include "wire.h"

/* ------------------------------------------------------------------ */
/* the fake daemon                                                      */
/* ------------------------------------------------------------------ */

#define MAX_CONNS 64

static const GUID g_test_provider = { 0x11223344, 0x5566, 0x7788,
                                      { 1, 2, 3, 4, 5, 6, 7, 8 } };
static const GUID g_test_class = { 0xDEADBEEF, 0x1, 0x2, { 9, 9, 9, 9, 9, 9, 9, 9 } };

struct fake {
    char            dir[64];
    char            path[128];
    int             lfd;
    pthread_t       acceptor;
    pthread_mutex_t mu;
    pthread_t       threads[MAX_CONNS];
    int             fds[MAX_CONNS];
    int             nconn;
    int             accepted;
    int             ends;
    uint32_t        next_handle;
};

static struct fake F = { .mu = PTHREAD_MUTEX_INITIALIZER };

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static int fake_get(int *field)
{
    int v;

    pthread_mutex_lock(&F.mu);
    v = *field;
    pthread_mutex_unlock(&F.mu);
    return v;
}

/* Wait (up to 2 s) until *field reaches want. */
static int fake_wait(int *field, int want)
{
    int i;

    for (i = 0; i < 200; i++) {
        if (fake_get(field) >= want)
            return 1;
        sleep_ms(10);
    }
    return 0;
}

static int read_full(int fd, void *p, size_t n)
{
    uint8_t *b = p;

    while (n > 0) {
        ssize_t k = read(fd, b, n);

        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        b += k;
        n -= (size_t)k;
    }
    return 0;
}

static int write_full(int fd, const void *p, size_t n)
{
    const uint8_t *b = p;

    while (n > 0) {
        ssize_t k = send(fd, b, n, MSG_NOSIGNAL);

        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        b += k;
        n -= (size_t)k;
    }
    return 0;
}

static void put_result(struct rnr_wbuf *w, uint32_t handle, const GUID *cls,
                       const char *name, size_t comment_len)
{
    WSAQUERYSETA qs;
    char *comment = NULL;

    memset(&qs, 0, sizeof(qs));
    qs.dwSize = sizeof(qs);
    qs.lpszServiceInstanceName = (char *)name;
    qs.lpServiceClassId = (GUID *)cls;
    qs.dwNameSpace = NS_TCPIP_HOSTS;
    qs.lpNSProviderId = (GUID *)&g_test_provider;
    if (comment_len > 0) {
        comment = malloc(comment_len + 1);
        memset(comment, 'c', comment_len);
        comment[comment_len] = '\0';
        qs.lpszComment = comment;
    }
    rnr_wire_frame_begin(w, RNR_MSG_LOOKUP_RESULT, handle, 0);
    rnr_wire_put_queryset(w, &qs);
    rnr_wire_frame_end(w, RNR_WIRE_MAX_FRAME);
    free(comment);
}

static void put_results(struct rnr_wbuf *w, uint32_t handle, const GUID *cls,
                        int n, size_t comment_len)
{
    int i;

    for (i = 0; i < n; i++) {
        char name[32];

        snprintf(name, sizeof(name), "result-%d", i);
        put_result(w, handle, cls, name, comment_len);
    }
    rnr_wire_frame_begin(w, RNR_MSG_LOOKUP_DONE, handle, 0);
    rnr_wire_frame_end(w, RNR_WIRE_MAX_FRAME);
}

static void put_status(struct rnr_wbuf *w, uint16_t type, uint32_t id, uint32_t status)
{
    rnr_wire_frame_begin(w, (uint16_t)(type | RNR_MSG_REPLY), id, status);
    rnr_wire_frame_end(w, RNR_WIRE_MAX_FRAME);
}

static void put_test_class(struct rnr_wbuf *w, const char *name)
{
    WSANSCLASSINFOA e[2];
    WSASERVICECLASSINFOA ci;
    DWORD port = 4711;

    memset(e, 0, sizeof(e));
    e[0].lpszName = SERVICE_TYPE_VALUE_TCPPORTA;
    e[0].dwNameSpace = NS_ALL;
    e[0].dwValueType = REG_DWORD;
    e[0].dwValueSize = sizeof(port);
    e[0].lpValue = &port;
    e[1].lpszName = "Text";
    e[1].dwNameSpace = NS_DNS;
    e[1].dwValueType = REG_SZ;
    e[1].dwValueSize = 6;
    e[1].lpValue = "hello";
    memset(&ci, 0, sizeof(ci));
    ci.lpServiceClassId = (GUID *)&g_test_class;
    ci.lpszServiceClassName = (char *)name;
    ci.dwCount = 2;
    ci.lpClassInfos = e;
    rnr_wire_put_classinfo(w, &ci);
}

/* Handle one request.  -1: close the connection. */
static int fake_handle(int fd, const struct rnr_wire_hdr *h, const uint8_t *body, size_t len)
{
    struct rnr_wbuf w;
    struct rnr_rbuf r;
    int rc = 0, delay = 0, slow_n = 0;
    uint32_t handle = 0;
    GUID cls;

    rnr_wbuf_init(&w);
    rnr_rbuf_init(&r, body, len);
    switch (h->type) {
    case RNR_MSG_LOOKUP_BEGIN: {
        WSAQUERYSETA *qs = NULL;
        uint32_t flags;
        const char *name;
        int n = 0;
        unsigned sz = 0;

        if (rnr_wire_get_u32(&r, &flags) != 0 || rnr_wire_get_queryset(&r, &qs, NULL) != 0 ||
            rnr_rbuf_finish(&r) != 0) {
            rc = -1;
            break;
        }
        name = qs->lpszServiceInstanceName ? qs->lpszServiceInstanceName : "";
        cls = *qs->lpServiceClassId;
        if (strcmp(name, "fail") == 0) {
            put_status(&w, RNR_MSG_LOOKUP_BEGIN, h->id, WSASERVICE_NOT_FOUND);
            rnr_free(qs);
            break;
        }
        if (strcmp(name, "eofnoreply") == 0) {
            rnr_free(qs);
            rc = -1;
            break;
        }
        pthread_mutex_lock(&F.mu);
        handle = ++F.next_handle;
        pthread_mutex_unlock(&F.mu);
        rnr_wire_frame_begin(&w, RNR_MSG_LOOKUP_BEGIN | RNR_MSG_REPLY, h->id, 0);
        rnr_wire_put_u32(&w, handle);
        rnr_wire_frame_end(&w, RNR_WIRE_MAX_FRAME);
        if (sscanf(name, "push:%d:%u", &n, &sz) >= 1) {
            put_results(&w, handle, &cls, n, sz);
        } else if (sscanf(name, "slow:%d", &slow_n) == 1) {
            delay = 100;
        } else if (strcmp(name, "none") == 0) {
            rnr_wire_frame_begin(&w, RNR_MSG_LOOKUP_DONE, handle, WSAHOST_NOT_FOUND);
            rnr_wire_frame_end(&w, RNR_WIRE_MAX_FRAME);
        } else if (strcmp(name, "eof") == 0) {
            rc = -1;
        } else if (strcmp(name, "garbage") == 0) {
            rnr_wire_put_u32(&w, 16);
            rnr_wire_put_u32(&w, 0x00400063);     /* version 99 */
            rnr_wire_put_u32(&w, handle);
            rnr_wire_put_u32(&w, 0);
        } else if (strcmp(name, "badresult") == 0) {
            rnr_wire_frame_begin(&w, RNR_MSG_LOOKUP_RESULT, handle, 0);
            rnr_wire_put_u32(&w, 7);              /* a string length, then nothing */
            rnr_wire_frame_end(&w, RNR_WIRE_MAX_FRAME);
        } else if (strcmp(name, "21/tcp") == 0) {
            put_result(&w, handle, &cls, "ftp", 0);
            rnr_wire_frame_begin(&w, RNR_MSG_LOOKUP_DONE, handle, 0);
            rnr_wire_frame_end(&w, RNR_WIRE_MAX_FRAME);
        } else if (strstr(name, "/tcp") != NULL || strstr(name, "/udp") != NULL) {
            rnr_wire_frame_begin(&w, RNR_MSG_LOOKUP_DONE, handle, WSANO_DATA);
            rnr_wire_frame_end(&w, RNR_WIRE_MAX_FRAME);
        }
        /* "hang": nothing more */
        rnr_free(qs);
        break;
    }
    case RNR_MSG_LOOKUP_END:
        pthread_mutex_lock(&F.mu);
        F.ends++;
        pthread_mutex_unlock(&F.mu);
        put_status(&w, h->type, h->id, 0);
        break;
    case RNR_MSG_SET_SERVICE: {
        WSAQUERYSETA *qs = NULL;
        uint32_t op, flags;

        if (rnr_wire_get_u32(&r, &op) != 0 || rnr_wire_get_u32(&r, &flags) != 0 ||
            rnr_wire_get_queryset(&r, &qs, NULL) != 0 || rnr_rbuf_finish(&r) != 0) {
            rc = -1;
            break;
        }
        put_status(&w, h->type, h->id, op == RNRSERVICE_DELETE ? WSAEACCES : 0);
        rnr_free(qs);
        break;
    }
    case RNR_MSG_INSTALL_CLASS: {
        WSASERVICECLASSINFOA *ci = NULL;

        if (rnr_wire_get_classinfo(&r, &ci, NULL) != 0 || rnr_rbuf_finish(&r) != 0) {
            rc = -1;
            break;
        }
        put_status(&w, h->type, h->id,
                   strcmp(ci->lpszServiceClassName, "dup") == 0 ? WSAEALREADY : 0);
        rnr_free(ci);
        break;
    }
    case RNR_MSG_REMOVE_CLASS:
        if (rnr_wire_get_guid(&r, &cls) != 0 || rnr_rbuf_finish(&r) != 0) {
            rc = -1;
            break;
        }
        put_status(&w, h->type, h->id, WSATYPE_NOT_FOUND);
        break;
    case RNR_MSG_GET_CLASS_INFO: {
        int present;
        GUID prov;

        if (rnr_wire_get_optguid(&r, &prov, &present) != 0 ||
            rnr_wire_get_guid(&r, &cls) != 0 || rnr_rbuf_finish(&r) != 0) {
            rc = -1;
            break;
        }
        rnr_wire_frame_begin(&w, h->type | RNR_MSG_REPLY, h->id, 0);
        put_test_class(&w, "TestClass");
        rnr_wire_frame_end(&w, RNR_WIRE_MAX_FRAME);
        break;
    }
    case RNR_MSG_GET_CLASS_NAME:
        if (rnr_wire_get_guid(&r, &cls) != 0 || rnr_rbuf_finish(&r) != 0) {
            rc = -1;
            break;
        }
        if (IS_SVCID_TCP(&cls) || IS_SVCID_UDP(&cls)) {
            put_status(&w, h->type, h->id, WSATYPE_NOT_FOUND);
        } else {
            rnr_wire_frame_begin(&w, h->type | RNR_MSG_REPLY, h->id, 0);
            rnr_wire_put_string(&w, "TestClass");
            rnr_wire_frame_end(&w, RNR_WIRE_MAX_FRAME);
        }
        break;
    case RNR_MSG_ENUM_PROVIDERS: {
        WSANAMESPACE_INFOA ns;

        rnr_wire_frame_begin(&w, h->type | RNR_MSG_REPLY, h->id, 0);
        rnr_wire_put_u32(&w, 2);
        memset(&ns, 0, sizeof(ns));
        ns.NSProviderId = g_test_provider;
        ns.dwNameSpace = NS_TCPIP_HOSTS;
        ns.fActive = TRUE;
        ns.dwVersion = 1;
        ns.lpszIdentifier = "hosts";
        rnr_wire_put_nsinfo(&w, &ns);
        ns.NSProviderId.Data1++;
        ns.dwNameSpace = NS_TCPIP_LOCAL;
        ns.fActive = FALSE;
        ns.lpszIdentifier = "local host name and addresses";
        rnr_wire_put_nsinfo(&w, &ns);
        rnr_wire_frame_end(&w, RNR_WIRE_MAX_FRAME);
        break;
    }
    case RNR_MSG_LIST_CLASSES:
        rnr_wire_frame_begin(&w, h->type | RNR_MSG_REPLY, h->id, 0);
        rnr_wire_put_u32(&w, 2);
        put_test_class(&w, "First");
        put_test_class(&w, "Second class");
        rnr_wire_frame_end(&w, RNR_WIRE_MAX_FRAME);
        break;
    case RNR_MSG_ANSWER_CACHE:
        /* As rnrd with answer-cache-size = 0: librnr asks on first use. */
        put_status(&w, RNR_MSG_ANSWER_CACHE, h->id, WSASERVICE_NOT_FOUND);
        break;
    default:
        rc = -1;
        break;
    }
    if (w.error == 0 && w.len > 0 && write_full(fd, w.data, w.len) != 0)
        rc = -1;
    if (rc == 0 && delay > 0) {
        rnr_wbuf_reset(&w);
        sleep_ms(delay);
        put_results(&w, handle, &cls, slow_n, 0);
        if (write_full(fd, w.data, w.len) != 0)
            rc = -1;
    }
    rnr_wbuf_free(&w);
    return rc;
}

static void *fake_conn(void *arg)
{
    int slot = (int)(intptr_t)arg;
    int fd;

    pthread_mutex_lock(&F.mu);
    fd = F.fds[slot];
    pthread_mutex_unlock(&F.mu);
    for (;;) {
        uint8_t hb[RNR_WIRE_HDR_LEN];
        struct rnr_wire_hdr h;
        uint8_t *body;
        int rc;

        if (read_full(fd, hb, sizeof(hb)) != 0 ||
            rnr_wire_hdr_parse(hb, RNR_WIRE_MAX_FRAME, &h) != 0)
            break;
        body = malloc(h.length - RNR_WIRE_HDR_LEN + 1);
        if (read_full(fd, body, h.length - RNR_WIRE_HDR_LEN) != 0) {
            free(body);
            break;
        }
        rc = fake_handle(fd, &h, body, h.length - RNR_WIRE_HDR_LEN);
        free(body);
        if (rc != 0)
            break;
    }
    pthread_mutex_lock(&F.mu);
    close(fd);
    F.fds[slot] = -1;
    pthread_mutex_unlock(&F.mu);
    return NULL;
}

static void *fake_accept(void *arg)
{
    (void)arg;
    for (;;) {
        int fd = accept(F.lfd, NULL, NULL);

        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            break;
        }
        pthread_mutex_lock(&F.mu);
        if (F.nconn == MAX_CONNS) {
            pthread_mutex_unlock(&F.mu);
            close(fd);
            continue;
        }
        F.fds[F.nconn] = fd;
        F.accepted++;
        pthread_create(&F.threads[F.nconn], NULL, fake_conn, (void *)(intptr_t)F.nconn);
        F.nconn++;
        pthread_mutex_unlock(&F.mu);
    }
    return NULL;
}

static void fake_start(void)
{
    struct sockaddr_un sa;

    F.lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(F.lfd >= 0);
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    strcpy(sa.sun_path, F.path);
    unlink(F.path);
    assert_int_equal(bind(F.lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(F.lfd, 64), 0);
    assert_int_equal(pthread_create(&F.acceptor, NULL, fake_accept, NULL), 0);
}

/* Kill the daemon: stop listening, drop every client. */
static void fake_stop(void)
{
    int i, n;

    shutdown(F.lfd, SHUT_RDWR);
    pthread_join(F.acceptor, NULL);
    close(F.lfd);
    unlink(F.path);
    pthread_mutex_lock(&F.mu);
    for (i = 0; i < F.nconn; i++)
        if (F.fds[i] >= 0)
            shutdown(F.fds[i], SHUT_RDWR);
    n = F.nconn;
    pthread_mutex_unlock(&F.mu);
    for (i = 0; i < n; i++)
        pthread_join(F.threads[i], NULL);
    pthread_mutex_lock(&F.mu);
    F.nconn = 0;
    pthread_mutex_unlock(&F.mu);
}

static int group_setup(void **state)
{
    WSADATA d;

    (void)state;
    strcpy(F.dir, "/tmp/rnr-test-XXXXXX");
    if (mkdtemp(F.dir) == NULL)
        return -1;
    snprintf(F.path, sizeof(F.path), "%s/rnrd.sock", F.dir);
    setenv(RNR_SOCKET_ENV, F.path, 1);
    fake_start();
    return WSAStartup(MAKEWORD(2, 2), &d);
}

static int group_teardown(void **state)
{
    (void)state;
    WSACleanup();
    fake_stop();
    rmdir(F.dir);
    return 0;
}

/* ------------------------------------------------------------------ */
/* helpers                                                              */
/* ------------------------------------------------------------------ */

static const GUID g_hostaddr = SVCID_INET_HOSTADDRBYNAME;

static HANDLE begin(const char *name)
{
    GUID cls = g_hostaddr;
    WSAQUERYSETA qs;
    HANDLE h = NULL;

    memset(&qs, 0, sizeof(qs));
    qs.dwSize = sizeof(qs);
    qs.lpServiceClassId = &cls;
    qs.lpszServiceInstanceName = (char *)name;
    qs.dwNameSpace = NS_ALL;
    assert_int_equal(WSALookupServiceBeginA(&qs, LUP_RETURN_ALL, &h), 0);
    assert_non_null(h);
    return h;
}

static int begin_rc(const char *name, HANDLE *h)
{
    GUID cls = g_hostaddr;
    WSAQUERYSETA qs;

    memset(&qs, 0, sizeof(qs));
    qs.dwSize = sizeof(qs);
    qs.lpServiceClassId = &cls;
    qs.lpszServiceInstanceName = (char *)name;
    return WSALookupServiceBeginA(&qs, LUP_RETURN_ALL, h) == 0 ? 0 : WSAGetLastError();
}

/* Next with a large buffer; 0 or the error. */
static int next(HANDLE h, DWORD flags, char *buf, DWORD size)
{
    DWORD len = size;

    return WSALookupServiceNextA(h, flags, &len, (WSAQUERYSETA *)buf) == 0
           ? 0 : WSAGetLastError();
}

/* The result in buf is self-contained. */
static void check_result(const char *buf, DWORD size, const char *name)
{
    const WSAQUERYSETA *qs = (const WSAQUERYSETA *)buf;

    assert_int_equal(qs->dwSize, sizeof(WSAQUERYSETA));
    assert_non_null(qs->lpszServiceInstanceName);
    assert_string_equal(qs->lpszServiceInstanceName, name);
    assert_true(qs->lpszServiceInstanceName > buf &&
                qs->lpszServiceInstanceName < buf + size);
    assert_non_null(qs->lpServiceClassId);
    assert_true((const char *)qs->lpServiceClassId > buf &&
                (const char *)qs->lpServiceClassId < buf + size);
    assert_int_equal(qs->dwNameSpace, NS_TCPIP_HOSTS);
}

/* ------------------------------------------------------------------ */
/* lookups                                                              */
/* ------------------------------------------------------------------ */

static void test_results_pushed_before_next(void **state)
{
    char buf[4096];
    int ends = fake_get(&F.ends);
    HANDLE h;
    int i;

    (void)state;
    h = begin("push:3");
    sleep_ms(30);                   /* everything is on the socket already */
    for (i = 0; i < 3; i++) {
        char name[32];

        snprintf(name, sizeof(name), "result-%d", i);
        assert_int_equal(next(h, 0, buf, sizeof(buf)), 0);
        check_result(buf, sizeof(buf), name);
    }
    assert_int_equal(next(h, 0, buf, sizeof(buf)), WSA_E_NO_MORE);
    assert_int_equal(next(h, 0, buf, sizeof(buf)), WSA_E_NO_MORE);
    assert_int_equal(WSALookupServiceEnd(h), 0);
    /* End tells the daemon, even after DONE; the handle is gone. */
    assert_true(fake_wait(&F.ends, ends + 1));
    assert_int_equal(next(h, 0, buf, sizeof(buf)), WSA_INVALID_HANDLE);
    assert_int_equal(WSALookupServiceEnd(h), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSA_INVALID_HANDLE);
}

static void test_unsuffixed_aliases(void **state)
{
    char buf[2048];
    DWORD len = sizeof(buf);
    GUID cls = g_hostaddr;
    WSAQUERYSETA qs;
    HANDLE h = NULL;

    (void)state;
    assert_ptr_equal((void *)WSALookupServiceBegin, (void *)WSALookupServiceBeginA);
    assert_ptr_equal((void *)WSALookupServiceNext, (void *)WSALookupServiceNextA);
    memset(&qs, 0, sizeof(qs));
    qs.dwSize = sizeof(qs);
    qs.lpServiceClassId = &cls;
    qs.lpszServiceInstanceName = "push:1";
    assert_int_equal(WSALookupServiceBegin(&qs, 0, &h), 0);
    assert_int_equal(WSALookupServiceNext(h, 0, &len, (WSAQUERYSETA *)buf), 0);
    check_result(buf, sizeof(buf), "result-0");
    assert_int_equal(WSALookupServiceEnd(h), 0);
}

static void test_slow_results(void **state)
{
    char buf[4096];
    double t0 = now_ms();
    HANDLE h = begin("slow:2");

    (void)state;
    assert_int_equal(next(h, 0, buf, sizeof(buf)), 0);   /* blocks ~100 ms */
    assert_true(now_ms() - t0 >= 80.0);
    check_result(buf, sizeof(buf), "result-0");
    assert_int_equal(next(h, 0, buf, sizeof(buf)), 0);
    check_result(buf, sizeof(buf), "result-1");
    assert_int_equal(next(h, 0, buf, sizeof(buf)), WSA_E_NO_MORE);
    assert_int_equal(WSALookupServiceEnd(h), 0);
}

static void test_efault_retry_loop(void **state)
{
    HANDLE h = begin("push:2:300");
    DWORD len = 0, need;
    char *buf;
    int i;

    (void)state;
    for (i = 0; i < 2; i++) {
        char name[32];
        const WSAQUERYSETA *qs;

        snprintf(name, sizeof(name), "result-%d", i);
        len = 0;
        assert_int_equal(WSALookupServiceNextA(h, 0, &len, NULL), SOCKET_ERROR);
        assert_int_equal(WSAGetLastError(), WSAEFAULT);
        need = len;
        assert_true(need > sizeof(WSAQUERYSETA) + 300);
        buf = malloc(need);
        len = need - 1;                     /* one short: same answer */
        assert_int_equal(WSALookupServiceNextA(h, 0, &len, (WSAQUERYSETA *)buf), SOCKET_ERROR);
        assert_int_equal(WSAGetLastError(), WSAEFAULT);
        assert_int_equal(len, need);
        assert_int_equal(WSALookupServiceNextA(h, 0, &len, (WSAQUERYSETA *)buf), 0);
        check_result(buf, need, name);
        qs = (const WSAQUERYSETA *)buf;
        assert_int_equal(strlen(qs->lpszComment), 300);
        free(buf);
    }
    len = 0;
    assert_int_equal(WSALookupServiceNextA(h, 0, &len, NULL), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSA_E_NO_MORE);
    assert_int_equal(WSALookupServiceNextA(h, 0, NULL, NULL), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    assert_int_equal(WSALookupServiceEnd(h), 0);
}

static void test_flushprevious(void **state)
{
    char buf[4096];
    DWORD len;
    HANDLE h = begin("push:4:100");

    (void)state;
    /* Without a refused record, LUP_FLUSHPREVIOUS drops nothing. */
    assert_int_equal(next(h, LUP_FLUSHPREVIOUS, buf, sizeof(buf)), 0);
    check_result(buf, sizeof(buf), "result-0");
    len = 16;
    assert_int_equal(WSALookupServiceNextA(h, 0, &len, (WSAQUERYSETA *)buf), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    /* result-1 was refused: flushed, result-2 comes. */
    assert_int_equal(next(h, LUP_FLUSHPREVIOUS, buf, sizeof(buf)), 0);
    check_result(buf, sizeof(buf), "result-2");
    /* result-3 refused twice, then flushed with a short buffer: the flush
     * happens, nothing follows, so the lookup ends. */
    len = 16;
    assert_int_equal(WSALookupServiceNextA(h, 0, &len, (WSAQUERYSETA *)buf), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    len = 16;
    assert_int_equal(WSALookupServiceNextA(h, 0, &len, (WSAQUERYSETA *)buf), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    len = 16;
    assert_int_equal(WSALookupServiceNextA(h, LUP_FLUSHPREVIOUS, &len, (WSAQUERYSETA *)buf),
                     SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSA_E_NO_MORE);
    assert_int_equal(WSALookupServiceEnd(h), 0);
}

static void test_done_status(void **state)
{
    char buf[1024];
    HANDLE h;

    (void)state;
    h = begin("none");
    assert_int_equal(next(h, 0, buf, sizeof(buf)), WSAHOST_NOT_FOUND);
    assert_int_equal(next(h, 0, buf, sizeof(buf)), WSA_E_NO_MORE);
    assert_int_equal(WSALookupServiceEnd(h), 0);

    h = begin("push:0");
    assert_int_equal(next(h, 0, buf, sizeof(buf)), WSA_E_NO_MORE);
    assert_int_equal(next(h, 0, buf, sizeof(buf)), WSA_E_NO_MORE);
    assert_int_equal(WSALookupServiceEnd(h), 0);
}

static void test_begin_error(void **state)
{
    HANDLE h = (HANDLE)0x1234;

    (void)state;
    assert_int_equal(begin_rc("fail", &h), WSASERVICE_NOT_FOUND);
    assert_ptr_equal(h, (HANDLE)0x1234);        /* untouched on failure */
}

static void test_last_error_untouched_by_success(void **state)
{
    char buf[4096];
    DWORD len = sizeof(buf);
    HANDLE h;

    (void)state;
    WSASetLastError(4242);
    h = begin("push:1");
    assert_int_equal(WSALookupServiceNextA(h, 0, &len, (WSAQUERYSETA *)buf), 0);
    assert_int_equal(WSALookupServiceEnd(h), 0);
    len = sizeof(buf);
    assert_int_equal(WSAEnumNameSpaceProvidersA(&len, (WSANAMESPACE_INFOA *)buf), 2);
    assert_int_equal(WSAGetLastError(), 4242);
    WSASetLastError(0);
}

/* ------------------------------------------------------------------ */
/* cancellation                                                         */
/* ------------------------------------------------------------------ */

struct blocked {
    HANDLE    h;
    int       rc;
    int       finished;
    double    t_done;
    pthread_t t;
};

static void *blocked_next(void *arg)
{
    struct blocked *b = arg;
    char buf[1024];
    DWORD len = sizeof(buf);

    b->rc = WSALookupServiceNextA(b->h, 0, &len, (WSAQUERYSETA *)buf) == 0
            ? 0 : WSAGetLastError();
    b->t_done = now_ms();
    __atomic_store_n(&b->finished, 1, __ATOMIC_RELEASE);
    return NULL;
}

static void test_cancel_blocked_next(void **state)
{
    struct blocked b;
    int ends = fake_get(&F.ends);
    double t_end;
    char buf[512];

    (void)state;
    memset(&b, 0, sizeof(b));
    b.h = begin("hang");
    assert_int_equal(pthread_create(&b.t, NULL, blocked_next, &b), 0);
    sleep_ms(100);
    assert_int_equal(__atomic_load_n(&b.finished, __ATOMIC_ACQUIRE), 0);
    t_end = now_ms();
    assert_int_equal(WSALookupServiceEnd(b.h), 0);
    pthread_join(b.t, NULL);
    assert_int_equal(b.rc, WSA_E_CANCELLED);
    /* At once, not at the reader's next poll timeout (10 s): the bound
     * is loose so that a loaded machine cannot fail it. */
    assert_true(b.t_done - t_end < 5000.0);
    assert_true(fake_wait(&F.ends, ends + 1));
    assert_int_equal(next(b.h, 0, buf, sizeof(buf)), WSA_INVALID_HANDLE);
}

/* Two threads blocked on two lookups (one of them is the reader); a third
 * thread's requests are served meanwhile; ending one leaves the other
 * blocked until it is ended too. */
static void test_cancel_one_of_two(void **state)
{
    struct blocked a, b;
    char buf[1024];
    HANDLE h;
    int i;

    (void)state;
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    a.h = begin("hang");
    b.h = begin("hang");
    assert_int_equal(pthread_create(&a.t, NULL, blocked_next, &a), 0);
    assert_int_equal(pthread_create(&b.t, NULL, blocked_next, &b), 0);
    sleep_ms(50);
    for (i = 0; i < 5; i++) {
        h = begin("push:1");
        assert_int_equal(next(h, 0, buf, sizeof(buf)), 0);
        check_result(buf, sizeof(buf), "result-0");
        assert_int_equal(WSALookupServiceEnd(h), 0);
    }
    assert_int_equal(WSALookupServiceEnd(a.h), 0);
    pthread_join(a.t, NULL);
    assert_int_equal(a.rc, WSA_E_CANCELLED);
    sleep_ms(50);
    assert_int_equal(__atomic_load_n(&b.finished, __ATOMIC_ACQUIRE), 0);
    /* The survivor still reads for others. */
    h = begin("push:1");
    assert_int_equal(next(h, 0, buf, sizeof(buf)), 0);
    assert_int_equal(WSALookupServiceEnd(h), 0);
    assert_int_equal(WSALookupServiceEnd(b.h), 0);
    pthread_join(b.t, NULL);
    assert_int_equal(b.rc, WSA_E_CANCELLED);
}

static void test_cleanup_cancels(void **state)
{
    struct blocked b;
    WSADATA d;
    char buf[256];

    (void)state;
    memset(&b, 0, sizeof(b));
    b.h = begin("hang");
    assert_int_equal(pthread_create(&b.t, NULL, blocked_next, &b), 0);
    sleep_ms(50);
    assert_int_equal(WSACleanup(), 0);          /* the last one */
    pthread_join(b.t, NULL);
    assert_int_equal(b.rc, WSA_E_CANCELLED);
    assert_int_equal(WSAStartup(MAKEWORD(2, 2), &d), 0);
    /* Handles of the old session are gone for good. */
    assert_int_equal(next(b.h, 0, buf, sizeof(buf)), WSA_INVALID_HANDLE);
    assert_int_equal(WSALookupServiceEnd(b.h), SOCKET_ERROR);
    /* And the new session connects again. */
    b.h = begin("push:1");
    assert_int_equal(next(b.h, 0, buf, sizeof(buf)), 0);
    assert_int_equal(WSALookupServiceEnd(b.h), 0);
}

/* ------------------------------------------------------------------ */
/* connection loss                                                      */
/* ------------------------------------------------------------------ */

static void check_reconnects(void)
{
    char buf[1024];
    int accepted = fake_get(&F.accepted);
    HANDLE h = begin("push:1");

    assert_int_equal(next(h, 0, buf, sizeof(buf)), 0);
    check_result(buf, sizeof(buf), "result-0");
    assert_int_equal(next(h, 0, buf, sizeof(buf)), WSA_E_NO_MORE);
    assert_int_equal(WSALookupServiceEnd(h), 0);
    assert_int_equal(fake_get(&F.accepted), accepted + 1);
}

static void test_eof_then_reconnect(void **state)
{
    char buf[1024];
    HANDLE h, done;

    (void)state;
    done = begin("push:1");             /* complete before the loss */
    h = begin("eof");
    assert_int_equal(next(h, 0, buf, sizeof(buf)), WSASYSNOTREADY);
    assert_int_equal(next(h, 0, buf, sizeof(buf)), WSASYSNOTREADY);
    assert_int_equal(WSALookupServiceEnd(h), 0);
    /* A lookup that had everything keeps it. */
    assert_int_equal(next(done, 0, buf, sizeof(buf)), 0);
    assert_int_equal(next(done, 0, buf, sizeof(buf)), WSA_E_NO_MORE);
    assert_int_equal(WSALookupServiceEnd(done), 0);
    check_reconnects();

    /* The daemon dies before answering: the waiting request fails. */
    assert_int_equal(begin_rc("eofnoreply", &h), WSASYSNOTREADY);
    check_reconnects();
}

static void test_bad_frames_drop_connection(void **state)
{
    char buf[1024];
    HANDLE h;

    (void)state;
    h = begin("garbage");
    assert_int_equal(next(h, 0, buf, sizeof(buf)), WSASYSNOTREADY);
    assert_int_equal(WSALookupServiceEnd(h), 0);
    check_reconnects();

    h = begin("badresult");
    assert_int_equal(next(h, 0, buf, sizeof(buf)), WSASYSNOTREADY);
    assert_int_equal(WSALookupServiceEnd(h), 0);
    check_reconnects();
}

static void test_daemon_down_and_back(void **state)
{
    char buf[1024];
    HANDLE h, pending;
    double t0;
    DWORD len = 0;

    (void)state;
    pending = begin("hang");
    fake_stop();
    assert_int_equal(next(pending, 0, buf, sizeof(buf)), WSASYSNOTREADY);
    t0 = now_ms();
    assert_int_equal(begin_rc("push:1", &h), WSASYSNOTREADY);
    assert_int_equal(WSAEnumNameSpaceProvidersA(&len, NULL), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSASYSNOTREADY);
    /* Fast failure, not a wait for a timeout (seconds): a loose bound, so
     * that only a hang fails it on a loaded machine. */
    assert_true(now_ms() - t0 < 2000.0);
    assert_int_equal(WSALookupServiceEnd(pending), 0);
    fake_start();
    check_reconnects();
}

/* The daemon restarts while the application is idle (nobody reading, so
 * the EOF is not noticed): the next call still succeeds, on a new
 * connection, because a request that never left is sent again. */
static void test_daemon_restart_while_idle(void **state)
{
    char buf[2048];
    DWORD len = sizeof(buf);
    int accepted;
    HANDLE h;

    (void)state;
    h = begin("push:1");
    assert_int_equal(next(h, 0, buf, sizeof(buf)), 0);
    assert_int_equal(WSALookupServiceEnd(h), 0);
    fake_stop();
    fake_start();
    accepted = fake_get(&F.accepted);
    assert_int_equal(WSAEnumNameSpaceProvidersA(&len, (WSANAMESPACE_INFOA *)buf), 2);
    assert_int_equal(fake_get(&F.accepted), accepted + 1);

    fake_stop();
    fake_start();
    h = begin("push:1");                /* a lookup moves over too */
    assert_int_equal(next(h, 0, buf, sizeof(buf)), 0);
    check_result(buf, sizeof(buf), "result-0");
    assert_int_equal(WSALookupServiceEnd(h), 0);
}

/* ------------------------------------------------------------------ */
/* many threads                                                         */
/* ------------------------------------------------------------------ */

#define NTHREADS 6
#define NITER    40

static void *worker(void *arg)
{
    char buf[2048];
    int i, j;

    (void)arg;
    for (i = 0; i < NITER; i++) {
        GUID cls = g_hostaddr;
        WSAQUERYSETA qs;
        HANDLE h;
        DWORD len;

        memset(&qs, 0, sizeof(qs));
        qs.dwSize = sizeof(qs);
        qs.lpServiceClassId = &cls;
        qs.lpszServiceInstanceName = (i % 7 == 3) ? "slow:2" : "push:2:10";
        if (WSALookupServiceBeginA(&qs, LUP_RETURN_ALL, &h) != 0)
            return (void *)1;
        for (j = 0; j < 2; j++) {
            char name[32];

            len = sizeof(buf);
            if (WSALookupServiceNextA(h, 0, &len, (WSAQUERYSETA *)buf) != 0)
                return (void *)2;
            snprintf(name, sizeof(name), "result-%d", j);
            if (strcmp(((WSAQUERYSETA *)buf)->lpszServiceInstanceName, name) != 0)
                return (void *)3;
        }
        len = sizeof(buf);
        if (WSALookupServiceNextA(h, 0, &len, (WSAQUERYSETA *)buf) != SOCKET_ERROR ||
            WSAGetLastError() != WSA_E_NO_MORE)
            return (void *)4;
        if (WSALookupServiceEnd(h) != 0)
            return (void *)5;
    }
    return NULL;
}

static void test_many_threads(void **state)
{
    pthread_t t[NTHREADS];
    void *ret;
    int i;

    (void)state;
    for (i = 0; i < NTHREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, worker, NULL), 0);
    for (i = 0; i < NTHREADS; i++) {
        assert_int_equal(pthread_join(t[i], &ret), 0);
        assert_null(ret);
    }
}

static void test_fork(void **state)
{
    char buf[1024];
    HANDLE h, hang;
    pid_t pid;
    int status;

    (void)state;
    hang = begin("hang");               /* the parent has a live connection */
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int rc;

        /* The inherited lookup is unusable here, the library is not. */
        rc = next(hang, 0, buf, sizeof(buf)) == WSASYSNOTREADY ? 0 : 10;
        if (rc == 0 && begin_rc("push:1", &h) != 0)
            rc = 11;
        if (rc == 0 && next(h, 0, buf, sizeof(buf)) != 0)
            rc = 12;
        if (rc == 0 && WSALookupServiceEnd(h) != 0)
            rc = 13;
        _exit(rc);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    /* The parent's connection was not disturbed. */
    h = begin("push:1");
    assert_int_equal(next(h, 0, buf, sizeof(buf)), 0);
    assert_int_equal(WSALookupServiceEnd(h), 0);
    assert_int_equal(WSALookupServiceEnd(hang), 0);
}

/* ------------------------------------------------------------------ */
/* providers, classes, registration                                     */
/* ------------------------------------------------------------------ */

static void test_enum_providers(void **state)
{
    DWORD len = 0, need;
    WSANAMESPACE_INFOA *ns;
    char *buf;

    (void)state;
    assert_int_equal(WSAEnumNameSpaceProvidersA(&len, NULL), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    need = len;
    assert_true(need >= 2 * sizeof(WSANAMESPACE_INFOA) + 6 + 30);
    buf = malloc(need);
    len = need - 1;
    assert_int_equal(WSAEnumNameSpaceProvidersA(&len, (WSANAMESPACE_INFOA *)buf), SOCKET_ERROR);
    assert_int_equal(len, need);
    assert_int_equal(WSAEnumNameSpaceProviders(&len, (WSANAMESPACE_INFOA *)buf), 2);
    ns = (WSANAMESPACE_INFOA *)buf;
    assert_int_equal(ns[0].dwNameSpace, NS_TCPIP_HOSTS);
    assert_true(ns[0].fActive);
    assert_int_equal(ns[0].NSProviderId.Data1, g_test_provider.Data1);
    assert_string_equal(ns[0].lpszIdentifier, "hosts");
    assert_int_equal(ns[1].dwNameSpace, NS_TCPIP_LOCAL);
    assert_false(ns[1].fActive);
    assert_string_equal(ns[1].lpszIdentifier, "local host name and addresses");
    /* Structures first, strings after them, all inside the buffer. */
    assert_true(ns[0].lpszIdentifier >= (char *)&ns[2]);
    assert_true(ns[1].lpszIdentifier + strlen(ns[1].lpszIdentifier) < buf + need);
    free(buf);
}

static void test_class_name(void **state)
{
    GUID cls = g_test_class, tcp, udp;
    char name[64];
    DWORD len;

    (void)state;
    len = 3;
    assert_int_equal(WSAGetServiceClassNameByServiceClassIdA(&cls, name, &len), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    assert_int_equal(len, strlen("TestClass") + 1);
    len = 0;
    assert_int_equal(WSAGetServiceClassNameByServiceClassIdA(&cls, NULL, &len), SOCKET_ERROR);
    assert_int_equal(len, strlen("TestClass") + 1);
    assert_int_equal(WSAGetServiceClassNameByServiceClassIdA(&cls, name, &len), 0);
    assert_string_equal(name, "TestClass");
    assert_int_equal(len, strlen("TestClass") + 1);

    /* Port classes the store does not know: named by the services db. */
    SET_TCP_SVCID(&tcp, 21);
    len = sizeof(name);
    assert_int_equal(WSAGetServiceClassNameByServiceClassId(&tcp, name, &len), 0);
    assert_string_equal(name, "ftp");
    SET_UDP_SVCID(&udp, 9999);
    len = sizeof(name);
    assert_int_equal(WSAGetServiceClassNameByServiceClassIdA(&udp, name, &len), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSATYPE_NOT_FOUND);
    assert_int_equal(len, sizeof(name));
}

static void test_class_info(void **state)
{
    GUID cls = g_test_class;
    DWORD len = 8, need;
    WSASERVICECLASSINFOA *ci;
    char *buf;

    (void)state;
    assert_int_equal(WSAGetServiceClassInfoA(NULL, &cls, &len, NULL), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    need = len;
    assert_true(need > sizeof(WSASERVICECLASSINFOA) + 2 * sizeof(WSANSCLASSINFOA));
    buf = malloc(need);
    assert_int_equal(WSAGetServiceClassInfo((GUID *)&g_test_provider, &cls, &len,
                                            (WSASERVICECLASSINFOA *)buf), 0);
    ci = (WSASERVICECLASSINFOA *)buf;
    assert_string_equal(ci->lpszServiceClassName, "TestClass");
    assert_int_equal(ci->lpServiceClassId->Data1, g_test_class.Data1);
    assert_int_equal(ci->dwCount, 2);
    assert_string_equal(ci->lpClassInfos[0].lpszName, SERVICE_TYPE_VALUE_TCPPORTA);
    assert_int_equal(*(DWORD *)ci->lpClassInfos[0].lpValue, 4711);
    assert_string_equal((char *)ci->lpClassInfos[1].lpValue, "hello");
    free(buf);
}

static void test_enum_classes(void **state)
{
    DWORD len = 0, need;
    WSASERVICECLASSINFOA *ci;
    char *buf;

    (void)state;
    assert_int_equal(rnr_enum_service_classes(&len, NULL), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    need = len;
    buf = malloc(need);
    assert_int_equal(rnr_enum_service_classes(&len, (WSASERVICECLASSINFOA *)buf), 2);
    ci = (WSASERVICECLASSINFOA *)buf;
    assert_string_equal(ci[0].lpszServiceClassName, "First");
    assert_string_equal(ci[1].lpszServiceClassName, "Second class");
    assert_true((char *)ci[0].lpServiceClassId >= (char *)&ci[2]);
    assert_int_equal(ci[1].dwCount, 2);
    assert_int_equal(*(DWORD *)ci[1].lpClassInfos[0].lpValue, 4711);
    assert_string_equal((char *)ci[1].lpClassInfos[1].lpValue, "hello");
    assert_true((char *)ci[1].lpClassInfos[1].lpValue + 6 <= buf + need);
    assert_int_equal((uintptr_t)ci[1].lpClassInfos % 8, 0);
    free(buf);
}

static void test_install_remove_setservice(void **state)
{
    GUID cls = g_test_class;
    WSASERVICECLASSINFOA ci;
    WSAQUERYSETA qs;

    (void)state;
    memset(&ci, 0, sizeof(ci));
    ci.lpServiceClassId = &cls;
    ci.lpszServiceClassName = "mine";
    assert_int_equal(WSAInstallServiceClassA(&ci), 0);
    ci.lpszServiceClassName = "dup";
    assert_int_equal(WSAInstallServiceClass(&ci), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEALREADY);
    assert_int_equal(WSARemoveServiceClass(&cls), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSATYPE_NOT_FOUND);

    memset(&qs, 0, sizeof(qs));
    qs.dwSize = sizeof(qs);
    qs.lpServiceClassId = &cls;
    qs.lpszServiceInstanceName = "svc";
    assert_int_equal(WSASetServiceA(&qs, RNRSERVICE_REGISTER, SERVICE_MULTIPLE), 0);
    assert_int_equal(WSASetService(&qs, RNRSERVICE_DELETE, 0), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEACCES);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_results_pushed_before_next),
        cmocka_unit_test(test_unsuffixed_aliases),
        cmocka_unit_test(test_slow_results),
        cmocka_unit_test(test_efault_retry_loop),
        cmocka_unit_test(test_flushprevious),
        cmocka_unit_test(test_done_status),
        cmocka_unit_test(test_begin_error),
        cmocka_unit_test(test_last_error_untouched_by_success),
        cmocka_unit_test(test_cancel_blocked_next),
        cmocka_unit_test(test_cancel_one_of_two),
        cmocka_unit_test(test_cleanup_cancels),
        cmocka_unit_test(test_eof_then_reconnect),
        cmocka_unit_test(test_bad_frames_drop_connection),
        cmocka_unit_test(test_daemon_down_and_back),
        cmocka_unit_test(test_daemon_restart_while_idle),
        cmocka_unit_test(test_many_threads),
        cmocka_unit_test(test_fork),
        cmocka_unit_test(test_enum_providers),
        cmocka_unit_test(test_class_name),
        cmocka_unit_test(test_class_info),
        cmocka_unit_test(test_enum_classes),
        cmocka_unit_test(test_install_remove_setservice),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
