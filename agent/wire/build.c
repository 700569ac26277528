/*
 * agent/wire/build.c - writing DNS messages with name compression
 * (RFC 1035 §4.1.4, RFC 6762 §18.14).
 *
 * Every add is all-or-nothing: on any error the output length and the
 * compression table go back to where they were, so the message written so
 * far stays complete and a caller can send it (with TC, RFC 6762 §7.2) and
 * continue in a new packet.
 */
#include <string.h>

#include "wire_int.h"

nt_status nt_dns_builder_init(nt_dns_builder *b, uint8_t *storage, size_t cap, uint16_t id,
                              uint16_t flags)
{
    nt_status st;
    if (!b || (!storage && cap))
        return NT_ERR_INVALID_ARG;
    if (cap > NT_DNS_MSG_MAX)
        cap = NT_DNS_MSG_MAX;
    nt_wbuf_init(&b->w, storage, cap);
    b->storage = cap;
    memset(b->count, 0, sizeof b->count);
    b->section = NT_DNS_SEC_QUESTION;
    b->has_opt = 0;
    b->ncomp = 0;
    if ((st = nt_wbuf_put_u16(&b->w, id)) != NT_OK || (st = nt_wbuf_put_u16(&b->w, flags)) != NT_OK ||
        (st = nt_wbuf_put_u32(&b->w, 0)) != NT_OK || (st = nt_wbuf_put_u32(&b->w, 0)) != NT_OK)
        return st;
    return NT_OK;
}

void nt_dns_builder_set_limit(nt_dns_builder *b, size_t limit)
{
    if (limit > b->storage)
        limit = b->storage;
    if (limit < b->w.len)
        limit = b->w.len;
    b->w.cap = limit;
}

void nt_dns_builder_set_flags(nt_dns_builder *b, uint16_t flags)
{
    if (b->w.len < NT_DNS_HEADER_LEN)
        return; /* init failed: there is no header to change */
    b->w.base[2] = (uint8_t)(flags >> 8);
    b->w.base[3] = (uint8_t)flags;
}

size_t nt_dns_builder_len(const nt_dns_builder *b)
{
    return b->w.len;
}

/* Does the name in our output at offset off (possibly compressed, written by
 * us) equal the wire-form suffix s (uncompressed, ending in root)? Exact
 * octets: compression must not change the case a peer sees. */
static bool out_name_equals(const nt_dns_builder *b, size_t off, const uint8_t *s)
{
    const uint8_t *o = b->w.base;
    for (;;) {
        uint8_t l = o[off];
        if (l >= 0xC0) {
            off = ((size_t)(l & 0x3F) << 8) | o[off + 1];
            continue;
        }
        if (l != *s)
            return false;
        if (l == 0)
            return true;
        if (memcmp(o + off + 1, s + 1, l) != 0)
            return false;
        off += (size_t)l + 1;
        s += (size_t)l + 1;
    }
}

/* Writes name n at the end of the output, compressed against earlier names
 * when compress is set, and records its new suffixes for later names. */
static nt_status put_name(nt_dns_builder *b, const nt_dns_name *n, bool compress)
{
    size_t pos = 0, k, match_pos = n->len - 1, match_off = 0;
    bool found = false;
    nt_status st;

    if (compress) {
        /* Longest suffix first: the first hit saves the most. */
        for (pos = 0; pos + 1 < n->len && !found; pos += (size_t)n->wire[pos] + 1) {
            for (k = 0; k < b->ncomp; k++) {
                if (out_name_equals(b, b->comp[k], n->wire + pos)) {
                    found = true;
                    match_pos = pos;
                    match_off = b->comp[k];
                    break;
                }
            }
        }
    }
    /* In-line labels before the match; remember where each suffix starts. */
    for (pos = 0; pos < match_pos; pos += (size_t)n->wire[pos] + 1) {
        size_t at = b->w.len;
        if (compress && at < 0x3FFF && b->ncomp < NT_DNS_COMP_MAX)
            b->comp[b->ncomp++] = (uint16_t)at;
        if ((st = nt_wbuf_put_bytes(&b->w, n->wire + pos, (size_t)n->wire[pos] + 1)) != NT_OK)
            return st;
    }
    if (found)
        return nt_wbuf_put_u16(&b->w, (uint16_t)(0xC000 | match_off));
    return nt_wbuf_put_u8(&b->w, 0);
}

