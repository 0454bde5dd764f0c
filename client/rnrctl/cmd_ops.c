/*
 * rnrctl status, stats, reload, cache flush, control: rnrd operations
 * (nsp/wire_ops.h), over rnrctl's own connection (opsconn.c).
 */
#include <config.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "class_xml.h"
#include "guid.h"
#include "opsconn.h"
#include "rnrctl.h"
#include "status.h"
#include "wire_ops.h"

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

static const char rnrctl_help_stats[] =
"Usage: rnrctl stats [--json | --kv]\n"
"       rnrctl stats --reset\n"
"\n"
"Show rnrd's counters since it started: the daemon's (clients, lookups,\n"
"frames, reloads ...) and, per provider, lookups, results delivered,\n"
"errors (failures other than \"not found\"), lookup latency percentiles\n"
"p50/p90/p99 measured by rnrd from the provider's lookup_begin to its\n"
"finish, and every figure the provider reports itself (cache figures of\n"
"the DNS provider, for instance).  Where a provider reports both\n"
"X-hits and X-misses, the table and --json add its hit rate X-hit-rate,\n"
"hits / (hits + misses).  rnrd's own answer cache is read inside the\n"
"clients, without a round trip: its answer-cache-hits and -misses are what\n"
"the clients report, at most a second late (and at their exit).\n"
"\n"
"Options:\n"
"  --json   one JSON document (keys in snake_case: uptime_ms)\n"
"  --kv     one KEY=VALUE line per figure: daemon.NAME, provider.P.NAME,\n"
"           provider.P.stat.NAME (latencies in microseconds)\n"
"  --reset  set the counters of rnrd and of its providers back to zero\n"
"           (gauges such as open clients stay); needs root or membership\n"
"           of rnrd's admin-group\n"
"\n"
"Examples:\n"
"  rnrctl stats\n"
"  rnrctl stats --kv | grep '^provider\\.dns\\.'\n"
"  rnrctl stats --reset\n";

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

static const char rnrctl_help_reload[] =
"Usage: rnrctl reload\n"
"\n"
"Make rnrd re-read its configuration, as SIGHUP does, and report whether\n"
"the new configuration was applied.  A configuration with errors is\n"
"refused and the running one kept (the errors are in rnrd's log).\n"
"Needs root or membership of rnrd's admin-group.\n";

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

static const char rnrctl_help_control[] =
"Usage: rnrctl control PROVIDER COMMAND [ARGUMENT]\n"
"\n"
"Send an administrative command to one provider (as `rnrctl status`\n"
"names it); which commands exist is up to the provider (rnr-nsp(7)).\n"
"Needs root or membership of rnrd's admin-group.\n"
"\n"
"Example:\n"
"  rnrctl control dns cache-flush www.example.com\n";

enum { O_KV = RNRCTL_O_FIRST, O_PROVIDER_NAME, O_RESET };

static const struct rnrctl_opt plain_opts[] = {
    RNRCTL_COMMON_OPTS,
    RNRCTL_OPTS_END
};

/* Parses options (only the common ones, plus extra) and up to maxpos
 * positional arguments into pos[]; returns -1 to go on, else the exit
 * code (help printed, or usage error). */
static int parse(struct rnrctl *c, int argc, char **argv, int first,
                 const struct rnrctl_opt *opts, const char *help, const char **pos,
                 int maxpos, int *npos, int (*extra)(struct rnrctl *, int, const char *, void *),
                 void *arg)
{
    struct rnrctl_parser ps;
    const char *val;
    char err[160];
    int id;

    *npos = 0;
    rnrctl_parser_init(&ps, argc, argv, first);
    while ((id = rnrctl_parser_next(&ps, opts, &val, err, sizeof err)) != RNRCTL_OPT_END) {
        if (id == RNRCTL_OPT_ERROR)
            return rnrctl_usage(c, "%s", err);
        if (id == RNRCTL_OPT_POSITIONAL) {
            if (*npos >= maxpos)
                return rnrctl_usage(c, "unexpected argument '%s'", val);
            pos[(*npos)++] = val;
            continue;
        }
        if (id == RNRCTL_O_HELP) {
            fputs(help, stdout);
            return RNRCTL_EXIT_OK;
        }
        if (id >= RNRCTL_O_FIRST && extra != NULL) {
            extra(c, id, val, arg);
            continue;
        }
        rnrctl_common_opt(c, id, val);
    }
    return -1;
}

