/* SPDX-License-Identifier: MIT */
/*
 * directory provider: the ops table, start-up (loading the store),
 * configuration, the service classes rnrd reports, snapshots, counters.
 * Registrations are dir_set.c, lookups dir_query.c.
 */
#include "config.h"

#include "directory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "alloc.h"
#include "confkey.h"
#include "guid.h"
#include "status.h"

/* ------------------------------------------------------------ classes */

int dir_class_known(const struct dir_state *st, const GUID *cls)
{
    size_t i;

    /* The pre-allocated classes are defined by the API itself. */
    if (rnr_guid_wellknown_name(cls) != NULL || IS_SVCID_TCP(cls) || IS_SVCID_UDP(cls) ||
        IS_SVCID_NETWARE(cls))
        return 1;
    for (i = 0; i < st->nclasses; i++)
        if (rnr_guid_equal(&st->classes[i], cls))
            return 1;
    return 0;
}

/* rnrd tells every provider with these slots about its classes (those it
 * had when the provider started, then each install and removal); it keeps
 * answering WSAGetServiceClassInfo itself, for this name space too. */
static int dir_install_class(void *state, const WSASERVICECLASSINFOA *info)
{
    struct dir_state *st = state;
    GUID             *g;
    size_t            i;

    for (i = 0; i < st->nclasses; i++)
        if (rnr_guid_equal(&st->classes[i], info->lpServiceClassId))
            return WSAEALREADY;
    g = rnr_realloc(st->classes, (st->nclasses + 1) * sizeof *g);
    if (g == NULL)
        return WSAENOBUFS;
    st->classes = g;
    st->classes[st->nclasses++] = *info->lpServiceClassId;
    return 0;
}

static int dir_remove_class(void *state, const GUID *class_id)
{
    struct dir_state *st = state;
    size_t            i;

    for (i = 0; i < st->nclasses; i++) {
        if (rnr_guid_equal(&st->classes[i], class_id)) {
            st->classes[i] = st->classes[--st->nclasses];
            return 0;
        }
    }
    return WSATYPE_NOT_FOUND;
}

/* ------------------------------------------------------------ loading */

int dir_apply_record(void *ctx, struct dir_xml_rec *rec)
{
    static const GUID null_guid;
    struct dir_state *st = ctx;
    WSAQUERYSETA     *qs = rec->qs;
    struct dir_path   path;
    struct dir_node  *node;
    struct dir_entry *old, *e;
    uid_t             owner;

    /* Records hold absolute paths; a relative one is taken from the root. */
    if (dir_path_parse(qs->lpszContext, "\\", &path) != 0)
        return WSAEINVAL;
    if (rnr_guid_equal(qs->lpServiceClassId, &null_guid) ||
        rnr_guid_equal(qs->lpServiceClassId, &dir_container_class) ||
        strpbrk(qs->lpszServiceInstanceName, "*?") != NULL)
        return WSAEINVAL;
    node = dir_tree_find_node(&st->tree, &path);
    old = node != NULL ? dir_tree_find_entry(&st->tree, node, qs->lpServiceClassId,
                                             qs->lpszServiceInstanceName) : NULL;
    if (rec->del) {
        /* Deleting what is not there is what a replay after a lost record
         * would do: nothing to report. */
        if (old != NULL)
            dir_tree_remove(&st->tree, old);
        return 0;
    }
    if (node == NULL && dir_tree_make_node(&st->tree, &path, &node) != 0)
        return WSAENOBUFS;
    owner = rec->owner >= 0 ? (uid_t)rec->owner : 0;
    if (dir_tree_usage_reserve(&st->tree, owner) != 0 ||
        (e = dir_entry_new(qs, owner)) == NULL) {
        dir_tree_prune(&st->tree, node);
        return WSAENOBUFS;
    }
    rec->qs = NULL;     /* dir_entry_new took it */
    e->admin = rec->admin != 0;
    dir_tree_put(&st->tree, node, e, old);
    return 0;
}

/* ------------------------------------------------------------ snapshots */

static int dump(void *ctx, struct dir_store *s)
{
    struct dir_state       *st = ctx;
    const struct dir_node  *n;
    const struct dir_entry *e;
    WSAQUERYSETA           *qs;

    for (n = &st->tree.root; n != NULL; n = dir_node_next(n, &st->tree.root)) {
        for (e = n->ent_first; e != NULL; e = e->next) {
            if (dir_entry_expand(e, &qs) != 0)
                return WSAENOBUFS;
            st->rec.len = 0;
            dir_xml_put_entry(&st->rec, qs, n->path, (long long)e->owner, e->admin, 0);
            rnr_free(qs);
            if (st->rec.error)
                return WSAENOBUFS;
            dir_store_snap_put(s, st->rec.data, st->rec.len);
        }
    }
    return 0;
}

