/* nautilus resolve: addresses of a .local host (RFC 6762 §5), or the best
 * instance of a service type by RFC 2782 priority and the learned ranking
 * (resolve_rank.c). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "chain_view.h"
#include "cmds.h"
#include "ctl_client.h"
#include "mdns_runner.h"
#include "nautilus/log.h"
#include "nautilus/mem.h"
#include "nautilus/trust.h"
#include "resolve_out.h"
#include "resolve_rank.h"
#include "stats_out.h"
#include "svc_format.h"
#include "trust_cli.h"

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

static const char usage_text[] =
    "usage: nautilus resolve HOST.local [-4|-6] [--timeout SEC] [--json] [-i IF]\n"
    "       nautilus resolve --instance NAME --type TYPE [--timeout SEC] [--json]\n"
    "       nautilus resolve --best TYPE [--timeout SEC] [--json] [-i IF]\n"
    "                 [--probe] [--state DIR] [--seed N]\n"
    "       (both also [--trust FILE] [--tofu FILE] [--require LEVEL] [--stats]\n"
    "        [--rpc URL --registry ADDR [--chain-max-age SEC]])\n"
    "\n"
    "The first form prints the addresses of HOST (one per line) and exits 1 if\n"
    "none arrived before the timeout (default 5 s).\n"
    "\n"
    "The second prints instance NAME of TYPE: its full name, then its SRV\n"
    "target and port, TXT and addresses; exit 1 if it did not answer in time.\n"
    "Both ask a running agent (nautilus agent) first, which answers from its\n"
    "cache when it can, and work in-process when there is none (or with -i,\n"
    "--trust, --tofu, --rpc or --stats); the output is the same either way.\n"
    "\n"
    "The third browses for TYPE (e.g. _http._tcp) for SEC seconds (default 3),\n"
    "keeps the lowest SRV priority found (RFC 2782) and chooses within it by the\n"
    "learned ranking: Thompson sampling of each instance's expected cost from\n"
    "its evidence (nautilus feedback, connect probes, mDNS answer times, kept in\n"
    "the state directory), the SRV weight as the prior. Prints the chosen\n"
    "instance name; --json prints the chosen one and the rest in order, each\n"
    "with its score. Exit 1 if none was found.\n"
    "\n"
    "  -4, -6         only IPv4 (A) or only IPv6 (AAAA) addresses\n"
    "  -i IF          use interface IF (repeatable; default: every multicast one)\n"
    "  --trust FILE   pinned keys, as for browse ('<host name> <key digest hex>')\n"
    "  --tofu FILE    trust on first use, as for browse\n"
    "  --require LEVEL  consider only answers at LEVEL or above: unsigned,\n"
    "                 self-signed, trusted, anchored, zk-verified\n"
    "  --rpc URL --registry ADDR  trust from the chain, as for browse: a key the\n"
    "                 Registry binds to the signer's host name is trusted (an\n"
    "                 answer below --require is taken once the chain says so,\n"
    "                 before the timeout); another key for it is refused; a\n"
    "                 node that fails changes nothing (one line on stderr)\n"
    "  --chain-max-age SEC  as for browse\n"
    "  --probe        --best: TCP connect to each instance first (evidence)\n"
    "  --state DIR    --best: state directory of the ranking (default as keygen)\n"
    "  --seed N       --best: seed of the ranking's draws (default random)\n"
    "  -v             log what happens on the network (debug)\n"
    NT_CTLC_HELP
    NT_STATS_OUT_HELP;

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

static void on_event(void *ctx, nt_runner *r, const nt_mdns_event *ev)
{
    resolve_state *rs = ctx;
    candidate *c;

    /* --rpc: the level as the chain makes it (DESIGN §1.5). */
    if (rs->chain) {
        static nt_mdns_event show, rej; /* large: not on the stack */
        unsigned flags = NT_CHAIN_VIEW_SHOW;
        if (ev->kind == NT_MDNS_EV_HOST_RESOLVED) {
            if (ev != &rs->last_host)
                rs->last_host = *ev;
            rs->have_last_host = true;
            flags = nt_chain_view_judge_host(rs->chain, ev, &show, &rej, nt_runner_now(r));
        } else if (ev->kind == NT_MDNS_EV_SERVICE_ADDED ||
                   ev->kind == NT_MDNS_EV_SERVICE_UPDATED ||
                   ev->kind == NT_MDNS_EV_SERVICE_REMOVED) {
            flags = nt_chain_view_judge(rs->chain, ev, &show, &rej, nt_runner_now(r));
        } else {
            show = *ev;
        }
        if (!(flags & NT_CHAIN_VIEW_SHOW)) {
            if (rs->best && (c = find_candidate(rs, ev, false)) != NULL)
                c->used = false;
            return;
        }
        ev = &show;
    }

    /* --require: an answer below the level is as good as none; an instance
     * that drops below it stops being a candidate. */
    if ((ev->kind == NT_MDNS_EV_HOST_RESOLVED || ev->kind == NT_MDNS_EV_SERVICE_ADDED ||
         ev->kind == NT_MDNS_EV_SERVICE_UPDATED) &&
        (nt_trust_level)ev->trust < rs->require) {
        if (rs->best && (c = find_candidate(rs, ev, false)) != NULL)
            c->used = false;
        return;
    }
    if (rs->instance) {
        if ((ev->kind == NT_MDNS_EV_SERVICE_ADDED || ev->kind == NT_MDNS_EV_SERVICE_UPDATED) &&
            ev->have_srv) {
            rs->svc = *ev;
            rs->have_svc = true;
            if (nt_resolve_svc_complete(ev, true, true))
                nt_runner_stop(r, false);
            else if (ev->addr_count && ev->have_txt && !rs->settling) {
                rs->settling = true;
                if (nt_runner_timer_set(r, TIMER_SETTLE, nt_runner_now(r) + OTHER_FAMILY_MS) !=
                    NT_OK)
                    nt_runner_stop(r, false);
            }
        }
        return;
    }
    if (!rs->best) {
        if (ev->kind != NT_MDNS_EV_HOST_RESOLVED)
            return;
        add_host_addrs(rs, ev);
        if (rs->n_addrs > 0) {
            bool have4 = false, have6 = false;
            size_t i;
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
        return;
    }
    switch (ev->kind) {
    case NT_MDNS_EV_SERVICE_ADDED:
    case NT_MDNS_EV_SERVICE_UPDATED:
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
        break;
    case NT_MDNS_EV_SERVICE_REMOVED:
        c = find_candidate(rs, ev, false);
        if (c)
            c->used = false;
        break;
    case NT_MDNS_EV_HOST_RESOLVED:
    case NT_MDNS_EV_HOST_REMOVED:
    case NT_MDNS_EV_TYPE_ADDED:
    case NT_MDNS_EV_TYPE_REMOVED:
    case NT_MDNS_EV_REJECTED:
    case NT_MDNS_EV_PUBLISH_PROBING:
    case NT_MDNS_EV_PUBLISH_ESTABLISHED:
    case NT_MDNS_EV_PUBLISH_CONFLICT:
    case NT_MDNS_EV_PUBLISH_WITHDRAWN:
    case NT_MDNS_EV_PUBLISH_FAILED:
    default:
        break;
    }
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

/* A running agent answers (from its cache when it can); NT_CTLC_IN_PROCESS
 * when there is none. */
static int ask_agent(const nt_ctlc_opts *co, const resolve_state *rs, bool only4, bool only6,
                     long timeout, const nt_cli_trust_opts *t)
{
    cJSON *o = cJSON_CreateObject();
    char *req = NULL;
    int code = NT_CTLC_IN_PROCESS;

    if (o && cJSON_AddStringToObject(o, "op", "resolve") &&
        (rs->instance ? cJSON_AddStringToObject(o, "instance", rs->instance) &&
                            cJSON_AddStringToObject(o, "type", rs->host)
                      : cJSON_AddStringToObject(o, "host", rs->host) &&
                            cJSON_AddStringToObject(o, "family",
                                                    only4 ? "4" : only6 ? "6" : "any")) &&
        cJSON_AddNumberToObject(o, "timeout_ms", (double)timeout * 1000.0) &&
        cJSON_AddStringToObject(o, "require", nt_trust_level_name(t->require)))
        req = cJSON_PrintUnformatted(o);
    if (req)
        code = nt_ctlc_call(co, "resolve", req, (int)timeout * 1000 + 2000,
                            rs->json ? "json" : "text");
    cJSON_free(req);
    cJSON_Delete(o);
    return code;
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

int nt_cmd_resolve(int argc, char **argv)
{
    nt_runner_config rc;
    nt_mdns_query_config q;
    nt_mdns_query_id qid;
    resolve_state rs;
    nt_runner *r = NULL;
    const char *target = NULL;
    nt_cli_trust_opts topts;
    nt_ctlc_opts co = {NULL, false};
    nt_trust_store *store = NULL;
    bool only4 = false, only6 = false;
    long timeout = -1;
    int i, code;
    nt_status st;
    char why[160];

    memset(&topts, 0, sizeof topts);
    topts.require = NT_TRUST_UNSIGNED;
    memset(&rc, 0, sizeof rc);
    memset(&rs, 0, sizeof rs);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (nt_cli_is_help(a)) {
            fputs(usage_text, stdout);
            return NT_EXIT_OK;
        } else if (strcmp(a, "--json") == 0) {
            rs.json = true;
        } else if (strcmp(a, "--best") == 0) {
            rs.best = true;
        } else if (strcmp(a, "--stats") == 0) {
            rs.stats = true;
        } else if (nt_ctlc_option("resolve", argc, argv, &i, &co, &code)) {
            if (code != NT_EXIT_OK)
                return code;
        } else if ((strcmp(a, "--instance") == 0 || strcmp(a, "--type") == 0) && i + 1 < argc) {
            if (a[2] == 'i')
                rs.instance = argv[++i];
            else
                target = argv[++i];
        } else if (strcmp(a, "--probe") == 0) {
            rs.bo.probe = true;
        } else if ((strcmp(a, "--state") == 0 || strcmp(a, "--seed") == 0) && i + 1 < argc) {
            long seed;
            if (a[3] == 't') {
                rs.bo.state_dir = argv[++i];
            } else if (nt_cli_parse_long(argv[++i], 0, 2147483647L, &seed) != NT_OK) {
                return nt_cli_usage_error("resolve: --seed wants a number, not '%s'", argv[i]);
            } else {
                rs.bo.have_seed = true;
                rs.bo.seed = (uint64_t)seed;
            }
        } else if (strcmp(a, "-4") == 0) {
            only4 = true;
        } else if (strcmp(a, "-6") == 0) {
            only6 = true;
        } else if (strcmp(a, "-v") == 0) {
            nt_log_set_level(NT_LOG_DEBUG);
        } else if (nt_cli_trust_option("resolve", argc, argv, &i, &topts, &code)) {
            if (code != NT_EXIT_OK)
                return code;
        } else if (strcmp(a, "-i") == 0 || strcmp(a, "--timeout") == 0) {
            if (i + 1 >= argc)
                return nt_cli_usage_error("resolve: %s needs a value", a);
            if (a[1] == 'i') {
                if (rc.n_ifnames == NT_RUNNER_IFACES_MAX)
                    return nt_cli_usage_error("resolve: at most %d interfaces",
                                              NT_RUNNER_IFACES_MAX);
                rc.ifnames[rc.n_ifnames++] = argv[++i];
            } else if (nt_cli_parse_long(argv[++i], 0, 86400L, &timeout) != NT_OK) {
                return nt_cli_usage_error("resolve: --timeout wants seconds, not '%s'", argv[i]);
            }
        } else if (a[0] == '-' && a[1] != 0) {
            return nt_cli_usage_error("resolve: unknown option '%s' (try --help)", a);
        } else if (!target) {
            target = a;
        } else {
            return nt_cli_usage_error("resolve: unexpected argument '%s'", a);
        }
    }
    if (!target)
        return nt_cli_usage_error(rs.best ? "resolve: --best needs a service TYPE"
                                          : "resolve: need HOST.local (try --help)");
    if (rs.instance && (rs.best || !target))
        return nt_cli_usage_error("resolve: --instance needs --type TYPE, and not --best");
    if (only4 && only6)
        return nt_cli_usage_error("resolve: -4 and -6 exclude each other");
    if ((rs.best || rs.instance) && (only4 || only6))
        return nt_cli_usage_error("resolve: -4/-6 apply to host names, not --best or --instance");
    if (rs.best || rs.instance) {
        const char *dot = strchr(target, '.');
        if (target[0] != '_' || !dot || (strcmp(dot, "._tcp") != 0 && strcmp(dot, "._udp") != 0))
            return nt_cli_usage_error("resolve: bad service type '%s' (want e.g. _http._tcp)",
                                      target);
    } else if (nt_runner_host_name(rs.host, sizeof rs.host, target) != NT_OK) {
        return nt_cli_usage_error("resolve: bad host name '%s' (want NAME.local)", target);
    }
    if (rs.instance)
        snprintf(rs.host, sizeof rs.host, "%s", target); /* the type */
    if (rs.instance && (!rs.instance[0] || strlen(rs.instance) >= sizeof rs.svc.instance))
        return nt_cli_usage_error("resolve: bad instance name");
    if (timeout < 0)
        timeout = rs.best ? DEFAULT_BEST_WINDOW : DEFAULT_HOST_TIMEOUT;

    /* What only the in-process path does: -i, its own trust files, --stats. */
    if (!rs.best && rc.n_ifnames == 0 && !topts.trust_file && !topts.tofu_file && !topts.rpc &&
        !rs.stats && (code = ask_agent(&co, &rs, only4, only6, timeout, &topts)) !=
                         NT_CTLC_IN_PROCESS)
        return code;
    if (rs.best) {
        rs.cands = nt_calloc(CANDIDATES_MAX, sizeof *rs.cands);
        if (!rs.cands)
            return nt_cli_fail(NT_EXIT_NEGATIVE, "resolve: out of memory");
    }
    rs.require = topts.require;
    if ((code = nt_cli_trust_chain_check("resolve", &topts)) != NT_EXIT_OK)
        goto out;
    if ((code = nt_cli_trust_start("resolve", &rs.hooks, &store, topts.trust_file,
                                   topts.tofu_file, NULL, 0, topts.rpc != NULL)) != NT_EXIT_OK ||
        (code = nt_cli_chain_start("resolve", &rs.chain, rs.hooks, &topts)) != NT_EXIT_OK)
        goto out;
    rc.configure = install_hooks;
    rc.on_event = on_event;
    rc.on_timer = on_timer;
    rc.ctx = &rs;
    st = nt_runner_create(&r, &rc, why, sizeof why);
    if (st != NT_OK) {
        code = nt_cli_fail(NT_EXIT_USAGE, "resolve: cannot start mDNS: %s", why);
        goto out;
    }
    rs.runner = r;
    if (rs.chain &&
        (nt_runner_add_fd(r, nt_chain_view_fd(rs.chain), on_chain_fd, &rs) != NT_OK ||
         nt_runner_timer_set(r, TIMER_CHAIN, nt_runner_now(r) + CHAIN_POLL_MS) != NT_OK)) {
        code = nt_cli_fail(NT_EXIT_USAGE, "resolve: cannot watch the chain reader");
        goto out;
    }
    memset(&q, 0, sizeof q);
    q.domain = "local";
    q.immediate = true; /* someone is waiting on the answer */
    if (rs.instance) {
        q.kind = NT_MDNS_Q_RESOLVE;
        q.instance = rs.instance;
        q.type = target;
        q.want_ipv4 = q.want_ipv6 = true;
    } else if (rs.best) {
        q.kind = NT_MDNS_Q_BROWSE;
        q.type = target;
        q.resolve = true;
    } else {
        q.kind = NT_MDNS_Q_HOST;
        q.host = rs.host;
        q.want_ipv4 = rs.want4 = !only6;
        q.want_ipv6 = rs.want6 = !only4;
    }
    rs.t0 = nt_runner_now(r);
    st = nt_mdns_query_add(nt_runner_engine(r), &qid, &q, nt_runner_now(r));
    if (st != NT_OK) {
        code = nt_cli_fail(NT_EXIT_USAGE, "resolve: cannot query '%s': %s", target,
                           nt_strerror(st));
        goto out;
    }
    if (nt_runner_timer_set(r, TIMER_DEADLINE, nt_runner_now(r) + (uint64_t)timeout * 1000u) !=
        NT_OK) {
        code = nt_cli_fail(NT_EXIT_USAGE, "resolve: cannot set the timeout");
        goto out;
    }
    st = nt_runner_run(r);
    if (st != NT_OK) {
        code = nt_cli_fail(NT_EXIT_NEGATIVE, "resolve: %s", nt_strerror(st));
        goto out;
    }
    code = rs.best ? print_best(&rs, r, target) : print_host(&rs, r);
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
