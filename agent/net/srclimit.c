/* Per-source token buckets in front of the engine (net.h). */
#include <string.h>

#include "core/keyed_hash.h"
#include "nautilus/mem.h"
#include "nautilus/net.h"

nt_status nt_net_srclimit_init(nt_net_srclimit *l, size_t nbuckets, uint32_t rate,
                               uint32_t burst)
{
    nt_status st;
    if (!l || nbuckets == 0 || rate == 0 || burst == 0 || burst > 1000000u || rate > 1000000u)
        return NT_ERR_INVALID_ARG;
    memset(l, 0, sizeof *l);
    st = nt_net_random(l->key, sizeof l->key);
    if (st != NT_OK)
        return st;
    l->buckets = nt_calloc(nbuckets, sizeof *l->buckets);
    if (!l->buckets)
        return NT_ERR_NOMEM;
    l->nbuckets = nbuckets;
    l->rate = rate;
    l->burst = burst;
    return NT_OK;
}

void nt_net_srclimit_cleanup(nt_net_srclimit *l)
{
    if (!l)
        return;
    nt_free(l->buckets);
    memset(l, 0, sizeof *l);
}

/* SipHash-1-3 under the random key (core/keyed_hash.h) of family and
 * address bytes: nobody can choose sources that share a bucket. */
static uint64_t hash_src(const nt_net_srclimit *l, const nt_net_addr *a)
{
    nt_hkey k;
    memcpy(k.k, l->key, sizeof k.k);
    return nt_keyed_hash(&k, (uint64_t)a->family, a->bytes, a->family == NT_NET_IPV4 ? 4u : 16u,
                         false);
}

bool nt_net_srclimit_allow(nt_net_srclimit *l, const nt_net_addr *src, uint64_t now_ms)
{
    nt_net_srclimit_bucket *b;
    uint64_t cap = (uint64_t)l->burst * 1000u, tokens;

    b = &l->buckets[hash_src(l, src) % l->nbuckets];
    if (b->stamp_ms == 0) {
        /* First packet from this bucket: start full. */
        tokens = cap;
    } else {
        uint64_t elapsed = now_ms > b->stamp_ms ? now_ms - b->stamp_ms : 0;
        /* rate tokens per 1000 ms = rate milli-tokens per ms. */
        tokens = (uint64_t)b->tokens_milli + elapsed * l->rate;
        if (tokens > cap)
            tokens = cap;
    }
    b->stamp_ms = now_ms ? now_ms : 1;
    if (tokens < 1000u) {
        b->tokens_milli = (uint32_t)tokens;
        l->dropped++;
        return false;
    }
    b->tokens_milli = (uint32_t)(tokens - 1000u);
    return true;
}
