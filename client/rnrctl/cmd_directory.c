/*
 * rnrctl directory export / import: the persistent directory's
 * registrations as one XML document (etc/rnr-directory.rng).
 *
 * Both go through the ordinary API, so they need no channel of their own
 * and obey the same rules as any client: export looks up the containers
 * below "\" (LUP_CONTAINERS | LUP_DEEP), then the entries of every class
 * (the null GUID) in each, one lookup per container, so that a store
 * larger than the daemon's max-results-per-lookup is exported whole and
 * a container that reaches it is an error, never a short file; import
 * validates the whole file first, then registers entry by entry and, when
 * one is refused, puts back what it changed (entries it created are
 * deleted, entries it replaced are registered again as they were).
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "guid.h"
#include "opsconn.h"
#include "rnrctl.h"
#include "status.h"
#include "wire.h"
#include "wire_ops.h"
#include "../../providers/directory/dir_xml.h"

const char rnrctl_help_directory[] =
"Usage: rnrctl directory export [--context CTX] [--provider ID] > FILE.xml\n"
"       rnrctl directory import FILE.xml [--provider ID]\n"
"\n"
"Copy the registrations of the persistent directory provider out and in.\n"
"\n"
"  export        print every entry below CTX (default: \\, the root) as XML\n"
"  import FILE   validate FILE against the schema (rnr-directory.rng) and\n"
"                register its entries; all or nothing: when one is refused,\n"
"                the entries registered before it are put back as they were\n"
"\n"
"Options:\n"
"  --provider ID  the directory provider (GUID or identifier; default: the\n"
"                 directory module's own id)\n"
"  --context CTX  (export) where to start\n"
"  --json         (import) print the outcome as JSON\n"
"  -h, --help     show this help\n"
"\n"
"Imported entries belong to the user who imports them.  Errors in FILE are\n"
"reported as FILE:LINE: reason, and nothing is registered.\n"
"\n"
"Examples:\n"
"  rnrctl directory export > backup.xml\n"
"  rnrctl directory import backup.xml\n"
"\n"
"Exit status: 0 done; 2 usage; 3 rnrd not reachable; 4 permission denied;\n"
"5 other failure (invalid file, a registration refused).\n";

static const GUID dir_default_id =
    { 0x8C6B8C1Eu, 0x3F2A, 0x4D55, { 0x9B, 0x0E, 0x6A, 0x1F, 0x2C, 0x3D, 0x4E, 0x0D } };

enum { O_PROVIDER = RNRCTL_O_FIRST, O_CONTEXT };

static const struct rnrctl_opt opts[] = {
    RNRCTL_COMMON_OPTS,
    { "provider", 0, 1, O_PROVIDER },
    { "context", 0, 1, O_CONTEXT },
    RNRCTL_OPTS_END
};

#define DIR_RESULT_MAX (16u << 20)

/* The next result of h into *buf (grown as needed).  0, or the error. */
static int next_result(HANDLE h, WSAQUERYSETA **buf, DWORD *cap)
{
    for (;;) {
        DWORD len = *cap;
        void *nb;
        int   e;

        if (*buf != NULL && WSALookupServiceNextA(h, 0, &len, *buf) == 0)
            return 0;
        e = *buf == NULL ? WSAEFAULT : rnrctl_last_error();
        if (e != WSAEFAULT)
            return e;
        len = len > *cap ? len : (*cap ? *cap * 2 : 4096);
        if (len > DIR_RESULT_MAX || (nb = rnr_realloc(*buf, len)) == NULL)
            return WSAENOBUFS;
        *buf = nb;
        *cap = len;
    }
}

static int flush_text(struct dir_text *t)
{
    if (t->len > 0 && fwrite(t->data, 1, t->len, stdout) != t->len)
        return -1;
    t->len = 0;
    return 0;
}

/* The daemon's max-results-per-lookup (a STATS figure), 0 when unknown. */
static uint64_t result_limit(void)
{
    struct rnr_ops_stats *s = NULL;
    struct rnr_wbuf       w;
    uint8_t              *body = NULL;
    size_t                len = 0, i;
    uint64_t              v = 0;

    rnr_wbuf_init(&w);
    rnrctl_ops_begin(&w, RNR_MSG_STATS);
    if (rnrctl_ops_call(&w, RNR_MSG_STATS, &body, &len) == 0 &&
        rnr_ops_stats_decode(body, len, &s) == 0) {
        for (i = 0; i < s->nfig; i++)
            if (strcmp(s->fig[i].key, "max-results-per-lookup") == 0)
                v = s->fig[i].value;
        rnr_ops_stats_free(s);
    }
    rnr_wbuf_free(&w);
    rnr_free(body);
    return v;
}

