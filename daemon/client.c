/*
 * Client connections: credentials, frame input, buffered output with a
 * high-water mark, and teardown.  Clients are freed only from the loop's
 * idle hook (or their own callbacks), never while a provider is on the
 * stack: a failure found inside a provider callback just marks the client
 * dead.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "alloc.h"
#include "log.h"
#include "lookup.h"
#include "rnrd.h"

static void client_io(void *arg, int fd, unsigned events);

static void client_mark_dirty(struct rnrd_client *c)
{
    if (!c->dirty) {
        c->dirty = 1;
        TAILQ_INSERT_TAIL(&c->d->dirty, c, dirty_link);
    }
}

int rnrd_client_throttled(const struct rnrd_client *c)
{
    return c->throttled || rnrd_buf_pending(&c->out) >= RNRD_OUT_HIGH_WATER;
}

void rnrd_client_drop(struct rnrd_client *c, const char *why)
{
    if (c->dead)
        return;
    if (why != NULL) {
        c->d->stats.clients_dropped++;
        log_warning("client %u (pid %ld uid %ld): dropped: %s", c->serial, (long)c->caller.pid,
                 (long)c->caller.uid, why);
    }
    c->dead = 1;
    client_mark_dirty(c);
}

void rnrd_client_send(struct rnrd_client *c, const void *p, size_t n)
{
    if (c->dead)
        return;
    if (rnrd_buf_append(&c->out, p, n) != 0) {
        rnrd_client_drop(c, "out of memory for its output");
        return;
    }
    c->d->stats.frames_out++;
    if (rnrd_buf_pending(&c->out) >= RNRD_OUT_HIGH_WATER)
        c->throttled = 1;
    client_mark_dirty(c);
}

/* ------------------------------------------------------------ replies */

struct rnr_wbuf *rnrd_reply_begin(struct rnrd_client *c, uint16_t type, uint32_t id)
{
    struct rnr_wbuf *w = &c->d->scratch;

    rnr_wbuf_reset(w);
    rnr_wire_frame_begin(w, (uint16_t)(type | RNR_MSG_REPLY), id, 0);
    return w;
}

void rnrd_reply_end(struct rnrd_client *c, uint16_t type, uint32_t id)
{
    struct rnr_wbuf *w = &c->d->scratch;

    rnr_wire_frame_end(w, RNR_WIRE_MAX_FRAME);
    if (w->error != 0) {
        rnrd_reply_status(c, type, id, WSAENOBUFS);
        return;
    }
    rnrd_client_send(c, w->data, w->len);
}

void rnrd_reply_status(struct rnrd_client *c, uint16_t type, uint32_t id, int status)
{
    struct rnr_wbuf *w = &c->d->scratch;

    rnr_wbuf_reset(w);
    rnr_wire_frame_begin(w, (uint16_t)(type | RNR_MSG_REPLY), id, (uint32_t)status);
    rnr_wire_frame_end(w, RNR_WIRE_MAX_FRAME);
    if (w->error != 0) {
        rnrd_client_drop(c, "cannot encode a reply");
        return;
    }
    rnrd_client_send(c, w->data, w->len);
}

/* ------------------------------------------------------------ accept */

void rnrd_client_refresh_admin(struct rnrd_client *c)
{
    struct rnrd *d = c->d;
    gid_t groups[64], *g = groups;
    socklen_t len = sizeof groups;
    size_t i, n = 0;
    int admin = c->caller.uid == 0;

    if (!admin && d->have_admin_gid) {
        admin = c->caller.gid == d->admin_gid;
        /* Supplementary groups as they were when the peer connected. */
        if (!admin && getsockopt(c->fd, SOL_SOCKET, SO_PEERGROUPS, g, &len) == 0) {
            n = len / sizeof *g;
        } else if (!admin && errno == ERANGE && len > sizeof groups &&
                   (g = rnr_malloc(len)) != NULL &&
                   getsockopt(c->fd, SOL_SOCKET, SO_PEERGROUPS, g, &len) == 0) {
            n = len / sizeof *g;
        }
        for (i = 0; i < n && !admin; i++)
            if (g[i] == d->admin_gid)
                admin = 1;
        if (g != groups)
            rnr_free(g);
    }
    c->caller.is_admin = admin;
}

