/*
 * Reads of the ledger's contracts at one block (nautilus/ledger_chain.h):
 * Registry.keyOf, nameOfDigest and the deployment pointers,
 * Checkpoints.headOf, and block timestamps. Return data is the node's,
 * decoded by nt_abi_decode (canonical layout, exact length).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ledger/chain_int.h"
#include "ledger/ledger_int.h"
#include "nautilus/codec.h"

#define RET_CAP 4096

nt_status nt_chain_pin_block(nt_rpc_client *c, uint64_t *block)
{
    if (*block != NT_CHAIN_LATEST)
        return NT_OK;
    return nt_eth_block_number(c, block);
}

/* Whether the account at addr has code at block. */
static nt_status has_code(nt_rpc_client *c, bool *out, const uint8_t addr[20], uint64_t block)
{
    char hex[41], params[96];
    nt_rpc_reply r;
    nt_dynbuf code;
    nt_status st;

    memset(&r, 0, sizeof r);
    if ((st = nt_hex_encode(hex, sizeof hex, addr, 20)) != NT_OK)
        return st;
    snprintf(params, sizeof params, "[\"0x%s\",\"0x%" PRIx64 "\"]", hex, block);
    nt_dynbuf_init(&code, NT_TX_MAX_RAW);
    st = nt_rpc_call(c, &r, "eth_getCode", params);
    if (st == NT_OK)
        st = nt_rpc_result_data(&code, &r);
    *out = code.len > 0;
    nt_dynbuf_cleanup(&code);
    nt_rpc_reply_cleanup(&r);
    return st;
}

nt_status nt_chain_view(nt_rpc_client *c, nt_dynbuf *ret, const uint8_t to[20],
                        const uint8_t *data, size_t len, uint64_t block)
{
    char tag[24];
    nt_eth_call_msg msg;
    size_t before = ret->len;
    bool code = true;
    nt_status st;

    memset(&msg, 0, sizeof msg);
    msg.has_to = true;
    memcpy(msg.to, to, 20);
    msg.data = data;
    msg.data_len = len;
    snprintf(tag, sizeof tag, "0x%" PRIx64, block);
    st = nt_eth_call(c, ret, &msg, tag);
    if (st == NT_OK && ret->len == before && (st = has_code(c, &code, to, block)) == NT_OK &&
        !code)
        st = NT_ERR_CHAIN_NO_CODE;
    return st;
}

nt_status nt_chain_view_decode(nt_rpc_client *c, nt_abi_value *out, const nt_abi_type *types,
                               size_t n, const uint8_t to[20], const char *fn,
                               const uint8_t *arg32, uint64_t block)
{
    nt_abi_value arg = {.type = NT_ABI_BYTES32};
    nt_dynbuf data, ret;
    nt_status st;

    nt_dynbuf_init(&data, 256);
    nt_dynbuf_init(&ret, RET_CAP);
    if (arg32 != NULL)
        memcpy(arg.v.bytes32, arg32, 32);
    st = nt_abi_encode_call(&data, fn, &arg, arg32 != NULL ? 1 : 0);
    if (st == NT_OK)
        st = nt_chain_view(c, &ret, to, data.data, data.len, block);
    if (st == NT_OK) /* only static types: nothing borrows from ret */
        st = nt_abi_decode(out, types, n, ret.data, ret.len);
    nt_dynbuf_cleanup(&data);
    nt_dynbuf_cleanup(&ret);
    return st;
}

nt_status nt_chain_key_of(nt_rpc_client *c, nt_chain_binding *out, const uint8_t registry[20],
                          const uint8_t name_hash[32], uint64_t block)
{
    static const nt_abi_type types[] = {NT_ABI_BYTES32, NT_ABI_ADDRESS, NT_ABI_BOOL,
                                        NT_ABI_UINT64};
    static const uint8_t zero[20];
    nt_abi_value v[4];
    nt_status st;

    memset(out, 0, sizeof *out);
    if ((st = nt_chain_pin_block(c, &block)) != NT_OK)
        return st;
    st = nt_chain_view_decode(c, v, types, 4, registry, "keyOf", name_hash, block);
    if (st != NT_OK)
        return st;
    memcpy(out->digest, v[0].v.bytes32, 32);
    memcpy(out->owner, v[1].v.address, 20);
    out->registered = memcmp(out->owner, zero, 20) != 0;
    out->revoked = v[2].v.boolean;
    out->updated_block = v[3].v.uint64;
    out->block = block;
    return NT_OK;
}

