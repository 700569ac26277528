/*
 * agent/run/browse_run.h - `nautilus browse` as a call into the agent
 * library: the options the command line gives, and one run that browses
 * for a service type until the timeout or a signal, judging and printing
 * each instance as it comes and goes (browse_run.c, browse_out.c).
 */
#ifndef NAUTILUS_AGENT_RUN_BROWSE_RUN_H
#define NAUTILUS_AGENT_RUN_BROWSE_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "bus_glue.h"
#include "mdns_runner.h"
#include "trust_cli.h"

#define NT_BROWSE_VK_FILES_MAX 8

/* Receives the text of one event (whole lines), in order. */
typedef void (*nt_browse_emit_fn)(void *ctx, const char *text, size_t len);

typedef struct nt_browse_opts {
    const char *type;        /* "_ipp._tcp" or "_sub._sub._ipp._tcp", checked */
    bool json;               /* --json: one JSON object a line */
    bool resolve;            /* --resolve: "=" blocks */
    bool stats;              /* --stats: the counters at the end (stdout) */
    long timeout;            /* seconds; -1: until interrupted */
    const char *rank_dir;    /* --state DIR: the ranking's evidence (--json) */
    nt_cli_trust_opts topts; /* --trust, --tofu, --require, --rpc ... */
    const char *vk_files[NT_BROWSE_VK_FILES_MAX]; /* --zk-vk */
    size_t n_vk;
    nt_bus_glue_opts bus;    /* --bus-endpoint ... */
    nt_runner_config rc;     /* -i, -4, -6 (the callbacks are the run's) */
    nt_browse_emit_fn emit;  /* where the events' text goes */
    void *emit_ctx;
} nt_browse_opts;

/* Defaults: no type, until interrupted, require unsigned, nothing else. */
void nt_browse_opts_init(nt_browse_opts *o);

/* Browses as o says until the timeout (exit 0 if an instance was shown,
 * 1 if not) or a signal (0). Pending rejection counts, --stats and a
 * count of failed chain reads are printed on the way out, whatever ended
 * the run. A setup failure is one line on stderr and NT_EXIT_USAGE. */
int nt_browse_run(const nt_browse_opts *o);

#endif
