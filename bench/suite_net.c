/*
 * Suite "net": the network layer (agent/net).
 *
 *   net.udp_recv    mDNS-sized datagrams over loopback, sent with sendto and
 *                   received through nt_net_sock_recv (recvmsg with arrival
 *                   interface, destination and TTL in control messages),
 *                   against the same traffic received with plain recvfrom:
 *                   what the packet info costs, pkt/s
 *   net.srclimit    per-source budget checks over 1000 sources, checks/s
 *   net.echo        own-echo lookups of 300-byte datagrams in a full ring,
 *                   lookups/s
 *   net.timer_heap  set + pop of timers in a heap of 64, ops/s
 *
 * Each batch checks its result (every datagram arrives with its interface;
 * the flood source is limited; echoes are found), so a broken layer fails
 * the suite instead of producing a fast figure.
 */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"
#include "nautilus/mem.h"
#include "nautilus/net.h"

enum { BURST = 32, DGRAM = 120 };

typedef struct udp_state {
    int tx;
    nt_net_sock ours;     /* receives through nt_net_sock_recv */
    int plain;            /* receives through recvfrom */
    uint16_t ours_port;
    uint16_t plain_port;
    uint8_t buf[NT_NET_PACKET_MAX];
} udp_state;

static nt_status send_burst(udp_state *s, uint16_t port)
{
    struct sockaddr_in to;
    int i;
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    memset(s->buf, 0x5a, DGRAM);
    for (i = 0; i < BURST; i++)
        if (sendto(s->tx, s->buf, DGRAM, 0, (struct sockaddr *)&to, sizeof to) != DGRAM)
            return NT_ERR_NET_SEND;
    return NT_OK;
}

static nt_status ours_batch(void *arg, uint64_t *ops)
{
    udp_state *s = arg;
    nt_net_pktinfo info;
    size_t len;
    int got = 0, spins = 0;
    nt_status st = send_burst(s, s->ours_port);
    while (st == NT_OK && got < BURST) {
        st = nt_net_sock_recv(&s->ours, s->buf, sizeof s->buf, &len, &info);
        if (st == NT_ERR_NET_WOULDBLOCK && ++spins < 1000000) {
            st = NT_OK;
            continue;
        }
        if (st == NT_OK && (len != DGRAM || info.ifindex != 1 || info.ttl < 0))
            st = NT_ERR_NET_RECV;
        got++;
    }
    *ops += (uint64_t)got;
    return st;
}

static nt_status plain_batch(void *arg, uint64_t *ops)
{
    udp_state *s = arg;
    struct sockaddr_storage from;
    socklen_t flen;
    ssize_t n;
    int got = 0, spins = 0;
    nt_status st = send_burst(s, s->plain_port);
    while (st == NT_OK && got < BURST) {
        flen = sizeof from;
        n = recvfrom(s->plain, s->buf, sizeof s->buf, MSG_DONTWAIT, (struct sockaddr *)&from,
                     &flen);
        if (n < 0) {
            if (++spins < 1000000)
                continue;
            st = NT_ERR_NET_RECV;
            break;
        }
        if (n != DGRAM)
            st = NT_ERR_NET_RECV;
        got++;
    }
    *ops += (uint64_t)got;
    return st;
}

static nt_status bench_udp(nt_bench_ctx *ctx)
{
    udp_state *s;
    nt_net_sock plain;
    double ours = 0, peer = 0;
    nt_status st;

    s = nt_calloc(1, sizeof *s);
    if (!s)
        return NT_ERR_NOMEM;
    s->plain = -1;
    s->ours.fd = -1;
    s->tx = socket(AF_INET, SOCK_DGRAM, 0);
    st = s->tx < 0 ? NT_ERR_NET_SOCKET : nt_net_sock_open(&s->ours, NT_NET_IPV4, 0);
    if (st == NT_OK) {
        /* The plain receiver is an ordinary UDP socket: no control messages. */
        s->plain = socket(AF_INET, SOCK_DGRAM, 0);
        plain.fd = s->plain;
        plain.family = NT_NET_IPV4;
        if (s->plain < 0) {
            st = NT_ERR_NET_SOCKET;
        } else {
            struct sockaddr_in any;
            memset(&any, 0, sizeof any);
            any.sin_family = AF_INET;
            any.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            if (bind(s->plain, (struct sockaddr *)&any, sizeof any) != 0)
                st = NT_ERR_NET_BIND;
        }
    }
    if (st == NT_OK) {
        s->ours_port = nt_net_sock_port(&s->ours);
        s->plain_port = nt_net_sock_port(&plain);
        st = nt_bench_compare(ctx, &ours, ours_batch, s, &peer, plain_batch, s);
    }
    if (st == NT_OK)
        nt_bench_report(ctx, "net.udp_recv", ours, peer, "pkt/s");
    if (s->tx >= 0)
        close(s->tx);
    if (s->plain >= 0)
        close(s->plain);
    nt_net_sock_close(&s->ours);
    nt_free(s);
    return st;
}

