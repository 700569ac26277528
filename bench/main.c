/*
 * nt-bench: Nautilus benchmarks, each suite measured against a peer
 * implementation in the same run (bench/bench.h explains how to add one).
 *
 *   nt-bench [--smoke] [--time SEC] [--json FILE] [--corpus DIR] [--list] [SUITE ...]
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "corpus.h"

/* The suites, one line each: X(name, summary). Keep sorted by name. */
#define NT_BENCH_SUITES(X)                                                         \
    X(bus, "trust-event bus: authenticated events/s vs bare libzmq PUB/SUB, CURVE off/on") \
    X(canon, "RFC 4034 canonical form of captured RRsets: ours vs ldns")             \
    X(ledger, "ledger: gas per anchored record, RLP, signing, audit vs cast call")   \
    X(mdns, "mDNS engine in memory: legacy answers, cache intake, hostile input")     \
    X(net, "network layer: recvmsg with packet info vs recvfrom, limits, echoes")   \
    X(parse, "parse captured mDNS packets: ours vs ldns_wire2pkt")                     \
    X(rank, "learned choice of 64 instances vs weighted random; the 20-seed simulation") \
    X(trust, "signed RRsets: nt_trust_decide vs bare Ed25519 verify")                 \
    X(zk, "Groth16 verify, pairing, Poseidon: ours vs snarkjs/circomlibjs")           \
    X(zkmeta, "proof in a metadata TXT: decode+statement+Groth16 vs bare Groth16")

#define NT_BENCH_DECLARE(name, summary) nt_status nt_bench_suite_##name(nt_bench_ctx *ctx);
NT_BENCH_SUITES(NT_BENCH_DECLARE)

typedef struct bench_suite {
    const char *name;
    const char *summary;
    nt_status (*run)(nt_bench_ctx *ctx);
} bench_suite;

#define NT_BENCH_ENTRY(name, summary) {#name, summary, nt_bench_suite_##name},
static const bench_suite suites[] = {NT_BENCH_SUITES(NT_BENCH_ENTRY)};
#define NSUITES (sizeof suites / sizeof suites[0])

/* Caps on what one run keeps for the JSON report. */
#define MAX_RESULTS 256
#define MAX_NAME 64
#define MAX_UNIT 16

typedef struct bench_result {
    char suite[MAX_NAME];
    char name[MAX_NAME];
    char unit[MAX_UNIT];
    double ours, peer;
} bench_result;

struct nt_bench_ctx {
    bool smoke;
    double warmup_s, measure_s;
    long batches;  /* --batches N: a fixed amount of work per run (profiling) */
    char corpus_dir[NT_CORPUS_MAX_PATH];
    const char *suite;  /* suite running now */
    bench_result results[MAX_RESULTS];
    size_t nresults;
};

