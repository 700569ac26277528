/*
 * nautilus/net.h - the network layer: addresses, interfaces, multicast DNS
 * sockets, a timer heap, an event loop, the clock and randomness.
 *
 * Only this module owns sockets, clocks and randomness (DESIGN §8); the mDNS
 * engine is fed packets, times and random bytes from here. Every operating
 * system error is translated to an nt_status at this boundary; the errno
 * value of the last failure is kept for messages (nt_net_last_errno).
 */
#ifndef NAUTILUS_NET_H
#define NAUTILUS_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* RFC 6762 §3: port 5353, groups 224.0.0.251 and ff02::fb. */
#define NT_NET_MDNS_PORT 5353
/* Interface names as the kernel allows them (IFNAMSIZ, with the NUL). */
#define NT_NET_IFNAME_MAX 16
/* Longest printed address: IPv6 text (45) + '%' + interface name + NUL. */
#define NT_NET_ADDR_TEXT_MAX 64
/* Caps on what an interface listing holds. */
#define NT_NET_IFACE_ADDRS_MAX 16
#define NT_NET_IFACES_MAX 32
/* RFC 6762 §17: an mDNS packet is at most 9000 bytes, headers included. */
#define NT_NET_PACKET_MAX 9000

/* ---- addresses ----------------------------------------------------------- */

enum { NT_NET_IPV4 = 4, NT_NET_IPV6 = 6 };

/* An IPv4 or IPv6 address. IPv4 uses bytes[0..4). scope is the interface
 * index of an IPv6 link-local address (RFC 4007 §6), 0 otherwise. */
typedef struct nt_net_addr {
    uint8_t family; /* NT_NET_IPV4 or NT_NET_IPV6 */
    uint8_t bytes[16];
    uint32_t scope;
} nt_net_addr;

/* An address with its prefix length, as configured on an interface. */
typedef struct nt_net_prefix {
    nt_net_addr addr;
    uint8_t len; /* 0..32 or 0..128 */
} nt_net_prefix;

/* Parses "10.0.0.1", "fe80::1", "fe80::1%lan0" or "fe80::1%3". A scope is
 * allowed only on IPv6 addresses; a named scope is looked up with
 * if_nametoindex. NT_ERR_NET_ADDR_SYNTAX for malformed text,
 * NT_ERR_NET_SCOPE for a scope naming no interface. */
NT_API NT_WUR nt_status nt_net_addr_parse(nt_net_addr *out, const char *text);

/* Writes the text form and a NUL into out[0..cap). An address with a scope
 * is printed "fe80::1%lan0" (the index when the interface has no name any
 * more). NT_ERR_NOSPACE if cap is too small, NT_ERR_INVALID_ARG for a bad
 * family. NT_NET_ADDR_TEXT_MAX always suffices. */
NT_API NT_WUR nt_status nt_net_addr_format(char *out, size_t cap, const nt_net_addr *a);

/* Fills an address from 4 or 16 raw bytes (scope 0). */
NT_API void nt_net_addr_set_ipv4(nt_net_addr *out, const uint8_t bytes[4]);
NT_API void nt_net_addr_set_ipv6(nt_net_addr *out, const uint8_t bytes[16], uint32_t scope);

/* True if a and b have the same family, bytes and scope. */
NT_API bool nt_net_addr_equal(const nt_net_addr *a, const nt_net_addr *b);

/* fe80::/10 (RFC 4291 §2.5.6) or 169.254/16 (RFC 3927). */
NT_API bool nt_net_addr_is_link_local(const nt_net_addr *a);

/* 224.0.0.0/4 or ff00::/8. */
NT_API bool nt_net_addr_is_multicast(const nt_net_addr *a);

/* The mDNS group of a family: 224.0.0.251 or ff02::fb (RFC 6762 §3). */
NT_API void nt_net_addr_mdns_group(nt_net_addr *out, uint8_t family);

