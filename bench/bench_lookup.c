/* SPDX-License-Identifier: MIT */
/*
 * bench_lookup: what one librnr host lookup costs, measured beside what the
 * machine can do at all, in one run (`make bench`; bench/README.md).
 *
 *   librnr        WSALookupServiceBegin(SVCID_INET_HOSTADDRBYNAME, name,
 *                 LUP_RETURN_NAME | LUP_RETURN_ADDR), Next until
 *                 WSA_E_NO_MORE, End: the whole sequence an application
 *                 runs, against a private rnrd serving only the hosts
 *                 provider, with 1,000 and 100,000 generated entries.
 *   bare AF_UNIX  one request / response of the same size order over a
 *                 stream socket to a single-threaded epoll server process:
 *                 the floor any daemon-based resolver stands on.
 *   glibc         gethostbyname over NSS "files" on the same generated
 *                 file, inside a private mount namespace (needs root).
 *   memory        rnrd's VmRSS with 100,000 entries minus VmRSS with an
 *                 almost empty hosts file, per entry.
 *
 * Every measured client runs in a forked process, so each one starts with
 * a fresh librnr connection to the daemon of that phase (and, for glibc,
 * its own mount namespace), and a client that crashes or hangs is reported
 * instead of taking the benchmark down.  Results come back over a pipe.
 *
 * The figures are figures, not assertions: the program exits 0 whenever
 * the librnr lookups could be measured, whatever the targets say.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <rnr/winsock2.h>

#include "glibc_hosts.h"
#include "nscd.h"

/* ------------------------------------------------------------------ */
/* Fixed sizes of the run                                               */
/* ------------------------------------------------------------------ */
#define N_SMALL     1000u
#define N_LARGE     100000u

/* Lookups per client thread.  Fixed counts, so two runs do the same work;
 * sized so the whole run stays well under two minutes on two cores even
 * when a lookup costs ten times what it should. */
#define RNR_WARMUP        2000u
#define RNR_ITERS         20000u
/* Answered from the answer cache a lookup takes about a microsecond: ten
 * times the lookups, so a run lasts long enough (~0.1 s) for its rate to
 * mean something on a noisy machine. */
#define RNR_AC_WARMUP     20000u
#define RNR_AC_ITERS      200000u
/* answer-cache-size of every rnrd the benchmark starts: 128 MB, whose
 * 262,144 slots keep buckets (8 ways) of the 100,000 answers from
 * overflowing: at 64 MB (load 0.76) a quarter of the names fell in full
 * buckets and thrashed. */
#define ANSWER_CACHE_BYTES (128u << 20)
#define RTT_WARMUP        5000u
#define RTT_ITERS         50000u
/* glibc scans the whole file on every call (host.conf "multi on" is
 * Debian's default), so 100,000 entries cost milliseconds a lookup. */
#define GLIBC_SMALL_WARMUP 200u
#define GLIBC_SMALL_ITERS  5000u
#define GLIBC_LARGE_WARMUP 5u
#define GLIBC_LARGE_ITERS  150u

/* Safety nets that keep a pathologically slow build from running for
 * ever: one measured run stops at RUN_CAP_S (and says so); a client
 * process that does not report within PHASE_TIMEOUT_S is killed. */
#define RUN_CAP_S         10u
#define READY_TIMEOUT_S   30u
#define START_TIMEOUT_S   60u
#define PHASE_TIMEOUT_S   (READY_TIMEOUT_S + 2u * RUN_CAP_S + 40u)

/* The bare round trip moves what a librnr lookup of one of our names
 * moves (nsp/wire.h; checked with strace): a 96-byte LOOKUP_BEGIN, then
 * the reply, one LOOKUP_RESULT and LOOKUP_DONE, 192 bytes in one write.
 * librnr also sends a 20-byte LOOKUP_END without waiting for its reply. */
#define RTT_REQ_LEN       96u
#define RTT_RESP_LEN      192u

#define MAX_THREADS       2u
#define NAME_LEN          32u
#define RESULT_BUF_LEN    8192u

#define LOOKUP_FLAGS      (LUP_RETURN_NAME | LUP_RETURN_ADDR)

/* An op that returned success but not the address the file has. */
#define E_WRONG_ANSWER    (-1)

/* ------------------------------------------------------------------ */
/* Small helpers                                                        */
/* ------------------------------------------------------------------ */
static char g_tmpdir[64];
static int  g_keep;

/* Children to end if we are interrupted: the daemon and the echo server
 * (they also get SIGKILL from PR_SET_PDEATHSIG if we die abruptly). */
static volatile pid_t g_daemon_pid = -1;
static volatile pid_t g_echo_pid = -1;

static void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void warnx_(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fputs("bench_lookup: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void setwhy(char *why, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void setwhy(char *why, size_t len, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, len, fmt, ap);
    va_end(ap);
}

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = { ms / 1000u, (long)(ms % 1000u) * 1000000L };

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* xorshift64*: cheap, and good enough to spread picks over the index;
 * each thread has its own state so picking costs no shared cache line. */
static uint32_t rand_next(uint64_t *s)
{
    uint64_t x = *s;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return (uint32_t)((x * 0x2545F4914F6CDD1DULL) >> 32);
}

/* "100000" -> "100,000", for the table. */
static const char *fmt_count(char *buf, size_t len, unsigned long v)
{
    char   tmp[32];
    size_t n, i, o = 0;

    n = (size_t)snprintf(tmp, sizeof(tmp), "%lu", v);
    for (i = 0; i < n && o + 2 < len; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = tmp[i];
    }
    buf[o] = '\0';
    return buf;
}

static int write_all(int fd, const void *p, size_t len)
{
    const char *c = p;

    while (len > 0) {
        ssize_t w = write(fd, c, len);

        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        c += w;
        len -= (size_t)w;
    }
    return 0;
}

static int read_all(int fd, void *p, size_t len)
{
    char *c = p;

    while (len > 0) {
        ssize_t r = read(fd, c, len);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        c += r;
        len -= (size_t)r;
    }
    return 0;
}

static int path_in_tmp(char *buf, size_t len, const char *name)
{
    int n = snprintf(buf, len, "%s/%s", g_tmpdir, name);

    return (n < 0 || (size_t)n >= len) ? -1 : 0;
}

/* VmRSS of a process in kB, or -1. */
static long vmrss_kb(pid_t pid)
{
    char  path[64], line[256];
    FILE *f;
    long  kb = -1;

    snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
    f = fopen(path, "re");
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kb = strtol(line + 6, NULL, 10);
            break;
        }
    }
    fclose(f);
    return kb;
}

/* The 1-minute load average, or -1.  Printed with the figures: on a
 * machine that is busy with other work every figure here is skewed, and
 * the report should say so rather than look authoritative. */
static double loadavg1(void)
{
    FILE  *f = fopen("/proc/loadavg", "re");
    double v = -1.0;

    if (f == NULL)
        return -1.0;
    if (fscanf(f, "%lf", &v) != 1)
        v = -1.0;
    fclose(f);
    return v;
}

