/*
 * agent/run/ctl_ledger.h - the agent's `ledger` requests (DESIGN §8.3):
 * `nautilus ledger register|rotate|revoke|checkpoint|status` sent to an
 * agent that anchors ([chain] anchor = yes) the same state directory on the
 * same chain run on its anchoring worker thread (publish_anchor.h), so the
 * outbox has one writer. The operation is the command's own
 * (ledger_ops.c) with its stdout and stderr captured; the reply
 * {"ok":true,"exit":N,"stdout":S,"stderr":S} is printed by the command as
 * it is. Any other state or chain, or an agent that does not anchor:
 * refused with NT_ERR_CTL_LEDGER_ELSEWHERE (the command then works
 * in-process: no agent writes that outbox). One operation runs at a time,
 * NT_CTL_LEDGER_QUEUE are held (the running one included); more are refused
 * with NT_ERR_CTL_LEDGER_BUSY.
 */
#ifndef NAUTILUS_AGENT_RUN_CTL_LEDGER_H
#define NAUTILUS_AGENT_RUN_CTL_LEDGER_H

#include "agent_req.h"
#include "mdns_runner.h"
#include "nautilus/buf.h"
#include "nautilus/ctl.h"

#define NT_CTL_LEDGER_QUEUE 8 /* requests held, the running one included */

typedef struct nt_ctl_ledger nt_ctl_ledger;
struct nt_pub_anchor;

NT_WUR nt_status nt_ctl_ledger_create(nt_ctl_ledger **out, nt_runner *r);
/* The anchoring worker, its state directory and chain id (NULL: the agent
 * does not anchor; every request is refused). Borrowed until destroy. */
void nt_ctl_ledger_set_anchor(nt_ctl_ledger *l, struct nt_pub_anchor *pa, const char *state,
                              uint64_t chain_id);
/* Waits for the operation running on the worker, then frees. */
void nt_ctl_ledger_destroy(nt_ctl_ledger *l);

/* A parsed ledger request from connection c: queued (answered when done)
 * or refused with an error frame through reply_error. */
void nt_ctl_ledger_request(nt_ctl_ledger *l, nt_ctl_conn *c, const nt_agent_req *req,
                           void (*reply_error)(nt_ctl_conn *, nt_status, const char *));
void nt_ctl_ledger_conn_closed(nt_ctl_ledger *l, const nt_ctl_conn *c);

/* ,"ledger":{...} for the status reply. */
NT_WUR nt_status nt_ctl_ledger_status(const nt_ctl_ledger *l, nt_dynbuf *d);

#endif
