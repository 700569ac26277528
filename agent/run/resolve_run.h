/*
 * agent/run/resolve_run.h - `nautilus resolve` as a call into the agent
 * library: the options the command line gives, their checks, the request
 * to a running agent, and the run in-process (resolve_run.c): a host's
 * addresses, one instance complete, or the best instance of a type
 * (resolve_rank.h).
 */
#ifndef NAUTILUS_AGENT_RUN_RESOLVE_RUN_H
#define NAUTILUS_AGENT_RUN_RESOLVE_RUN_H

#include <stdbool.h>

#include "ctl_client.h"
#include "mdns_runner.h"
#include "resolve_rank.h"
#include "trust_cli.h"

typedef struct nt_resolve_opts {
    const char *target;      /* HOST.local, or the TYPE of --best / --instance */
    const char *instance;    /* --instance NAME (with --type TYPE) */
    bool best;               /* --best TYPE */
    bool json;               /* --json */
    bool stats;              /* --stats: the counters at the end */
    bool only4, only6;       /* -4, -6 */
    long timeout;            /* --timeout SEC; -1: the default of the form */
    nt_cli_trust_opts topts; /* --trust, --tofu, --require, --rpc ... */
    nt_best_opts bo;         /* --best: --probe, --state, --seed */
    nt_runner_config rc;     /* -i (the callbacks are the run's) */
    /* Set by nt_resolve_opts_check: the host name ("h.local"), or the type. */
    char name[NT_MDNS_NAME_MAX];
} nt_resolve_opts;

/* Defaults: nothing asked yet, require unsigned, the form's timeout. */
void nt_resolve_opts_init(nt_resolve_opts *o);

/* Checks what the options ask for as a whole (a target, -4/-6 and the
 * forms that exclude each other, the host name or service type), sets
 * o->name and the default timeout. NT_EXIT_OK, or one line on stderr and
 * NT_EXIT_USAGE. */
int nt_resolve_opts_check(nt_resolve_opts *o);

/* A running agent answers (from its cache when it can) and the answer is
 * printed; NT_CTLC_IN_PROCESS when there is none, or when o asks for what
 * only the in-process path does (--best, -i, --trust, --tofu, --rpc,
 * --stats). */
int nt_resolve_ask_agent(const nt_ctlc_opts *co, const nt_resolve_opts *o);

/* Resolves in-process and prints the answer (the same text as the
 * agent's); --stats and a count of failed chain reads on the way out.
 * Exit 0 answered, 1 nothing before the timeout, 2 setup failure. */
int nt_resolve_run(const nt_resolve_opts *o);

#endif
