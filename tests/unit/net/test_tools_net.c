/* Unit tests for the tool-side pieces of net: RFC 2782 ordering, browse JSON
 * and text forms, and the --host rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "agent/run/mdns_runner.h"
#include "agent/run/srv_order.h"
#include "agent/run/svc_format.h"

/* xorshift32, seeded and printed so a failure can be repeated. */
static uint32_t xs(void *ctx)
{
    uint32_t *s = ctx;
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static uint32_t seed_from_env(void)
{
    uint32_t seed = (uint32_t)time(NULL) | 1u;
    if (getenv("NT_TEST_SEED"))
        seed = (uint32_t)strtoul(getenv("NT_TEST_SEED"), NULL, 10) | 1u;
    printf("seed %u (NT_TEST_SEED to repeat)\n", seed);
    return seed;
}

static void test_srv_priority_first(void **state)
{
    nt_srv_item it[5] = {
        {20, 100, 0}, {10, 0, 1}, {10, 5, 2}, {30, 1, 3}, {20, 0, 4},
    };
    uint32_t s = seed_from_env();
    size_t i;
    (void)state;
    nt_srv_order(it, 5, xs, &s);
    /* Ascending priority always, whatever the weights. */
    for (i = 1; i < 5; i++)
        assert_true(it[i - 1].priority <= it[i].priority);
    assert_int_equal(it[4].index, 3);
    /* Every candidate appears exactly once. */
    {
        unsigned seen = 0;
        for (i = 0; i < 5; i++)
            seen |= 1u << it[i].index;
        assert_int_equal(seen, 0x1f);
    }
}

/* RFC 2782: within a priority, selection probability is proportional to
 * weight; a zero weight is chosen first only when the draw is 0. */
static void test_srv_weight_distribution(void **state)
{
    enum { TRIALS = 20000 };
    uint32_t s = seed_from_env();
    unsigned first[3] = {0, 0, 0};
    int t;
    (void)state;
    for (t = 0; t < TRIALS; t++) {
        nt_srv_item it[3] = {{0, 10, 0}, {0, 30, 1}, {0, 0, 2}};
        nt_srv_order(it, 3, xs, &s);
        first[it[0].index]++;
    }
    /* Expected 10/41, 30/41, 1/41 of the trials: generous bands. */
    assert_in_range(first[0], TRIALS * 18 / 100, TRIALS * 31 / 100);
    assert_in_range(first[1], TRIALS * 66 / 100, TRIALS * 80 / 100);
    assert_in_range(first[2], 1, TRIALS * 6 / 100);
}

static void test_srv_all_zero_keeps_order(void **state)
{
    nt_srv_item it[3] = {{5, 0, 7}, {5, 0, 8}, {5, 0, 9}};
    uint32_t s = 12345;
    (void)state;
    nt_srv_order(it, 3, xs, &s);
    assert_int_equal(it[0].index, 7);
    assert_int_equal(it[1].index, 8);
    assert_int_equal(it[2].index, 9);
    nt_srv_order(it, 0, xs, &s); /* empty is fine */
}

static void fill_event(nt_mdns_event *ev)
{
    static const uint8_t txt[] = {3, 'k', '=', 'v', 4, 'f', 'l', 'a', 'g', 5, 'q', '=', '"', 0xff, '\n'};
    memset(ev, 0, sizeof *ev);
    ev->kind = NT_MDNS_EV_SERVICE_ADDED;
    strcpy(ev->instance, "My.Printer \"2\"");
    strcpy(ev->type, "_ipp._tcp");
    strcpy(ev->domain, "local");
    strcpy(ev->host, "h.local");
    ev->port = 631;
    ev->have_srv = true;
    ev->have_txt = true;
    memcpy(ev->txt, txt, sizeof txt);
    ev->txt_len = sizeof txt;
    ev->addr_count = 2;
    ev->addrs[0].family = NT_MDNS_INET4;
    ev->addrs[0].bytes[0] = 10;
    ev->addrs[0].bytes[3] = 2;
    ev->addrs[1].family = NT_MDNS_INET6;
    ev->addrs[1].bytes[0] = 0xfe;
    ev->addrs[1].bytes[1] = 0x80;
    ev->addrs[1].bytes[15] = 1;
    ev->addrs[1].scope = 1; /* lo */
}

static void test_event_json(void **state)
{
    nt_mdns_event ev;
    nt_dynbuf d;
    (void)state;
    fill_event(&ev);
    nt_dynbuf_init(&d, 8192);
    assert_int_equal(nt_svc_event_json(&d, "added", &ev, "lan0", NULL), NT_OK);
    assert_string_equal(nt_dynbuf_str(&d),
                        "{\"event\":\"added\",\"name\":\"My\\\\.Printer \\\"2\\\"._ipp._tcp.local\","
                        "\"instance\":\"My.Printer \\\"2\\\"\",\"type\":\"_ipp._tcp\","
                        "\"domain\":\"local\",\"host\":\"h.local\",\"port\":631,"
                        "\"addresses\":[\"10.0.0.2\",\"fe80::1%lo\"],"
                        "\"txt\":{\"k\":\"v\",\"flag\":true,\"q\":\"\\\"\\u00ff\\n\"},"
                        "\"interface\":\"lan0\",\"trust\":\"unsigned\",\"key\":null,\"reason\":null}");

    /* Before SRV is known host and port are null; reasons are escaped. */
    nt_dynbuf_reset(&d);
    ev.have_srv = false;
    ev.have_txt = false;
    ev.addr_count = 0;
    strcpy(ev.reason, "bad\tsig");
    ev.trust = 2;
    assert_int_equal(nt_svc_event_json(&d, "rejected", &ev, "lan0", NULL), NT_OK);
    assert_non_null(strstr(nt_dynbuf_str(&d), "\"host\":null,\"port\":null,\"addresses\":[],\"txt\":{}"));
    assert_non_null(strstr(nt_dynbuf_str(&d), "\"trust\":\"trusted\",\"key\":null,\"reason\":\"bad\\tsig\"}"));
    /* A rejected record whose owner is a host name keeps its name. */
    nt_dynbuf_reset(&d);
    strcpy(ev.instance, "victim");
    strcpy(ev.type, "local");
    ev.domain[0] = 0;
    assert_int_equal(nt_svc_event_json(&d, "rejected", &ev, "lan0", NULL), NT_OK);
    assert_non_null(strstr(nt_dynbuf_str(&d), "\"name\":\"victim.local\","));
    strcpy(ev.instance, "My.Printer \"2\"");
    strcpy(ev.type, "_ipp._tcp");
    strcpy(ev.domain, "local");
    /* The key digest of a signed instance is printed as given. */
    nt_dynbuf_reset(&d);
    assert_int_equal(nt_svc_event_json(&d, "updated", &ev, "lan0", "00ff"), NT_OK);
    assert_non_null(strstr(nt_dynbuf_str(&d), "\"key\":\"00ff\",\"reason\""));
    nt_dynbuf_cleanup(&d);
}

static void test_json_str_utf8(void **state)
{
    nt_dynbuf d;
    (void)state;
    nt_dynbuf_init(&d, 256);
    /* Valid UTF-8 passes through; overlong, surrogate and stray bytes do not. */
    assert_int_equal(nt_svc_json_str(&d, "caf\xc3\xa9 \xe2\x82\xac", 9), NT_OK);
    assert_string_equal(nt_dynbuf_str(&d), "\"caf\xc3\xa9 \xe2\x82\xac\"");
    nt_dynbuf_reset(&d);
    assert_int_equal(nt_svc_json_str(&d, "\xc0\xaf\xed\xa0\x80\x80", 6), NT_OK);
    assert_string_equal(nt_dynbuf_str(&d), "\"\\u00c0\\u00af\\u00ed\\u00a0\\u0080\\u0080\"");
    nt_dynbuf_reset(&d);
    assert_int_equal(nt_svc_json_str(&d, "a\0b\x7f", 4), NT_OK);
    assert_string_equal(nt_dynbuf_str(&d), "\"a\\u0000b\\u007f\"");
    nt_dynbuf_reset(&d);
    /* Plain runs (copied whole) between escapes, at both ends. */
    assert_int_equal(nt_svc_json_str(&d, "ab\"cd\\e\nf\tg h\xc3\xa9i", 16), NT_OK);
    assert_string_equal(nt_dynbuf_str(&d), "\"ab\\\"cd\\\\e\\nf\\tg h\xc3\xa9i\"");
    nt_dynbuf_cleanup(&d);
}

static void test_txt_text(void **state)
{
    static const uint8_t txt[] = {3, 'k', '=', 'v', 0, 3, 'a', '"', 'b'};
    static const uint8_t bad[] = {9, 'x'};
    nt_dynbuf d;
    (void)state;
    nt_dynbuf_init(&d, 256);
    assert_int_equal(nt_svc_txt_text(&d, txt, sizeof txt), NT_OK);
    assert_string_equal(nt_dynbuf_str(&d), "[\"k=v\" \"a\\\"b\"]");
    nt_dynbuf_reset(&d);
    /* A string that overruns the RDATA ends the list, nothing is read past it. */
    assert_int_equal(nt_svc_txt_text(&d, bad, sizeof bad), NT_OK);
    assert_string_equal(nt_dynbuf_str(&d), "[]");
    nt_dynbuf_cleanup(&d);
}

static void test_host_name_rules(void **state)
{
    char out[NT_MDNS_NAME_MAX];
    char long_label[80];
    (void)state;
    assert_int_equal(nt_runner_host_name(out, sizeof out, "printer"), NT_OK);
    assert_string_equal(out, "printer.local");
    assert_int_equal(nt_runner_host_name(out, sizeof out, "printer.local"), NT_OK);
    assert_string_equal(out, "printer.local");
    assert_int_equal(nt_runner_host_name(out, sizeof out, "printer.LOCAL."), NT_OK);
    assert_string_equal(out, "printer.local");
    assert_int_equal(nt_runner_host_name(out, sizeof out, "printer.example.com"), NT_ERR_INVALID_ARG);
    assert_int_equal(nt_runner_host_name(out, sizeof out, ".local"), NT_ERR_INVALID_ARG);
    assert_int_equal(nt_runner_host_name(out, sizeof out, ""), NT_ERR_INVALID_ARG);
    memset(long_label, 'a', 64);
    long_label[64] = 0;
    assert_int_equal(nt_runner_host_name(out, sizeof out, long_label), NT_ERR_INVALID_ARG);
    assert_int_equal(nt_runner_host_name(out, 8, "printer"), NT_ERR_NOSPACE);
    /* Default: this machine's first label in .local. */
    assert_int_equal(nt_runner_host_name(out, sizeof out, NULL), NT_OK);
    assert_non_null(strstr(out, ".local"));
    assert_null(strchr(out, '.') == strstr(out, ".local") ? NULL : "more than one label");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_srv_priority_first),
        cmocka_unit_test(test_srv_weight_distribution),
        cmocka_unit_test(test_srv_all_zero_keeps_order),
        cmocka_unit_test(test_event_json),
        cmocka_unit_test(test_json_str_utf8),
        cmocka_unit_test(test_txt_text),
        cmocka_unit_test(test_host_name_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
