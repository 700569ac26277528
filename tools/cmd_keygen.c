/*
 * nautilus keygen [--state DIR] [--host NAME] [--json] [--force]
 *
 * Creates the agent's Ed25519 signing key and secp256k1 chain key in the
 * state directory (mode 0600) and prints the DNSKEY record, the key digest
 * (its identity: DS digest type 2 over the host name and DNSKEY, DESIGN §3)
 * and the Ethereum address. Never prints a secret. An existing key is never
 * replaced without --force. This file reads the options; the keys are made
 * in agent/run/keygen_run.c.
 */
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "keygen_run.h"

static void usage(FILE *out)
{
    fputs("usage: nautilus keygen [--state DIR] [--host NAME] [--json] [--force]\n"
          "  Creates the signing (Ed25519) and chain (secp256k1) keys and prints the\n"
          "  DNSKEY record, the key digest and the Ethereum address.\n"
          "  --state DIR   state directory (default $XDG_STATE_HOME/nautilus,\n"
          "                /var/lib/nautilus for root)\n"
          "  --host NAME   host name the DNSKEY is published at (default: this host)\n"
          "  --json        print {\"dnskey\":...,\"key_digest\":...,\"address\":...}\n"
          "  --force       replace existing keys\n",
          out);
}

int nt_cmd_keygen(int argc, char **argv)
{
    nt_keygen_result res;
    const char *state = NULL, *host = NULL;
    bool json = false, force = false;
    int i, code;

    for (i = 1; i < argc; i++) {
        if (nt_cli_is_help(argv[i])) {
            usage(stdout);
            return NT_EXIT_OK;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (strcmp(argv[i], "--force") == 0) {
            force = true;
        } else if (strcmp(argv[i], "--state") == 0 && i + 1 < argc) {
            state = argv[++i];
        } else if (strcmp(argv[i], "--host") == 0 && i + 1 < argc) {
            host = argv[++i];
        } else {
            return nt_cli_usage_error("keygen: unexpected argument '%s' (try --help)", argv[i]);
        }
    }
    if ((code = nt_keygen_create(&res, state, host, force)) != NT_EXIT_OK)
        return code;
    return nt_keygen_print(&res, json);
}
