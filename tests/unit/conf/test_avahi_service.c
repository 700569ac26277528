/* Unit tests for Avahi static service files (agent/conf/avahi.c,
 * avahi.service(5)): Avahi's own example files (tests/vectors/avahi) read
 * as avahi-daemon reads them, the value formats of txt-record, and every
 * kind of mistake refused with the line it is on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nautilus/conf.h"

static void vector_dir(char *out, size_t cap)
{
    const char *src = getenv("NT_SOURCE_DIR");
    assert_non_null(src);
    snprintf(out, cap, "%s/tests/vectors/avahi", src);
}

static void test_avahi_examples(void **state)
{
    nt_conf *c;
    nt_conf_error err;
    char dir[1024], line[400];
    nt_status st;
    (void)state;
    vector_dir(dir, sizeof dir);
    assert_int_equal(nt_conf_create(&c), NT_OK);
    st = nt_conf_avahi_load_dir(c, &err, dir, "box");
    nt_conf_error_format(line, sizeof line, &err);
    if (st != NT_OK)
        printf("%s\n", line);
    assert_int_equal(st, NT_OK);
    /* Name order: example.service (3), sftp-ssh.service, ssh.service. */
    assert_int_equal(c->n_services, 5);
    assert_string_equal(c->services[0].instance, "Printer on box");
    assert_string_equal(c->services[0].type, "_printer._tcp");
    assert_int_equal(c->services[0].port, 515);
    assert_int_equal(c->services[0].line, 29);
    assert_string_equal(c->services[1].type, "_ipp._tcp");
    assert_int_equal(c->services[1].n_subtypes, 1);
    assert_string_equal(c->services[1].subtypes[0], "_colour");
    assert_int_equal(c->services[2].family, NT_CONF_IPV6);
    assert_string_equal(c->services[2].domain, "local");
    assert_string_equal(c->services[2].host, "quux.local");
    assert_int_equal(c->services[2].port, 4711);
    assert_memory_equal(c->services[2].txt, "\x07this=is\x08" "a=really\x0b" "bad=example", 29);
    assert_int_equal(c->services[2].txt_len, 29);
    assert_string_equal(c->services[3].instance, "box");
    assert_string_equal(c->services[3].type, "_sftp-ssh._tcp");
    assert_string_equal(c->services[4].type, "_ssh._tcp");
    assert_int_equal(c->services[4].port, 22);
    nt_conf_destroy(c);
}

static nt_status parse(nt_conf *c, nt_conf_error *err, const char *xml)
{
    return nt_conf_avahi_parse(c, err, "t.service", xml, strlen(xml), "box");
}

static void test_txt_formats(void **state)
{
    static const char xml[] =
        "<service-group><name>n %h</name><service><type>_a._tcp</type><port>1</port>\n"
        "<txt-record>k1=value</txt-record>\n"
        "<txt-record value-format=\"text\">k2=value</txt-record>\n"
        "<txt-record value-format=\"binary-hex\">k3=76616c7565</txt-record>\n"
        "<txt-record value-format=\"binary-base64\">k4=dmFsdWU=</txt-record>\n"
        "<txt-record>flag</txt-record>\n"
        "</service></service-group>\n";
    nt_conf *c;
    nt_conf_error err;
    (void)state;
    assert_int_equal(nt_conf_create(&c), NT_OK);
    assert_int_equal(parse(c, &err, xml), NT_OK);
    assert_int_equal(c->n_services, 1);
    /* Without replace-wildcards, %h stays as it is. */
    assert_string_equal(c->services[0].instance, "n %h");
    assert_memory_equal(c->services[0].txt,
                        "\x08k1=value\x08k2=value\x08k3=value\x08k4=value\x04" "flag", 41);
    assert_int_equal(c->services[0].txt_len, 41);
    nt_conf_destroy(c);
}

typedef struct bad_case {
    const char *xml;
    nt_status st;
    unsigned line;
    const char *needle;
} bad_case;

