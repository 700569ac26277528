/* Property tests of the BN254 layers (private headers): field identities,
 * Frobenius constants against plain exponentiation, cyclotomic squaring,
 * the twist endomorphism, group orders, and pairing bilinearity with random
 * scalars (seed printed; set NT_TEST_SEED to replay). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "nautilus/zk.h"
#include "zk/fr.h"
#include "zk/fp.h"
#include "zk/pairing.h"
#include "zk_test_util.h"

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    /* splitmix64: reproducible from the printed seed */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int setup_seed(void **state)
{
    const char *env = getenv("NT_TEST_SEED");
    (void)state;
    rng_state = env != NULL ? strtoull(env, NULL, 0) : (uint64_t)time(NULL);
    print_message("seed: NT_TEST_SEED=%llu\n", (unsigned long long)rng_state);
    return 0;
}

static void rand_fr(nt_zk_fr *r)
{
    uint8_t b[32];
    int i;
    for (i = 0; i < 32; i++)
        b[i] = (uint8_t)rng_next();
    nt_zk_fr_set_b32_reduce(r, b);
}

static void rand_fp(nt_fp *r)
{
    uint8_t b[32];
    int i;
    for (i = 0; i < 32; i++)
        b[i] = (uint8_t)rng_next();
    b[0] &= 0x1f; /* below p */
    assert_int_equal(nt_fp_set_b32(r, b), NT_OK);
}

static void rand_fp12(nt_fp12 *r)
{
    nt_fp *f[12] = {&r->c0.c0.c0, &r->c0.c0.c1, &r->c0.c1.c0, &r->c0.c1.c1, &r->c0.c2.c0, &r->c0.c2.c1,
                    &r->c1.c0.c0, &r->c1.c0.c1, &r->c1.c1.c0, &r->c1.c1.c1, &r->c1.c2.c0, &r->c1.c2.c1};
    int i;
    for (i = 0; i < 12; i++)
        rand_fp(f[i]);
}

static const uint64_t P_LIMBS[4] = {0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL,
                                    0xb85045b68181585dULL, 0x30644e72e131a029ULL};

static void fp12_pow(nt_fp12 *r, const nt_fp12 *a, const uint64_t e[4])
{
    nt_fp12 acc;
    int i;
    nt_fp12_set_one(&acc);
    for (i = 255; i >= 0; i--) {
        nt_fp12_sqr(&acc, &acc);
        if ((e[i / 64] >> (i % 64)) & 1)
            nt_fp12_mul(&acc, &acc, a);
    }
    *r = acc;
}

static void test_fp_known(void **state)
{
    nt_fp two, inv, half, one;
    uint8_t b[32];
    (void)state;
    /* 2^-1 = (p + 1) / 2 */
    nt_fp_set_u64(&two, 2);
    nt_fp_inv_var(&inv, &two);
    nt_fp_get_b32(b, &inv);
    {
        static const uint8_t want[32] = {
            0x18, 0x32, 0x27, 0x39, 0x70, 0x98, 0xd0, 0x14, 0xdc, 0x28, 0x22, 0xdb, 0x40, 0xc0, 0xac, 0x2e,
            0xcb, 0xc0, 0xb5, 0x48, 0xb4, 0x38, 0xe5, 0x46, 0x9e, 0x10, 0x46, 0x0b, 0x6c, 0x3e, 0x7e, 0xa4};
        assert_memory_equal(b, want, 32);
    }
    nt_fp_set_one(&one);
    nt_fp_half(&half, &one);
    assert_true(nt_fp_eq(&half, &inv));
    /* p itself is rejected, p - 1 accepted */
    {
        uint8_t pb[32];
        nt_fp x;
        nt_mont_to_be(pb, P_LIMBS);
        assert_int_equal(nt_fp_set_b32(&x, pb), NT_ERR_ZK_COORD_RANGE);
        pb[31]--;
        assert_int_equal(nt_fp_set_b32(&x, pb), NT_OK);
        nt_fp_add(&x, &x, &one);
        assert_true(nt_fp_is_zero(&x));
    }
}

/* The binary-Euclid inversion against Fermat's a^(p-2), on random values
 * and on extreme limbs (0, 1, 2, p - 1, p - 2 as raw limbs; one; the
 * all-ones low limbs), and a * a^-1 == 1. */
static void test_fp_inv(void **state)
{
    uint64_t e[4];
    int it;
    (void)state;
    memcpy(e, P_LIMBS, sizeof e);
    e[0] -= 2;
    for (it = 0; it < 200; it++) {
        nt_fp a, got, want, one;
        if (it < 8) {
            nt_fp_set_zero(&a);
            if (it == 1 || it == 2)
                a.v[0] = (uint64_t)it; /* raw 1, 2 */
            else if (it == 3 || it == 4) {
                memcpy(a.v, P_LIMBS, sizeof a.v);
                a.v[0] -= (uint64_t)(it - 2); /* raw p - 1, p - 2 */
            } else if (it == 5)
                nt_fp_set_one(&a);
            else if (it == 6)
                a.v[0] = a.v[1] = a.v[2] = ~0ULL; /* below p: the top limb is 0 */
            else if (it == 7)
                a.v[3] = 1;
        } else {
            rand_fp(&a);
        }
        nt_fp_inv_var(&got, &a);
        nt_fp_pow_var(&want, &a, e, 4);
        assert_true(nt_fp_eq(&got, &want));
        nt_fp_mul(&one, &got, &a);
        if (nt_fp_is_zero(&a))
            assert_true(nt_fp_is_zero(&got));
        else
            assert_true(nt_fp_eq(&one, &nt_fp_one));
    }
}

