/* SPDX-License-Identifier: MIT */
/*
 * bench_async: what outstanding WSAAsyncGetHostByName requests cost
 * (`make bench-async`).  A private rnrd (the integration-test harness)
 * serves a hosts file of generated names; for N = 100, 500, 2,000 and
 * 10,000 the program makes N requests from one window without taking a
 * message, then waits for all N with poll() on the window's fd, checking
 * each answer.  Printed: the time from the first request to the last
 * message, per request, the process's threads before and at most (read
 * from /proc/self/task), and, beside it, the same N names resolved one
 * after another with the synchronous gethostbyname.
 *
 * Figures, not assertions: exits 0 when everything was answered
 * correctly, 1 otherwise.
 */
#include "config.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rnr/winsock2.h>

#include "harness.h"

#define NMAX 10000u

static void name_of(unsigned i, char *buf, size_t len)
{
    snprintf(buf, len, "host%05u.example", i);
}

static int write_hosts(const char *path)
{
    FILE *f = fopen(path, "w");
    unsigned i;
    char name[32];

    if (f == NULL)
        return -1;
    fputs(rnrt_default_hosts, f);
    for (i = 0; i < NMAX; i++) {
        name_of(i, name, sizeof name);
        fprintf(f, "10.2.%u.%u %s\n", i / 256, i % 256, name);
    }
    return fclose(f);
}

static int answer_ok(const char *buf, unsigned i)
{
    const struct hostent *he = (const void *)buf;
    const unsigned char *a;

    if (he->h_addrtype != AF_INET || he->h_addr_list[0] == NULL)
        return 0;
    a = (const unsigned char *)he->h_addr_list[0];
    return a[0] == 10 && a[1] == 2 && a[2] == i / 256 && a[3] == i % 256;
}

/* A row of `make bench`'s one table (bench/report.sh): for these
 * batch runs the p50 column holds the mean time a request took. */
static void print_row(const char *id, const char *label, unsigned n, long long ms,
                      const char *compare)
{
    double ms_d = ms > 0 ? (double)ms : 0.5;   /* under the clock's grain */

    char cmp[64];

    if (compare != NULL)
        snprintf(cmp, sizeof cmp, "%s-%u", compare, n);
    printf("@row\t%s-%u\t%s x%u (mean)\t1\t%.2f\t-\t%.0f\t%s\n", id, n, label,
           n, ms_d * 1000.0 / n, n * 1000.0 / ms_d, compare != NULL ? cmp : "-");
}

/* N outstanding at once; 0 when all were answered correctly. */
static int run_async(unsigned n)
{
    char (*bufs)[MAXGETHOSTSTRUCT] = calloc(n, MAXGETHOSTSTRUCT);
    HANDLE *hs = calloc(n, sizeof *hs);
    HWND w = rnr_window_create();
    int before = rnrt_thread_count(), most = before, t, bad = 0;
    unsigned i, got = 0;
    long long t0, t1, tsub;
    char name[32];

    if (bufs == NULL || hs == NULL || w == NULL)
        return -1;
    t0 = rnrt_now_ms();
    for (i = 0; i < n; i++) {
        name_of(i, name, sizeof name);
        /* The message number says which request it answers. */
        hs[i] = WSAAsyncGetHostByName(w, WM_USER + i, name, bufs[i], MAXGETHOSTSTRUCT);
        if (hs[i] == NULL)
            return -1;
    }
    tsub = rnrt_now_ms() - t0;
    while (got < n) {
        struct pollfd p = { .fd = rnr_window_fd(w), .events = POLLIN };
        MSG m;

        if (poll(&p, 1, 10000) != 1) {
            fprintf(stderr, "bench_async: no message for 10 s (%u of %u)\n", got, n);
            return -1;
        }
        while (rnr_window_get_message(w, &m, 0) == 1) {
            i = m.message - WM_USER;
            if (i >= n || hs[i] != (HANDLE)m.wParam ||
                WSAGETASYNCERROR(m.lParam) != 0 || !answer_ok(bufs[i], i))
                bad++;
            got++;
        }
        if ((t = rnrt_thread_count()) > most)
            most = t;
    }
    t1 = rnrt_now_ms();
    printf("  async  N=%-6u %7lld ms (requests made in %lld ms) %8.1f us/request"
           "  threads %d before, %d at most%s\n", n, t1 - t0, tsub,
           (double)(t1 - t0) * 1000.0 / n, before, most, bad ? "  WRONG ANSWERS" : "");
    if (n == NMAX && !bad)
        print_row("async", "async, all at once", n, t1 - t0, "sync");
    rnr_window_destroy(w);
    free(hs);
    free(bufs);
    return bad ? -1 : 0;
}

static int run_sync(unsigned n)
{
    long long t0 = rnrt_now_ms(), t1;
    unsigned i;
    int bad = 0;
    char name[32];

    for (i = 0; i < n; i++) {
        struct hostent *he;

        name_of(i, name, sizeof name);
        he = rnr_gethostbyname(name);
        if (he == NULL || !answer_ok((const char *)he, i))
            bad++;
    }
    t1 = rnrt_now_ms();
    printf("  sync   N=%-6u %7lld ms %37.1f us/request%s\n", n, t1 - t0,
           (double)(t1 - t0) * 1000.0 / n, bad ? "  WRONG ANSWERS" : "");
    if (n == NMAX && !bad)
        print_row("sync", "gethostbyname in turn", n, t1 - t0, NULL);
    return bad ? -1 : 0;
}

int main(void)
{
    static const unsigned ns[] = { 100, 500, 2000, NMAX };
    struct rnrt_daemon d;
    WSADATA wd;
    size_t i;
    int rc = 0;

    if (rnrt_daemon_init(&d, NULL) != 0 || write_hosts(d.hosts) != 0 ||
        rnrt_daemon_start(&d) != 0) {
        fprintf(stderr, "bench_async: cannot start rnrd (log: %s)\n", d.log);
        rnrt_daemon_destroy(&d);
        return 1;
    }
    if (WSAStartup(MAKEWORD(2, 2), &wd) != 0)
        return 1;
    printf("bench_async: WSAAsyncGetHostByName, N requests outstanding at once "
           "from one window, hosts file of %u names\n", NMAX);
    for (i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        rc |= run_async(ns[i]);
        rc |= run_sync(ns[i]);
    }
    WSACleanup();
    rnrt_daemon_stop(&d);
    rnrt_daemon_destroy(&d);
    return rc != 0;
}
