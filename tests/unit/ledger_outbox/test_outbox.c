/* Unit tests for the durable outbox (nt_outbox) and its state machine.
 *
 * THE NODE HERE IS A FAKE: an in-memory chain behind the nt_outbox_rpc table
 * (a pool, blocks with hashes, receipts, a base fee, an outage switch). It
 * stands in for a real node where a real one cannot produce the case on
 * demand and at the exact moment: a send that reaches the node but whose
 * answer is lost (the process "crashes" between the node taking the bytes
 * and our learning of it), a fee that the node will not mine until it is
 * bumped, a reorganisation that removes exactly the block holding our
 * transaction. The same cases on a real anvil are in
 * tests/integration/ledger_outbox/. Files live in a fresh directory under
 * $TMPDIR (or /tmp), removed at the end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "nautilus/ledger_outbox.h"

/* ---- the fake node -------------------------------------------------------- */

#define MAX_TX 64
#define MAX_BLOCKS 64
#define MAX_SENDS 256

typedef struct ftx {
    uint8_t hash[32];
    uint64_t nonce;
    uint64_t fee; /* max fee (type 2) or gas price (legacy) */
    uint8_t status;
    uint64_t block;       /* ghosts: where it was */
    uint8_t block_hash[32];
} ftx;

typedef struct fblock {
    uint8_t hash[32];
    ftx txs[MAX_TX];
    size_t n;
} fblock;

typedef struct fake {
    fblock blocks[MAX_BLOCKS]; /* canonical chain; block i has number i */
    size_t n_blocks;
    uint32_t block_salt;       /* differs after a reorg: new hashes */
    ftx pool[MAX_TX];
    size_t n_pool;
    uint64_t base_fee;         /* txs below it are not mined */
    uint64_t offer_fee;        /* what fill_fees hands out */
    uint64_t external_nonce;   /* nonces used by another sender of the account */
    bool down;                 /* every call: connection refused */
    bool lose_send_answer;     /* the node takes the bytes, the answer is lost */
    bool revert_next;          /* the next mined tx reverts */
    nt_status replay_status;   /* what revert_data answers (NT_OK: revert_sel) */
    bool keep_ghosts;          /* receipts of reorganised txs still answered */
    ftx ghosts[MAX_TX];
    size_t n_ghosts;
    uint8_t revert_sel[4];
    /* every raw the node was handed */
    uint8_t *sends[MAX_SENDS];
    size_t send_len[MAX_SENDS];
    size_t n_sends;
} fake;

static uint64_t chain_nonce(const fake *f)
{
    uint64_t n = f->external_nonce;
    for (size_t b = 0; b < f->n_blocks; b++)
        n += f->blocks[b].n;
    return n;
}

static void new_block(fake *f)
{
    fblock *b = &f->blocks[f->n_blocks];
    memset(b, 0, sizeof(*b));
    b->hash[0] = 0xb1;
    b->hash[1] = (uint8_t)f->n_blocks;
    b->hash[2] = (uint8_t)f->block_salt;
    f->n_blocks++;
}

/* Mines one block: pool txs at the next nonces whose fee reaches the base fee. */
static void mine(fake *f)
{
    fblock *b;
    bool more = true;

    new_block(f);
    b = &f->blocks[f->n_blocks - 1];
    while (more) {
        more = false;
        for (size_t i = 0; i < f->n_pool; i++) {
            if (f->pool[i].nonce == chain_nonce(f) && f->pool[i].fee >= f->base_fee) {
                b->txs[b->n] = f->pool[i];
                b->txs[b->n].status = f->revert_next ? 0 : 1;
                f->revert_next = false;
                b->n++;
                f->pool[i] = f->pool[--f->n_pool];
                more = true;
                break;
            }
        }
    }
}

/* Drops the last `depth` blocks (their txs are gone, not back in the pool,
 * as anvil_reorg does) and adds `depth` empty blocks with new hashes. */
static void reorg(fake *f, size_t depth)
{
    for (size_t b = f->n_blocks - depth; f->keep_ghosts && b < f->n_blocks; b++)
        for (size_t i = 0; i < f->blocks[b].n; i++) {
            f->ghosts[f->n_ghosts] = f->blocks[b].txs[i];
            f->ghosts[f->n_ghosts].block = b;
            memcpy(f->ghosts[f->n_ghosts++].block_hash, f->blocks[b].hash, 32);
        }
    f->n_blocks -= depth;
    f->block_salt++;
    for (size_t i = 0; i < depth; i++)
        new_block(f);
}

static const ftx *find_mined(const fake *f, const uint8_t hash[32], size_t *block)
{
    for (size_t b = 0; b < f->n_blocks; b++)
        for (size_t i = 0; i < f->blocks[b].n; i++)
            if (memcmp(f->blocks[b].txs[i].hash, hash, 32) == 0) {
                *block = b;
                return &f->blocks[b].txs[i];
            }
    return NULL;
}

