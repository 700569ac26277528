/* nautilus feedback: tells the learned ranking (DESIGN §7.2) how using an
 * instance went; the evidence is kept in the state directory. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "ctl_client.h"
#include "rank_cli.h"

static const char usage_text[] =
    "usage: nautilus feedback NAME ok|fail [--latency MS] [--type TYPE] [--state DIR]\n"
    "\n"
    "Records that using instance NAME worked (ok) or failed (fail), and how long\n"
    "it took, for 'resolve --best' to learn which instance serves best. NAME is\n"
    "the instance's full name as 'resolve --best --json' and 'browse --json'\n"
    "print it (\"name\"), e.g. Web._http._tcp.local, or its instance label with\n"
    "--type TYPE.\n"
    "\n"
    "  --latency MS   how long the request took, in milliseconds\n"
    "  --type TYPE    NAME is an instance label of TYPE (e.g. _http._tcp)\n"
    "  --state DIR    state directory (default $XDG_STATE_HOME/nautilus, as keygen)\n"
    "\n"
    "Without --state a running agent (nautilus agent) takes the feedback into\n"
    "its own state directory; with none, it is written here.\n"
    NT_CTLC_HELP;

/* A running agent records it in its state directory; NT_CTLC_IN_PROCESS
 * when there is none. */
static int ask_agent(const nt_ctlc_opts *co, const char *name, const char *type, bool ok,
                     double latency)
{
    cJSON *o = cJSON_CreateObject();
    char *req = NULL;
    int code = NT_CTLC_IN_PROCESS;
    if (o && cJSON_AddStringToObject(o, "op", "feedback") &&
        cJSON_AddStringToObject(o, "name", name) &&
        (!type || cJSON_AddStringToObject(o, "type", type)) && cJSON_AddBoolToObject(o, "ok", ok) &&
        (latency < 0 || cJSON_AddNumberToObject(o, "latency_ms", latency)))
        req = cJSON_PrintUnformatted(o);
    if (req)
        code = nt_ctlc_call(co, "feedback", req, 10000, NULL);
    cJSON_free(req);
    cJSON_Delete(o);
    return code;
}

int nt_cmd_feedback(int argc, char **argv)
{
    const char *name = NULL, *verdict = NULL, *type = NULL, *dir = NULL;
    double latency = -1;
    char key[NT_RANK_NAME_MAX], why[256] = "";
    nt_rank_store store;
    nt_ctlc_opts co = {NULL, false};
    nt_rank_id id;
    nt_status st;
    int i, code = NT_EXIT_OK;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (nt_cli_is_help(a)) {
            fputs(usage_text, stdout);
            return NT_EXIT_OK;
        } else if (nt_ctlc_option("feedback", argc, argv, &i, &co, &code)) {
            if (code != NT_EXIT_OK)
                return code;
        } else if (strcmp(a, "--latency") == 0 || strcmp(a, "--type") == 0 ||
                   strcmp(a, "--state") == 0) {
            if (i + 1 >= argc)
                return nt_cli_usage_error("feedback: %s needs a value", a);
            if (a[2] == 'l') {
                char *end;
                latency = strtod(argv[++i], &end);
                if (*end || end == argv[i] || !isfinite(latency) || latency < 0 ||
                    latency > 3600000)
                    return nt_cli_usage_error("feedback: --latency wants milliseconds, not '%s'",
                                              argv[i]);
            } else if (a[2] == 't') {
                type = argv[++i];
            } else {
                dir = argv[++i];
            }
        } else if (a[0] == '-' && a[1] != 0) {
            return nt_cli_usage_error("feedback: unknown option '%s' (try --help)", a);
        } else if (!name) {
            name = a;
        } else if (!verdict) {
            verdict = a;
        } else {
            return nt_cli_usage_error("feedback: unexpected argument '%s'", a);
        }
    }
    if (!name || !verdict)
        return nt_cli_usage_error("feedback: need NAME and ok|fail (try --help)");
    if (strcmp(verdict, "ok") != 0 && strcmp(verdict, "fail") != 0)
        return nt_cli_usage_error("feedback: say ok or fail, not '%s'", verdict);
    if (type) {
        if (nt_rank_key(key, name, type, "local") != NT_OK)
            return nt_cli_usage_error("feedback: bad instance or type");
    } else if (strlen(name) + 1 > sizeof key || !name[0]) {
        return nt_cli_usage_error("feedback: name too long");
    } else {
        memcpy(key, name, strlen(name) + 1);
    }

    if (!dir && (code = ask_agent(&co, name, type, verdict[0] == 'o', latency)) !=
                    NT_CTLC_IN_PROCESS)
        return code;
    code = NT_EXIT_OK;
    st = nt_rank_store_open(&store, dir, true, 0, why, sizeof why);
    if (st == NT_OK && store.lock_fd < 0)
        st = NT_ERR_NOT_FOUND, snprintf(why, sizeof why, "no state directory: give --state DIR");
    if (st == NT_OK && (st = nt_rank_intern(store.rank, &id, key, nt_rank_clock_ms())) != NT_OK)
        snprintf(why, sizeof why, "%s", nt_strerror(st));
    if (st == NT_OK)
        st = nt_rank_observe(store.rank, id, NT_RANK_SRC_FEEDBACK, verdict[0] == 'o', latency,
                             nt_rank_clock_ms());
    if (st == NT_OK && (st = nt_rank_store_save(&store)) != NT_OK)
        snprintf(why, sizeof why, "cannot save: %s", nt_strerror(st));
    if (st != NT_OK)
        code = nt_cli_fail(NT_EXIT_USAGE, "feedback: %s", why[0] ? why : nt_strerror(st));
    nt_rank_store_close(&store);
    return code;
}
