/*
 * zk/msm.c - variable-base multi-scalar multiplication on G1 with the GLV
 * endomorphism (msm.h). Public data only: everything here branches on the
 * scalars.
 */
#include "zk/msm.h"

#include <string.h>

#include "nautilus/mem.h"

/* beta, a primitive cube root of unity in Fp (Montgomery form), and
 * lambda = 0xb3c4d79d41a917585bfc41088d8daaa78b17ea66b99c90dd, the cube root
 * of unity in Fr with (beta x, y) = [lambda](x, y) on G1 (the other pairing
 * of roots is the inverse map). Values from tests/unit/zk/bn254_constants.py. */
static const nt_fp glv_beta = {{0x71930c11d782e155ULL, 0xa6bb947cffbe3323ULL,
                                0xaa303344d4741444ULL, 0x2c3b3f0d26594943ULL}};

/* A reduced basis of the lattice {(a, b) : a + b lambda = 0 mod r}:
 * v1 = (a1, -nb1), v2 = (a2, b2), a1 b2 + a2 nb1 = r; and the rounding
 * constants g1 = round(2^256 b2 / r), g2 = round(2^256 nb1 / r). */
static const uint64_t glv_a1[4] = {0x89d3256894d213e3ULL, 0, 0, 0};
static const uint64_t glv_nb1[4] = {0x8211bbeb7d4f1128ULL, 0x6f4d8248eeb859fcULL, 0, 0};
static const uint64_t glv_a2[4] = {0x0be4e1541221250bULL, 0x6f4d8248eeb859fdULL, 0, 0};
static const uint64_t glv_b2[4] = {0x89d3256894d213e3ULL, 0, 0, 0};
static const uint64_t glv_g1[4] = {0xd91d232ec7e0b3d7ULL, 0x2ULL, 0, 0};
static const uint64_t glv_g2[4] = {0x7a7bd9d4391eb18eULL, 0x4ccef014a773d2cfULL, 0x2ULL, 0};

#define MSM_CHUNK 16                /* scalars per pass */

void nt_g1_batch_to_affine_var(nt_g1_affine *out, const nt_g1_jac *in, size_t n, nt_fp *scratch)
{
    nt_fp acc, inv, zi, zi2;
    size_t i;
    if (n == 0)
        return;
    acc = in[0].z;
    scratch[0] = acc;
    for (i = 1; i < n; i++) {
        nt_fp_mul(&acc, &acc, &in[i].z);
        scratch[i] = acc;
    }
    nt_fp_inv_var(&inv, &acc);
    for (i = n; i-- > 0;) {
        if (i > 0) {
            nt_fp_mul(&zi, &inv, &scratch[i - 1]);
            nt_fp_mul(&inv, &inv, &in[i].z);
        } else {
            zi = inv;
        }
        nt_fp_sqr(&zi2, &zi);
        nt_fp_mul(&out[i].x, &in[i].x, &zi2);
        nt_fp_mul(&zi2, &zi2, &zi);
        nt_fp_mul(&out[i].y, &in[i].y, &zi2);
        out[i].inf = false;
    }
}

void nt_g1_affine_phi(nt_g1_affine *r, const nt_g1_affine *a)
{
    nt_fp_mul(&r->x, &a->x, &glv_beta);
    r->y = a->y;
    r->inf = a->inf;
}

/* ---- the split --------------------------------------------------------- */

/* r = a - b mod 2^256. */
static void u256_sub(uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
    uint64_t borrow = 0;
    int i;
    for (i = 0; i < 4; i++) {
        nt_u128 d = (nt_u128)a[i] - b[i] - borrow;
        r[i] = (uint64_t)d;
        borrow = (uint64_t)(d >> 64) & 1;
    }
}

/* r = a b mod 2^256. */
static void u256_mul_lo(uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
    uint64_t w[8];
    nt_u256_mul_wide(w, a, b);
    memcpy(r, w, 4 * sizeof w[0]);
}

/* A small two's-complement value mod 2^256 as sign and 128-bit magnitude. */
static void to_signed(uint64_t m[2], bool *neg, const uint64_t v[4])
{
    static const uint64_t zero[4] = {0, 0, 0, 0};
    uint64_t t[4];
    *neg = (v[3] >> 63) != 0;
    if (*neg)
        u256_sub(t, zero, v);
    else
        memcpy(t, v, sizeof t);
    m[0] = t[0];
    m[1] = t[1];
}

