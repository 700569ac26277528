/* agent/trust/table.h - a capped open-addressing map from a byte key to a
 * small fixed-size value, shared by the trust store, the replay table, the
 * signer memory and the budget. Keys are hashed with FNV-1a; when full, the
 * least recently touched entry is evicted (callers that must not evict, like
 * the trust store, check nt_trust_table_full first). Private to agent/trust. */
#ifndef NT_TRUST_TABLE_H
#define NT_TRUST_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/status.h"

#define NT_TRUST_KEY_MAX 300 /* name (255) + digest (32) + type (2) + slack */

typedef struct nt_trust_entry {
    uint8_t used;
    uint16_t key_len;
    uint64_t touched;      /* logical clock of the last get/put */
    uint8_t key[NT_TRUST_KEY_MAX];
    uint8_t value[320];    /* large enough for a name + a digest + a level */
} nt_trust_entry;

typedef struct nt_trust_table {
    nt_trust_entry *slots;
    size_t nslots;         /* power of two, >= 2 * cap */
    size_t cap;
    size_t count;
    uint64_t clock;
} nt_trust_table;

NT_WUR nt_status nt_trust_table_init(nt_trust_table *t, size_t cap);
void nt_trust_table_cleanup(nt_trust_table *t);
bool nt_trust_table_full(const nt_trust_table *t);

/* The entry for key, or NULL. Marks it recently used. */
nt_trust_entry *nt_trust_table_get(nt_trust_table *t, const uint8_t *key, size_t key_len);

/* The entry for key, created (value zeroed) if absent, evicting the least
 * recently used entry when the table is at its cap. NULL if key_len is too
 * long. *created tells whether it is new. */
nt_trust_entry *nt_trust_table_put(nt_trust_table *t, const uint8_t *key, size_t key_len,
                                   bool *created);

#endif
