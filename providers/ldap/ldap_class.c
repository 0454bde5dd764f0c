/* SPDX-License-Identifier: MIT */
/*
 * Service classes as serviceClass objects in the Winsock container
 * (cn and displayName the class name, serviceClassID, one
 * serviceClassInfo value per WSANSCLASSINFO).  rnrd's class slots are
 * synchronous and rnrd keeps its own class store; this provider mirrors
 * every install and removal into the directory, asynchronously (the
 * outcome is logged: the caller's status is the store's), so that other
 * hosts' rnrd find them (ldap_classget.c, doc/ldap.md "Classes").
 */
#include "config.h"

#include "ldap_int.h"

#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "guid.h"

enum { C_ADD, C_REPLACE, C_FIND, C_DELETE };

struct lp_cwrite {
    struct lp_req   rq;
    struct lp_state *st;
    int             step;
    char           *dn, *name, *filter;
    unsigned char   guid[LP_GUID_LEN];
    struct berval **infos;      /* NULL-terminated */
    size_t          ninfos;
};

static void cwrite_free(struct lp_cwrite *c)
{
    size_t i;

    if (c == NULL)
        return;
    for (i = 0; i < c->ninfos; i++)
        rnr_free(c->infos[i]);
    rnr_free(c->infos);
    rnr_free(c->dn);
    rnr_free(c->name);
    rnr_free(c->filter);
    rnr_free(c);
}

static int cwrite_send(struct lp_req *rq, LDAP *ld, int *msgid)
{
    static char   *oc[] = { "top", "serviceClass", NULL };
    static char   *attrs[] = { "1.1", NULL };
    struct lp_cwrite *c = rq->arg;
    struct berval  name = { strlen(c->name != NULL ? c->name : ""), c->name };
    struct berval  guid = { sizeof c->guid, (char *)c->guid };
    struct berval *namev[] = { &name, NULL }, *guidv[] = { &guid, NULL };
    static struct berval *none[] = { NULL };
    LDAPMod        m[5] = {
        { .mod_op = 0, .mod_type = "objectClass", .mod_vals.modv_strvals = oc },
        { .mod_op = LDAP_MOD_BVALUES, .mod_type = "cn", .mod_vals.modv_bvals = namev },
        { .mod_op = LDAP_MOD_BVALUES, .mod_type = "displayName", .mod_vals.modv_bvals = namev },
        { .mod_op = LDAP_MOD_BVALUES, .mod_type = "serviceClassID", .mod_vals.modv_bvals = guidv },
        { .mod_op = LDAP_MOD_BVALUES, .mod_type = "serviceClassInfo",
          .mod_vals.modv_bvals = c->ninfos > 0 ? c->infos : none },
    };
    LDAPMod       *add[] = { &m[0], &m[1], &m[2], &m[3], c->ninfos > 0 ? &m[4] : NULL, NULL };
    LDAPMod       *rep[] = { &m[2], &m[3], &m[4], NULL };

    switch (c->step) {
    case C_ADD:
        return ldap_add_ext(ld, c->dn, add, NULL, NULL, msgid);
    case C_REPLACE:
        m[2].mod_op = m[3].mod_op = m[4].mod_op = LDAP_MOD_REPLACE | LDAP_MOD_BVALUES;
        return ldap_modify_ext(ld, c->dn, rep, NULL, NULL, msgid);
    case C_FIND:
        return ldap_search_ext(ld, c->st->cfg.container, LDAP_SCOPE_ONELEVEL, c->filter, attrs,
                               0, NULL, NULL, NULL, 1, msgid);
    default:
        return ldap_delete_ext(ld, c->dn, NULL, NULL, msgid);
    }
}

static void cwrite_entry(struct lp_req *rq, LDAP *ld, LDAPMessage *e)
{
    struct lp_cwrite *c = rq->arg;
    char             *dn = ldap_get_dn(ld, e);

    if (dn != NULL && c->dn == NULL)
        c->dn = rnr_strdup(dn);
    ldap_memfree(dn);
}

