/*
 * zk/group.c - G1 and G2 of BN254 (group.h): encodings, validation, group
 * law (group_impl.h instantiated twice), scalar multiplication, the G2
 * subgroup check.
 */
#include "zk/group.h"

#include <string.h>

int nt_zk_wnaf(int8_t out[NT_WNAF_MAX], const uint64_t k[4], int w)
{
    uint64_t t[5] = {k[0], k[1], k[2], k[3], 0};
    const int64_t full = (int64_t)1 << w, half = (int64_t)1 << (w - 1);
    int n = 0, i;
    while ((t[0] | t[1] | t[2] | t[3] | t[4]) != 0 && n < NT_WNAF_MAX) {
        int64_t d = 0;
        if (t[0] & 1) {
            d = (int64_t)(t[0] & (uint64_t)(full - 1));
            if (d >= half)
                d -= full;
            if (d > 0) {
                /* t -= d (no borrow beyond limb 0: the low bits are d) */
                t[0] -= (uint64_t)d;
            } else {
                /* t += -d with carry */
                uint64_t add = (uint64_t)(-d);
                for (i = 0; i < 5 && add; i++) {
                    t[i] += add;
                    add = t[i] < add ? 1 : 0;
                }
            }
        }
        out[n++] = (int8_t)d;
        for (i = 0; i < 4; i++)
            t[i] = (t[i] >> 1) | (t[i + 1] << 63);
        t[4] >>= 1;
    }
    return n;
}

/* ---- G1 over Fp ---------------------------------------------------------- */

static const nt_fp g1_b = {{0x7a17caa950ad28d7ULL, 0x1f6ac17ae15521b9ULL,
                            0x334bea4e696bd284ULL, 0x2a1f6744ce179d8eULL}};

#define FE nt_fp
#define FE_ADD nt_fp_add
#define FE_SUB nt_fp_sub
#define FE_DBL nt_fp_dbl
#define FE_MUL nt_fp_mul
#define FE_SQR nt_fp_sqr
#define FE_NEG nt_fp_neg
#define FE_IS_ZERO nt_fp_is_zero
#define FE_EQ nt_fp_eq
#define FE_INV nt_fp_inv_var
#define FE_ONE nt_fp_set_one
#define FE_ZERO nt_fp_set_zero
#define FE_B g1_b
#define G_AFF nt_g1_affine
#define G_JAC nt_g1_jac
#define G_FN(name) nt_g1_##name
#include "zk/group_impl.h"
#undef FE
#undef FE_ADD
#undef FE_SUB
#undef FE_DBL
#undef FE_MUL
#undef FE_SQR
#undef FE_NEG
#undef FE_IS_ZERO
#undef FE_EQ
#undef FE_INV
#undef FE_ONE
#undef FE_ZERO
#undef FE_B
#undef G_AFF
#undef G_JAC
#undef G_FN

/* ---- G2 over Fp2 --------------------------------------------------------- */

/* b' = 3 / (9 + u) */
static const nt_fp2 g2_b = {
    {{0x3bf938e377b802a8ULL, 0x020b1b273633535dULL, 0x26b7edf049755260ULL, 0x2514c6324384a86dULL}},
    {{0x38e7ecccd1dcff67ULL, 0x65f0b37d93ce0d3eULL, 0xd749d0dd22ac00aaULL, 0x0141b9ce4a688d4dULL}}};

#define FE nt_fp2
#define FE_ADD nt_fp2_add
#define FE_SUB nt_fp2_sub
#define FE_DBL nt_fp2_dbl
#define FE_MUL nt_fp2_mul
#define FE_SQR nt_fp2_sqr
#define FE_NEG nt_fp2_neg
#define FE_IS_ZERO nt_fp2_is_zero
#define FE_EQ nt_fp2_eq
#define FE_INV nt_fp2_inv_var
#define FE_ONE nt_fp2_set_one
#define FE_ZERO nt_fp2_set_zero
#define FE_B g2_b
#define G_AFF nt_g2_affine
#define G_JAC nt_g2_jac
#define G_FN(name) nt_g2_##name
#include "zk/group_impl.h"
#undef FE
#undef FE_ADD
#undef FE_SUB
#undef FE_DBL
#undef FE_MUL
#undef FE_SQR
#undef FE_NEG
#undef FE_IS_ZERO
#undef FE_EQ
#undef FE_INV
#undef FE_ONE
#undef FE_ZERO
#undef FE_B
#undef G_AFF
#undef G_JAC
#undef G_FN

/* ---- encodings and validation -------------------------------------------- */

static bool all_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    size_t i;
    for (i = 0; i < n; i++)
        acc |= p[i];
    return acc == 0;
}

bool nt_g1_affine_is_on_curve(const nt_g1_affine *a)
{
    return a->inf || nt_g1_affine_equation_holds(&a->x, &a->y);
}

