/* The querier (RFC 6762 §5, §7; RFC 6763 §4, §9, §12): continuous
 * questions with backoff, known-answer lists, duplicate question
 * suppression, and turning cache changes into browse/resolve events. */
#include <stdio.h>
#include <string.h>

#include "mdns_int.h"
#include "nautilus/mem.h"

/* ---- questions --------------------------------------------------------------- */

/* The questions asked about one name: a bucket of the name index. */
static int32_t *qst_head(const nt_mdns *m, uint32_t h)
{
    return &m->qst_bucket[h & (m->nqbucket - 1)];
}

/* followed: a question about an instance a browse found (its SRV, TXT,
 * addresses). Those come and go with what the LAN announces, so they may
 * not take the last half of the table: a flood of junk instances must not
 * leave a query added later without room for its own questions. A browse
 * refreshes its instances' records without them (mdns_query_wants). */
static void qst_add(nt_mdns *m, nt_mdns_query_id owner, const nt_dns_name *name, uint16_t type,
                    uint32_t ifindex, uint64_t now, bool followed)
{
    uint32_t h = mdns_name_hash(m, name);
    int32_t i, *head = qst_head(m, h);
    qst *q;
    for (i = *head; i >= 0; i = m->qsts[i].nx) {
        q = &m->qsts[i];
        if (q->owner == owner && q->type == type && q->ifindex == ifindex && q->hname == h &&
            nt_dns_name_equal(&q->name, name))
            return;
    }
    if (m->qst_free < 0 || (followed && m->nqst_used >= m->nqsts / 2u))
        return; /* capped: the query still works from what others ask */
    m->nqst_used++;
    i = m->qst_free;
    q = &m->qsts[i];
    m->qst_free = q->nx;
    q->used = true;
    q->owner = owner;
    q->name = *name;
    q->hname = h;
    q->type = type;
    q->ifindex = ifindex;
    /* §5.2: the first query of a continuous series goes after 20-120 ms. */
    q->next_ms = now + mdns_rand_range(m, 20, 120);
    q->interval_ms = 1000;
    q->sent = 0;
    q->nx = *head;
    *head = i;
    if ((size_t)i + 1 > m->qsts_hi)
        m->qsts_hi = (size_t)i + 1;
    mdns_predict_lookup(m, name, type, now); /* a lookup of name, for prediction */
}

/* Stops owner's questions about name (all of them: NULL). */
static void qst_del(nt_mdns *m, nt_mdns_query_id owner, const nt_dns_name *name)
{
    size_t b, first = 0, last = m->nqbucket;
    if (name != NULL) {
        first = mdns_name_hash(m, name) & (m->nqbucket - 1);
        last = first + 1;
    }
    for (b = first; b < last; b++) {
        int32_t *p = &m->qst_bucket[b];
        while (*p >= 0) {
            qst *q = &m->qsts[*p];
            int32_t i = *p;
            if (q->owner != owner || (name != NULL && !nt_dns_name_equal(&q->name, name))) {
                p = &q->nx;
                continue;
            }
            *p = q->nx;
            q->used = false;
            q->nx = m->qst_free;
            m->qst_free = i;
            m->nqst_used--;
        }
    }
}

static bool qst_on(const qst *q, const iface *f)
{
    return q->used && f->used && (q->ifindex == 0 || q->ifindex == f->ifindex);
}

/* Does a resolving browse follow an instance named n (SRV, TXT), or one
 * whose SRV points at n (its addresses), on interface f? */
static bool followed(const nt_mdns *m, const iface *f, const nt_dns_name *n, uint32_t h,
                     uint16_t type)
{
    size_t k;
    bool inst = type == NT_DNS_TYPE_SRV || type == NT_DNS_TYPE_TXT || type == NT_DNS_TYPE_ANY;
    bool addr = type == NT_DNS_TYPE_A || type == NT_DNS_TYPE_AAAA || type == NT_DNS_TYPE_ANY;
    for (k = 0; k < m->cfg.max_queries; k++) {
        const query *q = &m->qs[k];
        int32_t i;
        if (!q->used || q->kind != NT_MDNS_Q_BROWSE || !q->resolve || q->nbuck == 0 ||
            (q->ifindex != 0 && q->ifindex != f->ifindex))
            continue;
        for (i = inst ? q->by_name[h & (q->nbuck - 1)] : -1; i >= 0; i = q->inst[i].nx_name)
            if (q->inst[i].used && q->inst[i].hname == h && q->inst[i].ifindex == f->ifindex &&
                nt_dns_name_equal(&q->inst[i].name, n))
                return true;
        for (i = addr ? q->by_target[h & (q->nbuck - 1)] : -1; i >= 0; i = q->inst[i].nx_target)
            if (q->inst[i].used && q->inst[i].htarget == h && q->inst[i].ifindex == f->ifindex &&
                nt_dns_name_equal(&q->inst[i].target, n))
                return true;
    }
    return false;
}

bool mdns_query_wants(const nt_mdns *m, size_t ifslot, const nt_dns_name *name, uint16_t type)
{
    uint32_t h = mdns_name_hash(m, name);
    int32_t i;
    for (i = *qst_head(m, h); i >= 0; i = m->qsts[i].nx) {
        const qst *q = &m->qsts[i];
        if (qst_on(q, &m->ifs[ifslot]) && (q->type == type || q->type == NT_DNS_TYPE_ANY) &&
            q->hname == h && nt_dns_name_equal(&q->name, name))
            return true;
    }
    return followed(m, &m->ifs[ifslot], name, h, type);
}

