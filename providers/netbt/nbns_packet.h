/* SPDX-License-Identifier: MIT */
/*
 * The NetBIOS Name Service packet codec (RFC 1002 section 4.2): names in
 * the first- and second-level encodings, the header, one question and
 * the one resource record a packet of the name service carries.  It
 * needs nothing but the C library and the WSA codes, so the unit test
 * and the fuzz target use it without the provider (doc/netbt.md
 * "Packets").
 */
#ifndef RNR_NBNS_PACKET_H
#define RNR_NBNS_PACKET_H

#include <stddef.h>
#include <stdint.h>

#define NBNS_PORT          137u
/* RFC 1002 4.2: datagrams of the name service fit 576 bytes; what rnr
 * sends is kept under it, what it reads may be larger (node status). */
#define NBNS_MAX_SEND      576u
#define NBNS_MAX_PACKET    1472u
#define NBNS_NAME_LEN      16u     /* 15 characters and the suffix byte */
/* An encoded name is at most 255 bytes: 1 + 32 for the NetBIOS name, a
 * length byte per label and the final 0 leave this for the scope. */
#define NBNS_MAX_SCOPE     220u
#define NBNS_MAX_ADDRS     32u     /* NB records kept of one answer */
#define NBNS_MAX_STAT      64u     /* names kept of one node status */
#define NBNS_STATS_LEN     46u     /* the node status statistics block */

/* Header flags (RFC 1002 4.2.1.1), opcode and rcode included. */
#define NBNS_F_RESPONSE    0x8000u
#define NBNS_F_AA          0x0400u
#define NBNS_F_TC          0x0200u
#define NBNS_F_RD          0x0100u
#define NBNS_F_RA          0x0080u
#define NBNS_F_BROADCAST   0x0010u
#define NBNS_OPCODE(f)     (((f) >> 11) & 0xFu)
#define NBNS_RCODE(f)      ((f) & 0xFu)

enum {
    NBNS_OP_QUERY = 0,
    NBNS_OP_REGISTER = 5,
    NBNS_OP_RELEASE = 6,
    NBNS_OP_WACK = 7,
    NBNS_OP_REFRESH = 8,
    NBNS_OP_REFRESH_ALT = 9,    /* RFC 1002's typo, sent by some stacks */
    NBNS_OP_MULTIHOMED = 15
};

enum {
    NBNS_RCODE_OK = 0,
    NBNS_RCODE_FMT = 1,
    NBNS_RCODE_SRV = 2,
    NBNS_RCODE_NAM = 3,
    NBNS_RCODE_IMP = 4,
    NBNS_RCODE_RFS = 5,
    NBNS_RCODE_ACT = 6,
    NBNS_RCODE_CFT = 7
};

#define NBNS_TYPE_A        0x0001u
#define NBNS_TYPE_NS       0x0002u
#define NBNS_TYPE_NULL     0x000Au
#define NBNS_TYPE_NB       0x0020u
#define NBNS_TYPE_NBSTAT   0x0021u
#define NBNS_CLASS_IN      0x0001u

/* NB_FLAGS and NAME_FLAGS. */
#define NBNS_NB_GROUP      0x8000u
#define NBNS_NB_ONT_MASK   0x6000u
#define NBNS_NB_ONT_B      0x0000u
#define NBNS_NB_ONT_P      0x2000u
#define NBNS_NB_ONT_M      0x4000u
#define NBNS_NB_ONT_H      0x6000u   /* Microsoft's h-node */
#define NBNS_NAME_ACTIVE   0x0400u
#define NBNS_NAME_CONFLICT 0x0800u

/* Which section the packet's resource record is in. */
enum { NBNS_SEC_NONE = 0, NBNS_SEC_AN, NBNS_SEC_AR };

/* A NetBIOS name: 16 bytes as on the wire (15 padded characters and the
 * suffix; binary names like __MSBROWSE__ are kept as they are), and the
 * scope id as dotted text ("" for none). */
struct nbns_name {
    uint8_t b[NBNS_NAME_LEN];
    char    scope[NBNS_MAX_SCOPE + 1];
};

struct nbns_addr {
    uint16_t flags;       /* NB_FLAGS */
    uint8_t  ip[4];       /* network order */
};

struct nbns_stat_name {
    uint8_t  b[NBNS_NAME_LEN];
    uint16_t flags;       /* NAME_FLAGS */
};

/* One packet.  A request carries a question and, for registration,
 * refresh and release, its record in the additional section; a response
 * carries its record in the answer section (a WACK's is NULL-typed, a
 * negative response's may be empty). */
struct nbns_msg {
    uint16_t id;
    uint16_t flags;
    int      has_question;
    struct nbns_name qname;
    uint16_t qtype;
    int      rr_section;            /* NBNS_SEC_* */
    struct nbns_name rrname;
    uint16_t rrtype;
    uint32_t ttl;
    uint16_t null_data;             /* NULL record of a WACK (2 bytes) */
    int      has_null_data;
    size_t   naddrs;                /* NB */
    struct nbns_addr addrs[NBNS_MAX_ADDRS];
    size_t   nnames;                /* NBSTAT */
    struct nbns_stat_name names[NBNS_MAX_STAT];
    uint8_t  mac[6];
};

/* "NAME" or "NAME#XX" (nmblookup's notation, XX hexadecimal) to a name
 * with `suffix` unless the text gives one, upper-cased and padded with
 * spaces, in `scope` (NULL or "" for none).  0, or WSAEINVAL for what
 * cannot be a NetBIOS name (empty, over 15 characters, a character a
 * name may not hold, a bad scope). */
int  nbns_name_from_text(const char *text, int suffix, const char *scope,
                         struct nbns_name *out);
/* The name as "NAME<XX>" without padding, non-printable bytes as '.'.
 * `out` holds at least NBNS_NAME_TEXT bytes. */
#define NBNS_NAME_TEXT 24u
void nbns_name_to_text(const uint8_t b[NBNS_NAME_LEN], char *out);
/* The node status question's name: '*' padded with zero bytes. */
void nbns_name_wildcard(const char *scope, struct nbns_name *out);
/* Case-insensitive, as NetBIOS names compare: 1 when equal. */
int  nbns_name_equal(const struct nbns_name *a, const struct nbns_name *b);
int  nbns_scope_valid(const char *scope);

/* 0 and *len, or WSAEINVAL (a field out of range) / WSAENOBUFS (does
 * not fit cap). */
int  nbns_encode(const struct nbns_msg *m, uint8_t *buf, size_t cap, size_t *len);
/* 0 and *m, or WSAEINVAL for anything malformed: truncated, a count the
 * packet cannot hold, a label too long, a compression pointer that loops
 * or points forward, a name not in the first-level encoding, bytes left
 * over, a record of the wrong class or length. */
int  nbns_decode(const uint8_t *buf, size_t len, struct nbns_msg *m);

#endif
