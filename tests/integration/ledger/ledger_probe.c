/*
 * ledger_probe: a test tool for tests/integration/ledger/chain.py (not part
 * of the agent). It drives nt_ledger against a real anvil node and against
 * the script's stand-ins for misbehaving nodes, and prints one line per
 * answer for the script to check.
 *
 *   ledger_probe rlp                 stdin: one JSON value per line (nested
 *                                    arrays of "0x.." strings); prints the RLP hex
 *   ledger_probe keccak              stdin: hex per line; prints keccak-256 hex
 *   ledger_probe send URL KEYHEX CHAIN_ID PROFILE|legacy [DATAHEX|create-log]
 *                                    signs, sends and waits for the receipt
 *   ledger_probe wrong-chain URL KEYHEX NODE_CHAIN TX_CHAIN
 *   ledger_probe call URL METHOD PARAMS KIND [TIMEOUT_MS [ATTEMPTS]]
 *                                    KIND: u64, hash, data, json
 *   ledger_probe batch URL
 *   ledger_probe logs URL FROM TO [ADDRESS [MAX_RANGE]]
 *   ledger_probe eth-call URL        eth_call of the identity precompile
 *
 * Output lines are "key=value ..." with the status name first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "nautilus/codec.h"
#include "nautilus/ledger.h"

#define LINE_MAX_LEN (1 << 20)

/* ---- the real clock and random source (the library takes them in) ----- */

static nt_rpc_client *client(const char *url, uint32_t timeout_ms, uint32_t attempts)
{
    nt_rpc_config cfg;
    nt_rpc_client *c;
    nt_status st;
    nt_rpc_config_init(&cfg, url, nt_ledger_env_system());
    cfg.connect_timeout_ms = timeout_ms;
    cfg.total_timeout_ms = timeout_ms;
    cfg.max_attempts = attempts;
    cfg.backoff_base_ms = 50;
    if ((st = nt_rpc_client_create(&c, &cfg)) != NT_OK) {
        printf("status=%s\n", nt_status_name(st));
        exit(1);
    }
    return c;
}

static void print_hex(const char *key, const uint8_t *data, size_t len)
{
    char *h = malloc(2 * len + 1);
    if (h == NULL || nt_hex_encode(h, 2 * len + 1, data, len) != NT_OK)
        abort();
    printf(" %s=0x%s", key, h);
    free(h);
}

static uint8_t *unhex(const char *hex, size_t *len)
{
    size_t n = strlen(hex);
    uint8_t *out = malloc(n / 2 + 1);
    if (out == NULL || nt_hex_decode(out, n / 2 + 1, len, hex, n) != NT_OK) {
        fprintf(stderr, "ledger_probe: bad hex %s\n", hex);
        exit(2);
    }
    return out;
}

/* ---- rlp and keccak -------------------------------------------------------- */

/* A JSON value of nested arrays and "0x.." strings, encoded as it is read
 * (the probe's input is the script's own, so a tiny reader does). */
static const char *rlp_value(nt_rlp_enc *e, const char *p)
{
    while (*p == ' ' || *p == ',')
        p++;
    if (*p == '[') {
        nt_rlp_enc_list_begin(e);
        p++;
        for (;;) {
            while (*p == ' ' || *p == ',')
                p++;
            if (*p == ']')
                break;
            if ((p = rlp_value(e, p)) == NULL)
                return NULL;
        }
        nt_rlp_enc_list_end(e);
        return p + 1;
    }
    if (*p == '"') {
        const char *end = strchr(p + 1, '"');
        uint8_t buf[4096];
        size_t n;
        if (end == NULL || nt_hex_decode(buf, sizeof buf, &n, p + 1, (size_t)(end - p - 1)) != NT_OK)
            return NULL;
        nt_rlp_enc_bytes(e, buf, n);
        return end + 1;
    }
    return NULL;
}

