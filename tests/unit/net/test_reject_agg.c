/* Unit tests for browse's rejection aggregation (agent/run/reject_agg.c): the
 * first rejection of a (name, reason) is shown at once, then at most one
 * line per interval with how many it stands for; nothing is ever lost from
 * the totals, even when the table is full or the run ends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agent/run/reject_agg.h"

#define IVL 10000u
#define SHOWN_MAX 4096

typedef struct shown {
    char instance[NT_MDNS_LABEL_MAX * 4];
    char reason[NT_MDNS_REASON_MAX];
    uint32_t count;
    uint64_t at; /* the test's clock when it was shown */
} shown;

typedef struct sink {
    shown s[SHOWN_MAX];
    size_t n;
    uint64_t now;
} sink;

static void emit(void *ctx, const nt_mdns_event *ev, uint32_t count)
{
    sink *k = ctx;
    assert_true(k->n < SHOWN_MAX);
    assert_int_equal(ev->kind, NT_MDNS_EV_REJECTED);
    snprintf(k->s[k->n].instance, sizeof k->s[k->n].instance, "%s", ev->instance);
    snprintf(k->s[k->n].reason, sizeof k->s[k->n].reason, "%s", ev->reason);
    k->s[k->n].count = count;
    k->s[k->n].at = k->now;
    k->n++;
}

static nt_mdns_event *rejected(const char *instance, const char *reason)
{
    static nt_mdns_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = NT_MDNS_EV_REJECTED;
    snprintf(ev.instance, sizeof ev.instance, "%s", instance);
    snprintf(ev.type, sizeof ev.type, "_ipp._tcp");
    snprintf(ev.domain, sizeof ev.domain, "local");
    snprintf(ev.reason, sizeof ev.reason, "%s", reason);
    return &ev;
}

static void add(nt_reject_agg *a, sink *k, uint64_t now, const char *inst, const char *reason)
{
    k->now = now;
    nt_reject_agg_add(a, rejected(inst, reason), now);
}

static void test_first_at_once_then_counted(void **state)
{
    static sink k;
    nt_reject_agg *a;
    uint64_t due;
    int i;
    (void)state;
    memset(&k, 0, sizeof k);
    assert_int_equal(nt_reject_agg_create(&a, 8, IVL, emit, &k), NT_OK);
    assert_false(nt_reject_agg_next_due(a, &due));
    add(a, &k, 1000, "Printer", "unsigned");
    assert_int_equal(k.n, 1);
    assert_int_equal(k.s[0].count, 1);
    /* A flood inside the interval: counted, not shown. */
    for (i = 0; i < 500; i++)
        add(a, &k, 1000 + (uint64_t)i * 10, "Printer", "unsigned");
    assert_int_equal(k.n, 1);
    assert_true(nt_reject_agg_next_due(a, &due));
    assert_int_equal(due, 1000 + IVL);
    nt_reject_agg_tick(a, 1000 + IVL - 1);
    assert_int_equal(k.n, 1);
    k.now = 1000 + IVL;
    nt_reject_agg_tick(a, 1000 + IVL);
    assert_int_equal(k.n, 2);
    assert_int_equal(k.s[1].count, 500);
    assert_false(nt_reject_agg_next_due(a, &due));
    /* Nothing pending and a quiet interval: the next one is shown at once. */
    add(a, &k, 1000 + 2 * IVL, "Printer", "unsigned");
    assert_int_equal(k.n, 3);
    assert_int_equal(k.s[2].count, 1);
    /* Pending at the end of the run: shown by the flush. */
    add(a, &k, 1000 + 2 * IVL + 5, "Printer", "unsigned");
    add(a, &k, 1000 + 2 * IVL + 6, "Printer", "unsigned");
    assert_int_equal(k.n, 3);
    nt_reject_agg_flush(a);
    assert_int_equal(k.n, 4);
    assert_int_equal(k.s[3].count, 2);
    nt_reject_agg_flush(a);
    assert_int_equal(k.n, 4);
    nt_reject_agg_destroy(a);
}

