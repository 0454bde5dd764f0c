/* SPDX-License-Identifier: MIT */
/*
 * The query set data model: validation of caller query sets, exact-size
 * flattening into one buffer (the WSAQUERYSETA first, then every string,
 * GUID, version, protocol, CSADDR, sockaddr and blob it points to, each
 * aligned to RNR_ALIGN), deep copies, and the result filters the daemon
 * applies (LUP_RETURN_* mask, protocol and version restrictions).
 *
 * A "flat" query set is one allocation whose pointers all point inside it:
 * it is freed with one rnr_free() and copied with rnr_qs_flatten().
 */
#ifndef RNR_QUERYSET_H
#define RNR_QUERYSET_H

#include <stddef.h>
#include <rnr/winsock2.h>

/* Bounds on what a query set may carry; wire messages and API arguments
 * beyond them get WSAEINVAL. */
#define RNR_QS_MAX_STRING     4096u     /* bytes, without the NUL */
#define RNR_QS_MAX_PROTOCOLS  64u
#define RNR_QS_MAX_CSADDRS    1024u
#define RNR_QS_MAX_BLOB       65536u
#define RNR_QS_MAX_SOCKADDR   128u      /* sizeof(struct sockaddr_storage) */

/* Checks a query set handed in by an application or a peer: dwSize, counts
 * that match non-NULL arrays and stay within bounds, sockaddr lengths
 * within [sizeof(sa_family_t), RNR_QS_MAX_SOCKADDR] and consistent with
 * the family (AF_INET >= sizeof(sockaddr_in), AF_INET6 >= sizeof
 * (sockaddr_in6)), strings and blob within bounds.  `need_class` demands
 * lpServiceClassId (lookups and registrations do).
 * Returns 0, WSAEINVAL or WSAEFAULT (NULL qs). */
int rnr_qs_validate(const WSAQUERYSETA *qs, int need_class);

/* The exact number of bytes rnr_qs_flatten() needs for qs. */
size_t rnr_qs_flat_size(const WSAQUERYSETA *qs);

/* Copies qs and everything it points to into buf.  `len` must be at least
 * rnr_qs_flat_size(qs); returns the bytes used, or 0 when len is short
 * (buf untouched in that case).  dwSize is set to sizeof(WSAQUERYSETA).
 * A NULL pointer stays NULL; a zero count with a non-NULL array gives a
 * NULL array. */
size_t rnr_qs_flatten(const WSAQUERYSETA *qs, void *buf, size_t len);

/* A newly allocated flat copy (free with rnr_free), or NULL on ENOMEM.
 * *size_out, if non-NULL, receives its size. */
WSAQUERYSETA *rnr_qs_dup(const WSAQUERYSETA *qs, size_t *size_out);

/* Fills *view as a shallow copy of src keeping only what the LUP_RETURN_*
 * bits of lup_flags ask for:
 *   NAME -> lpszServiceInstanceName, TYPE -> lpServiceClassId,
 *   VERSION -> lpVersion, COMMENT -> lpszComment, ADDR -> csaddrs,
 *   BLOB -> lpBlob, QUERY_STRING -> lpszQueryString.
 * dwSize, dwNameSpace, lpNSProviderId, lpszContext and dwOutputFlags are
 * always kept; protocols are always dropped (undefined for results). */
void rnr_qs_mask(WSAQUERYSETA *view, const WSAQUERYSETA *src, DWORD lup_flags);

/* Does a result's version satisfy the query's lpVersion?  A NULL query
 * version matches everything; a result without a version matches only a
 * NULL query version. */
int rnr_qs_version_matches(const WSAVERSION *want, const WSAVERSION *have);

/* Does the CSADDR match one of the protocol restrictions?  A pair matches
 * when the families are equal and the protocols are equal or either is 0.
 * n == 0 matches everything. */
int rnr_qs_csaddr_matches(const CSADDR_INFO *ca, const AFPROTOCOLS *afp, DWORD n);

/* Does `name` match `pattern` with '*' (any run) and '?' (one character),
 * ASCII case-insensitively? */
int rnr_wildcard_match(const char *pattern, const char *name);

#endif
