/* SPDX-License-Identifier: MIT */
/*
 * Provider sections checked against their modules.  conf.c knows the keys
 * rnrd reads itself; only the module knows the others, so each module is
 * loaded (never started) and every key of its section is looked up in
 * what it declares (rnr_nsp_ops.config_keys), its value checked against
 * the declared type, and the section handed to check_config for what a
 * type cannot say.  The same check runs for --check-config, at start-up
 * and on reload, so a file that passes one passes the others.
 */
#include "config.h"

#include <dirent.h>
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "confkey.h"
#include "guid.h"
#include "nspcall.h"
#include "rnrd.h"

struct section_check {
    const struct rnrd_config        *cfg;
    const struct rnrd_provider_conf *pc;
    const struct rnr_nsp_key        *keys;   /* the module's */
    struct rnrd_errors              *errs;
};

/* The line a key was given on, else the section header's. */
static unsigned key_line(const struct rnrd_provider_conf *pc, const char *key)
{
    size_t i;

    for (i = 0; key != NULL && i < pc->nkeys; i++)
        if (strcmp(pc->keys[i].key, key) == 0)
            return pc->keys[i].line;
    return pc->line;
}

/* check_config sees only values of the declared type (those that are not
 * were reported already): it need not check them again, and it still runs
 * when another key is wrong, so that every error is listed at once. */
static const char *section_get(void *ctx, const char *key)
{
    const struct section_check *sc = ctx;
    const char *v = rnrd_config_get(sc->pc, key);
    const struct rnr_nsp_key *k = rnr_confkey_find(sc->keys, key);
    char why[512];

    if (v != NULL && k != NULL && rnr_confkey_check(k, v, why, sizeof why) != 0)
        return NULL;
    return v;
}

