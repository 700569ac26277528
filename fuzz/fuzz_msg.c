/*
 * Fuzz target for the DNS message codec: parse -> write -> parse.
 *
 * Any input the parser accepts must re-encode, and the re-encoded message
 * must parse to the same records: same sections, types, classes, mDNS bits,
 * TTLs, owner names and canonical RDATA (RFC 4034 §6.2: names expanded,
 * NSEC in standard form). Writing the second parse again must give the very
 * same bytes. Printing and the typed getters run on every record too, so
 * the sanitizers see them. Mismatches abort().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nautilus/buf.h"
#include "nautilus/wire.h"
#include "nautilus/wire_print.h"
#include "fuzz/fuzz.h"

static nt_dns_msg g_m1, g_m2;
static uint8_t g_out1[NT_DNS_MSG_MAX], g_out2[NT_DNS_MSG_MAX];
static uint8_t g_rd1[NT_DNS_MSG_MAX + 1024], g_rd2[NT_DNS_MSG_MAX + 1024];
static uint8_t g_can1[NT_DNS_MSG_MAX + 1024], g_can2[NT_DNS_MSG_MAX + 1024];
static nt_dns_nsec g_nsec;

/* Runs every getter that applies; they must agree with the record status. */
static void exercise(const nt_dns_msg *m, const nt_dns_rr *rr)
{
    uint8_t a[16];
    nt_dns_name n;
    nt_dns_srv srv;
    nt_dns_rrsig sig;
    nt_dns_dnskey key;
    nt_dns_opt opt;
    nt_dns_txt_iter it;
    const uint8_t *s;
    size_t sl;
    nt_status st = NT_OK;

    nt_dns_rr_owner(m, rr, &n);
    if (rr->section == NT_DNS_SEC_QUESTION)
        return;
    switch (rr->type) {
    case NT_DNS_TYPE_A: st = nt_dns_rr_get_a(m, rr, a); break;
    case NT_DNS_TYPE_AAAA: st = nt_dns_rr_get_aaaa(m, rr, a); break;
    case NT_DNS_TYPE_PTR:
    case NT_DNS_TYPE_CNAME:
    case NT_DNS_TYPE_NS: st = nt_dns_rr_get_ptr(m, rr, &n); break;
    case NT_DNS_TYPE_SRV: st = nt_dns_rr_get_srv(m, rr, &srv); break;
    case NT_DNS_TYPE_NSEC:
        st = nt_dns_rr_get_nsec(m, rr, &g_nsec);
        if (st == NT_OK)
            (void)nt_dns_nsec_has_type(g_nsec.bitmap, g_nsec.bitmap_len, NT_DNS_TYPE_A);
        break;
    case NT_DNS_TYPE_RRSIG: st = nt_dns_rr_get_rrsig(m, rr, &sig); break;
    case NT_DNS_TYPE_DNSKEY: st = nt_dns_rr_get_dnskey(m, rr, &key); break;
    case NT_DNS_TYPE_OPT: st = nt_dns_rr_get_opt(m, rr, &opt); break;
    case NT_DNS_TYPE_TXT:
        st = nt_dns_txt_iter_init(&it, m, rr);
        while (st == NT_OK && nt_dns_txt_iter_next(&it, &s, &sl)) {
        }
        break;
    default: return;
    }
    CHECK(st == rr->status);
}

/* The parser validates names with a cache of names seen earlier in the
 * message; the public, uncached name parser must agree on every name it
 * accepted, and decompression must give the same name. */
static void recheck_name(const nt_dns_msg *m, size_t off, size_t end)
{
    nt_buf b;
    nt_dns_name n1, n2;
    b.base = m->wire;
    b.len = end;
    b.pos = off;
    CHECK(nt_dns_name_parse(&b, &n1) == NT_OK);
    nt_dns_msg_name(m, off, &n2);
    CHECK(n1.len == n2.len && n1.labels == n2.labels && memcmp(n1.wire, n2.wire, n1.len) == 0);
}

static void recheck_names(const nt_dns_msg *m, const nt_dns_rr *rr)
{
    size_t end = (size_t)rr->rdata_off + rr->rdlength;
    recheck_name(m, rr->name_off, m->len);
    if (rr->section == NT_DNS_SEC_QUESTION || rr->status != NT_OK)
        return;
    switch (rr->type) {
    case NT_DNS_TYPE_PTR:
    case NT_DNS_TYPE_CNAME:
    case NT_DNS_TYPE_NS:
    case NT_DNS_TYPE_NSEC: recheck_name(m, rr->rdata_off, end); break;
    case NT_DNS_TYPE_SRV: recheck_name(m, (size_t)rr->rdata_off + 6, end); break;
    case NT_DNS_TYPE_RRSIG: recheck_name(m, (size_t)rr->rdata_off + 18, end); break;
    default: break;
    }
}

/* Canonical RDATA of a parsed record into can; returns its length. */
static size_t canonical(const nt_dns_msg *m, const nt_dns_rr *rr, uint8_t *rd, uint8_t *can,
                        nt_dns_record *rec)
{
    nt_wbuf w;
    CHECK(nt_dns_rr_to_record(m, rr, rec, rd, NT_DNS_MSG_MAX + 1024) == NT_OK);
    CHECK(nt_dns_rdata_check(rec->type, rec->rdata, rec->rdlength) == NT_OK);
    nt_wbuf_init(&w, can, NT_DNS_MSG_MAX + 1024);
    CHECK(nt_dns_rdata_canonical(&w, rec->type, rec->rdata, rec->rdlength) == NT_OK);
    return w.len;
}

