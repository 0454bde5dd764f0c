/* SPDX-License-Identifier: MIT */
/*
 * rnrctl: startup, error reporting, name resolution against rnrd, and
 * class info printing shared by several commands (rnrctl.h).
 */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/un.h>
#include <unistd.h>

#include "alloc.h"
#include "class_xml.h"
#include "guid.h"
#include "opsconn.h"
#include "paths.h"
#include "rnrctl.h"
#include "status.h"
#include "suggest.h"

/* No answer of the daemon's is allowed to make rnrctl allocate without
 * bound: a list or a record beyond this is refused. */
#define RNRCTL_MAX_BUFFER (64u * 1024 * 1024)

static int parse_color(const char *val)
{
    if (strcmp(val, "auto") == 0)
        return RNRCTL_COLOR_AUTO;
    if (strcmp(val, "always") == 0)
        return RNRCTL_COLOR_ALWAYS;
    if (strcmp(val, "never") == 0)
        return RNRCTL_COLOR_NEVER;
    return -1;
}

void rnrctl_common_opt(struct rnrctl *c, int id, const char *val)
{
    int mode;

    if (id == RNRCTL_O_JSON) {
        c->json = 1;
    } else if (id == RNRCTL_O_SOCKET) {
        setenv(RNR_SOCKET_ENV, val, 1);   /* read by librnr at connect time */
    } else if (id == RNRCTL_O_COLOR) {
        if ((mode = parse_color(val)) < 0) {
            /* Every command's option loop comes here; exiting spares each
             * of them a check for a mistake only this option can make.
             * Nothing has been started yet. */
            exit(rnrctl_usage(c, "--color: '%s' is not auto, always or never", val));
        }
        c->color_mode = mode;
    }
}

int rnrctl_color(const struct rnrctl *c)
{
    const char *e;

    if (c->color_mode != RNRCTL_COLOR_AUTO)
        return c->color_mode == RNRCTL_COLOR_ALWAYS;
    if ((e = getenv("NO_COLOR")) != NULL && e[0] != '\0')
        return 0;
    if ((e = getenv("TERM")) != NULL && strcmp(e, "dumb") == 0)
        return 0;
    return isatty(STDOUT_FILENO);
}

void rnrctl_paint(const struct rnrctl *c, const char *sgr)
{
    if (!rnrctl_color(c))
        return;
    printf("\033[%sm", sgr != NULL ? sgr : "0");
}

/* The socket librnr and rnrctl dial, for "is rnrd running?". */
static const char *socket_tried(char *buf, size_t len)
{
    return rnr_path_client_socket(buf, len) == 0 ? buf : NULL;
}

/* One JSON error object on stderr (rnrctl.h). */
static void json_error(const char *name, int code, const char *msg, int exit_status,
                       const char *sock)
{
    struct out_json j;

    out_json_init(&j, stderr, 0);
    out_json_object_begin(&j);
    out_json_kv_string(&j, "error", name);
    if (code != 0)
        out_json_kv_int(&j, "code", code);
    else
        out_json_kv_null(&j, "code");
    out_json_kv_string(&j, "message", msg);
    out_json_kv_int(&j, "exit_status", exit_status);
    if (sock != NULL)
        out_json_kv_string(&j, "socket", sock);
    out_json_object_end(&j);
    out_json_finish(&j);
}

int rnrctl_usage(struct rnrctl *c, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (c->json) {
        json_error("usage", 0, msg, RNRCTL_EXIT_USAGE, NULL);
        return RNRCTL_EXIT_USAGE;
    }
    fprintf(stderr, "rnrctl: %s%s", c->cmd != NULL ? c->cmd : "", c->cmd != NULL ? ": " : "");
    out_text(stderr, msg);    /* it may quote names rnrd sent */
    fprintf(stderr, "\nTry 'rnrctl %s%s--help'.\n", c->cmd != NULL ? c->cmd : "",
            c->cmd != NULL ? " " : "");
    return RNRCTL_EXIT_USAGE;
}

