/* Unit tests for the contract ABI: selectors, call data and return data
 * against `cast calldata` / `cast abi-encode` (Foundry 1.7.1, pinned in
 * package-lock.json), the ERC-20 Transfer event log, and every bound the
 * decoder checks, each with its status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ledger_test.h"

/* cast abi-encode "f(bytes,bytes32[],string,uint256)" 0x0102030405
 *   "[0x11..11,0x22..22]" "Nautilus ledger: a string longer than thirty-two bytes" 2^256-1 */
static const char mixed_hex[] =
    "0000000000000000000000000000000000000000000000000000000000000080"
    "00000000000000000000000000000000000000000000000000000000000000c0"
    "0000000000000000000000000000000000000000000000000000000000000120"
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
    "0000000000000000000000000000000000000000000000000000000000000005"
    "0102030405000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000002"
    "1111111111111111111111111111111111111111111111111111111111111111"
    "2222222222222222222222222222222222222222222222222222222222222222"
    "0000000000000000000000000000000000000000000000000000000000000036"
    "4e617574696c7573206c65646765723a206120737472696e67206c6f6e676572"
    "207468616e207468697274792d74776f20627974657300000000000000000000";
static const char mixed_str[] = "Nautilus ledger: a string longer than thirty-two bytes";
static const nt_abi_type mixed_types[] = {NT_ABI_BYTES, NT_ABI_BYTES32_ARRAY, NT_ABI_STRING,
                                          NT_ABI_UINT256};