void nt_g1_glv_split(uint64_t m1[2], bool *neg1, uint64_t m2[2], bool *neg2, const uint64_t k[4])
{
    uint64_t w[8], c1[4], c2[4], t[4], k1[4], k2[4];
    /* c1 ~ k b2 / r, c2 ~ k nb1 / r (floor of a 256-bit fixed-point
     * product; off by at most one, which keeps |k1|, |k2| below 2^128:
     * checked on the extremes and on random scalars by test_msm). */
    nt_u256_mul_wide(w, k, glv_g1);
    memcpy(c1, w + 4, sizeof c1);
    nt_u256_mul_wide(w, k, glv_g2);
    memcpy(c2, w + 4, sizeof c2);
    /* (k1, k2) = (k, 0) - c1 v1 - c2 v2, computed mod 2^256 (the true
     * values are small, so the residues read as two's complement). */
    u256_mul_lo(t, c1, glv_a1);
    u256_sub(k1, k, t);
    u256_mul_lo(t, c2, glv_a2);
    u256_sub(k1, k1, t);
    u256_mul_lo(k2, c1, glv_nb1);
    u256_mul_lo(t, c2, glv_b2);
    u256_sub(k2, k2, t);
    to_signed(m1, neg1, k1);
    to_signed(m2, neg2, k2);
}

/* ---- the multi-scalar multiplication ------------------------------------ */

/* One input of a chunk: its scalar as one or two terms (split). */
typedef struct msm_input {
    const nt_g1_affine *p;
    uint64_t m1[2], m2[2];
    bool neg1, neg2, split;
    int width;
    size_t first;                  /* its table's first point */
} msm_input;

/* One term [sign m] T[0] with T the odd multiples of its base. */
typedef struct msm_term {
    const nt_g1_affine *table;
    bool neg;
    int len;
    int8_t digits[NT_WNAF_MAX];
} msm_term;

/* A chunk's working memory, sized to what its scalars need: in a fresh
 * process every page of new memory costs a page fault (several
 * microseconds on a VM), so nothing is allocated that is not used. */
typedef struct msm_work {
    msm_term *terms;
    nt_g1_jac *jac;
    nt_g1_affine *aff;             /* jac made affine */
    nt_g1_affine *phi;             /* phi of aff, for split scalars */
    nt_fp *scratch;
    size_t nterms;
} msm_work;

static int bit_length(const uint64_t m[2])
{
    if (m[1] != 0)
        return 128 - __builtin_clzll(m[1]);
    return m[0] != 0 ? 64 - __builtin_clzll(m[0]) : 0;
}

/* NAF width for a scalar of this many bits: a wider window costs more
 * table points and saves additions in the loop. */
static int width_for(int bits)
{
    return bits > 96 ? 5 : bits > 32 ? 4 : bits > 12 ? 3 : 2;
}

/* The chunk's non-zero inputs with their split and width; returns how
 * many, and the table points (*npts) and terms (*nterms) they need. */
static size_t plan(msm_input *in, size_t *npts, size_t *nterms, const nt_g1_affine *p,
                   const uint64_t (*k)[4], size_t n)
{
    size_t nb = 0, i;
    *npts = *nterms = 0;
    for (i = 0; i < n; i++) {
        msm_input *x = &in[nb];
        if (p[i].inf || (k[i][0] | k[i][1] | k[i][2] | k[i][3]) == 0)
            continue;
        x->p = &p[i];
        x->split = (k[i][2] | k[i][3]) != 0;
        if (x->split) {
            nt_g1_glv_split(x->m1, &x->neg1, x->m2, &x->neg2, k[i]);
        } else {
            x->m1[0] = k[i][0];
            x->m1[1] = k[i][1];
            x->neg1 = false;
        }
        x->width = width_for(bit_length(x->m1));
        if (x->split && width_for(bit_length(x->m2)) > x->width)
            x->width = width_for(bit_length(x->m2));
        x->first = *npts;
        *npts += (size_t)1 << (x->width - 2);
        *nterms += x->split ? 2 : 1;
        nb++;
    }
    return nb;
}

