/* Unit tests for the BN254 scalar field Fr (zk/fr.c): known values computed
 * independently (Python big integers), canonical encodings, range checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "zk/fr.h"
#include "zk/mont.h"

#define R_DEC "21888242871839275222246405745257275088548364400416034343698204186575808495617"
#define R_MINUS_1 "21888242871839275222246405745257275088548364400416034343698204186575808495616"
#define A_DEC "12345678901234567890123456789012345678901234567890"
#define B_DEC "98765432109876543210987654321098765432109876543210"

static nt_zk_fr dec(const char *s)
{
    nt_zk_fr x;
    assert_int_equal(nt_zk_fr_parse_dec(&x, s, strlen(s)), NT_OK);
    return x;
}

static void assert_dec(const nt_zk_fr *x, const char *want)
{
    char buf[NT_ZK_FR_DEC_MAX + 1];
    assert_int_equal(nt_zk_fr_write_dec(buf, sizeof buf, x), NT_OK);
    assert_string_equal(buf, want);
}

static void test_fr_decimal(void **state)
{
    nt_zk_fr x;
    char small[3];
    (void)state;
    x = dec("0");
    assert_true(nt_zk_fr_is_zero(&x));
    assert_dec(&x, "0");
    x = dec(R_MINUS_1);
    assert_dec(&x, R_MINUS_1);
    x = dec(A_DEC);
    assert_dec(&x, A_DEC);
    /* r itself and anything larger: range error, never reduced. */
    assert_int_equal(nt_zk_fr_parse_dec(&x, R_DEC, strlen(R_DEC)), NT_ERR_ZK_SCALAR_RANGE);
    assert_int_equal(nt_zk_fr_parse_dec(&x, R_DEC "0", strlen(R_DEC) + 1), NT_ERR_ZK_SCALAR_RANGE);
    assert_int_equal(nt_zk_fr_parse_dec(&x, "99999999999999999999999999999999999999999999999999999999999999999999999999999", 77),
                     NT_ERR_ZK_SCALAR_RANGE);
    /* Non-canonical or malformed text. */
    assert_int_equal(nt_zk_fr_parse_dec(&x, "", 0), NT_ERR_ZK_ENCODING);
    assert_int_equal(nt_zk_fr_parse_dec(&x, "01", 2), NT_ERR_ZK_ENCODING);
    assert_int_equal(nt_zk_fr_parse_dec(&x, "-1", 2), NT_ERR_ZK_ENCODING);
    assert_int_equal(nt_zk_fr_parse_dec(&x, "1 ", 2), NT_ERR_ZK_ENCODING);
    assert_int_equal(nt_zk_fr_parse_dec(&x, "0x1", 3), NT_ERR_ZK_ENCODING);
    x = dec("123");
    assert_int_equal(nt_zk_fr_write_dec(small, sizeof small, &x), NT_ERR_NOSPACE);
}

/* The 256-bit decimal reader (19 digits at a time): the largest value,
 * one more, chunk boundaries, and malformed text. */
static void test_u256_decimal(void **state)
{
    static const char max[] =
        "115792089237316195423570985008687907853269984665640564039457584007913129639935";
    static const char over[] =
        "115792089237316195423570985008687907853269984665640564039457584007913129639936";
    uint64_t x[4];
    (void)state;
    assert_int_equal(nt_zk_u256_parse_dec(x, max, strlen(max)), NT_OK);
    assert_true(x[0] == ~0ULL && x[1] == ~0ULL && x[2] == ~0ULL && x[3] == ~0ULL);
    assert_int_equal(nt_zk_u256_parse_dec(x, over, strlen(over)), NT_ERR_RANGE);
    assert_int_equal(nt_zk_u256_parse_dec(x, "9999999999999999999", 19), NT_OK);
    assert_true(x[0] == 9999999999999999999ULL && x[1] == 0);
    /* 10^19 + 1: one full chunk, then one digit */
    assert_int_equal(nt_zk_u256_parse_dec(x, "10000000000000000001", 20), NT_OK);
    assert_true(x[0] == 10000000000000000001ULL && x[1] == 0);
    /* 2^64 = 18446744073709551616 (20 digits) */
    assert_int_equal(nt_zk_u256_parse_dec(x, "18446744073709551616", 20), NT_OK);
    assert_true(x[0] == 0 && x[1] == 1 && x[2] == 0 && x[3] == 0);
    assert_int_equal(nt_zk_u256_parse_dec(x, "0", 1), NT_OK);
    assert_true((x[0] | x[1] | x[2] | x[3]) == 0);
    assert_int_equal(nt_zk_u256_parse_dec(x, "01", 2), NT_ERR_ZK_ENCODING);
    assert_int_equal(nt_zk_u256_parse_dec(x, "", 0), NT_ERR_ZK_ENCODING);
    assert_int_equal(nt_zk_u256_parse_dec(x, "12a", 3), NT_ERR_ZK_ENCODING);
    assert_int_equal(nt_zk_u256_parse_dec(x, "9999999999999999999999999999999999999999999999999"
                                             "99999999999999999999999999999", 78), NT_ERR_RANGE);
    assert_int_equal(nt_zk_u256_parse_dec(x, "1000000000000000000000000000000000000000000000000"
                                             "000000000000000000000000000000", 79), NT_ERR_RANGE);
}

