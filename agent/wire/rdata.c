/*
 * agent/wire/rdata.c - RDATA checks per type and the typed getters.
 *
 * Each record's RDATA is parsed inside its own window [rdata, rdata +
 * rdlength) that must be consumed exactly (STYLE rule 3). A malformed RDATA
 * gives the record a status of its own; the message stays usable.
 */
#include <string.h>

#include "wire_int.h"

/* A name inside RDATA: a name running out of the window escapes rdlength. */
static nt_status rdata_name(nt_buf *w, size_t msg_len, nt_dns_name *out)
{
    nt_status st = nt_wire_name_walk(w, msg_len, out);
    if (st == NT_ERR_DNS_NAME_NO_ROOT || st == NT_ERR_DNS_LABEL_OVERRUN)
        return NT_ERR_DNS_RDATA_NAME;
    return st;
}

/* Standard NSEC type bitmap (RFC 4034 §4.1.2): windows in increasing order,
 * each with a bitmap length of 1..32. */
static nt_status nsec_bitmap_std(const uint8_t *bm, size_t len)
{
    nt_buf b;
    int last = -1;
    nt_buf_init(&b, bm, len);
    while (nt_buf_left(&b) > 0) {
        uint8_t win, n;
        if (nt_buf_get_u8(&b, &win) != NT_OK || nt_buf_get_u8(&b, &n) != NT_OK)
            return NT_ERR_DNS_NSEC_BITMAP;
        if ((int)win <= last || n < 1 || n > 32 || nt_buf_skip(&b, n) != NT_OK)
            return NT_ERR_DNS_NSEC_BITMAP;
        last = win;
    }
    return NT_OK;
}

/* python-zeroconf 0.47 writes the window number and the bitmap length as
 * 16-bit fields (zeroconf/_dns.py DNSNsec.write). The standard parse of such
 * a bitmap always fails (its second octet is a zero length), so accepting
 * this form only when the standard one fails is unambiguous. */
static nt_status nsec_bitmap_wide(const uint8_t *bm, size_t len)
{
    nt_buf b;
    int last = -1;
    if (len == 0)
        return NT_ERR_DNS_NSEC_BITMAP;
    nt_buf_init(&b, bm, len);
    while (nt_buf_left(&b) > 0) {
        uint16_t win, n;
        if (nt_buf_get_u16(&b, &win) != NT_OK || nt_buf_get_u16(&b, &n) != NT_OK)
            return NT_ERR_DNS_NSEC_BITMAP;
        if (win > 255 || (int)win <= last || n < 1 || n > 32 || nt_buf_skip(&b, n) != NT_OK)
            return NT_ERR_DNS_NSEC_BITMAP;
        last = win;
    }
    return NT_OK;
}

nt_status nt_wire_nsec_bitmap_write(nt_wbuf *out, const uint8_t *bm, size_t len, bool lenient)
{
    nt_buf b;
    nt_status st;
    if (!lenient)
        return nt_wbuf_put_bytes(out, bm, len);
    nt_buf_init(&b, bm, len);
    while (nt_buf_left(&b) > 0) {
        uint16_t win, n;
        const uint8_t *p;
        /* validated before: every read succeeds */
        if (nt_buf_get_u16(&b, &win) != NT_OK || nt_buf_get_u16(&b, &n) != NT_OK ||
            nt_buf_get_ptr(&b, &p, n) != NT_OK)
            return NT_ERR_DNS_NSEC_BITMAP;
        if ((st = nt_wbuf_put_u8(out, (uint8_t)win)) != NT_OK ||
            (st = nt_wbuf_put_u8(out, (uint8_t)n)) != NT_OK ||
            (st = nt_wbuf_put_bytes(out, p, n)) != NT_OK)
            return st;
    }
    return NT_OK;
}

static nt_status take(nt_buf *w, const uint8_t **p, size_t n)
{
    return nt_buf_get_ptr(w, p, n) == NT_OK ? NT_OK : NT_ERR_DNS_RDATA_SHORT;
}

