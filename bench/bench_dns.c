/* SPDX-License-Identifier: MIT */
/*
 * bench_dns: what a DNS lookup through rnrd costs beside asking the DNS
 * server directly with c-ares, in one run (`make bench-dns`).
 *
 * One unbound on 127.0.0.1 (started here, authoritative for a zone
 * written here, query log off) serves both sides:
 *
 *   librnr, repeat    WSALookupServiceBegin(SVCID_INET_HOSTADDRBYNAME,
 *                     "a.rnr.test.", AF_INET, LUP_RETURN_ADDR) to the dns
 *                     provider, Next until WSA_E_NO_MORE, End: the same
 *                     lookup again, as an application repeats it, so
 *                     answered from rnrd's answer cache in the process
 *                     (doc/anscache.md).
 *   rnrd cache hit    the same name with a query set made unique by a
 *                     comment (ignored by the provider): the answer cache
 *                     cannot answer, rnrd does, from the provider's cache
 *                     (TTL 3600).
 *   c-ares, direct    ares_query(a.rnr.test, A) over loopback UDP on a
 *                     channel kept open, waiting with poll: what a program
 *                     linking c-ares pays for the same answer.
 *   rnrd, cold        as the hit, but every name is new (one wildcard
 *                     record answers n<i>.cold.rnr.test.): rnrd asks
 *                     unbound each time.
 *   c-ares, cold      as direct, with new names (n<i>.raw.rnr.test).
 *   relay, cold       as c-ares cold (n<i>.relay.rnr.test), but asking a
 *                     forwarder that does no work at all: a process that
 *                     passes each datagram on to unbound and the answer
 *                     back, blocked in poll() in between, as any daemon
 *                     sleeps.  Its two extra hops are the floor under a
 *                     cold lookup through any resolving daemon on this
 *                     machine, rnrd included.
 *
 *   hosts, idle       a hosts-file lookup (alpha.example) made unique the
 *                     same way, so that rnrd answers it: the baseline of
 *   hosts, DNS hung   the same while DNS lookups hang on a server that
 *                     never answers (a bound UDP socket nobody reads):
 *                     in 10 more rounds after the others, each round 16
 *                     more clients open 1,024 more and keep them, 1,024
 *                     to 10,240 in all: what a dead DNS server costs
 *                     everybody else.
 *
 * All but the last are measured in interleaved rounds, so that a
 * disturbance of the machine falls on all of them.  Figures, not
 * assertions: the program exits 0 whenever it could measure.
 */
#include "config.h"

#define RNR_NO_WINSOCK_NAMES
#include <ares.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rnr/winsock2.h>
#include <rnr/nspids.h>

#include "dnsserv.h"
#include "harness.h"

#define ROUNDS      10
#define HITS_ROUND  2000
#define COLD_ROUND  500

static const char zone[] =
    "$ORIGIN rnr.test.\n$TTL 3600\n"
    "@ IN SOA ns admin 1 3600 600 86400 60\n@ IN NS ns\nns IN A 127.0.0.1\n"
    "a IN A 192.0.2.1\n*.cold IN A 192.0.2.2\n*.raw IN A 192.0.2.3\n"
    "*.relay IN A 192.0.2.4\n";

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct series {
    const char *what;
    const char *id;       /* the row's id in `make bench`'s table */
    const char *compare;  /* ids of the rows it is compared with */
    uint64_t   *ns;
    size_t      n, cap;
    unsigned    errors;
};

