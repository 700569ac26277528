/*
 * zk/tower.c - Fp2 inversion, Fp6 and Fp12 arithmetic for BN254 (tower.h).
 *
 * Formulas: Karatsuba and Chung-Hasan squaring (Devegili, O hEigeartaigh,
 * Scott, Dahab, "Multiplication and Squaring on Pairing-Friendly Fields",
 * 2006), Granger-Scott cyclotomic squaring (PKC 2010, section 3.2).
 * Frobenius constants are xi^(i (p^k - 1) / 6), precomputed in Montgomery
 * form by tests/unit/zk/bn254_constants.py.
 */
#include "zk/tower.h"
#include "zk/fp_adx.h"

#include <string.h>

/* ---- Fp2 ----------------------------------------------------------------- */

/* r = (9 a + b) mod p for a, b < p: t = 8 a + a + b < 10 p < 2^258,
 * then t - q p with q = floor(floor(t / 2^250) / 13). Since
 * 12 2^250 < p < 13 2^250, q <= floor(t / p) <= q + 1 (t < 10 p), so one
 * conditional subtraction of p finishes. */
static inline NT_MONT_INLINE void fp_mul9_add(nt_fp *r, const uint64_t a[4], const uint64_t b[4])
{
    uint64_t t[4], t4, q, m[4];
    nt_u128 w;
    int i;
#ifdef NT_MONT_ADC
    nt_ull s0, s1, s2, s3;
    unsigned char c;
    c = _addcarry_u64(0, a[0] << 3, a[0], &s0);
    c = _addcarry_u64(c, (a[1] << 3) | (a[0] >> 61), a[1], &s1);
    c = _addcarry_u64(c, (a[2] << 3) | (a[1] >> 61), a[2], &s2);
    c = _addcarry_u64(c, (a[3] << 3) | (a[2] >> 61), a[3], &s3);
    t4 = (a[3] >> 61) + c;
    c = _addcarry_u64(0, s0, b[0], &s0);
    c = _addcarry_u64(c, s1, b[1], &s1);
    c = _addcarry_u64(c, s2, b[2], &s2);
    c = _addcarry_u64(c, s3, b[3], &s3);
    t4 += c;
    t[0] = s0;
    t[1] = s1;
    t[2] = s2;
    t[3] = s3;
#else
    uint64_t carry = 0;
    for (i = 0; i < 4; i++) {
        uint64_t a8 = (a[i] << 3) | (i > 0 ? a[i - 1] >> 61 : 0);
        w = (nt_u128)a8 + a[i] + b[i] + carry;
        t[i] = (uint64_t)w;
        carry = (uint64_t)(w >> 64);
    }
    t4 = (a[3] >> 61) + carry;
#endif
    q = ((t4 << 6) | (t[3] >> 58)) / 13;
    w = 0;
    for (i = 0; i < 4; i++) {
        w = (nt_u128)q * nt_fp_p[i] + (uint64_t)(w >> 64);
        m[i] = (uint64_t)w;
    }
    /* t - q p < 2 p: the fifth limbs cancel */
#ifdef NT_MONT_ADC
    c = _subborrow_u64(0, t[0], m[0], &s0);
    c = _subborrow_u64(c, t[1], m[1], &s1);
    c = _subborrow_u64(c, t[2], m[2], &s2);
    (void)_subborrow_u64(c, t[3], m[3], &s3);
    t[0] = s0;
    t[1] = s1;
    t[2] = s2;
    t[3] = s3;
#else
    carry = 0;
    for (i = 0; i < 4; i++) {
        w = (nt_u128)t[i] - m[i] - carry;
        t[i] = (uint64_t)w;
        carry = (uint64_t)(w >> 64) & 1;
    }
#endif
    nt_mont_reduce_once(r->v, t, nt_fp_p);
}

#ifdef NT_FP_HAVE_ADX_CODE
/* The same computation as fp_mul9_add in one asm block (BMI2 for mulx):
 * t = 8a + a + B, q = floor(floor(t / 2^250) / 13) as (x 79) >> 10 (exact
 * for x < 351, and x <= 120 here since t < 10p < 2^257), t - q p < 2p,
 * then one conditional subtraction of p (cmov). B is b for NT_MUL9_ADD,
 * p - b for NT_MUL9_SUB (9a - b = 9a + p - b; no borrow out: p > b). */
#define NT_MUL9_HEAD                                                           \
    "movq 24(%[a]), %[t3]\n\t"                                                 \
    "movq %[t3], %[t4]\n\t"                                                    \
    "shrq $61, %[t4]\n\t"                                                      \
    "movq 16(%[a]), %[t2]\n\t"                                                 \
    "shldq $3, %[t2], %[t3]\n\t"                                               \
    "movq 8(%[a]), %[t1]\n\t"                                                  \
    "shldq $3, %[t1], %[t2]\n\t"                                               \
    "movq 0(%[a]), %[t0]\n\t"                                                  \
    "shldq $3, %[t0], %[t1]\n\t"                                               \
    "shlq $3, %[t0]\n\t"                                                       \
    "addq 0(%[a]), %[t0]\n\t"                                                  \
    "adcq 8(%[a]), %[t1]\n\t"                                                  \
    "adcq 16(%[a]), %[t2]\n\t"                                                 \
    "adcq 24(%[a]), %[t3]\n\t"                                                 \
    "adcq $0, %[t4]\n\t"
#define NT_MUL9_ADD                                                            \
    "addq 0(%[b]), %[t0]\n\t"                                                  \
    "adcq 8(%[b]), %[t1]\n\t"                                                  \
    "adcq 16(%[b]), %[t2]\n\t"                                                 \
    "adcq 24(%[b]), %[t3]\n\t"                                                 \
    "adcq $0, %[t4]\n\t"
#define NT_MUL9_SUB                                                            \
    "addq 0(%[m]), %[t0]\n\t"                                                  \
    "adcq 8(%[m]), %[t1]\n\t"                                                  \
    "adcq 16(%[m]), %[t2]\n\t"                                                 \
    "adcq 24(%[m]), %[t3]\n\t"                                                 \
    "adcq $0, %[t4]\n\t"                                                       \
    "subq 0(%[b]), %[t0]\n\t"                                                  \
    "sbbq 8(%[b]), %[t1]\n\t"                                                  \
    "sbbq 16(%[b]), %[t2]\n\t"                                                 \
    "sbbq 24(%[b]), %[t3]\n\t"                                                 \
    "sbbq $0, %[t4]\n\t"
#define NT_MUL9_TAIL                                                           \
    "shldq $6, %[t3], %[t4]\n\t"                                               \
    "imulq $79, %[t4], %%rdx\n\t"                                              \
    "shrq $10, %%rdx\n\t"                                                      \
    "mulxq 0(%[m]), %[a], %[b]\n\t"                                          \
    "mulxq 8(%[m]), %[t4], %[m2]\n\t"                                          \
    "addq %[t4], %[b]\n\t"                                                    \
    "mulxq 16(%[m]), %[t4], %[m3]\n\t"                                         \
    "adcq %[t4], %[m2]\n\t"                                                    \
    "mulxq 24(%[m]), %[t4], %%rdx\n\t"                                         \
    "adcq %[t4], %[m3]\n\t"                                                    \
    "subq %[a], %[t0]\n\t"                                                    \
    "sbbq %[b], %[t1]\n\t"                                                    \
    "sbbq %[m2], %[t2]\n\t"                                                    \
    "sbbq %[m3], %[t3]\n\t"                                                    \
    "movq %[t0], %[a]\n\t"                                                    \
    "movq %[t1], %[b]\n\t"                                                    \
    "movq %[t2], %[m2]\n\t"                                                    \
    "movq %[t3], %[m3]\n\t"                                                    \
    "subq 0(%[m]), %[a]\n\t"                                                  \
    "sbbq 8(%[m]), %[b]\n\t"                                                  \
    "sbbq 16(%[m]), %[m2]\n\t"                                                 \
    "sbbq 24(%[m]), %[m3]\n\t"                                                 \
    "cmovncq %[a], %[t0]\n\t"                                                 \
    "cmovncq %[b], %[t1]\n\t"                                                 \
    "cmovncq %[m2], %[t2]\n\t"                                                 \
    "cmovncq %[m3], %[t3]\n\t"
/* a and b are read no more once the tail starts: it takes their registers
 * for the low two words of q p (clang finds no registers for the block
 * with two more outputs), so both pointers come back clobbered. */
#define NT_MUL9_OPERANDS                                                       \
    : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4),   \
      [m2] "=&r"(m2), [m3] "=&r"(m3), [a] "+r"(a), [b] "+r"(b)                      \
    : [m] "r"(nt_fp_p)                                                          \
    : "rdx", "cc", "memory"

