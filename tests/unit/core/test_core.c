/* Unit tests for core: cursors, capped buffers, hex/base64, status strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nautilus/buf.h"
#include "nautilus/codec.h"
#include "nautilus/mem.h"
#include "nautilus/status.h"

static void test_buf_reads(void **state)
{
    static const uint8_t data[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
    nt_buf b, w;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    (void)state;

    nt_buf_init(&b, data, sizeof data);
    assert_int_equal(nt_buf_get_u8(&b, &u8), NT_OK);
    assert_int_equal(u8, 1);
    assert_int_equal(nt_buf_get_u16(&b, &u16), NT_OK);
    assert_int_equal(u16, 0x0203);
    assert_int_equal(nt_buf_get_u32(&b, &u32), NT_OK);
    assert_int_equal(u32, 0x04050607);
    assert_int_equal(nt_buf_left(&b), 0);
    /* A failed read leaves the cursor where it was. */
    assert_int_equal(nt_buf_get_u8(&b, &u8), NT_ERR_SHORT);
    assert_int_equal(nt_buf_tell(&b), 7);

    nt_buf_init(&b, data, sizeof data);
    assert_int_equal(nt_buf_skip(&b, 1), NT_OK);
    assert_int_equal(nt_buf_get_u32(&b, &u32), NT_OK);
    assert_int_equal(nt_buf_get_u32(&b, &u32), NT_ERR_SHORT);
    assert_int_equal(nt_buf_tell(&b), 5);

    /* Windows keep absolute offsets and must be consumed exactly. */
    nt_buf_init(&b, data, sizeof data);
    assert_int_equal(nt_buf_skip(&b, 2), NT_OK);
    assert_int_equal(nt_buf_sub(&b, &w, 3), NT_OK);
    assert_int_equal(nt_buf_tell(&b), 5);
    assert_int_equal(nt_buf_tell(&w), 2);
    assert_int_equal(nt_buf_left(&w), 3);
    assert_int_equal(nt_buf_get_u16(&w, &u16), NT_OK);
    assert_int_equal(u16, 0x0304);
    assert_int_equal(nt_buf_expect_end(&w), NT_ERR_TRAILING);
    assert_int_equal(nt_buf_get_u16(&w, &u16), NT_ERR_SHORT);
    assert_int_equal(nt_buf_get_u8(&w, &u8), NT_OK);
    assert_int_equal(nt_buf_expect_end(&w), NT_OK);
    assert_int_equal(nt_buf_sub(&b, &w, 3), NT_ERR_SHORT);
    assert_int_equal(nt_buf_seek(&b, 8), NT_ERR_SHORT);
    assert_int_equal(nt_buf_peek_at(&b, 7, &u8), NT_ERR_SHORT);
    assert_int_equal(nt_buf_peek_at(&b, 6, &u8), NT_OK);
    assert_int_equal(u8, 7);
}

static void test_wbuf(void **state)
{
    uint8_t store[5];
    nt_wbuf w;
    (void)state;
    nt_wbuf_init(&w, store, sizeof store);
    assert_int_equal(nt_wbuf_put_u16(&w, 0xabcd), NT_OK);
    assert_int_equal(nt_wbuf_put_u32(&w, 1), NT_ERR_NOSPACE);
    assert_int_equal(w.len, 2);
    assert_int_equal(nt_wbuf_put_bytes(&w, (const uint8_t *)"xyz", 3), NT_OK);
    assert_int_equal(nt_wbuf_put_u8(&w, 0), NT_ERR_NOSPACE);
    assert_int_equal(nt_wbuf_patch_u16(&w, 3, 0x1234), NT_OK);
    assert_int_equal(nt_wbuf_patch_u16(&w, 4, 0x1234), NT_ERR_INVALID_ARG);
    assert_memory_equal(store, "\xab\xcdx\x12\x34", 5);
}

static void test_dynbuf_cap(void **state)
{
    nt_dynbuf d;
    int i;
    (void)state;
    nt_dynbuf_init(&d, 100);
    assert_string_equal(nt_dynbuf_str(&d), "");
    for (i = 0; i < 10; i++)
        assert_int_equal(nt_dynbuf_addf(&d, "%09d,", i), NT_OK);
    assert_int_equal(d.len, 100);
    assert_int_equal(nt_dynbuf_add_u8(&d, 'x'), NT_ERR_CAP);
    assert_int_equal(d.len, 100);
    assert_int_equal(strlen(nt_dynbuf_str(&d)), 100);
    nt_dynbuf_reset(&d);
    assert_int_equal(nt_dynbuf_add_str(&d, "abc"), NT_OK);
    assert_string_equal(nt_dynbuf_str(&d), "abc");
    nt_dynbuf_cleanup(&d);

    /* A long formatted string goes through the second vsnprintf path. */
    nt_dynbuf_init(&d, 4096);
    assert_int_equal(nt_dynbuf_addf(&d, "%0500d", 7), NT_OK);
    assert_int_equal(d.len, 500);
    assert_int_equal(nt_dynbuf_str(&d)[499], '7');
    nt_dynbuf_cleanup(&d);
}

