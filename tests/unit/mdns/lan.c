/* The simulated LAN of the engine tests (see lan.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lan.h"
#include "nautilus/mem.h"

void lan_init(lan *l, int n, uint64_t seed)
{
    lan_init_cfg(l, n, seed, NULL, NULL);
}

void lan_init_cfg(lan *l, int n, uint64_t seed, const char *const *hosts,
                  void (*tweak)(nt_mdns_config *cfg, int i))
{
    int i;
    memset(l, 0, sizeof(*l));
    l->n = n;
    for (i = 0; i < n; i++) {
        nt_mdns_config cfg;
        nt_mdns_iface_config ifc;
        nt_mdns_ifaddr a;
        char host[16];
        snprintf(host, sizeof(host), "h%d", i);
        nt_mdns_config_init(&cfg);
        cfg.host_name = hosts != NULL && hosts[i] != NULL ? hosts[i] : host;
        cfg.seed = seed * 131u + (uint64_t)i;
        /* The simulated hosts own their names from the start, as a
         * responder daemon does; tests of the default tweak it back. */
        cfg.host_records = NT_MDNS_HOST_ALWAYS;
        if (tweak != NULL)
            tweak(&cfg, i);
        assert_int_equal(nt_mdns_create(&l->e[i], &cfg), NT_OK);
        memset(&a, 0, sizeof(a));
        a.addr.family = NT_MDNS_INET4;
        a.addr.bytes[0] = 10;
        a.addr.bytes[3] = (uint8_t)(i + 1);
        a.prefix_len = 24;
        l->addr[i] = a.addr;
        memset(&ifc, 0, sizeof(ifc));
        ifc.ifindex = 1;
        ifc.name = "lan0";
        ifc.addrs = &a;
        ifc.addr_count = 1;
        ifc.ipv4 = true;
        assert_int_equal(nt_mdns_iface_add(l->e[i], &ifc, 0), NT_OK);
        l->plugged[i] = true;
    }
}

void lan_enable_v6(lan *l)
{
    int i;
    for (i = 0; i < l->n; i++) {
        nt_mdns_iface_config ifc;
        nt_mdns_ifaddr a[2];
        memset(a, 0, sizeof(a));
        a[0].addr = l->addr[i];
        a[0].prefix_len = 24;
        a[1].addr.family = NT_MDNS_INET6;
        a[1].addr.bytes[0] = 0xfe;
        a[1].addr.bytes[1] = 0x80;
        a[1].addr.bytes[15] = (uint8_t)(i + 1);
        a[1].prefix_len = 64;
        memset(&ifc, 0, sizeof(ifc));
        ifc.ifindex = 1;
        ifc.name = "lan0";
        ifc.addrs = a;
        ifc.addr_count = 2;
        ifc.ipv4 = true;
        ifc.ipv6 = true;
        assert_int_equal(nt_mdns_iface_add(l->e[i], &ifc, l->now), NT_OK);
    }
}

void lan_cleanup(lan *l)
{
    size_t i;
    int k;
    for (k = 0; k < l->n; k++)
        nt_mdns_destroy(l->e[k]);
    for (i = 0; i < l->nlog; i++)
        free(l->log[i].data);
    l->nlog = 0;
}

static void collect(lan *l)
{
    int i;
    nt_mdns_event ev;
    for (i = 0; i < l->n; i++)
        while (nt_mdns_event_pop(l->e[i], &ev) == NT_OK)
            if (l->nev[i] < 256)
                l->ev[i][l->nev[i]++] = ev;
}

static bool addr_eq(const nt_mdns_addr *a, const nt_mdns_addr *b)
{
    return a->family == b->family &&
           memcmp(a->bytes, b->bytes, a->family == NT_MDNS_INET4 ? 4 : 16) == 0;
}

