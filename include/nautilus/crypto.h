/*
 * nautilus/crypto.h - hashes, the agent's two keys, and key files.
 *
 *  - Keccak-256 (the original Keccak padding 0x01, as Ethereum uses it; not
 *    SHA3-256), written here: no Debian package provides it.
 *  - SHA-256 and Ed25519 through libsodium: the agent's signing key for
 *    RRSIGs (RFC 8080 algorithm 15), checkpoints and bus events.
 *  - secp256k1 through libsecp256k1: the agent's chain account. Address =
 *    last 20 bytes of keccak256(uncompressed public key without its 0x04).
 *  - Key files in the state directory: mode 0600, refused when readable or
 *    writable by group or others, never overwritten without force, checked
 *    for truncation and corruption on load. Secrets are wiped after use and
 *    never printed.
 */
#ifndef NAUTILUS_CRYPTO_H
#define NAUTILUS_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- hashes -------------------------------------------------------------- */

/* Incremental Keccak-256 (rate 136 bytes, Keccak padding). */
typedef struct nt_keccak256_ctx {
    uint64_t state[25];
    uint8_t block[136];
    size_t fill;
} nt_keccak256_ctx;

NT_API void nt_keccak256_init(nt_keccak256_ctx *ctx);
NT_API void nt_keccak256_update(nt_keccak256_ctx *ctx, const uint8_t *data, size_t len);
/* Writes the digest and wipes the context. */
NT_API void nt_keccak256_final(nt_keccak256_ctx *ctx, uint8_t out[32]);
/* One-shot Keccak-256 of data[0..len). */
NT_API void nt_keccak256(uint8_t out[32], const uint8_t *data, size_t len);

/* One-shot SHA-256 of data[0..len). */
NT_API void nt_sha256(uint8_t out[32], const uint8_t *data, size_t len);

/* ---- Ed25519 (signing key) ---------------------------------------------- */

#define NT_ED25519_SEED_LEN 32
#define NT_ED25519_PK_LEN 32
#define NT_ED25519_SIG_LEN 64

typedef struct nt_ed25519_key {
    uint8_t sk[64]; /* libsodium secret key: seed || public key */
    uint8_t pk[NT_ED25519_PK_LEN];
} nt_ed25519_key;

/* Derives the key pair from a 32-byte seed. */
NT_API NT_WUR nt_status nt_ed25519_key_from_seed(nt_ed25519_key *key, const uint8_t seed[32]);
/* Generates a fresh key pair from the operating system's RNG. */
NT_API NT_WUR nt_status nt_ed25519_key_generate(nt_ed25519_key *key);
/* Wipes the key. */
NT_API void nt_ed25519_key_wipe(nt_ed25519_key *key);

/* Signs msg[0..len) into sig. */
NT_API NT_WUR nt_status nt_ed25519_sign(const nt_ed25519_key *key, uint8_t sig[64],
                                        const uint8_t *msg, size_t len);
/* NT_OK if sig is a valid signature of msg under pk, NT_ERR_CRYPTO_BAD_SIGNATURE
 * otherwise (including non-canonical signatures and small-order keys, which
 * libsodium refuses). */
NT_API NT_WUR nt_status nt_ed25519_verify(const uint8_t pk[32], const uint8_t sig[64],
                                          const uint8_t *msg, size_t len);

/* DNSKEY RDATA for an Ed25519 zone key (RFC 4034 §2.1, RFC 8080 §3):
 * flags 256, protocol 3, algorithm 15, then the 32-byte public key. */
#define NT_DNSKEY_ED25519_RDATA_LEN 36
NT_API void nt_dnskey_ed25519_rdata(uint8_t out[NT_DNSKEY_ED25519_RDATA_LEN], const uint8_t pk[32]);

/* The key's identity: the DS digest type 2 (RFC 4509 §2.1) of the DNSKEY,
 * SHA-256(owner name in canonical wire form || DNSKEY RDATA). owner must be
 * the lower-cased, uncompressed wire form of the host name. */