void mdns_oneshot_add(nt_mdns *m, size_t ifslot, const nt_dns_name *name, uint16_t type)
{
    size_t i, freeslot = SIZE_MAX;
    for (i = 0; i < MAX_ONESHOT; i++) {
        if (!m->os[i].used) {
            if (freeslot == SIZE_MAX)
                freeslot = i;
            continue;
        }
        if (m->os[i].ifslot == ifslot && m->os[i].type == type &&
            nt_dns_name_equal(&m->os[i].name, name))
            return;
    }
    if (freeslot == SIZE_MAX)
        return;
    m->os[freeslot].used = true;
    m->os[freeslot].ifslot = ifslot;
    m->os[freeslot].type = type;
    m->os[freeslot].name = *name;
}

/* ---- sending ------------------------------------------------------------------- */

typedef struct qout {
    const nt_dns_name *name;
    uint16_t type;
    bool qu;
} qout;

#define QOUT_MAX 64u
#define PREDICT_PER_RUN 16u

static bool qb_start(nt_mdns *m, nt_dns_builder *b)
{
    return nt_dns_builder_init(b, m->pkt, m->cfg.max_packet, 0, 0) == NT_OK;
}

static void qb_send(nt_mdns *m, size_t s, nt_dns_builder *b)
{
    mdns_out_multicast(m, s, m->pkt, nt_dns_builder_len(b));
    m->stats.queries_sent++;
}

/* One round of questions on one interface: all questions first, then the
 * known answers (§7.1: cached answers with more than half their TTL left);
 * a list that does not fit continues in further packets with TC set on all
 * but the last (§7.2). */
static void send_questions(nt_mdns *m, size_t s, const qout *qs, size_t nq, uint64_t now)
{
    iface *f = &m->ifs[s];
    nt_dns_builder b;
    size_t i, added = 0;
    bool any = false;

    if (nq == 0 || !qb_start(m, &b))
        return;
    for (i = 0; i < nq; i++) {
        if (nt_dns_builder_add_question(&b, qs[i].name, qs[i].type, NT_DNS_CLASS_IN, qs[i].qu) ==
            NT_ERR_NOSPACE) {
            qb_send(m, s, &b);
            if (!qb_start(m, &b))
                return;
            if (nt_dns_builder_add_question(&b, qs[i].name, qs[i].type, NT_DNS_CLASS_IN,
                                            qs[i].qu) != NT_OK)
                return;
        }
        added++;
    }
    any = added != 0;
    for (i = 0; i < nq; i++) {
        uint32_t h = mdns_name_hash(m, qs[i].name);
        int32_t j;
        for (j = mdns_cache_first(f, h); j >= 0; j = f->cache[j].next) {
            centry *c = &f->cache[j];
            nt_dns_record r;
            uint64_t left;
            if (c->hname != h || (qs[i].type != NT_DNS_TYPE_ANY && c->r.type != qs[i].type) ||
                !nt_dns_name_equal(&c->r.owner, qs[i].name))
                continue;
            if (c->expires_ms <= now)
                continue;
            left = c->expires_ms - now;
            if (left * 2u <= (uint64_t)c->r.ttl * 1000u)
                continue;
            r = c->r;
            r.mdns_bit = false;
            r.ttl = (uint32_t)(left / 1000u); /* §7.1: the remaining TTL */
            if (nt_dns_builder_add_record(&b, NT_DNS_SEC_ANSWER, &r) == NT_ERR_NOSPACE) {
                nt_dns_builder_set_flags(&b, NT_DNS_FLAG_TC);
                qb_send(m, s, &b);
                if (!qb_start(m, &b))
                    return;
                if (nt_dns_builder_add_record(&b, NT_DNS_SEC_ANSWER, &r) != NT_OK)
                    continue;
            }
            any = true;
        }
    }
    if (any)
        qb_send(m, s, &b);
}

/* The questions due on interface s (continuous queries, one-shots). */
static size_t due_questions(nt_mdns *m, size_t s, qout *qs, uint64_t now)
{
    size_t i, n = 0;
    for (i = 0; i < m->qsts_hi && n < QOUT_MAX; i++) {
        qst *q = &m->qsts[i];
        size_t k;
        bool dup = false;
        if (!qst_on(q, &m->ifs[s]) || q->next_ms > now)
            continue;
        for (k = 0; k < n && !dup; k++)
            dup = qs[k].type == q->type && nt_dns_name_equal(qs[k].name, &q->name);
        if (dup)
            continue;
        qs[n].name = &q->name;
        qs[n].type = q->type;
        qs[n].qu = q->sent == 0; /* §5.4: the first query asks for unicast */
        n++;
    }
    for (i = 0; i < MAX_ONESHOT && n < QOUT_MAX; i++) {
        if (!m->os[i].used || m->os[i].ifslot != s)
            continue;
        qs[n].name = &m->os[i].name;
        qs[n].type = m->os[i].type;
        qs[n].qu = false;
        n++;
    }
    return n;
}

void mdns_query_run(nt_mdns *m, uint64_t now)
{
    size_t s, i, npred = 0;
    qout qs[QOUT_MAX];
    nt_dns_name pnames[PREDICT_PER_RUN];
    uint16_t ptypes[PREDICT_PER_RUN];
    bool anyway = false;

    /* Predictive refreshes (predict.c) ride when questions go out anyway;
     * alone only at their deadline. */
    for (s = 0; s < m->cfg.max_interfaces && !anyway && m->pred; s++)
        anyway = m->ifs[s].used && due_questions(m, s, qs, now) > 0;
    if (!m->shut)
        npred = mdns_predict_take(m, pnames, ptypes, PREDICT_PER_RUN, anyway, now);
    for (s = 0; s < m->cfg.max_interfaces; s++) {
        size_t n;
        if (!m->ifs[s].used)
            continue;
        n = due_questions(m, s, qs, now);
        for (i = 0; i < npred && n < QOUT_MAX; i++) {
            size_t k;
            bool dup = false;
            for (k = 0; k < n && !dup; k++)
                dup = qs[k].type == ptypes[i] && nt_dns_name_equal(qs[k].name, &pnames[i]);
            if (dup)
                continue;
            qs[n].name = &pnames[i];
            qs[n].type = ptypes[i];
            qs[n].qu = false;
            n++;
        }
        send_questions(m, s, qs, n, now);
        for (i = 0; i < MAX_ONESHOT; i++)
            if (m->os[i].used && m->os[i].ifslot == s)
                m->os[i].used = false;
    }
    for (i = 0; i < m->qsts_hi; i++) {
        qst *q = &m->qsts[i];
        if (!q->used || q->next_ms > now)
            continue;
        /* §5.2: intervals 1 s, 2 s, 4 s, ... capped at 60 minutes. */
        q->sent++;
        q->next_ms = now + q->interval_ms;
        q->interval_ms = q->interval_ms * 2u > QUERY_INTERVAL_MAX_MS ? QUERY_INTERVAL_MAX_MS
                                                                     : q->interval_ms * 2u;
    }
}