nt_status nt_chain_name_of_digest(nt_rpc_client *c, uint8_t name_hash[32],
                                  const uint8_t registry[20], const uint8_t digest[32],
                                  uint64_t block)
{
    static const nt_abi_type types[] = {NT_ABI_BYTES32};
    nt_abi_value v;
    nt_status st;

    if ((st = nt_chain_pin_block(c, &block)) != NT_OK)
        return st;
    st = nt_chain_view_decode(c, &v, types, 1, registry, "nameOfDigest", digest, block);
    if (st == NT_OK)
        memcpy(name_hash, v.v.bytes32, 32);
    return st;
}

/* A view without arguments returning one address. */
static nt_status view_address(nt_rpc_client *c, uint8_t out[20], const uint8_t to[20],
                              const char *fn, uint64_t block)
{
    static const nt_abi_type types[] = {NT_ABI_ADDRESS};
    nt_abi_value v;
    nt_status st = nt_chain_view_decode(c, &v, types, 1, to, fn, NULL, block);

    if (st == NT_OK)
        memcpy(out, v.v.address, 20);
    return st;
}

nt_status nt_chain_contracts_find(nt_rpc_client *c, nt_chain_contracts *out,
                                  const uint8_t registry[20], uint64_t block)
{
    static const nt_abi_type u64[] = {NT_ABI_UINT64};
    static const uint8_t zero[20];
    uint8_t back[20];
    nt_abi_value v;
    nt_status st;

    memset(out, 0, sizeof *out);
    memcpy(out->registry, registry, 20);
    if ((st = nt_chain_pin_block(c, &block)) != NT_OK)
        return st;
    if ((st = view_address(c, out->checkpoints, registry, "checkpoints", block)) != NT_OK ||
        (st = view_address(c, out->credentials, registry, "credentials", block)) != NT_OK ||
        (st = nt_chain_view_decode(c, &v, u64, 1, registry, "deployedBlock", NULL, block)) !=
            NT_OK)
        return st;
    out->deployed_block = v.v.uint64;
    if (memcmp(out->checkpoints, zero, 20) == 0 || memcmp(out->credentials, zero, 20) == 0)
        return NT_ERR_NOT_FOUND;
    /* The registry checked this when the pointer was set; a client that
     * trusts only the registry's address checks it again, cheaply. */
    if ((st = view_address(c, back, out->checkpoints, "registry", block)) != NT_OK)
        return st;
    return memcmp(back, registry, 20) == 0 ? NT_OK : NT_ERR_CHAIN_MISMATCH;
}

nt_status nt_chain_head_of(nt_rpc_client *c, nt_chain_head *out, const uint8_t checkpoints[20],
                           const uint8_t log_id[32], uint64_t block)
{
    static const nt_abi_type types[] = {NT_ABI_UINT64, NT_ABI_BYTES32, NT_ABI_UINT64};
    nt_abi_value v[3];
    nt_status st;

    memset(out, 0, sizeof *out);
    if ((st = nt_chain_pin_block(c, &block)) != NT_OK)
        return st;
    st = nt_chain_view_decode(c, v, types, 3, checkpoints, "headOf", log_id, block);
    if (st != NT_OK)
        return st;
    out->size = v[0].v.uint64;
    memcpy(out->root, v[1].v.bytes32, 32);
    out->updated_block = v[2].v.uint64;
    out->block = block;
    return NT_OK;
}

nt_status nt_chain_block_time(nt_rpc_client *c, uint64_t *time_s, uint8_t hash[32],
                              uint64_t number)
{
    char params[48];
    nt_rpc_reply r;
    bool null = false;
    nt_status st;

    memset(&r, 0, sizeof r);
    snprintf(params, sizeof params, "[\"0x%" PRIx64 "\",false]", number);
    st = nt_rpc_call(c, &r, "eth_getBlockByNumber", params);
    if (st == NT_OK)
        st = nt_rpc_result_is_null(&null, &r);
    if (st == NT_OK && null)
        st = NT_ERR_NOT_FOUND;
    if (st == NT_OK)
        st = nt_json_u64(time_s, nt_json_member(r.result, "timestamp"));
    if (st == NT_OK)
        st = nt_json_fixed(hash, 32, nt_json_member(r.result, "hash"));
    nt_rpc_reply_cleanup(&r);
    return st;
}
