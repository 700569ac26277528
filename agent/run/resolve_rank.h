/* agent/run/resolve_rank.h - `resolve --best` by the learned ranking
 * (DESIGN §7.2): the candidates found by the browse go through
 * nt_rank_choose with their evidence from the state directory. */
#ifndef NAUTILUS_AGENT_RUN_RESOLVE_RANK_H
#define NAUTILUS_AGENT_RUN_RESOLVE_RANK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/mdns.h"

typedef struct nt_best_cand {
    const nt_mdns_event *ev;   /* resolved instance (have_srv) */
    const char *ifname;
    double mdns_ms;            /* query start to its answer; < 0 unknown */
} nt_best_cand;

typedef struct nt_best_opts {
    const char *state_dir;     /* NULL: default state directory */
    bool probe;                /* TCP connect probes first */
    bool json;
    bool have_seed;
    uint64_t seed;             /* the Thompson draws' seed (else random) */
} nt_best_opts;

/* Chooses among c[0..n), records the mDNS and probe evidence, saves the
 * state and prints the choice (text: the instance; JSON: chosen and the
 * rest in order, each with its score). Returns an exit code. */
int nt_resolve_rank_print(const nt_best_cand *c, size_t n, const nt_best_opts *o,
                          const char *type);

#endif
