/* agent/bus: H(m) = SHA-256(topic || 0x00 || body) on the hot paths (every
 * event, on both sides) through OpenSSL's libcrypto, whose SHA-256 uses the
 * CPU's SHA extensions where it has them: ~0.3 us for a 256-byte event here
 * against ~1.3 us for libsodium's portable code. The same digest as
 * nt_bus_msg_hash (test_bus checks it); without a context, or if libcrypto
 * fails, libsodium computes it. */
#include <openssl/evp.h>

#include "bus_int.h"

nt_status nt_bus_hasher_init(nt_bus_hasher *h)
{
    h->md = EVP_MD_fetch(NULL, "SHA256", NULL);
    h->ctx = EVP_MD_CTX_new();
    if (!h->md || !h->ctx) {
        nt_bus_hasher_cleanup(h);
        return NT_ERR_CRYPTO_INIT;
    }
    return NT_OK;
}

void nt_bus_hasher_cleanup(nt_bus_hasher *h)
{
    EVP_MD_CTX_free(h->ctx);
    EVP_MD_free(h->md);
    h->ctx = NULL;
    h->md = NULL;
}

void nt_bus_hasher_msg(nt_bus_hasher *h, uint8_t out[32], const char *topic, size_t tlen,
                       const char *body, size_t blen)
{
    static const unsigned char zero = 0;
    unsigned int len = 0;
    if (h && h->ctx && EVP_DigestInit_ex(h->ctx, h->md, NULL) == 1 &&
        EVP_DigestUpdate(h->ctx, topic, tlen) == 1 && EVP_DigestUpdate(h->ctx, &zero, 1) == 1 &&
        EVP_DigestUpdate(h->ctx, body, blen) == 1 && EVP_DigestFinal_ex(h->ctx, out, &len) == 1 &&
        len == 32)
        return;
    nt_bus_msg_hash(out, topic, tlen, body, blen);
}
