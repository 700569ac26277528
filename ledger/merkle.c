/*
 * RFC 9162 §2.1 Merkle trees over SHA-256: hashes, the Merkle Tree Hash of
 * a prefix, and the generation of inclusion (PATH) and consistency (PROOF)
 * proofs from a node source (nautilus/ledger_log.h). Verification is in
 * merkle_verify.c.
 *
 * Every subtree the RFC's recursion visits is either perfect (2^j leaves
 * starting at a multiple of 2^j) or the right edge [lo, hi) of a tree whose
 * lo is a multiple of the smallest power of two >= hi - lo: splitting at
 * the largest power of two k < n keeps that shape on both sides (§2.1.1).
 * The right edge is the perfect subtrees of its size's binary digits,
 * largest first, folded from the right. So every MTH is at most 63 node
 * hashes over at most 64 stored subtree roots.
 */
#include <string.h>

#include "ledger/merkle_int.h"
#include "nautilus/crypto.h"
#include "nautilus/ledger_log.h"
#include "nautilus/mem.h"

/* Leaves up to this size are hashed from a stack copy. */
#define LEAF_STACK_MAX 1024

/* ---- hashes (RFC 9162 §2.1.1) ------------------------------------------- */

nt_status nt_merkle_leaf_hash(uint8_t out[NT_MERKLE_HASH_LEN], const uint8_t *data, size_t len)
{
    uint8_t stack[1 + LEAF_STACK_MAX];
    uint8_t *buf = stack;

    if (len > NT_MERKLE_LEAF_DATA_MAX)
        return NT_ERR_MERKLE_LEAF_SIZE;
    if (len > 0 && data == NULL)
        return NT_ERR_INVALID_ARG;
    if (len > LEAF_STACK_MAX) {
        buf = nt_malloc(1 + len);
        if (buf == NULL)
            return NT_ERR_NOMEM;
    }
    buf[0] = 0x00; /* leaf prefix: MTH({d0}) = HASH(0x00 || d0) */
    if (len > 0)
        memcpy(buf + 1, data, len);
    nt_sha256(out, buf, 1 + len);
    if (buf != stack)
        nt_free(buf);
    return NT_OK;
}

void nt_merkle_node_hash(uint8_t out[NT_MERKLE_HASH_LEN], const uint8_t left[NT_MERKLE_HASH_LEN],
                         const uint8_t right[NT_MERKLE_HASH_LEN])
{
    uint8_t buf[1 + 2 * NT_MERKLE_HASH_LEN];

    buf[0] = 0x01; /* node prefix: HASH(0x01 || MTH(left) || MTH(right)) */
    memcpy(buf + 1, left, NT_MERKLE_HASH_LEN);
    memcpy(buf + 1 + NT_MERKLE_HASH_LEN, right, NT_MERKLE_HASH_LEN);
    nt_sha256(out, buf, sizeof buf);
}

void nt_merkle_empty_root(uint8_t out[NT_MERKLE_HASH_LEN])
{
    nt_sha256(out, NULL, 0); /* MTH({}) = HASH() */
}

/* ---- sources ------------------------------------------------------------- */

static nt_status array_leaf(void *ctx, uint8_t out[NT_MERKLE_HASH_LEN], uint64_t index)
{
    const nt_merkle_array *arr = ctx;

    if (index >= arr->count)
        return NT_ERR_MERKLE_RANGE;
    memcpy(out, arr->hashes + (size_t)index * NT_MERKLE_HASH_LEN, NT_MERKLE_HASH_LEN);
    return NT_OK;
}

void nt_merkle_source_array(nt_merkle_source *src, const nt_merkle_array *arr)
{
    src->node = NULL;
    src->leaf = array_leaf;
    src->ctx = (void *)(uintptr_t)arr; /* read only: array_leaf never writes */
}

/* A perfect subtree from leaf hashes alone: leaves left to right on a
 * stack, two equal-sized neighbours merged as soon as both exist (after
 * leaf i, as many merges as i + 1 has trailing zero bits). */
static nt_status subtree_from_leaves(uint8_t out[NT_MERKLE_HASH_LEN], const nt_merkle_source *src,
                                     unsigned level, uint64_t index)
{
    uint8_t stack[NT_MERKLE_PROOF_MAX + 1][NT_MERKLE_HASH_LEN];
    uint64_t first = index << level, count = (uint64_t)1 << level, i, done;
    size_t depth = 0;
    nt_status status;

    for (i = 0; i < count; i++) {
        status = src->leaf(src->ctx, stack[depth], first + i);
        if (status != NT_OK)
            return status;
        depth++;
        for (done = i + 1; (done & 1) == 0; done >>= 1) {
            nt_merkle_node_hash(stack[depth - 2], stack[depth - 2], stack[depth - 1]);
            depth--;
        }
    }
    memcpy(out, stack[0], NT_MERKLE_HASH_LEN);
    return NT_OK;
}

nt_status nt_merkle_subtree(uint8_t out[NT_MERKLE_HASH_LEN], const nt_merkle_source *src,
                            unsigned level, uint64_t index)
{
    /* (index + 1) << level must not pass 2^64. */
    if (level >= 64 || (level > 0 && (index >> (64 - level)) != 0))
        return NT_ERR_MERKLE_RANGE;
    if (src->node != NULL)
        return src->node(src->ctx, out, level, index);
    if (src->leaf == NULL)
        return NT_ERR_INVALID_ARG;
    return subtree_from_leaves(out, src, level, index);
}

