/*
 * The ledger's contracts as operations (nautilus/ledger_chain.h): the
 * Registry's name hash, the call data of the four transactions, and the
 * names of the contracts' custom errors.
 */
#include <string.h>

#include "ledger/chain_int.h"

nt_status nt_chain_name_hash(uint8_t out[32], const uint8_t *wire, size_t len)
{
    uint8_t canon[255];
    size_t i = 0;

    /* RFC 4034 §6.2: uncompressed, ASCII letters folded to lower case. */
    if (wire == NULL || len == 0 || len > sizeof canon)
        return NT_ERR_INVALID_ARG;
    for (;;) {
        uint8_t label = wire[i]; /* i < len: checked before each step */
        if (label > 63) /* a pointer (0xc0) or an extended label type (0x40) */
            return NT_ERR_INVALID_ARG;
        canon[i] = label;
        if (label == 0)
            break;
        /* The label's octets and at least one length octet after them. */
        if ((size_t)label + 1 >= len - i)
            return NT_ERR_INVALID_ARG;
        for (size_t k = 1; k <= label; k++) {
            uint8_t c = wire[i + k];
            canon[i + k] = (c >= 'A' && c <= 'Z') ? (uint8_t)(c - 'A' + 'a') : c;
        }
        i += 1u + label;
    }
    if (i + 1 != len)
        return NT_ERR_INVALID_ARG;
    nt_keccak256(out, canon, len);
    return NT_OK;
}

static void word_arg(nt_abi_value *v, const uint8_t w[32])
{
    v->type = NT_ABI_BYTES32;
    memcpy(v->v.bytes32, w, 32);
}

nt_status nt_chain_call_encode(nt_dynbuf *out, const nt_chain_call *call)
{
    nt_abi_value a[4];

    memset(a, 0, sizeof a);
    switch (call->kind) {
    case NT_CHAIN_CALL_REGISTER:
    case NT_CHAIN_CALL_ROTATE:
        word_arg(&a[0], call->name_hash);
        word_arg(&a[1], call->digest);
        return nt_abi_encode_call(out, call->kind == NT_CHAIN_CALL_REGISTER ? "register" : "rotate",
                                  a, 2);
    case NT_CHAIN_CALL_REVOKE:
        word_arg(&a[0], call->name_hash);
        return nt_abi_encode_call(out, "revoke", a, 1);
    case NT_CHAIN_CALL_CHECKPOINT:
        word_arg(&a[0], call->digest);
        word_arg(&a[1], call->name_hash);
        a[2].type = NT_ABI_UINT64;
        a[2].v.uint64 = call->size;
        word_arg(&a[3], call->root);
        return nt_abi_encode_call(out, "checkpoint", a, 4);
    }
    return NT_ERR_INVALID_ARG;
}

/* Every custom error of Registry, Checkpoints and Credentials (their ABI
 * files in contracts/build); the selector is computed from the signature.
 * AlreadyRevoked(bytes32) is the same error in Registry and Credentials. */
static const struct {
    const char *name;
    const char *sig;
} errors[] = {
    {"NotAdmin", "NotAdmin(address)"},
    {"NotAllowed", "NotAllowed(address)"},
    {"NotOwner", "NotOwner(bytes32,address)"},
    {"NameTaken", "NameTaken(bytes32,address)"},
    {"NotRegistered", "NotRegistered(bytes32)"},
    {"AlreadyRevoked", "AlreadyRevoked(bytes32)"},
    {"ZeroName", "ZeroName()"},
    {"ZeroDigest", "ZeroDigest()"},
    {"SameDigest", "SameDigest(bytes32)"},
    {"DigestInUse", "DigestInUse(bytes32,bytes32)"},
    {"DigestRevoked", "DigestRevoked(bytes32,bytes32)"},
    {"ContractsAlreadySet", "ContractsAlreadySet(address,address)"},
    {"ZeroAddress", "ZeroAddress()"},
    {"WrongRegistry", "WrongRegistry(address,address)"},
    {"NotLogOwner", "NotLogOwner(bytes32,bytes32,address)"},
    {"KeyRevoked", "KeyRevoked(bytes32,bytes32)"},
    {"NotExtending", "NotExtending(bytes32,uint64,uint64)"},
    {"AlreadyCheckpointed", "AlreadyCheckpointed(bytes32,uint64,bytes32)"},
    {"ZeroRoot", "ZeroRoot()"},
    {"NotIssuer", "NotIssuer(address)"},
    {"BadCommitment", "BadCommitment(bytes32)"},
    {"AlreadyIssued", "AlreadyIssued(bytes32)"},
    {"NotIssued", "NotIssued(bytes32)"},
};

const char *nt_chain_error_name(const uint8_t *data, size_t len)
{
    uint8_t sel[4];

    if (data == NULL || len < 4)
        return NULL;
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
        nt_abi_selector(sel, errors[i].sig);
        if (memcmp(sel, data, 4) == 0)
            return errors[i].name;
    }
    return NULL;
}

const char *nt_chain_name_change_name(nt_chain_name_change kind)
{
    switch (kind) {
    case NT_CHAIN_REGISTERED:
        return "registered";
    case NT_CHAIN_ROTATED:
        return "rotated";
    case NT_CHAIN_REVOKED:
        return "revoked";
    }
    return "?";
}