/* Connect a blocking stream socket to path; -1 with errno on failure. */
static int unix_connect(const char *path)
{
    struct sockaddr_un sun;
    int                fd;

    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sun.sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(sun.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
        int e = errno;

        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* ------------------------------------------------------------------ */
/* Generated data                                                       */
/* ------------------------------------------------------------------ */
/* Entry i of every generated file: "10.x.y.z  hNNNNNN.bench.example",
 * one name and one IPv4 address a line, like a large block list or a
 * cluster's host table.  The 1,000-entry file is the head of the
 * 100,000-entry one, so one name table serves both. */
static char (*g_names)[NAME_LEN];

static uint32_t entry_addr(uint32_t i)
{
    /* 10.0.0.1 upward, network order. */
    return htonl(0x0A000000u + i + 1u);
}

static void entry_addr_text(uint32_t i, char *buf, size_t len)
{
    uint32_t a = 0x0A000000u + i + 1u;

    snprintf(buf, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xFFu,
             (a >> 8) & 0xFFu, a & 0xFFu);
}

static int make_names(void)
{
    uint32_t i;

    g_names = calloc(N_LARGE, sizeof(*g_names));
    if (g_names == NULL)
        return -1;
    for (i = 0; i < N_LARGE; i++)
        snprintf(g_names[i], NAME_LEN, "h%06u.bench.example", i);
    return 0;
}

static int write_file(const char *name, const char *text)
{
    char  path[PATH_MAX];
    FILE *f;
    int   rc;

    if (path_in_tmp(path, sizeof(path), name) != 0)
        return -1;
    f = fopen(path, "we");
    if (f == NULL)
        return -1;
    rc = fputs(text, f) < 0 ? -1 : 0;
    if (fclose(f) != 0)
        rc = -1;
    return rc;
}

/* The localhost lines every real hosts file has; they are also all the
 * "empty-ish" file holds, so the memory baseline is a daemon that did
 * load a file. */
static const char hosts_head[] =
    "# generated by bench_lookup\n"
    "127.0.0.1\tlocalhost\n"
    "::1\tlocalhost ip6-localhost ip6-loopback\n";

static int write_hosts(const char *name, uint32_t n)
{
    char     path[PATH_MAX], addr[16];
    FILE    *f;
    uint32_t i;
    int      rc = 0;

    if (path_in_tmp(path, sizeof(path), name) != 0)
        return -1;
    f = fopen(path, "we");
    if (f == NULL)
        return -1;
    /* A big stdio buffer: 100,000 lines are written in a few syscalls. */
    setvbuf(f, NULL, _IOFBF, 1u << 16);
    if (fputs(hosts_head, f) < 0)
        rc = -1;
    for (i = 0; i < n && rc == 0; i++) {
        entry_addr_text(i, addr, sizeof(addr));
        if (fprintf(f, "%s\t%s\n", addr, g_names[i]) < 0)
            rc = -1;
    }
    if (fclose(f) != 0)
        rc = -1;
    return rc;
}

static int write_data_files(void)
{
    char dir[PATH_MAX];

    /* A fixed services file, so the daemon never depends on the machine's
     * /etc/services and both memory readings load the same one. */
    if (write_file("services",
                   "ftp\t\t21/tcp\n"
                   "ssh\t\t22/tcp\n"
                   "domain\t\t53/tcp\n"
                   "domain\t\t53/udp\n"
                   "http\t\t80/tcp\t\twww\n"
                   "https\t\t443/tcp\n") != 0)
        return -1;
    /* "files" only: the glibc baseline must never reach DNS. */
    if (write_file("nsswitch.conf", "hosts: files\n") != 0)
        return -1;
    if (write_hosts("hosts-empty", 0) != 0 ||
        write_hosts("hosts-1000", N_SMALL) != 0 ||
        write_hosts("hosts-100000", N_LARGE) != 0)
        return -1;
    if (path_in_tmp(dir, sizeof(dir), "state") != 0 || mkdir(dir, 0755) != 0)
        return -1;
    if (path_in_tmp(dir, sizeof(dir), "empty") != 0 || mkdir(dir, 0755) != 0)
        return -1;
    return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

static void remove_tmpdir(void)
{
    if (g_tmpdir[0] == '\0')
        return;
    if (g_keep) {
        fprintf(stderr, "bench_lookup: kept %s\n", g_tmpdir);
        return;
    }
    nftw(g_tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* ------------------------------------------------------------------ */
/* The measuring loop                                                   */
/* ------------------------------------------------------------------ */
struct run_result {
    int      ran;             /* 0: nothing measured; why says */
    char     why[200];
    unsigned threads;
    uint64_t done;            /* timed ops */
    uint64_t errors;
    char     first_error[120];
    int      capped;          /* stopped by RUN_CAP_S */
    double   p50_us, p99_us, per_sec;
};

/* What one kind of client does; `op` is the thing being timed. */
struct workload {
    uint32_t npick;           /* names are picked in [0, npick) */
    uint32_t warmup, iters;   /* per thread */
    void *(*thread_init)(const struct workload *w, unsigned tid, char *why, size_t len);
    int   (*op)(void *ts, uint32_t pick);
    void  (*thread_fini)(void *ts);
    void  (*strerr)(int err, char *buf, size_t len);
    const void *ctx;
};

/* Where the threads line up after their warm-up, so the timed part
 * starts for all at once.  A mutex and condition rather than a barrier:
 * a thread that failed to start must not leave the others waiting. */
struct gate {
    pthread_mutex_t mu;
    pthread_cond_t  cv;
    unsigned        ready;
    int             go;
};

struct worker {
    pthread_t              thr;
    const struct workload *w;
    unsigned               tid;
    struct gate           *gate;
    uint64_t              *lat;    /* iters entries */
    uint64_t               done, errors;
    int                    first_error, have_error, capped, failed;
    char                   why[200];
};

static void gate_arrive(struct gate *g)
{
    pthread_mutex_lock(&g->mu);
    g->ready++;
    pthread_cond_broadcast(&g->cv);
    while (!g->go)
        pthread_cond_wait(&g->cv, &g->mu);
    pthread_mutex_unlock(&g->mu);
}

static void *worker_main(void *arg)
{
    struct worker         *k = arg;
    const struct workload *w = k->w;
    uint64_t               seed = 0x9E3779B97F4A7C15ULL * (k->tid + 1u) + 12345u;
    uint64_t               deadline;
    void                  *ts;
    uint32_t               i;

    ts = w->thread_init(w, k->tid, k->why, sizeof(k->why));
    if (ts == NULL) {
        k->failed = 1;
        gate_arrive(k->gate);
        return NULL;
    }
    /* Warm-up: page in the code, the client's and the daemon's caches,
     * and let the CPU clocks settle before anything counts. */
    for (i = 0; i < w->warmup; i++)
        (void)w->op(ts, rand_next(&seed) % w->npick);
    gate_arrive(k->gate);

    deadline = now_ns() + (uint64_t)RUN_CAP_S * 1000000000u;
    for (i = 0; i < w->iters; i++) {
        uint32_t pick = rand_next(&seed) % w->npick;
        uint64_t t0 = now_ns(), t1;
        int      e = w->op(ts, pick);

        t1 = now_ns();
        k->lat[i] = t1 - t0;
        k->done++;
        if (e != 0) {
            if (!k->have_error) {
                k->have_error = 1;
                k->first_error = e;
            }
            k->errors++;
        }
        if (t1 > deadline) {
            k->capped = 1;
            break;
        }
    }
    w->thread_fini(ts);
    return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted samples, in microseconds. */
static double pct_us(const uint64_t *s, uint64_t n, double p)
{
    uint64_t r = (uint64_t)(p * (double)n + 0.999999);

    if (r < 1)
        r = 1;
    if (r > n)
        r = n;
    return (double)s[r - 1] / 1000.0;
}

static void run_workload(const struct workload *w, unsigned nthreads, struct run_result *out)
{
    struct worker k[MAX_THREADS];
    struct gate   gate = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0 };
    uint64_t     *all = NULL, n = 0, t0, t1;
    unsigned      t, started = 0;

    memset(out, 0, sizeof(*out));
    memset(k, 0, sizeof(k));
    out->threads = nthreads;
    for (t = 0; t < nthreads; t++) {
        k[t].w = w;
        k[t].tid = t;
        k[t].gate = &gate;
        k[t].lat = calloc(w->iters ? w->iters : 1u, sizeof(uint64_t));
        if (k[t].lat == NULL || pthread_create(&k[t].thr, NULL, worker_main, &k[t]) != 0) {
            setwhy(out->why, sizeof(out->why), "cannot start thread %u", t);
            break;
        }
        started++;
    }
    /* Every started thread has warmed up: start the clock and let go. */
    pthread_mutex_lock(&gate.mu);
    while (gate.ready < started)
        pthread_cond_wait(&gate.cv, &gate.mu);
    gate.go = 1;
    t0 = now_ns();
    pthread_cond_broadcast(&gate.cv);
    pthread_mutex_unlock(&gate.mu);
    for (t = 0; t < started; t++)
        pthread_join(k[t].thr, NULL);
    t1 = now_ns();

    if (started < nthreads)
        goto done;
    for (t = 0; t < nthreads; t++) {
        if (k[t].failed) {
            snprintf(out->why, sizeof(out->why), "%s", k[t].why);
            goto done;
        }
        n += k[t].done;
        out->errors += k[t].errors;
        out->capped |= k[t].capped;
        if (k[t].have_error && out->first_error[0] == '\0')
            w->strerr(k[t].first_error, out->first_error, sizeof(out->first_error));
    }
    all = malloc((size_t)(n ? n : 1u) * sizeof(uint64_t));
    if (all == NULL) {
        setwhy(out->why, sizeof(out->why), "out of memory");
        goto done;
    }
    n = 0;
    for (t = 0; t < nthreads; t++) {
        memcpy(all + n, k[t].lat, (size_t)k[t].done * sizeof(uint64_t));
        n += k[t].done;
    }
    if (n == 0) {
        setwhy(out->why, sizeof(out->why), "no operation completed");
        goto done;
    }
    qsort(all, (size_t)n, sizeof(uint64_t), cmp_u64);
    out->ran = 1;
    out->done = n;
    out->p50_us = pct_us(all, n, 0.50);
    out->p99_us = pct_us(all, n, 0.99);
    out->per_sec = (double)n * 1e9 / (double)(t1 - t0 ? t1 - t0 : 1u);
done:
    free(all);
    for (t = 0; t < nthreads; t++)
        free(k[t].lat);
}

/* ------------------------------------------------------------------ */
/* Client processes                                                     */
/* ------------------------------------------------------------------ */
/* What a client process reports back through its pipe. */
struct phase_out {
    int               ok;          /* got as far as measuring */
    char              why[240];
    long              rss_loaded_kb;  /* daemon, after its first answer */
    long              rss_after_kb;   /* daemon, after the measured runs */
    struct run_result run[MAX_THREADS];   /* 1 and 2 threads */
};

typedef void (*phase_fn)(const void *arg, struct phase_out *out);

/* Runs fn in a child process and collects what it reports, within
 * PHASE_TIMEOUT_S.  Returns 0 when a report came back. */
static int run_in_child(phase_fn fn, const void *arg, struct phase_out *out)
{
    int            p[2];
    pid_t          pid;
    struct pollfd  pfd;
    int            status, rc = -1, pr;
    uint64_t       deadline = now_ns() + (uint64_t)PHASE_TIMEOUT_S * 1000000000u;

    memset(out, 0, sizeof(*out));
    if (pipe2(p, O_CLOEXEC) != 0) {
        setwhy(out->why, sizeof(out->why), "pipe: %s", strerror(errno));
        return -1;
    }
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        setwhy(out->why, sizeof(out->why), "fork: %s", strerror(errno));
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (pid == 0) {
        struct phase_out *mine = calloc(1, sizeof(*mine));

        prctl(PR_SET_PDEATHSIG, SIGKILL);
        close(p[0]);
        if (mine == NULL)
            _exit(1);
        fn(arg, mine);
        (void)write_all(p[1], mine, sizeof(*mine));
        _exit(0);
    }
    close(p[1]);
    pfd.fd = p[0];
    pfd.events = POLLIN;
    for (;;) {
        uint64_t now = now_ns();
        int      ms = now >= deadline ? 0 : (int)((deadline - now) / 1000000u) + 1;

        pr = poll(&pfd, 1, ms);
        if (pr < 0 && errno == EINTR)
            continue;
        break;
    }
    if (pr > 0 && read_all(p[0], out, sizeof(*out)) == 0)
        rc = 0;
    close(p[0]);
    if (pr == 0) {
        kill(pid, SIGKILL);
        memset(out, 0, sizeof(*out));
        setwhy(out->why, sizeof(out->why),
               "client process gave no answer within %u s (hung in librnr?)",
               PHASE_TIMEOUT_S);
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (rc != 0 && pr != 0) {
        memset(out, 0, sizeof(*out));
        if (WIFSIGNALED(status))
            setwhy(out->why, sizeof(out->why), "client process died of signal %d (%s)",
                   WTERMSIG(status), strsignal(WTERMSIG(status)));
        else
            setwhy(out->why, sizeof(out->why), "client process exited with %d, no report",
                   WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    return rc;
}

/* ------------------------------------------------------------------ */
/* Bare AF_UNIX round trip                                              */
/* ------------------------------------------------------------------ */
/* The server: one thread, one epoll loop, non-blocking sockets, like
 * rnrd.  It answers every RTT_REQ_LEN bytes received on a connection with
 * RTT_RESP_LEN bytes. */
#define ECHO_MAX_FD 256

static void __attribute__((noreturn)) echo_serve(int lfd)
{
    static size_t      got[ECHO_MAX_FD];
    char               req[RTT_REQ_LEN], resp[RTT_RESP_LEN];
    struct epoll_event ev, evs[16];
    int                ep, i, n;

    memset(resp, 'r', sizeof(resp));
    ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0)
        _exit(1);
    ev.events = EPOLLIN;
    ev.data.fd = lfd;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) != 0)
        _exit(1);
    for (;;) {
        n = epoll_wait(ep, evs, 16, -1);
        if (n < 0 && errno != EINTR)
            _exit(1);
        for (i = 0; i < n; i++) {
            int     fd = evs[i].data.fd;
            ssize_t r;

            if (fd == lfd) {
                int c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

                if (c < 0)
                    continue;
                if (c >= ECHO_MAX_FD) {
                    close(c);
                    continue;
                }
                got[c] = 0;
                ev.events = EPOLLIN;
                ev.data.fd = c;
                if (epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev) != 0)
                    close(c);
                continue;
            }
            r = read(fd, req, sizeof(req) - got[fd]);
            if (r < 0 && (errno == EAGAIN || errno == EINTR))
                continue;
            if (r <= 0) {
                close(fd);   /* also leaves the epoll set */
                continue;
            }
            got[fd] += (size_t)r;
            if (got[fd] < sizeof(req))
                continue;
            got[fd] = 0;
            /* The client waits for this answer before its next request,
             * so the socket buffer always has room: one write does it. */
            if (write(fd, resp, sizeof(resp)) != (ssize_t)sizeof(resp))
                close(fd);
        }
    }
}

static pid_t echo_start(const char *path, char *why, size_t whylen)
{
    struct sockaddr_un sun;
    int                lfd, fd;
    pid_t              pid;
    uint64_t           deadline;

    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sun.sun_path)) {
        setwhy(why, whylen, "socket path too long");
        return -1;
    }
    strcpy(sun.sun_path, path);
    lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
        listen(lfd, 16) != 0) {
        setwhy(why, whylen, "echo server socket: %s", strerror(errno));
        if (lfd >= 0)
            close(lfd);
        return -1;
    }
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        setwhy(why, whylen, "fork: %s", strerror(errno));
        close(lfd);
        return -1;
    }
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        echo_serve(lfd);
    }
    close(lfd);
    /* Listening before the fork: connecting works at once, but check. */
    deadline = now_ns() + 5000000000u;
    while ((fd = unix_connect(path)) < 0 && now_ns() < deadline)
        sleep_ms(5);
    if (fd < 0) {
        setwhy(why, whylen, "echo server not reachable: %s", strerror(errno));
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return -1;
    }
    close(fd);
    g_echo_pid = pid;
    return pid;
}