/* r = a xi with the asm blocks; all of a is read before r is written. */
static void fp2_mul_xi_adx(nt_fp2 *r, const nt_fp2 *x)
{
    uint64_t t0, t1, t2, t3, t4, m2, m3, c0[4];
    const uint64_t *a = x->c0.v, *b = x->c1.v;
    /* c0 = 9 a0 - a1 */
    __asm__(NT_MUL9_HEAD NT_MUL9_SUB NT_MUL9_TAIL NT_MUL9_OPERANDS);
    c0[0] = t0;
    c0[1] = t1;
    c0[2] = t2;
    c0[3] = t3;
    /* c1 = 9 a1 + a0 */
    a = x->c1.v;
    b = x->c0.v;
    __asm__(NT_MUL9_HEAD NT_MUL9_ADD NT_MUL9_TAIL NT_MUL9_OPERANDS);
    r->c1.v[0] = t0;
    r->c1.v[1] = t1;
    r->c1.v[2] = t2;
    r->c1.v[3] = t3;
    memcpy(r->c0.v, c0, sizeof c0);
}
#endif

/* a xi = (9 a0 - a1) + (a0 + 9 a1) u, with 9 a0 - a1 = 9 a0 + (-a1 mod p):
 * two shift-and-add chains and two quotient estimates instead of twelve
 * modular additions. */
void nt_fp2_mul_xi(nt_fp2 *r, const nt_fp2 *a)
{
    uint64_t n[4];
    nt_fp c0;
#ifdef NT_FP_HAVE_ADX_CODE
    if (nt_fp_adx > 0) {
        fp2_mul_xi_adx(r, a);
        return;
    }
#endif
    nt_mont_neg(n, a->c1.v, nt_fp_p); /* p - a1, or 0 for a1 = 0: below p */
    fp_mul9_add(&c0, a->c0.v, n);
    fp_mul9_add(&r->c1, a->c1.v, a->c0.v);
    r->c0 = c0;
}

/* Montgomery reduction of w < p 2^256: r = w 2^-256 mod p, fully reduced. */
static void redc(nt_fp *r, uint64_t w[8])
{
    uint64_t extra = 0;
    int i, j;
    for (i = 0; i < 4; i++) {
        uint64_t k = w[i] * NT_FP_INV, carry = 0;
        nt_u128 t;
        for (j = 0; j < 4; j++) {
            t = (nt_u128)k * nt_fp_p[j] + w[i + j] + carry;
            w[i + j] = (uint64_t)t;
            carry = (uint64_t)(t >> 64);
        }
        t = (nt_u128)w[i + 4] + carry + extra;
        w[i + 4] = (uint64_t)t;
        extra = (uint64_t)(t >> 64);
    }
    /* w + k p < 2 p 2^256: the high half is below 2p and extra is zero. */
    nt_mont_reduce_once(r->v, w + 4, nt_fp_p);
}

#ifdef NT_MONT_ADC
/* w -= v on 8 limbs; returns the borrow. */
static inline NT_MONT_INLINE unsigned char sub8(uint64_t w[8], const uint64_t v[8])
{
    unsigned char c = 0;
    int i;
    for (i = 0; i < 8; i++)
        c = _subborrow_u64(c, w[i], v[i], (nt_ull *)&w[i]);
    return c;
}

/* out = a + b on 4 limbs (no carry out: both below 2^255). */
static inline NT_MONT_INLINE void add4(uint64_t out[4], const uint64_t a[4], const uint64_t b[4])
{
    unsigned char c = 0;
    int i;
    for (i = 0; i < 4; i++)
        c = _addcarry_u64(c, a[i], b[i], (nt_ull *)&out[i]);
}

/* w -= v on 4 limbs; returns the borrow. */
static inline NT_MONT_INLINE unsigned char sub4(uint64_t w[4], const uint64_t v[4])
{
    unsigned char c = 0;
    int i;
    for (i = 0; i < 4; i++)
        c = _subborrow_u64(c, w[i], v[i], (nt_ull *)&w[i]);
    return c;
}

/* w[4..8) += m & mask */
static inline NT_MONT_INLINE void add_high(uint64_t w[8], const uint64_t m[4], uint64_t mask)
{
    unsigned char c = 0;
    int i;
    for (i = 0; i < 4; i++)
        c = _addcarry_u64(c, w[i + 4], m[i] & mask, (nt_ull *)&w[i + 4]);
}
#else
static unsigned char sub8(uint64_t w[8], const uint64_t v[8])
{
    uint64_t borrow = 0;
    int i;
    for (i = 0; i < 8; i++) {
        nt_u128 t = (nt_u128)w[i] - v[i] - borrow;
        w[i] = (uint64_t)t;
        borrow = (uint64_t)(t >> 64) & 1;
    }
    return (unsigned char)borrow;
}

static void add4(uint64_t out[4], const uint64_t a[4], const uint64_t b[4])
{
    nt_u128 t = 0;
    int i;
    for (i = 0; i < 4; i++) {
        t = (nt_u128)a[i] + b[i] + (uint64_t)(t >> 64);
        out[i] = (uint64_t)t;
    }
}

static unsigned char sub4(uint64_t w[4], const uint64_t v[4])
{
    uint64_t borrow = 0;
    int i;
    for (i = 0; i < 4; i++) {
        nt_u128 t = (nt_u128)w[i] - v[i] - borrow;
        w[i] = (uint64_t)t;
        borrow = (uint64_t)(t >> 64) & 1;
    }
    return (unsigned char)borrow;
}

static void add_high(uint64_t w[8], const uint64_t m[4], uint64_t mask)
{
    nt_u128 t = 0;
    int i;
    for (i = 0; i < 4; i++) {
        t = (nt_u128)w[i + 4] + (m[i] & mask) + (uint64_t)(t >> 64);
        w[i + 4] = (uint64_t)t;
    }
}
#endif

#ifdef NT_FP_HAVE_ADX_CODE
/* The ADX path's Fp2 products: each output coefficient is one sum of Fp
 * products with one reduction (fp_adx.h, NT_SOPB*), the real part's minus sign
 * carried by p - y1 (below p, or p itself for y1 = 0: a product that is
 * 0 mod p, within the bounds). Schoolbook: four Fp products where
 * Karatsuba takes three, but no 512-bit sums, differences or stores, and
 * fewer instructions in all. */

/* r = x y: c0 = x0 y0 + x1 (p - y1), c1 = x0 y1 + x1 y0, each one sum of
 * two products in one asm block (fp_adx.h, NT_SOPB2; operands by offset
 * from x, y and the stack copy of p - y1). r may alias x or y. */
static void fp2_mul_adx(nt_fp2 *r, const nt_fp2 *x, const nt_fp2 *y)
{
    static const nt_fp zero = {{0, 0, 0, 0}};
    nt_fp ny1;
    uint64_t c0[4], t0, t1, t2, t3, t4, lo, hi;
    nt_fp_sub_adx(&ny1, &zero, &y->c1);
    __asm__(NT_SOPB_ZERO NT_SOPB2(0, x, 0, y, 32, x, 0, n)
            : NT_SOPB_OUT
            : [x] "r"(x), [y] "r"(y), [n] "r"(ny1.v), NT_SOPB_CONST
            : "rax", "rdx", "cc", "memory");
    NT_SOPB_STORE(c0);
    __asm__(NT_SOPB_ZERO NT_SOPB2(0, x, 32, y, 32, x, 0, y)
            : NT_SOPB_OUT
            : [x] "r"(x), [y] "r"(y), NT_SOPB_CONST
            : "rax", "rdx", "cc", "memory");
    NT_SOPB_STORE(r->c1.v);
    memcpy(r->c0.v, c0, sizeof c0);
}

#endif

#ifdef NT_FP_HAVE_ADX_CODE
/* Three multipliers and the negations of their imaginary parts, laid out
 * for fp2_mul3_adx (the offsets in its asm). */
typedef struct fp2_triple {
    nt_fp2 m[3];
    nt_fp n[3]; /* p - m[i].c1 */
} fp2_triple;

static inline NT_MONT_INLINE void triple_set(fp2_triple *t, const nt_fp2 *m0, const nt_fp2 *m1,
                                             const nt_fp2 *m2)
{
    static const nt_fp zero = {{0, 0, 0, 0}};
    t->m[0] = *m0;
    t->m[1] = *m1;
    t->m[2] = *m2;
    nt_fp_sub_adx(&t->n[0], &zero, &m0->c1);
    nt_fp_sub_adx(&t->n[1], &zero, &m1->c1);
    nt_fp_sub_adx(&t->n[2], &zero, &m2->c1);
}

/* r = x m0 + z m1 + u m2 (the m from t): each coefficient one sum of six
 * products (NT_SOP6). r may alias x, z or u. */
