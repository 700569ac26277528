/*
 * zk/msm.h - private: variable-base multi-scalar multiplication on G1, for
 * a verification key used once (no fixed-base tables), and the helpers it
 * shares with the tables of a prepared key. Public data only.
 *
 * Scalars above 2^128 are split with the GLV endomorphism of BN254's G1,
 * phi(x, y) = (beta x, y) = [lambda](x, y) (Gallant, Lambert, Vanstone,
 * "Faster point multiplication on elliptic curves with efficient
 * endomorphisms", CRYPTO 2001), into two halves below 2^128; then all terms
 * share one run of doublings (Straus' interleaving) with width-w NAF digits
 * and affine tables of odd multiples (one inversion for all of them).
 */
#ifndef NT_ZK_MSM_H
#define NT_ZK_MSM_H

#include "zk/group.h"

/* Affine forms of n Jacobian points with one inversion (Montgomery's
 * trick); none may be at infinity. scratch holds n field elements. */
void nt_g1_batch_to_affine_var(nt_g1_affine *out, const nt_g1_jac *in, size_t n, nt_fp *scratch);

/* phi(a) = (beta x, y) = [lambda] a. */
void nt_g1_affine_phi(nt_g1_affine *r, const nt_g1_affine *a);

/* k = k1 + k2 lambda (mod r) for a plain k < r, with |k1|, |k2| < 2^128:
 * magnitudes in m1, m2 (two limbs each) and signs in neg1, neg2. */
void nt_g1_glv_split(uint64_t m1[2], bool *neg1, uint64_t m2[2], bool *neg2, const uint64_t k[4]);

/* r = sum [k[i]] p[i] over n points, k[i] plain integers below r (any
 * point may be at infinity, any scalar zero). NT_ERR_NOMEM. */
NT_WUR nt_status nt_g1_msm_var(nt_g1_jac *r, const nt_g1_affine *p, const uint64_t (*k)[4],
                               size_t n);

#endif
