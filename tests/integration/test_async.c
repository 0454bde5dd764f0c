/* SPDX-License-Identifier: MIT */
/*
 * WSAAsyncGetXByY and WSACancelAsyncRequest through a real rnrd.
 *
 * Group "answers": rnrd with the hosts and local providers and a hosts
 * file of 500 generated names.  Every asynchronous call must post exactly
 * what the synchronous call returns (structure or error), with every
 * pointer inside the caller's buffer; a short buffer gives WSAENOBUFS and
 * the size it takes; 500 requests outstanding at once all complete
 * correctly, waited for with poll() on the window's fd, while the process
 * keeps a handful of threads.
 *
 * Group "held": the test provider holds every lookup it gets open for
 * ever (delay-ms = never), so requests for names the hosts file lacks stay
 * pending until cancelled, deterministically.  Cancelled requests and
 * requests of a destroyed window never post and never touch their
 * buffers, even when rnrd is stopped under them (which completes every
 * other pending request with WSASYSNOTREADY); 500 such requests are in
 * flight at once on one thread.
 *
 * Figures (printed, not asserted): time for 500 requests and the most
 * threads seen.  RNRT_ASYNC_N changes the 500.
 */
#include "config.h"

#include <poll.h>
#include <sys/wait.h>

#include "itest.h"

#define NGEN_MAX 4000

static struct rnrt_daemon daemon_;
static char g_protocols[256];
static unsigned g_n = 500;

/* ------------------------------------------------------------ helpers */

/* The one message the window gets next, waiting for it (a minute is a
 * hang, not a slow machine: fail rather than block `make check`). */
static MSG next_msg(HWND w)
{
    MSG m;

    memset(&m, 0, sizeof m);
    assert_int_equal(rnr_window_get_message(w, &m, 60000), 1);
    assert_ptr_equal(m.hwnd, w);
    return m;
}

static void assert_inside(const void *p, const char *buf, size_t len)
{
    assert_true((const char *)p >= buf && (const char *)p < buf + len);
}

static void assert_strv_equal(char **a, char **b, const char *buf, size_t len)
{
    size_t i;

    assert_inside(a, buf, len);
    for (i = 0; b[i] != NULL; i++) {
        assert_non_null(a[i]);
        assert_inside(a[i], buf, len);
        assert_string_equal(a[i], b[i]);
    }
    assert_null(a[i]);
}

/* The message says success and buf holds exactly the synchronous
 * hostent (NULL: the synchronous call failed with sync_err, and so must
 * the message). */
static void assert_host_msg(MSG m, const char *buf, size_t len,
                            const struct hostent *sync, int sync_err)
{
    const struct hostent *he = (const void *)buf;
    size_t i;

    if (sync == NULL) {
        assert_int_equal(WSAGETASYNCERROR(m.lParam), sync_err);
        return;
    }
    assert_int_equal(WSAGETASYNCERROR(m.lParam), 0);
    assert_true(WSAGETASYNCBUFLEN(m.lParam) <= len);
    assert_inside(he->h_name, buf, len);
    assert_string_equal(he->h_name, sync->h_name);
    assert_int_equal(he->h_addrtype, sync->h_addrtype);
    assert_int_equal(he->h_length, sync->h_length);
    assert_strv_equal(he->h_aliases, sync->h_aliases, buf, len);
    assert_inside(he->h_addr_list, buf, len);
    for (i = 0; sync->h_addr_list[i] != NULL; i++) {
        assert_inside(he->h_addr_list[i], buf, len);
        assert_memory_equal(he->h_addr_list[i], sync->h_addr_list[i],
                            (size_t)sync->h_length);
    }
    assert_null(he->h_addr_list[i]);
}

static void assert_serv_msg(MSG m, const char *buf, size_t len,
                            const struct servent *sync, int sync_err)
{
    const struct servent *se = (const void *)buf;

    if (sync == NULL) {
        assert_int_equal(WSAGETASYNCERROR(m.lParam), sync_err);
        return;
    }
    assert_int_equal(WSAGETASYNCERROR(m.lParam), 0);
    assert_inside(se->s_name, buf, len);
    assert_string_equal(se->s_name, sync->s_name);
    assert_int_equal(se->s_port, sync->s_port);
    assert_inside(se->s_proto, buf, len);
    assert_string_equal(se->s_proto, sync->s_proto);
    assert_strv_equal(se->s_aliases, sync->s_aliases, buf, len);
}