double nt_bench_now(void)
{
    struct timespec ts;
    /* CLOCK_MONOTONIC never jumps; it cannot fail with a valid clock id. */
    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Runs batch for the given time, or exactly `batches` times when that is
 * positive (so that an instruction count under callgrind is repeatable). */
static nt_status run_for(double seconds, long batches, nt_bench_batch_fn batch, void *arg,
                         double *rate)
{
    uint64_t ops = 0;
    double t0 = nt_bench_now(), t, end = t0 + seconds;
    long done = 0;
    nt_status st;
    do {
        st = batch(arg, &ops);
        if (st != NT_OK)
            return st;
        t = nt_bench_now();
        done++;
    } while (batches > 0 ? done < batches : t < end);
    if (ops == 0)
        return NT_ERR_RANGE;
    /* A fixed count may finish within one clock tick. */
    *rate = t > t0 ? (double)ops / (t - t0) : 0;
    return NT_OK;
}

nt_status nt_bench_measure_set(nt_bench_ctx *ctx, size_t nfn, nt_bench_batch_fn *fns, void **args,
                              double *best)
{
    double r;
    size_t i, round;
    nt_status st;

    /* Warm-up: caches, branch predictors, CPU frequency, lazy allocation. */
    for (i = 0; i < nfn; i++) {
        if ((st = run_for(ctx->warmup_s / (double)nfn, ctx->batches > 0 ? 1 : 0, fns[i], args[i], &r)) != NT_OK)
            return st;
        best[i] = 0;
    }
    for (round = 0; round < NT_BENCH_ROUNDS; round++)
        for (i = 0; i < nfn; i++) {
            if ((st = run_for(ctx->measure_s / NT_BENCH_ROUNDS, ctx->batches, fns[i], args[i], &r)) != NT_OK)
                return st;
            if (r > best[i])
                best[i] = r;
        }
    return NT_OK;
}

nt_status nt_bench_measure(nt_bench_ctx *ctx, double *rate, nt_bench_batch_fn batch, void *arg)
{
    return nt_bench_measure_set(ctx, 1, &batch, &arg, rate);
}

nt_status nt_bench_compare(nt_bench_ctx *ctx, double *ours, nt_bench_batch_fn ours_batch,
                           void *ours_arg, double *peer, nt_bench_batch_fn peer_batch,
                           void *peer_arg)
{
    nt_bench_batch_fn fns[2];
    void *args[2];
    double best[2];
    nt_status st;

    fns[0] = ours_batch;
    fns[1] = peer_batch;
    args[0] = ours_arg;
    args[1] = peer_arg;
    if ((st = nt_bench_measure_set(ctx, 2, fns, args, best)) != NT_OK)
        return st;
    *ours = best[0];
    *peer = best[1];
    return NT_OK;
}

static void copy_trunc(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

/* Writes s as a JSON string (RFC 8259 §7). */
static void json_str(FILE *f, const char *s)
{
    const unsigned char *p;
    fputc('"', f);
    for (p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void json_result(FILE *f, const bench_result *r)
{
    fputs("{\"suite\":", f);
    json_str(f, r->suite);
    fputs(",\"name\":", f);
    json_str(f, r->name);
    fprintf(f, ",\"ours\":%.6g", r->ours);
    if (r->peer > 0)
        fprintf(f, ",\"peer\":%.6g", r->peer);
    else
        fputs(",\"peer\":null", f);
    fputs(",\"unit\":", f);
    json_str(f, r->unit);
    if (r->peer > 0)
        fprintf(f, ",\"ratio\":%.4g}", r->ours / r->peer);
    else
        fputs(",\"ratio\":null}", f);
}

void nt_bench_report(nt_bench_ctx *ctx, const char *name, double ours, double peer, const char *unit)
{
    bench_result r;
    memset(&r, 0, sizeof r);
    copy_trunc(r.suite, sizeof r.suite, ctx->suite ? ctx->suite : "");
    copy_trunc(r.name, sizeof r.name, name);
    copy_trunc(r.unit, sizeof r.unit, unit);
    r.ours = ours;
    r.peer = peer;

    if (peer > 0)
        printf("%-28s ours %14.0f  peer %14.0f  %-8s ratio %7.2fx\n", name, ours, peer, unit, ours / peer);
    else
        printf("%-28s ours %14.0f  peer %14s  %-8s\n", name, ours, "-", unit);
    json_result(stdout, &r);
    fputc('\n', stdout);
    fflush(stdout);
    if (ctx->nresults < MAX_RESULTS)
        ctx->results[ctx->nresults++] = r;
}

void nt_bench_note(nt_bench_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    (void)ctx;
    fputs("# ", stdout);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    fflush(stdout);
}

bool nt_bench_smoke(const nt_bench_ctx *ctx) { return ctx->smoke; }

const char *nt_bench_corpus_dir(const nt_bench_ctx *ctx) { return ctx->corpus_dir; }

/* The CPU model from /proc/cpuinfo ("model name" on x86), or "unknown". */
static void cpu_model(char *out, size_t cap)
{
    char line[512];
    FILE *f = fopen("/proc/cpuinfo", "r");
    copy_trunc(out, cap, "unknown");
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) != 0 || !colon)
            continue;
        colon++;
        while (*colon == ' ' || *colon == '\t')
            colon++;
        colon[strcspn(colon, "\n")] = 0;
        copy_trunc(out, cap, colon);
        break;
    }
    fclose(f);
}

static int write_json(const nt_bench_ctx *ctx, const char *path, long nproc, const char *model)
{
    size_t i;
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "nt-bench: cannot write %s: %s\n", path, strerror(errno));
        return 2;
    }
    fprintf(f, "{\"machine\":{\"nproc\":%ld,\"model\":", nproc);
    json_str(f, model);
    fprintf(f, "},\"smoke\":%s,\"measure_seconds\":%.3g,\"results\":[", ctx->smoke ? "true" : "false",
            ctx->measure_s);
    for (i = 0; i < ctx->nresults; i++) {
        if (i)
            fputc(',', f);
        json_result(f, &ctx->results[i]);
    }
    fputs("]}\n", f);
    if (fclose(f) != 0) {
        fprintf(stderr, "nt-bench: cannot write %s: %s\n", path, strerror(errno));
        return 2;
    }
    return 0;
}

