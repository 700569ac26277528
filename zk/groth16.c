/*
 * zk/groth16.c - Groth16 verification over BN254 (Groth, "On the size of
 * pairing-based non-interactive arguments", EUROCRYPT 2016, section 3.2),
 * with the key layout of snarkjs. Public data only (nautilus/zk.h).
 *
 * Check: e(-A, B) * e(alpha, beta) * e(vk_x, gamma) * e(C, delta) == 1,
 * vk_x = IC[0] + sum_i pub[i] IC[i+1]. e(alpha, beta) is fixed per key, so
 * a prepared key's verification is one multi-scalar multiplication, one
 * 3-pair Miller loop (gamma and delta with precomputed lines) and one final
 * exponentiation, compared with e(alpha, beta)^-1. A one-shot key never
 * computes e(alpha, beta) apart: its verification runs one 4-pair loop and
 * one final exponentiation, half the pairing work of computing it first.
 */
#include <string.h>

#include "nautilus/buf.h"
#include "nautilus/mem.h"
#include "zk/groth16_internal.h"
#include "zk/msm.h"

/* ---- keys ---------------------------------------------------------------- */

/* Fixed-base tables of the first NT_ZK_MSM_TABLES inputs. */
static nt_status build_tables(nt_zk_vk_prep *prep, const nt_zk_vk *vk)
{
    size_t n = vk->n_public < NT_ZK_MSM_TABLES ? vk->n_public : NT_ZK_MSM_TABLES;
    nt_g1_jac *jac = NULL;
    nt_fp *scratch = NULL;
    size_t i;
    nt_status st = NT_OK;

    prep->n_tables = 0;
    if (n == 0)
        return NT_OK;
    prep->tables = nt_calloc(n * NT_ZK_MSM_TABLE_POINTS, sizeof *prep->tables);
    jac = nt_calloc(NT_ZK_MSM_TABLE_POINTS, sizeof *jac);
    scratch = nt_calloc(NT_ZK_MSM_TABLE_POINTS, sizeof *scratch);
    if (prep->tables == NULL || jac == NULL || scratch == NULL) {
        st = NT_ERR_NOMEM;
        goto cleanup;
    }
    for (i = 0; i < n; i++) {
        nt_g1_jac base;
        int j, d;
        if (vk->ic[i + 1].inf)
            continue; /* its table stays all infinity; never read (see vk_x_tables) */
        nt_g1_jac_set_affine(&base, &vk->ic[i + 1]);
        for (j = 0; j < NT_ZK_MSM_WINDOWS; j++) {
            nt_g1_jac *row = jac + (size_t)j * NT_ZK_MSM_DIGITS;
            row[0] = base;
            for (d = 1; d < NT_ZK_MSM_DIGITS; d++)
                nt_g1_jac_add_var(&row[d], &row[d - 1], &base);
            /* next base: 16 B = 2 (8 B) */
            nt_g1_jac_dbl(&base, &row[NT_ZK_MSM_DIGITS - 1]);
        }
        nt_g1_batch_to_affine_var(prep->tables + i * NT_ZK_MSM_TABLE_POINTS, jac,
                                  NT_ZK_MSM_TABLE_POINTS, scratch);
    }
    prep->n_tables = n;
cleanup:
    nt_free(scratch);
    nt_free(jac);
    return st;
}

/* e(alpha, beta) for a key being prepared, cross-checked with the file's
 * vk_alphabeta_12 when it had one. beta's walk through the Miller loop
 * tells whether it is in G2 (pairing.h): this is beta's subgroup check. */
static nt_status vk_alphabeta(nt_zk_vk *vk)
{
    nt_zk_pair ab;
    nt_fp12 f, e;
    bool beta_in_g2 = false;

    if (vk->has_alphabeta)
        return NT_OK;
    ab = (nt_zk_pair){&vk->alpha, NULL, &vk->beta, &beta_in_g2};
    nt_zk_miller_loop(&f, &ab, 1);
    if (!beta_in_g2)
        return NT_ERR_ZK_NOT_IN_SUBGROUP;
    nt_zk_final_exp(&e, &f);
    if (vk->has_alphabeta_file && !nt_fp12_eq(&e, &vk->alphabeta_file))
        return NT_ERR_ZK_VK_MISMATCH;
    vk->alphabeta = e;
    nt_fp12_conj(&vk->alphabeta_inv, &e);
    vk->has_alphabeta = true;
    return NT_OK;
}

