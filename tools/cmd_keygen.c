/*
 * nautilus keygen [--state DIR] [--host NAME] [--json] [--force]
 *
 * Creates the agent's Ed25519 signing key and secp256k1 chain key in the
 * state directory (mode 0600) and prints the DNSKEY record, the key digest
 * (its identity: DS digest type 2 over the host name and DNSKEY, DESIGN §3)
 * and the Ethereum address. Never prints a secret. An existing key is never
 * replaced without --force.
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cmds.h"
#include "mdns_runner.h"
#include "nautilus/codec.h"
#include "nautilus/crypto.h"
#include "nautilus/wire.h"

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
    const char *state = NULL, *host = NULL;
    char state_buf[4096], host_text[NT_DNS_NAME_TEXT_MAX], digest_hex[65], addr[43];
    char pk_b64[64];
    bool json = false, force = false;
    uint8_t rdata[NT_DNSKEY_ED25519_RDATA_LEN], digest[32];
    nt_dns_name owner;
    nt_identity id;
    nt_status st;
    int i;

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
    if (!state) {
        if (nt_state_dir_default(state_buf, sizeof state_buf) != NT_OK)
            return nt_cli_usage_error("keygen: no state directory: give --state DIR");
        state = state_buf;
    }
    /* The same --host rules as publish, so the DNSKEY owner is the name
     * publish --sign will use. */
    if ((st = nt_runner_host_name(host_text, sizeof host_text, host)) != NT_OK ||
        (st = nt_dns_name_from_str(&owner, host_text)) != NT_OK)
        return nt_cli_usage_error("keygen: bad host name '%s': %s", host ? host : "",
                                  nt_strerror(st));

    st = nt_identity_create(&id, state, force);
    if (st == NT_ERR_EXISTS)
        return nt_cli_usage_error("keygen: keys already exist in %s (--force replaces them)",
                                  state);
    if (st != NT_OK)
        return nt_cli_usage_error("keygen: cannot create keys in %s: %s", state, nt_strerror(st));

    nt_dns_name_lower(&owner);
    nt_dnskey_ed25519_rdata(rdata, id.sign.pk);
    nt_dnskey_digest(digest, owner.wire, owner.len, rdata, sizeof rdata);
    nt_eth_address_format(addr, id.chain.address);
    nt_identity_wipe(&id);
    if (nt_hex_encode(digest_hex, sizeof digest_hex, digest, sizeof digest) != NT_OK ||
        nt_base64_encode(pk_b64, sizeof pk_b64, rdata + 4, 32) != NT_OK ||
        nt_dns_name_to_text(&owner, host_text, sizeof host_text, NULL) != NT_OK)
        return nt_cli_fail(NT_EXIT_USAGE, "keygen: internal formatting error");

    if (json) {
        char dnskey[NT_DNS_NAME_TEXT_MAX + 128];
        cJSON *o = cJSON_CreateObject();
        char *text;
        snprintf(dnskey, sizeof dnskey, "%s 4500 IN DNSKEY 256 3 15 %s", host_text, pk_b64);
        if (!o || !cJSON_AddStringToObject(o, "dnskey", dnskey) ||
            !cJSON_AddStringToObject(o, "key_digest", digest_hex) ||
            !cJSON_AddStringToObject(o, "address", addr) ||
            !cJSON_AddNumberToObject(o, "key_tag", nt_dnskey_key_tag(rdata, sizeof rdata)) ||
            !cJSON_AddStringToObject(o, "state", state) || !(text = cJSON_PrintUnformatted(o))) {
            cJSON_Delete(o);
            return nt_cli_fail(NT_EXIT_USAGE, "keygen: out of memory");
        }
        puts(text);
        cJSON_free(text);
        cJSON_Delete(o);
    } else {
        printf("dnskey:     %s 4500 IN DNSKEY 256 3 15 %s\n", host_text, pk_b64);
        printf("key digest: %s\n", digest_hex);
        printf("key tag:    %u\n", nt_dnskey_key_tag(rdata, sizeof rdata));
        printf("address:    %s\n", addr);
        printf("state:      %s\n", state);
    }
    return NT_EXIT_OK;
}
