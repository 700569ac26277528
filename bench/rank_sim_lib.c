/* The simulator of issue 12 (rank_sim.h): traces replayed through nt_rank
 * and nt_predict with a virtual clock. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "rank_sim.h"
#include "rank_sim_int.h"


const char *const sim_policy_names[SIM_POLICIES] = {"learned", "weighted-random", "round-robin",
                                                    "oracle"};

/* ---- random numbers: common to every policy -------------------------------- */

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

/* ---- traces -------------------------------------------------------------------- */

static bool grow(void **p, size_t *cap, size_t n, size_t size)
{
    void *q;
    size_t c;
    if (n < *cap)
        return true;
    c = *cap ? *cap * 2 : 256;
    q = realloc(*p, c * size);
    if (!q)
        return false;
    *p = q;
    *cap = c;
    return true;
}

static int inst_index(const sim_trace *t, const char *name)
{
    int i;
    for (i = 0; i < t->n_inst; i++)
        if (strcmp(t->inst[i].name, name) == 0)
            return i;
    return -1;
}

static int lname_index(sim_trace *t, const char *name)
{
    int i;
    for (i = 0; i < t->n_lname; i++) /* names are few (Zipf over hundreds) */
        if (strcmp(t->lname[i], name) == 0)
            return i;
    if (t->n_lname >= SIM_LOOKUP_NAMES_MAX)
        return -1;
    memcpy(t->lname[t->n_lname], name, strlen(name) + 1);
    return t->n_lname++;
}

static bool parse_line(sim_trace *t, const char *line)
{
    char kw[16], name[SIM_NAME_MAX];
    unsigned long long ts;
    unsigned prio, weight;
    double mean, sd, fail;
    int k;
    if (line[0] == '#' || line[0] == 0)
        return true;
    if (sscanf(line, "%15s", kw) != 1)
        return true; /* blank */
    if (strcmp(kw, "rank-trace") == 0)
        return sscanf(line, "rank-trace %u", &prio) == 1 && prio == 1;
    if (strcmp(kw, "instance") == 0) {
        if (sscanf(line, "instance %127s %u %u", name, &prio, &weight) != 3 || prio > 65535 ||
            weight > 65535 || t->n_inst >= SIM_INSTANCES_MAX || inst_index(t, name) >= 0)
            return false;
        memcpy(t->inst[t->n_inst].name, name, sizeof name);
        t->inst[t->n_inst].prio = (uint16_t)prio;
        t->inst[t->n_inst].weight = (uint16_t)weight;
        t->n_inst++;
        return true;
    }
    if (strcmp(kw, "phase") == 0) {
        if (sscanf(line, "phase %llu %127s %lf %lf %lf", &ts, name, &mean, &sd, &fail) != 5 ||
            (k = inst_index(t, name)) < 0 || !(mean > 0) || !(sd >= 0) || !(fail >= 0) ||
            !(fail <= 1) || !grow((void **)&t->phase, &t->cap_phase, t->n_phase, sizeof *t->phase))
            return false;
        t->phase[t->n_phase++] = (sim_phase){ts, k, mean, sd, fail};
        return true;
    }
    if (strcmp(kw, "request") == 0) {
        if (sscanf(line, "request %llu", &ts) != 1 ||
            !grow((void **)&t->req, &t->cap_req, t->n_req, sizeof *t->req) ||
            (t->n_req && ts < t->req[t->n_req - 1]))
            return false;
        t->req[t->n_req++] = ts;
        return true;
    }
    if (strcmp(kw, "lookup") == 0) {
        if (sscanf(line, "lookup %llu %127s", &ts, name) != 2 || (k = lname_index(t, name)) < 0 ||
            !grow((void **)&t->look, &t->cap_look, t->n_look, sizeof *t->look) ||
            (t->n_look && ts < t->look[t->n_look - 1].t))
            return false;
        t->look[t->n_look++] = (sim_lookup){ts, k};
        return true;
    }
    if (strcmp(kw, "change") == 0) {
        t->has_change = sscanf(line, "change %llu", &ts) == 1;
        t->change_t = ts;
        return t->has_change;
    }
    return false;
}