static void assert_proto_msg(MSG m, const char *buf, size_t len,
                             const struct protoent *sync, int sync_err)
{
    const struct protoent *pe = (const void *)buf;

    if (sync == NULL) {
        assert_int_equal(WSAGETASYNCERROR(m.lParam), sync_err);
        return;
    }
    assert_int_equal(WSAGETASYNCERROR(m.lParam), 0);
    assert_inside(pe->p_name, buf, len);
    assert_string_equal(pe->p_name, sync->p_name);
    assert_int_equal(pe->p_proto, sync->p_proto);
    assert_strv_equal(pe->p_aliases, sync->p_aliases, buf, len);
}

/* A copy of a getXbyY result (the thread's storage is reused by the next
 * call): deep enough for the comparisons above. */
struct saved {
    char  store[4096];
    void *p;
    int   err;
};

static void save_host(struct saved *s, const struct hostent *he)
{
    s->err = he == NULL ? WSAGetLastError() : 0;
    s->p = NULL;
    if (he != NULL) {
        /* Unpacked again by the async path would prove nothing; copy by
         * hand: the layout below is only read by assert_host_msg. */
        static struct hostent h;
        static char *al[64], *ad[64];
        char *at = s->store;
        size_t i;

        h = *he;
        h.h_name = strcpy(at, he->h_name);
        at += strlen(at) + 1;
        for (i = 0; he->h_aliases[i] != NULL && i < 63; i++) {
            al[i] = strcpy(at, he->h_aliases[i]);
            at += strlen(at) + 1;
        }
        al[i] = NULL;
        for (i = 0; he->h_addr_list[i] != NULL && i < 63; i++) {
            ad[i] = memcpy(at, he->h_addr_list[i], (size_t)he->h_length);
            at += he->h_length;
        }
        ad[i] = NULL;
        h.h_aliases = al;
        h.h_addr_list = ad;
        s->p = &h;
    }
}

/* ------------------------------------------------------------ group "answers" */

static int answers_setup(void **state)
{
    char line[128];
    size_t cap = strlen(rnrt_default_hosts) + 1 + (size_t)NGEN_MAX * 64, len;
    char *hosts;
    const char *env = getenv("RNRT_ASYNC_N");
    WSADATA wd;
    unsigned i;
    (void)state;

    if (env != NULL && atoi(env) > 0 && atoi(env) <= NGEN_MAX)
        g_n = (unsigned)atoi(env);
    if (rnrt_daemon_init(&daemon_, NULL) != 0)
        return -1;
    /* The default entries, then host000.example ... with 10.1.x.y. */
    hosts = malloc(cap);
    if (hosts == NULL)
        return -1;
    len = (size_t)snprintf(hosts, cap, "%s", rnrt_default_hosts);
    for (i = 0; i < g_n; i++) {
        snprintf(line, sizeof line, "10.1.%u.%u host%03u.example h%03u\n",
                 i / 256, i % 256, i, i);
        len += (size_t)snprintf(hosts + len, cap - len, "%s", line);
    }
    snprintf(g_protocols, sizeof g_protocols, "%s/protocols", daemon_.dir);
    if (rnrt_write_file(daemon_.hosts, hosts) != 0 ||
        rnrt_write_file(g_protocols, "ip\t0\tIP\ntcp\t6\tTCP\nudp\t17\tUDP\n"
                                     "ipv6-icmp 58 IPv6-ICMP icmp6\n") != 0 ||
        rnr_set_protocols_file(g_protocols) != 0) {
        free(hosts);
        return -1;
    }
    free(hosts);
    if (rnrt_daemon_start(&daemon_) != 0)
        return -1;
    return WSAStartup(MAKEWORD(2, 2), &wd);
}

static int group_teardown(void **state)
{
    (void)state;
    return rnrt_session_end(&daemon_);
}

static char long_name[5000];

