/* The responder (RFC 6762 §6-§10, RFC 6763): our records, probing,
 * announcing, answering, conflicts, goodbyes. */
#include <stdio.h>
#include <string.h>

#include "mdns_int.h"
#include "nautilus/mem.h"

#define RR_BUF 1024u /* rdata of one of our records: TXT is capped below this */

/* ---- our records --------------------------------------------------------- */

static bool ent_on_iface(const nt_mdns *m, size_t e, size_t s)
{
    const ent *x = &m->ents[e];
    return x->used && m->ifs[s].used && (x->ifindex == 0 || x->ifindex == m->ifs[s].ifindex);
}

static const nt_dns_name *ent_name(const nt_mdns *m, size_t e)
{
    return m->ents[e].is_host ? &m->host : &m->ents[e].inst_name;
}

static size_t nsec_bitmap(uint8_t *out, const uint16_t *types, size_t n)
{
    size_t i, len = 0;
    /* RFC 4034 §4.1.2, window 0 only: every type we own is below 256. */
    memset(out, 0, 34);
    for (i = 0; i < n; i++) {
        size_t byte = types[i] / 8u;
        out[2 + byte] |= (uint8_t)(0x80u >> (types[i] % 8u));
        if (byte + 1 > len)
            len = byte + 1;
    }
    out[0] = 0;
    out[1] = (uint8_t)len;
    return 2 + len;
}

static bool name_put(uint8_t *buf, size_t cap, size_t *len, const nt_dns_name *n)
{
    if (*len + n->len > cap)
        return false;
    memcpy(buf + *len, n->wire, n->len);
    *len += n->len;
    return true;
}

bool ent_record(nt_mdns *m, size_t e, size_t ifslot, size_t slot, nt_dns_record *out, uint8_t *buf,
                size_t cap)
{
    ent *x = &m->ents[e];
    iface *f = &m->ifs[ifslot];
    size_t len = 0;

    memset(out, 0, sizeof(*out));
    out->rclass = NT_DNS_CLASS_IN;
    if (x->is_host) {
        uint16_t types[2];
        size_t nt = 0, i;
        bool have4 = false, have6 = false;
        out->owner = m->host;
        out->ttl = NT_MDNS_TTL_HOST;
        out->mdns_bit = true;
        for (i = 0; i < f->naddr; i++) {
            if (f->addrs[i].addr.family == NT_MDNS_INET4 && f->v4)
                have4 = true;
            if (f->addrs[i].addr.family == NT_MDNS_INET6 && f->v6)
                have6 = true;
        }
        if (slot < SLOT_HOST_NSEC) {
            const nt_mdns_ifaddr *a;
            if (slot >= f->naddr)
                return false;
            a = &f->addrs[slot];
            if (a->addr.family == NT_MDNS_INET4 && f->v4 && cap >= 4) {
                out->type = NT_DNS_TYPE_A;
                memcpy(buf, a->addr.bytes, 4);
                out->rdlength = 4;
            } else if (a->addr.family == NT_MDNS_INET6 && f->v6 && cap >= 16) {
                out->type = NT_DNS_TYPE_AAAA;
                memcpy(buf, a->addr.bytes, 16);
                out->rdlength = 16;
            } else {
                return false;
            }
            out->rdata = buf;
            return true;
        }
        if (slot != SLOT_HOST_NSEC || (!have4 && !have6))
            return false;
        /* §6.1: NSEC naming the types the host name has. */
        if (have4)
            types[nt++] = NT_DNS_TYPE_A;
        if (have6)
            types[nt++] = NT_DNS_TYPE_AAAA;
        if (!name_put(buf, cap, &len, &m->host) || len + 34 > cap)
            return false;
        len += nsec_bitmap(buf + len, types, nt);
        out->type = NT_DNS_TYPE_NSEC;
        out->rdata = buf;
        out->rdlength = (uint16_t)len;
        return true;
    }

    out->ttl = x->ttl != 0 ? x->ttl : NT_MDNS_TTL_OTHER;
    switch (slot) {
    case SLOT_PTR:
        out->owner = x->type_name;
        out->type = NT_DNS_TYPE_PTR;
        if (!name_put(buf, cap, &len, &x->inst_name))
            return false;
        break;
    case SLOT_SRV:
        out->owner = x->inst_name;
        out->type = NT_DNS_TYPE_SRV;
        out->ttl = x->ttl != 0 ? x->ttl : NT_MDNS_TTL_HOST;
        out->mdns_bit = true;
        if (cap < 6)
            return false;
        buf[0] = (uint8_t)(x->priority >> 8);
        buf[1] = (uint8_t)x->priority;
        buf[2] = (uint8_t)(x->weight >> 8);
        buf[3] = (uint8_t)x->weight;
        buf[4] = (uint8_t)(x->port >> 8);
        buf[5] = (uint8_t)x->port;
        len = 6;
        if (!name_put(buf, cap, &len, x->own_target ? &m->host : &x->target))
            return false;
        break;
    case SLOT_TXT:
        out->owner = x->inst_name;
        out->type = NT_DNS_TYPE_TXT;
        out->mdns_bit = true;
        if (x->txt_len > cap)
            return false;
        memcpy(buf, x->txt, x->txt_len);
        len = x->txt_len;
        break;
    case SLOT_ENUM:
        /* RFC 6763 §9: service type enumeration. */
        out->owner = x->enum_name;
        out->type = NT_DNS_TYPE_PTR;
        if (!name_put(buf, cap, &len, &x->type_name))
            return false;
        break;
    case SLOT_EXTRA:
        if (x->extra_type == 0 || x->extra_len > cap)
            return false;
        out->owner = x->extra_name;
        out->type = x->extra_type;
        out->ttl = x->extra_ttl != 0 ? x->extra_ttl : NT_MDNS_TTL_OTHER;
        out->mdns_bit = true; /* unique to the instance, like its TXT */
        memcpy(buf, x->extra_rdata, x->extra_len);
        len = x->extra_len;
        break;
    case SLOT_SVC_NSEC: {
        const uint16_t types[2] = {NT_DNS_TYPE_TXT, NT_DNS_TYPE_SRV};
        out->owner = x->inst_name;
        out->type = NT_DNS_TYPE_NSEC;
        out->mdns_bit = true;
        if (!name_put(buf, cap, &len, &x->inst_name) || len + 34 > cap)
            return false;
        len += nsec_bitmap(buf + len, types, 2);
        break;
    }
    default:
        if (slot < SLOT_SUB0 || slot - SLOT_SUB0 >= x->nsub)
            return false;
        /* RFC 6763 §7.1: <sub>._sub.<type> PTR <instance>. */
        out->owner = x->sub_names[slot - SLOT_SUB0];
        out->type = NT_DNS_TYPE_PTR;
        if (!name_put(buf, cap, &len, &x->inst_name))
            return false;
        break;
    }
    out->rdata = buf;
    out->rdlength = (uint16_t)len;
    return true;
}

static bool slot_is_nsec(const ent *x, size_t slot)
{
    return x->is_host ? slot == SLOT_HOST_NSEC : slot == SLOT_SVC_NSEC;
}

/* True if n is the owner of any record entity e has: checked before the
 * per-slot work so that traffic about other names costs a few compares. */
static bool ent_owns_name(const nt_mdns *m, size_t e, const nt_dns_name *n)
{
    const ent *x = &m->ents[e];
    size_t i;
    if (x->is_host)
        return nt_dns_name_equal(&m->host, n);
    if (nt_dns_name_equal(&x->inst_name, n) || nt_dns_name_equal(&x->type_name, n) ||
        nt_dns_name_equal(&x->enum_name, n) ||
        (x->extra_type != 0 && nt_dns_name_equal(&x->extra_name, n)))
        return true;
    for (i = 0; i < x->nsub; i++)
        if (nt_dns_name_equal(&x->sub_names[i], n))
            return true;
    return false;
}

bool ent_is_own_name(nt_mdns *m, const nt_dns_name *n)
{
    size_t e;
    for (e = 0; e < m->ents_hi; e++)
        if (m->ents[e].used && nt_dns_name_equal(ent_name(m, e), n))
            return true;
    return false;
}

/* ---- building and sending ---------------------------------------------------- */

typedef struct item {
    size_t ent, slot;
    uint16_t type;
    uint8_t section;
} item;

/* Room kept free per RRset for what the attach hook adds (an RRSIG: owner
 * pointer, fixed fields, signer name, 64-byte Ed25519 signature, DESIGN §2)
 * and once per packet for the host's DNSKEY, so that signatures are never
 * the records left out of a full packet. */
#define SIG_RESERVE(m) (2u + 10u + 18u + (size_t)(m)->host.len + 64u)
#define KEY_RESERVE 64u

#define PKT_ITEMS 128u

typedef struct pbuild {
    nt_mdns *m;
    size_t ifslot;
    bool unicast;
    const nt_mdns_endpoint *dst;
    bool legacy;             /* §6.7 shape: TTL <= 10, no cache-flush, question echoed */
    size_t cap;              /* legacy: the querier's size (legacy_cap); full: TC set */
    bool full;
    uint32_t ttl_force;      /* UINT32_MAX = keep; 0 = goodbye */
    uint16_t id;
    nt_dns_builder b;
    item items[PKT_ITEMS];
    size_t nitems;
    size_t nsets;            /* RRsets among items, for the signature reserve */
} pbuild;

/* The builder limit that leaves room for the signatures of nsets RRsets. */
static void pb_reserve(pbuild *p, size_t nsets)
{
    size_t cap = p->b.storage, need;
    if (p->m->cfg.attach == NULL)
        return;
    need = KEY_RESERVE + nsets * SIG_RESERVE(p->m);
    /* Clamped to what is written: a packet too small for its reserve just
     * takes no more items. */
    nt_dns_builder_set_limit(&p->b, cap > need ? cap - need : 0);
}

