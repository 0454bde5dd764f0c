/* SPDX-License-Identifier: MIT */
/*
 * The window message queues (<rnr/ws2async.h>) through librnr's API, with
 * no daemon: messages come from WSAAsyncGetProtoByNumber, which reads a
 * protocols file this test writes and posts during the call, and from
 * host requests that complete with WSASYSNOTREADY because RNR_SOCKET
 * names no daemon.
 */
#include "config.h"

#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <rnr/winsock2.h>

static char g_dir[] = "/tmp/rnr-window-XXXXXX";
static char g_protocols[64];

static int readable(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN, .revents = 0 };

    assert_true(poll(&p, 1, 0) >= 0);
    return (p.revents & POLLIN) != 0;
}

static HANDLE post_proto(HWND w, UINT msg, int number, char *buf, int len)
{
    HANDLE h = WSAAsyncGetProtoByNumber(w, msg, number, buf, len);

    assert_non_null(h);
    return h;
}

static int setup(void **state)
{
    WSADATA wd;
    FILE *f;
    (void)state;

    if (mkdtemp(g_dir) == NULL)
        return -1;
    snprintf(g_protocols, sizeof g_protocols, "%s/protocols", g_dir);
    f = fopen(g_protocols, "w");
    if (f == NULL)
        return -1;
    fputs("ip\t0\tIP\ntcp\t6\tTCP\nudp\t17\tUDP\n", f);
    fclose(f);
    if (rnr_set_protocols_file(g_protocols) != 0)
        return -1;
    setenv("RNR_SOCKET", "/nonexistent/rnrd.sock", 1);
    return WSAStartup(MAKEWORD(2, 2), &wd);
}

static int teardown(void **state)
{
    (void)state;
    WSACleanup();
    unlink(g_protocols);
    rmdir(g_dir);
    return 0;
}

static void test_empty_window(void **state)
{
    HWND w = rnr_window_create();
    MSG m;
    (void)state;

    assert_non_null(w);
    assert_true(rnr_window_fd(w) >= 0);
    assert_false(readable(rnr_window_fd(w)));
    assert_int_equal(rnr_window_get_message(w, &m, 0), 0);
    assert_int_equal(rnr_window_get_message(w, &m, 20), 0);
    assert_int_equal(rnr_window_get_message(w, NULL, 0), -1);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
    rnr_window_destroy(w);
}

static void test_bad_handles(void **state)
{
    HWND w = rnr_window_create(), forged = (HWND)(uintptr_t)0x12345;
    char buf[MAXGETHOSTSTRUCT];
    MSG m;
    (void)state;

    rnr_window_destroy(w);
    rnr_window_destroy(w);            /* stale: ignored */
    rnr_window_destroy(NULL);
    rnr_window_destroy(forged);
    assert_int_equal(rnr_window_get_message(w, &m, 0), -1);
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    assert_int_equal(rnr_window_fd(forged), -1);
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    /* As on Windows, the window is not checked at call time: a request
     * for a window that is gone, or for none, gets a handle, and its
     * message goes nowhere. */
    assert_non_null(WSAAsyncGetProtoByNumber(w, WM_USER, 6, buf, sizeof buf));
    assert_non_null(WSAAsyncGetHostByName(NULL, WM_USER, "x", buf, sizeof buf));
    assert_non_null(WSAAsyncGetServByPort(NULL, 0, 0, NULL, NULL, 0));
    assert_non_null(WSAAsyncGetServByName(NULL, 0, NULL, NULL, NULL, 0));
    assert_non_null(WSAAsyncGetProtoByName(NULL, 0, NULL, NULL, 0));
    assert_non_null(WSAAsyncGetHostByAddr(NULL, 0, NULL, 0, 0, NULL, 0));
}

/* Argument errors are reported in the completion message, not at call
 * time (Wine's tests, test_WSAAsyncGetServByPort and siblings). */
