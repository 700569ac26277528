/* Groth16 verification of real snarkjs proofs (tests/vectors/zk, made by
 * proofs/scripts/gen_fixtures.sh), the whole-pairing known answer
 * e(alpha, beta) == vk_alphabeta_12, and every rejection of DESIGN section 5
 * with its own status. Every test that uses a key runs three times, once per
 * way of making the key (prepared at parse, one-shot, one-shot prepared
 * later), with the same expected results: the paths must agree on every
 * vector and every tampered input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nautilus/mem.h"
#include "nautilus/zk.h"
#include "zk_test_util.h"

static const uint8_t P_BE[32] = {
    0x30, 0x64, 0x4e, 0x72, 0xe1, 0x31, 0xa0, 0x29, 0xb8, 0x50, 0x45, 0xb6, 0x81, 0x81, 0x58, 0x5d,
    0x97, 0x81, 0x6a, 0x91, 0x68, 0x71, 0xca, 0x8d, 0x3c, 0x20, 0x8c, 0x16, 0xd8, 0x7c, 0xfd, 0x47};
static const uint8_t R_BE[32] = {
    0x30, 0x64, 0x4e, 0x72, 0xe1, 0x31, 0xa0, 0x29, 0xb8, 0x50, 0x45, 0xb6, 0x81, 0x81, 0x58, 0x5d,
    0x28, 0x33, 0xe8, 0x48, 0x79, 0xb9, 0x70, 0x91, 0x43, 0xe1, 0xf5, 0x93, 0xf0, 0x00, 0x00, 0x01};

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

/* How a test makes its keys (the cmocka prestate of each run). */
typedef enum { VK_PREPARED, VK_ONESHOT, VK_LATE } vk_mode;

static const vk_mode MODE_PREPARED = VK_PREPARED, MODE_ONESHOT = VK_ONESHOT,
                     MODE_LATE = VK_LATE;

static vk_mode mode_of(void **state) { return *(const vk_mode *)*state; }

static nt_status parse_vk(nt_zk_vk **vk, const char *t, size_t len, vk_mode m)
{
    nt_status st;
    if (m == VK_PREPARED) {
        st = nt_zk_vk_parse_json(vk, t, len);
        if (st == NT_OK)
            assert_true(nt_zk_vk_is_prepared(*vk));
        return st;
    }
    st = nt_zk_vk_parse_json_oneshot(vk, t, len);
    if (st != NT_OK)
        return st;
    assert_false(nt_zk_vk_is_prepared(*vk));
    if (m == VK_LATE) {
        st = nt_zk_vk_prepare(*vk);
        if (st == NT_OK) {
            assert_true(nt_zk_vk_is_prepared(*vk));
        } else {
            /* a key that fails to prepare fails as its prepared parse */
            assert_false(nt_zk_vk_is_prepared(*vk));
            nt_zk_vk_destroy(*vk);
            *vk = NULL;
        }
    }
    return st;
}

static nt_zk_vk *load_vk(const char *name, vk_mode m)
{
    size_t len;
    char *t = fixture(name, &len);
    nt_zk_vk *vk = NULL;
    nt_status st = parse_vk(&vk, t, len, m);
    if (st != NT_OK)
        fail_msg("%s: %s", name, nt_status_name(st));
    free(t);
    return vk;
}

static nt_status load_proof(nt_zk_proof *p, const char *name)
{
    size_t len;
    char *t = fixture(name, &len);
    nt_status st = nt_zk_proof_parse_json(p, t, len);
    free(t);
    return st;
}

static nt_zk_public *load_public(const char *name)
{
    size_t len;
    char *t = fixture(name, &len);
    nt_zk_public *pub = NULL;
    assert_int_equal(nt_zk_public_parse_json(&pub, t, len), NT_OK);
    free(t);
    return pub;
}

/* Serialises a cJSON tree and runs a parser on it. */
static nt_status vk_from_json(nt_zk_vk **vk, const cJSON *j, vk_mode m)
{
    char *t = cJSON_PrintUnformatted(j);
    nt_status st = parse_vk(vk, t, strlen(t), m);
    cJSON_free(t);
    return st;
}

