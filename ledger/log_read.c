/*
 * Reading the Merkle log (nautilus/ledger_log.h): sizes, leaves, roots and
 * proofs from the stored subtree hashes. The log is append-only, so a hash
 * once committed never changes: reads of a prefix need no transaction,
 * even while another connection appends.
 */
#include <string.h>

#include "ledger/log_int.h"
#include "nautilus/mem.h"

nt_status nt_mlog_size(nt_merkle_log *log, uint64_t *size)
{
    sqlite3_stmt *st = log->st[NT_MLOG_ST_SIZE];
    bool row = false;
    nt_status status = nt_mlog_step(st, &row);

    if (status == NT_OK && (!row || sqlite3_column_int64(st, 0) < 0))
        status = NT_ERR_MERKLE_DB_CORRUPT;
    if (status == NT_OK)
        *size = (uint64_t)sqlite3_column_int64(st, 0);
    nt_mlog_done(st);
    return status;
}

nt_status nt_mlog_node(nt_merkle_log *log, uint8_t out[NT_MERKLE_HASH_LEN], unsigned level,
                       uint64_t index)
{
    sqlite3_stmt *st = log->st[level == 0 ? NT_MLOG_ST_LEAF_HASH : NT_MLOG_ST_NODE];
    bool row = false;
    int rc;
    nt_status status;

    if (level == 0) {
        rc = sqlite3_bind_int64(st, 1, (sqlite3_int64)index);
    } else {
        rc = sqlite3_bind_int(st, 1, (int)level);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_int64(st, 2, (sqlite3_int64)index);
    }
    status = rc == SQLITE_OK ? nt_mlog_step(st, &row) : nt_mlog_sqlite_status(rc);
    /* The callers ask only for subtrees inside the committed size. */
    if (status == NT_OK && (!row || sqlite3_column_bytes(st, 0) != NT_MERKLE_HASH_LEN))
        status = NT_ERR_MERKLE_DB_CORRUPT;
    if (status == NT_OK)
        memcpy(out, sqlite3_column_blob(st, 0), NT_MERKLE_HASH_LEN);
    nt_mlog_done(st);
    return status;
}

static nt_status source_node(void *ctx, uint8_t out[NT_MERKLE_HASH_LEN], unsigned level,
                             uint64_t index)
{
    if (level > 63 || index > (uint64_t)INT64_MAX)
        return NT_ERR_MERKLE_RANGE;
    return nt_mlog_node(ctx, out, level, index);
}

void nt_merkle_log_source(nt_merkle_source *src, nt_merkle_log *log)
{
    src->node = source_node;
    src->leaf = NULL;
    src->ctx = log;
}

nt_status nt_merkle_log_size(nt_merkle_log *log, uint64_t *size)
{
    if (log == NULL || size == NULL)
        return NT_ERR_INVALID_ARG;
    return nt_mlog_size(log, size);
}

/* NT_ERR_MERKLE_RANGE unless size <= the committed size. */
static nt_status check_size(nt_merkle_log *log, uint64_t size)
{
    uint64_t have = 0;
    nt_status status = nt_mlog_size(log, &have);

    if (status == NT_OK && size > have)
        status = NT_ERR_MERKLE_RANGE;
    return status;
}

nt_status nt_merkle_log_root(nt_merkle_log *log, uint8_t out[NT_MERKLE_HASH_LEN], uint64_t size)
{
    nt_merkle_source src;
    nt_status status = check_size(log, size);

    if (status != NT_OK)
        return status;
    nt_merkle_log_source(&src, log);
    return nt_merkle_root(out, &src, size);
}

nt_status nt_merkle_log_leaf_hash(nt_merkle_log *log, uint8_t out[NT_MERKLE_HASH_LEN],
                                  uint64_t index)
{
    nt_status status;

    if (index >= NT_MERKLE_LOG_MAX_LEAVES_LIMIT)
        return NT_ERR_MERKLE_RANGE;
    status = check_size(log, index + 1);
    if (status != NT_OK)
        return status;
    return nt_mlog_node(log, out, 0, index);
}

nt_status nt_merkle_log_inclusion_proof(nt_merkle_log *log, nt_merkle_proof *proof,
                                        uint64_t index, uint64_t size)
{
    nt_merkle_source src;
    nt_status status = check_size(log, size);

    if (status != NT_OK)
        return status;
    nt_merkle_log_source(&src, log);
    return nt_merkle_inclusion_proof(proof, &src, index, size);
}