struct rtt_thread {
    int  fd;
    char req[RTT_REQ_LEN];
    char resp[RTT_RESP_LEN];
};

static void *rtt_init(const struct workload *w, unsigned tid, char *why, size_t len)
{
    struct rtt_thread *t = calloc(1, sizeof(*t));

    (void)tid;
    if (t == NULL) {
        setwhy(why, len, "out of memory");
        return NULL;
    }
    t->fd = unix_connect(w->ctx);
    if (t->fd < 0) {
        setwhy(why, len, "connect %s: %s", (const char *)w->ctx, strerror(errno));
        free(t);
        return NULL;
    }
    memset(t->req, 'q', sizeof(t->req));
    return t;
}

static int rtt_op(void *ts, uint32_t pick)
{
    struct rtt_thread *t = ts;

    (void)pick;
    if (write_all(t->fd, t->req, sizeof(t->req)) != 0 ||
        read_all(t->fd, t->resp, sizeof(t->resp)) != 0)
        return errno ? errno : EPIPE;
    return 0;
}

static void rtt_fini(void *ts)
{
    struct rtt_thread *t = ts;

    close(t->fd);
    free(t);
}

static void rtt_strerr(int err, char *buf, size_t len)
{
    snprintf(buf, len, "%s", strerror(err));
}

