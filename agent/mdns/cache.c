/* The per-interface record cache (RFC 6762 §10): TTL expiry, goodbyes,
 * cache-flush, refresh points for active questions (§5.2), POOF (§10.5) and
 * a cap with closest-to-expiry eviction (DESIGN §11).
 *
 * Nothing here scans the cache: entries are found through two hash indexes
 * (by owner name, for sets; by the whole record, for one record: a shared
 * PTR owner may hold thousands of records), and timed through binary heaps
 * (by expiry, one per trust class, which eviction also uses; and by the next
 * refresh point or POOF deadline). A full cache under a flood costs
 * O(log n) per record. */
#include <stdlib.h>
#include <string.h>

#include "mdns_int.h"
#include "nautilus/mem.h"

static unsigned tclass(uint8_t trust)
{
    return trust < CACHE_TRUST_CLASSES ? trust : CACHE_TRUST_CLASSES - 1u;
}

/* §5.2: refresh queries at 80, 85, 90 and 95 % of the TTL, each with a
 * random 0-2 % of the TTL added so that hosts do not query in step. */
static void refresh_plan(nt_mdns *m, centry *c)
{
    uint64_t ttl_ms = (uint64_t)c->r.ttl * 1000u;
    uint64_t pct, jitter;
    if (c->refresh_stage >= 4 || c->r.ttl == 0) {
        c->refresh_ms = UINT64_MAX;
        return;
    }
    pct = 80u + 5u * c->refresh_stage;
    jitter = mdns_rand_range(m, 0, 200); /* hundredths of a percent: 0..2 % */
    c->refresh_ms = c->recv_ms + ttl_ms * pct / 100u + ttl_ms * jitter / 10000u;
}

/* ---- heaps of entry numbers ------------------------------------------------ */

static uint64_t wake_key(const centry *c)
{
    uint64_t t = c->refresh_ms;
    if (c->poof >= 2 && c->poof_first_ms + POOF_WINDOW_MS < t)
        t = c->poof_first_ms + POOF_WINDOW_MS;
    return t;
}

static uint64_t hkey(const iface *f, int32_t i, bool wake)
{
    return wake ? wake_key(&f->cache[i]) : f->cache[i].expires_ms;
}

static void hset(iface *f, cheap *h, size_t k, int32_t i, bool wake)
{
    h->a[k] = i;
    if (wake)
        f->cache[i].hpos_wake = (int32_t)k;
    else
        f->cache[i].hpos_exp = (int32_t)k;
}

static void sift_up(iface *f, cheap *h, size_t k, bool wake)
{
    int32_t i = h->a[k];
    uint64_t key = hkey(f, i, wake);
    while (k > 0) {
        size_t p = (k - 1) / 2;
        if (hkey(f, h->a[p], wake) <= key)
            break;
        hset(f, h, k, h->a[p], wake);
        k = p;
    }
    hset(f, h, k, i, wake);
}

static void sift_down(iface *f, cheap *h, size_t k, bool wake)
{
    int32_t i = h->a[k];
    uint64_t key = hkey(f, i, wake);
    for (;;) {
        size_t c = 2 * k + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && hkey(f, h->a[c + 1], wake) < hkey(f, h->a[c], wake))
            c++;
        if (key <= hkey(f, h->a[c], wake))
            break;
        hset(f, h, k, h->a[c], wake);
        k = c;
    }
    hset(f, h, k, i, wake);
}

/* Room for n entries; heaps grow with the cache, before it is filled, so
 * that a push never fails. */
static bool heap_reserve(cheap *h, size_t n)
{
    int32_t *p;
    if (h->cap >= n)
        return true;
    p = nt_realloc(h->a, n * sizeof(*p));
    if (p == NULL)
        return false;
    h->a = p;
    h->cap = n;
    return true;
}

static void heap_push(iface *f, cheap *h, int32_t i, bool wake)
{
    h->a[h->n++] = i;
    sift_up(f, h, h->n - 1, wake);
}