/* Fp2 multiplication (lazy reduction) against the schoolbook formula on
 * random and extreme values (0, 1, p - 1). */
static void fp2_mul_cases(void)
{
    nt_fp vals[5];
    uint8_t pm1[32];
    int i, j, k;
    nt_fp_set_zero(&vals[0]);
    nt_fp_set_one(&vals[1]);
    nt_mont_to_be(pm1, P_LIMBS);
    pm1[31]--;
    assert_int_equal(nt_fp_set_b32(&vals[2], pm1), NT_OK);
    rand_fp(&vals[3]);
    rand_fp(&vals[4]);
    for (i = 0; i < 625; i++) {
        nt_fp2 a, b, c, want;
        nt_fp t0, t1;
        int idx[4];
        for (k = 0, j = i; k < 4; k++, j /= 5)
            idx[k] = j % 5;
        a.c0 = vals[idx[0]];
        a.c1 = vals[idx[1]];
        b.c0 = vals[idx[2]];
        b.c1 = vals[idx[3]];
        nt_fp_mul(&t0, &a.c0, &b.c0);
        nt_fp_mul(&t1, &a.c1, &b.c1);
        nt_fp_sub(&want.c0, &t0, &t1);
        nt_fp_mul(&t0, &a.c0, &b.c1);
        nt_fp_mul(&t1, &a.c1, &b.c0);
        nt_fp_add(&want.c1, &t0, &t1);
        nt_fp2_mul(&c, &a, &b);
        assert_true(nt_fp2_eq(&c, &want));
        nt_fp2_sqr(&c, &a);
        nt_fp2_mul(&want, &a, &a);
        assert_true(nt_fp2_eq(&c, &want));
    }
}

/* Both code paths (ADX when available, portable C). */
static void test_fp2_mul(void **state)
{
    (void)state;
    nt_fp_set_adx(false);
    fp2_mul_cases();
    nt_fp_set_adx(true);
    fp2_mul_cases();
}

/* ---- The lazily reduced Fp6 products, the shift-based mul-by-xi and the
 * Fp2 square against plain formulas built from nt_fp2_mul alone (schoolbook
 * Fp6, xi as an Fp2 product), on random values and on raw limb extremes
 * (0, 1, p - 1 as limbs: the largest unreduced products). */

static void pick_fp(nt_fp *r)
{
    uint64_t k = rng_next() % 8;
    if (k == 0) {
        nt_fp_set_zero(r);
    } else if (k == 1) {
        memcpy(r->v, P_LIMBS, sizeof r->v);
        r->v[0]--; /* p - 1 as limbs */
    } else if (k == 2) {
        nt_fp_set_zero(r);
        r->v[0] = 1;
    } else if (k == 3) {
        nt_fp_set_zero(r); /* all-ones limbs below p */
        r->v[0] = r->v[1] = r->v[2] = ~0ULL;
    } else {
        rand_fp(r);
    }
}

static void pick_fp2(nt_fp2 *r)
{
    pick_fp(&r->c0);
    pick_fp(&r->c1);
}

static void pick_fp6(nt_fp6 *r)
{
    pick_fp2(&r->c0);
    pick_fp2(&r->c1);
    pick_fp2(&r->c2);
}

static void ref_mul_xi(nt_fp2 *r, const nt_fp2 *a)
{
    nt_fp2 xi;
    nt_fp_set_u64(&xi.c0, 9);
    nt_fp_set_one(&xi.c1);
    nt_fp2_mul(r, a, &xi);
}

/* (a0 + a1 v + a2 v^2)(b0 + b1 v + b2 v^2), v^3 = xi, term by term. */
static void ref_fp6_mul(nt_fp6 *r, const nt_fp6 *a, const nt_fp6 *b)
{
    const nt_fp2 *x[3] = {&a->c0, &a->c1, &a->c2}, *y[3] = {&b->c0, &b->c1, &b->c2};
    nt_fp2 c[5], t;
    int i, j;
    for (i = 0; i < 5; i++)
        nt_fp2_set_zero(&c[i]);
    for (i = 0; i < 3; i++) {
        for (j = 0; j < 3; j++) {
            nt_fp2_mul(&t, x[i], y[j]);
            nt_fp2_add(&c[i + j], &c[i + j], &t);
        }
    }
    ref_mul_xi(&t, &c[3]);
    nt_fp2_add(&r->c0, &c[0], &t);
    ref_mul_xi(&t, &c[4]);
    nt_fp2_add(&r->c1, &c[1], &t);
    r->c2 = c[2];
}

/* (a0 + a1 w)(b0 + b1 w), w^2 = v. */
static void ref_fp12_mul(nt_fp12 *r, const nt_fp12 *a, const nt_fp12 *b)
{
    nt_fp6 t0, t1, t2, t3, v;
    nt_fp6 zero;
    nt_fp6_set_zero(&zero);
    ref_fp6_mul(&t0, &a->c0, &b->c0);
    ref_fp6_mul(&t1, &a->c1, &b->c1);
    ref_fp6_mul(&t2, &a->c0, &b->c1);
    ref_fp6_mul(&t3, &a->c1, &b->c0);
    /* v t1 = (xi t1.c2, t1.c0, t1.c1) */
    ref_mul_xi(&v.c0, &t1.c2);
    v.c1 = t1.c0;
    v.c2 = t1.c1;
    nt_fp6_add(&r->c0, &t0, &v);
    nt_fp6_add(&r->c1, &t2, &t3);
}

