/* nautilus agent: anchoring its signed services on chain (agent.h, DESIGN
 * §4.1, §8.1) with the worker publish --anchor uses (publish_anchor.h), and
 * the worker's progress on the bus as anchor.queued|confirmed|failed
 * (DESIGN §6.2). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "agent.h"
#include "chain_view.h"
#include "cli.h"
#include "ledger_cli.h"
#include "nautilus/crypto.h"
#include "nautilus/log.h"
#include "nautilus/mem.h"
#include "publish_anchor.h"
#include "svc_format.h"

#define EST_MAX (2u * NT_CONF_SERVICES_MAX) /* old and new version of each */
#define SETTLE_MS 1000u

struct nt_agent_anchor {
    nt_pub_anchor *pa;
    nt_pub_anchor_opts opts;
    char rpc[NT_CONF_PATH_MAX];     /* copies: the configuration is replaced on SIGHUP */
    char profile[NT_CONF_LABEL_MAX];
    char state[NT_CONF_PATH_MAX];
    char host[NT_MDNS_NAME_MAX];
    nt_bus_pub *bus;                /* borrowed; NULL: no bus */
    nt_runner *r;
    /* Services the engine reports established (probing won), and when: a
     * version is taken only SETTLE_MS after, once its records are signed
     * (a changed service's new records replace the old version's under
     * the same name; taken earlier, the old leaf would be anchored onto
     * the new records). */
    struct {
        nt_mdns_service_id id;
        uint64_t at;
    } est[EST_MAX];
    size_t n_est;
};

/* The metadata TXT the daemon publishes with every signed service. */
static const uint8_t META_V1[] = {3, 'v', '=', '1'};

static const char *kind_name(nt_pub_anchor_kind k)
{
    return k == NT_PUB_ANCHOR_QUEUED ? "queued" : k == NT_PUB_ANCHOR_CONFIRMED ? "confirmed"
                                                                               : "failed";
}

static nt_bus_topic kind_topic(nt_pub_anchor_kind k)
{
    return k == NT_PUB_ANCHOR_QUEUED      ? NT_BUS_ANCHOR_QUEUED
           : k == NT_PUB_ANCHOR_CONFIRMED ? NT_BUS_ANCHOR_CONFIRMED
                                          : NT_BUS_ANCHOR_FAILED;
}

/* The event's body (DESIGN §6.2): what was checkpointed, and where it
 * landed or why not. */
static nt_status event_json(nt_dynbuf *d, const nt_agent_anchor *an, const nt_pub_anchor_event *ev)
{
    char log[67], root[67], tx[67], block_hash[67];
    nt_status st;
    nt_ledger_hex(log, ev->log_id, 32);
    nt_ledger_hex(root, ev->root, 32);
    st = nt_dynbuf_addf(d, "{\"event\":\"%s\",\"host\":", kind_name(ev->kind));
    if (st == NT_OK)
        st = nt_svc_json_str(d, an->host, strlen(an->host));
    if (st == NT_OK)
        st = nt_dynbuf_addf(d, ",\"log\":\"%s\",\"size\":%" PRIu64 ",\"root\":\"%s\"", log + 2,
                            ev->size, root + 2);
    if (st == NT_OK && ev->kind == NT_PUB_ANCHOR_QUEUED)
        st = nt_dynbuf_addf(d, ",\"outbox\":%" PRId64, ev->outbox_id);
    if (st == NT_OK && ev->kind == NT_PUB_ANCHOR_CONFIRMED) {
        nt_ledger_hex(tx, ev->tx, 32);
        nt_ledger_hex(block_hash, ev->block_hash, 32);
        st = nt_dynbuf_addf(d,
                            ",\"outbox\":%" PRId64 ",\"block\":%" PRIu64
                            ",\"block_hash\":\"%s\",\"tx\":\"%s\",\"confirmations\":%u",
                            ev->outbox_id, ev->block, block_hash, tx,
                            (unsigned)ev->confirmations);
    }
    if (st == NT_OK && ev->kind == NT_PUB_ANCHOR_FAILED)
        st = nt_svc_json_field(d, "reason", ev->reason, strlen(ev->reason));
    if (st == NT_OK)
        st = nt_dynbuf_add_str(d, "}");
    return st;
}

