/*
 * zk/fp.c - the BN254 base field Fp: conversions and inversion (see fp.h).
 */
#include "zk/fp.h"

#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#endif

/* 2^512 mod p, to enter Montgomery form. */
static const uint64_t fp_r2[4] = {0xf32cfc5b538afa89ULL, 0xb5e71911d44501fbULL,
                                  0x47ab1eff0a417ff6ULL, 0x06d89f71cab8351fULL};

static void fp_from_plain(nt_fp *r, const uint64_t plain[4])
{
    nt_mont_mul(r->v, plain, fp_r2, nt_fp_p, NT_FP_INV);
}

static int cpu_has_adx(void)
{
#ifdef NT_FP_HAVE_ADX_CODE
    /* CPUID leaf 7, subleaf 0: EBX bit 8 = BMI2 (mulx), bit 19 = ADX. */
    unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx))
        return 0;
    return (ebx >> 8 & 1u) && (ebx >> 19 & 1u);
#else
    return 0;
#endif
}

int nt_fp_adx = -1;

void nt_fp_set_adx(bool on) { nt_fp_adx = on ? cpu_has_adx() : 0; }

/* Detect once at load time so the hot paths only test a flag. */
__attribute__((constructor)) static void fp_detect(void)
{
    if (nt_fp_adx < 0)
        nt_fp_adx = cpu_has_adx();
}

void nt_fp_mul_portable(nt_fp *r, const nt_fp *a, const nt_fp *b)
{
    nt_mont_mul(r->v, a->v, b->v, nt_fp_p, NT_FP_INV);
}

void nt_fp_set_u64(nt_fp *r, uint64_t v)
{
    uint64_t plain[4] = {v, 0, 0, 0};
    fp_from_plain(r, plain);
}

nt_status nt_fp_set_b32(nt_fp *r, const uint8_t in[32])
{
    uint64_t plain[4];
    nt_mont_from_be(plain, in);
    if (!nt_mont_lt(plain, nt_fp_p))
        return NT_ERR_ZK_COORD_RANGE;
    fp_from_plain(r, plain);
    return NT_OK;
}

void nt_fp_get_b32(uint8_t out[32], const nt_fp *a)
{
    static const uint64_t one[4] = {1, 0, 0, 0};
    uint64_t plain[4];
    nt_mont_mul(plain, a->v, one, nt_fp_p, NT_FP_INV);
    nt_mont_to_be(out, plain);
}

nt_status nt_fp_parse_dec(nt_fp *r, const char *s, size_t len)
{
    uint64_t x[4];
    nt_status st = nt_zk_u256_parse_dec(x, s, len);
    if (st == NT_ERR_RANGE)
        return NT_ERR_ZK_COORD_RANGE;
    if (st != NT_OK)
        return st;
    if (!nt_mont_lt(x, nt_fp_p))
        return NT_ERR_ZK_COORD_RANGE;
    fp_from_plain(r, x);
    return NT_OK;
}

void nt_fp_pow_var(nt_fp *r, const nt_fp *a, const uint64_t *e, size_t n)
{
    nt_fp acc = nt_fp_one, base = *a;
    size_t i;
    int bit;
    for (i = n; i-- > 0;) {
        for (bit = 63; bit >= 0; bit--) {
            nt_fp_sqr(&acc, &acc);
            if ((e[i] >> bit) & 1)
                nt_fp_mul(&acc, &acc, &base);
        }
    }
    *r = acc;
}

/* a >>= n on 4 limbs, 1 <= n <= 63. */
static inline void shr_n(uint64_t a[4], unsigned n)
{
    a[0] = (a[0] >> n) | (a[1] << (64 - n));
    a[1] = (a[1] >> n) | (a[2] << (64 - n));
    a[2] = (a[2] >> n) | (a[3] << (64 - n));
    a[3] >>= n;
}

/* a <<= n on 4 limbs, 1 <= n <= 63 (no bit lost: see nt_fp_inv_var). */
static inline void shl_n(uint64_t a[4], unsigned n)
{
    a[3] = (a[3] << n) | (a[2] >> (64 - n));
    a[2] = (a[2] << n) | (a[1] >> (64 - n));
    a[1] = (a[1] << n) | (a[0] >> (64 - n));
    a[0] <<= n;
}

/* The trailing zero bits of a non-zero a, at most 63 (a run of zeros
 * longer than that is taken in several steps). */