/* Section order and count checks shared by every add. */
static nt_status begin(nt_dns_builder *b, nt_dns_section sec)
{
    if (b->w.len < NT_DNS_HEADER_LEN)
        return NT_ERR_INVALID_ARG; /* init failed */
    if ((unsigned)sec > 3 || (uint8_t)sec < b->section)
        return NT_ERR_INVALID_ARG;
    if (b->count[sec] == 0xFFFF)
        return NT_ERR_INVALID_ARG;
    return NT_OK;
}

static void commit(nt_dns_builder *b, nt_dns_section sec)
{
    b->section = (uint8_t)sec;
    b->count[sec]++;
    b->w.base[4 + 2 * sec] = (uint8_t)(b->count[sec] >> 8);
    b->w.base[5 + 2 * sec] = (uint8_t)b->count[sec];
}

nt_status nt_dns_builder_add_question(nt_dns_builder *b, const nt_dns_name *name, uint16_t type,
                                      uint16_t qclass, bool qu)
{
    size_t save_len;
    uint16_t save_comp;
    nt_status st;
    if (!b || !name)
        return NT_ERR_INVALID_ARG;
    if ((st = begin(b, NT_DNS_SEC_QUESTION)) != NT_OK)
        return st;
    save_len = b->w.len;
    save_comp = b->ncomp;
    if ((st = put_name(b, name, true)) != NT_OK || (st = nt_wbuf_put_u16(&b->w, type)) != NT_OK ||
        (st = nt_wbuf_put_u16(&b->w, (uint16_t)((qclass & 0x7FFF) | (qu ? 0x8000 : 0)))) != NT_OK)
        goto fail;
    commit(b, NT_DNS_SEC_QUESTION);
    return NT_OK;
fail:
    b->w.len = save_len;
    b->ncomp = save_comp;
    return st;
}

/* Writes one record whose RDATA is given as parts (names uncompressed in
 * parts->name). class_raw is the full 16-bit class field. */
static nt_status add_parts(nt_dns_builder *b, nt_dns_section sec, const nt_dns_name *owner,
                           uint16_t type, uint16_t class_raw, uint32_t ttl,
                           const nt_wire_rdparts *p)
{
    size_t save_len, rdlen_at, rd_start;
    uint16_t save_comp;
    nt_status st;

    if ((st = begin(b, sec)) != NT_OK)
        return st;
    if (sec == NT_DNS_SEC_QUESTION)
        return NT_ERR_INVALID_ARG;
    if (type == NT_DNS_TYPE_OPT && b->has_opt)
        return NT_ERR_DNS_DUP_OPT;
    save_len = b->w.len;
    save_comp = b->ncomp;
    if ((st = put_name(b, owner, true)) != NT_OK || (st = nt_wbuf_put_u16(&b->w, type)) != NT_OK ||
        (st = nt_wbuf_put_u16(&b->w, class_raw)) != NT_OK ||
        (st = nt_wbuf_put_u32(&b->w, ttl)) != NT_OK)
        goto fail;
    rdlen_at = b->w.len;
    if ((st = nt_wbuf_put_u16(&b->w, 0)) != NT_OK)
        goto fail;
    rd_start = b->w.len;
    if ((st = nt_wbuf_put_bytes(&b->w, p->pre, p->pre_len)) != NT_OK)
        goto fail;
    if (p->has_name && (st = put_name(b, &p->name, p->name_compress)) != NT_OK)
        goto fail;
    if ((st = nt_wire_nsec_bitmap_write(&b->w, p->post, p->post_len, p->post_nsec_lenient)) !=
        NT_OK)
        goto fail;
    if (b->w.len - rd_start > 0xFFFF) {
        st = NT_ERR_NOSPACE;
        goto fail;
    }
    if ((st = nt_wbuf_patch_u16(&b->w, rdlen_at, (uint16_t)(b->w.len - rd_start))) != NT_OK)
        goto fail;
    if (type == NT_DNS_TYPE_OPT)
        b->has_opt = 1;
    commit(b, sec);
    return NT_OK;
fail:
    b->w.len = save_len;
    b->ncomp = save_comp;
    return st;
}

