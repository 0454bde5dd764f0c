/* SPDX-License-Identifier: MIT */
/*
 * One operations request over a connection of rnrctl's own (opsconn.h).
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "alloc.h"
#include "../dial.h"
#include "opsconn.h"

/* A reload may take a moment (providers re-read their files); a daemon
 * that says nothing for this long is not going to. */
#define OPS_TIMEOUT_MS 30000
#define OPS_REQ_ID     1u

void rnrctl_ops_begin(struct rnr_wbuf *w, uint16_t type)
{
    rnr_wbuf_reset(w);
    rnr_wire_frame_begin(w, type, OPS_REQ_ID, 0);
}

int rnrctl_ops_dial(int *out)
{
    int fd = -1, rc;

    /* The daemon librnr would use, by librnr's own dial (client/dial.h). */
    rc = rnr_conn_dial_daemon(&fd, NULL, 0);
    if (rc != 0)
        return rc == WSAEMFILE ? WSAENOBUFS : rc;
    /* Blocking: one request at a time, and a large SET_SERVICE batch
     * (setpipe.c) waits for socket space rather than failing. */
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
        close(fd);
        return WSASYSNOTREADY;
    }
    *out = fd;
    return 0;
}

void rnrctl_ops_explain(void)
{
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)], why[512];
    int fd = -1;

    /* Asked again rather than remembered: librnr refuses the same
     * daemons without a word, and nothing else would tell a refused
     * daemon from a missing one. */
    if (rnr_conn_dial_why(&fd, path, sizeof path, why, sizeof why) == 0)
        close(fd);
    else if (why[0] != '\0')
        fprintf(stderr, "rnrctl: not using %s: %s\n", path, why);
}

int rnrctl_ops_send(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);

        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return WSASYSNOTREADY;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

int rnrctl_ops_recv(int fd, uint8_t *p, size_t cap, size_t *got, int timeout_ms)
{
    for (;;) {
        struct pollfd pfd = { fd, POLLIN, 0 };
        ssize_t k;
        int r = poll(&pfd, 1, timeout_ms);

        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0)
            return WSASYSNOTREADY;   /* alive but not answering */
        k = recv(fd, p, cap, 0);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return WSASYSNOTREADY;
        *got = (size_t)k;
        return 0;
    }
}

static int ops_read(int fd, uint8_t *p, size_t n)
{
    while (n > 0) {
        size_t k = 0;
        int rc = rnrctl_ops_recv(fd, p, n, &k, OPS_TIMEOUT_MS);

        if (rc != 0)
            return rc;
        p += k;
        n -= k;
    }
    return 0;
}

int rnrctl_ops_exchange(int fd, struct rnr_wbuf *w, uint16_t type, int *status,
                        uint8_t **body, size_t *len)
{
    uint8_t hdr[RNR_WIRE_HDR_LEN], *b = NULL;
    struct rnr_wire_hdr h;
    size_t n = 0;
    int rc;

    rnr_wire_frame_end(w, RNR_WIRE_MAX_FRAME);
    if (w->error != 0)
        return w->error;
    rc = rnrctl_ops_send(fd, w->data, w->len);
    if (rc == 0)
        rc = ops_read(fd, hdr, sizeof hdr);
    if (rc != 0)
        goto done;
    if (rnr_wire_hdr_parse(hdr, RNR_WIRE_MAX_FRAME, &h) != 0 ||
        h.type != (uint16_t)(type | RNR_MSG_REPLY) || h.id != OPS_REQ_ID ||
        h.status > INT32_MAX) {
        rc = WSASYSCALLFAILURE;   /* not an answer to this request */
        goto done;
    }
    n = h.length - RNR_WIRE_HDR_LEN;
    if (n > 0) {
        b = rnr_malloc(n);
        if (b == NULL) {
            rc = WSAENOBUFS;
            goto done;
        }
        rc = ops_read(fd, b, n);
        if (rc != 0)
            goto done;
    }
    *status = (int)h.status;
    *body = b;
    *len = n;
    b = NULL;
done:
    rnr_free(b);
    return rc;
}

int rnrctl_ops_call(struct rnr_wbuf *w, uint16_t type, uint8_t **body, size_t *len)
{
    uint8_t *b = NULL;
    size_t n = 0;
    int fd = -1, rc, st = 0;

    rc = rnrctl_ops_dial(&fd);
    if (rc != 0)
        return rc;
    rc = rnrctl_ops_exchange(fd, w, type, &st, &b, &n);
    if (rc != 0)
        goto done;
    if (st != 0) {
        /* A failed operations reply has an empty body. */
        rc = n == 0 ? st : WSASYSCALLFAILURE;
        goto done;
    }
    *body = b;
    *len = n;
    b = NULL;
done:
    rnr_free(b);
    close(fd);
    return rc;
}
