/* Unit tests for the Merkle log's SQLite store (nt_merkle_log): roots and
 * proofs against an in-memory tree, reopening, refusal of foreign, damaged
 * and newer files, caps, crashes (a child killed mid-append, a transaction
 * never committed), concurrent writers, and 100 000 leaves. Files live in a
 * fresh directory under $TMPDIR (or /tmp), removed at the end. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "ledger_log_test.h"
#include "nautilus/ledger_log.h"
#include "nautilus/mem.h"
#include "nautilus/wire.h"

static char dir[256];
static const uint8_t id_a[32] = {0xaa, 1, 2, 3};
static const uint8_t id_b[32] = {0xbb, 1, 2, 3};
static const uint8_t owner[] = "\x07printer\x05local";   /* + the root's 0 */
#define OWNER_LEN (sizeof owner)                          /* with the NUL = root label */

/* A canonical TXT record set for leaf i: owner, TXT, IN, TTL 4500, one
 * string "v=<i>" padded to pad bytes of RDATA. */
static size_t make_rrset(uint8_t *out, size_t cap, uint64_t i, size_t pad)
{
    char text[32];
    size_t n = OWNER_LEN, tl, rdlen;

    tl = (size_t)snprintf(text, sizeof text, "v=%llu", (unsigned long long)i);
    rdlen = pad > tl + 1 ? pad : tl + 1;
    assert_true(rdlen <= 255 && n + 10 + rdlen <= cap);
    memcpy(out, owner, OWNER_LEN);
    out[n++] = 0, out[n++] = 16;                 /* TXT */
    out[n++] = 0, out[n++] = 1;                  /* IN */
    out[n++] = 0, out[n++] = 0, out[n++] = 0x11, out[n++] = 0x94; /* TTL 4500 */
    out[n++] = 0, out[n++] = (uint8_t)rdlen;
    out[n++] = (uint8_t)(rdlen - 1);
    memset(out + n, 'x', rdlen - 1);
    memcpy(out + n, text, tl);
    return n + rdlen - 1;
}

static void leaf_of(uint8_t hash[32], uint64_t i)
{
    uint8_t buf[512];
    size_t n = make_rrset(buf, sizeof buf, i, 0);
    assert_int_equal(nt_merkle_leaf_hash(hash, buf, n), NT_OK);
}

static void path_in(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

/* Appends leaves [from, to) in batches of batch, mirroring them into tree. */
static void append_range(nt_merkle_log *log, nt_merkle_tree *tree, uint64_t from, uint64_t to,
                         size_t batch)
{
    static uint8_t bufs[NT_MERKLE_LOG_BATCH_MAX][64];
    static nt_merkle_log_entry e[NT_MERKLE_LOG_BATCH_MAX];
    uint64_t i, first;
    size_t k;
    uint8_t h[32];

    assert_true(batch <= NT_MERKLE_LOG_BATCH_MAX);
    for (i = from; i < to; i += k) {
        for (k = 0; k < batch && i + k < to; k++) {
            e[k].data = bufs[k];
            e[k].data_len = make_rrset(bufs[k], sizeof bufs[k], i + k, 0);
            e[k].time = 1700000000 + (int64_t)(i + k);
            if (tree != NULL) {
                leaf_of(h, i + k);
                assert_int_equal(nt_merkle_tree_append(tree, h), NT_OK);
            }
        }
        if (k == 1)
            assert_int_equal(nt_merkle_log_append(log, &first, &e[0]), NT_OK);
        else
            assert_int_equal(nt_merkle_log_append_batch(log, &first, e, k), NT_OK);
        assert_int_equal(first, i);
    }
}

static uint64_t log_size(nt_merkle_log *log)
{
    uint64_t n = UINT64_MAX;
    assert_int_equal(nt_merkle_log_size(log, &n), NT_OK);
    return n;
}

static void rm_dir_files(void)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char p[512];

    if (d == NULL)
        return;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        unlink(p);
    }
    closedir(d);
}

static int setup(void **state)
{
    const char *tmp = getenv("TMPDIR");
    (void)state;
    snprintf(dir, sizeof dir, "%s/nt-ledger-log-XXXXXX", tmp && tmp[0] == '/' ? tmp : "/tmp");
    return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    rm_dir_files();
    rmdir(dir);
    return 0;
}

/* Runs SQL on a log file behind the library's back (damage, other
 * programs' files). */
static void raw_sql(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    char *err = NULL;

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("raw sql failed: %s (%s)", err ? err : "?", sql);
    sqlite3_close(db);
}

/* ---- the happy path ------------------------------------------------------ */

/* Every root and proof of a 137-leaf log (100 single appends, then a batch)
 * equals what the in-memory tree gives, and verifies. */
