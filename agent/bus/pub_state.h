/* agent/bus/pub_state.h - the publisher's live instances (DESIGN §6): the
 * last service.added/updated message of each, kept so that a snapshot is
 * consistent with seq. Private to agent/bus; not locked (the publisher's
 * mutex covers it). */
#ifndef NAUTILUS_AGENT_BUS_PUB_STATE_H
#define NAUTILUS_AGENT_BUS_PUB_STATE_H

#include "core/keyed_hash.h"
#include <stddef.h>
#include <stdint.h>

#include "nautilus/status.h"

#define NT_BUS_STATE_BUCKETS 4096u

typedef struct nt_bus_state_entry {
    struct nt_bus_state_entry *next;
    char *key;
    const char *topic; /* static topic name */
    char *body;
    size_t body_len;
    uint8_t hash[32]; /* H(topic, body) */
    uint64_t seq;
} nt_bus_state_entry;

typedef struct nt_bus_state {
    nt_bus_state_entry *buckets[NT_BUS_STATE_BUCKETS];
    size_t live;
    size_t max;
    nt_hkey key; /* bucket hash key, random: instance names come from the LAN */
} nt_bus_state;

void nt_bus_state_init(nt_bus_state *s, size_t max);
void nt_bus_state_cleanup(nt_bus_state *s);
/* Stores (a copy of) the message under key, replacing what was there.
 * NT_ERR_CAP when a new key would pass max, NT_ERR_NOMEM. */
NT_WUR nt_status nt_bus_state_put(nt_bus_state *s, const char *key, const char *topic,
                                  const char *body, size_t body_len, const uint8_t hash[32],
                                  uint64_t seq);
/* Forgets key (nothing if absent). */
void nt_bus_state_del(nt_bus_state *s, const char *key);

#endif
