/* SPDX-License-Identifier: MIT */
/*
 * rnr - Winsock 2 Registration and Name Resolution for Linux.
 *
 * <rnr/svcguid.h>: the pre-allocated service class GUIDs and the macros
 * that map TCP/UDP ports and NetWare SAP ids to and from them.  Values are
 * those of the Windows SDK's svcguid.h (see spec/constants.md).
 * Included by <rnr/winsock2.h>; may also be included on its own.
 */
#ifndef RNR_SVCGUID_H
#define RNR_SVCGUID_H

#include <stdint.h>

#ifndef RNR_GUID_DEFINED
#define RNR_GUID_DEFINED
typedef struct _GUID {
    uint32_t Data1;
    uint16_t Data2;
    uint16_t Data3;
    uint8_t  Data4[8];
} GUID, *PGUID, *LPGUID;
typedef const GUID *LPCGUID;
#endif

/* Every SVCID_* GUID ends in C0 00 00 00 00 00 00 46. */
#define RNR_SVCID_TAIL { 0xC0, 0, 0, 0, 0, 0, 0, 0x46 }
#define RNR_SVCID_INIT(d1, d3) { (uint32_t)(d1), 0, (uint16_t)(d3), RNR_SVCID_TAIL }

#define SVCID_HOSTNAME                  RNR_SVCID_INIT(0x0002a800, 0)
#define SVCID_INET_HOSTADDRBYINETSTRING RNR_SVCID_INIT(0x0002a801, 0)
#define SVCID_INET_SERVICEBYNAME        RNR_SVCID_INIT(0x0002a802, 0)
#define SVCID_INET_HOSTADDRBYNAME       RNR_SVCID_INIT(0x0002a803, 0)
/* The API reference's name for gethostbyaddr queries; no SDK defines it and
 * real implementations use HOSTADDRBYINETSTRING, so it is that GUID. */
#define SVCID_INET_HOSTNAMEBYADDR       SVCID_INET_HOSTADDRBYINETSTRING

#define SVCID_TCP_RR(port, rr) RNR_SVCID_INIT((0x0009u << 16) | ((port) & 0xFFFFu), (rr))
#define SVCID_UDP_RR(port, rr) RNR_SVCID_INIT((0x000Au << 16) | ((port) & 0xFFFFu), (rr))
#define SVCID_TCP(port)        SVCID_TCP_RR(port, 0)
#define SVCID_UDP(port)        SVCID_UDP_RR(port, 0)
#define SVCID_DNS(rrtype)      SVCID_TCP_RR(53, rrtype)
#define SVCID_NETWARE(sapid)   RNR_SVCID_INIT((0x000Bu << 16) | ((sapid) & 0xFFFFu), 0)
#define SVCID_NETWORK(sapid)   SVCID_NETWARE(sapid)

#define RNR_SVCID_TAIL_OK(g) \
    ((g)->Data4[0] == 0xC0 && (g)->Data4[1] == 0 && (g)->Data4[2] == 0 && \
     (g)->Data4[3] == 0 && (g)->Data4[4] == 0 && (g)->Data4[5] == 0 && \
     (g)->Data4[6] == 0 && (g)->Data4[7] == 0x46)

/* The IS_ macros take a pointer to a GUID, as the SDK's do. */
#define IS_SVCID_TCP(g) \
    ((((g)->Data1) & 0xFFFF0000u) == 0x00090000u && (g)->Data2 == 0 && RNR_SVCID_TAIL_OK(g))
#define IS_SVCID_UDP(g) \
    ((((g)->Data1) & 0xFFFF0000u) == 0x000A0000u && (g)->Data2 == 0 && RNR_SVCID_TAIL_OK(g))
#define IS_SVCID_NETWARE(g) \
    ((((g)->Data1) & 0xFFFF0000u) == 0x000B0000u && (g)->Data2 == 0 && \
     (g)->Data3 == 0 && RNR_SVCID_TAIL_OK(g))
#define IS_SVCID_NETWORK(g) IS_SVCID_NETWARE(g)

#define PORT_FROM_SVCID_TCP(g)      ((uint16_t)((g)->Data1 & 0xFFFFu))
#define PORT_FROM_SVCID_UDP(g)      ((uint16_t)((g)->Data1 & 0xFFFFu))
#define RR_FROM_SVCID(g)            ((g)->Data3)
#define SAPID_FROM_SVCID_NETWARE(g) ((uint16_t)((g)->Data1 & 0xFFFFu))
#define SAPID_FROM_SVCID_NETWORK(g) SAPID_FROM_SVCID_NETWARE(g)

/* Fill a GUID variable at run time, for the port-numbered classes. */
#define SET_TCP_SVCID(g, port) \
    do { static const GUID rnr_tmp_ = SVCID_TCP(0); *(g) = rnr_tmp_; \
         (g)->Data1 |= ((port) & 0xFFFFu); } while (0)
#define SET_UDP_SVCID(g, port) \
    do { static const GUID rnr_tmp_ = SVCID_UDP(0); *(g) = rnr_tmp_; \
         (g)->Data1 |= ((port) & 0xFFFFu); } while (0)
#define SET_NETWARE_SVCID(g, sapid) \
    do { static const GUID rnr_tmp_ = SVCID_NETWARE(0); *(g) = rnr_tmp_; \
         (g)->Data1 |= ((sapid) & 0xFFFFu); } while (0)

/* Names for class-info values (WSANSCLASSINFO.lpszName). */
#define SERVICE_TYPE_VALUE_SAPIDA      "SapId"
#define SERVICE_TYPE_VALUE_TCPPORTA    "TcpPort"
#define SERVICE_TYPE_VALUE_UDPPORTA    "UdpPort"
#define SERVICE_TYPE_VALUE_OBJECTIDA   "ObjectId"
#define SERVICE_TYPE_VALUE_IPXPORTA    "IpxSocket"
#define SERVICE_TYPE_VALUE_CONNA       "ConnectionOriented"
#define SERVICE_TYPE_VALUE_SAPID       SERVICE_TYPE_VALUE_SAPIDA
#define SERVICE_TYPE_VALUE_TCPPORT     SERVICE_TYPE_VALUE_TCPPORTA
#define SERVICE_TYPE_VALUE_UDPPORT     SERVICE_TYPE_VALUE_UDPPORTA
#define SERVICE_TYPE_VALUE_OBJECTID    SERVICE_TYPE_VALUE_OBJECTIDA
#define SERVICE_TYPE_VALUE_IPXPORT     SERVICE_TYPE_VALUE_IPXPORTA
#define SERVICE_TYPE_VALUE_CONN        SERVICE_TYPE_VALUE_CONNA

#endif /* RNR_SVCGUID_H */
