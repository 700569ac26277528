/* The counters of one run, for --stats (agent/run/stats_out.h). */
#include "stats_out.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "nautilus/log.h"

enum { FROM_MDNS = 0, FROM_TRUST = 1 };

/* One counter: where it lives and its stable key. A new group starts a new
 * text line. */
typedef struct counter {
    unsigned group;
    unsigned from;
    size_t offset;
    const char *key;
} counter;

#define M(g, f) {g, FROM_MDNS, offsetof(nt_mdns_stats, f), #f}
#define T(g, f) {g, FROM_TRUST, offsetof(nt_trust_hooks_stats, f), "trust_" #f}

/* The order and names of NT_STATS_OUT_HELP. */
static const counter counters[] = {
    M(0, packets_in),          M(0, packets_out),         M(0, queries_sent),
    M(0, responses_sent),      M(1, cache_records),       M(1, cache_evictions),
    M(2, malformed),           M(2, offlink_dropped),     M(2, own_dropped),
    M(2, rate_dropped),        M(2, records_dropped),     M(2, tc_pending_dropped),
    M(2, output_dropped),      M(2, events_dropped),      M(3, answers_suppressed),
    M(3, questions_suppressed), M(3, suppress_refused),   M(4, rejected),
    M(4, conflicts),           M(4, conflicts_refused),   T(5, verified_sets),
    T(5, unsigned_sets),       T(5, rejected_sets),       T(5, table_refused),
    T(5, signed_sets),         T(5, signature_cache_hits), T(5, zk_verifications),
    T(5, zk_cache_hits),       T(5, zk_rejected),
};

#undef M
#undef T

static uint64_t value_of(const counter *c, const nt_mdns_stats *ms,
                         const nt_trust_hooks_stats *ts)
{
    const unsigned char *base =
        c->from == FROM_MDNS ? (const unsigned char *)ms : (const unsigned char *)ts;
    uint64_t v;
    memcpy(&v, base + c->offset, sizeof v);
    return v;
}

nt_status nt_stats_out_write(nt_dynbuf *d, const nt_mdns_stats *ms,
                             const nt_trust_hooks_stats *ts, bool json)
{
    size_t i;
    unsigned group = (unsigned)-1;
    nt_status st = json ? nt_dynbuf_add_str(d, "{\"event\":\"stats\"") : NT_OK;
    for (i = 0; st == NT_OK && i < sizeof counters / sizeof counters[0]; i++) {
        const counter *c = &counters[i];
        unsigned long long v;
        if (c->from == FROM_TRUST && !ts)
            continue;
        v = (unsigned long long)value_of(c, ms, ts);
        if (json) {
            st = nt_dynbuf_addf(d, ",\"%s\":%llu", c->key, v);
        } else {
            if (c->group != group)
                st = nt_dynbuf_add_str(d, group == (unsigned)-1 ? "stats:" : "\nstats:");
            group = c->group;
            if (st == NT_OK)
                st = nt_dynbuf_addf(d, " %s=%llu", c->key, v);
        }
    }
    if (st == NT_OK)
        st = nt_dynbuf_add_str(d, json ? "}\n" : "\n");
    return st;
}

void nt_stats_out_print(const nt_mdns *m, const nt_trust_hooks *h, bool json)
{
    nt_mdns_stats ms;
    nt_trust_hooks_stats ts;
    nt_dynbuf d;
    nt_status st;
    nt_mdns_stats_get(m, &ms);
    if (h)
        nt_trust_hooks_stats_get(h, &ts);
    nt_dynbuf_init(&d, 16 * 1024);
    st = nt_stats_out_write(&d, &ms, h ? &ts : NULL, json);
    if (st == NT_OK)
        fwrite(d.data, 1, d.len, stdout);
    else
        NT_LOGW("stats", "counters not printed: %s", nt_strerror(st));
    nt_dynbuf_cleanup(&d);
    fflush(stdout);
}
