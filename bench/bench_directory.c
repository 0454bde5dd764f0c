/* SPDX-License-Identifier: MIT */
/*
 * bench_directory: the directory provider at 1,000 and 100,000 entries
 * (`make bench-directory`; bench/README.md).
 *
 *   start-up      rnrd started on a store generated beforehand: a
 *                 snapshot of N entries plus, for the large store, the
 *                 largest journal a snapshot leaves behind (N/4 - 1
 *                 re-registrations): the worst case the store design
 *                 allows.  Printed: exec-to-first-answer wall time and the
 *                 load time the provider logs.
 *   memory        RssAnon (/proc/PID/status: the anonymous pages, i.e. the
 *                 heap, without the shared libraries and file pages VmRSS
 *                 also counts) of rnrd with N entries minus that of rnrd
 *                 with an empty store, both read right after the first
 *                 answer, over N: bytes per entry, allocator headers,
 *                 index buckets and load-time fragmentation included.
 *   lookup        WSALookupServiceBegin / Next / End of one exact name in
 *                 its container (random names), and the same name with
 *                 LUP_DEEP from the root.
 *   write         WSASetService(RNRSERVICE_REGISTER) of new entries,
 *                 durable (journal append + fdatasync) before the reply:
 *                 p50 per write, writes per second, and the slowest one
 *                 (the large store's first write takes the journal over
 *                 the threshold: the snapshot that follows stalls the
 *                 next request, and shows here).
 *   concurrent    at 1,000 entries: WRITERS threads (each its own
 *                 connection) writing at once, writes per second: the
 *                 group commit, one fdatasync for the records written
 *                 while the previous ran; and lookup p50 / p99 while one
 *                 thread writes without pause: the fdatasync runs off
 *                 rnrd's loop, so lookups do not wait behind it.
 *
 * The state directory is under --dir (default /var/tmp, a disk rather
 * than a tmpfs, so fdatasync costs what it costs).  Figures, not
 * assertions: exit 0 whenever the measurements ran.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <rnr/winsock2.h>
#include <rnr/nspids.h>

#define N_SMALL    1000u
#define N_LARGE    100000u
#define CONTAINERS 100u
#define LOOKUPS    2000u
#define WRITES     200u
#define WRITERS    4u

#define CLASS_TEXT "{6A1B0C2D-0000-4000-8000-0000000000B1}"
static GUID bench_class = { 0x6A1B0C2Du, 0x0000, 0x4000,
                            { 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xB1 } };
static GUID dir_id = RNR_NSPID_DIRECTORY;

static const char *builddir = ".";
static char        base[256];

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The store's line checksum (CRC-32, IEEE), so the bench can write a
 * store the provider reads without going through it. */
static uint32_t crc32_ieee(const char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    size_t   i;
    int      k;

    for (i = 0; i < n; i++) {
        c ^= (uint8_t)p[i];
        for (k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    }
    return ~c;
}

static void put_record(FILE *f, unsigned i, unsigned port)
{
    char xml[512];
    int  n;

    n = snprintf(xml, sizeof xml,
                 "<entry context=\"\\bench\\c%02u\" class=\"" CLASS_TEXT "\" name=\"svc-%06u\" "
                 "version=\"1\" owner=\"0\"><comment>generated entry %u</comment><address "
                 "socktype=\"1\" protocol=\"6\"><remote>10.%u.%u.%u:%u</remote></address>"
                 "</entry>",
                 i % CONTAINERS, i, i, (i >> 16) & 255, (i >> 8) & 255, i & 255, port);
    fprintf(f, "%08x %.*s\n", crc32_ieee(xml, (size_t)n), n, xml);
}

/* A store of n entries (+ a journal of `journal` re-registrations). */
static void make_store(const char *dir, unsigned n, unsigned journal)
{
    char  path[512];
    FILE *f;
    unsigned i;

    snprintf(path, sizeof path, "mkdir -p '%s'", dir);
    if (system(path) != 0)
        exit(1);
    if (n == 0)
        return;
    snprintf(path, sizeof path, "%s/snapshot.1", dir);
    f = fopen(path, "w");
    for (i = 0; f != NULL && i < n; i++)
        put_record(f, i, 80);
    if (f == NULL || fclose(f) != 0)
        exit(1);
    snprintf(path, sizeof path, "%s/journal.1", dir);
    f = fopen(path, "w");
    for (i = 0; f != NULL && i < journal; i++)
        put_record(f, (i * 7919u) % n, 81);
    if (f == NULL || fclose(f) != 0)
        exit(1);
}

struct daemon {
    pid_t pid;
    char  dir[300], sock[350], log[350];
};

static int answers(const char *path)
{
    struct sockaddr_un sun;
    int                fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), ok;

    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sun.sun_path) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    memcpy(sun.sun_path, path, strlen(path) + 1);
    ok = fd >= 0 && connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

