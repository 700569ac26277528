/* Unit tests for agent/net: addresses with scope, on-link math, the timer
 * heap, the event loop (socketpair, timers, signals) and a loopback socket. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "nautilus/net.h"

static nt_net_addr parse_ok(const char *text)
{
    nt_net_addr a;
    assert_int_equal(nt_net_addr_parse(&a, text), NT_OK);
    return a;
}

static void assert_format(const nt_net_addr *a, const char *want)
{
    char buf[NT_NET_ADDR_TEXT_MAX];
    assert_int_equal(nt_net_addr_format(buf, sizeof buf, a), NT_OK);
    assert_string_equal(buf, want);
}

static void test_addr_parse_format(void **state)
{
    nt_net_addr a;
    char small[8];
    (void)state;

    a = parse_ok("10.0.0.1");
    assert_int_equal(a.family, NT_NET_IPV4);
    assert_int_equal(a.bytes[0], 10);
    assert_int_equal(a.bytes[3], 1);
    assert_int_equal(a.scope, 0);
    assert_format(&a, "10.0.0.1");

    a = parse_ok("2001:DB8::1");
    assert_int_equal(a.family, NT_NET_IPV6);
    assert_int_equal(a.scope, 0);
    assert_format(&a, "2001:db8::1");

    /* "lo" always exists and is interface 1 on Linux. */
    a = parse_ok("fe80::1%lo");
    assert_int_equal(a.scope, 1);
    assert_format(&a, "fe80::1%lo");
    a = parse_ok("fe80::1%1");
    assert_int_equal(a.scope, 1);
    assert_format(&a, "fe80::1%lo");

    /* A scope that names no interface prints as a number. */
    a.scope = 999999;
    assert_format(&a, "fe80::1%999999");

    assert_int_equal(nt_net_addr_parse(&a, "10.0.0.1%lo"), NT_ERR_NET_ADDR_SYNTAX);
    assert_int_equal(nt_net_addr_parse(&a, "fe80::1%"), NT_ERR_NET_ADDR_SYNTAX);
    assert_int_equal(nt_net_addr_parse(&a, "fe80::1%no-such-if9"), NT_ERR_NET_SCOPE);
    assert_int_equal(nt_net_addr_parse(&a, "fe80::1%0"), NT_ERR_NET_SCOPE);
    assert_int_equal(nt_net_addr_parse(&a, "fe80::1%averyveryverylongname"), NT_ERR_NET_SCOPE);
    assert_int_equal(nt_net_addr_parse(&a, "printer.local"), NT_ERR_NET_ADDR_SYNTAX);
    assert_int_equal(nt_net_addr_parse(&a, "256.1.1.1"), NT_ERR_NET_ADDR_SYNTAX);
    assert_int_equal(nt_net_addr_parse(&a, ""), NT_ERR_NET_ADDR_SYNTAX);
    assert_int_equal(nt_net_addr_parse(&a, "%lo"), NT_ERR_NET_ADDR_SYNTAX);

    a = parse_ok("fe80::1%lo");
    assert_int_equal(nt_net_addr_format(small, sizeof small, &a), NT_ERR_NOSPACE);
    assert_string_equal(small, "");
    a.family = 5;
    assert_int_equal(nt_net_addr_format(small, sizeof small, &a), NT_ERR_INVALID_ARG);
}

