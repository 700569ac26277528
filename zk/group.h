/*
 * zk/group.h - private: the BN254 groups.
 *   G1: y^2 = x^3 + 3 over Fp (prime order r, cofactor 1)
 *   G2: the r-order subgroup of the sextic D-type twist y^2 = x^3 + 3/(9+u)
 *       over Fp2
 * Affine points carry an explicit infinity flag; Jacobian points
 * (x = X/Z^2, y = Y/Z^3) are at infinity when Z = 0.
 *
 * Affine points built by the _set_ functions are validated (range, curve
 * or twist equation; G2 subgroup by nt_g2_affine_check_subgroup_var), after
 * which the rest of the code trusts them (STYLE rule 5). Public data only.
 */
#ifndef NT_ZK_GROUP_H
#define NT_ZK_GROUP_H

#include "zk/tower.h"

typedef struct nt_g1_affine {
    nt_fp x, y;
    bool inf;
} nt_g1_affine;

typedef struct nt_g1_jac {
    nt_fp x, y, z;
} nt_g1_jac;

typedef struct nt_g2_affine {
    nt_fp2 x, y;
    bool inf;
} nt_g2_affine;

typedef struct nt_g2_jac {
    nt_fp2 x, y, z;
} nt_g2_jac;

/* Longest width-w NAF of a 256-bit scalar: 257 digits. */
#define NT_WNAF_MAX 258

/* Width-w NAF (2 <= w <= 7) of the plain 256-bit integer k: out[i] is the
 * digit of 2^i, odd or zero, |digit| < 2^(w-1). Returns the number of
 * digits (0 for k = 0). */
int nt_zk_wnaf(int8_t out[NT_WNAF_MAX], const uint64_t k[4], int w);

/* ---- G1 ------------------------------------------------------------------ */

/* x || y big-endian; all zero is infinity. NT_ERR_ZK_COORD_RANGE,
 * NT_ERR_ZK_NOT_ON_CURVE. */
NT_WUR nt_status nt_g1_affine_set_b64(nt_g1_affine *r, const uint8_t in[64]);
void nt_g1_affine_get_b64(uint8_t out[64], const nt_g1_affine *a);
/* From field elements (already < p): checks the curve equation. (0, 0) is
 * not accepted here: infinity is flagged by the caller. */
NT_WUR nt_status nt_g1_affine_set_xy(nt_g1_affine *r, const nt_fp *x, const nt_fp *y);
bool nt_g1_affine_is_on_curve(const nt_g1_affine *a);
void nt_g1_affine_neg(nt_g1_affine *r, const nt_g1_affine *a);
bool nt_g1_affine_eq(const nt_g1_affine *a, const nt_g1_affine *b);
void nt_g1_generator(nt_g1_affine *r);

void nt_g1_jac_set_inf(nt_g1_jac *r);
void nt_g1_jac_set_affine(nt_g1_jac *r, const nt_g1_affine *a);
bool nt_g1_jac_is_inf(const nt_g1_jac *a);
void nt_g1_jac_dbl(nt_g1_jac *r, const nt_g1_jac *a);
void nt_g1_jac_add_var(nt_g1_jac *r, const nt_g1_jac *a, const nt_g1_jac *b);
void nt_g1_jac_add_affine_var(nt_g1_jac *r, const nt_g1_jac *a, const nt_g1_affine *b);
void nt_g1_jac_to_affine_var(nt_g1_affine *r, const nt_g1_jac *a);
/* r = [k] a, k a plain little-endian 256-bit integer (any value). */
void nt_g1_mul_var(nt_g1_jac *r, const nt_g1_affine *a, const uint64_t k[4]);

/* ---- G2 ------------------------------------------------------------------ */

/* x.c1 || x.c0 || y.c1 || y.c0 (EIP-197); all zero is infinity.
 * NT_ERR_ZK_COORD_RANGE, NT_ERR_ZK_NOT_ON_TWIST (no subgroup check). */
NT_WUR nt_status nt_g2_affine_set_b128(nt_g2_affine *r, const uint8_t in[128]);
void nt_g2_affine_get_b128(uint8_t out[128], const nt_g2_affine *a);
NT_WUR nt_status nt_g2_affine_set_xy(nt_g2_affine *r, const nt_fp2 *x, const nt_fp2 *y);
bool nt_g2_affine_is_on_twist(const nt_g2_affine *a);
/* NT_OK if a (on the twist) is in the r-order subgroup (infinity is), else
 * NT_ERR_ZK_NOT_IN_SUBGROUP. Criteria of El Housni, Guillevic, Piellard,
 * "Co-factor clearing and subgroup membership testing on pairing-friendly
 * curves", 2022: the fast one uses [x]Q once; the _ref one checks
 * psi(Q) == [6x^2]Q (p = 6x^2 mod r), for tests. */
NT_WUR nt_status nt_g2_affine_check_subgroup_var(const nt_g2_affine *a);
NT_WUR nt_status nt_g2_affine_check_subgroup_ref_var(const nt_g2_affine *a);
void nt_g2_affine_neg(nt_g2_affine *r, const nt_g2_affine *a);
bool nt_g2_affine_eq(const nt_g2_affine *a, const nt_g2_affine *b);
void nt_g2_generator(nt_g2_affine *r);
/* psi = untwist-Frobenius-twist: (conj(x) xi^((p-1)/3), conj(y) xi^((p-1)/2)). */
void nt_g2_affine_psi(nt_g2_affine *r, const nt_g2_affine *a);

void nt_g2_jac_set_inf(nt_g2_jac *r);
void nt_g2_jac_set_affine(nt_g2_jac *r, const nt_g2_affine *a);
bool nt_g2_jac_is_inf(const nt_g2_jac *a);
void nt_g2_jac_dbl(nt_g2_jac *r, const nt_g2_jac *a);
void nt_g2_jac_add_var(nt_g2_jac *r, const nt_g2_jac *a, const nt_g2_jac *b);
void nt_g2_jac_add_affine_var(nt_g2_jac *r, const nt_g2_jac *a, const nt_g2_affine *b);
void nt_g2_jac_to_affine_var(nt_g2_affine *r, const nt_g2_jac *a);
void nt_g2_mul_var(nt_g2_jac *r, const nt_g2_affine *a, const uint64_t k[4]);

#endif
