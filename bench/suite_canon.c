/*
 * Suite "canon": RFC 4034 §6.2/§6.3 canonical form of the RRsets found in
 * the captured mDNS packets (what the signing layer hashes and signs for
 * every RRset it publishes or checks), ours against ldns.
 *
 * ours: nt_dns_rrset_canonical (lower-case names, class without the
 *       cache-flush bit, original TTL, records sorted, duplicates dropped).
 * peer: what ldns_verify_rrsig does for the same job: clone the rr list,
 *       ldns_rr_set_ttl + ldns_rr2canonical per record, ldns_rr_list_sort,
 *       ldns_rr_list2buffer_wire, free the clone.
 * RRsets are collected per packet (owner case-insensitively, type, class)
 * from every section, leaving out OPT and RRSIG; they are built once before
 * timing.
 */
#include <string.h>

#include <ldns/ldns.h>

#include "bench.h"
#include "corpus.h"
#include "nautilus/buf.h"
#include "nautilus/mem.h"
#include "nautilus/wire.h"

#define RDATA_SCRATCH (NT_DNS_MSG_MAX + NT_DNS_NAME_TEXT_MAX)
#define MAX_SETS 100000u
/* Canonical output for one RRset: at most NT_DNS_RRSET_MAX records, each at
 * most a full name plus fixed fields plus its RDATA; the corpus packets are
 * small, so a message-sized buffer is more than enough and a set that does
 * not fit fails loudly with NT_ERR_NOSPACE. */
#define CANON_CAP (4 * NT_DNS_MSG_MAX)

typedef struct canon_set {
    nt_dns_record *recs;  /* rdata of each record is its own allocation */
    size_t n;
    uint32_t orig_ttl;
    ldns_rr_list *ldns;
} canon_set;

typedef struct canon_state {
    canon_set *sets;
    size_t count, alloc, records;
    uint8_t *out;
    ldns_buffer *lbuf;
    uint64_t sink;
} canon_state;

static void free_sets(canon_state *s)
{
    size_t i, j;
    for (i = 0; i < s->count; i++) {
        for (j = 0; j < s->sets[i].n; j++)
            nt_free((void *)s->sets[i].recs[j].rdata);
        nt_free(s->sets[i].recs);
        if (s->sets[i].ldns)
            ldns_rr_list_deep_free(s->sets[i].ldns);
    }
    nt_free(s->sets);
    s->sets = NULL;
    s->count = s->alloc = 0;
}

/* The same records as a DNS message, uncompressed, parsed by ldns: both
 * implementations then start from identical RRsets. */
static nt_status make_ldns_list(canon_set *set)
{
    uint8_t msg[NT_DNS_MSG_MAX];
    nt_wbuf w;
    ldns_pkt *pkt = NULL;
    size_t i;
    nt_status st;

    nt_wbuf_init(&w, msg, sizeof msg);
    if ((st = nt_wbuf_put_u16(&w, 0)) != NT_OK || (st = nt_wbuf_put_u16(&w, NT_DNS_FLAG_QR)) != NT_OK ||
        (st = nt_wbuf_put_u16(&w, 0)) != NT_OK || (st = nt_wbuf_put_u16(&w, (uint16_t)set->n)) != NT_OK ||
        (st = nt_wbuf_put_u16(&w, 0)) != NT_OK || (st = nt_wbuf_put_u16(&w, 0)) != NT_OK)
        return st;
    for (i = 0; i < set->n; i++) {
        const nt_dns_record *r = &set->recs[i];
        uint16_t rclass = (uint16_t)(r->rclass | (r->mdns_bit ? NT_DNS_CLASS_MDNS_BIT : 0));
        if ((st = nt_wbuf_put_bytes(&w, r->owner.wire, r->owner.len)) != NT_OK ||
            (st = nt_wbuf_put_u16(&w, r->type)) != NT_OK || (st = nt_wbuf_put_u16(&w, rclass)) != NT_OK ||
            (st = nt_wbuf_put_u32(&w, r->ttl)) != NT_OK ||
            (st = nt_wbuf_put_u16(&w, r->rdlength)) != NT_OK ||
            (st = nt_wbuf_put_bytes(&w, r->rdata, r->rdlength)) != NT_OK)
            return st;
    }
    if (ldns_wire2pkt(&pkt, msg, w.len) != LDNS_STATUS_OK)
        return NT_ERR_UNSUPPORTED;
    set->ldns = ldns_rr_list_clone(ldns_pkt_answer(pkt));
    ldns_pkt_free(pkt);
    return set->ldns ? NT_OK : NT_ERR_NOMEM;
}

static nt_status add_record(canon_state *s, size_t first_of_packet, const nt_dns_record *rec,
                            const uint8_t *rdata)
{
    canon_set *set = NULL;
    nt_dns_record *nr;
    uint8_t *copy;
    size_t i, bytes;

    for (i = first_of_packet; i < s->count; i++) {
        const nt_dns_record *h = &s->sets[i].recs[0];
        if (h->type == rec->type && h->rclass == rec->rclass && nt_dns_name_equal(&h->owner, &rec->owner)) {
            set = &s->sets[i];
            break;
        }
    }
    if (!set) {
        if (s->count >= MAX_SETS)
            return NT_ERR_CAP;
        if (s->count == s->alloc) {
            size_t na = s->alloc ? s->alloc * 2 : 256;
            canon_set *ns;
            if (!nt_size_mul(&bytes, na, sizeof *ns))
                return NT_ERR_OVERFLOW;
            ns = nt_realloc(s->sets, bytes);
            if (!ns)
                return NT_ERR_NOMEM;
            s->sets = ns;
            s->alloc = na;
        }
        set = &s->sets[s->count++];
        memset(set, 0, sizeof *set);
        set->orig_ttl = rec->ttl;
    }
    if (set->n >= NT_DNS_RRSET_MAX)
        return NT_ERR_CAP;
    if (!nt_size_mul(&bytes, set->n + 1, sizeof *nr))
        return NT_ERR_OVERFLOW;
    nr = nt_realloc(set->recs, bytes);
    if (!nr)
        return NT_ERR_NOMEM;
    set->recs = nr;
    copy = nt_malloc(rec->rdlength + 1u);
    if (!copy)
        return NT_ERR_NOMEM;
    if (rec->rdlength)
        memcpy(copy, rdata, rec->rdlength);
    nr[set->n] = *rec;
    nr[set->n].rdata = copy;
    set->n++;
    s->records++;
    return NT_OK;
}

