/*
 * nautilus ledger audit NAME --rpc URL --registry ADDR [--state DIR] [--json]
 *
 * What anyone can check about a name with only a node and the registry's
 * address, all read at one block:
 *   - the deployment: the registry's Checkpoints and Credentials, and that
 *     this Checkpoints reads this registry;
 *   - the name's history (Registered / Rotated / Revoked events), rebuilt
 *     and compared with keyOf;
 *   - for every key the name was bound to (its log id), each checkpoint
 *     with block, time and transaction: sizes growing, made through this
 *     name while that key was bound to it, and the latest equal to headOf.
 * With the publisher's Merkle log (--state DIR), also:
 *   - each record-set version in the log (the first MAX_RECORDS): its leaf
 *     index, owner and type, its data rehashed, and its inclusion in the
 *     first checkpoint covering it (block, time, tx), verified against the
 *     root on chain;
 *   - each pair of successive checkpoints: a consistency proof from the log,
 *     verified against the two roots on chain, and each root recomputed.
 * Without the log, the consistency of two roots cannot be checked (the
 * chain holds only roots); the audit says so. Exit 0 when every check made
 * held, 1 when one did not or the name was never registered.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "ledger_audit.h"
#include "nautilus/mem.h"

static void usage(FILE *out)
{
    fputs("usage: nautilus ledger audit NAME --rpc URL --registry ADDR [--state DIR] [--json]\n"
          "  The name's registrations, rotations and revocations, and every checkpoint of\n"
          "  its keys' logs (block, time, transaction), checked against the contracts'\n"
          "  state. With --state DIR (the publisher's), each record-set version of NAME\n"
          "  in its Merkle log is checked for inclusion in the checkpoint roots on chain,\n"
          "  and successive checkpoints for consistency. Exit 1 if a check fails.\n",
          out);
}

static int mark(audit *a, bool ok)
{
    if (!ok)
        a->bad = true;
    return ok ? GOOD : BAD;
}

/* The key's state after the history, compared with keyOf. */
static void check_history(audit *a)
{
    uint8_t digest[32] = {0}, owner[20] = {0};
    bool revoked = false;

    for (size_t i = 0; i < a->n_hist; i++) {
        memcpy(digest, a->hist[i].digest, 32);
        memcpy(owner, a->hist[i].owner, 20);
        revoked = a->hist[i].kind == NT_CHAIN_REVOKED;
    }
    a->history_matches = mark(a, (a->n_hist == 0 && !a->binding.registered) ||
                                     (memcmp(digest, a->binding.digest, 32) == 0 &&
                                      memcmp(owner, a->binding.owner, 20) == 0 &&
                                      revoked == a->binding.revoked));
}

/* Whether digest was bound to the name, unrevoked, after the events before
 * (block, log index) at. */
static bool bound_at(const audit *a, const uint8_t digest[32], const nt_chain_origin *at)
{
    bool bound = false;

    for (size_t i = 0; i < a->n_hist; i++) {
        const nt_chain_origin *h = &a->hist[i].at;
        if (h->block > at->block || (h->block == at->block && h->log_index > at->log_index))
            break;
        bound = a->hist[i].kind != NT_CHAIN_REVOKED && memcmp(a->hist[i].digest, digest, 32) == 0;
    }
    return bound;
}

static nt_status add_log(audit *a, const uint8_t id[32])
{
    audit_log *l;

    for (size_t i = 0; i < a->n_logs; i++)
        if (memcmp(a->logs[i].id, id, 32) == 0)
            return NT_OK;
    if (a->n_logs == MAX_LOGS)
        return NT_ERR_CAP;
    l = &a->logs[a->n_logs++];
    memcpy(l->id, id, 32);
    return nt_chain_head_of(a->s.client, &l->head, a->k.checkpoints, id, a->block);
}

