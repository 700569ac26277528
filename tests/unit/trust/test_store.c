/* Unit tests for the trust store file (agent/trust/store.c): names written
 * by trust on first use round-trip every label byte, a poisoned TOFU file
 * loses only its bad lines, pins remember where they came from (operator or
 * TOFU), and a full store refuses rather than evicts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "nautilus/codec.h"
#include "nautilus/trust.h"

/* Internal to agent/trust (store.c), called by the decision in TOFU mode. */
bool nt_trust_store_tofu_record(nt_trust_store *s, const nt_dns_name *name,
                                const uint8_t digest[32]);
bool nt_trust_store_tofu_learned(const nt_trust_store *s, const nt_dns_name *name,
                                 const uint8_t digest[32]);

static void name(nt_dns_name *n, const char *text)
{
    assert_int_equal(nt_dns_name_from_str(n, text), NT_OK);
}

static void temp_path(char *path, size_t cap)
{
    int fd;
    snprintf(path, cap, "/tmp/nt-store-XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
}

static void write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
}

/* "x<b>y.local" for any byte b, made from wire form. */
static void byte_name(nt_dns_name *n, uint8_t b)
{
    const uint8_t wire[] = {3, 'x', b, 'y', 5, 'l', 'o', 'c', 'a', 'l', 0};
    assert_int_equal(nt_dns_name_from_wire(n, wire, sizeof wire), NT_OK);
}

typedef struct bad_lines {
    size_t line[16];
    nt_status why[16];
    size_t n;
} bad_lines;

static void on_bad_line(void *ctx, size_t line, nt_status why)
{
    bad_lines *b = ctx;
    assert_true(b->n < 16);
    b->line[b->n] = line;
    b->why[b->n] = why;
    b->n++;
}

/* Every byte value in a label is written so that the line keeps its shape
 * (no blank, '#' or control byte inside the name) and reads back to the
 * same wire bytes, through the store's own reader. */
static void test_every_byte_round_trips(void **state)
{
    char path[64], line[2048];
    nt_trust_store *s, *back;
    nt_dns_name n, got;
    uint8_t digest[32];
    bad_lines bad = {{0}, {0}, 0};
    FILE *f;
    unsigned b;
    (void)state;
    temp_path(path, sizeof path);
    memset(digest, 0x5a, sizeof digest);
    for (b = 0; b < 256; b++) {
        /* One store per name: 'A' and 'a' are the same name to a store. */
        assert_int_equal(nt_trust_store_create(&s, 4), NT_OK);
        nt_trust_store_set_tofu(s, true, path);
        byte_name(&n, (uint8_t)b);
        digest[0] = (uint8_t)b;
        assert_true(nt_trust_store_tofu_record(s, &n, digest));
        assert_int_equal(nt_trust_store_pin_of(s, &n, digest), NT_TRUST_PIN_TOFU);
        nt_trust_store_destroy(s);
    }
    f = fopen(path, "r");
    assert_non_null(f);
    for (b = 0; b < 256; b++) {
        size_t i, word;
        assert_non_null(fgets(line, sizeof line, f));
        word = strcspn(line, " ");
        for (i = 0; i < word; i++)
            assert_true(line[i] > 0x20 && line[i] < 0x7f && line[i] != '#');
        assert_non_null(strstr(line + word, " # first seen"));
        /* Written as operators write trust files: no final dot. */
        assert_true(word > 6);
        assert_memory_equal(line + word - 6, ".local", 6);
        assert_int_equal(nt_dns_name_from_text(&got, line, word), NT_OK);
        byte_name(&n, (uint8_t)b);
        assert_int_equal(got.len, n.len);
        assert_memory_equal(got.wire, n.wire, n.len);
    }
    assert_null(fgets(line, sizeof line, f));
    fclose(f);

    assert_int_equal(nt_trust_store_create(&back, 512), NT_OK);
    assert_int_equal(nt_trust_store_load_tofu(back, path, on_bad_line, &bad), NT_OK);
    assert_int_equal(bad.n, 0);
    for (b = 0; b < 256; b++) {
        byte_name(&n, (uint8_t)b);
        digest[0] = (uint8_t)b;
        assert_int_equal(nt_trust_store_pin_of(back, &n, digest), NT_TRUST_PIN_TOFU);
        assert_true(nt_trust_store_match(back, &n, digest));
    }
    nt_trust_store_destroy(back);
    unlink(path);
}

