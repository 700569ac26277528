/* agent/run/resolve_run.c - `resolve` in-process on the runner: the
 * addresses of a .local host (RFC 6762 §5), one instance complete (SRV,
 * TXT, addresses), or the best instance of a type by RFC 2782 priority and
 * the learned ranking (resolve_rank.c); every answer judged by the trust
 * hooks, and by the chain with --rpc. The checks of the options and the
 * request to a running agent are here too, so the command only parses. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "chain_view.h"
#include "cli.h"
#include "nautilus/log.h"
#include "nautilus/mem.h"
#include "nautilus/trust.h"
#include "resolve_out.h"
#include "resolve_run.h"
#include "stats_out.h"
#include "svc_format.h"

enum {
    TIMER_DEADLINE = 1,
    TIMER_SETTLE = 2,
    TIMER_CHAIN = 3,
    CHAIN_POLL_MS = 500,      /* --rpc: answers and stale bindings looked at */
    OTHER_FAMILY_MS = 1500,   /* after the first answer, wait this long for the other family:
                                 peers answer A and AAAA separately (§6.2 is only a SHOULD) */
    HOST_ADDRS_MAX = 32,
    CANDIDATES_MAX = 64,      /* instances considered by --best */
    DEFAULT_HOST_TIMEOUT = 5, /* seconds */
    DEFAULT_BEST_WINDOW = 3,  /* seconds of browsing before choosing */
};

typedef struct host_addr {
    nt_mdns_addr addr;
    uint32_t ifindex;
} host_addr;

typedef struct candidate {
    bool used;
    nt_mdns_event ev;
    double mdns_ms; /* query start to the first answer with SRV; -1 none */
} candidate;

typedef struct resolve_state {
    bool best;
    bool json;
    bool stats; /* --stats: print the counters on exit */
    bool settling;
    uint64_t settle_at;
    bool want4;
    bool want6;
    char host[NT_MDNS_NAME_MAX];
    size_t n_addrs;
    host_addr addrs[HOST_ADDRS_MAX];
    candidate *cands; /* CANDIDATES_MAX */
    nt_trust_hooks *hooks;   /* every answer is judged (DESIGN §1) */
    nt_trust_level require;  /* --require: weaker answers are not considered */
    nt_chain_view *chain;    /* --rpc */
    nt_runner *runner;
    bool have_last_host;     /* --rpc: the last host answer, judged again */
    nt_mdns_event last_host;
    uint64_t t0;             /* when the query started */
    const char *instance;    /* --instance: resolve this instance of --type */
    bool have_svc;
    nt_mdns_event svc;       /* --instance: the latest answer */
    nt_best_opts bo;         /* --best: the learned ranking's options */
} resolve_state;

static void install_hooks(void *ctx, nt_mdns_config *mc)
{
    resolve_state *rs = ctx;
    nt_trust_hooks_install(rs->hooks, mc);
}

static void add_host_addrs(resolve_state *rs, const nt_mdns_event *ev)
{
    size_t i, j;
    for (i = 0; i < ev->addr_count && i < NT_MDNS_EVENT_ADDRS_MAX; i++) {
        bool dup = false;
        for (j = 0; j < rs->n_addrs && !dup; j++)
            dup = memcmp(&rs->addrs[j].addr, &ev->addrs[i], sizeof ev->addrs[i]) == 0;
        if ((ev->addrs[i].family == NT_MDNS_INET4 && !rs->want4) ||
            (ev->addrs[i].family == NT_MDNS_INET6 && !rs->want6))
            continue;
        if (!dup && rs->n_addrs < HOST_ADDRS_MAX) {
            rs->addrs[rs->n_addrs].addr = ev->addrs[i];
            rs->addrs[rs->n_addrs].ifindex = ev->ifindex;
            rs->n_addrs++;
        }
    }
}

static candidate *find_candidate(resolve_state *rs, const nt_mdns_event *ev, bool create)
{
    size_t i;
    candidate *free_slot = NULL;
    for (i = 0; i < CANDIDATES_MAX; i++) {
        candidate *c = &rs->cands[i];
        if (!c->used) {
            if (!free_slot)
                free_slot = c;
            continue;
        }
        if (c->ev.ifindex == ev->ifindex && strcmp(c->ev.instance, ev->instance) == 0 &&
            strcmp(c->ev.type, ev->type) == 0)
            return c;
    }
    return create ? free_slot : NULL;
}