static void check_against_tree(nt_merkle_log *log, nt_merkle_tree *tree, uint64_t n)
{
    nt_merkle_source tsrc;
    nt_merkle_proof p, q;
    uint8_t a[32], b[32], c[32], leaf[32];
    uint64_t i, m, size;

    nt_merkle_tree_source(&tsrc, tree);
    for (size = 0; size <= n; size++) {
        assert_int_equal(nt_merkle_log_root(log, a, size), NT_OK);
        assert_int_equal(nt_merkle_root(b, &tsrc, size), NT_OK);
        assert_memory_equal(a, b, 32);
        for (i = 0; i < size; i += 1 + size / 16) {
            assert_int_equal(nt_merkle_log_inclusion_proof(log, &p, i, size), NT_OK);
            assert_int_equal(nt_merkle_inclusion_proof(&q, &tsrc, i, size), NT_OK);
            assert_int_equal(p.len, q.len);
            assert_memory_equal(p.node, q.node, 32 * p.len);
            assert_int_equal(nt_merkle_log_leaf_hash(log, leaf, i), NT_OK);
            assert_int_equal(nt_merkle_inclusion_verify(&p, leaf, i, size, a), NT_OK);
        }
        for (m = 0; m <= size; m += 1 + size / 16) {
            assert_int_equal(nt_merkle_log_consistency_proof(log, &p, m, size), NT_OK);
            assert_int_equal(nt_merkle_log_root(log, c, m), NT_OK);
            assert_int_equal(nt_merkle_consistency_verify(&p, m, c, size, a), NT_OK);
        }
    }
    assert_int_equal(nt_merkle_log_root(log, a, n + 1), NT_ERR_MERKLE_RANGE);
    assert_int_equal(nt_merkle_log_inclusion_proof(log, &p, n, n), NT_ERR_MERKLE_RANGE);
    assert_int_equal(nt_merkle_log_inclusion_proof(log, &p, 0, n + 1), NT_ERR_MERKLE_RANGE);
    assert_int_equal(nt_merkle_log_consistency_proof(log, &p, 0, n + 1), NT_ERR_MERKLE_RANGE);
    assert_int_equal(nt_merkle_log_leaf_hash(log, leaf, n), NT_ERR_MERKLE_RANGE);
}

static void test_append_reopen(void **state)
{
    char path[512];
    nt_merkle_log *log = NULL;
    nt_merkle_tree *tree = NULL;
    nt_merkle_log_leaf leaf;
    uint8_t root[32], again[32], id[32], buf[64];
    uint64_t idx[8];
    size_t n = 0;
    struct stat st;
    (void)state;

    path_in(path, sizeof path, NT_MERKLE_LOG_FILE);
    /* Without an id nothing is created. */
    assert_int_equal(nt_merkle_log_open(&log, path, NULL, NULL), NT_ERR_NOT_FOUND);
    assert_int_not_equal(stat(path, &st), 0);
    assert_int_equal(nt_merkle_log_open(&log, path, id_a, NULL), NT_OK);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(log_size(log), 0);
    assert_int_equal(nt_merkle_log_root(log, root, 0), NT_OK);
    nt_merkle_empty_root(again);
    assert_memory_equal(root, again, 32);
    assert_int_equal(nt_merkle_tree_create(&tree, 1000), NT_OK);
    append_range(log, tree, 0, 100, 1);
    append_range(log, tree, 100, 137, 37);
    assert_int_equal(log_size(log), 137);
    check_against_tree(log, tree, 137);
    assert_int_equal(nt_merkle_log_root(log, root, 137), NT_OK);
    /* Leaves come back whole, and can be found by owner and type. */
    assert_int_equal(nt_merkle_log_leaf_get(log, &leaf, 42), NT_OK);
    assert_int_equal(leaf.index, 42);
    assert_int_equal(leaf.data_len, make_rrset(buf, sizeof buf, 42, 0));
    assert_memory_equal(leaf.data, buf, leaf.data_len);
    assert_int_equal(leaf.owner_len, OWNER_LEN);
    assert_memory_equal(leaf.owner, owner, OWNER_LEN);
    assert_int_equal(leaf.rrtype, 16);
    assert_int_equal(leaf.time, 1700000042);
    nt_merkle_log_leaf_cleanup(&leaf);
    assert_int_equal(nt_merkle_log_leaf_get(log, &leaf, 137), NT_ERR_MERKLE_RANGE);
    assert_int_equal(nt_merkle_log_find(log, idx, 8, &n, owner, OWNER_LEN, 16, 130), NT_OK);
    assert_int_equal(n, 7);
    assert_int_equal(idx[0], 130);
    assert_int_equal(idx[6], 136);
    assert_int_equal(nt_merkle_log_find(log, idx, 8, &n, owner, OWNER_LEN, 0, 0), NT_OK);
    assert_int_equal(n, 8);
    assert_int_equal(idx[7], 7);
    assert_int_equal(nt_merkle_log_find(log, idx, 8, &n, owner, OWNER_LEN, 33, 0), NT_OK);
    assert_int_equal(n, 0);
    assert_int_equal(nt_merkle_log_find(log, idx, 8, &n, (const uint8_t *)"\0", 1, 0, 0), NT_OK);
    assert_int_equal(n, 0);
    nt_merkle_log_close(log);

    /* Reopened: same size and root; another key's id is refused. */
    assert_int_equal(nt_merkle_log_open(&log, path, id_b, NULL), NT_ERR_MERKLE_LOG_ID);
    assert_int_equal(nt_merkle_log_open(&log, path, NULL, NULL), NT_OK);
    nt_merkle_log_id(log, id);
    assert_memory_equal(id, id_a, 32);
    nt_merkle_log_close(log);
    assert_int_equal(nt_merkle_log_open(&log, path, id_a, NULL), NT_OK);
    assert_int_equal(log_size(log), 137);
    assert_int_equal(nt_merkle_log_root(log, again, 137), NT_OK);
    assert_memory_equal(root, again, 32);
    assert_int_equal(nt_merkle_log_verify(log, NULL), NT_OK);
    append_range(log, tree, 137, 300, 50); /* and it goes on growing */
    check_against_tree(log, tree, 300);
    nt_merkle_log_close(log);
    nt_merkle_tree_destroy(tree);
    nt_merkle_log_close(NULL);
    rm_dir_files();
}

