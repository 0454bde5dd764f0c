/* SPDX-License-Identifier: MIT */
/*
 * Configuration parsing.  inih does the tokenising; this file feeds it the
 * text line by line through a reader of its own, which is how errors get
 * line numbers (the installed inih has no INI_HANDLER_LINENO), how section
 * headers are seen even when a section has no keys (inih only reports
 * keys), and how a few inih behaviours that would silently change meaning
 * are avoided: leading whitespace is stripped (so indentation never turns
 * a key into a continuation line), " # comment" at the end of a line is
 * removed like " ; comment", and over-long lines are an error instead of
 * being split in two.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/un.h>

#include <ini.h>

#include "alloc.h"
#include "class_xml.h"
#include "conf.h"
#include "confkey.h"
#include "guid.h"
#include "log.h"
#include "suggest.h"

const char rnrd_default_config[] =
#include "daemon/defconf.h"
    ;

#define CONFIG_MAX_FILE     (1u << 20)
#define CONFIG_MAX_NAME     64
#define CONFIG_MAX_PROVIDERS 256u   /* RNR_WIRE_MAX_PROVIDERS */
#define CONFIG_MAX_KEYS     256u

/* ------------------------------------------------------------ errors */

void rnrd_errors_add(struct rnrd_errors *e, const char *fmt, ...)
{
    char buf[1024], **n;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    n = rnr_realloc(e->msgs, (e->n + 1) * sizeof *n);
    if (n == NULL)
        return;
    e->msgs = n;
    if ((e->msgs[e->n] = rnr_strdup(buf)) != NULL)
        e->n++;
}

void rnrd_errors_free(struct rnrd_errors *e)
{
    size_t i;

    if (e == NULL)
        return;
    for (i = 0; i < e->n; i++)
        rnr_free(e->msgs[i]);
    rnr_free(e->msgs);
    e->msgs = NULL;
    e->n = 0;
}

/* The line of a "SOURCE:LINE: ..." message, UINT_MAX for others. */
static unsigned error_line(const char *msg, const char *source, size_t slen)
{
    unsigned long n;
    char *end;

    if (strncmp(msg, source, slen) != 0 || msg[slen] != ':' || msg[slen + 1] < '0' ||
        msg[slen + 1] > '9')
        return UINT_MAX;
    n = strtoul(msg + slen + 1, &end, 10);
    return *end == ':' && n < UINT_MAX ? (unsigned)n : UINT_MAX;
}

void rnrd_errors_sort(struct rnrd_errors *e, const char *source)
{
    size_t i, j, slen;
    char *m;

    if (e == NULL || source == NULL)
        return;
    slen = strlen(source);
    /* Insertion sort: stable, and a file has few errors. */
    for (i = 1; i < e->n; i++) {
        m = e->msgs[i];
        for (j = i; j > 0 && error_line(e->msgs[j - 1], source, slen) >
                             error_line(m, source, slen); j--)
            e->msgs[j] = e->msgs[j - 1];
        e->msgs[j] = m;
    }
}

/* ------------------------------------------------------------ model */

static void provider_conf_clear(struct rnrd_provider_conf *pc)
{
    size_t i;

    rnr_free(pc->name);
    rnr_free(pc->module);
    rnr_free(pc->display_name);
    for (i = 0; i < pc->nkeys; i++) {
        rnr_free(pc->keys[i].key);
        rnr_free(pc->keys[i].value);
    }
    rnr_free(pc->keys);
}

void rnrd_config_free(struct rnrd_config *cfg)
{
    size_t i;

    if (cfg == NULL)
        return;
    rnr_free(cfg->source);
    rnr_free(cfg->socket);
    rnr_free(cfg->state_dir);
    rnr_free(cfg->module_dir);
    rnr_free(cfg->class_dir);
    rnr_free(cfg->admin_group);
    rnr_free(cfg->user);
    rnr_free(cfg->group);
    for (i = 0; i < cfg->nproviders; i++)
        provider_conf_clear(&cfg->providers[i]);
    rnr_free(cfg->providers);
    rnr_free(cfg);
}

