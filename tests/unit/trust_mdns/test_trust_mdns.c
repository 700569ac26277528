/* Signing and verification through the mDNS engine's hooks: engines wired
 * back to back on a simulated LAN (no sockets), a signing publisher, a
 * browser with a pinned key, and a spoofing host. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "nautilus/trust_mdns.h"

#define NODES_MAX 3
#define WALL 1790000000u

typedef struct node {
    nt_mdns *m;
    nt_mdns_addr addr;
    nt_trust_hooks *hooks;
} node;

typedef struct lan {
    node nodes[NODES_MAX];
    size_t n;
    uint64_t now;
    uint32_t wall;
    nt_mdns_event events[256];
    size_t nevents;
} lan;

static uint32_t lan_wall(void *ctx) { return ((lan *)ctx)->wall; }

static void add_node(lan *l, const char *host, uint8_t last_octet, const nt_trust_signer *signer,
                     nt_trust_store *store)
{
    node *nd = &l->nodes[l->n];
    nt_mdns_config cfg;
    nt_mdns_iface_config ifc;
    nt_mdns_ifaddr ia;
    nt_trust_hooks_config hc;

    memset(&ia, 0, sizeof ia);
    ia.addr.family = NT_MDNS_INET4;
    ia.addr.bytes[0] = 192;
    ia.addr.bytes[1] = 0;
    ia.addr.bytes[2] = 2;
    ia.addr.bytes[3] = last_octet;
    ia.prefix_len = 24;
    nd->addr = ia.addr;

    nt_mdns_config_init(&cfg);
    cfg.host_name = host;
    cfg.seed = 1000u + last_octet;
    memset(&hc, 0, sizeof hc);
    hc.signer = signer;
    hc.store = store;
    hc.verify = true;
    hc.wall = lan_wall;
    hc.wall_ctx = l;
    assert_int_equal(nt_trust_hooks_create(&nd->hooks, &hc), NT_OK);
    nt_trust_hooks_install(nd->hooks, &cfg);
    assert_int_equal(nt_mdns_create(&nd->m, &cfg), NT_OK);
    memset(&ifc, 0, sizeof ifc);
    ifc.ifindex = 1;
    ifc.name = "lan0";
    ifc.addrs = &ia;
    ifc.addr_count = 1;
    ifc.ipv4 = true;
    assert_int_equal(nt_mdns_iface_add(nd->m, &ifc, l->now), NT_OK);
    l->n++;
}

/* Runs the LAN for ms milliseconds in 5 ms steps, delivering every datagram
 * (multicast to all others, unicast to its addressee) and keeping the
 * events of node 0 (the browser). */
static void run(lan *l, uint64_t ms)
{
    uint64_t end = l->now + ms;
    static nt_mdns_packet_out out;
    size_t i, j;
    for (; l->now <= end; l->now += 5) {
        for (i = 0; i < l->n; i++)
            nt_mdns_run(l->nodes[i].m, l->now);
        for (i = 0; i < l->n; i++) {
            while (nt_mdns_output_pop(l->nodes[i].m, &out) == NT_OK) {
                nt_mdns_packet_in in;
                memset(&in, 0, sizeof in);
                in.ifindex = 1;
                in.src.addr = l->nodes[i].addr;
                in.src.port = 5353;
                in.dst_multicast = out.dst.addr.bytes[0] == 224;
                in.hop_limit = 255;
                in.data = out.data;
                in.len = out.len;
                for (j = 0; j < l->n; j++) {
                    if (j == i)
                        continue;
                    if (!in.dst_multicast &&
                        memcmp(out.dst.addr.bytes, l->nodes[j].addr.bytes, 4) != 0)
                        continue;
                    assert_int_equal(nt_mdns_input(l->nodes[j].m, &in, l->now), NT_OK);
                }
            }
        }
        while (l->nevents < 256 && nt_mdns_event_pop(l->nodes[0].m, &l->events[l->nevents]) == NT_OK)
            l->nevents++;
    }
}

static const nt_mdns_event *last_event(const lan *l, nt_mdns_event_kind kind, const char *instance)
{
    size_t i;
    for (i = l->nevents; i-- > 0;)
        if (l->events[i].kind == kind && strcmp(l->events[i].instance, instance) == 0)
            return &l->events[i];
    return NULL;
}

static void publish(node *nd, const char *instance, uint16_t port, uint64_t now)
{
    nt_mdns_service_config svc;
    nt_mdns_service_id id;
    static const nt_mdns_txt_entry txt[] = {{"path", (const uint8_t *)"/", 1}};
    memset(&svc, 0, sizeof svc);
    svc.instance = instance;
    svc.type = "_http._tcp";
    svc.port = port;
    svc.txt = txt;
    svc.txt_count = 1;
    assert_int_equal(nt_mdns_service_add(nd->m, &id, &svc, now), NT_OK);
}