/* A TOFU file with bad lines loses those lines only, each reported with
 * its 1-based number; the same file as a --trust file is refused at its
 * first bad line. */
static void test_poisoned_tofu_file(void **state)
{
    char path[64], hex[65], text[8192], long_line[3000];
    nt_trust_store *s;
    nt_dns_name a, b, c, sp;
    uint8_t digest[32];
    bad_lines bad = {{0}, {0}, 0};
    size_t len = 0, line = 0;
    static const size_t want[] = {3, 4, 5, 6, 7, 8, 9};
    (void)state;
    memset(digest, 0x11, sizeof digest);
    assert_int_equal(nt_hex_encode(hex, sizeof hex, digest, 32), NT_OK);
    memset(long_line, 'a', sizeof long_line - 1);
    long_line[sizeof long_line - 1] = 0;
    len += (size_t)snprintf(text + len, sizeof text - len, "# pins\na.local %s # ok\n", hex);
    len += (size_t)snprintf(text + len, sizeof text - len, "%s %s\n", long_line, hex); /* 3 */
    len += (size_t)snprintf(text + len, sizeof text - len, "bad..name.local %s\n", hex); /* 4 */
    len += (size_t)snprintf(text + len, sizeof text - len, "c.local 12345\n");            /* 5 */
    len += (size_t)snprintf(text + len, sizeof text - len, "c.local %s junk\n", hex);     /* 6 */
    len += (size_t)snprintf(text + len, sizeof text - len, "c.local %s#no-blank\n", hex); /* 7 */
    memcpy(text + len, "nul\0.local x\n", 13); /* 8: a NUL byte is never a name byte */
    len += 13;
    len += (size_t)snprintf(text + len, sizeof text - len, "c.local\n"); /* 9 */
    /* An old-style raw '#' inside a name, an escaped blank, CRLF: all fine. */
    len += (size_t)snprintf(text + len, sizeof text - len, "b#x.local %s # first seen\n", hex);
    len += (size_t)snprintf(text + len, sizeof text - len, "s\\ p.local\t%s\r\n", hex);
    len += (size_t)snprintf(text + len, sizeof text - len, "   # indented comment\n\n");
    len += (size_t)snprintf(text + len, sizeof text - len, "C.LOCAL. %s", hex); /* no newline */
    temp_path(path, sizeof path);
    write_file(path, text, len);

    assert_int_equal(nt_trust_store_create(&s, 16), NT_OK);
    assert_int_equal(nt_trust_store_load_tofu(s, path, on_bad_line, &bad), NT_OK);
    assert_int_equal(bad.n, sizeof want / sizeof want[0]);
    for (line = 0; line < bad.n; line++) {
        assert_int_equal(bad.line[line], want[line]);
        assert_int_not_equal(bad.why[line], NT_OK);
    }
    assert_int_equal(bad.why[1], NT_ERR_DNS_NAME_SYNTAX);
    assert_int_equal(bad.why[2], NT_ERR_TRUST_STORE_SYNTAX);
    name(&a, "a.local");
    name(&b, "b#x.local");
    name(&c, "c.local");
    name(&sp, "s\\032p.local");
    assert_int_equal(nt_trust_store_pin_of(s, &a, digest), NT_TRUST_PIN_TOFU);
    assert_int_equal(nt_trust_store_pin_of(s, &b, digest), NT_TRUST_PIN_TOFU);
    assert_int_equal(nt_trust_store_pin_of(s, &c, digest), NT_TRUST_PIN_TOFU);
    assert_int_equal(nt_trust_store_pin_of(s, &sp, digest), NT_TRUST_PIN_TOFU);
    nt_trust_store_destroy(s);

    /* Strict for the operator's file: refused at line 3, nothing taken. */
    assert_int_equal(nt_trust_store_create(&s, 16), NT_OK);
    assert_int_equal(nt_trust_store_load(s, path, &line), NT_ERR_TRUST_STORE_SYNTAX);
    assert_int_equal(line, 3);
    assert_false(nt_trust_store_has_name(s, &a));
    nt_trust_store_destroy(s);
    unlink(path);
}

