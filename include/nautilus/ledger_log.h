/*
 * nautilus/ledger_log.h - the Merkle log of published record sets
 * (DESIGN §4), library nt_ledger_log.
 *
 * Two layers:
 *
 *  - The RFC 9162 §2.1 algorithms over SHA-256, pure and without I/O: leaf
 *    hash SHA-256(0x00 || d), node hash SHA-256(0x01 || l || r), the Merkle
 *    Tree Hash (MTH) of the first n leaves, inclusion proofs (PATH, §2.1.3)
 *    and consistency proofs (PROOF, §2.1.4), generated from a node source
 *    and verified from nothing but the proof. A source answers "the hash of
 *    the perfect subtree of 2^level leaves starting at leaf index·2^level";
 *    every subtree the algorithms need is of that shape, so a source that
 *    stores those hashes (nt_merkle_tree in memory, nt_merkle_log in
 *    SQLite) gives roots and proofs in O(log n) reads. A source that only
 *    knows leaf hashes (an array, a callback) works too, at O(n) per call.
 *
 *  - nt_merkle_log: the agent's durable append-only log in SQLite (WAL
 *    mode, one transaction per append or batch), one leaf per record-set
 *    version the publisher signs. The leaf input is the RRset's canonical
 *    form (nt_dns_rrset_canonical, RFC 4034 §6), stored whole beside its
 *    owner name, type and the caller's time, so that an auditor can
 *    recompute every hash. Interior hashes of complete subtrees are stored
 *    as they complete, so append, roots and proofs cost O(log n).
 *
 * Everything here handles public data (hashes of published records):
 * comparisons are plain memcmp and nothing is wiped.
 *
 * Thread safety: no global state. One nt_merkle_log handle is used by one
 * thread at a time; several handles (or processes) may open the same file,
 * SQLite serialising the writers.
 */
#ifndef NAUTILUS_LEDGER_LOG_H
#define NAUTILUS_LEDGER_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NT_MERKLE_HASH_LEN 32
/* Largest tree size the algorithms take (NT_ERR_MERKLE_RANGE above). */
#define NT_MERKLE_SIZE_MAX ((uint64_t)1 << 63)
/* Nodes in any proof of a tree of at most NT_MERKLE_SIZE_MAX leaves
 * (RFC 9162 §2.1.3, §2.1.4: one node per level, at most 63 levels, plus
 * the subtree a consistency proof ends on). */
#define NT_MERKLE_PROOF_MAX 64
/* Hard ceiling on one leaf's input; the log's own cap is lower (config). */
#define NT_MERKLE_LEAF_DATA_MAX (1u << 20)

/* ---- hashes (RFC 9162 §2.1.1) ------------------------------------------- */

/* out = SHA-256(0x00 || data[0..len)). NT_ERR_MERKLE_LEAF_SIZE if len >
 * NT_MERKLE_LEAF_DATA_MAX, NT_ERR_NOMEM if the scratch copy cannot be made
 * (inputs over 1 KiB are copied to the heap; the SHA-256 is one-shot). */
NT_API NT_WUR nt_status nt_merkle_leaf_hash(uint8_t out[NT_MERKLE_HASH_LEN], const uint8_t *data,
                                            size_t len);

/* out = SHA-256(0x01 || left || right). out may alias left or right. */
NT_API void nt_merkle_node_hash(uint8_t out[NT_MERKLE_HASH_LEN],
                                const uint8_t left[NT_MERKLE_HASH_LEN],
                                const uint8_t right[NT_MERKLE_HASH_LEN]);

/* out = MTH({}) = SHA-256 of the empty string. */
NT_API void nt_merkle_empty_root(uint8_t out[NT_MERKLE_HASH_LEN]);

/* ---- node sources --------------------------------------------------------- */

/* Writes the hash of the perfect subtree over leaves [index << level,
 * (index + 1) << level); level 0 is a leaf hash. Called only for subtrees
 * inside the size the caller asked about. Returns NT_OK or the status to
 * pass up. */
typedef nt_status (*nt_merkle_node_fn)(void *ctx, uint8_t out[NT_MERKLE_HASH_LEN], unsigned level,
                                       uint64_t index);
/* Writes the hash of leaf index. Same contract. */
typedef nt_status (*nt_merkle_leaf_fn)(void *ctx, uint8_t out[NT_MERKLE_HASH_LEN], uint64_t index);

