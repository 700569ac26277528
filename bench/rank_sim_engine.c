/* The simulator's engine run (rank_sim.h): the lookups of a trace through
 * two real mDNS engines (agent/mdns) on a simulated LAN with a virtual
 * clock: a responder publishing every name of the trace (default TTLs:
 * SRV and host A 120 s, TXT 4500 s) and a client whose cache is the one
 * measured. A lookup counts as answered without waiting when the client's
 * cache holds the instance's SRV and TXT and the host's A record; then it
 * starts a resolve query (a person waiting, immediate) that stays active
 * ACTIVE_MS, as a one-shot `nautilus resolve` does. The client runs with
 * predict_per_min = budget (predictive refresh, DESIGN §7.2) or 0 (RFC 6762
 * §5.2 refresh of active queries only). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nautilus/mdns.h"
#include "nautilus/wire.h"
#include "rank_sim_int.h"

#define ACTIVE_MS 5000u
#define WARMUP_MS 10000u
#define PENDING_MAX 64

typedef struct esim {
    nt_mdns *e[2];             /* 0: responder, 1: client */
    nt_mdns_addr addr[2];
    struct {
        nt_mdns_query_id id;
        uint64_t until;
    } active[PENDING_MAX];
    size_t nactive;
} esim;

static nt_status engine_new(esim *s, int i, const char *host, uint64_t seed, uint32_t budget)
{
    nt_mdns_config cfg;
    nt_mdns_iface_config ifc;
    nt_mdns_ifaddr a;
    nt_status st;
    nt_mdns_config_init(&cfg);
    cfg.host_name = host;
    cfg.seed = seed * 131u + (uint64_t)i;
    cfg.host_records = NT_MDNS_HOST_ALWAYS;
    cfg.predict_per_min = budget;
    cfg.packets_per_sec = 0; /* one simulated client asks a lot: no input budget */
    if ((st = nt_mdns_create(&s->e[i], &cfg)) != NT_OK)
        return st;
    memset(&a, 0, sizeof a);
    a.addr.family = NT_MDNS_INET4;
    a.addr.bytes[0] = 10;
    a.addr.bytes[3] = (uint8_t)(i + 1);
    a.prefix_len = 24;
    s->addr[i] = a.addr;
    memset(&ifc, 0, sizeof ifc);
    ifc.ifindex = 1;
    ifc.name = "lan0";
    ifc.addrs = &a;
    ifc.addr_count = 1;
    ifc.ipv4 = true;
    return nt_mdns_iface_add(s->e[i], &ifc, 0);
}

/* Runs both engines to `until`, delivering every datagram at once. */
static void run_until(esim *s, uint64_t *now, uint64_t until)
{
    static nt_mdns_packet_out out;
    for (;;) {
        uint64_t w0 = nt_mdns_next_wakeup(s->e[0]), w1 = nt_mdns_next_wakeup(s->e[1]);
        uint64_t w = w0 < w1 ? w0 : w1;
        bool moved = false;
        nt_status st;
        int i;
        if (w > until)
            break;
        if (w > *now)
            *now = w;
        nt_mdns_run(s->e[0], *now);
        nt_mdns_run(s->e[1], *now);
        do {
            moved = false;
            for (i = 0; i < 2; i++) {
                nt_mdns_event ev;
                while (nt_mdns_output_pop(s->e[i], &out) == NT_OK) {
                    nt_mdns_packet_in in;
                    memset(&in, 0, sizeof in);
                    in.ifindex = 1;
                    in.src.addr = s->addr[i];
                    in.src.port = 5353;
                    in.dst_multicast = out.dst.addr.bytes[0] == 224;
                    in.hop_limit = 255;
                    in.data = out.data;
                    in.len = out.len;
                    moved = true;
                    st = nt_mdns_input(s->e[1 - i], &in, *now); /* drops are counted inside */
                }
                while (nt_mdns_event_pop(s->e[i], &ev) == NT_OK)
                    ;
            }
        } while (moved);
        (void)st;
    }
    if (until > *now)
        *now = until;
}

typedef struct want {
    nt_dns_name inst, host;
    uint64_t now;
    bool srv, txt, a;
} want;

/* Names in the client's cache are as the responder sent them, which is as
 * this file made them: compared byte for byte. */
static bool same(const nt_mdns_rr *rr, const nt_dns_name *n)
{
    return rr->name_len == n->len && memcmp(rr->name, n->wire, n->len) == 0;
}

static void see(void *ctx, const nt_mdns_cache_entry *e)
{
    want *w = ctx;
    if (e->expires_ms <= w->now)
        return;
    if (e->rr.type == NT_DNS_TYPE_SRV && same(&e->rr, &w->inst))
        w->srv = true;
    else if (e->rr.type == NT_DNS_TYPE_TXT && same(&e->rr, &w->inst))
        w->txt = true;
    else if (e->rr.type == NT_DNS_TYPE_A && same(&e->rr, &w->host))
        w->a = true;
}