const char *rnrd_config_get(const struct rnrd_provider_conf *pc, const char *key)
{
    size_t i;

    if (pc == NULL || key == NULL)
        return NULL;
    for (i = 0; i < pc->nkeys; i++)
        if (strcmp(pc->keys[i].key, key) == 0)
            return pc->keys[i].value;
    return NULL;
}

void rnrd_config_suggest(const char *key, const struct rnr_nsp_key *a,
                         const struct rnr_nsp_key *b, char *out, size_t outlen)
{
    struct rnr_suggest sg;
    const char *best;

    rnr_suggest_init(&sg, key);
    for (; a != NULL && a->name != NULL; a++)
        rnr_suggest_add(&sg, a->name);
    for (; b != NULL && b->name != NULL; b++)
        rnr_suggest_add(&sg, b->name);
    best = rnr_suggest_best(&sg);
    if (best != NULL)
        snprintf(out, outlen, "; did you mean `%s`?", best);
    else if (outlen > 0)
        out[0] = '\0';
}

/* ------------------------------------------------------------ parser state */

enum section_kind { SEC_NONE, SEC_DAEMON, SEC_PROVIDER, SEC_IGNORED };

enum daemon_key {
    DK_SOCKET, DK_STATE_DIR, DK_MODULE_DIR, DK_CLASS_DIR, DK_ADMIN_GROUP,
    DK_MAX_LOOKUPS, DK_MAX_MESSAGE, DK_MAX_CLIENTS, DK_MAX_RESULTS, DK_LOG_LEVEL,
    DK_USER, DK_GROUP, DK_ANSWER_CACHE,
    DK_MAX_CLIENTS_UID, DK_RESERVED_ADMIN, DK_IDLE_TIMEOUT, DK_FRAME_TIMEOUT,
    DK_MAX_OUT_CLIENT, DK_MAX_OUT_LOOKUP, DK_MEMORY_LIMIT, DK_MAX_MEMORY_UID,
    DK_COUNT
};

static const char *const log_levels[] = { "err", "warning", "notice", "info", "debug", NULL };

#define DKEY(n, t, lo, hi, h) { .name = n, .type = t, .min = lo, .max = hi, .help = h }
#define DPATH(n, h) DKEY(n, RNR_NSP_KEY_PATH, 0, 0, h)
#define DSTR(n, h) DKEY(n, RNR_NSP_KEY_STRING, 0, 0, h)
#define DNUM(n, lo, hi, h) DKEY(n, RNR_NSP_KEY_UINT, lo, hi, h)

/* The [daemon] keys, in enum daemon_key order: what the parser accepts,
 * the ranges it checks and what `rnrd --list-config-keys` prints. */
static const struct rnr_nsp_key daemon_keys[DK_COUNT + 1] = {
    [DK_SOCKET] = DPATH("socket", "the control socket"),
    [DK_STATE_DIR] = DPATH("state-dir", "persistent state"),
    [DK_MODULE_DIR] = DPATH("module-dir", "where module = NAME finds NAME.so"),
    [DK_CLASS_DIR] = DPATH("class-dir", "service classes described in XML"),
    [DK_ADMIN_GROUP] = DSTR("admin-group", "group whose members may manage rnrd"),
    [DK_MAX_LOOKUPS] = DNUM("max-lookups-per-client", 1, 65536, "open lookups per connection"),
    [DK_MAX_MESSAGE] = DNUM("max-message-size", 4096, 64u << 20, "bytes in one request"),
    [DK_MAX_CLIENTS] = DNUM("max-clients", 1, 1000000, "connections served at once"),
    [DK_MAX_RESULTS] = DNUM("max-results-per-lookup", 1, 100000000,
                            "results one lookup may queue"),
    [DK_LOG_LEVEL] = { .name = "log-level", .type = RNR_NSP_KEY_ENUM, .values = log_levels,
                       .help = "err, warning, notice, info or debug" },
    [DK_USER] = DSTR("user", "the user rnrd switches to when started as root"),
    [DK_GROUP] = DSTR("group", "the group rnrd switches to"),
    [DK_ANSWER_CACHE] = DNUM("answer-cache-size", 0, 1u << 30,
                             "bytes of the answer cache, 0 (off) or at least 65536"),
    [DK_MAX_CLIENTS_UID] = DNUM("max-clients-per-uid", 1, 1000000,
                                "connections one uid may hold"),
    [DK_RESERVED_ADMIN] = DNUM("reserved-admin-clients", 0, 1000000,
                               "connections kept for administrators"),
    [DK_IDLE_TIMEOUT] = DNUM("client-idle-timeout-ms", 0, 86400000,
                             "idle connections closed after, 0 (never) or at least 100"),
    [DK_FRAME_TIMEOUT] = DNUM("frame-timeout-ms", 0, 3600000,
                              "a request must arrive within, 0 (never) or at least 100"),
    [DK_MAX_OUT_CLIENT] = DNUM("max-output-per-client", 65536, 1u << 30,
                               "bytes buffered for one connection"),
    [DK_MAX_OUT_LOOKUP] = DNUM("max-output-per-lookup", 65536, 1u << 30,
                               "bytes of results one lookup may hold"),
    [DK_MEMORY_LIMIT] = DNUM("memory-limit", 8u << 20, (uint64_t)1 << 40,
                             "bytes held for all clients together"),
    [DK_MAX_MEMORY_UID] = DNUM("max-memory-per-uid", 1u << 20, (uint64_t)1 << 40,
                               "bytes held for one uid"),
    [DK_COUNT] = { .name = NULL }
};

