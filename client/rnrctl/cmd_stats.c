/* SPDX-License-Identifier: MIT */
/*
 * rnrctl stats: rnrd's and its providers' counters (STATS); --reset by ADMIN.
 */
#include <config.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ops_common.h"

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

enum { O_KV = RNRCTL_O_FIRST, O_RESET };

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

    r = rnrctl_ops_parse(c, argc, argv, 1, opts,
                         rnrctl_help_stats, NULL, 0, &npos, stats_extra, &o);
    if (r >= 0)
        return r;
    if (o.kv && c->json)
        return rnrctl_usage(c, "--kv and --json exclude each other");
    if (o.reset && o.kv)
        return rnrctl_usage(c, "--reset prints no figures: --kv makes no sense with it");
    if (o.reset)
        return rnrctl_ops_admin(c, RNR_OPS_ADMIN_STATS_RESET, NULL, "counters reset", "reset");
    if ((r = rnrctl_ops_fetch_stats(c, &s)) != 0)
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

const struct rnrctl_command rnrctl_command_stats = {
    .name = "stats",
    .synopsis = "[--kv | --reset]",
    .summary = "counters and latencies, per provider; --reset zeroes them (admin)",
    .help = rnrctl_help_stats,
    .run = rnrctl_cmd_stats,
};
