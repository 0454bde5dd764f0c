/* SPDX-License-Identifier: MIT */
/*
 * Provider instances: loading, startup, reload and cleanup, and the
 * catalog view the router reads.  A provider that fails to load or start
 * is logged as "provider NAME: ..." and listed inactive; the daemon goes
 * on with the others.
 */
#include "config.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "classstore.h"
#include "guid.h"
#include "log.h"
#include "lookup.h"
#include "nspcall.h"
#include "paths.h"
#include "rnrd.h"
#include "status.h"

static struct rnr_nsp_provider *prov_new(const struct rnrd_provider_conf *pc)
{
    struct rnr_nsp_provider *p = rnr_calloc(1, sizeof *p);

    if (p == NULL)
        return NULL;
    p->name = rnr_strdup(pc->name);
    p->module = rnr_strdup(pc->module);
    if (p->name == NULL || p->module == NULL) {
        rnr_free(p->name);
        rnr_free(p->module);
        rnr_free(p);
        return NULL;
    }
    p->conf = pc;
    TAILQ_INIT(&p->lookups);
    TAILQ_INIT(&p->pending);
    return p;
}

int rnrd_provider_load_module(const char *module_dir, const char *module, void **dl,
                              const struct rnr_nsp_ops **ops, char *err, size_t errlen)
{
    err[0] = '\0';
    if (rnr_catalog_load_module(module_dir, module, dl, ops, err, errlen) != 0) {
        if (err[0] == '\0')
            snprintf(err, errlen, "cannot load module %s", module);
        return -1;
    }
    /* The entry point checked the ABI; check what it returned too. */
    if (*ops == NULL || (*ops)->abi_version != RNR_NSP_ABI_VERSION || (*ops)->name == NULL) {
        snprintf(err, errlen, "module %s: ops table of another ABI version (%u, want %u)",
                 module, *ops ? (*ops)->abi_version : 0, RNR_NSP_ABI_VERSION);
        dlclose(*dl);
        *dl = NULL;
        *ops = NULL;
        return -1;
    }
    return 0;
}

/* Id, name space, display name and enabled flag from the section, the
 * module's defaults filling the gaps. */
static void prov_apply_conf(struct rnr_nsp_provider *p, const struct rnrd_provider_conf *pc)
{
    const char *dn;
    char *copy;

    p->conf = pc;
    p->enabled = pc->enabled;
    memset(&p->id, 0, sizeof p->id);
    if (pc->has_id)
        p->id = pc->id;
    else if (p->ops != NULL)
        p->id = p->ops->default_id;
    p->name_space = pc->has_name_space ? pc->name_space
                    : p->ops != NULL ? p->ops->default_name_space : NS_ALL;
    dn = pc->display_name;
    if (dn == NULL && p->ops != NULL)
        dn = p->ops->display_name;
    if (dn == NULL)
        dn = p->name;
    copy = rnr_strdup(dn);
    if (copy != NULL) {
        rnr_free(p->display_name);
        p->display_name = copy;
    }
}

static int prov_id_taken(struct rnr_nsp_provider *const *provs, size_t n,
                         const struct rnr_nsp_provider *p)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (provs[i] != NULL && provs[i] != p && rnrd_nsp_running(provs[i]) &&
            rnr_guid_equal(&provs[i]->id, &p->id))
            return 1;
    return 0;
}

/* A provider that follows the classes (install_class slot) learns those
 * installed before it started; later ones reach it as they come. */
static void prov_tell_classes(struct rnrd *d, struct rnr_nsp_provider *p)
{
    size_t i, n;

    if (d->classes == NULL)
        return;
    n = rnr_classstore_count(d->classes);
    for (i = 0; i < n; i++) {
        int rc = rnrd_nsp_install_class(p, rnr_classstore_at(d->classes, i));

        if (rc != 0 && rc != WSAEALREADY)
            log_warning("provider %s: install_class failed (%d)", p->name, rc);
    }
}

/* ---------------------------------------------------------- privileged */

static const char *priv_get(void *ctx, const char *key)
{
    return rnrd_config_get(((struct rnr_nsp_provider *)ctx)->conf, key);
}

