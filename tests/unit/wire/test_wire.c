/*
 * Unit tests for agent/wire: names, the parser, malformed input (one test per
 * case, each with its own status), the builder, every type's round trip,
 * canonical form (expected bytes worked out by hand from RFC 4034 §6), the
 * python-zeroconf NSEC form and printing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nautilus/buf.h"
#include "nautilus/mem.h"
#include "nautilus/wire.h"
#include "nautilus/wire_print.h"

static nt_dns_msg g_msg; /* large: not on the stack */
static nt_dns_msg g_msg2;

static nt_dns_name mkname(const char *text)
{
    nt_dns_name n;
    assert_int_equal(nt_dns_name_from_str(&n, text), NT_OK);
    return n;
}

/* A 12-byte header with the given counts, then body. */
static size_t mkmsg(uint8_t *out, uint16_t qd, uint16_t an, uint16_t ns, uint16_t ar,
                    const uint8_t *body, size_t body_len)
{
    memset(out, 0, 12);
    out[2] = 0x84;
    out[4] = (uint8_t)(qd >> 8);
    out[5] = (uint8_t)qd;
    out[6] = (uint8_t)(an >> 8);
    out[7] = (uint8_t)an;
    out[8] = (uint8_t)(ns >> 8);
    out[9] = (uint8_t)ns;
    out[10] = (uint8_t)(ar >> 8);
    out[11] = (uint8_t)ar;
    if (body_len)
        memcpy(out + 12, body, body_len);
    return 12 + body_len;
}

/* Parses a message that must succeed and returns its first answer's status. */
static nt_status first_answer_status(const uint8_t *pkt, size_t len)
{
    const nt_dns_rr *rr;
    assert_int_equal(nt_dns_msg_parse(&g_msg, pkt, len), NT_OK);
    rr = nt_dns_msg_get(&g_msg, NT_DNS_SEC_ANSWER, 0);
    assert_non_null(rr);
    return rr->status;
}

/* ---- names ---------------------------------------------------------------- */

static void test_name_text(void **state)
{
    nt_dns_name n;
    char text[NT_DNS_NAME_TEXT_MAX];
    size_t len;
    (void)state;

    n = mkname("printer.local");
    assert_int_equal(n.len, 15);
    assert_int_equal(n.labels, 2);
    assert_memory_equal(n.wire, "\7printer\5local\0", 15);
    assert_int_equal(nt_dns_name_to_text(&n, text, sizeof text, &len), NT_OK);
    assert_string_equal(text, "printer.local.");

    /* Escapes: "\." inside a label, "\032" for a space, "\\" itself. */
    n = mkname("My\\.Printer\\032x\\\\._ipp._tcp.local.");
    assert_int_equal(n.wire[0], 13);
    assert_memory_equal(n.wire + 1, "My.Printer x\\", 13);
    assert_int_equal(nt_dns_name_to_text(&n, text, sizeof text, &len), NT_OK);
    assert_string_equal(text, "My\\.Printer\\032x\\\\._ipp._tcp.local.");

    /* Root. */
    n = mkname(".");
    assert_int_equal(n.len, 1);
    assert_int_equal(nt_dns_name_to_text(&n, text, sizeof text, &len), NT_OK);
    assert_string_equal(text, ".");

    /* Syntax errors. */
    assert_int_equal(nt_dns_name_from_str(&n, "a..b"), NT_ERR_DNS_NAME_SYNTAX);
    assert_int_equal(nt_dns_name_from_str(&n, ".a"), NT_ERR_DNS_NAME_SYNTAX);
    assert_int_equal(nt_dns_name_from_str(&n, "a\\"), NT_ERR_DNS_NAME_SYNTAX);
    assert_int_equal(nt_dns_name_from_str(&n, "a\\25"), NT_ERR_DNS_NAME_SYNTAX);
    assert_int_equal(nt_dns_name_from_str(&n, "a\\256"), NT_ERR_DNS_NAME_SYNTAX);

    /* 63-octet label is fine, 64 is not. */
    {
        char big[80];
        memset(big, 'x', 64);
        big[64] = 0;
        assert_int_equal(nt_dns_name_from_str(&n, big), NT_ERR_DNS_LABEL_TOO_LONG);
        big[63] = 0;
        assert_int_equal(nt_dns_name_from_str(&n, big), NT_OK);
        assert_int_equal(n.len, 65);
    }
    /* Too small an output buffer. */
    n = mkname("printer.local");
    assert_int_equal(nt_dns_name_to_text(&n, text, 5, &len), NT_ERR_NOSPACE);
}

static void test_name_limits_text(void **state)
{
    char buf[600];
    nt_dns_name n;
    size_t i, o = 0;
    (void)state;
    /* 4 labels of 63 = 256 octets with root: one too many. */
    for (i = 0; i < 4; i++) {
        memset(buf + o, 'a', 63);
        o += 63;
        buf[o++] = '.';
    }
    buf[o] = 0;
    assert_int_equal(nt_dns_name_from_str(&n, buf), NT_ERR_DNS_NAME_TOO_LONG);
    /* 3 x 63 + 61 = 254 + 1 root = 255: the largest name. */
    buf[3 * 64 + 61] = 0;
    assert_int_equal(nt_dns_name_from_str(&n, buf), NT_OK);
    assert_int_equal(n.len, 255);
    /* 127 one-octet labels: 255 octets, fine; 128 are too many labels. */
    o = 0;
    for (i = 0; i < 128; i++) {
        buf[o++] = 'a';
        buf[o++] = '.';
    }
    buf[o] = 0;
    assert_int_equal(nt_dns_name_from_str(&n, buf), NT_ERR_DNS_NAME_LABELS);
    buf[127 * 2] = 0;
    assert_int_equal(nt_dns_name_from_str(&n, buf), NT_OK);
    assert_int_equal(n.labels, 127);
    assert_int_equal(n.len, 255);
}

static void test_name_high_bytes(void **state)
{
    /* UTF-8 "é" and 0xFF in a label: printed as \DDD, never given to ctype
     * (UBSan in the sanitizer build checks the whole path). */
    static const uint8_t wire[] = {4, 'c', 0xC3, 0xA9, 0xFF, 5, 'l', 'o', 'c', 'a', 'l', 0};
    nt_dns_name n, back, upper;
    char text[NT_DNS_NAME_TEXT_MAX];
    (void)state;
    assert_int_equal(nt_dns_name_from_wire(&n, wire, sizeof wire), NT_OK);
    assert_int_equal(nt_dns_name_to_text(&n, text, sizeof text, NULL), NT_OK);
    assert_string_equal(text, "c\\195\\169\\255.local.");
    assert_int_equal(nt_dns_name_from_str(&back, text), NT_OK);
    assert_int_equal(back.len, n.len);
    assert_memory_equal(back.wire, n.wire, n.len);
    /* Raw UTF-8 in text is taken as it is. */
    assert_int_equal(nt_dns_name_from_str(&back, "c\xC3\xA9\xFF.local"), NT_OK);
    assert_memory_equal(back.wire, n.wire, n.len);
    /* Only ASCII letters fold: 0xC3 vs 0xE3 differ by 0x20 but are not letters. */
    upper = n;
    upper.wire[2] = 0xE3;
    assert_false(nt_dns_name_equal(&n, &upper));
    nt_dns_name_lower(&upper);
    assert_int_equal(upper.wire[2], 0xE3);
}

/* nt_dns_name_equal compares eight bytes at a time: every pair of byte
 * values at every position of a 24-byte name (three words) and a 23-byte
 * one (two words and a tail) is equal exactly when their ASCII lower cases
 * are; lengths must match. */
static void test_name_equal_every_byte_pair(void **state)
{
    static const char *const texts[] = {"abcdefghijklmnop.local", "abcdefghijklmno.local"};
    nt_dns_name a, b;
    size_t t, pos;
    unsigned x, y;
    (void)state;
    for (t = 0; t < 2; t++) {
        assert_int_equal(nt_dns_name_from_str(&a, texts[t]), NT_OK);
        assert_int_equal(a.len, 24 - t);
        b = a;
        for (pos = 1; pos + 1 < a.len; pos++) {
            if (pos == a.wire[0] + 1u)
                continue; /* the length octet of "local" */
            for (x = 0; x < 256; x++) {
                uint8_t lx = (uint8_t)(x >= 'A' && x <= 'Z' ? x + 32 : x);
                a.wire[pos] = (uint8_t)x;
                for (y = 0; y < 256; y++) {
                    uint8_t ly = (uint8_t)(y >= 'A' && y <= 'Z' ? y + 32 : y);
                    b.wire[pos] = (uint8_t)y;
                    if (nt_dns_name_equal(&a, &b) != (lx == ly))
                        fail_msg("%s: position %zu, bytes %02x and %02x", texts[t], pos, x, y);
                }
            }
            a.wire[pos] = b.wire[pos] = (uint8_t)'q';
        }
        b.len--;
        assert_false(nt_dns_name_equal(&a, &b));
    }
}