static nt_status work_alloc(msm_work *w, void **block, size_t npts, size_t nterms)
{
    size_t bytes = nterms * sizeof *w->terms + npts * (sizeof *w->jac + 2 * sizeof *w->aff +
                                                      sizeof *w->scratch);
    uint8_t *b = nt_malloc(bytes > 0 ? bytes : 1);
    if (b == NULL)
        return NT_ERR_NOMEM;
    /* largest alignment first: every member is a multiple of 8 bytes */
    w->jac = (nt_g1_jac *)b;
    w->aff = (nt_g1_affine *)(w->jac + npts);
    w->phi = w->aff + npts;
    w->scratch = (nt_fp *)(w->phi + npts);
    w->terms = (msm_term *)(w->scratch + npts);
    w->nterms = 0;
    *block = b;
    return NT_OK;
}

/* Appends the odd multiples P, 3P, ..., (2^(w-1) - 1)P of x's point. */
static void add_multiples(msm_work *w, const msm_input *x)
{
    size_t j, count = (size_t)1 << (x->width - 2);
    nt_g1_jac *t = &w->jac[x->first], two;
    nt_g1_jac_set_affine(&t[0], x->p);
    nt_g1_jac_dbl(&two, &t[0]);
    for (j = 1; j < count; j++)
        nt_g1_jac_add_var(&t[j], &t[j - 1], &two);
}

static void add_term(msm_work *w, const nt_g1_affine *table, const uint64_t m[2], bool neg,
                     int width)
{
    msm_term *t = &w->terms[w->nterms++];
    uint64_t k[4] = {m[0], m[1], 0, 0};
    t->table = table;
    t->neg = neg;
    t->len = nt_zk_wnaf(t->digits, k, width);
}

/* Builds the terms of the planned inputs: tables (affine, one inversion
 * for all) and digits. Returns the longest digit count. */
static int chunk_terms(msm_work *w, const msm_input *in, size_t nb, size_t npts)
{
    size_t i, j;
    int len = 0;
    for (i = 0; i < nb; i++)
        add_multiples(w, &in[i]);
    nt_g1_batch_to_affine_var(w->aff, w->jac, npts, w->scratch);
    for (i = 0; i < nb; i++) {
        const msm_input *x = &in[i];
        size_t count = (size_t)1 << (x->width - 2);
        add_term(w, &w->aff[x->first], x->m1, x->neg1, x->width);
        if (!x->split)
            continue;
        for (j = 0; j < count; j++)
            nt_g1_affine_phi(&w->phi[x->first + j], &w->aff[x->first + j]);
        add_term(w, &w->phi[x->first], x->m2, x->neg2, x->width);
    }
    for (i = 0; i < w->nterms; i++)
        if (w->terms[i].len > len)
            len = w->terms[i].len;
    return len;
}

/* acc = sum of the chunk's terms: one doubling per digit position. */
static void chunk_sum(nt_g1_jac *acc, const msm_work *w, int len)
{
    size_t t;
    int i;
    nt_g1_jac_set_inf(acc);
    for (i = len - 1; i >= 0; i--) {
        nt_g1_jac_dbl(acc, acc);
        for (t = 0; t < w->nterms; t++) {
            const msm_term *term = &w->terms[t];
            int d = i < term->len ? term->digits[i] : 0;
            nt_g1_affine pt;
            if (d == 0)
                continue;
            pt = term->table[(d < 0 ? -d : d) / 2];
            if ((d < 0) != term->neg)
                nt_fp_neg(&pt.y, &pt.y);
            nt_g1_jac_add_affine_var(acc, acc, &pt);
        }
    }
}

nt_status nt_g1_msm_var(nt_g1_jac *r, const nt_g1_affine *p, const uint64_t (*k)[4], size_t n)
{
    msm_input in[MSM_CHUNK];
    size_t done;
    nt_g1_jac_set_inf(r);
    for (done = 0; done < n; done += MSM_CHUNK) {
        size_t m = n - done < MSM_CHUNK ? n - done : MSM_CHUNK, nb, npts, nterms;
        msm_work w;
        void *block;
        nt_g1_jac part;
        nb = plan(in, &npts, &nterms, p + done, k + done, m);
        if (nb == 0)
            continue;
        if (work_alloc(&w, &block, npts, nterms) != NT_OK)
            return NT_ERR_NOMEM;
        chunk_sum(&part, &w, chunk_terms(&w, in, nb, npts));
        nt_free(block);
        nt_g1_jac_add_var(r, r, &part);
    }
    return NT_OK;
}
