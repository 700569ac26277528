/*
 * Verification of RFC 9162 inclusion (§2.1.3.2) and consistency (§2.1.4.2)
 * proofs, and the proof's byte form. A proof arrives from strangers (the
 * metadata TXT's anchor, an auditor's RPC answer): its node count is
 * checked against the cap before anything is read, and only NT_OK means
 * valid. Public data: memcmp is fine.
 */
#include <string.h>

#include "nautilus/ledger_log.h"

nt_status nt_merkle_proof_parse(nt_merkle_proof *out, const uint8_t *bytes, size_t len)
{
    if (len % NT_MERKLE_HASH_LEN != 0 || len / NT_MERKLE_HASH_LEN > NT_MERKLE_PROOF_MAX)
        return NT_ERR_MERKLE_PROOF_SIZE;
    if (len > 0 && bytes == NULL)
        return NT_ERR_INVALID_ARG;
    out->len = len / NT_MERKLE_HASH_LEN;
    if (len > 0)
        memcpy(out->node, bytes, len);
    return NT_OK;
}

nt_status nt_merkle_proof_write(uint8_t *out, size_t cap, size_t *len, const nt_merkle_proof *proof)
{
    size_t need;

    if (proof->len > NT_MERKLE_PROOF_MAX)
        return NT_ERR_INVALID_ARG;
    need = proof->len * NT_MERKLE_HASH_LEN;
    if (cap < need)
        return NT_ERR_NOSPACE;
    if (need > 0)
        memcpy(out, proof->node, need);
    *len = need;
    return NT_OK;
}

/* Shifts fn and sn right together until fn's lowest bit is set or fn is
 * 0 (RFC 9162 §2.1.3.2 step 4.b, §2.1.4.2 step 6.b.2). */
static void shift_to_right_child(uint64_t *fn, uint64_t *sn)
{
    while (*fn != 0 && (*fn & 1) == 0) {
        *fn >>= 1;
        *sn >>= 1;
    }
}

nt_status nt_merkle_inclusion_verify(const nt_merkle_proof *proof,
                                     const uint8_t leaf_hash[NT_MERKLE_HASH_LEN], uint64_t index,
                                     uint64_t size, const uint8_t root[NT_MERKLE_HASH_LEN])
{
    uint8_t r[NT_MERKLE_HASH_LEN];
    uint64_t fn, sn;
    size_t i;

    if (proof->len > NT_MERKLE_PROOF_MAX)
        return NT_ERR_INVALID_ARG;
    if (size > NT_MERKLE_SIZE_MAX || index >= size) /* step 1 */
        return NT_ERR_MERKLE_RANGE;
    fn = index; /* step 2 */
    sn = size - 1;
    memcpy(r, leaf_hash, NT_MERKLE_HASH_LEN); /* step 3 */
    for (i = 0; i < proof->len; i++) {        /* step 4 */
        const uint8_t *p = proof->node[i];
        if (sn == 0) /* 4.a: more nodes than levels */
            return NT_ERR_MERKLE_PROOF_SIZE;
        /* 4.b: r is a right child, or the last node of its level */
        if ((fn & 1) != 0 || fn == sn) {
            nt_merkle_node_hash(r, p, r);
            if ((fn & 1) == 0)
                shift_to_right_child(&fn, &sn);
        } else {
            nt_merkle_node_hash(r, r, p);
        }
        fn >>= 1; /* 4.c */
        sn >>= 1;
    }
    if (sn != 0) /* step 5: fewer nodes than levels */
        return NT_ERR_MERKLE_PROOF_SIZE;
    return memcmp(r, root, NT_MERKLE_HASH_LEN) == 0 ? NT_OK : NT_ERR_MERKLE_PROOF;
}

/* The cases RFC 9162 §2.1.4 leaves out (PROOF is defined for 0 < m < n):
 * equal sizes need equal roots, and only the empty tree has size 0. */
static nt_status consistency_trivial(const nt_merkle_proof *proof, uint64_t old_size,
                                     const uint8_t old_root[NT_MERKLE_HASH_LEN],
                                     const uint8_t root[NT_MERKLE_HASH_LEN])
{
    uint8_t empty[NT_MERKLE_HASH_LEN];

    if (proof->len != 0)
        return NT_ERR_MERKLE_PROOF_SIZE;
    if (old_size == 0) {
        nt_merkle_empty_root(empty);
        return memcmp(old_root, empty, NT_MERKLE_HASH_LEN) == 0 ? NT_OK : NT_ERR_MERKLE_PROOF;
    }
    return memcmp(old_root, root, NT_MERKLE_HASH_LEN) == 0 ? NT_OK : NT_ERR_MERKLE_PROOF;
}

nt_status nt_merkle_consistency_verify(const nt_merkle_proof *proof, uint64_t old_size,
                                       const uint8_t old_root[NT_MERKLE_HASH_LEN], uint64_t size,
                                       const uint8_t root[NT_MERKLE_HASH_LEN])
{
    uint8_t fr[NT_MERKLE_HASH_LEN], sr[NT_MERKLE_HASH_LEN];
    uint64_t fn, sn;
    size_t i, start;

    if (proof->len > NT_MERKLE_PROOF_MAX)
        return NT_ERR_INVALID_ARG;
    if (size > NT_MERKLE_SIZE_MAX || old_size > size)
        return NT_ERR_MERKLE_RANGE;
    if (old_size == 0 || old_size == size)
        return consistency_trivial(proof, old_size, old_root, root);
    if (proof->len == 0) /* step 1 */
        return NT_ERR_MERKLE_PROOF_SIZE;
    /* Step 2: when the old tree is a perfect subtree its root is the
     * proof's implicit first node; fr and sr both start from it (step 5). */
    start = (old_size & (old_size - 1)) == 0 ? 0 : 1;
    memcpy(fr, start == 0 ? old_root : proof->node[0], NT_MERKLE_HASH_LEN);
    memcpy(sr, fr, NT_MERKLE_HASH_LEN);
    fn = old_size - 1; /* step 3 */
    sn = size - 1;
    while ((fn & 1) != 0) { /* step 4 */
        fn >>= 1;
        sn >>= 1;
    }
    for (i = start; i < proof->len; i++) { /* step 6 */
        const uint8_t *c = proof->node[i];
        if (sn == 0) /* 6.a */
            return NT_ERR_MERKLE_PROOF_SIZE;
        if ((fn & 1) != 0 || fn == sn) { /* 6.b: a node both trees share */
            nt_merkle_node_hash(fr, c, fr);
            nt_merkle_node_hash(sr, c, sr);
            if ((fn & 1) == 0)
                shift_to_right_child(&fn, &sn);
        } else { /* a node only the new tree has */
            nt_merkle_node_hash(sr, sr, c);
        }
        fn >>= 1; /* 6.c */
        sn >>= 1;
    }
    if (sn != 0) /* step 7 */
        return NT_ERR_MERKLE_PROOF_SIZE;
    if (memcmp(fr, old_root, NT_MERKLE_HASH_LEN) != 0 || memcmp(sr, root, NT_MERKLE_HASH_LEN) != 0)
        return NT_ERR_MERKLE_PROOF;
    return NT_OK;
}
