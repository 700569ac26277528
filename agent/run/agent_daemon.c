/* nautilus agent: the daemon on the runner (agent.h, DESIGN §8.1). */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "agent_ctl.h"
#include "chain_view.h"
#include "cli.h"
#include "nautilus/codec.h"
#include "nautilus/crypto.h"
#include "nautilus/log.h"
#include "core/lazy.h"
#include "nautilus/mem.h"
#include "trust_cli.h"

typedef struct agent {
    const nt_agent_opts *o;
    nt_conf *conf;
    nt_runner *r;
    nt_trust_signer signer;
    bool signing;
    nt_trust_hooks *hooks;
    nt_trust_store *store;
    nt_agent_pubs pubs;
    nt_agent_browse browse;
    nt_agent_ctl *ctl; /* the control socket (agent_ctl.h) */
    int hup_fd;
    char host[NT_MDNS_NAME_MAX];
    nt_bus_pub *bus; /* [bus] endpoint: the trust-event bus (agent_bus.c) */
    nt_agent_anchor *anchor; /* [chain] anchor = yes (agent_anchor.c) */
    nt_chain_view *chain; /* [chain] rpc-url and registry: trust (agent_chain.c) */
} agent;

/* Keys live in the state directory; the first start creates them, every
 * later one (a restart, after SIGKILL too) loads the same ones (DESIGN §3). */
static int load_keys(agent *a)
{
    char dir[NT_CONF_PATH_MAX], hex[65];
    const char *which = NULL;
    nt_identity id;
    nt_dns_name host;
    nt_status st;

    if (a->conf->state_dir[0])
        snprintf(dir, sizeof dir, "%s", a->conf->state_dir);
    else if (nt_state_dir_default(dir, sizeof dir) != NT_OK)
        return nt_cli_usage_error("agent: no state directory: set state-directory or --state");
    st = nt_identity_load(&id, dir, &which);
    if (st == NT_ERR_CRYPTO_KEY_MISSING || st == NT_ERR_CRYPTO_STATE_DIR) {
        st = nt_identity_create(&id, dir, false);
        if (st == NT_OK)
            NT_LOGI("agent", "created keys in %s", dir);
    }
    if (st != NT_OK)
        return nt_cli_usage_error("agent: cannot use keys in %s%s%s: %s", dir, which ? "/" : "",
                                  which ? which : "", nt_strerror(st));
    st = nt_dns_name_from_str(&host, a->host);
    if (st == NT_OK)
        nt_trust_signer_init(&a->signer, &id.sign, &host, 0);
    nt_identity_wipe(&id);
    if (st != NT_OK)
        return nt_cli_usage_error("agent: bad host name '%s'", a->host);
    a->signing = true;
    if (nt_hex_encode(hex, sizeof hex, a->signer.key_digest, 32) == NT_OK)
        NT_LOGI("agent", "signing as %s key %s", a->host, hex);
    return NT_EXIT_OK;
}

static int start_trust(agent *a)
{
    const char *vks[NT_CONF_VKS_MAX];
    const nt_conf *c = a->conf;
    size_t i;
    for (i = 0; i < c->n_zk_vks; i++)
        vks[i] = c->zk_vks[i];
    return nt_cli_trust_start_signed("agent", &a->hooks, &a->store,
                                     c->sign ? &a->signer : NULL, c->checks_per_source,
                                     c->checks_total,
                                     c->trust_store[0] ? c->trust_store : NULL,
                                     c->tofu_store[0] ? c->tofu_store : NULL, vks, c->n_zk_vks,
                                     nt_agent_chain_wanted(c));
}

static void configure(void *ctx, nt_mdns_config *mc)
{
    agent *a = ctx;
    const nt_conf *c = a->conf;
    nt_trust_hooks_install(a->hooks, mc);
    if (c->cache_records)
        mc->cache_cap = c->cache_records;
    if (c->max_services)
        mc->max_services = c->max_services;
    if (c->max_queries)
        mc->max_queries = c->max_queries;
    if (c->packets_per_sec)
        mc->packets_per_sec = c->packets_per_sec;
    /* A long-running agent is where predictive refresh pays (DESIGN §7.2). */
    mc->predict_per_min = c->predict_per_min;
}

/* An event as the chain makes it (or as heard, without a chain): on the
 * bus, to anchoring, to the log and name claims. */
static void judged(void *ctx, const nt_mdns_event *ev)
{
    agent *a = ctx;
    nt_agent_bus_event(a->bus, a->hooks, a->chain, a->r, ev, a->conf);
    nt_agent_anchor_event(a->anchor, ev);
    if (ev->kind >= NT_MDNS_EV_PUBLISH_PROBING)
        nt_agent_pubs_event(&a->pubs, a->r, ev);
    else
        nt_agent_browse_event(&a->browse, a->r, ev);
}

