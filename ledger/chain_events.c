/*
 * The contracts' events (nautilus/ledger_chain.h): Checkpointed of one log
 * id, and Registered / Rotated / Revoked of one name, read with eth_getLogs
 * (split when the node limits the range) and decoded by nt_abi_log_decode.
 * A log that does not come from the contract asked about, or whose indexed
 * topic is not the one asked for, is refused (NT_ERR_RPC_RESULT_TYPE): the
 * node's answer is not trusted to have applied the filter.
 */
#include <string.h>

#include "nautilus/mem.h"

#include "ledger/chain_int.h"

static const nt_abi_type cp_types[] = {NT_ABI_BYTES32, NT_ABI_BYTES32, NT_ABI_UINT64,
                                       NT_ABI_BYTES32};
static const bool cp_indexed[] = {true, true, false, false};
static const nt_abi_event ev_checkpointed = {"Checkpointed", cp_types, cp_indexed, 4};

static const nt_abi_type reg_types[] = {NT_ABI_BYTES32, NT_ABI_ADDRESS, NT_ABI_BYTES32};
static const bool reg_indexed[] = {true, true, false};
static const nt_abi_event ev_registered = {"Registered", reg_types, reg_indexed, 3};
static const nt_abi_event ev_revoked = {"Revoked", reg_types, reg_indexed, 3};
static const nt_abi_type rot_types[] = {NT_ABI_BYTES32, NT_ABI_ADDRESS, NT_ABI_BYTES32,
                                        NT_ABI_BYTES32};
static const bool rot_indexed[] = {true, true, false, false};
static const nt_abi_event ev_rotated = {"Rotated", rot_types, rot_indexed, 4};

/* topic 0 of an event. */
static void event_topic(uint8_t out[32], const nt_abi_event *ev)
{
    char sig[256];

    if (nt_abi_signature(sig, sizeof sig, ev->name, ev->types, ev->n) != NT_OK)
        memset(out, 0, 32); /* cannot happen for the constant events above */
    else
        nt_abi_event_topic(out, sig);
}

/* eth_getLogs of `address` with topic0 (optional) and topic1 = key. */
static nt_status query(nt_rpc_client *c, nt_eth_logs *logs, const uint8_t address[20],
                       const uint8_t *topic0, const uint8_t key[32], uint64_t from,
                       uint64_t to, uint64_t max_range)
{
    nt_eth_log_filter f;
    nt_status st;

    memset(&f, 0, sizeof f);
    if (to == NT_CHAIN_LATEST && (st = nt_eth_block_number(c, &to)) != NT_OK)
        return st;
    if (from > to)
        return NT_OK; /* nothing yet */
    f.from_block = from;
    f.to_block = to;
    f.has_address = true;
    memcpy(f.address, address, 20);
    if (topic0 != NULL) {
        f.topic_set[0] = true;
        memcpy(f.topic[0], topic0, 32);
    }
    f.topic_set[1] = true;
    memcpy(f.topic[1], key, 32);
    f.max_range = max_range;
    return nt_eth_get_logs(c, logs, &f);
}

static void origin(nt_chain_origin *o, const nt_eth_log *l)
{
    o->block = l->block_number;
    memcpy(o->block_hash, l->block_hash, 32);
    memcpy(o->tx_hash, l->tx_hash, 32);
    o->log_index = l->log_index;
}

static bool from_contract(const nt_eth_log *l, const uint8_t address[20], const uint8_t key[32])
{
    return memcmp(l->address, address, 20) == 0 && l->n_topics >= 2 &&
           memcmp(l->topics[1], key, 32) == 0;
}

nt_status nt_chain_checkpoints_list(nt_rpc_client *c, nt_chain_checkpoint *out, size_t cap,
                                    size_t *n, const uint8_t checkpoints[20],
                                    const uint8_t log_id[32], uint64_t from_block,
                                    uint64_t to_block, uint64_t max_range)
{
    uint8_t topic0[32];
    nt_eth_logs logs;
    nt_abi_value v[4];
    nt_status st;

    *n = 0;
    event_topic(topic0, &ev_checkpointed);
    nt_eth_logs_init(&logs, cap < NT_CHAIN_MAX_EVENTS ? cap : NT_CHAIN_MAX_EVENTS);
    st = query(c, &logs, checkpoints, topic0, log_id, from_block, to_block, max_range);
    for (size_t i = 0; st == NT_OK && i < logs.count; i++) {
        const nt_eth_log *l = &logs.items[i];
        if (l->removed)
            continue;
        if (!from_contract(l, checkpoints, log_id)) {
            st = NT_ERR_RPC_RESULT_TYPE;
            break;
        }
        st = nt_abi_log_decode(v, &ev_checkpointed, (const uint8_t(*)[32])l->topics, l->n_topics,
                               l->data, l->data_len);
        if (st != NT_OK)
            break;
        nt_chain_checkpoint *cp = &out[(*n)++];
        memcpy(cp->log_id, v[0].v.bytes32, 32);
        memcpy(cp->name_hash, v[1].v.bytes32, 32);
        cp->size = v[2].v.uint64;
        memcpy(cp->root, v[3].v.bytes32, 32);
        origin(&cp->at, l);
    }
    nt_eth_logs_cleanup(&logs);
    if (st != NT_OK)
        *n = 0;
    return st;
}

