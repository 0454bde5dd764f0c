/* SPDX-License-Identifier: MIT */
/*
 * The answer cache end to end (doc/anscache.md): a real rnrd writes its
 * cache file, the real librnr answers repeated lookups from it.
 *
 * "Answered without a round trip" is shown by stopping rnrd (SIGSTOP): a
 * lookup that went to the socket would then wait for its reply deadline
 * (2 s here) and fail, and an alarm guards against any hang.
 */
#include "config.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "itest.h"

static struct rnrt_daemon daemon_;
static GUID byname = SVCID_INET_HOSTADDRBYNAME;
static GUID hosts_id;

static void on_alarm(int sig)
{
    static const char msg[] = "test_answers: a lookup that should have been answered "
                              "from the cache waited for the stopped daemon\n";
    (void)sig;
    if (write(2, msg, sizeof msg - 1) < 0) {
        /* nothing more to say */
    }
    _exit(1);
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static int group_setup(void **state)
{
    WSADATA wd;
    (void)state;
    signal(SIGALRM, on_alarm);
    /* Read once, at the first request: before any. */
    setenv("RNR_REQUEST_TIMEOUT_MS", "2000", 1);
    if (rnrt_daemon_init(&daemon_, NULL) != 0 || rnrt_daemon_start(&daemon_) != 0)
        return -1;
    return WSAStartup(MAKEWORD(2, 2), &wd);
}

static int group_teardown(void **state)
{
    (void)state;
    return rnrt_session_end(&daemon_);
}

/* name through the hosts provider alone; the first IPv4 address as text
 * in out ("" when none), the status returned. */
static int look(const char *name, DWORD flags, char *out, size_t len)
{
    struct rnrt_results res;
    WSAQUERYSETA q;
    AFPROTOCOLS fam = { AF_INET, 0 };
    int rc;

    hosts_id = rnrt_guid(RNRT_HOSTS_ID);
    rnrt_qs_init(&q, &byname, name);
    q.lpNSProviderId = &hosts_id;
    q.dwNumberOfProtocols = 1;
    q.lpafpProtocols = &fam;
    rc = rnrt_lookup(&q, flags | LUP_RETURN_ADDR | LUP_RETURN_NAME, &res);
    out[0] = '\0';
    if (rc == 0 && res.n > 0 && res.r[0]->dwNumberOfCsAddrs > 0)
        rnrt_addr(res.r[0], 0, out, len);
    rnrt_results_free(&res);
    return rc;
}

static void daemon_signal(int sig)
{
    assert_int_equal(kill(daemon_.pid, sig), 0);
}

static void test_cache_file(void **state)
{
    char path[256];
    struct stat st;
    (void)state;

    snprintf(path, sizeof path, "%s.cache", daemon_.sock);
    assert_int_equal(stat(path, &st), 0);
    /* Readable by every user, written by rnrd alone. */
    assert_int_equal(st.st_mode & 0777, 0644);
    assert_true(st.st_size >= 65536);
}

static void test_hit_without_round_trip(void **state)
{
    char a[64], b[64];
    (void)state;

    assert_int_equal(look("alpha.example", 0, a, sizeof a), 0);
    assert_string_equal(a, "192.0.2.10:0");
    daemon_signal(SIGSTOP);
    alarm(10);
    assert_int_equal(look("alpha.example", 0, b, sizeof b), 0);
    assert_string_equal(b, a);
    alarm(0);
    daemon_signal(SIGCONT);
}

static void test_negative_answer_cached(void **state)
{
    char a[64];
    (void)state;

    assert_int_equal(look("nowhere.example", 0, a, sizeof a), WSAHOST_NOT_FOUND);
    daemon_signal(SIGSTOP);
    alarm(10);
    assert_int_equal(look("nowhere.example", 0, a, sizeof a), WSAHOST_NOT_FOUND);
    alarm(0);
    daemon_signal(SIGCONT);
}

/* LUP_FLUSHCACHE always asks the daemon: with it stopped, the lookup
 * waits until it is continued. */
static void test_flushcache_goes_to_daemon(void **state)
{
    char a[64];
    long long t0;
    pid_t pid;
    int st;
    (void)state;

    assert_int_equal(look("beta", 0, a, sizeof a), 0);
    daemon_signal(SIGSTOP);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* The child's own connection; it must block on the stopped
         * daemon, so it reports how long the lookup took. */
        long long c0 = rnrt_now_ms();
        int rc = look("beta", LUP_FLUSHCACHE, a, sizeof a);
        _exit(rc == 0 && strcmp(a, "192.0.2.11:0") == 0 && rnrt_now_ms() - c0 >= 300 ? 0 : 1);
    }
    t0 = rnrt_now_ms();
    sleep_ms(400);
    daemon_signal(SIGCONT);
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    assert_true(rnrt_now_ms() - t0 >= 400);
}