static void usage(FILE *out)
{
    size_t i;
    fputs("usage: nt-bench [--smoke] [--time SEC] [--batches N] [--json FILE] [--corpus DIR] [--list]\n"
          "                [SUITE ...]\n"
          "  --smoke       a very short run that only checks each suite works\n"
          "  --time SEC    measurement time per figure (default 1.5; 0.05..60)\n"
          "  --batches N   instead, exactly N batches per round (1 for warm-up): a fixed\n"
          "                amount of work, for profiling, e.g. under\n"
          "                valgrind --tool=callgrind --toggle-collect=batch_ours\n"
          "  --json FILE   also write the whole report as one JSON object to FILE\n"
          "  --corpus DIR  mDNS packets (*.bin) to use (default: tests/vectors/mdns)\n"
          "suites (default: all):\n",
          out);
    for (i = 0; i < NSUITES; i++)
        fprintf(out, "  %-12s %s\n", suites[i].name, suites[i].summary);
}

static const bench_suite *find_suite(const char *name)
{
    size_t i;
    for (i = 0; i < NSUITES; i++)
        if (strcmp(suites[i].name, name) == 0)
            return &suites[i];
    return NULL;
}

int main(int argc, char **argv)
{
    static nt_bench_ctx ctx;  /* large (results table): not on the stack */
    const bench_suite *chosen[NSUITES];
    size_t nchosen = 0, i;
    const char *json_path = NULL;
    char model[256];
    long nproc;
    int a, rc = 0;

    ctx.warmup_s = 0.3;
    ctx.measure_s = 1.5;
    if (nt_corpus_default_root(ctx.corpus_dir, sizeof ctx.corpus_dir) != NT_OK) {
        fputs("nt-bench: source directory path too long\n", stderr);
        return 2;
    }
    for (a = 1; a < argc; a++) {
        const char *arg = argv[a];
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(arg, "--list") == 0) {
            for (i = 0; i < NSUITES; i++)
                printf("%s\n", suites[i].name);
            return 0;
        } else if (strcmp(arg, "--smoke") == 0) {
            ctx.smoke = true;
        } else if (strcmp(arg, "--json") == 0 && a + 1 < argc) {
            json_path = argv[++a];
        } else if (strcmp(arg, "--corpus") == 0 && a + 1 < argc) {
            copy_trunc(ctx.corpus_dir, sizeof ctx.corpus_dir, argv[++a]);
        } else if (strcmp(arg, "--time") == 0 && a + 1 < argc) {
            char *end;
            double t = strtod(argv[++a], &end);
            if (*end || !(t >= 0.05 && t <= 60)) {
                fprintf(stderr, "nt-bench: --time wants seconds in [0.05, 60], not '%s'\n", argv[a]);
                return 2;
            }
            ctx.measure_s = t;
        } else if (strcmp(arg, "--batches") == 0 && a + 1 < argc) {
            char *end;
            long n = strtol(argv[++a], &end, 10);
            if (*end || n < 1 || n > 1000000) {
                fprintf(stderr, "nt-bench: --batches wants 1..1000000, not '%s'\n", argv[a]);
                return 2;
            }
            ctx.batches = n;
        } else if (arg[0] == '-') {
            fprintf(stderr, "nt-bench: unknown option '%s' (try --help)\n", arg);
            return 2;
        } else {
            const bench_suite *s = find_suite(arg);
            if (!s) {
                fprintf(stderr, "nt-bench: unknown suite '%s' (try --list)\n", arg);
                return 2;
            }
            if (nchosen < NSUITES)
                chosen[nchosen++] = s;
        }
    }
    if (ctx.smoke) {
        /* ~0.1 s per suite: enough to run every code path, no timing value. */
        ctx.warmup_s = 0.01;
        ctx.measure_s = 0.04;
    }
    if (nchosen == 0)
        for (i = 0; i < NSUITES; i++)
            chosen[nchosen++] = &suites[i];

    nproc = sysconf(_SC_NPROCESSORS_ONLN);
    cpu_model(model, sizeof model);
    if (ctx.batches > 0)
        printf("# nt-bench: %ld CPU(s), %s; %ld batches x %d rounds per figure\n", nproc, model,
               ctx.batches, NT_BENCH_ROUNDS);
    else
        printf("# nt-bench: %ld CPU(s), %s; %.2f s per figure%s\n", nproc, model, ctx.measure_s,
               ctx.smoke ? " (smoke run: figures are meaningless)" : "");
    for (i = 0; i < nchosen; i++) {
        nt_status st;
        ctx.suite = chosen[i]->name;
        st = chosen[i]->run(&ctx);
        if (st != NT_OK) {
            fprintf(stderr, "nt-bench: suite %s failed: %s (%s)\n", chosen[i]->name, nt_strerror(st),
                    nt_status_name(st));
            rc = 1;
        }
    }
    if (json_path && write_json(&ctx, json_path, nproc, model) != 0)
        rc = 2;
    return rc;
}
