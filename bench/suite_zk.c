/*
 * bench/suite_zk.c - Groth16 verification, one BN254 pairing and Poseidon:
 * ours against snarkjs / ffjavascript / circomlibjs, in the same run.
 *
 * Ours is measured in process with nt_bench_measure. The peers run in one
 * node child process (bench/snarkjs_verify.js: in-process loops after a
 * warm-up) that prints its rates; node startup is not part of any figure.
 * Both sides verify the same committed snarkjs proof
 * (tests/vectors/zk/proof_1.json under verification_key.json).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "nautilus/mem.h"
#include "nautilus/zk.h"
#include "nautilus/zk_poseidon.h"

#ifndef NT_CORPUS_SOURCE_DIR
#define NT_CORPUS_SOURCE_DIR "."
#endif

#define ZK_PATH_CAP 4096
#define ZK_CHILD_OUT_CAP 4096
#define POSEIDON_PER_BATCH 64

/* The BN254 generators in EIP-196/197 layout (G2 imaginary part first). */
static const char g1_gen_hex[] =
    "0000000000000000000000000000000000000000000000000000000000000001"
    "0000000000000000000000000000000000000000000000000000000000000002";
static const char g2_gen_hex[] =
    "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2"
    "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed"
    "090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b"
    "12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa";

typedef struct zk_bench {
    nt_zk_vk *vk;
    nt_zk_public *pub;
    nt_zk_proof proof;
    uint8_t g1[NT_ZK_G1_BYTES];
    uint8_t g2[NT_ZK_G2_BYTES];
    uint8_t gt[NT_ZK_GT_BYTES];
    uint8_t state[NT_ZK_POSEIDON_MAX_INPUTS][32];
} zk_bench;

static const char *source_dir(void)
{
    const char *d = getenv("NT_SOURCE_DIR");
    return d && *d ? d : NT_CORPUS_SOURCE_DIR;
}

static void hex_to_bytes(uint8_t *out, const char *hex, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

static nt_status read_text(const char *name, char **out, size_t *len)
{
    char path[ZK_PATH_CAP];
    FILE *f;
    long n;
    char *buf;

    if ((size_t)snprintf(path, sizeof path, "%s/tests/vectors/zk/%s", source_dir(), name) >= sizeof path)
        return NT_ERR_NOSPACE;
    f = fopen(path, "rb");
    if (!f)
        return NT_ERR_IO;
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || n > (long)NT_ZK_MAX_JSON ||
        fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NT_ERR_IO;
    }
    buf = nt_malloc((size_t)n + 1);
    if (!buf) {
        fclose(f);
        return NT_ERR_NOMEM;
    }
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
        nt_free(buf);
        fclose(f);
        return NT_ERR_IO;
    }
    fclose(f);
    buf[n] = 0;
    *out = buf;
    *len = (size_t)n;
    return NT_OK;
}

static nt_status load(zk_bench *b)
{
    char *vk = NULL, *proof = NULL, *pub = NULL;
    size_t vk_len, proof_len, pub_len;
    nt_status st;

    st = read_text("verification_key.json", &vk, &vk_len);
    if (st == NT_OK)
        st = read_text("proof_1.json", &proof, &proof_len);
    if (st == NT_OK)
        st = read_text("public_1.json", &pub, &pub_len);
    if (st == NT_OK)
        st = nt_zk_vk_parse_json(&b->vk, vk, vk_len);
    if (st == NT_OK)
        st = nt_zk_proof_parse_json(&b->proof, proof, proof_len);
    if (st == NT_OK)
        st = nt_zk_public_parse_json(&b->pub, pub, pub_len);
    nt_free(vk);
    nt_free(proof);
    nt_free(pub);
    return st;
}

static nt_status verify_batch(void *arg, uint64_t *ops)
{
    zk_bench *b = arg;
    nt_status st = nt_zk_groth16_verify(b->vk, &b->proof, b->pub);
    if (st != NT_OK)
        return st;
    *ops += 1;
    return NT_OK;
}

static nt_status pairing_batch(void *arg, uint64_t *ops)
{
    zk_bench *b = arg;
    nt_status st = nt_zk_bn254_pairing(b->gt, b->g1, b->g2);
    if (st != NT_OK)
        return st;
    *ops += 1;
    return NT_OK;
}

/* Chains hashes (output becomes the first input) so no call is dead code. */
static nt_status poseidon_batch(zk_bench *b, size_t n, uint64_t *ops)
{
    size_t i;
    nt_status st;
    for (i = 0; i < POSEIDON_PER_BATCH; i++) {
        st = nt_zk_poseidon_b32(b->state[0], (const uint8_t(*)[32])b->state, n);
        if (st != NT_OK)
            return st;
    }
    *ops += POSEIDON_PER_BATCH;
    return NT_OK;
}

static nt_status poseidon2_batch(void *arg, uint64_t *ops) { return poseidon_batch(arg, 2, ops); }
static nt_status poseidon8_batch(void *arg, uint64_t *ops) { return poseidon_batch(arg, 8, ops); }

static nt_status measure_ours(nt_bench_ctx *ctx, zk_bench *b, double rates[4])
{
    static const nt_bench_batch_fn fns[4] = {verify_batch, pairing_batch, poseidon2_batch,
                                             poseidon8_batch};
    nt_status st;
    size_t i;
    for (i = 0; i < 4; i++) {
        st = nt_bench_measure(ctx, &rates[i], fns[i], b);
        if (st != NT_OK)
            return st;
    }
    return NT_OK;
}

