/* agent/bus/pub_int.h - the publisher's inside, shared by pub.c and
 * pub_create.c. Private. */
#ifndef NAUTILUS_AGENT_BUS_PUB_INT_H
#define NAUTILUS_AGENT_BUS_PUB_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "bus_int.h"
#include "nautilus/buf.h"
#include "nautilus/codec.h"
#include "nautilus/mem.h"
#include "pub_state.h"
#include "pub_zap.h"

struct nt_bus_pub {
    void *zctx, *pub, *router, *zap;
    pthread_t thread;
    bool thread_on;
    atomic_bool stop;
    pthread_mutex_t mu;
    nt_ed25519_key key;
    char host[256];
    uint8_t agent[32];
    char agent_hex[65];
    uint8_t run[NT_BUS_RUN_LEN];
    char run_hex[2 * NT_BUS_RUN_LEN + 1];
    char key_hex[65];
    uint64_t seq;
    uint8_t last_hash[32];
    char last_hash_hex[65];
    uint64_t head_seq;     /* last seq a head covered */
    uint64_t head_mono_ms; /* when */
    unsigned head_interval_ms;
    nt_dynbuf body;
    nt_bus_hasher hasher; /* under mu */
    nt_bus_state state;
    nt_bus_zap_list allow;
    nt_bus_pub_stats stats;
};

/* The thread: snapshots, ZAP, heads when idle. */
void *nt_bus_pub_thread(void *arg);
/* Closes without publishing agent.stopping (creation failed half-way). */
void nt_bus_pub_destroy_quiet(nt_bus_pub *p);

#endif
