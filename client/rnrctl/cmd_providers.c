/* SPDX-License-Identifier: MIT */
/*
 * rnrctl providers: the name-space provider catalog
 * (WSAEnumNameSpaceProviders).
 */
#include <config.h>

#include <stdio.h>

#include "class_xml.h"
#include "guid.h"
#include "rnrctl.h"

static const char rnrctl_help_providers[] =
"Usage: rnrctl providers [--json]\n"
"\n"
"List rnrd's name-space providers in catalog order (WSAEnumNameSpaceProviders):\n"
"provider id, name space, whether it is active, its version and identifier.\n"
"The identifier or the id can be given to --provider of other commands.\n"
"\n"
"Examples:\n"
"  rnrctl providers\n"
"  rnrctl --json providers | jq -r '.[].identifier'\n";

static const struct rnrctl_opt opts[] = {
    RNRCTL_COMMON_OPTS,
    RNRCTL_OPTS_END
};

static void print_table(const WSANAMESPACE_INFOA *p, int n)
{
    static const char *const hdr[] = { "ID", "NAME SPACE", "ACTIVE", "VERSION", "IDENTIFIER" };
    struct out_table t;
    char id[RNR_GUID_STRLEN], ns[48], ver[16];
    int i;

    if (out_table_init(&t, 5, hdr) != 0)
        goto done;
    for (i = 0; i < n; i++) {
        const char *row[5];

        rnr_guid_format(&p[i].NSProviderId, id);
        rnrctl_format_namespace(p[i].dwNameSpace, ns, sizeof ns);
        snprintf(ver, sizeof ver, "%lu", (unsigned long)p[i].dwVersion);
        row[0] = id;
        row[1] = ns;
        row[2] = p[i].fActive ? "yes" : "no";
        row[3] = ver;
        row[4] = p[i].lpszIdentifier;
        out_table_add(&t, row);
    }
    out_table_print(&t, stdout);
done:
    out_table_free(&t);
}

static void print_json(const WSANAMESPACE_INFOA *p, int n)
{
    struct out_json j;
    char id[RNR_GUID_STRLEN];
    int i;

    out_json_init(&j, stdout, 1);
    out_json_array_begin(&j);
    for (i = 0; i < n; i++) {
        rnr_guid_format(&p[i].NSProviderId, id);
        out_json_object_begin(&j);
        out_json_kv_string(&j, "id", id);
        out_json_kv_uint(&j, "namespace", p[i].dwNameSpace);
        out_json_kv_string(&j, "namespace_name", rnr_namespace_name(p[i].dwNameSpace));
        out_json_kv_bool(&j, "active", p[i].fActive);
        out_json_kv_uint(&j, "version", p[i].dwVersion);
        out_json_kv_string(&j, "identifier", p[i].lpszIdentifier);
        out_json_object_end(&j);
    }
    out_json_array_end(&j);
    out_json_finish(&j);
}

static int rnrctl_cmd_providers(struct rnrctl *c, int argc, char **argv)
{
    const WSANAMESPACE_INFOA *p;
    struct rnrctl_parser ps;
    const char *val;
    char err[160];
    int id, n, r;

    rnrctl_parser_init(&ps, argc, argv, 1);
    while ((id = rnrctl_parser_next(&ps, opts, &val, err, sizeof err)) != RNRCTL_OPT_END) {
        if (id == RNRCTL_OPT_ERROR)
            return rnrctl_usage(c, "%s", err);
        if (id == RNRCTL_OPT_POSITIONAL)
            return rnrctl_usage(c, "unexpected argument '%s'", val);
        if (id == RNRCTL_O_HELP) {
            fputs(rnrctl_help_providers, stdout);
            return RNRCTL_EXIT_OK;
        }
        rnrctl_common_opt(c, id, val);
    }

    if ((r = rnrctl_start(c)) != 0)
        return r;
    r = rnrctl_get_providers(c, &p, &n);
    if (r != 0)
        return rnrctl_fail(c, r, "WSAEnumNameSpaceProviders");
    if (c->json)
        print_json(p, n);
    else
        print_table(p, n);
    return RNRCTL_EXIT_OK;
}

const struct rnrctl_command rnrctl_command_providers = {
    .name = "providers",
    .synopsis = "",
    .summary = "list name-space providers",
    .help = rnrctl_help_providers,
    .run = rnrctl_cmd_providers,
};