static __attribute__((noinline)) void fp2_mul3_adx(nt_fp2 *r, const nt_fp2 *x, const nt_fp2 *z,
                                                   const nt_fp2 *u, const fp2_triple *t)
{
    uint64_t c0[4], t0, t1, t2, t3, t4, t5, lo, hi;
    __asm__(NT_SOP6(0, x, 0, t, 32, x, 192, t, 0, z, 64, t, 32, z, 224, t, 0, u, 128, t, 32, u,
                    256, t)
            : NT_SOP6_OUT
            : [x] "r"(x), [z] "r"(z), [u] "r"(u), [t] "r"(t), NT_SOPB_CONST
            : "rax", "rdx", "cc", "memory");
    c0[0] = t4;
    c0[1] = t5;
    c0[2] = t0;
    c0[3] = t1;
    __asm__(NT_SOP6(0, x, 32, t, 32, x, 0, t, 0, z, 96, t, 32, z, 64, t, 0, u, 160, t, 32, u,
                    128, t)
            : NT_SOP6_OUT
            : [x] "r"(x), [z] "r"(z), [u] "r"(u), [t] "r"(t), NT_SOPB_CONST
            : "rax", "rdx", "cc", "memory");
    r->c1.v[0] = t4;
    r->c1.v[1] = t5;
    r->c1.v[2] = t0;
    r->c1.v[3] = t1;
    memcpy(r->c0.v, c0, sizeof c0);
}
#endif

/* Karatsuba with lazy reduction (Aranha, Karabina, Longa, Gebotys,
 * Lopez, "Faster explicit formulas for computing pairings over ordinary
 * curves", EUROCRYPT 2011, section 3): three 512-bit products, two
 * Montgomery reductions. a0 + a1 < 2p < 2^255 needs no reduction. */
void nt_fp2_mul(nt_fp2 *r, const nt_fp2 *a, const nt_fp2 *b)
{
    uint64_t w0[8], w1[8], w2[8], sa[4], sb[4], mask;

#ifdef NT_FP_HAVE_ADX_CODE
    if (nt_fp_adx > 0) {
        fp2_mul_adx(r, a, b);
        return;
    }
#endif
    add4(sa, a->c0.v, a->c1.v);
    add4(sb, b->c0.v, b->c1.v);
    nt_u256_mul_wide(w0, a->c0.v, b->c0.v);
    nt_u256_mul_wide(w1, a->c1.v, b->c1.v);
    nt_u256_mul_wide(w2, sa, sb);
    /* w2 = a0 b1 + a1 b0 = w2 - w0 - w1 (exact, < 2 p^2) */
    (void)sub8(w2, w0);
    (void)sub8(w2, w1);
    /* w0 = a0 b0 - a1 b1, plus p 2^256 when negative (then < p 2^256) */
    mask = 0 - (uint64_t)sub8(w0, w1);
    add_high(w0, nt_fp_p, mask);
    redc(&r->c0, w0);
    redc(&r->c1, w2);
}

/* (a0 + a1 u)^2 = (a0 + a1)(a0 - a1) + 2 a0 a1 u as two 512-bit products
 * and two reductions, with unreduced factors: a0 + a1 and a0 + (p - a1)
 * are below 2p, so (a0 + a1)(a0 + p - a1) < 4 p^2 < p 2^256 (4p < 2^256)
 * is in the range the reduction takes, as is 2 a0 a1 < 2 p^2; no modular
 * addition, subtraction or doubling is needed on the way. */
void nt_fp2_sqr(nt_fp2 *r, const nt_fp2 *a)
{
    uint64_t w0[8], w1[8], s[4], d[4], a2[4];
    int i;

    add4(s, a->c0.v, a->c1.v);
    add4(d, a->c0.v, nt_fp_p);
    (void)sub4(d, a->c1.v); /* a0 + p - a1 > 0 */
    for (i = 3; i > 0; i--)
        a2[i] = (a->c0.v[i] << 1) | (a->c0.v[i - 1] >> 63);
    a2[0] = a->c0.v[0] << 1;
#ifdef NT_FP_HAVE_ADX_CODE
    if (nt_fp_adx > 0) {
        /* one reduction per product, in the same pass (fp_adx.h: the
         * factors below 2p keep to its bounds); c1 reads a before r->c0
         * is written, as r may be a */
        uint64_t t0, t1, t2, t3, t4, lo, hi;
        __asm__(NT_SOPB_ZERO NT_SOPB1(0, s, 0, d)
                : NT_SOPB_OUT
                : [s] "r"(s), [d] "r"(d), NT_SOPB_CONST
                : "rax", "rdx", "cc", "memory");
        NT_SOPB_STORE(s); /* s is read: it holds c0 until a is read */
        __asm__(NT_SOPB_ZERO NT_SOPB1(0, x, 32, a)
                : NT_SOPB_OUT
                : [x] "r"(a2), [a] "r"(a), NT_SOPB_CONST
                : "rax", "rdx", "cc", "memory");
        NT_SOPB_STORE(r->c1.v);
        memcpy(r->c0.v, s, sizeof s);
        return;
    }
#endif
    nt_u256_mul_wide(w0, s, d);
    nt_u256_mul_wide(w1, a2, a->c1.v);
    redc(&r->c0, w0);
    redc(&r->c1, w1);
}

/* ---- Unreduced Fp2 products (lazy reduction at the Fp6 level) ----------- *
 * For the portable path (the ADX path reduces once per sum of products
 * instead, fp_adx.h). A wide Fp2 value holds each coefficient as a 512-bit integer w in
 * [0, p 2^256), standing for w 2^-512 (two Montgomery factors): the product
 * of two Montgomery-form values before its reduction. Sums and differences
 * stay in range by adding or subtracting p 2^256, which touches only the
 * high half; one Montgomery reduction per coefficient (redc accepts any
 * w < p 2^256) then gives the reduced Montgomery value. A reduced value x
 * (standing for x 2^-256) is added as x 2^256: into the high half mod p.
 * Aranha, Karabina, Longa, Gebotys, Lopez (EUROCRYPT 2011), section 3. */
typedef struct fp2w {
    uint64_t c0[8], c1[8];
} fp2w;

/* The portable reduction of a value that must stay intact. */
static inline NT_MONT_INLINE void redc_const(nt_fp *r, const uint64_t w[8])
{
    uint64_t t[8];
    memcpy(t, w, sizeof t);
    redc(r, t);
}

#ifdef NT_MONT_ADC
/* w = a + b on 8 limbs (no carry out: both below p 2^256 < 2^510). */
static inline NT_MONT_INLINE void add8(uint64_t w[8], const uint64_t a[8], const uint64_t b[8])
{
    unsigned char c = 0;
    int i;
    for (i = 0; i < 8; i++)
        c = _addcarry_u64(c, a[i], b[i], (nt_ull *)&w[i]);
}
#else
static void add8(uint64_t w[8], const uint64_t a[8], const uint64_t b[8])
{
    nt_u128 t = 0;
    int i;
    for (i = 0; i < 8; i++) {
        t = (nt_u128)a[i] + b[i] + (uint64_t)(t >> 64);
        w[i] = (uint64_t)t;
    }
}
#endif

/* w = a + b mod p 2^256: the high half of the sum is below 2p. */

static inline NT_MONT_INLINE void wadd(uint64_t w[8], const uint64_t a[8], const uint64_t b[8])
{
    add8(w, a, b);
    nt_mont_reduce_once(w + 4, w + 4, nt_fp_p);
}

/* w = w - b mod p 2^256. */
static inline NT_MONT_INLINE void wsub(uint64_t w[8], const uint64_t b[8])
{
    uint64_t mask;
    mask = 0 - (uint64_t)sub8(w, b);
    add_high(w, nt_fp_p, mask);
}

static inline NT_MONT_INLINE void fp2w_add(fp2w *r, const fp2w *a, const fp2w *b)
{
    wadd(r->c0, a->c0, b->c0);
    wadd(r->c1, a->c1, b->c1);
}

static inline NT_MONT_INLINE void fp2w_sub(fp2w *r, const fp2w *b)
{
    wsub(r->c0, b->c0);
    wsub(r->c1, b->c1);
}

/* r += x 2^256 for a reduced x: the high halves are below p. */
static inline NT_MONT_INLINE void fp2w_add_reduced(fp2w *r, const nt_fp2 *x)
{
    nt_mont_add(r->c0 + 4, r->c0 + 4, x->c0.v, nt_fp_p);
    nt_mont_add(r->c1 + 4, r->c1 + 4, x->c1.v, nt_fp_p);
}

/* Out of line, like nt_fp2_mul: inlined into every Fp6 routine the code
 * grows past what the instruction cache and the registers hold, and the
 * ADX build was then slower than the one reduced product per call. */
static __attribute__((noinline)) void fp2w_redc(nt_fp2 *r, const fp2w *w)
{
    redc_const(&r->c0, w->c0);
    redc_const(&r->c1, w->c1);
}

/* The product of nt_fp2_mul before its two reductions: c0 = a0 b0 - a1 b1
 * (plus p 2^256 when negative), c1 = a0 b1 + a1 b0 < 2 p^2. */
