/* The Merkle log's SQLite store, shared by log_store.c (open, schema),
 * log_append.c and log_read.c. Not part of the public API. */
#ifndef NAUTILUS_LEDGER_LOG_INT_H
#define NAUTILUS_LEDGER_LOG_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "nautilus/ledger_log.h"

/* "NTML" in the database header: tells our file from any other SQLite one. */
#define NT_MLOG_APPLICATION_ID 0x4E544D4C
#define NT_MLOG_SCHEMA_VERSION 1

/* Prepared statements, made once at open. */
enum nt_mlog_stmt {
    NT_MLOG_ST_SIZE,        /* leaves committed */
    NT_MLOG_ST_LEAF_HASH,   /* hash of leaf ?1 */
    NT_MLOG_ST_NODE,        /* hash of subtree (?1 level, ?2 index), level >= 1 */
    NT_MLOG_ST_LEAF_INSERT, /* idx, hash, owner, rrtype, time, data */
    NT_MLOG_ST_NODE_INSERT, /* level, idx, hash */
    NT_MLOG_ST_LEAF_GET,    /* hash, owner, rrtype, time, data of leaf ?1 */
    NT_MLOG_ST_FIND_ANY,    /* idx of owner ?1 from ?2, limit ?3 */
    NT_MLOG_ST_FIND_TYPE,   /* idx of owner ?1 and type ?4 from ?2, limit ?3 */
    NT_MLOG_ST_BEGIN_WRITE, /* BEGIN IMMEDIATE */
    NT_MLOG_ST_BEGIN_READ,  /* BEGIN (a snapshot in WAL mode) */
    NT_MLOG_ST_COMMIT,
    NT_MLOG_ST_ROLLBACK,
    NT_MLOG_ST_COUNT
};

struct nt_merkle_log {
    sqlite3 *db;
    sqlite3_stmt *st[NT_MLOG_ST_COUNT];
    uint8_t log_id[NT_MERKLE_HASH_LEN];
    uint64_t max_leaves;
    size_t max_data;
};

/* A SQLite result code as a status (STYLE rule 13): BUSY/LOCKED ->
 * NT_ERR_MERKLE_DB_BUSY, CORRUPT/NOTADB -> NT_ERR_MERKLE_DB_CORRUPT, FULL ->
 * NT_ERR_MERKLE_FULL, NOMEM, IOERR -> NT_ERR_IO, READONLY/PERM/AUTH ->
 * NT_ERR_PERM, CANTOPEN -> NT_ERR_IO, anything else NT_ERR_MERKLE_DB. */
nt_status nt_mlog_sqlite_status(int rc);

/* Runs one statement with no result rows (reset afterwards). */
NT_WUR nt_status nt_mlog_exec(nt_merkle_log *log, enum nt_mlog_stmt which);

/* Ends a transaction whose outcome the caller already knows (ROLLBACK
 * after an error, COMMIT of a read snapshot): a failure here changes
 * nothing the caller could act on, so it is not returned. */
void nt_mlog_end(nt_merkle_log *log, enum nt_mlog_stmt which);

/* Steps st once: *row tells whether a row came. Statuses as
 * nt_mlog_sqlite_status. */
NT_WUR nt_status nt_mlog_step(sqlite3_stmt *st, bool *row);

/* Ends a statement's use: reset and bindings cleared. */
void nt_mlog_done(sqlite3_stmt *st);

/* Committed leaves, read inside or outside a transaction. */
NT_WUR nt_status nt_mlog_size(nt_merkle_log *log, uint64_t *size);

/* The stored hash of subtree (level, index); level 0 reads the leaf.
 * NT_ERR_MERKLE_DB_CORRUPT if it is missing or not 32 bytes. */
NT_WUR nt_status nt_mlog_node(nt_merkle_log *log, uint8_t out[NT_MERKLE_HASH_LEN], unsigned level,
                              uint64_t index);

/* Checks that leaf data starts like a canonical RR (RFC 4034 §6.2): an
 * uncompressed owner name without upper-case ASCII, then type, class, TTL
 * and an RDLENGTH that fits. Gives the owner's length and the type.
 * NT_ERR_MERKLE_LEAF_FORMAT otherwise. */
NT_WUR nt_status nt_mlog_leaf_owner(size_t *owner_len, uint16_t *rrtype, const uint8_t *data,
                                    size_t len);

/* Leaves 0..size-1 present exactly, with exactly the subtree hashes they
 * complete (count checks, no hashing). NT_ERR_MERKLE_DB_CORRUPT if not. */
NT_WUR nt_status nt_mlog_check_structure(nt_merkle_log *log);

#endif
