/* SPDX-License-Identifier: MIT */
/*
 * The directory's durable writes run off rnrd's loop (dir_pend.c): a
 * real rnrd whose fsync thread is held at a gate (RNR_TEST_DIR_SYNC_GATE,
 * two FIFOs: the worker writes a byte to GATE.held before each fdatasync
 * and waits for one on GATE.go), driven through the real librnr.
 *
 *   - while a registration's fdatasync is held, other lookups (hosts and
 *     the directory itself, which still shows the last durable state)
 *     are answered, and the writer still waits;
 *   - writers that arrive during a sync share the next one (group
 *     commit: four writes, two syncs), and every acknowledged record
 *     survives a kill -9 right after the acknowledgements;
 *   - under writes that never leave a moment with none waiting, a due
 *     snapshot is still taken (new records are held back for it), and
 *     every record survives a kill -9 across the journal switch.
 *
 * Order comes from the gate and the provider's counters, never sleeps.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "itest.h"

#define DIR_ID RNR_NSPID_DIRECTORY_TEXT
/* A snapshot is due after 16 journal records: after the first two
 * tests (6 records, so their sync counts hold), within the third. */
#define DIR_CONF "[provider directory]\nmodule = directory\nnamespace = NS_NDS\n" \
                 "snapshot-min-records = 16\n"

static struct rnrt_daemon daemon_;
static GUID cls, dir_id;
static char gate[200];
static int  held_fd = -1, go_fd = -1;

static int setup(void **state)
{
    char    path[260];
    WSADATA wd;
    (void)state;

    /* A lost completion would leave a writer waiting forever: fail instead. */
    alarm(300);
    cls = rnrt_guid("{6A1B0C2D-0000-4000-8000-0000000000D5}");
    dir_id = rnrt_guid(DIR_ID);
    if (rnrt_daemon_init(&daemon_, DIR_CONF) != 0)
        return -1;
    snprintf(gate, sizeof gate, "%s/gate", daemon_.dir);
    snprintf(path, sizeof path, "%s.held", gate);
    if (mkfifo(path, 0600) != 0 || (held_fd = open(path, O_RDWR | O_CLOEXEC)) < 0)
        return -1;
    snprintf(path, sizeof path, "%s.go", gate);
    if (mkfifo(path, 0600) != 0 || (go_fd = open(path, O_RDWR | O_CLOEXEC)) < 0)
        return -1;
    /* Read by the provider at start-up, from rnrd's environment. */
    setenv("RNR_TEST_DIR_SYNC_GATE", gate, 1);
    if (rnrt_daemon_start(&daemon_) != 0)
        return -1;
    return WSAStartup(MAKEWORD(2, 2), &wd);
}

static int teardown(void **state)
{
    (void)state;
    close(held_fd);
    close(go_fd);
    unsetenv("RNR_TEST_DIR_SYNC_GATE");
    return rnrt_session_end(&daemon_);
}

/* The worker reached the gate: a sync is about to run. */
static void wait_held(void)
{
    rnrt_read_byte(held_fd);
}

static void open_gate(void)
{
    assert_int_equal(write(go_fd, "g", 1), 1);
}

struct writer {
    pthread_t    t;
    char         name[32];
    int          rc;
    volatile int done;
};

