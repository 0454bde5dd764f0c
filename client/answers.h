/* SPDX-License-Identifier: MIT */
/*
 * The answer cache as librnr uses it (answers.c, doc/anscache.md).
 */
#ifndef RNR_CLIENT_ANSWERS_H
#define RNR_CLIENT_ANSWERS_H

#include <stddef.h>
#include <stdint.h>

struct rnr_conn;
struct rnr_lookup;

/* Probe rnrd's answer cache with a LOOKUP_BEGIN body (flags without
 * LUP_FLUSHCACHE, then the query set, as on the wire).  On a hit the
 * results and final status are put on lk, which is then done, and 1 is
 * returned; 0 otherwise (lk untouched).  The probe is counted; c, the
 * connection the lookup would go to, carries the counts to rnrd when
 * they are due (CACHE_REPORT). */
int  rnr_answers_try(struct rnr_conn *c, const uint8_t *key, size_t klen,
                     struct rnr_lookup *lk);
/* Report the hits and misses counted so far (this thread's included) on
 * any live connection; kept for later when there is none.  The final
 * WSACleanup calls it before closing the connections, and the library
 * at exit. */
void rnr_answers_report_now(void);
/* The final WSACleanup: drop the mapping. */
void rnr_answers_shutdown(void);
void rnr_answers_atfork_prepare(void);
void rnr_answers_atfork_release(void);
/* In the child: release, and forget the parent's counts. */
void rnr_answers_atfork_child(void);

#endif