static inline unsigned tz63(const uint64_t a[4])
{
    return a[0] == 0 ? 63u : (unsigned)__builtin_ctzll(a[0]);
}

#ifdef NT_MONT_ADC
/* a -= b on 4 limbs (a >= b). */
static inline void sub_plain(uint64_t a[4], const uint64_t b[4])
{
    nt_ull t0, t1, t2, t3;
    unsigned char c;
    c = _subborrow_u64(0, a[0], b[0], &t0);
    c = _subborrow_u64(c, a[1], b[1], &t1);
    c = _subborrow_u64(c, a[2], b[2], &t2);
    (void)_subborrow_u64(c, a[3], b[3], &t3);
    a[0] = t0;
    a[1] = t1;
    a[2] = t2;
    a[3] = t3;
}

/* a += b on 4 limbs (no carry out: the sum stays below 2^255). */
static inline void add_plain(uint64_t a[4], const uint64_t b[4])
{
    nt_ull t0, t1, t2, t3;
    unsigned char c;
    c = _addcarry_u64(0, a[0], b[0], &t0);
    c = _addcarry_u64(c, a[1], b[1], &t1);
    c = _addcarry_u64(c, a[2], b[2], &t2);
    (void)_addcarry_u64(c, a[3], b[3], &t3);
    a[0] = t0;
    a[1] = t1;
    a[2] = t2;
    a[3] = t3;
}
#else
/* a -= b on 4 limbs (a >= b). */
static inline void sub_plain(uint64_t a[4], const uint64_t b[4])
{
    uint64_t borrow = 0;
    int i;
    for (i = 0; i < 4; i++) {
        nt_u128 t = (nt_u128)a[i] - b[i] - borrow;
        a[i] = (uint64_t)t;
        borrow = (uint64_t)(t >> 64) & 1;
    }
}

/* a += b on 4 limbs (no carry out: the sum stays below 2^255). */
static inline void add_plain(uint64_t a[4], const uint64_t b[4])
{
    uint64_t carry = 0;
    int i;
    for (i = 0; i < 4; i++) {
        nt_u128 t = (nt_u128)a[i] + b[i] + carry;
        a[i] = (uint64_t)t;
        carry = (uint64_t)(t >> 64);
    }
}
#endif

void nt_fp_inv_var(nt_fp *r, const nt_fp *a)
{
    /* Kaliski's almost Montgomery inverse of the representative A = a 2^256
     * (variable time: public data only). The loop keeps r A = -u 2^k and
     * s A = v 2^k (mod p), with u, v, r, s < 2p, and ends with
     * x = -r = A^-1 2^k mod p, 254 <= k <= 508; 512 - k doublings then give
     * A^-1 2^512 = a^-1 2^256, the inverse in Montgomery form. About a
     * quarter of the cost of a^(p-2). */
    uint64_t u[4], v[4], x[4], s[4];
    nt_fp t;
    int k = 0;
    if (nt_fp_is_zero(a)) {
        nt_fp_set_zero(r);
        return;
    }
    memcpy(u, nt_fp_p, sizeof u);
    memcpy(v, a->v, sizeof v);
    memset(x, 0, sizeof x);
    memset(s, 0, sizeof s);
    s[0] = 1;
    /* A run of n halvings of u (or v) is taken at once: the same steps as
     * one at a time, with the same bounds. */
    while (!nt_mont_is_zero(v)) {
        unsigned n;
        if ((u[0] & 1) == 0) {
            n = tz63(u);
            shr_n(u, n);
            shl_n(s, n);
        } else if ((v[0] & 1) == 0) {
            n = tz63(v);
            shr_n(v, n);
            shl_n(x, n);
        } else if (nt_mont_lt(v, u)) {
            sub_plain(u, v);
            shr_n(u, 1);
            add_plain(x, s);
            shl_n(s, 1);
            n = 1;
        } else {
            sub_plain(v, u);
            shr_n(v, 1);
            add_plain(s, x);
            shl_n(x, 1);
            n = 1;
        }
        k += (int)n;
    }
    if (!nt_mont_lt(x, nt_fp_p))
        sub_plain(x, nt_fp_p);
    memcpy(t.v, nt_fp_p, sizeof t.v);
    sub_plain(t.v, x); /* -r: in [1, p - 1] since gcd(A, p) = 1 */
    for (; k < 512; k++)
        nt_fp_dbl(&t, &t);
    *r = t;
}
