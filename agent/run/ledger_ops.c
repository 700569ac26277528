/* The `nautilus ledger` operations (ledger_cli.h): deploy, register,
 * rotate, revoke, checkpoint and status on parsed options, printing what
 * they did on stdout and one line on stderr when they fail. tools/cmd_ledger.c
 * parses the options and calls them; audit is in ledger_audit.c. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ledger_cli.h"
#include "nautilus/codec.h"
#include "nautilus/mem.h"

/* A contracts/build/<name>.bin file (hex, a newline) into bytes. */
static nt_status read_bin(uint8_t **out, size_t *len, const char *dir, const char *name)
{
    char path[4200];
    uint8_t *text = NULL;
    size_t n = 0;
    nt_status st;

    snprintf(path, sizeof path, "%s/%s.bin", dir, name);
    if ((st = nt_cli_read_file(path, 2 * NT_TX_MAX_DATA, &text, &n)) != NT_OK)
        return st;
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
        n--;
    *out = nt_malloc(n / 2 + 1);
    st = *out ? nt_hex_decode(*out, n / 2 + 1, len, (const char *)text, n) : NT_ERR_NOMEM;
    nt_free(text);
    return st;
}

static int print_deployed(const nt_ledger_opts *o, const nt_chain_contracts *k)
{
    char r[43], c[43], cr[43];

    nt_ledger_hex(r, k->registry, 20);
    nt_ledger_hex(c, k->checkpoints, 20);
    nt_ledger_hex(cr, k->credentials, 20);
    if (o->json)
        fprintf(nt_cli_out(),
                "{\"registry\":\"%s\",\"checkpoints\":\"%s\",\"credentials\":\"%s\"}\n", r, c, cr);
    else
        fprintf(nt_cli_out(), "registry:    %s\ncheckpoints: %s\ncredentials: %s\n", r, c, cr);
    return NT_EXIT_OK;
}

int nt_ledger_op_deploy(const nt_ledger_opts *o, const char *contracts)
{
    nt_ledger_session s;
    nt_chain_bytecode code;
    nt_chain_contracts k;
    uint8_t *bin[3] = {NULL, NULL, NULL};
    static const char *const names[3] = {"Registry", "Checkpoints", "Credentials"};
    size_t len[3] = {0, 0, 0};
    nt_status st = NT_OK;
    int rc;

    for (int i = 0; i < 3 && st == NT_OK; i++)
        st = read_bin(&bin[i], &len[i], contracts, names[i]);
    if (st != NT_OK)
        rc = nt_cli_usage_error("ledger deploy: cannot read the contracts' bytecode (%s): %s",
                                contracts, nt_strerror(st));
    else if ((rc = nt_ledger_session_open(&s, o, true, true)) < 0) {
        code = (nt_chain_bytecode){bin[0], len[0], bin[1], len[1], bin[2], len[2]};
        st = nt_chain_deploy(&s.sender, s.outbox, &k, &code);
        rc = st == NT_OK ? print_deployed(o, &k) : nt_ledger_fail(o, st, "deploy");
        nt_ledger_session_close(&s);
    }
    for (int i = 0; i < 3; i++)
        nt_free(bin[i]);
    return rc;
}

