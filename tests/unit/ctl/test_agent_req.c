/* Unit tests for the requests of the agent's control socket
 * (agent/run/agent_req.c): what is accepted and how it is read, and what is
 * refused with a reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "agent/run/agent_req.h"

static nt_status parse(nt_agent_req *r, const char *json, char *why)
{
    why[0] = 0;
    return nt_agent_req_parse(r, json, strlen(json), why, 160);
}

static void host_requests(void **state)
{
    nt_agent_req r;
    char why[160];
    (void)state;
    assert_int_equal(parse(&r, "{\"op\":\"resolve\",\"host\":\"Box\"}", why), NT_OK);
    assert_int_equal(r.op, NT_AGENT_OP_RESOLVE_HOST);
    assert_string_equal(r.host, "Box.local");
    assert_true(r.want4 && r.want6);
    assert_int_equal(r.timeout_ms, NT_AGENT_REQ_TIMEOUT_MS);
    assert_int_equal(r.require, NT_TRUST_UNSIGNED);
    assert_int_equal(parse(&r, "{\"op\":\"resolve\",\"host\":\"box.LOCAL.\",\"family\":\"6\","
                               "\"timeout_ms\":250,\"require\":\"trusted\"}", why), NT_OK);
    assert_string_equal(r.host, "box.local");
    assert_true(!r.want4 && r.want6);
    assert_int_equal(r.timeout_ms, 250);
    assert_int_equal(r.require, NT_TRUST_TRUSTED);
    assert_int_equal(parse(&r, "{\"op\":\"resolve\",\"host\":\"box\",\"family\":\"4\"}", why), NT_OK);
    assert_true(r.want4 && !r.want6);
}

static void service_and_feedback(void **state)
{
    nt_agent_req r;
    char why[160];
    (void)state;
    assert_int_equal(parse(&r, "{\"op\":\"resolve\",\"instance\":\"My Web\",\"type\":\"_http._tcp\"}",
                           why), NT_OK);
    assert_int_equal(r.op, NT_AGENT_OP_RESOLVE_SERVICE);
    assert_string_equal(r.instance, "My Web");
    assert_string_equal(r.type, "_http._tcp");
    assert_int_equal(parse(&r, "{\"op\":\"feedback\",\"name\":\"Web._http._tcp.local\","
                               "\"ok\":true,\"latency_ms\":12.5}", why), NT_OK);
    assert_int_equal(r.op, NT_AGENT_OP_FEEDBACK);
    assert_true(r.ok);
    assert_true(r.latency_ms == 12.5);
    assert_string_equal(r.name, "Web._http._tcp.local");
    assert_int_equal(parse(&r, "{\"op\":\"feedback\",\"name\":\"Web\",\"type\":\"_ipp._tcp\","
                               "\"ok\":false}", why), NT_OK);
    assert_false(r.ok);
    assert_true(r.latency_ms == -1);
    assert_string_equal(r.type, "_ipp._tcp");
    assert_int_equal(parse(&r, "{\"op\":\"status\",\"extra\":[1,2]}", why), NT_OK);
    assert_int_equal(r.op, NT_AGENT_OP_STATUS);
}

static void refused(void **state)
{
    static const char *const bad[] = {
        "", "{", "[]", "\"status\"", "{\"op\":7}", "{\"op\":\"reboot\"}", "{}",
        "{\"op\":\"resolve\"}",
        "{\"op\":\"resolve\",\"host\":\"a.b.local\"}",
        "{\"op\":\"resolve\",\"host\":\"\"}",
        "{\"op\":\"resolve\",\"host\":\"h.example.com\"}",
        "{\"op\":\"resolve\",\"host\":\"h\",\"family\":\"5\"}",
        "{\"op\":\"resolve\",\"host\":\"h\",\"timeout_ms\":-1}",
        "{\"op\":\"resolve\",\"host\":\"h\",\"timeout_ms\":\"5\"}",
        "{\"op\":\"resolve\",\"host\":\"h\",\"timeout_ms\":600001}",
        "{\"op\":\"resolve\",\"host\":\"h\",\"require\":\"very\"}",
        "{\"op\":\"resolve\",\"host\":\"h\",\"instance\":\"x\",\"type\":\"_a._tcp\"}",
        "{\"op\":\"resolve\",\"instance\":\"x\"}",
        "{\"op\":\"resolve\",\"instance\":\"x\",\"type\":\"http\"}",
        "{\"op\":\"feedback\",\"name\":\"x\"}",
        "{\"op\":\"feedback\",\"name\":\"x\",\"ok\":1}",
        "{\"op\":\"feedback\",\"ok\":true}",
        "{\"op\":\"feedback\",\"name\":\"x\",\"ok\":true,\"latency_ms\":-3}",
        "{\"op\":\"feedback\",\"name\":\"x\",\"ok\":true,\"type\":\"_x\"}",
    };
    nt_agent_req r;
    char why[160];
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(parse(&r, bad[i], why), NT_ERR_INVALID_ARG);
        assert_true(why[0] != 0);
    }
    /* A host label of 64 octets is one too many. */
    {
        char big[200];
        memset(big, 0, sizeof big);
        strcpy(big, "{\"op\":\"resolve\",\"host\":\"");
        memset(big + strlen(big), 'a', 64);
        strcat(big, "\"}");
        assert_int_equal(parse(&r, big, why), NT_ERR_INVALID_ARG);
    }
}

