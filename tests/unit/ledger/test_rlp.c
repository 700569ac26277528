/* Unit tests for RLP (yellow paper appendix B) and the 256-bit words.
 * Known answers: the examples of the Ethereum RLP documentation
 * (ethereum.org, "Recursive-length prefix (RLP) serialization") and
 * `cast to-rlp` (Foundry 1.7.1, pinned in package-lock.json). Every
 * malformed form has its own status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ledger_test.h"
#include "nautilus/mem.h"

/* Encodes with enc_fn, checks the hex, decodes it back, re-encodes the
 * decoded tree and checks the same bytes come out. */
static void reencode(nt_rlp_enc *e, const nt_rlp_item *it)
{
    nt_rlp_iter iter;
    nt_rlp_item child;
    if (!it->is_list) {
        nt_rlp_enc_bytes(e, it->payload, it->len);
        return;
    }
    assert_int_equal(nt_rlp_iter_init(&iter, it), NT_OK);
    nt_rlp_enc_list_begin(e);
    while (nt_rlp_iter_next(&iter, &child) == NT_OK)
        reencode(e, &child);
    nt_rlp_enc_list_end(e);
}

static void check_roundtrip(const uint8_t *enc, size_t len)
{
    nt_rlp_item it;
    nt_rlp_enc e;
    const uint8_t *out;
    size_t out_len;
    assert_int_equal(nt_rlp_decode(&it, enc, len), NT_OK);
    assert_int_equal(it.raw_len, len);
    nt_rlp_enc_init(&e, 1 << 20);
    reencode(&e, &it);
    assert_int_equal(nt_rlp_enc_finish(&e, &out, &out_len), NT_OK);
    assert_int_equal(out_len, len);
    assert_memory_equal(out, enc, len);
    nt_rlp_enc_cleanup(&e);
}

static void expect_enc(nt_rlp_enc *e, const char *hex)
{
    const uint8_t *out;
    size_t len;
    assert_int_equal(nt_rlp_enc_finish(e, &out, &len), NT_OK);
    assert_string_equal(lt_hex(out, len), hex);
    check_roundtrip(out, len);
    nt_rlp_enc_reset(e);
}

static void put_str(nt_rlp_enc *e, const char *s)
{
    nt_rlp_enc_bytes(e, (const uint8_t *)s, strlen(s));
}

static void test_rlp_known(void **state)
{
    static const char lorem[] = "Lorem ipsum dolor sit amet, consectetur adipisicing elit";
    nt_rlp_enc e;
    uint8_t zero = 0, x7f = 0x7f, x80 = 0x80, b0400[2] = {4, 0};
    (void)state;
    nt_rlp_enc_init(&e, 4096);
    put_str(&e, "dog");
    expect_enc(&e, "83646f67");
    nt_rlp_enc_list_begin(&e);
    put_str(&e, "cat");
    put_str(&e, "dog");
    nt_rlp_enc_list_end(&e);
    expect_enc(&e, "c88363617483646f67");
    put_str(&e, "");
    expect_enc(&e, "80");
    nt_rlp_enc_list_begin(&e);
    nt_rlp_enc_list_end(&e);
    expect_enc(&e, "c0");
    nt_rlp_enc_u64(&e, 0);
    expect_enc(&e, "80");
    nt_rlp_enc_bytes(&e, &zero, 1);
    expect_enc(&e, "00");
    nt_rlp_enc_u64(&e, 15);
    expect_enc(&e, "0f");
    nt_rlp_enc_u64(&e, 1024);
    expect_enc(&e, "820400");
    /* The set-theoretic representation of three: [ [], [[]], [ [], [[]] ] ]. */
    nt_rlp_enc_list_begin(&e);
    nt_rlp_enc_list_begin(&e);
    nt_rlp_enc_list_end(&e);
    nt_rlp_enc_list_begin(&e);
    nt_rlp_enc_list_begin(&e);
    nt_rlp_enc_list_end(&e);
    nt_rlp_enc_list_end(&e);
    nt_rlp_enc_list_begin(&e);
    nt_rlp_enc_list_begin(&e);
    nt_rlp_enc_list_end(&e);
    nt_rlp_enc_list_begin(&e);
    nt_rlp_enc_list_begin(&e);
    nt_rlp_enc_list_end(&e);
    nt_rlp_enc_list_end(&e);
    nt_rlp_enc_list_end(&e);
    nt_rlp_enc_list_end(&e);
    expect_enc(&e, "c7c0c1c0c3c0c1c0");
    put_str(&e, lorem); /* 56 bytes: the first long form */
    {
        char want[2 * 58 + 1] = "b838";
        strcat(want, lt_hex((const uint8_t *)lorem, 56));
        expect_enc(&e, want);
    }
    /* cast to-rlp '["0x00", "0x", "0x7f", "0x80", ["0x0400"]]' */
    nt_rlp_enc_list_begin(&e);
    nt_rlp_enc_bytes(&e, &zero, 1);
    nt_rlp_enc_bytes(&e, NULL, 0);
    nt_rlp_enc_bytes(&e, &x7f, 1);
    nt_rlp_enc_bytes(&e, &x80, 1);
    nt_rlp_enc_list_begin(&e);
    nt_rlp_enc_bytes(&e, b0400, 2);
    nt_rlp_enc_list_end(&e);
    nt_rlp_enc_list_end(&e);
    expect_enc(&e, "c900807f8180c3820400");
    nt_rlp_enc_cleanup(&e);
}

