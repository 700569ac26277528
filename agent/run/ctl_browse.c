/* browse through the agent's control socket (ctl_browse.h). The lines are
 * made by browse_out.c, as an in-process browse makes them for the same
 * options. */
#include <stdio.h>
#include <string.h>

#include "browse_priv.h"
#include "ctl_browse.h"
#include "nautilus/codec.h"
#include "nautilus/log.h"
#include "nautilus/mem.h"
#include "rank_cli.h"
#include "svc_format.h"

typedef struct cbrowse {
    bool used;
    bool found_now; /* the event being printed is an addition or update */
    nt_ctl_conn *conn;
    nt_ctl_browses *owner;
    nt_mdns_query_id qid;
    /* --json, --resolve, --require, the shown instances, the ranking's
     * evidence, the agent's chain and the line: as an in-process browse
     * keeps them, so that browse_out.c prints both (no bus, no waiting
     * for late proofs, no aggregation). */
    browse_state *bs;
} cbrowse;

struct nt_ctl_browses {
    nt_runner *r;
    nt_trust_hooks *hooks;
    nt_chain_view *chain; /* the agent's ([chain] rpc-url, registry); may be NULL */
    char state_dir[NT_CONF_PATH_MAX];
    nt_dynbuf frame;
    cbrowse items[NT_CTL_BROWSE_MAX];
};

nt_status nt_ctl_browses_create(nt_ctl_browses **out, nt_runner *r, const char *state_dir)
{
    nt_ctl_browses *b = nt_calloc(1, sizeof *b);
    if (!b)
        return NT_ERR_NOMEM;
    b->r = r;
    snprintf(b->state_dir, sizeof b->state_dir, "%s", state_dir ? state_dir : "");
    nt_dynbuf_init(&b->frame, NT_CTL_MAX_FRAME);
    *out = b;
    return NT_OK;
}

static void state_free(cbrowse *e)
{
    if (e->bs)
        nt_browse_state_cleanup(e->bs);
    nt_free(e->bs);
    e->bs = NULL;
}

static void drop(nt_ctl_browses *b, cbrowse *e)
{
    if (nt_mdns_query_del(nt_runner_engine(b->r), e->qid) != NT_OK)
        NT_LOGD("ctl", "browse query already gone");
    nt_chain_view_forget_query(b->chain, e->qid);
    state_free(e);
    e->used = false;
}

void nt_ctl_browses_destroy(nt_ctl_browses *b)
{
    size_t i;
    if (!b)
        return;
    for (i = 0; i < NT_CTL_BROWSE_MAX; i++)
        state_free(&b->items[i]);
    nt_dynbuf_cleanup(&b->frame);
    nt_free(b);
}

void nt_ctl_browses_set_hooks(nt_ctl_browses *b, nt_trust_hooks *hooks)
{
    if (b)
        b->hooks = hooks;
}

void nt_ctl_browses_set_chain(nt_ctl_browses *b, nt_chain_view *chain)
{
    if (b)
        b->chain = chain;
}

/* ---- frames ---------------------------------------------------------------- */

static void send_frame(nt_ctl_browses *b, nt_ctl_conn *c, bool ok, bool found, const char *text,
                       size_t len, nt_status st)
{
    nt_dynbuf *d = &b->frame;
    nt_status s2;
    nt_dynbuf_reset(d);
    if (ok)
        s2 = nt_dynbuf_addf(d, "{\"ok\":true,\"found\":%s,\"text\":", found ? "true" : "false");
    else
        s2 = nt_dynbuf_add_str(d, "{\"ok\":false,\"error\":");
    if (s2 == NT_OK)
        s2 = nt_svc_json_str(d, text, len);
    if (s2 == NT_OK)
        s2 = ok ? nt_dynbuf_add_str(d, "}")
                : nt_dynbuf_addf(d, ",\"status\":\"%s\"}", nt_status_name(st));
    if (s2 == NT_OK && nt_ctl_reply(c, (const char *)d->data, d->len) != NT_OK)
        NT_LOGD("ctl", "browse: frame dropped (connection closed)");
}

/* ---- events ---------------------------------------------------------------- */

/* browse_out.c's lines for one event, sent as one frame. */
static void emit_frame(void *ctx, const char *text, size_t len)
{
    cbrowse *e = ctx;
    send_frame(e->owner, e->conn, true, e->found_now, text, len, NT_OK);
}

/* One event as the chain makes it (chain_view.h), with the agent's proof
 * verdict (its [zk] keys) as an in-process browse --zk-vk shows it, printed
 * for the client. */