nt_status nt_zk_vk_prepare(nt_zk_vk *vk)
{
    nt_zk_vk_prep *prep;
    nt_status st;

    if (vk->prep != NULL)
        return NT_OK;
    if ((st = vk_alphabeta(vk)) != NT_OK)
        return st;
    prep = nt_calloc(1, sizeof *prep);
    if (prep == NULL)
        return NT_ERR_NOMEM;
    if ((st = build_tables(prep, vk)) != NT_OK) {
        nt_free(prep->tables);
        nt_free(prep);
        return st;
    }
    nt_zk_g2_prepare(&prep->gamma_lines, &vk->gamma);
    nt_zk_g2_prepare(&prep->delta_lines, &vk->delta);
    vk->prep = prep;
    return NT_OK;
}

bool nt_zk_vk_is_prepared(const nt_zk_vk *vk) { return vk->prep != NULL; }

nt_status nt_zk_vk_build(nt_zk_vk **out, nt_zk_vk_parts *parts, bool prepare)
{
    nt_zk_vk *vk = NULL;
    nt_g2_affine gen;
    nt_status st = NT_OK;

    /* DESIGN section 5: a key whose delta was never randomised by a phase-2
     * contribution (delta == gamma, or delta == the generator) lets anyone
     * forge proofs. Points at infinity make the equation trivial. */
    nt_g2_generator(&gen);
    if (parts->alpha.inf || parts->beta.inf || parts->gamma.inf || parts->delta.inf ||
        nt_g2_affine_eq(&parts->delta, &parts->gamma) || nt_g2_affine_eq(&parts->delta, &gen)) {
        st = NT_ERR_ZK_VK_DEGENERATE;
        goto cleanup;
    }
    vk = nt_calloc(1, sizeof *vk);
    if (vk == NULL) {
        st = NT_ERR_NOMEM;
        goto cleanup;
    }
    vk->n_public = parts->n_public;
    vk->alpha = parts->alpha;
    vk->beta = parts->beta;
    vk->gamma = parts->gamma;
    vk->delta = parts->delta;
    vk->ic = parts->ic;
    parts->ic = NULL;
    if (parts->alphabeta_file != NULL) {
        vk->alphabeta_file = *parts->alphabeta_file;
        vk->has_alphabeta_file = true;
    }
    /* beta's subgroup check comes with its walk through a Miller loop
     * (pairing.h): the one of e(alpha, beta) for a prepared key
     * (vk_alphabeta), each verification's for a one-shot key, which then
     * fails with NT_ERR_ZK_NOT_IN_SUBGROUP. A separate check at parse
     * would cost a one-shot verification ~0.4 M instructions (~5%). */
    if (prepare && (st = nt_zk_vk_prepare(vk)) != NT_OK)
        goto cleanup;
    *out = vk;
    vk = NULL;
cleanup:
    nt_free(parts->ic);
    parts->ic = NULL;
    nt_zk_vk_destroy(vk);
    return st;
}

void nt_zk_vk_destroy(nt_zk_vk *vk)
{
    if (vk == NULL)
        return;
    if (vk->prep != NULL)
        nt_free(vk->prep->tables);
    nt_free(vk->prep);
    nt_free(vk->ic);
    nt_free(vk);
}

size_t nt_zk_vk_public_count(const nt_zk_vk *vk) { return vk->n_public; }

/* ---- proofs -------------------------------------------------------------- */