/* --rpc: the level as the chain makes it (DESIGN §1.5). False: the answer
 * is not shown (and an instance stops being a candidate). */
static bool chain_filter(resolve_state *rs, nt_runner *r, const nt_mdns_event **evp)
{
    static nt_mdns_event show, rej; /* large: not on the stack */
    const nt_mdns_event *ev = *evp;
    unsigned flags = NT_CHAIN_VIEW_SHOW;
    candidate *c;
    if (ev->kind == NT_MDNS_EV_HOST_RESOLVED) {
        if (ev != &rs->last_host)
            rs->last_host = *ev;
        rs->have_last_host = true;
        flags = nt_chain_view_judge_host(rs->chain, ev, &show, &rej, nt_runner_now(r));
    } else if (ev->kind == NT_MDNS_EV_SERVICE_ADDED || ev->kind == NT_MDNS_EV_SERVICE_UPDATED ||
               ev->kind == NT_MDNS_EV_SERVICE_REMOVED) {
        flags = nt_chain_view_judge(rs->chain, ev, &show, &rej, nt_runner_now(r));
    } else {
        show = *ev;
    }
    if (!(flags & NT_CHAIN_VIEW_SHOW)) {
        if (rs->best && (c = find_candidate(rs, ev, false)) != NULL)
            c->used = false;
        return false;
    }
    *evp = &show;
    return true;
}

/* --instance: the latest answer; done once complete, or a while after
 * the first family of addresses came with SRV and TXT. */
static void on_instance(resolve_state *rs, nt_runner *r, const nt_mdns_event *ev)
{
    if ((ev->kind != NT_MDNS_EV_SERVICE_ADDED && ev->kind != NT_MDNS_EV_SERVICE_UPDATED) ||
        !ev->have_srv)
        return;
    rs->svc = *ev;
    rs->have_svc = true;
    if (nt_resolve_svc_complete(ev, true, true))
        nt_runner_stop(r, false);
    else if (ev->addr_count && ev->have_txt && !rs->settling) {
        rs->settling = true;
        if (nt_runner_timer_set(r, TIMER_SETTLE, nt_runner_now(r) + OTHER_FAMILY_MS) != NT_OK)
            nt_runner_stop(r, false);
    }
}

/* HOST.local: addresses of the families asked for. */
static void on_host(resolve_state *rs, nt_runner *r, const nt_mdns_event *ev)
{
    bool have4 = false, have6 = false;
    size_t i;
    if (ev->kind != NT_MDNS_EV_HOST_RESOLVED)
        return;
    add_host_addrs(rs, ev);
    if (rs->n_addrs == 0)
        return;
    for (i = 0; i < rs->n_addrs; i++) {
        have4 = have4 || rs->addrs[i].addr.family == NT_MDNS_INET4;
        have6 = have6 || rs->addrs[i].addr.family == NT_MDNS_INET6;
    }
    /* Every family asked for is here: the answer is complete (a
     * responder sends all its addresses of a family together). */
    if ((have4 || !rs->want4) && (have6 || !rs->want6)) {
        nt_runner_stop(r, false);
        return;
    }
    /* One family so far: wait a while for the other, once. */
    if (!rs->settling) {
        rs->settle_at = nt_runner_now(r) + OTHER_FAMILY_MS;
        if (nt_runner_timer_set(r, TIMER_SETTLE, rs->settle_at) != NT_OK)
            nt_runner_stop(r, false);
        rs->settling = true;
    }
}

/* --best: the candidates as instances come and go. */
static void on_best(resolve_state *rs, nt_runner *r, const nt_mdns_event *ev)
{
    candidate *c;
    if (ev->kind == NT_MDNS_EV_SERVICE_REMOVED) {
        c = find_candidate(rs, ev, false);
        if (c)
            c->used = false;
        return;
    }
    if (ev->kind != NT_MDNS_EV_SERVICE_ADDED && ev->kind != NT_MDNS_EV_SERVICE_UPDATED)
        return;
    c = find_candidate(rs, ev, true);
    if (!c) {
        NT_LOGW("resolve", "more than %d instances, ignoring \"%s\"", CANDIDATES_MAX,
                ev->instance);
        return;
    }
    if (!c->used || !c->ev.have_srv)
        c->mdns_ms = ev->have_srv ? (double)(nt_runner_now(r) - rs->t0) : -1;
    c->used = true;
    c->ev = *ev;
}

