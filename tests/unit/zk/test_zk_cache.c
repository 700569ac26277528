/* The verification-key cache (nt_zk_vk_cache): one-shot on the first sight,
 * prepared from the second, capped, with keys seen once evicted first, keys
 * that refuse preparation kept one-shot with one-shot verdicts; and
 * the SHA-256 that names its keys (FIPS 180-4 examples and block-boundary
 * lengths, answers from Python's hashlib). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nautilus/mem.h"
#include "nautilus/zk.h"
#include "zk/sha256.h"
#include "zk_test_util.h"

static char *fixture(const char *name, size_t *len)
{
    char path[1024], rel[256];
    char *t;
    snprintf(rel, sizeof rel, "tests/vectors/zk/%s", name);
    zkt_src_path(path, sizeof path, rel);
    t = zkt_read_file(path, len);
    if (t == NULL)
        fail_msg("cannot read %s", path);
    return t;
}

static void hex_of(char out[65], const uint8_t d[32])
{
    size_t i;
    for (i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void test_sha256(void **state)
{
    static const struct {
        size_t n;
        const char *hex;
    } pattern[] = {
        {0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {3, "6ab0dba1f4f1dfbb37b4f9eeb092c09fca4900ad32bdcd147d8dde35d6c87c35"},
        {55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b"},
        {56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27"},
        {63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055"},
        {64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241"},
        {65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e"},
        {119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e"},
        {120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5"},
        {128, "d2742f1f4ac6bb7ca2b239ee18402ba8b3f9f8e652d2a72973c2b9ba11c08cf6"},
        {1000, "1e9bc38cbf860b9ec31918b065f9b52476c549a782e0e7990bed8ce3868d2371"},
    };
    static const char two_blocks[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    uint8_t msg[1000], d[32];
    char hex[65];
    uint8_t *million;
    size_t i;
    (void)state;
    /* FIPS 180-4 examples (the NIST example values). */
    nt_zk_sha256(d, (const uint8_t *)"abc", 3);
    hex_of(hex, d);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    nt_zk_sha256(d, (const uint8_t *)two_blocks, sizeof two_blocks - 1);
    hex_of(hex, d);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    million = malloc(1000000);
    assert_non_null(million);
    memset(million, 'a', 1000000);
    nt_zk_sha256(d, million, 1000000);
    free(million);
    hex_of(hex, d);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    /* Lengths around the padding boundaries: byte i is 7 i + 3. */
    for (i = 0; i < sizeof msg; i++)
        msg[i] = (uint8_t)(i * 7 + 3);
    for (i = 0; i < sizeof pattern / sizeof pattern[0]; i++) {
        nt_zk_sha256(d, msg, pattern[i].n);
        hex_of(hex, d);
        assert_string_equal(hex, pattern[i].hex);
    }
}

typedef struct keys {
    char *text[4];
    size_t len[4];
    nt_zk_proof proof;
    nt_zk_public *pub;
} keys;

/* Four key texts: the main key, the alternative key, and the main key
 * twice more with trailing blanks (other text, so other cache entries).
 * All but the alternative verify proof_1. */
static void keys_load(keys *k)
{
    size_t plen, i;
    char *ptext = fixture("proof_1.json", &plen), *pubtext;
    k->text[0] = fixture("verification_key.json", &k->len[0]);
    k->text[1] = fixture("verification_key_alt.json", &k->len[1]);
    for (i = 2; i < 4; i++) {
        k->len[i] = k->len[0] + i - 1;
        k->text[i] = malloc(k->len[i]);
        assert_non_null(k->text[i]);
        memcpy(k->text[i], k->text[0], k->len[0]);
        memset(k->text[i] + k->len[0], ' ', i - 1);
    }
    assert_int_equal(nt_zk_proof_parse_json(&k->proof, ptext, plen), NT_OK);
    free(ptext);
    pubtext = fixture("public_1.json", &plen);
    assert_int_equal(nt_zk_public_parse_json(&k->pub, pubtext, plen), NT_OK);
    free(pubtext);
}

static void keys_free(keys *k)
{
    size_t i;
    for (i = 0; i < 4; i++)
        free(k->text[i]);
    nt_zk_public_destroy(k->pub);
}

static const nt_zk_vk *get(nt_zk_vk_cache *c, const keys *k, size_t i)
{
    const nt_zk_vk *vk = NULL;
    assert_int_equal(nt_zk_vk_cache_get(c, &vk, k->text[i], k->len[i]), NT_OK);
    assert_non_null(vk);
    assert_int_equal(nt_zk_groth16_verify(vk, &k->proof, k->pub),
                     i == 1 ? NT_ERR_ZK_PROOF_INVALID : NT_OK);
    return vk;
}