/* The checkpoints of one log, with their times and the chain-only checks. */
static nt_status read_checkpoints(audit *a, audit_log *l)
{
    nt_chain_checkpoint *cps = nt_calloc(NT_CHAIN_MAX_EVENTS, sizeof *cps);
    uint8_t bh[32];
    nt_status st;
    size_t n = 0;

    if (cps == NULL)
        return NT_ERR_NOMEM;
    st = nt_chain_checkpoints_list(a->s.client, cps, NT_CHAIN_MAX_EVENTS, &n, a->k.checkpoints,
                                   l->id, a->k.deployed_block, a->block, 0);
    l->cps = n ? nt_calloc(n, sizeof *l->cps) : NULL;
    if (st == NT_OK && n && l->cps == NULL)
        st = NT_ERR_NOMEM;
    for (size_t i = 0; st == NT_OK && i < n; i++) {
        audit_cp *c = &l->cps[l->n++];
        c->cp = cps[i];
        st = nt_chain_block_time(a->s.client, &c->time, bh, cps[i].at.block);
        c->bound = mark(a, memcmp(cps[i].name_hash, a->o.name_hash, 32) == 0 &&
                               bound_at(a, l->id, &cps[i].at) &&
                               (i == 0 || cps[i].size > cps[i - 1].size));
        c->root_local = c->consistent = UNCHECKED;
    }
    /* The head in storage is the last checkpoint's. */
    if (st == NT_OK)
        mark(a, n ? l->head.size == cps[n - 1].size && memcmp(l->head.root, cps[n - 1].root, 32) == 0
                  : l->head.size == 0);
    nt_free(cps);
    return st;
}

/* Every root and every successive pair of a log, against the local log. */
static nt_status check_consistency(audit *a, audit_log *l)
{
    uint64_t size = 0;
    uint8_t root[32];
    nt_merkle_proof proof;
    nt_status st = nt_merkle_log_size(a->local, &size);

    for (size_t i = 0; st == NT_OK && i < l->n; i++) {
        audit_cp *c = &l->cps[i];
        if (c->cp.size > size) {
            c->root_local = mark(a, false); /* the chain has more than the log */
            continue;
        }
        if ((st = nt_merkle_log_root(a->local, root, c->cp.size)) != NT_OK)
            break;
        c->root_local = mark(a, memcmp(root, c->cp.root, 32) == 0);
        if (i == 0)
            continue;
        const nt_chain_checkpoint *p = &l->cps[i - 1].cp;
        if ((st = nt_merkle_log_consistency_proof(a->local, &proof, p->size, c->cp.size)) != NT_OK)
            break;
        c->consistent = mark(a, nt_merkle_consistency_verify(&proof, p->size, p->root,
                                                             c->cp.size, c->cp.root) == NT_OK);
    }
    return st;
}

/* One record-set version: rehashed, and included in the first checkpoint
 * that covers it. */
static nt_status check_record(audit *a, const audit_log *l, audit_rec *r)
{
    nt_merkle_log_leaf leaf;
    nt_merkle_proof proof;
    nt_dns_name owner;
    uint8_t h[32];
    nt_status st = nt_merkle_log_leaf_get(a->local, &leaf, r->index);

    if (st != NT_OK)
        return st;
    r->rrtype = leaf.rrtype;
    r->time = leaf.time;
    if (nt_dns_name_from_wire(&owner, leaf.owner, leaf.owner_len) != NT_OK ||
        nt_dns_name_to_text(&owner, r->owner, sizeof r->owner, NULL) != NT_OK)
        snprintf(r->owner, sizeof r->owner, "?");
    st = nt_merkle_leaf_hash(h, leaf.data, leaf.data_len);
    if (st == NT_OK)
        r->hash_ok = mark(a, memcmp(h, leaf.hash, 32) == 0);
    r->included = UNCHECKED;
    for (size_t i = 0; st == NT_OK && i < l->n; i++) {
        const nt_chain_checkpoint *c = &l->cps[i].cp;
        if (c->size <= r->index)
            continue;
        r->cp = &l->cps[i];
        st = nt_merkle_log_inclusion_proof(a->local, &proof, r->index, c->size);
        if (st == NT_OK)
            r->included = mark(a, nt_merkle_inclusion_verify(&proof, h, r->index, c->size,
                                                             c->root) == NT_OK);
        break;
    }
    nt_merkle_log_leaf_cleanup(&leaf);
    return st;
}