static void pb_flush(pbuild *p)
{
    nt_mdns *m = p->m;
    size_t i, j;
    nt_dns_record set[NT_MDNS_IFACE_ADDRS_MAX];
    uint8_t bufs[NT_MDNS_IFACE_ADDRS_MAX][64];
    uint8_t big[RR_BUF];

    if (p->nitems == 0)
        return;
    /* The signing layer: the attach hook adds records (RRSIG, DNSKEY) for
     * each of our RRsets in the packet, into the room pb_reserve kept. A
     * goodbye is signed too, as a goodbye (TTL 0 in the signed set), so a
     * browser that pins our key can tell it from a forged one. Identical
     * extras (the DNSKEY every set brings) go in once. */
    if (m->cfg.attach != NULL) {
        /* Copies of the keys already added: the hook's pointers last only
         * until its next call. */
        struct {
            uint8_t name[NT_DNS_NAME_MAX];
            size_t name_len;
            uint8_t rdata[64];
            size_t rdata_len;
        } added[4];
        size_t nadded = 0, a;
        nt_dns_builder_set_limit(&p->b, p->b.storage);
        for (i = 0; i < p->nitems; i++) {
            nt_dns_record first;
            size_t n = 0, k;
            bool seen = false;
            nt_mdns_rr hrr[NT_MDNS_IFACE_ADDRS_MAX];
            nt_mdns_rr extra[EXTRA_MAX];
            size_t nextra = 0;
            nt_mdns_rrset rs;
            if (!ent_record(m, p->items[i].ent, p->ifslot, p->items[i].slot, &first, big,
                            sizeof(big)))
                continue;
            for (j = 0; j < i && !seen; j++) {
                nt_dns_record o;
                uint8_t ob[RR_BUF];
                seen = p->items[j].ent == p->items[i].ent &&
                       ent_record(m, p->items[j].ent, p->ifslot, p->items[j].slot, &o, ob,
                                  sizeof(ob)) &&
                       o.type == first.type && nt_dns_name_equal(&o.owner, &first.owner);
            }
            if (seen)
                continue;
            for (k = 0; k < NSLOT && n < NT_MDNS_IFACE_ADDRS_MAX; k++) {
                if (!ent_record(m, p->items[i].ent, p->ifslot, k, &set[n], bufs[n], sizeof(bufs[n])))
                    continue;
                if (set[n].type != first.type || !nt_dns_name_equal(&set[n].owner, &first.owner))
                    continue;
                n++;
            }
            if (n == 0) {
                set[0] = first;
                n = 1;
            }
            for (k = 0; k < n; k++) {
                mdns_rr_view(&hrr[k], &set[k]);
                if (p->ttl_force != UINT32_MAX)
                    hrr[k].ttl = p->ttl_force;
            }
            rs.rrs = hrr;
            rs.count = n;
            if (m->cfg.attach(m->cfg.attach_ctx, m->ifs[p->ifslot].ifindex, &rs, m->now_ms,
                              extra, EXTRA_MAX, &nextra) != NT_OK)
                continue;
            for (k = 0; k < nextra && k < EXTRA_MAX; k++) {
                nt_dns_record r;
                bool dup = false;
                for (a = 0; a < nadded && !dup && extra[k].type == NT_DNS_TYPE_DNSKEY; a++)
                    dup = added[a].name_len == extra[k].name_len &&
                          added[a].rdata_len == extra[k].rdata_len &&
                          memcmp(added[a].name, extra[k].name, extra[k].name_len) == 0 &&
                          memcmp(added[a].rdata, extra[k].rdata, extra[k].rdata_len) == 0;
                if (dup)
                    continue;
                memset(&r, 0, sizeof(r));
                if (nt_dns_name_from_wire(&r.owner, extra[k].name, extra[k].name_len) != NT_OK ||
                    extra[k].rdata_len > 0xffff)
                    continue;
                r.type = extra[k].type;
                r.rclass = extra[k].rrclass;
                r.mdns_bit = extra[k].cache_flush && !p->legacy;
                r.ttl = extra[k].ttl;
                if (p->legacy && r.ttl > 10)
                    r.ttl = 10; /* §6.7 */
                r.rdata = extra[k].rdata;
                r.rdlength = (uint16_t)extra[k].rdata_len;
                if (nt_dns_builder_add_record(&p->b, NT_DNS_SEC_ADDITIONAL, &r) != NT_OK)
                    break;
                /* Only the DNSKEY repeats from set to set. */
                if (extra[k].type == NT_DNS_TYPE_DNSKEY && nadded < 4 &&
                    extra[k].name_len <= sizeof added[0].name &&
                    extra[k].rdata_len <= sizeof added[0].rdata) {
                    memcpy(added[nadded].name, extra[k].name, extra[k].name_len);
                    added[nadded].name_len = extra[k].name_len;
                    memcpy(added[nadded].rdata, extra[k].rdata, extra[k].rdata_len);
                    added[nadded].rdata_len = extra[k].rdata_len;
                    nadded++;
                }
            }
        }
    }
    if (p->unicast)
        mdns_out_push(m, p->ifslot, p->dst, m->pkt, nt_dns_builder_len(&p->b));
    else
        mdns_out_multicast(m, p->ifslot, m->pkt, nt_dns_builder_len(&p->b));
    m->stats.responses_sent++;
    p->nitems = 0;
}

static bool pb_start(pbuild *p, const nt_dns_msg *echo_q)
{
    size_t cap = p->legacy ? p->cap : p->m->cfg.max_packet;
    size_t i;
    if (nt_dns_builder_init(&p->b, p->m->pkt, cap, p->id,
                            (uint16_t)(NT_DNS_FLAG_QR | NT_DNS_FLAG_AA)) != NT_OK)
        return false;
    p->nitems = 0;
    p->nsets = 0;
    if (echo_q != NULL) {
        /* §6.7: a legacy reply repeats the question. */
        for (i = 0; i < echo_q->count[NT_DNS_SEC_QUESTION]; i++) {
            const nt_dns_rr *q = nt_dns_msg_get(echo_q, NT_DNS_SEC_QUESTION, i);
            nt_dns_name qn;
            nt_dns_rr_owner(echo_q, q, &qn);
            if (nt_dns_builder_add_question(&p->b, &qn, q->type, q->rclass, false) != NT_OK)
                return false;
        }
    }
    return true;
}

static bool pb_has(const pbuild *p, size_t e, size_t slot)
{
    size_t i;
    for (i = 0; i < p->nitems; i++) {
        if (p->items[i].ent == e && p->items[i].slot == slot)
            return true;
        /* Services of one type share the same enumeration PTR record. */
        if (slot == SLOT_ENUM && p->items[i].slot == SLOT_ENUM &&
            !p->m->ents[e].is_host && !p->m->ents[p->items[i].ent].is_host &&
            nt_dns_name_equal(&p->m->ents[e].type_name, &p->m->ents[p->items[i].ent].type_name))
            return true;
    }
    return false;
}

/* Adds one of our records. Answers that do not fit start a new packet;
 * additional records that do not fit are left out (they are a courtesy). */
/* Does a record of type from entity e start an RRset not yet in the packet?
 * Only the host's address records share a set across slots; counting the
 * rest as new over-reserves a little, which only splits packets sooner. */
static bool pb_new_set(const pbuild *p, size_t e, uint16_t type)
{
    size_t i;
    if (type != NT_DNS_TYPE_A && type != NT_DNS_TYPE_AAAA)
        return true;
    for (i = 0; i < p->nitems; i++)
        if (p->items[i].ent == e && p->items[i].type == type)
            return false;
    return true;
}

static void pb_add(pbuild *p, size_t e, size_t slot, uint8_t section)
{
    nt_dns_record r;
    uint8_t buf[RR_BUF];
    nt_status st;
    bool new_set;
    if (pb_has(p, e, slot) || p->nitems >= PKT_ITEMS || p->full)
        return;
    if (!ent_record(p->m, e, p->ifslot, slot, &r, buf, sizeof(buf)))
        return;
    if (p->ttl_force != UINT32_MAX)
        r.ttl = p->ttl_force;
    if (p->legacy) {
        r.mdns_bit = false;
        if (r.ttl > 10)
            r.ttl = 10; /* §6.7 */
    }
    new_set = pb_new_set(p, e, r.type);
    pb_reserve(p, p->nsets + (new_set ? 1u : 0u));
    st = nt_dns_builder_add_record(&p->b, (nt_dns_section)section, &r);
    if (st == NT_ERR_NOSPACE && section == NT_DNS_SEC_ANSWER && p->legacy) {
        /* One reply of the querier's size: what does not fit is left out,
         * and TC says so (RFC 1035 §4.1.1). */
        nt_dns_builder_set_flags(&p->b, (uint16_t)(NT_DNS_FLAG_QR | NT_DNS_FLAG_AA |
                                                    NT_DNS_FLAG_TC));
        p->full = true;
        return;
    }
    if (st == NT_ERR_NOSPACE && section == NT_DNS_SEC_ANSWER && p->nitems != 0) {
        pb_flush(p);
        if (!pb_start(p, NULL))
            return;
        new_set = true;
        pb_reserve(p, 1);
        st = nt_dns_builder_add_record(&p->b, (nt_dns_section)section, &r);
    }
    if (st != NT_OK)
        return;
    p->items[p->nitems].ent = e;
    p->items[p->nitems].slot = slot;
    p->items[p->nitems].type = r.type;
    p->items[p->nitems].section = section;
    p->nitems++;
    p->nsets += new_set ? 1u : 0u;
}

