/*
 * nautilus/wire_print.h - presentation form of DNS messages and records, the
 * way `dig` prints them (RFC 1035 §5.1 text, RFC 3597 §5 for unknown types).
 *
 * Record lines are "owner.<TAB>ttl<TAB>CLASS<TAB>TYPE<TAB>rdata"; an mDNS
 * cache-flush bit shows as a trailing "; cache-flush", a QU question as
 * "; QU". Names escape '.', '\\' and specials as "\X" and every octet outside
 * 0x21..0x7E as "\DDD"; TXT strings are quoted with the same escapes.
 * Unknown types print as "TYPE123 \# len hex", unknown classes as "CLASS7".
 */
#ifndef NAUTILUS_WIRE_PRINT_H
#define NAUTILUS_WIRE_PRINT_H

#include "nautilus/buf.h"
#include "nautilus/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Appends the type mnemonic or "TYPE<n>" (RFC 3597 §5). Errors of nt_dynbuf_add. */
NT_API NT_WUR nt_status nt_dns_type_print(nt_dynbuf *out, uint16_t type);

/* Appends the presentation form of a name ("a\032b.local."). */
NT_API NT_WUR nt_status nt_dns_name_print(nt_dynbuf *out, const nt_dns_name *n);

/* Appends the presentation form of uncompressed RDATA of the given type
 * (no newline). Invalid RDATA prints in the RFC 3597 generic form. */
NT_API NT_WUR nt_status nt_dns_rdata_print(nt_dynbuf *out, uint16_t type, const uint8_t *rdata,
                                           size_t len);

/* Appends one record line with a newline (see above). */
NT_API NT_WUR nt_status nt_dns_record_print(nt_dynbuf *out, const nt_dns_record *rec);

/* Appends a parsed record or question line with a newline. A record with a
 * per-record status prints as "; malformed: owner TYPE (NT_ERR_...)". */
NT_API NT_WUR nt_status nt_dns_rr_print(nt_dynbuf *out, const nt_dns_msg *m, const nt_dns_rr *rr);

/* Appends the whole message as dig prints it: header lines, OPT
 * pseudosection, then QUESTION, ANSWER, AUTHORITY, ADDITIONAL sections.
 * NT_ERR_NOMEM / NT_ERR_CAP from the buffer. */
NT_API NT_WUR nt_status nt_dns_msg_print(nt_dynbuf *out, const nt_dns_msg *m);

/* Appends the message as one JSON object and a newline:
 * {"id":N,"opcode":"QUERY","rcode":"NOERROR","flags":["qr","aa"],
 *  "question":[{"name":..,"type":..,"class":..,"qu":bool}],
 *  "answer":[{"name":..,"ttl":N,"class":..,"type":..,"cache_flush":bool,
 *             "data":"<rdata presentation>"} | {..,"error":"NT_ERR_..."}],
 *  "authority":[..],"additional":[..]} */
NT_API NT_WUR nt_status nt_dns_msg_print_json(nt_dynbuf *out, const nt_dns_msg *m);

#ifdef __cplusplus
}
#endif
#endif