/* The RRset of the first usable record (records sharing its owner, type
 * and class) in canonical form: must succeed, and sorting must not depend
 * on input order (reversed input, same bytes). */
static nt_dns_record g_set[NT_DNS_RRSET_MAX];
static uint8_t g_arena[2 * NT_DNS_MSG_MAX + NT_DNS_RRSET_MAX * 256];
static uint8_t g_cs1[4 * NT_DNS_MSG_MAX], g_cs2[4 * NT_DNS_MSG_MAX];

static void check_rrset(const nt_dns_msg *m)
{
    size_t i, n = 0, used = 0;
    const nt_dns_rr *first = NULL;
    nt_dns_name owner, o;
    nt_wbuf w1, w2;
    for (i = 0; i < m->nrr && n < NT_DNS_RRSET_MAX; i++) {
        const nt_dns_rr *rr = &m->rr[i];
        if (rr->section == NT_DNS_SEC_QUESTION || rr->status != NT_OK || rr->type == NT_DNS_TYPE_OPT)
            continue;
        nt_dns_rr_owner(m, rr, &o);
        if (!first) {
            first = rr;
            owner = o;
        } else if (rr->type != first->type || rr->rclass != first->rclass ||
                   !nt_dns_name_equal(&o, &owner)) {
            continue;
        }
        CHECK(nt_dns_rr_to_record(m, rr, &g_set[n], g_arena + used, sizeof g_arena - used) == NT_OK);
        used += g_set[n].rdlength;
        n++;
    }
    if (n == 0)
        return;
    nt_wbuf_init(&w1, g_cs1, sizeof g_cs1);
    CHECK(nt_dns_rrset_canonical(&w1, g_set, n, 1234) == NT_OK);
    for (i = 0; i < n / 2; i++) {
        nt_dns_record t = g_set[i];
        g_set[i] = g_set[n - 1 - i];
        g_set[n - 1 - i] = t;
    }
    nt_wbuf_init(&w2, g_cs2, sizeof g_cs2);
    CHECK(nt_dns_rrset_canonical(&w2, g_set, n, 1234) == NT_OK);
    CHECK(w1.len == w2.len && memcmp(g_cs1, g_cs2, w1.len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t len1, len2, dropped, i, j;
    nt_dynbuf d;
    nt_status st;

    if (nt_dns_msg_parse(&g_m1, data, size) != NT_OK)
        return 0;
    for (i = 0; i < g_m1.nrr; i++) {
        recheck_names(&g_m1, &g_m1.rr[i]);
        exercise(&g_m1, &g_m1.rr[i]);
    }
    check_rrset(&g_m1);
    nt_dynbuf_init(&d, 1u << 22);
    CHECK(nt_dns_msg_print(&d, &g_m1) == NT_OK);
    nt_dynbuf_reset(&d);
    CHECK(nt_dns_msg_print_json(&d, &g_m1) == NT_OK);
    nt_dynbuf_cleanup(&d);

    st = nt_dns_msg_write(&g_m1, g_out1, sizeof g_out1, &len1, &dropped);
    /* Expanding names the input compressed harder than we do can outgrow a
     * message; that is the only acceptable failure. */
    if (st == NT_ERR_NOSPACE)
        return 0;
    CHECK(st == NT_OK);
    CHECK(dropped == g_m1.bad_records);
    CHECK(nt_dns_msg_parse(&g_m2, g_out1, len1) == NT_OK);
    CHECK(g_m2.bad_records == 0);
    CHECK(g_m2.id == g_m1.id && g_m2.flags == g_m1.flags);
    CHECK(g_m2.nrr + dropped == g_m1.nrr);

    for (i = 0, j = 0; i < g_m1.nrr; i++) {
        const nt_dns_rr *a = &g_m1.rr[i], *b;
        nt_dns_record ra, rb;
        size_t la, lb;
        if (a->status != NT_OK)
            continue;
        b = &g_m2.rr[j++];
        CHECK(a->section == b->section && a->type == b->type && a->rclass == b->rclass);
        CHECK((a->flags & NT_DNS_RR_MDNS_BIT) == (b->flags & NT_DNS_RR_MDNS_BIT));
        CHECK(a->ttl == b->ttl);
        if (a->section == NT_DNS_SEC_QUESTION) {
            nt_dns_name na, nb;
            nt_dns_rr_owner(&g_m1, a, &na);
            nt_dns_rr_owner(&g_m2, b, &nb);
            CHECK(na.len == nb.len && memcmp(na.wire, nb.wire, na.len) == 0);
            continue;
        }
        la = canonical(&g_m1, a, g_rd1, g_can1, &ra);
        lb = canonical(&g_m2, b, g_rd2, g_can2, &rb);
        CHECK(ra.owner.len == rb.owner.len && memcmp(ra.owner.wire, rb.owner.wire, ra.owner.len) == 0);
        CHECK(la == lb && memcmp(g_can1, g_can2, la) == 0);
    }
    CHECK(j == g_m2.nrr);

    /* Our own output is a fixed point of parse -> write. */
    CHECK(nt_dns_msg_write(&g_m2, g_out2, sizeof g_out2, &len2, NULL) == NT_OK);
    CHECK(len2 == len1 && memcmp(g_out1, g_out2, len1) == 0);
    return 0;
}
