/* SPDX-License-Identifier: MIT */
/*
 * bench_nss: what an ordinary program pays for one name through glibc
 * (`make bench-nss`; bench/README.md).  getaddrinfo and gethostbyname of
 * the same name, answered by
 *
 *   nss-rnr-*     "hosts: rnr": the build's libnss_rnr.so.2 asking a real
 *                 rnrd (hosts provider) over its socket, its answer cache
 *                 on as programs get it by default (the name is asked
 *                 once first, so the timed lookups are repeats)
 *   nss-rnrsock-* the same with RNR_ANSWER_CACHE=0: every lookup through
 *                 the socket
 *   nss-files-*   "hosts: files" on a 3-line hosts file: glibc's floor
 *   nss-nscd-*    "hosts: files" answered from unscd's cache, /etc/hosts
 *                 emptied once it is filled
 *
 * rnrd serves the same 3-line file.  Each source runs in a forked child
 * with a private mount namespace (unshare(CLONE_NEWNS), / rprivate) in
 * which /etc/hosts and /etc/nsswitch.conf are bind-mounted test files and
 * an empty directory covers /run/nscd: nothing changes for the rest of
 * the machine, and every source starts with glibc's NSS state fresh.
 * glibc dlopens NSS modules by name from its library path, so the
 * program re-executes itself once with LD_LIBRARY_PATH naming the
 * build's client/nss/.libs (glibc reads it only at start-up).
 *
 * Needs root (mount namespaces): exits 77 otherwise.  Figures, not
 * assertions: 0 whenever the measurements ran.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nscd.h"

#define NAME        "h000000.bench.example"
#define ADDR        "10.0.0.1"
#define WARMUP      2000u
#define ITERS       20000u
#define MAX_THREADS 2u

static const char hosts3[] =
    "127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n" ADDR " " NAME "\n";

static char        tmp[64];
static const char *builddir = ".";
static uint32_t    want;

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ------------------------------------------------------------ operations */

static int op_gai(int reentrant)
{
    struct addrinfo hints, *res = NULL;
    int             ok;

    (void)reentrant;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(NAME, NULL, &hints, &res) != 0 || res == NULL)
        return -1;
    ok = res->ai_family == AF_INET &&
         ((const struct sockaddr_in *)(const void *)res->ai_addr)->sin_addr.s_addr == want;
    freeaddrinfo(res);
    return ok ? 0 : -1;
}

/* gethostbyname for one thread, as a Winsock 1.1 program calls it;
 * gethostbyname_r when two share the process. */
static int op_ghbn(int reentrant)
{
    struct hostent  ret, *he = NULL;
    char            buf[1024];
    int             herr = 0;

    if (!reentrant)
        he = gethostbyname(NAME);
    else if (gethostbyname_r(NAME, &ret, buf, sizeof buf, &he, &herr) != 0)
        he = NULL;
    return he != NULL && he->h_addrtype == AF_INET && he->h_addr_list[0] != NULL &&
                   memcmp(he->h_addr_list[0], &want, 4) == 0 ? 0 : -1;
}

/* ------------------------------------------------------------ timing */

struct worker {
    pthread_t t;
    int       (*op)(int);
    int       reentrant;
    uint64_t *ns;               /* ITERS latencies */
    unsigned  errors;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    unsigned       i;

