/*
 * The outbox's SQLite file (nautilus/ledger_outbox.h): opening, creating,
 * checking, enqueueing and reading. Schema version 2:
 *
 *   schema_version(version)          one row: 2
 *   account(addr, chain_id, next_nonce, reorgs, bumps)
 *                                    one row: whose outbox this is, the next
 *                                    nonce to give out, counters
 *   txs(id, state, dest, data, gas_limit, nonce, signed_at, sent_at,
 *       mined_hash, block_number, block_hash, rstatus, reason)
 *                                    one row per enqueued call (dest 20
 *                                    bytes) or contract creation (dest
 *                                    empty); nonce is set (unique) when it
 *                                    is first signed
 *
 * Version 1 was the same but for calls only (dest exactly 20 bytes); a
 * version 1 file is migrated on open, in one transaction: txs is rebuilt
 * with the wider check and every row copied.
 *   raws(tx_id, version, hash, raw, fee_max, fee_prio)
 *                                    every signed version, kept for good:
 *                                    any of them mining counts
 *
 * WAL mode with synchronous=FULL, as the Merkle log (log_store.c): a
 * committed signing survives a crash or a power cut, an uncommitted one
 * vanishes whole (and was never sent). The application id in the header
 * keeps us out of another program's SQLite file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ledger/ledger_db.h"
#include "ledger/outbox_int.h"
#include "nautilus/mem.h"

#define BUSY_TIMEOUT_MS 5000

/* The txs table of schema version 2 under a name. */
#define TXS_SQL(name)                                                           \
    "CREATE TABLE " name " (id INTEGER PRIMARY KEY,"                            \
    " state INTEGER NOT NULL CHECK (state BETWEEN 0 AND 4),"                    \
    " dest BLOB NOT NULL CHECK (length(dest) IN (0, 20)), data BLOB NOT NULL,"  \
    " gas_limit INTEGER NOT NULL CHECK (gas_limit > 0),"                        \
    " nonce INTEGER UNIQUE, signed_at INTEGER, sent_at INTEGER,"                \
    " mined_hash BLOB, block_number INTEGER, block_hash BLOB, rstatus INTEGER," \
    " reason TEXT);"

/* Version 1 -> 2: txs rebuilt with the wider check on dest. */
static const char *const migrate_v1_sql =
    TXS_SQL("txs_v2")
    "INSERT INTO txs_v2 SELECT id, state, dest, data, gas_limit, nonce, signed_at,"
    " sent_at, mined_hash, block_number, block_hash, rstatus, reason FROM txs;"
    "DROP TABLE txs;"
    "ALTER TABLE txs_v2 RENAME TO txs;"
    "CREATE INDEX txs_state ON txs (state, id);"
    "UPDATE schema_version SET version = 2;";

static const char *const schema_sql =
    "CREATE TABLE schema_version (version INTEGER NOT NULL);"
    "INSERT INTO schema_version VALUES (2);"
    "CREATE TABLE account (addr BLOB NOT NULL CHECK (length(addr) = 20),"
    " chain_id INTEGER NOT NULL, next_nonce INTEGER NOT NULL CHECK (next_nonce >= 0),"
    " reorgs INTEGER NOT NULL DEFAULT 0, bumps INTEGER NOT NULL DEFAULT 0);"
    TXS_SQL("txs")
    "CREATE INDEX txs_state ON txs (state, id);"
    "CREATE TABLE raws (tx_id INTEGER NOT NULL, version INTEGER NOT NULL,"
    " hash BLOB NOT NULL UNIQUE CHECK (length(hash) = 32), raw BLOB NOT NULL,"
    " fee_max BLOB NOT NULL CHECK (length(fee_max) = 32),"
    " fee_prio BLOB NOT NULL CHECK (length(fee_prio) = 32),"
    " PRIMARY KEY (tx_id, version)) WITHOUT ROWID;"
    "PRAGMA application_id = 1314148162;"; /* NT_OUTBOX_APPLICATION_ID */