/* Name and reason both make the group. */
static void test_groups(void **state)
{
    static sink k;
    nt_reject_agg *a;
    (void)state;
    memset(&k, 0, sizeof k);
    assert_int_equal(nt_reject_agg_create(&a, 8, IVL, emit, &k), NT_OK);
    add(a, &k, 0, "A", "unsigned");
    add(a, &k, 1, "A", "wrong-key");
    add(a, &k, 2, "B", "unsigned");
    add(a, &k, 3, "A", "unsigned");
    add(a, &k, 4, "AB", "unsigned");
    assert_int_equal(k.n, 4);
    assert_string_equal(k.s[1].reason, "wrong-key");
    assert_string_equal(k.s[2].instance, "B");
    assert_string_equal(k.s[3].instance, "AB");
    nt_reject_agg_flush(a);
    assert_int_equal(k.n, 5);
    assert_string_equal(k.s[4].instance, "A");
    assert_string_equal(k.s[4].reason, "unsigned");
    assert_int_equal(k.s[4].count, 1);
    nt_reject_agg_destroy(a);
}

/* A full table reuses the group seen least recently, showing its pending
 * count first. */
static void test_full_table_flushes_oldest(void **state)
{
    static sink k;
    nt_reject_agg *a;
    (void)state;
    memset(&k, 0, sizeof k);
    assert_int_equal(nt_reject_agg_create(&a, 2, IVL, emit, &k), NT_OK);
    add(a, &k, 0, "A", "unsigned");
    add(a, &k, 1, "A", "unsigned");
    add(a, &k, 2, "A", "unsigned");
    add(a, &k, 3, "B", "unsigned");
    add(a, &k, 4, "B", "unsigned");
    assert_int_equal(k.n, 2);
    add(a, &k, 5, "C", "unsigned");
    assert_int_equal(k.n, 4);
    assert_string_equal(k.s[2].instance, "A");
    assert_int_equal(k.s[2].count, 2);
    assert_string_equal(k.s[3].instance, "C");
    assert_int_equal(k.s[3].count, 1);
    nt_reject_agg_flush(a);
    assert_int_equal(k.n, 5);
    assert_string_equal(k.s[4].instance, "B");
    assert_int_equal(k.s[4].count, 1);
    nt_reject_agg_destroy(a);
}

/* Random traffic: every rejection is in exactly one shown count, and while
 * the table has room a group is shown at most once per interval. */
static void check_random(unsigned seed, size_t cap, size_t keys)
{
    static sink k;
    static const char *const reasons[] = {"unsigned", "wrong-key"};
    size_t adds[16][2] = {{0}}, sum[16][2] = {{0}}, i;
    uint64_t now = 0, last[16][2];
    nt_reject_agg *a;
    uint64_t due;
    memset(&k, 0, sizeof k);
    srand(seed);
    assert_int_equal(nt_reject_agg_create(&a, cap, IVL, emit, &k), NT_OK);
    for (i = 0; i < 3000; i++) {
        size_t key = (size_t)rand() % keys, r = (size_t)rand() % 2;
        char inst[24]; /* room for any size_t: -Wformat-truncation at -O0 */
        now += (uint64_t)(rand() % 200);
        k.now = now;
        if (nt_reject_agg_next_due(a, &due) && due <= now)
            nt_reject_agg_tick(a, now);
        snprintf(inst, sizeof inst, "i%zu", key);
        add(a, &k, now, inst, reasons[r]);
        adds[key][r]++;
    }
    k.now = UINT64_MAX;
    nt_reject_agg_flush(a);
    memset(last, 0xff, sizeof last);
    for (i = 0; i < k.n; i++) {
        size_t key = (size_t)atoi(k.s[i].instance + 1), r = strcmp(k.s[i].reason, "unsigned") != 0;
        sum[key][r] += k.s[i].count;
        if (cap >= 2 * keys && k.s[i].at != UINT64_MAX && last[key][r] != UINT64_MAX)
            assert_true(k.s[i].at - last[key][r] >= IVL);
        last[key][r] = k.s[i].at;
    }
    for (i = 0; i < keys; i++) {
        assert_int_equal(sum[i][0], adds[i][0]);
        assert_int_equal(sum[i][1], adds[i][1]);
    }
    nt_reject_agg_destroy(a);
}

static void test_random_totals(void **state)
{
    unsigned seed = (unsigned)strtoul(getenv("NT_SEED") ? getenv("NT_SEED") : "8", NULL, 10);
    (void)state;
    printf("seed %u (NT_SEED)\n", seed);
    check_random(seed, 32, 8);     /* room for every group */
    check_random(seed + 1, 3, 8);  /* groups fight for 3 slots */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_at_once_then_counted),
        cmocka_unit_test(test_groups),
        cmocka_unit_test(test_full_table_flushes_oldest),
        cmocka_unit_test(test_random_totals),
    };
    return cmocka_run_group_tests_name("reject_agg", tests, NULL, NULL);
}
