/* SPDX-License-Identifier: MIT */
/*
 * Service class information (WSASERVICECLASSINFOA): validation, exact-size
 * flattening into one buffer (the WSASERVICECLASSINFOA first, then the
 * GUID, the class name, the WSANSCLASSINFOA array, and every name and value
 * it points to, aligned to RNR_ALIGN), deep copies and name-space filtering.
 */
#ifndef RNR_CLASSINFO_H
#define RNR_CLASSINFO_H

#include <stddef.h>
#include <rnr/winsock2.h>

#define RNR_CLASS_MAX_NAME    256u    /* bytes, without the NUL */
#define RNR_CLASS_MAX_ENTRIES 256u
#define RNR_CLASS_MAX_VALUE   4096u   /* bytes of one lpValue */

/* 0, WSAEINVAL (NULL class id, over-long strings, too many entries,
 * dwValueSize beyond bounds or with a NULL lpValue, REG_DWORD whose size
 * is not 4, REG_SZ not NUL-terminated within dwValueSize) or WSAEFAULT
 * (NULL info). */
int rnr_class_validate(const WSASERVICECLASSINFOA *ci);

size_t rnr_class_flat_size(const WSASERVICECLASSINFOA *ci);
/* As rnr_qs_flatten: bytes used, or 0 when len is short. */
size_t rnr_class_flatten(const WSASERVICECLASSINFOA *ci, void *buf, size_t len);
WSASERVICECLASSINFOA *rnr_class_dup(const WSASERVICECLASSINFOA *ci, size_t *size_out);

/* A flat copy holding only the entries whose dwNameSpace is `ns` or NS_ALL
 * (all entries when ns == NS_ALL).  Free with rnr_free. */
WSASERVICECLASSINFOA *rnr_class_dup_for_ns(const WSASERVICECLASSINFOA *ci, DWORD ns,
                                           size_t *size_out);

/* Structural equality (same id, name, entries in the same order). */
int rnr_class_equal(const WSASERVICECLASSINFOA *a, const WSASERVICECLASSINFOA *b);

#endif