const char *nt_outbox_state_name(nt_outbox_state s)
{
    switch (s) {
    case NT_OUTBOX_QUEUED:
        return "queued";
    case NT_OUTBOX_SENT:
        return "sent";
    case NT_OUTBOX_MINED:
        return "mined";
    case NT_OUTBOX_CONFIRMED:
        return "confirmed";
    case NT_OUTBOX_FAILED:
        return "failed";
    }
    return "?";
}

void nt_outbox_config_init(nt_outbox_config *cfg, const nt_chain_profile *profile)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->profile = profile;
    cfg->stuck_after_ms = 30000;
    cfg->rebroadcast_ms = 5000;
    cfg->max_versions = 16;
}

static const nt_ledger_db_codes db_codes = {NT_ERR_OUTBOX_DB_BUSY, NT_ERR_OUTBOX_DB_CORRUPT,
                                            NT_ERR_IO, NT_ERR_OUTBOX_DB};

nt_status nt_outbox_sqlite_status(int rc) { return nt_ledger_db_status(&db_codes, rc); }

nt_status nt_outbox_exec(nt_outbox *ob, const char *sql)
{
    return nt_outbox_sqlite_status(sqlite3_exec(ob->db, sql, NULL, NULL, NULL));
}

void nt_outbox_rollback(nt_outbox *ob)
{
    (void)sqlite3_exec(ob->db, "ROLLBACK", NULL, NULL, NULL);
}

nt_status nt_outbox_prepare(nt_outbox *ob, sqlite3_stmt **st, const char *sql)
{
    int rc = sqlite3_prepare_v2(ob->db, sql, -1, st, NULL);

    if (rc == SQLITE_OK)
        return NT_OK;
    *st = NULL;
    return (rc & 0xff) == SQLITE_ERROR ? NT_ERR_OUTBOX_DB_CORRUPT : nt_outbox_sqlite_status(rc);
}

nt_status nt_outbox_step_row(sqlite3_stmt *st, bool *row)
{
    return nt_ledger_db_step(&db_codes, st, row);
}

nt_status nt_outbox_run_ii(nt_outbox *ob, const char *sql, int64_t a, int64_t b)
{
    sqlite3_stmt *st = NULL;
    bool row;
    nt_status status = nt_outbox_prepare(ob, &st, sql);

    if (status == NT_OK && sqlite3_bind_parameter_count(st) >= 1)
        status = nt_outbox_sqlite_status(sqlite3_bind_int64(st, 1, a));
    if (status == NT_OK && sqlite3_bind_parameter_count(st) >= 2)
        status = nt_outbox_sqlite_status(sqlite3_bind_int64(st, 2, b));
    if (status == NT_OK)
        status = nt_outbox_step_row(st, &row);
    sqlite3_finalize(st);
    return status;
}

/* A query giving one integer; NT_ERR_OUTBOX_DB_CORRUPT for no row. */
static nt_status query_int(nt_outbox *ob, const char *sql, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    bool row = false;
    nt_status status = nt_outbox_prepare(ob, &st, sql);

    if (status == NT_OK)
        status = nt_outbox_step_row(st, &row);
    if (status == NT_OK && (!row || sqlite3_column_type(st, 0) != SQLITE_INTEGER))
        status = NT_ERR_OUTBOX_DB_CORRUPT;
    if (status == NT_OK)
        *out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return status;
}

/* Inside BEGIN IMMEDIATE: our id means ours; no id and no tables means an
 * empty file to initialise for this account; anything else is foreign. */
