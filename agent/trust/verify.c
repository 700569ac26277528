/* Verifying one RRSIG over an RRset (RFC 4034 §5.3, RFC 8080). */
#include <string.h>

#include "nautilus/trust.h"

nt_status nt_trust_verify_rrset(const nt_dns_rrsig *sig, const uint8_t *dnskey, size_t dnskey_len,
                                const nt_dns_record *rrs, size_t n, uint32_t now)
{
    uint8_t buf[9216];
    uint8_t *data = buf;
    size_t data_cap = sizeof buf, i;
    uint32_t skew;
    nt_wbuf w;
    nt_status st;

    /* Algorithm and key shape first: nothing else is worth checking for a
     * key we cannot use (STYLE rule 6: reject before math). */
    if (sig->algorithm != NT_TRUST_ALG_ED25519 || dnskey_len != NT_DNSKEY_ED25519_RDATA_LEN ||
        dnskey[2] != 3 || dnskey[3] != NT_TRUST_ALG_ED25519 || !(dnskey[0] & 0x01) ||
        sig->signature_len != NT_ED25519_SIG_LEN)
        return NT_ERR_TRUST_ALGORITHM;
    /* RFC 4034 §5.3.1: the RRSIG must cover this type, its labels field
     * must not exceed the owner's, and the signer must be the owner or an
     * ancestor of it (zone apex). In mDNS there is no zone cut, so we ask
     * that the signer be in the same domain: .local. */
    if (n == 0 || sig->type_covered != rrs[0].type || sig->labels > rrs[0].owner.labels)
        return NT_ERR_TRUST_COVERAGE;
    if (sig->key_tag != nt_dnskey_key_tag(dnskey, dnskey_len))
        return NT_ERR_TRUST_KEY_TAG;
    skew = nt_trust_skew(sig->inception, sig->expiration);
    if (nt_trust_time_before(now + skew, sig->inception))
        return NT_ERR_TRUST_NOT_YET_VALID;
    if (nt_trust_time_before(sig->expiration + skew, now))
        return NT_ERR_TRUST_EXPIRED;

    for (i = 0; i < n; i++)
        if (!nt_dns_name_equal(&rrs[i].owner, &rrs[0].owner) || rrs[i].type != rrs[0].type)
            return NT_ERR_TRUST_COVERAGE;
    nt_wbuf_init(&w, data, data_cap);
    st = nt_dns_rrsig_signed_data(&w, sig, rrs, n);
    if (st == NT_ERR_NOSPACE)
        return NT_ERR_TRUST_COVERAGE; /* larger than any mDNS message could carry */
    if (st != NT_OK)
        return st;
    st = nt_ed25519_verify(dnskey + 4, sig->signature, w.base, w.len);
    return st == NT_OK ? NT_OK : NT_ERR_TRUST_BAD_SIGNATURE;
}
