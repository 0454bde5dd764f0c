/* SPDX-License-Identifier: MIT */
/*
 * The dns provider's answer reader (providers/dns/dns_msg.c): whatever a
 * server or an attacker on the path sends, parsing answers with a status,
 * and an accepted answer keeps its counts inside the documented bounds
 * with NUL-terminated names no longer than a DNS name can be.
 */
#include "config.h"

#include <string.h>

#include <rnr/winsock2.h>

#include "dns_msg.h"
#include "fuzz.h"

static void check_name(const char *s)
{
    FUZZ_CHECK(s != NULL);
    FUZZ_CHECK(strlen(s) < DNS_MAX_NAME);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dns_answer *a = NULL;
    size_t i;
    int rc = dns_msg_parse(data, size, &a);

    if (rc != 0) {
        FUZZ_CHECK(rc == WSANO_RECOVERY || rc == WSAENOBUFS);
        FUZZ_CHECK(a == NULL);
        return 0;
    }
    FUZZ_CHECK(a != NULL && a->refs == 1);
    FUZZ_CHECK(a->status == 0 || a->status == WSAHOST_NOT_FOUND || a->status == WSANO_DATA ||
               a->status == WSATRY_AGAIN || a->status == WSANO_RECOVERY);
    FUZZ_CHECK(a->naliases <= DNS_MAX_CHAIN + 1);
    FUZZ_CHECK(a->naddrs <= DNS_MAX_RECORDS && a->nnames <= DNS_MAX_RECORDS);
    if (a->qname != NULL)
        check_name(a->qname);
    if (a->canon != NULL)
        check_name(a->canon);
    for (i = 0; i < a->naliases; i++)
        check_name(a->aliases[i]);
    for (i = 0; i < a->nnames; i++)
        check_name(a->names[i]);
    dns_answer_unref(dns_answer_ref(a));
    dns_answer_unref(a);
    return 0;
}