#define G0 "<service-group>\n<name>n</name>\n"
static const bad_case bad[] = {
    {G0 "<service>\n<type>_a._tcp</type>\n<port>1</port>\n<bogus/>\n</service></service-group>",
     NT_ERR_CONF_UNKNOWN, 6, "<bogus>"},
    {G0 "<service>\n<type>_a._tcp</type>\n</service></service-group>", NT_ERR_CONF_MISSING, 3,
     "without <port>"},
    {G0 "<service>\n<port>1</port>\n</service></service-group>", NT_ERR_CONF_MISSING, 3,
     "without <type>"},
    {G0 "<service protocol=\"ipv5\">\n<type>_a._tcp</type><port>1</port></service></service-group>",
     NT_ERR_CONF_VALUE, 3, "protocol"},
    {G0 "<service foo=\"1\"><type>_a._tcp</type><port>1</port></service></service-group>",
     NT_ERR_CONF_UNKNOWN, 3, "'foo'"},
    {G0 "<service>\n<type>_a._tcp</type>\n<port>70000</port></service></service-group>",
     NT_ERR_CONF_VALUE, 5, "<port>"},
    {G0 "<service>\n<type>a._tcp</type>\n<port>1</port></service></service-group>",
     NT_ERR_CONF_VALUE, 4, "<type>"},
    {G0 "<service>\n<type>_a._tcp</type>\n<type>_b._tcp</type><port>1</port></service>"
        "</service-group>",
     NT_ERR_CONF_DUPLICATE, 5, "twice"},
    {G0 "<service>\n<type>_a._tcp</type>\n<subtype>_x._sub._b._tcp</subtype>\n<port>1</port>"
        "</service></service-group>",
     NT_ERR_CONF_VALUE, 5, "_x._sub._b._tcp"},
    /* found by fuzz_avahi_service: a subtype "label" holding a dot */
    {G0 "<service>\n<type>_a._tcp</type>\n<subtype>_.x._sub._a._tcp</subtype>\n<port>1</port>"
        "</service></service-group>",
     NT_ERR_CONF_VALUE, 5, "_.x._sub._a._tcp"},
    {G0 "<service>\n<type>_a._tcp</type><port>1</port>\n"
        "<txt-record value-format=\"binary-hex\">k=7g</txt-record></service></service-group>",
     NT_ERR_CONF_VALUE, 5, "hex"},
    {G0 "<service>\n<type>_a._tcp</type><port>1</port>\n"
        "<txt-record value-format=\"rot13\">k=v</txt-record></service></service-group>",
     NT_ERR_CONF_VALUE, 5, "value-format"},
    {G0 "<service>\n<type>_a._tcp</type><port>1</port>\n"
        "<txt-record>k=1</txt-record><txt-record>K=2</txt-record></service></service-group>",
     NT_ERR_CONF_DUPLICATE, 5, "twice"},
    {"<service-group>\n<service><type>_a._tcp</type><port>1</port></service>\n</service-group>",
     NT_ERR_CONF_MISSING, 3, "without <name>"},
    {"<service-group>\n<name>n</name>\n</service-group>", NT_ERR_CONF_MISSING, 3,
     "without <service>"},
    {"<service-group>\n<name>n</name><name>m</name>", NT_ERR_CONF_DUPLICATE, 2, "twice"},
    {"<service-group>\n<name replace-wildcards=\"maybe\">n</name>", NT_ERR_CONF_VALUE, 2,
     "replace-wildcards"},
    {"<service-group>\n<name>n</name>\n<service>\n<type>_a._tcp</type>\n</servce>",
     NT_ERR_CONF_XML, 5, "mismatched tag"},
    {"<?xml version=\"1.0\"?>\n<!DOCTYPE g [\n<!ENTITY a \"aaaa\">\n]>\n<g/>", NT_ERR_CONF_XML, 3,
     "entity"},
    {"<other/>", NT_ERR_CONF_UNKNOWN, 1, "<other>"},
    {"", NT_ERR_CONF_XML, 1, "no element"},
    /* A lone CR ends a line in XML (§2.11): the error is on line 2. */
    {"<service-group>\r<bogus/>", NT_ERR_CONF_UNKNOWN, 2, "<bogus>"},
    {"<service-group>\n<name replace-wildcards=\"yes\">"
     "%h%h%h%h%h%h%h%h%h%h%h%h%h%h%h%h%h%h%h%h%h%h</name>\n"
     "<service><type>_a._tcp</type><port>1</port></service>\n</service-group>",
     NT_ERR_CONF_VALUE, 2, "1..63 bytes"},
    {G0 "stray text\n<service><type>_a._tcp</type><port>1</port></service></service-group>",
     NT_ERR_CONF_SYNTAX, 3, "text outside"},
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
        nt_status st = parse(c, &err, bad[i].xml);
        nt_conf_error_format(line, sizeof line, &err);
        printf("case %zu: %s\n", i, line);
        assert_int_equal(st, bad[i].st);
        assert_int_equal(err.line, bad[i].line);
        assert_non_null(strstr(err.msg, bad[i].needle));
        /* Nothing half-added. */
        assert_int_equal(c->n_services, 0);
    }
    nt_conf_destroy(c);
}

static void test_missing_dir(void **state)
{
    nt_conf *c;
    nt_conf_error err;
    (void)state;
    assert_int_equal(nt_conf_create(&c), NT_OK);
    assert_int_equal(nt_conf_avahi_load_dir(c, &err, "/nonexistent/services", "box"), NT_ERR_IO);
    assert_string_equal(err.file, "/nonexistent/services");
    nt_conf_destroy(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_avahi_examples),
        cmocka_unit_test(test_txt_formats),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_missing_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