static int cmd_rlp(void)
{
    static char line[LINE_MAX_LEN];
    nt_rlp_enc e;
    nt_rlp_item it;
    const uint8_t *out;
    size_t len;
    nt_status st;
    nt_rlp_enc_init(&e, LINE_MAX_LEN);
    while (fgets(line, sizeof line, stdin) != NULL) {
        nt_rlp_enc_reset(&e);
        if (rlp_value(&e, line) == NULL) {
            printf("status=bad-input\n");
            continue;
        }
        st = nt_rlp_enc_finish(&e, &out, &len);
        /* Whatever we encode must decode as canonical RLP. */
        if (st == NT_OK)
            st = nt_rlp_decode(&it, out, len);
        if (st != NT_OK) {
            printf("status=%s\n", nt_status_name(st));
            continue;
        }
        printf("status=NT_OK");
        print_hex("rlp", out, len);
        printf("\n");
    }
    nt_rlp_enc_cleanup(&e);
    return 0;
}

static int cmd_keccak(void)
{
    static char line[LINE_MAX_LEN];
    uint8_t h[32];
    while (fgets(line, sizeof line, stdin) != NULL) {
        size_t n;
        uint8_t *data;
        line[strcspn(line, "\r\n")] = 0;
        data = unhex(line, &n);
        nt_keccak256(h, data, n);
        printf("status=NT_OK");
        print_hex("keccak", h, 32);
        printf("\n");
        free(data);
    }
    return 0;
}

/* ---- transactions ---------------------------------------------------------- */

/* Init code that emits Anchored(uint256 42) and deploys nothing:
 * PUSH1 42 PUSH1 0 MSTORE PUSH32 topic PUSH1 32 PUSH1 0 LOG1 STOP. */
static size_t create_log_code(uint8_t out[64])
{
    static const uint8_t head[] = {0x60, 0x2a, 0x60, 0x00, 0x52, 0x7f};
    static const uint8_t tail[] = {0x60, 0x20, 0x60, 0x00, 0xa1, 0x00};
    memcpy(out, head, sizeof head);
    nt_abi_event_topic(out + sizeof head, "Anchored(uint256)");
    memcpy(out + sizeof head + 32, tail, sizeof tail);
    return sizeof head + 32 + sizeof tail;
}

static nt_status fill_tx(nt_rpc_client *c, nt_tx *tx, const nt_secp256k1_key *key,
                         const char *profile_name)
{
    const nt_chain_profile *profile;
    nt_eth_call_msg msg;
    nt_status st;
    if (strcmp(profile_name, "legacy") == 0) {
        tx->type = NT_TX_LEGACY;
        st = nt_eth_gas_price(c, &tx->gas_price);
    } else if ((st = nt_chain_profile_find(&profile, profile_name)) == NT_OK) {
        st = nt_eth_fill_fees(c, tx, profile);
    }
    if (st == NT_OK)
        st = nt_eth_get_transaction_count(c, &tx->nonce, key->address, "pending");
    memset(&msg, 0, sizeof msg);
    msg.has_from = true;
    memcpy(msg.from, key->address, 20);
    msg.has_to = tx->has_to;
    memcpy(msg.to, tx->to, 20);
    msg.data = tx->data;
    msg.data_len = tx->data_len;
    msg.value = tx->value;
    if (st == NT_OK)
        st = nt_eth_estimate_gas(c, &tx->gas_limit, &msg);
    return st;
}

static void print_receipt(const nt_eth_receipt *rc)
{
    char addr[43];
    nt_eth_address_format(addr, rc->from);
    printf(" receipt_status=%u block=%llu type=%u from=%s logs=%zu", rc->status,
           (unsigned long long)rc->block_number, rc->type, addr, rc->logs.count);
    if (rc->has_contract_address) {
        nt_eth_address_format(addr, rc->contract_address);
        printf(" contract=%s", addr);
    }
    {
        char gp[80];
        if (nt_u256_to_dec(gp, sizeof gp, &rc->effective_gas_price) == NT_OK)
            printf(" effective_gas_price=%s", gp);
    }
}