static nt_status proof_from_json(nt_zk_proof *p, const cJSON *j)
{
    char *t = cJSON_PrintUnformatted(j);
    nt_status st = nt_zk_proof_parse_json(p, t, strlen(t));
    cJSON_free(t);
    return st;
}

static nt_status public_from_text(const char *t)
{
    nt_zk_public *pub = NULL;
    nt_status st = nt_zk_public_parse_json(&pub, t, strlen(t));
    nt_zk_public_destroy(pub);
    return st;
}

/* a + b on 32-byte big-endian numbers (no overflow expected). */
static void add_be(uint8_t out[32], const uint8_t a[32], const uint8_t b[32])
{
    unsigned carry = 0;
    int i;
    for (i = 31; i >= 0; i--) {
        unsigned s = (unsigned)a[i] + b[i] + carry;
        out[i] = (uint8_t)s;
        carry = s >> 8;
    }
}

/* a - b on 32-byte big-endian numbers, a >= b. */
static void sub_be(uint8_t out[32], const uint8_t a[32], const uint8_t b[32])
{
    int borrow = 0, i;
    for (i = 31; i >= 0; i--) {
        int d = (int)a[i] - b[i] - borrow;
        borrow = d < 0;
        out[i] = (uint8_t)(d & 0xff);
    }
}

static void test_valid_proofs(void **state)
{
    static const char *const pairs[][3] = {
        {"verification_key.json", "proof_1.json", "public_1.json"},
        {"verification_key.json", "proof_2.json", "public_2.json"},
        {"verification_key_alt.json", "proof_alt.json", "public_alt.json"},
    };
    size_t i;
    for (i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        nt_zk_vk *vk = load_vk(pairs[i][0], mode_of(state));
        nt_zk_proof proof;
        nt_zk_public *pub = load_public(pairs[i][2]);
        assert_int_equal(load_proof(&proof, pairs[i][1]), NT_OK);
        assert_int_equal(nt_zk_vk_public_count(vk), nt_zk_public_count(pub));
        assert_int_equal(nt_zk_groth16_verify(vk, &proof, pub), NT_OK);
        nt_zk_public_destroy(pub);
        nt_zk_vk_destroy(vk);
    }
}

/* A prepared and a one-shot key give the same verdict, side by side, on
 * valid proofs and on proofs paired with the wrong inputs (a one-shot key
 * checks e(alpha, beta) inside its 4-pair loop, a prepared one compares
 * with the e(alpha, beta) it computed). */
static void test_same_verdict(void **state)
{
    static const struct {
        const char *proof, *pub;
        nt_status want;
    } cases[] = {
        {"proof_1.json", "public_1.json", NT_OK},
        {"proof_2.json", "public_2.json", NT_OK},
        {"proof_1.json", "public_2.json", NT_ERR_ZK_PROOF_INVALID},
        {"proof_2.json", "public_1.json", NT_ERR_ZK_PROOF_INVALID},
    };
    nt_zk_vk *prep = load_vk("verification_key.json", VK_PREPARED);
    nt_zk_vk *once = load_vk("verification_key.json", VK_ONESHOT);
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        nt_zk_public *pub = load_public(cases[i].pub);
        nt_zk_proof proof;
        assert_int_equal(load_proof(&proof, cases[i].proof), NT_OK);
        assert_int_equal(nt_zk_groth16_verify(prep, &proof, pub), cases[i].want);
        assert_int_equal(nt_zk_groth16_verify(once, &proof, pub), cases[i].want);
        nt_zk_public_destroy(pub);
    }
    nt_zk_vk_destroy(once);
    nt_zk_vk_destroy(prep);
}

/* e(alpha, beta) through the public single-pairing entry point equals the
 * vk_alphabeta_12 snarkjs wrote, coefficient by coefficient. */