/* The keys rnrd itself reads in every [provider NAME] section; any other
 * is the module's (rnr_nsp_ops.config_keys). */
const struct rnr_nsp_key rnrd_provider_keys[] = {
    { .name = "module", .type = RNR_NSP_KEY_PATH,
      .help = "required: a module name in module-dir or a path to a shared object" },
    { .name = "namespace", .type = RNR_NSP_KEY_STRING,
      .help = "a number or a name such as NS_DNS (default: the module's)" },
    { .name = "id", .type = RNR_NSP_KEY_STRING,
      .help = "the provider GUID (default: the module's)" },
    { .name = "enabled", .type = RNR_NSP_KEY_BOOL, .help = "yes or no (default yes)" },
    { .name = "display-name", .type = RNR_NSP_KEY_STRING,
      .help = "the identifier WSAEnumNameSpaceProviders reports" },
    { .name = NULL }
};

const struct rnr_nsp_key *rnrd_daemon_keys(void)
{
    return daemon_keys;
}

struct parser {
    struct rnrd_config *cfg;
    struct rnrd_errors *errs;
    size_t              nerr_start;
    const char         *text;
    size_t              len;
    size_t              pos;
    unsigned            line;
    enum section_kind   kind;
    char                secname[CONFIG_MAX_NAME + 16];  /* "[provider x]" */
    unsigned            daemon_line;                    /* 0: not seen */
    unsigned            dk_line[DK_COUNT];
    int                 oom;
};


