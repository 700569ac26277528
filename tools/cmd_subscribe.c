/* nautilus subscribe: print the events of an agent's trust-event bus
 * (DESIGN §6), each authenticated, in seq order, gaps filled from the
 * snapshot endpoint or reported. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cmds.h"
#include "nautilus/bus.h"
#include "nautilus/codec.h"
#include "nautilus/crypto.h"

#define TOPICS_MAX 32

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

typedef struct sub_args {
    nt_bus_sub_config cfg;
    const char *topics[TOPICS_MAX];
    uint8_t digest[32], pk[32];
    bool json, help;
    long count, timeout;
} sub_args;

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

/* A digest (64 hex) or DNSKEY presentation "256 3 15 BASE64". */
static int agent_key(sub_args *a, const char *text)
{
    size_t n;
    uint8_t rdata[64];
    if (strlen(text) == 64 && nt_hex_decode(a->digest, 32, &n, text, 64) == NT_OK && n == 32) {
        a->cfg.agent_digest = a->digest;
        return NT_EXIT_OK;
    }
    if (strncmp(text, "256 3 15 ", 9) == 0 &&
        nt_base64_decode(rdata, sizeof rdata, &n, text + 9, strlen(text + 9)) == NT_OK &&
        n == 32) {
        memcpy(a->pk, rdata, 32);
        a->cfg.agent_pk = a->pk;
        return NT_EXIT_OK;
    }
    return nt_cli_usage_error("subscribe: --agent-key wants a key digest (64 hex) or a DNSKEY "
                              "'256 3 15 BASE64', not '%s'", text);
}

static int value_option(sub_args *a, const char *o, const char *v)
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
        return agent_key(a, v);
    else if (strcmp(o, "--count") == 0) {
        if (nt_cli_parse_long(v, 1, 1L << 40, &a->count) != NT_OK)
            return nt_cli_usage_error("subscribe: --count wants a positive number, not '%s'", v);
    } else if (nt_cli_parse_long(v, 1, 86400L * 365, &a->timeout) != NT_OK) {
        return nt_cli_usage_error("subscribe: --timeout wants seconds, not '%s'", v);
    }
    return NT_EXIT_OK;
}

static int parse_args(int argc, char **argv, sub_args *a)
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
            a->help = true;
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
        } else if (a->cfg.n_topics == TOPICS_MAX) {
            return nt_cli_usage_error("subscribe: at most %d topics", TOPICS_MAX);
        } else {
            a->topics[a->cfg.n_topics++] = o;
        }
    }
    if (!a->cfg.curve_server_key != !a->cfg.curve_key_file)
        return nt_cli_usage_error("subscribe: --curve-server-key and --curve-key-file go together");
    a->cfg.topics = a->topics;
    return NT_EXIT_OK;
}

/* Human line: "<seq> <topic> <name> <trust> [<reason>]". */
static void print_human(const nt_bus_sub_event *ev)
{
    cJSON *j = cJSON_ParseWithLength(ev->body, ev->body_len);
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(j, "name");
    const cJSON *host = cJSON_GetObjectItemCaseSensitive(j, "host");
    const cJSON *trust = cJSON_GetObjectItemCaseSensitive(j, "trust");
    const cJSON *reason = cJSON_GetObjectItemCaseSensitive(j, "reason");
    printf("%s%llu %s %s %s%s%s\n", ev->kind == NT_BUS_SUB_SNAPSHOT_ITEM ? "= " : "",
           (unsigned long long)ev->seq, ev->topic,
           cJSON_IsString(name) ? name->valuestring
                                : (cJSON_IsString(host) ? host->valuestring : "-"),
           cJSON_IsString(trust) ? trust->valuestring : "-", cJSON_IsString(reason) ? " " : "",
           cJSON_IsString(reason) ? reason->valuestring : "");
    cJSON_Delete(j);
}

