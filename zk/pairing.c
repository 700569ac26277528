/*
 * zk/pairing.c - optimal ate pairing on BN254 (see pairing.h).
 *
 * Miller loop in homogeneous projective coordinates on the twist with the
 * doubling and mixed-addition formulas of Costello, Lange, Naehrig, "Faster
 * pairing computations on curves with high-degree twists" (PKC 2010) as
 * written for the D-type twist by Aranha, Barreto, Longa, Ricardini, "The
 * realm of the pairings" (SAC 2013), section 4.
 */
#include "zk/pairing.h"

#include <string.h>

/* 6x + 2 in non-adjacent form, least significant digit first. */
static const int8_t ate_naf[66] = {
    0, 0, 0, 1,  0, 1, 0, -1, 0, 0, -1, 0, 0,  0, 1,  0, 0, -1, 0, -1, 0, 0,
    0, 1, 0, -1, 0, 0, 0, 0,  -1, 0, 0, 1, 0, -1, 0, 0, 1, 0, 0,  0,  0, 0,
    -1, 0, 0, -1, 0, 1, 0, -1, 0, 0, 0, -1, 0, -1, 0, 0, 0, 1, 0, -1, 0, 1};

/* x in non-adjacent form, least significant digit first. */
static const int8_t x_naf[63] = {
    1, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 1, 0, 0,  0, 0, 1, 0,  0, 1, 0,
    -1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, -1, 0, -1, 0, -1, 0,
    1, 0, 1, 0, 0, -1, 0, 1, 0, 1, 0, -1, 0, 0, 1, 0, 1, 0, 0, 0, 1};

/* 3 b' = 9 / (9 + u), Montgomery form. */
static const nt_fp2 twist_b3 = {
    {{0x3baa927cb62e0d6aULL, 0xd71e7c52d1b664fdULL, 0x03873e63d95d4664ULL, 0x0e75b5b1082ab8f4ULL}},
    {{0xaab7c6667596fe35ULL, 0x31d21a78bb6a27baULL, 0x85dd7297680401ffULL, 0x03c52d6adf39a7e9ULL}}};

typedef struct proj {
    nt_fp2 x, y, z;
} proj;

/* T = 2T; line tangent at T. */
static void dbl_step(proj *t, nt_zk_line *l)
{
    nt_fp2 A, B, C, E, F, G, H, s;
    nt_fp2_mul(&A, &t->x, &t->y);
    nt_fp2_half(&A, &A);
    nt_fp2_sqr(&B, &t->y);
    nt_fp2_sqr(&C, &t->z);
    nt_fp2_mul(&E, &C, &twist_b3);
    nt_fp2_dbl(&F, &E);
    nt_fp2_add(&F, &F, &E);
    nt_fp2_add(&G, &B, &F);
    nt_fp2_half(&G, &G);
    nt_fp2_add(&H, &t->y, &t->z);
    nt_fp2_sqr(&H, &H);
    nt_fp2_add(&s, &B, &C);
    nt_fp2_sub(&H, &H, &s);

    /* line: -H yP + 3 X^2 xP w + (E - B) v w */
    nt_fp2_neg(&l->cy, &H);
    nt_fp2_sqr(&s, &t->x);
    nt_fp2_dbl(&l->cx, &s);
    nt_fp2_add(&l->cx, &l->cx, &s);
    nt_fp2_sub(&l->c, &E, &B);

    /* X3 = A (B - F), Y3 = G^2 - 3 E^2, Z3 = B H */
    nt_fp2_sub(&s, &B, &F);
    nt_fp2_mul(&t->x, &A, &s);
    nt_fp2_sqr(&E, &E);
    nt_fp2_dbl(&s, &E);
    nt_fp2_add(&s, &s, &E);
    nt_fp2_sqr(&G, &G);
    nt_fp2_sub(&t->y, &G, &s);
    nt_fp2_mul(&t->z, &B, &H);
}