static void lazy_cases(void)
{
    int it;
    for (it = 0; it < 300; it++) {
        nt_fp2 x, got2, want2;
        nt_fp6 a, b, got6, want6;
        nt_fp12 f, g, l, got12, want12;
        pick_fp2(&x);
        nt_fp2_mul_xi(&got2, &x);
        ref_mul_xi(&want2, &x);
        assert_true(nt_fp2_eq(&got2, &want2));
        got2 = x;
        nt_fp2_mul_xi(&got2, &got2); /* in place */
        assert_true(nt_fp2_eq(&got2, &want2));
        nt_fp2_sqr(&got2, &x);
        nt_fp2_mul(&want2, &x, &x);
        assert_true(nt_fp2_eq(&got2, &want2));
        got2 = x;
        nt_fp2_sqr(&got2, &got2); /* in place */
        assert_true(nt_fp2_eq(&got2, &want2));

        pick_fp6(&a);
        pick_fp6(&b);
        nt_fp6_mul(&got6, &a, &b);
        ref_fp6_mul(&want6, &a, &b);
        assert_true(nt_fp6_eq(&got6, &want6));
        got6 = a;
        nt_fp6_mul(&got6, &got6, &b); /* in place */
        assert_true(nt_fp6_eq(&got6, &want6));

        pick_fp6(&f.c0);
        pick_fp6(&f.c1);
        pick_fp6(&g.c0);
        pick_fp6(&g.c1);
        nt_fp12_mul(&got12, &f, &g);
        ref_fp12_mul(&want12, &f, &g);
        assert_true(nt_fp12_eq(&got12, &want12));
        nt_fp12_sqr(&got12, &f);
        ref_fp12_mul(&want12, &f, &f);
        assert_true(nt_fp12_eq(&got12, &want12));
        /* the sparse line product (fp6_mul_01 inside) */
        memset(&l, 0, sizeof l);
        l.c0.c0 = g.c0.c0;
        l.c1.c0 = g.c1.c0;
        l.c1.c1 = g.c1.c1;
        ref_fp12_mul(&want12, &f, &l);
        nt_fp12_mul_line(&got12, &f, &g.c0.c0, &g.c1.c0, &g.c1.c1);
        assert_true(nt_fp12_eq(&got12, &want12));
        nt_fp12_mul_line(&f, &f, &g.c0.c0, &g.c1.c0, &g.c1.c1); /* in place */
        assert_true(nt_fp12_eq(&f, &want12));
        /* the normalised line 1 + b0 w + b1 v w */
        nt_fp_set_one(&l.c0.c0.c0);
        nt_fp_set_zero(&l.c0.c0.c1);
        ref_fp12_mul(&want12, &f, &l);
        nt_fp12_mul_line1(&got12, &f, &g.c1.c0, &g.c1.c1);
        assert_true(nt_fp12_eq(&got12, &want12));
        nt_fp12_mul_line1(&f, &f, &g.c1.c0, &g.c1.c1); /* in place */
        assert_true(nt_fp12_eq(&f, &want12));
    }
}

/* mul-by-xi, Fp2 squaring and product on every pair of extreme limbs
 * (raw 0, 1, 2, p - 1, p - 2, 2^192 - 1, and one), which give the largest
 * and smallest sums 9 a0 + p - a1 and 9 a1 + a0, on both code paths. */
static void extreme_cases(void)
{
    nt_fp v[7];
    int i, j;
    for (i = 0; i < 7; i++)
        nt_fp_set_zero(&v[i]);
    v[1].v[0] = 1;
    v[2].v[0] = 2;
    memcpy(v[3].v, P_LIMBS, sizeof v[3].v);
    v[3].v[0] -= 1;
    memcpy(v[4].v, P_LIMBS, sizeof v[4].v);
    v[4].v[0] -= 2;
    v[5].v[0] = v[5].v[1] = v[5].v[2] = ~0ULL;
    nt_fp_set_one(&v[6]);
    for (i = 0; i < 7; i++) {
        for (j = 0; j < 7; j++) {
            nt_fp2 x, got, want;
            x.c0 = v[i];
            x.c1 = v[j];
            nt_fp2_mul_xi(&got, &x);
            ref_mul_xi(&want, &x);
            assert_true(nt_fp2_eq(&got, &want));
            got = x;
            nt_fp2_mul_xi(&got, &got);
            assert_true(nt_fp2_eq(&got, &want));
            nt_fp2_sqr(&got, &x);
            nt_fp2_mul(&want, &x, &x);
            assert_true(nt_fp2_eq(&got, &want));
        }
    }
}

/* Fp addition, subtraction, doubling and negation (asm on the ADX path)
 * against the C of mont.h on every pair of extreme and random values. */
static void fp_addsub_cases(void)
{
    nt_fp v[9];
    int i, j;
    for (i = 0; i < 9; i++)
        nt_fp_set_zero(&v[i]);
    v[1].v[0] = 1;
    memcpy(v[2].v, P_LIMBS, sizeof v[2].v);
    v[2].v[0] -= 1;
    memcpy(v[3].v, P_LIMBS, sizeof v[3].v);
    v[3].v[0] -= 2;
    v[4].v[0] = v[4].v[1] = v[4].v[2] = ~0ULL;
    nt_fp_set_one(&v[5]);
    for (i = 6; i < 9; i++)
        rand_fp(&v[i]);
    for (i = 0; i < 9; i++) {
        for (j = 0; j < 9; j++) {
            nt_fp got, want;
            nt_fp_add(&got, &v[i], &v[j]);
            nt_mont_add(want.v, v[i].v, v[j].v, P_LIMBS);
            assert_true(nt_fp_eq(&got, &want));
            nt_fp_sub(&got, &v[i], &v[j]);
            nt_mont_sub(want.v, v[i].v, v[j].v, P_LIMBS);
            assert_true(nt_fp_eq(&got, &want));
        }
        {
            nt_fp got, want;
            nt_fp_dbl(&got, &v[i]);
            nt_mont_add(want.v, v[i].v, v[i].v, P_LIMBS);
            assert_true(nt_fp_eq(&got, &want));
            got = v[i];
            nt_fp_add(&got, &got, &got); /* in place */
            assert_true(nt_fp_eq(&got, &want));
            nt_fp_neg(&got, &v[i]);
            nt_mont_neg(want.v, v[i].v, P_LIMBS);
            assert_true(nt_fp_eq(&got, &want));
        }
    }
}

