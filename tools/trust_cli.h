/*
 * tools/trust_cli.h - the verifying side of the commands that listen
 * (browse, resolve): every record heard is judged (DESIGN §1); --trust pins
 * keys, --tofu records first-seen ones, --zk-vk names the verification keys
 * of selective-disclosure proofs.
 */
#ifndef NAUTILUS_TOOLS_TRUST_CLI_H
#define NAUTILUS_TOOLS_TRUST_CLI_H

#include <stddef.h>

#include "nautilus/trust_mdns.h"

/* Creates the trust store (loading trust_file and tofu_file when given) and
 * the verifying hooks, adding each verification key. Returns NT_EXIT_OK, or
 * prints one line prefixed "cmd: " and returns the exit code (2 for a bad
 * file). On error what was made is left in *hooks / *store for the caller
 * to destroy. */
int nt_cli_trust_start(const char *cmd, nt_trust_hooks **hooks, nt_trust_store **store,
                       const char *trust_file, const char *tofu_file,
                       const char *const *vk_files, size_t n_vk);

#endif
