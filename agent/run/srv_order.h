/*
 * agent/run/srv_order.h - RFC 2782 target selection: order by priority, then,
 * inside one priority, weighted random selection by weight.
 */
#ifndef NAUTILUS_AGENT_RUN_SRV_ORDER_H
#define NAUTILUS_AGENT_RUN_SRV_ORDER_H

#include <stddef.h>
#include <stdint.h>

typedef struct nt_srv_item {
    uint16_t priority;
    uint16_t weight;
    size_t index; /* the caller's: which candidate this is */
} nt_srv_item;

/* Returns 32 uniformly random bits. */
typedef uint32_t (*nt_srv_rng_fn)(void *ctx);

/* Reorders items[0..n) into the order a client should try them (RFC 2782,
 * "Usage rules"): ascending priority; within a priority, repeatedly pick
 * one by weighted random choice among those left, zero weights placed
 * first so they are chosen only when the draw is 0. */
void nt_srv_order(nt_srv_item *items, size_t n, nt_srv_rng_fn rng, void *ctx);

#endif
