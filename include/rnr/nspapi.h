/* SPDX-License-Identifier: MIT */
/*
 * rnr - Winsock 2 Registration and Name Resolution for Linux.
 *
 * <rnr/nspapi.h>: the legacy (Windows Sockets 1.1 era) name-service API:
 * GetAddressByName, GetService, SetService, GetTypeByName, GetNameByType
 * and EnumProtocols.  librnr implements every one of them on top of the
 * Winsock 2 functions of <rnr/winsock2.h>, so each installed provider
 * serves them without knowing about them.  Values, member order and the
 * one-element trailing arrays are those of the Windows SDK's nspapi.h, so
 * code written for Windows (sizeof arithmetic included) compiles unchanged.
 *
 * Errors: these functions return SOCKET_ERROR and leave the reason in the
 * thread's last error, read with GetLastError().  That is the same
 * per-thread value WSAGetLastError() reads, as on Windows.  Besides the
 * WSA codes it may hold the ERROR_* values below.
 */
#ifndef RNR_NSPAPI_H
#define RNR_NSPAPI_H

#include <stdint.h>

#include <rnr/winsock2.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Name spaces (beside the NS_* of <rnr/winsock2.h>)                    */
/* ------------------------------------------------------------------ */
#define NS_DEFAULT 0           /* every name space: NS_ALL */
#define NS_VNS     50

/* Name-space attribute bits. */
#define NSTYPE_HIERARCHICAL 0x00000001
#define NSTYPE_DYNAMIC      0x00000002
#define NSTYPE_ENUMERABLE   0x00000004
#define NSTYPE_WORKGROUP    0x00000008

/* ------------------------------------------------------------------ */
/* GetAddressByName dwResolution                                        */
/* ------------------------------------------------------------------ */
#define RES_SOFT_SEARCH   0x00000001
#define RES_FIND_MULTIPLE 0x00000002
#define RES_SERVICE       0x00000004

/* ------------------------------------------------------------------ */
/* SetService                                                           */
/* ------------------------------------------------------------------ */
#define SERVICE_REGISTER    1
#define SERVICE_DEREGISTER  2
#define SERVICE_FLUSH       3
#define SERVICE_ADD_TYPE    4
#define SERVICE_DELETE_TYPE 5

#define SERVICE_FLAG_DEFER  0x00000001
#define SERVICE_FLAG_HARD   0x00000002

#define SET_SERVICE_PARTIAL_SUCCESS 0x00000001

/* ------------------------------------------------------------------ */
/* GetService dwProperties                                              */
/* ------------------------------------------------------------------ */
#define PROP_COMMENT      0x00000001
#define PROP_LOCALE       0x00000002
#define PROP_DISPLAY_HINT 0x00000004
#define PROP_VERSION      0x00000008
#define PROP_START_TIME   0x00000010
#define PROP_MACHINE      0x00000020
#define PROP_ADDRESSES    0x00000100
#define PROP_SD           0x00000200
#define PROP_ALL          0x80000000

/* SERVICE_ADDRESS.dwAddressFlags */
#define SERVICE_ADDRESS_FLAG_RPC_CN 0x00000001
#define SERVICE_ADDRESS_FLAG_RPC_DG 0x00000002
#define SERVICE_ADDRESS_FLAG_RPC_NB 0x00000004

/* ------------------------------------------------------------------ */
/* PROTOCOL_INFO.dwServiceFlags                                         */
/* ------------------------------------------------------------------ */
/* The first eleven have the values (and meanings) of the XP1_* flags of
 * WSAPROTOCOL_INFO; the last three do not, whatever their bits say. */
#define XP_CONNECTIONLESS       0x00000001
#define XP_GUARANTEED_DELIVERY  0x00000002
#define XP_GUARANTEED_ORDER     0x00000004
#define XP_MESSAGE_ORIENTED     0x00000008
#define XP_PSEUDO_STREAM        0x00000010
#define XP_GRACEFUL_CLOSE       0x00000020
#define XP_EXPEDITED_DATA       0x00000040
#define XP_CONNECT_DATA         0x00000080
#define XP_DISCONNECT_DATA      0x00000100
#define XP_SUPPORTS_BROADCAST   0x00000200
#define XP_SUPPORTS_MULTICAST   0x00000400
#define XP_BANDWIDTH_ALLOCATION 0x00000800
#define XP_FRAGMENTATION        0x00001000
#define XP_ENCRYPTS             0x00002000