/* Additional records for an answer: RFC 6763 §12 and RFC 6762 §6.2. */
static void add_additionals(nt_mdns *m, size_t e, size_t slot, size_t ifslot, size_t *outs,
                            size_t *n, size_t cap)
{
    const ent *x = &m->ents[e];
    bool want_host = false, host_nsec = false;
    size_t k;
    nt_dns_record r;
    uint8_t buf[RR_BUF];
    bool have4 = false, have6 = false;

#define ADD(E, S)                                      \
    do {                                               \
        if (*n + 1 < cap) {                            \
            outs[(*n)++] = (E) * 64u + (S);            \
        }                                              \
    } while (0)

    if (!x->is_host && (slot == SLOT_PTR || (slot >= SLOT_SUB0 && slot < SLOT_SVC_NSEC))) {
        ADD(e, SLOT_SRV);
        ADD(e, SLOT_TXT);
        want_host = x->own_target;
    } else if (!x->is_host && slot == SLOT_SRV) {
        want_host = x->own_target;
    }
    /* The extra RRset (the signed metadata TXT) goes with the instance's
     * SRV and TXT, so a browser resolving it gets it in the same message. */
    if (!x->is_host && x->extra_type != 0 && slot != SLOT_EXTRA &&
        (slot == SLOT_PTR || slot == SLOT_SRV || slot == SLOT_TXT ||
         (slot >= SLOT_SUB0 && slot < SLOT_SVC_NSEC)))
        ADD(e, SLOT_EXTRA);
    if (x->is_host && slot < SLOT_HOST_NSEC)
        want_host = true;
    if (!want_host || m->ents[0].st[ifslot].phase < PH_ANNOUNCING)
        return;
    for (k = 0; k < SLOT_HOST_NSEC; k++) {
        if (!ent_record(m, 0, ifslot, k, &r, buf, sizeof(buf)))
            continue;
        if (r.type == NT_DNS_TYPE_A)
            have4 = true;
        else
            have6 = true;
        ADD(0, k);
    }
    host_nsec = !have4 || !have6; /* §6.2: say which address type does not exist */
    if (host_nsec)
        ADD(0, SLOT_HOST_NSEC);
#undef ADD
}

/* ---- goodbyes, probes, announcements ---------------------------------------- */

/* The _services._dns-sd._udp PTR to our type is shared by all our services
 * of that type: it stays while another one is announced here. */
static bool enum_shared(const nt_mdns *m, size_t e, size_t ifslot)
{
    size_t k;
    for (k = 1; k < m->ents_hi; k++)
        if (k != e && m->ents[k].used && m->ents[k].st[ifslot].announced &&
            nt_dns_name_equal(&m->ents[k].type_name, &m->ents[e].type_name))
            return true;
    return false;
}

/* keep_enum: the entity goes on with the same type under a new name. */
static void goodbye(nt_mdns *m, size_t e, size_t ifslot, bool keep_enum)
{
    estate *st = &m->ents[e].st[ifslot];
    pbuild p;
    size_t k;
    if (!st->announced || !m->ifs[ifslot].used)
        return;
    memset(&p, 0, sizeof(p));
    p.m = m;
    p.ifslot = ifslot;
    p.ttl_force = 0; /* §10.1 */
    if (!m->ents[e].is_host && (keep_enum || enum_shared(m, e, ifslot)))
        keep_enum = true;
    else
        keep_enum = false;
    if (pb_start(&p, NULL)) {
        for (k = 0; k < NSLOT; k++)
            if (!slot_is_nsec(&m->ents[e], k) && !(keep_enum && k == SLOT_ENUM))
                pb_add(&p, e, k, NT_DNS_SEC_ANSWER);
        pb_flush(&p);
    }
    st->announced = false;
    for (k = 0; k < MAX_PENDING_ANSWERS; k++)
        if (m->pa[k].used && m->pa[k].ent == e && m->pa[k].ifslot == ifslot)
            m->pa[k].used = false;
}

void mdns_resp_goodbye(nt_mdns *m, size_t e, size_t ifslot)
{
    goodbye(m, e, ifslot, false);
}

/* §10.1, §8.4: addresses the interface no longer has are withdrawn with
 * goodbyes before the new set is probed and announced. */
void mdns_resp_addrs_changed(nt_mdns *m, size_t ifslot, const nt_mdns_ifaddr *keep, size_t nkeep)
{
    iface *f = &m->ifs[ifslot];
    pbuild p;
    size_t k, j;
    if (!m->ents[0].st[ifslot].announced || m->shut)
        return;
    memset(&p, 0, sizeof(p));
    p.m = m;
    p.ifslot = ifslot;
    p.ttl_force = 0;
    if (!pb_start(&p, NULL))
        return;
    for (k = 0; k < f->naddr; k++) {
        bool kept = false;
        for (j = 0; j < nkeep && !kept; j++)
            kept = keep[j].addr.family == f->addrs[k].addr.family &&
                   memcmp(keep[j].addr.bytes, f->addrs[k].addr.bytes, 16) == 0;
        if (!kept)
            pb_add(&p, 0, SLOT_HOST_ADDR0 + k, NT_DNS_SEC_ANSWER);
    }
    pb_flush(&p);
}

#define PROBE_BATCH 32u /* entities probed in one message, at most */

/* Writes one probe message for entities due[0..n) on interface slot s:
 * §8.1 asks that a host probing for several names put them in one message
 * (as Bonjour does: the host name and its services together). Each name is
 * an "ANY" question (QU on an entity's first probe), followed by all our
 * proposed records in the authority section for the tiebreak (§8.2).
 * false if they do not fit in one message. */
static bool probe_message(nt_mdns *m, size_t s, const size_t *due, const bool *qu, size_t n)
{
    nt_dns_builder b;
    size_t i, k;
    nt_dns_record r;
    uint8_t buf[RR_BUF];
    if (nt_dns_builder_init(&b, m->pkt, m->cfg.max_packet, 0, 0) != NT_OK)
        return false;
    for (i = 0; i < n; i++)
        if (nt_dns_builder_add_question(&b, ent_name(m, due[i]), NT_DNS_TYPE_ANY,
                                        NT_DNS_CLASS_IN, qu[i]) != NT_OK)
            return false;
    for (i = 0; i < n; i++) {
        size_t e = due[i];
        for (k = 0; k < NSLOT; k++) {
            if (slot_is_nsec(&m->ents[e], k) || !ent_record(m, e, s, k, &r, buf, sizeof(buf)))
                continue;
            if (!r.mdns_bit || !nt_dns_name_equal(&r.owner, ent_name(m, e)))
                continue;
            r.mdns_bit = false;
            if (nt_dns_builder_add_record(&b, NT_DNS_SEC_AUTHORITY, &r) != NT_OK)
                return n == 1; /* one name's own records: send what fits */
        }
    }
    mdns_out_multicast(m, s, m->pkt, nt_dns_builder_len(&b));
    m->stats.queries_sent++;
    return true;
}

/* Sends the probes of due[0..n): in one message when they fit, else in
 * halves. */
static void send_probes(nt_mdns *m, size_t s, const size_t *due, const bool *qu, size_t n)
{
    if (n == 0 || probe_message(m, s, due, qu, n))
        return;
    send_probes(m, s, due, qu, n / 2);
    send_probes(m, s, due + n / 2, qu + n / 2, n - n / 2);
}

static void send_announce(nt_mdns *m, size_t e, size_t s, uint64_t now)
{
    pbuild p;
    size_t k;
    memset(&p, 0, sizeof(p));
    p.m = m;
    p.ifslot = s;
    p.ttl_force = UINT32_MAX;
    if (!pb_start(&p, NULL))
        return;
    for (k = 0; k < NSLOT; k++) {
        if (slot_is_nsec(&m->ents[e], k))
            continue;
        pb_add(&p, e, k, NT_DNS_SEC_ANSWER);
        m->ents[e].st[s].last_mcast[k] = now;
    }
    pb_flush(&p);
    m->ents[e].st[s].announced = true;
}

static bool ent_has_records(nt_mdns *m, size_t e, size_t s)
{
    nt_dns_record r;
    uint8_t buf[RR_BUF];
    size_t k;
    for (k = 0; k < NSLOT; k++)
        if (!slot_is_nsec(&m->ents[e], k) && ent_record(m, e, s, k, &r, buf, sizeof(buf)))
            return true;
    return false;
}

static void ent_event(nt_mdns *m, size_t e, nt_mdns_event_kind kind, const char *previous)
{
    nt_mdns_event *ev = mdns_event_new(m, kind);
    const ent *x = &m->ents[e];
    if (ev == NULL)
        return;
    ev->service = x->id;
    if (x->is_host) {
        mdns_name_text(&m->host, 0, 0, ev->host, sizeof(ev->host));
    } else {
        snprintf(ev->instance, sizeof(ev->instance), "%s", x->instance);
        mdns_name_text(&x->type_name, 0, 2, ev->type, sizeof(ev->type));
        mdns_name_text(&x->type_name, 2, 0, ev->domain, sizeof(ev->domain));
        mdns_name_text(x->own_target ? &m->host : &x->target, 0, 0, ev->host, sizeof(ev->host));
        ev->port = x->port;
        ev->priority = x->priority;
        ev->weight = x->weight;
        ev->have_srv = true;
    }
    if (previous != NULL)
        snprintf(ev->previous, sizeof(ev->previous), "%s", previous);
}

static void probe_start(nt_mdns *m, size_t e, size_t s, uint64_t now, uint64_t delay_max)
{
    estate *st = &m->ents[e].st[s];
    st->phase = PH_WAIT;
    st->count = 0;
    /* §8.1: a random 0-250 ms delay before the first probe. */
    st->next_ms = now + mdns_rand_range(m, 0, delay_max);
}