static void heap_remove(iface *f, cheap *h, size_t k, bool wake)
{
    int32_t gone = h->a[k], moved;
    if (wake)
        f->cache[gone].hpos_wake = -1;
    h->n--;
    if (k == h->n)
        return;
    moved = h->a[h->n];
    hset(f, h, k, moved, wake);
    sift_up(f, h, k, wake);
    sift_down(f, h, (size_t)(wake ? f->cache[moved].hpos_wake : f->cache[moved].hpos_exp), wake);
}

/* After expires_ms changed: back into its place. */
static void exp_fix(iface *f, int32_t i)
{
    cheap *h = &f->hexp[tclass(f->cache[i].trust)];
    sift_up(f, h, (size_t)f->cache[i].hpos_exp, false);
    sift_down(f, h, (size_t)f->cache[i].hpos_exp, false);
}

/* After refresh_ms or the POOF count changed: in the wake heap exactly
 * when something is due some time. */
static void wake_sync(iface *f, int32_t i)
{
    centry *c = &f->cache[i];
    bool due = wake_key(c) != UINT64_MAX;
    if (!due && c->hpos_wake >= 0) {
        heap_remove(f, &f->hwake, (size_t)c->hpos_wake, true);
    } else if (due && c->hpos_wake < 0) {
        heap_push(f, &f->hwake, i, true);
    } else if (due) {
        sift_up(f, &f->hwake, (size_t)c->hpos_wake, true);
        sift_down(f, &f->hwake, (size_t)f->cache[i].hpos_wake, true);
    }
}

/* ---- the two hash indexes, doubly chained ---------------------------------- */

/* Owner, type and rdata, ASCII case folded: equal records (mdns_rr_equal)
 * hash alike, and so do PTR records whose targets differ only in case. */
static uint32_t rec_hash_h(const nt_mdns *m, uint64_t owner_h, uint16_t type,
                           const uint8_t *rdata, size_t len)
{
    return (uint32_t)mdns_hash_folded(m, owner_h ^ type, rdata, len);
}

static uint32_t rec_hash(const nt_mdns *m, const nt_dns_name *owner, uint16_t type,
                         const uint8_t *rdata, size_t len)
{
    return rec_hash_h(m, mdns_hash_folded(m, 0, owner->wire, owner->len), type, rdata, len);
}

int32_t mdns_cache_first(const iface *f, uint32_t h)
{
    if (f->bucket == NULL)
        return -1;
    return f->bucket[h & (f->nbucket - 1)];
}

static void index_link(iface *f, size_t i)
{
    centry *c = &f->cache[i];
    int32_t *b = &f->bucket[c->hname & (f->nbucket - 1)];
    int32_t *r = &f->rbucket[c->hrec & (f->nbucket - 1)];
    c->prev = -1;
    c->next = *b;
    if (*b >= 0)
        f->cache[*b].prev = (int32_t)i;
    *b = (int32_t)i;
    c->prev_rec = -1;
    c->next_rec = *r;
    if (*r >= 0)
        f->cache[*r].prev_rec = (int32_t)i;
    *r = (int32_t)i;
}

static void index_unlink(iface *f, size_t i)
{
    centry *c = &f->cache[i];
    if (c->prev >= 0)
        f->cache[c->prev].next = c->next;
    else
        f->bucket[c->hname & (f->nbucket - 1)] = c->next;
    if (c->next >= 0)
        f->cache[c->next].prev = c->prev;
    if (c->prev_rec >= 0)
        f->cache[c->prev_rec].next_rec = c->next_rec;
    else
        f->rbucket[c->hrec & (f->nbucket - 1)] = c->next_rec;
    if (c->next_rec >= 0)
        f->cache[c->next_rec].prev_rec = c->prev_rec;
}

/* The entry equal to r, whose record hash is h. */
static int32_t find_h(const iface *f, const nt_dns_record *r, uint32_t h)
{
    int32_t j;
    if (f->rbucket == NULL)
        return -1;
    for (j = f->rbucket[h & (f->nbucket - 1)]; j >= 0; j = f->cache[j].next_rec)
        if (f->cache[j].hrec == h && mdns_rr_equal(&f->cache[j].r, r))
            return j;
    return -1;
}

