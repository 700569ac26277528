/*
 * nautilus/ledger.h - the chain client of the ledger (DESIGN §4): 256-bit
 * integers, RLP, the contract ABI, Ethereum transactions (EIP-155 legacy and
 * EIP-1559) and a JSON-RPC 2.0 client over libcurl with the eth_* calls the
 * ledger needs.
 *
 * Everything a node or a peer sends (RLP, ABI data, JSON-RPC bodies) is
 * untrusted: it is read through nt_buf, every length and offset is checked
 * against what is left and a named cap before use, non-canonical forms are
 * refused with their own status, and a bound that is hit rejects the whole
 * unit. This module handles public data only, except nt_tx_sign, which uses
 * the account key it is handed and keeps no copy of it.
 *
 * No function here keeps process-wide state: the RPC client's clock, sleep
 * and randomness (for the retry jitter) are handed in by the caller.
 */
#ifndef NAUTILUS_LEDGER_H
#define NAUTILUS_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/buf.h"
#include "nautilus/crypto.h"
#include "nautilus/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ==== 256-bit unsigned integers ========================================== */

/* An EVM word: 32 bytes, big-endian. Wei amounts, fees and uint256 values. */
typedef struct nt_u256 {
    uint8_t be[32];
} nt_u256;

NT_API void nt_u256_from_u64(nt_u256 *out, uint64_t v);

/* NT_ERR_RANGE if v does not fit in 64 bits. */
NT_API NT_WUR nt_status nt_u256_to_u64(uint64_t *out, const nt_u256 *v);

/* Decimal text (digits only, no sign, no leading zero except "0"), measured
 * by len. NT_ERR_INVALID_ARG for another character or form, NT_ERR_RANGE if
 * the value needs more than 256 bits. */
NT_API NT_WUR nt_status nt_u256_from_dec(nt_u256 *out, const char *text, size_t len);

/* Writes the decimal form and a NUL. NT_ERR_NOSPACE if cap < 79. */
NT_API NT_WUR nt_status nt_u256_to_dec(char *out, size_t cap, const nt_u256 *v);

/* A JSON-RPC QUANTITY (Ethereum execution-apis, "hex encoding"): "0x"
 * followed by lower- or upper-case hex digits without leading zeros, "0x0"
 * for zero. NT_ERR_INVALID_ARG for any other form ("0x", "0x01", no
 * prefix), NT_ERR_RANGE above 256 bits. */
NT_API NT_WUR nt_status nt_u256_from_quantity(nt_u256 *out, const char *text, size_t len);

/* Writes the QUANTITY form and a NUL. NT_ERR_NOSPACE if cap < 67. */
NT_API NT_WUR nt_status nt_u256_to_quantity(char *out, size_t cap, const nt_u256 *v);

/* -1, 0 or 1 as a < b, a == b, a > b. */
NT_API int nt_u256_cmp(const nt_u256 *a, const nt_u256 *b);
NT_API bool nt_u256_is_zero(const nt_u256 *v);

/* *out = a + b; NT_ERR_RANGE on overflow (out untouched). */
NT_API NT_WUR nt_status nt_u256_add(nt_u256 *out, const nt_u256 *a, const nt_u256 *b);

/* *out = a * m; NT_ERR_RANGE on overflow (out untouched). */
NT_API NT_WUR nt_status nt_u256_mul_u64(nt_u256 *out, const nt_u256 *a, uint64_t m);

/* *out = a / d (d > 0), returning the remainder. */
NT_API uint32_t nt_u256_div_u32(nt_u256 *out, const nt_u256 *a, uint32_t d);

/* Bytes of the minimal big-endian form (0 for zero), as RLP scalars use. */
NT_API size_t nt_u256_min_len(const nt_u256 *v);

/* ==== RLP (Ethereum yellow paper, appendix B) ============================= */

/* Lists nested deeper than this are refused (a transaction needs 4). */
#define NT_RLP_MAX_DEPTH 16
/* No single item's payload may be longer (a transaction is at most 128 KiB;
 * nothing this client decodes comes near). */
#define NT_RLP_MAX_ITEM_LEN ((size_t)1 << 24)

/* Encoder with a sticky error: the add functions record the first failure
 * and do nothing afterwards; nt_rlp_enc_finish reports it. Lists are opened
 * and closed around their items; the header is put in front when the list
 * is closed, so nothing is counted twice. */
typedef struct nt_rlp_enc {
    nt_dynbuf out;
    size_t open[NT_RLP_MAX_DEPTH];
    size_t depth;
    nt_status err;
} nt_rlp_enc;