/* A real record set in canonical form (agent/wire), as the publisher will
 * append it: the leaf hash is that of those exact bytes. */
static void test_canonical_rrset(void **state)
{
    char path[512];
    nt_merkle_log *log = NULL;
    nt_merkle_log_leaf leaf;
    nt_dns_record rrs[2];
    uint8_t store[1024], h[32], stored[32];
    static const uint8_t srv1[] = {0, 0, 0, 0, 0x1f, 0x90, 7, 'P', 'r', 'i', 'n', 't', 'e', 'r',
                                   5, 'l', 'o', 'c', 'a', 'l', 0};
    static const uint8_t srv2[] = {0, 1, 0, 0, 0x1f, 0x91, 7, 'p', 'r', 'i', 'n', 't', 'e', 'r',
                                   5, 'l', 'o', 'c', 'a', 'l', 0};
    nt_wbuf w;
    nt_merkle_log_entry e;
    uint64_t index = 9;
    (void)state;

    memset(rrs, 0, sizeof rrs);
    assert_int_equal(nt_dns_name_from_str(&rrs[0].owner, "MyPrinter._ipp._tcp.local"), NT_OK);
    rrs[1].owner = rrs[0].owner;
    rrs[0].type = rrs[1].type = NT_DNS_TYPE_SRV;
    rrs[0].rclass = rrs[1].rclass = NT_DNS_CLASS_IN;
    rrs[0].mdns_bit = true;
    rrs[0].ttl = rrs[1].ttl = 120;
    rrs[0].rdata = srv2; /* out of order: canonical form sorts */
    rrs[0].rdlength = sizeof srv2;
    rrs[1].rdata = srv1;
    rrs[1].rdlength = sizeof srv1;
    nt_wbuf_init(&w, store, sizeof store);
    assert_int_equal(nt_dns_rrset_canonical(&w, rrs, 2, 120), NT_OK);

    path_in(path, sizeof path, "canonical.sqlite");
    assert_int_equal(nt_merkle_log_open(&log, path, id_a, NULL), NT_OK);
    e.data = store;
    e.data_len = w.len;
    e.time = 1;
    assert_int_equal(nt_merkle_log_append(log, &index, &e), NT_OK);
    assert_int_equal(index, 0);
    assert_int_equal(nt_merkle_leaf_hash(h, store, w.len), NT_OK);
    assert_int_equal(nt_merkle_log_leaf_hash(log, stored, 0), NT_OK);
    assert_memory_equal(h, stored, 32);
    assert_int_equal(nt_merkle_log_root(log, stored, 1), NT_OK); /* MTH({d0}) = leaf hash */
    assert_memory_equal(h, stored, 32);
    assert_int_equal(nt_merkle_log_leaf_get(log, &leaf, 0), NT_OK);
    assert_int_equal(leaf.rrtype, NT_DNS_TYPE_SRV);
    nt_dns_name_lower(&rrs[0].owner);
    assert_int_equal(leaf.owner_len, rrs[0].owner.len);
    assert_memory_equal(leaf.owner, rrs[0].owner.wire, leaf.owner_len);
    nt_merkle_log_leaf_cleanup(&leaf);
    nt_merkle_log_close(log);
    rm_dir_files();
}

/* ---- refusals ------------------------------------------------------------- */

static void make_log(const char *path, uint64_t leaves)
{
    nt_merkle_log *log = NULL;
    assert_int_equal(nt_merkle_log_open(&log, path, id_a, NULL), NT_OK);
    if (leaves > 0)
        append_range(log, NULL, 0, leaves, 500);
    nt_merkle_log_close(log);
}

