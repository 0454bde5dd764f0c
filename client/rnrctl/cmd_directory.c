/* SPDX-License-Identifier: MIT */
/*
 * rnrctl directory export / import: the persistent directory's
 * registrations as one XML document (etc/rnr-directory.rng).
 *
 * Both obey the same rules as any client: lookups go through librnr, and
 * import's registrations are the SET_SERVICE requests WSASetService
 * sends, only many at once (setpipe.h).  Export reads the store in pages
 * (providers/directory/dir_page.h): LUP_DEEP lookups of every class from
 * the start context, each carrying a page request in lpBlob, each asking
 * for the entries after the last one received, until a page comes back
 * empty.  Every page stays within the daemon's max-results-per-lookup and
 * max-output-per-lookup, and a page cut short by either only means the
 * next one starts earlier, so a store of any size is exported whole.  The
 * document goes to a temporary file next to FILE (-o), synced and renamed
 * over FILE once complete, or to standard output once complete: an export
 * that fails leaves no partial XML anywhere, and FILE as it was.
 *
 * Import validates the whole file first, then reads what it will replace
 * (one paged walk per context the file names), then registers entry by
 * entry, IMPORT_WINDOW requests in flight on a connection of its own
 * (setpipe.h; the directory makes the records that arrive together
 * durable with one fdatasync, where one call at a time would wait for a
 * sync each), and when one is refused puts back what it changed (entries
 * it created are deleted, entries it replaced are registered again as
 * they were).
 *
 * Both show progress on a terminal (progress.h).
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rnr/nspids.h>

#include "alloc.h"
#include "guid.h"
#include "opsconn.h"
#include "progress.h"
#include "queryset.h"
#include "rnrctl.h"
#include "setpipe.h"
#include "status.h"
#include "wire.h"
#include "wire_ops.h"
#include "../../providers/directory/dir_page.h"
#include "../../providers/directory/dir_xml.h"

static const char rnrctl_help_directory[] =
"Usage: rnrctl directory export [-o FILE.xml] [--context CTX] [--provider ID] [--quiet]\n"
"       rnrctl directory import FILE.xml [--provider ID] [--quiet]\n"
"\n"
"Copy the registrations of the persistent directory provider out and in.\n"
"\n"
"  export        write every entry below CTX (default: \\, the root) as XML,\n"
"                to FILE or to standard output; nothing is written unless\n"
"                the export is complete\n"
"  import FILE   validate FILE against the schema (rnr-directory.rng) and\n"
"                register its entries; all or nothing: when one is refused,\n"
"                the entries registered before it are put back as they were\n"
"\n"
"Options:\n"
"  -o, --output FILE  (export) write FILE atomically: a temporary file in the\n"
"                 same directory, synced, then renamed over FILE; on any\n"
"                 error FILE is left as it was\n"
"  --provider ID  the directory provider (GUID or identifier; default: the\n"
"                 directory module's own id)\n"
"  --context CTX  (export) where to start\n"
"  -q, --quiet    no progress line and no summary\n"
"  --json         (import) print the outcome as JSON\n"
"  -h, --help     show this help\n"
"\n"
"On a terminal, both show their progress on stderr (entries, rate, time\n"
"left).  Imported entries belong to the user who imports them.  Errors in\n"
"FILE are reported as FILE:LINE: reason, and nothing is registered.\n"
"\n"
"Examples:\n"
"  rnrctl directory export -o backup.xml\n"
"  rnrctl directory import backup.xml\n"
"\n"
"Exit status: 0 done; 2 usage; 3 rnrd not reachable; 4 permission denied;\n"
"5 other failure (invalid file, a registration refused, FILE not written).\n";

static const GUID dir_default_id = RNR_NSPID_DIRECTORY;

enum { O_PROVIDER = RNRCTL_O_FIRST, O_CONTEXT, O_OUTPUT, O_QUIET };

static const struct rnrctl_opt opts[] = {
    RNRCTL_COMMON_OPTS,
    { "provider", 0, 1, O_PROVIDER },
    { "context", 0, 1, O_CONTEXT },
    { "output", 'o', 1, O_OUTPUT },
    { "quiet", 'q', 0, O_QUIET },
    RNRCTL_OPTS_END
};

#define DIR_RESULT_MAX (16u << 20)

/* Entries a page asks for: as many as the daemon lets one lookup return,
 * up to EXPORT_PAGE (a page costs the daemon one pass over the entries
 * searched, so fewer, larger pages are cheaper, but each is held in rnrd
 * until sent); EXPORT_PAGE_UNKNOWN when rnrd does not say its limit. */
