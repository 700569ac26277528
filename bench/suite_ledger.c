/*
 * bench/suite_ledger.c - the ledger (issue 10, must show 6).
 *
 * On an anvil the suite starts itself (127.0.0.1, a free port, stopped by
 * PID; skipped with a note when node_modules has no anvil), from anvil's
 * public dev account 0:
 *   ledger.records_per_mgas_N  records anchored per million gas by one
 *                              Checkpoints.checkpoint covering N new leaves
 *                              (N = 1, 16, 256, 4096; a steady checkpoint,
 *                              after the log's first) against one
 *                              EventPerRecord.logRecord per record. Gas is
 *                              deterministic: the receipts' gasUsed, printed
 *                              per record in a note.
 *   ledger.audit_one           one record audited in process: headOf by one
 *                              eth_call at a fixed block, and the leaf's
 *                              inclusion proof verified against that root,
 *                              against `cast call` of the same view (a
 *                              process per call; its floor, `cast
 *                              --version`, in a note).
 * In memory (no peer: there is no other RLP or transaction code in the
 * tree to compare with):
 *   ledger.rlp_encode / ledger.rlp_decode   a signed legacy transaction's
 *                              nine fields
 *   ledger.tx_sign             nt_tx_sign of an EIP-1559 transaction against
 *                              the bare libsecp256k1 recoverable signature
 *                              of its hash (ratio = 1 - RLP/keccak overhead).
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "nautilus/codec.h"
#include "nautilus/ledger_chain.h"
#include "nautilus/ledger_log.h"
#include "nautilus/mem.h"

#ifndef NT_CORPUS_SOURCE_DIR
#define NT_CORPUS_SOURCE_DIR "."
#endif

#define CHAIN_ID 31337
#define PATH_CAP 4200
/* Anvil's well-known dev account 0 (a public, test-only key). */
static const char dev_key_hex[] = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
static const uint64_t sizes[] = {1, 16, 256, 4096};
#define N_SIZES (sizeof sizes / sizeof sizes[0])
#define MAX_LEAVES (1 + 1 + 16 + 256 + 4096)

typedef struct ledger_bench {
    nt_secp256k1_key key;
    nt_tx_signer signer;
    nt_tx tx;
    uint8_t data[100];
    nt_rlp_enc enc;
    const uint8_t *rlp;
    size_t rlp_len;
    nt_dynbuf raw;
    /* on chain */
    const char *src;
    pid_t anvil;
    char url[64];
    nt_rpc_client *client;
    nt_chain_sender sender;
    const nt_chain_profile *profile;
    nt_chain_contracts k;
    nt_outbox *outbox;
    char dir[PATH_CAP];
    char ob_path[PATH_CAP + 16];
    uint8_t epr[20];
    uint8_t log_id[32];
    nt_merkle_tree *tree;
    uint64_t block;
    char cast_args[3][80];
} ledger_bench;

static const char *source_dir(void)
{
    const char *d = getenv("NT_SOURCE_DIR");
    return d && *d ? d : NT_CORPUS_SOURCE_DIR;
}

/* ---- in memory ------------------------------------------------------------- */

static nt_status batch_rlp_encode(void *arg, uint64_t *ops)
{
    ledger_bench *b = arg;
    static const uint8_t rs[32] = {0x5a};
    const uint8_t *out;
    size_t len;
    nt_status st = NT_OK;

    for (int i = 0; i < 256 && st == NT_OK; i++) {
        nt_rlp_enc_reset(&b->enc);
        nt_rlp_enc_list_begin(&b->enc);
        nt_rlp_enc_u64(&b->enc, (uint64_t)i);
        nt_rlp_enc_u64(&b->enc, 1000000000);
        nt_rlp_enc_u64(&b->enc, 90000);
        nt_rlp_enc_bytes(&b->enc, b->key.address, 20);
        nt_rlp_enc_u64(&b->enc, 0);
        nt_rlp_enc_bytes(&b->enc, b->data, sizeof b->data);
        nt_rlp_enc_u64(&b->enc, 2 * CHAIN_ID + 35);
        nt_rlp_enc_bytes(&b->enc, rs, 32);
        nt_rlp_enc_bytes(&b->enc, rs, 32);
        nt_rlp_enc_list_end(&b->enc);
        st = nt_rlp_enc_finish(&b->enc, &out, &len);
    }
    *ops += 256;
    return st;
}

