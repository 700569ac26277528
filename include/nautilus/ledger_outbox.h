/*
 * nautilus/ledger_outbox.h - the durable outbox of the ledger (DESIGN §4):
 * transactions to send from one account, kept in SQLite (WAL,
 * synchronous=FULL) so that nothing is lost across a crash, a node outage,
 * a dropped or reorganised transaction.
 *
 * Each transaction moves through the states
 *
 *   queued -> sent -> mined -> confirmed       (receipt status 1, or a
 *                        \                      revert whose data starts
 *                         \                     with the "done" selector)
 *                          -> failed            (receipt status 0)
 *   mined -> sent   when its block left the canonical chain (reorg) or its
 *                   receipt is gone
 *   confirmed/failed -> sent   when the node no longer counts its nonce as
 *                   used (the node lost state, or a reorg deeper than the
 *                   confirmations)
 *
 * Nonces are given out in enqueue order from one stored counter, in the
 * same SQLite transaction that stores the signed raw bytes and their hash,
 * and before anything is sent: a crash after that re-sends the same bytes.
 * A transaction not mined stuck_after_ms after its last signing is signed
 * again at the same nonce with both EIP-1559 fees (or the legacy gas
 * price) raised by at least 12.5 %; every signed version is kept, and a
 * receipt of any of them counts. A sent transaction without a receipt is
 * broadcast again from its stored bytes every rebroadcast_ms (a node that
 * dropped it or restarted without its pool gets it back).
 *
 * The node is reached through nt_outbox_rpc, a table of functions: the
 * library's adapter (nt_outbox_rpc_from_client) uses nt_rpc_client; tests
 * inject their own. Everything the node answers is public data; the
 * account key is only used through nt_tx_sign.
 */
#ifndef NAUTILUS_LEDGER_OUTBOX_H
#define NAUTILUS_LEDGER_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/ledger.h"
#include "nautilus/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum nt_outbox_state {
    NT_OUTBOX_QUEUED = 0,
    NT_OUTBOX_SENT = 1,
    NT_OUTBOX_MINED = 2,
    NT_OUTBOX_CONFIRMED = 3,
    NT_OUTBOX_FAILED = 4,
} nt_outbox_state;
#define NT_OUTBOX_STATE_COUNT 5

/* "queued", "sent", "mined", "confirmed", "failed" ("?" otherwise). */
NT_API const char *nt_outbox_state_name(nt_outbox_state s);

/* What the state machine needs to know of a receipt. */
typedef struct nt_outbox_receipt {
    uint64_t block_number;
    uint8_t block_hash[32];
    uint8_t status; /* 1 success, 0 reverted */
} nt_outbox_receipt;

/* The node, as a table of functions (ctx is handed to each). Each returns
 * NT_OK or the status of the failure (a transport status such as
 * NT_ERR_RPC_CONNECT leaves everything as it was).
 *   tx_count      eth_getTransactionCount(addr, block): "latest", "pending"
 *                 or a block number as a QUANTITY
 *   fill_fees     sets tx's fee fields for the profile (nt_eth_fill_fees)
 *   send_raw      eth_sendRawTransaction; on a JSON-RPC error its message
 *                 goes to msg (NUL-terminated, cut at msg_cap)
 *   receipt       eth_getTransactionReceipt; *found false when none
 *   block_hash    hash of the canonical block `number`; *found false if none
 *   block_number  eth_blockNumber
 *   revert_data   optional (NULL: not asked): the revert data of replaying
 *                 the call (eth_call at block) appended to out */
typedef struct nt_outbox_rpc {
    nt_status (*tx_count)(void *ctx, uint64_t *out, const uint8_t addr[20], const char *block);
    nt_status (*fill_fees)(void *ctx, nt_tx *tx, const nt_chain_profile *profile);
    nt_status (*send_raw)(void *ctx, char *msg, size_t msg_cap, const uint8_t *raw, size_t len);
    nt_status (*receipt)(void *ctx, nt_outbox_receipt *out, bool *found, const uint8_t hash[32]);
    nt_status (*block_hash)(void *ctx, uint8_t out[32], bool *found, uint64_t number);
    nt_status (*block_number)(void *ctx, uint64_t *out);
    nt_status (*revert_data)(void *ctx, nt_dynbuf *out, const uint8_t from[20],
                             const uint8_t to[20], const uint8_t *data, size_t len,
                             uint64_t block);
    void *ctx;
} nt_outbox_rpc;

/* The table for a real node through client (borrowed; must outlive rpc). */
NT_API void nt_outbox_rpc_from_client(nt_outbox_rpc *rpc, nt_rpc_client *client);

