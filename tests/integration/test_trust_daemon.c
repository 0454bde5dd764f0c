/* SPDX-License-Identifier: MIT */
/*
 * Clients trust only a daemon they may trust (nsp/peer.h, client/answers.c,
 * doc/architecture.md "Trust").  Two real users share the machine: mallory
 * (the attacker) and alice (the victim, no XDG_RUNTIME_DIR, so her
 * per-user socket is /tmp/rnrd-UID/rnrd.sock).  Mallory runs an rnrd of
 * her own whose hosts file says www.example.com is 203.0.113.66.
 *
 *   - squat: mallory creates /tmp/rnrd-<alice>/ first and serves there;
 *     alice's lookups (librnr, gethostbyname, the NSS module) and rnrctl
 *     refuse that daemon and never see mallory's address; alice's own
 *     rnrd refuses the directory, saying who owns it;
 *   - peer: a directory alice trusts (root's, 0755) holding the socket of
 *     mallory's daemon: refused on SO_PEERCRED;
 *   - cache: mallory's answer cache file copied over the victim daemon's
 *     (root's, perfect owner and mode) is not read: alice's answer comes
 *     from her daemon;
 *   - rnrd started with --socket / --state-dir in a directory mallory
 *     owns refuses, naming the directory and its owner.
 *
 * Needs root (it creates the users); skipped otherwise.
 */
#include "config.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <nss.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include <rnr/ws2getxbyy.h>

#include "itest.h"

#define EVIL_ADDR   "203.0.113.66"
#define GOOD_ADDR   "192.0.2.80"
#define NAME        "www.example.com"

static struct {
    char  dir[64];           /* the test's own, 0755, root's */
    char  squat[64];         /* /tmp/rnrd-<alice uid> */
    char  evil_sock[128];    /* mallory's socket, in squat */
    char  moddir[256];
    uid_t mallory, alice;
    gid_t mallory_gid, alice_gid;
    pid_t evil_pid;          /* mallory's rnrd */
    pid_t evil2_pid;         /* her second one (test_peer_credentials) */
    struct rnrt_daemon victim;   /* test_cache_file_swapped's */
    int   skip;
} T;

static GUID byname = SVCID_INET_HOSTADDRBYNAME;

/* Become uid:gid for good (in a child). */
static void become(uid_t uid, gid_t gid)
{
    if (setgroups(0, NULL) != 0 || setresgid(gid, gid, gid) != 0 ||
        setresuid(uid, uid, uid) != 0)
        _exit(126);
}

/* rnrd with `conf` as uid:gid (root: 0:0) and a clean environment; its
 * stderr into `log`.  The pid, or -1. */
static pid_t rnrd_spawn(uid_t uid, gid_t gid, const char *conf, const char *log,
                        const char *mkdir_first)
{
    char rnrd[512];
    pid_t pid;

    snprintf(rnrd, sizeof rnrd, "%s/daemon/rnrd", rnrt_builddir());
    pid = fork();
    if (pid != 0)
        return pid;
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0)
        dup2(fd, 2);
    if (uid != 0)
        become(uid, gid);
    /* The squat: the directory made before the victim makes it. */
    if (mkdir_first != NULL && mkdir(mkdir_first, 0755) != 0)
        _exit(124);
    if (mkdir_first != NULL)
        chmod(mkdir_first, 0755);
    char *env[] = { "PATH=/usr/bin:/bin", NULL };
    execle(rnrd, rnrd, "--foreground", "--config", conf, (char *)NULL, env);
    _exit(127);
}

/* Waits for the exit of a refused rnrd: its exit code, or -1 when it is
 * still running after 10 s (then killed). */