static void expect_open(const char *path, nt_status want)
{
    nt_merkle_log *log = NULL;
    nt_status got = nt_merkle_log_open(&log, path, id_a, NULL);
    if (got != want)
        fail_msg("open %s: %s, expected %s", path, nt_status_name(got), nt_status_name(want));
    if (got == NT_OK)
        nt_merkle_log_close(log);
    else
        assert_null(log);
}

static void test_foreign_and_damaged(void **state)
{
    char path[512], link[512];
    uint8_t junk[8192];
    size_t i;
    int fd;
    (void)state;

    /* Another program's database, with tables or just its own id. */
    path_in(path, sizeof path, "other.sqlite");
    raw_sql(path, "CREATE TABLE t (x); INSERT INTO t VALUES (1);");
    chmod(path, 0600);
    expect_open(path, NT_ERR_MERKLE_DB_FOREIGN);
    path_in(path, sizeof path, "other-id.sqlite");
    raw_sql(path, "PRAGMA application_id = 1234;");
    chmod(path, 0600);
    expect_open(path, NT_ERR_MERKLE_DB_FOREIGN);
    /* Not a database at all. */
    path_in(path, sizeof path, "junk.sqlite");
    for (i = 0; i < sizeof junk; i++)
        junk[i] = (uint8_t)(i * 31 + 7);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
    close(fd);
    expect_open(path, NT_ERR_MERKLE_DB_CORRUPT);
    /* Ours, but from a newer build. */
    path_in(path, sizeof path, "newer.sqlite");
    make_log(path, 3);
    raw_sql(path, "UPDATE schema_version SET version = 2;");
    expect_open(path, NT_ERR_MERKLE_DB_VERSION);
    /* Ours, with a trigger slipped in. */
    path_in(path, sizeof path, "trigger.sqlite");
    make_log(path, 3);
    raw_sql(path, "CREATE TRIGGER t AFTER INSERT ON leaves BEGIN DELETE FROM nodes; END;");
    expect_open(path, NT_ERR_MERKLE_DB_CORRUPT);
    /* Ours, with a leaf gone, or a subtree hash gone or extra. */
    path_in(path, sizeof path, "gap.sqlite");
    make_log(path, 10);
    raw_sql(path, "DELETE FROM leaves WHERE idx = 4;");
    expect_open(path, NT_ERR_MERKLE_DB_CORRUPT);
    path_in(path, sizeof path, "nonode.sqlite");
    make_log(path, 10);
    raw_sql(path, "DELETE FROM nodes WHERE level = 2 AND idx = 1;");
    expect_open(path, NT_ERR_MERKLE_DB_CORRUPT);
    path_in(path, sizeof path, "extranode.sqlite");
    make_log(path, 10);
    raw_sql(path, "INSERT INTO nodes VALUES (3, 1, zeroblob(32));");
    expect_open(path, NT_ERR_MERKLE_DB_CORRUPT);
    /* A symlink, and a file others may write. */
    path_in(path, sizeof path, "good.sqlite");
    make_log(path, 3);
    path_in(link, sizeof link, "link.sqlite");
    assert_int_equal(symlink(path, link), 0);
    expect_open(link, NT_ERR_PERM);
    assert_int_equal(chmod(path, 0620), 0);
    expect_open(path, NT_ERR_PERM);
    assert_int_equal(chmod(path, 0644), 0); /* readable by others is fine: the log is public */
    expect_open(path, NT_OK);
    rm_dir_files();
}

/* Damage the open checks cannot see (they count rows, they do not hash)
 * is found by nt_merkle_log_verify, which names the first leaf involved. */
