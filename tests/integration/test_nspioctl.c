/* SPDX-License-Identifier: MIT */
/*
 * WSANSPIoctl(SIO_NSP_NOTIFY_CHANGE) through librnr against a real rnrd
 * and its directory provider: the blocking form returns once another
 * thread registers, the event form signals an eventfd, the window form
 * posts to an rnr message queue; after each, WSALookupServiceNext on the
 * same handle gives the new state.  WSALookupServiceEnd cancels a
 * pending one; a second is refused while one is pending; lookups that
 * reach no provider able to report changes, unknown codes and handles
 * are refused.
 */
#include "config.h"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <time.h>

#include "itest.h"

#include <rnr/ws2nspioctl.h>

#define DIR_ID RNR_NSPID_DIRECTORY_TEXT
#define DIR_CONF "[provider directory]\nmodule = directory\nnamespace = NS_NDS\n"

static GUID cls, dir_id;
static struct rnrt_daemon daemon_;

static int setup(void **state)
{
    WSADATA wd;

    (void)state;
    cls = rnrt_guid("{6A1B0C2D-0000-4000-8000-0000000000D1}");
    dir_id = rnrt_guid(DIR_ID);
    if (rnrt_daemon_init(&daemon_, DIR_CONF) != 0 || rnrt_daemon_start(&daemon_) != 0)
        return -1;
    return WSAStartup(MAKEWORD(2, 2), &wd);
}

static int teardown(void **state)
{
    (void)state;
    WSACleanup();
    rnrt_daemon_stop(&daemon_);
    rnrt_daemon_destroy(&daemon_);
    return 0;
}

static int set(const char *name, WSAESETSERVICEOP op)
{
    WSAQUERYSETA qs;
    CSADDR_INFO cs;
    struct sockaddr_in sin;

    memset(&qs, 0, sizeof qs);
    memset(&cs, 0, sizeof cs);
    memset(&sin, 0, sizeof sin);
    qs.dwSize = sizeof qs;
    qs.lpServiceClassId = &cls;
    qs.lpszServiceInstanceName = (char *)name;
    qs.lpNSProviderId = &dir_id;
    sin.sin_family = AF_INET;
    sin.sin_port = htons(9);
    inet_pton(AF_INET, "192.0.2.9", &sin.sin_addr);
    cs.RemoteAddr.lpSockaddr = (LPSOCKADDR)&sin;
    cs.RemoteAddr.iSockaddrLength = sizeof sin;
    cs.iSocketType = SOCK_STREAM;
    cs.iProtocol = IPPROTO_TCP;
    qs.dwNumberOfCsAddrs = 1;
    qs.lpcsaBuffer = &cs;
    return WSASetServiceA(&qs, op, 0) == 0 ? 0 : WSAGetLastError();
}

static HANDLE begin(DWORD ns)
{
    WSAQUERYSETA qs;
    HANDLE h = NULL;

    memset(&qs, 0, sizeof qs);
    qs.dwSize = sizeof qs;
    qs.lpServiceClassId = &cls;
    qs.dwNameSpace = ns;
    assert_int_equal(WSALookupServiceBeginA(&qs, LUP_RETURN_ALL, &h), 0);
    return h;
}

/* The names Next gives until WSA_E_NO_MORE, sorted into one string. */
static void names(HANDLE h, char *out, size_t len)
{
    union { WSAQUERYSETA qs; char b[4096]; } u;
    char got[8][64];
    size_t n = 0, i, j;

    out[0] = '\0';
    for (;;) {
        DWORD l = sizeof u;

        if (WSALookupServiceNextA(h, 0, &l, &u.qs) != 0) {
            int e = WSAGetLastError();

            /* An empty answer says so first. */
            if (e != WSA_E_NO_MORE)
                assert_int_equal(e, WSASERVICE_NOT_FOUND);
            break;
        }
        assert_true(n < 8);
        snprintf(got[n++], sizeof got[0], "%s", u.qs.lpszServiceInstanceName);
    }
    for (i = 0; i < n; i++)
        for (j = i + 1; j < n; j++)
            if (strcmp(got[j], got[i]) < 0) {
                char t[64];
                memcpy(t, got[i], sizeof t);
                memcpy(got[i], got[j], sizeof t);
                memcpy(got[j], t, sizeof t);
            }
    for (i = 0; i < n; i++) {
        strncat(out, got[i], len - strlen(out) - 1);
        if (i + 1 < n)
            strncat(out, ",", len - strlen(out) - 1);
    }
}