static nt_status batch_rlp_decode(void *arg, uint64_t *ops)
{
    ledger_bench *b = arg;
    nt_rlp_item list, items[9];
    size_t n;
    uint64_t nonce;
    nt_status st = NT_OK;

    for (int i = 0; i < 256 && st == NT_OK; i++) {
        if ((st = nt_rlp_decode(&list, b->rlp, b->rlp_len)) == NT_OK &&
            (st = nt_rlp_list_items(items, 9, &n, &list)) == NT_OK)
            st = nt_rlp_item_u64(&nonce, &items[0]);
    }
    *ops += 256;
    return st;
}

static nt_status batch_sign(void *arg, uint64_t *ops)
{
    ledger_bench *b = arg;
    uint8_t hash[32];
    nt_status st = NT_OK;

    for (int i = 0; i < 16 && st == NT_OK; i++) {
        b->tx.nonce++;
        st = nt_tx_sign(&b->signer, &b->raw, NULL, hash, &b->tx);
    }
    *ops += 16;
    return st;
}

static nt_status batch_bare_sign(void *arg, uint64_t *ops)
{
    ledger_bench *b = arg;
    uint8_t hash[32] = {1}, sig[64];
    int recid;
    nt_status st = NT_OK;

    for (int i = 0; i < 16 && st == NT_OK; i++) {
        hash[0] = (uint8_t)i;
        st = nt_secp256k1_sign_recoverable(&b->key, sig, &recid, hash);
    }
    *ops += 16;
    return st;
}

static nt_status bench_cpu(nt_bench_ctx *ctx, ledger_bench *b)
{
    uint64_t ops = 0;
    double enc, dec, ours, peer;
    nt_status st;

    memset(b->data, 0xab, sizeof b->data);
    nt_rlp_enc_init(&b->enc, 4096);
    nt_dynbuf_init(&b->raw, NT_TX_MAX_RAW);
    nt_tx_init(&b->tx, NT_TX_EIP1559, CHAIN_ID);
    b->tx.gas_limit = 90000;
    nt_u256_from_u64(&b->tx.max_fee_per_gas, 2000000000);
    nt_u256_from_u64(&b->tx.max_priority_fee_per_gas, 1000000000);
    b->tx.has_to = true;
    b->tx.data = b->data;
    b->tx.data_len = sizeof b->data;
    if ((st = batch_rlp_encode(b, &ops)) != NT_OK ||
        (st = nt_rlp_enc_finish(&b->enc, &b->rlp, &b->rlp_len)) != NT_OK)
        return st;
    if ((st = nt_bench_measure(ctx, &enc, batch_rlp_encode, b)) != NT_OK ||
        (st = nt_rlp_enc_finish(&b->enc, &b->rlp, &b->rlp_len)) != NT_OK ||
        (st = nt_bench_measure(ctx, &dec, batch_rlp_decode, b)) != NT_OK ||
        (st = nt_bench_compare(ctx, &ours, batch_sign, b, &peer, batch_bare_sign, b)) != NT_OK)
        return st;
    nt_bench_note(ctx, "ledger: RLP of a signed legacy transaction, %zu bytes", b->rlp_len);
    nt_bench_report(ctx, "ledger.rlp_encode", enc, 0, "tx/s");
    nt_bench_report(ctx, "ledger.rlp_decode", dec, 0, "tx/s");
    nt_bench_report(ctx, "ledger.tx_sign", ours, peer, "tx/s");
    return NT_OK;
}

/* ---- anvil ------------------------------------------------------------------ */

static uint64_t mono_ms(void *ctx)
{
    (void)ctx;
    return (uint64_t)(nt_bench_now() * 1000.0);
}

