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

/* x in width-4 NAF (digits 0, +-1, +-3, +-5, +-7), least significant
 * first: 14 non-zero digits, where the plain NAF has 24. */
static const int8_t x_wnaf[63] = {
    1, 0, 0, 0, -1, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, -7, 0, 0, 0, 7, 0,
    0, 0, 0, 5, 0, 0, 0, 0, 1, 0, 0, 0, -3, 0, 0, 0, -5, 0, 0, 0, 5, 0,
    0, 0, 0, 3, 0, 0, 0, -3, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 1};

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

/* The kinds of line, in the order the loop takes them (loop_steps). */
enum { STEP_DBL, STEP_ADD, STEP_SUB, STEP_FROB1, STEP_FROB2 };

/* The NT_ZK_LINES steps of the loop: for i = 64..0 a doubling, then an
 * addition of +-Q where ate_naf[i] != 0; then the two Frobenius additions.
 * Preparing a point and running the loop both follow this one list, so
 * stored lines and lines made on the fly come in the same order. */
static void loop_steps(int8_t kinds[NT_ZK_LINES])
{
    int i, k = 0;
    for (i = 64; i >= 0; i--) {
        kinds[k++] = STEP_DBL;
        if (ate_naf[i] != 0)
            kinds[k++] = ate_naf[i] > 0 ? STEP_ADD : STEP_SUB;
    }
    kinds[k++] = STEP_FROB1;
    kinds[k] = STEP_FROB2;
}

/* A G2 point walking through the loop: T and what the additions need. */
typedef struct q_walk {
    proj t;
    nt_fp2 qx, qy, negy;
} q_walk;

static void walk_init(q_walk *w, const nt_g2_affine *q)
{
    w->t.x = q->x;
    w->t.y = q->y;
    nt_fp2_set_one(&w->t.z);
    w->qx = q->x;
    w->qy = q->y;
    nt_fp2_neg(&w->negy, &q->y);
}

/* Advances T by one step and writes that step's line. */
static void walk_step(q_walk *w, int kind, nt_zk_line *l)
{
    nt_fp2 x, y;
    switch (kind) {
    case STEP_DBL:
        dbl_step(&w->t, l);
        break;
    case STEP_ADD:
        add_step(&w->t, &w->qx, &w->qy, l);
        break;
    case STEP_SUB:
        add_step(&w->t, &w->qx, &w->negy, l);
        break;
    case STEP_FROB1:
        /* Q1 = pi(Q) */
        nt_fp2_conj(&x, &w->qx);
        nt_fp2_mul(&x, &x, nt_fp12_frob_const(1, 2));
        nt_fp2_conj(&y, &w->qy);
        nt_fp2_mul(&y, &y, nt_fp12_frob_const(1, 3));
        add_step(&w->t, &x, &y, l);
        break;
    default:
        /* -Q2 = -pi^2(Q) = (x xi^((p^2-1)/3), y) since xi^((p^2-1)/2) = -1 */
        nt_fp2_mul_fp(&x, &w->qx, &nt_fp12_frob_const(2, 2)->c0);
        add_step(&w->t, &x, &w->qy, l);
        break;
    }
}

/* Whether the walk of Q ended where it must for Q in G2. After the loop,
 * T = [6x+2]Q + psi(Q) - psi^2(Q) computed exactly, or (0 : 0 : 0) once a
 * step met a case the formulas do not cover (T = O or T = Q before an
 * addition), which only a point outside G2 meets and which then stays
 * (0 : 0 : 0). For Q in G2, 6x + 2 + p - p^2 + p^3 = 0 mod r makes T equal
 * to -psi^3(Q); and the endomorphism [6x+2] + psi - psi^2 + psi^3 has a
 * kernel of order N with gcd(N, #E'(Fp2)) = r (its norm in Z[psi],
 * psi^2 - t psi + p = 0: checked by tests/unit/zk/bn254_constants.py), so
 * on the twist's points T = -psi^3(Q) holds for G2 and nowhere else: a
 * subgroup check for the price of a few products. */
static bool walk_in_g2(const q_walk *w, const nt_g2_affine *q)
{
    nt_g2_affine e;
    nt_fp2 t;
    nt_g2_affine_psi(&e, q);
    nt_g2_affine_psi(&e, &e);
    nt_g2_affine_psi(&e, &e);
    nt_fp2_neg(&e.y, &e.y);
    /* T = (X : Y : Z) with x = X / Z, y = Y / Z */
    if (nt_fp2_is_zero(&w->t.z))
        return false;
    nt_fp2_mul(&t, &e.x, &w->t.z);
    if (!nt_fp2_eq(&t, &w->t.x))
        return false;
    nt_fp2_mul(&t, &e.y, &w->t.z);
    return nt_fp2_eq(&t, &w->t.y);
}