static nt_status classify_and_create(nt_outbox *ob)
{
    int64_t app = 0, objects = 0;
    sqlite3_stmt *st = NULL;
    bool row;
    nt_status status = nt_outbox_exec(ob, "BEGIN IMMEDIATE");

    if (status != NT_OK)
        return status;
    status = query_int(ob, "PRAGMA application_id", &app);
    if (status == NT_OK)
        status = query_int(ob, "SELECT count(*) FROM sqlite_master", &objects);
    if (status != NT_OK || app == NT_OUTBOX_APPLICATION_ID)
        goto out;
    if (app != 0 || objects != 0) {
        status = NT_ERR_OUTBOX_DB_FOREIGN;
        goto out;
    }
    status = nt_outbox_exec(ob, schema_sql);
    if (status == NT_OK)
        status = nt_outbox_prepare(ob, &st, "INSERT INTO account (addr, chain_id, next_nonce)"
                                            " VALUES (?1, ?2, 0)");
    if (status == NT_OK)
        status = nt_outbox_sqlite_status(sqlite3_bind_blob(st, 1, ob->from, 20, SQLITE_STATIC));
    if (status == NT_OK)
        status = nt_outbox_sqlite_status(sqlite3_bind_int64(st, 2, (int64_t)ob->chain_id));
    if (status == NT_OK)
        status = nt_outbox_step_row(st, &row);
    sqlite3_finalize(st);
    if (status == NT_OK)
        return nt_outbox_exec(ob, "COMMIT");
out:
    nt_outbox_rollback(ob);
    return status;
}

/* A version 1 file becomes version 2, all or nothing. */
static nt_status migrate_v1(nt_outbox *ob)
{
    int64_t version = 0;
    nt_status status = nt_outbox_exec(ob, "BEGIN IMMEDIATE");

    if (status != NT_OK)
        return status;
    /* Another process may have migrated it since we looked. */
    status = query_int(ob, "SELECT version FROM schema_version", &version);
    if (status == NT_OK && version == 1)
        status = nt_outbox_exec(ob, migrate_v1_sql);
    if (status == NT_OK)
        return nt_outbox_exec(ob, "COMMIT");
    nt_outbox_rollback(ob);
    return status;
}

/* Schema version, only our tables, and the account the file is for. */
static nt_status check_schema(nt_outbox *ob)
{
    int64_t version = 0, rows = 0;
    sqlite3_stmt *st = NULL;
    bool row = false;
    nt_status status = query_int(ob, "SELECT count(*) FROM schema_version", &rows);

    if (status == NT_OK && rows != 1)
        status = NT_ERR_OUTBOX_DB_CORRUPT;
    if (status == NT_OK)
        status = query_int(ob, "SELECT version FROM schema_version", &version);
    if (status == NT_OK && version > NT_OUTBOX_SCHEMA_VERSION)
        return NT_ERR_OUTBOX_DB_VERSION;
    if (status == NT_OK && version == 1 && (status = migrate_v1(ob)) == NT_OK)
        version = NT_OUTBOX_SCHEMA_VERSION;
    if (status == NT_OK && version != NT_OUTBOX_SCHEMA_VERSION)
        status = NT_ERR_OUTBOX_DB_CORRUPT;
    /* A trigger or view added to the file could run on our writes. */
    if (status == NT_OK)
        status = query_int(ob,
                           "SELECT count(*) FROM sqlite_master WHERE name NOT IN"
                           " ('schema_version', 'account', 'txs', 'txs_state', 'raws')"
                           " AND name NOT LIKE 'sqlite_autoindex_%'",
                           &rows);
    if (status == NT_OK && rows != 0)
        status = NT_ERR_OUTBOX_DB_CORRUPT;
    if (status == NT_OK)
        status = query_int(ob, "SELECT count(*) FROM account", &rows);
    if (status == NT_OK && rows != 1)
        status = NT_ERR_OUTBOX_DB_CORRUPT;
    if (status == NT_OK)
        status = nt_outbox_prepare(ob, &st, "SELECT addr, chain_id FROM account");
    if (status == NT_OK)
        status = nt_outbox_step_row(st, &row);
    if (status == NT_OK && (!row || sqlite3_column_bytes(st, 0) != 20))
        status = NT_ERR_OUTBOX_DB_CORRUPT;
    if (status == NT_OK && (memcmp(sqlite3_column_blob(st, 0), ob->from, 20) != 0 ||
                            sqlite3_column_int64(st, 1) != (int64_t)ob->chain_id))
        status = NT_ERR_OUTBOX_ACCOUNT;
    sqlite3_finalize(st);
    return status;
}