/* ------------------------------------------------------------------ */
/* Error codes (GetLastError), winerror.h values                        */
/* ------------------------------------------------------------------ */
#define ERROR_INSUFFICIENT_BUFFER    122
#define ERROR_SERVICE_DOES_NOT_EXIST 1060
#define ERROR_ALREADY_REGISTERED     1242
#define ERROR_SERVICE_NOT_FOUND      1243

/* ------------------------------------------------------------------ */
/* Structures                                                           */
/* ------------------------------------------------------------------ */
/* Reserved by the reference ("must be NULL"); defined so that code that
 * declares one compiles.  lParam is LPARAM-sized. */
typedef void (*LPSERVICE_CALLBACK_PROC)(intptr_t lParam, HANDLE hAsyncTaskHandle);

typedef struct _SERVICE_ASYNC_INFO {
    LPSERVICE_CALLBACK_PROC lpServiceCallbackProc;
    intptr_t                lParam;
    HANDLE                  hAsyncTaskHandle;
} SERVICE_ASYNC_INFO, *PSERVICE_ASYNC_INFO, *LPSERVICE_ASYNC_INFO;

/* One address of a service: for TCP/IP dwAddressType is the address
 * family and lpAddress a sockaddr of dwAddressLength bytes. */
typedef struct _SERVICE_ADDRESS {
    DWORD dwAddressType;
    DWORD dwAddressFlags;
    DWORD dwAddressLength;
    DWORD dwPrincipalLength;
    BYTE *lpAddress;
    BYTE *lpPrincipal;
} SERVICE_ADDRESS, *PSERVICE_ADDRESS, *LPSERVICE_ADDRESS;

/* Addresses[] holds dwAddressCount entries (declared with one, as in the
 * SDK: allocate sizeof(SERVICE_ADDRESSES) + (n - 1) * sizeof(SERVICE_ADDRESS)). */
typedef struct _SERVICE_ADDRESSES {
    DWORD           dwAddressCount;
    SERVICE_ADDRESS Addresses[1];
} SERVICE_ADDRESSES, *PSERVICE_ADDRESSES, *LPSERVICE_ADDRESSES;

typedef struct _SERVICE_INFOA {
    LPGUID              lpServiceType;
    LPSTR               lpServiceName;
    LPSTR               lpComment;
    LPSTR               lpLocale;
    DWORD               dwDisplayHint;
    DWORD               dwVersion;
    DWORD               dwTime;
    LPSTR               lpMachineName;
    LPSERVICE_ADDRESSES lpServiceAddress;
    BLOB                ServiceSpecificInfo;
} SERVICE_INFOA, *PSERVICE_INFOA, *LPSERVICE_INFOA;

typedef struct _SERVICE_INFOW {
    LPGUID              lpServiceType;
    LPWSTR              lpServiceName;
    LPWSTR              lpComment;
    LPWSTR              lpLocale;
    DWORD               dwDisplayHint;
    DWORD               dwVersion;
    DWORD               dwTime;
    LPWSTR              lpMachineName;
    LPSERVICE_ADDRESSES lpServiceAddress;
    BLOB                ServiceSpecificInfo;
} SERVICE_INFOW, *PSERVICE_INFOW, *LPSERVICE_INFOW;

typedef struct _NS_SERVICE_INFOA {
    DWORD         dwNameSpace;
    SERVICE_INFOA ServiceInfo;
} NS_SERVICE_INFOA, *PNS_SERVICE_INFOA, *LPNS_SERVICE_INFOA;

typedef struct _NS_SERVICE_INFOW {
    DWORD         dwNameSpace;
    SERVICE_INFOW ServiceInfo;
} NS_SERVICE_INFOW, *PNS_SERVICE_INFOW, *LPNS_SERVICE_INFOW;

