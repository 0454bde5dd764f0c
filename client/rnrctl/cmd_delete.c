/* SPDX-License-Identifier: MIT */
/*
 * rnrctl delete: WSASetService RNRSERVICE_DELETE, with what each provider did.
 */
#include <config.h>

#include "reg_common.h"

static const char rnrctl_help_delete[] =
"Usage: rnrctl delete CLASS NAME [options]\n"
"\n"
"Delete service instance NAME of class CLASS (WSASetService with\n"
"RNRSERVICE_DELETE).  With --multiple, only the addresses given with\n"
"--addr are removed; each must match a registered one exactly.\n"
"\n"
RNRCTL_SETSERVICE_OPTIONS
"\n"
"Examples:\n"
"  rnrctl delete tcp:5000 printer1\n"
"  rnrctl delete myclass svc --addr 192.0.2.2:80 --multiple\n";

static int rnrctl_cmd_delete(struct rnrctl *c, int argc, char **argv)
{
    return rnrctl_setsvc_run(c, argc, argv, RNRSERVICE_DELETE, rnrctl_help_delete);
}

const struct rnrctl_command rnrctl_command_delete = {
    .name = "delete",
    .synopsis = "CLASS NAME",
    .summary = "delete a service instance, or one address of it",
    .help = rnrctl_help_delete,
    .run = rnrctl_cmd_delete,
};
