/* SPDX-License-Identifier: MIT */
/*
 * rnrctl browse: the entries of a query as they come and go
 * (<rnr/browse.h>).  The subscription is opened first, then the current
 * entries are listed with an ordinary lookup and printed as additions,
 * then every change is printed as it arrives, until SIGINT or SIGTERM
 * (exit 0).  A change that lands while listing may show twice; an
 * overflow notice (changes lost because rnrctl did not keep up) makes it
 * list again.
 */
#include <config.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <rnr/browse.h>

#include "alloc.h"
#include "guid.h"
#include "rnrctl.h"

static const char rnrctl_help_browse[] =
"Usage: rnrctl browse CLASS [NAME] [options]\n"
"\n"
"Watch the entries of service class CLASS (NAME may hold * and ?; default\n"
"every name) appear and disappear, like avahi-browse: the current entries\n"
"are listed first, then each change is printed as it happens, one line\n"
"each, until interrupted (Ctrl-C: exit 0).\n"
"\n"
"  + NAME CONTEXT ADDRESS... [PROVIDER]    added (or changed)\n"
"  - NAME CONTEXT ADDRESS... [PROVIDER]    removed\n"
"  ! overflow ...                          changes were lost; listed again\n"
"\n"
"CONTEXT is - where the name space has none; ADDRESS is PROTO:ADDR:PORT.\n"
"\n"
"Only providers that report changes (sap, directory) are watched; the\n"
"others the query reaches (hosts, local, dns) are named at the start on\n"
"stderr and only their current entries are listed.\n"
"\n"
"Options:\n"
"  --ns NS              name space (number, NS_* name or short name)\n"
"  --provider ID        one provider\n"
"  --context CTX        where to watch in a hierarchical name space\n"
"  --protocol PROTO     tcp or udp; only those addresses\n"
"  --version N[+]       only version N (N+: N or later)\n"
"  --flags LIST         as for lookup; deep watches CTX's whole subtree\n"
"  --json               one JSON object per line: \"event\" is add, remove,\n"
"                       overflow or cannot_report; \"initial\" is true for\n"
"                       the entries listed at the start\n"
"  -h, --help           show this help\n"
"\n"
"Examples:\n"
"  rnrctl browse tcp:5000 --ns NS_SAP\n"
"  rnrctl browse tcp:80 'web*' --ns NS_NDS --context '\\' --flags deep\n"
"\n"
"Exit status: 0 interrupted; 2 usage; 3 rnrd not reachable or gone;\n"
"5 other failure (WSAEOPNOTSUPP: no provider of the query reports\n"
"changes).\n";

enum { O_FLAGS = RNRCTL_O_FIRST };

static const struct rnrctl_opt opts[] = {
    RNRCTL_COMMON_OPTS,
    RNRCTL_TARGET_OPTS,
    { "flags", 0, 1, O_FLAGS },
    RNRCTL_OPTS_END
};

#define BROWSE_BUF_INITIAL 4096u
#define BROWSE_BUF_MAX     (64u * 1024 * 1024)

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

/* No SA_RESTART: the wait in rnr_browse_next returns WSAEINTR. */
static void catch_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static const char *kind_word(int kind)
{
    return kind == RNR_BROWSE_ADD ? "add" : kind == RNR_BROWSE_REMOVE ? "remove" : "overflow";
}

static void print_text(struct rnrctl *c, int kind, const WSAQUERYSETA *r)
{
    char id[RNR_GUID_STRLEN], addr[OUT_ADDR_STRLEN];
    const char *name;
    DWORD i;

    fputc(kind == RNR_BROWSE_ADD ? '+' : '-', stdout);
    fputc(' ', stdout);
    out_text(stdout, r->lpszServiceInstanceName != NULL ? r->lpszServiceInstanceName : "-");
    fputc(' ', stdout);
    out_text(stdout, r->lpszContext != NULL && r->lpszContext[0] ? r->lpszContext : "-");
    for (i = 0; r->lpcsaBuffer != NULL && i < r->dwNumberOfCsAddrs; i++) {
        const CSADDR_INFO *ca = &r->lpcsaBuffer[i];
        const char *proto = out_protocol_name(ca->iSocketType, ca->iProtocol);

        out_format_sockaddr(ca->RemoteAddr.lpSockaddr, ca->RemoteAddr.iSockaddrLength, 1, addr);
        fprintf(stdout, " %s:%s", proto != NULL ? proto : "?", addr);
    }
    name = r->lpNSProviderId != NULL ? rnrctl_provider_name(c, r->lpNSProviderId) : NULL;
    if (name == NULL && r->lpNSProviderId != NULL) {
        rnr_guid_format(r->lpNSProviderId, id);
        name = id;
    }
    fputs(" [", stdout);
    out_text(stdout, name != NULL ? name : "-");
    fputs("]\n", stdout);
}

