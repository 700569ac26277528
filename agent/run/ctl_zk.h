/*
 * agent/run/ctl_zk.h - the agent's `zk_verify` requests (DESIGN §5, §8.3):
 * proofs verified in the agent's loop with a bounded cache of keys by the
 * SHA-256 of their text (nautilus/zk.h: one-shot at the first sight,
 * prepared at the second, least recently used evicted), and a rate limit
 * per connection and for the whole socket, so that the loop is never held
 * for long (a one-shot verification ~1.2 ms, a preparation ~5 ms).
 */
#ifndef NAUTILUS_AGENT_RUN_CTL_ZK_H
#define NAUTILUS_AGENT_RUN_CTL_ZK_H

#include <stdint.h>

#include "agent_req.h"
#include "nautilus/buf.h"

#define NT_CTL_ZK_CACHE 16          /* keys held */
#define NT_CTL_ZK_CONN_RATE 50      /* verifications per second per connection */
#define NT_CTL_ZK_CONN_BURST 20
#define NT_CTL_ZK_TOTAL_RATE 200    /* verifications per second, all connections */
#define NT_CTL_ZK_TOTAL_BURST 50

typedef struct nt_ctl_zk nt_ctl_zk;

/* NT_ERR_NOMEM. */
NT_WUR nt_status nt_ctl_zk_create(nt_ctl_zk **out);

/* NULL ignored. */
void nt_ctl_zk_destroy(nt_ctl_zk *z);

/* Answers req (op NT_AGENT_OP_ZK_VERIFY) from connection conn at now_ms:
 * on NT_OK reply holds {"ok":true,"exit":N,"stdout":..,"stderr":..} (what
 * `zk verify` prints and its exit code). NT_ERR_CTL_RATE when conn or the
 * socket is over its rate, NT_ERR_INVALID_ARG for a bad key digest or
 * commitment, NT_ERR_NOSPACE/NT_ERR_NOMEM: one line in why. */
NT_WUR nt_status nt_ctl_zk_verify(nt_ctl_zk *z, const void *conn, uint64_t now_ms,
                                  const nt_agent_req *req, nt_dynbuf *reply, char *why,
                                  size_t why_cap);

/* Connection conn is gone: its rate state is dropped. */
void nt_ctl_zk_conn_closed(nt_ctl_zk *z, const void *conn);

/* Appends the counters as ,"zk":{...} to d. */
NT_WUR nt_status nt_ctl_zk_status(const nt_ctl_zk *z, nt_dynbuf *d);

#endif