/* Delivers everything queued; returns true if anything moved. */
static bool deliver(lan *l)
{
    static nt_mdns_packet_out out;
    bool moved = false;
    int i, k;
    for (i = 0; i < l->n; i++) {
        while (nt_mdns_output_pop(l->e[i], &out) == NT_OK) {
            bool mcast = out.dst.addr.bytes[0] == 224 || out.dst.addr.bytes[0] == 0xff;
            moved = true;
            if (l->nlog < LAN_LOG) {
                lan_pkt *p = &l->log[l->nlog++];
                p->t = l->now;
                p->from = i;
                p->dst = out.dst;
                p->len = out.len;
                p->data = malloc(out.len);
                assert_non_null(p->data);
                memcpy(p->data, out.data, out.len);
            }
            if (!l->plugged[i])
                continue;
            for (k = 0; k < l->n; k++) {
                nt_mdns_packet_in in;
                if (k == i || !l->plugged[k])
                    continue;
                if (!mcast && !addr_eq(&out.dst.addr, &l->addr[k]))
                    continue;
                memset(&in, 0, sizeof(in));
                in.ifindex = 1;
                in.src.addr = l->addr[i];
                if (out.dst.addr.family == NT_MDNS_INET6) {
                    /* From our link-local address. */
                    memset(&in.src.addr, 0, sizeof(in.src.addr));
                    in.src.addr.family = NT_MDNS_INET6;
                    in.src.addr.bytes[0] = 0xfe;
                    in.src.addr.bytes[1] = 0x80;
                    in.src.addr.bytes[15] = (uint8_t)(i + 1);
                }
                in.src.port = NT_MDNS_PORT;
                in.dst_multicast = mcast;
                in.hop_limit = 255;
                in.data = out.data;
                in.len = out.len;
                assert_int_equal(nt_mdns_input(l->e[k], &in, l->now), NT_OK);
            }
        }
    }
    collect(l);
    return moved;
}

void lan_run_until(lan *l, uint64_t t)
{
    for (;;) {
        uint64_t next = UINT64_MAX;
        int i;
        while (deliver(l))
            ;
        for (i = 0; i < l->n; i++) {
            uint64_t w = nt_mdns_next_wakeup(l->e[i]);
            if (w < next)
                next = w;
        }
        if (next > t) {
            l->now = t;
            for (i = 0; i < l->n; i++)
                nt_mdns_run(l->e[i], l->now);
            while (deliver(l))
                ;
            return;
        }
        if (next > l->now)
            l->now = next;
        for (i = 0; i < l->n; i++)
            if (nt_mdns_next_wakeup(l->e[i]) <= l->now)
                nt_mdns_run(l->e[i], l->now);
    }
}

void lan_inject(lan *l, int i, const char *src, uint16_t port, bool mcast, const uint8_t *data,
                size_t len)
{
    nt_mdns_packet_in in;
    memset(&in, 0, sizeof(in));
    in.ifindex = 1;
    assert_int_equal(nt_mdns_addr_parse(&in.src.addr, src), NT_OK);
    in.src.port = port;
    in.dst_multicast = mcast;
    in.hop_limit = 255;
    in.data = data;
    in.len = len;
    assert_int_equal(nt_mdns_input(l->e[i], &in, l->now), NT_OK);
    collect(l);
}

const nt_mdns_event *lan_event(const lan *l, int i, nt_mdns_event_kind kind, size_t k)
{
    size_t j;
    for (j = 0; j < l->nev[i]; j++)
        if (l->ev[i][j].kind == kind && k-- == 0)
            return &l->ev[i][j];
    return NULL;
}

size_t lan_event_count(const lan *l, int i, nt_mdns_event_kind kind)
{
    size_t j, n = 0;
    for (j = 0; j < l->nev[i]; j++)
        if (l->ev[i][j].kind == kind)
            n++;
    return n;
}

nt_mdns_service_id lan_publish(lan *l, int i, const char *instance, const char *type,
                               uint16_t port, uint32_t ttl)
{
    nt_mdns_service_config s;
    nt_mdns_service_id id = 0;
    static const nt_mdns_txt_entry txt[2] = {
        {"path", (const uint8_t *)"/x", 2},
        {"flag", NULL, 0},
    };
    memset(&s, 0, sizeof(s));
    s.instance = instance;
    s.type = type;
    s.port = port;
    s.txt = txt;
    s.txt_count = 2;
    s.ttl = ttl;
    assert_int_equal(nt_mdns_service_add(l->e[i], &id, &s, l->now), NT_OK);
    collect(l);
    return id;
}
