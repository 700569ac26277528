/* agent/run/browse_run.c - one browse of a DNS-SD service type (RFC 6763
 * §4) on the runner: every event judged by the trust hooks, the chain's
 * word (--rpc), proofs that verify later (--zk-vk), --require, rejections
 * grouped (reject_agg.h); each event shown goes out through the caller's
 * emit function (browse_out.c formats it), and on the bus. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "browse_priv.h"
#include "cli.h"
#include "nautilus/log.h"
#include "nautilus/mem.h"
#include "stats_out.h"

enum { TIMER_DEADLINE = 1, TIMER_ZK = 2, TIMER_REJECT = 3, TIMER_CHAIN = 4 };

/* --rpc: how often answers and stale bindings are looked at besides the
 * worker's wake-ups (re-reading a binding itself waits for its age). */
#define CHAIN_POLL_MS 1000u

/* --zk-vk: how often instances waiting for their proof are looked at. */
#define ZK_POLL_MS 250u

static size_t pending_find(const browse_state *bs, const nt_mdns_event *ev)
{
    size_t i;
    for (i = 0; i < bs->npending; i++)
        if (strcmp(bs->pending[i]->instance, ev->instance) == 0 &&
            strcmp(bs->pending[i]->type, ev->type) == 0 &&
            strcmp(bs->pending[i]->domain, ev->domain) == 0)
            return i;
    return SIZE_MAX;
}

static void pending_del(browse_state *bs, size_t at)
{
    nt_free(bs->pending[at]);
    bs->pending[at] = bs->pending[--bs->npending];
}

/* Keeps (a copy of) the newest event of a trusted instance without proof. */
static void pending_keep(browse_state *bs, const nt_mdns_event *ev)
{
    size_t at = pending_find(bs, ev);
    if (at == SIZE_MAX) {
        nt_mdns_event *copy;
        if (bs->npending == ZK_PENDING_MAX || !(copy = nt_malloc(sizeof *copy)))
            return;
        at = bs->npending++;
        bs->pending[at] = copy;
    }
    *bs->pending[at] = *ev;
}

static void install_hooks(void *ctx, nt_mdns_config *mc)
{
    browse_state *bs = ctx;
    nt_trust_hooks_install(bs->hooks, mc);
}

static size_t shown_find(const browse_state *bs, const char *key)
{
    size_t i;
    for (i = 0; i < bs->nshown; i++)
        if (strcmp(bs->shown[i], key) == 0)
            return i;
    return SIZE_MAX;
}

/* The instance's verified proof, if it has one and is trusted (with the
 * chain's word: --rpc). */
static bool instance_zk(const browse_state *bs, nt_runner *r, const nt_mdns_event *ev,
                        nt_trust_zk_info *out)
{
    return nt_chain_view_zk_verified(bs->hooks, ev, nt_browse_effective_trust(bs, ev),
                                     nt_runner_now(r), out);
}

/* A rejected metadata record (_nautilus.<instance>) is reported under its
 * instance: the engine names it by its first label. */
static void meta_event_fix(nt_mdns_event *ev)
{
    char inst[sizeof ev->instance], type[sizeof ev->type], domain[sizeof ev->domain];
    const char *dot, *dot2;
    int n;
    /* type is "<instance>.<_svc>", domain "<_proto>.<domain>" */
    if (strcmp(ev->instance, NT_TRUST_META_LABEL) != 0 || !(dot = strrchr(ev->type, '.')) ||
        !(dot2 = strchr(ev->domain, '.')) || (size_t)(dot - ev->type) >= sizeof inst)
        return;
    memcpy(inst, ev->type, (size_t)(dot - ev->type));
    inst[dot - ev->type] = 0;
    n = snprintf(type, sizeof type, "%s.%.*s", dot + 1, (int)(dot2 - ev->domain), ev->domain);
    if (n < 0 || (size_t)n >= sizeof type)
        return;
    snprintf(domain, sizeof domain, "%s", dot2 + 1);
    memcpy(ev->instance, inst, sizeof inst);
    memcpy(ev->type, type, sizeof type);
    memcpy(ev->domain, domain, sizeof domain);
}

/* --require: decides whether an event is shown, keeping the set of shown
 * instances so that an instance is reported removed only if it was shown. */