static nt_status f_tx_count(void *ctx, uint64_t *out, const uint8_t addr[20], const char *block)
{
    fake *f = ctx;
    (void)addr;
    if (f->down)
        return NT_ERR_RPC_CONNECT;
    *out = chain_nonce(f);
    if (strncmp(block, "0x", 2) == 0) { /* as of block n */
        uint64_t n = strtoull(block + 2, NULL, 16);
        *out = f->external_nonce;
        for (size_t b = 0; b <= n && b < f->n_blocks; b++)
            *out += f->blocks[b].n;
    }
    if (strcmp(block, "pending") == 0)
        for (uint64_t n = *out;; n++) {
            bool hit = false;
            for (size_t i = 0; i < f->n_pool; i++)
                hit = hit || f->pool[i].nonce == n;
            if (!hit) {
                *out = n;
                break;
            }
        }
    return NT_OK;
}

static nt_status f_fill_fees(void *ctx, nt_tx *tx, const nt_chain_profile *profile)
{
    fake *f = ctx;
    if (f->down)
        return NT_ERR_RPC_CONNECT;
    tx->type = profile->tx_type;
    if (tx->type == NT_TX_LEGACY) {
        nt_u256_from_u64(&tx->gas_price, f->offer_fee);
    } else {
        nt_u256_from_u64(&tx->max_fee_per_gas, f->offer_fee);
        nt_u256_from_u64(&tx->max_priority_fee_per_gas, f->offer_fee / 10);
    }
    return NT_OK;
}

static nt_status f_send_raw(void *ctx, char *msg, size_t cap, const uint8_t *raw, size_t len)
{
    fake *f = ctx;
    nt_tx_decoded d;
    uint64_t fee = 0;
    size_t blk;

    if (f->down)
        return NT_ERR_RPC_CONNECT;
    assert_true(f->n_sends < MAX_SENDS);
    f->sends[f->n_sends] = malloc(len);
    memcpy(f->sends[f->n_sends], raw, len);
    f->send_len[f->n_sends++] = len;
    assert_int_equal(nt_tx_decode(&d, raw, len), NT_OK);
    assert_int_equal(nt_u256_to_u64(&fee, d.tx.type == NT_TX_LEGACY ? &d.tx.gas_price
                                                                      : &d.tx.max_fee_per_gas),
                     NT_OK);
    if (find_mined(f, d.hash, &blk) != NULL || d.tx.nonce < chain_nonce(f)) {
        snprintf(msg, cap, "nonce too low");
        return NT_ERR_RPC_INVALID_INPUT;
    }
    for (size_t i = 0; i < f->n_pool; i++)
        if (f->pool[i].nonce == d.tx.nonce) {
            if (memcmp(f->pool[i].hash, d.hash, 32) == 0) {
                snprintf(msg, cap, "already known");
                return NT_ERR_RPC_INVALID_INPUT;
            }
            if (fee * 8 < f->pool[i].fee * 9) { /* replacement rule of go-ethereum's pool */
                snprintf(msg, cap, "replacement transaction underpriced");
                return NT_ERR_RPC_INVALID_INPUT;
            }
            memcpy(f->pool[i].hash, d.hash, 32);
            f->pool[i].fee = fee;
            return f->lose_send_answer ? NT_ERR_RPC_TIMEOUT : NT_OK;
        }
    assert_true(f->n_pool < MAX_TX);
    memcpy(f->pool[f->n_pool].hash, d.hash, 32);
    f->pool[f->n_pool].nonce = d.tx.nonce;
    f->pool[f->n_pool].fee = fee;
    f->n_pool++;
    return f->lose_send_answer ? NT_ERR_RPC_TIMEOUT : NT_OK;
}

static nt_status f_receipt(void *ctx, nt_outbox_receipt *out, bool *found, const uint8_t hash[32])
{
    fake *f = ctx;
    size_t b = 0;
    const ftx *t;

    if (f->down)
        return NT_ERR_RPC_CONNECT;
    t = find_mined(f, hash, &b);
    *found = t != NULL;
    if (t != NULL) {
        out->block_number = b;
        memcpy(out->block_hash, f->blocks[b].hash, 32);
        out->status = t->status;
        return NT_OK;
    }
    for (size_t i = 0; i < f->n_ghosts; i++)
        if (memcmp(f->ghosts[i].hash, hash, 32) == 0) {
            *found = true;
            out->block_number = f->ghosts[i].block;
            memcpy(out->block_hash, f->ghosts[i].block_hash, 32);
            out->status = f->ghosts[i].status;
        }
    return NT_OK;
}

static nt_status f_block_hash(void *ctx, uint8_t out[32], bool *found, uint64_t number)
{
    fake *f = ctx;
    if (f->down)
        return NT_ERR_RPC_CONNECT;
    *found = number < f->n_blocks;
    if (*found)
        memcpy(out, f->blocks[number].hash, 32);
    return NT_OK;
}