static int call(struct rnr_wbuf *w, uint16_t type, uint8_t **body, size_t *len)
{
    int rc = rnrctl_ops_call(w, type, body, len);

    rnr_wbuf_free(w);
    return rc;
}

static int admin(struct rnrctl *c, const char *cmd, const char *arg, const char *done,
                 const char *json_key);

/* "45us", "1.25ms", "2.50s". */
static void format_us(uint64_t us, char *buf, size_t len)
{
    if (us < 1000)
        snprintf(buf, len, "%" PRIu64 "us", us);
    else if (us < 1000000)
        snprintf(buf, len, "%.2fms", (double)us / 1e3);
    else
        snprintf(buf, len, "%.2fs", (double)us / 1e6);
}

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

/* ------------------------------------------------------------ status */

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

    r = parse(c, argc, argv, 1, plain_opts, rnrctl_help_status, NULL, 0, &npos, NULL, NULL);
    if (r >= 0)
        return r;
    rnr_wbuf_init(&w);
    rnrctl_ops_begin(&w, RNR_MSG_STATUS);
    r = call(&w, RNR_MSG_STATUS, &body, &len);
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

/* ------------------------------------------------------------ stats */

struct stats_opts {
    int kv;
    int reset;
};

static int stats_extra(struct rnrctl *c, int id, const char *val, void *arg)
{
    struct stats_opts *o = arg;

    (void)c;
    (void)val;
    if (id == O_KV)
        o->kv = 1;
    else if (id == O_RESET)
        o->reset = 1;
    return 0;
}

/* When figure i is "Xhits" and "Xmisses" is among the n: the hit rate in
 * *rate (-1 when both are 0) and "Xhit-rate" in name; else 0. */
static int hit_rate(const struct rnr_ops_figure *fig, size_t n, size_t i, double *rate,
                    char *name, size_t namelen)
{
    const char *k = fig[i].key;
    size_t kl = strlen(k), pl, m;

    if (kl < 4 || strcmp(k + kl - 4, "hits") != 0)
        return 0;
    pl = kl - 4;
    for (m = 0; m < n; m++) {
        const char *o = fig[m].key;
        uint64_t total;

        if (strlen(o) != pl + 6 || strncmp(o, k, pl) != 0 || strcmp(o + pl, "misses") != 0)
            continue;
        total = fig[i].value + fig[m].value;
        *rate = total != 0 ? (double)fig[i].value / (double)total : -1.0;
        snprintf(name, namelen, "%.*shit-rate", (int)pl, k);
        return 1;
    }
    return 0;
}

/* The figures as JSON members, each hit rate after its hits. */
static void json_figures(struct out_json *j, const struct rnr_ops_figure *fig, size_t n)
{
    char name[RNR_OPS_MAX_KEY + 16];
    double rate;
    size_t i;

    for (i = 0; i < n; i++) {
        out_json_kv_uint(j, fig[i].key, fig[i].value);
        if (!hit_rate(fig, n, i, &rate, name, sizeof name))
            continue;
        if (rate < 0)
            out_json_kv_null(j, name);
        else
            out_json_kv_double(j, name, rate);
    }
}

static void format_rate(double rate, char *buf, size_t len)
{
    if (rate < 0)
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%.1f%%", rate * 100.0);
}