bool nt_browse_policy_allows(browse_state *bs, const nt_mdns_event *ev)
{
    char key[NT_MDNS_LABEL_MAX * 4 + NT_MDNS_NAME_MAX + 2];
    size_t at;
    snprintf(key, sizeof key, "%s\x1f%s", ev->instance, ev->type);
    at = shown_find(bs, key);
    if (ev->kind == NT_MDNS_EV_REJECTED)
        return true;
    if (ev->kind == NT_MDNS_EV_SERVICE_REMOVED) {
        if (at == SIZE_MAX)
            return false;
        nt_free(bs->shown[at]);
        bs->shown[at] = bs->shown[--bs->nshown];
        return true;
    }
    if ((nt_trust_level)ev->trust < bs->require)
        return false;
    if (at == SIZE_MAX && bs->nshown < SHOWN_MAX) {
        char *copy = nt_strdup(key);
        if (copy)
            bs->shown[bs->nshown++] = copy;
    }
    return true;
}
/* The aggregator shows a rejection (agent/run/reject_agg.h). */
static void show_rejected(void *ctx, const nt_mdns_event *ev, uint32_t count)
{
    browse_state *bs = ctx;
    nt_browse_print_event(bs, bs->runner, "rejected", '!', ev, NULL, count);
}

/* Wakes up when the next aggregated count is due. */
static void reject_timer_arm(browse_state *bs, nt_runner *r)
{
    uint64_t due;
    if (nt_reject_agg_next_due(bs->agg, &due) &&
        nt_runner_timer_set(r, TIMER_REJECT, due) != NT_OK)
        NT_LOGW("browse", "rejection timer not set: counts wait for the next rejection");
}

bool nt_browse_event_kind(const nt_mdns_event *ev, const char **kind, char *mark)
{
    switch (ev->kind) {
    case NT_MDNS_EV_SERVICE_ADDED:
        *kind = "added";
        *mark = '+';
        return true;
    case NT_MDNS_EV_SERVICE_UPDATED:
        *kind = "updated";
        *mark = '=';
        return true;
    case NT_MDNS_EV_SERVICE_REMOVED:
        *kind = "removed";
        *mark = '-';
        return true;
    case NT_MDNS_EV_REJECTED:
        *kind = "rejected";
        *mark = '!';
        return true;
    case NT_MDNS_EV_HOST_RESOLVED:
    case NT_MDNS_EV_HOST_REMOVED:
    case NT_MDNS_EV_TYPE_ADDED:
    case NT_MDNS_EV_TYPE_REMOVED:
    case NT_MDNS_EV_PUBLISH_PROBING:
    case NT_MDNS_EV_PUBLISH_ESTABLISHED:
    case NT_MDNS_EV_PUBLISH_CONFLICT:
    case NT_MDNS_EV_PUBLISH_WITHDRAWN:
    case NT_MDNS_EV_PUBLISH_FAILED:
    default:
        return false;
    }
}

/* --zk-vk: keeps trusted instances without a proof (yet), forgets the rest. */
static void zk_track(browse_state *bs, const nt_mdns_event *raw, bool zk)
{
    size_t at = pending_find(bs, raw);
    if (zk) {
        if (at != SIZE_MAX)
            pending_del(bs, at);
    } else if ((raw->kind == NT_MDNS_EV_SERVICE_ADDED ||
                raw->kind == NT_MDNS_EV_SERVICE_UPDATED) &&
               nt_browse_effective_trust(bs, raw) >= NT_TRUST_TRUSTED) {
        pending_keep(bs, raw);
    } else if (raw->kind != NT_MDNS_EV_REJECTED && at != SIZE_MAX) {
        pending_del(bs, at);
    }
}

const nt_mdns_event *nt_browse_zk_view(const browse_state *bs, nt_runner *r,
                                       const nt_mdns_event *raw, nt_mdns_event *fixed,
                                       nt_trust_zk_info *zi, bool *zk)
{
    *zk = false;
    /* zk-verified: trusted, and a proof bound to that key verified. */
    if (!instance_zk(bs, r, raw, zi) &&
        !(raw->kind == NT_MDNS_EV_REJECTED && strcmp(raw->instance, NT_TRUST_META_LABEL) == 0))
        return raw;
    *fixed = *raw;
    if (raw->kind == NT_MDNS_EV_REJECTED) {
        meta_event_fix(fixed);
    } else {
        fixed->trust = NT_TRUST_ZK_VERIFIED;
        *zk = true;
    }
    return fixed;
}

