/*
 * nautilus/ledger_chain.h - the ledger's contracts as operations (DESIGN §4),
 * library nt_ledger_chain: the name hash, Registry.keyOf, the Registry's
 * pointers to Checkpoints and Credentials, Checkpoints.headOf, the
 * Checkpointed and Registered/Rotated/Revoked events, the deployment of the
 * three contracts, and the register / rotate / revoke / checkpoint
 * transactions queued through the durable outbox (ledger_outbox.h).
 *
 * Built on nt_ledger (ABI, transactions, JSON-RPC) and nt_ledger_outbox. The
 * contracts' rules are in contracts/README.md. Every read takes a block
 * number, so that several reads describe one state of the chain: pass
 * NT_CHAIN_LATEST to read at the node's current head (the number actually
 * used is returned beside the answer).
 *
 * Everything read here is public data from a node, untrusted: return data
 * and logs are decoded by nt_abi_decode / nt_abi_log_decode (canonical
 * layout only) and every log is checked to come from the contract asked
 * about. The account key is used only through nt_tx_sign. No global state;
 * a client (nt_rpc_client) is used by one thread at a time.
 */
#ifndef NAUTILUS_LEDGER_CHAIN_H
#define NAUTILUS_LEDGER_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/ledger.h"
#include "nautilus/ledger_outbox.h"
#include "nautilus/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Read at the node's current head (eth_blockNumber, then that number). */
#define NT_CHAIN_LATEST UINT64_MAX

/* ---- names ---------------------------------------------------------------- */

/* The Registry's name hash (contracts/README.md): keccak-256 of the name in
 * RFC 4034 §6.2 canonical wire form. wire[0..len) is an uncompressed wire
 * name ending with the root label (as nt_dns_name holds it: .wire, .len);
 * ASCII A-Z are folded to a-z here, no other byte changes. "printer.local"
 * gives 0xe6bce80d...f5c5. NT_ERR_INVALID_ARG for a label over 63 octets, a
 * compression pointer or extended label type, a name over 255 octets, bytes
 * after the root label or a missing root label. */
NT_API NT_WUR nt_status nt_chain_name_hash(uint8_t out[32], const uint8_t *wire, size_t len);

/* ---- reads ------------------------------------------------------------------ */

/* Registry.keyOf(nameHash) at one block. */
typedef struct nt_chain_binding {
    bool registered;        /* owner is not the zero address */
    bool revoked;
    uint8_t owner[20];
    uint8_t digest[32];     /* the DNSKEY digest (= the key's log id) */
    uint64_t updated_block; /* block of the last change (0 if never registered) */
    uint64_t block;         /* block the state was read at */
} nt_chain_binding;

/* Reads the binding of name_hash at `block` (or NT_CHAIN_LATEST). Statuses
 * of nt_eth_block_number and nt_eth_call, NT_ERR_CHAIN_NO_CODE when there
 * is no contract at registry, the nt_abi_decode statuses for return data
 * that is not four words of the right types. */
NT_API NT_WUR nt_status nt_chain_key_of(nt_rpc_client *c, nt_chain_binding *out,
                                        const uint8_t registry[20], const uint8_t name_hash[32],
                                        uint64_t block);

/* Registry.nameOfDigest(digest): the name hash a digest was first bound to
 * (all zero if none), at `block`. Statuses as nt_chain_key_of. */
NT_API NT_WUR nt_status nt_chain_name_of_digest(nt_rpc_client *c, uint8_t name_hash[32],
                                                const uint8_t registry[20],
                                                const uint8_t digest[32], uint64_t block);

/* One deployment: what a client needs besides the registry's address. */
typedef struct nt_chain_contracts {
    uint8_t registry[20];
    uint8_t checkpoints[20];
    uint8_t credentials[20];
    uint64_t deployed_block; /* Registry.deployedBlock: where its history starts */
} nt_chain_contracts;

/* Finds the Checkpoints and Credentials of the Registry at registry (its
 * checkpoints(), credentials() and deployedBlock()), and checks that the
 * Checkpoints there reads this Registry. NT_ERR_NOT_FOUND when the admin
 * has not set them yet, NT_ERR_CHAIN_NO_CODE when there is no contract at
 * an address, NT_ERR_CHAIN_MISMATCH when Checkpoints.registry() is another
 * registry; statuses as nt_chain_key_of. */
NT_API NT_WUR nt_status nt_chain_contracts_find(nt_rpc_client *c, nt_chain_contracts *out,
                                                const uint8_t registry[20], uint64_t block);

/* Checkpoints.headOf(logId) at one block. */
typedef struct nt_chain_head {
    uint64_t size; /* 0: never checkpointed */
    uint8_t root[32];
    uint64_t updated_block;
    uint64_t block; /* block the state was read at */
} nt_chain_head;

