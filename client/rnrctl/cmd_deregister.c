/* SPDX-License-Identifier: MIT */
/*
 * rnrctl deregister: WSASetService RNRSERVICE_DEREGISTER, with what each provider
 * did.
 */
#include <config.h>

#include "reg_common.h"

static const char rnrctl_help_deregister[] =
"Usage: rnrctl deregister CLASS NAME [options]\n"
"\n"
"Deregister service instance NAME of class CLASS (WSASetService with\n"
"RNRSERVICE_DEREGISTER): dynamic name spaces stop advertising it,\n"
"persistent ones delete its address information, and with it the entry.\n"
"Only the registering user or root may do so.\n"
"\n"
RNRCTL_SETSERVICE_OPTIONS
"\n"
"Examples:\n"
"  rnrctl deregister tcp:5000 printer1\n"
"  rnrctl deregister myclass svc --provider directory\n";

static int rnrctl_cmd_deregister(struct rnrctl *c, int argc, char **argv)
{
    return rnrctl_setsvc_run(c, argc, argv, RNRSERVICE_DEREGISTER, rnrctl_help_deregister);
}

const struct rnrctl_command rnrctl_command_deregister = {
    .name = "deregister",
    .synopsis = "CLASS NAME",
    .summary = "deregister a service instance",
    .help = rnrctl_help_deregister,
    .run = rnrctl_cmd_deregister,
};