static void on_event(void *ctx, nt_runner *r, const nt_mdns_event *raw)
{
    browse_state *bs = ctx;
    const char *kind;
    char mark;
    static nt_mdns_event fixed; /* large: not on the stack */
    const nt_mdns_event *ev;
    nt_trust_zk_info zi;
    bool zk;

    if (!nt_browse_event_kind(raw, &kind, &mark))
        return;
    ev = nt_browse_zk_view(bs, r, raw, &fixed, &zi, &zk);
    if (bs->zk_on)
        zk_track(bs, raw, zk);
    if (bs->chain && ev->kind != NT_MDNS_EV_REJECTED) {
        static nt_mdns_event show, rej; /* large: not on the stack */
        unsigned flags = nt_chain_view_judge(bs->chain, ev, &show, &rej, nt_runner_now(r));
        if (flags & NT_CHAIN_VIEW_REJECT) {
            nt_reject_agg_add(bs->agg, &rej, nt_runner_now(r));
            reject_timer_arm(bs, r);
        }
        if (!(flags & NT_CHAIN_VIEW_SHOW))
            return;
        ev = &show;
    }
    if (!nt_browse_policy_allows(bs, ev))
        return;
    if (ev->kind == NT_MDNS_EV_REJECTED && bs->agg) {
        nt_reject_agg_add(bs->agg, ev, nt_runner_now(r));
        reject_timer_arm(bs, r);
        return;
    }
    /* Counted once shown: with --require, hidden instances are not found. */
    if (ev->kind == NT_MDNS_EV_SERVICE_ADDED || ev->kind == NT_MDNS_EV_SERVICE_UPDATED)
        bs->found++;
    nt_browse_print_event(bs, r, kind, mark, ev, zk ? &zi : NULL, 1);
}

/* Reports pending instances whose proof has verified since. */
static void zk_poll(browse_state *bs, nt_runner *r)
{
    uint64_t gen = nt_trust_hooks_zk_generation(bs->hooks);
    size_t i = 0;
    nt_trust_zk_info zi;
    if (gen != bs->zk_gen) {
        bs->zk_gen = gen;
        while (i < bs->npending) {
            nt_mdns_event *ev = bs->pending[i];
            if (!instance_zk(bs, r, ev, &zi)) {
                i++;
                continue;
            }
            bs->pending[i] = bs->pending[--bs->npending];
            ev->kind = NT_MDNS_EV_SERVICE_UPDATED;
            on_event(bs, r, ev);
            nt_free(ev);
        }
    }
    if (nt_runner_timer_set(r, TIMER_ZK, nt_runner_now(r) + ZK_POLL_MS) != NT_OK)
        NT_LOGW("browse", "proof poll timer not set");
}

static void chain_again(void *ctx, const nt_mdns_event *ev)
{
    browse_state *bs = ctx;
    on_event(bs, bs->runner, ev);
}

/* --rpc: the worker's answers, and anything gone stale. */
static void chain_poll(browse_state *bs)
{
    nt_chain_view_poll(bs->chain, nt_runner_now(bs->runner), chain_again, bs);
}

static void on_chain_fd(void *ctx, nt_net_loop *loop, int fd, short events)
{
    (void)loop;
    (void)fd;
    (void)events;
    chain_poll(ctx);
}

static void on_timer(void *ctx, nt_runner *r, uint64_t id)
{
    browse_state *bs = ctx;
    if (id == TIMER_CHAIN) {
        chain_poll(bs);
        if (nt_runner_timer_set(r, TIMER_CHAIN, nt_runner_now(r) + CHAIN_POLL_MS) != NT_OK)
            NT_LOGW("browse", "chain poll timer not set");
        return;
    }
    if (id == TIMER_DEADLINE) {
        nt_runner_stop(r, false);
    } else if (id == TIMER_ZK) {
        zk_poll(bs, r);
    } else if (id == TIMER_REJECT) {
        nt_reject_agg_tick(bs->agg, nt_runner_now(r));
        reject_timer_arm(bs, r);
    }
}

/* Starts the runner with the browse query and the timers. */
static int browse_start(browse_state *bs, nt_runner **r, const nt_browse_opts *o)
{
    nt_runner_config rc = o->rc;
    nt_mdns_query_config q;
    nt_mdns_query_id qid;
    char why[160];
    nt_status st = nt_reject_agg_create(&bs->agg, NT_REJECT_AGG_CAP, NT_REJECT_AGG_INTERVAL_MS,
                                        show_rejected, bs);
    if (st != NT_OK)
        return nt_cli_fail(NT_EXIT_USAGE, "browse: %s", nt_strerror(st));
    rc.configure = install_hooks;
    rc.on_event = on_event;
    rc.on_timer = on_timer;
    rc.ctx = bs;
    if (nt_runner_create(r, &rc, why, sizeof why) != NT_OK)
        return nt_cli_fail(NT_EXIT_USAGE, "browse: cannot start mDNS: %s", why);
    bs->runner = *r;
    memset(&q, 0, sizeof q);
    q.kind = NT_MDNS_Q_BROWSE;
    q.type = o->type;
    q.domain = "local";
    q.resolve = bs->resolve || bs->json;
    st = nt_mdns_query_add(nt_runner_engine(*r), &qid, &q, nt_runner_now(*r));
    if (st != NT_OK)
        return nt_cli_fail(NT_EXIT_USAGE, "browse: cannot browse '%s': %s", o->type,
                           nt_strerror(st));
    if (bs->chain && (nt_runner_add_fd(*r, nt_chain_view_fd(bs->chain), on_chain_fd, bs) != NT_OK ||
                      nt_runner_timer_set(*r, TIMER_CHAIN, nt_runner_now(*r) + CHAIN_POLL_MS) !=
                          NT_OK))
        return nt_cli_fail(NT_EXIT_USAGE, "browse: cannot watch the chain reader");
    bs->zk_on = o->n_vk > 0;
    if (bs->zk_on &&
        nt_runner_timer_set(*r, TIMER_ZK, nt_runner_now(*r) + ZK_POLL_MS) != NT_OK)
        return nt_cli_fail(NT_EXIT_USAGE, "browse: cannot set the proof poll timer");
    if (o->timeout >= 0 &&
        nt_runner_timer_set(*r, TIMER_DEADLINE,
                            nt_runner_now(*r) + (uint64_t)o->timeout * 1000u) != NT_OK)
        return nt_cli_fail(NT_EXIT_USAGE, "browse: cannot set the timeout");
    return NT_EXIT_OK;
}

