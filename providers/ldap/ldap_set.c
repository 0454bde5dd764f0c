/* SPDX-License-Identifier: MIT */
/*
 * WSASetService onto serviceInstance objects, with the directory
 * provider's semantics (providers/directory/dir_set.c):
 *
 *   REGISTER    add; when it exists, replace its attributes (or, with
 *               SERVICE_MULTIPLE, add the addresses to its set and
 *               replace only what the query set carries);
 *   DEREGISTER  delete the object;
 *   DELETE      without addresses delete the object; with addresses
 *               remove exactly those (all must be there: one modify, so
 *               all or nothing) and the object once none is left.
 *
 * Each is a short chain of asynchronous operations (struct lp_write,
 * one step at a time) completing the WSASetService through
 * set_service_defer / set_service_done.  `rnrctl ldap init` uses the
 * same chain to add the container tree.
 *
 * Trust: every local user's write goes out under rnrd's one identity,
 * so the server cannot tell them apart.  Only root and admins write by
 * default; with `user-writes = yes` a user may add, and change or remove
 * only what this rnrd recorded as theirs (SECURITY.md, doc/ldap.md).
 */
#include "config.h"

#include "ldap_int.h"

#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "guid.h"

enum { W_ADD, W_REPLACE, W_MERGE, W_DELVALS, W_CHECK, W_DELETE, W_END };

struct lp_write {
    struct lp_req           rq;
    struct lp_state        *st;
    struct rnr_nsp_pending *pd;        /* NULL for init */
    char                   *dn;
    int                     step, op, multiple;
    uid_t                   uid;
    int                     user;      /* an unprivileged caller */
    int                     left;      /* W_CHECK: addresses left */
    /* Values: cn, displayName, serviceClassID, version, description. */
    char                   *name, *comment;
    unsigned char           guid[LP_GUID_LEN], ver[LP_VERSION_LEN];
    int                     has_ver;
    struct berval         **addrs;     /* NULL-terminated */
    size_t                  naddrs;
    /* init: the DNs still to add. */
    char                   *init_dn[2];
    void                  (*cb)(void *arg, int wsa);
    void                   *cbarg;
};

static void write_free(struct lp_write *w)
{
    size_t i;

    if (w == NULL)
        return;
    for (i = 0; i < w->naddrs; i++)
        rnr_free(w->addrs[i]);
    rnr_free(w->addrs);
    rnr_free(w->dn);
    rnr_free(w->name);
    rnr_free(w->comment);
    rnr_free(w->init_dn[0]);
    rnr_free(w->init_dn[1]);
    rnr_free(w);
}

/* ------------------------------------------------------------ owners */

static struct lp_owner **owner_find(struct lp_state *st, const char *dn)
{
    struct lp_owner **o;

    for (o = &st->owners; *o != NULL; o = &(*o)->next)
        if (strcasecmp((*o)->dn, dn) == 0)
            return o;
    return o;
}

static int owner_is(struct lp_state *st, const char *dn, uid_t uid)
{
    struct lp_owner *o = *owner_find(st, dn);

    return o != NULL && o->uid == uid;
}

static void owner_set(struct lp_state *st, const char *dn, uid_t uid, int remove)
{
    struct lp_owner **at = owner_find(st, dn), *o = *at;

    if (remove) {
        if (o != NULL) {
            *at = o->next;
            rnr_free(o->dn);
            rnr_free(o);
        }
        return;
    }
    if (o != NULL || (o = rnr_calloc(1, sizeof *o)) == NULL)
        return;
    if ((o->dn = rnr_strdup(dn)) == NULL) {
        rnr_free(o);
        return;
    }
    o->uid = uid;
    *at = o;
}

void lp_owners_free(struct lp_state *st)
{
    while (st->owners != NULL)
        owner_set(st, st->owners->dn, 0, 1);
}

/* ------------------------------------------------------------ requests */

/* An LDAPMod list built on the stack for one send: libldap encodes the
 * request before the call returns. */
struct lp_mods {
    LDAPMod        m[8];
    LDAPMod       *p[9];
    struct berval  bv[8];
    struct berval *one[8][2];
    int            n;
};

static void mods_vals(struct lp_mods *ms, int op, char *type, struct berval **vals)
{
    ms->m[ms->n] = (LDAPMod){ .mod_op = op | LDAP_MOD_BVALUES, .mod_type = type };
    ms->m[ms->n].mod_vals.modv_bvals = vals;
    ms->p[ms->n] = &ms->m[ms->n];
    ms->p[++ms->n] = NULL;
}