static void parse_error(struct parser *ps, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void parse_error(struct parser *ps, const char *key, const char *fmt, ...)
{
    char what[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (key != NULL && ps->secname[0] != '\0')
        rnrd_errors_add(ps->errs, "%s:%u: %s %s: %s", ps->cfg->source, ps->line,
                        ps->secname, key, what);
    else if (key != NULL)
        rnrd_errors_add(ps->errs, "%s:%u: %s: %s", ps->cfg->source, ps->line, key, what);
    else if (ps->secname[0] != '\0')
        rnrd_errors_add(ps->errs, "%s:%u: %s: %s", ps->cfg->source, ps->line,
                        ps->secname, what);
    else
        rnrd_errors_add(ps->errs, "%s:%u: %s", ps->cfg->source, ps->line, what);
}

static struct rnrd_provider_conf *cur_provider(struct parser *ps)
{
    return &ps->cfg->providers[ps->cfg->nproviders - 1];
}

/* ------------------------------------------------------------ sections */

static int provider_name_ok(const char *s)
{
    size_t i, n = strlen(s);

    /* The name becomes a directory under the state dir: no separators,
     * no dot files. */
    if (n == 0 || n > CONFIG_MAX_NAME || s[0] == '.' || s[0] == '-')
        return 0;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
            return 0;
    }
    return 1;
}

static void section_begin(struct parser *ps, const char *name, size_t n)
{
    struct rnrd_config *cfg = ps->cfg;
    char buf[256];
    const char *arg;
    size_t i;

    /* Trim inside the brackets. */
    while (n > 0 && (name[0] == ' ' || name[0] == '\t'))
        name++, n--;
    while (n > 0 && (name[n - 1] == ' ' || name[n - 1] == '\t'))
        n--;
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    memcpy(buf, name, n);
    buf[n] = '\0';
    ps->kind = SEC_IGNORED;
    snprintf(ps->secname, sizeof ps->secname, "[%.*s]", CONFIG_MAX_NAME + 10, buf);

    if (strcmp(buf, "daemon") == 0) {
        if (ps->daemon_line != 0) {
            parse_error(ps, NULL, "section given twice (first at line %u)", ps->daemon_line);
            return;
        }
        ps->daemon_line = ps->line;
        ps->kind = SEC_DAEMON;
        return;
    }
    if (strncmp(buf, "provider", 8) != 0 || (buf[8] != ' ' && buf[8] != '\t')) {
        parse_error(ps, NULL, "unknown section (expected [daemon] or [provider NAME])");
        return;
    }
    arg = buf + 9;
    while (*arg == ' ' || *arg == '\t')
        arg++;
    snprintf(ps->secname, sizeof ps->secname, "[provider %.*s]", CONFIG_MAX_NAME, arg);
    if (!provider_name_ok(arg)) {
        parse_error(ps, NULL, "bad provider name (1 to %d characters of A-Z a-z 0-9 . _ -, "
                    "not starting with . or -)", CONFIG_MAX_NAME);
        return;
    }
    for (i = 0; i < cfg->nproviders; i++) {
        if (strcmp(cfg->providers[i].name, arg) == 0) {
            parse_error(ps, NULL, "duplicate provider name (first at line %u)",
                        cfg->providers[i].line);
            return;
        }
    }
    if (cfg->nproviders >= CONFIG_MAX_PROVIDERS) {
        parse_error(ps, NULL, "too many providers (at most %u)", CONFIG_MAX_PROVIDERS);
        return;
    } else {
        struct rnrd_provider_conf *np;

        np = rnr_realloc(cfg->providers, (cfg->nproviders + 1) * sizeof *np);
        if (np == NULL) {
            ps->oom = 1;
            return;
        }
        cfg->providers = np;
        np = &cfg->providers[cfg->nproviders];
        memset(np, 0, sizeof *np);
        np->name = rnr_strdup(arg);
        if (np->name == NULL) {
            ps->oom = 1;
            return;
        }
        np->line = ps->line;
        np->enabled = 1;
        cfg->nproviders++;
        ps->kind = SEC_PROVIDER;
    }
}

/* ------------------------------------------------------------ values */

static int parse_size(const char *v, size_t lo, size_t hi, size_t *out)
{
    unsigned long long x;
    char *end;

    if (v[0] < '0' || v[0] > '9')
        return -1;
    errno = 0;
    x = strtoull(v, &end, 10);
    if (errno != 0 || *end != '\0' || x < lo || x > hi)
        return -1;
    *out = (size_t)x;
    return 0;
}

static int set_string(struct parser *ps, char **dst, const char *key, const char *v)
{
    if (v[0] == '\0') {
        parse_error(ps, key, "empty value");
        return -1;
    }
    rnr_free(*dst);
    *dst = rnr_strdup(v);
    if (*dst == NULL)
        ps->oom = 1;
    return 0;
}

static void daemon_key(struct parser *ps, const char *key, const char *v)
{
    struct rnrd_config *cfg = ps->cfg;
    char hint[128];
    size_t *lim = NULL;
    int k, lvl;

    for (k = 0; k < DK_COUNT; k++)
        if (strcmp(key, daemon_keys[k].name) == 0)
            break;
    if (k == DK_COUNT) {
        rnrd_config_suggest(key, daemon_keys, NULL, hint, sizeof hint);
        parse_error(ps, key, "unknown key%s", hint);
        return;
    }
    if (ps->dk_line[k] != 0) {
        parse_error(ps, key, "given twice (first at line %u)", ps->dk_line[k]);
        return;
    }
    ps->dk_line[k] = ps->line;
    switch ((enum daemon_key)k) {
    case DK_SOCKET:
        if (strlen(v) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
            parse_error(ps, key, "path too long for a unix socket (at most %zu bytes)",
                        sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
            return;
        }
        set_string(ps, &cfg->socket, key, v);
        return;
    case DK_STATE_DIR:   set_string(ps, &cfg->state_dir, key, v); return;
    case DK_MODULE_DIR:  set_string(ps, &cfg->module_dir, key, v); return;
    case DK_CLASS_DIR:   set_string(ps, &cfg->class_dir, key, v); return;
    case DK_ADMIN_GROUP: set_string(ps, &cfg->admin_group, key, v); return;
    case DK_USER:        set_string(ps, &cfg->user, key, v); return;
    case DK_GROUP:       set_string(ps, &cfg->group, key, v); return;
    case DK_LOG_LEVEL:
        lvl = rnrd_log_level_parse(v);
        if (lvl < 0)
            parse_error(ps, key, "'%s' is not one of err, warning, notice, info, debug", v);
        else
            cfg->log_level = lvl;
        return;
    case DK_MAX_LOOKUPS: lim = &cfg->limits.max_lookups_per_client; break;
    case DK_MAX_MESSAGE: lim = &cfg->limits.max_message_size; break;
    case DK_MAX_CLIENTS: lim = &cfg->limits.max_clients; break;
    case DK_MAX_RESULTS: lim = &cfg->limits.max_results_per_lookup; break;
    case DK_ANSWER_CACHE: lim = &cfg->answer_cache_size; break;
    case DK_MAX_CLIENTS_UID: lim = &cfg->limits.max_clients_per_uid; break;
    case DK_RESERVED_ADMIN: lim = &cfg->limits.reserved_admin_clients; break;
    case DK_IDLE_TIMEOUT: lim = &cfg->limits.client_idle_timeout_ms; break;
    case DK_FRAME_TIMEOUT: lim = &cfg->limits.frame_timeout_ms; break;
    case DK_MAX_OUT_CLIENT: lim = &cfg->limits.max_output_per_client; break;
    case DK_MAX_OUT_LOOKUP: lim = &cfg->limits.max_output_per_lookup; break;
    case DK_MEMORY_LIMIT: lim = &cfg->limits.memory_limit; break;
    case DK_MAX_MEMORY_UID: lim = &cfg->limits.max_memory_per_uid; break;
    case DK_COUNT:       return;
    }
    if (parse_size(v, (size_t)daemon_keys[k].min, (size_t)daemon_keys[k].max, lim) != 0)
        parse_error(ps, key, "'%s' is not a number from %zu to %zu", v,
                    (size_t)daemon_keys[k].min, (size_t)daemon_keys[k].max);
    else if (k == DK_ANSWER_CACHE && *lim > 0 && *lim < 65536)
        parse_error(ps, key, "'%s': 0 (off) or at least 65536 bytes", v);
    else if ((k == DK_IDLE_TIMEOUT || k == DK_FRAME_TIMEOUT) && *lim > 0 && *lim < 100)
        parse_error(ps, key, "'%s': 0 (never) or at least 100 ms", v);
}

static void provider_key(struct parser *ps, const char *key, const char *v)
{
    struct rnrd_provider_conf *pc = cur_provider(ps);
    struct rnrd_kv *nk;
    size_t i;
    long ns;

    for (i = 0; i < pc->nkeys; i++) {
        if (strcmp(pc->keys[i].key, key) == 0) {
            parse_error(ps, key, "given twice (first at line %u)", pc->keys[i].line);
            return;
        }
    }
    if (pc->nkeys >= CONFIG_MAX_KEYS) {
        parse_error(ps, key, "too many keys in one section (at most %u)", CONFIG_MAX_KEYS);
        return;
    }
    if (strcmp(key, "module") == 0) {
        if (set_string(ps, &pc->module, key, v) != 0)
            return;
    } else if (strcmp(key, "namespace") == 0) {
        ns = rnr_namespace_from_string(v);
        if (ns < 0 || ns > (long)UINT32_MAX) {
            parse_error(ps, key, "unknown name space '%s'", v);
            return;
        }
        if (ns == NS_ALL) {
            parse_error(ps, key, "NS_ALL is not a provider's name space");
            return;
        }
        pc->has_name_space = 1;
        pc->name_space = (DWORD)ns;
    } else if (strcmp(key, "id") == 0) {
        if (rnr_guid_parse(v, &pc->id) != 0 || rnr_guid_is_null(&pc->id)) {
            parse_error(ps, key, "'%s' is not a GUID ({xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx})", v);
            return;
        }
        pc->has_id = 1;
    } else if (strcmp(key, "enabled") == 0) {
        if (rnr_confkey_bool(v, &pc->enabled) != 0) {
            parse_error(ps, key, "'%s' is not yes, no, true, false, on, off, 1 or 0", v);
            return;
        }
    } else if (strcmp(key, "display-name") == 0) {
        if (strlen(v) > 255) {
            parse_error(ps, key, "longer than 255 bytes");
            return;
        }
        if (set_string(ps, &pc->display_name, key, v) != 0)
            return;
    }
    /* Everything, standard keys included, is kept for config_get; the
     * module's own keys are checked against what it declares once it is
     * loaded (rnrd_providers_check). */
    nk = rnr_realloc(pc->keys, (pc->nkeys + 1) * sizeof *nk);
    if (nk == NULL) {
        ps->oom = 1;
        return;
    }
    pc->keys = nk;
    nk[pc->nkeys].key = rnr_strdup(key);
    nk[pc->nkeys].value = rnr_strdup(v);
    nk[pc->nkeys].line = ps->line;
    if (nk[pc->nkeys].key == NULL || nk[pc->nkeys].value == NULL) {
        rnr_free(nk[pc->nkeys].key);
        rnr_free(nk[pc->nkeys].value);
        ps->oom = 1;
        return;
    }
    pc->nkeys++;
}

static int ini_handler_cb(void *user, const char *section, const char *key, const char *value)
{
    struct parser *ps = user;

    (void)section;   /* ours is tracked by the reader, untruncated */
    switch (ps->kind) {
    case SEC_NONE:
        parse_error(ps, key, "key outside of any section");
        break;
    case SEC_DAEMON:
        daemon_key(ps, key, value);
        break;
    case SEC_PROVIDER:
        provider_key(ps, key, value);
        break;
    case SEC_IGNORED:
        break;   /* the section header was already reported */
    }
    return 1;
}

/* ------------------------------------------------------------ reader */

static char *config_reader(char *str, int num, void *stream)
{
    struct parser *ps = stream;
    const char *s, *e, *nl, *p;
    size_t n;

    if (ps->pos >= ps->len || num < 4)
        return NULL;
    s = ps->text + ps->pos;
    nl = memchr(s, '\n', ps->len - ps->pos);
    e = nl ? nl : ps->text + ps->len;
    ps->pos = (size_t)(e - ps->text) + (nl ? 1 : 0);
    ps->line++;
    if (memchr(s, '\0', (size_t)(e - s)) != NULL) {
        parse_error(ps, NULL, "NUL byte in line");
        goto blank;
    }
    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    while (e > s && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
        e--;
    if (s == e || *s == '#' || *s == ';')
        goto blank;
    /* " # comment" ends a line as " ; comment" does. */
    for (p = s + 1; p < e; p++) {
        if (*p == '#' && (p[-1] == ' ' || p[-1] == '\t')) {
            e = p;
            while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
                e--;
            break;
        }
    }
    n = (size_t)(e - s);
    if (n + 2 > (size_t)num) {
        parse_error(ps, NULL, "line too long (at most %d characters)", num - 3);
        goto blank;
    }
    if (*s == '[') {
        const char *close = memchr(s, ']', n);
        if (close == NULL || close + 1 != e) {
            ps->secname[0] = '\0';
            parse_error(ps, NULL, "malformed section header");
            ps->kind = SEC_IGNORED;
            goto blank;
        }
        section_begin(ps, s + 1, (size_t)(close - s - 1));
    } else if (memchr(s, '=', n) == NULL && memchr(s, ':', n) == NULL) {
        parse_error(ps, NULL, "expected 'key = value'");
        goto blank;
    } else if (*s == '=' || *s == ':') {
        parse_error(ps, NULL, "missing key before '%c'", *s);
        goto blank;
    }
    memcpy(str, s, n);
    str[n] = '\n';
    str[n + 1] = '\0';
    return str;
blank:
    /* Handled (or reported) here; inih sees an empty line. */
    str[0] = '\n';
    str[1] = '\0';
    return str;
}

/* ------------------------------------------------------------ entry points */

/* Limits that only make sense together.  A key left out follows the
 * others (reserved-admin-clients: 16, at most a quarter of max-clients;
 * max-memory-per-uid: a quarter of memory-limit); one given that
 * contradicts them is reported at its line. */
/* The line of whichever of the memory keys was given last. */
static unsigned limits_line(const struct parser *ps)
{
    unsigned line = ps->dk_line[DK_MAX_MESSAGE];

    if (ps->dk_line[DK_MAX_MEMORY_UID] > line)
        line = ps->dk_line[DK_MAX_MEMORY_UID];
    if (ps->dk_line[DK_MEMORY_LIMIT] > line)
        line = ps->dk_line[DK_MEMORY_LIMIT];
    return line;
}

static void limits_check(struct parser *ps)
{
    struct rnrd_limits *l = &ps->cfg->limits;
    const char *src = ps->cfg->source;

    if (ps->dk_line[DK_RESERVED_ADMIN] == 0 && l->reserved_admin_clients > l->max_clients / 4)
        l->reserved_admin_clients = l->max_clients / 4;
    if (ps->dk_line[DK_MAX_MEMORY_UID] == 0)
        l->max_memory_per_uid = l->memory_limit / 4;
    if (l->reserved_admin_clients >= l->max_clients)
        rnrd_errors_add(ps->errs, "%s:%u: [daemon] reserved-admin-clients: %zu leaves no "
                        "connection for other users (max-clients is %zu)", src,
                        ps->dk_line[DK_RESERVED_ADMIN], l->reserved_admin_clients,
                        l->max_clients);
    if (l->max_memory_per_uid > l->memory_limit)
        rnrd_errors_add(ps->errs, "%s:%u: [daemon] max-memory-per-uid: %zu is above "
                        "memory-limit (%zu)", src, ps->dk_line[DK_MAX_MEMORY_UID],
                        l->max_memory_per_uid, l->memory_limit);
    /* A whole request and its reply must fit in one user's share. */
    else if (l->max_message_size > l->max_memory_per_uid / 2)
        rnrd_errors_add(ps->errs, "%s:%u: [daemon] max-message-size: %zu is above half of "
                        "max-memory-per-uid (%zu)", src, limits_line(ps),
                        l->max_message_size, l->max_memory_per_uid);
}

static void config_finish(struct parser *ps)
{
    struct rnrd_config *cfg = ps->cfg;
    size_t i, j;

    limits_check(ps);

    for (i = 0; i < cfg->nproviders; i++) {
        const struct rnrd_provider_conf *pc = &cfg->providers[i];

        if (pc->module == NULL)
            rnrd_errors_add(ps->errs, "%s:%u: [provider %s] module: missing (required)",
                            cfg->source, pc->line, pc->name);
        for (j = 0; j < i && pc->has_id; j++) {
            const struct rnrd_provider_conf *o = &cfg->providers[j];
            if (o->has_id && rnr_guid_equal(&o->id, &pc->id)) {
                const char *v = rnrd_config_get(pc, "id");
                unsigned line = pc->line;
                size_t k;

                for (k = 0; k < pc->nkeys; k++)
                    if (strcmp(pc->keys[k].key, "id") == 0)
                        line = pc->keys[k].line;
                rnrd_errors_add(ps->errs, "%s:%u: [provider %s] id: %s is already the id "
                                "of [provider %s]", cfg->source, line, pc->name,
                                v ? v : "", o->name);
                break;
            }
        }
    }
}

/* keep: *out is set even when errors were found, to what could be read,
 * so that checks of the modules' keys can report on it too. */
static int config_parse(const char *text, size_t len, const char *source,
                        struct rnrd_config **out, struct rnrd_errors *errs, int keep)
{
    struct parser ps;
    struct rnrd_config *cfg;
    int rc;

    cfg = rnr_calloc(1, sizeof *cfg);
    if (cfg == NULL || (cfg->source = rnr_strdup(source)) == NULL) {
        rnr_free(cfg);
        rnrd_errors_add(errs, "%s: out of memory", source);
        return -1;
    }
    cfg->limits.max_lookups_per_client = 256;
    cfg->limits.max_message_size = 1u << 20;
    cfg->limits.max_clients = 1024;
    cfg->limits.max_results_per_lookup = 100000;
    cfg->limits.max_clients_per_uid = 128;
    cfg->limits.reserved_admin_clients = 16;
    cfg->limits.client_idle_timeout_ms = 120000;
    cfg->limits.frame_timeout_ms = 10000;
    cfg->limits.max_output_per_client = 4u << 20;
    cfg->limits.max_output_per_lookup = 16u << 20;
    cfg->limits.memory_limit = 256u << 20;
    cfg->limits.max_memory_per_uid = 64u << 20;
    cfg->answer_cache_size = 4u << 20;
    cfg->log_level = RNR_NSP_LOG_NOTICE;

    memset(&ps, 0, sizeof ps);
    ps.cfg = cfg;
    ps.errs = errs;
    ps.nerr_start = errs->n;
    ps.text = text;
    ps.len = len;
    /* A UTF-8 byte order mark is harmless; inih would skip it too. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        ps.pos = 3;
    rc = ini_parse_stream(config_reader, &ps, ini_handler_cb, &ps);
    if (rc > 0 && errs->n == ps.nerr_start)
        rnrd_errors_add(errs, "%s:%d: syntax error", source, rc);
    else if (rc < 0)
        rnrd_errors_add(errs, "%s: parser failed (%d)", source, rc);
    if (ps.oom)
        rnrd_errors_add(errs, "%s: out of memory", source);
    config_finish(&ps);
    if (errs->n != ps.nerr_start) {
        if (keep && !ps.oom)
            *out = cfg;
        else
            rnrd_config_free(cfg);
        return -1;
    }
    *out = cfg;
    return 0;
}

int rnrd_config_parse(const char *text, size_t len, const char *source,
                      struct rnrd_config **out, struct rnrd_errors *errs)
{
    return config_parse(text, len, source, out, errs, 0);
}

static int config_load(const char *path, struct rnrd_config **out, struct rnrd_errors *errs,
                       int keep)
{
    FILE *f;
    char *text = NULL;
    size_t n;
    int rc = -1;

    if (path == NULL)
        return config_parse(rnrd_default_config, strlen(rnrd_default_config),
                            "(built-in)", out, errs, keep);
    f = fopen(path, "re");
    if (f == NULL) {
        rnrd_errors_add(errs, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    text = rnr_malloc(CONFIG_MAX_FILE + 1);
    if (text == NULL) {
        rnrd_errors_add(errs, "%s: out of memory", path);
        goto done;
    }
    n = fread(text, 1, CONFIG_MAX_FILE + 1, f);
    if (ferror(f)) {
        rnrd_errors_add(errs, "%s: read error: %s", path, strerror(errno));
        goto done;
    }
    if (n > CONFIG_MAX_FILE) {
        rnrd_errors_add(errs, "%s: larger than %u bytes", path, CONFIG_MAX_FILE);
        goto done;
    }
    rc = config_parse(text, n, path, out, errs, keep);
done:
    rnr_free(text);
    fclose(f);
    return rc;
}

int rnrd_config_load(const char *path, struct rnrd_config **out, struct rnrd_errors *errs)
{
    return config_load(path, out, errs, 0);
}

int rnrd_config_load_partial(const char *path, struct rnrd_config **out,
                             struct rnrd_errors *errs)
{
    return config_load(path, out, errs, 1);
}