static void rtt_phase(const void *arg, struct phase_out *out)
{
    struct workload w;
    unsigned        t;

    memset(&w, 0, sizeof(w));
    w.npick = 1;
    w.warmup = RTT_WARMUP;
    w.iters = RTT_ITERS;
    w.thread_init = rtt_init;
    w.op = rtt_op;
    w.thread_fini = rtt_fini;
    w.strerr = rtt_strerr;
    w.ctx = arg;
    for (t = 0; t < MAX_THREADS; t++)
        run_workload(&w, t + 1u, &out->run[t]);
    out->ok = 1;
}

/* ------------------------------------------------------------------ */
/* rnrd                                                                 */
/* ------------------------------------------------------------------ */
struct daemon {
    pid_t pid;
    char  sock[108];
    char  log[PATH_MAX];
};

static const char *g_builddir = ".";

static void show_log_tail(const char *path)
{
    char   buf[2048];
    FILE  *f = fopen(path, "re");
    long   size;
    size_t n;

    if (f == NULL)
        return;
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > (long)sizeof(buf) - 1)
        fseek(f, size - (long)sizeof(buf) + 1, SEEK_SET);
    else
        fseek(f, 0, SEEK_SET);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    if (n > 0)
        fprintf(stderr, "---- end of %s ----\n%s%s----\n", path, buf,
                buf[n - 1] == '\n' ? "" : "\n");
}

/* Ends the daemon with SIGTERM as an administrator would; SIGKILL after
 * five seconds, and says so, because a daemon that ignores SIGTERM is a
 * finding too. */
static void daemon_stop(struct daemon *d)
{
    uint64_t deadline;
    int      status;

    if (d->pid <= 0)
        return;
    kill(d->pid, SIGTERM);
    deadline = now_ns() + 5000000000u;
    for (;;) {
        pid_t r = waitpid(d->pid, &status, WNOHANG);

        if (r == d->pid || (r < 0 && errno != EINTR))
            break;
        if (now_ns() > deadline) {
            warnx_("rnrd (pid %ld) ignored SIGTERM for 5 s; killing it", (long)d->pid);
            kill(d->pid, SIGKILL);
            waitpid(d->pid, &status, 0);
            break;
        }
        sleep_ms(10);
    }
    d->pid = -1;
    g_daemon_pid = -1;
}

/* Starts rnrd on a configuration naming only the hosts provider, and
 * waits until its socket accepts connections.  0, or -1 with why set. */
