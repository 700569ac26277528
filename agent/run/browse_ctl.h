/*
 * agent/run/browse_ctl.h - `nautilus browse TYPE` through a running agent
 * (ctl_browse.h, DESIGN §8.3): the command's side.
 */
#ifndef NAUTILUS_AGENT_RUN_BROWSE_CTL_H
#define NAUTILUS_AGENT_RUN_BROWSE_CTL_H

#include "ctl_client.h"

/* Called first by nt_cmd_browse. Takes --control PATH and --no-agent out of
 * argv (*argc shrinks). When the other options are ones the agent honours
 * (TYPE, --json, --resolve/-r, --timeout SEC, --require LEVEL, -v) and an
 * agent answers, browses through it, printing what an in-process browse
 * prints, and returns the exit code (0 found / 1 not found with --timeout,
 * 0 when interrupted, 1 if the agent goes away). Otherwise (another option,
 * --help, --no-agent, a bad value: left to the in-process parser, no
 * agent) NT_CTLC_IN_PROCESS. */
int nt_browse_via_agent(int *argc, char **argv);

#endif
