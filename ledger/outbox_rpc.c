/*
 * The outbox's node table for a real node (nt_outbox_rpc_from_client): the
 * eth_* helpers of nt_ledger, plus the three calls the outbox needs the
 * answer of in more detail (the error message of eth_sendRawTransaction,
 * the hash of a block by number, the revert data of a replayed call).
 * Everything read here is public data from the node, checked by the
 * nt_rpc_result_* getters or by length and hex form before use.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "nautilus/codec.h"
#include "nautilus/ledger_outbox.h"

static nt_status tx_count(void *ctx, uint64_t *out, const uint8_t addr[20], const char *block)
{
    return nt_eth_get_transaction_count(ctx, out, addr, block);
}

static nt_status fill_fees(void *ctx, nt_tx *tx, const nt_chain_profile *profile)
{
    return nt_eth_fill_fees(ctx, tx, profile);
}

static nt_status block_number(void *ctx, uint64_t *out)
{
    return nt_eth_block_number(ctx, out);
}

/* "0x" + 2n hex digits of data as a JSON string, into out. */
static nt_status add_hex(nt_dynbuf *out, const uint8_t *data, size_t n)
{
    char pair[3];
    nt_status status = nt_dynbuf_add_str(out, "\"0x");

    for (size_t i = 0; i < n && status == NT_OK; i++) {
        snprintf(pair, sizeof(pair), "%02x", data[i]);
        status = nt_dynbuf_add(out, pair, 2);
    }
    if (status == NT_OK)
        status = nt_dynbuf_add_str(out, "\"");
    return status;
}

static nt_status send_raw(void *ctx, char *msg, size_t msg_cap, const uint8_t *raw, size_t len)
{
    nt_dynbuf params;
    nt_rpc_reply reply;
    uint8_t hash[32];
    nt_status status;

    memset(&reply, 0, sizeof(reply));
    if (msg_cap > 0)
        msg[0] = '\0';
    nt_dynbuf_init(&params, 2 * NT_TX_MAX_RAW + 16);
    status = nt_dynbuf_add_str(&params, "[");
    if (status == NT_OK)
        status = add_hex(&params, raw, len);
    if (status == NT_OK)
        status = nt_dynbuf_add_str(&params, "]");
    if (status == NT_OK)
        status = nt_rpc_call(ctx, &reply, "eth_sendRawTransaction", nt_dynbuf_str(&params));
    if (status == NT_OK)
        status = nt_rpc_result_hash(hash, &reply);
    if (reply.error_message != NULL && msg_cap > 0)
        snprintf(msg, msg_cap, "%s", reply.error_message);
    nt_rpc_reply_cleanup(&reply);
    nt_dynbuf_cleanup(&params);
    return status;
}

static nt_status receipt(void *ctx, nt_outbox_receipt *out, bool *found, const uint8_t hash[32])
{
    nt_eth_receipt rc;
    nt_status status;

    memset(&rc, 0, sizeof(rc));
    status = nt_eth_get_transaction_receipt(ctx, &rc, found, hash);
    if (status == NT_OK && *found) {
        out->block_number = rc.block_number;
        memcpy(out->block_hash, rc.block_hash, 32);
        out->status = rc.status;
    }
    nt_eth_receipt_cleanup(&rc);
    return status;
}

/* A JSON string "0x" + hex of exactly n bytes. */
static nt_status json_hex(uint8_t *out, size_t n, const cJSON *item)
{
    size_t got = 0;
    nt_status status;

    if (!cJSON_IsString(item) || item->valuestring == NULL ||
        strlen(item->valuestring) != 2 + 2 * n || strncmp(item->valuestring, "0x", 2) != 0)
        return NT_ERR_RPC_RESULT_TYPE;
    status = nt_hex_decode(out, n, &got, item->valuestring + 2, 2 * n);
    return status == NT_OK && got == n ? NT_OK : NT_ERR_RPC_RESULT_TYPE;
}

static nt_status block_hash(void *ctx, uint8_t out[32], bool *found, uint64_t number)
{
    char params[64];
    nt_rpc_reply reply;
    nt_status status;

    memset(&reply, 0, sizeof(reply));
    snprintf(params, sizeof(params), "[\"0x%" PRIx64 "\",false]", number);
    status = nt_rpc_call(ctx, &reply, "eth_getBlockByNumber", params);
    if (status == NT_OK)
        status = nt_rpc_result_is_null(found, &reply);
    if (status == NT_OK) {
        *found = !*found;
        if (*found)
            status = cJSON_IsObject(reply.result)
                         ? json_hex(out, 32, cJSON_GetObjectItemCaseSensitive(reply.result, "hash"))
                         : NT_ERR_RPC_RESULT_TYPE;
    }
    nt_rpc_reply_cleanup(&reply);
    return status;
}

/* eth_call of the same message at `block`: the revert data (error.data, a
 * JSON string of hex) appended to out; nothing when it does not revert. */
static nt_status revert_data(void *ctx, nt_dynbuf *out, const uint8_t from[20],
                             const uint8_t to[20], const uint8_t *data, size_t len,
                             uint64_t block)
{
    nt_dynbuf params;
    nt_rpc_reply reply;
    uint8_t bytes[1024];
    size_t got = 0;
    nt_status status;

    memset(&reply, 0, sizeof(reply));
    nt_dynbuf_init(&params, 2 * NT_TX_MAX_DATA + 256);
    status = nt_dynbuf_add_str(&params, "[{\"from\":");
    if (status == NT_OK)
        status = add_hex(&params, from, 20);
    if (status == NT_OK)
        status = nt_dynbuf_add_str(&params, ",\"to\":");
    if (status == NT_OK)
        status = add_hex(&params, to, 20);
    if (status == NT_OK)
        status = nt_dynbuf_add_str(&params, ",\"data\":");
    if (status == NT_OK)
        status = add_hex(&params, data, len);
    if (status == NT_OK)
        status = nt_dynbuf_addf(&params, "},\"0x%" PRIx64 "\"]", block);
    if (status == NT_OK)
        status = nt_rpc_call(ctx, &reply, "eth_call", nt_dynbuf_str(&params));
    if (status == NT_ERR_RPC_REVERTED) /* what we asked for */
        status = NT_OK;
    if (status == NT_OK && reply.status == NT_ERR_RPC_REVERTED && reply.error_data != NULL) {
        /* error_data is compact JSON: "\"0x...\"" */
        size_t n = strlen(reply.error_data);
        if (n >= 4 && reply.error_data[0] == '"' && reply.error_data[n - 1] == '"' &&
            strncmp(reply.error_data + 1, "0x", 2) == 0 &&
            nt_hex_decode(bytes, sizeof(bytes), &got, reply.error_data + 3, n - 4) == NT_OK)
            status = nt_dynbuf_add(out, bytes, got);
    }
    nt_rpc_reply_cleanup(&reply);
    nt_dynbuf_cleanup(&params);
    return status;
}

void nt_outbox_rpc_from_client(nt_outbox_rpc *rpc, nt_rpc_client *client)
{
    rpc->tx_count = tx_count;
    rpc->fill_fees = fill_fees;
    rpc->send_raw = send_raw;
    rpc->receipt = receipt;
    rpc->block_hash = block_hash;
    rpc->block_number = block_number;
    rpc->revert_data = revert_data;
    rpc->ctx = client;
}
