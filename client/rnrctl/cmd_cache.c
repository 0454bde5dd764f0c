/* SPDX-License-Identifier: MIT */
/*
 * rnrctl cache flush: empty the providers' caches (CONTROL cache-flush).
 */
#include <config.h>

#include <string.h>

#include "ops_common.h"

static const char rnrctl_help_cache[] =
"Usage: rnrctl cache flush [--provider NAME] [HOSTNAME]\n"
"\n"
"Empty the caches of rnrd's providers: every provider that has one, or\n"
"only the provider NAME (as `rnrctl status` names it).  With HOSTNAME,\n"
"only what is cached for that name.  Sends the command \"cache-flush\";\n"
"needs root or membership of rnrd's admin-group.\n"
"\n"
"Examples:\n"
"  rnrctl cache flush\n"
"  rnrctl cache flush --provider dns www.example.com\n";

enum { O_PROVIDER_NAME = RNRCTL_O_FIRST };

static int cache_extra(struct rnrctl *c, int id, const char *val, void *arg)
{
    (void)c;
    if (id == O_PROVIDER_NAME)
        *(const char **)arg = val;
    return 0;
}

static int rnrctl_cmd_cache(struct rnrctl *c, int argc, char **argv)
{
    static const struct rnrctl_opt opts[] = {
        RNRCTL_COMMON_OPTS,
        { "provider", 0, 1, O_PROVIDER_NAME },
        RNRCTL_OPTS_END
    };
    const char *pos[2] = { NULL, NULL }, *prov = NULL;
    int npos, r;

    r = rnrctl_ops_parse(c, argc, argv, 1, opts,
                         rnrctl_help_cache, pos, 2, &npos, cache_extra, &prov);
    if (r >= 0)
        return r;
    if (npos == 0)
        return rnrctl_usage(c, "missing subcommand (flush)");
    if (strcmp(pos[0], "flush") != 0) {
        static const char *const names[] = { "flush" };

        return rnrctl_unknown(c, "subcommand", pos[0], names, 1);
    }
    c->cmd = "cache flush";
    return rnrctl_ops_control(c, prov, "cache-flush", npos > 1 ? pos[1] : NULL);
}

const struct rnrctl_command rnrctl_command_cache = {
    .name = "cache",
    .synopsis = "flush [NAME]",
    .summary = "empty provider caches (admin)",
    .help = rnrctl_help_cache,
    .run = rnrctl_cmd_cache,
};
