/*
 * Writes to the ledger's contracts (nautilus/ledger_chain.h): deploying the
 * three contracts, and queueing register / rotate / revoke / checkpoint in
 * the durable outbox after the contract has accepted a replay of the call.
 */
#include <stdio.h>
#include <string.h>

#include "ledger/chain_int.h"
#include "ledger/ledger_int.h"
#include "nautilus/mem.h"

#define DEFAULT_POLL_MS 200
#define DEFAULT_TIMEOUT_MS 60000
#define CALL_DATA_CAP 1024

static uint32_t poll_of(const nt_chain_sender *s)
{
    return s->poll_ms ? s->poll_ms : DEFAULT_POLL_MS;
}

static uint32_t timeout_of(const nt_chain_sender *s)
{
    return s->timeout_ms ? s->timeout_ms : DEFAULT_TIMEOUT_MS;
}

static uint32_t confirmations_of(const nt_chain_sender *s)
{
    if (s->confirmations)
        return s->confirmations;
    return s->profile->confirmations ? s->profile->confirmations : 1;
}

/* The address a creation from `from` at `nonce` gets: the last 20 bytes of
 * keccak(rlp([from, nonce])) (yellow paper §7). */
static nt_status create_address(uint8_t out[20], const uint8_t from[20], uint64_t nonce)
{
    nt_rlp_enc e;
    const uint8_t *enc;
    size_t len;
    uint8_t h[32];
    nt_status st;

    nt_rlp_enc_init(&e, 64);
    nt_rlp_enc_list_begin(&e);
    nt_rlp_enc_bytes(&e, from, 20);
    nt_rlp_enc_u64(&e, nonce);
    nt_rlp_enc_list_end(&e);
    st = nt_rlp_enc_finish(&e, &enc, &len);
    if (st == NT_OK) {
        nt_keccak256(h, enc, len);
        memcpy(out, h + 12, 20);
    }
    nt_rlp_enc_cleanup(&e);
    return st;
}

/* Creation code of Checkpoints followed by its constructor argument. */
static nt_status checkpoints_init(nt_dynbuf *out, const nt_chain_bytecode *code,
                                  const uint8_t registry[20])
{
    nt_abi_value arg = {.type = NT_ABI_ADDRESS};
    nt_status st = nt_dynbuf_add(out, code->checkpoints, code->checkpoints_len);

    memcpy(arg.v.address, registry, 20);
    return st == NT_OK ? nt_abi_encode(out, &arg, 1) : st;
}

/* Registry.setContracts(checkpoints, credentials) call data. */
static nt_status set_contracts_data(nt_dynbuf *out, const nt_chain_contracts *k)
{
    nt_abi_value a[2] = {{.type = NT_ABI_ADDRESS}, {.type = NT_ABI_ADDRESS}};

    memcpy(a[0].v.address, k->checkpoints, 20);
    memcpy(a[1].v.address, k->credentials, 20);
    return nt_abi_encode_call(out, "setContracts", a, 2);
}

/* Queues data to `to` (NULL: a creation) with the node's gas estimate +
 * 25 % + 10000; *id is its outbox row. */
static nt_status enqueue_estimated(const nt_chain_sender *s, nt_outbox *ob, int64_t *id,
                                   const uint8_t *to, const uint8_t *data, size_t len)
{
    nt_eth_call_msg msg;
    uint64_t gas = 0;
    nt_status st;

    memset(&msg, 0, sizeof msg);
    msg.has_from = true;
    memcpy(msg.from, s->signer->key->address, 20);
    msg.has_to = to != NULL;
    if (to != NULL)
        memcpy(msg.to, to, 20);
    msg.data = data;
    msg.data_len = len;
    if ((st = nt_eth_estimate_gas(s->client, &gas, &msg)) != NT_OK)
        return st;
    return nt_outbox_enqueue(ob, id, to, data, len, gas + gas / 4 + 10000);
}

/* Waits for creation id; its address from the nonce it was signed at, which
 * must be the receipt's contractAddress. */
