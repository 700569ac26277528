/* The agent's control socket: requests answered from the engine and the
 * ranking state (agent_ctl.h, DESIGN §8.3). */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent_ctl.h"
#include "agent_req.h"
#include "ctl_zk.h"
#include "ctl_browse.h"
#include "ctl_ledger.h"
#include "ctl_publish.h"
#include "nautilus/crypto.h"
#include "nautilus/ctl.h"
#include "nautilus/log.h"
#include "nautilus/mem.h"
#include "rank_cli.h"
#include "chain_view.h"
#include "resolve_out.h"
#include "svc_format.h"

enum {
    PENDING_MAX = 64,        /* resolves waiting on the network at once */
    ADDRS_MAX = 32,
    OTHER_FAMILY_MS = 1500,  /* as the one-shot resolve: wait once for the other family */
    FLUSH_MS = 100,          /* pending output retried while connections are open */
};

typedef struct pending {
    bool used;
    nt_ctl_conn *conn;
    nt_agent_req req;
    nt_mdns_query_id qid;
    uint64_t deadline;
    uint64_t settle_at;      /* 0: not settling */
    uint64_t packets_in0;    /* engine packets_in when asked: none since = from the cache */
    size_t n_addrs;
    nt_mdns_addr addrs[ADDRS_MAX];
    uint32_t ifindex[ADDRS_MAX];
    uint8_t trust;           /* lowest level of the answers taken */
    bool have_ev;
    bool have_host;          /* host: ev is the last answer as heard (the chain) */
    nt_mdns_event ev;        /* service: the latest answer; host: the last
                              * heard (last: not cleared) */
} pending;

struct nt_agent_ctl {
    nt_ctl_server *srv;
    nt_runner *r;
    char path[NT_CONF_PATH_MAX];
    char state_dir[NT_CONF_PATH_MAX];
    pending *p;              /* PENDING_MAX */
    uint64_t closed;         /* connections gone (accepted - closed are open) */
    uint64_t bad_requests, resolves, from_cache, not_found, feedback, status_reqs;
    nt_ctl_zk *zk;           /* zk_verify requests (ctl_zk.h) */
    nt_ctl_pubs *pubs;       /* publish, withdraw (ctl_publish.c) */
    nt_ctl_browses *browses; /* browse (ctl_browse.c) */
    struct nt_chain_view *chain; /* [chain] rpc-url and registry: its word */
    nt_ctl_ledger *ledger;   /* ledger (ctl_ledger.c) */
};

/* control-socket (--control), $NAUTILUS_CONTROL as the clients read it
 * (ctl_client.c), then root's or the user's runtime directory. */
nt_status nt_agent_ctl_path(char *out, size_t cap, const nt_conf *c)
{
    const char *rt = getenv("XDG_RUNTIME_DIR"), *env = getenv("NAUTILUS_CONTROL");
    int n;
    if (c->control_socket[0])
        n = snprintf(out, cap, "%s", c->control_socket);
    else if (env && env[0] == '/')
        n = snprintf(out, cap, "%s", env);
    else if (geteuid() == 0)
        n = snprintf(out, cap, "/run/nautilus/control");
    else if (rt && rt[0] == '/')
        n = snprintf(out, cap, "%s/nautilus/control", rt);
    else
        return NT_ERR_NOT_FOUND;
    return n > 0 && (size_t)n < cap ? NT_OK : NT_ERR_NOSPACE;
}

/* ---- replies ------------------------------------------------------------- */

static void send_reply(nt_ctl_conn *c, nt_dynbuf *d)
{
    if (nt_ctl_reply(c, (const char *)d->data, d->len) != NT_OK)
        NT_LOGD("ctl", "reply dropped (connection closed)");
}

