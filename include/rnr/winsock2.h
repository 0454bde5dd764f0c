/* SPDX-License-Identifier: MIT */
/*
 * rnr - Winsock 2 Registration and Name Resolution for Linux.
 *
 * <rnr/winsock2.h>: the name-resolution part of the Windows Sockets 2 API.
 * A program written for the Windows RnR API compiles against this header
 * with only its include line changed.  Constant values are those of the
 * Windows SDK (spec/constants.md).
 *
 * Text: the "A" structures and functions take UTF-8; the "W" ones take
 * UTF-16 (WCHAR, 16 bits as on Windows, never wchar_t) and convert at the
 * library boundary.  Text that cannot be converted exactly (a lone
 * surrogate in, invalid UTF-8 from a provider out) is WSAEINVAL.  The
 * unsuffixed names follow UNICODE as in the SDK: with UNICODE defined
 * WSALookupServiceBegin is WSALookupServiceBeginW, WSAQUERYSET is
 * WSAQUERYSETW ...; without it they are the A ones.  librnr also exports
 * the unsuffixed names as A functions, for programs built before the W
 * half existed.
 *
 * Memory: every function that fills a caller buffer (WSALookupServiceNext,
 * WSAEnumNameSpaceProviders, WSAGetServiceClassInfo ...) puts all the data
 * the result points to inside that same buffer; the caller owns it and
 * nothing needs to be freed separately.  Buffer lengths of the W
 * functions that return structures are in bytes, like the A ones; those
 * that return one string count WCHARs (each function says which).
 */
#ifndef RNR_WINSOCK2_H
#define RNR_WINSOCK2_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <rnr/svcguid.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Windows base types                                                   */
/* ------------------------------------------------------------------ */
typedef uint8_t  BYTE;
typedef uint16_t WORD;
typedef uint32_t DWORD;
typedef int32_t  LONG;
typedef uint32_t ULONG;
typedef int      INT;
typedef int      BOOL;
typedef char     CHAR;
typedef void    *HANDLE;
typedef HANDLE  *LPHANDLE;
typedef void    *LPVOID;
typedef BYTE    *LPBYTE;
typedef WORD    *LPWORD;
typedef DWORD   *LPDWORD;
typedef INT     *LPINT;
typedef BOOL    *LPBOOL;
typedef char    *LPSTR;
typedef const char *LPCSTR;
typedef char    *PSTR;
typedef const char *PCSTR;

/* WCHAR is UTF-16 as on Windows, never Linux's 32-bit wchar_t, so that
 * structures keep the SDK layout and u"" literals are WCHAR strings. */
#ifndef __cplusplus
#include <uchar.h>            /* char16_t is a keyword in C++ */
#endif
typedef char16_t WCHAR;
typedef WCHAR   *PWCHAR;
typedef WCHAR   *LPWCH;
typedef WCHAR   *PWCH;
typedef WCHAR   *LPWSTR;
typedef WCHAR   *PWSTR;
typedef const WCHAR *LPCWSTR;
typedef const WCHAR *PCWSTR;
typedef const WCHAR *LPCWCH;

/* TCHAR and TEXT() follow UNICODE as windows.h and tchar.h make them. */
#ifdef UNICODE
typedef WCHAR    TCHAR;
typedef WCHAR   *PTCHAR;
typedef LPWSTR   LPTSTR;
typedef LPCWSTR  LPCTSTR;
typedef LPWSTR   PTSTR;
typedef LPCWSTR  PCTSTR;
#ifndef __TEXT
#define __TEXT(quote) u ## quote
#endif
#else
typedef char     TCHAR;
typedef char    *PTCHAR;
typedef LPSTR    LPTSTR;
typedef LPCSTR   LPCTSTR;
typedef LPSTR    PTSTR;
typedef LPCSTR   PCTSTR;
#ifndef __TEXT
#define __TEXT(quote) quote
#endif
#endif
#ifndef TEXT
#define TEXT(quote) __TEXT(quote)
#endif
#ifndef _T
#define _T(x) __TEXT(x)
#endif
#ifndef _TEXT
#define _TEXT(x) __TEXT(x)
#endif
typedef unsigned int u_int;
typedef unsigned long u_long;
typedef unsigned short u_short;
typedef unsigned char u_char;

#ifndef FAR
#define FAR
#endif
#ifndef WINAPI
#define WINAPI
#endif
#ifndef TRUE
#define TRUE  1
#endif
#ifndef FALSE
#define FALSE 0
#endif