static void test_host_by_name(void **state)
{
    /* long_name: over the wire's bound, refused before it reaches rnrd
     * (which would drop the connection of every pending request). */
    const char *const names[] = {
        "alpha.example", "ALPHA.example", "al", "beta", "delta.example",
        "localhost", "rnrtest-host", "host007.example",
        "gamma6.example",       /* IPv6 only: not found for AF_INET */
        "nosuch.example", "192.0.2.10", "", long_name
    };
    HWND w = rnr_window_create();
    char buf[MAXGETHOSTSTRUCT];
    struct saved s;
    size_t i;
    (void)state;

    memset(long_name, 'x', sizeof long_name - 1);
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        HANDLE h;
        MSG m;

        save_host(&s, rnr_gethostbyname(names[i]));
        memset(buf, 0xa5, sizeof buf);
        h = WSAAsyncGetHostByName(w, WM_USER + 7, names[i], buf, sizeof buf);
        assert_non_null(h);
        m = next_msg(w);
        assert_int_equal(m.message, WM_USER + 7);
        assert_ptr_equal((HANDLE)m.wParam, h);
        assert_host_msg(m, buf, sizeof buf, s.p, s.err);
    }
    rnr_window_destroy(w);
}

static void test_host_by_addr(void **state)
{
    struct { int af; const char *text; int len; } cases[] = {
        { AF_INET, "192.0.2.10", 4 }, { AF_INET, "192.0.2.11", 4 },
        { AF_INET6, "2001:db8::10", 16 }, { AF_INET6, "2001:db8::12", 16 },
        { AF_INET, "10.1.0.42", 4 }, { AF_INET, "203.0.113.99", 4 },
        { AF_INET, "192.0.2.10", 3 },          /* WSAEFAULT */
        { AF_UNIX, "192.0.2.10", 4 },          /* WSAEAFNOSUPPORT */
    };
    HWND w = rnr_window_create();
    char buf[MAXGETHOSTSTRUCT];
    struct saved s;
    size_t i;
    (void)state;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned char a[16];
        int af = cases[i].af == AF_UNIX ? AF_INET : cases[i].af;
        HANDLE h;

        assert_int_equal(inet_pton(af, cases[i].text, a), 1);
        save_host(&s, rnr_gethostbyaddr((char *)a, cases[i].len, cases[i].af));
        h = WSAAsyncGetHostByAddr(w, WM_USER, (char *)a, cases[i].len,
                                  cases[i].af, buf, sizeof buf);
        assert_non_null(h);
        assert_host_msg(next_msg(w), buf, sizeof buf, s.p, s.err);
    }
    rnr_window_destroy(w);
}

static void test_serv(void **state)
{
    static const char *const cases[][2] = {
        { "ftp", "tcp" }, { "ftp", NULL }, { "www", "tcp" }, { "domain", "udp" },
        { "DOMAIN", "UDP" }, { "rnr-test", NULL },
        { "ftp", "udp" },              /* known name, other protocol: WSANO_DATA */
        { "nosuch", "tcp" }, { "nosuch", NULL }, { "", "tcp" },
    };
    static const int ports[] = { 21, 53, 80, 4242, 9999 };
    HWND w = rnr_window_create();
    char buf[MAXGETHOSTSTRUCT], sync_copy[sizeof(struct servent) + 512];
    size_t i, k;
    (void)state;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct servent *se = rnr_getservbyname(cases[i][0], cases[i][1]);
        int err = se == NULL ? WSAGetLastError() : 0;

        if (se != NULL) {
            /* Keep it: the async call must not be compared with itself. */
            se = memcpy(sync_copy, se, sizeof *se);
        }
        assert_non_null(WSAAsyncGetServByName(w, WM_USER, cases[i][0], cases[i][1],
                                              buf, sizeof buf));
        assert_serv_msg(next_msg(w), buf, sizeof buf, se, err);
    }
    for (i = 0; i < sizeof ports / sizeof ports[0]; i++) {
        static const char *const protos[] = { "tcp", "udp", NULL };

        for (k = 0; k < 3; k++) {
            int port = htons((uint16_t)ports[i]);
            struct servent *se = rnr_getservbyport(port, protos[k]);
            int err = se == NULL ? WSAGetLastError() : 0;

            assert_non_null(WSAAsyncGetServByPort(w, WM_USER, port, protos[k],
                                                  buf, sizeof buf));
            assert_serv_msg(next_msg(w), buf, sizeof buf, se, err);
        }
    }
    rnr_window_destroy(w);
}

