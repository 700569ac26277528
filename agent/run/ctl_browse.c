/* browse through the agent's control socket (ctl_browse.h). The lines are
 * made as tools/cmd_browse.c makes them for the same options. */
#include <stdio.h>
#include <string.h>

#include "ctl_browse.h"
#include "nautilus/codec.h"
#include "nautilus/log.h"
#include "nautilus/mem.h"
#include "rank_cli.h"
#include "svc_format.h"

#define SHOWN_MAX 256u /* instances shown per browse (for --require) */

typedef struct cbrowse {
    bool used;
    nt_ctl_conn *conn;
    nt_mdns_query_id qid;
    bool json, resolve;
    nt_trust_level require;
    char *shown[SHOWN_MAX]; /* "instance\x1ftype" shown as added */
    size_t nshown;
    nt_rank_store rank;     /* json: the agent's evidence, read at the start */
} cbrowse;

struct nt_ctl_browses {
    nt_runner *r;
    const nt_trust_hooks *hooks;
    char state_dir[NT_CONF_PATH_MAX];
    nt_dynbuf line, frame;
    cbrowse items[NT_CTL_BROWSE_MAX];
};

nt_status nt_ctl_browses_create(nt_ctl_browses **out, nt_runner *r, const char *state_dir)
{
    nt_ctl_browses *b = nt_calloc(1, sizeof *b);
    if (!b)
        return NT_ERR_NOMEM;
    b->r = r;
    snprintf(b->state_dir, sizeof b->state_dir, "%s", state_dir ? state_dir : "");
    nt_dynbuf_init(&b->line, NT_CTL_MAX_FRAME / 2);
    nt_dynbuf_init(&b->frame, NT_CTL_MAX_FRAME);
    *out = b;
    return NT_OK;
}

static void drop(nt_ctl_browses *b, cbrowse *e)
{
    if (nt_mdns_query_del(nt_runner_engine(b->r), e->qid) != NT_OK)
        NT_LOGD("ctl", "browse query already gone");
    while (e->nshown)
        nt_free(e->shown[--e->nshown]);
    nt_rank_store_close(&e->rank);
    e->used = false;
}

void nt_ctl_browses_destroy(nt_ctl_browses *b)
{
    size_t i;
    if (!b)
        return;
    for (i = 0; i < NT_CTL_BROWSE_MAX; i++) {
        while (b->items[i].nshown)
            nt_free(b->items[i].shown[--b->items[i].nshown]);
        if (b->items[i].used)
            nt_rank_store_close(&b->items[i].rank);
    }
    nt_dynbuf_cleanup(&b->line);
    nt_dynbuf_cleanup(&b->frame);
    nt_free(b);
}

