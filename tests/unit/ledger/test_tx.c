/* Unit tests for transactions: both transactions of
 * tests/vectors/ethereum/signing.json byte for byte (signing hash, r, s,
 * raw, hash), decoding and sender recovery, the chain id check before
 * signing, and malformed raw transactions, each with its status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "ledger_test.h"

/* EIP-155's own example (the legacy vector's source) lists its signing hash
 * and signature; the vector file has the raw transaction they make. */
static const char eip155_signing_hash[] =
    "daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53";
static const char eip155_r_dec[] =
    "18515461264373351373200002665853028612451056578545711640558177340181847433846";
static const char eip155_s_dec[] =
    "46948507304638947509940763649030358759909902576025900602547168820602576006531";

static cJSON *vectors(void)
{
    char *text = lt_read_source("tests/vectors/ethereum/signing.json", NULL);
    cJSON *j;
    assert_non_null(text);
    j = cJSON_Parse(text);
    free(text);
    assert_non_null(j);
    return j;
}

static const char *str(const cJSON *obj, const char *name)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, name);
    assert_true(cJSON_IsString(m));
    return m->valuestring;
}

static uint64_t num(const cJSON *obj, const char *name)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, name);
    assert_true(cJSON_IsNumber(m));
    return (uint64_t)m->valuedouble;
}

static void dec(nt_u256 *out, const cJSON *obj, const char *name)
{
    const char *s = str(obj, name);
    assert_int_equal(nt_u256_from_dec(out, s, strlen(s)), NT_OK);
}

/* The vector's transaction; data points into *data (free it). */
static void tx_of(nt_tx *tx, uint8_t **data, const cJSON *v, nt_tx_type type)
{
    size_t n;
    nt_tx_init(tx, type, num(v, "chain_id"));
    tx->nonce = num(v, "nonce");
    tx->gas_limit = num(v, "gas");
    if (type == NT_TX_LEGACY) {
        dec(&tx->gas_price, v, "gas_price_wei");
    } else {
        dec(&tx->max_priority_fee_per_gas, v, "max_priority_fee_per_gas_wei");
        dec(&tx->max_fee_per_gas, v, "max_fee_per_gas_wei");
    }
    tx->has_to = true;
    lt_unhex_fixed(tx->to, 20, str(v, "to"));
    dec(&tx->value, v, "value_wei");
    *data = lt_unhex(str(v, "data"), &n);
    tx->data = n ? *data : NULL;
    tx->data_len = n;
}

static void key_of(nt_secp256k1_key *key, const cJSON *v)
{
    uint8_t sk[32];
    lt_unhex_fixed(sk, 32, str(v, "private_key"));
    assert_int_equal(nt_secp256k1_key_from_secret(key, sk), NT_OK);
}

/* Signs, compares with the vector, decodes the raw bytes back. */
static void sign_and_check(const cJSON *v, nt_tx_type type, const char *want_hash,
                           const char *want_r, const char *want_s)
{
    nt_secp256k1_key key;
    nt_tx_signer signer;
    nt_tx tx;
    nt_tx_sig sig;
    nt_tx_decoded d;
    nt_dynbuf raw;
    uint8_t *data, h[32], txhash[32], from[20];
    tx_of(&tx, &data, v, type);
    key_of(&key, v);
    assert_int_equal(nt_tx_signing_hash(h, &tx), NT_OK);
    assert_string_equal(lt_hex(h, 32), want_hash);
    nt_tx_signer_init(&signer, &key, tx.chain_id);
    nt_dynbuf_init(&raw, NT_TX_MAX_RAW);
    assert_int_equal(nt_tx_sign(&signer, &raw, &sig, txhash, &tx), NT_OK);
    assert_string_equal(lt_hex(sig.r, 32), want_r);
    assert_string_equal(lt_hex(sig.s, 32), want_s);
    assert_string_equal(lt_hex(raw.data, raw.len), str(v, "signed_raw"));
    if (cJSON_GetObjectItemCaseSensitive(v, "tx_hash") != NULL)
        assert_string_equal(lt_hex(txhash, 32), str(v, "tx_hash"));

    assert_int_equal(nt_tx_decode(&d, raw.data, raw.len), NT_OK);
    assert_int_equal(d.tx.type, type);
    assert_int_equal(d.tx.chain_id, tx.chain_id);
    assert_int_equal(d.tx.nonce, tx.nonce);
    assert_int_equal(d.tx.gas_limit, tx.gas_limit);
    assert_memory_equal(d.tx.to, tx.to, 20);
    assert_int_equal(d.tx.data_len, tx.data_len);
    assert_memory_equal(d.signing_hash, h, 32);
    assert_memory_equal(d.hash, txhash, 32);
    assert_int_equal(d.sig.y_parity, sig.y_parity);
    assert_int_equal(nt_tx_recover_sender(from, &d), NT_OK);
    assert_memory_equal(from, key.address, 20);
    nt_dynbuf_cleanup(&raw);
    nt_secp256k1_key_wipe(&key);
    free(data);
}