/* True if a lies inside p: same family and the first p->len bits match. */
NT_API bool nt_net_prefix_contains(const nt_net_prefix *p, const nt_net_addr *a);

/* Length of a netmask given as 4 or 16 bytes. NT_ERR_NET_NETMASK if the
 * ones are not contiguous from the left. */
NT_API NT_WUR nt_status nt_net_netmask_len(uint8_t *out, const uint8_t *mask, size_t mask_len);

/* ---- interfaces ---------------------------------------------------------- */

typedef struct nt_net_iface {
    char name[NT_NET_IFNAME_MAX];
    uint32_t index;
    bool loopback;
    size_t n_addrs;
    nt_net_prefix addrs[NT_NET_IFACE_ADDRS_MAX];
} nt_net_iface;

typedef struct nt_net_iface_set {
    size_t n;
    nt_net_iface ifs[NT_NET_IFACES_MAX];
} nt_net_iface_set;

/* Lists the interfaces to run mDNS on: up and multicast-capable, with their
 * IPv4 and IPv6 addresses (link-local ones with their scope). With names
 * (n_names > 0) only those, in that order, and each must exist, be up and
 * support multicast; without, every such interface except loopback (unless
 * with_loopback). Addresses beyond NT_NET_IFACE_ADDRS_MAX per interface are
 * dropped with a warning. NT_ERR_NET_NO_IFACE if a named interface does not
 * exist or none qualifies, NT_ERR_NET_IFACE_DOWN if a named one is down or
 * cannot multicast, NT_ERR_CAP if more than NT_NET_IFACES_MAX qualify and
 * were named, NT_ERR_IO if the system listing fails. */
NT_API NT_WUR nt_status nt_net_iface_list(nt_net_iface_set *out, const char *const *names,
                                          size_t n_names, bool with_loopback);

/* The interface with this index, or NULL. */
NT_API const nt_net_iface *nt_net_iface_find(const nt_net_iface_set *set, uint32_t index);

/* RFC 6762 §11: a source is on-link on ifc if it is an IPv6 link-local
 * address or lies inside one of the prefixes configured on ifc. */
NT_API bool nt_net_iface_is_onlink(const nt_net_iface *ifc, const nt_net_addr *src);

/* First address of a family on ifc (link-local preferred for IPv6 when
 * prefer_link_local), or NULL. */
NT_API const nt_net_prefix *nt_net_iface_first_addr(const nt_net_iface *ifc, uint8_t family,
                                                    bool prefer_link_local);

/* ---- sockets ------------------------------------------------------------- */

/* One UDP socket per family, shared by all interfaces. */
typedef struct nt_net_sock {
    int fd;
    uint8_t family;
} nt_net_sock;

/* What recvmsg reported about one datagram. */
typedef struct nt_net_pktinfo {
    nt_net_addr src;      /* sender (IPv6 link-local with the arrival scope) */
    uint16_t src_port;
    nt_net_addr dst;      /* destination address of the datagram */
    uint32_t ifindex;     /* arrival interface */
    int ttl;              /* IPv4 TTL or IPv6 hop limit, -1 if not reported */
    bool multicast;       /* dst was a multicast group */
} nt_net_pktinfo;

/* Opens a UDP socket of family bound to the wildcard address and port
 * (NT_NET_MDNS_PORT for mDNS, 0 for an ephemeral port), shared with other
 * responders on the host (SO_REUSEADDR, SO_REUSEPORT), non-blocking,
 * close-on-exec, multicast TTL/hop limit 255 (RFC 6762 §11), multicast
 * loop on, arrival interface, destination and TTL reported on receive,
 * IPV6_V6ONLY on IPv6. NT_ERR_NET_AF_UNSUPPORTED if the family is not
 * available, NT_ERR_NET_BIND if the port cannot be bound, NT_ERR_PERM,
 * NT_ERR_NET_SOCKET for any other failure. On error nothing stays open. */
