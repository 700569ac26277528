/* Learned ranking: decayed evidence per instance and Thompson sampling of
 * the expected cost within an RFC 2782 priority (nautilus/rank.h). */
#include <math.h>
#include <string.h>

#include "nautilus/mem.h"
#include "rank_int.h"

#define LATENCY_MAX_MS 3600000.0
/* The priors (rank.h). Success: Beta(PRIOR_HALF + s + P m,
 * PRIOR_HALF + f + P (1 - m)), m = PRIOR_M0 + (1 - PRIOR_M0) r: a service
 * that answers at all mostly works (a prior failure rate of 10 % with P = 2
 * at r = 1, 14 % at r = 0; the Jeffreys halves and m = 0.8 + 0.2 r said 17 %
 * and 30 %, which kept the best instance looking worse than it is for its
 * first hundred requests). Latency: the prior mean L0 is one pseudo-observation with a
 * spread of L0 / 2 (latencies vary by about half their mean, not by all of
 * it). */
#define PRIOR_HALF 0.25
#define PRIOR_M0 0.95
#define PRIOR_VAR 0.25 /* the prior latency variance over L0^2 */
#define AGE_REUSE 8u /* half-lives after which an entry may be reused */

void nt_rank_config_init(nt_rank_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->cap = 1024;
    cfg->half_life_ms = 600000;
    cfg->evidence_max = 256;
    cfg->fail_cost_ms = 1000;
    cfg->prior_strength = 2;
    cfg->prior_latency_ms = 100;
    cfg->explore = 1.0;
}

static bool finite_nonneg(double v)
{
    return isfinite(v) && v >= 0;
}

/* splitmix64: the Thompson draws need speed and a seed, not secrecy. */
static uint64_t next64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Standard normal quantile (done once per table at create): the rational
 * approximation of Abramowitz and Stegun 26.2.23 (error < 4.5e-4), then
 * Newton steps on the CDF to double precision. */
static double norm_quantile(double p)
{
    double q = p < 0.5 ? p : 1 - p, t = sqrt(-2 * log(q)), x;
    int i;
    x = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) /
                (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
    if (p < 0.5)
        x = -x;
    for (i = 0; i < 3; i++) {
        double err = 0.5 * erfc(-x / sqrt(2.0)) - p;
        double pdf = exp(-x * x / 2) / sqrt(2 * M_PI);
        x -= err / pdf;
    }
    return x;
}

nt_status nt_rank_create(nt_rank **out, const nt_rank_config *cfg)
{
    nt_rank *r;
    size_t k;
    *out = NULL;
    if (!cfg || cfg->cap == 0 || cfg->cap > NT_RANK_STATE_MAX_ENTRIES || cfg->half_life_ms == 0 ||
        !finite_nonneg(cfg->evidence_max) || cfg->evidence_max < 1 ||
        !finite_nonneg(cfg->fail_cost_ms) || !finite_nonneg(cfg->prior_strength) ||
        !finite_nonneg(cfg->prior_latency_ms) || cfg->prior_latency_ms > LATENCY_MAX_MS ||
        !finite_nonneg(cfg->explore) || cfg->explore > 4)
        return NT_ERR_INVALID_ARG;
    r = nt_calloc(1, sizeof *r);
    if (!r)
        return NT_ERR_NOMEM;
    r->cfg = *cfg;
    r->ev = nt_calloc(cfg->cap, sizeof *r->ev);
    r->sum = nt_calloc(cfg->cap, sizeof *r->sum);
    if (!r->ev || !r->sum || nt_names_init(&r->names, cfg->cap) != NT_OK) {
        nt_rank_destroy(r);
        return NT_ERR_NOMEM;
    }
    r->stale_ms = cfg->half_life_ms / 16u; /* a summary drifts at most ~4 % */
    r->rng = cfg->seed;
    /* Optimistic draws (nt_rank_choose): a cost never above its posterior
     * mean, so the upper half of the quantiles is 0. */
    for (k = 0; k < 1024; k++)
        r->ztab[k] = k < 512 ? (float)norm_quantile(((double)k + 0.5) / 1024.0) : 0.0f;
    *out = r;
    return NT_OK;
}

