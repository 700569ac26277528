/* nt-bench rank: one learned choice among 64 instances (nt_rank_choose:
 * trust filter, lowest priority, a Thompson draw each) against one
 * weighted random pick by SRV weight over the same 64 (the RFC 2782 step
 * it replaces); then the simulator's 20-seed table (bench/rank_sim.h). */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "nautilus/rank.h"
#include "rank_sim.h"

#define N 64
#define CHOICES_PER_BATCH 1000

typedef struct rank_bench {
    nt_rank *r;
    nt_rank_candidate c[N];
    uint64_t rng;
    uint64_t now;
    size_t sink;
} rank_bench;

static nt_status batch_learned(void *arg, uint64_t *ops)
{
    rank_bench *b = arg;
    unsigned k;
    for (k = 0; k < CHOICES_PER_BATCH; k++) {
        size_t pick;
        nt_status st = nt_rank_choose(b->r, &pick, b->c, N, 0, b->now);
        if (st != NT_OK)
            return st;
        b->sink += pick;
    }
    *ops += CHOICES_PER_BATCH;
    return NT_OK;
}

static uint32_t xs32(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return (uint32_t)(*s >> 32);
}

static nt_status batch_weighted(void *arg, uint64_t *ops)
{
    rank_bench *b = arg;
    unsigned k;
    for (k = 0; k < CHOICES_PER_BATCH; k++) {
        uint32_t sum = 0, run = 0, draw;
        unsigned prio = 65536;
        size_t i, pick = 0;
        for (i = 0; i < N; i++)
            if (b->c[i].priority < prio)
                prio = b->c[i].priority;
        for (i = 0; i < N; i++)
            if (b->c[i].priority == prio)
                sum += b->c[i].weight;
        draw = (uint32_t)(((uint64_t)xs32(&b->rng) * (sum + 1u)) >> 32);
        for (i = 0; i < N; i++)
            if (b->c[i].priority == prio && (run += b->c[i].weight) >= draw) {
                pick = i;
                break;
            }
        b->sink += pick;
    }
    *ops += CHOICES_PER_BATCH;
    return NT_OK;
}

NT_BENCH_SUITE_DEFINE(rank)
{
    nt_rank_config cfg;
    rank_bench b;
    double ours = 0, peer = 0;
    unsigned i, k;
    nt_status st;

    memset(&b, 0, sizeof b);
    nt_rank_config_init(&cfg);
    cfg.seed = 1;
    b.rng = 88172645463325252ull;
    if ((st = nt_rank_create(&b.r, &cfg)) != NT_OK)
        return st;
    /* 64 instances of one priority with evidence of every kind. */
    for (i = 0; i < N && st == NT_OK; i++) {
        char name[64];
        snprintf(name, sizeof name, "Instance %u._http._tcp.local", i);
        b.c[i].priority = 0;
        b.c[i].weight = (uint16_t)(10 + i);
        st = nt_rank_intern(b.r, &b.c[i].id, name, 0);
        for (k = 0; st == NT_OK && k < 20; k++)
            st = nt_rank_observe(b.r, b.c[i].id, NT_RANK_SRC_FEEDBACK, (k + i) % 7 != 0,
                                 5.0 + i + k, 1000);
    }
    b.now = 2000;
    if (st == NT_OK)
        st = nt_bench_compare(ctx, &ours, batch_learned, &b, &peer, batch_weighted, &b);
    if (st == NT_OK) {
        nt_bench_report(ctx, "rank.choose64", ours, peer, "choice/s");
        nt_bench_note(ctx, "rank.choose64: %.1f ns per learned choice of 64 (weighted random pick: "
                           "%.1f ns)", 1e9 / ours, 1e9 / peer);
    }
    nt_rank_destroy(b.r);
    if (st != NT_OK)
        return st;
    /* The simulator's table: 20 seeds (2 and no engine runs in smoke mode); a missed goal is
     * reported by the table, not an error of the benchmark. */
    fflush(stdout);
    (void)sim_report(stdout, 1, nt_bench_smoke(ctx) ? 2 : 20, nt_bench_smoke(ctx) ? 0 : 20, true);
    return NT_OK;
}
