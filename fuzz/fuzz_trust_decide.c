/*
 * Fuzz target for the trust decision (nt_trust_decide, nautilus/trust.h) and
 * for the verify and attach hooks in the mDNS engine (trust_mdns.h).
 *
 * The input is one or more mDNS datagrams separated by the 4 bytes "NTMD"
 * (as for fuzz_mdns_input). The seeds (fuzz/make_trust_corpus.py) are
 * responses carrying SRV/TXT/PTR/A sets signed with a fixed Ed25519 test key
 * (seed 0x42 x 32) at pub.local, made at the fixed wall clock WALL below, so
 * they verify here; mutations explore from there. Every datagram goes
 *
 *   A. straight to nt_trust_decide, set by set, with a store that pins the
 *      test key for pub.local, replay/signer/budget tables (small caps, so
 *      "full" is reached) and a claim of Web._http._tcp.local for that key;
 *   B. into an nt_mdns engine with nt_trust_hooks installed: it browses
 *      _http._tcp with the same pin, and publishes a service of its own
 *      signed by a second key (fz.local), so the responder's defence and
 *      suppression paths run too.
 *
 * Part A runs every input twice, without and with trust on first use (in
 * memory); part B with it in every other input (by length).
 * Invariants (abort() on failure), checked against an independent
 * verification: the RRSIG RDATA parsed here, the signed data rebuilt with
 * the wire codec and the Ed25519 signature checked with nt_ed25519_verify
 * under the public key derived from the seed, not the packet's DNSKEY:
 *   - a set accepted as trusted has a valid signature by a pinned key
 *     (pub.local's, or the engine's own), is no mix of TTL 0 and live TTLs,
 *     and its TTL cap is at most min(original TTL, expiration - now) of such
 *     a signature; decide's signer and key digest are the pin's;
 *   - a set accepted as self-signed has a valid signature by a DNSKEY in the
 *     same message, with the key digest decide reports;
 *   - a set for a pinned or claimed name (A/SRV/... owned by pub.local, the
 *     claimed instance as SRV/TXT owner or PTR target) is trusted or
 *     rejected, never unsigned or self-signed;
 *   - a rejected set leaves no trace in the cache: no record of it appears,
 *     and a cached copy keeps its expiry; an accepted signed set is cached
 *     no longer than its signature allows (the TTL clamp);
 *   - an accepted signer is a <label>.local host name;
 *   - a rejection carries its reason; nothing crashes; every datagram the
 *     engine sends parses, and its own RRSIGs verify under its key.
 * No file I/O in the loop: the store's TOFU mode has no file.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nautilus/crypto.h"
#include "nautilus/trust.h"
#include "nautilus/trust_mdns.h"
#include "nautilus/wire.h"
#include "fuzz/fuzz.h"

#define WALL 1790000000u     /* the seeds' signing time (make_trust_corpus.py) */
#define CAP 16               /* trust table caps: small, so they fill */
#define MAX_DGRAMS 8
#define MSG_RECS 256         /* records of one message considered */
#define SET_RECS 256         /* records of one set (the codec's RRset bound) */
#define SKEW (24u * 3600u)   /* the widest clock skew nt_trust_skew allows */
#define REJ_MAX 512
#define SNAP_MAX 256

enum { T_A = 1, T_PTR = 12, T_TXT = 16, T_AAAA = 28, T_SRV = 33, T_OPT = 41, T_RRSIG = 46,
       T_DNSKEY = 48 };

static struct {
    bool ready;
    uint8_t pk[32];          /* the pinned test key */
    uint8_t digest[32];
    nt_dns_name host;        /* pub.local */
    nt_dns_name inst;        /* Web._http._tcp.local, claimed for the pinned key */
    nt_trust_signer own;     /* the engine's own signer, fz.local */
    nt_dns_name own_inst;    /* Mine._http._tcp.local */
} G;

static nt_dns_msg g_msg;
static nt_dns_msg g_out_msg;
static nt_mdns_packet_out g_out;
static nt_mdns_event g_ev;
static uint8_t g_rdbuf[MSG_RECS * 1100 + 70000];
static nt_dns_record g_recs[MSG_RECS];
static nt_dns_record g_set[SET_RECS];
static uint8_t g_signed[80000];

