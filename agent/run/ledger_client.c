/*
 * `nautilus ledger register|rotate|revoke|checkpoint|status` through a
 * running agent (ledger_cli.h, DESIGN §8.3): the command sends its parsed
 * options in one `ledger` request; an agent that anchors the same state
 * directory on the same chain runs the operation on its anchoring worker
 * (ctl_ledger.c) and answers with the exit code, stdout and stderr, printed
 * here as they are. An agent that anchors something else, or nothing,
 * refuses with NT_ERR_CTL_LEDGER_ELSEWHERE and the command works
 * in-process (no agent writes that outbox then).
 */
#include <cjson/cJSON.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ctl_client.h"
#include "ledger_cli.h"
#include "nautilus/log.h"

#define WAIT_DEFAULT_S 120u /* an operation's own wait when --timeout is not given */

int nt_ledger_ctl_options(int *argc, char **argv, nt_ctlc_opts *co)
{
    int i, n = 1, code;
    for (i = 1; i < *argc; i++) {
        if (nt_ctlc_option("ledger", *argc, argv, &i, co, &code)) {
            if (code != NT_EXIT_OK)
                return code;
            continue;
        }
        argv[n++] = argv[i];
    }
    *argc = n;
    argv[n] = NULL;
    return -1;
}

static cJSON *build_request(const nt_ledger_opts *o, const char *state)
{
    char reg[43];
    cJSON *r = cJSON_CreateObject();
    bool ok = r && cJSON_AddStringToObject(r, "op", "ledger") &&
              cJSON_AddStringToObject(r, "sub", o->sub) &&
              cJSON_AddStringToObject(r, "state", state) &&
              cJSON_AddNumberToObject(r, "chain_id", (double)o->chain_id);
    if (ok && o->name_text)
        ok = cJSON_AddStringToObject(r, "name", o->name_text) != NULL;
    if (ok && o->rpc)
        ok = cJSON_AddStringToObject(r, "rpc", o->rpc) != NULL;
    if (ok && o->has_registry) {
        nt_ledger_hex(reg, o->registry, 20);
        ok = cJSON_AddStringToObject(r, "registry", reg) != NULL;
    }
    if (ok && o->profile && strcmp(o->profile->name, "ethereum") != 0)
        ok = cJSON_AddStringToObject(r, "profile", o->profile->name) != NULL;
    if (ok && o->confirmations)
        ok = cJSON_AddNumberToObject(r, "confirmations", o->confirmations) != NULL;
    if (ok && o->timeout_s)
        ok = cJSON_AddNumberToObject(r, "timeout", o->timeout_s) != NULL;
    if (ok && o->json)
        ok = cJSON_AddBoolToObject(r, "json", true) != NULL;
    if (!ok) {
        cJSON_Delete(r);
        return NULL;
    }
    return r;
}

/* {"ok":true,"exit":N,"stdout":S,"stderr":S} printed; a refusal: in-process
 * (not our outbox, or an agent that does not know the request) or one line. */
static int print_reply(const nt_ledger_opts *o, const cJSON *rep)
{
    const cJSON *ok = cJSON_GetObjectItemCaseSensitive(rep, "ok");
    const cJSON *ex = cJSON_GetObjectItemCaseSensitive(rep, "exit");
    const cJSON *out = cJSON_GetObjectItemCaseSensitive(rep, "stdout");
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(rep, "stderr");
    const cJSON *why = cJSON_GetObjectItemCaseSensitive(rep, "error");
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(rep, "status");
    const char *msg = cJSON_IsString(why) ? why->valuestring : "unexpected reply";

    if (cJSON_IsTrue(ok) && cJSON_IsNumber(ex) && cJSON_IsString(out) && cJSON_IsString(err) &&
        ex->valuedouble >= 0 && ex->valuedouble <= 255) {
        fputs(out->valuestring, stdout);
        fputs(err->valuestring, stderr);
        return (int)ex->valuedouble;
    }
    if (cJSON_IsString(st) && (strcmp(st->valuestring, "NT_ERR_CTL_LEDGER_ELSEWHERE") == 0 ||
                               strcmp(st->valuestring, "NT_ERR_INVALID_ARG") == 0)) {
        NT_LOGD("ledger", "the agent does not run it (%s): working in-process", msg);
        return NT_CTLC_IN_PROCESS;
    }
    return nt_cli_fail(NT_EXIT_LOCAL, "ledger %s: the agent refused: %s", o->sub, msg);
}

int nt_ledger_via_agent(const nt_ctlc_opts *co, const nt_ledger_opts *o)
{
    char state[PATH_MAX];
    cJSON *r = NULL, *rep = NULL;
    char *req = NULL;
    unsigned wait_s = o->timeout_s ? o->timeout_s : WAIT_DEFAULT_S;
    int rc = NT_CTLC_IN_PROCESS;

    /* Not there yet: nothing to share; the in-process run says why. */
    if (co->no_agent || !o->state || !realpath(o->state, state))
        return NT_CTLC_IN_PROCESS;
    if (!(r = build_request(o, state)) || !(req = cJSON_PrintUnformatted(r)))
        goto out;
    /* Queued behind others, then its own waits (--timeout, twice at most). */
    rc = nt_ctlc_exchange(co, "ledger", req, strlen(req),
                          (int)((2u * wait_s + 30u) * 1000u), &rep);
    if (rc == NT_EXIT_OK)
        rc = print_reply(o, rep);
out:
    cJSON_Delete(rep);
    cJSON_free(req);
    cJSON_Delete(r);
    return rc;
}
