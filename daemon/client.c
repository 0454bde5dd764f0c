/* SPDX-License-Identifier: MIT */
/*
 * Client connections: credentials and the connection caps, frame input,
 * buffered output with a throttle mark, the memory every client's
 * buffers are charged to, timeouts, and teardown.  Clients are freed only
 * from the loop's idle hook (or their own callbacks), never while a
 * provider is on the stack: a failure found inside a provider callback
 * just marks the client dead.
 *
 * Limits (doc/architecture.md, "Limits"): a uid other than root,
 * admin-group members and rnrd's own holds at most max-clients-per-uid connections and
 * max-memory-per-uid bytes, and the last reserved-admin-clients
 * connections are for those only, so one local user can
 * neither lock the others out nor eat the memory they need.  A request
 * that does not fit is answered WSAENOBUFS; rnrd does not grow.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "alloc.h"
#include "log.h"
#include "lookup.h"
#include "msgtab.h"
#include "rnrd.h"
#include "subscribe.h"

/* Freed memory worth giving back to the system at the next sweep. */
#define CLIENT_TRIM_BYTES (8u << 20)

static void client_io(void *arg, int fd, unsigned events);

static void client_mark_dirty(struct rnrd_client *c)
{
    if (!c->dirty) {
        c->dirty = 1;
        TAILQ_INSERT_TAIL(&c->d->dirty, c, dirty_link);
    }
}

/* ------------------------------------------------------------ logging */

/* At most one line a second of each kind: a user opening connections in
 * a loop must not flood the log (or the disk under it).  The next line
 * says how many were left out. */
