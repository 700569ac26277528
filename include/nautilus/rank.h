/*
 * nautilus/rank.h - learned ranking of service instances and predictive
 * refresh of cached names (DESIGN §7.2). No I/O: the caller passes the
 * clock (now_ms, any millisecond clock that does not go backwards; a wall
 * clock if the state is to be kept across restarts) and the RNG seed.
 *
 * Ranking. For the instances of one service type the caller hands
 * nt_rank_choose() candidates with their SRV priority and weight and their
 * trust level. Those below the required trust are dropped; the lowest
 * priority present is kept (RFC 2782); within it each instance is scored by
 * Thompson sampling: a draw of its expected cost
 *
 *     cost = latency + fail_cost_ms * (1 - success)
 *
 * from its posterior. success has a Beta(1/4 + s + P*m, 1/4 + f + P*(1-m))
 * posterior, where s and f are the decayed successes and failures seen and
 * m = 0.95 + 0.05 * weight / (largest weight of the priority): the SRV weight
 * is the prior (P = prior_strength pseudo-observations) and evidence
 * outweighs it; the mean latency has a normal posterior (prior
 * prior_latency_ms, one pseudo-observation with a spread of half of it).
 * The draw uses the normal approximation of both posteriors, the failure
 * part clipped at 0, and is optimistic (optimistic Bayesian sampling): a
 * draw above the posterior mean is replaced by the mean, so an instance
 * known to be worse is not chosen because the best one drew badly, while an
 * uncertain one is still tried. A choice among 64 instances costs two table
 * lookups and a few multiply-adds each. Evidence decays with half_life_ms and is capped at evidence_max
 * observations, so the others keep being tried now and then; a run of
 * reports the posterior finds very unlikely (failures in a row, latencies
 * over three times the mean) drops three quarters of the old evidence, so a
 * change is noticed within a few requests.
 *
 * Evidence: the caller's feedback (a request worked or failed, and how long
 * it took); TCP connect probes (a failed connect is half a failure, a
 * connect a tenth of a success) and mDNS response times: their times stand
 * in for the latency prior until requests are reported.
 *
 * Prediction (nt_predict): per name, a decayed lookup count (frequency) and
 * the last lookup (recency). A record whose name is predicted to be looked
 * up again before it would expire is refreshed in its last fifth of life:
 * its question rides in a packet the engine sends anyway when one goes out
 * in [open_pct, deadline_pct] of its TTL, and goes alone at deadline_pct.
 * Questions are capped by budget_per_min.
 *
 * Not thread-safe: one table per thread.
 */
#ifndef NAUTILUS_RANK_H
#define NAUTILUS_RANK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NT_RANK_NAME_MAX 256u      /* a name's text plus NUL (DNS: <= 255 octets) */
#define NT_RANK_STATE_MAX_ENTRIES 4096u

/* ---- ranking ------------------------------------------------------------- */

typedef struct nt_rank_config {
    size_t cap;                /* instances tracked (1024); at most NT_RANK_STATE_MAX_ENTRIES */
    uint32_t half_life_ms;     /* evidence halves in this time (600000: 10 min) */
    double evidence_max;       /* observations kept at most, after decay (256) */
    double fail_cost_ms;       /* what a failure costs, in ms of latency (1000) */
    double prior_strength;     /* pseudo-observations the SRV weight is worth (2) */
    double prior_latency_ms;   /* latency assumed before any is seen (100) */
    double explore;            /* the draws' spread, in posterior standard deviations (1):
                                  1 is (optimistic) Thompson sampling, 0 pure exploitation */
    uint64_t seed;             /* RNG seed of the Thompson draws */
} nt_rank_config;

/* Fills cfg with the defaults above (seed 0). */
NT_API void nt_rank_config_init(nt_rank_config *cfg);

typedef struct nt_rank nt_rank;
typedef uint32_t nt_rank_id;

/* Creates a table. NT_ERR_INVALID_ARG (cap 0 or over the maximum,
 * half_life_ms 0, a negative or non-finite number), NT_ERR_NOMEM. */
NT_API NT_WUR nt_status nt_rank_create(nt_rank **out, const nt_rank_config *cfg);

/* Frees it. NULL is ignored. */
NT_API void nt_rank_destroy(nt_rank *r);

/* The id of name (an instance's full name, "Web._http._tcp.local"; ASCII
 * case is folded), creating an entry with no evidence if there is none. A
 * full table reuses the entry touched longest ago if its evidence has
 * decayed for over 8 half-lives. NT_ERR_INVALID_ARG (empty, too long),
 * NT_ERR_CAP (full). Ids stay valid until the entry is reused. */
NT_API NT_WUR nt_status nt_rank_intern(nt_rank *r, nt_rank_id *out, const char *name,
                                       uint64_t now_ms);

/* The id of name if it has an entry. NT_ERR_NOT_FOUND. */
NT_API NT_WUR nt_status nt_rank_find(const nt_rank *r, nt_rank_id *out, const char *name);

/* Name of an entry, NULL for an unknown id. Valid until the entry is reused. */
NT_API const char *nt_rank_name(const nt_rank *r, nt_rank_id id);

/* Number of entries. */
NT_API size_t nt_rank_count(const nt_rank *r);

typedef enum nt_rank_source {
    NT_RANK_SRC_FEEDBACK = 1, /* the caller used the instance: full weight */
    NT_RANK_SRC_PROBE = 2,    /* a TCP connect probe: half weight */
    NT_RANK_SRC_MDNS = 3,     /* mDNS response time: latency only, quarter weight */
} nt_rank_source;