uint64_t mdns_query_next(const nt_mdns *m)
{
    uint64_t t = UINT64_MAX;
    size_t i;
    for (i = 0; i < m->qsts_hi; i++)
        if (m->qsts[i].used && m->qsts[i].next_ms < t)
            t = m->qsts[i].next_ms;
    for (i = 0; i < MAX_ONESHOT; i++)
        if (m->os[i].used)
            return 0;
    return t;
}

/* Another host's query (§7.3, §10.5). */
void mdns_query_seen(nt_mdns *m, size_t ifslot, const nt_mdns_packet_in *pkt, uint64_t now)
{
    const nt_dns_msg *msg = &m->msg;
    nt_dns_record *kas;
    size_t nka = 0, used = 0, i, j, qi;
    iface *f = &m->ifs[ifslot];

    if (!pkt->dst_multicast)
        return;
    kas = m->kas;
    for (i = 0; i < msg->count[NT_DNS_SEC_ANSWER] && nka < m->cfg.max_known_answers; i++) {
        const nt_dns_rr *rr = nt_dns_msg_get(msg, NT_DNS_SEC_ANSWER, i);
        if (rr->status != NT_OK ||
            nt_dns_rr_to_record(msg, rr, &kas[nka], m->rdbuf + used, sizeof(m->rdbuf) - used) !=
                NT_OK)
            continue;
        used += kas[nka].rdlength;
        nka++;
    }
    for (qi = 0; qi < msg->count[NT_DNS_SEC_QUESTION]; qi++) {
        const nt_dns_rr *q = nt_dns_msg_get(msg, NT_DNS_SEC_QUESTION, qi);
        nt_dns_name qn;
        bool qu = (q->flags & NT_DNS_RR_MDNS_BIT) != 0;
        nt_dns_rr_owner(msg, q, &qn);
        /* §10.5: if nobody answers this, our copy may be stale. Probes
         * (authority records present) are not asking for data. Nor is a
         * silence news after a QU question (its answer may go by unicast
         * to the asker alone, §5.4) or a truncated query (its known
         * answers, which keep the responder quiet, come in the packets
         * after it, §7.2): a spoofer would otherwise make us drop a live
         * record. */
        if (msg->count[NT_DNS_SEC_AUTHORITY] == 0 && !qu && (msg->flags & NT_DNS_FLAG_TC) == 0)
            mdns_cache_poof_note(m, ifslot, &qn, q->type, kas, nka, false, now);
        if (qu)
            continue;
        /* §7.3: the same QM question from someone else, whose known answers
         * are all ones we would give too, counts as our own. */
        for (i = 0; i < m->qsts_hi; i++) {
            qst *mine = &m->qsts[i];
            bool subset = true;
            if (!qst_on(mine, f) || mine->sent == 0 || mine->type != q->type ||
                !nt_dns_name_equal(&mine->name, &qn))
                continue;
            if (mine->next_ms > now + mine->interval_ms / 2u)
                continue; /* not planning to ask soon */
            for (j = 0; j < nka && subset; j++) {
                int32_t c;
                const centry *ce;
                if (!nt_dns_name_equal(&kas[j].owner, &qn))
                    continue;
                c = mdns_cache_find(m, f, &kas[j]);
                ce = c >= 0 ? &f->cache[c] : NULL;
                subset = ce != NULL && ce->expires_ms > now &&
                         (ce->expires_ms - now) * 2u > (uint64_t)ce->r.ttl * 1000u;
            }
            if (!subset)
                continue;
            m->stats.questions_suppressed++;
            mine->sent++;
            mine->next_ms = now + mine->interval_ms;
            mine->interval_ms = mine->interval_ms * 2u > QUERY_INTERVAL_MAX_MS
                                    ? QUERY_INTERVAL_MAX_MS
                                    : mine->interval_ms * 2u;
        }
    }
}

/* ---- events ------------------------------------------------------------------ */

static bool is_dirty(const nt_mdns *m, const nt_dns_name *n)
{
    return mdns_is_dirty(m, n, mdns_name_hash(m, n));
}

/* The running digest of a view (what an update event compares): keyed, so
 * that a sender cannot craft records whose change the digest hides. */
static uint64_t digest(const nt_mdns *m, uint64_t h, const void *p, size_t n)
{
    return nt_keyed_hash(&m->hkey, h, p, n, false);
}