NT_API NT_WUR nt_status nt_net_sock_open(nt_net_sock *s, uint8_t family, uint16_t port);

/* Closes the socket (no-op if not open). */
NT_API void nt_net_sock_close(nt_net_sock *s);

/* Joins the family's mDNS group on ifc (IP_ADD_MEMBERSHIP with ip_mreqn,
 * IPV6_JOIN_GROUP). Joining twice is not an error. NT_ERR_NET_JOIN. */
NT_API NT_WUR nt_status nt_net_sock_join(nt_net_sock *s, const nt_net_iface *ifc);

/* Sends data[0..len) to dst:port out of interface ifindex. The outgoing
 * multicast interface is set for this send (IP_MULTICAST_IF,
 * IPV6_MULTICAST_IF) and the interface is named in the packet info too, so
 * a namespace without a default route still works. NT_ERR_NET_WOULDBLOCK if
 * the socket buffer is full, NT_ERR_NET_UNREACHABLE, NT_ERR_NET_SEND,
 * NT_ERR_INVALID_ARG for a family mismatch or len > NT_NET_PACKET_MAX. */
NT_API NT_WUR nt_status nt_net_sock_send(nt_net_sock *s, uint32_t ifindex, const nt_net_addr *dst,
                                         uint16_t port, const uint8_t *data, size_t len);

/* Receives one datagram into buf[0..cap). NT_ERR_NET_WOULDBLOCK when none is
 * waiting, NT_ERR_NET_TRUNCATED if it was larger than cap (dropped),
 * NT_ERR_NET_RECV on other failures. */
NT_API NT_WUR nt_status nt_net_sock_recv(nt_net_sock *s, uint8_t *buf, size_t cap, size_t *out_len,
                                         nt_net_pktinfo *info);

/* The local port the socket is bound to, 0 on error. */
NT_API uint16_t nt_net_sock_port(const nt_net_sock *s);

/* ---- timer heap ---------------------------------------------------------- */

typedef struct nt_net_timer {
    uint64_t deadline; /* milliseconds on the monotonic clock */
    uint64_t id;
} nt_net_timer;

/* A binary min-heap of timers keyed by deadline, ties broken by insertion
 * order, with a cap fixed at init. Ids are the caller's; one timer per id. */
typedef struct nt_net_timer_heap {
    nt_net_timer *items;
    uint64_t *seq;
    size_t n;
    size_t cap;
    uint64_t next_seq;
} nt_net_timer_heap;

/* Allocates room for cap timers. NT_ERR_NOMEM, NT_ERR_INVALID_ARG if cap 0. */
NT_API NT_WUR nt_status nt_net_timer_heap_init(nt_net_timer_heap *h, size_t cap);
NT_API void nt_net_timer_heap_cleanup(nt_net_timer_heap *h);

/* Sets timer id to fire at deadline, replacing an earlier setting of id.
 * NT_ERR_CAP when full. */
NT_API NT_WUR nt_status nt_net_timer_heap_set(nt_net_timer_heap *h, uint64_t id, uint64_t deadline);

/* Removes timer id. NT_ERR_NOT_FOUND if it is not set. */
NT_API NT_WUR nt_status nt_net_timer_heap_del(nt_net_timer_heap *h, uint64_t id);

/* The earliest timer without removing it. NT_ERR_NOT_FOUND when empty. */
NT_API NT_WUR nt_status nt_net_timer_heap_peek(const nt_net_timer_heap *h, nt_net_timer *out);

/* Removes and returns the earliest timer if its deadline <= now.
 * NT_ERR_NOT_FOUND when none is due. */
NT_API NT_WUR nt_status nt_net_timer_heap_pop_due(nt_net_timer_heap *h, uint64_t now,
                                                  nt_net_timer *out);

/* ---- event loop ---------------------------------------------------------- */

typedef struct nt_net_loop nt_net_loop;

