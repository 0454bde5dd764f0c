/* SPDX-License-Identifier: MIT */
/*
 * The handle table (handles.h).
 *
 * Encoding: value = gen << IDX_BITS | (index + 1), where index = local
 * slot index * RNR_HTABLE_SHARDS + shard.  index + 1 keeps 0 (NULL)
 * invalid; gen is never 0, so small integers are invalid too.  On 64-bit
 * targets IDX_BITS is 32 and the generation is a full 32 bits; on 32-bit
 * targets 20 + 12 bits, which still catches a stale handle unless exactly
 * 4096 allocations hit the same slot in between.
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
    uint32_t next_free;  /* local index + 1 of the next free slot, when free */
};

static unsigned g_next_shard;                /* atomic: round robin */
static __thread int t_shard = -1;            /* this thread's shard */

static struct rnr_hshard *add_shard(struct rnr_htable *t)
{
    if (t->max != 0)
        return &t->shard[0];
    if (t_shard < 0)
        t_shard = (int)(__atomic_fetch_add(&g_next_shard, 1, __ATOMIC_RELAXED) %
                        RNR_HTABLE_SHARDS);
    return &t->shard[t_shard];
}

static uint32_t shard_limit(const struct rnr_htable *t)
{
    if (t->max != 0)
        return t->max < RNR_HTABLE_MAX / RNR_HTABLE_SHARDS
               ? t->max : RNR_HTABLE_MAX / RNR_HTABLE_SHARDS;
    return RNR_HTABLE_MAX / RNR_HTABLE_SHARDS;
}

static HANDLE encode(uint32_t shard, uint32_t local, uint32_t gen)
{
    uint32_t index = local * RNR_HTABLE_SHARDS + shard;
    uintptr_t v = ((uintptr_t)gen << IDX_BITS) | (uintptr_t)(index + 1u);

    return (HANDLE)v;
}

/* Where h points, if it is well formed: its shard, local index and
 * generation.  Nothing about the table is read. */
static int split(HANDLE h, uint32_t *shard, uint32_t *local, uint32_t *gen)
{
    uintptr_t v = (uintptr_t)h;
    uintptr_t idx1 = v & IDX_MASK;
    uint32_t g = (uint32_t)(v >> IDX_BITS) & GEN_MASK;

    if (idx1 == 0 || g == 0)
        return 0;
    *shard = (uint32_t)((idx1 - 1) % RNR_HTABLE_SHARDS);
    *local = (uint32_t)((idx1 - 1) / RNR_HTABLE_SHARDS);
    *gen = g;
    /* Bits above the generation must be clear (32-bit targets). */
    return encode(*shard, *local, g) == h;
}

/* The slot of a valid handle in its shard s, or NULL.  s's lock held. */
static struct rnr_hslot *decode(struct rnr_hshard *s, uint32_t local, uint32_t gen)
{
    struct rnr_hslot *slot;

    if (local >= s->nslots)
        return NULL;
    slot = &s->slots[local];
    if (slot->obj == NULL || slot->gen != gen)
        return NULL;
    return slot;
}

static uint32_t next_gen(struct rnr_hshard *s)
{
    s->gen = (s->gen + 1) & GEN_MASK;
    if (s->gen == 0)
        s->gen = 1;
    return s->gen;
}

