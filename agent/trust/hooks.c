/* Signing and verification in the mDNS engine's hooks (trust_mdns.h). */
#include <string.h>
#include <time.h>

#include "nautilus/mem.h"
#include "nautilus/trust_mdns.h"

#define SIG_CACHE 64          /* signed RRsets remembered for re-use */
#define MSG_RECORDS_MAX 256   /* records of one message considered for RRSIG/DNSKEY */
#define SET_RECORDS_MAX 64    /* records in one RRset we sign or judge */

enum { TYPE_RRSIG = 46, TYPE_DNSKEY = 48 };

typedef struct sig_entry {
    uint8_t digest[32];       /* SHA-256 of the canonical RRset (with its TTL) */
    uint32_t inception;
    uint64_t used;
    size_t len;
    uint8_t rdata[NT_TRUST_RRSIG_RDATA_MAX];
} sig_entry;

struct nt_trust_hooks {
    nt_trust_hooks_config cfg;
    nt_trust_ctx ctx;
    sig_entry cache[SIG_CACHE];
    uint64_t clock;
    /* Extra records handed to the engine: valid until the next call. */
    uint8_t extra_sig[NT_TRUST_RRSIG_RDATA_MAX];
    nt_trust_hooks_stats stats;
    /* Scratch, kept here rather than on the stack (they are large). */
    nt_dns_record set_recs[SET_RECORDS_MAX];
    nt_dns_record msg_recs[MSG_RECORDS_MAX];
    uint8_t canon[9216];
};

static uint32_t wall_now(const nt_trust_hooks *h)
{
    if (h->cfg.wall)
        return h->cfg.wall(h->cfg.wall_ctx);
    return (uint32_t)time(NULL);
}

const char *nt_trust_reason_token(nt_status status)
{
    switch (status) {
    case NT_ERR_TRUST_UNSIGNED:
        return "unsigned";
    case NT_ERR_TRUST_NO_KEY:
        return "no-key";
    case NT_ERR_TRUST_WRONG_KEY:
        return "wrong-key";
    case NT_ERR_TRUST_EXPIRED:
        return "expired";
    case NT_ERR_TRUST_NOT_YET_VALID:
        return "not-yet-valid";
    case NT_ERR_TRUST_BAD_SIGNATURE:
        return "bad-signature";
    case NT_ERR_TRUST_ALGORITHM:
        return "algorithm";
    case NT_ERR_TRUST_COVERAGE:
        return "coverage";
    case NT_ERR_TRUST_KEY_TAG:
        return "key-tag";
    case NT_ERR_TRUST_REPLAY:
        return "replay";
    case NT_ERR_TRUST_BUDGET:
        return "budget";
    default:
        return "invalid";
    }
}

/* Converts engine records to codec records. Names must be valid wire names;
 * RDATA over 65535 bytes cannot occur in a datagram. */
static nt_status to_records(nt_dns_record *out, const nt_mdns_rr *in, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        nt_status st = nt_dns_name_from_wire(&out[i].owner, in[i].name, in[i].name_len);
        if (st != NT_OK)
            return st;
        if (in[i].rdata_len > 0xffff)
            return NT_ERR_DNS_RDLENGTH;
        out[i].type = in[i].type;
        out[i].rclass = in[i].rrclass;
        out[i].mdns_bit = in[i].cache_flush;
        out[i].ttl = in[i].ttl;
        out[i].rdata = in[i].rdata;
        out[i].rdlength = (uint16_t)in[i].rdata_len;
    }
    return NT_OK;
}

/* The cached signature of this exact RRset, or a new one. */
static nt_status signature_for(nt_trust_hooks *h, const nt_dns_record *rrs, size_t n,
                               uint32_t now, const uint8_t **rdata, size_t *len)
{
    uint8_t digest[32];
    nt_wbuf w;
    size_t i, victim = 0;
    nt_status st;
    const nt_trust_signer *s = h->cfg.signer;

    nt_wbuf_init(&w, h->canon, sizeof h->canon);
    st = nt_dns_rrset_canonical(&w, rrs, n, rrs[0].ttl);
    if (st != NT_OK)
        return st;
    nt_sha256(digest, w.base, w.len);
    h->clock++;
    for (i = 0; i < SIG_CACHE; i++) {
        sig_entry *e = &h->cache[i];
        if (e->len && memcmp(e->digest, digest, 32) == 0 &&
            now - e->inception < s->lifetime / 2) {
            /* Renewed at half-life (DESIGN §2). */
            e->used = h->clock;
            h->stats.signature_cache_hits++;
            *rdata = e->rdata;
            *len = e->len;
            return NT_OK;
        }
        if (h->cache[i].used < h->cache[victim].used)
            victim = i;
    }
    st = nt_trust_sign_rrset(s, h->cache[victim].rdata, sizeof h->cache[victim].rdata,
                             &h->cache[victim].len, rrs, n, now);
    if (st != NT_OK) {
        h->cache[victim].len = 0;
        return st;
    }
    memcpy(h->cache[victim].digest, digest, 32);
    h->cache[victim].inception = now;
    h->cache[victim].used = h->clock;
    h->stats.signed_sets++;
    *rdata = h->cache[victim].rdata;
    *len = h->cache[victim].len;
    return NT_OK;
}

