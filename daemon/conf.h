/* SPDX-License-Identifier: MIT */
/*
 * rnrd.conf: a [daemon] section and one [provider NAME] section per
 * provider, in catalog order (etc/rnrd.conf documents every key).  Parsed
 * with inih into a new structure that the caller swaps in only when it is
 * valid; every problem is reported as "FILE:LINE: [section] key: what".
 */
#ifndef RNRD_CONF_H
#define RNRD_CONF_H

#include <stddef.h>
#include <rnr/nsp.h>

struct rnrd_kv {
    char    *key;
    char    *value;
    unsigned line;
};

struct rnrd_provider_conf {
    char           *name;          /* NAME of [provider NAME] */
    unsigned        line;          /* of the section header */
    char           *module;        /* required */
    int             has_name_space;
    DWORD           name_space;
    int             has_id;
    GUID            id;
    int             enabled;       /* default yes */
    char           *display_name;  /* NULL: the module's */
    struct rnrd_kv *keys;          /* every key of the section, for config_get */
    size_t          nkeys;
};

/* Resource limits (doc/architecture.md, "Limits").  Sizes in bytes,
 * times in milliseconds, 0 = off where the manual says so. */
struct rnrd_limits {
    size_t max_lookups_per_client;
    size_t max_message_size;
    size_t max_clients;
    size_t max_results_per_lookup;
    size_t max_clients_per_uid;      /* not for root and admin-group */
    size_t reserved_admin_clients;   /* of max_clients, for root and admins */
    size_t client_idle_timeout_ms;   /* 0: never */
    size_t frame_timeout_ms;         /* 0: never */
    size_t max_output_per_client;    /* throttle mark of the output buffer */
    size_t max_output_per_lookup;    /* results held for the client */
    size_t memory_limit;             /* everything held for clients */
    size_t max_memory_per_uid;       /* share of it, not for admins */
};

struct rnrd_config {
    char                      *source;       /* file name, or "(built-in)" */
    char                      *socket;       /* NULL: default */
    char                      *state_dir;
    char                      *module_dir;
    char                      *class_dir;
    char                      *admin_group;
    char                      *user;         /* NULL: see privdrop.c */
    char                      *group;        /* NULL: the user's group */
    struct rnrd_limits         limits;
    size_t                     answer_cache_size;  /* bytes, 0: off */
    int                        log_level;    /* RNR_NSP_LOG_* */
    struct rnrd_provider_conf *providers;
    size_t                     nproviders;
};

/* Error messages collected while parsing or checking. */
struct rnrd_errors {
    char  **msgs;
    size_t  n;
};

void rnrd_errors_add(struct rnrd_errors *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void rnrd_errors_free(struct rnrd_errors *e);
/* Messages of the form "SOURCE:LINE: ..." in line order (the parser's and
 * the modules' checks interleaved as in the file), the others after them. */
void rnrd_errors_sort(struct rnrd_errors *e, const char *source);

/* The compiled-in configuration, identical to etc/rnrd.conf. */
extern const char rnrd_default_config[];

/* Parse `path` (NULL: the built-in configuration).  Returns 0 and sets
 * *out, or -1 with at least one message in errs. */
int  rnrd_config_load(const char *path, struct rnrd_config **out,
                      struct rnrd_errors *errs);
/* Same, from a string; `source` names it in messages. */
int  rnrd_config_parse(const char *text, size_t len, const char *source,
                       struct rnrd_config **out, struct rnrd_errors *errs);
/* Like rnrd_config_load, but on errors *out is still set (unless out of
 * memory) to what could be read, so that the modules' keys can be checked
 * too and every error listed at once; the caller frees it.  Never to be
 * run with. */
int  rnrd_config_load_partial(const char *path, struct rnrd_config **out,
                              struct rnrd_errors *errs);
void rnrd_config_free(struct rnrd_config *cfg);    /* accepts NULL */

/* The keys of [daemon], and those rnrd reads in every [provider NAME]
 * section, each ended by a NULL name. */
const struct rnr_nsp_key *rnrd_daemon_keys(void);
extern const struct rnr_nsp_key rnrd_provider_keys[];

/* "; did you mean `KEY`?" naming the key of a or b closest to `key`, or
 * "" when none is close. */
void rnrd_config_suggest(const char *key, const struct rnr_nsp_key *a,
                         const struct rnr_nsp_key *b, char *out, size_t outlen);

/* Value of key in a provider section, or NULL. */
const char *rnrd_config_get(const struct rnrd_provider_conf *pc, const char *key);

#endif
