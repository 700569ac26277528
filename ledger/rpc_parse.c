/* JSON-RPC 2.0 responses (nautilus/ledger.h): the body checks, the envelope
 * of one response or of a batch, the mapping of error objects to statuses,
 * and the typed getters. No I/O: the client hands in the bytes it read, and
 * the fuzz target does the same.
 *
 * JSON-RPC 2.0 §5: a response has "jsonrpc":"2.0", the id of its request,
 * and exactly one of "result" and "error"; an error has an integer "code", a
 * string "message" and an optional "data". §6: a batch answer is an array
 * of responses in any order, or one error object when the batch itself
 * could not be read. */
#include <string.h>

#include "ledger_int.h"
#include "nautilus/codec.h"
#include "nautilus/mem.h"

/* Integers exactly representable in the double cJSON stores numbers in. */
#define JSON_INT_MAX 9007199254740992.0

nt_status nt_rpc_error_status(int64_t code)
{
    switch (code) {
    case -32700:
        return NT_ERR_RPC_PARSE_ERROR;
    case -32600:
        return NT_ERR_RPC_INVALID_REQUEST;
    case -32601:
        return NT_ERR_RPC_METHOD_NOT_FOUND;
    case -32602:
        return NT_ERR_RPC_INVALID_PARAMS;
    case -32603:
        return NT_ERR_RPC_INTERNAL;
    case -32000: /* EIP-1474 */
        return NT_ERR_RPC_INVALID_INPUT;
    case -32001:
        return NT_ERR_RPC_RESOURCE_NOT_FOUND;
    case -32002:
        return NT_ERR_RPC_RESOURCE_UNAVAILABLE;
    case -32003:
        return NT_ERR_RPC_TX_REJECTED;
    case -32004:
    case -32006:
        return NT_ERR_RPC_METHOD_UNSUPPORTED;
    case -32005:
        return NT_ERR_RPC_LIMIT_EXCEEDED;
    case 3: /* go-ethereum and anvil: execution reverted, revert data in "data" */
        return NT_ERR_RPC_REVERTED;
    default:
        break;
    }
    if (code >= -32099 && code <= -32000)
        return NT_ERR_RPC_SERVER_ERROR;
    return NT_ERR_RPC_ERROR;
}

void nt_rpc_reply_cleanup(nt_rpc_reply *r)
{
    nt_free(r->error_message);
    nt_free(r->error_data);
    cJSON_Delete(r->result);
    memset(r, 0, sizeof *r);
    r->status = NT_OK;
}

/* ---- the body ------------------------------------------------------------ */

/* Refuses what cJSON would read differently from what was sent: a NUL byte
 * (cJSON stops there) and a \u0000 escape (a string that strlen() would cut
 * short: "0x12\u00003" must not read as "0x12"). */
static nt_status body_scan(const uint8_t *body, size_t len)
{
    nt_buf b;
    uint8_t c, e[5];
    nt_buf_init(&b, body, len);
    while (nt_buf_get_u8(&b, &c) == NT_OK) {
        if (c == 0)
            return NT_ERR_RPC_JSON;
        if (c != '\\')
            continue;
        /* An escape: the next byte is escaped, whatever it is. */
        if (nt_buf_get_u8(&b, &c) != NT_OK)
            return NT_ERR_RPC_JSON;
        if (c == 'u' && nt_buf_left(&b) >= 4 && nt_buf_get_bytes(&b, e, 4) == NT_OK &&
            memcmp(e, "0000", 4) == 0)
            return NT_ERR_RPC_JSON;
    }
    return NT_OK;
}

/* Every number finite: cJSON turns 1e999 into infinity, which it would
 * write back as null; such a number is refused, not changed. */
static bool numbers_finite(const cJSON *j)
{
    const cJSON *c;
    if (cJSON_IsNumber(j))
        return j->valuedouble - j->valuedouble == 0.0; /* false for inf and NaN */
    cJSON_ArrayForEach(c, j) {
        if (!numbers_finite(c)) /* depth bounded by CJSON_NESTING_LIMIT */
            return false;
    }
    return true;
}

