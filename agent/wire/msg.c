/*
 * agent/wire/msg.c - parsing a whole DNS message into views, without
 * allocating (RFC 1035 §4.1, RFC 6762 §18).
 */
#include <string.h>

#include "wire_int.h"

/* Smallest encodings: a question is a root name plus type and class; a
 * record adds TTL and rdlength (RFC 1035 §4.1.2, §4.1.3). */
#define MIN_QUESTION 5u
#define MIN_RECORD 11u

nt_status nt_dns_msg_parse(nt_dns_msg *m, const uint8_t *data, size_t len)
{
    nt_buf b;
    uint16_t hdr[6];
    size_t need, total, i;
    unsigned sec;
    nt_status st;

    if (!m || (!data && len))
        return NT_ERR_INVALID_ARG;
    m->wire = data;
    m->len = len;
    m->nrr = 0;
    m->opt_index = -1;
    m->bad_records = 0;
    m->err_off = 0;
    memset(m->count, 0, sizeof m->count);
    memset(m->first, 0, sizeof m->first);
    if (len < NT_DNS_HEADER_LEN)
        return NT_ERR_DNS_HEADER_SHORT;
    if (len > NT_DNS_MSG_MAX)
        return NT_ERR_DNS_MSG_TOO_LONG;

    nt_buf_init(&b, data, len);
    for (i = 0; i < 6; i++)
        if ((st = nt_buf_get_u16(&b, &hdr[i])) != NT_OK)
            return st;
    m->id = hdr[0];
    m->flags = hdr[1];

    /* STYLE rule 2: the counts are checked against the bytes present before
     * anything loops over them; a packet of counts 65535 is refused here. */
    need = (size_t)hdr[2] * MIN_QUESTION +
           ((size_t)hdr[3] + hdr[4] + hdr[5]) * MIN_RECORD;
    if (need > len - NT_DNS_HEADER_LEN) {
        m->err_off = 4;
        return NT_ERR_DNS_COUNT;
    }
    total = (size_t)hdr[2] + hdr[3] + hdr[4] + hdr[5];
    if (total > NT_DNS_MSG_MAX_RECORDS) {
        m->err_off = 4;
        return NT_ERR_DNS_TOO_MANY_RECORDS;
    }

    for (sec = 0; sec < 4; sec++) {
        uint16_t k;
        m->first[sec] = m->nrr;
        for (k = 0; k < hdr[2 + sec]; k++) {
            nt_dns_rr *rr = &m->rr[m->nrr];
            uint16_t cls;
            size_t start = nt_buf_tell(&b);
            m->err_off = start;
            rr->name_off = (uint16_t)start;
            rr->section = (uint8_t)sec;
            rr->flags = 0;
            rr->status = NT_OK;
            rr->ttl = 0;
            rr->rdata_off = 0;
            rr->rdlength = 0;
            if ((st = nt_wire_name_walk(&b, len, NULL)) != NT_OK)
                return st;
            if (nt_buf_get_u16(&b, &rr->type) != NT_OK || nt_buf_get_u16(&b, &cls) != NT_OK)
                return NT_ERR_DNS_SHORT_RECORD;
            /* RFC 6762 §10.2 (cache-flush) and §5.4 (QU): the top class
             * bit is a flag, not part of the class. */
            rr->rclass = cls & 0x7FFF;
            if (cls & NT_DNS_CLASS_MDNS_BIT)
                rr->flags |= NT_DNS_RR_MDNS_BIT;
            if (sec != NT_DNS_SEC_QUESTION) {
                uint16_t rdlen;
                nt_buf w;
                bool lenient;
                if (nt_buf_get_u32(&b, &rr->ttl) != NT_OK || nt_buf_get_u16(&b, &rdlen) != NT_OK)
                    return NT_ERR_DNS_SHORT_RECORD;
                m->err_off = nt_buf_tell(&b) - 2;
                if (nt_buf_sub(&b, &w, rdlen) != NT_OK)
                    return NT_ERR_DNS_RDLENGTH;
                rr->rdata_off = (uint16_t)w.pos;
                rr->rdlength = rdlen;
                if (rr->type == NT_DNS_TYPE_OPT) {
                    /* RFC 6891 §6.1.1: more than one OPT is a format error. */
                    if (m->opt_index >= 0) {
                        m->err_off = start;
                        return NT_ERR_DNS_DUP_OPT;
                    }
                    m->opt_index = m->nrr;
                }
                rr->status = nt_wire_rdata_check(&w, len, rr->type, NULL, &lenient);
                if (lenient)
                    rr->flags |= NT_DNS_RR_LENIENT;
                if (rr->status == NT_OK && rr->type == NT_DNS_TYPE_OPT &&
                    (sec != NT_DNS_SEC_ADDITIONAL || data[start] != 0))
                    rr->status = NT_ERR_DNS_OPT_PLACEMENT;
                if (rr->status != NT_OK)
                    m->bad_records++;
            }
            m->nrr++;
        }
        m->count[sec] = hdr[2 + sec];
    }
    if (nt_buf_left(&b) != 0) {
        m->err_off = nt_buf_tell(&b);
        return NT_ERR_DNS_TRAILING;
    }
    m->err_off = 0;
    return NT_OK;
}

