/*
 * tests/unit/mdns/lan.h - a simulated LAN for engine tests: several engines
 * wired back to back, a simulated millisecond clock, and a log of every
 * datagram sent so tests can check timing and shape.
 */
#ifndef NAUTILUS_TEST_MDNS_LAN_H
#define NAUTILUS_TEST_MDNS_LAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/mdns.h"
#include "nautilus/wire.h"

#define LAN_HOSTS 4
#define LAN_LOG 4096

typedef struct lan_pkt {
    uint64_t t;
    int from;                 /* engine index, -1 for injected */
    nt_mdns_endpoint dst;
    size_t len;
    uint8_t *data;
} lan_pkt;

typedef struct lan {
    nt_mdns *e[LAN_HOSTS];
    bool plugged[LAN_HOSTS];  /* unplugged hosts send and receive nothing */
    nt_mdns_addr addr[LAN_HOSTS];
    int n;
    uint64_t now;
    lan_pkt log[LAN_LOG];
    size_t nlog;
    nt_mdns_event ev[LAN_HOSTS][256];
    size_t nev[LAN_HOSTS];
} lan;

/* Engine i: host name "h<i>", interface 1 "lan0", 10.0.0.<i+1>/24. */
void lan_init(lan *l, int n, uint64_t seed);
/* Same, with the given host names (NULL entries: "h<i>") and config hook. */
void lan_init_cfg(lan *l, int n, uint64_t seed, const char *const *hosts,
                  void (*tweak)(nt_mdns_config *cfg, int i));
void lan_cleanup(lan *l);
/* Adds an IPv6 link-local address fe80::<i+1> to every engine. */
void lan_enable_v6(lan *l);
/* Runs the LAN until time t (absolute ms): delivers datagrams at once,
 * runs every engine at its wakeup time, collects events. */
void lan_run_until(lan *l, uint64_t t);
/* Sends raw bytes as if from src to engine i (multicast if mcast). */
void lan_inject(lan *l, int i, const char *src, uint16_t port, bool mcast, const uint8_t *data,
                size_t len);
/* Finds the k-th logged event of engine i with the kind (NULL if none). */
const nt_mdns_event *lan_event(const lan *l, int i, nt_mdns_event_kind kind, size_t k);
size_t lan_event_count(const lan *l, int i, nt_mdns_event_kind kind);
/* Publishes a simple service on engine i. */
nt_mdns_service_id lan_publish(lan *l, int i, const char *instance, const char *type,
                               uint16_t port, uint32_t ttl);

#endif