static void priv_error(void *ctx, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void priv_error(void *ctx, const char *key, const char *fmt, ...)
{
    const struct rnr_nsp_provider *p = ctx;
    char what[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    log_err("provider %s: %s: %s", p->name, key != NULL ? key : "-", what);
}

/* With the initial privileges: only the module's own slot runs, with
 * the section it was validated with; what it opens waits for startup. */
static void prov_privileged_open(struct rnr_nsp_provider *p)
{
    const struct rnr_nsp_check conf = { .ctx = p, .get = priv_get, .error = priv_error };
    int rc;

    if (p->ops == NULL || !p->enabled)
        return;
    rc = rnrd_nsp_privileged_open(p, &conf, p->priv_fds, &p->npriv_fds);
    if (rc != 0)
        log_err("provider %s: privileged open failed: %s", p->name, rnr_status_text(rc));
    else if (p->npriv_fds > 0)
        log_info("provider %s: %zu descriptor(s) opened before the privilege drop", p->name,
                 p->npriv_fds);
}

static void prov_close_fds(struct rnr_nsp_provider *p)
{
    while (p->npriv_fds > 0)
        close(p->priv_fds[--p->npriv_fds]);
}

size_t rnrd_provider_take_fds(struct rnr_nsp_provider *p, int *fds, size_t max)
{
    size_t n = p->npriv_fds < max ? p->npriv_fds : max;

    memcpy(fds, p->priv_fds, n * sizeof *fds);
    /* Those beyond max are not the provider's: closed, never leaked. */
    memmove(p->priv_fds, p->priv_fds + n, (p->npriv_fds - n) * sizeof *fds);
    p->npriv_fds -= n;
    prov_close_fds(p);
    return n;
}

/* ---------------------------------------------------------- lifecycle */

static void prov_start(struct rnrd *d, struct rnr_nsp_provider *p)
{
    char dir[4096];
    int rc, err;

    if (p->ops == NULL || !p->enabled || rnrd_nsp_running(p))
        return;
    if ((size_t)snprintf(dir, sizeof dir, "%s/providers/%s", d->state_dir, p->name) >=
        sizeof dir) {
        log_err("provider %s: state directory path too long", p->name);
        return;
    }
    err = rnr_path_mkdirs(dir, 0700);
    if (err != 0) {
        log_err("provider %s: cannot create %s: %s", p->name, dir, strerror(err));
        return;
    }
    if (p->state_dir == NULL && (p->state_dir = rnr_strdup(dir)) == NULL) {
        log_err("provider %s: out of memory", p->name);
        return;
    }
    rc = rnrd_nsp_startup(p, &rnrd_host);
    prov_close_fds(p);
    if (rc != 0) {
        log_err("provider %s: startup failed: %s (inactive)", p->name, rnr_status_text(rc));
        rnrd_loop_drop_owner(d->loop, p);
        return;
    }
    log_info("provider %s: started (module %s)", p->name, p->module);
    prov_tell_classes(d, p);
}

static void prov_stop(struct rnrd *d, struct rnr_nsp_provider *p)
{
    size_t n;

    if (!rnrd_nsp_running(p))
        return;
    rnrd_lookups_detach_provider(p);
    rnrd_nsp_cleanup(p);
    rnrd_session_provider_gone(p);
    n = rnrd_loop_drop_owner(d->loop, p);
    if (n > 0)
        log_warning("provider %s: left %zu descriptor watch(es) or timer(s) behind", p->name, n);
    rnrd_lookups_free_orphans(p);
    log_info("provider %s: stopped", p->name);
}

static void prov_free(struct rnrd *d, struct rnr_nsp_provider *p)
{
    if (p == NULL)
        return;
    prov_stop(d, p);
    prov_close_fds(p);
    if (p->dl != NULL)
        dlclose(p->dl);
    rnr_free(p->name);
    rnr_free(p->module);
    rnr_free(p->display_name);
    rnr_free(p->state_dir);
    rnr_free(p);
}

/* Create, load and configure (not start) an instance for a section. */
static struct rnr_nsp_provider *prov_create(struct rnrd *d, const struct rnrd_provider_conf *pc)
{
    struct rnr_nsp_provider *p = prov_new(pc);
    char err[512];

    if (p == NULL) {
        log_err("provider %s: out of memory", pc->name);
        return NULL;
    }
    p->d = d;
    if (rnrd_provider_load_module(d->module_dir, p->module, &p->dl, &p->ops, err,
                                  sizeof err) != 0)
        log_err("provider %s: %s (inactive)", p->name, err);
    prov_apply_conf(p, pc);
    return p;
}

/* Start (or, for an id already served, stop) each provider in order. */
static void provs_settle(struct rnrd *d)
{
    size_t i;

    for (i = 0; i < d->nprovs; i++) {
        struct rnr_nsp_provider *p = d->provs[i];

        if (rnrd_nsp_running(p) && !p->enabled) {
            prov_stop(d, p);
            continue;
        }
        if (p->ops == NULL || !p->enabled)
            continue;
        if (prov_id_taken(d->provs, i, p)) {
            char g[RNR_GUID_STRLEN];

            rnr_guid_format(&p->id, g);
            log_err("provider %s: id %s is already served by an earlier provider (inactive)",
                    p->name, g);
            prov_stop(d, p);
            prov_close_fds(p);
            continue;
        }
        prov_start(d, p);
    }
}

static int catalog_rebuild(struct rnrd *d)
{
    struct rnr_catalog_entry *e;
    size_t i;

    e = rnr_calloc(d->nprovs ? d->nprovs : 1, sizeof *e);
    if (e == NULL)
        return -1;
    for (i = 0; i < d->nprovs; i++) {
        struct rnr_nsp_provider *p = d->provs[i];

        e[i].name = p->name;
        e[i].module_path = p->module;
        e[i].id = p->id;
        e[i].name_space = p->name_space;
        e[i].enabled = rnrd_nsp_running(p);
        e[i].version = p->ops != NULL ? p->ops->version : 0;
        e[i].display_name = p->display_name;
        e[i].families = p->ops != NULL ? p->ops->families : 0;
        e[i].capabilities = p->ops != NULL ? p->ops->capabilities : 0;
        e[i].ops = p->ops;
        e[i].dl = p->dl;
        e[i].state = p->state;
        e[i].instance = p;
    }
    rnr_free(d->catalog.entries);
    d->catalog.entries = e;
    d->catalog.count = d->nprovs;
    return 0;
}

int rnrd_providers_create(struct rnrd *d)
{
    const struct rnrd_config *cfg = d->cfg;
    size_t i;

    d->provs = rnr_calloc(cfg->nproviders ? cfg->nproviders : 1, sizeof *d->provs);
    if (d->provs == NULL)
        return -1;
    for (i = 0; i < cfg->nproviders; i++) {
        struct rnr_nsp_provider *p = prov_create(d, &cfg->providers[i]);
        if (p != NULL) {
            d->provs[d->nprovs++] = p;
            prov_privileged_open(p);
        }
    }
    return 0;
}

int rnrd_providers_start(struct rnrd *d)
{
    if (d->provs == NULL && rnrd_providers_create(d) != 0)
        return -1;
    provs_settle(d);
    return catalog_rebuild(d);
}

void rnrd_providers_stop_all(struct rnrd *d)
{
    size_t i;

    /* Reverse order: later providers may have been started knowing the
     * earlier ones were up. */
    for (i = d->nprovs; i-- > 0;)
        prov_free(d, d->provs[i]);
    rnr_free(d->provs);
    d->provs = NULL;
    d->nprovs = 0;
    rnr_free(d->catalog.entries);
    d->catalog.entries = NULL;
    d->catalog.count = 0;
}

/* Every started provider hears of every closed connection: cheaper than
 * tracking which connections touched which provider, and a provider
 * answers for an id it never saw in a lookup. */
void rnrd_providers_client_closed(struct rnrd *d, uint64_t client_id)
{
    size_t i;

    for (i = 0; i < d->nprovs; i++)
        rnrd_nsp_client_closed(d->provs[i], client_id);
}

void rnrd_providers_reload(struct rnrd *d, struct rnrd_config *newcfg)
{
    struct rnr_nsp_provider **np;
    size_t i, j, n = 0;
    int *kept = NULL;

    np = rnr_calloc(newcfg->nproviders ? newcfg->nproviders : 1, sizeof *np);
    kept = rnr_calloc(d->nprovs ? d->nprovs : 1, sizeof *kept);
    if (np == NULL || kept == NULL) {
        log_err("reload: out of memory; providers left as they were");
        rnr_free(np);
        rnr_free(kept);
        return;
    }
    /* Same name and module: the same instance carries on. */
    for (i = 0; i < newcfg->nproviders; i++) {
        const struct rnrd_provider_conf *pc = &newcfg->providers[i];

        for (j = 0; j < d->nprovs; j++) {
            struct rnr_nsp_provider *p = d->provs[j];
            if (!kept[j] && p->ops != NULL && strcmp(p->name, pc->name) == 0 &&
                strcmp(p->module, pc->module) == 0) {
                kept[j] = 1;
                np[i] = p;
                break;
            }
        }
    }
    /* Removed (or changed module): their lookups end, then they go. */
    for (j = 0; j < d->nprovs; j++) {
        if (!kept[j]) {
            log_info("provider %s: removed", d->provs[j]->name);
            prov_free(d, d->provs[j]);
        }
    }
    for (i = 0; i < newcfg->nproviders; i++) {
        const struct rnrd_provider_conf *pc = &newcfg->providers[i];
        struct rnr_nsp_provider *p = np[i];

        if (p == NULL) {
            p = prov_create(d, pc);
            if (p != NULL)
                np[n++] = p;
            continue;
        }
        prov_apply_conf(p, pc);
        np[n++] = p;
        if (p->enabled) {
            int rc = rnrd_nsp_reload(p);
            if (rc != 0)
                log_err("provider %s: reload failed: %s (previous settings kept)", p->name,
                        rnr_status_text(rc));
        }
    }
    rnr_free(kept);
    rnr_free(d->provs);
    d->provs = np;
    d->nprovs = n;
    provs_settle(d);
    if (catalog_rebuild(d) != 0)
        log_err("reload: out of memory rebuilding the catalog");
}