/* Prepares an encoder whose output may hold at most cap bytes. */
NT_API void nt_rlp_enc_init(nt_rlp_enc *e, size_t cap);
NT_API void nt_rlp_enc_cleanup(nt_rlp_enc *e);
/* Empties the encoder for reuse, keeping its storage and cap. */
NT_API void nt_rlp_enc_reset(nt_rlp_enc *e);

/* A byte string (a single byte < 0x80 is its own encoding). */
NT_API void nt_rlp_enc_bytes(nt_rlp_enc *e, const uint8_t *data, size_t len);
/* A scalar: big-endian without leading zeros, 0 as the empty string. */
NT_API void nt_rlp_enc_u64(nt_rlp_enc *e, uint64_t v);
NT_API void nt_rlp_enc_u256(nt_rlp_enc *e, const nt_u256 *v);
/* An item that is already RLP, appended unchanged (the caller vouches for it:
 * it comes from nt_rlp_decode or our own encoder). */
NT_API void nt_rlp_enc_raw(nt_rlp_enc *e, const uint8_t *rlp, size_t len);
NT_API void nt_rlp_enc_list_begin(nt_rlp_enc *e);
NT_API void nt_rlp_enc_list_end(nt_rlp_enc *e);

/* The encoding, borrowed from e (valid until the next change). Errors: the
 * first one recorded: NT_ERR_CAP (past the cap), NT_ERR_NOMEM,
 * NT_ERR_RLP_DEPTH (more than NT_RLP_MAX_DEPTH open lists),
 * NT_ERR_RLP_TOO_LARGE (an item longer than NT_RLP_MAX_ITEM_LEN), or
 * NT_ERR_INVALID_ARG (a list closed that was not open, or still open). */
NT_API NT_WUR nt_status nt_rlp_enc_finish(nt_rlp_enc *e, const uint8_t **out, size_t *out_len);

/* A decoded item: borrowed views into the input. */
typedef struct nt_rlp_item {
    bool is_list;
    const uint8_t *raw;     /* the whole encoding, header included */
    size_t raw_len;
    const uint8_t *payload; /* string bytes, or the list's concatenated items */
    size_t len;
} nt_rlp_item;

/* Parses data[0..len) as exactly one canonical RLP item and checks every
 * item nested in it, so that code behind it may walk the tree without
 * checking again. Each refusal has its own status:
 *   NT_ERR_RLP_TRUNCATED       a header or payload runs past its window
 *   NT_ERR_RLP_SINGLE_BYTE     0x81 followed by a byte < 0x80
 *   NT_ERR_RLP_NONMINIMAL_LEN  long form (0xb8.., 0xf8..) for < 56 bytes
 *   NT_ERR_RLP_LEN_LEADING_ZERO a long-form length starting with 0x00
 *   NT_ERR_RLP_TOO_LARGE       a length above NT_RLP_MAX_ITEM_LEN
 *   NT_ERR_RLP_DEPTH           lists nested deeper than NT_RLP_MAX_DEPTH
 *   NT_ERR_RLP_TRAILING        bytes after the item (len == 0 is TRUNCATED) */
NT_API NT_WUR nt_status nt_rlp_decode(nt_rlp_item *out, const uint8_t *data, size_t len);

/* Walks the items of a list returned (directly or nested) by nt_rlp_decode. */
typedef struct nt_rlp_iter {
    nt_buf b;
} nt_rlp_iter;

/* NT_ERR_RLP_TYPE if list is a string. */
NT_API NT_WUR nt_status nt_rlp_iter_init(nt_rlp_iter *it, const nt_rlp_item *list);
/* The next item; NT_ERR_NOT_FOUND after the last. */
NT_API NT_WUR nt_status nt_rlp_iter_next(nt_rlp_iter *it, nt_rlp_item *out);

/* The items of a list into out[0..cap); *count is set. NT_ERR_RLP_TYPE if
 * list is a string, NT_ERR_RLP_COUNT if it has more than cap items. */
NT_API NT_WUR nt_status nt_rlp_list_items(nt_rlp_item *out, size_t cap, size_t *count,
                                          const nt_rlp_item *list);

/* Scalars: a string without leading zero bytes (NT_ERR_RLP_INT otherwise, or
 * when wider than the type), NT_ERR_RLP_TYPE for a list. */
NT_API NT_WUR nt_status nt_rlp_item_u64(uint64_t *out, const nt_rlp_item *it);
NT_API NT_WUR nt_status nt_rlp_item_u256(nt_u256 *out, const nt_rlp_item *it);
/* A string of exactly n bytes (an address, a hash). NT_ERR_RLP_TYPE for a
 * list or another length. */
NT_API NT_WUR nt_status nt_rlp_item_fixed(uint8_t *out, size_t n, const nt_rlp_item *it);