void nt_rank_destroy(nt_rank *r)
{
    if (!r)
        return;
    nt_names_cleanup(&r->names);
    nt_free(r->ev);
    nt_free(r->sum);
    nt_free(r);
}

void nt_rank_clear(nt_rank *r)
{
    nt_names_clear(&r->names);
    memset(r->ev, 0, r->cfg.cap * sizeof *r->ev);
    memset(r->sum, 0, r->cfg.cap * sizeof *r->sum);
}

/* Decays the sums of e to now (a clock that went back decays nothing). */
static void decay(const nt_rank *r, rank_ev *e, uint64_t now_ms)
{
    double k;
    if (now_ms <= e->t_ms) {
        e->t_ms = e->t_ms > now_ms ? e->t_ms : now_ms;
        return;
    }
    k = exp2(-(double)(now_ms - e->t_ms) / (double)r->cfg.half_life_ms);
    e->s *= k;
    e->f *= k;
    e->ln *= k;
    e->pn *= k;
    e->lm2 *= k;
    e->t_ms = now_ms;
}

/* The posterior summary (header comment): success Beta(h + s + P m,
 * h + f + P (1 - m)) with h = PRIOR_HALF and m = PRIOR_M0 + (1 - PRIOR_M0) r
 * (services mostly work; the weight share r raises the prior), mean latency
 * normal with one prior pseudo-sample of variance PRIOR_VAR L0^2, L0 the
 * proxy latency (mDNS answers, connect probes) when one was seen, else
 * prior_latency_ms. A draw's failure part is clipped at 0: the normal
 * approximation of a Beta near 1 would otherwise draw success rates above
 * 1 (and explore far more than Thompson sampling does). */
static void summarise(const nt_rank *r, const rank_ev *e, rank_sum *out, double *success_lo,
                      double *lat_mean)
{
    double P = r->cfg.prior_strength, K = r->cfg.fail_cost_ms;
    double L0 = e->pn > 0.01 ? e->pmean : r->cfg.prior_latency_ms;
    double n = e->s + e->f, den = 2 * PRIOR_HALF + n + P;
    double pmid = (PRIOR_HALF + e->s + (1 + PRIOR_M0) / 2 * P) / den;
    double var_p = pmid * (1 - pmid) / (den + 1);
    double n0 = 1, nl = n0 + e->ln;
    double lmean = (n0 * L0 + e->ln * e->lmean) / nl;
    double d = e->lmean - L0;
    double s2 = (PRIOR_VAR * n0 * L0 * L0 + e->lm2 + n0 * e->ln / nl * d * d) / nl;
    double var_l = s2 / nl;
    out->al = (float)lmean;
    out->bl = (float)(r->cfg.explore * sqrt(var_l));
    out->af = (float)(K - K * (PRIOR_HALF + e->s + PRIOR_M0 * P) / den);
    out->c = (float)((1 - PRIOR_M0) * K * P / den);
    out->bf = (float)(r->cfg.explore * K * sqrt(var_p));
    out->t_ms = e->t_ms;
    if (success_lo)
        *success_lo = (PRIOR_HALF + e->s + PRIOR_M0 * P) / den; /* success at r = 0 */
    if (lat_mean)
        *lat_mean = lmean;
}

void nt_rank_refresh(nt_rank *r, nt_rank_id id, uint64_t now_ms)
{
    decay(r, &r->ev[id], now_ms);
    summarise(r, &r->ev[id], &r->sum[id], NULL, NULL);
}

static int32_t reusable(const nt_rank *r, uint64_t now_ms)
{
    size_t i;
    int32_t best = -1;
    uint64_t oldest = UINT64_MAX, min_age = (uint64_t)r->cfg.half_life_ms * AGE_REUSE;
    for (i = 0; i < r->names.count; i++)
        if (r->ev[i].t_ms < oldest) {
            oldest = r->ev[i].t_ms;
            best = (int32_t)i;
        }
    if (best < 0 || now_ms < oldest || now_ms - oldest <= min_age)
        return -1;
    return best;
}