/* Fills ev->addrs with the A/AAAA records of host on interface s. */
static uint64_t view_addrs(const nt_mdns *m, size_t s, const nt_dns_name *host, bool want4,
                           bool want6, nt_mdns_event *ev, uint64_t h, uint8_t *trust)
{
    const iface *f = &m->ifs[s];
    int32_t i;
    uint32_t hh = mdns_name_hash(m, host);
    for (i = mdns_cache_first(f, hh); i >= 0; i = f->cache[i].next) {
        const centry *c = &f->cache[i];
        nt_mdns_addr *a;
        if (c->hname != hh)
            continue;
        if (!((c->r.type == NT_DNS_TYPE_A && want4 && c->r.rdlength == 4) ||
              (c->r.type == NT_DNS_TYPE_AAAA && want6 && c->r.rdlength == 16)) ||
            !nt_dns_name_equal(&c->r.owner, host))
            continue;
        if (ev->addr_count >= NT_MDNS_EVENT_ADDRS_MAX)
            break;
        a = &ev->addrs[ev->addr_count++];
        memset(a, 0, sizeof(*a));
        a->family = c->r.type == NT_DNS_TYPE_A ? NT_MDNS_INET4 : NT_MDNS_INET6;
        memcpy(a->bytes, c->r.rdata, c->r.rdlength);
        if (a->family == NT_MDNS_INET6 && a->bytes[0] == 0xfe && (a->bytes[1] & 0xc0) == 0x80)
            a->scope = f->ifindex;
        h = digest(m, h, c->r.rdata, c->r.rdlength);
        if (c->trust < *trust)
            *trust = c->trust;
    }
    return h;
}

/* Builds the event fields of an instance from the cache of interface s.
 * Returns false if neither SRV nor TXT is cached. */
static bool view_instance(const nt_mdns *m, size_t s, const nt_dns_name *inst, bool want4,
                          bool want6, nt_mdns_event *ev, uint64_t *hash, nt_dns_name *target)
{
    const iface *f = &m->ifs[s];
    int32_t i;
    uint64_t h = 0xcbf29ce484222325ull;
    uint8_t trust = 255;
    bool any = false;
    uint32_t hi = mdns_name_hash(m, inst);

    memset(target, 0, sizeof(*target));
    ev->ifindex = f->ifindex;
    mdns_name_label_text(inst, ev->instance, sizeof(ev->instance));
    mdns_name_text(inst, 1, 2, ev->type, sizeof(ev->type));
    mdns_name_text(inst, 3, 0, ev->domain, sizeof(ev->domain));
    for (i = mdns_cache_first(f, hi); i >= 0; i = f->cache[i].next) {
        const centry *c = &f->cache[i];
        if (c->hname != hi || !nt_dns_name_equal(&c->r.owner, inst))
            continue;
        if (c->r.type == NT_DNS_TYPE_SRV && !ev->have_srv && c->r.rdlength > 6) {
            nt_dns_name t;
            if (nt_dns_name_from_wire(&t, c->r.rdata + 6, (size_t)c->r.rdlength - 6) != NT_OK)
                continue;
            ev->have_srv = true;
            ev->priority = (uint16_t)((c->r.rdata[0] << 8) | c->r.rdata[1]);
            ev->weight = (uint16_t)((c->r.rdata[2] << 8) | c->r.rdata[3]);
            ev->port = (uint16_t)((c->r.rdata[4] << 8) | c->r.rdata[5]);
            *target = t;
            mdns_name_text(&t, 0, 0, ev->host, sizeof(ev->host));
            h = digest(m, h, c->r.rdata, c->r.rdlength);
            any = true;
            if (c->trust < trust)
                trust = c->trust;
        } else if (c->r.type == NT_DNS_TYPE_TXT && !ev->have_txt &&
                   c->r.rdlength <= NT_MDNS_TXT_MAX) {
            ev->have_txt = true;
            ev->txt_len = c->r.rdlength;
            memcpy(ev->txt, c->r.rdata, c->r.rdlength);
            h = digest(m, h, "T", 1);
            h = digest(m, h, c->r.rdata, c->r.rdlength);
            any = true;
            if (c->trust < trust)
                trust = c->trust;
        }
    }
    if (ev->have_srv)
        h = view_addrs(m, s, target, want4, want6, ev, h, &trust);
    ev->trust = trust == 255 ? 0 : trust;
    *hash = h;
    return any;
}

/* ---- the instance table: slots, a free list and two hash indexes ---------- */

static int32_t *bucket_of(const query *q, int32_t *b, uint32_t h)
{
    return &b[h & (q->nbuck - 1)];
}

/* Removes slot i from the chain that starts at *head (chains are short:
 * names that share a hash). */
static void chain_unlink(query *q, int32_t *head, int32_t i, bool target)
{
    int32_t *p = head;
    while (*p >= 0) {
        qinst *in = &q->inst[*p];
        if (*p == i) {
            *p = target ? in->nx_target : in->nx_name;
            return;
        }
        p = target ? &in->nx_target : &in->nx_name;
    }
}

/* Points in's target at t, moving it between target buckets. */
static void inst_set_target(const nt_mdns *m, query *q, qinst *in, const nt_dns_name *t)
{
    int32_t i = (int32_t)(in - q->inst);
    if (in->target.len != 0)
        chain_unlink(q, bucket_of(q, q->by_target, in->htarget), i, true);
    in->target = *t;
    in->htarget = t->len != 0 ? mdns_name_hash(m, t) : 0;
    in->nx_target = -1;
    if (t->len != 0) {
        int32_t *b = bucket_of(q, q->by_target, in->htarget);
        in->nx_target = *b;
        *b = i;
    }
}

static void inst_del(const nt_mdns *m, query *q, qinst *in)
{
    int32_t i = (int32_t)(in - q->inst);
    static const nt_dns_name none;
    if (!in->used)
        return;
    inst_set_target(m, q, in, &none);
    chain_unlink(q, bucket_of(q, q->by_name, in->hname), i, false);
    in->used = false;
    in->nx_name = q->free_head;
    q->free_head = i;
}

static qinst *inst_find(const nt_mdns *m, query *q, const nt_dns_name *name, uint32_t ifindex)
{
    uint32_t h = mdns_name_hash(m, name);
    int32_t i;
    for (i = *bucket_of(q, q->by_name, h); i >= 0; i = q->inst[i].nx_name)
        if (q->inst[i].hname == h && q->inst[i].ifindex == ifindex &&
            nt_dns_name_equal(&q->inst[i].name, name))
            return &q->inst[i];
    return NULL;
}

