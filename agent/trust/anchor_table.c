/* What a browser knows of instances' anchors (anchor_table.h). */
#include <string.h>

#include "anchor_table.h"
#include "nautilus/mem.h"

enum { TYPE_TXT = 16, TYPE_SRV = 33 };

/* One instance. Leaf inputs are heap copies (a set heard in one datagram:
 * at most ~9 KiB each). */
typedef struct inst_entry {
    nt_dns_name name;             /* lower-cased; len 0: free */
    uint8_t *set[2];              /* [0] SRV, [1] TXT: canonical form */
    size_t set_len[2];
    uint8_t set_key[2][32];       /* the key each was signed by */
    bool claimed;                 /* the metadata carries an anchor */
    nt_status claim_status;       /* NT_OK or NT_ERR_TRUST_ANCHOR_MALFORMED */
    nt_trust_anchor claim;
    uint8_t claim_key[32];
    uint64_t used;
} inst_entry;

typedef struct root_entry {
    bool used_slot;
    uint8_t log_id[32];
    uint64_t size;
    bool found;
    uint8_t root[32];
    uint64_t used;
} root_entry;

struct nt_anchor_table {
    inst_entry *inst;
    size_t ninst;
    root_entry *roots;
    size_t nroots;
    uint64_t clock;
    uint64_t generation;
    uint8_t scratch[2 * 9216 + 64];
};

nt_status nt_anchor_table_create(nt_anchor_table **out, size_t instances, size_t roots)
{
    nt_anchor_table *t = nt_calloc(1, sizeof *t);
    if (!t)
        return NT_ERR_NOMEM;
    t->inst = nt_calloc(instances, sizeof *t->inst);
    t->roots = nt_calloc(roots, sizeof *t->roots);
    if (!t->inst || !t->roots) {
        nt_anchor_table_destroy(t);
        return NT_ERR_NOMEM;
    }
    t->ninst = instances;
    t->nroots = roots;
    *out = t;
    return NT_OK;
}

static void inst_clear(inst_entry *e)
{
    nt_free(e->set[0]);
    nt_free(e->set[1]);
    memset(e, 0, sizeof *e);
}

void nt_anchor_table_destroy(nt_anchor_table *t)
{
    size_t i;
    if (!t)
        return;
    for (i = 0; t->inst && i < t->ninst; i++)
        inst_clear(&t->inst[i]);
    nt_free(t->inst);
    nt_free(t->roots);
    nt_free(t);
}

/* The entry of name, or (create) a free or least recently used one. */
static inst_entry *inst_get(nt_anchor_table *t, const nt_dns_name *name, bool create)
{
    nt_dns_name lower = *name;
    size_t i, victim = 0;
    nt_dns_name_lower(&lower);
    t->clock++;
    for (i = 0; i < t->ninst; i++) {
        inst_entry *e = &t->inst[i];
        if (e->name.len && nt_dns_name_equal(&e->name, &lower)) {
            e->used = t->clock;
            return e;
        }
        if (t->inst[victim].name.len && (!e->name.len || e->used < t->inst[victim].used))
            victim = i;
    }
    if (!create)
        return NULL;
    inst_clear(&t->inst[victim]);
    t->inst[victim].name = lower;
    t->inst[victim].used = t->clock;
    return &t->inst[victim];
}

void nt_anchor_table_records(nt_anchor_table *t, const nt_dns_name *owner, uint16_t type,
                             const uint8_t *canon, size_t len, const uint8_t key[32])
{
    unsigned k = type == TYPE_SRV ? 0u : 1u;
    inst_entry *e;
    uint8_t *copy;
    if ((type != TYPE_SRV && type != TYPE_TXT) || len > sizeof t->scratch / 2 - 32)
        return;
    e = inst_get(t, owner, true);
    if (e->set[k] && e->set_len[k] == len && memcmp(e->set[k], canon, len) == 0 &&
        memcmp(e->set_key[k], key, 32) == 0)
        return; /* the same version again (every announcement repeats it) */
    if (!(copy = nt_malloc(len)))
        return;
    memcpy(copy, canon, len);
    nt_free(e->set[k]);
    e->set[k] = copy;
    e->set_len[k] = len;
    memcpy(e->set_key[k], key, 32);
    t->generation++;
}

void nt_anchor_table_forget(nt_anchor_table *t, const nt_dns_name *owner, uint16_t type)
{
    unsigned k = type == TYPE_SRV ? 0u : 1u;
    inst_entry *e = inst_get(t, owner, false);
    if (!e || (type != TYPE_SRV && type != TYPE_TXT) || !e->set[k])
        return;
    nt_free(e->set[k]);
    e->set[k] = NULL;
    e->set_len[k] = 0;
    t->generation++;
}

static const root_entry *root_find(const nt_anchor_table *t, const uint8_t log_id[32],
                                   uint64_t size)
{
    size_t i;
    for (i = 0; i < t->nroots; i++)
        if (t->roots[i].used_slot && t->roots[i].size == size &&
            memcmp(t->roots[i].log_id, log_id, 32) == 0)
            return &t->roots[i];
    return NULL;
}

