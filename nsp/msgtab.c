/* SPDX-License-Identifier: MIT */
/*
 * The wire message table (msgtab.h), made from msgtab.def.
 */
#include "config.h"

#include <stdio.h>

#include "msgtab.h"
#include "wire.h"

#define REQUEST     RNR_MSGF_REQUEST
#define PUSHED      RNR_MSGF_PUSHED
#define POOL        RNR_MSGF_POOL
#define DEADLINE    RNR_MSGF_DEADLINE
#define UNAWAITED   RNR_MSGF_UNAWAITED
#define ADMIN       RNR_MSGF_ADMIN
#define INVALIDATES RNR_MSGF_INVALIDATES
#define OPS         RNR_MSGF_OPS

static const struct rnr_msg_info msgtab[] = {
#define RNR_MSG(type, name, flags) { type, #name, flags },
#include "msgtab.def"
#undef RNR_MSG
};

#define MSGTAB_LEN (sizeof msgtab / sizeof msgtab[0])

const struct rnr_msg_info *rnr_msg_table(size_t *n)
{
    *n = MSGTAB_LEN;
    return msgtab;
}

const struct rnr_msg_info *rnr_msg_find(unsigned type)
{
    size_t lo = 0, hi = MSGTAB_LEN;

    unsigned reply = type & RNR_MSG_REPLY;

    type &= ~(unsigned)RNR_MSG_REPLY;
    /* Binary search: rnrd looks every frame up. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (msgtab[mid].type == type)
            /* Only a request has a reply. */
            return !reply || (msgtab[mid].flags & RNR_MSGF_REQUEST) ? &msgtab[mid] : NULL;
        if (msgtab[mid].type < type)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

unsigned rnr_msg_flags(unsigned type)
{
    const struct rnr_msg_info *m = rnr_msg_find(type);

    return m != NULL ? m->flags : 0;
}

const char *rnr_msg_describe(unsigned type, char *buf, size_t len)
{
    const struct rnr_msg_info *m = rnr_msg_find(type);

    if (m == NULL)
        snprintf(buf, len, "0x%02x", type);
    else
        snprintf(buf, len, "%s%s", m->name, (type & RNR_MSG_REPLY) ? " reply" : "");
    return buf;
}