/* ==== Contract ABI (Solidity ABI specification) =========================== */

typedef enum nt_abi_type {
    NT_ABI_UINT256 = 0,
    NT_ABI_UINT64,        /* encoded as uint256, decoded only if it fits */
    NT_ABI_ADDRESS,
    NT_ABI_BOOL,
    NT_ABI_BYTES32,
    NT_ABI_BYTES,         /* dynamic */
    NT_ABI_STRING,        /* dynamic, bytes as given (UTF-8 is not checked) */
    NT_ABI_BYTES32_ARRAY, /* bytes32[], dynamic */
} nt_abi_type;

/* Arguments of one call or event, and the bound on any one dynamic value
 * (bytes, string, array) in data we decode. */
#define NT_ABI_MAX_ARGS 16
#define NT_ABI_MAX_DYNAMIC ((size_t)1 << 20)

typedef struct nt_abi_value {
    nt_abi_type type;
    union {
        nt_u256 uint256;
        uint64_t uint64;
        uint8_t address[20];
        bool boolean;
        uint8_t bytes32[32];
        struct {
            const uint8_t *data; /* borrowed */
            size_t len;
        } bytes;                 /* NT_ABI_BYTES and NT_ABI_STRING */
        struct {
            const uint8_t *words; /* count * 32 bytes, borrowed */
            size_t count;
        } array;                  /* NT_ABI_BYTES32_ARRAY */
    } v;
} nt_abi_value;

/* "uint256", "address", "bytes32[]", ... */
NT_API const char *nt_abi_type_name(nt_abi_type type);

/* The canonical signature "name(type,type,...)" and a NUL into out[0..cap).
 * NT_ERR_NOSPACE if it does not fit, NT_ERR_INVALID_ARG for more than
 * NT_ABI_MAX_ARGS types or an unknown type. */
NT_API NT_WUR nt_status nt_abi_signature(char *out, size_t cap, const char *name,
                                         const nt_abi_type *types, size_t n);

/* Function selector: the first 4 bytes of keccak-256 of the signature. */
NT_API void nt_abi_selector(uint8_t out[4], const char *signature);
/* Event topic 0: keccak-256 of the signature. */
NT_API void nt_abi_event_topic(uint8_t out[32], const char *signature);

/* Appends the ABI encoding (head, then tails in order) of args[0..n) to out.
 * NT_ERR_INVALID_ARG for too many arguments or an unknown type; the errors
 * of nt_dynbuf_add (out unchanged on error). */
NT_API NT_WUR nt_status nt_abi_encode(nt_dynbuf *out, const nt_abi_value *args, size_t n);

/* Appends call data: selector of name(types of args) followed by the
 * encoded arguments. Errors as nt_abi_encode, NT_ERR_NOSPACE for a name too
 * long for a signature of 512 bytes. */
NT_API NT_WUR nt_status nt_abi_encode_call(nt_dynbuf *out, const char *name,
                                           const nt_abi_value *args, size_t n);

/* Decodes data[0..len) as values of types[0..n) into out[0..n); dynamic
 * values borrow from data. Only the canonical layout is accepted (what
 * solc's encoder writes): each offset must point exactly at the end of the
 * previous tail, and nothing may follow the last.
 *   NT_ERR_ABI_SHORT     data shorter than the head
 *   NT_ERR_ABI_OFFSET    an offset out of bounds or not where it belongs
 *   NT_ERR_ABI_LENGTH    a length past the data or above NT_ABI_MAX_DYNAMIC
 *   NT_ERR_ABI_VALUE     an address, bool or uint64 word out of range
 *   NT_ERR_ABI_PADDING   non-zero bytes after bytes or string
 *   NT_ERR_ABI_TRAILING  bytes after the last value
 * NT_ERR_INVALID_ARG for more than NT_ABI_MAX_ARGS types. */
NT_API NT_WUR nt_status nt_abi_decode(nt_abi_value *out, const nt_abi_type *types, size_t n,
                                      const uint8_t *data, size_t len);

/* An event: name, argument types, and which arguments are indexed. */
typedef struct nt_abi_event {
    const char *name;
    const nt_abi_type *types;
    const bool *indexed;
    size_t n;
} nt_abi_event;

/* Decodes a log of ev (not anonymous): topic 0 must be the event's topic and
 * there must be one more topic per indexed argument (NT_ERR_ABI_TOPIC
 * otherwise); indexed static values are read from the topics (checked like
 * data words), an indexed dynamic value comes out as NT_ABI_BYTES32 holding
 * its topic (the keccak of the value, as the ABI specification says); the
 * other arguments are decoded from data as by nt_abi_decode. */
