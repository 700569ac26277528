/* Typed JSON-RPC results (nautilus/ledger.h): QUANTITY and DATA strings as
 * the Ethereum execution APIs define them ("hex encoding"), logs and
 * receipts. Anything of another JSON type or form is
 * NT_ERR_RPC_RESULT_TYPE; nothing is coerced. */
#include <string.h>

#include "ledger_int.h"
#include "nautilus/codec.h"
#include "nautilus/mem.h"

const cJSON *nt_json_member(const cJSON *obj, const char *name)
{
    if (!cJSON_IsObject(obj))
        return NULL;
    return cJSON_GetObjectItemCaseSensitive(obj, name);
}

nt_status nt_json_u256(nt_u256 *out, const cJSON *j)
{
    if (!cJSON_IsString(j) ||
        nt_u256_from_quantity(out, j->valuestring, strlen(j->valuestring)) != NT_OK)
        return NT_ERR_RPC_RESULT_TYPE;
    return NT_OK;
}

nt_status nt_json_u64(uint64_t *out, const cJSON *j)
{
    nt_u256 v;
    if (nt_json_u256(&v, j) != NT_OK || nt_u256_to_u64(out, &v) != NT_OK)
        return NT_ERR_RPC_RESULT_TYPE;
    return NT_OK;
}

/* The hex digits of a DATA string: "0x" then an even number of digits. */
static nt_status data_text(const char **hex, size_t *n_bytes, const cJSON *j)
{
    size_t len;
    if (!cJSON_IsString(j))
        return NT_ERR_RPC_RESULT_TYPE;
    len = strlen(j->valuestring);
    if (len < 2 || j->valuestring[0] != '0' || j->valuestring[1] != 'x' || len % 2)
        return NT_ERR_RPC_RESULT_TYPE;
    *hex = j->valuestring + 2;
    *n_bytes = (len - 2) / 2;
    return NT_OK;
}

nt_status nt_json_fixed(uint8_t *out, size_t n, const cJSON *j)
{
    const char *hex;
    size_t n_bytes, got;
    if (data_text(&hex, &n_bytes, j) != NT_OK || n_bytes != n ||
        nt_hex_decode(out, n, &got, hex, 2 * n) != NT_OK)
        return NT_ERR_RPC_RESULT_TYPE;
    return NT_OK;
}

nt_status nt_json_data_alloc(uint8_t **out, size_t *len, size_t max, const cJSON *j)
{
    const char *hex;
    size_t n, got;
    uint8_t *p;
    if (data_text(&hex, &n, j) != NT_OK || n > max)
        return NT_ERR_RPC_RESULT_TYPE;
    *out = NULL;
    *len = 0;
    if (n == 0)
        return NT_OK;
    if ((p = nt_malloc(n)) == NULL)
        return NT_ERR_NOMEM;
    if (nt_hex_decode(p, n, &got, hex, 2 * n) != NT_OK) {
        nt_free(p);
        return NT_ERR_RPC_RESULT_TYPE;
    }
    *out = p;
    *len = n;
    return NT_OK;
}

nt_status nt_json_data_append(nt_dynbuf *out, const cJSON *j)
{
    const char *hex;
    uint8_t *p;
    size_t n;
    nt_status st;
    if (data_text(&hex, &n, j) != NT_OK)
        return NT_ERR_RPC_RESULT_TYPE;
    if (n > out->cap - out->len)
        return NT_ERR_CAP; /* well-formed, but more than out may hold */
    st = nt_json_data_alloc(&p, &n, n, j);
    if (st != NT_OK || n == 0)
        return st;
    st = nt_dynbuf_add(out, p, n);
    nt_free(p);
    return st;
}

/* ---- getters on a reply -------------------------------------------------- */

nt_status nt_rpc_result_u64(uint64_t *out, const nt_rpc_reply *r)
{
    return r->status != NT_OK ? r->status : nt_json_u64(out, r->result);
}

nt_status nt_rpc_result_u256(nt_u256 *out, const nt_rpc_reply *r)
{
    return r->status != NT_OK ? r->status : nt_json_u256(out, r->result);
}

nt_status nt_rpc_result_data(nt_dynbuf *out, const nt_rpc_reply *r)
{
    return r->status != NT_OK ? r->status : nt_json_data_append(out, r->result);
}