static void test_name_compare(void **state)
{
    nt_dns_name a, b, c;
    size_t pos = 0, ll;
    const uint8_t *l;
    int k = 0;
    (void)state;
    a = mkname("Printer.LOCAL");
    b = mkname("printer.local.");
    assert_true(nt_dns_name_equal(&a, &b));
    assert_int_equal(nt_dns_name_compare(&a, &b), 0);
    nt_dns_name_lower(&a);
    assert_memory_equal(a.wire, b.wire, b.len);
    /* RFC 4034 §6.1 example order: example < a.example < yljkjljk.a.example
     * < Z.a.example < zABC.a.EXAMPLE < z.example < \001.z.example. */
    {
        static const char *const order[] = {"example", "a.example", "yljkjljk.a.example",
                                            "Z.a.example", "zABC.a.EXAMPLE", "z.example",
                                            "\\001.z.example", "*.z.example", "\\200.z.example"};
        size_t i;
        for (i = 0; i + 1 < sizeof order / sizeof order[0]; i++) {
            a = mkname(order[i]);
            b = mkname(order[i + 1]);
            assert_true(nt_dns_name_compare(&a, &b) < 0);
            assert_true(nt_dns_name_compare(&b, &a) > 0);
        }
    }
    a = mkname("x._ipp._tcp.local");
    b = mkname("_TCP.local");
    assert_true(nt_dns_name_is_subdomain(&a, &b));
    assert_false(nt_dns_name_is_subdomain(&b, &a));
    c = mkname("cp.local");
    assert_false(nt_dns_name_is_subdomain(&a, &c));
    while (nt_dns_name_next_label(&a, &pos, &l, &ll))
        k++;
    assert_int_equal(k, 4);
    assert_int_equal(nt_dns_name_prepend(&c, (const uint8_t *)"My Printer", 10, &a), NT_OK);
    assert_int_equal(c.labels, 5);
    assert_int_equal(c.wire[0], 10);
    assert_int_equal(nt_dns_name_prepend(&c, (const uint8_t *)"", 0, &a), NT_ERR_DNS_NAME_SYNTAX);
}

static void test_name_from_wire(void **state)
{
    nt_dns_name n;
    (void)state;
    assert_int_equal(nt_dns_name_from_wire(&n, (const uint8_t *)"\3foo\0", 5), NT_OK);
    assert_int_equal(nt_dns_name_from_wire(&n, (const uint8_t *)"\3foo", 4),
                     NT_ERR_DNS_NAME_NO_ROOT);
    assert_int_equal(nt_dns_name_from_wire(&n, (const uint8_t *)"\5foo", 4),
                     NT_ERR_DNS_LABEL_OVERRUN);
    assert_int_equal(nt_dns_name_from_wire(&n, (const uint8_t *)"\3foo\0\0", 6),
                     NT_ERR_DNS_TRAILING);
    assert_int_equal(nt_dns_name_from_wire(&n, (const uint8_t *)"\xC0\x0C", 2),
                     NT_ERR_DNS_LABEL_TYPE);
}

/* ---- malformed messages: one test each, each its own status ---------------- */

static void test_bad_short(void **state)
{
    uint8_t pkt[12] = {0};
    size_t n;
    (void)state;
    for (n = 0; n < 12; n++)
        assert_int_equal(nt_dns_msg_parse(&g_msg, n ? pkt : NULL, n), NT_ERR_DNS_HEADER_SHORT);
    assert_int_equal(nt_dns_msg_parse(&g_msg, pkt, 12), NT_OK);
}

static void test_bad_counts(void **state)
{
    uint8_t pkt[12];
    (void)state;
    memset(pkt, 0xFF, sizeof pkt);
    assert_int_equal(nt_dns_msg_parse(&g_msg, pkt, sizeof pkt), NT_ERR_DNS_COUNT);
}

static void test_bad_too_many_records(void **state)
{
    /* 513 minimal records (root, A, IN, ttl, rdlength 0): framing is sound
     * so the cap, not the count check, rejects it. */
    static uint8_t pkt[12 + 513 * 11];
    uint8_t *p = pkt + 12;
    size_t i;
    (void)state;
    mkmsg(pkt, 0, 513, 0, 0, NULL, 0);
    for (i = 0; i < 513; i++, p += 11) {
        memset(p, 0, 11);
        p[2] = 1; /* type A */
        p[4] = 1; /* class IN */
    }
    assert_int_equal(nt_dns_msg_parse(&g_msg, pkt, sizeof pkt), NT_ERR_DNS_TOO_MANY_RECORDS);
    /* 512 parse (each A has a bad rdlength, a per-record status). */
    pkt[7] = 0;
    pkt[6] = 2;
    assert_int_equal(nt_dns_msg_parse(&g_msg, pkt, sizeof pkt - 11), NT_OK);
    assert_int_equal(g_msg.nrr, 512);
    assert_int_equal(g_msg.bad_records, 512);
    assert_int_equal(g_msg.rr[0].status, NT_ERR_DNS_RDATA_SHORT);
}

static void test_bad_ptr_self(void **state)
{
    static const uint8_t body[] = {0xC0, 0x0C, 0, 1, 0, 1};
    uint8_t pkt[64];
    size_t n = mkmsg(pkt, 1, 0, 0, 0, body, sizeof body);
    (void)state;
    assert_int_equal(nt_dns_msg_parse(&g_msg, pkt, n), NT_ERR_DNS_PTR_SELF);
    assert_int_equal(nt_dns_msg_error_offset(&g_msg), 12);
}

static void test_bad_ptr_mutual(void **state)
{
    /* Q1 at 12: root-ish name "\1a", type bytes C0 13 (a pointer to 19),
     * class IN. Q2 at 19: pointer to 15, which points back to 19. */
    static const uint8_t body[] = {1, 'a', 0, 0xC0, 0x13, 0, 1, 0xC0, 0x0F, 0, 1, 0, 1};
    uint8_t pkt[64];
    size_t n = mkmsg(pkt, 2, 0, 0, 0, body, sizeof body);
    (void)state;
    assert_int_equal(nt_dns_msg_parse(&g_msg, pkt, n), NT_ERR_DNS_PTR_LOOP);
    assert_int_equal(nt_dns_msg_error_offset(&g_msg), 19);
}

static void test_bad_ptr_forward(void **state)
{
    static const uint8_t body[] = {0xC0, 0x12, 0, 1, 0, 1, 1, 'a', 0};
    uint8_t pkt[64];
    size_t n = mkmsg(pkt, 1, 0, 0, 0, body, sizeof body);
    (void)state;
    assert_int_equal(nt_dns_msg_parse(&g_msg, pkt, n), NT_ERR_DNS_PTR_FORWARD);
}

static void test_bad_ptr_header(void **state)
{
    static const uint8_t body[] = {0xC0, 0x05, 0, 1, 0, 1};
    uint8_t pkt[64];
    size_t n = mkmsg(pkt, 1, 0, 0, 0, body, sizeof body);
    (void)state;
    assert_int_equal(nt_dns_msg_parse(&g_msg, pkt, n), NT_ERR_DNS_PTR_HEADER);
}

static void test_bad_ptr_past_end(void **state)
{
    static const uint8_t body[] = {0xC1, 0x00, 0, 1, 0, 1};
    uint8_t pkt[64];
    size_t n = mkmsg(pkt, 1, 0, 0, 0, body, sizeof body);
    (void)state;
    assert_int_equal(nt_dns_msg_parse(&g_msg, pkt, n), NT_ERR_DNS_PTR_PAST_END);
}

static void test_bad_ptr_chain(void **state)
{
    /* Q0 "\1a", then 33 questions each pointing at the previous one's name:
     * every pointer goes backwards, but the chain is longer than allowed. */
    uint8_t pkt[512];
    uint8_t *p = pkt + 12;
    size_t prev = 12, k;
    (void)state;
    mkmsg(pkt, 34, 0, 0, 0, NULL, 0);
    memcpy(p, "\1a\0\0\1\0\1", 7);
    p += 7;
    for (k = 0; k < 33; k++) {
        size_t at = (size_t)(p - pkt);
        p[0] = (uint8_t)(0xC0 | (prev >> 8));
        p[1] = (uint8_t)prev;
        memcpy(p + 2, "\0\1\0\1", 4);
        p += 6;
        prev = at;
    }
    assert_int_equal(nt_dns_msg_parse(&g_msg, pkt, (size_t)(p - pkt)), NT_ERR_DNS_PTR_CHAIN);
    /* One question fewer: a chain of exactly 32 is accepted. */
    pkt[5] = 33;
    assert_int_equal(nt_dns_msg_parse(&g_msg, pkt, (size_t)(p - pkt) - 6), NT_OK);
}

