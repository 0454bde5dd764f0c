/* SPDX-License-Identifier: MIT */
/*
 * UTF-16 <-> UTF-8 at librnr's boundary.  The W functions take and give
 * UTF-16 (WCHAR, as on Windows); everything behind them, and the wire to
 * rnrd, is UTF-8.  Invalid text in either direction is WSAEINVAL: a name
 * that cannot be converted exactly is refused rather than mangled.
 *
 * Lengths are in WCHARs on the UTF-16 side and in bytes on the UTF-8 side.
 * Buffers returned by the _dup functions are freed with rnr_free.
 */
#ifndef RNR_CLIENT_UTF16_H
#define RNR_CLIENT_UTF16_H

#include <stddef.h>

#include <rnr/winsock2.h>

/* Length in WCHARs of s, not counting the terminating 0. */
size_t rnr_wcslen(const WCHAR *s);

/* NUL-terminated UTF-16 s as a new UTF-8 string (free with rnr_free).
 * s NULL: *out = NULL and 0.  0, WSAEINVAL (lone or reversed surrogate),
 * WSA_NOT_ENOUGH_MEMORY.  *out set only on success. */
int rnr_utf16_to_utf8_dup(const WCHAR *s, char **out);

/* NUL-terminated UTF-8 s into out (cap WCHARs): *need = WCHARs needed
 * including the terminating 0, always set when the input is valid; the
 * text is written only when it fits.  0; WSAEFAULT when cap < *need;
 * WSAEINVAL for invalid UTF-8 (overlong forms, encoded surrogates,
 * above U+10FFFF, truncated sequences, stray continuation bytes). */
int rnr_utf8_to_utf16(const char *s, WCHAR *out, size_t cap, size_t *need);

/* Same, into a new buffer (rnr_free).  s NULL: *out = NULL and 0. */
int rnr_utf8_to_utf16_dup(const char *s, WCHAR **out);

#endif