static uint16_t head_class(const nt_dns_rrhead *h)
{
    return (uint16_t)((h->rclass & 0x7FFF) | (h->cache_flush ? 0x8000 : 0));
}

static void parts_clear(nt_wire_rdparts *p)
{
    memset(p, 0, sizeof *p);
}

nt_status nt_dns_builder_add_a(nt_dns_builder *b, nt_dns_section sec, const nt_dns_rrhead *h,
                               const uint8_t addr[4])
{
    nt_wire_rdparts p;
    if (!b || !h || !h->owner || !addr)
        return NT_ERR_INVALID_ARG;
    parts_clear(&p);
    p.pre = addr;
    p.pre_len = 4;
    return add_parts(b, sec, h->owner, NT_DNS_TYPE_A, head_class(h), h->ttl, &p);
}

nt_status nt_dns_builder_add_aaaa(nt_dns_builder *b, nt_dns_section sec, const nt_dns_rrhead *h,
                                  const uint8_t addr[16])
{
    nt_wire_rdparts p;
    if (!b || !h || !h->owner || !addr)
        return NT_ERR_INVALID_ARG;
    parts_clear(&p);
    p.pre = addr;
    p.pre_len = 16;
    return add_parts(b, sec, h->owner, NT_DNS_TYPE_AAAA, head_class(h), h->ttl, &p);
}

nt_status nt_dns_builder_add_ptr(nt_dns_builder *b, nt_dns_section sec, const nt_dns_rrhead *h,
                                 uint16_t type, const nt_dns_name *target)
{
    nt_wire_rdparts p;
    if (!b || !h || !h->owner || !target ||
        (type != NT_DNS_TYPE_PTR && type != NT_DNS_TYPE_CNAME && type != NT_DNS_TYPE_NS))
        return NT_ERR_INVALID_ARG;
    parts_clear(&p);
    p.has_name = p.name_compress = true;
    p.name = *target;
    return add_parts(b, sec, h->owner, type, head_class(h), h->ttl, &p);
}

nt_status nt_dns_builder_add_srv(nt_dns_builder *b, nt_dns_section sec, const nt_dns_rrhead *h,
                                 uint16_t priority, uint16_t weight, uint16_t port,
                                 const nt_dns_name *target)
{
    nt_wire_rdparts p;
    uint8_t fixed[6];
    if (!b || !h || !h->owner || !target)
        return NT_ERR_INVALID_ARG;
    fixed[0] = (uint8_t)(priority >> 8);
    fixed[1] = (uint8_t)priority;
    fixed[2] = (uint8_t)(weight >> 8);
    fixed[3] = (uint8_t)weight;
    fixed[4] = (uint8_t)(port >> 8);
    fixed[5] = (uint8_t)port;
    parts_clear(&p);
    p.pre = fixed;
    p.pre_len = 6;
    p.has_name = p.name_compress = true;
    p.name = *target;
    return add_parts(b, sec, h->owner, NT_DNS_TYPE_SRV, head_class(h), h->ttl, &p);
}

