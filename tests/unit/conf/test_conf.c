/* Unit tests for the agent's INI configuration (agent/conf, nautilus.conf(5)):
 * a file using every section is read into the right fields, and every kind
 * of mistake is refused with its own status and the line it is on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nautilus/conf.h"

static const char good[] =
    "; a comment\n"
    "# another\n"
    "[agent]\n"
    "interfaces = lan0, wlan0\n"
    "host-name = box\n"
    "state-directory = /var/lib/nautilus\n"
    "services-directory = /etc/nautilus/services\n"
    "browse = _ipp._tcp _printer._sub._http._tcp\n"
    "user = nautilus\n"
    "ipv6 = no\n"
    "sign = yes\n"
    "\n"
    "[log]\n"
    "target = syslog\n"
    "level = debug\n"
    "[trust]\n"
    "  store = /etc/nautilus/trust   ; indented, with a comment\n"
    "  tofu = /var/lib/nautilus/tofu\n"
    "  require = self-signed\n"
    "[zk]\n"
    "verification-keys = /etc/nautilus/vk1.json /etc/nautilus/vk2.json\n"
    "[chain]\n"
    "profile = besu\n"
    "rpc-url = http://127.0.0.1:8545\n"
    "registry = 0x5FbDB2315678afecb367f032d93F642f64180aa3\n"
    "anchor = yes\n"
    "chain-id = 31337\n"
    "confirmations = 2\n"
    "anchor-every = 4\n"
    "anchor-interval = 30\n"
    "[bus]\n"
    "endpoint = tcp://127.0.0.1:7405\n"
    "snapshot-endpoint = ipc:///run/nautilus/snapshot\n"
    "curve-secret-key-file = /etc/nautilus/curve.key\n"
    "curve-allowed-clients = /etc/nautilus/curve.clients\n"
    "high-water-mark = 10000\n"
    "[limits]\n"
    "cache-records = 8192\n"
    "max-services = 32\n"
    "packets-per-second = 0\n"
    "[service Office Printer]\n"
    "type = _ipp._tcp\n"
    "port = 631\n"
    "subtypes = _color, duplex\n"
    "txt.rp = ipp/print\n"
    "txt.note = a=b c\n"
    "priority = 1\n"
    "weight = 5\n"
    "ttl = 60\n"
    "[service Web]\n"
    "type = _http._tcp\n"
    "port = 80\n"
    "host = www.local\n"
    "interface = lan0\n";

static void test_good_file(void **state)
{
    nt_conf *c;
    nt_conf_error err;
    (void)state;
    assert_int_equal(nt_conf_create(&c), NT_OK);
    assert_int_equal(nt_conf_parse(c, &err, "good.conf", good, strlen(good)), NT_OK);
    assert_int_equal(c->n_ifnames, 2);
    assert_string_equal(c->ifnames[1], "wlan0");
    assert_string_equal(c->host_name, "box");
    assert_string_equal(c->state_dir, "/var/lib/nautilus");
    assert_int_equal(c->n_browse, 2);
    assert_string_equal(c->browse[1], "_printer._sub._http._tcp");
    assert_string_equal(c->user, "nautilus");
    assert_true(c->ipv4);
    assert_false(c->ipv6);
    assert_int_equal(c->log_target, NT_CONF_LOG_SYSLOG);
    assert_int_equal(c->log_level, NT_LOG_DEBUG);
    assert_string_equal(c->trust_store, "/etc/nautilus/trust");
    assert_int_equal(c->require, NT_TRUST_SELF_SIGNED);
    assert_int_equal(c->n_zk_vks, 2);
    assert_string_equal(c->chain_profile, "besu");
    assert_true(c->anchor);
    assert_int_equal(c->chain_id, 31337);
    assert_int_equal(c->confirmations, 2);
    assert_int_equal(c->anchor_every, 4);
    assert_int_equal(c->anchor_interval, 30);
    assert_string_equal(c->snapshot_endpoint, "ipc:///run/nautilus/snapshot");
    assert_int_equal(c->bus_hwm, 10000);
    assert_int_equal(c->cache_records, 8192);
    assert_int_equal(c->n_services, 2);
    assert_string_equal(c->services[0].instance, "Office Printer");
    assert_int_equal(c->services[0].port, 631);
    assert_int_equal(c->services[0].n_subtypes, 2);
    assert_string_equal(c->services[0].subtypes[1], "_duplex");
    assert_int_equal(c->services[0].ttl, 60);
    /* TXT RDATA: "rp=ipp/print", "note=a=b c" */
    assert_int_equal(c->services[0].txt_len, 1 + 12 + 1 + 10);
    assert_memory_equal(c->services[0].txt, "\x0crp=ipp/print\x0anote=a=b c", 24);
    assert_int_equal(c->services[0].line, 41); /* after the five [chain] anchoring keys */
    assert_string_equal(c->services[1].host, "www.local");
    assert_string_equal(c->services[1].ifname, "lan0");
    nt_conf_destroy(c);
}