void mdns_resp_start(nt_mdns *m, size_t e, uint64_t now)
{
    size_t s;
    for (s = 0; s < m->cfg.max_interfaces; s++)
        if (ent_on_iface(m, e, s))
            probe_start(m, e, s, now, PROBE_INTERVAL_MS);
    if (!m->ents[e].is_host)
        ent_event(m, e, NT_MDNS_EV_PUBLISH_PROBING, NULL);
}

bool mdns_resp_host_reannounce(nt_mdns *m, size_t s, uint64_t now)
{
    estate *st;
    if (!ent_on_iface(m, 0, s))
        return true; /* no host records here: nothing to say */
    st = &m->ents[0].st[s];
    if (st->phase < PH_ANNOUNCING)
        return false;
    st->phase = PH_ANNOUNCING;
    st->count = 0;
    st->next_ms = now;
    return true;
}

void mdns_resp_iface_up(nt_mdns *m, size_t s, uint64_t now)
{
    size_t e;
    /* One random delay for all: their probes then share messages. */
    uint64_t at = now + mdns_rand_range(m, 0, PROBE_INTERVAL_MS);
    for (e = 0; e < m->ents_hi; e++)
        if (ent_on_iface(m, e, s)) {
            probe_start(m, e, s, now, 0);
            m->ents[e].st[s].next_ms = at;
        }
}

/* Builds "Name (n)" from the base, cutting the base at a UTF-8 character
 * boundary if the result would pass 63 octets (RFC 6763 §4.1.1). */
static void rename_instance(ent *x)
{
    char suffix[16];
    size_t sl, bl = strlen(x->base);
    snprintf(suffix, sizeof(suffix), " (%u)", x->renames + 1u);
    sl = strlen(suffix);
    while (bl + sl > NT_DNS_LABEL_MAX) {
        bl--;
        while (bl > 0 && ((unsigned char)x->base[bl] & 0xC0u) == 0x80u)
            bl--;
    }
    memcpy(x->instance, x->base, bl);
    memcpy(x->instance + bl, suffix, sl + 1);
}

static nt_status ent_build_names(ent *x)
{
    if (nt_dns_name_prepend(&x->inst_name, (const uint8_t *)x->instance, strlen(x->instance),
                            &x->type_name) != NT_OK)
        return NT_ERR_MDNS_NAME;
    if (x->extra_type != 0 &&
        nt_dns_name_prepend(&x->extra_name, (const uint8_t *)x->extra_label,
                            strlen(x->extra_label), &x->inst_name) != NT_OK)
        return NT_ERR_MDNS_NAME;
    return NT_OK;
}

/* Another of our own services has this instance name already: our own
 * probes never reach us (they are dropped as looped back), so the engine
 * itself must keep its names apart. */
static bool name_taken(const nt_mdns *m, size_t e)
{
    size_t k;
    for (k = 1; k < m->ents_hi; k++)
        if (k != e && m->ents[k].used && nt_dns_name_equal(&m->ents[k].inst_name, &m->ents[e].inst_name))
            return true;
    return false;
}

/* Next free "Name (n)". */
static nt_status rename_next(nt_mdns *m, size_t e)
{
    ent *x = &m->ents[e];
    do {
        if (++x->renames > RENAME_MAX)
            return NT_ERR_CAP;
        rename_instance(x);
        if (ent_build_names(x) != NT_OK)
            return NT_ERR_MDNS_NAME;
    } while (name_taken(m, e));
    return NT_OK;
}

/* We lost our name (§8.1 probe conflict, §9 after re-probing): pick the next
 * name and probe again. */
static void conflict(nt_mdns *m, size_t e, uint64_t now)
{
    ent *x = &m->ents[e];
    char previous[NT_MDNS_NAME_MAX];
    size_t s;

    m->stats.conflicts++;
    for (s = 0; s < m->cfg.max_interfaces; s++)
        if (ent_on_iface(m, e, s))
            goodbye(m, e, s, true);
    if (x->is_host) {
        char label[NT_MDNS_LABEL_MAX];
        mdns_name_text(&m->host, 0, 0, previous, sizeof(previous));
        if (++m->host_renames > RENAME_MAX)
            goto fail;
        snprintf(label, sizeof(label), "%.50s-%u", m->host_base, m->host_renames + 1u);
        memcpy(m->host_label, label, sizeof(label));
        if (mdns_host_build(m) != NT_OK)
            goto fail;
    } else {
        snprintf(previous, sizeof(previous), "%s", x->instance);
        if (rename_next(m, e) != NT_OK)
            goto fail;
    }
    ent_event(m, e, NT_MDNS_EV_PUBLISH_CONFLICT, previous);
    /* §8.1: after a conflict, probe the new name with the usual random
     * delay; after 15 conflicts within 10 s, wait 5 s before each further
     * attempt (a misbehaving or hostile host cannot make us flood). */
    {
        /* The ring holds the times of the last 15 conflicts; the oldest
         * within 10 s means 15 in a ten-second period. */
        uint64_t prev = m->conflict_ring[(m->conflict_pos + CONFLICT_RING - 1u) % CONFLICT_RING];
        bool slow;
        m->conflict_ring[m->conflict_pos] = now;
        m->conflict_pos = (m->conflict_pos + 1u) % CONFLICT_RING;
        m->conflict_count++;
        /* Once slowed down, stay slow while conflicts keep coming within
         * ten seconds of each other. */
        slow = (m->conflict_count >= CONFLICT_RING &&
                now - m->conflict_ring[m->conflict_pos] < 10000u) ||
               (m->conflict_slow && now - prev < 10000u);
        m->conflict_slow = slow;
        for (s = 0; s < m->cfg.max_interfaces; s++) {
            if (!ent_on_iface(m, e, s))
                continue;
            probe_start(m, e, s, now, PROBE_INTERVAL_MS);
            if (slow)
                m->ents[e].st[s].next_ms = now + 5000u;
        }
    }
    if (x->is_host) {
        /* Our SRV records point at the host: announce them again. */
        size_t k;
        for (k = 1; k < m->ents_hi; k++) {
            if (!m->ents[k].used || !m->ents[k].own_target)
                continue;
            for (s = 0; s < m->cfg.max_interfaces; s++)
                if (ent_on_iface(m, k, s) && m->ents[k].st[s].phase >= PH_ANNOUNCING) {
                    m->ents[k].st[s].phase = PH_ANNOUNCING;
                    m->ents[k].st[s].count = 0;
                    m->ents[k].st[s].next_ms = now;
                }
        }
    }
    return;

fail:
    for (s = 0; s < m->cfg.max_interfaces; s++)
        m->ents[e].st[s].phase = PH_NONE;
    ent_event(m, e, NT_MDNS_EV_PUBLISH_FAILED, previous);
    {
        nt_mdns_event *ev = m->ev_tail != NULL ? &m->ev_tail->ev : NULL;
        if (ev != NULL && ev->kind == NT_MDNS_EV_PUBLISH_FAILED)
            snprintf(ev->reason, sizeof(ev->reason), "too many name conflicts");
    }
}

/* ---- intake: queries ------------------------------------------------------ */

/* §6.7: a legacy querier is a unicast DNS client, and its reply is a
 * conventional DNS response: 512 bytes, or the UDP payload size its EDNS(0)
 * OPT record offers (RFC 6891), up to the largest mDNS message. Its source
 * address and port are whatever the sender wrote, so a bigger reply (or
 * several) would be a flood at someone else. */
static size_t legacy_cap(const nt_dns_msg *msg)
{
    size_t i, cap = 512;
    nt_dns_opt opt;
    for (i = msg->first[NT_DNS_SEC_ANSWER]; i < msg->nrr; i++) {
        const nt_dns_rr *rr = &msg->rr[i];
        if (rr->section == NT_DNS_SEC_ADDITIONAL && rr->type == NT_DNS_TYPE_OPT &&
            rr->status == NT_OK && nt_dns_rr_get_opt(msg, rr, &opt) == NT_OK &&
            opt.udp_size > cap)
            cap = opt.udp_size;
    }
    return cap < NT_MDNS_PACKET_MAX ? cap : NT_MDNS_PACKET_MAX;
}

static kaset *ka_find(nt_mdns *m, size_t ifslot, const nt_mdns_endpoint *src, uint64_t now)
{
    size_t i;
    for (i = 0; i < m->cfg.max_known_answer_sets; i++) {
        kaset *k = &m->ka[i];
        if (!k->used)
            continue;
        if (k->deadline_ms < now) {
            k->used = false;
            continue;
        }
        if (k->ifslot == ifslot && k->src.port == src->port &&
            k->src.addr.family == src->addr.family &&
            memcmp(k->src.addr.bytes, src->addr.bytes, 16) == 0)
            return k;
    }
    return NULL;
}

static kaset *ka_new(nt_mdns *m, size_t ifslot, const nt_mdns_endpoint *src, uint64_t deadline)
{
    size_t i;
    for (i = 0; i < m->cfg.max_known_answer_sets; i++) {
        kaset *k = &m->ka[i];
        if (k->used)
            continue;
        k->used = true;
        k->tag = m->next_tag++;
        if (m->next_tag == 0)
            m->next_tag = 1;
        k->ifslot = ifslot;
        k->src = *src;
        k->deadline_ms = deadline;
        k->answers = 0;
        return k;
    }
    m->stats.tc_pending_dropped++;
    return NULL;
}