    for (i = 0; i < WARMUP; i++)
        if (w->op(w->reentrant) != 0)
            w->errors++;
    for (i = 0; i < ITERS; i++) {
        uint64_t t0 = now_ns();

        if (w->op(w->reentrant) != 0)
            w->errors++;
        w->ns[i] = now_ns() - t0;
    }
    return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* Times op with n threads and prints its row; errors make it "(ERRORS)". */
static void measure(const char *id, const char *label, const char *cmp, int (*op)(int),
                    unsigned n)
{
    static uint64_t all[MAX_THREADS * ITERS];
    struct worker   w[MAX_THREADS];
    uint64_t        t0, wall;
    unsigned        i, errors = 0, ran = 0;

    t0 = now_ns();
    for (i = 0; i < n; i++) {
        w[i].op = op;
        w[i].reentrant = n > 1;
        w[i].ns = all + (size_t)i * ITERS;
        w[i].errors = 0;
        if (pthread_create(&w[i].t, NULL, worker_main, &w[i]) == 0)
            ran++;
        else
            break;
    }
    for (i = 0; i < ran; i++) {
        pthread_join(w[i].t, NULL);
        errors += w[i].errors;
    }
    wall = now_ns() - t0;
    if (ran < n) {
        printf("%s, %u threads: pthread_create failed\n", label, n);
        return;
    }
    qsort(all, (size_t)n * ITERS, sizeof all[0], cmp_u64);
    printf("%-48s %u th  p50 %8.2f us  p99 %8.2f us  errors %u\n", label, n,
           (double)all[(size_t)n * ITERS / 2] / 1e3,
           (double)all[(size_t)n * ITERS * 99 / 100] / 1e3, errors);
    /* Warm-up included in the wall time of each thread: ops/s counts it. */
    printf("@row\t%s\t%s%s\t%u\t%.2f\t%.2f\t%.0f\t%s\n", id, label, errors ? " (ERRORS)" : "",
           n, (double)all[(size_t)n * ITERS / 2] / 1e3,
           (double)all[(size_t)n * ITERS * 99 / 100] / 1e3,
           (double)n * (WARMUP + ITERS) / ((double)wall / 1e9), cmp);
}

/* ------------------------------------------------------------ set-up */

/* tmp/name into path; -1 if it does not fit. */
static int path_in(char *path, size_t len, const char *name)
{
    int n = snprintf(path, len, "%s/%s", tmp, name);

    return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int write_file(const char *name, const char *text, char *path, size_t len)
{
    FILE *f;

    if (path_in(path, len, name) != 0)
        return -1;
    f = fopen(path, "w");
    if (f == NULL || fputs(text, f) == EOF) {
        if (f != NULL)
            fclose(f);
        return -1;
    }
    return fclose(f) == 0 ? 0 : -1;
}

static int bind_over(const char *src, const char *dst)
{
    if (mount(src, dst, NULL, MS_BIND, NULL) == 0)
        return 0;
    printf("bind-mount %s over %s: %s\n", src, dst, strerror(errno));
    return -1;
}

/* In the child: a namespace of its own where /etc/hosts is the 3-line
 * file and nsswitch.conf says `hosts`; no outside nscd unless `nscd`. */
static int private_view(const char *hosts, int nscd)
{
    char        nss[PATH_MAX], text[PATH_MAX], empty[PATH_MAX];
    struct stat st;

    snprintf(text, sizeof text, "hosts: %s\n", hosts);
    if (path_in(empty, sizeof empty, "empty") != 0 ||
        write_file(hosts, text, nss, sizeof nss) != 0 || unshare(CLONE_NEWNS) != 0 ||
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
        printf("private mount namespace: %s\n", strerror(errno));
        return -1;
    }
    if (path_in(text, sizeof text, "hosts3") != 0 || bind_over(text, "/etc/hosts") != 0 || bind_over(nss, "/etc/nsswitch.conf") != 0)
        return -1;
    if (!nscd && stat("/run/nscd", &st) == 0 && S_ISDIR(st.st_mode) &&
        bind_over(empty, "/run/nscd") != 0)
        return -1;
    return 0;
}

/* unscd with its cache filled by every call the rows make, then
 * /etc/hosts emptied: from then on only the cache answers. */
static int nscd_view(pid_t *pid)
{
    char why[300], none[PATH_MAX];

    if (bench_nscd_start(tmp, pid, why, sizeof why) != 0) {
        printf("nscd rows: %s\n", why);
        return -1;
    }
    if (op_gai(0) != 0 || op_ghbn(0) != 0 || op_ghbn(1) != 0) {
        printf("nscd rows: filling nscd's cache failed\n");
        return -1;
    }
    if (write_file("hosts-none", "", none, sizeof none) != 0 ||
        bind_over(none, "/etc/hosts") != 0)
        return -1;
    return 0;
}

struct source {
    const char *id, *label, *hosts, *gai_cmp, *ghbn_cmp;
    int         nscd, no_answer_cache;
};

static void run_source(const struct source *s)
{
    char  id[64], label[128];
    pid_t nscd = -1, pid;
    int   st;
    unsigned n;

    fflush(stdout);
    if ((pid = fork()) != 0) {
        if (pid > 0)
            waitpid(pid, &st, 0);
        return;
    }
    if (s->no_answer_cache)
        setenv("RNR_ANSWER_CACHE", "0", 1);
    if (private_view(s->hosts, s->nscd) != 0 || (s->nscd && nscd_view(&nscd) != 0)) {
        fflush(stdout);
        _exit(1);
    }
    /* rnrd listens before its providers have started: the first answer
     * may take a moment. */
    for (n = 0; op_gai(0) != 0 && n < 1000; n++)
        usleep(10000);
    if (op_gai(0) != 0 || op_ghbn(0) != 0) {
        printf("%s: %s does not resolve to %s\n", s->label, NAME, ADDR);
        fflush(stdout);
        bench_nscd_stop(nscd);
        _exit(1);
    }
    for (n = 1; n <= MAX_THREADS; n++) {
        snprintf(id, sizeof id, "nss-%s-gai", s->id);
        snprintf(label, sizeof label, "getaddrinfo, %s", s->label);
        measure(id, label, s->gai_cmp, op_gai, n);
    }
    for (n = 1; n <= MAX_THREADS; n++) {
        snprintf(id, sizeof id, "nss-%s-ghbn", s->id);
        snprintf(label, sizeof label, "gethostbyname, %s", s->label);
        measure(id, label, s->ghbn_cmp, op_ghbn, n);
    }
    fflush(stdout);
    bench_nscd_stop(nscd);
    _exit(0);
}

/* ------------------------------------------------------------ rnrd */

static pid_t rnrd_start(void)
{
    char  conf[PATH_MAX], hosts[PATH_MAX], services[PATH_MAX], text[3 * PATH_MAX], sock[PATH_MAX];
    char  svc[PATH_MAX];
    char  rnrd[PATH_MAX], mods[PATH_MAX], log[PATH_MAX], state[PATH_MAX];
    pid_t pid;

    int   n;

    n = snprintf(mods, sizeof mods, "%s/providers/.libs", builddir);
    if (n < 0 || (size_t)n >= sizeof mods || path_in(hosts, sizeof hosts, "hosts3") != 0 ||
        path_in(svc, sizeof svc, "services") != 0 || path_in(sock, sizeof sock, "rnrd.sock") != 0 ||
        path_in(state, sizeof state, "state") != 0 || path_in(log, sizeof log, "rnrd.log") != 0)
        return -1;
    n = snprintf(text, sizeof text, "[daemon]\nuser = root\nmodule-dir = %s\nlog-level = warning\n\n"
                 "[provider hosts]\nmodule = hosts\nnamespace = NS_TCPIP_HOSTS\nenabled = yes\n"
                 "hosts-file = %s\nservices-file = %s\n", mods, hosts, svc);
    if (n < 0 || (size_t)n >= sizeof text ||
        write_file("services", "http 80/tcp\n", services, sizeof services) != 0 ||
        write_file("rnrd.conf", text, conf, sizeof conf) != 0)
        return -1;
    n = snprintf(rnrd, sizeof rnrd, "%s/daemon/rnrd", builddir);
    if (n < 0 || (size_t)n >= sizeof rnrd)
        return -1;
    setenv("RNR_SOCKET", sock, 1);
    if ((pid = fork()) == 0) {
        if (freopen(log, "w", stderr) == NULL)
            _exit(126);
        execl(rnrd, rnrd, "--foreground", "--config", conf, "--socket", sock, "--state-dir",
              state, "--module-dir", mods, (char *)NULL);
        _exit(127);
    }
    return pid;
}

static void rnrd_stop(pid_t pid)
{
    int i;

    if (pid <= 0)
        return;
    kill(pid, SIGTERM);
    for (i = 0; i < 500 && waitpid(pid, NULL, WNOHANG) != pid; i++)
        usleep(10000);
    if (i == 500) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
}

/* glibc takes LD_LIBRARY_PATH at start-up only: once, set it and start
 * again, so that "hosts: rnr" finds the build's libnss_rnr.so.2. */
static void with_module_path(char **argv)
{
    char        dir[PATH_MAX], mod[PATH_MAX + 32];
    const char *cur = getenv("LD_LIBRARY_PATH");

    snprintf(dir, sizeof dir, "%s/client/nss/.libs", builddir);
    snprintf(mod, sizeof mod, "%s/libnss_rnr.so.2", dir);
    if (access(mod, R_OK) != 0) {
        printf("skipped (no %s: make first)\n", mod);
        exit(77);
    }
    if (cur != NULL && strcmp(cur, dir) == 0)
        return;
    setenv("LD_LIBRARY_PATH", dir, 1);
    execv("/proc/self/exe", argv);
    printf("re-exec: %s\n", strerror(errno));
    exit(1);
}

int main(int argc, char **argv)
{
    static const struct source sources[] = {
        { "files", "hosts: files, 3-line file", "files", "-", "-", 0, 0 },
        { "nscd", "hosts: files + nscd cache", "files", "nss-files-gai", "nss-files-ghbn", 1, 0 },
        { "rnr", "hosts: rnr, answer cache", "rnr", "nss-files-gai,nss-nscd-gai",
          "nss-files-ghbn,nss-nscd-ghbn", 0, 0 },
        { "rnrsock", "hosts: rnr, RNR_ANSWER_CACHE=0", "rnr", "nss-files-gai,nss-nscd-gai",
          "nss-files-ghbn,nss-nscd-ghbn", 0, 1 },
    };
    char   cmd[PATH_MAX + 16], hosts[PATH_MAX], empty[PATH_MAX];
    pid_t  rnrd;
    size_t i;
    int    ch;

    while ((ch = getopt(argc, argv, "b:")) != -1) {
        if (ch != 'b')
            return 2;
        builddir = optarg;
    }
    with_module_path(argv);
    if (geteuid() != 0) {
        printf("bench_nss: skipped (needs root for private mount namespaces)\n");
        return 77;
    }
    inet_pton(AF_INET, ADDR, &want);
    snprintf(tmp, sizeof tmp, "/tmp/bench-nss-XXXXXX");
    if (mkdtemp(tmp) == NULL || chmod(tmp, 0755) != 0) {
        perror(tmp);
        return 1;
    }
    if (path_in(empty, sizeof empty, "empty") != 0 || write_file("hosts3", hosts3, hosts, sizeof hosts) != 0 || mkdir(empty, 0755) != 0 ||
        (rnrd = rnrd_start()) < 0) {
        perror(tmp);
        return 1;
    }
    printf("one name (%s) through glibc, %u + %u calls a thread; rnrd log %s/rnrd.log\n",
           NAME, WARMUP, ITERS, tmp);
    for (i = 0; i < sizeof sources / sizeof sources[0]; i++)
        run_source(&sources[i]);
    rnrd_stop(rnrd);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmp);
    return 0;
}
