/*
 * zk/poseidon.c - Poseidon over Fr, circomlib-compatible.
 *
 * This follows circomlibjs's poseidon_opt.js, the "optimized" evaluation of
 * Poseidon (Grassi et al., eprint 2019/458, appendix B; filecoin neptune):
 * the same permutation as circomlib's poseidon.circom, with the partial
 * rounds' MDS products replaced by one pre-sparse matrix P and a sparse
 * matrix per partial round (2t - 1 multiplications instead of t^2), and the
 * round constants folded accordingly. The constants come, generated, from
 * the pinned circomlibjs (zk/poseidon_constants.c).
 *
 * Round structure for width t (inputs + 1), Rf = 8 full rounds:
 *   state = [0, in...] + C[0..t)
 *   3 x { S-box all; + C; * M }      first Rf/2 - 1 full rounds
 *   S-box all; + C; * P              last first-half full round
 *   Rp x { S-box state[0]; + C; sparse S }
 *   3 x { S-box all; + C; * M }
 *   S-box all; * M                   final round (constants folded away)
 *   out = state[0]
 */
#include <string.h>

#include "nautilus/zk_poseidon.h"
#include "zk/fr.h"
#include "zk/poseidon_params.h"

#define T_MAX (NT_ZK_POSEIDON_MAX_INPUTS + 1)

static void sbox(nt_zk_fr *a)
{
    nt_zk_fr a2, a4;
    nt_zk_fr_sqr(&a2, a);
    nt_zk_fr_sqr(&a4, &a2);
    nt_zk_fr_mul(a, a, &a4);
}

/* state = state * mat, new[i] = sum_j mat[j][i] state[j] (circomlibjs order). */
static void mix(nt_zk_fr *state, const nt_zk_fr *mat, size_t t)
{
    nt_zk_fr out[T_MAX], prod;
    size_t i, j;
    for (i = 0; i < t; i++) {
        nt_zk_fr_mul(&out[i], &mat[i], &state[0]);
        for (j = 1; j < t; j++) {
            nt_zk_fr_mul(&prod, &mat[j * t + i], &state[j]);
            nt_zk_fr_add(&out[i], &out[i], &prod);
        }
    }
    memcpy(state, out, t * sizeof out[0]);
}

static void add_constants(nt_zk_fr *state, const nt_zk_fr *c, size_t t)
{
    size_t i;
    for (i = 0; i < t; i++)
        nt_zk_fr_add(&state[i], &state[i], &c[i]);
}

static void full_round(nt_zk_fr *state, const nt_zk_fr *c, const nt_zk_fr *mat, size_t t)
{
    size_t i;
    for (i = 0; i < t; i++)
        sbox(&state[i]);
    if (c)
        add_constants(state, c, t);
    mix(state, mat, t);
}

nt_status nt_zk_poseidon(nt_zk_fr *out, const nt_zk_fr *in, size_t n)
{
    const nt_zk_poseidon_param *prm;
    nt_zk_fr state[T_MAX], s0, prod;
    const nt_zk_fr *c, *s;
    size_t t, r, i;
    const size_t half = NT_ZK_POSEIDON_ROUNDS_F / 2;

    if (n == 0 || n > NT_ZK_POSEIDON_MAX_INPUTS)
        return NT_ERR_INVALID_ARG;
    prm = &nt_zk_poseidon_params[n - 1];
    t = prm->t;
    c = prm->c;

    /* circomlib starts the state with a zero capacity element. */
    nt_zk_fr_set_zero(&state[0]);
    memcpy(&state[1], in, n * sizeof in[0]);
    add_constants(state, c, t);
    c += t;

    for (r = 0; r + 1 < half; r++, c += t)
        full_round(state, c, prm->m, t);
    full_round(state, c, prm->p, t);
    c += t;

    for (r = 0, s = prm->s; r < prm->rounds_p; r++, s += 2 * t - 1) {
        sbox(&state[0]);
        nt_zk_fr_add(&state[0], &state[0], &c[r]);
        /* Sparse matrix: first column s[0..t), first row s[t..2t-1). */
        nt_zk_fr_mul(&s0, &s[0], &state[0]);
        for (i = 1; i < t; i++) {
            nt_zk_fr_mul(&prod, &s[i], &state[i]);
            nt_zk_fr_add(&s0, &s0, &prod);
        }
        for (i = 1; i < t; i++) {
            nt_zk_fr_mul(&prod, &state[0], &s[t + i - 1]);
            nt_zk_fr_add(&state[i], &state[i], &prod);
        }
        state[0] = s0;
    }
    c += prm->rounds_p;

    for (r = 0; r + 1 < half; r++, c += t)
        full_round(state, c, prm->m, t);
    full_round(state, NULL, prm->m, t);

    *out = state[0];
    return NT_OK;
}

nt_status nt_zk_poseidon_b32(uint8_t out[32], const uint8_t (*in)[32], size_t n)
{
    nt_zk_fr x[NT_ZK_POSEIDON_MAX_INPUTS], h;
    nt_status st;
    size_t i;

    if (n == 0 || n > NT_ZK_POSEIDON_MAX_INPUTS)
        return NT_ERR_INVALID_ARG;
    for (i = 0; i < n; i++) {
        st = nt_zk_fr_set_b32(&x[i], in[i]);
        if (st != NT_OK)
            return st;
    }
    st = nt_zk_poseidon(&h, x, n);
    if (st != NT_OK)
        return st;
    nt_zk_fr_get_b32(out, &h);
    return NT_OK;
}

nt_status nt_zk_disclosure_key_binding(uint8_t out[32], const uint8_t digest[32])
{
    /* Each 128-bit half is < r, so the whole digest counts (proofs/README.md). */
    uint8_t halves[2][32];
    memset(halves, 0, sizeof halves);
    memcpy(&halves[0][16], digest, 16);
    memcpy(&halves[1][16], digest + 16, 16);
    return nt_zk_poseidon_b32(out, (const uint8_t(*)[32])halves, 2);
}

nt_status nt_zk_disclosure_commitment(uint8_t out[32], const uint8_t (*attr)[32],
                                      const uint8_t salt[32], const uint8_t key_binding[32])
{
    uint8_t outer[3][32];
    size_t i, j;
    nt_status st;

    /* The circuit range-checks every attribute to 64 bits (Num2Bits(64)). */
    for (i = 0; i < NT_ZK_DISCLOSURE_ATTRS; i++)
        for (j = 0; j < 24; j++)
            if (attr[i][j] != 0)
                return NT_ERR_RANGE;
    st = nt_zk_poseidon_b32(outer[0], attr, NT_ZK_DISCLOSURE_ATTRS);
    if (st != NT_OK)
        return st;
    memcpy(outer[1], salt, 32);
    memcpy(outer[2], key_binding, 32);
    return nt_zk_poseidon_b32(out, (const uint8_t(*)[32])outer, 3);
}