void nt_anchor_table_root_set(nt_anchor_table *t, const uint8_t log_id[32], uint64_t size,
                              const uint8_t *root)
{
    root_entry *e = (root_entry *)root_find(t, log_id, size);
    size_t i, victim = 0;
    if (!e) {
        for (i = 0; i < t->nroots; i++) {
            if (!t->roots[i].used_slot) {
                victim = i;
                break;
            }
            if (t->roots[i].used < t->roots[victim].used)
                victim = i;
        }
        e = &t->roots[victim];
    }
    e->used_slot = true;
    memcpy(e->log_id, log_id, 32);
    e->size = size;
    e->found = root != NULL;
    if (root)
        memcpy(e->root, root, 32);
    e->used = ++t->clock;
    t->generation++;
}

/* The decision for one entry (DESIGN §4.1). */
static void judge(nt_anchor_table *t, const inst_entry *e, nt_trust_anchor_info *out)
{
    uint8_t leaf[NT_MERKLE_HASH_LEN];
    const root_entry *r;

    memset(out, 0, sizeof *out);
    if (!e || !e->claimed)
        return;
    if (e->claim_status != NT_OK) {
        out->state = NT_TRUST_ANCHOR_BAD;
        out->reason = e->claim_status;
        return;
    }
    memcpy(out->log_id, e->claim.log_id, 32);
    out->index = e->claim.index;
    out->size = e->claim.size;
    out->state = NT_TRUST_ANCHOR_WAIT;
    if (!e->set[0] || !e->set[1])
        return;
    /* One version is one key's: SRV, TXT and metadata signed alike. */
    if (memcmp(e->set_key[0], e->set_key[1], 32) != 0 ||
        memcmp(e->set_key[0], e->claim_key, 32) != 0) {
        out->state = NT_TRUST_ANCHOR_BAD;
        out->reason = NT_ERR_TRUST_ANCHOR_MISMATCH;
        return;
    }
    r = root_find(t, e->claim.log_id, e->claim.size);
    if (!r) {
        out->need_root = true;
        return;
    }
    memcpy(t->scratch, e->set[0], e->set_len[0]);
    memcpy(t->scratch + e->set_len[0], e->set[1], e->set_len[1]);
    if (nt_merkle_leaf_hash(leaf, t->scratch, e->set_len[0] + e->set_len[1]) != NT_OK ||
        nt_trust_anchor_check(&e->claim, e->claim_key, leaf, r->found ? r->root : NULL) !=
            NT_OK) {
        out->state = NT_TRUST_ANCHOR_BAD;
        out->reason = NT_ERR_TRUST_ANCHOR_MISMATCH;
        return;
    }
    out->state = NT_TRUST_ANCHOR_OK;
    memcpy(out->key_digest, e->claim_key, 32);
}

nt_status nt_anchor_table_claim(nt_anchor_table *t, const nt_dns_name *instance,
                                const uint8_t *rdata, size_t len, const uint8_t key[32])
{
    char text[NT_TRUST_ANCHOR_TEXT_MAX];
    size_t tlen = 0;
    bool present = false;
    nt_trust_anchor a;
    nt_trust_anchor_info info;
    nt_status st = nt_trust_meta_anchor_get(text, sizeof text, &tlen, &present, rdata, len);
    inst_entry *e;

    if (st == NT_OK && present)
        st = nt_trust_anchor_parse(&a, text, tlen);
    e = inst_get(t, instance, st != NT_OK || present);
    if (!e)
        return NT_OK;
    if (e->claimed == present && e->claim_status == st && memcmp(e->claim_key, key, 32) == 0 &&
        (!present || st != NT_OK || memcmp(&e->claim, &a, sizeof a) == 0)) {
        judge(t, e, &info);
        return info.state == NT_TRUST_ANCHOR_BAD ? info.reason : NT_OK;
    }
    e->claimed = present || st != NT_OK;
    e->claim_status = st;
    if (st == NT_OK && present)
        e->claim = a;
    memcpy(e->claim_key, key, 32);
    t->generation++;
    judge(t, e, &info);
    return info.state == NT_TRUST_ANCHOR_BAD ? info.reason : NT_OK;
}

void nt_anchor_table_state(nt_anchor_table *t, const nt_dns_name *instance,
                           nt_trust_anchor_info *out)
{
    judge(t, inst_get(t, instance, false), out);
}

uint64_t nt_anchor_table_generation(const nt_anchor_table *t)
{
    return t->generation;
}

nt_status nt_anchor_table_leaf(nt_anchor_table *t, const nt_dns_name *instance, uint8_t *out,
                               size_t cap, size_t *len, uint8_t key[32])
{
    const inst_entry *e = inst_get(t, instance, false);
    if (!e || !e->set[0] || !e->set[1] || memcmp(e->set_key[0], e->set_key[1], 32) != 0)
        return NT_ERR_NOT_FOUND;
    if (e->set_len[0] + e->set_len[1] > cap)
        return NT_ERR_NOSPACE;
    memcpy(out, e->set[0], e->set_len[0]);
    memcpy(out + e->set_len[0], e->set[1], e->set_len[1]);
    *len = e->set_len[0] + e->set_len[1];
    memcpy(key, e->set_key[0], 32);
    return NT_OK;
}
