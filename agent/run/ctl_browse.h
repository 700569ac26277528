/*
 * agent/run/ctl_browse.h - `nautilus browse TYPE` through the agent's control
 * socket (DESIGN §8.3). For each browse request the agent adds a browse
 * query of its own for the connection's lifetime (beside its configured
 * ones, which it does not touch), judges what it hears with its trust
 * hooks, and sends each event as a frame {"ok":true,"found":B,"text":T}
 * whose text is the lines an in-process browse prints for it (text, or
 * --json with --resolve). The query is dropped when the connection closes.
 * At most NT_CTL_BROWSE_MAX browses at once; more are refused.
 *
 * With the agent's [chain] rpc-url and registry, each event is judged by
 * the chain as the bus's are (nt_chain_view_pass): "pin":"chain" and
 * chain_block, wrong-key rejections, and an instance reported again when
 * the chain's answer changes it.
 *
 * Not followed here (the command works in-process with them): -i, -4, -6,
 * --trust, --tofu, --zk-vk, --rpc, --stats, --state, --bus-endpoint. The
 * agent's own --zk-vk is not applied to these events, and rejections are
 * sent one by one (count 1), not grouped every 10 s.
 */
#ifndef NAUTILUS_AGENT_RUN_CTL_BROWSE_H
#define NAUTILUS_AGENT_RUN_CTL_BROWSE_H

#include <stdbool.h>

#include "agent_req.h"
#include "mdns_runner.h"
#include "nautilus/ctl.h"
#include "nautilus/trust_mdns.h"

#define NT_CTL_BROWSE_MAX 16u

typedef struct nt_ctl_browses nt_ctl_browses;

/* state_dir: the ranking evidence shown in --json ("score"). */
NT_WUR nt_status nt_ctl_browses_create(nt_ctl_browses **out, nt_runner *r, const char *state_dir);
void nt_ctl_browses_destroy(nt_ctl_browses *b);

/* The agent's trust hooks (signer and pin of each instance); NULL: none. */
void nt_ctl_browses_set_hooks(nt_ctl_browses *b, nt_trust_hooks *hooks);

/* The agent's reader of the chain (its hooks keep the answers); NULL: none. */
struct nt_chain_view;
void nt_ctl_browses_set_chain(nt_ctl_browses *b, struct nt_chain_view *chain);

/* A browse request from c. */
void nt_ctl_browses_request(nt_ctl_browses *b, nt_ctl_conn *c, const nt_agent_req *req);

/* An engine event: true if it belongs to one of these browses (sent). */
bool nt_ctl_browses_event(nt_ctl_browses *b, const nt_mdns_event *ev);

/* c is closing: its browse queries are dropped. */
void nt_ctl_browses_conn_closed(nt_ctl_browses *b, nt_ctl_conn *c);

#endif
