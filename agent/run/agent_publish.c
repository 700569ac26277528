/* nautilus agent: the published services follow the configuration; a
 * reload touches only what changed (agent.h). */
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "agent.h"
#include "nautilus/codec.h"
#include "nautilus/log.h"
#include "nautilus/trust_meta.h"

#define TXT_ENTRIES_MAX 128

/* Same service, as the network sees it (where it was written is not part
 * of it: moving a service between files changes nothing on the wire). */
static bool same_service(const nt_conf_service *a, const nt_conf_service *b)
{
    size_t i;
    if (strcmp(a->instance, b->instance) != 0 || strcmp(a->type, b->type) != 0 ||
        strcasecmp(a->domain, b->domain) != 0 || strcasecmp(a->host, b->host) != 0 ||
        strcmp(a->ifname, b->ifname) != 0 || a->port != b->port ||
        a->priority != b->priority || a->weight != b->weight || a->ttl != b->ttl ||
        a->family != b->family || a->n_subtypes != b->n_subtypes || a->txt_len != b->txt_len ||
        memcmp(a->txt, b->txt, a->txt_len) != 0)
        return false;
    for (i = 0; i < a->n_subtypes; i++)
        if (strcmp(a->subtypes[i], b->subtypes[i]) != 0)
            return false;
    return true;
}

/* TXT RDATA back into entries for the engine (which copies them). */
static bool txt_entries(const nt_conf_service *s, nt_mdns_txt_entry *e, size_t *n,
                        char keys[][256])
{
    size_t pos = 0, key_len, val_len;
    const char *key;
    const uint8_t *val;
    bool has;
    nt_status st;
    *n = 0;
    while ((st = nt_mdns_txt_next(s->txt, s->txt_len, &pos, &key, &key_len, &val, &val_len,
                                  &has)) == NT_OK) {
        if (*n == TXT_ENTRIES_MAX)
            return false;
        memcpy(keys[*n], key, key_len);
        keys[*n][key_len] = 0;
        e[*n].key = keys[*n];
        e[*n].value = has ? val : NULL;
        e[*n].value_len = has ? val_len : 0;
        (*n)++;
    }
    return st == NT_ERR_NOT_FOUND;
}

/* Signing: the metadata TXT at _nautilus.<instance> says its version
 * (DESIGN §2.3), signed like every other set. */
static nt_status add_meta(nt_runner *r, nt_mdns_service_id id)
{
    static const uint8_t v1[] = {3, 'v', '=', '1'};
    return nt_mdns_service_set_extra(nt_runner_engine(r), id, NT_TRUST_META_LABEL,
                                     NT_DNS_TYPE_TXT, v1, sizeof v1, 0, nt_runner_now(r));
}

static nt_status publish(nt_agent_pubs *p, nt_runner *r, const nt_conf_service *s,
                         nt_mdns_service_id *id)
{
    nt_mdns_txt_entry txt[TXT_ENTRIES_MAX];
    char keys[TXT_ENTRIES_MAX][256];
    nt_mdns_service_config sc;
    size_t i, n_txt;
    nt_status st;

    memset(&sc, 0, sizeof sc);
    if (!txt_entries(s, txt, &n_txt, keys))
        return NT_ERR_MDNS_TXT;
    sc.instance = s->instance;
    sc.type = s->type;
    sc.domain = "local";
    for (i = 0; i < s->n_subtypes; i++)
        sc.subtypes[i] = s->subtypes[i];
    sc.host = s->host[0] ? s->host : NULL;
    sc.port = s->port;
    sc.priority = s->priority;
    sc.weight = s->weight;
    sc.txt = txt;
    sc.txt_count = n_txt;
    sc.ttl = s->ttl;
    if (s->ifname[0] && (sc.ifindex = if_nametoindex(s->ifname)) == 0)
        return NT_ERR_MDNS_NO_IFACE;
    if (s->family != NT_CONF_ANY)
        NT_LOGW("agent", "%s:%u: \"%s\": published over IPv4 and IPv6 (protocol=ipv%d is not "
                "followed)", s->origin, s->line, s->instance, (int)s->family);
    st = nt_mdns_service_add(nt_runner_engine(r), id, &sc, nt_runner_now(r));
    if (st != NT_OK)
        return st;
    if (p->hooks && (st = add_meta(r, *id)) != NT_OK)
        NT_LOGW("agent", "\"%s\": no metadata TXT: %s", s->instance, nt_strerror(st));
    return NT_OK;
}