nt_status nt_g1_affine_set_xy(nt_g1_affine *r, const nt_fp *x, const nt_fp *y)
{
    if (!nt_g1_affine_equation_holds(x, y))
        return NT_ERR_ZK_NOT_ON_CURVE;
    r->x = *x;
    r->y = *y;
    r->inf = false;
    return NT_OK;
}

nt_status nt_g1_affine_set_b64(nt_g1_affine *r, const uint8_t in[64])
{
    nt_fp x, y;
    nt_status st;
    /* Range first (EIP-196: coordinates >= p are invalid, never reduced). */
    if ((st = nt_fp_set_b32(&x, in)) != NT_OK)
        return st;
    if ((st = nt_fp_set_b32(&y, in + 32)) != NT_OK)
        return st;
    if (all_zero(in, 64)) {
        /* EIP-196 encodes the point at infinity as (0, 0). */
        nt_fp_set_zero(&r->x);
        nt_fp_set_zero(&r->y);
        r->inf = true;
        return NT_OK;
    }
    return nt_g1_affine_set_xy(r, &x, &y);
}

void nt_g1_affine_get_b64(uint8_t out[64], const nt_g1_affine *a)
{
    if (a->inf) {
        memset(out, 0, 64);
        return;
    }
    nt_fp_get_b32(out, &a->x);
    nt_fp_get_b32(out + 32, &a->y);
}

void nt_g1_generator(nt_g1_affine *r)
{
    nt_fp_set_u64(&r->x, 1);
    nt_fp_set_u64(&r->y, 2);
    r->inf = false;
}

bool nt_g2_affine_is_on_twist(const nt_g2_affine *a)
{
    return a->inf || nt_g2_affine_equation_holds(&a->x, &a->y);
}

nt_status nt_g2_affine_set_xy(nt_g2_affine *r, const nt_fp2 *x, const nt_fp2 *y)
{
    if (!nt_g2_affine_equation_holds(x, y))
        return NT_ERR_ZK_NOT_ON_TWIST;
    r->x = *x;
    r->y = *y;
    r->inf = false;
    return NT_OK;
}

nt_status nt_g2_affine_set_b128(nt_g2_affine *r, const uint8_t in[128])
{
    nt_fp2 x, y;
    nt_status st;
    /* EIP-197: imaginary part first. */
    if ((st = nt_fp_set_b32(&x.c1, in)) != NT_OK || (st = nt_fp_set_b32(&x.c0, in + 32)) != NT_OK ||
        (st = nt_fp_set_b32(&y.c1, in + 64)) != NT_OK ||
        (st = nt_fp_set_b32(&y.c0, in + 96)) != NT_OK)
        return st;
    if (all_zero(in, 128)) {
        nt_fp2_set_zero(&r->x);
        nt_fp2_set_zero(&r->y);
        r->inf = true;
        return NT_OK;
    }
    return nt_g2_affine_set_xy(r, &x, &y);
}

void nt_g2_affine_get_b128(uint8_t out[128], const nt_g2_affine *a)
{
    if (a->inf) {
        memset(out, 0, 128);
        return;
    }
    nt_fp_get_b32(out, &a->x.c1);
    nt_fp_get_b32(out + 32, &a->x.c0);
    nt_fp_get_b32(out + 64, &a->y.c1);
    nt_fp_get_b32(out + 96, &a->y.c0);
}

/* The EIP-197 generator of G2 (Montgomery form): x = x0 + x1 u,
 * x0 = 10857046999023057135944570762232829481370756359578518086990519993285655852781,
 * x1 = 11559732032986387107991004021392285783925812861821192530917403151452391805634,
 * y0 = 8495653923123431417604973247489272438418190587263600148770280649306958101930,
 * y1 = 4082367875863433681332203403145435568316851327593401208105741076214120093531. */
static const nt_g2_affine g2_gen = {
    {{{0x8e83b5d102bc2026ULL, 0xdceb1935497b0172ULL, 0xfbb8264797811adfULL, 0x19573841af96503bULL}},
     {{0xafb4737da84c6140ULL, 0x6043dd5a5802d8c4ULL, 0x09e950fc52a02f86ULL, 0x14fef0833aea7b6bULL}}},
    {{{0x619dfa9d886be9f6ULL, 0xfe7fd297f59e9b78ULL, 0xff9e1a62231b7dfeULL, 0x28fd7eebae9e4206ULL}},
     {{0x64095b56c71856eeULL, 0xdc57f922327d3cbbULL, 0x55f935be33351076ULL, 0x0da4a0e693fd6482ULL}}},
    false};

void nt_g2_generator(nt_g2_affine *r) { *r = g2_gen; }

