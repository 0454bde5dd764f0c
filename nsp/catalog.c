/* SPDX-License-Identifier: MIT */
/*
 * Provider catalog: module loading and lookup by provider id.
 *
 * Modules are opened RTLD_NOW so that a missing symbol fails at load time,
 * with a message, rather than as a crash in the middle of a lookup, and
 * RTLD_LOCAL so that two providers exporting the same helper names cannot
 * bind to each other's.
 */
#include "config.h"

#include "catalog.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#ifndef RNR_MODULEDIR
#define RNR_MODULEDIR "/usr/local/lib/rnr/providers"
#endif

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);

    return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

/* "hosts" -> DIR/hosts.so, "hosts.so" -> DIR/hosts.so, anything with a
 * '/' is a path used as given (relative paths are relative to the
 * daemon's working directory, as for any command-line path). */
static int module_path(const char *module_dir, const char *module,
                       char *buf, size_t len)
{
    int r;

    if (strchr(module, '/') != NULL)
        r = snprintf(buf, len, "%s", module);
    else if (ends_with(module, ".so"))
        r = snprintf(buf, len, "%s/%s", module_dir, module);
    else
        r = snprintf(buf, len, "%s/%s.so", module_dir, module);
    return (r < 0 || (size_t)r >= len) ? -1 : 0;
}

int rnr_catalog_load_module(const char *module_dir, const char *module,
                            void **dl_out, const struct rnr_nsp_ops **ops_out,
                            char *err, size_t errlen)
{
    char                      path[4096];
    void                     *dl = NULL;
    void                     *sym;
    rnr_nsp_entry_fn          entry;
    const struct rnr_nsp_ops *ops;
    const char               *why;
    int                       status = WSAEPROVIDERFAILEDINIT;

    if (module == NULL || *module == '\0' || dl_out == NULL || ops_out == NULL) {
        set_err(err, errlen, "no module name given");
        goto done;
    }
    if (module_dir == NULL || *module_dir == '\0')
        module_dir = RNR_MODULEDIR;
    if (module_path(module_dir, module, path, sizeof(path)) != 0) {
        set_err(err, errlen, "%s/%s: module path too long", module_dir, module);
        goto done;
    }

    dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (dl == NULL) {
        why = dlerror();
        /* dlerror() usually names the file already; do not repeat it. */
        if (why != NULL && strstr(why, path) != NULL)
            set_err(err, errlen, "%s", why);
        else
            set_err(err, errlen, "%s: %s", path, why != NULL ? why : "cannot load");
        goto done;
    }

    (void)dlerror();
    sym = dlsym(dl, RNR_NSP_ENTRY_SYMBOL);
    if (sym == NULL) {
        why = dlerror();
        set_err(err, errlen, "%s: no %s symbol (%s)", path, RNR_NSP_ENTRY_SYMBOL,
                why != NULL ? why : "NULL");
        goto done;
    }
    /* POSIX guarantees a data pointer from dlsym converts to a function
     * pointer; memcpy says so without a cast ISO C frowns upon. */
    memcpy(&entry, &sym, sizeof(entry));

    ops = entry(RNR_NSP_ABI_VERSION);
    if (ops == NULL) {
        set_err(err, errlen, "%s: module rejected provider ABI version %u", path,
                (unsigned)RNR_NSP_ABI_VERSION);
        goto done;
    }
    /* Slots beyond its size are absent (rnrd reads none of them); those
     * up to lookup_begin every module of this ABI version has. */
    if (ops->size < RNR_NSP_OPS_MIN_SIZE) {
        set_err(err, errlen,
                "%s: provider ops table of %zu bytes is too small (at least %zu: "
                "does it begin with RNR_NSP_OPS_INIT?)",
                path, ops->size, (size_t)RNR_NSP_OPS_MIN_SIZE);
        goto done;
    }
    if (ops->abi_version != RNR_NSP_ABI_VERSION) {
        set_err(err, errlen, "%s: module built for provider ABI version %u, rnrd has %u",
                path, ops->abi_version, (unsigned)RNR_NSP_ABI_VERSION);
        goto done;
    }
    if (ops->name == NULL) {
        set_err(err, errlen, "%s: provider ops table has no name", path);
        goto done;
    }

    *dl_out = dl;
    *ops_out = ops;
    dl = NULL;
    status = 0;

done:
    if (dl != NULL)
        dlclose(dl);
    return status;
}

long rnr_catalog_find(const struct rnr_catalog *cat, const GUID *id)
{
    size_t i;

    if (cat == NULL || id == NULL)
        return -1;
    for (i = 0; i < cat->count; i++) {
        /* GUID is 16 bytes without padding (u32, u16, u16, u8[8]). */
        if (memcmp(&cat->entries[i].id, id, sizeof(GUID)) == 0)
            return (long)i;
    }
    return -1;
}
