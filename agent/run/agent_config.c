/* nautilus agent: the configuration = the file, the flags over it, and the
 * Avahi .service files of the services directory (agent.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "agent.h"

void nt_agent_host_label(char *out, size_t cap, const nt_conf *c)
{
    char buf[256];
    if (c->host_name[0]) {
        snprintf(out, cap, "%s", c->host_name);
        return;
    }
    if (gethostname(buf, sizeof buf - 1) != 0)
        strcpy(buf, "localhost");
    buf[sizeof buf - 1] = 0;
    buf[strcspn(buf, ".")] = 0;
    snprintf(out, cap, "%s", buf);
}

/* Joins the values of a repeated flag into one list value. */
static bool join(char *out, size_t cap, const char *const *v, size_t n)
{
    size_t i, len = 0;
    out[0] = 0;
    for (i = 0; i < n; i++) {
        int k = snprintf(out + len, cap - len, "%s%s", i ? " " : "", v[i]);
        if (k < 0 || (size_t)k >= cap - len)
            return false;
        len += (size_t)k;
    }
    return true;
}

typedef struct flag_map {
    const char *flag, *section, *key;
    size_t off; /* of the const char * in nt_agent_opts */
} flag_map;

#define O(f) offsetof(nt_agent_opts, f)
static const flag_map flags[] = {
    {"--state", "agent", "state-directory", O(state)},
    {"--services-dir", "agent", "services-directory", O(services_dir)},
    {"--user", "agent", "user", O(user)},
    {"--host", "agent", "host-name", O(host)},
    {"--trust", "trust", "store", O(trust)},
    {"--tofu", "trust", "tofu", O(tofu)},
    {"--require", "trust", "require", O(require)},
    {"--bus-endpoint", "bus", "endpoint", O(bus)},
    {"--snapshot-endpoint", "bus", "snapshot-endpoint", O(snapshot)},
    {"--rpc", "chain", "rpc-url", O(rpc)},
    {"--registry", "chain", "registry", O(registry)},
    {"--log-level", "log", "level", O(log_level)},
    {"--log-target", "log", "target", O(log_target)},
    {"--control", "agent", "control-socket", O(control)},
};

/* Flags override the file, checked by the same rules as its keys. */
static nt_status apply_flags(nt_conf *c, const nt_agent_opts *o, char *why, size_t why_cap)
{
    char list[NT_CONF_BROWSE_MAX * NT_CONF_NAME_MAX], msg[200];
    size_t i;
    nt_status st;

    for (i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        const char *v = *(const char *const *)(const void *)((const char *)o + flags[i].off);
        if (!v)
            continue;
        st = nt_conf_set(c, flags[i].section, flags[i].key, v, msg, sizeof msg);
        if (st != NT_OK) {
            snprintf(why, why_cap, "%s: %s", flags[i].flag, msg);
            return st;
        }
    }
    if (o->n_ifnames && (!join(list, sizeof list, o->ifnames, o->n_ifnames) ||
                         (st = nt_conf_set(c, "agent", "interfaces", list, msg, sizeof msg)) != NT_OK)) {
        snprintf(why, why_cap, "-i: %s", msg);
        return NT_ERR_CONF_VALUE;
    }
    if (o->n_browse && (!join(list, sizeof list, o->browse, o->n_browse) ||
                        (st = nt_conf_set(c, "agent", "browse", list, msg, sizeof msg)) != NT_OK)) {
        snprintf(why, why_cap, "--browse: %s", msg);
        return NT_ERR_CONF_VALUE;
    }
    return NT_OK;
}

/* Only the local domain is published (RFC 6762); Avahi would also take a
 * unicast domain, which this agent does not speak. */
static nt_status check_domains(const nt_conf *c, char *why, size_t why_cap)
{
    size_t i;
    for (i = 0; i < c->n_services; i++) {
        const nt_conf_service *s = &c->services[i];
        if (s->domain[0] && strcasecmp(s->domain, "local") != 0 &&
            strcasecmp(s->domain, "local.") != 0) {
            snprintf(why, why_cap, "%s:%u: domain '%s': only local is published", s->origin,
                     s->line, s->domain);
            return NT_ERR_CONF_VALUE;
        }
    }
    return NT_OK;
}

/* [chain] anchor = yes needs a node, a registry and signing (DESIGN §4.1):
 * said by --check-config and a reload, not only at start. */
static nt_status check_anchor(const nt_conf *c, char *why, size_t why_cap)
{
    const char *miss = !c->rpc_url[0] || !c->registry[0] ? "rpc-url and registry"
                       : !c->sign                          ? "sign = yes"
                       : strcmp(c->chain_profile, "besu") == 0 && !c->chain_id ? "a chain-id (besu)"
                                                                            : NULL;
    if (!c->anchor || !miss)
        return NT_OK;
    snprintf(why, why_cap, "[chain] anchor = yes needs %s", miss);
    return NT_ERR_CONF_VALUE;
}

nt_status nt_agent_config_build(nt_conf **out, const nt_agent_opts *o, char *why, size_t why_cap)
{
    nt_conf *c = NULL;
    nt_conf_error err;
    char host[NT_CONF_LABEL_MAX];
    nt_status st;

    why[0] = 0;
    if ((st = nt_conf_create(&c)) != NT_OK) {
        snprintf(why, why_cap, "%s", nt_strerror(st));
        return st;
    }
    if (o->config && (st = nt_conf_load(c, &err, o->config)) != NT_OK) {
        nt_conf_error_format(why, why_cap, &err);
        goto fail;
    }
    if ((st = apply_flags(c, o, why, why_cap)) != NT_OK)
        goto fail;
    nt_agent_host_label(host, sizeof host, c);
    if (c->services_dir[0] &&
        (st = nt_conf_avahi_load_dir(c, &err, c->services_dir, host)) != NT_OK) {
        nt_conf_error_format(why, why_cap, &err);
        goto fail;
    }
    if ((st = check_domains(c, why, why_cap)) != NT_OK ||
        (st = check_anchor(c, why, why_cap)) != NT_OK)
        goto fail;
    *out = c;
    return NT_OK;
fail:
    nt_conf_destroy(c);
    return st;
}