static void test_empty_file_is_defaults(void **state)
{
    nt_conf *c;
    nt_conf_error err;
    (void)state;
    assert_int_equal(nt_conf_create(&c), NT_OK);
    assert_int_equal(nt_conf_parse(c, &err, "empty.conf", "", 0), NT_OK);
    assert_true(c->ipv4 && c->ipv6 && c->sign);
    assert_int_equal(c->n_services, 0);
    assert_int_equal(c->log_level, NT_LOG_INFO);
    assert_int_equal(c->predict_per_min, NT_CONF_PREDICT_DEFAULT); /* on unless turned off */
    nt_conf_destroy(c);
}

/* Predictive refresh: turned off with 0, bounded above. */
static void test_predictive_refresh_key(void **state)
{
    static const char off[] = "[limits]\npredictive-refresh-per-minute = 0\n";
    static const char big[] = "[limits]\npredictive-refresh-per-minute = 6001\n";
    nt_conf *c;
    nt_conf_error err;
    (void)state;
    assert_int_equal(nt_conf_create(&c), NT_OK);
    assert_int_equal(nt_conf_parse(c, &err, "off.conf", off, sizeof off - 1), NT_OK);
    assert_int_equal(c->predict_per_min, 0);
    nt_conf_destroy(c);
    assert_int_equal(nt_conf_create(&c), NT_OK);
    assert_int_equal(nt_conf_parse(c, &err, "big.conf", big, sizeof big - 1), NT_ERR_CONF_VALUE);
    assert_int_equal(err.line, 2);
    nt_conf_destroy(c);
}

typedef struct bad_case {
    const char *text;
    nt_status st;
    unsigned line;
    const char *needle; /* part of the message */
} bad_case;

static const bad_case bad[] = {
    {"[agent]\nuser = a\n[bogus]\n", NT_ERR_CONF_UNKNOWN, 3, "unknown section [bogus]"},
    {"[agent]\nuser = a\nfrobnicate = 1\n", NT_ERR_CONF_UNKNOWN, 3, "unknown key 'frobnicate'"},
    {"[agent]\nuser = a\nuser = b\n", NT_ERR_CONF_DUPLICATE, 3, "given twice"},
    {"[log]\n[agent]\n\n[log]\n", NT_ERR_CONF_DUPLICATE, 4, "first at line 1"},
    {"[agent]\nipv4 = maybe\n", NT_ERR_CONF_VALUE, 2, "ipv4"},
    {"[log]\nlevel = loud\n", NT_ERR_CONF_VALUE, 2, "level"},
    {"[log]\ntarget = file\n", NT_ERR_CONF_VALUE, 2, "target"},
    {"[trust]\nrequire = very\n", NT_ERR_CONF_VALUE, 2, "require"},
    {"[trust]\nstore = relative/path\n", NT_ERR_CONF_VALUE, 2, "store"},
    {"[chain]\nprofile = dogecoin\n", NT_ERR_CONF_VALUE, 2, "profile"},
    {"[chain]\nrpc-url = ftp://x\n", NT_ERR_CONF_VALUE, 2, "rpc-url"},
    {"[chain]\nregistry = 0x1234\n", NT_ERR_CONF_VALUE, 2, "registry"},
    {"[chain]\nanchor = maybe\n", NT_ERR_CONF_VALUE, 2, "anchor"},
    {"[chain]\nchain-id = 0\n", NT_ERR_CONF_VALUE, 2, "chain-id"},
    {"[chain]\nconfirmations = 1001\n", NT_ERR_CONF_VALUE, 2, "confirmations"},
    {"[chain]\nanchor-every = 0\n", NT_ERR_CONF_VALUE, 2, "anchor-every"},
    {"[chain]\nanchor-interval = 604801\n", NT_ERR_CONF_VALUE, 2, "anchor-interval"},
    {"[bus]\nendpoint = udp://1.2.3.4:5\n", NT_ERR_CONF_VALUE, 2, "endpoint"},
    {"[limits]\nmax-services = 1000\n", NT_ERR_CONF_VALUE, 2, "1..256"},
    {"[limits]\ncache-records = -5\n", NT_ERR_CONF_VALUE, 2, "cache-records"},
    {"[agent]\nbrowse = _http._tcp printer\n", NT_ERR_CONF_VALUE, 2, "'printer'"},
    {"[agent]\ninterfaces = a b c d e f g h i\n", NT_ERR_CONF_VALUE, 2, "more than 8"},
    {"[agent]\ninterfaces = ,\n", NT_ERR_CONF_VALUE, 2, "empty list"},
    {"[agent]\nhost-name = a.b\n", NT_ERR_CONF_VALUE, 2, "host-name"},
    {"[agent]\nthis line has no equals sign\n", NT_ERR_CONF_SYNTAX, 2, "want KEY = VALUE"},
    {"user = root\n[agent]\n", NT_ERR_CONF_SYNTAX, 1, "before any [section]"},
    {"[agent\n", NT_ERR_CONF_SYNTAX, 1, "without ']'"},
    {"[agent]\n= value\n", NT_ERR_CONF_SYNTAX, 2, "empty key"},
    {"[service]\n", NT_ERR_CONF_SYNTAX, 1, "needs a name"},
    {"[service A]\ntype = _http._tcp\n\n[log]\n", NT_ERR_CONF_MISSING, 1, "no 'port'"},
    {"[service A]\nport = 80\n", NT_ERR_CONF_MISSING, 1, "no 'type'"},
    {"[service A]\ntype = http\nport = 80\n", NT_ERR_CONF_VALUE, 2, "type"},
    {"[service A]\ntype = _http._tcp\nport = 65536\n", NT_ERR_CONF_VALUE, 3, "0..65535"},
    {"[service A]\ntype = _http._tcp\nport = 1\ndomain = example.com\n", NT_ERR_CONF_VALUE, 4,
     "domain"},
    {"[service A]\ntype = _a._tcp\nport = 1\ntxt.k = 1\ntxt.K = 2\n", NT_ERR_CONF_DUPLICATE, 5,
     "TXT key 'K' given twice"},
    {"[service A]\ntype = _a._tcp\nport = 1\n[service a]\n", NT_ERR_CONF_DUPLICATE, 4,
     "first at line 1"},
    {"[service A]\ntype = _a._tcp\nport = 1\nbogus = 1\n", NT_ERR_CONF_UNKNOWN, 4, "bogus"},
    {"[service A]\ntype = _a._tcp\nport = 1\nsubtypes = a.b\n", NT_ERR_CONF_VALUE, 4,
     "subtypes"},
    {"[agent]\nuser = a\n\nuser = b\n", NT_ERR_CONF_DUPLICATE, 4, "given twice"},
};