static void log_limited(struct rnrd_ratelog *rl, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void log_limited(struct rnrd_ratelog *rl, int level, const char *fmt, ...)
{
    uint64_t now = rnrd_now_ms();
    char msg[512];
    va_list ap;

    if (!rnrd_log_enabled(level))
        return;
    if (rl->last_ms != 0 && now - rl->last_ms < 1000) {
        rl->suppressed++;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (rl->suppressed > 0)
        rnrd_log(level, "%s (and %u more like it since the last such line)", msg,
                 rl->suppressed);
    else
        rnrd_log(level, "%s", msg);
    rl->last_ms = now;
    rl->suppressed = 0;
}

/* ------------------------------------------------------------ memory */

static struct rnrd_uidacct *uidacct_get(struct rnrd *d, uid_t uid)
{
    struct rnrd_uidacct *a;

    TAILQ_FOREACH(a, &d->uids, link)
        if (a->uid == uid)
            return a;
    if ((a = rnr_calloc(1, sizeof *a)) == NULL)
        return NULL;
    a->uid = uid;
    TAILQ_INSERT_TAIL(&d->uids, a, link);
    return a;
}

static void uidacct_put(struct rnrd *d, struct rnrd_uidacct *a)
{
    if (a == NULL || a->clients > 0)
        return;
    TAILQ_REMOVE(&d->uids, a, link);
    rnr_free(a);
}

int rnrd_mem_charge(struct rnrd_client *c, size_t n, int force)
{
    struct rnrd *d = c->d;
    const struct rnrd_limits *lim = &d->limits;

    if (!force) {
        if (n > lim->memory_limit || d->mem_used > lim->memory_limit - n)
            return WSAENOBUFS;
        if (!c->unlimited &&
            (n > lim->max_memory_per_uid || c->acct->bytes > lim->max_memory_per_uid - n))
            return WSAENOBUFS;
    }
    d->mem_used += n;
    if (d->mem_used > d->mem_trim_mark)
        d->mem_trim_mark = d->mem_used;
    c->acct->bytes += n;
    c->mem += n;
    return 0;
}

void rnrd_mem_release(struct rnrd_client *c, size_t n)
{
    if (n > c->mem) {
        log_err("client %u: releasing %zu bytes of %zu charged", c->serial, n, c->mem);
        n = c->mem;
    }
    c->mem -= n;
    c->acct->bytes -= n;
    c->d->mem_used -= n;
}

int rnrd_cbuf_append(struct rnrd_client *c, struct rnrd_buf *b, const void *p, size_t n,
                     size_t ceiling, int force)
{
    size_t pend = rnrd_buf_pending(b), cap;
    uint8_t *np;

    if (n == 0)
        return 0;
    if (b->cap - b->len < n && b->off > 0) {
        /* Reclaim consumed space first. */
        memmove(b->data, b->data + b->off, pend);
        b->len = pend;
        b->off = 0;
    }
    if (b->cap - b->len < n) {
        if (n > SIZE_MAX / 2 - pend)
            return WSAENOBUFS;
        cap = b->cap ? b->cap * 2 : 4096;
        if (cap > ceiling)
            cap = ceiling;
        if (cap < pend + n)
            cap = pend + n;
        if (rnrd_mem_charge(c, cap - b->cap, force) != 0)
            return WSAENOBUFS;
        np = rnr_realloc(b->data, cap);
        if (np == NULL) {
            rnrd_mem_release(c, cap - b->cap);
            return WSAENOBUFS;
        }
        b->data = np;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

void rnrd_cbuf_free(struct rnrd_client *c, struct rnrd_buf *b)
{
    rnrd_mem_release(c, b->cap);
    rnrd_buf_free(b);
}

void rnrd_cbuf_consume(struct rnrd_client *c, struct rnrd_buf *b, size_t n)
{
    if (n >= rnrd_buf_pending(b) && b->cap > RNRD_BUF_KEEP) {
        /* Keep a small buffer for the next request; give big ones back. */
        rnrd_cbuf_free(c, b);
        return;
    }
    rnrd_buf_consume(b, n);
}

/* ------------------------------------------------------------ output */

int rnrd_client_throttled(const struct rnrd_client *c)
{
    return c->throttled || rnrd_buf_pending(&c->out) >= c->d->limits.max_output_per_client;
}

void rnrd_client_drop(struct rnrd_client *c, const char *why)
{
    if (c->dead)
        return;
    if (why != NULL) {
        c->d->stats.clients_dropped++;
        log_limited(&c->d->log_dropped, RNR_NSP_LOG_WARNING,
                    "client %u (pid %ld uid %ld): dropped: %s", c->serial,
                    (long)c->caller.pid, (long)c->caller.uid, why);
    }
    c->dead = 1;
    client_mark_dirty(c);
}

static int client_queue(struct rnrd_client *c, const void *p, size_t n, int force)
{
    if (c->dead)
        return 0;
    if (rnrd_cbuf_append(c, &c->out, p, n, SIZE_MAX, force) != 0) {
        if (force)
            rnrd_client_drop(c, "out of memory for its output");
        return WSAENOBUFS;
    }
    c->d->stats.frames_out++;
    if (rnrd_buf_pending(&c->out) >= c->d->limits.max_output_per_client)
        c->throttled = 1;
    client_mark_dirty(c);
    return 0;
}

void rnrd_client_send(struct rnrd_client *c, const void *p, size_t n)
{
    client_queue(c, p, n, 1);
}

int rnrd_client_queue(struct rnrd_client *c, const void *p, size_t n)
{
    return client_queue(c, p, n, 0);
}

/* ------------------------------------------------------------ replies */

struct rnr_wbuf *rnrd_reply_begin(struct rnrd_client *c, uint16_t type, uint32_t id)
{
    return rnrd_reply_begin_status(c, type, id, 0);
}

struct rnr_wbuf *rnrd_reply_begin_status(struct rnrd_client *c, uint16_t type, uint32_t id,
                                         int status)
{
    struct rnr_wbuf *w = &c->d->scratch;

    rnr_wbuf_reset(w);
    rnr_wire_frame_begin(w, (uint16_t)(type | RNR_MSG_REPLY), id, (uint32_t)status);
    return w;
}

void rnrd_reply_end(struct rnrd_client *c, uint16_t type, uint32_t id)
{
    struct rnr_wbuf *w = &c->d->scratch;

    rnr_wire_frame_end(w, RNR_WIRE_MAX_FRAME);
    if (w->error != 0 || rnrd_client_queue(c, w->data, w->len) != 0) {
        if (w->error == 0)
            c->d->stats.nobufs++;
        rnrd_reply_status(c, type, id, WSAENOBUFS);
    }
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
    /* rnrd's own user could stop it anyway (a per-user rnrd, its tests):
     * per-uid caps protect others from a uid, not a daemon from itself. */
    c->unlimited = admin || c->caller.uid == geteuid();
}

/* NULL when the connection may be served, else why not. */
static const char *client_over_cap(const struct rnrd_client *c)
{
    const struct rnrd *d = c->d;
    const struct rnrd_limits *lim = &d->limits;
    size_t max = lim->max_clients < d->fd_max_clients ? lim->max_clients : d->fd_max_clients;

    if (d->nclients >= max)
        return "max-clients reached";
    if (c->unlimited)
        return NULL;
    /* The last slots stay free for root and admins, so that an
     * administrator can always look at (and mend) an overloaded rnrd. */
    if (d->nclients + lim->reserved_admin_clients >= max)
        return "only the connections reserved for admins are left";
    if (c->acct->clients >= lim->max_clients_per_uid)
        return "max-clients-per-uid reached";
    return NULL;
}

void rnrd_client_accept(struct rnrd *d, int fd)
{
    struct rnrd_client *c;
    struct ucred cred;
    socklen_t len = sizeof cred;
    const char *why;

    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || len != sizeof cred) {
        log_warning("accept: SO_PEERCRED: %s", strerror(errno));
        close(fd);
        return;
    }
    c = rnr_calloc(1, sizeof *c);
    if (c == NULL || (c->acct = uidacct_get(d, cred.uid)) == NULL) {
        log_limited(&d->log_refused, RNR_NSP_LOG_WARNING, "accept: out of memory");
        rnr_free(c);
        close(fd);
        return;
    }
    c->d = d;
    c->fd = fd;
    c->caller.uid = cred.uid;
    c->caller.gid = cred.gid;
    c->caller.pid = cred.pid;
    rnrd_client_refresh_admin(c);
    if ((why = client_over_cap(c)) != NULL) {
        d->stats.clients_refused++;
        log_limited(&d->log_refused, RNR_NSP_LOG_WARNING,
                    "refusing a connection of pid %ld uid %ld: %s", (long)cred.pid,
                    (long)cred.uid, why);
        uidacct_put(d, c->acct);
        rnr_free(c);
        close(fd);
        return;
    }
    c->caller.client_id = ++d->client_serial;
    c->serial = (unsigned)c->caller.client_id;
    TAILQ_INIT(&c->lookups);
    TAILQ_INIT(&c->sets);
    /* Hang-ups reported apart: a peer that is gone gets no more work. */
    if (rnrd_loop_watch(d->loop, fd, RNR_NSP_EV_READ | RNRD_EV_HUP, client_io, c, d) != 0) {
        log_limited(&d->log_refused, RNR_NSP_LOG_WARNING,
                    "accept: cannot watch the connection: %s", strerror(errno));
        uidacct_put(d, c->acct);
        close(fd);
        rnr_free(c);
        return;
    }
    c->watched = RNR_NSP_EV_READ;
    c->acct->clients++;
    c->active_ms = rnrd_now_ms();
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
            char why[96], name[RNR_MSG_NAME_MAX];

            snprintf(why, sizeof why, "malformed or unknown request (%s)",
                     rnr_msg_describe(h.type, name, sizeof name));
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
    rnrd_cbuf_consume(c, &c->in, used);
    if (rnrd_buf_pending(&c->in) == 0)
        c->partial_ms = 0;
}

/* The first frame header of `in` followed by [p, p+n), when there are
 * 16 bytes. */
static int client_first_hdr(const struct rnrd_client *c, const uint8_t *p, size_t n,
                            struct rnr_wire_hdr *h)
{
    uint8_t raw[RNR_WIRE_HDR_LEN];
    size_t have = rnrd_buf_pending(&c->in), k;

    if (have + n < RNR_WIRE_HDR_LEN)
        return -1;
    k = have < sizeof raw ? have : sizeof raw;
    if (k > 0)
        memcpy(raw, rnrd_buf_head(&c->in), k);
    memcpy(raw + k, p, sizeof raw - k);
    return rnr_wire_hdr_parse(raw, c->d->limits.max_message_size, h) == 0 ? 0 : -1;
}

/*
 * Keep [p, p+n) after what `in` holds.  0 when kept.  Otherwise a budget
 * said no: the frame being received is answered WSAENOBUFS at once (its
 * header names the request) and the rest of it is read and thrown away;
 * *used is how much of [p, p+n) belonged to it.  The receive buffer grows
 * only as bytes arrive, never past the frame the header announces.
 */
static int client_keep(struct rnrd_client *c, const uint8_t *p, size_t n, size_t *used)
{
    struct rnr_wire_hdr h;
    char name[RNR_MSG_NAME_MAX];
    size_t have = rnrd_buf_pending(&c->in), ceiling = SIZE_MAX;
    int hdr = client_first_hdr(c, p, n, &h) == 0;

    *used = n;
    /* Not throttled, `in` holds one partial frame at most; throttled, it
     * keeps the rest of one read, charged whatever the budgets. */
    if (hdr && !rnrd_client_throttled(c))
        ceiling = h.length;
    if (rnrd_cbuf_append(c, &c->in, p, n, ceiling, rnrd_client_throttled(c)) == 0) {
        if (c->partial_ms == 0)
            c->partial_ms = rnrd_now_ms();
        return 0;
    }
    if (rnrd_client_throttled(c)) {
        rnrd_client_drop(c, "out of memory for its input");
        return WSAENOBUFS;
    }
    if (!hdr || h.type >= RNR_MSG_LOOKUP_RESULT) {
        rnrd_client_drop(c, "over memory-limit or max-memory-per-uid with a frame begun");
        return WSAENOBUFS;
    }
    c->d->stats.nobufs++;
    log_limited(&c->d->log_dropped, RNR_NSP_LOG_NOTICE,
                "client %u (pid %ld uid %ld): a %u-byte %s request refused (WSAENOBUFS): "
                "over memory-limit or max-memory-per-uid", c->serial, (long)c->caller.pid,
                (long)c->caller.uid, h.length, rnr_msg_describe(h.type, name, sizeof name));
    rnrd_reply_status(c, h.type, h.id, WSAENOBUFS);
    if (have + n >= h.length) {
        *used = h.length - have;
        c->partial_ms = 0;
    } else {
        c->skip = h.length - have - n;
        if (c->partial_ms == 0)
            c->partial_ms = rnrd_now_ms();
    }
    rnrd_cbuf_free(c, &c->in);
    return WSAENOBUFS;
}

void rnrd_client_input(struct rnrd_client *c, const uint8_t *p, size_t n)
{
    size_t k;

    while (n > 0 && !c->dead) {
        if (c->skip > 0) {
            /* The rest of a refused frame. */
            k = n < c->skip ? n : c->skip;
            c->skip -= k;
            if (c->skip == 0)
                c->partial_ms = 0;
        } else if (rnrd_buf_pending(&c->in) == 0) {
            /* Common case: frames parsed straight from the caller's
             * buffer; only a trailing partial frame is kept. */
            k = client_parse(c, p, n);
            if (k == n || c->dead)
                return;
            p += k;
            n -= k;
            if (client_keep(c, p, n, &k) == 0)
                return;
        } else if (client_keep(c, p, n, &k) == 0) {
            client_parse_buffered(c);
            return;
        }
        p += k;
        n -= k;
    }
}

static void client_read(struct rnrd_client *c)
{
    struct rnrd *d = c->d;
    ssize_t n;

    n = recv(c->fd, d->rbuf, sizeof d->rbuf, MSG_DONTWAIT);
    if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            rnrd_client_drop(c, errno == ECONNRESET || errno == EPIPE ? NULL : strerror(errno));
        return;
    }
    if (n == 0) {
        log_debug("client %u: disconnected", c->serial);
        rnrd_client_drop(c, NULL);
        return;
    }
    c->active_ms = rnrd_now_ms();
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
    if (rnrd_loop_watch(c->d->loop, c->fd, want | RNRD_EV_HUP, client_io, c, c->d) != 0) {
        rnrd_client_drop(c, "cannot watch the connection");
        return;
    }
    c->watched = want;
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
        c->active_ms = rnrd_now_ms();
        rnrd_cbuf_consume(c, &c->out, (size_t)n);
    }
}

static void client_free(struct rnrd_client *c)
{
    struct rnrd *d = c->d;
    struct rnrd_lookup *l;

    while ((l = TAILQ_FIRST(&c->lookups)) != NULL)
        rnrd_lookup_free(l);
    rnrd_subs_client_gone(c);
    rnrd_session_client_gone(c);
    rnrd_loop_unwatch(d->loop, c->fd);
    close(c->fd);
    rnrd_cbuf_free(c, &c->in);
    rnrd_cbuf_free(c, &c->out);
    if (c->mem != 0) {
        log_err("client %u: %zu bytes still charged when freed", c->serial, c->mem);
        rnrd_mem_release(c, c->mem);
    }
    c->acct->clients--;
    uidacct_put(d, c->acct);
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
    if (!c->dead && c->throttled &&
        rnrd_buf_pending(&c->out) < c->d->limits.max_output_per_client / 4) {
        c->throttled = 0;
        client_parse_buffered(c);
        TAILQ_FOREACH(l, &c->lookups, link) {
            if (rnrd_client_throttled(c) || c->dead)
                break;
            rnrd_lookup_pump(l);
        }
        if (!c->dead && !rnrd_client_throttled(c))
            rnrd_subs_pump(c);
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

/* A peer that hung up gets no more work, but librnr's last words as a
 * process exits are its answer-cache counts (CACHE_REPORT), written just
 * before the close: one read, and of its whole frames the reports alone
 * are taken, which costs a connect-ask-close loop nothing worth having.
 * Skipped when a split frame is buffered (the read would start mid-frame). */
static void client_last_words(struct rnrd_client *c)
{
    struct rnrd *d = c->d;
    struct rnr_wire_hdr h;
    size_t used = 0, n;
    ssize_t k;

    if (rnrd_buf_pending(&c->in) > 0)
        return;
    k = recv(c->fd, d->rbuf, sizeof d->rbuf, MSG_DONTWAIT);
    if (k <= 0)
        return;
    n = (size_t)k;
    while (n - used >= RNR_WIRE_HDR_LEN &&
           rnr_wire_hdr_parse(d->rbuf + used, d->limits.max_message_size, &h) == 0 &&
           h.length <= n - used) {
        if (h.type == RNR_MSG_CACHE_REPORT)
            (void)rnrd_answers_take_report(d, d->rbuf + used + RNR_WIRE_HDR_LEN,
                                           h.length - RNR_WIRE_HDR_LEN);
        used += h.length;
    }
}

static void client_io(void *arg, int fd, unsigned events)
{
    struct rnrd_client *c = arg;

    (void)fd;
    if (c->dead)
        return;
    if (events & RNRD_EV_HUP) {
        /* Gone for good: whatever it asked and did not wait for is not
         * worth encoding (a connect-ask-close loop must cost nothing). */
        log_debug("client %u: hung up", c->serial);
        client_last_words(c);
        rnrd_client_drop(c, NULL);
        return;
    }
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

/* ------------------------------------------------------------ timeouts */

/* Nothing asked, nothing owed: a connection kept open for later.  Not
 * one whose next request is already waiting in the socket (closing it
 * would lose that request instead of making librnr send it again), nor
 * one whose registrations end with it (RNR_NSP_CAP_SESSION): a service
 * that registered and went quiet must stay advertised. */
static int client_idle(const struct rnrd_client *c)
{
    int avail = 0;

    return c->nlookups == 0 && c->nsubs == 0 && TAILQ_EMPTY(&c->sets) && !c->holds_regs &&
           rnrd_buf_pending(&c->in) == 0 &&
           rnrd_buf_pending(&c->out) == 0 && c->skip == 0 &&
           ioctl(c->fd, FIONREAD, &avail) == 0 && avail == 0;
}

static uint64_t sweep_interval(const struct rnrd *d)
{
    uint64_t ms = 1000;
    size_t t[2] = { d->limits.client_idle_timeout_ms, d->limits.frame_timeout_ms };
    int i;

    /* A quarter of the shortest timeout: none is overrun by more. */
    for (i = 0; i < 2; i++)
        if (t[i] != 0 && t[i] / 4 < ms)
            ms = t[i] / 4;
    return ms < 25 ? 25 : ms;
}

static void clients_sweep(void *arg)
{
    struct rnrd *d = arg;
    const struct rnrd_limits *lim = &d->limits;
    uint64_t now = rnrd_now_ms();
    struct rnrd_client *c;

    d->sweep_timer = NULL;
    TAILQ_FOREACH(c, &d->clients, link) {
        if (c->dead)
            continue;
        if (rnrd_client_throttled(c)) {
            /* Not being read: its frame's clock waits too. */
            if (c->partial_ms != 0)
                c->partial_ms = now;
            continue;
        }
        if (lim->frame_timeout_ms != 0 && c->partial_ms != 0 &&
            now - c->partial_ms >= lim->frame_timeout_ms) {
            d->stats.clients_timed_out++;
            rnrd_client_drop(c, "a frame not completed within frame-timeout-ms");
        } else if (lim->client_idle_timeout_ms != 0 &&
                   now - c->active_ms >= lim->client_idle_timeout_ms && client_idle(c)) {
            /* librnr reconnects on its next call: no warning. */
            d->stats.clients_timed_out++;
            log_debug("client %u: idle for client-idle-timeout-ms, closed", c->serial);
            rnrd_client_drop(c, NULL);
        }
    }
#ifdef __GLIBC__
    /* Give what hostile clients made rnrd hold back to the system once
     * they are gone, rather than keep the high-water mark for ever. */
    if (d->mem_trim_mark - d->mem_used >= CLIENT_TRIM_BYTES) {
        malloc_trim(0);
        d->mem_trim_mark = d->mem_used;
    }
#endif
    rnrd_clients_sweep_start(d);
}

void rnrd_clients_sweep_start(struct rnrd *d)
{
    if (d->sweep_timer == NULL)
        d->sweep_timer = rnrd_loop_timer_add(d->loop, sweep_interval(d), clients_sweep, d, d);
}

void rnrd_clients_sweep_stop(struct rnrd *d)
{
    if (d->sweep_timer != NULL) {
        rnrd_loop_timer_cancel(d->loop, d->sweep_timer);
        d->sweep_timer = NULL;
    }
}