NT_API void nt_dnskey_digest(uint8_t out[32], const uint8_t *owner_wire, size_t owner_len,
                             const uint8_t *rdata, size_t rdata_len);

/* RFC 4034 Appendix B key tag of a DNSKEY RDATA. */
NT_API uint16_t nt_dnskey_key_tag(const uint8_t *rdata, size_t rdata_len);

/* ---- secp256k1 (chain account) ------------------------------------------ */

typedef struct nt_secp256k1_key {
    uint8_t sk[32];
    uint8_t pub[65];     /* uncompressed: 0x04 || x || y */
    uint8_t address[20]; /* keccak256(x || y)[12..32) */
} nt_secp256k1_key;

/* Loads a 32-byte secret; NT_ERR_CRYPTO_BAD_SECRET if it is 0 or >= n. */
NT_API NT_WUR nt_status nt_secp256k1_key_from_secret(nt_secp256k1_key *key, const uint8_t sk[32]);
/* Generates a fresh key from the operating system's RNG. */
NT_API NT_WUR nt_status nt_secp256k1_key_generate(nt_secp256k1_key *key);
NT_API void nt_secp256k1_key_wipe(nt_secp256k1_key *key);

/* Signs a 32-byte hash (RFC 6979 nonces, low-s) returning r || s and the
 * recovery id (0 or 1), as Ethereum transactions need. */
NT_API NT_WUR nt_status nt_secp256k1_sign_recoverable(const nt_secp256k1_key *key,
                                                      uint8_t sig[64], int *recid,
                                                      const uint8_t hash[32]);

/* Recovers the 20-byte address that signed hash with (sig, recid).
 * NT_ERR_CRYPTO_BAD_SIGNATURE if nothing can be recovered. */
NT_API NT_WUR nt_status nt_secp256k1_recover_address(uint8_t address[20], const uint8_t sig[64],
                                                     int recid, const uint8_t hash[32]);

/* Writes the EIP-55 mixed-case checksum form "0x..." of an address (43 bytes
 * with the NUL). */
NT_API void nt_eth_address_format(char out[43], const uint8_t address[20]);

/* ---- key files and the state directory ---------------------------------- */

/* The agent's keys, as stored in its state directory. */
typedef struct nt_identity {
    nt_ed25519_key sign;
    nt_secp256k1_key chain;
} nt_identity;

#define NT_KEYFILE_ED25519 "ed25519.key"
#define NT_KEYFILE_SECP256K1 "secp256k1.key"

/* Default state directory: $XDG_STATE_HOME/nautilus, /var/lib/nautilus for
 * root, else $HOME/.local/state/nautilus. NT_ERR_NOSPACE if cap is too small,
 * NT_ERR_NOT_FOUND if no base directory can be determined. */
NT_API NT_WUR nt_status nt_state_dir_default(char *out, size_t cap);

/* Creates both keys in dir (created with mode 0700 if missing). Without
 * force, NT_ERR_EXISTS if either key file exists and nothing is written.
 * Files are written to a temporary name with mode 0600 and renamed. */
NT_API NT_WUR nt_status nt_identity_create(nt_identity *id, const char *dir, bool force);

/* Loads both keys. Errors, each distinct: NT_ERR_CRYPTO_STATE_DIR (dir missing
 * or unreadable), NT_ERR_CRYPTO_KEY_MISSING, NT_ERR_CRYPTO_KEY_PERMS (readable
 * or writable by group/others, not a regular file, or a symlink),
 * NT_ERR_CRYPTO_KEY_TRUNCATED, NT_ERR_CRYPTO_KEY_FORMAT (garbled),
 * NT_ERR_CRYPTO_KEY_CORRUPT (secret and recorded public key disagree). On
 * error *id is wiped. *which (optional) names the file that failed. */
NT_API NT_WUR nt_status nt_identity_load(nt_identity *id, const char *dir, const char **which);

NT_API void nt_identity_wipe(nt_identity *id);

#ifdef __cplusplus
}
#endif
#endif