static nt_status f_block_number(void *ctx, uint64_t *out)
{
    fake *f = ctx;
    if (f->down)
        return NT_ERR_RPC_CONNECT;
    *out = f->n_blocks - 1;
    return NT_OK;
}

static nt_status f_revert_data(void *ctx, nt_dynbuf *out, const uint8_t from[20],
                               const uint8_t to[20], const uint8_t *data, size_t len,
                               uint64_t block)
{
    fake *f = ctx;
    (void)from, (void)to, (void)data, (void)len, (void)block;
    if (f->replay_status != NT_OK)
        return f->replay_status;
    return nt_dynbuf_add(out, f->revert_sel, 4);
}

/* ---- fixture -------------------------------------------------------------- */

static char dir[256], path[300];
static const uint8_t target[20] = {0xc0, 0xff, 0xee};
static nt_secp256k1_key key;
static nt_tx_signer signer;
static const nt_chain_profile *eth;

typedef struct fx {
    fake *f;
    nt_outbox_rpc rpc;
    nt_outbox_config cfg;
    nt_outbox *ob;
} fx;

static int setup(void **state)
{
    static int seq;
    uint8_t sk[32] = {0};
    fx *x = calloc(1, sizeof(*x));
    const char *tmp = getenv("TMPDIR");

    snprintf(dir, sizeof(dir), "%s/nt_outbox_XXXXXX", tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/outbox%d.db", dir, seq++);
    sk[31] = 7;
    assert_int_equal(nt_secp256k1_key_from_secret(&key, sk), NT_OK);
    nt_tx_signer_init(&signer, &key, 31337);
    assert_int_equal(nt_chain_profile_find(&eth, "ethereum"), NT_OK);
    x->f = calloc(1, sizeof(fake));
    x->f->base_fee = 10;
    x->f->offer_fee = 100;
    new_block(x->f); /* genesis */
    x->rpc = (nt_outbox_rpc){f_tx_count, f_fill_fees, f_send_raw, f_receipt,
                             f_block_hash, f_block_number, f_revert_data, x->f};
    nt_outbox_config_init(&x->cfg, eth);
    x->cfg.confirmations = 2;
    x->cfg.stuck_after_ms = 1000;
    x->cfg.rebroadcast_ms = 500;
    assert_int_equal(nt_outbox_open(&x->ob, path, key.address, 31337, &x->cfg), NT_OK);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fx *x = *state;
    char cmd[600];

    nt_outbox_close(x->ob);
    for (size_t i = 0; i < x->f->n_sends; i++)
        free(x->f->sends[i]);
    free(x->f);
    free(x);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    return 0;
}

static void reopen(fx *x)
{
    nt_outbox_close(x->ob);
    x->ob = NULL;
    assert_int_equal(nt_outbox_open(&x->ob, path, key.address, 31337, &x->cfg), NT_OK);
}

static int64_t enqueue(fx *x, uint8_t tag)
{
    uint8_t data[36] = {0x99, 0xe8, 0x37, 0x17};
    int64_t id = 0;
    data[35] = tag;
    assert_int_equal(nt_outbox_enqueue(x->ob, &id, target, data, sizeof(data), 50000), NT_OK);
    return id;
}

static nt_outbox_tx get(fx *x, int64_t id)
{
    nt_outbox_tx t;
    assert_int_equal(nt_outbox_get(x->ob, &t, id), NT_OK);
    return t;
}

static bool raw_equals(fx *x, int64_t id, uint32_t version, const uint8_t *p, size_t n)
{
    nt_dynbuf raw;
    bool eq;
    nt_dynbuf_init(&raw, NT_TX_MAX_RAW);
    assert_int_equal(nt_outbox_raw(x->ob, &raw, id, version), NT_OK);
    eq = raw.len == n && memcmp(raw.data, p, n) == 0;
    nt_dynbuf_cleanup(&raw);
    return eq;
}

/* ---- tests ---------------------------------------------------------------- */

/* The node takes the bytes but the answer never comes (the process might as
 * well have died there); the outbox is closed and opened again: the same
 * raw bytes, stored before the first send, are what goes out again, at the
 * same nonce, and mine once. */
static void test_crash_between_sign_and_send(void **state)
{
    fx *x = *state;
    int64_t id = enqueue(x, 1);
    nt_outbox_counts c;

    x->f->lose_send_answer = true;
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1000), NT_ERR_RPC_TIMEOUT);
    assert_int_equal(x->f->n_sends, 1);
    assert_int_equal(get(x, id).state, NT_OUTBOX_SENT);
    assert_true(raw_equals(x, id, 0, x->f->sends[0], x->f->send_len[0]));
    /* The node forgets its pool too (restart without state). */
    x->f->n_pool = 0;
    x->f->lose_send_answer = false;
    reopen(x);
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1100), NT_OK);
    assert_int_equal(x->f->n_sends, 2);
    assert_int_equal(x->f->send_len[0], x->f->send_len[1]);
    assert_memory_equal(x->f->sends[0], x->f->sends[1], x->f->send_len[0]);
    assert_int_equal(get(x, id).versions, 1);
    mine(x->f);
    mine(x->f);
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1200), NT_OK);
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1300), NT_OK);
    assert_int_equal(get(x, id).state, NT_OUTBOX_CONFIRMED);
    assert_int_equal(chain_nonce(x->f), 1);
    assert_int_equal(nt_outbox_status(x->ob, &c), NT_OK);
    assert_int_equal(c.n[NT_OUTBOX_CONFIRMED], 1);
    assert_int_equal(c.next_nonce, 1);
}

