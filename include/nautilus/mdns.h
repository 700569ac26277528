/*
 * nautilus/mdns.h - the mDNS / DNS-SD engine (RFC 6762, RFC 6763), no I/O.
 *
 * The engine is a pure state machine. It owns the per-interface record
 * cache, the responder (probing, announcing, answering, conflict handling,
 * goodbyes) and the querier (continuous queries, known answers, refresh).
 * It never touches a socket, a clock or a source of randomness:
 *
 *   - time is passed in as now_ms, a monotonic clock in milliseconds that
 *     must never go backwards between calls on one engine;
 *   - randomness comes from the rng callback in the config (or an internal
 *     generator seeded with config.seed);
 *   - received datagrams go in with nt_mdns_input(), datagrams to send come
 *     out of nt_mdns_output_pop(), and things worth telling the user come out
 *     of nt_mdns_event_pop();
 *   - nt_mdns_next_wakeup() says when nt_mdns_run() must be called next.
 *
 * A typical loop (agent/net):
 *
 *     for (;;) {
 *         wait for a datagram or until nt_mdns_next_wakeup(m);
 *         if (datagram) nt_mdns_input(m, &pkt, now);
 *         nt_mdns_run(m, now);
 *         while (nt_mdns_output_pop(m, &out) == NT_OK) send(out);
 *         while (nt_mdns_event_pop(m, &ev) == NT_OK) report(ev);
 *     }
 *
 * Names in this API are text. Host names and domains are dotted names
 * ("printer.local", "local"); service types are "_ipp._tcp" (no domain), a
 * subtype browse is "_printer._sub._http._tcp"; an instance name is one
 * label of raw UTF-8 ("Office Printer (2)"), which may contain dots and
 * spaces and is never escaped in this API.
 *
 * Bounds (DESIGN §11): every table is capped by the config; whatever does not
 * fit is dropped and counted in nt_mdns_stats. Nothing read from the network
 * is ever asserted on.
 *
 * Not thread-safe: one engine is driven by one thread.
 */
#ifndef NAUTILUS_MDNS_H
#define NAUTILUS_MDNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- constants ---------------------------------------------------------- */

#define NT_MDNS_PORT 5353u                /* RFC 6762 §3 */
#define NT_MDNS_NAME_MAX 256u             /* dotted text of a <= 255-octet name, plus NUL */
#define NT_MDNS_LABEL_MAX 64u             /* one label (63 octets) plus NUL */
#define NT_MDNS_TXT_MAX 2048u             /* TXT RDATA bytes carried in an event */
#define NT_MDNS_EVENT_ADDRS_MAX 8u        /* addresses carried in one event */
#define NT_MDNS_PACKET_MAX 9000u          /* RFC 6762 §17: largest mDNS message */
#define NT_MDNS_IFACE_ADDRS_MAX 16u       /* addresses per interface */
#define NT_MDNS_SUBTYPES_MAX 8u           /* subtypes per published service */
#define NT_MDNS_REASON_MAX 96u            /* text of a rejection reason */
#define NT_MDNS_TTL_HOST 120u             /* RFC 6762 §10: A/AAAA/SRV */
#define NT_MDNS_TTL_OTHER 4500u           /* RFC 6762 §10: PTR/TXT/... */

/* ---- addresses ------------------------------------------------------------ */

typedef enum nt_mdns_family {
    NT_MDNS_INET4 = 4,
    NT_MDNS_INET6 = 6,
} nt_mdns_family;

/* An IPv4 or IPv6 address in network byte order. IPv4 uses bytes[0..4).
 * scope is the ifindex for IPv6 link-local addresses (0 otherwise). */
typedef struct nt_mdns_addr {
    nt_mdns_family family;
    uint8_t bytes[16];
    uint32_t scope;
} nt_mdns_addr;

/* An address with a UDP port (host byte order). */
typedef struct nt_mdns_endpoint {
    nt_mdns_addr addr;
    uint16_t port;
} nt_mdns_endpoint;

/* One of an interface's own addresses with its prefix length, which defines
 * the on-link subnet of RFC 6762 §11. */
typedef struct nt_mdns_ifaddr {
    nt_mdns_addr addr;
    uint8_t prefix_len;
} nt_mdns_ifaddr;

