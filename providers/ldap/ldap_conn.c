/* SPDX-License-Identifier: MIT */
/*
 * The connection on the loop: requests wait in `queue` until a server is
 * bound, then go out with libldap's asynchronous calls and wait in
 * `sent` for their result, which ldap_result (zero timeout) collects
 * when the connection's descriptor is readable.  Each request has its
 * own timer of timeout-ms per server: when it fires, the server is
 * taken as dead (abandoned, unbound), every request goes to the next URI
 * and those that have tried every server end with LDAP_SERVER_DOWN.
 * After a whole round failed, no new one starts before a backoff (250 ms
 * doubling to 5 s): requests then fail at once, so that nothing waits
 * on a directory known to be away.
 */
#include "config.h"

#include "ldap_int.h"

#include <stdio.h>
#include <string.h>

#include "alloc.h"

static void pump(struct lp_state *st);

static void req_timeout(void *arg);

static void req_arm(struct lp_req *rq, uint64_t ms)
{
    struct lp_state *st = rq->st;

    if (rq->timer != NULL)
        st->host->timer_cancel(st->p, rq->timer);
    rq->timer = st->host->timer_add(st->p, ms, req_timeout, rq);
}

static void req_unlink(struct lp_req *rq)
{
    struct lp_state *st = rq->st;

    TAILQ_REMOVE(rq->queued ? &st->queue : &st->sent, rq, link);
    if (rq->timer != NULL)
        st->host->timer_cancel(st->p, rq->timer);
    rq->timer = NULL;
}

/* Ends every request of `list` with `rc`, after the state is settled:
 * done may submit new requests. */
static void reqs_end(struct lp_reqs *list, int rc)
{
    struct lp_req *rq;

    while ((rq = TAILQ_FIRST(list)) != NULL) {
        TAILQ_REMOVE(list, rq, link);
        rq->done(rq, rc);
    }
}

static void conn_close(struct lp_state *st)
{
    if (st->ld != NULL) {
        st->host->unwatch_fd(st->p, st->fd);
        ldap_unbind_ext(st->ld, NULL, NULL);
        st->ld = NULL;
        st->fd = -1;
    }
    if (st->job != NULL) {
        st->host->unwatch_fd(st->p, st->job_fd);
        lp_job_abandon(st->job);
        st->job = NULL;
        st->job_fd = -1;
    }
}

/* The server in use (or being opened) failed: the next one. */
static void server_failed(struct lp_state *st)
{
    struct lp_reqs failed = TAILQ_HEAD_INITIALIZER(failed);
    struct lp_req *rq, *next;

    conn_close(st);
    st->failovers++;
    st->uri_at = (st->uri_at + 1) % st->cfg.nuris;
    while ((rq = TAILQ_FIRST(&st->sent)) != NULL) {
        TAILQ_REMOVE(&st->sent, rq, link);
        rq->msgid = -1;
        rq->queued = 1;
        TAILQ_INSERT_TAIL(&st->queue, rq, link);
    }
    if (++st->round_failed >= st->cfg.nuris) {
        st->round_failed = 0;
        st->retry_at = st->host->now_ms() + st->backoff_ms;
        st->backoff_ms = st->backoff_ms * 2 > LP_BACKOFF_MAX_MS ? LP_BACKOFF_MAX_MS
                                                                : st->backoff_ms * 2;
    }
    for (rq = TAILQ_FIRST(&st->queue); rq != NULL; rq = next) {
        next = TAILQ_NEXT(rq, link);
        if (++rq->tries >= st->cfg.nuris || st->retry_at > st->host->now_ms()) {
            req_unlink(rq);
            TAILQ_INSERT_TAIL(&failed, rq, link);
        } else {
            req_arm(rq, st->cfg.timeout_ms);
        }
    }
    pump(st);
    reqs_end(&failed, LDAP_SERVER_DOWN);
}

static void req_timeout(void *arg)
{
    struct lp_req   *rq = arg;
    struct lp_state *st = rq->st;

    rq->timer = NULL;
    if (st->ld == NULL && st->job == NULL) {
        /* Queued during a backoff: no server to wait for. */
        req_unlink(rq);
        rq->done(rq, LDAP_SERVER_DOWN);
        return;
    }
    st->timeouts++;
    st->host->log(st->p, RNR_NSP_LOG_WARNING, "%s: no answer within %u ms; trying the next server",
                  st->cfg.uris[st->uri_at], st->cfg.timeout_ms);
    if (rq->msgid >= 0 && st->ld != NULL)
        ldap_abandon_ext(st->ld, rq->msgid, NULL, NULL);
    server_failed(st);
}

/* One message for a request in `sent`. */
static void conn_message(struct lp_state *st, LDAPMessage *msg)
{
    struct lp_req *rq;
    int            id = ldap_msgid(msg), type = ldap_msgtype(msg), err = LDAP_OTHER;

    TAILQ_FOREACH(rq, &st->sent, link)
        if (rq->msgid == id)
            break;
    if (rq == NULL || type == LDAP_RES_SEARCH_REFERENCE || type == LDAP_RES_INTERMEDIATE)
        return;
    if (type == LDAP_RES_SEARCH_ENTRY) {
        if (rq->entry != NULL)
            rq->entry(rq, st->ld, msg);
        return;
    }
    if (ldap_parse_result(st->ld, msg, &err, NULL, NULL, NULL, NULL, 0) != LDAP_SUCCESS)
        err = LDAP_DECODING_ERROR;
    req_unlink(rq);
    rq->done(rq, err);
}

