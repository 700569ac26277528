/* Predictive refresh (nautilus/rank.h): per name a decayed lookup count and
 * the last lookup; names expected again are refreshed in the last fifth of
 * their TTL, riding on packets sent anyway, under a per-minute budget. */
#include <math.h>
#include <string.h>

#include "nautilus/mem.h"
#include "rank_int.h"

typedef struct pentry {
    double count;      /* lookups, decayed to t_ms */
    uint64_t t_ms;     /* last lookup */
    uint64_t first_ms; /* first lookup */
    uint64_t open_ms, deadline_ms, expires_ms; /* the planned refresh; 0: none */
    uint64_t ttl_ms;
} pentry;

struct nt_predict {
    nt_predict_config cfg;
    nt_names names;
    pentry *e;
    double tokens;
    uint64_t tokens_t;
    nt_predict_stats stats;
};

void nt_predict_config_init(nt_predict_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->cap = 4096;
    cfg->half_life_ms = 1800000;
    cfg->min_expected = 0.5;
    cfg->budget_per_min = 60;
    cfg->open_pct = 80;
    cfg->deadline_pct = 93;
}

nt_status nt_predict_create(nt_predict **out, const nt_predict_config *cfg)
{
    nt_predict *p;
    *out = NULL;
    if (!cfg || cfg->cap == 0 || cfg->cap > NT_RANK_STATE_MAX_ENTRIES * 4u ||
        cfg->half_life_ms == 0 || cfg->open_pct >= cfg->deadline_pct || cfg->deadline_pct >= 100 ||
        !(cfg->min_expected >= 0) || !isfinite(cfg->min_expected))
        return NT_ERR_INVALID_ARG;
    p = nt_calloc(1, sizeof *p);
    if (!p)
        return NT_ERR_NOMEM;
    p->cfg = *cfg;
    p->e = nt_calloc(cfg->cap, sizeof *p->e);
    if (!p->e || nt_names_init(&p->names, cfg->cap) != NT_OK) {
        nt_predict_destroy(p);
        return NT_ERR_NOMEM;
    }
    p->tokens = cfg->budget_per_min;
    *out = p;
    return NT_OK;
}

void nt_predict_destroy(nt_predict *p)
{
    if (!p)
        return;
    nt_names_cleanup(&p->names);
    nt_free(p->e);
    nt_free(p);
}

static double decayed(const nt_predict *p, const pentry *e, uint64_t now_ms)
{
    if (now_ms <= e->t_ms)
        return e->count;
    return e->count * exp2(-(double)(now_ms - e->t_ms) / (double)p->cfg.half_life_ms);
}

static int32_t oldest(const nt_predict *p)
{
    size_t i;
    int32_t best = 0;
    for (i = 1; i < p->names.count; i++)
        if (p->e[i].t_ms < p->e[best].t_ms)
            best = (int32_t)i;
    return best;
}

nt_status nt_predict_lookup(nt_predict *p, const char *name, uint64_t now_ms)
{
    char folded[NT_RANK_NAME_MAX];
    int32_t k;
    if (nt_names_fold(folded, name) != NT_OK)
        return NT_ERR_INVALID_ARG;
    k = nt_names_find(&p->names, folded);
    if (k < 0) {
        k = nt_names_add(&p->names, folded);
        if (k < 0) { /* full: the name looked up longest ago goes */
            k = oldest(p);
            nt_names_replace(&p->names, k, folded);
        }
        memset(&p->e[k], 0, sizeof p->e[k]);
        p->e[k].t_ms = p->e[k].first_ms = now_ms;
    }
    p->e[k].count = decayed(p, &p->e[k], now_ms) + 1;
    if (now_ms > p->e[k].t_ms)
        p->e[k].t_ms = now_ms;
    return NT_OK;
}

void nt_predict_cached(nt_predict *p, const char *name, uint64_t ttl_ms, uint64_t now_ms)
{
    char folded[NT_RANK_NAME_MAX];
    int32_t k;
    pentry *e;
    if (nt_names_fold(folded, name) != NT_OK || (k = nt_names_find(&p->names, folded)) < 0)
        return;
    e = &p->e[k];
    e->ttl_ms = ttl_ms;
    e->expires_ms = now_ms + ttl_ms;
    e->open_ms = now_ms + ttl_ms * p->cfg.open_pct / 100u;
    e->deadline_ms = now_ms + ttl_ms * p->cfg.deadline_pct / 100u;
    if (ttl_ms == 0)
        e->open_ms = e->deadline_ms = 0; /* a goodbye: nothing to refresh */
}

uint64_t nt_predict_next_deadline(const nt_predict *p)
{
    uint64_t t = UINT64_MAX;
    size_t i;
    for (i = 0; i < p->names.count; i++)
        if (p->e[i].deadline_ms && p->e[i].deadline_ms < t)
            t = p->e[i].deadline_ms;
    return t;
}

/* Expected lookups of the name within one more TTL: its decayed count over
 * the time it covers is its rate. That time is the name's age, at least
 * SPAN_MIN_MS (a burst of lookups is not a rate) and at most the mean life
 * of a count (half_life / ln 2). A name not looked up for two half-lives is
 * not expected at all (recency). */
#define SPAN_MIN_MS 600000.0
static bool predicted(const nt_predict *p, const pentry *e, uint64_t now_ms)
{
    double life = (double)p->cfg.half_life_ms / M_LN2;
    double age = now_ms > e->first_ms ? (double)(now_ms - e->first_ms) : 0;
    double span = age < SPAN_MIN_MS ? SPAN_MIN_MS : age;
    if (span > life)
        span = life;
    if (now_ms > e->t_ms && now_ms - e->t_ms > 2ull * p->cfg.half_life_ms)
        return false;
    return decayed(p, e, now_ms) / span * (double)e->ttl_ms >= p->cfg.min_expected;
}

static void refill(nt_predict *p, uint64_t now_ms)
{
    if (now_ms > p->tokens_t) {
        p->tokens += (double)(now_ms - p->tokens_t) * p->cfg.budget_per_min / 60000.0;
        if (p->tokens > p->cfg.budget_per_min)
            p->tokens = p->cfg.budget_per_min;
    }
    p->tokens_t = now_ms > p->tokens_t ? now_ms : p->tokens_t;
}

size_t nt_predict_take(nt_predict *p, const char **names, size_t cap, bool riding,
                       uint64_t now_ms)
{
    size_t i, n = 0;
    refill(p, now_ms);
    for (i = 0; i < p->names.count && n < cap; i++) {
        pentry *e = &p->e[i];
        if (!e->deadline_ms || now_ms < (riding ? e->open_ms : e->deadline_ms))
            continue;
        if (now_ms >= e->expires_ms || !predicted(p, e, now_ms)) {
            if (now_ms < e->expires_ms)
                p->stats.not_predicted++;
            e->open_ms = e->deadline_ms = 0;
            continue;
        }
        if (p->tokens < 1) {
            p->stats.over_budget++;
            e->open_ms = e->deadline_ms = 0;
            continue;
        }
        p->tokens -= 1;
        e->open_ms = e->deadline_ms = 0; /* once per caching */
        names[n++] = p->names.name[i];
        p->stats.taken++;
    }
    return n;
}

void nt_predict_stats_get(const nt_predict *p, nt_predict_stats *out)
{
    *out = p->stats;
}