static void test_bad_files(void **state)
{
    nt_conf *c;
    nt_conf_error err;
    char line[400];
    size_t i;
    (void)state;
    assert_int_equal(nt_conf_create(&c), NT_OK);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        nt_conf_reset(c);
        nt_status st = nt_conf_parse(c, &err, "bad.conf", bad[i].text, strlen(bad[i].text));
        nt_conf_error_format(line, sizeof line, &err);
        printf("case %zu: %s\n", i, line);
        assert_int_equal(st, bad[i].st);
        assert_int_equal(err.line, bad[i].line);
        assert_non_null(strstr(err.msg, bad[i].needle));
        assert_non_null(strstr(line, "bad.conf:"));
    }
    nt_conf_destroy(c);
}

static void test_long_line_and_nul(void **state)
{
    nt_conf *c;
    nt_conf_error err;
    char text[400];
    (void)state;
    assert_int_equal(nt_conf_create(&c), NT_OK);
    /* A 250-byte value: inih would cut it in two; refused instead. */
    snprintf(text, sizeof text, "[agent]\nstate-directory = /%0250d\n", 0);
    assert_int_equal(nt_conf_parse(c, &err, "x", text, strlen(text)), NT_ERR_CONF_SYNTAX);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.msg, "longer than"));
    nt_conf_reset(c);
    memcpy(text, "[agent]\nuser = a\0b\n", 19);
    assert_int_equal(nt_conf_parse(c, &err, "x", text, 19), NT_ERR_CONF_SYNTAX);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.msg, "NUL"));
    nt_conf_destroy(c);
}

/* The text need not end in a newline or a NUL: the last line is read
 * within its length (found by fuzz_conf, an over-read under ASan). */
static void test_unterminated_last_line(void **state)
{
    static const char bad_text[] = "[agent]\nuser = a\n~";
    static const char good_text[] = "[agent]\nuser = a";
    nt_conf *c;
    nt_conf_error err;
    char *buf = malloc(sizeof bad_text);
    (void)state;
    assert_non_null(buf);
    assert_int_equal(nt_conf_create(&c), NT_OK);
    memcpy(buf, bad_text, sizeof bad_text - 1);
    assert_int_equal(nt_conf_parse(c, &err, "x", buf, sizeof bad_text - 1), NT_ERR_CONF_SYNTAX);
    assert_int_equal(err.line, 3);
    nt_conf_reset(c);
    memcpy(buf, good_text, sizeof good_text - 1);
    assert_int_equal(nt_conf_parse(c, &err, "x", buf, sizeof good_text - 1), NT_OK);
    assert_string_equal(c->user, "a");
    nt_conf_destroy(c);
    free(buf);
}

