/* Predictive refresh in the engine (config.predict_per_min, DESIGN §7.2):
 * a client that resolved an instance every 2 s for 20 s and then stopped
 * asking still has its records a TTL later, because the engine refreshed
 * them before they expired; with prediction off (RFC 6762 §5.2 refreshes
 * only active queries) they are gone. Seeds fixed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lan.h"
#include "nautilus/wire.h"

static uint32_t g_budget;

static void tweak(nt_mdns_config *cfg, int i)
{
    if (i == 1)
        cfg->predict_per_min = g_budget;
}

typedef struct srv_seen {
    uint64_t now;
    size_t live;
} srv_seen;

static void count_srv(void *ctx, const nt_mdns_cache_entry *e)
{
    srv_seen *s = ctx;
    if (e->rr.type == NT_DNS_TYPE_SRV && e->expires_ms > s->now)
        s->live++;
}

/* Engine 1 resolves "Box" every 2 s from 5 s to 23 s, then runs to 70 s
 * (the records' TTL is 60 s: without a refresh they expire at about 65 s). */
static size_t run_client(uint32_t budget, nt_mdns_stats *stats)
{
    lan l;
    srv_seen s = {0, 0};
    uint64_t t;
    g_budget = budget;
    lan_init_cfg(&l, 2, 7, NULL, tweak);
    lan_run_until(&l, 2000);
    lan_publish(&l, 0, "Box", "_http._tcp", 80, 60);
    lan_run_until(&l, 5000);
    for (t = 5000; t < 25000; t += 2000) {
        nt_mdns_query_config q;
        nt_mdns_query_id id;
        memset(&q, 0, sizeof q);
        q.kind = NT_MDNS_Q_RESOLVE;
        q.type = "_http._tcp";
        q.instance = "Box";
        q.immediate = true;
        assert_int_equal(nt_mdns_query_add(l.e[1], &id, &q, t), NT_OK);
        lan_run_until(&l, t + 1000);
        assert_int_equal(nt_mdns_query_del(l.e[1], id), NT_OK);
        lan_run_until(&l, t + 2000);
    }
    lan_run_until(&l, 70000);
    s.now = l.now;
    nt_mdns_cache_walk(l.e[1], 0, count_srv, &s);
    nt_mdns_stats_get(l.e[1], stats);
    lan_cleanup(&l);
    return s.live;
}

static void test_predictive_refresh(void **state)
{
    nt_mdns_stats with, without;
    (void)state;
    printf("seed 7\n");
    assert_int_equal(run_client(0, &without), 0);  /* §5.2 alone: expired */
    assert_int_equal(without.predict_questions, 0);
    assert_int_equal(run_client(60, &with), 1);    /* refreshed before expiry */
    assert_true(with.predict_questions >= 1);
    assert_true(with.predict_questions <= 60);     /* within the budget */
    printf("predictive questions: %lu\n", (unsigned long)with.predict_questions);
}

/* A budget of 1 question per minute: records needing more are left to expire. */
static void test_budget(void **state)
{
    nt_mdns_stats st;
    (void)state;
    (void)run_client(1, &st);
    assert_true(st.predict_questions <= 2); /* one token at start, one refilled in 70 s */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_predictive_refresh),
        cmocka_unit_test(test_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