static void reply_error(nt_ctl_conn *c, nt_status st, const char *msg)
{
    nt_dynbuf d;
    nt_dynbuf_init(&d, 4096);
    if (nt_dynbuf_add_str(&d, "{\"ok\":false,\"error\":") == NT_OK &&
        nt_svc_json_str(&d, msg, strlen(msg)) == NT_OK &&
        nt_dynbuf_addf(&d, ",\"status\":\"%s\"}", nt_status_name(st)) == NT_OK)
        send_reply(c, &d);
    nt_dynbuf_cleanup(&d);
}

/* {"ok":true,"trust":..,"cached":..,"text":..,"json":..}: the command
 * prints text or json as they are (resolve_out.h). */
static void reply_answer(nt_agent_ctl *ctl, pending *p)
{
    const char *ifn[ADDRS_MAX];
    nt_dynbuf d, text, json;
    nt_mdns_stats ms;
    bool cached;
    nt_status st;
    size_t i;

    nt_mdns_stats_get(nt_runner_engine(ctl->r), &ms);
    cached = ms.packets_in == p->packets_in0;
    nt_dynbuf_init(&text, NT_CTL_MAX_FRAME / 4);
    nt_dynbuf_init(&json, NT_CTL_MAX_FRAME / 4);
    nt_dynbuf_init(&d, NT_CTL_MAX_FRAME);
    if (p->req.op == NT_AGENT_OP_RESOLVE_HOST) {
        for (i = 0; i < p->n_addrs; i++)
            ifn[i] = nt_runner_ifname(ctl->r, p->ifindex[i]);
        st = nt_resolve_host_out(&text, p->req.host, p->addrs, ifn, p->n_addrs, false);
        if (st == NT_OK)
            st = nt_resolve_host_out(&json, p->req.host, p->addrs, ifn, p->n_addrs, true);
    } else {
        const char *ifname = nt_runner_ifname(ctl->r, p->ev.ifindex);
        st = nt_resolve_svc_out(&text, &p->ev, ifname, false);
        if (st == NT_OK)
            st = nt_resolve_svc_out(&json, &p->ev, ifname, true);
    }
    if (st == NT_OK)
        st = nt_dynbuf_addf(&d, "{\"ok\":true,\"trust\":\"%s\",\"cached\":%s,\"text\":",
                            nt_trust_level_name((nt_trust_level)p->trust),
                            cached ? "true" : "false");
    if (st == NT_OK)
        st = nt_svc_json_str(&d, nt_dynbuf_str(&text), text.len);
    if (st == NT_OK)
        st = nt_svc_json_field(&d, "json", nt_dynbuf_str(&json), json.len);
    if (st == NT_OK)
        st = nt_dynbuf_add_str(&d, "}");
    if (st == NT_OK) {
        send_reply(p->conn, &d);
        ctl->from_cache += cached;
    } else {
        reply_error(p->conn, st, "answer too large");
    }
    nt_dynbuf_cleanup(&d);
    nt_dynbuf_cleanup(&text);
    nt_dynbuf_cleanup(&json);
}

/* ---- pending resolves ---------------------------------------------------- */

static void schedule(nt_agent_ctl *ctl)
{
    nt_ctl_stats cs;
    uint64_t next = UINT64_MAX;
    size_t i;
    for (i = 0; i < PENDING_MAX; i++) {
        const pending *p = &ctl->p[i];
        if (!p->used)
            continue;
        if (p->deadline < next)
            next = p->deadline;
        if (p->settle_at && p->settle_at < next)
            next = p->settle_at;
    }
    nt_ctl_server_stats(ctl->srv, &cs);
    if (cs.accepted > ctl->closed && nt_runner_now(ctl->r) + FLUSH_MS < next)
        next = nt_runner_now(ctl->r) + FLUSH_MS;
    if (next != UINT64_MAX && nt_runner_timer_set(ctl->r, NT_AGENT_CTL_TIMER, next) != NT_OK)
        NT_LOGW("ctl", "cannot arm the control timer");
}