static __attribute__((noinline)) void fp2_mul_wide(fp2w *w, const nt_fp2 *a, const nt_fp2 *b)
{
    uint64_t w1[8], sa[4], sb[4], mask;
    add4(sa, a->c0.v, a->c1.v);
    add4(sb, b->c0.v, b->c1.v);
    nt_u256_mul_wide(w->c0, a->c0.v, b->c0.v);
    nt_u256_mul_wide(w1, a->c1.v, b->c1.v);
    nt_u256_mul_wide(w->c1, sa, sb);
    (void)sub8(w->c1, w->c0);
    (void)sub8(w->c1, w1);
    mask = 0 - (uint64_t)sub8(w->c0, w1);
    add_high(w->c0, nt_fp_p, mask);
}

void nt_fp2_inv_var(nt_fp2 *r, const nt_fp2 *a)
{
    /* (a0 + a1 u)^-1 = (a0 - a1 u) / (a0^2 + a1^2) */
    nt_fp t0, t1;
    nt_fp_sqr(&t0, &a->c0);
    nt_fp_sqr(&t1, &a->c1);
    nt_fp_add(&t0, &t0, &t1);
    nt_fp_inv_var(&t1, &t0);
    nt_fp_mul(&r->c0, &a->c0, &t1);
    nt_fp_mul(&t0, &a->c1, &t1);
    nt_fp_neg(&r->c1, &t0);
}

/* ---- Fp6 ----------------------------------------------------------------- */

void nt_fp6_set_zero(nt_fp6 *r)
{
    nt_fp2_set_zero(&r->c0);
    nt_fp2_set_zero(&r->c1);
    nt_fp2_set_zero(&r->c2);
}

void nt_fp6_set_one(nt_fp6 *r)
{
    nt_fp2_set_one(&r->c0);
    nt_fp2_set_zero(&r->c1);
    nt_fp2_set_zero(&r->c2);
}

bool nt_fp6_eq(const nt_fp6 *a, const nt_fp6 *b)
{
    return nt_fp2_eq(&a->c0, &b->c0) && nt_fp2_eq(&a->c1, &b->c1) && nt_fp2_eq(&a->c2, &b->c2);
}

void nt_fp6_add(nt_fp6 *r, const nt_fp6 *a, const nt_fp6 *b)
{
    nt_fp2_add(&r->c0, &a->c0, &b->c0);
    nt_fp2_add(&r->c1, &a->c1, &b->c1);
    nt_fp2_add(&r->c2, &a->c2, &b->c2);
}

void nt_fp6_sub(nt_fp6 *r, const nt_fp6 *a, const nt_fp6 *b)
{
    nt_fp2_sub(&r->c0, &a->c0, &b->c0);
    nt_fp2_sub(&r->c1, &a->c1, &b->c1);
    nt_fp2_sub(&r->c2, &a->c2, &b->c2);
}

void nt_fp6_neg(nt_fp6 *r, const nt_fp6 *a)
{
    nt_fp2_neg(&r->c0, &a->c0);
    nt_fp2_neg(&r->c1, &a->c1);
    nt_fp2_neg(&r->c2, &a->c2);
}

/* (c0 + c1 v + c2 v^2) v = xi c2 + c0 v + c1 v^2 */
void nt_fp6_mul_v(nt_fp6 *r, const nt_fp6 *a)
{
    nt_fp2 t;
    nt_fp2_mul_xi(&t, &a->c2);
    r->c2 = a->c1;
    r->c1 = a->c0;
    r->c0 = t;
}

#ifdef NT_FP_HAVE_ADX_CODE
/* Schoolbook over Fp2 on the ADX path, xi folded into a1 and a2:
 *   c0 = a0 b0 + (xi a2) b1 + (xi a1) b2,
 *   c1 = a1 b0 + a0 b1 + (xi a2) b2,
 *   c2 = a2 b0 + a1 b1 + a0 b2,
 * each coefficient one fp2_mul3_adx (two sums of six Fp products) against
 * the one triple (b0, b1, b2): nine Fp2 products where Karatsuba takes
 * six, but six reductions instead of twelve and no sums or differences
 * around them. */
static void fp6_mul_adx(nt_fp6 *r, const nt_fp6 *a, const nt_fp6 *b)
{
    fp2_triple t;
    nt_fp2 xa1, xa2, c0, c1;
    fp2_mul_xi_adx(&xa1, &a->c1);
    fp2_mul_xi_adx(&xa2, &a->c2);
    triple_set(&t, &b->c0, &b->c1, &b->c2);
    fp2_mul3_adx(&c0, &a->c0, &xa2, &xa1, &t);
    fp2_mul3_adx(&c1, &a->c1, &a->c0, &xa2, &t);
    fp2_mul3_adx(&r->c2, &a->c2, &a->c1, &a->c0, &t); /* a, b read: r may be either */
    r->c0 = c0;
    r->c1 = c1;
}
#endif

/* Karatsuba over Fp2 with lazy reduction: six unreduced Fp2 products and
 * five Fp2 reductions (one per output coefficient, and one for each of the
 * two terms multiplied by xi, which is applied to reduced values: 9 times
 * a wide value would not fit), i.e. 10 Fp reductions instead of 12. */
void nt_fp6_mul(nt_fp6 *r, const nt_fp6 *a, const nt_fp6 *b)
{
    fp2w t0, t1, t2, m0, m1, m2;
    nt_fp2 s, u, x;

#ifdef NT_FP_HAVE_ADX_CODE
    if (nt_fp_adx > 0) {
        fp6_mul_adx(r, a, b);
        return;
    }
#endif

    fp2_mul_wide(&t0, &a->c0, &b->c0);
    fp2_mul_wide(&t1, &a->c1, &b->c1);
    fp2_mul_wide(&t2, &a->c2, &b->c2);

    /* m0 = (a1 + a2)(b1 + b2) - t1 - t2 */
    nt_fp2_add(&s, &a->c1, &a->c2);
    nt_fp2_add(&u, &b->c1, &b->c2);
    fp2_mul_wide(&m0, &s, &u);
    fp2w_sub(&m0, &t1);
    fp2w_sub(&m0, &t2);
    /* m1 = (a0 + a1)(b0 + b1) - t0 - t1 */
    nt_fp2_add(&s, &a->c0, &a->c1);
    nt_fp2_add(&u, &b->c0, &b->c1);
    fp2_mul_wide(&m1, &s, &u);
    fp2w_sub(&m1, &t0);
    fp2w_sub(&m1, &t1);
    /* m2 = (a0 + a2)(b0 + b2) - t0 - t2 + t1 */
    nt_fp2_add(&s, &a->c0, &a->c2);
    nt_fp2_add(&u, &b->c0, &b->c2);
    fp2_mul_wide(&m2, &s, &u);
    fp2w_sub(&m2, &t0);
    fp2w_sub(&m2, &t2);
    fp2w_add(&m2, &m2, &t1);

    /* c0 = t0 + xi m0 */
    fp2w_redc(&x, &m0);
    nt_fp2_mul_xi(&x, &x);
    fp2w_add_reduced(&t0, &x);
    /* c1 = m1 + xi t2 */
    fp2w_redc(&x, &t2);
    nt_fp2_mul_xi(&x, &x);
    fp2w_add_reduced(&m1, &x);

    fp2w_redc(&r->c0, &t0);
    fp2w_redc(&r->c1, &m1);
    fp2w_redc(&r->c2, &m2);
}

void nt_fp6_sqr(nt_fp6 *r, const nt_fp6 *a)
{
    /* Chung-Hasan SQR2. */
    nt_fp2 s0, s1, s2, s3, s4, t;
    nt_fp2_sqr(&s0, &a->c0);
    nt_fp2_mul(&s1, &a->c0, &a->c1);
    nt_fp2_dbl(&s1, &s1);
    nt_fp2_sub(&t, &a->c0, &a->c1);
    nt_fp2_add(&t, &t, &a->c2);
    nt_fp2_sqr(&s2, &t);
    nt_fp2_mul(&s3, &a->c1, &a->c2);
    nt_fp2_dbl(&s3, &s3);
    nt_fp2_sqr(&s4, &a->c2);

    /* c2 = s1 + s2 + s3 - s0 - s4 */
    nt_fp2_add(&t, &s1, &s2);
    nt_fp2_add(&t, &t, &s3);
    nt_fp2_sub(&t, &t, &s0);
    nt_fp2_sub(&r->c2, &t, &s4);
    /* c0 = s0 + xi s3, c1 = s1 + xi s4 */
    nt_fp2_mul_xi(&s3, &s3);
    nt_fp2_add(&r->c0, &s0, &s3);
    nt_fp2_mul_xi(&s4, &s4);
    nt_fp2_add(&r->c1, &s1, &s4);
}

