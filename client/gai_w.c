/* SPDX-License-Identifier: MIT */
/*
 * The W twins of the ws2tcpip functions: GetAddrInfoW, GetAddrInfoExW,
 * GetNameInfoW, InetPtonW, InetNtopW.  Each converts its strings at the
 * boundary (utf16.c) and runs the same code as the A function, so both
 * answer exactly alike; text that is not valid UTF-16 is WSAEINVAL.
 * Lengths of caller buffers count WCHARs, as Microsoft's pages say.
 */
#include "config.h"

#include <string.h>

#include "alloc.h"
#include "client.h"
#include "utf16.h"
#include "ws2tcpip_int.h"

#include <rnr/ws2tcpip.h>

/* The canonical name in UTF-16 (NULL when there is none): 0, or
 * WSA_NOT_ENOUGH_MEMORY / WSAEINVAL. */
static int canon_w(const struct rnr_gai_result *res, WCHAR **out)
{
    *out = NULL;
    return res->canon != NULL ? rnr_utf8_to_utf16_dup(res->canon, out) : 0;
}

/* The bytes of canon with its NUL, 0 for none. */
static size_t canon_bytes(const WCHAR *canon)
{
    return canon != NULL ? (rnr_wcslen(canon) + 1) * sizeof(WCHAR) : 0;
}

/* Node and service in UTF-8 (NULL stays NULL). */
static int names_utf8(PCWSTR node, PCWSTR service, char **n8, char **s8)
{
    int st;

    *n8 = *s8 = NULL;
    if ((st = rnr_utf16_to_utf8_dup(node, n8)) != 0)
        return st;
    if ((st = rnr_utf16_to_utf8_dup(service, s8)) != 0) {
        rnr_free(*n8);
        *n8 = NULL;
    }
    return st;
}

INT GetAddrInfoW(PCWSTR pNodeName, PCWSTR pServiceName, const ADDRINFOW *pHints,
                 PADDRINFOW *ppResult)
{
    struct rnr_gai_req req;
    struct rnr_gai_result res;
    char *node = NULL, *service = NULL;
    WCHAR *canon = NULL;
    PADDRINFOW list;
    int st;

    memset(&res, 0, sizeof res);
    if (ppResult == NULL) {
        st = WSAEINVAL;
        goto done;
    }
    memset(&req, 0, sizeof req);
    if (pHints != NULL) {
        if (pHints->ai_addrlen != 0 || pHints->ai_canonname != NULL ||
            pHints->ai_addr != NULL || pHints->ai_next != NULL) {
            st = WSANO_RECOVERY;
            goto done;
        }
        req.flags = (unsigned)pHints->ai_flags;
        req.family = pHints->ai_family;
        req.socktype = pHints->ai_socktype;
        req.protocol = pHints->ai_protocol;
    }
    if ((st = rnr_client_enter(NULL)) != 0 ||
        (st = names_utf8(pNodeName, pServiceName, &node, &service)) != 0)
        goto done;
    req.node = node;
    req.service = service;
    if ((st = rnr_gai_resolve(&req, &res)) != 0 || (st = canon_w(&res, &canon)) != 0)
        goto done;
    if ((list = rnr_gai_list_build(&res, req.flags, &rnr_gai_shape_w, canon,
                                   canon_bytes(canon))) == NULL) {
        st = WSA_NOT_ENOUGH_MEMORY;
        goto done;
    }
    *ppResult = list;
done:
    rnr_free(canon);
    rnr_free(node);
    rnr_free(service);
    rnr_gai_result_clear(&res);
    if (st != 0 && ppResult != NULL)
        *ppResult = NULL;
    WSASetLastError(st);
    return st;
}

void FreeAddrInfoW(PADDRINFOW pAddrInfo)
{
    rnr_free(pAddrInfo);
}

