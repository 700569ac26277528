/* Small helpers shared by the ledger_log unit tests. */
#ifndef NT_TEST_LEDGER_LOG_TEST_H
#define NT_TEST_LEDGER_LOG_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline void ltest_put_u64(uint8_t out[8], uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        out[i] = (uint8_t)v;
}

/* A seed from NT_TEST_SEED, else from the clock; printed so a failure can
 * be replayed (STYLE rule 24). */
static inline uint64_t ltest_seed(const char *what)
{
    const char *env = getenv("NT_TEST_SEED");
    uint64_t seed;

    if (env != NULL && env[0] != '\0') {
        seed = strtoull(env, NULL, 10);
    } else {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        seed = (uint64_t)ts.tv_sec * 1000000007u ^ (uint64_t)ts.tv_nsec;
    }
    printf("# %s: seed %llu (NT_TEST_SEED=%llu replays it)\n", what, (unsigned long long)seed,
           (unsigned long long)seed);
    fflush(stdout);
    return seed;
}

/* xorshift64*: deterministic from the seed. */
static inline uint64_t ltest_rand(uint64_t *s)
{
    if (*s == 0)
        *s = 0x9e3779b97f4a7c15u;
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545f4914f6cdd1du;
}

static inline double ltest_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