/* ---- independent signature check --------------------------------------- */

/* RRSIG RDATA (RFC 4034 §3.1) of an uncompressed record, read here. */
static bool parse_sig(const uint8_t *rd, size_t len, nt_dns_rrsig *sig)
{
    size_t off = 18;
    if (len < 18 + 1)
        return false;
    sig->type_covered = (uint16_t)(rd[0] << 8 | rd[1]);
    sig->algorithm = rd[2];
    sig->labels = rd[3];
    sig->original_ttl = (uint32_t)rd[4] << 24 | (uint32_t)rd[5] << 16 | (uint32_t)rd[6] << 8 | rd[7];
    sig->expiration = (uint32_t)rd[8] << 24 | (uint32_t)rd[9] << 16 | (uint32_t)rd[10] << 8 | rd[11];
    sig->inception = (uint32_t)rd[12] << 24 | (uint32_t)rd[13] << 16 | (uint32_t)rd[14] << 8 | rd[15];
    sig->key_tag = (uint16_t)(rd[16] << 8 | rd[17]);
    while (off < len && rd[off] != 0) {
        if (rd[off] > 63)
            return false;
        off += 1u + rd[off];
    }
    if (off >= len)
        return false;
    off++;
    if (nt_dns_name_from_wire(&sig->signer, rd + 18, off - 18) != NT_OK)
        return false;
    sig->signature = rd + off;
    sig->signature_len = len - off;
    return true;
}

static bool in_window(const nt_dns_rrsig *sig, uint32_t now)
{
    /* Serial arithmetic (RFC 1982) with the widest skew the verifier uses. */
    return (int32_t)(now + SKEW - sig->inception) >= 0 &&
           (int32_t)(sig->expiration + SKEW - now) >= 0;
}

/* Does some RRSIG in msg, by signer (NULL: any signer whose DNSKEY with
 * digest want_digest is in msg) and public key pk, validly cover
 * set[0..n)? *cap gets the largest min(original TTL, expiration - now) of
 * the valid ones. */
static bool sig_ok(const nt_dns_record *set, size_t n, const nt_dns_record *msg, size_t msg_n,
                   const uint8_t *pk, const nt_dns_name *signer, const uint8_t *want_digest,
                   uint32_t now, uint32_t *cap)
{
    size_t i, j;
    bool ok = false;
    *cap = 0;
    for (i = 0; i < msg_n; i++) {
        nt_dns_rrsig sig;
        nt_wbuf w;
        const uint8_t *key = pk;
        uint32_t c;
        if (msg[i].type != T_RRSIG || !nt_dns_name_equal(&msg[i].owner, &set[0].owner) ||
            !parse_sig(msg[i].rdata, msg[i].rdlength, &sig) || sig.type_covered != set[0].type ||
            sig.algorithm != 15 || sig.signature_len != 64 || !in_window(&sig, now))
            continue;
        if (signer && !nt_dns_name_equal(&sig.signer, signer))
            continue;
        if (!key) {
            /* The DNSKEY at the signer whose digest is the one reported. */
            for (j = 0; j < msg_n && !key; j++) {
                uint8_t d[32];
                nt_dns_name low = sig.signer;
                if (msg[j].type != T_DNSKEY || msg[j].rdlength != 36 ||
                    !nt_dns_name_equal(&msg[j].owner, &sig.signer))
                    continue;
                nt_dns_name_lower(&low);
                nt_dnskey_digest(d, low.wire, low.len, msg[j].rdata, msg[j].rdlength);
                if (memcmp(d, want_digest, 32) == 0)
                    key = msg[j].rdata + 4;
            }
            if (!key)
                continue;
        }
        nt_wbuf_init(&w, g_signed, sizeof g_signed);
        if (nt_dns_rrsig_signed_data(&w, &sig, set, n) != NT_OK ||
            nt_ed25519_verify(key, sig.signature, w.base, w.len) != NT_OK)
            continue;
        ok = true;
        c = sig.original_ttl;
        if ((int32_t)(sig.expiration - now) <= 0)
            c = 0;
        else if (sig.expiration - now < c)
            c = sig.expiration - now;
        if (c > *cap)
            *cap = c;
    }
    return ok;
}

