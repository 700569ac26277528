/*
 * Private to nt_ledger_outbox: the handle and the SQLite helpers shared by
 * outbox_store.c (the file) and outbox_step.c (the state machine).
 */
#ifndef NT_LEDGER_OUTBOX_INT_H
#define NT_LEDGER_OUTBOX_INT_H

#include <sqlite3.h>

#include "nautilus/ledger_outbox.h"

#define NT_OUTBOX_SCHEMA_VERSION 2
/* "NTOB" in the database header: a file without it is not ours. */
#define NT_OUTBOX_APPLICATION_ID 1314148162

struct nt_outbox {
    sqlite3 *db;
    uint8_t from[20];
    uint64_t chain_id;
    nt_outbox_config cfg;
    bool reconciled; /* the next nonce was checked against the node since open */
};

/* SQLite result code -> status. */
nt_status nt_outbox_sqlite_status(int rc);
/* One-off SQL (BEGIN, COMMIT, ...). */
NT_WUR nt_status nt_outbox_exec(nt_outbox *ob, const char *sql);
/* ROLLBACK, ignoring its result (after a failure). */
void nt_outbox_rollback(nt_outbox *ob);
/* Prepares sql; NT_ERR_OUTBOX_DB_CORRUPT when it does not compile (a
 * table missing from a file with our id). */
NT_WUR nt_status nt_outbox_prepare(nt_outbox *ob, sqlite3_stmt **st, const char *sql);
/* Steps st: *row tells whether a row came. */
NT_WUR nt_status nt_outbox_step_row(sqlite3_stmt *st, bool *row);
/* Runs a statement with up to two integer parameters (?1, ?2) and no rows. */
NT_WUR nt_status nt_outbox_run_ii(nt_outbox *ob, const char *sql, int64_t a, int64_t b);

#endif