static uint64_t wall_ms(void *ctx)
{
    struct timespec ts;
    (void)ctx;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void sleep_ms(void *ctx, uint64_t ms)
{
    (void)ctx;
    usleep((useconds_t)(ms * 1000));
}

static uint64_t no_jitter(void *ctx)
{
    (void)ctx;
    return 0;
}

static const nt_ledger_env env = {mono_ms, sleep_ms, no_jitter, NULL};

static int free_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

/* Starts anvil and connects; false (with a note) when it cannot run here. */
static bool start_anvil(nt_bench_ctx *ctx, ledger_bench *b)
{
    char path[PATH_CAP], port[16];
    nt_rpc_config cfg;
    uint64_t id = 0;
    int p = free_port();

    snprintf(path, sizeof path, "%s/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil", b->src);
    if (access(path, X_OK) != 0 || p < 0) {
        nt_bench_note(ctx, "ledger: no anvil at %s (bash scripts/deps.sh): chain figures skipped",
                      path);
        return false;
    }
    snprintf(port, sizeof port, "%d", p);
    snprintf(b->url, sizeof b->url, "http://127.0.0.1:%d", p);
    fflush(stdout);
    if ((b->anvil = fork()) == 0) {
        char *argv[] = {path, "--host", "127.0.0.1", "--port", port, "--silent", NULL};
        execv(path, argv);
        _exit(127);
    }
    nt_rpc_config_init(&cfg, b->url, &env);
    cfg.max_attempts = 1;
    if (b->anvil < 0 || nt_rpc_client_create(&b->client, &cfg) != NT_OK)
        return false;
    for (int i = 0; i < 100; i++) {
        if (nt_eth_chain_id(b->client, &id) == NT_OK)
            return id == CHAIN_ID;
        usleep(100000);
    }
    nt_bench_note(ctx, "ledger: anvil did not answer on %s", b->url);
    return false;
}

static void stop_anvil(ledger_bench *b)
{
    int status;
    nt_rpc_client_destroy(b->client);
    b->client = NULL;
    if (b->anvil > 0) {
        kill(b->anvil, SIGTERM);
        while (waitpid(b->anvil, &status, 0) < 0 && errno == EINTR)
            ;
    }
    b->anvil = 0;
}

/* Signs and sends one transaction from the dev account; its receipt's gas
 * (and the created address for to == NULL). */
static nt_status send_tx(ledger_bench *b, uint64_t *gas, uint8_t *created, const uint8_t *to,
                         const uint8_t *data, size_t len)
{
    nt_eth_receipt rc;
    nt_tx tx;
    uint8_t hash[32], node[32];
    uint64_t nonce = 0;
    nt_status st;

    memset(&rc, 0, sizeof rc);
    nt_tx_init(&tx, NT_TX_EIP1559, CHAIN_ID);
    tx.gas_limit = 3000000;
    tx.has_to = to != NULL;
    if (to)
        memcpy(tx.to, to, 20);
    tx.data = data;
    tx.data_len = len;
    nt_dynbuf_reset(&b->raw);
    if ((st = nt_eth_get_transaction_count(b->client, &nonce, b->key.address, "pending")) != NT_OK)
        return st;
    tx.nonce = nonce;
    if ((st = nt_eth_fill_fees(b->client, &tx, b->profile)) == NT_OK &&
        (st = nt_tx_sign(&b->signer, &b->raw, NULL, hash, &tx)) == NT_OK &&
        (st = nt_eth_send_raw_transaction(b->client, node, b->raw.data, b->raw.len)) == NT_OK &&
        (st = nt_eth_wait_receipt(b->client, &rc, hash, 1, 50, 30000)) == NT_OK) {
        *gas = rc.gas_used;
        if (rc.status != 1)
            st = NT_ERR_CHAIN_TX_FAILED;
        if (created)
            memcpy(created, rc.contract_address, 20);
    }
    nt_eth_receipt_cleanup(&rc);
    return st;
}

static nt_status read_bin(ledger_bench *b, const char *name, uint8_t **out, size_t *len)
{
    char path[PATH_CAP];
    FILE *f;
    char *hex = nt_malloc(2 * NT_TX_MAX_DATA);
    size_t n = 0;
    nt_status st = NT_ERR_IO;

    snprintf(path, sizeof path, "%s/contracts/build/%s.bin", b->src, name);
    *out = nt_malloc(NT_TX_MAX_DATA);
    if (hex && *out && (f = fopen(path, "r")) != NULL) {
        n = fread(hex, 1, 2 * NT_TX_MAX_DATA - 1, f);
        fclose(f);
        while (n && (hex[n - 1] == '\n' || hex[n - 1] == '\r'))
            n--;
        st = nt_hex_decode(*out, NT_TX_MAX_DATA, len, hex, n);
    }
    nt_free(hex);
    return st;
}

/* The deployment's outbox, in a fresh directory under $TMPDIR (or /tmp),
 * removed by close_outbox. */
static nt_status open_outbox(ledger_bench *b)
{
    nt_outbox_config cfg;
    const char *tmp = getenv("TMPDIR");

    snprintf(b->dir, sizeof b->dir, "%s/nt-bench-ledger-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(b->dir) == NULL) {
        b->dir[0] = '\0';
        return NT_ERR_IO;
    }
    snprintf(b->ob_path, sizeof b->ob_path, "%s/outbox.sqlite", b->dir);
    nt_chain_outbox_config(&cfg, &b->sender);
    return nt_outbox_open(&b->outbox, b->ob_path, b->key.address, CHAIN_ID, &cfg);
}

static void close_outbox(ledger_bench *b)
{
    static const char *const suffix[] = {"", "-wal", "-shm"};
    char path[PATH_CAP + 32];

    nt_outbox_close(b->outbox);
    b->outbox = NULL;
    if (b->dir[0] == '\0')
        return;
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s%s", b->ob_path, suffix[i]);
        (void)unlink(path);
    }
    (void)rmdir(b->dir);
}