static int rnrd_wait_exit(pid_t pid)
{
    int st, i;

    for (i = 0; i < 1000; i++) {
        if (waitpid(pid, &st, WNOHANG) == pid)
            return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        usleep(10000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

static int write_conf(const char *path, const char *socket, const char *state,
                      const char *hosts)
{
    char buf[2048];
    int n;

    n = snprintf(buf, sizeof buf,
                 "[daemon]\nuser = root\n%s%s%sstate-dir = %s\nmodule-dir = %s\n"
                 "class-dir = %s/none\nlog-level = info\n\n"
                 "%s%s%s",
                 socket ? "socket = " : "", socket ? socket : "", socket ? "\n" : "",
                 state, T.moddir, T.dir,
                 hosts ? "[provider hosts]\nmodule = hosts\nnamespace = NS_TCPIP_HOSTS\n"
                         "hosts-file = " : "",
                 hosts ? hosts : "", hosts ? "\n" : "");
    if (n < 0 || (size_t)n >= sizeof buf)
        return -1;
    return rnrt_write_file(path, buf);
}

/* A directory owned by uid:gid with mode. */
static int own_dir(const char *path, uid_t uid, gid_t gid, mode_t mode)
{
    mkdir(path, mode);
    return chown(path, uid, gid) == 0 && chmod(path, mode) == 0 ? 0 : -1;
}

static int can_read_build(void *arg)
{
    char path[512];

    (void)arg;
    snprintf(path, sizeof path, "%s/providers/.libs/hosts.so", rnrt_builddir());
    if (access(path, R_OK) != 0)
        return 1;
    snprintf(path, sizeof path, "%s/client/nss/.libs/libnss_rnr.so.2", rnrt_builddir());
    return access(path, R_OK) != 0;
}

static int group_setup(void **state)
{
    char path[256], log[256];
    int i;

    (void)state;
    if (geteuid() != 0 || rnrt_user_ensure(RNRT_USER_MALLORY, &T.mallory, &T.mallory_gid) != 0 ||
        rnrt_user_ensure(RNRT_USER_ALICE, &T.alice, &T.alice_gid) != 0) {
        T.skip = 1;
        return 0;
    }
    snprintf(T.moddir, sizeof T.moddir, "%s/providers/.libs", rnrt_builddir());
    /* Mallory's daemon loads the hosts module and alice the NSS module
     * from the build tree: both must be able to read it. */
    if (rnrt_run_as(RNRT_USER_MALLORY, can_read_build, NULL) != 0 ||
        rnrt_run_as(RNRT_USER_ALICE, can_read_build, NULL) != 0) {
        fprintf(stderr, "test_trust_daemon: the build tree is not readable by the test "
                "users; skipped\n");
        T.skip = 1;
        return 0;
    }
    strcpy(T.dir, "/tmp/rnrt-trust-XXXXXX");
    if (mkdtemp(T.dir) == NULL || chmod(T.dir, 0755) != 0)
        return -1;
    snprintf(T.squat, sizeof T.squat, "/tmp/rnrd-%lu", (unsigned long)T.alice);
    snprintf(T.evil_sock, sizeof T.evil_sock, "%s/rnrd.sock", T.squat);
    rnrt_system("rm -rf '%s'", T.squat);

    /* Mallory's daemon, serving her hosts file in alice's place. */
    snprintf(path, sizeof path, "%s/evil-hosts", T.dir);
    if (rnrt_write_file(path, EVIL_ADDR " " NAME "\n") != 0)
        return -1;
    snprintf(log, sizeof log, "%s/mstate", T.dir);
    if (own_dir(log, T.mallory, T.mallory_gid, 0700) != 0)
        return -1;
    snprintf(log, sizeof log, "%s/evil.conf", T.dir);
    {
        char st[256];

        snprintf(st, sizeof st, "%s/mstate", T.dir);
        if (write_conf(log, T.evil_sock, st, path) != 0)
            return -1;
    }
    snprintf(path, sizeof path, "%s/evil.conf", T.dir);
    snprintf(log, sizeof log, "%s/evil.log", T.dir);
    T.evil_pid = rnrd_spawn(T.mallory, T.mallory_gid, path, log, T.squat);
    if (T.evil_pid < 0)
        return -1;
    for (i = 0; i < 1000 && !rnrt_socket_answers(T.evil_sock); i++)
        usleep(10000);
    if (!rnrt_socket_answers(T.evil_sock)) {
        fprintf(stderr, "mallory's rnrd did not start; log %s\n", log);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (T.skip)
        return 0;
    if (T.evil_pid > 0) {
        kill(T.evil_pid, SIGTERM);
        waitpid(T.evil_pid, NULL, 0);
    }
    /* Left by a failed assertion. */
    if (T.evil2_pid > 0) {
        kill(T.evil2_pid, SIGTERM);
        waitpid(T.evil2_pid, NULL, 0);
    }
    if (T.victim.dir[0] != '\0')
        rnrt_daemon_destroy(&T.victim);
    rnrt_system("rm -rf '%s'", T.squat);
    if (getenv("RNRT_KEEP") == NULL)
        rnrt_system("rm -rf '%s'", T.dir);
    return 0;
}

/* The first address of NAME through WSALookupServiceBegin (the hosts
 * provider only: the same key in every daemon's answer cache) into out
 * ("" for none); the lookup's status. */
static int look(char *out, size_t len)
{
    struct rnrt_results res;
    WSAQUERYSETA q;
    AFPROTOCOLS fam = { AF_INET, 0 };
    GUID hosts_id = rnrt_guid(RNRT_HOSTS_ID);
    int rc;

    rnrt_qs_init(&q, &byname, NAME);
    q.lpNSProviderId = &hosts_id;
    q.dwNumberOfProtocols = 1;
    q.lpafpProtocols = &fam;
    rc = rnrt_lookup(&q, LUP_RETURN_ADDR | LUP_RETURN_NAME, &res);
    out[0] = '\0';
    if (rc == 0 && res.n > 0 && res.r[0]->dwNumberOfCsAddrs > 0)
        rnrt_addr(res.r[0], 0, out, len);
    rnrt_results_free(&res);
    return rc;
}

/* In alice's child: what the attacker's daemon must not have told. */
enum { OK = 0, SAW_EVIL = 10, WRONG_STATUS = 11, NO_ANSWER = 12, SAW_EVIL_GHBN = 13,
       SAW_EVIL_NSS = 14, NSS_ERR = 15, WRONG_ANSWER = 16 };

/* The NSS module as glibc calls it: 1 when it answered with EVIL_ADDR,
 * 0 when it did not answer, -1 when it could not be asked. */
static int nss_says_evil(void)
{
    typedef enum nss_status (*fn_t)(const char *, int, struct hostent *, char *, size_t,
                                     int *, int *);
    char path[512], buf[4096], addr[64];
    struct hostent he;
    void *h;
    fn_t fn;
    int err = 0, herr = 0, rc = 0;

    snprintf(path, sizeof path, "%s/client/nss/.libs/libnss_rnr.so.2", rnrt_builddir());
    if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL)
        return -1;
    fn = (fn_t)(uintptr_t)dlsym(h, "_nss_rnr_gethostbyname2_r");
    if (fn == NULL) {
        dlclose(h);
        return -1;
    }
    if (fn(NAME, AF_INET, &he, buf, sizeof buf, &err, &herr) == NSS_STATUS_SUCCESS &&
        he.h_addr_list[0] != NULL &&
        inet_ntop(AF_INET, he.h_addr_list[0], addr, sizeof addr) != NULL &&
        strcmp(addr, EVIL_ADDR) == 0)
        rc = 1;
    dlclose(h);
    return rc;
}

/* Alice with no XDG_RUNTIME_DIR and no RNR_SOCKET: her per-user socket is
 * the squatted one. */
static int alice_default_socket(void *arg)
{
    char a[64];
    struct hostent *he;
    int rc, nss;

    (void)arg;
    unsetenv("RNR_SOCKET");
    unsetenv("XDG_RUNTIME_DIR");
    rc = look(a, sizeof a);
    if (strstr(a, EVIL_ADDR) != NULL)
        return SAW_EVIL;
    if (rc != WSASYSNOTREADY)
        return WRONG_STATUS;
    he = gethostbyname(NAME);
    if (he != NULL && he->h_addr_list[0] != NULL &&
        memcmp(he->h_addr_list[0], "\xcb\x00\x71\x42", 4) == 0)
        return SAW_EVIL_GHBN;
    nss = nss_says_evil();
    if (nss < 0)
        return NSS_ERR;
    return nss ? SAW_EVIL_NSS : OK;
}

/* rnrctl as alice, env given: its exit code, stderr in T.dir/rnrctl.err. */
static int rnrctl_as_alice(const char *sock, const char *what)
{
    char rnrctl[512], err[256], sockenv[256];
    pid_t pid;
    int st;

    snprintf(rnrctl, sizeof rnrctl, "%s/client/rnrctl/rnrctl", rnrt_builddir());
    snprintf(err, sizeof err, "%s/rnrctl.err", T.dir);
    snprintf(sockenv, sizeof sockenv, "RNR_SOCKET=%s", sock ? sock : "");
    pid = fork();
    if (pid == 0) {
        int fd = open(err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        char *env[] = { "PATH=/usr/bin:/bin", sock ? sockenv : NULL, NULL };

        if (fd >= 0) {
            dup2(fd, 2);
            dup2(fd, 1);
        }
        become(T.alice, T.alice_gid);
        execle(rnrctl, rnrctl, "lookup", "host", what, (char *)NULL, env);
        _exit(127);
    }
    if (pid < 0 || waitpid(pid, &st, 0) != pid)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_squatted_user_socket(void **state)
{
    char err[256], msg[512];

    (void)state;
    if (T.skip)
        skip();
    /* The squat took: mallory owns alice's directory and serves there. */
    assert_true(rnrt_socket_answers(T.evil_sock));
    assert_int_equal(rnrt_run_as(RNRT_USER_ALICE, alice_default_socket, NULL), OK);

    /* rnrctl refuses it too, and says why. */
    assert_int_equal(rnrctl_as_alice(NULL, NAME), 3);
    snprintf(err, sizeof err, "%s/rnrctl.err", T.dir);
    snprintf(msg, sizeof msg, "%s belongs to uid %lu", T.squat, (unsigned long)T.mallory);
    assert_true(rnrt_file_has(err, msg));
    assert_false(rnrt_file_has(err, EVIL_ADDR));
}

static void test_squatted_dir_refused_by_rnrd(void **state)
{
    char conf[256], log[256], st[256], msg[512];
    pid_t pid;

    (void)state;
    if (T.skip)
        skip();
    /* Alice starts her own rnrd on her default socket: the directory is
     * mallory's, so it refuses rather than serve where mallory can swap
     * the socket or the cache. */
    snprintf(st, sizeof st, "%s/astate", T.dir);
    assert_int_equal(own_dir(st, T.alice, T.alice_gid, 0700), 0);
    snprintf(conf, sizeof conf, "%s/alice.conf", T.dir);
    assert_int_equal(write_conf(conf, NULL, st, NULL), 0);
    snprintf(log, sizeof log, "%s/alice.log", T.dir);
    pid = rnrd_spawn(T.alice, T.alice_gid, conf, log, NULL);
    assert_true(pid > 0);
    assert_int_equal(rnrd_wait_exit(pid), 1);
    snprintf(msg, sizeof msg, "refusing the socket directory: %s already exists and belongs "
             "to uid %lu", T.squat, (unsigned long)T.mallory);
    assert_true(rnrt_file_has(log, msg));
    assert_true(rnrt_socket_answers(T.evil_sock));   /* mallory's is still there */
}

static int alice_explicit(void *arg)
{
    char a[64];
    int rc;

    setenv("RNR_SOCKET", (const char *)arg, 1);
    rc = look(a, sizeof a);
    if (strstr(a, EVIL_ADDR) != NULL)
        return SAW_EVIL;
    return rc == WSASYSNOTREADY ? OK : WRONG_STATUS;
}

static void test_peer_credentials(void **state)
{
    char mdir[128], msock[160], rdir[128], rsock[160], conf[256], log[256], st[256];
    char err[256], msg[512], hosts[256];
    pid_t pid;
    int i;

    (void)state;
    if (T.skip)
        skip();
    /* Mallory's second daemon in her own directory; its socket then lands
     * in a directory that passes every check (root's, 0755): only who
     * listens gives it away. */
    snprintf(mdir, sizeof mdir, "%s/mrun", T.dir);
    assert_int_equal(own_dir(mdir, T.mallory, T.mallory_gid, 0755), 0);
    snprintf(msock, sizeof msock, "%s/rnrd.sock", mdir);
    snprintf(st, sizeof st, "%s/mstate2", T.dir);
    assert_int_equal(own_dir(st, T.mallory, T.mallory_gid, 0700), 0);
    snprintf(hosts, sizeof hosts, "%s/evil-hosts", T.dir);
    snprintf(conf, sizeof conf, "%s/evil2.conf", T.dir);
    assert_int_equal(write_conf(conf, msock, st, hosts), 0);
    snprintf(log, sizeof log, "%s/evil2.log", T.dir);
    pid = rnrd_spawn(T.mallory, T.mallory_gid, conf, log, NULL);
    assert_true(pid > 0);
    T.evil2_pid = pid;
    for (i = 0; i < 1000 && !rnrt_socket_answers(msock); i++)
        usleep(10000);
    assert_true(rnrt_socket_answers(msock));
    snprintf(rdir, sizeof rdir, "%s/rootrun", T.dir);
    assert_int_equal(own_dir(rdir, 0, 0, 0755), 0);
    snprintf(rsock, sizeof rsock, "%s/rnrd.sock", rdir);
    assert_int_equal(rename(msock, rsock), 0);
    assert_true(rnrt_socket_answers(rsock));

    assert_int_equal(rnrt_run_as(RNRT_USER_ALICE, alice_explicit, rsock), OK);
    assert_int_equal(rnrctl_as_alice(rsock, NAME), 3);
    snprintf(err, sizeof err, "%s/rnrctl.err", T.dir);
    snprintf(msg, sizeof msg, "the daemon runs as uid %lu", (unsigned long)T.mallory);
    assert_true(rnrt_file_has(err, msg));

    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    T.evil2_pid = 0;
}

/* Mallory asks her own daemon, so that its cache holds her answer under
 * the very key alice's lookup uses. */
static int mallory_fill(void *arg)
{
    char a[64];

    setenv("RNR_SOCKET", (const char *)arg, 1);
    if (look(a, sizeof a) != 0)
        return NO_ANSWER;
    return strstr(a, EVIL_ADDR) != NULL ? OK : WRONG_ANSWER;
}

static int alice_victim(void *arg)
{
    char a[64];
    int rc;

    setenv("RNR_SOCKET", (const char *)arg, 1);
    rc = look(a, sizeof a);
    if (strstr(a, EVIL_ADDR) != NULL)
        return SAW_EVIL;
    if (rc != 0)
        return NO_ANSWER;
    return strcmp(a, GOOD_ADDR ":0") == 0 ? OK : WRONG_ANSWER;
}

static void test_cache_file_swapped(void **state)
{
    struct rnrt_daemon *victim = &T.victim;
    char evil_cache[200], vcache[256], tmp[256];
    struct stat st;

    (void)state;
    if (T.skip)
        skip();
    /* The victim: root's daemon in a 0755 directory, as the tests run
     * them; www.example.com is GOOD_ADDR there. */
    assert_int_equal(rnrt_daemon_init(victim, NULL), 0);
    assert_int_equal(rnrt_write_file(victim->hosts, GOOD_ADDR " " NAME "\n"), 0);
    assert_int_equal(rnrt_daemon_start(victim), 0);

    assert_int_equal(rnrt_run_as(RNRT_USER_MALLORY, mallory_fill, T.evil_sock), OK);
    /* Mallory's cache, copied (root's, 0644: the owner and mode the
     * victim's own file has) and renamed over the victim's while both
     * daemons run: its liveness word says "alive". */
    snprintf(evil_cache, sizeof evil_cache, "%s.cache", T.evil_sock);
    snprintf(vcache, sizeof vcache, "%s.cache", victim->sock);
    snprintf(tmp, sizeof tmp, "%s.cache.copy", victim->sock);
    assert_int_equal(rnrt_system("cp '%s' '%s' && chmod 0644 '%s'", evil_cache, tmp, tmp), 0);
    assert_int_equal(rename(tmp, vcache), 0);
    assert_int_equal(stat(vcache, &st), 0);
    assert_int_equal(st.st_uid, 0);

    assert_int_equal(rnrt_run_as(RNRT_USER_ALICE, alice_victim, victim->sock), OK);
    /* Root too (the same checks, another owner set). */
    assert_int_equal(alice_victim(victim->sock), OK);

    WSACleanup();
    assert_int_equal(rnrt_daemon_stop(victim), 0);
    rnrt_daemon_destroy(victim);
    victim->dir[0] = '\0';
    {
        WSADATA wd;

        assert_int_equal(WSAStartup(MAKEWORD(2, 2), &wd), 0);
    }
}

static void test_rnrd_refuses_foreign_dirs(void **state)
{
    char sdir[128], sock[160], st[256], conf[256], log[256], msg[512];
    pid_t pid;

    (void)state;
    if (T.skip)
        skip();
    /* A socket directory mallory made, for a root rnrd. */
    snprintf(sdir, sizeof sdir, "%s/msock", T.dir);
    assert_int_equal(own_dir(sdir, T.mallory, T.mallory_gid, 0755), 0);
    snprintf(sock, sizeof sock, "%s/rnrd.sock", sdir);
    snprintf(st, sizeof st, "%s/rstate", T.dir);
    snprintf(conf, sizeof conf, "%s/root.conf", T.dir);
    assert_int_equal(write_conf(conf, sock, st, NULL), 0);
    snprintf(log, sizeof log, "%s/root.log", T.dir);
    pid = rnrd_spawn(0, 0, conf, log, NULL);
    assert_true(pid > 0);
    assert_int_equal(rnrd_wait_exit(pid), 1);
    snprintf(msg, sizeof msg, "refusing the socket directory: %s already exists and belongs "
             "to uid %lu, not to uid 0", sdir, (unsigned long)T.mallory);
    assert_true(rnrt_file_has(log, msg));
    assert_int_equal(access(sock, F_OK), -1);

    /* A state directory mallory made. */
    snprintf(sdir, sizeof sdir, "%s/rsock", T.dir);
    snprintf(sock, sizeof sock, "%s/rnrd.sock", sdir);
    snprintf(st, sizeof st, "%s/mstate3", T.dir);
    assert_int_equal(own_dir(st, T.mallory, T.mallory_gid, 0700), 0);
    assert_int_equal(write_conf(conf, sock, st, NULL), 0);
    pid = rnrd_spawn(0, 0, conf, log, NULL);
    assert_true(pid > 0);
    assert_int_equal(rnrd_wait_exit(pid), 1);
    snprintf(msg, sizeof msg, "refusing the state directory: %s already exists and belongs "
             "to uid %lu", st, (unsigned long)T.mallory);
    assert_true(rnrt_file_has(log, msg));

    /* And one others may write to, even root's own. */
    assert_int_equal(own_dir(st, 0, 0, 0777), 0);
    pid = rnrd_spawn(0, 0, conf, log, NULL);
    assert_true(pid > 0);
    assert_int_equal(rnrd_wait_exit(pid), 1);
    snprintf(msg, sizeof msg, "refusing the state directory: %s is writable by others", st);
    assert_true(rnrt_file_has(log, msg));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_squatted_user_socket),
        cmocka_unit_test(test_squatted_dir_refused_by_rnrd),
        cmocka_unit_test(test_peer_credentials),
        cmocka_unit_test(test_cache_file_swapped),
        cmocka_unit_test(test_rnrd_refuses_foreign_dirs),
    };
    WSADATA wd;

    signal(SIGPIPE, SIG_IGN);
    if (WSAStartup(MAKEWORD(2, 2), &wd) != 0)
        return 1;
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
