/* SPDX-License-Identifier: MIT */
/*
 * rnr - Winsock 2 Registration and Name Resolution for Linux.
 *
 * <rnr/ws2tcpip.h>: the protocol-independent name resolution of Windows'
 * ws2tcpip.h: getaddrinfo / GetAddrInfoW / GetAddrInfoExA / GetAddrInfoExW,
 * getnameinfo / GetNameInfoW, inet_pton / inet_ntop and their W twins.
 * Not included by <rnr/winsock2.h> (as on Windows): include it after it,
 * or on its own.  They resolve through rnrd's providers, exactly as
 * WSALookupServiceBegin does; doc/windows-rules.md ("ws2tcpip") lists the
 * rules followed, flag by flag.
 *
 * Layouts and values are the Windows SDK's: ai_addrlen is a size_t and
 * ai_canonname comes before ai_addr (glibc has the other order), the AI_,
 * NI_ and EAI_ values are Windows' (EAI_NONAME is WSAHOST_NOT_FOUND ...).
 *
 * The names that clash with the C library (getaddrinfo, freeaddrinfo,
 * getnameinfo, gai_strerror, inet_pton, inet_ntop, struct addrinfo and
 * the AI_ / NI_ / EAI_ constants) are exported as rnr_getaddrinfo ...,
 * struct rnr_addrinfo and RNR_AI_ ... and mapped onto the Windows
 * spellings here, unless RNR_NO_WINSOCK_NAMES is defined before this
 * header is included (then libc's keep their names and the rnr ones are
 * used under theirs).
 *
 * Who frees what:
 *   - A result list of getaddrinfo is the caller's; free it (the whole
 *     list, from its first element) with freeaddrinfo, GetAddrInfoW's with
 *     FreeAddrInfoW, GetAddrInfoExA's with FreeAddrInfoEx and
 *     GetAddrInfoExW's with FreeAddrInfoExW.  Each list is one allocation:
 *     never free or relink single elements.  The free functions accept
 *     NULL.
 *   - *ppResult is the new list on success and NULL on failure, as on
 *     Windows (code ported from Windows tests it).  getnameinfo writes
 *     neither buffer unless both parts fit; inet_pton writes the address
 *     only on success.
 *   - inet_ntop / InetNtopW write into the caller's buffer and return it;
 *     gai_strerror's string is static.
 */
#ifndef RNR_WS2TCPIP_H
#define RNR_WS2TCPIP_H

/* libc's declarations first, for the reason <rnr/ws2getxbyy.h> gives:
 * the macros below would otherwise rename libc's own prototypes. */
#include <netdb.h>
#include <arpa/inet.h>
#include <sys/time.h>

#include <rnr/winsock2.h>
#include <rnr/ws2nspioctl.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Values (ws2def.h / ws2tcpip.h)                                       */
/* ------------------------------------------------------------------ */
#define RNR_AI_PASSIVE                 0x00000001
#define RNR_AI_CANONNAME               0x00000002
#define RNR_AI_NUMERICHOST             0x00000004
#define RNR_AI_NUMERICSERV             0x00000008
#define RNR_AI_DNS_ONLY                0x00000010
#define RNR_AI_ALL                     0x00000100
#define RNR_AI_ADDRCONFIG              0x00000400
#define RNR_AI_V4MAPPED                0x00000800
#define RNR_AI_NON_AUTHORITATIVE       0x00004000
#define RNR_AI_SECURE                  0x00008000
#define RNR_AI_RETURN_PREFERRED_NAMES  0x00010000
#define RNR_AI_FQDN                    0x00020000
#define RNR_AI_FILESERVER              0x00040000
#define RNR_AI_DISABLE_IDN_ENCODING    0x00080000
#define RNR_AI_RESOLUTION_HANDLE       0x40000000
#define RNR_AI_EXTENDED                0x80000000u

#define RNR_NI_NOFQDN      0x01
#define RNR_NI_NUMERICHOST 0x02
#define RNR_NI_NAMEREQD    0x04
#define RNR_NI_NUMERICSERV 0x08
#define RNR_NI_DGRAM       0x10
#define RNR_NI_MAXHOST     1025
#define RNR_NI_MAXSERV     32

