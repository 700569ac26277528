/* Signing and verification in the mDNS engine's hooks (trust_mdns.h). */
#include <string.h>
#include <time.h>

#include "anchor_table.h"
#include "nautilus/mem.h"
#include "nautilus/trust_mdns.h"
#include "nautilus/trust_meta.h"

#define SIG_CACHE 64          /* signed RRsets remembered for re-use */
#define MSG_RECORDS_MAX 256   /* records of one message considered for RRSIG/DNSKEY */
#define SET_RECORDS_MAX 64    /* records in one RRset we sign or judge */

#define ANCHOR_INSTANCES_MAX 256 /* instances whose anchor state is kept */
#define ANCHOR_ROOTS_MAX 256   /* checkpoint roots read from the chain */
#define ZK_TABLE_MAX 1024     /* instances whose proof outcome is remembered */
#define CLAIMS_MAX 256        /* names a publisher claims (one per service: NT_MDNS max_services) */
/* A Groth16 verification costs about as much as this many Ed25519 checks
 * (bench: ~0.6 ms vs ~50 us on one core): what it takes from the source's
 * budget. */
#define ZK_BUDGET_COST 8u

enum { TYPE_TXT = 16, TYPE_SRV = 33, TYPE_RRSIG = 46, TYPE_DNSKEY = 48 };

/* A verification key held by a browser: configured by its operator, so
 * checked whole and prepared when added (a key whose beta is outside G2 or
 * whose vk_alphabeta_12 is wrong is refused then, with the file's name,
 * not found out at the first proof; about 0.3 ms of a start). */
typedef struct zk_vk_entry {
    uint8_t id[NT_TRUST_ZK_VK_ID_LEN];
    nt_zk_vk *vk;
} zk_vk_entry;

/* The outcome for one instance's metadata, cached by content (DESIGN §5:
 * the proof bytes are only hashed, never used to name anything). */
typedef struct zk_entry {
    nt_dns_name instance;     /* lower-cased; len 0: free */
    uint8_t content[32];      /* SHA-256 of signer key digest || metadata RDATA */
    nt_status result;         /* NT_OK with verified, or the rejection */
    bool verified;
    nt_trust_zk_info info;
    uint64_t used;
    uint64_t expires_ms;      /* the metadata record's TTL from when last heard */
} zk_entry;

typedef struct sig_entry {
    uint8_t digest[32];       /* SHA-256 of the canonical RRset (with its TTL) */
    uint8_t set_id[32];       /* SHA-256 of its owner (lower case) and type */
    uint32_t inception;
    uint64_t used;
    size_t len;
    uint8_t rdata[NT_TRUST_RRSIG_RDATA_MAX];
} sig_entry;

