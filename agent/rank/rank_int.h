/* agent/rank private: the name table shared by ranking and prediction, and
 * the ranking table's layout (rank.c, rank_state.c). */
#ifndef NT_RANK_INT_H
#define NT_RANK_INT_H

#include <stdint.h>

#include "core/keyed_hash.h"
#include "nautilus/rank.h"

/* Names folded to ASCII lower case, found through an open-addressing index
 * of 2 * cap slots (a power of two); entries are numbered 0..cap-1. */
typedef struct nt_names {
    size_t cap, count;
    char (*name)[NT_RANK_NAME_MAX]; /* cap */
    int32_t *slot;                  /* nslots: entry + 1, 0 empty */
    size_t nslots;
    nt_hkey key;                    /* the index's hash key, random (names come from the LAN) */
} nt_names;

nt_status nt_names_init(nt_names *t, size_t cap);
void nt_names_cleanup(nt_names *t);
/* Folds text into out (NT_ERR_INVALID_ARG if empty or too long). */
nt_status nt_names_fold(char out[NT_RANK_NAME_MAX], const char *text);
/* Entry of a folded name, or -1. */
int32_t nt_names_find(const nt_names *t, const char *folded);
/* Adds a folded name not present; -1 if full. */
int32_t nt_names_add(nt_names *t, const char *folded);
/* Renames entry i (reuse) and rebuilds the index. */
void nt_names_replace(nt_names *t, int32_t i, const char *folded);
/* Empties the table. */
void nt_names_clear(nt_names *t);

/* Evidence of one instance: decayed sums as of t_ms. */
typedef struct rank_ev {
    double s, f;        /* successes, failures */
    double ln, lmean, lm2; /* latency: weight, mean, sum of squared deviations */
    double pn, pmean;   /* proxy latency (mDNS answers, connect probes): weight, mean */
    double fstreak, lstreak; /* failures / latencies far above the mean in a row */
    uint64_t t_ms;
} rank_ev;

/* The per-instance summary the choice reads: a cost draw is
 * (al + bl * z1) + max(0, af - c * r + bf * z2). */
typedef struct rank_sum {
    float al, bl, af, bf, c;
    uint32_t pad;
    uint64_t t_ms;      /* when it was computed */
} rank_sum;

struct nt_rank {
    nt_rank_config cfg;
    nt_names names;
    rank_ev *ev;        /* cap */
    rank_sum *sum;      /* cap */
    uint64_t stale_ms;  /* a summary older than this is recomputed */
    uint64_t rng;
    float ztab[1024];   /* min(0, standard normal quantile at (k + 0.5) / 1024) */
};

/* Decays e to now and recomputes s (rank.c). */
void nt_rank_refresh(nt_rank *r, nt_rank_id id, uint64_t now_ms);
/* Empties every entry (rank.c). */
void nt_rank_clear(nt_rank *r);

#endif