int32_t mdns_cache_find(const nt_mdns *m, const iface *f, const nt_dns_record *r)
{
    if (f->rbucket == NULL)
        return -1;
    return find_h(f, r, rec_hash(m, &r->owner, r->type, r->rdata, r->rdlength));
}

static bool same_folded(const uint8_t *a, const uint8_t *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        uint8_t x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = (uint8_t)(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = (uint8_t)(y + 32);
        if (x != y)
            return false;
    }
    return true;
}

int32_t mdns_cache_find_ptr(const nt_mdns *m, const iface *f, const nt_dns_name *owner,
                            const nt_dns_name *target)
{
    uint32_t h;
    int32_t j;
    if (f->rbucket == NULL)
        return -1;
    h = rec_hash(m, owner, NT_DNS_TYPE_PTR, target->wire, target->len);
    for (j = f->rbucket[h & (f->nbucket - 1)]; j >= 0; j = f->cache[j].next_rec) {
        const centry *c = &f->cache[j];
        if (c->hrec == h && c->r.type == NT_DNS_TYPE_PTR && c->r.rdlength == target->len &&
            same_folded(c->r.rdata, target->wire, target->len) &&
            nt_dns_name_equal(&c->r.owner, owner))
            return j;
    }
    return -1;
}

/* ---- entries ------------------------------------------------------------------ */

static void entry_free(nt_mdns *m, size_t ifslot, size_t i)
{
    iface *f = &m->ifs[ifslot];
    size_t last = f->ncache - 1;
    centry *c = &f->cache[i];
    mdns_note_ptr(m, ifslot, &c->r, false);
    nt_free(c->data);
    index_unlink(f, i);
    heap_remove(f, &f->hexp[tclass(c->trust)], (size_t)c->hpos_exp, false);
    if (c->hpos_wake >= 0)
        heap_remove(f, &f->hwake, (size_t)c->hpos_wake, true);
    if (i != last) {
        /* The last entry moves into the hole: re-index it there. */
        index_unlink(f, last);
        f->cache[i] = f->cache[last];
        index_link(f, i);
        c = &f->cache[i];
        f->hexp[tclass(c->trust)].a[c->hpos_exp] = (int32_t)i;
        if (c->hpos_wake >= 0)
            f->hwake.a[c->hpos_wake] = (int32_t)i;
    }
    f->ncache--;
}

static bool same_set(const nt_dns_record *a, const nt_dns_record *b)
{
    return a->type == b->type && a->rclass == b->rclass && nt_dns_name_equal(&a->owner, &b->owner);
}

/* Budgets of evictions (DESIGN §11): a full cache is turned over at most
 * EVICT_RATE records per second per source (burst EVICT_BURST) and
 * EVICT_IF_RATE per interface (burst EVICT_IF_BURST), so a flood, from one
 * address or from many, cannot churn through everything a browse shows,
 * while a real newcomer after the flood still gets in. Each trust class
 * has its own budgets: an unverified flood, even from a publisher's own
 * address, spends nothing a verified newcomer needs. */
static bool budget_take(ebudget *b, uint32_t rate, uint32_t burst, uint64_t now)
{
    uint64_t back;
    if (now > b->ms) {
        back = (now - b->ms) * rate / 1000u;
        if (back != 0) {
            b->used = back >= b->used ? 0 : b->used - (uint32_t)back;
            b->ms = now;
        }
    }
    if (b->used >= burst)
        return false;
    b->used++;
    return true;
}

static bool evict_allowed(iface *f, srcrate *src, unsigned cls, uint64_t now)
{
    if (src != NULL && !budget_take(&src->evict[cls], EVICT_RATE, EVICT_BURST, now))
        return false;
    if (!budget_take(&f->evict[cls], EVICT_IF_RATE, EVICT_IF_BURST, now)) {
        if (src != NULL)
            src->evict[cls].used--;
        return false;
    }
    return true;
}

