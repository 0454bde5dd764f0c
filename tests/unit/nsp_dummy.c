/* SPDX-License-Identifier: MIT */
/*
 * A provider module for test_catalog.  What rnr_nsp_entry returns is
 * chosen by the RNR_DUMMY_MODE environment variable, so one shared object
 * covers every way a module can be refused.
 */
#include <stdlib.h>
#include <string.h>

#include <rnr/nsp.h>

const struct rnr_nsp_ops *rnr_nsp_entry(unsigned abi_version);

static const struct rnr_nsp_ops good_ops = {
    RNR_NSP_OPS_INIT,
    .name = "dummy",
    .display_name = "Dummy provider",
    .families = RNR_NSP_AF_INET,
    .default_name_space = NS_NDS,
    .default_id = { 0xd0d0d0d0u, 1, 2, { 3, 4, 5, 6, 7, 8, 9, 10 } },
    .version = 7,
};

static const struct rnr_nsp_ops wrong_abi_ops = {
    .size = sizeof(struct rnr_nsp_ops),
    .abi_version = RNR_NSP_ABI_VERSION + 1,
    .name = "dummy",
};

static const struct rnr_nsp_ops no_name_ops = {
    RNR_NSP_OPS_INIT,
};

/* Built against an older <rnr/nsp.h> of the same ABI: its table ends
 * after lookup_cancel. */
static const struct rnr_nsp_ops old_ops = {
    .size = RNR_NSP_SIZE_TO(struct rnr_nsp_ops, lookup_cancel),
    .abi_version = RNR_NSP_ABI_VERSION,
    .name = "dummy",
    .default_name_space = NS_NDS,
    .version = 7,
};

/* Forgot RNR_NSP_OPS_INIT: no size, too small for anything. */
static const struct rnr_nsp_ops small_ops = {
    .abi_version = RNR_NSP_ABI_VERSION,
    .name = "dummy",
};

const struct rnr_nsp_ops *rnr_nsp_entry(unsigned abi_version)
{
    const char *mode = getenv("RNR_DUMMY_MODE");

    if (abi_version != RNR_NSP_ABI_VERSION)
        return NULL;
    if (mode == NULL || strcmp(mode, "good") == 0)
        return &good_ops;
    if (strcmp(mode, "refuse") == 0)
        return NULL;
    if (strcmp(mode, "abi") == 0)
        return &wrong_abi_ops;
    if (strcmp(mode, "noname") == 0)
        return &no_name_ops;
    if (strcmp(mode, "old") == 0)
        return &old_ops;
    if (strcmp(mode, "small") == 0)
        return &small_ops;
    return NULL;
}