/* Known answers of the query (its answer section) as records. */
static size_t known_answers(nt_mdns *m, nt_dns_record *kas, size_t cap)
{
    const nt_dns_msg *msg = &m->msg;
    size_t i, n = 0, used = 0;
    for (i = 0; i < msg->count[NT_DNS_SEC_ANSWER]; i++) {
        const nt_dns_rr *rr = nt_dns_msg_get(msg, NT_DNS_SEC_ANSWER, i);
        if (n >= cap) {
            m->stats.records_dropped++;
            break;
        }
        if (rr->status != NT_OK)
            continue;
        if (nt_dns_rr_to_record(msg, rr, &kas[n], m->rdbuf + used, sizeof(m->rdbuf) - used) !=
            NT_OK)
            continue;
        used += kas[n].rdlength;
        n++;
    }
    m->rd_used = used;
    return n;
}

/* A signing responder counts only known answers that pass the verify hook
 * (RFC 6762 §7.1 assumes honest queriers): an unsigned copy of a signed
 * record in a query, or in the rest of a truncated one, must not keep our
 * signed answer off the LAN. Rejected known answers are dropped from
 * kas[0..n); returns how many remain. */
static size_t ka_judge(nt_mdns *m, size_t ifslot, const nt_mdns_endpoint *src,
                       nt_dns_record *kas, size_t n, uint64_t now)
{
    nt_mdns_judgement *jd;
    bool *lead;
    size_t i, k = 0;
    if (m->cfg.verify == NULL || m->cfg.attach == NULL || n == 0)
        return n;
    jd = nt_calloc(n, sizeof(*jd));
    lead = nt_calloc(n, sizeof(*lead));
    if (jd == NULL || lead == NULL || mdns_judge(m, ifslot, src, kas, n, now, jd, lead) != NT_OK) {
        n = 0; /* cannot judge them: suppress nothing */
        goto cleanup;
    }
    for (i = 0; i < n; i++) {
        if (jd[i].verdict != NT_MDNS_ACCEPT) {
            m->stats.suppress_refused++;
            continue;
        }
        kas[k++] = kas[i];
    }
    n = k;
cleanup:
    nt_free(jd);
    nt_free(lead);
    return n;
}

/* §7.1: an answer the querier already has with at least half our TTL. */
static bool ka_suppresses(const nt_dns_record *kas, size_t nka, const nt_dns_record *r)
{
    size_t i;
    for (i = 0; i < nka; i++)
        if (kas[i].ttl >= r->ttl / 2 && kas[i].ttl != 0 && mdns_rr_equal(&kas[i], r))
            return true;
    return false;
}

static void pending_suppress(nt_mdns *m, size_t ifslot, uint32_t tag, const nt_dns_record *kas,
                             size_t nka)
{
    size_t i;
    nt_dns_record r;
    uint8_t buf[RR_BUF];
    for (i = 0; i < MAX_PENDING_ANSWERS; i++) {
        pans *p = &m->pa[i];
        if (!p->used || p->ifslot != ifslot || p->ka_tag != tag)
            continue;
        if (!ent_record(m, p->ent, ifslot, p->slot, &r, buf, sizeof(buf)))
            continue;
        if (ka_suppresses(kas, nka, &r)) {
            p->used = false;
            m->stats.answers_suppressed++;
        }
    }
}

/* A full table makes room for a multicast answer or a defence by dropping a
 * pending unicast answer: unicast answers are one per querier address, so
 * queries from many on-link addresses (truncated ones wait 400-500 ms,
 * §7.2) can fill the table, and what the whole link must hear (our answer
 * to a probe, §8.1; our record again after a spoofed goodbye) must not be
 * what is lost. */
static void pending_add(nt_mdns *m, size_t ifslot, size_t e, size_t slot, uint8_t section,
                        bool unicast, const nt_mdns_endpoint *dst, uint64_t due, uint32_t tag,
                        bool defend)
{
    size_t i, freeslot = SIZE_MAX, spare = SIZE_MAX;
    for (i = 0; i < MAX_PENDING_ANSWERS; i++) {
        pans *p = &m->pa[i];
        if (!p->used) {
            if (freeslot == SIZE_MAX)
                freeslot = i;
            continue;
        }
        if (p->unicast && !p->defend && spare == SIZE_MAX)
            spare = i;
        if (p->ifslot == ifslot && p->ent == e && p->slot == slot && p->unicast == unicast &&
            (!unicast || (p->dst.port == dst->port &&
                          memcmp(p->dst.addr.bytes, dst->addr.bytes, 16) == 0))) {
            /* Already going: the earlier time wins; an answer beats an additional. */
            if (due < p->due_ms)
                p->due_ms = due;
            if (section == NT_DNS_SEC_ANSWER)
                p->section = NT_DNS_SEC_ANSWER;
            p->defend = p->defend || defend;
            if (tag != 0)
                p->ka_tag = tag;
            return;
        }
    }
    if (freeslot == SIZE_MAX && (!unicast || defend))
        freeslot = spare;
    if (freeslot == SIZE_MAX) {
        m->stats.answers_suppressed++;
        return;
    }
    if (m->pa[freeslot].used)
        m->stats.answers_suppressed++; /* the unicast answer it replaces */
    m->pa[freeslot].used = true;
    m->pa[freeslot].ifslot = ifslot;
    m->pa[freeslot].ent = (uint16_t)e;
    m->pa[freeslot].slot = (uint8_t)slot;
    m->pa[freeslot].section = section;
    m->pa[freeslot].unicast = unicast;
    if (dst != NULL)
        m->pa[freeslot].dst = *dst;
    m->pa[freeslot].due_ms = due;
    m->pa[freeslot].ka_tag = tag;
    m->pa[freeslot].defend = defend;
}

/* §8.2: compare our and their proposed records for the name, sorted; the
 * lexicographically later set wins. Returns <0 if we lose, 0 on a tie. */
static int tiebreak(nt_mdns *m, size_t e, size_t s, const nt_dns_name *name)
{
    const nt_dns_msg *msg = &m->msg;
    nt_dns_record ours[NSLOT], theirs[32], tmp;
    uint8_t obuf[NSLOT][RR_BUF / 2];
    size_t no = 0, nt = 0, i, j, used = m->rd_used;

    for (i = 0; i < NSLOT; i++) {
        if (slot_is_nsec(&m->ents[e], i) ||
            !ent_record(m, e, s, i, &ours[no], obuf[no], sizeof(obuf[no])))
            continue;
        if (ours[no].mdns_bit && nt_dns_name_equal(&ours[no].owner, name))
            no++;
    }
    for (i = 0; i < msg->count[NT_DNS_SEC_AUTHORITY] && nt < 32; i++) {
        const nt_dns_rr *rr = nt_dns_msg_get(msg, NT_DNS_SEC_AUTHORITY, i);
        if (rr->status != NT_OK)
            continue;
        if (nt_dns_rr_to_record(msg, rr, &theirs[nt], m->rdbuf + used, sizeof(m->rdbuf) - used) !=
            NT_OK)
            continue;
        if (!nt_dns_name_equal(&theirs[nt].owner, name))
            continue;
        used += theirs[nt].rdlength;
        nt++;
    }
    /* Insertion sort: a handful of records. */
    for (i = 1; i < no; i++)
        for (j = i; j > 0 && mdns_rr_lexcmp(&ours[j - 1], &ours[j]) > 0; j--) {
            tmp = ours[j];
            ours[j] = ours[j - 1];
            ours[j - 1] = tmp;
        }
    for (i = 1; i < nt; i++)
        for (j = i; j > 0 && mdns_rr_lexcmp(&theirs[j - 1], &theirs[j]) > 0; j--) {
            tmp = theirs[j];
            theirs[j] = theirs[j - 1];
            theirs[j - 1] = tmp;
        }
    for (i = 0; i < no && i < nt; i++) {
        int c = mdns_rr_lexcmp(&ours[i], &theirs[i]);
        if (c != 0)
            return c;
    }
    if (no == nt)
        return 0;
    return no > nt ? 1 : -1;
}