static void test_addr_classes(void **state)
{
    nt_net_addr a, g;
    (void)state;

    a = parse_ok("fe80::abcd");
    assert_true(nt_net_addr_is_link_local(&a));
    a = parse_ok("febf::1");
    assert_true(nt_net_addr_is_link_local(&a));
    a = parse_ok("fec0::1");
    assert_false(nt_net_addr_is_link_local(&a));
    a = parse_ok("169.254.3.4");
    assert_true(nt_net_addr_is_link_local(&a));
    a = parse_ok("169.253.3.4");
    assert_false(nt_net_addr_is_link_local(&a));

    nt_net_addr_mdns_group(&g, NT_NET_IPV4);
    assert_format(&g, "224.0.0.251");
    assert_true(nt_net_addr_is_multicast(&g));
    nt_net_addr_mdns_group(&g, NT_NET_IPV6);
    assert_format(&g, "ff02::fb");
    assert_true(nt_net_addr_is_multicast(&g));
    a = parse_ok("239.255.255.255");
    assert_true(nt_net_addr_is_multicast(&a));
    a = parse_ok("240.0.0.1");
    assert_false(nt_net_addr_is_multicast(&a));

    a = parse_ok("fe80::1%lo");
    g = parse_ok("fe80::1");
    assert_false(nt_net_addr_equal(&a, &g)); /* scope differs */
    g.scope = 1;
    assert_true(nt_net_addr_equal(&a, &g));
}

static nt_net_prefix prefix(const char *text, uint8_t len)
{
    nt_net_prefix p;
    p.addr = parse_ok(text);
    p.len = len;
    return p;
}