/* The one-pass sums of products (fp_adx.h) at their bounds: every
 * coefficient of both operands set to the same extreme value (raw 0, 1,
 * p - 1, p - 2, 2^192 - 1, one, random), so that every sum holds the
 * largest products its bounds allow, against the schoolbook formulas. */
static void sop_extreme_cases(void)
{
    nt_fp v[7];
    int i, j, k;
    for (i = 0; i < 7; i++)
        nt_fp_set_zero(&v[i]);
    v[1].v[0] = 1;
    memcpy(v[2].v, P_LIMBS, sizeof v[2].v);
    v[2].v[0] -= 1;
    memcpy(v[3].v, P_LIMBS, sizeof v[3].v);
    v[3].v[0] -= 2;
    v[4].v[0] = v[4].v[1] = v[4].v[2] = ~0ULL;
    nt_fp_set_one(&v[5]);
    rand_fp(&v[6]);
    for (i = 0; i < 7; i++) {
        for (j = 0; j < 7; j++) {
            nt_fp12 f, g, l, got, want;
            nt_fp *fc = &f.c0.c0.c0, *gc = &g.c0.c0.c0;
            nt_fp2 x, y, got2, want2;
            for (k = 0; k < 12; k++) {
                fc[k] = v[i];
                gc[k] = v[j];
            }
            x = f.c0.c0;
            y = g.c0.c0;
            nt_fp2_mul(&got2, &x, &y);
            nt_fp_mul(&want2.c0, &x.c0, &y.c0);
            {
                nt_fp t;
                nt_fp_mul(&t, &x.c1, &y.c1);
                nt_fp_sub(&want2.c0, &want2.c0, &t);
                nt_fp_mul(&want2.c1, &x.c0, &y.c1);
                nt_fp_mul(&t, &x.c1, &y.c0);
                nt_fp_add(&want2.c1, &want2.c1, &t);
            }
            assert_true(nt_fp2_eq(&got2, &want2));
            nt_fp6_mul(&got.c0, &f.c0, &g.c0);
            ref_fp6_mul(&want.c0, &f.c0, &g.c0);
            assert_true(nt_fp6_eq(&got.c0, &want.c0));
            nt_fp12_mul(&got, &f, &g);
            ref_fp12_mul(&want, &f, &g);
            assert_true(nt_fp12_eq(&got, &want));
            nt_fp12_sqr(&got, &f);
            ref_fp12_mul(&want, &f, &f);
            assert_true(nt_fp12_eq(&got, &want));
            memset(&l, 0, sizeof l);
            l.c0.c0 = g.c0.c0;
            l.c1.c0 = g.c1.c0;
            l.c1.c1 = g.c1.c1;
            ref_fp12_mul(&want, &f, &l);
            nt_fp12_mul_line(&got, &f, &g.c0.c0, &g.c1.c0, &g.c1.c1);
            assert_true(nt_fp12_eq(&got, &want));
            nt_fp_set_one(&l.c0.c0.c0);
            nt_fp_set_zero(&l.c0.c0.c1);
            ref_fp12_mul(&want, &f, &l);
            nt_fp12_mul_line1(&got, &f, &g.c1.c0, &g.c1.c1);
            assert_true(nt_fp12_eq(&got, &want));
        }
    }
}

/* Both code paths for the Fp additions and the tower extremes. */
static void test_tower_extremes(void **state)
{
    (void)state;
    nt_fp_set_adx(false);
    fp_addsub_cases();
    nt_fp_set_adx(true);
    fp_addsub_cases();
    nt_fp_set_adx(false);
    extreme_cases();
    nt_fp_set_adx(true);
    extreme_cases();
    nt_fp_set_adx(false);
    sop_extreme_cases();
    nt_fp_set_adx(true);
    sop_extreme_cases();
}

/* Both code paths (ADX when available, portable C). */
static void test_lazy_tower(void **state)
{
    (void)state;
    nt_fp_set_adx(false);
    lazy_cases();
    nt_fp_set_adx(true);
    lazy_cases();
}

/* The BMI2/ADX code (when this CPU has it) and the portable C code give
 * identical field, tower and pairing results. */
static void test_adx_matches_portable(void **state)
{
    nt_g1_affine g1;
    nt_g2_affine g2;
    nt_fp12 a, b, c_adx, c_port, e_adx, e_port;
    nt_fp2 x, y, m_adx, m_port;
    int it;
    (void)state;
    nt_fp_set_adx(true);
    print_message("ADX code %s\n", nt_fp_adx > 0 ? "in use" : "not available on this CPU");
    for (it = 0; it < 50; it++) {
        rand_fp12(&a);
        rand_fp12(&b);
        x = a.c0.c0;
        y = b.c1.c2;
        nt_fp_set_adx(true);
        nt_fp12_mul(&c_adx, &a, &b);
        nt_fp2_mul(&m_adx, &x, &y);
        nt_fp_set_adx(false);
        nt_fp12_mul(&c_port, &a, &b);
        nt_fp2_mul(&m_port, &x, &y);
        assert_true(nt_fp12_eq(&c_adx, &c_port));
        assert_true(nt_fp2_eq(&m_adx, &m_port));
    }
    nt_g1_generator(&g1);
    nt_g2_generator(&g2);
    nt_fp_set_adx(true);
    nt_zk_pairing(&e_adx, &g1, &g2);
    nt_fp_set_adx(false);
    nt_zk_pairing(&e_port, &g1, &g2);
    nt_fp_set_adx(true);
    assert_true(nt_fp12_eq(&e_adx, &e_port));
}

