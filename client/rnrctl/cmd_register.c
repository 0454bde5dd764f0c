/* SPDX-License-Identifier: MIT */
/*
 * rnrctl register: WSASetService RNRSERVICE_REGISTER, with what each provider did.
 */
#include <config.h>

#include "reg_common.h"

static const char rnrctl_help_register[] =
"Usage: rnrctl register CLASS NAME [options]\n"
"\n"
"Register service instance NAME of class CLASS (WSASetService with\n"
"RNRSERVICE_REGISTER).  Static name spaces (hosts, DNS) store nothing;\n"
"persistent ones store it.  Dynamic ones (NS_SAP) advertise it only as\n"
"long as the registering program runs: give --persistent, or keep it\n"
"with 'rnrctl publish'.\n"
"\n"
RNRCTL_SETSERVICE_OPTIONS
"\n"
"Examples:\n"
"  rnrctl register tcp:5000 printer1 --addr 192.0.2.10:5000 --comment 'floor 2'\n"
"  rnrctl register myclass svc --addr [2001:db8::1]:53 --protocol udp --ns NS_SAP \\\n"
"      --persistent\n"
"  rnrctl register myclass svc --addr 192.0.2.1:80 --addr 192.0.2.2:80 --multiple\n";

static int rnrctl_cmd_register(struct rnrctl *c, int argc, char **argv)
{
    return rnrctl_setsvc_run(c, argc, argv, RNRSERVICE_REGISTER, rnrctl_help_register);
}

const struct rnrctl_command rnrctl_command_register = {
    .name = "register",
    .synopsis = "CLASS NAME",
    .summary = "register a service instance (--addr ...)",
    .help = rnrctl_help_register,
    .run = rnrctl_cmd_register,
};
