/*
 * agent/run/mdns_runner.h - ties the network layer (sockets, interfaces, loop,
 * clock, randomness) to the I/O-free mDNS engine for one subcommand run.
 *
 * The runner opens the IPv4 and IPv6 mDNS sockets, joins the groups on the
 * chosen interfaces, hands those interfaces to the engine, then moves
 * datagrams, timers and events between them until it is stopped: by
 * nt_runner_stop, by SIGINT/SIGTERM, or by the deadline. On the way out it
 * lets the engine say goodbye (RFC 6762 §10.1) and sends what it queued.
 */
#ifndef NAUTILUS_AGENT_RUN_MDNS_RUNNER_H
#define NAUTILUS_AGENT_RUN_MDNS_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/mdns.h"
#include "nautilus/net.h"

#define NT_RUNNER_IFACES_MAX 8

typedef struct nt_runner nt_runner;

/* Called for each engine event, inside the loop. */
typedef void (*nt_runner_event_fn)(void *ctx, nt_runner *r, const nt_mdns_event *ev);
/* Called when a timer set with nt_runner_timer_set is due. */
typedef void (*nt_runner_timer_fn)(void *ctx, nt_runner *r, uint64_t id);

typedef struct nt_runner_config {
    const char *ifnames[NT_RUNNER_IFACES_MAX]; /* -i IF (n_ifnames of them) */
    size_t n_ifnames;
    const char *host_name;       /* "printer" or "printer.local"; NULL: gethostname() */
    bool no_ipv4;                /* do not speak mDNS over IPv4 */
    bool no_ipv6;                /* do not speak mDNS over IPv6 */
    nt_runner_event_fn on_event;
    nt_runner_timer_fn on_timer; /* for ids set by the caller */
    /* Called with the engine's config just before the engine is created,
     * e.g. to install the trust hooks (nautilus/trust_mdns.h). May be NULL. */
    void (*configure)(void *ctx, nt_mdns_config *mc);
    void *ctx;
} nt_runner_config;

/* Lists interfaces, opens and joins the sockets, creates the engine.
 * A family that the host lacks is skipped with a warning; if neither works
 * the socket error is returned. Errors: those of nt_net_iface_list,
 * nt_net_sock_open, nt_mdns_create, nt_mdns_iface_add; NT_ERR_IO if the host
 * name cannot be read. On failure why[0..why_cap) says what failed in one
 * line (e.g. "no interface named lan9"), for the command's one stderr line. */
NT_WUR nt_status nt_runner_create(nt_runner **out, const nt_runner_config *cfg, char *why,
                                  size_t why_cap);

/* Leaves the groups, closes the sockets, frees the engine. NULL ignored. */
void nt_runner_destroy(nt_runner *r);

/* The engine, to add services and queries before or during the run. */
nt_mdns *nt_runner_engine(nt_runner *r);

/* The interfaces in use. */
const nt_net_iface_set *nt_runner_ifaces(const nt_runner *r);

/* Name of interface ifindex ("?" if unknown). */
const char *nt_runner_ifname(const nt_runner *r, uint32_t ifindex);

/* Milliseconds on the monotonic clock. */
uint64_t nt_runner_now(const nt_runner *r);

/* Runs the loop until stopped (signal, nt_runner_stop, deadline). Then, if
 * goodbyes were asked for, shuts the engine down and flushes its output.
 * Returns NT_OK on a clean stop, or the loop's error. */
NT_WUR nt_status nt_runner_run(nt_runner *r);

/* Hands the events the engine has queued to on_event now, from inside a
 * callback of the loop, rather than after it (when the engine has run and
 * sent what was due). The agent's control socket uses it right after
 * nt_mdns_query_add: the cached answers come as events, and a request they
 * answer completely ends its query before its first question goes out.
 * Inside on_event it does nothing (the loop in progress delivers the rest). */
void nt_runner_deliver_events(nt_runner *r);

/* Stops the run after the current dispatch. goodbye: send goodbyes first. */
void nt_runner_stop(nt_runner *r, bool goodbye);

/* True if the run ended because of SIGINT/SIGTERM. */
bool nt_runner_signalled(const nt_runner *r);

/* Watches one more descriptor of the caller's in the runner's loop (at most
 * NT_RUNNER_EXTRA_FDS): fn runs inside the loop when fd is readable, and the
 * engine is run after it. The agent's SIGHUP signalfd and the pipes of the
 * chain worker threads (browse, resolve, publish --anchor) use this. Errors of
 * nt_net_loop_add_fd (NT_ERR_CAP when full). */
#define NT_RUNNER_EXTRA_FDS 4
/* The agent's control socket adds its listener and one descriptor per
 * connection (nautilus/ctl.h, at most NT_CTL_DEFAULT_MAX_CONNS). */
#define NT_RUNNER_CTL_FDS 65
NT_WUR nt_status nt_runner_add_fd(nt_runner *r, int fd, nt_net_fd_fn fn, void *ctx);

/* Stops watching a descriptor added with nt_runner_add_fd (safe inside a
 * callback of the loop). NT_ERR_NOT_FOUND if it was not watched. */
NT_WUR nt_status nt_runner_del_fd(nt_runner *r, int fd);

/* Caller timers (ids below 1000; higher ids are the runner's own). */
NT_WUR nt_status nt_runner_timer_set(nt_runner *r, uint64_t id, uint64_t deadline_ms);

/* Converts an engine address to a network-layer address and back. */
void nt_runner_addr_from_mdns(nt_net_addr *out, const nt_mdns_addr *in);
void nt_runner_addr_to_mdns(nt_mdns_addr *out, const nt_net_addr *in);

/* Host-name argument rules (DESIGN §9): "printer" and "printer.local" (and
 * "printer.local.") all mean printer.local; writes "printer.local".
 * NULL arg: this machine's first host-name label. NT_ERR_INVALID_ARG for an
 * empty label, a label over 63 octets or a name in another domain;
 * NT_ERR_IO if gethostname fails. */
NT_WUR nt_status nt_runner_host_name(char *out, size_t cap, const char *arg);

#endif