/* The multicast groups: 224.0.0.251 and ff02::fb (RFC 6762 §3). */
NT_API void nt_mdns_addr_group(nt_mdns_family family, nt_mdns_addr *out);

/* Parses "10.0.0.1", "fe80::1" or "fe80::1%3" (numeric scope only).
 * NT_ERR_INVALID_ARG if text is not an address. */
NT_API NT_WUR nt_status nt_mdns_addr_parse(nt_mdns_addr *out, const char *text);

/* Writes the text form (with "%scope" for scoped IPv6) and a NUL.
 * NT_ERR_NOSPACE if cap is too small (64 bytes always suffice). */
NT_API NT_WUR nt_status nt_mdns_addr_format(char *out, size_t cap, const nt_mdns_addr *addr);

/* ---- records as seen by the hooks ---------------------------------------- */

/* One resource record in uncompressed form. name is wire format (length-
 * prefixed labels ending with the root label), as received (case kept).
 * Names inside rdata (PTR, SRV, NSEC, ...) are expanded, never compressed,
 * so rdata is exactly what RFC 4034 §6.2 canonicalisation starts from.
 * rrclass excludes the mDNS cache-flush bit, which is in cache_flush. */
typedef struct nt_mdns_rr {
    const uint8_t *name;
    size_t name_len;
    uint16_t type;
    uint16_t rrclass;
    bool cache_flush;
    uint32_t ttl;
    const uint8_t *rdata;
    size_t rdata_len;
} nt_mdns_rr;

/* An RRset: records of one name, type and class. */
typedef struct nt_mdns_rrset {
    const nt_mdns_rr *rrs;
    size_t count;
} nt_mdns_rrset;

/* What the verification hook decided for one received RRset. */
typedef enum nt_mdns_verdict {
    NT_MDNS_ACCEPT = 0, /* cache it */
    NT_MDNS_REJECT = 1, /* drop it, keep what is cached, emit NT_MDNS_EV_REJECTED */
} nt_mdns_verdict;

/* What the verification hook says of one RRset. The engine fills in the
 * defaults (accept, trust 0, no TTL cap, empty reason) before the call. */
typedef struct nt_mdns_judgement {
    nt_mdns_verdict verdict;
    uint8_t trust;                 /* opaque level stored with the records and
                                      reported in events (0 = unsigned) */
    uint32_t ttl_max;              /* seconds: no record of the set is cached
                                      longer (a signature's limit); UINT32_MAX
                                      for none */
    char reason[NT_MDNS_REASON_MAX]; /* NUL-terminated, for a reject */
} nt_mdns_judgement;

/* Verification hook (agent/trust): called for every RRset of a received
 * response before it enters the cache. set is the RRset; message holds every
 * record of the same message (so RRSIG and DNSKEY records can be found).
 * The hook fills *out. A rejected set is dropped whole: none of its records
 * is cached, and none counts as an answer, a known answer or a conflict for
 * our own records. Pointers are valid only during the call. Returning
 * anything but NT_OK counts as a reject. */
typedef nt_status (*nt_mdns_verify_fn)(void *ctx, uint32_t ifindex, const nt_mdns_endpoint *src,
                                       const nt_mdns_rrset *set, const nt_mdns_rrset *message,
                                       uint64_t now_ms, nt_mdns_judgement *out);

/* Attach hook (agent/trust): called when the responder puts one of its own
 * RRsets into an outgoing message. The hook may fill up to extra_cap records
 * into extra (e.g. RRSIG for the set, DNSKEY of the host), setting
 * *extra_count; their pointers must stay valid until the next call of the
 * hook or nt_mdns_destroy(). The engine appends them to the additional
 * section if they fit, and otherwise leaves them out. */
typedef nt_status (*nt_mdns_attach_fn)(void *ctx, uint32_t ifindex, const nt_mdns_rrset *set,
                                       uint64_t now_ms, nt_mdns_rr *extra, size_t extra_cap,
                                       size_t *extra_count);

/* Randomness: returns 32 uniformly random bits. */
typedef uint32_t (*nt_mdns_rng_fn)(void *ctx);

