/* BN254 group and pairing code against outside vectors: the go-ethereum
 * precompile tests (EIP-196 add/mul, EIP-197 pairing), the erigon failing
 * add, and derived invalid pairing inputs (tests/vectors/bn254, read at run
 * time through cJSON). Every valid vector must give the expected bytes;
 * every invalid one must be rejected with its own status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nautilus/zk.h"
#include "zk_test_util.h"

static const char *str_field(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static cJSON *must_load(const char *name)
{
    cJSON *j = zkt_load_vectors(name);
    if (j == NULL)
        fail_msg("cannot read tests/vectors/bn254/%s (NT_SOURCE_DIR=%s)", name,
                 getenv("NT_SOURCE_DIR") ? getenv("NT_SOURCE_DIR") : "(unset)");
    assert_true(cJSON_IsArray(j));
    assert_true(cJSON_GetArraySize(j) > 0);
    return j;
}

typedef nt_status (*g1_op)(uint8_t out[64], const uint8_t *in, size_t len);

static void run_g1_vectors(const char *file, g1_op op)
{
    cJSON *all = must_load(file), *v;
    int count = 0;
    cJSON_ArrayForEach(v, all) {
        unsigned char in[512], want[64];
        uint8_t got[64];
        size_t n = zkt_unhex(in, sizeof in, str_field(v, "Input"));
        assert_int_equal(zkt_unhex(want, sizeof want, str_field(v, "Expected")), 64);
        if (op(got, in, n) != NT_OK)
            fail_msg("%s %s rejected", file, str_field(v, "Name"));
        if (memcmp(got, want, 64) != 0)
            fail_msg("%s %s: wrong result", file, str_field(v, "Name"));
        count++;
    }
    print_message("%s: %d vectors\n", file, count);
    cJSON_Delete(all);
}

static void test_geth_add(void **state)
{
    (void)state;
    run_g1_vectors("geth_bn256Add.json", nt_zk_bn254_add);
}

static void test_geth_mul(void **state)
{
    (void)state;
    run_g1_vectors("geth_bn256ScalarMul.json", nt_zk_bn254_mul);
}

static void test_erigon_fail_add(void **state)
{
    cJSON *all = must_load("erigon_fail-bn256Add.json"), *v;
    (void)state;
    cJSON_ArrayForEach(v, all) {
        unsigned char in[128];
        uint8_t out[64];
        const char *hex = str_field(v, "Input");
        size_t n;
        assert_int_equal(strlen(hex) % 2, 1);
        memset(in, 0, sizeof in);
        n = zkt_unhex(in, sizeof in, hex);
        assert_int_equal(n, 127);
        /* zero-padded to 128 bytes: the second point is off the curve */
        assert_int_equal(nt_zk_bn254_add(out, in, sizeof in), NT_ERR_ZK_NOT_ON_CURVE);
        /* the precompile pads short input the same way */
        assert_int_equal(nt_zk_bn254_add(out, in, n), NT_ERR_ZK_NOT_ON_CURVE);
    }
    cJSON_Delete(all);
}

static void test_geth_pairing(void **state)
{
    cJSON *all = must_load("geth_bn256Pairing.json"), *v;
    int count = 0, trues = 0;
    (void)state;
    cJSON_ArrayForEach(v, all) {
        static unsigned char in[4096];
        unsigned char want[32];
        bool ok = false;
        size_t n = zkt_unhex(in, sizeof in, str_field(v, "Input"));
        assert_int_equal(zkt_unhex(want, sizeof want, str_field(v, "Expected")), 32);
        if (nt_zk_bn254_pairing_check(&ok, in, n) != NT_OK)
            fail_msg("pairing %s rejected", str_field(v, "Name"));
        if (ok != (want[31] == 1))
            fail_msg("pairing %s: got %d", str_field(v, "Name"), ok);
        trues += ok;
        count++;
    }
    print_message("geth pairing: %d vectors, %d true\n", count, trues);
    assert_true(trues > 0 && trues < count);
    cJSON_Delete(all);
}

static void test_derived_invalid(void **state)
{
    static const struct {
        const char *name;
        nt_status want;
    } expect[] = {
        {"evmone_valid_points_result_false", NT_OK},
        {"g1_x_eq_p", NT_ERR_ZK_COORD_RANGE},
        {"g2_x_im_eq_p", NT_ERR_ZK_COORD_RANGE},
        {"g1_not_on_curve", NT_ERR_ZK_NOT_ON_CURVE},
        {"g2_not_on_curve", NT_ERR_ZK_NOT_ON_TWIST},
        {"g2_on_twist_not_in_subgroup", NT_ERR_ZK_NOT_IN_SUBGROUP},
        {"g2_valid_but_fp2_halves_swapped", NT_ERR_ZK_NOT_ON_TWIST},
        {"bad_length_191_bytes", NT_ERR_ZK_ENCODING},
    };
    cJSON *all = must_load("derived_bn256Pairing_invalid.json"), *v;
    int seen = 0;
    (void)state;
    cJSON_ArrayForEach(v, all) {
        unsigned char in[512];
        bool ok = true;
        const char *name = str_field(v, "Name");
        size_t n = zkt_unhex(in, sizeof in, str_field(v, "Input")), i;
        nt_status st = nt_zk_bn254_pairing_check(&ok, in, n);
        for (i = 0; i < sizeof expect / sizeof expect[0]; i++) {
            if (strcmp(expect[i].name, name) != 0)
                continue;
            if (st != expect[i].want)
                fail_msg("%s: got %s, want %s", name, nt_status_name(st),
                         nt_status_name(expect[i].want));
            if (st == NT_OK)
                assert_false(ok);
            seen++;
        }
        /* whatever the name, an "ExpectedError" vector must be rejected */
        if (str_field(v, "ExpectedError") != NULL)
            assert_int_not_equal(st, NT_OK);
    }
    assert_int_equal(seen, (int)(sizeof expect / sizeof expect[0]));
    cJSON_Delete(all);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_geth_add),
        cmocka_unit_test(test_geth_mul),
        cmocka_unit_test(test_erigon_fail_add),
        cmocka_unit_test(test_geth_pairing),
        cmocka_unit_test(test_derived_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