static void test_bad_label_type(void **state)
{
    static const uint8_t b40[] = {0x41, 'a', 0, 0, 1, 0, 1};
    static const uint8_t b80[] = {0x81, 'a', 0, 0, 1, 0, 1};
    uint8_t pkt[64];
    size_t n;
    (void)state;
    n = mkmsg(pkt, 1, 0, 0, 0, b40, sizeof b40);
    assert_int_equal(nt_dns_msg_parse(&g_msg, pkt, n), NT_ERR_DNS_LABEL_TYPE);
    n = mkmsg(pkt, 1, 0, 0, 0, b80, sizeof b80);
    assert_int_equal(nt_dns_msg_parse(&g_msg, pkt, n), NT_ERR_DNS_LABEL_TYPE);
}

static void test_bad_label_overrun(void **state)
{
    static const uint8_t body[] = {63, 'a', 'b', 'c', 'd'};
    uint8_t pkt[64];
    size_t n = mkmsg(pkt, 1, 0, 0, 0, body, sizeof body);
    (void)state;
    assert_int_equal(nt_dns_msg_parse(&g_msg, pkt, n), NT_ERR_DNS_LABEL_OVERRUN);
}

static void test_bad_name_too_long(void **state)
{
    uint8_t pkt[600];
    uint8_t *p = pkt + 12;
    size_t i;
    (void)state;
    mkmsg(pkt, 1, 0, 0, 0, NULL, 0);
    for (i = 0; i < 5; i++) {
        *p++ = 63;
        memset(p, 'x', 63);
        p += 63;
    }
    memcpy(p, "\0\0\1\0\1", 5);
    p += 5;
    assert_int_equal(nt_dns_msg_parse(&g_msg, pkt, (size_t)(p - pkt)), NT_ERR_DNS_NAME_TOO_LONG);
}

static void test_bad_name_labels(void **state)
{
    uint8_t pkt[600];
    uint8_t *p = pkt + 12;
    size_t i;
    (void)state;
    mkmsg(pkt, 1, 0, 0, 0, NULL, 0);
    for (i = 0; i < 128; i++) {
        *p++ = 1;
        *p++ = 'a';
    }
    memcpy(p, "\0\0\1\0\1", 5);
    p += 5;
    assert_int_equal(nt_dns_msg_parse(&g_msg, pkt, (size_t)(p - pkt)), NT_ERR_DNS_NAME_LABELS);
}

static void test_bad_name_no_root(void **state)
{
    static const uint8_t body[] = {3, 'f', 'o', 'o', 3, 'b', 'a', 'r'};
    uint8_t pkt[64];
    size_t n = mkmsg(pkt, 1, 0, 0, 0, body, sizeof body);
    (void)state;
    assert_int_equal(nt_dns_msg_parse(&g_msg, pkt, n), NT_ERR_DNS_NAME_NO_ROOT);
}

static void test_bad_short_record(void **state)
{
    /* A question whose name fits but whose type/class are cut off. */
    static const uint8_t body[] = {3, 'f', 'o', 'o', 0, 0, 1};
    uint8_t pkt[64];
    size_t n = mkmsg(pkt, 1, 0, 0, 0, body, sizeof body);
    (void)state;
    assert_int_equal(nt_dns_msg_parse(&g_msg, pkt, n), NT_ERR_DNS_SHORT_RECORD);
}

static void test_bad_rdlength(void **state)
{
    static const uint8_t body[] = {0, 0, 1, 0, 1, 0, 0, 0, 10, 0, 100, 1, 2, 3, 4};
    uint8_t pkt[64];
    size_t n = mkmsg(pkt, 0, 1, 0, 0, body, sizeof body);
    (void)state;
    assert_int_equal(nt_dns_msg_parse(&g_msg, pkt, n), NT_ERR_DNS_RDLENGTH);
    assert_int_equal(nt_dns_msg_error_offset(&g_msg), 12 + 9);
}

static void test_bad_rdata_short(void **state)
{
    /* A with 3 bytes; the second record stays usable. */
    static const uint8_t body[] = {0, 0, 1, 0, 1, 0, 0, 0, 10, 0, 3, 1, 2, 3,
                                   0, 0, 1, 0, 1, 0, 0, 0, 10, 0, 4, 1, 2, 3, 4};
    uint8_t pkt[64], addr[4];
    size_t n = mkmsg(pkt, 0, 2, 0, 0, body, sizeof body);
    const nt_dns_rr *rr;
    (void)state;
    assert_int_equal(first_answer_status(pkt, n), NT_ERR_DNS_RDATA_SHORT);
    assert_int_equal(g_msg.bad_records, 1);
    assert_int_equal(nt_dns_rr_get_a(&g_msg, &g_msg.rr[0], addr), NT_ERR_DNS_RDATA_SHORT);
    rr = nt_dns_msg_get(&g_msg, NT_DNS_SEC_ANSWER, 1);
    assert_int_equal(nt_dns_rr_get_a(&g_msg, rr, addr), NT_OK);
    assert_memory_equal(addr, "\1\2\3\4", 4);
    /* SRV shorter than its fixed part. */
    {
        static const uint8_t srv[] = {0, 0, 33, 0, 1, 0, 0, 0, 10, 0, 5, 0, 0, 0, 0, 0};
        n = mkmsg(pkt, 0, 1, 0, 0, srv, sizeof srv);
        assert_int_equal(first_answer_status(pkt, n), NT_ERR_DNS_RDATA_SHORT);
    }
}

static void test_bad_rdata_trailing(void **state)
{
    static const uint8_t body[] = {0, 0, 1, 0, 1, 0, 0, 0, 10, 0, 5, 1, 2, 3, 4, 5};
    uint8_t pkt[64];
    size_t n = mkmsg(pkt, 0, 1, 0, 0, body, sizeof body);
    (void)state;
    assert_int_equal(first_answer_status(pkt, n), NT_ERR_DNS_RDATA_TRAILING);
}

static void test_bad_rdata_name(void **state)
{
    /* PTR whose name "\3foo" would need the next byte, beyond rdlength. */
    static const uint8_t body[] = {0, 0, 12, 0, 1, 0, 0, 0, 10, 0, 4, 3, 'f', 'o', 'o',
                                   0, 0, 1, 0, 1, 0, 0, 0, 10, 0, 4, 1, 2, 3, 4};
    uint8_t pkt[64];
    size_t n = mkmsg(pkt, 0, 2, 0, 0, body, sizeof body);
    (void)state;
    assert_int_equal(first_answer_status(pkt, n), NT_ERR_DNS_RDATA_NAME);
    assert_int_equal(g_msg.rr[1].status, NT_OK);
}

static void test_bad_txt_overrun(void **state)
{
    static const uint8_t body[] = {0, 0, 16, 0, 1, 0, 0, 0, 10, 0, 3, 5, 'a', 'b'};
    uint8_t pkt[64];
    size_t n = mkmsg(pkt, 0, 1, 0, 0, body, sizeof body);
    (void)state;
    assert_int_equal(first_answer_status(pkt, n), NT_ERR_DNS_TXT_OVERRUN);
}

static void test_bad_nsec_bitmap(void **state)
{
    /* next name root; window 0 with length 33 (> 32). */
    uint8_t body[11 + 1 + 2 + 33];
    uint8_t pkt[128];
    size_t n;
    (void)state;
    memcpy(body, "\0\0\x2f\0\1\0\0\0\x0a\0\x24", 11);
    body[11] = 0;
    body[12] = 0;
    body[13] = 33;
    memset(body + 14, 0x40, 33);
    n = mkmsg(pkt, 0, 1, 0, 0, body, sizeof body);
    assert_int_equal(first_answer_status(pkt, n), NT_ERR_DNS_NSEC_BITMAP);
    /* window length 0 */
    {
        static const uint8_t z[] = {0, 0, 0x2f, 0, 1, 0, 0, 0, 10, 0, 3, 0, 0, 0};
        n = mkmsg(pkt, 0, 1, 0, 0, z, sizeof z);
        assert_int_equal(first_answer_status(pkt, n), NT_ERR_DNS_NSEC_BITMAP);
    }
    /* windows out of order: 1 then 0 */
    {
        static const uint8_t o[] = {0, 0, 0x2f, 0, 1, 0, 0, 0, 10, 0, 7, 0, 1, 1, 0x40, 0, 1, 0x40};
        n = mkmsg(pkt, 0, 1, 0, 0, o, sizeof o);
        assert_int_equal(first_answer_status(pkt, n), NT_ERR_DNS_NSEC_BITMAP);
    }
}

static void test_bad_dup_opt(void **state)
{
    static const uint8_t body[] = {0, 0, 41, 0x05, 0xA0, 0, 0, 0, 0, 0, 0,
                                   0, 0, 41, 0x05, 0xA0, 0, 0, 0, 0, 0, 0};
    uint8_t pkt[64];
    size_t n = mkmsg(pkt, 0, 0, 0, 2, body, sizeof body);
    (void)state;
    assert_int_equal(nt_dns_msg_parse(&g_msg, pkt, n), NT_ERR_DNS_DUP_OPT);
    n = mkmsg(pkt, 0, 0, 0, 1, body, 11);
    assert_int_equal(nt_dns_msg_parse(&g_msg, pkt, n), NT_OK);
    assert_int_equal(g_msg.opt_index, 0);
}