static void section_error(void *ctx, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void section_error(void *ctx, const char *key, const char *fmt, ...)
{
    struct section_check *sc = ctx;
    char what[768];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    rnrd_errors_add(sc->errs, "%s:%u: [provider %s] %s: %s", sc->cfg->source,
                    key_line(sc->pc, key), sc->pc->name, key != NULL ? key : "-", what);
}

/* Every key of the section: rnrd's own were checked by the parser, the
 * module's are checked here; then check_config. */
static void section_check_keys(struct section_check *sc, const struct rnr_nsp_ops *ops)
{
    const struct rnrd_provider_conf *pc = sc->pc;
    const struct rnr_nsp_key *k, *keys;
    char why[512], hint[128];
    size_t i;

    /* A module that declares no keys: they cannot be checked. */
    keys = rnrd_nsp_config_keys(ops);
    if (keys == NULL)
        return;
    for (i = 0; i < pc->nkeys; i++) {
        const struct rnrd_kv *kv = &pc->keys[i];

        if (rnr_confkey_find(rnrd_provider_keys, kv->key) != NULL)
            continue;
        k = rnr_confkey_find(keys, kv->key);
        if (k == NULL) {
            rnrd_config_suggest(kv->key, keys, rnrd_provider_keys, hint,
                                sizeof hint);
            section_error(sc, kv->key, "unknown key for module %s%s", pc->module, hint);
        } else if (rnr_confkey_check(k, kv->value, why, sizeof why) != 0) {
            section_error(sc, kv->key, "%s", why);
        }
    }
    {
        const struct rnr_nsp_check chk = {
            .ctx = sc, .get = section_get, .error = section_error
        };

        rnrd_nsp_check_config(ops, &chk);
    }
}

int rnrd_providers_check(const struct rnrd_config *cfg, const char *module_dir,
                         int need_modules, struct rnrd_errors *errs)
{
    GUID *ids;
    int *loaded;
    size_t i, j, nerr = errs->n;
    int rc = -1;

    ids = rnr_calloc(cfg->nproviders ? cfg->nproviders : 1, sizeof *ids);
    loaded = rnr_calloc(cfg->nproviders ? cfg->nproviders : 1, sizeof *loaded);
    if (ids == NULL || loaded == NULL) {
        rnrd_errors_add(errs, "out of memory");
        goto done;
    }
    for (i = 0; i < cfg->nproviders; i++) {
        const struct rnrd_provider_conf *pc = &cfg->providers[i];
        struct section_check sc = { .cfg = cfg, .pc = pc, .errs = errs };
        const struct rnr_nsp_ops *ops = NULL;
        void *dl = NULL;
        char err[512];

        if (pc->module == NULL)
            continue;   /* the parser said so */
        if (rnrd_provider_load_module(module_dir, pc->module, &dl, &ops, err,
                                      sizeof err) != 0) {
            if (need_modules)
                rnrd_errors_add(errs, "%s:%u: [provider %s] module: %s", cfg->source,
                                key_line(pc, "module"), pc->name, err);
            continue;
        }
        loaded[i] = 1;
        ids[i] = pc->has_id ? pc->id : ops->default_id;
        if (!pc->has_name_space && ops->default_name_space == NS_ALL)
            rnrd_errors_add(errs, "%s:%u: [provider %s] namespace: required (module %s has "
                            "no default)", cfg->source, pc->line, pc->name, pc->module);
        for (j = 0; j < i; j++) {
            if (loaded[j] && !rnr_guid_is_null(&ids[i]) && rnr_guid_equal(&ids[j], &ids[i]) &&
                cfg->providers[j].enabled && pc->enabled) {
                char g[RNR_GUID_STRLEN];

                rnr_guid_format(&ids[i], g);
                rnrd_errors_add(errs, "%s:%u: [provider %s] id: %s is also the id of "
                                "[provider %s]; set a distinct id", cfg->source,
                                key_line(pc, "id"), pc->name, g, cfg->providers[j].name);
            }
        }
        sc.keys = rnrd_nsp_config_keys(ops);
        section_check_keys(&sc, ops);
        dlclose(dl);
    }
    rc = errs->n == nerr ? 0 : -1;
done:
    rnr_free(ids);
    rnr_free(loaded);
    return rc;
}

/* ------------------------------------------------------------ listing */

static void key_print(FILE *out, const char *section, const struct rnr_nsp_key *k)
{
    size_t i;

    fprintf(out, "%s\t%s\t%s", section, k->name, rnr_confkey_type_name(k->type));
    if (k->type == RNR_NSP_KEY_UINT)
        fprintf(out, "(%llu-%llu)", (unsigned long long)k->min, (unsigned long long)k->max);
    if (k->type == RNR_NSP_KEY_HOSTPORTS && k->max != 0)
        fprintf(out, "(at most %llu)", (unsigned long long)k->max);
    if (k->type == RNR_NSP_KEY_ENUM) {
        for (i = 0; k->values != NULL && k->values[i] != NULL; i++)
            fprintf(out, "%c%s", i == 0 ? '(' : '|', k->values[i]);
        fputs(i > 0 ? ")" : "", out);
    }
    fprintf(out, "\t%s\n", k->help != NULL ? k->help : "");
}

static void keys_print(FILE *out, const char *section, const struct rnr_nsp_key *k)
{
    for (; k != NULL && k->name != NULL; k++)
        key_print(out, section, k);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int rnrd_config_keys_print(const char *module_dir, FILE *out)
{
    struct dirent *de;
    char **names = NULL, **nn, section[300], err[512];
    size_t n = 0, i, len;
    DIR *dir;
    int rc = -1;

    keys_print(out, "daemon", rnrd_daemon_keys());
    keys_print(out, "provider", rnrd_provider_keys);
    dir = opendir(module_dir);
    if (dir == NULL) {
        fprintf(stderr, "rnrd: %s: cannot list modules\n", module_dir);
        return -1;
    }
    /* Sorted, so that the listing is the same from one run to the next. */
    while ((de = readdir(dir)) != NULL) {
        len = strlen(de->d_name);
        if (len <= 3 || strcmp(de->d_name + len - 3, ".so") != 0)
            continue;
        nn = rnr_realloc(names, (n + 1) * sizeof *names);
        if (nn == NULL)
            goto done;
        names = nn;
        if ((names[n] = rnr_strndup(de->d_name, len - 3)) == NULL)
            goto done;
        n++;
    }
    qsort(names, n, sizeof *names, name_cmp);
    for (i = 0; i < n; i++) {
        const struct rnr_nsp_ops *ops;
        void *dl;

        if (rnrd_provider_load_module(module_dir, names[i], &dl, &ops, err, sizeof err) != 0) {
            fprintf(stderr, "rnrd: %s\n", err);
            continue;
        }
        snprintf(section, sizeof section, "module %s", names[i]);
        if (rnrd_nsp_config_keys(ops) == NULL)
            fprintf(out, "%s\t*\tundeclared\tthe module declares no keys\n", section);
        keys_print(out, section, rnrd_nsp_config_keys(ops));
        dlclose(dl);
    }
    rc = 0;
done:
    if (rc != 0)
        fprintf(stderr, "rnrd: out of memory\n");
    for (i = 0; i < n; i++)
        rnr_free(names[i]);
    rnr_free(names);
    closedir(dir);
    return rc;
}
