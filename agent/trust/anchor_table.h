/* agent/trust/anchor_table.h - what a browser knows of instances' anchors
 * (DESIGN §4.1): per instance the leaf input of its verified SRV and TXT
 * sets and the anchor claim of its verified metadata TXT, and the
 * checkpoint roots read from the chain. Private to nt_trust_mdns (hooks.c). */
#ifndef NT_TRUST_ANCHOR_TABLE_H
#define NT_TRUST_ANCHOR_TABLE_H

#include "nautilus/trust_mdns.h"

typedef struct nt_anchor_table nt_anchor_table;

NT_WUR nt_status nt_anchor_table_create(nt_anchor_table **out, size_t instances, size_t roots);
void nt_anchor_table_destroy(nt_anchor_table *t);

/* A verified SRV or TXT set of owner, in canonical form with its original
 * TTL, signed by key. Not recorded when it cannot be (NT_ERR_NOMEM, over
 * the size cap): the instance then stays unanchored. */
void nt_anchor_table_records(nt_anchor_table *t, const nt_dns_name *owner, uint16_t type,
                             const uint8_t *canon, size_t len, const uint8_t key[32]);

/* A verified goodbye of owner's SRV or TXT set: forgotten. */
void nt_anchor_table_forget(nt_anchor_table *t, const nt_dns_name *owner, uint16_t type);

/* The verified metadata RDATA of instance, signed by key: its anchor claim
 * (or its absence) replaces the one known. Returns NT_OK, or the rejection
 * when the claim is malformed or already known not to hold
 * (NT_ERR_TRUST_ANCHOR_MALFORMED, NT_ERR_TRUST_ANCHOR_MISMATCH). */
NT_WUR nt_status nt_anchor_table_claim(nt_anchor_table *t, const nt_dns_name *instance,
                                       const uint8_t *rdata, size_t len, const uint8_t key[32]);

/* Records the chain's root for (log_id, size) (NULL: none). */
void nt_anchor_table_root_set(nt_anchor_table *t, const uint8_t log_id[32], uint64_t size,
                              const uint8_t *root);

void nt_anchor_table_state(nt_anchor_table *t, const nt_dns_name *instance,
                           nt_trust_anchor_info *out);

/* The leaf input (canonical SRV || canonical TXT) of instance's current
 * version into out[0..cap), and the key both sets were signed by.
 * NT_ERR_NOT_FOUND unless both are known and signed by one key;
 * NT_ERR_NOSPACE if cap is too small. */
NT_WUR nt_status nt_anchor_table_leaf(nt_anchor_table *t, const nt_dns_name *instance,
                                      uint8_t *out, size_t cap, size_t *len, uint8_t key[32]);

uint64_t nt_anchor_table_generation(const nt_anchor_table *t);

#endif