/* An export: the containers below the start, then the entries of each,
 * one lookup per container.  One LUP_DEEP lookup would stop silently at
 * the daemon's max-results-per-lookup; a container lookup that reaches
 * it stops the export with an error instead. */
struct export {
    struct rnrctl  *c;
    const GUID     *prov;
    uint64_t        limit;
    WSAQUERYSETA   *r;
    DWORD           rcap;
    struct dir_text t;
    size_t          n;          /* entries written */
    char          **ctx;        /* container paths */
    size_t          nctx, ctxcap;
    int             werr;
};

static int add_container(struct export *x, const WSAQUERYSETA *r)
{
    const char *parent = r->lpszContext != NULL ? r->lpszContext : "\\";
    size_t      plen = strlen(parent), nlen = strlen(r->lpszServiceInstanceName);
    char       *p;

    if (x->nctx == x->ctxcap) {
        size_t cap = x->ctxcap ? x->ctxcap * 2 : 64;
        char **v = rnr_realloc(x->ctx, cap * sizeof *v);

        if (v == NULL)
            return WSAENOBUFS;
        x->ctx = v;
        x->ctxcap = cap;
    }
    if ((p = rnr_malloc(plen + nlen + 2)) == NULL)
        return WSAENOBUFS;
    /* "\" + "a" is "\a", "\a" + "b" is "\a\b". */
    if (strcmp(parent, "\\") == 0)
        plen = 0;
    memcpy(p, parent, plen);
    p[plen] = '\\';
    memcpy(p + plen + 1, r->lpszServiceInstanceName, nlen + 1);
    x->ctx[x->nctx++] = p;
    return 0;
}

static int put_entry(struct export *x, const WSAQUERYSETA *r)
{
    dir_xml_put_entry(&x->t, r, r->lpszContext != NULL ? r->lpszContext : "\\", -1, 0, 1);
    x->n++;
    if (x->t.error)
        return WSAENOBUFS;
    if (x->t.len > (1u << 20) && flush_text(&x->t) != 0)
        x->werr = 1;
    return 0;
}

/* One lookup from `context` with `flags`, each result through fn.  0, or
 * rnrctl's exit status (reported).  A context that is not there (any
 * more) has nothing to export. */
static int each(struct export *x, const char *context, DWORD flags,
                int (*fn)(struct export *x, const WSAQUERYSETA *r))
{
    static GUID  any_class;
    WSAQUERYSETA qs;
    HANDLE       h;
    uint64_t     got = 0;
    int          e, rc = 0;

    memset(&qs, 0, sizeof qs);
    qs.dwSize = sizeof qs;
    qs.lpServiceClassId = &any_class;
    qs.lpNSProviderId = (GUID *)x->prov;
    qs.lpszContext = (char *)context;
    if (WSALookupServiceBeginA(&qs, flags | LUP_RETURN_ALL, &h) != 0) {
        e = rnrctl_last_error();
        if (e == WSASERVICE_NOT_FOUND || e == WSANO_DATA)
            return 0;
        return rnrctl_fail(x->c, e, "looking up %s", context);
    }
    while (rc == 0 && !x->werr && (e = next_result(h, &x->r, &x->rcap)) == 0) {
        got++;
        rc = fn(x, x->r);
    }
    WSALookupServiceEnd(h);
    if (x->werr)
        return RNRCTL_EXIT_FAILURE;
    if (rc != 0)
        return rnrctl_fail(x->c, rc, NULL);
    if (e != WSA_E_NO_MORE && !(got == 0 && (e == WSASERVICE_NOT_FOUND || e == WSANO_DATA)))
        return rnrctl_fail(x->c, e, "looking up %s after %zu entries", context, x->n);
    if (x->limit > 0 && got >= x->limit) {
        fprintf(stderr, "rnrctl: %s: %s holds at least %" PRIu64 " %s, as many as one lookup "
                "may return (rnrd's max-results-per-lookup): the export is incomplete and was "
                "stopped; raise max-results-per-lookup in rnrd.conf and export again\n",
                x->c->cmd, context, got, (flags & LUP_CONTAINERS) ? "containers" : "entries");
        return RNRCTL_EXIT_FAILURE;
    }
    return 0;
}