NT_API NT_WUR nt_status nt_abi_log_decode(nt_abi_value *out, const nt_abi_event *ev,
                                          const uint8_t (*topics)[32], size_t n_topics,
                                          const uint8_t *data, size_t len);

/* ==== Transactions (EIP-155, EIP-1559) ==================================== */

typedef enum nt_tx_type {
    NT_TX_LEGACY = 0,  /* EIP-155 replay-protected legacy transaction */
    NT_TX_EIP1559 = 2, /* EIP-2718 type 2 */
} nt_tx_type;

/* Bound on a raw signed transaction (go-ethereum's txMaxSize, 4 x 32 KiB)
 * and on its data. */
#define NT_TX_MAX_RAW ((size_t)128 * 1024)
#define NT_TX_MAX_DATA (NT_TX_MAX_RAW - 1024)

typedef struct nt_tx {
    nt_tx_type type;
    uint64_t chain_id; /* never 0: every transaction here is replay-protected */
    uint64_t nonce;
    uint64_t gas_limit;
    nt_u256 gas_price;                /* NT_TX_LEGACY only */
    nt_u256 max_priority_fee_per_gas; /* NT_TX_EIP1559 only */
    nt_u256 max_fee_per_gas;          /* NT_TX_EIP1559 only */
    bool has_to;                      /* false: contract creation */
    uint8_t to[20];
    nt_u256 value;
    const uint8_t *data; /* borrowed */
    size_t data_len;
    /* EIP-2930 access list as its RLP list (borrowed); NULL: the empty list.
     * Type 2 only. */
    const uint8_t *access_list;
    size_t access_list_len;
} nt_tx;

typedef struct nt_tx_sig {
    uint8_t r[32];
    uint8_t s[32];
    uint8_t y_parity; /* 0 or 1 */
    uint64_t v;       /* legacy: chain_id * 2 + 35 + y_parity (EIP-155); type 2: y_parity */
} nt_tx_sig;

/* Zeroes tx and sets its type and chain id. */
NT_API void nt_tx_init(nt_tx *tx, nt_tx_type type, uint64_t chain_id);

/* The hash that is signed: legacy keccak(rlp([nonce, gasPrice, gas, to,
 * value, data, chainId, 0, 0])) (EIP-155); type 2 keccak(0x02 ||
 * rlp([chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gas, to, value,
 * data, accessList])) (EIP-1559). NT_ERR_TX_TYPE, NT_ERR_TX_FIELD (chain id
 * 0, data above NT_TX_MAX_DATA, a priority fee above the max fee, an access
 * list on a legacy transaction or one that is not a list of [address,
 * [storage keys]]). */
NT_API NT_WUR nt_status nt_tx_signing_hash(uint8_t out[32], const nt_tx *tx);

/* Signs for exactly one chain: the signer carries the chain id it expects. */
typedef struct nt_tx_signer {
    const nt_secp256k1_key *key; /* borrowed */
    uint64_t chain_id;
} nt_tx_signer;

NT_API void nt_tx_signer_init(nt_tx_signer *s, const nt_secp256k1_key *key, uint64_t chain_id);

/* Signs tx (RFC 6979 nonce, low s) and writes the raw transaction into raw
 * (reset first; give it a cap of at least NT_TX_MAX_RAW), its signature
 * (sig, optional) and its hash keccak(raw) (hash, optional). A tx whose
 * chain id is not the signer's is refused with NT_ERR_TX_CHAIN_ID before
 * anything is hashed or signed. Other errors: those of nt_tx_signing_hash,
 * NT_ERR_CRYPTO_BAD_SECRET, NT_ERR_CAP, NT_ERR_NOMEM. */
NT_API NT_WUR nt_status nt_tx_sign(const nt_tx_signer *signer, nt_dynbuf *raw, nt_tx_sig *sig,
                                   uint8_t hash[32], const nt_tx *tx);

typedef struct nt_tx_decoded {
    nt_tx tx;                 /* data and access_list borrow the raw bytes */
    nt_tx_sig sig;
    uint8_t signing_hash[32];
    uint8_t hash[32];         /* keccak(raw) */
} nt_tx_decoded;

/* Decodes a raw signed legacy (EIP-155) or type-2 transaction. RLP errors as
 * nt_rlp_decode (a type-2 payload must fill the input), NT_ERR_TX_TYPE for
 * another type byte, NT_ERR_RLP_COUNT for the wrong number of fields,
 * NT_ERR_RLP_INT / NT_ERR_RLP_TYPE for a malformed field, NT_ERR_TX_FIELD as
 * nt_tx_signing_hash or a "to" of neither 0 nor 20 bytes, NT_ERR_TX_SIGNATURE
 * for r or s zero or >= n, s above n/2 (EIP-2), a y parity above 1, or a
 * legacy v that is not EIP-155 (27 and 28 are refused). */