/* One value; NULL `v` is none (a replace that removes the attribute). */
static void mods_one(struct lp_mods *ms, int op, char *type, const void *v, size_t len)
{
    int i = ms->n;

    ms->bv[i] = (struct berval){ .bv_len = len, .bv_val = (char *)v };
    ms->one[i][0] = v != NULL ? &ms->bv[i] : NULL;
    ms->one[i][1] = NULL;
    mods_vals(ms, op, type, ms->one[i]);
}

static const char *oc_instance[] = { "top", "serviceInstance", NULL };
static const char *oc_container[] = { "top", "container", NULL };

static void mods_objectclass(struct lp_mods *ms, int container)
{
    const char **oc = container ? oc_container : oc_instance;
    int          i = ms->n;

    ms->m[i] = (LDAPMod){ .mod_op = 0, .mod_type = "objectClass" };
    ms->m[i].mod_vals.modv_strvals = (char **)oc;
    ms->p[i] = &ms->m[i];
    ms->p[++ms->n] = NULL;
}

/* The attributes of a serviceInstance, for add (op 0) or replace. */
static void mods_instance(struct lp_write *w, struct lp_mods *ms, int op, int all)
{
    static struct berval *none[] = { NULL };

    mods_one(ms, op, "displayName", w->name, strlen(w->name));
    mods_one(ms, op, "serviceClassID", w->guid, sizeof w->guid);
    if (w->has_ver || (all && op != 0))
        mods_one(ms, op, "serviceInstanceVersion", w->has_ver ? w->ver : NULL, sizeof w->ver);
    if (w->comment != NULL || (all && op != 0))
        mods_one(ms, op, "description", w->comment,
                 w->comment != NULL ? strlen(w->comment) : 0);
    if (w->naddrs > 0)
        mods_vals(ms, op, "winsockAddresses", w->addrs);
    else if (all && op != 0)
        mods_vals(ms, op, "winsockAddresses", none);
}

static int write_send(struct lp_req *rq, LDAP *ld, int *msgid)
{
    static LDAPControl permissive = { .ldctl_oid = "1.2.840.113556.1.4.1413" };
    static LDAPControl *perm[] = { &permissive, NULL };
    static char *check_attrs[] = { "winsockAddresses", NULL };
    struct lp_write *w = rq->arg;
    struct lp_mods   ms = { .n = 0 };
    const char      *cn = w->name;

    ms.p[0] = NULL;
    switch (w->step) {
    case W_ADD:
        mods_objectclass(&ms, w->op < 0);
        mods_one(&ms, 0, "cn", cn, strlen(cn));
        if (w->op >= 0)
            mods_instance(w, &ms, 0, 1);
        return ldap_add_ext(ld, w->dn, ms.p, NULL, NULL, msgid);
    case W_REPLACE:
        mods_instance(w, &ms, LDAP_MOD_REPLACE, 1);
        return ldap_modify_ext(ld, w->dn, ms.p, NULL, NULL, msgid);
    case W_MERGE:
        /* The addresses join the set; one already there is no error. */
        mods_instance(w, &ms, LDAP_MOD_REPLACE, 0);
        if (w->naddrs > 0)
            ms.m[ms.n - 1].mod_op = LDAP_MOD_ADD | LDAP_MOD_BVALUES;
        return ldap_modify_ext(ld, w->dn, ms.p, perm, NULL, msgid);
    case W_DELVALS:
        mods_vals(&ms, LDAP_MOD_DELETE, "winsockAddresses", w->addrs);
        return ldap_modify_ext(ld, w->dn, ms.p, NULL, NULL, msgid);
    case W_CHECK:
        return ldap_search_ext(ld, w->dn, LDAP_SCOPE_BASE, "(objectClass=*)", check_attrs, 0,
                               NULL, NULL, NULL, 1, msgid);
    default:
        return ldap_delete_ext(ld, w->dn, NULL, NULL, msgid);
    }
}

static void write_entry(struct lp_req *rq, LDAP *ld, LDAPMessage *e)
{
    struct lp_write *w = rq->arg;
    struct berval  **v = ldap_get_values_len(ld, e, "winsockAddresses");

    w->left = v != NULL && v[0] != NULL;
    ldap_value_free_len(v);
}

