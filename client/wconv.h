/* SPDX-License-Identifier: MIT */
/*
 * The structures of the W functions, converted to and from the A ones the
 * rest of librnr works with.  A W structure coming in becomes one flat A
 * allocation (rnr_free), so the A code validates and sends it unchanged;
 * an A result going out is laid out in the caller's buffer in the W
 * layout, everything it points to inside that buffer, like the A
 * flatteners do.
 *
 * Status: 0; WSAEINVAL for text that does not convert (a lone surrogate
 * in, invalid UTF-8 out); WSAEFAULT for a NULL structure or, going out,
 * a buffer too small (then *lenp = the bytes needed, nothing written);
 * WSA_NOT_ENOUGH_MEMORY.  Output parameters are set only on success,
 * except the needed size with WSAEFAULT.
 */
#ifndef RNR_CLIENT_WCONV_H
#define RNR_CLIENT_WCONV_H

#include <stddef.h>

#include <rnr/winsock2.h>

/* qs as a flat WSAQUERYSETA (rnr_free).  Only the text is converted;
 * dwSize and the rest are copied as they are, after the A validation
 * (rnr_qs_validate, the class not demanded) has accepted them: WSAEINVAL
 * for what it refuses. */
int rnr_qs_w_to_a(const WSAQUERYSETW *qs, WSAQUERYSETA **out);

/* qs in the W layout into buf (*lenp bytes): on success *lenp = the bytes
 * used; WSAEFAULT (buf NULL or short) with *lenp = the bytes needed. */
int rnr_qs_a_to_w(const WSAQUERYSETA *qs, WSAQUERYSETW *buf, DWORD *lenp);

/* Same pair for service class information (rnr_class_validate before
 * the copy).  lpValue is copied byte for byte both ways: it is opaque to
 * librnr. */
int rnr_class_w_to_a(const WSASERVICECLASSINFOW *ci, WSASERVICECLASSINFOA **out);
int rnr_class_a_to_w(const WSASERVICECLASSINFOA *ci, WSASERVICECLASSINFOW *buf,
                     DWORD *lenp);

/* A UTF-8 string as UTF-16 into a caller buffer of *lenp WCHARs, for the
 * functions whose one output is a string: *lenp = the WCHARs used or
 * needed, the terminating 0 counted.  0, WSAEFAULT (out NULL or short),
 * WSAEINVAL. */
int rnr_wstr_out(const char *s, WCHAR *out, DWORD *lenp);

#endif