static void test_bad_opt_placement(void **state)
{
    static const uint8_t body[] = {0, 0, 41, 0x05, 0xA0, 0, 0, 0, 0, 0, 0};
    uint8_t pkt[64];
    size_t n = mkmsg(pkt, 0, 1, 0, 0, body, sizeof body);
    (void)state;
    assert_int_equal(first_answer_status(pkt, n), NT_ERR_DNS_OPT_PLACEMENT);
}

static void test_bad_trailing(void **state)
{
    static const uint8_t body[] = {0, 0, 1, 0, 1, 0xAA};
    uint8_t pkt[64];
    size_t n = mkmsg(pkt, 1, 0, 0, 0, body, sizeof body);
    (void)state;
    assert_int_equal(nt_dns_msg_parse(&g_msg, pkt, n), NT_ERR_DNS_TRAILING);
}

static void test_bad_msg_too_long(void **state)
{
    uint8_t *pkt = calloc(1, 70000);
    (void)state;
    assert_non_null(pkt);
    assert_int_equal(nt_dns_msg_parse(&g_msg, pkt, 70000), NT_ERR_DNS_MSG_TOO_LONG);
    free(pkt);
}

/* Every malformed-input status above is different from every other. */
static void test_statuses_distinct(void **state)
{
    static const nt_status all[] = {
        NT_ERR_DNS_HEADER_SHORT, NT_ERR_DNS_COUNT, NT_ERR_DNS_PTR_SELF, NT_ERR_DNS_PTR_LOOP,
        NT_ERR_DNS_PTR_FORWARD, NT_ERR_DNS_PTR_HEADER, NT_ERR_DNS_PTR_PAST_END,
        NT_ERR_DNS_PTR_CHAIN, NT_ERR_DNS_LABEL_TYPE, NT_ERR_DNS_LABEL_OVERRUN,
        NT_ERR_DNS_NAME_TOO_LONG, NT_ERR_DNS_NAME_LABELS, NT_ERR_DNS_NAME_NO_ROOT,
        NT_ERR_DNS_RDLENGTH, NT_ERR_DNS_RDATA_SHORT, NT_ERR_DNS_RDATA_NAME,
        NT_ERR_DNS_TXT_OVERRUN, NT_ERR_DNS_NSEC_BITMAP, NT_ERR_DNS_DUP_OPT,
        NT_ERR_DNS_RDATA_TRAILING, NT_ERR_DNS_TOO_MANY_RECORDS, NT_ERR_DNS_OPT_PLACEMENT,
        NT_ERR_DNS_TRAILING, NT_ERR_DNS_MSG_TOO_LONG, NT_ERR_DNS_SHORT_RECORD};
    size_t i, j;
    (void)state;
    for (i = 0; i < sizeof all / sizeof all[0]; i++) {
        assert_string_not_equal(nt_status_name(all[i]), "NT_ERR_UNKNOWN");
        for (j = i + 1; j < sizeof all / sizeof all[0]; j++)
            assert_int_not_equal(all[i], all[j]);
    }
}

/* ---- python-zeroconf's NSEC ------------------------------------------------ */

/* Read a file under the source tree (NT_SOURCE_DIR is set by ctest). */
static size_t read_src(const char *rel, uint8_t *out, size_t cap)
{
    char path[1024];
    const char *root = getenv("NT_SOURCE_DIR");
    FILE *f;
    size_t n;
    snprintf(path, sizeof path, "%s/%s", root ? root : ".", rel);
    f = fopen(path, "rb");
    assert_non_null(f);
    n = fread(out, 1, cap, f);
    fclose(f);
    return n;
}

static void test_zeroconf_nsec(void **state)
{
    /* Captured from Debian's python-zeroconf 0.47 (DNSOutgoing with two
     * DNSNsec records): window and bitmap length are 16-bit fields. */
    static uint8_t pkt[2048];
    static nt_dns_nsec nsec;
    uint8_t out[2048];
    size_t n = read_src("tests/unit/wire/zeroconf_nsec.bin", pkt, sizeof pkt), len, i;
    const nt_dns_rr *rr;
    nt_dns_name owner;
    int seen = 0;
    (void)state;
    assert_int_equal(nt_dns_msg_parse(&g_msg, pkt, n), NT_OK);
    assert_int_equal(g_msg.bad_records, 0);
    for (i = 0; i < g_msg.count[NT_DNS_SEC_ADDITIONAL]; i++) {
        rr = nt_dns_msg_get(&g_msg, NT_DNS_SEC_ADDITIONAL, i);
        if (rr->type != NT_DNS_TYPE_NSEC)
            continue;
        seen++;
        assert_true(rr->flags & NT_DNS_RR_LENIENT);
        assert_true(rr->flags & NT_DNS_RR_MDNS_BIT);
        assert_int_equal(nt_dns_rr_get_nsec(&g_msg, rr, &nsec), NT_OK);
        nt_dns_rr_owner(&g_msg, rr, &owner);
        assert_true(nt_dns_name_equal(&owner, &nsec.next));
        if (owner.labels == 2) { /* zchost.local: A only */
            assert_true(nt_dns_nsec_has_type(nsec.bitmap, nsec.bitmap_len, NT_DNS_TYPE_A));
            assert_false(nt_dns_nsec_has_type(nsec.bitmap, nsec.bitmap_len, NT_DNS_TYPE_AAAA));
            assert_int_equal(nsec.bitmap_len, 3);
        } else {
            assert_true(nt_dns_nsec_has_type(nsec.bitmap, nsec.bitmap_len, NT_DNS_TYPE_TXT));
            assert_true(nt_dns_nsec_has_type(nsec.bitmap, nsec.bitmap_len, NT_DNS_TYPE_SRV));
            assert_false(nt_dns_nsec_has_type(nsec.bitmap, nsec.bitmap_len, NT_DNS_TYPE_A));
        }
    }
    assert_int_equal(seen, 2);
    /* Re-encoded in the standard form, which strict parsers accept. */
    assert_int_equal(nt_dns_msg_write(&g_msg, out, sizeof out, &len, NULL), NT_OK);
    assert_int_equal(nt_dns_msg_parse(&g_msg2, out, len), NT_OK);
    assert_int_equal(g_msg2.bad_records, 0);
    for (i = 0; i < g_msg2.nrr; i++)
        assert_false(g_msg2.rr[i].flags & NT_DNS_RR_LENIENT);
    assert_int_equal(g_msg2.nrr, g_msg.nrr);
}

/* ---- builder and round trips ------------------------------------------------ */