static void check_alphabeta(const char *name)
{
    size_t len;
    char *t = fixture(name, &len);
    cJSON *j = cJSON_Parse(t), *ab, *h, *c, *e;
    uint8_t g1[64], g2[128], gt[384];
    const cJSON *a = cJSON_GetObjectItem(j, "vk_alpha_1"), *b = cJSON_GetObjectItem(j, "vk_beta_2");
    size_t off = 0;
    char dec[80];
    assert_non_null(j);
    /* Encode alpha and beta in the EIP-197 layout via decimal -> bytes. */
    {
        const char *coords[6] = {
            cJSON_GetArrayItem(a, 0)->valuestring, cJSON_GetArrayItem(a, 1)->valuestring,
            cJSON_GetArrayItem(cJSON_GetArrayItem(b, 0), 1)->valuestring,
            cJSON_GetArrayItem(cJSON_GetArrayItem(b, 0), 0)->valuestring,
            cJSON_GetArrayItem(cJSON_GetArrayItem(b, 1), 1)->valuestring,
            cJSON_GetArrayItem(cJSON_GetArrayItem(b, 1), 0)->valuestring};
        uint8_t *dst[6] = {g1, g1 + 32, g2, g2 + 32, g2 + 64, g2 + 96};
        int i;
        for (i = 0; i < 6; i++) {
            /* decimal -> 32-byte big-endian */
            const char *s = coords[i];
            memset(dst[i], 0, 32);
            for (; *s; s++) {
                unsigned carry = (unsigned)(*s - '0');
                int k;
                for (k = 31; k >= 0; k--) {
                    unsigned v = dst[i][k] * 10u + carry;
                    dst[i][k] = (uint8_t)v;
                    carry = v >> 8;
                }
            }
        }
    }
    assert_int_equal(nt_zk_bn254_pairing(gt, g1, g2), NT_OK);
    ab = cJSON_GetObjectItem(j, "vk_alphabeta_12");
    assert_true(cJSON_IsArray(ab));
    cJSON_ArrayForEach(h, ab) {
        cJSON_ArrayForEach(c, h) {
            cJSON_ArrayForEach(e, c) {
                zkt_be_to_dec(dec, gt + off);
                assert_string_equal(dec, e->valuestring);
                off += 32;
            }
        }
    }
    assert_int_equal(off, 384);
    cJSON_Delete(j);
    free(t);
}

static void test_alphabeta_known_answer(void **state)
{
    (void)state;
    check_alphabeta("verification_key.json");
    check_alphabeta("verification_key_alt.json");
}

static void test_reject_public(void **state)
{
    nt_zk_vk *vk = load_vk("verification_key.json", mode_of(state));
    nt_zk_public *pub = load_public("public_1.json"), *bad = NULL;
    nt_zk_proof proof;
    uint8_t bytes[32 * NT_ZK_MAX_PUBLIC];
    size_t n, len;
    char dec[80], text[256];
    assert_int_equal(load_proof(&proof, "proof_1.json"), NT_OK);
    n = nt_zk_public_count(pub);
    assert_int_equal(nt_zk_public_write(bytes, sizeof bytes, &len, pub), NT_OK);
    assert_int_equal(len, 32 * n);

    /* A public signal changed by one. */
    bytes[31] ^= 1;
    assert_int_equal(nt_zk_public_parse(&bad, bytes, len), NT_OK);
    assert_int_equal(nt_zk_groth16_verify(vk, &proof, bad), NT_ERR_ZK_PROOF_INVALID);
    nt_zk_public_destroy(bad);
    bytes[31] ^= 1;

    /* A public signal plus r: same value mod r, rejected, never reduced. */
    {
        uint8_t v[32];
        add_be(v, bytes, R_BE);
        memcpy(bytes, v, 32);
        assert_int_equal(nt_zk_public_parse(&bad, bytes, len), NT_ERR_ZK_INPUT_RANGE);
        zkt_be_to_dec(dec, v);
        snprintf(text, sizeof text, "[\"%s\"]", dec);
        assert_int_equal(public_from_text(text), NT_ERR_ZK_INPUT_RANGE);
        sub_be(v, v, R_BE);
        memcpy(bytes, v, 32);
    }

    /* Wrong counts. */
    assert_int_equal(nt_zk_public_parse(&bad, bytes, len - 32), NT_OK);
    assert_int_equal(nt_zk_groth16_verify(vk, &proof, bad), NT_ERR_ZK_INPUT_COUNT);
    nt_zk_public_destroy(bad);
    assert_int_equal(nt_zk_public_parse(&bad, bytes, len - 1), NT_ERR_ZK_ENCODING);

    /* Text forms. */
    zkt_be_to_dec(dec, R_BE);
    snprintf(text, sizeof text, "[\"%s\"]", dec);
    assert_int_equal(public_from_text(text), NT_ERR_ZK_INPUT_RANGE);
    assert_int_equal(public_from_text("[\"01\"]"), NT_ERR_ZK_ENCODING);
    assert_int_equal(public_from_text("[\"-1\"]"), NT_ERR_ZK_ENCODING);
    assert_int_equal(public_from_text("[\"\"]"), NT_ERR_ZK_ENCODING);
    assert_int_equal(public_from_text("[1]"), NT_ERR_JSON);
    assert_int_equal(public_from_text("{\"a\":\"1\"}"), NT_ERR_JSON);
    assert_int_equal(public_from_text("[\"1\""), NT_ERR_JSON);
    assert_int_equal(public_from_text("[]"), NT_OK);

    /* Round trip through decimal text. */
    assert_int_equal(nt_zk_public_get_dec(dec, sizeof dec, pub, 0), NT_OK);
    assert_string_equal(dec, "1990");
    assert_int_equal(nt_zk_public_get_dec(dec, sizeof dec, pub, n), NT_ERR_INVALID_ARG);

    nt_zk_public_destroy(pub);
    nt_zk_vk_destroy(vk);
}