void nt_g2_affine_psi(nt_g2_affine *r, const nt_g2_affine *a)
{
    nt_fp2 t;
    r->inf = a->inf;
    nt_fp2_conj(&t, &a->x);
    nt_fp2_mul(&r->x, &t, nt_fp12_frob_const(1, 2));
    nt_fp2_conj(&t, &a->y);
    nt_fp2_mul(&r->y, &t, nt_fp12_frob_const(1, 3));
}

/* psi on Jacobian coordinates: x = X/Z^2 gives conj(X) cx / conj(Z)^2. */
static void g2_jac_psi(nt_g2_jac *r, const nt_g2_jac *a)
{
    nt_fp2 t;
    nt_fp2_conj(&t, &a->x);
    nt_fp2_mul(&r->x, &t, nt_fp12_frob_const(1, 2));
    nt_fp2_conj(&t, &a->y);
    nt_fp2_mul(&r->y, &t, nt_fp12_frob_const(1, 3));
    nt_fp2_conj(&r->z, &a->z);
}

static bool g2_jac_eq(const nt_g2_jac *a, const nt_g2_jac *b)
{
    nt_fp2 za2, zb2, l, r;
    bool ai = nt_g2_jac_is_inf(a), bi = nt_g2_jac_is_inf(b);
    if (ai || bi)
        return ai && bi;
    nt_fp2_sqr(&za2, &a->z);
    nt_fp2_sqr(&zb2, &b->z);
    nt_fp2_mul(&l, &a->x, &zb2);
    nt_fp2_mul(&r, &b->x, &za2);
    if (!nt_fp2_eq(&l, &r))
        return false;
    nt_fp2_mul(&zb2, &zb2, &b->z);
    nt_fp2_mul(&za2, &za2, &a->z);
    nt_fp2_mul(&l, &a->y, &zb2);
    nt_fp2_mul(&r, &b->y, &za2);
    return nt_fp2_eq(&l, &r);
}

nt_status nt_g2_affine_check_subgroup_var(const nt_g2_affine *a)
{
    /* El Housni, Guillevic, Piellard 2022, section 5 (BN curves):
     * Q is in G2 iff [x+1]Q + psi([x]Q) + psi^2([x]Q) == psi^3([2x]Q),
     * x = 4965661367192848881: one 63-bit multiplication instead of the
     * 127-bit [6x^2]Q of the psi(Q) == [p]Q criterion. */
    static const uint64_t x[4] = {0x44e992b44a6909f1ULL, 0, 0, 0};
    nt_g2_jac xq, lhs, t, rhs;
    /* The generator is in G2 by definition, and snarkjs keys use it as
     * gamma: a comparison instead of a multiplication. */
    if (a->inf || nt_g2_affine_eq(a, &g2_gen))
        return NT_OK;
    nt_g2_mul_var(&xq, a, x);
    nt_g2_jac_add_affine_var(&lhs, &xq, a);     /* [x+1]Q */
    g2_jac_psi(&t, &xq);                        /* psi([x]Q) */
    nt_g2_jac_add_var(&lhs, &lhs, &t);
    g2_jac_psi(&t, &t);                         /* psi^2([x]Q) */
    nt_g2_jac_add_var(&lhs, &lhs, &t);
    nt_g2_jac_dbl(&rhs, &xq);                   /* psi^3([2x]Q) */
    g2_jac_psi(&rhs, &rhs);
    g2_jac_psi(&rhs, &rhs);
    g2_jac_psi(&rhs, &rhs);
    return g2_jac_eq(&lhs, &rhs) ? NT_OK : NT_ERR_ZK_NOT_IN_SUBGROUP;
}

nt_status nt_g2_affine_check_subgroup_ref_var(const nt_g2_affine *a)

{
    /* psi(Q) == [6 x^2]Q, p = 6x^2 mod r: the reference criterion. */
    static const uint64_t six_x2[4] = {0xf83e9682e87cfd46ULL, 0x6f4d8248eeb859fbULL, 0, 0};
    nt_g2_affine psi;
    nt_g2_jac m;
    nt_fp2 z2, z3, t;
    if (a->inf)
        return NT_OK;
    nt_g2_affine_psi(&psi, a);
    nt_g2_mul_var(&m, a, six_x2);
    if (nt_g2_jac_is_inf(&m))
        return NT_ERR_ZK_NOT_IN_SUBGROUP;
    /* Compare psi(a) with m = (X/Z^2, Y/Z^3) without inverting. */
    nt_fp2_sqr(&z2, &m.z);
    nt_fp2_mul(&z3, &z2, &m.z);
    nt_fp2_mul(&t, &psi.x, &z2);
    if (!nt_fp2_eq(&t, &m.x))
        return NT_ERR_ZK_NOT_IN_SUBGROUP;
    nt_fp2_mul(&t, &psi.y, &z3);
    if (!nt_fp2_eq(&t, &m.y))
        return NT_ERR_ZK_NOT_IN_SUBGROUP;
    return NT_OK;
}
