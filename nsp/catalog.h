/* SPDX-License-Identifier: MIT */
/*
 * The provider catalog: the configured providers in catalog order (the
 * order of the [provider NAME] sections), each with the module it was
 * loaded from.  The daemon owns the entries; the router only reads them,
 * so unit tests build catalogs by hand with ops == NULL.
 */
#ifndef RNR_CATALOG_H
#define RNR_CATALOG_H

#include <stddef.h>
#include <rnr/nsp.h>

struct rnr_catalog_entry {
    char    *name;          /* NAME of [provider NAME] */
    char    *module_path;   /* what was dlopen()ed */
    GUID     id;            /* config `id`, else ops->default_id */
    DWORD    name_space;    /* config `namespace`, else ops->default_name_space */
    int      enabled;       /* config `enabled` (fActive) */
    DWORD    version;
    char    *display_name;  /* config `display-name`, else ops->display_name */
    unsigned families;      /* RNR_NSP_AF_* from ops */
    unsigned capabilities;  /* RNR_NSP_CAP_* from ops */
    const struct rnr_nsp_ops *ops;      /* NULL in unit tests */
    void    *dl;            /* dlopen handle, NULL for none */
    void    *state;         /* from ops->startup */
    struct rnr_nsp_provider *instance;  /* the daemon's object for host calls */
};

struct rnr_catalog {
    struct rnr_catalog_entry *entries;
    size_t                    count;
};

/* Resolve `module` ("hosts", "hosts.so" or an absolute/relative path
 * containing '/') against module_dir, dlopen it, find RNR_NSP_ENTRY_SYMBOL
 * and call it with RNR_NSP_ABI_VERSION.  On success *dl_out and *ops_out
 * are set and 0 returned; otherwise WSAEPROVIDERFAILEDINIT with a message
 * naming the file and the reason in err. */
int rnr_catalog_load_module(const char *module_dir, const char *module,
                            void **dl_out, const struct rnr_nsp_ops **ops_out,
                            char *err, size_t errlen);

/* Index of the entry with this provider id, or -1. */
long rnr_catalog_find(const struct rnr_catalog *cat, const GUID *id);

#endif