static void judged(void *ctx, const nt_mdns_event *raw)
{
    static nt_mdns_event fixed; /* large: not on the stack; one loop thread */
    cbrowse *e = ctx;
    const nt_mdns_event *ev;
    nt_trust_zk_info zi;
    const char *kind;
    char mark;
    bool zk;
    if (!nt_browse_event_kind(raw, &kind, &mark))
        return;
    ev = nt_browse_zk_view(e->bs, e->owner->r, raw, &fixed, &zi, &zk);
    if (!nt_browse_policy_allows(e->bs, ev))
        return;
    e->found_now =
        ev->kind == NT_MDNS_EV_SERVICE_ADDED || ev->kind == NT_MDNS_EV_SERVICE_UPDATED;
    /* Rejections one by one (count 1): no aggregation here. */
    nt_browse_print_event(e->bs, e->owner->r, kind, mark, ev, zk ? &zi : NULL, 1);
}

bool nt_ctl_browses_event(nt_ctl_browses *b, const nt_mdns_event *ev)
{
    cbrowse *e = NULL;
    size_t i;

    for (i = 0; b && i < NT_CTL_BROWSE_MAX && !e; i++)
        if (b->items[i].used && b->items[i].qid == ev->query)
            e = &b->items[i];
    if (!e)
        return false;
    e->bs->hooks = b->hooks; /* NULL until the daemon has set them */
    e->bs->chain = b->hooks ? b->chain : NULL;
    /* The same judgement as the bus's (agent_daemon.c); the view follows
     * this query's instances and reports them again here when the
     * chain's answer changes them. */
    nt_chain_view_pass(e->bs->chain, ev, nt_runner_now(b->r), judged, e);
    return true;
}

void nt_ctl_browses_request(nt_ctl_browses *b, nt_ctl_conn *c, const nt_agent_req *req)
{
    nt_mdns_query_config q;
    cbrowse *e = NULL;
    nt_status st;
    size_t i;

    for (i = 0; i < NT_CTL_BROWSE_MAX && !e; i++)
        if (!b->items[i].used)
            e = &b->items[i];
    if (!e) {
        const char *msg = "too many browses through the agent (at most 16)";
        send_frame(b, c, false, false, msg, strlen(msg), NT_ERR_CAP);
        return;
    }
    memset(e, 0, sizeof *e);
    if (!(e->bs = nt_calloc(1, sizeof *e->bs))) {
        const char *msg = "out of memory";
        send_frame(b, c, false, false, msg, strlen(msg), NT_ERR_NOMEM);
        return;
    }
    memset(&q, 0, sizeof q);
    q.kind = NT_MDNS_Q_BROWSE;
    q.type = req->type;
    q.domain = "local";
    q.resolve = req->resolve || req->json;
    q.immediate = true; /* what the agent has cached is reported at once */
    st = nt_mdns_query_add(nt_runner_engine(b->r), &e->qid, &q, nt_runner_now(b->r));
    if (st != NT_OK) {
        const char *msg = "cannot browse that type";
        state_free(e);
        send_frame(b, c, false, false, msg, strlen(msg), st);
        return;
    }
    /* The agent's evidence, read once as browse --json reads its own
     * (a damaged file: no score, said in the log). */
    e->bs->rank.lock_fd = -1;
    if (req->json &&
        nt_rank_cli_load(&e->bs->rank, b->state_dir[0] ? b->state_dir : NULL) != 0)
        NT_LOGW("ctl", "browse: no ranking evidence for this client");
    nt_dynbuf_init(&e->bs->line, NT_CTL_MAX_FRAME / 2);
    e->bs->json = req->json;
    e->bs->resolve = req->resolve;
    e->bs->require = req->require;
    e->bs->runner = b->r;
    e->bs->hooks = b->hooks;
    e->bs->emit = emit_frame;
    e->bs->emit_ctx = e;
    e->used = true;
    e->conn = c;
    e->owner = b;
    /* An empty frame: the browse runs (the client may start its clock). */
    send_frame(b, c, true, false, "", 0, NT_OK);
    NT_LOGI("ctl", "browsing %s for a client", req->type);
}

void nt_ctl_browses_conn_closed(nt_ctl_browses *b, nt_ctl_conn *c)
{
    size_t i;
    for (i = 0; b && i < NT_CTL_BROWSE_MAX; i++)
        if (b->items[i].used && b->items[i].conn == c)
            drop(b, &b->items[i]);
}
