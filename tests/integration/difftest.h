/* SPDX-License-Identifier: MIT */
/*
 * What the differential tests against glibc (test_getxbyy, test_gai_diff)
 * share: generated hosts/services/... files in a temporary directory,
 * glibc made to read them in place of /etc's through a private mount
 * namespace, rnrd serving the same files, a repeatable random stream
 * (RNRT_SEED) and a scale for slow runs (RNRT_SCALE, percent: valgrind).
 */
#ifndef RNRT_DIFFTEST_H
#define RNRT_DIFFTEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "harness.h"

/* A growing list of strdup'd strings. */
struct rnrt_strlist {
    char  **v;
    size_t  n, cap;
};
void rnrt_strlist_add(struct rnrt_strlist *l, const char *s);
void rnrt_strlist_free(struct rnrt_strlist *l);

/* A number below n (0 for n = 0) from the run's xorshift stream. */
uint32_t rnrt_rand(uint32_t n);
/* n scaled by RNRT_SCALE, at least 20. */
unsigned rnrt_scaled(unsigned n);

/* One file glibc reads from /etc: written as DIR/name from gen, or from
 * text when gen is NULL, then bound over /etc/name. */
struct rnrt_etc_file {
    const char *name;
    void      (*gen)(FILE *f);
    const char *text;
    char        path[160];      /* set by rnrt_diff_begin */
};

/* main()'s set-up: 77 unless root; the stream seeded with RNRT_SEED or
 * `seed`, RNRT_SCALE read, both printed; the files written into a new
 * /tmp/rnr-TAG-XXXXXX; a private mount namespace with each bound over
 * its /etc twin (RESOLV_MULTI on, as Debian's host.conf has it).  0, or
 * the status main returns (77 skipped, 1 failed), everything undone. */
int  rnrt_diff_begin(const char *tag, uint64_t seed, struct rnrt_etc_file *files, size_t n);
/* Removes the files unless RNRT_KEEP is set. */
void rnrt_diff_end(struct rnrt_etc_file *files, size_t n);
/* Starts rnrd on the generated "hosts" and "services" (the very files
 * glibc reads), then WSAStartup.  0 or -1. */
int  rnrt_diff_daemon_start(struct rnrt_daemon *d, const struct rnrt_etc_file *files,
                            size_t n);

#endif