/* A changed hosts file is seen (the reload empties the cache), and once
 * seen the old answer never comes back. */
static void test_file_change_invalidates(void **state)
{
    char a[64];
    int i, seen = 0;
    (void)state;

    assert_int_equal(look("delta.example", 0, a, sizeof a), 0);
    assert_string_equal(a, "192.0.2.13:0");
    assert_int_equal(look("delta.example", 0, a, sizeof a), 0);   /* cached now */
    assert_int_equal(rnrt_write_file(daemon_.hosts, "127.0.0.1 localhost\n"
                                                    "192.0.2.99 delta.example\n"), 0);
    for (i = 0; i < 500 && !seen; i++) {
        assert_int_equal(look("delta.example", 0, a, sizeof a), 0);
        seen = strcmp(a, "192.0.2.99:0") == 0;
        if (!seen)
            sleep_ms(10);
    }
    assert_true(seen);
    for (i = 0; i < 50; i++) {
        assert_int_equal(look("delta.example", 0, a, sizeof a), 0);
        assert_string_equal(a, "192.0.2.99:0");
    }
    /* Back to the default file, and wait until rnrd has read it. */
    assert_int_equal(rnrt_write_file(daemon_.hosts, rnrt_default_hosts), 0);
    for (i = 0, seen = 0; i < 500 && !seen; i++) {
        seen = look("delta.example", 0, a, sizeof a) == 0 && strcmp(a, "192.0.2.13:0") == 0;
        if (!seen)
            sleep_ms(10);
    }
    assert_true(seen);
}

/* NS_ALL, as gethostbyname and the NSS module ask: hosts and local both
 * take part, local allows a second, so a repeat within it is answered
 * from the cache. */
static void test_all_providers(void **state)
{
    struct rnrt_results res;
    WSAQUERYSETA q;
    long long t0;
    (void)state;

    rnrt_qs_init(&q, &byname, "beta");
    t0 = rnrt_now_ms();
    assert_int_equal(rnrt_lookup(&q, LUP_RETURN_NAME | LUP_RETURN_ADDR, &res), 0);
    assert_true(res.n >= 1);
    rnrt_results_free(&res);
    /* The repeat must come within local's second (a machine too slow to
     * get here in half of it cannot tell). */
    if (rnrt_now_ms() - t0 > 500)
        skip();
    daemon_signal(SIGSTOP);
    alarm(10);
    assert_int_equal(rnrt_lookup(&q, LUP_RETURN_NAME | LUP_RETURN_ADDR, &res), 0);
    assert_true(res.n >= 1);
    assert_string_equal(res.r[0]->lpszServiceInstanceName, "Beta.Example");
    rnrt_results_free(&res);
    alarm(0);
    daemon_signal(SIGCONT);
}

/* ---- hits and misses reported to rnrd (CACHE_REPORT) ---- */

enum child_end { END_EXIT, END_CLEANUP, END_HOLD };

/* A child process looks name up n times, each expecting status want, then
 * ends as told: exit() (the library reports at exit), the final
 * WSACleanup then _exit() (no exit handlers: WSACleanup reports), or
 * waiting to be killed (only the periodic report can have told rnrd).
 * Its pid. */
static pid_t child_lookups(const char *name, int n, int want, enum child_end end)
{
    pid_t pid = fork();
    char a[64];
    int i, bad = 0;

    assert_true(pid >= 0);
    if (pid > 0)
        return pid;
    for (i = 0; i < n; i++)
        bad |= look(name, 0, a, sizeof a) != want;
    if (end == END_EXIT)
        exit(bad);
    if (end == END_CLEANUP) {
        bad |= WSACleanup() != 0;
        _exit(bad);
    }
    if (bad)
        _exit(1);
    for (;;)
        pause();
}