static void *writer_run(void *arg)
{
    struct writer     *w = arg;
    struct sockaddr_in sin;
    CSADDR_INFO        ca;
    WSAQUERYSETA       q;

    rnrt_csaddr_tcp4(&ca, &sin, 0xC0000265, 9000);   /* 192.0.2.101 */
    rnrt_qs_init(&q, &cls, w->name);
    q.lpNSProviderId = &dir_id;
    q.lpszContext = "\\sync";
    q.dwNumberOfCsAddrs = 1;
    q.lpcsaBuffer = &ca;
    w->rc = WSASetServiceA(&q, RNRSERVICE_REGISTER, 0) == 0 ? 0 : WSAGetLastError();
    __atomic_store_n(&w->done, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static void writer_start(struct writer *w, const char *name)
{
    memset(w, 0, sizeof *w);
    snprintf(w->name, sizeof w->name, "%s", name);
    assert_int_equal(pthread_create(&w->t, NULL, writer_run, w), 0);
}

static int dir_lookup(const char *name)
{
    struct rnrt_results res;
    WSAQUERYSETA        q;
    int                 rc;

    rnrt_qs_init(&q, &cls, name);
    q.lpNSProviderId = &dir_id;
    q.lpszContext = "\\sync";
    rc = rnrt_lookup(&q, LUP_RETURN_NAME, &res);
    rnrt_results_free(&res);
    return rc;
}


/* A lookup of alpha.example (hosts provider) from another process: its
 * own connection, another client of rnrd.  Its status. */
static int other_client_lookup(void)
{
    pid_t pid = fork();
    int   st;

    assert_true(pid >= 0);
    if (pid == 0) {
        GUID                byname = SVCID_INET_HOSTADDRBYNAME;
        struct rnrt_results res;
        WSAQUERYSETA        q;
        WSADATA             wd;

        WSACleanup();   /* the parent's connection is not ours */
        if (WSAStartup(MAKEWORD(2, 2), &wd) != 0)
            _exit(101);
        rnrt_qs_init(&q, &byname, "alpha.example");
        _exit(rnrt_lookup(&q, LUP_RETURN_NAME, &res) == 0 && res.n >= 1 ? 0 : 1);
    }
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    return WEXITSTATUS(st);
}

static void test_lookups_answered_during_sync(void **state)
{
    GUID                byname = SVCID_INET_HOSTADDRBYNAME;
    struct rnrt_results res;
    struct writer       w;
    WSAQUERYSETA        q;
    (void)state;

    /* A durable entry first (its sync passes the gate). */
    writer_start(&w, "durable");
    wait_held();
    open_gate();
    assert_int_equal(pthread_join(w.t, NULL), 0);
    assert_int_equal(w.rc, 0);

    writer_start(&w, "slow");
    wait_held();
    /* Its fdatasync is held: other lookups are answered meanwhile. */
    assert_int_equal(other_client_lookup(), 0);
    rnrt_qs_init(&q, &byname, "alpha.example");
    assert_int_equal(rnrt_lookup(&q, LUP_RETURN_NAME, &res), 0);
    rnrt_results_free(&res);
    assert_int_equal(dir_lookup("durable"), 0);
    /* The directory shows what is durable, nothing more. */
    assert_int_equal(dir_lookup("slow"), WSASERVICE_NOT_FOUND);
    assert_false(__atomic_load_n(&w.done, __ATOMIC_SEQ_CST));

    open_gate();
    assert_int_equal(pthread_join(w.t, NULL), 0);
    assert_int_equal(w.rc, 0);
    assert_int_equal(dir_lookup("slow"), 0);
}

static void test_group_commit_survives_kill9(void **state)
{
    struct writer w[4];
    long long     sets0, syncs0;
    char          name[16];
    int           i;
    (void)state;

    sets0 = rnrt_stat("provider.directory.stat.set-service");
    syncs0 = rnrt_stat("provider.directory.stat.syncs");
    assert_true(sets0 >= 0 && syncs0 >= 0);
    writer_start(&w[0], "group-0");
    wait_held();
    for (i = 1; i < 4; i++) {
        snprintf(name, sizeof name, "group-%d", i);
        writer_start(&w[i], name);
    }
    /* Until the three reached the provider (each written as it does). */
    assert_int_equal(rnrt_wait_stat("provider.directory.stat.set-service", sets0 + 4), 0);
    /* The first sync covers group-0; the three written meanwhile share
     * the next. */
    open_gate();
    wait_held();
    open_gate();
    for (i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(w[i].t, NULL), 0);
        assert_int_equal(w[i].rc, 0);
    }
    assert_int_equal(rnrt_stat("provider.directory.stat.syncs"), syncs0 + 2);

    /* Acknowledged means durable: kill -9 at once, restart, all there. */
    rnrt_daemon_kill9(&daemon_);
    assert_int_equal(rnrt_daemon_start(&daemon_), 0);
    for (i = 0; i < 4; i++) {
        snprintf(name, sizeof name, "group-%d", i);
        assert_int_equal(dir_lookup(name), 0);
    }
    assert_int_equal(dir_lookup("slow"), 0);
}

#define NONSTOP 40

static void test_snapshot_under_nonstop_writes(void **state)
{
    static struct writer w[NONSTOP];
    long long            sets0, snaps0;
    char                 name[16];
    int                  i;
    (void)state;

    sets0 = rnrt_stat("provider.directory.stat.set-service");
    snaps0 = rnrt_stat("provider.directory.stat.snapshots");
    assert_true(sets0 >= 0 && snaps0 >= 0);
    /* Each writer reaches the provider while the one before it waits at
     * the gate: there is never a moment with nothing pending. */
    writer_start(&w[0], "nonstop-0");
    wait_held();
    for (i = 1; i < NONSTOP; i++) {
        snprintf(name, sizeof name, "nonstop-%d", i);
        writer_start(&w[i], name);
        assert_int_equal(rnrt_wait_stat("provider.directory.stat.set-service", sets0 + i + 1), 0);
        open_gate();
        wait_held();
        assert_int_equal(pthread_join(w[i - 1].t, NULL), 0);
        assert_int_equal(w[i - 1].rc, 0);
    }
    /* The last record still waits at the gate, and yet the snapshot due
     * since the 16th was taken (its writer is a child of rnrd's, done in
     * its own time: wait for its report). */
    assert_int_equal(rnrt_wait_stat("provider.directory.stat.snapshots", snaps0 + 1), 0);
    assert_false(__atomic_load_n(&w[NONSTOP - 1].done, __ATOMIC_SEQ_CST));
    open_gate();
    assert_int_equal(pthread_join(w[NONSTOP - 1].t, NULL), 0);
    assert_int_equal(w[NONSTOP - 1].rc, 0);

    rnrt_daemon_kill9(&daemon_);
    assert_int_equal(rnrt_daemon_start(&daemon_), 0);
    for (i = 0; i < NONSTOP; i++) {
        snprintf(name, sizeof name, "nonstop-%d", i);
        assert_int_equal(dir_lookup(name), 0);
    }
    assert_int_equal(dir_lookup("group-3"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookups_answered_during_sync),
        cmocka_unit_test(test_group_commit_survives_kill9),
        cmocka_unit_test(test_snapshot_under_nonstop_writes),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
