/* Merkle proof verifier (nautilus/ledger_log.h, RFC 9162 §2.1.3.2 and
 * §2.1.4.2) on proofs from strangers. Input:
 *
 *   [0]       flags: bit 0 consistency (else inclusion); bit 1 raw (else
 *             reduced); bit 2 xor (reduced only)
 *   [1..9)    a, big-endian: leaf index or old size
 *   [9..17)   b, big-endian: tree size
 *   [17..49)  leaf hash or old root (raw mode)
 *   [49..81)  root (raw mode)
 *   [81..)    proof bytes, 32 per node
 *
 * Raw: everything as given; only the documented statuses may come back.
 * Reduced: sizes brought into a real 300-leaf tree, true leaf and roots;
 * the proof is the bytes as given, or (xor) the true proof XOR them, so
 * the fuzzer works near valid proofs. A proof that verifies must then be
 * exactly the proof the generator makes: anything else would be a second
 * preimage of SHA-256 or a verifier bug. Parse -> write gives the bytes
 * back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nautilus/ledger_log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TREE_LEAVES 300u
#define HEAD 81u

static nt_merkle_tree *tree;
static uint8_t leaves[TREE_LEAVES][NT_MERKLE_HASH_LEN];

static uint64_t get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static void build_tree(void)
{
    uint8_t d[2];
    uint32_t i;

    if (tree != NULL)
        return;
    if (nt_merkle_tree_create(&tree, TREE_LEAVES) != NT_OK)
        abort();
    for (i = 0; i < TREE_LEAVES; i++) {
        d[0] = (uint8_t)(i >> 8);
        d[1] = (uint8_t)i;
        if (nt_merkle_leaf_hash(leaves[i], d, sizeof d) != NT_OK ||
            nt_merkle_tree_append(tree, leaves[i]) != NT_OK)
            abort();
    }
}

static void check_status(nt_status st)
{
    if (st != NT_OK && st != NT_ERR_MERKLE_PROOF && st != NT_ERR_MERKLE_PROOF_SIZE &&
        st != NT_ERR_MERKLE_RANGE)
        abort();
}

/* The real tree: a verified proof must be the generated one. */
static void reduced(uint8_t flags, uint64_t a, uint64_t b, const nt_merkle_proof *given)
{
    nt_merkle_source src;
    nt_merkle_proof want, p = *given;
    uint8_t root[NT_MERKLE_HASH_LEN], old_root[NT_MERKLE_HASH_LEN];
    uint64_t n = 1 + b % TREE_LEAVES, m;
    size_t i, j;
    nt_status st;

    nt_merkle_tree_source(&src, tree);
    if (nt_merkle_root(root, &src, n) != NT_OK)
        abort();
    if (flags & 1) {
        m = a % (n + 1);
        if (nt_merkle_root(old_root, &src, m) != NT_OK ||
            nt_merkle_consistency_proof(&want, &src, m, n) != NT_OK ||
            nt_merkle_consistency_verify(&want, m, old_root, n, root) != NT_OK)
            abort();
    } else {
        m = a % n;
        if (nt_merkle_inclusion_proof(&want, &src, m, n) != NT_OK ||
            nt_merkle_inclusion_verify(&want, leaves[m], m, n, root) != NT_OK)
            abort();
    }
    if (flags & 4) /* near the true proof */
        for (i = 0; i < p.len && i < want.len; i++)
            for (j = 0; j < NT_MERKLE_HASH_LEN; j++)
                p.node[i][j] ^= want.node[i][j];
    st = (flags & 1) ? nt_merkle_consistency_verify(&p, m, old_root, n, root)
                     : nt_merkle_inclusion_verify(&p, leaves[m], m, n, root);
    check_status(st);
    if (st == NT_OK &&
        (p.len != want.len || memcmp(p.node, want.node, p.len * NT_MERKLE_HASH_LEN) != 0))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t back[NT_MERKLE_PROOF_MAX * NT_MERKLE_HASH_LEN];
    nt_merkle_proof proof;
    size_t len = 0;
    uint64_t a, b;
    nt_status st;

    if (size < HEAD)
        return 0;
    build_tree();
    st = nt_merkle_proof_parse(&proof, data + HEAD, size - HEAD);
    if (st != NT_OK) {
        if (st != NT_ERR_MERKLE_PROOF_SIZE)
            abort();
        return 0;
    }
    if (nt_merkle_proof_write(back, sizeof back, &len, &proof) != NT_OK || len != size - HEAD ||
        (len > 0 && memcmp(back, data + HEAD, len) != 0))
        abort();
    a = get_u64(data + 1);
    b = get_u64(data + 9);
    if (data[0] & 2) {
        if (data[0] & 1)
            st = nt_merkle_consistency_verify(&proof, a, data + 17, b, data + 49);
        else
            st = nt_merkle_inclusion_verify(&proof, data + 17, a, b, data + 49);
        check_status(st);
        return 0;
    }
    reduced(data[0], a, b, &proof);
    return 0;
}
