/*
 * zk/fr.h - private: the scalar field Fr of BN254,
 *   r = 21888242871839275222246405745257275088548364400416034343698204186575808495617.
 *
 * Elements are kept in Montgomery form (a * 2^256 mod r) on 4 x 64-bit
 * little-endian limbs and are always fully reduced, so equality is limb
 * equality. Encodings in and out are canonical: a value >= r is rejected,
 * never reduced (DESIGN §5: public inputs >= r are an error).
 *
 * Everything here handles public data only (Groth16 verification, Poseidon
 * of public values): functions may branch on their inputs. The _var suffix
 * marks the functions whose running time depends on the value (inverse,
 * pow); the others only branch on carries.
 *
 * Shared with zk/poseidon.c (engineer "zkproofs").
 */
#ifndef NT_ZK_FR_H
#define NT_ZK_FR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/status.h"

/* Longest decimal text of a value < r: 77 digits. */
#define NT_ZK_FR_DEC_MAX 77

typedef struct nt_zk_fr {
    uint64_t v[4]; /* Montgomery form, < r */
} nt_zk_fr;

/* The modulus r as little-endian limbs (plain integer, not Montgomery). */
extern const uint64_t nt_zk_fr_modulus[4];

void nt_zk_fr_set_zero(nt_zk_fr *r);
void nt_zk_fr_set_one(nt_zk_fr *r);
void nt_zk_fr_set_u64(nt_zk_fr *r, uint64_t v);

/* Reads a 32-byte big-endian integer. NT_ERR_ZK_SCALAR_RANGE if it is >= r
 * (r is left unchanged). */
NT_WUR nt_status nt_zk_fr_set_b32(nt_zk_fr *r, const uint8_t in[32]);

/* Reads a 32-byte big-endian integer reduced mod r (for hashing to Fr and
 * for scalars that are allowed to wrap, e.g. EIP-196 multiplication). */
void nt_zk_fr_set_b32_reduce(nt_zk_fr *r, const uint8_t in[32]);

/* Writes the canonical 32-byte big-endian form. */
void nt_zk_fr_get_b32(uint8_t out[32], const nt_zk_fr *a);

/* Writes the plain integer value (not Montgomery) as 4 little-endian limbs,
 * for scalar multiplication. */
void nt_zk_fr_get_limbs(uint64_t out[4], const nt_zk_fr *a);

/* Parses decimal text s[0..len): digits only, no sign, no spaces, no
 * leading zero (except "0" itself). NT_ERR_ZK_ENCODING if malformed,
 * NT_ERR_ZK_SCALAR_RANGE if the value is >= r (never reduced). */
NT_WUR nt_status nt_zk_fr_parse_dec(nt_zk_fr *r, const char *s, size_t len);

/* Writes the decimal text and a NUL into out[0..cap); NT_ERR_NOSPACE if
 * cap < digits + 1 (NT_ZK_FR_DEC_MAX + 1 always fits). */
NT_WUR nt_status nt_zk_fr_write_dec(char *out, size_t cap, const nt_zk_fr *a);

void nt_zk_fr_add(nt_zk_fr *r, const nt_zk_fr *a, const nt_zk_fr *b);
void nt_zk_fr_sub(nt_zk_fr *r, const nt_zk_fr *a, const nt_zk_fr *b);
void nt_zk_fr_neg(nt_zk_fr *r, const nt_zk_fr *a);
void nt_zk_fr_mul(nt_zk_fr *r, const nt_zk_fr *a, const nt_zk_fr *b);
void nt_zk_fr_sqr(nt_zk_fr *r, const nt_zk_fr *a);

/* r = a^e, e a plain little-endian 256-bit integer. */
void nt_zk_fr_pow_var(nt_zk_fr *r, const nt_zk_fr *a, const uint64_t e[4]);

/* r = a^-1. NT_ERR_INVALID_ARG if a is zero (r unchanged). */
NT_WUR nt_status nt_zk_fr_inv_var(nt_zk_fr *r, const nt_zk_fr *a);

bool nt_zk_fr_eq(const nt_zk_fr *a, const nt_zk_fr *b);
bool nt_zk_fr_is_zero(const nt_zk_fr *a);

#endif
