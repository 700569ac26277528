/*
 * nt-rank-sim: the trace-driven simulator of issue 12 (bench/README.md).
 *
 *   nt-rank-sim [--seeds N] [--first-seed S] [--engine-seeds M] [--check]
 *                                                          the report (default 20 seeds,
 *                                                          the engine runs on M of them, default all)
 *   nt-rank-sim --generate degrade|stationary|zipf SEED    print a generated trace
 *   nt-rank-sim --trace FILE [--seed S]                    replay a trace file
 *
 * --check exits 1 if a goal is missed (the ctest rank_sim runs it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rank_sim.h"

static int replay(const char *path, unsigned seed)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    size_t len = 0, cap = 0, bad = 0;
    sim_trace *t = NULL;
    sim_rank_result r;
    sim_cache_result c[2];
    int p, rc = 0;

    if (!f) {
        fprintf(stderr, "nt-rank-sim: cannot open %s\n", path);
        return 2;
    }
    for (;;) {
        size_t got;
        if (cap - len < 65536) {
            char *q = realloc(text, cap = cap * 2 + 65536);
            if (!q) {
                rc = 2;
                break;
            }
            text = q;
        }
        got = fread(text + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    fclose(f);
    if (rc == 0 && sim_trace_parse(&t, text, len, &bad) != NT_OK) {
        fprintf(stderr, "nt-rank-sim: %s: bad line %zu\n", path, bad);
        rc = 2;
    }
    free(text);
    if (rc)
        return rc;
    printf("trace %s, seed %u\n", path, seed);
    if (sim_rank_run(t, seed, &r) == NT_OK)
        for (p = 0; p < SIM_POLICIES; p++)
            printf("  %-16s latency %8.2f ms  failed %6.0f  cost %8.2f ms  recovery %6.0f\n",
                   sim_policy_names[p], r.mean_latency_ms[p], r.failures[p], r.cost_ms[p],
                   r.recovery[p]);
    if (sim_cache_run(t, seed, false, 60, &c[0]) == NT_OK &&
        sim_cache_run(t, seed, true, 60, &c[1]) == NT_OK)
        for (p = 0; p < 2; p++)
            printf("  %-16s record hits %5.1f %%  no wait %5.1f %%  extra %.2f questions/min\n",
                   p ? "predictive" : "rfc6762-5.2", 100 * c[p].record_hit_rate,
                   100 * c[p].no_wait_share, c[p].extra_questions_per_min);
    sim_trace_free(t);
    return 0;
}

int main(int argc, char **argv)
{
    unsigned seeds = 20, first = 1, engine_seeds = 1000;
    bool check = false;
    int i;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seeds") == 0 && i + 1 < argc) {
            seeds = (unsigned)strtoul(argv[++i], NULL, 10);
        } else if ((strcmp(argv[i], "--first-seed") == 0 || strcmp(argv[i], "--seed") == 0) &&
                   i + 1 < argc) {
            first = (unsigned)strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--engine-seeds") == 0 && i + 1 < argc) {
            engine_seeds = (unsigned)strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--check") == 0) {
            check = true;
        } else if (strcmp(argv[i], "--trace") == 0 && i + 1 < argc) {
            const char *path = argv[++i];
            if (i + 2 < argc && strcmp(argv[i + 1], "--seed") == 0)
                first = (unsigned)strtoul(argv[i + 2], NULL, 10);
            return replay(path, first);
        } else if (strcmp(argv[i], "--generate") == 0 && i + 2 < argc) {
            char *text = NULL;
            size_t len = 0;
            if (sim_trace_generate(&text, &len, argv[i + 1], strtoull(argv[i + 2], NULL, 10)) !=
                NT_OK) {
                fprintf(stderr, "nt-rank-sim: unknown trace kind '%s'\n", argv[i + 1]);
                return 2;
            }
            fwrite(text, 1, len, stdout);
            free(text);
            return 0;
        } else {
            fprintf(stderr, "usage: nt-rank-sim [--seeds N] [--first-seed S] [--engine-seeds M] [--check] | "
                            "--generate KIND SEED | --trace FILE [--seed S]\n");
            return 2;
        }
    }
    if (!sim_report(stdout, first, seeds, engine_seeds, true))
        return check ? 1 : 0;
    return 0;
}
