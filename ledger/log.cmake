# nt_ledger_log: the Merkle log of published record sets (DESIGN §4).
#   merkle.c         RFC 9162 §2.1 hashes, MTH, PATH and PROOF from a node source
#   merkle_verify.c  inclusion and consistency proof verification, proof bytes
#   merkle_tree.c    an append-only tree of subtree hashes in memory
#   log_store.c      the SQLite file: open, create, schema and structure checks
#   log_append.c     appends: leaves and the subtree hashes they complete
#   log_read.c       sizes, leaves, roots and proofs from stored hashes
#   log_verify.c     full audit of a log file
add_library(nt_ledger_log STATIC
  ${CMAKE_CURRENT_LIST_DIR}/merkle.c
  ${CMAKE_CURRENT_LIST_DIR}/merkle_verify.c
  ${CMAKE_CURRENT_LIST_DIR}/merkle_tree.c
  ${CMAKE_CURRENT_LIST_DIR}/log_store.c
  ${CMAKE_CURRENT_LIST_DIR}/log_append.c
  ${CMAKE_CURRENT_LIST_DIR}/log_read.c
  ${CMAKE_CURRENT_LIST_DIR}/log_verify.c)
target_include_directories(nt_ledger_log PUBLIC ${NT_INCLUDE_DIR} PRIVATE ${NT_SOURCE_DIR})
target_link_libraries(nt_ledger_log PUBLIC nt_crypto nt_core PRIVATE nt_ledger_db nt_lazy_sqlite3)