static void test_reject_proof(void **state)
{
    nt_zk_vk *vk = load_vk("verification_key.json", mode_of(state));
    nt_zk_public *pub = load_public("public_1.json"), *pub_alt = load_public("public_alt.json");
    nt_zk_proof proof, bad;
    uint8_t raw[NT_ZK_PROOF_BYTES], mod[NT_ZK_PROOF_BYTES], out[NT_ZK_PROOF_BYTES];
    assert_int_equal(load_proof(&proof, "proof_1.json"), NT_OK);
    nt_zk_proof_write(raw, &proof);

    /* Binary round trip. */
    assert_int_equal(nt_zk_proof_parse(&bad, raw, sizeof raw), NT_OK);
    nt_zk_proof_write(out, &bad);
    assert_memory_equal(out, raw, sizeof raw);
    assert_int_equal(nt_zk_groth16_verify(vk, &bad, pub), NT_OK);
    assert_int_equal(nt_zk_proof_parse(&bad, raw, sizeof raw - 1), NT_ERR_ZK_ENCODING);

    /* A negated: a valid point, a false equation. */
    memcpy(mod, raw, sizeof raw);
    sub_be(mod + 32, P_BE, raw + 32);
    assert_int_equal(nt_zk_proof_parse(&bad, mod, sizeof mod), NT_OK);
    assert_int_equal(nt_zk_groth16_verify(vk, &bad, pub), NT_ERR_ZK_PROOF_INVALID);

    /* B with its Fp2 halves swapped (snarkjs order fed as EIP-197). */
    memcpy(mod, raw, sizeof raw);
    memcpy(mod + 64, raw + 96, 32);
    memcpy(mod + 96, raw + 64, 32);
    memcpy(mod + 128, raw + 160, 32);
    memcpy(mod + 160, raw + 128, 32);
    assert_int_equal(nt_zk_proof_parse(&bad, mod, sizeof mod), NT_ERR_ZK_NOT_ON_TWIST);

    /* B on the twist but outside the r-order subgroup (derived vector). */
    {
        cJSON *all = zkt_load_vectors("derived_bn256Pairing_invalid.json"), *v;
        int found = 0;
        assert_non_null(all);
        cJSON_ArrayForEach(v, all) {
            unsigned char in[192];
            if (strcmp(cJSON_GetObjectItem(v, "Name")->valuestring, "g2_on_twist_not_in_subgroup") != 0)
                continue;
            assert_int_equal(zkt_unhex(in, sizeof in, cJSON_GetObjectItem(v, "Input")->valuestring), 192);
            memcpy(mod, raw, sizeof raw);
            memcpy(mod + 64, in + 64, 128);
            assert_int_equal(nt_zk_proof_parse(&bad, mod, sizeof mod), NT_ERR_ZK_NOT_IN_SUBGROUP);
            found = 1;
        }
        assert_true(found);
        cJSON_Delete(all);
    }

    /* Coordinates >= p, never reduced: x + p. */
    memcpy(mod, raw, sizeof raw);
    memcpy(mod, P_BE, 32);
    assert_int_equal(nt_zk_proof_parse(&bad, mod, sizeof mod), NT_ERR_ZK_COORD_RANGE);
    memcpy(mod, raw, sizeof raw);
    add_be(mod + 224, raw + 224, P_BE);
    assert_int_equal(nt_zk_proof_parse(&bad, mod, sizeof mod), NT_ERR_ZK_COORD_RANGE);
    memcpy(mod, raw, sizeof raw);
    memcpy(mod + 64, P_BE, 32);
    assert_int_equal(nt_zk_proof_parse(&bad, mod, sizeof mod), NT_ERR_ZK_COORD_RANGE);

    /* Off the curve. */
    memcpy(mod, raw, sizeof raw);
    mod[63] ^= 1;
    assert_int_equal(nt_zk_proof_parse(&bad, mod, sizeof mod), NT_ERR_ZK_NOT_ON_CURVE);
    memcpy(mod, raw, sizeof raw);
    mod[255] ^= 1;
    assert_int_equal(nt_zk_proof_parse(&bad, mod, sizeof mod), NT_ERR_ZK_NOT_ON_CURVE);

    /* Points at infinity in the proof. */
    memcpy(mod, raw, sizeof raw);
    memset(mod, 0, 64);
    assert_int_equal(nt_zk_proof_parse(&bad, mod, sizeof mod), NT_ERR_ZK_PROOF_INFINITY);
    memcpy(mod, raw, sizeof raw);
    memset(mod + 64, 0, 128);
    assert_int_equal(nt_zk_proof_parse(&bad, mod, sizeof mod), NT_ERR_ZK_PROOF_INFINITY);
    memcpy(mod, raw, sizeof raw);
    memset(mod + 192, 0, 64);
    assert_int_equal(nt_zk_proof_parse(&bad, mod, sizeof mod), NT_ERR_ZK_PROOF_INFINITY);

    /* A proof from another key (independent setup). */
    assert_int_equal(load_proof(&bad, "proof_alt.json"), NT_OK);
    assert_int_equal(nt_zk_groth16_verify(vk, &bad, pub_alt), NT_ERR_ZK_PROOF_INVALID);
    /* the alt proof is for the same statement as proof_1 (same inputs) */
    assert_int_equal(nt_zk_groth16_verify(vk, &proof, pub_alt), NT_OK);
    /* a valid proof with another statement's inputs */
    {
        nt_zk_public *pub2 = load_public("public_2.json");
        assert_int_equal(nt_zk_groth16_verify(vk, &proof, pub2), NT_ERR_ZK_PROOF_INVALID);
        nt_zk_public_destroy(pub2);
    }

    nt_zk_public_destroy(pub_alt);
    nt_zk_public_destroy(pub);
    nt_zk_vk_destroy(vk);
}

