/*
 * zk/fp.h - private: the BN254 base field Fp,
 *   p = 21888242871839275222246405745257275088696311157297823662689037894645226208583.
 *
 * Montgomery form on 4 x 64-bit limbs, always fully reduced (so equality is
 * limb equality). The hot operations are static inline so that the tower
 * (fp2/fp6/fp12) and the group code inline them.
 *
 * Public data only: see include/nautilus/zk.h. Functions named _var take
 * time that depends on their input.
 */
#ifndef NT_ZK_FP_H
#define NT_ZK_FP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/status.h"
#include "zk/mont.h"

typedef struct nt_fp {
    uint64_t v[4];
} nt_fp;

static const uint64_t nt_fp_p[4] = {0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL,
                                    0xb85045b68181585dULL, 0x30644e72e131a029ULL};
#define NT_FP_INV 0x87d20782e4866389ULL
/* 2^256 mod p: one in Montgomery form. */
static const nt_fp nt_fp_one = {{0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL,
                                 0x666ea36f7879462cULL, 0x0e0a77c19a07df2fULL}};

static inline NT_MONT_INLINE void nt_fp_set_zero(nt_fp *r) { r->v[0] = r->v[1] = r->v[2] = r->v[3] = 0; }
static inline NT_MONT_INLINE void nt_fp_set_one(nt_fp *r) { *r = nt_fp_one; }
static inline NT_MONT_INLINE bool nt_fp_is_zero(const nt_fp *a) { return nt_mont_is_zero(a->v); }
static inline NT_MONT_INLINE bool nt_fp_eq(const nt_fp *a, const nt_fp *b)
{
    return ((a->v[0] ^ b->v[0]) | (a->v[1] ^ b->v[1]) | (a->v[2] ^ b->v[2]) |
            (a->v[3] ^ b->v[3])) == 0;
}
/* The BMI2/ADX code (used when the CPU has it) needs nt_fp above. */
#include "zk/fp_adx.h"

/* Additions and subtractions take the asm of fp_adx.h on the ADX path (the
 * C below compiles to longer carry chains and selects); both compute the
 * same values, and tests compare them. */
static inline NT_MONT_INLINE void nt_fp_add(nt_fp *r, const nt_fp *a, const nt_fp *b)
{
#ifdef NT_FP_HAVE_ADX_CODE
    if (nt_fp_adx > 0) {
        nt_fp_add_adx(r, a, b);
        return;
    }
#endif
    nt_mont_add(r->v, a->v, b->v, nt_fp_p);
}
static inline NT_MONT_INLINE void nt_fp_dbl(nt_fp *r, const nt_fp *a) { nt_fp_add(r, a, a); }
static inline NT_MONT_INLINE void nt_fp_sub(nt_fp *r, const nt_fp *a, const nt_fp *b)
{
#ifdef NT_FP_HAVE_ADX_CODE
    if (nt_fp_adx > 0) {
        nt_fp_sub_adx(r, a, b);
        return;
    }
#endif
    nt_mont_sub(r->v, a->v, b->v, nt_fp_p);
}
static inline NT_MONT_INLINE void nt_fp_neg(nt_fp *r, const nt_fp *a)
{
    static const nt_fp zero = {{0, 0, 0, 0}};
    nt_fp_sub(r, &zero, a);
}

/* The portable product, out of line: only CPUs without BMI2/ADX (and the
 * tests comparing the two) run it. */
void nt_fp_mul_portable(nt_fp *r, const nt_fp *a, const nt_fp *b);

/* Inline at every call: a product is ~40 instructions and the tower calls
 * it in every inner loop; the CPU test is one predictable branch. */
static inline NT_MONT_INLINE void nt_fp_mul(nt_fp *r, const nt_fp *a, const nt_fp *b)
{
#ifdef NT_FP_HAVE_ADX_CODE
    if (nt_fp_adx > 0) {
        nt_fp_mul_adx(r, a, b);
        return;
    }
#endif
    nt_fp_mul_portable(r, a, b);
}

static inline NT_MONT_INLINE void nt_fp_sqr(nt_fp *r, const nt_fp *a)
{
    nt_fp_mul(r, a, a);
}

/* r = a / 2. */
static inline NT_MONT_INLINE void nt_fp_half(nt_fp *r, const nt_fp *a)
{
    uint64_t t[4];
    int i;
    if (a->v[0] & 1) {
        nt_u128 s;
        uint64_t carry = 0;
        for (i = 0; i < 4; i++) {
            s = (nt_u128)a->v[i] + nt_fp_p[i] + carry;
            t[i] = (uint64_t)s;
            carry = (uint64_t)(s >> 64);
        }
        /* a + p < 2^255: no bit is lost. */
    } else {
        for (i = 0; i < 4; i++)
            t[i] = a->v[i];
    }
    for (i = 0; i < 3; i++)
        r->v[i] = (t[i] >> 1) | (t[i + 1] << 63);
    r->v[3] = t[3] >> 1;
}

/* Converts a small integer. */
void nt_fp_set_u64(nt_fp *r, uint64_t v);

/* Reads a 32-byte big-endian value. NT_ERR_ZK_COORD_RANGE if >= p (never
 * reduced; r unchanged). */
NT_WUR nt_status nt_fp_set_b32(nt_fp *r, const uint8_t in[32]);
void nt_fp_get_b32(uint8_t out[32], const nt_fp *a);

/* Decimal text as in snarkjs files. NT_ERR_ZK_ENCODING if malformed,
 * NT_ERR_ZK_COORD_RANGE if >= p. */
NT_WUR nt_status nt_fp_parse_dec(nt_fp *r, const char *s, size_t len);

/* r = a^-1 (0 maps to 0). */
void nt_fp_inv_var(nt_fp *r, const nt_fp *a);

/* r = a^e for a plain little-endian exponent of n limbs. */
void nt_fp_pow_var(nt_fp *r, const nt_fp *a, const uint64_t *e, size_t n);

#endif
