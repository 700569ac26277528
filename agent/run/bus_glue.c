/* agent/run/bus_glue.c: a front end's decisions on the trust-event bus. */
#include <stdio.h>
#include <string.h>

#include "bus_glue.h"
#include "chain_view.h"
#include "cli.h"
#include "mdns_runner.h"
#include "nautilus/codec.h"
#include "nautilus/crypto.h"
#include "nautilus/log.h"
#include "svc_format.h"

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
    c.sndhwm = o->hwm;
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

static const char *engine_kind(const nt_mdns_event *ev)
{
    switch (ev->kind) {
    case NT_MDNS_EV_SERVICE_ADDED:
        return "added";
    case NT_MDNS_EV_SERVICE_UPDATED:
        return "updated";
    case NT_MDNS_EV_SERVICE_REMOVED:
        return "removed";
    case NT_MDNS_EV_REJECTED:
        return "rejected";
    case NT_MDNS_EV_PUBLISH_CONFLICT:
        return "conflict";
    default:
        return NULL;
    }
}

/* The fields after the §9 object's own: "previous" and "renamed" of a
 * conflict; "pin":"chain" and "chain_block" when the chain binds the
 * signer to the key (as browse --json shows them). d holds the object. */
static nt_status extra_fields(nt_dynbuf *d, const nt_mdns_event *ev, bool chain_pin,
                              uint64_t block)
{
    nt_status st = NT_OK;
    if ((ev->kind != NT_MDNS_EV_PUBLISH_CONFLICT && !chain_pin) || d->len == 0)
        return NT_OK;
    d->len--; /* reopen the object */
    if (chain_pin)
        st = nt_dynbuf_addf(d, ",\"pin\":\"chain\",\"chain_block\":%llu",
                            (unsigned long long)block);
    if (st == NT_OK && ev->kind == NT_MDNS_EV_PUBLISH_CONFLICT) {
        /* the name that collided */
        st = nt_svc_json_field(d, "previous", ev->previous, strlen(ev->previous));
        if (st == NT_OK)
            st = nt_dynbuf_add_str(d, ev->instance[0] ? ",\"renamed\":\"service\""
                                                      : ",\"renamed\":\"host\"");
    }
    return st == NT_OK ? nt_dynbuf_add_u8(d, '}') : st;
}

void nt_bus_glue_engine_event(nt_bus_pub *p, const nt_trust_hooks *hooks,
                              const nt_chain_view *chain, nt_runner *r, const nt_mdns_event *ev,
                              nt_trust_level require)
{
    static nt_mdns_event shown; /* large: not on the stack; one loop thread */
    const char *kind = engine_kind(ev), *ifname;
    nt_trust_signer_info si;
    nt_trust_zk_info zi;
    nt_dns_name full;
    nt_dynbuf d;
    char key_hex[65];
    bool named, have_key = false, zk = false, service, chain_pin = false;
    uint64_t block = 0;
    nt_status st;

    if (!p || !kind)
        return;
    service = ev->kind != NT_MDNS_EV_REJECTED && ev->kind != NT_MDNS_EV_PUBLISH_CONFLICT;
    if (service && ev->trust < (uint8_t)require)
        return; /* hidden, as browse --require hides it */
    shown = *ev;
    named = ev->instance[0] && nt_chain_view_instance_name(&full, ev) == NT_OK;
    if (service && hooks && named && nt_trust_hooks_signer_of(hooks, &full, &si) == NT_OK &&
        si.level != NT_TRUST_UNSIGNED)
        have_key = nt_hex_encode(key_hex, sizeof key_hex, si.key_digest, 32) == NT_OK;
    /* trusted on the chain's word (the level chain_view.h gave the event) */
    chain_pin = have_key && ev->trust >= (uint8_t)NT_TRUST_TRUSTED &&
                nt_chain_view_vouches(chain, &si, &block);
    /* zk-verified: trusted, and a proof bound to that key verified (the
     * rule browse shows; ev->trust has the chain's word already) */
    if (service &&
        nt_chain_view_zk_verified(hooks, ev, (nt_trust_level)ev->trust, nt_runner_now(r), &zi)) {
        shown.trust = NT_TRUST_ZK_VERIFIED;
        zk = true;
    }
    ifname = nt_runner_ifname(r, ev->ifindex);
    nt_dynbuf_init(&d, 1024);
    st = nt_svc_event_json(&d, kind, &shown, ifname ? ifname : "", have_key ? key_hex : NULL);
    if (st == NT_OK)
        st = extra_fields(&d, ev, chain_pin, block);
    if (st == NT_OK)
        nt_bus_glue_event(p, &shown, kind, ifname ? ifname : "", (const char *)d.data, d.len,
                          zk);
    else
        NT_LOGW("bus", "event not published: %s", nt_strerror(st));
    nt_dynbuf_cleanup(&d);
}
