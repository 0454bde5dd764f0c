/* SPDX-License-Identifier: MIT */
/*
 * The writer of a connection (conn_int.h).
 *
 * Contract: a frame goes onto the socket whole, under the write lock, so
 * frames of several threads never interleave; a write that fails part
 * way has corrupted the stream and kills the connection.  Also the
 * requests nobody waits for (LOOKUP_END, CACHE_REPORT: RNR_MSGF_UNAWAITED
 * in msgtab.h), which are written and forgotten.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/socket.h>

#include "conn_int.h"
#include "wire.h"

/* Write a whole frame.  A partial write leaves the stream corrupt, so any
 * failure kills the connection.  0 or the death status; *unsent (optional)
 * tells whether not a single byte left, i.e. the peer cannot have seen
 * the frame. */
int rnr_conn_write(struct rnr_conn *c, const uint8_t *p, size_t n, int *unsent)
{
    int rc = 0;

    if (unsent != NULL)
        *unsent = 1;
    pthread_mutex_lock(&c->wlock);
    /* No check for death first: a dead connection's fd is shut down, so
     * send() fails at once and the death status is returned below. */
    while (n > 0) {
        ssize_t k = send(c->fd, p, n, MSG_NOSIGNAL);

        if (k > 0) {
            if (unsent != NULL)
                *unsent = 0;
            p += k;
            n -= (size_t)k;
            continue;
        }
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd pfd;

            pfd.fd = c->fd;
            pfd.events = POLLOUT;
            pfd.revents = 0;
            if (poll(&pfd, 1, -1) < 0 && errno != EINTR) {
                rc = WSASYSNOTREADY;
                break;
            }
            continue;
        }
        rc = WSASYSNOTREADY;
        break;
    }
    pthread_mutex_unlock(&c->wlock);
    if (rc != 0) {
        pthread_mutex_lock(&c->lock);
        rnr_conn_fail(c, rc);
        rc = c->dead;
        pthread_mutex_unlock(&c->lock);
    }
    return rc;
}

/* A request whose reply nobody waits for: it matches no pending call and
 * is dropped on arrival (dispatch_one). */
static int conn_send_unawaited(struct rnr_conn *c, uint16_t type, const uint32_t *v, size_t n)
{
    struct rnr_wbuf w;
    size_t i;
    int rc;

    rnr_wbuf_init(&w);
    rnr_wire_frame_begin(&w, type, __atomic_fetch_add(&c->next_id, 1, __ATOMIC_RELAXED), 0);
    for (i = 0; i < n; i++)
        rnr_wire_put_u32(&w, v[i]);
    rnr_wire_frame_end(&w, RNR_WIRE_MAX_FRAME);
    rc = w.error != 0 ? w.error : rnr_conn_write(c, w.data, w.len, NULL);
    rnr_wbuf_free(&w);
    return rc;
}

int rnr_conn_send_end(struct rnr_conn *c, uint32_t handle)
{
    return conn_send_unawaited(c, RNR_MSG_LOOKUP_END, &handle, 1);
}

int rnr_conn_send_cache_report(struct rnr_conn *c, uint64_t hits, uint64_t misses)
{
    /* u64 as the protocol writes it: low half, then high half. */
    const uint32_t v[4] = { (uint32_t)hits, (uint32_t)(hits >> 32),
                            (uint32_t)misses, (uint32_t)(misses >> 32) };

    return conn_send_unawaited(c, RNR_MSG_CACHE_REPORT, v, 4);
}