static void on_event(void *ctx, nt_runner *r, const nt_mdns_event *ev)
{
    resolve_state *rs = ctx;
    candidate *c;

    if (rs->chain && !chain_filter(rs, r, &ev))
        return;
    /* --require: an answer below the level is as good as none; an instance
     * that drops below it stops being a candidate. */
    if ((ev->kind == NT_MDNS_EV_HOST_RESOLVED || ev->kind == NT_MDNS_EV_SERVICE_ADDED ||
         ev->kind == NT_MDNS_EV_SERVICE_UPDATED) &&
        (nt_trust_level)ev->trust < rs->require) {
        if (rs->best && (c = find_candidate(rs, ev, false)) != NULL)
            c->used = false;
        return;
    }
    if (rs->instance)
        on_instance(rs, r, ev);
    else if (!rs->best)
        on_host(rs, r, ev);
    else
        on_best(rs, r, ev);
}

static void chain_again(void *ctx, const nt_mdns_event *ev)
{
    resolve_state *rs = ctx;
    on_event(rs, rs->runner, ev);
}

/* --rpc: answers in; instances and the host answer judged again. */
static void chain_poll(resolve_state *rs)
{
    nt_chain_view_poll(rs->chain, nt_runner_now(rs->runner), chain_again, rs);
    if (rs->have_last_host)
        on_event(rs, rs->runner, &rs->last_host);
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
    resolve_state *rs = ctx;
    if (id == TIMER_DEADLINE || id == TIMER_SETTLE)
        nt_runner_stop(r, false);
    if (id == TIMER_CHAIN) {
        chain_poll(rs);
        if (nt_runner_timer_set(r, TIMER_CHAIN, nt_runner_now(r) + CHAIN_POLL_MS) != NT_OK)
            NT_LOGW("resolve", "chain poll timer not set");
    }
}

static int print_host(resolve_state *rs, nt_runner *r)
{
    nt_mdns_addr addrs[HOST_ADDRS_MAX];
    const char *ifn[HOST_ADDRS_MAX];
    nt_dynbuf d;
    size_t i;
    nt_status st;

    if (rs->instance && !rs->have_svc)
        return nt_cli_fail(NT_EXIT_NEGATIVE, "resolve: %s.%s.local not found", rs->instance,
                           rs->host);
    if (!rs->instance && rs->n_addrs == 0)
        return nt_cli_fail(NT_EXIT_NEGATIVE, "resolve: %s not found", rs->host);
    for (i = 0; i < rs->n_addrs; i++) {
        addrs[i] = rs->addrs[i].addr;
        ifn[i] = nt_runner_ifname(r, rs->addrs[i].ifindex);
    }
    nt_dynbuf_init(&d, 64 * 1024);
    /* The same code formats an agent's answer (agent_ctl.c). */
    if (rs->instance)
        st = nt_resolve_svc_out(&d, &rs->svc, nt_runner_ifname(r, rs->svc.ifindex), rs->json);
    else
        st = nt_resolve_host_out(&d, rs->host, addrs, ifn, rs->n_addrs, rs->json);
    if (st == NT_OK)
        fwrite(d.data, 1, d.len, stdout);
    nt_dynbuf_cleanup(&d);
    if (st != NT_OK)
        return nt_cli_fail(NT_EXIT_NEGATIVE, "resolve: %s", nt_strerror(st));
    return NT_EXIT_OK;
}

static int print_best(resolve_state *rs, nt_runner *r, const char *type)
{
    nt_best_cand c[CANDIDATES_MAX];
    size_t i, n = 0;
    for (i = 0; i < CANDIDATES_MAX; i++)
        if (rs->cands[i].used && rs->cands[i].ev.have_srv) {
            c[n].ev = &rs->cands[i].ev;
            c[n].ifname = nt_runner_ifname(r, rs->cands[i].ev.ifindex);
            c[n].mdns_ms = rs->cands[i].mdns_ms;
            n++;
        }
    rs->bo.json = rs->json;
    return nt_resolve_rank_print(c, n, &rs->bo, type);
}