static void test_roundtrip_all_types(void **state)
{
    static uint8_t buf[4096], buf2[4096];
    static nt_dns_nsec nsec;
    nt_dns_builder b;
    nt_dns_name inst = mkname("My Printer._ipp._tcp.local"), svc = mkname("_ipp._tcp.local"),
                host = mkname("host.local"), n;
    nt_dns_rrhead h;
    uint8_t a4[4] = {192, 0, 2, 1}, a6[16] = {0xfe, 0x80, [15] = 1}, got[16];
    uint8_t txt[128];
    size_t txt_len, len, len2;
    const nt_dns_txt_item items[] = {{"txtvers", (const uint8_t *)"1", 1, true},
                                     {"rp", (const uint8_t *)"printers/x", 10, true},
                                     {"color", NULL, 0, false}};
    const uint16_t types[] = {NT_DNS_TYPE_SRV, NT_DNS_TYPE_TXT, NT_DNS_TYPE_RRSIG, 1234};
    static const uint8_t sigbytes[64] = {1, 2, 3};
    static const uint8_t keybytes[32] = {9, 8, 7};
    static const uint8_t unknown_rd[] = {0xde, 0xad, 0xbe, 0xef};
    static const uint8_t opt_opts[] = {0, 4, 0, 2, 0xab, 0xcd}; /* option 4, 2 bytes */
    nt_dns_rrsig sig = {NT_DNS_TYPE_SRV, 15, 4, 120, 2000000000u, 1700000000u, 4242,
                        {0}, sigbytes, sizeof sigbytes};
    nt_dns_dnskey key = {256, 3, 15, keybytes, sizeof keybytes};
    nt_dns_opt opt = {1440, 0, 0, 0x8000, opt_opts, sizeof opt_opts};
    nt_dns_record unk;
    const nt_dns_rr *rr;
    nt_dns_srv srv;
    nt_dns_rrsig gsig;
    nt_dns_dnskey gkey;
    nt_dns_opt gopt;
    nt_dns_txt_iter it;
    const uint8_t *s, *v;
    size_t sl, vl;
    bool hv;
    (void)state;

    sig.signer = host;
    assert_int_equal(nt_dns_txt_encode(txt, sizeof txt, &txt_len, items, 3), NT_OK);
    assert_int_equal(nt_dns_builder_init(&b, buf, sizeof buf, 0, NT_DNS_FLAG_QR | NT_DNS_FLAG_AA),
                     NT_OK);
    assert_int_equal(nt_dns_builder_add_question(&b, &svc, NT_DNS_TYPE_ANY, NT_DNS_CLASS_IN, true),
                     NT_OK);
    h = (nt_dns_rrhead){&svc, NT_DNS_CLASS_IN, false, 4500};
    assert_int_equal(nt_dns_builder_add_ptr(&b, NT_DNS_SEC_ANSWER, &h, NT_DNS_TYPE_PTR, &inst),
                     NT_OK);
    h = (nt_dns_rrhead){&inst, NT_DNS_CLASS_IN, true, 120};
    assert_int_equal(nt_dns_builder_add_srv(&b, NT_DNS_SEC_ANSWER, &h, 0, 5, 631, &host), NT_OK);
    h.ttl = 4500;
    assert_int_equal(nt_dns_builder_add_txt(&b, NT_DNS_SEC_ANSWER, &h, txt, txt_len), NT_OK);
    assert_int_equal(nt_dns_builder_add_nsec(&b, NT_DNS_SEC_ANSWER, &h, &inst, types, 4), NT_OK);
    assert_int_equal(nt_dns_builder_add_rrsig(&b, NT_DNS_SEC_ANSWER, &h, &sig), NT_OK);
    /* Section order is enforced. */
    h = (nt_dns_rrhead){&host, NT_DNS_CLASS_IN, true, 120};
    assert_int_equal(nt_dns_builder_add_a(&b, NT_DNS_SEC_ADDITIONAL, &h, a4), NT_OK);
    assert_int_equal(nt_dns_builder_add_a(&b, NT_DNS_SEC_ANSWER, &h, a4), NT_ERR_INVALID_ARG);
    assert_int_equal(nt_dns_builder_add_aaaa(&b, NT_DNS_SEC_ADDITIONAL, &h, a6), NT_OK);
    assert_int_equal(nt_dns_builder_add_dnskey(&b, NT_DNS_SEC_ADDITIONAL, &h, &key), NT_OK);
    unk = (nt_dns_record){host, 65280, NT_DNS_CLASS_IN, false, 60, unknown_rd, 4};
    assert_int_equal(nt_dns_builder_add_record(&b, NT_DNS_SEC_ADDITIONAL, &unk), NT_OK);
    assert_int_equal(nt_dns_builder_add_opt(&b, &opt), NT_OK);
    assert_int_equal(nt_dns_builder_add_opt(&b, &opt), NT_ERR_DNS_DUP_OPT);
    len = nt_dns_builder_len(&b);

    assert_int_equal(nt_dns_msg_parse(&g_msg, buf, len), NT_OK);
    assert_int_equal(g_msg.bad_records, 0);
    assert_int_equal(g_msg.count[0], 1);
    assert_int_equal(g_msg.count[1], 5);
    assert_int_equal(g_msg.count[3], 5);
    assert_int_equal(g_msg.flags, NT_DNS_FLAG_QR | NT_DNS_FLAG_AA);

    rr = nt_dns_msg_get(&g_msg, NT_DNS_SEC_QUESTION, 0);
    assert_int_equal(rr->type, NT_DNS_TYPE_ANY);
    assert_true(rr->flags & NT_DNS_RR_MDNS_BIT); /* QU */
    nt_dns_rr_owner(&g_msg, rr, &n);
    assert_true(nt_dns_name_equal(&n, &svc));

    rr = nt_dns_msg_get(&g_msg, NT_DNS_SEC_ANSWER, 0);
    assert_int_equal(nt_dns_rr_get_ptr(&g_msg, rr, &n), NT_OK);
    assert_memory_equal(n.wire, inst.wire, inst.len);
    assert_false(rr->flags & NT_DNS_RR_MDNS_BIT);
    assert_int_equal(rr->ttl, 4500);

    rr = nt_dns_msg_get(&g_msg, NT_DNS_SEC_ANSWER, 1);
    assert_true(rr->flags & NT_DNS_RR_MDNS_BIT); /* cache-flush */
    assert_int_equal(rr->rclass, NT_DNS_CLASS_IN);
    assert_int_equal(nt_dns_rr_get_srv(&g_msg, rr, &srv), NT_OK);
    assert_int_equal(srv.priority, 0);
    assert_int_equal(srv.weight, 5);
    assert_int_equal(srv.port, 631);
    assert_true(nt_dns_name_equal(&srv.target, &host));
    assert_int_equal(nt_dns_rr_get_a(&g_msg, rr, got), NT_ERR_INVALID_ARG);

    rr = nt_dns_msg_get(&g_msg, NT_DNS_SEC_ANSWER, 2);
    assert_int_equal(nt_dns_txt_iter_init(&it, &g_msg, rr), NT_OK);
    assert_true(nt_dns_txt_iter_next(&it, &s, &sl));
    assert_int_equal(sl, 9);
    assert_memory_equal(s, "txtvers=1", 9);
    {
        const uint8_t *rd;
        size_t rdl;
        nt_dns_rr_rdata(&g_msg, rr, &rd, &rdl);
        assert_int_equal(nt_dns_txt_find(rd, rdl, "RP", &v, &vl, &hv), NT_OK);
        assert_true(hv);
        assert_int_equal(vl, 10);
        assert_memory_equal(v, "printers/x", 10);
        assert_int_equal(nt_dns_txt_find(rd, rdl, "color", &v, &vl, &hv), NT_OK);
        assert_false(hv);
        assert_int_equal(nt_dns_txt_find(rd, rdl, "nope", &v, &vl, &hv), NT_ERR_NOT_FOUND);
    }

    rr = nt_dns_msg_get(&g_msg, NT_DNS_SEC_ANSWER, 3);
    assert_int_equal(nt_dns_rr_get_nsec(&g_msg, rr, &nsec), NT_OK);
    assert_false(rr->flags & NT_DNS_RR_LENIENT);
    assert_true(nt_dns_name_equal(&nsec.next, &inst));
    assert_true(nt_dns_nsec_has_type(nsec.bitmap, nsec.bitmap_len, NT_DNS_TYPE_SRV));
    assert_true(nt_dns_nsec_has_type(nsec.bitmap, nsec.bitmap_len, NT_DNS_TYPE_RRSIG));
    assert_true(nt_dns_nsec_has_type(nsec.bitmap, nsec.bitmap_len, 1234));
    assert_false(nt_dns_nsec_has_type(nsec.bitmap, nsec.bitmap_len, NT_DNS_TYPE_A));
    /* window 0 (bytes up to type 46 -> 6 octets) + window 4 (1234 = 4*256+210 -> 27 octets) */
    assert_int_equal(nsec.bitmap_len, 2 + 6 + 2 + 27);

    rr = nt_dns_msg_get(&g_msg, NT_DNS_SEC_ANSWER, 4);
    assert_int_equal(nt_dns_rr_get_rrsig(&g_msg, rr, &gsig), NT_OK);
    assert_int_equal(gsig.type_covered, NT_DNS_TYPE_SRV);
    assert_int_equal(gsig.algorithm, 15);
    assert_int_equal(gsig.labels, 4);
    assert_int_equal(gsig.original_ttl, 120);
    assert_int_equal(gsig.expiration, 2000000000u);
    assert_int_equal(gsig.inception, 1700000000u);
    assert_int_equal(gsig.key_tag, 4242);
    assert_true(nt_dns_name_equal(&gsig.signer, &host));
    assert_int_equal(gsig.signature_len, 64);
    assert_memory_equal(gsig.signature, sigbytes, 64);

    rr = nt_dns_msg_get(&g_msg, NT_DNS_SEC_ADDITIONAL, 0);
    assert_int_equal(nt_dns_rr_get_a(&g_msg, rr, got), NT_OK);
    assert_memory_equal(got, a4, 4);
    rr = nt_dns_msg_get(&g_msg, NT_DNS_SEC_ADDITIONAL, 1);
    assert_int_equal(nt_dns_rr_get_aaaa(&g_msg, rr, got), NT_OK);
    assert_memory_equal(got, a6, 16);
    rr = nt_dns_msg_get(&g_msg, NT_DNS_SEC_ADDITIONAL, 2);
    assert_int_equal(nt_dns_rr_get_dnskey(&g_msg, rr, &gkey), NT_OK);
    assert_int_equal(gkey.flags, 256);
    assert_int_equal(gkey.protocol, 3);
    assert_int_equal(gkey.algorithm, 15);
    assert_int_equal(gkey.key_len, 32);
    assert_memory_equal(gkey.key, keybytes, 32);
    rr = nt_dns_msg_get(&g_msg, NT_DNS_SEC_ADDITIONAL, 3);
    assert_int_equal(rr->type, 65280);
    assert_int_equal(rr->rdlength, 4);
    assert_memory_equal(buf + rr->rdata_off, unknown_rd, 4);
    rr = nt_dns_msg_get(&g_msg, NT_DNS_SEC_ADDITIONAL, 4);
    assert_int_equal(g_msg.opt_index, (int32_t)(rr - g_msg.rr));
    assert_int_equal(nt_dns_rr_get_opt(&g_msg, rr, &gopt), NT_OK);
    assert_int_equal(gopt.udp_size, 1440);
    assert_int_equal(gopt.flags, 0x8000);
    assert_int_equal(gopt.options_len, sizeof opt_opts);
    assert_null(nt_dns_msg_get(&g_msg, NT_DNS_SEC_ADDITIONAL, 5));

    /* Compression happened: "_ipp._tcp.local" and "host.local" appear once. */
    {
        size_t i, hits = 0;
        for (i = 0; i + 5 <= len; i++)
            if (memcmp(buf + i, "\4_ipp", 5) == 0)
                hits++;
        assert_int_equal(hits, 1);
    }
    /* parse -> write -> identical bytes (the builder is deterministic). */
    assert_int_equal(nt_dns_msg_write(&g_msg, buf2, sizeof buf2, &len2, NULL), NT_OK);
    assert_int_equal(len2, len);
    assert_memory_equal(buf2, buf, len);
}

