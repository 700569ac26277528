/* The control socket's publish, withdraw and browse requests (agent_req.h,
 * DESIGN §8.3): what `nautilus publish` sends to a running agent, and what
 * the agent keeps of the persisted ones in its state directory. Pure. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "agent_req.h"
#include "svc_args.h"

#define TXT_ITEMS_MAX 64u /* as the command line takes */

static nt_status refuse(char *why, size_t cap, const char *msg)
{
    snprintf(why, cap, "%s", msg);
    return NT_ERR_INVALID_ARG;
}

/* A non-empty string member shorter than cap; absent: NULL with *ok kept. */
static const char *text(const cJSON *o, const char *key, size_t cap, bool *ok)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v)
        return NULL;
    if (!cJSON_IsString(v) || !v->valuestring || !v->valuestring[0] ||
        strlen(v->valuestring) >= cap) {
        *ok = false;
        return NULL;
    }
    return v->valuestring;
}

/* A whole number member in 0..max; absent: *out untouched. */
static bool number(const cJSON *o, const char *key, double max, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v)
        return true;
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0 ||
        v->valuedouble > max || v->valuedouble != (double)(long long)v->valuedouble)
        return false;
    *out = v->valuedouble;
    return true;
}

/* A boolean member; absent: false. */
static bool flag(const cJSON *o, const char *key, bool *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    *out = cJSON_IsTrue(v);
    return !v || cJSON_IsBool(v);
}

/* One TXT string appended to the RDATA (svc_args.h says what it may be). */
static bool txt_add(nt_conf_service *s, const char *item)
{
    size_t n = strlen(item);
    if (!nt_svc_txt_item_ok(item) || s->txt_len + 1 + n > sizeof s->txt)
        return false;
    s->txt[s->txt_len++] = (uint8_t)n;
    memcpy(s->txt + s->txt_len, item, n);
    s->txt_len += n;
    return true;
}

static nt_status txt_list(nt_conf_service *s, const cJSON *o, char *why, size_t cap)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "txt"), *it;
    if (!a)
        return NT_OK;
    if (!cJSON_IsArray(a) || (size_t)cJSON_GetArraySize(a) > TXT_ITEMS_MAX)
        return refuse(why, cap, "publish: txt is a list of up to 64 \"KEY=VALUE\" strings");
    cJSON_ArrayForEach(it, a) {
        if (!cJSON_IsString(it) || !it->valuestring || !txt_add(s, it->valuestring))
            return refuse(why, cap, "publish: bad txt entry (want KEY=VALUE, at most 255 bytes)");
    }
    return NT_OK;
}

/* "_printer" or "printer": one label, stored with its underscore (RFC 6763
 * §7.1). */
static nt_status subtype_list(nt_conf_service *s, const cJSON *o, char *why, size_t cap)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "subtypes"), *it;
    if (!a)
        return NT_OK;
    if (!cJSON_IsArray(a) || (size_t)cJSON_GetArraySize(a) > NT_CONF_SUBTYPES_MAX)
        return refuse(why, cap, "publish: subtypes is a list of up to 8 labels");
    cJSON_ArrayForEach(it, a) {
        const char *v = cJSON_IsString(it) ? it->valuestring : NULL;
        if (!nt_svc_subtype_label(s->subtypes[s->n_subtypes], NT_CONF_LABEL_MAX, v))
            return refuse(why, cap, "publish: bad subtype (want e.g. _printer)");
        s->n_subtypes++;
    }
    return NT_OK;
}

static nt_status publish_fields(nt_agent_req *r, const cJSON *o, char *why, size_t cap)
{
    nt_conf_service *s = &r->svc;
    double port = -1, prio = 0, weight = 0, ttl = 0;
    nt_status st;

    if (!number(o, "port", 65535, &port) || port < 0)
        return refuse(why, cap, "publish: port is a number 0..65535");
    if (!number(o, "priority", 65535, &prio) || !number(o, "weight", 65535, &weight))
        return refuse(why, cap, "publish: priority and weight are numbers 0..65535");
    if (!number(o, "ttl", 0x7fffffff, &ttl))
        return refuse(why, cap, "publish: ttl is a number of seconds");
    if (!flag(o, "sign", &r->sign) || !flag(o, "persist", &r->persist))
        return refuse(why, cap, "publish: sign and persist are true or false");
    s->port = (uint16_t)port;
    s->priority = (uint16_t)prio;
    s->weight = (uint16_t)weight;
    s->ttl = (uint32_t)ttl;
    s->family = NT_CONF_ANY;
    snprintf(s->origin, sizeof s->origin, "control socket");
    if ((st = subtype_list(s, o, why, cap)) != NT_OK)
        return st;
    return txt_list(s, o, why, cap);
}

nt_status nt_agent_req_parse_publish(nt_agent_req *r, const cJSON *o, bool is_publish, char *why,
                                     size_t why_cap)
{
    bool ok = true;
    const char *inst = text(o, "instance", NT_CONF_LABEL_MAX, &ok);
    const char *type = text(o, "type", NT_CONF_LABEL_MAX, &ok);

    if (!cJSON_IsObject(o))
        return refuse(why, why_cap, "not a JSON object");
    if (!ok || !inst || !type)
        return refuse(why, why_cap, is_publish ? "publish: need instance (1..63 bytes) and type"
                                               : "withdraw: need instance (1..63 bytes) and type");
    if (!nt_svc_type_ok(type))
        return refuse(why, why_cap, "publish: bad service type (want e.g. _http._tcp)");
    memset(&r->svc, 0, sizeof r->svc);
    memcpy(r->svc.instance, inst, strlen(inst) + 1);
    memcpy(r->svc.type, type, strlen(type) + 1);
    r->op = is_publish ? NT_AGENT_OP_PUBLISH : NT_AGENT_OP_WITHDRAW;
    return is_publish ? publish_fields(r, o, why, why_cap) : NT_OK;
}

/* "_x._tcp" or "_sub._sub._x._tcp" (RFC 6763 §7.1), as browse takes it. */
static bool browse_type_ok(const char *t)
{
    const char *p = strstr(t, "._sub.");
    if (p && (t[0] != '_' || p == t + 1 || memchr(t, '.', (size_t)(p - t))))
        return false;
    return nt_svc_type_ok(p ? p + 6 : t);
}

nt_status nt_agent_req_parse_browse(nt_agent_req *r, const cJSON *o, char *why, size_t why_cap)
{
    bool ok = true;
    const char *type = text(o, "type", sizeof r->type, &ok);
    const char *req = text(o, "require", 32, &ok);

    if (!ok || !type || !browse_type_ok(type))
        return refuse(why, why_cap, "browse: bad service type (want e.g. _http._tcp)");
    if (!flag(o, "json", &r->json) || !flag(o, "resolve", &r->resolve))
        return refuse(why, why_cap, "browse: json and resolve are true or false");
    if (req && nt_trust_level_parse(req, &r->require) != NT_OK)
        return refuse(why, why_cap, "browse: unknown trust level");
    memcpy(r->type, type, strlen(type) + 1);
    r->op = NT_AGENT_OP_BROWSE;
    return NT_OK;
}
