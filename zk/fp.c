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

void nt_fp_inv_var(nt_fp *r, const nt_fp *a)
{
    /* Fermat's little theorem: a^(p-2); p - 2 differs from p in limb 0 only.
     * One inversion per pairing and per affine conversion: not hot. */
    uint64_t e[4];
    memcpy(e, nt_fp_p, sizeof e);
    e[0] -= 2;
    nt_fp_pow_var(r, a, e, 4);
}
