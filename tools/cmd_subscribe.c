/* nautilus subscribe: print the events of an agent's trust-event bus
 * (DESIGN §6), each authenticated, in seq order, gaps filled from the
 * snapshot endpoint or reported. This file reads the options; the
 * subscriber is agent/run/subscribe_run.c. */
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "subscribe_run.h"

static const char usage_text[] =
    "usage: nautilus subscribe [--endpoint URL] [--snapshot URL] [--json]\n"
    "                          [--curve-server-key KEY --curve-key-file FILE]\n"
    "                          [--agent-key DIGEST-or-DNSKEY] [--count N] [--timeout SEC]\n"
    "                          [TOPIC ...]\n"
    "\n"
    "Prints the events an agent publishes (service.added, service.removed,\n"
    "service.rejected, proof.verified, ...; a TOPIC is a prefix such as\n"
    "'service.'), after checking that its key signed them: bodies are hash-\n"
    "chained and signed heads cover the chain (DESIGN §6). Events come in seq\n"
    "order; a gap is filled from the snapshot (the current state, then the\n"
    "events after it) or, with no snapshot endpoint, reported.\n"
    "\n"
    "  --endpoint URL   the agent's PUB socket (default " NT_BUS_DEFAULT_ENDPOINT ")\n"
    "  --snapshot URL   its snapshot socket: state at start and after a gap\n"
    "  --json           one JSON object a line: the event's body with \"topic\";\n"
    "                   snapshot items add \"snapshot\":true, and lines with topic\n"
    "                   \"snapshot.begin\", \"snapshot.end\" (\"seq\") and \"gap\"\n"
    "                   (\"from\", \"to\": events lost and not recovered)\n"
    "  --curve-server-key KEY  the agent's CURVE public key (40 characters of Z85)\n"
    "  --curve-key-file FILE   our CURVE secret key (Z85, mode 0600)\n"
    "  --agent-key K    accept only this agent: its key digest (64 hex, as keygen\n"
    "                   prints) or its DNSKEY ('256 3 15 BASE64'); default: the\n"
    "                   first agent whose signature checks\n"
    "  --count N        stop after N events\n"
    "  --timeout SEC    stop after SEC seconds (exit 1 if no event came)\n"
    "\n"
    "On exit one line on stderr counts events, gaps, resyncs and refused messages.\n";

static int value_option(nt_subscribe_opts *a, const char *o, const char *v)
{
    if (strcmp(o, "--endpoint") == 0)
        a->cfg.endpoint = v;
    else if (strcmp(o, "--snapshot") == 0)
        a->cfg.snapshot_endpoint = v;
    else if (strcmp(o, "--curve-server-key") == 0)
        a->cfg.curve_server_key = v;
    else if (strcmp(o, "--curve-key-file") == 0)
        a->cfg.curve_key_file = v;
    else if (strcmp(o, "--agent-key") == 0)
        return nt_subscribe_agent_key(a, v);
    else if (strcmp(o, "--count") == 0) {
        if (nt_cli_parse_long(v, 1, 1L << 40, &a->count) != NT_OK)
            return nt_cli_usage_error("subscribe: --count wants a positive number, not '%s'", v);
    } else if (nt_cli_parse_long(v, 1, 86400L * 365, &a->timeout) != NT_OK) {
        return nt_cli_usage_error("subscribe: --timeout wants seconds, not '%s'", v);
    }
    return NT_EXIT_OK;
}

static int parse_args(int argc, char **argv, nt_subscribe_opts *a, bool *help)
{
    static const char *const with_value[] = {"--endpoint",       "--snapshot", "--curve-server-key",
                                             "--curve-key-file", "--agent-key", "--count",
                                             "--timeout"};
    int i, code;
    size_t k;
    for (i = 1; i < argc; i++) {
        const char *o = argv[i];
        bool valued = false;
        if (nt_cli_is_help(o)) {
            *help = true;
            return NT_EXIT_OK;
        }
        if (strcmp(o, "--json") == 0) {
            a->json = true;
            continue;
        }
        for (k = 0; k < sizeof with_value / sizeof with_value[0]; k++)
            valued |= strcmp(o, with_value[k]) == 0;
        if (valued) {
            if (i + 1 >= argc)
                return nt_cli_usage_error("subscribe: %s needs a value", o);
            if ((code = value_option(a, o, argv[++i])) != NT_EXIT_OK)
                return code;
        } else if (o[0] == '-') {
            return nt_cli_usage_error("subscribe: unknown option '%s' (try --help)", o);
        } else if (a->cfg.n_topics == NT_SUBSCRIBE_TOPICS_MAX) {
            return nt_cli_usage_error("subscribe: at most %d topics", NT_SUBSCRIBE_TOPICS_MAX);
        } else {
            a->topics[a->cfg.n_topics++] = o;
        }
    }
    if (!a->cfg.curve_server_key != !a->cfg.curve_key_file)
        return nt_cli_usage_error("subscribe: --curve-server-key and --curve-key-file go together");
    a->cfg.topics = a->topics;
    return NT_EXIT_OK;
}

int nt_cmd_subscribe(int argc, char **argv)
{
    nt_subscribe_opts o;
    bool help = false;
    int code;
    nt_subscribe_opts_init(&o);
    if ((code = parse_args(argc, argv, &o, &help)) != NT_EXIT_OK || help) {
        if (help)
            fputs(usage_text, stdout);
        return code;
    }
    return nt_subscribe_run(&o);
}