/* ------------------------------------------------------------ the chain */

static void write_end(struct lp_write *w, int wsa)
{
    struct lp_state *st = w->st;

    if (wsa == WSAEACCES)
        st->refused++;
    if (w->pd != NULL)
        st->host->set_service_done(st->p, w->pd, wsa);
    if (w->cb != NULL)
        w->cb(w->cbarg, wsa);
    write_free(w);
}

static void write_next(struct lp_write *w, int step)
{
    w->step = step;
    lp_req_submit(w->st, &w->rq);
}

/* init: the next container of the tree, or the end. */
static void init_next(struct lp_write *w)
{
    if (w->init_dn[1] == NULL) {
        write_end(w, 0);
        return;
    }
    rnr_free(w->dn);
    rnr_free(w->name);
    w->dn = w->init_dn[1];
    w->init_dn[1] = NULL;
    if ((w->name = rnr_strdup("WinsockServices")) == NULL) {
        write_end(w, WSA_NOT_ENOUGH_MEMORY);
        return;
    }
    write_next(w, W_ADD);
}

static void write_added(struct lp_write *w, int rc)
{
    if (rc == LDAP_SUCCESS || (rc == LDAP_ALREADY_EXISTS && w->op < 0)) {
        if (w->op < 0) {
            init_next(w);
            return;
        }
        if (w->user)
            owner_set(w->st, w->dn, w->uid, 0);
        write_end(w, 0);
    } else if (rc == LDAP_ALREADY_EXISTS) {
        if (w->user && !owner_is(w->st, w->dn, w->uid))
            write_end(w, WSAEACCES);
        else
            write_next(w, w->multiple ? W_MERGE : W_REPLACE);
    } else {
        write_end(w, lp_ldap_to_wsa(rc, LP_OP_ADD));
    }
}

static void write_done(struct lp_req *rq, int rc)
{
    struct lp_write *w = rq->arg;

    if (rc == LDAP_SERVER_DOWN) {
        write_end(w, WSATRY_AGAIN);
        return;
    }
    switch (w->step) {
    case W_ADD:
        write_added(w, rc);
        return;
    case W_DELVALS:
        if (rc == LDAP_SUCCESS) {
            write_next(w, W_CHECK);
            return;
        }
        write_end(w, lp_ldap_to_wsa(rc, LP_OP_MODIFY));
        return;
    case W_CHECK:
        if (rc == LDAP_SUCCESS && !w->left) {
            write_next(w, W_DELETE);
            return;
        }
        write_end(w, lp_ldap_to_wsa(rc, LP_OP_SEARCH));
        return;
    case W_DELETE:
        if (rc == LDAP_SUCCESS)
            owner_set(w->st, w->dn, 0, 1);
        write_end(w, lp_ldap_to_wsa(rc, LP_OP_DELETE));
        return;
    default:
        write_end(w, lp_ldap_to_wsa(rc, LP_OP_MODIFY));
    }
}

static struct lp_write *write_new(struct lp_state *st)
{
    struct lp_write *w = rnr_calloc(1, sizeof *w);

    if (w == NULL)
        return NULL;
    w->st = st;
    w->rq.send = write_send;
    w->rq.entry = write_entry;
    w->rq.done = write_done;
    w->rq.arg = w;
    return w;
}

