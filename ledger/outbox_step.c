/*
 * The outbox's state machine (nautilus/ledger_outbox.h): nonces, signing,
 * sending, receipts, reorgs, confirmations and fee bumps.
 *
 * The order of writes is what makes it durable: a version is signed and
 * stored (raw bytes, hash, nonce, next nonce) in one SQLite transaction
 * before it is ever sent, so whatever the node saw is on disk; and a state
 * only moves forward on what the node says about those stored hashes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ledger/outbox_int.h"
#include "nautilus/log.h"

typedef struct ob_tx {
    int64_t id;
    uint8_t dest[20];
    nt_dynbuf data;
    uint64_t gas_limit;
    uint64_t nonce;
    int64_t versions;
    int64_t signed_at;
    bool has_sent_at;
    int64_t sent_at;
    nt_u256 fee_max;  /* of the latest version (max fee or gas price) */
    nt_u256 fee_prio; /* of the latest version */
} ob_tx;

/* Failures that mean the node could not be reached or did not answer
 * sensibly: stop this pass, change nothing, try again on the next one. */
static bool is_outage(nt_status s)
{
    switch (s) {
    case NT_ERR_RPC_CONNECT:
    case NT_ERR_RPC_TIMEOUT:
    case NT_ERR_RPC_TLS:
    case NT_ERR_RPC_TRANSPORT:
    case NT_ERR_RPC_HTTP_STATUS:
    case NT_ERR_RPC_REDIRECT:
    case NT_ERR_RPC_BODY_TOO_LARGE:
    case NT_ERR_RPC_JSON:
    case NT_ERR_RPC_ENVELOPE:
    case NT_ERR_RPC_ID:
    case NT_ERR_RPC_RESULT_TYPE:
        return true;
    default:
        return false;
    }
}

static nt_status bind_blob(sqlite3_stmt *st, int i, const void *p, size_t n)
{
    return nt_outbox_sqlite_status(sqlite3_bind_blob(st, i, n ? p : "", (int)n, SQLITE_TRANSIENT));
}

static nt_status bind_i64(sqlite3_stmt *st, int i, int64_t v)
{
    return nt_outbox_sqlite_status(sqlite3_bind_int64(st, i, v));
}

/* The first transaction in `state` with an id above `after`. */
static nt_status next_id(nt_outbox *ob, int64_t *id, bool *found, nt_outbox_state state,
                         int64_t after)
{
    sqlite3_stmt *st = NULL;
    nt_status status = nt_outbox_prepare(ob, &st, "SELECT id FROM txs WHERE state = ?1"
                                                  " AND id > ?2 ORDER BY id LIMIT 1");

    if (status == NT_OK)
        status = bind_i64(st, 1, (int64_t)state);
    if (status == NT_OK)
        status = bind_i64(st, 2, after);
    if (status == NT_OK)
        status = nt_outbox_step_row(st, found);
    if (status == NT_OK && *found)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return status;
}

static void ob_tx_cleanup(ob_tx *t)
{
    nt_dynbuf_cleanup(&t->data);
}