/* The cyclotomic squaring's formula (its 3 t -+ 2 a steps have their own
 * asm on the ADX path) gives the same coefficients on both code paths for
 * any input, including raw extreme limbs, in the subgroup or not. */
static void test_cyclo_sqr_paths(void **state)
{
    int it;
    (void)state;
    for (it = 0; it < 200; it++) {
        nt_fp12 a, port, adx;
        pick_fp6(&a.c0);
        pick_fp6(&a.c1);
        nt_fp_set_adx(false);
        nt_fp12_cyclo_sqr(&port, &a);
        nt_fp_set_adx(true);
        nt_fp12_cyclo_sqr(&adx, &a);
        assert_true(nt_fp12_eq(&port, &adx));
        nt_fp12_cyclo_sqr(&a, &a); /* in place */
        assert_true(nt_fp12_eq(&a, &adx));
    }
}

static void test_tower_identities(void **state)
{
    int it;
    (void)state;
    for (it = 0; it < 4; it++) {
        nt_fp12 a, b, c, d, t;
        rand_fp12(&a);
        rand_fp12(&b);
        /* sqr == mul, inverse, commutativity */
        nt_fp12_sqr(&c, &a);
        nt_fp12_mul(&d, &a, &a);
        assert_true(nt_fp12_eq(&c, &d));
        nt_fp12_mul(&c, &a, &b);
        nt_fp12_mul(&d, &b, &a);
        assert_true(nt_fp12_eq(&c, &d));
        nt_fp12_inv_var(&c, &a);
        nt_fp12_mul(&d, &c, &a);
        assert_true(nt_fp12_is_one(&d));
        /* Frobenius constants: frob == a^p, and frob^k == frob_k */
        fp12_pow(&c, &a, P_LIMBS);
        nt_fp12_frob(&d, &a, 1);
        assert_true(nt_fp12_eq(&c, &d));
        nt_fp12_frob(&t, &d, 1);
        nt_fp12_frob(&c, &a, 2);
        assert_true(nt_fp12_eq(&c, &t));
        nt_fp12_frob(&t, &t, 1);
        nt_fp12_frob(&c, &a, 3);
        assert_true(nt_fp12_eq(&c, &t));
        /* cyclotomic squaring agrees with squaring after the easy part */
        nt_fp12_conj(&t, &a);
        nt_fp12_inv_var(&c, &a);
        nt_fp12_mul(&t, &t, &c);
        nt_fp12_frob(&c, &t, 2);
        nt_fp12_mul(&t, &c, &t);
        nt_fp12_sqr(&c, &t);
        nt_fp12_cyclo_sqr(&d, &t);
        assert_true(nt_fp12_eq(&c, &d));
        /* sparse line product agrees with the dense one */
        {
            nt_fp12 l;
            memset(&l, 0, sizeof l);
            l.c0.c0 = b.c0.c0;
            l.c1.c0 = b.c1.c0;
            l.c1.c1 = b.c1.c1;
            nt_fp12_mul(&c, &a, &l);
            nt_fp12_mul_line(&d, &a, &b.c0.c0, &b.c1.c0, &b.c1.c1);
            assert_true(nt_fp12_eq(&c, &d));
        }
    }
}

static void test_group_orders(void **state)
{
    uint64_t r[4];
    nt_g1_affine g1, a1;
    nt_g2_affine g2, a2, psi;
    nt_g1_jac j1;
    nt_g2_jac j2;
    nt_zk_fr k;
    (void)state;
    memcpy(r, nt_zk_fr_modulus, sizeof r);
    nt_g1_generator(&g1);
    nt_g2_generator(&g2);
    assert_true(nt_g1_affine_is_on_curve(&g1));
    assert_true(nt_g2_affine_is_on_twist(&g2));
    nt_g1_mul_var(&j1, &g1, r);
    assert_true(nt_g1_jac_is_inf(&j1));
    nt_g2_mul_var(&j2, &g2, r);
    assert_true(nt_g2_jac_is_inf(&j2));
    /* psi acts as [p] = [6x^2] on G2, for random multiples of the generator */
    rand_fr(&k);
    {
        uint64_t kl[4];
        nt_zk_fr_get_limbs(kl, &k);
        nt_g2_mul_var(&j2, &g2, kl);
        nt_g2_jac_to_affine_var(&a2, &j2);
        assert_int_equal(nt_g2_affine_check_subgroup_var(&a2), NT_OK);
        nt_g2_affine_psi(&psi, &a2);
        nt_g2_mul_var(&j2, &a2, P_LIMBS);
        nt_g2_jac_to_affine_var(&a2, &j2);
        assert_true(nt_g2_affine_eq(&psi, &a2));
        nt_g1_mul_var(&j1, &g1, kl);
        nt_g1_jac_to_affine_var(&a1, &j1);
        assert_true(nt_g1_affine_is_on_curve(&a1));
    }
    /* P + (-P) = infinity, P + P = [2]P */
    {
        static const uint64_t two[4] = {2, 0, 0, 0};
        nt_g1_affine neg, d1, d2;
        nt_g1_affine_neg(&neg, &a1);
        nt_g1_jac_set_affine(&j1, &a1);
        nt_g1_jac_add_affine_var(&j1, &j1, &neg);
        assert_true(nt_g1_jac_is_inf(&j1));
        nt_g1_jac_set_affine(&j1, &a1);
        nt_g1_jac_add_affine_var(&j1, &j1, &a1);
        nt_g1_jac_to_affine_var(&d1, &j1);
        nt_g1_mul_var(&j1, &a1, two);
        nt_g1_jac_to_affine_var(&d2, &j1);
        assert_true(nt_g1_affine_eq(&d1, &d2));
    }
}