/* The send of a child process that is SIGKILLed there: with `reached`, the
 * node got the bytes first (they go to a file for the parent to compare). */
static bool crash_reached;
static char crash_file[320];

static nt_status kill_in_send(void *ctx, char *msg, size_t cap, const uint8_t *raw, size_t len)
{
    (void)ctx, (void)msg, (void)cap;
    if (crash_reached) {
        FILE *fp = fopen(crash_file, "wb");
        if (fp == NULL || fwrite(raw, 1, len, fp) != len || fclose(fp) != 0)
            _exit(3);
    }
    raise(SIGKILL);
    _exit(4);
}

static void crash_child(fx *x, bool reached)
{
    int status = 0;
    pid_t pid;

    nt_outbox_close(x->ob);
    x->ob = NULL;
    crash_reached = reached;
    snprintf(crash_file, sizeof(crash_file), "%s/sent.bin", dir);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        nt_outbox *ob = NULL;
        nt_outbox_rpc rpc = x->rpc;
        rpc.send_raw = kill_in_send;
        if (nt_outbox_open(&ob, path, key.address, 31337, &x->cfg) != NT_OK)
            _exit(5);
        _exit(nt_outbox_step(ob, &rpc, &signer, 1000) == NT_OK ? 6 : 7);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    assert_int_equal(nt_outbox_open(&x->ob, path, key.address, 31337, &x->cfg), NT_OK);
}

/* A child process signs, stores, hands the bytes to the node and is
 * SIGKILLed before it learns the answer; reopened, the outbox sends exactly
 * the bytes the node already had (same hash: "already known" at worst). */
static void test_crash_killed_after_node_got_it(void **state)
{
    fx *x = *state;
    int64_t id = enqueue(x, 6), id2;
    uint8_t seen[4096];
    size_t n;
    FILE *fp;

    crash_child(x, true);
    fp = fopen(crash_file, "rb");
    assert_non_null(fp);
    n = fread(seen, 1, sizeof(seen), fp);
    fclose(fp);
    assert_true(n > 0);
    assert_int_equal(get(x, id).state, NT_OUTBOX_SENT);
    assert_true(raw_equals(x, id, 0, seen, n));
    id2 = enqueue(x, 7);
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1100), NT_OK);
    assert_int_equal(x->f->send_len[0], n);
    assert_memory_equal(x->f->sends[0], seen, n);
    assert_int_equal(get(x, id).versions, 1);
    assert_int_equal(get(x, id2).nonce, 1);
    mine(x->f);
    mine(x->f);
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1200), NT_OK);
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1300), NT_OK);
    assert_int_equal(get(x, id).state, NT_OUTBOX_CONFIRMED);
    assert_int_equal(get(x, id2).state, NT_OUTBOX_CONFIRMED);
    assert_int_equal(chain_nonce(x->f), 2);
}

/* Killed after the signing was committed and before anything was sent:
 * reopened, the stored bytes go out at nonce 0 (no gap, no second
 * signing), and the next transaction takes nonce 1. */
static void test_crash_killed_before_send(void **state)
{
    fx *x = *state;
    int64_t id = enqueue(x, 8), id2;

    crash_child(x, false);
    assert_int_equal(x->f->n_sends, 0);
    assert_int_equal(get(x, id).state, NT_OUTBOX_SENT);
    assert_int_equal(get(x, id).nonce, 0);
    id2 = enqueue(x, 9);
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1100), NT_OK);
    assert_int_equal(x->f->n_sends, 2);
    assert_true(raw_equals(x, id, 0, x->f->sends[0], x->f->send_len[0]));
    assert_int_equal(get(x, id).versions, 1);
    assert_int_equal(get(x, id2).nonce, 1);
}

static uint64_t raw_fee(const uint8_t *raw, size_t len, bool prio)
{
    nt_tx_decoded d;
    uint64_t v = 0;
    assert_int_equal(nt_tx_decode(&d, raw, len), NT_OK);
    assert_int_equal(nt_u256_to_u64(&v, prio ? &d.tx.max_priority_fee_per_gas
                                             : &d.tx.max_fee_per_gas),
                     NT_OK);
    return v;
}

/* A fee under the base fee stays stuck; after stuck_after_ms the same nonce
 * is signed again with both fees >= 112.5 % (the node's offer does not
 * rise, so only the rule raises them), the node accepts the replacement,
 * and it is mined; each bump is >= 12.5 % over the one before. */