/* The whole body as one JSON value followed only by white space. */
static nt_status body_parse(cJSON **out, const uint8_t *body, size_t len, size_t max_body)
{
    const char *end = NULL;
    nt_buf b;
    uint8_t c;
    cJSON *root;
    nt_status st;
    if (len > max_body)
        return NT_ERR_RPC_BODY_TOO_LARGE;
    if ((st = body_scan(body, len)) != NT_OK)
        return st;
    root = cJSON_ParseWithLengthOpts((const char *)body, len, &end, 0);
    if (root == NULL)
        return NT_ERR_RPC_JSON;
    nt_buf_init(&b, body, len);
    if (end == NULL || nt_buf_seek(&b, (size_t)(end - (const char *)body)) != NT_OK) {
        cJSON_Delete(root);
        return NT_ERR_RPC_JSON;
    }
    while (nt_buf_get_u8(&b, &c) == NT_OK) {
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            cJSON_Delete(root);
            return NT_ERR_RPC_JSON;
        }
    }
    if (!numbers_finite(root)) {
        cJSON_Delete(root);
        return NT_ERR_RPC_JSON;
    }
    *out = root;
    return NT_OK;
}

/* ---- one response object -------------------------------------------------- */

/* An integral JSON number within +-2^53. */
static bool json_int(const cJSON *j, int64_t *out)
{
    double d;
    if (!cJSON_IsNumber(j))
        return false;
    d = j->valuedouble;
    if (!(d >= -JSON_INT_MAX && d <= JSON_INT_MAX) || (double)(int64_t)d != d)
        return false;
    *out = (int64_t)d;
    return true;
}

typedef struct envelope {
    const cJSON *id;
    cJSON *result;
    const cJSON *error;
} envelope;

/* The members of a response, each at most once; unknown members ignored. */
static nt_status envelope_read(envelope *env, const cJSON *obj)
{
    const cJSON *m, *version = NULL;
    memset(env, 0, sizeof *env);
    if (!cJSON_IsObject(obj))
        return NT_ERR_RPC_ENVELOPE;
    cJSON_ArrayForEach(m, obj) {
        const cJSON **slot = NULL;
        if (strcmp(m->string, "jsonrpc") == 0)
            slot = &version;
        else if (strcmp(m->string, "id") == 0)
            slot = &env->id;
        else if (strcmp(m->string, "result") == 0)
            slot = (const cJSON **)&env->result;
        else if (strcmp(m->string, "error") == 0)
            slot = &env->error;
        if (slot == NULL)
            continue;
        if (*slot != NULL)
            return NT_ERR_RPC_ENVELOPE; /* a member given twice */
        *slot = m;
    }
    if (!cJSON_IsString(version) || strcmp(version->valuestring, "2.0") != 0 || env->id == NULL)
        return NT_ERR_RPC_ENVELOPE;
    if ((env->result == NULL) == (env->error == NULL))
        return NT_ERR_RPC_ENVELOPE;
    return NT_OK;
}

/* A copy of outside text for messages, control characters shown as '?'. */
static char *text_copy(const char *s)
{
    char *c = nt_strdup(s);
    size_t i;
    if (c == NULL)
        return NULL;
    for (i = 0; c[i]; i++)
        if ((unsigned char)c[i] < 0x20 || (unsigned char)c[i] == 0x7f)
            c[i] = '?';
    return c;
}