/* Whether q is in G2 by the end of its Miller-loop walk (pairing.h), with
 * P the generator and with P at infinity (q only walked); both must agree. */
static nt_status walk_check(const nt_g2_affine *q)
{
    nt_g1_affine g1, inf1;
    nt_zk_pair pair;
    nt_fp12 f;
    bool with_p = false, alone = false;
    nt_g1_generator(&g1);
    memset(&inf1, 0, sizeof inf1);
    inf1.inf = true;
    pair = (nt_zk_pair){&g1, NULL, q, &with_p};
    nt_zk_miller_loop(&f, &pair, 1);
    pair = (nt_zk_pair){&inf1, NULL, q, &alone};
    nt_zk_miller_loop(&f, &pair, 1);
    assert_int_equal(with_p, alone);
    return with_p ? NT_OK : NT_ERR_ZK_NOT_IN_SUBGROUP;
}

/* The three G2 membership tests agree (fast, reference, and the end of the
 * Miller-loop walk): on multiples of the generator, on a twist point
 * outside G2 (derived vector) and its translates by G2 elements, on [r] of
 * it (order dividing the cofactor), on a point of order 10069 (a factor of
 * the cofactor 2p - r: the walk meets T = O or T = Q on the way), and on
 * [c] of it (c = 2p - r: in G2). */
static void test_g2_subgroup_criteria(void **state)
{
    /* A twist point of order 10069 (EIP-197 layout), computed in Python
     * as [r (2p - r) / 10069] of a point hashed onto the twist. */
    static const char small_hex[] =
        "271d88a12f567cd289890e4f30ae7031f84370ef358a9d96e301a6b96907919c"
        "1546b074c0fff63fb27929d77e3c02b75f5990daf69b3f71b8ede38666add02c"
        "1f869e8af47c997233f8847078fa01d42ad4a6e07f8a8545211eef870769a963"
        "1c719213168b8d2b318dd8e615485ef1b6f4d4197652f3b086a59366a3ca8556";
    static const uint64_t cofactor[4] = {0x345f2299c0f9fa8dULL, 0x06ceecda572a2489ULL,
                                         0xb85045b68181585eULL, 0x30644e72e131a029ULL};
    cJSON *all = zkt_load_vectors("derived_bn256Pairing_invalid.json"), *v;
    nt_g2_affine bad = {0}, g2, t, q;
    nt_g2_jac j;
    int found = 0, it;
    (void)state;
    assert_non_null(all);
    cJSON_ArrayForEach(v, all) {
        unsigned char in[192];
        if (strcmp(cJSON_GetObjectItem(v, "Name")->valuestring, "g2_on_twist_not_in_subgroup") != 0)
            continue;
        assert_int_equal(zkt_unhex(in, sizeof in, cJSON_GetObjectItem(v, "Input")->valuestring), 192);
        assert_int_equal(nt_g2_affine_set_b128(&bad, in + 64), NT_OK);
        found = 1;
    }
    cJSON_Delete(all);
    assert_true(found);
    nt_g2_generator(&g2);
    assert_int_equal(walk_check(&g2), NT_OK);
    memset(&q, 0, sizeof q);
    q.inf = true;
    assert_int_equal(walk_check(&q), NT_OK);
    assert_int_equal(nt_g2_affine_check_subgroup_var(&bad), NT_ERR_ZK_NOT_IN_SUBGROUP);
    assert_int_equal(nt_g2_affine_check_subgroup_ref_var(&bad), NT_ERR_ZK_NOT_IN_SUBGROUP);
    assert_int_equal(walk_check(&bad), NT_ERR_ZK_NOT_IN_SUBGROUP);
    for (it = 0; it < 4; it++) {
        nt_zk_fr k;
        uint64_t kl[4];
        nt_g2_jac s;
        rand_fr(&k);
        nt_zk_fr_get_limbs(kl, &k);
        nt_g2_mul_var(&s, &g2, kl);
        nt_g2_jac_to_affine_var(&q, &s);
        assert_int_equal(nt_g2_affine_check_subgroup_var(&q), NT_OK);
        assert_int_equal(nt_g2_affine_check_subgroup_ref_var(&q), NT_OK);
        assert_int_equal(walk_check(&q), NT_OK);
        nt_g2_jac_set_affine(&j, &bad);
        nt_g2_jac_add_affine_var(&j, &j, &q);
        nt_g2_jac_to_affine_var(&t, &j);
        assert_true(nt_g2_affine_is_on_twist(&t));
        assert_int_equal(nt_g2_affine_check_subgroup_var(&t), NT_ERR_ZK_NOT_IN_SUBGROUP);
        assert_int_equal(nt_g2_affine_check_subgroup_ref_var(&t), NT_ERR_ZK_NOT_IN_SUBGROUP);
        assert_int_equal(walk_check(&t), NT_ERR_ZK_NOT_IN_SUBGROUP);
    }
    nt_g2_mul_var(&j, &bad, nt_zk_fr_modulus);
    nt_g2_jac_to_affine_var(&t, &j);
    assert_false(t.inf);
    assert_int_equal(nt_g2_affine_check_subgroup_var(&t), NT_ERR_ZK_NOT_IN_SUBGROUP);
    assert_int_equal(nt_g2_affine_check_subgroup_ref_var(&t), NT_ERR_ZK_NOT_IN_SUBGROUP);
    assert_int_equal(walk_check(&t), NT_ERR_ZK_NOT_IN_SUBGROUP);
    {
        nt_g2_affine small;
        unsigned char sb[128];
        assert_int_equal(zkt_unhex(sb, sizeof sb, small_hex), 128);
        assert_int_equal(nt_g2_affine_set_b128(&small, sb), NT_OK);
        assert_false(small.inf);
        nt_g2_mul_var(&j, &small, (const uint64_t[4]){10069, 0, 0, 0});
        assert_true(nt_g2_jac_is_inf(&j));
        assert_int_equal(nt_g2_affine_check_subgroup_var(&small), NT_ERR_ZK_NOT_IN_SUBGROUP);
        assert_int_equal(walk_check(&small), NT_ERR_ZK_NOT_IN_SUBGROUP);
        /* and a G2 point plus it */
        nt_g2_jac_set_affine(&j, &small);
        nt_g2_jac_add_affine_var(&j, &j, &q);
        nt_g2_jac_to_affine_var(&small, &j);
        assert_int_equal(nt_g2_affine_check_subgroup_var(&small), NT_ERR_ZK_NOT_IN_SUBGROUP);
        assert_int_equal(walk_check(&small), NT_ERR_ZK_NOT_IN_SUBGROUP);
    }
    /* bad + q has a G2 part; [c] clears the rest */
    nt_g2_jac_set_affine(&j, &bad);
    nt_g2_jac_add_affine_var(&j, &j, &q);
    nt_g2_jac_to_affine_var(&t, &j);
    nt_g2_mul_var(&j, &t, cofactor);
    nt_g2_jac_to_affine_var(&t, &j);
    assert_false(t.inf);
    assert_int_equal(nt_g2_affine_check_subgroup_var(&t), NT_OK);
    assert_int_equal(nt_g2_affine_check_subgroup_ref_var(&t), NT_OK);
    assert_int_equal(walk_check(&t), NT_OK);
}

