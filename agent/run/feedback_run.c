/* agent/run/feedback_run.c - `nautilus feedback`: one observation of how
 * using an instance went, to the agent's ranking or to the store here. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "feedback_run.h"

int nt_feedback_check(nt_feedback_opts *o)
{
    if (o->type) {
        if (nt_rank_key(o->key, o->name, o->type, "local") != NT_OK)
            return nt_cli_usage_error("feedback: bad instance or type");
    } else if (strlen(o->name) + 1 > sizeof o->key || !o->name[0]) {
        return nt_cli_usage_error("feedback: name too long");
    } else {
        memcpy(o->key, o->name, strlen(o->name) + 1);
    }
    return NT_EXIT_OK;
}

int nt_feedback_ask_agent(const nt_ctlc_opts *co, const nt_feedback_opts *f)
{
    cJSON *o;
    char *req = NULL;
    int code = NT_CTLC_IN_PROCESS;
    if (f->dir)
        return NT_CTLC_IN_PROCESS;
    o = cJSON_CreateObject();
    if (o && cJSON_AddStringToObject(o, "op", "feedback") &&
        cJSON_AddStringToObject(o, "name", f->name) &&
        (!f->type || cJSON_AddStringToObject(o, "type", f->type)) &&
        cJSON_AddBoolToObject(o, "ok", f->ok) &&
        (f->latency_ms < 0 || cJSON_AddNumberToObject(o, "latency_ms", f->latency_ms)))
        req = cJSON_PrintUnformatted(o);
    if (req)
        code = nt_ctlc_call(co, "feedback", req, 10000, NULL);
    cJSON_free(req);
    cJSON_Delete(o);
    return code;
}

int nt_feedback_record(const nt_feedback_opts *o)
{
    char why[256] = "";
    nt_rank_store store;
    nt_rank_id id;
    nt_status st;
    int code = NT_EXIT_OK;

    st = nt_rank_store_open(&store, o->dir, true, 0, why, sizeof why);
    if (st == NT_OK && store.lock_fd < 0)
        st = NT_ERR_NOT_FOUND, snprintf(why, sizeof why, "no state directory: give --state DIR");
    if (st == NT_OK && (st = nt_rank_intern(store.rank, &id, o->key, nt_rank_clock_ms())) != NT_OK)
        snprintf(why, sizeof why, "%s", nt_strerror(st));
    if (st == NT_OK)
        st = nt_rank_observe(store.rank, id, NT_RANK_SRC_FEEDBACK, o->ok, o->latency_ms,
                             nt_rank_clock_ms());
    if (st == NT_OK && (st = nt_rank_store_save(&store)) != NT_OK)
        snprintf(why, sizeof why, "cannot save: %s", nt_strerror(st));
    if (st != NT_OK)
        code = nt_cli_fail(NT_EXIT_USAGE, "feedback: %s", why[0] ? why : nt_strerror(st));
    nt_rank_store_close(&store);
    return code;
}