static int cmd_send(int argc, char **argv)
{
    nt_rpc_client *c;
    nt_secp256k1_key key;
    nt_tx_signer signer;
    nt_tx tx;
    nt_dynbuf raw;
    nt_eth_receipt rc;
    uint8_t sk[32], hash[32], sent[32], code[64], *data = NULL, *skb;
    size_t n;
    uint64_t chain_id;
    char addr[43];
    nt_status st;
    if (argc < 6)
        return 2;
    skb = unhex(argv[3], &n);
    if (n != 32)
        return 2;
    memcpy(sk, skb, 32);
    free(skb);
    if (nt_secp256k1_key_from_secret(&key, sk) != NT_OK)
        return 2;
    chain_id = strtoull(argv[4], NULL, 10);
    c = client(argv[2], 10000, 3);
    nt_tx_init(&tx, NT_TX_EIP1559, chain_id);
    if (argc > 6 && strcmp(argv[6], "create-log") == 0) {
        tx.data = code;
        tx.data_len = create_log_code(code);
    } else {
        tx.has_to = true;
        memset(tx.to, 0x35, 20);
        nt_u256_from_u64(&tx.value, 1);
        if (argc > 6) {
            tx.data = data = unhex(argv[6], &tx.data_len);
        }
    }
    nt_dynbuf_init(&raw, NT_TX_MAX_RAW);
    nt_tx_signer_init(&signer, &key, chain_id);
    st = nt_eth_expect_chain_id(c, chain_id);
    if (st == NT_OK)
        st = fill_tx(c, &tx, &key, argv[5]);
    if (st == NT_OK)
        st = nt_tx_sign(&signer, &raw, NULL, hash, &tx);
    if (st == NT_OK)
        st = nt_eth_send_raw_transaction(c, sent, raw.data, raw.len);
    if (st == NT_OK)
        st = nt_eth_wait_receipt(c, &rc, hash, 1, 50, 20000);
    nt_eth_address_format(addr, key.address);
    printf("status=%s signer=%s tx_type=%d", nt_status_name(st), addr, (int)tx.type);
    print_hex("hash", hash, 32);
    print_hex("raw", raw.data, raw.len);
    if (st == NT_OK) {
        print_receipt(&rc);
        nt_eth_receipt_cleanup(&rc);
    }
    printf("\n");
    nt_dynbuf_cleanup(&raw);
    nt_secp256k1_key_wipe(&key);
    nt_rpc_client_destroy(c);
    free(data);
    return st == NT_OK ? 0 : 1;
}

/* The node's chain id checked against what we expect, and a transaction for
 * another chain refused by the signer; the account's nonce on the node
 * before and after shows nothing was sent. */
static int cmd_wrong_chain(int argc, char **argv)
{
    nt_rpc_client *c;
    nt_secp256k1_key key;
    nt_tx_signer signer;
    nt_tx tx;
    nt_dynbuf raw;
    uint8_t *skb;
    size_t n;
    uint64_t before = 0, after = 0;
    nt_status node, sign, st;
    if (argc < 6)
        return 2;
    skb = unhex(argv[3], &n);
    if (n != 32 || nt_secp256k1_key_from_secret(&key, skb) != NT_OK)
        return 2;
    free(skb);
    c = client(argv[2], 10000, 1);
    st = nt_eth_get_transaction_count(c, &before, key.address, "pending");
    node = nt_eth_expect_chain_id(c, strtoull(argv[4], NULL, 10));
    nt_tx_init(&tx, NT_TX_EIP1559, strtoull(argv[5], NULL, 10));
    tx.has_to = true;
    tx.gas_limit = 21000;
    nt_tx_signer_init(&signer, &key, strtoull(argv[4], NULL, 10));
    nt_dynbuf_init(&raw, NT_TX_MAX_RAW);
    sign = nt_tx_sign(&signer, &raw, NULL, NULL, &tx);
    if (st == NT_OK)
        st = nt_eth_get_transaction_count(c, &after, key.address, "pending");
    printf("status=%s node=%s sign=%s raw_len=%zu nonce_before=%llu nonce_after=%llu\n",
           nt_status_name(st), nt_status_name(node), nt_status_name(sign), raw.len,
           (unsigned long long)before, (unsigned long long)after);
    nt_dynbuf_cleanup(&raw);
    nt_secp256k1_key_wipe(&key);
    nt_rpc_client_destroy(c);
    return 0;
}

/* ---- calls ----------------------------------------------------------------- */