#ifndef CALLBACK
#define CALLBACK
#endif

/* winbase.h helpers that Windows RnR code uses without a second include. */
#ifndef ZeroMemory
#define ZeroMemory(dst, len)      memset((dst), 0, (len))
#define FillMemory(dst, len, v)   memset((dst), (v), (len))
#define CopyMemory(dst, src, len) memcpy((dst), (src), (len))
#define MoveMemory(dst, src, len) memmove((dst), (src), (len))
#endif

#define MAKEWORD(lo, hi) ((WORD)(((BYTE)((lo) & 0xff)) | ((WORD)((BYTE)((hi) & 0xff))) << 8))
#define MAKELONG(lo, hi) ((LONG)(((WORD)((lo) & 0xffff)) | ((DWORD)((WORD)((hi) & 0xffff))) << 16))
#define LOWORD(l) ((WORD)((DWORD)(l) & 0xffff))
#define HIWORD(l) ((WORD)(((DWORD)(l) >> 16) & 0xffff))
#define LOBYTE(w) ((BYTE)((w) & 0xff))
#define HIBYTE(w) ((BYTE)(((WORD)(w) >> 8) & 0xff))

typedef struct sockaddr SOCKADDR, *PSOCKADDR, *LPSOCKADDR;

#define SOCKET_ERROR (-1)

/* ------------------------------------------------------------------ */
/* Error codes (WSAGetLastError)                                        */
/* ------------------------------------------------------------------ */
#define WSABASEERR              10000
#define WSAEINTR                10004
#define WSAEACCES               10013
#define WSAEFAULT               10014
#define WSAEINVAL               10022
#define WSAEMFILE               10024
#define WSAEWOULDBLOCK          10035
#define WSAEINPROGRESS          10036
#define WSAEALREADY             10037
#define WSAESOCKTNOSUPPORT      10044
#define WSAEOPNOTSUPP           10045
#define WSAEAFNOSUPPORT         10047
#define WSAENETDOWN             10050
#define WSAENOBUFS              10055
#define WSAEPROCLIM             10067
#define WSAEDQUOT               10069
#define WSASYSNOTREADY          10091
#define WSAVERNOTSUPPORTED      10092
#define WSANOTINITIALISED       10093
#define WSANOTINITIALIZED       WSANOTINITIALISED
#define WSAENOMORE              10102
#define WSAECANCELLED           10103
#define WSAEPROVIDERFAILEDINIT  10106
#define WSASYSCALLFAILURE       10107
#define WSASERVICE_NOT_FOUND    10108
#define WSATYPE_NOT_FOUND       10109
#define WSAETYPE_NOT_FOUND      WSATYPE_NOT_FOUND
#define WSA_E_NO_MORE           10110
#define WSA_E_NOMORE            WSA_E_NO_MORE
#define WSA_E_CANCELLED         10111
#define WSAEREFUSED             10112
#define WSAHOST_NOT_FOUND       11001
#define WSATRY_AGAIN            11002
#define WSANO_RECOVERY          11003
#define WSANO_DATA              11004
#define WSANO_ADDRESS           WSANO_DATA
#define WSA_SECURE_HOST_NOT_FOUND   11032
#define WSA_IPSEC_NAME_POLICY_ERROR 11033
#define WSAEACCESS              WSAEACCES  /* spelling used by the API reference */

#define WSA_INVALID_HANDLE      6
#define WSA_NOT_ENOUGH_MEMORY   8
#define WSA_INVALID_PARAMETER   87
#define WSA_OPERATION_ABORTED   995

/* ------------------------------------------------------------------ */
/* Name spaces                                                          */
/* ------------------------------------------------------------------ */
#define NS_ALL          0
#define NS_SAP          1
#define NS_NDS          2
#define NS_PEER_BROWSE  3
#define NS_SLP          5
#define NS_DHCP         6
#define NS_TCPIP_LOCAL  10
#define NS_TCPIP_HOSTS  11
#define NS_DNS          12
#define NS_NETBT        13
#define NS_WINS         14
#define NS_NLA          15
#define NS_BTH          16
#define NS_NBP          20
#define NS_MS           30
#define NS_STDA         31
#define NS_NTDS         32
#define NS_X500         40
#define NS_NIS          41
#define NS_NISPLUS      42
#define NS_WRQ          50
#define NS_NETDES       60

