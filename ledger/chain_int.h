/* Private to nt_ledger_chain: a view call at one block, shared by the
 * reads (chain_read.c) and the writes (chain_send.c). */
#ifndef NT_LEDGER_CHAIN_INT_H
#define NT_LEDGER_CHAIN_INT_H

#include "nautilus/crypto.h"
#include "nautilus/ledger_chain.h"

/* *block NT_CHAIN_LATEST is replaced by the node's head (eth_blockNumber). */
NT_WUR nt_status nt_chain_pin_block(nt_rpc_client *c, uint64_t *block);

/* eth_call of data to `to` at block (a number), its return data appended
 * to ret. Empty return data from an address without code is
 * NT_ERR_CHAIN_NO_CODE. */
NT_WUR nt_status nt_chain_view(nt_rpc_client *c, nt_dynbuf *ret, const uint8_t to[20],
                               const uint8_t *data, size_t len, uint64_t block);

/* A view function without arguments or with one bytes32, called and its
 * return data decoded into out[0..n) as types[0..n). */
NT_WUR nt_status nt_chain_view_decode(nt_rpc_client *c, nt_abi_value *out,
                                      const nt_abi_type *types, size_t n, const uint8_t to[20],
                                      const char *fn, const uint8_t *arg32, uint64_t block);

#endif