struct later {
    const char      *name;
    WSAESETSERVICEOP op;
    HANDLE           end;      /* or: WSALookupServiceEnd this */
    int              status;
};

static void *later_fn(void *arg)
{
    struct later *l = arg;
    struct timespec ts = { 0, 300 * 1000000L };

    nanosleep(&ts, NULL);
    if (l->end != NULL)
        l->status = WSALookupServiceEnd(l->end);
    else
        l->status = set(l->name, l->op);
    return NULL;
}

static void test_blocking(void **state)
{
    struct later l = { "alpha", RNRSERVICE_REGISTER, NULL, -1 };
    char got[256];
    pthread_t t;
    DWORD n = 99;
    HANDLE h;
    long long t0;

    (void)state;
    h = begin(NS_NDS);
    names(h, got, sizeof got);
    assert_string_equal(got, "");
    t0 = rnrt_now_ms();
    assert_int_equal(pthread_create(&t, NULL, later_fn, &l), 0);
    assert_int_equal(WSANSPIoctl(h, SIO_NSP_NOTIFY_CHANGE, NULL, 0, NULL, 0, &n, NULL), 0);
    assert_true(rnrt_now_ms() - t0 >= 250);   /* it waited for the change */
    pthread_join(t, NULL);
    assert_int_equal(l.status, 0);
    assert_int_equal(n, 0);
    /* Windows semantics: Next again gives the new state. */
    names(h, got, sizeof got);
    assert_string_equal(got, "alpha");
    assert_int_equal(WSALookupServiceEnd(h), 0);
}

static int readable(int fd, int ms)
{
    struct pollfd pf = { .fd = fd, .events = POLLIN };

    return poll(&pf, 1, ms) == 1;
}

static void test_event(void **state)
{
    WSAOVERLAPPED ov;
    WSACOMPLETION c;
    char got[256];
    DWORD n;
    HANDLE h;
    int efd = eventfd(0, EFD_CLOEXEC);

    (void)state;
    assert_true(efd >= 0);
    h = begin(NS_ALL);
    names(h, got, sizeof got);
    assert_string_equal(got, "alpha");
    memset(&ov, 0, sizeof ov);
    ov.hEvent = (WSAEVENT)(intptr_t)efd;
    ov.Internal = 12345;
    memset(&c, 0, sizeof c);
    c.Type = NSP_NOTIFY_EVENT;
    c.Parameters.Event.lpOverlapped = &ov;
    assert_int_equal(WSANSPIoctl(h, SIO_NSP_NOTIFY_CHANGE, NULL, 0, NULL, 0, &n, &c),
                     SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSA_IO_PENDING);
    /* One at a time per handle. */
    assert_int_equal(WSANSPIoctl(h, SIO_NSP_NOTIFY_CHANGE, NULL, 0, NULL, 0, &n, &c),
                     SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEALREADY);
    assert_false(readable(efd, 200));           /* nothing changed yet */
    assert_int_equal(set("beta", RNRSERVICE_REGISTER), 0);
    assert_true(readable(efd, 5000));
    assert_int_equal((int)ov.Internal, 0);
    names(h, got, sizeof got);
    assert_string_equal(got, "alpha,beta");
    /* Ending the handle cancels a pending one: no signal. */
    assert_int_equal(WSANSPIoctl(h, SIO_NSP_NOTIFY_CHANGE, NULL, 0, NULL, 0, &n, &c),
                     SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSA_IO_PENDING);
    {
        uint64_t v;
        assert_int_equal(read(efd, &v, sizeof v), (ssize_t)sizeof v);
    }
    assert_int_equal(WSALookupServiceEnd(h), 0);
    assert_int_equal(set("gamma", RNRSERVICE_REGISTER), 0);
    assert_false(readable(efd, 300));
    close(efd);
}