/* Called when fd is readable (or in error); events are poll() revents. */
typedef void (*nt_net_fd_fn)(void *ctx, nt_net_loop *loop, int fd, short events);
/* Called when timer id is due. */
typedef void (*nt_net_timer_fn)(void *ctx, nt_net_loop *loop, uint64_t id);
/* Called (from the loop, not the handler) after SIGINT or SIGTERM. */
typedef void (*nt_net_signal_fn)(void *ctx, nt_net_loop *loop, int signo);

/* Creates a poll() loop watching at most max_fds descriptors and max_timers
 * timers; timers call on_timer with ctx. NT_ERR_NOMEM, NT_ERR_INVALID_ARG. */
NT_API NT_WUR nt_status nt_net_loop_create(nt_net_loop **out, size_t max_fds, size_t max_timers,
                                           nt_net_timer_fn on_timer, void *ctx);

/* Frees the loop and restores the signal handlers it installed. */
NT_API void nt_net_loop_destroy(nt_net_loop *loop);

/* Watches fd for input. NT_ERR_CAP when max_fds are watched,
 * NT_ERR_EXISTS if fd is watched already. */
NT_API NT_WUR nt_status nt_net_loop_add_fd(nt_net_loop *loop, int fd, nt_net_fd_fn fn, void *ctx);

/* Stops watching fd. NT_ERR_NOT_FOUND if it was not watched. */
NT_API NT_WUR nt_status nt_net_loop_del_fd(nt_net_loop *loop, int fd);

/* Timers on the monotonic clock (nt_net_now_ms). Errors as the heap's. */
NT_API NT_WUR nt_status nt_net_loop_timer_set(nt_net_loop *loop, uint64_t id, uint64_t deadline);
NT_API NT_WUR nt_status nt_net_loop_timer_del(nt_net_loop *loop, uint64_t id);

/* Catches SIGINT and SIGTERM through a self-pipe: the handler only writes a
 * byte; fn runs later inside the loop. One loop per process may do this.
 * NT_ERR_NET_SIGNAL if the handlers cannot be installed, NT_ERR_EXISTS if
 * another loop has them. */
NT_API NT_WUR nt_status nt_net_loop_catch_signals(nt_net_loop *loop, nt_net_signal_fn fn, void *ctx);

/* Waits at most max_wait_ms (-1: until something happens) and dispatches
 * what is ready: signals first, then descriptors, then due timers.
 * NT_ERR_NET_POLL if poll fails for a reason other than EINTR. */
NT_API NT_WUR nt_status nt_net_loop_run_once(nt_net_loop *loop, int max_wait_ms);

/* Runs until nt_net_loop_stop. Errors as nt_net_loop_run_once. */
NT_API NT_WUR nt_status nt_net_loop_run(nt_net_loop *loop);

/* Makes nt_net_loop_run return after the current dispatch. */
NT_API void nt_net_loop_stop(nt_net_loop *loop);

/* ---- per-source input limit --------------------------------------------- */

/* Token buckets keyed by source address, so that one flooding host cannot
 * use up the engine's per-interface packet budget (DESIGN §11) and starve
 * the real queriers on the same link. Sources hash into a fixed table
 * (nbuckets, set at init); hosts that collide share a bucket, which only
 * ever makes the limit stricter for them. The hash is keyed with random
 * bytes so an attacker cannot aim at a victim's bucket. */
typedef struct nt_net_srclimit_bucket {
    uint64_t stamp_ms; /* last refill */
    uint32_t tokens_milli; /* tokens x 1000 */
} nt_net_srclimit_bucket;

typedef struct nt_net_srclimit {
    nt_net_srclimit_bucket *buckets;
    size_t nbuckets;
    uint32_t rate;  /* packets per second per source */
    uint32_t burst; /* bucket size in packets */
    uint8_t key[16];
    uint64_t dropped;
} nt_net_srclimit;