static int do_export(struct rnrctl *c, const GUID *prov, const char *context)
{
    struct export x;
    size_t        i;
    int           rc;

    if ((rc = rnrctl_start(c)) != 0)
        return rc;
    memset(&x, 0, sizeof x);
    x.c = c;
    x.prov = prov;
    x.limit = result_limit();
    if (context == NULL)
        context = "\\";
    dir_text_init(&x.t);
    dir_xml_doc_begin(&x.t);
    /* In the order one LUP_DEEP lookup gives: the start's own entries,
     * then each container's, depth first. */
    rc = each(&x, context, LUP_DEEP | LUP_CONTAINERS, add_container);
    if (rc == 0)
        rc = each(&x, context, LUP_NOCONTAINERS, put_entry);
    for (i = 0; rc == 0 && i < x.nctx; i++)
        rc = each(&x, x.ctx[i], LUP_NOCONTAINERS, put_entry);
    if (rc == 0) {
        dir_xml_doc_end(&x.t);
        rc = x.t.error ? rnrctl_fail(c, WSAENOBUFS, NULL)
           : flush_text(&x.t) != 0 || fflush(stdout) != 0 ? RNRCTL_EXIT_FAILURE
           : RNRCTL_EXIT_OK;
    }
    if (rc == RNRCTL_EXIT_OK)
        fprintf(stderr, "rnrctl: directory export: %zu entries\n", x.n);
    for (i = 0; i < x.nctx; i++)
        rnr_free(x.ctx[i]);
    rnr_free(x.ctx);
    rnr_free(x.r);
    dir_text_free(&x.t);
    return rc;
}

/* ------------------------------------------------------------ import */

static int read_file(struct rnrctl *c, const char *path, char **out, size_t *len)
{
    struct stat st;
    char       *buf = NULL;
    size_t      have = 0;
    int         fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
        (uint64_t)st.st_size > DIR_XML_MAX_DOC) {
        fprintf(stderr, "rnrctl: %s: %s: %s\n", c->cmd, path,
                fd < 0 || errno != 0 ? strerror(errno) : "not a regular file of at most 256 MiB");
        if (fd >= 0)
            close(fd);
        return RNRCTL_EXIT_FAILURE;
    }
    if ((buf = rnr_malloc((size_t)st.st_size + 1)) == NULL) {
        close(fd);
        return rnrctl_fail(c, WSAENOBUFS, "%s", path);
    }
    while (have < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + have, (size_t)st.st_size - have);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        have += (size_t)r;
    }
    close(fd);
    *out = buf;
    *len = have;
    return 0;
}

/* What was there before an entry was imported: a flat copy, or NULL. */
static int prior_state(const GUID *prov, const WSAQUERYSETA *e, WSAQUERYSETA **out)
{
    WSAQUERYSETA qs, *r = NULL;
    HANDLE       h;
    DWORD        cap = 0;
    int          rc;

    *out = NULL;
    memset(&qs, 0, sizeof qs);
    qs.dwSize = sizeof qs;
    qs.lpServiceClassId = e->lpServiceClassId;
    qs.lpszServiceInstanceName = e->lpszServiceInstanceName;
    qs.lpszContext = e->lpszContext;
    qs.lpNSProviderId = (GUID *)prov;
    if (WSALookupServiceBeginA(&qs, LUP_NOCONTAINERS | LUP_RETURN_ALL, &h) != 0)
        return rnrctl_last_error();
    while ((rc = next_result(h, &r, &cap)) == 0) {
        if (strcasecmp(r->lpszServiceInstanceName, e->lpszServiceInstanceName) == 0 &&
            rnr_guid_equal(r->lpServiceClassId, e->lpServiceClassId))
            break;
    }
    WSALookupServiceEnd(h);
    if (rc == 0) {
        *out = r;
        return 0;
    }
    rnr_free(r);
    return rc == WSA_E_NO_MORE || rc == WSASERVICE_NOT_FOUND || rc == WSANO_DATA ? 0 : rc;
}

static int set_on(const GUID *prov, WSAQUERYSETA *qs, WSAESETSERVICEOP op)
{
    WSAQUERYSETA v = *qs;

    v.lpNSProviderId = (GUID *)prov;
    v.dwNameSpace = NS_ALL;
    v.dwNumberOfProtocols = 0;
    v.lpafpProtocols = NULL;
    if (op == RNRSERVICE_DELETE) {
        v.dwNumberOfCsAddrs = 0;
        v.lpcsaBuffer = NULL;
    }
    return WSASetServiceA(&v, op, 0) == 0 ? 0 : rnrctl_last_error();
}