static void test_proto(void **state)
{
    static const char *const names[] = { "tcp", "UDP", "icmp6", "nosuch" };
    static const int numbers[] = { 0, 6, 17, 58, 255 };
    HWND w = rnr_window_create();
    char buf[MAXGETHOSTSTRUCT];
    size_t i;
    (void)state;

    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct protoent *pe = rnr_getprotobyname(names[i]);
        int err = pe == NULL ? WSAGetLastError() : 0;

        assert_non_null(WSAAsyncGetProtoByName(w, WM_USER, names[i], buf, sizeof buf));
        assert_proto_msg(next_msg(w), buf, sizeof buf, pe, err);
    }
    for (i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
        struct protoent *pe = rnr_getprotobynumber(numbers[i]);
        int err = pe == NULL ? WSAGetLastError() : 0;

        assert_non_null(WSAAsyncGetProtoByNumber(w, WM_USER, numbers[i], buf, sizeof buf));
        assert_proto_msg(next_msg(w), buf, sizeof buf, pe, err);
    }
    rnr_window_destroy(w);
}

/* A short buffer: WSAENOBUFS with the size it takes; a buffer of exactly
 * that size then works. */
static void test_short_buffer(void **state)
{
    HWND w = rnr_window_create();
    char small[sizeof(struct hostent) + 8], *big;
    struct saved s;
    WORD need;
    MSG m;
    (void)state;

    memset(small, 0x5a, sizeof small);
    assert_non_null(WSAAsyncGetHostByName(w, WM_USER, "alpha.example", small, sizeof small));
    m = next_msg(w);
    assert_int_equal(WSAGETASYNCERROR(m.lParam), WSAENOBUFS);
    need = WSAGETASYNCBUFLLEN(m.lParam);
    assert_true(need > sizeof small);

    big = malloc(need);
    assert_non_null(big);
    save_host(&s, rnr_gethostbyname("alpha.example"));
    assert_non_null(WSAAsyncGetHostByName(w, WM_USER, "alpha.example", big, need));
    m = next_msg(w);
    assert_host_msg(m, big, need, s.p, s.err);
    assert_int_equal(WSAGETASYNCBUFLEN(m.lParam), need);
    free(big);

    assert_non_null(WSAAsyncGetServByName(w, WM_USER, "http", "tcp", small, 12));
    m = next_msg(w);
    assert_int_equal(WSAGETASYNCERROR(m.lParam), WSAENOBUFS);
    assert_true(WSAGETASYNCBUFLEN(m.lParam) > sizeof(struct servent));
    rnr_window_destroy(w);
}

