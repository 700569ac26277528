/*
 * The Merkle log's SQLite file (nautilus/ledger_log.h): opening, creating
 * and checking it. Schema version 1:
 *
 *   schema_version(version)               one row: 1
 *   log_info(log_id, hash)                one row: key digest, "sha256-rfc9162"
 *   leaves(idx, hash, owner, rrtype, time, data)
 *                                         idx 0.., hash = SHA-256(0x00 || data)
 *   nodes(level, idx, hash)               every complete perfect subtree of
 *                                         2^level leaves, level >= 1, stored as
 *                                         it completes (RFC 9162 §2.1.1)
 *
 * WAL mode with synchronous=FULL: a committed append survives a crash or a
 * power cut, an uncommitted one vanishes whole. The database header carries
 * an application id so that another program's SQLite file is refused
 * rather than written into.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ledger/ledger_db.h"
#include "ledger/log_int.h"
#include "nautilus/mem.h"

#define BUSY_TIMEOUT_DEFAULT 5000
#define DB_MIN_BYTES (64u * 1024u)

static const char *const schema_sql =
    "CREATE TABLE schema_version (version INTEGER NOT NULL);"
    "INSERT INTO schema_version VALUES (1);"
    "CREATE TABLE log_info (log_id BLOB NOT NULL CHECK (length(log_id) = 32),"
    " hash TEXT NOT NULL);"
    "CREATE TABLE leaves (idx INTEGER PRIMARY KEY CHECK (idx >= 0),"
    " hash BLOB NOT NULL CHECK (length(hash) = 32),"
    " owner BLOB NOT NULL CHECK (length(owner) BETWEEN 1 AND 255),"
    " rrtype INTEGER NOT NULL CHECK (rrtype BETWEEN 0 AND 65535),"
    " time INTEGER NOT NULL, data BLOB NOT NULL);"
    "CREATE INDEX leaves_owner ON leaves (owner, rrtype, idx);"
    "CREATE TABLE nodes (level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 63),"
    " idx INTEGER NOT NULL CHECK (idx >= 0),"
    " hash BLOB NOT NULL CHECK (length(hash) = 32),"
    " PRIMARY KEY (level, idx)) WITHOUT ROWID;"
    "PRAGMA application_id = 1314147660;"; /* NT_MLOG_APPLICATION_ID */

static const char *const stmt_sql[NT_MLOG_ST_COUNT] = {
    [NT_MLOG_ST_SIZE] = "SELECT coalesce(max(idx) + 1, 0) FROM leaves",
    [NT_MLOG_ST_LEAF_HASH] = "SELECT hash FROM leaves WHERE idx = ?1",
    [NT_MLOG_ST_NODE] = "SELECT hash FROM nodes WHERE level = ?1 AND idx = ?2",
    [NT_MLOG_ST_LEAF_INSERT] = "INSERT INTO leaves (idx, hash, owner, rrtype, time, data)"
                               " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [NT_MLOG_ST_NODE_INSERT] = "INSERT INTO nodes (level, idx, hash) VALUES (?1, ?2, ?3)",
    [NT_MLOG_ST_LEAF_GET] = "SELECT hash, owner, rrtype, time, data FROM leaves WHERE idx = ?1",
    [NT_MLOG_ST_FIND_ANY] = "SELECT idx FROM leaves WHERE owner = ?1 AND idx >= ?2"
                            " ORDER BY idx LIMIT ?3",
    [NT_MLOG_ST_FIND_TYPE] = "SELECT idx FROM leaves WHERE owner = ?1 AND rrtype = ?4"
                             " AND idx >= ?2 ORDER BY idx LIMIT ?3",
    [NT_MLOG_ST_BEGIN_WRITE] = "BEGIN IMMEDIATE",
    [NT_MLOG_ST_BEGIN_READ] = "BEGIN",
    [NT_MLOG_ST_COMMIT] = "COMMIT",
    [NT_MLOG_ST_ROLLBACK] = "ROLLBACK",
};

static const nt_ledger_db_codes db_codes = {NT_ERR_MERKLE_DB_BUSY, NT_ERR_MERKLE_DB_CORRUPT,
                                            NT_ERR_MERKLE_FULL, NT_ERR_MERKLE_DB};

nt_status nt_mlog_sqlite_status(int rc) { return nt_ledger_db_status(&db_codes, rc); }

nt_status nt_mlog_step(sqlite3_stmt *st, bool *row) { return nt_ledger_db_step(&db_codes, st, row); }