static void finish(nt_agent_ctl *ctl, pending *p, bool answer)
{
    if (answer) {
        reply_answer(ctl, p);
    } else {
        char msg[NT_MDNS_NAME_MAX * 3];
        ctl->not_found++;
        if (p->req.op == NT_AGENT_OP_RESOLVE_HOST)
            snprintf(msg, sizeof msg, "%s not found", p->req.host);
        else
            snprintf(msg, sizeof msg, "%s.%s.local not found", p->req.instance, p->req.type);
        reply_error(p->conn, NT_ERR_TIMEOUT, msg);
    }
    if (nt_mdns_query_del(nt_runner_engine(ctl->r), p->qid) != NT_OK)
        NT_LOGD("ctl", "query already gone");
    if (ctl->chain)
        nt_chain_view_forget_query(ctl->chain, p->qid);
    p->used = false;
}

static void host_answer(nt_agent_ctl *ctl, pending *p, const nt_mdns_event *ev)
{
    bool have4 = false, have6 = false;
    size_t i, j;
    for (i = 0; i < ev->addr_count && i < NT_MDNS_EVENT_ADDRS_MAX; i++) {
        bool dup = false;
        if ((ev->addrs[i].family == NT_MDNS_INET4 && !p->req.want4) ||
            (ev->addrs[i].family == NT_MDNS_INET6 && !p->req.want6))
            continue;
        for (j = 0; j < p->n_addrs && !dup; j++)
            dup = memcmp(&p->addrs[j], &ev->addrs[i], sizeof ev->addrs[i]) == 0;
        if (!dup && p->n_addrs < ADDRS_MAX) {
            p->addrs[p->n_addrs] = ev->addrs[i];
            p->ifindex[p->n_addrs++] = ev->ifindex;
            if (ev->trust < p->trust)
                p->trust = ev->trust;
        }
    }
    for (i = 0; i < p->n_addrs; i++) {
        have4 = have4 || p->addrs[i].family == NT_MDNS_INET4;
        have6 = have6 || p->addrs[i].family == NT_MDNS_INET6;
    }
    if (p->n_addrs && (have4 || !p->req.want4) && (have6 || !p->req.want6))
        finish(ctl, p, true);
    else if (p->n_addrs && !p->settle_at)
        p->settle_at = nt_runner_now(ctl->r) + OTHER_FAMILY_MS;
}

static void service_answer(nt_agent_ctl *ctl, pending *p, const nt_mdns_event *ev)
{
    if (!ev->have_srv)
        return;
    p->ev = *ev;
    p->have_ev = true;
    p->trust = ev->trust;
    if (nt_resolve_svc_complete(ev, p->req.want4, p->req.want6))
        finish(ctl, p, true);
    else if (ev->addr_count && ev->have_txt && !p->settle_at)
        p->settle_at = nt_runner_now(ctl->r) + OTHER_FAMILY_MS;
}

/* With the agent's chain: the answer at the level the chain makes it, as
 * resolve --rpc takes it (chain_view.h); false for one not to be taken (a
 * key the chain does not bind to the name: wrong-key). A host's last answer
 * is kept to be judged again when the chain's answer comes
 * (nt_agent_ctl_chain_polled). */
static bool chain_judged(nt_agent_ctl *ctl, pending *p, const nt_mdns_event **evp)
{
    static nt_mdns_event show, rej; /* large: not on the stack; one loop thread */
    const nt_mdns_event *ev = *evp;
    uint64_t now = nt_runner_now(ctl->r);
    unsigned flags;
    if (!ctl->chain)
        return true;
    if (ev->kind == NT_MDNS_EV_HOST_RESOLVED) {
        if (ev != &p->ev)
            p->ev = *ev;
        p->have_host = true;
        flags = nt_chain_view_judge_host(ctl->chain, &p->ev, &show, &rej, now);
    } else if (ev->kind == NT_MDNS_EV_SERVICE_ADDED || ev->kind == NT_MDNS_EV_SERVICE_UPDATED) {
        flags = nt_chain_view_judge(ctl->chain, ev, &show, &rej, now);
    } else {
        return true;
    }
    if (!(flags & NT_CHAIN_VIEW_SHOW))
        return false;
    *evp = &show;
    return true;
}