static nt_status error_read(nt_rpc_reply *r, const cJSON *err)
{
    const cJSON *code = nt_json_member(err, "code"), *msg = nt_json_member(err, "message");
    const cJSON *data = nt_json_member(err, "data");
    int64_t v;
    if (!cJSON_IsObject(err) || !json_int(code, &v) || !cJSON_IsString(msg))
        return NT_ERR_RPC_ENVELOPE;
    r->error_code = v;
    r->status = nt_rpc_error_status(v);
    if ((r->error_message = text_copy(msg->valuestring)) == NULL)
        return NT_ERR_NOMEM;
    if (data != NULL) {
        char *text = cJSON_PrintUnformatted(data);
        if (text == NULL)
            return NT_ERR_NOMEM;
        r->error_data = text_copy(text);
        cJSON_free(text);
        if (r->error_data == NULL)
            return NT_ERR_NOMEM;
    }
    return NT_OK;
}

/* Fills r from a checked envelope, taking the result out of obj. */
static nt_status reply_fill(nt_rpc_reply *r, cJSON *obj, envelope *env)
{
    if (env->error != NULL)
        return error_read(r, env->error);
    r->status = NT_OK;
    r->result = cJSON_DetachItemViaPointer(obj, env->result);
    return NT_OK;
}

/* ---- single and batch ----------------------------------------------------- */

static nt_status parse_single(nt_rpc_reply *r, int64_t want, cJSON *obj)
{
    envelope env;
    int64_t id;
    nt_status st = envelope_read(&env, obj);
    if (st != NT_OK)
        return st;
    /* An error about a request the node could not read carries id null. */
    if (cJSON_IsNull(env.id) && env.error != NULL)
        return reply_fill(r, obj, &env);
    if (!json_int(env.id, &id) || id != want)
        return NT_ERR_RPC_ID;
    return reply_fill(r, obj, &env);
}

static nt_status parse_batch(nt_rpc_reply *replies, const int64_t *ids, size_t n, cJSON *arr)
{
    bool seen[NT_RPC_MAX_BATCH] = {false};
    cJSON *el;
    size_t i;
    nt_status st;
    if ((size_t)cJSON_GetArraySize(arr) != n)
        return NT_ERR_RPC_ID; /* a response missing or one too many */
    cJSON_ArrayForEach(el, arr) {
        envelope env;
        int64_t id;
        if ((st = envelope_read(&env, el)) != NT_OK)
            return st;
        if (!json_int(env.id, &id))
            return NT_ERR_RPC_ID;
        for (i = 0; i < n && ids[i] != id; i++)
            ;
        if (i == n || seen[i])
            return NT_ERR_RPC_ID;
        seen[i] = true;
        if ((st = reply_fill(&replies[i], el, &env)) != NT_OK)
            return st;
    }
    return NT_OK;
}

/* A single error object in answer to a batch goes to every request. */
static nt_status batch_refused(nt_rpc_reply *replies, size_t n, cJSON *obj)
{
    envelope env;
    size_t i;
    nt_status st = envelope_read(&env, obj);
    if (st != NT_OK)
        return st;
    if (env.error == NULL)
        return NT_ERR_RPC_ENVELOPE;
    for (i = 0; i < n; i++)
        if ((st = error_read(&replies[i], env.error)) != NT_OK)
            return st;
    return NT_OK;
}

nt_status nt_rpc_response_parse(nt_rpc_reply *replies, const int64_t *ids, size_t n, bool batch,
                                const uint8_t *body, size_t len, size_t max_body)
{
    cJSON *root = NULL;
    size_t i;
    nt_status st;
    if (n == 0 || n > NT_RPC_MAX_BATCH || (!batch && n != 1))
        return NT_ERR_INVALID_ARG;
    for (i = 0; i < n; i++)
        memset(&replies[i], 0, sizeof replies[i]);
    if ((st = body_parse(&root, body, len, max_body)) != NT_OK)
        return st;
    if (!batch)
        st = parse_single(&replies[0], ids[0], root);
    else if (cJSON_IsArray(root))
        st = parse_batch(replies, ids, n, root);
    else
        st = batch_refused(replies, n, root);
    cJSON_Delete(root);
    if (st != NT_OK)
        for (i = 0; i < n; i++)
            nt_rpc_reply_cleanup(&replies[i]);
    return st;
}