/* Where the algorithms read the tree from. Set node (fast) or leaf (every
 * subtree is then rehashed from its leaves, O(2^level) per subtree). */
typedef struct nt_merkle_source {
    nt_merkle_node_fn node; /* preferred when not NULL */
    nt_merkle_leaf_fn leaf; /* used when node is NULL */
    void *ctx;
} nt_merkle_source;

/* Leaf hashes in memory: count hashes of 32 bytes each, borrowed. */
typedef struct nt_merkle_array {
    const uint8_t *hashes;
    uint64_t count;
} nt_merkle_array;

/* Points src at arr (borrowed; it must outlive src). Leaves past
 * arr->count give NT_ERR_MERKLE_RANGE. */
NT_API void nt_merkle_source_array(nt_merkle_source *src, const nt_merkle_array *arr);

/* ---- roots and proofs (RFC 9162 §2.1.1, §2.1.3.1, §2.1.4.1) --------------- */

/* A proof: len node hashes, in the order of RFC 9162 (from the leaf, or the
 * old tree, up to the root). */
typedef struct nt_merkle_proof {
    size_t len;
    uint8_t node[NT_MERKLE_PROOF_MAX][NT_MERKLE_HASH_LEN];
} nt_merkle_proof;

/* out = MTH of the first size leaves of src (the empty-string hash for 0).
 * Reads at most 64 nodes from a node source. NT_ERR_MERKLE_RANGE if size >
 * NT_MERKLE_SIZE_MAX; statuses of the source (NT_ERR_MERKLE_RANGE from the
 * array and tree sources when size passes what they hold). */
NT_API NT_WUR nt_status nt_merkle_root(uint8_t out[NT_MERKLE_HASH_LEN], const nt_merkle_source *src,
                                       uint64_t size);

/* proof = PATH(index, D[size]) (RFC 9162 §2.1.3.1), at most 63 nodes.
 * NT_ERR_MERKLE_RANGE if index >= size or size > NT_MERKLE_SIZE_MAX;
 * statuses of the source. proof is untouched on error. */
NT_API NT_WUR nt_status nt_merkle_inclusion_proof(nt_merkle_proof *proof,
                                                  const nt_merkle_source *src, uint64_t index,
                                                  uint64_t size);

/* proof = PROOF(old_size, D[size]) (RFC 9162 §2.1.4.1); empty when
 * old_size is 0 or equals size (nothing to prove). NT_ERR_MERKLE_RANGE if
 * old_size > size or size > NT_MERKLE_SIZE_MAX; statuses of the source.
 * proof is untouched on error. */
NT_API NT_WUR nt_status nt_merkle_consistency_proof(nt_merkle_proof *proof,
                                                    const nt_merkle_source *src, uint64_t old_size,
                                                    uint64_t size);

/* Checks that leaf_hash is leaf index of the tree of size leaves whose MTH
 * is root (RFC 9162 §2.1.3.2). NT_OK only then; otherwise
 * NT_ERR_MERKLE_RANGE (index >= size, or size > NT_MERKLE_SIZE_MAX),
 * NT_ERR_MERKLE_PROOF_SIZE (more or fewer nodes than that index and size
 * take), NT_ERR_MERKLE_PROOF (the path leads to another root),
 * NT_ERR_INVALID_ARG (proof->len over the maximum). */
NT_API NT_WUR nt_status nt_merkle_inclusion_verify(const nt_merkle_proof *proof,
                                                   const uint8_t leaf_hash[NT_MERKLE_HASH_LEN],
                                                   uint64_t index, uint64_t size,
                                                   const uint8_t root[NT_MERKLE_HASH_LEN]);

/* Checks that the tree of size leaves with MTH root extends the tree of
 * old_size leaves with MTH old_root (RFC 9162 §2.1.4.2). When old_size ==
 * size the proof must be empty and the roots equal; when old_size is 0 the
 * proof must be empty and old_root the empty-tree hash. NT_OK only when it
 * holds; otherwise NT_ERR_MERKLE_RANGE (old_size > size, or size >
 * NT_MERKLE_SIZE_MAX), NT_ERR_MERKLE_PROOF_SIZE (wrong number of nodes),
 * NT_ERR_MERKLE_PROOF (a root does not match), NT_ERR_INVALID_ARG
 * (proof->len over the maximum). */
