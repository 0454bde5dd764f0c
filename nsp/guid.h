/* SPDX-License-Identifier: MIT */
/*
 * GUID helpers: comparison, text form ("{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}",
 * braces optional on input), and the names of the well-known classes.
 */
#ifndef RNR_GUID_H
#define RNR_GUID_H

#include <stddef.h>
#include <rnr/winsock2.h>

#define RNR_GUID_STRLEN 39  /* "{8-4-4-4-12}" + NUL */

int  rnr_guid_equal(const GUID *a, const GUID *b);
int  rnr_guid_is_null(const GUID *g);
/* Writes the braced upper-case form; buf must hold RNR_GUID_STRLEN bytes. */
void rnr_guid_format(const GUID *g, char buf[RNR_GUID_STRLEN]);
/* 0 on success, WSAEINVAL when `s` is not a GUID.  *out set only on success. */
int  rnr_guid_parse(const char *s, GUID *out);
/* The value of one hex digit (either case), or -1: what every hex reader
 * in rnr (GUIDs, blobs, inet_aton's 0x parts, class files) builds on. */
int  rnr_hex_digit(int c);

/* The built-in name of a pre-allocated class ("HOSTNAME", "INET_SERVICEBYNAME"
 * ...), or NULL.  SVCID_TCP/UDP(port) are not named here: the caller looks
 * the port up in the services database. */
const char *rnr_guid_wellknown_name(const GUID *g);

#endif