nt_status nt_zk_proof_build(nt_zk_proof *out, const nt_fp *ax, const nt_fp *ay, bool a_inf,
                            const nt_fp2 *bx, const nt_fp2 *by, bool b_inf, const nt_fp *cx,
                            const nt_fp *cy, bool c_inf)
{
    nt_g1_affine a, c;
    nt_g2_affine b;
    nt_status st;

    if (a_inf || b_inf || c_inf)
        return NT_ERR_ZK_PROOF_INFINITY;
    if ((st = nt_g1_affine_set_xy(&a, ax, ay)) != NT_OK)
        return st;
    if ((st = nt_g2_affine_set_xy(&b, bx, by)) != NT_OK)
        return st;
    if ((st = nt_g1_affine_set_xy(&c, cx, cy)) != NT_OK)
        return st;
    if ((st = nt_g2_affine_check_subgroup_var(&b)) != NT_OK)
        return st;
    memcpy(out->a[0], a.x.v, sizeof out->a[0]);
    memcpy(out->a[1], a.y.v, sizeof out->a[1]);
    memcpy(out->b[0], b.x.c0.v, sizeof out->b[0]);
    memcpy(out->b[1], b.x.c1.v, sizeof out->b[1]);
    memcpy(out->b[2], b.y.c0.v, sizeof out->b[2]);
    memcpy(out->b[3], b.y.c1.v, sizeof out->b[3]);
    memcpy(out->c[0], c.x.v, sizeof out->c[0]);
    memcpy(out->c[1], c.y.v, sizeof out->c[1]);
    return NT_OK;
}

static void proof_points(const nt_zk_proof *p, nt_g1_affine *a, nt_g2_affine *b, nt_g1_affine *c)
{
    memcpy(a->x.v, p->a[0], sizeof a->x.v);
    memcpy(a->y.v, p->a[1], sizeof a->y.v);
    a->inf = false;
    memcpy(b->x.c0.v, p->b[0], sizeof b->x.c0.v);
    memcpy(b->x.c1.v, p->b[1], sizeof b->x.c1.v);
    memcpy(b->y.c0.v, p->b[2], sizeof b->y.c0.v);
    memcpy(b->y.c1.v, p->b[3], sizeof b->y.c1.v);
    b->inf = false;
    memcpy(c->x.v, p->c[0], sizeof c->x.v);
    memcpy(c->y.v, p->c[1], sizeof c->y.v);
    c->inf = false;
}

nt_status nt_zk_proof_parse(nt_zk_proof *out, const uint8_t *in, size_t len)
{
    const uint8_t *pa, *pb, *pc;
    nt_g1_affine a, c;
    nt_g2_affine b;
    nt_buf buf;
    nt_status st;

    if (len != NT_ZK_PROOF_BYTES)
        return NT_ERR_ZK_ENCODING;
    nt_buf_init(&buf, in, len);
    if ((st = nt_buf_get_ptr(&buf, &pa, NT_ZK_G1_BYTES)) != NT_OK ||
        (st = nt_buf_get_ptr(&buf, &pb, NT_ZK_G2_BYTES)) != NT_OK ||
        (st = nt_buf_get_ptr(&buf, &pc, NT_ZK_G1_BYTES)) != NT_OK)
        return NT_ERR_ZK_ENCODING;
    /* Range and curve checks; infinity decodes as a flag and is rejected
     * below with its own status. */
    if ((st = nt_g1_affine_set_b64(&a, pa)) != NT_OK)
        return st;
    if ((st = nt_g2_affine_set_b128(&b, pb)) != NT_OK)
        return st;
    if ((st = nt_g1_affine_set_b64(&c, pc)) != NT_OK)
        return st;
    return nt_zk_proof_build(out, &a.x, &a.y, a.inf, &b.x, &b.y, b.inf, &c.x, &c.y, c.inf);
}

void nt_zk_proof_write(uint8_t out[NT_ZK_PROOF_BYTES], const nt_zk_proof *proof)
{
    nt_g1_affine a, c;
    nt_g2_affine b;
    proof_points(proof, &a, &b, &c);
    nt_g1_affine_get_b64(out, &a);
    nt_g2_affine_get_b128(out + NT_ZK_G1_BYTES, &b);
    nt_g1_affine_get_b64(out + NT_ZK_G1_BYTES + NT_ZK_G2_BYTES, &c);
}

/* ---- public inputs ------------------------------------------------------- */