/* Queues call to `to`, waits for it, and prints what was done. */
static int send_call(const nt_ledger_opts *o, nt_ledger_session *s, const uint8_t to[20],
                     const nt_chain_call *call, const char *done)
{
    char why[64], tx[67], dig[67];
    nt_outbox_tx t;
    int64_t id = 0;
    nt_status st;

    /* What an interrupted command left in the outbox goes first: the
     * replay below must see the chain after it. */
    if ((st = nt_chain_drain(&s->sender, s->outbox)) != NT_OK)
        return nt_ledger_fail(o, st, "earlier transactions in the outbox");
    st = nt_chain_submit(&s->sender, s->outbox, &id, why, sizeof why, to, call);

    if (st == NT_ERR_RPC_REVERTED)
        return nt_cli_fail(NT_EXIT_REFUSED, "ledger %s: refused by the contract: %s", o->sub,
                           why);
    if (st == NT_OK)
        st = nt_chain_wait(&s->sender, s->outbox, &t, id);
    if (st == NT_ERR_CHAIN_TX_FAILED)
        return nt_cli_fail(NT_EXIT_CHAIN, "ledger %s: transaction failed on chain: %s", o->sub,
                           t.reason[0] ? t.reason : "reverted");
    if (st != NT_OK)
        return nt_ledger_fail(o, st, "transaction");
    nt_ledger_hex(tx, t.mined_hash, 32);
    nt_ledger_hex(dig, call->digest, 32);
    if (call->kind == NT_CHAIN_CALL_CHECKPOINT)
        fprintf(nt_cli_out(),
                "%s log %s size %" PRIu64 " tx %s block %" PRIu64 "\n", done, dig, call->size, tx,
                t.block_number);
    else
        fprintf(nt_cli_out(),
                "%s %s digest %s tx %s block %" PRIu64 "\n", done, o->name_text, dig, tx,
                t.block_number);
    return NT_EXIT_OK;
}

/* The binding of o->name now, after what the outbox still held. */
static nt_status read_binding(nt_ledger_session *s, const nt_ledger_opts *o, nt_chain_binding *b)
{
    nt_status st = nt_chain_drain(&s->sender, s->outbox);
    return st == NT_OK ? nt_chain_key_of(s->client, b, o->registry, o->name_hash, NT_CHAIN_LATEST)
                       : st;
}

/* register, rotate and revoke: the same shape. Registering or rotating to
 * the binding that is already there is done already (exit 0), so a script
 * may run it twice. */
int nt_ledger_op_name(const nt_ledger_opts *o, nt_chain_call_kind kind)
{
    nt_ledger_session s;
    nt_chain_call call = {.kind = kind};
    nt_chain_binding b;
    const char *done = kind == NT_CHAIN_CALL_REGISTER ? "registered"
                       : kind == NT_CHAIN_CALL_ROTATE ? "rotated"
                                                      : "revoked";
    char dig[67];
    nt_status st;
    int rc;

    if ((rc = nt_ledger_session_open(&s, o, true, true)) >= 0)
        return rc;
    memcpy(call.name_hash, o->name_hash, 32);
    nt_ledger_digest(call.digest, &s, o);
    if ((st = read_binding(&s, o, &b)) != NT_OK) {
        rc = nt_ledger_fail(o, st, "keyOf");
    } else if (kind != NT_CHAIN_CALL_REVOKE && b.registered && !b.revoked &&
               memcmp(b.owner, s.id.chain.address, 20) == 0 &&
               memcmp(b.digest, call.digest, 32) == 0) {
        nt_ledger_hex(dig, b.digest, 32);
        fprintf(nt_cli_out(),
                "%s already bound to digest %s (block %" PRIu64 ")\n", o->name_text, dig,
                b.updated_block);
        rc = NT_EXIT_OK;
    } else {
        if (kind == NT_CHAIN_CALL_REVOKE) /* say which digest is revoked: the one bound now */
            memcpy(call.digest, b.digest, 32);
        rc = send_call(o, &s, o->registry, &call, done);
    }
    nt_ledger_session_close(&s);
    return rc;
}

/* The local log's id, size and root into call (log id, size, root). */
static int read_log(const nt_ledger_opts *o, nt_chain_call *call)
{
    char path[4200];
    nt_merkle_log *log = NULL;
    nt_status st;

    if ((st = nt_merkle_log_path(path, sizeof path, o->state)) == NT_OK &&
        (st = nt_merkle_log_open(&log, path, NULL, NULL)) == NT_OK) {
        nt_merkle_log_id(log, call->digest);
        if ((st = nt_merkle_log_size(log, &call->size)) == NT_OK && call->size > 0)
            st = nt_merkle_log_root(log, call->root, call->size);
    }
    nt_merkle_log_close(log);
    if (st != NT_OK)
        return nt_ledger_fail_local(o, st, "Merkle log");
    if (call->size == 0)
        return nt_cli_fail(NT_EXIT_NEGATIVE, "ledger checkpoint: the Merkle log is empty");
    return -1;
}