/* Lists and strings around the 55/56 and 255/256 boundaries, encoded and
 * decoded back; the header moves in front of a long payload correctly. */
static void test_rlp_long_forms(void **state)
{
    static const size_t sizes[] = {0, 1, 54, 55, 56, 57, 255, 256, 65535, 65536, 100000};
    uint8_t *data = malloc(100000);
    nt_rlp_enc e;
    const uint8_t *out;
    size_t i, len;
    (void)state;
    assert_non_null(data);
    for (i = 0; i < 100000; i++)
        data[i] = (uint8_t)(i * 31 + 7);
    nt_rlp_enc_init(&e, 1 << 20);
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        nt_rlp_item it, inner;
        nt_rlp_iter iter;
        nt_rlp_enc_reset(&e);
        nt_rlp_enc_list_begin(&e);
        nt_rlp_enc_bytes(&e, data, sizes[i]);
        nt_rlp_enc_list_end(&e);
        assert_int_equal(nt_rlp_enc_finish(&e, &out, &len), NT_OK);
        check_roundtrip(out, len);
        assert_int_equal(nt_rlp_decode(&it, out, len), NT_OK);
        assert_true(it.is_list);
        assert_int_equal(nt_rlp_iter_init(&iter, &it), NT_OK);
        assert_int_equal(nt_rlp_iter_next(&iter, &inner), NT_OK);
        assert_false(inner.is_list);
        assert_int_equal(inner.len, sizes[i]);
        if (sizes[i])
            assert_memory_equal(inner.payload, data, sizes[i]);
        assert_int_equal(nt_rlp_iter_next(&iter, &inner), NT_ERR_NOT_FOUND);
    }
    nt_rlp_enc_cleanup(&e);
    free(data);
}

static void expect_decode(const char *hex, nt_status want)
{
    size_t len;
    uint8_t *b = lt_unhex(hex, &len);
    nt_rlp_item it;
    assert_int_equal(nt_rlp_decode(&it, b, len), want);
    free(b);
}

/* Hex of depth lists nested in each other: [[...[]...]]. */
static void nested(char *hex, int depth)
{
    int i;
    for (i = 0; i < depth; i++)
        snprintf(hex + 2 * i, 3, "%02x", 0xc0 + depth - 1 - i);
}

/* Every non-canonical or broken form, each with its own status. */
static void test_rlp_malformed(void **state)
{
    char deep[2 * 40 + 1];
    (void)state;
    expect_decode("", NT_ERR_RLP_TRUNCATED);
    expect_decode("83616263", NT_OK);
    expect_decode("836162", NT_ERR_RLP_TRUNCATED);         /* payload cut */
    expect_decode("b9", NT_ERR_RLP_TRUNCATED);             /* length bytes cut */
    expect_decode("c3616263", NT_OK);                      /* three single bytes */
    expect_decode("c383616263", NT_ERR_RLP_TRUNCATED);     /* an item runs past its list */
    expect_decode("c2836162", NT_ERR_RLP_TRUNCATED);
    expect_decode("8105", NT_ERR_RLP_SINGLE_BYTE);         /* 0x05 must be itself */
    expect_decode("817f", NT_ERR_RLP_SINGLE_BYTE);
    expect_decode("8180", NT_OK);                          /* 0x80 needs the prefix */
    expect_decode("c28105", NT_ERR_RLP_SINGLE_BYTE);       /* nested too */
    expect_decode("b80361626300", NT_ERR_RLP_NONMINIMAL_LEN); /* long form for 3 bytes */
    expect_decode("b837" "6161616161616161616161616161616161616161616161616161616161616161"
                  "61616161616161616161616161616161616161616161616161616161",
                  NT_ERR_RLP_NONMINIMAL_LEN);              /* 55 in long form */
    expect_decode("f80100", NT_ERR_RLP_NONMINIMAL_LEN);    /* list, long form for 1 byte */
    expect_decode("b90038" "61616161616161616161616161616161616161616161616161616161"
                  "6161616161616161616161616161616161616161616161616161616161616161",
                  NT_ERR_RLP_LEN_LEADING_ZERO);
    expect_decode("f9000100", NT_ERR_RLP_LEN_LEADING_ZERO);
    expect_decode("bb01000001", NT_ERR_RLP_TOO_LARGE);     /* 16 MiB + 1 */
    expect_decode("bfffffffffffffffff", NT_ERR_RLP_TOO_LARGE);
    expect_decode("8000", NT_ERR_RLP_TRAILING);
    expect_decode("c0c0", NT_ERR_RLP_TRAILING);
    /* 16 nested lists are fine, 17 are not. */
    nested(deep, 16);
    expect_decode(deep, NT_OK);
    nested(deep, 17);
    expect_decode(deep, NT_ERR_RLP_DEPTH);
}