/* The result as text, read as kind says. */
static nt_status reply_value(nt_dynbuf *d, const nt_rpc_reply *r, const char *kind)
{
    uint64_t v;
    uint8_t h[32];
    nt_dynbuf tmp;
    nt_status st;
    if (strcmp(kind, "u64") == 0) {
        if ((st = nt_rpc_result_u64(&v, r)) != NT_OK)
            return st;
        return nt_dynbuf_addf(d, "%llu", (unsigned long long)v);
    }
    if (strcmp(kind, "hash") == 0) {
        if ((st = nt_rpc_result_hash(h, r)) != NT_OK)
            return st;
        return nt_dynbuf_add_str(d, "32-bytes");
    }
    if (strcmp(kind, "data") == 0) {
        nt_dynbuf_init(&tmp, NT_RPC_DEFAULT_MAX_BODY);
        st = nt_rpc_result_data(&tmp, r);
        if (st == NT_OK)
            st = nt_dynbuf_addf(d, "%zu-bytes", tmp.len);
        nt_dynbuf_cleanup(&tmp);
        return st;
    }
    return nt_rpc_result_json(d, r);
}

static void print_reply(nt_rpc_client *c, nt_status st, const nt_rpc_reply *r, const char *kind)
{
    nt_rpc_stats stats;
    nt_dynbuf d;
    nt_rpc_client_stats(c, &stats);
    nt_dynbuf_init(&d, NT_RPC_DEFAULT_MAX_BODY);
    if (st == NT_OK)
        st = reply_value(&d, r, kind);
    printf("status=%s code=%lld attempts=%u http=%ld", nt_status_name(st),
           (long long)r->error_code, stats.attempts, stats.http_status);
    if (st == NT_OK)
        printf(" value=%s", nt_dynbuf_str(&d));
    if (r->error_message != NULL)
        printf(" message=%s", r->error_message);
    printf("\n");
    nt_dynbuf_cleanup(&d);
}

static int cmd_call(int argc, char **argv)
{
    nt_rpc_client *c;
    nt_rpc_reply r;
    nt_status st;
    if (argc < 6)
        return 2;
    c = client(argv[2], argc > 6 ? (uint32_t)atoi(argv[6]) : 5000,
               argc > 7 ? (uint32_t)atoi(argv[7]) : 1);
    st = nt_rpc_call(c, &r, argv[3], argv[4]);
    print_reply(c, st, &r, argv[5]);
    nt_rpc_reply_cleanup(&r);
    nt_rpc_client_destroy(c);
    return 0;
}

static int cmd_batch(int argc, char **argv)
{
    static const nt_rpc_request reqs[] = {
        {"eth_chainId", NULL},
        {"eth_blockNumber", NULL},
        {"eth_no_such_method", NULL},
        {"eth_getBalance", "[\"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266\",\"latest\"]"},
    };
    static const char *const kinds[] = {"u64", "u64", "u64", "json"};
    nt_rpc_client *c;
    nt_rpc_reply r[4];
    size_t i;
    nt_status st;
    if (argc < 3)
        return 2;
    c = client(argv[2], 5000, 1);
    st = nt_rpc_batch(c, r, reqs, 4);
    printf("status=%s\n", nt_status_name(st));
    for (i = 0; st == NT_OK && i < 4; i++) {
        printf("%s: ", reqs[i].method);
        print_reply(c, r[i].status, &r[i], kinds[i]);
        nt_rpc_reply_cleanup(&r[i]);
    }
    nt_rpc_client_destroy(c);
    return 0;
}

