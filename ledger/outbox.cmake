# nt_ledger_outbox: the durable outbox (DESIGN §4): transactions of one
# account kept in SQLite (WAL) through signing, sending, mining, reorgs,
# fee bumps and confirmation.
#   outbox_store.c  the SQLite file: open, schema checks, enqueue, reads
#   outbox_step.c   the state machine (nonces, sign, send, receipts, bumps)
#   outbox_rpc.c    the node table over nt_rpc_client
pkg_check_modules(OB_CJSON REQUIRED IMPORTED_TARGET libcjson)
add_library(nt_ledger_outbox STATIC
  ${CMAKE_CURRENT_LIST_DIR}/outbox_store.c
  ${CMAKE_CURRENT_LIST_DIR}/outbox_step.c
  ${CMAKE_CURRENT_LIST_DIR}/outbox_rpc.c)
target_include_directories(nt_ledger_outbox PUBLIC ${NT_INCLUDE_DIR} PRIVATE ${NT_SOURCE_DIR})
target_link_libraries(nt_ledger_outbox PUBLIC nt_ledger nt_crypto nt_core
                      PRIVATE nt_ledger_db nt_lazy_sqlite3 PkgConfig::OB_CJSON)
