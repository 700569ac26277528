/*
 * zk/mont.h - private: 256-bit Montgomery arithmetic on 4 x 64-bit limbs,
 * shared by the BN254 base field (fp) and scalar field (fr).
 *
 * Limbs are little-endian (v[0] least significant). Every function is
 * variable-time only in the sense that it branches on carries; all inputs
 * here are public (verification only), see include/nautilus/zk.h.
 *
 * Both BN254 moduli are below 2^254, so a + b < 2^255 never carries out of
 * 4 limbs, and the top limb is small enough for the "no final carry" CIOS
 * variant of Montgomery multiplication (Koc, Acar, Kaliski 1996, with the
 * observation used by gnark: when m[3] < 2^63 - 1 the running carry of the
 * reduction fits in the last word).
 *
 * The modulus is passed by pointer to const static tables; with inlining
 * the compiler sees the constants and folds them.
 */
#ifndef NT_ZK_MONT_H
#define NT_ZK_MONT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "nautilus/status.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(NT_ZK_PORTABLE)
#include <x86intrin.h>
/* _addcarry_u64 / _subborrow_u64 compile to plain adc / sbb chains; the
 * unsigned __int128 spelling of the same chains spills registers. */
#define NT_MONT_ADC 1
typedef unsigned long long nt_ull;
#endif

__extension__ typedef unsigned __int128 nt_u128;

/* The field operations are a few instructions each and sit in every inner
 * loop: force them inline even where the compiler's size heuristics balk. */
#if defined(__GNUC__)
#define NT_MONT_INLINE __attribute__((always_inline))
#else
#define NT_MONT_INLINE
#endif

#ifdef NT_MONT_ADC
/* r = a if a < m else a - m; a < 2m. Branch-free: the outcome is close to
 * a coin toss, and a mispredicted branch costs more than the select. */
static inline NT_MONT_INLINE void nt_mont_reduce_once(uint64_t r[4], const uint64_t a[4],
                                                      const uint64_t m[4])
{
    nt_ull t0, t1, t2, t3;
    uint64_t mask;
    unsigned char b;
    b = _subborrow_u64(0, a[0], m[0], &t0);
    b = _subborrow_u64(b, a[1], m[1], &t1);
    b = _subborrow_u64(b, a[2], m[2], &t2);
    b = _subborrow_u64(b, a[3], m[3], &t3);
    mask = 0 - (uint64_t)b; /* all ones: keep a */
    r[0] = (a[0] & mask) | (t0 & ~mask);
    r[1] = (a[1] & mask) | (t1 & ~mask);
    r[2] = (a[2] & mask) | (t2 & ~mask);
    r[3] = (a[3] & mask) | (t3 & ~mask);
}

#else
/* r = a if a < m else a - m; a < 2m. Branch-free: the outcome is close to
 * a coin toss, and a mispredicted branch costs more than the select. */
static inline NT_MONT_INLINE void nt_mont_reduce_once(uint64_t r[4], const uint64_t a[4],
                                                      const uint64_t m[4])
{
    uint64_t t0, t1, t2, t3, borrow, mask;
    nt_u128 d;
    d = (nt_u128)a[0] - m[0];
    t0 = (uint64_t)d;
    borrow = (uint64_t)(d >> 64) & 1;
    d = (nt_u128)a[1] - m[1] - borrow;
    t1 = (uint64_t)d;
    borrow = (uint64_t)(d >> 64) & 1;
    d = (nt_u128)a[2] - m[2] - borrow;
    t2 = (uint64_t)d;
    borrow = (uint64_t)(d >> 64) & 1;
    d = (nt_u128)a[3] - m[3] - borrow;
    t3 = (uint64_t)d;
    borrow = (uint64_t)(d >> 64) & 1;
    mask = 0 - borrow; /* all ones: keep a */
    r[0] = (a[0] & mask) | (t0 & ~mask);
    r[1] = (a[1] & mask) | (t1 & ~mask);
    r[2] = (a[2] & mask) | (t2 & ~mask);
    r[3] = (a[3] & mask) | (t3 & ~mask);
}

#endif

/* a < m as integers (both reduced or raw). */
static inline NT_MONT_INLINE bool nt_mont_lt(const uint64_t a[4], const uint64_t m[4])
{
    int i;
    for (i = 3; i >= 0; i--) {
        if (a[i] != m[i])
            return a[i] < m[i];
    }
    return false;
}

