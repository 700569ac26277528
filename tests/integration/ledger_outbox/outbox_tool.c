/* outbox_tool: drives the durable outbox (nt_ledger_outbox) for the
 * integration test outbox.py. Not the nautilus CLI: a test tool.
 *
 *   outbox_tool enqueue DB TO_HEX N FIRST        N calls logRecord(bytes32 i),
 *                                                i = FIRST..FIRST+N-1
 *   outbox_tool enqueue-raw DB TO_HEX DATA_HEX   one call with this call data
 *   outbox_tool run DB URL KEY_HEX SECONDS       step every 200 ms for SECONDS
 *                                                (0: until nothing is open)
 *   outbox_tool status DB [list]                 counts; "list": one line a tx
 *
 * The account is the key's address on chain 31337 (anvil), profile
 * "ethereum"; confirmations 2, stuck after 4 s, re-broadcast after 2 s;
 * OUTBOX_DONE_SELECTOR (8 hex digits) is the revert that counts as done.
 * Lines: "counts queued=.. sent=.. mined=.. confirmed=.. failed=.."
 * "next_nonce=.. versions=.. bumps=.. reorgs=.." and, with list,
 * "tx id=.. nonce=.. state=.. versions=.. hash=0x.. block=.. reason=..".
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "nautilus/codec.h"
#include "nautilus/ledger_outbox.h"

#define CHAIN_ID 31337

/* The outbox's clock must survive restarts: wall-clock milliseconds. */
static uint64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int die(const char *what, nt_status s)
{
    fprintf(stderr, "outbox_tool: %s: %s (%s)\n", what, nt_status_name(s), nt_strerror(s));
    return 2;
}

static int hex_arg(uint8_t *out, size_t n, const char *text)
{
    size_t got = 0;
    return nt_hex_decode(out, n, &got, text, strlen(text)) == NT_OK && got == n ? 0 : -1;
}

static nt_status open_ob(nt_outbox **ob, const char *db, const uint8_t from[20])
{
    const nt_chain_profile *p = NULL;
    nt_outbox_config cfg;
    nt_status s = nt_chain_profile_find(&p, "ethereum");

    if (s != NT_OK)
        return s;
    nt_outbox_config_init(&cfg, p);
    cfg.confirmations = 2;
    cfg.stuck_after_ms = 4000;
    cfg.rebroadcast_ms = 2000;
    if (getenv("OUTBOX_DONE_SELECTOR") != NULL) {
        if (hex_arg(cfg.done_selector, 4, getenv("OUTBOX_DONE_SELECTOR")) != 0)
            return NT_ERR_INVALID_ARG;
        cfg.has_done_selector = true;
    }
    return nt_outbox_open(ob, db, from, CHAIN_ID, &cfg);
}

/* The account of a stored outbox is given on the command line as the key
 * (run) or read from the environment OUTBOX_FROM (enqueue, status). */
static int from_env(uint8_t from[20])
{
    const char *f = getenv("OUTBOX_FROM");
    return f != NULL && hex_arg(from, 20, f) == 0 ? 0 : -1;
}

static int print_status(nt_outbox *ob, bool list)
{
    nt_outbox_counts c;
    nt_status s = nt_outbox_status(ob, &c);

    if (s != NT_OK)
        return die("status", s);
    printf("counts queued=%" PRIu64 " sent=%" PRIu64 " mined=%" PRIu64 " confirmed=%" PRIu64
           " failed=%" PRIu64 " next_nonce=%" PRIu64 " versions=%" PRIu64 " bumps=%" PRIu64
           " reorgs=%" PRIu64 "\n",
           c.n[0], c.n[1], c.n[2], c.n[3], c.n[4], c.next_nonce, c.versions, c.bumps, c.reorgs);
    for (int64_t id = 1; list; id++) {
        nt_outbox_tx t;
        char hash[65];
        s = nt_outbox_get(ob, &t, id);
        if (s == NT_ERR_NOT_FOUND)
            break;
        if (s != NT_OK || nt_hex_encode(hash, sizeof(hash), t.mined_hash, 32) != NT_OK)
            return die("get", s);
        printf("tx id=%" PRId64 " nonce=%" PRId64 " state=%s versions=%u hash=0x%s block=%" PRIu64
               " reason=%s\n",
               id, t.has_nonce ? (int64_t)t.nonce : -1, nt_outbox_state_name(t.state),
               t.versions, hash, t.block_number, t.reason[0] ? t.reason : "-");
    }
    fflush(stdout);
    return 0;
}

