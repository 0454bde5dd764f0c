/* SPDX-License-Identifier: MIT */
/*
 * A progress line for long rnrctl commands (directory import and export):
 * entries done, rate and time left, redrawn in place on stderr at most a
 * few times a second.  Only on a terminal: when stderr is a file or a pipe
 * (scripts, logs) or --quiet was given, nothing is printed at all.
 */
#ifndef RNRCTL_PROGRESS_H
#define RNRCTL_PROGRESS_H

#include <stdint.h>

struct rnrctl_progress {
    int         on;
    int         drawn;       /* a line is on the screen */
    const char *what;        /* "directory import" */
    uint64_t    total;       /* 0: unknown (no time left shown) */
    uint64_t    start_ms, last_ms;
};

/* on unless quiet or stderr is not a terminal. */
void rnrctl_progress_start(struct rnrctl_progress *p, const char *what, uint64_t total,
                           int quiet);
/* Redraws when the last drawing is old enough. */
void rnrctl_progress_update(struct rnrctl_progress *p, uint64_t done);
/* Erases the line, so that what follows starts on a clean one. */
void rnrctl_progress_end(struct rnrctl_progress *p);

#endif
