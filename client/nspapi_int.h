/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the legacy name-service API files (nsp_getaddr.c,
 * nsp_service.c, nsp_types.c).  They are built on librnr's public WSA
 * functions only, so the legacy calls behave exactly as an application
 * using those functions would see them.
 */
#ifndef RNR_NSPAPI_INT_H
#define RNR_NSPAPI_INT_H

#include <stddef.h>

#include <rnr/nspapi.h>

/* An open WSALookupService* handle and the status it ended with. */
struct nsp_lookup {
    HANDLE h;
    int    status;   /* Begin's error or the first non-NO_MORE Next error */
    int    got;      /* results handed out */
};

/* WSALookupServiceBegin; 0 or its error (also left in lk->status). */
int  nsp_lookup_begin(struct nsp_lookup *lk, WSAQUERYSETA *q, DWORD flags);

/* The next result as a fresh flat copy (free with rnr_free), or NULL at
 * the end or on an error, then in lk->status (0 for a plain end). */
WSAQUERYSETA *nsp_lookup_next(struct nsp_lookup *lk);

void nsp_lookup_end(struct nsp_lookup *lk);

/* Is this the status of a lookup that simply found nothing (as opposed to
 * a daemon that is down, a bad argument ...)?  0 counts: it is what a
 * lookup that ended without results leaves in nsp_lookup.status. */
int  nsp_status_not_found(int status);

/* Output buffer filled in two passes: with base == NULL it only counts
 * (measure), then the same calls with a buffer place the data. */
struct nsp_out {
    char  *base;
    size_t used;
};

/* Reserves n bytes (aligned to RNR_ALIGN) and copies src there when src
 * is non-NULL; returns the place, NULL while measuring. */
void *nsp_out_take(struct nsp_out *o, const void *src, size_t n);

/* The thread's last error is restored on success: the WSA calls these
 * functions make may fail on the way (a WSAEFAULT sizing call, the
 * WSA_E_NO_MORE that ends every lookup) without the legacy call failing. */
int  nsp_fail(int error);

/* WSAEnumProtocolsA into a fresh array (rnr_free it): 0 with *out / *n,
 * or the error. */
int  nsp_transports(const INT *protocols, WSAPROTOCOL_INFOA **out, int *n);

/* GetTypeByName without touching the last error: 0, WSATYPE_NOT_FOUND or
 * the error of the WSA call that failed. */
int  nsp_type_by_name(const char *name, GUID *out);

#endif