static int grow(struct rnr_hshard *s, uint32_t max)
{
    uint32_t n, i;
    struct rnr_hslot *slots;

    if (s->nslots >= max)
        return WSAEMFILE;
    n = s->nslots ? s->nslots * 2 : 16;
    if (n > max)
        n = max;
    slots = rnr_realloc(s->slots, (size_t)n * sizeof(*slots));
    if (slots == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    memset(slots + s->nslots, 0, (size_t)(n - s->nslots) * sizeof(*slots));
    /* Chain the new slots in front, lowest index first. */
    for (i = n; i > s->nslots; i--) {
        slots[i - 1].next_free = s->free_head;
        s->free_head = i;
    }
    s->slots = slots;
    s->nslots = n;
    return 0;
}

int rnr_htable_add(struct rnr_htable *t, void *obj, HANDLE *out)
{
    struct rnr_hshard *s;
    struct rnr_hslot *slot;
    uint32_t local;
    int rc = 0;

    if (obj == NULL || out == NULL)
        return WSAEFAULT;
    s = add_shard(t);
    pthread_mutex_lock(&s->lock);
    if (s->free_head == 0 && (rc = grow(s, shard_limit(t))) != 0)
        goto done;
    local = s->free_head - 1;
    slot = &s->slots[local];
    s->free_head = slot->next_free;
    slot->next_free = 0;
    slot->obj = obj;
    slot->gen = next_gen(s);
    s->count++;
    *out = encode((uint32_t)(s - t->shard), local, slot->gen);
done:
    pthread_mutex_unlock(&s->lock);
    return rc;
}

void *rnr_htable_get(struct rnr_htable *t, HANDLE h, void (*ref)(void *))
{
    struct rnr_hshard *s;
    struct rnr_hslot *slot;
    uint32_t shard, local, gen;
    void *obj = NULL;

    if (!split(h, &shard, &local, &gen))
        return NULL;
    s = &t->shard[shard];
    pthread_mutex_lock(&s->lock);
    slot = decode(s, local, gen);
    if (slot != NULL) {
        obj = slot->obj;
        if (ref != NULL)
            ref(obj);
    }
    pthread_mutex_unlock(&s->lock);
    return obj;
}

/* s's lock held. */
static void *release_slot(struct rnr_hshard *s, struct rnr_hslot *slot)
{
    void *obj = slot->obj;

    slot->obj = NULL;
    slot->next_free = s->free_head;
    s->free_head = (uint32_t)(slot - s->slots) + 1;
    s->count--;
    return obj;
}

void *rnr_htable_remove(struct rnr_htable *t, HANDLE h)
{
    struct rnr_hshard *s;
    struct rnr_hslot *slot;
    uint32_t shard, local, gen;
    void *obj = NULL;

    if (!split(h, &shard, &local, &gen))
        return NULL;
    s = &t->shard[shard];
    pthread_mutex_lock(&s->lock);
    slot = decode(s, local, gen);
    if (slot != NULL)
        obj = release_slot(s, slot);
    pthread_mutex_unlock(&s->lock);
    return obj;
}

void *rnr_htable_pop(struct rnr_htable *t)
{
    void *obj = NULL;
    uint32_t k, i;

    for (k = 0; obj == NULL && k < RNR_HTABLE_SHARDS; k++) {
        struct rnr_hshard *s = &t->shard[k];

        pthread_mutex_lock(&s->lock);
        for (i = 0; s->count > 0 && i < s->nslots; i++) {
            if (s->slots[i].obj != NULL) {
                obj = release_slot(s, &s->slots[i]);
                break;
            }
        }
        pthread_mutex_unlock(&s->lock);
    }
    return obj;
}

int rnr_htable_issued(struct rnr_htable *t, HANDLE h)
{
    struct rnr_hshard *s;
    uint32_t shard, local, gen;
    int issued;

    if (!split(h, &shard, &local, &gen))
        return 0;
    s = &t->shard[shard];
    pthread_mutex_lock(&s->lock);
    issued = local < s->nslots && gen <= s->gen;
    pthread_mutex_unlock(&s->lock);
    return issued;
}

size_t rnr_htable_count(struct rnr_htable *t)
{
    size_t n = 0;
    uint32_t k;

    for (k = 0; k < RNR_HTABLE_SHARDS; k++) {
        pthread_mutex_lock(&t->shard[k].lock);
        n += t->shard[k].count;
        pthread_mutex_unlock(&t->shard[k].lock);
    }
    return n;
}

void rnr_htable_free(struct rnr_htable *t)
{
    uint32_t k;

    if (t == NULL)
        return;
    for (k = 0; k < RNR_HTABLE_SHARDS; k++) {
        struct rnr_hshard *s = &t->shard[k];

        pthread_mutex_lock(&s->lock);
        rnr_free(s->slots);
        s->slots = NULL;
        s->nslots = 0;
        s->free_head = 0;
        s->count = 0;
        /* s->gen is kept on purpose: see handles.h. */
        pthread_mutex_unlock(&s->lock);
    }
}

void rnr_htable_lock(struct rnr_htable *t)
{
    uint32_t k;

    for (k = 0; k < RNR_HTABLE_SHARDS; k++)
        pthread_mutex_lock(&t->shard[k].lock);
}

void rnr_htable_unlock(struct rnr_htable *t)
{
    uint32_t k = RNR_HTABLE_SHARDS;

    while (k-- > 0)
        pthread_mutex_unlock(&t->shard[k].lock);
}