static void snapshot_done(void *arg, int fd, unsigned events)
{
    struct dir_state *st = arg;

    (void)events;
    st->host->unwatch_fd(st->p, fd);
    st->snapshot_fd = -1;
    dir_store_compact_finish(st->store);
}

void dir_compact_run(struct dir_state *st)
{
    int fd;

    /* In a child, so that 25 MB and an fsync at 100,000 entries do not
     * stall every client; in the loop only if there can be no child. */
    if (dir_store_compact_start(st->store, dump, st, &fd) != 0) {
        st->host->log(st->p, RNR_NSP_LOG_WARNING, "cannot fork a snapshot writer; writing it here");
        dir_store_compact(st->store, dump, st);
        return;
    }
    if (st->host->watch_fd(st->p, fd, RNR_NSP_EV_READ, snapshot_done, st) != 0)
        dir_store_compact_finish(st->store);   /* waits for it */
    else
        st->snapshot_fd = fd;
}

static void compact_now(void *arg)
{
    struct dir_state *st = arg;

    st->compact_timer = NULL;
    if (!dir_store_should_compact(st->store, st->tree.nentries))
        return;
    /* Not under records waiting for their sync: the journal must stay.
     * dir_pend.c holds new records back until those are durable, then
     * runs it (writes that never pause would otherwise put it off for
     * ever, and the journal would grow without end). */
    if (st->pend != NULL) {
        st->snap_due = 1;
        return;
    }
    dir_compact_run(st);
}

void dir_maybe_compact(struct dir_state *st)
{
    /* After the reply has gone out, from the loop. */
    if (st->compact_timer == NULL && dir_store_should_compact(st->store, st->tree.nentries))
        st->compact_timer = st->host->timer_add(st->p, 0, compact_now, st);
}

/* ------------------------------------------------------------ lifecycle */

/* yes/no as rnrd checked it (confkey.h); `dflt` when absent or empty. */
static int parse_bool(const char *v, int dflt, int *out)
{
    if (v == NULL || v[0] == '\0')
        *out = dflt;
    else if (rnr_confkey_bool(v, out) != 0)
        return WSAEINVAL;
    return 0;
}

/* A number in [0, max]; `dflt` when absent.  0 or WSAEINVAL (logged). */
static int parse_count(struct dir_state *st, const char *key, uint64_t dflt, uint64_t max,
                       uint64_t *out)
{
    const char        *v = st->host->config_get(st->p, key);
    char              *end;
    unsigned long long n;

    if (v == NULL || v[0] == '\0') {
        *out = dflt;
        return 0;
    }
    n = strtoull(v, &end, 10);
    if (*end != '\0' || v[0] < '0' || v[0] > '9' || n > max) {
        st->host->log(st->p, RNR_NSP_LOG_ERR, "%s = %s: expected a number from 0 to %llu", key, v,
                      (unsigned long long)max);
        return WSAEINVAL;
    }
    *out = n;
    return 0;
}

/* The trust and quota keys (directory.h) into *out.  0 or WSAEINVAL
 * (logged). */
static int read_policy(struct dir_state *st, struct dir_policy *out)
{
    const char *t = st->host->config_get(st->p, "trust");
    int         all;

    if (t == NULL || t[0] == '\0' || strcasecmp(t, "admin") == 0) {
        all = 0;
    } else if (strcasecmp(t, "all") == 0) {
        all = 1;
    } else {
        st->host->log(st->p, RNR_NSP_LOG_ERR, "trust = %s: expected admin or all", t);
        return WSAEINVAL;
    }
    if (parse_count(st, "quota-entries", DIR_QUOTA_ENTRIES, DIR_QUOTA_MAX,
                    &out->quota_entries) != 0 ||
        parse_count(st, "quota-bytes", DIR_QUOTA_BYTES, DIR_QUOTA_MAX, &out->quota_bytes) != 0)
        return WSAEINVAL;
    out->trust_all = all;
    return 0;
}

/* default-context: an absolute path such as \\ or \\org\\unit. */
static int context_parse(const char *c, struct dir_path *path)
{
    return c[0] == '\\' && dir_path_parse(c, "\\", path) == 0 ? 0 : -1;
}