#define RNR_EAI_AGAIN         WSATRY_AGAIN
#define RNR_EAI_BADFLAGS      WSAEINVAL
#define RNR_EAI_FAIL          WSANO_RECOVERY
#define RNR_EAI_FAMILY        WSAEAFNOSUPPORT
#define RNR_EAI_MEMORY        WSA_NOT_ENOUGH_MEMORY
#define RNR_EAI_NOSECURENAME  WSA_SECURE_HOST_NOT_FOUND
#define RNR_EAI_NONAME        WSAHOST_NOT_FOUND
#define RNR_EAI_SERVICE       WSATYPE_NOT_FOUND
#define RNR_EAI_SOCKTYPE      WSAESOCKTNOSUPPORT
#define RNR_EAI_IPSECPOLICY   WSA_IPSEC_NAME_POLICY_ERROR
#define RNR_EAI_NODATA        RNR_EAI_NONAME

#define INET_ADDRSTRLEN_WS  22    /* Windows' INET_ADDRSTRLEN */
#define INET6_ADDRSTRLEN_WS 65    /* Windows' INET6_ADDRSTRLEN */

/* ------------------------------------------------------------------ */
/* Structures, in the SDK's member order                                */
/* ------------------------------------------------------------------ */
typedef struct rnr_addrinfo {
    int                  ai_flags;
    int                  ai_family;
    int                  ai_socktype;
    int                  ai_protocol;
    size_t               ai_addrlen;
    char                *ai_canonname;
    struct sockaddr     *ai_addr;
    struct rnr_addrinfo *ai_next;
} ADDRINFOA, *PADDRINFOA;

typedef struct addrinfoexA {
    int                 ai_flags;
    int                 ai_family;
    int                 ai_socktype;
    int                 ai_protocol;
    size_t              ai_addrlen;
    char               *ai_canonname;
    struct sockaddr    *ai_addr;
    void               *ai_blob;
    size_t              ai_bloblen;
    LPGUID              ai_provider;
    struct addrinfoexA *ai_next;
} ADDRINFOEXA, *PADDRINFOEXA, *LPADDRINFOEXA;

typedef struct addrinfoW {
    int               ai_flags;
    int               ai_family;
    int               ai_socktype;
    int               ai_protocol;
    size_t            ai_addrlen;
    PWSTR             ai_canonname;
    struct sockaddr  *ai_addr;
    struct addrinfoW *ai_next;
} ADDRINFOW, *PADDRINFOW;

typedef struct addrinfoexW {
    int                 ai_flags;
    int                 ai_family;
    int                 ai_socktype;
    int                 ai_protocol;
    size_t              ai_addrlen;
    PWSTR               ai_canonname;
    struct sockaddr    *ai_addr;
    void               *ai_blob;
    size_t              ai_bloblen;
    LPGUID              ai_provider;
    struct addrinfoexW *ai_next;
} ADDRINFOEXW, *PADDRINFOEXW, *LPADDRINFOEXW;

typedef void (*LPLOOKUPSERVICE_COMPLETION_ROUTINE)(DWORD dwError, DWORD dwBytes,
                                                   LPWSAOVERLAPPED lpOverlapped);

/* ------------------------------------------------------------------ */
/* Functions                                                            */
/* ------------------------------------------------------------------ */

/* 0 or an EAI_ (= WSA) code, also recorded as the thread's last error. */
INT  rnr_getaddrinfo(const char *pNodeName, const char *pServiceName,
                     const ADDRINFOA *pHints, PADDRINFOA *ppResult);
void rnr_freeaddrinfo(PADDRINFOA pAddrInfo);
INT  rnr_getnameinfo(const struct sockaddr *pSockaddr, socklen_t SockaddrLength,
                     char *pNodeBuffer, DWORD NodeBufferSize,
                     char *pServiceBuffer, DWORD ServiceBufferSize, INT Flags);
/* Windows' message text for an EAI_ / WSA code; static, never NULL. */
char *rnr_gai_strerror(INT ecode);