/* T = T + Q (Q affine); line through T and Q. */
static void add_step(proj *t, const nt_fp2 *qx, const nt_fp2 *qy, nt_zk_line *l)
{
    nt_fp2 theta, lambda, C, D, E, F, G, H, s;
    nt_fp2_mul(&s, qy, &t->z);
    nt_fp2_sub(&theta, &t->y, &s);
    nt_fp2_mul(&s, qx, &t->z);
    nt_fp2_sub(&lambda, &t->x, &s);

    /* line: lambda yP - theta xP w + (theta x2 - lambda y2) v w */
    l->cy = lambda;
    nt_fp2_neg(&l->cx, &theta);
    nt_fp2_mul(&s, &theta, qx);
    nt_fp2_mul(&C, &lambda, qy);
    nt_fp2_sub(&l->c, &s, &C);

    nt_fp2_sqr(&C, &theta);
    nt_fp2_sqr(&D, &lambda);
    nt_fp2_mul(&E, &lambda, &D);
    nt_fp2_mul(&F, &t->z, &C);
    nt_fp2_mul(&G, &t->x, &D);
    nt_fp2_dbl(&s, &G);
    nt_fp2_add(&H, &E, &F);
    nt_fp2_sub(&H, &H, &s);
    nt_fp2_mul(&t->x, &lambda, &H);
    nt_fp2_sub(&s, &G, &H);
    nt_fp2_mul(&s, &theta, &s);
    nt_fp2_mul(&C, &E, &t->y);
    nt_fp2_sub(&t->y, &s, &C);
    nt_fp2_mul(&t->z, &t->z, &E);
}

void nt_zk_g2_prepare(nt_zk_g2_prepared *r, const nt_g2_affine *q)
{
    proj t;
    nt_fp2 negy, q1x, q1y, q2x;
    int i, k = 0;

    memset(r, 0, sizeof *r);
    r->inf = q->inf;
    if (q->inf)
        return;
    t.x = q->x;
    t.y = q->y;
    nt_fp2_set_one(&t.z);
    nt_fp2_neg(&negy, &q->y);
    for (i = 64; i >= 0; i--) {
        dbl_step(&t, &r->lines[k++]);
        if (ate_naf[i] == 1)
            add_step(&t, &q->x, &q->y, &r->lines[k++]);
        else if (ate_naf[i] == -1)
            add_step(&t, &q->x, &negy, &r->lines[k++]);
    }
    /* Q1 = pi(Q), then -Q2 = -pi^2(Q) = (x xi^((p^2-1)/3), y) since
     * xi^((p^2-1)/2) = -1. */
    nt_fp2_conj(&q1x, &q->x);
    nt_fp2_mul(&q1x, &q1x, nt_fp12_frob_const(1, 2));
    nt_fp2_conj(&q1y, &q->y);
    nt_fp2_mul(&q1y, &q1y, nt_fp12_frob_const(1, 3));
    add_step(&t, &q1x, &q1y, &r->lines[k++]);
    nt_fp2_mul_fp(&q2x, &q->x, &nt_fp12_frob_const(2, 2)->c0);
    add_step(&t, &q2x, &q->y, &r->lines[k++]);
}

static void apply_line(nt_fp12 *f, const nt_zk_line *l, const nt_g1_affine *p)
{
    nt_fp2 a0, b0;
    nt_fp2_mul_fp(&a0, &l->cy, &p->y);
    nt_fp2_mul_fp(&b0, &l->cx, &p->x);
    nt_fp12_mul_line(f, f, &a0, &b0, &l->c);
}

/* Pairs evaluated together in one loop; more are handled in chunks whose
 * results are multiplied (the squarings are shared within a chunk). */
#define MAX_PAIRS 8

static void miller_chunk(nt_fp12 *f, const nt_g1_affine *const *p,
                         const nt_zk_g2_prepared *const *q, size_t n)
{
    const nt_g1_affine *pp[MAX_PAIRS];
    const nt_zk_line *ll[MAX_PAIRS];
    size_t m = 0, j;
    int i, k = 0;

    nt_fp12_set_one(f);
    for (j = 0; j < n; j++) {
        /* e(O, Q) = e(P, O) = 1: such pairs contribute nothing. */
        if (p[j]->inf || q[j]->inf)
            continue;
        pp[m] = p[j];
        ll[m] = q[j]->lines;
        m++;
    }
    if (m == 0)
        return;
    for (i = 64; i >= 0; i--) {
        if (i != 64)
            nt_fp12_sqr(f, f);
        for (j = 0; j < m; j++)
            apply_line(f, &ll[j][k], pp[j]);
        k++;
        if (ate_naf[i] != 0) {
            for (j = 0; j < m; j++)
                apply_line(f, &ll[j][k], pp[j]);
            k++;
        }
    }
    for (j = 0; j < m; j++) {
        apply_line(f, &ll[j][k], pp[j]);
        apply_line(f, &ll[j][k + 1], pp[j]);
    }
}