/* A value of a service type (SERVICE_ADD_TYPE); lpValueName is one of the
 * SERVICE_TYPE_VALUE_* names of <rnr/svcguid.h> or the caller's own. */
typedef struct _SERVICE_TYPE_VALUE_ABSA {
    DWORD  dwNameSpace;
    DWORD  dwValueType;      /* REG_* */
    DWORD  dwValueSize;
    LPSTR  lpValueName;
    LPVOID lpValue;
} SERVICE_TYPE_VALUE_ABSA, *PSERVICE_TYPE_VALUE_ABSA, *LPSERVICE_TYPE_VALUE_ABSA;

/* lpValue is opaque, as in WSANSCLASSINFOW: not converted. */
typedef struct _SERVICE_TYPE_VALUE_ABSW {
    DWORD  dwNameSpace;
    DWORD  dwValueType;
    DWORD  dwValueSize;
    LPWSTR lpValueName;
    LPVOID lpValue;
} SERVICE_TYPE_VALUE_ABSW, *PSERVICE_TYPE_VALUE_ABSW, *LPSERVICE_TYPE_VALUE_ABSW;

/* Values[] holds dwValueCount entries (declared with one, as in the SDK). */
typedef struct _SERVICE_TYPE_INFO_ABSA {
    LPSTR                   lpTypeName;
    DWORD                   dwValueCount;
    SERVICE_TYPE_VALUE_ABSA Values[1];
} SERVICE_TYPE_INFO_ABSA, *PSERVICE_TYPE_INFO_ABSA, *LPSERVICE_TYPE_INFO_ABSA;

typedef struct _SERVICE_TYPE_INFO_ABSW {
    LPWSTR                  lpTypeName;
    DWORD                   dwValueCount;
    SERVICE_TYPE_VALUE_ABSW Values[1];
} SERVICE_TYPE_INFO_ABSW, *PSERVICE_TYPE_INFO_ABSW, *LPSERVICE_TYPE_INFO_ABSW;

typedef struct _PROTOCOL_INFOA {
    DWORD dwServiceFlags;    /* XP_* */
    INT   iAddressFamily;
    INT   iMaxSockAddr;
    INT   iMinSockAddr;
    INT   iSocketType;
    INT   iProtocol;
    DWORD dwMessageSize;
    LPSTR lpProtocol;
} PROTOCOL_INFOA, *PPROTOCOL_INFOA, *LPPROTOCOL_INFOA;

typedef struct _PROTOCOL_INFOW {
    DWORD  dwServiceFlags;
    INT    iAddressFamily;
    INT    iMaxSockAddr;
    INT    iMinSockAddr;
    INT    iSocketType;
    INT    iProtocol;
    DWORD  dwMessageSize;
    LPWSTR lpProtocol;
} PROTOCOL_INFOW, *PPROTOCOL_INFOW, *LPPROTOCOL_INFOW;

/* A name space as the SDK describes one (EnumNameSpaces' record). */
typedef struct _NS_INFOA {
    DWORD dwNameSpace;
    DWORD dwNameSpaceFlags;   /* NSTYPE_* */
    LPSTR lpNameSpace;
} NS_INFOA, *PNS_INFOA, *LPNS_INFOA;

typedef struct _NS_INFOW {
    DWORD  dwNameSpace;
    DWORD  dwNameSpaceFlags;
    LPWSTR lpNameSpace;
} NS_INFOW, *PNS_INFOW, *LPNS_INFOW;

#ifdef UNICODE
typedef SERVICE_INFOW SERVICE_INFO, *PSERVICE_INFO, *LPSERVICE_INFO;
typedef NS_SERVICE_INFOW NS_SERVICE_INFO, *PNS_SERVICE_INFO, *LPNS_SERVICE_INFO;
typedef SERVICE_TYPE_VALUE_ABSW SERVICE_TYPE_VALUE_ABS, *PSERVICE_TYPE_VALUE_ABS,
                                *LPSERVICE_TYPE_VALUE_ABS;
