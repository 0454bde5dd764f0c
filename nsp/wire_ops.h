/* SPDX-License-Identifier: MIT */
/*
 * Operations messages of the wire protocol (doc/protocol.md, "Operations"):
 * STATUS, STATS, CONTROL and RELOAD.  The daemon encodes its replies with
 * the put helpers here; rnrctl decodes them into the structures below.
 *
 *   STATUS   (empty) -> string version, u32 pid, u64 uptime_ms,
 *                       u32 n, n x provstatus
 *   STATS    (empty) -> u32 n, n x figure (the daemon's),
 *                       u32 n, n x provstats
 *   CONTROL  string provider (NULL: every active provider with a control
 *            slot), string command, string arg (NULL ok)
 *                    -> u32 n, n x (string provider, u32 status)
 *   RELOAD   (empty) -> (empty)
 *   ADMIN    string command, string arg (NULL ok) -> (empty); a command
 *            to rnrd itself: RNR_OPS_ADMIN_* below
 *
 *   u64         u32 low, u32 high (little-endian as a whole)
 *   figure      string key, u64 value
 *   provstatus  string name, string module, string display name,
 *               u32 state (RNR_OPS_PROV_*), guid id, u32 name space
 *   provstats   string name, u64 lookups, u64 results, u64 errors,
 *               u64 latency samples, u64 p50_us, u64 p90_us, u64 p99_us,
 *               u32 n, n x figure (the provider's own)
 * Keys are 1..RNR_OPS_MAX_KEY bytes of [a-z0-9._-].
 */
#ifndef RNR_WIRE_OPS_H
#define RNR_WIRE_OPS_H

#include <stddef.h>
#include <stdint.h>

#include "wire.h"

#define RNR_OPS_MAX_KEY      64u
#define RNR_OPS_MAX_FIGURES  256u   /* per provider, and the daemon's */
#define RNR_OPS_MAX_TEXT     4096u  /* version, names, command argument */
#define RNR_OPS_MAX_COMMAND  64u

/* ADMIN commands.  stats-reset zeroes what `rnrctl stats` counts (not the
 * gauges: clients open, memory used, entries cached) and asks every
 * started provider with a control slot to do the same ("stats-reset");
 * log-level sets rnrd's log level (err, warning, notice, info, debug)
 * until the next one, a reload or a restart. */
#define RNR_OPS_ADMIN_STATS_RESET "stats-reset"
#define RNR_OPS_ADMIN_LOG_LEVEL   "log-level"

enum rnr_ops_prov_state {
    RNR_OPS_PROV_INACTIVE = 0,   /* enabled, but its module or startup failed */
    RNR_OPS_PROV_STARTED  = 1,
    RNR_OPS_PROV_DISABLED = 2    /* enabled = no */
};

struct rnr_ops_figure {
    char     *key;
    uint64_t  value;
};

struct rnr_ops_provider_status {
    char     *name;
    char     *module;
    char     *display_name;
    uint32_t  state;
    GUID      id;
    uint32_t  name_space;
};

struct rnr_ops_status {
    char                           *version;
    uint32_t                        pid;
    uint64_t                        uptime_ms;
    size_t                          nprov;
    struct rnr_ops_provider_status *prov;
};

struct rnr_ops_provider_stats {
    char                  *name;
    uint64_t               lookups, results, errors;
    uint64_t               samples, p50_us, p90_us, p99_us;
    size_t                 nfig;
    struct rnr_ops_figure *fig;
};

struct rnr_ops_stats {
    size_t                         nfig;
    struct rnr_ops_figure         *fig;
    size_t                         nprov;
    struct rnr_ops_provider_stats *prov;
};

struct rnr_ops_control_result {
    char     *provider;
    uint32_t  outcome;   /* SET_SERVICE only: RNR_SET_*; 0 for CONTROL */
    uint32_t  status;
};

struct rnr_ops_control {
    size_t                         n;
    struct rnr_ops_control_result *res;
};

/* 1 when key is a well-formed figure key. */
int  rnr_ops_key_ok(const char *key);

void rnr_wire_put_u64(struct rnr_wbuf *w, uint64_t v);
int  rnr_wire_get_u64(struct rnr_rbuf *r, uint64_t *v);
void rnr_wire_put_figure(struct rnr_wbuf *w, const char *key, uint64_t value);

/* Reply bodies, decoded whole (rnr_rbuf_finish included).  0 with *out
 * set (free with the matching function), or WSAEINVAL / WSAENOBUFS. */
int  rnr_ops_status_decode(const void *body, size_t len, struct rnr_ops_status **out);
int  rnr_ops_stats_decode(const void *body, size_t len, struct rnr_ops_stats **out);
int  rnr_ops_control_decode(const void *body, size_t len, struct rnr_ops_control **out);
/* SET_SERVICE's report (wire.h): the same list, an outcome in each. */
int  rnr_ops_setreport_decode(const void *body, size_t len, struct rnr_ops_control **out);
void rnr_ops_status_free(struct rnr_ops_status *s);
void rnr_ops_stats_free(struct rnr_ops_stats *s);
void rnr_ops_control_free(struct rnr_ops_control *c);

#endif
