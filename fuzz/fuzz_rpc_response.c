/*
 * Fuzz target for JSON-RPC 2.0 responses (nt_rpc_response_parse) and what
 * reads them: the typed getters, receipts, logs, and the ABI decoder on
 * DATA results (eth_call return data) and on log data.
 *
 * Input: one mode byte, then the body. Mode bit 7 set: a batch of
 * 1 + (mode & 3) requests with ids 1, 2, ...; clear: a single request with
 * id 1.
 *
 * - A refused body leaves every reply empty; an accepted one gives each
 *   reply a result or an error with its message, and the getters of an
 *   error reply return its status.
 * - parse -> write -> parse: a result written back as JSON
 *   (nt_rpc_result_json) and wrapped in a fresh response parses again and
 *   reads the same through every getter.
 * Mismatches abort().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nautilus/ledger.h"
#include "fuzz/fuzz.h"

#define MAX_BODY ((size_t)1 << 20)

/* What the getters make of a reply, to compare two parses. */
typedef struct reading {
    nt_status u64_st, u256_st, hash_st, null_st, data_st;
    uint64_t u64;
    nt_u256 u256;
    uint8_t hash[32];
    bool is_null;
    size_t data_len;
    uint8_t data_hash[32];
} reading;

static void read_all(reading *out, nt_dynbuf *d, const nt_rpc_reply *r)
{
    memset(out, 0, sizeof *out);
    out->u64_st = nt_rpc_result_u64(&out->u64, r);
    out->u256_st = nt_rpc_result_u256(&out->u256, r);
    out->hash_st = nt_rpc_result_hash(out->hash, r);
    out->null_st = nt_rpc_result_is_null(&out->is_null, r);
    nt_dynbuf_reset(d);
    out->data_st = nt_rpc_result_data(d, r);
    out->data_len = d->len;
    if (out->data_st == NT_OK)
        nt_keccak256(out->data_hash, d->data, d->len);
}

/* ABI decoding of DATA results with a few type lists. */
static void abi_on(const nt_dynbuf *d)
{
    static const nt_abi_type lists[][3] = {
        {NT_ABI_UINT256, NT_ABI_ADDRESS, NT_ABI_BOOL},
        {NT_ABI_STRING, NT_ABI_BYTES32, NT_ABI_UINT64},
        {NT_ABI_BYTES, NT_ABI_BYTES32_ARRAY, NT_ABI_STRING},
    };
    nt_abi_value v[3];
    size_t i, j;
    for (i = 0; i < 3; i++) {
        if (nt_abi_decode(v, lists[i], 3, d->data, d->len) != NT_OK)
            continue;
        for (j = 0; j < 3; j++) {
            CHECK(v[j].type == lists[i][j]);
            if (v[j].type == NT_ABI_BYTES || v[j].type == NT_ABI_STRING)
                CHECK(v[j].v.bytes.len <= d->len);
            if (v[j].type == NT_ABI_BYTES32_ARRAY)
                CHECK(v[j].v.array.count <= d->len / 32);
        }
    }
}

static void logs_on(const nt_eth_logs *logs)
{
    static const nt_abi_type t[] = {NT_ABI_ADDRESS, NT_ABI_STRING, NT_ABI_UINT256};
    static const bool idx[] = {true, false, false};
    const nt_abi_event ev = {"Anchored", t, idx, 3};
    nt_abi_value v[3];
    size_t i;
    for (i = 0; i < logs->count; i++) {
        const nt_eth_log *l = &logs->items[i];
        CHECK(l->n_topics <= NT_ETH_MAX_TOPICS);
        nt_status st = nt_abi_log_decode(v, &ev, (const uint8_t(*)[32])l->topics, l->n_topics,
                                         l->data, l->data_len);
        CHECK(st != NT_OK || v[1].v.bytes.len <= l->data_len);
    }
}

/* The result written back and parsed again reads the same. */
static void roundtrip(const nt_rpc_reply *r, const reading *first, nt_dynbuf *d)
{
    nt_dynbuf body;
    nt_rpc_reply again;
    reading second;
    int64_t id = 1;
    nt_dynbuf_init(&body, 64 * MAX_BODY); /* escapes may grow the text 6-fold */
    CHECK(nt_dynbuf_add_str(&body, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":") == NT_OK);
    CHECK(nt_rpc_result_json(&body, r) == NT_OK);
    CHECK(nt_dynbuf_add_str(&body, "}") == NT_OK);
    CHECK(nt_rpc_response_parse(&again, &id, 1, false, body.data, body.len, body.len) == NT_OK);
    read_all(&second, d, &again);
    CHECK(second.u64_st == first->u64_st && second.u256_st == first->u256_st &&
          second.hash_st == first->hash_st && second.null_st == first->null_st &&
          second.data_st == first->data_st && second.data_len == first->data_len);
    CHECK(first->u64_st != NT_OK || second.u64 == first->u64);
    CHECK(first->u256_st != NT_OK || memcmp(&second.u256, &first->u256, 32) == 0);
    CHECK(first->hash_st != NT_OK || memcmp(second.hash, first->hash, 32) == 0);
    CHECK(first->null_st != NT_OK || second.is_null == first->is_null);
    CHECK(first->data_st != NT_OK || memcmp(second.data_hash, first->data_hash, 32) == 0);
    nt_rpc_reply_cleanup(&again);
    nt_dynbuf_cleanup(&body);
}

static void reply_on(const nt_rpc_reply *r)
{
    nt_dynbuf d;
    reading first;
    nt_eth_receipt rc;
    nt_eth_logs logs;
    bool found;
    nt_dynbuf_init(&d, MAX_BODY);
    read_all(&first, &d, r);
    if (r->status != NT_OK) {
        CHECK(r->error_message != NULL && r->result == NULL);
        CHECK(first.u64_st == r->status && first.data_st == r->status);
        nt_dynbuf_cleanup(&d);
        return;
    }
    CHECK(r->result != NULL);
    if (first.data_st == NT_OK)
        abi_on(&d);
    if (nt_eth_receipt_parse(&rc, &found, r, 64) == NT_OK && found) {
        CHECK(rc.status <= 1 && rc.logs.count <= 64);
        logs_on(&rc.logs);
    }
    nt_eth_receipt_cleanup(&rc);
    nt_eth_logs_init(&logs, 64);
    if (nt_eth_logs_parse(&logs, r) == NT_OK)
        logs_on(&logs);
    else
        CHECK(logs.count == 0);
    nt_eth_logs_cleanup(&logs);
    roundtrip(r, &first, &d);
    nt_dynbuf_cleanup(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int64_t ids[4] = {1, 2, 3, 4};
    nt_rpc_reply replies[4];
    bool batch;
    size_t n, i;
    nt_status st;
    if (size < 1)
        return 0;
    batch = (data[0] & 0x80) != 0;
    n = batch ? 1 + (size_t)(data[0] & 3) : 1;
    st = nt_rpc_response_parse(replies, ids, n, batch, data + 1, size - 1, MAX_BODY);
    for (i = 0; i < n; i++) {
        if (st != NT_OK)
            CHECK(replies[i].result == NULL && replies[i].error_message == NULL);
        else
            reply_on(&replies[i]);
        nt_rpc_reply_cleanup(&replies[i]);
    }
    return 0;
}