static void pending_event(nt_agent_ctl *ctl, pending *p, const nt_mdns_event *ev)
{
    if (!chain_judged(ctl, p, &ev))
        return;
    /* The chain took back an answer kept (chain_view.h: shown, then
     * rejected): it is no answer any more. */
    if (ev->kind == NT_MDNS_EV_SERVICE_REMOVED && p->have_ev &&
        strcmp(ev->instance, p->ev.instance) == 0 && strcmp(ev->type, p->ev.type) == 0) {
        p->have_ev = false;
        p->settle_at = 0;
        return;
    }
    /* Below the level asked for: as good as none (as resolve --require). */
    if ((nt_trust_level)ev->trust < p->req.require)
        return;
    if (p->req.op == NT_AGENT_OP_RESOLVE_HOST && ev->kind == NT_MDNS_EV_HOST_RESOLVED)
        host_answer(ctl, p, ev);
    else if (p->req.op == NT_AGENT_OP_RESOLVE_SERVICE &&
             (ev->kind == NT_MDNS_EV_SERVICE_ADDED || ev->kind == NT_MDNS_EV_SERVICE_UPDATED))
        service_answer(ctl, p, ev);
    schedule(ctl);
}

void nt_agent_ctl_chain_polled(nt_agent_ctl *ctl)
{
    size_t i;
    for (i = 0; ctl && ctl->chain && i < PENDING_MAX; i++) {
        pending *p = &ctl->p[i];
        if (p->used && p->have_host)
            pending_event(ctl, p, &p->ev);
    }
}

bool nt_agent_ctl_event(nt_agent_ctl *ctl, const nt_mdns_event *ev)
{
    size_t i;
    if (!ctl)
        return false;
    if (ev->kind >= NT_MDNS_EV_PUBLISH_PROBING) {
        nt_ctl_pubs_event(ctl->pubs, ev); /* and on to the log, claims, bus */
        return false;
    }
    if (nt_ctl_browses_event(ctl->browses, ev))
        return true;
    for (i = 0; i < PENDING_MAX; i++) {
        pending *p = &ctl->p[i];
        if (!p->used || p->qid != ev->query)
            continue;
        pending_event(ctl, p, ev);
        return true;
    }
    return false;
}

void nt_agent_ctl_timer(nt_agent_ctl *ctl)
{
    uint64_t now = nt_runner_now(ctl->r);
    size_t i;
    for (i = 0; i < PENDING_MAX; i++) {
        pending *p = &ctl->p[i];
        if (!p->used)
            continue;
        if (p->settle_at && p->settle_at <= now)
            finish(ctl, p, true);
        else if (p->deadline <= now)
            finish(ctl, p, p->req.op == NT_AGENT_OP_RESOLVE_HOST ? p->n_addrs > 0 : p->have_ev);
    }
    nt_ctl_server_flush(ctl->srv);
    schedule(ctl);
}

/* ---- requests ------------------------------------------------------------ */