static void test_fee_bump(void **state)
{
    fx *x = *state;
    int64_t id = enqueue(x, 2);
    nt_outbox_tx t;
    nt_outbox_counts c;

    x->f->base_fee = 140; /* the offer is 100: two bumps needed (113, 128, 144) */
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 10000), NT_OK);
    mine(x->f);
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 10500), NT_OK);
    assert_int_equal(get(x, id).versions, 1); /* not stuck yet */
    for (uint64_t now = 11000; now <= 14000; now += 1000) {
        assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, now), NT_OK);
        mine(x->f);
    }
    t = get(x, id);
    assert_true(t.state == NT_OUTBOX_MINED || t.state == NT_OUTBOX_CONFIRMED);
    assert_int_equal(t.versions, 4); /* 100 -> 113 -> 128 -> 144 */
    assert_true(x->f->n_sends >= 4);
    for (uint32_t v = 1; v < t.versions; v++) {
        nt_dynbuf a, b;
        nt_dynbuf_init(&a, NT_TX_MAX_RAW);
        nt_dynbuf_init(&b, NT_TX_MAX_RAW);
        assert_int_equal(nt_outbox_raw(x->ob, &a, id, v - 1), NT_OK);
        assert_int_equal(nt_outbox_raw(x->ob, &b, id, v), NT_OK);
        assert_true(raw_fee(b.data, b.len, false) * 8 >= raw_fee(a.data, a.len, false) * 9);
        assert_true(raw_fee(b.data, b.len, true) * 8 >= raw_fee(a.data, a.len, true) * 9);
        nt_dynbuf_cleanup(&a);
        nt_dynbuf_cleanup(&b);
    }
    assert_int_equal(chain_nonce(x->f), 1);
    assert_int_equal(nt_outbox_status(x->ob, &c), NT_OK);
    assert_int_equal(c.bumps, 3);
}

/* Legacy transactions (EIP-155): the gas price is what is bumped, by
 * >= 12.5 %. The besu profile (gas price 0) is never bumped: a stuck one is
 * only sent again. */
static void test_fee_bump_legacy_and_free_gas(void **state)
{
    fx *x = *state;
    static const nt_chain_profile legacy = {"legacy-test", NT_TX_LEGACY, false, 1};
    const nt_chain_profile *besu = NULL;
    nt_dynbuf a, b;
    nt_tx_decoded da, db;
    uint64_t pa = 0, pb = 0;
    int64_t id;

    x->cfg.profile = &legacy;
    reopen(x);
    id = enqueue(x, 50);
    x->f->base_fee = 105;
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1000), NT_OK);
    mine(x->f);
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 2000), NT_OK);
    mine(x->f);
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 2100), NT_OK);
    assert_int_equal(get(x, id).versions, 2);
    assert_int_not_equal(get(x, id).state, NT_OUTBOX_SENT);
    nt_dynbuf_init(&a, NT_TX_MAX_RAW);
    nt_dynbuf_init(&b, NT_TX_MAX_RAW);
    assert_int_equal(nt_outbox_raw(x->ob, &a, id, 0), NT_OK);
    assert_int_equal(nt_outbox_raw(x->ob, &b, id, 1), NT_OK);
    assert_int_equal(nt_tx_decode(&da, a.data, a.len), NT_OK);
    assert_int_equal(nt_tx_decode(&db, b.data, b.len), NT_OK);
    assert_int_equal(da.tx.type, NT_TX_LEGACY);
    assert_int_equal(db.tx.nonce, da.tx.nonce);
    assert_int_equal(nt_u256_to_u64(&pa, &da.tx.gas_price), NT_OK);
    assert_int_equal(nt_u256_to_u64(&pb, &db.tx.gas_price), NT_OK);
    assert_true(pb * 8 >= pa * 9);
    nt_dynbuf_cleanup(&a);
    nt_dynbuf_cleanup(&b);

    assert_int_equal(nt_chain_profile_find(&besu, "besu"), NT_OK);
    x->cfg.profile = besu;
    reopen(x);
    x->f->offer_fee = 0;
    x->f->base_fee = 1; /* a gas price of 0 never gets in */
    id = enqueue(x, 51);
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 10000), NT_OK);
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 20000), NT_OK);
    assert_int_equal(get(x, id).versions, 1);
    assert_int_equal(get(x, id).state, NT_OUTBOX_SENT);
}

/* After a bump, the OLD version is the one that gets mined (a node that
 * never saw the replacement): its receipt counts, nothing is sent twice. */