nt_status nt_wire_rdata_check(nt_buf *w, size_t msg_len, uint16_t type, nt_wire_rdparts *parts,
                              bool *lenient)
{
    nt_wire_rdparts local;
    nt_wire_rdparts *p = parts ? parts : &local;
    nt_dns_name *namep = parts ? &parts->name : NULL;
    size_t len = nt_buf_left(w);
    nt_status st;

    p->pre = NULL;
    p->pre_len = 0;
    p->has_name = false;
    p->name_lower = false;
    p->name_compress = false;
    p->post = NULL;
    p->post_len = 0;
    p->post_nsec_lenient = false;
    *lenient = false;

    switch (type) {
    case NT_DNS_TYPE_A:
    case NT_DNS_TYPE_AAAA: {
        size_t want = type == NT_DNS_TYPE_A ? 4 : 16;
        if (len < want)
            return NT_ERR_DNS_RDATA_SHORT;
        if (len > want)
            return NT_ERR_DNS_RDATA_TRAILING;
        p->pre_len = want;
        return take(w, &p->pre, want);
    }
    case NT_DNS_TYPE_PTR:
    case NT_DNS_TYPE_CNAME:
    case NT_DNS_TYPE_NS:
        if (len == 0)
            return NT_ERR_DNS_RDATA_SHORT;
        p->has_name = p->name_lower = p->name_compress = true;
        if ((st = rdata_name(w, msg_len, namep)) != NT_OK)
            return st;
        return nt_buf_expect_end(w) == NT_OK ? NT_OK : NT_ERR_DNS_RDATA_TRAILING;
    case NT_DNS_TYPE_SRV:
        /* RFC 2782: priority, weight, port, target (at least the root). */
        if (len < 7)
            return NT_ERR_DNS_RDATA_SHORT;
        p->pre_len = 6;
        if ((st = take(w, &p->pre, 6)) != NT_OK)
            return st;
        p->has_name = p->name_lower = p->name_compress = true;
        if ((st = rdata_name(w, msg_len, namep)) != NT_OK)
            return st;
        return nt_buf_expect_end(w) == NT_OK ? NT_OK : NT_ERR_DNS_RDATA_TRAILING;
    case NT_DNS_TYPE_TXT:
        p->pre_len = len;
        if ((st = take(w, &p->pre, len)) != NT_OK)
            return st;
        return nt_dns_txt_check(p->pre, len);
    case NT_DNS_TYPE_NSEC:
        if (len == 0)
            return NT_ERR_DNS_RDATA_SHORT;
        /* RFC 6840 §5.1: the next name is not lower-cased. RFC 6762 §18.14
         * lets mDNS compress it. */
        p->has_name = p->name_compress = true;
        if ((st = rdata_name(w, msg_len, namep)) != NT_OK)
            return st;
        p->post_len = nt_buf_left(w);
        if ((st = take(w, &p->post, p->post_len)) != NT_OK)
            return st;
        if (nsec_bitmap_std(p->post, p->post_len) == NT_OK)
            return NT_OK;
        if (nsec_bitmap_wide(p->post, p->post_len) == NT_OK) {
            *lenient = p->post_nsec_lenient = true;
            return NT_OK;
        }
        return NT_ERR_DNS_NSEC_BITMAP;
    case NT_DNS_TYPE_RRSIG:
        /* RFC 4034 §3.1: 18 fixed octets, signer name, signature. */
        if (len < 19)
            return NT_ERR_DNS_RDATA_SHORT;
        p->pre_len = 18;
        if ((st = take(w, &p->pre, 18)) != NT_OK)
            return st;
        p->has_name = p->name_lower = true;
        if ((st = rdata_name(w, msg_len, namep)) != NT_OK)
            return st;
        p->post_len = nt_buf_left(w);
        return take(w, &p->post, p->post_len);
    case NT_DNS_TYPE_DNSKEY:
        if (len < 4)
            return NT_ERR_DNS_RDATA_SHORT;
        p->pre_len = len;
        return take(w, &p->pre, len);
    case NT_DNS_TYPE_OPT: {
        /* RFC 6891 §6.1.2: {code, length, data} options filling the RDATA. */
        nt_buf o;
        p->pre_len = len;
        if ((st = take(w, &p->pre, len)) != NT_OK)
            return st;
        nt_buf_init(&o, p->pre, len);
        while (nt_buf_left(&o) > 0) {
            uint16_t code, olen;
            if (nt_buf_get_u16(&o, &code) != NT_OK || nt_buf_get_u16(&o, &olen) != NT_OK ||
                nt_buf_skip(&o, olen) != NT_OK)
                return NT_ERR_DNS_RDATA_SHORT;
        }
        return NT_OK;
    }
    default:
        /* RFC 3597: unknown types are opaque; names inside are never
         * decompressed. */
        p->pre_len = len;
        return take(w, &p->pre, len);
    }
}

