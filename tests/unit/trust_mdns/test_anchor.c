/* Unit tests for the anchor= field and the anchor check (trust_anchor.h,
 * DESIGN §4.1): parse/format, the metadata pieces, the leaf of a version
 * and the inclusion check against a root, with tampered inputs refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "nautilus/trust_anchor.h"
#include "nautilus/trust_meta.h"

typedef struct tree3 {
    uint8_t leaf[3][NT_MERKLE_HASH_LEN];
    uint8_t root[NT_MERKLE_HASH_LEN];
    uint8_t srv_rdata[64], txt_rdata[16];
    nt_dns_record srv, txt;
    nt_dns_name inst;
} tree3;

/* A log of three versions; leaf 1 is the instance's SRV+TXT version. */
static void make_tree(tree3 *t)
{
    static const uint8_t host[] = {7, 'p', 'r', 'i', 'n', 't', 'e', 'r', 5, 'l', 'o', 'c', 'a', 'l', 0};
    nt_merkle_array arr;
    nt_merkle_source src;
    uint8_t data[512];
    nt_wbuf w;

    memset(t, 0, sizeof *t);
    assert_int_equal(nt_dns_name_from_str(&t->inst, "Office._ipp._tcp.local"), NT_OK);
    t->srv_rdata[4] = 631 >> 8;
    t->srv_rdata[5] = 631 & 0xff;
    memcpy(t->srv_rdata + 6, host, sizeof host);
    memcpy(t->txt_rdata, "\x05rp=ok", 6);
    t->srv.owner = t->inst;
    t->srv.type = 33;
    t->srv.rclass = 1;
    t->srv.mdns_bit = true;
    t->srv.ttl = 120;
    t->srv.rdata = t->srv_rdata;
    t->srv.rdlength = (uint16_t)(6 + sizeof host);
    t->txt = t->srv;
    t->txt.type = 16;
    t->txt.ttl = 4500;
    t->txt.rdata = t->txt_rdata;
    t->txt.rdlength = 6;
    nt_wbuf_init(&w, data, sizeof data);
    assert_int_equal(nt_trust_anchor_leaf_data(&w, &t->srv, 1, 120, &t->txt, 1, 4500), NT_OK);
    assert_int_equal(nt_merkle_leaf_hash(t->leaf[1], w.base, w.len), NT_OK);
    assert_int_equal(nt_merkle_leaf_hash(t->leaf[0], (const uint8_t *)"zero", 4), NT_OK);
    assert_int_equal(nt_merkle_leaf_hash(t->leaf[2], (const uint8_t *)"two", 3), NT_OK);
    arr.hashes = &t->leaf[0][0];
    arr.count = 3;
    nt_merkle_source_array(&src, &arr);
    assert_int_equal(nt_merkle_root(t->root, &src, 3), NT_OK);
}

static void anchor_of(const tree3 *t, nt_trust_anchor *a, const uint8_t key[32])
{
    nt_merkle_array arr = {&t->leaf[0][0], 3};
    nt_merkle_source src;
    memset(a, 0, sizeof *a);
    memcpy(a->log_id, key, 32);
    a->index = 1;
    a->size = 3;
    nt_merkle_source_array(&src, &arr);
    assert_int_equal(nt_merkle_inclusion_proof(&a->path, &src, 1, 3), NT_OK);
    assert_int_equal(a->path.len, 2);
}