int rnrctl_fail(struct rnrctl *c, int status, const char *fmt, ...)
{
    const char *name = rnr_status_name(status), *sock = NULL;
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)], msg[1024], what[768] = "";
    int exit_status = rnrctl_exit_for_status(status);
    va_list ap;

    if (fmt != NULL) {
        va_start(ap, fmt);
        vsnprintf(what, sizeof what, fmt, ap);
        va_end(ap);
    }
    snprintf(msg, sizeof msg, "%s%s%s%s", rnr_status_text(status), fmt != NULL ? " (" : "",
             what, fmt != NULL ? ")" : "");
    if (status == WSASYSNOTREADY)
        sock = socket_tried(path, sizeof path);
    if (c->json) {
        json_error(name != NULL ? name : "error", status, msg, exit_status, sock);
        return exit_status;
    }
    fprintf(stderr, "rnrctl: %s%s", c->cmd != NULL ? c->cmd : "", c->cmd != NULL ? ": " : "");
    if (name != NULL)
        fprintf(stderr, "%s: ", name);
    else
        fprintf(stderr, "error %d: ", status);
    out_text(stderr, msg);
    fputc('\n', stderr);
    if (status == WSASYSNOTREADY) {
        rnrctl_ops_explain();
        fprintf(stderr, "rnrctl: is rnrd running? (tried socket %s; set $" RNR_SOCKET_ENV
                " or --socket for another)\n", sock != NULL ? sock : "(none: path too long)");
    }
    return exit_status;
}

int rnrctl_unknown(struct rnrctl *c, const char *kind, const char *word,
                   const char *const *known, size_t n)
{
    const char *best = rnr_suggest_pick(word, known, n);
    char list[512];
    size_t i, o = 0;

    if (best != NULL)
        return rnrctl_usage(c, "unknown %s '%s'; did you mean '%s'?", kind, word, best);
    list[0] = '\0';
    for (i = 0; i < n && o < sizeof list; i++)
        o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "", known[i]);
    return rnrctl_usage(c, "unknown %s '%s' (%s)", kind, word, list);
}

int rnrctl_not_found(struct rnrctl *c, const char *what)
{
    char msg[512];

    if (c->json) {
        snprintf(msg, sizeof msg, "nothing found (%s)", what);
        json_error("not_found", 0, msg, RNRCTL_EXIT_NOTFOUND, NULL);
        return RNRCTL_EXIT_NOTFOUND;
    }
    fprintf(stderr, "rnrctl: %s%snothing found (", c->cmd != NULL ? c->cmd : "",
            c->cmd != NULL ? ": " : "");
    out_text(stderr, what);
    fputs(")\n", stderr);
    return RNRCTL_EXIT_NOTFOUND;
}

int rnrctl_last_error(void)
{
    int e = WSAGetLastError();

    /* A failed call that left no error would otherwise look like success. */
    return e != 0 ? e : WSASYSCALLFAILURE;
}

int rnrctl_start(struct rnrctl *c)
{
    WSADATA wsa;
    int r;

    if (c->started)
        return 0;
    r = WSAStartup(MAKEWORD(2, 2), &wsa);
    if (r != 0)
        return rnrctl_fail(c, r, "WSAStartup");
    c->started = 1;
    return 0;
}

void rnrctl_stop(struct rnrctl *c)
{
    size_t i;

    for (i = 0; i < c->nnames; i++)
        rnr_free(c->names[i].name);
    c->nnames = 0;
    rnr_free(c->providers);
    c->providers = NULL;
    rnr_free(c->classes);
    c->classes = NULL;
    if (c->started)
        WSACleanup();
    c->started = 0;
}

/* ------------------------------------------------------------------ */
/* Lists fetched with the grow-on-WSAEFAULT protocol                    */
/* ------------------------------------------------------------------ */
typedef INT (*enum_fn)(LPDWORD len, void *buf);

static INT enum_providers(LPDWORD len, void *buf)
{
    return WSAEnumNameSpaceProvidersA(len, buf);
}

static INT enum_classes(LPDWORD len, void *buf)
{
    return rnr_enum_service_classes(len, buf);
}

/* Calls fn until the buffer is big enough.  A few rounds only: the list
 * may grow between two calls, but not forever. */