void nt_wire_rr_parts(const nt_dns_msg *m, const nt_dns_rr *rr, nt_wire_rdparts *parts)
{
    nt_buf w;
    bool lenient;
    nt_status st;
    w.base = m->wire;
    w.pos = rr->rdata_off;
    w.len = (size_t)rr->rdata_off + rr->rdlength;
    st = nt_wire_rdata_check(&w, m->len, rr->type, parts, &lenient);
    (void)st; /* the parser accepted this record: st is NT_OK */
}

nt_status nt_dns_rdata_check(uint16_t type, const uint8_t *rdata, size_t len)
{
    nt_buf w;
    bool lenient;
    nt_status st;
    if (!rdata && len)
        return NT_ERR_INVALID_ARG;
    if (len > 0xFFFF)
        return NT_ERR_DNS_RDLENGTH;
    nt_buf_init(&w, rdata, len);
    st = nt_wire_rdata_check(&w, 0, type, NULL, &lenient);
    if (st == NT_ERR_DNS_PTR_PAST_END)
        st = NT_ERR_DNS_LABEL_TYPE; /* no pointers in uncompressed RDATA */
    return st;
}

nt_status nt_wire_parts_write_plain(nt_wbuf *out, const nt_wire_rdparts *p, bool lower)
{
    nt_status st;
    if ((st = nt_wbuf_put_bytes(out, p->pre, p->pre_len)) != NT_OK)
        return st;
    if (p->has_name) {
        if (lower && p->name_lower) {
            nt_dns_name n = p->name;
            nt_dns_name_lower(&n);
            st = nt_wbuf_put_bytes(out, n.wire, n.len);
        } else {
            st = nt_wbuf_put_bytes(out, p->name.wire, p->name.len);
        }
        if (st != NT_OK)
            return st;
    }
    return nt_wire_nsec_bitmap_write(out, p->post, p->post_len, p->post_nsec_lenient);
}

/* ---- typed getters ---------------------------------------------------------- */

static nt_status want(const nt_dns_msg *m, const nt_dns_rr *rr, uint16_t type)
{
    if (!m || !rr || rr->type != type || rr->section == NT_DNS_SEC_QUESTION)
        return NT_ERR_INVALID_ARG;
    return rr->status;
}

nt_status nt_dns_rr_get_a(const nt_dns_msg *m, const nt_dns_rr *rr, uint8_t addr[4])
{
    nt_status st = want(m, rr, NT_DNS_TYPE_A);
    if (st == NT_OK)
        memcpy(addr, m->wire + rr->rdata_off, 4);
    return st;
}

nt_status nt_dns_rr_get_aaaa(const nt_dns_msg *m, const nt_dns_rr *rr, uint8_t addr[16])
{
    nt_status st = want(m, rr, NT_DNS_TYPE_AAAA);
    if (st == NT_OK)
        memcpy(addr, m->wire + rr->rdata_off, 16);
    return st;
}

nt_status nt_dns_rr_get_ptr(const nt_dns_msg *m, const nt_dns_rr *rr, nt_dns_name *target)
{
    nt_status st;
    if (!m || !rr || !target)
        return NT_ERR_INVALID_ARG;
    if (rr->type != NT_DNS_TYPE_PTR && rr->type != NT_DNS_TYPE_CNAME &&
        rr->type != NT_DNS_TYPE_NS)
        return NT_ERR_INVALID_ARG;
    st = want(m, rr, rr->type);
    if (st == NT_OK)
        nt_wire_name_get(m->wire, rr->rdata_off, target);
    return st;
}