/* What is said on the way out, however the run ended, then freed. */
static void browse_finish(browse_state *bs, nt_runner *r, nt_trust_store *store)
{
    /* Counts still pending are shown, so no rejection is missing from the
     * totals, however the run ended (timeout, signal, error). */
    if (r && bs->agg)
        nt_reject_agg_flush(bs->agg);
    /* After the last rejection line, so the counters cover every one. */
    if (r && bs->stats)
        nt_stats_out_print(nt_runner_engine(r), bs->hooks, bs->json);
    nt_reject_agg_destroy(bs->agg);
    nt_bus_pub_destroy(bs->bus);
    nt_runner_destroy(r);
    /* Counted, and said once more on the way out (DESIGN §1.5). */
    if (bs->chain && nt_chain_view_failures(bs->chain))
        fprintf(stderr, "browse: %llu reads of the chain failed\n",
                (unsigned long long)nt_chain_view_failures(bs->chain));
    nt_chain_view_destroy(bs->chain);
    nt_trust_hooks_destroy(bs->hooks);
    nt_trust_store_destroy(store);
    nt_browse_state_cleanup(bs);
    fflush(stdout);
}

void nt_browse_state_cleanup(browse_state *bs)
{
    while (bs->nshown)
        nt_free(bs->shown[--bs->nshown]);
    while (bs->npending)
        nt_free(bs->pending[--bs->npending]);
    nt_dynbuf_cleanup(&bs->line);
    nt_rank_store_close(&bs->rank);
}

/* Writes to standard output when the caller names no emit function. */
static void emit_stdout(void *ctx, const char *text, size_t len)
{
    (void)ctx;
    fwrite(text, 1, len, stdout);
    fflush(stdout);
}

void nt_browse_opts_init(nt_browse_opts *o)
{
    memset(o, 0, sizeof *o);
    o->topts.require = NT_TRUST_UNSIGNED;
    o->timeout = -1;
}

int nt_browse_run(const nt_browse_opts *o)
{
    browse_state bs;
    nt_runner *r = NULL;
    nt_trust_store *store = NULL;
    nt_status st;
    int code;

    memset(&bs, 0, sizeof bs);
    bs.json = o->json;
    bs.resolve = o->resolve;
    bs.stats = o->stats;
    bs.rank_dir = o->rank_dir;
    bs.emit = o->emit ? o->emit : emit_stdout;
    bs.emit_ctx = o->emit_ctx;
    if ((code = nt_cli_trust_chain_check("browse", &o->topts)) != NT_EXIT_OK)
        return code;
    nt_dynbuf_init(&bs.line, 64 * 1024);
    bs.require = o->topts.require;
    if (bs.json && (code = nt_rank_cli_load(&bs.rank, bs.rank_dir)) != NT_EXIT_OK)
        goto out;
    if ((code = nt_cli_trust_start("browse", &bs.hooks, &store, o->topts.trust_file,
                                   o->topts.tofu_file, o->vk_files, o->n_vk,
                                   o->topts.rpc != NULL)) != NT_EXIT_OK ||
        (code = nt_cli_chain_start("browse", &bs.chain, bs.hooks, &o->topts)) != NT_EXIT_OK ||
        (code = nt_bus_glue_start("browse", &o->bus, &bs.bus)) != NT_EXIT_OK ||
        (code = browse_start(&bs, &r, o)) != NT_EXIT_OK)
        goto out;
    st = nt_runner_run(r);
    if (st != NT_OK) {
        code = nt_cli_fail(NT_EXIT_NEGATIVE, "browse: %s", nt_strerror(st));
        goto out;
    }
    code = (o->timeout >= 0 && bs.found == 0) ? NT_EXIT_NEGATIVE : NT_EXIT_OK;
out:
    browse_finish(&bs, r, store);
    return code;
}