static void browse(node *nd, uint64_t now)
{
    nt_mdns_query_config q;
    nt_mdns_query_id id;
    memset(&q, 0, sizeof q);
    q.kind = NT_MDNS_Q_BROWSE;
    q.type = "_http._tcp";
    q.resolve = true;
    assert_int_equal(nt_mdns_query_add(nd->m, &id, &q, now), NT_OK);
}

static void test_signed_service_is_trusted(void **state)
{
    static lan l;
    nt_ed25519_key key;
    nt_trust_signer signer;
    nt_trust_store *store;
    nt_dns_name host;
    uint8_t seed[32];
    const nt_mdns_event *ev;
    nt_trust_hooks_stats st;
    (void)state;

    memset(&l, 0, sizeof l);
    l.wall = WALL;
    memset(seed, 3, sizeof seed);
    assert_int_equal(nt_ed25519_key_from_seed(&key, seed), NT_OK);
    assert_int_equal(nt_dns_name_from_str(&host, "pub.local"), NT_OK);
    nt_trust_signer_init(&signer, &key, &host, 0);
    assert_int_equal(nt_trust_store_create(&store, 8), NT_OK);
    assert_int_equal(nt_trust_store_add(store, &host, signer.key_digest), NT_OK);

    add_node(&l, "browser", 10, NULL, store);
    add_node(&l, "pub", 20, &signer, NULL);
    browse(&l.nodes[0], l.now);
    publish(&l.nodes[1], "Web", 8080, l.now);
    run(&l, 4000);

    /* The newest report of the instance carries its resolved fields. */
    ev = last_event(&l, NT_MDNS_EV_SERVICE_UPDATED, "Web");
    if (!ev)
        ev = last_event(&l, NT_MDNS_EV_SERVICE_ADDED, "Web");
    assert_non_null(ev);
    assert_true(ev->have_srv);
    assert_int_equal(ev->port, 8080);
    assert_int_equal(ev->trust, NT_TRUST_TRUSTED);
    nt_trust_hooks_stats_get(l.nodes[1].hooks, &st);
    assert_true(st.signed_sets > 0);
    nt_trust_hooks_stats_get(l.nodes[0].hooks, &st);
    assert_true(st.verified_sets > 0);
    assert_int_equal(st.rejected_sets, 0);

    /* A spoofer sends an unsigned SRV for the pinned publisher's instance,
     * pointing at its own host: rejected, and the real port stays. */
    {
        static uint8_t pkt[512];
        nt_dns_builder b;
        nt_dns_name inst, evil;
        nt_mdns_packet_in in;
        size_t before = l.nevents;
        const nt_mdns_event *rej;
        assert_int_equal(nt_dns_name_from_str(&inst, "Web._http._tcp.local"), NT_OK);
        assert_int_equal(nt_dns_name_from_str(&evil, "evil.local"), NT_OK);
        assert_int_equal(nt_dns_builder_init(&b, pkt, sizeof pkt, 0, NT_DNS_FLAG_QR | NT_DNS_FLAG_AA),
                         NT_OK);
        {
            nt_dns_rrhead h = {&inst, 1, true, 120};
            assert_int_equal(nt_dns_builder_add_srv(&b, NT_DNS_SEC_ANSWER, &h, 0, 0, 6666, &evil),
                             NT_OK);
        }
        memset(&in, 0, sizeof in);
        in.ifindex = 1;
        in.src.addr = l.nodes[1].addr;
        in.src.addr.bytes[3] = 66;
        in.src.port = 5353;
        in.dst_multicast = true;
        in.hop_limit = 255;
        in.data = pkt;
        in.len = nt_dns_builder_len(&b);
        assert_int_equal(nt_mdns_input(l.nodes[0].m, &in, l.now), NT_OK);
        run(&l, 100);
        rej = last_event(&l, NT_MDNS_EV_REJECTED, "Web");
        if (!rej) {
            size_t i;
            for (i = before; i < l.nevents; i++)
                if (l.events[i].kind == NT_MDNS_EV_REJECTED)
                    rej = &l.events[i];
        }
        assert_non_null(rej);
        assert_string_equal(rej->reason, "unsigned");
        for (; before < l.nevents; before++)
            if (l.events[before].kind == NT_MDNS_EV_SERVICE_UPDATED)
                assert_int_equal(l.events[before].port, 8080);
        nt_trust_hooks_stats_get(l.nodes[0].hooks, &st);
        assert_int_equal(st.rejected_sets, 1);
    }

    nt_mdns_destroy(l.nodes[0].m);
    nt_mdns_destroy(l.nodes[1].m);
    nt_trust_hooks_destroy(l.nodes[0].hooks);
    nt_trust_hooks_destroy(l.nodes[1].hooks);
    nt_trust_store_destroy(store);
    nt_trust_signer_cleanup(&signer);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signed_service_is_trusted),
    };
    return cmocka_run_group_tests_name("trust_mdns", tests, NULL, NULL);
}
