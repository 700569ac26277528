/*
 * Suite "mdns": the engine without I/O (agent/mdns), fed datagrams in
 * memory. No in-process peer exists (Avahi and python-zeroconf are daemons;
 * the integration test test_bounds compares CPU use under floods), so the
 * figures are ours only.
 *
 *   mdns.answer_legacy  legacy unicast SRV queries answered (RFC 6762 §6.7:
 *                       immediate, not rate limited), query in -> reply out
 *   mdns.cache_records  responses of 4 records (PTR, SRV, TXT, A) for new
 *                       instances, from many senders, taken into a full
 *                       4096-record cache that a browse watches (eviction,
 *                       events), records/s; mdns.cache_records_1024 and
 *                       _16384 the same at those caps
 *   mdns.hostile_input  random bytes as datagrams (malformed drop path), pkt/s
 *
 * Each batch checks its result (a reply per query, records cached), so a
 * broken engine fails the suite instead of producing a fast figure.
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "nautilus/mdns.h"
#include "nautilus/wire.h"

typedef struct mstate {
    nt_mdns *m;
    uint8_t q[512];
    size_t qlen;
    uint64_t now;
    uint32_t serial;
    uint64_t rnd;
    nt_mdns_packet_out out;
    nt_mdns_event ev;
} mstate;

static nt_status engine_new(mstate *s, const char *host, size_t cache_cap)
{
    nt_mdns_config cfg;
    nt_mdns_iface_config ifc;
    nt_mdns_ifaddr a;
    nt_status st;

    nt_mdns_config_init(&cfg);
    cfg.host_name = host;
    if (cache_cap != 0)
        cfg.cache_cap = cache_cap;
    cfg.seed = 42;
    cfg.packets_per_sec = 0; /* measure the engine, not its input budget */
    st = nt_mdns_create(&s->m, &cfg);
    if (st != NT_OK)
        return st;
    memset(&a, 0, sizeof(a));
    a.addr.family = NT_MDNS_INET4;
    a.addr.bytes[0] = 10;
    a.addr.bytes[3] = 1;
    a.prefix_len = 8;
    memset(&ifc, 0, sizeof(ifc));
    ifc.ifindex = 1;
    ifc.name = "bench0";
    ifc.addrs = &a;
    ifc.addr_count = 1;
    ifc.ipv4 = true;
    return nt_mdns_iface_add(s->m, &ifc, 0);
}

static void drain(mstate *s, size_t *outs)
{
    while (nt_mdns_output_pop(s->m, &s->out) == NT_OK)
        (*outs)++;
    while (nt_mdns_event_pop(s->m, &s->ev) == NT_OK)
        ;
}

static void pkt_in(nt_mdns_packet_in *in, const uint8_t *data, size_t len, uint16_t port)
{
    memset(in, 0, sizeof(*in));
    in->ifindex = 1;
    in->src.addr.family = NT_MDNS_INET4;
    in->src.addr.bytes[0] = 10;
    in->src.addr.bytes[3] = 9;
    in->src.port = port;
    in->dst_multicast = true;
    in->hop_limit = 255;
    in->data = data;
    in->len = len;
}

static nt_status answer_batch(void *arg, uint64_t *ops)
{
    mstate *s = arg;
    nt_mdns_packet_in in;
    size_t i, outs = 0;
    nt_status st;
    pkt_in(&in, s->q, s->qlen, 40000);
    for (i = 0; i < 64; i++) {
        st = nt_mdns_input(s->m, &in, s->now);
        if (st != NT_OK)
            return st;
        drain(s, &outs);
    }
    if (outs != 64)
        return NT_ERR_NOT_FOUND; /* every legacy query gets exactly one reply */
    *ops += 64;
    return NT_OK;
}

