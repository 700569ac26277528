/*
 * bench/suite_zk.c - Groth16 verification, one BN254 pairing and Poseidon:
 * ours against snarkjs / ffjavascript / circomlibjs, in the same run.
 *
 * Groth16, two figures, each the median of the same number of calls timed
 * one by one on both sides (ZK_RUNS; half of ours before the peer runs and
 * half after, so a burst of load from elsewhere does not favour one side):
 *   zk.groth16_oneshot   parse + check + verify from the three JSON texts
 *                        with a one-shot key (what `nautilus zk verify`
 *                        does) against snarkjs' groth16.verify from the
 *                        same texts, which redoes everything per call;
 *   zk.groth16_prepared  nt_zk_groth16_verify on a prepared key and a parsed
 *                        proof against snarkjs with the key-only work done
 *                        ahead (bench/snarkjs_verify.js says exactly what).
 * One pairing and Poseidon are rates (nt_bench_measure: best of 5 rounds,
 * ours measured before and after the peer, the better kept).
 * The peers run in one node child process (bench/snarkjs_verify.js) that
 * prints its figures; node startup is not part of any of them. Both sides
 * verify the same committed snarkjs proof (tests/vectors/zk/proof_1.json
 * under verification_key.json). The whole-process cost of the command is
 * bench/zk_cli.sh's.
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
#define ZK_RUNS 200        /* calls per Groth16 median, each side */
#define ZK_RUNS_SMOKE 6

/* The peer's figures, in the order bench/snarkjs_verify.js names them. */
enum { PEER_ONESHOT_MS, PEER_PREPARED_MS, PEER_PAIRING, PEER_POSEIDON2, PEER_POSEIDON8, PEER_N };

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
    char *text[3];         /* the key, proof and public JSON, for one-shot */
    size_t len[3];
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
    static const char *const names[3] = {"verification_key.json", "proof_1.json", "public_1.json"};
    nt_status st = NT_OK;
    size_t i;

    for (i = 0; i < 3 && st == NT_OK; i++)
        st = read_text(names[i], &b->text[i], &b->len[i]);
    if (st == NT_OK)
        st = nt_zk_vk_parse_json(&b->vk, b->text[0], b->len[0]);
    if (st == NT_OK)
        st = nt_zk_proof_parse_json(&b->proof, b->text[1], b->len[1]);
    if (st == NT_OK)
        st = nt_zk_public_parse_json(&b->pub, b->text[2], b->len[2]);
    return st;
}

