/* Unit tests for the RFC 9162 §2.1 algorithms of nt_ledger_log: the RFC 6962
 * reference roots (tests/vectors/merkle/rfc6962_roots.json), every proof up
 * to 64 leaves against a reference written straight from the RFC's
 * recursive definitions, tampered proofs, and random pairs at 100 000
 * leaves (seed printed; NT_TEST_SEED replays one). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "ledger_log_test.h"
#include "nautilus/codec.h"
#include "nautilus/crypto.h"
#include "nautilus/ledger_log.h"
#include "nautilus/mem.h"

/* ---- reference: RFC 9162 §2.1.1, §2.1.3.1, §2.1.4.1 as written --------- */

static uint64_t ref_split(uint64_t n)
{
    uint64_t k = 1;
    while (k * 2 < n)
        k *= 2;
    return k;
}

/* MTH(D[lo:hi]) over leaf hashes. */
static void ref_mth(uint8_t out[32], const uint8_t *leaves, uint64_t lo, uint64_t hi)
{
    uint8_t l[32], r[32];
    uint64_t k;

    if (hi - lo == 0) {
        nt_merkle_empty_root(out);
        return;
    }
    if (hi - lo == 1) {
        memcpy(out, leaves + lo * 32, 32);
        return;
    }
    k = ref_split(hi - lo);
    ref_mth(l, leaves, lo, lo + k);
    ref_mth(r, leaves, lo + k, hi);
    nt_merkle_node_hash(out, l, r);
}

static void push(nt_merkle_proof *p, const uint8_t h[32])
{
    assert_true(p->len < NT_MERKLE_PROOF_MAX);
    memcpy(p->node[p->len++], h, 32);
}

/* PATH(m, D[lo:hi]). */
static void ref_path(nt_merkle_proof *p, const uint8_t *leaves, uint64_t m, uint64_t lo,
                     uint64_t hi)
{
    uint8_t h[32];
    uint64_t n = hi - lo, k;

    if (n == 1)
        return;
    k = ref_split(n);
    if (m < k) {
        ref_path(p, leaves, m, lo, lo + k);
        ref_mth(h, leaves, lo + k, hi);
    } else {
        ref_path(p, leaves, m - k, lo + k, hi);
        ref_mth(h, leaves, lo, lo + k);
    }
    push(p, h);
}

/* SUBPROOF(m, D[lo:hi], b). */
static void ref_subproof(nt_merkle_proof *p, const uint8_t *leaves, uint64_t m, uint64_t lo,
                         uint64_t hi, int b)
{
    uint8_t h[32];
    uint64_t n = hi - lo, k;

    if (m == n) {
        if (!b) {
            ref_mth(h, leaves, lo, hi);
            push(p, h);
        }
        return;
    }
    k = ref_split(n);
    if (m <= k) {
        ref_subproof(p, leaves, m, lo, lo + k, b);
        ref_mth(h, leaves, lo + k, hi);
    } else {
        ref_subproof(p, leaves, m - k, lo + k, hi, 0);
        ref_mth(h, leaves, lo, lo + k);
    }
    push(p, h);
}

static void ref_proof(nt_merkle_proof *p, const uint8_t *leaves, uint64_t m, uint64_t n)
{
    p->len = 0;
    if (m > 0 && m < n)
        ref_subproof(p, leaves, m, 0, n, 1);
}

static int proofs_equal(const nt_merkle_proof *a, const nt_merkle_proof *b)
{
    return a->len == b->len && memcmp(a->node, b->node, a->len * 32) == 0;
}

/* ---- the RFC 6962 reference roots --------------------------------------- */

