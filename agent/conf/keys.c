/* agent/conf: the keys of each INI section and how their values are read
 * (nautilus.conf(5) documents each one). */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "conf_int.h"
#include "nautilus/ledger.h"

/* The largest list: 32 browse types of 256 bytes, 8 paths of 1024. */
#define NT_CONF_LIST_BYTES (NT_CONF_BROWSE_MAX * NT_CONF_NAME_MAX)
_Static_assert(NT_CONF_VKS_MAX * NT_CONF_PATH_MAX <= NT_CONF_LIST_BYTES, "list buffer");
_Static_assert(NT_CONF_IFACES_MAX * NT_CONF_LABEL_MAX <= NT_CONF_LIST_BYTES, "list buffer");

typedef enum kind {
    K_PATH,     /* absolute path */
    K_PATHS,    /* list of absolute paths */
    K_IFACES,   /* list of interface names */
    K_TYPES,    /* list of service types (or subtype browses) */
    K_LABEL,    /* one host label */
    K_USER,     /* a user name */
    K_BOOL,
    K_U32,
    K_U16,
    K_LOG_LEVEL,
    K_LOG_TARGET,
    K_REQUIRE,
    K_PROFILE,
    K_HTTP_URL,
    K_ZMQ_URL,
    K_REGISTRY,
    K_STYPE,    /* [service]: type */
    K_SUBTYPES, /* [service]: list of subtype labels */
    K_DNAME,    /* [service]: host */
    K_DOMAIN,   /* [service]: domain (only "local") */
    K_IFNAME,   /* [service]: one interface */
} kind;

typedef struct key_def {
    const char *section;
    const char *name;
    kind kind;
    size_t off;  /* in nt_conf, or nt_conf_service for "service" */
    size_t size; /* of the field (strings: capacity; lists: one element) */
    uint32_t min, max;
    size_t count_off; /* lists: offset of the count */
} key_def;

#define C(f) offsetof(nt_conf, f), sizeof(((nt_conf *)0)->f)
#define CL(f) offsetof(nt_conf, f), sizeof(((nt_conf *)0)->f[0])
#define S(f) offsetof(nt_conf_service, f), sizeof(((nt_conf_service *)0)->f)
#define SL(f) offsetof(nt_conf_service, f), sizeof(((nt_conf_service *)0)->f[0])

