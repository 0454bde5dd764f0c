/* SPDX-License-Identifier: MIT */
/*
 * Per-thread result storage for the getXbyY functions.
 *
 * A __thread pointer makes the common case (the thread already has its
 * storage) a plain memory read; a pthread key with a destructor frees the
 * storage when the thread exits, which __thread alone cannot do.  The
 * thread that unloads the library (usually main, at exit) frees its own
 * storage in the library destructor, so valgrind sees nothing left.
 */
#include "config.h"

#include <pthread.h>
#include <stddef.h>

#include "alloc.h"
#include "getxbyy.h"

/* Smallest buffer ever allocated: a hostent with a few names fits. */
#define TLS_MIN_BUF 512u

struct tls_slot {
    void  *buf;
    size_t cap;
};

struct tls_state {
    struct tls_slot slot[RNR_TLS_NSLOTS];
};

static pthread_key_t g_key;
static pthread_once_t g_key_once = PTHREAD_ONCE_INIT;
static int g_key_ok;
static __thread struct tls_state *t_state;

static void tls_free(void *p)
{
    struct tls_state *st = p;
    size_t i;

    if (st == NULL)
        return;
    for (i = 0; i < RNR_TLS_NSLOTS; i++)
        rnr_free(st->slot[i].buf);
    rnr_free(st);
}

static void key_create(void)
{
    g_key_ok = pthread_key_create(&g_key, tls_free) == 0;
}

static struct tls_state *tls_get(void)
{
    struct tls_state *st = t_state;

    if (st != NULL)
        return st;
    pthread_once(&g_key_once, key_create);
    if (!g_key_ok)
        return NULL;
    st = rnr_calloc(1, sizeof *st);
    if (st == NULL)
        return NULL;
    if (pthread_setspecific(g_key, st) != 0) {
        rnr_free(st);
        return NULL;
    }
    t_state = st;
    return st;
}

void *rnr_tls_buf(enum rnr_tls_slot slot, size_t size, size_t *cap)
{
    struct tls_state *st = tls_get();
    struct tls_slot *s;
    size_t want;
    void *p;

    if (st == NULL || (unsigned)slot >= RNR_TLS_NSLOTS)
        return NULL;
    s = &st->slot[slot];
    if (s->buf != NULL && s->cap >= size) {
        *cap = s->cap;
        return s->buf;
    }
    /* Double, so a thread that meets ever larger results reallocates a
     * logarithmic number of times.  The old contents are dead (the caller
     * rebuilds), so free + malloc rather than realloc's copy. */
    want = s->cap > TLS_MIN_BUF ? s->cap : TLS_MIN_BUF;
    while (want < size) {
        if (want > ((size_t)-1) / 2) {
            want = size;
            break;
        }
        want *= 2;
    }
    p = rnr_malloc(want);
    if (p == NULL)
        return NULL;
    rnr_free(s->buf);
    s->buf = p;
    s->cap = want;
    *cap = want;
    return p;
}

__attribute__((destructor))
static void tls_unload(void)
{
    struct tls_state *st = t_state;

    if (st == NULL)
        return;
    t_state = NULL;
    pthread_setspecific(g_key, NULL);
    tls_free(st);
}