/* Starts rnrd on store `name` of n entries, once it accepts connections. */
static void daemon_start(struct daemon *d, const char *name, unsigned n, unsigned journal,
                         double *started)
{
    char   conf[400], store[400], rnrd[400];
    FILE  *f;
    double t0;

    snprintf(d->dir, sizeof d->dir, "%s/%s", base, name);
    snprintf(d->sock, sizeof d->sock, "%s/sock", d->dir);
    snprintf(d->log, sizeof d->log, "%s/rnrd.log", d->dir);
    snprintf(store, sizeof store, "%s/state/providers/directory", d->dir);
    make_store(store, n, journal);
    snprintf(conf, sizeof conf, "%s/rnrd.conf", d->dir);
    f = fopen(conf, "w");
    if (f == NULL)
        exit(1);
    fprintf(f, "[daemon]\nuser = root\nsocket = %s\nstate-dir = %s/state\nmodule-dir = %s/providers/.libs\n"
               "class-dir = %s/none\nlog-level = info\nmax-results-per-lookup = 1000\n\n"
               "[provider directory]\nmodule = directory\n", d->sock, d->dir, builddir, d->dir);
    fclose(f);
    snprintf(rnrd, sizeof rnrd, "%s/daemon/rnrd", builddir);
    *started = t0 = now_ms();
    d->pid = fork();
    if (d->pid == 0) {
        if (freopen(d->log, "w", stderr) == NULL)
            _exit(126);
        execl(rnrd, rnrd, "--foreground", "--config", conf, (char *)NULL);
        _exit(127);
    }
    while (!answers(d->sock)) {
        if (waitpid(d->pid, NULL, WNOHANG) == d->pid || now_ms() - t0 > 60000) {
            fprintf(stderr, "rnrd did not start; see %s\n", d->log);
            exit(1);
        }
        usleep(1000);
    }
    setenv("RNR_SOCKET", d->sock, 1);
}

static void daemon_stop(struct daemon *d)
{
    kill(d->pid, SIGTERM);
    waitpid(d->pid, NULL, 0);
}

/* CPU time rnrd has used (user + system), in ms: on a shared machine the
 * wall time says more about the neighbours than about the store. */