nt_status nt_dns_builder_add_txt(nt_dns_builder *b, nt_dns_section sec, const nt_dns_rrhead *h,
                                 const uint8_t *rdata, size_t len)
{
    static const uint8_t empty[1] = {0};
    nt_wire_rdparts p;
    nt_status st;
    if (!b || !h || !h->owner || (!rdata && len))
        return NT_ERR_INVALID_ARG;
    if (len == 0) {
        rdata = empty;
        len = 1;
    }
    if ((st = nt_dns_txt_check(rdata, len)) != NT_OK)
        return st;
    parts_clear(&p);
    p.pre = rdata;
    p.pre_len = len;
    return add_parts(b, sec, h->owner, NT_DNS_TYPE_TXT, head_class(h), h->ttl, &p);
}

nt_status nt_dns_builder_add_nsec(nt_dns_builder *b, nt_dns_section sec, const nt_dns_rrhead *h,
                                  const nt_dns_name *next, const uint16_t *types, size_t ntypes)
{
    /* RFC 4034 §4.1.2: per window, a bitmap trimmed after its last set bit. */
    uint8_t bits[256][32];
    uint8_t used[256];
    uint8_t out[256 * 34];
    nt_wbuf w;
    nt_wire_rdparts p;
    size_t i;
    unsigned win;
    nt_status st;

    if (!b || !h || !h->owner || !next || !types || ntypes == 0)
        return NT_ERR_INVALID_ARG;
    memset(bits, 0, sizeof bits);
    memset(used, 0, sizeof used);
    for (i = 0; i < ntypes; i++) {
        unsigned t = types[i], wn = t >> 8, bit = t & 0xFF;
        bits[wn][bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
        if (bit / 8 + 1 > used[wn])
            used[wn] = (uint8_t)(bit / 8 + 1);
    }
    nt_wbuf_init(&w, out, sizeof out);
    for (win = 0; win < 256; win++) {
        if (!used[win])
            continue;
        if ((st = nt_wbuf_put_u8(&w, (uint8_t)win)) != NT_OK ||
            (st = nt_wbuf_put_u8(&w, used[win])) != NT_OK ||
            (st = nt_wbuf_put_bytes(&w, bits[win], used[win])) != NT_OK)
            return st;
    }
    parts_clear(&p);
    p.has_name = p.name_compress = true;
    p.name = *next;
    p.post = out;
    p.post_len = w.len;
    return add_parts(b, sec, h->owner, NT_DNS_TYPE_NSEC, head_class(h), h->ttl, &p);
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

nt_status nt_dns_builder_add_rrsig(nt_dns_builder *b, nt_dns_section sec, const nt_dns_rrhead *h,
                                   const nt_dns_rrsig *sig)
{
    uint8_t fixed[18];
    nt_wire_rdparts p;
    if (!b || !h || !h->owner || !sig || (!sig->signature && sig->signature_len))
        return NT_ERR_INVALID_ARG;
    fixed[0] = (uint8_t)(sig->type_covered >> 8);
    fixed[1] = (uint8_t)sig->type_covered;
    fixed[2] = sig->algorithm;
    fixed[3] = sig->labels;
    put32(fixed + 4, sig->original_ttl);
    put32(fixed + 8, sig->expiration);
    put32(fixed + 12, sig->inception);
    fixed[16] = (uint8_t)(sig->key_tag >> 8);
    fixed[17] = (uint8_t)sig->key_tag;
    parts_clear(&p);
    p.pre = fixed;
    p.pre_len = 18;
    /* RFC 4034 §3.1.7: the signer's name is never compressed. */
    p.has_name = true;
    p.name = sig->signer;
    p.post = sig->signature;
    p.post_len = sig->signature_len;
    return add_parts(b, sec, h->owner, NT_DNS_TYPE_RRSIG, head_class(h), h->ttl, &p);
}

nt_status nt_dns_builder_add_dnskey(nt_dns_builder *b, nt_dns_section sec, const nt_dns_rrhead *h,
                                    const nt_dns_dnskey *key)
{
    uint8_t fixed[4];
    nt_wire_rdparts p;
    if (!b || !h || !h->owner || !key || (!key->key && key->key_len))
        return NT_ERR_INVALID_ARG;
    fixed[0] = (uint8_t)(key->flags >> 8);
    fixed[1] = (uint8_t)key->flags;
    fixed[2] = key->protocol;
    fixed[3] = key->algorithm;
    parts_clear(&p);
    p.pre = fixed;
    p.pre_len = 4;
    /* the key follows the fixed part: reuse post for it */
    p.post = key->key;
    p.post_len = key->key_len;
    return add_parts(b, sec, h->owner, NT_DNS_TYPE_DNSKEY, head_class(h), h->ttl, &p);
}

nt_status nt_dns_builder_add_opt(nt_dns_builder *b, const nt_dns_opt *opt)
{
    nt_wire_rdparts p;
    nt_dns_name root;
    nt_buf w;
    bool lenient;
    nt_status st;
    if (!b || !opt || (!opt->options && opt->options_len))
        return NT_ERR_INVALID_ARG;
    nt_buf_init(&w, opt->options, opt->options_len);
    if ((st = nt_wire_rdata_check(&w, 0, NT_DNS_TYPE_OPT, &p, &lenient)) != NT_OK)
        return st;
    nt_dns_name_root(&root);
    /* RFC 6891 §6.1.3: the TTL field carries extended rcode, version, flags. */
    return add_parts(b, NT_DNS_SEC_ADDITIONAL, &root, NT_DNS_TYPE_OPT, opt->udp_size,
                     ((uint32_t)opt->ext_rcode << 24) | ((uint32_t)opt->version << 16) | opt->flags,
                     &p);
}

nt_status nt_dns_builder_add_record(nt_dns_builder *b, nt_dns_section sec,
                                    const nt_dns_record *rec)
{
    nt_wire_rdparts p;
    nt_buf w;
    bool lenient;
    nt_status st;
    if (!b || !rec || (!rec->rdata && rec->rdlength))
        return NT_ERR_INVALID_ARG;
    nt_buf_init(&w, rec->rdata, rec->rdlength);
    st = nt_wire_rdata_check(&w, 0, rec->type, &p, &lenient);
    if (st == NT_ERR_DNS_PTR_PAST_END)
        st = NT_ERR_DNS_LABEL_TYPE; /* no pointers in uncompressed RDATA */
    if (st != NT_OK)
        return st;
    return add_parts(b, sec, &rec->owner, rec->type,
                     (uint16_t)((rec->rclass & 0x7FFF) | (rec->mdns_bit ? 0x8000 : 0)), rec->ttl,
                     &p);
}

nt_status nt_dns_msg_write(const nt_dns_msg *m, uint8_t *out, size_t cap, size_t *out_len,
                           size_t *dropped)
{
    nt_dns_builder b;
    size_t i, drop = 0;
    nt_status st;
    if (!m || !out_len)
        return NT_ERR_INVALID_ARG;
    if ((st = nt_dns_builder_init(&b, out, cap, m->id, m->flags)) != NT_OK)
        return st;
    for (i = 0; i < m->nrr; i++) {
        const nt_dns_rr *rr = &m->rr[i];
        nt_dns_name owner;
        uint16_t cls = (uint16_t)(rr->rclass | ((rr->flags & NT_DNS_RR_MDNS_BIT) ? 0x8000 : 0));
        if (rr->status != NT_OK) {
            drop++;
            continue;
        }
        nt_wire_name_get(m->wire, rr->name_off, &owner);
        if (rr->section == NT_DNS_SEC_QUESTION) {
            st = nt_dns_builder_add_question(&b, &owner, rr->type, rr->rclass,
                                             (rr->flags & NT_DNS_RR_MDNS_BIT) != 0);
        } else {
            nt_wire_rdparts p;
            nt_wire_rr_parts(m, rr, &p);
            st = add_parts(&b, (nt_dns_section)rr->section, &owner, rr->type, cls, rr->ttl, &p);
        }
        if (st != NT_OK)
            return st;
    }
    *out_len = b.w.len;
    if (dropped)
        *dropped = drop;
    return NT_OK;
}
