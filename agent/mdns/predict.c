/* Predictive refresh in the engine (DESIGN §7.2): the questions that
 * queries add count as lookups of their name and type, records that enter
 * the cache plan a refresh, and the refreshes predicted to be needed ride in
 * the question packets the querier sends anyway (mdns_query_run), or go
 * alone at their deadline. The planning itself is nt_predict
 * (agent/rank); keys are "<type>/<presentation name>". Off unless
 * config.predict_per_min is set. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdns_int.h"

#ifdef NT_MDNS_PREDICT
#include "nautilus/rank.h"

static bool key_of(char *out, size_t cap, const nt_dns_name *name, uint16_t type)
{
    char text[NT_DNS_NAME_TEXT_MAX];
    int n;
    if (nt_dns_name_to_text(name, text, sizeof text, NULL) != NT_OK)
        return false;
    n = snprintf(out, cap, "%u/%s", (unsigned)type, text);
    return n > 0 && (size_t)n < cap;
}

nt_status mdns_predict_init(nt_mdns *m)
{
    nt_predict_config pc;
    if (m->cfg.predict_per_min == 0)
        return NT_OK;
    nt_predict_config_init(&pc);
    pc.cap = m->cfg.cache_cap < 16384 ? m->cfg.cache_cap : 16384;
    pc.budget_per_min = m->cfg.predict_per_min;
    return nt_predict_create(&m->pred, &pc);
}

void mdns_predict_free(nt_mdns *m)
{
    nt_predict_destroy(m->pred);
    m->pred = NULL;
}

void mdns_predict_lookup(nt_mdns *m, const nt_dns_name *name, uint16_t type, uint64_t now)
{
    char key[NT_RANK_NAME_MAX];
    if (m->pred && key_of(key, sizeof key, name, type) &&
        nt_predict_lookup(m->pred, key, now) != NT_OK)
        m->stats.predict_dropped++;
}

void mdns_predict_cached(nt_mdns *m, const nt_dns_record *r, uint64_t now)
{
    char key[NT_RANK_NAME_MAX];
    if (m->pred && key_of(key, sizeof key, &r->owner, r->type))
        nt_predict_cached(m->pred, key, (uint64_t)r->ttl * 1000u, now);
}

size_t mdns_predict_take(nt_mdns *m, nt_dns_name *names, uint16_t *types, size_t cap,
                         bool riding, uint64_t now)
{
    const char *keys[64];
    size_t n, i, k = 0;
    if (!m->pred)
        return 0;
    if (cap > 64)
        cap = 64;
    n = nt_predict_take(m->pred, keys, cap, riding, now);
    for (i = 0; i < n; i++) {
        const char *slash = strchr(keys[i], '/');
        unsigned long t = strtoul(keys[i], NULL, 10);
        /* Keys are ours (key_of), folded to lower case: the name still
         * parses, and mDNS names compare case-insensitively (RFC 6762 §16). */
        if (!slash || t == 0 || t > 65535 || nt_dns_name_from_str(&names[k], slash + 1) != NT_OK)
            continue;
        types[k++] = (uint16_t)t;
    }
    m->stats.predict_questions += k;
    return k;
}

uint64_t mdns_predict_next(const nt_mdns *m)
{
    return m->pred ? nt_predict_next_deadline(m->pred) : UINT64_MAX;
}

#else /* built without agent/rank (NT_ONLY): no predictive refresh */

nt_status mdns_predict_init(nt_mdns *m)
{
    return m->cfg.predict_per_min ? NT_ERR_UNSUPPORTED : NT_OK;
}

void mdns_predict_free(nt_mdns *m)
{
    (void)m;
}

void mdns_predict_lookup(nt_mdns *m, const nt_dns_name *name, uint16_t type, uint64_t now)
{
    (void)m, (void)name, (void)type, (void)now;
}

void mdns_predict_cached(nt_mdns *m, const nt_dns_record *r, uint64_t now)
{
    (void)m, (void)r, (void)now;
}

size_t mdns_predict_take(nt_mdns *m, nt_dns_name *names, uint16_t *types, size_t cap,
                         bool riding, uint64_t now)
{
    (void)m, (void)names, (void)types, (void)cap, (void)riding, (void)now;
    return 0;
}

uint64_t mdns_predict_next(const nt_mdns *m)
{
    (void)m;
    return UINT64_MAX;
}
#endif
