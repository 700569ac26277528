/*
 * agent/run/publish_anchor.h - publish --anchor (DESIGN §4.1): every record-set
 * version the publisher signs (its instance's SRV and TXT sets, as signed)
 * becomes a leaf of the state directory's Merkle log; a worker thread
 * anchors a checkpoint of the log every N leaves or T seconds through the
 * durable outbox (the same outbox file as `nautilus ledger`), and once the
 * checkpoint is confirmed the metadata TXT is published again with
 * anchor=<log id>:<leaf index>:<tree size>:<audit path>, signed like the
 * rest. The node is only ever spoken to from the worker: a slow or dead
 * node never stalls the publisher's mDNS loop, and nothing is lost (the log
 * and the outbox are on disk; a restart picks up where it stopped).
 */
#ifndef NAUTILUS_AGENT_RUN_PUBLISH_ANCHOR_H
#define NAUTILUS_AGENT_RUN_PUBLISH_ANCHOR_H

#include <stdbool.h>
#include <stdint.h>

#include "mdns_runner.h"
#include "nautilus/trust_mdns.h"

#define NT_PUB_ANCHOR_EVERY_DEFAULT 16u     /* leaves */
#define NT_PUB_ANCHOR_INTERVAL_DEFAULT 60u  /* seconds */
#define NT_PUB_ANCHOR_TIMER 10u             /* the runner timer id it uses */

typedef struct nt_pub_anchor_opts {
    bool on;                 /* --anchor */
    const char *rpc;         /* --rpc URL */
    bool has_registry;       /* --registry ADDR */
    uint8_t registry[20];
    const char *profile;     /* --profile NAME (default ethereum) */
    uint64_t chain_id;       /* --chain-id N (default 1, as `ledger`) */
    uint32_t confirmations;  /* --confirmations N (0: the profile's) */
    uint32_t every;          /* --anchor-every N */
    uint32_t interval_s;     /* --anchor-interval SEC */
    bool tamper;             /* --anchor-tamper: FOR TESTS ONLY, a wrong audit path */
} nt_pub_anchor_opts;

/* If argv[*i] is one of the options above, takes it (and its value) and
 * sets *code (NT_EXIT_OK, or 2 after one line). False otherwise. */
bool nt_pub_anchor_option(int argc, char **argv, int *i, nt_pub_anchor_opts *o, int *code);

/* The options fit together (--anchor needs --sign, --rpc and --registry;
 * the others need --anchor). NT_EXIT_OK or 2 after one line. */
int nt_pub_anchor_check(const nt_pub_anchor_opts *o, bool sign);

typedef struct nt_pub_anchor nt_pub_anchor;

typedef struct nt_pub_anchor_config {
    const nt_pub_anchor_opts *opts;
    const char *state;                /* state directory (keys, log, outbox) */
    const nt_trust_signer *signer;    /* its key digest is the log id */
    nt_trust_hooks *hooks;            /* what the attach hook signed */
    nt_runner *runner;
    nt_mdns_service_id service;
    const char *instance;             /* the instance label (follows renames) */
    const char *type;                 /* "_ipp._tcp" */
    const uint8_t *meta;              /* the metadata RDATA without anchor */
    size_t meta_len;
} nt_pub_anchor_config;

/* Opens the log, starts the worker, watches its pipe and arms the timer.
 * Returns NT_EXIT_OK or an exit code after one line. cfg's pointers are
 * borrowed for the life of a. */
int nt_pub_anchor_start(nt_pub_anchor **out, const nt_pub_anchor_config *cfg);

/* For the runner's on_timer: handles NT_PUB_ANCHOR_TIMER (true), else false. */
bool nt_pub_anchor_timer(nt_pub_anchor *a, uint64_t id);

/* Stops the worker (after the exchange in progress) and closes the log. */
void nt_pub_anchor_stop(nt_pub_anchor *a);

#endif
