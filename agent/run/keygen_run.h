/*
 * agent/run/keygen_run.h - `nautilus keygen` as a call into the agent
 * library: create the agent's signing (Ed25519) and chain (secp256k1) keys
 * in a state directory, and what is printed about them (keygen_run.c).
 * Never a secret: the result holds public values only.
 */
#ifndef NAUTILUS_AGENT_RUN_KEYGEN_RUN_H
#define NAUTILUS_AGENT_RUN_KEYGEN_RUN_H

#include <stdbool.h>

#include "nautilus/wire.h"

typedef struct nt_keygen_result {
    char state[4096];                 /* the state directory used */
    char host[NT_DNS_NAME_TEXT_MAX];  /* the DNSKEY's owner, "h.local." */
    char pk_b64[64];                  /* the Ed25519 public key, base64 */
    char digest_hex[65];              /* key digest: DS type 2 (DESIGN §3) */
    char address[43];                 /* Ethereum address, 0x... */
    unsigned key_tag;                 /* RFC 4034 Appendix B */
} nt_keygen_result;

/* Creates the keys in state (NULL: the default state directory) for host
 * (NULL: this host; the same rules as publish --host), replacing existing
 * ones only with force. NT_EXIT_OK, or one line on stderr and
 * NT_EXIT_USAGE (no state directory, a bad host name, keys that exist, a
 * failure to write them). */
int nt_keygen_create(nt_keygen_result *out, const char *state, const char *host, bool force);

/* Prints the result on stdout: a few "name: value" lines, or one JSON
 * object {"dnskey","key_digest","address","key_tag","state"}. NT_EXIT_OK,
 * or NT_EXIT_USAGE when out of memory. */
int nt_keygen_print(const nt_keygen_result *r, bool json);

#endif