/* Slots first..last-1 join the free list. */
static void free_range(query *q, size_t first, size_t last)
{
    size_t i;
    for (i = last; i-- > first;) {
        memset(&q->inst[i], 0, sizeof(q->inst[i]));
        q->inst[i].nx_name = q->free_head;
        q->inst[i].nx_target = -1;
        q->free_head = (int32_t)i;
    }
}

/* A free instance slot; the table grows by doubling up to the cache cap
 * (more instances than cached records cannot exist). */
static qinst *inst_new(nt_mdns *m, query *q, const nt_dns_name *name, uint32_t ifindex)
{
    qinst *in;
    int32_t i, *b;
    if (q->free_head < 0) {
        size_t n = q->inst_alloc * 2u;
        qinst *p;
        if (n > m->cfg.cache_cap)
            n = m->cfg.cache_cap;
        if (n <= q->inst_alloc)
            return NULL;
        p = nt_realloc(q->inst, n * sizeof(*p));
        if (p == NULL)
            return NULL;
        q->inst = p;
        free_range(q, q->inst_alloc, n);
        q->inst_alloc = n;
    }
    i = q->free_head;
    in = &q->inst[i];
    q->free_head = in->nx_name;
    memset(in, 0, sizeof(*in));
    in->used = true;
    in->name = *name;
    in->hname = mdns_name_hash(m, name);
    in->ifindex = ifindex;
    in->nx_target = -1;
    b = bucket_of(q, q->by_name, in->hname);
    in->nx_name = *b;
    *b = i;
    return in;
}

/* The instance table of a new query: 16 slots, buckets for the cap. */
static nt_status inst_table_init(nt_mdns *m, query *q)
{
    size_t nb = 16, i;
    /* A resolve or a host query has one instance per interface at most:
     * sixteen buckets do. Sized for the cache, its two bucket arrays were
     * 32 KiB to fill with -1 per query (a resolve through the agent is
     * one query). Browses and type enumeration can see the whole cache. */
    while (q->kind != NT_MDNS_Q_RESOLVE && q->kind != NT_MDNS_Q_HOST && nb < m->cfg.cache_cap &&
           nb < ((size_t)1 << 30))
        nb *= 2;
    q->inst_alloc = 16;
    q->inst = nt_malloc(q->inst_alloc * sizeof(*q->inst));
    q->by_name = nt_malloc(nb * sizeof(*q->by_name));
    q->by_target = nt_malloc(nb * sizeof(*q->by_target));
    if (q->inst == NULL || q->by_name == NULL || q->by_target == NULL) {
        mdns_query_release(q);
        return NT_ERR_NOMEM;
    }
    for (i = 0; i < nb; i++)
        q->by_name[i] = q->by_target[i] = -1;
    q->nbuck = nb;
    q->free_head = -1;
    free_range(q, 0, q->inst_alloc);
    return NT_OK;
}

void mdns_query_release(query *q)
{
    nt_free(q->inst);
    nt_free(q->by_name);
    nt_free(q->by_target);
    q->inst = NULL;
    q->by_name = q->by_target = NULL;
    q->inst_alloc = q->nbuck = 0;
}

/* Queues an event of query q. False if the queue is full: the caller then
 * leaves its record of what the application was told as it was, and the
 * queries are run again once the queue has drained (nt_mdns_event_pop), so
 * no change is lost, only reported late. */
static bool emit(nt_mdns *m, const query *q, nt_mdns_event_kind kind, nt_mdns_event *view)
{
    view->kind = kind;
    view->query = q->id;
    if (mdns_event_push(m, view))
        return true;
    m->ev_missed = true;
    return false;
}

/* Services (browse with resolve, resolve): SRV, TXT, then the target's
 * addresses (RFC 6763 §12 additional records usually bring them at once). */
static void instance_update(nt_mdns *m, query *q, size_t s, qinst *in, bool listed, uint64_t now)
{
    nt_mdns_event view;
    uint64_t hash;
    nt_dns_name target;
    bool have;
    uint32_t ifx = m->ifs[s].ifindex;

    memset(&view, 0, sizeof(view));
    have = view_instance(m, s, &in->name, q->want4, q->want6, &view, &hash, &target);
    if (q->kind == NT_MDNS_Q_RESOLVE)
        listed = have;
    if (!listed) {
        if (in->hash != 0) {
            if (!emit(m, q, NT_MDNS_EV_SERVICE_REMOVED, &view))
                return; /* kept, told again later */
            in->hash = 0;
        }
        if (q->kind == NT_MDNS_Q_BROWSE) {
            qst_del(m, q->id, &in->name);
            if (in->target.len != 0)
                qst_del(m, q->id, &in->target);
            inst_del(m, q, in);
        }
        return;
    }
    if (q->resolve || q->kind == NT_MDNS_Q_RESOLVE) {
        bool fol = q->kind == NT_MDNS_Q_BROWSE;
        qst_add(m, q->id, &in->name, NT_DNS_TYPE_SRV, ifx, now, fol);
        qst_add(m, q->id, &in->name, NT_DNS_TYPE_TXT, ifx, now, fol);
        if (target.len != 0 && !nt_dns_name_equal(&target, &in->target)) {
            if (in->target.len != 0)
                qst_del(m, q->id, &in->target);
            if (q->want4)
                qst_add(m, q->id, &target, NT_DNS_TYPE_A, ifx, now, fol);
            if (q->want6)
                qst_add(m, q->id, &target, NT_DNS_TYPE_AAAA, ifx, now, fol);
        }
    }
    if (target.len != 0 && (in->target.len == 0 || !nt_dns_name_equal(&target, &in->target) ||
                            memcmp(target.wire, in->target.wire, target.len) != 0))
        inst_set_target(m, q, in, &target);
    if (hash == 0)
        hash = 1;
    if (in->hash == 0 ? !emit(m, q, NT_MDNS_EV_SERVICE_ADDED, &view)
                      : in->hash != hash && !emit(m, q, NT_MDNS_EV_SERVICE_UPDATED, &view))
        return; /* the old view stays, so the change is reported again */
    in->hash = hash;
}

