/* The capped map behind the trust tables (table.h). */
#include <string.h>

#include "nautilus/mem.h"
#include "table.h"

/* ---- the list in order of use: head the last touched, tail the first ---- */

static void lru_unlink(nt_trust_table *t, size_t i)
{
    const nt_trust_entry *e = &t->slots[i];
    if (e->lru_prev >= 0)
        t->slots[e->lru_prev].lru_next = e->lru_next;
    else
        t->lru_head = e->lru_next;
    if (e->lru_next >= 0)
        t->slots[e->lru_next].lru_prev = e->lru_prev;
    else
        t->lru_tail = e->lru_prev;
}

static void lru_push(nt_trust_table *t, size_t i)
{
    nt_trust_entry *e = &t->slots[i];
    e->lru_prev = -1;
    e->lru_next = t->lru_head;
    if (t->lru_head >= 0)
        t->slots[t->lru_head].lru_prev = (int32_t)i;
    else
        t->lru_tail = (int32_t)i;
    t->lru_head = (int32_t)i;
}

/* The entry now in slot k was moved there: its neighbours learn where. */
static void lru_moved(nt_trust_table *t, size_t k)
{
    const nt_trust_entry *e = &t->slots[k];
    if (e->lru_prev >= 0)
        t->slots[e->lru_prev].lru_next = (int32_t)k;
    else
        t->lru_head = (int32_t)k;
    if (e->lru_next >= 0)
        t->slots[e->lru_next].lru_prev = (int32_t)k;
    else
        t->lru_tail = (int32_t)k;
}

static void touch(nt_trust_table *t, size_t i)
{
    t->slots[i].touched = ++t->clock;
    if (t->lru_head != (int32_t)i) {
        lru_unlink(t, i);
        lru_push(t, i);
    }
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
    if (n > INT32_MAX)
        return NT_ERR_OVERFLOW;
    t->slots = nt_calloc(n, sizeof *t->slots);
    if (!t->slots)
        return NT_ERR_NOMEM;
    t->nslots = n;
    t->cap = cap;
    t->lru_head = t->lru_tail = -1;
    nt_hkey_random(&t->key);
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
    size_t i = (size_t)nt_keyed_hash(&t->key, 0, key, key_len, false) & mask;
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
    touch(t, i);
    return &t->slots[i];
}

/* Removes slot i, re-inserting the rest of its probe cluster so that
 * linear probing keeps finding them (no tombstones). */
static void remove_slot(nt_trust_table *t, size_t i)
{
    size_t mask = t->nslots - 1, j = i;
    lru_unlink(t, i);
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
        lru_moved(t, k);
    }
}

/* The tail of the list: constant time, so that a flood of new sources into
 * a full budget costs each packet no more than a lookup (it was a scan of
 * every slot, and a probe run as long as the table for chosen keys). */
static void evict_oldest(nt_trust_table *t)
{
    if (t->lru_tail >= 0)
        remove_slot(t, (size_t)t->lru_tail);
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
    lru_push(t, i);
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
    touch(t, i);
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
    size_t i, loose = t->nslots, removed = 0;
    uint64_t oldest = UINT64_MAX;
    uint32_t next = 0;
    if (!kept && (t->next_stale == 0 || now <= t->next_stale))
        return false;
    /* Every stale entry goes in this one pass, so that entries that went
     * stale together are swept once, not once per newcomer. Removing one
     * can move a later entry of its probe run into slot i: i is looked at
     * again (unsigned wrap, then ++). */
    for (i = 0; i < t->nslots; i++) {
        const nt_trust_entry *e = &t->slots[i];
        if (!e->used)
            continue;
        if (is_stale(e, now)) {
            remove_slot(t, i);
            removed++;
            i--;
            continue;
        }
        if (e->stale_after != 0 && (next == 0 || e->stale_after < next))
            next = e->stale_after;
        if (!e->kept && e->touched < oldest) {
            oldest = e->touched;
            loose = i;
        }
    }
    /* A lower bound: a stale entry that a move carried behind the pass
     * stays until then, and is dropped if looked up (put_kept). */
    t->next_stale = next;
    if (removed != 0)
        return true;
    /* Nothing moved: loose is still the slot found. */
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
    touch(t, i);
    if (created)
        *created = !found;
    return e;
}