static void test_reject_proof_json(void **state)
{
    size_t len;
    char *t = fixture("proof_1.json", &len);
    cJSON *j = cJSON_Parse(t), *c;
    nt_zk_proof p;
    (void)state;
    assert_non_null(j);

    /* pi_b with the halves of each Fp2 swapped */
    c = cJSON_Duplicate(j, 1);
    {
        cJSON *b = cJSON_GetObjectItem(c, "pi_b");
        int i;
        for (i = 0; i < 2; i++) {
            cJSON *e = cJSON_GetArrayItem(b, i);
            cJSON *first = cJSON_DetachItemFromArray(e, 0);
            cJSON_AddItemToArray(e, first);
        }
    }
    assert_int_equal(proof_from_json(&p, c), NT_ERR_ZK_NOT_ON_TWIST);
    cJSON_Delete(c);

    /* A at infinity written the snarkjs way (z = 0) */
    c = cJSON_Duplicate(j, 1);
    cJSON_ReplaceItemInArray(cJSON_GetObjectItem(c, "pi_a"), 2, cJSON_CreateString("0"));
    assert_int_equal(proof_from_json(&p, c), NT_ERR_ZK_PROOF_INFINITY);
    cJSON_Delete(c);

    /* z neither 0 nor 1 */
    c = cJSON_Duplicate(j, 1);
    cJSON_ReplaceItemInArray(cJSON_GetObjectItem(c, "pi_c"), 2, cJSON_CreateString("2"));
    assert_int_equal(proof_from_json(&p, c), NT_ERR_ZK_ENCODING);
    cJSON_Delete(c);

    /* wrong protocol, wrong shape, numbers instead of strings */
    c = cJSON_Duplicate(j, 1);
    cJSON_ReplaceItemInObject(c, "protocol", cJSON_CreateString("plonk"));
    assert_int_equal(proof_from_json(&p, c), NT_ERR_ZK_PROTOCOL);
    cJSON_Delete(c);
    c = cJSON_Duplicate(j, 1);
    cJSON_DeleteItemFromArray(cJSON_GetObjectItem(c, "pi_a"), 2);
    assert_int_equal(proof_from_json(&p, c), NT_ERR_JSON);
    cJSON_Delete(c);
    c = cJSON_Duplicate(j, 1);
    cJSON_ReplaceItemInArray(cJSON_GetObjectItem(c, "pi_a"), 0, cJSON_CreateNumber(1));
    assert_int_equal(proof_from_json(&p, c), NT_ERR_JSON);
    cJSON_Delete(c);
    c = cJSON_Duplicate(j, 1);
    cJSON_ReplaceItemInArray(cJSON_GetObjectItem(c, "pi_a"), 0,
                             cJSON_CreateString("21888242871839275222246405745257275088696311157297823662689037894645226208583"));
    assert_int_equal(proof_from_json(&p, c), NT_ERR_ZK_COORD_RANGE);
    cJSON_Delete(c);
    assert_int_equal(nt_zk_proof_parse_json(&p, "", 0), NT_ERR_JSON);
    assert_int_equal(nt_zk_proof_parse_json(&p, "[]", 2), NT_ERR_JSON);

    cJSON_Delete(j);
    free(t);
}