/* Reads a transaction and its latest version's fees. */
static nt_status ob_tx_load(nt_outbox *ob, ob_tx *t, int64_t id)
{
    sqlite3_stmt *st = NULL;
    bool row = false;
    nt_status status;

    memset(t, 0, sizeof(*t));
    nt_dynbuf_init(&t->data, NT_TX_MAX_DATA);
    t->id = id;
    status = nt_outbox_prepare(
        ob, &st,
        "SELECT dest, data, gas_limit, nonce, signed_at, sent_at,"
        " (SELECT count(*) FROM raws WHERE tx_id = txs.id),"
        " (SELECT fee_max FROM raws WHERE tx_id = txs.id ORDER BY version DESC LIMIT 1),"
        " (SELECT fee_prio FROM raws WHERE tx_id = txs.id ORDER BY version DESC LIMIT 1)"
        " FROM txs WHERE id = ?1");
    if (status == NT_OK)
        status = bind_i64(st, 1, id);
    if (status == NT_OK)
        status = nt_outbox_step_row(st, &row);
    if (status == NT_OK && (!row || sqlite3_column_bytes(st, 0) != 20))
        status = NT_ERR_OUTBOX_DB_CORRUPT;
    if (status == NT_OK)
        status = nt_dynbuf_add(&t->data, sqlite3_column_blob(st, 1),
                               (size_t)sqlite3_column_bytes(st, 1));
    if (status == NT_OK) {
        memcpy(t->dest, sqlite3_column_blob(st, 0), 20);
        t->gas_limit = (uint64_t)sqlite3_column_int64(st, 2);
        t->nonce = (uint64_t)sqlite3_column_int64(st, 3);
        t->signed_at = sqlite3_column_int64(st, 4);
        t->has_sent_at = sqlite3_column_type(st, 5) == SQLITE_INTEGER;
        t->sent_at = sqlite3_column_int64(st, 5);
        t->versions = sqlite3_column_int64(st, 6);
        if (sqlite3_column_bytes(st, 7) == 32 && sqlite3_column_bytes(st, 8) == 32) {
            memcpy(t->fee_max.be, sqlite3_column_blob(st, 7), 32);
            memcpy(t->fee_prio.be, sqlite3_column_blob(st, 8), 32);
        } else if (t->versions > 0) {
            status = NT_ERR_OUTBOX_DB_CORRUPT;
        }
    }
    sqlite3_finalize(st);
    return status;
}

/* On the first pass after open: the next nonce is at least what the node
 * counts ("pending" covers what another sender of this account has in the
 * pool). A stored value above the node's stays: those nonces are ours,
 * signed and stored, and will be broadcast again. */
static nt_status reconcile(nt_outbox *ob, const nt_outbox_rpc *rpc)
{
    uint64_t latest = 0, pending = 0;
    nt_status status = rpc->tx_count(rpc->ctx, &latest, ob->from, "latest");

    if (status == NT_OK)
        status = rpc->tx_count(rpc->ctx, &pending, ob->from, "pending");
    if (status != NT_OK)
        return status;
    if (pending < latest)
        pending = latest;
    if (pending > INT64_MAX)
        return NT_ERR_RANGE;
    return nt_outbox_run_ii(ob, "UPDATE account SET next_nonce = max(next_nonce, ?1)",
                            (int64_t)pending, 0);
}

/* Signs tx and stores it as version `version` of t, all in the open write
 * transaction. */