NT_API NT_WUR nt_status nt_merkle_consistency_verify(const nt_merkle_proof *proof,
                                                     uint64_t old_size,
                                                     const uint8_t old_root[NT_MERKLE_HASH_LEN],
                                                     uint64_t size,
                                                     const uint8_t root[NT_MERKLE_HASH_LEN]);

/* Reads a proof from untrusted bytes: the nodes concatenated, 32 bytes
 * each. NT_ERR_MERKLE_PROOF_SIZE if len is not a multiple of 32 or holds
 * more than NT_MERKLE_PROOF_MAX nodes (out untouched). */
NT_API NT_WUR nt_status nt_merkle_proof_parse(nt_merkle_proof *out, const uint8_t *bytes,
                                              size_t len);

/* Writes proof's nodes concatenated into out[0..cap), length to *len.
 * NT_ERR_NOSPACE if cap < 32·proof->len, NT_ERR_INVALID_ARG if proof->len
 * is over the maximum. */
NT_API NT_WUR nt_status nt_merkle_proof_write(uint8_t *out, size_t cap, size_t *len,
                                              const nt_merkle_proof *proof);

/* ---- a tree in memory ------------------------------------------------------ */

/* Every complete subtree hash of an append-only tree, held in memory
 * (about 64 bytes per leaf), with a leaf cap fixed at creation. For
 * auditors that rebuild a log from its leaves, and for tests. */
typedef struct nt_merkle_tree nt_merkle_tree;

/* Creates an empty tree that takes at most max_leaves leaves (1 ..
 * 2^40). NT_ERR_INVALID_ARG for a bad cap, NT_ERR_NOMEM. */
NT_API NT_WUR nt_status nt_merkle_tree_create(nt_merkle_tree **out, uint64_t max_leaves);

/* Frees the tree; NULL is ignored. */
NT_API void nt_merkle_tree_destroy(nt_merkle_tree *tree);

/* Appends a leaf hash, completing the subtrees it closes (O(1) amortised).
 * NT_ERR_MERKLE_FULL at the cap, NT_ERR_NOMEM; on error the tree is
 * unchanged. */
NT_API NT_WUR nt_status nt_merkle_tree_append(nt_merkle_tree *tree,
                                              const uint8_t leaf_hash[NT_MERKLE_HASH_LEN]);

/* Leaves appended so far. */
NT_API uint64_t nt_merkle_tree_size(const nt_merkle_tree *tree);

/* Points src at the tree's stored subtree hashes (borrowed). Asking for a
 * subtree beyond the size gives NT_ERR_MERKLE_RANGE. */
NT_API void nt_merkle_tree_source(nt_merkle_source *src, nt_merkle_tree *tree);

/* ---- the durable log (SQLite) --------------------------------------------- */

/* File name of the log in the state directory (DESIGN §3). */
#define NT_MERKLE_LOG_FILE "merkle-log.sqlite"
#define NT_MERKLE_LOG_OWNER_MAX 255                   /* octets of a wire name */
#define NT_MERKLE_LOG_MAX_LEAVES_DEFAULT (1u << 24)   /* 16 Mi record-set versions */
#define NT_MERKLE_LOG_MAX_LEAVES_LIMIT ((uint64_t)1 << 40)
#define NT_MERKLE_LOG_DATA_MAX_DEFAULT 65536u         /* canonical RRset bytes per leaf */
#define NT_MERKLE_LOG_DB_MAX_DEFAULT ((uint64_t)1 << 30) /* database file bytes */
#define NT_MERKLE_LOG_BATCH_MAX 4096u                 /* entries per append_batch */
#define NT_MERKLE_LOG_FIND_MAX 4096u                  /* indexes per find call */

typedef struct nt_merkle_log nt_merkle_log;

/* Caps and waits; a zero field takes its default. */
typedef struct nt_merkle_log_config {
    uint64_t max_leaves;   /* 1 .. NT_MERKLE_LOG_MAX_LEAVES_LIMIT */
    size_t max_data;       /* bytes of one leaf's input, 1 .. NT_MERKLE_LEAF_DATA_MAX */
    uint64_t max_db_bytes; /* SQLite max_page_count × page size, >= 64 KiB */
    int busy_timeout_ms;   /* wait for another writer (default 5000) */
} nt_merkle_log_config;

