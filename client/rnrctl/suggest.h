/*
 * "Did you mean ...?" for rnrctl: the closest of a list of known words to
 * a mistyped one, by edit distance.  Nothing here talks to rnrd.
 */
#ifndef RNRCTL_SUGGEST_H
#define RNRCTL_SUGGEST_H

#include <stddef.h>

/* Longer words are never compared (no suggestion for them). */
#define RNRCTL_SUGGEST_MAX 64u

/* Optimal-string-alignment distance between a and b, ignoring ASCII
 * case: insertions, deletions, substitutions and swaps of two adjacent
 * characters each cost 1.  (size_t)-1 when either is longer than
 * RNRCTL_SUGGEST_MAX. */
size_t rnrctl_edit_distance(const char *a, const char *b);

/* Collects candidates one at a time and keeps the closest. */
struct rnrctl_suggest {
    const char *word;     /* what the user typed */
    const char *best;     /* closest so far; NULL: none close enough */
    size_t      dist;
};

void rnrctl_suggest_init(struct rnrctl_suggest *s, const char *word);
/* Considers cand (NULL ignored); a candidate equal to the word (but for
 * case) is a suggestion too.  The first of equally close ones wins. */
void rnrctl_suggest_add(struct rnrctl_suggest *s, const char *cand);
/* The closest candidate when it is close enough to be a likely typo: at
 * most a third of the word's length (at least 1, at most 3) away.  Else
 * NULL.  Points at the candidate given to rnrctl_suggest_add. */
const char *rnrctl_suggest_best(const struct rnrctl_suggest *s);

/* The closest of n candidates, as above; NULL when none is close. */
const char *rnrctl_suggest(const char *word, const char *const *cands, size_t n);

#endif
