/*
 * Appending to the Merkle log (nautilus/ledger_log.h). One transaction per
 * call: the leaves, then for each leaf the perfect subtrees it completes
 * (RFC 9162 §2.1.1: leaf j closes one subtree per trailing one bit of j),
 * each hashed from its stored left sibling and the new right one. O(log n)
 * reads and writes per leaf; a crash before COMMIT leaves nothing.
 */
#include <string.h>

#include "ledger/log_int.h"
#include "nautilus/buf.h"
#include "nautilus/mem.h"

/* What is checked and hashed before the transaction starts. */
typedef struct prepared {
    uint8_t hash[NT_MERKLE_HASH_LEN];
    size_t owner_len;
    uint16_t rrtype;
} prepared;

nt_status nt_mlog_leaf_owner(size_t *owner_len, uint16_t *rrtype, const uint8_t *data, size_t len)
{
    nt_buf b;
    uint8_t l = 1, c;
    uint16_t type = 0, rclass = 0, rdlen = 0;
    uint32_t ttl = 0;
    size_t i;
    nt_status status = NT_OK;

    nt_buf_init(&b, data, len);
    /* Owner: labels of 1..63 octets, no compression (RFC 4034 §6.2: the
     * canonical form is uncompressed and lower case), at most 255 octets. */
    while (l != 0) {
        if (nt_buf_get_u8(&b, &l) != NT_OK || l > 63 ||
            nt_buf_tell(&b) + l > NT_MERKLE_LOG_OWNER_MAX)
            return NT_ERR_MERKLE_LEAF_FORMAT;
        for (i = 0; i < l; i++)
            if (nt_buf_get_u8(&b, &c) != NT_OK || (c >= 'A' && c <= 'Z'))
                return NT_ERR_MERKLE_LEAF_FORMAT;
    }
    *owner_len = nt_buf_tell(&b);
    if (status == NT_OK)
        status = nt_buf_get_u16(&b, &type);
    if (status == NT_OK)
        status = nt_buf_get_u16(&b, &rclass);
    if (status == NT_OK)
        status = nt_buf_get_u32(&b, &ttl);
    if (status == NT_OK)
        status = nt_buf_get_u16(&b, &rdlen);
    if (status != NT_OK || rdlen > nt_buf_left(&b))
        return NT_ERR_MERKLE_LEAF_FORMAT;
    *rrtype = type;
    return NT_OK;
}

static nt_status prepare_entry(const nt_merkle_log *log, prepared *p, const nt_merkle_log_entry *e)
{
    nt_status status;

    if (e->data == NULL || e->data_len == 0 || e->data_len > log->max_data)
        return NT_ERR_MERKLE_LEAF_SIZE;
    status = nt_mlog_leaf_owner(&p->owner_len, &p->rrtype, e->data, e->data_len);
    if (status != NT_OK)
        return status;
    return nt_merkle_leaf_hash(p->hash, e->data, e->data_len);
}

static nt_status insert_node(nt_merkle_log *log, unsigned level, uint64_t index,
                             const uint8_t hash[NT_MERKLE_HASH_LEN])
{
    sqlite3_stmt *st = log->st[NT_MLOG_ST_NODE_INSERT];
    nt_status status;
    bool row;
    int rc = sqlite3_bind_int(st, 1, (int)level);

    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 2, (sqlite3_int64)index);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_blob(st, 3, hash, NT_MERKLE_HASH_LEN, SQLITE_STATIC);
    status = rc == SQLITE_OK ? nt_mlog_step(st, &row) : nt_mlog_sqlite_status(rc);
    nt_mlog_done(st);
    return status;
}

static nt_status insert_leaf(nt_merkle_log *log, uint64_t index, const prepared *p,
                             const nt_merkle_log_entry *e)
{
    sqlite3_stmt *st = log->st[NT_MLOG_ST_LEAF_INSERT];
    nt_status status;
    bool row;
    int rc = sqlite3_bind_int64(st, 1, (sqlite3_int64)index);

    if (rc == SQLITE_OK)
        rc = sqlite3_bind_blob(st, 2, p->hash, NT_MERKLE_HASH_LEN, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_blob(st, 3, e->data, (int)p->owner_len, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(st, 4, p->rrtype);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 5, e->time);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_blob(st, 6, e->data, (int)e->data_len, SQLITE_STATIC);
    status = rc == SQLITE_OK ? nt_mlog_step(st, &row) : nt_mlog_sqlite_status(rc);
    nt_mlog_done(st);
    return status;
}

/* Leaf index completes the subtrees (L, (index + 1) / 2^L - 1) for each
 * low one bit of index: walk up while the node is a right child. */
static nt_status add_nodes(nt_merkle_log *log, uint64_t index,
                           const uint8_t leaf_hash[NT_MERKLE_HASH_LEN])
{
    uint8_t cur[NT_MERKLE_HASH_LEN], left[NT_MERKLE_HASH_LEN];
    unsigned level = 0;
    nt_status status = NT_OK;

    memcpy(cur, leaf_hash, NT_MERKLE_HASH_LEN);
    while ((index & 1) != 0 && status == NT_OK) {
        status = nt_mlog_node(log, left, level, index - 1);
        if (status != NT_OK)
            break;
        nt_merkle_node_hash(cur, left, cur);
        level++;
        index >>= 1;
        status = insert_node(log, level, index, cur);
    }
    return status;
}

static nt_status append_locked(nt_merkle_log *log, uint64_t *first, const prepared *p,
                               const nt_merkle_log_entry *entries, size_t n)
{
    uint64_t size = 0;
    size_t i;
    nt_status status = nt_mlog_size(log, &size); /* under the write lock: exact */

    if (status != NT_OK)
        return status;
    if (size > log->max_leaves || n > log->max_leaves - size)
        return NT_ERR_MERKLE_FULL;
    for (i = 0; i < n && status == NT_OK; i++) {
        status = insert_leaf(log, size + i, &p[i], &entries[i]);
        if (status == NT_OK)
            status = add_nodes(log, size + i, p[i].hash);
    }
    if (status == NT_OK)
        *first = size;
    return status;
}

nt_status nt_merkle_log_append_batch(nt_merkle_log *log, uint64_t *first,
                                     const nt_merkle_log_entry *entries, size_t n)
{
    prepared *p = NULL;
    uint64_t at = 0;
    size_t i;
    nt_status status = NT_OK;

    if (log == NULL || entries == NULL || n == 0 || n > NT_MERKLE_LOG_BATCH_MAX)
        return NT_ERR_INVALID_ARG;
    p = nt_calloc(n, sizeof *p);
    if (p == NULL)
        return NT_ERR_NOMEM;
    for (i = 0; i < n && status == NT_OK; i++)
        status = prepare_entry(log, &p[i], &entries[i]);
    if (status != NT_OK)
        goto out;
    status = nt_mlog_exec(log, NT_MLOG_ST_BEGIN_WRITE);
    if (status != NT_OK)
        goto out;
    status = append_locked(log, &at, p, entries, n);
    if (status == NT_OK)
        status = nt_mlog_exec(log, NT_MLOG_ST_COMMIT);
    if (status != NT_OK && sqlite3_get_autocommit(log->db) == 0)
        nt_mlog_end(log, NT_MLOG_ST_ROLLBACK); /* the error above is what counts */
    if (status == NT_OK && first != NULL)
        *first = at;
out:
    nt_free(p);
    return status;
}

nt_status nt_merkle_log_append(nt_merkle_log *log, uint64_t *index,
                               const nt_merkle_log_entry *entry)
{
    return nt_merkle_log_append_batch(log, index, entry, 1);
}