/* dwNameSpace (NS_ALL, NS_DNS, NS_TCPIP_HOSTS ...) and lpNspId (a
 * provider's GUID, or NULL) choose the providers as in
 * WSALookupServiceBegin.  timeout, lpOverlapped, lpCompletionRoutine and
 * lpNameHandle must be NULL (WSAEINVAL otherwise): see
 * doc/windows-rules.md for why rnr resolves synchronously only. */
INT  GetAddrInfoExA(const char *pName, const char *pServiceName, DWORD dwNameSpace,
                    LPGUID lpNspId, const ADDRINFOEXA *hints, PADDRINFOEXA *ppResult,
                    struct timeval *timeout, LPWSAOVERLAPPED lpOverlapped,
                    LPLOOKUPSERVICE_COMPLETION_ROUTINE lpCompletionRoutine,
                    LPHANDLE lpNameHandle);
void FreeAddrInfoEx(PADDRINFOEXA pAddrInfoEx);
INT  GetAddrInfoExCancel(LPHANDLE lpHandle);
INT  GetAddrInfoExOverlappedResult(LPWSAOVERLAPPED lpOverlapped);

/* The W twins: the same answers, strings in UTF-16 (text that is not
 * valid UTF-16 is WSAEINVAL).  GetNameInfoW's buffer sizes count WCHARs. */
INT  GetAddrInfoW(PCWSTR pNodeName, PCWSTR pServiceName, const ADDRINFOW *pHints,
                  PADDRINFOW *ppResult);
void FreeAddrInfoW(PADDRINFOW pAddrInfo);
INT  GetNameInfoW(const struct sockaddr *pSockaddr, socklen_t SockaddrLength,
                  PWCHAR pNodeBuffer, DWORD NodeBufferSize, PWCHAR pServiceBuffer,
                  DWORD ServiceBufferSize, INT Flags);
INT  GetAddrInfoExW(PCWSTR pName, PCWSTR pServiceName, DWORD dwNameSpace,
                    LPGUID lpNspId, const ADDRINFOEXW *hints, PADDRINFOEXW *ppResult,
                    struct timeval *timeout, LPWSAOVERLAPPED lpOverlapped,
                    LPLOOKUPSERVICE_COMPLETION_ROUTINE lpCompletionRoutine,
                    LPHANDLE lpHandle);
void FreeAddrInfoExW(PADDRINFOEXW pAddrInfoEx);

/* 1 (*pAddrBuf written), 0 (not an address of the family; last error
 * untouched), or -1 with WSAEFAULT / WSAEAFNOSUPPORT. */
INT         rnr_inet_pton(INT Family, const char *pszAddrString, void *pAddrBuf);
/* pStringBuf, or NULL with WSAEAFNOSUPPORT / WSAEINVAL (NULL or short
 * buffer; StringBufSize counts bytes). */
const char *rnr_inet_ntop(INT Family, const void *pAddr, char *pStringBuf,
                          size_t StringBufSize);

/* InetPtonW also records WSAEINVAL when it returns 0; InetNtopW's
 * StringBufSize counts WCHARs. */
INT          InetPtonW(INT Family, PCWSTR pszAddrString, void *pAddrBuf);
PCWSTR       InetNtopW(INT Family, const void *pAddr, PWSTR pStringBuf,
                       size_t StringBufSize);

#ifdef __cplusplus
}
#endif

/* The generic names, as the SDK maps them. */
#define GetAddrInfoA  rnr_getaddrinfo
#define FreeAddrInfoA rnr_freeaddrinfo
#define GetNameInfoA  rnr_getnameinfo
#define InetPtonA     rnr_inet_pton
#define InetNtopA     rnr_inet_ntop
#ifdef UNICODE
typedef ADDRINFOW   ADDRINFOT, *PADDRINFOT;
typedef ADDRINFOEXW ADDRINFOEX, *PADDRINFOEX;
#define GetAddrInfo    GetAddrInfoW
#define FreeAddrInfo   FreeAddrInfoW
#define GetNameInfo    GetNameInfoW
#define GetAddrInfoEx  GetAddrInfoExW
#define InetPton       InetPtonW
#define InetNtop       InetNtopW
#else
typedef ADDRINFOA   ADDRINFOT, *PADDRINFOT;
typedef ADDRINFOEXA ADDRINFOEX, *PADDRINFOEX;
#define GetAddrInfo    rnr_getaddrinfo
#define FreeAddrInfo   rnr_freeaddrinfo
#define GetNameInfo    rnr_getnameinfo
#define GetAddrInfoEx  GetAddrInfoExA
#define InetPton       rnr_inet_pton
#define InetNtop       rnr_inet_ntop
#endif

