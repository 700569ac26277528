/*
 * agent/run/ledger_cli.h - what the `nautilus ledger` subcommands share
 * (cmd_ledger.c, ledger_audit.c): options, the node client and its clocks,
 * the state directory's keys, the outbox, and output helpers.
 *
 * Exit codes besides those of cli.h: NT_EXIT_CHAIN when the node or chain
 * failed (connection, timeout, a wrong chain id, a transaction mined and
 * failed), NT_EXIT_REFUSED when a contract refused the call before anything
 * was sent (NameTaken, NotOwner, ...), NT_EXIT_LOCAL when a local file (keys,
 * outbox, Merkle log) could not be used. Each failure is one line on stderr
 * naming the status (nt_strerror).
 */
#ifndef NAUTILUS_AGENT_RUN_LEDGER_CLI_H
#define NAUTILUS_AGENT_RUN_LEDGER_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "ctl_client.h"
#include "nautilus/crypto.h"
#include "nautilus/ledger_chain.h"
#include "nautilus/ledger_log.h"
#include "nautilus/wire.h"

enum { NT_EXIT_CHAIN = 3, NT_EXIT_REFUSED = 4, NT_EXIT_LOCAL = 5 };

/* Which flags a subcommand takes. */
enum {
    LF_RPC = 1 << 0,
    LF_REGISTRY = 1 << 1,
    LF_STATE = 1 << 2,
    LF_PROFILE = 1 << 3, /* --profile, --chain-id, --confirmations, --timeout */
    LF_JSON = 1 << 4,
    LF_CONTRACTS = 1 << 5,
    LF_NAME = 1 << 6, /* one positional NAME */
};

typedef struct nt_ledger_opts {
    const char *sub; /* "deploy", "register", ... */
    const char *rpc;
    const char *state; /* NULL: not given (audit) or the default (others) */
    char state_buf[4096];
    bool has_registry;
    uint8_t registry[20];
    const nt_chain_profile *profile;
    uint64_t chain_id;
    uint32_t confirmations;
    uint32_t timeout_s;
    bool json;
    const char *contracts; /* directory of the .bin files */
    const char *name_text;
    nt_dns_name name; /* lower-cased */
    uint8_t name_hash[32];
} nt_ledger_opts;

/* Parses argv[1..) of subcommand sub with the flags in `allowed` (and
 * `required`). Returns -1 when it went well, otherwise an exit code (help
 * printed: NT_EXIT_OK; bad usage: NT_EXIT_USAGE after one line). */
int nt_ledger_opts_parse(nt_ledger_opts *o, int argc, char **argv, unsigned allowed,
                         unsigned required, void (*usage)(FILE *));

/* The node, its clocks and the account. */
typedef struct nt_ledger_session {
    nt_rpc_client *client;
    nt_identity id;
    bool has_id;
    nt_tx_signer signer;
    nt_chain_sender sender;
    nt_outbox *outbox;
} nt_ledger_session;

/* Connects to o->rpc (chain id checked against o->chain_id before anything
 * else when sign is true) and, when keys is true, loads the state's keys and
 * opens its outbox. Returns -1 or an exit code (its line printed). */
int nt_ledger_session_open(nt_ledger_session *s, const nt_ledger_opts *o, bool keys, bool sign);
void nt_ledger_session_close(nt_ledger_session *s);

/* The state key's DNSKEY digest for o->name (the key's identity, its log id). */
void nt_ledger_digest(uint8_t out[32], const nt_ledger_session *s, const nt_ledger_opts *o);

/* One failure line "ledger SUB: WHAT: STATUS (description)" and the exit
 * code for st. */
int nt_ledger_fail(const nt_ledger_opts *o, nt_status st, const char *what);

/* The same line, exit NT_EXIT_LOCAL: a local file failed, whatever the
 * status (NT_ERR_NOT_FOUND for a missing Merkle log, ...). */
int nt_ledger_fail_local(const nt_ledger_opts *o, nt_status st, const char *what);

/* "0x" + 2n lower-case hex digits into out (cap >= 2n + 3). */
void nt_ledger_hex(char *out, const uint8_t *data, size_t n);

/* The wall clock in milliseconds (the outbox's clock). */
uint64_t nt_ledger_wall_ms(void *ctx);

/* Subcommands living outside cmd_ledger.c. */
int nt_ledger_audit(int argc, char **argv);

/* The operations on parsed options (ledger_ops.c): each prints what it did
 * on stdout, or one line on stderr, and returns the exit code.
 * deploy: the contracts' .bin files from the directory `contracts`;
 * name: register, rotate or revoke o->name (kind NT_CHAIN_CALL_REGISTER,
 * _ROTATE, _REVOKE); checkpoint: the Merkle log's head now; status: the
 * outbox's counts. */
int nt_ledger_op_deploy(const nt_ledger_opts *o, const char *contracts);
int nt_ledger_op_name(const nt_ledger_opts *o, nt_chain_call_kind kind);
int nt_ledger_op_checkpoint(const nt_ledger_opts *o);
int nt_ledger_op_status(const nt_ledger_opts *o);

/* Through a running agent (ledger_client.c, DESIGN §8.3). Takes --control
 * PATH and --no-agent out of argv (argc shrinks): -1, or an exit code after
 * one line. */
int nt_ledger_ctl_options(int *argc, char **argv, nt_ctlc_opts *co);
/* Sends register, rotate, revoke, checkpoint or status with its options to
 * the agent; an agent that anchors o->state on o->chain_id runs it and its
 * output and exit code are the command's. NT_CTLC_IN_PROCESS (-1) when there
 * is no agent, --no-agent, or the agent anchors another state or chain or
 * none; an exit code otherwise. */
int nt_ledger_via_agent(const nt_ctlc_opts *co, const nt_ledger_opts *o);

#endif
