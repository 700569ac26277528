# nt_ledger: the chain client (DESIGN §4): 256-bit words, RLP, the contract
# ABI, EIP-155 and EIP-1559 transactions, JSON-RPC 2.0 over libcurl and the
# eth_* calls, chain profiles. Included from ledger/CMakeLists.txt.
pkg_check_modules(CJSON REQUIRED IMPORTED_TARGET libcjson)
add_library(nt_ledger STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/u256.c
  ${CMAKE_CURRENT_SOURCE_DIR}/rlp.c
  ${CMAKE_CURRENT_SOURCE_DIR}/abi.c
  ${CMAKE_CURRENT_SOURCE_DIR}/tx.c
  ${CMAKE_CURRENT_SOURCE_DIR}/rpc_parse.c
  ${CMAKE_CURRENT_SOURCE_DIR}/rpc_result.c
  ${CMAKE_CURRENT_SOURCE_DIR}/rpc.c
  ${CMAKE_CURRENT_SOURCE_DIR}/eth.c
  ${CMAKE_CURRENT_SOURCE_DIR}/eth_logs.c
  ${CMAKE_CURRENT_SOURCE_DIR}/profile.c
  ${CMAKE_CURRENT_SOURCE_DIR}/env.c)
target_include_directories(nt_ledger PUBLIC ${NT_INCLUDE_DIR})
target_link_libraries(nt_ledger PUBLIC nt_crypto nt_core PRIVATE nt_lazy_curl PkgConfig::CJSON)