static void test_record_conversion(void **state)
{
    /* A compressed PTR converts to uncompressed RDATA, re-adds through the
     * generic path and prints. */
    static uint8_t buf[512], rd[NT_DNS_MSG_MAX + 1024];
    nt_dns_builder b;
    nt_dns_name svc = mkname("_http._tcp.local"), inst = mkname("Web._http._tcp.local");
    nt_dns_rrhead h = {&svc, NT_DNS_CLASS_IN, false, 10};
    nt_dns_record rec;
    nt_dns_name back;
    (void)state;
    assert_int_equal(nt_dns_builder_init(&b, buf, sizeof buf, 7, NT_DNS_FLAG_QR), NT_OK);
    assert_int_equal(nt_dns_builder_add_ptr(&b, NT_DNS_SEC_ANSWER, &h, NT_DNS_TYPE_PTR, &inst),
                     NT_OK);
    assert_int_equal(nt_dns_msg_parse(&g_msg, buf, nt_dns_builder_len(&b)), NT_OK);
    assert_true(g_msg.rr[0].rdlength < inst.len); /* compressed on the wire */
    assert_int_equal(nt_dns_rr_to_record(&g_msg, &g_msg.rr[0], &rec, rd, sizeof rd), NT_OK);
    assert_int_equal(rec.rdlength, inst.len);
    assert_memory_equal(rec.rdata, inst.wire, inst.len);
    assert_int_equal(nt_dns_rdata_check(rec.type, rec.rdata, rec.rdlength), NT_OK);
    assert_int_equal(nt_dns_name_from_wire(&back, rec.rdata, rec.rdlength), NT_OK);
    /* CNAME and NS share the PTR path. */
    {
        uint16_t types[2] = {NT_DNS_TYPE_CNAME, NT_DNS_TYPE_NS};
        size_t k;
        for (k = 0; k < 2; k++) {
            assert_int_equal(nt_dns_builder_init(&b, buf, sizeof buf, 7, NT_DNS_FLAG_QR), NT_OK);
            assert_int_equal(nt_dns_builder_add_ptr(&b, NT_DNS_SEC_AUTHORITY, &h, types[k], &inst),
                             NT_OK);
            assert_int_equal(nt_dns_msg_parse(&g_msg, buf, nt_dns_builder_len(&b)), NT_OK);
            assert_int_equal(g_msg.rr[0].type, types[k]);
            assert_int_equal(g_msg.rr[0].section, NT_DNS_SEC_AUTHORITY);
            assert_int_equal(nt_dns_rr_get_ptr(&g_msg, &g_msg.rr[0], &back), NT_OK);
            assert_true(nt_dns_name_equal(&back, &inst));
        }
        assert_int_equal(nt_dns_builder_add_ptr(&b, NT_DNS_SEC_ADDITIONAL, &h, NT_DNS_TYPE_A, &inst),
                         NT_ERR_INVALID_ARG);
    }
    /* uncompressed RDATA must not carry pointers */
    assert_int_equal(nt_dns_rdata_check(NT_DNS_TYPE_PTR, (const uint8_t *)"\xC0\x0C", 2),
                     NT_ERR_DNS_LABEL_TYPE);
}

static void test_builder_nospace(void **state)
{
    /* Fill a 100-byte packet with A records: the add that does not fit
     * fails cleanly and what was written is a complete message. */
    uint8_t buf[100];
    nt_dns_builder b;
    nt_dns_name host = mkname("host.local");
    nt_dns_rrhead h = {&host, NT_DNS_CLASS_IN, true, 120};
    uint8_t a4[4] = {10, 0, 0, 1};
    size_t added = 0, before;
    nt_status st;
    (void)state;
    assert_int_equal(nt_dns_builder_init(&b, buf, 11, 0, 0), NT_ERR_NOSPACE);
    /* a builder whose init failed refuses every add and keeps its bytes */
    assert_int_equal(nt_dns_builder_add_question(&b, &host, NT_DNS_TYPE_A, NT_DNS_CLASS_IN, false),
                     NT_ERR_INVALID_ARG);
    nt_dns_builder_set_flags(&b, NT_DNS_FLAG_TC);
    assert_int_equal(nt_dns_builder_init(&b, buf, sizeof buf, 0, NT_DNS_FLAG_QR), NT_OK);
    for (;;) {
        before = nt_dns_builder_len(&b);
        st = nt_dns_builder_add_a(&b, NT_DNS_SEC_ANSWER, &h, a4);
        if (st != NT_OK)
            break;
        added++;
        a4[3]++;
    }
    assert_int_equal(st, NT_ERR_NOSPACE);
    assert_int_equal(nt_dns_builder_len(&b), before);
    /* first A: 12 name + 14 = 26 bytes; later ones: 2 + 14 = 16 -> 12+26+16*3 = 86 */
    assert_int_equal(added, 4);
    nt_dns_builder_set_flags(&b, NT_DNS_FLAG_QR | NT_DNS_FLAG_TC);
    assert_int_equal(nt_dns_msg_parse(&g_msg, buf, nt_dns_builder_len(&b)), NT_OK);
    assert_int_equal(g_msg.count[NT_DNS_SEC_ANSWER], 4);
    assert_true(g_msg.flags & NT_DNS_FLAG_TC);
    assert_int_equal(g_msg.bad_records, 0);

    /* A limit keeps room free; lifting it gives the room back. */
    assert_int_equal(nt_dns_builder_init(&b, buf, sizeof buf, 0, NT_DNS_FLAG_QR), NT_OK);
    nt_dns_builder_set_limit(&b, 12 + 26 + 10);
    assert_int_equal(nt_dns_builder_add_a(&b, NT_DNS_SEC_ANSWER, &h, a4), NT_OK);
    assert_int_equal(nt_dns_builder_add_a(&b, NT_DNS_SEC_ANSWER, &h, a4), NT_ERR_NOSPACE);
    /* Below what is written clamps to it: nothing more fits. */
    nt_dns_builder_set_limit(&b, 20);
    assert_int_equal(nt_dns_builder_add_a(&b, NT_DNS_SEC_ANSWER, &h, a4), NT_ERR_NOSPACE);
    assert_int_equal(nt_dns_builder_len(&b), 12 + 26);
    nt_dns_builder_set_limit(&b, 100000);
    assert_int_equal(nt_dns_builder_add_a(&b, NT_DNS_SEC_ANSWER, &h, a4), NT_OK);
    assert_int_equal(nt_dns_builder_len(&b), 12 + 26 + 16);
}