static void test_format_parse_check(void **state)
{
    tree3 t;
    nt_trust_anchor a, b;
    uint8_t key[32], other[32];
    char text[NT_TRUST_ANCHOR_TEXT_MAX];
    size_t len;
    (void)state;

    memset(key, 0xab, 32);
    memset(other, 0xac, 32);
    make_tree(&t);
    anchor_of(&t, &a, key);
    assert_int_equal(nt_trust_anchor_format(text, sizeof text, &len, &a), NT_OK);
    assert_int_equal(strlen(text), len);
    assert_memory_equal(text, "abababababababababababababababababababababababababababababababab:1:3:", 69);
    assert_int_equal(nt_trust_anchor_parse(&b, text, len), NT_OK);
    assert_memory_equal(&a, &b, sizeof a);
    assert_int_equal(nt_trust_anchor_check(&b, key, t.leaf[1], t.root), NT_OK);
    /* Another key's log, another leaf, no checkpoint of that size, a wrong
     * index, an altered path: all refused. */
    assert_int_equal(nt_trust_anchor_check(&b, other, t.leaf[1], t.root),
                     NT_ERR_TRUST_ANCHOR_MISMATCH);
    assert_int_equal(nt_trust_anchor_check(&b, key, t.leaf[2], t.root),
                     NT_ERR_TRUST_ANCHOR_MISMATCH);
    assert_int_equal(nt_trust_anchor_check(&b, key, t.leaf[1], NULL),
                     NT_ERR_TRUST_ANCHOR_MISMATCH);
    b.index = 0;
    assert_int_equal(nt_trust_anchor_check(&b, key, t.leaf[1], t.root),
                     NT_ERR_TRUST_ANCHOR_MISMATCH);
    b = a;
    b.path.node[1][5] ^= 1;
    assert_int_equal(nt_trust_anchor_check(&b, key, t.leaf[1], t.root),
                     NT_ERR_TRUST_ANCHOR_MISMATCH);
    b = a;
    b.path.len = 1;
    assert_int_equal(nt_trust_anchor_check(&b, key, t.leaf[1], t.root),
                     NT_ERR_TRUST_ANCHOR_MISMATCH);
    /* A tree of one leaf has an empty path. */
    memset(&b, 0, sizeof b);
    b.size = 1;
    assert_int_equal(nt_trust_anchor_format(text, sizeof text, &len, &b), NT_OK);
    assert_int_equal(text[len - 1], ':');
    assert_int_equal(nt_trust_anchor_parse(&a, text, len), NT_OK);
    assert_int_equal(a.path.len, 0);
    /* Room is checked, and an anchor that would not parse is not written. */
    assert_int_equal(nt_trust_anchor_format(text, 40, &len, &b), NT_ERR_NOSPACE);
    b.index = 1;
    assert_int_equal(nt_trust_anchor_format(text, sizeof text, &len, &b), NT_ERR_INVALID_ARG);
}

static void test_parse_refuses(void **state)
{
    static const char *bad[] = {
        "",
        "ab:1:3:",
        "ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB:1:3:",
        "abababababababababababababababababababababababababababababababab:01:3:",
        "abababababababababababababababababababababababababababababababab:+1:3:",
        "abababababababababababababababababababababababababababababababab:3:3:",
        "abababababababababababababababababababababababababababababababab:0:0:",
        "abababababababababababababababababababababababababababababababab:0:9223372036854775809:",
        "abababababababababababababababababababababababababababababababab:0:10000000000000000000:",
        "abababababababababababababababababababababababababababababababab:0:2:AAAA",
        "abababababababababababababababababababababababababababababababab:0:2:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",
        "abababababababababababababababababababababababababababababababab:0:2:!!!!",
        "abababababababababababababababababababababababababababababababab:0:2",
        "abababababababababababababababababababababababababababababababab:0:2::",
    };
    nt_trust_anchor a;
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        print_message("case %zu\n", i);
        assert_int_equal(nt_trust_anchor_parse(&a, bad[i], strlen(bad[i])),
                         NT_ERR_TRUST_ANCHOR_MALFORMED);
    }
    /* The value is measured, not NUL-terminated: a NUL inside is refused. */
    assert_int_equal(nt_trust_anchor_parse(&a, "abababababababababababababababababababababababababababababababab:0:1:\0", 70),
                     NT_ERR_TRUST_ANCHOR_MALFORMED);
}

