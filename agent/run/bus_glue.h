/*
 * agent/run/bus_glue.h - the trust-event bus (DESIGN §6) for the front ends that
 * publish on it, `browse --bus-endpoint` and `nautilus agent`: the options,
 * the publisher signed with the agent's key, and one engine event to the
 * topics service.added|updated|removed|rejected|conflict,
 * proof.verified|rejected.
 */
#ifndef NAUTILUS_AGENT_RUN_BUS_GLUE_H
#define NAUTILUS_AGENT_RUN_BUS_GLUE_H

#include <stdbool.h>
#include <stddef.h>

#include "nautilus/bus.h"
#include "nautilus/mdns.h"
#include "nautilus/trust_mdns.h"
#include "mdns_runner.h"

typedef struct nt_bus_glue_opts {
    const char *endpoint;    /* --bus-endpoint URL: publish (NULL: no bus) */
    const char *snapshot;    /* --snapshot-endpoint URL */
    const char *curve_key;   /* --bus-curve-key-file FILE: CURVE server secret */
    const char *curve_allow; /* --bus-curve-allow FILE: allowed client keys */
    const char *state;       /* --state DIR: where the agent's keys are */
    const char *host;        /* --bus-host NAME: the name the key is known by */
    int hwm;                 /* PUB high-water mark; 0: the publisher's default */
} nt_bus_glue_opts;

#define NT_BUS_GLUE_HELP                                                                   \
    "  --bus-endpoint URL  publish each event on the trust-event bus (ZeroMQ PUB,\n"      \
    "                 e.g. tcp://127.0.0.1:7405), hash-chained and signed with the\n"     \
    "                 key in --state (see 'nautilus subscribe')\n"                          \
    "  --snapshot-endpoint URL  answer snapshot requests there (ROUTER)\n"               \
    "  --bus-curve-key-file FILE  encrypt the bus with CURVE (server secret key)\n"      \
    "  --bus-curve-allow FILE  CURVE client public keys allowed, one a line\n"            \
    "  --state DIR    where the agent's keys are (default as for publish)\n"              \
    "  --bus-host NAME  host name the key is known by (default this machine's)\n"

/* Takes one bus option at argv[*i] (and its value). True if it was one;
 * *code is then set (NT_EXIT_USAGE with the line printed when bad). */
bool nt_bus_glue_option(const char *cmd, int argc, char **argv, int *i, nt_bus_glue_opts *o,
                        int *code);

/* Starts the publisher when --bus-endpoint was given (*out NULL otherwise).
 * Returns an exit code: NT_EXIT_USAGE with one line on stderr on failure. */
int nt_bus_glue_start(const char *cmd, const nt_bus_glue_opts *o, nt_bus_pub **out);

/* Publishes one event: json[0..len) is the command's JSON object for it
 * (a trailing newline is dropped); zk: the instance's proof verified. */
void nt_bus_glue_event(nt_bus_pub *p, const nt_mdns_event *ev, const char *kind,
                       const char *ifname, const char *json, size_t len, bool zk);

/* The daemon's view of one engine event (DESIGN §6.2, §8.1): a browse
 * event (added/updated/removed/rejected) as the §9 JSON object with the
 * signer's key digest, proof.verified after it when the instance's proof
 * verified; a publish conflict of our own service or host as
 * service.conflict. Events below require (not rejections) are not
 * published, as browse hides them. Other kinds are ignored. chain (may be
 * NULL): the event was judged by it (nt_chain_view_pass), and a level it
 * made trusted carries "pin":"chain" and "chain_block". */
struct nt_chain_view;
void nt_bus_glue_engine_event(nt_bus_pub *p, const nt_trust_hooks *hooks,
                              const struct nt_chain_view *chain, nt_runner *r,
                              const nt_mdns_event *ev, nt_trust_level require);

#endif
