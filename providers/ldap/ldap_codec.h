/* SPDX-License-Identifier: MIT */
/*
 * The ldap provider's value codecs: Active Directory's binary attributes
 * (serviceClassID, serviceInstanceVersion, winsockAddresses,
 * serviceClassInfo), RFC 4515 filter and RFC 4514 DN escaping, and the
 * one table from LDAP result codes to WSA codes.  Pure functions, no
 * libldap state: unit-tested on their own (tests/unit/test_ldap_codec.c).
 * The byte layouts are doc/ldap.md's.
 */
#ifndef RNR_LDAP_CODEC_H
#define RNR_LDAP_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include <rnr/nsp.h>

/* serviceClassID: 16 bytes, Data1..3 little-endian, Data4 as is. */
#define LP_GUID_LEN 16
/* serviceInstanceVersion: dwVersion then ecHow, 4 bytes each, LE. */
#define LP_VERSION_LEN 8
/* One winsockAddresses value at most: a header and two IPv6 sockaddrs. */
#define LP_CSADDR_MAX (16 + 2 * 28)
/* Bounds on what a server may hand us. */
#define LP_CLASSINFO_MAX 4096     /* one serviceClassInfo value */
#define LP_NAME_MAX      256      /* displayName / cn we accept */

void lp_guid_put(const GUID *g, unsigned char out[LP_GUID_LEN]);
int  lp_guid_get(const void *v, size_t n, GUID *out);

void lp_version_put(const WSAVERSION *v, unsigned char out[LP_VERSION_LEN]);
int  lp_version_get(const void *v, size_t n, WSAVERSION *out);

/* One CSADDR_INFO into `out` (LP_CSADDR_MAX bytes); its length in *len.
 * WSAEINVAL for a family other than AF_INET / AF_INET6 or a short
 * sockaddr. */
int lp_csaddr_put(const CSADDR_INFO *ca, unsigned char out[LP_CSADDR_MAX], size_t *len);
/* One value back into *ca, its sockaddrs in `local` and `remote` (which
 * ca points into).  WSAEINVAL for anything malformed. */
int lp_csaddr_get(const void *v, size_t n, CSADDR_INFO *ca, struct sockaddr_storage *local,
                  struct sockaddr_storage *remote);

/* One WSANSCLASSINFOA as a serviceClassInfo value, allocated into *out. */
int lp_classinfo_put(const WSANSCLASSINFOA *ci, unsigned char **out, size_t *len);
/* A value back: lpszName and lpValue allocated (rnr_free both).  */
int lp_classinfo_get(const void *v, size_t n, WSANSCLASSINFOA *out);

/* RFC 4515: `s` with * ( ) \ and NUL as \XX, or, with `wild`, '*' kept
 * and '?' turned into '*' (LDAP has no one-character wildcard: the
 * provider matches the name again).  Appended to a growing string. */
struct lp_buf {
    char  *data;
    size_t len, cap;
    int    error;
};
void lp_buf_free(struct lp_buf *b);
void lp_buf_puts(struct lp_buf *b, const char *s);
void lp_buf_putn(struct lp_buf *b, const char *s, size_t n);
void lp_filter_escape(struct lp_buf *b, const char *s, int wild);
void lp_filter_bytes(struct lp_buf *b, const unsigned char *v, size_t n);
/* RFC 4514: one attribute value of a DN. */
void lp_dn_escape(struct lp_buf *b, const char *s);

/* The DN below `container` of a context path ("\a\b", "a\b", "" or NULL
 * for the container itself), as CN=b,CN=a,<container>.  WSAEINVAL for an
 * empty component. */
int lp_context_dn(const char *context, const char *container, char **out);

/* An LDAP result code (and whether the server was reachable) as the WSA
 * code the caller sees; `op` is LP_OP_*, as some codes depend on it. */
#define LP_OP_SEARCH 0
#define LP_OP_ADD    1
#define LP_OP_MODIFY 2
#define LP_OP_DELETE 3
int lp_ldap_to_wsa(int ldap_rc, int op);

#endif /* RNR_LDAP_CODEC_H */
