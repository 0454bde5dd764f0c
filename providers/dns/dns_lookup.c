/* SPDX-License-Identifier: MIT */
/*
 * dns provider: one client lookup.  A name is tried as resolv.conf(5)
 * says (as given first when it has ndots dots, else after the search
 * domains; only as given with a final dot), asking A and/or AAAA as the
 * query's families allow, both at once; the first name that has
 * addresses gives the result.  An address (SVCID_INET_HOSTADDRBYINETSTRING)
 * is a PTR question.  Results are built by hostres, like the hosts
 * provider's: CSADDRs with the query's ports, the hostent blob, the CNAME
 * chain as h_aliases and as RESULT_IS_ALIAS results.  Localhost names
 * and the empty name (the local host) are answered without the network.
 */
#include "dns.h"
#include "hostres.h"
#include "alloc.h"
#include "status.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static const GUID g_hostname = SVCID_HOSTNAME;
static const GUID g_byname = SVCID_INET_HOSTADDRBYNAME;
static const GUID g_bystring = SVCID_INET_HOSTADDRBYINETSTRING;

enum { DNS_KIND_NAME, DNS_KIND_PTR };

struct dns_lookup {
    TAILQ_ENTRY(dns_lookup) link;
    struct dns_state      *st;
    struct rnr_nsp_lookup *lk;
    GUID                   cls;
    struct hr_query        q;
    int                    kind;
    int                    fresh;       /* LUP_FLUSHCACHE */
    char                  *cands[DNS_MAX_CANDIDATES];
    size_t                 ncands, cur;
    int                    qtypes[2];
    unsigned               ntypes;
    struct dns_waiter      w[2];
    struct dns_answer     *ans[2];
    unsigned               pending;
    uint64_t               reuse_until; /* earliest expiry of what was used */
    int                    worst;       /* status when no name answers */
    int                    ptr_af;
    uint8_t                ptr_addr[16];
};