static void start_resolve(nt_agent_ctl *ctl, nt_ctl_conn *c, const nt_agent_req *req)
{
    nt_mdns_query_config q;
    nt_mdns_stats ms;
    pending *p = NULL;
    nt_status st;
    size_t i;

    for (i = 0; i < PENDING_MAX && !p; i++)
        if (!ctl->p[i].used)
            p = &ctl->p[i];
    if (!p) {
        reply_error(c, NT_ERR_CAP, "too many resolves in progress");
        return;
    }
    ctl->resolves++;
    /* Not the event (about 10 KiB, last): it is written before it is read. */
    memset(p, 0, offsetof(pending, ev));
    p->conn = c;
    p->req = *req;
    p->trust = UINT8_MAX;
    memset(&q, 0, sizeof q);
    q.domain = "local";
    q.immediate = true; /* a person is waiting; cached records are reported at once */
    q.want_ipv4 = req->want4;
    q.want_ipv6 = req->want6;
    if (req->op == NT_AGENT_OP_RESOLVE_HOST) {
        q.kind = NT_MDNS_Q_HOST;
        q.host = req->host;
    } else {
        q.kind = NT_MDNS_Q_RESOLVE;
        q.instance = req->instance;
        q.type = req->type;
    }
    nt_mdns_stats_get(nt_runner_engine(ctl->r), &ms);
    p->packets_in0 = ms.packets_in;
    /* At least a moment: with --timeout 0 the cached answer still counts. */
    p->deadline = nt_runner_now(ctl->r) + (req->timeout_ms > 10 ? req->timeout_ms : 10);
    st = nt_mdns_query_add(nt_runner_engine(ctl->r), &p->qid, &q, nt_runner_now(ctl->r));
    if (st != NT_OK) {
        reply_error(c, st, "cannot start the query");
        return;
    }
    p->used = true;
    /* The cached answers are queued events: taken now, before the engine
     * runs. An answer complete at the level asked is replied to and its
     * query ended here, so no question goes on the wire for it; otherwise
     * the question (due at once: immediate) goes out when the loop runs
     * the engine after this callback, and the reply waits as before. */
    nt_runner_deliver_events(ctl->r);
    schedule(ctl);
}

static void do_feedback(nt_agent_ctl *ctl, nt_ctl_conn *c, const nt_agent_req *req)
{
    char key[NT_RANK_NAME_MAX], why[256] = "";
    nt_rank_store store;
    nt_rank_id id;
    nt_status st = NT_OK;
    nt_dynbuf d;

    ctl->feedback++;
    if (req->type[0])
        st = nt_rank_key(key, req->name, req->type, "local");
    else
        memcpy(key, req->name, strlen(req->name) + 1);
    if (st != NT_OK) {
        reply_error(c, st, "bad instance or type");
        return;
    }
    st = nt_rank_store_open(&store, ctl->state_dir[0] ? ctl->state_dir : NULL, true, 0, why, sizeof why);
    if (st == NT_OK && store.lock_fd < 0)
        st = NT_ERR_NOT_FOUND, snprintf(why, sizeof why, "the agent has no state directory");
    if (st == NT_OK && (st = nt_rank_intern(store.rank, &id, key, nt_rank_clock_ms())) != NT_OK)
        snprintf(why, sizeof why, "%s", nt_strerror(st));
    if (st == NT_OK)
        st = nt_rank_observe(store.rank, id, NT_RANK_SRC_FEEDBACK, req->ok, req->latency_ms,
                             nt_rank_clock_ms());
    if (st == NT_OK && (st = nt_rank_store_save(&store)) != NT_OK)
        snprintf(why, sizeof why, "cannot save: %s", nt_strerror(st));
    nt_rank_store_close(&store);
    if (st != NT_OK) {
        reply_error(c, st, why[0] ? why : nt_strerror(st));
        return;
    }
    nt_dynbuf_init(&d, 1024);
    if (nt_dynbuf_add_str(&d, "{\"ok\":true,\"name\":") == NT_OK &&
        nt_svc_json_str(&d, key, strlen(key)) == NT_OK && nt_dynbuf_add_str(&d, "}") == NT_OK)
        send_reply(c, &d);
    nt_dynbuf_cleanup(&d);
    NT_LOGI("ctl", "feedback %s %s", key, req->ok ? "ok" : "fail");
}