/* Reads the section into *ctx / *strict / *smin; 0 or WSAEINVAL (logged). */
static int read_config(struct dir_state *st, char **ctx, int *strict, uint64_t *smin)
{
    const char     *c = st->host->config_get(st->p, "default-context");
    const char     *s = st->host->config_get(st->p, "strict-classes");
    const char     *m = st->host->config_get(st->p, "snapshot-min-records");
    struct dir_path path;
    struct dir_text t;
    size_t          i;

    if (parse_bool(s, 0, strict) != 0) {
        st->host->log(st->p, RNR_NSP_LOG_ERR, "strict-classes = %s: expected yes or no", s);
        return WSAEINVAL;
    }
    *smin = 0;
    if (m != NULL && m[0] != '\0') {
        char *end;
        unsigned long long v = strtoull(m, &end, 10);

        if (*end != '\0' || m[0] == '-' || v == 0 || v > 100000000ull) {
            st->host->log(st->p, RNR_NSP_LOG_ERR, "snapshot-min-records = %s: expected a number "
                          "from 1 to 100000000", m);
            return WSAEINVAL;
        }
        *smin = v;
    }
    if (c == NULL || c[0] == '\0')
        c = "\\";
    if (context_parse(c, &path) != 0) {
        st->host->log(st->p, RNR_NSP_LOG_ERR, "default-context = %s: expected an absolute path "
                      "such as \\ or \\org\\unit", c);
        return WSAEINVAL;
    }
    dir_text_init(&t);
    for (i = 0; i < path.n; i++) {
        dir_text_puts(&t, "\\");
        dir_text_puts(&t, path.comp[i]);
    }
    if (path.n == 0)
        dir_text_puts(&t, "\\");
    if (t.error) {
        dir_text_free(&t);
        return WSAENOBUFS;
    }
    *ctx = t.data;
    return 0;
}

static void dir_cleanup(void *state)
{
    struct dir_state *st = state;

    if (st == NULL)
        return;
    dir_pend_stop(st);
    if (st->compact_timer != NULL)
        st->host->timer_cancel(st->p, st->compact_timer);
    if (st->snapshot_fd >= 0)
        st->host->unwatch_fd(st->p, st->snapshot_fd);
    dir_store_close(st->store);
    dir_tree_clear(&st->tree);
    dir_text_free(&st->rec);
    rnr_free(st->default_context);
    rnr_free(st->classes);
    rnr_free(st);
}

static uint64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int dir_startup(const struct rnr_nsp_host *host, struct rnr_nsp_provider *p, void **state)
{
    struct dir_store_cb cb;
    struct dir_state   *st;
    uint64_t            t0 = mono_ms();
    int                 rc;

    if ((st = rnr_calloc(1, sizeof *st)) == NULL)
        return WSAENOBUFS;
    st->host = host;
    st->p = p;
    st->snapshot_fd = -1;
    st->pend_tail = &st->pend;
    dir_tree_init(&st->tree);
    dir_text_init(&st->rec);
    if ((rc = read_config(st, &st->default_context, &st->strict_classes,
                          &st->snapshot_min)) != 0 ||
        (rc = read_policy(st, &st->policy)) != 0)
        goto done;
    cb.ctx = st;
    cb.log = host->log;
    cb.logp = p;
    cb.apply = dir_apply_record;
    if ((rc = dir_store_open(host->state_dir(p), &cb, &st->store)) != 0) {
        rc = WSAEPROVIDERFAILEDINIT;
        goto done;
    }
    if (st->snapshot_min > 0)
        dir_store_set_compact_min(st->store, st->snapshot_min);
    if ((rc = dir_pend_start(st)) != 0)
        goto done;
    st->host->log(st->p, RNR_NSP_LOG_INFO,
                  "%zu entries in %zu containers loaded from %s in %llu ms", st->tree.nentries,
                  st->tree.nnodes, host->state_dir(p), (unsigned long long)(mono_ms() - t0));
    if (dir_store_stats(st->store)->damaged > 0)
        st->host->log(st->p, RNR_NSP_LOG_WARNING, "%llu damaged records or files were skipped (see "
                      "above); the rest is loaded",
                      (unsigned long long)dir_store_stats(st->store)->damaged);
    *state = st;
    st = NULL;
done:
    dir_cleanup(st);
    return rc;
}