static int guid_eq(const GUID *a, const GUID *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

static void release_answers(struct dns_lookup *dl)
{
    unsigned i;

    for (i = 0; i < 2; i++) {
        dns_query_cancel(&dl->w[i]);
        dns_answer_unref(dl->ans[i]);
        dl->ans[i] = NULL;
    }
    dl->pending = 0;
}

static void lookup_free(struct dns_lookup *dl)
{
    size_t i;

    if (dl == NULL)
        return;
    release_answers(dl);
    for (i = 0; i < dl->ncands; i++)
        rnr_free(dl->cands[i]);
    TAILQ_REMOVE(&dl->st->lookups, dl, link);
    dl->st->nlookups--;
    rnr_free(dl);
}

static void lookup_finish(struct dns_lookup *dl, int status)
{
    struct dns_state *st = dl->st;
    struct rnr_nsp_lookup *lk = dl->lk;
    uint64_t now = st->host->now_ms(), until = dl->reuse_until;

    lookup_free(dl);
    /* The answer holds as long as every record it was made of is in the
     * cache: the daemon's answer cache may serve it until then. */
    if (until > now && until != UINT64_MAX && st->host->lookup_reusable != NULL)
        st->host->lookup_reusable(lk, until - now > UINT32_MAX ? UINT32_MAX
                                                               : (uint32_t)(until - now));
    st->host->finish(lk, status);
}

/* Every answer of the current name counts, the ones that sent the
 * search on to the next name too. */
static void note_expiry(struct dns_lookup *dl)
{
    unsigned i;

    for (i = 0; i < dl->ntypes; i++) {
        uint64_t e = dns_cache_expires(dl->st->cache, dl->cands[dl->cur], dl->qtypes[i]);

        if (e < dl->reuse_until)
            dl->reuse_until = e;
    }
}

/* ---- results ---- */

static const struct dns_answer *usable(const struct dns_answer *a)
{
    return a != NULL && a->status == 0 && a->naddrs > 0 ? a : NULL;
}

static int add_chain(struct hr_result *r, const struct dns_answer *a, int blob)
{
    size_t i;
    int rc = 0;

    for (i = 0; a != NULL && i < a->naliases && rc == 0; i++) {
        if (blob)
            rc = hr_add_alias(r, a->aliases[i]);
        if (rc == 0)
            rc = hr_add_alias_result(r, a->aliases[i]);
    }
    return rc;
}

/* The host of the current name from its A / AAAA answers. */
static int emit_host(struct dns_lookup *dl)
{
    const struct dns_answer *a4 = NULL, *a6 = NULL, *primary;
    struct hr_result r;
    unsigned i;
    size_t k;
    int rc = 0, af;

    for (i = 0; i < dl->ntypes; i++) {
        if (dl->qtypes[i] == DNS_T_A)
            a4 = usable(dl->ans[i]);
        else
            a6 = usable(dl->ans[i]);
    }
    af = hr_primary_family(&dl->q, a4 != NULL, a6 != NULL);
    if (af == 0) {
        int s = 0;

        for (i = 0; i < dl->ntypes; i++)
            s = rnr_status_merge(s, dl->ans[i] != NULL ? dl->ans[i]->status
                                                       : WSATRY_AGAIN);
        /* Addresses of a family the query excludes cannot be here: only
         * the allowed types were asked.  An empty answer is NODATA. */
        return s == 0 ? WSANO_DATA : s;
    }
    primary = af == AF_INET ? a4 : a6;
    hr_init(&r, primary->canon, af);
    for (k = 0; a4 != NULL && k < a4->naddrs && rc == 0; k++)
        rc = hr_add_addr(&r, AF_INET, a4->addrs[k], 0);
    for (k = 0; a6 != NULL && k < a6->naddrs && rc == 0; k++)
        rc = hr_add_addr(&r, AF_INET6, a6->addrs[k], 0);
    if (rc == 0)
        rc = add_chain(&r, primary, 1);
    if (rc == 0)
        rc = add_chain(&r, primary == a4 ? a6 : a4, 0);
    if (rc == 0)
        rc = hr_emit(dl->st->host, dl->lk, &dl->q, &dl->cls, &r);
    hr_clear(&r);
    /* WSAENOBUFS: the lookup is full, what was emitted stands. */
    return rc == WSAENOBUFS ? 0 : rc;
}

static int emit_ptr(struct dns_lookup *dl)
{
    const struct dns_answer *a = dl->ans[0];
    struct hr_result r;
    size_t k;
    int rc;

    if (a == NULL)
        return WSATRY_AGAIN;
    if (a->status != 0)
        return a->status;
    if (a->nnames == 0)
        return WSANO_DATA;
    hr_init(&r, a->names[0], dl->ptr_af);
    rc = hr_add_addr(&r, dl->ptr_af, dl->ptr_addr, 0);
    for (k = 1; k < a->nnames && rc == 0; k++) {
        rc = hr_add_alias(&r, a->names[k]);
        if (rc == 0)
            rc = hr_add_alias_result(&r, a->names[k]);
    }
    if (rc == 0)
        rc = hr_emit(dl->st->host, dl->lk, &dl->q, &dl->cls, &r);
    hr_clear(&r);
    return rc == WSAENOBUFS ? 0 : rc;
}

/* ---- driving ---- */

static void on_answer(struct dns_waiter *w, struct dns_answer *a);
static void step(struct dns_lookup *dl);

/* Asks every type of the current name; cached answers land at once. */
static void ask_current(struct dns_lookup *dl)
{
    unsigned i;

    for (i = 0; i < dl->ntypes; i++) {
        struct dns_answer *a = NULL;
        int rc;

        dl->w[i].cb = on_answer;
        dl->w[i].arg = dl;
        rc = dns_query_ask(dl->st, dl->cands[dl->cur], dl->qtypes[i], dl->fresh,
                           &dl->w[i], &a);
        if (rc == 0)
            dl->pending++;
        else if (rc == 1)
            dl->ans[i] = a;
        else
            dl->ans[i] = dns_answer_status(dl->qtypes[i], rc);
    }
}

static void on_answer(struct dns_waiter *w, struct dns_answer *a)
{
    struct dns_lookup *dl = w->arg;
    unsigned i = w == &dl->w[0] ? 0 : 1;

    dl->ans[i] = a != NULL ? dns_answer_ref(a)
                           : dns_answer_status(dl->qtypes[i], WSATRY_AGAIN);
    if (--dl->pending == 0)
        step(dl);
}

/* All answers of the current name are in: emit, or try the next name,
 * or give up. */
static void step(struct dns_lookup *dl)
{
    for (;;) {
        int rc = dl->kind == DNS_KIND_PTR ? emit_ptr(dl) : emit_host(dl);

        note_expiry(dl);
        release_answers(dl);
        if (rc == 0 || (rc != WSAHOST_NOT_FOUND && rc != WSANO_DATA)) {
            /* A failing server ends the search: going on would only add
             * its timeouts up. */
            lookup_finish(dl, rc);
            return;
        }
        dl->worst = rnr_status_merge(dl->worst, rc);
        if (++dl->cur >= dl->ncands) {
            lookup_finish(dl, dl->worst);
            return;
        }
        ask_current(dl);
        if (dl->pending > 0)
            return;
    }
}

/* ---- starting ---- */

static int add_cand(struct dns_lookup *dl, const char *name, const char *domain)
{
    char buf[DNS_MAX_NAME + DNS_MAX_NAME];
    size_t i;

    if (domain != NULL)
        snprintf(buf, sizeof buf, "%s.%s", name, domain);
    else
        snprintf(buf, sizeof buf, "%s", name);
    if (strlen(buf) > 253 || dl->ncands >= DNS_MAX_CANDIDATES)
        return 0;
    for (i = 0; i < dl->ncands; i++)
        if (strcmp(dl->cands[i], buf) == 0)
            return 0;
    if ((dl->cands[dl->ncands] = rnr_strdup(buf)) == NULL)
        return WSATRY_AGAIN;
    dl->ncands++;
    return 0;
}

/* The names to try for `given`, in order (resolv.conf(5) search rules). */
static int candidates(struct dns_lookup *dl, const char *given)
{
    const struct dns_state *st = dl->st;
    char name[DNS_MAX_NAME];
    size_t dots = 0, i, len = strlen(given);
    int rc = 0, absolute = len > 0 && given[len - 1] == '.';

    if (dns_name_normalise(given, name, sizeof name) != 0 || name[0] == '\0')
        return WSAHOST_NOT_FOUND;
    for (i = 0; name[i] != '\0'; i++)
        dots += name[i] == '.';
    if (absolute || dots >= (size_t)st->ndots)
        rc = add_cand(dl, name, NULL);
    for (i = 0; !absolute && i < st->nsearch && rc == 0; i++)
        rc = add_cand(dl, name, st->search[i]);
    if (!absolute && rc == 0)
        rc = add_cand(dl, name, NULL);
    return rc != 0 ? rc : dl->ncands == 0 ? WSAHOST_NOT_FOUND : 0;
}

/* "a.b.c.d" / IPv6 text (a scope suffix ignored) into the PTR name. */
static int reverse_name(struct dns_lookup *dl, const char *text)
{
    char buf[INET6_ADDRSTRLEN + 1], name[80];
    size_t len = strcspn(text, "%"), i, n = 0;
    const uint8_t *a = dl->ptr_addr;

    if (len >= sizeof buf)
        return WSAHOST_NOT_FOUND;
    memcpy(buf, text, len);
    buf[len] = '\0';
    if (text[len] == '\0' && inet_pton(AF_INET, buf, dl->ptr_addr) == 1) {
        dl->ptr_af = AF_INET;
        snprintf(name, sizeof name, "%u.%u.%u.%u.in-addr.arpa",
                 a[3], a[2], a[1], a[0]);
    } else if (inet_pton(AF_INET6, buf, dl->ptr_addr) == 1) {
        static const char hex[] = "0123456789abcdef";

        dl->ptr_af = AF_INET6;
        for (i = 16; i-- > 0;) {
            name[n++] = hex[a[i] & 0xf];
            name[n++] = '.';
            name[n++] = hex[a[i] >> 4];
            name[n++] = '.';
        }
        strcpy(name + n, "ip6.arpa");
    } else {
        return WSAHOST_NOT_FOUND;
    }
    if (!hr_family_allowed(&dl->q, dl->ptr_af))
        return WSANO_DATA;
    dl->qtypes[0] = DNS_T_PTR;
    dl->ntypes = 1;
    return add_cand(dl, name, NULL);
}

/* RFC 6761 6.3: localhost names are never sent to DNS; this provider
 * answers them itself (below). */
static int is_localhost(const char *name)
{
    size_t len = strlen(name);

    if (len > 0 && name[len - 1] == '.')
        len--;
    return (len == 9 && strncasecmp(name, "localhost", 9) == 0) ||
           (len > 10 && strncasecmp(name + len - 10, ".localhost", 10) == 0);
}

static int is_literal(const char *name)
{
    uint8_t a[16];

    return inet_pton(AF_INET, name, a) == 1 || inet_pton(AF_INET6, name, a) == 1;
}

/* Everything about qs that can be told without the network. */
static int prepare(struct dns_lookup *dl, const WSAQUERYSETA *qs, DWORD flags)
{
    const GUID *cls = qs->lpServiceClassId;
    const char *name = qs->lpszServiceInstanceName;
    int rc;

    dl->cls = *cls;
    dl->fresh = (flags & LUP_FLUSHCACHE) != 0;
    if (guid_eq(cls, &g_bystring))
        dl->kind = DNS_KIND_PTR;
    else if (guid_eq(cls, &g_byname) || guid_eq(cls, &g_hostname) ||
             ((IS_SVCID_TCP(cls) || IS_SVCID_UDP(cls)) && RR_FROM_SVCID(cls) == 0))
        dl->kind = DNS_KIND_NAME;
    else
        return WSASERVICE_NOT_FOUND;
    /* A pattern cannot be enumerated in DNS. */
    if (name == NULL || name[0] == '\0' || strpbrk(name, "*?") != NULL)
        return WSAHOST_NOT_FOUND;
    if ((rc = hr_query_init(&dl->q, qs, dl->st->services)) != 0)
        return rc;
    if (dl->kind == DNS_KIND_PTR)
        return reverse_name(dl, name);
    if (is_literal(name) || is_localhost(name))
        return WSAHOST_NOT_FOUND;
    dl->ntypes = 0;
    if (dl->q.allow4)
        dl->qtypes[dl->ntypes++] = DNS_T_A;
    if (dl->q.allow6)
        dl->qtypes[dl->ntypes++] = DNS_T_AAAA;
    if (dl->ntypes == 0)
        return WSANO_DATA;
    dl->worst = WSAHOST_NOT_FOUND;
    return candidates(dl, name);
}

/* ---- names answered without the network ---- */

/* The local host's name as gethostname() gives it; a machine without a
 * name ("", "(none)") is "localhost", as for the local provider. */
static void local_host_name(char *buf, size_t len)
{
    if (gethostname(buf, len) != 0)
        buf[0] = '\0';
    buf[len - 1] = '\0';
    if (buf[0] == '\0' || strcmp(buf, "(none)") == 0)
        snprintf(buf, len, "localhost");
}

/* Is qs a host name question this provider answers itself: the empty
 * name (the local host) or a localhost name?  As Windows' DNS provider
 * and systemd-resolved do, so that a lookup restricted to NS_DNS finds
 * them without a reachable server (RFC 6761 6.3; Windows answers
 * gethostbyname("") with the local host). */
static int is_local_question(const WSAQUERYSETA *qs)
{
    const GUID *cls = qs->lpServiceClassId;
    const char *name = qs->lpszServiceInstanceName;

    if (!(guid_eq(cls, &g_byname) || guid_eq(cls, &g_hostname) ||
          ((IS_SVCID_TCP(cls) || IS_SVCID_UDP(cls)) && RR_FROM_SVCID(cls) == 0)))
        return 0;
    return name != NULL && (name[0] == '\0' || is_localhost(name));
}

/* Answers a local question: localhost names with 127.0.0.1 and ::1, the
 * empty name with the local host's name and interface addresses. */
static int answer_local(struct dns_state *st, struct rnr_nsp_lookup *lk,
                        const WSAQUERYSETA *qs)
{
    const char *name = qs->lpszServiceInstanceName;
    char host[DNS_MAX_NAME];
    struct hr_result r;
    struct hr_query q;
    int rc;

    if ((rc = hr_query_init(&q, qs, st->services)) != 0)
        return rc;
    if (name[0] == '\0') {
        local_host_name(host, sizeof host);
        hr_init(&r, host, 0);
        rc = hr_add_local_addrs(&r, getifaddrs, freeifaddrs);
    } else {
        /* The name as asked, without a final dot. */
        snprintf(host, sizeof host, "%.*s",
                 (int)(strlen(name) - (name[strlen(name) - 1] == '.')), name);
        hr_init(&r, host, 0);
        rc = hr_add_loopback(&r);
    }
    if (rc == 0) {
        r.blob_af = hr_primary_family(&q, hr_has_family(&r, AF_INET),
                                      hr_has_family(&r, AF_INET6));
        rc = r.blob_af == 0 ? WSANO_DATA : hr_emit(st->host, lk, &q, qs->lpServiceClassId, &r);
    }
    hr_clear(&r);
    return rc == WSAENOBUFS ? 0 : rc;
}

int dns_lookup_begin(void *state, struct rnr_nsp_lookup *lk,
                     const WSAQUERYSETA *qs, DWORD flags)
{
    struct dns_state *st = state;
    struct dns_lookup *dl;
    int rc;

    st->lookups_total++;
    if (is_local_question(qs)) {
        rc = answer_local(st, lk, qs);
        /* The interface addresses change without notice: a second, as the
         * local provider's answers. */
        if (rc == 0 && st->host->lookup_reusable != NULL)
            st->host->lookup_reusable(lk, 1000);
        st->host->finish(lk, rc);
        return 0;
    }
    if ((dl = rnr_calloc(1, sizeof *dl)) == NULL)
        return WSATRY_AGAIN;
    dl->st = st;
    dl->lk = lk;
    dl->reuse_until = UINT64_MAX;
    TAILQ_INSERT_TAIL(&st->lookups, dl, link);
    st->nlookups++;
    if ((rc = prepare(dl, qs, flags)) != 0) {
        lookup_free(dl);
        return rc;
    }
    st->host->lookup_set_data(lk, dl);
    ask_current(dl);
    if (dl->pending == 0)
        step(dl);   /* all from the cache: finishes here */
    return 0;
}

void dns_lookup_cancel(void *state, struct rnr_nsp_lookup *lk)
{
    struct dns_state *st = state;
    struct dns_lookup *dl = st->host->lookup_data(lk);

    if (dl == NULL)
        return;
    st->cancelled++;
    lookup_free(dl);
}

void dns_lookup_cancel_all(struct dns_state *st)
{
    struct dns_lookup *dl;

    while ((dl = TAILQ_FIRST(&st->lookups)) != NULL)
        lookup_free(dl);
}
