/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the NetBIOS Name Service codec (providers/netbt/nbns_packet.c).
 * Whatever the bytes, nbns_decode answers; what it accepts stays within
 * the codec's limits, re-encodes, and the re-encoded packet decodes to
 * the same message.
 *
 *   build: the fuzz/ convention (fuzz/driver.c or -fsanitize=fuzzer),
 *          with providers/netbt/nbns_packet.c on the include path
 *   seeds: fuzz/corpus/nbns/
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nbns_packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const struct nbns_msg *a, const struct nbns_msg *b)
{
    size_t i;

    if (a->id != b->id || a->flags != b->flags || a->has_question != b->has_question ||
        a->rr_section != b->rr_section || a->naddrs != b->naddrs || a->nnames != b->nnames)
        return 0;
    if (a->has_question && (!nbns_name_equal(&a->qname, &b->qname) || a->qtype != b->qtype))
        return 0;
    if (a->rr_section != NBNS_SEC_NONE &&
        (!nbns_name_equal(&a->rrname, &b->rrname) || a->rrtype != b->rrtype ||
         a->ttl != b->ttl))
        return 0;
    for (i = 0; i < a->naddrs; i++)
        if (a->addrs[i].flags != b->addrs[i].flags || memcmp(a->addrs[i].ip, b->addrs[i].ip, 4))
            return 0;
    for (i = 0; i < a->nnames; i++)
        if (a->names[i].flags != b->names[i].flags ||
            memcmp(a->names[i].b, b->names[i].b, NBNS_NAME_LEN) != 0)
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct nbns_msg m, m2;
    static uint8_t buf[4096];
    size_t len;

    if (nbns_decode(data, size, &m) != 0)
        return 0;
    if (m.naddrs > NBNS_MAX_ADDRS || m.nnames > NBNS_MAX_STAT ||
        strlen(m.qname.scope) > NBNS_MAX_SCOPE || strlen(m.rrname.scope) > NBNS_MAX_SCOPE ||
        !nbns_scope_valid(m.qname.scope) || !nbns_scope_valid(m.rrname.scope))
        abort();
    if (nbns_encode(&m, buf, sizeof buf, &len) != 0)
        abort();
    if (nbns_decode(buf, len, &m2) != 0 || !same(&m, &m2))
        abort();
    return 0;
}