/* Nothing was evicted after all: the budgets get their token back. */
static void evict_refund(iface *f, srcrate *src, unsigned cls)
{
    if (src != NULL)
        src->evict[cls].used--;
    f->evict[cls].used--;
}

/* The indexes exist from the first record on. */
static bool index_init(nt_mdns *m, iface *f)
{
    size_t nb = 16, i;
    if (f->bucket != NULL)
        return true;
    while (nb < m->cfg.cache_cap && nb < ((size_t)1 << 30))
        nb *= 2;
    f->bucket = nt_malloc(nb * sizeof(*f->bucket));
    f->rbucket = nt_malloc(nb * sizeof(*f->rbucket));
    if (f->bucket == NULL || f->rbucket == NULL) {
        nt_free(f->bucket);
        nt_free(f->rbucket);
        f->bucket = f->rbucket = NULL;
        return false;
    }
    for (i = 0; i < nb; i++)
        f->bucket[i] = f->rbucket[i] = -1;
    f->nbucket = nb;
    return true;
}

/* Grows the entry array (and every heap with it) towards the cap. */
static bool grow(nt_mdns *m, iface *f)
{
    size_t n = f->cache_alloc == 0 ? 16 : f->cache_alloc * 2, k;
    centry *p;
    if (n > m->cfg.cache_cap)
        n = m->cfg.cache_cap;
    if (n <= f->cache_alloc)
        return false;
    for (k = 0; k < CACHE_TRUST_CLASSES; k++)
        if (!heap_reserve(&f->hexp[k], n))
            return false;
    if (!heap_reserve(&f->hwake, n))
        return false;
    p = nt_realloc(f->cache, n * sizeof(*p));
    if (p == NULL)
        return false;
    f->cache = p;
    f->cache_alloc = n;
    return true;
}

/* §10.2: a cache-flush record replaces the other records of its set that
 * were received more than one second ago; they go one second from now,
 * not at once, so that a burst of packets cannot flush its own set. Only
 * records no more trusted than it: an unsigned record with the flush bit
 * (even on a shared PTR owner) must not sweep away signed ones.
 *
 * Finding them walks the owner's records, which a shared owner may hold by
 * the thousand; a flood that repeats them with the flush bit would pay
 * that walk per record. So every look leaves on the set's records the time
 * before which nothing in the set can come of age (records that arrive
 * later are a second from it at least), and a flush record already cached
 * (self >= 0) whose set was looked at for no less trust skips the walk
 * until then. Returns that time. */
static uint64_t cache_flush(const nt_mdns *m, iface *f, const nt_dns_record *r, int32_t self,
                            uint8_t trust, uint64_t now)
{
    uint32_t h = mdns_name_hash(m, &r->owner);
    uint64_t ripe = now + 1000u;
    int32_t j;
    if (self >= 0 && now < f->cache[self].flush_ripe_ms && trust <= f->cache[self].flush_trust)
        return f->cache[self].flush_ripe_ms;
    for (j = mdns_cache_first(f, h); j >= 0; j = f->cache[j].next) {
        centry *o = &f->cache[j];
        if (o->hname != h || !same_set(&o->r, r) || j == self || o->trust > trust ||
            o->expires_ms <= now + GOODBYE_GRACE_MS)
            continue;
        if (o->recv_ms + 1000u > now) {
            if (o->recv_ms + 1000u < ripe)
                ripe = o->recv_ms + 1000u;
            continue;
        }
        o->expires_ms = now + GOODBYE_GRACE_MS;
        o->refresh_ms = UINT64_MAX;
        exp_fix(f, j);
        wake_sync(f, j);
    }
    for (j = mdns_cache_first(f, h); j >= 0; j = f->cache[j].next) {
        centry *o = &f->cache[j];
        if (o->hname == h && same_set(&o->r, r)) {
            o->flush_ripe_ms = ripe;
            o->flush_trust = trust;
        }
    }
    return ripe;
}

