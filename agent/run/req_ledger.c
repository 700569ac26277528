/* The control socket's ledger request (agent_req.h, DESIGN §8.3): what
 * `nautilus ledger register|rotate|revoke|checkpoint|status` sends to a
 * running agent, its options already parsed and defaulted by the command
 * (the state directory absolute, the chain id resolved). Pure. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "agent_req.h"
#include "nautilus/codec.h"

static nt_status refuse(char *why, size_t cap, const char *msg)
{
    snprintf(why, cap, "ledger: %s", msg);
    return NT_ERR_INVALID_ARG;
}

/* A non-empty string member shorter than cap into out; absent: "" (true). */
static bool text(const cJSON *o, const char *key, char *out, size_t cap)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    size_t n;
    out[0] = 0;
    if (!v)
        return true;
    if (!cJSON_IsString(v) || !v->valuestring || !(n = strlen(v->valuestring)) || n >= cap)
        return false;
    memcpy(out, v->valuestring, n + 1);
    return true;
}

/* A whole number member in lo..hi; absent: *out untouched (true). */
static bool number(const cJSON *o, const char *key, double lo, double hi, uint64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v)
        return true;
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < lo ||
        v->valuedouble > hi || v->valuedouble != floor(v->valuedouble))
        return false;
    *out = (uint64_t)v->valuedouble;
    return true;
}

/* "0x" and 40 hex digits. */
static bool address(uint8_t out[20], const char *s)
{
    size_t n = 0;
    return strlen(s) == 42 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
           nt_hex_decode(out, 20, &n, s, 42) == NT_OK && n == 20;
}

/* Which subcommands travel, and what each needs (as tools/cmd_ledger.c). */
static bool sub_known(const char *s, bool *needs_name, bool *signs)
{
    static const char *const subs[] = {"register", "rotate", "revoke", "checkpoint", "status"};
    size_t i;
    for (i = 0; i < sizeof subs / sizeof subs[0]; i++)
        if (strcmp(s, subs[i]) == 0) {
            *needs_name = i < 3;
            *signs = i < 4;
            return true;
        }
    return false;
}

static nt_status parse_numbers(nt_agent_req *r, const cJSON *o, char *why, size_t cap)
{
    uint64_t conf = 0, timeout = 0;
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, "json");
    if (!number(o, "chain_id", 1, 2147483647.0, &r->ledger_chain_id) || !r->ledger_chain_id)
        return refuse(why, cap, "chain_id is a number from 1 to 2147483647");
    if (!number(o, "confirmations", 0, 1000, &conf))
        return refuse(why, cap, "confirmations is a number from 0 to 1000");
    if (!number(o, "timeout", 0, 86400, &timeout))
        return refuse(why, cap, "timeout is a number of seconds up to 86400");
    if (j && !cJSON_IsBool(j))
        return refuse(why, cap, "json is true or false");
    r->ledger_confirmations = (uint32_t)conf;
    r->ledger_timeout_s = (uint32_t)timeout;
    r->json = cJSON_IsTrue(j);
    return NT_OK;
}

nt_status nt_agent_req_parse_ledger(nt_agent_req *r, const cJSON *o, char *why, size_t cap)
{
    char registry[48];
    bool needs_name = false, signs = false;
    nt_status st;

    r->op = NT_AGENT_OP_LEDGER;
    if (!text(o, "sub", r->ledger_sub, sizeof r->ledger_sub) ||
        !sub_known(r->ledger_sub, &needs_name, &signs))
        return refuse(why, cap, "sub is register, rotate, revoke, checkpoint or status");
    if (!text(o, "state", r->ledger_state, sizeof r->ledger_state) || r->ledger_state[0] != '/')
        return refuse(why, cap, "state is an absolute directory path");
    if (!text(o, "name", r->ledger_name, sizeof r->ledger_name) ||
        !text(o, "rpc", r->ledger_rpc, sizeof r->ledger_rpc) ||
        !text(o, "registry", registry, sizeof registry) ||
        !text(o, "profile", r->ledger_profile, sizeof r->ledger_profile))
        return refuse(why, cap, "name, rpc, registry and profile are short strings");
    if (r->ledger_name[0] == '-')
        return refuse(why, cap, "name does not start with '-'");
    if (needs_name != (r->ledger_name[0] != 0))
        return refuse(why, cap, needs_name ? "this sub needs a name" : "this sub takes no name");
    if (signs && (!r->ledger_rpc[0] || !registry[0]))
        return refuse(why, cap, "this sub needs rpc and registry");
    if (!signs && (r->ledger_rpc[0] || registry[0]))
        return refuse(why, cap, "status takes no rpc or registry");
    if (registry[0] && !address(r->ledger_registry, registry))
        return refuse(why, cap, "registry is 0x and 40 hex digits");
    r->ledger_has_registry = registry[0] != 0;
    if ((st = parse_numbers(r, o, why, cap)) != NT_OK)
        return st;
    if (r->ledger_profile[0] && strcmp(r->ledger_profile, "ethereum") != 0 &&
        strcmp(r->ledger_profile, "besu") != 0)
        return refuse(why, cap, "profile is ethereum or besu");
    return NT_OK;
}
