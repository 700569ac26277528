/* What the ledger's SQLite files share (ledger_db.h). */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ledger_db.h"

#include "core/lazy.h"

nt_status nt_ledger_db_status(const nt_ledger_db_codes *c, int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
        return NT_OK;
    case SQLITE_NOMEM:
        return NT_ERR_NOMEM;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return c->busy;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return c->corrupt;
    case SQLITE_FULL:
        return c->full;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
        return NT_ERR_IO;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
        return NT_ERR_PERM;
    default:
        return c->other;
    }
}

nt_status nt_ledger_db_step(const nt_ledger_db_codes *c, sqlite3_stmt *st, bool *row)
{
    int rc = sqlite3_step(st);

    *row = rc == SQLITE_ROW;
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return NT_OK;
    return nt_ledger_db_status(c, rc);
}

nt_status nt_ledger_db_prepare_file(const char *path, bool may_create)
{
    struct stat st;
    int fd;

    /* Every store opens its file through here: SQLite is loaded now (core/lazy.h). */
    if (nt_lazy_ready(&nt_lazy_sqlite3) != NT_OK)
        return NT_ERR_LIB_LOAD;
    if (lstat(path, &st) != 0) {
        if (errno != ENOENT)
            return errno == EACCES ? NT_ERR_PERM : NT_ERR_IO;
        if (!may_create)
            return NT_ERR_NOT_FOUND;
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
            return errno == EACCES ? NT_ERR_PERM : NT_ERR_IO;
        close(fd);
        return NT_OK;
    }
    if (!S_ISREG(st.st_mode) || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
        return NT_ERR_PERM;
    return NT_OK;
}