static void stats_kv(const struct rnr_ops_stats *s)
{
    size_t i, k;

    for (i = 0; i < s->nfig; i++)
        printf("daemon.%s=%" PRIu64 "\n", s->fig[i].key, s->fig[i].value);
    for (i = 0; i < s->nprov; i++) {
        const struct rnr_ops_provider_stats *p = &s->prov[i];
        const char *n = p->name;

        /* Provider names are [A-Za-z0-9._-] (rnrd.conf), safe as keys. */
        printf("provider.%s.lookups=%" PRIu64 "\n", n, p->lookups);
        printf("provider.%s.results=%" PRIu64 "\n", n, p->results);
        printf("provider.%s.errors=%" PRIu64 "\n", n, p->errors);
        printf("provider.%s.latency-samples=%" PRIu64 "\n", n, p->samples);
        printf("provider.%s.latency-p50-us=%" PRIu64 "\n", n, p->p50_us);
        printf("provider.%s.latency-p90-us=%" PRIu64 "\n", n, p->p90_us);
        printf("provider.%s.latency-p99-us=%" PRIu64 "\n", n, p->p99_us);
        for (k = 0; k < p->nfig; k++)
            printf("provider.%s.stat.%s=%" PRIu64 "\n", n, p->fig[k].key, p->fig[k].value);
    }
}

static void stats_json(const struct rnr_ops_stats *s)
{
    struct out_json j;
    size_t i;

    out_json_init(&j, stdout, 1);
    out_json_object_begin(&j);
    out_json_key(&j, "daemon");
    out_json_object_begin(&j);
    json_figures(&j, s->fig, s->nfig);
    out_json_object_end(&j);
    out_json_key(&j, "providers");
    out_json_array_begin(&j);
    for (i = 0; i < s->nprov; i++) {
        const struct rnr_ops_provider_stats *p = &s->prov[i];

        out_json_object_begin(&j);
        out_json_kv_string(&j, "name", p->name);
        out_json_kv_uint(&j, "lookups", p->lookups);
        out_json_kv_uint(&j, "results", p->results);
        out_json_kv_uint(&j, "errors", p->errors);
        out_json_key(&j, "latency_us");
        out_json_object_begin(&j);
        out_json_kv_uint(&j, "samples", p->samples);
        out_json_kv_uint(&j, "p50", p->p50_us);
        out_json_kv_uint(&j, "p90", p->p90_us);
        out_json_kv_uint(&j, "p99", p->p99_us);
        out_json_object_end(&j);
        out_json_key(&j, "stats");
        out_json_object_begin(&j);
        json_figures(&j, p->fig, p->nfig);
        out_json_object_end(&j);
        out_json_object_end(&j);
    }
    out_json_array_end(&j);
    out_json_object_end(&j);
    out_json_finish(&j);
}

