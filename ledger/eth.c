/* The eth_* calls the ledger needs (nautilus/ledger.h), over nt_rpc_call,
 * each reading its result with a typed getter (Ethereum execution-apis,
 * "eth" namespace). */
#include <stdio.h>
#include <string.h>

#include "ledger_int.h"
#include "nautilus/codec.h"
#include "nautilus/mem.h"

/* "0x" + hex of data into fresh storage (free with nt_free). */
static char *hex_text(const uint8_t *data, size_t len)
{
    size_t cap;
    char *s;
    if (!nt_size_mul(&cap, len, 2) || !nt_size_add(&cap, cap, 3) || (s = nt_malloc(cap)) == NULL)
        return NULL;
    s[0] = '0';
    s[1] = 'x';
    if (nt_hex_encode(s + 2, cap - 2, data, len) != NT_OK) {
        nt_free(s);
        return NULL;
    }
    return s;
}

/* A block tag or number as we pass it in JSON: lower-case letters, digits
 * and "0x" only, so it cannot break out of its string. */
static bool block_tag_ok(const char *block)
{
    size_t i, n = strlen(block);
    if (n == 0 || n > 24)
        return false;
    for (i = 0; i < n; i++)
        if (!((block[i] >= 'a' && block[i] <= 'z') || (block[i] >= '0' && block[i] <= '9')))
            return false;
    return true;
}

/* A call whose result is a QUANTITY that fits in 64 bits. */
static nt_status call_u64(nt_rpc_client *c, uint64_t *out, const char *method, const char *params)
{
    nt_rpc_reply r;
    nt_status st = nt_rpc_call(c, &r, method, params);
    if (st == NT_OK)
        st = nt_rpc_result_u64(out, &r);
    nt_rpc_reply_cleanup(&r);
    return st;
}

static nt_status call_u256(nt_rpc_client *c, nt_u256 *out, const char *method, const char *params)
{
    nt_rpc_reply r;
    nt_status st = nt_rpc_call(c, &r, method, params);
    if (st == NT_OK)
        st = nt_rpc_result_u256(out, &r);
    nt_rpc_reply_cleanup(&r);
    return st;
}

nt_status nt_eth_chain_id(nt_rpc_client *c, uint64_t *out)
{
    return call_u64(c, out, "eth_chainId", NULL);
}

nt_status nt_eth_expect_chain_id(nt_rpc_client *c, uint64_t expected)
{
    uint64_t id;
    nt_status st = nt_eth_chain_id(c, &id);
    if (st != NT_OK)
        return st;
    return id == expected ? NT_OK : NT_ERR_TX_CHAIN_ID;
}

nt_status nt_eth_block_number(nt_rpc_client *c, uint64_t *out)
{
    return call_u64(c, out, "eth_blockNumber", NULL);
}

nt_status nt_eth_get_transaction_count(nt_rpc_client *c, uint64_t *out, const uint8_t address[20],
                                       const char *block)
{
    char params[96], hex[41];
    if (!block_tag_ok(block) || nt_hex_encode(hex, sizeof hex, address, 20) != NT_OK)
        return NT_ERR_INVALID_ARG;
    snprintf(params, sizeof params, "[\"0x%s\",\"%s\"]", hex, block);
    return call_u64(c, out, "eth_getTransactionCount", params);
}

nt_status nt_eth_gas_price(nt_rpc_client *c, nt_u256 *out)
{
    return call_u256(c, out, "eth_gasPrice", NULL);
}

nt_status nt_eth_max_priority_fee(nt_rpc_client *c, nt_u256 *out)
{
    return call_u256(c, out, "eth_maxPriorityFeePerGas", NULL);
}

/* ---- eth_call and eth_estimateGas --------------------------------------- */

static bool add_hex(cJSON *obj, const char *name, const uint8_t *data, size_t len)
{
    char *h = hex_text(data, len);
    bool ok = h != NULL && cJSON_AddStringToObject(obj, name, h) != NULL;
    nt_free(h);
    return ok;
}

/* params = [msg] or [msg, block] as JSON text (free with cJSON_free). */
static nt_status call_params(char **out, const nt_eth_call_msg *m, const char *block)
{
    char q[67];
    cJSON *arr = cJSON_CreateArray(), *obj = cJSON_CreateObject();
    bool ok = arr != NULL && obj != NULL && cJSON_AddItemToArray(arr, obj);
    if (!ok)
        cJSON_Delete(obj);
    ok = ok && (!m->has_from || add_hex(obj, "from", m->from, 20)) &&
         (!m->has_to || add_hex(obj, "to", m->to, 20)) &&
         (m->data_len == 0 || add_hex(obj, "data", m->data, m->data_len));
    if (ok && !nt_u256_is_zero(&m->value))
        ok = nt_u256_to_quantity(q, sizeof q, &m->value) == NT_OK &&
             cJSON_AddStringToObject(obj, "value", q) != NULL;
    if (ok && block != NULL)
        ok = cJSON_AddItemToArray(arr, cJSON_CreateString(block));
    *out = ok ? cJSON_PrintUnformatted(arr) : NULL;
    cJSON_Delete(arr);
    return *out != NULL ? NT_OK : NT_ERR_NOMEM;
}

