/*
 * zk/fr.c - the BN254 scalar field Fr in Montgomery form (see fr.h).
 */
#include "zk/fr.h"

#include <string.h>

#include "zk/mont.h"

const uint64_t nt_zk_fr_modulus[4] = {0x43e1f593f0000001ULL, 0x2833e84879b97091ULL,
                                      0xb85045b68181585dULL, 0x30644e72e131a029ULL};
/* -r^-1 mod 2^64 */
#define FR_INV 0xc2e1f593efffffffULL
/* 2^256 mod r (Montgomery one) and 2^512 mod r (to enter Montgomery form). */
static const uint64_t fr_r1[4] = {0xac96341c4ffffffbULL, 0x36fc76959f60cd29ULL,
                                  0x666ea36f7879462eULL, 0x0e0a77c19a07df2fULL};
static const uint64_t fr_r2[4] = {0x1bb8e645ae216da7ULL, 0x53fe3ab1e35c59e3ULL,
                                  0x8c49833d53bb8085ULL, 0x0216d0b17f4e44a5ULL};

static void fr_to_mont(nt_zk_fr *r, const uint64_t plain[4])
{
    nt_mont_mul(r->v, plain, fr_r2, nt_zk_fr_modulus, FR_INV);
}

void nt_zk_fr_get_limbs(uint64_t out[4], const nt_zk_fr *a)
{
    static const uint64_t one[4] = {1, 0, 0, 0};
    nt_mont_mul(out, a->v, one, nt_zk_fr_modulus, FR_INV);
}

void nt_zk_fr_set_zero(nt_zk_fr *r) { memset(r->v, 0, sizeof r->v); }

void nt_zk_fr_set_one(nt_zk_fr *r) { memcpy(r->v, fr_r1, sizeof r->v); }

void nt_zk_fr_set_u64(nt_zk_fr *r, uint64_t v)
{
    uint64_t plain[4] = {v, 0, 0, 0};
    fr_to_mont(r, plain);
}

nt_status nt_zk_fr_set_b32(nt_zk_fr *r, const uint8_t in[32])
{
    uint64_t plain[4];
    nt_mont_from_be(plain, in);
    if (!nt_mont_lt(plain, nt_zk_fr_modulus))
        return NT_ERR_ZK_SCALAR_RANGE;
    fr_to_mont(r, plain);
    return NT_OK;
}

void nt_zk_fr_set_b32_reduce(nt_zk_fr *r, const uint8_t in[32])
{
    uint64_t plain[4];
    nt_mont_from_be(plain, in);
    /* 2^256 < 6r: at most five subtractions. */
    while (!nt_mont_lt(plain, nt_zk_fr_modulus)) {
        nt_u128 d;
        uint64_t borrow = 0;
        int i;
        for (i = 0; i < 4; i++) {
            d = (nt_u128)plain[i] - nt_zk_fr_modulus[i] - borrow;
            plain[i] = (uint64_t)d;
            borrow = (uint64_t)(d >> 64) & 1;
        }
    }
    fr_to_mont(r, plain);
}

void nt_zk_fr_get_b32(uint8_t out[32], const nt_zk_fr *a)
{
    uint64_t plain[4];
    nt_zk_fr_get_limbs(plain, a);
    nt_mont_to_be(out, plain);
}

nt_status nt_zk_u256_parse_dec(uint64_t out[4], const char *s, size_t len)
{
    uint64_t x[4] = {0, 0, 0, 0};
    size_t i = 0;
    int k;

    if (len == 0 || (len > 1 && s[0] == '0'))
        return NT_ERR_ZK_ENCODING;
    for (i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return NT_ERR_ZK_ENCODING;
    }
    /* 2^256 has 78 digits: longer text cannot fit; the cap also bounds the
     * work done on hostile input. */
    if (len > 78)
        return NT_ERR_RANGE;
    /* Up to 19 digits at a time (10^19 < 2^64): x = x 10^n + chunk, one
     * 64-bit product per limb instead of one per limb and digit. */
    for (i = 0; i < len;) {
        uint64_t chunk = 0, scale = 1, carry;
        size_t n = len - i < 19 ? len - i : 19, j;
        for (j = 0; j < n; j++) {
            chunk = chunk * 10u + (uint64_t)(s[i + j] - '0');
            scale *= 10u;
        }
        carry = chunk;
        for (k = 0; k < 4; k++) {
            nt_u128 t = (nt_u128)x[k] * scale + carry;
            x[k] = (uint64_t)t;
            carry = (uint64_t)(t >> 64);
        }
        if (carry != 0)
            return NT_ERR_RANGE;
        i += n;
    }
    memcpy(out, x, sizeof x);
    return NT_OK;
}

