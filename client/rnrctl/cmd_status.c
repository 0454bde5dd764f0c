/* SPDX-License-Identifier: MIT */
/*
 * rnrctl status: rnrd's version, uptime and providers (STATUS).
 */
#include <config.h>

#include <inttypes.h>
#include <stdio.h>

#include "alloc.h"
#include "class_xml.h"
#include "guid.h"
#include "ops_common.h"
#include "opsconn.h"

static const char rnrctl_help_status[] =
"Usage: rnrctl status [--json]\n"
"\n"
"Show rnrd's version, process id and uptime, and every configured provider\n"
"in catalog order: its name, module, state (started; inactive when its\n"
"module or its startup failed; disabled by the configuration), name space\n"
"and provider id.\n"
"\n"
"Examples:\n"
"  rnrctl status\n"
"  rnrctl --json status | jq -r '.providers[] | select(.state != \"started\") | .name'\n";

static void format_uptime(uint64_t ms, char *buf, size_t len)
{
    uint64_t s = ms / 1000;

    if (s >= 86400)
        snprintf(buf, len, "%" PRIu64 "d %02" PRIu64 "h %02" PRIu64 "m", s / 86400,
                 s / 3600 % 24, s / 60 % 60);
    else if (s >= 3600)
        snprintf(buf, len, "%" PRIu64 "h %02" PRIu64 "m %02" PRIu64 "s", s / 3600, s / 60 % 60,
                 s % 60);
    else
        snprintf(buf, len, "%" PRIu64 "m %02" PRIu64 "s", s / 60, s % 60);
}

static const char *state_name(uint32_t st)
{
    switch (st) {
    case RNR_OPS_PROV_STARTED:  return "started";
    case RNR_OPS_PROV_DISABLED: return "disabled";
    default:                    return "inactive";
    }
}

static void status_json(const struct rnr_ops_status *s)
{
    struct out_json j;
    char id[RNR_GUID_STRLEN];
    size_t i;

    out_json_init(&j, stdout, 1);
    out_json_object_begin(&j);
    out_json_kv_string(&j, "version", s->version);
    out_json_kv_uint(&j, "pid", s->pid);
    out_json_kv_uint(&j, "uptime_ms", s->uptime_ms);
    out_json_key(&j, "providers");
    out_json_array_begin(&j);
    for (i = 0; i < s->nprov; i++) {
        const struct rnr_ops_provider_status *p = &s->prov[i];

        rnr_guid_format(&p->id, id);
        out_json_object_begin(&j);
        out_json_kv_string(&j, "name", p->name);
        out_json_kv_string(&j, "module", p->module);
        out_json_kv_string(&j, "display_name", p->display_name);
        out_json_kv_string(&j, "state", state_name(p->state));
        out_json_kv_uint(&j, "namespace", p->name_space);
        out_json_kv_string(&j, "namespace_name", rnr_namespace_name(p->name_space));
        out_json_kv_string(&j, "id", id);
        out_json_object_end(&j);
    }
    out_json_array_end(&j);
    out_json_object_end(&j);
    out_json_finish(&j);
}

static void status_text(struct rnrctl *c, const struct rnr_ops_status *s)
{
    static const char *const hdr[] = { "NAME", "MODULE", "STATE", "NAME SPACE", "ID" };
    char up[48], id[RNR_GUID_STRLEN], ns[48];
    struct out_table t;
    size_t i;

    format_uptime(s->uptime_ms, up, sizeof up);
    rnrctl_paint(c, RNRCTL_SGR_BOLD);
    fputs("rnrd ", stdout);
    out_text(stdout, s->version);
    printf(", pid %" PRIu32 ", up %s, %zu provider(s)", s->pid, up, s->nprov);
    rnrctl_paint(c, NULL);
    putchar('\n');
    if (s->nprov == 0 || out_table_init(&t, 5, hdr) != 0)
        return;
    for (i = 0; i < s->nprov; i++) {
        const struct rnr_ops_provider_status *p = &s->prov[i];
        const char *row[5];

        rnr_guid_format(&p->id, id);
        rnrctl_format_namespace(p->name_space, ns, sizeof ns);
        row[0] = p->name;
        row[1] = p->module;
        row[2] = state_name(p->state);
        row[3] = ns;
        row[4] = id;
        out_table_add(&t, row);
    }
    out_table_print(&t, stdout);
    out_table_free(&t);
}

static int rnrctl_cmd_status(struct rnrctl *c, int argc, char **argv)
{
    struct rnr_ops_status *s = NULL;
    struct rnr_wbuf w;
    uint8_t *body = NULL;
    size_t len = 0;
    int npos, r;

    r = rnrctl_ops_parse(c, argc, argv, 1, rnrctl_ops_plain_opts,
                         rnrctl_help_status, NULL, 0, &npos, NULL, NULL);
    if (r >= 0)
        return r;
    rnr_wbuf_init(&w);
    rnrctl_ops_begin(&w, RNR_MSG_STATUS);
    r = rnrctl_ops_call_once(&w, RNR_MSG_STATUS, &body, &len);
    if (r == 0)
        r = rnr_ops_status_decode(body, len, &s);
    rnr_free(body);
    if (r != 0)
        return rnrctl_fail(c, r, "STATUS");
    if (c->json)
        status_json(s);
    else
        status_text(c, s);
    rnr_ops_status_free(s);
    return RNRCTL_EXIT_OK;
}

const struct rnrctl_command rnrctl_command_status = {
    .name = "status",
    .synopsis = "",
    .summary = "rnrd's version, uptime and providers",
    .help = rnrctl_help_status,
    .run = rnrctl_cmd_status,
};
