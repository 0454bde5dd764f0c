/* SPDX-License-Identifier: MIT */
/*
 * A provider module used only by the integration tests: a volatile
 * in-memory name space that stores registrations with their owner, and
 * answers lookups after a configurable delay (`delay-ms`, or `never` to
 * keep a lookup open until it is cancelled).  It is loaded by rnrd exactly
 * like a third-party module, from the test build directory.
 *
 * For the operations tests it reports figures through `stats`
 * (registrations, pending, flushes, flushes-named) and takes commands
 * through `control`: "cache-flush [NAME]" counts flushes, "fail" answers
 * WSANO_RECOVERY, anything else WSAEINVAL.  A lookup of the instance
 * "testprov-try-again" fails with WSATRY_AGAIN.
 *
 * Deferred registrations (nsp.h, set_service_defer): with `hold-sets =
 * yes` every WSASetService is held (nothing changes yet) until a lookup
 * of the instance "testprov-release" (status 0, changes applied in
 * order) or "testprov-release-fail" (WSAEDQUOT, nothing applied): a
 * lookup, because a WSASetService would itself invalidate the answer
 * cache and hide a missing invalidation at completion.  Each held one writes a byte to `hold-fifo` when
 * set, so a test knows it reached the provider without sleeping.
 * cleanup leaves held tokens to the daemon on purpose (its safety net).
 * `reusable-ms = N` lets the answer cache keep its answers.
 */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rnr/nsp.h>

#include "alloc.h"
#include "guid.h"
#include "queryset.h"

#define TESTPROV_MAX 1024   /* test_load: 500 clients register at once */

struct testprov_reg {
    WSAQUERYSETA *qs;   /* flat copy */
    uid_t         owner;
};

struct testprov_lookup {
    struct testprov      *tp;
    struct rnr_nsp_lookup *lk;
    struct rnr_nsp_timer  *timer;
    WSAQUERYSETA          *query;
    struct testprov_lookup *next;
};

struct testprov_held {
    struct rnr_nsp_pending *pd;
    WSAQUERYSETA           *qs;
    WSAESETSERVICEOP        op;
    uid_t                   uid;
    struct testprov_held   *next;
};

struct testprov {
    const struct rnr_nsp_host *host;
    struct rnr_nsp_provider   *p;
    long                       delay_ms;   /* -1: never */
    struct testprov_reg        regs[TESTPROV_MAX];
    size_t                     nregs;
    struct testprov_lookup    *pending;
    uint64_t                   flushes, flushes_named;
    /* Lookups that found a registration, and those that did not: stand-in
     * "cache" figures, for rnrctl stats' hit rate. */
    uint64_t                   found, missed;
    /* install_class calls: rnrd tells a provider each class once, at
     * start-up for those it already has, then as they come. */
    uint64_t                   classes_told;
    int                        hold_sets;
    const char                *hold_fifo;
    uint32_t                   reusable_ms;
    struct testprov_held      *held, **held_tail;
};

static void testprov_configure(struct testprov *tp)
{
    const char *d = tp->host->config_get(tp->p, "delay-ms");
    const char *h = tp->host->config_get(tp->p, "hold-sets");
    const char *r = tp->host->config_get(tp->p, "reusable-ms");

    tp->hold_sets = h != NULL && strcmp(h, "yes") == 0;
    tp->hold_fifo = tp->host->config_get(tp->p, "hold-fifo");
    tp->reusable_ms = r != NULL ? (uint32_t)strtoul(r, NULL, 10) : 0;

    if (d == NULL)
        tp->delay_ms = 0;
    else if (strcmp(d, "never") == 0)
        tp->delay_ms = -1;
    else
        tp->delay_ms = strtol(d, NULL, 10);
}