/* Deploys the three contracts (through an outbox) and EventPerRecord,
 * registers a name. */
static nt_status setup_chain(ledger_bench *b)
{
    uint8_t *bin[4] = {NULL};
    size_t len[4] = {0};
    static const char *const names[4] = {"Registry", "Checkpoints", "Credentials",
                                         "EventPerRecord"};
    nt_chain_call call = {.kind = NT_CHAIN_CALL_REGISTER};
    static const uint8_t name[] = "\5bench\5local";
    nt_dynbuf data;
    uint64_t gas;
    nt_status st = NT_OK;

    for (int i = 0; i < 4 && st == NT_OK; i++)
        st = read_bin(b, names[i], &bin[i], &len[i]);
    b->sender = (nt_chain_sender){b->client, &b->signer, b->profile, 1, 50, 30000, wall_ms, NULL};
    if (st == NT_OK)
        st = open_outbox(b);
    if (st == NT_OK)
        st = nt_chain_deploy(&b->sender, b->outbox, &b->k,
                             &(nt_chain_bytecode){bin[0], len[0], bin[1], len[1], bin[2], len[2]});
    if (st == NT_OK)
        st = send_tx(b, &gas, b->epr, NULL, bin[3], len[3]);
    nt_keccak256(b->log_id, (const uint8_t *)"nt-bench ledger log", 19);
    memcpy(call.digest, b->log_id, 32);
    nt_dynbuf_init(&data, 1024);
    if (st == NT_OK && (st = nt_chain_name_hash(call.name_hash, name, sizeof name)) == NT_OK &&
        (st = nt_chain_call_encode(&data, &call)) == NT_OK)
        st = send_tx(b, &gas, NULL, b->k.registry, data.data, data.len);
    nt_dynbuf_cleanup(&data);
    for (int i = 0; i < 4; i++)
        nt_free(bin[i]);
    return st;
}

/* ---- gas per anchored record ----------------------------------------------- */

/* Checkpoints.checkpoint of the first `size` leaves; its gas. */
static nt_status checkpoint_gas(ledger_bench *b, uint64_t *gas, uint64_t size)
{
    static const uint8_t name[] = "\5bench\5local";
    nt_chain_call call = {.kind = NT_CHAIN_CALL_CHECKPOINT, .size = size};
    nt_merkle_source src;
    nt_dynbuf data;
    nt_status st;

    nt_merkle_tree_source(&src, b->tree);
    memcpy(call.digest, b->log_id, 32);
    nt_dynbuf_init(&data, 1024);
    if ((st = nt_chain_name_hash(call.name_hash, name, sizeof name)) == NT_OK &&
        (st = nt_merkle_root(call.root, &src, size)) == NT_OK &&
        (st = nt_chain_call_encode(&data, &call)) == NT_OK)
        st = send_tx(b, gas, NULL, b->k.checkpoints, data.data, data.len);
    nt_dynbuf_cleanup(&data);
    return st;
}