int nt_ledger_op_checkpoint(const nt_ledger_opts *o)
{
    nt_ledger_session s;
    nt_chain_call call = {.kind = NT_CHAIN_CALL_CHECKPOINT};
    nt_chain_contracts k;
    nt_chain_head head;
    static const uint8_t zero[32];
    nt_status st;
    int rc;

    if ((rc = read_log(o, &call)) >= 0 || (rc = nt_ledger_session_open(&s, o, true, true)) >= 0)
        return rc;
    /* A checkpoint an interrupted run left in the outbox lands first, so
     * the head read below is after it (and it is not sent twice). */
    if ((st = nt_chain_drain(&s.sender, s.outbox)) != NT_OK) {
        nt_ledger_session_close(&s);
        return nt_ledger_fail(o, st, "earlier transactions in the outbox");
    }
    if ((st = nt_chain_contracts_find(s.client, &k, o->registry, NT_CHAIN_LATEST)) != NT_OK ||
        (st = nt_chain_name_of_digest(s.client, call.name_hash, o->registry, call.digest,
                                      NT_CHAIN_LATEST)) != NT_OK ||
        (st = nt_chain_head_of(s.client, &head, k.checkpoints, call.digest, NT_CHAIN_LATEST)) !=
            NT_OK) {
        rc = nt_ledger_fail(o, st, "reading the contracts");
    } else if (memcmp(call.name_hash, zero, 32) == 0) {
        rc = nt_cli_fail(NT_EXIT_REFUSED, "ledger checkpoint: the log's key is not registered");
    } else if (head.size == call.size && memcmp(head.root, call.root, 32) == 0) {
        fprintf(nt_cli_out(), "nothing pending: size %" PRIu64 " is anchored\n", head.size);
        rc = NT_EXIT_OK;
    } else if (head.size >= call.size) {
        rc = nt_cli_fail(NT_EXIT_CHAIN,
                         "ledger checkpoint: the chain's head (size %" PRIu64
                         ") is not behind the local log (size %" PRIu64 ")",
                         head.size, call.size);
    } else {
        fprintf(nt_cli_out(),
                "checkpoint size %" PRIu64 " (on chain %" PRIu64 ")\n", call.size, head.size);
        rc = send_call(o, &s, k.checkpoints, &call, "checkpointed");
    }
    nt_ledger_session_close(&s);
    return rc;
}

int nt_ledger_op_status(const nt_ledger_opts *o)
{
    nt_ledger_session s;
    nt_outbox_counts c;
    nt_status st;
    int rc;

    if ((rc = nt_ledger_session_open(&s, o, true, false)) >= 0)
        return rc;
    st = nt_outbox_status(s.outbox, &c);
    nt_ledger_session_close(&s);
    if (st != NT_OK)
        return nt_ledger_fail(o, st, "outbox");
    fprintf(nt_cli_out(),
            o->json ? "{\"queued\":%" PRIu64 ",\"sent\":%" PRIu64 ",\"mined\":%" PRIu64
                      ",\"confirmed\":%" PRIu64 ",\"failed\":%" PRIu64 ",\"next_nonce\":%" PRIu64
                      "}\n"
                    : "queued %" PRIu64 " sent %" PRIu64 " mined %" PRIu64 " confirmed %" PRIu64
                      " failed %" PRIu64 " next nonce %" PRIu64 "\n",
            c.n[NT_OUTBOX_QUEUED], c.n[NT_OUTBOX_SENT], c.n[NT_OUTBOX_MINED],
            c.n[NT_OUTBOX_CONFIRMED], c.n[NT_OUTBOX_FAILED], c.next_nonce);
    return NT_EXIT_OK;
}