/* Statuses as nt_chain_key_of. */
NT_API NT_WUR nt_status nt_chain_head_of(nt_rpc_client *c, nt_chain_head *out,
                                         const uint8_t checkpoints[20], const uint8_t log_id[32],
                                         uint64_t block);

/* Where a log came from on chain. */
typedef struct nt_chain_origin {
    uint64_t block;
    uint8_t block_hash[32];
    uint8_t tx_hash[32];
    uint64_t log_index;
} nt_chain_origin;

/* One Checkpointed(logId, nameHash, size, root) event. */
typedef struct nt_chain_checkpoint {
    uint8_t log_id[32];
    uint8_t name_hash[32];
    uint64_t size;
    uint8_t root[32];
    nt_chain_origin at;
} nt_chain_checkpoint;

/* Most events of one kind a single query returns (NT_ERR_CAP beyond). */
#define NT_CHAIN_MAX_EVENTS 4096

/* The Checkpointed events of log_id in blocks [from_block, to_block]
 * (to_block NT_CHAIN_LATEST: the current head), in chain order, into
 * out[0..cap); *n is set. eth_getLogs on the contract's address and the
 * indexed logId topic, split when the node limits the range (max_range
 * blocks per request, 0: no limit). Logs marked removed are skipped.
 * NT_ERR_CAP for more than cap (or NT_CHAIN_MAX_EVENTS) events, statuses of
 * nt_eth_get_logs and nt_abi_log_decode. */
NT_API NT_WUR nt_status nt_chain_checkpoints_list(nt_rpc_client *c, nt_chain_checkpoint *out,
                                                  size_t cap, size_t *n,
                                                  const uint8_t checkpoints[20],
                                                  const uint8_t log_id[32], uint64_t from_block,
                                                  uint64_t to_block, uint64_t max_range);

/* The checkpoint of log_id at exactly `size` leaves: *found false when
 * there is none in [from_block, head]. Statuses as
 * nt_chain_checkpoints_list. */
NT_API NT_WUR nt_status nt_chain_checkpoint_find(nt_rpc_client *c, nt_chain_checkpoint *out,
                                                 bool *found, const uint8_t checkpoints[20],
                                                 const uint8_t log_id[32], uint64_t size,
                                                 uint64_t from_block, uint64_t max_range);

typedef enum nt_chain_name_change {
    NT_CHAIN_REGISTERED = 0,
    NT_CHAIN_ROTATED = 1,
    NT_CHAIN_REVOKED = 2,
} nt_chain_name_change;

/* "registered", "rotated", "revoked". */
NT_API const char *nt_chain_name_change_name(nt_chain_name_change kind);

/* One Registered / Rotated / Revoked event of a name. */
typedef struct nt_chain_name_event {
    nt_chain_name_change kind;
    uint8_t name_hash[32];
    uint8_t owner[20];
    uint8_t old_digest[32]; /* Rotated: the digest replaced; zero otherwise */
    uint8_t digest[32];     /* Registered: bound; Rotated: new; Revoked: revoked */
    nt_chain_origin at;
} nt_chain_name_event;

/* The history of name_hash in [from_block, to_block], in chain order, as
 * nt_chain_checkpoints_list (one eth_getLogs on the registry's address and
 * topic 1 = name_hash; events of other kinds are ignored). */
NT_API NT_WUR nt_status nt_chain_name_history(nt_rpc_client *c, nt_chain_name_event *out,
                                              size_t cap, size_t *n, const uint8_t registry[20],
                                              const uint8_t name_hash[32], uint64_t from_block,
                                              uint64_t to_block, uint64_t max_range);

/* The timestamp (seconds) and hash of block `number`. NT_ERR_NOT_FOUND if
 * the node has no such block. */
NT_API NT_WUR nt_status nt_chain_block_time(nt_rpc_client *c, uint64_t *time_s,
                                            uint8_t hash[32], uint64_t number);

/* The name of a contract custom error from revert data (its first 4 bytes):
 * "NameTaken", "NotOwner", "AlreadyCheckpointed", ... of the three contracts;
 * NULL when the selector is not one of theirs or len < 4. */
NT_API const char *nt_chain_error_name(const uint8_t *data, size_t len);

/* ---- writes ------------------------------------------------------------------ */

/* How transactions are signed and sent. All borrowed. */
typedef struct nt_chain_sender {
    nt_rpc_client *client;
    const nt_tx_signer *signer;      /* its chain id is the one expected */
    const nt_chain_profile *profile; /* tx type and fees */
    uint32_t confirmations;          /* 0: the profile's (at least 1) */
    uint32_t poll_ms;                /* receipt polling; 0: 200 */
    uint32_t timeout_ms;             /* for a receipt or an outbox result; 0: 60000 */
    /* The outbox's clock: wall-clock milliseconds (it must survive restarts).
     * Waiting uses the client's own clock and sleep (nt_rpc_config.env). */
    uint64_t (*wall_ms)(void *ctx);
    void *wall_ctx;
} nt_chain_sender;