/* One record-set version to append. data is the RRset in canonical form
 * (RFC 4034 §6.2, as nt_dns_rrset_canonical writes it): the leaf input. Its
 * first record's owner name (uncompressed, lower case) and type are
 * recorded beside it for look-ups. time is the caller's clock (seconds
 * since the epoch): the log reads no clock, and time is not hashed. */
typedef struct nt_merkle_log_entry {
    const uint8_t *data;
    size_t data_len;
    int64_t time;
} nt_merkle_log_entry;

/* A stored leaf, as nt_merkle_log_leaf_get returns it. */
typedef struct nt_merkle_log_leaf {
    uint64_t index;
    uint8_t hash[NT_MERKLE_HASH_LEN];
    uint8_t owner[NT_MERKLE_LOG_OWNER_MAX];
    size_t owner_len;
    uint16_t rrtype;
    int64_t time;
    uint8_t *data; /* nt_malloc'd; nt_merkle_log_leaf_cleanup frees it */
    size_t data_len;
} nt_merkle_log_leaf;

/* Writes "<state_dir>/merkle-log.sqlite" into out[0..cap). NT_ERR_NOSPACE
 * if it does not fit, NT_ERR_INVALID_ARG for an empty state_dir. */
NT_API NT_WUR nt_status nt_merkle_log_path(char *out, size_t cap, const char *state_dir);

/* Opens the log at path, creating it (mode 0600, schema version 1) when
 * the file does not exist or is empty. log_id (the signing key's digest,
 * DESIGN §4) is recorded at creation and must match on later opens; NULL
 * skips the check on an existing log (auditors) but creates nothing:
 * NT_ERR_NOT_FOUND when there is no file, NT_ERR_INVALID_ARG when it is
 * empty.
 * cfg may be NULL (defaults). Checks on open: the file is a regular file
 * (not a symlink) that group and others cannot write, a SQLite database
 * carrying Nautilus's application id, a schema version this build reads,
 * and leaves 0..size-1 with exactly the subtree hashes they complete.
 * Statuses: NT_ERR_INVALID_ARG (bad argument or cfg), NT_ERR_PERM (file
 * unsafe or not writable), NT_ERR_IO (cannot create or open),
 * NT_ERR_MERKLE_DB_CORRUPT (not a database, damaged, or leaves and subtree
 * hashes disagree), NT_ERR_MERKLE_DB_FOREIGN (a database that is not a
 * Merkle log), NT_ERR_MERKLE_DB_VERSION (a newer schema),
 * NT_ERR_MERKLE_LOG_ID (another key's log), NT_ERR_MERKLE_DB_BUSY,
 * NT_ERR_MERKLE_DB, NT_ERR_NOMEM. *out is set only on NT_OK. */
NT_API NT_WUR nt_status nt_merkle_log_open(nt_merkle_log **out, const char *path,
                                           const uint8_t log_id[NT_MERKLE_HASH_LEN],
                                           const nt_merkle_log_config *cfg);

/* Closes the log; NULL is ignored. Committed appends are durable. */
NT_API void nt_merkle_log_close(nt_merkle_log *log);

/* The log id recorded at creation. */
NT_API void nt_merkle_log_id(const nt_merkle_log *log, uint8_t out[NT_MERKLE_HASH_LEN]);

/* Appends one leaf in its own transaction; *index (optional) gets its leaf
 * index. Statuses: NT_ERR_MERKLE_LEAF_SIZE (data empty or over max_data),
 * NT_ERR_MERKLE_LEAF_FORMAT (data does not start with an uncompressed,
 * lower-case owner name and a type), NT_ERR_MERKLE_FULL (max_leaves or
 * max_db_bytes reached, or the disk is full), NT_ERR_MERKLE_DB_BUSY,
 * NT_ERR_MERKLE_DB_CORRUPT, NT_ERR_MERKLE_DB, NT_ERR_IO, NT_ERR_PERM,
 * NT_ERR_NOMEM. On error nothing is appended. */
NT_API NT_WUR nt_status nt_merkle_log_append(nt_merkle_log *log, uint64_t *index,
                                             const nt_merkle_log_entry *entry);

