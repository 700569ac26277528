/* The control socket's requests (agent_req.h). */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "agent_req.h"
#include "nautilus/mem.h"

static nt_status bad(char *why, size_t cap, const char *msg, const char *what)
{
    snprintf(why, cap, "%s%s%s", msg, what ? " " : "", what ? what : "");
    return NT_ERR_INVALID_ARG;
}

/* A string member (absent: NULL, *ok true); a member of another kind or
 * longer than cap-1 makes *ok false. */
static const char *str_member(const cJSON *o, const char *key, size_t cap, bool *ok)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v)
        return NULL;
    if (!cJSON_IsString(v) || !v->valuestring || strlen(v->valuestring) + 1 > cap ||
        !v->valuestring[0])
        *ok = false;
    return *ok ? v->valuestring : NULL;
}

/* "h", "h.local", "h.local." -> "h.local": one label of 1..63 octets. */
static bool host_norm(char *out, size_t cap, const char *in)
{
    size_t n = strlen(in);
    if (n && in[n - 1] == '.')
        n--;
    if (n > 6 && strncasecmp(in + n - 6, ".local", 6) == 0)
        n -= 6;
    if (n == 0 || n > 63 || memchr(in, '.', n) || n + 7 > cap)
        return false;
    memcpy(out, in, n);
    memcpy(out + n, ".local", 7);
    return true;
}

/* "_x._tcp" or "_x._udp", as the commands take it. */
static bool type_ok(const char *t)
{
    const char *dot = strchr(t, '.');
    return t[0] == '_' && dot && dot > t + 1 &&
           (strcmp(dot, "._tcp") == 0 || strcmp(dot, "._udp") == 0);
}

static nt_status parse_resolve(nt_agent_req *r, const cJSON *o, char *why, size_t cap)
{
    bool ok = true;
    const char *host = str_member(o, "host", sizeof r->host, &ok);
    const char *inst = str_member(o, "instance", sizeof r->instance, &ok);
    const char *type = str_member(o, "type", sizeof r->type, &ok);
    const char *fam = str_member(o, "family", 8, &ok);
    const char *req = str_member(o, "require", 32, &ok);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "timeout_ms");

    if (!ok)
        return bad(why, cap, "resolve: a field is not a short string", NULL);
    if (host && (inst || type))
        return bad(why, cap, "resolve: host or instance and type, not both", NULL);
    if (host) {
        r->op = NT_AGENT_OP_RESOLVE_HOST;
        if (!host_norm(r->host, sizeof r->host, host))
            return bad(why, cap, "resolve: bad host name (want NAME.local)", NULL);
    } else if (inst && type) {
        r->op = NT_AGENT_OP_RESOLVE_SERVICE;
        if (!type_ok(type))
            return bad(why, cap, "resolve: bad service type (want e.g. _http._tcp)", NULL);
        memcpy(r->instance, inst, strlen(inst) + 1);
        memcpy(r->type, type, strlen(type) + 1);
    } else {
        return bad(why, cap, "resolve: need host, or instance and type", NULL);
    }
    r->want4 = r->want6 = true;
    if (fam) {
        if (strcmp(fam, "4") == 0)
            r->want6 = false;
        else if (strcmp(fam, "6") == 0)
            r->want4 = false;
        else if (strcmp(fam, "any") != 0)
            return bad(why, cap, "resolve: family is 4, 6 or any", NULL);
    }
    if (req && nt_trust_level_parse(req, &r->require) != NT_OK)
        return bad(why, cap, "resolve: unknown trust level", NULL);
    if (t) {
        if (!cJSON_IsNumber(t) || !isfinite(t->valuedouble) || t->valuedouble < 0 ||
            t->valuedouble > NT_AGENT_REQ_TIMEOUT_MAX)
            return bad(why, cap, "resolve: timeout_ms is a number of milliseconds up to 600000",
                       NULL);
        r->timeout_ms = (uint32_t)t->valuedouble;
    }
    return NT_OK;
}

static nt_status parse_feedback(nt_agent_req *r, const cJSON *o, char *why, size_t cap)
{
    bool ok = true;
    const char *name = str_member(o, "name", sizeof r->name, &ok);
    const char *type = str_member(o, "type", sizeof r->type, &ok);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "ok");
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(o, "latency_ms");

    if (!ok || !name)
        return bad(why, cap, "feedback: need name (a string)", NULL);
    if (type && !type_ok(type))
        return bad(why, cap, "feedback: bad service type (want e.g. _http._tcp)", NULL);
    if (!cJSON_IsBool(v))
        return bad(why, cap, "feedback: ok is true or false", NULL);
    r->op = NT_AGENT_OP_FEEDBACK;
    memcpy(r->name, name, strlen(name) + 1);
    if (type)
        memcpy(r->type, type, strlen(type) + 1);
    r->ok = cJSON_IsTrue(v);
    if (l) {
        if (!cJSON_IsNumber(l) || !isfinite(l->valuedouble) || l->valuedouble < 0 ||
            l->valuedouble > 3600000)
            return bad(why, cap, "feedback: latency_ms is a number of milliseconds", NULL);
        r->latency_ms = l->valuedouble;
    }
    return NT_OK;
}

/* ---- zk_verify ------------------------------------------------------------ */

/* A copy of a non-empty string of at most max bytes; NULL (and *st set)
 * if v is absent, of another kind, too long, or out of memory. */
static char *dup_str(const cJSON *v, size_t max, size_t *len, nt_status *st)
{
    char *copy;
    size_t n;
    if (!cJSON_IsString(v) || !v->valuestring || !v->valuestring[0] ||
        (n = strlen(v->valuestring)) > max) {
        *st = NT_ERR_INVALID_ARG;
        return NULL;
    }
    if (!(copy = nt_malloc(n + 1))) {
        *st = NT_ERR_NOMEM;
        return NULL;
    }
    memcpy(copy, v->valuestring, n + 1);
    if (len)
        *len = n;
    return copy;
}

