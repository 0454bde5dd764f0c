/* SPDX-License-Identifier: MIT */
/*
 * "Did you mean ...?": the closest of a set of known words to one that was
 * not recognised (a misspelt configuration key, a command name), by edit
 * distance with transpositions.  Shared by rnrd's configuration checks and
 * rnrctl's commands, options and class names.
 */
#ifndef RNR_SUGGEST_H
#define RNR_SUGGEST_H

#include <stddef.h>

/* Words longer than this are never compared (no suggestion). */
#define RNR_SUGGEST_MAX_LEN 64u

struct rnr_suggest {
    const char *word;      /* the unrecognised word */
    const char *best;      /* closest candidate so far, or NULL */
    unsigned    distance;  /* its distance */
};

/* Edits (insert, delete, substitute, swap two neighbours) that turn a into
 * b, ASCII case aside; UINT_MAX when either is longer than
 * RNR_SUGGEST_MAX_LEN. */
unsigned rnr_suggest_distance(const char *a, const char *b);

void rnr_suggest_init(struct rnr_suggest *s, const char *word);
/* Consider one candidate; the first of equally close ones wins. */
void rnr_suggest_add(struct rnr_suggest *s, const char *candidate);
/* The candidate worth suggesting, or NULL when none is close enough to be
 * a plausible misspelling (at most a third of the word's length edited,
 * one edit at least) or one is the word itself (the word in another case
 * is suggested).  Points at the candidate given to rnr_suggest_add. */
const char *rnr_suggest_best(const struct rnr_suggest *s);
/* The same over n candidates (NULL ones skipped). */
const char *rnr_suggest_pick(const char *word, const char *const *candidates, size_t n);

#endif