nt_status nt_zk_public_alloc(nt_zk_public **out, size_t n)
{
    nt_zk_public *pub;
    size_t bytes;
    if (n > NT_ZK_MAX_PUBLIC)
        return NT_ERR_ZK_INPUT_COUNT;
    if (!nt_size_mul(&bytes, n, sizeof(nt_zk_fr)) || !nt_size_add(&bytes, bytes, sizeof *pub))
        return NT_ERR_OVERFLOW;
    pub = nt_malloc(bytes);
    if (pub == NULL)
        return NT_ERR_NOMEM;
    pub->n = n;
    *out = pub;
    return NT_OK;
}

nt_status nt_zk_public_parse(nt_zk_public **out, const uint8_t *in, size_t len)
{
    nt_zk_public *pub = NULL;
    nt_buf buf;
    size_t i;
    nt_status st;

    if (len % 32 != 0)
        return NT_ERR_ZK_ENCODING;
    if ((st = nt_zk_public_alloc(&pub, len / 32)) != NT_OK)
        return st;
    nt_buf_init(&buf, in, len);
    for (i = 0; i < pub->n; i++) {
        uint8_t b[32];
        if ((st = nt_buf_get_bytes(&buf, b, sizeof b)) != NT_OK)
            goto cleanup;
        /* Never reduce a public input (DESIGN section 5). */
        if (nt_zk_fr_set_b32(&pub->v[i], b) != NT_OK) {
            st = NT_ERR_ZK_INPUT_RANGE;
            goto cleanup;
        }
    }
    *out = pub;
    pub = NULL;
cleanup:
    nt_free(pub);
    return st;
}

nt_status nt_zk_public_write(uint8_t *out, size_t cap, size_t *out_len, const nt_zk_public *pub)
{
    size_t i;
    if (cap / 32 < pub->n)
        return NT_ERR_NOSPACE;
    for (i = 0; i < pub->n; i++)
        nt_zk_fr_get_b32(out + 32 * i, &pub->v[i]);
    *out_len = 32 * pub->n;
    return NT_OK;
}

void nt_zk_public_destroy(nt_zk_public *pub) { nt_free(pub); }

size_t nt_zk_public_count(const nt_zk_public *pub) { return pub->n; }

nt_status nt_zk_public_get_b32(uint8_t out[32], const nt_zk_public *pub, size_t i)
{
    if (i >= pub->n)
        return NT_ERR_INVALID_ARG;
    nt_zk_fr_get_b32(out, &pub->v[i]);
    return NT_OK;
}

nt_status nt_zk_public_get_dec(char *out, size_t cap, const nt_zk_public *pub, size_t i)
{
    if (i >= pub->n)
        return NT_ERR_INVALID_ARG;
    return nt_zk_fr_write_dec(out, cap, &pub->v[i]);
}

/* ---- verification -------------------------------------------------------- */

/* acc += [k] T for the table T of one input, k < r as plain limbs: signed
 * radix-16 digits in [-7, 8]; k < 2^254 keeps the last digit <= 4. */
static void table_mul_add(nt_g1_jac *acc, const nt_g1_affine *table, const uint64_t k[4])
{
    int j, carry = 0;
    for (j = 0; j < NT_ZK_MSM_WINDOWS; j++) {
        int d = (int)((k[j / 16] >> (4 * (j % 16))) & 0xf) + carry;
        carry = 0;
        if (d > NT_ZK_MSM_DIGITS) {
            d -= 16;
            carry = 1;
        }
        if (d > 0) {
            nt_g1_jac_add_affine_var(acc, acc, &table[j * NT_ZK_MSM_DIGITS + d - 1]);
        } else if (d < 0) {
            nt_g1_affine neg;
            nt_g1_affine_neg(&neg, &table[j * NT_ZK_MSM_DIGITS - d - 1]);
            nt_g1_jac_add_affine_var(acc, acc, &neg);
        }
    }
}