static bool mixed_ttl(const nt_dns_record *set, size_t n)
{
    size_t i, zero = 0;
    for (i = 0; i < n; i++)
        zero += set[i].ttl == 0;
    return zero != 0 && zero != n;
}

/* Is a record of this set about a name pinned (pub.local, fz.local) or
 * claimed (the instances)? PTR: its targets; others: the owner. */
static bool names_match(const nt_dns_name *x, bool claimed_inst)
{
    return nt_dns_name_equal(x, &G.host) || nt_dns_name_equal(x, &G.own.signer) ||
           nt_dns_name_equal(x, &G.own_inst) || (claimed_inst && nt_dns_name_equal(x, &G.inst));
}

static bool protected_set(const nt_dns_record *set, size_t n, bool claimed_inst)
{
    size_t i;
    if (set[0].type != T_PTR)
        return names_match(&set[0].owner, claimed_inst);
    for (i = 0; i < n; i++) {
        nt_dns_name t;
        if (nt_dns_name_from_wire(&t, set[i].rdata, set[i].rdlength) == NT_OK &&
            names_match(&t, claimed_inst))
            return true;
    }
    return false;
}

static bool has_subject(const nt_dns_record *set, size_t n, const nt_dns_name *subject)
{
    size_t i;
    if (set[0].type != T_PTR)
        return nt_dns_name_equal(&set[0].owner, subject);
    for (i = 0; i < n; i++) {
        nt_dns_name t;
        if (nt_dns_name_from_wire(&t, set[i].rdata, set[i].rdlength) == NT_OK &&
            nt_dns_name_equal(&t, subject))
            return true;
    }
    return false;
}

/* The invariants for one judged set (shared by A and B). */
static void check_verdict(const nt_dns_record *set, size_t n, const nt_dns_record *msg,
                          size_t msg_n, bool accepted, nt_trust_level level, uint32_t ttl_max,
                          const uint8_t *digest, bool claimed_inst)
{
    uint32_t cap = 0;
    if (!accepted)
        return;
    CHECK(level <= NT_TRUST_TRUSTED); /* no proofs here: never anchored or zk */
    if (level == NT_TRUST_TRUSTED) {
        CHECK(sig_ok(set, n, msg, msg_n, G.pk, &G.host, NULL, WALL, &cap) ||
              sig_ok(set, n, msg, msg_n, G.own.key.pk, &G.own.signer, NULL, WALL, &cap));
        CHECK(ttl_max <= cap);
        CHECK(!mixed_ttl(set, n));
    } else if (level == NT_TRUST_SELF_SIGNED && digest) {
        CHECK(sig_ok(set, n, msg, msg_n, NULL, NULL, digest, WALL, &cap));
        CHECK(ttl_max <= cap);
    }
    if (protected_set(set, n, claimed_inst))
        CHECK(level == NT_TRUST_TRUSTED);
}

/* ---- records of a message ------------------------------------------------- */

/* Answer and additional records of m (as the engine takes them). */
static size_t collect(const nt_dns_msg *m, nt_dns_record *out, size_t cap)
{
    size_t i, n = 0, used = 0;
    for (i = m->first[NT_DNS_SEC_ANSWER]; i < m->nrr && n < cap; i++) {
        const nt_dns_rr *rr = &m->rr[i];
        if (rr->section == NT_DNS_SEC_AUTHORITY || rr->status != NT_OK || rr->type == T_OPT)
            continue;
        if (nt_dns_rr_to_record(m, rr, &out[n], g_rdbuf + used, sizeof g_rdbuf - used) != NT_OK)
            continue;
        used += out[n].rdlength;
        n++;
    }
    return n;
}

/* The set of recs[i] (same owner, type, class) into g_set; marks done. */
static size_t set_of(const nt_dns_record *recs, size_t n, size_t i, bool *done)
{
    size_t j, k = 0;
    for (j = i; j < n; j++)
        if (!done[j] && recs[j].type == recs[i].type && recs[j].rclass == recs[i].rclass &&
            nt_dns_name_equal(&recs[j].owner, &recs[i].owner)) {
            done[j] = true;
            if (k < SET_RECS)
                g_set[k++] = recs[j];
        }
    return k;
}