static int fetch_list(enum_fn fn, void **out, int *count)
{
    DWORD cap = 4096, len;
    void *buf = rnr_malloc(cap), *nbuf;
    int tries, r, status = WSAENOBUFS;

    if (buf == NULL)
        return WSAENOBUFS;
    for (tries = 0; tries < 8; tries++) {
        len = cap;
        r = fn(&len, buf);
        if (r != SOCKET_ERROR) {
            *out = buf;
            *count = r;
            return 0;
        }
        status = rnrctl_last_error();
        if (status != WSAEFAULT)
            goto fail;
        /* A library that says "too small" without a bigger size would
         * loop forever at the same size: double instead. */
        if (len <= cap)
            len = cap * 2;
        if (len > RNRCTL_MAX_BUFFER) {
            status = WSAENOBUFS;
            goto fail;
        }
        nbuf = rnr_realloc(buf, len);
        if (nbuf == NULL) {
            status = WSAENOBUFS;
            goto fail;
        }
        buf = nbuf;
        cap = len;
    }
fail:
    rnr_free(buf);
    return status;
}

int rnrctl_get_providers(struct rnrctl *c, const WSANAMESPACE_INFOA **out, int *n)
{
    void *buf = NULL;
    int count = 0;

    if (c->providers_status < 0) {
        c->providers_status = fetch_list(enum_providers, &buf, &count);
        if (c->providers_status == 0) {
            c->providers = buf;
            c->nproviders = count;
        }
    }
    if (c->providers_status != 0)
        return c->providers_status;
    *out = c->providers;
    *n = c->nproviders;
    return 0;
}