void nt_ctl_browses_set_hooks(nt_ctl_browses *b, const nt_trust_hooks *hooks)
{
    if (b)
        b->hooks = hooks;
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

/* ---- the lines, as browse prints them -------------------------------------- */

static bool signer_of(const nt_ctl_browses *b, const nt_mdns_event *ev, nt_trust_signer_info *info)
{
    nt_dns_name parent, full;
    char text[NT_MDNS_NAME_MAX * 2];
    snprintf(text, sizeof text, "%s.%s", ev->type, ev->domain[0] ? ev->domain : "local");
    return b->hooks && ev->kind != NT_MDNS_EV_REJECTED &&
           nt_dns_name_from_str(&parent, text) == NT_OK &&
           nt_dns_name_prepend(&full, (const uint8_t *)ev->instance, strlen(ev->instance),
                               &parent) == NT_OK &&
           nt_trust_hooks_signer_of(b->hooks, &full, info) == NT_OK &&
           info->level != NT_TRUST_UNSIGNED;
}

static const char *family_label(const nt_runner *r, const nt_mdns_event *ev)
{
    size_t i;
    const nt_net_iface *ifc;
    for (i = 0; i < ev->addr_count && i < NT_MDNS_EVENT_ADDRS_MAX; i++)
        if (ev->addrs[i].family == NT_MDNS_INET4)
            return "IPv4";
    if (ev->addr_count > 0)
        return "IPv6";
    ifc = nt_net_iface_find(nt_runner_ifaces(r), ev->ifindex);
    return (ifc && !nt_net_iface_first_addr(ifc, NT_NET_IPV4, false)) ? "IPv6" : "IPv4";
}

static nt_status trust_text(nt_dynbuf *d, const nt_mdns_event *ev, const nt_trust_signer_info *si)
{
    nt_status st = nt_dynbuf_add_str(d, nt_trust_level_name((nt_trust_level)ev->trust));
    if (st == NT_OK && si && si->pin == NT_TRUST_PIN_TOFU)
        st = nt_dynbuf_add_str(d, si->first_seen ? " (tofu, first seen)" : " (tofu)");
    return st;
}

static nt_status resolved_lines(nt_ctl_browses *b, const nt_mdns_event *ev,
                                const nt_trust_signer_info *si)
{
    nt_dynbuf *d = &b->line;
    const char *ifname = nt_runner_ifname(b->r, ev->ifindex);
    const char *domain = ev->domain[0] ? ev->domain : "local";
    size_t i, n = ev->addr_count < NT_MDNS_EVENT_ADDRS_MAX ? ev->addr_count
                                                          : NT_MDNS_EVENT_ADDRS_MAX;
    nt_status st = NT_OK;
    for (i = 0; st == NT_OK && i < (n ? n : 1); i++) {
        const char *fam = n ? (ev->addrs[i].family == NT_MDNS_INET4 ? "IPv4" : "IPv6")
                            : family_label(b->r, ev);
        st = nt_dynbuf_addf(d, "= %s %s %s %s %s\n   hostname = [%s]\n   address = [", ifname,
                            fam, ev->instance, ev->type, domain, ev->host);
        if (st == NT_OK && n)
            st = nt_svc_addr(d, &ev->addrs[i]);
        if (st == NT_OK)
            st = nt_dynbuf_addf(d, "]\n   port = [%u]\n   txt = ", (unsigned)ev->port);
        if (st == NT_OK)
            st = nt_svc_txt_text(d, ev->have_txt ? ev->txt : NULL, ev->have_txt ? ev->txt_len : 0);
        if (st == NT_OK)
            st = nt_dynbuf_add_str(d, "\n   trust = [");
        if (st == NT_OK)
            st = trust_text(d, ev, si);
        if (st == NT_OK)
            st = nt_dynbuf_add_str(d, "]\n");
    }
    return st;
}

static nt_status human_line(nt_ctl_browses *b, char mark, const nt_mdns_event *ev)
{
    nt_status st = nt_dynbuf_addf(&b->line, "%c %s %s %s %s %s%s%s\n", mark,
                                  nt_runner_ifname(b->r, ev->ifindex), family_label(b->r, ev),
                                  ev->instance, ev->type, ev->domain[0] ? ev->domain : "local",
                                  ev->reason[0] ? " " : "", ev->reason);
    return st;
}

static const char *pin_name(nt_trust_pin pin)
{
    return pin == NT_TRUST_PIN_OPERATOR ? "operator"
           : pin == NT_TRUST_PIN_TOFU   ? "tofu"
           : pin == NT_TRUST_PIN_CHAIN  ? "chain"
                                        : NULL;
}

static nt_status json_line(nt_ctl_browses *b, nt_rank *rank, const char *kind,
                           const nt_mdns_event *ev, const nt_trust_signer_info *si)
{
    nt_dynbuf *d = &b->line;
    char key_hex[65];
    bool have_key = si && nt_hex_encode(key_hex, sizeof key_hex, si->key_digest, 32) == NT_OK;
    const char *pin = have_key ? pin_name(si->pin) : NULL;
    nt_status st = nt_svc_event_json(d, kind, ev, nt_runner_ifname(b->r, ev->ifindex),
                                     have_key ? key_hex : NULL);
    if (st != NT_OK || d->len == 0 || d->data[d->len - 1] != '}')
        return st != NT_OK ? st : NT_ERR_INVALID_ARG;
    d->len--;
    st = pin ? nt_dynbuf_addf(d, ",\"pin\":\"%s\"", pin) : nt_dynbuf_add_str(d, ",\"pin\":null");
    if (st == NT_OK && have_key && si->pin == NT_TRUST_PIN_TOFU && si->first_seen)
        st = nt_dynbuf_add_str(d, ",\"first_seen\":true");
    if (st == NT_OK && ev->kind == NT_MDNS_EV_REJECTED)
        st = nt_dynbuf_add_str(d, ",\"count\":1");
    if (st == NT_OK && rank && ev->kind != NT_MDNS_EV_REJECTED)
        st = nt_rank_cli_event_json(d, rank, ev);
    return st == NT_OK ? nt_dynbuf_add_str(d, "}\n") : st;
}

/* ---- events ---------------------------------------------------------------- */

static bool event_kind(const nt_mdns_event *ev, const char **kind, char *mark)
{
    switch (ev->kind) {
    case NT_MDNS_EV_SERVICE_ADDED:
        *kind = "added", *mark = '+';
        return true;
    case NT_MDNS_EV_SERVICE_UPDATED:
        *kind = "updated", *mark = '=';
        return true;
    case NT_MDNS_EV_SERVICE_REMOVED:
        *kind = "removed", *mark = '-';
        return true;
    case NT_MDNS_EV_REJECTED:
        *kind = "rejected", *mark = '!';
        return true;
    default:
        return false;
    }
}

/* --require: as browse's policy; a removal only of what was shown. */
static bool allows(cbrowse *e, const nt_mdns_event *ev)
{
    char key[NT_MDNS_LABEL_MAX * 4 + NT_MDNS_NAME_MAX + 2];
    size_t at;
    snprintf(key, sizeof key, "%s\x1f%s", ev->instance, ev->type);
    for (at = 0; at < e->nshown && strcmp(e->shown[at], key) != 0; at++)
        ;
    if (ev->kind == NT_MDNS_EV_REJECTED)
        return true;
    if (ev->kind == NT_MDNS_EV_SERVICE_REMOVED) {
        if (at == e->nshown)
            return false;
        nt_free(e->shown[at]);
        e->shown[at] = e->shown[--e->nshown];
        return true;
    }
    if ((nt_trust_level)ev->trust < e->require)
        return false;
    if (at == e->nshown && e->nshown < SHOWN_MAX) {
        char *copy = nt_strdup(key);
        if (copy)
            e->shown[e->nshown++] = copy;
    }
    return true;
}

static nt_status lines(nt_ctl_browses *b, cbrowse *e, const char *kind, char mark,
                       const nt_mdns_event *ev, bool *skip)
{
    nt_trust_signer_info info;
    const nt_trust_signer_info *si = signer_of(b, ev, &info) ? &info : NULL;
    bool usable = e->resolve && ev->have_srv && ev->addr_count > 0;
    nt_status st;

    *skip = false;
    if (e->json)
        return json_line(b, e->rank.rank, kind, ev, si);
    if (mark == '=' && !usable) {
        *skip = true;
        return NT_OK;
    }
    st = mark == '=' ? NT_OK : human_line(b, mark, ev);
    if (st == NT_OK && (mark == '=' || (mark == '+' && usable)))
        st = resolved_lines(b, ev, si);
    return st;
}

bool nt_ctl_browses_event(nt_ctl_browses *b, const nt_mdns_event *ev)
{
    const char *kind;
    char mark;
    cbrowse *e = NULL;
    bool skip;
    size_t i;

    for (i = 0; b && i < NT_CTL_BROWSE_MAX && !e; i++)
        if (b->items[i].used && b->items[i].qid == ev->query)
            e = &b->items[i];
    if (!e)
        return false;
    if (!event_kind(ev, &kind, &mark) || !allows(e, ev))
        return true;
    nt_dynbuf_reset(&b->line);
    if (lines(b, e, kind, mark, ev, &skip) != NT_OK)
        NT_LOGW("ctl", "browse: event not sent (too large)");
    else if (!skip)
        send_frame(b, e->conn, true,
                   ev->kind == NT_MDNS_EV_SERVICE_ADDED || ev->kind == NT_MDNS_EV_SERVICE_UPDATED,
                   (const char *)b->line.data, b->line.len, NT_OK);
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
    memset(&q, 0, sizeof q);
    q.kind = NT_MDNS_Q_BROWSE;
    q.type = req->type;
    q.domain = "local";
    q.resolve = req->resolve || req->json;
    q.immediate = true; /* what the agent has cached is reported at once */
    st = nt_mdns_query_add(nt_runner_engine(b->r), &e->qid, &q, nt_runner_now(b->r));
    if (st != NT_OK) {
        const char *msg = "cannot browse that type";
        send_frame(b, c, false, false, msg, strlen(msg), st);
        return;
    }
    /* The agent's evidence, read once as browse --json reads its own
     * (a damaged file: no score, said in the log). */
    e->rank.lock_fd = -1;
    if (req->json && nt_rank_cli_load(&e->rank, b->state_dir[0] ? b->state_dir : NULL) != 0)
        NT_LOGW("ctl", "browse: no ranking evidence for this client");
    e->used = true;
    e->conn = c;
    e->json = req->json;
    e->resolve = req->resolve;
    e->require = req->require;
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
