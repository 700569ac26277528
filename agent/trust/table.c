/* The capped map behind the trust tables (table.h). */
#include <string.h>

#include "nautilus/mem.h"
#include "table.h"

static uint64_t fnv1a(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    size_t i;
    for (i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

nt_status nt_trust_table_init(nt_trust_table *t, size_t cap)
{
    size_t n = 16;
    memset(t, 0, sizeof *t);
    if (cap == 0)
        return NT_ERR_INVALID_ARG;
    while (n < 2 * cap) {
        if (n > ((size_t)-1) / 4)
            return NT_ERR_OVERFLOW;
        n *= 2;
    }
    t->slots = nt_calloc(n, sizeof *t->slots);
    if (!t->slots)
        return NT_ERR_NOMEM;
    t->nslots = n;
    t->cap = cap;
    return NT_OK;
}

void nt_trust_table_cleanup(nt_trust_table *t)
{
    nt_free(t->slots);
    memset(t, 0, sizeof *t);
}

bool nt_trust_table_full(const nt_trust_table *t) { return t->count >= t->cap; }

static size_t find_slot(const nt_trust_table *t, const uint8_t *key, size_t key_len, bool *found)
{
    size_t mask = t->nslots - 1;
    size_t i = (size_t)fnv1a(key, key_len) & mask;
    for (;;) {
        const nt_trust_entry *e = &t->slots[i];
        if (!e->used) {
            *found = false;
            return i;
        }
        if (e->key_len == key_len && memcmp(e->key, key, key_len) == 0) {
            *found = true;
            return i;
        }
        i = (i + 1) & mask;
    }
}

nt_trust_entry *nt_trust_table_get(nt_trust_table *t, const uint8_t *key, size_t key_len)
{
    bool found;
    size_t i;
    if (key_len > NT_TRUST_KEY_MAX || !t->slots)
        return NULL;
    i = find_slot(t, key, key_len, &found);
    if (!found)
        return NULL;
    t->slots[i].touched = ++t->clock;
    return &t->slots[i];
}

/* Removes slot i, re-inserting the rest of its probe cluster so that
 * linear probing keeps finding them (no tombstones). */
static void remove_slot(nt_trust_table *t, size_t i)
{
    size_t mask = t->nslots - 1, j = i;
    t->slots[i].used = 0;
    t->count--;
    for (;;) {
        nt_trust_entry moved;
        bool found;
        size_t k;
        j = (j + 1) & mask;
        if (!t->slots[j].used)
            return;
        moved = t->slots[j];
        t->slots[j].used = 0;
        k = find_slot(t, moved.key, moved.key_len, &found);
        t->slots[k] = moved;
    }
}

static void evict_oldest(nt_trust_table *t)
{
    size_t i, victim = t->nslots;
    uint64_t oldest = UINT64_MAX;
    /* A linear scan, but only when the table is full: a flood that fills
     * it pays for it, lookups do not. */
    for (i = 0; i < t->nslots; i++) {
        if (t->slots[i].used && t->slots[i].touched < oldest) {
            oldest = t->slots[i].touched;
            victim = i;
        }
    }
    if (victim < t->nslots)
        remove_slot(t, victim);
}

static nt_trust_entry *fill_slot(nt_trust_table *t, size_t i, const uint8_t *key,
                                 size_t key_len)
{
    nt_trust_entry *e = &t->slots[i];
    memset(e, 0, sizeof *e);
    e->used = 1;
    e->key_len = (uint16_t)key_len;
    memcpy(e->key, key, key_len);
    t->count++;
    return e;
}

nt_trust_entry *nt_trust_table_put(nt_trust_table *t, const uint8_t *key, size_t key_len,
                                   bool *created)
{
    bool found;
    size_t i;
    nt_trust_entry *e;
    if (key_len > NT_TRUST_KEY_MAX || !t->slots)
        return NULL;
    i = find_slot(t, key, key_len, &found);
    if (!found) {
        if (t->count >= t->cap) {
            evict_oldest(t);
            i = find_slot(t, key, key_len, &found);
        }
        fill_slot(t, i, key, key_len);
    }
    e = &t->slots[i];
    e->touched = ++t->clock;
    if (created)
        *created = !found;
    return e;
}

static bool is_stale(const nt_trust_entry *e, uint32_t now)
{
    return e->stale_after != 0 && e->stale_after < now;
}

/* Makes room in a full table for a new entry (kept or not): a stale entry
 * goes first; a kept newcomer may also displace the least recently touched
 * entry that is not kept. Returns false if nothing may go. The scan runs
 * only when something can have gone stale or for a kept newcomer (rare:
 * it takes a pinned key), so a flood of unverified names is refused in
 * constant time. */
static bool make_room(nt_trust_table *t, bool kept, uint32_t now)
{
    size_t i, stale = t->nslots, loose = t->nslots;
    uint64_t oldest = UINT64_MAX;
    uint32_t next = 0;
    if (!kept && (t->next_stale == 0 || now <= t->next_stale))
        return false;
    for (i = 0; i < t->nslots; i++) {
        const nt_trust_entry *e = &t->slots[i];
        if (!e->used)
            continue;
        if (is_stale(e, now)) {
            stale = i;
            continue;
        }
        if (e->stale_after != 0 && (next == 0 || e->stale_after < next))
            next = e->stale_after;
        if (!e->kept && e->touched < oldest) {
            oldest = e->touched;
            loose = i;
        }
    }
    /* next_stale need only be a lower bound: 1 when more may be stale. */
    t->next_stale = stale < t->nslots ? 1u : next;
    if (stale < t->nslots) {
        remove_slot(t, stale);
        return true;
    }
    if (kept && loose < t->nslots) {
        remove_slot(t, loose);
        return true;
    }
    return false;
}

nt_trust_entry *nt_trust_table_put_kept(nt_trust_table *t, const uint8_t *key, size_t key_len,
                                        bool kept, uint32_t stale_after, uint32_t now,
                                        bool *created)
{
    bool found;
    size_t i;
    nt_trust_entry *e;
    if (key_len > NT_TRUST_KEY_MAX || !t->slots)
        return NULL;
    i = find_slot(t, key, key_len, &found);
    if (found && is_stale(&t->slots[i], now)) {
        /* What it remembered no longer protects anything: start afresh. */
        remove_slot(t, i);
        i = find_slot(t, key, key_len, &found);
    }
    if (!found) {
        if (t->count >= t->cap) {
            if (!make_room(t, kept, now)) {
                t->refused++;
                return NULL;
            }
            i = find_slot(t, key, key_len, &found);
        }
        e = fill_slot(t, i, key, key_len);
        e->stale_after = stale_after;
    } else {
        e = &t->slots[i];
        if (e->stale_after != 0 && (stale_after == 0 || stale_after > e->stale_after))
            e->stale_after = stale_after;
    }
    e->kept = e->kept || kept;
    if (e->stale_after != 0 && (t->next_stale == 0 || e->stale_after < t->next_stale))
        t->next_stale = e->stale_after;
    e->touched = ++t->clock;
    if (created)
        *created = !found;
    return e;
}
