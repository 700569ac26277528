/* The chain account key over libsecp256k1 (nautilus/crypto.h). */
#include <string.h>

#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <sodium.h>

#include "nautilus/crypto.h"

/* One context for signing and verification, created on first use. The
 * context is randomised once for side-channel protection of signing. */
static secp256k1_context *shared_ctx(void)
{
    static secp256k1_context *ctx;
    if (!ctx) {
        uint8_t seed[32];
        if (sodium_init() < 0)
            return NULL;
        ctx = secp256k1_context_create(SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY);
        if (!ctx)
            return NULL;
        randombytes_buf(seed, sizeof seed);
        if (!secp256k1_context_randomize(ctx, seed)) {
            secp256k1_context_destroy(ctx);
            ctx = NULL;
        }
        sodium_memzero(seed, sizeof seed);
    }
    return ctx;
}

static void address_of(uint8_t address[20], const uint8_t pub[65])
{
    uint8_t h[32];
    nt_keccak256(h, pub + 1, 64);
    memcpy(address, h + 12, 20);
}

nt_status nt_secp256k1_key_from_secret(nt_secp256k1_key *key, const uint8_t sk[32])
{
    secp256k1_context *ctx = shared_ctx();
    secp256k1_pubkey pk;
    size_t len = 65;

    if (!ctx)
        return NT_ERR_CRYPTO_INIT;
    if (!secp256k1_ec_seckey_verify(ctx, sk) || !secp256k1_ec_pubkey_create(ctx, &pk, sk))
        return NT_ERR_CRYPTO_BAD_SECRET;
    memcpy(key->sk, sk, 32);
    secp256k1_ec_pubkey_serialize(ctx, key->pub, &len, &pk, SECP256K1_EC_UNCOMPRESSED);
    address_of(key->address, key->pub);
    return NT_OK;
}

nt_status nt_secp256k1_key_generate(nt_secp256k1_key *key)
{
    uint8_t sk[32];
    nt_status st;
    if (!shared_ctx())
        return NT_ERR_CRYPTO_INIT;
    /* A uniformly random 32-byte string is a valid secret except with
     * probability about 2^-128; retry in that case. */
    do {
        randombytes_buf(sk, sizeof sk);
        st = nt_secp256k1_key_from_secret(key, sk);
    } while (st == NT_ERR_CRYPTO_BAD_SECRET);
    sodium_memzero(sk, sizeof sk);
    return st;
}

void nt_secp256k1_key_wipe(nt_secp256k1_key *key) { sodium_memzero(key, sizeof *key); }

nt_status nt_secp256k1_sign_recoverable(const nt_secp256k1_key *key, uint8_t sig[64], int *recid,
                                        const uint8_t hash[32])
{
    secp256k1_context *ctx = shared_ctx();
    secp256k1_ecdsa_recoverable_signature rs;
    if (!ctx)
        return NT_ERR_CRYPTO_INIT;
    /* libsecp256k1 uses RFC 6979 nonces and always produces low-s. */
    if (!secp256k1_ecdsa_sign_recoverable(ctx, &rs, hash, key->sk, NULL, NULL))
        return NT_ERR_CRYPTO_BAD_SECRET;
    secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, sig, recid, &rs);
    return NT_OK;
}

nt_status nt_secp256k1_recover_address(uint8_t address[20], const uint8_t sig[64], int recid,
                                       const uint8_t hash[32])
{
    secp256k1_context *ctx = shared_ctx();
    secp256k1_ecdsa_recoverable_signature rs;
    secp256k1_pubkey pk;
    uint8_t pub[65];
    size_t len = sizeof pub;

    if (!ctx)
        return NT_ERR_CRYPTO_INIT;
    if (recid < 0 || recid > 3 ||
        !secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &rs, sig, recid) ||
        !secp256k1_ecdsa_recover(ctx, &pk, &rs, hash))
        return NT_ERR_CRYPTO_BAD_SIGNATURE;
    secp256k1_ec_pubkey_serialize(ctx, pub, &len, &pk, SECP256K1_EC_UNCOMPRESSED);
    address_of(address, pub);
    return NT_OK;
}

void nt_eth_address_format(char out[43], const uint8_t address[20])
{
    static const char digits[] = "0123456789abcdef";
    char lower[40];
    uint8_t h[32];
    int i;

    for (i = 0; i < 20; i++) {
        lower[2 * i] = digits[address[i] >> 4];
        lower[2 * i + 1] = digits[address[i] & 15];
    }
    /* EIP-55: upper-case a letter when the matching nibble of
     * keccak256(lower-case hex) is >= 8. */
    nt_keccak256(h, (const uint8_t *)lower, sizeof lower);
    out[0] = '0';
    out[1] = 'x';
    for (i = 0; i < 40; i++) {
        unsigned nib = (i % 2) ? (h[i / 2] & 15u) : (unsigned)(h[i / 2] >> 4);
        char c = lower[i];
        if (c >= 'a' && c <= 'f' && nib >= 8)
            c = (char)(c - 'a' + 'A');
        out[2 + i] = c;
    }
    out[42] = 0;
}