nt_status nt_rpc_result_hash(uint8_t out[32], const nt_rpc_reply *r)
{
    return r->status != NT_OK ? r->status : nt_json_fixed(out, 32, r->result);
}

nt_status nt_rpc_result_is_null(bool *is_null, const nt_rpc_reply *r)
{
    if (r->status != NT_OK)
        return r->status;
    if (r->result == NULL)
        return NT_ERR_RPC_RESULT_TYPE;
    *is_null = cJSON_IsNull(r->result);
    return NT_OK;
}

nt_status nt_rpc_result_json(nt_dynbuf *out, const nt_rpc_reply *r)
{
    char *text;
    nt_status st;
    if (r->status != NT_OK)
        return r->status;
    if (r->result == NULL || (text = cJSON_PrintUnformatted(r->result)) == NULL)
        return r->result == NULL ? NT_ERR_RPC_RESULT_TYPE : NT_ERR_NOMEM;
    st = nt_dynbuf_add_str(out, text);
    cJSON_free(text);
    return st;
}

/* ---- logs ---------------------------------------------------------------- */

void nt_eth_logs_init(nt_eth_logs *l, size_t cap)
{
    memset(l, 0, sizeof *l);
    l->cap = cap;
}

void nt_eth_logs_truncate(nt_eth_logs *l, size_t keep)
{
    while (l->count > keep) {
        l->count--;
        nt_free(l->items[l->count].data);
        l->items[l->count].data = NULL;
    }
}

void nt_eth_logs_cleanup(nt_eth_logs *l)
{
    nt_eth_logs_truncate(l, 0);
    nt_free(l->items);
    nt_eth_logs_init(l, l->cap);
}

static nt_status log_topics(nt_eth_log *out, const cJSON *topics)
{
    const cJSON *t;
    if (!cJSON_IsArray(topics) || cJSON_GetArraySize(topics) > NT_ETH_MAX_TOPICS)
        return NT_ERR_RPC_RESULT_TYPE;
    out->n_topics = 0;
    cJSON_ArrayForEach(t, topics) {
        if (nt_json_fixed(out->topics[out->n_topics], 32, t) != NT_OK)
            return NT_ERR_RPC_RESULT_TYPE;
        out->n_topics++;
    }
    return NT_OK;
}

nt_status nt_eth_log_from_json(nt_eth_log *out, const cJSON *j)
{
    const cJSON *removed = nt_json_member(j, "removed");
    nt_status st;
    memset(out, 0, sizeof *out);
    if (!cJSON_IsObject(j))
        return NT_ERR_RPC_RESULT_TYPE;
    if (nt_json_fixed(out->address, 20, nt_json_member(j, "address")) != NT_OK ||
        log_topics(out, nt_json_member(j, "topics")) != NT_OK ||
        nt_json_u64(&out->block_number, nt_json_member(j, "blockNumber")) != NT_OK ||
        nt_json_fixed(out->block_hash, 32, nt_json_member(j, "blockHash")) != NT_OK ||
        nt_json_fixed(out->tx_hash, 32, nt_json_member(j, "transactionHash")) != NT_OK ||
        nt_json_u64(&out->tx_index, nt_json_member(j, "transactionIndex")) != NT_OK ||
        nt_json_u64(&out->log_index, nt_json_member(j, "logIndex")) != NT_OK ||
        (removed != NULL && !cJSON_IsBool(removed)))
        return NT_ERR_RPC_RESULT_TYPE;
    out->removed = cJSON_IsTrue(removed);
    st = nt_json_data_alloc(&out->data, &out->data_len, NT_TX_MAX_RAW, nt_json_member(j, "data"));
    return st;
}

static nt_status logs_reserve(nt_eth_logs *l, size_t more)
{
    size_t want, alloc;
    nt_eth_log *p;
    if (more > l->cap - l->count)
        return NT_ERR_CAP;
    want = l->count + more;
    if (want <= l->alloc)
        return NT_OK;
    alloc = l->alloc ? l->alloc : 16;
    while (alloc < want)
        alloc = alloc > l->cap / 2 ? l->cap : alloc * 2;
    if (!nt_size_mul(&want, alloc, sizeof *p) || (p = nt_realloc(l->items, want)) == NULL)
        return NT_ERR_NOMEM;
    l->items = p;
    l->alloc = alloc;
    return NT_OK;
}