static void test_meta_pieces(void **state)
{
    tree3 t;
    nt_trust_anchor a, b;
    uint8_t key[32], rdata[NT_TRUST_META_RDATA_MAX], again[NT_TRUST_META_RDATA_MAX];
    static const uint8_t before[] = "\x03v=1\x09zkvk=00aa\x04" "flag";
    char text[NT_TRUST_ANCHOR_TEXT_MAX], want[NT_TRUST_ANCHOR_TEXT_MAX];
    size_t len, len2, tlen, wlen;
    bool present;
    (void)state;

    memset(key, 0x11, 32);
    make_tree(&t);
    anchor_of(&t, &a, key);
    /* A value of one piece is written anchor=. */
    assert_int_equal(nt_trust_meta_set_anchor(rdata, sizeof rdata, &len, NULL, 0, &a), NT_OK);
    assert_memory_equal(rdata, "\x03v=1", 4);
    assert_int_equal(rdata[4], len - 5);
    assert_memory_equal(rdata + 5, "anchor=", 7);
    assert_int_equal(nt_trust_meta_anchor_get(text, sizeof text, &tlen, &present, rdata, len),
                     NT_OK);
    assert_true(present);
    assert_int_equal(nt_trust_anchor_parse(&b, text, tlen), NT_OK);
    assert_memory_equal(&a, &b, sizeof a);
    /* A tree of 64: six nodes, a value over one piece. */
    a.size = 64;
    a.index = 5;
    a.path.len = 6;
    memset(a.path.node[2], 0x5a, 4 * NT_MERKLE_HASH_LEN);
    /* Other strings are kept; v=1 written once, first; two pieces (the
     * value is longer than one piece of 200). */
    assert_int_equal(nt_trust_meta_set_anchor(rdata, sizeof rdata, &len, before,
                                              sizeof before - 1, &a),
                     NT_OK);
    assert_memory_equal(rdata, "\x03v=1\x09zkvk=00aa\x04" "flag", sizeof before - 1);
    assert_int_equal(nt_trust_meta_anchor_get(text, sizeof text, &tlen, &present, rdata, len),
                     NT_OK);
    assert_true(present);
    assert_int_equal(nt_trust_anchor_format(want, sizeof want, &wlen, &a), NT_OK);
    assert_true(wlen > NT_TRUST_META_CHUNK);
    assert_int_equal(tlen, wlen);
    assert_memory_equal(text, want, wlen);
    assert_int_equal(nt_trust_anchor_parse(&b, text, tlen), NT_OK);
    assert_memory_equal(&a, &b, sizeof a);
    /* Setting it again replaces the old pieces instead of adding some. */
    assert_int_equal(nt_trust_meta_set_anchor(again, sizeof again, &len2, rdata, len, &a), NT_OK);
    assert_int_equal(len2, len);
    assert_memory_equal(again, rdata, len);
    /* Without v=1 there is nothing of ours; piece 0 alone missing, a
     * repeated piece, or a piece past 7: malformed. */
    assert_int_equal(nt_trust_meta_anchor_get(text, sizeof text, &tlen, &present,
                                              (const uint8_t *)"\x09" "anchor0=x", 10),
                     NT_OK);
    assert_false(present);
    assert_int_equal(nt_trust_meta_anchor_get(text, sizeof text, &tlen, &present,
                                              (const uint8_t *)"\x03v=1\x09" "anchor1=x", 14),
                     NT_ERR_TRUST_ANCHOR_MALFORMED);
    assert_int_equal(nt_trust_meta_anchor_get(text, sizeof text, &tlen, &present,
                                              (const uint8_t *)"\x03v=1\x08" "anchor=x\x09" "anchor0=y", 23),
                     NT_ERR_TRUST_ANCHOR_MALFORMED);
    assert_int_equal(nt_trust_meta_anchor_get(text, sizeof text, &tlen, &present,
                                              (const uint8_t *)"\x03v=1\x09" "anchor8=x", 14),
                     NT_ERR_TRUST_ANCHOR_MALFORMED);
    /* A string running past the RDATA. */
    assert_int_equal(nt_trust_meta_anchor_get(text, sizeof text, &tlen, &present,
                                              (const uint8_t *)"\x03v=1\x20" "anchor=x", 13),
                     NT_ERR_TRUST_ANCHOR_MALFORMED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_parse_check),
        cmocka_unit_test(test_parse_refuses),
        cmocka_unit_test(test_meta_pieces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
