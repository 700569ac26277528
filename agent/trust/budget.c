/* Per-source signature-check budget: a token bucket per address (DESIGN
 * §11, the KeyTrap lesson: a packet of junk signatures must not be able to
 * buy unbounded CPU). */
#include <string.h>

#include "nautilus/mem.h"
#include "nautilus/trust.h"
#include "table.h"

struct nt_trust_budget {
    nt_trust_table t;
    uint32_t rate;
};

typedef struct bucket {
    uint64_t last_ms;
    uint32_t tokens_milli; /* tokens x 1000, so refill is exact per ms */
} bucket;

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
    uint64_t refill;
    uint32_t full = b->rate * 1000u;
    nt_trust_entry *e = nt_trust_table_put(&b->t, source, source_len, &created);
    if (!e)
        return NT_ERR_INVALID_ARG;
    if (created) {
        k.last_ms = now_ms;
        k.tokens_milli = full;
    } else {
        memcpy(&k, e->value, sizeof k);
        /* rate tokens per second = rate milli-tokens per millisecond */
        refill = now_ms > k.last_ms ? (now_ms - k.last_ms) * b->rate : 0;
        k.tokens_milli = refill >= full - k.tokens_milli ? full
                                                          : k.tokens_milli + (uint32_t)refill;
        k.last_ms = now_ms;
    }
    if (k.tokens_milli < 1000) {
        memcpy(e->value, &k, sizeof k);
        return NT_ERR_TRUST_BUDGET;
    }
    k.tokens_milli -= 1000;
    memcpy(e->value, &k, sizeof k);
    return NT_OK;
}
