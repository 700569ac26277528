/* The two printers of `ledger audit` (ledger_audit.h): text and one JSON
 * object. Both say which checks could not be made. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "ledger_audit.h"

#define NO_LOG_NOTE                                                                        \
    "consistency of successive checkpoints and inclusion of record-set versions need the " \
    "publisher's Merkle log (--state DIR): the chain holds only sizes and roots"

static const char *word(int v)
{
    return v == GOOD ? "ok" : v == BAD ? "FAILED" : "unchecked";
}

static void iso_time(char out[32], uint64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) == NULL || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, 32, "%" PRIu64, t);
}

static void text_history(const audit *a)
{
    char tx[67], dig[67], old[67], owner[43], when[32];

    printf("history: %zu events, rebuilt state matches keyOf: %s\n", a->n_hist,
           word(a->history_matches));
    for (size_t i = 0; i < a->n_hist; i++) {
        const nt_chain_name_event *e = &a->hist[i];
        nt_ledger_hex(tx, e->at.tx_hash, 32);
        nt_ledger_hex(dig, e->digest, 32);
        nt_ledger_hex(old, e->old_digest, 32);
        nt_ledger_hex(owner, e->owner, 20);
        iso_time(when, a->hist_time[i]);
        printf("  %-10s block %" PRIu64 " %s tx %s owner %s digest %s%s%s\n",
               nt_chain_name_change_name(e->kind), e->at.block, when, tx, owner, dig,
               e->kind == NT_CHAIN_ROTATED ? " was " : "", e->kind == NT_CHAIN_ROTATED ? old : "");
    }
}

static void text_logs(const audit *a)
{
    char id[67], root[67], tx[67], when[32];

    for (size_t i = 0; i < a->n_logs; i++) {
        const audit_log *l = &a->logs[i];
        nt_ledger_hex(id, l->id, 32);
        printf("log %s: %zu checkpoints, head size %" PRIu64 "%s\n", id, l->n, l->head.size,
               l->local ? " (local log)" : "");
        for (size_t j = 0; j < l->n; j++) {
            const audit_cp *c = &l->cps[j];
            nt_ledger_hex(root, c->cp.root, 32);
            nt_ledger_hex(tx, c->cp.at.tx_hash, 32);
            iso_time(when, c->time);
            printf("  checkpoint size %" PRIu64 " root %s block %" PRIu64
                   " %s tx %s key-bound %s local-root %s consistent %s\n",
                   c->cp.size, root, c->cp.at.block, when, tx, word(c->bound),
                   word(c->root_local), j == 0 ? "ok (first)" : word(c->consistent));
        }
    }
}

int nt_ledger_audit_text(const audit *a)
{
    char h[67], r[43], c[43], cr[43], owner[43], dig[67];

    nt_ledger_hex(h, a->o.name_hash, 32);
    nt_ledger_hex(r, a->k.registry, 20);
    nt_ledger_hex(c, a->k.checkpoints, 20);
    nt_ledger_hex(cr, a->k.credentials, 20);
    nt_ledger_hex(owner, a->binding.owner, 20);
    nt_ledger_hex(dig, a->binding.digest, 32);
    printf("name %s hash %s at block %" PRIu64 "\n", a->o.name_text, h, a->block);
    printf("registry %s checkpoints %s credentials %s deployed at block %" PRIu64 "\n", r, c, cr,
           a->k.deployed_block);
    if (a->binding.registered)
        printf("binding: owner %s digest %s%s (changed at block %" PRIu64 ")\n", owner, dig,
               a->binding.revoked ? " REVOKED" : "", a->binding.updated_block);
    else
        printf("binding: not registered\n");
    text_history(a);
    text_logs(a);
    if (a->local != NULL)
        printf("records: %zu of %" PRIu64 " leaves in the local log\n", a->n_recs, a->log_size);
    for (size_t i = 0; i < a->n_recs; i++) {
        const audit_rec *x = &a->recs[i];
        char tx[67];
        printf("  record leaf %" PRIu64 " %s type %u time %" PRId64 " data %s", x->index,
               x->owner, x->rrtype, x->time, word(x->hash_ok));
        if (x->cp != NULL) {
            nt_ledger_hex(tx, x->cp->cp.at.tx_hash, 32);
            printf(" anchored in size %" PRIu64 " block %" PRIu64 " tx %s inclusion %s\n",
                   x->cp->cp.size, x->cp->cp.at.block, tx, word(x->included));
        } else {
            printf(" not anchored yet\n");
        }
    }
    if (a->local == NULL)
        printf("unchecked: %s\n", NO_LOG_NOTE);
    printf("result: %s\n", a->bad ? "INCONSISTENT" : a->n_hist == 0 ? "never registered"
                                                                  : "consistent");
    return a->bad || a->n_hist == 0 ? NT_EXIT_NEGATIVE : NT_EXIT_OK;
}

/* ---- JSON ---------------------------------------------------------------------- */

static void add_hex(cJSON *o, const char *k, const uint8_t *d, size_t n)
{
    char buf[67];
    nt_ledger_hex(buf, d, n);
    cJSON_AddStringToObject(o, k, buf);
}

static void add_check(cJSON *o, const char *k, int v)
{
    if (v == UNCHECKED)
        cJSON_AddNullToObject(o, k);
    else
        cJSON_AddBoolToObject(o, k, v == GOOD);
}