uint64_t nt_merkle_split(uint64_t n)
{
    /* The largest power of two smaller than n (n >= 2), RFC 9162 §2.1.1. */
    return (uint64_t)1 << (63 - __builtin_clzll(n - 1));
}

/* MTH(D[lo : lo + n]) for n >= 1 and lo aligned as the file comment says:
 * the perfect subtrees of n's set bits, largest first, folded from the
 * right (MTH of a right edge splits at its highest bit, §2.1.1). */
static nt_status range_hash(uint8_t out[NT_MERKLE_HASH_LEN], const nt_merkle_source *src,
                            uint64_t lo, uint64_t n)
{
    uint8_t piece[NT_MERKLE_PROOF_MAX][NT_MERKLE_HASH_LEN];
    size_t count = 0;
    unsigned level;
    nt_status status;

    for (level = 64; level-- > 0;) {
        if ((n >> level & 1) == 0)
            continue;
        status = nt_merkle_subtree(piece[count], src, level, lo >> level);
        if (status != NT_OK)
            return status;
        lo += (uint64_t)1 << level;
        count++;
    }
    while (count > 1) {
        nt_merkle_node_hash(piece[count - 2], piece[count - 2], piece[count - 1]);
        count--;
    }
    memcpy(out, piece[0], NT_MERKLE_HASH_LEN);
    return NT_OK;
}

nt_status nt_merkle_root(uint8_t out[NT_MERKLE_HASH_LEN], const nt_merkle_source *src,
                         uint64_t size)
{
    if (size > NT_MERKLE_SIZE_MAX)
        return NT_ERR_MERKLE_RANGE;
    if (size == 0) {
        nt_merkle_empty_root(out);
        return NT_OK;
    }
    return range_hash(out, src, 0, size);
}

/* The RFC lists a proof's nodes from the deepest up; the loops below find
 * them from the root down. */
static void store_reversed(nt_merkle_proof *proof, uint8_t (*nodes)[NT_MERKLE_HASH_LEN],
                           size_t count)
{
    size_t i;

    for (i = 0; i < count; i++)
        memcpy(proof->node[i], nodes[count - 1 - i], NT_MERKLE_HASH_LEN);
    proof->len = count;
}

/* PATH(m, D[n]) of RFC 9162 §2.1.3.1: at each split the sibling subtree's
 * MTH, then on into the side that holds leaf m. */
nt_status nt_merkle_inclusion_proof(nt_merkle_proof *proof, const nt_merkle_source *src,
                                    uint64_t index, uint64_t size)
{
    uint8_t nodes[NT_MERKLE_PROOF_MAX][NT_MERKLE_HASH_LEN];
    uint64_t lo = 0, n = size, m = index, k;
    size_t count = 0;
    nt_status status;

    if (size > NT_MERKLE_SIZE_MAX || index >= size)
        return NT_ERR_MERKLE_RANGE;
    while (n > 1) {
        k = nt_merkle_split(n);
        if (m < k) {
            /* PATH(m, D[0:k]) : MTH(D[k:n]) */
            status = range_hash(nodes[count], src, lo + k, n - k);
            n = k;
        } else {
            /* PATH(m - k, D[k:n]) : MTH(D[0:k]) */
            status = range_hash(nodes[count], src, lo, k);
            lo += k;
            m -= k;
            n -= k;
        }
        if (status != NT_OK)
            return status;
        count++;
    }
    store_reversed(proof, nodes, count);
    return NT_OK;
}

/* PROOF(m, D[n]) = SUBPROOF(m, D[n], true) of RFC 9162 §2.1.4.1. b turns
 * false once the walk leaves the old tree's left edge; the subtree it ends
 * on is then not known to the verifier and is added. */
nt_status nt_merkle_consistency_proof(nt_merkle_proof *proof, const nt_merkle_source *src,
                                      uint64_t old_size, uint64_t size)
{
    uint8_t nodes[NT_MERKLE_PROOF_MAX][NT_MERKLE_HASH_LEN];
    uint64_t lo = 0, n = size, m = old_size, k;
    size_t count = 0;
    bool b = true;
    nt_status status;

    if (size > NT_MERKLE_SIZE_MAX || old_size > size)
        return NT_ERR_MERKLE_RANGE;
    if (old_size == 0 || old_size == size) {
        proof->len = 0; /* nothing to prove: every tree extends the empty one */
        return NT_OK;
    }
    while (m != n) {
        k = nt_merkle_split(n);
        if (m <= k) {
            /* SUBPROOF(m, D[0:k], b) : MTH(D[k:n]) */
            status = range_hash(nodes[count], src, lo + k, n - k);
            n = k;
        } else {
            /* SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k]) */
            status = range_hash(nodes[count], src, lo, k);
            lo += k;
            m -= k;
            n -= k;
            b = false;
        }
        if (status != NT_OK)
            return status;
        count++;
    }
    if (!b) {
        /* SUBPROOF(m, D[m], false) = {MTH(D[m])} */
        status = range_hash(nodes[count], src, lo, n);
        if (status != NT_OK)
            return status;
        count++;
    }
    store_reversed(proof, nodes, count);
    return NT_OK;
}