static nt_status store_version(nt_outbox *ob, const nt_tx_signer *signer, const ob_tx *t,
                               const nt_tx *tx, int64_t version)
{
    nt_dynbuf raw;
    uint8_t hash[32];
    sqlite3_stmt *st = NULL;
    bool row;
    const nt_u256 *fmax = tx->type == NT_TX_LEGACY ? &tx->gas_price : &tx->max_fee_per_gas;
    nt_status status;

    nt_dynbuf_init(&raw, NT_TX_MAX_RAW);
    status = nt_tx_sign(signer, &raw, NULL, hash, tx);
    if (status == NT_OK)
        status = nt_outbox_prepare(ob, &st, "INSERT INTO raws (tx_id, version, hash, raw,"
                                            " fee_max, fee_prio) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (status == NT_OK)
        status = bind_i64(st, 1, t->id);
    if (status == NT_OK)
        status = bind_i64(st, 2, version);
    if (status == NT_OK)
        status = bind_blob(st, 3, hash, 32);
    if (status == NT_OK)
        status = bind_blob(st, 4, raw.data, raw.len);
    if (status == NT_OK)
        status = bind_blob(st, 5, fmax->be, 32);
    if (status == NT_OK)
        status = bind_blob(st, 6, tx->max_priority_fee_per_gas.be, 32);
    if (status == NT_OK)
        status = nt_outbox_step_row(st, &row);
    sqlite3_finalize(st);
    nt_dynbuf_cleanup(&raw);
    if (status == NT_OK)
        status = nt_outbox_run_ii(ob, "UPDATE txs SET state = 1, sent_at = NULL, reason = NULL"
                                      " WHERE id = ?1",
                                  t->id, 0);
    return status;
}

/* The tx of t at nonce, fees from the node for the profile. */
static nt_status build_tx(nt_outbox *ob, const nt_outbox_rpc *rpc, nt_tx *tx, const ob_tx *t)
{
    nt_tx_init(tx, ob->cfg.profile->tx_type, ob->chain_id);
    tx->gas_limit = t->gas_limit;
    tx->has_to = true;
    memcpy(tx->to, t->dest, 20);
    tx->data = t->data.data;
    tx->data_len = t->data.len;
    return rpc->fill_fees(rpc->ctx, tx, ob->cfg.profile);
}

static nt_status set_signed(nt_outbox *ob, int64_t id, uint64_t nonce, uint64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    bool row;
    nt_status status = nt_outbox_prepare(ob, &st, "UPDATE txs SET nonce = ?2, signed_at = ?3"
                                                  " WHERE id = ?1");

    if (status == NT_OK)
        status = bind_i64(st, 1, id);
    if (status == NT_OK)
        status = bind_i64(st, 2, (int64_t)nonce);
    if (status == NT_OK)
        status = bind_i64(st, 3, (int64_t)now_ms);
    if (status == NT_OK)
        status = nt_outbox_step_row(st, &row);
    sqlite3_finalize(st);
    return status;
}

/* Sends the latest stored version of id. A JSON-RPC error answer ("already
 * known", "nonce too low" when a version of ours is mined, underpriced, ...)
 * is kept as the reason and the transaction stays sent: only a receipt of
 * one of its hashes moves it on. An outage is returned. */
static nt_status broadcast(nt_outbox *ob, const nt_outbox_rpc *rpc, int64_t id, uint64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    bool row = false;
    char msg[96] = "";
    nt_status status, sent;

    status = nt_outbox_prepare(ob, &st, "SELECT raw FROM raws WHERE tx_id = ?1"
                                        " ORDER BY version DESC LIMIT 1");
    if (status == NT_OK)
        status = bind_i64(st, 1, id);
    if (status == NT_OK)
        status = nt_outbox_step_row(st, &row);
    if (status == NT_OK && !row)
        status = NT_ERR_OUTBOX_DB_CORRUPT;
    if (status != NT_OK) {
        sqlite3_finalize(st);
        return status;
    }
    sent = rpc->send_raw(rpc->ctx, msg, sizeof(msg), sqlite3_column_blob(st, 0),
                         (size_t)sqlite3_column_bytes(st, 0));
    sqlite3_finalize(st);
    if (is_outage(sent))
        return sent;
    status = nt_outbox_prepare(ob, &st, "UPDATE txs SET sent_at = ?2, reason = ?3 WHERE id = ?1");
    if (status == NT_OK)
        status = bind_i64(st, 1, id);
    if (status == NT_OK)
        status = bind_i64(st, 2, (int64_t)now_ms);
    if (status == NT_OK && sent != NT_OK) {
        char reason[128];
        snprintf(reason, sizeof(reason), "send: %s: %s", nt_status_name(sent), msg);
        status = nt_outbox_sqlite_status(sqlite3_bind_text(st, 3, reason, -1, SQLITE_TRANSIENT));
    }
    if (status == NT_OK)
        status = nt_outbox_step_row(st, &row);
    sqlite3_finalize(st);
    return status;
}

/* A queued transaction: the next nonce, signed and stored, then sent. */
static nt_status send_new(nt_outbox *ob, const nt_outbox_rpc *rpc, const nt_tx_signer *signer,
                          int64_t id, uint64_t now_ms)
{
    ob_tx t;
    nt_tx tx;
    int64_t nonce = 0;
    sqlite3_stmt *st = NULL;
    bool row = false;
    nt_status status = ob_tx_load(ob, &t, id);

    if (status == NT_OK)
        status = build_tx(ob, rpc, &tx, &t);
    if (status != NT_OK)
        goto out;
    status = nt_outbox_exec(ob, "BEGIN IMMEDIATE");
    if (status != NT_OK)
        goto out;
    status = nt_outbox_prepare(ob, &st, "SELECT next_nonce FROM account");
    if (status == NT_OK)
        status = nt_outbox_step_row(st, &row);
    if (status == NT_OK && !row)
        status = NT_ERR_OUTBOX_DB_CORRUPT;
    if (status == NT_OK)
        nonce = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    tx.nonce = (uint64_t)nonce;
    if (status == NT_OK)
        status = store_version(ob, signer, &t, &tx, 0);
    if (status == NT_OK)
        status = set_signed(ob, id, tx.nonce, now_ms);
    if (status == NT_OK)
        status = nt_outbox_run_ii(ob, "UPDATE account SET next_nonce = ?1", nonce + 1, 0);
    if (status == NT_OK)
        status = nt_outbox_exec(ob, "COMMIT");
    if (status != NT_OK) {
        nt_outbox_rollback(ob);
        goto out;
    }
    status = broadcast(ob, rpc, id, now_ms);
out:
    ob_tx_cleanup(&t);
    return status;
}

/* ceil(v * 9 / 8): 12.5 % more, rounded up. */
static nt_status bump_fee(nt_u256 *out, const nt_u256 *v)
{
    nt_u256 t;
    nt_status status = nt_u256_mul_u64(&t, v, 9);

    if (status != NT_OK)
        return status;
    if (nt_u256_div_u32(out, &t, 8) != 0) {
        nt_u256 one;
        nt_u256_from_u64(&one, 1);
        return nt_u256_add(out, out, &one);
    }
    return NT_OK;
}

static void u256_max(nt_u256 *a, const nt_u256 *b)
{
    if (nt_u256_cmp(a, b) < 0)
        *a = *b;
}

/* A stuck transaction: the same nonce signed again with each fee at least
 * 12.5 % above the latest version's (and at least what the node asks now),
 * stored as a new version, then sent. */
static nt_status bump(nt_outbox *ob, const nt_outbox_rpc *rpc, const nt_tx_signer *signer,
                      ob_tx *t, uint64_t now_ms)
{
    nt_tx tx;
    nt_u256 fmax, fprio;
    nt_status status = build_tx(ob, rpc, &tx, t);

    tx.nonce = t->nonce;
    if (status == NT_OK)
        status = bump_fee(&fmax, &t->fee_max);
    if (status == NT_OK)
        status = bump_fee(&fprio, &t->fee_prio);
    if (status != NT_OK)
        return status;
    if (tx.type == NT_TX_LEGACY) {
        u256_max(&tx.gas_price, &fmax);
    } else {
        u256_max(&tx.max_fee_per_gas, &fmax);
        u256_max(&tx.max_priority_fee_per_gas, &fprio);
        u256_max(&tx.max_fee_per_gas, &tx.max_priority_fee_per_gas);
    }
    status = nt_outbox_exec(ob, "BEGIN IMMEDIATE");
    if (status != NT_OK)
        return status;
    status = store_version(ob, signer, t, &tx, t->versions);
    if (status == NT_OK)
        status = set_signed(ob, t->id, t->nonce, now_ms);
    if (status == NT_OK)
        status = nt_outbox_exec(ob, "UPDATE account SET bumps = bumps + 1");
    if (status == NT_OK)
        status = nt_outbox_exec(ob, "COMMIT");
    if (status != NT_OK) {
        nt_outbox_rollback(ob);
        return status;
    }
    return broadcast(ob, rpc, t->id, now_ms);
}

static nt_status set_mined(nt_outbox *ob, int64_t id, const uint8_t hash[32],
                           const nt_outbox_receipt *rc)
{
    sqlite3_stmt *st = NULL;
    bool row;
    nt_status status = nt_outbox_prepare(ob, &st,
                                         "UPDATE txs SET state = 2, mined_hash = ?2,"
                                         " block_number = ?3, block_hash = ?4, rstatus = ?5"
                                         " WHERE id = ?1");

    if (status == NT_OK)
        status = bind_i64(st, 1, id);
    if (status == NT_OK)
        status = bind_blob(st, 2, hash, 32);
    if (status == NT_OK)
        status = bind_i64(st, 3, rc->block_number > INT64_MAX ? -1 : (int64_t)rc->block_number);
    if (status == NT_OK)
        status = bind_blob(st, 4, rc->block_hash, 32);
    if (status == NT_OK)
        status = bind_i64(st, 5, rc->status);
    if (status == NT_OK)
        status = nt_outbox_step_row(st, &row);
    sqlite3_finalize(st);
    return status;
}

/* A receipt counts only when its block is the canonical block at its
 * height: a node's receipt index may lag behind a reorganisation. */
static nt_status on_canonical(const nt_outbox_rpc *rpc, bool *ok, const nt_outbox_receipt *rc)
{
    uint8_t canon[32];
    bool found = false;
    nt_status status = rpc->block_hash(rpc->ctx, canon, &found, rc->block_number);

    *ok = status == NT_OK && found && memcmp(canon, rc->block_hash, 32) == 0;
    return status;
}

/* Is any stored version of id mined? (newest first: the likeliest). */
static nt_status find_receipt(nt_outbox *ob, const nt_outbox_rpc *rpc, int64_t id, bool *found)
{
    sqlite3_stmt *st = NULL;
    bool row = false;
    nt_outbox_receipt rc;
    uint8_t hash[32];
    nt_status status = nt_outbox_prepare(ob, &st, "SELECT hash FROM raws WHERE tx_id = ?1"
                                                  " ORDER BY version DESC");

    *found = false;
    if (status == NT_OK)
        status = bind_i64(st, 1, id);
    while (status == NT_OK && !*found) {
        status = nt_outbox_step_row(st, &row);
        if (status != NT_OK || !row)
            break;
        if (sqlite3_column_bytes(st, 0) != 32) {
            status = NT_ERR_OUTBOX_DB_CORRUPT;
            break;
        }
        memcpy(hash, sqlite3_column_blob(st, 0), 32);
        status = rpc->receipt(rpc->ctx, &rc, found, hash);
        if (status == NT_OK && *found)
            status = on_canonical(rpc, found, &rc);
    }
    sqlite3_finalize(st);
    if (status == NT_OK && *found)
        status = set_mined(ob, id, hash, &rc);
    return status;
}

static nt_status set_final(nt_outbox *ob, int64_t id, nt_outbox_state state,
                           const char *reason);

/* A sent transaction: mined (any version)? taken (nonce used by another
 * transaction, settled)? stuck (bump)? due again? */
static nt_status check_sent(nt_outbox *ob, const nt_outbox_rpc *rpc, const nt_tx_signer *signer,
                            int64_t id, uint64_t now_ms, uint64_t settled)
{
    ob_tx t;
    bool found = false;
    nt_status status = find_receipt(ob, rpc, id, &found);
    int64_t now = (int64_t)now_ms;

    if (status != NT_OK || found)
        return status;
    status = ob_tx_load(ob, &t, id);
    if (status != NT_OK)
        goto out;
    /* The account's nonce count, as of a block with the configured number
     * of confirmations, is past ours and no version of ours has a receipt:
     * another transaction of the account took the nonce for good. */
    if (t.nonce < settled)
        status = set_final(ob, id, NT_OUTBOX_FAILED, "nonce-taken");
    else if (!ob->cfg.profile->free_gas && t.versions < (int64_t)ob->cfg.max_versions &&
        now - t.signed_at >= (int64_t)ob->cfg.stuck_after_ms)
        status = bump(ob, rpc, signer, &t, now_ms);
    else if (!t.has_sent_at || now - t.sent_at >= (int64_t)ob->cfg.rebroadcast_ms)
        status = broadcast(ob, rpc, id, now_ms);
out:
    ob_tx_cleanup(&t);
    return status;
}

/* Its block left the canonical chain or its receipt is gone: back to sent,
 * to be broadcast again from the stored bytes at once. */
static nt_status back_to_sent(nt_outbox *ob, int64_t id)
{
    nt_status status = nt_outbox_exec(ob, "BEGIN IMMEDIATE");

    if (status != NT_OK)
        return status;
    status = nt_outbox_run_ii(ob, "UPDATE txs SET state = 1, sent_at = NULL, mined_hash = NULL,"
                                  " block_number = NULL, block_hash = NULL, rstatus = NULL"
                                  " WHERE id = ?1",
                              id, 0);
    if (status == NT_OK)
        status = nt_outbox_exec(ob, "UPDATE account SET reorgs = reorgs + 1");
    if (status == NT_OK)
        status = nt_outbox_exec(ob, "COMMIT");
    if (status != NT_OK)
        nt_outbox_rollback(ob);
    return status;
}

static nt_status set_final(nt_outbox *ob, int64_t id, nt_outbox_state state, const char *reason)
{
    sqlite3_stmt *st = NULL;
    bool row;
    nt_status status = nt_outbox_prepare(ob, &st, "UPDATE txs SET state = ?2, reason = ?3"
                                                  " WHERE id = ?1");

    if (status == NT_OK)
        status = bind_i64(st, 1, id);
    if (status == NT_OK)
        status = bind_i64(st, 2, (int64_t)state);
    if (status == NT_OK)
        status = nt_outbox_sqlite_status(
            reason ? sqlite3_bind_text(st, 3, reason, -1, SQLITE_TRANSIENT) : SQLITE_OK);
    if (status == NT_OK)
        status = nt_outbox_step_row(st, &row);
    sqlite3_finalize(st);
    return status;
}

/* A revert, confirmed: failed with the error's selector as the reason, or
 * done when it is the configured "already done" error. */
static nt_status finish_revert(nt_outbox *ob, const nt_outbox_rpc *rpc, int64_t id,
                               uint64_t block)
{
    char reason[64] = "reverted";
    nt_dynbuf data;
    ob_tx t;
    bool done = false;
    nt_status status = NT_OK;

    nt_dynbuf_init(&data, 4096);
    memset(&t, 0, sizeof(t));
    if (rpc->revert_data != NULL) {
        status = ob_tx_load(ob, &t, id);
        if (status == NT_OK) {
            status = rpc->revert_data(rpc->ctx, &data, ob->from, t.dest, t.data.data,
                                      t.data.len, block);
            if (status != NT_OK && !is_outage(status)) {
                nt_dynbuf_reset(&data); /* the node would not replay it: no selector */
                status = NT_OK;
            }
        }
        if (status == NT_OK && data.len >= 4) {
            snprintf(reason, sizeof(reason), "reverted: 0x%02x%02x%02x%02x", data.data[0],
                     data.data[1], data.data[2], data.data[3]);
            done = ob->cfg.has_done_selector && memcmp(data.data, ob->cfg.done_selector, 4) == 0;
        }
        ob_tx_cleanup(&t);
    }
    if (status == NT_OK)
        status = set_final(ob, id, done ? NT_OUTBOX_CONFIRMED : NT_OUTBOX_FAILED, reason);
    nt_dynbuf_cleanup(&data);
    return status;
}

/* A final transaction (confirmed, or failed with a receipt) whose nonce the
 * node no longer counts as used is not on the chain any more: the node lost
 * its state (restarted from an older snapshot) or the chain was reorganised
 * deeper than the confirmations. Nonces are used in order, so the account's
 * "latest" transaction count is the test. Each such transaction goes back
 * to sent and is broadcast again from its stored bytes (its nonce is free
 * again, and so are the ones after it); counted with the reorgs. A node
 * that answers a stale count makes a confirmed transaction be re-checked
 * and confirmed again, nothing worse. Failed ones without a receipt
 * (nonce-taken) never were on chain and stay failed. */
static nt_status check_rollback(nt_outbox *ob, const nt_outbox_rpc *rpc)
{
    uint64_t latest = 0;
    int64_t id = 0;
    bool found = true;
    nt_status status = rpc->tx_count(rpc->ctx, &latest, ob->from, "latest");

    if (status != NT_OK)
        return status;
    if (latest > INT64_MAX)
        return NT_ERR_RANGE;
    while (status == NT_OK && found) {
        sqlite3_stmt *st = NULL;
        status = nt_outbox_prepare(ob, &st, "SELECT id FROM txs WHERE state IN (3, 4)"
                                            " AND mined_hash IS NOT NULL AND nonce >= ?1"
                                            " ORDER BY nonce LIMIT 1");
        if (status == NT_OK)
            status = bind_i64(st, 1, (int64_t)latest);
        if (status == NT_OK)
            status = nt_outbox_step_row(st, &found);
        if (status == NT_OK && found)
            id = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        if (status == NT_OK && found) {
            nt_log(NT_LOG_WARN, "outbox",
                   "transaction %" PRId64 " was final but the node counts %" PRIu64
                   " transactions of the account: not on chain any more, sending it again",
                   id, latest);
            status = back_to_sent(ob, id);
        }
    }
    return status;
}

/* A mined transaction: still in the canonical chain (receipt there, its
 * block hash the one at its height)? enough confirmations? */
static nt_status check_mined(nt_outbox *ob, const nt_outbox_rpc *rpc, int64_t id, uint64_t head)
{
    sqlite3_stmt *st = NULL;
    bool row = false, found = false;
    uint8_t hash[32];
    nt_outbox_receipt rc;
    nt_status status = nt_outbox_prepare(ob, &st, "SELECT mined_hash FROM txs WHERE id = ?1");

    if (status == NT_OK)
        status = bind_i64(st, 1, id);
    if (status == NT_OK)
        status = nt_outbox_step_row(st, &row);
    if (status == NT_OK && (!row || sqlite3_column_bytes(st, 0) != 32))
        status = NT_ERR_OUTBOX_DB_CORRUPT;
    if (status == NT_OK)
        memcpy(hash, sqlite3_column_blob(st, 0), 32);
    sqlite3_finalize(st);
    if (status == NT_OK)
        status = rpc->receipt(rpc->ctx, &rc, &found, hash);
    if (status != NT_OK)
        return status;
    if (!found)
        return back_to_sent(ob, id);
    status = on_canonical(rpc, &found, &rc);
    if (status != NT_OK)
        return status;
    if (!found)
        return back_to_sent(ob, id);
    status = set_mined(ob, id, hash, &rc); /* re-included elsewhere: the new block */
    if (status != NT_OK || head < rc.block_number ||
        head - rc.block_number + 1 < ob->cfg.confirmations)
        return status;
    if (rc.status == 1)
        return set_final(ob, id, NT_OUTBOX_CONFIRMED, NULL);
    return finish_revert(ob, rpc, id, rc.block_number);
}

nt_status nt_outbox_step(nt_outbox *ob, const nt_outbox_rpc *rpc, const nt_tx_signer *signer,
                         uint64_t now_ms)
{
    uint64_t head = 0, settled = 0;
    int64_t id = 0;
    bool found = true;
    nt_status status = NT_OK;

    if (signer->chain_id != ob->chain_id)
        return NT_ERR_TX_CHAIN_ID;
    if (now_ms > INT64_MAX)
        return NT_ERR_INVALID_ARG;
    if (!ob->reconciled) {
        status = reconcile(ob, rpc);
        if (status != NT_OK)
            return status;
        ob->reconciled = true;
    }
    status = check_rollback(ob, rpc);
    if (status == NT_OK)
        status = rpc->block_number(rpc->ctx, &head);
    if (status == NT_OK && head + 1 >= ob->cfg.confirmations) {
        char block[24];
        snprintf(block, sizeof(block), "0x%" PRIx64, head + 1 - ob->cfg.confirmations);
        status = rpc->tx_count(rpc->ctx, &settled, ob->from, block);
    }
    for (id = 0, found = true; status == NT_OK && found;) {
        status = next_id(ob, &id, &found, NT_OUTBOX_MINED, id);
        if (status == NT_OK && found)
            status = check_mined(ob, rpc, id, head);
    }
    for (id = 0, found = true; status == NT_OK && found;) {
        status = next_id(ob, &id, &found, NT_OUTBOX_SENT, id);
        if (status == NT_OK && found)
            status = check_sent(ob, rpc, signer, id, now_ms, settled);
    }
    for (id = 0, found = true; status == NT_OK && found;) {
        status = next_id(ob, &id, &found, NT_OUTBOX_QUEUED, id);
        if (status == NT_OK && found)
            status = send_new(ob, rpc, signer, id, now_ms);
    }
    return status;
}