/* ------------------------------------------------------------------ */
/* WSALookupServiceBegin / Next control flags                           */
/* ------------------------------------------------------------------ */
#define LUP_DEEP                   0x0001
#define LUP_CONTAINERS             0x0002
#define LUP_NOCONTAINERS           0x0004
#define LUP_NEAREST                0x0008
#define LUP_RETURN_NAME            0x0010
#define LUP_RETURN_TYPE            0x0020
#define LUP_RETURN_VERSION         0x0040
#define LUP_RETURN_COMMENT         0x0080
#define LUP_RETURN_ADDR            0x0100
#define LUP_RETURN_BLOB            0x0200
#define LUP_RETURN_ALIASES         0x0400
#define LUP_RETURN_ALIAS           LUP_RETURN_ALIASES
#define LUP_RETURN_QUERY_STRING    0x0800
#define LUP_RETURN_ALL             0x0FF0
#define LUP_FLUSHCACHE             0x1000
#define LUP_FLUSHPREVIOUS          0x2000
#define LUP_NON_AUTHORITATIVE      0x4000
#define LUP_RES_SERVICE            0x8000
#define LUP_SECURE                 0x8000
#define LUP_RETURN_PREFERRED_NAMES 0x10000

/* dwOutputFlags */
#define RESULT_IS_ALIAS    0x0001
#define RESULT_IS_ADDED    0x0010
#define RESULT_IS_CHANGED  0x0020
#define RESULT_IS_DELETED  0x0040

/* WSASetService control flags */
#define SERVICE_MULTIPLE   0x00000001
/* rnr extension: the registration outlives the connection that made it
 * (dynamic name spaces such as NS_SAP end the others when it closes). */
#define RNR_SERVICE_PERSISTENT 0x00010000

/* Registry value types used by WSANSCLASSINFO.dwValueType */
#define REG_NONE       0
#define REG_SZ         1
#define REG_EXPAND_SZ  2
#define REG_BINARY     3
#define REG_DWORD      4
#define REG_MULTI_SZ   7

#define MAXGETHOSTSTRUCT 1024

#define WSADESCRIPTION_LEN 256
#define WSASYS_STATUS_LEN  128

#define WSAMAKEASYNCREPLY(buflen, error) MAKELONG(buflen, error)
#define WSAGETASYNCBUFLEN(lParam)        LOWORD(lParam)
#define WSAGETASYNCERROR(lParam)         HIWORD(lParam)

/* ------------------------------------------------------------------ */
/* Structures                                                           */
/* ------------------------------------------------------------------ */
typedef struct WSAData {
    WORD           wVersion;
    WORD           wHighVersion;
    char           szDescription[WSADESCRIPTION_LEN + 1];
    char           szSystemStatus[WSASYS_STATUS_LEN + 1];
    unsigned short iMaxSockets;
    unsigned short iMaxUdpDg;
    char          *lpVendorInfo;
} WSADATA, *PWSADATA, *LPWSADATA;

typedef struct _BLOB {
    ULONG cbSize;
    BYTE *pBlobData;
} BLOB, *PBLOB, *LPBLOB;

typedef struct _SOCKET_ADDRESS {
    LPSOCKADDR lpSockaddr;
    INT        iSockaddrLength;
} SOCKET_ADDRESS, *PSOCKET_ADDRESS, *LPSOCKET_ADDRESS;

typedef struct _CSADDR_INFO {
    SOCKET_ADDRESS LocalAddr;
    SOCKET_ADDRESS RemoteAddr;
    INT            iSocketType;
    INT            iProtocol;
} CSADDR_INFO, *PCSADDR_INFO, *LPCSADDR_INFO;

typedef struct _AFPROTOCOLS {
    INT iAddressFamily;
    INT iProtocol;
} AFPROTOCOLS, *PAFPROTOCOLS, *LPAFPROTOCOLS;

typedef enum _WSAEcomparator {
    COMP_EQUAL = 0,
    COMP_NOTLESS
} WSAECOMPARATOR, *PWSAECOMPARATOR, *LPWSAECOMPARATOR;

typedef struct _WSAVersion {
    DWORD          dwVersion;
    WSAECOMPARATOR ecHow;
} WSAVERSION, *PWSAVERSION, *LPWSAVERSION;

