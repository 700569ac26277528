/*
 * agent/run/zk_client.h - `nautilus zk verify` through a running agent
 * (DESIGN §8.3): the command's side of the control socket's `zk_verify`
 * request.
 */
#ifndef NAUTILUS_AGENT_RUN_ZK_CLIENT_H
#define NAUTILUS_AGENT_RUN_ZK_CLIENT_H

#include "ctl_client.h"
#include "zk_run.h"

/* Reads the three files (a read error: its line, exit 2, as in-process),
 * asks the agent to verify them with the options in o and prints its
 * answer (the same output and exit code as in-process). Returns
 * NT_CTLC_IN_PROCESS when the caller is to verify in-process instead: no
 * agent or --no-agent, a request larger than a control frame (64 KiB), a
 * file holding a NUL byte, or an agent that refused the request. */
int nt_zk_verify_agent(const nt_ctlc_opts *co, const nt_zk_verify_opts *o,
                       const char *const paths[3]);

#endif