/* Order matters within a section only for the duplicate bitset. */
static const key_def keys[] = {
    {"agent", "interfaces", K_IFACES, CL(ifnames), 0, NT_CONF_IFACES_MAX, offsetof(nt_conf, n_ifnames)},
    {"agent", "host-name", K_LABEL, C(host_name), 0, 0, 0},
    {"agent", "state-directory", K_PATH, C(state_dir), 0, 0, 0},
    {"agent", "services-directory", K_PATH, C(services_dir), 0, 0, 0},
    {"agent", "browse", K_TYPES, CL(browse), 0, NT_CONF_BROWSE_MAX, offsetof(nt_conf, n_browse)},
    {"agent", "user", K_USER, C(user), 0, 0, 0},
    {"agent", "ipv4", K_BOOL, C(ipv4), 0, 0, 0},
    {"agent", "ipv6", K_BOOL, C(ipv6), 0, 0, 0},
    {"agent", "sign", K_BOOL, C(sign), 0, 0, 0},
    {"agent", "control-socket", K_PATH, C(control_socket), 0, 0, 0},
    {"agent", "control-group", K_USER, C(control_group), 0, 0, 0},
    {"log", "target", K_LOG_TARGET, C(log_target), 0, 0, 0},
    {"log", "level", K_LOG_LEVEL, C(log_level), 0, 0, 0},
    {"trust", "store", K_PATH, C(trust_store), 0, 0, 0},
    {"trust", "tofu", K_PATH, C(tofu_store), 0, 0, 0},
    {"trust", "require", K_REQUIRE, C(require), 0, 0, 0},
    {"zk", "verification-keys", K_PATHS, CL(zk_vks), 0, NT_CONF_VKS_MAX, offsetof(nt_conf, n_zk_vks)},
    {"chain", "profile", K_PROFILE, C(chain_profile), 0, 0, 0},
    {"chain", "rpc-url", K_HTTP_URL, C(rpc_url), 0, 0, 0},
    {"chain", "registry", K_REGISTRY, C(registry), 0, 0, 0},
    {"chain", "anchor", K_BOOL, C(anchor), 0, 0, 0},
    {"chain", "chain-id", K_U32, C(chain_id), 1, 0x7fffffff, 0},
    {"chain", "confirmations", K_U32, C(confirmations), 0, 1000, 0},
    {"chain", "anchor-every", K_U32, C(anchor_every), 1, 1000000, 0},
    {"chain", "anchor-interval", K_U32, C(anchor_interval), 1, 604800, 0},
    {"bus", "endpoint", K_ZMQ_URL, C(bus_endpoint), 0, 0, 0},
    {"bus", "snapshot-endpoint", K_ZMQ_URL, C(snapshot_endpoint), 0, 0, 0},
    {"bus", "curve-secret-key-file", K_PATH, C(curve_secret_file), 0, 0, 0},
    {"bus", "curve-allowed-clients", K_PATH, C(curve_clients_file), 0, 0, 0},
    {"bus", "high-water-mark", K_U32, C(bus_hwm), 1, 10000000, 0},
    {"limits", "cache-records", K_U32, C(cache_records), 16, 1048576, 0},
    {"limits", "max-services", K_U32, C(max_services), 1, 256, 0},
    {"limits", "max-queries", K_U32, C(max_queries), 1, 1024, 0},
    {"limits", "packets-per-second", K_U32, C(packets_per_sec), 0, 1000000, 0},
    {"limits", "signature-checks-per-source", K_U32, C(checks_per_source), 1, 1000000, 0},
    {"limits", "signature-checks-total", K_U32, C(checks_total), 1, 10000000, 0},
    {"limits", "predictive-refresh-per-minute", K_U32, C(predict_per_min), 0, 6000, 0},
    {"service", "type", K_STYPE, S(type), 0, 0, 0},
    {"service", "port", K_U16, S(port), 0, 65535, 0},
    {"service", "subtypes", K_SUBTYPES, SL(subtypes), 0, NT_CONF_SUBTYPES_MAX,
     offsetof(nt_conf_service, n_subtypes)},
    {"service", "host", K_DNAME, S(host), 0, 0, 0},
    {"service", "domain", K_DOMAIN, S(domain), 0, 0, 0},
    {"service", "interface", K_IFNAME, S(ifname), 0, 0, 0},
    {"service", "priority", K_U16, S(priority), 0, 65535, 0},
    {"service", "weight", K_U16, S(weight), 0, 65535, 0},
    {"service", "ttl", K_U32, S(ttl), 1, 2147483647u, 0},
};

#define N_KEYS (sizeof keys / sizeof keys[0])

bool nt_conf_section_known(const char *section)
{
    size_t i;
    for (i = 0; i < N_KEYS; i++)
        if (strcmp(keys[i].section, section) == 0)
            return true;
    return false;
}

static bool parse_bool(const char *v, bool *out)
{
    static const char *yes[] = {"yes", "true", "on", "1"}, *no[] = {"no", "false", "off", "0"};
    size_t i;
    for (i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0)
            return (*out = true), true;
        if (strcasecmp(v, no[i]) == 0)
            return (*out = false), true;
    }
    return false;
}

static bool ifname_ok(const char *s)
{
    size_t n = strlen(s), i;
    if (n < 1 || n > 15) /* IFNAMSIZ - 1 */
        return false;
    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] <= 0x20 || s[i] == '/' || s[i] == ':' || s[i] == 0x7f)
            return false;
    return true;
}