/* Instance label of a trace name "n17._http._tcp.local" -> "n17". */
static bool label_of(char *out, size_t cap, const char *name)
{
    const char *dot = strchr(name, '.');
    size_t n = dot ? (size_t)(dot - name) : strlen(name);
    if (n == 0 || n >= cap)
        return false;
    memcpy(out, name, n);
    out[n] = 0;
    return true;
}

/* Stops a query; one already gone needs no stopping. */
static void stop_query(esim *s, nt_mdns_query_id id)
{
    nt_status st = nt_mdns_query_del(s->e[1], id);
    (void)st;
}

static void expire_queries(esim *s, uint64_t now)
{
    size_t i = 0;
    while (i < s->nactive) {
        if (s->active[i].until <= now) {
            stop_query(s, s->active[i].id);
            s->active[i] = s->active[--s->nactive];
        } else {
            i++;
        }
    }
}

nt_status sim_engine_run(const sim_trace *t, uint64_t seed, uint32_t budget,
                         sim_cache_result *out)
{
    esim s;
    uint64_t now = 0, end, hits = 0, no_wait = 0;
    size_t li;
    int i;
    nt_status st;
    nt_mdns_stats cst;

    memset(out, 0, sizeof *out);
    memset(&s, 0, sizeof s);
    if (t->n_look == 0)
        return NT_ERR_INVALID_ARG;
    st = engine_new(&s, 0, "srv", seed, 0);
    if (st == NT_OK)
        st = engine_new(&s, 1, "cli", seed, budget);
    for (i = 0; st == NT_OK && i < t->n_lname; i++) {
        char label[64];
        nt_mdns_service_id id;
        nt_mdns_service_config sc;
        if (!label_of(label, sizeof label, t->lname[i])) {
            st = NT_ERR_INVALID_ARG;
            break;
        }
        memset(&sc, 0, sizeof sc);
        sc.instance = label;
        sc.type = "_http._tcp";
        sc.port = 80;
        st = nt_mdns_service_add(s.e[0], &id, &sc, 0);
    }
    if (st != NT_OK)
        goto out;
    run_until(&s, &now, WARMUP_MS);
    for (li = 0; li < t->n_look && st == NT_OK; li++) {
        uint64_t at = WARMUP_MS + t->look[li].t;
        char label[64];
        want w;
        nt_mdns_query_config q;
        nt_mdns_query_id id;
        /* Stop the queries whose time is up as they come due. */
        while (s.nactive) {
            uint64_t next = UINT64_MAX;
            size_t k;
            for (k = 0; k < s.nactive; k++)
                if (s.active[k].until < next)
                    next = s.active[k].until;
            if (next > at)
                break;
            run_until(&s, &now, next);
            expire_queries(&s, now);
        }
        run_until(&s, &now, at);
        memset(&w, 0, sizeof w);
        w.now = now;
        if (!label_of(label, sizeof label, t->lname[t->look[li].name]) ||
            nt_dns_name_from_str(&w.inst, t->lname[t->look[li].name]) != NT_OK ||
            nt_dns_name_from_str(&w.host, "srv.local") != NT_OK) {
            st = NT_ERR_INVALID_ARG;
            break;
        }
        nt_mdns_cache_walk(s.e[1], 0, see, &w);
        hits += (uint64_t)w.srv + w.txt + w.a;
        no_wait += w.srv && w.txt && w.a;
        if (s.nactive == PENDING_MAX) {
            stop_query(&s, s.active[0].id);
            s.active[0] = s.active[--s.nactive];
        }
        memset(&q, 0, sizeof q);
        q.kind = NT_MDNS_Q_RESOLVE;
        q.type = "_http._tcp";
        q.instance = label;
        q.immediate = true;
        st = nt_mdns_query_add(s.e[1], &id, &q, now);
        s.active[s.nactive].id = id;
        s.active[s.nactive].until = now + ACTIVE_MS;
        s.nactive++;
    }
    if (st != NT_OK)
        goto out;
    end = now - WARMUP_MS;
    nt_mdns_stats_get(s.e[1], &cst);
    out->record_hit_rate = (double)hits / (3.0 * (double)t->n_look);
    out->no_wait_share = (double)no_wait / (double)t->n_look;
    out->extra_questions_per_min = (double)cst.predict_questions * 60000.0 / (double)end;
    out->queries_per_min = (double)cst.queries_sent * 60000.0 / (double)end;
out:
    nt_mdns_destroy(s.e[0]);
    nt_mdns_destroy(s.e[1]);
    return st;
}
