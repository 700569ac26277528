/* Signing and verification through the mDNS engine's hooks: engines wired
 * back to back on a simulated LAN (no sockets), a signing publisher, a
 * browser with a pinned key, and a spoofing host. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nautilus/trust_mdns.h"
#include "nautilus/trust_meta.h"
#include "nautilus/zk.h"

#define NODES_MAX 4
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
    nt_mdns_service_id pub_id;
    bool chain;   /* node 0 (the browser) keeps what the chain says */
} lan;

static uint32_t lan_wall(void *ctx) { return ((lan *)ctx)->wall; }

static void add_node_v(lan *l, const char *host, uint8_t last_octet,
                       const nt_trust_signer *signer, nt_trust_store *store, bool verify)
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
    hc.verify = verify;
    hc.wall = lan_wall;
    hc.wall_ctx = l;
    hc.chain = l->chain && l->n == 0;
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

static void add_node(lan *l, const char *host, uint8_t last_octet, const nt_trust_signer *signer,
                     nt_trust_store *store)
{
    add_node_v(l, host, last_octet, signer, store, true);
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

static nt_mdns_service_id publish(node *nd, const char *instance, uint16_t port, uint64_t now)
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
    return id;
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

/* Hands pkt to node `to` as if sent from 192.0.2.<src_octet>:5353. */
static void deliver(lan *l, size_t to, const uint8_t *pkt, size_t len, uint8_t src_octet)
{
    nt_mdns_packet_in in;
    memset(&in, 0, sizeof in);
    in.ifindex = 1;
    in.src.addr = l->nodes[to].addr;
    in.src.addr.bytes[3] = src_octet;
    in.src.port = 5353;
    in.dst_multicast = true;
    in.hop_limit = 255;
    in.data = pkt;
    in.len = len;
    assert_int_equal(nt_mdns_input(l->nodes[to].m, &in, l->now), NT_OK);
}

/* A signing publisher that claims its instance defends it against an
 * unsigned conflicting SRV (no rename, the spoof is counted), and its
 * goodbye is signed, so a browser that pins its key accepts the removal. */
static void test_signed_publisher_defends_and_says_goodbye(void **state)
{
    static lan l;
    static uint8_t pkt[512];
    nt_ed25519_key key;
    nt_trust_signer signer;
    nt_trust_store *store;
    nt_dns_name host, inst, evil;
    nt_dns_builder b;
    nt_mdns_service_id id;
    nt_mdns_stats ms;
    uint8_t seed[32];
    char name[64];
    size_t i, before;
    bool removed = false, rejected = false;
    (void)state;

    memset(&l, 0, sizeof l);
    l.wall = WALL;
    memset(seed, 5, sizeof seed);
    assert_int_equal(nt_ed25519_key_from_seed(&key, seed), NT_OK);
    assert_int_equal(nt_dns_name_from_str(&host, "pub.local"), NT_OK);
    nt_trust_signer_init(&signer, &key, &host, 0);
    assert_int_equal(nt_trust_store_create(&store, 8), NT_OK);
    assert_int_equal(nt_trust_store_add(store, &host, signer.key_digest), NT_OK);
    add_node(&l, "browser", 10, NULL, store);
    add_node(&l, "pub", 20, &signer, NULL);
    browse(&l.nodes[0], l.now);
    id = publish(&l.nodes[1], "Web", 8080, l.now);
    run(&l, 4000);
    assert_int_equal(nt_dns_name_from_str(&inst, "Web._http._tcp.local"), NT_OK);
    assert_int_equal(nt_trust_hooks_claim(l.nodes[1].hooks, &inst), NT_OK);

    /* The spoof: SRV and TXT for our instance in one packet, unsigned. */
    assert_int_equal(nt_dns_name_from_str(&evil, "evil.local"), NT_OK);
    assert_int_equal(nt_dns_builder_init(&b, pkt, sizeof pkt, 0, NT_DNS_FLAG_QR | NT_DNS_FLAG_AA),
                     NT_OK);
    {
        nt_dns_rrhead h = {&inst, 1, true, 120};
        static const uint8_t txt[] = {5, 'x', '=', 'e', 'v', 'l'};
        assert_int_equal(nt_dns_builder_add_srv(&b, NT_DNS_SEC_ANSWER, &h, 0, 0, 6666, &evil),
                         NT_OK);
        assert_int_equal(nt_dns_builder_add_txt(&b, NT_DNS_SEC_ANSWER, &h, txt, sizeof txt), NT_OK);
    }
    deliver(&l, 1, pkt, nt_dns_builder_len(&b), 66);
    deliver(&l, 0, pkt, nt_dns_builder_len(&b), 66);
    run(&l, 5000);
    assert_int_equal(nt_mdns_service_get_instance(l.nodes[1].m, id, name, sizeof name), NT_OK);
    assert_string_equal(name, "Web");
    nt_mdns_stats_get(l.nodes[1].m, &ms);
    assert_true(ms.conflicts_refused >= 1);
    assert_int_equal(ms.conflicts, 0);

    /* Withdrawal: the goodbye carries a goodbye signature. */
    before = l.nevents;
    assert_int_equal(nt_mdns_service_del(l.nodes[1].m, id, l.now), NT_OK);
    run(&l, 2000);
    for (i = before; i < l.nevents; i++) {
        removed = removed || (l.events[i].kind == NT_MDNS_EV_SERVICE_REMOVED &&
                              strcmp(l.events[i].instance, "Web") == 0);
        rejected = rejected || l.events[i].kind == NT_MDNS_EV_REJECTED;
    }
    assert_true(removed);
    assert_false(rejected);

    nt_mdns_destroy(l.nodes[0].m);
    nt_mdns_destroy(l.nodes[1].m);
    nt_trust_hooks_destroy(l.nodes[0].hooks);
    nt_trust_hooks_destroy(l.nodes[1].hooks);
    nt_trust_store_destroy(store);
    nt_trust_signer_cleanup(&signer);
}

/* The SRV of Web._http._tcp.local at pub.local:8080 with this TTL, unsigned. */
static size_t unsigned_srv(uint8_t *pkt, size_t cap, uint32_t ttl)
{
    nt_dns_builder b;
    nt_dns_name inst, host;
    nt_dns_rrhead h = {&inst, 1, true, 0};
    h.ttl = ttl;
    assert_int_equal(nt_dns_name_from_str(&inst, "Web._http._tcp.local"), NT_OK);
    assert_int_equal(nt_dns_name_from_str(&host, "pub.local"), NT_OK);
    assert_int_equal(nt_dns_builder_init(&b, pkt, cap, 0, NT_DNS_FLAG_QR | NT_DNS_FLAG_AA), NT_OK);
    assert_int_equal(nt_dns_builder_add_srv(&b, NT_DNS_SEC_ANSWER, &h, 0, 0, 8080, &host), NT_OK);
    return nt_dns_builder_len(&b);
}

typedef struct srv_seen {
    uint64_t expires_ms;
} srv_seen;

static void find_srv(void *ctx, const nt_mdns_cache_entry *e)
{
    srv_seen *s = ctx;
    if (e->rr.type == 33 && e->expires_ms > s->expires_ms)
        s->expires_ms = e->expires_ms;
}

/* Issue 8 (f): a spoofed goodbye for a signed publisher's record makes it
 * say the record again; an unsigned copy of the record sent to it right
 * after (by unicast, so no browser sees it) used to count as "answer
 * already sent" (RFC 6762 §7.4) and cancel that, so every plain browser
 * dropped the service. Unverified copies suppress nothing now. */
static void test_unsigned_copy_never_silences(void **state)
{
    lan l;
    static uint8_t pkt[512];
    nt_ed25519_key key;
    nt_trust_signer signer;
    nt_dns_name host, inst;
    nt_mdns_stats ms;
    uint8_t seed[32];
    size_t len;
    srv_seen seen = {0};
    (void)state;

    memset(&l, 0, sizeof l);
    l.wall = WALL;
    memset(seed, 5, sizeof seed);
    assert_int_equal(nt_ed25519_key_from_seed(&key, seed), NT_OK);
    assert_int_equal(nt_dns_name_from_str(&host, "pub.local"), NT_OK);
    nt_trust_signer_init(&signer, &key, &host, 0);
    /* A browser that verifies nothing, as Avahi or python-zeroconf. */
    add_node_v(&l, "plain", 10, NULL, NULL, false);
    add_node(&l, "pub", 20, &signer, NULL);
    browse(&l.nodes[0], l.now);
    (void)publish(&l.nodes[1], "Web", 8080, l.now);
    run(&l, 4000);
    assert_int_equal(nt_dns_name_from_str(&inst, "Web._http._tcp.local"), NT_OK);
    assert_int_equal(nt_trust_hooks_claim(l.nodes[1].hooks, &inst), NT_OK);
    assert_non_null(last_event(&l, NT_MDNS_EV_SERVICE_ADDED, "Web"));

    /* The goodbye to everyone, then the copy to the publisher alone. */
    len = unsigned_srv(pkt, sizeof pkt, 0);
    deliver(&l, 0, pkt, len, 66);
    deliver(&l, 1, pkt, len, 66);
    len = unsigned_srv(pkt, sizeof pkt, 120);
    deliver(&l, 1, pkt, len, 66);
    run(&l, 3000);

    nt_mdns_stats_get(l.nodes[1].m, &ms);
    assert_true(ms.suppress_refused >= 1);
    nt_mdns_cache_walk(l.nodes[0].m, 0, find_srv, &seen);
    assert_true(seen.expires_ms > l.now + 60000u);

    nt_mdns_destroy(l.nodes[0].m);
    nt_mdns_destroy(l.nodes[1].m);
    nt_trust_hooks_destroy(l.nodes[0].hooks);
    nt_trust_hooks_destroy(l.nodes[1].hooks);
    nt_trust_signer_cleanup(&signer);
}

/* A copy of a record less trusted than the cached one changes nothing: an
 * unsigned goodbye does not remove a self-signed record from a verifying
 * browser that pins nothing, and an unsigned PTR with the cache-flush bit
 * on the shared service-type owner does not sweep the signed PTR away. */
static void test_lower_trust_copies_change_nothing(void **state)
{
    lan l;
    static uint8_t pkt[512];
    nt_ed25519_key key;
    nt_trust_signer signer;
    nt_dns_name host, type, junk;
    nt_dns_builder b;
    uint8_t seed[32];
    size_t len, i, before;
    bool removed = false;
    (void)state;

    memset(&l, 0, sizeof l);
    l.wall = WALL;
    memset(seed, 5, sizeof seed);
    assert_int_equal(nt_ed25519_key_from_seed(&key, seed), NT_OK);
    assert_int_equal(nt_dns_name_from_str(&host, "pub.local"), NT_OK);
    nt_trust_signer_init(&signer, &key, &host, 0);
    add_node(&l, "browser", 10, NULL, NULL);
    add_node(&l, "pub", 20, &signer, NULL);
    browse(&l.nodes[0], l.now);
    (void)publish(&l.nodes[1], "Web", 8080, l.now);
    run(&l, 4000);
    assert_non_null(last_event(&l, NT_MDNS_EV_SERVICE_ADDED, "Web"));
    run(&l, 1500); /* the flush bit spares what came in the last second */
    before = l.nevents;

    len = unsigned_srv(pkt, sizeof pkt, 0);
    deliver(&l, 0, pkt, len, 66);
    assert_int_equal(nt_dns_name_from_str(&type, "_http._tcp.local"), NT_OK);
    assert_int_equal(nt_dns_name_from_str(&junk, "Junk._http._tcp.local"), NT_OK);
    assert_int_equal(nt_dns_builder_init(&b, pkt, sizeof pkt, 0, NT_DNS_FLAG_QR | NT_DNS_FLAG_AA),
                     NT_OK);
    {
        nt_dns_rrhead h = {&type, 1, true, 4500};
        assert_int_equal(
            nt_dns_builder_add_ptr(&b, NT_DNS_SEC_ANSWER, &h, NT_DNS_TYPE_PTR, &junk), NT_OK);
    }
    deliver(&l, 0, pkt, nt_dns_builder_len(&b), 66);
    run(&l, 3000);
    for (i = before; i < l.nevents; i++)
        removed = removed || (l.events[i].kind == NT_MDNS_EV_SERVICE_REMOVED &&
                              strcmp(l.events[i].instance, "Web") == 0);
    assert_false(removed);

    nt_mdns_destroy(l.nodes[0].m);
    nt_mdns_destroy(l.nodes[1].m);
    nt_trust_hooks_destroy(l.nodes[0].hooks);
    nt_trust_hooks_destroy(l.nodes[1].hooks);
    nt_trust_signer_cleanup(&signer);
}

/* Issue 9: after a host-name conflict the renamed publisher signs under its
 * new name (signer field and DNSKEY owner), so its records verify as the
 * new host's; before, they kept naming the old host as signer. */
static void test_renamed_host_signs_as_itself(void **state)
{
    lan l;
    nt_ed25519_key k1, k2;
    nt_trust_signer s1, s2;
    nt_trust_signer *signers[3] = {NULL, &s1, &s2};
    nt_dns_name same, renamed;
    nt_trust_signer_info info;
    uint8_t seed[32];
    char h1[64], h2[64];
    size_t step, n, i;
    int which = 0;
    (void)state;

    memset(&l, 0, sizeof l);
    l.wall = WALL;
    assert_int_equal(nt_dns_name_from_str(&same, "same.local"), NT_OK);
    memset(seed, 11, sizeof seed);
    assert_int_equal(nt_ed25519_key_from_seed(&k1, seed), NT_OK);
    memset(seed, 12, sizeof seed);
    assert_int_equal(nt_ed25519_key_from_seed(&k2, seed), NT_OK);
    nt_trust_signer_init(&s1, &k1, &same, 0);
    nt_trust_signer_init(&s2, &k2, &same, 0);
    add_node(&l, "browser", 10, NULL, NULL);
    add_node(&l, "same", 20, &s1, NULL);
    add_node(&l, "same", 30, &s2, NULL);
    browse(&l.nodes[0], l.now);
    (void)publish(&l.nodes[1], "One", 8081, l.now);
    (void)publish(&l.nodes[2], "Two", 8082, l.now);
    /* Run in steps, acting on the publishers' events as cmd_publish does. */
    for (step = 0; step < 160; step++) {
        run(&l, 50);
        for (n = 1; n <= 2; n++) {
            nt_mdns_event ev;
            while (nt_mdns_event_pop(l.nodes[n].m, &ev) == NT_OK) {
                if (ev.kind != NT_MDNS_EV_PUBLISH_CONFLICT || ev.instance[0] != '\0')
                    continue;
                assert_int_equal(nt_dns_name_from_str(&renamed, ev.host), NT_OK);
                nt_trust_signer_rename(signers[n], &renamed);
                assert_int_equal(nt_trust_hooks_signer_renamed(l.nodes[n].hooks), NT_OK);
                which = (int)n;
            }
        }
    }
    assert_int_equal(nt_mdns_host_get_name(l.nodes[1].m, h1, sizeof h1), NT_OK);
    assert_int_equal(nt_mdns_host_get_name(l.nodes[2].m, h2, sizeof h2), NT_OK);
    assert_true(which != 0);
    assert_string_not_equal(h1, h2);
    /* The browser learned the renamed host's key under the new name. */
    assert_int_equal(nt_dns_name_from_str(&renamed, which == 1 ? h1 : h2), NT_OK);
    assert_int_equal(nt_trust_hooks_signer_of(l.nodes[0].hooks, &renamed, &info), NT_OK);
    assert_true(nt_dns_name_equal(&info.signer, &renamed));
    assert_memory_equal(info.key_digest, signers[which]->key_digest, 32);
    assert_int_equal(info.level, NT_TRUST_SELF_SIGNED);
    /* ... and its service is signed by it too: a browser that comes later
     * (the first one saw the service under both names: contested) learns
     * the instance under the new signer. */
    add_node(&l, "later", 40, NULL, NULL);
    browse(&l.nodes[3], l.now);
    run(&l, 3000);
    assert_int_equal(nt_dns_name_from_str(&renamed, which == 1 ? "One._http._tcp.local"
                                                               : "Two._http._tcp.local"),
                     NT_OK);
    assert_int_equal(nt_trust_hooks_signer_of(l.nodes[3].hooks, &renamed, &info), NT_OK);
    assert_memory_equal(info.key_digest, signers[which]->key_digest, 32);
    assert_int_equal(info.level, NT_TRUST_SELF_SIGNED);
    for (i = 0; i < 4; i++) {
        nt_mdns_destroy(l.nodes[i].m);
        nt_trust_hooks_destroy(l.nodes[i].hooks);
    }
    nt_trust_signer_cleanup(&s1);
    nt_trust_signer_cleanup(&s2);
}

/* ---- selective-disclosure proofs in the metadata TXT ---------------------- */

/* The fixture (gen_fixture.sh): a proof bound to the key of seed 3 x 32 at
 * pub.local, disclosing a0 = 1990 and a4 = 42 and claiming a1 >= 250. */
static char *fixture(const char *file, size_t *len)
{
    const char *src = getenv("NT_SOURCE_DIR");
    char path[4096];
    FILE *f;
    char *buf;
    long n;
    snprintf(path, sizeof path, "%s/tests/unit/trust_mdns/fixtures/%s", src ? src : ".", file);
    f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    buf[n] = 0;
    *len = (size_t)n;
    return buf;
}

typedef struct zk_fix {
    char *vk_json;
    size_t vk_len;
    uint8_t vk_id[NT_TRUST_ZK_VK_ID_LEN];
    nt_zk_proof proof;
    nt_zk_public *pub;
} zk_fix;

static void zk_fix_load(zk_fix *z)
{
    size_t len;
    char *t;
    z->vk_json = fixture("verification_key.json", &z->vk_len);
    nt_trust_zk_vk_id(z->vk_id, (const uint8_t *)z->vk_json, z->vk_len);
    t = fixture("proof.json", &len);
    assert_int_equal(nt_zk_proof_parse_json(&z->proof, t, len), NT_OK);
    free(t);
    t = fixture("public.json", &len);
    assert_int_equal(nt_zk_public_parse_json(&z->pub, t, len), NT_OK);
    free(t);
}

static void zk_fix_free(zk_fix *z)
{
    free(z->vk_json);
    nt_zk_public_destroy(z->pub);
}

static void make_key(nt_trust_signer *signer, uint8_t seed_byte, const char *host_text)
{
    nt_ed25519_key key;
    nt_dns_name host;
    uint8_t seed[32];
    memset(seed, seed_byte, sizeof seed);
    assert_int_equal(nt_ed25519_key_from_seed(&key, seed), NT_OK);
    assert_int_equal(nt_dns_name_from_str(&host, host_text), NT_OK);
    nt_trust_signer_init(signer, &key, &host, 0);
}

static void test_meta_encoding(void **state)
{
    zk_fix z;
    nt_trust_meta m;
    nt_trust_signer pub, other;
    nt_trust_zk_claim c;
    nt_dns_name inst, meta, back;
    uint8_t rd[NT_TRUST_META_RDATA_MAX], a[NT_ZK_PROOF_BYTES], b[NT_ZK_PROOF_BYTES];
    uint8_t bad[NT_TRUST_META_RDATA_MAX];
    size_t len, i, pos;
    (void)state;

    zk_fix_load(&z);
    assert_int_equal(nt_trust_meta_write(rd, sizeof rd, &len, z.vk_id, &z.proof, z.pub), NT_OK);
    /* Every character-string fits its 255-byte limit (RFC 6763 §6.1). */
    for (pos = 0; pos < len; pos += 1u + rd[pos])
        assert_true(rd[pos] <= 255 && rd[pos] > 0);
    assert_int_equal(pos, len);
    assert_int_equal(nt_trust_meta_parse(&m, rd, len), NT_OK);
    assert_true(m.has_zk);
    assert_memory_equal(m.vk_id, z.vk_id, NT_TRUST_ZK_VK_ID_LEN);
    nt_zk_proof_write(a, &z.proof);
    nt_zk_proof_write(b, &m.proof);
    assert_memory_equal(a, b, sizeof a);
    assert_int_equal(nt_zk_public_count(m.pub), NT_TRUST_ZK_SIGNALS);
    for (i = 0; i < NT_TRUST_ZK_SIGNALS; i++) {
        uint8_t x[32], y[32];
        assert_int_equal(nt_zk_public_get_b32(x, z.pub, i), NT_OK);
        assert_int_equal(nt_zk_public_get_b32(y, m.pub, i), NT_OK);
        assert_memory_equal(x, y, 32);
    }

    /* The statement: bound to pub.local's key, not to another one. */
    make_key(&pub, 3, "pub.local");
    make_key(&other, 5, "thief.local");
    assert_int_equal(nt_trust_zk_statement(&c, m.pub, pub.key_digest), NT_OK);
    assert_int_equal(c.mask, 0x11);
    assert_true(c.disclosed[0] == 1990 && c.disclosed[4] == 42 && c.disclosed[1] == 0);
    assert_int_equal(c.idx, 1);
    assert_true(c.threshold == 250);
    assert_int_equal(nt_trust_zk_statement(&c, m.pub, other.key_digest), NT_ERR_TRUST_ZK_BINDING);
    nt_trust_meta_cleanup(&m);

    /* A record without zk fields carries nothing; broken ones are malformed. */
    assert_int_equal(nt_trust_meta_parse(&m, (const uint8_t *)"\003v=1", 4), NT_OK);
    assert_false(m.has_zk);
    assert_int_equal(nt_trust_meta_parse(&m, (const uint8_t *)"\003v=1\007zk0=AAA", 12),
                     NT_ERR_TRUST_ZK_MALFORMED);
    assert_int_equal(nt_trust_meta_parse(&m, rd, len - 1), NT_ERR_TRUST_ZK_MALFORMED);
    /* Piece zk1 renamed zk2: a gap. */
    memcpy(bad, rd, len);
    for (pos = 0; pos < len; pos += 1u + bad[pos])
        if (bad[pos] > 4 && memcmp(bad + pos + 1, "zk1=", 4) == 0)
            bad[pos + 3] = '2';
    assert_int_equal(nt_trust_meta_parse(&m, bad, len), NT_ERR_TRUST_ZK_MALFORMED);
    /* zkvk repeated (the first string after v=1 appended again). */
    memcpy(bad, rd, len);
    memcpy(bad + len, rd + 4, 1u + rd[4]);
    assert_int_equal(nt_trust_meta_parse(&m, bad, len + 1u + rd[4]), NT_ERR_TRUST_ZK_MALFORMED);
    /* A base64 character outside the alphabet in the proof. */
    memcpy(bad, rd, len);
    for (pos = 0; pos < len; pos += 1u + bad[pos])
        if (memcmp(bad + pos + 1, "zk0=", 4) == 0)
            bad[pos + 10] = '*';
    assert_int_equal(nt_trust_meta_parse(&m, bad, len), NT_ERR_TRUST_ZK_MALFORMED);

    /* Names: _nautilus.<instance> and back. */
    assert_int_equal(nt_dns_name_from_str(&inst, "Web._http._tcp.local"), NT_OK);
    assert_int_equal(nt_trust_meta_name(&meta, &inst), NT_OK);
    assert_true(nt_trust_meta_instance(&meta, &back));
    assert_true(nt_dns_name_equal(&back, &inst));
    assert_false(nt_trust_meta_instance(&inst, &back));

    nt_trust_signer_cleanup(&pub);
    nt_trust_signer_cleanup(&other);
    zk_fix_free(&z);
}

/* Browser (node 0, pinning both keys and holding the fixture's key) and one
 * publisher with metadata rdata[0..len). */
static void zk_lan(lan *l, nt_trust_store **store, nt_trust_signer *signer, zk_fix *z,
                   const uint8_t *rdata, size_t len)
{
    uint8_t id[NT_TRUST_ZK_VK_ID_LEN];
    memset(l, 0, sizeof *l);
    l->wall = WALL;
    assert_int_equal(nt_trust_store_create(store, 8), NT_OK);
    assert_int_equal(nt_trust_store_add(*store, &signer->signer, signer->key_digest), NT_OK);
    add_node(l, "browser", 10, NULL, *store);
    assert_int_equal(nt_trust_hooks_zk_vk_add(l->nodes[0].hooks, id, z->vk_json, z->vk_len),
                     NT_OK);
    assert_memory_equal(id, z->vk_id, sizeof id);
    add_node(l, "pub", 20, signer, NULL);
    browse(&l->nodes[0], l->now);
    l->pub_id = publish(&l->nodes[1], "Web", 8080, l->now);
    assert_int_equal(nt_mdns_service_set_extra(l->nodes[1].m, l->pub_id, NT_TRUST_META_LABEL, 16,
                                               rdata, len, 0, l->now),
                     NT_OK);
    run(l, 4000);
}

static void zk_lan_free(lan *l, nt_trust_store *store)
{
    size_t i;
    for (i = 0; i < l->n; i++) {
        nt_mdns_destroy(l->nodes[i].m);
        nt_trust_hooks_destroy(l->nodes[i].hooks);
    }
    nt_trust_store_destroy(store);
}

/* Sends rec (copies times in one message) with its RRSIG by signer and the
 * signer's DNSKEY, from the publisher's address, to the browser. */
static void send_signed(lan *l, const nt_trust_signer *signer, const nt_dns_record *rec,
                        size_t copies)
{
    static uint8_t pkt[4096];
    uint8_t sig[NT_TRUST_RRSIG_RDATA_MAX];
    size_t sig_len, i;
    nt_dns_builder b;
    nt_dns_record r;
    nt_mdns_packet_in in;

    l->wall += 10; /* newer than what was heard (freshness) */
    assert_int_equal(nt_trust_sign_rrset(signer, sig, sizeof sig, &sig_len, rec, 1, l->wall),
                     NT_OK);
    assert_int_equal(nt_dns_builder_init(&b, pkt, sizeof pkt, 0, NT_DNS_FLAG_QR | NT_DNS_FLAG_AA),
                     NT_OK);
    for (i = 0; i < copies; i++)
        assert_int_equal(nt_dns_builder_add_record(&b, NT_DNS_SEC_ANSWER, rec), NT_OK);
    r = *rec;
    r.type = 46;
    r.mdns_bit = false;
    r.rdata = sig;
    r.rdlength = (uint16_t)sig_len;
    assert_int_equal(nt_dns_builder_add_record(&b, NT_DNS_SEC_ADDITIONAL, &r), NT_OK);
    r.owner = signer->signer;
    r.type = 48;
    r.mdns_bit = true;
    r.ttl = 120;
    r.rdata = signer->dnskey;
    r.rdlength = sizeof signer->dnskey;
    assert_int_equal(nt_dns_builder_add_record(&b, NT_DNS_SEC_ADDITIONAL, &r), NT_OK);
    memset(&in, 0, sizeof in);
    in.ifindex = 1;
    in.src.addr = l->nodes[1].addr;
    in.src.port = 5353;
    in.dst_multicast = true;
    in.hop_limit = 255;
    in.data = pkt;
    in.len = nt_dns_builder_len(&b);
    assert_int_equal(nt_mdns_input(l->nodes[0].m, &in, l->now), NT_OK);
    run(l, 1500);
}

/* A goodbye made by hand: the SRV of Web with TTL 0 signed as a goodbye, as
 * the publisher's engine signs it (test_signed_publisher_defends_...). */
static void send_signed_goodbye(lan *l, const nt_trust_signer *signer)
{
    uint8_t srv[6 + NT_DNS_NAME_MAX];
    nt_dns_record rec;

    memset(&rec, 0, sizeof rec);
    assert_int_equal(nt_dns_name_from_str(&rec.owner, "Web._http._tcp.local"), NT_OK);
    srv[0] = 0, srv[1] = 0, srv[2] = 0, srv[3] = 0, srv[4] = 8080 >> 8, srv[5] = 8080 & 0xff;
    memcpy(srv + 6, signer->signer.wire, signer->signer.len);
    rec.type = 33;
    rec.rclass = 1;
    rec.mdns_bit = true;
    rec.ttl = 0;
    rec.rdata = srv;
    rec.rdlength = (uint16_t)(6 + signer->signer.len);
    send_signed(l, signer, &rec, 1);
}

static void test_zk_verified_on_lan(void **state)
{
    static lan l;
    zk_fix z;
    nt_trust_signer signer;
    nt_trust_store *store;
    uint8_t rd[NT_TRUST_META_RDATA_MAX];
    size_t len;
    nt_dns_name inst;
    nt_trust_zk_info zi;
    nt_trust_hooks_stats st;
    const nt_mdns_event *ev;
    (void)state;

    zk_fix_load(&z);
    make_key(&signer, 3, "pub.local");
    assert_int_equal(nt_trust_meta_write(rd, sizeof rd, &len, z.vk_id, &z.proof, z.pub), NT_OK);
    zk_lan(&l, &store, &signer, &z, rd, len);

    ev = last_event(&l, NT_MDNS_EV_SERVICE_UPDATED, "Web");
    if (!ev)
        ev = last_event(&l, NT_MDNS_EV_SERVICE_ADDED, "Web");
    assert_non_null(ev);
    assert_int_equal(ev->trust, NT_TRUST_TRUSTED);
    assert_null(last_event(&l, NT_MDNS_EV_REJECTED, NT_TRUST_META_LABEL));
    assert_int_equal(nt_dns_name_from_str(&inst, "web._HTTP._tcp.local"), NT_OK);
    assert_int_equal(nt_trust_hooks_zk_of(l.nodes[0].hooks, &inst, l.now, &zi), NT_OK);
    assert_int_equal(zi.claim.mask, 0x11);
    assert_true(zi.claim.disclosed[0] == 1990 && zi.claim.disclosed[4] == 42);
    assert_int_equal(zi.claim.idx, 1);
    assert_true(zi.claim.threshold == 250);
    assert_memory_equal(zi.key_digest, signer.key_digest, 32);
    /* Announced and answered many times, verified once (cached by content). */
    nt_trust_hooks_stats_get(l.nodes[0].hooks, &st);
    assert_int_equal(st.zk_verifications, 1);
    assert_true(st.zk_cache_hits > 0);
    assert_int_equal(st.rejected_sets, 0);
    /* The same metadata record twice in one message (it rides beside both
     * SRV and TXT) is one record: no rejection, judged from the cache. */
    {
        nt_dns_record mr;
        nt_trust_hooks_stats before = st;
        memset(&mr, 0, sizeof mr);
        assert_int_equal(nt_trust_meta_name(&mr.owner, &inst), NT_OK);
        mr.type = 16;
        mr.rclass = 1;
        mr.mdns_bit = true;
        mr.ttl = 4500;
        mr.rdata = rd;
        mr.rdlength = (uint16_t)len;
        send_signed(&l, &signer, &mr, 2);
        nt_trust_hooks_stats_get(l.nodes[0].hooks, &st);
        assert_int_equal(st.rejected_sets, 0);
        assert_int_equal(st.zk_verifications, 1);
        assert_true(st.zk_cache_hits > before.zk_cache_hits);
    }
    /* Not beyond the metadata's TTL (4500 s) without hearing it again. */
    assert_int_equal(nt_trust_hooks_zk_of(l.nodes[0].hooks, &inst, l.now + 4501u * 1000u, &zi),
                     NT_ERR_NOT_FOUND);
    /* Goodbye (RFC 6762 §10.1): the proof leaves with the instance. */
    l.nevents = 0;
    send_signed_goodbye(&l, &signer);
    /* Accepted (the instance changed, nothing rejected), and the proof is gone. */
    assert_non_null(last_event(&l, NT_MDNS_EV_SERVICE_UPDATED, "Web"));
    assert_null(last_event(&l, NT_MDNS_EV_REJECTED, "Web"));
    assert_int_equal(nt_trust_hooks_zk_of(l.nodes[0].hooks, &inst, l.now, &zi), NT_ERR_NOT_FOUND);

    zk_lan_free(&l, store);
    nt_trust_signer_cleanup(&signer);
    zk_fix_free(&z);
}

/* Publishes rdata from a host with key seed_byte and expects the browser to
 * reject the metadata with reason and not to call the instance zk-verified. */
static void expect_zk_reject(zk_fix *z, uint8_t seed_byte, const uint8_t *rd, size_t len,
                             const char *reason)
{
    static lan l;
    nt_trust_signer signer;
    nt_trust_store *store;
    nt_dns_name inst;
    nt_trust_zk_info zi;
    nt_trust_hooks_stats st;
    const nt_mdns_event *ev;

    make_key(&signer, seed_byte, "pub.local");
    zk_lan(&l, &store, &signer, z, rd, len);
    ev = last_event(&l, NT_MDNS_EV_REJECTED, NT_TRUST_META_LABEL);
    assert_non_null(ev);
    assert_string_equal(ev->reason, reason);
    /* The instance itself is still trusted, just not zk-verified. */
    ev = last_event(&l, NT_MDNS_EV_SERVICE_UPDATED, "Web");
    if (!ev)
        ev = last_event(&l, NT_MDNS_EV_SERVICE_ADDED, "Web");
    assert_non_null(ev);
    assert_int_equal(ev->trust, NT_TRUST_TRUSTED);
    assert_int_equal(nt_dns_name_from_str(&inst, "Web._http._tcp.local"), NT_OK);
    assert_int_equal(nt_trust_hooks_zk_of(l.nodes[0].hooks, &inst, l.now, &zi), NT_ERR_NOT_FOUND);
    nt_trust_hooks_stats_get(l.nodes[0].hooks, &st);
    assert_true(st.zk_verifications <= 1);
    zk_lan_free(&l, store);
    nt_trust_signer_cleanup(&signer);
}

static void test_zk_rejections_on_lan(void **state)
{
    zk_fix z;
    uint8_t rd[NT_TRUST_META_RDATA_MAX], pubbin[NT_TRUST_ZK_SIGNALS * 32];
    uint8_t zero_id[NT_TRUST_ZK_VK_ID_LEN];
    size_t len, plen;
    nt_zk_public *tampered;
    (void)state;

    zk_fix_load(&z);
    /* The genuine proof replayed by another key: lifted. */
    assert_int_equal(nt_trust_meta_write(rd, sizeof rd, &len, z.vk_id, &z.proof, z.pub), NT_OK);
    expect_zk_reject(&z, 5, rd, len, "zk-binding");
    /* Right key, but the claim changed (threshold 250 -> 251): invalid. */
    assert_int_equal(nt_zk_public_write(pubbin, sizeof pubbin, &plen, z.pub), NT_OK);
    assert_int_equal(pubbin[19 * 32 + 31], 250);
    pubbin[19 * 32 + 31] = 251;
    assert_int_equal(nt_zk_public_parse(&tampered, pubbin, plen), NT_OK);
    assert_int_equal(nt_trust_meta_write(rd, sizeof rd, &len, z.vk_id, &z.proof, tampered), NT_OK);
    expect_zk_reject(&z, 3, rd, len, "zk-invalid");
    nt_zk_public_destroy(tampered);
    /* A key id the browser does not hold. */
    memset(zero_id, 0, sizeof zero_id);
    assert_int_equal(nt_trust_meta_write(rd, sizeof rd, &len, zero_id, &z.proof, z.pub), NT_OK);
    expect_zk_reject(&z, 3, rd, len, "zk-unknown-vk");
    /* A proof of 3 bytes under the right key id: malformed. */
    {
        static const char hexd[] = "0123456789abcdef";
        size_t i;
        len = 0;
        memcpy(rd, "\003v=1\025zkvk=", 10);
        len = 10;
        for (i = 0; i < NT_TRUST_ZK_VK_ID_LEN; i++) {
            rd[len++] = (uint8_t)hexd[z.vk_id[i] >> 4];
            rd[len++] = (uint8_t)hexd[z.vk_id[i] & 15];
        }
        memcpy(rd + len, "\010zk0=AAAA\013zkpub0=AA==", 21);
        len += 21;
        expect_zk_reject(&z, 3, rd, len, "zk-malformed");
    }
    zk_fix_free(&z);
}

/* The anchor of a version (DESIGN §4.1) through the hooks on both sides:
 * the leaf the publisher's attach hook signed is the leaf the browser
 * recomputes from the sets it verified; the claim in the metadata holds
 * against the right root, and is refused against another one, in the
 * receive path too once the root is known. */
static void test_anchored_on_lan(void **state)
{
    static lan l;
    nt_trust_signer signer;
    nt_trust_chain_info ci;
    nt_trust_anchor_info ai;
    nt_trust_anchor an;
    nt_dns_name inst;
    nt_merkle_array arr;
    nt_merkle_source src;
    static const uint8_t v1[] = {3, 'v', '=', '1'};
    uint8_t leaf_data[4096], key[32], hashes[2][32], root[32], meta[NT_TRUST_META_RDATA_MAX];
    size_t leaf_len = 0, meta_len = 0;
    const nt_mdns_event *rej;
    (void)state;

    make_key(&signer, 5, "pub.local");
    memset(&l, 0, sizeof l);
    l.wall = WALL;
    l.chain = true;
    add_node(&l, "browser", 10, NULL, NULL);
    add_node(&l, "pub", 20, &signer, NULL);
    browse(&l.nodes[0], l.now);
    l.pub_id = publish(&l.nodes[1], "Web", 8080, l.now);
    assert_int_equal(nt_mdns_service_set_extra(l.nodes[1].m, l.pub_id, NT_TRUST_META_LABEL, 16,
                                               v1, sizeof v1, 0, l.now),
                     NT_OK);
    run(&l, 4000);
    assert_int_equal(nt_dns_name_from_str(&inst, "Web._http._tcp.local"), NT_OK);
    /* No claim yet: nothing to anchor. */
    nt_trust_hooks_anchor_of(l.nodes[0].hooks, &inst, &ai);
    assert_int_equal(ai.state, NT_TRUST_ANCHOR_NONE);
    /* The chain binds pub.local to the key. */
    memset(&ci, 0, sizeof ci);
    ci.state = NT_TRUST_CHAIN_BOUND;
    memcpy(ci.digest, signer.key_digest, 32);
    assert_int_equal(nt_trust_hooks_chain_set(l.nodes[0].hooks, &signer.signer, &ci), NT_OK);

    /* The publisher's version is leaf 1 of a log of 2. */
    assert_int_equal(nt_trust_hooks_leaf_of(l.nodes[1].hooks, &inst, leaf_data, sizeof leaf_data,
                                            &leaf_len, key),
                     NT_OK);
    assert_memory_equal(key, signer.key_digest, 32);
    assert_int_equal(nt_merkle_leaf_hash(hashes[0], (const uint8_t *)"before", 6), NT_OK);
    assert_int_equal(nt_merkle_leaf_hash(hashes[1], leaf_data, leaf_len), NT_OK);
    arr.hashes = &hashes[0][0];
    arr.count = 2;
    nt_merkle_source_array(&src, &arr);
    assert_int_equal(nt_merkle_root(root, &src, 2), NT_OK);
    memset(&an, 0, sizeof an);
    memcpy(an.log_id, signer.key_digest, 32);
    an.index = 1;
    an.size = 2;
    assert_int_equal(nt_merkle_inclusion_proof(&an.path, &src, 1, 2), NT_OK);
    assert_int_equal(nt_trust_meta_set_anchor(meta, sizeof meta, &meta_len, v1, sizeof v1, &an),
                     NT_OK);
    assert_int_equal(nt_mdns_service_set_extra(l.nodes[1].m, l.pub_id, NT_TRUST_META_LABEL, 16,
                                               meta, meta_len, 0, l.now),
                     NT_OK);
    run(&l, 2000);

    /* The browser asks for the root of (log, 2), then holds the anchor. */
    nt_trust_hooks_anchor_of(l.nodes[0].hooks, &inst, &ai);
    assert_int_equal(ai.state, NT_TRUST_ANCHOR_WAIT);
    assert_true(ai.need_root);
    assert_memory_equal(ai.log_id, signer.key_digest, 32);
    assert_int_equal(ai.size, 2);
    assert_int_equal(nt_trust_hooks_root_set(l.nodes[0].hooks, ai.log_id, 2, root), NT_OK);
    nt_trust_hooks_anchor_of(l.nodes[0].hooks, &inst, &ai);
    assert_int_equal(ai.state, NT_TRUST_ANCHOR_OK);
    assert_int_equal(ai.index, 1);
    assert_memory_equal(ai.key_digest, signer.key_digest, 32);

    /* The chain's root for that size is another: mismatch. */
    root[0] ^= 1;
    assert_int_equal(nt_trust_hooks_root_set(l.nodes[0].hooks, ai.log_id, 2, root), NT_OK);
    nt_trust_hooks_anchor_of(l.nodes[0].hooks, &inst, &ai);
    assert_int_equal(ai.state, NT_TRUST_ANCHOR_BAD);
    assert_int_equal(ai.reason, NT_ERR_TRUST_ANCHOR_MISMATCH);
    root[0] ^= 1;
    assert_int_equal(nt_trust_hooks_root_set(l.nodes[0].hooks, ai.log_id, 2, root), NT_OK);

    /* A claim of another index is refused as it arrives: the root is known. */
    an.index = 0;
    assert_int_equal(nt_trust_meta_set_anchor(meta, sizeof meta, &meta_len, v1, sizeof v1, &an),
                     NT_OK);
    assert_int_equal(nt_mdns_service_set_extra(l.nodes[1].m, l.pub_id, NT_TRUST_META_LABEL, 16,
                                               meta, meta_len, 0, l.now),
                     NT_OK);
    run(&l, 2000);
    rej = last_event(&l, NT_MDNS_EV_REJECTED, NT_TRUST_META_LABEL);
    assert_non_null(rej);
    assert_string_equal(rej->reason, "anchor-mismatch");
    nt_trust_hooks_anchor_of(l.nodes[0].hooks, &inst, &ai);
    assert_int_equal(ai.state, NT_TRUST_ANCHOR_BAD);

    zk_lan_free(&l, NULL);
    nt_trust_signer_cleanup(&signer);
}

/* Content published again after other content under the same owner and
 * type (the daemon's metadata TXT back to "v=1" when a changed service is
 * published anew, after "v=1 anchor=..."): signed anew, never with the
 * cached older signature, whose inception browsers refuse as going
 * backwards ("replay", DESIGN §2.2). */
static void test_republished_content_signed_anew(void **state)
{
    static lan l;
    nt_trust_signer signer;
    static const uint8_t v1[] = {3, 'v', '=', '1'}, v2[] = {3, 'v', '=', '2'};
    const uint8_t *sets[3] = {v1, v2, v1};
    size_t i, k;
    (void)state;

    make_key(&signer, 5, "pub.local");
    memset(&l, 0, sizeof l);
    l.wall = WALL;
    l.chain = true;
    add_node(&l, "browser", 10, NULL, NULL);
    add_node(&l, "pub", 20, &signer, NULL);
    browse(&l.nodes[0], l.now);
    l.pub_id = publish(&l.nodes[1], "Web", 8080, l.now);
    for (i = 0; i < 3; i++) {
        assert_int_equal(nt_mdns_service_set_extra(l.nodes[1].m, l.pub_id, NT_TRUST_META_LABEL,
                                                   16, sets[i], sizeof v1, 0, l.now),
                         NT_OK);
        run(&l, 3000);
        l.wall += 5; /* the next content is signed later */
    }
    for (k = 0; k < l.nevents; k++)
        assert_false(l.events[k].kind == NT_MDNS_EV_REJECTED &&
                     strcmp(l.events[k].reason, "replay") == 0);
    zk_lan_free(&l, NULL);
    nt_trust_signer_cleanup(&signer);
}

/* zk-verified on the chain's word (DESIGN §1.5): the browser pins nothing;
 * the proof on self-signed records is judged as they come, and counts once
 * the chain binds the signer to the key (read after the records), and no
 * longer once the binding is revoked. */
static void test_zk_verified_from_chain(void **state)
{
    static lan l;
    zk_fix z;
    nt_trust_signer signer;
    uint8_t rd[NT_TRUST_META_RDATA_MAX], id[NT_TRUST_ZK_VK_ID_LEN];
    size_t len;
    nt_dns_name inst;
    nt_trust_zk_info zi;
    nt_trust_chain_info ci;
    (void)state;

    zk_fix_load(&z);
    make_key(&signer, 3, "pub.local");
    assert_int_equal(nt_trust_meta_write(rd, sizeof rd, &len, z.vk_id, &z.proof, z.pub), NT_OK);
    memset(&l, 0, sizeof l);
    l.wall = WALL;
    l.chain = true;
    add_node(&l, "browser", 10, NULL, NULL);
    assert_int_equal(nt_trust_hooks_zk_vk_add(l.nodes[0].hooks, id, z.vk_json, z.vk_len), NT_OK);
    add_node(&l, "pub", 20, &signer, NULL);
    browse(&l.nodes[0], l.now);
    l.pub_id = publish(&l.nodes[1], "Web", 8080, l.now);
    assert_int_equal(nt_mdns_service_set_extra(l.nodes[1].m, l.pub_id, NT_TRUST_META_LABEL, 16,
                                               rd, len, 0, l.now),
                     NT_OK);
    run(&l, 4000);
    assert_int_equal(nt_dns_name_from_str(&inst, "Web._http._tcp.local"), NT_OK);
    /* Self-signed so far: the proof does not count. */
    assert_int_equal(nt_trust_hooks_zk_of(l.nodes[0].hooks, &inst, l.now, &zi), NT_ERR_NOT_FOUND);
    memset(&ci, 0, sizeof ci);
    ci.state = NT_TRUST_CHAIN_BOUND;
    memcpy(ci.digest, signer.key_digest, 32);
    assert_int_equal(nt_trust_hooks_chain_set(l.nodes[0].hooks, &signer.signer, &ci), NT_OK);
    assert_int_equal(nt_trust_hooks_zk_of(l.nodes[0].hooks, &inst, l.now, &zi), NT_OK);
    assert_memory_equal(zi.key_digest, signer.key_digest, 32);
    /* Revoked, the proof stops counting (for records judged before the
     * binding as for those judged with it). */
    run(&l, 2000);
    ci.state = NT_TRUST_CHAIN_REVOKED;
    assert_int_equal(nt_trust_hooks_chain_set(l.nodes[0].hooks, &signer.signer, &ci), NT_OK);
    assert_int_equal(nt_trust_hooks_zk_of(l.nodes[0].hooks, &inst, l.now, &zi), NT_ERR_NOT_FOUND);
    zk_lan_free(&l, NULL);
    zk_fix_free(&z);
    nt_trust_signer_cleanup(&signer);
}

/* A proof and an anchor in one metadata record (publish --proof --anchor):
 * both read back; the record's cap bounds the audit path (DESIGN §2.3). */
static void test_meta_zk_and_anchor(void **state)
{
    zk_fix z;
    nt_trust_anchor an, back;
    nt_trust_meta m;
    uint8_t zk_rd[NT_TRUST_META_RDATA_MAX], rd[NT_TRUST_META_RDATA_MAX];
    char text[NT_TRUST_ANCHOR_TEXT_MAX];
    size_t zk_len, len, tlen, nodes, fits = 0;
    bool present;
    (void)state;

    zk_fix_load(&z);
    assert_int_equal(nt_trust_meta_write(zk_rd, sizeof zk_rd, &zk_len, z.vk_id, &z.proof, z.pub),
                     NT_OK);
    for (nodes = 0; nodes < 40; nodes++) {
        memset(&an, 0, sizeof an);
        memset(an.log_id, 0xab, 32);
        an.size = (uint64_t)1 << nodes;
        an.index = an.size - 1;
        an.path.len = nodes;
        memset(an.path.node, 0x5c, nodes * NT_MERKLE_HASH_LEN);
        if (nt_trust_meta_set_anchor(rd, sizeof rd, &len, zk_rd, zk_len, &an) != NT_OK)
            break;
        fits = nodes;
        assert_int_equal(nt_trust_meta_parse(&m, rd, len), NT_OK);
        assert_true(m.has_zk);
        nt_trust_meta_cleanup(&m);
        assert_int_equal(nt_trust_meta_anchor_get(text, sizeof text, &tlen, &present, rd, len),
                         NT_OK);
        assert_true(present);
        assert_int_equal(nt_trust_anchor_parse(&back, text, tlen), NT_OK);
        assert_memory_equal(&back, &an, sizeof an);
    }
    print_message("a proof and an anchor fit with paths of up to %zu nodes\n", fits);
    assert_true(fits >= 12); /* trees of 4096 leaves */
    assert_true(fits < 40);  /* and the cap is enforced */
    zk_fix_free(&z);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signed_service_is_trusted),
        cmocka_unit_test(test_signed_publisher_defends_and_says_goodbye),
        cmocka_unit_test(test_unsigned_copy_never_silences),
        cmocka_unit_test(test_lower_trust_copies_change_nothing),
        cmocka_unit_test(test_renamed_host_signs_as_itself),
        cmocka_unit_test(test_meta_encoding),
        cmocka_unit_test(test_zk_verified_on_lan),
        cmocka_unit_test(test_zk_rejections_on_lan),
        cmocka_unit_test(test_anchored_on_lan),
        cmocka_unit_test(test_republished_content_signed_anew),
        cmocka_unit_test(test_zk_verified_from_chain),
        cmocka_unit_test(test_meta_zk_and_anchor),
    };
    return cmocka_run_group_tests_name("trust_mdns", tests, NULL, NULL);
}