nt_status nt_dns_rr_get_srv(const nt_dns_msg *m, const nt_dns_rr *rr, nt_dns_srv *out)
{
    nt_status st = want(m, rr, NT_DNS_TYPE_SRV);
    const uint8_t *p;
    if (st != NT_OK || !out)
        return st != NT_OK ? st : NT_ERR_INVALID_ARG;
    p = m->wire + rr->rdata_off;
    out->priority = (uint16_t)((p[0] << 8) | p[1]);
    out->weight = (uint16_t)((p[2] << 8) | p[3]);
    out->port = (uint16_t)((p[4] << 8) | p[5]);
    nt_wire_name_get(m->wire, (size_t)rr->rdata_off + 6, &out->target);
    return NT_OK;
}

nt_status nt_dns_rr_get_nsec(const nt_dns_msg *m, const nt_dns_rr *rr, nt_dns_nsec *out)
{
    nt_status st = want(m, rr, NT_DNS_TYPE_NSEC);
    nt_wire_rdparts parts;
    nt_wbuf w;
    if (st != NT_OK || !out)
        return st != NT_OK ? st : NT_ERR_INVALID_ARG;
    nt_wire_rr_parts(m, rr, &parts);
    out->next = parts.name;
    nt_wbuf_init(&w, out->bitmap, sizeof out->bitmap);
    st = nt_wire_nsec_bitmap_write(&w, parts.post, parts.post_len, parts.post_nsec_lenient);
    out->bitmap_len = (uint16_t)w.len;
    return st;
}

bool nt_dns_nsec_has_type(const uint8_t *bitmap, size_t len, uint16_t type)
{
    nt_buf b;
    unsigned want_win = type >> 8, bit = type & 0xFF;
    nt_buf_init(&b, bitmap, len);
    while (nt_buf_left(&b) >= 2) {
        uint8_t win, n;
        const uint8_t *p;
        if (nt_buf_get_u8(&b, &win) != NT_OK || nt_buf_get_u8(&b, &n) != NT_OK ||
            nt_buf_get_ptr(&b, &p, n) != NT_OK)
            return false;
        if (win == want_win)
            return bit / 8 < n && (p[bit / 8] & (0x80 >> (bit % 8))) != 0;
    }
    return false;
}

static uint32_t rd32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

nt_status nt_dns_rr_get_rrsig(const nt_dns_msg *m, const nt_dns_rr *rr, nt_dns_rrsig *out)
{
    nt_status st = want(m, rr, NT_DNS_TYPE_RRSIG);
    nt_wire_rdparts parts;
    if (st != NT_OK || !out)
        return st != NT_OK ? st : NT_ERR_INVALID_ARG;
    nt_wire_rr_parts(m, rr, &parts);
    out->type_covered = (uint16_t)((parts.pre[0] << 8) | parts.pre[1]);
    out->algorithm = parts.pre[2];
    out->labels = parts.pre[3];
    out->original_ttl = rd32(parts.pre + 4);
    out->expiration = rd32(parts.pre + 8);
    out->inception = rd32(parts.pre + 12);
    out->key_tag = (uint16_t)((parts.pre[16] << 8) | parts.pre[17]);
    out->signer = parts.name;
    out->signature = parts.post;
    out->signature_len = parts.post_len;
    return NT_OK;
}

nt_status nt_dns_rr_get_dnskey(const nt_dns_msg *m, const nt_dns_rr *rr, nt_dns_dnskey *out)
{
    nt_status st = want(m, rr, NT_DNS_TYPE_DNSKEY);
    const uint8_t *p;
    if (st != NT_OK || !out)
        return st != NT_OK ? st : NT_ERR_INVALID_ARG;
    p = m->wire + rr->rdata_off;
    out->flags = (uint16_t)((p[0] << 8) | p[1]);
    out->protocol = p[2];
    out->algorithm = p[3];
    out->key = p + 4;
    out->key_len = (size_t)rr->rdlength - 4;
    return NT_OK;
}

