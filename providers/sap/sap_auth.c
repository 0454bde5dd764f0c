/* SPDX-License-Identifier: MIT */
/*
 * HMAC-SHA-256 tags (OpenSSL libcrypto).  The tag covers every byte
 * before it, header included, so neither flags nor sender nor sequence
 * can be changed on the way.
 */
#include "config.h"

#include "sap.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

static int tag_of(const struct sap_conf *c, const uint8_t *buf, size_t len,
                  uint8_t out[SAP_TAG_LEN])
{
    unsigned outlen = 0;

    if (HMAC(EVP_sha256(), c->key, (int)c->keylen, buf, len, out, &outlen) == NULL ||
        outlen != SAP_TAG_LEN)
        return -1;
    return 0;
}

void sap_auth_sign(const struct sap_conf *c, uint8_t *buf, size_t len)
{
    uint8_t tag[SAP_TAG_LEN];

    if (c->keylen == 0 || len < SAP_TAG_LEN)
        return;
    if (tag_of(c, buf, len - SAP_TAG_LEN, tag) != 0)
        memset(tag, 0, sizeof tag);   /* never verifies: dropped by peers */
    memcpy(buf + len - SAP_TAG_LEN, tag, SAP_TAG_LEN);
}

int sap_auth_verify(const struct sap_conf *c, const uint8_t *buf, size_t signed_len,
                    const uint8_t *tag)
{
    uint8_t want[SAP_TAG_LEN];

    if (c->keylen == 0 || tag == NULL)
        return -1;
    if (tag_of(c, buf, signed_len, want) != 0)
        return -1;
    return CRYPTO_memcmp(want, tag, SAP_TAG_LEN) == 0 ? 0 : -1;
}