/* ---- configuration -------------------------------------------------------- */

typedef struct nt_mdns_config {
    const char *host_name;        /* our host: "box" or "box.local"; required */
    nt_mdns_rng_fn rng;           /* NULL: internal generator seeded with seed */
    void *rng_ctx;
    uint64_t seed;

    size_t cache_cap;             /* records per interface (4096) */
    size_t max_packet;            /* bytes of one datagram we send (1440) */
    size_t max_records_in;        /* records accepted from one packet (256) */
    size_t max_interfaces;        /* (32) */
    size_t max_services;          /* published services (256) */
    size_t max_queries;           /* active questions (256) */
    size_t max_known_answer_sets; /* pending TC known-answer reassemblies (64), RFC 6762 §7.2 */
    size_t max_known_answers;     /* known answers held per reassembly (512) */
    size_t max_pending_out;       /* queued datagrams (256) */
    size_t max_pending_events;    /* queued events (1024) */
    uint32_t packets_per_sec;     /* input budget per interface (2000), at most an eighth
                                     of it per source; excess dropped and counted.
                                     0 disables the budget. A full cache is also turned
                                     over by at most 64 records/s per source. */
    /* false (default): a datagram from one of our own addresses is our own,
     * looped back or heard on a second interface of the LAN, and dropped.
     * true: other agents on this host share our addresses (Avahi, a second
     * nautilus), so such datagrams are taken; the caller must then drop our
     * own looped-back datagrams itself, by content (agent/net's nt_net_echo). */
    bool same_host_peers;

    /* Our host name's address records (RFC 6762 §8: probed, announced,
     * defended). AUTO (default): from the first published service whose SRV
     * points at our host name on: a pure querier (browse, resolve) claims
     * nothing, as avahi-browse and python-zeroconf's browser do. ALWAYS:
     * from the start. NEVER: another responder on this host (avahi-daemon)
     * owns the name and its addresses (Avahi's publish-addresses=no). */
    enum { NT_MDNS_HOST_AUTO = 0, NT_MDNS_HOST_ALWAYS = 1, NT_MDNS_HOST_NEVER = 2 } host_records;

    /* Predictive refresh (DESIGN §7.2): names that queries asked for and
     * that are predicted to be asked for again are refreshed before their
     * records expire, even with no query active, riding in question packets
     * sent anyway or alone at 93 % of the TTL: at most this many questions
     * per minute. 0 (default): off, only RFC 6762 §5.2's refresh of active
     * queries. */
    uint32_t predict_per_min;

    nt_mdns_verify_fn verify;     /* NULL: accept all */
    void *verify_ctx;
    nt_mdns_attach_fn attach;     /* NULL: attach nothing */
    void *attach_ctx;
} nt_mdns_config;

/* Fills cfg with the defaults above (host_name NULL, seed 0). */
NT_API void nt_mdns_config_init(nt_mdns_config *cfg);

/* ---- lifetime -------------------------------------------------------------- */

typedef struct nt_mdns nt_mdns;

/* Creates an engine. The config is copied (host_name too); hook contexts are
 * borrowed. NT_ERR_INVALID_ARG if host_name is missing or not a valid name,
 * or a cap is 0; NT_ERR_MDNS_NAME for a bad host name; NT_ERR_NOMEM. */
NT_API NT_WUR nt_status nt_mdns_create(nt_mdns **out, const nt_mdns_config *cfg);

/* Frees everything. Sends nothing: call nt_mdns_shutdown() first and drain
 * the output queue to say goodbye. NULL is ignored. */
NT_API void nt_mdns_destroy(nt_mdns *m);

/* Withdraws every published record: queues goodbye packets (TTL 0, RFC 6762
 * §10.1) on every interface, immediately. Afterwards the engine answers
 * nothing and sends no queries; drain nt_mdns_output_pop() and destroy it. */
NT_API void nt_mdns_shutdown(nt_mdns *m, uint64_t now_ms);

/* ---- interfaces ----------------------------------------------------------- */