static void test_tx_vectors(void **state)
{
    cJSON *j = vectors();
    const cJSON *legacy = cJSON_GetObjectItemCaseSensitive(j, "eip155_legacy");
    const cJSON *t2 = cJSON_GetObjectItemCaseSensitive(j, "eip1559");
    nt_u256 r, s;
    nt_secp256k1_key key;
    char addr[43];
    (void)state;
    assert_int_equal(nt_u256_from_dec(&r, eip155_r_dec, strlen(eip155_r_dec)), NT_OK);
    assert_int_equal(nt_u256_from_dec(&s, eip155_s_dec, strlen(eip155_s_dec)), NT_OK);
    {
        char rh[65], sh[65];
        strcpy(rh, lt_hex(r.be, 32));
        strcpy(sh, lt_hex(s.be, 32));
        sign_and_check(legacy, NT_TX_LEGACY, eip155_signing_hash, rh, sh);
    }
    sign_and_check(t2, NT_TX_EIP1559, str(t2, "signing_hash"), str(t2, "r"), str(t2, "s"));
    /* The vector's address is anvil's account 0, which the key gives. */
    key_of(&key, t2);
    nt_eth_address_format(addr, key.address);
    assert_string_equal(addr, str(t2, "address"));
    nt_secp256k1_key_wipe(&key);
    cJSON_Delete(j);
}

/* A transaction for another chain is refused before anything is hashed or
 * signed: the signer below has no key at all, so any signing would crash. */
static void test_tx_wrong_chain(void **state)
{
    nt_tx_signer signer;
    nt_tx tx;
    nt_dynbuf raw;
    nt_tx_sig sig;
    uint8_t h[32];
    (void)state;
    nt_tx_init(&tx, NT_TX_EIP1559, 1);
    nt_tx_signer_init(&signer, NULL, 31337);
    nt_dynbuf_init(&raw, NT_TX_MAX_RAW);
    assert_int_equal(nt_dynbuf_add_str(&raw, "untouched"), NT_OK);
    memset(&sig, 0x5a, sizeof sig);
    assert_int_equal(nt_tx_sign(&signer, &raw, &sig, h, &tx), NT_ERR_TX_CHAIN_ID);
    assert_string_equal(nt_dynbuf_str(&raw), "untouched");
    assert_int_equal(sig.r[0], 0x5a);
    tx.type = NT_TX_LEGACY;
    tx.chain_id = 31338;
    assert_int_equal(nt_tx_sign(&signer, &raw, &sig, h, &tx), NT_ERR_TX_CHAIN_ID);
    nt_dynbuf_cleanup(&raw);
}

static void test_tx_fields(void **state)
{
    static const uint8_t bad_list[] = {0xc1, 0x01};
    nt_tx tx;
    uint8_t h[32];
    (void)state;
    nt_tx_init(&tx, NT_TX_EIP1559, 0);
    assert_int_equal(nt_tx_signing_hash(h, &tx), NT_ERR_TX_FIELD); /* chain id 0 */
    tx.chain_id = 1;
    assert_int_equal(nt_tx_signing_hash(h, &tx), NT_OK);
    nt_u256_from_u64(&tx.max_priority_fee_per_gas, 2);
    nt_u256_from_u64(&tx.max_fee_per_gas, 1);
    assert_int_equal(nt_tx_signing_hash(h, &tx), NT_ERR_TX_FIELD); /* priority > max */
    nt_u256_from_u64(&tx.max_fee_per_gas, 2);
    tx.access_list = bad_list;
    tx.access_list_len = sizeof bad_list;
    assert_int_equal(nt_tx_signing_hash(h, &tx), NT_ERR_TX_FIELD);
    tx.access_list = NULL;
    tx.access_list_len = 0;
    tx.data = h;
    tx.data_len = NT_TX_MAX_DATA + 1;
    assert_int_equal(nt_tx_signing_hash(h, &tx), NT_ERR_TX_FIELD);
    tx.data_len = 0;
    tx.type = (nt_tx_type)1;
    assert_int_equal(nt_tx_signing_hash(h, &tx), NT_ERR_TX_TYPE);
}

