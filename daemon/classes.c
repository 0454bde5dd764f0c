/* SPDX-License-Identifier: MIT */
/*
 * Service classes (doc/architecture.md, "Service classes"): the daemon's
 * persistent store under <state-dir>/classes, read-only classes from the
 * class directory (*.xml), and the class requests.  Providers with class
 * slots are told about installs and removals after the store accepted
 * them; the store is the authority on what exists.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "class_xml.h"
#include "classinfo.h"
#include "classstore.h"
#include "guid.h"
#include "log.h"
#include "nspcall.h"
#include "rnrd.h"

#define CLASSES_MAX_XML 4096    /* files read from the class directory */

static void classes_store_log(void *ctx, const char *path, const char *reason)
{
    (void)ctx;
    log_warning("class store: %s: %s (skipped)", path, reason);
}

static int xml_name_filter(const struct dirent *de)
{
    size_t n = strlen(de->d_name);

    return de->d_name[0] != '.' && n > 4 && strcmp(de->d_name + n - 4, ".xml") == 0;
}

static void classes_load_dir(struct rnrd *d)
{
    struct dirent **list = NULL;
    int i, n;

    n = scandir(d->class_dir, &list, xml_name_filter, alphasort);
    if (n < 0) {
        if (errno == ENOENT)
            log_debug("class directory %s: absent", d->class_dir);
        else
            log_warning("class directory %s: %s", d->class_dir, strerror(errno));
        return;
    }
    for (i = 0; i < n; i++) {
        WSASERVICECLASSINFOA *ci = NULL;
        char path[4096], err[512];
        int rc;

        if (i >= CLASSES_MAX_XML) {
            if (i == CLASSES_MAX_XML)
                log_warning("class directory %s: more than %d files, the rest ignored",
                            d->class_dir, CLASSES_MAX_XML);
            goto next;
        }
        if ((size_t)snprintf(path, sizeof path, "%s/%s", d->class_dir, list[i]->d_name) >=
            sizeof path)
            goto next;
        err[0] = '\0';
        if (rnr_class_xml_load(path, NULL, &ci, err, sizeof err) != 0) {
            log_warning("%s (skipped)", err[0] ? err : path);
            goto next;
        }
        rc = rnr_classstore_add_static(d->classes, ci);
        if (rc == WSAEALREADY)
            log_warning("%s: class already defined (skipped)", path);
        else if (rc != 0)
            log_warning("%s: cannot add the class (%d, skipped)", path, rc);
        else
            log_debug("%s: class loaded", path);
        rnr_free(ci);
next:
        free(list[i]);
    }
    free(list);
}

int rnrd_classes_open(struct rnrd *d)
{
    char dir[4096], err[512];

    if ((size_t)snprintf(dir, sizeof dir, "%s/classes", d->state_dir) >= sizeof dir) {
        log_err("%s: state directory path too long", d->state_dir);
        return -1;
    }
    err[0] = '\0';
    if (rnr_classstore_open(dir, classes_store_log, d, &d->classes, err, sizeof err) != 0) {
        log_err("class store %s: %s", dir, err[0] ? err : "cannot open");
        return -1;
    }
    classes_load_dir(d);
    return 0;
}

void rnrd_classes_close(struct rnrd *d)
{
    rnr_classstore_close(d->classes);
    d->classes = NULL;
}

/* ------------------------------------------------------------ requests */

static void classes_notify(struct rnrd *d, const WSASERVICECLASSINFOA *ci, const GUID *id)
{
    size_t i;

    for (i = 0; i < d->nprovs; i++) {
        struct rnr_nsp_provider *p = d->provs[i];
        int rc;

        rc = ci != NULL ? rnrd_nsp_install_class(p, ci) : rnrd_nsp_remove_class(p, id);
        if (rc != 0 && rc != WSAEALREADY && rc != WSATYPE_NOT_FOUND)
            log_warning("provider %s: %s_class failed (%d)", p->name,
                        ci != NULL ? "install" : "remove", rc);
    }
}

static int classes_install(struct rnrd_client *c, uint32_t id, struct rnr_rbuf *r)
{
    WSASERVICECLASSINFOA *ci = NULL;
    int rc;

    if (rnr_wire_get_classinfo(r, &ci, NULL) != 0 || rnr_rbuf_finish(r) != 0) {
        rnr_free(ci);
        return -1;
    }
    if (!c->caller.is_admin) {
        rc = WSAEACCES;
    } else {
        rc = rnr_classstore_install(c->d->classes, ci);
        if (rc == 0) {
            char g[RNR_GUID_STRLEN];

            rnr_guid_format(ci->lpServiceClassId, g);
            log_info("client %u (uid %ld): installed class %s", c->serial,
                     (long)c->caller.uid, g);
            classes_notify(c->d, ci, NULL);
        }
    }
    rnr_free(ci);
    rnrd_reply_status(c, RNR_MSG_INSTALL_CLASS, id, rc);
    return 0;
}

static int classes_remove(struct rnrd_client *c, uint32_t id, struct rnr_rbuf *r)
{
    GUID g;
    int rc;

    if (rnr_wire_get_guid(r, &g) != 0 || rnr_rbuf_finish(r) != 0)
        return -1;
    if (!c->caller.is_admin) {
        rc = WSAEACCES;
    } else {
        rc = rnr_classstore_remove(c->d->classes, &g);
        if (rc == 0) {
            char s[RNR_GUID_STRLEN];

            rnr_guid_format(&g, s);
            log_info("client %u (uid %ld): removed class %s", c->serial,
                     (long)c->caller.uid, s);
            classes_notify(c->d, NULL, &g);
        }
    }
    rnrd_reply_status(c, RNR_MSG_REMOVE_CLASS, id, rc);
    return 0;
}