/* On the worker thread: the log and the bus (whose publisher has its own
 * lock). */
static void on_anchor(void *ctx, const nt_pub_anchor_event *ev)
{
    nt_agent_anchor *an = ctx;
    nt_dynbuf d;
    nt_status st;
    if (ev->kind == NT_PUB_ANCHOR_FAILED)
        NT_LOGW("agent", "anchor: checkpoint of size %" PRIu64 " failed: %s", ev->size,
                ev->reason);
    else if (ev->kind == NT_PUB_ANCHOR_CONFIRMED)
        NT_LOGI("agent", "anchor: checkpoint of size %" PRIu64 " confirmed in block %" PRIu64,
                ev->size, ev->block);
    if (!an->bus)
        return;
    nt_dynbuf_init(&d, 512);
    st = event_json(&d, an, ev);
    if (st == NT_OK)
        st = nt_bus_pub_publish(an->bus, kind_topic(ev->kind), NULL, (const char *)d.data, d.len);
    if (st != NT_OK)
        NT_LOGW("bus", "anchor.%s not published: %s", kind_name(ev->kind), nt_strerror(st));
    nt_dynbuf_cleanup(&d);
}

/* [chain] into the options publish --anchor takes (its checks and defaults). */
static int make_opts(nt_agent_anchor *an, const nt_conf *c)
{
    nt_pub_anchor_opts *o = &an->opts;
    if (!c->sign)
        return nt_cli_usage_error("agent: [chain] anchor needs sign = yes (the log is the key's)");
    if (!c->rpc_url[0] || !c->registry[0])
        return nt_cli_usage_error("agent: [chain] anchor needs rpc-url and registry");
    memset(o, 0, sizeof *o);
    o->on = true;
    snprintf(an->rpc, sizeof an->rpc, "%s", c->rpc_url);
    o->rpc = an->rpc;
    if (nt_chain_view_parse_address(o->registry, c->registry) != NT_OK)
        return nt_cli_usage_error("agent: [chain] registry: bad address '%s'", c->registry);
    o->has_registry = true;
    if (c->chain_profile[0]) {
        snprintf(an->profile, sizeof an->profile, "%s", c->chain_profile);
        o->profile = an->profile;
    }
    o->chain_id = c->chain_id;
    o->confirmations = c->confirmations;
    o->every = c->anchor_every ? c->anchor_every : NT_PUB_ANCHOR_EVERY_DEFAULT;
    o->interval_s = c->anchor_interval ? c->anchor_interval : NT_PUB_ANCHOR_INTERVAL_DEFAULT;
    if (c->state_dir[0])
        snprintf(an->state, sizeof an->state, "%s", c->state_dir);
    else if (nt_state_dir_default(an->state, sizeof an->state) != NT_OK)
        return nt_cli_usage_error("agent: no state directory: set state-directory or --state");
    return NT_EXIT_OK;
}

