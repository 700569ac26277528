/* The per-interface record cache (RFC 6762 §10): TTL expiry, goodbyes,
 * cache-flush, refresh points for active questions (§5.2), POOF (§10.5) and
 * a cap with closest-to-expiry eviction (DESIGN §11). */
#include <string.h>

#include "mdns_int.h"
#include "nautilus/mem.h"

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

/* ---- the owner-name index: buckets chained through centry.next ---- */

int32_t mdns_cache_first(const iface *f, uint32_t h)
{
    if (f->bucket == NULL)
        return -1;
    return f->bucket[h & (f->nbucket - 1)];
}

static void index_link(iface *f, size_t i)
{
    int32_t *b = &f->bucket[f->cache[i].hname & (f->nbucket - 1)];
    f->cache[i].next = *b;
    *b = (int32_t)i;
}

static void index_unlink(iface *f, size_t i)
{
    int32_t *p = &f->bucket[f->cache[i].hname & (f->nbucket - 1)];
    while (*p >= 0) {
        if (*p == (int32_t)i) {
            *p = f->cache[i].next;
            return;
        }
        p = &f->cache[*p].next;
    }
}

static void entry_free(nt_mdns *m, size_t ifslot, size_t i)
{
    iface *f = &m->ifs[ifslot];
    size_t last = f->ncache - 1;
    mdns_note_ptr(m, ifslot, &f->cache[i].r, false);
    nt_free(f->cache[i].data);
    index_unlink(f, i);
    if (i != last) {
        /* The last entry moves into the hole: re-index it there. */
        index_unlink(f, last);
        f->cache[i] = f->cache[last];
        index_link(f, i);
    }
    f->ncache--;
}

static bool same_set(const nt_dns_record *a, const nt_dns_record *b)
{
    return a->type == b->type && a->rclass == b->rclass && nt_dns_name_equal(&a->owner, &b->owner);
}

/* A source's budget of evictions (DESIGN §11): a full cache is turned over
 * at most EVICT_RATE records per second per source (burst EVICT_BURST), so
 * a flood cannot churn through everything a browse shows, while a real
 * newcomer after the flood still gets in. */
static bool evict_allowed(srcrate *src, uint64_t now)
{
    uint64_t add;
    if (src == NULL)
        return true;
    if (now > src->evict_ms) {
        add = (now - src->evict_ms) * EVICT_RATE / 1000u;
        if (add != 0) {
            src->evict_tokens = add + src->evict_tokens > EVICT_BURST
                                    ? EVICT_BURST
                                    : (uint32_t)(add + src->evict_tokens);
            src->evict_ms = now;
        }
    }
    if (src->evict_tokens == 0)
        return false;
    src->evict_tokens--;
    return true;
}

/* Makes room for one more entry: grows the array up to the cap, then evicts
 * the entry closest to expiry among those no more trusted than the newcomer,
 * so an unverified flood cannot push out verified records (DESIGN §11). A
 * newcomer that would expire before every candidate is itself the one to go. */
static bool make_room(nt_mdns *m, size_t ifslot, uint8_t trust, uint64_t new_expiry,
                      srcrate *src, uint64_t now)
{
    iface *f = &m->ifs[ifslot];
    size_t i, victim = SIZE_MAX;
    if (f->bucket == NULL) {
        size_t nb = 16;
        while (nb < m->cfg.cache_cap && nb < ((size_t)1 << 30))
            nb *= 2;
        f->bucket = nt_malloc(nb * sizeof(*f->bucket));
        if (f->bucket == NULL)
            return false;
        for (i = 0; i < nb; i++)
            f->bucket[i] = -1;
        f->nbucket = nb;
    }
    if (f->ncache < f->cache_alloc)
        return true;
    if (f->cache_alloc < m->cfg.cache_cap) {
        size_t n = f->cache_alloc == 0 ? 16 : f->cache_alloc * 2;
        centry *p;
        if (n > m->cfg.cache_cap)
            n = m->cfg.cache_cap;
        p = nt_realloc(f->cache, n * sizeof(*p));
        if (p != NULL) {
            f->cache = p;
            f->cache_alloc = n;
            return true;
        }
        if (f->ncache == 0)
            return false;
    }
    /* The budget first: a flood past it is dropped without a scan. */
    if (!evict_allowed(src, now))
        return false;
    for (i = 0; i < f->ncache; i++) {
        if (f->cache[i].trust > trust)
            continue;
        if (victim == SIZE_MAX || f->cache[i].expires_ms < f->cache[victim].expires_ms)
            victim = i;
    }
    if (victim == SIZE_MAX || f->cache[victim].expires_ms > new_expiry) {
        if (src != NULL)
            src->evict_tokens++; /* nothing evicted: give the token back */
        return false;
    }
    mdns_mark_dirty(m, &f->cache[victim].r.owner);
    entry_free(m, ifslot, victim);
    m->stats.cache_evictions++;
    return true;
}