typedef struct nt_mdns_iface_config {
    uint32_t ifindex;             /* > 0 */
    const char *name;             /* "eth0"; copied (at most 15 chars used) */
    const nt_mdns_ifaddr *addrs;  /* our own addresses on it; copied */
    size_t addr_count;            /* <= NT_MDNS_IFACE_ADDRS_MAX */
    bool ipv4;                    /* speak mDNS over IPv4 on it */
    bool ipv6;                    /* speak mDNS over IPv6 on it */
} nt_mdns_iface_config;

/* Adds an interface, or replaces the addresses of a known one (a changed
 * address set sends goodbyes for the addresses that went and restarts
 * probing and announcing of our records there, RFC 6762 §8.4). Published
 * services with ifindex 0 start probing on it.
 * NT_ERR_INVALID_ARG (ifindex 0, too many addresses, neither family),
 * NT_ERR_CAP (max_interfaces), NT_ERR_NOMEM. */
NT_API NT_WUR nt_status nt_mdns_iface_add(nt_mdns *m, const nt_mdns_iface_config *ifc,
                                          uint64_t now_ms);

/* Removes an interface: queues goodbyes for our records on it, then drops
 * its cache (cached services there are reported removed).
 * NT_ERR_MDNS_NO_IFACE if unknown. */
NT_API NT_WUR nt_status nt_mdns_iface_del(nt_mdns *m, uint32_t ifindex, uint64_t now_ms);

/* ---- packets ---------------------------------------------------------------- */

/* A received datagram. */
typedef struct nt_mdns_packet_in {
    uint32_t ifindex;             /* interface it arrived on */
    nt_mdns_endpoint src;         /* source address and port */
    bool dst_multicast;           /* sent to 224.0.0.251 / ff02::fb */
    int hop_limit;                /* IP TTL / hop limit, -1 if unknown; informational:
                                     legacy queriers multicast with TTL 1, so it is not
                                     an on-link test (the source subnet is, §11) */
    const uint8_t *data;          /* borrowed for the call */
    size_t len;
} nt_mdns_packet_in;

/* Feeds one received datagram. Malformed, off-link (RFC 6762 §11), over-
 * budget and our own looped-back packets are dropped and counted, not
 * reported as errors. Returns NT_OK for every datagram, processed or
 * dropped; NT_ERR_INVALID_ARG for a NULL argument; NT_ERR_MDNS_NO_IFACE if
 * the interface is unknown (the datagram is dropped). */
NT_API NT_WUR nt_status nt_mdns_input(nt_mdns *m, const nt_mdns_packet_in *pkt, uint64_t now_ms);

/* A datagram to send. dst is the group (224.0.0.251:5353, [ff02::fb]:5353)
 * or a unicast endpoint (QU answers, RFC 6762 §5.4; legacy unicast replies,
 * §6.7). len <= config.max_packet (legacy replies may be up to 9000). */
typedef struct nt_mdns_packet_out {
    uint32_t ifindex;
    nt_mdns_endpoint dst;
    size_t len;
    uint8_t data[NT_MDNS_PACKET_MAX];
} nt_mdns_packet_out;

/* Moves the oldest queued datagram into *out. NT_ERR_NOT_FOUND if none. */
NT_API NT_WUR nt_status nt_mdns_output_pop(nt_mdns *m, nt_mdns_packet_out *out);

/* ---- timers ----------------------------------------------------------------- */

/* Absolute time (ms, same clock as now_ms) at which nt_mdns_run() has work;
 * UINT64_MAX if none. Changes after every call that takes now_ms. */
NT_API uint64_t nt_mdns_next_wakeup(const nt_mdns *m);

/* Does all work due at or before now_ms: probes, announcements, delayed
 * answers, queries, cache expiry and refresh. Queues output and events. */
NT_API void nt_mdns_run(nt_mdns *m, uint64_t now_ms);

/* ---- publishing (responder) ---------------------------------------------- */

typedef uint32_t nt_mdns_service_id;

/* One TXT entry: "key=value" (value may hold any bytes), "key" alone when
 * value is NULL, "key=" when value_len is 0 (RFC 6763 §6.4). */
typedef struct nt_mdns_txt_entry {
    const char *key;
    const uint8_t *value;
    size_t value_len;
} nt_mdns_txt_entry;

