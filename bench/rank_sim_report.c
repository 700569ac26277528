/* The simulator's report (rank_sim.h): issue 12's figures over n seeds,
 * mean and 95 % confidence interval (Student t), and its goals checked on
 * the means. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rank_sim.h"

#define SEEDS_MAX 100
#define BUDGET_PER_MIN 60u

typedef struct stat {
    double v[SEEDS_MAX];
    size_t n;
} stat;

static void add(stat *s, double v)
{
    if (s->n < SEEDS_MAX)
        s->v[s->n++] = v;
}

static double mean(const stat *s)
{
    double m = 0;
    size_t i;
    for (i = 0; i < s->n; i++)
        m += s->v[i];
    return s->n ? m / (double)s->n : 0;
}

/* Half-width of the 95 % interval of the mean. */
static double ci95(const stat *s)
{
    static const double t975[] = {0,     12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365,
                                  2.306, 2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
                                  2.120, 2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069,
                                  2.064, 2.060,  2.056, 2.052, 2.048, 2.045};
    double m = mean(s), v = 0;
    size_t i, df = s->n - 1;
    if (s->n < 2)
        return 0;
    for (i = 0; i < s->n; i++)
        v += (s->v[i] - m) * (s->v[i] - m);
    v /= (double)df;
    return (df < sizeof t975 / sizeof t975[0] ? t975[df] : 1.96) * sqrt(v / (double)s->n);
}

static void row(FILE *out, const char *label, const stat *s, const char *fmt_unit)
{
    fprintf(out, "  %-34s %10.2f ± %-8.2f %s\n", label, mean(s), ci95(s), fmt_unit);
}

static nt_status trace_of(sim_trace **t, const char *kind, uint64_t seed)
{
    char *text = NULL;
    size_t len = 0, bad = 0;
    nt_status st = sim_trace_generate(&text, &len, kind, seed);
    if (st == NT_OK)
        st = sim_trace_parse(t, text, len, &bad);
    free(text);
    return st;
}

typedef struct rank_stats {
    stat lat[SIM_POLICIES], fail[SIM_POLICIES], cost[SIM_POLICIES], cost2[SIM_POLICIES];
    stat rec[SIM_POLICIES];
    unsigned never[SIM_POLICIES];
} rank_stats;

static bool run_rank(const char *kind, unsigned first, unsigned n, rank_stats *rs)
{
    unsigned s;
    int p;
    memset(rs, 0, sizeof *rs);
    for (s = first; s < first + n; s++) {
        sim_trace *t = NULL;
        sim_rank_result r;
        if (trace_of(&t, kind, s) != NT_OK || sim_rank_run(t, s, &r) != NT_OK) {
            sim_trace_free(t);
            return false;
        }
        for (p = 0; p < SIM_POLICIES; p++) {
            add(&rs->lat[p], r.mean_latency_ms[p]);
            add(&rs->fail[p], r.failures[p]);
            add(&rs->cost[p], r.cost_ms[p]);
            add(&rs->cost2[p], r.cost2_ms[p]);
            if (r.recovery[p] >= 0)
                add(&rs->rec[p], r.recovery[p]);
            else
                rs->never[p]++;
        }
        sim_trace_free(t);
    }
    return true;
}

static void print_rank(FILE *out, const rank_stats *rs, bool recovery)
{
    int p;
    char label[64];
    for (p = 0; p < SIM_POLICIES; p++) {
        fprintf(out, " %s\n", sim_policy_names[p]);
        row(out, "mean latency", &rs->lat[p], "ms");
        row(out, "failed requests (of 4000)", &rs->fail[p], "");
        row(out, "cost (latency + 1 s x failure)", &rs->cost[p], "ms");
        row(out, "cost, second half", &rs->cost2[p], "ms");
        if (recovery) {
            snprintf(label, sizeof label, "to 90%% of oracle (%u never)", rs->never[p]);
            row(out, label, &rs->rec[p], "requests after the change");
        }
    }
}