static void test_bilinearity(void **state)
{
    int it;
    nt_g1_affine g1;
    nt_g2_affine g2;
    nt_fp12 base;
    (void)state;
    nt_g1_generator(&g1);
    nt_g2_generator(&g2);
    nt_zk_pairing(&base, &g1, &g2);
    assert_false(nt_fp12_is_one(&base));
    {
        /* e(P, Q)^r == 1: the reduced pairing lands in the order-r group */
        nt_fp12 t;
        fp12_pow(&t, &base, nt_zk_fr_modulus);
        assert_true(nt_fp12_is_one(&t));
    }
    for (it = 0; it < 3; it++) {
        nt_zk_fr a, b, ab;
        uint64_t al[4], bl[4], abl[4];
        nt_g1_jac j1;
        nt_g2_jac j2;
        nt_g1_affine pa;
        nt_g2_affine qb;
        nt_fp12 lhs, rhs;
        rand_fr(&a);
        rand_fr(&b);
        nt_zk_fr_mul(&ab, &a, &b);
        nt_zk_fr_get_limbs(al, &a);
        nt_zk_fr_get_limbs(bl, &b);
        nt_zk_fr_get_limbs(abl, &ab);
        nt_g1_mul_var(&j1, &g1, al);
        nt_g1_jac_to_affine_var(&pa, &j1);
        nt_g2_mul_var(&j2, &g2, bl);
        nt_g2_jac_to_affine_var(&qb, &j2);
        nt_zk_pairing(&lhs, &pa, &qb);
        fp12_pow(&rhs, &base, abl);
        assert_true(nt_fp12_eq(&lhs, &rhs));

        /* e(aP, bQ) e(-aP, bQ) == 1 and e(aP, bQ) e(-abP, Q) == 1 through
         * the EIP-197 entry point */
        {
            uint8_t in[2 * 192];
            nt_g1_affine neg;
            bool ok = false;
            nt_g1_affine_get_b64(in, &pa);
            nt_g2_affine_get_b128(in + 64, &qb);
            nt_g1_affine_neg(&neg, &pa);
            nt_g1_affine_get_b64(in + 192, &neg);
            nt_g2_affine_get_b128(in + 256, &qb);
            assert_int_equal(nt_zk_bn254_pairing_check(&ok, in, sizeof in), NT_OK);
            assert_true(ok);
            nt_g1_mul_var(&j1, &g1, abl);
            nt_g1_jac_to_affine_var(&neg, &j1);
            nt_g1_affine_neg(&neg, &neg);
            nt_g1_affine_get_b64(in + 192, &neg);
            nt_g2_affine_get_b128(in + 256, &g2);
            assert_int_equal(nt_zk_bn254_pairing_check(&ok, in, sizeof in), NT_OK);
            assert_true(ok);
            /* and a wrong pair is false */
            nt_g2_affine_get_b128(in + 256, &qb);
            assert_int_equal(nt_zk_bn254_pairing_check(&ok, in, sizeof in), NT_OK);
            assert_false(ok);
        }
    }
}

/* More pairs than one Miller-loop chunk: prod of 11 e(P, Q) == e(P, Q)^11,
 * with an infinity pair in the middle; Q alternately as prepared lines and
 * as a point whose lines are made on the fly (both give the same value
 * after the final exponentiation; prepared lines are normalised, so the
 * Miller values differ by a factor that it kills). */
