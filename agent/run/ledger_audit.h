/* agent/run/ledger_audit.h - what `ledger audit` found (ledger_audit.c) and
 * its two printers (ledger_audit_out.c). A check is GOOD, BAD or UNCHECKED
 * (it could not be made: say so rather than pass it). */
#ifndef NAUTILUS_AGENT_RUN_LEDGER_AUDIT_H
#define NAUTILUS_AGENT_RUN_LEDGER_AUDIT_H

#include "ledger_cli.h"

#define MAX_HISTORY 256
#define MAX_LOGS 16
#define MAX_RECORDS 4096

enum { UNCHECKED = -1, BAD = 0, GOOD = 1 };

typedef struct audit_cp {
    nt_chain_checkpoint cp;
    uint64_t time;
    int bound;      /* made while its key was bound to the name, unrevoked */
    int root_local; /* the local log's root at this size is this root */
    int consistent; /* extends the previous checkpoint (consistency proof) */
} audit_cp;

typedef struct audit_log {
    uint8_t id[32];
    nt_chain_head head;
    audit_cp *cps;
    size_t n;
    bool local; /* the local log is this key's */
} audit_log;

/* One record-set version (leaf) of the local log. */
typedef struct audit_rec {
    uint64_t index;
    char owner[NT_DNS_NAME_TEXT_MAX];
    uint16_t rrtype;
    int64_t time;
    int hash_ok;          /* the stored data hashes to the stored leaf hash */
    const audit_cp *cp;   /* the first checkpoint covering it; NULL: none yet */
    int included;         /* inclusion proof against that checkpoint's root */
} audit_rec;

typedef struct audit {
    nt_ledger_opts o;
    nt_ledger_session s;
    nt_chain_contracts k;
    uint64_t block;
    nt_chain_binding binding;
    nt_chain_name_event hist[MAX_HISTORY];
    uint64_t hist_time[MAX_HISTORY];
    size_t n_hist;
    int history_matches;
    audit_log logs[MAX_LOGS];
    size_t n_logs;
    nt_merkle_log *local;
    audit_rec *recs;
    size_t n_recs;
    uint64_t log_size; /* leaves in the local log (recs: the first MAX_RECORDS) */
    bool bad;
} audit;

/* Print the audit; return 0 when every check made held, 1 when one did not
 * or the name was never registered (a negative answer). */
int nt_ledger_audit_text(const audit *a);
int nt_ledger_audit_json(const audit *a);

#endif