static void test_args_at_completion(void **state)
{
    HWND w = rnr_window_create();
    char small[4];
    HANDLE h;
    MSG m;
    (void)state;

    h = WSAAsyncGetServByPort(w, WM_USER, 0, NULL, NULL, 0);
    assert_non_null(h);
    assert_int_equal(rnr_window_get_message(w, &m, -1), 1);
    assert_ptr_equal((HANDLE)m.wParam, h);
    assert_int_equal(WSAGETASYNCERROR(m.lParam), WSAEFAULT);
    h = WSAAsyncGetProtoByName(w, WM_USER, NULL, small, sizeof small);
    assert_non_null(h);
    assert_int_equal(rnr_window_get_message(w, &m, -1), 1);
    assert_ptr_equal((HANDLE)m.wParam, h);
    assert_int_equal(WSAGETASYNCERROR(m.lParam), WSAEFAULT);
    /* A short buffer: WSAENOBUFS with the size needed. */
    h = WSAAsyncGetProtoByNumber(w, WM_USER, 6, small, sizeof small);
    assert_non_null(h);
    assert_int_equal(rnr_window_get_message(w, &m, -1), 1);
    assert_int_equal(WSAGETASYNCERROR(m.lParam), WSAENOBUFS);
    assert_true(WSAGETASYNCBUFLEN(m.lParam) > sizeof small);
    rnr_window_destroy(w);
}

/* Messages come out in the order they were posted, with their own wMsg,
 * handle and reply; the fd is readable exactly while one waits. */