static int daemon_start(struct daemon *d, const char *hosts_name, char *why, size_t whylen)
{
    char     conf[PATH_MAX], hosts[PATH_MAX], services[PATH_MAX], state[PATH_MAX];
    char     rnrd[PATH_MAX], moddir[PATH_MAX], text[4 * PATH_MAX];
    char     tag[64];
    uint64_t deadline;
    int      fd, status;

    memset(d, 0, sizeof(*d));
    d->pid = -1;
    snprintf(tag, sizeof(tag), "rnrd-%s.conf", hosts_name);
    if (path_in_tmp(conf, sizeof(conf), tag) != 0 ||
        path_in_tmp(hosts, sizeof(hosts), hosts_name) != 0 ||
        path_in_tmp(services, sizeof(services), "services") != 0 ||
        path_in_tmp(state, sizeof(state), "state") != 0 ||
        path_in_tmp(d->sock, sizeof(d->sock), "rnrd.sock") != 0) {
        setwhy(why, whylen, "temporary paths too long");
        return -1;
    }
    snprintf(tag, sizeof(tag), "rnrd-%s.log", hosts_name);
    path_in_tmp(d->log, sizeof(d->log), tag);
    if ((size_t)snprintf(rnrd, sizeof(rnrd), "%s/daemon/rnrd", g_builddir) >= sizeof(rnrd) ||
        (size_t)snprintf(moddir, sizeof(moddir), "%s/providers/.libs", g_builddir) >= sizeof(moddir)) {
        setwhy(why, whylen, "build directory path too long");
        return -1;
    }
    if (access(rnrd, X_OK) != 0) {
        setwhy(why, whylen, "%s: %s (build it: make daemon/rnrd)", rnrd, strerror(errno));
        return -1;
    }
    /* The module directory is named in the file as well as on the command
     * line: the file is what rnrd.conf(5) documents. */
    snprintf(text, sizeof(text),
             "# generated by bench_lookup\n"
             "[daemon]\n"
             "user = root\n"
             "module-dir = %s\n"
             "log-level = warning\n"
             /* Room for every answer of the 100,000-entry file, as the
              * nscd row's cache is sized for its names; the default
              * 4 MB has 8,192 slots. */
             "answer-cache-size = %u\n"
             "\n"
             "[provider hosts]\n"
             "module = hosts\n"
             "namespace = NS_TCPIP_HOSTS\n"
             "enabled = yes\n"
             "hosts-file = %s\n"
             "services-file = %s\n",
             moddir, ANSWER_CACHE_BYTES, hosts, services);
    snprintf(tag, sizeof(tag), "rnrd-%s.conf", hosts_name);
    if (write_file(tag, text) != 0) {
        setwhy(why, whylen, "cannot write %s", conf);
        return -1;
    }
    /* A daemon killed earlier may have left its socket behind. */
    unlink(d->sock);

    fflush(NULL);
    d->pid = fork();
    if (d->pid < 0) {
        setwhy(why, whylen, "fork: %s", strerror(errno));
        return -1;
    }
    if (d->pid == 0) {
        int log = open(d->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (log >= 0) {
            dup2(log, STDOUT_FILENO);
            dup2(log, STDERR_FILENO);
        }
        setenv("RNR_MODULE_DIR", moddir, 1);
        execl(rnrd, rnrd, "--foreground", "--config", conf, "--socket", d->sock,
              "--state-dir", state, "--module-dir", moddir, (char *)NULL);
        fprintf(stderr, "exec %s: %s\n", rnrd, strerror(errno));
        _exit(127);
    }
    g_daemon_pid = d->pid;

    deadline = now_ns() + (uint64_t)START_TIMEOUT_S * 1000000000u;
    for (;;) {
        pid_t r = waitpid(d->pid, &status, WNOHANG);

        if (r == d->pid) {
            if (WIFSIGNALED(status))
                setwhy(why, whylen, "rnrd died of signal %d while starting (log: %s)",
                       WTERMSIG(status), d->log);
            else
                setwhy(why, whylen, "rnrd exited with status %d while starting (log: %s)",
                       WIFEXITED(status) ? WEXITSTATUS(status) : -1, d->log);
            show_log_tail(d->log);
            d->pid = -1;
            g_daemon_pid = -1;
            return -1;
        }
        fd = unix_connect(d->sock);
        if (fd >= 0) {
            close(fd);
            return 0;
        }
        if (now_ns() > deadline) {
            setwhy(why, whylen, "rnrd did not listen on %s within %u s", d->sock,
                   START_TIMEOUT_S);
            show_log_tail(d->log);
            daemon_stop(d);
            return -1;
        }
        sleep_ms(10);
    }
}

/* ------------------------------------------------------------------ */
/* librnr lookups                                                       */
/* ------------------------------------------------------------------ */
static GUID g_hostaddrbyname = SVCID_INET_HOSTADDRBYNAME;

struct rnr_thread {
    WSAQUERYSETA *buf;   /* RESULT_BUF_LEN bytes, malloc-aligned */
};

static int result_has_addr(const WSAQUERYSETA *r, uint32_t want)
{
    DWORD k;

    if (r->lpcsaBuffer == NULL)
        return 0;
    for (k = 0; k < r->dwNumberOfCsAddrs; k++) {
        const SOCKET_ADDRESS *a = &r->lpcsaBuffer[k].RemoteAddr;
        struct sockaddr_in    sin;

        if (a->lpSockaddr == NULL || a->lpSockaddr->sa_family != AF_INET ||
            a->iSockaddrLength < (INT)sizeof(sin))
            continue;
        memcpy(&sin, a->lpSockaddr, sizeof(sin));
        if (sin.sin_addr.s_addr == want)
            return 1;
    }
    return 0;
}

/* One lookup exactly as an application writes it.  0 when the name
 * resolved to the address the file gives it; else the WSA error of the
 * failing call, or E_WRONG_ANSWER. */
static int rnr_lookup(WSAQUERYSETA *buf, const char *name, uint32_t want)
{
    WSAQUERYSETA qs;
    HANDLE       h;
    int          err, found = 0;

    memset(&qs, 0, sizeof(qs));
    qs.dwSize = sizeof(qs);
    qs.lpszServiceInstanceName = (char *)name;
    qs.lpServiceClassId = &g_hostaddrbyname;
    qs.dwNameSpace = NS_ALL;
    if (WSALookupServiceBegin(&qs, LOOKUP_FLAGS, &h) == SOCKET_ERROR)
        return WSAGetLastError();
    for (;;) {
        DWORD len = RESULT_BUF_LEN;

        if (WSALookupServiceNext(h, LOOKUP_FLAGS, &len, buf) == SOCKET_ERROR) {
            err = WSAGetLastError();
            break;
        }
        if (!found && result_has_addr(buf, want))
            found = 1;
    }
    WSALookupServiceEnd(h);
    if (err != WSA_E_NO_MORE)
        return err;
    return found ? 0 : E_WRONG_ANSWER;
}

static void *rnr_init(const struct workload *w, unsigned tid, char *why, size_t len)
{
    struct rnr_thread *t = calloc(1, sizeof(*t));

    (void)w;
    (void)tid;
    if (t == NULL || (t->buf = malloc(RESULT_BUF_LEN)) == NULL) {
        free(t);
        setwhy(why, len, "out of memory");
        return NULL;
    }
    return t;
}

static int rnr_op(void *ts, uint32_t pick)
{
    struct rnr_thread *t = ts;

    return rnr_lookup(t->buf, g_names[pick], entry_addr(pick));
}

static void rnr_fini(void *ts)
{
    struct rnr_thread *t = ts;

    free(t->buf);
    free(t);
}

static void rnr_strerr(int err, char *buf, size_t len)
{
    if (err == E_WRONG_ANSWER)
        snprintf(buf, len, "answer without the expected address");
    else
        snprintf(buf, len, "%d %s", err, rnr_strerror(err));
}

struct rnr_phase_arg {
    pid_t       daemon;
    const char *sock;
    uint32_t    nentries;    /* 0: the almost empty file */
    int         measure;
    int         answers;     /* librnr may answer from rnrd's answer cache */
};

static void rnr_phase(const void *varg, struct phase_out *out)
{
    const struct rnr_phase_arg *a = varg;
    WSADATA                     wd;
    WSAQUERYSETA               *buf;
    const char                 *ready_name;
    uint32_t                    ready_addr;
    uint64_t                    deadline;
    int                         e, rc;
    struct workload             w;
    unsigned                    t;

    /* Before WSAStartup, in this fresh process: whenever librnr reads it,
     * it sees this phase's daemon. */
    setenv(RNR_SOCKET_ENV, a->sock, 1);
    if (!a->answers)
        setenv("RNR_ANSWER_CACHE", "0", 1);   /* every lookup through the socket */
    rc = WSAStartup(MAKEWORD(2, 2), &wd);
    if (rc != 0) {
        setwhy(out->why, sizeof(out->why), "WSAStartup: %d %s", rc, rnr_strerror(rc));
        return;
    }
    buf = malloc(RESULT_BUF_LEN);
    if (buf == NULL) {
        setwhy(out->why, sizeof(out->why), "out of memory");
        WSACleanup();
        return;
    }
    /* Ready = the daemon answers for the last entry of its file: the
     * provider may index the file after the socket is up. */
    if (a->nentries > 0) {
        ready_name = g_names[a->nentries - 1u];
        ready_addr = entry_addr(a->nentries - 1u);
    } else {
        ready_name = "localhost";
        ready_addr = htonl(0x7F000001u);
    }
    deadline = now_ns() + (uint64_t)READY_TIMEOUT_S * 1000000000u;
    while ((e = rnr_lookup(buf, ready_name, ready_addr)) != 0 && now_ns() < deadline)
        sleep_ms(20);
    if (e != 0) {
        char msg[120];

        rnr_strerr(e, msg, sizeof(msg));
        setwhy(out->why, sizeof(out->why), "lookup of %s through librnr failed for %u s: %s",
               ready_name, READY_TIMEOUT_S, msg);
        free(buf);
        WSACleanup();
        return;
    }
    out->rss_loaded_kb = vmrss_kb(a->daemon);
    /* With the answer cache, every name is asked once first, as nscd's
     * cache is filled before its row: the timed lookups are repeats. */
    if (a->answers && a->measure) {
        uint32_t i;

        for (i = 0; i < a->nentries && (e = rnr_lookup(buf, g_names[i], entry_addr(i))) == 0; i++)
            ;
        if (e != 0) {
            char msg[120];

            rnr_strerr(e, msg, sizeof(msg));
            setwhy(out->why, sizeof(out->why), "filling the answer cache: %s: %s",
                   g_names[i], msg);
            free(buf);
            WSACleanup();
            return;
        }
    }
    free(buf);

    if (a->measure) {
        memset(&w, 0, sizeof(w));
        w.npick = a->nentries;
        w.warmup = a->answers ? RNR_AC_WARMUP : RNR_WARMUP;
        w.iters = a->answers ? RNR_AC_ITERS : RNR_ITERS;
        w.thread_init = rnr_init;
        w.op = rnr_op;
        w.thread_fini = rnr_fini;
        w.strerr = rnr_strerr;
        for (t = 0; t < MAX_THREADS; t++)
            run_workload(&w, t + 1u, &out->run[t]);
        out->rss_after_kb = vmrss_kb(a->daemon);
    }
    WSACleanup();
    out->ok = 1;
}

/* ------------------------------------------------------------------ */
/* glibc gethostbyname                                                  */
/* ------------------------------------------------------------------ */
struct glibc_phase_arg {
    const char *hosts_name;
    uint32_t    nentries;
    uint32_t    warmup, iters;
    int         nscd;        /* through unscd/nscd (nscd.h), cache filled first */
};

static void *glibc_init(const struct workload *w, unsigned tid, char *why, size_t len)
{
    /* No per-thread state; any non-NULL pointer says "ready". */
    (void)why;
    (void)len;
    (void)tid;
    return (void *)w;
}

static int glibc_op_plain(void *ts, uint32_t pick)
{
    (void)ts;
    return bench_glibc_lookup(g_names[pick], entry_addr(pick), 0);
}

static int glibc_op_r(void *ts, uint32_t pick)
{
    (void)ts;
    return bench_glibc_lookup(g_names[pick], entry_addr(pick), 1);
}

static void glibc_fini(void *ts)
{
    (void)ts;
}

static void glibc_strerr(int err, char *buf, size_t len)
{
    if (err == BENCH_GLIBC_WRONG_ADDR)
        snprintf(buf, len, "answer without the expected address");
    else
        snprintf(buf, len, "h_errno %d (%s)", err, bench_glibc_strerror(err));
}

/* Bind src over dst in this process's private mount namespace. */
static int bind_over(const char *src, const char *dst, char *why, size_t len)
{
    if (mount(src, dst, NULL, MS_BIND, NULL) != 0) {
        setwhy(why, len, "bind-mount %s over %s: %s", src, dst, strerror(errno));
        return -1;
    }
    return 0;
}

static void glibc_measure(const struct glibc_phase_arg *a, struct phase_out *out);
static void glibc_nscd_phase(const struct glibc_phase_arg *a, struct phase_out *out);

static void glibc_phase(const void *varg, struct phase_out *out)
{
    const struct glibc_phase_arg *a = varg;
    char                          hosts[PATH_MAX], nss[PATH_MAX], empty[PATH_MAX];
    struct stat                   st;

    if (geteuid() != 0) {
        setwhy(out->why, sizeof(out->why), "skipped (needs root)");
        return;
    }
    path_in_tmp(hosts, sizeof(hosts), a->hosts_name);
    path_in_tmp(nss, sizeof(nss), "nsswitch.conf");
    path_in_tmp(empty, sizeof(empty), "empty");
    /* A private copy of the mount table, with nothing propagating back to
     * the machine: /etc/hosts and /etc/nsswitch.conf change for this
     * process only, and the mounts vanish with it. */
    if (unshare(CLONE_NEWNS) != 0) {
        setwhy(out->why, sizeof(out->why), "skipped (unshare(CLONE_NEWNS): %s)", strerror(errno));
        return;
    }
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
        setwhy(out->why, sizeof(out->why), "skipped (make / rprivate: %s)", strerror(errno));
        return;
    }
    /* Without nsswitch.conf glibc would try DNS first: never measure that. */
    if (stat("/etc/nsswitch.conf", &st) != 0) {
        setwhy(out->why, sizeof(out->why), "skipped (no /etc/nsswitch.conf to cover)");
        return;
    }
    if (bind_over(hosts, "/etc/hosts", out->why, sizeof(out->why)) != 0 ||
        bind_over(nss, "/etc/nsswitch.conf", out->why, sizeof(out->why)) != 0)
        return;
    if (a->nscd) {
        glibc_nscd_phase(a, out);
        return;
    }
    /* A running nscd would answer from its cache instead of the file. */
    if (stat("/run/nscd", &st) == 0 && S_ISDIR(st.st_mode) &&
        bind_over(empty, "/run/nscd", out->why, sizeof(out->why)) != 0)
        return;
    glibc_measure(a, out);
}

