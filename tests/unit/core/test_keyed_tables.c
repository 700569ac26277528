/* The hash tables keyed by core/keyed_hash.h outside the engine and the
 * trust tables: the ranking's name index (agent/rank/names.c) and the bus
 * publisher's live instances (agent/bus/pub_state.c). Each draws its own
 * key, so 300 names chosen to share one home slot (or bucket) under one
 * table's key, as a LAN host that knew a fixed hash would choose them,
 * spread out in another table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "agent/bus/pub_state.h"
#include "agent/rank/rank_int.h"

enum { CHOSEN = 300 };
static char names[CHOSEN][32];

static uint64_t hash_of(const nt_hkey *k, const char *s)
{
    return nt_keyed_hash(k, 0, s, strlen(s), false);
}

/* CHOSEN names whose hash under k is 0 modulo m. */
static void choose(const nt_hkey *k, uint64_t m)
{
    size_t found = 0;
    unsigned long n = 0;
    while (found < CHOSEN) {
        snprintf(names[found], sizeof names[found], "printer-%lu._ipp._tcp.local", n++);
        if (hash_of(k, names[found]) % m == 0)
            found++;
    }
}

static void test_rank_names(void **state)
{
    nt_names a, b;
    size_t i, longest = 0;
    (void)state;
    assert_int_equal(nt_names_init(&a, 1024), NT_OK);
    assert_int_equal(nt_names_init(&b, 1024), NT_OK);
    assert_true(a.key.k[0] != b.key.k[0] || a.key.k[1] != b.key.k[1]);
    choose(&a.key, a.nslots);
    for (i = 0; i < CHOSEN; i++) {
        assert_true(nt_names_add(&a, names[i]) >= 0);
        assert_true(nt_names_add(&b, names[i]) >= 0);
    }
    for (i = 0; i < CHOSEN; i++) /* one run from slot 0 under a's key */
        assert_true(a.slot[i] != 0);
    for (i = 0; i < b.nslots; i++) {
        size_t d;
        if (b.slot[i] == 0)
            continue;
        d = (i - (size_t)hash_of(&b.key, b.name[b.slot[i] - 1])) & (b.nslots - 1);
        if (d > longest)
            longest = d;
    }
    /* Random keys: a bound chance never reaches (load 0.15), far below
     * the 300 of the chosen run. */
    assert_true(longest <= 24);
    for (i = 0; i < CHOSEN; i++)
        assert_int_equal(nt_names_find(&b, names[i]), (int32_t)i);
    nt_names_cleanup(&a);
    nt_names_cleanup(&b);
}

static void test_bus_state(void **state)
{
    static nt_bus_state a, b;
    static const uint8_t hash[32];
    size_t i, longest = 0;
    (void)state;
    nt_bus_state_init(&a, 4096);
    nt_bus_state_init(&b, 4096);
    assert_true(a.key.k[0] != b.key.k[0] || a.key.k[1] != b.key.k[1]);
    choose(&a.key, NT_BUS_STATE_BUCKETS);
    for (i = 0; i < CHOSEN; i++) {
        assert_int_equal(nt_bus_state_put(&a, names[i], "service.added", "{}", 2, hash, i + 1), NT_OK);
        assert_int_equal(nt_bus_state_put(&b, names[i], "service.added", "{}", 2, hash, i + 1), NT_OK);
    }
    for (i = 0; i < NT_BUS_STATE_BUCKETS; i++) {
        size_t len = 0;
        const nt_bus_state_entry *e;
        for (e = b.buckets[i]; e; e = e->next)
            len++;
        if (len > longest)
            longest = len;
        if (i != 0)
            assert_null(a.buckets[i]);
    }
    assert_true(longest <= 12); /* 300 names in 4096 buckets, random key */
    nt_bus_state_cleanup(&a);
    nt_bus_state_cleanup(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rank_names),
        cmocka_unit_test(test_bus_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