static nt_status cache_batch(void *arg, uint64_t *ops)
{
    mstate *s = arg;
    uint8_t buf[600], rd[3][300];
    nt_dns_builder b;
    nt_dns_record r;
    nt_dns_name inst, type, host;
    nt_mdns_packet_in in;
    char text[128];
    size_t i, outs = 0;
    static const uint8_t addr[4] = {10, 0, 7, 7};
    nt_status st = NT_OK;

    st = nt_dns_name_from_str(&type, "_bench._tcp.local");
    for (i = 0; i < 16 && st == NT_OK; i++) {
        s->serial++;
        snprintf(text, sizeof(text), "inst-%u._bench._tcp.local", (unsigned)s->serial);
        st = nt_dns_name_from_str(&inst, text);
        if (st == NT_OK) {
            snprintf(text, sizeof(text), "host-%u.local", (unsigned)s->serial);
            st = nt_dns_name_from_str(&host, text);
        }
        if (st == NT_OK)
            st = nt_dns_builder_init(&b, buf, sizeof(buf), 0, NT_DNS_FLAG_QR | NT_DNS_FLAG_AA);
        if (st != NT_OK)
            break;
        memset(&r, 0, sizeof(r));
        r.rclass = NT_DNS_CLASS_IN;
        r.ttl = 4500;
        r.owner = type;
        r.type = NT_DNS_TYPE_PTR;
        memcpy(rd[0], inst.wire, inst.len);
        r.rdata = rd[0];
        r.rdlength = inst.len;
        st = nt_dns_builder_add_record(&b, NT_DNS_SEC_ANSWER, &r);
        r.owner = inst;
        r.type = NT_DNS_TYPE_SRV;
        r.ttl = 120;
        r.mdns_bit = true;
        memset(rd[1], 0, 6);
        rd[1][5] = 80;
        memcpy(rd[1] + 6, host.wire, host.len);
        r.rdata = rd[1];
        r.rdlength = (uint16_t)(6 + host.len);
        if (st == NT_OK)
            st = nt_dns_builder_add_record(&b, NT_DNS_SEC_ADDITIONAL, &r);
        r.type = NT_DNS_TYPE_TXT;
        r.ttl = 4500;
        memcpy(rd[2], "\003a=b", 4);
        r.rdata = rd[2];
        r.rdlength = 4;
        if (st == NT_OK)
            st = nt_dns_builder_add_record(&b, NT_DNS_SEC_ADDITIONAL, &r);
        r.owner = host;
        r.type = NT_DNS_TYPE_A;
        r.ttl = 120;
        r.rdata = addr;
        r.rdlength = 4;
        if (st == NT_OK)
            st = nt_dns_builder_add_record(&b, NT_DNS_SEC_ADDITIONAL, &r);
        if (st != NT_OK)
            break;
        pkt_in(&in, buf, nt_dns_builder_len(&b), 5353);
        /* Many senders: one sender's churn of a full cache is rate limited
         * (DESIGN §11), and this measures the intake, not that limit. */
        in.src.addr.bytes[2] = (uint8_t)(s->serial >> 8);
        in.src.addr.bytes[3] = (uint8_t)s->serial;
        s->now++;
        st = nt_mdns_input(s->m, &in, s->now);
        drain(s, &outs);
    }
    if (st == NT_OK) {
        nt_mdns_stats stats;
        nt_mdns_stats_get(s->m, &stats);
        if (stats.cache_records == 0)
            return NT_ERR_NOT_FOUND;
        *ops += 16u * 4u;
    }
    return st;
}

static nt_status hostile_batch(void *arg, uint64_t *ops)
{
    mstate *s = arg;
    uint8_t buf[512];
    nt_mdns_packet_in in;
    size_t i, k, outs = 0;
    nt_status st;
    for (i = 0; i < 64; i++) {
        size_t len = 12 + (size_t)(s->rnd % 400);
        for (k = 0; k < len; k++) {
            s->rnd ^= s->rnd << 13;
            s->rnd ^= s->rnd >> 7;
            s->rnd ^= s->rnd << 17;
            buf[k] = (uint8_t)s->rnd;
        }
        buf[2] &= 0x87;
        buf[3] &= 0xf0;
        pkt_in(&in, buf, len, 5353);
        st = nt_mdns_input(s->m, &in, s->now);
        if (st != NT_OK)
            return st;
        drain(s, &outs);
    }
    *ops += 64;
    return NT_OK;
}

