/*
 * agent/run/feedback_run.h - `nautilus feedback` as a call into the agent
 * library: evidence for the learned ranking (DESIGN §7.2), taken by a
 * running agent into its state directory, or written to the store here
 * (feedback_run.c).
 */
#ifndef NAUTILUS_AGENT_RUN_FEEDBACK_RUN_H
#define NAUTILUS_AGENT_RUN_FEEDBACK_RUN_H

#include <stdbool.h>

#include "ctl_client.h"
#include "rank_cli.h"

typedef struct nt_feedback_opts {
    const char *name;    /* full instance name, or its label with type */
    const char *type;    /* --type TYPE, or NULL */
    const char *dir;     /* --state DIR, or NULL: the agent's, else the default */
    bool ok;             /* ok or fail */
    double latency_ms;   /* --latency MS; < 0: not given */
    char key[NT_RANK_NAME_MAX]; /* set by nt_feedback_check: the ranking's key */
} nt_feedback_opts;

/* Builds o->key from the name (and type). NT_EXIT_OK, or one line on
 * stderr and NT_EXIT_USAGE for a bad or too long name. */
int nt_feedback_check(nt_feedback_opts *o);

/* A running agent records it (without --state only); NT_CTLC_IN_PROCESS
 * when there is none. Otherwise the exit code, as nt_ctlc_call. */
int nt_feedback_ask_agent(const nt_ctlc_opts *co, const nt_feedback_opts *o);

/* Records it in the state directory here. NT_EXIT_OK, or one line on
 * stderr and NT_EXIT_USAGE. */
int nt_feedback_record(const nt_feedback_opts *o);

#endif
