/*
 * Suite "zkmeta": what a browser pays for a selective-disclosure proof heard
 * in mDNS (trust_meta.h, DESIGN §5), against the bare Groth16 check.
 *
 * ours: the first sight of a metadata TXT: decode the RDATA (strings,
 *       base64 pieces, compact signals, point validation incl. the G2
 *       subgroup check), the statement and keyBinding check (Poseidon),
 *       then nt_zk_groth16_verify. A record heard again costs a SHA-256 of
 *       its bytes (the per-instance cache key): zkmeta.repeat_hash.
 * peer: nt_zk_groth16_verify alone on the already-parsed proof and inputs.
 * ratio ours/peer: the share of the verification that is decoding and
 * statement checks (1.0 = free).
 *
 * Input: tests/unit/trust_mdns/fixtures (gen_fixture.sh): a proof bound to
 * the fixed test key (seed 3 x 32, pub.local) and its verification key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "nautilus/crypto.h"
#include "nautilus/mem.h"
#include "nautilus/trust.h"
#include "nautilus/trust_meta.h"
#include "nautilus/zk.h"

#define FIXTURES NT_CORPUS_SOURCE_DIR "/tests/unit/trust_mdns/fixtures/"
#define DECODE_BATCH 16

typedef struct zkmeta_state {
    nt_zk_vk *vk;
    nt_zk_proof proof;
    nt_zk_public *pub;
    uint8_t rd[NT_TRUST_META_RDATA_MAX];
    size_t rd_len;
    uint8_t digest[32];
    uint64_t sink;
} zkmeta_state;

static nt_status read_all(const char *name, char **out, size_t *len)
{
    char path[1024];
    FILE *f;
    long n;
    snprintf(path, sizeof path, "%s%s", FIXTURES, name);
    if (!(f = fopen(path, "rb")))
        return NT_ERR_IO;
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) != 0 ||
        !(*out = nt_malloc((size_t)n))) {
        fclose(f);
        return NT_ERR_IO;
    }
    *len = fread(*out, 1, (size_t)n, f);
    fclose(f);
    return *len == (size_t)n ? NT_OK : NT_ERR_IO;
}

static nt_status first_sight(zkmeta_state *s)
{
    nt_trust_meta m;
    nt_trust_zk_claim c;
    nt_status st = nt_trust_meta_parse(&m, s->rd, s->rd_len);
    if (st != NT_OK)
        return st;
    if (!m.has_zk)
        st = NT_ERR_TRUST_ZK_MALFORMED;
    if (st == NT_OK)
        st = nt_trust_zk_statement(&c, m.pub, s->digest);
    if (st == NT_OK)
        st = nt_zk_groth16_verify(s->vk, &m.proof, m.pub);
    s->sink += c.threshold;
    nt_trust_meta_cleanup(&m);
    return st;
}

static nt_status ours_batch(void *arg, uint64_t *ops)
{
    nt_status st = first_sight(arg);
    if (st == NT_OK)
        *ops += 1;
    return st;
}

static nt_status peer_batch(void *arg, uint64_t *ops)
{
    zkmeta_state *s = arg;
    nt_status st = nt_zk_groth16_verify(s->vk, &s->proof, s->pub);
    if (st == NT_OK)
        *ops += 1;
    return st;
}

/* A repeat: the cache key of the record (hooks.c: SHA-256 of key digest and
 * RDATA). */
static nt_status repeat_batch(void *arg, uint64_t *ops)
{
    zkmeta_state *s = arg;
    uint8_t buf[32 + NT_TRUST_META_RDATA_MAX], h[32];
    int i;
    memcpy(buf, s->digest, 32);
    memcpy(buf + 32, s->rd, s->rd_len);
    for (i = 0; i < DECODE_BATCH; i++) {
        nt_sha256(h, buf, 32 + s->rd_len);
        s->sink += h[0];
    }
    *ops += DECODE_BATCH;
    return NT_OK;
}

NT_BENCH_SUITE_DEFINE(zkmeta)
{
    zkmeta_state s;
    char *vk_text = NULL, *proof_text = NULL, *pub_text = NULL;
    size_t vk_len = 0, proof_len = 0, pub_len = 0;
    uint8_t vk_id[NT_TRUST_ZK_VK_ID_LEN], seed[32];
    nt_ed25519_key key;
    nt_dns_name host;
    nt_trust_signer signer;
    double ours = 0, peer = 0, repeat = 0;
    nt_status st;

    memset(&s, 0, sizeof s);
    if ((st = read_all("verification_key.json", &vk_text, &vk_len)) != NT_OK ||
        (st = read_all("proof.json", &proof_text, &proof_len)) != NT_OK ||
        (st = read_all("public.json", &pub_text, &pub_len)) != NT_OK ||
        (st = nt_zk_vk_parse_json(&s.vk, vk_text, vk_len)) != NT_OK ||
        (st = nt_zk_proof_parse_json(&s.proof, proof_text, proof_len)) != NT_OK ||
        (st = nt_zk_public_parse_json(&s.pub, pub_text, pub_len)) != NT_OK)
        goto cleanup;
    nt_trust_zk_vk_id(vk_id, (const uint8_t *)vk_text, vk_len);
    if ((st = nt_trust_meta_write(s.rd, sizeof s.rd, &s.rd_len, vk_id, &s.proof, s.pub)) != NT_OK)
        goto cleanup;
    memset(seed, 3, sizeof seed);
    if ((st = nt_ed25519_key_from_seed(&key, seed)) != NT_OK ||
        (st = nt_dns_name_from_str(&host, "pub.local")) != NT_OK)
        goto cleanup;
    nt_trust_signer_init(&signer, &key, &host, 0);
    memcpy(s.digest, signer.key_digest, 32);
    nt_trust_signer_cleanup(&signer);
    /* Checked in smoke mode too: the record decodes and verifies. */
    if ((st = first_sight(&s)) != NT_OK)
        goto cleanup;
    nt_bench_note(ctx, "metadata TXT %zu bytes (proof 256 B, %zu public signals)", s.rd_len,
                  nt_zk_public_count(s.pub));
    if ((st = nt_bench_compare(ctx, &ours, ours_batch, &s, &peer, peer_batch, &s)) != NT_OK ||
        (st = nt_bench_measure(ctx, &repeat, repeat_batch, &s)) != NT_OK)
        goto cleanup;
    nt_bench_report(ctx, "zkmeta.first_sight", ours, peer, "verifications/s");
    nt_bench_report(ctx, "zkmeta.repeat_hash", repeat, 0, "records/s");
cleanup:
    nt_free(vk_text);
    nt_free(proof_text);
    nt_free(pub_text);
    nt_zk_vk_destroy(s.vk);
    nt_zk_public_destroy(s.pub);
    return st;
}
