/* The engine's keyed name hash (agent/mdns/engine.c, mdns_hash_folded):
 * SipHash-1-3 over the tweak and the bytes with ASCII letters folded, under
 * a key of the engine's. Checked against values from an independent
 * SipHash written in Python (its SipHash-2-4 gives the paper's test vector
 * a129ca6149be45e5 for key 00..0f and message 00..0e), for case folding at
 * every byte value, for where the key comes from, and for what the key is
 * for: names a LAN host picked to share one bucket under one key spread
 * out under another. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agent/mdns/mdns_int.h"

/* Key 00 01 .. 0f read as two little-endian words. */
static void key_0_to_15(nt_mdns *m)
{
    memset(m, 0, sizeof *m);
    m->hkey.k[0] = 0x0706050403020100ull;
    m->hkey.k[1] = 0x0f0e0d0c0b0a0908ull;
}

static void test_siphash_vectors(void **state)
{
    static const struct {
        uint64_t tweak;
        const char *msg;
        size_t len;
        uint64_t want;
    } v[] = {
        {0, "", 0, 0x5cb96f6ba2a4fcfcull},
        {0, "\005Hello\005local", 13, 0xa121f6ef055ece94ull},
        {0x1234567890abcdefull, "\007Printer\004_ipp\004_tcp\005LOCAL", 25, 0x8ca5ff588a08748full},
    };
    uint8_t up[64], down[64];
    nt_mdns *m = calloc(1, sizeof *m);
    size_t i;
    (void)state;
    assert_non_null(m);
    key_0_to_15(m);
    for (i = 0; i < sizeof v / sizeof v[0]; i++)
        assert_int_equal(mdns_hash_folded(m, v[i].tweak, (const uint8_t *)v[i].msg, v[i].len),
                         v[i].want);
    for (i = 0; i < 23; i++)
        up[i] = (uint8_t)i;
    assert_int_equal(mdns_hash_folded(m, 33, up, 23), 0xc0a30620ec1db851ull);
    for (i = 0; i < 64; i++)
        down[i] = (uint8_t)(255 - i); /* high bytes: 0xc1..0xda are not letters */
    assert_int_equal(mdns_hash_folded(m, 7, down, 64), 0x688ac1f51e6c402bull);
    free(m);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Each byte value at each position of a word and of the tail: 'A'..'Z'
 * hash as 'a'..'z', and the other 230 values (0x40 '@' and 0x60 '`', 0x5b
 * '[' and 0x7b '{', 0xc1 and 0xe1 among them) all hash apart. */
static void test_fold_every_byte(void **state)
{
    nt_mdns *m = calloc(1, sizeof *m);
    uint64_t h[256];
    uint8_t name[13] = "\005aXcde\005local";
    size_t pos, b, n;
    (void)state;
    assert_non_null(m);
    key_0_to_15(m);
    for (pos = 0; pos < sizeof name; pos++) {
        uint8_t keep = name[pos];
        n = 0;
        for (b = 0; b < 256; b++) {
            uint64_t x;
            name[pos] = (uint8_t)b;
            x = mdns_hash_folded(m, 0, name, sizeof name);
            if (b >= 'A' && b <= 'Z') {
                name[pos] = (uint8_t)(b + 32);
                assert_int_equal(x, mdns_hash_folded(m, 0, name, sizeof name));
            } else {
                h[n++] = x;
            }
        }
        assert_int_equal(n, 230);
        qsort(h, n, sizeof h[0], cmp_u64);
        for (b = 1; b < n; b++)
            assert_true(h[b] != h[b - 1]);
        name[pos] = keep;
    }
    free(m);
}

static uint32_t counter_rng(void *ctx)
{
    uint32_t *c = ctx;
    return (*c)++;
}

static nt_mdns *engine(uint64_t seed, uint32_t *rng_ctx)
{
    nt_mdns_config cfg;
    nt_mdns *m = NULL;
    nt_mdns_config_init(&cfg);
    cfg.host_name = "box";
    cfg.seed = seed;
    if (rng_ctx != NULL) {
        cfg.rng = counter_rng;
        cfg.rng_ctx = rng_ctx;
    }
    assert_int_equal(nt_mdns_create(&m, &cfg), NT_OK);
    return m;
}

/* With an rng callback (getrandom() behind it in the commands and the
 * agent) the key is its first four draws; without one it comes from the
 * seed: the same seed, the same key, another seed, another key. */
static void test_key_source(void **state)
{
    uint32_t ctr = 0x10;
    nt_mdns *r = engine(1, &ctr), *a = engine(1, NULL), *b = engine(1, NULL), *c = engine(2, NULL);
    (void)state;
    assert_int_equal(r->hkey.k[0], 0x0000001000000011ull);
    assert_int_equal(r->hkey.k[1], 0x0000001200000013ull);
    assert_true(ctr >= 0x14);
    assert_int_equal(a->hkey.k[0], b->hkey.k[0]);
    assert_int_equal(a->hkey.k[1], b->hkey.k[1]);
    assert_true(a->hkey.k[0] != c->hkey.k[0] && a->hkey.k[1] != c->hkey.k[1]);
    assert_true(a->hkey.k[0] != r->hkey.k[0]);
    nt_mdns_destroy(r);
    nt_mdns_destroy(a);
    nt_mdns_destroy(b);
    nt_mdns_destroy(c);
}

/* The attack the key stops: 200 names that all fall in bucket 0 of 1024
 * under one key (found by trying names, as a LAN host that knows the key,
 * or a fixed hash, would) land in at most a few per bucket under another
 * engine's key; with one hash for every engine all 200 would share it. */
static void test_chosen_names_spread(void **state)
{
    enum { NAMES = 200, BUCKETS = 1024 };
    nt_mdns *att = engine(7, NULL), *vic = engine(8, NULL);
    static nt_dns_name names[NAMES];
    uint16_t load[BUCKETS];
    size_t found = 0, i, most = 0;
    uint64_t tries = 0;
    (void)state;
    while (found < NAMES) {
        char text[64];
        snprintf(text, sizeof text, "x%llu.local", (unsigned long long)tries++);
        assert_int_equal(nt_dns_name_from_str(&names[found], text), NT_OK);
        if ((mdns_name_hash(att, &names[found]) & (BUCKETS - 1)) == 0)
            found++;
    }
    memset(load, 0, sizeof load);
    for (i = 0; i < NAMES; i++) {
        uint16_t *l = &load[mdns_name_hash(vic, &names[i]) & (BUCKETS - 1)];
        if (++*l > most)
            most = *l;
    }
    assert_true(most <= 6);
    nt_mdns_destroy(att);
    nt_mdns_destroy(vic);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_siphash_vectors),
        cmocka_unit_test(test_fold_every_byte),
        cmocka_unit_test(test_key_source),
        cmocka_unit_test(test_chosen_names_spread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