nt_status nt_chain_checkpoint_find(nt_rpc_client *c, nt_chain_checkpoint *out, bool *found,
                                   const uint8_t checkpoints[20], const uint8_t log_id[32],
                                   uint64_t size, uint64_t from_block, uint64_t max_range)
{
    nt_chain_checkpoint *all = nt_calloc(NT_CHAIN_MAX_EVENTS, sizeof *all);
    size_t n = 0;
    nt_status st;

    *found = false;
    if (all == NULL)
        return NT_ERR_NOMEM;
    st = nt_chain_checkpoints_list(c, all, NT_CHAIN_MAX_EVENTS, &n, checkpoints, log_id,
                                   from_block, NT_CHAIN_LATEST, max_range);
    for (size_t i = 0; st == NT_OK && i < n && !*found; i++) {
        if (all[i].size == size) {
            *out = all[i];
            *found = true;
        }
    }
    nt_free(all);
    return st;
}

/* One Registered / Rotated / Revoked log into ev; *known false for another
 * event of the registry. */
static nt_status name_event(nt_chain_name_event *ev, bool *known, const nt_eth_log *l)
{
    static const struct {
        const nt_abi_event *ev;
        nt_chain_name_change kind;
    } kinds[] = {{&ev_registered, NT_CHAIN_REGISTERED},
                 {&ev_rotated, NT_CHAIN_ROTATED},
                 {&ev_revoked, NT_CHAIN_REVOKED}};
    uint8_t topic0[32];
    nt_abi_value v[4];

    *known = false;
    memset(ev, 0, sizeof *ev);
    for (size_t k = 0; k < 3; k++) {
        event_topic(topic0, kinds[k].ev);
        if (l->n_topics == 0 || memcmp(l->topics[0], topic0, 32) != 0)
            continue;
        nt_status st = nt_abi_log_decode(v, kinds[k].ev, (const uint8_t(*)[32])l->topics,
                                         l->n_topics, l->data, l->data_len);
        if (st != NT_OK)
            return st;
        *known = true;
        ev->kind = kinds[k].kind;
        memcpy(ev->name_hash, v[0].v.bytes32, 32);
        memcpy(ev->owner, v[1].v.address, 20);
        if (kinds[k].kind == NT_CHAIN_ROTATED) {
            memcpy(ev->old_digest, v[2].v.bytes32, 32);
            memcpy(ev->digest, v[3].v.bytes32, 32);
        } else {
            memcpy(ev->digest, v[2].v.bytes32, 32);
        }
        origin(&ev->at, l);
        return NT_OK;
    }
    return NT_OK;
}

nt_status nt_chain_name_history(nt_rpc_client *c, nt_chain_name_event *out, size_t cap,
                                size_t *n, const uint8_t registry[20],
                                const uint8_t name_hash[32], uint64_t from_block,
                                uint64_t to_block, uint64_t max_range)
{
    nt_eth_logs logs;
    nt_status st;
    bool known;

    *n = 0;
    nt_eth_logs_init(&logs, NT_CHAIN_MAX_EVENTS);
    st = query(c, &logs, registry, NULL, name_hash, from_block, to_block, max_range);
    for (size_t i = 0; st == NT_OK && i < logs.count; i++) {
        const nt_eth_log *l = &logs.items[i];
        if (l->removed)
            continue;
        if (!from_contract(l, registry, name_hash)) {
            st = NT_ERR_RPC_RESULT_TYPE;
            break;
        }
        if (*n == cap) {
            st = NT_ERR_CAP;
            break;
        }
        st = name_event(&out[*n], &known, l);
        if (st == NT_OK && known)
            (*n)++;
    }
    nt_eth_logs_cleanup(&logs);
    if (st != NT_OK)
        *n = 0;
    return st;
}