static void test_prefix_math(void **state)
{
    nt_net_prefix p;
    nt_net_addr a;
    uint8_t len = 0;
    static const uint8_t m24[4] = {255, 255, 255, 0};
    static const uint8_t m23[4] = {255, 255, 254, 0};
    static const uint8_t m0[4] = {0, 0, 0, 0};
    static const uint8_t m32[4] = {255, 255, 255, 255};
    static const uint8_t gap[4] = {255, 0, 255, 0};
    static const uint8_t bad_bits[4] = {255, 255, 0xf4, 0};
    static const uint8_t m64[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    (void)state;

    p = prefix("10.0.0.1", 24);
    a = parse_ok("10.0.0.200");
    assert_true(nt_net_prefix_contains(&p, &a));
    a = parse_ok("10.0.1.1");
    assert_false(nt_net_prefix_contains(&p, &a));

    p = prefix("10.0.2.1", 23); /* 10.0.2.0 - 10.0.3.255 */
    a = parse_ok("10.0.3.7");
    assert_true(nt_net_prefix_contains(&p, &a));
    a = parse_ok("10.0.4.7");
    assert_false(nt_net_prefix_contains(&p, &a));
    a = parse_ok("10.0.1.7");
    assert_false(nt_net_prefix_contains(&p, &a));

    p = prefix("0.0.0.0", 0);
    a = parse_ok("203.0.113.9");
    assert_true(nt_net_prefix_contains(&p, &a));
    a = parse_ok("::1");
    assert_false(nt_net_prefix_contains(&p, &a)); /* family differs */

    p = prefix("2001:db8:1:2::1", 64);
    a = parse_ok("2001:db8:1:2:aaaa::9");
    assert_true(nt_net_prefix_contains(&p, &a));
    a = parse_ok("2001:db8:1:3::1");
    assert_false(nt_net_prefix_contains(&p, &a));
    p.len = 129;
    a = parse_ok("2001:db8:1:2::1");
    assert_false(nt_net_prefix_contains(&p, &a));

    assert_int_equal(nt_net_netmask_len(&len, m24, 4), NT_OK);
    assert_int_equal(len, 24);
    assert_int_equal(nt_net_netmask_len(&len, m23, 4), NT_OK);
    assert_int_equal(len, 23);
    assert_int_equal(nt_net_netmask_len(&len, m0, 4), NT_OK);
    assert_int_equal(len, 0);
    assert_int_equal(nt_net_netmask_len(&len, m32, 4), NT_OK);
    assert_int_equal(len, 32);
    assert_int_equal(nt_net_netmask_len(&len, m64, 16), NT_OK);
    assert_int_equal(len, 64);
    assert_int_equal(nt_net_netmask_len(&len, gap, 4), NT_ERR_NET_NETMASK);
    assert_int_equal(nt_net_netmask_len(&len, bad_bits, 4), NT_ERR_NET_NETMASK);
    assert_int_equal(nt_net_netmask_len(&len, m24, 3), NT_ERR_INVALID_ARG);
}

static void test_onlink(void **state)
{
    nt_net_iface ifc;
    nt_net_addr a;
    (void)state;

    memset(&ifc, 0, sizeof ifc);
    strcpy(ifc.name, "lan0");
    ifc.index = 7;
    ifc.addrs[ifc.n_addrs++] = prefix("192.168.5.10", 24);
    ifc.addrs[ifc.n_addrs++] = prefix("2001:db8:5::10", 64);
    ifc.addrs[ifc.n_addrs] = prefix("fe80::10", 64);
    ifc.addrs[ifc.n_addrs++].addr.scope = 7;

    a = parse_ok("192.168.5.77");
    assert_true(nt_net_iface_is_onlink(&ifc, &a));
    a = parse_ok("192.168.6.77");
    assert_false(nt_net_iface_is_onlink(&ifc, &a));
    a = parse_ok("2001:db8:5::99");
    assert_true(nt_net_iface_is_onlink(&ifc, &a));
    a = parse_ok("2001:db8:6::99");
    assert_false(nt_net_iface_is_onlink(&ifc, &a));
    /* RFC 6762 §11: link-local sources are on-link whatever the prefixes. */
    a = parse_ok("fe80::1234");
    assert_true(nt_net_iface_is_onlink(&ifc, &a));
    a = parse_ok("169.254.1.1");
    assert_true(nt_net_iface_is_onlink(&ifc, &a));

    assert_ptr_equal(nt_net_iface_first_addr(&ifc, NT_NET_IPV6, true), &ifc.addrs[2]);
    assert_ptr_equal(nt_net_iface_first_addr(&ifc, NT_NET_IPV6, false), &ifc.addrs[1]);
    assert_ptr_equal(nt_net_iface_first_addr(&ifc, NT_NET_IPV4, true), &ifc.addrs[0]);
    ifc.n_addrs = 0;
    assert_null(nt_net_iface_first_addr(&ifc, NT_NET_IPV4, false));
}

static void test_iface_list(void **state)
{
    nt_net_iface_set set;
    const char *lo[] = {"lo"};
    const char *missing[] = {"no-such-if9"};
    const nt_net_iface *ifc;
    size_t i;
    bool have_127 = false;
    (void)state;

    assert_int_equal(nt_net_iface_list(&set, lo, 1, false), NT_OK);
    assert_int_equal(set.n, 1);
    assert_string_equal(set.ifs[0].name, "lo");
    assert_int_equal(set.ifs[0].index, 1);
    assert_true(set.ifs[0].loopback);
    for (i = 0; i < set.ifs[0].n_addrs; i++) {
        char buf[NT_NET_ADDR_TEXT_MAX];
        assert_int_equal(nt_net_addr_format(buf, sizeof buf, &set.ifs[0].addrs[i].addr), NT_OK);
        if (strcmp(buf, "127.0.0.1") == 0) {
            have_127 = true;
            assert_int_equal(set.ifs[0].addrs[i].len, 8);
        }
    }
    assert_true(have_127);
    ifc = nt_net_iface_find(&set, 1);
    assert_non_null(ifc);
    assert_null(nt_net_iface_find(&set, 424242));
    assert_int_equal(nt_net_iface_list(&set, missing, 1, false), NT_ERR_NET_NO_IFACE);
    /* Without names, loopback is left out unless asked for. */
    if (nt_net_iface_list(&set, NULL, 0, false) == NT_OK)
        for (i = 0; i < set.n; i++)
            assert_false(set.ifs[i].loopback);
}

/* ---- timer heap ---- */

static void test_timer_heap_basic(void **state)
{
    nt_net_timer_heap h;
    nt_net_timer t;
    (void)state;

    assert_int_equal(nt_net_timer_heap_init(&h, 0), NT_ERR_INVALID_ARG);
    assert_int_equal(nt_net_timer_heap_init(&h, 3), NT_OK);
    assert_int_equal(nt_net_timer_heap_peek(&h, &t), NT_ERR_NOT_FOUND);
    assert_int_equal(nt_net_timer_heap_set(&h, 1, 500), NT_OK);
    assert_int_equal(nt_net_timer_heap_set(&h, 2, 100), NT_OK);
    assert_int_equal(nt_net_timer_heap_set(&h, 3, 100), NT_OK);
    assert_int_equal(nt_net_timer_heap_set(&h, 4, 50), NT_ERR_CAP);
    /* Re-setting an id replaces it and needs no extra room. */
    assert_int_equal(nt_net_timer_heap_set(&h, 1, 10), NT_OK);
    assert_int_equal(nt_net_timer_heap_peek(&h, &t), NT_OK);
    assert_int_equal(t.id, 1);
    assert_int_equal(t.deadline, 10);
    assert_int_equal(nt_net_timer_heap_pop_due(&h, 9, &t), NT_ERR_NOT_FOUND);
    assert_int_equal(nt_net_timer_heap_pop_due(&h, 10, &t), NT_OK);
    assert_int_equal(t.id, 1);
    /* Equal deadlines fire in the order they were set. */
    assert_int_equal(nt_net_timer_heap_pop_due(&h, 1000, &t), NT_OK);
    assert_int_equal(t.id, 2);
    assert_int_equal(nt_net_timer_heap_del(&h, 3), NT_OK);
    assert_int_equal(nt_net_timer_heap_del(&h, 3), NT_ERR_NOT_FOUND);
    assert_int_equal(nt_net_timer_heap_pop_due(&h, 1000, &t), NT_ERR_NOT_FOUND);
    nt_net_timer_heap_cleanup(&h);
}

/* Random operations against a plain array model; the seed is printed. */
static void test_timer_heap_random(void **state)
{
    enum { CAP = 64, IDS = 80, ROUNDS = 20000 };
    nt_net_timer_heap h;
    uint64_t model[IDS];
    bool set[IDS];
    unsigned seed = (unsigned)time(NULL);
    size_t r, i, n = 0;
    uint64_t now = 0;
    (void)state;

    if (getenv("NT_TEST_SEED"))
        seed = (unsigned)strtoul(getenv("NT_TEST_SEED"), NULL, 10);
    printf("timer heap seed %u (NT_TEST_SEED to repeat)\n", seed);
    srand(seed);
    memset(set, 0, sizeof set);
    assert_int_equal(nt_net_timer_heap_init(&h, CAP), NT_OK);
    for (r = 0; r < ROUNDS; r++) {
        int op = rand() % 4;
        size_t id = (size_t)rand() % IDS;
        nt_net_timer t;
        if (op <= 1) {
            uint64_t d = now + (uint64_t)(rand() % 1000);
            nt_status st = nt_net_timer_heap_set(&h, id, d);
            if (!set[id] && n == CAP) {
                assert_int_equal(st, NT_ERR_CAP);
            } else {
                assert_int_equal(st, NT_OK);
                if (!set[id])
                    n++;
                set[id] = true;
                model[id] = d;
            }
        } else if (op == 2) {
            assert_int_equal(nt_net_timer_heap_del(&h, id), set[id] ? NT_OK : NT_ERR_NOT_FOUND);
            if (set[id])
                n--;
            set[id] = false;
        } else {
            uint64_t min = UINT64_MAX;
            now += (uint64_t)(rand() % 300);
            for (i = 0; i < IDS; i++)
                if (set[i] && model[i] < min)
                    min = model[i];
            if (min <= now) {
                assert_int_equal(nt_net_timer_heap_pop_due(&h, now, &t), NT_OK);
                assert_true(set[t.id]);
                assert_int_equal(t.deadline, min);
                assert_int_equal(model[t.id], min);
                set[t.id] = false;
                n--;
            } else {
                assert_int_equal(nt_net_timer_heap_pop_due(&h, now, &t), NT_ERR_NOT_FOUND);
            }
        }
        assert_int_equal(h.n, n);
    }
    nt_net_timer_heap_cleanup(&h);
}

/* ---- event loop ---- */

typedef struct loop_probe {
    int reads;
    char last[32];
    uint64_t timer_ids[8];
    int timers;
    int signals;
    int last_signo;
} loop_probe;

static void probe_fd(void *ctx, nt_net_loop *loop, int fd, short events)
{
    loop_probe *p = ctx;
    ssize_t n;
    (void)loop;
    (void)events;
    n = read(fd, p->last, sizeof p->last - 1);
    if (n >= 0)
        p->last[n] = 0;
    p->reads++;
}

static void probe_timer(void *ctx, nt_net_loop *loop, uint64_t id)
{
    loop_probe *p = ctx;
    if (p->timers < 8)
        p->timer_ids[p->timers] = id;
    p->timers++;
    if (id == 99)
        nt_net_loop_stop(loop);
}

static void probe_signal(void *ctx, nt_net_loop *loop, int signo)
{
    loop_probe *p = ctx;
    p->signals++;
    p->last_signo = signo;
    nt_net_loop_stop(loop);
}

static void test_loop_fds_timers(void **state)
{
    nt_net_loop *loop;
    loop_probe p;
    int sv[2];
    uint64_t t0;
    (void)state;

    memset(&p, 0, sizeof p);
    assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
    assert_int_equal(nt_net_loop_create(&loop, 2, 4, probe_timer, &p), NT_OK);
    assert_int_equal(nt_net_loop_add_fd(loop, sv[0], probe_fd, &p), NT_OK);
    assert_int_equal(nt_net_loop_add_fd(loop, sv[0], probe_fd, &p), NT_ERR_EXISTS);
    assert_int_equal(nt_net_loop_add_fd(loop, sv[1], probe_fd, &p), NT_OK);
    assert_int_equal(nt_net_loop_add_fd(loop, 1000, probe_fd, &p), NT_ERR_CAP);
    assert_int_equal(nt_net_loop_del_fd(loop, sv[1]), NT_OK);
    assert_int_equal(nt_net_loop_del_fd(loop, sv[1]), NT_ERR_NOT_FOUND);

    /* Nothing ready: returns after the wait with nothing dispatched. */
    assert_int_equal(nt_net_loop_run_once(loop, 0), NT_OK);
    assert_int_equal(p.reads, 0);

    assert_int_equal(write(sv[1], "hello", 5), 5);
    assert_int_equal(nt_net_loop_run_once(loop, 1000), NT_OK);
    assert_int_equal(p.reads, 1);
    assert_string_equal(p.last, "hello");

    /* Timers fire in deadline order, and run() stops when asked to. */
    t0 = nt_net_now_ms();
    assert_int_equal(nt_net_loop_timer_set(loop, 7, t0 + 30), NT_OK);
    assert_int_equal(nt_net_loop_timer_set(loop, 5, t0 + 10), NT_OK);
    assert_int_equal(nt_net_loop_timer_set(loop, 6, t0 + 20), NT_OK);
    assert_int_equal(nt_net_loop_timer_del(loop, 6), NT_OK);
    assert_int_equal(nt_net_loop_timer_set(loop, 99, t0 + 40), NT_OK);
    assert_int_equal(nt_net_loop_run(loop), NT_OK);
    assert_int_equal(p.timers, 3);
    assert_int_equal(p.timer_ids[0], 5);
    assert_int_equal(p.timer_ids[1], 7);
    assert_int_equal(p.timer_ids[2], 99);
    assert_true(nt_net_now_ms() >= t0 + 40);

    /* A removed descriptor is not dispatched any more. */
    assert_int_equal(nt_net_loop_del_fd(loop, sv[0]), NT_OK);
    assert_int_equal(write(sv[1], "x", 1), 1);
    assert_int_equal(nt_net_loop_run_once(loop, 20), NT_OK);
    assert_int_equal(p.reads, 1);

    nt_net_loop_destroy(loop);
    close(sv[0]);
    close(sv[1]);
}

static void test_loop_signals(void **state)
{
    nt_net_loop *loop, *other;
    loop_probe p;
    struct sigaction now;
    (void)state;

    memset(&p, 0, sizeof p);
    assert_int_equal(nt_net_loop_create(&loop, 1, 1, probe_timer, &p), NT_OK);
    assert_int_equal(nt_net_loop_create(&other, 1, 1, probe_timer, &p), NT_OK);
    assert_int_equal(nt_net_loop_catch_signals(loop, probe_signal, &p), NT_OK);
    assert_int_equal(nt_net_loop_catch_signals(other, probe_signal, &p), NT_ERR_EXISTS);
    nt_net_loop_destroy(other);

    /* The handler only queues the signal; the callback runs in the loop. */
    assert_int_equal(raise(SIGTERM), 0);
    assert_int_equal(p.signals, 0);
    assert_int_equal(nt_net_loop_run(loop), NT_OK);
    assert_int_equal(p.signals, 1);
    assert_int_equal(p.last_signo, SIGTERM);
    assert_int_equal(raise(SIGINT), 0);
    assert_int_equal(nt_net_loop_run_once(loop, 0), NT_OK);
    assert_int_equal(p.signals, 2);
    assert_int_equal(p.last_signo, SIGINT);
    nt_net_loop_destroy(loop);

    /* Destroying restores the default disposition. */
    assert_int_equal(sigaction(SIGTERM, NULL, &now), 0);
    assert_ptr_equal(now.sa_handler, SIG_DFL);
}

/* ---- sockets over loopback (no root, no namespace needed) ---- */

static void test_sock_loopback(void **state)
{
    nt_net_sock a, b;
    nt_net_addr dst;
    nt_net_pktinfo info;
    uint8_t buf[64];
    size_t len = 0;
    uint16_t port;
    int tries;
    nt_status st = NT_ERR_NET_WOULDBLOCK;
    (void)state;

    assert_int_equal(nt_net_sock_open(&a, NT_NET_IPV4, 0), NT_OK);
    assert_int_equal(nt_net_sock_open(&b, NT_NET_IPV4, 0), NT_OK);
    port = nt_net_sock_port(&b);
    assert_true(port != 0);
    assert_int_equal(nt_net_sock_recv(&b, buf, sizeof buf, &len, &info), NT_ERR_NET_WOULDBLOCK);

    dst = parse_ok("127.0.0.1");
    assert_int_equal(nt_net_sock_send(&a, 1, &dst, port, (const uint8_t *)"ping", 4), NT_OK);
    for (tries = 0; tries < 100 && st == NT_ERR_NET_WOULDBLOCK; tries++) {
        st = nt_net_sock_recv(&b, buf, sizeof buf, &len, &info);
        if (st == NT_ERR_NET_WOULDBLOCK)
            usleep(10000);
    }
    assert_int_equal(st, NT_OK);
    assert_int_equal(len, 4);
    assert_memory_equal(buf, "ping", 4);
    assert_int_equal(info.ifindex, 1);
    assert_int_equal(info.src_port, nt_net_sock_port(&a));
    assert_true(nt_net_addr_equal(&info.src, &dst));
    assert_true(nt_net_addr_equal(&info.dst, &dst));
    assert_false(info.multicast);
    /* RFC 6762 §11: we send with TTL 255. */
    assert_int_equal(info.ttl, 255);

    /* A datagram larger than the buffer is reported, not silently cut. */
    assert_int_equal(nt_net_sock_send(&a, 1, &dst, port, buf, 40), NT_OK);
    st = NT_ERR_NET_WOULDBLOCK;
    for (tries = 0; tries < 100 && st == NT_ERR_NET_WOULDBLOCK; tries++) {
        st = nt_net_sock_recv(&b, buf, 8, &len, &info);
        if (st == NT_ERR_NET_WOULDBLOCK)
            usleep(10000);
    }
    assert_int_equal(st, NT_ERR_NET_TRUNCATED);

    /* Family mismatch and oversize are caller errors. */
    dst = parse_ok("::1");
    assert_int_equal(nt_net_sock_send(&a, 1, &dst, port, buf, 4), NT_ERR_INVALID_ARG);
    dst = parse_ok("127.0.0.1");
    assert_int_equal(nt_net_sock_send(&a, 1, &dst, port, buf, NT_NET_PACKET_MAX + 1),
                     NT_ERR_INVALID_ARG);
    nt_net_sock_close(&a);
    nt_net_sock_close(&b);
    nt_net_sock_close(&b); /* closing twice is harmless */
}

/* ---- per-source limit ---- */

static void test_srclimit(void **state)
{
    nt_net_srclimit l;
    nt_net_addr a, b, a6;
    int i, ok = 0;
    (void)state;

    assert_int_equal(nt_net_srclimit_init(&l, 0, 10, 10), NT_ERR_INVALID_ARG);
    assert_int_equal(nt_net_srclimit_init(&l, 64, 0, 10), NT_ERR_INVALID_ARG);
    assert_int_equal(nt_net_srclimit_init(&l, 4096, 100, 20), NT_OK);
    /* A fixed key makes the bucket layout (and so this test) repeatable. */
    memset(l.key, 0, sizeof l.key);
    a = parse_ok("192.0.2.66");
    b = parse_ok("192.0.2.12");
    a6 = parse_ok("fe80::66%lo");

    /* A burst of 20 passes, the rest of a flood in the same instant not. */
    for (i = 0; i < 1000; i++)
        ok += nt_net_srclimit_allow(&l, &a, 5000) ? 1 : 0;
    assert_int_equal(ok, 20);
    assert_int_equal(l.dropped, 980);
    /* Another source is untouched by the flood. */
    assert_true(nt_net_srclimit_allow(&l, &b, 5000));
    assert_true(nt_net_srclimit_allow(&l, &a6, 5000));
    /* 100 packets/s: 10 ms gives one token back, 50 ms five. */
    assert_false(nt_net_srclimit_allow(&l, &a, 5005));
    assert_true(nt_net_srclimit_allow(&l, &a, 5015));
    ok = 0;
    for (i = 0; i < 100; i++)
        ok += nt_net_srclimit_allow(&l, &a, 5065) ? 1 : 0;
    assert_int_equal(ok, 5);
    /* A long silence refills to the burst, not beyond. */
    ok = 0;
    for (i = 0; i < 100; i++)
        ok += nt_net_srclimit_allow(&l, &a, 600000) ? 1 : 0;
    assert_int_equal(ok, 20);
    nt_net_srclimit_cleanup(&l);
}

/* ---- own echoes ---- */

static void test_echo(void **state)
{
    nt_net_echo e;
    static const uint8_t q1[] = {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'f', 'o', 'o', 0, 0, 1, 0, 1};
    uint8_t q2[sizeof q1];
    int i;
    (void)state;

    assert_int_equal(nt_net_echo_init(&e, 0), NT_ERR_INVALID_ARG);
    assert_int_equal(nt_net_echo_init(&e, 2000), NT_OK);
    memcpy(q2, q1, sizeof q1);
    q2[sizeof q2 - 1] = 28; /* AAAA instead of A */

    assert_false(nt_net_echo_is_own(&e, q1, sizeof q1, 1000));
    nt_net_echo_note_sent(&e, q1, sizeof q1, 1000);
    assert_true(nt_net_echo_is_own(&e, q1, sizeof q1, 1001));
    /* The same bytes from another agent on the host are not ours... */
    assert_false(nt_net_echo_is_own(&e, q2, sizeof q2, 1001));
    /* ...nor is a prefix or a longer datagram. */
    assert_false(nt_net_echo_is_own(&e, q1, sizeof q1 - 1, 1001));
    /* Each looped copy (one per interface) is recognised within the window. */
    assert_true(nt_net_echo_is_own(&e, q1, sizeof q1, 3000));
    assert_false(nt_net_echo_is_own(&e, q1, sizeof q1, 3001));
    assert_int_equal(e.recognised, 2);

    /* The ring forgets the oldest send after NT_NET_ECHO_SLOTS more. */
    nt_net_echo_note_sent(&e, q2, sizeof q2, 4000);
    for (i = 0; i < NT_NET_ECHO_SLOTS - 1; i++) {
        uint8_t other[4] = {(uint8_t)i, (uint8_t)(i >> 8), 9, 9};
        nt_net_echo_note_sent(&e, other, sizeof other, 4000);
    }
    assert_true(nt_net_echo_is_own(&e, q2, sizeof q2, 4001));
    {
        uint8_t other[4] = {1, 2, 3, 4};
        nt_net_echo_note_sent(&e, other, sizeof other, 4000);
    }
    assert_false(nt_net_echo_is_own(&e, q2, sizeof q2, 4001));
}

static void test_sys(void **state)
{
    uint8_t r1[32], r2[32];
    uint64_t t1, t2;
    (void)state;
    assert_int_equal(nt_net_random(r1, sizeof r1), NT_OK);
    assert_int_equal(nt_net_random(r2, sizeof r2), NT_OK);
    assert_memory_not_equal(r1, r2, sizeof r1);
    t1 = nt_net_now_ms();
    usleep(5000);
    t2 = nt_net_now_ms();
    assert_true(t2 >= t1 + 4);
    assert_true(nt_net_wall_s() > 1600000000u);

    assert_int_equal(nt_net_status_from_errno(EACCES, NT_ERR_IO), NT_ERR_PERM);
    assert_int_equal(nt_net_status_from_errno(EAGAIN, NT_ERR_IO), NT_ERR_NET_WOULDBLOCK);
    assert_int_equal(nt_net_status_from_errno(ENETUNREACH, NT_ERR_IO), NT_ERR_NET_UNREACHABLE);
    assert_int_equal(nt_net_status_from_errno(EAFNOSUPPORT, NT_ERR_IO), NT_ERR_NET_AF_UNSUPPORTED);
    assert_int_equal(nt_net_status_from_errno(EADDRINUSE, NT_ERR_IO), NT_ERR_NET_BIND);
    assert_int_equal(nt_net_status_from_errno(ENODEV, NT_ERR_IO), NT_ERR_NET_NO_IFACE);
    assert_int_equal(nt_net_status_from_errno(EIO, NT_ERR_NET_SEND), NT_ERR_NET_SEND);
    assert_string_equal(nt_status_name(NT_ERR_NET_SCOPE), "NT_ERR_NET_SCOPE");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_addr_parse_format),
        cmocka_unit_test(test_addr_classes),
        cmocka_unit_test(test_prefix_math),
        cmocka_unit_test(test_onlink),
        cmocka_unit_test(test_iface_list),
        cmocka_unit_test(test_timer_heap_basic),
        cmocka_unit_test(test_timer_heap_random),
        cmocka_unit_test(test_loop_fds_timers),
        cmocka_unit_test(test_loop_signals),
        cmocka_unit_test(test_sock_loopback),
        cmocka_unit_test(test_srclimit),
        cmocka_unit_test(test_echo),
        cmocka_unit_test(test_sys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
