/*
 * agent/run/browse_priv.h - the state of one browse, shared by the run
 * (browse_run.c), its printing (browse_out.c) and the agent's browses
 * through the control socket (ctl_browse.c). Not for the commands: they
 * use browse_run.h.
 */
#ifndef NAUTILUS_AGENT_RUN_BROWSE_PRIV_H
#define NAUTILUS_AGENT_RUN_BROWSE_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "browse_run.h"
#include "chain_view.h"
#include "nautilus/buf.h"
#include "nautilus/trust_mdns.h"
#include "rank_cli.h"
#include "reject_agg.h"

/* A proof can arrive after the instance was reported (its metadata did not
 * fit in the first message): trusted instances are kept for a while and
 * reported again as zk-verified once their proof verifies. */
#define ZK_PENDING_MAX 256

#define SHOWN_MAX 1024

typedef struct browse_state {
    bool json;
    bool resolve;
    bool stats; /* --stats: print the counters on exit */
    unsigned found;
    nt_dynbuf line;
    nt_trust_hooks *hooks;
    nt_trust_level require;
    /* Instances printed as added (for --require: report removals only of
     * what was shown). "instance\x1ftype" strings. */
    char *shown[SHOWN_MAX];
    size_t nshown;
    /* --zk-vk: trusted instances not (yet) zk-verified, last event each. */
    bool zk_on;
    uint64_t zk_gen;
    nt_mdns_event *pending[ZK_PENDING_MAX];
    size_t npending;
    /* Rejections, at most one line per (name, reason) per interval. */
    nt_reject_agg *agg;
    nt_runner *runner;
    nt_chain_view *chain; /* --rpc */
    nt_bus_pub *bus; /* --bus-endpoint (agent/run/bus_glue.h) */
    /* --json: the learned ranking's evidence, read once (rank_cli.h). */
    const char *rank_dir;
    nt_rank_store rank;
    nt_browse_emit_fn emit;
    void *emit_ctx;
} browse_state;

/* The event's name in JSON ("added", ...) and its mark in the lines ('+',
 * '=', '-', '!'); false for events a browse does not show. */
bool nt_browse_event_kind(const nt_mdns_event *ev, const char **kind, char *mark);

/* --require: whether ev is shown; keeps bs->shown so that a removal is
 * shown only for an instance that was shown as added. */
bool nt_browse_policy_allows(browse_state *bs, const nt_mdns_event *ev);

/* Frees what bs holds (shown and pending lists, line, ranking store); the
 * runner, hooks, chain, bus and aggregator are the caller's. */
void nt_browse_state_cleanup(browse_state *bs);

/* Whoever signed the instance (key digest, how it is pinned), if anyone. */
bool nt_browse_signer(const browse_state *bs, const nt_mdns_event *ev,
                      nt_trust_signer_info *info);

/* The event's level with the chain's word (--rpc). */
nt_trust_level nt_browse_effective_trust(const browse_state *bs, const nt_mdns_event *ev);

/* The event as shown: a trusted instance whose proof bound to its key has
 * verified (nt_trust_hooks_zk_of) comes back in *fixed at zk-verified with
 * *zi filled and *zk set; a rejected metadata record (_nautilus.<instance>)
 * comes back named by its instance; anything else is raw itself. */
const nt_mdns_event *nt_browse_zk_view(const browse_state *bs, nt_runner *r,
                                       const nt_mdns_event *raw, nt_mdns_event *fixed,
                                       nt_trust_zk_info *zi, bool *zk);

/* Prints one event that passed the policy (through bs->emit, and on the
 * bus). count: rejections it stands for (rejected events only). */
void nt_browse_print_event(browse_state *bs, nt_runner *r, const char *kind, char mark,
                           const nt_mdns_event *ev, const nt_trust_zk_info *zi, uint32_t count);

#endif