/* Operator pins win over TOFU pins of the same key, and shadow TOFU pins of
 * other keys for the same name. */
static void test_pin_kinds(void **state)
{
    char path[64], hex1[65], hex2[65], text[512];
    nt_trust_store *s;
    nt_dns_name h, other;
    uint8_t k1[32], k2[32], k3[32];
    int len;
    (void)state;
    memset(k1, 1, 32);
    memset(k2, 2, 32);
    memset(k3, 3, 32);
    name(&h, "Host.local");
    name(&other, "other.local");
    assert_int_equal(nt_trust_store_create(&s, 8), NT_OK);
    assert_int_equal(nt_trust_store_pin_of(s, &h, k1), NT_TRUST_PIN_NONE);
    /* Not in TOFU mode: nothing is learned. */
    assert_false(nt_trust_store_tofu_record(s, &h, k1));
    nt_trust_store_set_tofu(s, true, NULL);
    assert_true(nt_trust_store_tofu_record(s, &h, k1));
    assert_int_equal(nt_trust_store_pin_of(s, &h, k1), NT_TRUST_PIN_TOFU);
    /* Learned by this run, and stays so (first seen) until the operator
     * pins it. */
    assert_true(nt_trust_store_tofu_learned(s, &h, k1));
    assert_true(nt_trust_store_tofu_learned(s, &h, k1));
    assert_false(nt_trust_store_tofu_learned(s, &h, k2));
    /* A second key for a known name is never learned. */
    assert_false(nt_trust_store_tofu_record(s, &h, k2));
    assert_int_equal(nt_trust_store_pin_of(s, &h, k2), NT_TRUST_PIN_NONE);
    /* The operator pins the same key: it becomes an operator pin. */
    assert_int_equal(nt_trust_store_add(s, &h, k1), NT_OK);
    assert_int_equal(nt_trust_store_pin_of(s, &h, k1), NT_TRUST_PIN_OPERATOR);
    assert_false(nt_trust_store_tofu_learned(s, &h, k1));

    /* TOFU file after --trust file: the operator pin stays one; a TOFU key
     * for a name the operator pinned to another key is no pin at all. */
    temp_path(path, sizeof path);
    assert_int_equal(nt_hex_encode(hex1, sizeof hex1, k1, 32), NT_OK);
    assert_int_equal(nt_hex_encode(hex2, sizeof hex2, k2, 32), NT_OK);
    len = snprintf(text, sizeof text, "host.local %s\nhost.local %s\nother.local %s\n", hex1,
                   hex2, hex2);
    write_file(path, text, (size_t)len);
    assert_int_equal(nt_trust_store_load_tofu(s, path, NULL, NULL), NT_OK);
    assert_int_equal(nt_trust_store_pin_of(s, &h, k1), NT_TRUST_PIN_OPERATOR);
    assert_int_equal(nt_trust_store_pin_of(s, &h, k2), NT_TRUST_PIN_NONE);
    assert_false(nt_trust_store_match(s, &h, k2));
    assert_int_equal(nt_trust_store_pin_of(s, &other, k2), NT_TRUST_PIN_TOFU);
    assert_false(nt_trust_store_tofu_learned(s, &other, k2)); /* loaded, not learned */
    assert_int_equal(nt_trust_store_pin_of(s, &other, k3), NT_TRUST_PIN_NONE);
    /* The operator's file makes the TOFU pin of other.local an operator pin. */
    assert_int_equal(nt_trust_store_load(s, path, NULL), NT_OK);
    assert_int_equal(nt_trust_store_pin_of(s, &other, k2), NT_TRUST_PIN_OPERATOR);
    assert_int_equal(nt_trust_store_pin_of(s, &h, k2), NT_TRUST_PIN_OPERATOR);
    nt_trust_store_destroy(s);
    unlink(path);
}

