/*
 * zk/pairing.h - private: the optimal ate pairing on BN254.
 *
 * e(P, Q) = f_{6x+2,Q}(P) * l_{T,pi(Q)}(P) * l_{T',-pi^2(Q)}(P), raised to
 * s (p^12 - 1) / r with s = 2x (6x^2 + 3x + 1) (Vercauteren, "Optimal
 * pairings", 2010; the hard part of Fuentes-Castaneda, Knapp,
 * Rodriguez-Henriquez, "Faster hashing to G2", 2011, which is also what
 * snarkjs computes, so vk_alphabeta_12 is reproduced exactly).
 *
 * G2 points are "prepared" into the list of line coefficients of their
 * Miller loop (a prepared verification key keeps the lists of gamma and
 * delta), or walked through the loop with their lines made on the fly.
 * Lines are evaluated at P by two Fp2-by-Fp multiplications. Public data.
 */
#ifndef NT_ZK_PAIRING_H
#define NT_ZK_PAIRING_H

#include "zk/group.h"

/* Line l = cy * yP + (cx * xP) w + c v w, scaled by an Fp2 factor (killed
 * by the final exponentiation). */
typedef struct nt_zk_line {
    nt_fp2 cy, cx, c;
} nt_zk_line;

/* 65 doublings, 21 additions for the NAF digits of 6x+2, 2 final additions. */
#define NT_ZK_LINES 88

/* Prepared lines are normalised: each divided by its cy (so cy = 1 and the
 * loop multiplies by 1 + b0 w + b1 v w, nt_fp12_mul_line1), unless some cy
 * was zero (never for a point of G2; then normalized is false and the
 * lines are kept as they are). */
typedef struct nt_zk_g2_prepared {
    nt_zk_line lines[NT_ZK_LINES];
    bool inf;
    bool normalized;
} nt_zk_g2_prepared;

/* Computes the lines of Q (a valid G2 point, possibly infinity). */
void nt_zk_g2_prepare(nt_zk_g2_prepared *r, const nt_g2_affine *q);

/* The prepared lines of the G2 generator, a constant table
 * (g2_gen_lines.c): the Miller loop takes them for a walked point equal to
 * the generator (snarkjs keys' gamma), which then costs a one-shot
 * verification no walk. */
const nt_zk_g2_prepared *nt_zk_g2_generator_lines(void);

/* One pair of a Miller loop: P, and Q either as its prepared lines or, when
 * lines is NULL, as the point q (on the twist) whose lines the loop computes
 * as it goes (for a point used once: same value, no table). For such a
 * walked q, in_g2 (when not NULL) receives whether q is in G2, which the
 * end of its walk tells for free (pairing.c, walk_in_g2); the value the
 * loop computes is meaningful only if it is. A q equal to the G2 generator
 * is not walked: the loop takes its constant lines (and it is in G2). */
typedef struct nt_zk_pair {
    const nt_g1_affine *p;
    const nt_zk_g2_prepared *lines;
    const nt_g2_affine *q;
    bool *in_g2;
} nt_zk_pair;

/* f = prod_i f_i(P_i) over n pairs (Miller loop with shared squarings),
 * up to a factor in a proper subfield of Fp12 (normalised lines drop one),
 * which the final exponentiation maps to 1: only f after nt_zk_final_exp
 * is meaningful. Pairs with P or Q at infinity contribute 1. */
void nt_zk_miller_loop(nt_fp12 *f, const nt_zk_pair *pairs, size_t n);

/* r = f^(s (p^12 - 1) / r). */
void nt_zk_final_exp(nt_fp12 *r, const nt_fp12 *f);

/* Reduced pairing of one pair. */
void nt_zk_pairing(nt_fp12 *r, const nt_g1_affine *p, const nt_g2_affine *q);

#endif