nt_status nt_outbox_open(nt_outbox **out, const char *path, const uint8_t from[20],
                         uint64_t chain_id, const nt_outbox_config *cfg)
{
    nt_outbox *ob;
    nt_status status;
    int rc;

    *out = NULL;
    if (cfg == NULL || cfg->profile == NULL || chain_id == 0 || chain_id > INT64_MAX)
        return NT_ERR_INVALID_ARG;
    status = nt_ledger_db_prepare_file(path, true);
    if (status != NT_OK)
        return status;
    ob = nt_calloc(1, sizeof(*ob));
    if (ob == NULL)
        return NT_ERR_NOMEM;
    memcpy(ob->from, from, 20);
    ob->chain_id = chain_id;
    ob->cfg = *cfg;
    if (ob->cfg.confirmations == 0)
        ob->cfg.confirmations = cfg->profile->confirmations ? cfg->profile->confirmations : 1;
    rc = sqlite3_open_v2(path, &ob->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL);
    status = nt_outbox_sqlite_status(rc);
    if (status == NT_OK)
        status = nt_outbox_sqlite_status(sqlite3_busy_timeout(ob->db, BUSY_TIMEOUT_MS));
    if (status == NT_OK)
        status = classify_and_create(ob);
    if (status == NT_OK)
        status = nt_outbox_exec(ob, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                                    " PRAGMA trusted_schema=OFF;");
    if (status == NT_OK)
        status = check_schema(ob);
    if (status != NT_OK) {
        nt_outbox_close(ob);
        return status;
    }
    *out = ob;
    return NT_OK;
}

void nt_outbox_close(nt_outbox *ob)
{
    if (ob == NULL)
        return;
    sqlite3_close(ob->db);
    nt_free(ob);
}

nt_status nt_outbox_enqueue(nt_outbox *ob, int64_t *id, const uint8_t to[20],
                            const uint8_t *data, size_t len, uint64_t gas_limit)
{
    sqlite3_stmt *st = NULL;
    bool row;
    nt_status status;

    if (len > NT_TX_MAX_DATA || gas_limit == 0 || gas_limit > INT64_MAX)
        return NT_ERR_INVALID_ARG;
    status = nt_outbox_prepare(ob, &st, "INSERT INTO txs (state, dest, data, gas_limit)"
                                        " VALUES (0, ?1, ?2, ?3)");
    if (status == NT_OK) /* an empty dest: a contract creation */
        status = nt_outbox_sqlite_status(
            sqlite3_bind_blob(st, 1, to ? (const void *)to : "", to ? 20 : 0, SQLITE_STATIC));
    if (status == NT_OK)
        status = nt_outbox_sqlite_status(
            sqlite3_bind_blob(st, 2, len ? (const void *)data : "", (int)len, SQLITE_STATIC));
    if (status == NT_OK)
        status = nt_outbox_sqlite_status(sqlite3_bind_int64(st, 3, (int64_t)gas_limit));
    if (status == NT_OK)
        status = nt_outbox_step_row(st, &row);
    sqlite3_finalize(st);
    if (status == NT_OK && id != NULL)
        *id = sqlite3_last_insert_rowid(ob->db);
    return status;
}