/* zk_verify: the three documents as strings, their names, the options. */
static void zk_verify_requests(void **state)
{
    static const char *const bad[] = {
        "{\"op\":\"zk_verify\"}",
        "{\"op\":\"zk_verify\",\"vk\":\"{}\",\"proof\":\"{}\",\"public\":\"[]\"}",
        "{\"op\":\"zk_verify\",\"vk\":\"{}\",\"proof\":\"{}\",\"public\":\"[]\","
        "\"names\":[\"a\",\"b\"]}",
        "{\"op\":\"zk_verify\",\"vk\":\"{}\",\"proof\":\"\",\"public\":\"[]\","
        "\"names\":[\"a\",\"b\",\"c\"]}",
        "{\"op\":\"zk_verify\",\"vk\":{},\"proof\":\"{}\",\"public\":\"[]\","
        "\"names\":[\"a\",\"b\",\"c\"]}",
        "{\"op\":\"zk_verify\",\"vk\":\"{}\",\"proof\":\"{}\",\"public\":\"[]\","
        "\"names\":[\"a\",\"b\",3]}",
        "{\"op\":\"zk_verify\",\"vk\":\"{\\u0000}\",\"proof\":\"{}\",\"public\":\"[]\","
        "\"names\":[\"a\",\"b\",\"c\"]}",
        "{\"op\":\"zk_verify\",\"vk\":\"{}\",\"proof\":\"{}\",\"public\":\"[]\","
        "\"names\":[\"a\",\"b\",\"c\"],\"quiet\":1}",
        "{\"op\":\"zk_verify\",\"vk\":\"{}\",\"proof\":\"{}\",\"public\":\"[]\","
        "\"names\":[\"a\",\"b\",\"c\"],\"key_digest\":\"abcd\"}",
        "{\"op\":\"zk_verify\",\"vk\":\"{}\",\"proof\":\"{}\",\"public\":\"[]\","
        "\"names\":[\"a\",\"b\",\"c\"],\"commitment\":\"-5\"}",
    };
    nt_agent_req r;
    char why[160];
    size_t i;
    (void)state;
    assert_int_equal(parse(&r, "{\"op\":\"zk_verify\",\"vk\":\"{\\\"a\\\":1}\","
                               "\"proof\":\"{}\",\"public\":\"[\\\"1\\\"]\","
                               "\"names\":[\"k.json\",\"p.json\",\"s.json\"],\"json\":true,"
                               "\"key_digest\":\"" "0123456789abcdef0123456789abcdef"
                               "0123456789ABCDEF0123456789abcdef\",\"commitment\":\"42\"}", why),
                     NT_OK);
    assert_int_equal(r.op, NT_AGENT_OP_ZK_VERIFY);
    assert_string_equal(r.zk_text[0], "{\"a\":1}");
    assert_int_equal(r.zk_len[0], 7);
    assert_string_equal(r.zk_text[1], "{}");
    assert_string_equal(r.zk_text[2], "[\"1\"]");
    assert_string_equal(r.zk_name[0], "k.json");
    assert_string_equal(r.zk_name[2], "s.json");
    assert_true(r.zk_json && !r.zk_quiet);
    assert_int_equal(strlen(r.zk_digest), 64);
    assert_string_equal(r.zk_commitment, "42");
    nt_agent_req_cleanup(&r);
    nt_agent_req_cleanup(&r); /* twice is harmless */
    assert_null(r.zk_text[0]);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(parse(&r, bad[i], why), NT_ERR_INVALID_ARG);
        assert_true(why[0] != 0);
        assert_null(r.zk_text[0]);
        assert_null(r.zk_name[0]);
    }
}