static int series_init(struct series *s, const char *what, const char *id,
                       const char *compare, size_t cap)
{
    s->what = what;
    s->id = id;
    s->compare = compare;
    s->n = 0;
    s->cap = cap;
    s->errors = 0;
    s->ns = calloc(cap, sizeof *s->ns);
    return s->ns != NULL ? 0 : -1;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

static double median_us(struct series *s)
{
    qsort(s->ns, s->n, sizeof *s->ns, cmp_u64);
    return s->n > 0 ? (double)s->ns[s->n / 2] / 1000.0 : 0.0;
}

static double p99_us(const struct series *s)
{
    return s->n > 0 ? (double)s->ns[s->n * 99 / 100] / 1000.0 : 0.0;
}

/* ---- through rnrd ---- */

static GUID byname = SVCID_INET_HOSTADDRBYNAME;
static GUID dns_id = RNR_NSPID_DNS;
#define HANG_ID "{8C6B8C1E-3F2A-4D55-9B0E-6A1F2C3D4EA3}"
static GUID hosts_id = RNR_NSPID_HOSTS;
static GUID hang_id = { 0x8C6B8C1Eu, 0x3F2A, 0x4D55,      /* HANG_ID */
                        { 0x9B, 0x0E, 0x6A, 0x1F, 0x2C, 0x3D, 0x4E, 0xA3 } };

static AFPROTOCOLS inet4 = { AF_INET, 0 };

/* An IPv4 host-by-name query of `name` to provider `prov`. */
static void qs_byname(WSAQUERYSETA *q, GUID *prov, const char *name)
{
    memset(q, 0, sizeof *q);
    q->dwSize = sizeof *q;
    q->lpServiceClassId = &byname;
    q->lpszServiceInstanceName = (char *)name;
    q->lpNSProviderId = prov;
    q->dwNumberOfProtocols = 1;
    q->lpafpProtocols = &inet4;
}

/* tag: NULL, or a comment that makes the query set unique, so that the
 * answer cache (keyed by the whole query) cannot answer and the lookup
 * reaches rnrd; the dns provider ignores comments. */
static int rnrd_lookup_via(GUID *prov, const char *name, const char *tag)
{
    WSAQUERYSETA q;
    char buf[2048];
    HANDLE h;
    int n = 0;

    qs_byname(&q, prov, name);
    q.lpszComment = (char *)tag;
    if (WSALookupServiceBegin(&q, LUP_RETURN_ADDR, &h) != 0)
        return -1;
    for (;;) {
        DWORD len = sizeof buf;

        if (WSALookupServiceNext(h, 0, &len, (WSAQUERYSETA *)buf) != 0)
            break;
        n++;
    }
    WSALookupServiceEnd(h);
    return n == 1 && WSAGetLastError() == WSA_E_NO_MORE ? 0 : -1;
}

static int rnrd_lookup_tagged(const char *name, const char *tag)
{
    return rnrd_lookup_via(&dns_id, name, tag);
}

static int rnrd_lookup(const char *name)
{
    return rnrd_lookup_tagged(name, NULL);
}

/* ---- clients with DNS lookups that never end ---- */

#define HUNG_CLIENTS 16
#define HUNG_EACH    64          /* the harness's max-lookups-per-client */
#define HUNG         (HUNG_CLIENTS * HUNG_EACH)

/* Every round adds HUNG_CLIENTS clients; all stay until the end. */
static pid_t  hung_pids[ROUNDS * HUNG_CLIENTS];
static size_t nhung;
/* How long each round took to open its HUNG lookups, with HUNG * round
 * lookups of earlier rounds still open and their questions in flight. */
static uint64_t hung_begin_ns[ROUNDS];
static int hold_r = -1, hold_w = -1;    /* closing hold_w lets them all go */

/* In a child of its own (its own connection to rnrd): HUNG_EACH lookups
 * begun on the dead server and kept open until `hold` closes. */
static void hung_client_run(unsigned round, unsigned k, int ready, int hold)
{
    static HANDLE h[HUNG_EACH];
    WSAQUERYSETA q;
    WSADATA wd;
    char name[64], c;
    unsigned i;

    WSACleanup();   /* the parent's connection is not ours */
    if (WSAStartup(MAKEWORD(2, 2), &wd) != 0)
        _exit(1);
    for (i = 0; i < HUNG_EACH; i++) {
        snprintf(name, sizeof name, "r%u-c%u-n%u.hang.test.", round, k, i);
        qs_byname(&q, &hang_id, name);
        if (WSALookupServiceBegin(&q, LUP_RETURN_ADDR, &h[i]) != 0)
            _exit(1);
    }
    if (write(ready, "r", 1) != 1 || read(hold, &c, 1) < 0)
        _exit(1);
    _exit(0);
}

static void hung_clients_stop(void)
{
    size_t k;

    if (hold_w >= 0)
        close(hold_w);
    if (hold_r >= 0)
        close(hold_r);
    hold_w = hold_r = -1;
    for (k = 0; k < nhung; k++)
        waitpid(hung_pids[k], NULL, 0);
    nhung = 0;
}

/* HUNG_CLIENTS more clients, HUNG more lookups, open once this returns 0. */
static int hung_clients_start(unsigned round)
{
    int ready[2], hold[2];
    unsigned k, got = 0;
    char c;

    if (hold_w < 0) {
        if (pipe(hold) != 0)
            return -1;
        hold_r = hold[0];
        hold_w = hold[1];
    }
    if (pipe(ready) != 0)
        return -1;
    for (k = 0; k < HUNG_CLIENTS; k++) {
        pid_t pid = fork();

        if (pid == 0) {
            close(ready[0]);
            close(hold_w);
            hung_client_run(round, k, ready[1], hold_r);
        }
        if (pid < 0)
            break;
        hung_pids[nhung++] = pid;
    }
    close(ready[1]);
    /* EOF before all reported: a child failed. */
    while (got < k && read(ready[0], &c, 1) == 1)
        got++;
    close(ready[0]);
    if (k == HUNG_CLIENTS && got == HUNG_CLIENTS)
        return 0;
    hung_clients_stop();
    return -1;
}

/* ---- c-ares directly ---- */

static int ares_done, ares_status;

static void on_ares(void *arg, int status, int timeouts, unsigned char *abuf,
                    int alen)
{
    (void)arg;
    (void)timeouts;
    (void)abuf;
    (void)alen;
    ares_status = status;
    ares_done = 1;
}

static int ares_lookup(ares_channel ch, const char *name)
{
    ares_done = 0;
    ares_query(ch, name, 1, 1, on_ares, NULL);
    while (!ares_done) {
        ares_socket_t socks[ARES_GETSOCK_MAXNUM];
        struct pollfd pfd[ARES_GETSOCK_MAXNUM];
        struct timeval tv, *t;
        int bits = ares_getsock(ch, socks, ARES_GETSOCK_MAXNUM), n = 0, i;

        for (i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
            if (!ARES_GETSOCK_READABLE(bits, i) && !ARES_GETSOCK_WRITABLE(bits, i))
                continue;
            pfd[n].fd = socks[i];
            pfd[n].events = (short)((ARES_GETSOCK_READABLE(bits, i) ? POLLIN : 0) |
                                    (ARES_GETSOCK_WRITABLE(bits, i) ? POLLOUT : 0));
            pfd[n].revents = 0;
            n++;
        }
        t = ares_timeout(ch, NULL, &tv);
        poll(pfd, (nfds_t)n, t != NULL ? (int)(t->tv_sec * 1000 + t->tv_usec / 1000) : -1);
        for (i = 0; i < n; i++)
            ares_process_fd(ch, (pfd[i].revents & POLLIN) ? pfd[i].fd : ARES_SOCKET_BAD,
                            (pfd[i].revents & POLLOUT) ? pfd[i].fd : ARES_SOCKET_BAD);
        if (n == 0)
            ares_process_fd(ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    }
    return ares_status == ARES_SUCCESS ? 0 : -1;
}

/* ---- the run ---- */

enum { S_HIT, S_DAEMON, S_DIRECT, S_COLD, S_RAW, S_RELAY, S_HOSTS, S_HOSTS_HUNG, S_N };

static void time_one(struct series *s, int ok_rc, uint64_t t0)
{
    if (ok_rc != 0)
        s->errors++;
    else if (s->n < s->cap)
        s->ns[s->n++] = now_ns() - t0;
}

static void round_run(struct series *s, ares_channel ch, ares_channel relay,
                      unsigned r)
{
    char name[64];
    unsigned i;
    uint64_t t0;

    for (i = 0; i < HITS_ROUND; i++) {
        t0 = now_ns();
        time_one(&s[S_HIT], rnrd_lookup("a.rnr.test."), t0);
    }
    for (i = 0; i < HITS_ROUND; i++) {
        snprintf(name, sizeof name, "t%u", r * HITS_ROUND + i);
        t0 = now_ns();
        time_one(&s[S_DAEMON], rnrd_lookup_tagged("a.rnr.test.", name), t0);
    }
    for (i = 0; i < HITS_ROUND; i++) {
        t0 = now_ns();
        time_one(&s[S_DIRECT], ares_lookup(ch, "a.rnr.test"), t0);
    }
    for (i = 0; i < COLD_ROUND; i++) {
        snprintf(name, sizeof name, "n%u.cold.rnr.test.", r * COLD_ROUND + i);
        t0 = now_ns();
        time_one(&s[S_COLD], rnrd_lookup(name), t0);
    }
    for (i = 0; i < COLD_ROUND; i++) {
        snprintf(name, sizeof name, "n%u.raw.rnr.test", r * COLD_ROUND + i);
        t0 = now_ns();
        time_one(&s[S_RAW], ares_lookup(ch, name), t0);
    }
    for (i = 0; i < COLD_ROUND; i++) {
        snprintf(name, sizeof name, "n%u.relay.rnr.test", r * COLD_ROUND + i);
        t0 = now_ns();
        time_one(&s[S_RELAY], ares_lookup(relay, name), t0);
    }
    for (i = 0; i < HITS_ROUND; i++) {
        snprintf(name, sizeof name, "h%u", r * HITS_ROUND + i);
        t0 = now_ns();
        time_one(&s[S_HOSTS], rnrd_lookup_via(&hosts_id, "alpha.example", name), t0);
    }
}

/* After the others, so that their figures are not taken beside 10,240
 * open lookups: each round 1,024 more hang, and hosts lookups are timed. */
static void hung_round_run(struct series *s, unsigned r)
{
    char name[64];
    unsigned i;
    uint64_t t0;

    t0 = now_ns();
    if (hung_clients_start(r) != 0) {
        s[S_HOSTS_HUNG].errors++;
        return;
    }
    hung_begin_ns[r] = now_ns() - t0;
    for (i = 0; i < HITS_ROUND; i++) {
        snprintf(name, sizeof name, "g%u", r * HITS_ROUND + i);
        t0 = now_ns();
        time_one(&s[S_HOSTS_HUNG], rnrd_lookup_via(&hosts_id, "alpha.example", name), t0);
    }
}

static int open_channel(unsigned port, ares_channel *ch)
{
    struct ares_options o;
    char csv[64];

    memset(&o, 0, sizeof o);
    o.flags = ARES_FLAG_STAYOPEN;
    if (ares_init_options(ch, &o, ARES_OPT_FLAGS) != ARES_SUCCESS)
        return -1;
    snprintf(csv, sizeof csv, "127.0.0.1:%u", port);
    return ares_set_servers_ports_csv(*ch, csv) == ARES_SUCCESS ? 0 : -1;
}

/* Lookups a second, one after the other: the mean's inverse. */
static double per_sec(const struct series *s)
{
    uint64_t sum = 0;
    size_t i;

    for (i = 0; i < s->n; i++)
        sum += s->ns[i];
    return sum > 0 ? (double)s->n * 1e9 / (double)sum : 0.0;
}

static void report(struct series *s)
{
    double med[S_N];
    int i;

    printf("bench-dns: %d interleaved rounds; per lookup, median and p99 (us)\n",
           ROUNDS);
    for (i = 0; i < S_N; i++) {
        med[i] = median_us(&s[i]);
        printf("  %-34s %8.1f %8.1f   (%zu lookups, %u errors)\n", s[i].what,
               med[i], p99_us(&s[i]), s[i].n, s[i].errors);
    }
    /* The rows of `make bench`'s one table (bench/report.sh). */
    for (i = 0; i < S_N; i++)
        printf("@row\t%s\t%s%s\t1\t%.1f\t%.1f\t%.0f\t%s\n", s[i].id, s[i].what,
               s[i].errors > 0 ? " (ERRORS)" : "", med[i], p99_us(&s[i]),
               per_sec(&s[i]), s[i].compare);
    printf("  cache hit vs asking the server:              %.2fx faster (target >= 3x)\n",
           med[S_HIT] > 0 ? med[S_DIRECT] / med[S_HIT] : 0.0);
    printf("    the same when it has to reach rnrd:        %.2fx faster\n",
           med[S_DAEMON] > 0 ? med[S_DIRECT] / med[S_DAEMON] : 0.0);
    printf("  cold lookup through rnrd vs raw c-ares:      %.2fx the time (target <= 1.1x)\n",
           med[S_RAW] > 0 ? med[S_COLD] / med[S_RAW] : 0.0);
    printf("    through a do-nothing forwarder vs raw:     %.2fx the time (the floor for any daemon here)\n",
           med[S_RAW] > 0 ? med[S_RELAY] / med[S_RAW] : 0.0);
    printf("    through rnrd vs the do-nothing forwarder:  %.2fx the time (%+.1f us)\n",
           med[S_RELAY] > 0 ? med[S_COLD] / med[S_RELAY] : 0.0, med[S_COLD] - med[S_RELAY]);
    printf("  hosts lookup with %d to %d DNS lookups hung: %.2fx the time of one with none\n",
           HUNG, HUNG * ROUNDS, med[S_HOSTS] > 0 ? med[S_HOSTS_HUNG] / med[S_HOSTS] : 0.0);
    printf("  opening %d DNS lookups on the dead server: %.1f us each with none in flight,"
           " %.1f us with %d\n", HUNG, (double)hung_begin_ns[0] / HUNG / 1000.0,
           (double)hung_begin_ns[ROUNDS - 1] / HUNG / 1000.0, HUNG * (ROUNDS - 1));
}

int main(void)
{
    static const char *const names[] = { "rnr.test" };
    const char *zones[] = { zone };
    struct series s[S_N];
    struct dnsserv_unbound ub;
    struct rnrt_daemon d;
    char dir[64], conf[512], cmd[128];
    struct dnsserv_relay fwd = { -1, 0 };
    struct dnsserv_hole hole = { -1, 0 };
    ares_channel ch = NULL, relay = NULL;
    WSADATA wd;
    unsigned r;
    int rc = 1;

    if (dnsserv_unbound_path() == NULL) {
        fprintf(stderr, "bench-dns: unbound is not installed\n");
        return 77;
    }
    strcpy(dir, "/tmp/rnr-bench-dns-XXXXXX");
    dnsserv_log_queries = 0;
    if (dnsserv_hole_open(&hole) != 0) {
        fprintf(stderr, "bench-dns: cannot open the dead server's socket\n");
        return 1;
    }
    if (mkdtemp(dir) == NULL || dnsserv_unbound_start(&ub, dir, names, zones, 1) != 0) {
        fprintf(stderr, "bench-dns: cannot start unbound\n");
        dnsserv_hole_close(&hole);
        return 1;
    }
    snprintf(conf, sizeof conf, "[provider dns]\nmodule = dns\nnamespace = NS_DNS\n"
             "servers = 127.0.0.1:%u\nsearch =\n\n"
             "[provider hang]\nmodule = dns\nnamespace = NS_DNS\nid = " HANG_ID "\n"
             "servers = 127.0.0.1:%u\nsearch =\ntimeout-ms = 60000\nattempts = 1\n",
             ub.port, hole.port);
    if (rnrt_daemon_init(&d, conf) != 0 || rnrt_daemon_start(&d) != 0 ||
        WSAStartup(MAKEWORD(2, 2), &wd) != 0 ||
        ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS ||
        open_channel(ub.port, &ch) != 0 ||
        dnsserv_relay_start(&fwd, ub.port) != 0 ||
        open_channel(fwd.port, &relay) != 0) {
        fprintf(stderr, "bench-dns: cannot start rnrd or c-ares\n");
        goto done;
    }
    if (series_init(&s[S_HIT], "librnr, DNS repeat (answer cache)", "dns-hit",
                    "dns-direct,bare-unix", ROUNDS * HITS_ROUND) != 0 ||
        series_init(&s[S_DAEMON], "librnr, DNS hit in rnrd's cache", "dns-hit-rnrd",
                    "dns-direct,bare-unix", ROUNDS * HITS_ROUND) != 0 ||
        series_init(&s[S_DIRECT], "c-ares to unbound, same name", "dns-direct", "-",
                    ROUNDS * HITS_ROUND) != 0 ||
        series_init(&s[S_COLD], "librnr, DNS cold (new name)", "dns-cold",
                    "dns-raw,dns-relay", ROUNDS * COLD_ROUND) != 0 ||
        series_init(&s[S_RAW], "c-ares to unbound, new name", "dns-raw", "-",
                    ROUNDS * COLD_ROUND) != 0 ||
        series_init(&s[S_RELAY], "c-ares via do-nothing relay, new", "dns-relay",
                    "dns-raw", ROUNDS * COLD_ROUND) != 0 ||
        series_init(&s[S_HOSTS], "librnr, hosts via rnrd", "hosts-idle", "-",
                    ROUNDS * HITS_ROUND) != 0 ||
        series_init(&s[S_HOSTS_HUNG], "librnr, hosts, DNS lookups hung", "hosts-dns-hung",
                    "hosts-idle", ROUNDS * HITS_ROUND) != 0)
        goto done;
    /* Warm-up: the cached name, the connection, both sockets. */
    if (rnrd_lookup("a.rnr.test.") != 0 || ares_lookup(ch, "a.rnr.test") != 0 ||
        ares_lookup(relay, "a.rnr.test") != 0) {
        fprintf(stderr, "bench-dns: the warm-up lookups failed\n");
        goto done;
    }
    for (r = 0; r < ROUNDS; r++)
        round_run(s, ch, relay, r);
    for (r = 0; r < ROUNDS; r++)
        hung_round_run(s, r);
    hung_clients_stop();
    report(s);
    rc = 0;
done:
    if (ch != NULL)
        ares_destroy(ch);
    if (relay != NULL)
        ares_destroy(relay);
    hung_clients_stop();
    dnsserv_relay_stop(&fwd);
    dnsserv_hole_close(&hole);
    WSACleanup();
    rnrt_daemon_destroy(&d);
    dnsserv_unbound_stop(&ub);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        rc = 1;
    return rc;
}
