/*
 * zk/groth16_internal.h - private: the prepared verification key and the
 * public-input list behind the opaque types of nautilus/zk.h, shared by the
 * JSON reader (snarkjs_json.c) and the verifier (groth16.c).
 */
#ifndef NT_ZK_GROTH16_INTERNAL_H
#define NT_ZK_GROTH16_INTERNAL_H

#include "nautilus/zk.h"
#include "zk/fr.h"
#include "zk/pairing.h"

/* Fixed-base tables for vk_x: for IC[i+1] (i < NT_ZK_MSM_TABLES), the
 * affine points d 16^j IC[i+1], j = 0..63, d = 1..8, so a 254-bit scalar in
 * signed radix 16 costs at most 64 mixed additions and no doubling. */
#define NT_ZK_MSM_WINDOWS 64
#define NT_ZK_MSM_DIGITS 8
#define NT_ZK_MSM_TABLE_POINTS (NT_ZK_MSM_WINDOWS * NT_ZK_MSM_DIGITS)
#define NT_ZK_MSM_TABLES 64 /* inputs beyond this use wNAF (caps memory at ~2.4 MB) */

/* What preparing a key adds (nt_zk_vk_prepare), worth it only for a key
 * that verifies many proofs. */
typedef struct nt_zk_vk_prep {
    size_t n_tables;                /* inputs with a fixed-base table */
    nt_g1_affine *tables;           /* n_tables * NT_ZK_MSM_TABLE_POINTS points */
    nt_zk_g2_prepared gamma_lines;  /* Miller-loop lines of gamma */
    nt_zk_g2_prepared delta_lines;  /* and of delta */
} nt_zk_vk_prep;

struct nt_zk_vk {
    size_t n_public;
    nt_g1_affine alpha;
    nt_g2_affine beta, gamma, delta;
    nt_g1_affine *ic;              /* n_public + 1 points */
    bool has_alphabeta;            /* alphabeta computed (prepared keys) */
    nt_fp12 alphabeta;             /* e(alpha, beta), reduced */
    nt_fp12 alphabeta_inv;         /* its inverse (conjugate: cyclotomic) */
    bool has_alphabeta_file;       /* the file had vk_alphabeta_12: */
    nt_fp12 alphabeta_file;        /* kept until prepared, to cross-check */
    nt_zk_vk_prep *prep;           /* NULL until prepared */
};

struct nt_zk_public {
    size_t n;
    nt_zk_fr v[]; /* n values < r */
};

/* The validated points of a key, as read from a file: all checked for range
 * and curve or twist, gamma and delta also for the G2 subgroup; beta's
 * subgroup check comes with its walk through a Miller loop (e(alpha, beta)
 * when the key is prepared, else each verification's). */
typedef struct nt_zk_vk_parts {
    nt_g1_affine alpha;
    nt_g2_affine beta, gamma, delta;
    nt_g1_affine *ic;              /* n_public + 1 points, nt_malloc'd */
    size_t n_public;
    const nt_fp12 *alphabeta_file; /* vk_alphabeta_12, or NULL */
} nt_zk_vk_parts;

/* Builds a key from validated parts: checks the degenerate-key rules. When
 * prepare is set it prepares the key, which computes e(alpha, beta), with
 * it whether beta is in G2 (NT_ERR_ZK_NOT_IN_SUBGROUP), and compares it with
 * alphabeta_file when not NULL (NT_ERR_ZK_VK_MISMATCH); a one-shot key
 * keeps alphabeta_file for when it is prepared later. Takes ownership of parts->ic
 * on success and on failure. NT_ERR_ZK_VK_DEGENERATE,
 * NT_ERR_ZK_NOT_IN_SUBGROUP, NT_ERR_ZK_VK_MISMATCH, NT_ERR_NOMEM. */
NT_WUR nt_status nt_zk_vk_build(nt_zk_vk **out, nt_zk_vk_parts *parts, bool prepare);

/* Allocates a public-input list of n values (uninitialised). */
NT_WUR nt_status nt_zk_public_alloc(nt_zk_public **out, size_t n);

/* Validates a proof from parsed coordinates: infinity flags first
 * (NT_ERR_ZK_PROOF_INFINITY), then curve / twist, then the G2 subgroup. */
NT_WUR nt_status nt_zk_proof_build(nt_zk_proof *out, const nt_fp *ax, const nt_fp *ay,
                                   bool a_inf, const nt_fp2 *bx, const nt_fp2 *by, bool b_inf,
                                   const nt_fp *cx, const nt_fp *cy, bool c_inf);

#endif
