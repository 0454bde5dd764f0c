/* SPDX-License-Identifier: MIT */
/*
 * Operations messages (wire_ops.h).  The replies come from the daemon,
 * but rnrctl treats them as it treats every frame: counts are checked
 * against their bound and against the bytes left before anything is
 * allocated, and nothing is handed out until the whole body decoded.
 */
#include "config.h"

#include <string.h>

#include "alloc.h"
#include "wire_ops.h"

/* Smallest encodings, to refuse counts the body cannot hold. */
#define MIN_FIGURE     12u   /* empty string, u64 */
#define MIN_PROVSTATUS 36u   /* 3 empty strings, u32, guid, u32 */
#define MIN_PROVSTATS  64u   /* empty string, 7 x u64, u32 */
#define MIN_CTLRESULT   8u   /* empty string, u32 */

int rnr_ops_key_ok(const char *key)
{
    size_t i, n;

    if (key == NULL)
        return 0;
    n = strlen(key);
    if (n == 0 || n > RNR_OPS_MAX_KEY)
        return 0;
    for (i = 0; i < n; i++) {
        char c = key[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-'))
            return 0;
    }
    return 1;
}

void rnr_wire_put_u64(struct rnr_wbuf *w, uint64_t v)
{
    rnr_wire_put_u32(w, (uint32_t)v);
    rnr_wire_put_u32(w, (uint32_t)(v >> 32));
}

int rnr_wire_get_u64(struct rnr_rbuf *r, uint64_t *v)
{
    uint32_t lo = 0, hi = 0;

    if (rnr_wire_get_u32(r, &lo) != 0 || rnr_wire_get_u32(r, &hi) != 0)
        return r->error;
    *v = (uint64_t)hi << 32 | lo;
    return 0;
}

void rnr_wire_put_figure(struct rnr_wbuf *w, const char *key, uint64_t value)
{
    rnr_wire_put_string(w, key);
    rnr_wire_put_u64(w, value);
}

static int fail(struct rnr_rbuf *r, int err)
{
    if (r->error == 0)
        r->error = err;
    return r->error;
}

/* A count of items at least `min` bytes each, at most `max`. */
static int get_count(struct rnr_rbuf *r, size_t max, size_t min, size_t *out)
{
    uint32_t n = 0;

    if (rnr_wire_get_u32(r, &n) != 0)
        return r->error;
    if (n > max || (size_t)n * min > r->left)
        return fail(r, WSAEINVAL);
    *out = n;
    return 0;
}

/* A string that must be present (not the NULL marker). */
static int get_text(struct rnr_rbuf *r, size_t max, char **out)
{
    char *s = NULL;

    if (rnr_wire_get_string(r, max, &s) != 0)
        return r->error;
    if (s == NULL)
        return fail(r, WSAEINVAL);
    *out = s;
    return 0;
}

static void figures_free(struct rnr_ops_figure *f, size_t n)
{
    size_t i;

    if (f == NULL)
        return;
    for (i = 0; i < n; i++)
        rnr_free(f[i].key);
    rnr_free(f);
}

static int get_figures(struct rnr_rbuf *r, struct rnr_ops_figure **out, size_t *nout)
{
    struct rnr_ops_figure *f = NULL;
    size_t n = 0, i;

    if (get_count(r, RNR_OPS_MAX_FIGURES, MIN_FIGURE, &n) != 0)
        return r->error;
    f = rnr_calloc(n ? n : 1, sizeof *f);
    if (f == NULL)
        return fail(r, WSAENOBUFS);
    for (i = 0; i < n; i++) {
        if (get_text(r, RNR_OPS_MAX_KEY, &f[i].key) != 0 ||
            rnr_wire_get_u64(r, &f[i].value) != 0)
            break;
        if (!rnr_ops_key_ok(f[i].key)) {
            fail(r, WSAEINVAL);
            break;
        }
    }
    if (r->error != 0) {
        figures_free(f, n);
        return r->error;
    }
    *out = f;
    *nout = n;
    return 0;
}

/* ------------------------------------------------------------ STATUS */

void rnr_ops_status_free(struct rnr_ops_status *s)
{
    size_t i;

    if (s == NULL)
        return;
    for (i = 0; i < s->nprov; i++) {
        rnr_free(s->prov[i].name);
        rnr_free(s->prov[i].module);
        rnr_free(s->prov[i].display_name);
    }
    rnr_free(s->prov);
    rnr_free(s->version);
    rnr_free(s);
}

int rnr_ops_status_decode(const void *body, size_t len, struct rnr_ops_status **out)
{
    struct rnr_ops_status *s;
    struct rnr_rbuf r;
    size_t n = 0, i;
    int rc;

    rnr_rbuf_init(&r, body, len);
    s = rnr_calloc(1, sizeof *s);
    if (s == NULL)
        return WSAENOBUFS;
    if (get_text(&r, RNR_OPS_MAX_TEXT, &s->version) != 0 ||
        rnr_wire_get_u32(&r, &s->pid) != 0 || rnr_wire_get_u64(&r, &s->uptime_ms) != 0 ||
        get_count(&r, RNR_WIRE_MAX_PROVIDERS, MIN_PROVSTATUS, &n) != 0)
        goto done;
    s->prov = rnr_calloc(n ? n : 1, sizeof *s->prov);
    if (s->prov == NULL) {
        fail(&r, WSAENOBUFS);
        goto done;
    }
    s->nprov = n;
    for (i = 0; i < n; i++) {
        struct rnr_ops_provider_status *p = &s->prov[i];

        if (get_text(&r, RNR_OPS_MAX_TEXT, &p->name) != 0 ||
            get_text(&r, RNR_OPS_MAX_TEXT, &p->module) != 0 ||
            get_text(&r, RNR_OPS_MAX_TEXT, &p->display_name) != 0 ||
            rnr_wire_get_u32(&r, &p->state) != 0 || rnr_wire_get_guid(&r, &p->id) != 0 ||
            rnr_wire_get_u32(&r, &p->name_space) != 0)
            goto done;
        if (p->state > RNR_OPS_PROV_DISABLED) {
            fail(&r, WSAEINVAL);
            goto done;
        }
    }
    rnr_rbuf_finish(&r);
done:
    rc = r.error;
    if (rc != 0) {
        rnr_ops_status_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

/* ------------------------------------------------------------ STATS */

void rnr_ops_stats_free(struct rnr_ops_stats *s)
{
    size_t i;

    if (s == NULL)
        return;
    for (i = 0; i < s->nprov; i++) {
        rnr_free(s->prov[i].name);
        figures_free(s->prov[i].fig, s->prov[i].nfig);
    }
    rnr_free(s->prov);
    figures_free(s->fig, s->nfig);
    rnr_free(s);
}

int rnr_ops_stats_decode(const void *body, size_t len, struct rnr_ops_stats **out)
{
    struct rnr_ops_stats *s;
    struct rnr_rbuf r;
    size_t n = 0, i;
    int rc;

    rnr_rbuf_init(&r, body, len);
    s = rnr_calloc(1, sizeof *s);
    if (s == NULL)
        return WSAENOBUFS;
    if (get_figures(&r, &s->fig, &s->nfig) != 0 ||
        get_count(&r, RNR_WIRE_MAX_PROVIDERS, MIN_PROVSTATS, &n) != 0)
        goto done;
    s->prov = rnr_calloc(n ? n : 1, sizeof *s->prov);
    if (s->prov == NULL) {
        fail(&r, WSAENOBUFS);
        goto done;
    }
    s->nprov = n;
    for (i = 0; i < n; i++) {
        struct rnr_ops_provider_stats *p = &s->prov[i];

        if (get_text(&r, RNR_OPS_MAX_TEXT, &p->name) != 0 ||
            rnr_wire_get_u64(&r, &p->lookups) != 0 || rnr_wire_get_u64(&r, &p->results) != 0 ||
            rnr_wire_get_u64(&r, &p->errors) != 0 || rnr_wire_get_u64(&r, &p->samples) != 0 ||
            rnr_wire_get_u64(&r, &p->p50_us) != 0 || rnr_wire_get_u64(&r, &p->p90_us) != 0 ||
            rnr_wire_get_u64(&r, &p->p99_us) != 0 || get_figures(&r, &p->fig, &p->nfig) != 0)
            goto done;
    }
    rnr_rbuf_finish(&r);
done:
    rc = r.error;
    if (rc != 0) {
        rnr_ops_stats_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

/* ------------------------------------------------------------ CONTROL */

void rnr_ops_control_free(struct rnr_ops_control *c)
{
    size_t i;

    if (c == NULL)
        return;
    for (i = 0; i < c->n; i++)
        rnr_free(c->res[i].provider);
    rnr_free(c->res);
    rnr_free(c);
}

/* One list of per-provider results, with an outcome before each status
 * (SET_SERVICE) or without (CONTROL). */
static int results_decode(const void *body, size_t len, int with_outcome,
                          struct rnr_ops_control **out)
{
    struct rnr_ops_control *c;
    struct rnr_rbuf r;
    size_t n = 0, i;
    int rc;

    rnr_rbuf_init(&r, body, len);
    c = rnr_calloc(1, sizeof *c);
    if (c == NULL)
        return WSAENOBUFS;
    if (get_count(&r, RNR_WIRE_MAX_PROVIDERS, MIN_CTLRESULT + (with_outcome ? 4u : 0u),
                  &n) != 0)
        goto done;
    c->res = rnr_calloc(n ? n : 1, sizeof *c->res);
    if (c->res == NULL) {
        fail(&r, WSAENOBUFS);
        goto done;
    }
    c->n = n;
    for (i = 0; i < n; i++) {
        if (get_text(&r, RNR_OPS_MAX_TEXT, &c->res[i].provider) != 0 ||
            (with_outcome && rnr_wire_get_u32(&r, &c->res[i].outcome) != 0) ||
            rnr_wire_get_u32(&r, &c->res[i].status) != 0)
            goto done;
        if (with_outcome && c->res[i].outcome > RNR_SET_REFUSED) {
            fail(&r, WSAEINVAL);
            goto done;
        }
    }
    rnr_rbuf_finish(&r);
done:
    rc = r.error;
    if (rc != 0) {
        rnr_ops_control_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

int rnr_ops_control_decode(const void *body, size_t len, struct rnr_ops_control **out)
{
    return results_decode(body, len, 0, out);
}

int rnr_ops_setreport_decode(const void *body, size_t len, struct rnr_ops_control **out)
{
    return results_decode(body, len, 1, out);
}
