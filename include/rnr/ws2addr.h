/* SPDX-License-Identifier: MIT */
/*
 * rnr - Winsock 2 Registration and Name Resolution for Linux.
 *
 * <rnr/ws2addr.h>: included by <rnr/winsock2.h>.  Address strings
 * (WSAAddressToString, WSAStringToAddress) and the transport catalog
 * (WSAEnumProtocols, WSAPROTOCOL_INFO).  Values are those of the Windows
 * SDK; member order is the SDK's, so code that walks these structures the
 * Windows way works unchanged.
 */
#ifndef RNR_WS2ADDR_H
#define RNR_WS2ADDR_H

#include <rnr/winsock2.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Windows programs that call these functions name the sockaddr types the
 * Windows way.  Identical typedef redefinitions are valid C11 and C++, so
 * another header declaring the same names does not conflict. */
typedef struct sockaddr_in SOCKADDR_IN, *PSOCKADDR_IN, *LPSOCKADDR_IN;
typedef struct sockaddr_in6 SOCKADDR_IN6, *PSOCKADDR_IN6, *LPSOCKADDR_IN6;
typedef struct sockaddr_storage SOCKADDR_STORAGE, *PSOCKADDR_STORAGE,
                                *LPSOCKADDR_STORAGE;

/* ------------------------------------------------------------------ */
/* WSAPROTOCOL_INFO                                                     */
/* ------------------------------------------------------------------ */
#define MAX_PROTOCOL_CHAIN 7
#define BASE_PROTOCOL      1
#define LAYERED_PROTOCOL   0
#define WSAPROTOCOL_LEN    255

typedef struct _WSAPROTOCOLCHAIN {
    int   ChainLen;                          /* 0 layered, 1 base, >1 chain */
    DWORD ChainEntries[MAX_PROTOCOL_CHAIN];
} WSAPROTOCOLCHAIN, *LPWSAPROTOCOLCHAIN;

typedef struct _WSAPROTOCOL_INFOA {
    DWORD            dwServiceFlags1;
    DWORD            dwServiceFlags2;
    DWORD            dwServiceFlags3;
    DWORD            dwServiceFlags4;
    DWORD            dwProviderFlags;
    GUID             ProviderId;
    DWORD            dwCatalogEntryId;
    WSAPROTOCOLCHAIN ProtocolChain;
    int              iVersion;
    int              iAddressFamily;
    int              iMaxSockAddr;
    int              iMinSockAddr;
    int              iSocketType;
    int              iProtocol;
    int              iProtocolMaxOffset;
    int              iNetworkByteOrder;
    int              iSecurityScheme;
    DWORD            dwMessageSize;
    DWORD            dwProviderReserved;
    CHAR             szProtocol[WSAPROTOCOL_LEN + 1];
} WSAPROTOCOL_INFOA, *LPWSAPROTOCOL_INFOA;

typedef struct _WSAPROTOCOL_INFOW {
    DWORD            dwServiceFlags1;
    DWORD            dwServiceFlags2;
    DWORD            dwServiceFlags3;
    DWORD            dwServiceFlags4;
    DWORD            dwProviderFlags;
    GUID             ProviderId;
    DWORD            dwCatalogEntryId;
    WSAPROTOCOLCHAIN ProtocolChain;
    int              iVersion;
    int              iAddressFamily;
    int              iMaxSockAddr;
    int              iMinSockAddr;
    int              iSocketType;
    int              iProtocol;
    int              iProtocolMaxOffset;
    int              iNetworkByteOrder;
    int              iSecurityScheme;
    DWORD            dwMessageSize;
    DWORD            dwProviderReserved;
    WCHAR            szProtocol[WSAPROTOCOL_LEN + 1];
} WSAPROTOCOL_INFOW, *LPWSAPROTOCOL_INFOW;

#ifdef UNICODE
typedef WSAPROTOCOL_INFOW WSAPROTOCOL_INFO;
typedef LPWSAPROTOCOL_INFOW LPWSAPROTOCOL_INFO;
#else
typedef WSAPROTOCOL_INFOA WSAPROTOCOL_INFO;
typedef LPWSAPROTOCOL_INFOA LPWSAPROTOCOL_INFO;
#endif

/* dwServiceFlags1 */
#define XP1_CONNECTIONLESS           0x00000001
#define XP1_GUARANTEED_DELIVERY      0x00000002
#define XP1_GUARANTEED_ORDER         0x00000004
#define XP1_MESSAGE_ORIENTED         0x00000008
#define XP1_PSEUDO_STREAM            0x00000010
#define XP1_GRACEFUL_CLOSE           0x00000020
#define XP1_EXPEDITED_DATA           0x00000040
#define XP1_CONNECT_DATA             0x00000080
#define XP1_DISCONNECT_DATA          0x00000100
#define XP1_SUPPORT_BROADCAST        0x00000200
#define XP1_SUPPORT_MULTIPOINT       0x00000400
#define XP1_MULTIPOINT_CONTROL_PLANE 0x00000800
#define XP1_MULTIPOINT_DATA_PLANE    0x00001000
#define XP1_QOS_SUPPORTED            0x00002000
#define XP1_INTERRUPT                0x00004000
#define XP1_UNI_SEND                 0x00008000
#define XP1_UNI_RECV                 0x00010000
#define XP1_IFS_HANDLES              0x00020000
#define XP1_PARTIAL_MESSAGE          0x00040000

/* iNetworkByteOrder */
#define BIGENDIAN    0x0000
#define LITTLEENDIAN 0x0001

/* iSecurityScheme */
#define SECURITY_PROTOCOL_NONE 0x0000