#define EXPORT_PAGE         20000u
#define EXPORT_PAGE_UNKNOWN 1000u
/* Written out in pieces of about this much. */
#define EXPORT_CHUNK        (1u << 20)

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

/* From rnrd's STATUS and STATS: its max-results-per-lookup and the
 * number of entries the provider `prov` holds; each 0 when unknown. */
static void daemon_figures(const GUID *prov, uint64_t *limit, uint64_t *entries)
{
    struct rnr_ops_status *st = NULL;
    struct rnr_ops_stats  *s = NULL;
    struct rnr_wbuf        w;
    uint8_t               *body = NULL;
    const char            *name = NULL;
    size_t                 len = 0, i, k;

    *limit = *entries = 0;
    rnr_wbuf_init(&w);
    rnrctl_ops_begin(&w, RNR_MSG_STATUS);
    if (rnrctl_ops_call(&w, RNR_MSG_STATUS, &body, &len) == 0 &&
        rnr_ops_status_decode(body, len, &st) == 0) {
        for (i = 0; i < st->nprov; i++)
            if (rnr_guid_equal(&st->prov[i].id, prov))
                name = st->prov[i].name;
    }
    rnr_free(body);
    body = NULL;
    rnr_wbuf_reset(&w);
    rnrctl_ops_begin(&w, RNR_MSG_STATS);
    if (rnrctl_ops_call(&w, RNR_MSG_STATS, &body, &len) == 0 &&
        rnr_ops_stats_decode(body, len, &s) == 0) {
        for (i = 0; i < s->nfig; i++)
            if (strcmp(s->fig[i].key, "max-results-per-lookup") == 0)
                *limit = s->fig[i].value;
        for (i = 0; name != NULL && i < s->nprov; i++)
            if (strcmp(s->prov[i].name, name) == 0)
                for (k = 0; k < s->prov[i].nfig; k++)
                    if (strcmp(s->prov[i].fig[k].key, "entries") == 0)
                        *entries = s->prov[i].fig[k].value;
        rnr_ops_stats_free(s);
    }
    rnr_ops_status_free(st);
    rnr_wbuf_free(&w);
    rnr_free(body);
}

/* The temporary file of an export, removed should a signal end rnrctl
 * before it is renamed (a handler may only use what is set up front). */
static char *volatile export_tmp;