static char *read_vector(const char *rel)
{
    char path[1024];
    const char *root = getenv("NT_SOURCE_DIR");
    FILE *f;
    char *buf;
    long n;

    if (root == NULL)
        fail_msg("NT_SOURCE_DIR is not set (run through ctest)");
    snprintf(path, sizeof path, "%s/%s", root, rel);
    f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot read %s", path);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n > 0 && n < 1 << 20);
    rewind(f);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_rfc6962_roots(void **state)
{
    char *text = read_vector("tests/vectors/merkle/rfc6962_roots.json");
    cJSON *doc = cJSON_Parse(text), *leaves, *roots, *item;
    uint8_t hashes[8 * 32], data[64], want[32], got[32];
    nt_merkle_tree *tree = NULL;
    nt_merkle_source tsrc, asrc;
    nt_merkle_array arr = {hashes, 0};
    size_t n, i = 0;
    char key[8];
    (void)state;

    assert_non_null(doc);
    leaves = cJSON_GetObjectItemCaseSensitive(doc, "leaves_hex");
    roots = cJSON_GetObjectItemCaseSensitive(doc, "roots_by_size");
    assert_int_equal(cJSON_GetArraySize(leaves), 8);
    assert_int_equal(nt_merkle_tree_create(&tree, 8), NT_OK);
    nt_merkle_tree_source(&tsrc, tree);
    nt_merkle_source_array(&asrc, &arr);
    cJSON_ArrayForEach(item, leaves)
    {
        assert_true(cJSON_IsString(item));
        assert_int_equal(nt_hex_decode(data, sizeof data, &n, item->valuestring,
                                       strlen(item->valuestring)),
                         NT_OK);
        assert_int_equal(nt_merkle_leaf_hash(hashes + 32 * i, data, n), NT_OK);
        assert_int_equal(nt_merkle_tree_append(tree, hashes + 32 * i), NT_OK);
        i++;
    }
    arr.count = 8;
    for (i = 0; i <= 8; i++) {
        snprintf(key, sizeof key, "%zu", i);
        item = cJSON_GetObjectItemCaseSensitive(roots, key);
        assert_true(cJSON_IsString(item));
        assert_int_equal(nt_hex_decode(want, 32, &n, item->valuestring, 64), NT_OK);
        assert_int_equal(nt_merkle_root(got, &tsrc, i), NT_OK); /* stored subtrees */
        assert_memory_equal(got, want, 32);
        assert_int_equal(nt_merkle_root(got, &asrc, i), NT_OK); /* leaves only */
        assert_memory_equal(got, want, 32);
        ref_mth(got, hashes, 0, i);
        assert_memory_equal(got, want, 32);
    }
    nt_merkle_tree_destroy(tree);
    cJSON_Delete(doc);
    free(text);
}

/* ---- tampering ----------------------------------------------------------- */

/* Every way of spoiling a valid inclusion proof must fail. */
/* paths[n][i] = PATH(i, D[n]) and roots[n] = MTH(D[n]) from the reference,
 * for every n <= max_n. */
static void tamper_inclusion(const nt_merkle_proof *good, const uint8_t *leaves, uint64_t i,
                             uint64_t n, const uint8_t (*roots)[32],
                             const nt_merkle_proof (*paths)[64], uint64_t max_n)
{
    const uint8_t *root = roots[n];
    nt_merkle_proof p;
    size_t j;

    for (j = 0; j < good->len; j++) { /* a flipped bit anywhere */
        p = *good;
        p.node[j][(i + j) % 32] ^= (uint8_t)(1u << (j % 8));
        assert_int_equal(nt_merkle_inclusion_verify(&p, leaves + 32 * i, i, n, root),
                         NT_ERR_MERKLE_PROOF);
    }
    if (good->len > 0) { /* a node missing, at either end */
        p = *good;
        p.len--;
        assert_int_not_equal(nt_merkle_inclusion_verify(&p, leaves + 32 * i, i, n, root), NT_OK);
        memmove(p.node[0], good->node[1], (good->len - 1) * 32);
        assert_int_not_equal(nt_merkle_inclusion_verify(&p, leaves + 32 * i, i, n, root), NT_OK);
    }
    p = *good; /* an extra node */
    memcpy(p.node[p.len++], root, 32);
    assert_int_equal(nt_merkle_inclusion_verify(&p, leaves + 32 * i, i, n, root),
                     NT_ERR_MERKLE_PROOF_SIZE);
    /* the leaf claimed at another index, or in another tree size (with
     * that size's true root), unless the RFC gives the same path there */
    for (j = 0; j < n; j++) {
        if (j == i)
            continue;
        assert_int_not_equal(nt_merkle_inclusion_verify(good, leaves + 32 * i, j, n, root), NT_OK);
    }
    for (j = i + 1; j <= max_n; j++) {
        if (j == n)
            continue;
        if (!proofs_equal(&paths[j][i], good))
            assert_int_not_equal(nt_merkle_inclusion_verify(good, leaves + 32 * i, i, j, roots[j]),
                                 NT_OK);
    }
    assert_int_equal(nt_merkle_inclusion_verify(good, leaves + 32 * i, i, i, root),
                     NT_ERR_MERKLE_RANGE);
    if (n > 1) /* another leaf's hash with this leaf's path */
        assert_int_equal(nt_merkle_inclusion_verify(good, leaves + 32 * ((i + 1) % n), i, n, root),
                         NT_ERR_MERKLE_PROOF);
}

static void tamper_consistency(const nt_merkle_proof *good, const uint8_t *leaves, uint64_t m,
                               uint64_t n, const uint8_t rm[32], const uint8_t rn[32])
{
    nt_merkle_proof p;
    uint8_t r2[32];
    size_t j;

    for (j = 0; j < good->len; j++) {
        p = *good;
        p.node[j][(m + j) % 32] ^= (uint8_t)(0x80u >> (j % 8));
        assert_int_equal(nt_merkle_consistency_verify(&p, m, rm, n, rn), NT_ERR_MERKLE_PROOF);
    }
    if (good->len > 0) {
        p = *good;
        p.len--;
        assert_int_not_equal(nt_merkle_consistency_verify(&p, m, rm, n, rn), NT_OK);
        memmove(p.node[0], good->node[1], (good->len - 1) * 32);
        assert_int_not_equal(nt_merkle_consistency_verify(&p, m, rm, n, rn), NT_OK);
    }
    p = *good;
    memcpy(p.node[p.len++], rn, 32);
    assert_int_not_equal(nt_merkle_consistency_verify(&p, m, rm, n, rn), NT_OK);
    /* swapped or foreign roots */
    if (m > 0 && m != n) {
        assert_int_not_equal(nt_merkle_consistency_verify(good, m, rn, n, rn), NT_OK);
        assert_int_not_equal(nt_merkle_consistency_verify(good, m, rm, n, rm), NT_OK);
    }
    /* another old size with its true root (a different tree) */
    if (m + 1 < n) {
        ref_mth(r2, leaves, 0, m + 1);
        assert_int_not_equal(nt_merkle_consistency_verify(good, m + 1, r2, n, rn), NT_OK);
    }
    if (m > 1) {
        ref_mth(r2, leaves, 0, m - 1);
        assert_int_not_equal(nt_merkle_consistency_verify(good, m - 1, r2, n, rn), NT_OK);
    }
    if (m > 0 && n > m + 1) { /* another new size with its true root */
        nt_merkle_proof other = {0};
        ref_proof(&other, leaves, m, n - 1);
        ref_mth(r2, leaves, 0, n - 1);
        if (!proofs_equal(&other, good))
            assert_int_not_equal(nt_merkle_consistency_verify(good, m, rm, n - 1, r2), NT_OK);
    }
    assert_int_equal(nt_merkle_consistency_verify(good, n + 1, rm, n, rn), NT_ERR_MERKLE_RANGE);
}

/* ---- every pair up to 64 leaves ----------------------------------------- */

static void make_leaves(uint8_t *hashes, uint64_t n, uint64_t salt)
{
    uint8_t data[16];
    uint64_t i;

    for (i = 0; i < n; i++) {
        ltest_put_u64(data, i);
        ltest_put_u64(data + 8, salt);
        assert_int_equal(nt_merkle_leaf_hash(hashes + 32 * i, data, sizeof data), NT_OK);
    }
}

static void test_all_pairs_64(void **state)
{
    enum { N = 64 };
    uint8_t leaves[N * 32], roots[N + 1][32], got[32];
    nt_merkle_proof(*paths)[N] = calloc(N + 1, sizeof *paths);
    nt_merkle_tree *tree = NULL;
    nt_merkle_source tsrc, asrc;
    nt_merkle_array arr = {leaves, N};
    nt_merkle_proof p, q, ref;
    uint64_t i, m, n;
    (void)state;

    assert_non_null(paths);
    make_leaves(leaves, N, 1);
    for (n = 1; n <= N; n++)
        for (i = 0; i < n; i++)
            ref_path(&paths[n][i], leaves, i, 0, n);
    assert_int_equal(nt_merkle_tree_create(&tree, N), NT_OK);
    nt_merkle_tree_source(&tsrc, tree);
    nt_merkle_source_array(&asrc, &arr);
    for (n = 0; n <= N; n++) {
        ref_mth(roots[n], leaves, 0, n);
        assert_int_equal(nt_merkle_root(got, &tsrc, n), NT_OK);
        assert_memory_equal(got, roots[n], 32);
        if (n < N)
            assert_int_equal(nt_merkle_tree_append(tree, leaves + 32 * n), NT_OK);
    }
    for (n = 1; n <= N; n++) {
        for (i = 0; i < n; i++) {
            assert_int_equal(nt_merkle_inclusion_proof(&p, &tsrc, i, n), NT_OK);
            assert_int_equal(nt_merkle_inclusion_proof(&q, &asrc, i, n), NT_OK);
            assert_true(proofs_equal(&p, &paths[n][i]));
            assert_true(proofs_equal(&q, &paths[n][i]));
            assert_int_equal(nt_merkle_inclusion_verify(&p, leaves + 32 * i, i, n, roots[n]),
                             NT_OK);
            tamper_inclusion(&p, leaves, i, n, (const uint8_t(*)[32])roots,
                             (const nt_merkle_proof(*)[N])paths, N);
        }
        assert_int_equal(nt_merkle_inclusion_proof(&p, &tsrc, n, n), NT_ERR_MERKLE_RANGE);
    }
    for (n = 0; n <= N; n++) {
        for (m = 0; m <= n; m++) {
            ref_proof(&ref, leaves, m, n);
            assert_int_equal(nt_merkle_consistency_proof(&p, &tsrc, m, n), NT_OK);
            assert_int_equal(nt_merkle_consistency_proof(&q, &asrc, m, n), NT_OK);
            assert_true(proofs_equal(&p, &ref));
            assert_true(proofs_equal(&q, &ref));
            assert_int_equal(nt_merkle_consistency_verify(&p, m, roots[m], n, roots[n]), NT_OK);
            tamper_consistency(&p, leaves, m, n, roots[m], roots[n]);
        }
        assert_int_equal(nt_merkle_consistency_proof(&p, &tsrc, n + 1, n), NT_ERR_MERKLE_RANGE);
    }
    nt_merkle_tree_destroy(tree);
    free(paths);
}

/* ---- random pairs at 100 000 leaves --------------------------------------- */

static void test_random_100k(void **state)
{
    enum { N = 100000, PAIRS = 2000 };
    uint8_t *leaves = malloc((size_t)N * 32), root[32], r1[32], r2[32];
    nt_merkle_tree *tree = NULL;
    nt_merkle_source tsrc, asrc;
    nt_merkle_array arr = {leaves, N};
    nt_merkle_proof p;
    uint64_t seed = ltest_seed("test_random_100k"), rng = seed, i, m, n;
    double t0, t1, t2;
    size_t k;
    (void)state;

    assert_non_null(leaves);
    make_leaves(leaves, N, seed);
    t0 = ltest_now();
    assert_int_equal(nt_merkle_tree_create(&tree, N), NT_OK);
    for (i = 0; i < N; i++)
        assert_int_equal(nt_merkle_tree_append(tree, leaves + 32 * i), NT_OK);
    nt_merkle_tree_source(&tsrc, tree);
    nt_merkle_source_array(&asrc, &arr);
    t1 = ltest_now();
    assert_int_equal(nt_merkle_root(root, &tsrc, N), NT_OK);
    assert_int_equal(nt_merkle_root(r1, &asrc, N), NT_OK); /* every leaf rehashed */
    assert_memory_equal(root, r1, 32);
    t2 = ltest_now();
    for (k = 0; k < (size_t)PAIRS; k++) {
        n = 1 + ltest_rand(&rng) % N;
        i = ltest_rand(&rng) % n;
        m = ltest_rand(&rng) % (n + 1);
        assert_int_equal(nt_merkle_root(r1, &tsrc, n), NT_OK);
        assert_int_equal(nt_merkle_inclusion_proof(&p, &tsrc, i, n), NT_OK);
        assert_int_equal(nt_merkle_inclusion_verify(&p, leaves + 32 * i, i, n, r1), NT_OK);
        if (p.len > 0) {
            p.node[k % p.len][k % 32] ^= 1;
            assert_int_equal(nt_merkle_inclusion_verify(&p, leaves + 32 * i, i, n, r1),
                             NT_ERR_MERKLE_PROOF);
        }
        assert_int_equal(nt_merkle_root(r2, &tsrc, m), NT_OK);
        assert_int_equal(nt_merkle_consistency_proof(&p, &tsrc, m, n), NT_OK);
        assert_int_equal(nt_merkle_consistency_verify(&p, m, r2, n, r1), NT_OK);
        if (p.len > 0) {
            p.node[k % p.len][k % 32] ^= 0x40;
            assert_int_equal(nt_merkle_consistency_verify(&p, m, r2, n, r1), NT_ERR_MERKLE_PROOF);
        }
    }
    printf("# merkle 100k: seed %llu; build %.3f s, root from leaves %.3f s, %d proof pairs "
           "%.3f s\n",
           (unsigned long long)seed, t1 - t0, t2 - t1, (int)PAIRS, ltest_now() - t2);
    nt_merkle_tree_destroy(tree);
    free(leaves);
}

/* ---- edges ----------------------------------------------------------------- */

static void test_proof_bytes(void **state)
{
    uint8_t buf[NT_MERKLE_PROOF_MAX * 32 + 32];
    nt_merkle_proof p, q;
    size_t len = 0, i;
    (void)state;

    for (i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)(i * 13);
    assert_int_equal(nt_merkle_proof_parse(&p, buf, 3 * 32), NT_OK);
    assert_int_equal(p.len, 3);
    assert_int_equal(nt_merkle_proof_write(buf + 32, 3 * 32, &len, &p), NT_OK);
    assert_int_equal(len, 96);
    assert_int_equal(nt_merkle_proof_parse(&q, buf + 32, len), NT_OK);
    assert_true(proofs_equal(&p, &q));
    assert_int_equal(nt_merkle_proof_write(buf, 95, &len, &p), NT_ERR_NOSPACE);
    assert_int_equal(nt_merkle_proof_parse(&q, buf, 0), NT_OK);
    assert_int_equal(q.len, 0);
    assert_int_equal(nt_merkle_proof_parse(&q, buf, 33), NT_ERR_MERKLE_PROOF_SIZE);
    assert_int_equal(nt_merkle_proof_parse(&q, buf, 31), NT_ERR_MERKLE_PROOF_SIZE);
    assert_int_equal(nt_merkle_proof_parse(&q, buf, NT_MERKLE_PROOF_MAX * 32), NT_OK);
    assert_int_equal(nt_merkle_proof_parse(&q, buf, sizeof buf), NT_ERR_MERKLE_PROOF_SIZE);
    p.len = NT_MERKLE_PROOF_MAX + 1;
    assert_int_equal(nt_merkle_proof_write(buf, sizeof buf, &len, &p), NT_ERR_INVALID_ARG);
    assert_int_equal(nt_merkle_inclusion_verify(&p, buf, 0, 1, buf), NT_ERR_INVALID_ARG);
    assert_int_equal(nt_merkle_consistency_verify(&p, 1, buf, 2, buf), NT_ERR_INVALID_ARG);
}

static void test_hash_edges(void **state)
{
    static uint8_t big[5000];
    uint8_t *copy = malloc(sizeof big + 1), a[32], b[32];
    uint8_t l[32] = {1}, r[32] = {2}, buf[65];
    (void)state;

    /* The heap path (over 1 KiB) hashes the same as a plain SHA-256. */
    assert_non_null(copy);
    memset(big, 0x5a, sizeof big);
    copy[0] = 0;
    memcpy(copy + 1, big, sizeof big);
    assert_int_equal(nt_merkle_leaf_hash(a, big, sizeof big), NT_OK);
    nt_sha256(b, copy, sizeof big + 1);
    assert_memory_equal(a, b, 32);
    free(copy);
    nt_mem_fail_after(0);
    assert_int_equal(nt_merkle_leaf_hash(a, big, sizeof big), NT_ERR_NOMEM);
    /* the stack path allocates nothing */
    assert_int_equal(nt_merkle_leaf_hash(a, big, 100), NT_OK);
    nt_mem_fail_reset();
    assert_int_equal(nt_merkle_leaf_hash(a, big, NT_MERKLE_LEAF_DATA_MAX + 1),
                     NT_ERR_MERKLE_LEAF_SIZE);
    /* Node hash with aliasing output. */
    buf[0] = 1;
    memcpy(buf + 1, l, 32);
    memcpy(buf + 33, r, 32);
    nt_sha256(b, buf, sizeof buf);
    nt_merkle_node_hash(l, l, r);
    assert_memory_equal(l, b, 32);
}

static void test_ranges(void **state)
{
    uint8_t h[32] = {0}, root[32];
    nt_merkle_proof p = {0};
    nt_merkle_array arr = {h, 1};
    nt_merkle_source src;
    (void)state;

    nt_merkle_source_array(&src, &arr);
    assert_int_equal(nt_merkle_root(root, &src, 2), NT_ERR_MERKLE_RANGE); /* the source runs out */
    assert_int_equal(nt_merkle_root(root, &src, NT_MERKLE_SIZE_MAX + 1), NT_ERR_MERKLE_RANGE);
    assert_int_equal(nt_merkle_inclusion_proof(&p, &src, 0, NT_MERKLE_SIZE_MAX + 1),
                     NT_ERR_MERKLE_RANGE);
    assert_int_equal(nt_merkle_consistency_proof(&p, &src, 1, NT_MERKLE_SIZE_MAX + 1),
                     NT_ERR_MERKLE_RANGE);
    p.len = 0;
    assert_int_equal(nt_merkle_inclusion_verify(&p, h, 0, 1, h), NT_OK); /* one leaf: root = leaf */
    assert_int_equal(nt_merkle_inclusion_verify(&p, h, 0, 2, h), NT_ERR_MERKLE_PROOF_SIZE);
    assert_int_equal(nt_merkle_inclusion_verify(&p, h, 5, 5, h), NT_ERR_MERKLE_RANGE);
    assert_int_equal(nt_merkle_inclusion_verify(&p, h, 0, NT_MERKLE_SIZE_MAX + 1, h),
                     NT_ERR_MERKLE_RANGE);
    /* Largest sizes: a proof in a tree of 2^63 leaves has 63 nodes. */
    p.len = 63;
    assert_int_equal(
        nt_merkle_inclusion_verify(&p, h, NT_MERKLE_SIZE_MAX - 1, NT_MERKLE_SIZE_MAX, h),
        NT_ERR_MERKLE_PROOF);
    p.len = 64;
    assert_int_equal(
        nt_merkle_inclusion_verify(&p, h, NT_MERKLE_SIZE_MAX - 1, NT_MERKLE_SIZE_MAX, h),
        NT_ERR_MERKLE_PROOF_SIZE);
    /* Consistency with the empty tree: only the empty root, no nodes. */
    nt_merkle_empty_root(root);
    p.len = 0;
    assert_int_equal(nt_merkle_consistency_verify(&p, 0, root, 7, h), NT_OK);
    assert_int_equal(nt_merkle_consistency_verify(&p, 0, h, 7, h), NT_ERR_MERKLE_PROOF);
    assert_int_equal(nt_merkle_consistency_verify(&p, 3, h, 3, h), NT_OK);
    assert_int_equal(nt_merkle_consistency_verify(&p, 3, h, 4, root), NT_ERR_MERKLE_PROOF_SIZE);
    p.len = 1;
    assert_int_equal(nt_merkle_consistency_verify(&p, 3, h, 3, h), NT_ERR_MERKLE_PROOF_SIZE);
    assert_int_equal(nt_merkle_consistency_verify(&p, 4, h, 3, h), NT_ERR_MERKLE_RANGE);
}

static void test_tree_caps(void **state)
{
    nt_merkle_tree *tree = NULL;
    nt_merkle_source src;
    uint8_t leaves[200 * 32], a[32], b[32];
    uint64_t i;
    (void)state;

    assert_int_equal(nt_merkle_tree_create(&tree, 0), NT_ERR_INVALID_ARG);
    assert_int_equal(nt_merkle_tree_create(&tree, NT_MERKLE_LOG_MAX_LEAVES_LIMIT + 1),
                     NT_ERR_INVALID_ARG);
    make_leaves(leaves, 200, 7);
    assert_int_equal(nt_merkle_tree_create(&tree, 200), NT_OK);
    nt_merkle_tree_source(&src, tree);
    /* An allocation failure leaves the tree as it was. */
    for (i = 0; i < 200; i++) {
        if (i == 64 || i == 128) {
            nt_mem_fail_after(0);
            assert_int_equal(nt_merkle_tree_append(tree, leaves + 32 * i), NT_ERR_NOMEM);
            nt_mem_fail_reset();
            assert_int_equal(nt_merkle_tree_size(tree), i);
        }
        assert_int_equal(nt_merkle_tree_append(tree, leaves + 32 * i), NT_OK);
    }
    assert_int_equal(nt_merkle_tree_append(tree, leaves), NT_ERR_MERKLE_FULL);
    assert_int_equal(nt_merkle_tree_size(tree), 200);
    assert_int_equal(nt_merkle_root(a, &src, 200), NT_OK);
    ref_mth(b, leaves, 0, 200);
    assert_memory_equal(a, b, 32);
    assert_int_equal(nt_merkle_root(a, &src, 201), NT_ERR_MERKLE_RANGE);
    nt_merkle_tree_destroy(tree);
    nt_merkle_tree_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc6962_roots), cmocka_unit_test(test_all_pairs_64),
        cmocka_unit_test(test_random_100k),   cmocka_unit_test(test_proof_bytes),
        cmocka_unit_test(test_hash_edges),    cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_tree_caps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
