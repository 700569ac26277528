/*
 * zk/groth16.c - Groth16 verification (public data only, see nautilus/zk.h).
 * First cut: the API is declared; the pairing layers land next.
 */
#include "nautilus/zk.h"

nt_status nt_zk_vk_parse_json(nt_zk_vk **out, const char *json, size_t len)
{
    (void)out; (void)json; (void)len;
    return NT_ERR_UNSUPPORTED;
}

void nt_zk_vk_destroy(nt_zk_vk *vk) { (void)vk; }

size_t nt_zk_vk_public_count(const nt_zk_vk *vk) { (void)vk; return 0; }

nt_status nt_zk_proof_parse_json(nt_zk_proof *out, const char *json, size_t len)
{
    (void)out; (void)json; (void)len;
    return NT_ERR_UNSUPPORTED;
}

nt_status nt_zk_proof_parse(nt_zk_proof *out, const uint8_t *in, size_t len)
{
    (void)out; (void)in; (void)len;
    return NT_ERR_UNSUPPORTED;
}

void nt_zk_proof_write(uint8_t out[NT_ZK_PROOF_BYTES], const nt_zk_proof *proof)
{
    (void)out; (void)proof;
}

nt_status nt_zk_public_parse_json(nt_zk_public **out, const char *json, size_t len)
{
    (void)out; (void)json; (void)len;
    return NT_ERR_UNSUPPORTED;
}

nt_status nt_zk_public_parse(nt_zk_public **out, const uint8_t *in, size_t len)
{
    (void)out; (void)in; (void)len;
    return NT_ERR_UNSUPPORTED;
}

nt_status nt_zk_public_write(uint8_t *out, size_t cap, size_t *out_len, const nt_zk_public *pub)
{
    (void)out; (void)cap; (void)out_len; (void)pub;
    return NT_ERR_UNSUPPORTED;
}

void nt_zk_public_destroy(nt_zk_public *pub) { (void)pub; }

size_t nt_zk_public_count(const nt_zk_public *pub) { (void)pub; return 0; }

nt_status nt_zk_public_get_b32(uint8_t out[32], const nt_zk_public *pub, size_t i)
{
    (void)out; (void)pub; (void)i;
    return NT_ERR_UNSUPPORTED;
}

nt_status nt_zk_public_get_dec(char *out, size_t cap, const nt_zk_public *pub, size_t i)
{
    (void)out; (void)cap; (void)pub; (void)i;
    return NT_ERR_UNSUPPORTED;
}

nt_status nt_zk_groth16_verify(const nt_zk_vk *vk, const nt_zk_proof *proof,
                               const nt_zk_public *pub)
{
    (void)vk; (void)proof; (void)pub;
    return NT_ERR_UNSUPPORTED;
}
