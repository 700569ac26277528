/* The simulator's cache run (rank_sim.h): lookups of a trace against a
 * cache of SRV, TXT and host address records, with RFC 6762 §5.2 refresh of
 * active queries, and optionally nt_predict's predictive refresh.
 *
 * Model: a lookup of an instance needs its SRV and TXT records and its
 * host's A record (hosts shared by four instances); TTLs 120 s, 4500 s,
 * 120 s (RFC 6762 §10). A lookup is a one-shot resolve: its query stays
 * active ACTIVE_MS, and a missing record is asked for at once and answered
 * 20-120 ms later (§6). §5.2: an active query refreshes a record at 80 % of
 * its TTL. A browse of the type runs all along (queries at 1, 2, 4, ... s,
 * up to an hour): packets the engine sends anyway, as the lookups' own
 * queries are. Predictive questions ride in those packets within their
 * window and go alone at their deadline. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nautilus/rank.h"
#include "rank_sim_int.h"

#define ACTIVE_MS 5000u
#define HOSTS_DIV 4
#define TTL_SRV 120000u
#define TTL_TXT 4500000u
#define TTL_A 120000u

enum { EV_ANSWER = 1, EV_REFRESH = 2, EV_BROWSE = 3 };

typedef struct ev {
    uint64_t t;
    int kind, key;
    uint32_t gen;
} ev;

typedef struct heap {
    ev *a;
    size_t n, cap;
} heap;

static bool heap_push(heap *h, ev e)
{
    size_t k;
    if (h->n == h->cap) {
        size_t c = h->cap ? h->cap * 2 : 1024;
        ev *q = realloc(h->a, c * sizeof *q);
        if (!q)
            return false;
        h->a = q;
        h->cap = c;
    }
    k = h->n++;
    while (k > 0 && h->a[(k - 1) / 2].t > e.t) {
        h->a[k] = h->a[(k - 1) / 2];
        k = (k - 1) / 2;
    }
    h->a[k] = e;
    return true;
}

static ev heap_pop(heap *h)
{
    ev top = h->a[0], last = h->a[--h->n];
    size_t k = 0;
    for (;;) {
        size_t c = 2 * k + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && h->a[c + 1].t < h->a[c].t)
            c++;
        if (h->a[c].t >= last.t)
            break;
        h->a[k] = h->a[c];
        k = c;
    }
    if (h->n)
        h->a[k] = last;
    return top;
}

typedef struct key {
    uint64_t expires, active_until;
    uint32_t ttl, gen;
    bool pending;
} key;

typedef struct csim {
    heap h;
    key *k;
    int nkeys, nnames;
    nt_predict *pred;
    uint64_t rng;
    uint64_t packets, extra_packets, extra_q, ridden;
    bool oom;
} csim;

static uint64_t mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void key_name(char *out, size_t cap, int k)
{
    snprintf(out, cap, "k%d", k);
}

/* Asks for key k in a packet going out at now: answered 20-120 ms later. */
static void ask(csim *s, int k, uint64_t now)
{
    if (s->k[k].pending)
        return;
    s->k[k].pending = true;
    s->rng = mix64(s->rng);
    if (!heap_push(&s->h, (ev){now + 20 + s->rng % 101u, EV_ANSWER, k, 0}))
        s->oom = true;
}

/* A packet the engine sends anyway at now: predictive questions ride. */
static void packet_anyway(csim *s, uint64_t now)
{
    const char *names[64];
    size_t n, i;
    s->packets++;
    if (!s->pred)
        return;
    n = nt_predict_take(s->pred, names, 64, true, now);
    s->extra_q += n;
    s->ridden += n;
    for (i = 0; i < n; i++)
        ask(s, atoi(names[i] + 1), now);
}

static void on_answer(csim *s, int k, uint64_t now)
{
    char name[16];
    key *e = &s->k[k];
    e->pending = false;
    e->expires = now + e->ttl;
    e->gen++;
    if (s->pred) {
        key_name(name, sizeof name, k);
        nt_predict_cached(s->pred, name, e->ttl, now);
    }
    if (!heap_push(&s->h, (ev){now + e->ttl * 4u / 5u, EV_REFRESH, k, e->gen}))
        s->oom = true;
}