/* ---- A: nt_trust_decide directly --------------------------------------- */

typedef struct part_a {
    nt_trust_store *store;
    nt_trust_ctx ctx;
} part_a;

static bool a_setup(part_a *a, bool tofu)
{
    nt_trust_signer_info info;
    memset(a, 0, sizeof *a);
    if (nt_trust_store_create(&a->store, CAP) != NT_OK)
        return false;
    CHECK(nt_trust_store_add(a->store, &G.host, G.digest) == NT_OK);
    if (tofu)
        nt_trust_store_set_tofu(a->store, true, NULL);
    a->ctx.store = a->store;
    CHECK(nt_trust_replay_create(&a->ctx.replay, CAP) == NT_OK);
    CHECK(nt_trust_signers_create(&a->ctx.signers, CAP) == NT_OK);
    CHECK(nt_trust_budget_create(&a->ctx.budget, CAP, 200) == NT_OK);
    memset(&info, 0, sizeof info);
    info.signer = G.host;
    memcpy(info.key_digest, G.digest, 32);
    info.level = NT_TRUST_TRUSTED;
    info.pin = NT_TRUST_PIN_OPERATOR;
    CHECK(nt_trust_signers_set(a->ctx.signers, &G.inst, &info, true, WALL + 86400u, WALL) ==
          NT_OK);
    return true;
}

static void a_cleanup(part_a *a)
{
    nt_trust_replay_destroy(a->ctx.replay);
    nt_trust_signers_destroy(a->ctx.signers);
    nt_trust_budget_destroy(a->ctx.budget);
    nt_trust_store_destroy(a->store);
}

static void a_datagram(part_a *a, const uint8_t *data, size_t len, const uint8_t src[4],
                       uint64_t now_ms)
{
    static bool done[MSG_RECS];
    size_t n, i;
    if (nt_dns_msg_parse(&g_msg, data, len) != NT_OK || !(g_msg.flags & NT_DNS_FLAG_QR))
        return;
    n = collect(&g_msg, g_recs, MSG_RECS);
    memset(done, 0, sizeof done);
    for (i = 0; i < n; i++) {
        nt_trust_result res;
        nt_status st;
        size_t k;
        if (done[i])
            continue;
        k = set_of(g_recs, n, i, done);
        if (g_set[0].type == T_RRSIG || g_set[0].type == T_DNSKEY)
            continue;
        st = nt_trust_decide(&a->ctx, &res, g_set, k, g_recs, n, src, 4, WALL, now_ms);
        CHECK(res.reason == st);
        if (st == NT_OK) {
            check_verdict(g_set, k, g_recs, n, true, res.level, res.ttl_max,
                          res.level == NT_TRUST_SELF_SIGNED ? res.key_digest : NULL, true);
            if (res.level >= NT_TRUST_SELF_SIGNED) {
                /* Signers are <label>.local host names. */
                static const uint8_t local[7] = {5, 'l', 'o', 'c', 'a', 'l', 0};
                nt_dns_name low = res.signer;
                nt_dns_name_lower(&low);
                CHECK(low.labels == 2 && low.len == 1u + low.wire[0] + 7u &&
                      memcmp(low.wire + 1 + low.wire[0], local, 7) == 0);
            }
            if (res.level == NT_TRUST_TRUSTED) {
                CHECK(res.pin == NT_TRUST_PIN_OPERATOR);
                CHECK(nt_dns_name_equal(&res.signer, &G.host) &&
                      memcmp(res.key_digest, G.digest, 32) == 0);
            } else {
                CHECK(res.pin != NT_TRUST_PIN_OPERATOR);
            }
        } else {
            CHECK(res.level == NT_TRUST_UNSIGNED);
        }
    }
}

/* ---- B: the engine with the hooks ---------------------------------------- */

typedef struct rej_key {
    nt_dns_name owner;
    uint16_t type, rclass;
    uint8_t sha[32];
} rej_key;

typedef struct snap {
    rej_key k;
    uint64_t expires_ms;
} snap;

typedef struct acc_key {
    rej_key k;
    uint32_t cap;            /* seconds its signature allows */
} acc_key;