nt_status nt_eth_estimate_gas(nt_rpc_client *c, uint64_t *out, const nt_eth_call_msg *msg)
{
    char *params;
    nt_status st;
    if (msg->data_len > NT_TX_MAX_DATA || (msg->data == NULL && msg->data_len > 0))
        return NT_ERR_INVALID_ARG;
    if ((st = call_params(&params, msg, NULL)) != NT_OK)
        return st;
    st = call_u64(c, out, "eth_estimateGas", params);
    cJSON_free(params);
    return st;
}

nt_status nt_eth_call(nt_rpc_client *c, nt_dynbuf *out, const nt_eth_call_msg *msg,
                      const char *block)
{
    nt_rpc_reply r;
    char *params;
    nt_status st;
    if (msg->data_len > NT_TX_MAX_DATA || (msg->data == NULL && msg->data_len > 0) ||
        !block_tag_ok(block))
        return NT_ERR_INVALID_ARG;
    if ((st = call_params(&params, msg, block)) != NT_OK)
        return st;
    st = nt_rpc_call(c, &r, "eth_call", params);
    cJSON_free(params);
    if (st == NT_OK)
        st = nt_rpc_result_data(out, &r);
    nt_rpc_reply_cleanup(&r);
    return st;
}

/* ---- transactions and receipts --------------------------------------------- */

nt_status nt_eth_send_raw_transaction(nt_rpc_client *c, uint8_t hash[32], const uint8_t *raw,
                                      size_t len)
{
    nt_rpc_reply r;
    uint8_t want[32];
    char *hex, *params;
    size_t plen;
    nt_status st;
    if (len == 0 || len > NT_TX_MAX_RAW)
        return NT_ERR_INVALID_ARG;
    if ((hex = hex_text(raw, len)) == NULL)
        return NT_ERR_NOMEM;
    plen = strlen(hex) + 5;
    if ((params = nt_malloc(plen)) == NULL) {
        nt_free(hex);
        return NT_ERR_NOMEM;
    }
    snprintf(params, plen, "[\"%s\"]", hex);
    nt_free(hex);
    st = nt_rpc_call(c, &r, "eth_sendRawTransaction", params);
    nt_free(params);
    if (st == NT_OK)
        st = nt_rpc_result_hash(hash, &r);
    nt_rpc_reply_cleanup(&r);
    nt_keccak256(want, raw, len);
    if (st == NT_OK && memcmp(want, hash, 32) != 0)
        return NT_ERR_RPC_HASH_MISMATCH;
    return st;
}

nt_status nt_eth_get_transaction_receipt(nt_rpc_client *c, nt_eth_receipt *out, bool *found,
                                         const uint8_t hash[32])
{
    nt_rpc_reply r;
    char params[72], hex[65];
    nt_status st;
    memset(out, 0, sizeof *out);
    *found = false;
    if (nt_hex_encode(hex, sizeof hex, hash, 32) != NT_OK)
        return NT_ERR_INVALID_ARG;
    snprintf(params, sizeof params, "[\"0x%s\"]", hex);
    st = nt_rpc_call(c, &r, "eth_getTransactionReceipt", params);
    if (st == NT_OK)
        st = nt_eth_receipt_parse(out, found, &r, NT_ETH_RECEIPT_MAX_LOGS);
    nt_rpc_reply_cleanup(&r);
    if (st != NT_OK)
        nt_eth_receipt_cleanup(out);
    return st;
}

nt_status nt_eth_wait_receipt(nt_rpc_client *c, nt_eth_receipt *out, const uint8_t hash[32],
                              uint32_t confirmations, uint32_t poll_ms, uint32_t timeout_ms)
{
    const nt_ledger_env *env = &nt_rpc_client_config(c)->env;
    uint64_t deadline = env->now_ms(env->ctx) + timeout_ms, head;
    bool found;
    nt_status st;
    for (;;) {
        st = nt_eth_get_transaction_receipt(c, out, &found, hash);
        if (st != NT_OK)
            return st;
        if (found && confirmations <= 1)
            return NT_OK;
        if (found) {
            st = nt_eth_block_number(c, &head);
            if (st == NT_OK && head >= out->block_number &&
                head - out->block_number + 1 >= confirmations) {
                /* Re-read: the receipt that counts is the one on the chain now. */
                nt_eth_receipt_cleanup(out);
                st = nt_eth_get_transaction_receipt(c, out, &found, hash);
                if (st != NT_OK || found)
                    return st;
            }
            nt_eth_receipt_cleanup(out);
            if (st != NT_OK)
                return st;
        }
        if (env->now_ms(env->ctx) >= deadline)
            return NT_ERR_TIMEOUT;
        env->sleep_ms(env->ctx, poll_ms);
    }
}
