/* SPDX-License-Identifier: MIT */
/*
 * rnrctl reload: make rnrd re-read its configuration (RELOAD).
 */
#include <config.h>

#include <stdio.h>

#include "alloc.h"
#include "ops_common.h"
#include "opsconn.h"

static const char rnrctl_help_reload[] =
"Usage: rnrctl reload\n"
"\n"
"Make rnrd re-read its configuration, as SIGHUP does, and report whether\n"
"the new configuration was applied.  A configuration with errors is\n"
"refused and the running one kept (the errors are in rnrd's log).\n"
"Needs root or membership of rnrd's admin-group.\n";

static int rnrctl_cmd_reload(struct rnrctl *c, int argc, char **argv)
{
    struct rnr_wbuf w;
    uint8_t *body = NULL;
    size_t len = 0;
    int npos, r;

    r = rnrctl_ops_parse(c, argc, argv, 1, rnrctl_ops_plain_opts,
                         rnrctl_help_reload, NULL, 0, &npos, NULL, NULL);
    if (r >= 0)
        return r;
    rnr_wbuf_init(&w);
    rnrctl_ops_begin(&w, RNR_MSG_RELOAD);
    r = rnrctl_ops_call_once(&w, RNR_MSG_RELOAD, &body, &len);
    rnr_free(body);
    if (r == WSAEINVAL)
        return rnrctl_fail(c, r, "the configuration has errors, see rnrd's log; "
                           "the running one was kept");
    if (r != 0)
        return rnrctl_fail(c, r, "RELOAD");
    if (c->json)
        printf("{ \"reloaded\": true }\n");
    else
        printf("configuration reloaded\n");
    return RNRCTL_EXIT_OK;
}

const struct rnrctl_command rnrctl_command_reload = {
    .name = "reload",
    .synopsis = "",
    .summary = "re-read rnrd's configuration (admin)",
    .help = rnrctl_help_reload,
    .run = rnrctl_cmd_reload,
};