void mdns_resp_query(nt_mdns *m, size_t ifslot, const nt_mdns_packet_in *pkt, uint64_t now)
{
    const nt_dns_msg *msg = &m->msg;
    nt_dns_record *kas = NULL;
    size_t nka = 0, qi, e, k, i;
    bool legacy = pkt->src.port != NT_MDNS_PORT;
    bool tc = (msg->flags & NT_DNS_FLAG_TC) != 0;
    bool probe = msg->count[NT_DNS_SEC_AUTHORITY] != 0;
    size_t nq = msg->count[NT_DNS_SEC_QUESTION];
    size_t *ans = NULL, nans = 0, *add = NULL, nadd = 0;
    size_t acap;
    bool any_shared = false, any_defend = false, qu_all = true;
    bool unicast_q = !pkt->dst_multicast;
    kaset *ks;
    uint32_t tag = 0;
    nt_dns_record r;
    uint8_t buf[RR_BUF];

    kas = m->kas;
    acap = (size_t)NSLOT * 4u + 64u;
    ans = nt_calloc(acap, sizeof(*ans));
    add = nt_calloc(acap, sizeof(*add));
    if (ans == NULL || add == NULL)
        goto cleanup;
    nka = known_answers(m, kas, m->cfg.max_known_answers);
    nka = ka_judge(m, ifslot, &pkt->src, kas, nka, now);

    /* §7.2: the rest of a truncated known-answer list. */
    ks = legacy ? NULL : ka_find(m, ifslot, &pkt->src, now);
    if (ks != NULL) {
        if (ks->answers + nka > m->cfg.max_known_answers) {
            m->stats.tc_pending_dropped++;
        } else {
            ks->answers += nka;
            pending_suppress(m, ifslot, ks->tag, kas, nka);
        }
        if (tc) {
            uint64_t due = now + mdns_rand_range(m, 400, 500);
            ks->deadline_ms = due;
            for (i = 0; i < MAX_PENDING_ANSWERS; i++)
                if (m->pa[i].used && m->pa[i].ka_tag == ks->tag)
                    m->pa[i].due_ms = due;
        }
        if (nq == 0)
            goto cleanup;
    }

    for (qi = 0; qi < nq; qi++) {
        const nt_dns_rr *q = nt_dns_msg_get(msg, NT_DNS_SEC_QUESTION, qi);
        nt_dns_name qn;
        bool qu = (q->flags & NT_DNS_RR_MDNS_BIT) != 0;
        bool answered = false;
        size_t own_ent = SIZE_MAX;

        if (q->rclass != NT_DNS_CLASS_IN && q->rclass != NT_DNS_CLASS_ANY)
            continue;
        if (!qu)
            qu_all = false;
        nt_dns_rr_owner(msg, q, &qn);
        for (e = 0; e < m->ents_hi; e++) {
            estate *st;
            if (!ent_on_iface(m, e, ifslot))
                continue;
            if (!ent_owns_name(m, e, &qn))
                continue;
            st = &m->ents[e].st[ifslot];
            if (nt_dns_name_equal(ent_name(m, e), &qn))
                own_ent = e;
            if (probe && st->phase == PH_PROBING && nt_dns_name_equal(ent_name(m, e), &qn) &&
                !legacy) {
                int c = tiebreak(m, e, ifslot, &qn);
                if (c < 0) {
                    /* §8.2: lost; wait one second, then probe again. */
                    st->phase = PH_WAIT;
                    st->count = 0;
                    st->next_ms = now + 1000u;
                }
                continue;
            }
            if (st->phase < PH_ANNOUNCING)
                continue;
            for (k = 0; k < NSLOT; k++) {
                if (slot_is_nsec(&m->ents[e], k) || !ent_record(m, e, ifslot, k, &r, buf, sizeof(buf)))
                    continue;
                if ((q->type != NT_DNS_TYPE_ANY && q->type != r.type) ||
                    !nt_dns_name_equal(&r.owner, &qn))
                    continue;
                answered = true;
                if (ka_suppresses(kas, nka, &r)) {
                    m->stats.answers_suppressed++;
                    continue;
                }
                if (nans + 1 < acap)
                    ans[nans++] = e * 64u + k;
                if (!r.mdns_bit)
                    any_shared = true;
                if (probe && nt_dns_name_equal(ent_name(m, e), &qn))
                    any_defend = true;
            }
        }
        /* §6.1: a name we own, asked for a type it does not have. */
        if (!answered && own_ent != SIZE_MAX &&
            m->ents[own_ent].st[ifslot].phase >= PH_ANNOUNCING && q->type != NT_DNS_TYPE_ANY) {
            size_t ns = m->ents[own_ent].is_host ? SLOT_HOST_NSEC : SLOT_SVC_NSEC;
            if (ent_record(m, own_ent, ifslot, ns, &r, buf, sizeof(buf)) &&
                !ka_suppresses(kas, nka, &r) && nans + 1 < acap)
                ans[nans++] = own_ent * 64u + ns;
        }
    }
    if (nans == 0)
        goto cleanup;
    for (i = 0; i < nans; i++)
        add_additionals(m, ans[i] / 64u, ans[i] % 64u, ifslot, add, &nadd, acap);

    if (legacy) {
        /* §6.7: one unicast reply to the querier's port, ID copied,
         * question repeated, TTL at most 10 s, no cache-flush bits. */
        pbuild p;
        memset(&p, 0, sizeof(p));
        p.m = m;
        p.ifslot = ifslot;
        p.unicast = true;
        p.dst = &pkt->src;
        p.legacy = true;
        p.cap = legacy_cap(msg);
        p.ttl_force = UINT32_MAX;
        p.id = msg->id;
        if (!pb_start(&p, msg))
            goto cleanup;
        for (i = 0; i < nans; i++)
            pb_add(&p, ans[i] / 64u, ans[i] % 64u, NT_DNS_SEC_ANSWER);
        for (i = 0; i < nadd; i++)
            pb_add(&p, add[i] / 64u, add[i] % 64u, NT_DNS_SEC_ADDITIONAL);
        pb_flush(&p);
        goto cleanup;
    }

    {
        uint64_t due;
        if (tc) {
            /* §7.2: wait 400-500 ms for the rest of the known answers. */
            due = now + mdns_rand_range(m, 400, 500);
            ks = ka_new(m, ifslot, &pkt->src, due);
            if (ks != NULL) {
                tag = ks->tag;
                ks->answers = nka;
            }
        } else if (any_defend || !any_shared) {
            due = now; /* §6: unique answers (and probe defence) at once */
        } else {
            due = now + mdns_rand_range(m, 20, 120); /* §6: shared answers */
        }
        bool all_uni = true;
        for (i = 0; i < nans; i++) {
            size_t e2 = ans[i] / 64u, k2 = ans[i] % 64u;
            bool uni = false;
            uint64_t last = m->ents[e2].st[ifslot].last_mcast[k2];
            if (!any_defend && ent_record(m, e2, ifslot, k2, &r, buf, sizeof(buf))) {
                /* §5.4: QU answered by unicast unless we have not multicast
                 * this record within a quarter of its TTL; §5.5 (unicast
                 * query to port 5353): unicast reply. */
                uni = unicast_q || (qu_all && last != 0 && now - last < (uint64_t)r.ttl * 250u);
            }
            pending_add(m, ifslot, e2, k2, NT_DNS_SEC_ANSWER, uni, &pkt->src, due, tag, any_defend);
            all_uni = all_uni && uni;
        }
        for (i = 0; i < nadd; i++) {
            size_t e2 = add[i] / 64u, k2 = add[i] % 64u;
            if (ent_record(m, e2, ifslot, k2, &r, buf, sizeof(buf)) && ka_suppresses(kas, nka, &r))
                continue;
            /* Additional records travel with the answers they support. */
            pending_add(m, ifslot, e2, k2, NT_DNS_SEC_ADDITIONAL, all_uni, &pkt->src, due, tag,
                        any_defend);
        }
    }

cleanup:
    nt_free(ans);
    nt_free(add);
}

/* ---- intake: responses ------------------------------------------------------- */

void mdns_resp_response(nt_mdns *m, size_t ifslot, uint64_t now)
{
    const nt_dns_msg *msg = &m->msg;
    size_t i, e, k, q, nreprobed = 0;
    size_t reprobed[8]; /* entries this packet sent back to probing */
    nt_dns_record in, r;
    uint8_t buf[RR_BUF];

    for (i = msg->first[NT_DNS_SEC_ANSWER]; i < msg->nrr; i++) {
        const nt_dns_rr *rr = &msg->rr[i];
        if (rr->status != NT_OK || rr->type == NT_DNS_TYPE_OPT)
            continue;
        if (nt_dns_rr_to_record(msg, rr, &in, m->rdbuf, sizeof(m->rdbuf)) != NT_OK)
            continue;
        for (e = 0; e < m->ents_hi; e++) {
            estate *st;
            bool ours = false, same_type = false;
            if (!ent_on_iface(m, e, ifslot) || !ent_owns_name(m, e, &in.owner))
                continue;
            st = &m->ents[e].st[ifslot];
            if (st->phase == PH_NONE)
                continue;
            /* Is this record one of ours? */
            for (k = 0; k < NSLOT; k++) {
                if (!ent_record(m, e, ifslot, k, &r, buf, sizeof(buf)))
                    continue;
                if (mdns_rr_equal(&r, &in)) {
                    ours = true;
                    /* §7.4: someone else just sent our answer. Only a copy
                     * that passed the verify hook counts: an unsigned copy
                     * of a signed record must not cancel our answer, or a
                     * spoofed goodbye followed by one would stand. */
                    if (in.ttl >= r.ttl / 2 && m->rx_rejected[i]) {
                        m->stats.suppress_refused++;
                    } else if (in.ttl >= r.ttl / 2) {
                        size_t j;
                        for (j = 0; j < MAX_PENDING_ANSWERS; j++) {
                            pans *p = &m->pa[j];
                            if (p->used && !p->unicast && p->ifslot == ifslot && p->ent == e &&
                                p->slot == k) {
                                p->used = false;
                                m->stats.answers_suppressed++;
                            }
                        }
                    } else if (st->phase >= PH_ANNOUNCING) {
                        /* §10.1: a copy of our record with too low a TTL,
                         * or a goodbye we did not send (stale or spoofed):
                         * peers drop it one second after they hear it, so
                         * say it again before then. Like the defence of a
                         * probe (§6), that may come 250 ms after our last
                         * multicast of it rather than a second: a goodbye
                         * spoofed right after our answer would otherwise
                         * race the peers' one-second grace. */
                        uint64_t due = now + mdns_rand_range(m, 20, 120);
                        if (st->last_mcast[k] != 0 &&
                            st->last_mcast[k] + PROBE_INTERVAL_MS > due)
                            due = st->last_mcast[k] + PROBE_INTERVAL_MS;
                        pending_add(m, ifslot, e, k, NT_DNS_SEC_ANSWER, false, NULL, due, 0,
                                    true);
                    }
                } else if (r.mdns_bit && r.type == in.type && nt_dns_name_equal(&r.owner, &in.owner)) {
                    same_type = true;
                }
            }
            if (ours || in.rclass != NT_DNS_CLASS_IN)
                continue;
            if (!nt_dns_name_equal(ent_name(m, e), &in.owner))
                continue;
            if (in.ttl == 0)
                continue; /* a goodbye is never a claim on the name */
            if (st->phase == PH_PROBING || st->phase == PH_WAIT) {
                bool same_packet = false;
                /* §9 sent us back to probing because of this very packet:
                 * its other records (the rest of a conflicting set, its
                 * RRSIG) answer no probe of ours, we have sent none yet. */
                for (q = 0; q < nreprobed; q++)
                    same_packet = same_packet || reprobed[q] == e;
                /* §8.1: any record with the name we are probing. */
                /* NSEC, RRSIG and DNSKEY say things about records; they
                 * claim nothing themselves. Another responder on this host
                 * with our key and our addresses (a second nautilus) sends
                 * the same address records and other signatures: that is
                 * no conflict (§9: identical records never are). */
                if (!same_packet && in.type != NT_DNS_TYPE_NSEC && in.type != NT_DNS_TYPE_RRSIG &&
                    in.type != NT_DNS_TYPE_DNSKEY) {
                    conflict(m, e, now);
                    break;
                }
            } else if (same_type && m->rx_rejected[i] &&
                       (st->phase == PH_ANNOUNCING || st->phase == PH_ESTABLISHED)) {
                /* A conflicting record the verify hook refused (unsigned or
                 * badly signed where our key is known): a spoof, not a
                 * claim. Renaming on it would let anyone on the LAN evict
                 * our names; instead say our records again so caches that
                 * took the spoof are corrected (still at most once a
                 * second). A genuine claimant probes first and sees our
                 * defence (§8.1); at start-up we still yield to any answer. */
                m->stats.conflicts_refused++;
                for (k = 0; k < NSLOT; k++) {
                    uint64_t due = now + mdns_rand_range(m, 20, 120);
                    if (!ent_record(m, e, ifslot, k, &r, buf, sizeof(buf)) || r.type != in.type)
                        continue;
                    if (st->last_mcast[k] != 0 && st->last_mcast[k] + 1000u > due)
                        due = st->last_mcast[k] + 1000u;
                    pending_add(m, ifslot, e, k, NT_DNS_SEC_ANSWER, false, NULL, due, 0, false);
                }
                break;
            } else if (same_type && (st->phase == PH_ANNOUNCING || st->phase == PH_ESTABLISHED)) {
                /* §9: a different record in our unique set: probe again; the
                 * tiebreak or the other side's defence decides who renames. */
                size_t s2;
                m->stats.conflicts++;
                for (s2 = 0; s2 < m->cfg.max_interfaces; s2++)
                    if (ent_on_iface(m, e, s2)) {
                        m->ents[e].st[s2].phase = PH_PROBING;
                        m->ents[e].st[s2].count = 0;
                        m->ents[e].st[s2].next_ms = now;
                    }
                if (nreprobed < sizeof reprobed / sizeof reprobed[0])
                    reprobed[nreprobed++] = e;
                break;
            }
        }
    }
}

