/* Unit tests for the commands' calls into the agent library (issue 11):
 * resolve's option checks and when it asks the agent, feedback's key and
 * store, keygen's keys, decode, and browse's refusals before it opens a
 * socket. Failures print one line on stderr, as the commands do. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "agent/run/browse_run.h"
#include "agent/run/cli.h"
#include "agent/run/decode_run.h"
#include "agent/run/feedback_run.h"
#include "agent/run/keygen_run.h"
#include "agent/run/resolve_run.h"

static int check(nt_resolve_opts *o, const char *target)
{
    o->target = target;
    return nt_resolve_opts_check(o);
}

static void resolve_checks(void **state)
{
    nt_resolve_opts o;
    (void)state;
    nt_resolve_opts_init(&o);
    assert_int_equal(check(&o, NULL), NT_EXIT_USAGE);
    assert_int_equal(check(&o, "Box"), NT_EXIT_OK);
    assert_string_equal(o.name, "Box.local");
    assert_int_equal(o.timeout, 5);
    nt_resolve_opts_init(&o);
    assert_int_equal(check(&o, "box.example.com"), NT_EXIT_USAGE);
    o.only4 = o.only6 = true;
    assert_int_equal(check(&o, "box.local"), NT_EXIT_USAGE);
    nt_resolve_opts_init(&o);
    o.best = true;
    o.timeout = 7;
    assert_int_equal(check(&o, "_http._tcp"), NT_EXIT_OK);
    assert_string_equal(o.name, "_http._tcp");
    assert_int_equal(o.timeout, 7);
    assert_int_equal(check(&o, "_http._sctp"), NT_EXIT_USAGE);
    o.only6 = true;
    assert_int_equal(check(&o, "_http._tcp"), NT_EXIT_USAGE);
    nt_resolve_opts_init(&o);
    o.instance = "Web";
    assert_int_equal(check(&o, "_http._tcp"), NT_EXIT_OK);
    assert_string_equal(o.name, "_http._tcp");
    o.instance = "";
    assert_int_equal(check(&o, "_http._tcp"), NT_EXIT_USAGE);
    o.instance = "Web";
    o.best = true;
    assert_int_equal(check(&o, "_http._tcp"), NT_EXIT_USAGE);
}

/* What only the in-process path does is never sent to an agent; the
 * socket path names nothing, so any attempt would fall back too, but
 * these return before looking. */
static void resolve_in_process(void **state)
{
    nt_ctlc_opts co = {"/nonexistent/nautilus-test/control", false, false};
    nt_resolve_opts o;
    (void)state;
    nt_resolve_opts_init(&o);
    assert_int_equal(check(&o, "box.local"), NT_EXIT_OK);
    assert_int_equal(nt_resolve_ask_agent(&co, &o), NT_CTLC_IN_PROCESS);
    o.stats = true;
    assert_int_equal(nt_resolve_ask_agent(&co, &o), NT_CTLC_IN_PROCESS);
    o.stats = false;
    o.topts.trust_file = "pins";
    assert_int_equal(nt_resolve_ask_agent(&co, &o), NT_CTLC_IN_PROCESS);
    co.no_agent = true;
    o.topts.trust_file = NULL;
    assert_int_equal(nt_resolve_ask_agent(&co, &o), NT_CTLC_IN_PROCESS);
}

static char *temp_dir(void)
{
    static char dir[64];
    snprintf(dir, sizeof dir, "/tmp/nt_cmd_runs_XXXXXX");
    assert_non_null(mkdtemp(dir));
    return dir;
}

static void rm_tree(const char *dir)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void feedback_key_and_store(void **state)
{
    nt_feedback_opts o;
    nt_ctlc_opts co = {NULL, true, false};
    char long_name[NT_RANK_NAME_MAX + 8];
    (void)state;
    memset(&o, 0, sizeof o);
    o.name = "Web";
    o.type = "_http._tcp";
    o.ok = true;
    o.latency_ms = 12;
    assert_int_equal(nt_feedback_check(&o), NT_EXIT_OK);
    assert_string_equal(o.key, "Web._http._tcp.local");
    o.type = NULL;
    o.name = "";
    assert_int_equal(nt_feedback_check(&o), NT_EXIT_USAGE);
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = 0;
    o.name = long_name;
    assert_int_equal(nt_feedback_check(&o), NT_EXIT_USAGE);
    o.name = "Web._http._tcp.local";
    assert_int_equal(nt_feedback_check(&o), NT_EXIT_OK);
    o.dir = temp_dir();
    assert_int_equal(nt_feedback_ask_agent(&co, &o), NT_CTLC_IN_PROCESS);
    assert_int_equal(nt_feedback_record(&o), NT_EXIT_OK);
    rm_tree(o.dir);
}

static void keygen_keys(void **state)
{
    nt_keygen_result a, b;
    char *dir = temp_dir();
    (void)state;
    assert_int_equal(nt_keygen_create(&a, dir, "printer", false), NT_EXIT_OK);
    assert_string_equal(a.state, dir);
    assert_string_equal(a.host, "printer.local.");
    assert_int_equal(strlen(a.digest_hex), 64);
    assert_int_equal(strlen(a.pk_b64), 44);
    assert_int_equal(strncmp(a.address, "0x", 2), 0);
    assert_int_equal(nt_keygen_create(&b, dir, "printer", false), NT_EXIT_USAGE);
    assert_int_equal(nt_keygen_create(&b, dir, "printer", true), NT_EXIT_OK);
    assert_string_not_equal(a.digest_hex, b.digest_hex);
    assert_int_equal(nt_keygen_create(&b, dir, "bad..name", true), NT_EXIT_USAGE);
    rm_tree(dir);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static void decode_inputs(void **state)
{
    char *dir = temp_dir(), path[96];
    (void)state;
    snprintf(path, sizeof path, "%s/msg", dir);
    /* a header with no records, as hex with whitespace */
    write_file(path, "1234 8400 0000 0000\n0000 0000\n");
    assert_int_equal(nt_decode_run(path, false), NT_EXIT_OK);
    assert_int_equal(nt_decode_run(path, true), NT_EXIT_OK);
    write_file(path, "1234 8400 0001");
    assert_int_equal(nt_decode_run(path, false), NT_EXIT_USAGE);
    write_file(path, "123");
    assert_int_equal(nt_decode_run(path, false), NT_EXIT_USAGE);
    rm_tree(dir);
    assert_int_equal(nt_decode_run(path, false), NT_EXIT_USAGE);
}

/* Refused before any socket is opened: a browse that cannot start says so
 * in one line and exits 2. */
static void browse_refusals(void **state)
{
    nt_browse_opts o;
    (void)state;
    nt_browse_opts_init(&o);
    assert_int_equal(o.timeout, -1);
    assert_int_equal(o.topts.require, NT_TRUST_UNSIGNED);
    o.type = "_http._tcp";
    o.topts.rpc = "http://127.0.0.1:1";
    assert_int_equal(nt_browse_run(&o), NT_EXIT_USAGE); /* --rpc without --registry */
    nt_browse_opts_init(&o);
    o.type = "_http._tcp";
    o.topts.trust_file = "/nonexistent/nautilus-test/pins";
    assert_int_equal(nt_browse_run(&o), NT_EXIT_USAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(resolve_checks),     cmocka_unit_test(resolve_in_process),
        cmocka_unit_test(feedback_key_and_store), cmocka_unit_test(keygen_keys),
        cmocka_unit_test(decode_inputs),      cmocka_unit_test(browse_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