static void child_wait(pid_t pid)
{
    int st;

    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

/* rnrd's figure key once it has reached at least want; the value. */
static long long stat_reached(const char *key, long long want)
{
    assert_int_equal(rnrt_wait_stat(key, want), 0);
    return rnrt_stat(key);
}

/* The first lookup of a name no one asked for is a miss, the rest are
 * hits, and rnrd learns both whichever way the process ends. */
static void test_hits_reported(void **state)
{
    static const struct { const char *name; enum child_end end; } ways[] = {
        { "hitrate-exit.example", END_EXIT },
        { "hitrate-cleanup.example", END_CLEANUP },
    };
    long long h0, m0;
    size_t i;
    (void)state;

    for (i = 0; i < sizeof ways / sizeof ways[0]; i++) {
        h0 = rnrt_stat("daemon.answer-cache-hits");
        m0 = rnrt_stat("daemon.answer-cache-misses");
        assert_true(h0 >= 0 && m0 >= 0);
        child_wait(child_lookups(ways[i].name, 10, WSAHOST_NOT_FOUND, ways[i].end));
        assert_int_equal(stat_reached("daemon.answer-cache-hits", h0 + 9), h0 + 9);
        assert_int_equal(stat_reached("daemon.answer-cache-misses", m0 + 1), m0 + 1);
    }
}

/* A long-lived process reports as it goes, without ending: at the latest
 * once 4096 lookups have gathered. */
static void test_hits_reported_while_running(void **state)
{
    long long h0 = rnrt_stat("daemon.answer-cache-hits");
    pid_t pid;
    int st;
    (void)state;

    assert_true(h0 >= 0);
    pid = child_lookups("hitrate-running.example", 5000, WSAHOST_NOT_FOUND, END_HOLD);
    assert_int_equal(rnrt_wait_stat("daemon.answer-cache-hits", h0 + 4096), 0);
    assert_true(rnrt_stat("daemon.answer-cache-hits") <= h0 + 4999);
    assert_int_equal(kill(pid, SIGKILL), 0);
    assert_int_equal(waitpid(pid, &st, 0), pid);
}

/* rnrctl turns the two figures into the hit rate. */
static void test_hit_rate_shown(void **state)
{
    char out[65536];
    (void)state;

    assert_int_equal(rnrt_rnrctl("stats --json", out, sizeof out), 0);
    assert_non_null(strstr(out, "\"answer_cache_hits\""));
    assert_non_null(strstr(out, "\"answer_cache_hit_rate\""));
}

/* A daemon that stops answering (SIGSTOP) does not hold callers forever:
 * a lookup it must answer fails with WSASYSNOTREADY once the reply is
 * overdue (RNR_REQUEST_TIMEOUT_MS, 2 s here), and the next one, the
 * daemon continued, is answered on a new connection. */
static void test_stopped_daemon_times_out(void **state)
{
    char a[64];
    (void)state;

    assert_int_equal(look("beta", 0, a, sizeof a), 0);
    daemon_signal(SIGSTOP);
    alarm(20);
    assert_int_equal(look("beta", LUP_FLUSHCACHE, a, sizeof a), WSASYSNOTREADY);
    alarm(0);
    daemon_signal(SIGCONT);
    assert_int_equal(look("beta", LUP_FLUSHCACHE, a, sizeof a), 0);
    assert_string_equal(a, "192.0.2.11:0");
}

/* A dead daemon's cache answers nothing: WSASYSNOTREADY at once, and a
 * restarted daemon is used (and caches) again. */
static void test_daemon_killed(void **state)
{
    char a[64];
    (void)state;

    assert_int_equal(look("alpha.example", 0, a, sizeof a), 0);
    assert_int_equal(look("alpha.example", 0, a, sizeof a), 0);
    rnrt_daemon_kill9(&daemon_);
    assert_int_equal(look("alpha.example", 0, a, sizeof a), WSASYSNOTREADY);
    assert_int_equal(rnrt_daemon_start(&daemon_), 0);
    assert_int_equal(look("alpha.example", 0, a, sizeof a), 0);
    assert_string_equal(a, "192.0.2.10:0");
    daemon_signal(SIGSTOP);
    alarm(10);
    assert_int_equal(look("alpha.example", 0, a, sizeof a), 0);
    assert_string_equal(a, "192.0.2.10:0");
    alarm(0);
    daemon_signal(SIGCONT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cache_file),
        cmocka_unit_test(test_hit_without_round_trip),
        cmocka_unit_test(test_negative_answer_cached),
        cmocka_unit_test(test_flushcache_goes_to_daemon),
        cmocka_unit_test(test_file_change_invalidates),
        cmocka_unit_test(test_all_providers),
        cmocka_unit_test(test_hits_reported),
        cmocka_unit_test(test_hits_reported_while_running),
        cmocka_unit_test(test_hit_rate_shown),
        cmocka_unit_test(test_stopped_daemon_times_out),
        cmocka_unit_test(test_daemon_killed),
    };
    return cmocka_run_group_tests_name("integration: answer cache", tests, group_setup,
                                       group_teardown);
}