/* Makes room for one more entry: grows the array up to the cap, then evicts
 * from the least trusted class below the newcomer's its entry closest to
 * expiry, so an unverified flood can neither push out verified records nor
 * keep them out (its records may well outlive a verified newcomer's TTL).
 * With no less trusted entry, the newcomer's own class gives its entry
 * closest to expiry, unless the newcomer would expire first: then it is
 * itself the one to go (DESIGN §11). A newcomer r with the cache-flush bit
 * flushes its set first (*ripe: cache_flush), where there is room or the
 * budgets allow an eviction: a record that is dropped at once pays for
 * that walk with its eviction token, even if nothing is evicted. */
static bool make_room(nt_mdns *m, size_t ifslot, const nt_dns_record *r, uint8_t trust,
                      uint64_t new_expiry, srcrate *src, uint64_t now, uint64_t *ripe)
{
    iface *f = &m->ifs[ifslot];
    int32_t victim = -1;
    unsigned k, cls = tclass(trust);
    if (!index_init(m, f))
        return false;
    if (f->ncache < f->cache_alloc || grow(m, f)) {
        if (r->mdns_bit)
            *ripe = cache_flush(m, f, r, -1, trust, now);
        return true;
    }
    if (f->ncache == 0)
        return false;
    /* The budgets first: a flood past them is dropped without a look. */
    if (!evict_allowed(f, src, cls, now))
        return false;
    if (r->mdns_bit)
        *ripe = cache_flush(m, f, r, -1, trust, now);
    for (k = 0; k < cls && victim < 0; k++)
        if (f->hexp[k].n != 0)
            victim = f->hexp[k].a[0];
    if (victim < 0 && f->hexp[cls].n != 0 && f->cache[f->hexp[cls].a[0]].expires_ms <= new_expiry)
        victim = f->hexp[cls].a[0];
    if (victim < 0) {
        if (!r->mdns_bit)
            evict_refund(f, src, cls);
        return false;
    }
    mdns_mark_dirty(m, &f->cache[victim].r.owner);
    entry_free(m, ifslot, (size_t)victim);
    m->stats.cache_evictions++;
    return true;
}

/* The same record again: a goodbye, or a refresh of its TTL. A copy less
 * trusted than what is cached changes nothing: neither an unsigned
 * goodbye nor an unsigned refresh may stand in for the signed record's
 * own (it would otherwise also lower its trust and expose it to
 * eviction by an unverified flood). */
static void cache_again(nt_mdns *m, iface *f, int32_t j, const nt_dns_record *r, uint8_t trust,
                        uint64_t now)
{
    centry *c = &f->cache[j];
    if (trust < c->trust)
        return;
    if (r->ttl == 0) {
        /* §10.1: goodbye; keep it one more second. */
        if (c->expires_ms > now + GOODBYE_GRACE_MS) {
            c->expires_ms = now + GOODBYE_GRACE_MS;
            exp_fix(f, j);
        }
        c->refresh_ms = UINT64_MAX;
        wake_sync(f, j);
        return;
    }
    if (tclass(trust) != tclass(c->trust)) {
        heap_remove(f, &f->hexp[tclass(c->trust)], (size_t)c->hpos_exp, false);
        c->trust = trust;
        heap_push(f, &f->hexp[tclass(trust)], j, false);
    }
    c->trust = trust;
    c->r.ttl = r->ttl;
    c->r.mdns_bit = r->mdns_bit;
    c->recv_ms = now;
    c->expires_ms = now + (uint64_t)r->ttl * 1000u;
    c->refresh_stage = 0;
    c->poof = 0;
    refresh_plan(m, c);
    exp_fix(f, j);
    wake_sync(f, j);
}

