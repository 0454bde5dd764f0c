/* SPDX-License-Identifier: MIT */
/*
 * struct rnr_nsp_host: what rnrd offers a provider.  Each call checks
 * what it can without trusting the provider (a timer or lookup pointer is
 * looked up before it is used, an fd belonging to rnrd or to another
 * provider is refused) and logs the misuse under the provider's name.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "log.h"
#include "lookup.h"
#include "rnrd.h"
#include "subscribe.h"

static void host_log(struct rnr_nsp_provider *p, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void host_log(struct rnr_nsp_provider *p, int level, const char *fmt, ...)
{
    char msg[900];
    va_list ap;

    if (!rnrd_log_enabled(level < 0 ? 0 : level))
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rnrd_log(level, "provider %s: %s", p != NULL ? p->name : "?", msg);
}

static const char *host_config_get(struct rnr_nsp_provider *p, const char *key)
{
    return rnrd_config_get(p->conf, key);
}

static const char *host_state_dir(struct rnr_nsp_provider *p)
{
    return p->state_dir;
}

static const char *host_name(struct rnr_nsp_provider *p)
{
    return p->name;
}

static const GUID *host_provider_id(struct rnr_nsp_provider *p)
{
    return &p->id;
}

static DWORD host_name_space(struct rnr_nsp_provider *p)
{
    return p->name_space;
}

static int host_watch_fd(struct rnr_nsp_provider *p, int fd, unsigned events,
                         rnr_nsp_fd_cb cb, void *arg)
{
    const void *owner = rnrd_loop_watch_owner(p->d->loop, fd);

    if (owner != NULL && owner != p) {
        host_log(p, RNR_NSP_LOG_ERR, "watch_fd(%d): not its descriptor", fd);
        return WSAEINVAL;
    }
    if (rnrd_loop_watch(p->d->loop, fd, events & (RNR_NSP_EV_READ | RNR_NSP_EV_WRITE),
                        cb, arg, p) != 0)
        return WSAENOBUFS;
    return 0;
}

static void host_unwatch_fd(struct rnr_nsp_provider *p, int fd)
{
    const void *owner = rnrd_loop_watch_owner(p->d->loop, fd);

    if (owner == NULL)
        return;
    if (owner != p) {
        host_log(p, RNR_NSP_LOG_ERR, "unwatch_fd(%d): not its descriptor", fd);
        return;
    }
    rnrd_loop_unwatch(p->d->loop, fd);
}

static struct rnr_nsp_timer *host_timer_add(struct rnr_nsp_provider *p, uint64_t delay_ms,
                                            rnr_nsp_timer_cb cb, void *arg)
{
    return rnrd_loop_timer_add(p->d->loop, delay_ms, cb, arg, p);
}

static void host_timer_cancel(struct rnr_nsp_provider *p, struct rnr_nsp_timer *t)
{
    if (t == NULL)
        return;
    if (!rnrd_loop_timer_pending(p->d->loop, t)) {
        host_log(p, RNR_NSP_LOG_ERR, "timer_cancel on a timer that fired or was cancelled");
        return;
    }
    rnrd_loop_timer_cancel(p->d->loop, t);
}

static const struct rnr_nsp_caller *host_lookup_caller(struct rnr_nsp_lookup *lk)
{
    /* Nobody, for a provider that asks about a lookup it no longer has. */
    static const struct rnr_nsp_caller nobody = { .uid = (uid_t)-1, .gid = (gid_t)-1 };

    if (rnrd_lookup_check(lk, "lookup_caller") == NULL)
        return &nobody;
    return &lk->caller;
}

static void host_lookup_set_data(struct rnr_nsp_lookup *lk, void *data)
{
    if (rnrd_lookup_check(lk, "lookup_set_data") != NULL)
        lk->data = data;
}

static void *host_lookup_data(struct rnr_nsp_lookup *lk)
{
    if (rnrd_lookup_check(lk, "lookup_data") == NULL)
        return NULL;
    return lk->data;
}

static void host_answers_changed(struct rnr_nsp_provider *p)
{
    rnrd_answers_changed(p->d);
}

const struct rnr_nsp_host rnrd_host = {
    .size = sizeof(struct rnr_nsp_host),
    .abi_version = RNR_NSP_ABI_VERSION,
    .log = host_log,
    .config_get = host_config_get,
    .state_dir = host_state_dir,
    .name = host_name,
    .provider_id = host_provider_id,
    .name_space = host_name_space,
    .watch_fd = host_watch_fd,
    .unwatch_fd = host_unwatch_fd,
    .timer_add = host_timer_add,
    .timer_cancel = host_timer_cancel,
    .now_ms = rnrd_now_ms,
    .emit = rnrd_lookup_emit,
    .finish = rnrd_lookup_finish,
    .lookup_caller = host_lookup_caller,
    .lookup_set_data = host_lookup_set_data,
    .lookup_data = host_lookup_data,
    .lookup_reusable = rnrd_lookup_reusable,
    .answers_changed = host_answers_changed,
    .set_service_defer = rnrd_set_service_defer,
    .set_service_done = rnrd_set_service_done,
    .changed = rnrd_subs_changed,
    .take_fds = rnrd_provider_take_fds,
};