/* RFC 6763 §4.1: a browse's instances are <Instance>.<Service>.<Domain>,
 * one label under the browsed service, with no control character in that
 * label (§4.1.1). Events give an instance as text (its first label, the
 * next two, the rest) and browse --rpc rebuilds the name from it to ask
 * who signed it, so a target of another shape could read as another
 * instance: "Printer<NUL>x" as "Printer", or "Printer" + "_c._tcp" (no
 * domain) as Printer._c._tcp.local. Such a PTR stays cached, unreported. */
static bool browse_instance_ok(const query *q, const nt_dns_name *t)
{
    size_t i, ll = t->wire[0];
    if (t->labels != q->svc.labels + 1 || !nt_dns_name_is_subdomain(t, &q->svc))
        return false;
    for (i = 1; i <= ll; i++)
        if (t->wire[i] < 0x20 || t->wire[i] == 0x7f)
            return false;
    return true;
}

/* The service a browse name lists: itself, or <Service>.<Domain> of a
 * subtype's "<sub>._sub.<Service>.<Domain>" (RFC 6763 §7.1). */
static void browse_service(query *q)
{
    const uint8_t *w = q->name.wire;
    size_t off = (size_t)w[0] + 1;
    q->svc = q->name;
    if (q->name.labels < 3 || w[off] != 4 || (w[off + 1] != '_') ||
        (w[off + 2] | 0x20) != 's' || (w[off + 3] | 0x20) != 'u' || (w[off + 4] | 0x20) != 'b')
        return;
    if (nt_dns_name_from_wire(&q->svc, w + off + 5, q->name.len - off - 5) != NT_OK)
        q->svc = q->name;
}

static bool ptr_listed(const nt_mdns *m, const iface *f, const nt_dns_name *owner,
                       const nt_dns_name *target)
{
    return mdns_cache_find_ptr(m, f, owner, target) >= 0;
}

/* Full rescan: after an interface change or a batch with more PTR changes
 * than were noted (O(instances x cache), rare). */
static void browse_rescan(nt_mdns *m, query *q, size_t s, uint64_t now)
{
    iface *f = &m->ifs[s];
    size_t i;
    for (i = 0; i < q->inst_alloc; i++) {
        qinst *in = &q->inst[i];
        if (!in->used || in->ifindex != f->ifindex)
            continue;
        instance_update(m, q, s, in, ptr_listed(m, f, &q->name, &in->name), now);
    }
    for (i = 0; i < f->ncache; i++) {
        const centry *ce = &f->cache[i];
        nt_dns_name t;
        qinst *in;
        if (ce->r.type != NT_DNS_TYPE_PTR || !nt_dns_name_equal(&ce->r.owner, &q->name))
            continue;
        if (nt_dns_name_from_wire(&t, ce->r.rdata, ce->r.rdlength) != NT_OK)
            continue;
        if (!browse_instance_ok(q, &t) || inst_find(m, q, &t, f->ifindex) != NULL)
            continue;
        in = inst_new(m, q, &t, f->ifindex);
        if (in == NULL)
            return;
        instance_update(m, q, s, in, true, now);
    }
}

/* Updates the instances on interface slot s whose name (or, with target,
 * whose SRV target) is n. instance_update may drop the instance or move it
 * to another target bucket, so the next one is read first. */
static void update_dirty(nt_mdns *m, query *q, size_t s, const nt_dns_name *n, uint32_t h,
                         bool target, uint64_t now)
{
    uint32_t ifx = m->ifs[s].ifindex;
    int32_t i = *bucket_of(q, target ? q->by_target : q->by_name, h), next;
    for (; i >= 0; i = next) {
        qinst *in = &q->inst[i];
        next = target ? in->nx_target : in->nx_name;
        if (in->used && in->ifindex == ifx &&
            (target ? in->htarget == h && nt_dns_name_equal(&in->target, n)
                    : in->hname == h && nt_dns_name_equal(&in->name, n)))
            instance_update(m, q, s, in, true, now);
    }
}

static void update_browse(nt_mdns *m, query *q, size_t s, uint64_t now)
{
    iface *f = &m->ifs[s];
    size_t i;

    if (m->dirty_all) {
        browse_rescan(m, q, s, now);
        return;
    }
    /* PTR records of the browsed name that came or went. */
    for (i = 0; i < m->npchg; i++) {
        const ptrchg *c = &m->pchg[i];
        qinst *in;
        if (c->ifslot != s || !nt_dns_name_equal(&c->owner, &q->name))
            continue;
        in = inst_find(m, q, &c->target, f->ifindex);
        if (c->added && in == NULL) {
            if (!browse_instance_ok(q, &c->target))
                continue;
            in = inst_new(m, q, &c->target, f->ifindex);
            if (in != NULL)
                instance_update(m, q, s, in, true, now);
        } else if (!c->added && in != NULL) {
            instance_update(m, q, s, in, ptr_listed(m, f, &q->name, &in->name), now);
        }
    }
    /* SRV, TXT or addresses of known instances that changed: the
     * instances named by a changed name, or whose SRV points at one. */
    for (i = 0; i < m->ndirty; i++) {
        update_dirty(m, q, s, &m->dirty[i], m->dirty_hash[i], false, now);
        update_dirty(m, q, s, &m->dirty[i], m->dirty_hash[i], true, now);
    }
}