/* Appends n (1 .. NT_MERKLE_LOG_BATCH_MAX) leaves in one transaction: all
 * or none. *first (optional) gets the first one's index. Every entry is
 * checked before anything is written. Statuses as nt_merkle_log_append,
 * and NT_ERR_INVALID_ARG for a bad n. */
NT_API NT_WUR nt_status nt_merkle_log_append_batch(nt_merkle_log *log, uint64_t *first,
                                                   const nt_merkle_log_entry *entries, size_t n);

/* *size = leaves committed (by any connection). Statuses:
 * NT_ERR_MERKLE_DB_BUSY, NT_ERR_MERKLE_DB_CORRUPT, NT_ERR_MERKLE_DB. */
NT_API NT_WUR nt_status nt_merkle_log_size(nt_merkle_log *log, uint64_t *size);

/* out = MTH of the first size leaves, from stored subtree hashes (at most
 * 64 reads). NT_ERR_MERKLE_RANGE if size > the log's size; database
 * statuses as nt_merkle_log_size (a missing subtree hash is
 * NT_ERR_MERKLE_DB_CORRUPT). */
NT_API NT_WUR nt_status nt_merkle_log_root(nt_merkle_log *log, uint8_t out[NT_MERKLE_HASH_LEN],
                                           uint64_t size);

/* out = the hash of leaf index. Statuses as nt_merkle_log_root. */
NT_API NT_WUR nt_status nt_merkle_log_leaf_hash(nt_merkle_log *log,
                                                uint8_t out[NT_MERKLE_HASH_LEN], uint64_t index);

/* Reads leaf index whole into *out (data allocated; free with
 * nt_merkle_log_leaf_cleanup). Statuses as nt_merkle_log_root, and
 * NT_ERR_NOMEM. *out is zeroed on error. */
NT_API NT_WUR nt_status nt_merkle_log_leaf_get(nt_merkle_log *log, nt_merkle_log_leaf *out,
                                               uint64_t index);

/* Frees what nt_merkle_log_leaf_get allocated; leaf may be reused. */
NT_API void nt_merkle_log_leaf_cleanup(nt_merkle_log_leaf *leaf);

/* The leaf indexes >= from whose owner is owner[0..owner_len) (canonical
 * wire form) and, unless rrtype is 0, whose type is rrtype, in increasing
 * order: at most cap (<= NT_MERKLE_LOG_FIND_MAX) into idx[0..*n). Call
 * again with from = last + 1 for more. NT_ERR_INVALID_ARG for a bad
 * argument; database statuses as nt_merkle_log_size. */
NT_API NT_WUR nt_status nt_merkle_log_find(nt_merkle_log *log, uint64_t *idx, size_t cap,
                                           size_t *n, const uint8_t *owner, size_t owner_len,
                                           uint16_t rrtype, uint64_t from);

/* PATH(index, D[size]) from stored hashes, O(log size) reads. Statuses as
 * nt_merkle_log_root, NT_ERR_MERKLE_RANGE also for index >= size. */
NT_API NT_WUR nt_status nt_merkle_log_inclusion_proof(nt_merkle_log *log, nt_merkle_proof *proof,
                                                      uint64_t index, uint64_t size);

/* PROOF(old_size, D[size]) from stored hashes, O(log size) reads. Statuses
 * as nt_merkle_log_root, NT_ERR_MERKLE_RANGE also for old_size > size. */
NT_API NT_WUR nt_status nt_merkle_log_consistency_proof(nt_merkle_log *log,
                                                        nt_merkle_proof *proof,
                                                        uint64_t old_size, uint64_t size);

/* Points src at the log (borrowed), for the generic algorithms above. */
NT_API void nt_merkle_log_source(nt_merkle_source *src, nt_merkle_log *log);

/* Full audit of the file, O(size): SQLite's quick_check, then every leaf
 * hash recomputed from its stored data and owner and type re-read from it,
 * and every stored subtree hash recomputed from its children. NT_OK when
 * all agree; NT_ERR_MERKLE_DB_CORRUPT otherwise, with *bad_index (optional)
 * set to the first leaf index involved (UINT64_MAX when SQLite itself
 * found the damage, or nothing did). Other database statuses as nt_merkle_log_size,
 * NT_ERR_NOMEM. */
NT_API NT_WUR nt_status nt_merkle_log_verify(nt_merkle_log *log, uint64_t *bad_index);

#ifdef __cplusplus
}
#endif
#endif