typedef struct nt_mdns_service_config {
    const char *instance;         /* "Office Printer"; one label, <= 63 octets */
    const char *type;             /* "_ipp._tcp" */
    const char *domain;           /* NULL or "local" */
    const char *subtypes[NT_MDNS_SUBTYPES_MAX]; /* "_printer", NULL-terminated if fewer */
    const char *host;             /* target host; NULL = the engine's host name */
    uint16_t port;
    uint16_t priority;
    uint16_t weight;
    const nt_mdns_txt_entry *txt; /* copied */
    size_t txt_count;
    uint32_t ttl;                 /* 0 = defaults (120 s SRV, 4500 s PTR/TXT);
                                     otherwise every record of the service */
    uint32_t ifindex;             /* 0 = every interface */
} nt_mdns_service_config;

/* Publishes a service: probes its instance name (3 x 250 ms, first one QU,
 * RFC 6762 §8.1), then announces PTR, SRV, TXT, subtype PTRs and the
 * _services._dns-sd._udp enumeration PTR (§8.3, RFC 6763 §9 and §7.1).
 * On a conflict the instance is renamed "Name (2)", "Name (3)", ... and
 * probing restarts; events report each step. All strings are copied.
 * NT_ERR_MDNS_NAME (bad names), NT_ERR_MDNS_TXT (TXT malformed or over
 * NT_MDNS_TXT_MAX), NT_ERR_MDNS_NO_IFACE (ifindex given and unknown),
 * NT_ERR_CAP (max_services), NT_ERR_MDNS_SHUT_DOWN, NT_ERR_NOMEM. */
NT_API NT_WUR nt_status nt_mdns_service_add(nt_mdns *m, nt_mdns_service_id *out,
                                            const nt_mdns_service_config *svc, uint64_t now_ms);

/* Withdraws a service: queues goodbyes (TTL 0, RFC 6762 §10.1) for its
 * records where they were announced, and forgets it. NT_ERR_NOT_FOUND. */
NT_API NT_WUR nt_status nt_mdns_service_del(nt_mdns *m, nt_mdns_service_id id, uint64_t now_ms);

/* Publishes one more record with service id: owner "<label>.<instance
 * name>" (following renames), type, rdata[0..len), TTL ttl (0: 4500 s).
 * It is answered when asked for directly, rides as an additional record
 * with the instance's PTR, SRV and TXT answers, is announced and said
 * goodbye to with the service, and goes through the attach hook (signed)
 * like the rest. Used for the metadata TXT at _nautilus.<instance>
 * (trust_meta.h). A new value replaces the old and is announced; len 0 with
 * type 0 removes it (with a goodbye). NT_ERR_NOT_FOUND, NT_ERR_MDNS_NAME
 * (label), NT_ERR_CAP (over NT_MDNS_TXT_MAX bytes), NT_ERR_NOMEM. */
NT_API NT_WUR nt_status nt_mdns_service_set_extra(nt_mdns *m, nt_mdns_service_id id,
                                                  const char *label, uint16_t type,
                                                  const uint8_t *rdata, size_t len, uint32_t ttl,
                                                  uint64_t now_ms);

/* Copies the service's current instance name (after any renaming) into
 * out[0..cap). NT_ERR_NOT_FOUND, NT_ERR_NOSPACE. */
NT_API NT_WUR nt_status nt_mdns_service_get_instance(const nt_mdns *m, nt_mdns_service_id id,
                                                     char *out, size_t cap);

/* Copies the host name currently in use ("box.local", "box-2.local" after a
 * host-name conflict) into out[0..cap). NT_ERR_NOSPACE. */
NT_API NT_WUR nt_status nt_mdns_host_get_name(const nt_mdns *m, char *out, size_t cap);

/* ---- querying (querier) ------------------------------------------------------ */

typedef uint32_t nt_mdns_query_id;

typedef enum nt_mdns_query_kind {
    NT_MDNS_Q_BROWSE = 1,  /* PTR <type>.<domain> (or a subtype) */
    NT_MDNS_Q_RESOLVE = 2, /* SRV+TXT of <instance>.<type>.<domain>, then A/AAAA of the target */
    NT_MDNS_Q_HOST = 3,    /* A/AAAA of a host name */
    NT_MDNS_Q_TYPES = 4,   /* PTR _services._dns-sd._udp.<domain> (RFC 6763 §9) */
} nt_mdns_query_kind;