typedef struct part_b {
    nt_trust_store *store;
    nt_trust_hooks *hooks;
    nt_mdns *m;
    nt_mdns_verify_fn verify;
    void *verify_ctx;
    bool inst_claimed;       /* the browser has trusted records of Web */
    rej_key rej[REJ_MAX];
    size_t nrej;
    acc_key acc[REJ_MAX];
    size_t nacc;
    uint64_t now;
    snap before[SNAP_MAX];
    size_t nbefore;
    bool after_bad;
} part_b;

static uint32_t fixed_wall(void *ctx)
{
    (void)ctx;
    return WALL;
}

static void key_of(rej_key *k, const nt_mdns_rr *r)
{
    memset(k, 0, sizeof *k);
    if (nt_dns_name_from_wire(&k->owner, r->name, r->name_len) != NT_OK)
        k->owner.len = 0;
    nt_dns_name_lower(&k->owner);
    k->type = r->type;
    k->rclass = r->rrclass;
    nt_sha256(k->sha, r->rdata, r->rdata_len);
}

static bool key_eq(const rej_key *a, const rej_key *b)
{
    return a->type == b->type && a->rclass == b->rclass && a->owner.len == b->owner.len &&
           memcmp(a->owner.wire, b->owner.wire, a->owner.len) == 0 &&
           memcmp(a->sha, b->sha, 32) == 0;
}

static size_t to_records(nt_dns_record *out, const nt_mdns_rr *in, size_t n)
{
    size_t i, k = 0;
    for (i = 0; i < n; i++) {
        if (nt_dns_name_from_wire(&out[k].owner, in[i].name, in[i].name_len) != NT_OK ||
            in[i].rdata_len > 0xffff)
            continue;
        out[k].type = in[i].type;
        out[k].rclass = in[i].rrclass;
        out[k].mdns_bit = in[i].cache_flush;
        out[k].ttl = in[i].ttl;
        out[k].rdata = in[i].rdata;
        out[k].rdlength = (uint16_t)in[i].rdata_len;
        k++;
    }
    return k;
}

static nt_status wrap_verify(void *ctx, uint32_t ifindex, const nt_mdns_endpoint *src,
                             const nt_mdns_rrset *set, const nt_mdns_rrset *message,
                             uint64_t now_ms, nt_mdns_judgement *out)
{
    static nt_dns_record msg[MSG_RECS], rs[SET_RECS];
    part_b *b = ctx;
    size_t i, n, k;
    nt_status st = b->verify(b->verify_ctx, ifindex, src, set, message, now_ms, out);
    bool accepted = st == NT_OK && out->verdict == NT_MDNS_ACCEPT;

    if (!accepted) {
        CHECK(out->reason[NT_MDNS_REASON_MAX - 1] == '\0');
        for (i = 0; i < set->count && b->nrej < REJ_MAX; i++)
            key_of(&b->rej[b->nrej++], &set->rrs[i]);
        return st;
    }
    if (set->count == 0 || set->rrs[0].type == T_RRSIG || set->rrs[0].type == T_DNSKEY)
        return st;
    n = to_records(msg, message->rrs, message->count < MSG_RECS ? message->count : MSG_RECS);
    k = to_records(rs, set->rrs, set->count < SET_RECS ? set->count : SET_RECS);
    if (k != set->count)
        return st; /* not a set the codec can hold: nothing cached is judged here */
    if (out->trust == NT_TRUST_SELF_SIGNED) {
        uint32_t cap = 0, c;
        /* Some key in the message signed it (the hooks report no digest). */
        bool any = false;
        size_t j;
        for (j = 0; j < n; j++) {
            uint8_t d[32];
            nt_dns_name low;
            if (msg[j].type != T_DNSKEY)
                continue;
            low = msg[j].owner;
            nt_dns_name_lower(&low);
            nt_dnskey_digest(d, low.wire, low.len, msg[j].rdata, msg[j].rdlength);
            if (sig_ok(rs, k, msg, n, NULL, NULL, d, WALL, &c)) {
                any = true;
                cap = c > cap ? c : cap;
            }
        }
        CHECK(any);
        CHECK(out->ttl_max <= cap);
    }
    if (out->trust >= NT_TRUST_SELF_SIGNED) {
        /* The cache must keep none of these longer than ttl_max (checked
         * after the datagram). */
        for (i = 0; i < set->count && b->nacc < REJ_MAX; i++) {
            key_of(&b->acc[b->nacc].k, &set->rrs[i]);
            b->acc[b->nacc++].cap = out->ttl_max;
        }
    }
    check_verdict(rs, k, msg, n, true, (nt_trust_level)out->trust, out->ttl_max, NULL,
                  b->inst_claimed);
    if (out->trust == NT_TRUST_TRUSTED && has_subject(rs, k, &G.inst))
        b->inst_claimed = true;
    return st;
}