/* In the glibc phase's namespace: our own nscd, every name asked once to
 * fill its cache, then /etc/hosts emptied, so that from then on only the
 * cache can answer (a lookup that reached the file would fail and count
 * as an error): the rows measure glibc -> nscd round trips. */
static void glibc_nscd_phase(const struct glibc_phase_arg *a, struct phase_out *out)
{
    char     none[PATH_MAX];
    pid_t    pid;
    uint32_t i;
    int      e;

    if (bench_nscd_start(g_tmpdir, &pid, out->why, sizeof(out->why)) != 0)
        return;
    for (i = 0; i < a->nentries; i++) {
        e = bench_glibc_lookup(g_names[i], entry_addr(i), 0);
        if (e != 0) {
            char msg[120];

            glibc_strerr(e, msg, sizeof(msg));
            setwhy(out->why, sizeof(out->why), "filling nscd's cache: %s: %s", g_names[i], msg);
            bench_nscd_stop(pid);
            return;
        }
    }
    if (write_file("hosts-none", "") == 0 &&
        path_in_tmp(none, sizeof(none), "hosts-none") == 0 &&
        bind_over(none, "/etc/hosts", out->why, sizeof(out->why)) == 0)
        glibc_measure(a, out);
    bench_nscd_stop(pid);
}

static void glibc_measure(const struct glibc_phase_arg *a, struct phase_out *out)
{
    struct workload w;
    unsigned        t;
    int             e;

    e = bench_glibc_lookup(g_names[a->nentries - 1u], entry_addr(a->nentries - 1u), 0);
    if (e != 0) {
        char msg[120];

        glibc_strerr(e, msg, sizeof(msg));
        setwhy(out->why, sizeof(out->why), "gethostbyname(%s) on the generated file: %s",
               g_names[a->nentries - 1u], msg);
        return;
    }
    memset(&w, 0, sizeof(w));
    w.npick = a->nentries;
    w.warmup = a->warmup;
    w.iters = a->iters;
    w.thread_init = glibc_init;
    w.thread_fini = glibc_fini;
    w.strerr = glibc_strerr;
    for (t = 0; t < MAX_THREADS; t++) {
        /* gethostbyname returns static storage: only the single-threaded
         * run may use it; two threads use gethostbyname_r. */
        w.op = t == 0 ? glibc_op_plain : glibc_op_r;
        run_workload(&w, t + 1u, &out->run[t]);
    }
    out->ok = 1;
}

/* ------------------------------------------------------------------ */
/* Report                                                               */
/* ------------------------------------------------------------------ */
static void print_rows(const char *label, const struct phase_out *p)
{
    unsigned t;
    char     n[32];

    if (!p->ok) {
        printf("  %-36s  %s\n", label, p->why[0] ? p->why : "not run");
        return;
    }
    for (t = 0; t < MAX_THREADS; t++) {
        const struct run_result *r = &p->run[t];

        if (!r->ran) {
            printf("  %-36s %2u  %s\n", t == 0 ? label : "", r->threads, r->why);
            continue;
        }
        printf("  %-36s %2u %10.1f %10.1f %12.0f  %s", t == 0 ? label : "", r->threads,
               r->p50_us, r->p99_us, r->per_sec, fmt_count(n, sizeof(n), r->done));
        if (r->capped)
            printf(" (time cap)");
        if (r->errors > 0)
            printf("  %s ERRORS, first: %s", fmt_count(n, sizeof(n), r->errors), r->first_error);
        putchar('\n');
    }
}

/* Machine-readable rows for bench/report.sh, one per thread count:
 *   @row ID LABEL THREADS P50_US P99_US OPS_PER_S COMPARE   (tab-separated)
 * COMPARE lists the ids of the rows this one is to be compared with
 * ("-": none).  A row that was not measured is left out; one with failed
 * operations is marked (ERRORS) in its label (the report above says what
 * failed). */
static void emit_rows(const char *id, const char *label, const struct phase_out *p,
                      const char *compare)
{
    unsigned t;

    for (t = 0; t < MAX_THREADS; t++) {
        const struct run_result *r = &p->run[t];

        if (!p->ok || !r->ran)
            continue;
        printf("@row\t%s\t%s%s\t%u\t%.1f\t%.1f\t%.0f\t%s\n", id, label,
               r->errors > 0 ? " (ERRORS)" : "", r->threads, r->p50_us, r->p99_us, r->per_sec,
               compare);
    }
}

static int usable(const struct phase_out *p, unsigned t)
{
    return p->ok && p->run[t].ran && p->run[t].errors == 0;
}

/* One line of the target summary: value (with its unit) against limit. */
static void target_line(const char *what, int have, double value, const char *unit,
                        double limit, int at_most, const char *detail)
{
    char val[32];

    if (!have) {
        printf("  %-40s %10s  %-4s  %s\n", what, "n/a", "", "(not measured, or errors)");
        return;
    }
    snprintf(val, sizeof(val), "%.2f%s", value, unit);
    printf("  %-40s %10s  %-4s  %s\n", what, val,
           (at_most ? value <= limit : value >= limit) ? "PASS" : "MISS", detail);
}

