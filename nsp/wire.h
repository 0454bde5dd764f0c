/* SPDX-License-Identifier: MIT */
/*
 * The client <-> rnrd wire protocol, version 1 (doc/protocol.md).
 *
 * A connection carries frames.  Every frame starts with a 16-byte header,
 * all integers little-endian:
 *
 *   u32 length    whole frame, header included; RNR_WIRE_HDR_LEN <= length
 *                 <= the receiver's limit (RNR_WIRE_MAX_FRAME by default)
 *   u16 version   RNR_WIRE_VERSION
 *   u16 type      RNR_MSG_*
 *   u32 id        requests: chosen by the client, echoed in the reply;
 *                 pushed RESULT/DONE frames: the lookup handle
 *   u32 status    replies and DONE: 0 or a WSA error code; requests: 0
 *
 * Replies have the request's type | RNR_MSG_REPLY.  Lookup results are
 * pushed: after a successful LOOKUP_BEGIN reply the daemon sends, in
 * order, zero or more RNR_MSG_LOOKUP_RESULT frames and one
 * RNR_MSG_LOOKUP_DONE frame for that handle, without being asked.  A client
 * that ends a lookup early ignores frames for that handle that are still in
 * flight.  A frame the receiver cannot parse ends the connection.
 *
 * Bodies, by type (request -> reply):
 *   LOOKUP_BEGIN     u32 flags, queryset        -> u32 handle
 *   LOOKUP_END       u32 handle                 -> (empty)
 *   SET_SERVICE      u32 op, u32 flags, queryset [, u32 options]
 *                    -> (empty), or with RNR_SET_REPORT in options:
 *                       u32 n, n x (string provider, u32 outcome
 *                       RNR_SET_*, u32 status), whatever the status
 *   INSTALL_CLASS    classinfo                  -> (empty)
 *   REMOVE_CLASS     guid                       -> (empty)
 *   GET_CLASS_INFO   optguid provider, guid class -> classinfo
 *   GET_CLASS_NAME   guid class                 -> string name
 *   ENUM_PROVIDERS   (empty)                    -> u32 n, n x nsinfo
 *   LIST_CLASSES     (empty)                    -> u32 n, n x classinfo
 *   PING             (empty)                    -> (empty)
 *   STATUS, STATS, CONTROL, RELOAD: see wire_ops.h
 *   SUBSCRIBE        u32 flags, queryset        -> u32 handle, u32 n,
 *                                                  n x guid (providers
 *                                                  that cannot report)
 *   CACHE_REPORT     u64 hits, u64 misses       -> (empty)
 *   LOOKUP_RESULT    (pushed)                   queryset
 *   LOOKUP_DONE      (pushed)                   (empty; status in header)
 *   CHANGE           (pushed)                   u32 kind [, queryset]
 * A reply whose status is not 0 has an empty body, but for a SET_SERVICE
 * that asked for RNR_SET_REPORT.
 *
 * Field encodings:
 *   u8/u16/u32    little-endian
 *   string        u32 byte length (0xFFFFFFFF = NULL pointer), the bytes,
 *                 no NUL on the wire; must not contain NUL
 *   guid          u32 Data1, u16 Data2, u16 Data3, 8 bytes Data4
 *   optguid       u8 0 (NULL) or 1, then guid
 *   bytes         u32 length (0xFFFFFFFF = NULL), the bytes
 *   sockaddr      bytes holding the raw struct sockaddr (length 0 = NULL);
 *                 validated as rnr_qs_validate does
 *   queryset      string name, optguid class, u8 hasversion [u32 version,
 *                 u32 ecHow], string comment, u32 namespace, optguid
 *                 provider, string context, u32 nproto, nproto x (u32 af,
 *                 u32 proto), string querystring, u32 ncsaddr, ncsaddr x
 *                 (sockaddr local, sockaddr remote, u32 socktype, u32
 *                 protocol), u32 outputflags, bytes blob
 *   classinfo     optguid id, string name, u32 n, n x (string name,
 *                 u32 namespace, u32 valuetype, bytes value)
 *   nsinfo        guid id, u32 namespace, u32 active, u32 version,
 *                 string identifier
 * Counts and lengths are bounded as in queryset.h / classinfo.h.
 */
#ifndef RNR_WIRE_H
#define RNR_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <rnr/winsock2.h>

#define RNR_WIRE_VERSION   1u
#define RNR_WIRE_HDR_LEN   16u
#define RNR_WIRE_MAX_FRAME (1u << 20)   /* default limit, both directions */
#define RNR_WIRE_MAX_PROVIDERS 256u

/* The message types: RNR_MSG_<NAME> for every line of msgtab.def, the
 * one list (what each is for, and who sends it: msgtab.h). */
enum rnr_msg_type {
#define RNR_MSG(type, name, flags) RNR_MSG_##name = type,
#include "msgtab.def"
#undef RNR_MSG
    RNR_MSG_REPLY          = 0x80    /* or-ed into a request type */
};

/* SET_SERVICE options (the optional u32 after the query set).  Only a
 * client that asks gets a body: older librnr rejects a reply it does
 * not expect to have one. */
#define RNR_SET_REPORT 0x1u   /* reply with what each provider did */

