# nt_ledger_db: what the ledger's SQLite files share (ledger_db.h): safe
# state files and SQLite result codes as statuses. Used by nt_ledger_log and
# nt_ledger_outbox.
add_library(nt_ledger_db STATIC ${CMAKE_CURRENT_LIST_DIR}/ledger_db.c)
target_include_directories(nt_ledger_db PUBLIC ${NT_INCLUDE_DIR} PRIVATE ${NT_SOURCE_DIR})
target_link_libraries(nt_ledger_db PUBLIC nt_core nt_lazy_sqlite3)
