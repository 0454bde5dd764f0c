/* SPDX-License-Identifier: MIT */
/*
 * Lookup handles (doc/architecture.md, "Lookups end to end"): a client
 * lookup fans out to one sub-lookup per chosen provider; results are
 * filtered and encoded as they are emitted, and pushed to the client in
 * catalog order: results of provider i wait in its sub-lookup's queue until
 * providers 0..i-1 have finished.  LOOKUP_DONE follows the last one.
 *
 * A provider that can pause (ops.lookup_resume) is paused when its results
 * would wait: the client is throttled, or its queue holds RNRD_PAUSE_QUEUE
 * bytes while earlier providers are still at work.  It is resumed once its
 * turn has come, its queue is empty and the client reads again, so what
 * rnrd holds of its answer stays bounded whatever the answer's size.
 */
#ifndef RNRD_LOOKUP_H
#define RNRD_LOOKUP_H

#include "rnrd.h"

/* Bytes a pausable provider's results may wait behind earlier providers. */
#define RNRD_PAUSE_QUEUE (64u * 1024u)

enum rnrd_sub_state {
    SUB_IDLE,        /* lookup_begin not called yet */
    SUB_RUNNING,
    SUB_DONE,        /* finished, or failed to begin */
    SUB_CANCELLED    /* being cancelled: provider calls are ignored */
};

struct rnr_nsp_lookup {
    struct rnrd_lookup          *parent;   /* NULL: orphaned (see lookup.c) */
    struct rnr_nsp_provider     *prov;     /* NULL once off the provider */
    TAILQ_ENTRY(rnr_nsp_lookup)  plink;    /* in prov->lookups */
    size_t                       index;    /* in parent->subs */
    struct rnr_nsp_caller        caller;
    enum rnrd_sub_state          state;
    int                          status;
    size_t                       emitted;
    size_t                       accepted;
    uint64_t                     begin_us; /* lookup_begin, for latency */
    uint32_t                     reusable_ms; /* host->lookup_reusable */
    int                          reusable;
    int                          paused;   /* emit said RNR_NSP_PAUSED */
    void                        *data;     /* the provider's */
    struct rnrd_buf              queue;    /* encoded RESULT frames */
};

struct rnrd_lookup {
    TAILQ_ENTRY(rnrd_lookup) link;         /* in client->lookups */
    struct rnrd_client      *client;
    uint32_t                 handle;
    DWORD                    flags;
    WSAQUERYSETA            *qs;           /* flat, from the wire */
    struct rnr_nsp_lookup  **subs;         /* catalog order */
    size_t                   nsubs;
    size_t                   cur;          /* first sub not fully delivered */
    size_t                   nresults;     /* accepted, for the result limit */
    size_t                   queued;       /* bytes in the subs' queues */
    size_t                   charged;      /* its own memory (query, key), see begin */
    int                      cut;          /* WSAENOBUFS: an output cap refused a result */
    int                      done_sent;
    int                      pumping;      /* inside rnrd_lookup_pump */
    /* The answer cache (answers.c): key, value as delivered so far. */
    uint8_t                 *ans_key;
    size_t                   ans_klen;
    struct rnr_wbuf          ans_val;
    size_t                   ans_count;
    uint32_t                 ans_gen;
    int                      ans_ok;       /* still worth storing */
    size_t                   ans_charged;  /* of ans_val, to the client's memory */
};

/* answers.c: the answer cache (nsp/anscache.h). */
void rnrd_answers_lookup_begin(struct rnrd_lookup *l, const uint8_t *body, size_t len);
void rnrd_answers_lookup_result(struct rnrd_lookup *l, const uint8_t *frame, size_t len);
void rnrd_answers_lookup_done(struct rnrd_lookup *l, int status);
void rnrd_answers_lookup_free(struct rnrd_lookup *l);

void rnrd_lookups_init(void);
void rnrd_lookups_fini(void);

/* LOOKUP_BEGIN / LOOKUP_END requests. */
int  rnrd_lookup_request_begin(struct rnrd_client *c, uint32_t id, struct rnr_rbuf *r);
int  rnrd_lookup_request_end(struct rnrd_client *c, uint32_t id, struct rnr_rbuf *r);
/* A result as the client of query q may see it (doc/architecture.md,
 * step 4): provider id and name space filled in from p when unset,
 * addresses restricted to q's protocols.  0; 1 when the restriction left
 * none of the addresses it had (view has none then); or WSAENOBUFS.
 * *kept (rnr_free, even on 1) holds the addresses view points to. */
int  rnrd_result_view(const struct rnr_nsp_provider *p, const WSAQUERYSETA *q,
                      const WSAQUERYSETA *res, WSAQUERYSETA *view, CSADDR_INFO **kept);
/* A lookup of c has that handle (subscriptions share the space). */
int  rnrd_lookup_handle_used(const struct rnrd_client *c, uint32_t handle);
/* Cancel and free (client gone). */
void rnrd_lookup_free(struct rnrd_lookup *l);
/* Push what can be pushed (after the client's output drained). */
void rnrd_lookup_pump(struct rnrd_lookup *l);

/* A provider is going away: end its sub-lookups (cancelled, status
 * WSANO_RECOVERY) and free its orphans.  Call before cleanup. */
void rnrd_lookups_detach_provider(struct rnr_nsp_provider *p);
/* Orphans only (after cleanup, which must have dropped them anyway). */
void rnrd_lookups_free_orphans(struct rnr_nsp_provider *p);

/* Host interface entry points. */
int  rnrd_lookup_emit(struct rnr_nsp_lookup *lk, const WSAQUERYSETA *result);
void rnrd_lookup_finish(struct rnr_nsp_lookup *lk, int status);
void rnrd_lookup_reusable(struct rnr_nsp_lookup *lk, uint32_t ms);
struct rnr_nsp_lookup *rnrd_lookup_check(struct rnr_nsp_lookup *lk, const char *what);

#endif
