/* SPDX-License-Identifier: MIT */
/*
 * The daemon's persistent service-class store.  One file per class under
 * the store directory, named by the class GUID, holding the class in the
 * wire encoding behind a magic, a version and a CRC-32.  Writes go to a
 * temporary file that is fsync'd, renamed over the final name, and the
 * directory fsync'd: an acknowledged install survives a crash, a crash
 * mid-write leaves the old state.  A damaged file is reported (path and
 * reason, through the log callback) and skipped; the rest still loads.
 *
 * Classes from a read-only XML directory (etc/classes.d) can be added with
 * rnr_classstore_add_static: they are served but never written or removed.
 */
#ifndef RNR_CLASSSTORE_H
#define RNR_CLASSSTORE_H

#include <stddef.h>
#include <rnr/winsock2.h>

struct rnr_classstore;

typedef void (*rnr_classstore_log_fn)(void *ctx, const char *path, const char *reason);

/* Creates dir if needed (mode 0700) and loads every class in it.
 * Returns 0, or WSASYSCALLFAILURE with a message in err when the
 * directory cannot be created or read. */
int  rnr_classstore_open(const char *dir, rnr_classstore_log_fn log, void *log_ctx,
                         struct rnr_classstore **out, char *err, size_t errlen);
void rnr_classstore_close(struct rnr_classstore *cs);   /* accepts NULL */

/* Persist and add.  WSAEALREADY when the id is present (installed or
 * static), WSAEINVAL when invalid, WSASYSCALLFAILURE when the write fails
 * (nothing changed then). */
int  rnr_classstore_install(struct rnr_classstore *cs, const WSASERVICECLASSINFOA *ci);
/* Serve a class that is not persisted (from the XML directory).
 * WSAEALREADY when the id is present. */
int  rnr_classstore_add_static(struct rnr_classstore *cs, const WSASERVICECLASSINFOA *ci);
/* WSATYPE_NOT_FOUND when absent, WSAEACCES for a static class. */
int  rnr_classstore_remove(struct rnr_classstore *cs, const GUID *id);

/* Borrowed pointers, valid until the next install/remove. */
const WSASERVICECLASSINFOA *rnr_classstore_get(const struct rnr_classstore *cs, const GUID *id);
/* ASCII case-insensitive match on lpszServiceClassName. */
const WSASERVICECLASSINFOA *rnr_classstore_find_name(const struct rnr_classstore *cs,
                                                     const char *name);
size_t rnr_classstore_count(const struct rnr_classstore *cs);
const WSASERVICECLASSINFOA *rnr_classstore_at(const struct rnr_classstore *cs, size_t i);

#endif
