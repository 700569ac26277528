/*
 * agent/wire/print.c - dig-style presentation of messages and records
 * (RFC 1035 §5.1, RFC 3597 §5, RFC 4034 §2.2, §3.2, §4.2, RFC 6891 §6.1.2).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "nautilus/codec.h"
#include "nautilus/mem.h"
#include "nautilus/wire_print.h"
#include "wire_int.h"

nt_status nt_dns_type_print(nt_dynbuf *out, uint16_t type)
{
    const char *s = nt_dns_type_name(type);
    return s ? nt_dynbuf_add_str(out, s) : nt_dynbuf_addf(out, "TYPE%u", (unsigned)type);
}

static nt_status class_print(nt_dynbuf *out, uint16_t rclass)
{
    const char *s = nt_dns_class_name(rclass);
    return s ? nt_dynbuf_add_str(out, s) : nt_dynbuf_addf(out, "CLASS%u", (unsigned)rclass);
}

nt_status nt_dns_name_print(nt_dynbuf *out, const nt_dns_name *n)
{
    char text[NT_DNS_NAME_TEXT_MAX];
    size_t len;
    nt_status st = nt_dns_name_to_text(n, text, sizeof text, &len);
    return st != NT_OK ? st : nt_dynbuf_add(out, text, len);
}

/* RFC 3597 §5: "\# <length> <hex>". */
static nt_status generic_print(nt_dynbuf *out, const uint8_t *rd, size_t len)
{
    size_t i;
    nt_status st = nt_dynbuf_addf(out, "\\# %zu%s", len, len ? " " : "");
    for (i = 0; st == NT_OK && i < len; i++)
        st = nt_dynbuf_addf(out, "%02x", rd[i]);
    return st;
}

/* A character-string in quotes, escaping '"' and '\\' and octets outside
 * printable ASCII as \DDD (RFC 1035 §5.1). */
static nt_status txt_string_print(nt_dynbuf *out, const uint8_t *s, size_t n)
{
    size_t i;
    nt_status st = nt_dynbuf_add_u8(out, '"');
    for (i = 0; st == NT_OK && i < n; i++) {
        uint8_t c = s[i];
        if (c == '"' || c == '\\')
            st = nt_dynbuf_addf(out, "\\%c", (char)c);
        else if (c >= 0x20 && c <= 0x7E)
            st = nt_dynbuf_add_u8(out, c);
        else
            st = nt_dynbuf_addf(out, "\\%03u", (unsigned)c);
    }
    return st == NT_OK ? nt_dynbuf_add_u8(out, '"') : st;
}

static nt_status b64_print(nt_dynbuf *out, const uint8_t *d, size_t n)
{
    size_t cap = nt_base64_encoded_len(n) + 1;
    char *t = nt_malloc(cap);
    nt_status st;
    if (!t)
        return NT_ERR_NOMEM;
    st = nt_base64_encode(t, cap, d, n);
    if (st == NT_OK)
        st = nt_dynbuf_add_str(out, t);
    nt_free(t);
    return st;
}