/* publish and withdraw (agent/run/req_publish.c): what nautilus publish
 * sends, read into the service the agent publishes. */
static void publish_requests(void **state)
{
    static const uint8_t rdata[] = {6, 'p', 'a', 't', 'h', '=', '/', 1, 'k'};
    nt_agent_req r;
    char why[160];
    (void)state;
    assert_int_equal(parse(&r, "{\"op\":\"publish\",\"instance\":\"My Web\",\"type\":\"_http._tcp\","
                               "\"port\":8080,\"txt\":[\"path=/\",\"k\"],\"subtypes\":[\"printer\","
                               "\"_x\"],\"priority\":1,\"weight\":2,\"ttl\":60,\"persist\":true}",
                           why), NT_OK);
    assert_int_equal(r.op, NT_AGENT_OP_PUBLISH);
    assert_string_equal(r.svc.instance, "My Web");
    assert_string_equal(r.svc.type, "_http._tcp");
    assert_int_equal(r.svc.port, 8080);
    assert_int_equal(r.svc.priority, 1);
    assert_int_equal(r.svc.weight, 2);
    assert_int_equal(r.svc.ttl, 60);
    assert_int_equal(r.svc.n_subtypes, 2);
    assert_string_equal(r.svc.subtypes[0], "_printer");
    assert_string_equal(r.svc.subtypes[1], "_x");
    assert_int_equal(r.svc.txt_len, sizeof rdata);
    assert_memory_equal(r.svc.txt, rdata, sizeof rdata);
    assert_true(r.persist);
    assert_false(r.sign);
    assert_int_equal(parse(&r, "{\"op\":\"publish\",\"instance\":\"W\",\"type\":\"_a._udp\","
                               "\"port\":0,\"sign\":true}", why), NT_OK);
    assert_true(r.sign && !r.persist);
    assert_int_equal(r.svc.txt_len, 0);
    assert_int_equal(r.svc.n_subtypes, 0);
    assert_int_equal(parse(&r, "{\"op\":\"withdraw\",\"instance\":\"My Web\",\"type\":\"_http._tcp\"}",
                           why), NT_OK);
    assert_int_equal(r.op, NT_AGENT_OP_WITHDRAW);
    assert_string_equal(r.svc.instance, "My Web");
}