/* Records one observation of id at now_ms: ok (ignored for NT_RANK_SRC_MDNS)
 * and latency_ms (negative: not measured). NT_ERR_NOT_FOUND (unknown id),
 * NT_ERR_INVALID_ARG (bad source, latency not finite or over an hour). */
NT_API NT_WUR nt_status nt_rank_observe(nt_rank *r, nt_rank_id id, nt_rank_source src, bool ok,
                                        double latency_ms, uint64_t now_ms);

/* One instance to choose among. */
typedef struct nt_rank_candidate {
    nt_rank_id id;
    uint16_t priority;
    uint16_t weight;
    uint8_t trust;
} nt_rank_candidate;

/* Chooses one of cands[0..n): *out is its index. Candidates below min_trust
 * are not considered; then only the lowest priority; then the lowest
 * Thompson draw of the cost (above). Advances the RNG. NT_ERR_NOT_FOUND if
 * no candidate is left, NT_ERR_INVALID_ARG for an unknown id. */
NT_API NT_WUR nt_status nt_rank_choose(nt_rank *r, size_t *out, const nt_rank_candidate *cands,
                                       size_t n, uint8_t min_trust, uint64_t now_ms);

/* What is known of one instance at now_ms, for display. */
typedef struct nt_rank_info {
    double cost_ms;     /* posterior mean of the cost (lower is better) */
    double success;     /* posterior mean of the success probability */
    double latency_ms;  /* posterior mean latency */
    double evidence;    /* decayed observations behind success and failure */
    double samples;     /* decayed latency observations */
} nt_rank_info;

/* Fills *out for id with the prior of weight share r_share (weight divided
 * by the largest weight among its priority, in [0, 1]). NT_ERR_NOT_FOUND. */
NT_API NT_WUR nt_status nt_rank_info_get(nt_rank *r, nt_rank_info *out, nt_rank_id id,
                                         double r_share, uint64_t now_ms);

/* ---- state file ------------------------------------------------------------ */

/* Serialises every entry (name and decayed sums at now_ms) into a versioned
 * file image with a checksum; *out is allocated with nt_malloc (nt_free it).
 * NT_ERR_NOMEM. */
NT_API NT_WUR nt_status nt_rank_state_write(nt_rank *r, uint8_t **out, size_t *out_len,
                                            uint64_t now_ms);

/* Loads a file image written by nt_rank_state_write into r, replacing what
 * r held only if all of it is valid. Untrusted input: a short, long or
 * garbled image is refused whole with NT_ERR_RANK_STATE_FORMAT, a wrong
 * checksum with NT_ERR_RANK_STATE_CHECKSUM, another version with
 * NT_ERR_RANK_STATE_VERSION, more entries than r's cap with NT_ERR_CAP. */
NT_API NT_WUR nt_status nt_rank_state_parse(nt_rank *r, const uint8_t *data, size_t len);

/* ---- prediction -------------------------------------------------------------- */

typedef struct nt_predict_config {
    size_t cap;               /* names tracked (4096) */
    uint32_t half_life_ms;    /* memory of the lookup frequency (1800000: 30 min) */
    double min_expected;      /* lookups expected within the TTL to refresh (0.5) */
    uint32_t budget_per_min;  /* predictive questions per minute, burst the same (60) */
    uint32_t open_pct;        /* a question may ride from this % of the TTL (80) */
    uint32_t deadline_pct;    /* and goes alone at this % (93) */
} nt_predict_config;

NT_API void nt_predict_config_init(nt_predict_config *cfg);

typedef struct nt_predict nt_predict;

/* NT_ERR_INVALID_ARG (cap 0 or over NT_RANK_STATE_MAX_ENTRIES * 4,
 * half_life 0, open_pct >= deadline_pct or deadline_pct >= 100),
 * NT_ERR_NOMEM. */
NT_API NT_WUR nt_status nt_predict_create(nt_predict **out, const nt_predict_config *cfg);
NT_API void nt_predict_destroy(nt_predict *p);

/* A lookup of name (a record's owner and type as the caller keys them).
 * A full table reuses the name looked up longest ago. NT_ERR_INVALID_ARG. */
NT_API NT_WUR nt_status nt_predict_lookup(nt_predict *p, const char *name, uint64_t now_ms);

/* name's record entered the cache (again) at now_ms for ttl_ms: its
 * refresh window is planned from it. Unknown names are ignored (nothing
 * asked for them). */
NT_API void nt_predict_cached(nt_predict *p, const char *name, uint64_t ttl_ms, uint64_t now_ms);

/* The earliest time a planned refresh must go alone (its deadline);
 * UINT64_MAX if none. */
NT_API uint64_t nt_predict_next_deadline(const nt_predict *p);

/* The questions to send now: with riding (a packet goes out anyway) every
 * predicted name inside its window, else only those at their deadline;
 * within the budget, at most cap names into names[] (pointers valid until
 * the next call on p). Each name is handed out once per caching. Returns
 * the count. Names not predicted to be needed are dropped from the plan. */
NT_API size_t nt_predict_take(nt_predict *p, const char **names, size_t cap, bool riding,
                              uint64_t now_ms);

/* Counters. */
typedef struct nt_predict_stats {
    uint64_t taken;           /* questions handed out */
    uint64_t over_budget;     /* planned refreshes dropped for the budget */
    uint64_t not_predicted;   /* windows reached by names not expected again */
} nt_predict_stats;

NT_API void nt_predict_stats_get(const nt_predict *p, nt_predict_stats *out);

#ifdef __cplusplus
}
#endif
#endif
