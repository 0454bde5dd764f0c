/* SPDX-License-Identifier: MIT */
/*
 * rnrctl log-level: show rnrd's log level (from STATS) or set it (ADMIN).
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "ops_common.h"

static const char rnrctl_help_log_level[] =
"Usage: rnrctl log-level [LEVEL]\n"
"\n"
"Show rnrd's log level, or set it to LEVEL (err, warning, notice, info or\n"
"debug) at once, without a restart.  The level set holds until the next\n"
"reload or restart, which go back to the configuration's log-level (or\n"
"rnrd's --log-level).  Setting needs root or membership of rnrd's\n"
"admin-group.\n"
"\n"
"Examples:\n"
"  rnrctl log-level\n"
"  rnrctl log-level debug\n";

static const char *const log_levels[] = { "err", "warning", "notice", "info", "debug" };
#define NLEVELS (sizeof log_levels / sizeof log_levels[0])

/* rnrd's level, from the "log-level" figure of STATS. */
static int log_level_show(struct rnrctl *c)
{
    struct rnr_ops_stats *s = NULL;
    const char *name = NULL;
    size_t i;
    int r;

    if ((r = rnrctl_ops_fetch_stats(c, &s)) != 0)
        return r;
    for (i = 0; i < s->nfig; i++)
        if (strcmp(s->fig[i].key, "log-level") == 0 && s->fig[i].value < NLEVELS)
            name = log_levels[s->fig[i].value];
    rnr_ops_stats_free(s);
    if (name == NULL)
        return rnrctl_fail(c, WSAEOPNOTSUPP, "this rnrd does not say its log level");
    if (c->json)
        printf("{\n  \"log_level\": \"%s\"\n}\n", name);
    else
        printf("%s\n", name);
    return RNRCTL_EXIT_OK;
}

static int rnrctl_cmd_log_level(struct rnrctl *c, int argc, char **argv)
{
    const char *pos[1] = { NULL };
    char done[64];
    size_t i;
    int npos, r;

    r = rnrctl_ops_parse(c, argc, argv, 1, rnrctl_ops_plain_opts,
                         rnrctl_help_log_level, pos, 1, &npos, NULL, NULL);
    if (r >= 0)
        return r;
    if (npos == 0)
        return log_level_show(c);
    /* Checked here too, for a message better than rnrd's WSAEINVAL. */
    for (i = 0; i < NLEVELS && strcmp(pos[0], log_levels[i]) != 0; i++)
        ;
    if (i == NLEVELS)
        return rnrctl_unknown(c, "level", pos[0], log_levels, NLEVELS);
    snprintf(done, sizeof done, "log level set to %s", pos[0]);
    return rnrctl_ops_admin(c, RNR_OPS_ADMIN_LOG_LEVEL, pos[0], done, "log_level");
}

const struct rnrctl_command rnrctl_command_log_level = {
    .name = "log-level",
    .synopsis = "[LEVEL]",
    .summary = "show or set rnrd's log level (admin to set)",
    .help = rnrctl_help_log_level,
    .run = rnrctl_cmd_log_level,
};