INT GetAddrInfoExW(PCWSTR pName, PCWSTR pServiceName, DWORD dwNameSpace,
                   LPGUID lpNspId, const ADDRINFOEXW *hints, PADDRINFOEXW *ppResult,
                   struct timeval *timeout, LPWSAOVERLAPPED lpOverlapped,
                   LPLOOKUPSERVICE_COMPLETION_ROUTINE lpCompletionRoutine,
                   LPHANDLE lpHandle)
{
    struct rnr_gai_result res;
    char *node = NULL, *service = NULL;
    WCHAR *canon = NULL;
    PADDRINFOEXW list;
    ADDRINFOEXA ha;
    unsigned flags = 0;
    int st;

    memset(&res, 0, sizeof res);
    /* The A hints, member by member: only their presence matters for
     * the pointers (they must be NULL). */
    memset(&ha, 0, sizeof ha);
    if (hints != NULL) {
        ha.ai_flags = hints->ai_flags;
        ha.ai_family = hints->ai_family;
        ha.ai_socktype = hints->ai_socktype;
        ha.ai_protocol = hints->ai_protocol;
        ha.ai_addrlen = hints->ai_addrlen;
        ha.ai_canonname = hints->ai_canonname != NULL ? (char *)"" : NULL;
        ha.ai_addr = hints->ai_addr;
        ha.ai_blob = hints->ai_blob;
        ha.ai_bloblen = hints->ai_bloblen;
        ha.ai_provider = hints->ai_provider;
        ha.ai_next = hints->ai_next != NULL ? (ADDRINFOEXA *)&ha : NULL;
    }
    if (ppResult == NULL) {
        st = WSAEINVAL;
        goto done;
    }
    if ((st = rnr_client_enter(NULL)) != 0 ||
        (st = names_utf8(pName, pServiceName, &node, &service)) != 0 ||
        (st = rnr_gai_ex_resolve(node, service, dwNameSpace, lpNspId,
                                  hints != NULL ? &ha : NULL,
                                  timeout, lpOverlapped,
                                  (void *)(uintptr_t)lpCompletionRoutine, lpHandle,
                                  &flags, &res)) != 0 ||
        (st = canon_w(&res, &canon)) != 0)
        goto done;
    if ((list = rnr_gai_list_build(&res, flags, &rnr_gai_shape_exw, canon,
                                   canon_bytes(canon))) == NULL) {
        st = WSA_NOT_ENOUGH_MEMORY;
        goto done;
    }
    *ppResult = list;
done:
    rnr_free(canon);
    rnr_free(node);
    rnr_free(service);
    rnr_gai_result_clear(&res);
    if (st != 0 && ppResult != NULL)
        *ppResult = NULL;
    WSASetLastError(st);
    return st;
}

void FreeAddrInfoExW(PADDRINFOEXW pAddrInfoEx)
{
    rnr_free(pAddrInfoEx);
}

INT GetNameInfoW(const struct sockaddr *pSockaddr, socklen_t SockaddrLength,
                 PWCHAR pNodeBuffer, DWORD NodeBufferSize, PWCHAR pServiceBuffer,
                 DWORD ServiceBufferSize, INT Flags)
{
    int want_host = pNodeBuffer != NULL && NodeBufferSize > 0;
    int want_serv = pServiceBuffer != NULL && ServiceBufferSize > 0;
    char host[RNR_NI_MAXHOST], serv[RNR_NI_MAXSERV];
    size_t need_host = 0, need_serv = 0;
    int st;

    st = rnr_nameinfo_resolve(pSockaddr, SockaddrLength, want_host, want_serv,
                              Flags, host, serv);
    if (st != 0)
        goto done;
    /* Sizes first, so that nothing is written unless everything fits. */
    if ((want_host && (st = rnr_utf8_to_utf16(host, NULL, 0, &need_host)) != 0 &&
         st != WSAEFAULT) ||
        (want_serv && (st = rnr_utf8_to_utf16(serv, NULL, 0, &need_serv)) != 0 &&
         st != WSAEFAULT))
        goto done;
    if ((want_host && need_host > NodeBufferSize) ||
        (want_serv && need_serv > ServiceBufferSize)) {
        st = WSAEFAULT;
        goto done;
    }
    st = 0;
    if (want_host)
        st = rnr_utf8_to_utf16(host, pNodeBuffer, NodeBufferSize, &need_host);
    if (st == 0 && want_serv)
        st = rnr_utf8_to_utf16(serv, pServiceBuffer, ServiceBufferSize, &need_serv);
done:
    WSASetLastError(st);
    return st;
}

/* Addresses are ASCII: WCHARs above 0x7f make the text no address. */
static int ascii_of(PCWSTR w, char *buf, size_t cap)
{
    size_t i;

    for (i = 0; w[i] != 0; i++) {
        if (w[i] > 0x7f || i + 1 >= cap)
            return 0;
        buf[i] = (char)w[i];
    }
    buf[i] = '\0';
    return 1;
}

INT InetPtonW(INT Family, PCWSTR pszAddrString, void *pAddrBuf)
{
    char text[INET6_ADDRSTRLEN_WS + 1];
    int rc;

    if (pszAddrString == NULL || pAddrBuf == NULL)
        return rnr_fail(WSAEFAULT);
    if (Family != AF_INET && Family != AF_INET6)
        return rnr_fail(WSAEAFNOSUPPORT);
    rc = ascii_of(pszAddrString, text, sizeof text)
        ? rnr_inet_pton(Family, text, pAddrBuf) : 0;
    /* Unlike inet_pton, Windows' InetPtonW records why it returned 0
     * (Wine's test_inet_pton). */
    if (rc == 0)
        WSASetLastError(WSAEINVAL);
    return rc;
}

PCWSTR InetNtopW(INT Family, const void *pAddr, PWSTR pStringBuf, size_t StringBufSize)
{
    char text[INET6_ADDRSTRLEN_WS];
    size_t i;

    if (rnr_inet_ntop(Family, pAddr, text, sizeof text) == NULL)
        return NULL;
    if (pStringBuf == NULL || strlen(text) >= StringBufSize) {
        rnr_fail(WSAEINVAL);
        return NULL;
    }
    for (i = 0; text[i] != '\0'; i++)
        pStringBuf[i] = (WCHAR)(unsigned char)text[i];
    pStringBuf[i] = 0;
    return pStringBuf;
}
