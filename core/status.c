/* nt_strerror and nt_status_name: one switch without default, so that
 * -Wswitch (in -Wall, an error in CI) flags any status left undescribed. */
#include "nautilus/status.h"

#define NT_DESCRIBE(sym, text) \
    case sym:                  \
        *name = #sym;          \
        *desc = text;          \
        return 1;

static int describe(nt_status status, const char **name, const char **desc)
{
    switch (status) {
        NT_DESCRIBE(NT_OK, "success")
        NT_DESCRIBE(NT_ERR_NOMEM, "out of memory")
        NT_DESCRIBE(NT_ERR_INVALID_ARG, "invalid argument")
        NT_DESCRIBE(NT_ERR_SHORT, "input ends too soon")
        NT_DESCRIBE(NT_ERR_NOSPACE, "output buffer too small")
        NT_DESCRIBE(NT_ERR_CAP, "size cap reached")
        NT_DESCRIBE(NT_ERR_TRAILING, "trailing bytes in a length-delimited field")
        NT_DESCRIBE(NT_ERR_HEX, "malformed hexadecimal")
        NT_DESCRIBE(NT_ERR_BASE64, "malformed base64")
        NT_DESCRIBE(NT_ERR_OVERFLOW, "size arithmetic overflow")
        NT_DESCRIBE(NT_ERR_IO, "input/output error")
        NT_DESCRIBE(NT_ERR_NOT_FOUND, "not found")
        NT_DESCRIBE(NT_ERR_JSON, "malformed JSON")
        NT_DESCRIBE(NT_ERR_PERM, "permission denied or unsafe permissions")
        NT_DESCRIBE(NT_ERR_RANGE, "number out of range")
        NT_DESCRIBE(NT_ERR_EXISTS, "already exists")
        NT_DESCRIBE(NT_ERR_TIMEOUT, "timed out")
        NT_DESCRIBE(NT_ERR_UNSUPPORTED, "not supported")

        NT_DESCRIBE(NT_ERR_DNS_HEADER_SHORT, "DNS message shorter than its 12-byte header")
        NT_DESCRIBE(NT_ERR_DNS_COUNT, "DNS section counts exceed the message")
        NT_DESCRIBE(NT_ERR_DNS_PTR_SELF, "DNS compression pointer points at itself")
        NT_DESCRIBE(NT_ERR_DNS_PTR_LOOP, "DNS compression pointers form a loop")
        NT_DESCRIBE(NT_ERR_DNS_PTR_FORWARD, "DNS compression pointer points forward")
        NT_DESCRIBE(NT_ERR_DNS_PTR_HEADER, "DNS compression pointer into the header")
        NT_DESCRIBE(NT_ERR_DNS_PTR_PAST_END, "DNS compression pointer past the end")
        NT_DESCRIBE(NT_ERR_DNS_PTR_CHAIN, "DNS compression pointer chain too long")
        NT_DESCRIBE(NT_ERR_DNS_LABEL_TYPE, "DNS label with reserved type bits")
        NT_DESCRIBE(NT_ERR_DNS_LABEL_OVERRUN, "DNS label runs past the end")
        NT_DESCRIBE(NT_ERR_DNS_NAME_TOO_LONG, "DNS name longer than 255 octets")
        NT_DESCRIBE(NT_ERR_DNS_NAME_LABELS, "DNS name with more than 127 labels")
        NT_DESCRIBE(NT_ERR_DNS_NAME_NO_ROOT, "DNS name without its root label")
        NT_DESCRIBE(NT_ERR_DNS_RDLENGTH, "DNS rdlength runs past the end")
        NT_DESCRIBE(NT_ERR_DNS_RDATA_SHORT, "DNS RDATA too short for its type")
        NT_DESCRIBE(NT_ERR_DNS_RDATA_NAME, "DNS name escapes its RDATA")
        NT_DESCRIBE(NT_ERR_DNS_TXT_OVERRUN, "DNS TXT string overruns its RDATA")
        NT_DESCRIBE(NT_ERR_DNS_NSEC_BITMAP, "DNS NSEC type bitmap malformed")
        NT_DESCRIBE(NT_ERR_DNS_DUP_OPT, "DNS message with more than one OPT record")
        NT_DESCRIBE(NT_ERR_DNS_RDATA_TRAILING, "DNS RDATA longer than its content")
        NT_DESCRIBE(NT_ERR_DNS_TOO_MANY_RECORDS, "DNS message has more records than allowed")
        NT_DESCRIBE(NT_ERR_DNS_OPT_PLACEMENT, "DNS OPT record misplaced")
        NT_DESCRIBE(NT_ERR_DNS_TXT_TOO_LONG, "DNS TXT data too long")
        NT_DESCRIBE(NT_ERR_DNS_NAME_SYNTAX, "malformed DNS name text")
        NT_DESCRIBE(NT_ERR_DNS_TRAILING, "bytes after the last DNS record")
        NT_DESCRIBE(NT_ERR_DNS_LABEL_TOO_LONG, "DNS label longer than 63 octets")
        NT_DESCRIBE(NT_ERR_DNS_MSG_TOO_LONG, "DNS message longer than 65535 bytes")
        NT_DESCRIBE(NT_ERR_DNS_SHORT_RECORD, "DNS question or record header cut off")
        NT_DESCRIBE(NT_ERR_DNS_TXT_KEY, "DNS TXT key empty or not printable ASCII")
        NT_DESCRIBE(NT_ERR_MDNS_NAME, "unusable mDNS instance, type, domain or host name")
        NT_DESCRIBE(NT_ERR_MDNS_SHUT_DOWN, "mDNS engine was shut down")
        NT_DESCRIBE(NT_ERR_MDNS_NO_IFACE, "interface unknown to the mDNS engine")
        NT_DESCRIBE(NT_ERR_MDNS_TXT, "malformed or oversized TXT entries")

        NT_DESCRIBE(NT_ERR_NET_SOCKET, "socket could not be created or configured")
        NT_DESCRIBE(NT_ERR_NET_BIND, "port could not be bound")
        NT_DESCRIBE(NT_ERR_NET_JOIN, "multicast group join failed")
        NT_DESCRIBE(NT_ERR_NET_SEND, "sending a datagram failed")
        NT_DESCRIBE(NT_ERR_NET_RECV, "receiving a datagram failed")
        NT_DESCRIBE(NT_ERR_NET_NO_IFACE, "no such interface, or none usable")
        NT_DESCRIBE(NT_ERR_NET_IFACE_DOWN, "interface is down or cannot multicast")
        NT_DESCRIBE(NT_ERR_NET_ADDR_SYNTAX, "malformed IP address")
        NT_DESCRIBE(NT_ERR_NET_SCOPE, "address scope names no interface")
        NT_DESCRIBE(NT_ERR_NET_WOULDBLOCK, "operation would block")
        NT_DESCRIBE(NT_ERR_NET_TRUNCATED, "datagram larger than the receive buffer")
        NT_DESCRIBE(NT_ERR_NET_SIGNAL, "signal handling could not be set up")
        NT_DESCRIBE(NT_ERR_NET_POLL, "poll failed")
        NT_DESCRIBE(NT_ERR_NET_RANDOM, "system random source failed")
        NT_DESCRIBE(NT_ERR_NET_UNREACHABLE, "destination unreachable from that interface")
        NT_DESCRIBE(NT_ERR_NET_AF_UNSUPPORTED, "address family not available")
        NT_DESCRIBE(NT_ERR_NET_NETMASK, "netmask is not contiguous")

        NT_DESCRIBE(NT_ERR_TRUST_UNSIGNED, "unsigned record for a name with a pinned key")
        NT_DESCRIBE(NT_ERR_TRUST_NO_KEY, "signature without the signer's DNSKEY")
        NT_DESCRIBE(NT_ERR_TRUST_WRONG_KEY, "signed by a key not pinned for the name")
        NT_DESCRIBE(NT_ERR_TRUST_EXPIRED, "signature expired")
        NT_DESCRIBE(NT_ERR_TRUST_NOT_YET_VALID, "signature not yet valid")
        NT_DESCRIBE(NT_ERR_TRUST_BAD_SIGNATURE, "signature does not verify")
        NT_DESCRIBE(NT_ERR_TRUST_ALGORITHM, "unsupported signature algorithm or key")
        NT_DESCRIBE(NT_ERR_TRUST_COVERAGE, "signature does not cover this record set")
        NT_DESCRIBE(NT_ERR_TRUST_KEY_TAG, "signature key tag does not match the key")
        NT_DESCRIBE(NT_ERR_TRUST_REPLAY, "replayed record set: older than one already seen")
        NT_DESCRIBE(NT_ERR_TRUST_BUDGET, "signature check budget exhausted")
        NT_DESCRIBE(NT_ERR_TRUST_STORE_SYNTAX, "malformed trust store line")
        NT_DESCRIBE(NT_ERR_TRUST_ZK_MALFORMED, "malformed zk fields in metadata TXT")
        NT_DESCRIBE(NT_ERR_TRUST_ZK_UNKNOWN_VK, "unknown zk verification key id")
        NT_DESCRIBE(NT_ERR_TRUST_ZK_BINDING, "zk proof bound to another key")
        NT_DESCRIBE(NT_ERR_TRUST_ZK_INVALID, "zk proof does not verify")
        NT_DESCRIBE(NT_ERR_TRUST_OVERSIZE, "record set larger than the trust checks take")
        NT_DESCRIBE(NT_ERR_TRUST_GOODBYE, "record set mixes goodbye (TTL 0) and live records")
        NT_DESCRIBE(NT_ERR_TRUST_SIGNER_NAME, "signer is not a .local host name")
        NT_DESCRIBE(NT_ERR_TRUST_TABLE_FULL, "trust tables full: new unverified entry refused")

        NT_DESCRIBE(NT_ERR_ZK_COORD_RANGE, "curve coordinate not below the field modulus")
        NT_DESCRIBE(NT_ERR_ZK_NOT_ON_CURVE, "G1 point not on the curve")
        NT_DESCRIBE(NT_ERR_ZK_NOT_ON_TWIST, "G2 point not on the twist")
        NT_DESCRIBE(NT_ERR_ZK_NOT_IN_SUBGROUP, "G2 point outside the prime-order subgroup")
        NT_DESCRIBE(NT_ERR_ZK_PROOF_INFINITY, "proof element at infinity")
        NT_DESCRIBE(NT_ERR_ZK_INPUT_RANGE, "public input not below the group order")
        NT_DESCRIBE(NT_ERR_ZK_INPUT_COUNT, "wrong number of public inputs")
        NT_DESCRIBE(NT_ERR_ZK_VK_DEGENERATE, "verification key delta equals gamma or the generator")
        NT_DESCRIBE(NT_ERR_ZK_PROOF_INVALID, "proof does not verify")
        NT_DESCRIBE(NT_ERR_ZK_SCALAR_RANGE, "scalar out of range")
        NT_DESCRIBE(NT_ERR_ZK_ENCODING, "malformed number or point encoding")
        NT_DESCRIBE(NT_ERR_ZK_VK_MISMATCH, "vk_alphabeta_12 does not match e(alpha, beta)")
        NT_DESCRIBE(NT_ERR_ZK_PROTOCOL, "not a groth16 proof system over bn128")

        NT_DESCRIBE(NT_ERR_CRYPTO_BAD_SIGNATURE, "signature does not verify")
        NT_DESCRIBE(NT_ERR_CRYPTO_BAD_SECRET, "secret key out of range")
        NT_DESCRIBE(NT_ERR_CRYPTO_STATE_DIR, "state directory missing or unreadable")
        NT_DESCRIBE(NT_ERR_CRYPTO_KEY_MISSING, "key file missing")
        NT_DESCRIBE(NT_ERR_CRYPTO_KEY_PERMS, "key file is accessible to others or not a regular file")
        NT_DESCRIBE(NT_ERR_CRYPTO_KEY_TRUNCATED, "key file truncated")
        NT_DESCRIBE(NT_ERR_CRYPTO_KEY_FORMAT, "key file malformed")
        NT_DESCRIBE(NT_ERR_CRYPTO_KEY_CORRUPT, "key file corrupted: secret and public key disagree")
        NT_DESCRIBE(NT_ERR_CRYPTO_INIT, "crypto library initialisation failed")
    }
    return 0;
}

const char *nt_strerror(nt_status status)
{
    const char *name, *desc;
    return describe(status, &name, &desc) ? desc : "unknown status";
}

const char *nt_status_name(nt_status status)
{
    const char *name, *desc;
    return describe(status, &name, &desc) ? name : "NT_ERR_UNKNOWN";
}