static int testprov_startup(const struct rnr_nsp_host *host, struct rnr_nsp_provider *p,
                            void **state)
{
    struct testprov *tp = rnr_calloc(1, sizeof *tp);

    if (tp == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    tp->host = host;
    tp->p = p;
    tp->held_tail = &tp->held;
    testprov_configure(tp);
    *state = tp;
    return 0;
}

static void testprov_cleanup(void *state)
{
    struct testprov *tp = state;
    size_t i;

    if (tp == NULL)
        return;
    for (i = 0; i < tp->nregs; i++)
        rnr_free(tp->regs[i].qs);
    while (tp->pending != NULL) {
        struct testprov_lookup *l = tp->pending;
        tp->pending = l->next;
        rnr_free(l->query);
        rnr_free(l);
    }
    while (tp->held != NULL) {
        struct testprov_held *h = tp->held;
        tp->held = h->next;
        rnr_free(h->qs);
        rnr_free(h);
    }
    rnr_free(tp);
}

static int testprov_reload(void *state)
{
    testprov_configure(state);
    return 0;
}

static int testprov_matches(const WSAQUERYSETA *reg, const WSAQUERYSETA *q)
{
    if (!rnr_guid_equal(reg->lpServiceClassId, q->lpServiceClassId))
        return 0;
    if (q->lpszServiceInstanceName == NULL || q->lpszServiceInstanceName[0] == '\0')
        return 1;
    return rnr_wildcard_match(q->lpszServiceInstanceName, reg->lpszServiceInstanceName);
}

static void testprov_answer(struct testprov *tp, struct rnr_nsp_lookup *lk,
                            const WSAQUERYSETA *q)
{
    size_t i, found = 0;

    for (i = 0; i < tp->nregs; i++) {
        if (testprov_matches(tp->regs[i].qs, q)) {
            found++;
            if (tp->host->emit(lk, tp->regs[i].qs) != 0)
                break;
        }
    }
    if (tp->reusable_ms > 0 && tp->host->lookup_reusable != NULL)
        tp->host->lookup_reusable(lk, tp->reusable_ms);
    if (found)
        tp->found++;
    else
        tp->missed++;
    tp->host->finish(lk, found ? 0 : WSASERVICE_NOT_FOUND);
}

static void testprov_release(struct testprov *tp, int status);

static void testprov_unlink(struct testprov *tp, struct testprov_lookup *l)
{
    struct testprov_lookup **pp;

    for (pp = &tp->pending; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == l) {
            *pp = l->next;
            break;
        }
    }
    rnr_free(l->query);
    rnr_free(l);
}

static void testprov_timer_fired(void *arg)
{
    struct testprov_lookup *l = arg;
    struct testprov *tp = l->tp;
    struct rnr_nsp_lookup *lk = l->lk;

    l->timer = NULL;
    tp->host->lookup_set_data(lk, NULL);
    testprov_answer(tp, lk, l->query);
    testprov_unlink(tp, l);
}

static int testprov_lookup_begin(void *state, struct rnr_nsp_lookup *lk,
                                 const WSAQUERYSETA *qs, DWORD flags)
{
    struct testprov *tp = state;
    struct testprov_lookup *l;

    (void)flags;
    /* A temporary failure on demand, for the error counter of stats. */
    if (qs->lpszServiceInstanceName != NULL &&
        strcmp(qs->lpszServiceInstanceName, "testprov-try-again") == 0)
        return WSATRY_AGAIN;
    if (tp->hold_sets && qs->lpszServiceInstanceName != NULL &&
        strncmp(qs->lpszServiceInstanceName, "testprov-release", 16) == 0)
        testprov_release(tp, strcmp(qs->lpszServiceInstanceName + 16, "-fail") == 0 ?
                                 WSAEDQUOT : 0);
    if (tp->delay_ms == 0) {
        testprov_answer(tp, lk, qs);
        return 0;
    }
    l = rnr_calloc(1, sizeof *l);
    if (l == NULL)
        return WSANO_RECOVERY;
    l->tp = tp;
    l->lk = lk;
    l->query = rnr_qs_dup(qs, NULL);
    if (l->query == NULL) {
        rnr_free(l);
        return WSANO_RECOVERY;
    }
    if (tp->delay_ms > 0) {
        l->timer = tp->host->timer_add(tp->p, (uint64_t)tp->delay_ms,
                                       testprov_timer_fired, l);
        if (l->timer == NULL) {
            rnr_free(l->query);
            rnr_free(l);
            return WSANO_RECOVERY;
        }
    }
    l->next = tp->pending;
    tp->pending = l;
    tp->host->lookup_set_data(lk, l);
    return 0;
}