NT_API NT_WUR nt_status nt_tx_decode(nt_tx_decoded *out, const uint8_t *raw, size_t len);

/* The address that signed a decoded transaction. NT_ERR_CRYPTO_BAD_SIGNATURE
 * if no key can be recovered. */
NT_API NT_WUR nt_status nt_tx_recover_sender(uint8_t address[20], const nt_tx_decoded *tx);

/* ==== JSON-RPC 2.0 responses (parsing only: fuzzable, no I/O) ============= */

struct cJSON;

/* One answer of the node. status is NT_OK when a result came back, or the
 * status mapped from the JSON-RPC error object (nt_rpc_error_status); the
 * error's code and message are kept for the caller. */
typedef struct nt_rpc_reply {
    nt_status status;
    int64_t error_code;
    char *error_message;  /* owned, NUL-free, or NULL */
    char *error_data;     /* error.data as compact JSON (e.g. revert data), owned, or NULL */
    struct cJSON *result; /* owned; read it through the nt_rpc_result_* getters */
} nt_rpc_reply;

/* Frees what a reply holds and empties it (safe on an emptied reply). */
NT_API void nt_rpc_reply_cleanup(nt_rpc_reply *r);

/* The status of a JSON-RPC error code: -32700, -32600, -32601, -32602 and
 * -32603 (JSON-RPC 2.0 §5.1), -32000..-32006 (EIP-1474), 3 (execution
 * reverted, as go-ethereum and anvil send it), other -32099..-32000 server
 * errors, and NT_ERR_RPC_ERROR for any other code. */
NT_API nt_status nt_rpc_error_status(int64_t code);

/* Largest body the parser and the client accept by default (16 MiB). */
#define NT_RPC_DEFAULT_MAX_BODY ((size_t)16 << 20)
/* Most requests in one batch. */
#define NT_RPC_MAX_BATCH 256

/* Parses a response body to the requests with ids[0..n) into replies[0..n)
 * (emptied first). A single request (batch false, n == 1) expects one
 * response object; a batch expects an array with exactly one response per
 * id, in any order, or a single error object (JSON-RPC 2.0 §6: the batch
 * could not be read), which is then given to every reply.
 *
 * Returns NT_OK when the body is a well-formed response; each reply then
 * has its own status. Otherwise nothing is kept and the status says why:
 * NT_ERR_RPC_BODY_TOO_LARGE (len > max_body, checked before anything is
 * read), NT_ERR_RPC_JSON (not JSON, a NUL byte or a \u0000 escape, bytes
 * after the value, a number beyond the range of a double),
 * NT_ERR_RPC_ENVELOPE (not a JSON-RPC 2.0 response: no "jsonrpc":"2.0",
 * both or neither of result and error, a malformed error object, a member
 * given twice), NT_ERR_RPC_ID (an id that was not asked
 * for, repeated or missing), NT_ERR_INVALID_ARG (n is 0, above
 * NT_RPC_MAX_BATCH, or above 1 without batch), NT_ERR_NOMEM. */
NT_API NT_WUR nt_status nt_rpc_response_parse(nt_rpc_reply *replies, const int64_t *ids,
                                              size_t n, bool batch, const uint8_t *body,
                                              size_t len, size_t max_body);

/* Typed results. Each returns r->status when that is not NT_OK, so a caller
 * checks one status; NT_ERR_RPC_RESULT_TYPE when the result is not of the
 * expected JSON type or form. A QUANTITY is as nt_u256_from_quantity; DATA is
 * "0x" and an even number of hex digits. */
NT_API NT_WUR nt_status nt_rpc_result_u64(uint64_t *out, const nt_rpc_reply *r);
NT_API NT_WUR nt_status nt_rpc_result_u256(nt_u256 *out, const nt_rpc_reply *r);
/* DATA appended to out (NT_ERR_CAP past its cap). */
NT_API NT_WUR nt_status nt_rpc_result_data(nt_dynbuf *out, const nt_rpc_reply *r);
/* DATA of exactly 32 bytes. */
NT_API NT_WUR nt_status nt_rpc_result_hash(uint8_t out[32], const nt_rpc_reply *r);
/* *is_null tells whether the result is JSON null (a receipt not yet there). */
NT_API NT_WUR nt_status nt_rpc_result_is_null(bool *is_null, const nt_rpc_reply *r);
/* The result as compact JSON text appended to out. */
NT_API NT_WUR nt_status nt_rpc_result_json(nt_dynbuf *out, const nt_rpc_reply *r);