/* Undo entries [0, n) in reverse; the number that could not be undone. */
static size_t roll_back(const GUID *prov, struct dir_xml_rec *recs, WSAQUERYSETA **prior, size_t n)
{
    size_t failed = 0;

    while (n-- > 0) {
        int rc = prior[n] != NULL ? set_on(prov, prior[n], RNRSERVICE_REGISTER)
                                  : set_on(prov, recs[n].qs, RNRSERVICE_DELETE);

        if (rc != 0) {
            fprintf(stderr, "rnrctl: directory import: cannot undo line %ld: %s\n",
                    recs[n].line, rnr_status_text(rc));
            failed++;
        }
    }
    return failed;
}

static int do_import(struct rnrctl *c, const GUID *prov, const char *path)
{
    struct dir_xml_rec *recs = NULL;
    WSAQUERYSETA      **prior = NULL;
    char               *data = NULL, err[600];
    size_t              n = 0, i = 0, len = 0, failed;
    int                 rc, st = 0;

    if ((rc = read_file(c, path, &data, &len)) != 0)
        return rc;
    if (dir_xml_parse_document(data, len, path, NULL, &recs, &n, err, sizeof err) != 0) {
        fprintf(stderr, "rnrctl: %s: %s\n", c->cmd, err);
        rc = RNRCTL_EXIT_FAILURE;
        goto done;
    }
    if ((rc = rnrctl_start(c)) != 0)
        goto done;
    if (n > 0 && (prior = rnr_calloc(n, sizeof *prior)) == NULL) {
        rc = rnrctl_fail(c, WSAENOBUFS, NULL);
        goto done;
    }
    for (i = 0; i < n; i++) {
        if ((st = prior_state(prov, recs[i].qs, &prior[i])) != 0 ||
            (st = set_on(prov, recs[i].qs, RNRSERVICE_REGISTER)) != 0)
            break;
    }
    if (st != 0) {
        failed = roll_back(prov, recs, prior, i);
        rc = rnrctl_fail(c, st, "%s:%ld: entry '%s'; %s", path, recs[i].line,
                         recs[i].qs->lpszServiceInstanceName,
                         failed == 0 ? "nothing was imported" : "ROLLBACK INCOMPLETE");
        goto done;
    }
    if (c->json) {
        printf("{\"operation\":\"import\",\"entries\":%zu}\n", n);
    } else {
        printf("imported %zu entries from %s\n", n, path);
    }
    rc = RNRCTL_EXIT_OK;
done:
    for (i = 0; prior != NULL && i < n; i++)
        rnr_free(prior[i]);
    rnr_free(prior);
    dir_xml_recs_free(recs, n);
    rnr_free(data);
    return rc;
}

int rnrctl_cmd_directory(struct rnrctl *c, int argc, char **argv)
{
    struct rnrctl_parser p;
    const char *val, *sub = NULL, *file = NULL, *provider = NULL, *context = NULL;
    char        err[160];
    GUID        prov = dir_default_id;
    int         id, r;

    rnrctl_parser_init(&p, argc, argv, 1);
    while ((id = rnrctl_parser_next(&p, opts, &val, err, sizeof err)) != RNRCTL_OPT_END) {
        switch (id) {
        case RNRCTL_OPT_ERROR:
            return rnrctl_usage(c, "%s", err);
        case RNRCTL_OPT_POSITIONAL:
            if (sub == NULL)
                sub = val;
            else if (file == NULL)
                file = val;
            else
                return rnrctl_usage(c, "unexpected argument '%s'", val);
            break;
        case RNRCTL_O_HELP:
            fputs(rnrctl_help_directory, stdout);
            return RNRCTL_EXIT_OK;
        case O_PROVIDER:
            provider = val;
            break;
        case O_CONTEXT:
            context = val;
            break;
        default:
            rnrctl_common_opt(c, id, val);
            break;
        }
    }
    if (sub == NULL)
        return rnrctl_usage(c, "export or import?");
    if (strcmp(sub, "export") == 0) {
        c->cmd = "directory export";
        if (file != NULL)
            return rnrctl_usage(c, "export writes to standard output: no file argument");
    } else if (strcmp(sub, "import") == 0) {
        c->cmd = "directory import";
        if (file == NULL)
            return rnrctl_usage(c, "which file?");
        if (context != NULL)
            return rnrctl_usage(c, "--context is for export");
    } else {
        return rnrctl_usage(c, "unknown subcommand '%s'", sub);
    }
    if (provider != NULL && (r = rnrctl_resolve_provider(c, provider, &prov)) != 0)
        return r;
    return file == NULL ? do_export(c, &prov, context) : do_import(c, &prov, file);
}