static void add_origin(cJSON *o, const nt_chain_origin *at, uint64_t time)
{
    cJSON_AddNumberToObject(o, "block", (double)at->block);
    cJSON_AddNumberToObject(o, "time", (double)time);
    add_hex(o, "tx", at->tx_hash, 32);
}

static cJSON *json_history(const audit *a)
{
    cJSON *arr = cJSON_CreateArray();

    for (size_t i = 0; arr && i < a->n_hist; i++) {
        const nt_chain_name_event *e = &a->hist[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, o);
        cJSON_AddStringToObject(o, "event", nt_chain_name_change_name(e->kind));
        add_origin(o, &e->at, a->hist_time[i]);
        add_hex(o, "owner", e->owner, 20);
        add_hex(o, "digest", e->digest, 32);
        if (e->kind == NT_CHAIN_ROTATED)
            add_hex(o, "old_digest", e->old_digest, 32);
    }
    return arr;
}

static cJSON *json_logs(const audit *a)
{
    cJSON *arr = cJSON_CreateArray();

    for (size_t i = 0; arr && i < a->n_logs; i++) {
        const audit_log *l = &a->logs[i];
        cJSON *o = cJSON_CreateObject(), *cps = cJSON_CreateArray();
        cJSON_AddItemToArray(arr, o);
        add_hex(o, "log_id", l->id, 32);
        cJSON_AddNumberToObject(o, "head_size", (double)l->head.size);
        add_hex(o, "head_root", l->head.root, 32);
        cJSON_AddBoolToObject(o, "local", l->local);
        cJSON_AddItemToObject(o, "checkpoints", cps);
        for (size_t j = 0; cps && j < l->n; j++) {
            const audit_cp *c = &l->cps[j];
            cJSON *x = cJSON_CreateObject();
            cJSON_AddItemToArray(cps, x);
            cJSON_AddNumberToObject(x, "size", (double)c->cp.size);
            add_hex(x, "root", c->cp.root, 32);
            add_origin(x, &c->cp.at, c->time);
            add_check(x, "key_bound", c->bound);
            add_check(x, "root_matches_local", c->root_local);
            add_check(x, "consistent", j == 0 ? (c->root_local == BAD ? BAD : GOOD) : c->consistent);
        }
    }
    return arr;
}

static cJSON *json_records(const audit *a)
{
    cJSON *arr = cJSON_CreateArray();

    for (size_t i = 0; arr && i < a->n_recs; i++) {
        const audit_rec *r = &a->recs[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, o);
        cJSON_AddNumberToObject(o, "leaf", (double)r->index);
        cJSON_AddStringToObject(o, "owner", r->owner);
        cJSON_AddNumberToObject(o, "type", r->rrtype);
        cJSON_AddNumberToObject(o, "time", (double)r->time);
        add_check(o, "data_ok", r->hash_ok);
        if (r->cp != NULL) {
            cJSON *c = cJSON_CreateObject();
            cJSON_AddItemToObject(o, "checkpoint", c);
            cJSON_AddNumberToObject(c, "size", (double)r->cp->cp.size);
            add_origin(c, &r->cp->cp.at, r->cp->time);
        } else {
            cJSON_AddNullToObject(o, "checkpoint");
        }
        add_check(o, "included", r->included);
    }
    return arr;
}

int nt_ledger_audit_json(const audit *a)
{
    cJSON *o = cJSON_CreateObject(), *b = cJSON_CreateObject(), *un = cJSON_CreateArray();
    char *text;

    cJSON_AddStringToObject(o, "name", a->o.name_text);
    add_hex(o, "name_hash", a->o.name_hash, 32);
    cJSON_AddNumberToObject(o, "block", (double)a->block);
    add_hex(o, "registry", a->k.registry, 20);
    add_hex(o, "checkpoints", a->k.checkpoints, 20);
    add_hex(o, "credentials", a->k.credentials, 20);
    cJSON_AddNumberToObject(o, "deployed_block", (double)a->k.deployed_block);
    cJSON_AddItemToObject(o, "binding", b);
    cJSON_AddBoolToObject(b, "registered", a->binding.registered);
    add_hex(b, "owner", a->binding.owner, 20);
    add_hex(b, "digest", a->binding.digest, 32);
    cJSON_AddBoolToObject(b, "revoked", a->binding.revoked);
    cJSON_AddNumberToObject(b, "updated_block", (double)a->binding.updated_block);
    cJSON_AddItemToObject(o, "history", json_history(a));
    add_check(o, "history_matches_keyof", a->history_matches);
    cJSON_AddItemToObject(o, "logs", json_logs(a));
    cJSON_AddItemToObject(o, "records", json_records(a));
    cJSON_AddBoolToObject(o, "local_log", a->local != NULL);
    cJSON_AddNumberToObject(o, "local_log_size", (double)a->log_size);
    if (a->local == NULL)
        cJSON_AddItemToArray(un, cJSON_CreateString(NO_LOG_NOTE));
    cJSON_AddItemToObject(o, "unchecked", un);
    cJSON_AddBoolToObject(o, "consistent", !a->bad);
    text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (text == NULL)
        return nt_cli_fail(NT_EXIT_LOCAL, "ledger audit: out of memory");
    puts(text);
    cJSON_free(text);
    return a->bad || a->n_hist == 0 ? NT_EXIT_NEGATIVE : NT_EXIT_OK;
}