static void do_status(nt_agent_ctl *ctl, nt_ctl_conn *c)
{
    nt_ctl_stats cs;
    nt_mdns_stats ms;
    size_t i, n_pending = 0;
    nt_dynbuf d;

    ctl->status_reqs++;
    nt_ctl_server_stats(ctl->srv, &cs);
    nt_mdns_stats_get(nt_runner_engine(ctl->r), &ms);
    for (i = 0; i < PENDING_MAX; i++)
        n_pending += ctl->p[i].used;
    nt_dynbuf_init(&d, 4096);
    if (nt_dynbuf_addf(&d,
                       "{\"ok\":true,\"control\":{\"accepted\":%llu,\"refused_peer\":%llu,"
                       "\"refused_full\":%llu,\"bad_frames\":%llu,\"slow_closed\":%llu,"
                       "\"requests\":%llu,\"bad_requests\":%llu,\"resolves\":%llu,"
                       "\"from_cache\":%llu,\"not_found\":%llu,\"feedback\":%llu,"
                       "\"status\":%llu,\"pending\":%zu,\"published\":%zu},",
                       (unsigned long long)cs.accepted, (unsigned long long)cs.refused_peer,
                       (unsigned long long)cs.refused_full, (unsigned long long)cs.bad_frames,
                       (unsigned long long)cs.slow_closed, (unsigned long long)cs.requests,
                       (unsigned long long)ctl->bad_requests, (unsigned long long)ctl->resolves,
                       (unsigned long long)ctl->from_cache, (unsigned long long)ctl->not_found,
                       (unsigned long long)ctl->feedback, (unsigned long long)ctl->status_reqs,
                       n_pending, nt_ctl_pubs_count(ctl->pubs)) == NT_OK &&
        nt_dynbuf_addf(&d,
                       "\"engine\":{\"packets_in\":%llu,\"packets_out\":%llu,\"malformed\":%llu,"
                       "\"cache_records\":%llu,\"cache_evictions\":%llu,\"rejected\":%llu,"
                       "\"queries_sent\":%llu,\"responses_sent\":%llu,\"conflicts\":%llu}",
                       (unsigned long long)ms.packets_in, (unsigned long long)ms.packets_out,
                       (unsigned long long)ms.malformed, (unsigned long long)ms.cache_records,
                       (unsigned long long)ms.cache_evictions, (unsigned long long)ms.rejected,
                       (unsigned long long)ms.queries_sent, (unsigned long long)ms.responses_sent,
                       (unsigned long long)ms.conflicts) == NT_OK &&
        nt_ctl_zk_status(ctl->zk, &d) == NT_OK &&
        nt_ctl_ledger_status(ctl->ledger, &d) == NT_OK &&
        nt_dynbuf_add_str(&d, "}") == NT_OK)
        send_reply(c, &d);
    nt_dynbuf_cleanup(&d);
}

static void do_zk_verify(nt_agent_ctl *ctl, nt_ctl_conn *c, const nt_agent_req *req)
{
    char why[160];
    nt_dynbuf d;
    nt_status st;
    nt_dynbuf_init(&d, NT_CTL_MAX_FRAME);
    st = nt_ctl_zk_verify(ctl->zk, c, nt_runner_now(ctl->r), req, &d, why, sizeof why);
    if (st == NT_OK)
        send_reply(c, &d);
    else
        reply_error(c, st, why);
    nt_dynbuf_cleanup(&d);
}

static void on_request(void *ctx, nt_ctl_conn *c, const char *json, size_t len)
{
    nt_agent_ctl *ctl = ctx;
    nt_agent_req req;
    char why[160];

    if (nt_agent_req_parse(&req, json, len, why, sizeof why) != NT_OK) {
        ctl->bad_requests++;
        NT_LOGD("ctl", "bad request from pid %ld: %s", (long)nt_ctl_conn_peer(c)->pid, why);
        reply_error(c, NT_ERR_INVALID_ARG, why);
        return;
    }
    switch (req.op) {
    case NT_AGENT_OP_RESOLVE_HOST:
    case NT_AGENT_OP_RESOLVE_SERVICE:
        start_resolve(ctl, c, &req);
        break;
    case NT_AGENT_OP_FEEDBACK:
        do_feedback(ctl, c, &req);
        break;
    case NT_AGENT_OP_ZK_VERIFY:
        do_zk_verify(ctl, c, &req);
        break;
    case NT_AGENT_OP_PUBLISH:
    case NT_AGENT_OP_WITHDRAW:
        nt_ctl_pubs_request(ctl->pubs, c, &req, json, len);
        schedule(ctl);
        break;
    case NT_AGENT_OP_BROWSE:
        nt_ctl_browses_request(ctl->browses, c, &req);
        schedule(ctl);
        break;
    case NT_AGENT_OP_LEDGER:
        nt_ctl_ledger_request(ctl->ledger, c, &req, reply_error);
        break;
    case NT_AGENT_OP_STATUS:
    default:
        do_status(ctl, c);
        break;
    }
    nt_agent_req_cleanup(&req);
}

