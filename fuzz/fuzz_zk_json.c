/*
 * Fuzz target for the snarkjs readers (zk/snarkjs_json.c) and the binary
 * proof / public-input forms: every input goes to the verification-key,
 * proof and public-input parsers. Whatever parses must round-trip:
 * proof JSON -> 256 bytes -> proof -> the same bytes; public JSON -> bytes
 * -> public -> decimal text -> JSON -> the same bytes. Mismatches abort().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nautilus/zk.h"
#include "fuzz/fuzz.h"

static void check_proof(const nt_zk_proof *p)
{
    uint8_t raw[NT_ZK_PROOF_BYTES], raw2[NT_ZK_PROOF_BYTES];
    nt_zk_proof back;
    nt_zk_proof_write(raw, p);
    CHECK(nt_zk_proof_parse(&back, raw, sizeof raw) == NT_OK);
    nt_zk_proof_write(raw2, &back);
    CHECK(memcmp(raw, raw2, sizeof raw) == 0);
}

static void check_public(const nt_zk_public *pub)
{
    size_t n = nt_zk_public_count(pub), len = 0, len2 = 0, i, cap, used = 0;
    uint8_t *raw = NULL, *raw2 = NULL;
    char *text = NULL;
    nt_zk_public *back = NULL, *back2 = NULL;

    CHECK(n <= NT_ZK_MAX_PUBLIC);
    raw = malloc(32 * n + 1);
    raw2 = malloc(32 * n + 1);
    cap = n * 82 + 3;
    text = malloc(cap);
    CHECK(raw != NULL && raw2 != NULL && text != NULL);
    CHECK(nt_zk_public_write(raw, 32 * n, &len, pub) == NT_OK);
    CHECK(len == 32 * n);
    CHECK(nt_zk_public_parse(&back, raw, len) == NT_OK);
    CHECK(nt_zk_public_count(back) == n);

    text[used++] = '[';
    for (i = 0; i < n; i++) {
        char dec[80];
        CHECK(nt_zk_public_get_dec(dec, sizeof dec, back, i) == NT_OK);
        used += (size_t)snprintf(text + used, cap - used, "%s\"%s\"", i ? "," : "", dec);
    }
    text[used++] = ']';
    CHECK(nt_zk_public_parse_json(&back2, text, used) == NT_OK);
    CHECK(nt_zk_public_write(raw2, 32 * n, &len2, back2) == NT_OK);
    CHECK(len2 == len && memcmp(raw, raw2, len) == 0);

    nt_zk_public_destroy(back2);
    nt_zk_public_destroy(back);
    free(text);
    free(raw2);
    free(raw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    nt_zk_vk *vk = NULL;
    nt_zk_proof proof;
    nt_zk_public *pub = NULL;

    if (nt_zk_vk_parse_json(&vk, text, size) == NT_OK) {
        CHECK(nt_zk_vk_public_count(vk) <= NT_ZK_MAX_PUBLIC);
        nt_zk_vk_destroy(vk);
    }
    if (nt_zk_proof_parse_json(&proof, text, size) == NT_OK)
        check_proof(&proof);
    if (nt_zk_public_parse_json(&pub, text, size) == NT_OK) {
        check_public(pub);
        nt_zk_public_destroy(pub);
    }
    /* the binary forms on the raw bytes */
    if (nt_zk_proof_parse(&proof, data, size) == NT_OK)
        check_proof(&proof);
    if (nt_zk_public_parse(&pub, data, size) == NT_OK) {
        check_public(pub);
        nt_zk_public_destroy(pub);
    }
    return 0;
}
