/* SPDX-License-Identifier: MIT */
/*
 * Suggestions for unrecognised words (suggest.h): the optimal string
 * alignment distance, i.e. Levenshtein plus the swap of two neighbouring
 * characters, since "flie" for "file" is the commonest slip of all.
 */
#include "config.h"

#include <limits.h>
#include <string.h>
#include <strings.h>

#include "suggest.h"

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static unsigned min3(unsigned a, unsigned b, unsigned c)
{
    unsigned m = a < b ? a : b;

    return m < c ? m : c;
}

unsigned rnr_suggest_distance(const char *a, const char *b)
{
    /* Three rows of the matrix: two back for transpositions. */
    unsigned rows[3][RNR_SUGGEST_MAX_LEN + 1];
    unsigned *prev2 = rows[0], *prev = rows[1], *cur = rows[2], *t;
    size_t la, lb, i, j;

    if (a == NULL || b == NULL)
        return UINT_MAX;
    la = strlen(a);
    lb = strlen(b);
    if (la > RNR_SUGGEST_MAX_LEN || lb > RNR_SUGGEST_MAX_LEN)
        return UINT_MAX;
    for (j = 0; j <= lb; j++)
        prev[j] = (unsigned)j;
    for (i = 1; i <= la; i++) {
        cur[0] = (unsigned)i;
        for (j = 1; j <= lb; j++) {
            unsigned cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0u : 1u;

            cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
                lower(a[i - 2]) == lower(b[j - 1]) &&
                prev2[j - 2] + 1 < cur[j])
                cur[j] = prev2[j - 2] + 1;
        }
        t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb];
}

void rnr_suggest_init(struct rnr_suggest *s, const char *word)
{
    s->word = word;
    s->best = NULL;
    s->distance = UINT_MAX;
}

void rnr_suggest_add(struct rnr_suggest *s, const char *candidate)
{
    unsigned d;

    if (s->word == NULL || candidate == NULL)
        return;
    d = rnr_suggest_distance(s->word, candidate);
    if (d < s->distance) {
        s->distance = d;
        s->best = candidate;
    }
}

const char *rnr_suggest_best(const struct rnr_suggest *s)
{
    size_t len;
    unsigned limit;

    /* The word itself is no suggestion; the word in another case is. */
    if (s->best == NULL || strcmp(s->best, s->word) == 0)
        return NULL;
    /* Past a third of the word, the "suggestion" is a different word. */
    len = strlen(s->word);
    limit = len >= 6 ? (unsigned)(len / 3) : 1u;
    return s->distance <= limit ? s->best : NULL;
}

const char *rnr_suggest_pick(const char *word, const char *const *candidates, size_t n)
{
    struct rnr_suggest s;
    size_t i;

    rnr_suggest_init(&s, word);
    for (i = 0; i < n; i++)
        rnr_suggest_add(&s, candidates[i]);
    return rnr_suggest_best(&s);
}
