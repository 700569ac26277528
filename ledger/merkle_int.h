/* Helpers shared by the Merkle log's sources (not part of the public API). */
#ifndef NAUTILUS_LEDGER_MERKLE_INT_H
#define NAUTILUS_LEDGER_MERKLE_INT_H

#include <stdint.h>

#include "nautilus/ledger_log.h"

/* Hash of the perfect subtree (level, index) from src: its node function,
 * or its leaves when it has none. NT_ERR_MERKLE_RANGE if the subtree would
 * pass leaf 2^64; statuses of the source. */
NT_WUR nt_status nt_merkle_subtree(uint8_t out[NT_MERKLE_HASH_LEN], const nt_merkle_source *src,
                                   unsigned level, uint64_t index);

/* The largest power of two smaller than n, for n >= 2 (RFC 9162 §2.1.1). */
uint64_t nt_merkle_split(uint64_t n);

#endif