nt_status nt_outbox_status(nt_outbox *ob, nt_outbox_counts *out)
{
    sqlite3_stmt *st = NULL;
    bool row = false;
    int64_t v = 0;
    nt_status status;

    memset(out, 0, sizeof(*out));
    status = nt_outbox_prepare(ob, &st, "SELECT state, count(*) FROM txs GROUP BY state");
    while (status == NT_OK) {
        status = nt_outbox_step_row(st, &row);
        if (status != NT_OK || !row)
            break;
        int64_t s = sqlite3_column_int64(st, 0);
        if (s >= 0 && s < NT_OUTBOX_STATE_COUNT)
            out->n[s] = (uint64_t)sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    if (status == NT_OK)
        status = query_int(ob, "SELECT next_nonce FROM account", &v);
    out->next_nonce = (uint64_t)v;
    if (status == NT_OK)
        status = query_int(ob, "SELECT reorgs FROM account", &v);
    out->reorgs = (uint64_t)v;
    if (status == NT_OK)
        status = query_int(ob, "SELECT bumps FROM account", &v);
    out->bumps = (uint64_t)v;
    if (status == NT_OK)
        status = query_int(ob, "SELECT count(*) FROM raws", &v);
    out->versions = (uint64_t)v;
    return status;
}

static void copy_blob32(uint8_t out[32], sqlite3_stmt *st, int col)
{
    if (sqlite3_column_bytes(st, col) == 32)
        memcpy(out, sqlite3_column_blob(st, col), 32);
    else
        memset(out, 0, 32);
}

nt_status nt_outbox_get(nt_outbox *ob, nt_outbox_tx *out, int64_t id)
{
    sqlite3_stmt *st = NULL;
    bool row = false;
    nt_status status;
    const unsigned char *reason;

    memset(out, 0, sizeof(*out));
    status = nt_outbox_prepare(ob, &st,
                               "SELECT state, nonce, mined_hash, block_number, block_hash, reason,"
                               " (SELECT count(*) FROM raws WHERE tx_id = txs.id)"
                               " FROM txs WHERE id = ?1");
    if (status == NT_OK)
        status = nt_outbox_sqlite_status(sqlite3_bind_int64(st, 1, id));
    if (status == NT_OK)
        status = nt_outbox_step_row(st, &row);
    if (status == NT_OK && !row)
        status = NT_ERR_NOT_FOUND;
    if (status == NT_OK) {
        out->id = id;
        out->state = (nt_outbox_state)sqlite3_column_int(st, 0);
        out->has_nonce = sqlite3_column_type(st, 1) == SQLITE_INTEGER;
        out->nonce = (uint64_t)sqlite3_column_int64(st, 1);
        copy_blob32(out->mined_hash, st, 2);
        out->block_number = (uint64_t)sqlite3_column_int64(st, 3);
        copy_blob32(out->block_hash, st, 4);
        reason = sqlite3_column_text(st, 5);
        if (reason != NULL)
            snprintf(out->reason, sizeof(out->reason), "%s", (const char *)reason);
        out->versions = (uint32_t)sqlite3_column_int(st, 6);
    }
    sqlite3_finalize(st);
    return status;
}

nt_status nt_outbox_raw(nt_outbox *ob, nt_dynbuf *raw, int64_t id, uint32_t version)
{
    sqlite3_stmt *st = NULL;
    bool row = false;
    nt_status status = nt_outbox_prepare(ob, &st, "SELECT raw FROM raws WHERE tx_id = ?1"
                                                  " AND version = ?2");

    if (status == NT_OK)
        status = nt_outbox_sqlite_status(sqlite3_bind_int64(st, 1, id));
    if (status == NT_OK)
        status = nt_outbox_sqlite_status(sqlite3_bind_int64(st, 2, version));
    if (status == NT_OK)
        status = nt_outbox_step_row(st, &row);
    if (status == NT_OK && !row)
        status = NT_ERR_NOT_FOUND;
    if (status == NT_OK)
        status = nt_dynbuf_add(raw, sqlite3_column_blob(st, 0),
                               (size_t)sqlite3_column_bytes(st, 0));
    sqlite3_finalize(st);
    return status;
}
