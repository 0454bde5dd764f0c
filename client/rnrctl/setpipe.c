/* SPDX-License-Identifier: MIT */
/*
 * SET_SERVICE requests pipelined on one connection (setpipe.h).
 */
#include <config.h>

#include "setpipe.h"

#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "opsconn.h"
#include "wire.h"

/* A registration waits for its fdatasync; a daemon that acknowledges
 * nothing for this long is not going to. */
#define SETPIPE_TIMEOUT_MS 60000

struct setpipe {
    int                 fd;
    size_t              n;
    unsigned char      *pending;    /* per request: sent, no reply yet */
    size_t              inflight;
    rnrctl_setpipe_done done;
    void               *arg;
    int                 stop;
    uint8_t            *rbuf;
    size_t              rlen, rcap;
};

static void outcome(struct setpipe *sp, size_t i, int status)
{
    if (sp->done(sp->arg, i, status) != 0)
        sp->stop = 1;
}

/* The replies received whole so far; 0 or WSASYSCALLFAILURE (a frame
 * that is no reply to a request in flight). */
static int take_replies(struct setpipe *sp)
{
    size_t off = 0;

    while (sp->rlen - off >= RNR_WIRE_HDR_LEN) {
        struct rnr_wire_hdr h;
        size_t              i;

        if (rnr_wire_hdr_parse(sp->rbuf + off, RNR_WIRE_MAX_FRAME, &h) != 0 ||
            h.type != (RNR_MSG_SET_SERVICE | RNR_MSG_REPLY) || h.length != RNR_WIRE_HDR_LEN ||
            h.id == 0 || (i = (size_t)h.id - 1) >= sp->n || !sp->pending[i])
            return WSASYSCALLFAILURE;
        sp->pending[i] = 0;
        sp->inflight--;
        outcome(sp, i, (int)h.status);
        off += RNR_WIRE_HDR_LEN;
    }
    memmove(sp->rbuf, sp->rbuf + off, sp->rlen - off);
    sp->rlen -= off;
    return 0;
}

/* Waits for at least one reply and takes what has come. */
static int read_replies(struct setpipe *sp)
{
    for (;;) {
        size_t got = 0;
        int    rc;

        if (sp->rcap - sp->rlen < 4096) {
            size_t   cap = sp->rcap ? sp->rcap * 2 : 65536;
            uint8_t *nb = rnr_realloc(sp->rbuf, cap);

            if (nb == NULL)
                return WSAENOBUFS;
            sp->rbuf = nb;
            sp->rcap = cap;
        }
        rc = rnrctl_ops_recv(sp->fd, sp->rbuf + sp->rlen, sp->rcap - sp->rlen, &got,
                             SETPIPE_TIMEOUT_MS);
        if (rc != 0)
            return rc;
        sp->rlen += got;
        if (sp->rlen >= RNR_WIRE_HDR_LEN)
            return take_replies(sp);
    }
}

int rnrctl_setpipe_run(size_t n, size_t window, rnrctl_setpipe_get get,
                       rnrctl_setpipe_done done, void *arg)
{
    struct setpipe sp;
    struct rnr_wbuf w;
    size_t         next = 0, i;
    int            rc;

    memset(&sp, 0, sizeof sp);
    sp.fd = -1;
    sp.n = n;
    sp.done = done;
    sp.arg = arg;
    rnr_wbuf_init(&w);
    if (n == 0)
        return 0;
    if ((sp.pending = rnr_calloc(n, 1)) == NULL) {
        rc = WSAENOBUFS;
        goto done;
    }
    if ((rc = rnrctl_ops_dial(&sp.fd)) != 0)
        goto done;
    for (;;) {
        rnr_wbuf_reset(&w);
        while (next < n && !sp.stop && sp.inflight < window) {
            const WSAQUERYSETA *qs = NULL;
            WSAESETSERVICEOP    op = RNRSERVICE_REGISTER;
            int                 st;

            i = next++;
            if ((st = get(arg, i, &qs, &op)) == 1)
                continue;
            if (st != 0) {
                outcome(&sp, i, st);
                continue;
            }
            rnr_wire_frame_begin(&w, RNR_MSG_SET_SERVICE, (uint32_t)(i + 1), 0);
            rnr_wire_put_u32(&w, (uint32_t)op);
            rnr_wire_put_u32(&w, 0);
            rnr_wire_put_queryset(&w, qs);
            rnr_wire_frame_end(&w, RNR_WIRE_MAX_FRAME);
            if (w.error != 0) {
                /* Too large for a frame: cut off, the others stay. */
                st = w.error;
                w.error = 0;
                outcome(&sp, i, st);
                continue;
            }
            sp.pending[i] = 1;
            sp.inflight++;
        }
        if (w.len > 0 && (rc = rnrctl_ops_send(sp.fd, w.data, w.len)) != 0)
            goto done;
        if (sp.inflight == 0 && (next >= n || sp.stop))
            break;
        if ((rc = read_replies(&sp)) != 0)
            goto done;
    }
    rc = 0;
done:
    /* The connection failed: what is still in flight may or may not
     * have been applied. */
    for (i = 0; rc != 0 && sp.pending != NULL && i < n; i++)
        if (sp.pending[i])
            done(arg, i, rc);
    if (sp.fd >= 0)
        close(sp.fd);
    rnr_wbuf_free(&w);
    rnr_free(sp.rbuf);
    rnr_free(sp.pending);
    return rc;
}