static void test_txt_rules(void **state)
{
    uint8_t out[600];
    size_t len;
    const uint8_t *k, *v;
    size_t kl, vl;
    bool hv;
    nt_dns_txt_item bad = {"a=b", (const uint8_t *)"x", 1, true};
    nt_dns_txt_item nonprint = {"k\x7f", NULL, 0, false};
    static const uint8_t dup[] = {3, 'K', '=', '1', 3, 'k', '=', '2', 2, '=', 'x', 4, 'e', '=', '=', 'q'};
    static uint8_t big[300];
    nt_dns_txt_item toolong = {"k", big, 255, true};
    (void)state;
    /* RFC 6763 §6.1: empty TXT is one zero-length string. */
    assert_int_equal(nt_dns_txt_encode(out, sizeof out, &len, NULL, 0), NT_OK);
    assert_int_equal(len, 1);
    assert_int_equal(out[0], 0);
    assert_int_equal(nt_dns_txt_encode(out, sizeof out, &len, &bad, 1), NT_ERR_DNS_TXT_KEY);
    assert_int_equal(nt_dns_txt_encode(out, sizeof out, &len, &nonprint, 1), NT_ERR_DNS_TXT_KEY);
    assert_int_equal(nt_dns_txt_encode(out, sizeof out, &len, &toolong, 1), NT_ERR_DNS_TXT_TOO_LONG);
    /* Split at the FIRST '=': value may hold '='. */
    assert_true(nt_dns_txt_split((const uint8_t *)"e==q", 4, &k, &kl, &v, &vl, &hv));
    assert_int_equal(kl, 1);
    assert_true(hv);
    assert_int_equal(vl, 2);
    assert_memory_equal(v, "=q", 2);
    /* "key=" has an empty value; "=x" has no key. */
    assert_true(nt_dns_txt_split((const uint8_t *)"key=", 4, &k, &kl, &v, &vl, &hv));
    assert_true(hv);
    assert_int_equal(vl, 0);
    assert_false(nt_dns_txt_split((const uint8_t *)"=x", 2, &k, &kl, &v, &vl, &hv));
    /* Case-insensitive, first occurrence wins (RFC 6763 §6.4). */
    assert_int_equal(nt_dns_txt_find(dup, sizeof dup, "k", &v, &vl, &hv), NT_OK);
    assert_int_equal(v[0], '1');
    assert_int_equal(nt_dns_txt_find(dup, sizeof dup, "E", &v, &vl, &hv), NT_OK);
    assert_memory_equal(v, "=q", 2);
    assert_int_equal(nt_dns_txt_check(dup, sizeof dup), NT_OK);
    assert_int_equal(nt_dns_txt_check(dup, 3), NT_ERR_DNS_TXT_OVERRUN);
}

/* ---- canonical form (RFC 4034 §6) ------------------------------------------- */

static void test_canonical_rrset(void **state)
{
    /* Two PTR records at "_IPP._TCP.local", cache-flush set, targets
     * "Bb.x" and "a.x" (mixed case). By hand, RFC 4034 §6.2/§6.3:
     *   owner lower-cased:  04 5f 69 70 70 04 5f 74 63 70 05 6c 6f 63 61 6c 00
     *   type 000c, class 0001 (cache-flush cleared), TTL = original TTL 4500
     *   (00 00 11 94), then rdlength and lower-cased target.
     * Sorted as octet strings: "\1a\1x\0" (01 61 ...) before "\2bb\1x\0"
     * (02 62 62 ...), although "bb" comes after "a" only by length byte. */
    static const uint8_t owner[] = {4, '_', 'i', 'p', 'p', 4, '_', 't', 'c', 'p',
                                    5, 'l', 'o', 'c', 'a', 'l', 0};
    uint8_t expect[256], out[256];
    size_t e = 0;
    nt_wbuf w;
    nt_dns_record rrs[3];
    nt_dns_name o = mkname("_IPP._TCP.local");
    static const uint8_t t1[] = {2, 'B', 'b', 1, 'X', 0};
    static const uint8_t t2[] = {1, 'a', 1, 'x', 0};
    (void)state;
    rrs[0] = (nt_dns_record){o, NT_DNS_TYPE_PTR, NT_DNS_CLASS_IN, true, 120, t1, sizeof t1};
    rrs[1] = (nt_dns_record){o, NT_DNS_TYPE_PTR, NT_DNS_CLASS_IN, true, 77, t2, sizeof t2};
    rrs[2] = rrs[1]; /* a duplicate is signed once */

    memcpy(expect + e, owner, sizeof owner);
    e += sizeof owner;
    memcpy(expect + e, "\x00\x0c\x00\x01\x00\x00\x11\x94\x00\x05\x01\x61\x01\x78\x00", 15);
    e += 15;
    memcpy(expect + e, owner, sizeof owner);
    e += sizeof owner;
    memcpy(expect + e, "\x00\x0c\x00\x01\x00\x00\x11\x94\x00\x06\x02\x62\x62\x01\x78\x00", 16);
    e += 16;

    nt_wbuf_init(&w, out, sizeof out);
    assert_int_equal(nt_dns_rrset_canonical(&w, rrs, 3, 4500), NT_OK);
    assert_int_equal(w.len, e);
    assert_memory_equal(out, expect, e);

    /* Mixed types are refused; a too-small output leaves nothing behind. */
    rrs[2].type = NT_DNS_TYPE_A;
    nt_wbuf_init(&w, out, sizeof out);
    assert_int_equal(nt_dns_rrset_canonical(&w, rrs, 3, 4500), NT_ERR_INVALID_ARG);
    nt_wbuf_init(&w, out, 40);
    assert_int_equal(nt_dns_rrset_canonical(&w, rrs, 2, 4500), NT_ERR_NOSPACE);
    assert_int_equal(w.len, 0);
}

static void test_canonical_nsec_srv(void **state)
{
    /* RFC 6840 §5.1: the NSEC next name keeps its case; SRV target is
     * lowered (RFC 4034 §6.2 item 3); NSEC from the zeroconf 2-byte form
     * comes out standard. */
    static const uint8_t nsec_rd[] = {4, 'H', 'o', 's', 't', 0, 0, 0, 0, 1, 0x40};
    static const uint8_t nsec_std[] = {4, 'H', 'o', 's', 't', 0, 0, 1, 0x40};
    static const uint8_t srv_rd[] = {0, 1, 0, 2, 0x1f, 0x90, 4, 'H', 'O', 'S', 'T', 0};
    static const uint8_t srv_can[] = {0, 1, 0, 2, 0x1f, 0x90, 4, 'h', 'o', 's', 't', 0};
    uint8_t out[64];
    nt_wbuf w;
    (void)state;
    nt_wbuf_init(&w, out, sizeof out);
    assert_int_equal(nt_dns_rdata_canonical(&w, NT_DNS_TYPE_NSEC, nsec_rd, sizeof nsec_rd), NT_OK);
    assert_int_equal(w.len, sizeof nsec_std);
    assert_memory_equal(out, nsec_std, sizeof nsec_std);
    nt_wbuf_init(&w, out, sizeof out);
    assert_int_equal(nt_dns_rdata_canonical(&w, NT_DNS_TYPE_SRV, srv_rd, sizeof srv_rd), NT_OK);
    assert_int_equal(w.len, sizeof srv_can);
    assert_memory_equal(out, srv_can, sizeof srv_can);
}

static void test_rrsig_signed_data(void **state)
{
    /* RFC 4034 §3.1.8.1: RRSIG RDATA without signature, signer lowered,
     * then the RRset with TTL = original TTL (one A record here). */
    uint8_t out[128];
    nt_wbuf w;
    static const uint8_t a[] = {192, 0, 2, 1};
    nt_dns_record rec = {mkname("H.local"), NT_DNS_TYPE_A, NT_DNS_CLASS_IN, true, 120, a, 4};
    nt_dns_rrsig sig = {NT_DNS_TYPE_A, 15, 2, 120, 0x65000000u, 0x64000000u, 0x1234,
                        mkname("H.Local"), (const uint8_t *)"x", 1};
    static const uint8_t expect[] = {
        0x00, 0x01, 15, 2, 0, 0, 0, 120, 0x65, 0, 0, 0, 0x64, 0, 0, 0, 0x12, 0x34,
        1, 'h', 5, 'l', 'o', 'c', 'a', 'l', 0,               /* signer */
        1, 'h', 5, 'l', 'o', 'c', 'a', 'l', 0,               /* owner */
        0, 1, 0, 1, 0, 0, 0, 120, 0, 4, 192, 0, 2, 1};
    (void)state;
    nt_wbuf_init(&w, out, sizeof out);
    assert_int_equal(nt_dns_rrsig_signed_data(&w, &sig, &rec, 1), NT_OK);
    assert_int_equal(w.len, sizeof expect);
    assert_memory_equal(out, expect, sizeof expect);
}

/* ---- printing ------------------------------------------------------------------ */

