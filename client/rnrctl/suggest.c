/*
 * "Did you mean ...?" (suggest.h).
 */
#include <config.h>

#include <ctype.h>
#include <string.h>

#include "suggest.h"

size_t rnrctl_edit_distance(const char *a, const char *b)
{
    /* Three rows of the dynamic-programming table: the swap of two
     * adjacent characters looks two rows back. */
    size_t rows[3][RNRCTL_SUGGEST_MAX + 1];
    size_t *pp = rows[0], *prev = rows[1], *cur = rows[2], *t;
    size_t la = strlen(a), lb = strlen(b), i, j;

    if (la > RNRCTL_SUGGEST_MAX || lb > RNRCTL_SUGGEST_MAX)
        return (size_t)-1;
    for (j = 0; j <= lb; j++)
        prev[j] = j;
    for (i = 1; i <= la; i++) {
        int ca = tolower((unsigned char)a[i - 1]);

        cur[0] = i;
        for (j = 1; j <= lb; j++) {
            int cb = tolower((unsigned char)b[j - 1]);
            size_t v = prev[j - 1] + (ca != cb);

            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb && pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            cur[j] = v;
        }
        t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb];
}

void rnrctl_suggest_init(struct rnrctl_suggest *s, const char *word)
{
    s->word = word;
    s->best = NULL;
    s->dist = (size_t)-1;
}

void rnrctl_suggest_add(struct rnrctl_suggest *s, const char *cand)
{
    size_t d;

    if (cand == NULL || s->word == NULL)
        return;
    d = rnrctl_edit_distance(s->word, cand);
    if (d < s->dist) {
        s->dist = d;
        s->best = cand;
    }
}

const char *rnrctl_suggest_best(const struct rnrctl_suggest *s)
{
    size_t limit;

    if (s->best == NULL)
        return NULL;
    /* A third of the word, so that "lokup" finds "lookup" but a short
     * word is not "corrected" into an unrelated one. */
    limit = strlen(s->word) / 3;
    if (limit < 1)
        limit = 1;
    if (limit > 3)
        limit = 3;
    return s->dist <= limit ? s->best : NULL;
}

const char *rnrctl_suggest(const char *word, const char *const *cands, size_t n)
{
    struct rnrctl_suggest s;
    size_t i;

    rnrctl_suggest_init(&s, word);
    for (i = 0; i < n; i++)
        rnrctl_suggest_add(&s, cands[i]);
    return rnrctl_suggest_best(&s);
}