/* RFC 4034 §3.2: YYYYMMDDHHmmSS in UTC. */
static nt_status time_print(nt_dynbuf *out, uint32_t t)
{
    struct tm tm;
    time_t tt = (time_t)t;
    if (!gmtime_r(&tt, &tm))
        return nt_dynbuf_addf(out, "%u", (unsigned)t);
    return nt_dynbuf_addf(out, "%04d%02d%02d%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                          tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static uint16_t be16(const uint8_t *p) { return (uint16_t)((p[0] << 8) | p[1]); }
static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* NSEC types from a bitmap in either form (RFC 4034 §4.2). */
static nt_status nsec_types_print(nt_dynbuf *out, const uint8_t *bm, size_t len, bool wide)
{
    nt_buf b;
    nt_status st = NT_OK;
    nt_buf_init(&b, bm, len);
    while (st == NT_OK && nt_buf_left(&b) > 0) {
        uint16_t win, n;
        uint8_t w8, n8;
        const uint8_t *p;
        size_t i;
        unsigned bit;
        if (wide) {
            if (nt_buf_get_u16(&b, &win) != NT_OK || nt_buf_get_u16(&b, &n) != NT_OK)
                break;
        } else {
            if (nt_buf_get_u8(&b, &w8) != NT_OK || nt_buf_get_u8(&b, &n8) != NT_OK)
                break;
            win = w8;
            n = n8;
        }
        if (nt_buf_get_ptr(&b, &p, n) != NT_OK)
            break;
        for (i = 0; st == NT_OK && i < n; i++)
            for (bit = 0; st == NT_OK && bit < 8; bit++)
                if (p[i] & (0x80 >> bit)) {
                    st = nt_dynbuf_add_u8(out, ' ');
                    if (st == NT_OK)
                        st = nt_dns_type_print(out, (uint16_t)(win * 256 + i * 8 + bit));
                }
    }
    return st;
}

/* Presentation of RDATA split into parts; raw is the whole RDATA as it is
 * (used for opaque types, whose bytes are never compressed). */
static nt_status parts_print(nt_dynbuf *out, uint16_t type, const nt_wire_rdparts *p,
                             const uint8_t *raw, size_t raw_len)
{
    nt_status st;
    switch (type) {
    case NT_DNS_TYPE_A:
        return nt_dynbuf_addf(out, "%u.%u.%u.%u", p->pre[0], p->pre[1], p->pre[2], p->pre[3]);
    case NT_DNS_TYPE_AAAA: {
        char t[64];
        if (!inet_ntop(AF_INET6, p->pre, t, sizeof t))
            return generic_print(out, raw, raw_len);
        return nt_dynbuf_add_str(out, t);
    }
    case NT_DNS_TYPE_PTR:
    case NT_DNS_TYPE_CNAME:
    case NT_DNS_TYPE_NS:
        return nt_dns_name_print(out, &p->name);
    case NT_DNS_TYPE_SRV:
        st = nt_dynbuf_addf(out, "%u %u %u ", be16(p->pre), be16(p->pre + 2), be16(p->pre + 4));
        return st != NT_OK ? st : nt_dns_name_print(out, &p->name);
    case NT_DNS_TYPE_TXT: {
        nt_dns_txt_iter it;
        const uint8_t *s;
        size_t n;
        bool first = true;
        nt_dns_txt_iter_init_raw(&it, p->pre, p->pre_len);
        while (nt_dns_txt_iter_next(&it, &s, &n)) {
            if (!first && (st = nt_dynbuf_add_u8(out, ' ')) != NT_OK)
                return st;
            if ((st = txt_string_print(out, s, n)) != NT_OK)
                return st;
            first = false;
        }
        return NT_OK;
    }
    case NT_DNS_TYPE_NSEC:
        if ((st = nt_dns_name_print(out, &p->name)) != NT_OK)
            return st;
        return nsec_types_print(out, p->post, p->post_len, p->post_nsec_lenient);
    case NT_DNS_TYPE_RRSIG:
        if ((st = nt_dns_type_print(out, be16(p->pre))) != NT_OK ||
            (st = nt_dynbuf_addf(out, " %u %u %u ", p->pre[2], p->pre[3],
                                 (unsigned)be32(p->pre + 4))) != NT_OK ||
            (st = time_print(out, be32(p->pre + 8))) != NT_OK ||
            (st = nt_dynbuf_add_u8(out, ' ')) != NT_OK ||
            (st = time_print(out, be32(p->pre + 12))) != NT_OK ||
            (st = nt_dynbuf_addf(out, " %u ", be16(p->pre + 16))) != NT_OK ||
            (st = nt_dns_name_print(out, &p->name)) != NT_OK ||
            (st = nt_dynbuf_add_u8(out, ' ')) != NT_OK)
            return st;
        return b64_print(out, p->post, p->post_len);
    case NT_DNS_TYPE_DNSKEY:
        if ((st = nt_dynbuf_addf(out, "%u %u %u ", be16(p->pre), p->pre[2], p->pre[3])) != NT_OK)
            return st;
        return b64_print(out, p->pre + 4, p->pre_len - 4);
    default:
        return generic_print(out, raw, raw_len);
    }
}

nt_status nt_dns_rdata_print(nt_dynbuf *out, uint16_t type, const uint8_t *rdata, size_t len)
{
    nt_wire_rdparts p;
    nt_buf w;
    bool lenient;
    if (!out || (!rdata && len))
        return NT_ERR_INVALID_ARG;
    nt_buf_init(&w, rdata, len);
    if (nt_wire_rdata_check(&w, 0, type, &p, &lenient) != NT_OK)
        return generic_print(out, rdata, len);
    return parts_print(out, type, &p, rdata, len);
}

static nt_status head_print(nt_dynbuf *out, const nt_dns_name *owner, uint32_t ttl,
                            uint16_t rclass, uint16_t type)
{
    nt_status st;
    if ((st = nt_dns_name_print(out, owner)) != NT_OK ||
        (st = nt_dynbuf_addf(out, "\t%u\t", (unsigned)ttl)) != NT_OK ||
        (st = class_print(out, rclass)) != NT_OK || (st = nt_dynbuf_add_u8(out, '\t')) != NT_OK ||
        (st = nt_dns_type_print(out, type)) != NT_OK || (st = nt_dynbuf_add_u8(out, '\t')) != NT_OK)
        return st;
    return NT_OK;
}

nt_status nt_dns_record_print(nt_dynbuf *out, const nt_dns_record *rec)
{
    nt_status st;
    if (!out || !rec)
        return NT_ERR_INVALID_ARG;
    if ((st = head_print(out, &rec->owner, rec->ttl, rec->rclass, rec->type)) != NT_OK ||
        (st = nt_dns_rdata_print(out, rec->type, rec->rdata, rec->rdlength)) != NT_OK)
        return st;
    if (rec->mdns_bit && (st = nt_dynbuf_add_str(out, "\t; cache-flush")) != NT_OK)
        return st;
    return nt_dynbuf_add_u8(out, '\n');
}

nt_status nt_dns_rr_print(nt_dynbuf *out, const nt_dns_msg *m, const nt_dns_rr *rr)
{
    nt_dns_name owner;
    nt_wire_rdparts p;
    nt_status st;
    bool bit;
    if (!out || !m || !rr)
        return NT_ERR_INVALID_ARG;
    nt_dns_rr_owner(m, rr, &owner);
    bit = (rr->flags & NT_DNS_RR_MDNS_BIT) != 0;
    if (rr->section == NT_DNS_SEC_QUESTION) {
        if ((st = nt_dynbuf_add_u8(out, ';')) != NT_OK ||
            (st = nt_dns_name_print(out, &owner)) != NT_OK ||
            (st = nt_dynbuf_add_str(out, "\t\t")) != NT_OK ||
            (st = class_print(out, rr->rclass)) != NT_OK ||
            (st = nt_dynbuf_add_u8(out, '\t')) != NT_OK ||
            (st = nt_dns_type_print(out, rr->type)) != NT_OK)
            return st;
        if (bit && (st = nt_dynbuf_add_str(out, "\t; QU")) != NT_OK)
            return st;
        return nt_dynbuf_add_u8(out, '\n');
    }
    if (rr->status != NT_OK) {
        if ((st = nt_dynbuf_add_str(out, "; malformed: ")) != NT_OK ||
            (st = nt_dns_name_print(out, &owner)) != NT_OK ||
            (st = nt_dynbuf_add_u8(out, ' ')) != NT_OK ||
            (st = nt_dns_type_print(out, rr->type)) != NT_OK)
            return st;
        return nt_dynbuf_addf(out, " rdlength %u (%s: %s)\n", rr->rdlength,
                              nt_status_name(rr->status), nt_strerror(rr->status));
    }
    nt_wire_rr_parts(m, rr, &p);
    if ((st = head_print(out, &owner, rr->ttl, rr->rclass, rr->type)) != NT_OK ||
        (st = parts_print(out, rr->type, &p, m->wire + rr->rdata_off, rr->rdlength)) != NT_OK)
        return st;
    if (bit && (st = nt_dynbuf_add_str(out, "\t; cache-flush")) != NT_OK)
        return st;
    if ((rr->flags & NT_DNS_RR_LENIENT) &&
        (st = nt_dynbuf_add_str(out, "\t; lenient NSEC form")) != NT_OK)
        return st;
    return nt_dynbuf_add_u8(out, '\n');
}

static const char *opcode_name(unsigned op)
{
    switch (op) {
    case 0: return "QUERY";
    case 1: return "IQUERY";
    case 2: return "STATUS";
    case 4: return "NOTIFY";
    case 5: return "UPDATE";
    default: return NULL;
    }
}

static const char *rcode_name(unsigned rc)
{
    static const char *const names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                        "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                        "NXRRSET", "NOTAUTH", "NOTZONE"};
    return rc < sizeof names / sizeof names[0] ? names[rc] : NULL;
}

static const struct {
    uint16_t bit;
    const char *name;
} flag_names[] = {
    {NT_DNS_FLAG_QR, "qr"}, {NT_DNS_FLAG_AA, "aa"}, {NT_DNS_FLAG_TC, "tc"},
    {NT_DNS_FLAG_RD, "rd"}, {NT_DNS_FLAG_RA, "ra"}, {NT_DNS_FLAG_Z, "z"},
    {NT_DNS_FLAG_AD, "ad"}, {NT_DNS_FLAG_CD, "cd"},
};

/* Full rcode: 4 header bits plus the OPT's 8 extended bits (RFC 6891 §6.1.3). */
static unsigned full_rcode(const nt_dns_msg *m, nt_dns_opt *opt, bool *has_opt)
{
    unsigned rc = NT_DNS_RCODE(m->flags);
    *has_opt = m->opt_index >= 0 &&
               nt_dns_rr_get_opt(m, &m->rr[m->opt_index], opt) == NT_OK;
    if (*has_opt)
        rc |= (unsigned)opt->ext_rcode << 4;
    return rc;
}

nt_status nt_dns_msg_print(nt_dynbuf *out, const nt_dns_msg *m)
{
    const char *op, *rcn;
    unsigned rc, sec;
    size_t i;
    nt_dns_opt opt;
    bool has_opt;
    nt_status st;

    if (!out || !m)
        return NT_ERR_INVALID_ARG;
    rc = full_rcode(m, &opt, &has_opt);
    op = opcode_name(NT_DNS_OPCODE(m->flags));
    rcn = rcode_name(rc);
    st = nt_dynbuf_add_str(out, ";; ->>HEADER<<- opcode: ");
    if (st == NT_OK)
        st = op ? nt_dynbuf_add_str(out, op) : nt_dynbuf_addf(out, "RESERVED%u", NT_DNS_OPCODE(m->flags));
    if (st == NT_OK)
        st = rcn ? nt_dynbuf_addf(out, ", status: %s", rcn) : nt_dynbuf_addf(out, ", status: RESERVED%u", rc);
    if (st == NT_OK)
        st = nt_dynbuf_addf(out, ", id: %u\n;; flags:", m->id);
    for (i = 0; st == NT_OK && i < sizeof flag_names / sizeof flag_names[0]; i++)
        if (m->flags & flag_names[i].bit)
            st = nt_dynbuf_addf(out, " %s", flag_names[i].name);
    if (st == NT_OK)
        st = nt_dynbuf_addf(out, "; QUERY: %u, ANSWER: %u, AUTHORITY: %u, ADDITIONAL: %u\n",
                            m->count[0], m->count[1], m->count[2], m->count[3]);
    if (st != NT_OK)
        return st;
    if (has_opt) {
        st = nt_dynbuf_addf(out, "\n;; OPT PSEUDOSECTION:\n; EDNS: version: %u, flags:%s; udp: %u\n",
                            opt.version, (opt.flags & 0x8000) ? " do" : "", opt.udp_size);
        if (st == NT_OK && opt.options_len) {
            st = nt_dynbuf_add_str(out, "; OPTIONS: ");
            if (st == NT_OK)
                st = generic_print(out, opt.options, opt.options_len);
            if (st == NT_OK)
                st = nt_dynbuf_add_u8(out, '\n');
        }
        if (st != NT_OK)
            return st;
    }
    for (sec = 0; sec < 4; sec++) {
        bool header = false;
        for (i = 0; i < m->count[sec]; i++) {
            const nt_dns_rr *rr = &m->rr[m->first[sec] + i];
            if ((int32_t)(m->first[sec] + i) == m->opt_index && rr->status == NT_OK)
                continue; /* shown in the pseudosection, as dig does */
            if (!header) {
                st = nt_dynbuf_addf(out, "\n;; %s SECTION:\n",
                                    nt_dns_section_name((nt_dns_section)sec));
                if (st != NT_OK)
                    return st;
                header = true;
            }
            if ((st = nt_dns_rr_print(out, m, rr)) != NT_OK)
                return st;
        }
    }
    return NT_OK;
}

/* ---- JSON ------------------------------------------------------------------- */

/* A JSON string of ASCII text (our presentation forms are ASCII). */
static nt_status json_str(nt_dynbuf *out, const char *s, size_t n)
{
    size_t i;
    nt_status st = nt_dynbuf_add_u8(out, '"');
    for (i = 0; st == NT_OK && i < n; i++) {
        uint8_t c = (uint8_t)s[i];
        if (c == '"' || c == '\\')
            st = nt_dynbuf_addf(out, "\\%c", (char)c);
        else if (c < 0x20 || c >= 0x7F)
            st = nt_dynbuf_addf(out, "\\u%04x", (unsigned)c);
        else
            st = nt_dynbuf_add_u8(out, c);
    }
    return st == NT_OK ? nt_dynbuf_add_u8(out, '"') : st;
}

/* Runs a printer into a scratch buffer and emits the result as a JSON string. */
static nt_status json_name(nt_dynbuf *out, const nt_dns_name *n)
{
    char text[NT_DNS_NAME_TEXT_MAX];
    size_t len;
    nt_status st = nt_dns_name_to_text(n, text, sizeof text, &len);
    return st != NT_OK ? st : json_str(out, text, len);
}

static nt_status json_mnemonic(nt_dynbuf *out, uint16_t v, bool is_type)
{
    char t[16];
    const char *s = is_type ? nt_dns_type_name(v) : nt_dns_class_name(v);
    if (!s) {
        snprintf(t, sizeof t, "%s%u", is_type ? "TYPE" : "CLASS", (unsigned)v);
        s = t;
    }
    return json_str(out, s, strlen(s));
}

static nt_status json_rr(nt_dynbuf *out, const nt_dns_msg *m, const nt_dns_rr *rr)
{
    nt_dns_name owner;
    nt_status st;
    bool bit = (rr->flags & NT_DNS_RR_MDNS_BIT) != 0;
    nt_dns_rr_owner(m, rr, &owner);
    if ((st = nt_dynbuf_add_str(out, "{\"name\":")) != NT_OK || (st = json_name(out, &owner)) != NT_OK)
        return st;
    if (rr->section != NT_DNS_SEC_QUESTION &&
        (st = nt_dynbuf_addf(out, ",\"ttl\":%u", (unsigned)rr->ttl)) != NT_OK)
        return st;
    if ((st = nt_dynbuf_add_str(out, ",\"class\":")) != NT_OK ||
        (st = json_mnemonic(out, rr->rclass, false)) != NT_OK ||
        (st = nt_dynbuf_add_str(out, ",\"type\":")) != NT_OK ||
        (st = json_mnemonic(out, rr->type, true)) != NT_OK)
        return st;
    if (rr->section == NT_DNS_SEC_QUESTION)
        return nt_dynbuf_addf(out, ",\"qu\":%s}", bit ? "true" : "false");
    if ((st = nt_dynbuf_addf(out, ",\"cache_flush\":%s", bit ? "true" : "false")) != NT_OK)
        return st;
    if (rr->status != NT_OK) {
        const char *e = nt_status_name(rr->status);
        if ((st = nt_dynbuf_add_str(out, ",\"error\":")) != NT_OK ||
            (st = json_str(out, e, strlen(e))) != NT_OK)
            return st;
    } else {
        nt_dynbuf tmp;
        nt_wire_rdparts p;
        nt_dynbuf_init(&tmp, 4 * NT_DNS_MSG_MAX);
        nt_wire_rr_parts(m, rr, &p);
        st = parts_print(&tmp, rr->type, &p, m->wire + rr->rdata_off, rr->rdlength);
        if (st == NT_OK)
            st = nt_dynbuf_add_str(out, ",\"data\":");
        if (st == NT_OK)
            st = json_str(out, nt_dynbuf_str(&tmp), tmp.len);
        nt_dynbuf_cleanup(&tmp);
        if (st != NT_OK)
            return st;
    }
    return nt_dynbuf_add_u8(out, '}');
}

nt_status nt_dns_msg_print_json(nt_dynbuf *out, const nt_dns_msg *m)
{
    static const char *const keys[4] = {"question", "answer", "authority", "additional"};
    const char *op, *rcn;
    unsigned rc, sec;
    size_t i;
    nt_dns_opt opt;
    bool has_opt, first;
    nt_status st;

    if (!out || !m)
        return NT_ERR_INVALID_ARG;
    rc = full_rcode(m, &opt, &has_opt);
    op = opcode_name(NT_DNS_OPCODE(m->flags));
    rcn = rcode_name(rc);
    st = nt_dynbuf_addf(out, "{\"id\":%u,\"opcode\":", m->id);
    if (st == NT_OK)
        st = op ? json_str(out, op, strlen(op)) : nt_dynbuf_addf(out, "%u", NT_DNS_OPCODE(m->flags));
    if (st == NT_OK)
        st = nt_dynbuf_add_str(out, ",\"rcode\":");
    if (st == NT_OK)
        st = rcn ? json_str(out, rcn, strlen(rcn)) : nt_dynbuf_addf(out, "%u", rc);
    if (st == NT_OK)
        st = nt_dynbuf_add_str(out, ",\"flags\":[");
    first = true;
    for (i = 0; st == NT_OK && i < sizeof flag_names / sizeof flag_names[0]; i++)
        if (m->flags & flag_names[i].bit) {
            st = nt_dynbuf_addf(out, "%s\"%s\"", first ? "" : ",", flag_names[i].name);
            first = false;
        }
    if (st == NT_OK)
        st = nt_dynbuf_add_u8(out, ']');
    if (st == NT_OK && has_opt)
        st = nt_dynbuf_addf(out, ",\"edns\":{\"version\":%u,\"do\":%s,\"udp\":%u}", opt.version,
                            (opt.flags & 0x8000) ? "true" : "false", opt.udp_size);
    for (sec = 0; st == NT_OK && sec < 4; sec++) {
        st = nt_dynbuf_addf(out, ",\"%s\":[", keys[sec]);
        first = true;
        for (i = 0; st == NT_OK && i < m->count[sec]; i++) {
            const nt_dns_rr *rr = &m->rr[m->first[sec] + i];
            if ((int32_t)(m->first[sec] + i) == m->opt_index && rr->status == NT_OK)
                continue;
            if (!first)
                st = nt_dynbuf_add_u8(out, ',');
            if (st == NT_OK)
                st = json_rr(out, m, rr);
            first = false;
        }
        if (st == NT_OK)
            st = nt_dynbuf_add_u8(out, ']');
    }
    return st == NT_OK ? nt_dynbuf_add_str(out, "}\n") : st;
}