typedef struct nt_mdns_query_config {
    nt_mdns_query_kind kind;
    const char *type;       /* BROWSE, RESOLVE: "_http._tcp" or "_printer._sub._http._tcp" */
    const char *instance;   /* RESOLVE */
    const char *host;       /* HOST: "box.local" or "box" */
    const char *domain;     /* NULL or "local" */
    bool want_ipv4;         /* HOST, RESOLVE: ask for A (both false = both true) */
    bool want_ipv6;         /* HOST, RESOLVE: ask for AAAA */
    bool resolve;           /* BROWSE: also resolve each instance found */
    uint32_t ifindex;       /* 0 = every interface */
    bool immediate;         /* the first question goes out at once, not after the
                               20-120 ms of §5.2 (meant for hosts that start
                               together): a person is waiting on the answer */
} nt_mdns_query_config;

/* Starts a continuous query (RFC 6762 §5.2): the first query is sent after
 * 20-120 ms (at once if immediate) with the QU bit (§5.4), then after 1 s,
 * 2 s, 4 s, ... up to 60 min, with
 * known answers (§7.1). Matching records already cached are reported
 * immediately as events. NT_ERR_INVALID_ARG (bad kind), NT_ERR_MDNS_NAME,
 * NT_ERR_CAP (max_queries), NT_ERR_MDNS_SHUT_DOWN, NT_ERR_NOMEM. */
NT_API NT_WUR nt_status nt_mdns_query_add(nt_mdns *m, nt_mdns_query_id *out,
                                          const nt_mdns_query_config *q, uint64_t now_ms);

/* Stops a query. Cached records stay until they expire. NT_ERR_NOT_FOUND. */
NT_API NT_WUR nt_status nt_mdns_query_del(nt_mdns *m, nt_mdns_query_id id);

/* ---- events ---------------------------------------------------------------- */

typedef enum nt_mdns_event_kind {
    NT_MDNS_EV_SERVICE_ADDED = 1,   /* browse: a new instance (fields known so far) */
    NT_MDNS_EV_SERVICE_UPDATED = 2, /* SRV, TXT or addresses of an instance changed */
    NT_MDNS_EV_SERVICE_REMOVED = 3, /* goodbye, expiry, POOF or interface gone */
    NT_MDNS_EV_HOST_RESOLVED = 4,   /* host query: addresses of host (re)learned */
    NT_MDNS_EV_HOST_REMOVED = 5,    /* host query: host has no addresses any more */
    NT_MDNS_EV_TYPE_ADDED = 6,      /* type enumeration: type found */
    NT_MDNS_EV_TYPE_REMOVED = 7,
    NT_MDNS_EV_REJECTED = 8,        /* the verify hook rejected an RRset (reason) */
    NT_MDNS_EV_PUBLISH_PROBING = 20,     /* our name is being probed */
    NT_MDNS_EV_PUBLISH_ESTABLISHED = 21, /* probing won; announced */
    NT_MDNS_EV_PUBLISH_CONFLICT = 22,    /* conflict: renamed to instance (host for the host name) */
    NT_MDNS_EV_PUBLISH_WITHDRAWN = 23,   /* goodbyes sent */
    NT_MDNS_EV_PUBLISH_FAILED = 24,      /* renaming gave up (too many conflicts) */
} nt_mdns_event_kind;

/* One event. Fixed size so that ownership is trivial; fields that do not
 * apply are zero / empty. */
