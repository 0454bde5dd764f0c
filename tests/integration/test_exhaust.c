/* SPDX-License-Identifier: MIT */
/*
 * No local user exhausts rnrd for the others: a real rnrd, a real
 * attacker (RNRT_USER_MALLORY) and a real victim (RNRT_USER_ALICE),
 * created by the test.  Each attack is the one that used to work:
 *
 *   - 1,100 idle connections from mallory, under systemd's default soft
 *     RLIMIT_NOFILE of 1,024: root's `rnrctl status` and alice's lookup
 *     still succeed (max-clients-per-uid, RLIMIT_NOFILE raised);
 *     with a hard limit of 1,024 too and no per-uid cap, root still gets
 *     in (the reserve for admins inside what the descriptors allow);
 *   - idle connections are closed after client-idle-timeout-ms, mallory's
 *     included, and librnr's next call connects again without an error;
 *   - 1,000 connections each announcing a 1 MiB request and sending most
 *     of it: rnrd's peak RSS stays under memory-limit (the requests are
 *     answered WSAENOBUFS and their bodies thrown away), alice is served,
 *     the frames time out (frame-timeout-ms) and the memory goes back;
 *   - 40 connections asking an 18 MB wildcard answer and never reading:
 *     peak RSS under memory-limit (max-output-per-lookup, the budgets),
 *     alice served;
 *   - 1,500 connect-ask-close: the provider is hardly ever asked (no
 *     work for peers gone), alice's lookups all succeed;
 *   - 1,000 refused RELOADs and 1,000 refused CONTROLs: no answer cache
 *     invalidation.
 *
 * Figures (peak RSS and the rest) are printed; bounds are generous.
 * Needs root (to create the users and become them): skips otherwise.
 */
#include "config.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "itest.h"
#include "wire.h"

#define MIB (1024 * 1024)

#define DIR_CONF "[provider directory]\nmodule = directory\nnamespace = NS_NDS\n"
/* The budgets of the hostile-traffic daemon (tests 2 to 5). */
#define MEMORY_LIMIT (64 * MIB)
#define LIMITS_CONF "memory-limit = 67108864\n" \
                    "max-clients = 2000\n" \
                    "max-clients-per-uid = 1100\n" \
                    "frame-timeout-ms = 3000\n"

#define BIG_ENTRIES 300
#define BIG_BLOB    60000

static GUID big_class = { 0x5eb1c0de, 0x1234, 0x4abc, { 1, 2, 3, 4, 5, 6, 7, 8 } };
static GUID hostaddrbyname = SVCID_INET_HOSTADDRBYNAME;

static struct rnrt_daemon daemon_;
static int started;
static int hostile;              /* the daemon of tests 3 to 6 is up */
static struct attack *running;   /* stopped by the teardown after a failure */
static int big_registered;

/* ------------------------------------------------------------ helpers */

static void need_users(void)
{
    uid_t uid;
    gid_t gid;

    if (geteuid() != 0 || rnrt_user_ensure(RNRT_USER_MALLORY, &uid, &gid) != 0 ||
        rnrt_user_ensure(RNRT_USER_ALICE, &uid, &gid) != 0)
        skip();
}

/* rnrd under `prlimit --nofile=SOFT:HARD` (the harness's wrapper). */
static int daemon_start_nofile(struct rnrt_daemon *d, unsigned long soft, unsigned long hard)
{
    const char *old = getenv("RNRT_WRAPPER");
    char *saved = old != NULL ? strdup(old) : NULL;
    char wrap[1024];
    int rc;

    snprintf(wrap, sizeof wrap, "prlimit --nofile=%lu:%lu -- %s", soft, hard,
             saved != NULL ? saved : "");
    setenv("RNRT_WRAPPER", wrap, 1);
    rc = rnrt_daemon_start(d);
    if (saved != NULL)
        setenv("RNRT_WRAPPER", saved, 1);
    else
        unsetenv("RNRT_WRAPPER");
    free(saved);
    return rc;
}