/* Prepares nbuckets buckets allowing rate packets/s with bursts of burst.
 * NT_ERR_INVALID_ARG if a parameter is 0 or burst > 1000000, NT_ERR_NOMEM,
 * NT_ERR_NET_RANDOM. */
NT_API NT_WUR nt_status nt_net_srclimit_init(nt_net_srclimit *l, size_t nbuckets, uint32_t rate,
                                             uint32_t burst);
NT_API void nt_net_srclimit_cleanup(nt_net_srclimit *l);

/* True if a packet from src at now_ms is within its source's budget (and
 * takes one token); false if it should be dropped (counted in dropped). */
NT_API bool nt_net_srclimit_allow(nt_net_srclimit *l, const nt_net_addr *src, uint64_t now_ms);

/* ---- own-echo recognition ------------------------------------------------ */

/* With multicast loop on (two agents on one host must hear each other),
 * every datagram we multicast comes back to our own socket. A looped-back
 * datagram is byte-identical to one we sent moments ago, so it is
 * recognised by content, not by source address (which another agent on the
 * same host shares). A keyed 64-bit hash of each datagram sent in the last
 * window_ms is kept in a ring of NT_NET_ECHO_SLOTS. */
#define NT_NET_ECHO_SLOTS 256

typedef struct nt_net_echo {
    uint64_t hash[NT_NET_ECHO_SLOTS];
    uint64_t when[NT_NET_ECHO_SLOTS]; /* ms; 0 = empty */
    size_t next;
    uint32_t window_ms;
    uint8_t key[16];
    uint64_t recognised;
} nt_net_echo;

/* Empties the ring and draws its hash key. NT_ERR_INVALID_ARG if
 * window_ms is 0, NT_ERR_NET_RANDOM. */
NT_API NT_WUR nt_status nt_net_echo_init(nt_net_echo *e, uint32_t window_ms);

/* Remembers a datagram sent at now_ms. */
NT_API void nt_net_echo_note_sent(nt_net_echo *e, const uint8_t *data, size_t len, uint64_t now_ms);

/* True if data[0..len) equals (by keyed hash) a datagram sent within the
 * window before now_ms: our own packet looped back (counted in recognised). */
NT_API bool nt_net_echo_is_own(nt_net_echo *e, const uint8_t *data, size_t len, uint64_t now_ms);

/* ---- interface and address changes (rtnetlink) --------------------------- */

/* The kernel announces links and addresses coming and going on an
 * AF_NETLINK/NETLINK_ROUTE socket (rtnetlink(7)). These messages are the
 * trigger for an interface rescan, so that a new address is probed and
 * announced, and a lost one said goodbye to, at once (RFC 6762 §8.3, §8.4,
 * §10.1) rather than at the next poll. They are parsed like any other
 * input: the kernel is the only accepted sender, but its bytes still go
 * through nt_buf with every length checked. */

/* What kind of object a notification is about. */
enum { NT_NET_NL_LINK = 1, NT_NET_NL_ADDR = 2 };

/* Most messages taken from one datagram. The kernel sends one per
 * notification; a datagram with more is refused whole (NT_ERR_CAP). */
#define NT_NET_NL_CHANGES_MAX 64
/* Receive buffer: a link notification is at most a few KiB. */
#define NT_NET_NL_BUF_SIZE 32768

/* One RTM_NEWLINK, RTM_DELLINK, RTM_NEWADDR or RTM_DELADDR message. */
typedef struct nt_net_nl_change {
    uint8_t what;     /* NT_NET_NL_LINK or NT_NET_NL_ADDR */
    bool removed;     /* RTM_DELLINK or RTM_DELADDR */
    uint32_t ifindex; /* never 0 */
    bool has_addr;    /* NT_NET_NL_ADDR with an IFA_LOCAL or IFA_ADDRESS */
    nt_net_prefix addr; /* IFA_LOCAL if present, else IFA_ADDRESS; IPv6
                           link-local with scope = ifindex */
} nt_net_nl_change;

