/* Freshness per (key, owner, type) and the memory of who signs what. */
#include <string.h>

#include "nautilus/mem.h"
#include "nautilus/trust.h"
#include "table.h"

_Static_assert(sizeof(nt_trust_signer_info) <= sizeof(((nt_trust_entry *)0)->value),
               "signer information fits in a table value");

struct nt_trust_replay {
    nt_trust_table t;
};

struct nt_trust_signers {
    nt_trust_table t;
};

nt_status nt_trust_replay_create(nt_trust_replay **out, size_t cap)
{
    nt_trust_replay *r = nt_calloc(1, sizeof *r);
    nt_status st;
    if (!r)
        return NT_ERR_NOMEM;
    st = nt_trust_table_init(&r->t, cap ? cap : 4096);
    if (st != NT_OK) {
        nt_free(r);
        return st;
    }
    *out = r;
    return NT_OK;
}

void nt_trust_replay_destroy(nt_trust_replay *r)
{
    if (!r)
        return;
    nt_trust_table_cleanup(&r->t);
    nt_free(r);
}

nt_status nt_trust_replay_check(nt_trust_replay *r, const uint8_t key_digest[32],
                                const nt_dns_name *owner, uint16_t type, uint32_t inception,
                                uint32_t expiration, bool kept, uint32_t now)
{
    uint8_t key[NT_TRUST_KEY_MAX];
    nt_dns_name lower = *owner;
    nt_trust_entry *e;
    bool created;
    uint32_t last, stale_after;

    nt_dns_name_lower(&lower);
    memcpy(key, key_digest, 32);
    key[32] = (uint8_t)(type >> 8);
    key[33] = (uint8_t)type;
    memcpy(key + 34, lower.wire, lower.len);
    /* Replays matter while a signature this old can still verify: until
     * its expiration plus the skew that verification allows. */
    stale_after = expiration + nt_trust_skew(inception, expiration);
    if (stale_after == 0)
        stale_after = 1;
    e = nt_trust_table_put_kept(&r->t, key, 34 + (size_t)lower.len, kept, stale_after, now,
                                &created);
    if (!e)
        return NT_ERR_TRUST_TABLE_FULL; /* the key always fits: no room */
    memcpy(&last, e->value, sizeof last);
    /* DESIGN §2: inception must not go backwards. The same inception again
     * is the same signature re-sent (announcements repeat), not a replay. */
    if (!created && nt_trust_time_before(inception, last))
        return NT_ERR_TRUST_REPLAY;
    memcpy(e->value, &inception, sizeof inception);
    return NT_OK;
}

nt_status nt_trust_signers_create(nt_trust_signers **out, size_t cap)
{
    nt_trust_signers *s = nt_calloc(1, sizeof *s);
    nt_status st;
    if (!s)
        return NT_ERR_NOMEM;
    st = nt_trust_table_init(&s->t, cap ? cap : 4096);
    if (st != NT_OK) {
        nt_free(s);
        return st;
    }
    *out = s;
    return NT_OK;
}

void nt_trust_signers_destroy(nt_trust_signers *t)
{
    if (!t)
        return;
    nt_trust_table_cleanup(&t->t);
    nt_free(t);
}

nt_status nt_trust_signers_set(nt_trust_signers *t, const nt_dns_name *subject,
                               const nt_trust_signer_info *info, bool kept,
                               uint32_t stale_after, uint32_t now)
{
    nt_dns_name lower = *subject;
    nt_trust_entry *e;
    nt_dns_name_lower(&lower);
    e = nt_trust_table_put_kept(&t->t, lower.wire, lower.len, kept, kept ? 0u : stale_after,
                                now, NULL);
    if (!e)
        return NT_ERR_TRUST_TABLE_FULL;
    memcpy(e->value, info, sizeof *info);
    return NT_OK;
}

uint64_t nt_trust_signers_refused(const nt_trust_signers *t) { return t->t.refused; }

uint64_t nt_trust_replay_refused(const nt_trust_replay *r) { return r->t.refused; }

nt_status nt_trust_signers_get(const nt_trust_signers *t, const nt_dns_name *subject,
                               nt_trust_signer_info *info)
{
    nt_dns_name lower = *subject;
    nt_trust_entry *e;
    nt_dns_name_lower(&lower);
    e = nt_trust_table_get((nt_trust_table *)&t->t, lower.wire, lower.len);
    if (!e)
        return NT_ERR_NOT_FOUND;
    memcpy(info, e->value, sizeof *info);
    return NT_OK;
}
