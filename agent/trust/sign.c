/* Signing RRsets with Ed25519 (RFC 4034 §3, RFC 8080). */
#include <string.h>

#include <sodium.h>

#include "nautilus/trust.h"

void nt_trust_signer_init(nt_trust_signer *s, const nt_ed25519_key *key, const nt_dns_name *host,
                          uint32_t lifetime)
{
    memcpy(&s->key, key, sizeof *key);
    s->signer = *host;
    nt_dns_name_lower(&s->signer);
    nt_dnskey_ed25519_rdata(s->dnskey, key->pk);
    s->key_tag = nt_dnskey_key_tag(s->dnskey, sizeof s->dnskey);
    nt_dnskey_digest(s->key_digest, s->signer.wire, s->signer.len, s->dnskey, sizeof s->dnskey);
    s->lifetime = lifetime ? lifetime : NT_TRUST_LIFETIME_DEFAULT;
}

void nt_trust_signer_cleanup(nt_trust_signer *s) { sodium_memzero(s, sizeof *s); }

void nt_trust_signer_rename(nt_trust_signer *s, const nt_dns_name *host)
{
    s->signer = *host;
    nt_dns_name_lower(&s->signer);
    nt_dnskey_digest(s->key_digest, s->signer.wire, s->signer.len, s->dnskey, sizeof s->dnskey);
}

/* The RRSIG labels field (RFC 4034 §3.1.3): labels of the owner, not
 * counting the root or a leading wildcard. */
static uint8_t owner_labels(const nt_dns_name *owner)
{
    uint8_t labels = owner->labels;
    if (labels && owner->wire[0] == 1 && owner->wire[1] == '*')
        labels--;
    return labels;
}

nt_status nt_trust_sign_rrset(const nt_trust_signer *s, uint8_t *out, size_t cap,
                              size_t *out_len, const nt_dns_record *rrs, size_t n, uint32_t now)
{
    /* The signed data of an RRset is at most RRSIG fields + the canonical
     * records; mDNS packets bound the latter to 9000 bytes, but a set built
     * locally may be larger, so size the scratch from the records. */
    uint8_t *data = NULL;
    size_t data_cap = 18 + 256, i;
    nt_dns_rrsig sig;
    nt_wbuf w;
    uint8_t signature[NT_ED25519_SIG_LEN];
    nt_status st;

    if (n == 0)
        return NT_ERR_INVALID_ARG;
    for (i = 0; i < n; i++)
        data_cap += (size_t)rrs[i].owner.len + 10 + rrs[i].rdlength;
    memset(&sig, 0, sizeof sig);
    sig.type_covered = rrs[0].type;
    sig.algorithm = NT_TRUST_ALG_ED25519;
    sig.labels = owner_labels(&rrs[0].owner);
    sig.original_ttl = rrs[0].ttl;
    sig.inception = now;
    sig.expiration = now + s->lifetime;
    sig.key_tag = s->key_tag;
    sig.signer = s->signer;

    data = sodium_malloc(data_cap);
    if (!data)
        return NT_ERR_NOMEM;
    nt_wbuf_init(&w, data, data_cap);
    st = nt_dns_rrsig_signed_data(&w, &sig, rrs, n);
    if (st != NT_OK)
        goto out;
    st = nt_ed25519_sign(&s->key, signature, w.base, w.len);
    if (st != NT_OK)
        goto out;

    /* RRSIG RDATA (RFC 4034 §3.1): the signed prefix, then the signature.
     * The prefix is the first part of the signed data. */
    {
        size_t prefix = 18 + (size_t)s->signer.len;
        if (cap < prefix + sizeof signature) {
            st = NT_ERR_NOSPACE;
            goto out;
        }
        memcpy(out, data, prefix);
        memcpy(out + prefix, signature, sizeof signature);
        *out_len = prefix + sizeof signature;
    }
out:
    sodium_free(data);
    return st;
}
