/* SPDX-License-Identifier: MIT */
/*
 * hostent / servent blobs (API reference, "Windows Sockets 1.1 Compatible
 * Name Resolution"): the structure at offset 0, every pointer in it and in
 * the arrays it references replaced by a pointer-sized offset from the
 * start of the blob, everything inside the blob.  NULL stays 0 (offset 0
 * is the structure itself, never a valid target).  Providers build them;
 * librnr unpacks them into the caller's buffer.
 */
#ifndef RNR_BLOB_H
#define RNR_BLOB_H

#include <stddef.h>
#include <stdint.h>
#include <netdb.h>

/* Build a hostent blob.  addrs holds naddrs addresses of addrlen bytes
 * each (4 for AF_INET, 16 for AF_INET6).  aliases is NULL-terminated (or
 * NULL).  On success *out is newly allocated (rnr_free), *outlen its size,
 * return 0; WSAENOBUFS on ENOMEM, WSAEINVAL on bad arguments. */
int rnr_blob_hostent(const char *name, char *const *aliases, int af,
                     int addrlen, const void *addrs, size_t naddrs,
                     uint8_t **out, size_t *outlen);

/* Build a servent blob; port in network byte order as in struct servent. */
int rnr_blob_servent(const char *name, char *const *aliases, int port_net,
                     const char *proto, uint8_t **out, size_t *outlen);

/* Turn a blob back into a usable structure with real pointers, written
 * into buf (the structure first).  Validates every offset, string and
 * array against bloblen.  Returns 0; WSAEFAULT with *needed set when
 * buflen is short; WSANO_RECOVERY when the blob is malformed. */
int rnr_blob_unpack_hostent(const uint8_t *blob, size_t bloblen,
                            void *buf, size_t buflen, size_t *needed);
int rnr_blob_unpack_servent(const uint8_t *blob, size_t bloblen,
                            void *buf, size_t buflen, size_t *needed);

#endif
