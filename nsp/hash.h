/* SPDX-License-Identifier: MIT */
/*
 * One seeded 64-bit hash for every table keyed by names a client or the
 * network chooses.  With a random seed nobody outside the process can
 * pick keys that share a bucket, which an unseeded FNV lets anyone do.
 */
#ifndef RNR_NSP_HASH_H
#define RNR_NSP_HASH_H

#include <stddef.h>
#include <stdint.h>

/* Eight bytes a step, then murmur3's 64-bit finaliser.  The result for a
 * given seed is part of the answer-cache file format (its index is
 * hashed with the file's seed by every reader): do not change it. */
uint64_t rnr_hash64(uint64_t seed, const void *key, size_t len);

/* A fresh random seed from getrandom; before the kernel has entropy
 * (early boot) a mix of clock, pid and address, which still spreads
 * buckets but is guessable. */
uint64_t rnr_hash_seed(void);

#endif
