/* SPDX-License-Identifier: MIT */
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

void *rnr_malloc(size_t n) { return malloc(n ? n : 1); }
void *rnr_calloc(size_t nmemb, size_t size) { return calloc(nmemb ? nmemb : 1, size ? size : 1); }
void *rnr_realloc(void *p, size_t n) { return realloc(p, n ? n : 1); }
void  rnr_free(void *p) { free(p); }

char *rnr_strdup(const char *s)
{
    return s ? rnr_strndup(s, strlen(s)) : NULL;
}

char *rnr_strndup(const char *s, size_t n)
{
    char *d;

    if (s == NULL)
        return NULL;
    n = strnlen(s, n);
    d = rnr_malloc(n + 1);
    if (d == NULL)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}
