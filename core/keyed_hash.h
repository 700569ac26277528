/*
 * core/keyed_hash.h - private: SipHash-1-3 for the hash tables that hold
 * what the network sends (the mDNS cache and querier, the trust tables).
 * With a fixed hash a LAN host can choose names or addresses that all fall
 * in one bucket and make every lookup walk them; under a secret key per
 * table it cannot. Not a MAC: 1-3 rounds are for tables, as in Rust's and
 * Python's hash maps.
 */
#ifndef NT_CORE_KEYED_HASH_H
#define NT_CORE_KEYED_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct nt_hkey {
    uint64_t k[2];
} nt_hkey;

/* Each byte 'A'..'Z' of x gets bit 5 (its lower case); other bytes stay:
 * eight bytes folded as RFC 4343 folds one. */
static inline uint64_t nt_fold8_ascii(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t low7 = x & ~high;
    uint64_t ge_a = low7 + (0x80u - 'A') * ones; /* bit 7: byte >= 'A' */
    uint64_t gt_z = low7 + (0x7fu - 'Z') * ones; /* bit 7: byte > 'Z' */
    return x | ((ge_a & ~gt_z & ~x & high) >> 2);
}

/* SipHash-1-3 under key of the 8 bytes of tweak (little-endian) followed by
 * the len bytes at p; with fold, each ASCII letter of p as its lower case
 * (RFC 4343: names that compare equal hash alike). p may be NULL if len is 0. */
uint64_t nt_keyed_hash(const nt_hkey *key, uint64_t tweak, const void *p, size_t len, bool fold);

/* A fresh key from getrandom(); should that fail (it does not after boot),
 * one from the clocks, the process id and addresses, so that the tables
 * still work, less well hidden. */
void nt_hkey_random(nt_hkey *key);

#endif