typedef struct _WSAQuerySetA {
    DWORD         dwSize;
    LPSTR         lpszServiceInstanceName;
    LPGUID        lpServiceClassId;
    LPWSAVERSION  lpVersion;
    LPSTR         lpszComment;
    DWORD         dwNameSpace;
    LPGUID        lpNSProviderId;
    LPSTR         lpszContext;
    DWORD         dwNumberOfProtocols;
    LPAFPROTOCOLS lpafpProtocols;
    LPSTR         lpszQueryString;
    DWORD         dwNumberOfCsAddrs;
    LPCSADDR_INFO lpcsaBuffer;
    DWORD         dwOutputFlags;
    LPBLOB        lpBlob;
} WSAQUERYSETA, *PWSAQUERYSETA, *LPWSAQUERYSETA;

typedef struct _WSAQuerySetW {
    DWORD         dwSize;
    LPWSTR        lpszServiceInstanceName;
    LPGUID        lpServiceClassId;
    LPWSAVERSION  lpVersion;
    LPWSTR        lpszComment;
    DWORD         dwNameSpace;
    LPGUID        lpNSProviderId;
    LPWSTR        lpszContext;
    DWORD         dwNumberOfProtocols;
    LPAFPROTOCOLS lpafpProtocols;
    LPWSTR        lpszQueryString;
    DWORD         dwNumberOfCsAddrs;
    LPCSADDR_INFO lpcsaBuffer;
    DWORD         dwOutputFlags;
    LPBLOB        lpBlob;
} WSAQUERYSETW, *PWSAQUERYSETW, *LPWSAQUERYSETW;

#ifdef UNICODE
typedef WSAQUERYSETW WSAQUERYSET, *PWSAQUERYSET, *LPWSAQUERYSET;
#else
typedef WSAQUERYSETA WSAQUERYSET, *PWSAQUERYSET, *LPWSAQUERYSET;
#endif

typedef enum _WSAESETSERVICEOP {
    RNRSERVICE_REGISTER = 0,
    RNRSERVICE_DEREGISTER,
    RNRSERVICE_DELETE
} WSAESETSERVICEOP, *PWSAESETSERVICEOP, *LPWSAESETSERVICEOP;

typedef struct _WSANSClassInfoA {
    LPSTR  lpszName;
    DWORD  dwNameSpace;
    DWORD  dwValueType;
    DWORD  dwValueSize;
    LPVOID lpValue;
} WSANSCLASSINFOA, *PWSANSCLASSINFOA, *LPWSANSCLASSINFOA;

/* lpValue is opaque: its dwValueSize bytes are the same through A and W
 * (a REG_SZ value is not converted). */
typedef struct _WSANSClassInfoW {
    LPWSTR lpszName;
    DWORD  dwNameSpace;
    DWORD  dwValueType;
    DWORD  dwValueSize;
    LPVOID lpValue;
} WSANSCLASSINFOW, *PWSANSCLASSINFOW, *LPWSANSCLASSINFOW;

#ifdef UNICODE
typedef WSANSCLASSINFOW WSANSCLASSINFO, *PWSANSCLASSINFO, *LPWSANSCLASSINFO;
#else
typedef WSANSCLASSINFOA WSANSCLASSINFO, *PWSANSCLASSINFO, *LPWSANSCLASSINFO;
#endif

typedef struct _WSAServiceClassInfoA {
    LPGUID            lpServiceClassId;
    LPSTR             lpszServiceClassName;
    DWORD             dwCount;
    LPWSANSCLASSINFOA lpClassInfos;
} WSASERVICECLASSINFOA, *PWSASERVICECLASSINFOA, *LPWSASERVICECLASSINFOA;

typedef struct _WSAServiceClassInfoW {
    LPGUID            lpServiceClassId;
    LPWSTR            lpszServiceClassName;
    DWORD             dwCount;
    LPWSANSCLASSINFOW lpClassInfos;
} WSASERVICECLASSINFOW, *PWSASERVICECLASSINFOW, *LPWSASERVICECLASSINFOW;

#ifdef UNICODE
typedef WSASERVICECLASSINFOW WSASERVICECLASSINFO, *PWSASERVICECLASSINFO,
                             *LPWSASERVICECLASSINFO;
#else
typedef WSASERVICECLASSINFOA WSASERVICECLASSINFO, *PWSASERVICECLASSINFO,
                             *LPWSASERVICECLASSINFO;
#endif

typedef struct _WSANAMESPACE_INFOA {
    GUID  NSProviderId;
    DWORD dwNameSpace;
    BOOL  fActive;
    DWORD dwVersion;
    LPSTR lpszIdentifier;
} WSANAMESPACE_INFOA, *PWSANAMESPACE_INFOA, *LPWSANAMESPACE_INFOA;