static void print_json(struct rnrctl *c, int kind, const WSAQUERYSETA *r, int initial)
{
    char id[RNR_GUID_STRLEN], addr[OUT_ADDR_STRLEN];
    struct out_json j;
    DWORD i;

    out_json_init(&j, stdout, 0);
    out_json_object_begin(&j);
    out_json_kv_string(&j, "event", kind_word(kind));
    if (r != NULL) {
        out_json_kv_bool(&j, "initial", initial);
        out_json_kv_string(&j, "name", r->lpszServiceInstanceName);
        out_json_key(&j, "class");
        if (r->lpServiceClassId != NULL) {
            rnr_guid_format(r->lpServiceClassId, id);
            out_json_string(&j, id);
            out_json_kv_string(&j, "class_name", rnrctl_class_name(c, r->lpServiceClassId));
        } else {
            out_json_null(&j);
            out_json_kv_null(&j, "class_name");
        }
        out_json_key(&j, "provider");
        if (r->lpNSProviderId != NULL) {
            rnr_guid_format(r->lpNSProviderId, id);
            out_json_string(&j, id);
            out_json_kv_string(&j, "provider_name", rnrctl_provider_name(c, r->lpNSProviderId));
        } else {
            out_json_null(&j);
            out_json_kv_null(&j, "provider_name");
        }
        out_json_kv_uint(&j, "namespace", r->dwNameSpace);
        out_json_kv_string(&j, "context", r->lpszContext);
        out_json_kv_string(&j, "comment", r->lpszComment);
        out_json_key(&j, "addresses");
        out_json_array_begin(&j);
        for (i = 0; r->lpcsaBuffer != NULL && i < r->dwNumberOfCsAddrs; i++) {
            const CSADDR_INFO *ca = &r->lpcsaBuffer[i];

            out_json_object_begin(&j);
            out_json_kv_string(&j, "protocol", out_protocol_name(ca->iSocketType, ca->iProtocol));
            out_format_sockaddr(ca->RemoteAddr.lpSockaddr, ca->RemoteAddr.iSockaddrLength, 1,
                                addr);
            out_json_kv_string(&j, "remote", ca->RemoteAddr.lpSockaddr != NULL ? addr : NULL);
            out_json_object_end(&j);
        }
        out_json_array_end(&j);
    }
    out_json_object_end(&j);
    out_json_finish(&j);
}

static void print_change(struct rnrctl *c, int kind, const WSAQUERYSETA *r, int initial)
{
    if (c->json)
        print_json(c, kind, r, initial);
    else if (kind == RNR_BROWSE_OVERFLOW)
        fputs("! overflow: changes were lost, listing again\n", stdout);
    else
        print_text(c, kind, r);
    fflush(stdout);
}

/* The providers that cannot report, once, at the start. */
static void print_silent(struct rnrctl *c, const struct rnr_browse *b)
{
    char id[RNR_GUID_STRLEN];
    const GUID *ids;
    size_t n = rnr_browse_silent(b, &ids), i;
    struct out_json j;

    if (n == 0)
        return;
    if (c->json) {
        out_json_init(&j, stdout, 0);
        out_json_object_begin(&j);
        out_json_kv_string(&j, "event", "cannot_report");
        out_json_key(&j, "providers");
        out_json_array_begin(&j);
    } else {
        fputs("rnrctl: browse: these providers cannot report changes, their entries are "
              "listed once:", stderr);
    }
    for (i = 0; i < n; i++) {
        const char *name = rnrctl_provider_name(c, &ids[i]);

        rnr_guid_format(&ids[i], id);
        if (c->json) {
            out_json_object_begin(&j);
            out_json_kv_string(&j, "provider", id);
            out_json_kv_string(&j, "provider_name", name);
            out_json_object_end(&j);
        } else {
            fputc(' ', stderr);
            out_text(stderr, name != NULL ? name : id);
        }
    }
    if (c->json) {
        out_json_array_end(&j);
        out_json_object_end(&j);
        out_json_finish(&j);
        fflush(stdout);
    } else {
        fputc('\n', stderr);
    }
}

/* The current entries, as additions.  0, or the status that stopped it
 * (nothing found is no failure here). */