/* ---- timers ------------------------------------------------------------------ */

static void send_pending(nt_mdns *m, uint64_t now)
{
    size_t i, j;
    for (i = 0; i < MAX_PENDING_ANSWERS; i++) {
        pans *lead = &m->pa[i];
        pbuild p;
        size_t pass;
        if (!lead->used || lead->due_ms > now)
            continue;
        memset(&p, 0, sizeof(p));
        p.m = m;
        p.ifslot = lead->ifslot;
        p.unicast = lead->unicast;
        p.dst = &lead->dst;
        p.ttl_force = UINT32_MAX;
        if (!pb_start(&p, NULL)) {
            lead->used = false;
            continue;
        }
        {
            nt_mdns_endpoint dst = lead->dst;
            size_t ifslot = lead->ifslot;
            bool uni = lead->unicast;
            p.dst = &dst;
            for (pass = 0; pass < 2; pass++) {
                uint8_t sec = pass == 0 ? NT_DNS_SEC_ANSWER : NT_DNS_SEC_ADDITIONAL;
                for (j = 0; j < MAX_PENDING_ANSWERS; j++) {
                    pans *q = &m->pa[j];
                    estate *st;
                    if (!q->used || q->due_ms > now || q->ifslot != ifslot || q->unicast != uni ||
                        q->section != sec)
                        continue;
                    if (uni && (q->dst.port != dst.port ||
                                memcmp(q->dst.addr.bytes, dst.addr.bytes, 16) != 0))
                        continue;
                    q->used = false;
                    st = &m->ents[q->ent].st[ifslot];
                    if (!uni) {
                        /* §6: at most one multicast of a record per second
                         * (250 ms when defending a probe). */
                        uint64_t gap = q->defend ? PROBE_INTERVAL_MS : 1000u;
                        uint64_t last = st->last_mcast[q->slot];
                        if (last != 0 && now - last < gap) {
                            m->stats.answers_suppressed++;
                            continue;
                        }
                        st->last_mcast[q->slot] = now;
                    }
                    pb_add(&p, q->ent, q->slot, sec);
                }
            }
            pb_flush(&p);
        }
    }
}

/* Probes, announcements and their timers of every entity on interface
 * slot s. The probes due now go out together (send_probes). */
static void run_iface(nt_mdns *m, size_t s, uint64_t now)
{
    size_t e, due[PROBE_BATCH], ndue = 0;
    bool qu[PROBE_BATCH];
    for (e = 0; e < m->ents_hi; e++) {
        ent *x = &m->ents[e];
        estate *st;
        if (!ent_on_iface(m, e, s))
            continue;
        st = &x->st[s];
        if (st->phase == PH_NONE || st->phase == PH_ESTABLISHED ||
            st->next_ms > now)
            continue;
        if (!ent_has_records(m, e, s)) {
            st->phase = PH_NONE;
            continue;
        }
        if (st->phase == PH_WAIT) {
            st->phase = PH_PROBING;
            st->count = 0;
        }
        if (st->phase == PH_PROBING) {
            if (st->count < PROBE_COUNT) {
                /* §8.1: three probes 250 ms apart, the first one QU. */
                if (ndue == PROBE_BATCH) {
                    send_probes(m, s, due, qu, ndue);
                    ndue = 0;
                }
                due[ndue] = e;
                qu[ndue++] = st->count == 0;
                st->count++;
                st->next_ms = now + PROBE_INTERVAL_MS;
                continue;
            }
            st->phase = PH_ANNOUNCING;
            st->count = 0;
            if (!x->is_host) {
                size_t s2;
                bool first = true;
                for (s2 = 0; s2 < m->cfg.max_interfaces; s2++)
                    if (s2 != s && x->st[s2].phase >= PH_ANNOUNCING)
                        first = false;
                if (first)
                    ent_event(m, e, NT_MDNS_EV_PUBLISH_ESTABLISHED, NULL);
            }
        }
        if (st->phase == PH_ANNOUNCING) {
            /* §8.3: announcements 1 s, 2 s, ... apart. */
            send_announce(m, e, s, now);
            st->count++;
            if (st->count < ANNOUNCE_COUNT) {
                st->next_ms = now + (1000u << (st->count - 1));
            } else {
                st->phase = PH_ESTABLISHED;
                st->next_ms = UINT64_MAX;
            }
        }
    }
    send_probes(m, s, due, qu, ndue);
}

void mdns_resp_run(nt_mdns *m, uint64_t now)
{
    size_t s;
    for (s = 0; s < m->cfg.max_interfaces; s++)
        if (m->ifs[s].used)
            run_iface(m, s, now);
    send_pending(m, now);
    for (s = 0; s < m->cfg.max_known_answer_sets; s++)
        if (m->ka[s].used && m->ka[s].deadline_ms < now)
            m->ka[s].used = false;
}

uint64_t mdns_resp_next(const nt_mdns *m)
{
    uint64_t t = UINT64_MAX;
    size_t e, s;
    if (!m->shut) {
        for (e = 0; e < m->ents_hi; e++) {
            const ent *x = &m->ents[e];
            if (!x->used)
                continue;
            for (s = 0; s < m->cfg.max_interfaces; s++) {
                const estate *st = &x->st[s];
                if (st->phase != PH_NONE && st->phase != PH_ESTABLISHED && st->next_ms < t)
                    t = st->next_ms;
            }
        }
    }
    for (e = 0; e < MAX_PENDING_ANSWERS; e++)
        if (m->pa[e].used && m->pa[e].due_ms < t)
            t = m->pa[e].due_ms;
    return t;
}

/* ---- public: publishing ------------------------------------------------------- */

static nt_status type_name_build(nt_dns_name *out, const char *type, const char *domain)
{
    char text[NT_MDNS_NAME_MAX * 2];
    size_t pos = 0, ll;
    const uint8_t *l;
    int n;
    unsigned labels = 0;
    if (type == NULL || type[0] != '_')
        return NT_ERR_MDNS_NAME;
    n = snprintf(text, sizeof(text), "%s.%s", type, domain != NULL ? domain : "local");
    if (n < 0 || (size_t)n >= sizeof(text))
        return NT_ERR_MDNS_NAME;
    if (nt_dns_name_from_str(out, text) != NT_OK)
        return NT_ERR_MDNS_NAME;
    /* RFC 6763 §7: "_service._tcp" or "_service._udp" (subtype forms are
     * built separately). */
    while (nt_dns_name_next_label(out, &pos, &l, &ll)) {
        labels++;
        if (labels == 2 && !(ll == 4 && (memcmp(l, "_tcp", 4) == 0 || memcmp(l, "_udp", 4) == 0)))
            return NT_ERR_MDNS_NAME;
    }
    if (labels < 3)
        return NT_ERR_MDNS_NAME;
    return NT_OK;
}

