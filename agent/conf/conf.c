/* agent/conf: the configuration object and its defaults (nautilus.conf(5)). */
#include <stdio.h>
#include <string.h>

#include "conf_int.h"
#include "nautilus/mem.h"

void nt_conf_reset(nt_conf *c)
{
    memset(c, 0, sizeof *c);
    c->ipv4 = true;
    c->ipv6 = true;
    c->sign = true;
    c->log_target = NT_CONF_LOG_STDERR;
    c->log_level = NT_LOG_INFO;
    c->require = NT_TRUST_UNSIGNED;
    c->predict_per_min = NT_CONF_PREDICT_DEFAULT;
}

nt_status nt_conf_create(nt_conf **out)
{
    nt_conf *c;
    if (!out)
        return NT_ERR_INVALID_ARG;
    c = nt_malloc(sizeof *c);
    if (!c)
        return NT_ERR_NOMEM;
    nt_conf_reset(c);
    *out = c;
    return NT_OK;
}

void nt_conf_destroy(nt_conf *c)
{
    nt_free(c);
}

nt_status nt_conf_set(nt_conf *c, const char *section, const char *key, const char *value,
                      char *why, size_t why_cap)
{
    uint64_t seen = 0;
    if (!c || !section || !key || !value || !why || why_cap == 0 ||
        strcmp(section, "service") == 0)
        return NT_ERR_INVALID_ARG;
    why[0] = 0;
    if (!nt_conf_section_known(section)) {
        snprintf(why, why_cap, "unknown section [%s]", section);
        return NT_ERR_CONF_UNKNOWN;
    }
    return nt_conf_key_set(c, NULL, section, key, value, &seen, why, why_cap);
}