static void testprov_lookup_cancel(void *state, struct rnr_nsp_lookup *lk)
{
    struct testprov *tp = state;
    struct testprov_lookup *l = tp->host->lookup_data(lk);

    if (l == NULL)
        return;
    if (l->timer != NULL)
        tp->host->timer_cancel(tp->p, l->timer);
    testprov_unlink(tp, l);
}

static long testprov_find(struct testprov *tp, const WSAQUERYSETA *qs)
{
    size_t i;

    for (i = 0; i < tp->nregs; i++) {
        const WSAQUERYSETA *r = tp->regs[i].qs;
        if (rnr_guid_equal(r->lpServiceClassId, qs->lpServiceClassId) &&
            r->lpszServiceInstanceName != NULL && qs->lpszServiceInstanceName != NULL &&
            strcasecmp(r->lpszServiceInstanceName, qs->lpszServiceInstanceName) == 0)
            return (long)i;
    }
    return -1;
}

static int testprov_apply(struct testprov *tp, uid_t uid, const WSAQUERYSETA *qs,
                          WSAESETSERVICEOP op)
{
    long i = testprov_find(tp, qs);
    WSAQUERYSETA *copy;

    if (qs->lpszServiceInstanceName == NULL)
        return WSAEINVAL;
    if (i >= 0 && tp->regs[i].owner != uid && uid != 0)
        return WSAEACCES;
    if (op == RNRSERVICE_REGISTER) {
        copy = rnr_qs_dup(qs, NULL);
        if (copy == NULL)
            return WSA_NOT_ENOUGH_MEMORY;
        if (i >= 0) {
            rnr_free(tp->regs[i].qs);
            tp->regs[i].qs = copy;
            return 0;
        }
        if (tp->nregs == TESTPROV_MAX) {
            rnr_free(copy);
            return WSAENOBUFS;
        }
        tp->regs[tp->nregs].qs = copy;
        tp->regs[tp->nregs].owner = uid;
        tp->nregs++;
        return 0;
    }
    if (i < 0)
        return WSASERVICE_NOT_FOUND;
    rnr_free(tp->regs[i].qs);
    tp->regs[i] = tp->regs[--tp->nregs];
    return 0;
}

/* Completes every held registration, in order: applied (status 0) or
 * all failed with `status`. */
static void testprov_release(struct testprov *tp, int status)
{
    while (tp->held != NULL) {
        struct testprov_held *h = tp->held;
        int st = status;

        tp->held = h->next;
        if (st == 0)
            st = testprov_apply(tp, h->uid, h->qs, h->op);
        tp->host->set_service_done(tp->p, h->pd, st);
        rnr_free(h->qs);
        rnr_free(h);
    }
    tp->held_tail = &tp->held;
}