static void test_fr_bytes(void **state)
{
    uint8_t b[32], back[32];
    nt_zk_fr x, y;
    (void)state;
    /* r in big-endian is rejected; r - 1 accepted and round-trips. */
    static const uint8_t r_be[32] = {
        0x30, 0x64, 0x4e, 0x72, 0xe1, 0x31, 0xa0, 0x29, 0xb8, 0x50, 0x45, 0xb6, 0x81, 0x81, 0x58, 0x5d,
        0x28, 0x33, 0xe8, 0x48, 0x79, 0xb9, 0x70, 0x91, 0x43, 0xe1, 0xf5, 0x93, 0xf0, 0x00, 0x00, 0x01};
    memcpy(b, r_be, 32);
    assert_int_equal(nt_zk_fr_set_b32(&x, b), NT_ERR_ZK_SCALAR_RANGE);
    b[31] = 0;
    assert_int_equal(nt_zk_fr_set_b32(&x, b), NT_OK);
    nt_zk_fr_get_b32(back, &x);
    assert_memory_equal(back, b, 32);
    y = dec(R_MINUS_1);
    assert_true(nt_zk_fr_eq(&x, &y));
    /* Reducing variant: r + 5 -> 5. */
    memcpy(b, r_be, 32);
    b[31] = 6;
    nt_zk_fr_set_b32_reduce(&x, b);
    nt_zk_fr_set_u64(&y, 5);
    assert_true(nt_zk_fr_eq(&x, &y));
    memset(b, 0xff, 32);
    nt_zk_fr_set_b32_reduce(&x, b);
    /* 2^256 - 1 mod r */
    assert_dec(&x, "6350874878119819312338956282401532410528162663560392320966563075034087161850");
}

static void test_fr_arith(void **state)
{
    nt_zk_fr a, b, c, one, t;
    uint64_t e[4];
    (void)state;
    a = dec(A_DEC);
    b = dec(B_DEC);
    nt_zk_fr_mul(&c, &a, &b);
    assert_dec(&c, "1476025239850865772888313753328132807173985418210471644103231973181912135344");
    nt_zk_fr_sub(&c, &a, &b);
    assert_dec(&c, "21888242871839275222246405658837521879906389079551836811611784433367166520297");
    nt_zk_fr_add(&t, &c, &b);
    assert_true(nt_zk_fr_eq(&t, &a));
    assert_int_equal(nt_zk_fr_inv_var(&c, &a), NT_OK);
    assert_dec(&c, "10646065283695455229323530529943769294509271489156732030190125980904671122754");
    nt_zk_fr_mul(&t, &c, &a);
    nt_zk_fr_set_one(&one);
    assert_true(nt_zk_fr_eq(&t, &one));
    nt_zk_fr_set_zero(&t);
    assert_int_equal(nt_zk_fr_inv_var(&c, &t), NT_ERR_INVALID_ARG);
    nt_zk_fr_get_limbs(e, &b);
    nt_zk_fr_pow_var(&c, &a, e);
    assert_dec(&c, "13140540912375625536667973928071923411328889227007730643871974941618441710471");
    nt_zk_fr_neg(&c, &a);
    nt_zk_fr_add(&t, &c, &a);
    assert_true(nt_zk_fr_is_zero(&t));
    nt_zk_fr_set_zero(&t);
    nt_zk_fr_neg(&c, &t);
    assert_true(nt_zk_fr_is_zero(&c));
    nt_zk_fr_sqr(&c, &a);
    nt_zk_fr_mul(&t, &a, &a);
    assert_true(nt_zk_fr_eq(&c, &t));
    nt_zk_fr_set_u64(&t, 1);
    assert_true(nt_zk_fr_eq(&t, &one));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fr_decimal),
        cmocka_unit_test(test_u256_decimal),
        cmocka_unit_test(test_fr_bytes),
        cmocka_unit_test(test_fr_arith),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
