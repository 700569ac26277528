/* Unit tests of nt_ledger_chain that need no node: the Registry's name
 * hash (the vector of contracts/README.md, which it_contracts computes with
 * `cast keccak`), call data of the four transactions, and the names of the
 * contracts' custom errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nautilus/codec.h"
#include "nautilus/ledger_chain.h"

static void hex32(uint8_t out[32], const char *hex)
{
    size_t n = 0;
    assert_int_equal(nt_hex_decode(out, 32, &n, hex, strlen(hex)), NT_OK);
    assert_int_equal(n, 32);
}

static void test_name_hash_vector(void **state)
{
    static const uint8_t lower[] = "\7printer\5local";
    static const uint8_t mixed[] = "\7Printer\5LOCAL";
    uint8_t want[32], got[32];
    (void)state;

    hex32(want, "e6bce80dd3c80610913596ab6e11b943e0917da6140bcd231b0c293457dbf5c5");
    /* sizeof includes the string's NUL: the root label. */
    assert_int_equal(nt_chain_name_hash(got, lower, sizeof lower), NT_OK);
    assert_memory_equal(got, want, 32);
    assert_int_equal(nt_chain_name_hash(got, mixed, sizeof mixed), NT_OK);
    assert_memory_equal(got, want, 32);
}

static void test_name_hash_refusals(void **state)
{
    static const uint8_t no_root[] = {7, 'p', 'r', 'i', 'n', 't', 'e', 'r'};
    static const uint8_t trailing[] = {1, 'a', 0, 0};
    static const uint8_t pointer[] = {0xc0, 0x0c};
    static const uint8_t short_label[] = {5, 'a', 'b', 0};
    uint8_t long_label[66] = {64};
    uint8_t out[32];
    (void)state;

    assert_int_equal(nt_chain_name_hash(out, no_root, sizeof no_root), NT_ERR_INVALID_ARG);
    assert_int_equal(nt_chain_name_hash(out, trailing, sizeof trailing), NT_ERR_INVALID_ARG);
    assert_int_equal(nt_chain_name_hash(out, pointer, sizeof pointer), NT_ERR_INVALID_ARG);
    assert_int_equal(nt_chain_name_hash(out, short_label, sizeof short_label),
                     NT_ERR_INVALID_ARG);
    assert_int_equal(nt_chain_name_hash(out, long_label, sizeof long_label), NT_ERR_INVALID_ARG);
    assert_int_equal(nt_chain_name_hash(out, NULL, 0), NT_ERR_INVALID_ARG);
    static const uint8_t root[] = {0};
    assert_int_equal(nt_chain_name_hash(out, root, 1), NT_OK);
}

static void test_call_encode(void **state)
{
    nt_chain_call call;
    nt_dynbuf d;
    uint8_t sel[4];
    (void)state;

    memset(&call, 0, sizeof call);
    memset(call.name_hash, 0x11, 32);
    memset(call.digest, 0x22, 32);
    memset(call.root, 0x33, 32);
    call.size = 4096;
    nt_dynbuf_init(&d, 1024);

    call.kind = NT_CHAIN_CALL_REGISTER;
    assert_int_equal(nt_chain_call_encode(&d, &call), NT_OK);
    nt_abi_selector(sel, "register(bytes32,bytes32)");
    assert_int_equal(d.len, 4 + 64);
    assert_memory_equal(d.data, sel, 4);
    assert_memory_equal(d.data + 4, call.name_hash, 32);
    assert_memory_equal(d.data + 36, call.digest, 32);

    nt_dynbuf_reset(&d);
    call.kind = NT_CHAIN_CALL_CHECKPOINT;
    assert_int_equal(nt_chain_call_encode(&d, &call), NT_OK);
    nt_abi_selector(sel, "checkpoint(bytes32,bytes32,uint64,bytes32)");
    assert_int_equal(d.len, 4 + 128);
    assert_memory_equal(d.data, sel, 4);
    assert_memory_equal(d.data + 4, call.digest, 32); /* logId first */
    assert_memory_equal(d.data + 36, call.name_hash, 32);
    assert_int_equal(d.data[4 + 64 + 30], 0x10);    /* 4096 = 0x1000 */
    assert_memory_equal(d.data + 100, call.root, 32);

    nt_dynbuf_reset(&d);
    call.kind = NT_CHAIN_CALL_REVOKE;
    assert_int_equal(nt_chain_call_encode(&d, &call), NT_OK);
    nt_abi_selector(sel, "revoke(bytes32)");
    assert_int_equal(d.len, 36);
    assert_memory_equal(d.data, sel, 4);

    nt_dynbuf_reset(&d);
    call.kind = (nt_chain_call_kind)9;
    assert_int_equal(nt_chain_call_encode(&d, &call), NT_ERR_INVALID_ARG);
    nt_dynbuf_cleanup(&d);
}

static void test_error_names(void **state)
{
    uint8_t data[4 + 64] = {0};
    (void)state;

    nt_abi_selector(data, "NameTaken(bytes32,address)");
    assert_string_equal(nt_chain_error_name(data, sizeof data), "NameTaken");
    nt_abi_selector(data, "AlreadyCheckpointed(bytes32,uint64,bytes32)");
    assert_string_equal(nt_chain_error_name(data, 4), "AlreadyCheckpointed");
    assert_null(nt_chain_error_name(data, 3));
    memset(data, 0xee, 4);
    assert_null(nt_chain_error_name(data, 4));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name_hash_vector),
        cmocka_unit_test(test_name_hash_refusals),
        cmocka_unit_test(test_call_encode),
        cmocka_unit_test(test_error_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