static void test_second_sight(void **state)
{
    nt_zk_vk_cache *c = NULL;
    const nt_zk_vk *first, *again, *bad = NULL;
    keys k;
    (void)state;
    keys_load(&k);
    assert_int_equal(nt_zk_vk_cache_create(&c, 0), NT_ERR_INVALID_ARG);
    assert_int_equal(nt_zk_vk_cache_create(&c, NT_ZK_VK_CACHE_MAX + 1), NT_ERR_INVALID_ARG);
    assert_int_equal(nt_zk_vk_cache_create(&c, 4), NT_OK);
    first = get(c, &k, 0);
    assert_false(nt_zk_vk_is_prepared(first));
    again = get(c, &k, 0);
    assert_ptr_equal(first, again);
    assert_true(nt_zk_vk_is_prepared(again));
    assert_ptr_equal(get(c, &k, 0), first);
    assert_int_equal(nt_zk_vk_cache_count(c), 1);
    /* A key that does not parse is not remembered. */
    assert_int_equal(nt_zk_vk_cache_get(c, &bad, "{}", 2), NT_ERR_ZK_PROTOCOL);
    assert_int_equal(nt_zk_vk_cache_get(c, &bad, "{", 1), NT_ERR_JSON);
    assert_int_equal(nt_zk_vk_cache_get(c, &bad, k.text[0], NT_ZK_MAX_JSON + 1), NT_ERR_CAP);
    assert_int_equal(nt_zk_vk_cache_get(c, &bad, NULL, 0), NT_ERR_INVALID_ARG);
    assert_null(bad);
    assert_int_equal(nt_zk_vk_cache_count(c), 1);
    nt_zk_vk_cache_destroy(c);
    nt_zk_vk_cache_destroy(NULL);
    keys_free(&k);
}

/* Capacity 2: new keys push out keys seen once, not a key in use. */
static void test_capped(void **state)
{
    nt_zk_vk_cache *c = NULL;
    const nt_zk_vk *a;
    keys k;
    (void)state;
    keys_load(&k);
    assert_int_equal(nt_zk_vk_cache_create(&c, 2), NT_OK);
    get(c, &k, 0);
    a = get(c, &k, 0); /* seen twice: prepared */
    assert_true(nt_zk_vk_is_prepared(a));
    get(c, &k, 1);
    get(c, &k, 2); /* full: key 1 (seen once) goes, key 0 stays */
    get(c, &k, 3); /* key 2 goes */
    assert_int_equal(nt_zk_vk_cache_count(c), 2);
    assert_ptr_equal(get(c, &k, 0), a);
    assert_true(nt_zk_vk_is_prepared(get(c, &k, 3))); /* key 3 still there: second sight */
    /* Both seen twice: the least recently used (key 0) goes for key 1. */
    get(c, &k, 1);
    assert_false(nt_zk_vk_is_prepared(get(c, &k, 0))); /* key 0 came back as new */
    assert_int_equal(nt_zk_vk_cache_count(c), 2);
    /* The counters of the sightings above: 6 parsed (keys 0-3, then 1 and
     * 0 again), 4 of them into a full cache; 3 found, 2 of those the second
     * sight that prepared the key (keys 0 and 3). */
    {
        nt_zk_vk_cache_stats s;
        nt_zk_vk_cache_stats_get(c, &s);
        assert_int_equal(s.misses, 6);
        assert_int_equal(s.evictions, 4);
        assert_int_equal(s.hits, 3);
        assert_int_equal(s.prepared, 2);
    }
    nt_zk_vk_cache_destroy(c);
    keys_free(&k);
}

/* Out of memory: a parse fails with nothing cached; a preparation that
 * fails leaves the key one-shot and is tried again at the next sight. */
static void test_cache_nomem(void **state)
{
    nt_zk_vk_cache *c = NULL;
    const nt_zk_vk *vk = NULL;
    keys k;
    (void)state;
    keys_load(&k);
    assert_int_equal(nt_zk_vk_cache_create(&c, 2), NT_OK);
    nt_mem_fail_after(0);
    assert_int_equal(nt_zk_vk_cache_get(c, &vk, k.text[0], k.len[0]), NT_ERR_NOMEM);
    nt_mem_fail_reset();
    assert_int_equal(nt_zk_vk_cache_count(c), 0);
    vk = get(c, &k, 0);
    nt_mem_fail_after(0);
    assert_int_equal(nt_zk_vk_cache_get(c, &vk, k.text[0], k.len[0]), NT_OK);
    nt_mem_fail_reset();
    assert_false(nt_zk_vk_is_prepared(vk));
    assert_true(nt_zk_vk_is_prepared(get(c, &k, 0)));
    nt_zk_vk_cache_destroy(c);
    keys_free(&k);
}