void nt_fp6_inv_var(nt_fp6 *r, const nt_fp6 *a)
{
    nt_fp2 A, B, C, t, f;
    /* A = a0^2 - xi a1 a2 */
    nt_fp2_sqr(&A, &a->c0);
    nt_fp2_mul(&t, &a->c1, &a->c2);
    nt_fp2_mul_xi(&t, &t);
    nt_fp2_sub(&A, &A, &t);
    /* B = xi a2^2 - a0 a1 */
    nt_fp2_sqr(&B, &a->c2);
    nt_fp2_mul_xi(&B, &B);
    nt_fp2_mul(&t, &a->c0, &a->c1);
    nt_fp2_sub(&B, &B, &t);
    /* C = a1^2 - a0 a2 */
    nt_fp2_sqr(&C, &a->c1);
    nt_fp2_mul(&t, &a->c0, &a->c2);
    nt_fp2_sub(&C, &C, &t);
    /* F = a0 A + xi (a2 B + a1 C) */
    nt_fp2_mul(&f, &a->c2, &B);
    nt_fp2_mul(&t, &a->c1, &C);
    nt_fp2_add(&f, &f, &t);
    nt_fp2_mul_xi(&f, &f);
    nt_fp2_mul(&t, &a->c0, &A);
    nt_fp2_add(&f, &f, &t);
    nt_fp2_inv_var(&f, &f);
    nt_fp2_mul(&r->c0, &A, &f);
    nt_fp2_mul(&r->c1, &B, &f);
    nt_fp2_mul(&r->c2, &C, &f);
}

/* w = w - u - v mod p 2^256. */
static inline NT_MONT_INLINE void fp2w_sub2(fp2w *w, const fp2w *u, const fp2w *v)
{
    fp2w_sub(w, u);
    fp2w_sub(w, v);
}

/* w = a * (b0 + b1 v) before its reductions: 5 unreduced Fp2 products
 * (Karatsuba for c1; xi is applied to a2 before its product with b1). */
static void fp6_mul_01_wide(fp2w w[3], const nt_fp6 *a, const nt_fp2 *b0, const nt_fp2 *b1)
{
    fp2w t0, t1;
    nt_fp2 s, u;
    fp2_mul_wide(&t0, &a->c0, b0);
    fp2_mul_wide(&t1, &a->c1, b1);
    /* c1 = (a0 + a1)(b0 + b1) - t0 - t1 */
    nt_fp2_add(&s, &a->c0, &a->c1);
    nt_fp2_add(&u, b0, b1);
    fp2_mul_wide(&w[1], &s, &u);
    fp2w_sub2(&w[1], &t0, &t1);
    /* c0 = t0 + (xi a2) b1 */
    nt_fp2_mul_xi(&s, &a->c2);
    fp2_mul_wide(&w[0], &s, b1);
    fp2w_add(&w[0], &w[0], &t0);
    /* c2 = t1 + a2 b0 */
    fp2_mul_wide(&w[2], &a->c2, b0);
    fp2w_add(&w[2], &w[2], &t1);
}

/* ---- Fp12 ---------------------------------------------------------------- */

void nt_fp12_set_one(nt_fp12 *r)
{
    nt_fp6_set_one(&r->c0);
    nt_fp6_set_zero(&r->c1);
}

bool nt_fp12_eq(const nt_fp12 *a, const nt_fp12 *b)
{
    return nt_fp6_eq(&a->c0, &b->c0) && nt_fp6_eq(&a->c1, &b->c1);
}

bool nt_fp12_is_one(const nt_fp12 *a)
{
    nt_fp12 one;
    nt_fp12_set_one(&one);
    return nt_fp12_eq(a, &one);
}

void nt_fp12_mul(nt_fp12 *r, const nt_fp12 *a, const nt_fp12 *b)
{
    nt_fp6 t0, t1, s, u;
    nt_fp6_mul(&t0, &a->c0, &b->c0);
    nt_fp6_mul(&t1, &a->c1, &b->c1);
    nt_fp6_add(&s, &a->c0, &a->c1);
    nt_fp6_add(&u, &b->c0, &b->c1);
    nt_fp6_mul(&s, &s, &u);
    nt_fp6_sub(&s, &s, &t0);
    nt_fp6_sub(&r->c1, &s, &t1);
    nt_fp6_mul_v(&t1, &t1);
    nt_fp6_add(&r->c0, &t0, &t1);
}

void nt_fp12_sqr(nt_fp12 *r, const nt_fp12 *a)
{
    /* Complex squaring: (a0 + a1 w)^2 = (a0 + a1)(a0 + v a1) - t - v t + 2 t w,
     * t = a0 a1. */
    nt_fp6 t, s, u;
    nt_fp6_mul(&t, &a->c0, &a->c1);
    nt_fp6_add(&s, &a->c0, &a->c1);
    nt_fp6_mul_v(&u, &a->c1);
    nt_fp6_add(&u, &u, &a->c0);
    nt_fp6_mul(&s, &s, &u);
    nt_fp6_sub(&s, &s, &t);
    nt_fp6_mul_v(&u, &t);
    nt_fp6_sub(&r->c0, &s, &u);
    nt_fp6_add(&r->c1, &t, &t);
}

void nt_fp12_conj(nt_fp12 *r, const nt_fp12 *a)
{
    r->c0 = a->c0;
    nt_fp6_neg(&r->c1, &a->c1);
}

void nt_fp12_inv_var(nt_fp12 *r, const nt_fp12 *a)
{
    /* (a0 + a1 w)^-1 = (a0 - a1 w) / (a0^2 - v a1^2) */
    nt_fp6 t0, t1;
    nt_fp6_sqr(&t0, &a->c0);
    nt_fp6_sqr(&t1, &a->c1);
    nt_fp6_mul_v(&t1, &t1);
    nt_fp6_sub(&t0, &t0, &t1);
    nt_fp6_inv_var(&t0, &t0);
    nt_fp6_mul(&r->c0, &a->c0, &t0);
    nt_fp6_mul(&t1, &a->c1, &t0);
    nt_fp6_neg(&r->c1, &t1);
}

#ifdef NT_FP_HAVE_ADX_CODE
/* The line products on the ADX path, schoolbook with B = b0 + b1 v:
 *   (f0 + f1 w)(a0 + B w) = (f0 a0 + v f1 B) + (f1 a0 + f0 B) w,
 *   f B = (f_0 b0 + f_2 (xi b1), f_1 b0 + f_0 b1, f_2 b0 + f_1 b1),
 *   v f B = (f_2 (xi b0) + f_1 (xi b1), f_0 b0 + f_2 (xi b1), f_1 b0 + f_0 b1).
 * For a0 = 1 (mul_line1) every coefficient is f's plus x y + z w, one sum
 * of four Fp products a part (fp12_mul_line1_adx); otherwise x a0 + y b0
 * + z b1 with xi moved to the f side, one of six (fp12_mul_line_adx). */
/* The multipliers of a normalised line's product and the negations of
 * their imaginary parts, at the offsets fp12_mul_line1_adx's asm names. */
typedef struct line1_ops {
    nt_fp2 b0, b1, xb0, xb1; /* 0, 64, 128, 192 */
    nt_fp nb0, nb1, nxb0, nxb1; /* 256, 288, 320, 352 */
} line1_ops;

/* One coefficient of r = f (1 + B w): r = f[ADO] + f[XO] y + f[ZO] w with
 * y, w two of the multipliers (at YO, WO in l; p - their imaginary parts
 * at NYO, NWO), each part one sum of four products plus f's coefficient,
 * reduced once (fp_adx.h, NT_SOPB4_PLUS). Offsets into f: c0.c0 0,
 * c0.c1 64, c0.c2 128, c1.c0 192, c1.c1 256, c1.c2 320. */
#define LINE1_COEF(OUT, XO, ZO, YO, NYO, WO, NWO, ADO)                         \
    do {                                                                       \
        uint64_t t0, t1, t2, t3, t4, lo, hi;                                   \
        __asm__(NT_SOPB_ZERO NT_SOPB4_PLUS(ADO, f, XO, f, YO, l, XO + 32, f, NYO, l, ZO, f, \
                                           WO, l, ZO + 32, f, NWO, l)          \
                : NT_SOPB_OUT                                                  \
                : [f] "r"(f), [l] "r"(&l), NT_SOPB_CONST                       \
                : "rax", "rdx", "cc", "memory");                               \
        NT_SOPB_STORE((OUT).c0.v);                                            \
        __asm__(NT_SOPB_ZERO NT_SOPB4_PLUS(ADO + 32, f, XO, f, YO + 32, l, XO + 32, f, YO, l, \
                                           ZO, f, WO + 32, l, ZO + 32, f, WO, l) \
                : NT_SOPB_OUT                                                  \
                : [f] "r"(f), [l] "r"(&l), NT_SOPB_CONST                       \
                : "rax", "rdx", "cc", "memory");                               \
        NT_SOPB_STORE((OUT).c1.v);                                            \
    } while (0)

/* r = f (1 + B w) = (f0 + v f1 B) + (f1 + f0 B) w, as fp12_mul_line_adx
 * with the four negations made once for all six coefficients, and f's
 * coefficients added inside each sum's reduction. */
