/* Per-source signature-check budget: a token bucket per address (DESIGN
 * §11, the KeyTrap lesson: a packet of junk signatures must not be able to
 * buy unbounded CPU). */
#include <string.h>

#include "nautilus/mem.h"
#include "nautilus/trust.h"
#include "table.h"

typedef struct bucket {
    uint64_t last_ms;
    uint32_t tokens_milli; /* tokens x 1000, so refill is exact per ms */
} bucket;

struct nt_trust_budget {
    nt_trust_table t;
    uint32_t rate;
    uint32_t total_rate;   /* 0: no bound on all sources together */
    bucket total;
};

/* Refills k at rate tokens per second up to rate, as of now_ms. */
static void refill(bucket *k, uint32_t rate, uint64_t now_ms)
{
    uint32_t full = rate * 1000u;
    /* rate tokens per second = rate milli-tokens per millisecond */
    uint64_t add = now_ms > k->last_ms ? (now_ms - k->last_ms) * rate : 0;
    k->tokens_milli = add >= full - k->tokens_milli ? full : k->tokens_milli + (uint32_t)add;
    if (now_ms > k->last_ms)
        k->last_ms = now_ms;
}

nt_status nt_trust_budget_set_total(nt_trust_budget *b, uint32_t total)
{
    if (total > 1000000)
        return NT_ERR_INVALID_ARG;
    b->total_rate = total;
    b->total.last_ms = 0;
    b->total.tokens_milli = total * 1000u;
    return NT_OK;
}

nt_status nt_trust_budget_create(nt_trust_budget **out, size_t sources, uint32_t rate)
{
    nt_trust_budget *b;
    nt_status st;
    if (rate == 0 || rate > 1000000)
        return NT_ERR_INVALID_ARG;
    b = nt_calloc(1, sizeof *b);
    if (!b)
        return NT_ERR_NOMEM;
    st = nt_trust_table_init(&b->t, sources ? sources : 1024);
    if (st != NT_OK) {
        nt_free(b);
        return st;
    }
    b->rate = rate;
    *out = b;
    return NT_OK;
}

void nt_trust_budget_destroy(nt_trust_budget *b)
{
    if (!b)
        return;
    nt_trust_table_cleanup(&b->t);
    nt_free(b);
}

nt_status nt_trust_budget_take(nt_trust_budget *b, const uint8_t *source, size_t source_len,
                               uint64_t now_ms)
{
    bool created;
    bucket k;
    nt_trust_entry *e = nt_trust_table_put(&b->t, source, source_len, &created);
    if (!e)
        return NT_ERR_INVALID_ARG;
    if (created) {
        k.last_ms = now_ms;
        k.tokens_milli = b->rate * 1000u;
    } else {
        memcpy(&k, e->value, sizeof k);
        refill(&k, b->rate, now_ms);
    }
    if (b->total_rate)
        refill(&b->total, b->total_rate, now_ms);
    if (k.tokens_milli < 1000 || (b->total_rate && b->total.tokens_milli < 1000)) {
        memcpy(e->value, &k, sizeof k);
        return NT_ERR_TRUST_BUDGET;
    }
    k.tokens_milli -= 1000;
    if (b->total_rate)
        b->total.tokens_milli -= 1000;
    memcpy(e->value, &k, sizeof k);
    return NT_OK;
}
