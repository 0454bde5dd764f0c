/* SPDX-License-Identifier: MIT */
/*
 * rnr - Winsock 2 Registration and Name Resolution for Linux.
 *
 * <rnr/nspids.h>: the provider ids of the providers rnr ships, and the
 * class ids they define.
 *
 * Public because they are part of what a client sees: a program names a
 * provider through WSAQUERYSET.lpNSProviderId or WSAEnumNameSpaceProviders
 * returns it, rnrd.conf(5) sets `id` to one of them, and the directory's
 * container class comes back in its results.  Each is given as an
 * initializer for a GUID (as <rnr/svcguid.h> gives the service classes)
 * and as the text rnrctl and rnrd.conf read; the two spellings sit side
 * by side here and nowhere else.
 *
 * They share one prefix, {8C6B8C1E-3F2A-4D55-9B0E-6A1F2C3D4Exx}; a new
 * provider takes the next free last byte.
 */
#ifndef RNR_NSPIDS_H
#define RNR_NSPIDS_H

#define RNR_NSPID_INIT_(last) \
    { 0x8C6B8C1Eu, 0x3F2A, 0x4D55, { 0x9B, 0x0E, 0x6A, 0x1F, 0x2C, 0x3D, 0x4E, (last) } }

/* providers/hosts: the hosts and services files (NS_TCPIP_HOSTS). */
#define RNR_NSPID_HOSTS          RNR_NSPID_INIT_(0x01)
#define RNR_NSPID_HOSTS_TEXT     "{8C6B8C1E-3F2A-4D55-9B0E-6A1F2C3D4E01}"
/* providers/local: this machine's names and addresses (NS_TCPIP_LOCAL). */
#define RNR_NSPID_LOCAL          RNR_NSPID_INIT_(0x02)
#define RNR_NSPID_LOCAL_TEXT     "{8C6B8C1E-3F2A-4D55-9B0E-6A1F2C3D4E02}"
/* providers/dns: DNS through c-ares (NS_DNS). */
#define RNR_NSPID_DNS            RNR_NSPID_INIT_(0x03)
#define RNR_NSPID_DNS_TEXT       "{8C6B8C1E-3F2A-4D55-9B0E-6A1F2C3D4E03}"
/* providers/sap: the SAP-like dynamic name space (NS_SAP). */
#define RNR_NSPID_SAP            RNR_NSPID_INIT_(0x04)
#define RNR_NSPID_SAP_TEXT       "{8C6B8C1E-3F2A-4D55-9B0E-6A1F2C3D4E04}"
/* providers/netbt: NetBIOS names over TCP/IP (NS_NETBT). */
#define RNR_NSPID_NETBT          RNR_NSPID_INIT_(0x05)
#define RNR_NSPID_NETBT_TEXT     "{8C6B8C1E-3F2A-4D55-9B0E-6A1F2C3D4E05}"
/* providers/directory: the persistent hierarchical directory (NS_NDS). */
#define RNR_NSPID_DIRECTORY      RNR_NSPID_INIT_(0x0D)
#define RNR_NSPID_DIRECTORY_TEXT "{8C6B8C1E-3F2A-4D55-9B0E-6A1F2C3D4E0D}"
/* providers/ldap: Active Directory's Winsock objects over LDAP (NS_NTDS). */
#define RNR_NSPID_LDAP           RNR_NSPID_INIT_(0x0E)
#define RNR_NSPID_LDAP_TEXT      "{8C6B8C1E-3F2A-4D55-9B0E-6A1F2C3D4E0E}"

/* The class of the directory's container results: a query of it (or of
 * the null GUID) may return containers. */
#define RNR_SVCID_DIRECTORY_CONTAINER      RNR_NSPID_INIT_(0xC0)
#define RNR_SVCID_DIRECTORY_CONTAINER_TEXT "{8C6B8C1E-3F2A-4D55-9B0E-6A1F2C3D4EC0}"

#endif /* RNR_NSPIDS_H */