/* One call of the command's work: one-shot key, proof, inputs, verify. */
static nt_status oneshot_call(void *arg, uint64_t *ops)
{
    zk_bench *b = arg;
    nt_zk_vk *vk = NULL;
    nt_zk_public *pub = NULL;
    nt_zk_proof proof;
    nt_status st = nt_zk_vk_parse_json_oneshot(&vk, b->text[0], b->len[0]);
    if (st == NT_OK)
        st = nt_zk_proof_parse_json(&proof, b->text[1], b->len[1]);
    if (st == NT_OK)
        st = nt_zk_public_parse_json(&pub, b->text[2], b->len[2]);
    if (st == NT_OK)
        st = nt_zk_groth16_verify(vk, &proof, pub);
    nt_zk_public_destroy(pub);
    nt_zk_vk_destroy(vk);
    *ops += 1;
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

/* Times n calls of fn one by one into t[0..n), in milliseconds. */
static nt_status time_calls(double *t, size_t n, nt_bench_batch_fn fn, void *arg)
{
    uint64_t ops = 0;
    size_t i;
    nt_status st;
    for (i = 0; i < n; i++) {
        double t0 = nt_bench_now();
        if ((st = fn(arg, &ops)) != NT_OK)
            return st;
        t[i] = (nt_bench_now() - t0) * 1e3;
    }
    return NT_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *t, size_t n)
{
    qsort(t, n, sizeof *t, cmp_double);
    return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
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

/* The rates: one pairing, Poseidon with 2 and 8 inputs. */
static nt_status measure_rates(nt_bench_ctx *ctx, zk_bench *b, double rates[3])
{
    static const nt_bench_batch_fn fns[3] = {pairing_batch, poseidon2_batch, poseidon8_batch};
    nt_status st;
    size_t i;
    for (i = 0; i < 3; i++) {
        st = nt_bench_measure(ctx, &rates[i], fns[i], b);
        if (st != NT_OK)
            return st;
    }
    return NT_OK;
}

/* Runs the node peer and reads its output into out[0..cap). */
static bool peer_output(nt_bench_ctx *ctx, double seconds, size_t runs, char *out, size_t cap)
{
    char script[ZK_PATH_CAP], vk[ZK_PATH_CAP], pub[ZK_PATH_CAP], proof[ZK_PATH_CAP];
    char secs[32], nruns[32];
    const char *src = source_dir();
    int fds[2], status;
    size_t len = 0;
    ssize_t n;
    pid_t pid;

    snprintf(script, sizeof script, "%s/bench/snarkjs_verify.js", src);
    snprintf(vk, sizeof vk, "%s/tests/vectors/zk/verification_key.json", src);
    snprintf(pub, sizeof pub, "%s/tests/vectors/zk/public_1.json", src);
    snprintf(proof, sizeof proof, "%s/tests/vectors/zk/proof_1.json", src);
    snprintf(secs, sizeof secs, "%.3f", seconds);
    snprintf(nruns, sizeof nruns, "%zu", runs);
    if (pipe(fds) != 0) {
        nt_bench_note(ctx, "zk: pipe failed: %s", strerror(errno));
        return false;
    }
    fflush(stdout);
    pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        nt_bench_note(ctx, "zk: fork failed: %s", strerror(errno));
        return false;
    }
    if (pid == 0) {
        char *argv[] = {"node", "--no-warnings", script, vk, pub, proof, secs, nruns, NULL};
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(fds[1]);
    while (len < cap - 1 && (n = read(fds[0], out + len, cap - 1 - len)) > 0)
        len += (size_t)n;
    close(fds[0]);
    out[len] = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        nt_bench_note(ctx, "zk: node peer (bench/snarkjs_verify.js) failed; no peer figures");
        return false;
    }
    return true;
}

/* Runs the node peer; fills its PEER_N figures (0 when unavailable). */
static void run_peer(nt_bench_ctx *ctx, double seconds, size_t runs, double fig[PEER_N])
{
    static const char *const names[PEER_N] = {"verify_oneshot_ms", "verify_prepared_ms",
                                              "pairing_per_s", "poseidon2_per_s",
                                              "poseidon8_per_s"};
    char out[ZK_CHILD_OUT_CAP], *line, *save = NULL;
    size_t i;

    memset(fig, 0, PEER_N * sizeof fig[0]);
    if (!peer_output(ctx, seconds, runs, out, sizeof out))
        return;
    for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char key[32];
        double v;
        if (sscanf(line, "%31s %lf", key, &v) != 2)
            continue;
        for (i = 0; i < PEER_N; i++)
            if (strcmp(key, names[i]) == 0)
                fig[i] = v;
    }
}

/* The fixture proof verifies (both paths), and the same proof with another
 * public input does not: checked before anything is timed. */
static nt_status check_fixture(nt_bench_ctx *ctx, zk_bench *b)
{
    nt_zk_public *bad = NULL;
    uint8_t pubs[64 * 32];
    uint64_t ops = 0;
    size_t plen;
    nt_status st = nt_zk_groth16_verify(b->vk, &b->proof, b->pub);
    if (st == NT_OK)
        st = oneshot_call(b, &ops);
    if (st != NT_OK) {
        nt_bench_note(ctx, "zk: the fixture proof does not verify: %s", nt_strerror(st));
        return st;
    }
    st = nt_zk_public_write(pubs, sizeof pubs, &plen, b->pub);
    if (st == NT_OK) {
        pubs[31] ^= 1; /* disclosed[0] changed */
        st = nt_zk_public_parse(&bad, pubs, plen);
    }
    if (st != NT_OK || nt_zk_groth16_verify(b->vk, &b->proof, bad) != NT_ERR_ZK_PROOF_INVALID) {
        nt_bench_note(ctx, "zk: a wrong statement was not rejected as invalid");
        st = NT_ERR_ZK_PROOF_INVALID;
    }
    nt_zk_public_destroy(bad);
    return st;
}

