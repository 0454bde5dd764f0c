/* SPDX-License-Identifier: MIT */
/*
 * What the small benchmark programs that take their own latencies
 * (sap_bench, netbt_bench) share: a clock, a sort order, a whole lookup.
 * Header-only, so that each stays one source file in Makefile.am.
 */
#ifndef RNR_BENCH_UTIL_H
#define RNR_BENCH_UTIL_H

#include <time.h>

#include <rnr/winsock2.h>

/* Monotonic microseconds. */
static inline double bench_now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* qsort comparison of doubles, ascending. */
static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* Begin, Next until the end, End: the number of results, -1 when Begin
 * fails. */
static inline long bench_lookup_count(WSAQUERYSETA *qs, DWORD flags)
{
    union { WSAQUERYSETA qs; char b[16384]; } buf;
    HANDLE h;
    long n = 0;

    if (WSALookupServiceBeginA(qs, flags, &h) != 0)
        return -1;
    for (;;) {
        DWORD len = sizeof buf;

        if (WSALookupServiceNextA(h, 0, &len, &buf.qs) != 0)
            break;
        n++;
    }
    WSALookupServiceEnd(h);
    return n;
}

#endif /* RNR_BENCH_UTIL_H */
