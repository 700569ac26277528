/* Unit tests for the JSON-RPC side without a network: the response parser
 * (error objects and their statuses, results of the wrong type, invalid
 * JSON, the body cap, envelopes, batches out of order), receipts and logs,
 * the retry delay, and the checks nt_rpc_client_create makes. The client
 * against real and misbehaving servers is tests/integration/ledger. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ledger/ledger_int.h"
#include "ledger_test.h"

static nt_status parse1(nt_rpc_reply *r, int64_t id, const char *body)
{
    return nt_rpc_response_parse(r, &id, 1, false, (const uint8_t *)body, strlen(body),
                                 NT_RPC_DEFAULT_MAX_BODY);
}

static void test_rpc_result(void **state)
{
    nt_rpc_reply r;
    uint64_t v;
    nt_u256 u;
    uint8_t h[32];
    bool null;
    nt_dynbuf d;
    (void)state;
    assert_int_equal(parse1(&r, 7, "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":\"0x7a69\"}"), NT_OK);
    assert_int_equal(r.status, NT_OK);
    assert_int_equal(nt_rpc_result_u64(&v, &r), NT_OK);
    assert_int_equal(v, 31337);
    assert_int_equal(nt_rpc_result_u256(&u, &r), NT_OK);
    assert_int_equal(nt_rpc_result_is_null(&null, &r), NT_OK);
    assert_false(null);
    /* A QUANTITY is not DATA of 32 bytes, nor data of an odd length. */
    assert_int_equal(nt_rpc_result_hash(h, &r), NT_ERR_RPC_RESULT_TYPE);
    nt_dynbuf_init(&d, 64);
    assert_int_equal(nt_rpc_result_json(&d, &r), NT_OK);
    assert_string_equal(nt_dynbuf_str(&d), "\"0x7a69\"");
    nt_dynbuf_reset(&d);
    assert_int_equal(nt_rpc_result_data(&d, &r), NT_OK); /* "0x7a69" is also 2 bytes of DATA */
    assert_int_equal(d.len, 2);
    nt_rpc_reply_cleanup(&r);
    /* null, whitespace around the value, unknown members ignored. */
    assert_int_equal(parse1(&r, 1, " {\"id\":1,\"x\":[1],\"result\":null,\"jsonrpc\":\"2.0\"}\r\n"),
                     NT_OK);
    assert_int_equal(nt_rpc_result_is_null(&null, &r), NT_OK);
    assert_true(null);
    assert_int_equal(nt_rpc_result_u64(&v, &r), NT_ERR_RPC_RESULT_TYPE);
    nt_rpc_reply_cleanup(&r);
    /* DATA beyond what the buffer may hold is a cap, not a type error. */
    assert_int_equal(parse1(&r, 1, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x00112233445566778899"
                                   "00112233445566778899001122334455667788990011223344556677889900"
                                   "1122334455667788990011223344556677889900112233445566778899\"}"),
                     NT_OK);
    nt_dynbuf_reset(&d);
    assert_int_equal(nt_rpc_result_data(&d, &r), NT_ERR_CAP);
    assert_int_equal(d.len, 0);
    nt_rpc_reply_cleanup(&r);
    nt_dynbuf_cleanup(&d);
}

/* Results of the wrong type or form: one status, whatever the getter. */
static void test_rpc_wrong_type(void **state)
{
    static const char *const bodies[] = {
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":5}",          /* a number, not a QUANTITY */
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x\"}",     /* empty QUANTITY */
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x01\"}",   /* leading zero */
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"12\"}",     /* no 0x */
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1g\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":true}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"a\":1}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[\"0x1\"]}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x10000000000000000\"}", /* 2^64 */
    };
    nt_rpc_reply r;
    uint64_t v;
    uint8_t h[32];
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        assert_int_equal(parse1(&r, 1, bodies[i]), NT_OK);
        assert_int_equal(nt_rpc_result_u64(&v, &r), NT_ERR_RPC_RESULT_TYPE);
        assert_int_equal(nt_rpc_result_hash(h, &r), NT_ERR_RPC_RESULT_TYPE);
        nt_rpc_reply_cleanup(&r);
    }
    /* A 31-byte hash. */
    assert_int_equal(parse1(&r, 1, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x"
                                   "00112233445566778899aabbccddeeff00112233445566778899aabbccddee\"}"),
                     NT_OK);
    assert_int_equal(nt_rpc_result_hash(h, &r), NT_ERR_RPC_RESULT_TYPE);
    nt_rpc_reply_cleanup(&r);
}

