/* eth_getLogs with block-range splitting, and eth_feeHistory
 * (nautilus/ledger.h). */
#include <stdio.h>
#include <string.h>

#include "ledger_int.h"
#include "nautilus/codec.h"
#include "nautilus/mem.h"

/* ---- eth_getLogs ---------------------------------------------------------- */

/* Case-insensitive search for an ASCII word in outside text. */
static bool mentions(const char *text, const char *word)
{
    size_t n = strlen(word), i, j;
    for (i = 0; text[i]; i++) {
        for (j = 0; j < n && text[i + j]; j++) {
            unsigned char a = (unsigned char)text[i + j];
            if (a >= 'A' && a <= 'Z')
                a = (unsigned char)(a - 'A' + 'a');
            if (a != (unsigned char)word[j])
                break;
        }
        if (j == n)
            return true;
    }
    return false;
}

bool nt_eth_range_refused(const nt_rpc_reply *r)
{
    /* Nodes say "too large" in different ways: go-ethereum and Infura -32005
     * ("query returned more than 10000 results"), Alchemy -32602 ("Log
     * response size exceeded", "block range"), others -32000 or -32600 with
     * a message about a range or a limit. */
    static const char *const words[] = {"range", "limit", "too many", "too large", "exceed",
                                        "response size", "max results", "more than"};
    size_t i;
    if (r->status == NT_ERR_RPC_LIMIT_EXCEEDED)
        return true;
    if (r->status != NT_ERR_RPC_INVALID_PARAMS && r->status != NT_ERR_RPC_INVALID_REQUEST &&
        r->status != NT_ERR_RPC_INVALID_INPUT && r->status != NT_ERR_RPC_SERVER_ERROR)
        return false;
    if (r->error_message == NULL)
        return false;
    for (i = 0; i < sizeof words / sizeof words[0]; i++)
        if (mentions(r->error_message, words[i]))
            return true;
    return false;
}

static bool add_quantity(cJSON *obj, const char *name, uint64_t v)
{
    char q[67];
    nt_u256 u;
    nt_u256_from_u64(&u, v);
    return nt_u256_to_quantity(q, sizeof q, &u) == NT_OK &&
           cJSON_AddStringToObject(obj, name, q) != NULL;
}

static bool add_data(cJSON *arr_or_obj, const char *name, const uint8_t *data, size_t len)
{
    char hex[67];
    cJSON *s;
    hex[0] = '0';
    hex[1] = 'x';
    if (len > 32 || nt_hex_encode(hex + 2, sizeof hex - 2, data, len) != NT_OK)
        return false;
    if (name != NULL)
        return cJSON_AddStringToObject(arr_or_obj, name, hex) != NULL;
    s = cJSON_CreateString(hex);
    return s != NULL && cJSON_AddItemToArray(arr_or_obj, s);
}

/* [{"fromBlock", "toBlock", "address"?, "topics"?}] as text (cJSON_free). */
static char *filter_params(const nt_eth_log_filter *f, uint64_t from, uint64_t to)
{
    cJSON *arr = cJSON_CreateArray(), *obj = cJSON_CreateObject(), *topics;
    size_t i, n = 0;
    char *text = NULL;
    bool ok = arr != NULL && obj != NULL && cJSON_AddItemToArray(arr, obj);
    if (!ok)
        cJSON_Delete(obj);
    ok = ok && add_quantity(obj, "fromBlock", from) && add_quantity(obj, "toBlock", to) &&
         (!f->has_address || add_data(obj, "address", f->address, 20));
    for (i = 0; i < NT_ETH_MAX_TOPICS; i++)
        if (f->topic_set[i])
            n = i + 1; /* trailing wildcards are left out */
    if (ok && n > 0) {
        ok = (topics = cJSON_AddArrayToObject(obj, "topics")) != NULL;
        for (i = 0; ok && i < n; i++)
            ok = f->topic_set[i] ? add_data(topics, NULL, f->topic[i], 32)
                                 : cJSON_AddItemToArray(topics, cJSON_CreateNull());
    }
    if (ok)
        text = cJSON_PrintUnformatted(arr);
    cJSON_Delete(arr);
    return text;
}

static nt_status logs_once(nt_rpc_client *c, nt_eth_logs *out, nt_rpc_reply *r,
                           const nt_eth_log_filter *f, uint64_t from, uint64_t to)
{
    char *params = filter_params(f, from, to);
    nt_status st;
    if (params == NULL)
        return NT_ERR_NOMEM;
    st = nt_rpc_call(c, r, "eth_getLogs", params);
    cJSON_free(params);
    if (st == NT_OK)
        st = nt_eth_logs_parse(out, r);
    return st;
}

