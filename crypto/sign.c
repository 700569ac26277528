/* SHA-256, Ed25519 and DNSKEY helpers over libsodium (nautilus/crypto.h). */
#include <string.h>

#include <sodium.h>

#include "nautilus/crypto.h"

/* sodium_init is idempotent and thread-safe after the first call. */
static nt_status sodium_ready(void)
{
    return sodium_init() < 0 ? NT_ERR_CRYPTO_INIT : NT_OK;
}

void nt_sha256(uint8_t out[32], const uint8_t *data, size_t len)
{
    crypto_hash_sha256(out, data, len);
}

nt_status nt_ed25519_key_from_seed(nt_ed25519_key *key, const uint8_t seed[32])
{
    nt_status st = sodium_ready();
    if (st != NT_OK)
        return st;
    if (crypto_sign_seed_keypair(key->pk, key->sk, seed) != 0)
        return NT_ERR_CRYPTO_BAD_SECRET;
    return NT_OK;
}

nt_status nt_ed25519_key_generate(nt_ed25519_key *key)
{
    uint8_t seed[32];
    nt_status st = sodium_ready();
    if (st != NT_OK)
        return st;
    randombytes_buf(seed, sizeof seed);
    st = nt_ed25519_key_from_seed(key, seed);
    sodium_memzero(seed, sizeof seed);
    return st;
}

void nt_ed25519_key_wipe(nt_ed25519_key *key) { sodium_memzero(key, sizeof *key); }

nt_status nt_ed25519_sign(const nt_ed25519_key *key, uint8_t sig[64], const uint8_t *msg,
                          size_t len)
{
    if (crypto_sign_detached(sig, NULL, msg, len, key->sk) != 0)
        return NT_ERR_CRYPTO_BAD_SECRET;
    return NT_OK;
}

nt_status nt_ed25519_verify(const uint8_t pk[32], const uint8_t sig[64], const uint8_t *msg,
                            size_t len)
{
    nt_status st = sodium_ready();
    if (st != NT_OK)
        return st;
    return crypto_sign_verify_detached(sig, msg, len, pk) == 0 ? NT_OK
                                                               : NT_ERR_CRYPTO_BAD_SIGNATURE;
}

void nt_dnskey_ed25519_rdata(uint8_t out[NT_DNSKEY_ED25519_RDATA_LEN], const uint8_t pk[32])
{
    out[0] = 0x01; /* flags 256: Zone Key bit (RFC 4034 §2.1.1) */
    out[1] = 0x00;
    out[2] = 3;    /* protocol, always 3 (§2.1.2) */
    out[3] = 15;   /* algorithm 15, Ed25519 (RFC 8080 §5) */
    memcpy(out + 4, pk, 32);
}

void nt_dnskey_digest(uint8_t out[32], const uint8_t *owner_wire, size_t owner_len,
                      const uint8_t *rdata, size_t rdata_len)
{
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, owner_wire, owner_len);
    crypto_hash_sha256_update(&st, rdata, rdata_len);
    crypto_hash_sha256_final(&st, out);
}

uint16_t nt_dnskey_key_tag(const uint8_t *rdata, size_t rdata_len)
{
    /* RFC 4034 Appendix B: ones-complement-like sum over 16-bit words. */
    uint32_t ac = 0;
    size_t i;
    for (i = 0; i < rdata_len; i++)
        ac += (i & 1) ? rdata[i] : (uint32_t)rdata[i] << 8;
    ac += (ac >> 16) & 0xffff;
    return (uint16_t)(ac & 0xffff);
}