static void publish_refused(void **state)
{
    static const char *const bad[] = {
        "{\"op\":\"publish\",\"instance\":\"W\",\"type\":\"_a._tcp\"}",
        "{\"op\":\"publish\",\"instance\":\"W\",\"type\":\"_a._tcp\",\"port\":65536}",
        "{\"op\":\"publish\",\"instance\":\"W\",\"type\":\"_a._tcp\",\"port\":80.5}",
        "{\"op\":\"publish\",\"instance\":\"W\",\"type\":\"_a._tcp\",\"port\":\"80\"}",
        "{\"op\":\"publish\",\"instance\":\"\",\"type\":\"_a._tcp\",\"port\":80}",
        "{\"op\":\"publish\",\"type\":\"_a._tcp\",\"port\":80}",
        "{\"op\":\"publish\",\"instance\":\"W\",\"type\":\"_abcdefghijklmnop._tcp\",\"port\":80}",
        "{\"op\":\"publish\",\"instance\":\"W\",\"type\":\"_a._sctp\",\"port\":80}",
        "{\"op\":\"publish\",\"instance\":\"W\",\"type\":\"_a._tcp\",\"port\":80,\"txt\":\"k=v\"}",
        "{\"op\":\"publish\",\"instance\":\"W\",\"type\":\"_a._tcp\",\"port\":80,\"txt\":[\"=v\"]}",
        "{\"op\":\"publish\",\"instance\":\"W\",\"type\":\"_a._tcp\",\"port\":80,\"txt\":[1]}",
        "{\"op\":\"publish\",\"instance\":\"W\",\"type\":\"_a._tcp\",\"port\":80,\"subtypes\":[\"a.b\"]}",
        ("{\"op\":\"publish\",\"instance\":\"W\",\"type\":\"_a._tcp\",\"port\":80,\"subtypes\":"
         "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\"]}"),
        "{\"op\":\"publish\",\"instance\":\"W\",\"type\":\"_a._tcp\",\"port\":80,\"persist\":1}",
        "{\"op\":\"publish\",\"instance\":\"W\",\"type\":\"_a._tcp\",\"port\":80,\"ttl\":-1}",
        "{\"op\":\"publish\",\"instance\":\"W\",\"type\":\"_a._tcp\",\"port\":80,\"priority\":70000}",
        "{\"op\":\"withdraw\",\"instance\":\"W\"}",
        "{\"op\":\"withdraw\",\"instance\":7,\"type\":\"_a._tcp\"}",
    };
    nt_agent_req r;
    char why[160], big[2200];
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(parse(&r, bad[i], why), NT_ERR_INVALID_ARG);
        assert_true(why[0] != 0);
    }
    /* An instance of 64 octets, a TXT string of 256 bytes: one too many. */
    snprintf(big, sizeof big, "{\"op\":\"publish\",\"type\":\"_a._tcp\",\"port\":1,\"instance\":\"%064d\"}",
             0);
    assert_int_equal(parse(&r, big, why), NT_ERR_INVALID_ARG);
    snprintf(big, sizeof big, "{\"op\":\"publish\",\"type\":\"_a._tcp\",\"port\":1,"
                              "\"instance\":\"%063d\"}", 0);
    assert_int_equal(parse(&r, big, why), NT_OK);
    snprintf(big, sizeof big, "{\"op\":\"publish\",\"instance\":\"W\",\"type\":\"_a._tcp\",\"port\":1,"
                              "\"txt\":[\"k=%0254d\"]}", 0);
    assert_int_equal(parse(&r, big, why), NT_ERR_INVALID_ARG);
    snprintf(big, sizeof big, "{\"op\":\"publish\",\"instance\":\"W\",\"type\":\"_a._tcp\",\"port\":1,"
                              "\"txt\":[\"k=%0253d\"]}", 0);
    assert_int_equal(parse(&r, big, why), NT_OK);
    assert_int_equal(r.svc.txt_len, 256);
}