static void snap_cb(void *ctx, const nt_mdns_cache_entry *e)
{
    part_b *b = ctx;
    if (b->nbefore < SNAP_MAX) {
        key_of(&b->before[b->nbefore].k, &e->rr);
        b->before[b->nbefore].expires_ms = e->expires_ms;
        b->nbefore++;
    }
}

/* After the datagram: a cached record with the key of a rejected one must
 * be the copy that was there before, untouched; one of an accepted signed
 * set expires within what its signature allows. */
static void after_cb(void *ctx, const nt_mdns_cache_entry *e)
{
    part_b *b = ctx;
    rej_key k;
    size_t i, j;
    bool unchanged = false;
    key_of(&k, &e->rr);
    for (j = 0; j < b->nbefore; j++)
        if (key_eq(&k, &b->before[j].k) && b->before[j].expires_ms == e->expires_ms)
            unchanged = true;
    if (unchanged)
        return; /* as it was (a copy that changes nothing leaves it so) */
    for (i = 0; i < b->nrej; i++)
        if (key_eq(&k, &b->rej[i]))
            b->after_bad = true;
    /* A goodbye (cap 0) stays one second more (RFC 6762 §10.1). */
    for (i = 0; i < b->nacc; i++)
        if (key_eq(&k, &b->acc[i].k) &&
            e->expires_ms > b->now + (b->acc[i].cap ? (uint64_t)b->acc[i].cap * 1000u : 1000u))
            b->after_bad = true;
}

/* Every RRSIG the engine sends by its own signer covers, with the records
 * of its set in that message, a valid signature by its key. */
static void check_own_signatures(const nt_dns_msg *m)
{
    static bool done[MSG_RECS];
    size_t n, i;
    n = collect(m, g_recs, MSG_RECS);
    memset(done, 0, sizeof done);
    for (i = 0; i < n; i++) {
        size_t k, j;
        bool ours = false;
        uint32_t cap;
        if (done[i])
            continue;
        k = set_of(g_recs, n, i, done);
        if (g_set[0].type == T_RRSIG || g_set[0].type == T_DNSKEY)
            continue;
        for (j = 0; j < n && !ours; j++) {
            nt_dns_rrsig sig;
            ours = g_recs[j].type == T_RRSIG &&
                   nt_dns_name_equal(&g_recs[j].owner, &g_set[0].owner) &&
                   parse_sig(g_recs[j].rdata, g_recs[j].rdlength, &sig) &&
                   sig.type_covered == g_set[0].type &&
                   nt_dns_name_equal(&sig.signer, &G.own.signer);
        }
        if (ours)
            CHECK(sig_ok(g_set, k, g_recs, n, G.own.key.pk, &G.own.signer, NULL, WALL, &cap));
    }
}

/* The start-up (probes, announcements) is the same for every input: its
 * signatures are checked on the first input only. */
static bool g_setup_checked;

static void drain(part_b *b, bool setup)
{
    while (nt_mdns_output_pop(b->m, &g_out) == NT_OK) {
        CHECK(g_out.len <= NT_MDNS_PACKET_MAX);
        CHECK(nt_dns_msg_parse(&g_out_msg, g_out.data, g_out.len) == NT_OK);
        CHECK(g_out_msg.bad_records == 0);
        if ((g_out_msg.flags & NT_DNS_FLAG_QR) && !(setup && g_setup_checked))
            check_own_signatures(&g_out_msg);
    }
    while (nt_mdns_event_pop(b->m, &g_ev) == NT_OK) {
        CHECK(g_ev.addr_count <= NT_MDNS_EVENT_ADDRS_MAX);
        if (g_ev.kind == NT_MDNS_EV_REJECTED)
            CHECK(g_ev.reason[0] != '\0');
    }
}