static void withdraw(nt_runner *r, const nt_agent_pub *pub)
{
    nt_status st;
    if (pub->waiting)
        return; /* never published: nothing to say goodbye to */
    st = nt_mdns_service_del(nt_runner_engine(r), pub->id, nt_runner_now(r));
    if (st != NT_OK)
        NT_LOGW("agent", "\"%s\": cannot withdraw: %s", pub->svc.instance, nt_strerror(st));
    else
        NT_LOGI("agent", "withdrawing \"%s\" (%s)", pub->svc.instance, pub->svc.type);
}

/* Index of the first unmatched published service equal to s, or -1. */
static long find_same(const nt_agent_pubs *p, const bool *matched, const nt_conf_service *s)
{
    size_t i;
    for (i = 0; i < p->n; i++)
        if (!matched[i] && same_service(&p->items[i].svc, s))
            return (long)i;
    return -1;
}

/* A withdrawn (unmatched) service of the same name and type as s: s is
 * its new version, published once that one's goodbyes are out, so the
 * two never overlap on the wire. */
static const nt_agent_pub *old_version(const nt_agent_pubs *p, const bool *matched,
                                       const nt_conf_service *s)
{
    size_t i;
    for (i = 0; i < p->n; i++)
        if (!matched[i] && !p->items[i].waiting &&
            strcasecmp(p->items[i].svc.instance, s->instance) == 0 &&
            strcasecmp(p->items[i].svc.type, s->type) == 0)
            return &p->items[i];
    return NULL;
}

/* Publishes np now, or marks it to follow its old version's withdrawal.
 * false if the engine refused it (logged). */
static bool place(nt_agent_pubs *p, nt_runner *r, nt_agent_pub *np, const nt_agent_pub *old)
{
    nt_status st;
    np->waiting = old != NULL;
    np->after = old ? old->id : 0;
    if (old) {
        NT_LOGI("agent", "\"%s\" changed: published again after its goodbyes",
                np->svc.instance);
        return true;
    }
    st = publish(p, r, &np->svc, &np->id);
    if (st != NT_OK) {
        NT_LOGE("agent", "%s:%u: cannot publish \"%s\": %s", np->svc.origin, np->svc.line,
                np->svc.instance, nt_strerror(st));
        return false;
    }
    NT_LOGI("agent", "publishing \"%s\" (%s port %u)", np->svc.instance, np->svc.type,
            (unsigned)np->svc.port);
    return true;
}

void nt_agent_pubs_sync(nt_agent_pubs *p, nt_runner *r, const nt_conf *c)
{
    static nt_agent_pubs next; /* large: kept off the stack; one agent per process */
    bool matched[NT_CONF_SERVICES_MAX] = {false};
    long at[NT_CONF_SERVICES_MAX];
    size_t i, kept = 0, withdrawn = 0;

    for (i = 0; i < c->n_services; i++)
        if ((at[i] = find_same(p, matched, &c->services[i])) >= 0)
            matched[at[i]] = true;
    for (i = 0; i < p->n; i++)
        if (!matched[i]) {
            withdraw(r, &p->items[i]);
            withdrawn++;
        }
    next.n = 0;
    next.hooks = p->hooks;
    next.signer = p->signer;
    for (i = 0; i < c->n_services; i++) {
        nt_agent_pub *np = &next.items[next.n];
        if (at[i] >= 0) {
            *np = p->items[at[i]];
            np->svc = c->services[i]; /* same on the wire; origin may differ */
            next.n++;
            kept++;
            continue;
        }
        np->svc = c->services[i];
        if (place(p, r, np, old_version(p, matched, &np->svc)))
            next.n++;
    }
    NT_LOGI("agent", "%zu services: %zu unchanged, %zu published, %zu withdrawn", next.n, kept,
            next.n - kept, withdrawn);
    *p = next;
}