static int dir_reload(void *state)
{
    struct dir_state *st = state;
    struct dir_policy pol;
    char             *ctx;
    int               strict, rc;
    uint64_t          smin;

    if ((rc = read_policy(st, &pol)) != 0)
        return rc;
    if ((rc = read_config(st, &ctx, &strict, &smin)) != 0)
        return rc;
    /* A reload empties the answer cache: nothing answered under the old
     * trust is served under the new one. */
    st->policy = pol;
    rnr_free(st->default_context);
    st->default_context = ctx;
    st->strict_classes = strict;
    st->snapshot_min = smin;
    dir_store_set_compact_min(st->store, st->snapshot_min);
    return 0;
}

static void dir_stats(void *state, void (*emit_stat)(void *ctx, const char *key, uint64_t v),
                      void *ctx)
{
    const struct dir_state       *st = state;
    const struct dir_store_stats *ss = dir_store_stats(st->store);

    emit_stat(ctx, "entries", st->tree.nentries);
    emit_stat(ctx, "containers", st->tree.nnodes);
    emit_stat(ctx, "lookups", st->lookups);
    emit_stat(ctx, "lookups-truncated", st->truncated);
    emit_stat(ctx, "set-service", st->sets);
    emit_stat(ctx, "refused", st->refused);
    emit_stat(ctx, "quota-refused", st->quota_refused);
    emit_stat(ctx, "untrusted-withheld", st->withheld);
    emit_stat(ctx, "write-errors", st->write_errors);
    emit_stat(ctx, "syncs", st->syncs);
    emit_stat(ctx, "journal-records", ss->journal_records);
    emit_stat(ctx, "snapshots", ss->compactions);
    emit_stat(ctx, "snapshot-errors", ss->compaction_errors);
    emit_stat(ctx, "damaged-records", ss->damaged);
}

static void dir_check_config(const struct rnr_nsp_check *chk)
{
    const char *c = chk->get(chk->ctx, "default-context");
    struct dir_path path;

    if (c != NULL && c[0] != '\0' && context_parse(c, &path) != 0)
        chk->error(chk->ctx, "default-context", "'%s' is not an absolute path such as "
                   "\\ or \\org\\unit", c);
}

static const char *const dir_trust_values[] = { "admin", "all", NULL };

static const struct rnr_nsp_key dir_config_keys[] = {
    { .name = "default-context", .type = RNR_NSP_KEY_STRING,
      .help = "where an empty (or no) context points, \\ by default" },
    { .name = "strict-classes", .type = RNR_NSP_KEY_BOOL,
      .help = "refuse classes neither installed nor built in (default no)" },
    { .name = "snapshot-min-records", .type = RNR_NSP_KEY_UINT, .min = 1, .max = 100000000,
      .help = "journal records before a snapshot replaces the journal (default 4096)" },
    { .name = "trust", .type = RNR_NSP_KEY_ENUM, .values = dir_trust_values,
      .help = "whose host, address and service entries NS_ALL serves to everyone" },
    { .name = "quota-entries", .type = RNR_NSP_KEY_UINT, .min = 0, .max = DIR_QUOTA_MAX,
      .help = "entries one owner may have (default 1000)" },
    { .name = "quota-bytes", .type = RNR_NSP_KEY_UINT, .min = 0, .max = DIR_QUOTA_MAX,
      .help = "bytes one owner's entries may take (default 1048576)" },
    { .name = NULL }
};

static const struct rnr_nsp_ops dir_ops = {
    RNR_NSP_OPS_INIT,
    .name = "directory",
    .display_name = "Persistent directory",
    .capabilities = RNR_NSP_CAP_CONTAINERS | RNR_NSP_CAP_WILDCARDS | RNR_NSP_CAP_REGISTER |
                    RNR_NSP_CAP_NOTIFY,
    .families = RNR_NSP_AF_ANY,
    .default_name_space = NS_NDS,
    .default_id = DIR_PROVIDER_ID,
    .version = 1,
    .startup = dir_startup,
    .cleanup = dir_cleanup,
    .reload = dir_reload,
    .lookup_begin = dir_lookup_begin,
    .lookup_cancel = dir_lookup_cancel,
    .lookup_resume = dir_lookup_resume,
    .set_service = dir_set_service,
    .install_class = dir_install_class,
    .remove_class = dir_remove_class,
    .get_class_info = NULL,    /* rnrd answers from its class store */
    .stats = dir_stats,
    .config_keys = dir_config_keys,
    .check_config = dir_check_config,
    .change_matches = dir_change_matches,
};

RNR_NSP_MODULE(directory, dir_ops);