/* A log entry (eth_getLogs, receipts). */
#define NT_ETH_MAX_TOPICS 4
typedef struct nt_eth_log {
    uint8_t address[20];
    uint8_t topics[NT_ETH_MAX_TOPICS][32];
    size_t n_topics;
    uint8_t *data; /* owned */
    size_t data_len;
    uint64_t block_number;
    uint8_t block_hash[32];
    uint8_t tx_hash[32];
    uint64_t tx_index;
    uint64_t log_index;
    bool removed; /* true: taken out of the chain by a reorganisation */
} nt_eth_log;

/* A list of logs capped at creation. */
typedef struct nt_eth_logs {
    nt_eth_log *items;
    size_t count;
    size_t alloc;
    size_t cap;
} nt_eth_logs;

NT_API void nt_eth_logs_init(nt_eth_logs *l, size_t cap);
NT_API void nt_eth_logs_cleanup(nt_eth_logs *l);

/* Appends the logs of a result array (eth_getLogs). NT_ERR_CAP when they
 * would pass the list's cap, NT_ERR_RPC_RESULT_TYPE for a result that is
 * not an array of complete log objects (pending logs without a block are
 * refused too), data above NT_TX_MAX_RAW, more than 4 topics. On error
 * nothing is appended. */
NT_API NT_WUR nt_status nt_eth_logs_parse(nt_eth_logs *out, const nt_rpc_reply *r);

/* A transaction receipt (eth_getTransactionReceipt). */
typedef struct nt_eth_receipt {
    uint8_t tx_hash[32];
    uint8_t block_hash[32];
    uint64_t block_number;
    uint64_t tx_index;
    uint8_t from[20];
    bool has_to;
    uint8_t to[20];
    bool has_contract_address;
    uint8_t contract_address[20];
    uint64_t gas_used;
    uint64_t cumulative_gas_used;
    nt_u256 effective_gas_price;
    uint8_t status; /* 1 success, 0 reverted (EIP-658) */
    uint8_t type;   /* 0 legacy, 2 EIP-1559, ... */
    nt_eth_logs logs;
} nt_eth_receipt;

NT_API void nt_eth_receipt_cleanup(nt_eth_receipt *rc);

/* Reads a receipt result; JSON null sets *found false (not yet mined). The
 * receipt's logs are capped at max_logs (NT_ERR_CAP). NT_ERR_RPC_RESULT_TYPE
 * for a malformed receipt; a receipt without a status field (pre-Byzantium)
 * is refused the same way. */
NT_API NT_WUR nt_status nt_eth_receipt_parse(nt_eth_receipt *out, bool *found,
                                             const nt_rpc_reply *r, size_t max_logs);

/* ==== JSON-RPC 2.0 client over libcurl ==================================== */

/* Time and randomness, handed in (no globals): now_ms is a monotonic clock
 * in milliseconds, sleep_ms waits, u64 returns uniformly random bits. */
typedef struct nt_ledger_env {
    uint64_t (*now_ms)(void *ctx);
    void (*sleep_ms)(void *ctx, uint64_t ms);
    uint64_t (*u64)(void *ctx);
    void *ctx;
} nt_ledger_env;

/* The system's: CLOCK_MONOTONIC, nanosleep (resumed after signals), and
 * getrandom for the retry jitter. */
NT_API const nt_ledger_env *nt_ledger_env_system(void);

typedef struct nt_rpc_config {
    const char *url;              /* http:// or https:// only */
    uint32_t connect_timeout_ms;  /* default 5000 */
    uint32_t total_timeout_ms;    /* per attempt, whole exchange; default 30000 */
    uint32_t max_attempts;        /* 1 = no retry; default 4 */
    uint32_t backoff_base_ms;     /* delay before the 2nd attempt; default 250 */
    uint32_t backoff_max_ms;      /* ceiling of the doubling; default 8000 */
    size_t max_body;              /* response cap; default NT_RPC_DEFAULT_MAX_BODY */
    size_t max_request;           /* request body cap; default 1 MiB */
    const char *ca_file;          /* NULL: the system's trust store */
    const char *proxy;            /* NULL: none (proxy variables are ignored) */
    nt_ledger_env env;
} nt_rpc_config;

/* Fills the defaults above for url and env (both borrowed). */
NT_API void nt_rpc_config_init(nt_rpc_config *cfg, const char *url, const nt_ledger_env *env);

/* Retry delay before attempt (2, 3, ...): d = min(max, base * 2^(attempt-2)),
 * then "equal jitter": d/2 + random % (d/2 + 1). Exposed for tests. */
NT_API uint64_t nt_rpc_backoff_ms(const nt_rpc_config *cfg, uint32_t attempt, uint64_t random);