typedef struct nt_mdns_event {
    nt_mdns_event_kind kind;
    nt_mdns_query_id query;        /* the query that asked (browse/resolve/host/types) */
    nt_mdns_service_id service;    /* publish events */
    uint32_t ifindex;              /* interface it was learned on / published on */
    char instance[NT_MDNS_LABEL_MAX * 4]; /* raw UTF-8 label (room for escapes is not needed) */
    char type[NT_MDNS_NAME_MAX];   /* "_ipp._tcp" (TYPE_* events: the type found) */
    char domain[NT_MDNS_NAME_MAX]; /* "local" */
    char host[NT_MDNS_NAME_MAX];   /* SRV target or the host of a HOST event, "h.local" */
    char previous[NT_MDNS_LABEL_MAX * 4]; /* PUBLISH_CONFLICT: the name that collided */
    uint16_t port;
    uint16_t priority;
    uint16_t weight;
    bool have_srv;                 /* port/priority/weight/host are valid */
    bool have_txt;                 /* txt is valid */
    size_t txt_len;                /* TXT RDATA: length-prefixed strings */
    uint8_t txt[NT_MDNS_TXT_MAX];
    size_t addr_count;
    nt_mdns_addr addrs[NT_MDNS_EVENT_ADDRS_MAX];
    uint8_t trust;                 /* lowest trust level of the records behind it */
    char reason[NT_MDNS_REASON_MAX]; /* REJECTED, PUBLISH_FAILED */
} nt_mdns_event;

/* Moves the oldest queued event into *out. NT_ERR_NOT_FOUND if none. */
NT_API NT_WUR nt_status nt_mdns_event_pop(nt_mdns *m, nt_mdns_event *out);

/* Iterates TXT RDATA: starting with *pos = 0, returns the next entry's key
 * (not NUL-terminated, key_len bytes) and value (has_value false for a bare
 * key). NT_ERR_NOT_FOUND at the end; NT_ERR_DNS_TXT_OVERRUN if malformed. */
NT_API NT_WUR nt_status nt_mdns_txt_next(const uint8_t *txt, size_t txt_len, size_t *pos,
                                         const char **key, size_t *key_len,
                                         const uint8_t **value, size_t *value_len,
                                         bool *has_value);

/* ---- introspection ------------------------------------------------------- */

typedef struct nt_mdns_stats {
    uint64_t packets_in;          /* datagrams given to nt_mdns_input */
    uint64_t packets_out;         /* datagrams queued for sending */
    uint64_t malformed;           /* could not be parsed */
    uint64_t offlink_dropped;     /* source not on-link (RFC 6762 §11) */
    uint64_t own_dropped;         /* our own packets looped back */
    uint64_t rate_dropped;        /* over packets_per_sec */
    uint64_t records_dropped;     /* undecodable, or in a response with more
                                     than max_records_in (refused whole) */
    uint64_t suppress_refused;    /* copies of our records (answers, known
                                     answers) that failed the verify hook and
                                     so suppressed nothing */
    uint64_t cache_evictions;     /* cap reached: closest-to-expiry evicted */
    uint64_t cache_records;       /* records in all caches now */
    uint64_t rejected;            /* RRsets refused by the verify hook */
    uint64_t answers_suppressed;  /* known-answer (§7.1) and duplicate-answer (§7.4) */
    uint64_t questions_suppressed;/* duplicate questions (§7.3) */
    uint64_t queries_sent;
    uint64_t responses_sent;
    uint64_t conflicts;           /* names lost to another responder */
    uint64_t conflicts_refused;   /* conflicting records for an established name
                                     that the verify hook rejected: defended by
                                     re-announcing, never a rename */
    uint64_t output_dropped;      /* output queue full */
    uint64_t events_dropped;      /* event queue full */
    uint64_t tc_pending_dropped;  /* known-answer reassembly state over cap */
    uint64_t predict_questions;   /* questions sent for predictive refresh */
    uint64_t predict_dropped;     /* lookups the prediction could not record */
} nt_mdns_stats;

NT_API void nt_mdns_stats_get(const nt_mdns *m, nt_mdns_stats *out);

/* One cached record, for nt_mdns_cache_walk. Pointers valid during the call. */
typedef struct nt_mdns_cache_entry {
    uint32_t ifindex;
    nt_mdns_rr rr;                /* ttl = original TTL */
    uint64_t expires_ms;          /* absolute expiry */
    uint8_t trust;
} nt_mdns_cache_entry;

typedef void (*nt_mdns_cache_fn)(void *ctx, const nt_mdns_cache_entry *e);

/* Calls fn for every cached record on ifindex (0 = all interfaces). */
NT_API void nt_mdns_cache_walk(const nt_mdns *m, uint32_t ifindex, nt_mdns_cache_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