/* The local log, if --state was given and it is the log of one of the
 * name's keys: every record-set version in it (the key is this name's, so
 * every leaf is its publisher's: host records and service instances) and
 * the consistency of the checkpoints. */
static nt_status check_local(audit *a)
{
    char path[4200];
    uint8_t id[32];
    audit_log *l = NULL;
    nt_status st;

    if (a->o.state == NULL)
        return NT_OK;
    if ((st = nt_merkle_log_path(path, sizeof path, a->o.state)) != NT_OK ||
        (st = nt_merkle_log_open(&a->local, path, NULL, NULL)) != NT_OK)
        return st;
    nt_merkle_log_id(a->local, id);
    for (size_t i = 0; i < a->n_logs; i++)
        if (memcmp(a->logs[i].id, id, 32) == 0)
            l = &a->logs[i];
    if (l == NULL)
        return NT_ERR_MERKLE_LOG_ID; /* not a log of this name's keys */
    l->local = true;
    if ((st = check_consistency(a, l)) != NT_OK ||
        (st = nt_merkle_log_size(a->local, &a->log_size)) != NT_OK)
        return st;
    a->recs = nt_calloc(MAX_RECORDS, sizeof *a->recs);
    if (a->recs == NULL)
        return NT_ERR_NOMEM;
    for (uint64_t i = 0; st == NT_OK && i < a->log_size && a->n_recs < MAX_RECORDS; i++) {
        a->recs[a->n_recs].index = i;
        st = check_record(a, l, &a->recs[a->n_recs++]);
    }
    return st;
}

/* Everything read from the chain, at one block. */
static nt_status gather(audit *a)
{
    uint8_t bh[32];
    nt_status st;

    if ((st = nt_eth_block_number(a->s.client, &a->block)) != NT_OK ||
        (st = nt_chain_contracts_find(a->s.client, &a->k, a->o.registry, a->block)) != NT_OK ||
        (st = nt_chain_key_of(a->s.client, &a->binding, a->o.registry, a->o.name_hash,
                              a->block)) != NT_OK ||
        (st = nt_chain_name_history(a->s.client, a->hist, MAX_HISTORY, &a->n_hist,
                                    a->o.registry, a->o.name_hash, a->k.deployed_block,
                                    a->block, 0)) != NT_OK)
        return st;
    check_history(a);
    for (size_t i = 0; st == NT_OK && i < a->n_hist; i++) {
        st = nt_chain_block_time(a->s.client, &a->hist_time[i], bh, a->hist[i].at.block);
        if (st == NT_OK)
            st = add_log(a, a->hist[i].digest);
    }
    for (size_t i = 0; st == NT_OK && i < a->n_logs; i++)
        st = read_checkpoints(a, &a->logs[i]);
    return st;
}

int nt_ledger_audit(int argc, char **argv)
{
    audit *a = nt_calloc(1, sizeof *a);
    nt_status st;
    int rc;

    if (a == NULL)
        return nt_cli_fail(NT_EXIT_LOCAL, "ledger audit: out of memory");
    rc = nt_ledger_opts_parse(&a->o, argc, argv, LF_RPC | LF_REGISTRY | LF_STATE | LF_JSON |
                                                     LF_NAME | LF_PROFILE,
                              LF_RPC | LF_REGISTRY | LF_NAME, usage);
    /* A chain id given is checked (nothing is signed here). */
    if (rc < 0)
        rc = nt_ledger_session_open(&a->s, &a->o, false, a->o.chain_id != 0);
    if (rc < 0) {
        if ((st = gather(a)) != NT_OK)
            rc = nt_ledger_fail(&a->o, st, "reading the chain");
        else if ((st = check_local(a)) != NT_OK)
            rc = nt_ledger_fail_local(&a->o, st, "local Merkle log");
        else
            rc = a->o.json ? nt_ledger_audit_json(a) : nt_ledger_audit_text(a);
        nt_ledger_session_close(&a->s);
    }
    nt_merkle_log_close(a->local);
    for (size_t i = 0; i < a->n_logs; i++)
        nt_free(a->logs[i].cps);
    nt_free(a->recs);
    nt_free(a);
    return rc;
}
