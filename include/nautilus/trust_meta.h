/*
 * nautilus/trust_meta.h - the metadata TXT record at _nautilus.<instance>
 * (DESIGN §2) and the selective-disclosure statement it carries (DESIGN §5,
 * proofs/README.md).
 *
 * Encoding (RDATA of one TXT record, RFC 6763 §6 key=value strings; keys
 * are matched case-insensitively, unknown keys are ignored):
 *   v=1                 format version; a record without it, or with
 *                       another version, carries nothing we read
 *   zkvk=<16 hex>       the verification key id: the first 8 bytes of
 *                       SHA-256 of the verification_key.json file exactly
 *                       as published (byte for byte), lower-case hex
 *   zk0=, zk1=, ...     the proof: standard padded base64 (RFC 4648 §4) of
 *                       the 256-byte binary form A || B || C (EIP-197
 *                       layouts, nautilus/zk.h), cut into consecutive
 *                       pieces of at most NT_TRUST_META_CHUNK characters
 *                       (a character-string holds at most 255 bytes,
 *                       RFC 6763 §6.1); the pieces concatenated in index
 *                       order are the base64 text. "zk=" is piece 0.
 *   zkpub0=, ...        the public signals, pieces as above, of the compact
 *                       form: one byte n (the count), then n values, each
 *                       one length byte L (0..32) and L bytes big-endian
 *                       with no leading zero byte (0 is L = 0). "zkpub="
 *                       is piece 0.
 * Pieces must be numbered 0..k-1 without gaps or repeats (index 0..7).
 * The record is signed like any other RRset (RRSIG by the host key).
 *
 * PUBLIC DATA ONLY (like nautilus/zk.h): nothing here is secret.
 */
#ifndef NAUTILUS_TRUST_META_H
#define NAUTILUS_TRUST_META_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/status.h"
#include "nautilus/wire.h"
#include "nautilus/zk.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NT_TRUST_META_LABEL "_nautilus"
#define NT_TRUST_META_CHUNK 200u        /* base64 characters per piece */
#define NT_TRUST_META_PARTS_MAX 8u      /* pieces per field */
#define NT_TRUST_META_RDATA_MAX 1400u   /* RDATA bytes we write or read */
#define NT_TRUST_ZK_VK_ID_LEN 8u        /* bytes of a zkvk id (16 hex digits) */
#define NT_TRUST_ZK_PUBLIC_MAX 32u      /* public signals in zkpub */

/* The selective-disclosure statement (proofs/README.md): 20 public
 * signals, disclosed[0..8), commitment, keyBinding, mask[0..8), idx,
 * threshold. */
#define NT_TRUST_ZK_ATTRS 8u
#define NT_TRUST_ZK_SIGNALS 20u

typedef struct nt_trust_zk_claim {
    uint8_t mask;                       /* bit i set: attribute i disclosed */
    uint64_t disclosed[NT_TRUST_ZK_ATTRS]; /* value where the mask bit is set, else 0 */
    unsigned idx;                       /* threshold claim: attr[idx] >= threshold */
    uint64_t threshold;
    uint8_t commitment[32];             /* big-endian */
    uint8_t key_binding[32];            /* big-endian */
} nt_trust_zk_claim;

/* A decoded metadata record. pub is heap (nt_trust_meta_cleanup). */
typedef struct nt_trust_meta {
    bool has_zk;                        /* zkvk, zk and zkpub present and decoded */
    uint8_t vk_id[NT_TRUST_ZK_VK_ID_LEN];
    nt_zk_proof proof;
    nt_zk_public *pub;
} nt_trust_meta;

/* The zkvk id of a verification key file (see the top). */
NT_API void nt_trust_zk_vk_id(uint8_t out[NT_TRUST_ZK_VK_ID_LEN], const uint8_t *vk_file,
                              size_t len);

/* *out = _nautilus.<instance>. NT_ERR_DNS_NAME_TOO_LONG (or another
 * nt_dns_name_prepend status) if it does not fit. */
NT_API NT_WUR nt_status nt_trust_meta_name(nt_dns_name *out, const nt_dns_name *instance);

/* True if owner is a metadata name; then *instance is the instance name
 * under it. */
NT_API bool nt_trust_meta_instance(const nt_dns_name *owner, nt_dns_name *instance);

/* Writes the RDATA (v=1, zkvk, zk pieces, zkpub pieces) into out[0..cap).
 * NT_ERR_NOSPACE if it does not fit, NT_ERR_CAP if pub has more than
 * NT_TRUST_ZK_PUBLIC_MAX signals. */
NT_API NT_WUR nt_status nt_trust_meta_write(uint8_t *out, size_t cap, size_t *out_len,
                                            const uint8_t vk_id[NT_TRUST_ZK_VK_ID_LEN],
                                            const nt_zk_proof *proof, const nt_zk_public *pub);

/* Decodes RDATA. NT_OK with has_zk false when the record carries no zk
 * fields (or is not version 1). NT_ERR_TRUST_ZK_MALFORMED for broken TXT
 * strings, missing or repeated pieces, bad base64 or hex, a non-compact
 * or oversized signal, a coordinate >= p or an input >= r;
 * NT_ERR_TRUST_ZK_INVALID for a proof point off its curve, outside the
 * G2 subgroup or at infinity; NT_ERR_NOMEM. On error nothing is to be
 * cleaned up. */
NT_API NT_WUR nt_status nt_trust_meta_parse(nt_trust_meta *out, const uint8_t *rdata,
                                            size_t len);

/* Frees what nt_trust_meta_parse allocated. */
NT_API void nt_trust_meta_cleanup(nt_trust_meta *m);

/* Reads the statement's public signals into *out and checks that their
 * keyBinding is the one of the key whose DNSKEY digest is key_digest
 * (proofs/README.md: Poseidon(hi, lo)), so a proof lifted to another
 * device is refused before any pairing. NT_ERR_TRUST_ZK_MALFORMED if the
 * count is not 20 or a value is outside the statement (mask bit not 0/1,
 * idx >= 8, an attribute or the threshold >= 2^64);
 * NT_ERR_TRUST_ZK_BINDING if the binding differs. */
NT_API NT_WUR nt_status nt_trust_zk_statement(nt_trust_zk_claim *out, const nt_zk_public *pub,
                                              const uint8_t key_digest[32]);

#ifdef __cplusplus
}
#endif
#endif