static void test_window(void **state)
{
    WSACOMPLETION c;
    MSG msg;
    char got[256];
    DWORD n;
    HANDLE h;
    HWND w = rnr_window_create();

    (void)state;
    assert_non_null(w);
    h = begin(NS_NDS);
    names(h, got, sizeof got);
    assert_string_equal(got, "alpha,beta,gamma");
    memset(&c, 0, sizeof c);
    c.Type = NSP_NOTIFY_HWND;
    c.Parameters.WindowMessage.hWnd = w;
    c.Parameters.WindowMessage.uMsg = 0x0400 + 7;
    c.Parameters.WindowMessage.context = 42;
    assert_int_equal(WSANSPIoctl(h, SIO_NSP_NOTIFY_CHANGE, NULL, 0, NULL, 0, &n, &c),
                     SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSA_IO_PENDING);
    assert_int_equal(set("alpha", RNRSERVICE_DELETE), 0);
    assert_int_equal(rnr_window_get_message(w, &msg, 5000), 1);
    assert_int_equal(msg.message, 0x0400 + 7);
    assert_int_equal(msg.wParam, 42);
    assert_int_equal(msg.lParam, 0);
    names(h, got, sizeof got);
    assert_string_equal(got, "beta,gamma");
    assert_int_equal(WSALookupServiceEnd(h), 0);
    rnr_window_destroy(w);
}

static void test_refusals(void **state)
{
    struct later l = { NULL, RNRSERVICE_REGISTER, NULL, -1 };
    WSACOMPLETION c;
    pthread_t t;
    DWORD n;
    HANDLE h;

    (void)state;
    /* The hosts provider cannot tell. */
    h = begin(NS_TCPIP_HOSTS);
    assert_int_equal(WSANSPIoctl(h, SIO_NSP_NOTIFY_CHANGE, NULL, 0, NULL, 0, &n, NULL),
                     SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEOPNOTSUPP);
    assert_int_equal(WSALookupServiceEnd(h), 0);
    assert_int_equal(WSANSPIoctl(h, SIO_NSP_NOTIFY_CHANGE, NULL, 0, NULL, 0, &n, NULL),
                     SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSA_INVALID_HANDLE);
    h = begin(NS_NDS);
    assert_int_equal(WSANSPIoctl(h, 0x12345678, NULL, 0, NULL, 0, &n, NULL), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEOPNOTSUPP);
    memset(&c, 0, sizeof c);
    c.Type = NSP_NOTIFY_APC;
    assert_int_equal(WSANSPIoctl(h, SIO_NSP_NOTIFY_CHANGE, NULL, 0, NULL, 0, &n, &c),
                     SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEOPNOTSUPP);
    assert_int_equal(WSANSPIoctl(h, SIO_NSP_NOTIFY_CHANGE, NULL, 0, NULL, 0, NULL, NULL),
                     SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    /* A blocking wait ended from another thread. */
    l.end = h;
    assert_int_equal(pthread_create(&t, NULL, later_fn, &l), 0);
    assert_int_equal(WSANSPIoctl(h, SIO_NSP_NOTIFY_CHANGE, NULL, 0, NULL, 0, &n, NULL),
                     SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSA_E_CANCELLED);
    pthread_join(t, NULL);
    assert_int_equal(l.status, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blocking),
        cmocka_unit_test(test_event),
        cmocka_unit_test(test_window),
        cmocka_unit_test(test_refusals),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