static void test_old_version_mined_counts(void **state)
{
    fx *x = *state;
    int64_t id = enqueue(x, 3);
    uint8_t *first;
    size_t first_len;

    x->f->base_fee = 1000;
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1000), NT_OK);
    first_len = x->f->send_len[0];
    first = malloc(first_len);
    memcpy(first, x->f->sends[0], first_len);
    x->f->n_pool = 0;
    x->f->down = true; /* the replacement never reaches it */
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 3000), NT_ERR_RPC_CONNECT);
    x->f->down = false;
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 5000), NT_OK); /* bumped */
    assert_true(get(x, id).versions >= 2);
    /* The node mines the first bytes (another node had them). */
    x->f->n_pool = 0;
    x->f->base_fee = 0;
    assert_int_equal(f_send_raw(x->f, (char[64]){0}, 64, first, first_len), NT_OK);
    mine(x->f);
    mine(x->f);
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 5100), NT_OK);
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 5200), NT_OK);
    assert_int_equal(get(x, id).state, NT_OUTBOX_CONFIRMED);
    assert_true(raw_equals(x, id, 0, first, first_len));
    {
        nt_tx_decoded d;
        assert_int_equal(nt_tx_decode(&d, first, first_len), NT_OK);
        assert_memory_equal(get(x, id).mined_hash, d.hash, 32);
    }
    assert_int_equal(chain_nonce(x->f), 1);
    free(first);
}

/* Mined in block k, then block k is reorganised away (the tx is not put
 * back in the pool): the outbox sees the receipt gone, goes back to sent,
 * broadcasts the stored bytes again at once, and it is mined again. */
static void test_reorg_rebroadcast(void **state)
{
    fx *x = *state;
    int64_t id = enqueue(x, 4);
    nt_outbox_tx t;
    nt_outbox_counts c;
    size_t sends;

    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1000), NT_OK);
    mine(x->f);
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1010), NT_OK);
    t = get(x, id);
    assert_int_equal(t.state, NT_OUTBOX_MINED);
    assert_int_equal(t.block_number, 1);
    assert_memory_equal(t.block_hash, x->f->blocks[1].hash, 32);
    reorg(x->f, 1);
    sends = x->f->n_sends;
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1020), NT_OK);
    assert_int_equal(get(x, id).state, NT_OUTBOX_SENT);
    assert_int_equal(x->f->n_sends, sends + 1);
    assert_memory_equal(x->f->sends[sends], x->f->sends[0], x->f->send_len[0]);
    mine(x->f);
    mine(x->f);
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1030), NT_OK);
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1040), NT_OK);
    t = get(x, id);
    assert_int_equal(t.state, NT_OUTBOX_CONFIRMED);
    assert_int_equal(t.block_number, 2);
    assert_int_equal(t.versions, 1);
    assert_int_equal(nt_outbox_status(x->ob, &c), NT_OK);
    assert_int_equal(c.reorgs, 1);
    assert_int_equal(chain_nonce(x->f), 1);
}

/* A node that restarts from an older snapshot of its state (anvil killed
 * between two state dumps), or a reorg deeper than the confirmations: the
 * three confirmed transactions are gone and the account's count is back at
 * 0. All three go back to sent, are broadcast again from their stored bytes
 * (in nonce order, the same bytes), and are confirmed again: each nonce
 * used once on the chain the node now has. */
static void test_node_rollback_past_confirmed(void **state)
{
    fx *x = *state;
    int64_t id[3];
    size_t i, sends, base;
    nt_outbox_counts c;
    uint64_t now = 1000;

    for (i = 0; i < 3; i++)
        id[i] = enqueue(x, (uint8_t)(10 + i));
    base = x->f->n_blocks;
    for (i = 0; i < 6; i++, now += 10) {
        assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, now), NT_OK);
        mine(x->f);
    }
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, now), NT_OK);
    for (i = 0; i < 3; i++)
        assert_int_equal(get(x, id[i]).state, NT_OUTBOX_CONFIRMED);
    assert_int_equal(chain_nonce(x->f), 3);

    x->f->n_blocks = base; /* back to the snapshot: blocks and receipts gone */
    x->f->block_salt++;
    x->f->n_pool = 0;
    sends = x->f->n_sends;
    now += 10;
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, now), NT_OK);
    for (i = 0; i < 3; i++)
        assert_int_equal(get(x, id[i]).state, NT_OUTBOX_SENT);
    assert_int_equal(x->f->n_sends, sends + 3);
    for (i = 0; i < 3; i++) /* the same bytes as the first sends */
        assert_memory_equal(x->f->sends[sends + i], x->f->sends[i], x->f->send_len[i]);
    for (i = 0; i < 6; i++, now += 10) {
        mine(x->f);
        assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, now), NT_OK);
    }
    for (i = 0; i < 3; i++)
        assert_int_equal(get(x, id[i]).state, NT_OUTBOX_CONFIRMED);
    assert_int_equal(chain_nonce(x->f), 3);
    assert_int_equal(nt_outbox_status(x->ob, &c), NT_OK);
    assert_int_equal(c.reorgs, 3);
    assert_int_equal(c.next_nonce, 3);
}

/* A node whose receipt index is stale: after the reorg it still answers
 * the receipt with the old block, but the block at that height now has
 * another hash (eth_getBlockByNumber): back to sent, re-broadcast, mined
 * again in the new chain. */
