/*
 * agent/wire/wire_int.h - what the files of the wire codec share. Private.
 */
#ifndef NAUTILUS_WIRE_INT_H
#define NAUTILUS_WIRE_INT_H

#include "nautilus/wire.h"

/* Validates (and, when out != NULL, decompresses) the name at b's cursor.
 * b->base is the message start; in-line bytes of the first segment must lie
 * inside b's window, pointer targets inside [12, msg_len). On success b is
 * moved past the name's in-line part. See nt_dns_name_parse for statuses. */
nt_status nt_wire_name_walk(nt_buf *b, size_t msg_len, nt_dns_name *out);

/* Decompresses a name that nt_wire_name_walk accepted (trusted input), and
 * returns the offset just past its in-line part. */
size_t nt_wire_name_get(const uint8_t *msg, size_t off, nt_dns_name *out);

/* An RDATA split into the parts the codec treats differently: fixed bytes
 * before an embedded name, the name, and bytes after it. Types without a
 * name have everything in pre. */
typedef struct nt_wire_rdparts {
    const uint8_t *pre;
    size_t pre_len;
    bool has_name;
    bool name_lower;   /* lower-case the name in canonical form (RFC 6840 §5.1) */
    bool name_compress; /* may be compressed when written (RFC 6762 §18.14) */
    nt_dns_name name;
    const uint8_t *post;
    size_t post_len;
    bool post_nsec_lenient; /* post is a python-zeroconf 2-byte-form bitmap */
} nt_wire_rdparts;

/* Checks RDATA of type in window w (w->base is the message start, so
 * compression pointers resolve; msg_len bounds their targets). Fills parts
 * when parts != NULL. Sets *lenient for the zeroconf NSEC form. Returns a
 * per-record status. With msg_len == 0 names must be uncompressed. */
nt_status nt_wire_rdata_check(nt_buf *w, size_t msg_len, uint16_t type, nt_wire_rdparts *parts,
                              bool *lenient);

/* Splits RDATA of a parsed record (status NT_OK) into parts. */
void nt_wire_rr_parts(const nt_dns_msg *m, const nt_dns_rr *rr, nt_wire_rdparts *parts);

/* Writes an NSEC bitmap in standard form from standard or 2-byte form. */
nt_status nt_wire_nsec_bitmap_write(nt_wbuf *out, const uint8_t *bm, size_t len, bool lenient);

/* Writes parts as uncompressed RDATA; lower-cases the name if lower and the
 * type asks for it. */
nt_status nt_wire_parts_write_plain(nt_wbuf *out, const nt_wire_rdparts *p, bool lower);

/* ASCII lower-case of one octet. */
static inline uint8_t nt_wire_lower(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

#endif
