/* tools/bus_glue.c: a command's decisions on the trust-event bus. */
#include <stdio.h>
#include <string.h>

#include "bus_glue.h"
#include "cli.h"
#include "mdns_runner.h"
#include "nautilus/crypto.h"
#include "nautilus/log.h"

bool nt_bus_glue_option(const char *cmd, int argc, char **argv, int *i, nt_bus_glue_opts *o,
                        int *code)
{
    const char *a = argv[*i];
    const char **slot = strcmp(a, "--bus-endpoint") == 0         ? &o->endpoint
                        : strcmp(a, "--snapshot-endpoint") == 0  ? &o->snapshot
                        : strcmp(a, "--bus-curve-key-file") == 0 ? &o->curve_key
                        : strcmp(a, "--bus-curve-allow") == 0    ? &o->curve_allow
                        : strcmp(a, "--state") == 0              ? &o->state
                        : strcmp(a, "--bus-host") == 0           ? &o->host
                                                                 : NULL;
    if (!slot)
        return false;
    if (*i + 1 >= argc || argv[*i + 1][0] == 0) {
        *code = nt_cli_usage_error("%s: %s needs a value", cmd, a);
        return true;
    }
    *slot = argv[++*i];
    *code = NT_EXIT_OK;
    return true;
}

static int check(const char *cmd, const nt_bus_glue_opts *o)
{
    if (!o->endpoint && (o->snapshot || o->curve_key || o->curve_allow || o->host))
        return nt_cli_usage_error("%s: bus options need --bus-endpoint", cmd);
    if (!o->curve_key != !o->curve_allow)
        return nt_cli_usage_error("%s: --bus-curve-key-file and --bus-curve-allow go together",
                                  cmd);
    return NT_EXIT_OK;
}

int nt_bus_glue_start(const char *cmd, const nt_bus_glue_opts *o, nt_bus_pub **out)
{
    char state_buf[4096], host[300], why[256];
    const char *state = o->state, *which = NULL;
    nt_bus_pub_config c;
    nt_identity id;
    nt_status st;
    int code = check(cmd, o);
    *out = NULL;
    if (code != NT_EXIT_OK || !o->endpoint)
        return code;
    if (!state) {
        if (nt_state_dir_default(state_buf, sizeof state_buf) != NT_OK)
            return nt_cli_usage_error("%s: no state directory: give --state DIR", cmd);
        state = state_buf;
    }
    if (nt_runner_host_name(host, sizeof host, o->host) != NT_OK)
        return nt_cli_usage_error("%s: bad --bus-host '%s'", cmd, o->host ? o->host : "");
    st = nt_identity_load(&id, state, &which);
    if (st != NT_OK)
        return nt_cli_usage_error("%s: cannot use the keys in %s%s%s: %s", cmd, state,
                                  which && which != state ? "/" : "",
                                  which && which != state ? which : "", nt_strerror(st));
    memset(&c, 0, sizeof c);
    c.endpoint = o->endpoint;
    c.snapshot_endpoint = o->snapshot;
    c.key = &id.sign;
    c.host = host;
    c.curve_secret_file = o->curve_key;
    c.curve_allow_file = o->curve_allow;
    st = nt_bus_pub_create(out, &c, why, sizeof why);
    nt_identity_wipe(&id);
    if (st != NT_OK)
        return nt_cli_usage_error("%s: bus: %s", cmd, why[0] ? why : nt_strerror(st));
    return NT_EXIT_OK;
}

/* The topic of a browse event (a proof's rejection is proof.rejected). */
static bool topic_of(const nt_mdns_event *ev, const char *kind, nt_bus_topic *t)
{
    if (ev->kind == NT_MDNS_EV_PUBLISH_CONFLICT)
        *t = NT_BUS_SERVICE_CONFLICT;
    else if (strcmp(kind, "added") == 0)
        *t = NT_BUS_SERVICE_ADDED;
    else if (strcmp(kind, "updated") == 0)
        *t = NT_BUS_SERVICE_UPDATED;
    else if (strcmp(kind, "removed") == 0)
        *t = NT_BUS_SERVICE_REMOVED;
    else if (strcmp(kind, "rejected") == 0)
        *t = strncmp(ev->reason, "zk-", 3) == 0 ? NT_BUS_PROOF_REJECTED : NT_BUS_SERVICE_REJECTED;
    else
        return false;
    return true;
}

void nt_bus_glue_event(nt_bus_pub *p, const nt_mdns_event *ev, const char *kind,
                       const char *ifname, const char *json, size_t len, bool zk)
{
    char key[NT_MDNS_NAME_MAX * 4 + 64];
    nt_bus_topic t;
    nt_status st;
    if (!p || !topic_of(ev, kind, &t))
        return;
    while (len > 0 && json[len - 1] == '\n')
        len--;
    /* one live entry per instance and interface, as browse reports them */
    snprintf(key, sizeof key, "%s.%s.%s%%%s", ev->instance, ev->type,
             ev->domain[0] ? ev->domain : "local", ifname);
    st = nt_bus_pub_publish(p, t, key, json, len);
    if (st == NT_OK && zk && (t == NT_BUS_SERVICE_ADDED || t == NT_BUS_SERVICE_UPDATED))
        st = nt_bus_pub_publish(p, NT_BUS_PROOF_VERIFIED, key, json, len);
    if (st != NT_OK)
        NT_LOGW("bus", "event not published: %s", nt_strerror(st));
}
