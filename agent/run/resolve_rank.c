/* `resolve --best` by the learned ranking (resolve_rank.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "nautilus/log.h"
#include "nautilus/mem.h"
#include "nautilus/net.h"
#include "rank_cli.h"
#include "resolve_rank.h"
#include "svc_format.h"

#define PROBE_TIMEOUT_MS 1000
#define CANDS_MAX 64

typedef struct ranked {
    size_t at;                 /* index into the candidates */
    nt_rank_id id;
    double r_share, cost;
    uint16_t prio, weight;
} ranked;

static int by_prio_cost(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->prio != y->prio)
        return x->prio < y->prio ? -1 : 1;
    return x->cost < y->cost ? -1 : x->cost > y->cost;
}

/* Evidence gathered by this run: mDNS answer times, then probes. */
static nt_status observe_run(nt_rank *rank, const nt_best_cand *c, const ranked *rk, size_t n,
                             bool probe, uint64_t now)
{
    nt_status st = NT_OK;
    size_t i;
    for (i = 0; st == NT_OK && i < n; i++) {
        const nt_mdns_event *ev = c[rk[i].at].ev;
        if (c[rk[i].at].mdns_ms >= 0)
            st = nt_rank_observe(rank, rk[i].id, NT_RANK_SRC_MDNS, true, c[rk[i].at].mdns_ms, now);
        if (st == NT_OK && probe && ev->addr_count > 0) {
            bool ok;
            double ms;
            nt_rank_probe(&ev->addrs[0], ev->port, PROBE_TIMEOUT_MS, &ok, &ms);
            NT_LOGD("resolve", "probe %s port %u: %s in %.1f ms", ev->instance,
                    (unsigned)ev->port, ok ? "connected" : "failed", ms);
            st = nt_rank_observe(rank, rk[i].id, NT_RANK_SRC_PROBE, ok, ms, now);
        }
    }
    return st;
}

static nt_status one_json(nt_dynbuf *d, nt_rank *rank, const nt_best_cand *c, const ranked *r,
                          uint64_t now)
{
    char key[NT_RANK_NAME_MAX];
    nt_status st = nt_svc_event_json(d, "resolved", c->ev, c->ifname, NULL);
    if (st == NT_OK && d->len > 0) {
        d->len--; /* reopen the object */
        st = nt_dynbuf_addf(d, ",\"priority\":%u,\"weight\":%u", (unsigned)c->ev->priority,
                            (unsigned)c->ev->weight);
    }
    if (st == NT_OK)
        st = nt_rank_key(key, c->ev->instance, c->ev->type, c->ev->domain);
    if (st == NT_OK)
        st = nt_rank_json(d, rank, key, r->r_share, now);
    return st == NT_OK ? nt_dynbuf_add_u8(d, '}') : st;
}

static nt_status print_json(nt_dynbuf *d, nt_rank *rank, const nt_best_cand *c, ranked *rk,
                            size_t n, size_t chosen, uint64_t now)
{
    nt_status st = nt_dynbuf_add_str(d, "{\"chosen\":");
    size_t i;
    ranked first = rk[chosen];
    if (st == NT_OK)
        st = one_json(d, rank, &c[first.at], &first, now);
    /* The rest after the chosen one, by priority, then expected cost. */
    rk[chosen] = rk[0];
    rk[0] = first;
    qsort(rk + 1, n - 1, sizeof *rk, by_prio_cost);
    if (st == NT_OK)
        st = nt_dynbuf_add_str(d, ",\"ordered\":[");
    for (i = 0; st == NT_OK && i < n; i++) {
        if (i > 0)
            st = nt_dynbuf_add_u8(d, ',');
        if (st == NT_OK)
            st = one_json(d, rank, &c[rk[i].at], &rk[i], now);
    }
    return st == NT_OK ? nt_dynbuf_add_str(d, "]}\n") : st;
}

static void share_and_cost(nt_rank *rank, ranked *rk, size_t n, uint64_t now)
{
    size_t i, j;
    for (i = 0; i < n; i++) {
        uint16_t wmax = 0;
        nt_rank_info info;
        for (j = 0; j < n; j++)
            if (rk[j].prio == rk[i].prio && rk[j].weight > wmax)
                wmax = rk[j].weight;
        rk[i].cost = 0;
        rk[i].r_share = wmax ? (double)rk[i].weight / wmax : 1.0;
        if (nt_rank_info_get(rank, &info, rk[i].id, rk[i].r_share, now) == NT_OK)
            rk[i].cost = info.cost_ms;
    }
}

int nt_resolve_rank_print(const nt_best_cand *c, size_t n, const nt_best_opts *o,
                          const char *type)
{
    nt_rank_store store;
    nt_rank_candidate rc[CANDS_MAX];
    ranked rk[CANDS_MAX];
    uint64_t seed = o->seed, now = nt_rank_clock_ms();
    char why[256] = "", key[NT_RANK_NAME_MAX];
    size_t i, chosen = 0;
    nt_dynbuf d;
    nt_status st;
    int code = NT_EXIT_OK;

    if (n == 0)
        return nt_cli_fail(NT_EXIT_NEGATIVE, "resolve: no instance of %s found", type);
    if (n > CANDS_MAX)
        n = CANDS_MAX;
    if (!o->have_seed && nt_net_random((uint8_t *)&seed, sizeof seed) != NT_OK)
        seed = nt_net_now_ms();
    st = nt_rank_store_open(&store, o->state_dir, o->state_dir != NULL, seed, why, sizeof why);
    for (i = 0; st == NT_OK && i < n; i++) {
        rk[i].at = i;
        rk[i].prio = c[i].ev->priority;
        rk[i].weight = c[i].ev->weight;
        st = nt_rank_key(key, c[i].ev->instance, c[i].ev->type, c[i].ev->domain);
        if (st == NT_OK)
            st = nt_rank_intern(store.rank, &rk[i].id, key, now);
        rc[i] = (nt_rank_candidate){rk[i].id, c[i].ev->priority, c[i].ev->weight, 0};
        if (st != NT_OK)
            snprintf(why, sizeof why, "ranking: %s", nt_strerror(st));
    }
    if (st == NT_OK) {
        st = observe_run(store.rank, c, rk, n, o->probe, now);
        if (st == NT_OK)
            st = nt_rank_choose(store.rank, &chosen, rc, n, 0, now);
        share_and_cost(store.rank, rk, n, now);
    }
    if (st == NT_OK && (st = nt_rank_store_save(&store)) != NT_OK)
        snprintf(why, sizeof why, "cannot save the ranking state: %s", nt_strerror(st));
    if (st != NT_OK) {
        code = nt_cli_fail(NT_EXIT_USAGE, "resolve: %s", why[0] ? why : nt_strerror(st));
        nt_rank_store_close(&store);
        return code;
    }
    nt_dynbuf_init(&d, 1024 * 1024);
    if (o->json)
        st = print_json(&d, store.rank, c, rk, n, chosen, now);
    else
        st = nt_dynbuf_addf(&d, "%s\n", c[chosen].ev->instance);
    if (st == NT_OK)
        fwrite(d.data, 1, d.len, stdout);
    else
        code = nt_cli_fail(NT_EXIT_NEGATIVE, "resolve: %s", nt_strerror(st));
    nt_dynbuf_cleanup(&d);
    nt_rank_store_close(&store);
    return code;
}
