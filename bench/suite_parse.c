/*
 * Suite "parse": how fast captured mDNS packets are parsed, ours against
 * ldns (ldns_wire2pkt + ldns_pkt_free) on the same packets in the same run.
 *
 * Two figures, because the two parsers do different amounts of work:
 *  - parse.msg:  nt_dns_msg_parse alone. It validates every name and every
 *                record's RDATA but keeps views, decoding nothing else.
 *  - parse.full: nt_dns_msg_parse plus nt_dns_rr_to_record for every record
 *                (owner and RDATA names decompressed and copied), which is
 *                closer to what ldns does when it builds its rdf objects.
 * The peer figure is ldns_wire2pkt + ldns_pkt_free in both lines.
 */
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "bench.h"
#include "corpus.h"
#include "nautilus/mem.h"
#include "nautilus/wire.h"

/* Scratch for nt_dns_rr_to_record: decompression can grow RDATA past the
 * packet size (wire.h). */
#define RDATA_SCRATCH (NT_DNS_MSG_MAX + NT_DNS_NAME_TEXT_MAX)

typedef struct parse_state {
    const nt_corpus *corpus;
    nt_dns_msg *msg;
    uint8_t *scratch;
    uint64_t sink;  /* keeps the compiler from dropping work */
} parse_state;

static nt_status batch_ours(void *arg, uint64_t *ops)
{
    parse_state *s = arg;
    size_t i;
    for (i = 0; i < s->corpus->count; i++) {
        const nt_corpus_packet *p = &s->corpus->packets[i];
        nt_status st = nt_dns_msg_parse(s->msg, p->data, p->len);
        if (st != NT_OK)
            return st;
        s->sink += s->msg->nrr;
    }
    *ops += s->corpus->count;
    return NT_OK;
}

static nt_status batch_ours_full(void *arg, uint64_t *ops)
{
    parse_state *s = arg;
    size_t i, j;
    for (i = 0; i < s->corpus->count; i++) {
        const nt_corpus_packet *p = &s->corpus->packets[i];
        nt_dns_msg *m = s->msg;
        nt_status st = nt_dns_msg_parse(m, p->data, p->len);
        if (st != NT_OK)
            return st;
        for (j = m->first[NT_DNS_SEC_ANSWER]; j < m->nrr; j++) {
            nt_dns_record rec;
            if (m->rr[j].status != NT_OK || m->rr[j].type == NT_DNS_TYPE_OPT)
                continue;
            st = nt_dns_rr_to_record(m, &m->rr[j], &rec, s->scratch, RDATA_SCRATCH);
            if (st != NT_OK)
                return st;
            s->sink += rec.rdlength + rec.owner.len;
        }
        /* Questions: decompress their names too, as ldns does. */
        for (j = 0; j < m->first[NT_DNS_SEC_ANSWER] && j < m->nrr; j++) {
            nt_dns_name n;
            nt_dns_rr_owner(m, &m->rr[j], &n);
            s->sink += n.len;
        }
    }
    *ops += s->corpus->count;
    return NT_OK;
}

static nt_status batch_ldns(void *arg, uint64_t *ops)
{
    parse_state *s = arg;
    size_t i;
    for (i = 0; i < s->corpus->count; i++) {
        const nt_corpus_packet *p = &s->corpus->packets[i];
        ldns_pkt *pkt = NULL;
        if (ldns_wire2pkt(&pkt, p->data, p->len) == LDNS_STATUS_OK) {
            s->sink += ldns_pkt_ancount(pkt);
            ldns_pkt_free(pkt);
        }
    }
    *ops += s->corpus->count;
    return NT_OK;
}

NT_BENCH_SUITE_DEFINE(parse)
{
    nt_corpus corpus;
    parse_state s;
    double ours = 0, full = 0, peer = 0;
    size_t i, bad_records = 0, records = 0, ldns_failed = 0;
    nt_status st;

    memset(&corpus, 0, sizeof corpus);
    memset(&s, 0, sizeof s);
    st = nt_corpus_load(&corpus, nt_bench_corpus_dir(ctx));
    if (st != NT_OK) {
        nt_bench_note(ctx, "parse: cannot load corpus %s", nt_bench_corpus_dir(ctx));
        return st;
    }
    if (corpus.count == 0) {
        nt_bench_note(ctx, "parse: no *.bin packets under %s", nt_bench_corpus_dir(ctx));
        st = NT_ERR_NOT_FOUND;
        goto out;
    }
    s.corpus = &corpus;
    s.msg = nt_malloc(sizeof *s.msg);
    s.scratch = nt_malloc(RDATA_SCRATCH);
    if (!s.msg || !s.scratch) {
        st = NT_ERR_NOMEM;
        goto out;
    }

    /* Correctness first: every packet must parse, in every mode. */
    for (i = 0; i < corpus.count; i++) {
        const nt_corpus_packet *p = &corpus.packets[i];
        ldns_pkt *pkt = NULL;
        st = nt_dns_msg_parse(s.msg, p->data, p->len);
        if (st != NT_OK) {
            nt_bench_note(ctx, "parse: %s does not parse: %s", p->path, nt_status_name(st));
            goto out;
        }
        bad_records += s.msg->bad_records;
        records += s.msg->nrr;
        if (ldns_wire2pkt(&pkt, p->data, p->len) != LDNS_STATUS_OK)
            ldns_failed++;
        else
            ldns_pkt_free(pkt);
    }
    nt_bench_note(ctx, "parse: %zu packets, %zu bytes, %zu questions+records (%zu with bad RDATA), "
                       "ldns rejects %zu packets",
                  corpus.count, corpus.total_bytes, records, bad_records, ldns_failed);

    {
        nt_bench_batch_fn fns[3] = {batch_ours, batch_ours_full, batch_ldns};
        void *args[3] = {&s, &s, &s};
        double rates[3];
        st = nt_bench_measure_set(ctx, 3, fns, args, rates);
        if (st != NT_OK)
            goto out;
        ours = rates[0];
        full = rates[1];
        peer = rates[2];
    }
    nt_bench_report(ctx, "parse.msg", ours, peer, "pkt/s");
    nt_bench_report(ctx, "parse.full", full, peer, "pkt/s");
out:
    nt_free(s.scratch);
    nt_free(s.msg);
    nt_corpus_cleanup(&corpus);
    return st;
}
