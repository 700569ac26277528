/*
 * Full audit of a Merkle log file (nt_merkle_log_verify): SQLite's own
 * page checks, then every leaf re-hashed from its stored record set and
 * every stored subtree hash recomputed, in one read snapshot. O(n): the
 * everyday paths (open, append, proofs) trust the stored hashes and only
 * count rows.
 */
#include <string.h>

#include "ledger/log_int.h"

static nt_status quick_check(nt_merkle_log *log)
{
    sqlite3_stmt *st = NULL;
    const unsigned char *text;
    bool row = false;
    nt_status status;
    int rc = sqlite3_prepare_v2(log->db, "PRAGMA quick_check(1)", -1, &st, NULL);

    if (rc != SQLITE_OK)
        return nt_mlog_sqlite_status(rc);
    status = nt_mlog_step(st, &row);
    if (status == NT_OK) {
        text = row ? sqlite3_column_text(st, 0) : NULL;
        if (text == NULL || strcmp((const char *)text, "ok") != 0)
            status = NT_ERR_MERKLE_DB_CORRUPT;
    }
    sqlite3_finalize(st);
    return status;
}

/* One leaf row against what its data says, then the subtrees it closes
 * against the hashes a frontier of left siblings gives (RFC 9162 §2.1.1). */
static nt_status check_leaf(nt_merkle_log *log, uint8_t frontier[64][NT_MERKLE_HASH_LEN],
                            sqlite3_stmt *st, uint64_t j)
{
    uint8_t cur[NT_MERKLE_HASH_LEN], stored[NT_MERKLE_HASH_LEN];
    const uint8_t *data = sqlite3_column_blob(st, 4);
    int data_len = sqlite3_column_bytes(st, 4), owner_len = sqlite3_column_bytes(st, 2);
    size_t want_owner = 0;
    uint16_t want_type = 0;
    unsigned level = 0;
    uint64_t i = j;
    nt_status status;

    if (sqlite3_column_int64(st, 0) != (sqlite3_int64)j || data_len < 1 ||
        sqlite3_column_bytes(st, 1) != NT_MERKLE_HASH_LEN)
        return NT_ERR_MERKLE_DB_CORRUPT;
    status = nt_merkle_leaf_hash(cur, data, (size_t)data_len);
    if (status == NT_ERR_MERKLE_LEAF_SIZE)
        return NT_ERR_MERKLE_DB_CORRUPT;
    if (status != NT_OK)
        return status;
    if (memcmp(cur, sqlite3_column_blob(st, 1), NT_MERKLE_HASH_LEN) != 0 ||
        nt_mlog_leaf_owner(&want_owner, &want_type, data, (size_t)data_len) != NT_OK ||
        (size_t)owner_len != want_owner ||
        memcmp(sqlite3_column_blob(st, 2), data, want_owner) != 0 ||
        sqlite3_column_int64(st, 3) != want_type)
        return NT_ERR_MERKLE_DB_CORRUPT;
    while ((i & 1) != 0) {
        nt_merkle_node_hash(cur, frontier[level], cur);
        level++;
        i >>= 1;
        status = nt_mlog_node(log, stored, level, i);
        if (status != NT_OK)
            return status;
        if (memcmp(cur, stored, NT_MERKLE_HASH_LEN) != 0)
            return NT_ERR_MERKLE_DB_CORRUPT;
    }
    memcpy(frontier[level], cur, NT_MERKLE_HASH_LEN);
    return NT_OK;
}

static nt_status check_all_leaves(nt_merkle_log *log, uint64_t *bad_index)
{
    uint8_t frontier[64][NT_MERKLE_HASH_LEN];
    sqlite3_stmt *st = NULL;
    uint64_t j = 0;
    bool row = true;
    nt_status status;
    int rc = sqlite3_prepare_v2(log->db,
                                "SELECT idx, hash, owner, rrtype, data FROM leaves ORDER BY idx",
                                -1, &st, NULL);

    if (rc != SQLITE_OK)
        return nt_mlog_sqlite_status(rc);
    for (;; j++) {
        status = nt_mlog_step(st, &row);
        if (status != NT_OK || !row)
            break;
        status = check_leaf(log, frontier, st, j);
        if (status != NT_OK) {
            *bad_index = j;
            break;
        }
    }
    sqlite3_finalize(st);
    return status;
}

nt_status nt_merkle_log_verify(nt_merkle_log *log, uint64_t *bad_index)
{
    uint64_t bad = UINT64_MAX;
    nt_status status;

    if (log == NULL)
        return NT_ERR_INVALID_ARG;
    status = quick_check(log);
    if (status == NT_OK)
        status = nt_mlog_exec(log, NT_MLOG_ST_BEGIN_READ);
    if (status == NT_OK) {
        status = nt_mlog_check_structure(log);
        if (status == NT_OK)
            status = check_all_leaves(log, &bad);
        nt_mlog_end(log, NT_MLOG_ST_COMMIT); /* ends the read snapshot */
    }
    if (bad_index != NULL)
        *bad_index = bad;
    return status;
}