static void item_of(nt_rlp_item *it, uint8_t *storage, const char *hex)
{
    size_t len, got;
    assert_int_equal(nt_hex_decode(storage, 64, &got, hex, strlen(hex)), NT_OK);
    len = got;
    assert_int_equal(nt_rlp_decode(it, storage, len), NT_OK);
}

static void test_rlp_scalars(void **state)
{
    uint8_t buf[64], addr[20];
    nt_rlp_item it, items[2];
    uint64_t v;
    nt_u256 u;
    size_t n;
    (void)state;
    item_of(&it, buf, "80");
    assert_int_equal(nt_rlp_item_u64(&v, &it), NT_OK);
    assert_int_equal(v, 0);
    item_of(&it, buf, "820400");
    assert_int_equal(nt_rlp_item_u64(&v, &it), NT_OK);
    assert_int_equal(v, 1024);
    item_of(&it, buf, "88ffffffffffffffff");
    assert_int_equal(nt_rlp_item_u64(&v, &it), NT_OK);
    assert_true(v == UINT64_MAX);
    item_of(&it, buf, "00");                 /* zero must be 0x80 */
    assert_int_equal(nt_rlp_item_u64(&v, &it), NT_ERR_RLP_INT);
    item_of(&it, buf, "820004");             /* leading zero */
    assert_int_equal(nt_rlp_item_u64(&v, &it), NT_ERR_RLP_INT);
    assert_int_equal(nt_rlp_item_u256(&u, &it), NT_ERR_RLP_INT);
    item_of(&it, buf, "89010000000000000000"); /* 2^64 */
    assert_int_equal(nt_rlp_item_u64(&v, &it), NT_ERR_RLP_INT);
    assert_int_equal(nt_rlp_item_u256(&u, &it), NT_OK);
    assert_int_equal(u.be[23], 1);
    item_of(&it, buf, "c0");
    assert_int_equal(nt_rlp_item_u64(&v, &it), NT_ERR_RLP_TYPE);
    assert_int_equal(nt_rlp_item_fixed(addr, 20, &it), NT_ERR_RLP_TYPE);
    item_of(&it, buf, "94" "3535353535353535353535353535353535353535");
    assert_int_equal(nt_rlp_item_fixed(addr, 20, &it), NT_OK);
    assert_int_equal(nt_rlp_item_fixed(addr, 19, &it), NT_ERR_RLP_TYPE);
    item_of(&it, buf, "c3010203");
    assert_int_equal(nt_rlp_list_items(items, 2, &n, &it), NT_ERR_RLP_COUNT);
    item_of(&it, buf, "c20102");
    assert_int_equal(nt_rlp_list_items(items, 2, &n, &it), NT_OK);
    assert_int_equal(n, 2);
    item_of(&it, buf, "8180");
    assert_int_equal(nt_rlp_list_items(items, 2, &n, &it), NT_ERR_RLP_TYPE);
}

/* The encoder's errors are sticky and reported once, at finish. */
static void test_rlp_encoder_errors(void **state)
{
    nt_rlp_enc e;
    const uint8_t *out;
    size_t len;
    uint8_t big[64] = {0};
    int i;
    (void)state;
    nt_rlp_enc_init(&e, 16);
    nt_rlp_enc_bytes(&e, big, sizeof big); /* past the cap */
    nt_rlp_enc_u64(&e, 1);
    assert_int_equal(nt_rlp_enc_finish(&e, &out, &len), NT_ERR_CAP);
    nt_rlp_enc_reset(&e);
    nt_rlp_enc_list_end(&e);
    assert_int_equal(nt_rlp_enc_finish(&e, &out, &len), NT_ERR_INVALID_ARG);
    nt_rlp_enc_reset(&e);
    nt_rlp_enc_list_begin(&e);
    assert_int_equal(nt_rlp_enc_finish(&e, &out, &len), NT_ERR_INVALID_ARG);
    nt_rlp_enc_reset(&e);
    for (i = 0; i < NT_RLP_MAX_DEPTH + 1; i++)
        nt_rlp_enc_list_begin(&e);
    assert_int_equal(nt_rlp_enc_finish(&e, &out, &len), NT_ERR_RLP_DEPTH);
    nt_rlp_enc_cleanup(&e);
    /* Allocation failure is reported, not ignored. */
    nt_rlp_enc_init(&e, 1024);
    nt_mem_fail_after(0);
    nt_rlp_enc_u64(&e, 1000);
    nt_mem_fail_reset();
    assert_int_equal(nt_rlp_enc_finish(&e, &out, &len), NT_ERR_NOMEM);
    nt_rlp_enc_cleanup(&e);
}

