/* SPDX-License-Identifier: MIT */
/*
 * The wrapper layer around the provider slots (nspcall.h).  Nothing else
 * in rnrd reads a slot of struct rnr_nsp_ops or the running flag.
 */
#include "config.h"

#include "nspcall.h"
#include "rnrd.h"

/* The module has slot m: its table reaches it, and the pointer is set.
 * The size comes first: a slot beyond it is not read at all. */
#define HAS(ops, m) (RNR_NSP_OPS_HAS(ops, m) && (ops)->m != NULL)

/* The provider is running and its module has slot m. */
#define CAN(p, m) (rnrd_nsp_running(p) && HAS((p)->ops, m))

int rnrd_nsp_running(const struct rnr_nsp_provider *p)
{
    return p != NULL && p->started;
}

unsigned rnrd_nsp_caps(const struct rnr_nsp_provider *p)
{
    return p != NULL && p->ops != NULL ? p->ops->capabilities : 0;
}

int rnrd_nsp_startup(struct rnr_nsp_provider *p, const struct rnr_nsp_host *host)
{
    int rc = 0;

    p->state = NULL;
    if (HAS(p->ops, startup))
        rc = p->ops->startup(host, p, &p->state);
    if (rc == 0)
        p->started = 1;
    else
        p->state = NULL;
    return rc;
}

void rnrd_nsp_cleanup(struct rnr_nsp_provider *p)
{
    if (!rnrd_nsp_running(p))
        return;
    if (HAS(p->ops, cleanup))
        p->ops->cleanup(p->state);
    p->state = NULL;
    p->started = 0;
}

int rnrd_nsp_reload(struct rnr_nsp_provider *p)
{
    return CAN(p, reload) ? p->ops->reload(p->state) : 0;
}

int rnrd_nsp_lookup_ready(const struct rnr_nsp_provider *p)
{
    return CAN(p, lookup_begin) ? 0 : WSASERVICE_NOT_FOUND;
}

int rnrd_nsp_lookup_begin(struct rnr_nsp_provider *p, struct rnr_nsp_lookup *lk,
                          const WSAQUERYSETA *qs, DWORD flags)
{
    int rc = rnrd_nsp_lookup_ready(p);

    if (rc != 0)
        return rc;
    return p->ops->lookup_begin(p->state, lk, qs, flags);
}

int rnrd_nsp_can_cancel(const struct rnr_nsp_provider *p)
{
    return CAN(p, lookup_cancel);
}

void rnrd_nsp_lookup_cancel(struct rnr_nsp_provider *p, struct rnr_nsp_lookup *lk)
{
    if (CAN(p, lookup_cancel))
        p->ops->lookup_cancel(p->state, lk);
}

/* Asked from inside emit, by the provider itself: it runs. */
int rnrd_nsp_can_pause(const struct rnr_nsp_provider *p)
{
    return p != NULL && p->ops != NULL && HAS(p->ops, lookup_resume);
}

void rnrd_nsp_lookup_resume(struct rnr_nsp_provider *p, struct rnr_nsp_lookup *lk)
{
    if (CAN(p, lookup_resume))
        p->ops->lookup_resume(p->state, lk);
}

int rnrd_nsp_set_service(struct rnr_nsp_provider *p, const struct rnr_nsp_caller *caller,
                         const WSAQUERYSETA *qs, WSAESETSERVICEOP op, DWORD flags)
{
    if (!rnrd_nsp_running(p))
        return WSASERVICE_NOT_FOUND;
    if (!HAS(p->ops, set_service))
        return WSAEOPNOTSUPP;
    return p->ops->set_service(p->state, caller, qs, op, flags);
}

int rnrd_nsp_install_class(struct rnr_nsp_provider *p, const WSASERVICECLASSINFOA *info)
{
    return CAN(p, install_class) ? p->ops->install_class(p->state, info) : 0;
}

int rnrd_nsp_remove_class(struct rnr_nsp_provider *p, const GUID *class_id)
{
    return CAN(p, remove_class) ? p->ops->remove_class(p->state, class_id) : 0;
}

int rnrd_nsp_get_class_info(struct rnr_nsp_provider *p, const GUID *class_id,
                            const WSASERVICECLASSINFOA **out)
{
    if (!CAN(p, get_class_info))
        return WSATYPE_NOT_FOUND;
    return p->ops->get_class_info(p->state, class_id, out);
}

void rnrd_nsp_stats(struct rnr_nsp_provider *p,
                    void (*emit_stat)(void *ctx, const char *key, uint64_t value), void *ctx)
{
    if (CAN(p, stats))
        p->ops->stats(p->state, emit_stat, ctx);
}

int rnrd_nsp_control_ready(const struct rnr_nsp_provider *p)
{
    if (!rnrd_nsp_running(p))
        return WSASERVICE_NOT_FOUND;
    return HAS(p->ops, control) ? 0 : WSAEOPNOTSUPP;
}

int rnrd_nsp_control(struct rnr_nsp_provider *p, const char *command, const char *arg)
{
    int rc = rnrd_nsp_control_ready(p);

    if (rc != 0)
        return rc;
    return p->ops->control(p->state, command, arg);
}

int rnrd_nsp_privileged_open(const struct rnr_nsp_provider *p, const struct rnr_nsp_check *conf,
                             int *fds, size_t *nfds)
{
    size_t n = 0;
    int rc;

    *nfds = 0;
    if (p == NULL || p->ops == NULL || rnrd_nsp_running(p) || !HAS(p->ops, privileged_open))
        return 0;
    rc = p->ops->privileged_open(conf, fds, &n);
    if (rc == 0)
        *nfds = n > RNR_NSP_MAX_FDS ? RNR_NSP_MAX_FDS : n;
    return rc;
}

void rnrd_nsp_client_closed(struct rnr_nsp_provider *p, uint64_t client_id)
{
    if (CAN(p, client_closed))
        p->ops->client_closed(p->state, client_id);
}

int rnrd_nsp_change_matches(const struct rnr_nsp_provider *p, const WSAQUERYSETA *query,
                            DWORD flags, const WSAQUERYSETA *entry)
{
    if (p == NULL || p->ops == NULL || !HAS(p->ops, change_matches))
        return -1;
    return p->ops->change_matches(p->state, query, flags, entry) == 1;
}

const struct rnr_nsp_key *rnrd_nsp_config_keys(const struct rnr_nsp_ops *ops)
{
    return HAS(ops, config_keys) ? ops->config_keys : NULL;
}

void rnrd_nsp_check_config(const struct rnr_nsp_ops *ops, const struct rnr_nsp_check *chk)
{
    if (HAS(ops, check_config))
        ops->check_config(chk);
}