int nt_agent_anchor_start(nt_agent_anchor **out, const nt_agent_anchor_config *cfg)
{
    nt_agent_anchor *an;
    nt_pub_anchor_config pc;
    int code;

    *out = NULL;
    if (!cfg->conf->anchor) {
        if (cfg->conf->anchor_every || cfg->conf->anchor_interval)
            NT_LOGW("agent", "[chain] anchor-every/anchor-interval without anchor = yes: "
                    "nothing is anchored");
        return NT_EXIT_OK;
    }
    if (!(an = nt_calloc(1, sizeof *an)))
        return nt_cli_fail(NT_EXIT_USAGE, "agent: %s", nt_strerror(NT_ERR_NOMEM));
    if ((code = make_opts(an, cfg->conf)) != NT_EXIT_OK) {
        nt_free(an);
        return code;
    }
    snprintf(an->host, sizeof an->host, "%s", cfg->host);
    an->bus = cfg->bus;
    an->r = cfg->runner;
    memset(&pc, 0, sizeof pc);
    pc.opts = &an->opts;
    pc.state = an->state;
    pc.signer = cfg->signer;
    pc.hooks = cfg->hooks;
    pc.runner = cfg->runner;
    pc.meta = META_V1;
    pc.meta_len = sizeof META_V1;
    pc.on_event = on_anchor;
    pc.ctx = an;
    pc.log_only = true;
    code = nt_pub_anchor_start(&an->pa, &pc);
    if (code != NT_EXIT_OK) {
        nt_agent_anchor_stop(an);
        return code;
    }
    NT_LOGI("agent", "anchoring on %s (registry %s): a checkpoint every %u leaves or %u s",
            an->rpc, cfg->conf->registry, (unsigned)an->opts.every,
            (unsigned)an->opts.interval_s);
    *out = an;
    return NT_EXIT_OK;
}

void nt_agent_anchor_event(nt_agent_anchor *an, const nt_mdns_event *ev)
{
    size_t i;
    if (!an || ev->kind != NT_MDNS_EV_PUBLISH_ESTABLISHED)
        return;
    for (i = 0; i < an->n_est; i++)
        if (an->est[i].id == ev->service)
            return;
    if (an->n_est == EST_MAX) { /* the oldest goes (its service is long gone) */
        memmove(&an->est[0], &an->est[1], (EST_MAX - 1) * sizeof an->est[0]);
        an->n_est--;
    }
    an->est[an->n_est].id = ev->service;
    an->est[an->n_est].at = nt_runner_now(an->r);
    an->n_est++;
}

/* Established at least SETTLE_MS ago. */
static bool settled(const nt_agent_anchor *an, nt_mdns_service_id id, uint64_t now)
{
    size_t i;
    for (i = 0; i < an->n_est; i++)
        if (an->est[i].id == id)
            return now >= an->est[i].at + SETTLE_MS;
    return false;
}

bool nt_agent_anchor_timer(nt_agent_anchor *an, const nt_agent_pubs *p, uint64_t id)
{
    uint64_t now;
    size_t i;
    if (!an || id != NT_PUB_ANCHOR_TIMER)
        return false;
    now = nt_runner_now(an->r);
    /* The published set changes with reloads and withdrawals: follow it. */
    for (i = 0; i < p->n; i++) {
        const nt_agent_pub *pub = &p->items[i];
        if (pub->waiting || !settled(an, pub->id, now))
            continue;
        if (nt_pub_anchor_follow(an->pa, pub->id, pub->svc.instance, pub->svc.type) != NT_OK)
            NT_LOGW("agent", "anchor: \"%s\" not followed", pub->svc.instance);
    }
    nt_pub_anchor_prune(an->pa);
    return nt_pub_anchor_timer(an->pa, id);
}

void nt_agent_anchor_reload(const nt_conf *old, const nt_conf *c)
{
    if (old->anchor != c->anchor || strcmp(old->rpc_url, c->rpc_url) != 0 ||
        strcmp(old->registry, c->registry) != 0 ||
        strcmp(old->chain_profile, c->chain_profile) != 0 || old->chain_id != c->chain_id ||
        old->confirmations != c->confirmations || old->anchor_every != c->anchor_every ||
        old->anchor_interval != c->anchor_interval)
        NT_LOGW("agent", "reload: anchoring keeps its log, outbox and [chain] settings; "
                "[chain] changes apply at the next restart");
}

void nt_agent_anchor_stop(nt_agent_anchor *an)
{
    if (!an)
        return;
    nt_pub_anchor_stop(an->pa);
    nt_free(an);
}

nt_pub_anchor *nt_agent_anchor_worker(const nt_agent_anchor *an, const char **state,
                                      uint64_t *chain_id)
{
    if (!an)
        return NULL;
    *state = an->state;
    *chain_id = an->opts.chain_id ? an->opts.chain_id : 1; /* as the worker's session */
    return an->pa;
}
