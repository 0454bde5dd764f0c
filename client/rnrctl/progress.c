/* SPDX-License-Identifier: MIT */
/*
 * The progress line (progress.h).  "\r" and an erase-to-end-of-line
 * sequence redraw it in place, so it never scrolls; it is erased at the
 * end, before the command's own last words.
 */
#include <config.h>

#include "progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#define REDRAW_MS 200u

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void rnrctl_progress_start(struct rnrctl_progress *p, const char *what, uint64_t total,
                           int quiet)
{
    p->on = !quiet && isatty(STDERR_FILENO);
    p->drawn = 0;
    p->what = what;
    p->total = total;
    p->start_ms = now_ms();
    /* The first update draws at once: something shows from the start. */
    p->last_ms = p->start_ms - REDRAW_MS;
}

void rnrctl_progress_update(struct rnrctl_progress *p, uint64_t done)
{
    uint64_t now, ms;
    double   rate;

    if (!p->on)
        return;
    now = now_ms();
    if (now - p->last_ms < REDRAW_MS)
        return;
    p->last_ms = now;
    ms = now - p->start_ms;
    rate = ms > 0 ? (double)done * 1000.0 / (double)ms : 0.0;
    fprintf(stderr, "\r\033[K%s: %llu", p->what, (unsigned long long)done);
    if (p->total > 0)
        fprintf(stderr, " / %llu", (unsigned long long)p->total);
    fprintf(stderr, " entries, %.0f/s", rate);
    if (p->total > done && rate > 0.0)
        fprintf(stderr, ", %.0f s left", (double)(p->total - done) / rate + 0.5);
    fflush(stderr);
    p->drawn = 1;
}

void rnrctl_progress_end(struct rnrctl_progress *p)
{
    if (!p->on || !p->drawn)
        return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
    p->drawn = 0;
}
