/* The snarkjs JSON readers take a number only in its one canonical decimal
 * form, and only when the text cJSON decoded is the whole string: an escaped
 * NUL ("12\u00003") or a raw NUL byte must not shorten a number to the digits
 * before it, nor a "protocol" to "groth16". Non-canonical decimals (leading
 * zeros, sign, spaces, exponent, hex, empty) are NT_ERR_ZK_ENCODING; a
 * document whose strings hold a NUL is NT_ERR_JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nautilus/zk.h"
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

static nt_status public_n(const char *t, size_t len)
{
    nt_zk_public *pub = NULL;
    nt_status st = nt_zk_public_parse_json(&pub, t, len);
    nt_zk_public_destroy(pub);
    return st;
}

static nt_status public_text(const char *t)
{
    return public_n(t, strlen(t));
}

/* Copy of text with the first occurrence of from replaced by to. */
static char *replaced(const char *text, const char *from, const char *to, size_t *len)
{
    const char *at = strstr(text, from);
    size_t head, n;
    char *out;
    assert_non_null(at);
    head = (size_t)(at - text);
    n = strlen(text) - strlen(from) + strlen(to);
    out = malloc(n + 1);
    assert_non_null(out);
    memcpy(out, text, head);
    memcpy(out + head, to, strlen(to));
    strcpy(out + head + strlen(to), at + strlen(from));
    *len = n;
    return out;
}

/* The first decimal string of pi_a in proof_1.json, with its quotes. */
static void first_pi_a(char *out, size_t cap, const char *proof)
{
    const char *a = strstr(proof, "\"pi_a\"");
    const char *q1, *q2;
    assert_non_null(a);
    q1 = strchr(strchr(a + 6, '[') + 1, '"');
    assert_non_null(q1);
    q2 = strchr(q1 + 1, '"');
    assert_non_null(q2);
    assert_true((size_t)(q2 - q1 + 2) <= cap);
    memcpy(out, q1, (size_t)(q2 - q1 + 1));
    out[q2 - q1 + 1] = '\0';
}

static void test_public_embedded_nul(void **state)
{
    static const char raw_nul[] = "[\"12\0003\"]";
    (void)state;
    assert_int_equal(public_text("[\"123\"]"), NT_OK);
    /* \u0000 in the middle, at the end, at the start: the number is not 12. */
    assert_int_equal(public_text("[\"12\\u00003\"]"), NT_ERR_JSON);
    assert_int_equal(public_text("[\"12\\u0000\"]"), NT_ERR_JSON);
    assert_int_equal(public_text("[\"\\u00001\"]"), NT_ERR_JSON);
    assert_int_equal(public_text("[\"1\", \"2\\u0000\"]"), NT_ERR_JSON);
    /* cJSON decodes a \u escape that is not four hex digits as code point
     * 0 too (its hex reader returns 0 on a bad digit). */
    assert_int_equal(public_text("[\"12\\u00zz3\"]"), NT_ERR_JSON);
    assert_int_equal(public_text("[\"12\\ug0003\"]"), NT_ERR_JSON);
    /* A raw NUL byte inside the string (length passed explicitly). */
    assert_int_equal(public_n(raw_nul, sizeof raw_nul - 1), NT_ERR_JSON);
    /* A raw NUL byte after the document is not JSON text either. */
    assert_int_equal(public_n("[\"1\"]\0", 6), NT_ERR_JSON);
    /* An escaped backslash before "u0000" is six ordinary characters: the
     * scan for escapes follows the string syntax, so this is a bad number,
     * not an embedded NUL. */
    assert_int_equal(public_text("[\"\\\\u0000\"]"), NT_ERR_ZK_ENCODING);
    /* Other escapes decode to digits only when they are digits. */
    assert_int_equal(public_text("[\"\\u0031\"]"), NT_OK);
    assert_int_equal(public_text("[\"1\\u0020\"]"), NT_ERR_ZK_ENCODING);
}

static void test_public_canonical(void **state)
{
    static const char *const bad[] = {
        "[\"\"]",   "[\"01\"]",  "[\"00\"]",   "[\"007\"]",  "[\"-1\"]", "[\"+1\"]",
        "[\"-0\"]", "[\" 1\"]",  "[\"1 \"]",   "[\"1\\n\"]", "[\"1e3\"]", "[\"1.0\"]",
        "[\"0x1\"]", "[\"1_0\"]", "[\"\xef\xbc\x91\"]", /* fullwidth digit one */
    };
    size_t i;
    (void)state;
    assert_int_equal(public_text("[\"0\"]"), NT_OK);
    assert_int_equal(public_text("[\"10\"]"), NT_OK);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        nt_status st = public_text(bad[i]);
        if (st != NT_ERR_ZK_ENCODING)
            fail_msg("%s gave %s", bad[i], nt_status_name(st));
    }
    /* JSON numbers are never accepted in place of strings. */
    assert_int_equal(public_text("[1]"), NT_ERR_JSON);
}

static void test_proof_embedded_nul(void **state)
{
    size_t len, n;
    char *t = fixture("proof_1.json", &len), *bad;
    char num[100], with_nul[120];
    nt_zk_proof p;
    (void)state;
    assert_int_equal(nt_zk_proof_parse_json(&p, t, len), NT_OK);

    /* pi_a's x followed by \u0000 and more digits: a C-string reader would
     * see the original x and accept the proof. */
    first_pi_a(num, sizeof num, t);
    snprintf(with_nul, sizeof with_nul, "%.*s\\u00007\"", (int)(strlen(num) - 1), num);
    bad = replaced(t, num, with_nul, &n);
    assert_int_equal(nt_zk_proof_parse_json(&p, bad, n), NT_ERR_JSON);
    free(bad);

    /* The same x with a leading zero. */
    snprintf(with_nul, sizeof with_nul, "\"0%s", num + 1);
    bad = replaced(t, num, with_nul, &n);
    assert_int_equal(nt_zk_proof_parse_json(&p, bad, n), NT_ERR_ZK_ENCODING);
    free(bad);

    /* "protocol": "groth16\u0000plonk" is not groth16. */
    bad = replaced(t, "\"groth16\"", "\"groth16\\u0000plonk\"", &n);
    assert_int_equal(nt_zk_proof_parse_json(&p, bad, n), NT_ERR_JSON);
    free(bad);
    free(t);
}

static void test_vk_embedded_nul(void **state)
{
    size_t len, n;
    char *t = fixture("verification_key.json", &len), *bad;
    nt_zk_vk *vk = NULL;
    (void)state;
    assert_int_equal(nt_zk_vk_parse_json(&vk, t, len), NT_OK);
    nt_zk_vk_destroy(vk);
    vk = NULL;

    /* The z of vk_alpha_1 ("1") with a NUL and junk after it. */
    bad = replaced(t, "\"1\"", "\"1\\u00009\"", &n);
    assert_int_equal(nt_zk_vk_parse_json(&vk, bad, n), NT_ERR_JSON);
    free(bad);
    bad = replaced(t, "\"bn128\"", "\"bn128\\u0000x\"", &n);
    assert_int_equal(nt_zk_vk_parse_json(&vk, bad, n), NT_ERR_JSON);
    free(bad);
    /* z written "01". */
    bad = replaced(t, "\"1\"", "\"01\"", &n);
    assert_int_equal(nt_zk_vk_parse_json(&vk, bad, n), NT_ERR_ZK_ENCODING);
    free(bad);
    assert_null(vk);
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_public_embedded_nul),
        cmocka_unit_test(test_public_canonical),
        cmocka_unit_test(test_proof_embedded_nul),
        cmocka_unit_test(test_vk_embedded_nul),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