nt_status nt_rank_intern(nt_rank *r, nt_rank_id *out, const char *name, uint64_t now_ms)
{
    char folded[NT_RANK_NAME_MAX];
    int32_t e;
    if (nt_names_fold(folded, name) != NT_OK)
        return NT_ERR_INVALID_ARG;
    e = nt_names_find(&r->names, folded);
    if (e < 0) {
        e = nt_names_add(&r->names, folded);
        if (e < 0) {
            e = reusable(r, now_ms);
            if (e < 0)
                return NT_ERR_CAP;
            nt_names_replace(&r->names, e, folded);
        }
        memset(&r->ev[e], 0, sizeof r->ev[e]);
        r->ev[e].t_ms = now_ms;
        summarise(r, &r->ev[e], &r->sum[e], NULL, NULL);
    }
    *out = (nt_rank_id)e;
    return NT_OK;
}

nt_status nt_rank_find(const nt_rank *r, nt_rank_id *out, const char *name)
{
    char folded[NT_RANK_NAME_MAX];
    int32_t e;
    if (nt_names_fold(folded, name) != NT_OK || (e = nt_names_find(&r->names, folded)) < 0)
        return NT_ERR_NOT_FOUND;
    *out = (nt_rank_id)e;
    return NT_OK;
}

const char *nt_rank_name(const nt_rank *r, nt_rank_id id)
{
    return id < r->names.count ? r->names.name[id] : NULL;
}

size_t nt_rank_count(const nt_rank *r)
{
    return r->names.count;
}

/* Caps the evidence at evidence_max observations, keeping the ratios. */
static void cap_evidence(const nt_rank *r, rank_ev *e)
{
    double n = e->s + e->f, m = r->cfg.evidence_max;
    if (n > m) {
        e->s *= m / n;
        e->f *= m / n;
    }
    if (e->ln > m) {
        e->lm2 *= m / e->ln;
        e->ln = m;
    }
    if (e->pn > m)
        e->pn = m;
}

/* Change detection: a run of outcomes the posterior finds very unlikely
 * (failures in a row with probability < CHANGE_P under the estimated
 * success rate, or CHANGE_RUN latencies each over three times the mean)
 * means the instance changed: three quarters of the old
 * evidence are dropped, so the new behaviour dominates within a few
 * requests instead of after hundreds (decay alone). */
#define CHANGE_P 0.001
#define CHANGE_RUN 3
static void detect_change(const nt_rank *r, rank_ev *e, bool ok, double latency_ms)
{
    double P = r->cfg.prior_strength;
    double phat = (PRIOR_HALF + e->s + (1 + PRIOR_M0) / 2 * P) / (2 * PRIOR_HALF + e->s + e->f + P);
    bool changed;
    e->fstreak = ok ? 0 : e->fstreak + 1;
    /* Latencies are skewed (lognormal-like): three times the mean is rare
     * (~1e-4 for a coefficient of variation of 1/3), three in a row a change.
     * Not mean + k sd: the first outlier inflates the sd enough to hide the
     * next. */
    if (latency_ms >= 0 && e->ln >= 5)
        e->lstreak = latency_ms > 3 * e->lmean + 1 ? e->lstreak + 1 : 0;
    changed = (e->fstreak >= CHANGE_RUN && pow(1 - phat, e->fstreak) < CHANGE_P) ||
              e->lstreak >= CHANGE_RUN;
    if (changed) {
        e->s *= 0.25;
        e->f *= 0.25;
        e->ln *= 0.25;
        e->lm2 *= 0.25;
        e->fstreak = e->lstreak = 0;
    }
}