/* Divides every line by its cy (Montgomery's simultaneous inversion: one
 * Fp2 inversion for all of them); leaves the lines alone if a cy is 0. */
static void normalize_lines(nt_zk_g2_prepared *r)
{
    nt_fp2 prefix[NT_ZK_LINES], inv, t;
    int k;
    for (k = 0; k < NT_ZK_LINES; k++) {
        if (nt_fp2_is_zero(&r->lines[k].cy))
            return;
        if (k == 0)
            prefix[k] = r->lines[k].cy;
        else
            nt_fp2_mul(&prefix[k], &prefix[k - 1], &r->lines[k].cy);
    }
    nt_fp2_inv_var(&inv, &prefix[NT_ZK_LINES - 1]);
    for (k = NT_ZK_LINES - 1; k >= 0; k--) {
        nt_zk_line *l = &r->lines[k];
        if (k > 0) {
            nt_fp2_mul(&t, &inv, &prefix[k - 1]); /* 1 / cy_k */
            nt_fp2_mul(&inv, &inv, &l->cy);       /* 1 / (cy_0 ... cy_{k-1}) */
        } else {
            t = inv;
        }
        nt_fp2_mul(&l->cx, &l->cx, &t);
        nt_fp2_mul(&l->c, &l->c, &t);
        nt_fp2_set_one(&l->cy);
    }
    r->normalized = true;
}