typedef struct nt_outbox_config {
    const nt_chain_profile *profile; /* borrowed; tx type, fees, confirmations */
    uint32_t confirmations;          /* 0: the profile's */
    uint64_t stuck_after_ms;         /* re-sign with higher fees after; default 30000 */
    uint64_t rebroadcast_ms;         /* send a sent one again after; default 5000 */
    uint32_t max_versions;           /* fee bumps per transaction at most; default 16 */
    bool has_done_selector;          /* a revert with this 4-byte error counts as done */
    uint8_t done_selector[4];        /* (Checkpoints: AlreadyCheckpointed) */
} nt_outbox_config;

/* Defaults above for profile (borrowed). */
NT_API void nt_outbox_config_init(nt_outbox_config *cfg, const nt_chain_profile *profile);

typedef struct nt_outbox nt_outbox;

/* Opens (creating with mode 0600 if missing) the outbox at path for the
 * account `from` on chain `chain_id`. A file of another account or chain is
 * refused (NT_ERR_OUTBOX_ACCOUNT), a SQLite file of another program
 * (NT_ERR_OUTBOX_DB_FOREIGN), a newer schema (NT_ERR_OUTBOX_DB_VERSION), a
 * damaged one (NT_ERR_OUTBOX_DB_CORRUPT); NT_ERR_PERM for a symlink or a
 * file others can write; NT_ERR_IO, NT_ERR_NOMEM. cfg is copied. */
NT_API NT_WUR nt_status nt_outbox_open(nt_outbox **out, const char *path, const uint8_t from[20],
                                       uint64_t chain_id, const nt_outbox_config *cfg);
NT_API void nt_outbox_close(nt_outbox *ob);

/* Stores a call to `to` with data[0..len) and gas_limit, queued; *id (may
 * be NULL) is its row id. NT_ERR_INVALID_ARG for data above NT_TX_MAX_DATA
 * or gas_limit 0; database statuses. */
NT_API NT_WUR nt_status nt_outbox_enqueue(nt_outbox *ob, int64_t *id, const uint8_t to[20],
                                          const uint8_t *data, size_t len, uint64_t gas_limit);

/* One pass of the state machine at time now_ms (the caller's clock): on
 * the first pass after open, reconcile the stored next nonce with the
 * node's transaction counts; then look at every sent and mined transaction
 * (receipts, reorgs, confirmations, rebroadcasts, fee bumps) and sign and
 * send the queued ones in order. Returns NT_OK, or the first node or
 * database failure (what was stored before it stays stored);
 * NT_ERR_TX_CHAIN_ID if the signer is for another chain (nothing signed).
 * A receipt counts only when its block hash is the canonical one at its
 * height. A sent transaction none of whose versions has a receipt while
 * the account's transaction count at the block `confirmations` deep is past
 * its nonce lost the nonce to another transaction of the account: failed,
 * reason "nonce-taken". A final transaction with a receipt whose nonce the
 * node's "latest" transaction count no longer covers (a node restarted from
 * an older state, a reorg deeper than the confirmations) goes back to sent
 * and is broadcast again (counted in reorgs). now_ms
 * must be a clock that survives restarts (wall-clock milliseconds). */
NT_API NT_WUR nt_status nt_outbox_step(nt_outbox *ob, const nt_outbox_rpc *rpc,
                                       const nt_tx_signer *signer, uint64_t now_ms);

typedef struct nt_outbox_counts {
    uint64_t n[NT_OUTBOX_STATE_COUNT]; /* by nt_outbox_state */
    uint64_t next_nonce;
    uint64_t versions;  /* signed versions stored, all transactions */
    uint64_t reorgs;    /* times a mined or final transaction went back to sent */
    uint64_t bumps;     /* fee bumps */
} nt_outbox_counts;

NT_API NT_WUR nt_status nt_outbox_status(nt_outbox *ob, nt_outbox_counts *out);

/* One transaction as stored. */
typedef struct nt_outbox_tx {
    int64_t id;
    nt_outbox_state state;
    bool has_nonce;
    uint64_t nonce;
    uint32_t versions;
    uint8_t mined_hash[32]; /* mined/confirmed/failed: the version on chain */
    uint64_t block_number;
    uint8_t block_hash[32];
    char reason[96];        /* failed: why */
} nt_outbox_tx;

/* NT_ERR_NOT_FOUND for an unknown id. */
NT_API NT_WUR nt_status nt_outbox_get(nt_outbox *ob, nt_outbox_tx *out, int64_t id);

/* The raw bytes of version `version` (0 = first signing) of tx id appended
 * to raw. NT_ERR_NOT_FOUND if there is none. */
NT_API NT_WUR nt_status nt_outbox_raw(nt_outbox *ob, nt_dynbuf *raw, int64_t id,
                                      uint32_t version);

#ifdef __cplusplus
}
#endif
#endif