typedef SERVICE_TYPE_INFO_ABSW SERVICE_TYPE_INFO_ABS, *PSERVICE_TYPE_INFO_ABS,
                               *LPSERVICE_TYPE_INFO_ABS;
typedef PROTOCOL_INFOW PROTOCOL_INFO, *PPROTOCOL_INFO, *LPPROTOCOL_INFO;
typedef NS_INFOW NS_INFO, *PNS_INFO, *LPNS_INFO;
#else
typedef SERVICE_INFOA SERVICE_INFO, *PSERVICE_INFO, *LPSERVICE_INFO;
typedef NS_SERVICE_INFOA NS_SERVICE_INFO, *PNS_SERVICE_INFO, *LPNS_SERVICE_INFO;
typedef SERVICE_TYPE_VALUE_ABSA SERVICE_TYPE_VALUE_ABS, *PSERVICE_TYPE_VALUE_ABS,
                                *LPSERVICE_TYPE_VALUE_ABS;
typedef SERVICE_TYPE_INFO_ABSA SERVICE_TYPE_INFO_ABS, *PSERVICE_TYPE_INFO_ABS,
                               *LPSERVICE_TYPE_INFO_ABS;
typedef PROTOCOL_INFOA PROTOCOL_INFO, *PPROTOCOL_INFO, *LPPROTOCOL_INFO;
typedef NS_INFOA NS_INFO, *PNS_INFO, *LPNS_INFO;
#endif

/* ------------------------------------------------------------------ */
/* Functions (librnr)                                                   */
/* ------------------------------------------------------------------ */
/* Returns the number of CSADDR_INFO structures stored at the head of
 * lpCsaddrBuffer (the sockaddrs they point to follow them).  A short
 * buffer, CSADDR or alias, gives ERROR_INSUFFICIENT_BUFFER with the sizes
 * needed in *lpdwBufferLength and *lpdwAliasBufferLength. */
INT GetAddressByNameA(DWORD dwNameSpace, LPGUID lpServiceType, LPSTR lpServiceName,
                      LPINT lpiProtocols, DWORD dwResolution,
                      LPSERVICE_ASYNC_INFO lpServiceAsyncInfo,
                      LPVOID lpCsaddrBuffer, LPDWORD lpdwBufferLength,
                      LPSTR lpAliasBuffer, LPDWORD lpdwAliasBufferLength);

/* Returns the number of NS_SERVICE_INFO structures stored (one per name
 * space that knows the service), or 0 with ERROR_SERVICE_NOT_FOUND as the
 * last error when none does, as the reference says. */
INT GetServiceA(DWORD dwNameSpace, LPGUID lpGuid, LPSTR lpServiceName,
                DWORD dwProperties, LPVOID lpBuffer, LPDWORD lpdwBufferSize,
                LPSERVICE_ASYNC_INFO lpServiceAsyncInfo);

INT SetServiceA(DWORD dwNameSpace, DWORD dwOperation, DWORD dwFlags,
                LPSERVICE_INFOA lpServiceInfo,
                LPSERVICE_ASYNC_INFO lpServiceAsyncInfo,
                LPDWORD lpdwStatusFlags);

INT GetTypeByNameA(LPSTR lpServiceName, LPGUID lpServiceType);

INT GetNameByTypeA(LPGUID lpServiceType, LPSTR lpServiceName, DWORD dwNameLength);

INT EnumProtocolsA(LPINT lpiProtocols, LPVOID lpProtocolBuffer,
                   LPDWORD lpdwBufferLength);

/* The W twins.  Strings in are UTF-16 (a lone surrogate: WSAEINVAL in the
 * last error).  Units, as Microsoft documents them:
 *   GetAddressByNameW  *lpdwBufferLength bytes; *lpdwAliasBufferLength
 *                      bytes (the alias list is UTF-16 strings, each
 *                      0-terminated, an empty one ending the list)
 *   GetServiceW        *lpdwBufferSize bytes (NS_SERVICE_INFOW records,
 *                      the data they point to after them)
 *   GetNameByTypeW     dwNameLength bytes (Microsoft's page says bytes
 *                      for W too: room for dwNameLength / 2 WCHARs)
 *   EnumProtocolsW     *lpdwBufferLength bytes (PROTOCOL_INFOW records,
 *                      their names after them)
 * SetServiceW with SERVICE_ADD_TYPE / SERVICE_DELETE_TYPE takes a
 * SERVICE_TYPE_INFO_ABSW in ServiceSpecificInfo. */
