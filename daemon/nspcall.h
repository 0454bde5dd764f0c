/* SPDX-License-Identifier: MIT */
/*
 * Every call from rnrd into a provider, in one place (after OpenSMTPD's
 * table.c): each wrapper answers for a provider that is not running and
 * for a slot the module does not have, with the default <rnr/nsp.h>
 * promises for it, so the rest of the daemon calls without asking first.
 *
 * A slot is absent when its pointer is NULL or when it lies beyond the
 * size the module's ops table declares (a module built against an older
 * <rnr/nsp.h> of the same ABI version): both are answered alike, and
 * nothing beyond that size is ever read.
 *
 * "Running" is the time between a successful startup and cleanup;
 * rnrd_nsp_startup and rnrd_nsp_cleanup are the only places that change
 * it.
 */
#ifndef RNRD_NSPCALL_H
#define RNRD_NSPCALL_H

#include <stdint.h>

#include <rnr/nsp.h>

/* Between a successful startup and cleanup. */
int  rnrd_nsp_running(const struct rnr_nsp_provider *p);
/* The module's RNR_NSP_CAP_* (0 when it did not load). */
unsigned rnrd_nsp_caps(const struct rnr_nsp_provider *p);

/* Lifecycle.  startup: 0 and running, or the provider's error (not
 * running); a module without the slot starts with no state.  cleanup:
 * nothing for a provider that is not running; afterwards it is not. */
int  rnrd_nsp_startup(struct rnr_nsp_provider *p, const struct rnr_nsp_host *host);
void rnrd_nsp_cleanup(struct rnr_nsp_provider *p);
/* 0 when not running or without the slot. */
int  rnrd_nsp_reload(struct rnr_nsp_provider *p);

/* Lookups.  The daemon decides before calling whether a provider takes
 * part (counters, LUP_CONTAINERS): rnrd_nsp_lookup_ready is 0 when
 * lookup_begin would reach the provider, else the status the lookup gets
 * for it (WSASERVICE_NOT_FOUND). */
int  rnrd_nsp_lookup_ready(const struct rnr_nsp_provider *p);
int  rnrd_nsp_lookup_begin(struct rnr_nsp_provider *p, struct rnr_nsp_lookup *lk,
                           const WSAQUERYSETA *qs, DWORD flags);
/* Whether a running lookup can be stopped; one that cannot is left to
 * finish into the void. */
int  rnrd_nsp_can_cancel(const struct rnr_nsp_provider *p);
void rnrd_nsp_lookup_cancel(struct rnr_nsp_provider *p, struct rnr_nsp_lookup *lk);
/* Whether emit may pause the provider's lookups (it can resume them). */
int  rnrd_nsp_can_pause(const struct rnr_nsp_provider *p);
void rnrd_nsp_lookup_resume(struct rnr_nsp_provider *p, struct rnr_nsp_lookup *lk);

/* WSASetService: WSASERVICE_NOT_FOUND when not running, WSAEOPNOTSUPP
 * without the slot. */
int  rnrd_nsp_set_service(struct rnr_nsp_provider *p, const struct rnr_nsp_caller *caller,
                          const WSAQUERYSETA *qs, WSAESETSERVICEOP op, DWORD flags);

/* Classes.  install and remove: 0 when not running or without the slot
 * (the daemon's class store keeps them).  get_class_info:
 * WSATYPE_NOT_FOUND then (p may be NULL), and the daemon answers from
 * its store. */
int  rnrd_nsp_install_class(struct rnr_nsp_provider *p, const WSASERVICECLASSINFOA *info);
int  rnrd_nsp_remove_class(struct rnr_nsp_provider *p, const GUID *class_id);
int  rnrd_nsp_get_class_info(struct rnr_nsp_provider *p, const GUID *class_id,
                             const WSASERVICECLASSINFOA **out);

/* Operations.  stats: no figures.  control: 0 when the provider can be
 * asked, else the status the daemon answers for it (WSASERVICE_NOT_FOUND
 * when not running, WSAEOPNOTSUPP without the slot), which
 * rnrd_nsp_control returns without calling. */
void rnrd_nsp_stats(struct rnr_nsp_provider *p,
                    void (*emit_stat)(void *ctx, const char *key, uint64_t value), void *ctx);
int  rnrd_nsp_control_ready(const struct rnr_nsp_provider *p);
int  rnrd_nsp_control(struct rnr_nsp_provider *p, const char *command, const char *arg);

/* Before the drop, on a loaded module that has not started: 0 with
 * *nfds = 0 without the slot, else the slot's status; *nfds is never
 * more than RNR_NSP_MAX_FDS. */
int  rnrd_nsp_privileged_open(const struct rnr_nsp_provider *p, const struct rnr_nsp_check *conf,
                              int *fds, size_t *nfds);

/* Nothing when not running or without the slot. */
void rnrd_nsp_client_closed(struct rnr_nsp_provider *p, uint64_t client_id);

/* Whether `entry`, which the provider reported through host->changed
 * (so running or not, it is the one calling), answers `query`: 1 or 0,
 * or -1 without the slot, for the daemon's generic match. */
int  rnrd_nsp_change_matches(const struct rnr_nsp_provider *p, const WSAQUERYSETA *query,
                             DWORD flags, const WSAQUERYSETA *entry);

/* The module's configuration interface, on a loaded module that never
 * starts (rnrd --check-config, --list-config-keys, start-up and reload
 * checks).  config_keys: NULL without the slot (nothing declared). */
const struct rnr_nsp_key *rnrd_nsp_config_keys(const struct rnr_nsp_ops *ops);
void rnrd_nsp_check_config(const struct rnr_nsp_ops *ops, const struct rnr_nsp_check *chk);

#endif
