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

/* What the worker did with a checkpoint (the daemon's anchor.* bus topics,
 * DESIGN §6.2). */
typedef enum nt_pub_anchor_kind {
    NT_PUB_ANCHOR_QUEUED,    /* checkpoint(size, root) replayed and queued in the outbox */
    NT_PUB_ANCHOR_CONFIRMED, /* mined with the confirmations: block, tx */
    NT_PUB_ANCHOR_FAILED,    /* refused by the contract or the node: reason */
} nt_pub_anchor_kind;

typedef struct nt_pub_anchor_event {
    nt_pub_anchor_kind kind;
    uint8_t log_id[32];
    uint64_t size;             /* the checkpoint's tree size (0: not known yet) */
    uint8_t root[32];          /* its root (zeros when size is 0) */
    int64_t outbox_id;         /* queued, confirmed: the outbox row */
    uint64_t block;            /* confirmed */
    uint8_t block_hash[32];    /* confirmed */
    uint8_t tx[32];            /* confirmed: the transaction's hash */
    uint32_t confirmations;    /* confirmed: the depth waited for */
    char reason[128];          /* failed: the contract's error name or the status */
} nt_pub_anchor_event;

/* Called on the worker thread (so it must be thread-safe; the bus is). */
typedef void (*nt_pub_anchor_cb)(void *ctx, const nt_pub_anchor_event *ev);

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
    nt_pub_anchor_cb on_event;        /* NULL: none */
    void *ctx;                        /* for on_event */
    bool log_only;                    /* the daemon: progress to the log, not stdout */
} nt_pub_anchor_config;

#define NT_PUB_ANCHOR_FOLLOW_MAX 64u  /* services whose versions one log takes */

/* Opens the log, starts the worker, watches its pipe and arms the timer.
 * Returns NT_EXIT_OK or an exit code after one line. cfg's pointers are
 * borrowed for the life of a. */
int nt_pub_anchor_start(nt_pub_anchor **out, const nt_pub_anchor_config *cfg);

/* The daemon: instance of type, published as service id, has its
 * versions logged and anchored too (cfg->instance may be NULL: none at
 * start). Names are copied. Called again for the same id: kept (marked
 * live). NT_ERR_CAP past NT_PUB_ANCHOR_FOLLOW_MAX. */
NT_WUR nt_status nt_pub_anchor_follow(nt_pub_anchor *a, nt_mdns_service_id id,
                                      const char *instance, const char *type);

/* Forgets the followed services not named by nt_pub_anchor_follow since
 * the last prune (withdrawn ones). */
void nt_pub_anchor_prune(nt_pub_anchor *a);

/* For the runner's on_timer: handles NT_PUB_ANCHOR_TIMER (true), else false. */
bool nt_pub_anchor_timer(nt_pub_anchor *a, uint64_t id);

/* Runs fn(ctx) once on the worker thread, between two of its own steps, so
 * that the state's outbox has one writer (the daemon's `ledger` requests,
 * ctl_ledger.c). fn may block (chain calls). NT_ERR_CAP while one posted
 * earlier has not started. A worker that stops first never runs it. */
typedef void (*nt_pub_anchor_errand)(void *ctx);
NT_WUR nt_status nt_pub_anchor_post(nt_pub_anchor *a, nt_pub_anchor_errand fn, void *ctx);

/* Stops the worker (after the exchange in progress) and closes the log. */
void nt_pub_anchor_stop(nt_pub_anchor *a);

#endif