/* Creation bytecode of the three contracts (borrowed bytes). */
typedef struct nt_chain_bytecode {
    const uint8_t *registry;
    size_t registry_len;
    const uint8_t *checkpoints; /* constructor(address registry) is appended */
    size_t checkpoints_len;
    const uint8_t *credentials;
    size_t credentials_len;
} nt_chain_bytecode;

/* Deploys Registry, Checkpoints(registry) and Credentials from the signer's
 * account and makes the Registry point at the other two
 * (Registry.setContracts): four transactions through the outbox ob (the
 * creations as rows without a destination), each waited for as by
 * nt_chain_wait, after the node's chain id was checked (NT_ERR_TX_CHAIN_ID
 * before anything is signed). The Registry is created first: Checkpoints'
 * constructor takes its address. Each address is computed from the account
 * and the nonce its creation was signed at (keccak(rlp([sender, nonce])))
 * and must equal the receipt's contractAddress. A run that is interrupted
 * leaves its transactions in the outbox, which a later step sends; running
 * deploy again makes a new deployment. Statuses: NT_ERR_CHAIN_TX_FAILED,
 * NT_ERR_TIMEOUT, NT_ERR_CHAIN_MISMATCH (a receipt's address is not the
 * computed one), and those of nt_eth_estimate_gas, nt_outbox_enqueue,
 * nt_chain_wait and the RPC calls. */
NT_API NT_WUR nt_status nt_chain_deploy(const nt_chain_sender *s, nt_outbox *ob,
                                        nt_chain_contracts *out, const nt_chain_bytecode *code);

/* The registry-side calls that go through the outbox. */
typedef enum nt_chain_call_kind {
    NT_CHAIN_CALL_REGISTER = 0,   /* Registry.register(name_hash, digest) */
    NT_CHAIN_CALL_ROTATE = 1,     /* Registry.rotate(name_hash, digest) */
    NT_CHAIN_CALL_REVOKE = 2,     /* Registry.revoke(name_hash) */
    NT_CHAIN_CALL_CHECKPOINT = 3, /* Checkpoints.checkpoint(digest, name_hash, size, root) */
} nt_chain_call_kind;

typedef struct nt_chain_call {
    nt_chain_call_kind kind;
    uint8_t name_hash[32];
    uint8_t digest[32]; /* register/rotate: the new digest; checkpoint: the log id */
    uint64_t size;      /* checkpoint */
    uint8_t root[32];   /* checkpoint */
} nt_chain_call;

/* Appends the call data of call to out. NT_ERR_INVALID_ARG for an unknown
 * kind; statuses of nt_abi_encode_call. */
NT_API NT_WUR nt_status nt_chain_call_encode(nt_dynbuf *out, const nt_chain_call *call);

/* Replays call against `to` from the signer's account (eth_call at
 * "latest") and, when the contract accepts it, estimates its gas and
 * queues it in ob (gas limit: the estimate + 25 % + 10000): *id is its
 * outbox id. A call the contract refuses is not queued: NT_ERR_RPC_REVERTED,
 * with the contract's error name ("NameTaken", ...) or "reverted" written
 * to why[0..why_cap). Statuses of the RPC calls and nt_outbox_enqueue. */
NT_API NT_WUR nt_status nt_chain_submit(const nt_chain_sender *s, nt_outbox *ob, int64_t *id,
                                        char *why, size_t why_cap, const uint8_t to[20],
                                        const nt_chain_call *call);

/* Steps ob (nt_outbox_step with the sender's client and signer, at the
 * wall clock) every poll_ms until transaction id is confirmed or failed,
 * at most timeout_ms: NT_ERR_TIMEOUT then (it stays queued or sent in the
 * outbox, and a later step finishes it). *out is the transaction as stored
 * at the end. NT_ERR_CHAIN_TX_FAILED when it failed (out->reason says
 * why); statuses of nt_outbox_step and nt_outbox_get. */
NT_API NT_WUR nt_status nt_chain_wait(const nt_chain_sender *s, nt_outbox *ob, nt_outbox_tx *out,
                                      int64_t id);

/* Steps ob as nt_chain_wait does until no transaction is open (queued, sent
 * or mined), so that what an earlier, interrupted command queued is on
 * chain before the state is read again. NT_ERR_TIMEOUT after timeout_ms
 * (nothing changes in the outbox); statuses of nt_outbox_step and
 * nt_outbox_status. */
NT_API NT_WUR nt_status nt_chain_drain(const nt_chain_sender *s, nt_outbox *ob);

/* The outbox configuration for these contracts: the profile, confirmations
 * and Checkpoints' AlreadyCheckpointed as the "done" selector. */
NT_API void nt_chain_outbox_config(nt_outbox_config *cfg, const nt_chain_sender *s);

#ifdef __cplusplus
}
#endif
#endif