/* rnrctl as root; exit status, its output in out. */
static int rnrctl(const char *args, char *out, size_t len)
{
    char cmd[1024];
    size_t n = 0;
    FILE *p;

    snprintf(cmd, sizeof cmd, "RNR_ANSWER_CACHE=0 %s/client/rnrctl/rnrctl --socket '%s' %s 2>&1",
             rnrt_builddir(), daemon_.sock, args);
    p = popen(cmd, "r");
    if (p == NULL)
        return -1;
    while (n + 1 < len && fgets(out + n, (int)(len - n), p) != NULL)
        n += strlen(out + n);
    out[n] = '\0';
    return WEXITSTATUS(pclose(p));
}

/* VmHWM or VmRSS of rnrd, in KiB. */
static long rnrd_mem_kb(const char *field)
{
    char path[64], line[256];
    long kb = -1;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%ld/status", (long)daemon_.pid);
    f = fopen(path, "r");
    assert_non_null(f);
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, field, strlen(field)) == 0)
            kb = strtol(line + strlen(field) + 1, NULL, 10);
    fclose(f);
    return kb;
}

static void raise_nofile(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static int raw_connect(void)
{
    return rnrt_unix_connect(daemon_.sock);
}

/* A LOOKUP_BEGIN frame for every entry of \big (18 MB of answer). */
static void big_lookup_frame(struct rnr_wbuf *w, uint32_t id)
{
    WSAQUERYSETA q;

    memset(&q, 0, sizeof q);
    q.dwSize = sizeof q;
    q.lpServiceClassId = &big_class;
    q.lpszServiceInstanceName = (char *)"*";
    q.lpszContext = (char *)"\\big";
    q.dwNameSpace = NS_NDS;
    rnr_wbuf_init(w);
    rnr_wire_frame_begin(w, RNR_MSG_LOOKUP_BEGIN, id, 0);
    rnr_wire_put_u32(w, LUP_RETURN_ALL);
    rnr_wire_put_queryset(w, &q);
    rnr_wire_frame_end(w, RNR_WIRE_MAX_FRAME);
    assert_int_equal(w->error, 0);
}

/* An attack run as mallory in the background: `fn` sets it up, says so
 * on `ready`, and holds it until the test closes `go`. */
struct attack {
    int (*fn)(struct attack *a);
    int   ready[2];
    int   go[2];
    pid_t pid;
    int   n;           /* connections */
    long  counted;     /* what mallory reports, through `ready` */
};

static void attack_ready(struct attack *a, long counted)
{
    if (write(a->ready[1], &counted, sizeof counted) != (ssize_t)sizeof counted)
        _exit(3);
}

/* Until the test is done with it (2 minutes at most: never a hang). */
static void attack_hold(struct attack *a)
{
    struct pollfd pfd = { a->go[0], POLLIN, 0 };

    while (poll(&pfd, 1, 120000) < 0 && errno == EINTR)
        ;
}

static int attack_main(void *arg)
{
    struct attack *a = arg;

    raise_nofile();
    return a->fn(a);
}

static void attack_start(struct attack *a)
{
    struct pollfd pfd;

    assert_int_equal(pipe(a->ready), 0);
    assert_int_equal(pipe(a->go), 0);
    fflush(NULL);
    a->pid = fork();
    assert_true(a->pid >= 0);
    if (a->pid == 0) {
        /* Only the test holds the write end: closing it ends the attack. */
        close(a->go[1]);
        close(a->ready[0]);
        _exit(rnrt_run_as(RNRT_USER_MALLORY, attack_main, a));
    }
    close(a->ready[1]);
    close(a->go[0]);
    running = a;
    pfd.fd = a->ready[0];
    pfd.events = POLLIN;
    assert_int_equal(poll(&pfd, 1, 60000), 1);
    assert_int_equal(read(a->ready[0], &a->counted, sizeof a->counted),
                     (ssize_t)sizeof a->counted);
}

static int attack_stop(struct attack *a)
{
    int st;

    running = NULL;
    close(a->go[1]);
    close(a->ready[0]);
    if (waitpid(a->pid, &st, 0) != a->pid)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Alice looks up a name of the hosts file through librnr. */
static int alice_lookup(void *arg)
{
    WSAQUERYSETA q;
    struct rnrt_results res;
    int i, n = arg != NULL ? *(int *)arg : 1, rc = 0;

    for (i = 0; i < n && rc == 0; i++) {
        rnrt_qs_init(&q, &hostaddrbyname, "alpha.example");
        q.dwNameSpace = NS_TCPIP_HOSTS;
        rc = rnrt_lookup(&q, LUP_RETURN_NAME | LUP_RETURN_ADDR, &res);
        if (rc == 0 && res.n == 0)
            rc = 200;
        rnrt_results_free(&res);
    }
    return rc;
}

/* Requests rnrd has handled: lookups begun, or refused for a budget. */
static long long handled(void)
{
    return rnrt_stat("daemon.lookups-total") + rnrt_stat("daemon.requests-nobufs");
}

static void wait_handled(long long at_least)
{
    long long deadline = rnrt_now_ms() + 30000;

    while (handled() < at_least && rnrt_now_ms() < deadline)
        usleep(50000);
    usleep(300000);     /* a lookup cut short counts twice: the rest too */
}

/* ------------------------------------------------------------ idle */

static int idle_attack(struct attack *a)
{
    int *fds = calloc((size_t)a->n, sizeof *fds);
    long ok = 0;
    int i;

    if (fds == NULL)
        return 2;
    for (i = 0; i < a->n; i++)
        if ((fds[i] = raw_connect()) >= 0)
            ok++;
    attack_ready(a, ok);
    attack_hold(a);
    for (i = 0; i < a->n; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    free(fds);
    return 0;
}

static void idle_run(unsigned long soft, unsigned long hard, const char *keys, int alice)
{
    static struct attack a;   /* outlives a failed test, for its teardown */
    char out[8192];
    long long clients, refused, maxc;
    int rc;

    a = (struct attack){ .fn = idle_attack, .n = 1100 };
    need_users();
    assert_int_equal(rnrt_daemon_init(&daemon_, NULL), 0);
    if (keys != NULL)
        assert_int_equal(rnrt_daemon_add_keys(&daemon_, keys), 0);
    assert_int_equal(daemon_start_nofile(&daemon_, soft, hard), 0);
    started = 1;

    attack_start(&a);
    /* Every connection reached rnrd (served or refused). */
    {
        long long deadline = rnrt_now_ms() + 30000;
        while (rnrt_now_ms() < deadline &&
               rnrt_stat("daemon.clients") - 1 + rnrt_stat("daemon.clients-refused") < a.counted)
            usleep(50000);
    }
    clients = rnrt_stat("daemon.clients");
    refused = rnrt_stat("daemon.clients-refused");
    maxc = rnrt_stat("daemon.max-clients");
    printf("# nofile %lu:%lu: mallory connected %ld times; rnrd serves %lld clients "
           "(max-clients %lld), refused %lld\n", soft, hard, a.counted, clients, maxc, refused);
    assert_true(a.counted >= 1024);
    /* Root's rnrctl stats was answered (-1: it was not). */
    assert_true(clients >= 0);
    /* Capped to what the descriptors allow, or raised to serve them all. */
    assert_true(hard > 1024 ? maxc == 1024 : maxc < 1024);
    /* The defence: root is served whatever mallory holds. */
    rc = rnrctl("status", out, sizeof out);
    printf("# root's rnrctl status: exit %d\n", rc);
    assert_int_equal(rc, 0);
    if (alice) {
        rc = rnrt_run_as(RNRT_USER_ALICE, alice_lookup, NULL);
        printf("# alice's lookup: %d\n", rc);
        assert_int_equal(rc, 0);
    }
    assert_int_equal(attack_stop(&a), 0);
    assert_int_equal(rnrt_session_end(&daemon_), 0);
    started = 0;
}

/* systemd's default: soft 1024, a high hard limit; default caps. */
static void test_idle_connections_soft_limit(void **state)
{
    struct rlimit rl;

    (void)state;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
    idle_run(1024, rl.rlim_max == RLIM_INFINITY ? 1048576 : (unsigned long)rl.rlim_max, NULL,
             1);
}

/* No room to raise it, no per-uid cap: the admin reserve still holds. */
static void test_idle_connections_hard_limit(void **state)
{
    (void)state;
    idle_run(1024, 1024, "max-clients-per-uid = 100000\n", 0);
}

/* Idle connections are closed (mallory's too); librnr reconnects. */
static void test_idle_timeout(void **state)
{
    static struct attack a;   /* outlives a failed test, for its teardown */
    long long timed, clients;
    WSADATA wd;

    a = (struct attack){ .fn = idle_attack, .n = 100 };
    (void)state;
    need_users();
    assert_int_equal(rnrt_daemon_init(&daemon_, NULL), 0);
    assert_int_equal(rnrt_daemon_add_keys(&daemon_, "client-idle-timeout-ms = 500\n"), 0);
    assert_int_equal(rnrt_daemon_start(&daemon_), 0);
    started = 1;
    assert_int_equal(WSAStartup(MAKEWORD(2, 2), &wd), 0);
    assert_int_equal(alice_lookup(NULL), 0);
    attack_start(&a);
    assert_int_equal(a.counted, 100);
    usleep(2000000);
    timed = rnrt_stat("daemon.clients-timed-out");
    clients = rnrt_stat("daemon.clients");
    printf("# client-idle-timeout-ms 500: %lld connections closed, %lld left (this rnrctl)\n",
           timed, clients);
    assert_true(timed >= 101);      /* mallory's and this process's */
    assert_int_equal(clients, 1);
    /* The next call connects again, without an error. */
    assert_int_equal(alice_lookup(NULL), 0);
    assert_int_equal(attack_stop(&a), 0);
    assert_int_equal(rnrt_session_end(&daemon_), 0);
    started = 0;
}

/* ------------------------------------------------------------ hostile daemon */

static int big_setup(void)
{
    static uint8_t blob_bytes[BIG_BLOB];
    WSAQUERYSETA q;
    BLOB b;
    char name[32];
    int i;

    if (big_registered)
        return 0;
    memset(blob_bytes, 'x', sizeof blob_bytes);
    for (i = 0; i < BIG_ENTRIES; i++) {
        memset(&q, 0, sizeof q);
        q.dwSize = sizeof q;
        snprintf(name, sizeof name, "big-%03d", i);
        q.lpszServiceInstanceName = name;
        q.lpServiceClassId = &big_class;
        q.lpszContext = (char *)"\\big";
        q.dwNameSpace = NS_NDS;
        b.cbSize = sizeof blob_bytes;
        b.pBlobData = blob_bytes;
        q.lpBlob = &b;
        if (WSASetServiceA(&q, RNRSERVICE_REGISTER, 0) != 0)
            return WSAGetLastError();
    }
    big_registered = 1;
    return 0;
}

static void hostile_daemon(void)
{
    WSADATA wd;

    need_users();
    if (started && hostile)
        return;
    assert_int_equal(rnrt_daemon_init(&daemon_, DIR_CONF), 0);
    assert_int_equal(rnrt_daemon_add_keys(&daemon_, LIMITS_CONF), 0);
    assert_int_equal(rnrt_daemon_start(&daemon_), 0);
    started = 1;
    hostile = 1;
    big_registered = 0;
    assert_int_equal(WSAStartup(MAKEWORD(2, 2), &wd), 0);
    assert_int_equal(big_setup(), 0);
}

#if defined(__SANITIZE_ADDRESS__)
#define RNRT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RNRT_ASAN 1
#endif
#endif

/* Whether rnrd's RSS is its own: not under AddressSanitizer (the same
 * configure built rnrd), whose quarantine keeps freed memory, nor under
 * a checker (RNRT_WRAPPER, valgrind). */
static int rss_is_rnrds(void)
{
#ifdef RNRT_ASAN
    return 0;
#else
    return getenv("RNRT_WRAPPER") == NULL;
#endif
}

/* Peak and current RSS against the budget; baseline in KiB. */
static void check_peak(const char *what, long base_kb)
{
    long hwm = rnrd_mem_kb("VmHWM"), rss = rnrd_mem_kb("VmRSS");
    long long used = rnrt_stat("daemon.memory-used");

    printf("# %s: rnrd VmHWM %ld KiB, VmRSS %ld KiB (before: %ld KiB), memory-limit %d KiB, "
           "memory-used %lld, requests-nobufs %lld\n", what, hwm, rss, base_kb,
           MEMORY_LIMIT / 1024, used, rnrt_stat("daemon.requests-nobufs"));
    /* What rnrd holds for clients, by its own count. */
    assert_true(used >= 0 && used <= MEMORY_LIMIT);
    if (!rss_is_rnrds())
        return;
    if (base_kb < MEMORY_LIMIT / 1024 / 2)
        assert_true(hwm < MEMORY_LIMIT / 1024);
    else
        assert_true(hwm - base_kb < MEMORY_LIMIT / 1024);
}

/* 1,000 connections, each a 1 MiB LOOKUP_BEGIN header and 900 KiB of it. */
static int frames_attack(struct attack *a)
{
    static uint8_t chunk[65536];
    size_t *sent = calloc((size_t)a->n, sizeof *sent);
    int *fds = calloc((size_t)a->n, sizeof *fds);
    const size_t body = 900 * 1024;
    long long deadline = rnrt_now_ms() + 20000;
    long ok = 0, done;
    int i;

    if (fds == NULL || sent == NULL)
        return 2;
    memset(chunk, 'A', sizeof chunk);
    for (i = 0; i < a->n; i++) {
        uint8_t h[16] = { 0 };

        fds[i] = raw_connect();
        if (fds[i] < 0)
            continue;
        fcntl(fds[i], F_SETFL, O_NONBLOCK);
        rnr_le32_store(h, MIB);           /* max-message-size */
        h[4] = 1;
        h[6] = RNR_MSG_LOOKUP_BEGIN;
        rnr_le32_store(h + 8, 7);
        if (send(fds[i], h, sizeof h, MSG_NOSIGNAL) == (ssize_t)sizeof h)
            ok++;
    }
    /* The bodies, round robin, as far as rnrd takes them. */
    do {
        done = 0;
        for (i = 0; i < a->n; i++) {
            ssize_t n;
            size_t want;

            if (fds[i] < 0 || sent[i] >= body) {
                done++;
                continue;
            }
            want = body - sent[i] < sizeof chunk ? body - sent[i] : sizeof chunk;
            n = send(fds[i], chunk, want, MSG_NOSIGNAL);
            if (n > 0)
                sent[i] += (size_t)n;
            else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
                sent[i] = body;     /* rnrd hung up (frame-timeout-ms) */
        }
    } while (done < a->n && rnrt_now_ms() < deadline);
    attack_ready(a, ok);
    attack_hold(a);
    for (i = 0; i < a->n; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    free(fds);
    free(sent);
    return 0;
}

static void test_huge_frames(void **state)
{
    static struct attack a;   /* outlives a failed test, for its teardown */
    long base_kb, after_kb;
    long long deadline;
    int rc;

    a = (struct attack){ .fn = frames_attack, .n = 1000 };
    (void)state;
    hostile_daemon();
    base_kb = rnrd_mem_kb("VmRSS");
    attack_start(&a);
    printf("# mallory: %ld connections, each a 1 MiB request, 900 KiB of it sent\n",
           a.counted);
    assert_true(a.counted >= 900);
    rc = rnrt_run_as(RNRT_USER_ALICE, alice_lookup, NULL);
    printf("# alice's lookup during the attack: %d\n", rc);
    assert_int_equal(rc, 0);
    check_peak("1,000 partial 1 MiB frames", base_kb);
    /* Unfinished frames time out (frame-timeout-ms = 3000). */
    deadline = rnrt_now_ms() + 30000;
    /* Left: this rnrctl and the test's own librnr connection. */
    while (rnrt_stat("daemon.clients") > 2 && rnrt_now_ms() < deadline)
        usleep(100000);
    printf("# after frame-timeout-ms: %lld clients, %lld timed out\n", rnrt_stat("daemon.clients"),
           rnrt_stat("daemon.clients-timed-out"));
    assert_true(rnrt_stat("daemon.clients-timed-out") >= 900);
    assert_int_equal(attack_stop(&a), 0);
    usleep(1500000);    /* the next sweep gives the memory back */
    after_kb = rnrd_mem_kb("VmRSS");
    printf("# rnrd VmRSS after they left: %ld KiB\n", after_kb);
    if (rss_is_rnrds())
        assert_true(after_kb < base_kb + 16 * 1024);
}

/* 40 connections ask for \big (300 x 60 KB) and never read. */
static int unread_attack(struct attack *a)
{
    struct rnr_wbuf w;
    int *fds = calloc((size_t)a->n, sizeof *fds);
    long ok = 0;
    int i;

    if (fds == NULL)
        return 2;
    big_lookup_frame(&w, 1);
    for (i = 0; i < a->n; i++) {
        fds[i] = raw_connect();
        if (fds[i] >= 0 && send(fds[i], w.data, w.len, MSG_NOSIGNAL) == (ssize_t)w.len)
            ok++;
    }
    rnr_wbuf_free(&w);
    attack_ready(a, ok);
    attack_hold(a);
    for (i = 0; i < a->n; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    free(fds);
    return 0;
}

static int alice_big_one(void *arg)
{
    WSAQUERYSETA q;
    struct rnrt_results res;
    int rc;

    (void)arg;
    rnrt_qs_init(&q, &big_class, "big-007");
    q.lpszContext = (char *)"\\big";
    q.dwNameSpace = NS_NDS;
    rc = rnrt_lookup(&q, LUP_RETURN_ALL, &res);
    if (rc == 0 && (res.n != 1 || res.r[0]->lpBlob == NULL ||
                    res.r[0]->lpBlob->cbSize != BIG_BLOB))
        rc = 201;
    rnrt_results_free(&res);
    return rc;
}

static void test_unread_answers(void **state)
{
    static struct attack a;   /* outlives a failed test, for its teardown */
    long long before;
    long base_kb;
    int rc;

    a = (struct attack){ .fn = unread_attack, .n = 40 };
    (void)state;
    hostile_daemon();
    base_kb = rnrd_mem_kb("VmRSS");
    before = handled();
    attack_start(&a);
    assert_int_equal(a.counted, 40);
    wait_handled(before + 40);
    printf("# mallory: 40 lookups of %d x %d bytes, never read\n", BIG_ENTRIES, BIG_BLOB);
    check_peak("40 unread wildcard answers", base_kb);
    rc = rnrt_run_as(RNRT_USER_ALICE, alice_lookup, NULL);
    printf("# alice's lookup: %d\n", rc);
    assert_int_equal(rc, 0);
    rc = rnrt_run_as(RNRT_USER_ALICE, alice_big_one, NULL);
    printf("# alice's 60 KB directory entry: %d\n", rc);
    assert_int_equal(rc, 0);
    assert_int_equal(attack_stop(&a), 0);
}

/* 1,500 times: connect, ask for \big, close. */
static int churn_attack(struct attack *a)
{
    struct rnr_wbuf w;
    long ok = 0;
    int i;

    big_lookup_frame(&w, 1);
    for (i = 0; i < a->n; i++) {
        int fd = raw_connect();

        if (fd < 0)
            continue;
        if (send(fd, w.data, w.len, MSG_NOSIGNAL) == (ssize_t)w.len)
            ok++;
        close(fd);
    }
    rnr_wbuf_free(&w);
    attack_ready(a, ok);
    attack_hold(a);
    return 0;
}

/* `provider.directory.lookups` in stats. */
static long long dir_lookups(void)
{
    return rnrt_stat("provider.directory.lookups");
}

static void test_connect_ask_close(void **state)
{
    static struct attack a;   /* outlives a failed test, for its teardown */
    long long before, after, t0;
    int n = 20, rc;
    pid_t alice;

    a = (struct attack){ .fn = churn_attack, .n = 1500 };
    (void)state;
    hostile_daemon();
    before = dir_lookups();
    assert_true(before >= 0);
    /* Alice's lookups run while mallory churns. */
    fflush(NULL);
    alice = fork();
    assert_true(alice >= 0);
    if (alice == 0)
        _exit(rnrt_run_as(RNRT_USER_ALICE, alice_lookup, &n));
    t0 = rnrt_now_ms();
    attack_start(&a);
    printf("# mallory: %ld connect-ask-close in %lld ms\n", a.counted, rnrt_now_ms() - t0);
    assert_int_equal(waitpid(alice, &rc, 0), alice);
    rc = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    printf("# alice's %d lookups meanwhile: %d\n", n, rc);
    assert_int_equal(rc, 0);
    assert_int_equal(attack_stop(&a), 0);
    /* Whatever was still queued is handled by now. */
    usleep(500000);
    after = dir_lookups();
    printf("# the directory provider was asked %lld times for mallory's %ld asks\n",
           after - before, a.counted);
    assert_true(a.counted >= 1000);
    /* The defence: no work for peers that have gone. */
    assert_true(after - before < a.counted / 4);
}

/* 1,000 RELOAD and 1,000 CONTROL cache-flush, all refused. */
static int refused_attack(struct attack *a)
{
    struct rnr_wbuf w;
    uint8_t reply[16];
    long refused = 0;
    int fd = raw_connect(), i;

    if (fd < 0)
        return 2;
    rnr_wbuf_init(&w);
    for (i = 0; i < a->n; i++) {
        rnr_wire_frame_begin(&w, RNR_MSG_RELOAD, (uint32_t)(2 * i), 0);
        rnr_wire_frame_end(&w, RNR_WIRE_MAX_FRAME);
        rnr_wire_frame_begin(&w, RNR_MSG_CONTROL, (uint32_t)(2 * i + 1), 0);
        rnr_wire_put_string(&w, NULL);
        rnr_wire_put_string(&w, "cache-flush");
        rnr_wire_put_string(&w, NULL);
        rnr_wire_frame_end(&w, RNR_WIRE_MAX_FRAME);
    }
    if (w.error != 0 || send(fd, w.data, w.len, MSG_NOSIGNAL) != (ssize_t)w.len)
        return 3;
    for (i = 0; i < 2 * a->n; i++) {
        size_t got = 0;

        while (got < sizeof reply) {
            ssize_t n = read(fd, reply + got, sizeof reply - got);
            if (n <= 0)
                return 4;
            got += (size_t)n;
        }
        if (rnr_le32_load(reply + 12) == WSAEACCES)
            refused++;
    }
    rnr_wbuf_free(&w);
    close(fd);
    attack_ready(a, refused);
    attack_hold(a);
    return 0;
}

static void test_refused_reloads(void **state)
{
    static struct attack a;   /* outlives a failed test, for its teardown */
    long long before, after;

    a = (struct attack){ .fn = refused_attack, .n = 1000 };
    (void)state;
    hostile_daemon();
    before = rnrt_stat("daemon.answer-cache-invalidations");
    assert_true(before >= 0);
    attack_start(&a);
    assert_int_equal(attack_stop(&a), 0);
    after = rnrt_stat("daemon.answer-cache-invalidations");
    printf("# 2,000 refused RELOAD/CONTROL (%ld WSAEACCES): invalidations %lld -> %lld\n",
           a.counted, before, after);
    assert_int_equal(a.counted, 2000);
    assert_int_equal(after, before);
}

static int teardown(void **state)
{
    (void)state;
    if (running != NULL)
        attack_stop(running);
    /* A failed idle test leaves its own daemon: not the hostile one. */
    if (started && !hostile) {
        started = 0;
        rnrt_session_end(&daemon_);
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (started) {
        started = 0;
        return rnrt_session_end(&daemon_);
    }
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_idle_connections_soft_limit, teardown),
        cmocka_unit_test_teardown(test_idle_connections_hard_limit, teardown),
        cmocka_unit_test_teardown(test_idle_timeout, teardown),
        cmocka_unit_test_teardown(test_refused_reloads, teardown),
        cmocka_unit_test_teardown(test_huge_frames, teardown),
        cmocka_unit_test_teardown(test_unread_answers, teardown),
        cmocka_unit_test_teardown(test_connect_ask_close, teardown),
    };

    setvbuf(stdout, NULL, _IOLBF, 0);
    raise_nofile();
    /* Whatever goes wrong, never hold up the suite. */
    alarm(600);
    return cmocka_run_group_tests(tests, NULL, group_teardown);
}