/* A client owns one connection handle: use it from one thread at a time. */
typedef struct nt_rpc_client nt_rpc_client;

/* Creates a client (one libcurl easy handle: connect and total timeouts,
 * no redirects, http and https only, TLS peer and host verified, no
 * compression, bodies capped). NT_ERR_RPC_URL for a URL that is not
 * http(s)://host..., NT_ERR_INVALID_ARG for a missing clock or random
 * source or a zero timeout, NT_ERR_NOMEM, NT_ERR_UNSUPPORTED if libcurl
 * lacks a needed option. */
NT_API NT_WUR nt_status nt_rpc_client_create(nt_rpc_client **out, const nt_rpc_config *cfg);
NT_API void nt_rpc_client_destroy(nt_rpc_client *c);

/* What the last exchange looked like (for messages and tests). */
typedef struct nt_rpc_stats {
    uint32_t attempts;  /* HTTP requests made for the last call */
    long http_status;   /* of the last attempt, 0 if none came back */
    nt_status last;     /* status of the last attempt */
} nt_rpc_stats;
NT_API void nt_rpc_client_stats(const nt_rpc_client *c, nt_rpc_stats *out);

/* One request. params is a JSON array as text (the caller's own, e.g.
 * "[\"0x1\",false]"); NULL means []. Transport failures (connect, timeout,
 * transport, HTTP 5xx and 429) are retried up to max_attempts with backoff;
 * an answer (an error object, a malformed body) is not. Returns NT_OK with
 * out->result set, out->status for a JSON-RPC error (code and message in
 * out), or the transport or body status: NT_ERR_RPC_CONNECT,
 * NT_ERR_RPC_TIMEOUT, NT_ERR_RPC_TLS, NT_ERR_RPC_TRANSPORT,
 * NT_ERR_RPC_HTTP_STATUS, NT_ERR_RPC_REDIRECT, NT_ERR_RPC_BODY_TOO_LARGE
 * (the transfer is stopped at the cap: a declared length above it is
 * refused before any of the body is read), and the statuses of
 * nt_rpc_response_parse. NT_ERR_INVALID_ARG if params is not a JSON array. */
NT_API NT_WUR nt_status nt_rpc_call(nt_rpc_client *c, nt_rpc_reply *out, const char *method,
                                    const char *params);

typedef struct nt_rpc_request {
    const char *method;
    const char *params; /* as for nt_rpc_call */
} nt_rpc_request;

/* A batch of n requests in one HTTP exchange; replies matched by id. Returns
 * the status of the exchange (as nt_rpc_call, but a JSON-RPC error of one
 * request is only in its reply); out[i].status says how request i fared. */
NT_API NT_WUR nt_status nt_rpc_batch(nt_rpc_client *c, nt_rpc_reply *out,
                                     const nt_rpc_request *reqs, size_t n);

/* ==== eth_* helpers ====================================================== */

/* Each returns the statuses of nt_rpc_call and of the typed getter it uses. */
NT_API NT_WUR nt_status nt_eth_chain_id(nt_rpc_client *c, uint64_t *out);
/* NT_ERR_TX_CHAIN_ID if the node's chain id is not expected. */
NT_API NT_WUR nt_status nt_eth_expect_chain_id(nt_rpc_client *c, uint64_t expected);
NT_API NT_WUR nt_status nt_eth_block_number(nt_rpc_client *c, uint64_t *out);
/* block: "latest", "pending", ... */
NT_API NT_WUR nt_status nt_eth_get_transaction_count(nt_rpc_client *c, uint64_t *out,
                                                     const uint8_t address[20],
                                                     const char *block);
NT_API NT_WUR nt_status nt_eth_gas_price(nt_rpc_client *c, nt_u256 *out);
NT_API NT_WUR nt_status nt_eth_max_priority_fee(nt_rpc_client *c, nt_u256 *out);

#define NT_ETH_FEE_HISTORY_MAX_BLOCKS 64
#define NT_ETH_FEE_HISTORY_MAX_PERCENTILES 8
typedef struct nt_eth_fee_history {
    uint64_t oldest_block;
    size_t n_blocks;
    /* n_blocks + 1 entries: the last is the next block's base fee. */
    nt_u256 base_fee[NT_ETH_FEE_HISTORY_MAX_BLOCKS + 1];
    double gas_used_ratio[NT_ETH_FEE_HISTORY_MAX_BLOCKS];
    size_t n_percentiles;
    nt_u256 reward[NT_ETH_FEE_HISTORY_MAX_BLOCKS][NT_ETH_FEE_HISTORY_MAX_PERCENTILES];
} nt_eth_fee_history;