void nt_mlog_done(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

nt_status nt_mlog_exec(nt_merkle_log *log, enum nt_mlog_stmt which)
{
    bool row;
    nt_status status = nt_mlog_step(log->st[which], &row);

    nt_mlog_done(log->st[which]);
    return status;
}

void nt_mlog_end(nt_merkle_log *log, enum nt_mlog_stmt which)
{
    bool row;

    if (nt_mlog_step(log->st[which], &row) != NT_OK)
        sqlite3_reset(log->st[which]); /* see log_int.h */
    nt_mlog_done(log->st[which]);
}

/* One-off SQL (schema, pragmas), at open only. */
static nt_status exec_sql(sqlite3 *db, const char *sql)
{
    return nt_mlog_sqlite_status(sqlite3_exec(db, sql, NULL, NULL, NULL));
}

/* A query that gives one integer; NT_ERR_MERKLE_DB_CORRUPT for no row. A
 * missing table in a file carrying our id is damage, not a foreign file. */
static nt_status query_int(sqlite3 *db, const char *sql, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    nt_status status;
    bool row = false;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

    if (rc != SQLITE_OK) {
        status = (rc & 0xff) == SQLITE_ERROR ? NT_ERR_MERKLE_DB_CORRUPT : nt_mlog_sqlite_status(rc);
        goto out;
    }
    status = nt_mlog_step(st, &row);
    if (status == NT_OK && (!row || sqlite3_column_type(st, 0) != SQLITE_INTEGER))
        status = NT_ERR_MERKLE_DB_CORRUPT;
    if (status == NT_OK)
        *out = sqlite3_column_int64(st, 0);
out:
    sqlite3_finalize(st);
    return status;
}

/* Inside BEGIN IMMEDIATE, so two processes cannot both create: our id
 * means ours; no id and no tables means an empty file to initialise;
 * anything else belongs to someone else. The first read of a file that is
 * not a database fails here (SQLITE_NOTADB). */
static nt_status classify_and_create(sqlite3 *db, const uint8_t *log_id)
{
    int64_t app = 0, objects = 0;
    nt_status status = exec_sql(db, "BEGIN IMMEDIATE");

    if (status != NT_OK)
        return status;
    status = query_int(db, "PRAGMA application_id", &app);
    if (status == NT_OK)
        status = query_int(db, "SELECT count(*) FROM sqlite_master", &objects);
    if (status != NT_OK || app == NT_MLOG_APPLICATION_ID)
        goto out;
    if (app != 0 || objects != 0) {
        status = NT_ERR_MERKLE_DB_FOREIGN;
        goto out;
    }
    if (log_id == NULL) {
        status = NT_ERR_INVALID_ARG; /* cannot create a log without its id */
        goto out;
    }
    status = exec_sql(db, schema_sql);
    if (status == NT_OK) {
        sqlite3_stmt *st = NULL;
        int rc = sqlite3_prepare_v2(db, "INSERT INTO log_info VALUES (?1, 'sha256-rfc9162')", -1,
                                    &st, NULL);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_blob(st, 1, log_id, NT_MERKLE_HASH_LEN, SQLITE_STATIC);
        if (rc == SQLITE_OK)
            rc = sqlite3_step(st);
        sqlite3_finalize(st);
        status = nt_mlog_sqlite_status(rc);
    }
    if (status == NT_OK)
        return exec_sql(db, "COMMIT");
out:
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return status;
}

/* Schema version, hash name and log id of a file that carries our id. */
static nt_status check_schema(nt_merkle_log *log, const uint8_t *log_id)
{
    sqlite3_stmt *st = NULL;
    int64_t version = 0, rows = 0;
    nt_status status;
    bool row = false;

    status = query_int(log->db, "SELECT count(*) FROM schema_version", &rows);
    if (status == NT_OK && rows != 1)
        status = NT_ERR_MERKLE_DB_CORRUPT;
    if (status == NT_OK)
        status = query_int(log->db, "SELECT version FROM schema_version", &version);
    if (status == NT_OK && version > NT_MLOG_SCHEMA_VERSION)
        return NT_ERR_MERKLE_DB_VERSION;
    if (status == NT_OK && version != NT_MLOG_SCHEMA_VERSION)
        status = NT_ERR_MERKLE_DB_CORRUPT;
    if (status != NT_OK)
        return status;
    /* Only our own tables and index: a trigger or view added to the file
     * could run on our writes. */
    status = query_int(log->db,
                       "SELECT count(*) FROM sqlite_master WHERE name NOT IN ('schema_version',"
                       " 'log_info', 'leaves', 'leaves_owner', 'nodes')"
                       " AND name NOT LIKE 'sqlite_autoindex_%'",
                       &rows);
    if (status == NT_OK && rows != 0)
        return NT_ERR_MERKLE_DB_CORRUPT;
    if (status == NT_OK && sqlite3_prepare_v2(log->db,
                                              "SELECT log_id FROM log_info"
                                              " WHERE hash = 'sha256-rfc9162'",
                                              -1, &st, NULL) != SQLITE_OK)
        status = NT_ERR_MERKLE_DB_CORRUPT;
    if (status == NT_OK)
        status = nt_mlog_step(st, &row);
    if (status == NT_OK && (!row || sqlite3_column_bytes(st, 0) != NT_MERKLE_HASH_LEN))
        status = NT_ERR_MERKLE_DB_CORRUPT;
    if (status == NT_OK) {
        memcpy(log->log_id, sqlite3_column_blob(st, 0), NT_MERKLE_HASH_LEN);
        if (log_id != NULL && memcmp(log->log_id, log_id, NT_MERKLE_HASH_LEN) != 0)
            status = NT_ERR_MERKLE_LOG_ID;
    }
    sqlite3_finalize(st);
    return status;
}

/* WAL, full fsync on commit, and a byte cap. */
static nt_status configure(sqlite3 *db, uint64_t max_db_bytes)
{
    char sql[128];
    int64_t page = 0;
    sqlite3_stmt *st = NULL;
    nt_status status;
    bool row = false;

    status = query_int(db, "PRAGMA page_size", &page);
    if (status != NT_OK || page <= 0)
        return status != NT_OK ? status : NT_ERR_MERKLE_DB_CORRUPT;
    snprintf(sql, sizeof sql, "PRAGMA max_page_count = %llu",
             (unsigned long long)(max_db_bytes / (uint64_t)page));
    status = exec_sql(db, sql);
    if (status == NT_OK)
        status = exec_sql(db, "PRAGMA synchronous = FULL; PRAGMA cell_size_check = ON");
    if (status != NT_OK)
        return status;
    /* journal_mode answers with the mode it ended in: anything but WAL
     * (a file system without shared memory, say) is an error. */
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &st, NULL) != SQLITE_OK)
        return NT_ERR_MERKLE_DB;
    status = nt_mlog_step(st, &row);
    if (status == NT_OK && (!row || sqlite3_column_text(st, 0) == NULL ||
                            strcmp((const char *)sqlite3_column_text(st, 0), "wal") != 0))
        status = NT_ERR_MERKLE_DB;
    sqlite3_finalize(st);
    return status;
}