static void on_event(void *ctx, nt_runner *r, const nt_mdns_event *ev)
{
    agent *a = ctx;
    if (nt_agent_ctl_event(a->ctl, ev))
        return; /* a browse through the socket judges its own (ctl_browse.c) */
    nt_chain_view_pass(a->chain, ev, nt_runner_now(r), judged, a);
}

/* An instance whose judgement the chain's answer changed, reported again
 * (kind UPDATED) where its query's events go: a browse through the socket,
 * or the bus for the agent's own browses (a query since ended: nowhere). */
static void chain_again(void *ctx, const nt_mdns_event *ev)
{
    agent *a = ctx;
    if (nt_agent_ctl_event(a->ctl, ev))
        return;
    if (nt_agent_browse_owns(&a->browse, ev->query))
        nt_chain_view_pass(a->chain, ev, nt_runner_now(a->r), judged, a);
}

static void chain_poll(agent *a)
{
    nt_chain_view_poll(a->chain, nt_runner_now(a->r), chain_again, a);
    nt_agent_ctl_chain_polled(a->ctl);
}

/* The chain's worker has answers. */
static void on_chain_fd(void *ctx, nt_net_loop *loop, int fd, short events)
{
    (void)loop;
    (void)fd;
    (void)events;
    chain_poll(ctx);
}

static void on_timer(void *ctx, nt_runner *r, uint64_t id)
{
    agent *a = ctx;
    if (id == NT_AGENT_CTL_TIMER && a->ctl)
        nt_agent_ctl_timer(a->ctl);
    if (id == NT_AGENT_CHAIN_TIMER && a->chain) {
        chain_poll(a);
        if (nt_runner_timer_set(r, id, nt_runner_now(r) + NT_AGENT_CHAIN_POLL_MS) != NT_OK)
            NT_LOGW("agent", "chain poll timer not set");
    }
    (void)nt_agent_anchor_timer(a->anchor, &a->pubs, id);
}

/* The control socket, before dropping root (its file goes to the user). */
static int start_ctl(agent *a)
{
    char why[NT_CONF_PATH_MAX + 200];
    nt_status st = nt_agent_ctl_open(&a->ctl, a->r, a->conf, a->conf->state_dir, why, sizeof why);
    /* Only a configured socket is a must: at the default place another
     * agent may be listening already (the commands then use that one). */
    if (st != NT_OK && !a->conf->control_socket[0]) {
        NT_LOGW("agent", "running without a control socket: %s", why);
        return NT_EXIT_OK;
    }
    if (st != NT_OK)
        return nt_cli_fail(NT_EXIT_NEGATIVE, "agent: %s", why);
    return NT_EXIT_OK;
}

/* After the sockets are bound, as avahi-daemon does: supplementary groups,
 * then the group, then the user; and a check that root cannot come back. */