typedef struct lim_state {
    nt_net_srclimit lim;
    nt_net_addr src[1000];
    uint64_t now;
} lim_state;

static nt_status lim_batch(void *arg, uint64_t *ops)
{
    lim_state *s = arg;
    size_t i, allowed = 0;
    /* One flooder (source 0) every other packet, 999 quiet hosts. */
    for (i = 0; i < 1000; i++) {
        allowed += nt_net_srclimit_allow(&s->lim, &s->src[0], s->now) ? 1u : 0u;
        (void)nt_net_srclimit_allow(&s->lim, &s->src[i], s->now);
    }
    s->now += 1;
    if (allowed > 600) /* burst 400 plus at most 1 refilled per ms batch */
        return NT_ERR_RANGE;
    *ops += 2000;
    return NT_OK;
}

typedef struct echo_state {
    nt_net_echo e;
    uint8_t pkt[300];
    uint64_t now;
} echo_state;

static nt_status echo_batch(void *arg, uint64_t *ops)
{
    echo_state *s = arg;
    int i;
    for (i = 0; i < 64; i++) {
        s->pkt[0] = (uint8_t)i;
        if (!nt_net_echo_is_own(&s->e, s->pkt, sizeof s->pkt, s->now))
            return NT_ERR_NOT_FOUND;
    }
    *ops += 64;
    return NT_OK;
}

static nt_status heap_batch(void *arg, uint64_t *ops)
{
    nt_net_timer_heap *h = arg;
    nt_net_timer t;
    uint64_t i;
    for (i = 0; i < 64; i++)
        if (nt_net_timer_heap_set(h, i, (i * 7919u) % 1000u) != NT_OK)
            return NT_ERR_CAP;
    for (i = 0; i < 64; i++)
        if (nt_net_timer_heap_pop_due(h, 1000, &t) != NT_OK)
            return NT_ERR_NOT_FOUND;
    *ops += 128;
    return NT_OK;
}

NT_BENCH_SUITE_DEFINE(net)
{
    lim_state *ls = NULL;
    echo_state *es = NULL;
    nt_net_timer_heap h;
    double rate = 0;
    size_t i;
    nt_status st;

    st = bench_udp(ctx);
    if (st != NT_OK)
        return st;

    ls = nt_calloc(1, sizeof *ls);
    es = nt_calloc(1, sizeof *es);
    if (!ls || !es) {
        st = NT_ERR_NOMEM;
        goto out;
    }
    st = nt_net_srclimit_init(&ls->lim, 1024, 200, 400);
    for (i = 0; i < 1000; i++) {
        uint8_t b[4] = {10, 1, (uint8_t)(i >> 8), (uint8_t)i};
        nt_net_addr_set_ipv4(&ls->src[i], b);
    }
    ls->now = 1;
    if (st == NT_OK)
        st = nt_bench_measure(ctx, &rate, lim_batch, ls);
    nt_net_srclimit_cleanup(&ls->lim);
    if (st != NT_OK)
        goto out;
    nt_bench_report(ctx, "net.srclimit", rate, 0, "checks/s");

    st = nt_net_echo_init(&es->e, 2000);
    if (st != NT_OK)
        goto out;
    memset(es->pkt, 0xa5, sizeof es->pkt);
    for (i = 0; i < NT_NET_ECHO_SLOTS; i++) {
        es->pkt[0] = (uint8_t)i;
        nt_net_echo_note_sent(&es->e, es->pkt, sizeof es->pkt, 1000);
    }
    es->now = 1500;
    st = nt_bench_measure(ctx, &rate, echo_batch, es);
    if (st != NT_OK)
        goto out;
    nt_bench_report(ctx, "net.echo", rate, 0, "lookups/s");

    st = nt_net_timer_heap_init(&h, 64);
    if (st != NT_OK)
        goto out;
    st = nt_bench_measure(ctx, &rate, heap_batch, &h);
    nt_net_timer_heap_cleanup(&h);
    if (st == NT_OK)
        nt_bench_report(ctx, "net.timer_heap", rate, 0, "ops/s");
out:
    nt_free(ls);
    nt_free(es);
    return st;
}
