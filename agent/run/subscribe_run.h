/*
 * agent/run/subscribe_run.h - `nautilus subscribe` as a call into the agent
 * library: the options, and one run that prints the events of an agent's
 * trust-event bus (DESIGN §6), each authenticated, in seq order, until
 * --count, --timeout or SIGINT/SIGTERM (subscribe_run.c).
 */
#ifndef NAUTILUS_AGENT_RUN_SUBSCRIBE_RUN_H
#define NAUTILUS_AGENT_RUN_SUBSCRIBE_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "nautilus/bus.h"

#define NT_SUBSCRIBE_TOPICS_MAX 32

typedef struct nt_subscribe_opts {
    nt_bus_sub_config cfg; /* endpoints, CURVE, the agent's key, topics */
    const char *topics[NT_SUBSCRIBE_TOPICS_MAX];
    uint8_t digest[32], pk[32]; /* --agent-key, as cfg points at them */
    bool json;
    long count;   /* stop after this many events; 0: no limit */
    long timeout; /* seconds; 0: none */
} nt_subscribe_opts;

/* The default endpoint, no topic (every event), no limits. */
void nt_subscribe_opts_init(nt_subscribe_opts *o);

/* --agent-key: a key digest (64 hex) or a DNSKEY "256 3 15 BASE64". NT_EXIT_OK,
 * or one line on stderr and NT_EXIT_USAGE. */
int nt_subscribe_agent_key(nt_subscribe_opts *o, const char *text);

/* Subscribes and prints each event on stdout (a line, or JSON), a gap also
 * on stderr, and a line of counts on stderr at the end. SIGINT and SIGTERM
 * stop it. Exit 0; 1 with --timeout when no event came, or on a failure of
 * the bus; 2 when the subscriber cannot be set up. */
int nt_subscribe_run(nt_subscribe_opts *o);

#endif