static void test_abi_selectors(void **state)
{
    uint8_t sel[4], topic[32];
    char sig[64];
    nt_abi_type t[] = {NT_ABI_ADDRESS, NT_ABI_UINT256};
    (void)state;
    assert_int_equal(nt_abi_signature(sig, sizeof sig, "transfer", t, 2), NT_OK);
    assert_string_equal(sig, "transfer(address,uint256)");
    nt_abi_selector(sel, sig);
    assert_string_equal(lt_hex(sel, 4), "a9059cbb"); /* cast sig */
    nt_abi_selector(sel, "balanceOf(address)");
    assert_string_equal(lt_hex(sel, 4), "70a08231");
    nt_abi_event_topic(topic, "Transfer(address,address,uint256)");
    assert_string_equal(lt_hex(topic, 32),
                        "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
    assert_int_equal(nt_abi_signature(sig, 12, "transfer", t, 2), NT_ERR_NOSPACE);
}

static void test_abi_calldata(void **state)
{
    nt_dynbuf d;
    nt_abi_value a[5];
    (void)state;
    nt_dynbuf_init(&d, 4096);
    /* cast calldata "register(string,bytes32)" "printer.local" 0x0011..eeff (twice) */
    a[0].type = NT_ABI_STRING;
    a[0].v.bytes.data = (const uint8_t *)"printer.local";
    a[0].v.bytes.len = 13;
    a[1].type = NT_ABI_BYTES32;
    lt_unhex_fixed(a[1].v.bytes32, 32,
                   "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    assert_int_equal(nt_abi_encode_call(&d, "register", a, 2), NT_OK);
    assert_string_equal(lt_hex(d.data, d.len),
                        "656afdee"
                        "0000000000000000000000000000000000000000000000000000000000000040"
                        "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
                        "000000000000000000000000000000000000000000000000000000000000000d"
                        "7072696e7465722e6c6f63616c00000000000000000000000000000000000000");
    /* cast calldata "anchor(bytes32,uint64,bytes32,bool,address)" 0x01.. 4096 0x02.. true 0xf39f.. */
    nt_dynbuf_reset(&d);
    a[0].type = NT_ABI_BYTES32;
    memset(a[0].v.bytes32, 1, 32);
    a[1].type = NT_ABI_UINT64;
    a[1].v.uint64 = 4096;
    a[2].type = NT_ABI_BYTES32;
    memset(a[2].v.bytes32, 2, 32);
    a[3].type = NT_ABI_BOOL;
    a[3].v.boolean = true;
    a[4].type = NT_ABI_ADDRESS;
    lt_unhex_fixed(a[4].v.address, 20, "f39fd6e51aad88f6f4ce6ab8827279cfffb92266");
    assert_int_equal(nt_abi_encode_call(&d, "anchor", a, 5), NT_OK);
    assert_string_equal(lt_hex(d.data, d.len),
                        "0d16beee"
                        "0101010101010101010101010101010101010101010101010101010101010101"
                        "0000000000000000000000000000000000000000000000000000000000001000"
                        "0202020202020202020202020202020202020202020202020202020202020202"
                        "0000000000000000000000000000000000000000000000000000000000000001"
                        "000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266");
    nt_dynbuf_cleanup(&d);
}

static void test_abi_dynamic_roundtrip(void **state)
{
    static const uint8_t five[] = {1, 2, 3, 4, 5};
    uint8_t words[64];
    nt_dynbuf d;
    nt_abi_value a[4], back[4];
    (void)state;
    memset(words, 0x11, 32);
    memset(words + 32, 0x22, 32);
    a[0].type = NT_ABI_BYTES;
    a[0].v.bytes.data = five;
    a[0].v.bytes.len = 5;
    a[1].type = NT_ABI_BYTES32_ARRAY;
    a[1].v.array.words = words;
    a[1].v.array.count = 2;
    a[2].type = NT_ABI_STRING;
    a[2].v.bytes.data = (const uint8_t *)mixed_str;
    a[2].v.bytes.len = strlen(mixed_str);
    a[3].type = NT_ABI_UINT256;
    memset(a[3].v.uint256.be, 0xff, 32);
    nt_dynbuf_init(&d, 4096);
    assert_int_equal(nt_abi_encode(&d, a, 4), NT_OK);
    assert_string_equal(lt_hex(d.data, d.len), mixed_hex);
    assert_int_equal(nt_abi_decode(back, mixed_types, 4, d.data, d.len), NT_OK);
    assert_int_equal(back[0].v.bytes.len, 5);
    assert_memory_equal(back[0].v.bytes.data, five, 5);
    assert_int_equal(back[1].v.array.count, 2);
    assert_memory_equal(back[1].v.array.words, words, 64);
    assert_int_equal(back[2].v.bytes.len, strlen(mixed_str));
    assert_memory_equal(back[2].v.bytes.data, mixed_str, strlen(mixed_str));
    assert_memory_equal(back[3].v.uint256.be, a[3].v.uint256.be, 32);
    /* Empty dynamic values take just their length word. */
    a[0].v.bytes.len = 0;
    a[1].v.array.count = 0;
    nt_dynbuf_reset(&d);
    assert_int_equal(nt_abi_encode(&d, a, 2), NT_OK);
    assert_int_equal(d.len, 4 * 32);
    assert_int_equal(nt_abi_decode(back, mixed_types, 2, d.data, d.len), NT_OK);
    assert_int_equal(back[0].v.bytes.len, 0);
    assert_int_equal(back[1].v.array.count, 0);
    /* An encoding that does not fit leaves the buffer as it was. */
    nt_dynbuf_cleanup(&d);
    nt_dynbuf_init(&d, 100);
    assert_int_equal(nt_dynbuf_add(&d, "x", 1), NT_OK);
    a[0].v.bytes.len = 5;
    assert_int_equal(nt_abi_encode(&d, a, 4), NT_ERR_CAP);
    assert_int_equal(d.len, 1);
    nt_dynbuf_cleanup(&d);
}

/* mixed_hex with the 32-byte word w replaced by hex (64 digits) and the
 * data cut or extended to len bytes, then decoded. */
static nt_status decode_patched(int w, const char *word, long len_delta, const char *extra)
{
    char hex[sizeof mixed_hex + 128];
    uint8_t *data;
    size_t len;
    nt_abi_value out[4];
    nt_status st;
    strcpy(hex, mixed_hex);
    if (word != NULL)
        memcpy(hex + 64 * w, word, 64);
    if (len_delta < 0)
        hex[strlen(hex) + (size_t)(2 * len_delta)] = 0;
    if (extra != NULL)
        strcat(hex, extra);
    data = lt_unhex(hex, &len);
    st = nt_abi_decode(out, mixed_types, 4, data, len);
    free(data);
    return st;
}

#define W(v) "00000000000000000000000000000000000000000000000000000000000000" v

static void test_abi_decode_bounds(void **state)
{
    nt_abi_value out[4];
    uint8_t small[64] = {0};
    (void)state;
    assert_int_equal(decode_patched(0, NULL, 0, NULL), NT_OK);
    assert_int_equal(nt_abi_decode(out, mixed_types, 4, small, 64), NT_ERR_ABI_SHORT);
    /* Offsets: past the end, into the head, not where the tail belongs. */
    assert_int_equal(decode_patched(0, W("ff"), 0, NULL), NT_ERR_ABI_OFFSET);
    assert_int_equal(decode_patched(0, W("20"), 0, NULL), NT_ERR_ABI_OFFSET);
    assert_int_equal(decode_patched(1, W("a0"), 0, NULL), NT_ERR_ABI_OFFSET);
    assert_int_equal(decode_patched(0, "ff00000000000000000000000000000000000000000000000000000000000080",
                                    0, NULL),
                     NT_ERR_ABI_OFFSET);
    /* Lengths: past the data, above the cap, a huge array count. */
    assert_int_equal(decode_patched(4, W("ff"), 0, NULL), NT_ERR_ABI_LENGTH);
    assert_int_equal(decode_patched(4, "0000000000000000000000000000000000000000000000000000000000200001",
                                    0, NULL),
                     NT_ERR_ABI_LENGTH);
    assert_int_equal(decode_patched(6, "0800000000000000000000000000000000000000000000000000000000000002",
                                    0, NULL),
                     NT_ERR_ABI_LENGTH);
    assert_int_equal(decode_patched(6, W("09"), 0, NULL), NT_ERR_ABI_LENGTH);
    /* The string cut short, padding that is not zero, bytes after the end. */
    assert_int_equal(decode_patched(0, NULL, -1, NULL), NT_ERR_ABI_LENGTH);
    assert_int_equal(decode_patched(5, "0102030405000000000000000000000000000000000000000000000000000001",
                                    0, NULL),
                     NT_ERR_ABI_PADDING);
    assert_int_equal(decode_patched(0, NULL, 0, "00"), NT_ERR_ABI_TRAILING);
    assert_int_equal(decode_patched(0, NULL, 0, W("00")), NT_ERR_ABI_TRAILING);
}

static void test_abi_static_ranges(void **state)
{
    uint8_t w[32];
    nt_abi_value v;
    nt_abi_type t;
    (void)state;
    memset(w, 0, 32);
    w[11] = 1; /* an address with a bit above its 160 */
    t = NT_ABI_ADDRESS;
    assert_int_equal(nt_abi_decode(&v, &t, 1, w, 32), NT_ERR_ABI_VALUE);
    memset(w, 0, 32);
    w[31] = 2;
    t = NT_ABI_BOOL;
    assert_int_equal(nt_abi_decode(&v, &t, 1, w, 32), NT_ERR_ABI_VALUE);
    w[31] = 1;
    assert_int_equal(nt_abi_decode(&v, &t, 1, w, 32), NT_OK);
    assert_true(v.v.boolean);
    w[23] = 1; /* 2^64 + 1 */
    t = NT_ABI_UINT64;
    assert_int_equal(nt_abi_decode(&v, &t, 1, w, 32), NT_ERR_ABI_VALUE);
    w[23] = 0;
    assert_int_equal(nt_abi_decode(&v, &t, 1, w, 32), NT_OK);
    assert_int_equal(v.v.uint64, 1);
    assert_int_equal(nt_abi_decode(&v, &t, 1, w, 31), NT_ERR_ABI_SHORT);
}

/* ERC-20 Transfer(address indexed from, address indexed to, uint256 value),
 * and an event with an indexed string (its topic is the string's keccak). */
static void test_abi_logs(void **state)
{
    static const nt_abi_type tt[] = {NT_ABI_ADDRESS, NT_ABI_ADDRESS, NT_ABI_UINT256};
    static const bool ti[] = {true, true, false};
    static const nt_abi_type nt[] = {NT_ABI_STRING, NT_ABI_BYTES32, NT_ABI_STRING};
    static const bool ni[] = {true, false, false};
    const nt_abi_event transfer = {"Transfer", tt, ti, 3}, named = {"Named", nt, ni, 3};
    uint8_t topics[4][32], data[96];
    nt_abi_value v[3];
    nt_abi_value in[2];
    nt_dynbuf d;
    (void)state;
    nt_abi_event_topic(topics[0], "Transfer(address,address,uint256)");
    memset(topics[1], 0, 32);
    memset(topics[1] + 12, 0xaa, 20);
    memset(topics[2], 0, 32);
    memset(topics[2] + 12, 0xbb, 20);
    memset(data, 0, 32);
    data[31] = 42;
    assert_int_equal(nt_abi_log_decode(v, &transfer, (const uint8_t(*)[32])topics, 3, data, 32),
                     NT_OK);
    assert_int_equal(v[0].type, NT_ABI_ADDRESS);
    assert_int_equal(v[0].v.address[0], 0xaa);
    assert_int_equal(v[1].v.address[19], 0xbb);
    assert_int_equal(v[2].v.uint256.be[31], 42);
    /* Wrong topic 0, a missing topic, one too many. */
    topics[0][0] ^= 1;
    assert_int_equal(nt_abi_log_decode(v, &transfer, (const uint8_t(*)[32])topics, 3, data, 32),
                     NT_ERR_ABI_TOPIC);
    topics[0][0] ^= 1;
    assert_int_equal(nt_abi_log_decode(v, &transfer, (const uint8_t(*)[32])topics, 2, data, 32),
                     NT_ERR_ABI_TOPIC);
    assert_int_equal(nt_abi_log_decode(v, &transfer, (const uint8_t(*)[32])topics, 4, data, 32),
                     NT_ERR_ABI_TOPIC);
    /* An indexed address topic with high bits set is refused like data. */
    topics[1][0] = 1;
    assert_int_equal(nt_abi_log_decode(v, &transfer, (const uint8_t(*)[32])topics, 3, data, 32),
                     NT_ERR_ABI_VALUE);
    /* Indexed dynamic value: the topic comes out as bytes32. */
    nt_abi_event_topic(topics[0], "Named(string,bytes32,string)");
    nt_keccak256(topics[1], (const uint8_t *)"printer.local", 13);
    in[0].type = NT_ABI_BYTES32;
    memset(in[0].v.bytes32, 7, 32);
    in[1].type = NT_ABI_STRING;
    in[1].v.bytes.data = (const uint8_t *)"hello";
    in[1].v.bytes.len = 5;
    nt_dynbuf_init(&d, 1024);
    assert_int_equal(nt_abi_encode(&d, in, 2), NT_OK);
    assert_int_equal(nt_abi_log_decode(v, &named, (const uint8_t(*)[32])topics, 2, d.data, d.len),
                     NT_OK);
    assert_int_equal(v[0].type, NT_ABI_BYTES32);
    assert_memory_equal(v[0].v.bytes32, topics[1], 32);
    assert_int_equal(v[1].v.bytes32[0], 7);
    assert_int_equal(v[2].v.bytes.len, 5);
    assert_memory_equal(v[2].v.bytes.data, "hello", 5);
    nt_dynbuf_cleanup(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_abi_selectors),     cmocka_unit_test(test_abi_calldata),
        cmocka_unit_test(test_abi_dynamic_roundtrip), cmocka_unit_test(test_abi_decode_bounds),
        cmocka_unit_test(test_abi_static_ranges), cmocka_unit_test(test_abi_logs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
