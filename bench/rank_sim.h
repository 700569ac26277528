/*
 * bench/rank_sim.h - the trace-driven simulator of issue 12 (DESIGN §7.2):
 * traces through the real ranking (nt_rank) and refresh planning
 * (nt_predict) with a virtual clock. The trace format is in bench/README.md.
 * Used by nt-rank-sim (bench/rank_sim.c) and `nt-bench rank`.
 */
#ifndef NT_RANK_SIM_H
#define NT_RANK_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "nautilus/status.h"

#define SIM_INSTANCES_MAX 64
#define SIM_POLICIES 4 /* learned, weighted random, round robin, oracle */

typedef struct sim_trace sim_trace;

/* Parses a trace (text) into *out. NT_ERR_INVALID_ARG with the line number
 * in *bad_line if a line is malformed. */
nt_status sim_trace_parse(sim_trace **out, const char *text, size_t len, size_t *bad_line);
void sim_trace_free(sim_trace *t);

/* Writes the generated traces as text: "degrade" (one instance degrades
 * halfway), "stationary", "zipf" (lookups only). */
nt_status sim_trace_generate(char **out, size_t *out_len, const char *kind, uint64_t seed);

/* Results of one ranking run per policy. */
typedef struct sim_rank_result {
    double mean_latency_ms[SIM_POLICIES];
    double failures[SIM_POLICIES];
    double cost_ms[SIM_POLICIES];      /* mean latency + fail_cost * failure rate */
    double cost2_ms[SIM_POLICIES];     /* the same over the second half of the requests */
    double recovery[SIM_POLICIES];     /* requests after the change to 90 % of the oracle; -1 none */
    size_t requests;
} sim_rank_result;

/* Replays the requests of t through the four policies. seed drives the
 * latency and failure draws (the same for every policy) and the choices. */
nt_status sim_rank_run(const sim_trace *t, uint64_t seed, sim_rank_result *out);

typedef struct sim_cache_result {
    double record_hit_rate;   /* records found valid in the cache */
    double no_wait_share;     /* lookups with every record valid: no waiting */
    double extra_packets_per_min; /* packets sent only for predictive refresh */
    double extra_questions_per_min;
    double ridden_share;      /* predictive questions that rode in other packets */
    double queries_per_min;   /* all query packets */
} sim_cache_result;

/* Replays the lookups of t with RFC 6762 §5.2 refresh of active queries
 * only (predict false) or with predictive refresh too. */
nt_status sim_cache_run(const sim_trace *t, uint64_t seed, bool predict, uint32_t budget_per_min,
                        sim_cache_result *out);

/* The same lookups through two real mDNS engines (rank_sim_engine.c): the
 * client with predict_per_min = budget (0: RFC 6762 §5.2 alone). Fills
 * record_hit_rate, no_wait_share, extra_questions_per_min (predictive
 * questions) and queries_per_min (all query packets). */
nt_status sim_engine_run(const sim_trace *t, uint64_t seed, uint32_t budget,
                         sim_cache_result *out);

extern const char *const sim_policy_names[SIM_POLICIES];

/* The 20-seed (or n-seed) report on out, the engine runs over the first
 * engine_n of those seeds; returns whether every goal of issue 12 held on
 * the means. */
bool sim_report(FILE *out, unsigned first_seed, unsigned nseeds, unsigned engine_n, bool verbose);

#endif
