/*
 * agent/run/ctl_client.h - the commands' side of the agent's control socket
 * (DESIGN §8.3): `resolve` and `feedback` ask a running agent first and
 * work in-process when there is none, printing the same either way.
 */
#ifndef NAUTILUS_AGENT_RUN_CTL_CLIENT_H
#define NAUTILUS_AGENT_RUN_CTL_CLIENT_H

#include <stdbool.h>

#include "nautilus/ctl.h"

#define NT_CTLC_HELP                                                                   \
    "  --control PATH the agent's control socket (default $NAUTILUS_CONTROL, else\n"  \
    "                 $XDG_RUNTIME_DIR/nautilus/control, then /run/nautilus/control)\n" \
    "  --no-agent     do not ask a running agent; work in-process\n"

/* What the caller does next. */
#define NT_CTLC_IN_PROCESS (-1)

typedef struct nt_ctlc_opts {
    const char *path; /* --control PATH */
    bool no_agent;    /* --no-agent */
    bool lan;         /* the request is about the LAN (resolve): an agent in
                         another network namespace is not asked, as with
                         nt_ctlc_connect */
} nt_ctlc_opts;

/* argv[*i] is --control PATH or --no-agent: consumed (true). *code is a
 * usage error when PATH is missing. */
bool nt_ctlc_option(const char *cmd, int argc, char **argv, int *i, nt_ctlc_opts *o, int *code);

/* Sends request (a JSON object) to the agent and waits up to wait_ms for
 * its reply. NT_CTLC_IN_PROCESS when there is no agent (or --no-agent, or
 * the socket cannot be used: logged at debug level). Otherwise prints and
 * returns the exit code: on {"ok":true} the reply's member print (a
 * string, as it is; NULL prints nothing), exit 0; on {"ok":false} one line
 * "cmd: error" and exit 1 (NT_ERR_INVALID_ARG: exit 2). */
int nt_ctlc_call(const nt_ctlc_opts *o, const char *cmd, const char *request, int wait_ms,
                 const char *print);

/* As nt_ctlc_call, for a command that reads the reply itself: request is
 * len bytes (at most NT_CTL_MAX_FRAME, else NT_CTLC_IN_PROCESS). Returns
 * NT_CTLC_IN_PROCESS when there is no agent (as nt_ctlc_call), an exit code
 * with one line when the agent did not answer, or NT_EXIT_OK with the reply
 * parsed into *reply (a JSON object, for cJSON_Delete). */
struct cJSON;
int nt_ctlc_exchange(const nt_ctlc_opts *o, const char *cmd, const char *request, size_t len,
                     int wait_ms, struct cJSON **reply);
/* Connects to the agent as nt_ctlc_call does (--control, then
 * $NAUTILUS_CONTROL, the user's runtime directory, the system one), for
 * commands that act on the network through it (publish, browse). An
 * agent in another network namespace (SO_PEERCRED's pid, /proc/PID/ns/net)
 * counts as none: its LAN is not ours. NT_ERR_CTL_NO_AGENT. */
NT_WUR nt_status nt_ctlc_connect(nt_ctl_client **c, const nt_ctlc_opts *o);

#endif