static void test_u256(void **state)
{
    static const char max_dec[] =
        "115792089237316195423570985008687907853269984665640564039457584007913129639935";
    char text[80];
    nt_u256 a, b, c;
    uint64_t v;
    (void)state;
    assert_int_equal(nt_u256_from_dec(&a, max_dec, strlen(max_dec)), NT_OK);
    assert_int_equal(nt_u256_min_len(&a), 32);
    assert_int_equal(nt_u256_to_dec(text, sizeof text, &a), NT_OK);
    assert_string_equal(text, max_dec);
    assert_int_equal(nt_u256_to_quantity(text, sizeof text, &a), NT_OK);
    assert_string_equal(text, "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    assert_int_equal(nt_u256_from_dec(&a,
                                      "115792089237316195423570985008687907853269984665640564039457584007913129639936",
                                      78),
                     NT_ERR_RANGE);
    assert_int_equal(nt_u256_from_dec(&a, "012", 3), NT_ERR_INVALID_ARG);
    assert_int_equal(nt_u256_from_dec(&a, "1x", 2), NT_ERR_INVALID_ARG);
    assert_int_equal(nt_u256_from_dec(&a, "", 0), NT_ERR_INVALID_ARG);
    /* QUANTITY: "0x0" for zero, no leading zeros, no empty "0x". */
    assert_int_equal(nt_u256_from_quantity(&a, "0x0", 3), NT_OK);
    assert_true(nt_u256_is_zero(&a));
    assert_int_equal(nt_u256_to_quantity(text, sizeof text, &a), NT_OK);
    assert_string_equal(text, "0x0");
    assert_int_equal(nt_u256_from_quantity(&a, "0x", 2), NT_ERR_INVALID_ARG);
    assert_int_equal(nt_u256_from_quantity(&a, "0x01", 4), NT_ERR_INVALID_ARG);
    assert_int_equal(nt_u256_from_quantity(&a, "0X1", 3), NT_ERR_INVALID_ARG);
    assert_int_equal(nt_u256_from_quantity(&a, "7a69", 4), NT_ERR_INVALID_ARG);
    assert_int_equal(nt_u256_from_quantity(&a, "0x7g", 4), NT_ERR_INVALID_ARG);
    assert_int_equal(nt_u256_from_quantity(&a, "0x7A69", 6), NT_OK);
    assert_int_equal(nt_u256_to_u64(&v, &a), NT_OK);
    assert_int_equal(v, 31337);
    assert_int_equal(nt_u256_to_quantity(text, sizeof text, &a), NT_OK);
    assert_string_equal(text, "0x7a69");
    /* Arithmetic and its overflow. */
    nt_u256_from_u64(&b, 8);
    assert_int_equal(nt_u256_mul_u64(&c, &a, UINT64_MAX), NT_OK);
    assert_int_equal(nt_u256_div_u32(&c, &c, 31337), 0);
    assert_int_equal(nt_u256_to_u64(&v, &c), NT_OK);
    assert_true(v == UINT64_MAX);
    assert_int_equal(nt_u256_from_dec(&a, max_dec, strlen(max_dec)), NT_OK);
    assert_int_equal(nt_u256_add(&c, &a, &b), NT_ERR_RANGE);
    assert_int_equal(nt_u256_mul_u64(&c, &a, 2), NT_ERR_RANGE);
    assert_int_equal(nt_u256_to_u64(&v, &a), NT_ERR_RANGE);
    assert_int_equal(nt_u256_cmp(&a, &b), 1);
    assert_int_equal(nt_u256_cmp(&b, &a), -1);
    assert_int_equal(nt_u256_cmp(&a, &a), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rlp_known),      cmocka_unit_test(test_rlp_long_forms),
        cmocka_unit_test(test_rlp_malformed),  cmocka_unit_test(test_rlp_scalars),
        cmocka_unit_test(test_rlp_encoder_errors), cmocka_unit_test(test_u256),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