static void test_verify_finds_damage(void **state)
{
    char path[512];
    nt_merkle_log *log = NULL;
    uint64_t bad = 0;
    struct stat st;
    uint8_t ff[4096];
    nt_status s1, s2 = NT_OK;
    int fd;
    (void)state;

    path_in(path, sizeof path, "data.sqlite");
    make_log(path, 40);
    raw_sql(path, "UPDATE leaves SET data = substr(data, 1, length(data) - 1) || x'79' "
                  "WHERE idx = 17;");
    assert_int_equal(nt_merkle_log_open(&log, path, id_a, NULL), NT_OK);
    assert_int_equal(nt_merkle_log_verify(log, &bad), NT_ERR_MERKLE_DB_CORRUPT);
    assert_int_equal(bad, 17);
    nt_merkle_log_close(log);

    path_in(path, sizeof path, "node.sqlite");
    make_log(path, 40);
    raw_sql(path, "UPDATE nodes SET hash = zeroblob(32) WHERE level = 3 AND idx = 2;");
    assert_int_equal(nt_merkle_log_open(&log, path, id_a, NULL), NT_OK);
    assert_int_equal(nt_merkle_log_verify(log, &bad), NT_ERR_MERKLE_DB_CORRUPT);
    assert_int_equal(bad, 23); /* leaf 23 completes subtree (3, 2) = leaves 16..23 */
    nt_merkle_log_close(log);

    path_in(path, sizeof path, "owner.sqlite");
    make_log(path, 40);
    raw_sql(path, "UPDATE leaves SET rrtype = 1 WHERE idx = 5;");
    assert_int_equal(nt_merkle_log_open(&log, path, id_a, NULL), NT_OK);
    assert_int_equal(nt_merkle_log_verify(log, &bad), NT_ERR_MERKLE_DB_CORRUPT);
    assert_int_equal(bad, 5);
    nt_merkle_log_close(log);

    /* A page of the file overwritten: refused at open or by verify. */
    path_in(path, sizeof path, "pages.sqlite");
    make_log(path, 2000);
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size > 5 * 4096);
    memset(ff, 0xff, sizeof ff);
    fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, ff, sizeof ff, (off_t)(st.st_size / 4096 / 2) * 4096),
                     (ssize_t)sizeof ff);
    close(fd);
    s1 = nt_merkle_log_open(&log, path, id_a, NULL);
    if (s1 == NT_OK) {
        s2 = nt_merkle_log_verify(log, &bad);
        nt_merkle_log_close(log);
    }
    printf("# overwritten page: open %s, verify %s\n", nt_status_name(s1), nt_status_name(s2));
    assert_true(s1 == NT_ERR_MERKLE_DB_CORRUPT || s2 == NT_ERR_MERKLE_DB_CORRUPT);
    rm_dir_files();
}

/* ---- caps and malformed leaves ------------------------------------------- */

static void test_caps(void **state)
{
    char path[512];
    nt_merkle_log *log = NULL;
    nt_merkle_log_config cfg = {.max_leaves = 10, .max_data = 100};
    nt_merkle_log_entry e[3];
    uint8_t good[64], big[200], bad[64];
    uint8_t r1[32], r2[32];
    size_t n = make_rrset(good, sizeof good, 1, 0);
    (void)state;

    path_in(path, sizeof path, "caps.sqlite");
    assert_int_equal(nt_merkle_log_open(&log, path, id_a, &cfg), NT_OK);
    e[0] = (nt_merkle_log_entry){good, n, 0};
    e[1] = e[0];
    e[2] = e[0];
    /* Leaf data: size, then the first record's shape. */
    e[1].data_len = make_rrset(big, sizeof big, 2, 120);
    e[1].data = big;
    assert_int_equal(nt_merkle_log_append(log, NULL, &e[1]), NT_ERR_MERKLE_LEAF_SIZE);
    e[1] = (nt_merkle_log_entry){good, 0, 0};
    assert_int_equal(nt_merkle_log_append(log, NULL, &e[1]), NT_ERR_MERKLE_LEAF_SIZE);
    memcpy(bad, good, n);
    bad[1] = 'P'; /* upper case: not canonical */
    e[1] = (nt_merkle_log_entry){bad, n, 0};
    assert_int_equal(nt_merkle_log_append(log, NULL, &e[1]), NT_ERR_MERKLE_LEAF_FORMAT);
    /* a batch with one bad entry writes nothing */
    assert_int_equal(nt_merkle_log_append_batch(log, NULL, e, 3), NT_ERR_MERKLE_LEAF_FORMAT);
    assert_int_equal(log_size(log), 0);
    bad[1] = 0xc0; /* a compression pointer */
    bad[0] = 0xc0;
    assert_int_equal(nt_merkle_log_append(log, NULL, &e[1]), NT_ERR_MERKLE_LEAF_FORMAT);
    memcpy(bad, good, n);
    e[1].data_len = OWNER_LEN + 9; /* cut inside the record header */
    assert_int_equal(nt_merkle_log_append(log, NULL, &e[1]), NT_ERR_MERKLE_LEAF_FORMAT);
    bad[OWNER_LEN + 9] = 200; /* RDLENGTH past the end */
    e[1].data_len = n;
    assert_int_equal(nt_merkle_log_append(log, NULL, &e[1]), NT_ERR_MERKLE_LEAF_FORMAT);
    assert_int_equal(nt_merkle_log_append_batch(log, NULL, e, 0), NT_ERR_INVALID_ARG);
    assert_int_equal(nt_merkle_log_append_batch(log, NULL, e, NT_MERKLE_LOG_BATCH_MAX + 1),
                     NT_ERR_INVALID_ARG);
    /* Allocation failure before the transaction: nothing written. */
    nt_mem_fail_after(0);
    assert_int_equal(nt_merkle_log_append_batch(log, NULL, e, 1), NT_ERR_NOMEM);
    nt_mem_fail_reset();
    /* The leaf cap: a batch that would cross it is refused whole. */
    append_range(log, NULL, 0, 8, 4);
    assert_int_equal(nt_merkle_log_root(log, r1, 8), NT_OK);
    e[1] = e[0];
    assert_int_equal(nt_merkle_log_append_batch(log, NULL, e, 3), NT_ERR_MERKLE_FULL);
    assert_int_equal(log_size(log), 8);
    assert_int_equal(nt_merkle_log_root(log, r2, 8), NT_OK);
    assert_memory_equal(r1, r2, 32);
    append_range(log, NULL, 8, 10, 2);
    assert_int_equal(nt_merkle_log_append(log, NULL, &e[0]), NT_ERR_MERKLE_FULL);
    assert_int_equal(nt_merkle_log_verify(log, NULL), NT_OK);
    nt_merkle_log_close(log);
    /* Bad configurations. */
    cfg = (nt_merkle_log_config){.max_leaves = NT_MERKLE_LOG_MAX_LEAVES_LIMIT + 1};
    assert_int_equal(nt_merkle_log_open(&log, path, id_a, &cfg), NT_ERR_INVALID_ARG);
    cfg = (nt_merkle_log_config){.max_data = NT_MERKLE_LEAF_DATA_MAX + 1};
    assert_int_equal(nt_merkle_log_open(&log, path, id_a, &cfg), NT_ERR_INVALID_ARG);
    cfg = (nt_merkle_log_config){.max_db_bytes = 1000};
    assert_int_equal(nt_merkle_log_open(&log, path, id_a, &cfg), NT_ERR_INVALID_ARG);
    rm_dir_files();
}

