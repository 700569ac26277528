/*
 * agent/run/chain_watch.h - reads the chain for browse and resolve (DESIGN §1.5,
 * §4.1) on a worker thread, so that a slow or dead node never stalls the
 * receive loop: the loop asks (which name is bound to which key; which root
 * a log had at a size) and is woken through a pipe when answers are in.
 *
 * The worker owns one JSON-RPC client (short timeouts, no retries: the
 * caller asks again later) and finds the Checkpoints contract from the
 * Registry's address on first use. Questions are deduplicated while
 * pending; the queues are capped and a question that finds no room is
 * dropped (asked again on a later turn).
 */
#ifndef NAUTILUS_AGENT_RUN_CHAIN_WATCH_H
#define NAUTILUS_AGENT_RUN_CHAIN_WATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "nautilus/status.h"
#include "nautilus/trust.h"
#include "nautilus/wire.h"

typedef struct nt_chain_watch nt_chain_watch;

typedef enum nt_chain_ask { NT_CHAIN_ASK_KEY = 0, NT_CHAIN_ASK_ROOT = 1 } nt_chain_ask;

/* One answer. st is NT_OK or why the read failed (then only the question's
 * fields are set). */
typedef struct nt_chain_answer {
    nt_chain_ask kind;
    nt_status st;
    nt_dns_name name;          /* KEY: the host name asked about */
    nt_trust_chain_info info;  /* KEY: what the Registry says */
    uint8_t log_id[32];        /* ROOT: the log and size asked about */
    uint64_t size;
    bool found;                /* ROOT: a checkpoint of that size is on chain */
    uint8_t root[32];
    uint64_t block;            /* ROOT: the checkpoint's block */
} nt_chain_answer;

/* Starts the worker for the node at url and the Registry at registry.
 * timeout_ms bounds each RPC exchange. NT_ERR_NOMEM, NT_ERR_IO (pipe or
 * thread), statuses of nt_rpc_client_create (a bad URL). */
NT_WUR nt_status nt_chain_watch_create(nt_chain_watch **out, const char *url,
                                       const uint8_t registry[20], uint32_t timeout_ms);

/* Stops the worker (after the exchange in progress) and frees everything. */
void nt_chain_watch_destroy(nt_chain_watch *w);

/* Readable when answers wait (for the event loop). */
int nt_chain_watch_fd(const nt_chain_watch *w);

/* Queues a question unless the same one is pending. False if it found no
 * room. */
bool nt_chain_watch_ask_key(nt_chain_watch *w, const nt_dns_name *name);
bool nt_chain_watch_ask_root(nt_chain_watch *w, const uint8_t log_id[32], uint64_t size);

/* Takes the next answer; false when there is none (the pipe is drained). */
bool nt_chain_watch_next(nt_chain_watch *w, nt_chain_answer *out);

/* Milliseconds on the monotonic clock (what read_ms in answers uses). */
uint64_t nt_chain_watch_now(void);

#endif