static nt_status prepare_statements(nt_merkle_log *log)
{
    size_t i;

    for (i = 0; i < NT_MLOG_ST_COUNT; i++) {
        int rc = sqlite3_prepare_v3(log->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                    &log->st[i], NULL);
        if (rc != SQLITE_OK)
            return (rc & 0xff) == SQLITE_ERROR ? NT_ERR_MERKLE_DB_CORRUPT
                                               : nt_mlog_sqlite_status(rc);
    }
    return NT_OK;
}

nt_status nt_mlog_check_structure(nt_merkle_log *log)
{
    sqlite3_stmt *st = NULL;
    int64_t count = 0, nodes = 0, stray = 0;
    uint64_t size = 0;
    bool row = false;
    nt_status status = nt_mlog_size(log, &size);

    if (status == NT_OK)
        status = query_int(log->db, "SELECT count(*) FROM leaves", &count);
    if (status == NT_OK)
        status = query_int(log->db, "SELECT count(*) FROM nodes", &nodes);
    if (status != NT_OK)
        return status;
    /* Unique indexes >= 0 numbering max + 1 are exactly 0..max. Level L
     * holds size >> L subtrees, so levels 1.. hold size - popcount(size);
     * with none outside that set, the count says all are there. */
    if ((uint64_t)count != size ||
        (uint64_t)nodes != size - (uint64_t)__builtin_popcountll(size))
        return NT_ERR_MERKLE_DB_CORRUPT;
    if (sqlite3_prepare_v2(log->db, "SELECT count(*) FROM nodes WHERE idx >= (?1 >> level)", -1,
                           &st, NULL) != SQLITE_OK)
        return NT_ERR_MERKLE_DB;
    status = nt_mlog_sqlite_status(sqlite3_bind_int64(st, 1, (sqlite3_int64)size));
    if (status == NT_OK)
        status = nt_mlog_step(st, &row);
    if (status == NT_OK && row)
        stray = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (status == NT_OK && (!row || stray != 0))
        status = NT_ERR_MERKLE_DB_CORRUPT;
    return status;
}