typedef struct _WSANAMESPACE_INFOW {
    GUID   NSProviderId;
    DWORD  dwNameSpace;
    BOOL   fActive;
    DWORD  dwVersion;
    LPWSTR lpszIdentifier;
} WSANAMESPACE_INFOW, *PWSANAMESPACE_INFOW, *LPWSANAMESPACE_INFOW;

#ifdef UNICODE
typedef WSANAMESPACE_INFOW WSANAMESPACE_INFO, *PWSANAMESPACE_INFO,
                           *LPWSANAMESPACE_INFO;
#else
typedef WSANAMESPACE_INFOA WSANAMESPACE_INFO, *PWSANAMESPACE_INFO,
                           *LPWSANAMESPACE_INFO;
#endif

/* ------------------------------------------------------------------ */
/* Functions (librnr)                                                   */
/* ------------------------------------------------------------------ */
/* The highest version librnr negotiates (2.2); the lowest is 1.0. */
#define RNR_WINSOCK_HIGH_VERSION MAKEWORD(2, 2)

int  WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData);
int  WSACleanup(void);
int  WSAGetLastError(void);
void WSASetLastError(int iError);

INT WSALookupServiceBeginA(LPWSAQUERYSETA lpqsRestrictions, DWORD dwControlFlags,
                           LPHANDLE lphLookup);
INT WSALookupServiceNextA(HANDLE hLookup, DWORD dwControlFlags,
                          LPDWORD lpdwBufferLength, LPWSAQUERYSETA lpqsResults);
INT WSALookupServiceEnd(HANDLE hLookup);
INT WSASetServiceA(LPWSAQUERYSETA lpqsRegInfo, WSAESETSERVICEOP essOperation,
                   DWORD dwControlFlags);
INT WSAInstallServiceClassA(LPWSASERVICECLASSINFOA lpServiceClassInfo);
INT WSARemoveServiceClass(LPGUID lpServiceClassId);
INT WSAGetServiceClassInfoA(LPGUID lpProviderId, LPGUID lpServiceClassId,
                            LPDWORD lpdwBufSize,
                            LPWSASERVICECLASSINFOA lpServiceClassInfo);
INT WSAGetServiceClassNameByServiceClassIdA(LPGUID lpServiceClassId,
                                            LPSTR lpszServiceClassName,
                                            LPDWORD lpdwBufferLength);
/* The SDK's spelling of the same function. */
INT WSAGetServiceClassNameByClassIdA(LPGUID lpServiceClassId,
                                     LPSTR lpszServiceClassName,
                                     LPDWORD lpdwBufferLength);
INT WSAEnumNameSpaceProvidersA(LPDWORD lpdwBufferLength,
                               LPWSANAMESPACE_INFOA lpnspBuffer);

/* The W twins.  Strings in are UTF-16 and converted before anything else
 * is done (a lone surrogate: WSAEINVAL); strings out are converted from
 * what the providers gave (invalid UTF-8: WSAEINVAL).
 *
 * WSALookupServiceNextW: *lpdwBufferLength in bytes, like A; the WSAEFAULT
 * answer gives the bytes the W layout needs and keeps the result for the
 * next call (LUP_FLUSHPREVIOUS drops it).  WSAGetServiceClassInfoW and
 * WSAEnumNameSpaceProvidersW: bytes.  WSAGetServiceClassNameByClassIdW:
 * *lpdwBufferLength in WCHARs, the terminating 0 counted, on input, on
 * success and in the WSAEFAULT answer (Microsoft: "in characters"). */
INT WSALookupServiceBeginW(LPWSAQUERYSETW lpqsRestrictions, DWORD dwControlFlags,
                           LPHANDLE lphLookup);
INT WSALookupServiceNextW(HANDLE hLookup, DWORD dwControlFlags,
                          LPDWORD lpdwBufferLength, LPWSAQUERYSETW lpqsResults);
INT WSASetServiceW(LPWSAQUERYSETW lpqsRegInfo, WSAESETSERVICEOP essOperation,
                   DWORD dwControlFlags);
INT WSAInstallServiceClassW(LPWSASERVICECLASSINFOW lpServiceClassInfo);
INT WSAGetServiceClassInfoW(LPGUID lpProviderId, LPGUID lpServiceClassId,
                            LPDWORD lpdwBufSize,
                            LPWSASERVICECLASSINFOW lpServiceClassInfo);
