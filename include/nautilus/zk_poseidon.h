/*
 * nautilus/zk_poseidon.h - the Poseidon hash over the BN254 scalar field Fr,
 * identical to circomlib's poseidon.circom and circomlibjs buildPoseidon
 * (t = inputs + 1, x^5 S-box, 8 full rounds, circomlib's partial round counts,
 * round constants and MDS matrices), for 1 to 16 inputs; and the two values of
 * the selective-disclosure statement built from it (proofs/README.md).
 *
 * Inputs are public values (commitment openings are checked on public data
 * and in tests); the code branches on nothing secret but makes no
 * constant-time promise either.
 */
#ifndef NAUTILUS_ZK_POSEIDON_H
#define NAUTILUS_ZK_POSEIDON_H

#include <stddef.h>
#include <stdint.h>

#include "nautilus/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NT_ZK_POSEIDON_MAX_INPUTS 16

/* Attributes in the selective-disclosure credential (proofs/circuits). */
#define NT_ZK_DISCLOSURE_ATTRS 8

/* Fr elements as in zk/fr.h (private to zk/ and its tests). */
struct nt_zk_fr;

/* *out = Poseidon(in[0..n)). NT_ERR_INVALID_ARG if n is 0 or more than
 * NT_ZK_POSEIDON_MAX_INPUTS. out may alias an input. */
NT_API NT_WUR nt_status nt_zk_poseidon(struct nt_zk_fr *out, const struct nt_zk_fr *in, size_t n);

/* The same on 32-byte big-endian integers: out = Poseidon(in[0..n)).
 * NT_ERR_ZK_SCALAR_RANGE if an input is >= r (never reduced),
 * NT_ERR_INVALID_ARG for n as above. out is written only on success. */
NT_API NT_WUR nt_status nt_zk_poseidon_b32(uint8_t out[32], const uint8_t (*in)[32], size_t n);

/* keyBinding for an agent whose DNSKEY digest (SHA-256, DESIGN §3) is
 * digest: Poseidon(hi, lo) with hi, lo the digest's first and last 16 bytes
 * read as big-endian integers. Returns NT_OK (kept for uniformity). */
NT_API NT_WUR nt_status nt_zk_disclosure_key_binding(uint8_t out[32], const uint8_t digest[32]);

/* The credential commitment Poseidon(Poseidon(attr[0..8)), salt, keyBinding),
 * all 32-byte big-endian. NT_ERR_ZK_SCALAR_RANGE if salt or keyBinding is
 * >= r, NT_ERR_RANGE if an attribute is >= 2^64 (the circuit's range check
 * would make the credential unprovable). */
NT_API NT_WUR nt_status nt_zk_disclosure_commitment(uint8_t out[32],
                                                    const uint8_t (*attr)[32],
                                                    const uint8_t salt[32],
                                                    const uint8_t key_binding[32]);

#ifdef __cplusplus
}
#endif
#endif
