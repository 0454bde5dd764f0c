/* SPDX-License-Identifier: MIT */
/*
 * inet_addr (client/inet.c) against glibc's as the oracle: the unit test
 * says they agree, the fuzzer looks for an input where they do not.  And
 * inet_ntoa of the result parses back to the same address.
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include <rnr/winsock2.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstring(data, size);
    unsigned long ours = rnr_inet_addr(s);
    in_addr_t theirs = inet_addr(s);
    struct in_addr in;

    FUZZ_CHECK(ours == (unsigned long)theirs);
    if (ours != INADDR_NONE) {
        char *text;

        in.s_addr = (in_addr_t)ours;
        text = rnr_inet_ntoa(in);
        FUZZ_CHECK(text != NULL);
        FUZZ_CHECK(rnr_inet_addr(text) == ours);
    }
    free(s);
    return 0;
}