/* The peer went away: its resolves are dropped with their queries. */
static void on_close(void *ctx, nt_ctl_conn *c)
{
    nt_agent_ctl *ctl = ctx;
    size_t i;
    ctl->closed++;
    nt_ctl_zk_conn_closed(ctl->zk, c);
    nt_ctl_pubs_conn_closed(ctl->pubs, c);
    nt_ctl_browses_conn_closed(ctl->browses, c);
    nt_ctl_ledger_conn_closed(ctl->ledger, c);
    for (i = 0; i < PENDING_MAX; i++)
        if (ctl->p[i].used && ctl->p[i].conn == c) {
            if (nt_mdns_query_del(nt_runner_engine(ctl->r), ctl->p[i].qid) != NT_OK)
                NT_LOGD("ctl", "query already gone");
            ctl->p[i].used = false;
        }
}

static void on_fd(void *ctx, nt_net_loop *loop, int fd, short events)
{
    nt_agent_ctl *ctl = ctx;
    (void)loop;
    (void)events;
    nt_ctl_server_ready(ctl->srv, fd);
    schedule(ctl);
}

static nt_status watch(void *ctx, int fd, bool on)
{
    nt_agent_ctl *ctl = ctx;
    return on ? nt_runner_add_fd(ctl->r, fd, on_fd, ctl) : nt_runner_del_fd(ctl->r, fd);
}

/* ---- opening ------------------------------------------------------------- */

/* mkdir -p of path's directory, 0755; the last one made is chowned to uid. */
static nt_status make_dir(const char *path, uid_t uid, gid_t gid, char *why, size_t cap)
{
    char dir[NT_CONF_PATH_MAX];
    char *slash, keep;
    size_t i;
    bool made = false;
    snprintf(dir, sizeof dir, "%s", path);
    slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return NT_OK;
    *slash = 0;
    for (i = 1; dir[i - 1]; i++) {
        if (dir[i] != '/' && dir[i] != 0)
            continue;
        keep = dir[i];
        dir[i] = 0;
        if (mkdir(dir, 0755) == 0)
            made = true;
        else if (errno != EEXIST) {
            snprintf(why, cap, "cannot make %s: %s", dir, strerror(errno));
            return NT_ERR_IO;
        }
        dir[i] = keep;
        if (!keep)
            break;
    }
    if (made && uid != (uid_t)-1 && chown(dir, uid, gid) != 0)
        NT_LOGW("ctl", "cannot give %s to the run user: %s", dir, strerror(errno));
    return NT_OK;
}