/* What one provider did with a WSASetService. */
enum rnr_set_outcome {
    RNR_SET_NOT_APPLICABLE = 0, /* stores no registrations (hosts, DNS) */
    RNR_SET_STORED         = 1, /* registered, kept */
    RNR_SET_HELD           = 2, /* registered until this connection closes */
    RNR_SET_REMOVED        = 3, /* deregistered or deleted */
    RNR_SET_REFUSED        = 4  /* nothing changed: the status says why */
};
/* CHANGE kinds: u32 kind, then a queryset for ADD and REMOVE, nothing
 * for OVERFLOW (changes were dropped: list again). */
#define RNR_CHANGE_ADD      1u
#define RNR_CHANGE_REMOVE   2u
#define RNR_CHANGE_OVERFLOW 3u

struct rnr_wire_hdr {
    uint32_t length;
    uint16_t version;
    uint16_t type;
    uint32_t id;
    uint32_t status;
};

/* A growable output buffer.  Writers never fail individually: an
 * allocation failure or an over-limit frame sets `error` (WSAENOBUFS) and
 * later writes are ignored; check it once at the end. */
struct rnr_wbuf {
    uint8_t *data;
    size_t   len;
    size_t   cap;
    size_t   frame_start;  /* offset of the frame being built */
    int      error;
};

/* A little-endian u32 at p.  Inline because the decoders run them for
 * every integer; here rather than in wire.c because the class store's
 * file header (classstore.c) shares the wire's byte order. */
static inline void rnr_le32_store(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static inline uint32_t rnr_le32_load(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

void rnr_wbuf_init(struct rnr_wbuf *w);
void rnr_wbuf_free(struct rnr_wbuf *w);         /* accepts a zeroed wbuf */
void rnr_wbuf_reset(struct rnr_wbuf *w);        /* len = 0, error = 0 */
/* Drop the first n bytes (after a partial write). */
void rnr_wbuf_consume(struct rnr_wbuf *w, size_t n);

/* Frames: begin writes a header with a placeholder length; end patches
 * the length (and sets error when the frame exceeds max_frame). */
void rnr_wire_frame_begin(struct rnr_wbuf *w, uint16_t type, uint32_t id, uint32_t status);
void rnr_wire_frame_end(struct rnr_wbuf *w, size_t max_frame);

void rnr_wire_put_u8(struct rnr_wbuf *w, uint8_t v);
void rnr_wire_put_u16(struct rnr_wbuf *w, uint16_t v);
void rnr_wire_put_u32(struct rnr_wbuf *w, uint32_t v);
void rnr_wire_put_string(struct rnr_wbuf *w, const char *s);
void rnr_wire_put_bytes(struct rnr_wbuf *w, const void *p, uint32_t n, int is_null);
void rnr_wire_put_guid(struct rnr_wbuf *w, const GUID *g);
void rnr_wire_put_optguid(struct rnr_wbuf *w, const GUID *g);  /* NULL ok */
void rnr_wire_put_queryset(struct rnr_wbuf *w, const WSAQUERYSETA *qs);
void rnr_wire_put_classinfo(struct rnr_wbuf *w, const WSASERVICECLASSINFOA *ci);
void rnr_wire_put_nsinfo(struct rnr_wbuf *w, const WSANAMESPACE_INFOA *ns);

/* A bounded reader over one frame body.  Every get returns 0 or
 * WSAEINVAL (truncated, over a bound, malformed); after the first error
 * every later get fails too, so callers may check once. */
struct rnr_rbuf {
    const uint8_t *p;
    size_t         left;
    int            error;
};

void rnr_rbuf_init(struct rnr_rbuf *r, const void *p, size_t len);
/* 0 when the body was consumed exactly, else WSAEINVAL (trailing bytes). */
int  rnr_rbuf_finish(struct rnr_rbuf *r);

/* Parse a header from at least RNR_WIRE_HDR_LEN bytes.  Returns 0, or
 * WSAEINVAL when length < RNR_WIRE_HDR_LEN, length > max_frame or the
 * version is not RNR_WIRE_VERSION. */
int rnr_wire_hdr_parse(const void *p, size_t max_frame, struct rnr_wire_hdr *h);

int rnr_wire_get_u8(struct rnr_rbuf *r, uint8_t *v);
int rnr_wire_get_u16(struct rnr_rbuf *r, uint16_t *v);
int rnr_wire_get_u32(struct rnr_rbuf *r, uint32_t *v);
int rnr_wire_get_guid(struct rnr_rbuf *r, GUID *g);
/* *present = 0 when NULL was sent. */
int rnr_wire_get_optguid(struct rnr_rbuf *r, GUID *g, int *present);
/* A newly allocated NUL-terminated string (NULL when NULL was sent);
 * at most max_len bytes. */
int rnr_wire_get_string(struct rnr_rbuf *r, size_t max_len, char **out);
/* A newly allocated flat query set (rnr_free), validated with
 * rnr_qs_validate(qs, 0).  *size_out (optional) gets its flat size. */
int rnr_wire_get_queryset(struct rnr_rbuf *r, WSAQUERYSETA **out, size_t *size_out);
/* A newly allocated flat class info (rnr_free), validated. */
int rnr_wire_get_classinfo(struct rnr_rbuf *r, WSASERVICECLASSINFOA **out, size_t *size_out);
/* Fills *ns; ns->lpszIdentifier is newly allocated (rnr_free). */
int rnr_wire_get_nsinfo(struct rnr_rbuf *r, WSANAMESPACE_INFOA *ns);

#endif
