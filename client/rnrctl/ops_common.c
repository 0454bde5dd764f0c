/* SPDX-License-Identifier: MIT */
/*
 * The parts the rnrd operations commands share (ops_common.h): option
 * parsing, ADMIN, CONTROL and STATS requests over opsconn.c.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "opsconn.h"
#include "ops_common.h"
#include "status.h"

const struct rnrctl_opt rnrctl_ops_plain_opts[] = {
    RNRCTL_COMMON_OPTS,
    RNRCTL_OPTS_END
};

int rnrctl_ops_parse(struct rnrctl *c, int argc, char **argv, int first,
                     const struct rnrctl_opt *opts, const char *help, const char **pos,
                     int maxpos, int *npos,
                     int (*extra)(struct rnrctl *, int, const char *, void *), void *arg)
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

int rnrctl_ops_call_once(struct rnr_wbuf *w, uint16_t type, uint8_t **body, size_t *len)
{
    int rc = rnrctl_ops_call(w, type, body, len);

    rnr_wbuf_free(w);
    return rc;
}

int rnrctl_ops_admin(struct rnrctl *c, const char *cmd, const char *arg, const char *done,
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
    r = rnrctl_ops_call_once(&w, RNR_MSG_ADMIN, &body, &len);
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

int rnrctl_ops_fetch_stats(struct rnrctl *c, struct rnr_ops_stats **out)
{
    struct rnr_wbuf w;
    uint8_t *body = NULL;
    size_t len = 0;
    int r;

    rnr_wbuf_init(&w);
    rnrctl_ops_begin(&w, RNR_MSG_STATS);
    r = rnrctl_ops_call_once(&w, RNR_MSG_STATS, &body, &len);
    if (r == 0)
        r = rnr_ops_stats_decode(body, len, out);
    rnr_free(body);
    return r != 0 ? rnrctl_fail(c, r, "STATS") : 0;
}


int rnrctl_ops_control(struct rnrctl *c, const char *prov, const char *cmd, const char *arg)
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
    r = rnrctl_ops_call_once(&w, RNR_MSG_CONTROL, &body, &len);
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