static void cwrite_done(struct lp_req *rq, int rc)
{
    struct lp_cwrite *c = rq->arg;
    struct lp_state  *st = c->st;
    int               next = -1;

    if (c->step == C_ADD && rc == LDAP_ALREADY_EXISTS)
        next = C_REPLACE;
    else if (c->step == C_FIND && rc == LDAP_SUCCESS && c->dn != NULL)
        next = C_DELETE;
    if (next >= 0) {
        c->step = next;
        lp_req_submit(st, &c->rq);
        return;
    }
    if (rc == LDAP_SUCCESS)
        lp_classes_refresh(st);
    if (rc != LDAP_SUCCESS || (c->step == C_FIND && c->dn == NULL))
        st->host->log(st->p, RNR_NSP_LOG_WARNING, "service class %s: %s in the directory failed: "
                      "%s", c->name != NULL ? c->name : c->filter,
                      c->step <= C_REPLACE ? "storing" : "removing",
                      rc == LDAP_SUCCESS ? "not there" : ldap_err2string(rc));
    cwrite_free(c);
}

static struct lp_cwrite *cwrite_new(struct lp_state *st, const GUID *id, int step)
{
    struct lp_cwrite *c = rnr_calloc(1, sizeof *c);

    if (c == NULL)
        return NULL;
    c->st = st;
    c->step = step;
    c->rq.send = cwrite_send;
    c->rq.entry = cwrite_entry;
    c->rq.done = cwrite_done;
    c->rq.arg = c;
    lp_guid_put(id, c->guid);
    return c;
}

static int cwrite_infos(struct lp_cwrite *c, const WSASERVICECLASSINFOA *info)
{
    DWORD i;
    int   rc;

    if ((c->infos = rnr_calloc(info->dwCount + 1, sizeof *c->infos)) == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    for (i = 0; i < info->dwCount; i++) {
        unsigned char *v;
        size_t         len;
        struct berval *bv;

        if ((rc = lp_classinfo_put(&info->lpClassInfos[i], &v, &len)) != 0)
            return rc;
        bv = rnr_malloc(sizeof *bv + len);
        if (bv != NULL) {
            bv->bv_len = len;
            bv->bv_val = (char *)(bv + 1);
            memcpy(bv->bv_val, v, len);
        }
        rnr_free(v);
        if (bv == NULL)
            return WSA_NOT_ENOUGH_MEMORY;
        c->infos[c->ninfos++] = bv;
    }
    return 0;
}

int lp_install_class(void *state, const WSASERVICECLASSINFOA *info)
{
    struct lp_state  *st = state;
    struct lp_cwrite *c;
    struct lp_buf     b = { 0 };
    int               rc;

    if (info->lpszServiceClassName == NULL || info->lpszServiceClassName[0] == '\0' ||
        strlen(info->lpszServiceClassName) > LP_NAME_MAX)
        return WSAEINVAL;
    if ((c = cwrite_new(st, info->lpServiceClassId, C_ADD)) == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    lp_buf_puts(&b, "CN=");
    lp_dn_escape(&b, info->lpszServiceClassName);
    lp_buf_puts(&b, ",");
    lp_buf_puts(&b, st->cfg.container);
    if (b.error || (c->name = rnr_strdup(info->lpszServiceClassName)) == NULL) {
        rc = WSA_NOT_ENOUGH_MEMORY;
        goto done;
    }
    if ((rc = cwrite_infos(c, info)) != 0)
        goto done;
    c->dn = b.data;
    b.data = NULL;
    lp_req_submit(st, &c->rq);
    c = NULL;
done:
    lp_buf_free(&b);
    cwrite_free(c);
    return rc;
}

int lp_remove_class(void *state, const GUID *class_id)
{
    struct lp_state  *st = state;
    struct lp_cwrite *c;
    struct lp_buf     b = { 0 };

    if ((c = cwrite_new(st, class_id, C_FIND)) == NULL)
        return WSA_NOT_ENOUGH_MEMORY;
    lp_buf_puts(&b, "(&(objectClass=serviceClass)(serviceClassID=");
    lp_filter_bytes(&b, c->guid, sizeof c->guid);
    lp_buf_puts(&b, "))");
    if (b.error) {
        lp_buf_free(&b);
        cwrite_free(c);
        return WSA_NOT_ENOUGH_MEMORY;
    }
    c->filter = b.data;
    lp_req_submit(st, &c->rq);
    return 0;
}