/* The byte cap: appends of large sets fail with NT_ERR_MERKLE_FULL once the
 * file would pass it, and what was committed stays whole. */
static void test_db_bytes_cap(void **state)
{
    char path[512];
    nt_merkle_log *log = NULL;
    nt_merkle_log_config cfg = {.max_db_bytes = 256 * 1024};
    static uint8_t data[40000];
    nt_merkle_log_entry e = {data, 0, 0};
    uint64_t i, committed = 0;
    nt_status st = NT_OK;
    (void)state;

    memcpy(data, owner, OWNER_LEN);
    memcpy(data + OWNER_LEN, "\x00\x10\x00\x01\x00\x00\x00\x78\x00\xff", 10);
    memset(data + OWNER_LEN + 10, 'a', sizeof data - OWNER_LEN - 10);
    data[OWNER_LEN + 10] = 254;
    e.data_len = sizeof data;
    path_in(path, sizeof path, "bytes.sqlite");
    assert_int_equal(nt_merkle_log_open(&log, path, id_a, &cfg), NT_OK);
    for (i = 0; i < 20 && st == NT_OK; i++) {
        data[sizeof data - 1] = (uint8_t)i;
        st = nt_merkle_log_append(log, NULL, &e);
        if (st == NT_OK)
            committed++;
    }
    assert_int_equal(st, NT_ERR_MERKLE_FULL);
    assert_true(committed >= 2 && committed < 7);
    assert_int_equal(log_size(log), committed);
    assert_int_equal(nt_merkle_log_verify(log, NULL), NT_OK);
    nt_merkle_log_close(log);
    expect_open(path, NT_OK);
    rm_dir_files();
}

/* ---- crashes --------------------------------------------------------------- */

/* A child holds a write transaction with a leaf and a node in it and dies
 * without committing: the log is as it was. */
static void test_crash_uncommitted(void **state)
{
    char path[512];
    nt_merkle_log *log = NULL;
    uint8_t before[32], after[32];
    pid_t pid;
    int status;
    (void)state;

    path_in(path, sizeof path, "uncommitted.sqlite");
    make_log(path, 5);
    assert_int_equal(nt_merkle_log_open(&log, path, id_a, NULL), NT_OK);
    assert_int_equal(nt_merkle_log_root(log, before, 5), NT_OK);
    nt_merkle_log_close(log);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        sqlite3 *db = NULL;
        if (sqlite3_open(path, &db) != SQLITE_OK ||
            sqlite3_exec(db,
                         "PRAGMA cache_size = 1; BEGIN IMMEDIATE;"
                         "INSERT INTO leaves VALUES (5, zeroblob(32), x'00', 1, 0, x'00');"
                         "INSERT INTO nodes VALUES (1, 2, zeroblob(32));",
                         NULL, NULL, NULL) != SQLITE_OK)
            _exit(3);
        _exit(0); /* no COMMIT, no close: as if killed */
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(nt_merkle_log_open(&log, path, id_a, NULL), NT_OK);
    assert_int_equal(log_size(log), 5);
    assert_int_equal(nt_merkle_log_root(log, after, 5), NT_OK);
    assert_memory_equal(before, after, 32);
    assert_int_equal(nt_merkle_log_verify(log, NULL), NT_OK);
    append_range(log, NULL, 5, 9, 4); /* and appending goes on */
    nt_merkle_log_close(log);
    rm_dir_files();
}