static int list_current(struct rnrctl *c, const WSAQUERYSETA *qs, DWORD flags)
{
    DWORD cap = BROWSE_BUF_INITIAL, len;
    WSAQUERYSETA *buf = NULL, *nbuf;
    HANDLE h = NULL;
    int status = 0;

    if (WSALookupServiceBeginA((LPWSAQUERYSETA)qs, flags, &h) != 0) {
        status = rnrctl_last_error();
        goto done;
    }
    if ((buf = rnr_malloc(cap)) == NULL) {
        status = WSAENOBUFS;
        goto done;
    }
    while (!stop_requested) {
        len = cap;
        if (WSALookupServiceNextA(h, flags, &len, buf) == 0) {
            print_change(c, RNR_BROWSE_ADD, buf, 1);
            continue;
        }
        status = rnrctl_last_error();
        if (status != WSAEFAULT || len <= cap || len > BROWSE_BUF_MAX)
            break;
        if ((nbuf = rnr_realloc(buf, len)) == NULL) {
            status = WSAENOBUFS;
            break;
        }
        buf = nbuf;
        cap = len;
    }
done:
    if (h != NULL)
        WSALookupServiceEnd(h);
    rnr_free(buf);
    if (status == WSA_E_NO_MORE || status == WSAENOMORE || status == WSASERVICE_NOT_FOUND ||
        status == WSAHOST_NOT_FOUND || status == WSANO_DATA)
        status = 0;
    return status;
}

static int parse_args(struct rnrctl *c, struct rnrctl_target *t, DWORD *flags, int argc,
                      char **argv, int *help)
{
    struct rnrctl_parser p;
    const char *val;
    char err[512];
    int id, r;

    rnrctl_parser_init(&p, argc, argv, 1);
    while ((id = rnrctl_parser_next(&p, opts, &val, err, sizeof err)) != RNRCTL_OPT_END) {
        switch (id) {
        case RNRCTL_OPT_ERROR:
            return rnrctl_usage(c, "%s", err);
        case RNRCTL_O_HELP:
            *help = 1;
            return 0;
        case O_FLAGS:
            if (rnrctl_parse_lup_flags(val, flags, err, sizeof err) != 0)
                return rnrctl_usage(c, "--flags: %s", err);
            break;
        default:
            if ((r = rnrctl_target_opt(c, t, id, val, 1)) != 0)
                return r;
            break;
        }
    }
    if (t->class_arg == NULL)
        return rnrctl_usage(c, "missing CLASS");
    if (*flags & LUP_CONTAINERS)
        return rnrctl_usage(c, "--flags: containers cannot be browsed");
    return 0;
}

static int rnrctl_cmd_browse(struct rnrctl *c, int argc, char **argv)
{
    struct rnrctl_target t;
    struct rnr_browse *b = NULL;
    WSAQUERYSETA qs, *entry = NULL;
    AFPROTOCOLS afp[2];
    DWORD flags = 0;
    int help = 0, r, kind;

    memset(&t, 0, sizeof t);
    t.ns = NS_ALL;
    if ((r = parse_args(c, &t, &flags, argc, argv, &help)) != 0)
        return r;
    if (help) {
        fputs(rnrctl_help_browse, stdout);
        return RNRCTL_EXIT_OK;
    }
    if (!(flags & LUP_RETURN_ALL))
        flags |= LUP_RETURN_ALL;
    if ((r = rnrctl_target_resolve(c, &t)) != 0)
        return r;
    rnrctl_target_queryset(&t, &qs);
    if (t.protocol != 0) {
        afp[0].iAddressFamily = AF_INET;
        afp[0].iProtocol = t.protocol;
        afp[1].iAddressFamily = AF_INET6;
        afp[1].iProtocol = t.protocol;
        qs.dwNumberOfProtocols = 2;
        qs.lpafpProtocols = afp;
    }
    if ((r = rnrctl_start(c)) != 0)
        return r;
    catch_signals();
    /* Subscribed before listing: nothing falls between the two. */
    if ((r = rnr_browse_open(&qs, flags, &b)) != 0)
        return rnrctl_fail(c, r, "%s", t.class_arg);
    print_silent(c, b);
    if ((r = list_current(c, &qs, flags)) != 0 && !stop_requested) {
        r = rnrctl_fail(c, r, "listing %s", t.class_arg);
        goto done;
    }
    r = RNRCTL_EXIT_OK;
    while (!stop_requested) {
        int st = rnr_browse_next(b, -1, &kind, &entry);

        if (st == WSAEINTR || st == WSAEWOULDBLOCK)
            continue;
        if (st != 0) {
            r = rnrctl_fail(c, st, "rnrd ended the browse");
            break;
        }
        print_change(c, kind, entry, 0);
        rnr_browse_entry_free(entry);
        entry = NULL;
        if (kind == RNR_BROWSE_OVERFLOW && list_current(c, &qs, flags) != 0 &&
            !stop_requested) {
            r = rnrctl_fail(c, WSASYSNOTREADY, "listing %s again", t.class_arg);
            break;
        }
    }
done:
    rnr_browse_close(b);
    return r;
}

const struct rnrctl_command rnrctl_command_browse = {
    .name = "browse",
    .synopsis = "CLASS [NAME]",
    .summary = "watch entries appear and disappear",
    .help = rnrctl_help_browse,
    .run = rnrctl_cmd_browse,
};