static nt_status attach_hook(void *ctx, uint32_t ifindex, const nt_mdns_rrset *set,
                             uint64_t now_ms, nt_mdns_rr *extra, size_t extra_cap,
                             size_t *extra_count)
{
    nt_trust_hooks *h = ctx;
    const nt_trust_signer *s = h->cfg.signer;
    const uint8_t *sig;
    size_t sig_len;
    nt_status st;
    (void)ifindex;
    (void)now_ms;

    *extra_count = 0;
    if (!s || set->count == 0 || set->count > SET_RECORDS_MAX || extra_cap < 2)
        return NT_OK;
    /* RRSIG and DNSKEY sets are not themselves signed (RFC 4035 §2.2). */
    if (set->rrs[0].type == TYPE_RRSIG || set->rrs[0].type == TYPE_DNSKEY)
        return NT_OK;
    st = to_records(h->set_recs, set->rrs, set->count);
    if (st != NT_OK)
        return st;
    st = signature_for(h, h->set_recs, set->count, wall_now(h), &sig, &sig_len);
    if (st != NT_OK)
        return st;
    memcpy(h->extra_sig, sig, sig_len);
    extra[0].name = set->rrs[0].name;
    extra[0].name_len = set->rrs[0].name_len;
    extra[0].type = TYPE_RRSIG;
    extra[0].rrclass = set->rrs[0].rrclass;
    extra[0].cache_flush = false;
    extra[0].ttl = set->rrs[0].ttl;
    extra[0].rdata = h->extra_sig;
    extra[0].rdata_len = sig_len;
    extra[1].name = s->signer.wire;
    extra[1].name_len = s->signer.len;
    extra[1].type = TYPE_DNSKEY;
    extra[1].rrclass = set->rrs[0].rrclass;
    extra[1].cache_flush = true;
    extra[1].ttl = NT_MDNS_TTL_HOST;
    extra[1].rdata = s->dnskey;
    extra[1].rdata_len = sizeof s->dnskey;
    *extra_count = 2;
    return NT_OK;
}

static nt_status verify_hook(void *ctx, uint32_t ifindex, const nt_mdns_endpoint *src,
                             const nt_mdns_rrset *set, const nt_mdns_rrset *message,
                             uint64_t now_ms, nt_mdns_verdict *verdict, uint8_t *trust,
                             char *reason)
{
    nt_trust_hooks *h = ctx;
    nt_trust_result res;
    size_t msg_n;
    nt_status st;
    (void)ifindex;

    *verdict = NT_MDNS_ACCEPT;
    *trust = NT_TRUST_UNSIGNED;
    if (!h->cfg.verify || set->count == 0)
        return NT_OK;
    /* Signatures and keys are the evidence, not claims to judge. */
    if (set->rrs[0].type == TYPE_RRSIG || set->rrs[0].type == TYPE_DNSKEY)
        return NT_OK;
    if (set->count > SET_RECORDS_MAX) {
        *verdict = NT_MDNS_REJECT;
        strcpy(reason, "budget");
        h->stats.rejected_sets++;
        return NT_OK;
    }
    msg_n = message->count < MSG_RECORDS_MAX ? message->count : MSG_RECORDS_MAX;
    if (to_records(h->set_recs, set->rrs, set->count) != NT_OK ||
        to_records(h->msg_recs, message->rrs, msg_n) != NT_OK) {
        *verdict = NT_MDNS_REJECT;
        strcpy(reason, "invalid");
        h->stats.rejected_sets++;
        return NT_OK;
    }
    st = nt_trust_decide(&h->ctx, &res, h->set_recs, set->count, h->msg_recs, msg_n,
                         src->addr.bytes, src->addr.family == NT_MDNS_INET4 ? 4u : 16u,
                         wall_now(h), now_ms);
    if (st != NT_OK) {
        *verdict = NT_MDNS_REJECT;
        strncpy(reason, nt_trust_reason_token(st), NT_MDNS_REASON_MAX - 1);
        reason[NT_MDNS_REASON_MAX - 1] = 0;
        h->stats.rejected_sets++;
        return NT_OK;
    }
    *trust = (uint8_t)res.level;
    if (res.level == NT_TRUST_UNSIGNED)
        h->stats.unsigned_sets++;
    else
        h->stats.verified_sets++;
    return NT_OK;
}

nt_status nt_trust_hooks_create(nt_trust_hooks **out, const nt_trust_hooks_config *cfg)
{
    nt_trust_hooks *h = nt_calloc(1, sizeof *h);
    size_t cap = cfg->table_cap ? cfg->table_cap : 4096;
    nt_status st;
    if (!h)
        return NT_ERR_NOMEM;
    h->cfg = *cfg;
    h->ctx.store = cfg->store;
    if ((st = nt_trust_replay_create(&h->ctx.replay, cap)) != NT_OK ||
        (st = nt_trust_signers_create(&h->ctx.signers, cap)) != NT_OK ||
        (st = nt_trust_budget_create(&h->ctx.budget, cap,
                                     cfg->checks_per_source ? cfg->checks_per_source : 200)) !=
            NT_OK) {
        nt_trust_hooks_destroy(h);
        return st;
    }
    *out = h;
    return NT_OK;
}

void nt_trust_hooks_destroy(nt_trust_hooks *h)
{
    if (!h)
        return;
    nt_trust_replay_destroy(h->ctx.replay);
    nt_trust_signers_destroy(h->ctx.signers);
    nt_trust_budget_destroy(h->ctx.budget);
    nt_free(h);
}

void nt_trust_hooks_install(nt_trust_hooks *h, nt_mdns_config *cfg)
{
    cfg->attach = attach_hook;
    cfg->attach_ctx = h;
    cfg->verify = verify_hook;
    cfg->verify_ctx = h;
}

void nt_trust_hooks_stats_get(const nt_trust_hooks *h, nt_trust_hooks_stats *out)
{
    *out = h->stats;
}

nt_status nt_trust_hooks_signer_of(const nt_trust_hooks *h, const nt_dns_name *subject,
                                   nt_trust_signer_info *out)
{
    return nt_trust_signers_get(h->ctx.signers, subject, out);
}