/* eth_getLogs over [FROM, TO]; each Anchored(uint256) log decoded. */
static int cmd_logs(int argc, char **argv)
{
    static const nt_abi_type types[] = {NT_ABI_UINT256};
    static const bool indexed[] = {false};
    const nt_abi_event ev = {"Anchored", types, indexed, 1};
    nt_rpc_client *c;
    nt_eth_log_filter f;
    nt_eth_logs logs;
    nt_abi_value v;
    size_t i, decoded = 0;
    nt_status st;
    if (argc < 5)
        return 2;
    memset(&f, 0, sizeof f);
    f.from_block = strtoull(argv[3], NULL, 10);
    f.to_block = strtoull(argv[4], NULL, 10);
    if (argc > 5 && strcmp(argv[5], "-") != 0) {
        uint8_t *a;
        size_t n;
        a = unhex(argv[5], &n);
        f.has_address = n == 20;
        memcpy(f.address, a, n == 20 ? 20 : 0);
        free(a);
    }
    f.max_range = argc > 6 ? strtoull(argv[6], NULL, 10) : 0;
    c = client(argv[2], 5000, 1);
    nt_eth_logs_init(&logs, 10000);
    st = nt_eth_get_logs(c, &logs, &f);
    for (i = 0; i < logs.count; i++)
        if (nt_abi_log_decode(&v, &ev, (const uint8_t(*)[32])logs.items[i].topics,
                              logs.items[i].n_topics, logs.items[i].data,
                              logs.items[i].data_len) == NT_OK &&
            v.v.uint256.be[31] == 42)
            decoded++;
    printf("status=%s count=%zu decoded=%zu blocks=", nt_status_name(st), logs.count, decoded);
    for (i = 0; i < logs.count; i++)
        printf("%s%llu", i ? "," : "", (unsigned long long)logs.items[i].block_number);
    printf("\n");
    nt_eth_logs_cleanup(&logs);
    nt_rpc_client_destroy(c);
    return 0;
}

/* eth_call of the identity precompile (address 4) with ABI-encoded values:
 * it returns its input, which must decode to the same values. */
static int cmd_eth_call(int argc, char **argv)
{
    static const nt_abi_type types[] = {NT_ABI_STRING, NT_ABI_UINT64, NT_ABI_BYTES32_ARRAY};
    uint8_t words[64];
    nt_abi_value in[3], out[3];
    nt_eth_call_msg msg;
    nt_dynbuf call, ret;
    nt_rpc_client *c;
    nt_status st;
    if (argc < 3)
        return 2;
    memset(words, 0xab, sizeof words);
    in[0].type = NT_ABI_STRING;
    in[0].v.bytes.data = (const uint8_t *)"printer.local";
    in[0].v.bytes.len = 13;
    in[1].type = NT_ABI_UINT64;
    in[1].v.uint64 = 4096;
    in[2].type = NT_ABI_BYTES32_ARRAY;
    in[2].v.array.words = words;
    in[2].v.array.count = 2;
    nt_dynbuf_init(&call, 4096);
    nt_dynbuf_init(&ret, 4096);
    c = client(argv[2], 5000, 1);
    memset(&msg, 0, sizeof msg);
    msg.has_to = true;
    msg.to[19] = 4;
    st = nt_abi_encode(&call, in, 3);
    msg.data = call.data;
    msg.data_len = call.len;
    if (st == NT_OK)
        st = nt_eth_call(c, &ret, &msg, "latest");
    if (st == NT_OK)
        st = nt_abi_decode(out, types, 3, ret.data, ret.len);
    printf("status=%s same=%d\n", nt_status_name(st),
           st == NT_OK && ret.len == call.len && memcmp(ret.data, call.data, call.len) == 0 &&
               out[1].v.uint64 == 4096 && out[0].v.bytes.len == 13 && out[2].v.array.count == 2);
    nt_dynbuf_cleanup(&call);
    nt_dynbuf_cleanup(&ret);
    nt_rpc_client_destroy(c);
    return 0;
}

int main(int argc, char **argv)
{
    int rc = 2;
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2)
        rc = 2;
    else if (strcmp(argv[1], "rlp") == 0)
        rc = cmd_rlp();
    else if (strcmp(argv[1], "keccak") == 0)
        rc = cmd_keccak();
    else if (strcmp(argv[1], "send") == 0)
        rc = cmd_send(argc, argv);
    else if (strcmp(argv[1], "wrong-chain") == 0)
        rc = cmd_wrong_chain(argc, argv);
    else if (strcmp(argv[1], "call") == 0)
        rc = cmd_call(argc, argv);
    else if (strcmp(argv[1], "batch") == 0)
        rc = cmd_batch(argc, argv);
    else if (strcmp(argv[1], "logs") == 0)
        rc = cmd_logs(argc, argv);
    else if (strcmp(argv[1], "eth-call") == 0)
        rc = cmd_eth_call(argc, argv);
    if (rc == 2)
        fprintf(stderr, "usage: see the comment at the top of ledger_probe.c\n");
    return rc;
}
