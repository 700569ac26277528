/*
 * zk/tower.h - private: the BN254 extension tower used by the pairing,
 *   Fp2  = Fp[u]  / (u^2 + 1)
 *   Fp6  = Fp2[v] / (v^3 - xi),  xi = 9 + u
 *   Fp12 = Fp6[w] / (w^2 - v)
 * the tower of EIP-197, go-ethereum and snarkjs (ffjavascript), so an Fp12
 * value compares coefficient by coefficient with snarkjs' vk_alphabeta_12.
 *
 * Fp2 operations are static inline (they are the inner loop of everything
 * above); Fp6/Fp12 live in tower.c. Public data only (nautilus/zk.h).
 */
#ifndef NT_ZK_TOWER_H
#define NT_ZK_TOWER_H

#include "zk/fp.h"

typedef struct nt_fp2 {
    nt_fp c0, c1; /* c0 + c1 u */
} nt_fp2;

typedef struct nt_fp6 {
    nt_fp2 c0, c1, c2; /* c0 + c1 v + c2 v^2 */
} nt_fp6;

typedef struct nt_fp12 {
    nt_fp6 c0, c1; /* c0 + c1 w */
} nt_fp12;

/* ---- Fp2 ----------------------------------------------------------------- */

static inline NT_MONT_INLINE void nt_fp2_set_zero(nt_fp2 *r)
{
    nt_fp_set_zero(&r->c0);
    nt_fp_set_zero(&r->c1);
}
static inline NT_MONT_INLINE void nt_fp2_set_one(nt_fp2 *r)
{
    nt_fp_set_one(&r->c0);
    nt_fp_set_zero(&r->c1);
}
static inline NT_MONT_INLINE bool nt_fp2_is_zero(const nt_fp2 *a)
{
    return nt_fp_is_zero(&a->c0) && nt_fp_is_zero(&a->c1);
}
static inline NT_MONT_INLINE bool nt_fp2_eq(const nt_fp2 *a, const nt_fp2 *b)
{
    return nt_fp_eq(&a->c0, &b->c0) && nt_fp_eq(&a->c1, &b->c1);
}
static inline NT_MONT_INLINE void nt_fp2_add(nt_fp2 *r, const nt_fp2 *a, const nt_fp2 *b)
{
    nt_fp_add(&r->c0, &a->c0, &b->c0);
    nt_fp_add(&r->c1, &a->c1, &b->c1);
}
static inline NT_MONT_INLINE void nt_fp2_sub(nt_fp2 *r, const nt_fp2 *a, const nt_fp2 *b)
{
    nt_fp_sub(&r->c0, &a->c0, &b->c0);
    nt_fp_sub(&r->c1, &a->c1, &b->c1);
}
static inline NT_MONT_INLINE void nt_fp2_dbl(nt_fp2 *r, const nt_fp2 *a)
{
    nt_fp_dbl(&r->c0, &a->c0);
    nt_fp_dbl(&r->c1, &a->c1);
}
static inline NT_MONT_INLINE void nt_fp2_neg(nt_fp2 *r, const nt_fp2 *a)
{
    nt_fp_neg(&r->c0, &a->c0);
    nt_fp_neg(&r->c1, &a->c1);
}
static inline NT_MONT_INLINE void nt_fp2_conj(nt_fp2 *r, const nt_fp2 *a)
{
    r->c0 = a->c0;
    nt_fp_neg(&r->c1, &a->c1);
}
static inline NT_MONT_INLINE void nt_fp2_half(nt_fp2 *r, const nt_fp2 *a)
{
    nt_fp_half(&r->c0, &a->c0);
    nt_fp_half(&r->c1, &a->c1);
}
/* Karatsuba: 3 Fp multiplications. */
void nt_fp2_mul(nt_fp2 *r, const nt_fp2 *a, const nt_fp2 *b);
/* (a0 + a1 u)^2 = (a0 + a1)(a0 - a1) + 2 a0 a1 u: 2 Fp multiplications. */
void nt_fp2_sqr(nt_fp2 *r, const nt_fp2 *a);
/* r = a * b with b in Fp. */
static inline NT_MONT_INLINE void nt_fp2_mul_fp(nt_fp2 *r, const nt_fp2 *a, const nt_fp *b)
{
    nt_fp_mul(&r->c0, &a->c0, b);
    nt_fp_mul(&r->c1, &a->c1, b);
}
/* r = a * xi = (9 a0 - a1) + (a0 + 9 a1) u. */
void nt_fp2_mul_xi(nt_fp2 *r, const nt_fp2 *a);

