/* SPDX-License-Identifier: MIT */
/*
 * The seeded hash (see hash.h).  It was the answer cache's own and moved
 * here unchanged so the provider tables could share it; the answer cache
 * file format depends on its output staying bit-for-bit the same.
 */
#include "config.h"

#include "hash.h"

#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

static inline uint64_t hash_step(uint64_t h, uint64_t w)
{
    w *= 0x87c37b91114253d5ull;
    h ^= w;
    return ((h << 31) | (h >> 33)) * 0x4cf5ad432745937full;
}

/* The tail is copied into a zeroed word, never read in place, so no
 * length reads past the end of the key. */
uint64_t rnr_hash64(uint64_t seed, const void *key, size_t len)
{
    const uint8_t *p = key;
    uint64_t h = seed ^ ((uint64_t)len * 0x9e3779b97f4a7c15ull), w;

    for (; len >= 8; p += 8, len -= 8) {
        memcpy(&w, p, 8);
        h = hash_step(h, w);
    }
    if (len > 0) {
        w = 0;
        memcpy(&w, p, len);
        h = hash_step(h, w);
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 33);
}

uint64_t rnr_hash_seed(void)
{
    struct timespec ts = { 0, 0 };
    uint64_t seed;

    if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == (ssize_t)sizeof(seed))
        return seed;
    /* No entropy yet: the seed still spreads buckets, it is only guessable. */
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec) ^
           ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)&seed;
}