/* eth_feeHistory over the last `blocks` blocks up to "latest" with the given
 * reward percentiles (ascending, 0..100). NT_ERR_INVALID_ARG beyond the
 * caps; NT_ERR_RPC_RESULT_TYPE for an answer with more blocks or
 * percentiles than asked, or fewer base fees than blocks + 1. */
NT_API NT_WUR nt_status nt_eth_fee_history_get(nt_rpc_client *c, nt_eth_fee_history *out,
                                               uint32_t blocks, const double *percentiles,
                                               size_t n_percentiles);

/* A message for eth_call and eth_estimateGas. */
typedef struct nt_eth_call_msg {
    bool has_from;
    uint8_t from[20];
    bool has_to;
    uint8_t to[20];
    const uint8_t *data;
    size_t data_len;
    nt_u256 value;
} nt_eth_call_msg;

NT_API NT_WUR nt_status nt_eth_estimate_gas(nt_rpc_client *c, uint64_t *out,
                                            const nt_eth_call_msg *msg);
/* The call's return data appended to out. A revert is NT_ERR_RPC_REVERTED
 * (its data in the reply's error_data is not returned here). */
NT_API NT_WUR nt_status nt_eth_call(nt_rpc_client *c, nt_dynbuf *out, const nt_eth_call_msg *msg,
                                    const char *block);

/* Sends a raw signed transaction; *hash is the node's answer, which must be
 * keccak(raw) (NT_ERR_RPC_HASH_MISMATCH otherwise). */
NT_API NT_WUR nt_status nt_eth_send_raw_transaction(nt_rpc_client *c, uint8_t hash[32],
                                                    const uint8_t *raw, size_t len);

/* Receipts carry at most this many logs. */
#define NT_ETH_RECEIPT_MAX_LOGS 1024

NT_API NT_WUR nt_status nt_eth_get_transaction_receipt(nt_rpc_client *c, nt_eth_receipt *out,
                                                       bool *found, const uint8_t hash[32]);

/* Polls (every poll_ms, with the client's clock) until the transaction has
 * a receipt with at least `confirmations` blocks on top of and including
 * its own (1 = mined), for at most timeout_ms: NT_ERR_TIMEOUT then. The
 * receipt is re-read at the end, so its block hash is the one that has the
 * confirmations. */
NT_API NT_WUR nt_status nt_eth_wait_receipt(nt_rpc_client *c, nt_eth_receipt *out,
                                            const uint8_t hash[32], uint32_t confirmations,
                                            uint32_t poll_ms, uint32_t timeout_ms);

/* A log query. Topic i matches when topic_set[i] is false or equals topic[i]. */
typedef struct nt_eth_log_filter {
    uint64_t from_block;
    uint64_t to_block;
    bool has_address;
    uint8_t address[20];
    bool topic_set[NT_ETH_MAX_TOPICS];
    uint8_t topic[NT_ETH_MAX_TOPICS][32];
    uint64_t max_range; /* blocks per request (0: the whole range at once) */
} nt_eth_log_filter;

/* eth_getLogs over [from_block, to_block], appended to out in block order.
 * When the node refuses a range as too large (JSON-RPC -32005, or -32602,
 * -32600 and -32000 with a message about a range, a limit, too many results
 * or a response size), the range is split in halves and each half asked
 * again, down to single blocks; a single block still refused gives the
 * node's status. NT_ERR_INVALID_ARG if from_block > to_block, NT_ERR_CAP
 * past out's cap (nothing of the query is kept then). */
NT_API NT_WUR nt_status nt_eth_get_logs(nt_rpc_client *c, nt_eth_logs *out,
                                        const nt_eth_log_filter *f);

/* ==== chain profiles ====================================================== */

/* What differs between the chains the ledger writes to, in one place:
 * "ethereum" (EIP-1559 fees from the node) and "besu" (a private Besu network:
 * legacy transactions at gas price 0). */
typedef struct nt_chain_profile {
    const char *name;
    nt_tx_type tx_type;
    bool free_gas;          /* gas price 0 (legacy) */
    uint32_t confirmations; /* default confirmations before a receipt counts */
} nt_chain_profile;

/* NT_ERR_NOT_FOUND for an unknown name. */
NT_API NT_WUR nt_status nt_chain_profile_find(const nt_chain_profile **out, const char *name);

/* Sets tx's type and fee fields for the profile: "besu" gas price 0;
 * "ethereum" max priority fee from eth_maxPriorityFeePerGas and max fee =
 * 2 x the next block's base fee (eth_feeHistory) + the priority fee. */
NT_API NT_WUR nt_status nt_eth_fill_fees(nt_rpc_client *c, nt_tx *tx,
                                         const nt_chain_profile *profile);

#ifdef __cplusplus
}
#endif
#endif