/* The key j with IC[i] at infinity verifies proof_1 with status want. */
static void check_ic_infinity(const cJSON *j, int i, nt_status want, vk_mode m)
{
    cJSON *c = cJSON_Duplicate(j, 1), *inf = cJSON_CreateArray();
    nt_zk_public *pub = load_public("public_1.json");
    nt_zk_proof proof;
    nt_zk_vk *vk = NULL;
    cJSON_AddItemToArray(inf, cJSON_CreateString("0"));
    cJSON_AddItemToArray(inf, cJSON_CreateString("1"));
    cJSON_AddItemToArray(inf, cJSON_CreateString("0"));
    cJSON_ReplaceItemInArray(cJSON_GetObjectItem(c, "IC"), i, inf);
    assert_int_equal(vk_from_json(&vk, c, m), NT_OK);
    assert_int_equal(load_proof(&proof, "proof_1.json"), NT_OK);
    assert_int_equal(nt_zk_groth16_verify(vk, &proof, pub), want);
    nt_zk_vk_destroy(vk);
    nt_zk_public_destroy(pub);
    cJSON_Delete(c);
}

/* A key that preparing refuses with refused: parsed prepared (or prepared
 * at once) it is refused so; parsed one-shot it is kept, verifies proof_1
 * with verify_st before and after a refused preparation, and stays
 * one-shot. */