static void update_types(nt_mdns *m, query *q, size_t s)
{
    iface *f = &m->ifs[s];
    size_t i, c;
    nt_mdns_event view;
    qinst *in;

    if (!is_dirty(m, &q->name))
        return;
    for (i = 0; i < q->inst_alloc; i++) {
        bool listed = false;
        in = &q->inst[i];
        if (!in->used || in->ifindex != f->ifindex)
            continue;
        for (c = 0; c < f->ncache && !listed; c++) {
            const centry *ce = &f->cache[c];
            nt_dns_name t;
            listed = ce->r.type == NT_DNS_TYPE_PTR && nt_dns_name_equal(&ce->r.owner, &q->name) &&
                     nt_dns_name_from_wire(&t, ce->r.rdata, ce->r.rdlength) == NT_OK &&
                     nt_dns_name_equal(&t, &in->name);
        }
        if (!listed) {
            memset(&view, 0, sizeof(view));
            view.ifindex = f->ifindex;
            mdns_name_text(&in->name, 0, 2, view.type, sizeof(view.type));
            mdns_name_text(&in->name, 2, 0, view.domain, sizeof(view.domain));
            if (emit(m, q, NT_MDNS_EV_TYPE_REMOVED, &view))
                inst_del(m, q, in);
        }
    }
    for (c = 0; c < f->ncache; c++) {
        const centry *ce = &f->cache[c];
        nt_dns_name t;
        if (ce->r.type != NT_DNS_TYPE_PTR || !nt_dns_name_equal(&ce->r.owner, &q->name) ||
            nt_dns_name_from_wire(&t, ce->r.rdata, ce->r.rdlength) != NT_OK ||
            inst_find(m, q, &t, f->ifindex) != NULL)
            continue;
        in = inst_new(m, q, &t, f->ifindex);
        if (in == NULL)
            return;
        memset(&view, 0, sizeof(view));
        view.ifindex = f->ifindex;
        mdns_name_text(&t, 0, 2, view.type, sizeof(view.type));
        mdns_name_text(&t, 2, 0, view.domain, sizeof(view.domain));
        if (!emit(m, q, NT_MDNS_EV_TYPE_ADDED, &view))
            inst_del(m, q, in); /* not told: found again later */
    }
}

static void update_host(nt_mdns *m, query *q, size_t s)
{
    iface *f = &m->ifs[s];
    qinst *in;
    nt_mdns_event view;
    uint64_t h;
    uint8_t trust = 255;

    if (!is_dirty(m, &q->name))
        return;
    memset(&view, 0, sizeof(view));
    view.ifindex = f->ifindex;
    mdns_name_text(&q->name, 0, 0, view.host, sizeof(view.host));
    h = view_addrs(m, s, &q->name, q->want4, q->want6, &view, 0xcbf29ce484222325ull, &trust);
    view.trust = trust == 255 ? 0 : trust;
    in = inst_find(m, q, &q->name, f->ifindex);
    if (view.addr_count == 0) {
        if (in != NULL && emit(m, q, NT_MDNS_EV_HOST_REMOVED, &view))
            inst_del(m, q, in);
        return;
    }
    if (in == NULL) {
        in = inst_new(m, q, &q->name, f->ifindex);
        if (in == NULL)
            return;
    }
    if (in->hash != h && !emit(m, q, NT_MDNS_EV_HOST_RESOLVED, &view))
        return;
    in->hash = h;
}

/* One query against what changed (everything, with dirty_all). */
static void update_query(nt_mdns *m, query *q)
{
    size_t s;
    for (s = 0; s < m->cfg.max_interfaces; s++) {
        if (!m->ifs[s].used || (q->ifindex != 0 && q->ifindex != m->ifs[s].ifindex))
            continue;
        switch (q->kind) {
        case NT_MDNS_Q_BROWSE:
            update_browse(m, q, s, m->now_ms);
            break;
        case NT_MDNS_Q_RESOLVE: {
            qinst *in = inst_find(m, q, &q->name, m->ifs[s].ifindex);
            if (in == NULL)
                in = inst_new(m, q, &q->name, m->ifs[s].ifindex);
            if (in != NULL && (is_dirty(m, &q->name) ||
                               (in->target.len != 0 && is_dirty(m, &in->target))))
                instance_update(m, q, s, in, true, m->now_ms);
            break;
        }
        case NT_MDNS_Q_HOST:
            update_host(m, q, s);
            break;
        case NT_MDNS_Q_TYPES:
            update_types(m, q, s);
            break;
        }
    }
}

void mdns_query_update(nt_mdns *m)
{
    size_t i;
    if (!m->dirty_all && m->ndirty == 0)
        return;
    /* Up to the last used slot: the table of 256 is walked per batch. */
    for (i = 0; i < m->qs_hi; i++)
        if (m->qs[i].used)
            update_query(m, &m->qs[i]);
    /* Instances on removed interfaces go with them. */
    for (i = 0; i < m->qs_hi && m->dirty_all; i++) {
        query *q = &m->qs[i];
        size_t k;
        if (!q->used || !m->dirty_all)
            continue;
        for (k = 0; k < q->inst_alloc; k++) {
            qinst *in = &q->inst[k];
            nt_mdns_event view;
            if (!in->used || mdns_iface_by_index(m, in->ifindex, NULL) != NULL)
                continue;
            if (in->hash != 0 && q->kind != NT_MDNS_Q_TYPES && q->kind != NT_MDNS_Q_HOST) {
                memset(&view, 0, sizeof(view));
                view.ifindex = in->ifindex;
                mdns_name_label_text(&in->name, view.instance, sizeof(view.instance));
                mdns_name_text(&in->name, 1, 2, view.type, sizeof(view.type));
                mdns_name_text(&in->name, 3, 0, view.domain, sizeof(view.domain));
                if (!emit(m, q, NT_MDNS_EV_SERVICE_REMOVED, &view))
                    continue; /* kept until the application has been told */
            }
            inst_del(m, q, in);
        }
    }
    mdns_dirty_clear(m);
    m->npchg = 0;
}