static nt_status created(const nt_chain_sender *s, nt_outbox *ob, uint8_t addr[20], int64_t id)
{
    nt_outbox_tx t;
    nt_eth_receipt rc;
    bool found = false;
    nt_status st;

    memset(&rc, 0, sizeof rc);
    if ((st = nt_chain_wait(s, ob, &t, id)) != NT_OK ||
        (st = create_address(addr, s->signer->key->address, t.nonce)) != NT_OK ||
        (st = nt_eth_get_transaction_receipt(s->client, &rc, &found, t.mined_hash)) != NT_OK)
        return st;
    if (!found || !rc.has_contract_address || memcmp(rc.contract_address, addr, 20) != 0)
        st = NT_ERR_CHAIN_MISMATCH;
    nt_eth_receipt_cleanup(&rc);
    return st;
}

nt_status nt_chain_deploy(const nt_chain_sender *s, nt_outbox *ob, nt_chain_contracts *out,
                          const nt_chain_bytecode *code)
{
    int64_t id[4] = {0, 0, 0, 0};
    nt_dynbuf cp, set;
    nt_outbox_tx t;
    nt_status st;

    memset(out, 0, sizeof *out);
    /* Refuse a node of another chain before anything is signed. */
    if ((st = nt_eth_expect_chain_id(s->client, s->signer->chain_id)) != NT_OK ||
        (st = nt_eth_block_number(s->client, &out->deployed_block)) != NT_OK)
        return st;
    nt_dynbuf_init(&cp, NT_TX_MAX_DATA);
    nt_dynbuf_init(&set, CALL_DATA_CAP);
    /* Checkpoints' constructor takes the registry's address, known once
     * the registry's creation is signed at its nonce; setContracts calls
     * into Checkpoints, so it is estimated once that exists. */
    st = enqueue_estimated(s, ob, &id[0], NULL, code->registry, code->registry_len);
    if (st == NT_OK && (st = created(s, ob, out->registry, id[0])) == NT_OK &&
        (st = checkpoints_init(&cp, code, out->registry)) == NT_OK &&
        (st = enqueue_estimated(s, ob, &id[1], NULL, cp.data, cp.len)) == NT_OK &&
        (st = enqueue_estimated(s, ob, &id[2], NULL, code->credentials,
                                code->credentials_len)) == NT_OK &&
        (st = created(s, ob, out->checkpoints, id[1])) == NT_OK &&
        (st = created(s, ob, out->credentials, id[2])) == NT_OK &&
        (st = set_contracts_data(&set, out)) == NT_OK &&
        (st = enqueue_estimated(s, ob, &id[3], out->registry, set.data, set.len)) == NT_OK)
        st = nt_chain_wait(s, ob, &t, id[3]);
    nt_dynbuf_cleanup(&cp);
    nt_dynbuf_cleanup(&set);
    return st;
}

void nt_chain_outbox_config(nt_outbox_config *cfg, const nt_chain_sender *s)
{
    nt_outbox_config_init(cfg, s->profile);
    cfg->confirmations = confirmations_of(s);
    cfg->has_done_selector = true;
    nt_abi_selector(cfg->done_selector, "AlreadyCheckpointed(bytes32,uint64,bytes32)");
}

/* The revert of call data replayed from the signer at the head: *reverted
 * and the contract's error name (or "reverted") in why. */
static nt_status replay(const nt_chain_sender *s, bool *reverted, char *why, size_t why_cap,
                        const uint8_t to[20], const uint8_t *data, size_t len)
{
    nt_outbox_rpc rpc;
    nt_dynbuf rev;
    uint64_t head = 0;
    nt_status st;

    *reverted = false;
    nt_outbox_rpc_from_client(&rpc, s->client);
    nt_dynbuf_init(&rev, CALL_DATA_CAP);
    st = nt_eth_block_number(s->client, &head);
    if (st == NT_OK)
        st = rpc.revert_data(rpc.ctx, &rev, s->signer->key->address, to, data, len, head);
    if (st == NT_OK && rev.len > 0) {
        const char *name = nt_chain_error_name(rev.data, rev.len);
        *reverted = true;
        if (why_cap > 0)
            snprintf(why, why_cap, "%s", name ? name : "reverted");
    }
    nt_dynbuf_cleanup(&rev);
    return st;
}

