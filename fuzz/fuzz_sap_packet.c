/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the sap provider's packet parser (providers/sap/sap_packet.c).
 * Whatever the bytes, sap_packet_parse answers; an accepted packet walks
 * to its end with every entry within the protocol's limits, and
 * re-encoding its entries yields a packet that parses again.
 *
 *   build: the fuzz/ convention (fuzz/driver.c or -fsanitize=fuzzer),
 *          with providers/sap/sap_packet.c and nsp/ on the include path
 *   seeds: fuzz/corpus/sap_packet/
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sap_packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sap_entry e;
    static struct sap_writer w;
    struct sap_header h, h2;
    struct sap_cursor c;
    int r;

    if (sap_packet_parse(data, size, &h) != 0)
        return 0;
    if (h.body_len > size || h.count > SAP_MAX_PACKET)
        abort();
    sap_writer_begin(&w, h.type, 0, h.sender, h.ttl_ms, 0, SAP_MAX_PACKET);
    sap_cursor_init(&c, data, &h);
    while ((r = sap_cursor_next(&c, &e)) == 1) {
        if (strlen(e.name) > SAP_MAX_NAME || strlen(e.comment) > SAP_MAX_COMMENT ||
            e.naddrs > SAP_MAX_ADDRS)
            abort();
        (void)sap_writer_add(&w, &e);
    }
    if (r != 0)
        abort();
    if (w.count > 0 &&
        (sap_packet_parse(w.buf, sap_writer_finish(&w, h.seq, h.stamp_ms, 0), &h2) != 0 ||
         h2.stamp_ms != h.stamp_ms || h2.seq != h.seq || h2.sender != h.sender))
        abort();
    return 0;
}
