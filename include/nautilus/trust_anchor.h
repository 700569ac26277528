/*
 * nautilus/trust_anchor.h - the anchor= field of the metadata TXT
 * (DESIGN §2.3, §4.1): where an instance's record-set version sits in its
 * publisher's Merkle log, and the check a browser makes against the
 * checkpoint root anchored on chain. Part of library nt_trust_mdns.
 *
 * The leaf (DESIGN §4.1). One record-set version of an instance is the pair
 * (its SRV RRset, its TXT RRset) as signed: the leaf input is
 *     canonical(SRV RRset) || canonical(TXT RRset)
 * each in RFC 4034 §6.2 canonical form (nt_dns_rrset_canonical) with the
 * TTL replaced by that set's original TTL (the TTL its RRSIG covers), and
 * the leaf hash is RFC 9162 §2.1.1's SHA-256(0x00 || input). The log id is
 * the DNSKEY digest of the key that signs the instance (DESIGN §3).
 *
 * The field. In the metadata TXT (_nautilus.<instance>, v=1), the value
 *     <log id>:<leaf index>:<tree size>:<audit path>
 * where log id is 64 lower-case hex digits, index and size are decimal
 * (no sign, no leading zero; 0 <= index < size <= 2^63), and the audit path
 * is standard padded base64 (RFC 4648 §4) of the RFC 9162 §2.1.3 PATH nodes
 * concatenated (32 bytes each, at most 63; empty for a tree of one leaf).
 * The value is cut, like the zk fields, into pieces anchor0=, anchor1=, ...
 * (anchor= is piece 0) of at most NT_TRUST_META_CHUNK characters each,
 * numbered 0..k-1 without gaps or repeats (at most
 * NT_TRUST_META_PARTS_MAX); the whole record stays within
 * NT_TRUST_META_RDATA_MAX bytes: paths of up to 29 nodes fit beside v=1, 17
 * beside a selective-disclosure proof.
 *
 * PUBLIC DATA ONLY: nothing here is secret (plain memcmp, nothing wiped).
 */
#ifndef NAUTILUS_TRUST_ANCHOR_H
#define NAUTILUS_TRUST_ANCHOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/ledger_log.h"
#include "nautilus/status.h"
#include "nautilus/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NT_TRUST_ANCHOR_KEY "anchor"
/* Longest value: 64 + ':' + 19 + ':' + 19 + ':' + base64 of 63 nodes. */
#define NT_TRUST_ANCHOR_TEXT_MAX (64u + 1u + 20u + 1u + 20u + 1u + 2688u + 1u)

typedef struct nt_trust_anchor {
    uint8_t log_id[32];
    uint64_t index;
    uint64_t size;
    nt_merkle_proof path;
} nt_trust_anchor;

/* Parses the value text[0..len) (the pieces already joined). Strict: one
 * spelling per anchor. NT_ERR_TRUST_ANCHOR_MALFORMED for anything else
 * (bad hex, a number with a sign, a leading zero or past 2^63, index >=
 * size, size 0, bad base64, a path not a whole number of 32-byte nodes or
 * over 63 of them). */
NT_API NT_WUR nt_status nt_trust_anchor_parse(nt_trust_anchor *out, const char *text, size_t len);

/* Writes the value of a into out[0..cap) with a NUL; *len (optional) its
 * length. NT_ERR_NOSPACE if it does not fit, NT_ERR_INVALID_ARG for an
 * anchor that would not parse back (index >= size, path too long). */
NT_API NT_WUR nt_status nt_trust_anchor_format(char *out, size_t cap, size_t *len,
                                               const nt_trust_anchor *a);

/* Finds the anchor value in metadata RDATA: *present false (NT_OK) when the
 * record is not v=1 or has no anchor piece; otherwise the pieces joined into
 * out[0..cap) (NUL-terminated, length *len). NT_ERR_TRUST_ANCHOR_MALFORMED
 * for broken TXT strings, missing or repeated pieces, a value longer than
 * cap - 1 or RDATA over NT_TRUST_META_RDATA_MAX. */
NT_API NT_WUR nt_status nt_trust_meta_anchor_get(char *out, size_t cap, size_t *len,
                                                 bool *present, const uint8_t *rdata,
                                                 size_t rdata_len);

/* Rewrites metadata RDATA in[0..in_len) (may be empty) into out[0..cap)
 * with the anchor a: every string of in except v= and anchor pieces is
 * kept in order, after v=1 and before the new anchor: "anchor=" when the
 * value fits one piece, else "anchor0=", "anchor1=", ... in and out
 * must not overlap. NT_ERR_NOSPACE when the result does not fit cap or
 * NT_TRUST_META_RDATA_MAX; NT_ERR_TRUST_ANCHOR_MALFORMED for broken TXT
 * strings in in; statuses of nt_trust_anchor_format. */
NT_API NT_WUR nt_status nt_trust_meta_set_anchor(uint8_t *out, size_t cap, size_t *out_len,
                                                 const uint8_t *in, size_t in_len,
                                                 const nt_trust_anchor *a);

/* Writes the leaf input canonical(srv) || canonical(txt) into w, each set
 * with its own original TTL. Statuses of nt_dns_rrset_canonical
 * (NT_ERR_NOSPACE when w is full). */
NT_API NT_WUR nt_status nt_trust_anchor_leaf_data(nt_wbuf *w, const nt_dns_record *srv,
                                                  size_t n_srv, uint32_t srv_ttl,
                                                  const nt_dns_record *txt, size_t n_txt,
                                                  uint32_t txt_ttl);

/* The decision, given the verified leaf hash and the checkpoint root the
 * chain holds for (a->log_id, a->size) (root NULL: the chain has no
 * checkpoint of that size). NT_OK only when a's log id is key_digest (the
 * key that signed the records) and a's path leads from leaf_hash at a's
 * index to root; NT_ERR_TRUST_ANCHOR_MISMATCH otherwise. */
NT_API NT_WUR nt_status nt_trust_anchor_check(const nt_trust_anchor *a,
                                              const uint8_t key_digest[32],
                                              const uint8_t leaf_hash[NT_MERKLE_HASH_LEN],
                                              const uint8_t *root);

#ifdef __cplusplus
}
#endif
#endif