nt_status nt_rank_observe(nt_rank *r, nt_rank_id id, nt_rank_source src, bool ok,
                          double latency_ms, uint64_t now_ms)
{
    rank_ev *e;
    double w;
    if (id >= r->names.count)
        return NT_ERR_NOT_FOUND;
    if (isnan(latency_ms) || latency_ms > LATENCY_MAX_MS)
        return NT_ERR_INVALID_ARG;
    if (src != NT_RANK_SRC_FEEDBACK && src != NT_RANK_SRC_PROBE && src != NT_RANK_SRC_MDNS)
        return NT_ERR_INVALID_ARG;
    e = &r->ev[id];
    decay(r, e, now_ms);
    if (src == NT_RANK_SRC_FEEDBACK) {
        detect_change(r, e, ok, latency_ms);
        if (ok)
            e->s += 1;
        else
            e->f += 1;
        if (latency_ms >= 0) { /* Welford update */
            double d = latency_ms - e->lmean;
            e->ln += 1;
            e->lmean += d / e->ln;
            e->lm2 += d * (latency_ms - e->lmean);
        }
    } else {
        /* A probe says the port is reachable, not that a request works: a
         * refused or timed-out connect is half a failure, a connect a tenth
         * of a success. Its time and the mDNS answer time only stand in for
         * the latency until requests are reported (the prior, w below). */
        w = src == NT_RANK_SRC_PROBE ? 0.5 : 0.25;
        if (src == NT_RANK_SRC_PROBE) {
            if (ok)
                e->s += 0.1;
            else
                e->f += 0.5;
        }
        if (latency_ms >= 0 && (src == NT_RANK_SRC_MDNS || ok)) {
            e->pn += w;
            e->pmean += w * (latency_ms - e->pmean) / e->pn;
        }
    }
    cap_evidence(r, e);
    summarise(r, e, &r->sum[id], NULL, NULL);
    return NT_OK;
}

nt_status nt_rank_choose(nt_rank *r, size_t *out, const nt_rank_candidate *cands, size_t n,
                         uint8_t min_trust, uint64_t now_ms)
{
    uint32_t prio = UINT32_MAX, wmax = 0;
    size_t i, best = SIZE_MAX, used = 6;
    float best_cost = INFINITY, inv;
    uint64_t bits = 0;

    for (i = 0; i < n; i++) {
        if (cands[i].trust < min_trust)
            continue;
        if (cands[i].id >= r->names.count)
            return NT_ERR_INVALID_ARG;
        if (cands[i].priority < prio) {
            prio = cands[i].priority;
            wmax = 0;
        }
        if (cands[i].priority == prio && cands[i].weight > wmax)
            wmax = cands[i].weight;
    }
    if (prio == UINT32_MAX)
        return NT_ERR_NOT_FOUND;
    inv = wmax ? 1.0f / (float)wmax : 0.0f;
    for (i = 0; i < n; i++) {
        const rank_sum *s;
        float rs, cost, fail;
        if (cands[i].trust < min_trust || cands[i].priority != prio)
            continue;
        s = &r->sum[cands[i].id];
        if (now_ms - s->t_ms > r->stale_ms && now_ms > s->t_ms)
            nt_rank_refresh(r, cands[i].id, now_ms);
        if (used >= 6) { /* six 10-bit normal draws per 64 random bits */
            bits = next64(&r->rng);
            used = 0;
        }
        rs = wmax ? (float)cands[i].weight * inv : 1.0f;
        fail = s->af - s->c * rs + s->bf * r->ztab[bits & 1023u];
        cost = s->al + s->bl * r->ztab[(bits >> 10) & 1023u] + (fail > 0 ? fail : 0);
        bits >>= 20;
        used += 2;
        if (cost < best_cost) {
            best_cost = cost;
            best = i;
        }
    }
    *out = best;
    return NT_OK;
}

nt_status nt_rank_info_get(nt_rank *r, nt_rank_info *out, nt_rank_id id, double r_share,
                           uint64_t now_ms)
{
    rank_ev e;
    rank_sum s;
    double succ, lat, P = r->cfg.prior_strength;
    if (id >= r->names.count)
        return NT_ERR_NOT_FOUND;
    if (!(r_share >= 0))
        r_share = 0;
    if (r_share > 1)
        r_share = 1;
    e = r->ev[id];
    decay(r, &e, now_ms);
    summarise(r, &e, &s, &succ, &lat);
    out->success = succ + (1 - PRIOR_M0) * P * r_share / (2 * PRIOR_HALF + e.s + e.f + P);
    out->latency_ms = lat;
    out->cost_ms = (double)s.al + (double)s.af - (double)s.c * r_share;
    out->evidence = e.s + e.f;
    out->samples = e.ln;
    return NT_OK;
}