nt_status nt_merkle_log_consistency_proof(nt_merkle_log *log, nt_merkle_proof *proof,
                                          uint64_t old_size, uint64_t size)
{
    nt_merkle_source src;
    nt_status status = check_size(log, size);

    if (status != NT_OK)
        return status;
    nt_merkle_log_source(&src, log);
    return nt_merkle_consistency_proof(proof, &src, old_size, size);
}

/* Copies the row of NT_MLOG_ST_LEAF_GET into *out, checking every column's
 * shape: the file is ours, but it sits on a disk others may touch. */
static nt_status leaf_from_row(nt_merkle_log_leaf *out, sqlite3_stmt *st)
{
    int hash_len = sqlite3_column_bytes(st, 0), owner_len = sqlite3_column_bytes(st, 1);
    int data_len = sqlite3_column_bytes(st, 4);
    sqlite3_int64 type = sqlite3_column_int64(st, 2);

    if (hash_len != NT_MERKLE_HASH_LEN || owner_len < 1 || owner_len > NT_MERKLE_LOG_OWNER_MAX ||
        type < 0 || type > 65535 || data_len < 1 || (size_t)data_len > NT_MERKLE_LEAF_DATA_MAX)
        return NT_ERR_MERKLE_DB_CORRUPT;
    out->data = nt_malloc((size_t)data_len);
    if (out->data == NULL)
        return NT_ERR_NOMEM;
    memcpy(out->hash, sqlite3_column_blob(st, 0), NT_MERKLE_HASH_LEN);
    memcpy(out->owner, sqlite3_column_blob(st, 1), (size_t)owner_len);
    out->owner_len = (size_t)owner_len;
    out->rrtype = (uint16_t)type;
    out->time = sqlite3_column_int64(st, 3);
    memcpy(out->data, sqlite3_column_blob(st, 4), (size_t)data_len);
    out->data_len = (size_t)data_len;
    return NT_OK;
}

nt_status nt_merkle_log_leaf_get(nt_merkle_log *log, nt_merkle_log_leaf *out, uint64_t index)
{
    sqlite3_stmt *st;
    bool row = false;
    nt_status status;

    if (log == NULL || out == NULL)
        return NT_ERR_INVALID_ARG;
    memset(out, 0, sizeof *out);
    if (index >= NT_MERKLE_LOG_MAX_LEAVES_LIMIT)
        return NT_ERR_MERKLE_RANGE;
    st = log->st[NT_MLOG_ST_LEAF_GET];
    status = nt_mlog_sqlite_status(sqlite3_bind_int64(st, 1, (sqlite3_int64)index));
    if (status == NT_OK)
        status = nt_mlog_step(st, &row);
    if (status == NT_OK && !row)
        status = NT_ERR_MERKLE_RANGE;
    if (status == NT_OK)
        status = leaf_from_row(out, st);
    nt_mlog_done(st);
    if (status != NT_OK)
        nt_merkle_log_leaf_cleanup(out);
    else
        out->index = index;
    return status;
}

void nt_merkle_log_leaf_cleanup(nt_merkle_log_leaf *leaf)
{
    nt_free(leaf->data);
    memset(leaf, 0, sizeof *leaf);
}

nt_status nt_merkle_log_find(nt_merkle_log *log, uint64_t *idx, size_t cap, size_t *n,
                             const uint8_t *owner, size_t owner_len, uint16_t rrtype,
                             uint64_t from)
{
    sqlite3_stmt *st;
    bool row = true;
    int rc;
    nt_status status = NT_OK;

    if (log == NULL || idx == NULL || n == NULL || owner == NULL || owner_len == 0 ||
        owner_len > NT_MERKLE_LOG_OWNER_MAX || cap == 0 || cap > NT_MERKLE_LOG_FIND_MAX)
        return NT_ERR_INVALID_ARG;
    *n = 0;
    if (from >= NT_MERKLE_LOG_MAX_LEAVES_LIMIT)
        return NT_OK;
    st = log->st[rrtype == 0 ? NT_MLOG_ST_FIND_ANY : NT_MLOG_ST_FIND_TYPE];
    rc = sqlite3_bind_blob(st, 1, owner, (int)owner_len, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 2, (sqlite3_int64)from);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 3, (sqlite3_int64)cap);
    if (rc == SQLITE_OK && rrtype != 0)
        rc = sqlite3_bind_int(st, 4, rrtype);
    status = nt_mlog_sqlite_status(rc);
    while (status == NT_OK && *n < cap) {
        status = nt_mlog_step(st, &row);
        if (status != NT_OK || !row)
            break;
        idx[(*n)++] = (uint64_t)sqlite3_column_int64(st, 0);
    }
    nt_mlog_done(st);
    if (status != NT_OK)
        *n = 0;
    return status;
}