void nt_zk_miller_loop(nt_fp12 *f, const nt_g1_affine *const *p,
                       const nt_zk_g2_prepared *const *q, size_t n)
{
    size_t done = 0;
    nt_fp12_set_one(f);
    while (done < n) {
        size_t m = n - done < MAX_PAIRS ? n - done : MAX_PAIRS;
        nt_fp12 g;
        miller_chunk(&g, p + done, q + done, m);
        if (done == 0)
            *f = g;
        else
            nt_fp12_mul(f, f, &g);
        done += m;
    }
}

/* r = a^x for a in the cyclotomic subgroup (inverse = conjugate). */
static void cyclo_exp_x(nt_fp12 *r, const nt_fp12 *a)
{
    nt_fp12 acc, inv;
    int i;
    nt_fp12_conj(&inv, a);
    acc = *a;
    for (i = 61; i >= 0; i--) {
        nt_fp12_cyclo_sqr(&acc, &acc);
        if (x_naf[i] == 1)
            nt_fp12_mul(&acc, &acc, a);
        else if (x_naf[i] == -1)
            nt_fp12_mul(&acc, &acc, &inv);
    }
    *r = acc;
}

void nt_zk_final_exp(nt_fp12 *r, const nt_fp12 *f)
{
    nt_fp12 t, u, fx, f2x, f6x, f6x2, f12x3, a, b;

    /* Easy part: f^((p^6 - 1)(p^2 + 1)). */
    nt_fp12_conj(&t, f);
    nt_fp12_inv_var(&u, f);
    nt_fp12_mul(&t, &t, &u);
    nt_fp12_frob(&u, &t, 2);
    nt_fp12_mul(&t, &u, &t);

    /* Hard part, s (p^4 - p^2 + 1) / r = l0 + l1 p + l2 p^2 + l3 p^3 with
     *   l0 = 12x^3 + 12x^2 + 6x + 1, l1 = 12x^3 + 6x^2 + 4x,
     *   l2 = 12x^3 + 6x^2 + 6x,      l3 = 12x^3 + 6x^2 + 4x - 1
     * (Fuentes-Castaneda et al. 2011, section 6). With
     *   a = f^(12x^3 + 6x^2 + 6x), b = a f^(-2x):
     *   result = a f^(6x^2) f * b^p * a^(p^2) * (b f^-1)^(p^3). */
    cyclo_exp_x(&fx, &t);
    nt_fp12_cyclo_sqr(&f2x, &fx);
    nt_fp12_cyclo_sqr(&u, &f2x);
    nt_fp12_mul(&f6x, &u, &f2x);
    cyclo_exp_x(&f6x2, &f6x);
    nt_fp12_cyclo_sqr(&u, &f6x2);
    cyclo_exp_x(&f12x3, &u);
    nt_fp12_mul(&a, &f12x3, &f6x2);
    nt_fp12_mul(&a, &a, &f6x);
    nt_fp12_conj(&u, &f2x);
    nt_fp12_mul(&b, &a, &u);

    /* l0 */
    nt_fp12_mul(&u, &a, &f6x2);
    nt_fp12_mul(&u, &u, &t);
    /* l1 */
    nt_fp12_frob(&fx, &b, 1);
    nt_fp12_mul(&u, &u, &fx);
    /* l2 */
    nt_fp12_frob(&fx, &a, 2);
    nt_fp12_mul(&u, &u, &fx);
    /* l3 */
    nt_fp12_conj(&fx, &t);
    nt_fp12_mul(&fx, &fx, &b);
    nt_fp12_frob(&fx, &fx, 3);
    nt_fp12_mul(r, &u, &fx);
}

void nt_zk_pairing(nt_fp12 *r, const nt_g1_affine *p, const nt_g2_affine *q)
{
    nt_zk_g2_prepared prep;
    const nt_g1_affine *pp[1] = {p};
    const nt_zk_g2_prepared *qq[1] = {&prep};
    nt_fp12 f;
    nt_zk_g2_prepare(&prep, q);
    nt_zk_miller_loop(&f, pp, qq, 1);
    nt_zk_final_exp(r, &f);
}