static void stats_text(struct rnrctl *c, const struct rnr_ops_stats *s)
{
    static const char *const phdr[] = { "PROVIDER", "LOOKUPS", "RESULTS", "ERRORS",
                                        "P50", "P90", "P99" };
    static const char *const fhdr[] = { "PROVIDER", "FIGURE", "VALUE" };
    char num[3][24], lat[3][24];
    struct out_table t;
    size_t i, k, nfig = 0;

    rnrctl_paint(c, RNRCTL_SGR_BOLD);
    printf("daemon:");
    rnrctl_paint(c, NULL);
    putchar('\n');
    for (i = 0; i < s->nfig; i++) {
        char name[RNR_OPS_MAX_KEY + 16], rate[24];
        double r;

        printf("  %-26s %" PRIu64 "\n", s->fig[i].key, s->fig[i].value);
        if (hit_rate(s->fig, s->nfig, i, &r, name, sizeof name)) {
            format_rate(r, rate, sizeof rate);
            printf("  %-26s %s\n", name, rate);
        }
    }
    if (s->nprov == 0 || out_table_init(&t, 7, phdr) != 0)
        return;
    printf("\n");
    for (i = 0; i < s->nprov; i++) {
        const struct rnr_ops_provider_stats *p = &s->prov[i];
        const char *row[7];

        snprintf(num[0], sizeof num[0], "%" PRIu64, p->lookups);
        snprintf(num[1], sizeof num[1], "%" PRIu64, p->results);
        snprintf(num[2], sizeof num[2], "%" PRIu64, p->errors);
        format_us(p->p50_us, lat[0], sizeof lat[0]);
        format_us(p->p90_us, lat[1], sizeof lat[1]);
        format_us(p->p99_us, lat[2], sizeof lat[2]);
        row[0] = p->name;
        row[1] = num[0];
        row[2] = num[1];
        row[3] = num[2];
        row[4] = p->samples ? lat[0] : "-";
        row[5] = p->samples ? lat[1] : "-";
        row[6] = p->samples ? lat[2] : "-";
        out_table_add(&t, row);
        nfig += p->nfig;
    }
    out_table_print(&t, stdout);
    out_table_free(&t);
    if (nfig == 0 || out_table_init(&t, 3, fhdr) != 0)
        return;
    printf("\n");
    for (i = 0; i < s->nprov; i++) {
        for (k = 0; k < s->prov[i].nfig; k++) {
            char name[RNR_OPS_MAX_KEY + 16];
            const char *row[3];
            double r;

            snprintf(num[0], sizeof num[0], "%" PRIu64, s->prov[i].fig[k].value);
            row[0] = s->prov[i].name;
            row[1] = s->prov[i].fig[k].key;
            row[2] = num[0];
            out_table_add(&t, row);
            if (hit_rate(s->prov[i].fig, s->prov[i].nfig, k, &r, name, sizeof name)) {
                format_rate(r, num[1], sizeof num[1]);
                row[1] = name;
                row[2] = num[1];
                out_table_add(&t, row);
            }
        }
    }
    out_table_print(&t, stdout);
    out_table_free(&t);
}

/* STATS, decoded.  0, or the exit code after reporting. */
static int fetch_stats(struct rnrctl *c, struct rnr_ops_stats **out)
{
    struct rnr_wbuf w;
    uint8_t *body = NULL;
    size_t len = 0;
    int r;

    rnr_wbuf_init(&w);
    rnrctl_ops_begin(&w, RNR_MSG_STATS);
    r = call(&w, RNR_MSG_STATS, &body, &len);
    if (r == 0)
        r = rnr_ops_stats_decode(body, len, out);
    rnr_free(body);
    return r != 0 ? rnrctl_fail(c, r, "STATS") : 0;
}

static int rnrctl_cmd_stats(struct rnrctl *c, int argc, char **argv)
{
    static const struct rnrctl_opt opts[] = {
        RNRCTL_COMMON_OPTS,
        { "kv", 0, 0, O_KV },
        { "reset", 0, 0, O_RESET },
        RNRCTL_OPTS_END
    };
    struct stats_opts o = { 0 };
    struct rnr_ops_stats *s = NULL;
    int npos, r;

    r = parse(c, argc, argv, 1, opts, rnrctl_help_stats, NULL, 0, &npos, stats_extra, &o);
    if (r >= 0)
        return r;
    if (o.kv && c->json)
        return rnrctl_usage(c, "--kv and --json exclude each other");
    if (o.reset && o.kv)
        return rnrctl_usage(c, "--reset prints no figures: --kv makes no sense with it");
    if (o.reset)
        return admin(c, RNR_OPS_ADMIN_STATS_RESET, NULL, "counters reset", "reset");
    if ((r = fetch_stats(c, &s)) != 0)
        return r;
    if (c->json)
        stats_json(s);
    else if (o.kv)
        stats_kv(s);
    else
        stats_text(c, s);
    rnr_ops_stats_free(s);
    return RNRCTL_EXIT_OK;
}

/* ------------------------------------------------------------ ADMIN */

/* An ADMIN command to rnrd itself; done says so on stdout ("done" as the
 * JSON member, true). */