static void fp12_mul_line1_adx(nt_fp12 *r, const nt_fp12 *f, const nt_fp2 *b0,
                               const nt_fp2 *b1)
{
    static const nt_fp zero = {{0, 0, 0, 0}};
    _Static_assert(sizeof(nt_fp12) == 384 && sizeof(line1_ops) == 384,
                   "the offsets in LINE1_COEF assume packed coefficients");
    line1_ops l;
    nt_fp12 o;
    l.b0 = *b0;
    l.b1 = *b1;
    fp2_mul_xi_adx(&l.xb0, b0);
    fp2_mul_xi_adx(&l.xb1, b1);
    nt_fp_sub_adx(&l.nb0, &zero, &l.b0.c1);
    nt_fp_sub_adx(&l.nb1, &zero, &l.b1.c1);
    nt_fp_sub_adx(&l.nxb0, &zero, &l.xb0.c1);
    nt_fp_sub_adx(&l.nxb1, &zero, &l.xb1.c1);
    /* r1 = f1 + f0 B: f0_0 b0 + f0_2 xb1, f0_1 b0 + f0_0 b1, f0_2 b0 + f0_1 b1 */
    LINE1_COEF(o.c1.c0, 0, 128, 0, 256, 192, 352, 192);
    LINE1_COEF(o.c1.c1, 64, 0, 0, 256, 64, 288, 256);
    LINE1_COEF(o.c1.c2, 128, 64, 0, 256, 64, 288, 320);
    /* r0 = f0 + v f1 B: f1_2 xb0 + f1_1 xb1, f1_0 b0 + f1_2 xb1, f1_1 b0 + f1_0 b1 */
    LINE1_COEF(o.c0.c0, 320, 256, 128, 320, 192, 352, 0);
    LINE1_COEF(o.c0.c1, 192, 320, 0, 256, 192, 352, 64);
    LINE1_COEF(o.c0.c2, 256, 192, 0, 256, 64, 288, 128);
    *r = o; /* f is read: r may be f */
}
#undef LINE1_COEF

/* r = f (a0 + B w). */
static void fp12_mul_line_adx(nt_fp12 *r, const nt_fp12 *f, const nt_fp2 *a0,
                              const nt_fp2 *b0, const nt_fp2 *b1)
{
    nt_fp2 x12, x11, x02;
    nt_fp6 c0, c1;
    fp2_triple t;
    /* With the triple (a0, b0, b1) and xi moved to the f side, every
     * coefficient of f0 a0 + v f1 B and f1 a0 + f0 B is one
     * fp2_mul3_adx:
     *   r00 = f00 a0 + (xi f12) b0 + (xi f11) b1,
     *   r01 = f01 a0 + f10 b0 + (xi f12) b1,  r02 = f02 a0 + f11 b0 + f10 b1,
     *   r10 = f10 a0 + f00 b0 + (xi f02) b1,
     *   r11 = f11 a0 + f01 b0 + f00 b1,       r12 = f12 a0 + f02 b0 + f01 b1. */
    triple_set(&t, a0, b0, b1);
    fp2_mul_xi_adx(&x12, &f->c1.c2);
    fp2_mul_xi_adx(&x11, &f->c1.c1);
    fp2_mul_xi_adx(&x02, &f->c0.c2);
    fp2_mul3_adx(&c0.c0, &f->c0.c0, &x12, &x11, &t);
    fp2_mul3_adx(&c0.c1, &f->c0.c1, &f->c1.c0, &x12, &t);
    fp2_mul3_adx(&c0.c2, &f->c0.c2, &f->c1.c1, &f->c1.c0, &t);
    fp2_mul3_adx(&c1.c0, &f->c1.c0, &f->c0.c0, &x02, &t);
    fp2_mul3_adx(&c1.c1, &f->c1.c1, &f->c0.c1, &f->c0.c0, &t);
    fp2_mul3_adx(&c1.c2, &f->c1.c2, &f->c0.c2, &f->c0.c1, &t);
    /* f is read: r may be f */
    r->c0 = c0;
    r->c1 = c1;
}
#endif

void nt_fp12_mul_line(nt_fp12 *r, const nt_fp12 *f, const nt_fp2 *a0, const nt_fp2 *b0,
                      const nt_fp2 *b1)
{
    /* l = (a0, 0, 0) + (b0, b1, 0) w; Karatsuba over Fp6 (13 Fp2 products)
     * with one reduction per output coefficient (and one for the term
     * multiplied by xi):
     *   t0 = f0 a0, t1 = f1 (b0 + b1 v), s = (f0 + f1)(a0 + b0 + b1 v),
     *   r1 = s - t0 - t1, r0 = t0 + v t1. */
    fp2w t0[3], t1[3], m[3];
    nt_fp6 s;
    nt_fp2 c, x;
    int i;
#ifdef NT_FP_HAVE_ADX_CODE
    if (nt_fp_adx > 0) {
        fp12_mul_line_adx(r, f, a0, b0, b1);
        return;
    }
#endif
    fp2_mul_wide(&t0[0], &f->c0.c0, a0);
    fp2_mul_wide(&t0[1], &f->c0.c1, a0);
    fp2_mul_wide(&t0[2], &f->c0.c2, a0);
    fp6_mul_01_wide(t1, &f->c1, b0, b1);
    nt_fp6_add(&s, &f->c0, &f->c1);
    nt_fp2_add(&c, a0, b0);
    fp6_mul_01_wide(m, &s, &c, b1);
    for (i = 0; i < 3; i++)
        fp2w_sub2(&m[i], &t0[i], &t1[i]);
    /* v (t1_0 + t1_1 v + t1_2 v^2) = xi t1_2 + t1_0 v + t1_1 v^2 */
    fp2w_redc(&x, &t1[2]);
    nt_fp2_mul_xi(&x, &x);
    fp2w_add_reduced(&t0[0], &x);
    fp2w_add(&t0[1], &t0[1], &t1[0]);
    fp2w_add(&t0[2], &t0[2], &t1[1]);
    /* f is not read after this point: r may be f */
    fp2w_redc(&r->c0.c0, &t0[0]);
    fp2w_redc(&r->c0.c1, &t0[1]);
    fp2w_redc(&r->c0.c2, &t0[2]);
    fp2w_redc(&r->c1.c0, &m[0]);
    fp2w_redc(&r->c1.c1, &m[1]);
    fp2w_redc(&r->c1.c2, &m[2]);
}

void nt_fp12_mul_line1(nt_fp12 *r, const nt_fp12 *f, const nt_fp2 *b0, const nt_fp2 *b1)
{
    /* (f0 + f1 w)(1 + B w) = (f0 + v f1 B) + (f1 + f0 B) w, B = b0 + b1 v:
     * two sparse Fp6 products (10 Fp2 products), each output coefficient
     * reduced once, f added to the unreduced products. */
    fp2w u[3], t[3];
    nt_fp2 x, y;
#ifdef NT_FP_HAVE_ADX_CODE
    if (nt_fp_adx > 0) {
        fp12_mul_line1_adx(r, f, b0, b1);
        return;
    }
#endif
    fp6_mul_01_wide(u, &f->c0, b0, b1);
    fp6_mul_01_wide(t, &f->c1, b0, b1);
    fp2w_add_reduced(&u[0], &f->c1.c0);
    fp2w_add_reduced(&u[1], &f->c1.c1);
    fp2w_add_reduced(&u[2], &f->c1.c2);
    /* v (t0 + t1 v + t2 v^2) = xi t2 + t0 v + t1 v^2 */
    fp2w_add_reduced(&t[0], &f->c0.c1);
    fp2w_add_reduced(&t[1], &f->c0.c2);
    fp2w_redc(&x, &t[2]);
    nt_fp2_mul_xi(&x, &x);
    nt_fp2_add(&y, &f->c0.c0, &x);
    /* every read of f is done: r may be f */
    r->c0.c0 = y;
    fp2w_redc(&r->c0.c1, &t[0]);
    fp2w_redc(&r->c0.c2, &t[1]);
    fp2w_redc(&r->c1.c0, &u[0]);
    fp2w_redc(&r->c1.c1, &u[1]);
    fp2w_redc(&r->c1.c2, &u[2]);
}

/* Squares in Fp4 = Fp2[s]/(s^2 - xi): (x + y s)^2 = (x^2 + xi y^2) + 2xy s. */
static void fp4_sqr(nt_fp2 *r0, nt_fp2 *r1, const nt_fp2 *x, const nt_fp2 *y)
{
    nt_fp2 x2, y2, t;
#ifdef NT_FP_HAVE_ADX_CODE
    if (nt_fp_adx > 0) {
        /* 2xy as one product of 2x (unreduced, below 2p: its two limbs
         * sum to at most 4p, within fp_adx.h's bounds) and y, instead of
         * (x + y)^2 - x^2 - y^2 */
        add4(t.c0.v, x->c0.v, x->c0.v);
        add4(t.c1.v, x->c1.v, x->c1.v);
        nt_fp2_sqr(&x2, x);
        nt_fp2_sqr(&y2, y);
        fp2_mul_adx(r1, &t, y);
        fp2_mul_xi_adx(&y2, &y2);
        nt_fp2_add(r0, &x2, &y2);
        return;
    }
#endif
    nt_fp2_sqr(&x2, x);
    nt_fp2_sqr(&y2, y);
    nt_fp2_add(&t, x, y);
    nt_fp2_sqr(&t, &t);
    nt_fp2_sub(&t, &t, &x2);
    nt_fp2_sub(r1, &t, &y2);
    nt_fp2_mul_xi(&y2, &y2);
    nt_fp2_add(r0, &x2, &y2);
}

