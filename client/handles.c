/*
 * The handle table (handles.h).
 *
 * Encoding: value = gen << IDX_BITS | (index + 1).  index + 1 keeps 0
 * (NULL) invalid; gen is never 0, so small integers are invalid too.  On
 * 64-bit targets IDX_BITS is 32 and the generation is a full 32 bits; on
 * 32-bit targets 20 + 12 bits, which still catches a stale handle unless
 * exactly 4096 allocations hit the same slot in between.
 */
#include "config.h"

#include <string.h>

#include "alloc.h"
#include "handles.h"

#define IDX_BITS  (sizeof(uintptr_t) >= 8 ? 32u : 20u)
#define GEN_BITS  (sizeof(uintptr_t) >= 8 ? 32u : 12u)
#define GEN_MASK  ((uint32_t)(GEN_BITS >= 32 ? 0xFFFFFFFFu : ((1u << GEN_BITS) - 1)))
#define IDX_MASK  ((uintptr_t)(((uint64_t)1 << IDX_BITS) - 1))

struct rnr_hslot {
    void    *obj;        /* NULL when free */
    uint32_t gen;        /* generation of the handle living here */
    uint32_t next_free;  /* index + 1 of the next free slot, when free */
};

static HANDLE encode(uint32_t index, uint32_t gen)
{
    uintptr_t v = ((uintptr_t)gen << IDX_BITS) | (uintptr_t)(index + 1u);

    return (HANDLE)v;
}

/* The slot of a valid handle, or NULL.  Lock held. */
static struct rnr_hslot *decode(struct rnr_htable *t, HANDLE h)
{
    uintptr_t v = (uintptr_t)h;
    uintptr_t idx1 = v & IDX_MASK;
    uint32_t  gen = (uint32_t)(v >> IDX_BITS) & GEN_MASK;
    struct rnr_hslot *s;

    if (idx1 == 0 || idx1 > t->nslots || gen == 0)
        return NULL;
    /* Bits above the generation must be clear (32-bit targets). */
    if (encode((uint32_t)(idx1 - 1), gen) != h)
        return NULL;
    s = &t->slots[idx1 - 1];
    if (s->obj == NULL || s->gen != gen)
        return NULL;
    return s;
}

static uint32_t next_gen(struct rnr_htable *t)
{
    t->gen = (t->gen + 1) & GEN_MASK;
    if (t->gen == 0)
        t->gen = 1;
    return t->gen;
}

static int grow(struct rnr_htable *t)
{
    uint32_t max = t->max ? t->max : RNR_HTABLE_MAX;
    uint32_t n, i;
    struct rnr_hslot *s;

    if (max > RNR_HTABLE_MAX)
        max = RNR_HTABLE_MAX;
    if (t->nslots >= max)
        return WSAEMFILE;
    n = t->nslots ? t->nslots * 2 : 16;
    if (n > max)
        n = max;
    s = rnr_realloc(t->slots, (size_t)n * sizeof(*s));
    if (s == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    memset(s + t->nslots, 0, (size_t)(n - t->nslots) * sizeof(*s));
    /* Chain the new slots in front, lowest index first. */
    for (i = n; i > t->nslots; i--) {
        s[i - 1].next_free = t->free_head;
        t->free_head = i;
    }
    t->slots = s;
    t->nslots = n;
    return 0;
}

int rnr_htable_add(struct rnr_htable *t, void *obj, HANDLE *out)
{
    struct rnr_hslot *s;
    uint32_t idx;
    int rc = 0;

    if (obj == NULL || out == NULL)
        return WSAEFAULT;
    pthread_mutex_lock(&t->lock);
    if (t->free_head == 0 && (rc = grow(t)) != 0)
        goto done;
    idx = t->free_head - 1;
    s = &t->slots[idx];
    t->free_head = s->next_free;
    s->next_free = 0;
    s->obj = obj;
    s->gen = next_gen(t);
    t->count++;
    *out = encode(idx, s->gen);
done:
    pthread_mutex_unlock(&t->lock);
    return rc;
}

void *rnr_htable_get(struct rnr_htable *t, HANDLE h, void (*ref)(void *))
{
    struct rnr_hslot *s;
    void *obj = NULL;

    pthread_mutex_lock(&t->lock);
    s = decode(t, h);
    if (s != NULL) {
        obj = s->obj;
        if (ref != NULL)
            ref(obj);
    }
    pthread_mutex_unlock(&t->lock);
    return obj;
}

/* Lock held. */
static void *release_slot(struct rnr_htable *t, struct rnr_hslot *s)
{
    void *obj = s->obj;

    s->obj = NULL;
    s->next_free = t->free_head;
    t->free_head = (uint32_t)(s - t->slots) + 1;
    t->count--;
    return obj;
}

void *rnr_htable_remove(struct rnr_htable *t, HANDLE h)
{
    struct rnr_hslot *s;
    void *obj = NULL;

    pthread_mutex_lock(&t->lock);
    s = decode(t, h);
    if (s != NULL)
        obj = release_slot(t, s);
    pthread_mutex_unlock(&t->lock);
    return obj;
}

void *rnr_htable_pop(struct rnr_htable *t)
{
    void *obj = NULL;
    uint32_t i;

    pthread_mutex_lock(&t->lock);
    for (i = 0; t->count > 0 && i < t->nslots; i++) {
        if (t->slots[i].obj != NULL) {
            obj = release_slot(t, &t->slots[i]);
            break;
        }
    }
    pthread_mutex_unlock(&t->lock);
    return obj;
}

int rnr_htable_issued(struct rnr_htable *t, HANDLE h)
{
    uintptr_t v = (uintptr_t)h;
    uintptr_t idx1 = v & IDX_MASK;
    uint32_t  gen = (uint32_t)(v >> IDX_BITS) & GEN_MASK;
    int issued;

    pthread_mutex_lock(&t->lock);
    issued = idx1 != 0 && idx1 <= t->nslots && gen != 0 && gen <= t->gen &&
             encode((uint32_t)(idx1 - 1), gen) == h;
    pthread_mutex_unlock(&t->lock);
    return issued;
}

size_t rnr_htable_count(struct rnr_htable *t)
{
    size_t n;

    pthread_mutex_lock(&t->lock);
    n = t->count;
    pthread_mutex_unlock(&t->lock);
    return n;
}

void rnr_htable_free(struct rnr_htable *t)
{
    if (t == NULL)
        return;
    pthread_mutex_lock(&t->lock);
    rnr_free(t->slots);
    t->slots = NULL;
    t->nslots = 0;
    t->free_head = 0;
    t->count = 0;
    /* t->gen is kept on purpose: see handles.h. */
    pthread_mutex_unlock(&t->lock);
}

void rnr_htable_lock(struct rnr_htable *t)
{
    pthread_mutex_lock(&t->lock);
}

void rnr_htable_unlock(struct rnr_htable *t)
{
    pthread_mutex_unlock(&t->lock);
}