/* An access list (EIP-2930 form) survives signing and decoding. */
static void test_tx_access_list(void **state)
{
    nt_secp256k1_key key;
    nt_tx_signer signer;
    nt_tx tx;
    nt_tx_decoded d;
    nt_dynbuf raw;
    nt_rlp_enc e;
    const uint8_t *al;
    size_t al_len;
    uint8_t sk[32], addr[20], slot[32], from[20];
    (void)state;
    memset(sk, 0x42, 32);
    memset(addr, 0x35, 20);
    memset(slot, 0x07, 32);
    assert_int_equal(nt_secp256k1_key_from_secret(&key, sk), NT_OK);
    nt_rlp_enc_init(&e, 1024);
    nt_rlp_enc_list_begin(&e);
    nt_rlp_enc_list_begin(&e);
    nt_rlp_enc_bytes(&e, addr, 20);
    nt_rlp_enc_list_begin(&e);
    nt_rlp_enc_bytes(&e, slot, 32);
    nt_rlp_enc_list_end(&e);
    nt_rlp_enc_list_end(&e);
    nt_rlp_enc_list_end(&e);
    assert_int_equal(nt_rlp_enc_finish(&e, &al, &al_len), NT_OK);
    nt_tx_init(&tx, NT_TX_EIP1559, 5);
    tx.access_list = al;
    tx.access_list_len = al_len;
    tx.gas_limit = 50000;
    nt_tx_signer_init(&signer, &key, 5);
    nt_dynbuf_init(&raw, NT_TX_MAX_RAW);
    assert_int_equal(nt_tx_sign(&signer, &raw, NULL, NULL, &tx), NT_OK);
    assert_int_equal(nt_tx_decode(&d, raw.data, raw.len), NT_OK);
    assert_int_equal(d.tx.access_list_len, al_len);
    assert_memory_equal(d.tx.access_list, al, al_len);
    assert_false(d.tx.has_to);
    assert_int_equal(nt_tx_recover_sender(from, &d), NT_OK);
    assert_memory_equal(from, key.address, 20);
    nt_dynbuf_cleanup(&raw);
    nt_rlp_enc_cleanup(&e);
    nt_secp256k1_key_wipe(&key);
}

static nt_status decode_hex(const char *hex)
{
    size_t len;
    uint8_t *b = lt_unhex(hex, &len);
    nt_tx_decoded d;
    nt_status st = nt_tx_decode(&d, b, len);
    free(b);
    return st;
}

/* Raw transactions that must be refused, each with its status. The legacy
 * vector is edited one field at a time. */
static void test_tx_decode_malformed(void **state)
{
    /* signing.json's EIP-155 raw: f86c 09 85..00 825208 94..35 88..00 80 25 a0 r a0 s */
    static const char head[] = "098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080";
    static const char r[] = "a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276";
    static const char s[] = "a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83";
    /* n - s: the same signature with a high s (EIP-2 forbids it). */
    static const char s_high[] = "a098341627668089e51348fccfb4c7ff31c55912f2d2e47ef09652acf665fad3be";
    char hex[512];
    (void)state;
    snprintf(hex, sizeof hex, "f86c%s25%s%s", head, r, s);
    assert_int_equal(decode_hex(hex), NT_OK);
    snprintf(hex, sizeof hex, "f86c%s25%s%s", head, r, s_high);
    assert_int_equal(decode_hex(hex), NT_ERR_TX_SIGNATURE);
    snprintf(hex, sizeof hex, "f86c%s1b%s%s", head, r, s); /* v = 27: not EIP-155 */
    assert_int_equal(decode_hex(hex), NT_ERR_TX_SIGNATURE);
    snprintf(hex, sizeof hex, "f86c%s25%s%s00", head, r, s);
    assert_int_equal(decode_hex(hex), NT_ERR_RLP_TRAILING);
    snprintf(hex, sizeof hex, "f86c%s25%s%s", head, r, s);
    hex[3] = 'd'; /* list length 0x6d: the input is one byte short */
    assert_int_equal(decode_hex(hex), NT_ERR_RLP_TRUNCATED);
    snprintf(hex, sizeof hex, "f84b%s25%s", head, r); /* 8 fields */
    assert_int_equal(decode_hex(hex), NT_ERR_RLP_COUNT);
    snprintf(hex, sizeof hex, "f86d8109%s25%s%s", head + 2, r, s); /* nonce 0x81 0x09 */
    assert_int_equal(decode_hex(hex), NT_ERR_RLP_SINGLE_BYTE);
    snprintf(hex, sizeof hex, "f86e820009%s25%s%s", head + 2, r, s); /* nonce 0x0009 */
    assert_int_equal(decode_hex(hex), NT_ERR_RLP_INT);
    assert_int_equal(decode_hex("01c0"), NT_ERR_TX_TYPE);  /* EIP-2930 */
    assert_int_equal(decode_hex("03c0"), NT_ERR_TX_TYPE);  /* EIP-4844 */
    assert_int_equal(decode_hex("8180"), NT_ERR_TX_TYPE);
    assert_int_equal(decode_hex("02c0"), NT_ERR_RLP_COUNT);
    assert_int_equal(decode_hex(""), NT_ERR_RLP_TRUNCATED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tx_vectors),     cmocka_unit_test(test_tx_wrong_chain),
        cmocka_unit_test(test_tx_fields),      cmocka_unit_test(test_tx_access_list),
        cmocka_unit_test(test_tx_decode_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