/* Runs the node peer; fills the four rates (0 when unavailable). */
static void run_peer(nt_bench_ctx *ctx, double seconds, double rates[4])
{
    static const char *const names[4] = {"verify_per_s", "pairing_per_s", "poseidon2_per_s",
                                         "poseidon8_per_s"};
    char script[ZK_PATH_CAP], vk[ZK_PATH_CAP], pub[ZK_PATH_CAP], proof[ZK_PATH_CAP];
    char secs[32], out[ZK_CHILD_OUT_CAP], *line, *save = NULL;
    const char *src = source_dir();
    int fds[2], status;
    size_t len = 0, i;
    ssize_t n;
    pid_t pid;

    memset(rates, 0, 4 * sizeof rates[0]);
    snprintf(script, sizeof script, "%s/bench/snarkjs_verify.js", src);
    snprintf(vk, sizeof vk, "%s/tests/vectors/zk/verification_key.json", src);
    snprintf(pub, sizeof pub, "%s/tests/vectors/zk/public_1.json", src);
    snprintf(proof, sizeof proof, "%s/tests/vectors/zk/proof_1.json", src);
    snprintf(secs, sizeof secs, "%.3f", seconds);
    if (pipe(fds) != 0) {
        nt_bench_note(ctx, "zk: pipe failed: %s", strerror(errno));
        return;
    }
    fflush(stdout);
    pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        nt_bench_note(ctx, "zk: fork failed: %s", strerror(errno));
        return;
    }
    if (pid == 0) {
        char *argv[] = {"node", "--no-warnings", script, vk, pub, proof, secs, NULL};
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(fds[1]);
    while (len < sizeof out - 1 && (n = read(fds[0], out + len, sizeof out - 1 - len)) > 0)
        len += (size_t)n;
    close(fds[0]);
    out[len] = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        nt_bench_note(ctx, "zk: node peer (bench/snarkjs_verify.js) failed; no peer figures");
        return;
    }
    for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char key[32];
        double v;
        if (sscanf(line, "%31s %lf", key, &v) != 2)
            continue;
        for (i = 0; i < 4; i++)
            if (strcmp(key, names[i]) == 0)
                rates[i] = v;
    }
}

NT_BENCH_SUITE_DEFINE(zk)
{
    zk_bench *b = nt_calloc(1, sizeof *b);
    nt_zk_public *bad = NULL;
    uint8_t pubs[64 * 32];
    double ours[4], again[4], peer[4];
    size_t i, plen;
    nt_status st;

    if (!b)
        return NT_ERR_NOMEM;
    st = load(b);
    if (st != NT_OK) {
        nt_bench_note(ctx, "zk: cannot load tests/vectors/zk fixtures: %s", nt_strerror(st));
        goto out;
    }
    /* Check the results before timing them: the proof verifies, and the
     * same proof with other public inputs does not. */
    st = nt_zk_groth16_verify(b->vk, &b->proof, b->pub);
    if (st != NT_OK) {
        nt_bench_note(ctx, "zk: the fixture proof does not verify: %s", nt_strerror(st));
        goto out;
    }
    st = nt_zk_public_write(pubs, sizeof pubs, &plen, b->pub);
    if (st == NT_OK) {
        pubs[31] ^= 1; /* disclosed[0] changed */
        st = nt_zk_public_parse(&bad, pubs, plen);
    }
    if (st != NT_OK || nt_zk_groth16_verify(b->vk, &b->proof, bad) != NT_ERR_ZK_PROOF_INVALID) {
        nt_bench_note(ctx, "zk: a wrong statement was not rejected as invalid");
        st = NT_ERR_ZK_PROOF_INVALID;
        goto out;
    }
    hex_to_bytes(b->g1, g1_gen_hex, sizeof b->g1);
    hex_to_bytes(b->g2, g2_gen_hex, sizeof b->g2);
    for (i = 0; i < NT_ZK_POSEIDON_MAX_INPUTS; i++)
        b->state[i][31] = (uint8_t)(i + 1);

    /* Ours is measured before and after the peer and the better figure
     * kept, so a burst of load from elsewhere does not favour either side. */
    st = measure_ours(ctx, b, ours);
    if (st != NT_OK)
        goto out;
    run_peer(ctx, nt_bench_smoke(ctx) ? 0.05 : 2.0, peer);
    st = measure_ours(ctx, b, again);
    if (st != NT_OK)
        goto out;
    for (i = 0; i < 4; i++)
        if (again[i] > ours[i])
            ours[i] = again[i];

    nt_bench_report(ctx, "zk.groth16_verify", ours[0], peer[0], "verify/s");
    nt_bench_note(ctx, "zk: groth16 verify %.3f ms ours, %.3f ms snarkjs 0.7.6 (x%.1f)",
                  1e3 / ours[0], peer[0] > 0 ? 1e3 / peer[0] : 0.0,
                  peer[0] > 0 ? ours[0] / peer[0] : 0.0);
    nt_bench_report(ctx, "zk.pairing", ours[1], peer[1], "pairing/s");
    nt_bench_note(ctx, "zk: one pairing %.3f ms ours, %.3f ms ffjavascript", 1e3 / ours[1],
                  peer[1] > 0 ? 1e3 / peer[1] : 0.0);
    nt_bench_report(ctx, "zk.poseidon2", ours[2], peer[2], "hash/s");
    nt_bench_report(ctx, "zk.poseidon8", ours[3], peer[3], "hash/s");
    nt_bench_note(ctx, "zk: poseidon 2 inputs %.2f us ours, %.2f us circomlibjs", 1e6 / ours[2],
                  peer[2] > 0 ? 1e6 / peer[2] : 0.0);
out:
    nt_zk_public_destroy(bad);
    nt_zk_public_destroy(b->pub);
    nt_zk_vk_destroy(b->vk);
    nt_free(b);
    return st;
}