/* EventPerRecord.logRecord of leaf i's hash; its gas. */
static nt_status event_gas(ledger_bench *b, uint64_t *gas, uint64_t i)
{
    nt_abi_value arg = {.type = NT_ABI_BYTES32};
    nt_merkle_source src;
    nt_dynbuf data;
    nt_status st;

    nt_merkle_tree_source(&src, b->tree);
    nt_dynbuf_init(&data, 256);
    if ((st = src.node(src.ctx, arg.v.bytes32, 0, i)) == NT_OK &&
        (st = nt_abi_encode_call(&data, "logRecord", &arg, 1)) == NT_OK)
        st = send_tx(b, gas, NULL, b->epr, data.data, data.len);
    nt_dynbuf_cleanup(&data);
    return st;
}

static nt_status bench_gas(nt_bench_ctx *ctx, ledger_bench *b)
{
    uint64_t gas = 0, first = 0, total = 0, size = 1, per_event = 0;
    char name[64];
    nt_status st;

    for (uint64_t i = 0; i < MAX_LEAVES; i++) {
        uint8_t leaf[32], in[24];
        snprintf((char *)in, sizeof in, "nt-bench leaf %06" PRIu64, i);
        if ((st = nt_merkle_leaf_hash(leaf, in, 20)) != NT_OK ||
            (st = nt_merkle_tree_append(b->tree, leaf)) != NT_OK)
            return st;
    }
    /* The log's first checkpoint fills fresh storage; the figures are the
     * steady ones after it. */
    if ((st = checkpoint_gas(b, &first, size)) != NT_OK)
        return st;
    for (uint64_t i = 0; i < 4; i++) {
        if ((st = event_gas(b, &gas, i)) != NT_OK)
            return st;
        total += gas;
    }
    per_event = total / 4;
    nt_bench_note(ctx, "ledger: first checkpoint of a log %" PRIu64 " gas; one event per record %"
                  PRIu64 " gas", first, per_event);
    for (size_t k = 0; k < N_SIZES; k++) {
        size += sizes[k];
        if ((st = checkpoint_gas(b, &gas, size)) != NT_OK)
            return st;
        double per = (double)gas / (double)sizes[k];
        nt_bench_note(ctx, "ledger: checkpoint of %" PRIu64 " leaves: %" PRIu64
                      " gas, %.2f gas per record (one event per record costs %.2fx that)",
                      sizes[k], gas, per, (double)per_event / per);
        snprintf(name, sizeof name, "ledger.records_per_mgas_%" PRIu64, sizes[k]);
        nt_bench_report(ctx, name, 1e6 / per, 1e6 / (double)per_event, "rec/Mgas");
    }
    return NT_OK;
}

/* ---- one record audited ------------------------------------------------------ */

static nt_status batch_audit(void *arg, uint64_t *ops)
{
    ledger_bench *b = arg;
    nt_chain_head head;
    nt_merkle_proof proof;
    nt_merkle_source src;
    uint8_t leaf[32];
    const uint64_t index = 100;
    nt_status st;

    nt_merkle_tree_source(&src, b->tree);
    if ((st = nt_chain_head_of(b->client, &head, b->k.checkpoints, b->log_id, b->block)) !=
            NT_OK ||
        (st = src.node(src.ctx, leaf, 0, index)) != NT_OK ||
        (st = nt_merkle_inclusion_proof(&proof, &src, index, head.size)) != NT_OK ||
        (st = nt_merkle_inclusion_verify(&proof, leaf, index, head.size, head.root)) != NT_OK)
        return st;
    *ops += 1;
    return NT_OK;
}