static int admin(struct rnrctl *c, const char *cmd, const char *arg, const char *done,
                 const char *json_key)
{
    struct rnr_wbuf w;
    uint8_t *body = NULL;
    size_t len = 0;
    int r;

    rnr_wbuf_init(&w);
    rnrctl_ops_begin(&w, RNR_MSG_ADMIN);
    rnr_wire_put_string(&w, cmd);
    rnr_wire_put_string(&w, arg);
    r = call(&w, RNR_MSG_ADMIN, &body, &len);
    rnr_free(body);
    if (r == WSAEACCES)
        return rnrctl_fail(c, r, "%s needs root or rnrd's admin-group", cmd);
    if (r != 0)
        return rnrctl_fail(c, r, "%s%s%s", cmd, arg != NULL ? " " : "", arg != NULL ? arg : "");
    if (c->json) {
        struct out_json j;

        out_json_init(&j, stdout, 1);
        out_json_object_begin(&j);
        if (arg != NULL)
            out_json_kv_string(&j, json_key, arg);
        else
            out_json_kv_bool(&j, json_key, 1);
        out_json_object_end(&j);
        out_json_finish(&j);
    } else {
        printf("%s\n", done);
    }
    return RNRCTL_EXIT_OK;
}

/* ------------------------------------------------------------ log-level */

static const char *const log_levels[] = { "err", "warning", "notice", "info", "debug" };
#define NLEVELS (sizeof log_levels / sizeof log_levels[0])

/* rnrd's level, from the "log-level" figure of STATS. */
static int log_level_show(struct rnrctl *c)
{
    struct rnr_ops_stats *s = NULL;
    const char *name = NULL;
    size_t i;
    int r;

    if ((r = fetch_stats(c, &s)) != 0)
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

    r = parse(c, argc, argv, 1, plain_opts, rnrctl_help_log_level, pos, 1, &npos, NULL, NULL);
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
    return admin(c, RNR_OPS_ADMIN_LOG_LEVEL, pos[0], done, "log_level");
}

/* ------------------------------------------------------------ reload */

static int rnrctl_cmd_reload(struct rnrctl *c, int argc, char **argv)
{
    struct rnr_wbuf w;
    uint8_t *body = NULL;
    size_t len = 0;
    int npos, r;

    r = parse(c, argc, argv, 1, plain_opts, rnrctl_help_reload, NULL, 0, &npos, NULL, NULL);
    if (r >= 0)
        return r;
    rnr_wbuf_init(&w);
    rnrctl_ops_begin(&w, RNR_MSG_RELOAD);
    r = call(&w, RNR_MSG_RELOAD, &body, &len);
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

/* ------------------------------------------------------------ control */

/* CONTROL to one provider (NULL: all able), results printed. */
static int control(struct rnrctl *c, const char *prov, const char *cmd, const char *arg)
{
    struct rnr_ops_control *res = NULL;
    struct rnr_wbuf w;
    uint8_t *body = NULL;
    size_t len = 0, i;
    int r;

    rnr_wbuf_init(&w);
    rnrctl_ops_begin(&w, RNR_MSG_CONTROL);
    rnr_wire_put_string(&w, prov);
    rnr_wire_put_string(&w, cmd);
    rnr_wire_put_string(&w, arg);
    r = call(&w, RNR_MSG_CONTROL, &body, &len);
    if (r == 0)
        r = rnr_ops_control_decode(body, len, &res);
    rnr_free(body);
    if (r == WSAEINVAL && prov != NULL)
        return rnrctl_fail(c, r, "no provider %s, or it does not know %s", prov, cmd);
    if (r == WSAEINVAL)
        return rnrctl_fail(c, r, "no provider knows %s", cmd);
    if (r == WSAEOPNOTSUPP)
        return rnrctl_fail(c, r, "%s%s takes no commands", prov ? "provider " : "no provider",
                           prov ? prov : "");
    if (r == WSASERVICE_NOT_FOUND)
        return rnrctl_fail(c, r, "provider %s is not started", prov ? prov : "");
    if (r != 0)
        return rnrctl_fail(c, r, "CONTROL %s", cmd);
    if (c->json) {
        struct out_json j;

        out_json_init(&j, stdout, 1);
        out_json_array_begin(&j);
        for (i = 0; i < res->n; i++) {
            out_json_object_begin(&j);
            out_json_kv_string(&j, "provider", res->res[i].provider);
            out_json_kv_string(&j, "status", res->res[i].status == 0 ? "ok"
                               : rnr_status_name((int)res->res[i].status));
            out_json_object_end(&j);
        }
        out_json_array_end(&j);
        out_json_finish(&j);
    } else {
        for (i = 0; i < res->n; i++) {
            out_text(stdout, res->res[i].provider);
            if (res->res[i].status == 0) {
                printf(": %s done\n", cmd);
                continue;
            }
            printf(": %s\n", rnr_status_text((int)res->res[i].status));
        }
    }
    rnr_ops_control_free(res);
    return RNRCTL_EXIT_OK;
}

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

    r = parse(c, argc, argv, 1, opts, rnrctl_help_cache, pos, 2, &npos, cache_extra, &prov);
    if (r >= 0)
        return r;
    if (npos == 0)
        return rnrctl_usage(c, "missing subcommand (flush)");
    if (strcmp(pos[0], "flush") != 0) {
        static const char *const names[] = { "flush" };

        return rnrctl_unknown(c, "subcommand", pos[0], names, 1);
    }
    c->cmd = "cache flush";
    return control(c, prov, "cache-flush", npos > 1 ? pos[1] : NULL);
}