/* Pins are never evicted: a full store refuses new ones, and a file that
 * would overflow it is refused whole. Unreadable files are NT_ERR_IO. */
static void test_cap_and_io(void **state)
{
    char path[64], dir[] = "/tmp/nt-store-dir-XXXXXX", hex[65], text[1024];
    nt_trust_store *s;
    nt_dns_name n;
    uint8_t digest[32];
    size_t len = 0;
    int i;
    (void)state;
    memset(digest, 7, sizeof digest);
    assert_int_equal(nt_trust_store_create(&s, 2), NT_OK);
    nt_trust_store_set_tofu(s, true, NULL);
    name(&n, "one.local");
    assert_true(nt_trust_store_tofu_record(s, &n, digest));
    name(&n, "two.local");
    assert_int_equal(nt_trust_store_add(s, &n, digest), NT_OK);
    name(&n, "three.local");
    assert_false(nt_trust_store_tofu_record(s, &n, digest));
    assert_int_equal(nt_trust_store_add(s, &n, digest), NT_ERR_CAP);
    assert_false(nt_trust_store_has_name(s, &n));
    name(&n, "one.local");
    assert_int_equal(nt_trust_store_pin_of(s, &n, digest), NT_TRUST_PIN_TOFU);
    nt_trust_store_destroy(s);

    temp_path(path, sizeof path);
    assert_int_equal(nt_hex_encode(hex, sizeof hex, digest, 32), NT_OK);
    for (i = 0; i < 3; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "h%d.local %s\n", i, hex);
    write_file(path, text, len);
    assert_int_equal(nt_trust_store_create(&s, 2), NT_OK);
    assert_int_equal(nt_trust_store_load_tofu(s, path, NULL, NULL), NT_ERR_CAP);
    name(&n, "h0.local");
    assert_false(nt_trust_store_has_name(s, &n));
    assert_int_equal(nt_trust_store_load(s, path, NULL), NT_ERR_CAP);
    unlink(path);
    assert_int_equal(nt_trust_store_load_tofu(s, path, NULL, NULL), NT_ERR_IO);
    assert_non_null(mkdtemp(dir));
    assert_int_equal(nt_trust_store_load_tofu(s, dir, NULL, NULL), NT_ERR_IO);
    assert_int_equal(nt_trust_store_load(s, dir, NULL), NT_ERR_IO);
    rmdir(dir);
    nt_trust_store_destroy(s);
}

/* A TOFU file cut short in the middle of a line: the next key learned goes
 * on a line of its own, so only the cut line is lost. */
static void test_append_after_cut_line(void **state)
{
    char path[64];
    nt_trust_store *s;
    nt_dns_name n;
    uint8_t digest[32];
    bad_lines bad = {{0}, {0}, 0};
    (void)state;
    memset(digest, 9, sizeof digest);
    temp_path(path, sizeof path);
    write_file(path, "cut.local 0011", 14);
    assert_int_equal(nt_trust_store_create(&s, 4), NT_OK);
    nt_trust_store_set_tofu(s, true, path);
    name(&n, "new.local");
    assert_true(nt_trust_store_tofu_record(s, &n, digest));
    nt_trust_store_destroy(s);
    assert_int_equal(nt_trust_store_create(&s, 4), NT_OK);
    assert_int_equal(nt_trust_store_load_tofu(s, path, on_bad_line, &bad), NT_OK);
    assert_int_equal(bad.n, 1);
    assert_int_equal(bad.line[0], 1);
    assert_int_equal(nt_trust_store_pin_of(s, &n, digest), NT_TRUST_PIN_TOFU);
    nt_trust_store_destroy(s);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_byte_round_trips),
        cmocka_unit_test(test_poisoned_tofu_file),
        cmocka_unit_test(test_pin_kinds),
        cmocka_unit_test(test_cap_and_io),
        cmocka_unit_test(test_append_after_cut_line),
    };
    return cmocka_run_group_tests_name("trust_store", tests, NULL, NULL);
}
