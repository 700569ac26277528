/*
 * agent/run/agent.h - `nautilus agent`, the long-running daemon (DESIGN §8.1).
 *
 * cmd_agent.c reads the options; agent_config.c builds the configuration
 * (file, then flags over it, then the Avahi service files); agent_daemon.c
 * runs it on the runner (mdns_runner.h): keys, trust hooks, sockets,
 * dropping root, sd_notify, SIGHUP reloads; agent_publish.c keeps the
 * published services in step with the configuration; agent_browse.c keeps
 * the browse queries; agent_log.c sends the log to stderr or syslog.
 * These files move into agent/ with the runner.
 */
#ifndef NAUTILUS_AGENT_RUN_AGENT_H
#define NAUTILUS_AGENT_RUN_AGENT_H

#include <stdbool.h>
#include <stddef.h>

#include "mdns_runner.h"
#include "nautilus/bus.h"
#include "nautilus/conf.h"
#include "nautilus/trust_mdns.h"

/* Command-line flags; NULL / 0 = not given (the file or the default holds). */
typedef struct nt_agent_opts {
    const char *config;                        /* --config FILE */
    const char *ifnames[NT_CONF_IFACES_MAX];   /* -i IF ... */
    size_t n_ifnames;
    const char *browse[NT_CONF_BROWSE_MAX];    /* --browse TYPE ... */
    size_t n_browse;
    const char *state, *trust, *tofu, *require, *bus, *snapshot, *rpc, *registry;
    const char *services_dir, *user, *host, *log_level, *log_target;
    const char *control;                       /* --control PATH */
    bool check_config;                         /* --check-config */
} nt_agent_opts;

/* Builds the configuration: the file (if any), the flags over it, then the
 * .service files of the services directory. On failure writes one line
 * ("FILE:LINE: message", or "--flag: message") to why and returns the
 * status. *out is set only on success. */
NT_WUR nt_status nt_agent_config_build(nt_conf **out, const nt_agent_opts *o, char *why,
                                       size_t why_cap);

/* This host's first label, as %h in Avahi names (the configured host name,
 * or gethostname's). */
void nt_agent_host_label(char *out, size_t cap, const nt_conf *c);

/* --- published services (agent_publish.c) --- */

typedef struct nt_agent_pub {
    nt_conf_service svc;   /* what was asked for */
    nt_mdns_service_id id;
    bool waiting;          /* a changed service: published again once the */
    nt_mdns_service_id after; /* old one (id after) has said goodbye */
} nt_agent_pub;

typedef struct nt_agent_pubs {
    nt_agent_pub items[NT_CONF_SERVICES_MAX];
    size_t n;
    nt_trust_hooks *hooks; /* signing: claim names, add the metadata TXT */
    nt_trust_signer *signer; /* signing: renamed with the host */
} nt_agent_pubs;

/* Makes the published set match c's services: unchanged ones are left as
 * they are (no goodbye), removed ones withdrawn (goodbyes), changed ones
 * withdrawn and published again once the goodbyes are out (the engine
 * reports the withdrawal), new ones published. Logs each step; a service
 * the engine refuses is logged and skipped. */
void nt_agent_pubs_sync(nt_agent_pubs *p, nt_runner *r, const nt_conf *c);

/* Publishes one service as the configured ones are (signed with the
 * metadata TXT when p signs), without adding it to p: the services of the
 * control socket (ctl_publish.c). The engine's status. */
NT_WUR nt_status nt_agent_pub_add(nt_agent_pubs *p, nt_runner *r, const nt_conf_service *s,
                                  nt_mdns_service_id *id);

/* Engine events about our services: logged; claims names when signing. */
void nt_agent_pubs_event(nt_agent_pubs *p, nt_runner *r, const nt_mdns_event *ev);

/* --- browsing (agent_browse.c) --- */

typedef struct nt_agent_browse {
    char types[NT_CONF_BROWSE_MAX][NT_CONF_NAME_MAX];
    nt_mdns_query_id ids[NT_CONF_BROWSE_MAX];
    size_t n;
    bool enumerate;             /* no types configured: follow _services._dns-sd._udp */
    nt_mdns_query_id enum_id;
    nt_trust_level require;
} nt_agent_browse;

/* Makes the browse queries match c (types, or enumeration when none). */
void nt_agent_browse_sync(nt_agent_browse *b, nt_runner *r, const nt_conf *c);

/* Engine events about what is browsed: logged; a type found by the
 * enumeration is browsed in turn (up to NT_CONF_BROWSE_MAX). */
void nt_agent_browse_event(nt_agent_browse *b, nt_runner *r, const nt_mdns_event *ev);

/* --- logging (agent_log.c) --- */

/* Sends the log to stderr or syslog at c's level. */
void nt_agent_log_setup(const nt_conf *c);

