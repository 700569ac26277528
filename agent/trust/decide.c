/*
 * The trust decision for one received RRset (nautilus/trust.h, DESIGN §1).
 *
 * The RRSIGs that cover the set and the DNSKEY of their signer travel in
 * the same mDNS message (the responder adds them as additional records), so
 * everything needed is in msg[]. At most NT_TRUST_MAX_CHECKS_PER_RRSET
 * signatures are tried per set and each costs a token from the sender's
 * budget, so a packet of junk RRSIGs buys a bounded amount of CPU.
 */
#include <string.h>

#include "nautilus/buf.h"
#include "nautilus/trust.h"

bool nt_trust_store_tofu_record(nt_trust_store *s, const nt_dns_name *name,
                                const uint8_t digest[32]);

enum { TYPE_A = 1, TYPE_PTR = 12, TYPE_AAAA = 28, TYPE_RRSIG = 46, TYPE_DNSKEY = 48 };

/* Reads an uncompressed name that must end inside the window (RRSIG signer
 * names are never compressed, RFC 4034 §3.1.7). */
static nt_status read_plain_name(nt_buf *b, nt_dns_name *out)
{
    size_t start = nt_buf_tell(b);
    for (;;) {
        uint8_t len;
        if (nt_buf_get_u8(b, &len) != NT_OK)
            return NT_ERR_DNS_NAME_NO_ROOT;
        if (len == 0)
            break;
        if (len > 63)
            return NT_ERR_DNS_LABEL_TYPE;
        if (nt_buf_skip(b, len) != NT_OK)
            return NT_ERR_DNS_LABEL_OVERRUN;
    }
    return nt_dns_name_from_wire(out, b->base + start, nt_buf_tell(b) - start);
}

/* RRSIG RDATA (RFC 4034 §3.1) of an uncompressed record. */
static nt_status parse_rrsig(const nt_dns_record *r, nt_dns_rrsig *sig)
{
    nt_buf b;
    nt_status st;
    nt_buf_init(&b, r->rdata, r->rdlength);
    if (nt_buf_get_u16(&b, &sig->type_covered) != NT_OK ||
        nt_buf_get_u8(&b, &sig->algorithm) != NT_OK || nt_buf_get_u8(&b, &sig->labels) != NT_OK ||
        nt_buf_get_u32(&b, &sig->original_ttl) != NT_OK ||
        nt_buf_get_u32(&b, &sig->expiration) != NT_OK ||
        nt_buf_get_u32(&b, &sig->inception) != NT_OK || nt_buf_get_u16(&b, &sig->key_tag) != NT_OK)
        return NT_ERR_DNS_RDATA_SHORT;
    st = read_plain_name(&b, &sig->signer);
    if (st != NT_OK)
        return st;
    sig->signature_len = nt_buf_left(&b);
    sig->signature = b.base + nt_buf_tell(&b);
    return NT_OK;
}

/* The DNSKEY in msg at signer whose key tag matches, or NULL. */
static const nt_dns_record *find_dnskey(const nt_dns_record *msg, size_t msg_n,
                                        const nt_dns_name *signer, uint16_t key_tag)
{
    size_t i;
    for (i = 0; i < msg_n; i++) {
        const nt_dns_record *k = &msg[i];
        if (k->type == TYPE_DNSKEY && nt_dns_name_equal(&k->owner, signer) &&
            nt_dnskey_key_tag(k->rdata, k->rdlength) == key_tag)
            return k;
    }
    return NULL;
}

/* The names whose signer memory applies to an RRset: for PTR, each target
 * instance (the PTR owner is a shared service type); else the owner. */
static size_t subjects_of(const nt_dns_record *rrs, size_t n, nt_dns_name *out, size_t cap)
{
    size_t i, k = 0;
    if (rrs[0].type != TYPE_PTR) {
        out[0] = rrs[0].owner;
        return 1;
    }
    for (i = 0; i < n && k < cap; i++)
        if (nt_dns_name_from_wire(&out[k], rrs[i].rdata, rrs[i].rdlength) == NT_OK)
            k++;
    return k;
}

/* Whoever must have signed this set, if a pinned key is known for it: the
 * subject itself when it is a pinned host name (A, AAAA, NSEC at the host),
 * or the pinned signer remembered for it. */
static bool expected_signer(const nt_trust_ctx *ctx, const nt_dns_name *subjects, size_t ns,
                            nt_dns_name *signer)
{
    size_t i;
    nt_trust_signer_info info;
    if (!ctx->store)
        return false;
    for (i = 0; i < ns; i++) {
        if (nt_trust_store_has_name(ctx->store, &subjects[i])) {
            *signer = subjects[i];
            return true;
        }
        if (ctx->signers && nt_trust_signers_get(ctx->signers, &subjects[i], &info) == NT_OK &&
            nt_trust_store_has_name(ctx->store, &info.signer)) {
            *signer = info.signer;
            return true;
        }
    }
    return false;
}

/* Has another key (or a contest) been seen for one of the subjects? */
static bool contested(const nt_trust_ctx *ctx, const nt_dns_name *subjects, size_t ns,
                      const uint8_t digest[32])
{
    nt_trust_signer_info info;
    size_t i;
    if (!ctx->signers)
        return false;
    for (i = 0; i < ns; i++)
        if (nt_trust_signers_get(ctx->signers, &subjects[i], &info) == NT_OK &&
            (info.level == NT_TRUST_UNSIGNED || memcmp(info.key_digest, digest, 32) != 0))
            return true;
    return false;
}