/* dwProviderFlags.  The API document spells the first one
 * PFL_MULTIPLE_PROTOCOL_ENTRIES; the SDK name is PFL_MULTIPLE_PROTO_ENTRIES.
 * Both are defined (same value). */
#define PFL_MULTIPLE_PROTO_ENTRIES    0x00000001
#define PFL_MULTIPLE_PROTOCOL_ENTRIES PFL_MULTIPLE_PROTO_ENTRIES
#define PFL_RECOMMENDED_PROTO_ENTRY   0x00000002
#define PFL_HIDDEN                    0x00000004
#define PFL_MATCHES_PROTOCOL_ZERO     0x00000008

/* ------------------------------------------------------------------ */
/* Functions (librnr)                                                   */
/* ------------------------------------------------------------------ */
/* "a.b.c.d[:port]", "v6addr[%scope]" or "[v6addr[%scope]]:port"; the port
 * is left out when it is 0 and the scope when it is 0, as Windows does.
 * *lpdwAddressStringLength counts the terminating NUL, on success and in
 * the WSAEFAULT (buffer too short) answer. */
INT WSAAddressToStringA(LPSOCKADDR lpsaAddress, DWORD dwAddressLength,
                        LPWSAPROTOCOL_INFOA lpProtocolInfo,
                        LPSTR lpszAddressString,
                        LPDWORD lpdwAddressStringLength);

/* The reverse, AF_INET or AF_INET6 only; a missing port is 0.  The scope
 * of an IPv6 address may be a number or an interface name.  WSAEFAULT with
 * the sockaddr's size in *lpAddressLength when the buffer is too small. */
INT WSAStringToAddressA(LPSTR AddressString, INT AddressFamily,
                        LPWSAPROTOCOL_INFOA lpProtocolInfo,
                        LPSOCKADDR lpAddress, LPINT lpAddressLength);

/* TCP and UDP over IPv4 and IPv6, those the kernel offers (probed at each
 * call), in that order.  lpiProtocols, when given, is a 0-terminated list
 * of IPPROTO_* values to keep.  Returns the count; a short buffer (or a
 * NULL one) gives WSAENOBUFS, as the API reference says, with the size
 * needed in *lpdwBufferLength, which is also set on success. */
int WSAEnumProtocolsA(LPINT lpiProtocols, LPWSAPROTOCOL_INFOA lpProtocolBuffer,
                      LPDWORD lpdwBufferLength);

/* The W twins.  WSAAddressToStringW: *lpdwAddressStringLength counts
 * WCHARs, the terminating 0 included (Microsoft: "in WCHARs for Unicode
 * strings").  WSAStringToAddressW: *lpAddressLength is the sockaddr's
 * size in bytes, as for A; a lone surrogate in AddressString is
 * WSAEINVAL.  WSAEnumProtocolsW: bytes, sizeof(WSAPROTOCOL_INFOW) each. */
INT WSAAddressToStringW(LPSOCKADDR lpsaAddress, DWORD dwAddressLength,
                        LPWSAPROTOCOL_INFOW lpProtocolInfo,
                        LPWSTR lpszAddressString,
                        LPDWORD lpdwAddressStringLength);
INT WSAStringToAddressW(LPWSTR AddressString, INT AddressFamily,
                        LPWSAPROTOCOL_INFOW lpProtocolInfo,
                        LPSOCKADDR lpAddress, LPINT lpAddressLength);
int WSAEnumProtocolsW(LPINT lpiProtocols, LPWSAPROTOCOL_INFOW lpProtocolBuffer,
                      LPDWORD lpdwBufferLength);

#ifdef UNICODE
#define WSAAddressToString WSAAddressToStringW
#define WSAStringToAddress WSAStringToAddressW
#define WSAEnumProtocols   WSAEnumProtocolsW
#else
/* The unsuffixed names are exported too, as the A functions. */
INT WSAAddressToString(LPSOCKADDR lpsaAddress, DWORD dwAddressLength,
                       LPWSAPROTOCOL_INFOA lpProtocolInfo,
                       LPSTR lpszAddressString,
                       LPDWORD lpdwAddressStringLength);
INT WSAStringToAddress(LPSTR AddressString, INT AddressFamily,
                       LPWSAPROTOCOL_INFOA lpProtocolInfo,
                       LPSOCKADDR lpAddress, LPINT lpAddressLength);
int WSAEnumProtocols(LPINT lpiProtocols, LPWSAPROTOCOL_INFOA lpProtocolBuffer,
                     LPDWORD lpdwBufferLength);
#endif

/* ------------------------------------------------------------------ */
/* rnr extensions                                                       */
/* ------------------------------------------------------------------ */
/* ProviderId of every entry WSAEnumProtocols returns (one provider with
 * four entries, as Windows' MSAFD Tcpip).  Their dwCatalogEntryId values
 * are fixed whatever the system supports: */
#define RNR_TCPIP_PROVIDER_GUID \
    { 0x26a82e05, 0x4c35, 0x41da, { 0x8d, 0xcd, 0x8d, 0xbd, 0xeb, 0x1a, 0x15, 0x8f } }
#define RNR_CATALOG_TCP_IP    1001   /* "rnr Tcpip [TCP/IP]" */
#define RNR_CATALOG_UDP_IP    1002   /* "rnr Tcpip [UDP/IP]" */
#define RNR_CATALOG_TCP_IPV6  1003   /* "rnr Tcpip [TCP/IPv6]" */
#define RNR_CATALOG_UDP_IPV6  1004   /* "rnr Tcpip [UDP/IPv6]" */

#ifdef __cplusplus
}
#endif

#endif /* RNR_WS2ADDR_H */
