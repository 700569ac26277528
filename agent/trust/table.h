/* agent/trust/table.h - a capped open-addressing map from a byte key to a
 * small fixed-size value, shared by the trust store, the replay table, the
 * signer memory and the budget. Keys are hashed with SipHash-1-3 under a
 * random key of each table's (core/keyed_hash.h), so that a LAN host cannot
 * choose names or source addresses that pile up in one probe run.
 *
 * Two ways to fill one:
 *  - nt_trust_table_put: when full, the least recently touched entry is
 *    evicted, in constant time (a list in order of use; the budget; callers that must not evict, like the trust
 *    store, check nt_trust_table_full first);
 *  - nt_trust_table_put_kept (the replay table and the signer memory, whose
 *    entries are security state): an entry is kept (it protects a pinned
 *    key's records or claim) or not, and carries the wall time after which
 *    it is stale (0: never). When full, a stale entry makes room; failing
 *    that, a kept entry takes the place of the least recently touched entry
 *    that is not kept; a new entry that is not kept is refused. Traffic can
 *    therefore never evict what protects a pinned name, and a flood of
 *    unverified names fills only the room that is left.
 * Private to agent/trust. */
#ifndef NT_TRUST_TABLE_H
#define NT_TRUST_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/keyed_hash.h"
#include "nautilus/status.h"

#define NT_TRUST_KEY_MAX 300 /* name (255) + digest (32) + type (2) + slack */

typedef struct nt_trust_entry {
    uint8_t used;
    uint8_t kept;          /* put_kept: never evicted while fresh */
    uint16_t key_len;
    uint32_t stale_after;  /* put_kept: wall seconds after which it may go (0: never) */
    uint64_t touched;      /* logical clock of the last get/put */
    int32_t lru_prev;      /* the slot touched just after this one (-1: none) */
    int32_t lru_next;      /* the slot touched just before this one (-1: none) */
    uint8_t key[NT_TRUST_KEY_MAX];
    uint8_t value[320];    /* large enough for a name + a digest + a level */
} nt_trust_entry;

typedef struct nt_trust_table {
    nt_trust_entry *slots;
    size_t nslots;         /* power of two, >= 2 * cap */
    size_t cap;
    size_t count;
    uint64_t clock;
    int32_t lru_head;      /* slot touched last (-1: empty) */
    int32_t lru_tail;      /* slot touched longest ago (-1: empty) */
    nt_hkey key;           /* the hash's key, random */
    uint32_t next_stale;   /* no entry goes stale before this (0: none will) */
    uint64_t refused;      /* put_kept calls refused for want of room */
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

/* The entry for key, created if absent under the rules above (now: wall
 * seconds). An existing entry becomes kept if kept is true, and its
 * stale_after moves to the later of the two (0 wins: never stale). NULL
 * when there is no room (counted in t->refused) or key_len is too long. */
nt_trust_entry *nt_trust_table_put_kept(nt_trust_table *t, const uint8_t *key, size_t key_len,
                                        bool kept, uint32_t stale_after, uint32_t now,
                                        bool *created);

#endif