static void refused_key(const cJSON *c, vk_mode m, nt_status verify_st, nt_status refused)
{
    nt_zk_public *pub;
    nt_zk_proof proof;
    nt_zk_vk *vk = NULL;
    if (m != VK_ONESHOT) {
        assert_int_equal(vk_from_json(&vk, c, m), refused);
        return;
    }
    pub = load_public("public_1.json");
    assert_int_equal(vk_from_json(&vk, c, VK_ONESHOT), NT_OK);
    assert_int_equal(load_proof(&proof, "proof_1.json"), NT_OK);
    assert_int_equal(nt_zk_groth16_verify(vk, &proof, pub), verify_st);
    assert_int_equal(nt_zk_vk_prepare(vk), refused);
    assert_false(nt_zk_vk_is_prepared(vk));
    assert_int_equal(nt_zk_groth16_verify(vk, &proof, pub), verify_st);
    nt_zk_public_destroy(pub);
    nt_zk_vk_destroy(vk);
}

static void test_reject_vk(void **state)
{
    size_t len;
    char *t = fixture("verification_key.json", &len);
    cJSON *j = cJSON_Parse(t), *c, *e;
    nt_zk_vk *vk = NULL;
    assert_non_null(j);
    assert_int_equal(vk_from_json(&vk, j, mode_of(state)), NT_OK);
    nt_zk_vk_destroy(vk);
    vk = NULL;

    /* delta == gamma (here also the G2 generator, as snarkjs sets gamma) */
    c = cJSON_Duplicate(j, 1);
    cJSON_ReplaceItemInObject(c, "vk_delta_2", cJSON_Duplicate(cJSON_GetObjectItem(c, "vk_gamma_2"), 1));
    assert_int_equal(vk_from_json(&vk, c, mode_of(state)), NT_ERR_ZK_VK_DEGENERATE);
    cJSON_Delete(c);

    /* vk_alphabeta_12 that is not e(alpha, beta): a prepared key computes
     * e(alpha, beta) and refuses it, when parsed or prepared later; a
     * one-shot key does not compute it (nautilus/zk.h) and verifies as
     * snarkjs does, which never reads vk_alphabeta_12. */
    c = cJSON_Duplicate(j, 1);
    e = cJSON_GetArrayItem(cJSON_GetArrayItem(cJSON_GetArrayItem(cJSON_GetObjectItem(c, "vk_alphabeta_12"), 1), 2), 1);
    cJSON_SetValuestring(e, "5");
    refused_key(c, mode_of(state), NT_OK, NT_ERR_ZK_VK_MISMATCH);
    cJSON_Delete(c);

    /* without vk_alphabeta_12 the key is accepted (computed) */
    c = cJSON_Duplicate(j, 1);
    cJSON_DeleteItemFromObject(c, "vk_alphabeta_12");
    assert_int_equal(vk_from_json(&vk, c, mode_of(state)), NT_OK);
    nt_zk_vk_destroy(vk);
    vk = NULL;
    cJSON_Delete(c);

    /* nPublic that does not match IC */
    c = cJSON_Duplicate(j, 1);
    cJSON_ReplaceItemInObject(c, "nPublic", cJSON_CreateNumber(3));
    assert_int_equal(vk_from_json(&vk, c, mode_of(state)), NT_ERR_ZK_INPUT_COUNT);
    cJSON_Delete(c);

    /* protocol and curve */
    c = cJSON_Duplicate(j, 1);
    cJSON_ReplaceItemInObject(c, "curve", cJSON_CreateString("bls12381"));
    assert_int_equal(vk_from_json(&vk, c, mode_of(state)), NT_ERR_ZK_PROTOCOL);
    cJSON_Delete(c);

    /* an IC point off the curve */
    c = cJSON_Duplicate(j, 1);
    cJSON_ReplaceItemInArray(cJSON_GetArrayItem(cJSON_GetObjectItem(c, "IC"), 1), 1, cJSON_CreateString("7"));
    assert_int_equal(vk_from_json(&vk, c, mode_of(state)), NT_ERR_ZK_NOT_ON_CURVE);
    cJSON_Delete(c);

    /* beta with swapped Fp2 halves */
    c = cJSON_Duplicate(j, 1);
    {
        cJSON *b = cJSON_GetArrayItem(cJSON_GetObjectItem(c, "vk_beta_2"), 0);
        cJSON_AddItemToArray(b, cJSON_DetachItemFromArray(b, 0));
    }
    assert_int_equal(vk_from_json(&vk, c, mode_of(state)), NT_ERR_ZK_NOT_ON_TWIST);
    cJSON_Delete(c);

    /* gamma on the twist but outside the r-order subgroup */
    c = cJSON_Duplicate(j, 1);
    cJSON_ReplaceItemInObject(c, "vk_gamma_2", zkt_g2_not_in_subgroup());
    assert_int_equal(vk_from_json(&vk, c, mode_of(state)), NT_ERR_ZK_NOT_IN_SUBGROUP);
    cJSON_Delete(c);

    /* beta on the twist but outside the r-order subgroup: a prepared key
     * refuses it with e(alpha, beta) (at parse, or when prepared later); a
     * one-shot key finds it in each verification's Miller loop, and still
     * refuses to be prepared */
    c = cJSON_Duplicate(j, 1);
    cJSON_ReplaceItemInObject(c, "vk_beta_2", zkt_g2_not_in_subgroup());
    refused_key(c, mode_of(state), NT_ERR_ZK_NOT_IN_SUBGROUP, NT_ERR_ZK_NOT_IN_SUBGROUP);
    cJSON_Delete(c);

    /* IC points at infinity are allowed: the proof then verifies only if
     * their inputs are 0 (public_1: input 0 is 1990, input 1 is 0). */
    check_ic_infinity(j, 1, NT_ERR_ZK_PROOF_INVALID, mode_of(state));
    check_ic_infinity(j, 2, NT_OK, mode_of(state));

    assert_int_equal(parse_vk(&vk, "{}", 2, mode_of(state)), NT_ERR_ZK_PROTOCOL);
    assert_int_equal(parse_vk(&vk, "{", 1, mode_of(state)), NT_ERR_JSON);
    assert_null(vk);
    cJSON_Delete(j);
    free(t);
}