#ifdef NT_FP_HAVE_ADX_CODE
/* 3 t (t at [a]) into t0..t4, then + 2 x or + 2 (p - x) (x at [b]): below
 * 5p, so NT_MUL9_TAIL's quotient (x <= 62) and one subtraction reduce it. */
#define NT_LIN3_HEAD                                                           \
    "movq 24(%[a]), %[t3]\n\t"                                                 \
    "movq %[t3], %[t4]\n\t"                                                    \
    "shrq $63, %[t4]\n\t"                                                      \
    "movq 16(%[a]), %[t2]\n\t"                                                 \
    "shldq $1, %[t2], %[t3]\n\t"                                               \
    "movq 8(%[a]), %[t1]\n\t"                                                  \
    "shldq $1, %[t1], %[t2]\n\t"                                               \
    "movq 0(%[a]), %[t0]\n\t"                                                  \
    "shldq $1, %[t0], %[t1]\n\t"                                               \
    "shlq $1, %[t0]\n\t"                                                       \
    "addq 0(%[a]), %[t0]\n\t"                                                  \
    "adcq 8(%[a]), %[t1]\n\t"                                                  \
    "adcq 16(%[a]), %[t2]\n\t"                                                 \
    "adcq 24(%[a]), %[t3]\n\t"                                                 \
    "adcq $0, %[t4]\n\t"

/* r = 3 t + 2 x (plus) or 3 t - 2 x, coefficient by coefficient. */
static inline NT_MONT_INLINE void fp2_three_two_adx(nt_fp2 *r, const nt_fp2 *t, const nt_fp2 *x,
                                                    bool plus)
{
    uint64_t t0, t1, t2, t3, t4, m2, m3;
    const uint64_t *a, *b;
    int i;
    for (i = 0; i < 2; i++) {
        nt_fp *out = i == 0 ? &r->c0 : &r->c1;
        a = i == 0 ? t->c0.v : t->c1.v;
        b = i == 0 ? x->c0.v : x->c1.v;
        if (plus)
            __asm__(NT_LIN3_HEAD NT_MUL9_ADD NT_MUL9_ADD NT_MUL9_TAIL NT_MUL9_OPERANDS);
        else
            __asm__(NT_LIN3_HEAD NT_MUL9_SUB NT_MUL9_SUB NT_MUL9_TAIL NT_MUL9_OPERANDS);
        out->v[0] = t0;
        out->v[1] = t1;
        out->v[2] = t2;
        out->v[3] = t3;
    }
}
#endif

/* r = 3 t - 2 a */
static void three_minus_two(nt_fp2 *r, const nt_fp2 *t, const nt_fp2 *a)
{
    nt_fp2 d;
#ifdef NT_FP_HAVE_ADX_CODE
    if (nt_fp_adx > 0) {
        fp2_three_two_adx(r, t, a, false);
        return;
    }
#endif
    nt_fp2_sub(&d, t, a);
    nt_fp2_dbl(&d, &d);
    nt_fp2_add(r, &d, t);
}

/* r = 3 t + 2 a */
static void three_plus_two(nt_fp2 *r, const nt_fp2 *t, const nt_fp2 *a)
{
    nt_fp2 d;
#ifdef NT_FP_HAVE_ADX_CODE
    if (nt_fp_adx > 0) {
        fp2_three_two_adx(r, t, a, true);
        return;
    }
#endif
    nt_fp2_add(&d, t, a);
    nt_fp2_dbl(&d, &d);
    nt_fp2_add(r, &d, t);
}

#ifdef NT_FP_HAVE_ADX_CODE
/* The operands of one Fp4 squaring's sums (cyclo_pair_adx), at the
 * offsets its asm names: 32 bytes each. */
typedef struct cyclo_ops {
    uint64_t s[4];   /*   0: x0 + x1, below 2p */
    uint64_t d[4];   /*  32: x0 - x1 mod p */
    uint64_t m[8];   /*  64: xi y, reduced (m0, m1) */
    uint64_t nm1[4]; /* 128: p - m1, at most p */
    uint64_t x2[8];  /* 160: 2 x0, 2 x1, each below 2p */
    uint64_t ny1[4]; /* 224: p - y1, at most p */
} cyclo_ops;

/* One Fp4 squaring of the cyclotomic squaring, (x + y s)^2 = t0 + t1 s
 * with t0 = x^2 + xi y^2 and t1 = 2 x y (times xi when xi_t1), every
 * coefficient one sum of Fp products and one reduction:
 *   t0 = (x0 + x1)(x0 - x1) + y0 m0 - y1 m1 + (2 x0 x1 + y0 m1 + y1 m0) u
 * with m = xi y (so xi y^2 = y m), and t1 = (2x) y, or (2x) m for xi t1.
 * Bounds (fp_adx.h): the multiplicands of each sum add up to at most 4p
 * and each sum stays below 4 p^2 < p 2^256, so one subtraction of p
 * reduces it. Ten Fp products and four reductions, where squaring x and
 * y and multiplying them apart takes eight and six, with the xi product
 * and the sums done apart. */
static void cyclo_pair_adx(nt_fp2 *r0, nt_fp2 *r1, const nt_fp2 *x, const nt_fp2 *y,
                           bool xi_t1)
{
    static const nt_fp zero = {{0, 0, 0, 0}};
    cyclo_ops o;
    nt_fp2 m;
    uint64_t c0[4], t0, t1, t2, t3, t4, lo, hi;
    fp2_mul_xi_adx(&m, y);
    add4(o.s, x->c0.v, x->c1.v);
    nt_u256_submod_adx(o.d, x->c0.v, x->c1.v);
    memcpy(o.m, m.c0.v, 32);
    memcpy(o.m + 4, m.c1.v, 32);
    nt_u256_submod_adx(o.nm1, zero.v, m.c1.v);
    add4(o.x2, x->c0.v, x->c0.v);
    add4(o.x2 + 4, x->c1.v, x->c1.v);
    nt_u256_submod_adx(o.ny1, zero.v, y->c1.v);
    /* t0.c0 = s d + y0 m0 + y1 (p - m1) */
    __asm__(NT_SOPB_ZERO NT_SOPB3(0, o, 32, o, 0, y, 64, o, 32, y, 128, o)
            : NT_SOPB_OUT
            : [o] "r"(&o), [y] "r"(y), NT_SOPB_CONST
            : "rax", "rdx", "cc", "memory");
    NT_SOPB_STORE(c0);
    /* t0.c1 = x0 (2 x1) + y0 m1 + y1 m0 */
    __asm__(NT_SOPB_ZERO NT_SOPB3(0, x, 192, o, 0, y, 96, o, 32, y, 64, o)
            : NT_SOPB_OUT
            : [o] "r"(&o), [x] "r"(x), [y] "r"(y), NT_SOPB_CONST
            : "rax", "rdx", "cc", "memory");
    NT_SOPB_STORE(r0->c1.v);
    memcpy(r0->c0.v, c0, sizeof c0);
    /* t1 = (2x) v with v = y or m: (2x0) v0 + (2x1)(p - v1), (2x0) v1 + (2x1) v0 */
    if (xi_t1) {
        __asm__(NT_SOPB_ZERO NT_SOPB2(160, o, 64, o, 192, o, 128, o)
                : NT_SOPB_OUT
                : [o] "r"(&o), NT_SOPB_CONST
                : "rax", "rdx", "cc", "memory");
        NT_SOPB_STORE(c0);
        __asm__(NT_SOPB_ZERO NT_SOPB2(160, o, 96, o, 192, o, 64, o)
                : NT_SOPB_OUT
                : [o] "r"(&o), NT_SOPB_CONST
                : "rax", "rdx", "cc", "memory");
    } else {
        __asm__(NT_SOPB_ZERO NT_SOPB2(160, o, 0, y, 192, o, 224, o)
                : NT_SOPB_OUT
                : [o] "r"(&o), [y] "r"(y), NT_SOPB_CONST
                : "rax", "rdx", "cc", "memory");
        NT_SOPB_STORE(c0);
        __asm__(NT_SOPB_ZERO NT_SOPB2(160, o, 32, y, 192, o, 0, y)
                : NT_SOPB_OUT
                : [o] "r"(&o), [y] "r"(y), NT_SOPB_CONST
                : "rax", "rdx", "cc", "memory");
    }
    NT_SOPB_STORE(r1->c1.v);
    memcpy(r1->c0.v, c0, sizeof c0);
}
#endif