static void conn_readable(void *arg, int fd, unsigned events)
{
    struct lp_state *st = arg;
    struct timeval   zero = { 0, 0 };
    LDAP            *ld = st->ld;
    LDAPMessage     *msg;
    int              rc;

    (void)fd;
    (void)events;
    /* A callback may drop the connection (a send that failed): stop
     * when it is no longer this one. */
    while (ld != NULL && st->ld == ld) {
        msg = NULL;
        rc = ldap_result(ld, LDAP_RES_ANY, LDAP_MSG_ONE, &zero, &msg);
        if (rc == 0)
            return;
        if (rc < 0) {
            st->host->log(st->p, RNR_NSP_LOG_WARNING, "%s: connection lost",
                          st->cfg.uris[st->uri_at]);
            ldap_msgfree(msg);
            server_failed(st);
            return;
        }
        conn_message(st, msg);
        ldap_msgfree(msg);
    }
}

static void job_ready(void *arg, int fd, unsigned events)
{
    struct lp_state *st = arg;
    LDAP            *ld = NULL;
    char             err[160];
    int              rc;

    (void)events;
    st->host->unwatch_fd(st->p, fd);
    rc = lp_job_finish(st->job, &ld, err, sizeof err);
    st->job = NULL;
    st->job_fd = -1;
    if (rc == LDAP_SUCCESS && (ldap_get_option(ld, LDAP_OPT_DESC, &st->fd) != LDAP_OPT_SUCCESS ||
                               st->host->watch_fd(st->p, st->fd, RNR_NSP_EV_READ, conn_readable,
                                                  st) != 0)) {
        ldap_unbind_ext(ld, NULL, NULL);
        snprintf(err, sizeof err, "cannot watch its descriptor");
        rc = LDAP_LOCAL_ERROR;
    }
    if (rc != LDAP_SUCCESS) {
        st->host->log(st->p, RNR_NSP_LOG_WARNING, "%s: %s", st->cfg.uris[st->uri_at],
                      err[0] ? err : ldap_err2string(rc));
        server_failed(st);
        return;
    }
    st->ld = ld;
    st->connects++;
    st->round_failed = 0;
    st->backoff_ms = LP_BACKOFF_MIN_MS;
    st->host->log(st->p, RNR_NSP_LOG_INFO, "%s: bound", st->cfg.uris[st->uri_at]);
    pump(st);
}

static void pump_send(struct lp_state *st)
{
    struct lp_reqs failed = TAILQ_HEAD_INITIALIZER(failed);
    struct lp_req *rq;
    int            rc, down = 0;

    while (!down && (rq = TAILQ_FIRST(&st->queue)) != NULL) {
        TAILQ_REMOVE(&st->queue, rq, link);
        rc = rq->send(rq, st->ld, &rq->msgid);
        if (rc == LDAP_SUCCESS) {
            rq->queued = 0;
            TAILQ_INSERT_TAIL(&st->sent, rq, link);
        } else if (rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR) {
            TAILQ_INSERT_HEAD(&st->queue, rq, link);
            down = 1;
        } else {
            if (rq->timer != NULL)
                st->host->timer_cancel(st->p, rq->timer);
            rq->timer = NULL;
            TAILQ_INSERT_TAIL(&failed, rq, link);
        }
    }
    if (down)
        server_failed(st);
    reqs_end(&failed, LDAP_OTHER);
}

static void pump(struct lp_state *st)
{
    if (TAILQ_EMPTY(&st->queue))
        return;
    if (st->ld != NULL) {
        pump_send(st);
        return;
    }
    if (st->job != NULL || st->retry_at > st->host->now_ms())
        return;
    if (lp_job_start(&st->cfg, st->uri_at, &st->job, &st->job_fd) != 0 ||
        st->host->watch_fd(st->p, st->job_fd, RNR_NSP_EV_READ, job_ready, st) != 0) {
        st->host->log(st->p, RNR_NSP_LOG_ERR, "cannot start a connection attempt");
        lp_job_abandon(st->job);
        st->job = NULL;
        st->job_fd = -1;
    }
}

void lp_req_submit(struct lp_state *st, struct lp_req *rq)
{
    rq->st = st;
    rq->msgid = -1;
    rq->tries = 0;
    rq->queued = 1;
    rq->timer = NULL;
    TAILQ_INSERT_TAIL(&st->queue, rq, link);
    /* A request during a backoff fails from the loop, never inside the
     * caller's slot: done always runs later. */
    if (st->ld == NULL && st->job == NULL && st->retry_at > st->host->now_ms()) {
        req_arm(rq, 0);
        return;
    }
    req_arm(rq, st->cfg.timeout_ms);
    pump(st);
}

void lp_req_cancel(struct lp_req *rq)
{
    struct lp_state *st = rq->st;

    if (!rq->queued && st->ld != NULL)
        ldap_abandon_ext(st->ld, rq->msgid, NULL, NULL);
    req_unlink(rq);
}

void lp_conn_init(struct lp_state *st)
{
    TAILQ_INIT(&st->queue);
    TAILQ_INIT(&st->sent);
    st->fd = -1;
    st->job_fd = -1;
    st->backoff_ms = LP_BACKOFF_MIN_MS;
}

void lp_conn_stop(struct lp_state *st)
{
    struct lp_reqs all = TAILQ_HEAD_INITIALIZER(all);
    struct lp_req *rq;

    conn_close(st);
    while ((rq = TAILQ_FIRST(&st->sent)) != NULL || (rq = TAILQ_FIRST(&st->queue)) != NULL) {
        req_unlink(rq);
        TAILQ_INSERT_TAIL(&all, rq, link);
    }
    reqs_end(&all, LDAP_SERVER_DOWN);
}
