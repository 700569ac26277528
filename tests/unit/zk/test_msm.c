/* The G1 multi-scalar multiplication of one-shot keys (zk/msm.h) against
 * one scalar multiplication at a time: the GLV endomorphism and split, and
 * sums with edge scalars (0, 1, r - 1, around 2^64 and 2^128, lambda),
 * points at infinity, a point and its negation, and more scalars than one
 * chunk. Random scalars: seed printed, NT_TEST_SEED replays. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "zk/fr.h"
#include "zk/msm.h"

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

/* r - 1, lambda, 2^128 - 1, 2^128, 2^64 - 1, 2^64, and small values. */
static const uint64_t EDGE[][4] = {
    {0x43e1f593f0000000ULL, 0x2833e84879b97091ULL, 0xb85045b68181585dULL, 0x30644e72e131a029ULL},
    {0x8b17ea66b99c90ddULL, 0x5bfc41088d8daaa7ULL, 0xb3c4d79d41a91758ULL, 0},
    {~0ULL, ~0ULL, 0, 0},
    {0, 0, 1, 0},
    {~0ULL, 0, 0, 0},
    {0, 1, 0, 0},
    {0, 0, 0, 0},
    {1, 0, 0, 0},
    {2, 0, 0, 0},
    {1990, 0, 0, 0},
};
#define N_EDGE (sizeof EDGE / sizeof EDGE[0])

static void rand_scalar(uint64_t k[4])
{
    uint8_t b[32];
    nt_zk_fr f;
    int i;
    for (i = 0; i < 32; i++)
        b[i] = (uint8_t)rng_next();
    nt_zk_fr_set_b32_reduce(&f, b);
    nt_zk_fr_get_limbs(k, &f);
    /* sometimes short, like most public inputs */
    switch (rng_next() % 4) {
    case 0:
        k[1] = k[2] = k[3] = 0;
        break;
    case 1:
        k[2] = k[3] = 0;
        break;
    default:
        break;
    }
}

static void rand_point(nt_g1_affine *p)
{
    uint64_t k[4];
    nt_g1_affine g;
    nt_g1_jac j;
    nt_g1_generator(&g);
    rand_scalar(k);
    k[0] |= 1; /* not zero */
    nt_g1_mul_var(&j, &g, k);
    nt_g1_jac_to_affine_var(p, &j);
}

static bool jac_eq(const nt_g1_jac *a, const nt_g1_jac *b)
{
    nt_g1_affine x, y;
    nt_g1_jac_to_affine_var(&x, a);
    nt_g1_jac_to_affine_var(&y, b);
    return nt_g1_affine_eq(&x, &y);
}

/* [k]P == [+-m1]P + [+-m2] phi(P), and phi(P) == [lambda]P. */
static void check_split(const nt_g1_affine *p, const uint64_t k[4])
{
    uint64_t m1[2], m2[2], w1[4] = {0}, w2[4] = {0};
    bool n1, n2;
    nt_g1_affine phi, t;
    nt_g1_jac want, a, b;
    nt_g1_glv_split(m1, &n1, m2, &n2, k);
    memcpy(w1, m1, sizeof m1);
    memcpy(w2, m2, sizeof m2);
    nt_g1_affine_phi(&phi, p);
    nt_g1_mul_var(&a, p, EDGE[1]);
    nt_g1_jac_to_affine_var(&t, &a);
    assert_true(nt_g1_affine_eq(&t, &phi));
    nt_g1_mul_var(&want, p, k);
    if (n1)
        nt_g1_affine_neg(&t, p);
    else
        t = *p;
    nt_g1_mul_var(&a, &t, w1);
    if (n2)
        nt_g1_affine_neg(&phi, &phi);
    nt_g1_mul_var(&b, &phi, w2);
    nt_g1_jac_add_var(&a, &a, &b);
    assert_true(jac_eq(&a, &want));
}

static void test_glv_split(void **state)
{
    nt_g1_affine p;
    uint64_t k[4];
    size_t i;
    (void)state;
    rand_point(&p);
    for (i = 0; i < N_EDGE; i++)
        check_split(&p, EDGE[i]);
    for (i = 0; i < 64; i++) {
        rand_scalar(k);
        check_split(&p, k);
    }
}

/* nt_g1_msm_var against a sum of nt_g1_mul_var. */
static void check_msm(const nt_g1_affine *p, const uint64_t (*k)[4], size_t n)
{
    nt_g1_jac want, got, t;
    size_t i;
    nt_g1_jac_set_inf(&want);
    for (i = 0; i < n; i++) {
        nt_g1_mul_var(&t, &p[i], k[i]);
        nt_g1_jac_add_var(&want, &want, &t);
    }
    assert_int_equal(nt_g1_msm_var(&got, p, k, n), NT_OK);
    assert_true(jac_eq(&got, &want));
}

static void test_msm(void **state)
{
    static const size_t sizes[] = {0, 1, 2, 5, 16, 17, 40};
    nt_g1_affine p[40];
    uint64_t k[40][4];
    size_t s, i;
    (void)state;
    for (s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        for (i = 0; i < n; i++) {
            rand_point(&p[i]);
            if (i < N_EDGE && (s % 2) == 1)
                memcpy(k[i], EDGE[i], sizeof k[i]);
            else
                rand_scalar(k[i]);
        }
        if (n >= 5) {
            /* infinity, and a point with its negation under one scalar */
            memset(&p[2], 0, sizeof p[2]);
            p[2].inf = true;
            nt_g1_affine_neg(&p[4], &p[3]);
            memcpy(k[4], k[3], sizeof k[4]);
        }
        check_msm(p, (const uint64_t(*)[4])k, n);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_glv_split),
        cmocka_unit_test(test_msm),
    };
    return cmocka_run_group_tests(tests, setup_seed, NULL);
}