/* A child appends batches of 50 as fast as it can and is killed with
 * SIGKILL in the middle: the log holds whole batches only, at least every
 * batch the child saw committed, and verifies. */
static void test_crash_killed_mid_append(void **state)
{
    char path[512];
    nt_merkle_log *log = NULL;
    nt_merkle_tree *tree = NULL;
    nt_merkle_source tsrc;
    uint8_t a[32], b[32], h[32];
    uint64_t acked = 0, size, i;
    int fds[2], status, round;
    pid_t pid;
    (void)state;

    for (round = 0; round < 3; round++) {
        path_in(path, sizeof path, "killed.sqlite");
        make_log(path, 0);
        assert_int_equal(pipe(fds), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(fds[0]);
            if (nt_merkle_log_open(&log, path, id_a, NULL) != NT_OK)
                _exit(3);
            for (i = 0;; i += 50) {
                append_range(log, NULL, i, i + 50, 50);
                if (write(fds[1], &i, sizeof i) != (ssize_t)sizeof i)
                    _exit(4);
            }
        }
        close(fds[1]);
        for (i = 0; i < (uint64_t)(5 + 7 * round); i++)
            assert_int_equal(read(fds[0], &acked, sizeof acked), (ssize_t)sizeof acked);
        assert_int_equal(kill(pid, SIGKILL), 0);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        while (read(fds[0], &acked, sizeof acked) == (ssize_t)sizeof acked)
            ;
        close(fds[0]);
        assert_int_equal(nt_merkle_log_open(&log, path, id_a, NULL), NT_OK);
        size = log_size(log);
        printf("# killed: acknowledged up to %llu, log holds %llu leaves\n",
               (unsigned long long)(acked + 50), (unsigned long long)size);
        assert_int_equal(size % 50, 0);
        assert_true(size >= acked + 50 && size <= acked + 100);
        assert_int_equal(nt_merkle_log_verify(log, NULL), NT_OK);
        assert_int_equal(nt_merkle_tree_create(&tree, size + 1), NT_OK);
        for (i = 0; i < size; i++) {
            leaf_of(h, i);
            assert_int_equal(nt_merkle_tree_append(tree, h), NT_OK);
        }
        nt_merkle_tree_source(&tsrc, tree);
        assert_int_equal(nt_merkle_root(a, &tsrc, size), NT_OK);
        assert_int_equal(nt_merkle_log_root(log, b, size), NT_OK);
        assert_memory_equal(a, b, 32);
        nt_merkle_tree_destroy(tree);
        nt_merkle_log_close(log);
        rm_dir_files();
    }
}

/* A leaf committed without the subtree hashes it completes (a writer that
 * is not us) is refused at open. */
static void test_partial_commit_refused(void **state)
{
    char path[512];
    (void)state;

    path_in(path, sizeof path, "partial.sqlite");
    make_log(path, 7);
    raw_sql(path, "INSERT INTO leaves VALUES (7, zeroblob(32), x'00', 1, 0, x'00');");
    expect_open(path, NT_ERR_MERKLE_DB_CORRUPT);
    rm_dir_files();
}

/* Two processes append to one file at once: every leaf lands once, in some
 * order, and the result verifies. */
