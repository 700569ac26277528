/*
 * agent/run/publish_run.h - `nautilus publish` (DESIGN §8.1): announce one
 * DNS-SD service until SIGINT/SIGTERM, then say goodbye (RFC 6762 §8,
 * §10.1; RFC 6763). tools/cmd_publish.c fills nt_publish_opts from the
 * command line; nt_publish_via_agent (publish_ctl.c) asks a running agent,
 * nt_publish_run (publish_run.c) does it in this process.
 */
#ifndef NAUTILUS_AGENT_RUN_PUBLISH_RUN_H
#define NAUTILUS_AGENT_RUN_PUBLISH_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "ctl_client.h"
#include "mdns_runner.h"
#include "publish_anchor.h"

#define NT_PUBLISH_TXT_MAX 64
#define NT_PUBLISH_WHERE_MAX (NT_RUNNER_IFACES_MAX * (NT_NET_IFNAME_MAX + 2) + 64)

typedef struct nt_publish_proof_opts {
    const char *dir;       /* --proof DIR */
    const char *vk_file;   /* --zk-vk FILE */
    const char *vk_id_hex; /* --zk-vk-id ID */
    bool unchecked;        /* --proof-unchecked (tests only) */
} nt_publish_proof_opts;

typedef struct nt_publish_opts {
    nt_runner_config rc;          /* -i, --host, -4, -6 */
    nt_mdns_service_config svc;   /* INSTANCE TYPE PORT, --subtype, --priority, ... */
    nt_mdns_txt_entry txt[NT_PUBLISH_TXT_MAX]; /* KEY=VALUE (strings stay in argv) */
    char subtype_buf[NT_MDNS_SUBTYPES_MAX][NT_MDNS_LABEL_MAX];
    size_t n_sub;
    bool sign;                    /* --sign */
    bool no_addresses;            /* --no-addresses */
    const char *state;            /* --state DIR */
    nt_publish_proof_opts proof;  /* --proof ... */
    nt_pub_anchor_opts anchor;    /* --anchor ... */
    bool persist;                 /* --persist: the agent keeps it until withdrawn */
    bool withdraw;                /* --withdraw INSTANCE TYPE */
    nt_ctlc_opts ctl;             /* --control, --no-agent */
} nt_publish_opts;

/* In this process: until SIGINT/SIGTERM. Exit code (2 after one line for
 * bad keys, proofs, anchoring options; 1 when publishing failed). */
int nt_publish_run(nt_publish_opts *o);

/* The options only this process can honour (-i, --host, --state,
 * --no-addresses, -4, -6, --proof, --anchor): their name, or NULL. */
const char *nt_publish_in_process_only(const nt_publish_opts *o);

/* Through a running agent (ctl_publish.h): prints what nt_publish_run
 * prints. NT_CTLC_IN_PROCESS when there is none (or --no-agent);
 * otherwise the exit code. --persist returns once the service is
 * announced; without it the service lives until this process is
 * interrupted or killed. --withdraw asks the agent to withdraw. */
int nt_publish_via_agent(const nt_publish_opts *o);

/* Where an engine event happened: "lan0", or for ifindex 0 (a service on
 * every interface) "lan0, wlan0". */
void nt_publish_where(char *out, size_t cap, nt_runner *r, uint32_t ifindex);

#endif