void nt_resolve_opts_init(nt_resolve_opts *o)
{
    memset(o, 0, sizeof *o);
    o->topts.require = NT_TRUST_UNSIGNED;
    o->timeout = -1;
}

int nt_resolve_opts_check(nt_resolve_opts *o)
{
    const char *t = o->target;
    if (!t)
        return nt_cli_usage_error(o->best ? "resolve: --best needs a service TYPE"
                                          : "resolve: need HOST.local (try --help)");
    if (o->instance && o->best)
        return nt_cli_usage_error("resolve: --instance needs --type TYPE, and not --best");
    if (o->only4 && o->only6)
        return nt_cli_usage_error("resolve: -4 and -6 exclude each other");
    if ((o->best || o->instance) && (o->only4 || o->only6))
        return nt_cli_usage_error("resolve: -4/-6 apply to host names, not --best or --instance");
    if (o->best || o->instance) {
        const char *dot = strchr(t, '.');
        if (t[0] != '_' || !dot || (strcmp(dot, "._tcp") != 0 && strcmp(dot, "._udp") != 0))
            return nt_cli_usage_error("resolve: bad service type '%s' (want e.g. _http._tcp)", t);
    } else if (nt_runner_host_name(o->name, sizeof o->name, t) != NT_OK) {
        return nt_cli_usage_error("resolve: bad host name '%s' (want NAME.local)", t);
    }
    if (o->instance)
        snprintf(o->name, sizeof o->name, "%s", t); /* the type */
    if (o->instance &&
        (!o->instance[0] || strlen(o->instance) >= sizeof ((nt_mdns_event *)0)->instance))
        return nt_cli_usage_error("resolve: bad instance name");
    if (o->best)
        snprintf(o->name, sizeof o->name, "%s", t);
    if (o->timeout < 0)
        o->timeout = o->best ? DEFAULT_BEST_WINDOW : DEFAULT_HOST_TIMEOUT;
    return NT_EXIT_OK;
}

int nt_resolve_ask_agent(const nt_ctlc_opts *co, const nt_resolve_opts *o)
{
    cJSON *j;
    char *req = NULL, ms[24];
    int code = NT_CTLC_IN_PROCESS;

    /* What only the in-process path does: -i, its own trust files, --stats. */
    if (o->best || o->rc.n_ifnames || o->topts.trust_file || o->topts.tofu_file ||
        o->topts.rpc || o->stats)
        return NT_CTLC_IN_PROCESS;
    /* An integer as it is: cJSON prints a number as a double (%1.15g and a
     * scan back), pages of libc this path has no other use for. */
    snprintf(ms, sizeof ms, "%ld", o->timeout * 1000L);
    j = cJSON_CreateObject();
    if (j && cJSON_AddStringToObject(j, "op", "resolve") &&
        (o->instance ? cJSON_AddStringToObject(j, "instance", o->instance) &&
                           cJSON_AddStringToObject(j, "type", o->name)
                     : cJSON_AddStringToObject(j, "host", o->name) &&
                           cJSON_AddStringToObject(j, "family",
                                                   o->only4 ? "4" : o->only6 ? "6" : "any")) &&
        cJSON_AddRawToObject(j, "timeout_ms", ms) &&
        cJSON_AddStringToObject(j, "require", nt_trust_level_name(o->topts.require)))
        req = cJSON_PrintUnformatted(j);
    if (req)
        code = nt_ctlc_call(co, "resolve", req, (int)o->timeout * 1000 + 2000,
                            o->json ? "json" : "text");
    cJSON_free(req);
    cJSON_Delete(j);
    return code;
}