static void test_too_many_services(void **state)
{
    nt_conf *c;
    nt_conf_error err;
    size_t cap = 70 * 64, len = 0, i;
    char *text = malloc(cap);
    (void)state;
    assert_non_null(text);
    for (i = 0; i <= NT_CONF_SERVICES_MAX; i++)
        len += (size_t)snprintf(text + len, cap - len, "[service s%zu]\ntype=_a._tcp\nport=1\n", i);
    assert_int_equal(nt_conf_create(&c), NT_OK);
    assert_int_equal(nt_conf_parse(c, &err, "x", text, len), NT_ERR_CAP);
    assert_int_equal(err.line, 3 * NT_CONF_SERVICES_MAX + 1);
    nt_conf_destroy(c);
    free(text);
}

/* Flags override the file through nt_conf_set, with the same checks. */
static void test_set_overrides(void **state)
{
    static const char text[] = "[agent]\ninterfaces = lan0\n[trust]\nrequire = trusted\n";
    nt_conf *c;
    nt_conf_error err;
    char why[200];
    (void)state;
    assert_int_equal(nt_conf_create(&c), NT_OK);
    assert_int_equal(nt_conf_parse(c, &err, "x", text, strlen(text)), NT_OK);
    assert_int_equal(nt_conf_set(c, "agent", "interfaces", "eth0 eth1", why, sizeof why), NT_OK);
    assert_int_equal(c->n_ifnames, 2);
    assert_string_equal(c->ifnames[0], "eth0");
    assert_int_equal(nt_conf_set(c, "trust", "require", "unsigned", why, sizeof why), NT_OK);
    assert_int_equal(c->require, NT_TRUST_UNSIGNED);
    /* Set twice: the last wins (no duplicate error for flags). */
    assert_int_equal(nt_conf_set(c, "trust", "require", "self-signed", why, sizeof why), NT_OK);
    assert_int_equal(c->require, NT_TRUST_SELF_SIGNED);
    assert_int_equal(nt_conf_set(c, "trust", "require", "always", why, sizeof why),
                     NT_ERR_CONF_VALUE);
    assert_non_null(strstr(why, "require"));
    assert_int_equal(c->require, NT_TRUST_SELF_SIGNED);
    /* A bad entry leaves the whole old list. */
    assert_int_equal(nt_conf_set(c, "agent", "interfaces", "wlan0 bad/name", why, sizeof why),
                     NT_ERR_CONF_VALUE);
    assert_int_equal(c->n_ifnames, 2);
    assert_string_equal(c->ifnames[0], "eth0");
    assert_int_equal(nt_conf_set(c, "agent", "state-directory", "rel", why, sizeof why),
                     NT_ERR_CONF_VALUE);
    assert_int_equal(nt_conf_set(c, "agent", "colour", "blue", why, sizeof why),
                     NT_ERR_CONF_UNKNOWN);
    assert_int_equal(nt_conf_set(c, "nope", "x", "y", why, sizeof why), NT_ERR_CONF_UNKNOWN);
    assert_int_equal(nt_conf_set(c, "service", "port", "1", why, sizeof why), NT_ERR_INVALID_ARG);
    nt_conf_destroy(c);
}

static void test_load_missing_file(void **state)
{
    nt_conf *c;
    nt_conf_error err;
    char line[400];
    (void)state;
    assert_int_equal(nt_conf_create(&c), NT_OK);
    assert_int_equal(nt_conf_load(c, &err, "/nonexistent/nautilus.conf"), NT_ERR_IO);
    assert_int_equal(err.line, 0);
    nt_conf_error_format(line, sizeof line, &err);
    assert_non_null(strstr(line, "/nonexistent/nautilus.conf: cannot open"));
    nt_conf_destroy(c);
}

static void test_example_conf(void **state)
{
    nt_conf *c;
    nt_conf_error err;
    char path[1024], line[400];
    const char *src = getenv("NT_SOURCE_DIR");
    nt_status st;
    (void)state;
    assert_non_null(src);
    snprintf(path, sizeof path, "%s/examples/nautilus.conf", src);
    assert_int_equal(nt_conf_create(&c), NT_OK);
    st = nt_conf_load(c, &err, path);
    nt_conf_error_format(line, sizeof line, &err);
    if (st != NT_OK)
        printf("%s\n", line);
    assert_int_equal(st, NT_OK);
    assert_true(c->n_services >= 1);
    nt_conf_destroy(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_file),
        cmocka_unit_test(test_empty_file_is_defaults),
        cmocka_unit_test(test_predictive_refresh_key),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_long_line_and_nul),
        cmocka_unit_test(test_unterminated_last_line),
        cmocka_unit_test(test_too_many_services),
        cmocka_unit_test(test_set_overrides),
        cmocka_unit_test(test_load_missing_file),
        cmocka_unit_test(test_example_conf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
