# nt_ledger_chain: the ledger's contracts as operations (DESIGN §4,
# include/nautilus/ledger_chain.h), on top of the chain client and the
# outbox. Included from ledger/CMakeLists.txt.
#   chain_name.c    the Registry's name hash, call data, custom error names
#   chain_read.c    keyOf, nameOfDigest, the deployment's pointers, headOf,
#                   block times, at one block
#   chain_events.c  Checkpointed and Registered/Rotated/Revoked from eth_getLogs
#   chain_send.c    deploy; register/rotate/revoke/checkpoint through the outbox
pkg_check_modules(CH_CJSON REQUIRED IMPORTED_TARGET libcjson)
add_library(nt_ledger_chain STATIC
  ${CMAKE_CURRENT_LIST_DIR}/chain_name.c
  ${CMAKE_CURRENT_LIST_DIR}/chain_read.c
  ${CMAKE_CURRENT_LIST_DIR}/chain_events.c
  ${CMAKE_CURRENT_LIST_DIR}/chain_send.c)
target_include_directories(nt_ledger_chain PUBLIC ${NT_INCLUDE_DIR} PRIVATE ${NT_SOURCE_DIR})
target_link_libraries(nt_ledger_chain PUBLIC nt_ledger_outbox nt_ledger nt_crypto nt_core
                      PRIVATE PkgConfig::CH_CJSON)