/* What one datagram said. */
typedef struct nt_net_nl_batch {
    size_t n;
    nt_net_nl_change changes[NT_NET_NL_CHANGES_MAX];
    bool lost; /* the socket overran (ENOBUFS): notifications were lost,
                  anything may have changed */
} nt_net_nl_batch;

/* Parses the rtnetlink messages of one datagram data[0..len) into out
 * (out->lost false). Each message's nlmsg_len must be at least its header
 * and fit in what is left of the datagram, each attribute's rta_len
 * likewise inside its message; the 4-byte padding after a message or an
 * attribute may be missing only at the end. On any error out->n is 0:
 * NT_ERR_SHORT for an empty datagram, a cut header, message, attribute or
 * fixed part; NT_ERR_RANGE for a length below its own header, ifindex 0 or
 * above INT32_MAX, or a prefix length beyond the family's bits;
 * NT_ERR_SHORT/NT_ERR_TRAILING for an address attribute shorter/longer than
 * the family's address; NT_ERR_UNSUPPORTED for a message type other than
 * the four above (NLMSG_ERROR, NLMSG_DONE, ... included) or an address
 * family other than IPv4 and IPv6; NT_ERR_CAP for more than
 * NT_NET_NL_CHANGES_MAX messages; NT_ERR_INVALID_ARG for NULL. */
NT_API NT_WUR nt_status nt_net_nl_parse(nt_net_nl_batch *out, const uint8_t *data, size_t len);

typedef struct nt_net_nl nt_net_nl;

/* Opens a non-blocking, close-on-exec rtnetlink socket subscribed to
 * RTMGRP_LINK, RTMGRP_IPV4_IFADDR and RTMGRP_IPV6_IFADDR. NT_ERR_PERM,
 * NT_ERR_NET_AF_UNSUPPORTED (no netlink here), NT_ERR_NET_BIND,
 * NT_ERR_NET_SOCKET, NT_ERR_NOMEM. On error *out is NULL, nothing open. */
NT_API NT_WUR nt_status nt_net_nl_open(nt_net_nl **out);

/* Closes the socket and frees nl (NULL is a no-op). */
NT_API void nt_net_nl_close(nt_net_nl *nl);

/* The descriptor to poll for input. */
NT_API int nt_net_nl_fd(const nt_net_nl *nl);

/* Reads and parses one datagram into out. NT_OK with out->lost set (and
 * out->n 0) when the kernel dropped notifications because the socket
 * buffer was full (ENOBUFS): the caller must rescan everything.
 * NT_ERR_NET_WOULDBLOCK when nothing is waiting, NT_ERR_NET_TRUNCATED for a
 * datagram larger than NT_NET_NL_BUF_SIZE (dropped), NT_ERR_PERM for a
 * datagram not sent by the kernel (dropped), NT_ERR_NET_RECV for another
 * receive failure, else the statuses of nt_net_nl_parse. */
NT_API NT_WUR nt_status nt_net_nl_read(nt_net_nl *nl, nt_net_nl_batch *out);

/* ---- clock, randomness, errors ------------------------------------------ */

/* Milliseconds on CLOCK_MONOTONIC (never jumps with the wall clock). */
NT_API uint64_t nt_net_now_ms(void);

/* Seconds since the Unix epoch on the wall clock. */
NT_API uint64_t nt_net_wall_s(void);

/* Fills out[0..len) from getrandom(). NT_ERR_NET_RANDOM on failure. */
NT_API NT_WUR nt_status nt_net_random(uint8_t *out, size_t len);

/* Maps an errno value to a status (fallback when nothing closer fits). */
NT_API nt_status nt_net_status_from_errno(int err, nt_status fallback);

/* errno of the last failed system call in this module (for messages). */
NT_API int nt_net_last_errno(void);

#ifdef __cplusplus
}
#endif
#endif
