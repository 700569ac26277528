# nt_ledger_log: the Merkle log of published record sets (DESIGN §4).
#   merkle.c         RFC 9162 §2.1 hashes, MTH, PATH and PROOF from a node source
#   merkle_verify.c  inclusion and consistency proof verification, proof bytes
#   merkle_tree.c    an append-only tree of subtree hashes in memory
add_library(nt_ledger_log STATIC
  ${CMAKE_CURRENT_LIST_DIR}/merkle.c
  ${CMAKE_CURRENT_LIST_DIR}/merkle_verify.c
  ${CMAKE_CURRENT_LIST_DIR}/merkle_tree.c)
target_include_directories(nt_ledger_log PUBLIC ${NT_INCLUDE_DIR} PRIVATE ${NT_SOURCE_DIR})
target_link_libraries(nt_ledger_log PUBLIC nt_crypto nt_core)