/* browse (agent/run/req_publish.c): a type, a subtype, the output options. */
static void browse_requests(void **state)
{
    static const char *const bad[] = {
        "{\"op\":\"browse\"}",
        "{\"op\":\"browse\",\"type\":\"http\"}",
        "{\"op\":\"browse\",\"type\":\"_x._sub\"}",
        "{\"op\":\"browse\",\"type\":\"a._sub._http._tcp\"}",
        "{\"op\":\"browse\",\"type\":\"_http._tcp\",\"json\":1}",
        "{\"op\":\"browse\",\"type\":\"_http._tcp\",\"require\":\"very\"}",
    };
    nt_agent_req r;
    char why[160];
    size_t i;
    (void)state;
    assert_int_equal(parse(&r, "{\"op\":\"browse\",\"type\":\"_http._tcp\",\"json\":true,"
                               "\"resolve\":true,\"require\":\"trusted\"}", why), NT_OK);
    assert_int_equal(r.op, NT_AGENT_OP_BROWSE);
    assert_string_equal(r.type, "_http._tcp");
    assert_true(r.json && r.resolve);
    assert_int_equal(r.require, NT_TRUST_TRUSTED);
    assert_int_equal(parse(&r, "{\"op\":\"browse\",\"type\":\"_printer._sub._ipp._tcp\"}", why),
                     NT_OK);
    assert_true(!r.json && !r.resolve);
    assert_int_equal(r.require, NT_TRUST_UNSIGNED);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(parse(&r, bad[i], why), NT_ERR_INVALID_ARG);
        assert_true(why[0] != 0);
    }
}

/* ledger (agent/run/req_ledger.c): what nautilus ledger sends, its options
 * resolved by the command. */
static void ledger_requests(void **state)
{
    nt_agent_req r;
    char why[160];
    (void)state;
    assert_int_equal(parse(&r, "{\"op\":\"ledger\",\"sub\":\"checkpoint\",\"state\":\"/s\","
                               "\"rpc\":\"http://127.0.0.1:8545\",\"registry\":"
                               "\"0x00000000000000000000000000000000000000aB\","
                               "\"chain_id\":31337,\"confirmations\":2,\"timeout\":30}", why),
                     NT_OK);
    assert_int_equal(r.op, NT_AGENT_OP_LEDGER);
    assert_int_equal(NT_AGENT_OP_LEDGER, 30);
    assert_string_equal(r.ledger_sub, "checkpoint");
    assert_string_equal(r.ledger_state, "/s");
    assert_string_equal(r.ledger_rpc, "http://127.0.0.1:8545");
    assert_true(r.ledger_has_registry);
    assert_int_equal(r.ledger_registry[19], 0xab);
    assert_int_equal(r.ledger_registry[0], 0);
    assert_int_equal(r.ledger_chain_id, 31337);
    assert_int_equal(r.ledger_confirmations, 2);
    assert_int_equal(r.ledger_timeout_s, 30);
    assert_string_equal(r.ledger_name, "");
    assert_false(r.json);
    assert_int_equal(parse(&r, "{\"op\":\"ledger\",\"sub\":\"register\",\"name\":\"box.local\","
                               "\"state\":\"/s\",\"rpc\":\"u\",\"registry\":"
                               "\"0x0000000000000000000000000000000000000001\","
                               "\"profile\":\"besu\",\"chain_id\":1337}", why), NT_OK);
    assert_string_equal(r.ledger_name, "box.local");
    assert_string_equal(r.ledger_profile, "besu");
    assert_int_equal(parse(&r, "{\"op\":\"ledger\",\"sub\":\"status\",\"state\":\"/s\","
                               "\"chain_id\":1,\"json\":true}", why), NT_OK);
    assert_true(r.json);
    assert_false(r.ledger_has_registry);
    assert_string_equal(r.ledger_rpc, "");
}