/* The query of the form asked for, and the deadline. */
static int resolve_query(resolve_state *rs, nt_runner *r, const nt_resolve_opts *o)
{
    nt_mdns_query_config q;
    nt_mdns_query_id qid;
    nt_status st;
    memset(&q, 0, sizeof q);
    q.domain = "local";
    q.immediate = true; /* someone is waiting on the answer */
    if (rs->instance) {
        q.kind = NT_MDNS_Q_RESOLVE;
        q.instance = rs->instance;
        q.type = o->target;
        q.want_ipv4 = q.want_ipv6 = true;
    } else if (rs->best) {
        q.kind = NT_MDNS_Q_BROWSE;
        q.type = o->target;
        q.resolve = true;
    } else {
        q.kind = NT_MDNS_Q_HOST;
        q.host = rs->host;
        q.want_ipv4 = rs->want4 = !o->only6;
        q.want_ipv6 = rs->want6 = !o->only4;
    }
    rs->t0 = nt_runner_now(r);
    st = nt_mdns_query_add(nt_runner_engine(r), &qid, &q, nt_runner_now(r));
    if (st != NT_OK)
        return nt_cli_fail(NT_EXIT_USAGE, "resolve: cannot query '%s': %s", o->target,
                           nt_strerror(st));
    if (nt_runner_timer_set(r, TIMER_DEADLINE, nt_runner_now(r) + (uint64_t)o->timeout * 1000u) !=
        NT_OK)
        return nt_cli_fail(NT_EXIT_USAGE, "resolve: cannot set the timeout");
    return NT_EXIT_OK;
}

/* Trust, the chain reader, the runner and the query. */
static int resolve_start(resolve_state *rs, nt_runner **r, nt_trust_store **store,
                         const nt_resolve_opts *o)
{
    nt_runner_config rc = o->rc;
    char why[160];
    int code;
    if ((code = nt_cli_trust_chain_check("resolve", &o->topts)) != NT_EXIT_OK ||
        (code = nt_cli_trust_start("resolve", &rs->hooks, store, o->topts.trust_file,
                                   o->topts.tofu_file, NULL, 0, o->topts.rpc != NULL)) !=
            NT_EXIT_OK ||
        (code = nt_cli_chain_start("resolve", &rs->chain, rs->hooks, &o->topts)) != NT_EXIT_OK)
        return code;
    rc.configure = install_hooks;
    rc.on_event = on_event;
    rc.on_timer = on_timer;
    rc.ctx = rs;
    if (nt_runner_create(r, &rc, why, sizeof why) != NT_OK)
        return nt_cli_fail(NT_EXIT_USAGE, "resolve: cannot start mDNS: %s", why);
    rs->runner = *r;
    if (rs->chain &&
        (nt_runner_add_fd(*r, nt_chain_view_fd(rs->chain), on_chain_fd, rs) != NT_OK ||
         nt_runner_timer_set(*r, TIMER_CHAIN, nt_runner_now(*r) + CHAIN_POLL_MS) != NT_OK))
        return nt_cli_fail(NT_EXIT_USAGE, "resolve: cannot watch the chain reader");
    return resolve_query(rs, *r, o);
}

int nt_resolve_run(const nt_resolve_opts *o)
{
    resolve_state rs;
    nt_runner *r = NULL;
    nt_trust_store *store = NULL;
    nt_status st;
    int code;

    memset(&rs, 0, sizeof rs);
    rs.best = o->best;
    rs.json = o->json;
    rs.stats = o->stats;
    rs.instance = o->instance;
    rs.bo = o->bo;
    rs.require = o->topts.require;
    snprintf(rs.host, sizeof rs.host, "%s", o->name);
    if (rs.best && !(rs.cands = nt_calloc(CANDIDATES_MAX, sizeof *rs.cands)))
        return nt_cli_fail(NT_EXIT_NEGATIVE, "resolve: out of memory");
    if ((code = resolve_start(&rs, &r, &store, o)) != NT_EXIT_OK)
        goto out;
    st = nt_runner_run(r);
    if (st != NT_OK) {
        code = nt_cli_fail(NT_EXIT_NEGATIVE, "resolve: %s", nt_strerror(st));
        goto out;
    }
    code = rs.best ? print_best(&rs, r, o->target) : print_host(&rs, r);
out:
    if (r && rs.stats)
        nt_stats_out_print(nt_runner_engine(r), rs.hooks, rs.json);
    nt_runner_destroy(r);
    /* Counted, and said once more on the way out (DESIGN §1.5). */
    if (rs.chain && nt_chain_view_failures(rs.chain))
        fprintf(stderr, "resolve: %llu reads of the chain failed\n",
                (unsigned long long)nt_chain_view_failures(rs.chain));
    nt_chain_view_destroy(rs.chain);
    nt_trust_hooks_destroy(rs.hooks);
    nt_trust_store_destroy(store);
    nt_free(rs.cands);
    fflush(stdout);
    return code;
}