/* vk_x = IC[0] + sum pub[i] IC[i+1] with a prepared key's tables. */
static void vk_x_tables(nt_g1_jac *acc, const nt_zk_vk *vk, const nt_zk_public *pub)
{
    const nt_zk_vk_prep *prep = vk->prep;
    nt_g1_jac t;
    size_t i;
    nt_g1_jac_set_affine(acc, &vk->ic[0]);
    for (i = 0; i < pub->n; i++) {
        uint64_t k[4];
        if (nt_zk_fr_is_zero(&pub->v[i]) || vk->ic[i + 1].inf)
            continue;
        nt_zk_fr_get_limbs(k, &pub->v[i]);
        if (k[0] == 1 && (k[1] | k[2] | k[3]) == 0) {
            nt_g1_jac_add_affine_var(acc, acc, &vk->ic[i + 1]);
            continue;
        }
        if (i < prep->n_tables) {
            table_mul_add(acc, prep->tables + i * NT_ZK_MSM_TABLE_POINTS, k);
            continue;
        }
        nt_g1_mul_var(&t, &vk->ic[i + 1], k);
        nt_g1_jac_add_var(acc, acc, &t);
    }
}

/* Scalars handed to the MSM at once (a stack array of their limbs). */
#define VK_X_CHUNK 64

/* vk_x without tables: one multi-scalar multiplication (msm.h). */
static nt_status vk_x_msm(nt_g1_jac *acc, const nt_zk_vk *vk, const nt_zk_public *pub)
{
    uint64_t k[VK_X_CHUNK][4];
    size_t done, i;
    nt_status st;
    nt_g1_jac_set_affine(acc, &vk->ic[0]);
    for (done = 0; done < pub->n; done += VK_X_CHUNK) {
        size_t m = pub->n - done < VK_X_CHUNK ? pub->n - done : VK_X_CHUNK;
        nt_g1_jac part;
        for (i = 0; i < m; i++)
            nt_zk_fr_get_limbs(k[i], &pub->v[done + i]);
        if ((st = nt_g1_msm_var(&part, &vk->ic[done + 1], (const uint64_t(*)[4])k, m)) != NT_OK)
            return st;
        nt_g1_jac_add_var(acc, acc, &part);
    }
    return NT_OK;
}

nt_status nt_zk_groth16_verify(const nt_zk_vk *vk, const nt_zk_proof *proof,
                               const nt_zk_public *pub)
{
    const nt_zk_vk_prep *prep = vk->prep;
    nt_g1_affine a, c, vk_x;
    nt_g2_affine b;
    nt_g1_jac acc;
    nt_zk_pair pairs[4];
    nt_fp12 f, r;
    bool beta_in_g2 = true;
    nt_status st;

    if (pub->n != vk->n_public)
        return NT_ERR_ZK_INPUT_COUNT;
    if (prep != NULL)
        vk_x_tables(&acc, vk, pub);
    else if ((st = vk_x_msm(&acc, vk, pub)) != NT_OK)
        return st;
    nt_g1_jac_to_affine_var(&vk_x, &acc);
    proof_points(proof, &a, &b, &c);
    nt_g1_affine_neg(&a, &a);
    /* B is used once: its lines are made as the loop runs. So are those of
     * gamma and delta when the key was not prepared. */
    pairs[0] = (nt_zk_pair){&a, NULL, &b, NULL};
    pairs[1] = (nt_zk_pair){&vk_x, prep != NULL ? &prep->gamma_lines : NULL, &vk->gamma, NULL};
    pairs[2] = (nt_zk_pair){&c, prep != NULL ? &prep->delta_lines : NULL, &vk->delta, NULL};
    if (prep != NULL) {
        /* e(alpha, beta) is known: compare with its inverse. */
        nt_zk_miller_loop(&f, pairs, 3);
        nt_zk_final_exp(&r, &f);
        return nt_fp12_eq(&r, &vk->alphabeta_inv) ? NT_OK : NT_ERR_ZK_PROOF_INVALID;
    }
    /* One-shot: (alpha, beta) joins the loop, whose squarings and final
     * exponentiation the four pairs share, and the product must be 1.
     * beta's walk tells whether it is in G2, which nothing checked before:
     * the loop's value means nothing otherwise. */
    pairs[3] = (nt_zk_pair){&vk->alpha, NULL, &vk->beta, &beta_in_g2};
    nt_zk_miller_loop(&f, pairs, 4);
    if (!beta_in_g2)
        return NT_ERR_ZK_NOT_IN_SUBGROUP;
    nt_zk_final_exp(&r, &f);
    return nt_fp12_is_one(&r) ? NT_OK : NT_ERR_ZK_PROOF_INVALID;
}