static void test_reorg_by_block_hash(void **state)
{
    fx *x = *state;
    int64_t id = enqueue(x, 5);
    size_t sends;

    x->f->keep_ghosts = true;
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1000), NT_OK);
    mine(x->f);
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1010), NT_OK);
    assert_int_equal(get(x, id).state, NT_OUTBOX_MINED);
    reorg(x->f, 1);
    sends = x->f->n_sends;
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1020), NT_OK);
    assert_int_equal(get(x, id).state, NT_OUTBOX_SENT);
    assert_int_equal(x->f->n_sends, sends + 1);
    assert_memory_equal(x->f->sends[sends], x->f->sends[0], x->f->send_len[0]);
    mine(x->f);
    mine(x->f);
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1030), NT_OK);
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1040), NT_OK);
    assert_int_equal(get(x, id).state, NT_OUTBOX_CONFIRMED);
    assert_memory_equal(get(x, id).block_hash, x->f->blocks[2].hash, 32);
}

/* Nonces 0, 1, 2 in one run; reopened, 3 and 4 follow; an outage in
 * between changes nothing; a fresh outbox for an account that another
 * sender already used starts at the node's pending count. */
static void test_gapless_nonces_across_restarts(void **state)
{
    fx *x = *state;
    int64_t ids[6];
    nt_outbox_counts c;

    for (int i = 0; i < 3; i++)
        ids[i] = enqueue(x, (uint8_t)(10 + i));
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1000), NT_OK);
    for (int i = 0; i < 3; i++) {
        assert_true(get(x, ids[i]).has_nonce);
        assert_int_equal(get(x, ids[i]).nonce, (uint64_t)i);
    }
    reopen(x);
    ids[3] = enqueue(x, 13);
    ids[4] = enqueue(x, 14);
    x->f->down = true;
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1100), NT_ERR_RPC_CONNECT);
    assert_false(get(x, ids[3]).has_nonce);
    assert_int_equal(get(x, ids[3]).state, NT_OUTBOX_QUEUED);
    reopen(x);
    x->f->down = false;
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1200), NT_OK);
    assert_int_equal(get(x, ids[3]).nonce, 3);
    assert_int_equal(get(x, ids[4]).nonce, 4);
    for (int i = 0; i < 3; i++) {
        mine(x->f);
        assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1300 + (uint64_t)i), NT_OK);
    }
    assert_int_equal(nt_outbox_status(x->ob, &c), NT_OK);
    assert_int_equal(c.n[NT_OUTBOX_CONFIRMED], 5);
    assert_int_equal(c.next_nonce, 5);
    assert_int_equal(chain_nonce(x->f), 5);
    /* Another sender used nonces 5..7 (mined 5, 6; 7 pending). */
    x->f->external_nonce = 2;
    x->f->pool[x->f->n_pool++] = (ftx){.nonce = 7, .fee = 0};
    reopen(x);
    ids[5] = enqueue(x, 15);
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1400), NT_OK);
    assert_int_equal(get(x, ids[5]).nonce, 8);
}

/* A receipt with status 0: failed, with the error selector as the reason;
 * the configured "already done" selector counts as confirmed. */
static void test_revert(void **state)
{
    fx *x = *state;
    int64_t a = enqueue(x, 20), b;
    nt_outbox_tx t;

    memcpy(x->f->revert_sel, "\x12\x34\x56\x78", 4);
    x->f->revert_next = true;
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1000), NT_OK);
    mine(x->f);
    mine(x->f);
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1010), NT_OK);
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1020), NT_OK);
    t = get(x, a);
    assert_int_equal(t.state, NT_OUTBOX_FAILED);
    assert_string_equal(t.reason, "reverted: 0x12345678");

    x->cfg.has_done_selector = true;
    memcpy(x->cfg.done_selector, "\x12\x34\x56\x78", 4);
    reopen(x);
    b = enqueue(x, 21);
    x->f->revert_next = true;
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 2000), NT_OK);
    mine(x->f);
    mine(x->f);
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 2010), NT_OK);
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 2020), NT_OK);
    assert_int_equal(get(x, b).state, NT_OUTBOX_CONFIRMED);
    assert_int_equal(get(x, b).nonce, 1);
}

/* The node will not replay a reverted call (a JSON-RPC error, not an
 * outage): the transaction is failed with the bare reason "reverted" and
 * the others go on; an outage during the replay leaves it mined for the
 * next pass. */
static void test_revert_without_replay(void **state)
{
    fx *x = *state;
    int64_t a = enqueue(x, 22), b;

    x->f->revert_next = true;
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1000), NT_OK);
    mine(x->f);
    mine(x->f);
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1005), NT_OK);
    assert_int_equal(get(x, a).state, NT_OUTBOX_MINED);
    x->f->replay_status = NT_ERR_RPC_TIMEOUT;
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1010), NT_ERR_RPC_TIMEOUT);
    assert_int_equal(get(x, a).state, NT_OUTBOX_MINED);
    x->f->replay_status = NT_ERR_RPC_INTERNAL;
    b = enqueue(x, 23);
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1020), NT_OK);
    assert_int_equal(get(x, a).state, NT_OUTBOX_FAILED);
    assert_string_equal(get(x, a).reason, "reverted");
    assert_int_equal(get(x, b).state, NT_OUTBOX_SENT);
    assert_int_equal(get(x, b).nonce, 1);
}