void nt_fp12_cyclo_sqr(nt_fp12 *r, const nt_fp12 *a)
{
    /* Seen as Fp4[w]/(w^3 - s) with s = w^3 = v w: f = g0 + g1 w + g2 w^2,
     * g0 = a0 + b1 s, g1 = b0 + a2 s, g2 = a1 + b2 s (a = c0, b = c1).
     * Granger-Scott: f^2 = (3 g0^2 - 2 conj g0) + (3 s g2^2 + 2 conj g1) w
     *                      + (3 g1^2 - 2 conj g2) w^2. */
    nt_fp2 t00, t01, t10, t11, t20, t21;
#ifdef NT_FP_HAVE_ADX_CODE
    if (nt_fp_adx > 0) {
        cyclo_pair_adx(&t00, &t01, &a->c0.c0, &a->c1.c1, false);
        cyclo_pair_adx(&t10, &t11, &a->c1.c0, &a->c0.c2, false);
        cyclo_pair_adx(&t20, &t21, &a->c0.c1, &a->c1.c2, true);
        fp2_three_two_adx(&r->c0.c0, &t00, &a->c0.c0, false);
        fp2_three_two_adx(&r->c1.c1, &t01, &a->c1.c1, true);
        fp2_three_two_adx(&r->c1.c0, &t21, &a->c1.c0, true);
        fp2_three_two_adx(&r->c0.c2, &t20, &a->c0.c2, false);
        fp2_three_two_adx(&r->c0.c1, &t10, &a->c0.c1, false);
        fp2_three_two_adx(&r->c1.c2, &t11, &a->c1.c2, true);
        return;
    }
#endif
    fp4_sqr(&t00, &t01, &a->c0.c0, &a->c1.c1);
    fp4_sqr(&t10, &t11, &a->c1.c0, &a->c0.c2);
    fp4_sqr(&t20, &t21, &a->c0.c1, &a->c1.c2);
    nt_fp2_mul_xi(&t21, &t21);

    three_minus_two(&r->c0.c0, &t00, &a->c0.c0);
    three_plus_two(&r->c1.c1, &t01, &a->c1.c1);
    three_plus_two(&r->c1.c0, &t21, &a->c1.c0);
    three_minus_two(&r->c0.c2, &t20, &a->c0.c2);
    three_minus_two(&r->c0.c1, &t10, &a->c0.c1);
    three_plus_two(&r->c1.c2, &t11, &a->c1.c2);
}

#define FP(a, b, c, d) {{a##ULL, b##ULL, c##ULL, d##ULL}}

/* frob[k-1][i-1] = xi^(i (p^k - 1) / 6), i = 1..5, Montgomery form. */
static const nt_fp2 frob_const[3][5] = {
    {
        {FP(0xaf9ba69633144907, 0xca6b1d7387afb78a, 0x11bded5ef08a2087, 0x02f34d751a1f3a7c),
         FP(0xa222ae234c492d72, 0xd00f02a4565de15b, 0xdc2ff3a253dfc926, 0x10a75716b3899551)},
        {FP(0xb5773b104563ab30, 0x347f91c8a9aa6454, 0x7a007127242e0991, 0x1956bcd8118214ec),
         FP(0x6e849f1ea0aa4757, 0xaa1c7b6d89f89141, 0xb6e713cdfae0ca3a, 0x26694fbb4e82ebc3)},
        {FP(0xe4bbdd0c2936b629, 0xbb30f162e133bacb, 0x31a9d1b6f9645366, 0x253570bea500f8dd),
         FP(0xa1d77ce45ffe77c7, 0x07affd117826d1db, 0x6d16bd27bb7edc6b, 0x2c87200285defecc)},
        {FP(0x7361d77f843abe92, 0xa5bb2bd3273411fb, 0x9c941f314b3e2399, 0x15df9cddbb9fd3ec),
         FP(0x5dddfd154bd8c949, 0x62cb29a5a4445b60, 0x37bc870a0c7dd2b9, 0x24830a9d3171f0fd)},
        {FP(0xc970692f41690fe7, 0xe240342127694b0b, 0x32bee66b83c459e8, 0x12aabced0ab08841),
         FP(0x0d485d2340aebfa9, 0x05193418ab2fcc57, 0xd3b0a40b8a4910f5, 0x2f21ebb535d2925a)},
    },
    {
        {FP(0xca8d800500fa1bf2, 0xf0c5d61468b39769, 0x0e201271ad0d4418, 0x04290f65bad856e6),
         FP(0, 0, 0, 0)},
        {FP(0x3350c88e13e80b9c, 0x7dce557cdb5e56b9, 0x6001b4b8b615564a, 0x2682e617020217e0),
         FP(0, 0, 0, 0)},
        {FP(0x68c3488912edefaa, 0x8d087f6872aabf4f, 0x51e1a24709081231, 0x2259d6b14729c0fa),
         FP(0, 0, 0, 0)},
        {FP(0x71930c11d782e155, 0xa6bb947cffbe3323, 0xaa303344d4741444, 0x2c3b3f0d26594943),
         FP(0, 0, 0, 0)},
        {FP(0x08cfc388c494f1ab, 0x19b315148d1373d4, 0x584e90fdcb6c0213, 0x09e1685bdf2f8849),
         FP(0, 0, 0, 0)},
    },
    {
        {FP(0x365316184e46d97d, 0x0af7129ed4c96d9f, 0x659da72fca1009b5, 0x08116d8983a20d23),
         FP(0xb1df4af7c39c1939, 0x3d9f02878a73bf7f, 0x9b2220928caf0ae0, 0x26684515eff054a6)},
        {FP(0xc9af22f716ad6bad, 0xb311782a4aa662b2, 0x19eeaf64e248c7f4, 0x20273e77e3439f82),
         FP(0xacc02860f7ce93ac, 0x3933d5817ba76b4c, 0x69e6188b446c8467, 0x0a46036d4417cc55)},
        {FP(0x5764af0aaf46471e, 0xdc50792e873e0fc1, 0x86a673ff881d04f6, 0x0b2eddb43c30a74c),
         FP(0x9a490f32787e8580, 0x8fd16d7ff04af8b1, 0x4b39888ec6027bf2, 0x03dd2e705b52a15d)},
        {FP(0x448a93a57b6762df, 0xbfd62df528fdeadf, 0xd858f5d00e9bd47a, 0x06b03d4d3476ec58),
         FP(0x2b19daf4bcc936d1, 0xa1a54e7a56f4299f, 0xb533eee05adeaef1, 0x170c812b84dda0b2)},
        {FP(0xe0bc4b2275cf559f, 0xc238b945c154e60f, 0x803982a5929a7d5e, 0x15ce052df7e4a37e),
         FP(0x2d28efbdbf3799a7, 0x9b097e3c1ad60773, 0x982d4113af4a535b, 0x24e18991e3056063)},
    },
};

const nt_fp2 *nt_fp12_frob_const(int k, int i) { return &frob_const[k - 1][i - 1]; }

void nt_fp12_frob(nt_fp12 *r, const nt_fp12 *a, int k)
{
    /* Coefficient of w^i is conjugated k times and multiplied by
     * xi^(i (p^k - 1)/6). Basis: c0.c0 = w^0, c0.c1 = w^2, c0.c2 = w^4,
     * c1.c0 = w^1, c1.c1 = w^3, c1.c2 = w^5. */
    const nt_fp2 *g = frob_const[k - 1];
    nt_fp2 t[6];
    int i;
    t[0] = a->c0.c0;
    t[1] = a->c1.c0;
    t[2] = a->c0.c1;
    t[3] = a->c1.c1;
    t[4] = a->c0.c2;
    t[5] = a->c1.c2;
    if (k & 1) {
        for (i = 0; i < 6; i++)
            nt_fp2_conj(&t[i], &t[i]);
    }
    for (i = 1; i < 6; i++) {
        if (k == 2)
            nt_fp2_mul_fp(&t[i], &t[i], &g[i - 1].c0);
        else
            nt_fp2_mul(&t[i], &t[i], &g[i - 1]);
    }
    r->c0.c0 = t[0];
    r->c1.c0 = t[1];
    r->c0.c1 = t[2];
    r->c1.c1 = t[3];
    r->c0.c2 = t[4];
    r->c1.c2 = t[5];
}

void nt_fp12_get_bytes(uint8_t out[384], const nt_fp12 *a)
{
    const nt_fp6 *h[2] = {&a->c0, &a->c1};
    int i;
    for (i = 0; i < 2; i++) {
        nt_fp_get_b32(out + 192 * i + 0, &h[i]->c0.c0);
        nt_fp_get_b32(out + 192 * i + 32, &h[i]->c0.c1);
        nt_fp_get_b32(out + 192 * i + 64, &h[i]->c1.c0);
        nt_fp_get_b32(out + 192 * i + 96, &h[i]->c1.c1);
        nt_fp_get_b32(out + 192 * i + 128, &h[i]->c2.c0);
        nt_fp_get_b32(out + 192 * i + 160, &h[i]->c2.c1);
    }
}
