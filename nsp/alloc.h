/* SPDX-License-Identifier: MIT */
/*
 * One allocation wrapper for all of rnr (daemon, library, providers built
 * in-tree), so a test or a fuzzer can count or fail allocations in one
 * place.  rnr_free accepts NULL.
 */
#ifndef RNR_ALLOC_H
#define RNR_ALLOC_H

#include <stddef.h>

void *rnr_malloc(size_t n);
void *rnr_calloc(size_t nmemb, size_t size);
void *rnr_realloc(void *p, size_t n);
void  rnr_free(void *p);
char *rnr_strdup(const char *s);
char *rnr_strndup(const char *s, size_t n);

/* Round n up to the alignment every flattened structure needs. */
#define RNR_ALIGN 8u
#define RNR_ALIGN_UP(n) (((n) + (RNR_ALIGN - 1)) & ~(size_t)(RNR_ALIGN - 1))

#endif