static int cmd_enqueue(int argc, char **argv)
{
    uint8_t from[20], to[20];
    nt_outbox *ob = NULL;
    nt_status s;
    unsigned long n, first;

    if (argc != 6 || from_env(from) != 0 || hex_arg(to, 20, argv[3]) != 0)
        return 2;
    n = strtoul(argv[4], NULL, 10);
    first = strtoul(argv[5], NULL, 10);
    s = open_ob(&ob, argv[2], from);
    if (s != NT_OK)
        return die("open", s);
    for (unsigned long i = first; i < first + n && s == NT_OK; i++) {
        nt_abi_value arg = {.type = NT_ABI_BYTES32};
        nt_dynbuf data;
        arg.v.bytes32[31] = (uint8_t)i;
        arg.v.bytes32[30] = (uint8_t)(i >> 8);
        nt_dynbuf_init(&data, 256);
        s = nt_abi_encode_call(&data, "logRecord", &arg, 1);
        if (s == NT_OK)
            s = nt_outbox_enqueue(ob, NULL, to, data.data, data.len, 100000);
        nt_dynbuf_cleanup(&data);
    }
    nt_outbox_close(ob);
    return s == NT_OK ? 0 : die("enqueue", s);
}

static int cmd_enqueue_raw(int argc, char **argv)
{
    uint8_t from[20], to[20], data[1024];
    size_t len = 0;
    nt_outbox *ob = NULL;
    nt_status s;

    if (argc != 5 || from_env(from) != 0 || hex_arg(to, 20, argv[3]) != 0 ||
        nt_hex_decode(data, sizeof(data), &len, argv[4], strlen(argv[4])) != NT_OK)
        return 2;
    s = open_ob(&ob, argv[2], from);
    if (s != NT_OK)
        return die("open", s);
    s = nt_outbox_enqueue(ob, NULL, to, data, len, 300000);
    nt_outbox_close(ob);
    return s == NT_OK ? 0 : die("enqueue", s);
}

static int cmd_run(int argc, char **argv)
{
    uint8_t sk[32];
    nt_secp256k1_key key;
    nt_tx_signer signer;
    nt_outbox *ob = NULL;
    nt_rpc_client *client = NULL;
    nt_rpc_config rc;
    nt_outbox_rpc rpc;
    const nt_ledger_env *env = nt_ledger_env_system();
    nt_status s, last = NT_OK;
    uint64_t start = wall_ms(), secs;

    if (argc != 6 || hex_arg(sk, 32, argv[4]) != 0)
        return 2;
    secs = strtoull(argv[5], NULL, 10);
    s = nt_secp256k1_key_from_secret(&key, sk);
    if (s != NT_OK)
        return die("key", s);
    nt_tx_signer_init(&signer, &key, CHAIN_ID);
    nt_rpc_config_init(&rc, argv[3], env);
    rc.connect_timeout_ms = 1000;
    rc.total_timeout_ms = 5000;
    rc.max_attempts = 1;
    s = nt_rpc_client_create(&client, &rc);
    if (s == NT_OK)
        s = open_ob(&ob, argv[2], key.address);
    if (s != NT_OK)
        return die("open", s);
    nt_outbox_rpc_from_client(&rpc, client);
    for (;;) {
        nt_outbox_counts c;
        uint64_t now = wall_ms();
        s = nt_outbox_step(ob, &rpc, &signer, now);
        if (s != last)
            printf("step %s\n", nt_status_name(s));
        last = s;
        if (nt_outbox_status(ob, &c) != NT_OK)
            break;
        if (secs == 0 && s == NT_OK && c.n[0] + c.n[1] + c.n[2] == 0)
            break;
        if (secs != 0 && now - start >= secs * 1000)
            break;
        env->sleep_ms(env->ctx, 200);
    }
    print_status(ob, false);
    nt_outbox_close(ob);
    nt_rpc_client_destroy(client);
    nt_secp256k1_key_wipe(&key);
    return 0;
}

static int cmd_status(int argc, char **argv)
{
    uint8_t from[20];
    nt_outbox *ob = NULL;
    nt_status s;
    int rc;

    if ((argc != 3 && argc != 4) || from_env(from) != 0)
        return 2;
    s = open_ob(&ob, argv[2], from);
    if (s != NT_OK)
        return die("open", s);
    rc = print_status(ob, argc == 4 && strcmp(argv[3], "list") == 0);
    nt_outbox_close(ob);
    return rc;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc >= 2 && strcmp(argv[1], "enqueue") == 0)
        return cmd_enqueue(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "enqueue-raw") == 0)
        return cmd_enqueue_raw(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "run") == 0)
        return cmd_run(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "status") == 0)
        return cmd_status(argc, argv);
    fprintf(stderr, "usage: outbox_tool enqueue|run|status ...\n");
    return 2;
}