static int rnrctl_cmd_control(struct rnrctl *c, int argc, char **argv)
{
    const char *pos[3] = { NULL, NULL, NULL };
    int npos, r;

    r = parse(c, argc, argv, 1, plain_opts, rnrctl_help_control, pos, 3, &npos, NULL, NULL);
    if (r >= 0)
        return r;
    if (npos < 2)
        return rnrctl_usage(c, "PROVIDER and COMMAND are required");
    if (pos[1][0] == '\0' || strlen(pos[1]) > RNR_OPS_MAX_COMMAND)
        return rnrctl_usage(c, "COMMAND must be 1 to %u bytes", RNR_OPS_MAX_COMMAND);
    return control(c, pos[0], pos[1], npos > 2 ? pos[2] : NULL);
}

const struct rnrctl_command rnrctl_command_status = {
    .name = "status",
    .synopsis = "",
    .summary = "rnrd's version, uptime and providers",
    .help = rnrctl_help_status,
    .run = rnrctl_cmd_status,
};

const struct rnrctl_command rnrctl_command_stats = {
    .name = "stats",
    .synopsis = "[--kv | --reset]",
    .summary = "counters and latencies, per provider; --reset zeroes them (admin)",
    .help = rnrctl_help_stats,
    .run = rnrctl_cmd_stats,
};

const struct rnrctl_command rnrctl_command_log_level = {
    .name = "log-level",
    .synopsis = "[LEVEL]",
    .summary = "show or set rnrd's log level (admin to set)",
    .help = rnrctl_help_log_level,
    .run = rnrctl_cmd_log_level,
};

const struct rnrctl_command rnrctl_command_reload = {
    .name = "reload",
    .synopsis = "",
    .summary = "re-read rnrd's configuration (admin)",
    .help = rnrctl_help_reload,
    .run = rnrctl_cmd_reload,
};

const struct rnrctl_command rnrctl_command_cache = {
    .name = "cache",
    .synopsis = "flush [NAME]",
    .summary = "empty provider caches (admin)",
    .help = rnrctl_help_cache,
    .run = rnrctl_cmd_cache,
};

const struct rnrctl_command rnrctl_command_control = {
    .name = "control",
    .synopsis = "PROVIDER COMMAND [ARG]",
    .summary = "a provider's own command (admin)",
    .help = rnrctl_help_control,
    .run = rnrctl_cmd_control,
};