/* ---- public: queries --------------------------------------------------------- */

static nt_status name_of(nt_dns_name *out, const char *a, const char *b)
{
    char text[NT_MDNS_NAME_MAX * 2];
    int n = snprintf(text, sizeof(text), "%s.%s", a, b != NULL ? b : "local");
    if (n < 0 || (size_t)n >= sizeof(text) || nt_dns_name_from_str(out, text) != NT_OK)
        return NT_ERR_MDNS_NAME;
    return NT_OK;
}

nt_status nt_mdns_query_add(nt_mdns *m, nt_mdns_query_id *out, const nt_mdns_query_config *qc,
                            uint64_t now_ms)
{
    query *q = NULL;
    size_t i;
    nt_status st = NT_OK;
    nt_dns_name type;
    bool all;

    if (m == NULL || out == NULL || qc == NULL)
        return NT_ERR_INVALID_ARG;
    if (m->shut)
        return NT_ERR_MDNS_SHUT_DOWN;
    for (i = 0; i < m->cfg.max_queries; i++)
        if (!m->qs[i].used)
            break;
    if (i == m->cfg.max_queries)
        return NT_ERR_CAP;
    q = &m->qs[i];
    memset(q, 0, sizeof(*q));
    if (i + 1 > m->qs_hi)
        m->qs_hi = i + 1;
    q->kind = qc->kind;
    q->want4 = qc->want_ipv4 || !qc->want_ipv6;
    q->want6 = qc->want_ipv6 || !qc->want_ipv4;
    q->resolve = qc->resolve;
    q->ifindex = qc->ifindex;
    switch (qc->kind) {
    case NT_MDNS_Q_BROWSE:
        if (qc->type == NULL || qc->type[0] != '_')
            return NT_ERR_MDNS_NAME;
        st = name_of(&q->name, qc->type, qc->domain);
        if (st == NT_OK)
            browse_service(q);
        break;
    case NT_MDNS_Q_RESOLVE:
        if (qc->type == NULL || qc->instance == NULL || qc->instance[0] == '\0' ||
            strlen(qc->instance) > NT_DNS_LABEL_MAX)
            return NT_ERR_MDNS_NAME;
        st = name_of(&type, qc->type, qc->domain);
        if (st == NT_OK && nt_dns_name_prepend(&q->name, (const uint8_t *)qc->instance,
                                               strlen(qc->instance), &type) != NT_OK)
            st = NT_ERR_MDNS_NAME;
        break;
    case NT_MDNS_Q_HOST:
        if (qc->host == NULL || qc->host[0] == '\0')
            return NT_ERR_MDNS_NAME;
        if (strchr(qc->host, '.') == NULL)
            st = name_of(&q->name, qc->host, qc->domain);
        else if (nt_dns_name_from_str(&q->name, qc->host) != NT_OK)
            st = NT_ERR_MDNS_NAME;
        break;
    case NT_MDNS_Q_TYPES:
        st = name_of(&q->name, "_services._dns-sd._udp", qc->domain);
        break;
    default:
        return NT_ERR_INVALID_ARG;
    }
    if (st != NT_OK)
        return st;
    if (qc->ifindex != 0 && mdns_iface_by_index(m, qc->ifindex, NULL) == NULL)
        return NT_ERR_MDNS_NO_IFACE;
    if (inst_table_init(m, q) != NT_OK)
        return NT_ERR_NOMEM;
    q->id = m->next_id++;
    q->used = true;
    switch (q->kind) {
    case NT_MDNS_Q_BROWSE:
    case NT_MDNS_Q_TYPES:
        qst_add(m, q->id, &q->name, NT_DNS_TYPE_PTR, q->ifindex, now_ms, false);
        break;
    case NT_MDNS_Q_RESOLVE:
        qst_add(m, q->id, &q->name, NT_DNS_TYPE_SRV, q->ifindex, now_ms, false);
        qst_add(m, q->id, &q->name, NT_DNS_TYPE_TXT, q->ifindex, now_ms, false);
        break;
    case NT_MDNS_Q_HOST:
        if (q->want4)
            qst_add(m, q->id, &q->name, NT_DNS_TYPE_A, q->ifindex, now_ms, false);
        if (q->want6)
            qst_add(m, q->id, &q->name, NT_DNS_TYPE_AAAA, q->ifindex, now_ms, false);
        break;
    }
    if (qc->immediate) {
        for (i = 0; i < m->qsts_hi; i++)
            if (m->qsts[i].used && m->qsts[i].owner == q->id)
                m->qsts[i].next_ms = now_ms;
    }
    *out = q->id;
    /* Report what the cache knows already: a full scan for this query
     * alone. The others have nothing new (the notes of what changed, if
     * any, stay for their next update): rescanning every browse against
     * the whole cache on each resolve through the agent would cost
     * O(queries x cache) per request. */
    m->now_ms = now_ms;
    all = m->dirty_all;
    m->dirty_all = true;
    update_query(m, q);
    m->dirty_all = all;
    return NT_OK;
}

nt_status nt_mdns_query_del(nt_mdns *m, nt_mdns_query_id id)
{
    size_t i;
    if (m == NULL)
        return NT_ERR_INVALID_ARG;
    for (i = 0; i < m->cfg.max_queries; i++) {
        if (m->qs[i].used && m->qs[i].id == id) {
            qst_del(m, id, NULL);
            mdns_query_release(&m->qs[i]);
            memset(&m->qs[i], 0, sizeof(m->qs[i]));
            while (m->qs_hi > 0 && !m->qs[m->qs_hi - 1].used)
                m->qs_hi--;
            return NT_OK;
        }
    }
    return NT_ERR_NOT_FOUND;
}