bool sim_report(FILE *out, unsigned first, unsigned n, unsigned engine_n, bool verbose)
{
    rank_stats a, b;
    stat hit[2], nowait[2], xq[2], xp[2], ride[2], qpm[2];
    stat ehit[2], enowait[2], exq[2], eqpm[2];
    bool ok = true, g;
    unsigned s;
    int m;

    if (n == 0 || n > SEEDS_MAX)
        return false;
    fprintf(out, "rank simulation: seeds %u..%u (%u), 95 %% confidence intervals\n", first,
            first + n - 1, n);
    if (!run_rank("degrade", first, n, &a) || !run_rank("stationary", first, n, &b))
        return false;
    fprintf(out, "(a) one instance degrades halfway (4000 requests):\n");
    print_rank(out, &a, true);
    fprintf(out, "(b) stationary (4000 requests):\n");
    print_rank(out, &b, false);

    memset(hit, 0, sizeof hit);
    memset(nowait, 0, sizeof nowait);
    memset(xq, 0, sizeof xq);
    memset(xp, 0, sizeof xp);
    memset(ride, 0, sizeof ride);
    memset(qpm, 0, sizeof qpm);
    for (s = first; s < first + n; s++) {
        sim_trace *t = NULL;
        if (trace_of(&t, "zipf", s) != NT_OK)
            return false;
        for (m = 0; m < 2; m++) {
            sim_cache_result c;
            if (sim_cache_run(t, s, m == 1, BUDGET_PER_MIN, &c) != NT_OK) {
                sim_trace_free(t);
                return false;
            }
            add(&hit[m], c.record_hit_rate * 100);
            add(&nowait[m], c.no_wait_share * 100);
            add(&xq[m], c.extra_questions_per_min);
            add(&xp[m], c.extra_packets_per_min);
            add(&ride[m], c.ridden_share * 100);
            add(&qpm[m], c.queries_per_min);
        }
        sim_trace_free(t);
    }
    fprintf(out, "(c) Zipf lookups (200 names, 1/s, 2 h), budget %u questions/min:\n",
            BUDGET_PER_MIN);
    for (m = 0; m < 2; m++) {
        fprintf(out, " %s\n", m ? "predictive refresh + RFC 6762 5.2" : "RFC 6762 5.2 refresh only");
        row(out, "record hit rate", &hit[m], "%");
        row(out, "lookups answered without waiting", &nowait[m], "%");
        row(out, "query packets", &qpm[m], "/min");
        if (m) {
            row(out, "extra questions", &xq[m], "/min");
            row(out, "extra packets (alone)", &xp[m], "/min");
            row(out, "extra questions riding", &ride[m], "%");
        }
    }

    /* The same lookups through two real engines (fewer seeds: ~2 s each). */
    memset(ehit, 0, sizeof ehit);
    memset(enowait, 0, sizeof enowait);
    memset(exq, 0, sizeof exq);
    memset(eqpm, 0, sizeof eqpm);
    for (s = first; s < first + engine_n && s < first + n; s++) {
        sim_trace *t = NULL;
        if (trace_of(&t, "zipf", s) != NT_OK)
            return false;
        for (m = 0; m < 2; m++) {
            sim_cache_result c;
            if (sim_engine_run(t, s, m ? BUDGET_PER_MIN : 0, &c) != NT_OK) {
                sim_trace_free(t);
                return false;
            }
            add(&ehit[m], c.record_hit_rate * 100);
            add(&enowait[m], c.no_wait_share * 100);
            add(&exq[m], c.extra_questions_per_min);
            add(&eqpm[m], c.queries_per_min);
        }
        sim_trace_free(t);
    }
    if (ehit[0].n)
        fprintf(out, "(c') the same lookups through two real mDNS engines (seeds %u..%u), "
                     "client predict_per_min %u vs 0:\n", first, first + (unsigned)ehit[0].n - 1,
                BUDGET_PER_MIN);
    for (m = 0; m < 2 && ehit[0].n; m++) {
        fprintf(out, " %s\n", m ? "engine with predictive refresh" : "engine, RFC 6762 5.2 only");
        row(out, "record hit rate", &ehit[m], "%");
        row(out, "lookups answered without waiting", &enowait[m], "%");
        row(out, "query packets (client)", &eqpm[m], "/min");
        if (m)
            row(out, "predictive questions", &exq[m], "/min");
    }

    fprintf(out, "goals:\n");
#define GOAL(cond, text)                                                  \
    do {                                                                  \
        g = (cond);                                                       \
        ok = ok && g;                                                     \
        fprintf(out, "  [%s] %s\n", g ? "ok" : "MISSED", text);           \
    } while (0)
    GOAL(mean(&a.lat[0]) <= 0.7 * mean(&a.lat[1]) && mean(&a.lat[0]) <= 0.7 * mean(&a.lat[2]),
         "(a) mean latency >= 30 % lower than weighted random and round robin");
    GOAL(mean(&a.fail[0]) <= 0.5 * mean(&a.fail[1]) && mean(&a.fail[0]) <= 0.5 * mean(&a.fail[2]),
         "(a) failed requests >= 50 % fewer than weighted random and round robin");
    GOAL(a.never[0] == 0 && mean(&a.rec[0]) <= 200,
         "(a) 90 % of the oracle's success rate within 200 requests of the change");
    GOAL(mean(&b.cost[0]) <= 1.05 * mean(&b.cost[3]),
         "(b) stationary, the whole trace from no evidence: cost no more than 5 % over the oracle's");
    GOAL(mean(&b.cost2[0]) <= 1.05 * mean(&b.cost2[3]),
         "(b) stationary, after learning (second half): cost no more than 5 % over the oracle's");
    GOAL(mean(&nowait[1]) > mean(&nowait[0]) && mean(&hit[1]) > mean(&hit[0]),
         "(c) predictive refresh answers more lookups from the cache");
    GOAL(mean(&xq[1]) <= BUDGET_PER_MIN, "(c) extra questions within the budget");
    if (ehit[0].n) {
        GOAL(mean(&enowait[1]) > mean(&enowait[0]) && mean(&ehit[1]) > mean(&ehit[0]),
             "(c') in the engine too, predictive refresh answers more lookups from the cache");
        GOAL(mean(&exq[1]) <= BUDGET_PER_MIN, "(c') engine: predictive questions within the budget");
    }
#undef GOAL
    if (verbose)
        fprintf(out, "(b) learned over the oracle: cost %+.1f %% over the whole trace (learning from "
                     "no evidence), %+.1f %% over the second half\n",
                100 * (mean(&b.cost[0]) / mean(&b.cost[3]) - 1),
                100 * (mean(&b.cost2[0]) / mean(&b.cost2[3]) - 1));
    return ok;
}