void mdns_cache_add(nt_mdns *m, size_t ifslot, const nt_dns_record *r, uint8_t trust,
                    srcrate *src, uint64_t now)
{
    iface *f = &m->ifs[ifslot];
    centry *c = NULL;
    int32_t j;
    uint32_t h = mdns_name_hash(&r->owner);

    if (r->rclass != NT_DNS_CLASS_IN && r->rclass != NT_DNS_CLASS_ANY)
        return;
    /* §10.2: a cache-flush record replaces the other records of its set that
     * were received more than one second ago; they go one second from now,
     * not at once, so that a burst of packets cannot flush its own set. */
    if (r->mdns_bit) {
        for (j = mdns_cache_first(f, h); j >= 0; j = f->cache[j].next) {
            centry *o = &f->cache[j];
            if (o->hname == h && same_set(&o->r, r) && o->recv_ms + 1000u <= now &&
                o->expires_ms > now + GOODBYE_GRACE_MS && !mdns_rr_equal(&o->r, r)) {
                o->expires_ms = now + GOODBYE_GRACE_MS;
                o->refresh_ms = UINT64_MAX;
            }
        }
    }
    for (j = mdns_cache_first(f, h); j >= 0; j = f->cache[j].next) {
        if (f->cache[j].hname == h && mdns_rr_equal(&f->cache[j].r, r)) {
            c = &f->cache[j];
            break;
        }
    }
    mdns_mark_dirty(m, &r->owner);
    if (c != NULL) {
        if (r->ttl == 0) {
            /* §10.1: goodbye; keep it one more second. */
            if (c->expires_ms > now + GOODBYE_GRACE_MS)
                c->expires_ms = now + GOODBYE_GRACE_MS;
            c->refresh_ms = UINT64_MAX;
            return;
        }
        c->r.ttl = r->ttl;
        c->r.mdns_bit = r->mdns_bit;
        c->recv_ms = now;
        c->expires_ms = now + (uint64_t)r->ttl * 1000u;
        c->refresh_stage = 0;
        c->poof = 0;
        c->trust = trust;
        refresh_plan(m, c);
        return;
    }
    if (r->ttl == 0)
        return;
    if (!make_room(m, ifslot, trust, now + (uint64_t)r->ttl * 1000u, src, now)) {
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
    c->hname = h;
    refresh_plan(m, c);
    index_link(f, f->ncache);
    f->ncache++;
    mdns_note_ptr(m, ifslot, &c->r, true);
}

void mdns_cache_clear(nt_mdns *m, size_t ifslot)
{
    iface *f = &m->ifs[ifslot];
    size_t i;
    for (i = 0; i < f->ncache; i++)
        nt_free(f->cache[i].data);
    nt_free(f->cache);
    nt_free(f->bucket);
    f->bucket = NULL;
    f->nbucket = 0;
    f->cache = NULL;
    f->ncache = 0;
    f->cache_alloc = 0;
}

void mdns_cache_expire(nt_mdns *m, uint64_t now)
{
    size_t s, i;
    for (s = 0; s < m->cfg.max_interfaces; s++) {
        iface *f = &m->ifs[s];
        if (!f->used)
            continue;
        for (i = f->ncache; i-- > 0;) {
            centry *c = &f->cache[i];
            bool poofed = c->poof >= 2 && now >= c->poof_first_ms + POOF_WINDOW_MS;
            if (c->expires_ms <= now || poofed) {
                mdns_mark_dirty(m, &c->r.owner);
                entry_free(m, s, i);
                continue;
            }
            while (c->refresh_ms <= now) {
                if (!m->shut && mdns_query_wants(m, s, &c->r.owner, c->r.type))
                    mdns_oneshot_add(m, s, &c->r.owner, c->r.type);
                c->refresh_stage++;
                refresh_plan(m, c);
            }
        }
    }
}

uint64_t mdns_cache_next(const nt_mdns *m)
{
    uint64_t t = UINT64_MAX;
    size_t s, i;
    for (s = 0; s < m->cfg.max_interfaces; s++) {
        const iface *f = &m->ifs[s];
        if (!f->used)
            continue;
        for (i = 0; i < f->ncache; i++) {
            const centry *c = &f->cache[i];
            if (c->expires_ms < t)
                t = c->expires_ms;
            if (c->refresh_ms < t)
                t = c->refresh_ms;
            if (c->poof >= 2 && c->poof_first_ms + POOF_WINDOW_MS < t)
                t = c->poof_first_ms + POOF_WINDOW_MS;
        }
    }
    return t;
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
    uint32_t h = mdns_name_hash(name);
    for (i = mdns_cache_first(f, h); i >= 0; i = f->cache[i].next) {
        centry *c = &f->cache[i];
        bool known = false;
        if (c->hname != h || (type != NT_DNS_TYPE_ANY && c->r.type != type) ||
            !nt_dns_name_equal(&c->r.owner, name))
            continue;
        if (c->expires_ms <= now + GOODBYE_GRACE_MS)
            continue; /* already going */
        /* Our own query carried the records above half their TTL (§7.1). */
        if (skip_fresh && (c->expires_ms - now) * 2u > (uint64_t)c->r.ttl * 1000u)
            continue;
        for (k = 0; k < nka && !known; k++)
            known = mdns_rr_equal(&kas[k], &c->r);
        if (known)
            continue;
        if (c->poof == 0 || now >= c->poof_first_ms + POOF_WINDOW_MS) {
            c->poof = 0;
            c->poof_first_ms = now;
        }
        if (c->poof < 255)
            c->poof++;
    }
}
