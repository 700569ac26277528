/* nautilus feedback: tells the learned ranking (DESIGN §7.2) how using an
 * instance went; the evidence is kept in the state directory. This file
 * reads the options; agent/run/feedback_run.c does the rest. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "feedback_run.h"

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

/* --latency MS, --type TYPE or --state DIR (argv[*i]; a value follows). */
static int value_option(char **argv, int *i, nt_feedback_opts *o)
{
    const char *a = argv[*i];
    char *end;
    if (a[2] == 'l') {
        o->latency_ms = strtod(argv[++*i], &end);
        if (*end || end == argv[*i] || !isfinite(o->latency_ms) || o->latency_ms < 0 ||
            o->latency_ms > 3600000)
            return nt_cli_usage_error("feedback: --latency wants milliseconds, not '%s'",
                                      argv[*i]);
    } else if (a[2] == 't') {
        o->type = argv[++*i];
    } else {
        o->dir = argv[++*i];
    }
    return NT_EXIT_OK;
}

static int parse_args(int argc, char **argv, nt_feedback_opts *o, nt_ctlc_opts *co,
                      const char **verdict, bool *help)
{
    int i, code = NT_EXIT_OK;
    for (i = 1; i < argc && code == NT_EXIT_OK; i++) {
        const char *a = argv[i];
        if (nt_cli_is_help(a)) {
            *help = true;
            return NT_EXIT_OK;
        } else if (nt_ctlc_option("feedback", argc, argv, &i, co, &code)) {
            continue;
        } else if (strcmp(a, "--latency") == 0 || strcmp(a, "--type") == 0 ||
                   strcmp(a, "--state") == 0) {
            if (i + 1 >= argc)
                return nt_cli_usage_error("feedback: %s needs a value", a);
            code = value_option(argv, &i, o);
        } else if (a[0] == '-' && a[1] != 0) {
            return nt_cli_usage_error("feedback: unknown option '%s' (try --help)", a);
        } else if (!o->name) {
            o->name = a;
        } else if (!*verdict) {
            *verdict = a;
        } else {
            return nt_cli_usage_error("feedback: unexpected argument '%s'", a);
        }
    }
    return code;
}

int nt_cmd_feedback(int argc, char **argv)
{
    nt_feedback_opts o;
    nt_ctlc_opts co = {NULL, false, false};
    const char *verdict = NULL;
    bool help = false;
    int code;

    memset(&o, 0, sizeof o);
    o.latency_ms = -1;
    if ((code = parse_args(argc, argv, &o, &co, &verdict, &help)) != NT_EXIT_OK || help) {
        if (help)
            fputs(usage_text, stdout);
        return code;
    }
    if (!o.name || !verdict)
        return nt_cli_usage_error("feedback: need NAME and ok|fail (try --help)");
    if (strcmp(verdict, "ok") != 0 && strcmp(verdict, "fail") != 0)
        return nt_cli_usage_error("feedback: say ok or fail, not '%s'", verdict);
    o.ok = verdict[0] == 'o';
    if ((code = nt_feedback_check(&o)) != NT_EXIT_OK)
        return code;
    if ((code = nt_feedback_ask_agent(&co, &o)) != NT_CTLC_IN_PROCESS)
        return code;
    return nt_feedback_record(&o);
}