static void test_dynbuf_nomem(void **state)
{
    nt_dynbuf d;
    (void)state;
    nt_dynbuf_init(&d, 1000);
    nt_mem_fail_after(0);
    assert_int_equal(nt_dynbuf_add_str(&d, "abc"), NT_ERR_NOMEM);
    nt_mem_fail_reset();
    assert_int_equal(d.len, 0);
    assert_int_equal(nt_dynbuf_add_str(&d, "abc"), NT_OK);
    nt_dynbuf_cleanup(&d);
}

static void test_hex(void **state)
{
    uint8_t out[8];
    char text[17];
    size_t n;
    (void)state;
    assert_int_equal(nt_hex_decode(out, sizeof out, &n, "0x00fFa1", 8), NT_OK);
    assert_int_equal(n, 3);
    assert_memory_equal(out, "\x00\xff\xa1", 3);
    assert_int_equal(nt_hex_encode(text, sizeof text, out, n), NT_OK);
    assert_string_equal(text, "00ffa1");
    assert_int_equal(nt_hex_decode(out, sizeof out, &n, "abc", 3), NT_ERR_HEX);
    assert_int_equal(nt_hex_decode(out, sizeof out, &n, "zz", 2), NT_ERR_HEX);
    assert_int_equal(nt_hex_decode(out, sizeof out, &n, "\xc3\xa9", 2), NT_ERR_HEX);
    assert_int_equal(nt_hex_decode(out, 1, &n, "0102", 4), NT_ERR_NOSPACE);
    assert_int_equal(nt_hex_encode(text, 6, out, 3), NT_ERR_NOSPACE);
    assert_int_equal(nt_hex_encode(text, 0, out, 0), NT_ERR_NOSPACE);
}

/* RFC 4648 §10 test vectors. */
static void test_base64_rfc4648(void **state)
{
    static const char *plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *enc[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    size_t i, n;
    char text[16];
    uint8_t out[16];
    (void)state;
    for (i = 0; i < 7; i++) {
        assert_int_equal(nt_base64_encode(text, sizeof text, (const uint8_t *)plain[i],
                                          strlen(plain[i])),
                         NT_OK);
        assert_string_equal(text, enc[i]);
        assert_int_equal(nt_base64_decode(out, sizeof out, &n, enc[i], strlen(enc[i])), NT_OK);
        assert_int_equal(n, strlen(plain[i]));
        assert_memory_equal(out, plain[i], n);
    }
}

static void test_base64_strict(void **state)
{
    uint8_t out[16];
    size_t n;
    (void)state;
    assert_int_equal(nt_base64_decode(out, sizeof out, &n, "Zg=", 3), NT_ERR_BASE64);
    assert_int_equal(nt_base64_decode(out, sizeof out, &n, "Zh==", 4), NT_ERR_BASE64);
    assert_int_equal(nt_base64_decode(out, sizeof out, &n, "Zm9=", 4), NT_ERR_BASE64);
    assert_int_equal(nt_base64_decode(out, sizeof out, &n, "Z=g=", 4), NT_ERR_BASE64);
    assert_int_equal(nt_base64_decode(out, sizeof out, &n, "Zg==Zg==", 8), NT_ERR_BASE64);
    assert_int_equal(nt_base64_decode(out, sizeof out, &n, "Zm9v\n", 5), NT_ERR_BASE64);
    assert_int_equal(nt_base64_decode(out, 2, &n, "Zm9v", 4), NT_ERR_NOSPACE);
}

static void test_status_strings(void **state)
{
    (void)state;
    assert_string_equal(nt_strerror(NT_OK), "success");
    assert_string_equal(nt_status_name(NT_ERR_DNS_PTR_LOOP), "NT_ERR_DNS_PTR_LOOP");
    assert_string_equal(nt_strerror((nt_status)99999), "unknown status");
}

static void test_size_arith(void **state)
{
    size_t out = 7;
    (void)state;
    assert_true(nt_size_add(&out, 1, 2));
    assert_int_equal(out, 3);
    assert_false(nt_size_add(&out, (size_t)-1, 1));
    assert_int_equal(out, 3);
    assert_false(nt_size_mul(&out, (size_t)-1 / 2 + 1, 2));
    assert_true(nt_size_mul(&out, 0, (size_t)-1));
    assert_int_equal(out, 0);
    assert_null(nt_calloc((size_t)-1 / 2 + 1, 2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_reads),     cmocka_unit_test(test_wbuf),
        cmocka_unit_test(test_dynbuf_cap),    cmocka_unit_test(test_dynbuf_nomem),
        cmocka_unit_test(test_hex),           cmocka_unit_test(test_base64_rfc4648),
        cmocka_unit_test(test_base64_strict), cmocka_unit_test(test_status_strings),
        cmocka_unit_test(test_size_arith),
    };
    return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