static void test_concurrent_writers(void **state)
{
    char path[512];
    nt_merkle_log *log = NULL, *other = NULL;
    pid_t pid[2];
    int k, status;
    (void)state;

    path_in(path, sizeof path, "two.sqlite");
    make_log(path, 0);
    assert_int_equal(nt_merkle_log_open(&log, path, id_a, NULL), NT_OK);
    assert_int_equal(nt_merkle_log_open(&other, path, id_a, NULL), NT_OK);
    append_range(log, NULL, 0, 3, 3);
    assert_int_equal(log_size(other), 3); /* a second handle sees the commit */
    nt_merkle_log_close(other);
    nt_merkle_log_close(log);
    for (k = 0; k < 2; k++) {
        pid[k] = fork();
        assert_true(pid[k] >= 0);
        if (pid[k] == 0) {
            nt_merkle_log_entry e;
            uint8_t buf[64];
            if (nt_merkle_log_open(&log, path, id_a, NULL) != NT_OK)
                _exit(3);
            for (int i = 0; i < 100; i++) {
                size_t len = make_rrset(buf, sizeof buf, (uint64_t)(k * 1000 + i), 0);
                e = (nt_merkle_log_entry){buf, len, 0};
                if (nt_merkle_log_append(log, NULL, &e) != NT_OK)
                    _exit(4);
            }
            nt_merkle_log_close(log);
            _exit(0);
        }
    }
    for (k = 0; k < 2; k++) {
        assert_int_equal(waitpid(pid[k], &status, 0), pid[k]);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    assert_int_equal(nt_merkle_log_open(&log, path, id_a, NULL), NT_OK);
    assert_int_equal(log_size(log), 203);
    assert_int_equal(nt_merkle_log_verify(log, NULL), NT_OK);
    nt_merkle_log_close(log);
    rm_dir_files();
}

/* ---- scale ------------------------------------------------------------------ */

static void test_100k(void **state)
{
    enum { N = 100000, PAIRS = 1000 };
    char path[512];
    nt_merkle_log *log = NULL;
    nt_merkle_tree *tree = NULL;
    nt_merkle_source tsrc;
    nt_merkle_proof p, q;
    uint8_t root[32], r[32], rm[32], leaf[32];
    uint64_t seed = ltest_seed("test_100k"), rng = seed, i, m, n;
    double t0, t1, t2, t3, t4;
    size_t k;
    (void)state;

    path_in(path, sizeof path, "big.sqlite");
    assert_int_equal(nt_merkle_log_open(&log, path, id_a, NULL), NT_OK);
    assert_int_equal(nt_merkle_tree_create(&tree, N), NT_OK);
    nt_merkle_tree_source(&tsrc, tree);
    t0 = ltest_now();
    append_range(log, tree, 0, N, 1000);
    t1 = ltest_now();
    assert_int_equal(nt_merkle_log_root(log, root, N), NT_OK);
    assert_int_equal(nt_merkle_root(r, &tsrc, N), NT_OK);
    assert_memory_equal(root, r, 32);
    for (k = 0; k < (size_t)PAIRS; k++) {
        n = 1 + ltest_rand(&rng) % N;
        i = ltest_rand(&rng) % n;
        m = ltest_rand(&rng) % (n + 1);
        assert_int_equal(nt_merkle_log_root(log, r, n), NT_OK);
        assert_int_equal(nt_merkle_log_inclusion_proof(log, &p, i, n), NT_OK);
        assert_int_equal(nt_merkle_inclusion_proof(&q, &tsrc, i, n), NT_OK);
        assert_int_equal(p.len, q.len);
        assert_memory_equal(p.node, q.node, 32 * p.len);
        leaf_of(leaf, i);
        assert_int_equal(nt_merkle_inclusion_verify(&p, leaf, i, n, r), NT_OK);
        assert_int_equal(nt_merkle_log_root(log, rm, m), NT_OK);
        assert_int_equal(nt_merkle_log_consistency_proof(log, &p, m, n), NT_OK);
        assert_int_equal(nt_merkle_consistency_verify(&p, m, rm, n, r), NT_OK);
        if (p.len > 0) {
            p.node[k % p.len][k % 32] ^= 4;
            assert_int_equal(nt_merkle_consistency_verify(&p, m, rm, n, r), NT_ERR_MERKLE_PROOF);
        }
    }
    t2 = ltest_now();
    nt_merkle_log_close(log);
    assert_int_equal(nt_merkle_log_open(&log, path, id_a, NULL), NT_OK);
    t3 = ltest_now();
    assert_int_equal(nt_merkle_log_root(log, r, N), NT_OK);
    assert_memory_equal(root, r, 32);
    assert_int_equal(nt_merkle_log_verify(log, NULL), NT_OK);
    t4 = ltest_now();
    printf("# log 100k: seed %llu; append %.2f s (%.1f us/leaf, batches of 1000), %d pairs of "
           "roots and proofs %.3f s (%.0f us each), reopen %.3f s, full verify %.2f s\n",
           (unsigned long long)seed, t1 - t0, (t1 - t0) * 1e6 / N, (int)PAIRS, t2 - t1,
           (t2 - t1) * 1e6 / PAIRS, t3 - t2, t4 - t3);
    nt_merkle_log_close(log);
    nt_merkle_tree_destroy(tree);
    rm_dir_files();
}

static void test_path(void **state)
{
    char out[64];
    (void)state;
    assert_int_equal(nt_merkle_log_path(out, sizeof out, "/var/lib/nautilus"), NT_OK);
    assert_string_equal(out, "/var/lib/nautilus/merkle-log.sqlite");
    assert_int_equal(nt_merkle_log_path(out, 20, "/var/lib/nautilus"), NT_ERR_NOSPACE);
    assert_int_equal(nt_merkle_log_path(out, sizeof out, ""), NT_ERR_INVALID_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path),
        cmocka_unit_test(test_append_reopen),
        cmocka_unit_test(test_canonical_rrset),
        cmocka_unit_test(test_foreign_and_damaged),
        cmocka_unit_test(test_verify_finds_damage),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_db_bytes_cap),
        cmocka_unit_test(test_crash_uncommitted),
        cmocka_unit_test(test_crash_killed_mid_append),
        cmocka_unit_test(test_partial_commit_refused),
        cmocka_unit_test(test_concurrent_writers),
        cmocka_unit_test(test_100k),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