static void test_fifo_and_fd(void **state)
{
    HWND w = rnr_window_create();
    char b1[MAXGETHOSTSTRUCT], b2[MAXGETHOSTSTRUCT], b3[8];
    HANDLE h1, h2, h3;
    MSG m;
    (void)state;

    h1 = post_proto(w, WM_USER + 1, 6, b1, sizeof b1);
    assert_true(readable(rnr_window_fd(w)));
    h2 = post_proto(w, WM_USER + 2, 17, b2, sizeof b2);
    h3 = post_proto(w, WM_USER + 3, 6, b3, sizeof b3);
    assert_true(h1 != h2 && h2 != h3 && h1 != h3);

    assert_int_equal(rnr_window_get_message(w, &m, 0), 1);
    assert_ptr_equal(m.hwnd, w);
    assert_int_equal(m.message, WM_USER + 1);
    assert_ptr_equal((HANDLE)m.wParam, h1);
    assert_int_equal(WSAGETASYNCERROR(m.lParam), 0);
    assert_string_equal(((struct protoent *)(void *)b1)->p_name, "tcp");
    assert_true(readable(rnr_window_fd(w)));

    assert_int_equal(rnr_window_get_message(w, &m, -1), 1);
    assert_ptr_equal((HANDLE)m.wParam, h2);
    assert_int_equal(((struct protoent *)(void *)b2)->p_proto, 17);

    /* Too small: WSAENOBUFS and the size it takes. */
    assert_int_equal(rnr_window_get_message(w, &m, -1), 1);
    assert_ptr_equal((HANDLE)m.wParam, h3);
    assert_int_equal(WSAGETASYNCERROR(m.lParam), WSAENOBUFS);
    assert_true(WSAGETASYNCBUFLEN(m.lParam) > sizeof(struct protoent));
    assert_false(readable(rnr_window_fd(w)));
    assert_int_equal(rnr_window_get_message(w, &m, 0), 0);

    /* Completed: cancelling is too late; 0 and made-up handles never were. */
    assert_int_equal(WSACancelAsyncRequest(h1), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEALREADY);
    assert_int_equal(WSACancelAsyncRequest(NULL), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    assert_int_equal(WSACancelAsyncRequest((HANDLE)(uintptr_t)0x7fff0001u), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    rnr_window_destroy(w);
}

struct waiter {
    HWND w;
    int  rc;
    int  err;
    MSG  m;
};

static void *wait_thread(void *arg)
{
    struct waiter *wt = arg;

    wt->rc = rnr_window_get_message(wt->w, &wt->m, -1);
    wt->err = wt->rc < 0 ? WSAGetLastError() : 0;
    return NULL;
}

/* A thread blocked in get_message gets the message another posts. */
static void test_blocking_wakes(void **state)
{
    struct waiter wt = { .w = rnr_window_create() };
    char buf[MAXGETHOSTSTRUCT];
    pthread_t th;
    HANDLE h;
    (void)state;

    assert_int_equal(pthread_create(&th, NULL, wait_thread, &wt), 0);
    h = post_proto(wt.w, WM_USER, 0, buf, sizeof buf);
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(wt.rc, 1);
    assert_ptr_equal((HANDLE)wt.m.wParam, h);
    rnr_window_destroy(wt.w);
}

/* Destroying a window wakes its waiters with an error and drops what it
 * held; the fd number may be reused, the handle never. */
static void test_destroy_wakes_and_drops(void **state)
{
    struct waiter wt = { .w = rnr_window_create() };
    char buf[MAXGETHOSTSTRUCT];
    pthread_t th;
    HWND w2;
    MSG m;
    (void)state;

    assert_int_equal(pthread_create(&th, NULL, wait_thread, &wt), 0);
    /* Whether the thread is already waiting or not, it must end. */
    rnr_window_destroy(wt.w);
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(wt.rc, -1);
    assert_int_equal(wt.err, WSAEINVAL);

    w2 = rnr_window_create();
    post_proto(w2, WM_USER, 6, buf, sizeof buf);
    rnr_window_destroy(w2);
    assert_int_equal(rnr_window_get_message(w2, &m, 0), -1);
    assert_ptr_not_equal(rnr_window_create(), w2);
}

/* No daemon: the request is accepted and completes with WSASYSNOTREADY,
 * the error the synchronous functions give. */
static void test_no_daemon(void **state)
{
    HWND w = rnr_window_create();
    char buf[MAXGETHOSTSTRUCT];
    HANDLE h;
    MSG m;
    (void)state;

    h = WSAAsyncGetHostByName(w, WM_USER, "alpha.example", buf, sizeof buf);
    assert_non_null(h);
    assert_int_equal(rnr_window_get_message(w, &m, -1), 1);
    assert_ptr_equal((HANDLE)m.wParam, h);
    assert_int_equal(WSAGETASYNCERROR(m.lParam), WSASYSNOTREADY);
    /* Argument errors the synchronous call reports come as messages. */
    h = WSAAsyncGetHostByName(w, WM_USER, "192.0.2.1", buf, sizeof buf);
    assert_non_null(h);
    assert_int_equal(rnr_window_get_message(w, &m, -1), 1);
    assert_int_equal(WSAGETASYNCERROR(m.lParam), WSAHOST_NOT_FOUND);
    h = WSAAsyncGetServByName(w, WM_USER, "ftp", "tcp", NULL, 0);
    assert_non_null(h);
    assert_int_equal(rnr_window_get_message(w, &m, -1), 1);
    assert_int_equal(WSAGETASYNCERROR(m.lParam), WSAEFAULT);
    rnr_window_destroy(w);
}

static void test_not_initialised(void **state)
{
    HWND w = rnr_window_create();
    char buf[MAXGETHOSTSTRUCT];
    WSADATA wd;
    (void)state;

    assert_int_equal(WSACleanup(), 0);
    assert_null(WSAAsyncGetProtoByNumber(w, WM_USER, 6, buf, sizeof buf));
    assert_int_equal(WSAGetLastError(), WSANOTINITIALISED);
    assert_int_equal(WSACancelAsyncRequest((HANDLE)(uintptr_t)1), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSANOTINITIALISED);
    assert_int_equal(WSAStartup(MAKEWORD(2, 2), &wd), 0);
    /* Windows outlive WSACleanup. */
    assert_non_null(WSAAsyncGetProtoByNumber(w, WM_USER, 6, buf, sizeof buf));
    rnr_window_destroy(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_window),
        cmocka_unit_test(test_bad_handles),
        cmocka_unit_test(test_fifo_and_fd),
        cmocka_unit_test(test_blocking_wakes),
        cmocka_unit_test(test_destroy_wakes_and_drops),
        cmocka_unit_test(test_no_daemon),
        cmocka_unit_test(test_args_at_completion),
        cmocka_unit_test(test_not_initialised),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