/* What the command in process (zk verify: a one-shot parse of the text)
 * says of proof_1 with this key text. */
static nt_status oneshot_verdict(const char *text, size_t len, const keys *k)
{
    nt_zk_vk *vk = NULL;
    nt_status st = nt_zk_vk_parse_json_oneshot(&vk, text, len);
    if (st == NT_OK)
        st = nt_zk_groth16_verify(vk, &k->proof, k->pub);
    nt_zk_vk_destroy(vk);
    return st;
}

/* A key that parses one-shot but refuses preparation (want: why): at every
 * sight through the cache, the same verdict as the one-shot parse (which
 * the agent's answers must equal, nautilus/zk.h); it stays cached,
 * one-shot, and preparing it is tried once, not at every sight. */
static void check_refused(const char *text, size_t len, nt_status want)
{
    nt_zk_vk_cache *c = NULL;
    nt_zk_vk *prep = NULL;
    nt_zk_vk_cache_stats s;
    const nt_zk_vk *vk = NULL, *first = NULL;
    nt_status verdict;
    keys k;
    int i;

    keys_load(&k);
    assert_int_equal(nt_zk_vk_parse_json(&prep, text, len), want);
    verdict = oneshot_verdict(text, len, &k);
    assert_int_equal(nt_zk_vk_cache_create(&c, 2), NT_OK);
    for (i = 0; i < 4; i++) {
        assert_int_equal(nt_zk_vk_cache_get(c, &vk, text, len), NT_OK);
        if (first == NULL)
            first = vk;
        assert_ptr_equal(vk, first);
        assert_false(nt_zk_vk_is_prepared(vk));
        assert_int_equal(nt_zk_groth16_verify(vk, &k.proof, k.pub), verdict);
        assert_int_equal(nt_zk_vk_cache_count(c), 1);
    }
    nt_zk_vk_cache_stats_get(c, &s);
    assert_int_equal(s.misses, 1);
    assert_int_equal(s.hits, 3);
    assert_int_equal(s.prepared, 0);
    assert_int_equal(s.refused, 1);
    /* Seen twice, it is a key in use: a new key does not push it out. */
    get(c, &k, 0);
    get(c, &k, 1);
    assert_int_equal(nt_zk_vk_cache_get(c, &vk, text, len), NT_OK);
    assert_ptr_equal(vk, first);
    nt_zk_vk_cache_destroy(c);
    nt_zk_vk_destroy(prep);
    keys_free(&k);
}

/* A key whose vk_alphabeta_12 is not e(alpha, beta): one-shot it verifies
 * proof_1 (snarkjs never reads the field); preparing it is refused. */
static void test_cache_alphabeta_mismatch(void **state)
{
    static const char digits[] = "\"1213621589910278104262328570862628630314170849413638225669994437642566537281\"";
    size_t len;
    char *text = fixture("verification_key.json", &len), *at;
    keys k;
    (void)state;
    at = strstr(text, digits);
    assert_non_null(at);
    at[1] = '2'; /* another value, still < p */
    keys_load(&k);
    assert_int_equal(oneshot_verdict(text, len, &k), NT_OK);
    keys_free(&k);
    check_refused(text, len, NT_ERR_ZK_VK_MISMATCH);
    free(text);
}

/* A key whose beta is on the twist but outside G2: one-shot, every
 * verification fails NT_ERR_ZK_NOT_IN_SUBGROUP; preparing it is refused. */
static void test_cache_beta_not_in_g2(void **state)
{
    size_t len;
    char *text = fixture("verification_key.json", &len), *bad;
    cJSON *j = cJSON_ParseWithLength(text, len), *beta = zkt_g2_not_in_subgroup();
    keys k;
    (void)state;
    assert_non_null(j);
    assert_non_null(beta);
    assert_true(cJSON_ReplaceItemInObject(j, "vk_beta_2", beta));
    bad = cJSON_PrintUnformatted(j);
    assert_non_null(bad);
    keys_load(&k);
    assert_int_equal(oneshot_verdict(bad, strlen(bad), &k), NT_ERR_ZK_NOT_IN_SUBGROUP);
    keys_free(&k);
    check_refused(bad, strlen(bad), NT_ERR_ZK_NOT_IN_SUBGROUP);
    cJSON_free(bad);
    cJSON_Delete(j);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256),
        cmocka_unit_test(test_second_sight),
        cmocka_unit_test(test_capped),
        cmocka_unit_test(test_cache_nomem),
        cmocka_unit_test(test_cache_alphabeta_mismatch),
        cmocka_unit_test(test_cache_beta_not_in_g2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
