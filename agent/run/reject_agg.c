/* Rejected records, aggregated for display (agent/run/reject_agg.h). */
#include <string.h>

#include "nautilus/mem.h"
#include "reject_agg.h"

typedef struct agg_group {
    bool used;
    uint64_t hash;         /* of the key strings: most lookups compare only this */
    uint64_t seen;         /* logical clock of the latest rejection, for reuse */
    uint64_t shown_ms;     /* when the group's last line was shown */
    uint32_t pending;      /* rejections since then, not yet shown */
    nt_mdns_event ev;      /* the latest rejection, shown with the count */
} agg_group;

struct nt_reject_agg {
    agg_group *groups;
    size_t cap;
    uint64_t interval_ms;
    uint64_t clock;
    nt_reject_agg_emit_fn emit;
    void *ctx;
};

nt_status nt_reject_agg_create(nt_reject_agg **out, size_t cap, uint64_t interval_ms,
                               nt_reject_agg_emit_fn emit, void *ctx)
{
    nt_reject_agg *a = nt_calloc(1, sizeof *a);
    if (!a)
        return NT_ERR_NOMEM;
    a->cap = cap ? cap : NT_REJECT_AGG_CAP;
    a->groups = nt_calloc(a->cap, sizeof *a->groups);
    if (!a->groups) {
        nt_free(a);
        return NT_ERR_NOMEM;
    }
    a->interval_ms = interval_ms;
    a->emit = emit;
    a->ctx = ctx;
    *out = a;
    return NT_OK;
}

void nt_reject_agg_destroy(nt_reject_agg *a)
{
    if (!a)
        return;
    nt_free(a->groups);
    nt_free(a);
}

/* FNV-1a over the key strings, each with its NUL so that the boundaries
 * count ("ab"+"c" differs from "a"+"bc"). */
static uint64_t hash_str(uint64_t h, const char *s, size_t cap)
{
    size_t i, n = strnlen(s, cap);
    for (i = 0; i <= n && i < cap; i++) {
        h ^= (uint8_t)(i < n ? s[i] : 0);
        h *= 0x100000001b3ULL;
    }
    return h;
}

static uint64_t key_hash(const nt_mdns_event *ev)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    h = hash_str(h, ev->instance, sizeof ev->instance);
    h = hash_str(h, ev->type, sizeof ev->type);
    h = hash_str(h, ev->domain, sizeof ev->domain);
    return hash_str(h, ev->reason, sizeof ev->reason);
}

static bool same_key(const nt_mdns_event *a, const nt_mdns_event *b)
{
    return strncmp(a->instance, b->instance, sizeof a->instance) == 0 &&
           strncmp(a->type, b->type, sizeof a->type) == 0 &&
           strncmp(a->domain, b->domain, sizeof a->domain) == 0 &&
           strncmp(a->reason, b->reason, sizeof a->reason) == 0;
}

/* Shows g's pending count, if any, as of now_ms. */
static void show_pending(nt_reject_agg *a, agg_group *g, uint64_t now_ms)
{
    if (!g->pending)
        return;
    a->emit(a->ctx, &g->ev, g->pending);
    g->pending = 0;
    g->shown_ms = now_ms;
}

static bool due(const nt_reject_agg *a, const agg_group *g, uint64_t now_ms)
{
    return now_ms >= g->shown_ms && now_ms - g->shown_ms >= a->interval_ms;
}

/* The group for ev's key: found, a free one, or the least recently seen
 * one after its pending count is shown (never dropped unseen). */
static agg_group *group_for(nt_reject_agg *a, const nt_mdns_event *ev, uint64_t h,
                            uint64_t now_ms, bool *fresh)
{
    agg_group *free_g = NULL, *oldest = NULL;
    size_t i;
    for (i = 0; i < a->cap; i++) {
        agg_group *g = &a->groups[i];
        if (!g->used) {
            if (!free_g)
                free_g = g;
        } else if (g->hash == h && same_key(&g->ev, ev)) {
            *fresh = false;
            return g;
        } else if (!oldest || g->seen < oldest->seen) {
            oldest = g;
        }
    }
    *fresh = true;
    if (free_g)
        return free_g;
    show_pending(a, oldest, now_ms);
    return oldest;
}

void nt_reject_agg_add(nt_reject_agg *a, const nt_mdns_event *ev, uint64_t now_ms)
{
    uint64_t h = key_hash(ev);
    bool fresh;
    agg_group *g = group_for(a, ev, h, now_ms, &fresh);
    g->ev = *ev;
    g->seen = ++a->clock;
    if (fresh) {
        g->used = true;
        g->hash = h;
        g->pending = 0;
        a->emit(a->ctx, ev, 1);
        g->shown_ms = now_ms;
        return;
    }
    g->pending++;
    /* A count that would overflow is shown now rather than wrapped. */
    if (due(a, g, now_ms) || g->pending == UINT32_MAX)
        show_pending(a, g, now_ms);
}

void nt_reject_agg_tick(nt_reject_agg *a, uint64_t now_ms)
{
    size_t i;
    for (i = 0; i < a->cap; i++)
        if (a->groups[i].used && due(a, &a->groups[i], now_ms))
            show_pending(a, &a->groups[i], now_ms);
}

bool nt_reject_agg_next_due(const nt_reject_agg *a, uint64_t *due_ms)
{
    size_t i;
    bool any = false;
    for (i = 0; i < a->cap; i++) {
        const agg_group *g = &a->groups[i];
        uint64_t at;
        if (!g->used || !g->pending)
            continue;
        at = g->shown_ms + a->interval_ms;
        if (!any || at < *due_ms)
            *due_ms = at;
        any = true;
    }
    return any;
}

void nt_reject_agg_flush(nt_reject_agg *a)
{
    size_t i;
    for (i = 0; i < a->cap; i++)
        if (a->groups[i].used)
            show_pending(a, &a->groups[i], a->groups[i].shown_ms);
}
