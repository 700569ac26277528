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

__extension__ typedef unsigned __int128 nt_u128;

/* The field operations are a few instructions each and sit in every inner
 * loop: force them inline even where the compiler's size heuristics balk. */
#if defined(__GNUC__)
#define NT_MONT_INLINE __attribute__((always_inline))
#else
#define NT_MONT_INLINE
#endif

/* r = a if a < m else a - m; a < 2m. */
static inline NT_MONT_INLINE void nt_mont_reduce_once(uint64_t r[4], const uint64_t a[4], const uint64_t m[4])
{
    uint64_t t[4];
    nt_u128 d;
    uint64_t borrow = 0;
    int i;
    for (i = 0; i < 4; i++) {
        d = (nt_u128)a[i] - m[i] - borrow;
        t[i] = (uint64_t)d;
        borrow = (uint64_t)(d >> 64) & 1;
    }
    if (borrow) {
        if (r != a)
            memcpy(r, a, 4 * sizeof(uint64_t));
    } else {
        memcpy(r, t, 4 * sizeof(uint64_t));
    }
}

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

static inline NT_MONT_INLINE void nt_mont_add(uint64_t r[4], const uint64_t a[4], const uint64_t b[4],
                               const uint64_t m[4])
{
    uint64_t t[4];
    nt_u128 s;
    uint64_t carry = 0;
    int i;
    for (i = 0; i < 4; i++) {
        s = (nt_u128)a[i] + b[i] + carry;
        t[i] = (uint64_t)s;
        carry = (uint64_t)(s >> 64);
    }
    /* carry is always 0: a, b < m < 2^254. */
    nt_mont_reduce_once(r, t, m);
}

static inline NT_MONT_INLINE void nt_mont_sub(uint64_t r[4], const uint64_t a[4], const uint64_t b[4],
                               const uint64_t m[4])
{
    uint64_t t[4];
    nt_u128 d;
    uint64_t borrow = 0;
    int i;
    for (i = 0; i < 4; i++) {
        d = (nt_u128)a[i] - b[i] - borrow;
        t[i] = (uint64_t)d;
        borrow = (uint64_t)(d >> 64) & 1;
    }
    if (borrow) {
        uint64_t carry = 0;
        nt_u128 s;
        for (i = 0; i < 4; i++) {
            s = (nt_u128)t[i] + m[i] + carry;
            t[i] = (uint64_t)s;
            carry = (uint64_t)(s >> 64);
        }
    }
    memcpy(r, t, sizeof t);
}

static inline NT_MONT_INLINE void nt_mont_neg(uint64_t r[4], const uint64_t a[4], const uint64_t m[4])
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