/* The engine has sent the goodbyes of service id: its new version goes out. */
static void follow_withdrawal(nt_agent_pubs *p, nt_runner *r, nt_mdns_service_id id)
{
    size_t i;
    for (i = 0; i < p->n; i++) {
        nt_agent_pub *np = &p->items[i];
        if (!np->waiting || np->after != id)
            continue;
        if (place(p, r, np, NULL))
            continue;
        p->n--; /* refused (logged): dropped */
        memmove(np, np + 1, (p->n - i) * sizeof *np);
        i--;
    }
}

static const nt_agent_pub *find_id(const nt_agent_pubs *p, nt_mdns_service_id id)
{
    size_t i;
    for (i = 0; i < p->n; i++)
        if (!p->items[i].waiting && p->items[i].id == id)
            return &p->items[i];
    return NULL;
}

/* Signing: the instance name is ours once probing won, so a record for it
 * not signed by our key is a spoof to defend against (as publish does). */
static void claim(nt_agent_pubs *p, const nt_mdns_event *ev)
{
    nt_dns_name parent, full;
    char text[NT_MDNS_NAME_MAX + 8];
    if (!p->hooks)
        return;
    snprintf(text, sizeof text, "%s.local", ev->type);
    if (nt_dns_name_from_str(&parent, text) != NT_OK ||
        nt_dns_name_prepend(&full, (const uint8_t *)ev->instance, strlen(ev->instance),
                            &parent) != NT_OK ||
        nt_trust_hooks_claim(p->hooks, &full) != NT_OK)
        NT_LOGW("agent", "cannot claim \"%s\" for its signature", ev->instance);
}

/* Signing, after a host-name conflict: the records now live at the new
 * name, so signatures name it as signer (and the key's identity, whose
 * digest covers the owner name, changes with it), as publish does. */
static void resign_as(nt_agent_pubs *p, const char *host_text)
{
    nt_dns_name host;
    char hex[65];
    if (!p->hooks || !p->signer)
        return;
    if (nt_dns_name_from_str(&host, host_text) != NT_OK) {
        NT_LOGW("agent", "cannot sign as renamed host \"%s\"", host_text);
        return;
    }
    nt_trust_signer_rename(p->signer, &host);
    if (nt_trust_hooks_signer_renamed(p->hooks) != NT_OK)
        NT_LOGW("agent", "cannot renew claims for renamed host \"%s\"", host_text);
    if (nt_hex_encode(hex, sizeof hex, p->signer->key_digest, 32) == NT_OK)
        NT_LOGI("agent", "signing as %s key %s", host_text, hex);
}

void nt_agent_pubs_event(nt_agent_pubs *p, nt_runner *r, const nt_mdns_event *ev)
{
    const nt_agent_pub *pub = find_id(p, ev->service);
    const char *name = ev->instance[0] ? ev->instance : pub ? pub->svc.instance : "?";
    switch (ev->kind) {
    case NT_MDNS_EV_PUBLISH_PROBING:
        NT_LOGD("agent", "probing \"%s\"", name);
        break;
    case NT_MDNS_EV_PUBLISH_ESTABLISHED:
        claim(p, ev);
        NT_LOGI("agent", "published \"%s\" (%s)", name, ev->type);
        break;
    case NT_MDNS_EV_PUBLISH_CONFLICT:
        if (ev->instance[0])
            NT_LOGW("agent", "\"%s\" renamed to \"%s\" after a conflict", ev->previous, name);
        else {
            NT_LOGW("agent", "host renamed to \"%s\" after a conflict", ev->host);
            resign_as(p, ev->host);
        }
        break;
    case NT_MDNS_EV_PUBLISH_WITHDRAWN:
        NT_LOGI("agent", "withdrawn \"%s\"", name);
        follow_withdrawal(p, r, ev->service);
        break;
    case NT_MDNS_EV_PUBLISH_FAILED:
        NT_LOGE("agent", "gave up on \"%s\": %s", name, ev->reason[0] ? ev->reason : "conflicts");
        break;
    default:
        break;
    }
}

nt_status nt_agent_pub_add(nt_agent_pubs *p, nt_runner *r, const nt_conf_service *s,
                           nt_mdns_service_id *id)
{
    return publish(p, r, s, id);
}
