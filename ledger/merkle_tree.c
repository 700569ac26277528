/*
 * An append-only Merkle tree in memory (nautilus/ledger_log.h): level L
 * holds the hash of every complete perfect subtree of 2^L leaves, so the
 * algorithms of merkle.c read at most 64 of them per root and per proof
 * node (RFC 9162 §2.1). About two hashes per leaf; capped at creation.
 */
#include <stdint.h>
#include <string.h>

#include "nautilus/ledger_log.h"
#include "nautilus/mem.h"

#define LEVELS 64
#define GROW_MIN 64u

struct nt_merkle_tree {
    uint64_t size;
    uint64_t max_leaves;
    uint8_t *level[LEVELS]; /* level[L]: size >> L hashes */
    uint64_t alloc[LEVELS]; /* hashes each level has room for */
};

nt_status nt_merkle_tree_create(nt_merkle_tree **out, uint64_t max_leaves)
{
    nt_merkle_tree *t;

    if (max_leaves == 0 || max_leaves > NT_MERKLE_LOG_MAX_LEAVES_LIMIT)
        return NT_ERR_INVALID_ARG;
    t = nt_calloc(1, sizeof *t);
    if (t == NULL)
        return NT_ERR_NOMEM;
    t->max_leaves = max_leaves;
    *out = t;
    return NT_OK;
}

void nt_merkle_tree_destroy(nt_merkle_tree *tree)
{
    size_t i;

    if (tree == NULL)
        return;
    for (i = 0; i < LEVELS; i++)
        nt_free(tree->level[i]);
    nt_free(tree);
}

/* Makes room for one more hash at level L, doubling up to the level's
 * share of the cap. */
static nt_status reserve(nt_merkle_tree *t, unsigned level, uint64_t need)
{
    uint64_t cap = t->max_leaves >> level, want;
    size_t bytes;
    uint8_t *p;

    if (need <= t->alloc[level])
        return NT_OK;
    want = t->alloc[level] < GROW_MIN ? GROW_MIN : t->alloc[level] * 2;
    if (want > cap)
        want = cap;
#if SIZE_MAX < UINT64_MAX
    if (want > SIZE_MAX)
        return NT_ERR_NOMEM;
#endif
    if (want < need || !nt_size_mul(&bytes, (size_t)want, NT_MERKLE_HASH_LEN))
        return NT_ERR_MERKLE_FULL;
    p = nt_realloc(t->level[level], bytes);
    if (p == NULL)
        return NT_ERR_NOMEM;
    t->level[level] = p;
    t->alloc[level] = want;
    return NT_OK;
}

nt_status nt_merkle_tree_append(nt_merkle_tree *tree, const uint8_t leaf_hash[NT_MERKLE_HASH_LEN])
{
    uint64_t n = tree->size + 1, i;
    unsigned level, top = 0;
    nt_status status;

    if (tree->size >= tree->max_leaves)
        return NT_ERR_MERKLE_FULL;
    /* Leaf n - 1 completes the subtrees of levels 1 .. top, where top is
     * the number of trailing zero bits of n. Reserve everything first so a
     * failure leaves the tree as it was. */
    while (top + 1 < LEVELS && (n >> (top + 1) << (top + 1)) == n)
        top++;
    for (level = 0; level <= top; level++) {
        status = reserve(tree, level, n >> level);
        if (status != NT_OK)
            return status;
    }
    memcpy(tree->level[0] + tree->size * NT_MERKLE_HASH_LEN, leaf_hash, NT_MERKLE_HASH_LEN);
    for (level = 1; level <= top; level++) {
        i = (n >> level) - 1; /* the new subtree; its children are 2i, 2i + 1 a level down */
        nt_merkle_node_hash(tree->level[level] + i * NT_MERKLE_HASH_LEN,
                            tree->level[level - 1] + 2 * i * NT_MERKLE_HASH_LEN,
                            tree->level[level - 1] + (2 * i + 1) * NT_MERKLE_HASH_LEN);
    }
    tree->size = n;
    return NT_OK;
}

uint64_t nt_merkle_tree_size(const nt_merkle_tree *tree)
{
    return tree->size;
}

static nt_status tree_node(void *ctx, uint8_t out[NT_MERKLE_HASH_LEN], unsigned level,
                           uint64_t index)
{
    const nt_merkle_tree *t = ctx;

    if (level >= LEVELS || index >= (t->size >> level))
        return NT_ERR_MERKLE_RANGE;
    memcpy(out, t->level[level] + index * NT_MERKLE_HASH_LEN, NT_MERKLE_HASH_LEN);
    return NT_OK;
}

void nt_merkle_tree_source(nt_merkle_source *src, nt_merkle_tree *tree)
{
    src->node = tree_node;
    src->leaf = NULL;
    src->ctx = tree;
}
