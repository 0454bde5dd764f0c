/* SPDX-License-Identifier: MIT */
/*
 * The rnrd configuration parser (daemon/conf.c): every input parses into
 * a configuration or into at least one error message, and nothing leaks
 * either way.
 */
#include "config.h"

#include <string.h>

#include "conf.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rnrd_errors errs = { 0 };
    struct rnrd_config *cfg = NULL;
    size_t i;

    if (rnrd_config_parse((const char *)data, size, "fuzz", &cfg, &errs) == 0) {
        FUZZ_CHECK(cfg != NULL);
        FUZZ_CHECK(cfg->limits.max_message_size > 0);
        for (i = 0; i < cfg->nproviders; i++) {
            FUZZ_CHECK(cfg->providers[i].name != NULL);
            FUZZ_CHECK(cfg->providers[i].module != NULL);
            (void)rnrd_config_get(&cfg->providers[i], "path");
        }
        rnrd_config_free(cfg);
    } else {
        FUZZ_CHECK(cfg == NULL && errs.n > 0);
        for (i = 0; i < errs.n; i++)
            FUZZ_CHECK(errs.msgs[i] != NULL);
    }
    rnrd_errors_free(&errs);
    return 0;
}