INT WSAGetServiceClassNameByClassIdW(LPGUID lpServiceClassId,
                                     LPWSTR lpszServiceClassName,
                                     LPDWORD lpdwBufferLength);
/* librnr's A spelling, W: the same function. */
INT WSAGetServiceClassNameByServiceClassIdW(LPGUID lpServiceClassId,
                                            LPWSTR lpszServiceClassName,
                                            LPDWORD lpdwBufferLength);
INT WSAEnumNameSpaceProvidersW(LPDWORD lpdwBufferLength,
                               LPWSANAMESPACE_INFOW lpnspBuffer);
/* The local host's name, as rnr_gethostname finds it.  namelen counts
 * WCHARs (Microsoft: "in wide characters"); a buffer without room for the
 * name and its terminating 0 is WSAEFAULT. */
int GetHostNameW(PWSTR name, int namelen);

#ifdef UNICODE
#define WSALookupServiceBegin            WSALookupServiceBeginW
#define WSALookupServiceNext             WSALookupServiceNextW
#define WSASetService                    WSASetServiceW
#define WSAInstallServiceClass           WSAInstallServiceClassW
#define WSAGetServiceClassInfo           WSAGetServiceClassInfoW
#define WSAGetServiceClassNameByClassId  WSAGetServiceClassNameByClassIdW
#define WSAGetServiceClassNameByServiceClassId WSAGetServiceClassNameByServiceClassIdW
#define WSAEnumNameSpaceProviders        WSAEnumNameSpaceProvidersW
#else
#define WSAGetServiceClassNameByClassId  WSAGetServiceClassNameByClassIdA
/* The unsuffixed names are exported too, as the A functions: declared only
 * without UNICODE, where they mean what the SDK makes them mean. */
INT WSALookupServiceBegin(LPWSAQUERYSETA lpqsRestrictions, DWORD dwControlFlags,
                          LPHANDLE lphLookup);
INT WSALookupServiceNext(HANDLE hLookup, DWORD dwControlFlags,
                         LPDWORD lpdwBufferLength, LPWSAQUERYSETA lpqsResults);
INT WSASetService(LPWSAQUERYSETA lpqsRegInfo, WSAESETSERVICEOP essOperation,
                  DWORD dwControlFlags);
INT WSAInstallServiceClass(LPWSASERVICECLASSINFOA lpServiceClassInfo);
INT WSAGetServiceClassInfo(LPGUID lpProviderId, LPGUID lpServiceClassId,
                           LPDWORD lpdwBufSize,
                           LPWSASERVICECLASSINFOA lpServiceClassInfo);
INT WSAGetServiceClassNameByServiceClassId(LPGUID lpServiceClassId,
                                           LPSTR lpszServiceClassName,
                                           LPDWORD lpdwBufferLength);
INT WSAEnumNameSpaceProviders(LPDWORD lpdwBufferLength,
                              LPWSANAMESPACE_INFOA lpnspBuffer);
#endif

/* ------------------------------------------------------------------ */
/* rnr extensions                                                       */
/* ------------------------------------------------------------------ */
/* Environment variable naming the rnrd control socket. */
#define RNR_SOCKET_ENV "RNR_SOCKET"

/* Every installed service class, like WSAEnumNameSpaceProviders: the
 * WSASERVICECLASSINFOA structures at the head of the buffer, everything they
 * point to after them.  Returns the count, or SOCKET_ERROR (WSAEFAULT with
 * the needed size in *lpdwBufferLength when the buffer is short). */
INT rnr_enum_service_classes(LPDWORD lpdwBufferLength,
                             LPWSASERVICECLASSINFOA lpBuffer);

/* 1 when the lookup hLookup was answered from rnrd's answer cache, in
 * this process and without a round trip (doc/anscache.md); 0 when rnrd
 * answered it.  SOCKET_ERROR with WSA_INVALID_HANDLE for a handle that is
 * not an open lookup.  What rnrctl lookup --short reports. */
INT rnr_lookup_from_cache(HANDLE hLookup);

/* Text for a WSA error code ("WSAEFAULT: buffer too small ...").
 * Never NULL; the string is static. */
const char *rnr_strerror(int wsa_error);

#ifdef __cplusplus
}
#endif

/* Windows Sockets 1.1 compatible name resolution (getXbyY, inet_addr ...),
 * the address-string helpers and the asynchronous getXbyY. */
#include <rnr/ws2getxbyy.h>
#include <rnr/ws2addr.h>
#include <rnr/ws2async.h>

#endif /* RNR_WINSOCK2_H */