static int drop_privileges(const char *user)
{
    struct passwd *pw;
    if (!user[0] || geteuid() != 0)
        return NT_EXIT_OK;
    errno = 0;
    pw = getpwnam(user);
    if (!pw)
        return nt_cli_usage_error("agent: no user '%s'", user);
    if (initgroups(user, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
        setuid(pw->pw_uid) != 0)
        return nt_cli_fail(NT_EXIT_USAGE, "agent: cannot become user '%s': %s", user,
                           strerror(errno));
    if (pw->pw_uid != 0 && setuid(0) == 0)
        return nt_cli_fail(NT_EXIT_USAGE, "agent: root could be regained after dropping it");
    NT_LOGI("agent", "running as %s (uid %u)", user, (unsigned)pw->pw_uid);
    return NT_EXIT_OK;
}

/* Settings a reload cannot change in a running process: said once. */
static void warn_restart_only(const nt_conf *old, const nt_conf *c)
{
    if (memcmp(old->ifnames, c->ifnames, sizeof c->ifnames) != 0 ||
        old->n_ifnames != c->n_ifnames || strcmp(old->host_name, c->host_name) != 0 ||
        strcmp(old->state_dir, c->state_dir) != 0 || strcmp(old->user, c->user) != 0 ||
        old->ipv4 != c->ipv4 || old->ipv6 != c->ipv6 || old->sign != c->sign ||
        strcmp(old->trust_store, c->trust_store) != 0 ||
        strcmp(old->tofu_store, c->tofu_store) != 0 || old->n_zk_vks != c->n_zk_vks ||
        old->cache_records != c->cache_records || old->max_services != c->max_services ||
        old->max_queries != c->max_queries || old->packets_per_sec != c->packets_per_sec ||
        old->checks_per_source != c->checks_per_source || old->checks_total != c->checks_total ||
        strcmp(old->control_socket, c->control_socket) != 0 ||
        strcmp(old->control_group, c->control_group) != 0)
        NT_LOGW("agent", "reload: interfaces, host name, state, user, address families, "
                "signing, trust files, limits and the control socket change at the next "
                "restart only");
}

static void notify(const char *state)
{
    int rc;
    /* libsystemd is opened on first use, and only under a service manager. */
    if (getenv("NOTIFY_SOCKET") == NULL || nt_lazy_ready(&nt_lazy_systemd) != NT_OK)
        return;
    rc = sd_notify(0, state);
    if (rc < 0)
        NT_LOGD("agent", "sd_notify: %s", strerror(-rc));
}

/* SIGHUP: a new configuration, or the old one kept (logged) if it is bad.
 * Services that did not change stay announced: no goodbye goes out. */
static void reload(agent *a)
{
    char why[NT_CONF_PATH_MAX + 256], msg[64];
    nt_conf *c = NULL;
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    snprintf(msg, sizeof msg, "RELOADING=1\nMONOTONIC_USEC=%llu",
             (unsigned long long)ts.tv_sec * 1000000ull + (unsigned long long)ts.tv_nsec / 1000u);
    notify(msg);
    if (nt_agent_config_build(&c, a->o, why, sizeof why) != NT_OK) {
        NT_LOGE("agent", "reload refused: %s; keeping the old configuration", why);
        notify("READY=1\nSTATUS=reload refused; old configuration kept");
        return;
    }
    NT_LOGI("agent", "reloading the configuration");
    nt_agent_log_setup(c);
    warn_restart_only(a->conf, c);
    nt_agent_bus_reload(a->conf, c);
    nt_agent_anchor_reload(a->conf, c);
    nt_agent_chain_reload(a->conf, c);
    nt_agent_pubs_sync(&a->pubs, a->r, c);
    nt_agent_browse_sync(&a->browse, a->r, c);
    nt_conf_destroy(a->conf);
    a->conf = c;
    notify("READY=1\nSTATUS=running");
}

static void on_hup(void *ctx, nt_net_loop *loop, int fd, short events)
{
    agent *a = ctx;
    struct signalfd_siginfo si;
    bool hup = false;
    (void)loop;
    (void)events;
    while (read(fd, &si, sizeof si) == (ssize_t)sizeof si)
        hup = hup || si.ssi_signo == SIGHUP;
    if (hup)
        reload(a);
}

/* SIGHUP is read from a signalfd in the runner's loop, so the reload runs
 * as ordinary loop code (SIGINT and SIGTERM are the runner's). */
static int catch_hup(agent *a)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    if (sigprocmask(SIG_BLOCK, &set, NULL) != 0 ||
        (a->hup_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0 ||
        nt_runner_add_fd(a->r, a->hup_fd, on_hup, a) != NT_OK)
        return nt_cli_fail(NT_EXIT_NEGATIVE, "agent: cannot catch SIGHUP: %s", strerror(errno));
    return NT_EXIT_OK;
}

static int start_runner(agent *a)
{
    nt_runner_config rc;
    char why[200];
    size_t i;
    nt_status st;

    memset(&rc, 0, sizeof rc);
    for (i = 0; i < a->conf->n_ifnames; i++)
        rc.ifnames[i] = a->conf->ifnames[i];
    rc.n_ifnames = a->conf->n_ifnames;
    rc.host_name = a->host;
    rc.no_ipv4 = !a->conf->ipv4;
    rc.no_ipv6 = !a->conf->ipv6;
    rc.on_event = on_event;
    rc.on_timer = on_timer;
    rc.configure = configure;
    rc.ctx = a;
    st = nt_runner_create(&a->r, &rc, why, sizeof why);
    if (st != NT_OK)
        return nt_cli_fail(NT_EXIT_USAGE, "agent: cannot start mDNS: %s", why);
    return NT_EXIT_OK;
}

/* After the bus (its events go there) and after dropping root (the log
 * and the outbox are the run user's files). */
static int start_anchor(agent *a)
{
    nt_agent_anchor_config ac;
    memset(&ac, 0, sizeof ac);
    ac.conf = a->conf;
    ac.host = a->host;
    ac.signer = &a->signer;
    ac.hooks = a->hooks;
    ac.runner = a->r;
    ac.bus = a->bus;
    return nt_agent_anchor_start(&a->anchor, &ac);
}

/* The reader of the chain, after SIGHUP is blocked (its worker thread
 * inherits the mask), watched and polled in the loop; the browses through
 * the socket judge with it too. */
static int start_chain(agent *a)
{
    int code = nt_agent_chain_start(&a->chain, a->conf, a->hooks);
    if (code != NT_EXIT_OK || !a->chain)
        return code;
    if (nt_runner_add_fd(a->r, nt_chain_view_fd(a->chain), on_chain_fd, a) != NT_OK ||
        nt_runner_timer_set(a->r, NT_AGENT_CHAIN_TIMER,
                            nt_runner_now(a->r) + NT_AGENT_CHAIN_POLL_MS) != NT_OK)
        return nt_cli_fail(NT_EXIT_USAGE, "agent: cannot watch the chain reader");
    nt_agent_ctl_set_chain(a->ctl, a->chain);
    return NT_EXIT_OK;
}

static int start(agent *a)
{
    char label[NT_CONF_LABEL_MAX];
    int code;
    if (!a->conf->ipv4 && !a->conf->ipv6)
        return nt_cli_usage_error("agent: ipv4 and ipv6 are both off");
    nt_agent_host_label(label, sizeof label, a->conf);
    if (nt_runner_host_name(a->host, sizeof a->host, label) != NT_OK)
        return nt_cli_usage_error("agent: bad host name '%s'", label);
    if ((code = load_keys(a)) != NT_EXIT_OK || (code = start_trust(a)) != NT_EXIT_OK ||
        (code = start_runner(a)) != NT_EXIT_OK || (code = start_ctl(a)) != NT_EXIT_OK ||
        (code = catch_hup(a)) != NT_EXIT_OK ||
        /* after SIGHUP is blocked: the bus's threads inherit the mask */
        (code = nt_agent_bus_start(&a->bus, a->conf, label)) != NT_EXIT_OK ||
        (code = drop_privileges(a->conf->user)) != NT_EXIT_OK)
        return code;
    if ((code = start_anchor(a)) != NT_EXIT_OK || (code = start_chain(a)) != NT_EXIT_OK)
        return code;
    {
        const char *state = NULL;
        uint64_t chain_id = 0;
        struct nt_pub_anchor *pa = nt_agent_anchor_worker(a->anchor, &state, &chain_id);
        nt_agent_ctl_set_anchor(a->ctl, pa, state, chain_id);
    }
    a->pubs.hooks = a->conf->sign ? a->hooks : NULL;
    a->pubs.signer = a->conf->sign ? &a->signer : NULL;
    nt_agent_pubs_sync(&a->pubs, a->r, a->conf);
    nt_agent_ctl_start_publish(a->ctl, &a->pubs, a->hooks);
    nt_agent_browse_sync(&a->browse, a->r, a->conf);
    return NT_EXIT_OK;
}

int nt_agent_run(const nt_agent_opts *o)
{
    static agent a; /* large (the published set); one agent per process */
    char why[NT_CONF_PATH_MAX + 256];
    int code;
    nt_status st;

    memset(&a, 0, sizeof a);
    a.o = o;
    a.hup_fd = -1;
    if (nt_agent_config_build(&a.conf, o, why, sizeof why) != NT_OK)
        return nt_cli_usage_error("%s", why);
    nt_agent_log_setup(a.conf);
    code = start(&a);
    if (code == NT_EXIT_OK) {
        NT_LOGI("agent", "started as %s", a.host);
        notify("READY=1\nSTATUS=running");
        st = nt_runner_run(a.r);
        notify("STOPPING=1");
        nt_agent_anchor_stop(a.anchor); /* before the bus it publishes on */
        a.anchor = NULL;
        nt_agent_bus_stop(a.bus);
        a.bus = NULL;
        if (st != NT_OK)
            code = nt_cli_fail(NT_EXIT_NEGATIVE, "agent: %s", nt_strerror(st));
        else
            NT_LOGI("agent", "stopped; goodbyes sent");
    }
    nt_agent_ctl_close(a.ctl);
    nt_agent_anchor_stop(a.anchor);
    nt_agent_bus_stop(a.bus);
    nt_runner_destroy(a.r);
    nt_agent_chain_stop(a.chain); /* it borrows the hooks */
    if (a.hup_fd >= 0)
        close(a.hup_fd);
    nt_trust_hooks_destroy(a.hooks);
    nt_trust_store_destroy(a.store);
    if (a.signing)
        nt_trust_signer_cleanup(&a.signer);
    nt_conf_destroy(a.conf);
    return code;
}