/* The four targets of the issue, each against figures of this run. */
static void report_targets(const struct phase_out *rtt, const struct phase_out *small,
                           const struct phase_out *large, const struct phase_out *ac_small,
                           const struct phase_out *ac_large, int have_mem, double per_entry)
{
    const struct phase_out *sizes[2] = { small, large };
    const struct phase_out *ac_sizes[2] = { ac_small, ac_large };
    const char             *names[2] = { "1,000", "100,000" };
    char                    what[64], detail[128];
    unsigned                i;
    int                     have;

    printf("\ntargets (figures, not assertions):\n");
    for (i = 0; i < 2; i++) {
        const struct phase_out *p = sizes[i];

        have = usable(rtt, 0) && usable(p, 0);
        snprintf(what, sizeof(what), "p50 %s / bare round trip <= 2x", names[i]);
        snprintf(detail, sizeof(detail), "(1 thread: %.1f / %.1f us)",
                 have ? p->run[0].p50_us : 0.0, have ? rtt->run[0].p50_us : 0.0);
        target_line(what, have, have ? p->run[0].p50_us / rtt->run[0].p50_us : 0.0, "x",
                    2.0, 1, detail);
    }

    have = usable(small, 0) && usable(large, 0);
    snprintf(detail, sizeof(detail), "(1 thread: %.1f / %.1f us)",
             have ? large->run[0].p50_us : 0.0, have ? small->run[0].p50_us : 0.0);
    target_line("p50 100,000 / p50 1,000 <= 1.2x", have,
                have ? large->run[0].p50_us / small->run[0].p50_us : 0.0, "x", 1.2, 1, detail);

    /* The machine's own scaling, for context: with the daemon and two
     * client threads on two cores, 1.5x is hard for anything. */
    if (usable(rtt, 0) && usable(rtt, 1))
        snprintf(detail, sizeof(detail), "(bare AF_UNIX here: %.2fx)",
                 rtt->run[1].per_sec / rtt->run[0].per_sec);
    else
        snprintf(detail, sizeof(detail), "(bare AF_UNIX: n/a)");
    for (i = 0; i < 2; i++) {
        const struct phase_out *p = sizes[i];

        have = usable(p, 0) && usable(p, 1);
        snprintf(what, sizeof(what), "throughput 2/1 threads, %s >= 1.5x", names[i]);
        target_line(what, have, have ? p->run[1].per_sec / p->run[0].per_sec : 0.0, "x",
                    1.5, 0, detail);
    }
    /* What an application gets by default: repeats answered in-process. */
    for (i = 0; i < 2; i++) {
        const struct phase_out *p = ac_sizes[i];

        have = usable(p, 0) && usable(p, 1);
        snprintf(what, sizeof(what), "  the same with the answer cache, %s", names[i]);
        snprintf(detail, sizeof(detail), "(1 thread p50 %.1f us)", have ? p->run[0].p50_us : 0.0);
        target_line(what, have, have ? p->run[1].per_sec / p->run[0].per_sec : 0.0, "x",
                    1.5, 0, detail);
    }

    target_line("rnrd memory per entry <= 256 B", have_mem, per_entry, " B", 256.0, 1,
                "(VmRSS 100,000 - VmRSS empty) / 100,000");
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: bench_lookup [--builddir DIR] [--keep]\n"
            "  Measures librnr host lookups against a private rnrd (hosts provider,\n"
            "  1,000 and 100,000 entries) beside a bare AF_UNIX round trip and glibc\n"
            "  gethostbyname.  Run by `make bench`; see bench/README.md.\n"
            "  --builddir DIR  the build tree holding daemon/rnrd and providers/.libs\n"
            "                  (default: the current directory)\n"
            "  --keep          keep the temporary directory (configs, rnrd logs)\n");
}