void mdns_cache_add(nt_mdns *m, size_t ifslot, const nt_dns_record *r, uint8_t trust,
                    srcrate *src, uint64_t now)
{
    iface *f = &m->ifs[ifslot];
    centry *c;
    int32_t j;
    uint64_t ripe = 0, owner_h;
    uint32_t hname, hrec;

    if (r->rclass != NT_DNS_CLASS_IN && r->rclass != NT_DNS_CLASS_ANY)
        return;
    /* The owner is hashed once: its name hash is the low half
     * (mdns_name_hash), and the record hash goes on from it. */
    owner_h = mdns_hash_folded(m, 0, r->owner.wire, r->owner.len);
    hname = (uint32_t)owner_h;
    hrec = rec_hash_h(m, owner_h, r->type, r->rdata, r->rdlength);
    mdns_mark_dirty_h(m, &r->owner, hname);
    mdns_predict_cached(m, r, now);
    j = find_h(f, r, hrec);
    if (j >= 0) {
        cache_again(m, f, j, r, trust, now);
        if (r->mdns_bit)
            (void)cache_flush(m, f, r, j, trust, now);
        return;
    }
    /* A goodbye for a record we do not hold changes nothing, not even the
     * rest of its set. */
    if (r->ttl == 0)
        return;
    if (!make_room(m, ifslot, r, trust, now + (uint64_t)r->ttl * 1000u, src, now, &ripe)) {
        m->stats.records_dropped++;
        return;
    }
    c = &f->cache[f->ncache];
    memset(c, 0, sizeof(*c));
    c->r = *r;
    if (r->rdlength != 0) {
        c->data = nt_malloc(r->rdlength);
        if (c->data == NULL) {
            m->stats.records_dropped++;
            return;
        }
        memcpy(c->data, r->rdata, r->rdlength);
    }
    c->r.rdata = c->data;
    c->recv_ms = now;
    c->expires_ms = now + (uint64_t)r->ttl * 1000u;
    c->trust = trust;
    c->hname = hname;
    c->hrec = hrec;
    c->hpos_wake = -1;
    if (r->mdns_bit) {
        c->flush_ripe_ms = ripe;
        c->flush_trust = trust;
    }
    refresh_plan(m, c);
    index_link(f, f->ncache);
    heap_push(f, &f->hexp[tclass(trust)], (int32_t)f->ncache, false);
    wake_sync(f, (int32_t)f->ncache);
    f->ncache++;
    mdns_note_ptr(m, ifslot, &c->r, true);
}

void mdns_cache_clear(nt_mdns *m, size_t ifslot)
{
    iface *f = &m->ifs[ifslot];
    size_t i;
    for (i = 0; i < f->ncache; i++)
        nt_free(f->cache[i].data);
    for (i = 0; i < CACHE_TRUST_CLASSES; i++)
        nt_free(f->hexp[i].a);
    nt_free(f->hwake.a);
    memset(f->hexp, 0, sizeof(f->hexp));
    memset(&f->hwake, 0, sizeof(f->hwake));
    nt_free(f->cache);
    nt_free(f->bucket);
    nt_free(f->rbucket);
    f->bucket = NULL;
    f->rbucket = NULL;
    f->nbucket = 0;
    f->cache = NULL;
    f->ncache = 0;
    f->cache_alloc = 0;
}

/* The soonest entry to expire in any trust class, or -1. */
static int32_t soonest(const iface *f)
{
    int32_t best = -1;
    unsigned k;
    for (k = 0; k < CACHE_TRUST_CLASSES; k++)
        if (f->hexp[k].n != 0 &&
            (best < 0 || f->cache[f->hexp[k].a[0]].expires_ms < f->cache[best].expires_ms))
            best = f->hexp[k].a[0];
    return best;
}

/* Refresh points and POOF deadlines that are due on interface slot s. */
static void wake_due(nt_mdns *m, size_t s, uint64_t now)
{
    iface *f = &m->ifs[s];
    while (f->hwake.n != 0 && wake_key(&f->cache[f->hwake.a[0]]) <= now) {
        int32_t i = f->hwake.a[0];
        centry *c = &f->cache[i];
        if (c->poof >= 2 && now >= c->poof_first_ms + POOF_WINDOW_MS) {
            mdns_mark_dirty(m, &c->r.owner);
            entry_free(m, s, (size_t)i);
            continue;
        }
        while (c->refresh_ms <= now) {
            if (!m->shut && mdns_query_wants(m, s, &c->r.owner, c->r.type))
                mdns_oneshot_add(m, s, &c->r.owner, c->r.type);
            c->refresh_stage++;
            refresh_plan(m, c);
        }
        wake_sync(f, i);
    }
}