nt_status nt_agent_ctl_open(nt_agent_ctl **out, nt_runner *r, const nt_conf *c,
                            const char *state_dir, char *why, size_t why_cap)
{
    nt_ctl_server_config sc;
    nt_agent_ctl *ctl;
    uid_t owner = (uid_t)-1;
    gid_t owner_gid = (gid_t)-1, group = (gid_t)-1;
    nt_status st;

    ctl = nt_calloc(1, sizeof *ctl);
    if (!ctl || !(ctl->p = nt_calloc(PENDING_MAX, sizeof *ctl->p))) {
        nt_free(ctl);
        snprintf(why, why_cap, "out of memory");
        return NT_ERR_NOMEM;
    }
    ctl->r = r;
    if (nt_ctl_zk_create(&ctl->zk) != NT_OK) {
        nt_free(ctl->p);
        nt_free(ctl);
        snprintf(why, why_cap, "out of memory");
        return NT_ERR_NOMEM;
    }
    if (state_dir && state_dir[0])
        snprintf(ctl->state_dir, sizeof ctl->state_dir, "%s", state_dir);
    else if (nt_state_dir_default(ctl->state_dir, sizeof ctl->state_dir) != NT_OK)
        ctl->state_dir[0] = 0; /* feedback is refused, said in its reply */
    if ((st = nt_ctl_pubs_create(&ctl->pubs, r, ctl->state_dir)) != NT_OK ||
        (st = nt_ctl_browses_create(&ctl->browses, r, ctl->state_dir)) != NT_OK ||
        (st = nt_ctl_ledger_create(&ctl->ledger, r)) != NT_OK) {
        snprintf(why, why_cap, "out of memory");
        goto fail;
    }
    if ((st = nt_agent_ctl_path(ctl->path, sizeof ctl->path, c)) != NT_OK) {
        snprintf(why, why_cap, "no control socket path: set control-socket or --control");
        goto fail;
    }
    if (c->user[0] && geteuid() == 0) {
        struct passwd *pw = getpwnam(c->user);
        if (pw)
            owner = pw->pw_uid, owner_gid = pw->pw_gid;
    }
    if (c->control_group[0]) {
        struct group *gr = getgrnam(c->control_group);
        if (!gr) {
            snprintf(why, why_cap, "no group '%s' (control-group)", c->control_group);
            st = NT_ERR_INVALID_ARG;
            goto fail;
        }
        group = gr->gr_gid;
    }
    if ((st = make_dir(ctl->path, owner, owner_gid, why, why_cap)) != NT_OK)
        goto fail;
    memset(&sc, 0, sizeof sc);
    sc.path = ctl->path;
    sc.owner = owner;
    sc.group = group;
    sc.on_request = on_request;
    sc.on_close = on_close;
    sc.ctx = ctl;
    sc.watch = watch;
    sc.watch_ctx = ctl;
    if ((st = nt_ctl_server_open(&ctl->srv, &sc)) != NT_OK) {
        snprintf(why, why_cap, "control socket %s: %s", ctl->path, nt_strerror(st));
        goto fail;
    }
    NT_LOGI("ctl", "control socket %s", ctl->path);
    *out = ctl;
    return NT_OK;
fail:
    nt_ctl_zk_destroy(ctl->zk);
    nt_ctl_pubs_destroy(ctl->pubs);
    nt_ctl_browses_destroy(ctl->browses);
    nt_ctl_ledger_destroy(ctl->ledger);
    nt_free(ctl->p);
    nt_free(ctl);
    return st;
}

void nt_agent_ctl_close(nt_agent_ctl *ctl)
{
    if (!ctl)
        return;
    nt_ctl_server_close(ctl->srv);
    nt_ctl_zk_destroy(ctl->zk);
    nt_ctl_pubs_destroy(ctl->pubs);
    nt_ctl_browses_destroy(ctl->browses);
    nt_ctl_ledger_destroy(ctl->ledger);
    nt_free(ctl->p);
    nt_free(ctl);
}

void nt_agent_ctl_set_anchor(nt_agent_ctl *ctl, struct nt_pub_anchor *pa, const char *state,
                             uint64_t chain_id)
{
    if (ctl)
        nt_ctl_ledger_set_anchor(ctl->ledger, pa, state, chain_id);
}

void nt_agent_ctl_set_chain(nt_agent_ctl *ctl, struct nt_chain_view *chain)
{
    if (!ctl)
        return;
    ctl->chain = chain;
    nt_ctl_browses_set_chain(ctl->browses, chain);
}

void nt_agent_ctl_start_publish(nt_agent_ctl *ctl, nt_agent_pubs *pubs,
                                nt_trust_hooks *hooks)
{
    if (!ctl)
        return;
    nt_ctl_pubs_start(ctl->pubs, pubs);
    nt_ctl_browses_set_hooks(ctl->browses, hooks);
}