static void on_lookup(csim *s, int name, uint64_t now, uint64_t *hits, uint64_t *no_wait)
{
    int keys[3] = {2 * name, 2 * name + 1, 2 * s->nnames + name % (s->nnames / HOSTS_DIV + 1)};
    bool all = true, need = false;
    int i;
    for (i = 0; i < 3; i++) {
        key *e = &s->k[keys[i]];
        char kn[16];
        if (s->pred) {
            key_name(kn, sizeof kn, keys[i]);
            if (nt_predict_lookup(s->pred, kn, now) != NT_OK)
                s->oom = true;
        }
        e->active_until = now + ACTIVE_MS;
        if (e->expires > now)
            (*hits)++;
        else
            all = false, need = need || !e->pending;
    }
    *no_wait += all;
    if (need) {
        for (i = 0; i < 3; i++)
            if (s->k[keys[i]].expires <= now)
                ask(s, keys[i], now);
        packet_anyway(s, now);
    }
}

nt_status sim_cache_run(const sim_trace *t, uint64_t seed, bool predict, uint32_t budget_per_min,
                        sim_cache_result *out)
{
    csim s;
    size_t li = 0;
    uint64_t hits = 0, no_wait = 0, browse_gap = 1000, end;
    nt_predict_config pc;
    int i;

    memset(out, 0, sizeof *out);
    memset(&s, 0, sizeof s);
    if (t->n_look == 0)
        return NT_ERR_INVALID_ARG;
    s.nnames = t->n_lname;
    s.nkeys = 2 * s.nnames + s.nnames / HOSTS_DIV + 1;
    s.k = calloc((size_t)s.nkeys, sizeof *s.k);
    s.rng = seed;
    if (!s.k)
        return NT_ERR_NOMEM;
    for (i = 0; i < s.nkeys; i++)
        s.k[i].ttl = i >= 2 * s.nnames ? TTL_A : (i % 2 ? TTL_TXT : TTL_SRV);
    nt_predict_config_init(&pc);
    pc.budget_per_min = budget_per_min;
    if (predict && nt_predict_create(&s.pred, &pc) != NT_OK) {
        free(s.k);
        return NT_ERR_NOMEM;
    }
    end = t->look[t->n_look - 1].t;
    if (!heap_push(&s.h, (ev){browse_gap, EV_BROWSE, 0, 0}))
        s.oom = true;
    while (!s.oom && (li < t->n_look || s.h.n)) {
        uint64_t te = s.h.n ? s.h.a[0].t : UINT64_MAX;
        uint64_t tl = li < t->n_look ? t->look[li].t : UINT64_MAX;
        uint64_t td = s.pred ? nt_predict_next_deadline(s.pred) : UINT64_MAX;
        if (td <= te && td <= tl) { /* predictive questions due alone */
            if (td > end)
                break;
            const char *names[64];
            size_t n = nt_predict_take(s.pred, names, 64, false, td), k;
            if (n) {
                s.extra_packets++;
                s.extra_q += n;
            }
            for (k = 0; k < n; k++)
                ask(&s, atoi(names[k] + 1), td);
        } else if (tl <= te) {
            on_lookup(&s, t->look[li].name, tl, &hits, &no_wait);
            li++;
        } else {
            ev e = heap_pop(&s.h);
            if (e.t > end)
                break;
            if (e.kind == EV_ANSWER) {
                on_answer(&s, e.key, e.t);
            } else if (e.kind == EV_REFRESH) { /* §5.2, only for an active query */
                if (e.gen == s.k[e.key].gen && s.k[e.key].active_until >= e.t) {
                    ask(&s, e.key, e.t);
                    packet_anyway(&s, e.t);
                }
            } else {
                packet_anyway(&s, e.t);
                if (browse_gap < 3600000)
                    browse_gap *= 2;
                if (!heap_push(&s.h, (ev){e.t + browse_gap, EV_BROWSE, 0, 0}))
                    s.oom = true;
            }
        }
    }
    out->record_hit_rate = (double)hits / (3.0 * (double)t->n_look);
    out->no_wait_share = (double)no_wait / (double)t->n_look;
    out->extra_packets_per_min = (double)s.extra_packets * 60000.0 / (double)end;
    out->extra_questions_per_min = (double)s.extra_q * 60000.0 / (double)end;
    out->ridden_share = s.extra_q ? (double)s.ridden / (double)s.extra_q : 0;
    out->queries_per_min = (double)(s.packets + s.extra_packets) * 60000.0 / (double)end;
    nt_predict_destroy(s.pred);
    free(s.k);
    free(s.h.a);
    return s.oom ? NT_ERR_NOMEM : NT_OK;
}