static void on_signal(int sig)
{
    /* Only async-signal-safe calls: end the children, then die of sig. */
    if (g_daemon_pid > 0)
        kill(g_daemon_pid, SIGTERM);
    if (g_echo_pid > 0)
        kill(g_echo_pid, SIGKILL);
    signal(sig, SIG_DFL);
    raise(sig);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "builddir", required_argument, NULL, 'b' },
        { "keep",     no_argument,       NULL, 'k' },
        { "help",     no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    struct phase_out       rtt, mem_empty, rnr_small, rnr_large, gl_small, gl_large, gl_nscd;
    struct phase_out       ac_small, ac_large;
    struct rnr_phase_arg   ra;
    struct glibc_phase_arg ga;
    struct daemon          d;
    char                   path[PATH_MAX], why[240], n1[32], n2[32], detail[160];
    char                   abs_build[PATH_MAX];
    uint64_t               t_start = now_ns();
    long                   ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    double                 load_start = loadavg1(), load_end;
    int                    c;

    while ((c = getopt_long(argc, argv, "b:kh", opts, NULL)) != -1) {
        switch (c) {
        case 'b':
            g_builddir = optarg;
            break;
        case 'k':
            g_keep = 1;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    /* rnrd gets absolute paths: it may change directory when it starts. */
    if (realpath(g_builddir, abs_build) == NULL) {
        warnx_("build directory %s: %s", g_builddir, strerror(errno));
        return 2;
    }
    g_builddir = abs_build;

    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);

    snprintf(g_tmpdir, sizeof(g_tmpdir), "/tmp/rnr-bench.XXXXXX");
    if (mkdtemp(g_tmpdir) == NULL) {
        warnx_("mkdtemp: %s", strerror(errno));
        return 1;
    }
    /* Readable by all: rnrd may drop privileges after loading, and must
     * still be able to stat its hosts file to notice changes. */
    chmod(g_tmpdir, 0755);
    if (make_names() != 0 || write_data_files() != 0) {
        warnx_("cannot write the generated files in %s: %s", g_tmpdir, strerror(errno));
        remove_tmpdir();
        return 1;
    }

    /* 1. The floor: bare AF_UNIX round trips. */
    fprintf(stderr, "bench_lookup: bare AF_UNIX round trip ...\n");
    memset(&rtt, 0, sizeof(rtt));
    path_in_tmp(path, sizeof(path), "echo.sock");
    if (echo_start(path, why, sizeof(why)) > 0) {
        run_in_child(rtt_phase, path, &rtt);
        kill(g_echo_pid, SIGKILL);
        waitpid(g_echo_pid, NULL, 0);
        g_echo_pid = -1;
    } else {
        snprintf(rtt.why, sizeof(rtt.why), "%s", why);
    }

    /* 2. rnrd: the almost empty file (memory baseline), then 1,000 and
     * 100,000 entries; a fresh daemon each, so each VmRSS reading is of a
     * daemon that only ever loaded that file. */
    memset(&ra, 0, sizeof(ra));
    {
        static const struct {
            const char       *file;
            uint32_t          n;
            struct phase_out *out;
        } phases[3] = {
            { "hosts-empty",  0,       NULL },
            { "hosts-1000",   N_SMALL, NULL },
            { "hosts-100000", N_LARGE, NULL }
        };
        struct phase_out *outs[3] = { &mem_empty, &rnr_small, &rnr_large };
        struct phase_out *ac_outs[3] = { NULL, &ac_small, &ac_large };
        unsigned          i;

        memset(&ac_small, 0, sizeof(ac_small));
        memset(&ac_large, 0, sizeof(ac_large));
        snprintf(ac_small.why, sizeof(ac_small.why), "not run");
        snprintf(ac_large.why, sizeof(ac_large.why), "not run");

        for (i = 0; i < 3; i++) {
            fprintf(stderr, "bench_lookup: librnr against rnrd with %s ...\n", phases[i].file);
            memset(outs[i], 0, sizeof(*outs[i]));
            if (daemon_start(&d, phases[i].file, why, sizeof(why)) != 0) {
                snprintf(outs[i]->why, sizeof(outs[i]->why), "%s", why);
                continue;
            }
            ra.daemon = d.pid;
            ra.sock = d.sock;
            ra.nentries = phases[i].n;
            ra.measure = phases[i].n > 0;
            ra.answers = 0;
            run_in_child(rnr_phase, &ra, outs[i]);
            /* The same daemon again, librnr answering repeats from the
             * answer cache as it does by default (doc/anscache.md). */
            if (ac_outs[i] != NULL && outs[i]->ok) {
                ra.answers = 1;
                run_in_child(rnr_phase, &ra, ac_outs[i]);
            }
            if (waitpid(d.pid, &c, WNOHANG) == d.pid) {
                /* The daemon died under load: that outranks any figure. */
                outs[i]->ok = 0;
                snprintf(outs[i]->why, sizeof(outs[i]->why),
                         "rnrd died during the run (%s %d; log %.120s)",
                         WIFSIGNALED(c) ? "signal" : "exit status",
                         WIFSIGNALED(c) ? WTERMSIG(c) : WEXITSTATUS(c), d.log);
                show_log_tail(d.log);
                d.pid = -1;
                g_daemon_pid = -1;
            }
            if (!outs[i]->ok)
                show_log_tail(d.log);
            daemon_stop(&d);
        }
    }

    /* 3. glibc on the same files. */
    fprintf(stderr, "bench_lookup: glibc gethostbyname ...\n");
    memset(&ga, 0, sizeof(ga));
    ga.hosts_name = "hosts-1000";
    ga.nentries = N_SMALL;
    ga.warmup = GLIBC_SMALL_WARMUP;
    ga.iters = GLIBC_SMALL_ITERS;
    run_in_child(glibc_phase, &ga, &gl_small);
    ga.hosts_name = "hosts-100000";
    ga.nentries = N_LARGE;
    ga.warmup = GLIBC_LARGE_WARMUP;
    ga.iters = GLIBC_LARGE_ITERS;
    run_in_child(glibc_phase, &ga, &gl_large);

    /* 4. glibc through unscd/nscd's cache, the same 1,000 names (filling
     * its cache with 100,000 through its forked workers would take
     * minutes). */
    fprintf(stderr, "bench_lookup: glibc gethostbyname through nscd ...\n");
    ga.hosts_name = "hosts-1000";
    ga.nentries = N_SMALL;
    ga.warmup = RNR_WARMUP;
    ga.iters = RNR_ITERS;
    ga.nscd = 1;
    run_in_child(glibc_phase, &ga, &gl_nscd);

    /* ---- the report ---- */
    load_end = loadavg1();
    printf("\nrnr lookup benchmark: %ld CPU%s online; rnrd from %s\n", ncpu, ncpu == 1 ? "" : "s",
           g_builddir);
    printf("load average: %.2f at the start, %.2f at the end%s\n", load_start, load_end,
           load_start > 0.5 * (double)ncpu
               ? "  -- BUSY MACHINE: other work skews these figures" : "");
    printf("lookup = WSALookupServiceBegin(SVCID_INET_HOSTADDRBYNAME, random generated name,\n"
           "         LUP_RETURN_NAME|LUP_RETURN_ADDR) + Next until WSA_E_NO_MORE + End;\n"
           "         %u warm-up + %u timed lookups per thread (answer cache: %u + %u,\n"
           "         after every name was asked once); rnrd serves only the hosts provider.\n"
           "bare round trip = %u-byte request, %u-byte answer over AF_UNIX stream to a\n"
           "         one-thread epoll server; each client thread has its own connection.\n\n",
           RNR_WARMUP, RNR_ITERS, RNR_AC_WARMUP, RNR_AC_ITERS, RTT_REQ_LEN, RTT_RESP_LEN);
    printf("  %-36s %2s %10s %10s %12s  %s\n", "", "th", "p50 us", "p99 us", "ops/s", "ops timed");
    print_rows("bare AF_UNIX round trip", &rtt);
    snprintf(detail, sizeof(detail), "librnr, hosts, %s entries", fmt_count(n1, sizeof(n1), N_SMALL));
    print_rows(detail, &rnr_small);
    snprintf(detail, sizeof(detail), "librnr, hosts, %s entries", fmt_count(n1, sizeof(n1), N_LARGE));
    print_rows(detail, &rnr_large);
    snprintf(detail, sizeof(detail), "librnr + answer cache, %s", fmt_count(n1, sizeof(n1), N_SMALL));
    print_rows(detail, &ac_small);
    snprintf(detail, sizeof(detail), "librnr + answer cache, %s", fmt_count(n1, sizeof(n1), N_LARGE));
    print_rows(detail, &ac_large);
    snprintf(detail, sizeof(detail), "glibc gethostbyname, %s entries", fmt_count(n1, sizeof(n1), N_SMALL));
    print_rows(detail, &gl_small);
    snprintf(detail, sizeof(detail), "glibc gethostbyname, %s entries", fmt_count(n1, sizeof(n1), N_LARGE));
    print_rows(detail, &gl_large);
    snprintf(detail, sizeof(detail), "glibc + nscd cache, %s entries", fmt_count(n1, sizeof(n1), N_SMALL));
    print_rows(detail, &gl_nscd);
    if (gl_small.ok || gl_large.ok)
        printf("  (glibc with 2 threads uses gethostbyname_r; NSS \"hosts: files\" only)\n");
    if (gl_nscd.ok)
        printf("  (nscd: %s -d in a private mount namespace, every name cached first,\n"
               "   then /etc/hosts emptied: only its cache answers)\n", BENCH_NSCD_PATH);

    /* The same figures for bench/report.sh's one table (bench/README.md). */
    emit_rows("bare-unix", "bare AF_UNIX round trip", &rtt, "-");
    emit_rows("rnr-1k", "librnr, hosts, 1,000 entries", &rnr_small, "bare-unix,glibc-1k,nscd-1k");
    emit_rows("rnr-100k", "librnr, hosts, 100,000 entries", &rnr_large,
              "bare-unix,glibc-100k,nscd-1k");
    emit_rows("rnr-ac-1k", "librnr + answer cache, 1,000 entries", &ac_small,
              "rnr-1k,bare-unix,nscd-1k");
    emit_rows("rnr-ac-100k", "librnr + answer cache, 100,000 entries", &ac_large,
              "rnr-100k,bare-unix");
    emit_rows("glibc-1k", "glibc files, 1,000 entries", &gl_small, "-");
    emit_rows("glibc-100k", "glibc files, 100,000 entries", &gl_large, "-");
    emit_rows("nscd-1k", "glibc + nscd cache, 1,000 entries", &gl_nscd, "bare-unix");

    /* Memory per entry. */
    {
        int    have = mem_empty.ok && rnr_large.ok && mem_empty.rss_loaded_kb > 0 &&
                      rnr_large.rss_loaded_kb > 0;
        double per = have ? ((double)rnr_large.rss_loaded_kb - (double)mem_empty.rss_loaded_kb) *
                            1024.0 / (double)N_LARGE : 0.0;

        printf("\nrnrd resident memory (VmRSS after its first answer):\n");
        if (mem_empty.ok)
            printf("  %-36s %8ld kB\n", "almost empty hosts file (2 lines)", mem_empty.rss_loaded_kb);
        else
            printf("  %-36s %s\n", "almost empty hosts file (2 lines)", mem_empty.why);
        if (rnr_large.ok)
            printf("  %-36s %8ld kB  (%ld kB after the timed lookups)\n",
                   "100,000 entries", rnr_large.rss_loaded_kb, rnr_large.rss_after_kb);
        if (have)
            printf("  %-36s %8.1f bytes\n", "per entry", per);

        report_targets(&rtt, &rnr_small, &rnr_large, &ac_small, &ac_large, have, per);
    }
    printf("\nwhole run: %.1f s (%s + %s entries)\n", (double)(now_ns() - t_start) / 1e9,
           fmt_count(n1, sizeof(n1), N_SMALL), fmt_count(n2, sizeof(n2), N_LARGE));
    fflush(stdout);

    remove_tmpdir();
    /* Figures, not assertions: success whenever librnr could be measured. */
    return rnr_small.ok || rnr_large.ok ? 0 : 1;
}
