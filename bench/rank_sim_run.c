/* The simulator's runs (rank_sim.h): ranking policies over a request trace,
 * and the cache with and without predictive refresh over a lookup trace. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nautilus/rank.h"
#include "rank_sim.h"

#include "rank_sim_int.h"

#define FAIL_COST_MS 1000.0
#define RECOVERY_WINDOW 20

static uint64_t mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double unit(uint64_t *s)
{
    *s = mix64(*s);
    return ((double)(*s >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static double normal(uint64_t *s)
{
    double u1 = unit(s), u2 = unit(s);
    return sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2);
}

/* The behaviour of instance i at time t: its latest phase. */
static const sim_phase *phase_at(const sim_trace *t, int i, uint64_t now)
{
    const sim_phase *best = NULL;
    size_t k;
    for (k = 0; k < t->n_phase; k++)
        if (t->phase[k].inst == i && t->phase[k].t <= now && (!best || t->phase[k].t >= best->t))
            best = &t->phase[k];
    return best;
}

/* The outcome of request j on instance i, the same whichever policy asks:
 * lognormal latency with the phase's mean and sd, failure with its rate. */
static void outcome(const sim_phase *ph, uint64_t seed, size_t j, int i, double *lat, bool *ok)
{
    uint64_t s = mix64(seed ^ mix64((uint64_t)j * 131u + (uint64_t)i));
    double m = ph->mean, sd = ph->sd;
    double s2 = log(1 + sd * sd / (m * m)), mu = log(m) - s2 / 2;
    *lat = exp(mu + sqrt(s2) * normal(&s));
    *ok = unit(&s) >= ph->fail;
}

static double exp_cost(const sim_phase *ph)
{
    return ph->mean + FAIL_COST_MS * ph->fail;
}

typedef struct policy_state {
    nt_rank *rank;
    nt_rank_candidate cand[SIM_INSTANCES_MAX];
    uint64_t rng;
    unsigned rr;
} policy_state;

/* The lowest priority present: RFC 2782 says only it is used while it answers. */
static int choose(const sim_trace *t, policy_state *ps, int policy, uint64_t now, int *group,
                  int ng)
{
    int g, best = group[0];
    size_t pick;
    switch (policy) {
    case 0:
        if (nt_rank_choose(ps->rank, &pick, ps->cand, (size_t)t->n_inst, 0, now) != NT_OK)
            return group[0];
        return (int)pick;
    case 1: {
        unsigned sum = 0, run = 0;
        double u;
        for (g = 0; g < ng; g++)
            sum += t->inst[group[g]].weight;
        if (sum == 0)
            return group[(int)(unit(&ps->rng) * ng)];
        u = unit(&ps->rng) * sum;
        for (g = 0; g < ng; g++) {
            run += t->inst[group[g]].weight;
            if (u < run)
                return group[g];
        }
        return group[ng - 1];
    }
    case 2:
        return group[ps->rr++ % (unsigned)ng];
    default:
        for (g = 1; g < ng; g++)
            if (exp_cost(phase_at(t, group[g], now)) < exp_cost(phase_at(t, best, now)))
                best = group[g];
        return best;
    }
}

static double recovery(const double *p, size_t n, double target)
{
    double sum = 0;
    size_t k;
    for (k = 0; k < n; k++) {
        sum += p[k];
        if (k >= RECOVERY_WINDOW)
            sum -= p[k - RECOVERY_WINDOW];
        if (k + 1 >= RECOVERY_WINDOW && sum / RECOVERY_WINDOW >= target)
            return (double)(k + 1);
    }
    return -1;
}

nt_status sim_rank_run(const sim_trace *t, uint64_t seed, sim_rank_result *out)
{
    nt_rank_config rc;
    policy_state ps[SIM_POLICIES];
    int group[SIM_INSTANCES_MAX], ng = 0, i, pol;
    unsigned prio = 65536;
    double *post[SIM_POLICIES] = {0}, lat_sum[SIM_POLICIES] = {0}, fails[SIM_POLICIES] = {0};
    double cost2[SIM_POLICIES] = {0};
    double oracle_p = 0;
    size_t j, npost = 0;
    nt_status st = NT_OK;

    memset(out, 0, sizeof *out);
    memset(ps, 0, sizeof ps);
    if (t->n_inst == 0 || t->n_req == 0)
        return NT_ERR_INVALID_ARG;
    for (i = 0; i < t->n_inst; i++) {
        if (!phase_at(t, i, t->req[0]))
            return NT_ERR_INVALID_ARG; /* every instance needs a phase from the start */
        if (t->inst[i].prio < prio)
            prio = t->inst[i].prio;
    }
    for (i = 0; i < t->n_inst; i++)
        if (t->inst[i].prio == prio)
            group[ng++] = i;
    nt_rank_config_init(&rc);
    rc.seed = seed;
    st = nt_rank_create(&ps[0].rank, &rc);
    for (i = 0; st == NT_OK && i < t->n_inst; i++) {
        ps[0].cand[i].priority = t->inst[i].prio;
        ps[0].cand[i].weight = t->inst[i].weight;
        st = nt_rank_intern(ps[0].rank, &ps[0].cand[i].id, t->inst[i].name, 0);
    }
    for (pol = 0; pol < SIM_POLICIES; pol++) {
        ps[pol].rng = mix64(seed + 77u * (uint64_t)pol);
        post[pol] = calloc(t->n_req, sizeof(double));
        if (!post[pol])
            st = NT_ERR_NOMEM;
    }
    for (j = 0; st == NT_OK && j < t->n_req; j++) {
        uint64_t now = t->req[j];
        bool after = t->has_change && now >= t->change_t;
        for (pol = 0; pol < SIM_POLICIES; pol++) {
            int c = choose(t, &ps[pol], pol, now, group, ng);
            const sim_phase *ph = phase_at(t, c, now);
            double lat;
            bool ok;
            outcome(ph, seed, j, c, &lat, &ok);
            lat_sum[pol] += lat;
            fails[pol] += !ok;
            if (j >= t->n_req / 2)
                cost2[pol] += lat + (ok ? 0 : FAIL_COST_MS);
            if (pol == 0)
                st = nt_rank_observe(ps[0].rank, ps[0].cand[c].id, NT_RANK_SRC_FEEDBACK, ok, lat,
                                     now);
            if (after) {
                post[pol][npost] = 1 - ph->fail;
                if (pol == 3)
                    oracle_p = 1 - ph->fail;
            }
        }
        npost += after;
    }
    for (pol = 0; st == NT_OK && pol < SIM_POLICIES; pol++) {
        out->mean_latency_ms[pol] = lat_sum[pol] / (double)t->n_req;
        out->failures[pol] = fails[pol];
        out->cost_ms[pol] = out->mean_latency_ms[pol] + FAIL_COST_MS * fails[pol] / (double)t->n_req;
        out->cost2_ms[pol] = cost2[pol] / (double)(t->n_req - t->n_req / 2);
        out->recovery[pol] = npost ? recovery(post[pol], npost, 0.9 * oracle_p) : -1;
    }
    out->requests = t->n_req;
    for (pol = 0; pol < SIM_POLICIES; pol++)
        free(post[pol]);
    nt_rank_destroy(ps[0].rank);
    return st;
}