static nt_status collect(canon_state *s, const nt_corpus *corpus)
{
    nt_dns_msg *m = NULL;
    uint8_t *scratch = NULL;
    size_t i, j;
    nt_status st = NT_OK;

    m = nt_malloc(sizeof *m);
    scratch = nt_malloc(RDATA_SCRATCH);
    if (!m || !scratch) {
        st = NT_ERR_NOMEM;
        goto out;
    }
    for (i = 0; i < corpus->count; i++) {
        size_t first = s->count;
        if ((st = nt_dns_msg_parse(m, corpus->packets[i].data, corpus->packets[i].len)) != NT_OK)
            goto out;
        for (j = m->first[NT_DNS_SEC_ANSWER]; j < m->nrr; j++) {
            const nt_dns_rr *rr = &m->rr[j];
            nt_dns_record rec;
            if (rr->status != NT_OK || rr->type == NT_DNS_TYPE_OPT || rr->type == NT_DNS_TYPE_RRSIG)
                continue;
            if ((st = nt_dns_rr_to_record(m, rr, &rec, scratch, RDATA_SCRATCH)) != NT_OK ||
                (st = add_record(s, first, &rec, scratch)) != NT_OK)
                goto out;
        }
    }
    for (i = 0; i < s->count; i++)
        if ((st = make_ldns_list(&s->sets[i])) != NT_OK)
            goto out;
out:
    nt_free(scratch);
    nt_free(m);
    return st;
}

static nt_status batch_ours(void *arg, uint64_t *ops)
{
    canon_state *s = arg;
    size_t i;
    for (i = 0; i < s->count; i++) {
        nt_wbuf w;
        nt_status st;
        nt_wbuf_init(&w, s->out, CANON_CAP);
        st = nt_dns_rrset_canonical(&w, s->sets[i].recs, s->sets[i].n, s->sets[i].orig_ttl);
        if (st != NT_OK)
            return st;
        s->sink += w.len;
    }
    *ops += s->count;
    return NT_OK;
}

static nt_status batch_ldns(void *arg, uint64_t *ops)
{
    canon_state *s = arg;
    size_t i, j;
    for (i = 0; i < s->count; i++) {
        ldns_rr_list *l = ldns_rr_list_clone(s->sets[i].ldns);
        if (!l)
            return NT_ERR_NOMEM;
        for (j = 0; j < ldns_rr_list_rr_count(l); j++) {
            ldns_rr *rr = ldns_rr_list_rr(l, j);
            ldns_rr_set_ttl(rr, s->sets[i].orig_ttl);
            ldns_rr2canonical(rr);
        }
        ldns_rr_list_sort(l);
        ldns_buffer_clear(s->lbuf);
        if (ldns_rr_list2buffer_wire(s->lbuf, l) != LDNS_STATUS_OK) {
            ldns_rr_list_deep_free(l);
            return NT_ERR_UNSUPPORTED;
        }
        s->sink += ldns_buffer_position(s->lbuf);
        ldns_rr_list_deep_free(l);
    }
    *ops += s->count;
    return NT_OK;
}

NT_BENCH_SUITE_DEFINE(canon)
{
    nt_corpus corpus;
    canon_state s;
    double ours = 0, peer = 0;
    nt_status st;

    memset(&corpus, 0, sizeof corpus);
    memset(&s, 0, sizeof s);
    st = nt_corpus_load(&corpus, nt_bench_corpus_dir(ctx));
    if (st != NT_OK) {
        nt_bench_note(ctx, "canon: cannot load corpus %s", nt_bench_corpus_dir(ctx));
        return st;
    }
    s.out = nt_malloc(CANON_CAP);
    s.lbuf = ldns_buffer_new(CANON_CAP);
    if (!s.out || !s.lbuf) {
        st = NT_ERR_NOMEM;
        goto out;
    }
    if ((st = collect(&s, &corpus)) != NT_OK) {
        nt_bench_note(ctx, "canon: building the RRsets failed");
        goto out;
    }
    if (s.count == 0) {
        nt_bench_note(ctx, "canon: no RRsets under %s", nt_bench_corpus_dir(ctx));
        st = NT_ERR_NOT_FOUND;
        goto out;
    }
    nt_bench_note(ctx, "canon: %zu RRsets, %zu records from %zu packets", s.count, s.records,
                  corpus.count);
    st = nt_bench_compare(ctx, &ours, batch_ours, &s, &peer, batch_ldns, &s);
    if (st != NT_OK)
        goto out;
    nt_bench_report(ctx, "canon.rrset", ours, peer, "rrset/s");
out:
    if (s.lbuf)
        ldns_buffer_free(s.lbuf);
    nt_free(s.out);
    free_sets(&s);
    nt_corpus_cleanup(&corpus);
    return st;
}
