/*
 * zk/eip197.c - the alt_bn128 precompile operations: ECADD and ECMUL
 * (EIP-196) and the pairing check (EIP-197), on byte strings in the
 * precompile ABI. Public data only.
 */
#include <string.h>

#include "nautilus/buf.h"
#include "nautilus/mem.h"
#include "nautilus/zk.h"
#include "zk/pairing.h"

/* EIP-196: input shorter than expected is padded with zeros on the right,
 * longer input is truncated. Reads through nt_buf (STYLE rule 1). */
static void read_padded(uint8_t *out, size_t n, const uint8_t *in, size_t len)
{
    nt_buf b;
    size_t take = len < n ? len : n;
    memset(out, 0, n);
    nt_buf_init(&b, in, len);
    if (nt_buf_get_bytes(&b, out, take) != NT_OK)
        memset(out, 0, n);
}

nt_status nt_zk_bn254_add(uint8_t out[NT_ZK_G1_BYTES], const uint8_t *in, size_t len)
{
    uint8_t buf[128];
    nt_g1_affine a, b;
    nt_g1_jac j;
    nt_status st;

    read_padded(buf, sizeof buf, in, len);
    if ((st = nt_g1_affine_set_b64(&a, buf)) != NT_OK)
        return st;
    if ((st = nt_g1_affine_set_b64(&b, buf + 64)) != NT_OK)
        return st;
    nt_g1_jac_set_affine(&j, &a);
    nt_g1_jac_add_affine_var(&j, &j, &b);
    nt_g1_jac_to_affine_var(&a, &j);
    nt_g1_affine_get_b64(out, &a);
    return NT_OK;
}

nt_status nt_zk_bn254_mul(uint8_t out[NT_ZK_G1_BYTES], const uint8_t *in, size_t len)
{
    uint8_t buf[96];
    uint64_t k[4];
    nt_g1_affine a;
    nt_g1_jac j;
    nt_status st;

    read_padded(buf, sizeof buf, in, len);
    if ((st = nt_g1_affine_set_b64(&a, buf)) != NT_OK)
        return st;
    /* The scalar is any 256-bit integer (EIP-196 does not reduce or reject). */
    nt_mont_from_be(k, buf + 64);
    nt_g1_mul_var(&j, &a, k);
    nt_g1_jac_to_affine_var(&a, &j);
    nt_g1_affine_get_b64(out, &a);
    return NT_OK;
}

/* Pairs per Miller loop; longer inputs multiply several loops together
 * before the one final exponentiation. */
#define CHUNK 4

nt_status nt_zk_bn254_pairing_check(bool *ok, const uint8_t *in, size_t len)
{
    nt_g1_affine p[CHUNK];
    nt_g2_affine q[CHUNK];
    nt_zk_pair pairs[CHUNK];
    nt_fp12 acc, f;
    nt_buf b;
    size_t npairs, i, m;
    nt_status st;

    if (len % 192 != 0 || len / 192 > NT_ZK_MAX_PUBLIC)
        return NT_ERR_ZK_ENCODING;
    npairs = len / 192;
    nt_buf_init(&b, in, len);
    nt_fp12_set_one(&acc);
    for (i = 0; i < npairs; i += m) {
        size_t j;
        m = npairs - i < CHUNK ? npairs - i : CHUNK;
        for (j = 0; j < m; j++) {
            const uint8_t *g1, *g2;
            if ((st = nt_buf_get_ptr(&b, &g1, 64)) != NT_OK ||
                (st = nt_buf_get_ptr(&b, &g2, 128)) != NT_OK)
                return st;
            if ((st = nt_g1_affine_set_b64(&p[j], g1)) != NT_OK ||
                (st = nt_g2_affine_set_b128(&q[j], g2)) != NT_OK ||
                (st = nt_g2_affine_check_subgroup_var(&q[j])) != NT_OK)
                return st;
            pairs[j].p = &p[j];
            pairs[j].lines = NULL;
            pairs[j].q = &q[j];
            pairs[j].in_g2 = NULL;
        }
        nt_zk_miller_loop(&f, pairs, m);
        nt_fp12_mul(&acc, &acc, &f);
    }
    nt_zk_final_exp(&f, &acc);
    *ok = nt_fp12_is_one(&f);
    return NT_OK;
}

nt_status nt_zk_bn254_pairing(uint8_t out[NT_ZK_GT_BYTES], const uint8_t g1[NT_ZK_G1_BYTES],
                              const uint8_t g2[NT_ZK_G2_BYTES])
{
    nt_g1_affine p;
    nt_g2_affine q;
    nt_fp12 f;
    nt_status st;
    if ((st = nt_g1_affine_set_b64(&p, g1)) != NT_OK)
        return st;
    if ((st = nt_g2_affine_set_b128(&q, g2)) != NT_OK)
        return st;
    if ((st = nt_g2_affine_check_subgroup_var(&q)) != NT_OK)
        return st;
    nt_zk_pairing(&f, &p, &q);
    nt_fp12_get_bytes(out, &f);
    return NT_OK;
}
