/* SPDX-License-Identifier: MIT */
/*
 * rnr_browse_*: a SUBSCRIBE on a connection of its own (doc/protocol.md,
 * "Subscriptions").  The connection carries nothing else, so the
 * application may poll its descriptor: every frame on it is the
 * SUBSCRIBE reply, a CHANGE for the handle, or the reply to the final
 * LOOKUP_END.  A frame that does not parse ends the browse, as it ends
 * any connection (WSASYSNOTREADY).
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <rnr/browse.h>

#include "alloc.h"
#include "conn.h"
#include "queryset.h"
#include "wire.h"

/* How long open waits for rnrd's answer. */
#define BROWSE_REPLY_MS 30000

struct rnr_browse {
    int       fd;
    uint32_t  handle;
    GUID     *silent;
    size_t    nsilent;
    uint8_t  *in;        /* received, not yet parsed */
    size_t    len, cap;
    int       dead;
};

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd pf = { .fd = fd, .events = POLLOUT };

            if (poll(&pf, 1, BROWSE_REPLY_MS) <= 0)
                return WSASYSNOTREADY;
            continue;
        }
        if (w <= 0)
            return WSASYSNOTREADY;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Read what the socket has.  0, WSAEWOULDBLOCK (nothing), WSAEINTR, or
 * WSASYSNOTREADY (closed, error). */