void rnrd_client_accept(struct rnrd *d, int fd)
{
    struct rnrd_client *c;
    struct ucred cred;
    socklen_t len = sizeof cred;

    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || len != sizeof cred) {
        log_warning("accept: SO_PEERCRED: %s", strerror(errno));
        close(fd);
        return;
    }
    c = rnr_calloc(1, sizeof *c);
    if (c == NULL) {
        log_warning("accept: out of memory");
        close(fd);
        return;
    }
    c->d = d;
    c->fd = fd;
    c->caller.client_id = ++d->client_serial;
    c->serial = (unsigned)c->caller.client_id;
    c->caller.uid = cred.uid;
    c->caller.gid = cred.gid;
    c->caller.pid = cred.pid;
    TAILQ_INIT(&c->lookups);
    TAILQ_INIT(&c->sets);
    rnrd_client_refresh_admin(c);
    if (rnrd_loop_watch(d->loop, fd, RNR_NSP_EV_READ, client_io, c, d) != 0) {
        log_warning("accept: cannot watch the connection: %s", strerror(errno));
        close(fd);
        rnr_free(c);
        return;
    }
    c->watched = RNR_NSP_EV_READ;
    TAILQ_INSERT_TAIL(&d->clients, c, link);
    d->nclients++;
    d->stats.clients_total++;
    log_debug("client %u: connected (pid %ld uid %ld gid %ld%s)", c->serial, (long)cred.pid,
              (long)cred.uid, (long)cred.gid, c->caller.is_admin ? ", admin" : "");
}

/* ------------------------------------------------------------ input */

/* Dispatch every complete frame in [p, p+n); returns the bytes used. */
static size_t client_parse(struct rnrd_client *c, const uint8_t *p, size_t n)
{
    size_t used = 0;

    while (!c->dead && !rnrd_client_throttled(c) && n - used >= RNR_WIRE_HDR_LEN) {
        struct rnr_wire_hdr h;

        if (rnr_wire_hdr_parse(p + used, c->d->limits.max_message_size, &h) != 0) {
            rnrd_client_drop(c, "malformed frame header or frame over max-message-size");
            break;
        }
        if (n - used < h.length)
            break;
        c->d->stats.frames_in++;
        if (rnrd_session_dispatch(c, &h, p + used + RNR_WIRE_HDR_LEN,
                                  h.length - RNR_WIRE_HDR_LEN) != 0) {
            char why[96];

            snprintf(why, sizeof why, "malformed or unknown request (type 0x%02x)", h.type);
            rnrd_client_drop(c, why);
            break;
        }
        used += h.length;
    }
    return used;
}

/* Frames already buffered (kept while throttled, or a split frame). */
static void client_parse_buffered(struct rnrd_client *c)
{
    size_t used;

    if (rnrd_buf_pending(&c->in) == 0)
        return;
    used = client_parse(c, rnrd_buf_head(&c->in), rnrd_buf_pending(&c->in));
    rnrd_buf_consume(&c->in, used);
}

/* A client that exits with replies unread (rnrctl after its last
 * LOOKUP_END, every short-lived NSS caller) resets the connection: that is
 * an ordinary goodbye, not worth a warning. */
static void client_drop_io(struct rnrd_client *c, int err)
{
    if (err == ECONNRESET || err == EPIPE) {
        log_debug("client %u: disconnected (%s)", c->serial, strerror(err));
        rnrd_client_drop(c, NULL);
        return;
    }
    rnrd_client_drop(c, strerror(err));
}

void rnrd_client_input(struct rnrd_client *c, const uint8_t *p, size_t n)
{
    size_t used;

    /* Common case: nothing buffered, frames parsed straight from the
     * caller's buffer; only a trailing partial frame is kept. */
    if (rnrd_buf_pending(&c->in) == 0) {
        used = client_parse(c, p, n);
        if (!c->dead && used < n && rnrd_buf_append(&c->in, p + used, n - used) != 0)
            rnrd_client_drop(c, "out of memory for its input");
        return;
    }
    if (rnrd_buf_append(&c->in, p, n) != 0) {
        rnrd_client_drop(c, "out of memory for its input");
        return;
    }
    client_parse_buffered(c);
}