static void test_cancel_completed_and_unknown(void **state)
{
    HWND w = rnr_window_create();
    char buf[MAXGETHOSTSTRUCT];
    HANDLE h;
    (void)state;

    h = WSAAsyncGetHostByName(w, WM_USER, "beta", buf, sizeof buf);
    assert_non_null(h);
    /* Completed, message waiting or taken: WSAEALREADY both times. */
    while (rnr_window_fd(w) >= 0) {
        struct pollfd p = { .fd = rnr_window_fd(w), .events = POLLIN };

        assert_int_equal(poll(&p, 1, -1), 1);
        break;
    }
    assert_int_equal(WSACancelAsyncRequest(h), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEALREADY);
    next_msg(w);
    assert_int_equal(WSACancelAsyncRequest(h), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEALREADY);
    assert_int_equal(WSACancelAsyncRequest(NULL), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    assert_int_equal(WSACancelAsyncRequest((HANDLE)(uintptr_t)0xdead0000beefull), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    rnr_window_destroy(w);
}

/* g_n requests outstanding at once from one window, waited for with
 * poll() on its fd.  The harness sets rnrd's max-lookups-per-client to
 * 64, so this also drives the engine's WSAEMFILE back-off and retry. */
static void test_many_in_flight(void **state)
{
    HWND w = rnr_window_create();
    char (*bufs)[MAXGETHOSTSTRUCT] = calloc(g_n, MAXGETHOSTSTRUCT);
    HANDLE *hs = calloc(g_n, sizeof *hs);
    unsigned char *seen = calloc(g_n, 1);
    int base = rnrt_thread_count(), most, n;
    long long t0, t1;
    unsigned i, got = 0;
    (void)state;

    assert_non_null(bufs);
    assert_non_null(hs);
    assert_non_null(seen);
    t0 = rnrt_now_ms();
    for (i = 0; i < g_n; i++) {
        char name[32];

        snprintf(name, sizeof name, "host%03u.example", i);
        /* The message number says which request it answers. */
        hs[i] = WSAAsyncGetHostByName(w, WM_USER + i, name, bufs[i], MAXGETHOSTSTRUCT);
        assert_non_null(hs[i]);
    }
    most = rnrt_thread_count();
    while (got < g_n) {
        struct pollfd p = { .fd = rnr_window_fd(w), .events = POLLIN };
        MSG m;

        assert_int_equal(poll(&p, 1, 60000), 1);
        while (rnr_window_get_message(w, &m, 0) == 1) {
            const struct hostent *he;
            unsigned char want[4];
            char name[32];

            i = m.message - WM_USER;
            assert_true(i < g_n);
            assert_ptr_equal(hs[i], (HANDLE)m.wParam);
            assert_false(seen[i]);
            seen[i] = 1;
            got++;
            assert_int_equal(WSAGETASYNCERROR(m.lParam), 0);
            he = (const void *)bufs[i];
            want[0] = 10, want[1] = 1, want[2] = (unsigned char)(i / 256);
            want[3] = (unsigned char)(i % 256);
            assert_int_equal(he->h_addrtype, AF_INET);
            assert_memory_equal(he->h_addr_list[0], want, 4);
            assert_null(he->h_addr_list[1]);
            snprintf(name, sizeof name, "host%03u.example", i);
            assert_string_equal(he->h_name, name);
            snprintf(name, sizeof name, "h%03u", i);
            assert_string_equal(he->h_aliases[0], name);
            assert_null(he->h_aliases[1]);
        }
        if ((n = rnrt_thread_count()) > most)
            most = n;
    }
    t1 = rnrt_now_ms();
    /* One engine thread at most was added, whatever the number. */
    assert_true(most <= base + 1);
    printf("# async: %u requests outstanding at once, all answered in %lld ms; "
           "threads: %d before, %d at most\n", g_n, t1 - t0, base, most);
    free(seen);
    free(hs);
    free(bufs);
    rnr_window_destroy(w);
}

/* What a Windows program does with the reference's functions and macros,
 * in its own spelling: a window procedure handles the completion; only
 * the message loop (GetMessage / DispatchMessage on Windows) is rnr's. */
#define WM_HOSTRESOLVED (WM_USER + 42)
static char hostbuf[MAXGETHOSTSTRUCT];
static HANDLE hAsync;
static char resolved[64];

static LRESULT CALLBACK WndProc(HWND hWnd, UINT message, WPARAM wParam, LPARAM lParam)
{
    (void)hWnd;
    switch (message) {
    case WM_HOSTRESOLVED:
        if ((HANDLE)wParam != hAsync)
            return 0;
        if (WSAGETASYNCERROR(lParam) != 0) {
            snprintf(resolved, sizeof resolved, "error %d (%u bytes needed)",
                     WSAGETASYNCERROR(lParam), WSAGETASYNCBUFLLEN(lParam));
        } else {
            LPHOSTENT lpHostEnt = (LPHOSTENT)hostbuf;
            struct in_addr in;

            memcpy(&in, lpHostEnt->h_addr_list[0], sizeof in);
            snprintf(resolved, sizeof resolved, "%s %s", lpHostEnt->h_name,
                     inet_ntoa(in));
        }
        return 0;
    default:
        return 0;
    }
}

static void test_reference_style(void **state)
{
    HWND hWnd = rnr_window_create();
    MSG msg;
    (void)state;

    hAsync = WSAAsyncGetHostByName(hWnd, WM_HOSTRESOLVED, "alpha.example",
                                   hostbuf, MAXGETHOSTSTRUCT);
    if (hAsync == 0)
        fail_msg("WSAAsyncGetHostByName failed: %d", WSAGetLastError());
    while (resolved[0] == '\0' && rnr_window_get_message(hWnd, &msg, 60000) > 0)
        WndProc(msg.hwnd, msg.message, msg.wParam, msg.lParam);
    assert_string_equal(resolved, "alpha.example 192.0.2.10");
    rnr_window_destroy(hWnd);
}

/* ------------------------------------------------------------ group "held" */

static int held_setup(void **state)
{
    WSADATA wd;
    (void)state;
    if (rnrt_daemon_init(&daemon_,
                         "[provider held]\nmodule = " RNRT_MODULE_TESTPROV "\n"
                         "namespace = NS_X500\n"
                         "delay-ms = never\n") != 0 ||
        rnrt_daemon_start(&daemon_) != 0)
        return -1;
    return WSAStartup(MAKEWORD(2, 2), &wd);
}

static int untouched(const char *buf, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        if ((unsigned char)buf[i] != 0xa5)
            return 0;
    return 1;
}

/* Cancelled requests and those of a destroyed window never post nor
 * write, even when stopping rnrd completes everything still pending. */
static void test_cancel_pending(void **state)
{
    HWND w = rnr_window_create(), w2 = rnr_window_create();
    static char a[MAXGETHOSTSTRUCT], b[MAXGETHOSTSTRUCT], c[5][MAXGETHOSTSTRUCT];
    HANDLE ha, hb, hc[5];
    struct saved s;
    int i;
    MSG m;
    (void)state;

    memset(a, 0xa5, sizeof a);
    memset(c, 0xa5, sizeof c);
    ha = WSAAsyncGetHostByName(w, WM_USER, "held-a.example", a, sizeof a);
    hb = WSAAsyncGetServByName(w, WM_USER, "held-b", "tcp", b, sizeof b);
    assert_non_null(ha);
    assert_non_null(hb);
    for (i = 0; i < 5; i++) {
        hc[i] = WSAAsyncGetHostByName(w2, WM_USER, "held-c.example", c[i], sizeof c[i]);
        assert_non_null(hc[i]);
    }
    /* The hosts file answers at once even with the test provider holding
     * the lookup: completion is on the first accepted result. */
    save_host(&s, rnr_gethostbyname("alpha.example"));
    assert_non_null(WSAAsyncGetHostByName(w, WM_USER + 1, "alpha.example", b, sizeof b));
    m = next_msg(w);
    assert_int_equal(m.message, WM_USER + 1);
    assert_host_msg(m, b, sizeof b, s.p, s.err);
    memset(b, 0xa5, sizeof b);

    assert_int_equal(WSACancelAsyncRequest(ha), 0);
    assert_int_equal(WSACancelAsyncRequest(ha), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEALREADY);
    rnr_window_destroy(w2);
    assert_int_equal(WSACancelAsyncRequest(hc[0]), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEALREADY);

    /* rnrd goes away: the engine completes what is pending. */
    assert_int_equal(rnrt_daemon_stop(&daemon_), 0);
    m = next_msg(w);
    assert_ptr_equal((HANDLE)m.wParam, hb);
    assert_int_equal(WSAGETASYNCERROR(m.lParam), WSASYSNOTREADY);
    assert_int_equal(rnr_window_get_message(w, &m, 0), 0);
    assert_true(untouched(a, sizeof a));
    assert_true(untouched(b, sizeof b));
    assert_true(untouched((char *)c, sizeof c));

    /* And comes back: the next request connects again. */
    assert_int_equal(rnrt_daemon_start(&daemon_), 0);
    assert_non_null(WSAAsyncGetHostByName(w, WM_USER, "alpha.example", b, sizeof b));
    assert_host_msg(next_msg(w), b, sizeof b, s.p, s.err);
    rnr_window_destroy(w);
}

/* g_n requests held open at once: one thread for all of them; then all
 * cancelled. */
static void test_many_held(void **state)
{
    HWND w = rnr_window_create();
    char (*bufs)[64] = malloc((size_t)g_n * 64);
    HANDLE *hs = calloc(g_n, sizeof *hs);
    int base = rnrt_thread_count(), after;
    unsigned i;
    MSG m;
    (void)state;

    assert_non_null(bufs);
    assert_non_null(hs);
    memset(bufs, 0xa5, (size_t)g_n * 64);
    for (i = 0; i < g_n; i++) {
        hs[i] = WSAAsyncGetHostByName(w, WM_USER, "held.example", bufs[i], 64);
        assert_non_null(hs[i]);
    }
    after = rnrt_thread_count();
    assert_true(after <= base + 1);
    printf("# async: %u requests held open at once; threads: %d before, %d after\n",
           g_n, base, after);
    for (i = 0; i < g_n; i++)
        assert_int_equal(WSACancelAsyncRequest(hs[i]), 0);
    assert_int_equal(rnr_window_get_message(w, &m, 0), 0);
    assert_true(untouched((char *)bufs, (size_t)g_n * 64));
    free(hs);
    free(bufs);
    rnr_window_destroy(w);
}

/* A forked child cannot use the parent's engine; its requests run on its
 * own, and the parent's pending ones stay the parent's. */
static void test_fork(void **state)
{
    HWND w = rnr_window_create();
    char buf[MAXGETHOSTSTRUCT], held[64];
    HANDLE h;
    pid_t pid;
    int st;
    MSG m;
    (void)state;

    memset(held, 0xa5, sizeof held);
    h = WSAAsyncGetHostByName(w, WM_USER, "held.example", held, sizeof held);
    assert_non_null(h);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        HANDLE h2 = WSAAsyncGetHostByName(w, WM_USER + 1, "alpha.example", buf, sizeof buf);
        const struct hostent *he = (const void *)buf;

        if (h2 == NULL || rnr_window_get_message(w, &m, -1) != 1 ||
            (HANDLE)m.wParam != h2 || WSAGETASYNCERROR(m.lParam) != 0 ||
            strcmp(he->h_name, "alpha.example") != 0 ||
            WSACancelAsyncRequest(h) != SOCKET_ERROR)   /* not the child's */
            _exit(1);
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    /* The parent's request is still pending and its own to cancel. */
    assert_int_equal(WSACancelAsyncRequest(h), 0);
    assert_int_equal(rnr_window_get_message(w, &m, 0), 0);
    rnr_window_destroy(w);
}

/* WSACleanup cancels what is pending without a message. */
static void test_cleanup_cancels(void **state)
{
    HWND w = rnr_window_create();
    char held[64];
    WSADATA wd;
    HANDLE h;
    MSG m;
    (void)state;

    memset(held, 0xa5, sizeof held);
    h = WSAAsyncGetHostByName(w, WM_USER, "held.example", held, sizeof held);
    assert_non_null(h);
    assert_int_equal(WSACleanup(), 0);
    assert_int_equal(WSAStartup(MAKEWORD(2, 2), &wd), 0);
    assert_int_equal(WSACancelAsyncRequest(h), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEALREADY);
    assert_int_equal(rnr_window_get_message(w, &m, 0), 0);
    assert_true(untouched(held, sizeof held));
    /* A new session starts a new engine. */
    assert_non_null(WSAAsyncGetHostByName(w, WM_USER, "beta", held, sizeof held));
    assert_int_equal(WSAGETASYNCERROR(next_msg(w).lParam), WSAENOBUFS);
    rnr_window_destroy(w);
}

int main(void)
{
    const struct CMUnitTest answers[] = {
        cmocka_unit_test(test_host_by_name),
        cmocka_unit_test(test_host_by_addr),
        cmocka_unit_test(test_serv),
        cmocka_unit_test(test_proto),
        cmocka_unit_test(test_short_buffer),
        cmocka_unit_test(test_cancel_completed_and_unknown),
        cmocka_unit_test(test_many_in_flight),
        cmocka_unit_test(test_reference_style),
    };
    const struct CMUnitTest held[] = {
        cmocka_unit_test(test_cancel_pending),
        cmocka_unit_test(test_many_held),
        cmocka_unit_test(test_fork),
        cmocka_unit_test(test_cleanup_cancels),
    };
    int rc = cmocka_run_group_tests_name("answers", answers, answers_setup,
                                         group_teardown);

    return rc | cmocka_run_group_tests_name("held", held, held_setup,
                                            group_teardown);
}