nt_status nt_mdns_service_add(nt_mdns *m, nt_mdns_service_id *out,
                              const nt_mdns_service_config *svc, uint64_t now_ms)
{
    ent *x = NULL;
    size_t e, i, il;
    nt_status st = NT_OK;
    nt_dns_txt_item items[64];
    uint8_t txt[NT_MDNS_TXT_MAX];
    size_t txt_len = 0;
    char text[NT_MDNS_NAME_MAX * 2];

    if (m == NULL || out == NULL || svc == NULL || svc->instance == NULL)
        return NT_ERR_INVALID_ARG;
    if (m->shut)
        return NT_ERR_MDNS_SHUT_DOWN;
    m->now_ms = now_ms;
    if (svc->ifindex != 0 && mdns_iface_by_index(m, svc->ifindex, NULL) == NULL)
        return NT_ERR_MDNS_NO_IFACE;
    il = strlen(svc->instance);
    if (il == 0 || il > NT_DNS_LABEL_MAX)
        return NT_ERR_MDNS_NAME;
    if (svc->txt_count > 64 || (svc->txt_count != 0 && svc->txt == NULL))
        return NT_ERR_MDNS_TXT;
    for (i = 0; i < svc->txt_count; i++) {
        items[i].key = svc->txt[i].key;
        items[i].value = svc->txt[i].value;
        items[i].value_len = svc->txt[i].value_len;
        items[i].has_value = svc->txt[i].value != NULL;
        if (items[i].key == NULL)
            return NT_ERR_MDNS_TXT;
    }
    if (nt_dns_txt_encode(txt, sizeof(txt), &txt_len, items, svc->txt_count) != NT_OK)
        return NT_ERR_MDNS_TXT;
    for (e = 1; e < m->nents; e++)
        if (!m->ents[e].used)
            break;
    if (e == m->nents)
        return NT_ERR_CAP;
    x = &m->ents[e];
    memset(x, 0, sizeof(*x));
    x->st = nt_calloc(m->cfg.max_interfaces, sizeof(estate));
    x->txt = nt_malloc(txt_len);
    if (x->st == NULL || x->txt == NULL) {
        st = NT_ERR_NOMEM;
        goto cleanup;
    }
    memcpy(x->txt, txt, txt_len);
    x->txt_len = txt_len;
    memcpy(x->base, svc->instance, il + 1);
    memcpy(x->instance, svc->instance, il + 1);
    st = type_name_build(&x->type_name, svc->type, svc->domain);
    if (st != NT_OK)
        goto cleanup;
    st = ent_build_names(x);
    if (st != NT_OK)
        goto cleanup;
    snprintf(text, sizeof(text), "_services._dns-sd._udp.%s",
             svc->domain != NULL ? svc->domain : "local");
    if (nt_dns_name_from_str(&x->enum_name, text) != NT_OK) {
        st = NT_ERR_MDNS_NAME;
        goto cleanup;
    }
    for (i = 0; i < NT_MDNS_SUBTYPES_MAX && svc->subtypes[i] != NULL; i++) {
        nt_dns_name sub;
        int n = snprintf(text, sizeof(text), "%s._sub", svc->subtypes[i]);
        if (n < 0 || (size_t)n >= sizeof(text) || svc->subtypes[i][0] != '_' ||
            nt_dns_name_from_str(&sub, text) != NT_OK || sub.labels != 2) {
            st = NT_ERR_MDNS_NAME;
            goto cleanup;
        }
        /* <sub>._sub.<type>.<domain> */
        if (nt_dns_name_prepend(&x->sub_names[i], (const uint8_t *)"_sub", 4, &x->type_name) !=
            NT_OK) {
            st = NT_ERR_MDNS_NAME;
            goto cleanup;
        }
        if (nt_dns_name_prepend(&x->sub_names[i], sub.wire + 1, sub.wire[0], &x->sub_names[i]) !=
            NT_OK) {
            st = NT_ERR_MDNS_NAME;
            goto cleanup;
        }
    }
    x->nsub = i;
    if (svc->host == NULL) {
        x->own_target = true;
    } else {
        const char *dot = strchr(svc->host, '.');
        if (dot == NULL)
            snprintf(text, sizeof(text), "%s.local", svc->host);
        else
            snprintf(text, sizeof(text), "%s", svc->host);
        if (nt_dns_name_from_str(&x->target, text) != NT_OK) {
            st = NT_ERR_MDNS_NAME;
            goto cleanup;
        }
        x->own_target = nt_dns_name_equal(&x->target, &m->host);
    }
    x->port = svc->port;
    x->priority = svc->priority;
    x->weight = svc->weight;
    x->ttl = svc->ttl;
    x->ifindex = svc->ifindex;
    x->used = true;
    if (e + 1 > m->ents_hi)
        m->ents_hi = e + 1;
    if (name_taken(m, e)) {
        st = rename_next(m, e);
        if (st != NT_OK) {
            x->used = false;
            goto cleanup;
        }
    }
    x->id = m->next_id++;
    *out = x->id;
    /* The first service at our host name brings the host's own records. */
    mdns_resp_start(m, e, now_ms);
    if (x->own_target && !m->ents[0].used && m->cfg.host_records == NT_MDNS_HOST_AUTO) {
        size_t s;
        m->ents[0].used = true;
        mdns_resp_start(m, 0, now_ms);
        /* Probed with the service, in the same messages (§8.1). */
        for (s = 0; s < m->cfg.max_interfaces; s++)
            m->ents[0].st[s].next_ms = x->st[s].next_ms;
    }
    return NT_OK;

cleanup:
    nt_free(x->st);
    nt_free(x->txt);
    memset(x, 0, sizeof(*x));
    return st;
}

static size_t ent_by_id(const nt_mdns *m, nt_mdns_service_id id)
{
    size_t e;
    for (e = 1; e < m->ents_hi; e++)
        if (m->ents[e].used && m->ents[e].id == id)
            return e;
    return SIZE_MAX;
}

nt_status nt_mdns_service_del(nt_mdns *m, nt_mdns_service_id id, uint64_t now_ms)
{
    size_t e, s;
    if (m == NULL)
        return NT_ERR_INVALID_ARG;
    m->now_ms = now_ms;
    e = ent_by_id(m, id);
    if (e == SIZE_MAX)
        return NT_ERR_NOT_FOUND;
    for (s = 0; s < m->cfg.max_interfaces; s++)
        if (m->ifs[s].used)
            mdns_resp_goodbye(m, e, s);
    ent_event(m, e, NT_MDNS_EV_PUBLISH_WITHDRAWN, NULL);
    nt_free(m->ents[e].st);
    nt_free(m->ents[e].txt);
    nt_free(m->ents[e].extra_rdata);
    memset(&m->ents[e], 0, sizeof(m->ents[e]));
    return NT_OK;
}

/* Says the extra record of e on every interface where e is announced:
 * its goodbye (the old value) or its new value. */
static void extra_send(nt_mdns *m, size_t e, bool bye)
{
    size_t s;
    for (s = 0; s < m->cfg.max_interfaces; s++) {
        pbuild p;
        estate *st = &m->ents[e].st[s];
        if (!ent_on_iface(m, e, s) || !st->announced)
            continue;
        memset(&p, 0, sizeof(p));
        p.m = m;
        p.ifslot = s;
        p.ttl_force = bye ? 0 : UINT32_MAX;
        if (!pb_start(&p, NULL))
            continue;
        pb_add(&p, e, SLOT_EXTRA, NT_DNS_SEC_ANSWER);
        pb_flush(&p);
        st->last_mcast[SLOT_EXTRA] = m->now_ms;
    }
}

nt_status nt_mdns_service_set_extra(nt_mdns *m, nt_mdns_service_id id, const char *label,
                                    uint16_t type, const uint8_t *rdata, size_t len, uint32_t ttl,
                                    uint64_t now_ms)
{
    size_t e;
    ent *x;
    uint8_t *copy = NULL;
    nt_dns_name name;
    if (m == NULL || (len != 0 && rdata == NULL))
        return NT_ERR_INVALID_ARG;
    m->now_ms = now_ms;
    e = ent_by_id(m, id);
    if (e == SIZE_MAX)
        return NT_ERR_NOT_FOUND;
    x = &m->ents[e];
    if (type != 0) {
        if (label == NULL || label[0] == '\0' || strlen(label) >= sizeof(x->extra_label) ||
            nt_dns_name_prepend(&name, (const uint8_t *)label, strlen(label), &x->inst_name) !=
                NT_OK)
            return NT_ERR_MDNS_NAME;
        if (len > NT_MDNS_TXT_MAX)
            return NT_ERR_CAP;
        if (len != 0 && (copy = nt_malloc(len)) == NULL)
            return NT_ERR_NOMEM;
        if (len != 0)
            memcpy(copy, rdata, len);
    }
    if (x->extra_type != 0)
        extra_send(m, e, true); /* §10.1: the old value goes first */
    nt_free(x->extra_rdata);
    x->extra_rdata = copy;
    x->extra_len = len;
    x->extra_type = type;
    x->extra_ttl = ttl;
    if (type != 0) {
        snprintf(x->extra_label, sizeof(x->extra_label), "%s", label);
        x->extra_name = name;
        extra_send(m, e, false);
    }
    return NT_OK;
}

nt_status nt_mdns_service_get_instance(const nt_mdns *m, nt_mdns_service_id id, char *out,
                                       size_t cap)
{
    size_t e, n;
    if (m == NULL || out == NULL)
        return NT_ERR_INVALID_ARG;
    e = ent_by_id(m, id);
    if (e == SIZE_MAX)
        return NT_ERR_NOT_FOUND;
    n = strlen(m->ents[e].instance);
    if (n + 1 > cap)
        return NT_ERR_NOSPACE;
    memcpy(out, m->ents[e].instance, n + 1);
    return NT_OK;
}