int lp_init_tree(struct lp_state *st, void (*done)(void *arg, int wsa), void *arg)
{
    struct lp_write *w = write_new(st);
    size_t           n = strlen(st->cfg.base);

    if (w == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    w->op = -1;
    w->cb = done;
    w->cbarg = arg;
    if ((w->dn = rnr_malloc(n + sizeof "CN=System,")) == NULL ||
        (w->init_dn[1] = rnr_strdup(st->cfg.container)) == NULL ||
        (w->name = rnr_strdup("System")) == NULL) {
        write_free(w);
        return WSA_NOT_ENOUGH_MEMORY;
    }
    strcpy(w->dn, "CN=System,");
    strcat(w->dn, st->cfg.base);
    write_next(w, W_ADD);
    return 0;
}

/* ------------------------------------------------------------ set_service */

static int name_ok(const char *s)
{
    return s != NULL && s[0] != '\0' && strlen(s) <= LP_NAME_MAX && strpbrk(s, "*?\\") == NULL;
}

/* The query set's values into the write. */
static int write_values(struct lp_write *w, const WSAQUERYSETA *qs)
{
    unsigned char buf[LP_CSADDR_MAX];
    size_t        i, len;

    if ((w->name = rnr_strdup(qs->lpszServiceInstanceName)) == NULL ||
        (qs->lpszComment != NULL && qs->lpszComment[0] != '\0' &&
         (w->comment = rnr_strdup(qs->lpszComment)) == NULL))
        return WSA_NOT_ENOUGH_MEMORY;
    lp_guid_put(qs->lpServiceClassId, w->guid);
    if (qs->lpVersion != NULL) {
        lp_version_put(qs->lpVersion, w->ver);
        w->has_ver = 1;
    }
    if (qs->dwNumberOfCsAddrs > LP_MAX_ADDRS)
        return WSAEINVAL;
    if ((w->addrs = rnr_calloc(qs->dwNumberOfCsAddrs + 1, sizeof *w->addrs)) == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    for (i = 0; i < qs->dwNumberOfCsAddrs; i++) {
        struct berval *bv;

        if (lp_csaddr_put(&qs->lpcsaBuffer[i], buf, &len) != 0)
            return WSAEINVAL;
        if ((bv = rnr_malloc(sizeof *bv + len)) == NULL)
            return WSA_NOT_ENOUGH_MEMORY;
        bv->bv_len = len;
        bv->bv_val = (char *)(bv + 1);
        memcpy(bv->bv_val, buf, len);
        w->addrs[w->naddrs++] = bv;
    }
    return 0;
}

/* The object of a registration: CN=<name>,<its context's DN>. */
static int instance_dn(struct lp_state *st, const WSAQUERYSETA *qs, char **out)
{
    struct lp_buf b = { 0 };
    char         *parent;
    int           rc;

    if ((rc = lp_context_dn(qs->lpszContext, st->cfg.container, &parent)) != 0)
        return rc;
    lp_buf_puts(&b, "CN=");
    lp_dn_escape(&b, qs->lpszServiceInstanceName);
    lp_buf_puts(&b, ",");
    lp_buf_puts(&b, parent);
    rnr_free(parent);
    if (b.error) {
        lp_buf_free(&b);
        return WSA_NOT_ENOUGH_MEMORY;
    }
    *out = b.data;
    return 0;
}

static int first_step(int op, const WSAQUERYSETA *qs)
{
    if (op == RNRSERVICE_REGISTER)
        return W_ADD;
    if (op == RNRSERVICE_DELETE && qs->dwNumberOfCsAddrs > 0)
        return W_DELVALS;
    return W_DELETE;
}

int lp_set_service(void *state, const struct rnr_nsp_caller *caller, const WSAQUERYSETA *qs,
                   WSAESETSERVICEOP op, DWORD flags)
{
    struct lp_state *st = state;
    struct lp_write *w = NULL;
    int              rc = WSAEINVAL;

    st->sets++;
    if ((op != RNRSERVICE_REGISTER && op != RNRSERVICE_DEREGISTER && op != RNRSERVICE_DELETE) ||
        !name_ok(qs->lpszServiceInstanceName) || rnr_guid_is_null(qs->lpServiceClassId))
        goto done;
    rc = WSAEACCES;
    if (caller->uid != 0 && !caller->is_admin && !st->cfg.user_writes) {
        st->refused++;
        goto done;
    }
    rc = WSA_NOT_ENOUGH_MEMORY;
    if ((w = write_new(st)) == NULL)
        goto done;
    w->op = (int)op;
    w->multiple = (flags & SERVICE_MULTIPLE) != 0;
    w->uid = caller->uid;
    w->user = caller->uid != 0 && !caller->is_admin;
    if ((rc = instance_dn(st, qs, &w->dn)) != 0 || (rc = write_values(w, qs)) != 0)
        goto done;
    rc = WSAEACCES;
    if (w->user && op != RNRSERVICE_REGISTER && !owner_is(st, w->dn, w->uid)) {
        st->refused++;
        goto done;
    }
    rc = WSAENOBUFS;
    if (st->host->set_service_defer == NULL || (w->pd = st->host->set_service_defer(st->p)) == NULL)
        goto done;
    write_next(w, first_step(op, qs));
    return RNR_NSP_PENDING;
done:
    write_free(w);
    return rc;
}