static bool all_of(const char *s, const char *set)
{
    return s[strspn(s, set)] == 0;
}

static nt_status parse_zk_flags(nt_agent_req *r, const cJSON *o, char *why, size_t cap)
{
    bool ok = true;
    const cJSON *q = cJSON_GetObjectItemCaseSensitive(o, "quiet");
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, "json");
    const char *d = str_member(o, "key_digest", sizeof r->zk_digest, &ok);
    const char *c = str_member(o, "commitment", sizeof r->zk_commitment, &ok);

    if (!ok)
        return bad(why, cap, "zk_verify: key_digest is 64 hex digits, commitment a decimal", NULL);
    if ((q && !cJSON_IsBool(q)) || (j && !cJSON_IsBool(j)))
        return bad(why, cap, "zk_verify: quiet and json are true or false", NULL);
    r->zk_quiet = cJSON_IsTrue(q);
    r->zk_json = cJSON_IsTrue(j);
    if (d && (strlen(d) != 64 || !all_of(d, "0123456789abcdefABCDEF")))
        return bad(why, cap, "zk_verify: key_digest is 64 hex digits", NULL);
    if (c && !all_of(c, "0123456789"))
        return bad(why, cap, "zk_verify: commitment is a decimal integer", NULL);
    if (d)
        memcpy(r->zk_digest, d, strlen(d) + 1);
    if (c)
        memcpy(r->zk_commitment, c, strlen(c) + 1);
    return NT_OK;
}

/* The documents travel as JSON strings. A "\u0000" escape would decode to
 * a NUL that cuts the C string short and so change the document: refused
 * (the command then verifies in-process, which refuses such a file). */
static nt_status parse_zk_verify(nt_agent_req *r, const cJSON *o, const char *json, size_t len,
                                 char *why, size_t cap)
{
    static const char *const keys[3] = {"vk", "proof", "public"};
    const cJSON *names = cJSON_GetObjectItemCaseSensitive(o, "names");
    nt_status st = NT_OK;
    size_t i;

    r->op = NT_AGENT_OP_ZK_VERIFY;
    for (i = 0; i + 6 <= len; i++)
        if (memcmp(json + i, "\\u0000", 6) == 0)
            return bad(why, cap, "zk_verify: a document holds a NUL", NULL);
    if (!cJSON_IsArray(names) || cJSON_GetArraySize(names) != 3)
        return bad(why, cap, "zk_verify: names is an array of 3 strings", NULL);
    for (i = 0; i < 3 && st == NT_OK; i++) {
        r->zk_text[i] = dup_str(cJSON_GetObjectItemCaseSensitive(o, keys[i]), len,
                                &r->zk_len[i], &st);
        if (st == NT_OK)
            r->zk_name[i] = dup_str(cJSON_GetArrayItem(names, (int)i), NT_AGENT_REQ_ZK_NAME_MAX,
                                    NULL, &st);
    }
    if (st == NT_OK)
        st = parse_zk_flags(r, o, why, cap);
    else if (st == NT_ERR_INVALID_ARG)
        st = bad(why, cap, "zk_verify: vk, proof, public and names are non-empty strings", NULL);
    else
        snprintf(why, cap, "out of memory");
    if (st != NT_OK)
        nt_agent_req_cleanup(r);
    return st;
}

void nt_agent_req_cleanup(nt_agent_req *r)
{
    size_t i;
    for (i = 0; i < 3; i++) {
        nt_free(r->zk_text[i]);
        nt_free(r->zk_name[i]);
        r->zk_text[i] = r->zk_name[i] = NULL;
    }
}

nt_status nt_agent_req_parse(nt_agent_req *out, const char *json, size_t len, char *why,
                             size_t why_cap)
{
    cJSON *o;
    const cJSON *op;
    nt_status st;

    memset(out, 0, sizeof *out);
    out->timeout_ms = NT_AGENT_REQ_TIMEOUT_MS;
    out->require = NT_TRUST_UNSIGNED;
    out->latency_ms = -1;
    o = cJSON_ParseWithLength(json, len);
    if (!o)
        return bad(why, why_cap, "not JSON", NULL);
    op = cJSON_GetObjectItemCaseSensitive(o, "op");
    if (!cJSON_IsObject(o))
        st = bad(why, why_cap, "not a JSON object", NULL);
    else if (!cJSON_IsString(op) || !op->valuestring)
        st = bad(why, why_cap, "no op", NULL);
    else if (strcmp(op->valuestring, "resolve") == 0)
        st = parse_resolve(out, o, why, why_cap);
    else if (strcmp(op->valuestring, "feedback") == 0)
        st = parse_feedback(out, o, why, why_cap);
    else if (strcmp(op->valuestring, "publish") == 0 || strcmp(op->valuestring, "withdraw") == 0)
        st = nt_agent_req_parse_publish(out, o, op->valuestring[0] == 'p', why, why_cap);
    else if (strcmp(op->valuestring, "browse") == 0)
        st = nt_agent_req_parse_browse(out, o, why, why_cap);
    else if (strcmp(op->valuestring, "status") == 0)
        out->op = NT_AGENT_OP_STATUS, st = NT_OK;
    else if (strcmp(op->valuestring, "ledger") == 0)
        st = nt_agent_req_parse_ledger(out, o, why, why_cap);
    else if (strcmp(op->valuestring, "zk_verify") == 0)
        st = parse_zk_verify(out, o, json, len, why, why_cap);
    else
        st = bad(why, why_cap, "unknown op", NULL);
    cJSON_Delete(o);
    return st;
}
