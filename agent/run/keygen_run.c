/* agent/run/keygen_run.c - the keys of `nautilus keygen`: created in the
 * state directory (mode 0600), described by their public values only. */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "keygen_run.h"
#include "mdns_runner.h"
#include "nautilus/codec.h"
#include "nautilus/crypto.h"

int nt_keygen_create(nt_keygen_result *out, const char *state, const char *host, bool force)
{
    uint8_t rdata[NT_DNSKEY_ED25519_RDATA_LEN], digest[32];
    nt_dns_name owner;
    nt_identity id;
    nt_status st;

    memset(out, 0, sizeof *out);
    if (state)
        snprintf(out->state, sizeof out->state, "%s", state);
    else if (nt_state_dir_default(out->state, sizeof out->state) != NT_OK)
        return nt_cli_usage_error("keygen: no state directory: give --state DIR");
    /* The same --host rules as publish, so the DNSKEY owner is the name
     * publish --sign will use. */
    if ((st = nt_runner_host_name(out->host, sizeof out->host, host)) != NT_OK ||
        (st = nt_dns_name_from_str(&owner, out->host)) != NT_OK)
        return nt_cli_usage_error("keygen: bad host name '%s': %s", host ? host : "",
                                  nt_strerror(st));
    st = nt_identity_create(&id, out->state, force);
    if (st == NT_ERR_EXISTS)
        return nt_cli_usage_error("keygen: keys already exist in %s (--force replaces them)",
                                  out->state);
    if (st != NT_OK)
        return nt_cli_usage_error("keygen: cannot create keys in %s: %s", out->state,
                                  nt_strerror(st));
    nt_dns_name_lower(&owner);
    nt_dnskey_ed25519_rdata(rdata, id.sign.pk);
    nt_dnskey_digest(digest, owner.wire, owner.len, rdata, sizeof rdata);
    nt_eth_address_format(out->address, id.chain.address);
    nt_identity_wipe(&id);
    out->key_tag = nt_dnskey_key_tag(rdata, sizeof rdata);
    if (nt_hex_encode(out->digest_hex, sizeof out->digest_hex, digest, sizeof digest) != NT_OK ||
        nt_base64_encode(out->pk_b64, sizeof out->pk_b64, rdata + 4, 32) != NT_OK ||
        nt_dns_name_to_text(&owner, out->host, sizeof out->host, NULL) != NT_OK)
        return nt_cli_fail(NT_EXIT_USAGE, "keygen: internal formatting error");
    return NT_EXIT_OK;
}

int nt_keygen_print(const nt_keygen_result *r, bool json)
{
    char dnskey[NT_DNS_NAME_TEXT_MAX + 128];
    cJSON *o;
    char *text;
    snprintf(dnskey, sizeof dnskey, "%s 4500 IN DNSKEY 256 3 15 %s", r->host, r->pk_b64);
    if (!json) {
        printf("dnskey:     %s\n", dnskey);
        printf("key digest: %s\n", r->digest_hex);
        printf("key tag:    %u\n", r->key_tag);
        printf("address:    %s\n", r->address);
        printf("state:      %s\n", r->state);
        return NT_EXIT_OK;
    }
    o = cJSON_CreateObject();
    if (!o || !cJSON_AddStringToObject(o, "dnskey", dnskey) ||
        !cJSON_AddStringToObject(o, "key_digest", r->digest_hex) ||
        !cJSON_AddStringToObject(o, "address", r->address) ||
        !cJSON_AddNumberToObject(o, "key_tag", r->key_tag) ||
        !cJSON_AddStringToObject(o, "state", r->state) || !(text = cJSON_PrintUnformatted(o))) {
        cJSON_Delete(o);
        return nt_cli_fail(NT_EXIT_USAGE, "keygen: out of memory");
    }
    puts(text);
    cJSON_free(text);
    cJSON_Delete(o);
    return NT_EXIT_OK;
}