/* Another sender of the account takes our nonce (its transaction is mined
 * at nonce 0, ours never): once that is `confirmations` deep, ours is
 * failed "nonce-taken" instead of being sent for ever; not before. */
static void test_nonce_taken(void **state)
{
    fx *x = *state;
    int64_t id = enqueue(x, 40), id2;

    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1000), NT_OK);
    x->f->n_pool = 0;
    x->f->pool[x->f->n_pool++] = (ftx){.hash = {0xee}, .nonce = 0, .fee = 1000};
    mine(x->f);
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1100), NT_OK);
    assert_int_equal(get(x, id).state, NT_OUTBOX_SENT); /* 1 confirmation of 2 */
    mine(x->f);
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1200), NT_OK);
    assert_int_equal(get(x, id).state, NT_OUTBOX_FAILED);
    assert_string_equal(get(x, id).reason, "nonce-taken");
    id2 = enqueue(x, 41);
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &signer, 1300), NT_OK);
    assert_int_equal(get(x, id2).nonce, 1);
}

/* A file of another account or chain, another program's SQLite file, a
 * signer for another chain: refused. */
static void test_refusals(void **state)
{
    fx *x = *state;
    nt_outbox *other = NULL;
    uint8_t addr[20] = {1};
    nt_tx_signer wrong;
    char foreign[320];
    FILE *fp;

    assert_int_equal(nt_outbox_open(&other, path, addr, 31337, &x->cfg), NT_ERR_OUTBOX_ACCOUNT);
    assert_int_equal(nt_outbox_open(&other, path, key.address, 1, &x->cfg),
                     NT_ERR_OUTBOX_ACCOUNT);
    snprintf(foreign, sizeof(foreign), "%s/foreign.db", dir);
    fp = fopen(foreign, "w");
    assert_non_null(fp);
    fputs("not a database at all, but long enough to be looked at as one ..........", fp);
    fclose(fp);
    assert_int_not_equal(nt_outbox_open(&other, foreign, key.address, 31337, &x->cfg), NT_OK);
    assert_null(other);
    nt_tx_signer_init(&wrong, &key, 1);
    enqueue(x, 30);
    assert_int_equal(nt_outbox_step(x->ob, &x->rpc, &wrong, 1000), NT_ERR_TX_CHAIN_ID);
    assert_int_equal(x->f->n_sends, 0);
}

static void sql(const char *file, const char *text)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(file, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, text, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* The file: a newer schema, a trigger slipped in, another program's SQLite
 * file, a symlink: each refused with its own status. */
static void test_file_checks(void **state)
{
    fx *x = *state;
    nt_outbox *ob = NULL;
    char other[320], link[320];

    nt_outbox_close(x->ob);
    x->ob = NULL;
    sql(path, "UPDATE schema_version SET version = 2");
    assert_int_equal(nt_outbox_open(&ob, path, key.address, 31337, &x->cfg),
                     NT_ERR_OUTBOX_DB_VERSION);
    sql(path, "UPDATE schema_version SET version = 1;"
              "CREATE TRIGGER t AFTER INSERT ON txs BEGIN DELETE FROM raws; END");
    assert_int_equal(nt_outbox_open(&ob, path, key.address, 31337, &x->cfg),
                     NT_ERR_OUTBOX_DB_CORRUPT);
    sql(path, "DROP TRIGGER t");
    assert_int_equal(nt_outbox_open(&x->ob, path, key.address, 31337, &x->cfg), NT_OK);
    snprintf(other, sizeof(other), "%s/other.db", dir);
    sql(other, "CREATE TABLE notes (t TEXT)");
    assert_int_equal(nt_outbox_open(&ob, other, key.address, 31337, &x->cfg),
                     NT_ERR_OUTBOX_DB_FOREIGN);
    snprintf(link, sizeof(link), "%s/link.db", dir);
    assert_int_equal(symlink(path, link), 0);
    assert_int_equal(nt_outbox_open(&ob, link, key.address, 31337, &x->cfg), NT_ERR_PERM);
    assert_null(ob);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_crash_between_sign_and_send, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crash_killed_after_node_got_it, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crash_killed_before_send, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fee_bump, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fee_bump_legacy_and_free_gas, setup, teardown),
        cmocka_unit_test_setup_teardown(test_old_version_mined_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reorg_rebroadcast, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reorg_by_block_hash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_node_rollback_past_confirmed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gapless_nonces_across_restarts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_revert, setup, teardown),
        cmocka_unit_test_setup_teardown(test_revert_without_replay, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nonce_taken, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
