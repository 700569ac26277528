/* SipHash-1-3 for hash tables (keyed_hash.h). */
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "keyed_hash.h"

#define ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))

static inline void sip_round(uint64_t v[4])
{
    v[0] += v[1];
    v[1] = ROTL(v[1], 13) ^ v[0];
    v[0] = ROTL(v[0], 32);
    v[2] += v[3];
    v[3] = ROTL(v[3], 16) ^ v[2];
    v[0] += v[3];
    v[3] = ROTL(v[3], 21) ^ v[0];
    v[2] += v[1];
    v[1] = ROTL(v[1], 17) ^ v[2];
    v[2] = ROTL(v[2], 32);
}

static inline void sip_word(uint64_t v[4], uint64_t w)
{
    v[3] ^= w;
    sip_round(v);
    v[0] ^= w;
}

/* Words are read in the machine's order: a table's hashes need only agree
 * within one process. */
uint64_t nt_keyed_hash(const nt_hkey *key, uint64_t tweak, const void *p, size_t len, bool fold)
{
    const uint8_t *b = p;
    uint64_t v[4], w = 0;
    size_t i, tail = len & 7u;
    v[0] = key->k[0] ^ 0x736f6d6570736575ull;
    v[1] = key->k[1] ^ 0x646f72616e646f6dull;
    v[2] = key->k[0] ^ 0x6c7967656e657261ull;
    v[3] = key->k[1] ^ 0x7465646279746573ull;
    sip_word(v, tweak);
    for (i = 0; i + 8 <= len; i += 8) {
        memcpy(&w, b + i, 8);
        sip_word(v, fold ? nt_fold8_ascii(w) : w);
    }
    w = 0;
    if (tail != 0)
        memcpy(&w, b + i, tail);
    if (fold)
        w = nt_fold8_ascii(w);
    /* The length byte counts the tweak's 8 bytes: exactly SipHash-1-3 of
     * tweak || bytes. */
    sip_word(v, w ^ ((uint64_t)((len + 8u) & 0xffu) << 56));
    v[2] ^= 0xff;
    sip_round(v);
    sip_round(v);
    sip_round(v);
    return v[0] ^ v[1] ^ v[2] ^ v[3];
}

void nt_hkey_random(nt_hkey *key)
{
    struct timespec a, b;
    uint64_t x;
    if (getrandom(key->k, sizeof key->k, 0) == (ssize_t)sizeof key->k)
        return;
    clock_gettime(CLOCK_MONOTONIC, &a);
    clock_gettime(CLOCK_REALTIME, &b);
    x = (uint64_t)a.tv_nsec ^ ((uint64_t)a.tv_sec << 32) ^ (uint64_t)(uintptr_t)key;
    key->k[0] = x * 0x9E3779B97F4A7C15ull;
    key->k[1] = ((uint64_t)b.tv_nsec ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)&a) *
                0xBF58476D1CE4E5B9ull;
}
