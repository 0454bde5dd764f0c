/* SPDX-License-Identifier: MIT */
/*
 * Configuration values checked against their declared type (struct
 * rnr_nsp_key, <rnr/nsp.h>): what rnrd does for every key of every
 * section before anything starts, and what providers use to read the
 * same values the same way.
 */
#ifndef RNR_CONFKEY_H
#define RNR_CONFKEY_H

#include <stddef.h>
#include <stdint.h>

#include <rnr/nsp.h>

/* The entry named `name` in a table ended by a NULL name, or NULL. */
const struct rnr_nsp_key *rnr_confkey_find(const struct rnr_nsp_key *keys, const char *name);

/* 0 when `value` is one of `key`'s type, else -1 with what was expected
 * written to why (always NUL-terminated). */
int rnr_confkey_check(const struct rnr_nsp_key *key, const char *value, char *why,
                      size_t whylen);

/* yes, true, on, 1 / no, false, off, 0, any case: 0 and *out, or -1. */
int rnr_confkey_bool(const char *value, int *out);

/* A decimal number from min to max, nothing else: 0 and *out, or -1. */
int rnr_confkey_uint(const char *value, uint64_t min, uint64_t max, uint64_t *out);

/* One item of a host:port list: "ADDR", "ADDR:PORT", "[ADDR6]" or
 * "[ADDR6]:PORT" (len bytes at item).  0 with the address text in host
 * (hostlen >= 46), *is_v6 and *port (0 when none was given), or -1. */
int rnr_confkey_hostport(const char *item, size_t len, char *host, size_t hostlen,
                         int *is_v6, unsigned *port);

/* The next item of a list separated by commas and blanks, advancing
 * *cursor past it: its start, with its length in *len; NULL at the end. */
const char *rnr_confkey_item(const char **cursor, size_t *len);

/* Name of a type ("uint", "path", ...), for listings. */
const char *rnr_confkey_type_name(enum rnr_nsp_key_type type);

#endif
