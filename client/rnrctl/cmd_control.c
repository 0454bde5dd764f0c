/* SPDX-License-Identifier: MIT */
/*
 * rnrctl control: one provider's own administrative command (CONTROL).
 */
#include <config.h>

#include <string.h>

#include "ops_common.h"

static const char rnrctl_help_control[] =
"Usage: rnrctl control PROVIDER COMMAND [ARGUMENT]\n"
"\n"
"Send an administrative command to one provider (as `rnrctl status`\n"
"names it); which commands exist is up to the provider (rnr-nsp(7)).\n"
"Needs root or membership of rnrd's admin-group.\n"
"\n"
"Example:\n"
"  rnrctl control dns cache-flush www.example.com\n";

static int rnrctl_cmd_control(struct rnrctl *c, int argc, char **argv)
{
    const char *pos[3] = { NULL, NULL, NULL };
    int npos, r;

    r = rnrctl_ops_parse(c, argc, argv, 1, rnrctl_ops_plain_opts,
                         rnrctl_help_control, pos, 3, &npos, NULL, NULL);
    if (r >= 0)
        return r;
    if (npos < 2)
        return rnrctl_usage(c, "PROVIDER and COMMAND are required");
    if (pos[1][0] == '\0' || strlen(pos[1]) > RNR_OPS_MAX_COMMAND)
        return rnrctl_usage(c, "COMMAND must be 1 to %u bytes", RNR_OPS_MAX_COMMAND);
    return rnrctl_ops_control(c, pos[0], pos[1], npos > 2 ? pos[2] : NULL);
}

const struct rnrctl_command rnrctl_command_control = {
    .name = "control",
    .synopsis = "PROVIDER COMMAND [ARG]",
    .summary = "a provider's own command (admin)",
    .help = rnrctl_help_control,
    .run = rnrctl_cmd_control,
};