static void expect_error(int code, nt_status want)
{
    char body[256];
    nt_rpc_reply r;
    uint64_t v;
    snprintf(body, sizeof body,
             "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":%d,\"message\":\"m%d\"}}", code, code);
    assert_int_equal(parse1(&r, 3, body), NT_OK);
    assert_int_equal(r.status, want);
    assert_int_equal(r.error_code, code);
    assert_non_null(r.error_message);
    assert_int_equal(atoi(r.error_message + 1), code);
    assert_int_equal(nt_rpc_result_u64(&v, &r), want); /* getters pass the error on */
    nt_rpc_reply_cleanup(&r);
}

/* Every JSON-RPC error object maps to a status; code and message are kept. */
static void test_rpc_errors(void **state)
{
    nt_rpc_reply r;
    (void)state;
    expect_error(-32700, NT_ERR_RPC_PARSE_ERROR);
    expect_error(-32600, NT_ERR_RPC_INVALID_REQUEST);
    expect_error(-32601, NT_ERR_RPC_METHOD_NOT_FOUND);
    expect_error(-32602, NT_ERR_RPC_INVALID_PARAMS);
    expect_error(-32603, NT_ERR_RPC_INTERNAL);
    expect_error(-32000, NT_ERR_RPC_INVALID_INPUT);
    expect_error(-32001, NT_ERR_RPC_RESOURCE_NOT_FOUND);
    expect_error(-32002, NT_ERR_RPC_RESOURCE_UNAVAILABLE);
    expect_error(-32003, NT_ERR_RPC_TX_REJECTED);
    expect_error(-32004, NT_ERR_RPC_METHOD_UNSUPPORTED);
    expect_error(-32005, NT_ERR_RPC_LIMIT_EXCEEDED);
    expect_error(-32006, NT_ERR_RPC_METHOD_UNSUPPORTED);
    expect_error(-32050, NT_ERR_RPC_SERVER_ERROR);
    expect_error(-32099, NT_ERR_RPC_SERVER_ERROR);
    expect_error(-32100, NT_ERR_RPC_ERROR);
    expect_error(3, NT_ERR_RPC_REVERTED);
    expect_error(42, NT_ERR_RPC_ERROR);
    /* The revert data is kept as JSON; control characters never reach a
     * terminal; an error for an unreadable request may carry id null. */
    assert_int_equal(parse1(&r, 9, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":3,\"message\":"
                                   "\"execution reverted\\u001b[31m\",\"data\":\"0x08c379a0\"}}"),
                     NT_OK);
    assert_int_equal(r.status, NT_ERR_RPC_REVERTED);
    assert_string_equal(r.error_message, "execution reverted?[31m");
    assert_string_equal(r.error_data, "\"0x08c379a0\"");
    nt_rpc_reply_cleanup(&r);
}