int rnrctl_get_classes(struct rnrctl *c, const WSASERVICECLASSINFOA **out, int *n)
{
    void *buf = NULL;
    int count = 0;

    if (c->classes_status < 0) {
        c->classes_status = fetch_list(enum_classes, &buf, &count);
        if (c->classes_status == 0) {
            c->classes = buf;
            c->nclasses = count;
        }
    }
    if (c->classes_status != 0)
        return c->classes_status;
    *out = c->classes;
    *n = c->nclasses;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Resolving arguments                                                  */
/* ------------------------------------------------------------------ */
/* A class name that is nothing known is a mistake in the command line,
 * not a lookup that found nothing: a usage error, with the closest alias
 * or installed class name when one is near. */
static int unknown_class(struct rnrctl *c, const char *arg,
                         const WSASERVICECLASSINFOA *cl, int n)
{
    static const char known[] = "a GUID, an alias (host, addr, service, hostname, "
                                "tcp:PORT, udp:PORT) or an installed class";
    struct rnr_suggest sg;
    const char *colon = strchr(arg, ':'), *best;
    char tcp[RNR_SUGGEST_MAX_LEN + 1], udp[RNR_SUGGEST_MAX_LEN + 1];
    size_t i;
    int k;

    rnr_suggest_init(&sg, arg);
    for (i = 0; rnrctl_class_alias(i) != NULL; i++)
        rnr_suggest_add(&sg, rnrctl_class_alias(i));
    /* "tpc:80": the port kept, the prefix mistyped. */
    if (colon != NULL && strlen(colon) < sizeof tcp - 3) {
        snprintf(tcp, sizeof tcp, "tcp%s", colon);
        snprintf(udp, sizeof udp, "udp%s", colon);
        rnr_suggest_add(&sg, tcp);
        rnr_suggest_add(&sg, udp);
    }
    for (k = 0; k < n; k++)
        rnr_suggest_add(&sg, cl[k].lpszServiceClassName);
    best = rnr_suggest_best(&sg);
    if (best != NULL)
        return rnrctl_usage(c, "unknown service class '%s'; did you mean '%s'? (want %s)",
                            arg, best, known);
    return rnrctl_usage(c, "unknown service class '%s' (want %s; rnrctl class list "
                        "shows the installed ones)", arg, known);
}

int rnrctl_resolve_class(struct rnrctl *c, const char *arg, GUID *out)
{
    const WSASERVICECLASSINFOA *cl;
    const GUID *found = NULL;
    char err[256];
    int r, n, i;

    r = rnrctl_parse_class(arg, out, err, sizeof err);
    if (r == 0)
        return 0;
    if (r != RNRCTL_CLASS_NOT_ALIAS)
        return rnrctl_usage(c, "%s", err);

    if ((r = rnrctl_start(c)) != 0)
        return r;
    r = rnrctl_get_classes(c, &cl, &n);
    if (r != 0)
        return rnrctl_fail(c, r, "listing installed classes to find '%s'", arg);
    for (i = 0; i < n; i++) {
        if (cl[i].lpszServiceClassName == NULL || cl[i].lpServiceClassId == NULL ||
            strcasecmp(cl[i].lpszServiceClassName, arg) != 0)
            continue;
        if (found != NULL && !rnr_guid_equal(found, cl[i].lpServiceClassId))
            return rnrctl_usage(c, "class name '%s' is ambiguous: give its GUID "
                                "(rnrctl class list)", arg);
        found = cl[i].lpServiceClassId;
    }
    if (found == NULL)
        return unknown_class(c, arg, cl, n);
    *out = *found;
    return 0;
}

int rnrctl_resolve_provider(struct rnrctl *c, const char *arg, GUID *out)
{
    const WSANAMESPACE_INFOA *p;
    const GUID *found = NULL;
    int r, n, i, pass;

    if (arg[0] == '\0')
        return rnrctl_usage(c, "empty provider name");
    if (rnr_guid_parse(arg, out) == 0)
        return 0;
    if ((r = rnrctl_start(c)) != 0)
        return r;
    r = rnrctl_get_providers(c, &p, &n);
    if (r != 0)
        return rnrctl_fail(c, r, "listing providers to find '%s'", arg);
    /* The whole identifier first; then its leading words ("hosts" for
     * "Hosts and services files"), as long as only one provider fits. */
    for (pass = 0; pass < 2 && found == NULL; pass++) {
        for (i = 0; i < n; i++) {
            const char *ident = p[i].lpszIdentifier;
            size_t len = strlen(arg);

            if (ident == NULL)
                continue;
            if (pass == 0 ? strcasecmp(ident, arg) != 0
                          : strncasecmp(ident, arg, len) != 0 || ident[len] != ' ')
                continue;
            if (found != NULL)
                return rnrctl_usage(c, "provider name '%s' is ambiguous: give its GUID "
                                    "(rnrctl providers)", arg);
            found = &p[i].NSProviderId;
        }
    }
    if (found == NULL)
        return rnrctl_usage(c, "no provider '%s' (rnrctl providers lists them)", arg);
    *out = *found;
    return 0;
}

/* ------------------------------------------------------------------ */
/* CLASS NAME and where the query set goes                              */
/* ------------------------------------------------------------------ */
int rnrctl_target_opt(struct rnrctl *c, struct rnrctl_target *t, int id, const char *val,
                      int version_plus)
{
    char err[256];

    switch (id) {
    case RNRCTL_OPT_POSITIONAL:
        if (t->class_arg == NULL)
            t->class_arg = val;
        else if (t->name == NULL)
            t->name = val;
        else
            return rnrctl_usage(c, "unexpected argument '%s'", val);
        break;
    case RNRCTL_O_NS:
        if (rnrctl_parse_namespace(val, &t->ns, err, sizeof err) != 0)
            return rnrctl_usage(c, "--ns: %s", err);
        break;
    case RNRCTL_O_PROVIDER:
        t->provider_arg = val;
        break;
    case RNRCTL_O_CONTEXT:
        t->context = val;
        break;
    case RNRCTL_O_PROTOCOL:
        if (rnrctl_parse_protocol(val, &t->protocol, err, sizeof err) != 0)
            return rnrctl_usage(c, "--protocol: %s", err);
        break;
    case RNRCTL_O_VERSION:
        if (rnrctl_parse_version(val, version_plus, &t->version, err, sizeof err) != 0)
            return rnrctl_usage(c, "--version: %s", err);
        t->have_version = 1;
        break;
    default:
        rnrctl_common_opt(c, id, val);
        break;
    }
    return 0;
}

int rnrctl_target_resolve(struct rnrctl *c, struct rnrctl_target *t)
{
    int r;

    if ((r = rnrctl_resolve_class(c, t->class_arg, &t->class_id)) != 0)
        return r;
    if (t->provider_arg != NULL)
        return rnrctl_resolve_provider(c, t->provider_arg, &t->provider_id);
    return 0;
}

void rnrctl_target_queryset(struct rnrctl_target *t, WSAQUERYSETA *qs)
{
    memset(qs, 0, sizeof *qs);
    qs->dwSize = sizeof *qs;
    qs->lpszServiceInstanceName = (LPSTR)t->name;
    qs->lpServiceClassId = &t->class_id;
    qs->lpVersion = t->have_version ? &t->version : NULL;
    qs->dwNameSpace = t->ns;
    qs->lpNSProviderId = t->provider_arg != NULL ? &t->provider_id : NULL;
    qs->lpszContext = (LPSTR)t->context;
}

/* ------------------------------------------------------------------ */
/* Names for display                                                    */
/* ------------------------------------------------------------------ */
const char *rnrctl_class_name(struct rnrctl *c, const GUID *g)
{
    const char *wk = rnr_guid_wellknown_name(g);
    char buf[256];
    DWORD len = sizeof buf;
    size_t i;
    char *name = NULL;

    if (wk != NULL)
        return wk;
    for (i = 0; i < c->nnames; i++)
        if (rnr_guid_equal(&c->names[i].id, g))
            return c->names[i].name;
    if (c->started &&
        WSAGetServiceClassNameByServiceClassIdA((LPGUID)g, buf, &len) == 0) {
        buf[sizeof buf - 1] = '\0';
        name = rnr_strdup(buf);
    }
    /* Cache misses too, so a result list of one unnamed class costs one
     * request, not one per result. */
    if (c->nnames < RNRCTL_NAME_CACHE) {
        c->names[c->nnames].id = *g;
        c->names[c->nnames].name = name;
        c->nnames++;
        return name;
    }
    rnr_free(name);
    return NULL;
}

const char *rnrctl_provider_name(struct rnrctl *c, const GUID *g)
{
    const WSANAMESPACE_INFOA *p;
    int n, i;

    if (!c->started || rnrctl_get_providers(c, &p, &n) != 0)
        return NULL;
    for (i = 0; i < n; i++)
        if (rnr_guid_equal(&p[i].NSProviderId, g))
            return p[i].lpszIdentifier;
    return NULL;
}

void rnrctl_format_namespace(DWORD ns, char *buf, size_t len)
{
    const char *name = rnr_namespace_name(ns);

    if (name != NULL)
        snprintf(buf, len, "%s (%lu)", name, (unsigned long)ns);
    else
        snprintf(buf, len, "%lu", (unsigned long)ns);
}

/* ------------------------------------------------------------------ */
/* Class info                                                           */
/* ------------------------------------------------------------------ */
static const char *value_type_name(DWORD t)
{
    switch (t) {
    case REG_NONE:      return "none";
    case REG_SZ:        return "string";
    case REG_EXPAND_SZ: return "expand-string";
    case REG_BINARY:    return "binary";
    case REG_DWORD:     return "dword";
    case REG_MULTI_SZ:  return "multi-string";
    default:            return NULL;
    }
}

/* The value as text for the table, newly allocated; NULL on ENOMEM.
 * Sizes are re-checked: a value is never read past dwValueSize. */
static char *value_text(const WSANSCLASSINFOA *e)
{
    const unsigned char *v = e->lpValue;
    size_t n = e->lpValue != NULL ? e->dwValueSize : 0, i, shown;
    char *buf, *d;

    if (v == NULL || e->dwValueType == REG_NONE)
        return rnr_strdup("-");
    if (e->dwValueType == REG_DWORD && n == 4) {
        uint32_t x;

        buf = rnr_malloc(32);
        if (buf != NULL) {
            memcpy(&x, v, 4);
            snprintf(buf, 32, "%lu (0x%lx)", (unsigned long)x, (unsigned long)x);
        }
        return buf;
    }
    if (e->dwValueType == REG_SZ || e->dwValueType == REG_EXPAND_SZ)
        return rnr_strndup((const char *)v, strnlen((const char *)v, n));
    if (e->dwValueType == REG_MULTI_SZ) {
        /* Items shown comma-separated. */
        buf = rnr_malloc(n + 1);
        if (buf == NULL)
            return NULL;
        d = buf;
        for (i = 0; i < n;) {
            size_t l = strnlen((const char *)v + i, n - i);

            if (l == 0)
                break;
            if (d != buf)
                *d++ = ',';
            memcpy(d, v + i, l);
            d += l;
            i += l + 1;
        }
        *d = '\0';
        return buf;
    }
    /* Binary and unknown types: hex, cut at 64 bytes for the table. */
    shown = n > 64 ? 64 : n;
    buf = rnr_malloc(shown * 2 + 8);
    if (buf == NULL)
        return NULL;
    d = buf;
    for (i = 0; i < shown; i++)
        d += sprintf(d, "%02x", v[i]);
    if (shown < n)
        strcpy(d, "...");
    else if (n == 0)
        strcpy(d, "(empty)");
    return buf;
}

void rnrctl_print_class(struct rnrctl *c, const WSASERVICECLASSINFOA *ci, FILE *f)
{
    static const char *const hdr[] = { "VALUE", "NAME SPACE", "TYPE", "DATA" };
    char id[RNR_GUID_STRLEN] = "-", ns[48], type[16];
    struct out_table t;
    DWORD i;

    (void)c;
    if (ci->lpServiceClassId != NULL)
        rnr_guid_format(ci->lpServiceClassId, id);
    fprintf(f, "class:   %s\nname:    ", id);
    out_text(f, ci->lpszServiceClassName);
    fprintf(f, "\nentries: %lu\n", (unsigned long)ci->dwCount);
    if (ci->dwCount == 0 || ci->lpClassInfos == NULL)
        return;
    if (out_table_init(&t, 4, hdr) != 0)
        goto done;
    for (i = 0; i < ci->dwCount; i++) {
        const WSANSCLASSINFOA *e = &ci->lpClassInfos[i];
        const char *tn = value_type_name(e->dwValueType);
        char *val = value_text(e);
        const char *row[4];

        rnrctl_format_namespace(e->dwNameSpace, ns, sizeof ns);
        if (tn == NULL)
            snprintf(type, sizeof type, "type %lu", (unsigned long)e->dwValueType);
        row[0] = e->lpszName;
        row[1] = ns;
        row[2] = tn != NULL ? tn : type;
        row[3] = val != NULL ? val : "?";
        out_table_add(&t, row);
        rnr_free(val);
    }
    fputc('\n', f);
    out_table_print(&t, f);
done:
    out_table_free(&t);
}

static void json_value(struct out_json *j, const WSANSCLASSINFOA *e)
{
    const unsigned char *v = e->lpValue;
    size_t n = v != NULL ? e->dwValueSize : 0, i;

    if (v == NULL || e->dwValueType == REG_NONE) {
        out_json_null(j);
    } else if (e->dwValueType == REG_DWORD && n == 4) {
        uint32_t x;

        memcpy(&x, v, 4);
        out_json_uint(j, x);
    } else if (e->dwValueType == REG_SZ || e->dwValueType == REG_EXPAND_SZ) {
        out_json_string_n(j, (const char *)v, strnlen((const char *)v, n));
    } else if (e->dwValueType == REG_MULTI_SZ) {
        out_json_array_begin(j);
        for (i = 0; i < n;) {
            size_t l = strnlen((const char *)v + i, n - i);

            if (l == 0)
                break;
            out_json_string_n(j, (const char *)v + i, l);
            i += l + 1;
        }
        out_json_array_end(j);
    } else {
        out_json_hex(j, v, n);
    }
}

void rnrctl_json_class(struct rnrctl *c, struct out_json *j, const WSASERVICECLASSINFOA *ci)
{
    char id[RNR_GUID_STRLEN];
    DWORD i;

    (void)c;
    out_json_object_begin(j);
    out_json_key(j, "id");
    if (ci->lpServiceClassId != NULL) {
        rnr_guid_format(ci->lpServiceClassId, id);
        out_json_string(j, id);
    } else {
        out_json_null(j);
    }
    out_json_kv_string(j, "name", ci->lpszServiceClassName);
    out_json_key(j, "values");
    out_json_array_begin(j);
    for (i = 0; ci->lpClassInfos != NULL && i < ci->dwCount; i++) {
        const WSANSCLASSINFOA *e = &ci->lpClassInfos[i];

        out_json_object_begin(j);
        out_json_kv_string(j, "name", e->lpszName);
        out_json_kv_uint(j, "namespace", e->dwNameSpace);
        out_json_kv_string(j, "namespace_name", rnr_namespace_name(e->dwNameSpace));
        out_json_kv_string(j, "type", value_type_name(e->dwValueType));
        out_json_kv_uint(j, "type_number", e->dwValueType);
        out_json_kv_uint(j, "size", e->lpValue != NULL ? e->dwValueSize : 0);
        out_json_key(j, "value");
        json_value(j, e);
        out_json_object_end(j);
    }
    out_json_array_end(j);
    out_json_object_end(j);
}