#define SUBJECTS_MAX 32

nt_status nt_trust_decide(nt_trust_ctx *ctx, nt_trust_result *res, const nt_dns_record *rrs,
                          size_t n, const nt_dns_record *msg, size_t msg_n,
                          const uint8_t *source, size_t source_len, uint32_t now,
                          uint64_t now_ms)
{
    nt_dns_name subjects[SUBJECTS_MAX], expected;
    size_t ns, i;
    unsigned tried = 0;
    bool covered = false, expecting;
    nt_status fail = NT_OK;

    memset(res, 0, sizeof *res);
    res->level = NT_TRUST_UNSIGNED;
    if (n == 0)
        return NT_ERR_INVALID_ARG;
    ns = subjects_of(rrs, n, subjects, SUBJECTS_MAX);
    expecting = expected_signer(ctx, subjects, ns, &expected);

    for (i = 0; i < msg_n; i++) {
        const nt_dns_record *r = &msg[i];
        const nt_dns_record *key;
        nt_dns_rrsig sig;
        uint8_t digest[32];
        bool pinned;
        nt_trust_level level;
        nt_status st;

        if (r->type != TYPE_RRSIG || !nt_dns_name_equal(&r->owner, &rrs[0].owner))
            continue;
        if (parse_rrsig(r, &sig) != NT_OK || sig.type_covered != rrs[0].type)
            continue;
        covered = true;
        if (tried >= NT_TRUST_MAX_CHECKS_PER_RRSET) {
            fail = NT_ERR_TRUST_BUDGET;
            break;
        }
        if (ctx->budget && nt_trust_budget_take(ctx->budget, source, source_len, now_ms) != NT_OK) {
            fail = NT_ERR_TRUST_BUDGET;
            break;
        }
        tried++;
        key = find_dnskey(msg, msg_n, &sig.signer, sig.key_tag);
        if (!key) {
            fail = NT_ERR_TRUST_NO_KEY;
            continue;
        }
        /* A goodbye (TTL 0) must be signed as one: otherwise any captured
         * announcement could be replayed with TTL 0 to remove a service. */
        if (rrs[0].ttl == 0 && sig.original_ttl != 0) {
            fail = NT_ERR_TRUST_COVERAGE;
            continue;
        }
        st = nt_trust_verify_rrset(&sig, key->rdata, key->rdlength, rrs, n, now);
        if (st != NT_OK) {
            fail = st;
            continue;
        }
        {
            nt_dns_name signer = sig.signer;
            nt_dns_name_lower(&signer);
            nt_dnskey_digest(digest, signer.wire, signer.len, key->rdata, key->rdlength);
            sig.signer = signer;
        }
        /* A subject a pinned key vouches for may be signed by that signer
         * only; a pinned signer only with one of its pinned keys. */
        if (expecting && !nt_dns_name_equal(&sig.signer, &expected)) {
            fail = NT_ERR_TRUST_WRONG_KEY;
            continue;
        }
        pinned = ctx->store && nt_trust_store_has_name(ctx->store, &sig.signer);
        if (pinned && !nt_trust_store_match(ctx->store, &sig.signer, digest)) {
            fail = NT_ERR_TRUST_WRONG_KEY;
            continue;
        }
        if (pinned)
            level = NT_TRUST_TRUSTED;
        else if (ctx->store && nt_trust_store_tofu_record(ctx->store, &sig.signer, digest))
            level = NT_TRUST_TRUSTED;
        else
            level = NT_TRUST_SELF_SIGNED;
        if (ctx->replay && nt_trust_replay_check(ctx->replay, digest, &rrs[0].owner, rrs[0].type,
                                                 sig.inception) != NT_OK) {
            fail = NT_ERR_TRUST_REPLAY;
            continue;
        }
        /* Two keys that nothing vouches for, both signing one name: neither
         * is believed. The set is kept but counts as unsigned, and the name
         * stays marked as contested (no key shown for it) from then on. */
        if (level == NT_TRUST_SELF_SIGNED && contested(ctx, subjects, ns, digest))
            level = NT_TRUST_UNSIGNED;
        res->level = level;
        res->signer = sig.signer;
        memcpy(res->key_digest, digest, 32);
        res->expiration = sig.expiration;
        res->checks = tried;
        if (ctx->signers) {
            nt_trust_signer_info info;
            size_t k;
            memset(&info, 0, sizeof info);
            info.signer = sig.signer;
            if (level != NT_TRUST_UNSIGNED)
                memcpy(info.key_digest, digest, 32);
            info.level = level;
            for (k = 0; k < ns; k++)
                nt_trust_signers_set(ctx->signers, &subjects[k], &info);
        }
        return NT_OK;
    }
    res->checks = tried;
    if (!covered) {
        if (expecting) {
            res->reason = NT_ERR_TRUST_UNSIGNED;
            return NT_ERR_TRUST_UNSIGNED;
        }
        return NT_OK;
    }
    res->reason = fail;
    return fail;
}