nt_status sim_trace_parse(sim_trace **out, const char *text, size_t len, size_t *bad_line)
{
    sim_trace *t = calloc(1, sizeof *t);
    size_t pos = 0, line_no = 0;
    char line[512];
    *out = NULL;
    if (!t || !(t->lname = calloc(SIM_LOOKUP_NAMES_MAX, sizeof *t->lname))) {
        sim_trace_free(t);
        return NT_ERR_NOMEM;
    }
    while (pos < len) {
        size_t e = pos;
        while (e < len && text[e] != '\n')
            e++;
        line_no++;
        if (e - pos >= sizeof line) {
            *bad_line = line_no;
            sim_trace_free(t);
            return NT_ERR_INVALID_ARG;
        }
        memcpy(line, text + pos, e - pos);
        line[e - pos] = 0;
        if (!parse_line(t, line)) {
            *bad_line = line_no;
            sim_trace_free(t);
            return NT_ERR_INVALID_ARG;
        }
        pos = e + 1;
    }
    *out = t;
    return NT_OK;
}

void sim_trace_free(sim_trace *t)
{
    if (!t)
        return;
    free(t->phase);
    free(t->req);
    free(t->look);
    free(t->lname);
    free(t);
}

typedef struct textbuf {
    char *p;
    size_t len, cap;
    bool oom;
} textbuf;

static void tb_printf(textbuf *b, const char *fmt, ...) NT_PRINTF(2, 3);

static void tb_printf(textbuf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (b->oom)
        return;
    if (b->cap - b->len < 256) {
        size_t c = b->cap ? b->cap * 2 : 65536;
        char *q = realloc(b->p, c);
        if (!q) {
            b->oom = true;
            return;
        }
        b->p = q;
        b->cap = c;
    }
    va_start(ap, fmt);
    n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n > 0 && (size_t)n < b->cap - b->len)
        b->len += (size_t)n;
    else
        b->oom = true;
}

/* Issue 12's ranking trace: four instances of one priority whose SRV
 * weights are not their merit, one backup at priority 1; alpha (the best)
 * degrades halfway in "degrade". 4000 requests, Poisson at 10/s. */
static void gen_rank(textbuf *b, bool degrade, uint64_t seed)
{
    uint64_t s = seed * 0x51ed27u + 1, t = 0;
    unsigned i;
    tb_printf(b, "rank-trace 1\n# generated: %s, seed %llu\n", degrade ? "degrade" : "stationary",
              (unsigned long long)seed);
    tb_printf(b, "instance alpha 0 10\ninstance bravo 0 40\ninstance charlie 0 30\n"
                 "instance delta 0 20\ninstance backup 1 100\n");
    tb_printf(b, "phase 0 alpha 15 5 0.01\nphase 0 bravo 40 12 0.03\nphase 0 charlie 60 20 0.05\n"
                 "phase 0 delta 120 40 0.15\nphase 0 backup 10 2 0\n");
    for (i = 0; i < 4000; i++) {
        t += (uint64_t)(-log(unit(&s)) * 100.0) + 1;
        if (i == 2000 && degrade)
            tb_printf(b, "change %llu\nphase %llu alpha 250 80 0.4\n", (unsigned long long)t,
                      (unsigned long long)t);
        tb_printf(b, "request %llu\n", (unsigned long long)t);
    }
}

/* Lookups of 200 instance names, Zipf (s = 1) popularity, Poisson at 1/s,
 * two hours. */
static void gen_zipf(textbuf *b, uint64_t seed)
{
    enum { K = 200 };
    double cdf[K], z = 0;
    uint64_t s = seed * 0x2545f491u + 7, t = 0;
    unsigned i;
    for (i = 0; i < K; i++)
        cdf[i] = (z += 1.0 / (i + 1));
    tb_printf(b, "rank-trace 1\n# generated: zipf, seed %llu\n", (unsigned long long)seed);
    while (t < 7200000) {
        double u = unit(&s) * z;
        unsigned lo = 0, hi = K - 1;
        while (lo < hi) {
            unsigned mid = (lo + hi) / 2;
            if (cdf[mid] < u)
                lo = mid + 1;
            else
                hi = mid;
        }
        t += (uint64_t)(-log(unit(&s)) * 1000.0) + 1;
        tb_printf(b, "lookup %llu n%u._http._tcp.local\n", (unsigned long long)t, lo);
    }
}

nt_status sim_trace_generate(char **out, size_t *out_len, const char *kind, uint64_t seed)
{
    textbuf b = {0};
    if (strcmp(kind, "degrade") == 0)
        gen_rank(&b, true, seed);
    else if (strcmp(kind, "stationary") == 0)
        gen_rank(&b, false, seed);
    else if (strcmp(kind, "zipf") == 0)
        gen_zipf(&b, seed);
    else
        return NT_ERR_INVALID_ARG;
    if (b.oom) {
        free(b.p);
        return NT_ERR_NOMEM;
    }
    *out = b.p;
    *out_len = b.len;
    return NT_OK;
}