/* Runs cast with args, output discarded; NT_ERR_IO unless it exits 0. */
static nt_status run_cast(ledger_bench *b, bool version_only)
{
    char path[PATH_CAP];
    pid_t pid;
    int status;

    snprintf(path, sizeof path, "%s/node_modules/@foundry-rs/cast-linux-amd64/bin/cast", b->src);
    fflush(stdout);
    if ((pid = fork()) == 0) {
        char *call[] = {path, "call", "--rpc-url", b->url, "--block", b->cast_args[2],
                        b->cast_args[0], "headOf(bytes32)(uint64,bytes32,uint64)",
                        b->cast_args[1], NULL};
        char *version[] = {path, "--version", NULL};
        if (freopen("/dev/null", "w", stdout) == NULL)
            _exit(126);
        execv(path, version_only ? version : call);
        _exit(127);
    }
    if (pid < 0)
        return NT_ERR_IO;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? NT_OK : NT_ERR_IO;
}

static nt_status batch_cast(void *arg, uint64_t *ops)
{
    nt_status st = run_cast(arg, false);
    *ops += st == NT_OK;
    return st;
}

static nt_status batch_cast_version(void *arg, uint64_t *ops)
{
    nt_status st = run_cast(arg, true);
    *ops += st == NT_OK;
    return st;
}

static nt_status bench_audit(nt_bench_ctx *ctx, ledger_bench *b)
{
    double ours, peer, floor_rate;
    uint64_t ops = 0;
    nt_status st;

    if ((st = nt_eth_block_number(b->client, &b->block)) != NT_OK)
        return st;
    snprintf(b->cast_args[0], sizeof b->cast_args[0], "0x");
    if ((st = nt_hex_encode(b->cast_args[0] + 2, 41, b->k.checkpoints, 20)) != NT_OK)
        return st;
    snprintf(b->cast_args[1], sizeof b->cast_args[1], "0x");
    if ((st = nt_hex_encode(b->cast_args[1] + 2, 65, b->log_id, 32)) != NT_OK)
        return st;
    snprintf(b->cast_args[2], sizeof b->cast_args[2], "%" PRIu64, b->block);
    /* Both sides must work before they are timed. */
    if ((st = batch_audit(b, &ops)) != NT_OK || (st = run_cast(b, false)) != NT_OK) {
        nt_bench_note(ctx, "ledger: audit check failed: %s", nt_strerror(st));
        return st;
    }
    if ((st = nt_bench_compare(ctx, &ours, batch_audit, b, &peer, batch_cast, b)) != NT_OK ||
        (st = nt_bench_measure(ctx, &floor_rate, batch_cast_version, b)) != NT_OK)
        return st;
    nt_bench_note(ctx, "ledger: audit of one record in process (one eth_call + inclusion proof) "
                  "vs a cast process per call; cast --version alone: %.1f ms", 1e3 / floor_rate);
    nt_bench_report(ctx, "ledger.audit_one", ours, peer, "calls/s");
    return NT_OK;
}

NT_BENCH_SUITE_DEFINE(ledger)
{
    static ledger_bench b;
    uint8_t sk[32];
    size_t n = 0;
    nt_status st;

    memset(&b, 0, sizeof b);
    b.src = source_dir();
    if ((st = nt_hex_decode(sk, sizeof sk, &n, dev_key_hex, 64)) != NT_OK ||
        (st = nt_secp256k1_key_from_secret(&b.key, sk)) != NT_OK ||
        (st = nt_chain_profile_find(&b.profile, "ethereum")) != NT_OK)
        return st;
    nt_tx_signer_init(&b.signer, &b.key, CHAIN_ID);
    st = bench_cpu(ctx, &b);
    if (st == NT_OK && start_anvil(ctx, &b)) {
        if ((st = nt_merkle_tree_create(&b.tree, MAX_LEAVES)) == NT_OK &&
            (st = setup_chain(&b)) == NT_OK && (st = bench_gas(ctx, &b)) == NT_OK)
            st = bench_audit(ctx, &b);
        if (st != NT_OK)
            nt_bench_note(ctx, "ledger: on anvil: %s", nt_strerror(st));
    }
    close_outbox(&b);
    stop_anvil(&b);
    nt_merkle_tree_destroy(b.tree);
    nt_rlp_enc_cleanup(&b.enc);
    nt_dynbuf_cleanup(&b.raw);
    nt_secp256k1_key_wipe(&b.key);
    return st;
}
