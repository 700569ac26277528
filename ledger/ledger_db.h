/* ledger/ledger_db.h - what the ledger's SQLite files (the Merkle log and
 * the outbox) share: how a state file is made safe to open, and how SQLite
 * result codes become statuses. Each file keeps its own statuses for what
 * is its own (busy, damaged, full, other); the rest are common. Private to
 * ledger/. */
#ifndef NT_LEDGER_DB_H
#define NT_LEDGER_DB_H

#include <stdbool.h>

#include <sqlite3.h>

#include "nautilus/status.h"

/* The statuses a file reports for these SQLite outcomes. */
typedef struct nt_ledger_db_codes {
    nt_status busy;    /* SQLITE_BUSY, SQLITE_LOCKED */
    nt_status corrupt; /* SQLITE_CORRUPT, SQLITE_NOTADB */
    nt_status full;    /* SQLITE_FULL */
    nt_status other;   /* any other failure */
} nt_ledger_db_codes;

/* NT_OK for SQLITE_OK/ROW/DONE; NT_ERR_NOMEM, NT_ERR_IO (I/O, cannot
 * open), NT_ERR_PERM (read-only, permission, authorisation); otherwise
 * the file's own status from c. */
nt_status nt_ledger_db_status(const nt_ledger_db_codes *c, int rc);

/* One sqlite3_step: *row tells whether it gave a row. */
NT_WUR nt_status nt_ledger_db_step(const nt_ledger_db_codes *c, sqlite3_stmt *st, bool *row);

/* Creates path with mode 0600 if it is missing (and may_create, else
 * NT_ERR_NOT_FOUND); an existing one must be a regular file, not a
 * symlink, that group and others cannot write (NT_ERR_PERM). NT_ERR_IO. */
NT_WUR nt_status nt_ledger_db_prepare_file(const char *path, bool may_create);

#endif