struct nt_trust_hooks {
    nt_trust_hooks_config cfg;
    nt_trust_ctx ctx;
    nt_trust_store *own_store; /* a signer's own pin when no store was given */
    sig_entry cache[SIG_CACHE];
    uint64_t clock;
    /* Extra records handed to the engine: valid until the next call. */
    uint8_t extra_sig[NT_TRUST_RRSIG_RDATA_MAX];
    nt_trust_hooks_stats stats;
    /* Publisher: what it claimed, to claim again under a renamed signer. */
    nt_dns_name claims[CLAIMS_MAX];
    size_t nclaims;
    /* Browser: verification keys we accept and per-instance outcomes. */
    zk_vk_entry vks[NT_TRUST_HOOKS_VK_MAX];
    size_t nvk;
    zk_entry *zk;
    size_t zk_cap;
    uint64_t zk_clock;
    uint64_t zk_generation;
    /* Browser with cfg.chain: bindings and anchors (DESIGN §1.5, §4.1). */
    nt_trust_chain *chain;
    nt_anchor_table *anchors;
    nt_dns_name meta_inst;
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
    case NT_ERR_TRUST_ZK_MALFORMED:
        return "zk-malformed";
    case NT_ERR_TRUST_ZK_UNKNOWN_VK:
        return "zk-unknown-vk";
    case NT_ERR_TRUST_ZK_BINDING:
        return "zk-binding";
    case NT_ERR_TRUST_ZK_INVALID:
        return "zk-invalid";
    case NT_ERR_TRUST_OVERSIZE:
        return "oversize";
    case NT_ERR_TRUST_GOODBYE:
        return "goodbye";
    case NT_ERR_TRUST_SIGNER_NAME:
        return "signer-name";
    case NT_ERR_TRUST_TABLE_FULL:
        return "table-full";
    case NT_ERR_TRUST_ANCHOR_MISMATCH:
        return "anchor-mismatch";
    case NT_ERR_TRUST_ANCHOR_MALFORMED:
        return "anchor-malformed";
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

/* Which (owner, type) an RRset is: browsers keep its newest inception. */
static void set_id_of(uint8_t out[32], const nt_dns_record *rr)
{
    nt_dns_name owner = rr->owner;
    uint8_t buf[NT_DNS_NAME_MAX + 2];
    nt_dns_name_lower(&owner);
    memcpy(buf, owner.wire, owner.len);
    buf[owner.len] = (uint8_t)(rr->type >> 8);
    buf[owner.len + 1] = (uint8_t)rr->type;
    nt_sha256(out, buf, owner.len + 2u);
}

/* The cached signature of this exact RRset, or a new one. A cached one is
 * not reused once a newer signature was made for the same owner and type:
 * browsers refuse an inception that goes backwards (`replay`, DESIGN §2.2),
 * so content published again after other content (a service changed back,
 * a metadata TXT without its anchor= again) is signed anew. */
static nt_status signature_for(nt_trust_hooks *h, const nt_dns_record *rrs, size_t n,
                               uint32_t now, const uint8_t **rdata, size_t *len)
{
    uint8_t digest[32], set_id[32];
    nt_wbuf w;
    size_t i, victim = 0, hit = SIG_CACHE;
    uint32_t newest = 0;
    bool have_newest = false;
    nt_status st;
    const nt_trust_signer *s = h->cfg.signer;

    nt_wbuf_init(&w, h->canon, sizeof h->canon);
    st = nt_dns_rrset_canonical(&w, rrs, n, rrs[0].ttl);
    if (st != NT_OK)
        return st;
    nt_sha256(digest, w.base, w.len);
    set_id_of(set_id, &rrs[0]);
    h->clock++;
    for (i = 0; i < SIG_CACHE; i++) {
        sig_entry *e = &h->cache[i];
        if (e->len && memcmp(e->set_id, set_id, 32) == 0 &&
            (!have_newest || (int32_t)(e->inception - newest) > 0)) { /* RFC 1982 order */
            newest = e->inception;
            have_newest = true;
        }
        if (e->len && memcmp(e->digest, digest, 32) == 0 &&
            now - e->inception < s->lifetime / 2)
            hit = i; /* Renewed at half-life (DESIGN §2). */
        if (h->cache[i].used < h->cache[victim].used)
            victim = i;
    }
    if (hit < SIG_CACHE && (int32_t)(newest - h->cache[hit].inception) <= 0) {
        h->cache[hit].used = h->clock;
        h->stats.signature_cache_hits++;
        *rdata = h->cache[hit].rdata;
        *len = h->cache[hit].len;
        return NT_OK;
    }
    if (hit < SIG_CACHE)
        victim = hit; /* superseded: its slot takes the new signature */
    st = nt_trust_sign_rrset(s, h->cache[victim].rdata, sizeof h->cache[victim].rdata,
                             &h->cache[victim].len, rrs, n, now);
    if (st != NT_OK) {
        h->cache[victim].len = 0;
        return st;
    }
    memcpy(h->cache[victim].digest, digest, 32);
    memcpy(h->cache[victim].set_id, set_id, 32);
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
    if (h->anchors && (set->rrs[0].type == TYPE_SRV || set->rrs[0].type == TYPE_TXT) &&
        set->rrs[0].ttl != 0 && !nt_trust_meta_instance(&h->set_recs[0].owner, &h->meta_inst)) {
        /* The version being published, as signed (DESIGN §4.1). */
        nt_wbuf w;
        nt_wbuf_init(&w, h->canon, sizeof h->canon);
        if (nt_dns_rrset_canonical(&w, h->set_recs, set->count, set->rrs[0].ttl) == NT_OK)
            nt_anchor_table_records(h->anchors, &h->set_recs[0].owner, set->rrs[0].type, w.base,
                                    w.len, s->key_digest);
    }
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

static zk_vk_entry *vk_find(nt_trust_hooks *h, const uint8_t *id)
{
    size_t i;
    for (i = 0; i < h->nvk; i++)
        if (memcmp(h->vks[i].id, id, NT_TRUST_ZK_VK_ID_LEN) == 0)
            return &h->vks[i];
    return NULL;
}

static zk_entry *zk_find(const nt_trust_hooks *h, const nt_dns_name *lower_instance)
{
    size_t i;
    for (i = 0; i < h->zk_cap; i++)
        if (h->zk[i].instance.len && nt_dns_name_equal(&h->zk[i].instance, lower_instance))
            return &h->zk[i];
    return NULL;
}

/* A free slot, or the least recently used one. */
static zk_entry *zk_slot(nt_trust_hooks *h)
{
    size_t i, victim = 0;
    for (i = 0; i < h->zk_cap; i++) {
        if (h->zk[i].instance.len == 0)
            return &h->zk[i];
        if (h->zk[i].used < h->zk[victim].used)
            victim = i;
    }
    return &h->zk[victim];
}

/* Judges the proof in a metadata record signed by key_digest. NT_OK with
 * *verified false when the record carries no proof. */
static nt_status zk_judge(nt_trust_hooks *h, nt_trust_zk_info *info, bool *verified,
                          const uint8_t *rdata, size_t len, const uint8_t key_digest[32],
                          const nt_mdns_endpoint *src, uint64_t now_ms)
{
    nt_trust_meta meta;
    zk_vk_entry *vk;
    unsigned k;
    nt_status st = nt_trust_meta_parse(&meta, rdata, len);

    *verified = false;
    if (st != NT_OK)
        return st;
    if (!meta.has_zk)
        goto cleanup;
    vk = vk_find(h, meta.vk_id);
    if (!vk) {
        st = NT_ERR_TRUST_ZK_UNKNOWN_VK;
        goto cleanup;
    }
    if (nt_zk_public_count(meta.pub) != nt_zk_vk_public_count(vk->vk)) {
        st = NT_ERR_TRUST_ZK_MALFORMED;
        goto cleanup;
    }
    /* The binding is cheap and names the usual attack (a proof lifted to
     * another device): checked before any pairing. */
    if ((st = nt_trust_zk_statement(&info->claim, meta.pub, key_digest)) != NT_OK)
        goto cleanup;
    /* KeyTrap-style bound (DESIGN §11): pairings come out of the same
     * per-source budget as signature checks. */
    for (k = 0; k < ZK_BUDGET_COST; k++) {
        st = nt_trust_budget_take(h->ctx.budget, src->addr.bytes,
                                  src->addr.family == NT_MDNS_INET4 ? 4u : 16u, now_ms);
        if (st != NT_OK)
            goto cleanup;
    }
    h->stats.zk_verifications++;
    if (nt_zk_groth16_verify(vk->vk, &meta.proof, meta.pub) != NT_OK) {
        st = NT_ERR_TRUST_ZK_INVALID;
        goto cleanup;
    }
    memcpy(info->key_digest, key_digest, 32);
    memcpy(info->vk_id, meta.vk_id, NT_TRUST_ZK_VK_ID_LEN);
    *verified = true;
cleanup:
    nt_trust_meta_cleanup(&meta);
    return st;
}

/* A metadata TXT set that verified: decode, check and remember its proof,
 * once per content. Returns the rejection, if any. */
static nt_status zk_take(nt_trust_hooks *h, const nt_mdns_rrset *set, const nt_trust_result *res,
                         const nt_mdns_endpoint *src, uint64_t now_ms)
{
    nt_dns_name inst;
    uint8_t content[32];
    zk_entry *e;
    nt_trust_zk_info info;
    bool verified = false;
    size_t i;
    nt_status st;

    /* Only a browser that holds keys looks at proofs, and only on records
     * whose key is trusted (DESIGN §1: zk-verified builds on trusted); with
     * the chain's word kept, also on self-signed ones (the binding may be
     * read after the records came, §1.5): nt_trust_hooks_zk_of counts the
     * proof only while the key is trusted. */
    if (h->nvk == 0 || res->level < (h->chain ? NT_TRUST_SELF_SIGNED : NT_TRUST_TRUSTED))
        return NT_OK;
    if (!nt_trust_meta_instance(&h->set_recs[0].owner, &inst))
        return NT_OK;
    /* One metadata record per instance; the same record twice (it rides
     * beside both SRV and TXT of one message) is one record. */
    for (i = 1; i < set->count; i++)
        if (set->rrs[i].rdata_len != set->rrs[0].rdata_len ||
            memcmp(set->rrs[i].rdata, set->rrs[0].rdata, set->rrs[0].rdata_len) != 0)
            return NT_ERR_TRUST_ZK_MALFORMED;
    nt_dns_name_lower(&inst);
    if (set->rrs[0].rdata_len > NT_TRUST_META_RDATA_MAX)
        return NT_ERR_TRUST_ZK_MALFORMED;
    memcpy(h->canon, res->key_digest, 32);
    memcpy(h->canon + 32, set->rrs[0].rdata, set->rrs[0].rdata_len);
    nt_sha256(content, h->canon, 32 + set->rrs[0].rdata_len);
    e = zk_find(h, &inst);
    h->zk_clock++;
    if (e && memcmp(e->content, content, 32) == 0) {
        /* Same record again (every announcement repeats it). */
        e->used = h->zk_clock;
        e->expires_ms = now_ms + (uint64_t)set->rrs[0].ttl * 1000u;
        h->stats.zk_cache_hits++;
        return e->result;
    }
    memset(&info, 0, sizeof info);
    st = zk_judge(h, &info, &verified, set->rrs[0].rdata, set->rrs[0].rdata_len,
                  res->key_digest, src, now_ms);
    if (st == NT_ERR_TRUST_BUDGET || st == NT_ERR_NOMEM)
        return st; /* not the record's fault: judged again next time */
    if (!e)
        e = zk_slot(h);
    memset(e, 0, sizeof *e);
    e->instance = inst;
    memcpy(e->content, content, 32);
    e->result = st;
    e->verified = st == NT_OK && verified;
    e->info = info;
    e->used = h->zk_clock;
    e->expires_ms = now_ms + (uint64_t)set->rrs[0].ttl * 1000u;
    h->zk_generation++;
    if (st != NT_OK)
        h->stats.zk_rejected++;
    return st;
}

/* A verified goodbye for an instance's SRV (RFC 6762 §10.1): its proof goes
 * with it, so a publisher that comes back without one is not zk-verified. */
static void zk_goodbye(nt_trust_hooks *h, const nt_mdns_rrset *set)
{
    nt_dns_name inst = h->set_recs[0].owner;
    zk_entry *e;
    size_t i;
    if (set->rrs[0].type != TYPE_SRV)
        return;
    for (i = 0; i < set->count; i++)
        if (set->rrs[i].ttl != 0)
            return;
    nt_dns_name_lower(&inst);
    if ((e = zk_find(h, &inst)) != NULL) {
        memset(e, 0, sizeof *e);
        h->zk_generation++;
    }
}

/* A verified set, as far as anchors go (DESIGN §4.1): an instance's SRV or
 * TXT set is the leaf input of its version; its metadata carries the
 * claim. A goodbye forgets. Returns the rejection of a metadata set whose
 * claim is malformed or known not to hold. */
static nt_status anchor_take(nt_trust_hooks *h, const nt_mdns_rrset *set,
                             const nt_trust_result *res)
{
    const nt_dns_name *owner = &h->set_recs[0].owner;
    uint16_t type = set->rrs[0].type;
    nt_dns_name inst;
    nt_wbuf w;
    size_t i;

    if (type != TYPE_SRV && type != TYPE_TXT)
        return NT_OK;
    for (i = 0; i < set->count; i++)
        if (set->rrs[i].ttl == 0) {
            /* A goodbye of the metadata takes its claim with it. */
            if (type == TYPE_TXT && nt_trust_meta_instance(owner, &inst))
                return nt_anchor_table_claim(h->anchors, &inst, NULL, 0, res->key_digest);
            nt_anchor_table_forget(h->anchors, owner, type);
            return NT_OK;
        }
    if (type == TYPE_TXT && nt_trust_meta_instance(owner, &inst)) {
        /* One metadata record per instance (as for proofs). */
        for (i = 1; i < set->count; i++)
            if (set->rrs[i].rdata_len != set->rrs[0].rdata_len ||
                memcmp(set->rrs[i].rdata, set->rrs[0].rdata, set->rrs[0].rdata_len) != 0)
                return NT_ERR_TRUST_ANCHOR_MALFORMED;
        return nt_anchor_table_claim(h->anchors, &inst, set->rrs[0].rdata,
                                     set->rrs[0].rdata_len, res->key_digest);
    }
    nt_wbuf_init(&w, h->canon, sizeof h->canon);
    if (nt_dns_rrset_canonical(&w, h->set_recs, set->count, res->original_ttl) == NT_OK)
        nt_anchor_table_records(h->anchors, owner, type, w.base, w.len, res->key_digest);
    return NT_OK;
}

static void reject(nt_trust_hooks *h, nt_mdns_judgement *out, nt_status why)
{
    out->verdict = NT_MDNS_REJECT;
    strncpy(out->reason, nt_trust_reason_token(why), NT_MDNS_REASON_MAX - 1);
    out->reason[NT_MDNS_REASON_MAX - 1] = 0;
    h->stats.rejected_sets++;
}

static nt_status verify_hook(void *ctx, uint32_t ifindex, const nt_mdns_endpoint *src,
                             const nt_mdns_rrset *set, const nt_mdns_rrset *message,
                             uint64_t now_ms, nt_mdns_judgement *out)
{
    nt_trust_hooks *h = ctx;
    nt_trust_result res;
    nt_status st;
    (void)ifindex;

    out->verdict = NT_MDNS_ACCEPT;
    out->trust = NT_TRUST_UNSIGNED;
    out->ttl_max = UINT32_MAX;
    if (!h->cfg.verify || set->count == 0)
        return NT_OK;
    /* Signatures and keys are the evidence, not claims to judge. */
    if (set->rrs[0].type == TYPE_RRSIG || set->rrs[0].type == TYPE_DNSKEY)
        return NT_OK;
    /* Bounds reject the whole set, never cut it (STYLE 22): a message we
     * could only read in part could hide the RRSIG, or the goodbye. */
    if (set->count > SET_RECORDS_MAX || message->count > MSG_RECORDS_MAX) {
        reject(h, out, NT_ERR_TRUST_OVERSIZE);
        return NT_OK;
    }
    if (to_records(h->set_recs, set->rrs, set->count) != NT_OK ||
        to_records(h->msg_recs, message->rrs, message->count) != NT_OK) {
        reject(h, out, NT_ERR_INVALID_ARG);
        return NT_OK;
    }
    st = nt_trust_decide(&h->ctx, &res, h->set_recs, set->count, h->msg_recs, message->count,
                         src->addr.bytes, src->addr.family == NT_MDNS_INET4 ? 4u : 16u,
                         wall_now(h), now_ms);
    if (st == NT_OK && set->rrs[0].type == TYPE_TXT)
        st = zk_take(h, set, &res, src, now_ms);
    if (st == NT_OK && h->chain && res.level >= NT_TRUST_SELF_SIGNED)
        st = anchor_take(h, set, &res);
    if (st != NT_OK) {
        reject(h, out, st);
        return NT_OK;
    }
    if (h->nvk && res.level >= (h->chain ? NT_TRUST_SELF_SIGNED : NT_TRUST_TRUSTED))
        zk_goodbye(h, set);
    out->trust = (uint8_t)res.level;
    out->ttl_max = res.ttl_max;
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
    h->zk_cap = cap < ZK_TABLE_MAX ? cap : ZK_TABLE_MAX;
    h->zk = nt_calloc(h->zk_cap, sizeof *h->zk);
    if (!h->zk) {
        nt_free(h);
        return NT_ERR_NOMEM;
    }
    if ((st = nt_trust_replay_create(&h->ctx.replay, cap)) != NT_OK ||
        (st = nt_trust_signers_create(&h->ctx.signers, cap)) != NT_OK ||
        (st = nt_trust_budget_create(&h->ctx.budget, cap,
                                     cfg->checks_per_source ? cfg->checks_per_source : 200)) !=
            NT_OK ||
        (st = nt_trust_budget_set_total(h->ctx.budget,
                                        cfg->checks_total ? cfg->checks_total : 2000)) != NT_OK)
        goto fail;
    if (cfg->chain && (st = nt_trust_chain_create(&h->chain, 0)) != NT_OK)
        goto fail;
    if ((cfg->chain || cfg->signer) &&
        (st = nt_anchor_table_create(&h->anchors, ANCHOR_INSTANCES_MAX, ANCHOR_ROOTS_MAX)) !=
            NT_OK)
        goto fail;
    h->ctx.chain = h->chain;
    /* A signer knows its own key: records for its host name, and for the
     * names it claims (nt_trust_hooks_claim), must carry that key. */
    if (cfg->signer) {
        if (!h->ctx.store) {
            if ((st = nt_trust_store_create(&h->own_store, 16)) != NT_OK)
                goto fail;
            h->ctx.store = h->own_store;
        }
        if ((st = nt_trust_store_add(h->ctx.store, &cfg->signer->signer,
                                     cfg->signer->key_digest)) != NT_OK)
            goto fail;
    }
    *out = h;
    return NT_OK;
fail:
    nt_trust_hooks_destroy(h);
    return st;
}

static nt_status claim_as_signer(nt_trust_hooks *h, const nt_dns_name *subject)
{
    nt_trust_signer_info info;
    memset(&info, 0, sizeof info);
    info.signer = h->cfg.signer->signer;
    memcpy(info.key_digest, h->cfg.signer->key_digest, 32);
    info.level = NT_TRUST_TRUSTED;
    info.pin = NT_TRUST_PIN_OPERATOR;
    /* A claim is kept for the life of the table: no flood evicts it. */
    return nt_trust_signers_set(h->ctx.signers, subject, &info, true, 0, wall_now(h));
}

nt_status nt_trust_hooks_claim(nt_trust_hooks *h, const nt_dns_name *subject)
{
    size_t i;
    nt_status st;
    if (!h->cfg.signer)
        return NT_ERR_INVALID_ARG;
    for (i = 0; i < h->nclaims; i++)
        if (nt_dns_name_equal(&h->claims[i], subject))
            return claim_as_signer(h, subject);
    if (h->nclaims == CLAIMS_MAX)
        return NT_ERR_CAP;
    if ((st = claim_as_signer(h, subject)) != NT_OK)
        return st;
    h->claims[h->nclaims++] = *subject;
    return NT_OK;
}

nt_status nt_trust_hooks_signer_renamed(nt_trust_hooks *h)
{
    const nt_trust_signer *s = h->cfg.signer;
    size_t i;
    nt_status st;
    if (!s)
        return NT_ERR_INVALID_ARG;
    memset(h->cache, 0, sizeof h->cache); /* RRSIGs that name the old signer */
    if ((st = nt_trust_store_add(h->ctx.store, &s->signer, s->key_digest)) != NT_OK)
        return st;
    for (i = 0; i < h->nclaims; i++)
        if ((st = claim_as_signer(h, &h->claims[i])) != NT_OK)
            return st;
    return NT_OK;
}

void nt_trust_hooks_destroy(nt_trust_hooks *h)
{
    if (!h)
        return;
    nt_trust_replay_destroy(h->ctx.replay);
    nt_trust_signers_destroy(h->ctx.signers);
    nt_trust_budget_destroy(h->ctx.budget);
    nt_trust_store_destroy(h->own_store);
    nt_trust_chain_destroy(h->chain);
    nt_anchor_table_destroy(h->anchors);
    while (h->nvk)
        nt_zk_vk_destroy(h->vks[--h->nvk].vk);
    nt_free(h->zk);
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
    out->table_refused =
        nt_trust_replay_refused(h->ctx.replay) + nt_trust_signers_refused(h->ctx.signers);
}

nt_status nt_trust_hooks_signer_of(const nt_trust_hooks *h, const nt_dns_name *subject,
                                   nt_trust_signer_info *out)
{
    return nt_trust_signers_get(h->ctx.signers, subject, out);
}

nt_status nt_trust_hooks_zk_vk_add(nt_trust_hooks *h, uint8_t id[NT_TRUST_ZK_VK_ID_LEN],
                                   const char *json, size_t len)
{
    nt_zk_vk *vk = NULL;
    uint8_t vid[NT_TRUST_ZK_VK_ID_LEN];
    nt_status st;

    nt_trust_zk_vk_id(vid, (const uint8_t *)json, len);
    if (vk_find(h, vid)) {
        memcpy(id, vid, sizeof vid);
        return NT_OK;
    }
    if (h->nvk == NT_TRUST_HOOKS_VK_MAX)
        return NT_ERR_CAP;
    if ((st = nt_zk_vk_parse_json(&vk, json, len)) != NT_OK)
        return st;
    memcpy(h->vks[h->nvk].id, vid, sizeof vid);
    h->vks[h->nvk].vk = vk;
    h->nvk++;
    memcpy(id, vid, sizeof vid);
    return NT_OK;
}

/* Does the chain bind who's signer to who's key? */
static bool chain_binds_key(const nt_trust_hooks *h, const nt_trust_signer_info *who)
{
    uint8_t bound[32];
    return nt_trust_chain_binds(h->chain, &who->signer, bound) &&
           memcmp(bound, who->key_digest, 32) == 0;
}

nt_status nt_trust_hooks_zk_of(const nt_trust_hooks *h, const nt_dns_name *instance,
                               uint64_t now_ms, nt_trust_zk_info *out)
{
    nt_dns_name lower = *instance;
    nt_trust_signer_info who;
    const zk_entry *e;

    nt_dns_name_lower(&lower);
    e = zk_find(h, &lower);
    if (!e || !e->verified || now_ms >= e->expires_ms)
        return NT_ERR_NOT_FOUND;
    /* The proof counts for the instance only if the key that the instance's
     * own records are trusted under is the key the proof is bound to. */
    if (nt_trust_signers_get(h->ctx.signers, instance, &who) != NT_OK ||
        memcmp(who.key_digest, e->info.key_digest, 32) != 0)
        return NT_ERR_NOT_FOUND;
    /* Trusted: when judged, or by a binding read from the chain since. */
    if (who.level < NT_TRUST_TRUSTED &&
        !(who.level == NT_TRUST_SELF_SIGNED && chain_binds_key(h, &who)))
        return NT_ERR_NOT_FOUND;
    /* Trusted on the chain's word that no longer holds (revoked since). */
    if (who.pin == NT_TRUST_PIN_CHAIN && !chain_binds_key(h, &who))
        return NT_ERR_NOT_FOUND;
    *out = e->info;
    return NT_OK;
}

uint64_t nt_trust_hooks_zk_generation(const nt_trust_hooks *h)
{
    return h->zk_generation;
}

nt_status nt_trust_hooks_chain_set(nt_trust_hooks *h, const nt_dns_name *name,
                                   const nt_trust_chain_info *info)
{
    if (!h->chain)
        return NT_ERR_INVALID_ARG;
    return nt_trust_chain_set(h->chain, name, info);
}

nt_status nt_trust_hooks_chain_get(const nt_trust_hooks *h, const nt_dns_name *name,
                                   nt_trust_chain_info *info)
{
    if (!h->chain)
        return NT_ERR_NOT_FOUND;
    return nt_trust_chain_get(h->chain, name, info);
}

nt_status nt_trust_hooks_leaf_of(nt_trust_hooks *h, const nt_dns_name *instance, uint8_t *out,
                                 size_t cap, size_t *len, uint8_t key_digest[32])
{
    if (!h->anchors || !h->cfg.signer)
        return NT_ERR_NOT_FOUND;
    return nt_anchor_table_leaf(h->anchors, instance, out, cap, len, key_digest);
}

nt_status nt_trust_hooks_root_set(nt_trust_hooks *h, const uint8_t log_id[32], uint64_t size,
                                  const uint8_t *root)
{
    if (!h->chain)
        return NT_ERR_INVALID_ARG;
    nt_anchor_table_root_set(h->anchors, log_id, size, root);
    return NT_OK;
}

void nt_trust_hooks_anchor_of(nt_trust_hooks *h, const nt_dns_name *instance,
                              nt_trust_anchor_info *out)
{
    if (!h->chain) {
        memset(out, 0, sizeof *out);
        return;
    }
    nt_anchor_table_state(h->anchors, instance, out);
}

uint64_t nt_trust_hooks_anchor_generation(const nt_trust_hooks *h)
{
    return h->anchors ? nt_anchor_table_generation(h->anchors) : 0;
}
