/*
 * agent/run/trust_cli.h - the verifying side of the commands that listen
 * (browse, resolve): every record heard is judged (DESIGN §1); --trust pins
 * keys, --tofu records first-seen ones, --zk-vk names the verification keys
 * of selective-disclosure proofs.
 */
#ifndef NAUTILUS_AGENT_RUN_TRUST_CLI_H
#define NAUTILUS_AGENT_RUN_TRUST_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/trust_mdns.h"

/* The policy options shared by browse and resolve. */
typedef struct nt_cli_trust_opts {
    const char *trust_file; /* --trust FILE */
    const char *tofu_file;  /* --tofu FILE */
    nt_trust_level require; /* --require LEVEL (default unsigned: show all) */
    const char *rpc;        /* --rpc URL: read trust from the chain (DESIGN §1.5) */
    bool has_registry;      /* --registry ADDR */
    uint8_t registry[20];
    uint32_t chain_max_age; /* --chain-max-age SEC (0: the default) */
} nt_cli_trust_opts;

/* If argv[*i] is --trust, --tofu, --require, --rpc, --registry or
 * --chain-max-age, takes it and its value
 * (advancing *i) and sets *code to NT_EXIT_OK, or to 2 after one line on
 * stderr for a missing or bad value. Returns false for any other argument. */
bool nt_cli_trust_option(const char *cmd, int argc, char **argv, int *i, nt_cli_trust_opts *o,
                         int *code);

/* Creates the trust store and the verifying hooks, adding each
 * verification key. trust_file (operator pins) must be well formed; the
 * keys of tofu_file are pinned again as TOFU pins, each malformed line
 * skipped with a warning on stderr ("cmd: FILE:LINE: skipped malformed
 * line (why)"), and a tofu_file that does not exist yet is created on the
 * first key learned. chain: the hooks keep what the chain says (browse
 * --rpc). Returns NT_EXIT_OK, or prints one line prefixed
 * "cmd: " and returns the exit code (2 for a bad or unreadable file). On
 * error what was made is left in *hooks / *store for the caller to
 * destroy. */
int nt_cli_trust_start(const char *cmd, nt_trust_hooks **hooks, nt_trust_store **store,
                       const char *trust_file, const char *tofu_file,
                       const char *const *vk_files, size_t n_vk, bool chain);

/* --rpc and --registry come together; --chain-max-age needs them. Returns
 * NT_EXIT_OK or 2 after one line. */
int nt_cli_trust_chain_check(const char *cmd, const nt_cli_trust_opts *o);

/* --rpc given: starts the reader of the chain (agent/run/chain_view.h) for
 * hooks into *out; without --rpc *out stays NULL. One line and exit 2 when
 * it cannot start. */
struct nt_chain_view;
int nt_cli_chain_start(const char *cmd, struct nt_chain_view **out, nt_trust_hooks *hooks,
                       const nt_cli_trust_opts *o);

/* The same, for a program that also publishes: signer (borrowed, may be
 * NULL) signs what it sends (the agent, DESIGN §8.1); per_source and total
 * are the signature-check budgets per second (0: the defaults). */
int nt_cli_trust_start_signed(const char *cmd, nt_trust_hooks **hooks, nt_trust_store **store,
                              const nt_trust_signer *signer, uint32_t per_source,
                              uint32_t total, const char *trust_file, const char *tofu_file,
                              const char *const *vk_files, size_t n_vk, bool chain);

#endif
