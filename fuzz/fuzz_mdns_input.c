/*
 * Fuzz target for the mDNS engine's intake (nt_mdns_input) and everything
 * it drives: responder, querier, cache, TC reassembly, events.
 *
 * The input is one or more datagrams separated by the 4 bytes "NTMD", so a
 * raw captured packet is a valid input by itself. Each datagram's source
 * port (5353 or a legacy port), multicast flag, source address and the time
 * that passes before it are derived from its length and position. The engine
 * publishes a service and browses/resolves before the first datagram, so
 * every code path has state to work on. After each step the engine runs,
 * and every datagram it emits must parse (our own output is never
 * malformed); failures abort().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nautilus/mdns.h"
#include "nautilus/wire.h"
#include "fuzz/fuzz.h"

static nt_dns_msg g_msg;
static nt_mdns_packet_out g_out;
static nt_mdns_event g_ev;

static void drain(nt_mdns *m)
{
    while (nt_mdns_output_pop(m, &g_out) == NT_OK) {
        CHECK(g_out.len <= NT_MDNS_PACKET_MAX);
        CHECK(nt_dns_msg_parse(&g_msg, g_out.data, g_out.len) == NT_OK);
        CHECK(g_msg.bad_records == 0);
    }
    while (nt_mdns_event_pop(m, &g_ev) == NT_OK) {
        CHECK(g_ev.addr_count <= NT_MDNS_EVENT_ADDRS_MAX);
        CHECK(g_ev.txt_len <= NT_MDNS_TXT_MAX);
    }
}

static nt_mdns *setup(void)
{
    nt_mdns_config cfg;
    nt_mdns *m = NULL;
    nt_mdns_iface_config ifc;
    nt_mdns_ifaddr a[2];
    nt_mdns_service_config s;
    nt_mdns_query_config q;
    nt_mdns_service_id sid;
    nt_mdns_query_id qid;
    static const nt_mdns_txt_entry txt[1] = {{"k", (const uint8_t *)"v", 1}};

    nt_mdns_config_init(&cfg);
    cfg.host_name = "fuzz";
    cfg.seed = 1;
    cfg.cache_cap = 64;
    /* Small tables: an engine is made per input, and the defaults (257
     * service slots, 1024 questions: about 1 MB zeroed) cost more page
     * faults than the input itself takes to process. */
    cfg.max_services = 4;
    cfg.max_queries = 8;
    if (nt_mdns_create(&m, &cfg) != NT_OK)
        return NULL;
    memset(a, 0, sizeof(a));
    a[0].addr.family = NT_MDNS_INET4;
    a[0].addr.bytes[0] = 10;
    a[0].addr.bytes[3] = 1;
    a[0].prefix_len = 8;
    a[1].addr.family = NT_MDNS_INET6;
    a[1].addr.bytes[0] = 0xfe;
    a[1].addr.bytes[1] = 0x80;
    a[1].addr.bytes[15] = 1;
    a[1].prefix_len = 64;
    memset(&ifc, 0, sizeof(ifc));
    ifc.ifindex = 1;
    ifc.name = "fz0";
    ifc.addrs = a;
    ifc.addr_count = 2;
    ifc.ipv4 = true;
    ifc.ipv6 = true;
    CHECK(nt_mdns_iface_add(m, &ifc, 0) == NT_OK);
    memset(&s, 0, sizeof(s));
    s.instance = "Fuzz";
    s.type = "_http._tcp";
    s.subtypes[0] = "_printer";
    s.port = 80;
    s.txt = txt;
    s.txt_count = 1;
    CHECK(nt_mdns_service_add(m, &sid, &s, 0) == NT_OK);
    memset(&q, 0, sizeof(q));
    q.kind = NT_MDNS_Q_BROWSE;
    q.type = "_http._tcp";
    q.resolve = true;
    CHECK(nt_mdns_query_add(m, &qid, &q, 0) == NT_OK);
    q.kind = NT_MDNS_Q_TYPES;
    CHECK(nt_mdns_query_add(m, &qid, &q, 0) == NT_OK);
    q.kind = NT_MDNS_Q_HOST;
    q.host = "other.local";
    CHECK(nt_mdns_query_add(m, &qid, &q, 0) == NT_OK);
    return m;
}

static const uint8_t *find_sep(const uint8_t *p, size_t n)
{
    size_t i;
    for (i = 0; i + 4 <= n; i++)
        if (memcmp(p + i, "NTMD", 4) == 0)
            return p + i;
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nt_mdns *m = setup();
    uint64_t now = 0;
    size_t idx = 0;

    if (m == NULL)
        return 0;
    /* Half of the inputs meet an established responder, half a probing one. */
    if (size % 2 == 0) {
        nt_mdns_run(m, 5000);
        now = 5000;
        drain(m);
        nt_mdns_run(m, 9000);
        now = 9000;
        drain(m);
    }
    while (size > 0 && idx < 64) {
        const uint8_t *sep = find_sep(data, size);
        size_t len = sep != NULL ? (size_t)(sep - data) : size;
        nt_mdns_packet_in in;
        memset(&in, 0, sizeof(in));
        in.ifindex = 1;
        in.src.port = (len % 7 == 3) ? 40000 : NT_MDNS_PORT;
        in.dst_multicast = len % 5 != 4;
        in.hop_limit = 255;
        if (len % 3 == 2) {
            in.src.addr.family = NT_MDNS_INET6;
            in.src.addr.bytes[0] = 0xfe;
            in.src.addr.bytes[1] = 0x80;
            in.src.addr.bytes[15] = (uint8_t)(2 + idx);
            in.src.addr.scope = 1;
        } else {
            in.src.addr.family = NT_MDNS_INET4;
            in.src.addr.bytes[0] = 10;
            in.src.addr.bytes[3] = (uint8_t)(2 + (idx % 3));
        }
        in.data = data;
        in.len = len;
        CHECK(nt_mdns_input(m, &in, now) == NT_OK);
        drain(m);
        now += 37u * (len % 13);
        nt_mdns_run(m, now);
        drain(m);
        idx++;
        if (sep == NULL)
            break;
        size -= len + 4;
        data = sep + 4;
    }
    /* Let every timer fire: delayed answers, TC waits, expiry, refresh. */
    now += 600;
    nt_mdns_run(m, now);
    drain(m);
    now += 200000;
    nt_mdns_run(m, now);
    drain(m);
    nt_mdns_shutdown(m, now);
    drain(m);
    nt_mdns_destroy(m);
    return 0;
}