static void print_event(const sub_args *a, const nt_bus_sub_event *ev)
{
    switch (ev->kind) {
    case NT_BUS_SUB_EVENT:
    case NT_BUS_SUB_SNAPSHOT_ITEM:
        if (!a->json)
            print_human(ev);
        else /* the body as signed, with "topic" (and "snapshot") put in front */
            printf("{\"topic\":\"%s\",%s%.*s\n", ev->topic,
                   ev->kind == NT_BUS_SUB_SNAPSHOT_ITEM ? "\"snapshot\":true," : "",
                   (int)(ev->body_len - 1), ev->body + 1);
        break;
    case NT_BUS_SUB_SNAPSHOT_BEGIN:
        printf(a->json ? "{\"topic\":\"snapshot.begin\"}\n" : "# snapshot\n");
        break;
    case NT_BUS_SUB_SNAPSHOT_END:
        printf(a->json ? "{\"topic\":\"snapshot.end\",\"seq\":%llu}\n"
                       : "# snapshot complete at seq %llu\n",
               (unsigned long long)ev->seq);
        break;
    case NT_BUS_SUB_GAP:
    default:
        printf(a->json ? "{\"topic\":\"gap\",\"from\":%llu,\"to\":%llu}\n"
                       : "# events %llu..%llu lost, not recovered\n",
               (unsigned long long)ev->gap_from, (unsigned long long)ev->gap_to);
        fprintf(stderr, "nautilus: subscribe: events %llu..%llu lost, not recovered\n",
                (unsigned long long)ev->gap_from, (unsigned long long)ev->gap_to);
        break;
    }
    fflush(stdout);
}

static void summary(nt_bus_sub *s)
{
    nt_bus_sub_stats st;
    nt_bus_sub_get_stats(s, &st);
    fprintf(stderr,
            "nautilus: subscribe: %llu events, %llu gaps (%llu events), %llu resyncs, %llu unfilled,"
            " refused: %llu unauthenticated, %llu malformed, %llu stale, %llu foreign,"
            " %llu cut off by gaps\n",
            (unsigned long long)st.delivered, (unsigned long long)st.gaps,
            (unsigned long long)st.missed, (unsigned long long)st.resyncs,
            (unsigned long long)st.unfilled, (unsigned long long)st.unauthenticated,
            (unsigned long long)st.malformed, (unsigned long long)st.stale,
            (unsigned long long)st.foreign, (unsigned long long)st.orphaned);
}

static int run(const sub_args *a, nt_bus_sub *s)
{
    nt_bus_sub_event ev;
    long events = 0;
    long long left_ms = a->timeout > 0 ? a->timeout * 1000LL : -1;
    while (!stop_flag && (a->count == 0 || events < a->count)) {
        int slice = left_ms < 0 ? 200 : (int)(left_ms < 200 ? left_ms : 200);
        nt_status st;
        if (left_ms == 0)
            break;
        st = nt_bus_sub_next(s, &ev, slice);
        if (left_ms > 0 && (st == NT_ERR_TIMEOUT || st == NT_ERR_IO))
            left_ms -= slice; /* coarse: a slice, not the exact time */
        if (st == NT_ERR_TIMEOUT || st == NT_ERR_IO)
            continue;
        if (st != NT_OK)
            return nt_cli_fail(NT_EXIT_NEGATIVE, "subscribe: %s", nt_strerror(st));
        print_event(a, &ev);
        events += ev.kind == NT_BUS_SUB_EVENT;
    }
    return a->timeout > 0 && events == 0 ? NT_EXIT_NEGATIVE : NT_EXIT_OK;
}

int nt_cmd_subscribe(int argc, char **argv)
{
    sub_args a;
    nt_bus_sub *s = NULL;
    struct sigaction sa;
    char why[256];
    int code;
    memset(&a, 0, sizeof a);
    a.cfg.endpoint = NT_BUS_DEFAULT_ENDPOINT;
    if ((code = parse_args(argc, argv, &a)) != NT_EXIT_OK || a.help) {
        if (a.help)
            fputs(usage_text, stdout);
        return code;
    }
    if (nt_bus_sub_create(&s, &a.cfg, why, sizeof why) != NT_OK)
        return nt_cli_usage_error("subscribe: %s", why);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: the wait returns */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    code = run(&a, s);
    summary(s);
    nt_bus_sub_destroy(s);
    return code;
}