#ifndef RNR_NO_WINSOCK_NAMES
#undef AI_PASSIVE
#undef AI_CANONNAME
#undef AI_NUMERICHOST
#undef AI_NUMERICSERV
#undef AI_ALL
#undef AI_ADDRCONFIG
#undef AI_V4MAPPED
#undef AI_IDN
#undef AI_CANONIDN
#define AI_PASSIVE                RNR_AI_PASSIVE
#define AI_CANONNAME              RNR_AI_CANONNAME
#define AI_NUMERICHOST            RNR_AI_NUMERICHOST
#define AI_NUMERICSERV            RNR_AI_NUMERICSERV
#define AI_DNS_ONLY               RNR_AI_DNS_ONLY
#define AI_ALL                    RNR_AI_ALL
#define AI_ADDRCONFIG             RNR_AI_ADDRCONFIG
#define AI_V4MAPPED               RNR_AI_V4MAPPED
#define AI_NON_AUTHORITATIVE      RNR_AI_NON_AUTHORITATIVE
#define AI_SECURE                 RNR_AI_SECURE
#define AI_RETURN_PREFERRED_NAMES RNR_AI_RETURN_PREFERRED_NAMES
#define AI_FQDN                   RNR_AI_FQDN
#define AI_FILESERVER             RNR_AI_FILESERVER
#define AI_DISABLE_IDN_ENCODING   RNR_AI_DISABLE_IDN_ENCODING
#define AI_RESOLUTION_HANDLE      RNR_AI_RESOLUTION_HANDLE
#define AI_EXTENDED               RNR_AI_EXTENDED

#undef NI_NOFQDN
#undef NI_NUMERICHOST
#undef NI_NAMEREQD
#undef NI_NUMERICSERV
#undef NI_DGRAM
#undef NI_MAXHOST
#undef NI_MAXSERV
#define NI_NOFQDN      RNR_NI_NOFQDN
#define NI_NUMERICHOST RNR_NI_NUMERICHOST
#define NI_NAMEREQD    RNR_NI_NAMEREQD
#define NI_NUMERICSERV RNR_NI_NUMERICSERV
#define NI_DGRAM       RNR_NI_DGRAM
#define NI_MAXHOST     RNR_NI_MAXHOST
#define NI_MAXSERV     RNR_NI_MAXSERV

#undef EAI_AGAIN
#undef EAI_BADFLAGS
#undef EAI_FAIL
#undef EAI_FAMILY
#undef EAI_MEMORY
#undef EAI_NONAME
#undef EAI_SERVICE
#undef EAI_SOCKTYPE
#undef EAI_NODATA
#define EAI_AGAIN        RNR_EAI_AGAIN
#define EAI_BADFLAGS     RNR_EAI_BADFLAGS
#define EAI_FAIL         RNR_EAI_FAIL
#define EAI_FAMILY       RNR_EAI_FAMILY
#define EAI_MEMORY       RNR_EAI_MEMORY
#define EAI_NOSECURENAME RNR_EAI_NOSECURENAME
#define EAI_NONAME       RNR_EAI_NONAME
#define EAI_SERVICE      RNR_EAI_SERVICE
#define EAI_SOCKTYPE     RNR_EAI_SOCKTYPE
#define EAI_IPSECPOLICY  RNR_EAI_IPSECPOLICY
#define EAI_NODATA       RNR_EAI_NODATA

/* `struct addrinfo` in Windows code is ADDRINFOA. */
#define addrinfo     rnr_addrinfo
#define getaddrinfo  rnr_getaddrinfo
#define freeaddrinfo rnr_freeaddrinfo
#define getnameinfo  rnr_getnameinfo
#define gai_strerror rnr_gai_strerror
#define gai_strerrorA rnr_gai_strerror
#define inet_pton    rnr_inet_pton
#define inet_ntop    rnr_inet_ntop
#endif

#endif /* RNR_WS2TCPIP_H */