static void client_read(struct rnrd_client *c)
{
    struct rnrd *d = c->d;
    ssize_t n;

    n = recv(c->fd, d->rbuf, sizeof d->rbuf, MSG_DONTWAIT);
    if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            client_drop_io(c, errno);
        return;
    }
    if (n == 0) {
        log_debug("client %u: disconnected", c->serial);
        rnrd_client_drop(c, NULL);
        return;
    }
    rnrd_client_input(c, d->rbuf, (size_t)n);
}

/* ------------------------------------------------------------ output */

static void client_update_watch(struct rnrd_client *c)
{
    unsigned want = 0;

    if (!rnrd_client_throttled(c))
        want |= RNR_NSP_EV_READ;
    if (rnrd_buf_pending(&c->out) > 0)
        want |= RNR_NSP_EV_WRITE;
    if (want == c->watched)
        return;
    if (rnrd_loop_watch(c->d->loop, c->fd, want, client_io, c, c->d) != 0) {
        rnrd_client_drop(c, "cannot watch the connection");
        return;
    }
    c->watched = want;
}

static void client_write(struct rnrd_client *c)
{
    while (rnrd_buf_pending(&c->out) > 0) {
        ssize_t n = send(c->fd, rnrd_buf_head(&c->out), rnrd_buf_pending(&c->out),
                         MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                client_drop_io(c, errno);
            return;
        }
        rnrd_buf_consume(&c->out, (size_t)n);
    }
}

static void client_free(struct rnrd_client *c)
{
    struct rnrd *d = c->d;
    struct rnrd_lookup *l;

    while ((l = TAILQ_FIRST(&c->lookups)) != NULL)
        rnrd_lookup_free(l);
    rnrd_session_client_gone(c);
    rnrd_loop_unwatch(d->loop, c->fd);
    close(c->fd);
    rnrd_buf_free(&c->in);
    rnrd_buf_free(&c->out);
    TAILQ_REMOVE(&d->clients, c, link);
    d->nclients--;
    rnrd_providers_client_closed(d, c->caller.client_id);
    rnr_free(c);
}

/* Write what can be written; when a throttled client has drained enough,
 * let it go on: buffered requests first, then its lookups' queues. */
static void client_flush(struct rnrd_client *c)
{
    struct rnrd_lookup *l;

    if (!c->dead)
        client_write(c);
    if (!c->dead && c->throttled && rnrd_buf_pending(&c->out) < RNRD_OUT_LOW_WATER) {
        c->throttled = 0;
        client_parse_buffered(c);
        TAILQ_FOREACH(l, &c->lookups, link) {
            if (rnrd_client_throttled(c) || c->dead)
                break;
            rnrd_lookup_pump(l);
        }
        if (!c->dead)
            client_write(c);
    }
    if (!c->dead)
        client_update_watch(c);
}

void rnrd_clients_flush(void *arg)
{
    struct rnrd *d = arg;
    struct rnrd_client *c;

    while ((c = TAILQ_FIRST(&d->dirty)) != NULL) {
        TAILQ_REMOVE(&d->dirty, c, dirty_link);
        c->dirty = 0;
        client_flush(c);
        if (c->dead) {
            if (c->dirty) {
                TAILQ_REMOVE(&d->dirty, c, dirty_link);
                c->dirty = 0;
            }
            client_free(c);
        }
    }
}

static void client_io(void *arg, int fd, unsigned events)
{
    struct rnrd_client *c = arg;

    (void)fd;
    if (c->dead)
        return;
    if (events & RNR_NSP_EV_WRITE)
        client_mark_dirty(c);     /* written from the idle hook */
    if ((events & RNR_NSP_EV_READ) && !rnrd_client_throttled(c))
        client_read(c);
    else if ((events & RNR_NSP_EV_READ) && (c->watched & RNR_NSP_EV_READ) == 0)
        client_mark_dirty(c);     /* hang-up while throttled: write finds it */
}

void rnrd_clients_free_all(struct rnrd *d)
{
    struct rnrd_client *c;

    while ((c = TAILQ_FIRST(&d->clients)) != NULL) {
        if (c->dirty) {
            TAILQ_REMOVE(&d->dirty, c, dirty_link);
            c->dirty = 0;
        }
        client_free(c);
    }
}