/* --- the trust-event bus (agent_bus.c) --- */

/* Starts the publisher when c has a [bus] endpoint (*out NULL otherwise),
 * signed with the key in the state directory as label.local; publishes
 * agent.started. Exit code: NT_EXIT_USAGE with one line on stderr. */
int nt_agent_bus_start(nt_bus_pub **out, const nt_conf *c, const char *label);
/* SIGHUP: the bus stays as it is (same run, seq continues); says so if
 * [bus] changed. */
void nt_agent_bus_reload(const nt_conf *old, const nt_conf *c);
/* One engine event on the bus (DESIGN §6.2); bus NULL: nothing. chain:
 * the view that judged it (agent_chain.c), NULL when none. */
struct nt_chain_view;
void nt_agent_bus_event(nt_bus_pub *bus, const nt_trust_hooks *hooks,
                        const struct nt_chain_view *chain, nt_runner *r, const nt_mdns_event *ev,
                        const nt_conf *c);
/* Publishes agent.stopping and closes. NULL ignored. */
void nt_agent_bus_stop(nt_bus_pub *bus);

/* --- anchoring on chain (agent_anchor.c) --- */

typedef struct nt_agent_anchor nt_agent_anchor;

typedef struct nt_agent_anchor_config {
    const nt_conf *conf;             /* [chain]: read at start only */
    const char *host;                /* "name.local", said in the bus events */
    const nt_trust_signer *signer;   /* its key digest is the log id (borrowed) */
    nt_trust_hooks *hooks;           /* what was signed (borrowed) */
    nt_runner *runner;
    nt_bus_pub *bus;                 /* anchor.* events; NULL: none (borrowed) */
} nt_agent_anchor_config;

/* With [chain] anchor = yes, every signed record-set version of the
 * published services becomes a leaf of the state directory's Merkle log,
 * checkpointed on chain by a worker thread through the durable outbox, the
 * anchor= published in each service's metadata TXT (as publish --anchor,
 * DESIGN §4.1), and anchor.queued|confirmed|failed on the bus. *out NULL
 * when anchoring is off. Exit code: NT_EXIT_USAGE with one line. */
int nt_agent_anchor_start(nt_agent_anchor **out, const nt_agent_anchor_config *cfg);
/* An engine event: a service of ours established (probing won). */
void nt_agent_anchor_event(nt_agent_anchor *an, const nt_mdns_event *ev);
/* The runner's timer: follows p's established services; true if id was
 * anchoring's. */
bool nt_agent_anchor_timer(nt_agent_anchor *an, const nt_agent_pubs *p, uint64_t id);
/* SIGHUP: anchoring goes on as it is; says so if [chain] changed. */
void nt_agent_anchor_reload(const nt_conf *old, const nt_conf *c);
/* Stops the worker (before the bus it publishes on). NULL ignored. */
void nt_agent_anchor_stop(nt_agent_anchor *an);
struct nt_pub_anchor;
/* The anchoring worker (the one writer of the state's outbox) and what it
 * anchors with: the state directory and the chain id. NULL when an is. */
struct nt_pub_anchor *nt_agent_anchor_worker(const nt_agent_anchor *an, const char **state,
                                             uint64_t *chain_id);

/* --- trust from the chain (agent_chain.c) --- */

#define NT_AGENT_CHAIN_TIMER 20u /* the runner timer id the chain's poll uses */
#define NT_AGENT_CHAIN_POLL_MS 1000u /* answers and stale bindings, besides the
                                        worker's wake-ups (as browse --rpc) */

/* [chain] rpc-url and registry are both set: the trust hooks keep what the
 * chain says and the agent judges with it (DESIGN §1.5, §8.1). */
bool nt_agent_chain_wanted(const nt_conf *c);
/* Starts the reader of the chain for hooks (created with chain support)
 * when c wants it (*out NULL otherwise; one of rpc-url and registry alone
 * is one warning). Exit code: NT_EXIT_USAGE with one line. */
int nt_agent_chain_start(struct nt_chain_view **out, const nt_conf *c, nt_trust_hooks *hooks);
/* SIGHUP: the reader keeps its node and registry; says so if they changed. */
void nt_agent_chain_reload(const nt_conf *old, const nt_conf *c);
/* Says how many reads failed, stops the worker. NULL ignored. */
void nt_agent_chain_stop(struct nt_chain_view *v);

/* True if query is one of b's browses (a configured or enumerated type). */
bool nt_agent_browse_owns(const nt_agent_browse *b, nt_mdns_query_id query);

/* --- the daemon (agent_daemon.c) --- */

/* Runs the agent until SIGTERM/SIGINT. Exit code: 0 after a clean stop,
 * 2 for a bad configuration or unusable keys (one line on stderr), 1 when
 * the network cannot be used. */
int nt_agent_run(const nt_agent_opts *o);

#endif