void nt_zk_g2_prepare(nt_zk_g2_prepared *r, const nt_g2_affine *q)
{
    int8_t kinds[NT_ZK_LINES];
    q_walk w;
    int k;

    memset(r, 0, sizeof *r);
    r->inf = q->inf;
    if (q->inf)
        return;
    loop_steps(kinds);
    walk_init(&w, q);
    for (k = 0; k < NT_ZK_LINES; k++)
        walk_step(&w, kinds[k], &r->lines[k]);
    normalize_lines(r);
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

/* A normalised line 1 + (cx xP / yP) w + (c / yP) v w: the line divided
 * by cy yP (yP != 0: G1 has no point of order 2). */
static void apply_line1(nt_fp12 *f, const nt_zk_line *l, const nt_fp *x_over_y,
                        const nt_fp *y_inv)
{
    nt_fp2 b0, b1;
    nt_fp2_mul_fp(&b0, &l->cx, x_over_y);
    nt_fp2_mul_fp(&b1, &l->c, y_inv);
    nt_fp12_mul_line1(f, f, &b0, &b1);
}

/* One pair inside the loop: P, and Q's stored lines or Q walking. */
typedef struct loop_pair {
    const nt_g1_affine *p;         /* NULL: only walk Q (for in_g2) */
    const nt_zk_line *lines;
    bool normalized;               /* lines divided by cy: needs y_inv, x_over_y */
    nt_fp y_inv, x_over_y;
    q_walk walk;
    const nt_zk_pair *from;
} loop_pair;

/* y_inv = 1 / yP and x_over_y = xP / yP for the pairs with normalised
 * lines, with one inversion for all of them. */
static void loop_pairs_invert(loop_pair *lp, size_t m)
{
    nt_fp prefix[MAX_PAIRS], inv, acc;
    size_t j, n = 0, idx[MAX_PAIRS];
    for (j = 0; j < m; j++) {
        if (!lp[j].normalized)
            continue;
        acc = lp[j].p->y;
        if (n > 0)
            nt_fp_mul(&acc, &prefix[n - 1], &acc);
        prefix[n] = acc;
        idx[n++] = j;
    }
    if (n == 0)
        return;
    nt_fp_inv_var(&inv, &prefix[n - 1]);
    while (n-- > 0) {
        loop_pair *q = &lp[idx[n]];
        if (n > 0) {
            nt_fp_mul(&q->y_inv, &inv, &prefix[n - 1]);
            nt_fp_mul(&inv, &inv, &q->p->y);
        } else {
            q->y_inv = inv;
        }
        nt_fp_mul(&q->x_over_y, &q->p->x, &q->y_inv);
    }
}

/* Sets up the pairs that contribute (or are walked for in_g2); returns
 * their number. */
static size_t loop_pairs(loop_pair *lp, const nt_zk_pair *pairs, size_t n)
{
    nt_g2_affine gen;
    size_t m = 0, j;
    nt_g2_generator(&gen);
    for (j = 0; j < n; j++) {
        const nt_zk_pair *pr = &pairs[j];
        const nt_zk_g2_prepared *lines = pr->lines;
        bool q_inf, walk_only;
        /* the generator's lines are a constant table; it is in G2 */
        if (lines == NULL && nt_g2_affine_eq(pr->q, &gen)) {
            lines = nt_zk_g2_generator_lines();
            if (pr->in_g2 != NULL)
                *pr->in_g2 = true;
        }
        q_inf = lines != NULL ? lines->inf : pr->q->inf;
        walk_only = pr->in_g2 != NULL && lines == NULL && !q_inf && pr->p->inf;
        if (pr->in_g2 != NULL && q_inf)
            *pr->in_g2 = true;
        /* e(O, Q) = e(P, O) = 1: such pairs contribute nothing. */
        if ((pr->p->inf || q_inf) && !walk_only)
            continue;
        lp[m].p = walk_only ? NULL : pr->p;
        lp[m].lines = lines != NULL ? lines->lines : NULL;
        lp[m].normalized = lines != NULL && lines->normalized && !walk_only;
        if (lp[m].lines == NULL)
            walk_init(&lp[m].walk, pr->q);
        lp[m].from = pr;
        m++;
    }
    loop_pairs_invert(lp, m);
    return m;
}

static void miller_chunk(nt_fp12 *f, const nt_zk_pair *pairs, size_t n)
{
    loop_pair lp[MAX_PAIRS];
    int8_t kinds[NT_ZK_LINES];
    nt_zk_line l;
    size_t m, j;
    int k;

    nt_fp12_set_one(f);
    m = loop_pairs(lp, pairs, n);
    if (m == 0)
        return;
    loop_steps(kinds);
    for (k = 0; k < NT_ZK_LINES; k++) {
        /* f is squared before each doubling but the first (f = 1 there). */
        if (kinds[k] == STEP_DBL && k > 0)
            nt_fp12_sqr(f, f);
        for (j = 0; j < m; j++) {
            const nt_zk_line *line = &l;
            if (lp[j].lines != NULL)
                line = &lp[j].lines[k];
            else
                walk_step(&lp[j].walk, kinds[k], &l);
            if (lp[j].normalized)
                apply_line1(f, line, &lp[j].x_over_y, &lp[j].y_inv);
            else if (lp[j].p != NULL)
                apply_line(f, line, lp[j].p);
        }
    }
    for (j = 0; j < m; j++)
        if (lp[j].from->in_g2 != NULL && lp[j].lines == NULL)
            *lp[j].from->in_g2 = walk_in_g2(&lp[j].walk, lp[j].from->q);
}

void nt_zk_miller_loop(nt_fp12 *f, const nt_zk_pair *pairs, size_t n)
{
    size_t done = 0;
    nt_fp12_set_one(f);
    while (done < n) {
        size_t m = n - done < MAX_PAIRS ? n - done : MAX_PAIRS;
        nt_fp12 g;
        miller_chunk(&g, pairs + done, m);
        if (done == 0)
            *f = g;
        else
            nt_fp12_mul(f, f, &g);
        done += m;
    }
}

/* r = a^x for a in the cyclotomic subgroup (inverse = conjugate), with
 * the odd powers a, a^3, a^5, a^7 made first: 16 multiplications instead
 * of the 23 of the plain NAF. */
static void cyclo_exp_x(nt_fp12 *r, const nt_fp12 *a)
{
    nt_fp12 odd[4], a2, acc, t;
    int i;
    odd[0] = *a;
    nt_fp12_cyclo_sqr(&a2, a);
    for (i = 1; i < 4; i++)
        nt_fp12_mul(&odd[i], &odd[i - 1], &a2);
    acc = *a; /* the top digit is 1 */
    for (i = 61; i >= 0; i--) {
        int d = x_wnaf[i];
        nt_fp12_cyclo_sqr(&acc, &acc);
        if (d > 0) {
            nt_fp12_mul(&acc, &acc, &odd[d / 2]);
        } else if (d < 0) {
            nt_fp12_conj(&t, &odd[-d / 2]);
            nt_fp12_mul(&acc, &acc, &t);
        }
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
    nt_zk_pair pair = {p, NULL, q, NULL};
    nt_fp12 f;
    nt_zk_miller_loop(&f, &pair, 1);
    nt_zk_final_exp(r, &f);
}
