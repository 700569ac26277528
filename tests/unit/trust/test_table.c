/* The capped map behind the trust tables (agent/trust/table.c): eviction in
 * order of use against a plain model while linear-probing removals move
 * entries around, the keyed hash against keys a LAN host chose, and the
 * one-pass sweep of stale entries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "agent/trust/table.h"

static uint32_t rnd_state = 12345u;

static uint32_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 17;
    rnd_state ^= rnd_state << 5;
    return rnd_state;
}

/* Key k as bytes: 1 to 3 of them, so that lengths differ too. */
static size_t key_of(unsigned k, uint8_t out[3])
{
    out[0] = (uint8_t)k;
    out[1] = (uint8_t)(k >> 8);
    out[2] = (uint8_t)(k * 7u);
    return 1u + k % 3u;
}

static bool slot_has(const nt_trust_table *t, const uint8_t *key, size_t len)
{
    size_t i;
    for (i = 0; i < t->nslots; i++)
        if (t->slots[i].used && t->slots[i].key_len == len &&
            memcmp(t->slots[i].key, key, len) == 0)
            return true;
    return false;
}

/* 20,000 random puts and gets on a table of 8 (16 slots) from 40 keys,
 * against a list kept in order of use: after each step the table holds
 * exactly the model's keys and its list, walked from the head, is the
 * model's order (evictions take the model's last). */
static void test_lru_against_model(void **state)
{
    enum { CAP = 8, KEYS = 40, STEPS = 20000 };
    nt_trust_table t;
    unsigned model[CAP];
    size_t n = 0, step, i;
    (void)state;
    assert_int_equal(nt_trust_table_init(&t, CAP), NT_OK);
    for (step = 0; step < STEPS; step++) {
        unsigned k = rnd() % KEYS;
        uint8_t key[3];
        size_t len = key_of(k, key), at = n;
        bool put = rnd() % 10u < 7u;
        nt_trust_entry *e;
        int32_t s;
        for (i = 0; i < n; i++)
            if (model[i] == k)
                at = i;
        if (put) {
            bool created;
            e = nt_trust_table_put(&t, key, len, &created);
            assert_non_null(e);
            assert_int_equal(created, at == n);
            if (at == n && n == CAP)
                at = n - 1; /* the least recently used goes */
            else if (at == n)
                n++;
        } else {
            e = nt_trust_table_get(&t, key, len);
            assert_int_equal(e != NULL, at < n);
            if (at == n)
                continue;
        }
        memmove(model + 1, model, at * sizeof model[0]);
        model[0] = k;
        assert_int_equal(t.count, n);
        for (i = 0, s = t.lru_head; i < n; i++, s = t.slots[s].lru_next) {
            uint8_t want[3];
            size_t wl = key_of(model[i], want);
            assert_true(s >= 0);
            assert_true(t.slots[s].used);
            assert_int_equal(t.slots[s].key_len, wl);
            assert_memory_equal(t.slots[s].key, want, wl);
            assert_true(slot_has(&t, want, wl));
        }
        assert_int_equal(s, -1);
        if (n > 0)
            assert_int_equal(t.slots[t.lru_tail].lru_next, -1);
    }
    nt_trust_table_cleanup(&t);
}

static size_t home(const nt_trust_table *t, const uint8_t *key, size_t len)
{
    return (size_t)nt_keyed_hash(&t->key, 0, key, len, false) & (t->nslots - 1);
}

/* 300 IPv6 sources chosen to share one home slot in a table of 4096
 * sources (as a host that knew the hash would choose them; with the FNV-1a
 * used before, any host could: each new source then cost a probe run as
 * long as the table) make one run of 300 there, and spread out in another
 * table, whose key is its own (runs far shorter than 300). */
static void test_chosen_keys_spread(void **state)
{
    enum { CAP = 4096, CHOSEN = 300 };
    static uint8_t src[CHOSEN][16];
    nt_trust_table a, b;
    size_t found = 0, i, longest = 0;
    uint32_t ctr = 0;
    (void)state;
    assert_int_equal(nt_trust_table_init(&a, CAP), NT_OK);
    assert_int_equal(nt_trust_table_init(&b, CAP), NT_OK);
    assert_true(a.key.k[0] != b.key.k[0] || a.key.k[1] != b.key.k[1]);
    while (found < CHOSEN) {
        uint8_t s[16] = {0xfe, 0x80};
        ctr++;
        memcpy(s + 8, &ctr, sizeof ctr);
        if (home(&a, s, 16) == 0)
            memcpy(src[found++], s, 16);
    }
    for (i = 0; i < CHOSEN; i++) {
        assert_non_null(nt_trust_table_put(&a, src[i], 16, NULL));
        assert_non_null(nt_trust_table_put(&b, src[i], 16, NULL));
    }
    for (i = 0; i < CHOSEN; i++) /* under a's key: slots 0..299, one run */
        assert_true(a.slots[i].used);
    for (i = 0; i < b.nslots; i++) {
        size_t d;
        if (!b.slots[i].used)
            continue;
        d = (i - home(&b, b.slots[i].key, b.slots[i].key_len)) & (b.nslots - 1);
        if (d > longest)
            longest = d;
    }
    assert_true(longest <= 16); /* load 0.04, random key: chance never gets near */
    nt_trust_table_cleanup(&a);
    nt_trust_table_cleanup(&b);
}

/* Eight entries that go stale together are all swept by the first
 * newcomer after, not one per newcomer; the next bound is the newcomer's. */
static void test_stale_swept_at_once(void **state)
{
    nt_trust_table t;
    uint8_t key[3];
    unsigned k;
    (void)state;
    assert_int_equal(nt_trust_table_init(&t, 8), NT_OK);
    for (k = 0; k < 8; k++)
        assert_non_null(nt_trust_table_put_kept(&t, key, key_of(k, key), false, 100, 50, NULL));
    assert_null(nt_trust_table_put_kept(&t, key, key_of(8, key), false, 300, 60, NULL));
    assert_int_equal(t.refused, 1);
    assert_non_null(nt_trust_table_put_kept(&t, key, key_of(9, key), false, 300, 101, NULL));
    assert_int_equal(t.count, 1);
    assert_int_equal(t.next_stale, 300);
    assert_int_equal(t.lru_head, t.lru_tail);
    nt_trust_table_cleanup(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lru_against_model),
        cmocka_unit_test(test_chosen_keys_spread),
        cmocka_unit_test(test_stale_swept_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
