/* tests/unit/bus: what the bus tests share: a temporary directory for ipc
 * endpoints and key files, a publisher on them, a model of the state a
 * subscriber rebuilds from snapshots and events, and captured messages. */
#ifndef NT_TEST_BUS_FIXTURE_H
#define NT_TEST_BUS_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/bus.h"

#define FIX_INSTANCES 512

typedef struct fixture {
    char dir[128];
    char pub_ep[192], snap_ep[192];
    nt_ed25519_key key;
    nt_bus_pub *pub;
    /* what the publisher's state should be */
    bool live[FIX_INSTANCES];
    unsigned val[FIX_INSTANCES];
} fixture;

/* The subscriber's picture, checked as it goes: events after a snapshot
 * continue at its seq + 1, one by one, each seq at most once. */
typedef struct model {
    bool live[FIX_INSTANCES], snap_live[FIX_INSTANCES];
    unsigned val[FIX_INSTANCES], snap_val[FIX_INSTANCES];
    bool in_snapshot, synced;
    uint64_t next_seq, last_end, events, items, begins, gaps;
    uint8_t *seen; /* bitmap of delivered event seqs */
    size_t seen_cap;
} model;

int fix_setup(fixture *f, const char *name);
void fix_teardown(fixture *f);
/* Starts the publisher (sndhwm 0: default; curve files may be NULL). */
void fix_pub_start(fixture *f, int sndhwm, unsigned head_ms, const char *curve_secret,
                   const char *curve_allow);
/* Publishes op number k on instance i: added, updated or removed by k. */
void fix_publish_op(fixture *f, unsigned k);
/* The seq of the newest event. */
uint64_t fix_last_seq(fixture *f);

void model_init(model *m);
void model_cleanup(model *m);
/* Applies one thing from nt_bus_sub_next (asserting the order rules). */
void model_apply(model *m, const nt_bus_sub_event *ev);
/* Reads from s until the model has seen event seq last. */
void model_catch_up(model *m, nt_bus_sub *s, uint64_t last);
/* The model agrees with the fixture's expected state. */
void model_check(const model *m, const fixture *f);

#endif
