/* The mDNS engine: lifetime, interfaces, datagram intake, queues, timers.
 * Protocol behaviour lives in cache.c (RFC 6762 §10), responder.c (§6-9)
 * and querier.c (§5, §7). */
#include <stdio.h>
#include <string.h>

#include "mdns_int.h"
#include "nautilus/mem.h"

/* ---- small helpers ------------------------------------------------------ */

uint32_t mdns_rand(nt_mdns *m)
{
    uint64_t z;
    if (m->cfg.rng != NULL)
        return m->cfg.rng(m->cfg.rng_ctx);
    /* splitmix64: enough for protocol jitter, never for secrets. */
    m->rng_state += 0x9E3779B97F4A7C15ull;
    z = m->rng_state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (uint32_t)((z ^ (z >> 31)) >> 32);
}

/* The hash key: four draws from the rng callback, which a caller on a real
 * network backs with getrandom(); without one, derived from the seed (tests
 * and benchmarks stay reproducible) without moving the jitter generator. */
static void hash_key(nt_mdns *m)
{
    unsigned i;
    if (m->cfg.rng != NULL) {
        for (i = 0; i < 2; i++) {
            uint64_t hi = m->cfg.rng(m->cfg.rng_ctx);
            m->hkey.k[i] = hi << 32 | m->cfg.rng(m->cfg.rng_ctx);
        }
        return;
    }
    for (i = 0; i < 2; i++) {
        uint64_t z = m->cfg.seed ^ (0x6a09e667f3bcc908ull + (uint64_t)i * 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        m->hkey.k[i] = z ^ (z >> 31);
    }
}

uint64_t mdns_rand_range(nt_mdns *m, uint64_t lo, uint64_t hi)
{
    if (hi <= lo)
        return lo;
    return lo + (uint64_t)mdns_rand(m) % (hi - lo + 1);
}

iface *mdns_iface_by_index(nt_mdns *m, uint32_t ifindex, size_t *slot)
{
    size_t i;
    for (i = 0; i < m->cfg.max_interfaces; i++) {
        if (m->ifs[i].used && m->ifs[i].ifindex == ifindex) {
            if (slot != NULL)
                *slot = i;
            return &m->ifs[i];
        }
    }
    return NULL;
}

void mdns_rr_view(nt_mdns_rr *out, const nt_dns_record *r)
{
    out->name = r->owner.wire;
    out->name_len = r->owner.len;
    out->type = r->type;
    out->rrclass = r->rclass;
    out->cache_flush = r->mdns_bit;
    out->ttl = r->ttl;
    out->rdata = r->rdata;
    out->rdata_len = r->rdlength;
}

bool mdns_rr_equal(const nt_dns_record *a, const nt_dns_record *b)
{
    if (a->type != b->type || a->rclass != b->rclass || a->rdlength != b->rdlength)
        return false;
    if (!nt_dns_name_equal(&a->owner, &b->owner))
        return false;
    return a->rdlength == 0 || memcmp(a->rdata, b->rdata, a->rdlength) == 0;
}

/* RFC 6762 §8.2: class (without the cache-flush bit), then type, then the
 * raw rdata bytes; a longer rdata that shares a prefix is the later one. */
int mdns_rr_lexcmp(const nt_dns_record *a, const nt_dns_record *b)
{
    size_t n;
    int c;
    if (a->rclass != b->rclass)
        return a->rclass < b->rclass ? -1 : 1;
    if (a->type != b->type)
        return a->type < b->type ? -1 : 1;
    n = a->rdlength < b->rdlength ? a->rdlength : b->rdlength;
    c = n != 0 ? memcmp(a->rdata, b->rdata, n) : 0;
    if (c != 0)
        return c < 0 ? -1 : 1;
    if (a->rdlength != b->rdlength)
        return a->rdlength < b->rdlength ? -1 : 1;
    return 0;
}

void mdns_name_label_text(const nt_dns_name *n, char *out, size_t cap)
{
    size_t pos = 0, ll;
    const uint8_t *l;
    out[0] = '\0';
    if (cap == 0 || !nt_dns_name_next_label(n, &pos, &l, &ll))
        return;
    if (ll >= cap)
        ll = cap - 1;
    memcpy(out, l, ll);
    out[ll] = '\0';
}

/* Dotted text of labels [skip, skip+take) (take 0 = all the rest). Labels
 * are copied raw: these names are ours or DNS-SD service types and domains,
 * which do not contain dots. */
void mdns_name_text(const nt_dns_name *n, size_t skip_labels, size_t take, char *out, size_t cap)
{
    size_t pos = 0, ll, i = 0, len = 0, taken = 0;
    const uint8_t *l;
    out[0] = '\0';
    while (nt_dns_name_next_label(n, &pos, &l, &ll)) {
        if (i++ < skip_labels)
            continue;
        if (take != 0 && taken >= take)
            break;
        if (len + ll + 2 > cap)
            break;
        if (taken != 0)
            out[len++] = '.';
        memcpy(out + len, l, ll);
        len += ll;
        taken++;
    }
    out[len] = '\0';
}

/* The cache, the querier's tables and the dirty list find names by hash,
 * keyed per engine (core/keyed_hash.h: a LAN host cannot choose names that
 * share a bucket) and letters folded, so that names equal under
 * nt_dns_name_equal hash alike. */
uint64_t mdns_hash_folded(const nt_mdns *m, uint64_t tweak, const uint8_t *p, size_t len)
{
    return nt_keyed_hash(&m->hkey, tweak, p, len, true);
}

uint32_t mdns_name_hash(const nt_mdns *m, const nt_dns_name *n)
{
    return (uint32_t)mdns_hash_folded(m, 0, n->wire, n->len);
}

/* The index slot of name n (hash h): its own, or the free one where it
 * would go. */
static size_t dirty_slot(const nt_mdns *m, const nt_dns_name *n, uint32_t h)
{
    size_t mask = m->ndirty_idx - 1, k = h & mask;
    int32_t i;
    while ((i = m->dirty_idx[k]) >= 0 &&
           !(m->dirty_hash[i] == h && nt_dns_name_equal(&m->dirty[i], n)))
        k = (k + 1) & mask;
    return k;
}

void mdns_mark_dirty(nt_mdns *m, const nt_dns_name *n)
{
    if (!m->dirty_all)
        mdns_mark_dirty_h(m, n, mdns_name_hash(m, n));
}

void mdns_mark_dirty_h(nt_mdns *m, const nt_dns_name *n, uint32_t h)
{
    size_t k;
    if (m->dirty_all)
        return;
    k = dirty_slot(m, n, h);
    if (m->dirty_idx[k] >= 0)
        return;
    if (m->ndirty == m->dirty_cap) {
        m->dirty_all = true;
        return;
    }
    m->dirty_idx[k] = (int32_t)m->ndirty;
    m->dirty_hash[m->ndirty] = h;
    m->dirty[m->ndirty++] = *n;
}

bool mdns_is_dirty(const nt_mdns *m, const nt_dns_name *n, uint32_t h)
{
    if (m->dirty_all)
        return true;
    if (m->ndirty == 0)
        return false;
    return m->dirty_idx[dirty_slot(m, n, h)] >= 0;
}

/* Newest first: each name's probe path is then as it was when it went in. */
void mdns_dirty_clear(nt_mdns *m)
{
    size_t i;
    for (i = m->ndirty; i-- > 0;)
        m->dirty_idx[dirty_slot(m, &m->dirty[i], m->dirty_hash[i])] = -1;
    m->ndirty = 0;
    m->dirty_all = false;
}

/* PTR records entering or leaving a cache drive browse events directly, so
 * a browse with thousands of instances does not rescan the cache per packet.
 * When a batch holds more changes than fit, everything is rescanned. */
void mdns_note_ptr(nt_mdns *m, size_t ifslot, const nt_dns_record *r, bool added)
{
    ptrchg *c;
    if (r->type != NT_DNS_TYPE_PTR)
        return;
    if (m->npchg >= MAX_PTR_CHANGES) {
        m->dirty_all = true;
        return;
    }
    c = &m->pchg[m->npchg];
    if (nt_dns_name_from_wire(&c->target, r->rdata, r->rdlength) != NT_OK)
        return;
    c->ifslot = ifslot;
    c->added = added;
    c->owner = r->owner;
    m->npchg++;
}

/* ---- queues ---------------------------------------------------------------- */

void mdns_out_push(nt_mdns *m, size_t ifslot, const nt_mdns_endpoint *dst, const uint8_t *data,
                   size_t len)
{
    outq *o;
    size_t sz;
    if (m->nout >= m->cfg.max_pending_out || len > NT_MDNS_PACKET_MAX ||
        !nt_size_add(&sz, sizeof(*o), len)) {
        m->stats.output_dropped++;
        return;
    }
    o = nt_malloc(sz);
    if (o == NULL) {
        m->stats.output_dropped++;
        return;
    }
    o->next = NULL;
    o->ifindex = m->ifs[ifslot].ifindex;
    o->dst = *dst;
    o->len = len;
    memcpy(o->data, data, len);
    if (m->out_tail != NULL)
        m->out_tail->next = o;
    else
        m->out_head = o;
    m->out_tail = o;
    m->nout++;
    m->stats.packets_out++;
}

void mdns_out_multicast(nt_mdns *m, size_t ifslot, const uint8_t *data, size_t len)
{
    nt_mdns_endpoint dst;
    memset(&dst, 0, sizeof(dst));
    dst.port = NT_MDNS_PORT;
    if (m->ifs[ifslot].v4) {
        nt_mdns_addr_group(NT_MDNS_INET4, &dst.addr);
        mdns_out_push(m, ifslot, &dst, data, len);
    }
    if (m->ifs[ifslot].v6) {
        nt_mdns_addr_group(NT_MDNS_INET6, &dst.addr);
        dst.addr.scope = m->ifs[ifslot].ifindex;
        mdns_out_push(m, ifslot, &dst, data, len);
    }
}

nt_status nt_mdns_output_pop(nt_mdns *m, nt_mdns_packet_out *out)
{
    outq *o;
    if (m == NULL || out == NULL)
        return NT_ERR_INVALID_ARG;
    o = m->out_head;
    if (o == NULL)
        return NT_ERR_NOT_FOUND;
    m->out_head = o->next;
    if (m->out_head == NULL)
        m->out_tail = NULL;
    m->nout--;
    out->ifindex = o->ifindex;
    out->dst = o->dst;
    out->len = o->len;
    memcpy(out->data, o->data, o->len);
    nt_free(o);
    return NT_OK;
}

/* A node for the event queue, reused when one is spare. Not zeroed. */
static evq *event_node(nt_mdns *m)
{
    evq *e;
    if (m->nev >= m->cfg.max_pending_events) {
        m->stats.events_dropped++;
        return NULL;
    }
    if (m->ev_spare != NULL) {
        e = m->ev_spare;
        m->ev_spare = e->next;
        m->nspare--;
    } else if ((e = nt_malloc(sizeof(*e))) == NULL) {
        m->stats.events_dropped++;
        return NULL;
    }
    e->next = NULL;
    if (m->ev_tail != NULL)
        m->ev_tail->next = e;
    else
        m->ev_head = e;
    m->ev_tail = e;
    m->nev++;
    return e;
}

nt_mdns_event *mdns_event_new(nt_mdns *m, nt_mdns_event_kind kind)
{
    evq *e = event_node(m);
    if (e == NULL)
        return NULL;
    memset(&e->ev, 0, sizeof(e->ev));
    e->ev.kind = kind;
    return &e->ev;
}

bool mdns_event_push(nt_mdns *m, const nt_mdns_event *view)
{
    evq *e = event_node(m);
    if (e == NULL)
        return false;
    e->ev = *view;
    return true;
}

nt_status nt_mdns_event_pop(nt_mdns *m, nt_mdns_event *out)
{
    evq *e;
    if (m == NULL || out == NULL)
        return NT_ERR_INVALID_ARG;
    e = m->ev_head;
    if (e == NULL && m->ev_missed) {
        /* A query event was refused while the queue was full, and the query
         * kept its old view of that instance: now that the caller has taken
         * everything, every query is compared with the cache again, so the
         * change is reported late rather than never. */
        m->ev_missed = false;
        m->dirty_all = true;
        mdns_query_update(m);
        e = m->ev_head;
    }
    if (e == NULL)
        return NT_ERR_NOT_FOUND;
    m->ev_head = e->next;
    if (m->ev_head == NULL)
        m->ev_tail = NULL;
    m->nev--;
    *out = e->ev;
    if (m->nspare < EV_SPARE_MAX) {
        e->next = m->ev_spare;
        m->ev_spare = e;
        m->nspare++;
    } else {
        nt_free(e);
    }
    return NT_OK;
}

/* ---- lifetime --------------------------------------------------------------- */

void nt_mdns_config_init(nt_mdns_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->cache_cap = 4096;
    cfg->max_packet = 1440;
    cfg->max_records_in = 256;
    cfg->max_interfaces = 32;
    cfg->max_services = 256;
    cfg->max_queries = 256;
    cfg->max_known_answer_sets = 64;
    cfg->max_known_answers = 512;
    cfg->max_pending_out = 256;
    cfg->max_pending_events = 1024;
    cfg->packets_per_sec = 2000;
}

/* Sets m->host from host_label + ".local". */
nt_status mdns_host_build(nt_mdns *m)
{
    nt_dns_name local;
    nt_status st = nt_dns_name_from_str(&local, "local");
    if (st != NT_OK)
        return st;
    if (nt_dns_name_prepend(&m->host, (const uint8_t *)m->host_label, strlen(m->host_label),
                            &local) != NT_OK)
        return NT_ERR_MDNS_NAME;
    return NT_OK;
}

nt_status nt_mdns_create(nt_mdns **out, const nt_mdns_config *cfg)
{
    nt_mdns *m = NULL;
    nt_status st = NT_OK;
    const char *h, *dot;
    size_t hl, i;

    if (out == NULL || cfg == NULL || cfg->host_name == NULL)
        return NT_ERR_INVALID_ARG;
    if (cfg->cache_cap == 0 || cfg->max_packet < 512 || cfg->max_packet > NT_MDNS_PACKET_MAX ||
        cfg->max_records_in == 0 || cfg->max_interfaces == 0 || cfg->max_services == 0 ||
        cfg->max_queries == 0 || cfg->max_known_answer_sets == 0 ||
        cfg->max_pending_out == 0 || cfg->max_pending_events == 0 ||
        cfg->max_interfaces > 255)
        return NT_ERR_INVALID_ARG;
    /* "box" or "box.local": the label is what we own (DESIGN §9). */
    h = cfg->host_name;
    dot = strchr(h, '.');
    hl = dot != NULL ? (size_t)(dot - h) : strlen(h);
    if (hl == 0 || hl >= NT_MDNS_LABEL_MAX)
        return NT_ERR_MDNS_NAME;
    if (dot != NULL && strcmp(dot, ".local") != 0 && strcmp(dot, ".local.") != 0)
        return NT_ERR_MDNS_NAME;

    m = nt_calloc(1, sizeof(*m));
    if (m == NULL)
        return NT_ERR_NOMEM;
    m->cfg = *cfg;
    m->cfg.host_name = NULL;
    memcpy(m->host_base, h, hl);
    memcpy(m->host_label, h, hl);
    st = mdns_host_build(m);
    if (st != NT_OK)
        goto cleanup;
    m->rng_state = cfg->seed;
    hash_key(m);
    m->next_id = 1;
    m->next_tag = 1;
    m->ifs = nt_calloc(cfg->max_interfaces, sizeof(*m->ifs));
    m->nents = cfg->max_services + 1;
    m->ents = nt_calloc(m->nents, sizeof(*m->ents));
    m->qs = nt_calloc(cfg->max_queries, sizeof(*m->qs));
    m->nqsts = cfg->max_queries * 4;
    m->qsts = nt_calloc(m->nqsts, sizeof(*m->qsts));
    m->nqbucket = 16;
    while (m->nqbucket < m->nqsts)
        m->nqbucket *= 2;
    m->qst_bucket = nt_malloc(m->nqbucket * sizeof(*m->qst_bucket));
    if (m->qst_bucket != NULL) {
        for (i = 0; i < m->nqbucket; i++)
            m->qst_bucket[i] = -1;
    }
    m->qst_free = -1;
    for (i = m->qsts != NULL ? m->nqsts : 0; i-- > 0;) {
        m->qsts[i].nx = m->qst_free;
        m->qst_free = (int32_t)i;
    }
    m->dirty_cap = 2u * (cfg->max_records_in < NT_DNS_MSG_MAX_RECORDS ? cfg->max_records_in
                                                                      : NT_DNS_MSG_MAX_RECORDS) +
                   MAX_DIRTY;
    m->ndirty_idx = 16;
    while (m->ndirty_idx < 2u * m->dirty_cap)
        m->ndirty_idx *= 2;
    m->dirty = nt_calloc(m->dirty_cap, sizeof(*m->dirty));
    m->dirty_hash = nt_calloc(m->dirty_cap, sizeof(*m->dirty_hash));
    m->dirty_idx = nt_malloc(m->ndirty_idx * sizeof(*m->dirty_idx));
    if (m->dirty_idx != NULL) {
        for (i = 0; i < m->ndirty_idx; i++)
            m->dirty_idx[i] = -1;
    }
    m->pa = nt_calloc(MAX_PENDING_ANSWERS, sizeof(*m->pa));
    m->ka = nt_calloc(cfg->max_known_answer_sets, sizeof(*m->ka));
    m->pchg = nt_calloc(MAX_PTR_CHANGES, sizeof(*m->pchg));
    m->kas = nt_calloc(cfg->max_known_answers + 1, sizeof(*m->kas));
    if (m->ifs == NULL || m->ents == NULL || m->qs == NULL || m->qsts == NULL ||
        m->qst_bucket == NULL || m->pa == NULL || m->dirty == NULL || m->dirty_hash == NULL ||
        m->dirty_idx == NULL ||
        m->ka == NULL || m->pchg == NULL || m->kas == NULL) {
        st = NT_ERR_NOMEM;
        goto cleanup;
    }
    if ((st = mdns_predict_init(m)) != NT_OK)
        goto cleanup;
    /* Slot 0 is our host name: its A/AAAA records come from the interfaces;
     * in use from the start only if asked (config.host_records). */
    m->ents[0].used = cfg->host_records == NT_MDNS_HOST_ALWAYS;
    m->ents_hi = 1;
    m->ents[0].is_host = true;
    m->ents[0].st = nt_calloc(cfg->max_interfaces, sizeof(estate));
    if (m->ents[0].st == NULL) {
        st = NT_ERR_NOMEM;
        goto cleanup;
    }
    for (i = 0; i < cfg->max_queries; i++)
        m->qs[i].inst = NULL;
    *out = m;
    return NT_OK;

cleanup:
    nt_mdns_destroy(m);
    return st;
}

void nt_mdns_destroy(nt_mdns *m)
{
    size_t i;
    if (m == NULL)
        return;
    if (m->ifs != NULL) {
        for (i = 0; i < m->cfg.max_interfaces; i++)
            mdns_cache_clear(m, i);
        nt_free(m->ifs);
    }
    if (m->ents != NULL) {
        for (i = 0; i < m->nents; i++) {
            nt_free(m->ents[i].st);
            nt_free(m->ents[i].txt);
            nt_free(m->ents[i].extra_rdata);
        }
        nt_free(m->ents);
    }
    if (m->qs != NULL) {
        for (i = 0; i < m->cfg.max_queries; i++)
            mdns_query_release(&m->qs[i]);
        nt_free(m->qs);
    }
    nt_free(m->qsts);
    nt_free(m->qst_bucket);
    nt_free(m->pa);
    nt_free(m->dirty);
    nt_free(m->dirty_hash);
    nt_free(m->dirty_idx);
    nt_free(m->ka);
    nt_free(m->pchg);
    nt_free(m->kas);
    mdns_predict_free(m);
    while (m->out_head != NULL) {
        outq *o = m->out_head;
        m->out_head = o->next;
        nt_free(o);
    }
    while (m->ev_spare != NULL) {
        evq *e = m->ev_spare;
        m->ev_spare = e->next;
        nt_free(e);
    }
    while (m->ev_head != NULL) {
        evq *e = m->ev_head;
        m->ev_head = e->next;
        nt_free(e);
    }
    nt_free(m);
}

void nt_mdns_shutdown(nt_mdns *m, uint64_t now_ms)
{
    size_t e, s;
    if (m == NULL || m->shut)
        return;
    m->now_ms = now_ms;
    /* §10.1: goodbyes for everything we announced, services first so that
     * their PTRs go before the host's addresses. */
    for (e = m->nents; e-- > 0;) {
        if (!m->ents[e].used)
            continue;
        for (s = 0; s < m->cfg.max_interfaces; s++)
            if (m->ifs[s].used)
                mdns_resp_goodbye(m, e, s);
    }
    memset(m->pa, 0, MAX_PENDING_ANSWERS * sizeof(*m->pa));
    m->shut = true;
}

/* ---- interfaces --------------------------------------------------------------- */

nt_status nt_mdns_iface_add(nt_mdns *m, const nt_mdns_iface_config *ifc, uint64_t now_ms)
{
    iface *f;
    size_t slot = 0, i;
    bool changed = true, existing, families;

    if (m == NULL || ifc == NULL || ifc->ifindex == 0 || ifc->addr_count > NT_MDNS_IFACE_ADDRS_MAX ||
        (ifc->addr_count != 0 && ifc->addrs == NULL) || (!ifc->ipv4 && !ifc->ipv6))
        return NT_ERR_INVALID_ARG;
    m->now_ms = now_ms;
    for (i = 0; i < ifc->addr_count; i++) {
        const nt_mdns_ifaddr *a = &ifc->addrs[i];
        if ((a->addr.family != NT_MDNS_INET4 && a->addr.family != NT_MDNS_INET6) ||
            a->prefix_len > (a->addr.family == NT_MDNS_INET4 ? 32 : 128))
            return NT_ERR_INVALID_ARG;
    }
    f = mdns_iface_by_index(m, ifc->ifindex, &slot);
    existing = f != NULL;
    if (f == NULL) {
        for (slot = 0; slot < m->cfg.max_interfaces; slot++)
            if (!m->ifs[slot].used)
                break;
        if (slot == m->cfg.max_interfaces)
            return NT_ERR_CAP;
        f = &m->ifs[slot];
        memset(f, 0, sizeof(*f));
        f->used = true;
        f->ifindex = ifc->ifindex;
    } else {
        changed = f->naddr != ifc->addr_count || f->v4 != ifc->ipv4 || f->v6 != ifc->ipv6 ||
                  (ifc->addr_count != 0 &&
                   memcmp(f->addrs, ifc->addrs, ifc->addr_count * sizeof(*ifc->addrs)) != 0);
    }
    memset(f->name, 0, sizeof(f->name));
    if (ifc->name != NULL) {
        size_t n = strlen(ifc->name);
        memcpy(f->name, ifc->name, n < sizeof(f->name) - 1 ? n : sizeof(f->name) - 1);
    }
    families = existing && f->v4 == ifc->ipv4 && f->v6 == ifc->ipv6;
    if (changed)
        mdns_resp_addrs_changed(m, slot, ifc->addrs, ifc->addr_count);
    memset(f->addrs, 0, sizeof(f->addrs));
    if (ifc->addr_count != 0)
        memcpy(f->addrs, ifc->addrs, ifc->addr_count * sizeof(*ifc->addrs));
    f->naddr = ifc->addr_count;
    f->v4 = ifc->ipv4;
    f->v6 = ifc->ipv6;
    /* §8.4: a record whose rdata changed is announced again. Addresses that
     * come or go on a link we are already on change only the host's
     * address records, under a name we hold: announce them at once. A new
     * interface, or an address family new on it, is a new link for us:
     * probe and announce everything (§8.1). */
    if (changed && !m->shut) {
        if (families && mdns_resp_host_reannounce(m, slot, now_ms))
            return NT_OK;
        mdns_resp_iface_up(m, slot, now_ms);
    }
    return NT_OK;
}

nt_status nt_mdns_iface_del(nt_mdns *m, uint32_t ifindex, uint64_t now_ms)
{
    size_t slot, e, i;
    if (m == NULL)
        return NT_ERR_INVALID_ARG;
    m->now_ms = now_ms;
    if (mdns_iface_by_index(m, ifindex, &slot) == NULL)
        return NT_ERR_MDNS_NO_IFACE;
    for (e = m->nents; e-- > 0;) {
        if (!m->ents[e].used)
            continue;
        mdns_resp_goodbye(m, e, slot);
        memset(&m->ents[e].st[slot], 0, sizeof(estate));
    }
    for (i = 0; i < MAX_PENDING_ANSWERS; i++)
        if (m->pa[i].used && m->pa[i].ifslot == slot)
            m->pa[i].used = false;
    for (i = 0; i < m->cfg.max_known_answer_sets; i++)
        if (m->ka[i].used && m->ka[i].ifslot == slot)
            m->ka[i].used = false;
    for (i = 0; i < MAX_ONESHOT; i++)
        if (m->os[i].used && m->os[i].ifslot == slot)
            m->os[i].used = false;
    mdns_cache_clear(m, slot);
    m->dirty_all = true;
    m->ifs[slot].used = false;
    mdns_query_update(m);
    return NT_OK;
}

/* ---- intake ------------------------------------------------------------------ */

static bool prefix_match(const uint8_t *a, const uint8_t *b, unsigned bits)
{
    unsigned full = bits / 8, rem = bits % 8;
    if (full != 0 && memcmp(a, b, full) != 0)
        return false;
    if (rem != 0) {
        uint8_t mask = (uint8_t)(0xff << (8 - rem));
        if ((a[full] & mask) != (b[full] & mask))
            return false;
    }
    return true;
}

/* RFC 6762 §11: the source must be on the link the packet arrived on. */
static bool on_link(const iface *f, const nt_mdns_addr *src)
{
    size_t i;
    if (src->family == NT_MDNS_INET6 && src->bytes[0] == 0xfe && (src->bytes[1] & 0xc0) == 0x80)
        return true; /* fe80::/10 is on-link by definition */
    for (i = 0; i < f->naddr; i++) {
        const nt_mdns_ifaddr *a = &f->addrs[i];
        if (a->addr.family == src->family && prefix_match(a->addr.bytes, src->bytes, a->prefix_len))
            return true;
    }
    return false;
}

static bool is_own_addr(const nt_mdns *m, const nt_mdns_addr *src)
{
    size_t s, i;
    size_t n = src->family == NT_MDNS_INET4 ? 4 : 16;
    for (s = 0; s < m->cfg.max_interfaces; s++) {
        const iface *f = &m->ifs[s];
        if (!f->used)
            continue;
        for (i = 0; i < f->naddr; i++)
            if (f->addrs[i].addr.family == src->family &&
                memcmp(f->addrs[i].addr.bytes, src->bytes, n) == 0)
                return true;
    }
    return false;
}

/* DESIGN §11: a budget of packets per second per interface, and within it
 * at most an eighth per source, so that one flooding host cannot starve the
 * others' queries. Sources are tracked in a small table; a new source takes
 * the slot idle longest. */
/* The table slot of a source: its own, or the one idle longest (reset). */
srcrate *mdns_src_find(iface *f, const nt_mdns_addr *addr)
{
    size_t i;
    for (i = 0; i < SRC_RATE_SLOTS; i++) {
        srcrate *r = &f->src[i];
        if (r->addr.family == addr->family && memcmp(r->addr.bytes, addr->bytes, 16) == 0)
            return r;
    }
    return NULL;
}

static srcrate *src_slot(iface *f, const nt_mdns_addr *addr, uint64_t now)
{
    size_t i, slot = 0;
    srcrate *r = mdns_src_find(f, addr);
    if (r != NULL)
        return r;
    for (i = 1; i < SRC_RATE_SLOTS; i++)
        if (f->src[i].window_ms < f->src[slot].window_ms)
            slot = i;
    r = &f->src[slot];
    memset(r, 0, sizeof(*r));
    r->addr = *addr;
    r->window_ms = now;
    return r;
}

static bool rate_ok(nt_mdns *m, iface *f, const nt_mdns_addr *src, uint64_t now)
{
    uint32_t per_src;
    srcrate *r = src_slot(f, src, now);
    if (m->cfg.packets_per_sec == 0)
        return true;
    per_src = m->cfg.packets_per_sec / 8u;
    if (per_src == 0)
        per_src = 1;
    if (now >= r->window_ms + 1000 || now < r->window_ms) {
        r->window_ms = now;
        r->count = 0;
    }
    if (r->count >= per_src)
        return false;
    if (now >= f->rate_window_ms + 1000 || now < f->rate_window_ms) {
        f->rate_window_ms = now;
        f->rate_count = 0;
    }
    if (f->rate_count >= m->cfg.packets_per_sec)
        return false;
    r->count++;
    f->rate_count++;
    return true;
}

static void reject_event(nt_mdns *m, size_t ifslot, const nt_dns_record *r, const char *reason)
{
    nt_mdns_event *ev = mdns_event_new(m, NT_MDNS_EV_REJECTED);
    if (ev == NULL)
        return;
    ev->ifindex = m->ifs[ifslot].ifindex;
    mdns_name_label_text(&r->owner, ev->instance, sizeof(ev->instance));
    mdns_name_text(&r->owner, 1, 2, ev->type, sizeof(ev->type));
    mdns_name_text(&r->owner, 3, 0, ev->domain, sizeof(ev->domain));
    memcpy(ev->reason, reason, strnlen(reason, NT_MDNS_REASON_MAX - 1));
}

/* Judges recs[0..n) one RRset at a time with the verify hook (none: all
 * accepted). Every record of a set gets the set's judgement in jd[] (a set
 * is judged whole and shares its verdict); lead[j] marks the first record
 * of each set. NT_ERR_NOMEM. */
nt_status mdns_judge(nt_mdns *m, size_t ifslot, const nt_mdns_endpoint *src,
                     const nt_dns_record *recs, size_t n, uint64_t now, nt_mdns_judgement *jd,
                     bool *lead)
{
    nt_mdns_rr *hrr = NULL, *set = NULL;
    bool *done = NULL;
    size_t i, j;
    nt_status st = NT_ERR_NOMEM;

    if (n == 0)
        return NT_OK;
    if (m->cfg.verify == NULL) {
        for (i = 0; i < n; i++) {
            memset(&jd[i], 0, sizeof(jd[i]));
            jd[i].verdict = NT_MDNS_ACCEPT;
            jd[i].ttl_max = UINT32_MAX;
            lead[i] = false;
        }
        return NT_OK;
    }
    done = nt_calloc(n, sizeof(*done));
    if (m->cfg.verify != NULL) {
        hrr = nt_calloc(n, sizeof(*hrr));
        set = nt_calloc(n, sizeof(*set));
        if (hrr == NULL || set == NULL)
            goto cleanup;
        for (i = 0; i < n; i++)
            mdns_rr_view(&hrr[i], &recs[i]);
    }
    if (done == NULL)
        goto cleanup;
    for (i = 0; i < n; i++) {
        nt_mdns_judgement one;
        size_t k = 0;
        lead[i] = !done[i];
        if (done[i])
            continue;
        memset(&one, 0, sizeof(one));
        one.verdict = NT_MDNS_ACCEPT;
        one.ttl_max = UINT32_MAX;
        for (j = i; j < n; j++)
            if (!done[j] && recs[j].type == recs[i].type && recs[j].rclass == recs[i].rclass &&
                nt_dns_name_equal(&recs[j].owner, &recs[i].owner)) {
                done[j] = true;
                if (set != NULL)
                    set[k++] = hrr[j];
            }
        if (m->cfg.verify != NULL) {
            nt_mdns_rrset s1 = {set, k}, all = {hrr, n};
            if (m->cfg.verify(m->cfg.verify_ctx, m->ifs[ifslot].ifindex, src, &s1, &all, now,
                              &one) != NT_OK)
                one.verdict = NT_MDNS_REJECT;
            one.reason[NT_MDNS_REASON_MAX - 1] = '\0';
        }
        for (j = i; j < n; j++)
            if (recs[j].type == recs[i].type && recs[j].rclass == recs[i].rclass &&
                nt_dns_name_equal(&recs[j].owner, &recs[i].owner))
                jd[j] = one;
    }
    st = NT_OK;
cleanup:
    nt_free(done);
    nt_free(hrr);
    nt_free(set);
    return st;
}

/* Answer and additional records of a response go into the cache, one RRset
 * at a time through the verification hook (DESIGN §1: a rejected set never
 * replaces what is cached). */
static void take_records(nt_mdns *m, size_t ifslot, const nt_mdns_packet_in *pkt, uint64_t now)
{
    nt_dns_record *recs;
    nt_mdns_judgement *jd = NULL;
    bool *lead = NULL;
    uint16_t *idx = NULL; /* recs[j] came from msg->rr[idx[j]] */
    size_t n = 0, used = 0, i, first, cnt;
    const nt_dns_msg *msg = &m->msg;
    srcrate *src;

    first = msg->first[NT_DNS_SEC_ANSWER];
    cnt = (size_t)msg->count[NT_DNS_SEC_ANSWER] + msg->count[NT_DNS_SEC_AUTHORITY] +
          msg->count[NT_DNS_SEC_ADDITIONAL];
    if (cnt == 0)
        return;
    /* Filled for every record taken before they are read: not zeroed. */
    recs = nt_malloc(cnt * sizeof(*recs));
    jd = nt_malloc(cnt * sizeof(*jd));
    lead = nt_malloc(cnt * sizeof(*lead));
    idx = nt_malloc(cnt * sizeof(*idx));
    if (recs == NULL || jd == NULL || lead == NULL || idx == NULL)
        goto cleanup;
    /* A response with more records than we take is refused whole (STYLE
     * 22): cut at the cap, an RRset would be judged by its head alone. A
     * record nobody judged is no claim either: padding a packet past the
     * cap must not smuggle a conflict past the verify hook. */
    for (i = first; i < msg->nrr; i++)
        if (msg->rr[i].section != NT_DNS_SEC_AUTHORITY && msg->rr[i].status == NT_OK &&
            msg->rr[i].type != NT_DNS_TYPE_OPT)
            n++;
    if (n > m->cfg.max_records_in) {
        m->stats.records_dropped += n;
        for (i = first; i < msg->nrr; i++)
            m->rx_rejected[i] = m->cfg.verify != NULL;
        goto cleanup;
    }
    n = 0;
    for (i = first; i < msg->nrr; i++) {
        const nt_dns_rr *rr = &msg->rr[i];
        nt_status st;
        if (rr->section == NT_DNS_SEC_AUTHORITY || rr->status != NT_OK ||
            rr->type == NT_DNS_TYPE_OPT)
            continue;
        st = nt_dns_rr_to_record(msg, rr, &recs[n], m->rdbuf + used, sizeof(m->rdbuf) - used);
        if (st == NT_ERR_NOSPACE) {
            /* Their RDATA expands past the scratch (names that point at
             * one long name): refused whole too, not less what is left. */
            size_t all = 0, j;
            for (j = first; j < msg->nrr; j++) {
                all += msg->rr[j].section != NT_DNS_SEC_AUTHORITY && msg->rr[j].status == NT_OK &&
                       msg->rr[j].type != NT_DNS_TYPE_OPT;
                m->rx_rejected[j] = m->cfg.verify != NULL;
            }
            m->stats.records_dropped += all;
            goto cleanup;
        }
        if (st != NT_OK) {
            m->stats.records_dropped++;
            m->rx_rejected[i] = m->cfg.verify != NULL;
            continue;
        }
        used += recs[n].rdlength;
        idx[n] = (uint16_t)i;
        n++;
    }
    if (mdns_judge(m, ifslot, &pkt->src, recs, n, now, jd, lead) != NT_OK)
        goto cleanup;
    src = mdns_src_find(&m->ifs[ifslot], &pkt->src.addr);
    for (i = 0; i < n; i++) {
        if (jd[i].verdict != NT_MDNS_ACCEPT) {
            /* Rejected whole: a goodbye riding behind a junk record in one
             * rejected set must not reach the cache either. */
            m->rx_rejected[idx[i]] = 1;
            if (lead[i]) {
                m->stats.rejected++;
                reject_event(m, ifslot, &recs[i],
                             jd[i].reason[0] != '\0' ? jd[i].reason : "rejected");
            }
            continue;
        }
        /* RFC 4035 §5.3.3: cached no longer than its signature allows. */
        if (recs[i].ttl > jd[i].ttl_max)
            recs[i].ttl = jd[i].ttl_max;
        mdns_cache_add(m, ifslot, &recs[i], jd[i].trust, src, now);
    }

cleanup:
    nt_free(recs);
    nt_free(jd);
    nt_free(lead);
    nt_free(idx);
}

nt_status nt_mdns_input(nt_mdns *m, const nt_mdns_packet_in *pkt, uint64_t now_ms)
{
    iface *f;
    size_t slot;

    if (m == NULL || pkt == NULL || (pkt->data == NULL && pkt->len != 0))
        return NT_ERR_INVALID_ARG;
    m->stats.packets_in++;
    m->now_ms = now_ms;
    f = mdns_iface_by_index(m, pkt->ifindex, &slot);
    if (f == NULL)
        return NT_ERR_MDNS_NO_IFACE;
    if (m->shut)
        return NT_OK;
    if (pkt->src.addr.family != NT_MDNS_INET4 && pkt->src.addr.family != NT_MDNS_INET6) {
        m->stats.malformed++;
        return NT_OK;
    }
    /* Our own packets come back through multicast loopback and through a
     * second interface on the same LAN: never an answer, never a conflict. */
    if (!m->cfg.same_host_peers && is_own_addr(m, &pkt->src.addr)) {
        m->stats.own_dropped++;
        return NT_OK;
    }
    if (!on_link(f, &pkt->src.addr)) {
        m->stats.offlink_dropped++;
        return NT_OK;
    }
    if (!rate_ok(m, f, &pkt->src.addr, now_ms)) {
        m->stats.rate_dropped++;
        return NT_OK;
    }
    if (nt_dns_msg_parse(&m->msg, pkt->data, pkt->len) != NT_OK) {
        m->stats.malformed++;
        return NT_OK;
    }
    /* §18.3, §18.11: only standard queries with rcode 0 mean anything. */
    if (NT_DNS_OPCODE(m->msg.flags) != 0 || NT_DNS_RCODE(m->msg.flags) != 0)
        return NT_OK;
    if ((m->msg.flags & NT_DNS_FLAG_QR) == 0) {
        mdns_resp_query(m, slot, pkt, now_ms);
        if (pkt->src.port == NT_MDNS_PORT)
            mdns_query_seen(m, slot, pkt, now_ms);
    } else {
        /* §6: responses not from port 5353 are silently ignored. */
        if (pkt->src.port != NT_MDNS_PORT)
            return NT_OK;
        /* Judge first (the verify hook), then let the responder see it:
         * a rejected record is no claim on a name we hold (§9). */
        memset(m->rx_rejected, 0, sizeof(m->rx_rejected));
        take_records(m, slot, pkt, now_ms);
        mdns_resp_response(m, slot, now_ms);
    }
    mdns_query_update(m);
    return NT_OK;
}

/* ---- timers ---------------------------------------------------------------- */

uint64_t nt_mdns_next_wakeup(const nt_mdns *m)
{
    uint64_t t, n;
    if (m == NULL)
        return UINT64_MAX;
    t = mdns_cache_next(m);
    n = mdns_resp_next(m);
    if (n < t)
        t = n;
    if (!m->shut) {
        n = mdns_query_next(m);
        if (n < t)
            t = n;
        n = mdns_predict_next(m);
        if (n < t)
            t = n;
    }
    return t;
}

void nt_mdns_run(nt_mdns *m, uint64_t now_ms)
{
    if (m == NULL)
        return;
    m->now_ms = now_ms;
    mdns_cache_expire(m, now_ms);
    if (!m->shut) {
        mdns_resp_run(m, now_ms);
        mdns_query_run(m, now_ms);
    }
    mdns_query_update(m);
}

/* ---- introspection -------------------------------------------------------- */

void nt_mdns_stats_get(const nt_mdns *m, nt_mdns_stats *out)
{
    size_t s;
    *out = m->stats;
    out->cache_records = 0;
    for (s = 0; s < m->cfg.max_interfaces; s++)
        if (m->ifs[s].used)
            out->cache_records += m->ifs[s].ncache;
}

void nt_mdns_cache_walk(const nt_mdns *m, uint32_t ifindex, nt_mdns_cache_fn fn, void *ctx)
{
    size_t s, i;
    nt_mdns_cache_entry e;
    if (m == NULL || fn == NULL)
        return;
    for (s = 0; s < m->cfg.max_interfaces; s++) {
        const iface *f = &m->ifs[s];
        if (!f->used || (ifindex != 0 && f->ifindex != ifindex))
            continue;
        for (i = 0; i < f->ncache; i++) {
            const centry *c = &f->cache[i];
            e.ifindex = f->ifindex;
            mdns_rr_view(&e.rr, &c->r);
            e.expires_ms = c->expires_ms;
            e.trust = c->trust;
            fn(ctx, &e);
        }
    }
}

nt_status nt_mdns_host_get_name(const nt_mdns *m, char *out, size_t cap)
{
    int n;
    if (m == NULL || out == NULL)
        return NT_ERR_INVALID_ARG;
    n = snprintf(out, cap, "%s.local", m->host_label);
    if (n < 0 || (size_t)n >= cap)
        return NT_ERR_NOSPACE;
    return NT_OK;
}
