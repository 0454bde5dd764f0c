/* SPDX-License-Identifier: MIT */
/*
 * The glibc side of bench_lookup: gethostbyname through NSS "files".
 *
 * It lives in its own translation unit, which never includes an rnr
 * header, because <rnr/winsock2.h> may map the Winsock spellings
 * (gethostbyname ...) onto librnr's rnr_gethostbyname: the baseline must
 * be glibc's own function, whatever the public header does.
 */
#ifndef RNR_BENCH_GLIBC_HOSTS_H
#define RNR_BENCH_GLIBC_HOSTS_H

#include <stdint.h>

/* Looks `name` up with gethostbyname (reentrant == 0) or gethostbyname_r,
 * and checks that one of its IPv4 addresses is `want` (network order).
 * Returns 0, the h_errno value glibc reported (> 0), or
 * BENCH_GLIBC_WRONG_ADDR when the name resolved to something else. */
#define BENCH_GLIBC_WRONG_ADDR (-1)
int bench_glibc_lookup(const char *name, uint32_t want, int reentrant);

/* hstrerror(), for the report. */
const char *bench_glibc_strerror(int herr);

#endif
