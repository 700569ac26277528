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
bool nt_trust_store_has_operator(const nt_trust_store *s, const nt_dns_name *name);
bool nt_trust_store_tofu_learned(const nt_trust_store *s, const nt_dns_name *name,
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
 * instance (the PTR owner is a shared service type); else the owner. Every
 * record counts: a set with more subjects than we can hold is refused whole
 * (STYLE 22: a truncated list would let a goodbye ride behind junk). */
static nt_status subjects_of(const nt_dns_record *rrs, size_t n, nt_dns_name *out, size_t cap,
                             size_t *ns)
{
    size_t i;
    *ns = 0;
    if (rrs[0].type != TYPE_PTR) {
        out[0] = rrs[0].owner;
        *ns = 1;
        return NT_OK;
    }
    if (n > cap)
        return NT_ERR_TRUST_OVERSIZE;
    for (i = 0; i < n; i++) {
        nt_status st = nt_dns_name_from_wire(&out[i], rrs[i].rdata, rrs[i].rdlength);
        if (st != NT_OK)
            return st;
    }
    *ns = n;
    return NT_OK;
}

/* A name with a pinned key: by the operator, by TOFU, or bound on chain
 * (DESIGN §1.5: a chain binding defends its name like a pin). */
static bool pinned_name(const nt_trust_ctx *ctx, const nt_dns_name *name)
{
    return (ctx->store && nt_trust_store_has_name(ctx->store, name)) ||
           nt_trust_chain_binds(ctx->chain, name, NULL);
}

/* Is digest the wrong key for signer? The operator's pins are the whole
 * truth for the names they pin; otherwise a chain binding decides, ahead of
 * keys learned by TOFU; otherwise any pin of the name. */
static bool wrong_key(const nt_trust_ctx *ctx, const nt_dns_name *signer, const uint8_t digest[32])
{
    uint8_t bound[32];
    bool op = ctx->store && nt_trust_store_has_operator(ctx->store, signer);
    if (!op && nt_trust_chain_binds(ctx->chain, signer, bound))
        return memcmp(bound, digest, 32) != 0;
    return ctx->store && nt_trust_store_has_name(ctx->store, signer) &&
           !nt_trust_store_match(ctx->store, signer, digest);
}

/* Whoever must have signed this set, if a pinned key is known for it: the
 * subject itself when it is a pinned host name (A, AAAA, NSEC at the host),
 * or the pinned signer remembered for it. */
static bool expected_signer(const nt_trust_ctx *ctx, const nt_dns_name *subjects, size_t ns,
                            nt_dns_name *signer)
{
    size_t i;
    nt_trust_signer_info info;
    if (!ctx->store && !ctx->chain)
        return false;
    for (i = 0; i < ns; i++) {
        if (pinned_name(ctx, &subjects[i])) {
            *signer = subjects[i];
            return true;
        }
        if (ctx->signers && nt_trust_signers_get(ctx->signers, &subjects[i], &info) == NT_OK &&
            pinned_name(ctx, &info.signer)) {
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

/* A signer is a host: exactly "<label>.local" (the DNSKEY rides at the host
 * name, DESIGN §2). Anything else could name no host we could pin. */
static bool is_local_host(const nt_dns_name *n)
{
    static const uint8_t local[] = {5, 'l', 'o', 'c', 'a', 'l', 0};
    size_t first, i;
    if (n->labels != 2)
        return false;
    first = 1u + n->wire[0];
    if (n->len != first + sizeof local)
        return false;
    for (i = 0; i < sizeof local; i++) {
        uint8_t c = n->wire[first + i];
        if (c >= 'A' && c <= 'Z')
            c = (uint8_t)(c - 'A' + 'a');
        if (c != local[i])
            return false;
    }
    return true;
}

/* How many records of the set are goodbyes (TTL 0)? */
static size_t goodbyes_in(const nt_dns_record *rrs, size_t n)
{
    size_t i, z = 0;
    for (i = 0; i < n; i++)
        z += rrs[i].ttl == 0;
    return z;
}

/* RFC 4035 §5.3.3: a validated record is cached no longer than its
 * original TTL nor past its signature's expiration (a signature accepted
 * inside the skew after expiration buys one second). */
static uint32_t ttl_cap(const nt_dns_rrsig *sig, uint32_t now)
{
    uint32_t left = nt_trust_time_before(now, sig->expiration) ? sig->expiration - now : 1u;
    return sig->original_ttl < left ? sig->original_ttl : left;
}

/* What is remembered of the signer for each subject. A pinned key's word
 * is kept; anything else lasts as long as the records it describes. */
static nt_status remember(nt_trust_ctx *ctx, const nt_trust_result *res,
                          const nt_dns_name *subjects, size_t ns, uint32_t now)
{
    nt_trust_signer_info info;
    size_t k;
    nt_status st;
    bool kept = res->pin != NT_TRUST_PIN_NONE;
    if (!ctx->signers)
        return NT_OK;
    memset(&info, 0, sizeof info);
    info.signer = res->signer;
    if (res->level != NT_TRUST_UNSIGNED)
        memcpy(info.key_digest, res->key_digest, 32);
    info.level = res->level;
    info.pin = res->pin;
    info.first_seen = res->first_seen;
    for (k = 0; k < ns; k++)
        if ((st = nt_trust_signers_set(ctx->signers, &subjects[k], &info, kept,
                                       now + res->ttl_max, now)) != NT_OK)
            return st;
    return NT_OK;
}

#define SUBJECTS_MAX 64 /* the largest set the engine hooks pass (hooks.c) */

/* The level a verified key earns, and how it is pinned. An unpinned key
 * seen first under trust on first use is pinned now, but first use is not
 * trust: only the operator's pin or a chain binding makes "trusted". */
static nt_trust_level level_of(nt_trust_ctx *ctx, const nt_dns_name *signer,
                               const uint8_t digest[32], nt_trust_result *res)
{
    uint8_t bound[32];
    res->pin = ctx->store ? nt_trust_store_pin_of(ctx->store, signer, digest) : NT_TRUST_PIN_NONE;
    /* The chain's word beats first use (wrong_key has refused any other
     * key already); the operator's pin is shown as such. */
    if (res->pin != NT_TRUST_PIN_OPERATOR && nt_trust_chain_binds(ctx->chain, signer, bound) &&
        memcmp(bound, digest, 32) == 0) {
        res->pin = NT_TRUST_PIN_CHAIN;
        return NT_TRUST_TRUSTED;
    }
    if (res->pin == NT_TRUST_PIN_NONE && ctx->store &&
        nt_trust_store_tofu_record(ctx->store, signer, digest)) {
        res->pin = NT_TRUST_PIN_TOFU;
        res->first_seen = true;
    } else if (res->pin == NT_TRUST_PIN_TOFU) {
        /* Every set of a key learned by this run says so, not just the
         * first: the signer memory of each instance keeps the last one. */
        res->first_seen = nt_trust_store_tofu_learned(ctx->store, signer, digest);
    }
    return res->pin == NT_TRUST_PIN_OPERATOR ? NT_TRUST_TRUSTED : NT_TRUST_SELF_SIGNED;
}

nt_status nt_trust_decide(nt_trust_ctx *ctx, nt_trust_result *res, const nt_dns_record *rrs,
                          size_t n, const nt_dns_record *msg, size_t msg_n,
                          const uint8_t *source, size_t source_len, uint32_t now,
                          uint64_t now_ms)
{
    nt_dns_name subjects[SUBJECTS_MAX], expected;
    size_t ns, i, zeros;
    unsigned tried = 0;
    bool covered = false, expecting;
    nt_status fail = NT_OK;

    memset(res, 0, sizeof *res);
    res->level = NT_TRUST_UNSIGNED;
    res->ttl_max = UINT32_MAX;
    if (n == 0)
        return NT_ERR_INVALID_ARG;
    fail = subjects_of(rrs, n, subjects, SUBJECTS_MAX, &ns);
    if (fail != NT_OK) {
        res->reason = fail;
        return fail;
    }
    expecting = expected_signer(ctx, subjects, ns, &expected);
    /* A set is a goodbye only if every record of it is (RFC 6762 §10.1):
     * a signed or defended set that mixes TTL 0 with live TTLs is a
     * replayed set whose TTLs were edited, never a publisher's. */
    zeros = goodbyes_in(rrs, n);

    for (i = 0; i < msg_n; i++) {
        const nt_dns_record *r = &msg[i];
        const nt_dns_record *key;
        nt_dns_rrsig sig;
        uint8_t digest[32];
        nt_trust_level level;
        nt_status st;

        if (r->type != TYPE_RRSIG || !nt_dns_name_equal(&r->owner, &rrs[0].owner))
            continue;
        if (parse_rrsig(r, &sig) != NT_OK || sig.type_covered != rrs[0].type)
            continue;
        covered = true;
        if (zeros != 0 && zeros != n) {
            fail = NT_ERR_TRUST_GOODBYE;
            break;
        }
        if (tried >= NT_TRUST_MAX_CHECKS_PER_RRSET) {
            fail = NT_ERR_TRUST_BUDGET;
            break;
        }
        if (ctx->budget && nt_trust_budget_take(ctx->budget, source, source_len, now_ms) != NT_OK) {
            fail = NT_ERR_TRUST_BUDGET;
            break;
        }
        tried++;
        if (!is_local_host(&sig.signer)) {
            fail = NT_ERR_TRUST_SIGNER_NAME;
            continue;
        }
        key = find_dnskey(msg, msg_n, &sig.signer, sig.key_tag);
        if (!key) {
            fail = NT_ERR_TRUST_NO_KEY;
            continue;
        }
        /* A goodbye must be signed as one, and only a goodbye may be:
         * otherwise a captured announcement could be replayed with TTL 0
         * to remove a service, or the clamp below would turn a live set
         * into a goodbye. */
        if ((zeros == n) != (sig.original_ttl == 0)) {
            fail = NT_ERR_TRUST_COVERAGE;
            continue;
        }
        st = nt_trust_verify_rrset(&sig, key->rdata, key->rdlength, rrs, n, now);
        if (st != NT_OK) {
            fail = st;
            continue;
        }
        nt_dns_name_lower(&sig.signer);
        nt_dnskey_digest(digest, sig.signer.wire, sig.signer.len, key->rdata, key->rdlength);
        /* A subject a pinned key vouches for may be signed by that signer
         * only; a pinned signer only with one of its pinned keys. */
        if (expecting && !nt_dns_name_equal(&sig.signer, &expected)) {
            fail = NT_ERR_TRUST_WRONG_KEY;
            continue;
        }
        if (wrong_key(ctx, &sig.signer, digest)) {
            fail = NT_ERR_TRUST_WRONG_KEY;
            continue;
        }
        res->first_seen = false;
        level = level_of(ctx, &sig.signer, digest, res);
        if (ctx->replay &&
            (st = nt_trust_replay_check(ctx->replay, digest, &rrs[0].owner, rrs[0].type,
                                        sig.inception, sig.expiration,
                                        res->pin != NT_TRUST_PIN_NONE, now)) != NT_OK) {
            fail = st;
            if (st == NT_ERR_TRUST_TABLE_FULL)
                break;
            continue;
        }
        /* Two keys that nothing vouches for, both signing one name: neither
         * is believed. The set is kept but counts as unsigned, and the name
         * stays marked as contested (no key shown for it) from then on. */
        if (res->pin == NT_TRUST_PIN_NONE && contested(ctx, subjects, ns, digest))
            level = NT_TRUST_UNSIGNED;
        res->level = level;
        res->signer = sig.signer;
        memcpy(res->key_digest, digest, 32);
        res->expiration = sig.expiration;
        res->original_ttl = sig.original_ttl;
        res->ttl_max = ttl_cap(&sig, now);
        res->checks = tried;
        if ((st = remember(ctx, res, subjects, ns, now)) != NT_OK) {
            fail = st;
            break;
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
    res->level = NT_TRUST_UNSIGNED;
    res->pin = NT_TRUST_PIN_NONE;
    res->first_seen = false;
    res->ttl_max = UINT32_MAX;
    res->reason = fail;
    return fail;
}
