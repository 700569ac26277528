/*
 * zk/sha256.h - private: SHA-256 (FIPS 180-4), the name of a verification
 * key in nt_zk_vk_cache. Written here because the zk module links only core
 * and cJSON (DESIGN section 8); the agent's own hashing goes through
 * libsodium (nautilus/crypto.h). Public data only: nothing here is
 * constant-time.
 */
#ifndef NT_ZK_SHA256_H
#define NT_ZK_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define NT_ZK_SHA256_BYTES 32

/* out = SHA-256(data[0..len)). */
void nt_zk_sha256(uint8_t out[NT_ZK_SHA256_BYTES], const uint8_t *data, size_t len);

#endif
