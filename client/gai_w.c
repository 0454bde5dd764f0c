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

static PADDRINFOW build_list_w(const struct rnr_gai_result *res, unsigned flags,
                               const WCHAR *canon)
{
    size_t n = res->n, i;
    size_t clen = canon != NULL ? (rnr_wcslen(canon) + 1) * sizeof(WCHAR) : 0;
    size_t off_sa = RNR_GAI_ALIGN(n * sizeof(ADDRINFOW));
    size_t off_name = off_sa + n * sizeof(struct sockaddr_storage);
    unsigned char *block = rnr_malloc(off_name + clen);
    ADDRINFOW *ai;

    if (block == NULL)
        return NULL;
    ai = (ADDRINFOW *)(void *)block;
    for (i = 0; i < n; i++) {
        struct sockaddr *sa = (struct sockaddr *)(void *)
            (block + off_sa + i * sizeof(struct sockaddr_storage));

        memcpy(sa, &res->addrs[i].sa, res->addrs[i].len);
        ai[i].ai_flags = (int)flags;
        ai[i].ai_family = res->addrs[i].family;
        ai[i].ai_socktype = res->socktype;
        ai[i].ai_protocol = res->protocol;
        ai[i].ai_addrlen = res->addrs[i].len;
        ai[i].ai_canonname = NULL;
        ai[i].ai_addr = sa;
        ai[i].ai_next = i + 1 < n ? &ai[i + 1] : NULL;
    }
    if (clen > 0) {
        memcpy(block + off_name, canon, clen);
        ai[0].ai_canonname = (WCHAR *)(void *)(block + off_name);
    }
    return ai;
}

static PADDRINFOEXW build_list_exw(const struct rnr_gai_result *res, unsigned flags,
                                   const WCHAR *canon)
{
    static const GUID zero;
    size_t n = res->n, i;
    size_t clen = canon != NULL ? (rnr_wcslen(canon) + 1) * sizeof(WCHAR) : 0;
    size_t off_sa = RNR_GAI_ALIGN(n * sizeof(ADDRINFOEXW));
    size_t off_guid = off_sa + n * sizeof(struct sockaddr_storage);
    size_t off_name = off_guid + sizeof(GUID);
    unsigned char *block = rnr_malloc(off_name + clen);
    int has_provider = memcmp(&res->provider, &zero, sizeof zero) != 0;
    ADDRINFOEXW *ai;
    GUID *g;

    if (block == NULL)
        return NULL;
    ai = (ADDRINFOEXW *)(void *)block;
    g = (GUID *)(void *)(block + off_guid);
    *g = res->provider;
    for (i = 0; i < n; i++) {
        struct sockaddr *sa = (struct sockaddr *)(void *)
            (block + off_sa + i * sizeof(struct sockaddr_storage));

        memcpy(sa, &res->addrs[i].sa, res->addrs[i].len);
        ai[i].ai_flags = (int)flags;
        ai[i].ai_family = res->addrs[i].family;
        ai[i].ai_socktype = res->socktype;
        ai[i].ai_protocol = res->protocol;
        ai[i].ai_addrlen = res->addrs[i].len;
        ai[i].ai_canonname = NULL;
        ai[i].ai_addr = sa;
        ai[i].ai_blob = NULL;
        ai[i].ai_bloblen = 0;
        ai[i].ai_provider = has_provider ? g : NULL;
        ai[i].ai_next = i + 1 < n ? &ai[i + 1] : NULL;
    }
    if (clen > 0) {
        memcpy(block + off_name, canon, clen);
        ai[0].ai_canonname = (WCHAR *)(void *)(block + off_name);
    }
    return ai;
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
    if ((list = build_list_w(&res, req.flags, canon)) == NULL) {
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
    if ((list = build_list_exw(&res, flags, canon)) == NULL) {
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