INT GetAddressByNameW(DWORD dwNameSpace, LPGUID lpServiceType, LPWSTR lpServiceName,
                      LPINT lpiProtocols, DWORD dwResolution,
                      LPSERVICE_ASYNC_INFO lpServiceAsyncInfo,
                      LPVOID lpCsaddrBuffer, LPDWORD lpdwBufferLength,
                      LPWSTR lpAliasBuffer, LPDWORD lpdwAliasBufferLength);
INT GetServiceW(DWORD dwNameSpace, LPGUID lpGuid, LPWSTR lpServiceName,
                DWORD dwProperties, LPVOID lpBuffer, LPDWORD lpdwBufferSize,
                LPSERVICE_ASYNC_INFO lpServiceAsyncInfo);
INT SetServiceW(DWORD dwNameSpace, DWORD dwOperation, DWORD dwFlags,
                LPSERVICE_INFOW lpServiceInfo,
                LPSERVICE_ASYNC_INFO lpServiceAsyncInfo,
                LPDWORD lpdwStatusFlags);
INT GetTypeByNameW(LPWSTR lpServiceName, LPGUID lpServiceType);
INT GetNameByTypeW(LPGUID lpServiceType, LPWSTR lpServiceName, DWORD dwNameLength);
INT EnumProtocolsW(LPINT lpiProtocols, LPVOID lpProtocolBuffer,
                   LPDWORD lpdwBufferLength);

#ifdef UNICODE
#define GetAddressByName GetAddressByNameW
#define GetService       GetServiceW
#define SetService       SetServiceW
#define GetTypeByName    GetTypeByNameW
#define GetNameByType    GetNameByTypeW
#define EnumProtocols    EnumProtocolsW
#else
/* The unsuffixed names are exported too, as the A functions. */
INT GetAddressByName(DWORD dwNameSpace, LPGUID lpServiceType, LPSTR lpServiceName,
                     LPINT lpiProtocols, DWORD dwResolution,
                     LPSERVICE_ASYNC_INFO lpServiceAsyncInfo,
                     LPVOID lpCsaddrBuffer, LPDWORD lpdwBufferLength,
                     LPSTR lpAliasBuffer, LPDWORD lpdwAliasBufferLength);
INT GetService(DWORD dwNameSpace, LPGUID lpGuid, LPSTR lpServiceName,
               DWORD dwProperties, LPVOID lpBuffer, LPDWORD lpdwBufferSize,
               LPSERVICE_ASYNC_INFO lpServiceAsyncInfo);
INT SetService(DWORD dwNameSpace, DWORD dwOperation, DWORD dwFlags,
               LPSERVICE_INFOA lpServiceInfo,
               LPSERVICE_ASYNC_INFO lpServiceAsyncInfo,
               LPDWORD lpdwStatusFlags);
INT GetTypeByName(LPSTR lpServiceName, LPGUID lpServiceType);
INT GetNameByType(LPGUID lpServiceType, LPSTR lpServiceName, DWORD dwNameLength);
INT EnumProtocols(LPINT lpiProtocols, LPVOID lpProtocolBuffer,
                  LPDWORD lpdwBufferLength);
#endif

/* The thread's last error: the value WSAGetLastError() returns.  Exported
 * under an rnr_ name because GetLastError is too generic a symbol for a
 * Linux library; the Windows spelling maps onto it unless the application
 * defines RNR_NO_WINSOCK_NAMES. */
DWORD rnr_GetLastError(void);
#ifndef RNR_NO_WINSOCK_NAMES
#define GetLastError rnr_GetLastError
#endif

#ifdef __cplusplus
}
#endif

#endif /* RNR_NSPAPI_H */