static void test_rpc_invalid(void **state)
{
    static const char nul_body[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\0\"}";
    struct {
        const char *body;
        nt_status want;
    } cases[] = {
        {"", NT_ERR_RPC_JSON},
        {"{", NT_ERR_RPC_JSON},
        {"<html>502 Bad Gateway</html>", NT_ERR_RPC_JSON},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"} x", NT_ERR_RPC_JSON},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}{}", NT_ERR_RPC_JSON},
        /* "0x12\u00003" must not read as "0x12". */
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x12\\u00003\"}", NT_ERR_RPC_JSON},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"a\\\\u0000\"}", NT_OK}, /* an escaped backslash */
        {"{\"id\":1,\"result\":\"0x1\"}", NT_ERR_RPC_ENVELOPE},
        {"{\"jsonrpc\":\"1.0\",\"id\":1,\"result\":\"0x1\"}", NT_ERR_RPC_ENVELOPE},
        {"{\"jsonrpc\":\"2.0\",\"result\":\"0x1\"}", NT_ERR_RPC_ENVELOPE},
        {"{\"jsonrpc\":\"2.0\",\"id\":1}", NT_ERR_RPC_ENVELOPE},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1,\"error\":{\"code\":1,\"message\":\"\"}}",
         NT_ERR_RPC_ENVELOPE},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\",\"result\":\"0x2\"}", NT_ERR_RPC_ENVELOPE},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"message\":\"no code\"}}", NT_ERR_RPC_ENVELOPE},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":1.5,\"message\":\"\"}}", NT_ERR_RPC_ENVELOPE},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":1e300,\"message\":\"\"}}", NT_ERR_RPC_ENVELOPE},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":1,\"message\":7}}", NT_ERR_RPC_ENVELOPE},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":\"boom\"}", NT_ERR_RPC_ENVELOPE},
        {"[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}]", NT_ERR_RPC_ENVELOPE},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[1e999]}", NT_ERR_RPC_JSON}, /* not "null" */
        {"{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"0x1\"}", NT_ERR_RPC_ID},
        {"{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"result\":\"0x1\"}", NT_ERR_RPC_ID},
        {"{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":\"0x1\"}", NT_ERR_RPC_ID},
    };
    nt_rpc_reply r;
    int64_t id = 1;
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        nt_status st = parse1(&r, 1, cases[i].body);
        if (st != cases[i].want)
            fail_msg("case %zu (%s): %s", i, cases[i].body, nt_status_name(st));
        nt_rpc_reply_cleanup(&r);
    }
    assert_int_equal(nt_rpc_response_parse(&r, &id, 1, false, (const uint8_t *)nul_body,
                                           sizeof nul_body - 1, NT_RPC_DEFAULT_MAX_BODY),
                     NT_ERR_RPC_JSON);
    assert_int_equal(nt_rpc_response_parse(&r, &id, 2, false, (const uint8_t *)"{}", 2, 100),
                     NT_ERR_INVALID_ARG);
}

/* A body over the cap is refused before a byte of it is read: here the
 * bytes are not even JSON, and the 100 MB case uses the default cap. */
static void test_rpc_body_cap(void **state)
{
    size_t big = (size_t)100 * 1000 * 1000;
    uint8_t *body = malloc(big);
    nt_rpc_reply r;
    int64_t id = 1;
    const char *ok = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}";
    (void)state;
    assert_non_null(body);
    memset(body, 'x', big);
    assert_int_equal(nt_rpc_response_parse(&r, &id, 1, false, body, big, NT_RPC_DEFAULT_MAX_BODY),
                     NT_ERR_RPC_BODY_TOO_LARGE);
    free(body);
    assert_int_equal(nt_rpc_response_parse(&r, &id, 1, false, (const uint8_t *)ok, strlen(ok),
                                           strlen(ok) - 1),
                     NT_ERR_RPC_BODY_TOO_LARGE);
    assert_int_equal(nt_rpc_response_parse(&r, &id, 1, false, (const uint8_t *)ok, strlen(ok),
                                           strlen(ok)),
                     NT_OK);
    nt_rpc_reply_cleanup(&r);
}

static nt_status parse_batch(nt_rpc_reply *r, const char *body)
{
    static const int64_t ids[3] = {11, 12, 13};
    return nt_rpc_response_parse(r, ids, 3, true, (const uint8_t *)body, strlen(body),
                                 NT_RPC_DEFAULT_MAX_BODY);
}

static void cleanup3(nt_rpc_reply *r)
{
    int i;
    for (i = 0; i < 3; i++)
        nt_rpc_reply_cleanup(&r[i]);
}