nt_status nt_zk_fr_parse_dec(nt_zk_fr *r, const char *s, size_t len)
{
    uint64_t x[4];
    nt_status st = nt_zk_u256_parse_dec(x, s, len);
    if (st == NT_ERR_RANGE)
        return NT_ERR_ZK_SCALAR_RANGE;
    if (st != NT_OK)
        return st;
    if (!nt_mont_lt(x, nt_zk_fr_modulus))
        return NT_ERR_ZK_SCALAR_RANGE;
    fr_to_mont(r, x);
    return NT_OK;
}

nt_status nt_zk_fr_write_dec(char *out, size_t cap, const nt_zk_fr *a)
{
    char tmp[NT_ZK_FR_DEC_MAX + 1];
    uint64_t x[4];
    size_t n = 0, i;
    int k;

    nt_zk_fr_get_limbs(x, a);
    do {
        /* x = x / 10, digit = x % 10, limb by limb from the top. */
        uint64_t rem = 0;
        for (k = 3; k >= 0; k--) {
            nt_u128 cur = ((nt_u128)rem << 64) | x[k];
            x[k] = (uint64_t)(cur / 10u);
            rem = (uint64_t)(cur % 10u);
        }
        tmp[n++] = (char)('0' + rem);
    } while (!nt_mont_is_zero(x) && n < sizeof tmp);
    if (cap < n + 1)
        return NT_ERR_NOSPACE;
    for (i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
    return NT_OK;
}

void nt_zk_fr_add(nt_zk_fr *r, const nt_zk_fr *a, const nt_zk_fr *b)
{
    nt_mont_add(r->v, a->v, b->v, nt_zk_fr_modulus);
}

void nt_zk_fr_sub(nt_zk_fr *r, const nt_zk_fr *a, const nt_zk_fr *b)
{
    nt_mont_sub(r->v, a->v, b->v, nt_zk_fr_modulus);
}

void nt_zk_fr_neg(nt_zk_fr *r, const nt_zk_fr *a) { nt_mont_neg(r->v, a->v, nt_zk_fr_modulus); }

void nt_zk_fr_mul(nt_zk_fr *r, const nt_zk_fr *a, const nt_zk_fr *b)
{
    nt_mont_mul(r->v, a->v, b->v, nt_zk_fr_modulus, FR_INV);
}

void nt_zk_fr_sqr(nt_zk_fr *r, const nt_zk_fr *a)
{
    nt_mont_mul(r->v, a->v, a->v, nt_zk_fr_modulus, FR_INV);
}

void nt_zk_fr_pow_var(nt_zk_fr *r, const nt_zk_fr *a, const uint64_t e[4])
{
    nt_zk_fr acc, base = *a;
    int i;
    nt_zk_fr_set_one(&acc);
    for (i = 255; i >= 0; i--) {
        nt_zk_fr_sqr(&acc, &acc);
        if ((e[i / 64] >> (i % 64)) & 1)
            nt_zk_fr_mul(&acc, &acc, &base);
    }
    *r = acc;
}

nt_status nt_zk_fr_inv_var(nt_zk_fr *r, const nt_zk_fr *a)
{
    /* Fermat: a^(r-2). r - 2 differs from r only in the lowest limb. */
    uint64_t e[4];
    if (nt_zk_fr_is_zero(a))
        return NT_ERR_INVALID_ARG;
    memcpy(e, nt_zk_fr_modulus, sizeof e);
    e[0] -= 2;
    nt_zk_fr_pow_var(r, a, e);
    return NT_OK;
}

bool nt_zk_fr_eq(const nt_zk_fr *a, const nt_zk_fr *b)
{
    return memcmp(a->v, b->v, sizeof a->v) == 0;
}

bool nt_zk_fr_is_zero(const nt_zk_fr *a) { return nt_mont_is_zero(a->v); }
