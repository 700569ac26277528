/*
 * zk/vk_cache.c - verification keys by the SHA-256 of their JSON text,
 * one-shot on the first sight and prepared from the second (nautilus/zk.h);
 * a key that refuses preparation stays one-shot.
 */
#include <string.h>

#include "nautilus/mem.h"
#include "nautilus/zk.h"
#include "zk/sha256.h"

typedef struct cache_entry {
    uint8_t digest[NT_ZK_SHA256_BYTES];
    nt_zk_vk *vk;       /* NULL: a free slot */
    uint32_t seen;      /* sightings, saturating */
    bool refused;       /* preparing it was refused: one-shot for good */
    uint64_t used;      /* the cache's clock at the last sighting */
} cache_entry;

struct nt_zk_vk_cache {
    size_t cap, count;
    uint64_t clock;
    nt_zk_vk_cache_stats stats;
    cache_entry entries[];
};

nt_status nt_zk_vk_cache_create(nt_zk_vk_cache **out, size_t cap)
{
    nt_zk_vk_cache *c;
    if (cap == 0 || cap > NT_ZK_VK_CACHE_MAX)
        return NT_ERR_INVALID_ARG;
    c = nt_calloc(1, sizeof *c + cap * sizeof c->entries[0]);
    if (c == NULL)
        return NT_ERR_NOMEM;
    c->cap = cap;
    *out = c;
    return NT_OK;
}

void nt_zk_vk_cache_destroy(nt_zk_vk_cache *cache)
{
    size_t i;
    if (cache == NULL)
        return;
    for (i = 0; i < cache->cap; i++)
        nt_zk_vk_destroy(cache->entries[i].vk);
    nt_free(cache);
}

size_t nt_zk_vk_cache_count(const nt_zk_vk_cache *cache) { return cache->count; }

void nt_zk_vk_cache_stats_get(const nt_zk_vk_cache *cache, nt_zk_vk_cache_stats *out)
{
    *out = cache->stats;
}

static cache_entry *find(nt_zk_vk_cache *c, const uint8_t digest[NT_ZK_SHA256_BYTES])
{
    size_t i;
    for (i = 0; i < c->cap; i++)
        if (c->entries[i].vk != NULL &&
            memcmp(c->entries[i].digest, digest, NT_ZK_SHA256_BYTES) == 0)
            return &c->entries[i];
    return NULL;
}

/* A slot for a new key: a free one, else the least recently used key seen
 * only once (a flood of new keys only cycles among those), else the least
 * recently used of all. */
static cache_entry *slot_for_new(nt_zk_vk_cache *c)
{
    cache_entry *once = NULL, *any = NULL;
    size_t i;
    for (i = 0; i < c->cap; i++) {
        cache_entry *e = &c->entries[i];
        if (e->vk == NULL)
            return e;
        if (e->seen == 1 && (once == NULL || e->used < once->used))
            once = e;
        if (any == NULL || e->used < any->used)
            any = e;
    }
    return once != NULL ? once : any;
}

/* Seen again: the key is worth preparing. Out of memory it stays one-shot
 * (same results) and the next sight tries again. Preparing computes
 * e(alpha, beta), which the one-shot parse did not, and so checks beta's
 * subgroup and vk_alphabeta_12: a key that fails either keeps being used
 * one-shot, as `zk verify` uses every key in process, so that the agent's
 * answers (its cache) and the command's are the same for every input
 * (one-shot verdicts ignore vk_alphabeta_12, as snarkjs does, and report
 * beta outside G2 at each verification). It is not prepared again: what
 * refused it is in the key text, which is what the entry is named by. */
static void prepare_on_sight(nt_zk_vk_cache *c, cache_entry *e)
{
    nt_status st;
    if (e->refused || nt_zk_vk_is_prepared(e->vk))
        return;
    st = nt_zk_vk_prepare(e->vk);
    if (st == NT_OK) {
        c->stats.prepared++;
    } else if (st != NT_ERR_NOMEM) {
        e->refused = true;
        c->stats.refused++;
    }
}

nt_status nt_zk_vk_cache_get(nt_zk_vk_cache *cache, const nt_zk_vk **out, const char *json,
                             size_t len)
{
    uint8_t digest[NT_ZK_SHA256_BYTES];
    cache_entry *e;
    nt_zk_vk *vk = NULL;
    nt_status st;

    if (json == NULL)
        return NT_ERR_INVALID_ARG;
    if (len > NT_ZK_MAX_JSON)
        return NT_ERR_CAP;
    nt_zk_sha256(digest, (const uint8_t *)json, len);
    e = find(cache, digest);
    if (e != NULL) {
        e->used = ++cache->clock;
        if (e->seen < UINT32_MAX)
            e->seen++;
        cache->stats.hits++;
        prepare_on_sight(cache, e);
        *out = e->vk;
        return NT_OK;
    }
    if ((st = nt_zk_vk_parse_json_oneshot(&vk, json, len)) != NT_OK)
        return st;
    cache->stats.misses++;
    e = slot_for_new(cache);
    if (e->vk == NULL)
        cache->count++;
    else
        cache->stats.evictions++;
    nt_zk_vk_destroy(e->vk);
    memcpy(e->digest, digest, sizeof digest);
    e->vk = vk;
    e->seen = 1;
    e->refused = false;
    e->used = ++cache->clock;
    *out = vk;
    return NT_OK;
}