static void test_rpc_batch(void **state)
{
    nt_rpc_reply r[3];
    uint64_t v;
    (void)state;
    /* Out of order, one error among results. */
    assert_int_equal(parse_batch(r, "[{\"jsonrpc\":\"2.0\",\"id\":13,\"result\":\"0xd\"},"
                                    "{\"jsonrpc\":\"2.0\",\"id\":11,\"result\":\"0xb\"},"
                                    "{\"jsonrpc\":\"2.0\",\"id\":12,\"error\":{\"code\":-32601,"
                                    "\"message\":\"nope\"}}]"),
                     NT_OK);
    assert_int_equal(nt_rpc_result_u64(&v, &r[0]), NT_OK);
    assert_int_equal(v, 11);
    assert_int_equal(r[1].status, NT_ERR_RPC_METHOD_NOT_FOUND);
    assert_string_equal(r[1].error_message, "nope");
    assert_int_equal(nt_rpc_result_u64(&v, &r[2]), NT_OK);
    assert_int_equal(v, 13);
    cleanup3(r);
    /* A response missing, one repeated, one not asked for, one too many. */
    assert_int_equal(parse_batch(r, "[{\"jsonrpc\":\"2.0\",\"id\":13,\"result\":\"0xd\"},"
                                    "{\"jsonrpc\":\"2.0\",\"id\":11,\"result\":\"0xb\"}]"),
                     NT_ERR_RPC_ID);
    assert_int_equal(parse_batch(r, "[{\"jsonrpc\":\"2.0\",\"id\":13,\"result\":\"0xd\"},"
                                    "{\"jsonrpc\":\"2.0\",\"id\":11,\"result\":\"0xb\"},"
                                    "{\"jsonrpc\":\"2.0\",\"id\":13,\"result\":\"0xd\"}]"),
                     NT_ERR_RPC_ID);
    assert_int_equal(parse_batch(r, "[{\"jsonrpc\":\"2.0\",\"id\":13,\"result\":\"0xd\"},"
                                    "{\"jsonrpc\":\"2.0\",\"id\":11,\"result\":\"0xb\"},"
                                    "{\"jsonrpc\":\"2.0\",\"id\":14,\"result\":\"0xe\"}]"),
                     NT_ERR_RPC_ID);
    assert_int_equal(parse_batch(r, "[{\"jsonrpc\":\"2.0\",\"id\":13,\"result\":\"0xd\"},"
                                    "{\"jsonrpc\":\"2.0\",\"id\":11,\"result\":\"0xb\"},"
                                    "{\"jsonrpc\":\"2.0\",\"id\":12,\"result\":\"0xc\"},"
                                    "{\"jsonrpc\":\"2.0\",\"id\":14,\"result\":\"0xe\"}]"),
                     NT_ERR_RPC_ID);
    assert_int_equal(parse_batch(r, "[]"), NT_ERR_RPC_ID);
    assert_int_equal(parse_batch(r, "[{\"jsonrpc\":\"2.0\",\"id\":13,\"result\":\"0xd\"},"
                                    "{\"jsonrpc\":\"2.0\",\"id\":11,\"result\":\"0xb\"}, 5]"),
                     NT_ERR_RPC_ENVELOPE);
    /* The batch itself refused: one error object for all. */
    assert_int_equal(parse_batch(r, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,"
                                    "\"message\":\"batch too large\"}}"),
                     NT_OK);
    assert_int_equal(r[0].status, NT_ERR_RPC_INVALID_REQUEST);
    assert_int_equal(r[2].status, NT_ERR_RPC_INVALID_REQUEST);
    assert_string_equal(r[2].error_message, "batch too large");
    cleanup3(r);
    assert_int_equal(parse_batch(r, "{\"jsonrpc\":\"2.0\",\"id\":11,\"result\":\"0xb\"}"),
                     NT_ERR_RPC_ENVELOPE);
}

