/* nautilus agent: continuous browsing of the configured types, or of every
 * type the LAN enumerates (RFC 6763 §9) when none is configured (agent.h). */
#include <stdio.h>
#include <string.h>

#include "agent.h"
#include "nautilus/log.h"

static nt_status browse_add(nt_agent_browse *b, nt_runner *r, const char *type)
{
    nt_mdns_query_config q;
    nt_status st;
    if (b->n == NT_CONF_BROWSE_MAX)
        return NT_ERR_CAP;
    memset(&q, 0, sizeof q);
    q.kind = NT_MDNS_Q_BROWSE;
    q.type = type;
    q.resolve = true;
    st = nt_mdns_query_add(nt_runner_engine(r), &b->ids[b->n], &q, nt_runner_now(r));
    if (st != NT_OK)
        return st;
    snprintf(b->types[b->n], sizeof b->types[b->n], "%s", type);
    b->n++;
    NT_LOGI("agent", "browsing %s", type);
    return NT_OK;
}

static bool listed(const nt_conf *c, const char *type)
{
    size_t i;
    for (i = 0; i < c->n_browse; i++)
        if (strcmp(c->browse[i], type) == 0)
            return true;
    return false;
}

static void enumerate(nt_agent_browse *b, nt_runner *r, bool on)
{
    nt_mdns_query_config q;
    if (on == b->enumerate)
        return;
    if (!on) {
        if (nt_mdns_query_del(nt_runner_engine(r), b->enum_id) != NT_OK)
            NT_LOGD("agent", "type enumeration had stopped");
        b->enumerate = false;
        return;
    }
    memset(&q, 0, sizeof q);
    q.kind = NT_MDNS_Q_TYPES;
    if (nt_mdns_query_add(nt_runner_engine(r), &b->enum_id, &q, nt_runner_now(r)) != NT_OK) {
        NT_LOGW("agent", "cannot enumerate service types");
        return;
    }
    b->enumerate = true;
    NT_LOGI("agent", "browsing every type the LAN enumerates");
}

void nt_agent_browse_sync(nt_agent_browse *b, nt_runner *r, const nt_conf *c)
{
    size_t i = 0, j;
    nt_status st;
    b->require = c->require;
    /* With types configured, the enumerated ones go too. */
    while (i < b->n) {
        if (c->n_browse == 0 ? b->enumerate : listed(c, b->types[i])) {
            i++;
            continue;
        }
        if (nt_mdns_query_del(nt_runner_engine(r), b->ids[i]) != NT_OK)
            NT_LOGD("agent", "browse of %s had stopped", b->types[i]);
        NT_LOGI("agent", "no longer browsing %s", b->types[i]);
        b->n--;
        memmove(&b->types[i], &b->types[i + 1], (b->n - i) * sizeof b->types[0]);
        memmove(&b->ids[i], &b->ids[i + 1], (b->n - i) * sizeof b->ids[0]);
    }
    for (j = 0; j < c->n_browse; j++) {
        for (i = 0; i < b->n && strcmp(b->types[i], c->browse[j]) != 0; i++)
            ;
        if (i == b->n && (st = browse_add(b, r, c->browse[j])) != NT_OK)
            NT_LOGE("agent", "cannot browse %s: %s", c->browse[j], nt_strerror(st));
    }
    enumerate(b, r, c->n_browse == 0);
}

bool nt_agent_browse_owns(const nt_agent_browse *b, nt_mdns_query_id query)
{
    size_t i;
    for (i = 0; i < b->n; i++)
        if (b->ids[i] == query)
            return true;
    return false;
}

static void log_service(const nt_agent_browse *b, const nt_mdns_event *ev, const char *what)
{
    if (ev->trust < (uint8_t)b->require)
        return; /* below --require: hidden, as browse hides it */
    NT_LOGI("browse", "%s \"%s\" %s host %s port %u trust %s", what, ev->instance, ev->type,
            ev->have_srv ? ev->host : "?", (unsigned)ev->port,
            nt_trust_level_name((nt_trust_level)ev->trust));
}

void nt_agent_browse_event(nt_agent_browse *b, nt_runner *r, const nt_mdns_event *ev)
{
    size_t i;
    switch (ev->kind) {
    case NT_MDNS_EV_SERVICE_ADDED: log_service(b, ev, "added"); break;
    case NT_MDNS_EV_SERVICE_UPDATED: log_service(b, ev, "updated"); break;
    case NT_MDNS_EV_SERVICE_REMOVED: log_service(b, ev, "removed"); break;
    case NT_MDNS_EV_REJECTED:
        NT_LOGW("browse", "rejected \"%s\" %s: %s", ev->instance, ev->type, ev->reason);
        break;
    case NT_MDNS_EV_TYPE_ADDED:
        if (!b->enumerate || ev->query != b->enum_id)
            break;
        for (i = 0; i < b->n && strcmp(b->types[i], ev->type) != 0; i++)
            ;
        if (i == b->n && browse_add(b, r, ev->type) != NT_OK)
            NT_LOGW("agent", "not browsing %s: at most %u types", ev->type, NT_CONF_BROWSE_MAX);
        break;
    default:
        break;
    }
}
