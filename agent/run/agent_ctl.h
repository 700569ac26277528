/*
 * agent/run/agent_ctl.h - the agent's control socket (DESIGN §8.3): the
 * listener of nautilus/ctl.h in the runner's loop, and the requests of
 * agent_req.h answered from the engine and the ranking state.
 */
#ifndef NAUTILUS_AGENT_RUN_AGENT_CTL_H
#define NAUTILUS_AGENT_RUN_AGENT_CTL_H

#include <stdbool.h>
#include <stdint.h>

#include "agent.h"
#include "mdns_runner.h"
#include "nautilus/conf.h"

#define NT_AGENT_CTL_TIMER 900u /* the runner timer id the control socket uses */

typedef struct nt_agent_ctl nt_agent_ctl;

/* The socket path: control-socket if set, else /run/nautilus/control as
 * root, else $XDG_RUNTIME_DIR/nautilus/control. NT_ERR_NOT_FOUND if there
 * is none (no XDG_RUNTIME_DIR). */
NT_WUR nt_status nt_agent_ctl_path(char *out, size_t cap, const nt_conf *c);

/* Opens the socket (before dropping root): its directory is made 0755 if
 * missing; the socket is 0660, owned by the run user (c->user) and the
 * control group. state_dir: the ranking state of feedback requests. On
 * failure, one line in why. */
NT_WUR nt_status nt_agent_ctl_open(nt_agent_ctl **out, nt_runner *r, const nt_conf *c,
                                   const char *state_dir, char *why, size_t why_cap);

/* An engine event: true if it answers a control request (then it is the
 * control socket's, not the browse's). */
bool nt_agent_ctl_event(nt_agent_ctl *ctl, const nt_mdns_event *ev);

/* The runner timer NT_AGENT_CTL_TIMER is due. */
void nt_agent_ctl_timer(nt_agent_ctl *ctl);

/* Publish requests are served from now on (signed as pubs signs), and
 * the persisted services are published again (ctl_publish.h); browse
 * requests are judged with hooks (ctl_browse.h). NULL ctl ignored. */
void nt_agent_ctl_start_publish(nt_agent_ctl *ctl, nt_agent_pubs *pubs,
                                nt_trust_hooks *hooks);

/* Closes every connection (pending requests are cancelled), removes the
 * socket. NULL ignored. */
void nt_agent_ctl_close(nt_agent_ctl *ctl);

struct nt_chain_view;
/* The agent's reader of the chain: browses and resolves through the socket
 * judge their events with it as the bus does (ctl_browse.h). NULL ctl
 * ignored. */
void nt_agent_ctl_set_chain(nt_agent_ctl *ctl, struct nt_chain_view *chain);

/* After the chain view took answers (nt_chain_view_poll): each pending host
 * resolve's last answer judged again (an instance's comes back as an event). */
void nt_agent_ctl_chain_polled(nt_agent_ctl *ctl);

struct nt_pub_anchor;
/* The anchoring worker, its state directory and chain id, for the `ledger`
 * requests (ctl_ledger.h); pa NULL: the agent does not anchor. */
void nt_agent_ctl_set_anchor(nt_agent_ctl *ctl, struct nt_pub_anchor *pa, const char *state,
                             uint64_t chain_id);

#endif
