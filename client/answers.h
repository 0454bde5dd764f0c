/*
 * The answer cache as librnr uses it (answers.c, doc/anscache.md).
 */
#ifndef RNR_CLIENT_ANSWERS_H
#define RNR_CLIENT_ANSWERS_H

#include <stddef.h>
#include <stdint.h>

struct rnr_lookup;

/* Probe rnrd's answer cache with a LOOKUP_BEGIN body (flags without
 * LUP_FLUSHCACHE, then the query set, as on the wire).  On a hit the
 * results and final status are put on lk, which is then done, and 1 is
 * returned; 0 otherwise (lk untouched). */
int  rnr_answers_try(const uint8_t *key, size_t klen, struct rnr_lookup *lk);
/* The final WSACleanup: drop the mapping. */
void rnr_answers_shutdown(void);
void rnr_answers_atfork_prepare(void);
void rnr_answers_atfork_release(void);

#endif