void nt_fp2_inv_var(nt_fp2 *r, const nt_fp2 *a);

/* ---- Fp6 ----------------------------------------------------------------- */

void nt_fp6_set_zero(nt_fp6 *r);
void nt_fp6_set_one(nt_fp6 *r);
void nt_fp6_add(nt_fp6 *r, const nt_fp6 *a, const nt_fp6 *b);
void nt_fp6_sub(nt_fp6 *r, const nt_fp6 *a, const nt_fp6 *b);
void nt_fp6_neg(nt_fp6 *r, const nt_fp6 *a);
void nt_fp6_mul(nt_fp6 *r, const nt_fp6 *a, const nt_fp6 *b);
void nt_fp6_sqr(nt_fp6 *r, const nt_fp6 *a);
void nt_fp6_mul_v(nt_fp6 *r, const nt_fp6 *a);
void nt_fp6_inv_var(nt_fp6 *r, const nt_fp6 *a);
bool nt_fp6_eq(const nt_fp6 *a, const nt_fp6 *b);

/* ---- Fp12 ---------------------------------------------------------------- */

void nt_fp12_set_one(nt_fp12 *r);
bool nt_fp12_is_one(const nt_fp12 *a);
bool nt_fp12_eq(const nt_fp12 *a, const nt_fp12 *b);
void nt_fp12_mul(nt_fp12 *r, const nt_fp12 *a, const nt_fp12 *b);
void nt_fp12_sqr(nt_fp12 *r, const nt_fp12 *a);
void nt_fp12_conj(nt_fp12 *r, const nt_fp12 *a);
void nt_fp12_inv_var(nt_fp12 *r, const nt_fp12 *a);

/* r = a^(p^k), k in 1..3 (Frobenius). */
void nt_fp12_frob(nt_fp12 *r, const nt_fp12 *a, int k);

/* xi^(i (p^k - 1) / 6) for k in 1..3, i in 1..5 (also used by the twist
 * endomorphism psi in the group code). */
const nt_fp2 *nt_fp12_frob_const(int k, int i);

/* Squaring for elements of the cyclotomic subgroup (after the easy part of
 * the final exponentiation): Granger-Scott, 2010, section 3.2. */
void nt_fp12_cyclo_sqr(nt_fp12 *r, const nt_fp12 *a);

/* r = f * l for a sparse line value l = a0 + b0 w + b1 v w (a0, b0, b1 in
 * Fp2): the shape of every Miller-loop line on the D-type twist. */
void nt_fp12_mul_line(nt_fp12 *r, const nt_fp12 *f, const nt_fp2 *a0, const nt_fp2 *b0,
                      const nt_fp2 *b1);

/* r = f * l for a line value l = 1 + b0 w + b1 v w (a line divided by its
 * constant coefficient; the Fp2 factor is killed by the final
 * exponentiation): 10 Fp2 products, where nt_fp12_mul_line takes 13. */
void nt_fp12_mul_line1(nt_fp12 *r, const nt_fp12 *f, const nt_fp2 *b0, const nt_fp2 *b1);

/* 12 x 32 bytes big-endian, snarkjs coefficient order (nautilus/zk.h). */
void nt_fp12_get_bytes(uint8_t out[384], const nt_fp12 *a);

#endif