static int testprov_hold(struct testprov *tp, const struct rnr_nsp_caller *caller,
                         const WSAQUERYSETA *qs, WSAESETSERVICEOP op)
{
    struct testprov_held *h = rnr_calloc(1, sizeof *h);
    int fd;

    if (h == NULL || (h->qs = rnr_qs_dup(qs, NULL)) == NULL ||
        (h->pd = tp->host->set_service_defer(tp->p)) == NULL) {
        if (h != NULL)
            rnr_free(h->qs);
        rnr_free(h);
        return WSA_NOT_ENOUGH_MEMORY;
    }
    h->op = op;
    h->uid = caller->uid;
    *tp->held_tail = h;
    tp->held_tail = &h->next;
    if (tp->hold_fifo != NULL &&
        (fd = open(tp->hold_fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) >= 0) {
        if (write(fd, "h", 1) != 1)
            tp->host->log(tp->p, RNR_NSP_LOG_ERR, "%s: cannot write", tp->hold_fifo);
        close(fd);
    }
    return RNR_NSP_PENDING;
}

static int testprov_set_service(void *state, const struct rnr_nsp_caller *caller,
                                const WSAQUERYSETA *qs, WSAESETSERVICEOP op, DWORD flags)
{
    struct testprov *tp = state;
    const char *name = qs->lpszServiceInstanceName;

    (void)flags;
    if (!tp->hold_sets || tp->host->set_service_defer == NULL || name == NULL)
        return testprov_apply(tp, caller->uid, qs, op);
    return testprov_hold(tp, caller, qs, op);
}

static void testprov_stats(void *state,
                           void (*emit_stat)(void *ctx, const char *key, uint64_t value),
                           void *ctx)
{
    struct testprov *tp = state;
    const struct testprov_lookup *l;
    uint64_t pending = 0;

    for (l = tp->pending; l != NULL; l = l->next)
        pending++;
    emit_stat(ctx, "registrations", tp->nregs);
    emit_stat(ctx, "pending", pending);
    emit_stat(ctx, "flushes", tp->flushes);
    emit_stat(ctx, "flushes-named", tp->flushes_named);
    emit_stat(ctx, "cache-hits", tp->found);
    emit_stat(ctx, "cache-misses", tp->missed);
    emit_stat(ctx, "classes-told", tp->classes_told);
    /* Malformed keys must be dropped by the daemon, not passed on. */
    emit_stat(ctx, "Bad Key", 1);
    emit_stat(ctx, NULL, 1);
}

static int testprov_install_class(void *state, const WSASERVICECLASSINFOA *info)
{
    struct testprov *tp = state;

    (void)info;
    tp->classes_told++;
    return 0;
}

static int testprov_control(void *state, const char *command, const char *arg)
{
    struct testprov *tp = state;

    if (strcmp(command, "cache-flush") == 0) {
        tp->flushes++;
        if (arg != NULL)
            tp->flushes_named++;
        return 0;
    }
    if (strcmp(command, "fail") == 0)
        return WSANO_RECOVERY;
    /* rnrctl stats --reset: the counters, not the registrations. */
    if (strcmp(command, "stats-reset") == 0) {
        tp->flushes = 0;
        tp->flushes_named = 0;
        tp->found = 0;
        tp->missed = 0;
        return 0;
    }
    return WSAEINVAL;
}

static const struct rnr_nsp_ops testprov_ops = {
    RNR_NSP_OPS_INIT,
    .name = "testprov",
    .display_name = "Integration-test provider",
    .capabilities = RNR_NSP_CAP_WILDCARDS | RNR_NSP_CAP_REGISTER,
    .families = RNR_NSP_AF_ANY,
    .default_name_space = NS_X500,
    .default_id = { 0x8C6B8C1E, 0x3F2A, 0x4D55, { 0x9B, 0x0E, 0x6A, 0x1F, 0x2C, 0x3D, 0x4E, 0xF0 } },
    .version = 1,
    .startup = testprov_startup,
    .cleanup = testprov_cleanup,
    .reload = testprov_reload,
    .lookup_begin = testprov_lookup_begin,
    .lookup_cancel = testprov_lookup_cancel,
    .set_service = testprov_set_service,
    .install_class = testprov_install_class,
    .stats = testprov_stats,
    .control = testprov_control,
};

RNR_NSP_MODULE(testprov, testprov_ops);