nt_status nt_dns_rr_get_opt(const nt_dns_msg *m, const nt_dns_rr *rr, nt_dns_opt *out)
{
    nt_status st = want(m, rr, NT_DNS_TYPE_OPT);
    if (st != NT_OK || !out)
        return st != NT_OK ? st : NT_ERR_INVALID_ARG;
    /* RFC 6891 §6.1.3: CLASS is the UDP payload size, TTL holds the
     * extended rcode, version and flags. rclass lost the top bit: rebuild. */
    out->udp_size = (uint16_t)(rr->rclass | ((rr->flags & NT_DNS_RR_MDNS_BIT) ? 0x8000 : 0));
    out->ext_rcode = (uint8_t)(rr->ttl >> 24);
    out->version = (uint8_t)(rr->ttl >> 16);
    out->flags = (uint16_t)rr->ttl;
    out->options = m->wire + rr->rdata_off;
    out->options_len = rr->rdlength;
    return NT_OK;
}

/* ---- TXT (RFC 6763 §6) ------------------------------------------------------ */

nt_status nt_dns_txt_check(const uint8_t *rdata, size_t len)
{
    nt_buf b;
    size_t pos = 0;
    if (len == 0)
        return NT_ERR_DNS_RDATA_SHORT; /* RFC 6763 §6.1: at least one string */
    nt_buf_init(&b, rdata, len);
    /* offset walk with inline peeks: this runs for every TXT received */
    while (pos < len) {
        uint8_t n;
        if (nt_buf_peek_at(&b, pos, &n) != NT_OK || len - pos - 1 < n)
            return NT_ERR_DNS_TXT_OVERRUN;
        pos += (size_t)n + 1;
    }
    return NT_OK;
}

nt_status nt_dns_txt_iter_init(nt_dns_txt_iter *it, const nt_dns_msg *m, const nt_dns_rr *rr)
{
    nt_status st = want(m, rr, NT_DNS_TYPE_TXT);
    if (!it)
        return NT_ERR_INVALID_ARG;
    it->p = NULL;
    it->left = 0;
    if (st == NT_OK)
        nt_dns_txt_iter_init_raw(it, m->wire + rr->rdata_off, rr->rdlength);
    return st;
}

void nt_dns_txt_iter_init_raw(nt_dns_txt_iter *it, const uint8_t *rdata, size_t len)
{
    it->p = rdata;
    it->left = len;
}

bool nt_dns_txt_iter_next(nt_dns_txt_iter *it, const uint8_t **s, size_t *len)
{
    nt_buf b;
    uint8_t n;
    nt_buf_init(&b, it->p, it->left);
    if (nt_buf_get_u8(&b, &n) != NT_OK || nt_buf_get_ptr(&b, s, n) != NT_OK)
        return false;
    *len = n;
    it->p += 1 + (size_t)n;
    it->left -= 1 + (size_t)n;
    return true;
}

bool nt_dns_txt_split(const uint8_t *s, size_t len, const uint8_t **key, size_t *key_len,
                      const uint8_t **value, size_t *value_len, bool *has_value)
{
    size_t i;
    /* RFC 6763 §6.4: the key is everything up to the first '='; a string
     * starting with '=' has no key and is ignored. Keys are printable
     * US-ASCII 0x20..0x7E excluding '='. */
    for (i = 0; i < len && s[i] != '='; i++)
        if (s[i] < 0x20 || s[i] > 0x7E)
            return false;
    if (i == 0)
        return false;
    *key = s;
    *key_len = i;
    if (i < len) {
        *has_value = true;
        *value = s + i + 1;
        *value_len = len - i - 1;
    } else {
        *has_value = false;
        *value = s + len;
        *value_len = 0;
    }
    return true;
}