#ifdef NT_MONT_ADC
static inline NT_MONT_INLINE void nt_mont_add(uint64_t r[4], const uint64_t a[4],
                                              const uint64_t b[4], const uint64_t m[4])
{
    nt_ull s0, s1, s2, s3, t0, t1, t2, t3;
    uint64_t mask;
    unsigned char c;
    c = _addcarry_u64(0, a[0], b[0], &s0);
    c = _addcarry_u64(c, a[1], b[1], &s1);
    c = _addcarry_u64(c, a[2], b[2], &s2);
    (void)_addcarry_u64(c, a[3], b[3], &s3); /* no carry out: a, b < m < 2^254 */
    c = _subborrow_u64(0, s0, m[0], &t0);
    c = _subborrow_u64(c, s1, m[1], &t1);
    c = _subborrow_u64(c, s2, m[2], &t2);
    c = _subborrow_u64(c, s3, m[3], &t3);
    mask = 0 - (uint64_t)c;
    r[0] = (s0 & mask) | (t0 & ~mask);
    r[1] = (s1 & mask) | (t1 & ~mask);
    r[2] = (s2 & mask) | (t2 & ~mask);
    r[3] = (s3 & mask) | (t3 & ~mask);
}

static inline NT_MONT_INLINE void nt_mont_sub(uint64_t r[4], const uint64_t a[4],
                                              const uint64_t b[4], const uint64_t m[4])
{
    nt_ull t0, t1, t2, t3, u0, u1, u2, u3;
    uint64_t mask;
    unsigned char c;
    c = _subborrow_u64(0, a[0], b[0], &t0);
    c = _subborrow_u64(c, a[1], b[1], &t1);
    c = _subborrow_u64(c, a[2], b[2], &t2);
    c = _subborrow_u64(c, a[3], b[3], &t3);
    /* add m back when the difference went negative, without a branch */
    mask = 0 - (uint64_t)c;
    c = _addcarry_u64(0, t0, m[0] & mask, &u0);
    c = _addcarry_u64(c, t1, m[1] & mask, &u1);
    c = _addcarry_u64(c, t2, m[2] & mask, &u2);
    (void)_addcarry_u64(c, t3, m[3] & mask, &u3);
    r[0] = u0;
    r[1] = u1;
    r[2] = u2;
    r[3] = u3;
}

#else
static inline NT_MONT_INLINE void nt_mont_add(uint64_t r[4], const uint64_t a[4],
                                              const uint64_t b[4], const uint64_t m[4])
{
    uint64_t t[4];
    nt_u128 s;
    s = (nt_u128)a[0] + b[0];
    t[0] = (uint64_t)s;
    s = (nt_u128)a[1] + b[1] + (uint64_t)(s >> 64);
    t[1] = (uint64_t)s;
    s = (nt_u128)a[2] + b[2] + (uint64_t)(s >> 64);
    t[2] = (uint64_t)s;
    s = (nt_u128)a[3] + b[3] + (uint64_t)(s >> 64);
    t[3] = (uint64_t)s;
    /* no carry out: a, b < m < 2^254. */
    nt_mont_reduce_once(r, t, m);
}

static inline NT_MONT_INLINE void nt_mont_sub(uint64_t r[4], const uint64_t a[4],
                                              const uint64_t b[4], const uint64_t m[4])
{
    uint64_t t0, t1, t2, t3, borrow, mask;
    nt_u128 d, s;
    d = (nt_u128)a[0] - b[0];
    t0 = (uint64_t)d;
    borrow = (uint64_t)(d >> 64) & 1;
    d = (nt_u128)a[1] - b[1] - borrow;
    t1 = (uint64_t)d;
    borrow = (uint64_t)(d >> 64) & 1;
    d = (nt_u128)a[2] - b[2] - borrow;
    t2 = (uint64_t)d;
    borrow = (uint64_t)(d >> 64) & 1;
    d = (nt_u128)a[3] - b[3] - borrow;
    t3 = (uint64_t)d;
    borrow = (uint64_t)(d >> 64) & 1;
    /* add m back when the difference went negative, without a branch */
    mask = 0 - borrow;
    s = (nt_u128)t0 + (m[0] & mask);
    r[0] = (uint64_t)s;
    s = (nt_u128)t1 + (m[1] & mask) + (uint64_t)(s >> 64);
    r[1] = (uint64_t)s;
    s = (nt_u128)t2 + (m[2] & mask) + (uint64_t)(s >> 64);
    r[2] = (uint64_t)s;
    s = (nt_u128)t3 + (m[3] & mask) + (uint64_t)(s >> 64);
    r[3] = (uint64_t)s;
}

