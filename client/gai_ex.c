/* SPDX-License-Identifier: MIT */
/*
 * GetAddrInfoExA / FreeAddrInfoEx (Microsoft's GetAddrInfoExA page):
 * getaddrinfo (gai.c) with the name space and provider chosen as
 * WSALookupServiceBegin chooses them, and the answering provider's GUID
 * in ai_provider.
 *
 * Synchronous only: timeout, lpOverlapped, lpCompletionRoutine and
 * lpHandle must be NULL, as on Windows 7 where they are reserved (the
 * documented error there is WSAEINVAL); GetAddrInfoExCancel and
 * GetAddrInfoExOverlappedResult have nothing to act on
 * (doc/windows-rules.md says why).
 */
#include "config.h"

#include <string.h>

#include "alloc.h"
#include "client.h"
#include "ws2tcpip_int.h"

#include <rnr/ws2tcpip.h>

/* The checks and the resolution GetAddrInfoExA and GetAddrInfoExW share
 * (GetAddrInfoExW passes its hints copied into an ADDRINFOEXA): the
 * request from the hints, then rnr_gai_resolve. */
int rnr_gai_ex_resolve(const char *name, const char *service, DWORD ns,
                       const GUID *nsp_id, const ADDRINFOEXA *hints,
                       struct timeval *timeout, void *ov, void *cr,
                       LPHANDLE handle, unsigned *flags_out,
                       struct rnr_gai_result *res)
{
    struct rnr_gai_req req;

    if (timeout != NULL || ov != NULL || cr != NULL || handle != NULL)
        return WSAEINVAL;
    memset(&req, 0, sizeof req);
    req.node = name;
    req.service = service;
    req.ns = ns;
    req.provider = nsp_id;
    if (hints != NULL) {
        if (hints->ai_addrlen != 0 || hints->ai_canonname != NULL ||
            hints->ai_addr != NULL || hints->ai_blob != NULL ||
            hints->ai_bloblen != 0 || hints->ai_provider != NULL ||
            hints->ai_next != NULL)
            return WSANO_RECOVERY;
        req.flags = (unsigned)hints->ai_flags;
        req.family = hints->ai_family;
        req.socktype = hints->ai_socktype;
        req.protocol = hints->ai_protocol;
    }
    *flags_out = req.flags;
    return rnr_gai_resolve(&req, res);
}

INT GetAddrInfoExA(const char *pName, const char *pServiceName, DWORD dwNameSpace,
                   LPGUID lpNspId, const ADDRINFOEXA *hints, PADDRINFOEXA *ppResult,
                   struct timeval *timeout, LPWSAOVERLAPPED lpOverlapped,
                   LPLOOKUPSERVICE_COMPLETION_ROUTINE lpCompletionRoutine,
                   LPHANDLE lpNameHandle)
{
    struct rnr_gai_result res;
    PADDRINFOEXA list;
    unsigned flags = 0;
    int st;

    memset(&res, 0, sizeof res);
    if (ppResult == NULL) {
        st = WSAEINVAL;
        goto done;
    }
    if ((st = rnr_client_enter(NULL)) != 0 ||
        (st = rnr_gai_ex_resolve(pName, pServiceName, dwNameSpace, lpNspId, hints,
                                  timeout, lpOverlapped,
                                  (void *)(uintptr_t)lpCompletionRoutine,
                                  lpNameHandle, &flags, &res)) != 0)
        goto done;
    if ((list = rnr_gai_list_build(&res, flags, &rnr_gai_shape_exa, res.canon,
                                   res.canon ? strlen(res.canon) + 1 : 0)) == NULL) {
        st = WSA_NOT_ENOUGH_MEMORY;
        goto done;
    }
    *ppResult = list;
done:
    rnr_gai_result_clear(&res);
    if (st != 0 && ppResult != NULL)
        *ppResult = NULL;
    WSASetLastError(st);
    return st;
}

void FreeAddrInfoEx(PADDRINFOEXA pAddrInfoEx)
{
    rnr_free(pAddrInfoEx);
}

/* No call is ever pending, so there is nothing a handle could name. */
INT GetAddrInfoExCancel(LPHANDLE lpHandle)
{
    (void)lpHandle;
    WSASetLastError(WSA_INVALID_HANDLE);
    return WSA_INVALID_HANDLE;
}

INT GetAddrInfoExOverlappedResult(LPWSAOVERLAPPED lpOverlapped)
{
    (void)lpOverlapped;
    WSASetLastError(WSAEINVAL);
    return WSAEINVAL;
}
