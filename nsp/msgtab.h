/* SPDX-License-Identifier: MIT */
/*
 * The table of wire message types (nsp/msgtab.def), with what every
 * part of rnr needs to know about each: whether a client sends it or
 * rnrd pushes it, who may send it, how librnr waits for its reply.
 *
 * Contract: rnr_msg_find() and rnr_msg_flags() take a frame's type as
 * it is on the wire, reply bit included or not, and never fail: an
 * unknown type has no entry (NULL) and no flags (0).  The table is
 * constant, sorted by type, one entry per type; safe from any thread.
 * A new message is one line in msgtab.def and a handler in rnrd
 * (daemon/session.c).
 */
#ifndef RNR_MSGTAB_H
#define RNR_MSGTAB_H

#include <stddef.h>
#include <stdint.h>

enum rnr_msg_flag {
    /* A client sends it; rnrd answers with type | RNR_MSG_REPLY. */
    RNR_MSGF_REQUEST     = 1u << 0,
    /* rnrd sends it unasked (lookup results, changes). */
    RNR_MSGF_PUSHED      = 1u << 1,
    /* librnr sends it on its pooled connections (client/call.c), which
     * take a reply of no other type: one of another type ends the
     * connection as a protocol error. */
    RNR_MSGF_POOL        = 1u << 2,
    /* librnr gives up on its reply after the request timeout: rnrd
     * answers it at once, so a silent rnrd is wedged. */
    RNR_MSGF_DEADLINE    = 1u << 3,
    /* librnr sends it without waiting: its reply is dropped on arrival. */
    RNR_MSGF_UNAWAITED   = 1u << 4,
    /* Only an admin caller may (rnrd replies WSAEACCES to others). */
    RNR_MSGF_ADMIN       = 1u << 5,
    /* rnrd forgets every cached answer before handling one from a caller
     * allowed to send it (messages whose handler cannot tell better;
     * SET_SERVICE, CONTROL and RELOAD invalidate themselves once they
     * know something changed). */
    RNR_MSGF_INVALIDATES = 1u << 6,
    /* rnrd administration (STATUS, STATS, ...): rnrctl's own connection,
     * never librnr's (client/rnrctl/opsconn.h). */
    RNR_MSGF_OPS         = 1u << 7
};

struct rnr_msg_info {
    uint16_t    type;      /* RNR_MSG_*, without the reply bit */
    const char *name;      /* as in RNR_MSG_<name>: "LOOKUP_BEGIN" */
    unsigned    flags;     /* RNR_MSGF_* */
};

/* The whole table, sorted by type; *n gets its length. */
const struct rnr_msg_info *rnr_msg_table(size_t *n);

/* The entry of type (reply bit ignored), or NULL when unknown. */
const struct rnr_msg_info *rnr_msg_find(unsigned type);

/* Its flags, 0 when unknown. */
unsigned rnr_msg_flags(unsigned type);

/* For logs: "PING", "PING reply", or "0x55" for an unknown type; written
 * to buf (len bytes, at least RNR_MSG_NAME_MAX) and returned. */
#define RNR_MSG_NAME_MAX 32u
const char *rnr_msg_describe(unsigned type, char *buf, size_t len);

#endif
