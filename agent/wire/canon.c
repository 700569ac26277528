/*
 * agent/wire/canon.c - canonical form of RRsets and the data an RRSIG
 * covers (RFC 4034 §3.1.8.1, §6.2, §6.3; RFC 6840 §5.1; RFC 6762 §10.2).
 */
#include <stdlib.h>
#include <string.h>

#include "nautilus/mem.h"
#include "wire_int.h"

nt_status nt_dns_rdata_canonical(nt_wbuf *out, uint16_t type, const uint8_t *rdata, size_t len)
{
    nt_wire_rdparts p;
    nt_buf w;
    bool lenient;
    size_t save;
    nt_status st;
    if (!out || (!rdata && len))
        return NT_ERR_INVALID_ARG;
    nt_buf_init(&w, rdata, len);
    st = nt_wire_rdata_check(&w, 0, type, &p, &lenient);
    if (st == NT_ERR_DNS_PTR_PAST_END)
        st = NT_ERR_DNS_LABEL_TYPE;
    if (st != NT_OK)
        return st;
    save = out->len;
    /* RFC 4034 §6.2 item 3 lists the types whose embedded names are
     * lower-cased; RFC 6840 §5.1 takes NSEC off that list. parts carry the
     * per-type answer in name_lower. */
    st = nt_wire_parts_write_plain(out, &p, true);
    if (st != NT_OK)
        out->len = save;
    return st;
}

/* One record of the set while sorting: its canonical RDATA in scratch. */
typedef struct canon_item {
    const uint8_t *rd;
    size_t len;
} canon_item;

/* RFC 4034 §6.3: RDATA compared as left-justified unsigned octet
 * sequences; a shorter sequence that is a prefix sorts first. */
static int item_cmp(const void *a, const void *b)
{
    const canon_item *x = a, *y = b;
    size_t m = x->len < y->len ? x->len : y->len;
    int c = m ? memcmp(x->rd, y->rd, m) : 0;
    if (c != 0)
        return c;
    return x->len < y->len ? -1 : (x->len > y->len ? 1 : 0);
}

nt_status nt_dns_rrset_canonical(nt_wbuf *out, const nt_dns_record *rrs, size_t n,
                                 uint32_t orig_ttl)
{
    canon_item *items = NULL;
    uint8_t *scratch = NULL;
    size_t total = 0, i, save;
    nt_dns_name owner;
    nt_wbuf sw;
    nt_status st = NT_OK;

    if (!out || !rrs || n == 0 || n > NT_DNS_RRSET_MAX)
        return NT_ERR_INVALID_ARG;
    save = out->len;
    for (i = 0; i < n; i++) {
        if (rrs[i].type != rrs[0].type || rrs[i].rclass != rrs[0].rclass ||
            !nt_dns_name_equal(&rrs[i].owner, &rrs[0].owner) || (!rrs[i].rdata && rrs[i].rdlength))
            return NT_ERR_INVALID_ARG;
        total += rrs[i].rdlength; /* n <= 256 records of <= 65535: no overflow */
    }
    items = nt_calloc(n, sizeof *items);
    scratch = nt_malloc(total ? total : 1);
    if (!items || !scratch) {
        st = NT_ERR_NOMEM;
        goto out;
    }
    /* Canonical RDATA is never longer than uncompressed RDATA: names keep
     * their length when lowered and the standard NSEC form is shorter. */
    nt_wbuf_init(&sw, scratch, total);
    for (i = 0; i < n; i++) {
        size_t start = sw.len;
        st = nt_dns_rdata_canonical(&sw, rrs[i].type, rrs[i].rdata, rrs[i].rdlength);
        if (st != NT_OK)
            goto out;
        items[i].rd = scratch + start;
        items[i].len = sw.len - start;
    }
    qsort(items, n, sizeof *items, item_cmp);

    owner = rrs[0].owner;
    nt_dns_name_lower(&owner);
    for (i = 0; i < n; i++) {
        /* RFC 4034 §6.3: an RRset holds no duplicates; a repeated record
         * (e.g. announced twice) is signed once. */
        if (i > 0 && item_cmp(&items[i - 1], &items[i]) == 0)
            continue;
        if ((st = nt_wbuf_put_bytes(out, owner.wire, owner.len)) != NT_OK ||
            (st = nt_wbuf_put_u16(out, rrs[0].type)) != NT_OK ||
            /* RFC 6762 §10.2 / DESIGN §2: the cache-flush bit is not part of
             * the class that is signed. */
            (st = nt_wbuf_put_u16(out, (uint16_t)(rrs[0].rclass & 0x7FFF))) != NT_OK ||
            (st = nt_wbuf_put_u32(out, orig_ttl)) != NT_OK ||
            (st = nt_wbuf_put_u16(out, (uint16_t)items[i].len)) != NT_OK ||
            (st = nt_wbuf_put_bytes(out, items[i].rd, items[i].len)) != NT_OK)
            goto out;
    }
out:
    if (st != NT_OK)
        out->len = save;
    nt_free(items);
    nt_free(scratch);
    return st;
}

nt_status nt_dns_rrsig_signed_data(nt_wbuf *out, const nt_dns_rrsig *sig, const nt_dns_record *rrs,
                                   size_t n)
{
    nt_dns_name signer;
    size_t save;
    nt_status st;
    if (!out || !sig)
        return NT_ERR_INVALID_ARG;
    save = out->len;
    signer = sig->signer;
    nt_dns_name_lower(&signer);
    /* RFC 4034 §3.1.8.1: RRSIG_RDATA is the wire RDATA without the
     * Signature field, signer name in canonical form. */
    if ((st = nt_wbuf_put_u16(out, sig->type_covered)) != NT_OK ||
        (st = nt_wbuf_put_u8(out, sig->algorithm)) != NT_OK ||
        (st = nt_wbuf_put_u8(out, sig->labels)) != NT_OK ||
        (st = nt_wbuf_put_u32(out, sig->original_ttl)) != NT_OK ||
        (st = nt_wbuf_put_u32(out, sig->expiration)) != NT_OK ||
        (st = nt_wbuf_put_u32(out, sig->inception)) != NT_OK ||
        (st = nt_wbuf_put_u16(out, sig->key_tag)) != NT_OK ||
        (st = nt_wbuf_put_bytes(out, signer.wire, signer.len)) != NT_OK ||
        (st = nt_dns_rrset_canonical(out, rrs, n, sig->original_ttl)) != NT_OK) {
        out->len = save;
        return st;
    }
    return NT_OK;
}