static double cpu_ms(pid_t pid)
{
    char               path[64], buf[1024], *p;
    unsigned long long ut = 0, st = 0;
    FILE              *f;
    size_t             n;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if ((f = fopen(path, "r")) == NULL)
        return -1;
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* Fields 14 and 15, after the parenthesised command name. */
    if ((p = strrchr(buf, ')')) == NULL ||
        sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
        return -1;
    return (double)(ut + st) * 1000.0 / (double)sysconf(_SC_CLK_TCK);
}

/* The anonymous resident memory (heap) of pid, in kB. */
static long rss_kb(pid_t pid)
{
    char  path[64], line[256];
    long  kb = -1;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    if ((f = fopen(path, "r")) == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "RssAnon: %ld", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

/* "... loaded from ... in N ms" from the provider's log line. */
static long logged_load_ms(const struct daemon *d)
{
    char  line[1024];
    long  ms = -1;
    FILE *f = fopen(d->log, "r");

    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        char *p = strstr(line, "loaded from "), *q, *last = NULL;

        for (q = p; q != NULL; q = strstr(q + 1, " in "))
            last = q;
        if (p != NULL && last != NULL && last != p)
            ms = strtol(last + 4, NULL, 10);
    }
    if (f != NULL)
        fclose(f);
    return ms;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p)
{
    qsort(v, n, sizeof *v, cmp_d);
    return v[(size_t)(p * (double)(n - 1))];
}

/* One lookup of svc-<i>; returns its latency in µs (negative: failed). */
static double lookup_one(unsigned i, int deep)
{
    char          name[32], ctx[32], buf[2048];
    WSAQUERYSETA  q, *r = (WSAQUERYSETA *)buf;
    HANDLE        h;
    DWORD         len;
    double        t0 = now_ms();
    int           found = 0;

    snprintf(name, sizeof name, "svc-%06u", i);
    snprintf(ctx, sizeof ctx, "\\bench\\c%02u", i % CONTAINERS);
    memset(&q, 0, sizeof q);
    q.dwSize = sizeof q;
    q.lpServiceClassId = &bench_class;
    q.lpszServiceInstanceName = name;
    q.lpszContext = deep ? "\\" : ctx;
    q.lpNSProviderId = &dir_id;
    if (WSALookupServiceBeginA(&q, (deep ? LUP_DEEP : 0) | LUP_RETURN_NAME | LUP_RETURN_ADDR,
                               &h) != 0)
        return -1;
    for (;;) {
        len = sizeof buf;
        if (WSALookupServiceNextA(h, 0, &len, r) != 0)
            break;
        found++;
    }
    WSALookupServiceEnd(h);
    return found == 1 ? (now_ms() - t0) * 1e3 : -1;
}

static void lookups(unsigned n, int deep, double *p50, double *p99, unsigned *errors)
{
    static double v[LOOKUPS];
    uint32_t      x = 2463534242u;
    unsigned      k, m = 0;

    *errors = 0;
    for (k = 0; k < 200; k++)          /* warm-up */
        lookup_one(k % n, deep);
    for (k = 0; k < LOOKUPS; k++) {
        double us;

        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        us = lookup_one(x % n, deep);
        if (us < 0)
            (*errors)++;
        else
            v[m++] = us;
    }
    *p50 = m ? pct(v, m, 0.5) : -1;
    *p99 = m ? pct(v, m, 0.99) : -1;
}

/* One registration of a new entry; 0 or the error. */
static int write_one(const char *name)
{
    struct sockaddr_in sin;
    CSADDR_INFO        cs;
    WSAQUERYSETA       q;

    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(9);
    inet_pton(AF_INET, "192.0.2.1", &sin.sin_addr);
    memset(&cs, 0, sizeof cs);
    cs.RemoteAddr.lpSockaddr = (LPSOCKADDR)&sin;
    cs.RemoteAddr.iSockaddrLength = sizeof sin;
    cs.iSocketType = SOCK_STREAM;
    cs.iProtocol = IPPROTO_TCP;
    memset(&q, 0, sizeof q);
    q.dwSize = sizeof q;
    q.lpServiceClassId = &bench_class;
    q.lpszServiceInstanceName = (char *)name;
    q.lpszContext = "\\bench\\new";
    q.lpNSProviderId = &dir_id;
    q.dwNumberOfCsAddrs = 1;
    q.lpcsaBuffer = &cs;
    return WSASetServiceA(&q, RNRSERVICE_REGISTER, 0) == 0 ? 0 : WSAGetLastError();
}

struct writer {
    pthread_t    t;
    unsigned     id, n, errors;
    volatile int *stop;     /* NULL: write n */
};

static void *writer_main(void *arg)
{
    struct writer *w = arg;
    char           name[40];
    unsigned       k;

    for (k = 0; w->stop != NULL ? !__atomic_load_n(w->stop, __ATOMIC_RELAXED) : k < w->n; k++) {
        snprintf(name, sizeof name, "conc-%u-%06u", w->id, k);
        if (write_one(name) != 0)
            w->errors++;
    }
    return NULL;
}

/* WRITERS threads, WRITES / WRITERS each: writes per second. */
static void concurrent_writes(double *per_s, unsigned *errors)
{
    struct writer w[WRITERS];
    double        t0 = now_ms();
    unsigned      i;

    *errors = 0;
    for (i = 0; i < WRITERS; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].id = i;
        w[i].n = WRITES / WRITERS;
        if (pthread_create(&w[i].t, NULL, writer_main, &w[i]) != 0)
            w[i].n = 0, w[i].errors = 1;
    }
    for (i = 0; i < WRITERS; i++) {
        if (w[i].n > 0)
            pthread_join(w[i].t, NULL);
        *errors += w[i].errors;
    }
    *per_s = WRITES / ((now_ms() - t0) / 1e3);
}

/* Lookup p50 / p99 while one thread writes without pause. */
static void lookups_while_writing(unsigned n, double *p50, double *p99, unsigned *errors)
{
    static volatile int stop;
    struct writer       w;

    memset(&w, 0, sizeof w);
    w.id = 100;
    w.stop = &stop;
    stop = 0;
    if (pthread_create(&w.t, NULL, writer_main, &w) != 0) {
        *p50 = *p99 = -1;
        *errors = 1;
        return;
    }
    lookups(n, 0, p50, p99, errors);
    __atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
    pthread_join(w.t, NULL);
    *errors += w.errors;
}

static void writes(unsigned first, double *p50, double *max, double *per_s, unsigned *errors)
{
    static double v[WRITES];
    char          name[32];
    unsigned      k;
    double        t0 = now_ms(), total;

    *errors = 0;
    for (k = 0; k < WRITES; k++) {
        double t = now_ms();

        snprintf(name, sizeof name, "new-%06u", first + k);
        if (write_one(name) != 0)
            (*errors)++;
        v[k] = (now_ms() - t) * 1e3;
    }
    total = now_ms() - t0;
    *per_s = WRITES / (total / 1e3);
    *max = pct(v, WRITES, 1.0);
    *p50 = pct(v, WRITES, 0.5);
}

struct phase {
    double   start_ms, start_cpu_ms, l50, l99, d50, d99, w50, wmax, wps, cwps, lw50, lw99;
    long     load_ms, rss_kb;
    unsigned lerr, derr, werr, cwerr, lwerr;
};

static void run_phase(const char *name, unsigned n, unsigned journal, struct phase *ph)
{
    struct daemon d;
    WSADATA       wd;

    double t0;

    daemon_start(&d, name, n, journal, &t0);
    WSAStartup(MAKEWORD(2, 2), &wd);
    /* rnrd listens before its providers have started: the start-up ends
     * with the first answer to a lookup, not with connect(). */
    if (n > 0) {
        while (lookup_one(n - 1, 0) < 0 && now_ms() - t0 < 60000)
            usleep(1000);
    } else {
        lookup_one(0, 0);
    }
    ph->start_ms = now_ms() - t0;
    ph->start_cpu_ms = cpu_ms(d.pid);
    ph->load_ms = logged_load_ms(&d);
    ph->rss_kb = rss_kb(d.pid);
    if (n > 0) {
        lookups(n, 0, &ph->l50, &ph->l99, &ph->lerr);
        lookups(n, 1, &ph->d50, &ph->d99, &ph->derr);
        writes(0, &ph->w50, &ph->wmax, &ph->wps, &ph->werr);
        if (n <= N_SMALL) {
            concurrent_writes(&ph->cwps, &ph->cwerr);
            lookups_while_writing(n, &ph->lw50, &ph->lw99, &ph->lwerr);
        }
    }
    WSACleanup();
    daemon_stop(&d);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "builddir", required_argument, NULL, 'b' },
        { "dir", required_argument, NULL, 'd' },
        { "keep", no_argument, NULL, 'k' },
        { NULL, 0, NULL, 0 }
    };
    struct phase empty, small, large;
    const char  *where = "/var/tmp";
    int          keep = 0, ch;
    char         cmd[400];
    double       mem;

    while ((ch = getopt_long(argc, argv, "b:d:k", opts, NULL)) != -1) {
        if (ch == 'b')
            builddir = optarg;
        else if (ch == 'd')
            where = optarg;
        else if (ch == 'k')
            keep = 1;
        else
            return 2;
    }
    /* The provider's figures: every lookup through rnrd, none answered
     * from the answer cache in this process (bench_lookup shows that). */
    setenv("RNR_ANSWER_CACHE", "0", 1);
    snprintf(base, sizeof base, "%s/bench-directory-XXXXXX", where);
    if (mkdtemp(base) == NULL) {
        perror(base);
        return 1;
    }
    memset(&empty, 0, sizeof empty);
    memset(&small, 0, sizeof small);
    memset(&large, 0, sizeof large);
    run_phase("empty", 0, 0, &empty);
    run_phase("small", N_SMALL, 0, &small);
    run_phase("large", N_LARGE, N_LARGE / 4 - 1, &large);
    mem = (double)(large.rss_kb - empty.rss_kb) * 1024.0 / N_LARGE;

    printf("directory provider, state in %s\n\n", base);
    printf("%-34s %12s %12s %8s\n", "", "1,000", "100,000", "ratio");
    printf("%-34s %10.0f ms %10.0f ms\n", "start-up, exec to first lookup", small.start_ms,
           large.start_ms);
    printf("%-34s %10ld ms %10ld ms\n", "  of which the store load (logged)", small.load_ms,
           large.load_ms);
    printf("%-34s %10.0f ms %10.0f ms\n", "  rnrd CPU time by then", small.start_cpu_ms,
           large.start_cpu_ms);
    printf("%-34s %10.1f us %10.1f us %8.2f\n", "lookup, one name, p50", small.l50, large.l50,
           large.l50 / small.l50);
    printf("%-34s %10.1f us %10.1f us %8.2f\n", "lookup, one name, p99", small.l99, large.l99,
           large.l99 / small.l99);
    printf("%-34s %10.1f us %10.1f us %8.2f\n", "lookup, LUP_DEEP from \\, p50", small.d50,
           large.d50, large.d50 / small.d50);
    printf("%-34s %10.1f us %10.1f us %8.2f\n", "durable write, p50", small.w50, large.w50,
           large.w50 / small.w50);
    printf("%-34s %10.1f us %10.1f us\n", "durable write, slowest", small.wmax, large.wmax);
    printf("%-34s %10.0f /s %10.0f /s\n", "durable writes per second", small.wps, large.wps);
    printf("%-34s %10.0f /s %13s  (%u writers at once)\n", "concurrent writes per second",
           small.cwps, "", WRITERS);
    printf("%-34s %10.1f us %13s  (p99 %.1f us; idle p50 %.1f, p99 %.1f)\n",
           "lookup while a writer runs, p50", small.lw50, "", small.lw99, small.l50, small.l99);
    printf("%-34s %13s %9.0f B\n", "memory per entry (RssAnon)", "", mem);
    /* Rows of `make bench`'s one table (bench/report.sh). */
    printf("@row\tdir-1k\tdirectory lookup, 1,000 entries\t1\t%.1f\t%.1f\t%.0f\tbare-unix\n",
           small.l50, small.l99, small.l50 > 0 ? 1e6 / small.l50 : 0.0);
    printf("@row\tdir-100k\tdirectory lookup, 100,000 entries\t1\t%.1f\t%.1f\t%.0f\t"
           "dir-1k,bare-unix\n", large.l50, large.l99, large.l50 > 0 ? 1e6 / large.l50 : 0.0);
    printf("@row\tdir-write\tdirectory durable write, 100,000\t1\t%.1f\t-\t%.0f\t-\n",
           large.w50, large.wps);
    printf("@row\tdir-start-0\tdirectory start-up, empty store\t1\t%.0f\t-\t-\t-\n",
           empty.start_ms * 1e3);
    printf("@row\tdir-start-100k\tdirectory start-up, 100,000 + journal\t1\t%.0f\t-\t-\t"
           "dir-start-0\n", large.start_ms * 1e3);
    printf("@row\tdir-start-cpu-100k\tdirectory start-up CPU (rnrd), 100,000 + journal\t1\t%.0f\t"
           "-\t-\t-\n", large.start_cpu_ms * 1e3);
    printf("@row\tdir-mem-100k\tdirectory bytes/entry (RssAnon), 100,000\t1\t%.0f\t-\t-\t-\n",
           mem);
    printf("\n(%u lookups and %u writes a store; errors: lookups %u/%u, deep %u/%u, writes "
           "%u/%u, concurrent %u, while writing %u; the large store starts with a "
           "%u-record journal over its snapshot)\n",
           LOOKUPS, WRITES, small.lerr, large.lerr, small.derr, large.derr, small.werr,
           large.werr, small.cwerr, small.lwerr, N_LARGE / 4 - 1);
    if (!keep) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", base);
    }
    return 0;
}