nt_status nt_dns_txt_find(const uint8_t *rdata, size_t len, const char *key,
                          const uint8_t **value, size_t *value_len, bool *has_value)
{
    nt_dns_txt_iter it;
    const uint8_t *s, *k, *v;
    size_t n, kl, vl, want_len, i;
    bool hv;
    if (!key)
        return NT_ERR_INVALID_ARG;
    want_len = strlen(key);
    nt_dns_txt_iter_init_raw(&it, rdata, len);
    while (nt_dns_txt_iter_next(&it, &s, &n)) {
        if (!nt_dns_txt_split(s, n, &k, &kl, &v, &vl, &hv) || kl != want_len)
            continue;
        /* RFC 6763 §6.4: keys compare case-insensitively (ASCII). */
        for (i = 0; i < kl; i++)
            if (nt_wire_lower(k[i]) != nt_wire_lower((uint8_t)key[i]))
                break;
        if (i < kl)
            continue;
        if (value)
            *value = v;
        if (value_len)
            *value_len = vl;
        if (has_value)
            *has_value = hv;
        return NT_OK;
    }
    return NT_ERR_NOT_FOUND;
}

nt_status nt_dns_txt_encode(uint8_t *out, size_t cap, size_t *out_len,
                            const nt_dns_txt_item *items, size_t n)
{
    nt_wbuf w;
    size_t i, j;
    nt_status st;
    if (!out || !out_len || (!items && n))
        return NT_ERR_INVALID_ARG;
    nt_wbuf_init(&w, out, cap);
    if (n == 0) {
        /* RFC 6763 §6.1: an empty TXT record holds one zero-length string. */
        if ((st = nt_wbuf_put_u8(&w, 0)) != NT_OK)
            return st;
    }
    for (i = 0; i < n; i++) {
        const uint8_t *k = (const uint8_t *)items[i].key;
        size_t kl, total;
        if (!k)
            return NT_ERR_DNS_TXT_KEY;
        kl = strlen(items[i].key);
        if (kl == 0)
            return NT_ERR_DNS_TXT_KEY;
        for (j = 0; j < kl; j++)
            if (k[j] < 0x20 || k[j] > 0x7E || k[j] == '=')
                return NT_ERR_DNS_TXT_KEY;
        total = kl;
        if (items[i].has_value) {
            if (!items[i].value && items[i].value_len)
                return NT_ERR_INVALID_ARG;
            total += 1 + items[i].value_len;
        }
        if (total > 255)
            return NT_ERR_DNS_TXT_TOO_LONG;
        if ((st = nt_wbuf_put_u8(&w, (uint8_t)total)) != NT_OK ||
            (st = nt_wbuf_put_bytes(&w, k, kl)) != NT_OK)
            return st;
        if (items[i].has_value &&
            ((st = nt_wbuf_put_u8(&w, '=')) != NT_OK ||
             (st = nt_wbuf_put_bytes(&w, items[i].value, items[i].value_len)) != NT_OK))
            return st;
    }
    *out_len = w.len;
    return NT_OK;
}

/* ---- records independent of a packet ------------------------------------- */

nt_status nt_dns_rr_to_record(const nt_dns_msg *m, const nt_dns_rr *rr, nt_dns_record *rec,
                              uint8_t *rdata_buf, size_t cap)
{
    nt_wire_rdparts parts;
    nt_wbuf w;
    nt_status st;
    if (!m || !rr || !rec || (!rdata_buf && cap))
        return NT_ERR_INVALID_ARG;
    if (rr->status != NT_OK)
        return rr->status;
    nt_wire_name_get(m->wire, rr->name_off, &rec->owner);
    rec->type = rr->type;
    rec->rclass = rr->rclass;
    rec->mdns_bit = (rr->flags & NT_DNS_RR_MDNS_BIT) != 0;
    rec->ttl = rr->ttl;
    rec->rdata = rdata_buf;
    rec->rdlength = 0;
    if (rr->section == NT_DNS_SEC_QUESTION)
        return NT_OK;
    nt_wire_rr_parts(m, rr, &parts);
    nt_wbuf_init(&w, rdata_buf, cap);
    if ((st = nt_wire_parts_write_plain(&w, &parts, false)) != NT_OK)
        return st;
    if (w.len > 0xFFFF)
        return NT_ERR_DNS_RDLENGTH;
    rec->rdlength = (uint16_t)w.len;
    return NT_OK;
}