static nt_status logs_from_array(nt_eth_logs *out, const cJSON *arr)
{
    const cJSON *el;
    size_t keep = out->count;
    nt_status st;
    if (!cJSON_IsArray(arr))
        return NT_ERR_RPC_RESULT_TYPE;
    if ((st = logs_reserve(out, (size_t)cJSON_GetArraySize(arr))) != NT_OK)
        return st;
    cJSON_ArrayForEach(el, arr) {
        if ((st = nt_eth_log_from_json(&out->items[out->count], el)) != NT_OK) {
            nt_free(out->items[out->count].data);
            nt_eth_logs_truncate(out, keep);
            return st;
        }
        out->count++;
    }
    return NT_OK;
}

nt_status nt_eth_logs_parse(nt_eth_logs *out, const nt_rpc_reply *r)
{
    return r->status != NT_OK ? r->status : logs_from_array(out, r->result);
}

/* ---- receipts ------------------------------------------------------------ */

void nt_eth_receipt_cleanup(nt_eth_receipt *rc)
{
    nt_eth_logs_cleanup(&rc->logs);
}

/* An address or null (to of a creation, contractAddress of a call). */
static nt_status opt_address(bool *has, uint8_t out[20], const cJSON *j)
{
    *has = false;
    if (j == NULL || cJSON_IsNull(j))
        return NT_OK;
    *has = true;
    return nt_json_fixed(out, 20, j);
}

static nt_status receipt_fields(nt_eth_receipt *rc, const cJSON *j)
{
    const cJSON *egp = nt_json_member(j, "effectiveGasPrice"), *type = nt_json_member(j, "type");
    uint64_t status, t = 0;
    if (nt_json_fixed(rc->tx_hash, 32, nt_json_member(j, "transactionHash")) != NT_OK ||
        nt_json_fixed(rc->block_hash, 32, nt_json_member(j, "blockHash")) != NT_OK ||
        nt_json_u64(&rc->block_number, nt_json_member(j, "blockNumber")) != NT_OK ||
        nt_json_u64(&rc->tx_index, nt_json_member(j, "transactionIndex")) != NT_OK ||
        nt_json_fixed(rc->from, 20, nt_json_member(j, "from")) != NT_OK ||
        opt_address(&rc->has_to, rc->to, nt_json_member(j, "to")) != NT_OK ||
        opt_address(&rc->has_contract_address, rc->contract_address,
                    nt_json_member(j, "contractAddress")) != NT_OK ||
        nt_json_u64(&rc->gas_used, nt_json_member(j, "gasUsed")) != NT_OK ||
        nt_json_u64(&rc->cumulative_gas_used, nt_json_member(j, "cumulativeGasUsed")) != NT_OK ||
        (egp != NULL && nt_json_u256(&rc->effective_gas_price, egp) != NT_OK) ||
        (type != NULL && nt_json_u64(&t, type) != NT_OK) || t > 0xff ||
        /* EIP-658: status is 0 or 1; a pre-Byzantium state root is refused. */
        nt_json_u64(&status, nt_json_member(j, "status")) != NT_OK || status > 1)
        return NT_ERR_RPC_RESULT_TYPE;
    rc->status = (uint8_t)status;
    rc->type = (uint8_t)t;
    return NT_OK;
}

nt_status nt_eth_receipt_parse(nt_eth_receipt *out, bool *found, const nt_rpc_reply *r,
                               size_t max_logs)
{
    nt_status st;
    memset(out, 0, sizeof *out);
    nt_eth_logs_init(&out->logs, max_logs);
    *found = false;
    if (r->status != NT_OK)
        return r->status;
    if (cJSON_IsNull(r->result))
        return NT_OK;
    if (!cJSON_IsObject(r->result) || (st = receipt_fields(out, r->result)) != NT_OK)
        return NT_ERR_RPC_RESULT_TYPE;
    if ((st = logs_from_array(&out->logs, nt_json_member(r->result, "logs"))) != NT_OK)
        return st;
    *found = true;
    return NT_OK;
}
