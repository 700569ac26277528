/* nautilus agent: its trust decisions on the bus (agent.h, DESIGN §6, §8.1),
 * through the publisher browse --bus-endpoint uses (bus_glue.h). */
#include <string.h>

#include "agent.h"
#include "bus_glue.h"
#include "cli.h"
#include "nautilus/log.h"

int nt_agent_bus_start(nt_bus_pub **out, const nt_conf *c, const char *label)
{
    nt_bus_glue_opts o;
    int code;
    char pub[NT_CONF_PATH_MAX], snap[NT_CONF_PATH_MAX];

    *out = NULL;
    if (!c->bus_endpoint[0]) {
        if (c->snapshot_endpoint[0] || c->curve_secret_file[0] || c->curve_clients_file[0])
            NT_LOGW("agent", "[bus] settings without an endpoint: no bus");
        return NT_EXIT_OK;
    }
    if (!c->curve_secret_file[0] != !c->curve_clients_file[0])
        return nt_cli_usage_error("agent: [bus] curve-secret-key-file and curve-allowed-clients "
                                  "go together");
    memset(&o, 0, sizeof o);
    o.endpoint = c->bus_endpoint;
    o.snapshot = c->snapshot_endpoint[0] ? c->snapshot_endpoint : NULL;
    o.curve_key = c->curve_secret_file[0] ? c->curve_secret_file : NULL;
    o.curve_allow = c->curve_clients_file[0] ? c->curve_clients_file : NULL;
    o.state = c->state_dir[0] ? c->state_dir : NULL;
    o.host = label; /* the name the agent's key is known by (DESIGN §3) */
    o.hwm = (int)c->bus_hwm;
    code = nt_bus_glue_start("agent", &o, out);
    if (code != NT_EXIT_OK)
        return code;
    nt_bus_pub_endpoints(*out, pub, sizeof pub, snap, sizeof snap);
    NT_LOGI("agent", "bus on %s%s%s%s (agent.started)", pub, snap[0] ? ", snapshots on " : "",
            snap, o.curve_key ? ", CURVE" : "");
    return NT_EXIT_OK;
}

void nt_agent_bus_reload(const nt_conf *old, const nt_conf *c)
{
    if (strcmp(old->bus_endpoint, c->bus_endpoint) != 0 ||
        strcmp(old->snapshot_endpoint, c->snapshot_endpoint) != 0 ||
        strcmp(old->curve_secret_file, c->curve_secret_file) != 0 ||
        strcmp(old->curve_clients_file, c->curve_clients_file) != 0 || old->bus_hwm != c->bus_hwm)
        NT_LOGW("agent", "reload: the bus keeps its sockets, keys and run (seq continues); "
                "[bus] changes apply at the next restart");
}

void nt_agent_bus_event(nt_bus_pub *bus, const nt_trust_hooks *hooks,
                        const struct nt_chain_view *chain, nt_runner *r, const nt_mdns_event *ev,
                        const nt_conf *c)
{
    nt_bus_glue_engine_event(bus, hooks, chain, r, ev, c->require);
}

void nt_agent_bus_stop(nt_bus_pub *bus)
{
    nt_bus_pub_stats s;
    if (!bus)
        return;
    nt_bus_pub_get_stats(bus, &s);
    NT_LOGI("agent", "bus: %llu events published, %llu dropped, %llu snapshots (agent.stopping)",
            (unsigned long long)s.published, (unsigned long long)s.dropped,
            (unsigned long long)s.snapshots);
    nt_bus_pub_destroy(bus);
}