static bool user_ok(const char *s)
{
    size_t n = strlen(s), i;
    if (n < 1 || n > 32 || s[0] == '-')
        return false;
    for (i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-' || s[i] == '.'))
            return false;
    return true;
}

/* A browse argument: a type, or "_sub._sub._type._tcp" (RFC 6763 §7.1). */
static bool browse_ok(const char *s)
{
    const char *sub = strstr(s, "._sub.");
    char label[NT_CONF_LABEL_MAX];
    size_t n;
    if (!sub)
        return nt_conf_type_ok(s);
    n = (size_t)(sub - s);
    if (n == 0 || n >= sizeof label)
        return false;
    memcpy(label, s, n);
    label[n] = 0;
    return nt_conf_label_ok(label) && nt_conf_type_ok(sub + 6);
}

static bool url_ok(const char *v, const char *const *schemes, size_t n_schemes)
{
    size_t i, n;
    for (i = 0; v[i]; i++)
        if ((unsigned char)v[i] <= 0x20 || v[i] == 0x7f)
            return false;
    for (i = 0; i < n_schemes; i++) {
        n = strlen(schemes[i]);
        if (strncmp(v, schemes[i], n) == 0 && v[n] != 0)
            return true;
    }
    return false;
}

static bool registry_ok(const char *v)
{
    size_t i;
    if (strlen(v) != 42 || v[0] != '0' || (v[1] != 'x' && v[1] != 'X'))
        return false;
    for (i = 2; i < 42; i++)
        if (!strchr("0123456789abcdefABCDEF", v[i]))
            return false;
    return true;
}

static bool item_ok(kind k, const char *item)
{
    switch (k) {
    case K_IFACES:
        return ifname_ok(item);
    case K_TYPES:
        return browse_ok(item);
    case K_PATHS:
        return item[0] == '/';
    case K_SUBTYPES:
        /* One label; stored with its leading underscore (RFC 6763 §7.1). */
        return nt_conf_label_ok(item) && strlen(item) <= 62 && !strchr(item, '.');
    default:
        return false;
    }
}

/* Splits a list on blanks and commas into base[n * size] (each a string
 * of capacity size). Empty lists are refused: leave the key out instead. */
static bool set_list(const key_def *d, void *base, size_t *count, const char *v, char *why,
                     size_t why_cap)
{
    /* Built aside and copied whole: a bad entry leaves the old list. */
    char items[NT_CONF_LIST_BYTES];
    char item[NT_CONF_PATH_MAX];
    size_t n = 0, len;
    while (*v) {
        v += strspn(v, " \t,");
        len = strcspn(v, " \t,");
        if (len == 0)
            break;
        if (n == d->max) {
            snprintf(why, why_cap, "%s: more than %u entries", d->name, (unsigned)d->max);
            return false;
        }
        if (len >= sizeof item || len >= d->size) {
            snprintf(why, why_cap, "%s: entry '%.40s...' too long", d->name, v);
            return false;
        }
        memcpy(item, v, len);
        item[len] = 0;
        if (d->kind == K_SUBTYPES && item[0] != '_' && len + 1 < d->size) {
            memmove(item + 1, item, len + 1);
            item[0] = '_';
        }
        if (!item_ok(d->kind, item)) {
            snprintf(why, why_cap, "%s: bad entry '%s'", d->name, item);
            return false;
        }
        memcpy(items + n * d->size, item, strlen(item) + 1);
        n++;
        v += len;
    }
    if (n == 0) {
        snprintf(why, why_cap, "%s: empty list", d->name);
        return false;
    }
    memcpy(base, items, n * d->size);
    *count = n;
    return true;
}

static size_t *list_count(const key_def *d, void *base)
{
    return (size_t *)(void *)((char *)base + d->count_off);
}

static bool set_string(const key_def *d, void *field, const char *v, char *why, size_t why_cap)
{
    const nt_chain_profile *prof;
    bool ok;
    switch (d->kind) {
    case K_PATH: ok = v[0] == '/'; break;
    case K_LABEL: ok = nt_conf_label_ok(v) && !strchr(v, '.'); break;
    case K_USER: ok = user_ok(v); break;
    case K_PROFILE: ok = nt_chain_profile_find(&prof, v) == NT_OK; break;
    case K_HTTP_URL: ok = url_ok(v, (const char *const[]){"http://", "https://"}, 2); break;
    case K_ZMQ_URL: ok = url_ok(v, (const char *const[]){"tcp://", "ipc://"}, 2); break;
    case K_REGISTRY: ok = registry_ok(v); break;
    case K_STYPE: ok = nt_conf_type_ok(v); break;
    case K_DNAME: ok = nt_conf_dname_ok(v); break;
    case K_DOMAIN: ok = strcasecmp(v, "local") == 0 || strcasecmp(v, "local.") == 0; break;
    case K_IFNAME: ok = ifname_ok(v); break;
    default: ok = false; break;
    }
    if (!ok) {
        snprintf(why, why_cap, "%s: bad value '%.120s'", d->name, v);
        return false;
    }
    if (!nt_conf_copy(field, d->size, v)) {
        snprintf(why, why_cap, "%s: value longer than %zu bytes", d->name, d->size - 1);
        return false;
    }
    return true;
}

static bool set_scalar(const key_def *d, void *field, const char *v, char *why, size_t why_cap)
{
    uint32_t u;
    bool ok = true;
    switch (d->kind) {
    case K_BOOL: ok = parse_bool(v, (bool *)field); break;
    case K_U32: ok = nt_conf_u32(v, d->min, d->max, &u); if (ok) *(uint32_t *)field = u; break;
    case K_U16: ok = nt_conf_u32(v, d->min, d->max, &u); if (ok) *(uint16_t *)field = (uint16_t)u; break;
    case K_LOG_LEVEL: ok = nt_log_level_parse(v, (nt_log_level *)field) == NT_OK; break;
    case K_REQUIRE: ok = nt_trust_level_parse(v, (nt_trust_level *)field) == NT_OK; break;
    case K_LOG_TARGET:
        if (strcmp(v, "stderr") == 0)
            *(nt_conf_log_target *)field = NT_CONF_LOG_STDERR;
        else if (strcmp(v, "syslog") == 0)
            *(nt_conf_log_target *)field = NT_CONF_LOG_SYSLOG;
        else
            ok = false;
        break;
    default: return set_string(d, field, v, why, why_cap);
    }
    if (!ok) {
        if (d->kind == K_U32 || d->kind == K_U16)
            snprintf(why, why_cap, "%s: want a number %u..%u, not '%.60s'", d->name,
                     (unsigned)d->min, (unsigned)d->max, v);
        else
            snprintf(why, why_cap, "%s: bad value '%.120s'", d->name, v);
    }
    return ok;
}

/* [service]: "txt.KEY = VALUE" adds the TXT entry KEY=VALUE. */
static nt_status set_txt(nt_conf_service *svc, const char *key, const char *value, char *why,
                         size_t why_cap)
{
    if (!nt_conf_txt_add(svc, key, strlen(key), (const uint8_t *)value, strlen(value), true, why,
                         why_cap))
        return strstr(why, "twice") ? NT_ERR_CONF_DUPLICATE : NT_ERR_CONF_VALUE;
    return NT_OK;
}

nt_status nt_conf_key_set(nt_conf *c, nt_conf_service *svc, const char *section, const char *key,
                          const char *value, uint64_t *seen, char *why, size_t why_cap)
{
    size_t i, k = 0;
    void *base = strcmp(section, "service") == 0 ? (void *)svc : (void *)c;
    const key_def *d = NULL;

    if (base == svc && strncmp(key, "txt.", 4) == 0)
        return set_txt(svc, key + 4, value, why, why_cap);
    for (i = 0; i < N_KEYS; i++) {
        if (strcmp(keys[i].section, section) != 0)
            continue;
        if (strcmp(keys[i].name, key) == 0) {
            d = &keys[i];
            break;
        }
        k++;
    }
    if (!d) {
        snprintf(why, why_cap, "unknown key '%s' in [%s]", key, section);
        return NT_ERR_CONF_UNKNOWN;
    }
    if (*seen & (1ull << k)) {
        snprintf(why, why_cap, "key '%s' given twice in this section", key);
        return NT_ERR_CONF_DUPLICATE;
    }
    *seen |= 1ull << k;
    if (d->kind == K_IFACES || d->kind == K_TYPES || d->kind == K_PATHS ||
        d->kind == K_SUBTYPES) {
        if (!set_list(d, (char *)base + d->off, list_count(d, base), value, why, why_cap))
            return NT_ERR_CONF_VALUE;
        return NT_OK;
    }
    return set_scalar(d, (char *)base + d->off, value, why, why_cap) ? NT_OK : NT_ERR_CONF_VALUE;
}

bool nt_conf_service_complete(const nt_conf_service *s, uint64_t seen, char *why, size_t why_cap)
{
    /* Bits 0 and 1 of a service section: type and port (table order). */
    if (!(seen & 1u) || !s->type[0]) {
        snprintf(why, why_cap, "[service %s] has no 'type'", s->instance);
        return false;
    }
    if (!(seen & 2u)) {
        snprintf(why, why_cap, "[service %s] has no 'port'", s->instance);
        return false;
    }
    return true;
}