static const char receipt_body[] =
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{"
    "\"type\":\"0x2\",\"status\":\"0x1\",\"cumulativeGasUsed\":\"0x5208\","
    "\"logs\":[{\"address\":\"0x5fbdb2315678afecb367f032d93f642f64180aa3\","
    "\"topics\":[\"0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef\"],"
    "\"data\":\"0x2a\",\"blockHash\":\"0x1111111111111111111111111111111111111111111111111111111111111111\","
    "\"blockNumber\":\"0x5\",\"transactionHash\":"
    "\"0x46b6777e82138f4a958b49219bba678399c4b28cd94decb2b2c89ae8ec755415\","
    "\"transactionIndex\":\"0x0\",\"logIndex\":\"0x0\",\"removed\":false}],"
    "\"logsBloom\":\"0x00\",\"transactionHash\":"
    "\"0x46b6777e82138f4a958b49219bba678399c4b28cd94decb2b2c89ae8ec755415\","
    "\"transactionIndex\":\"0x0\",\"blockHash\":"
    "\"0x1111111111111111111111111111111111111111111111111111111111111111\","
    "\"blockNumber\":\"0x5\",\"gasUsed\":\"0x5208\",\"effectiveGasPrice\":\"0x3b9aca00\","
    "\"from\":\"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266\",\"to\":null,"
    "\"contractAddress\":\"0x5fbdb2315678afecb367f032d93f642f64180aa3\"}}";

static void test_rpc_receipt(void **state)
{
    nt_rpc_reply r;
    nt_eth_receipt rc;
    nt_eth_logs logs;
    bool found;
    char *broken;
    (void)state;
    assert_int_equal(parse1(&r, 1, receipt_body), NT_OK);
    assert_int_equal(nt_eth_receipt_parse(&rc, &found, &r, 8), NT_OK);
    assert_true(found);
    assert_int_equal(rc.status, 1);
    assert_int_equal(rc.type, 2);
    assert_int_equal(rc.block_number, 5);
    assert_int_equal(rc.gas_used, 21000);
    assert_false(rc.has_to);
    assert_true(rc.has_contract_address);
    assert_int_equal(rc.from[0], 0xf3);
    assert_int_equal(rc.logs.count, 1);
    assert_int_equal(rc.logs.items[0].data_len, 1);
    assert_int_equal(rc.logs.items[0].data[0], 0x2a);
    nt_eth_receipt_cleanup(&rc);
    /* A receipt with more logs than allowed is refused whole. */
    assert_int_equal(nt_eth_receipt_parse(&rc, &found, &r, 0), NT_ERR_CAP);
    nt_eth_receipt_cleanup(&rc);
    nt_rpc_reply_cleanup(&r);
    /* status "0x2" is no EIP-658 status. */
    broken = strdup(receipt_body);
    memcpy(strstr(broken, "\"status\":\"0x1\"") + 12, "2", 1);
    assert_int_equal(parse1(&r, 1, broken), NT_OK);
    assert_int_equal(nt_eth_receipt_parse(&rc, &found, &r, 8), NT_ERR_RPC_RESULT_TYPE);
    nt_eth_receipt_cleanup(&rc);
    nt_rpc_reply_cleanup(&r);
    free(broken);
    /* Not mined yet. */
    assert_int_equal(parse1(&r, 1, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":null}"), NT_OK);
    assert_int_equal(nt_eth_receipt_parse(&rc, &found, &r, 8), NT_OK);
    assert_false(found);
    nt_rpc_reply_cleanup(&r);
    /* Logs: a pending log (blockNumber null) is refused, nothing kept. */
    nt_eth_logs_init(&logs, 4);
    assert_int_equal(parse1(&r, 1, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[]}"), NT_OK);
    assert_int_equal(nt_eth_logs_parse(&logs, &r), NT_OK);
    assert_int_equal(logs.count, 0);
    nt_rpc_reply_cleanup(&r);
    assert_int_equal(parse1(&r, 1, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[{\"address\":"
                                   "\"0x5fbdb2315678afecb367f032d93f642f64180aa3\",\"topics\":[],"
                                   "\"data\":\"0x\",\"blockNumber\":null}]}"),
                     NT_OK);
    assert_int_equal(nt_eth_logs_parse(&logs, &r), NT_ERR_RPC_RESULT_TYPE);
    assert_int_equal(logs.count, 0);
    nt_rpc_reply_cleanup(&r);
    nt_eth_logs_cleanup(&logs);
}

static void test_rpc_range_refused(void **state)
{
    nt_rpc_reply r;
    (void)state;
    memset(&r, 0, sizeof r);
    r.status = NT_ERR_RPC_LIMIT_EXCEEDED;
    assert_true(nt_eth_range_refused(&r));
    r.status = NT_ERR_RPC_INVALID_PARAMS;
    r.error_message = "Log response size exceeded. You can make eth_getLogs requests with up to "
                      "a 2K block range";
    assert_true(nt_eth_range_refused(&r));
    r.status = NT_ERR_RPC_INVALID_INPUT;
    r.error_message = "query returned more than 10000 results";
    assert_true(nt_eth_range_refused(&r));
    r.error_message = "nonce too low";
    assert_false(nt_eth_range_refused(&r));
    r.error_message = "block RANGE too large";
    assert_true(nt_eth_range_refused(&r));
    r.status = NT_ERR_RPC_REVERTED;
    assert_false(nt_eth_range_refused(&r));
}

static uint64_t fake_now(void *ctx)
{
    (void)ctx;
    return 0;
}

static void fake_sleep(void *ctx, uint64_t ms)
{
    (void)ctx;
    (void)ms;
}

static uint64_t fake_u64(void *ctx)
{
    return *(uint64_t *)ctx;
}

static void test_rpc_backoff_and_config(void **state)
{
    uint64_t rnd = 0;
    nt_ledger_env env = {fake_now, fake_sleep, fake_u64, &rnd};
    nt_rpc_config cfg;
    nt_rpc_client *c;
    (void)state;
    nt_rpc_config_init(&cfg, "http://127.0.0.1:8545", &env);
    assert_int_equal(nt_rpc_backoff_ms(&cfg, 1, 0), 0);
    assert_int_equal(nt_rpc_backoff_ms(&cfg, 2, 0), 125);       /* 250 / 2 */
    assert_int_equal(nt_rpc_backoff_ms(&cfg, 2, 125), 250);     /* + up to 125 */
    assert_int_equal(nt_rpc_backoff_ms(&cfg, 2, 126), 125);
    assert_int_equal(nt_rpc_backoff_ms(&cfg, 3, 0), 250);
    assert_int_equal(nt_rpc_backoff_ms(&cfg, 4, 0), 500);
    assert_int_equal(nt_rpc_backoff_ms(&cfg, 40, 0), 4000);     /* ceiling 8000 */
    assert_int_equal(nt_rpc_backoff_ms(&cfg, 40, 4000), 8000);
    /* Only http and https, with a host. */
    assert_int_equal(nt_rpc_client_create(&c, &cfg), NT_OK);
    nt_rpc_client_destroy(c);
    cfg.url = "https://node.example:8545/rpc";
    assert_int_equal(nt_rpc_client_create(&c, &cfg), NT_OK);
    nt_rpc_client_destroy(c);
    cfg.url = "ftp://127.0.0.1/";
    assert_int_equal(nt_rpc_client_create(&c, &cfg), NT_ERR_RPC_URL);
    cfg.url = "file:///etc/passwd";
    assert_int_equal(nt_rpc_client_create(&c, &cfg), NT_ERR_RPC_URL);
    cfg.url = "127.0.0.1:8545";
    assert_int_equal(nt_rpc_client_create(&c, &cfg), NT_ERR_RPC_URL);
    cfg.url = "http://";
    assert_int_equal(nt_rpc_client_create(&c, &cfg), NT_ERR_RPC_URL);
    cfg.url = "http://127.0.0.1:8545";
    cfg.env.u64 = NULL;
    assert_int_equal(nt_rpc_client_create(&c, &cfg), NT_ERR_INVALID_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rpc_result),       cmocka_unit_test(test_rpc_wrong_type),
        cmocka_unit_test(test_rpc_errors),       cmocka_unit_test(test_rpc_invalid),
        cmocka_unit_test(test_rpc_body_cap),     cmocka_unit_test(test_rpc_batch),
        cmocka_unit_test(test_rpc_receipt),      cmocka_unit_test(test_rpc_range_refused),
        cmocka_unit_test(test_rpc_backoff_and_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
