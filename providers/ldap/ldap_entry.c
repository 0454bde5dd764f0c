/* SPDX-License-Identifier: MIT */
/*
 * One search entry as a result: a serviceInstance (displayName, class,
 * version, description, addresses) or a container (its cn, the
 * directory's container class).  Values come from the server: each is
 * decoded with its bounds checked, and an entry whose name or class is
 * malformed is skipped and counted, never emitted half-read.
 */
#include "config.h"

#include "ldap_int.h"

#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "queryset.h"

struct lp_result {
    WSAQUERYSETA             qs;
    GUID                     cls;
    WSAVERSION               ver;
    char                    *name, *comment, *context;
    CSADDR_INFO             *cas;
    struct sockaddr_storage *sas;     /* two per address */
};

static void result_free(struct lp_result *r)
{
    rnr_free(r->name);
    rnr_free(r->comment);
    rnr_free(r->context);
    rnr_free(r->cas);
    rnr_free(r->sas);
}

/* The first value of `attr` as a string of at most `max` bytes. */
static char *attr_text(LDAP *ld, LDAPMessage *e, const char *attr, size_t max)
{
    struct berval **v = ldap_get_values_len(ld, e, attr);
    char           *s = NULL;

    if (v != NULL && v[0] != NULL && v[0]->bv_len <= max &&
        memchr(v[0]->bv_val, '\0', v[0]->bv_len) == NULL)
        s = rnr_strndup(v[0]->bv_val, v[0]->bv_len);
    ldap_value_free_len(v);
    return s;
}

static int is_container(LDAP *ld, LDAPMessage *e)
{
    struct berval **v = ldap_get_values_len(ld, e, "objectClass");
    int             inst = 0, cont = 0;
    size_t          i;

    for (i = 0; v != NULL && v[i] != NULL; i++) {
        if (v[i]->bv_len == 15 && strncasecmp(v[i]->bv_val, "serviceInstance", 15) == 0)
            inst = 1;
        if (v[i]->bv_len == 9 && strncasecmp(v[i]->bv_val, "container", 9) == 0)
            cont = 1;
    }
    ldap_value_free_len(v);
    return cont && !inst;
}

size_t lp_dn_depth(const char *dn)
{
    char **comp = ldap_explode_dn(dn, 1);
    size_t n = 0;

    while (comp != NULL && comp[n] != NULL)
        n++;
    ldap_memvfree((void **)comp);
    return n;
}

/* The path of the entry's parent below the Winsock container, "\a\b";
 * *depth: the entry's RDNs. */
static char *entry_context(struct lp_state *st, LDAP *ld, LDAPMessage *e, size_t *depth)
{
    char         *dn = ldap_get_dn(ld, e);
    char        **comp = dn != NULL ? ldap_explode_dn(dn, 1) : NULL;
    struct lp_buf b = { 0 };
    size_t        n = 0, nc = lp_dn_depth(st->cfg.container), i;

    while (comp != NULL && comp[n] != NULL)
        n++;
    for (i = n > nc + 1 ? n - nc - 1 : 0; i > 0; i--) {
        lp_buf_puts(&b, "\\");
        lp_buf_puts(&b, comp[i]);
    }
    if (b.len == 0)
        lp_buf_puts(&b, "\\");
    ldap_memfree(dn);
    ldap_memvfree((void **)comp);
    if (b.error)
        lp_buf_free(&b);
    *depth = n;
    return b.data;
}

static void read_addrs(struct lp_state *st, LDAP *ld, LDAPMessage *e, struct lp_result *r)
{
    struct berval **v = ldap_get_values_len(ld, e, "winsockAddresses");
    size_t          n = 0, i, k = 0;

    while (v != NULL && v[n] != NULL && n < LP_MAX_ADDRS)
        n++;
    if (n == 0 || (r->cas = rnr_calloc(n, sizeof *r->cas)) == NULL ||
        (r->sas = rnr_calloc(2 * n, sizeof *r->sas)) == NULL)
        goto done;
    for (i = 0; i < n; i++) {
        if (lp_csaddr_get(v[i]->bv_val, v[i]->bv_len, &r->cas[k], &r->sas[2 * k],
                          &r->sas[2 * k + 1]) != 0) {
            st->malformed++;
            continue;
        }
        k++;
    }
    r->qs.dwNumberOfCsAddrs = (DWORD)k;
    r->qs.lpcsaBuffer = k > 0 ? r->cas : NULL;
done:
    ldap_value_free_len(v);
}

/* serviceClassID and serviceInstanceVersion; WSAEINVAL when the class
 * is missing or malformed. */
static int read_instance(struct lp_state *st, LDAP *ld, LDAPMessage *e, struct lp_result *r)
{
    struct berval **c = ldap_get_values_len(ld, e, "serviceClassID");
    struct berval **v = ldap_get_values_len(ld, e, "serviceInstanceVersion");
    int             rc = WSAEINVAL;

    if (c == NULL || c[0] == NULL || lp_guid_get(c[0]->bv_val, c[0]->bv_len, &r->cls) != 0)
        goto done;
    if (v != NULL && v[0] != NULL) {
        if (lp_version_get(v[0]->bv_val, v[0]->bv_len, &r->ver) == 0)
            r->qs.lpVersion = &r->ver;
        else
            st->malformed++;
    }
    r->comment = attr_text(ld, e, "description", LP_CLASSINFO_MAX);
    r->qs.lpszComment = r->comment;
    read_addrs(st, ld, e, r);
    rc = 0;
done:
    ldap_value_free_len(c);
    ldap_value_free_len(v);
    return rc;
}

int lp_entry_emit(struct lp_state *st, struct rnr_nsp_lookup *lk, LDAP *ld, LDAPMessage *e,
                  size_t base_depth, const char *pattern, const WSAVERSION *want)
{
    static const GUID cont = RNR_SVCID_DIRECTORY_CONTAINER;
    struct lp_result  r;
    int               rc = 0, container = is_container(ld, e);
    size_t            depth = 0;

    memset(&r, 0, sizeof r);
    r.qs.dwSize = sizeof r.qs;
    r.qs.dwNameSpace = NS_NTDS;
    r.name = container ? attr_text(ld, e, "cn", LP_NAME_MAX)
                       : attr_text(ld, e, "displayName", LP_NAME_MAX);
    if (r.name == NULL || (r.context = entry_context(st, ld, e, &depth)) == NULL ||
        (!container && read_instance(st, ld, e, &r) != 0)) {
        st->malformed++;
        goto done;
    }
    if (depth == base_depth)
        goto done;
    if (pattern != NULL && !rnr_wildcard_match(pattern, r.name))
        goto done;
    if (!container && !rnr_qs_version_matches(want, r.qs.lpVersion)) {
        rc = LP_VERSION_MISS;
        goto done;
    }
    if (container)
        r.cls = cont;
    r.qs.lpszServiceInstanceName = r.name;
    r.qs.lpServiceClassId = &r.cls;
    r.qs.lpszContext = r.context;
    st->entries++;
    rc = st->host->emit(lk, &r.qs) == 0 ? 1 : WSAENOBUFS;
done:
    result_free(&r);
    return rc;
}