static int fill(struct rnr_browse *b, int timeout_ms)
{
    struct pollfd pf = { .fd = b->fd, .events = POLLIN };
    ssize_t n;
    int pr;

    pr = poll(&pf, 1, timeout_ms);
    if (pr < 0)
        return errno == EINTR ? WSAEINTR : WSASYSNOTREADY;
    if (pr == 0)
        return WSAEWOULDBLOCK;
    if (b->cap - b->len < 65536) {
        size_t ncap = b->cap ? b->cap * 2 : 65536;
        uint8_t *p;

        /* One frame at most is ever kept, plus a read. */
        if (ncap > RNR_WIRE_MAX_FRAME + 65536 + 65536)
            return WSASYSNOTREADY;
        if ((p = rnr_realloc(b->in, ncap)) == NULL)
            return WSA_NOT_ENOUGH_MEMORY;
        b->in = p;
        b->cap = ncap;
    }
    n = recv(b->fd, b->in + b->len, b->cap - b->len, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return WSAEWOULDBLOCK;
    if (n < 0 && errno == EINTR)
        return WSAEINTR;
    if (n <= 0)
        return WSASYSNOTREADY;
    b->len += (size_t)n;
    return 0;
}

/* A whole frame at the head of the buffer: 1 (*h, *body), 0 not yet, -1
 * malformed. */
static int frame_at_head(const struct rnr_browse *b, struct rnr_wire_hdr *h,
                         const uint8_t **body)
{
    if (b->len < RNR_WIRE_HDR_LEN)
        return 0;
    if (rnr_wire_hdr_parse(b->in, RNR_WIRE_MAX_FRAME, h) != 0)
        return -1;
    if (b->len < h->length)
        return 0;
    *body = b->in + RNR_WIRE_HDR_LEN;
    return 1;
}

static void frame_drop(struct rnr_browse *b, size_t n)
{
    memmove(b->in, b->in + n, b->len - n);
    b->len -= n;
}

/* The next whole frame, waiting up to timeout_ms. */
static int next_frame(struct rnr_browse *b, int timeout_ms, struct rnr_wire_hdr *h,
                      const uint8_t **body)
{
    int rc;

    for (;;) {
        int got = frame_at_head(b, h, body);

        if (got < 0) {
            b->dead = 1;
            return WSASYSNOTREADY;
        }
        if (got > 0)
            return 0;
        if ((rc = fill(b, timeout_ms)) != 0) {
            if (rc == WSASYSNOTREADY)
                b->dead = 1;
            return rc;
        }
    }
}

static int parse_reply(struct rnr_browse *b, const uint8_t *body, size_t len)
{
    struct rnr_rbuf r;
    uint32_t n, i;

    rnr_rbuf_init(&r, body, len);
    if (rnr_wire_get_u32(&r, &b->handle) != 0 || rnr_wire_get_u32(&r, &n) != 0 ||
        n > RNR_WIRE_MAX_PROVIDERS)
        return WSASYSNOTREADY;
    if (n > 0 && (b->silent = rnr_calloc(n, sizeof *b->silent)) == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    for (i = 0; i < n; i++)
        if (rnr_wire_get_guid(&r, &b->silent[i]) != 0)
            return WSASYSNOTREADY;
    b->nsilent = n;
    return rnr_rbuf_finish(&r) == 0 ? 0 : WSASYSNOTREADY;
}

int rnr_browse_open(const WSAQUERYSETA *qs, DWORD flags, struct rnr_browse **out)
{
    struct rnr_browse *b = NULL;
    struct rnr_wbuf w;
    struct rnr_wire_hdr h;
    const uint8_t *body;
    uint64_t deadline;
    int rc;

    rnr_wbuf_init(&w);
    if (qs == NULL || out == NULL) {
        rc = WSAEFAULT;
        goto done;
    }
    if (rnr_qs_validate(qs, 1) != 0 || (flags & LUP_CONTAINERS)) {
        rc = WSAEINVAL;
        goto done;
    }
    if ((b = rnr_calloc(1, sizeof *b)) == NULL) {
        rc = WSA_NOT_ENOUGH_MEMORY;
        goto done;
    }
    b->fd = -1;
    if ((rc = rnr_conn_dial(&b->fd)) != 0)
        goto done;
    rnr_wire_frame_begin(&w, RNR_MSG_SUBSCRIBE, 1, 0);
    rnr_wire_put_u32(&w, flags);
    rnr_wire_put_queryset(&w, qs);
    rnr_wire_frame_end(&w, RNR_WIRE_MAX_FRAME);
    if (w.error != 0) {
        rc = WSAEINVAL;     /* too large to ask */
        goto done;
    }
    if ((rc = write_all(b->fd, w.data, w.len)) != 0)
        goto done;
    deadline = rnr_conn_now_ms() + BROWSE_REPLY_MS;
    do {
        uint64_t now = rnr_conn_now_ms();

        if (now >= deadline) {
            rc = WSASYSNOTREADY;
            goto done;
        }
        rc = next_frame(b, (int)(deadline - now), &h, &body);
    } while (rc == WSAEINTR || rc == WSAEWOULDBLOCK);
    if (rc != 0)
        goto done;
    if (h.type != (RNR_MSG_SUBSCRIBE | RNR_MSG_REPLY) || h.id != 1) {
        rc = WSASYSNOTREADY;
        goto done;
    }
    if (h.status != 0) {
        rc = (int)h.status;
        goto done;
    }
    if ((rc = parse_reply(b, body, h.length - RNR_WIRE_HDR_LEN)) != 0)
        goto done;
    frame_drop(b, h.length);
    *out = b;
    b = NULL;
done:
    rnr_wbuf_free(&w);
    rnr_browse_close(b);
    return rc;
}

int rnr_browse_fd(const struct rnr_browse *b)
{
    return b != NULL ? b->fd : -1;
}

size_t rnr_browse_silent(const struct rnr_browse *b, const GUID **ids)
{
    if (b == NULL)
        return 0;
    if (ids != NULL)
        *ids = b->silent;
    return b->nsilent;
}

/* A CHANGE body: 0 with *kind and *entry, or WSASYSNOTREADY. */
static int parse_change(const uint8_t *body, size_t len, int *kind, WSAQUERYSETA **entry)
{
    struct rnr_rbuf r;
    WSAQUERYSETA *qs = NULL;
    uint32_t k;

    rnr_rbuf_init(&r, body, len);
    if (rnr_wire_get_u32(&r, &k) != 0)
        return WSASYSNOTREADY;
    if (k != RNR_CHANGE_ADD && k != RNR_CHANGE_REMOVE && k != RNR_CHANGE_OVERFLOW)
        return WSASYSNOTREADY;
    if (k != RNR_CHANGE_OVERFLOW && rnr_wire_get_queryset(&r, &qs, NULL) != 0)
        return WSASYSNOTREADY;
    if (rnr_rbuf_finish(&r) != 0) {
        rnr_free(qs);
        return WSASYSNOTREADY;
    }
    *kind = (int)k;
    *entry = qs;
    return 0;
}

int rnr_browse_next(struct rnr_browse *b, int timeout_ms, int *kind, WSAQUERYSETA **entry)
{
    struct rnr_wire_hdr h;
    const uint8_t *body;
    int rc;

    if (b == NULL || kind == NULL || entry == NULL)
        return WSAEFAULT;
    if (b->dead)
        return WSASYSNOTREADY;
    for (;;) {
        if ((rc = next_frame(b, timeout_ms, &h, &body)) != 0)
            return rc;
        if (h.type == RNR_MSG_CHANGE && h.id == b->handle) {
            rc = parse_change(body, h.length - RNR_WIRE_HDR_LEN, kind, entry);
            frame_drop(b, h.length);
            if (rc != 0)
                b->dead = 1;
            return rc;
        }
        /* Nothing else is asked on this connection. */
        b->dead = 1;
        return WSASYSNOTREADY;
    }
}

void rnr_browse_entry_free(WSAQUERYSETA *entry)
{
    rnr_free(entry);
}

void rnr_browse_close(struct rnr_browse *b)
{
    if (b == NULL)
        return;
    /* Closing the connection ends the subscription: rnrd frees it with
     * the client, no LOOKUP_END round trip needed. */
    if (b->fd >= 0)
        close(b->fd);
    rnr_free(b->silent);
    rnr_free(b->in);
    rnr_free(b);
}
