/* The ledger's time and randomness taken from the system (nautilus/ledger.h). */
#include <errno.h>
#include <sys/random.h>
#include <time.h>

#include "nautilus/ledger.h"

static uint64_t system_now_ms(void *ctx)
{
    struct timespec ts;
    (void)ctx;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void system_sleep_ms(void *ctx, uint64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000u), (long)(ms % 1000u) * 1000000L};
    (void)ctx;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Random bits for retry jitter: getrandom, or the clock if it fails
 * (jitter needs no secrecy). */
static uint64_t system_u64(void *ctx)
{
    uint64_t v = 0;
    if (getrandom(&v, sizeof v, GRND_NONBLOCK) != (ssize_t)sizeof v)
        v = system_now_ms(ctx) * 0x9e3779b97f4a7c15u;
    return v;
}

static const nt_ledger_env system_env = {system_now_ms, system_sleep_ms, system_u64, NULL};

const nt_ledger_env *nt_ledger_env_system(void) { return &system_env; }