static void classes_reply_info(struct rnrd_client *c, uint32_t id,
                               const WSASERVICECLASSINFOA *ci)
{
    struct rnr_wbuf *w = rnrd_reply_begin(c, RNR_MSG_GET_CLASS_INFO, id);

    rnr_wire_put_classinfo(w, ci);
    rnrd_reply_end(c, RNR_MSG_GET_CLASS_INFO, id);
}

static int classes_get_info(struct rnrd_client *c, uint32_t id, struct rnr_rbuf *r)
{
    struct rnrd *d = c->d;
    const WSASERVICECLASSINFOA *stored, *own = NULL;
    WSASERVICECLASSINFOA *reduced;
    struct rnr_nsp_provider *p = NULL;
    GUID pid, cls;
    int have_pid = 0, rc;
    long i;

    if (rnr_wire_get_optguid(r, &pid, &have_pid) != 0 || rnr_wire_get_guid(r, &cls) != 0 ||
        rnr_rbuf_finish(r) != 0)
        return -1;
    if (have_pid) {
        i = rnr_catalog_find(&d->catalog, &pid);
        if (i < 0) {
            rnrd_reply_status(c, RNR_MSG_GET_CLASS_INFO, id, WSA_INVALID_PARAMETER);
            return 0;
        }
        p = d->catalog.entries[i].instance;
    }
    /* The provider's own answer first, when it keeps classes. */
    rc = rnrd_nsp_get_class_info(p, &cls, &own);
    if (rc == 0 && own != NULL && rnr_class_validate(own) == 0) {
        classes_reply_info(c, id, own);
        return 0;
    }
    if (rc == 0)
        log_warning("provider %s: get_class_info returned an invalid class", p->name);
    else if (rc != WSATYPE_NOT_FOUND) {
        rnrd_reply_status(c, RNR_MSG_GET_CLASS_INFO, id, rc);
        return 0;
    }
    stored = rnr_classstore_get(d->classes, &cls);
    if (stored == NULL) {
        rnrd_reply_status(c, RNR_MSG_GET_CLASS_INFO, id, WSATYPE_NOT_FOUND);
        return 0;
    }
    if (p == NULL) {
        classes_reply_info(c, id, stored);
        return 0;
    }
    reduced = rnr_class_dup_for_ns(stored, p->name_space, NULL);
    if (reduced == NULL) {
        rnrd_reply_status(c, RNR_MSG_GET_CLASS_INFO, id, WSA_NOT_ENOUGH_MEMORY);
        return 0;
    }
    classes_reply_info(c, id, reduced);
    rnr_free(reduced);
    return 0;
}

static int classes_get_name(struct rnrd_client *c, uint32_t id, struct rnr_rbuf *r)
{
    const WSASERVICECLASSINFOA *ci;
    const char *name = NULL;
    struct rnr_wbuf *w;
    size_t i;
    GUID g;

    if (rnr_wire_get_guid(r, &g) != 0 || rnr_rbuf_finish(r) != 0)
        return -1;
    ci = rnr_classstore_get(c->d->classes, &g);
    if (ci != NULL)
        name = ci->lpszServiceClassName;
    if (name == NULL)
        name = rnr_guid_wellknown_name(&g);
    /* Then providers that keep classes of their own (a directory shared
     * by many hosts names classes installed elsewhere). */
    for (i = 0; name == NULL && i < c->d->nprovs; i++)
        if (rnrd_nsp_get_class_info(c->d->provs[i], &g, &ci) == 0 && ci != NULL)
            name = ci->lpszServiceClassName;
    if (name == NULL) {
        /* TCP/UDP port classes are named by the client from the services
         * database. */
        rnrd_reply_status(c, RNR_MSG_GET_CLASS_NAME, id, WSATYPE_NOT_FOUND);
        return 0;
    }
    w = rnrd_reply_begin(c, RNR_MSG_GET_CLASS_NAME, id);
    rnr_wire_put_string(w, name);
    rnrd_reply_end(c, RNR_MSG_GET_CLASS_NAME, id);
    return 0;
}

static int classes_list(struct rnrd_client *c, uint32_t id, struct rnr_rbuf *r)
{
    struct rnr_classstore *cs = c->d->classes;
    struct rnr_wbuf *w;
    size_t i, n;

    if (rnr_rbuf_finish(r) != 0)
        return -1;
    n = rnr_classstore_count(cs);
    w = rnrd_reply_begin(c, RNR_MSG_LIST_CLASSES, id);
    rnr_wire_put_u32(w, (uint32_t)n);
    for (i = 0; i < n; i++)
        rnr_wire_put_classinfo(w, rnr_classstore_at(cs, i));
    rnrd_reply_end(c, RNR_MSG_LIST_CLASSES, id);
    return 0;
}

int rnrd_classes_request(struct rnrd_client *c, const struct rnr_wire_hdr *h,
                         struct rnr_rbuf *r)
{
    switch (h->type) {
    case RNR_MSG_INSTALL_CLASS:  return classes_install(c, h->id, r);
    case RNR_MSG_REMOVE_CLASS:   return classes_remove(c, h->id, r);
    case RNR_MSG_GET_CLASS_INFO: return classes_get_info(c, h->id, r);
    case RNR_MSG_GET_CLASS_NAME: return classes_get_name(c, h->id, r);
    case RNR_MSG_LIST_CLASSES:   return classes_list(c, h->id, r);
    default:                     return -1;
    }
}