nt_status nt_chain_submit(const nt_chain_sender *s, nt_outbox *ob, int64_t *id, char *why,
                          size_t why_cap, const uint8_t to[20], const nt_chain_call *call)
{
    nt_eth_call_msg msg;
    nt_dynbuf data;
    uint64_t gas = 0;
    bool reverted = false;
    nt_status st;

    if (why_cap > 0)
        why[0] = '\0';
    nt_dynbuf_init(&data, CALL_DATA_CAP);
    st = nt_chain_call_encode(&data, call);
    if (st == NT_OK)
        st = replay(s, &reverted, why, why_cap, to, data.data, data.len);
    if (st == NT_OK && reverted)
        st = NT_ERR_RPC_REVERTED;
    memset(&msg, 0, sizeof msg);
    msg.has_from = msg.has_to = true;
    memcpy(msg.from, s->signer->key->address, 20);
    memcpy(msg.to, to, 20);
    msg.data = data.data;
    msg.data_len = data.len;
    if (st == NT_OK)
        st = nt_eth_estimate_gas(s->client, &gas, &msg);
    if (st == NT_ERR_RPC_REVERTED && why_cap > 0 && why[0] == '\0')
        snprintf(why, why_cap, "reverted");
    if (st == NT_OK)
        st = nt_outbox_enqueue(ob, id, to, data.data, data.len, gas + gas / 4 + 10000);
    nt_dynbuf_cleanup(&data);
    return st;
}

/* A failure of the node that a later step may get past. */
static bool transient(nt_status st)
{
    return st == NT_ERR_RPC_CONNECT || st == NT_ERR_RPC_TIMEOUT || st == NT_ERR_RPC_TRANSPORT ||
           st == NT_ERR_RPC_HTTP_STATUS;
}

nt_status nt_chain_wait(const nt_chain_sender *s, nt_outbox *ob, nt_outbox_tx *out, int64_t id)
{
    const nt_rpc_config *cfg = nt_rpc_client_config(s->client);
    uint64_t start = cfg->env.now_ms(cfg->env.ctx);
    nt_status st, last = NT_OK;
    nt_outbox_rpc rpc;

    nt_outbox_rpc_from_client(&rpc, s->client);
    for (;;) {
        st = nt_outbox_step(ob, &rpc, s->signer, s->wall_ms(s->wall_ctx));
        if (st != NT_OK && !transient(st))
            return st;
        last = st;
        if ((st = nt_outbox_get(ob, out, id)) != NT_OK)
            return st;
        if (out->state == NT_OUTBOX_CONFIRMED)
            return NT_OK;
        if (out->state == NT_OUTBOX_FAILED)
            return NT_ERR_CHAIN_TX_FAILED;
        if (cfg->env.now_ms(cfg->env.ctx) - start >= timeout_of(s))
            return last != NT_OK ? last : NT_ERR_TIMEOUT;
        cfg->env.sleep_ms(cfg->env.ctx, poll_of(s));
    }
}

nt_status nt_chain_drain(const nt_chain_sender *s, nt_outbox *ob)
{
    const nt_rpc_config *cfg = nt_rpc_client_config(s->client);
    uint64_t start = cfg->env.now_ms(cfg->env.ctx);
    nt_status st, last = NT_OK;
    nt_outbox_counts c;
    nt_outbox_rpc rpc;

    nt_outbox_rpc_from_client(&rpc, s->client);
    for (;;) {
        if ((st = nt_outbox_status(ob, &c)) != NT_OK)
            return st;
        if (c.n[NT_OUTBOX_QUEUED] + c.n[NT_OUTBOX_SENT] + c.n[NT_OUTBOX_MINED] == 0)
            return NT_OK;
        if (cfg->env.now_ms(cfg->env.ctx) - start >= timeout_of(s))
            return last != NT_OK ? last : NT_ERR_TIMEOUT;
        st = nt_outbox_step(ob, &rpc, s->signer, s->wall_ms(s->wall_ctx));
        if (st != NT_OK && !transient(st))
            return st;
        last = st;
        if (st == NT_OK && (st = nt_outbox_status(ob, &c)) == NT_OK &&
            c.n[NT_OUTBOX_QUEUED] + c.n[NT_OUTBOX_SENT] + c.n[NT_OUTBOX_MINED] == 0)
            return NT_OK;
        cfg->env.sleep_ms(cfg->env.ctx, poll_of(s));
    }
}
