/* SPDX-License-Identifier: MIT */
/*
 * rnrctl ldap init: create the Winsock container tree of the ldap
 * provider's directory, through the running rnrd (CONTROL init, then
 * CONTROL init-status until it is over: rnrd starts the work and never
 * waits on the server inside one request).
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "ops_common.h"
#include "opsconn.h"
#include "output.h"

static const char rnrctl_help_ldap[] =
"Usage: rnrctl ldap init [--provider NAME] [--wait-ms N]\n"
"\n"
"Create CN=System and CN=WinsockServices below the `base` of rnrd's ldap\n"
"provider (NS_NTDS), as objects of class container, and nothing else.\n"
"Objects already there are left as they are, so running it again is safe.\n"
"The directory must have the rnr-winsock schema loaded (doc/ldap.md), and\n"
"the provider's bind identity must be allowed to add below `base`.\n"
"\n"
"Options:\n"
"  --provider NAME   the [provider NAME] section (default: ldap)\n"
"  --wait-ms N       how long to wait for the server (default 30000)\n"
"\n"
"Needs root or membership of rnrd's admin-group.  Exit status 0 when\n"
"the tree exists, 4 when the server refused (access), 6 when no server\n"
"answered, 5 otherwise.\n"
"\n"
"Examples:\n"
"  rnrctl ldap init\n"
"  rnrctl ldap init --provider corp-directory\n";

enum { O_PROVIDER_NAME = RNRCTL_O_FIRST, O_WAIT };

struct ldap_args {
    const char *prov;
    const char *wait;
};

static int ldap_extra(struct rnrctl *c, int id, const char *val, void *arg)
{
    struct ldap_args *a = arg;

    (void)c;
    if (id == O_PROVIDER_NAME)
        a->prov = val;
    else if (id == O_WAIT)
        a->wait = val;
    return 0;
}

/* One CONTROL to `prov`: its status (the reply's when it failed). */
static int control_status(const char *prov, const char *cmd)
{
    struct rnr_ops_control *res = NULL;
    struct rnr_wbuf w;
    uint8_t *body = NULL;
    size_t len = 0;
    int r;

    rnr_wbuf_init(&w);
    rnrctl_ops_begin(&w, RNR_MSG_CONTROL);
    rnr_wire_put_string(&w, prov);
    rnr_wire_put_string(&w, cmd);
    rnr_wire_put_string(&w, NULL);
    r = rnrctl_ops_call_once(&w, RNR_MSG_CONTROL, &body, &len);
    if (r == 0 && (r = rnr_ops_control_decode(body, len, &res)) == 0)
        r = res->n > 0 ? (int)res->res[0].status : WSAEINVAL;
    rnr_ops_control_free(res);
    rnr_free(body);
    return r;
}

static int ldap_init(struct rnrctl *c, const char *prov, long wait_ms)
{
    struct timespec pause = { 0, 50 * 1000000L };
    long waited = 0;
    int r;

    c->cmd = "ldap init";
    if ((r = control_status(prov, "init")) == WSAEINVAL)
        return rnrctl_fail(c, r, "no provider %s, or it is not an ldap provider", prov);
    if (r == WSASERVICE_NOT_FOUND)
        return rnrctl_fail(c, r, "provider %s is not started", prov);
    while (r == 0 || r == WSAEINPROGRESS) {
        if ((r = control_status(prov, "init-status")) != WSAEINPROGRESS)
            break;
        if (waited >= wait_ms)
            return rnrctl_fail(c, WSATRY_AGAIN, "%s: no answer from the directory within %ld ms",
                               prov, wait_ms);
        nanosleep(&pause, NULL);
        waited += 50;
    }
    if (r != 0)
        return rnrctl_fail(c, r, "%s: creating the Winsock container", prov);
    if (c->json) {
        struct out_json j;

        out_json_init(&j, stdout, 1);
        out_json_object_begin(&j);
        out_json_kv_string(&j, "provider", prov);
        out_json_kv_string(&j, "status", "ok");
        out_json_object_end(&j);
        out_json_finish(&j);
    } else {
        out_text(stdout, prov);
        printf(": CN=WinsockServices,CN=System ready\n");
    }
    return RNRCTL_EXIT_OK;
}

static int rnrctl_cmd_ldap(struct rnrctl *c, int argc, char **argv)
{
    static const struct rnrctl_opt opts[] = {
        RNRCTL_COMMON_OPTS,
        { "provider", 0, 1, O_PROVIDER_NAME },
        { "wait-ms", 0, 1, O_WAIT },
        RNRCTL_OPTS_END
    };
    struct ldap_args a = { "ldap", NULL };
    const char *pos[1] = { NULL };
    long wait_ms = 30000;
    char *end;
    int npos, r;

    r = rnrctl_ops_parse(c, argc, argv, 1, opts, rnrctl_help_ldap, pos, 1, &npos, ldap_extra,
                         &a);
    if (r >= 0)
        return r;
    if (npos == 0)
        return rnrctl_usage(c, "missing subcommand (init)");
    if (strcmp(pos[0], "init") != 0) {
        static const char *const names[] = { "init" };

        return rnrctl_unknown(c, "subcommand", pos[0], names, 1);
    }
    if (a.wait != NULL) {
        wait_ms = strtol(a.wait, &end, 10);
        if (*end != '\0' || wait_ms < 0 || wait_ms > 3600000)
            return rnrctl_usage(c, "--wait-ms: expected milliseconds from 0 to 3600000");
    }
    return ldap_init(c, a.prov, wait_ms);
}

const struct rnrctl_command rnrctl_command_ldap = {
    .name = "ldap",
    .synopsis = "init",
    .summary = "create the ldap provider's Winsock container (admin)",
    .help = rnrctl_help_ldap,
    .run = rnrctl_cmd_ldap,
};