#endif

static inline NT_MONT_INLINE void nt_mont_neg(uint64_t r[4], const uint64_t a[4],
                                              const uint64_t m[4])
{
    static const uint64_t zero[4] = {0, 0, 0, 0};
    nt_mont_sub(r, zero, a, m);
}

static inline NT_MONT_INLINE bool nt_mont_is_zero(const uint64_t a[4])
{
    return (a[0] | a[1] | a[2] | a[3]) == 0;
}

/* r = a * b * 2^-256 mod m (CIOS, no final carry; m[3] < 2^62). */
static inline NT_MONT_INLINE void nt_mont_mul(uint64_t r[4], const uint64_t a[4], const uint64_t b[4],
                               const uint64_t m[4], uint64_t minv)
{
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    int i;
    for (i = 0; i < 4; i++) {
        nt_u128 p;
        uint64_t A, C, k, bi = b[i];

        p = (nt_u128)a[0] * bi + t0;
        A = (uint64_t)(p >> 64);
        t0 = (uint64_t)p;
        k = t0 * minv;
        p = (nt_u128)k * m[0] + t0;
        C = (uint64_t)(p >> 64);

        p = (nt_u128)a[1] * bi + t1 + A;
        A = (uint64_t)(p >> 64);
        t1 = (uint64_t)p;
        p = (nt_u128)k * m[1] + t1 + C;
        C = (uint64_t)(p >> 64);
        t0 = (uint64_t)p;

        p = (nt_u128)a[2] * bi + t2 + A;
        A = (uint64_t)(p >> 64);
        t2 = (uint64_t)p;
        p = (nt_u128)k * m[2] + t2 + C;
        C = (uint64_t)(p >> 64);
        t1 = (uint64_t)p;

        p = (nt_u128)a[3] * bi + t3 + A;
        A = (uint64_t)(p >> 64);
        t3 = (uint64_t)p;
        p = (nt_u128)k * m[3] + t3 + C;
        C = (uint64_t)(p >> 64);
        t2 = (uint64_t)p;

        t3 = C + A;
    }
    {
        uint64_t t[4] = {t0, t1, t2, t3};
        nt_mont_reduce_once(r, t, m);
    }
}

/* w = a b, the 512-bit product of two 256-bit integers (schoolbook). */
static inline void nt_u256_mul_wide(uint64_t w[8], const uint64_t a[4], const uint64_t b[4])
{
    int i, j;
    for (i = 0; i < 8; i++)
        w[i] = 0;
    for (i = 0; i < 4; i++) {
        uint64_t carry = 0;
        for (j = 0; j < 4; j++) {
            nt_u128 t = (nt_u128)a[j] * b[i] + w[i + j] + carry;
            w[i + j] = (uint64_t)t;
            carry = (uint64_t)(t >> 64);
        }
        w[i + 4] = carry;
    }
}

/* Raw 256-bit big-endian bytes to limbs (no range check, no conversion). */
static inline NT_MONT_INLINE void nt_mont_from_be(uint64_t r[4], const uint8_t in[32])
{
    int i, j;
    for (i = 0; i < 4; i++) {
        uint64_t w = 0;
        for (j = 0; j < 8; j++)
            w = (w << 8) | in[(3 - i) * 8 + j];
        r[i] = w;
    }
}

static inline NT_MONT_INLINE void nt_mont_to_be(uint8_t out[32], const uint64_t a[4])
{
    int i, j;
    for (i = 0; i < 4; i++) {
        uint64_t w = a[i];
        for (j = 7; j >= 0; j--) {
            out[(3 - i) * 8 + j] = (uint8_t)w;
            w >>= 8;
        }
    }
}

/* Parses canonical decimal text (digits only, no sign, no leading zero
 * except "0") into a plain 256-bit integer. NT_ERR_ZK_ENCODING if malformed,
 * NT_ERR_RANGE if the value does not fit in 256 bits. The caller checks the
 * value against its modulus (never reduce: DESIGN section 5). */
NT_WUR nt_status nt_zk_u256_parse_dec(uint64_t out[4], const char *s, size_t len);

#endif