static nt_status apply_config(nt_merkle_log *log, uint64_t *max_db_bytes, int *busy_ms,
                              const nt_merkle_log_config *cfg)
{
    nt_merkle_log_config c = {0};

    if (cfg != NULL)
        c = *cfg;
    log->max_leaves = c.max_leaves ? c.max_leaves : NT_MERKLE_LOG_MAX_LEAVES_DEFAULT;
    log->max_data = c.max_data ? c.max_data : NT_MERKLE_LOG_DATA_MAX_DEFAULT;
    *max_db_bytes = c.max_db_bytes ? c.max_db_bytes : NT_MERKLE_LOG_DB_MAX_DEFAULT;
    *busy_ms = c.busy_timeout_ms ? c.busy_timeout_ms : BUSY_TIMEOUT_DEFAULT;
    if (log->max_leaves > NT_MERKLE_LOG_MAX_LEAVES_LIMIT ||
        log->max_data > NT_MERKLE_LEAF_DATA_MAX || *max_db_bytes < DB_MIN_BYTES || *busy_ms < 0)
        return NT_ERR_INVALID_ARG;
    return NT_OK;
}

nt_status nt_merkle_log_open(nt_merkle_log **out, const char *path,
                             const uint8_t log_id[NT_MERKLE_HASH_LEN],
                             const nt_merkle_log_config *cfg)
{
    nt_merkle_log *log = NULL;
    uint64_t max_db_bytes = 0;
    int busy_ms = 0, rc;
    nt_status status;

    if (out == NULL || path == NULL || path[0] == '\0')
        return NT_ERR_INVALID_ARG;
    log = nt_calloc(1, sizeof *log);
    if (log == NULL)
        return NT_ERR_NOMEM;
    status = apply_config(log, &max_db_bytes, &busy_ms, cfg);
    if (status == NT_OK)
        status = nt_ledger_db_prepare_file(path, log_id != NULL);
    if (status != NT_OK)
        goto fail;
    rc = sqlite3_open_v2(path, &log->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL);
    if (rc != SQLITE_OK) {
        status = nt_mlog_sqlite_status(rc);
        goto fail;
    }
    /* Before the first read: extended codes, waits for other writers, and
     * defensive mode (no writable_schema tricks, no functions run from the
     * file's own schema). */
    sqlite3_extended_result_codes(log->db, 1);
    sqlite3_busy_timeout(log->db, busy_ms);
    sqlite3_db_config(log->db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    sqlite3_db_config(log->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
    status = classify_and_create(log->db, log_id);
    if (status == NT_OK)
        status = check_schema(log, log_id);
    if (status == NT_OK)
        status = configure(log->db, max_db_bytes);
    if (status == NT_OK)
        status = prepare_statements(log);
    /* One read snapshot for the structure check, as nt_merkle_log_verify
     * takes: its counts read one by one while another process appends
     * could disagree and call a sound file damaged. */
    if (status == NT_OK)
        status = nt_mlog_exec(log, NT_MLOG_ST_BEGIN_READ);
    if (status == NT_OK) {
        status = nt_mlog_check_structure(log);
        nt_mlog_end(log, NT_MLOG_ST_COMMIT);
    }
    if (status == NT_OK) {
        *out = log;
        return NT_OK;
    }
fail:
    nt_merkle_log_close(log);
    return status;
}

void nt_merkle_log_close(nt_merkle_log *log)
{
    size_t i;

    if (log == NULL)
        return;
    for (i = 0; i < NT_MLOG_ST_COUNT; i++)
        sqlite3_finalize(log->st[i]);
    sqlite3_close(log->db); /* NULL is a no-op; every statement is finalized */
    nt_free(log);
}

void nt_merkle_log_id(const nt_merkle_log *log, uint8_t out[NT_MERKLE_HASH_LEN])
{
    memcpy(out, log->log_id, NT_MERKLE_HASH_LEN);
}

nt_status nt_merkle_log_path(char *out, size_t cap, const char *state_dir)
{
    int n;

    if (state_dir == NULL || state_dir[0] == '\0')
        return NT_ERR_INVALID_ARG;
    n = snprintf(out, cap, "%s/%s", state_dir, NT_MERKLE_LOG_FILE);
    if (n < 0 || (size_t)n >= cap)
        return NT_ERR_NOSPACE;
    return NT_OK;
}
