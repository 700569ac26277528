/*
 * agent/run/chain_view.h - the trust levels that come from the chain, as browse
 * and resolve show them (DESIGN §1.5, §4.1).
 *
 * The receive path judges records with whatever the chain has said so far
 * (the hooks' bindings and roots); this view asks the chain, outside that
 * path (chain_watch.h), about what it hears: the Registry binding of each
 * signer host name (again once older than max_age) and the checkpoint root
 * of each anchor claimed. When an answer changes what an instance already
 * shown would be, it is reported again. An answer never raises a level on
 * its own: a failed read leaves the level where local evidence put it and
 * is counted (the first failure is said once on stderr).
 *
 * What a heard instance becomes (nt_chain_view_judge):
 *   - signed by a key the chain binds to its signer host name: trusted
 *     (pin "chain"), even if the records came in before the answer;
 *   - signed by another key than the one the chain binds to that name (and
 *     not pinned by the operator): rejected, wrong-key;
 *   - trusted, and its anchor leads to the checkpoint root on chain:
 *     anchored (zk-verified stays above);
 *   - an anchor that does not: rejected, anchor-mismatch (or
 *     anchor-malformed), reported once per claim; the instance keeps its
 *     level.
 */
#ifndef NAUTILUS_AGENT_RUN_CHAIN_VIEW_H
#define NAUTILUS_AGENT_RUN_CHAIN_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "nautilus/mdns.h"
#include "nautilus/trust_mdns.h"

#define NT_CHAIN_MAX_AGE_DEFAULT 300u /* seconds a binding read from the chain is used */
#define NT_CHAIN_TIMEOUT_MS 3000u     /* per RPC exchange */

typedef struct nt_chain_view nt_chain_view;

typedef struct nt_chain_view_config {
    nt_trust_hooks *hooks;   /* created with cfg.chain; borrowed */
    const char *rpc_url;
    uint8_t registry[20];
    uint32_t max_age_s;      /* 0: NT_CHAIN_MAX_AGE_DEFAULT */
    const char *cmd;         /* "browse", for the stderr line */
    /* The agent: an instance is followed once per query that reports it
     * (its bus and each browse through its socket are told apart by the
     * query, and each hears its own rejection once); said in the log
     * (nautilus/log.h) rather than on stderr. */
    bool per_query;
    bool log;
} nt_chain_view_config;

NT_WUR nt_status nt_chain_view_create(nt_chain_view **out, const nt_chain_view_config *cfg);
void nt_chain_view_destroy(nt_chain_view *v);

/* The worker's descriptor (readable when answers wait). */
int nt_chain_view_fd(const nt_chain_view *v);

enum { NT_CHAIN_VIEW_SHOW = 1, NT_CHAIN_VIEW_REJECT = 2 };

/* Judges ev (added/updated/removed of an instance): returns flags,
 * NT_CHAIN_VIEW_SHOW when *show (ev with its level as the chain makes it)
 * is to be shown, NT_CHAIN_VIEW_REJECT when *rej is a rejection to report
 * (kind REJECTED, reason set; only when it is new for the instance).
 * An instance shown before and rejected now comes back in *show with kind
 * REMOVED (and SHOW set), so that it is no longer listed as valid.
 * Remembers the instance and asks the chain what it needs. */
unsigned nt_chain_view_judge(nt_chain_view *v, const nt_mdns_event *ev, nt_mdns_event *show,
                             nt_mdns_event *rej, uint64_t now_ms);

/* The same for a HOST_RESOLVED event (resolve HOST.local): the host's
 * address records are signed by the host's own key; returns the flags as
 * above (a wrong key: REJECT without SHOW). Asks the chain about the host
 * name when needed; the caller judges its last host event again after
 * nt_chain_view_poll. */
unsigned nt_chain_view_judge_host(nt_chain_view *v, const nt_mdns_event *ev, nt_mdns_event *show,
                                  nt_mdns_event *rej, uint64_t now_ms);

/* Takes the worker's answers into the hooks, asks again what has gone
 * stale, and calls again(ctx, ev) with the last event (kind UPDATED) of
 * each instance whose judgement has changed since it was shown. */
void nt_chain_view_poll(nt_chain_view *v, uint64_t now_ms,
                        void (*again)(void *ctx, const nt_mdns_event *ev), void *ctx);

/* Judges ev as nt_chain_view_judge does and hands on what is to be
 * reported, through out(ctx, e): the rejection first (kind REJECTED, its
 * reason), then ev at the level the chain makes it. Other kinds (and the
 * engine's own rejections) pass as they are; v NULL: ev as it is. The one
 * way the agent's bus and its browses through the socket take the chain's
 * word (agent_daemon.c, ctl_browse.c). */
void nt_chain_view_pass(nt_chain_view *v, const nt_mdns_event *ev, uint64_t now_ms,
                        void (*out)(void *ctx, const nt_mdns_event *e), void *ctx);

/* per_query: forgets the instances followed for query (it has ended), so
 * that nothing is reported again for it. */
void nt_chain_view_forget_query(nt_chain_view *v, nt_mdns_query_id query);

/* True when the chain binds si's signer to the key si was signed with
 * (and the operator did not pin the name): the key is trusted with pin
 * "chain"; *block (may be NULL) is the block the binding was read at. */
bool nt_chain_view_vouches(const nt_chain_view *v, const nt_trust_signer_info *si,
                           uint64_t *block);

/* The block a chain binding of signer was read at (for the output), 0 if
 * none. */
uint64_t nt_chain_view_block(const nt_chain_view *v, const nt_dns_name *signer);

/* Reads that failed so far. */
uint64_t nt_chain_view_failures(const nt_chain_view *v);

/* The full name of an event's instance. */
NT_WUR nt_status nt_chain_view_instance_name(nt_dns_name *out, const nt_mdns_event *ev);

/* Whether ev is shown zk-verified (DESIGN §5): an instance's event other
 * than a rejection or a removal, at level (its trust with the chain's word,
 * as the caller judged it) trusted or above, whose proof bound to its key
 * has verified (nt_trust_hooks_zk_of at now_ms, into *out). False without
 * hooks. The one rule of browse (in process and through the agent) and of
 * the bus's events. */
bool nt_chain_view_zk_verified(const nt_trust_hooks *hooks, const nt_mdns_event *ev,
                               nt_trust_level level, uint64_t now_ms, nt_trust_zk_info *out);

/* Parses "0x" + 40 hex digits. */
NT_WUR nt_status nt_chain_view_parse_address(uint8_t out[20], const char *text);

#endif