static void ledger_refused(void **state)
{
    static const char *const bad[] = {
        "{\"op\":\"ledger\"}",
        "{\"op\":\"ledger\",\"sub\":\"audit\",\"state\":\"/s\",\"chain_id\":1}",
        "{\"op\":\"ledger\",\"sub\":\"deploy\",\"state\":\"/s\",\"chain_id\":1}",
        "{\"op\":\"ledger\",\"sub\":\"status\",\"chain_id\":1}",
        "{\"op\":\"ledger\",\"sub\":\"status\",\"state\":\"rel\",\"chain_id\":1}",
        "{\"op\":\"ledger\",\"sub\":\"status\",\"state\":\"/s\"}",
        "{\"op\":\"ledger\",\"sub\":\"status\",\"state\":\"/s\",\"chain_id\":0}",
        "{\"op\":\"ledger\",\"sub\":\"status\",\"state\":\"/s\",\"chain_id\":1.5}",
        "{\"op\":\"ledger\",\"sub\":\"status\",\"state\":\"/s\",\"chain_id\":\"1\"}",
        "{\"op\":\"ledger\",\"sub\":\"status\",\"state\":\"/s\",\"chain_id\":1,\"json\":1}",
        "{\"op\":\"ledger\",\"sub\":\"status\",\"state\":\"/s\",\"chain_id\":1,\"rpc\":\"u\"}",
        "{\"op\":\"ledger\",\"sub\":\"status\",\"state\":\"/s\",\"chain_id\":1,\"name\":\"n\"}",
        "{\"op\":\"ledger\",\"sub\":\"checkpoint\",\"state\":\"/s\",\"chain_id\":1}",
        "{\"op\":\"ledger\",\"sub\":\"checkpoint\",\"state\":\"/s\",\"chain_id\":1,\"rpc\":\"u\","
        "\"registry\":\"0x00\"}",
        "{\"op\":\"ledger\",\"sub\":\"checkpoint\",\"state\":\"/s\",\"chain_id\":1,\"rpc\":\"u\","
        "\"registry\":\"0x000000000000000000000000000000000000000g\"}",
        "{\"op\":\"ledger\",\"sub\":\"checkpoint\",\"state\":\"/s\",\"chain_id\":1,\"rpc\":\"u\","
        "\"registry\":\"0x0000000000000000000000000000000000000001\",\"confirmations\":1001}",
        "{\"op\":\"ledger\",\"sub\":\"checkpoint\",\"state\":\"/s\",\"chain_id\":1,\"rpc\":\"u\","
        "\"registry\":\"0x0000000000000000000000000000000000000001\",\"timeout\":-1}",
        "{\"op\":\"ledger\",\"sub\":\"checkpoint\",\"state\":\"/s\",\"chain_id\":1,\"rpc\":\"u\","
        "\"registry\":\"0x0000000000000000000000000000000000000001\",\"profile\":\"x\"}",
        "{\"op\":\"ledger\",\"sub\":\"revoke\",\"state\":\"/s\",\"chain_id\":1,\"rpc\":\"u\","
        "\"registry\":\"0x0000000000000000000000000000000000000001\"}",
        "{\"op\":\"ledger\",\"sub\":\"revoke\",\"name\":\"--json\",\"state\":\"/s\",\"chain_id\":1,"
        "\"rpc\":\"u\",\"registry\":\"0x0000000000000000000000000000000000000001\"}",
        "{\"op\":\"ledger\",\"sub\":\"revoke\",\"name\":\"\",\"state\":\"/s\",\"chain_id\":1,"
        "\"rpc\":\"u\",\"registry\":\"0x0000000000000000000000000000000000000001\"}",
    };
    nt_agent_req r;
    char why[160];
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(parse(&r, bad[i], why), NT_ERR_INVALID_ARG);
        assert_true(strncmp(why, "ledger: ", 8) == 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(host_requests),
        cmocka_unit_test(service_and_feedback),
        cmocka_unit_test(refused),
        cmocka_unit_test(zk_verify_requests),
        cmocka_unit_test(publish_requests),
        cmocka_unit_test(publish_refused),
        cmocka_unit_test(browse_requests),
        cmocka_unit_test(ledger_requests),
        cmocka_unit_test(ledger_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
