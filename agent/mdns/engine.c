/* Skeleton of the mDNS engine: the API compiles and links; the behaviour
 * lands in the following commits. */
#include <string.h>

#include "nautilus/mdns.h"
#include "nautilus/mem.h"

struct nt_mdns {
    nt_mdns_config cfg;
    char *host_name;
    nt_mdns_stats stats;
};

void nt_mdns_config_init(nt_mdns_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->cache_cap = 4096;
    cfg->max_packet = 1440;
    cfg->max_records_in = 256;
    cfg->max_interfaces = 32;
    cfg->max_services = 256;
    cfg->max_queries = 256;
    cfg->max_known_answer_sets = 64;
    cfg->max_known_answers = 512;
    cfg->max_pending_out = 256;
    cfg->max_pending_events = 1024;
    cfg->packets_per_sec = 2000;
}

nt_status nt_mdns_create(nt_mdns **out, const nt_mdns_config *cfg)
{
    nt_mdns *m;
    if (out == NULL || cfg == NULL || cfg->host_name == NULL)
        return NT_ERR_INVALID_ARG;
    m = nt_calloc(1, sizeof(*m));
    if (m == NULL)
        return NT_ERR_NOMEM;
    m->cfg = *cfg;
    m->host_name = nt_strdup(cfg->host_name);
    if (m->host_name == NULL) {
        nt_free(m);
        return NT_ERR_NOMEM;
    }
    *out = m;
    return NT_OK;
}

void nt_mdns_destroy(nt_mdns *m)
{
    if (m == NULL)
        return;
    nt_free(m->host_name);
    nt_free(m);
}

void nt_mdns_shutdown(nt_mdns *m, uint64_t now_ms) { (void)m; (void)now_ms; }

nt_status nt_mdns_iface_add(nt_mdns *m, const nt_mdns_iface_config *ifc, uint64_t now_ms)
{
    (void)m; (void)ifc; (void)now_ms;
    return NT_ERR_UNSUPPORTED;
}

nt_status nt_mdns_iface_del(nt_mdns *m, uint32_t ifindex, uint64_t now_ms)
{
    (void)m; (void)ifindex; (void)now_ms;
    return NT_ERR_UNSUPPORTED;
}

nt_status nt_mdns_input(nt_mdns *m, const nt_mdns_packet_in *pkt, uint64_t now_ms)
{
    (void)m; (void)pkt; (void)now_ms;
    return NT_ERR_UNSUPPORTED;
}

nt_status nt_mdns_output_pop(nt_mdns *m, nt_mdns_packet_out *out)
{
    (void)m; (void)out;
    return NT_ERR_NOT_FOUND;
}

uint64_t nt_mdns_next_wakeup(const nt_mdns *m) { (void)m; return UINT64_MAX; }

void nt_mdns_run(nt_mdns *m, uint64_t now_ms) { (void)m; (void)now_ms; }

nt_status nt_mdns_service_add(nt_mdns *m, nt_mdns_service_id *out,
                              const nt_mdns_service_config *svc, uint64_t now_ms)
{
    (void)m; (void)out; (void)svc; (void)now_ms;
    return NT_ERR_UNSUPPORTED;
}

nt_status nt_mdns_service_del(nt_mdns *m, nt_mdns_service_id id, uint64_t now_ms)
{
    (void)m; (void)id; (void)now_ms;
    return NT_ERR_UNSUPPORTED;
}

nt_status nt_mdns_service_get_instance(const nt_mdns *m, nt_mdns_service_id id, char *out,
                                       size_t cap)
{
    (void)m; (void)id; (void)out; (void)cap;
    return NT_ERR_NOT_FOUND;
}

nt_status nt_mdns_host_get_name(const nt_mdns *m, char *out, size_t cap)
{
    size_t n = strlen(m->host_name);
    if (n + 1 > cap)
        return NT_ERR_NOSPACE;
    memcpy(out, m->host_name, n + 1);
    return NT_OK;
}

nt_status nt_mdns_query_add(nt_mdns *m, nt_mdns_query_id *out, const nt_mdns_query_config *q,
                            uint64_t now_ms)
{
    (void)m; (void)out; (void)q; (void)now_ms;
    return NT_ERR_UNSUPPORTED;
}

nt_status nt_mdns_query_del(nt_mdns *m, nt_mdns_query_id id)
{
    (void)m; (void)id;
    return NT_ERR_NOT_FOUND;
}

nt_status nt_mdns_event_pop(nt_mdns *m, nt_mdns_event *out)
{
    (void)m; (void)out;
    return NT_ERR_NOT_FOUND;
}

void nt_mdns_stats_get(const nt_mdns *m, nt_mdns_stats *out) { *out = m->stats; }

void nt_mdns_cache_walk(const nt_mdns *m, uint32_t ifindex, nt_mdns_cache_fn fn, void *ctx)
{
    (void)m; (void)ifindex; (void)fn; (void)ctx;
}