static bool b_setup(part_b *b, bool tofu)
{
    nt_trust_hooks_config hc;
    nt_mdns_config cfg;
    nt_mdns_iface_config ifc;
    nt_mdns_ifaddr ad[2];
    nt_mdns_service_config s;
    nt_mdns_query_config q;
    nt_mdns_service_id sid;
    nt_mdns_query_id qid;
    static const nt_mdns_txt_entry txt[1] = {{"k", (const uint8_t *)"v", 1}};

    memset(b, 0, sizeof *b);
    if (nt_trust_store_create(&b->store, CAP) != NT_OK)
        return false;
    CHECK(nt_trust_store_add(b->store, &G.host, G.digest) == NT_OK);
    if (tofu)
        nt_trust_store_set_tofu(b->store, true, NULL);
    memset(&hc, 0, sizeof hc);
    hc.signer = &G.own;
    hc.store = b->store;
    hc.verify = true;
    hc.table_cap = CAP;
    hc.wall = fixed_wall;
    CHECK(nt_trust_hooks_create(&b->hooks, &hc) == NT_OK);
    CHECK(nt_trust_hooks_claim(b->hooks, &G.own_inst) == NT_OK);

    nt_mdns_config_init(&cfg);
    cfg.host_name = "fz";
    cfg.seed = 7;
    /* Small tables: an engine is made for every input. */
    cfg.cache_cap = 64;
    cfg.max_interfaces = 2;
    cfg.max_services = 4;
    cfg.max_queries = 4;
    cfg.max_known_answer_sets = 8;
    cfg.max_known_answers = 64;
    cfg.max_pending_out = 32;
    cfg.max_pending_events = 128;
    nt_trust_hooks_install(b->hooks, &cfg);
    b->verify = cfg.verify;
    b->verify_ctx = cfg.verify_ctx;
    cfg.verify = wrap_verify;
    cfg.verify_ctx = b;
    CHECK(nt_mdns_create(&b->m, &cfg) == NT_OK);
    memset(ad, 0, sizeof ad);
    ad[0].addr.family = NT_MDNS_INET4;
    ad[0].addr.bytes[0] = 192;
    ad[0].addr.bytes[2] = 2;
    ad[0].addr.bytes[3] = 30;
    ad[0].prefix_len = 24;
    ad[1].addr.family = NT_MDNS_INET6;
    ad[1].addr.bytes[0] = 0xfe;
    ad[1].addr.bytes[1] = 0x80;
    ad[1].addr.bytes[15] = 0x30;
    ad[1].prefix_len = 64;
    memset(&ifc, 0, sizeof ifc);
    ifc.ifindex = 1;
    ifc.name = "fz0";
    ifc.addrs = ad;
    ifc.addr_count = 2;
    ifc.ipv4 = true;
    ifc.ipv6 = true;
    CHECK(nt_mdns_iface_add(b->m, &ifc, 0) == NT_OK);
    memset(&s, 0, sizeof s);
    s.instance = "Mine";
    s.type = "_http._tcp";
    s.port = 80;
    s.txt = txt;
    s.txt_count = 1;
    CHECK(nt_mdns_service_add(b->m, &sid, &s, 0) == NT_OK);
    memset(&q, 0, sizeof q);
    q.kind = NT_MDNS_Q_BROWSE;
    q.type = "_http._tcp";
    q.resolve = true;
    CHECK(nt_mdns_query_add(b->m, &qid, &q, 0) == NT_OK);
    /* Probe and announce (our records and signatures are in place). */
    nt_mdns_run(b->m, 5000);
    drain(b, true);
    nt_mdns_run(b->m, 9000);
    drain(b, true);
    g_setup_checked = true;
    return true;
}

static void b_cleanup(part_b *b)
{
    nt_mdns_destroy(b->m);
    nt_trust_hooks_destroy(b->hooks);
    nt_trust_store_destroy(b->store);
}