size_t nt_dns_msg_error_offset(const nt_dns_msg *m)
{
    return m ? m->err_off : 0;
}

const nt_dns_rr *nt_dns_msg_get(const nt_dns_msg *m, nt_dns_section sec, size_t i)
{
    if (!m || (unsigned)sec > 3 || i >= m->count[sec])
        return NULL;
    return &m->rr[m->first[sec] + i];
}

void nt_dns_msg_name(const nt_dns_msg *m, size_t off, nt_dns_name *out)
{
    nt_wire_name_get(m->wire, off, out);
}

void nt_dns_rr_owner(const nt_dns_msg *m, const nt_dns_rr *rr, nt_dns_name *out)
{
    nt_wire_name_get(m->wire, rr->name_off, out);
}

void nt_dns_rr_rdata(const nt_dns_msg *m, const nt_dns_rr *rr, const uint8_t **rdata, size_t *len)
{
    *rdata = m->wire + rr->rdata_off;
    *len = rr->rdlength;
}

const char *nt_dns_type_name(uint16_t type)
{
    switch (type) {
    case NT_DNS_TYPE_A: return "A";
    case NT_DNS_TYPE_NS: return "NS";
    case NT_DNS_TYPE_CNAME: return "CNAME";
    case 6: return "SOA";
    case NT_DNS_TYPE_PTR: return "PTR";
    case NT_DNS_TYPE_HINFO: return "HINFO";
    case 15: return "MX";
    case NT_DNS_TYPE_TXT: return "TXT";
    case NT_DNS_TYPE_AAAA: return "AAAA";
    case NT_DNS_TYPE_SRV: return "SRV";
    case NT_DNS_TYPE_OPT: return "OPT";
    case 43: return "DS";
    case NT_DNS_TYPE_RRSIG: return "RRSIG";
    case NT_DNS_TYPE_NSEC: return "NSEC";
    case NT_DNS_TYPE_DNSKEY: return "DNSKEY";
    case NT_DNS_TYPE_ANY: return "ANY";
    default: return NULL;
    }
}

const char *nt_dns_class_name(uint16_t rclass)
{
    switch (rclass) {
    case NT_DNS_CLASS_IN: return "IN";
    case 3: return "CH";
    case 4: return "HS";
    case 254: return "NONE";
    case NT_DNS_CLASS_ANY: return "ANY";
    default: return NULL;
    }
}

const char *nt_dns_section_name(nt_dns_section sec)
{
    switch (sec) {
    case NT_DNS_SEC_QUESTION: return "QUESTION";
    case NT_DNS_SEC_ANSWER: return "ANSWER";
    case NT_DNS_SEC_AUTHORITY: return "AUTHORITY";
    case NT_DNS_SEC_ADDITIONAL: return "ADDITIONAL";
    }
    return "UNKNOWN";
}