/* Every allocation failure is reported as NT_ERR_NOMEM and frees what was
 * taken (the ASan build checks for leaks). */
static void test_alloc_failures(void **state)
{
    size_t vlen, plen;
    char *vtext = fixture("verification_key.json", &vlen), *ptext = fixture("public_1.json", &plen);
    nt_zk_proof proof;
    long n;
    int done = 0;
    assert_int_equal(load_proof(&proof, "proof_1.json"), NT_OK);
    for (n = 0; n < 64 && !done; n++) {
        nt_zk_vk *vk = NULL;
        nt_zk_public *pub = NULL;
        nt_status st;
        nt_mem_fail_after(n);
        st = parse_vk(&vk, vtext, vlen, mode_of(state));
        if (st == NT_OK)
            st = nt_zk_public_parse_json(&pub, ptext, plen);
        if (st == NT_OK)
            st = nt_zk_groth16_verify(vk, &proof, pub);
        nt_mem_fail_reset();
        if (st == NT_OK)
            done = 1;
        else
            assert_int_equal(st, NT_ERR_NOMEM);
        nt_zk_public_destroy(pub);
        nt_zk_vk_destroy(vk);
    }
    assert_true(done);
    free(ptext);
    free(vtext);
}

/* A test once per way of making keys. */
#define EACH_MODE(fn)                                                          \
    {#fn " (prepared)", fn, NULL, NULL, (void *)&MODE_PREPARED},               \
        {#fn " (one-shot)", fn, NULL, NULL, (void *)&MODE_ONESHOT},            \
        {#fn " (prepared later)", fn, NULL, NULL, (void *)&MODE_LATE}

int main(void)
{
    const struct CMUnitTest tests[] = {
        EACH_MODE(test_valid_proofs),
        cmocka_unit_test(test_alphabeta_known_answer),
        cmocka_unit_test(test_same_verdict),
        EACH_MODE(test_reject_public),
        EACH_MODE(test_reject_proof),
        cmocka_unit_test(test_reject_proof_json),
        EACH_MODE(test_reject_vk),
        EACH_MODE(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