/* Medians of ours: half the calls now, half after the peer (see top). */
static nt_status time_groth16(zk_bench *b, double *one, double *prep, size_t runs, size_t half)
{
    nt_status st = time_calls(one + half, runs - half, oneshot_call, b);
    if (st == NT_OK)
        st = time_calls(prep + half, runs - half, verify_batch, b);
    return st;
}

static void report(nt_bench_ctx *ctx, const double ms[2], const double rates[3],
                   const double peer[PEER_N])
{
    static const char *const what[2] = {"parse + check + verify from JSON, one-shot key",
                                        "verify, prepared key"};
    size_t i;
    nt_bench_report(ctx, "zk.groth16_oneshot", 1e3 / ms[0],
                    peer[PEER_ONESHOT_MS] > 0 ? 1e3 / peer[PEER_ONESHOT_MS] : 0, "verify/s");
    nt_bench_report(ctx, "zk.groth16_prepared", 1e3 / ms[1],
                    peer[PEER_PREPARED_MS] > 0 ? 1e3 / peer[PEER_PREPARED_MS] : 0, "verify/s");
    for (i = 0; i < 2; i++)
        nt_bench_note(ctx, "zk: %s: median %.3f ms ours, %.3f ms snarkjs 0.7.6 (x%.1f)", what[i],
                      ms[i], peer[i], peer[i] > 0 ? peer[i] / ms[i] : 0.0);
    nt_bench_report(ctx, "zk.pairing", rates[0], peer[PEER_PAIRING], "pairing/s");
    nt_bench_note(ctx, "zk: one pairing %.3f ms ours, %.3f ms ffjavascript", 1e3 / rates[0],
                  peer[PEER_PAIRING] > 0 ? 1e3 / peer[PEER_PAIRING] : 0.0);
    nt_bench_report(ctx, "zk.poseidon2", rates[1], peer[PEER_POSEIDON2], "hash/s");
    nt_bench_report(ctx, "zk.poseidon8", rates[2], peer[PEER_POSEIDON8], "hash/s");
    nt_bench_note(ctx, "zk: poseidon 2 inputs %.2f us ours, %.2f us circomlibjs", 1e6 / rates[1],
                  peer[PEER_POSEIDON2] > 0 ? 1e6 / peer[PEER_POSEIDON2] : 0.0);
}

NT_BENCH_SUITE_DEFINE(zk)
{
    zk_bench *b = nt_calloc(1, sizeof *b);
    size_t runs = nt_bench_smoke(ctx) ? ZK_RUNS_SMOKE : ZK_RUNS, half = runs / 2, i;
    double *one = nt_calloc(runs, sizeof *one), *prep = nt_calloc(runs, sizeof *prep);
    double rates[3], again[3], peer[PEER_N], ms[2];
    nt_status st;

    if (!b || !one || !prep) {
        st = NT_ERR_NOMEM;
        goto out;
    }
    if ((st = load(b)) != NT_OK) {
        nt_bench_note(ctx, "zk: cannot load tests/vectors/zk fixtures: %s", nt_strerror(st));
        goto out;
    }
    if ((st = check_fixture(ctx, b)) != NT_OK)
        goto out;
    hex_to_bytes(b->g1, g1_gen_hex, sizeof b->g1);
    hex_to_bytes(b->g2, g2_gen_hex, sizeof b->g2);
    for (i = 0; i < NT_ZK_POSEIDON_MAX_INPUTS; i++)
        b->state[i][31] = (uint8_t)(i + 1);

    if ((st = time_groth16(b, one, prep, runs, half)) != NT_OK ||
        (st = measure_rates(ctx, b, rates)) != NT_OK)
        goto out;
    run_peer(ctx, nt_bench_smoke(ctx) ? 0.05 : 2.0, runs, peer);
    if ((st = time_groth16(b, one, prep, half, 0)) != NT_OK ||
        (st = measure_rates(ctx, b, again)) != NT_OK)
        goto out;
    for (i = 0; i < 3; i++)
        if (again[i] > rates[i])
            rates[i] = again[i];
    ms[0] = median(one, runs);
    ms[1] = median(prep, runs);
    report(ctx, ms, rates, peer);
out:
    nt_free(prep);
    nt_free(one);
    if (b) {
        for (i = 0; i < 3; i++)
            nt_free(b->text[i]);
        nt_zk_public_destroy(b->pub);
        nt_zk_vk_destroy(b->vk);
    }
    nt_free(b);
    return st;
}