NT_BENCH_SUITE_DEFINE(mdns)
{
    mstate s;
    nt_mdns_service_config svc;
    nt_mdns_service_id sid;
    nt_mdns_query_config qc;
    nt_mdns_query_id qid;
    nt_dns_builder b;
    nt_dns_name qn;
    nt_mdns_stats stats;
    double rate;
    size_t outs = 0, ci;
    static const size_t caps[] = {1024, 4096, 16384};
    nt_status st;

    /* 1. Legacy unicast answers from an established responder. */
    memset(&s, 0, sizeof(s));
    st = engine_new(&s, "bench", 0);
    if (st != NT_OK)
        goto cleanup;
    memset(&svc, 0, sizeof(svc));
    svc.instance = "Bench";
    svc.type = "_http._tcp";
    svc.port = 80;
    st = nt_mdns_service_add(s.m, &sid, &svc, 0);
    if (st != NT_OK)
        goto cleanup;
    for (s.now = 0; s.now < 10000; s.now += 50) {
        nt_mdns_run(s.m, s.now);
        drain(&s, &outs);
    }
    st = nt_dns_name_from_str(&qn, "Bench._http._tcp.local");
    if (st == NT_OK)
        st = nt_dns_builder_init(&b, s.q, sizeof(s.q), 0x1234, 0);
    if (st == NT_OK)
        st = nt_dns_builder_add_question(&b, &qn, NT_DNS_TYPE_SRV, NT_DNS_CLASS_IN, false);
    if (st != NT_OK)
        goto cleanup;
    s.qlen = nt_dns_builder_len(&b);
    st = nt_bench_measure(ctx, &rate, answer_batch, &s);
    if (st != NT_OK)
        goto cleanup;
    nt_bench_report(ctx, "mdns.answer_legacy", rate, 0, "query/s");
    nt_mdns_destroy(s.m);

    /* 2. Records into a full cache watched by a browse, at three caps: the
     * cost per record must not grow with the cache (issue 9). */
    for (ci = 0; ci < sizeof caps / sizeof caps[0]; ci++) {
        char name[64];
        memset(&s, 0, sizeof(s));
        st = engine_new(&s, "browser", caps[ci]);
        if (st != NT_OK)
            goto cleanup;
        memset(&qc, 0, sizeof(qc));
        qc.kind = NT_MDNS_Q_BROWSE;
        qc.type = "_bench._tcp";
        st = nt_mdns_query_add(s.m, &qid, &qc, 0);
        if (st != NT_OK)
            goto cleanup;
        s.now = 1;
        /* Fill it: 4 records a response, a little past the cap. */
        while (s.serial < caps[ci] / 4u + 64u && st == NT_OK) {
            uint64_t ops = 0;
            st = cache_batch(&s, &ops);
        }
        if (st != NT_OK)
            goto cleanup;
        st = nt_bench_measure(ctx, &rate, cache_batch, &s);
        if (st != NT_OK)
            goto cleanup;
        nt_mdns_stats_get(s.m, &stats);
        if (stats.cache_records != caps[ci] || stats.cache_evictions == 0) {
            nt_bench_note(ctx, "mdns: the cache was not full (%llu of %zu records)",
                          (unsigned long long)stats.cache_records, caps[ci]);
            st = NT_ERR_NOT_FOUND;
            goto cleanup;
        }
        snprintf(name, sizeof name, caps[ci] == 4096 ? "mdns.cache_records" : "mdns.cache_records_%zu",
                 caps[ci]);
        nt_bench_report(ctx, name, rate, 0, "rec/s");
        nt_bench_note(ctx, "cache %llu records (cap %zu), %llu evictions, %llu events dropped",
                      (unsigned long long)stats.cache_records, caps[ci],
                      (unsigned long long)stats.cache_evictions,
                      (unsigned long long)stats.events_dropped);
        nt_mdns_destroy(s.m);
        s.m = NULL;
    }

    /* 3. Garbage. */
    memset(&s, 0, sizeof(s));
    st = engine_new(&s, "victim", 0);
    if (st != NT_OK)
        goto cleanup;
    s.rnd = 0x9e3779b97f4a7c15ull;
    st = nt_bench_measure(ctx, &rate, hostile_batch, &s);
    if (st != NT_OK)
        goto cleanup;
    nt_bench_report(ctx, "mdns.hostile_input", rate, 0, "pkt/s");

cleanup:
    nt_mdns_destroy(s.m);
    return st;
}