/* [from, to], halved while the node calls the range too large. */
static nt_status logs_range(nt_rpc_client *c, nt_eth_logs *out, const nt_eth_log_filter *f,
                            uint64_t from, uint64_t to)
{
    nt_rpc_reply r;
    uint64_t mid;
    nt_status st = logs_once(c, out, &r, f, from, to);
    bool split = st != NT_OK && from < to && nt_eth_range_refused(&r);
    nt_rpc_reply_cleanup(&r);
    if (!split)
        return st;
    mid = from + (to - from) / 2;
    st = logs_range(c, out, f, from, mid);
    return st != NT_OK ? st : logs_range(c, out, f, mid + 1, to);
}

nt_status nt_eth_get_logs(nt_rpc_client *c, nt_eth_logs *out, const nt_eth_log_filter *f)
{
    size_t keep = out->count;
    uint64_t from = f->from_block, to;
    nt_status st = NT_OK;
    if (f->from_block > f->to_block)
        return NT_ERR_INVALID_ARG;
    for (;;) {
        to = f->max_range == 0 || f->to_block - from < f->max_range ? f->to_block
                                                                    : from + f->max_range - 1;
        if ((st = logs_range(c, out, f, from, to)) != NT_OK || to == f->to_block)
            break;
        from = to + 1;
    }
    if (st != NT_OK)
        nt_eth_logs_truncate(out, keep);
    return st;
}

/* ---- eth_feeHistory ------------------------------------------------------ */

static nt_status u256_array(nt_u256 *out, size_t cap, size_t *n, const cJSON *arr)
{
    const cJSON *el;
    size_t i = 0;
    if (!cJSON_IsArray(arr))
        return NT_ERR_RPC_RESULT_TYPE;
    cJSON_ArrayForEach(el, arr) {
        if (i == cap || nt_json_u256(&out[i], el) != NT_OK)
            return NT_ERR_RPC_RESULT_TYPE;
        i++;
    }
    *n = i;
    return NT_OK;
}

static nt_status fee_history_read(nt_eth_fee_history *out, const cJSON *res, uint32_t blocks)
{
    const cJSON *ratios = nt_json_member(res, "gasUsedRatio"), *rewards, *el;
    size_t n_base, i = 0, n;
    if (nt_json_u64(&out->oldest_block, nt_json_member(res, "oldestBlock")) != NT_OK ||
        u256_array(out->base_fee, (size_t)blocks + 1, &n_base, nt_json_member(res, "baseFeePerGas")) !=
            NT_OK ||
        n_base == 0 || !cJSON_IsArray(ratios) || (size_t)cJSON_GetArraySize(ratios) != n_base - 1)
        return NT_ERR_RPC_RESULT_TYPE;
    out->n_blocks = n_base - 1;
    cJSON_ArrayForEach(el, ratios) {
        if (!cJSON_IsNumber(el) || !(el->valuedouble >= 0.0 && el->valuedouble <= 1.0))
            return NT_ERR_RPC_RESULT_TYPE;
        out->gas_used_ratio[i++] = el->valuedouble;
    }
    if (out->n_percentiles == 0)
        return NT_OK;
    rewards = nt_json_member(res, "reward");
    if (!cJSON_IsArray(rewards) || (size_t)cJSON_GetArraySize(rewards) != out->n_blocks)
        return NT_ERR_RPC_RESULT_TYPE;
    i = 0;
    cJSON_ArrayForEach(el, rewards) {
        if (u256_array(out->reward[i++], out->n_percentiles, &n, el) != NT_OK ||
            n != out->n_percentiles)
            return NT_ERR_RPC_RESULT_TYPE;
    }
    return NT_OK;
}

nt_status nt_eth_fee_history_get(nt_rpc_client *c, nt_eth_fee_history *out, uint32_t blocks,
                                 const double *percentiles, size_t n_percentiles)
{
    char params[64 + NT_ETH_FEE_HISTORY_MAX_PERCENTILES * 32];
    size_t used, i;
    nt_rpc_reply r;
    nt_status st;
    memset(out, 0, sizeof *out);
    if (blocks == 0 || blocks > NT_ETH_FEE_HISTORY_MAX_BLOCKS ||
        n_percentiles > NT_ETH_FEE_HISTORY_MAX_PERCENTILES)
        return NT_ERR_INVALID_ARG;
    used = (size_t)snprintf(params, sizeof params, "[\"0x%x\",\"latest\",[", (unsigned)blocks);
    for (i = 0; i < n_percentiles; i++) {
        if (!(percentiles[i] >= 0.0 && percentiles[i] <= 100.0) ||
            (i > 0 && percentiles[i] < percentiles[i - 1]))
            return NT_ERR_INVALID_ARG;
        used += (size_t)snprintf(params + used, sizeof params - used, "%s%.6f", i ? "," : "",
                                 percentiles[i]);
    }
    snprintf(params + used, sizeof params - used, "]]");
    out->n_percentiles = n_percentiles;
    st = nt_rpc_call(c, &r, "eth_feeHistory", params);
    if (st == NT_OK)
        st = fee_history_read(out, r.result, blocks);
    nt_rpc_reply_cleanup(&r);
    return st;
}