static void test_print(void **state)
{
    static uint8_t buf[1024];
    nt_dns_builder b;
    nt_dns_name inst = mkname("My Printer\\.2._ipp._tcp.local"), host = mkname("h.local");
    nt_dns_rrhead h = {&inst, NT_DNS_CLASS_IN, true, 120};
    static const uint8_t txt[] = {5, 'a', '=', '"', 0xC3, 0xA9};
    uint8_t a4[4] = {10, 0, 0, 2};
    nt_dynbuf d;
    const char *s;
    (void)state;
    assert_int_equal(nt_dns_builder_init(&b, buf, sizeof buf, 0x1234, NT_DNS_FLAG_QR | NT_DNS_FLAG_AA),
                     NT_OK);
    assert_int_equal(nt_dns_builder_add_question(&b, &inst, NT_DNS_TYPE_SRV, NT_DNS_CLASS_IN, true),
                     NT_OK);
    assert_int_equal(nt_dns_builder_add_srv(&b, NT_DNS_SEC_ANSWER, &h, 0, 0, 631, &host), NT_OK);
    assert_int_equal(nt_dns_builder_add_txt(&b, NT_DNS_SEC_ANSWER, &h, txt, sizeof txt), NT_OK);
    h.owner = &host;
    assert_int_equal(nt_dns_builder_add_a(&b, NT_DNS_SEC_ADDITIONAL, &h, a4), NT_OK);
    assert_int_equal(nt_dns_msg_parse(&g_msg, buf, nt_dns_builder_len(&b)), NT_OK);
    nt_dynbuf_init(&d, 1 << 16);
    assert_int_equal(nt_dns_msg_print(&d, &g_msg), NT_OK);
    s = nt_dynbuf_str(&d);
    assert_non_null(strstr(s, ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 4660\n"));
    assert_non_null(strstr(s, ";; flags: qr aa; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 1\n"));
    assert_non_null(strstr(s, ";; QUESTION SECTION:\n;My\\032Printer\\.2._ipp._tcp.local.\t\tIN\tSRV\t; QU\n"));
    assert_non_null(strstr(s, "My\\032Printer\\.2._ipp._tcp.local.\t120\tIN\tSRV\t0 0 631 h.local.\t; cache-flush\n"));
    assert_non_null(strstr(s, "\tTXT\t\"a=\\\"\\195\\169\"\t; cache-flush\n"));
    assert_non_null(strstr(s, ";; ADDITIONAL SECTION:\nh.local.\t120\tIN\tA\t10.0.0.2\t; cache-flush\n"));
    nt_dynbuf_reset(&d);
    assert_int_equal(nt_dns_msg_print_json(&d, &g_msg), NT_OK);
    s = nt_dynbuf_str(&d);
    assert_non_null(strstr(s, "\"flags\":[\"qr\",\"aa\"]"));
    assert_non_null(strstr(s, "\"qu\":true"));
    assert_non_null(strstr(s, "\"data\":\"10.0.0.2\""));
    /* Unknown types use the RFC 3597 form. */
    nt_dynbuf_reset(&d);
    assert_int_equal(nt_dns_rdata_print(&d, 65280, (const uint8_t *)"\xde\xad", 2), NT_OK);
    assert_string_equal(nt_dynbuf_str(&d), "\\# 2 dead");
    nt_dynbuf_reset(&d);
    assert_int_equal(nt_dns_type_print(&d, 65280), NT_OK);
    assert_string_equal(nt_dynbuf_str(&d), "TYPE65280");
    nt_dynbuf_cleanup(&d);
}

static void test_canonical_nomem(void **state)
{
    /* The scratch allocation failing is reported and leaks nothing. */
    uint8_t out[128];
    nt_wbuf w;
    static const uint8_t a[] = {192, 0, 2, 1};
    nt_dns_record rec = {mkname("h.local"), NT_DNS_TYPE_A, NT_DNS_CLASS_IN, false, 1, a, 4};
    (void)state;
    nt_wbuf_init(&w, out, sizeof out);
    nt_mem_fail_after(0);
    assert_int_equal(nt_dns_rrset_canonical(&w, &rec, 1, 1), NT_ERR_NOMEM);
    nt_mem_fail_reset();
    assert_int_equal(w.len, 0);
}

static void test_msg_high_bytes(void **state)
{
    /* A question whose label holds UTF-8 and 0xFF, class with the QU bit:
     * parsed, decompressed and printed with \DDD, no ctype on the octets. */
    static const uint8_t body[] = {4, 'c', 0xC3, 0xA9, 0xFF, 5, 'l', 'o', 'c', 'a', 'l', 0,
                                   0, 0xFF, 0x80, 0x01};
    uint8_t pkt[64];
    size_t n = mkmsg(pkt, 1, 0, 0, 0, body, sizeof body);
    nt_dns_name name;
    nt_dynbuf d;
    (void)state;
    assert_int_equal(nt_dns_msg_parse(&g_msg, pkt, n), NT_OK);
    nt_dns_rr_owner(&g_msg, &g_msg.rr[0], &name);
    assert_int_equal(name.wire[2], 0xC3);
    assert_int_equal(name.wire[4], 0xFF);
    nt_dynbuf_init(&d, 4096);
    assert_int_equal(nt_dns_msg_print(&d, &g_msg), NT_OK);
    assert_non_null(strstr(nt_dynbuf_str(&d), ";c\\195\\169\\255.local.\t\tIN\tANY\t; QU\n"));
    nt_dynbuf_cleanup(&d);
}

static void test_name_parse_window(void **state)
{
    /* nt_dns_name_parse on a message cursor: follows a backward pointer,
     * leaves the cursor after the pointer, and does not move on error. */
    static const uint8_t msg[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                  3, 'f', 'o', 'o', 5, 'l', 'o', 'c', 'a', 'l', 0,
                                  3, 'b', 'a', 'r', 0xC0, 16, 0xC0, 40};
    nt_buf b;
    nt_dns_name n;
    char text[NT_DNS_NAME_TEXT_MAX];
    (void)state;
    nt_buf_init(&b, msg, sizeof msg);
    assert_int_equal(nt_buf_seek(&b, 23), NT_OK);
    assert_int_equal(nt_dns_name_parse(&b, &n), NT_OK);
    assert_int_equal(nt_buf_tell(&b), 29);
    assert_int_equal(nt_dns_name_to_text(&n, text, sizeof text, NULL), NT_OK);
    assert_string_equal(text, "bar.local.");
    assert_int_equal(nt_dns_name_parse(&b, &n), NT_ERR_DNS_PTR_PAST_END);
    assert_int_equal(nt_buf_tell(&b), 29);
}

static void test_to_record_nospace(void **state)
{
    uint8_t buf[256], rd[4];
    nt_dns_builder b;
    nt_dns_name o = mkname("a.local"), t = mkname("target.a.local");
    nt_dns_rrhead h = {&o, NT_DNS_CLASS_IN, false, 1};
    nt_dns_record rec;
    (void)state;
    assert_int_equal(nt_dns_builder_init(&b, buf, sizeof buf, 0, 0), NT_OK);
    assert_int_equal(nt_dns_builder_add_ptr(&b, NT_DNS_SEC_ANSWER, &h, NT_DNS_TYPE_PTR, &t), NT_OK);
    assert_int_equal(nt_dns_msg_parse(&g_msg, buf, nt_dns_builder_len(&b)), NT_OK);
    assert_int_equal(nt_dns_rr_to_record(&g_msg, &g_msg.rr[0], &rec, rd, sizeof rd), NT_ERR_NOSPACE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name_text),
        cmocka_unit_test(test_name_limits_text),
        cmocka_unit_test(test_name_high_bytes),
        cmocka_unit_test(test_name_compare),
        cmocka_unit_test(test_name_equal_every_byte_pair),
        cmocka_unit_test(test_name_from_wire),
        cmocka_unit_test(test_bad_short),
        cmocka_unit_test(test_bad_counts),
        cmocka_unit_test(test_bad_too_many_records),
        cmocka_unit_test(test_bad_ptr_self),
        cmocka_unit_test(test_bad_ptr_mutual),
        cmocka_unit_test(test_bad_ptr_forward),
        cmocka_unit_test(test_bad_ptr_header),
        cmocka_unit_test(test_bad_ptr_past_end),
        cmocka_unit_test(test_bad_ptr_chain),
        cmocka_unit_test(test_bad_label_type),
        cmocka_unit_test(test_bad_label_overrun),
        cmocka_unit_test(test_bad_name_too_long),
        cmocka_unit_test(test_bad_name_labels),
        cmocka_unit_test(test_bad_name_no_root),
        cmocka_unit_test(test_bad_short_record),
        cmocka_unit_test(test_bad_rdlength),
        cmocka_unit_test(test_bad_rdata_short),
        cmocka_unit_test(test_bad_rdata_trailing),
        cmocka_unit_test(test_bad_rdata_name),
        cmocka_unit_test(test_bad_txt_overrun),
        cmocka_unit_test(test_bad_nsec_bitmap),
        cmocka_unit_test(test_bad_dup_opt),
        cmocka_unit_test(test_bad_opt_placement),
        cmocka_unit_test(test_bad_trailing),
        cmocka_unit_test(test_bad_msg_too_long),
        cmocka_unit_test(test_statuses_distinct),
        cmocka_unit_test(test_zeroconf_nsec),
        cmocka_unit_test(test_roundtrip_all_types),
        cmocka_unit_test(test_record_conversion),
        cmocka_unit_test(test_builder_nospace),
        cmocka_unit_test(test_txt_rules),
        cmocka_unit_test(test_canonical_rrset),
        cmocka_unit_test(test_canonical_nsec_srv),
        cmocka_unit_test(test_rrsig_signed_data),
        cmocka_unit_test(test_print),
        cmocka_unit_test(test_canonical_nomem),
        cmocka_unit_test(test_msg_high_bytes),
        cmocka_unit_test(test_name_parse_window),
        cmocka_unit_test(test_to_record_nospace),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
