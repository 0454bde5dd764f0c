/* SPDX-License-Identifier: MIT */
/*
 * What the rnrd operations commands (status, stats, log-level, reload,
 * cache, control) share, so that each of them can be one cmd_*.c file:
 * their option parsing, one request over rnrctl's own connection
 * (opsconn.c), ADMIN and CONTROL requests and the STATS fetch that two
 * of them make.  Internal to rnrctl.
 */
#ifndef RNRCTL_OPS_COMMON_H
#define RNRCTL_OPS_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "rnrctl.h"
#include "wire.h"
#include "wire_ops.h"

/* Only the common options: for the commands that have none of their own. */
extern const struct rnrctl_opt rnrctl_ops_plain_opts[];

/* Parses options (only the common ones, plus extra) and up to maxpos
 * positional arguments into pos[]; returns -1 to go on, else the exit
 * code (help printed, or usage error). */
int rnrctl_ops_parse(struct rnrctl *c, int argc, char **argv, int first,
                     const struct rnrctl_opt *opts, const char *help, const char **pos,
                     int maxpos, int *npos,
                     int (*extra)(struct rnrctl *, int, const char *, void *), void *arg);

/* rnrctl_ops_call, then w freed: every operations request is built,
 * sent once and dropped. */
int rnrctl_ops_call_once(struct rnr_wbuf *w, uint16_t type, uint8_t **body, size_t *len);

/* An ADMIN command to rnrd itself; done says so on stdout (json_key as
 * the JSON member: arg, or true without one).  The exit code. */
int rnrctl_ops_admin(struct rnrctl *c, const char *cmd, const char *arg, const char *done,
                     const char *json_key);

/* STATS, decoded into *out (rnr_ops_stats_free).  0, or the exit code
 * after reporting. */
int rnrctl_ops_fetch_stats(struct rnrctl *c, struct rnr_ops_stats **out);

/* CONTROL cmd [arg] to one provider (NULL: all able), results printed.
 * The exit code. */
int rnrctl_ops_control(struct rnrctl *c, const char *prov, const char *cmd, const char *arg);

#endif