static void test_many_pairs(void **state)
{
    nt_g1_affine g1, inf1;
    nt_g2_affine g2;
    nt_g2_jac j2;
    nt_zk_g2_prepared *prep = malloc(sizeof *prep);
    nt_zk_pair pairs[12];
    nt_fp12 f, f_fly, r, e, e11;
    static const uint64_t eleven[4] = {11, 0, 0, 0}, three[4] = {3, 0, 0, 0};
    int i;
    (void)state;
    assert_non_null(prep);
    nt_g1_generator(&g1);
    /* [3] G2: not the generator, whose lines are a table (so the pairs
     * without lines are walked) */
    nt_g2_generator(&g2);
    nt_g2_mul_var(&j2, &g2, three);
    nt_g2_jac_to_affine_var(&g2, &j2);
    memset(&inf1, 0, sizeof inf1);
    inf1.inf = true;
    nt_zk_g2_prepare(prep, &g2);
    for (i = 0; i < 12; i++) {
        pairs[i].p = i == 5 ? &inf1 : &g1;
        pairs[i].lines = i % 2 ? prep : NULL;
        pairs[i].q = &g2;
        pairs[i].in_g2 = NULL;
    }
    nt_zk_miller_loop(&f, pairs, 12);
    for (i = 0; i < 12; i++)
        pairs[i].lines = NULL;
    nt_zk_miller_loop(&f_fly, pairs, 12);
    assert_true(prep->normalized);
    assert_false(nt_fp12_eq(&f, &f_fly));
    nt_zk_final_exp(&r, &f);
    nt_zk_final_exp(&f_fly, &f_fly);
    assert_true(nt_fp12_eq(&r, &f_fly));
    nt_zk_pairing(&e, &g1, &g2);
    fp12_pow(&e11, &e, eleven);
    assert_true(nt_fp12_eq(&r, &e11));
    free(prep);
}

/* The generator's constant lines (g2_gen_lines.c) are what preparing the
 * generator computes; a loop that meets the generator without lines takes
 * them (same Miller value as with the prepared lines, in_g2 set), and the
 * pairing through them agrees by bilinearity with a walked point:
 * e([3] G1, G2) == e(G1, [3] G2). */
static void test_generator_lines(void **state)
{
    nt_g1_affine g1, g1x3;
    nt_g1_jac j1;
    nt_g2_affine g2, g2x3;
    nt_g2_jac j2;
    nt_zk_g2_prepared *prep = malloc(sizeof *prep);
    const nt_zk_g2_prepared *tab = nt_zk_g2_generator_lines();
    nt_zk_pair pair;
    nt_fp12 f_tab, f_prep, e1, e2;
    bool in_g2 = false;
    static const uint64_t three[4] = {3, 0, 0, 0};
    (void)state;
    assert_non_null(prep);
    nt_g1_generator(&g1);
    nt_g2_generator(&g2);
    nt_zk_g2_prepare(prep, &g2);
    assert_memory_equal(prep, tab, sizeof *prep);
    /* walked generator == prepared generator, and reported in G2 */
    pair = (nt_zk_pair){&g1, NULL, &g2, &in_g2};
    nt_zk_miller_loop(&f_tab, &pair, 1);
    assert_true(in_g2);
    pair = (nt_zk_pair){&g1, prep, &g2, NULL};
    nt_zk_miller_loop(&f_prep, &pair, 1);
    assert_true(nt_fp12_eq(&f_tab, &f_prep));
    /* e([3] G1, G2) (table) == e(G1, [3] G2) (walked) */
    nt_g1_mul_var(&j1, &g1, three);
    nt_g1_jac_to_affine_var(&g1x3, &j1);
    nt_g2_mul_var(&j2, &g2, three);
    nt_g2_jac_to_affine_var(&g2x3, &j2);
    nt_zk_pairing(&e1, &g1x3, &g2);
    nt_zk_pairing(&e2, &g1, &g2x3);
    assert_true(nt_fp12_eq(&e1, &e2));
    free(prep);
}

static void test_pairing_edge(void **state)
{
    uint8_t in[192];
    bool ok = false;
    (void)state;
    memset(in, 0, sizeof in);
    /* empty input and pairs with infinity are true (EIP-197) */
    assert_int_equal(nt_zk_bn254_pairing_check(&ok, in, 0), NT_OK);
    assert_true(ok);
    memset(in, 0, sizeof in);
    ok = false;
    assert_int_equal(nt_zk_bn254_pairing_check(&ok, in, sizeof in), NT_OK);
    assert_true(ok);
    assert_int_equal(nt_zk_bn254_pairing_check(&ok, in, 191), NT_ERR_ZK_ENCODING);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fp_known),
        cmocka_unit_test(test_fp_inv),
        cmocka_unit_test(test_fp2_mul),
        cmocka_unit_test(test_lazy_tower),
        cmocka_unit_test(test_tower_extremes),
        cmocka_unit_test(test_adx_matches_portable),
        cmocka_unit_test(test_cyclo_sqr_paths),
        cmocka_unit_test(test_tower_identities),
        cmocka_unit_test(test_group_orders),
        cmocka_unit_test(test_g2_subgroup_criteria),
        cmocka_unit_test(test_bilinearity),
        cmocka_unit_test(test_many_pairs),
        cmocka_unit_test(test_generator_lines),
        cmocka_unit_test(test_pairing_edge),
    };
    return cmocka_run_group_tests(tests, setup_seed, NULL);
}