void mdns_cache_expire(nt_mdns *m, uint64_t now)
{
    size_t s;
    for (s = 0; s < m->cfg.max_interfaces; s++) {
        iface *f = &m->ifs[s];
        int32_t i;
        if (!f->used)
            continue;
        while ((i = soonest(f)) >= 0 && f->cache[i].expires_ms <= now) {
            mdns_mark_dirty(m, &f->cache[i].r.owner);
            entry_free(m, s, (size_t)i);
        }
        wake_due(m, s, now);
    }
}

uint64_t mdns_cache_next(const nt_mdns *m)
{
    uint64_t t = UINT64_MAX;
    size_t s;
    for (s = 0; s < m->cfg.max_interfaces; s++) {
        const iface *f = &m->ifs[s];
        int32_t i;
        if (!f->used)
            continue;
        if ((i = soonest(f)) >= 0 && f->cache[i].expires_ms < t)
            t = f->cache[i].expires_ms;
        if (f->hwake.n != 0 && wake_key(&f->cache[f->hwake.a[0]]) < t)
            t = wake_key(&f->cache[f->hwake.a[0]]);
    }
    return t;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Is the cached record c among kas (whose record hashes are sorted in
 * hs[0..nka))? One hash look-up, then the records with that hash. */
static bool among(const centry *c, const nt_dns_record *kas, size_t nka, const uint32_t *hs)
{
    size_t k;
    if (hs != NULL && bsearch(&c->hrec, hs, nka, sizeof(*hs), cmp_u32) == NULL)
        return false;
    for (k = 0; k < nka; k++)
        if (mdns_rr_equal(&kas[k], &c->r))
            return true;
    return false;
}

/* §10.5: a query that should have drawn a cached record, without that record
 * among its known answers. After two such queries and no answer within ten
 * seconds of the first, the record is gone (answers reset the count in
 * mdns_cache_add). */
void mdns_cache_poof_note(nt_mdns *m, size_t ifslot, const nt_dns_name *name, uint16_t type,
                          const nt_dns_record *kas, size_t nka, bool skip_fresh, uint64_t now)
{
    iface *f = &m->ifs[ifslot];
    size_t k;
    int32_t i;
    uint32_t h = mdns_name_hash(m, name);
    uint32_t *hs = nka > 8 ? nt_malloc(nka * sizeof(*hs)) : NULL;
    if (hs != NULL) {
        for (k = 0; k < nka; k++)
            hs[k] = rec_hash(m, &kas[k].owner, kas[k].type, kas[k].rdata, kas[k].rdlength);
        qsort(hs, nka, sizeof(*hs), cmp_u32);
    }
    for (i = mdns_cache_first(f, h); i >= 0; i = f->cache[i].next) {
        centry *c = &f->cache[i];
        if (c->hname != h || (type != NT_DNS_TYPE_ANY && c->r.type != type) ||
            !nt_dns_name_equal(&c->r.owner, name))
            continue;
        if (c->expires_ms <= now + GOODBYE_GRACE_MS)
            continue; /* already going */
        /* Heard within the last second: its responder may not multicast it
         * again yet (§6), so its silence says nothing. */
        if (now < c->recv_ms + 1000u)
            continue;
        /* Our own query carried the records above half their TTL (§7.1). */
        if (skip_fresh && (c->expires_ms - now) * 2u > (uint64_t)c->r.ttl * 1000u)
            continue;
        if (among(c, kas, nka, hs))
            continue;
        if (c->poof == 0 || now >= c->poof_first_ms + POOF_WINDOW_MS) {
            c->poof = 0;
            c->poof_first_ms = now;
        }
        if (c->poof < 255)
            c->poof++;
        wake_sync(f, i);
    }
    nt_free(hs);
}
