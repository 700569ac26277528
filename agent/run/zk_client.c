/*
 * `zk verify` through a running agent (zk_client.h, DESIGN §8.3): the
 * command reads the three files itself (so unreadable files give the same
 * line as in-process), sends their texts in one `zk_verify` request, and
 * prints the agent's answer, which the agent made with the same code
 * (zk_verify_run.c). Whatever cannot go through the agent (no agent, a
 * request over the frame limit, a document with a NUL, an agent that
 * refuses, e.g. for rate) is verified in-process.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "nautilus/codec.h"
#include "nautilus/ctl.h"
#include "nautilus/log.h"
#include "nautilus/mem.h"
#include "zk_client.h"

#define ZK_WAIT_MS 10000

static cJSON *build_request(const nt_zk_verify_opts *o, char *const texts[3],
                            const char *const paths[3])
{
    static const char *const keys[3] = {"vk", "proof", "public"};
    char hex[65], dec[NT_ZK_RUN_DEC_MAX + 1];
    cJSON *r = cJSON_CreateObject(), *names = cJSON_AddArrayToObject(r, "names");
    bool ok = r && names && cJSON_AddStringToObject(r, "op", "zk_verify");
    size_t i;

    for (i = 0; ok && i < 3; i++)
        ok = cJSON_AddStringToObject(r, keys[i], texts[i]) &&
             cJSON_AddItemToArray(names, cJSON_CreateString(paths[i]));
    ok = ok && cJSON_AddBoolToObject(r, "quiet", o->quiet) && cJSON_AddBoolToObject(r, "json", o->json);
    if (ok && o->have_digest)
        ok = nt_hex_encode(hex, sizeof hex, o->digest, 32) == NT_OK &&
             cJSON_AddStringToObject(r, "key_digest", hex);
    if (ok && o->have_commitment) {
        nt_zk_run_b32_to_dec(dec, o->commitment);
        ok = cJSON_AddStringToObject(r, "commitment", dec) != NULL;
    }
    if (!ok) {
        cJSON_Delete(r);
        return NULL;
    }
    return r;
}

/* The agent's {"ok":true,"exit":N,"stdout":..,"stderr":..}, printed; an
 * {"ok":false,..} or a reply of another shape: NT_CTLC_IN_PROCESS. */
static int print_reply(const cJSON *rep)
{
    const cJSON *ok = cJSON_GetObjectItemCaseSensitive(rep, "ok");
    const cJSON *ex = cJSON_GetObjectItemCaseSensitive(rep, "exit");
    const cJSON *out = cJSON_GetObjectItemCaseSensitive(rep, "stdout");
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(rep, "stderr");
    const cJSON *why = cJSON_GetObjectItemCaseSensitive(rep, "error");

    if (!cJSON_IsTrue(ok) || !cJSON_IsNumber(ex) || !cJSON_IsString(out) || !cJSON_IsString(err) ||
        (ex->valuedouble != NT_EXIT_OK && ex->valuedouble != NT_EXIT_NEGATIVE &&
         ex->valuedouble != NT_EXIT_USAGE)) {
        NT_LOGD("zk verify", "the agent did not verify (%s): working in-process",
                cJSON_IsString(why) ? why->valuestring : "unexpected reply");
        return NT_CTLC_IN_PROCESS;
    }
    return nt_zk_run_print((int)ex->valuedouble, out->valuestring, strlen(out->valuestring),
                           err->valuestring);
}

int nt_zk_verify_agent(const nt_ctlc_opts *co, const nt_zk_verify_opts *o,
                       const char *const paths[3])
{
    char *texts[3] = {NULL, NULL, NULL}, *req = NULL, err[NT_ZK_RUN_ERR_CAP];
    size_t lens[3], i;
    cJSON *r = NULL, *rep = NULL;
    int rc;

    if (co->no_agent)
        return NT_CTLC_IN_PROCESS;
    rc = nt_zk_run_read(texts, lens, paths, err, sizeof err);
    if (rc != NT_EXIT_OK)
        return nt_cli_fail(rc, "%s", err);
    rc = NT_CTLC_IN_PROCESS;
    /* A NUL would cut the text short in a JSON string: in-process. */
    for (i = 0; i < 3; i++)
        if (memchr(texts[i], 0, lens[i]))
            goto out;
    if (!(r = build_request(o, texts, paths)) || !(req = cJSON_PrintUnformatted(r)))
        goto out;
    rc = nt_ctlc_exchange(co, "zk verify", req, strlen(req), ZK_WAIT_MS, &rep);
    if (rc == NT_EXIT_OK)
        rc = print_reply(rep);
out:
    cJSON_Delete(rep);
    cJSON_free(req);
    cJSON_Delete(r);
    for (i = 0; i < 3; i++)
        nt_free(texts[i]);
    return rc;
}