static void b_datagram(part_b *b, const uint8_t *data, size_t len, const nt_mdns_addr *src,
                       uint64_t now)
{
    nt_mdns_packet_in in;
    memset(&in, 0, sizeof in);
    in.ifindex = 1;
    in.src.addr = *src;
    in.src.port = 5353;
    in.dst_multicast = true;
    in.hop_limit = 255;
    in.data = data;
    in.len = len;
    b->nbefore = 0;
    b->nrej = 0;
    b->nacc = 0;
    b->now = now;
    b->after_bad = false;
    nt_mdns_cache_walk(b->m, 0, snap_cb, b);
    CHECK(nt_mdns_input(b->m, &in, now) == NT_OK);
    if (b->nrej || b->nacc) {
        nt_mdns_cache_walk(b->m, 0, after_cb, b);
        CHECK(!b->after_bad);
    }
    drain(b, false);
}

/* ---- the entry point ----------------------------------------------------- */

static void init(void)
{
    nt_ed25519_key k;
    uint8_t seed[32];
    nt_dns_name own_host;
    nt_trust_signer s;
    memset(seed, 0x42, sizeof seed);
    CHECK(nt_ed25519_key_from_seed(&k, seed) == NT_OK);
    CHECK(nt_dns_name_from_str(&G.host, "pub.local") == NT_OK);
    nt_trust_signer_init(&s, &k, &G.host, 0);
    memcpy(G.pk, k.pk, 32);
    memcpy(G.digest, s.key_digest, 32);
    nt_trust_signer_cleanup(&s);
    nt_ed25519_key_wipe(&k);
    CHECK(nt_dns_name_from_str(&G.inst, "Web._http._tcp.local") == NT_OK);
    CHECK(nt_dns_name_from_str(&G.own_inst, "Mine._http._tcp.local") == NT_OK);
    memset(seed, 0x24, sizeof seed);
    CHECK(nt_ed25519_key_from_seed(&k, seed) == NT_OK);
    CHECK(nt_dns_name_from_str(&own_host, "fz.local") == NT_OK);
    nt_trust_signer_init(&G.own, &k, &own_host, 0);
    nt_ed25519_key_wipe(&k);
    G.ready = true;
}

static const uint8_t *find_sep(const uint8_t *p, size_t n)
{
    size_t i;
    for (i = 0; i + 4 <= n; i++)
        if (memcmp(p + i, "NTMD", 4) == 0)
            return p + i;
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static part_a a, a_tofu;
    static part_b b;
    uint64_t now = 10000;
    size_t idx = 0;

    if (!G.ready)
        init();
    if (!a_setup(&a, false))
        return 0;
    if (!a_setup(&a_tofu, true)) {
        a_cleanup(&a);
        return 0;
    }
    if (!b_setup(&b, size % 2 == 1)) {
        a_cleanup(&a);
        a_cleanup(&a_tofu);
        return 0;
    }
    while (idx < MAX_DGRAMS) {
        const uint8_t *sep = find_sep(data, size);
        size_t len = sep != NULL ? (size_t)(sep - data) : size;
        nt_mdns_addr src;
        memset(&src, 0, sizeof src);
        if (len % 4 == 3) {
            src.family = NT_MDNS_INET6;
            src.bytes[0] = 0xfe;
            src.bytes[1] = 0x80;
            src.bytes[15] = (uint8_t)(0x40 + idx % 3);
            src.scope = 1;
        } else {
            src.family = NT_MDNS_INET4;
            src.bytes[0] = 192;
            src.bytes[2] = 2;
            src.bytes[3] = (uint8_t)(40 + idx % 3);
        }
        a_datagram(&a, data, len, src.family == NT_MDNS_INET4 ? src.bytes : src.bytes + 12, now);
        a_datagram(&a_tofu, data, len, src.family == NT_MDNS_INET4 ? src.bytes : src.bytes + 12,
                   now);
        b_datagram(&b, data, len, &src, now);
        now += 50u + 13u * (len % 7);
        nt_mdns_run(b.m, now);
        drain(&b, false);
        idx++;
        if (sep == NULL)
            break;
        size -= len + 4;
        data = sep + 4;
    }
    /* Timers: re-announcements, defences, expiry. */
    now += 1500;
    nt_mdns_run(b.m, now);
    drain(&b, false);
    nt_mdns_shutdown(b.m, now);
    drain(&b, false);
    b_cleanup(&b);
    a_cleanup(&a);
    a_cleanup(&a_tofu);
    return 0;
}
