/*
 * bench/bench.h - the small API a benchmark suite gets.
 *
 * Adding a suite: write bench/suite_<name>.c containing
 *
 *     NT_BENCH_SUITE_DEFINE(name)
 *     {
 *         double ours, peer;
 *         ... set up state; check the results are right first ...
 *         st = nt_bench_compare(ctx, &ours, ours_batch, &state, &peer, peer_batch, &state);
 *         nt_bench_report(ctx, "name.what", ours, peer, "pkt/s");
 *         ...
 *     }
 *
 * and add one line X(name, "summary") to NT_BENCH_SUITES in bench/main.c.
 * bench/CMakeLists.txt picks up every suite_*.c by itself.
 *
 * Measurements run for a fixed time after a warm-up, not a fixed count, so
 * a slow and a fast implementation are both measured for about as long and
 * the figures are rates. Nothing is pinned to a CPU: the machine is shared,
 * and the report prints the CPU count and model so readers can judge.
 */
#ifndef NAUTILUS_BENCH_H
#define NAUTILUS_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/status.h"

typedef struct nt_bench_ctx nt_bench_ctx;

/* One batch of work: does some operations and adds how many to *ops.
 * A batch should take well under the measurement time (a millisecond or
 * less is ideal); the clock is read once per batch. Returning anything but
 * NT_OK stops the measurement with that status. */
typedef nt_status (*nt_bench_batch_fn)(void *arg, uint64_t *ops);

/* Seconds on the monotonic clock, with nanosecond resolution. */
double nt_bench_now(void);

/* Runs batch repeatedly: first for the warm-up time, then for the
 * measurement time split into NT_BENCH_ROUNDS rounds, and stores the best
 * round's operations per second in *rate (the best round is the one least
 * disturbed by other work on a shared machine). In smoke mode both times are
 * tiny (the run only shows the code works). Returns the first status a batch
 * returns other than NT_OK, or NT_ERR_RANGE if the batches did no operations. */
NT_WUR nt_status nt_bench_measure(nt_bench_ctx *ctx, double *rate, nt_bench_batch_fn batch, void *arg);

/* Measures ours and a peer the same way, alternating their rounds, so that
 * a burst of load from elsewhere hits both rather than one of them. */
NT_WUR nt_status nt_bench_compare(nt_bench_ctx *ctx, double *ours, nt_bench_batch_fn ours_batch,
                                  void *ours_arg, double *peer, nt_bench_batch_fn peer_batch,
                                  void *peer_arg);

/* The general form: n implementations (fns[i] with args[i]), rounds
 * interleaved, the best round of each in rates[i]. */
NT_WUR nt_status nt_bench_measure_set(nt_bench_ctx *ctx, size_t n, nt_bench_batch_fn *fns,
                                      void **args, double *rates);

#define NT_BENCH_ROUNDS 5

/* Prints one measurement: an aligned line for people and a JSON line
 * {"name":..,"ours":..,"peer":..,"unit":..,"ratio":..} for programs, both on
 * stdout, and keeps it for the --json report. peer <= 0 means "no peer
 * figure": peer and ratio are then null. ratio = ours / peer (higher is
 * better for ours when unit is a rate). */
void nt_bench_report(nt_bench_ctx *ctx, const char *name, double ours, double peer, const char *unit);

/* Prints a free-form note line ("# ..."), e.g. the corpus size. */
void nt_bench_note(nt_bench_ctx *ctx, const char *fmt, ...) NT_PRINTF(2, 3);

/* True in --smoke mode: suites should still check their results fully. */
bool nt_bench_smoke(const nt_bench_ctx *ctx);

/* The mDNS packet corpus directory (--corpus DIR, else the source tree's
 * tests/vectors/mdns). Never NULL. */
const char *nt_bench_corpus_dir(const nt_bench_ctx *ctx);

/* Declares and starts the definition of suite <name>'s entry point. */
#define NT_BENCH_SUITE_DEFINE(name)                         \
    nt_status nt_bench_suite_##name(nt_bench_ctx *ctx);     \
    nt_status nt_bench_suite_##name(nt_bench_ctx *ctx)

#endif