static void export_on_signal(int sig)
{
    char *t = export_tmp;

    if (t != NULL)
        unlink(t);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* A paged walk (dir_page.h): every entry below `context` (only those
 * directly in it without LUP_DEEP), in page order, each through fn. */
struct pager {
    struct rnrctl *c;
    const GUID    *prov;
    const char    *context;
    DWORD          deep;      /* LUP_DEEP or 0 */
    uint32_t       page;
    int          (*fn)(void *arg, const WSAQUERYSETA *r);  /* 0, or rnrctl's exit status */
    void          *arg;
    WSAQUERYSETA  *r;
    DWORD          rcap;
    size_t         n;         /* entries received */
    char          *last_ctx;  /* the cursor: the last entry received */
    char          *last_name;
    GUID           last_cls;
};

/* The cursor moves to r, which must sort after it: anything else is an
 * rnrd that ignored the page request, and the walk would never end. */
static int pager_advance(struct pager *pg, const WSAQUERYSETA *r)
{
    const char *ctx = r->lpszContext != NULL ? r->lpszContext : "\\";
    char       *c2, *n2;

    if (r->lpServiceClassId == NULL || r->lpszServiceInstanceName == NULL ||
        (pg->last_ctx != NULL &&
         dir_page_cmp(ctx, r->lpszServiceInstanceName, r->lpServiceClassId, pg->last_ctx,
                      pg->last_name, &pg->last_cls) <= 0)) {
        fprintf(stderr, "rnrctl: %s: rnrd answered out of order after %zu entries (does it "
                "page directory lookups?)\n", pg->c->cmd, pg->n);
        return RNRCTL_EXIT_FAILURE;
    }
    if ((c2 = rnr_strdup(ctx)) == NULL || (n2 = rnr_strdup(r->lpszServiceInstanceName)) == NULL) {
        rnr_free(c2);
        return rnrctl_fail(pg->c, WSAENOBUFS, NULL);
    }
    rnr_free(pg->last_ctx);
    rnr_free(pg->last_name);
    pg->last_ctx = c2;
    pg->last_name = n2;
    pg->last_cls = *r->lpServiceClassId;
    pg->n++;
    return 0;
}

/* One page: the entries after the cursor.  0 with *more set when the
 * walk goes on, or rnrctl's exit status (reported). */
static int pager_page(struct pager *pg, int *more)
{
    static GUID  any_class;
    WSAQUERYSETA qs;
    BLOB         b;
    HANDLE       h;
    uint8_t     *blob = NULL;
    size_t       blen = 0, got = 0;
    int          e, rc = 0;

    *more = 0;
    if ((e = dir_page_encode(pg->page, pg->last_ctx, &pg->last_cls, pg->last_name, &blob,
                             &blen)) != 0)
        return rnrctl_fail(pg->c, e, "asking for the entries after '%s' in %s", pg->last_name,
                           pg->last_ctx);
    b.cbSize = (ULONG)blen;
    b.pBlobData = blob;
    memset(&qs, 0, sizeof qs);
    qs.dwSize = sizeof qs;
    qs.lpServiceClassId = &any_class;
    qs.lpNSProviderId = (GUID *)pg->prov;
    qs.lpszContext = (char *)pg->context;
    qs.lpBlob = &b;
    if (WSALookupServiceBeginA(&qs, pg->deep | LUP_NOCONTAINERS | LUP_RETURN_ALL, &h) != 0) {
        e = rnrctl_last_error();
        rnr_free(blob);
        /* Nothing (more) there, or no such context. */
        if (e == WSASERVICE_NOT_FOUND || e == WSANO_DATA)
            return 0;
        return rnrctl_fail(pg->c, e, "looking up %s after %zu entries", pg->context, pg->n);
    }
    while ((e = next_result(h, &pg->r, &pg->rcap)) == 0 &&
           (rc = pager_advance(pg, pg->r)) == 0 && (rc = pg->fn(pg->arg, pg->r)) == 0)
        got++;
    WSALookupServiceEnd(h);
    rnr_free(blob);
    if (rc != 0)
        return rc;
    if (got > pg->page) {
        fprintf(stderr, "rnrctl: %s: rnrd returned %zu entries for a page of %" PRIu32
                " (does it page directory lookups?)\n", pg->c->cmd, got, pg->page);
        return RNRCTL_EXIT_FAILURE;
    }
    /* Cut short by an output cap (max-output-per-lookup, the memory
     * budgets): the next page starts after the last entry received. */
    if (e == WSAENOBUFS && got > 0) {
        *more = 1;
        return 0;
    }
    if (e != WSA_E_NO_MORE && !(got == 0 && (e == WSASERVICE_NOT_FOUND || e == WSANO_DATA)))
        return rnrctl_fail(pg->c, e, "looking up %s after %zu entries", pg->context, pg->n);
    /* A short page is no proof of the end (a reload may have lowered the
     * limit meanwhile): only an empty one is. */
    *more = got > 0;
    return 0;
}

/* The whole walk: 0, or rnrctl's exit status (reported). */
static int pager_run(struct pager *pg)
{
    int rc, more = 1;

    while (more)
        if ((rc = pager_page(pg, &more)) != 0)
            return rc;
    return 0;
}

static void pager_free(struct pager *pg)
{
    rnr_free(pg->r);
    rnr_free(pg->last_ctx);
    rnr_free(pg->last_name);
}

/* Entries a page asks for, from rnrd's max-results-per-lookup. */
static uint32_t page_size(uint64_t limit)
{
    return limit == 0 ? EXPORT_PAGE_UNKNOWN : limit < EXPORT_PAGE ? (uint32_t)limit
                                                                  : EXPORT_PAGE;
}

struct export {
    struct rnrctl         *c;
    const char            *path;      /* -o FILE, or NULL: standard output */
    char                  *tmp;       /* its temporary file */
    int                    fd;
    struct dir_text        t;
    struct pager           pg;
    struct rnrctl_progress pr;
};

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 ? errno : EIO;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int export_write_failed(struct export *x, const char *doing, int err)
{
    fprintf(stderr, "rnrctl: %s: %s %s: %s; %s was left as it was\n", x->c->cmd, doing,
            x->tmp != NULL ? x->tmp : x->path, strerror(err), x->path);
    return RNRCTL_EXIT_FAILURE;
}

/* What is buffered, to the temporary file (standard output waits for
 * the end). */
static int export_flush(struct export *x)
{
    int err;

    if (x->fd < 0 || x->t.len == 0)
        return 0;
    if ((err = write_all(x->fd, x->t.data, x->t.len)) != 0)
        return export_write_failed(x, "writing", err);
    x->t.len = 0;
    return 0;
}

/* The temporary file: ".NAME.XXXXXX" in FILE's directory (a rename
 * across file systems would not be atomic), with FILE's permissions when
 * it exists, else those a new file gets. */
static int export_open(struct export *x)
{
    const char *slash = strrchr(x->path, '/');
    const char *base = slash != NULL ? slash + 1 : x->path;
    size_t      dlen = slash != NULL ? (size_t)(slash - x->path) + 1 : 0;
    struct stat st;
    mode_t      mode, mask;
    int         err;

    if (*base == '\0') {
        fprintf(stderr, "rnrctl: %s: %s: a file name is needed\n", x->c->cmd, x->path);
        return RNRCTL_EXIT_USAGE;
    }
    if (stat(x->path, &st) == 0) {
        if (!S_ISREG(st.st_mode)) {
            fprintf(stderr, "rnrctl: %s: %s: not a regular file\n", x->c->cmd, x->path);
            return RNRCTL_EXIT_FAILURE;
        }
        mode = st.st_mode & 07777;
    } else {
        mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    if ((x->tmp = rnr_malloc(dlen + strlen(base) + 9)) == NULL)
        return rnrctl_fail(x->c, WSAENOBUFS, NULL);
    memcpy(x->tmp, x->path, dlen);
    sprintf(x->tmp + dlen, ".%s.XXXXXX", base);
    if ((x->fd = mkostemp(x->tmp, O_CLOEXEC)) < 0) {
        err = errno;
        fprintf(stderr, "rnrctl: %s: cannot create a temporary file next to %s: %s; %s was "
                "left as it was\n", x->c->cmd, x->path, strerror(err), x->path);
        rnr_free(x->tmp);
        x->tmp = NULL;
        return RNRCTL_EXIT_FAILURE;
    }
    export_tmp = x->tmp;
    signal(SIGINT, export_on_signal);
    signal(SIGTERM, export_on_signal);
    signal(SIGHUP, export_on_signal);
    signal(SIGPIPE, export_on_signal);
    if (fchmod(x->fd, mode) != 0)
        return export_write_failed(x, "setting the mode of", errno);
    return 0;
}

/* The complete document: synced, then renamed over FILE, then the
 * directory synced so that the rename survives a crash too. */
static int export_commit(struct export *x)
{
    char *dir, *slash;
    int   dfd, rc;

    if (x->fd < 0) {
        if (x->t.len > 0 && fwrite(x->t.data, 1, x->t.len, stdout) != x->t.len)
            return RNRCTL_EXIT_FAILURE;
        return fflush(stdout) == 0 ? 0 : RNRCTL_EXIT_FAILURE;
    }
    if ((rc = export_flush(x)) != 0)
        return rc;
    if (fsync(x->fd) != 0)
        return export_write_failed(x, "syncing", errno);
    rc = close(x->fd);
    x->fd = -1;
    if (rc != 0)
        return export_write_failed(x, "closing", errno);
    if (rename(x->tmp, x->path) != 0)
        return export_write_failed(x, "renaming", errno);
    export_tmp = NULL;
    rnr_free(x->tmp);
    x->tmp = NULL;
    if ((dir = rnr_strdup(x->path)) != NULL) {
        slash = strrchr(dir, '/');
        if (slash == dir)
            slash[1] = '\0';
        else if (slash != NULL)
            *slash = '\0';
        dfd = open(slash != NULL ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0 || fsync(dfd) != 0)
            fprintf(stderr, "rnrctl: %s: warning: %s is complete, but syncing its directory "
                    "failed: %s\n", x->c->cmd, x->path, strerror(errno));
        if (dfd >= 0)
            close(dfd);
        rnr_free(dir);
    }
    return 0;
}

static int put_entry(void *arg, const WSAQUERYSETA *r)
{
    struct export *x = arg;

    dir_xml_put_entry(&x->t, r, r->lpszContext != NULL ? r->lpszContext : "\\", -1, 0, 1);
    if (x->t.error)
        return rnrctl_fail(x->c, WSAENOBUFS, NULL);
    rnrctl_progress_update(&x->pr, x->pg.n);
    return x->t.len >= EXPORT_CHUNK ? export_flush(x) : 0;
}

static int do_export(struct rnrctl *c, const GUID *prov, const char *context, const char *path,
                     int quiet)
{
    struct export x;
    uint64_t      limit, entries;
    int           rc;

    if ((rc = rnrctl_start(c)) != 0)
        return rc;
    memset(&x, 0, sizeof x);
    x.c = c;
    x.path = path;
    x.fd = -1;
    dir_text_init(&x.t);
    daemon_figures(prov, &limit, &entries);
    x.pg.c = c;
    x.pg.prov = prov;
    x.pg.context = context != NULL ? context : "\\";
    x.pg.deep = LUP_DEEP;
    x.pg.page = page_size(limit);
    x.pg.fn = put_entry;
    x.pg.arg = &x;
    if (path != NULL && (rc = export_open(&x)) != 0)
        goto done;
    /* The provider's count is the whole store's: a total only from the
     * root. */
    rnrctl_progress_start(&x.pr, "directory export",
                          strcmp(x.pg.context, "\\") == 0 ? entries : 0, quiet);
    dir_xml_doc_begin(&x.t);
    rc = pager_run(&x.pg);
    rnrctl_progress_end(&x.pr);
    if (rc != 0) {
        if (path != NULL)
            fprintf(stderr, "rnrctl: %s: %s was left as it was\n", c->cmd, path);
        goto done;
    }
    dir_xml_doc_end(&x.t);
    if (x.t.error) {
        rc = rnrctl_fail(c, WSAENOBUFS, NULL);
        goto done;
    }
    if ((rc = export_commit(&x)) != 0)
        goto done;
    if (!quiet) {
        if (path != NULL)
            fprintf(stderr, "rnrctl: directory export: %zu entries written to %s\n", x.pg.n,
                    path);
        else
            fprintf(stderr, "rnrctl: directory export: %zu entries\n", x.pg.n);
    }
done:
    if (x.fd >= 0)
        close(x.fd);
    if (x.tmp != NULL) {
        unlink(x.tmp);
        export_tmp = NULL;
        rnr_free(x.tmp);
    }
    pager_free(&x.pg);
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

/* Registrations in flight at once (setpipe.h): the directory makes
 * those that arrive while a sync runs durable with the next one, so about
 * this many share each fdatasync.  Threads reading what is there (one
 * lookup walk per context) at once. */
#define IMPORT_WINDOW  512u
#define IMPORT_READERS 8u
#define IMPORT_STACK   (512u << 10)

/* An import.  First IMPORT_READERS threads read what is there in each
 * context the file names (one paged walk per context, `groups`): what
 * each entry will replace, to put back should the import fail.  Then the
 * entries are registered through one pipelined connection; the first
 * refusal stops it, and what was done is undone the same way. */
struct import {
    struct rnrctl          *c;
    const GUID             *prov;
    uint32_t                page;
    size_t                 *sorted;    /* entry indexes by context, name, class */
    size_t                 *groups;    /* where each context starts in sorted */
    size_t                  ngroups;
    int                     read_rc;   /* reading a context failed (reported) */
    struct dir_xml_rec     *recs;
    WSAQUERYSETA          **prior;     /* what each entry replaced, or NULL */
    unsigned char          *done;      /* registered: to undo on failure */
    size_t                  n;
    int                   (*item)(struct import *im, size_t i);   /* import_run's */
    size_t                  count;
    size_t                  next;      /* atomic */
    int                     stop;      /* atomic */
    WSAQUERYSETA            view;      /* the request being sent */
    size_t                  ndone;     /* progress */
    size_t                  nfailed;   /* undo failures */
    size_t                  fail_at;   /* the refused entry (the first, if more) */
    int                     fail_st;
    struct rnrctl_progress *pr;
};

/* qs as the request for op on the provider: the fields a lookup result
 * carries that a registration does not take are dropped. */
static const WSAQUERYSETA *request(struct import *im, const WSAQUERYSETA *qs,
                                   WSAESETSERVICEOP op)
{
    WSAQUERYSETA *v = &im->view;

    *v = *qs;
    v->lpNSProviderId = (GUID *)im->prov;
    v->dwNameSpace = NS_ALL;
    v->dwNumberOfProtocols = 0;
    v->lpafpProtocols = NULL;
    if (op == RNRSERVICE_DELETE) {
        v->dwNumberOfCsAddrs = 0;
        v->lpcsaBuffer = NULL;
    }
    return v;
}

static int register_get(void *arg, size_t i, const WSAQUERYSETA **qs, WSAESETSERVICEOP *op)
{
    struct import *im = arg;

    *op = RNRSERVICE_REGISTER;
    *qs = request(im, im->recs[i].qs, *op);
    return 0;
}

/* The first refusal stops the import. */
static int register_done(void *arg, size_t i, int status)
{
    struct import *im = arg;

    if (status == 0) {
        im->done[i] = 1;
        rnrctl_progress_update(im->pr, ++im->ndone);
        return 0;
    }
    if (im->fail_st == 0 || i < im->fail_at) {
        im->fail_at = i;
        im->fail_st = status;
    }
    return 1;
}

/* Puts back what entry i changed: the entry it replaced, or none. */
static int undo_get(void *arg, size_t i, const WSAQUERYSETA **qs, WSAESETSERVICEOP *op)
{
    struct import *im = arg;

    if (!im->done[i])
        return 1;
    *op = im->prior[i] != NULL ? RNRSERVICE_REGISTER : RNRSERVICE_DELETE;
    *qs = request(im, im->prior[i] != NULL ? im->prior[i] : im->recs[i].qs, *op);
    return 0;
}

/* A failure is reported and counted, and the others are still undone. */
static int undo_done(void *arg, size_t i, int status)
{
    struct import *im = arg;

    if (status != 0) {
        fprintf(stderr, "rnrctl: directory import: cannot undo line %ld: %s\n",
                im->recs[i].line, rnr_status_text(status));
        im->nfailed++;
    } else {
        rnrctl_progress_update(im->pr, ++im->ndone);
    }
    return 0;
}

/* A thread of import_run: the next item until none is left, or one
 * said stop. */
static void *import_thread(void *arg)
{
    struct import *im = arg;

    for (;;) {
        size_t i = __atomic_fetch_add(&im->next, 1, __ATOMIC_RELAXED);

        if (i >= im->count || __atomic_load_n(&im->stop, __ATOMIC_RELAXED))
            break;
        if (im->item(im, i) != 0) {
            __atomic_store_n(&im->stop, 1, __ATOMIC_RELAXED);
            break;
        }
    }
    return NULL;
}

static int rec_cmp(const WSAQUERYSETA *a, const WSAQUERYSETA *b)
{
    return dir_page_cmp("", a->lpszServiceInstanceName, a->lpServiceClassId, "",
                        b->lpszServiceInstanceName, b->lpServiceClassId);
}

static const struct dir_xml_rec *sort_recs;     /* for qsort's comparator */

/* By context as written (each is looked up as written), then in page
 * order within it. */
static int sorted_cmp(const void *pa, const void *pb)
{
    const WSAQUERYSETA *a = sort_recs[*(const size_t *)pa].qs;
    const WSAQUERYSETA *b = sort_recs[*(const size_t *)pb].qs;
    int r = strcmp(a->lpszContext != NULL ? a->lpszContext : "",
                   b->lpszContext != NULL ? b->lpszContext : "");

    return r != 0 ? r : rec_cmp(a, b);
}

/* Matching one context's entries (page order) with the file's (the same
 * order): a merge. */
struct prior_merge {
    struct import *im;
    size_t         at, end;     /* in im->sorted */
};

static int prior_take(void *arg, const WSAQUERYSETA *r)
{
    struct prior_merge *m = arg;
    struct import      *im = m->im;
    int                 cmp = -1;

    while (m->at < m->end &&
           (cmp = rec_cmp(im->recs[im->sorted[m->at]].qs, r)) < 0)
        m->at++;
    if (m->at < m->end && cmp == 0 &&
        (im->prior[im->sorted[m->at]] = rnr_qs_dup(r, NULL)) == NULL)
        return rnrctl_fail(im->c, WSAENOBUFS, NULL);
    return 0;
}

/* Reads what context group g holds, matched with the file's entries. */
static int read_prior_item(struct import *im, size_t g)
{
    struct prior_merge m;
    struct pager       pg;
    int                rc;

    m.im = im;
    m.at = im->groups[g];
    m.end = g + 1 < im->ngroups ? im->groups[g + 1] : im->n;
    memset(&pg, 0, sizeof pg);
    pg.c = im->c;
    pg.prov = im->prov;
    pg.context = im->recs[im->sorted[m.at]].qs->lpszContext;
    pg.page = im->page;
    pg.fn = prior_take;
    pg.arg = &m;
    rc = pager_run(&pg);
    pager_free(&pg);
    if (rc != 0)
        __atomic_store_n(&im->read_rc, rc, __ATOMIC_RELAXED);
    return rc;
}

/* item on 0 .. count-1, IMPORT_READERS threads at once (fewer if they
 * cannot be made; the calling thread alone if none). */
static void import_run(struct import *im, size_t count,
                       int (*item)(struct import *im, size_t i))
{
    pthread_t      th[IMPORT_READERS];
    pthread_attr_t attr;
    unsigned       want = count < IMPORT_READERS ? (unsigned)count : IMPORT_READERS, k;

    im->next = 0;
    im->stop = 0;
    im->count = count;
    im->item = item;
    /* Small stacks: a lookup walk needs little, and rnrctl may run under
     * an address-space limit. */
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, IMPORT_STACK);
    for (k = 0; k < want; k++)
        if (pthread_create(&th[k], &attr, import_thread, im) != 0)
            break;
    pthread_attr_destroy(&attr);
    if (k == 0)
        import_thread(im);
    while (k-- > 0)
        pthread_join(th[k], NULL);
}

static int do_import(struct rnrctl *c, const GUID *prov, const char *path, int quiet)
{
    struct import          im;
    struct rnrctl_progress pr;
    struct dir_xml_rec    *recs = NULL;
    char                  *data = NULL, err[600];
    size_t                 n = 0, i, len = 0;
    uint64_t               limit, entries;
    int                    rc, st;

    memset(&im, 0, sizeof im);
    if ((rc = read_file(c, path, &data, &len)) != 0)
        goto done;
    if (dir_xml_parse_document(data, len, path, NULL, &recs, &n, err, sizeof err) != 0) {
        fprintf(stderr, "rnrctl: %s: %s\n", c->cmd, err);
        rc = RNRCTL_EXIT_FAILURE;
        goto done;
    }
    rnr_free(data);
    data = NULL;
    if ((rc = rnrctl_start(c)) != 0)
        goto done;
    im.c = c;
    im.prov = prov;
    im.recs = recs;
    im.n = n;
    daemon_figures(prov, &limit, &entries);
    im.page = page_size(limit);
    if (n > 0 && ((im.prior = rnr_calloc(n, sizeof *im.prior)) == NULL ||
                  (im.done = rnr_calloc(n, 1)) == NULL ||
                  (im.sorted = rnr_calloc(n, sizeof *im.sorted)) == NULL ||
                  (im.groups = rnr_calloc(n, sizeof *im.groups)) == NULL)) {
        rc = rnrctl_fail(c, WSAENOBUFS, NULL);
        goto done;
    }
    for (i = 0; i < n; i++)
        im.sorted[i] = i;
    sort_recs = recs;
    qsort(im.sorted, n, sizeof *im.sorted, sorted_cmp);
    for (i = 0; i < n; i++)
        if (i == 0 || strcmp(recs[im.sorted[i]].qs->lpszContext != NULL ?
                             recs[im.sorted[i]].qs->lpszContext : "",
                             recs[im.sorted[i - 1]].qs->lpszContext != NULL ?
                             recs[im.sorted[i - 1]].qs->lpszContext : "") != 0)
            im.groups[im.ngroups++] = i;
    import_run(&im, im.ngroups, read_prior_item);
    if (im.read_rc != 0) {
        rc = im.read_rc;
        goto done;
    }
    im.pr = &pr;
    rnrctl_progress_start(&pr, "directory import", n, quiet);
    st = rnrctl_setpipe_run(n, IMPORT_WINDOW, register_get, register_done, &im);
    rnrctl_progress_end(&pr);
    if (st != 0 && im.fail_st == 0) {
        /* No entry was sent: rnrd could not be reached. */
        rc = rnrctl_fail(c, st, "registering the entries of %s; nothing was imported", path);
        goto done;
    }
    if (im.fail_st != 0) {
        size_t undo = im.ndone;

        rnrctl_progress_start(&pr, "directory import: undoing", undo, quiet);
        im.ndone = 0;
        if ((st = rnrctl_setpipe_run(n, IMPORT_WINDOW, undo_get, undo_done, &im)) != 0) {
            fprintf(stderr, "rnrctl: directory import: cannot undo: %s\n", rnr_status_text(st));
            im.nfailed++;
        }
        rnrctl_progress_end(&pr);
        rc = rnrctl_fail(c, im.fail_st, "%s:%ld: entry '%s'; %s", path, recs[im.fail_at].line,
                         recs[im.fail_at].qs->lpszServiceInstanceName,
                         im.nfailed == 0 ? "nothing was imported" : "ROLLBACK INCOMPLETE");
        goto done;
    }
    if (c->json)
        printf("{\"operation\":\"import\",\"entries\":%zu}\n", n);
    else if (!quiet)
        printf("imported %zu entries from %s\n", n, path);
    rc = RNRCTL_EXIT_OK;
done:
    for (i = 0; im.prior != NULL && i < n; i++)
        rnr_free(im.prior[i]);
    rnr_free(im.prior);
    rnr_free(im.done);
    rnr_free(im.sorted);
    rnr_free(im.groups);
    dir_xml_recs_free(recs, n);
    rnr_free(data);
    return rc;
}

static int rnrctl_cmd_directory(struct rnrctl *c, int argc, char **argv)
{
    struct rnrctl_parser p;
    const char *val, *sub = NULL, *file = NULL, *provider = NULL, *context = NULL;
    const char *output = NULL;
    char        err[160];
    GUID        prov = dir_default_id;
    int         id, r, quiet = 0;

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
        case O_OUTPUT:
            output = val;
            break;
        case O_QUIET:
            quiet = 1;
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
            return rnrctl_usage(c, "export takes no file argument: -o FILE, or standard output");
        if (output != NULL && output[0] == '\0')
            return rnrctl_usage(c, "-o needs a file name");
    } else if (strcmp(sub, "import") == 0) {
        c->cmd = "directory import";
        if (file == NULL)
            return rnrctl_usage(c, "which file?");
        if (context != NULL)
            return rnrctl_usage(c, "--context is for export");
        if (output != NULL)
            return rnrctl_usage(c, "-o is for export");
    } else {
        return rnrctl_usage(c, "unknown subcommand '%s'", sub);
    }
    if (provider != NULL && (r = rnrctl_resolve_provider(c, provider, &prov)) != 0)
        return r;
    return file == NULL ? do_export(c, &prov, context, output, quiet)
                        : do_import(c, &prov, file, quiet);
}

const struct rnrctl_command rnrctl_command_directory = {
    .name = "directory",
    .synopsis = "export|import",
    .summary = "the persistent directory as XML",
    .help = rnrctl_help_directory,
    .run = rnrctl_cmd_directory,
};
