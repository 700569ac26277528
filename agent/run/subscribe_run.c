/* agent/run/subscribe_run.c - the subscriber of `nautilus subscribe`: events
 * of an agent's trust-event bus (DESIGN §6), authenticated by nt_bus_sub,
 * printed as lines or JSON; gaps filled from the snapshot or reported. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "nautilus/codec.h"
#include "subscribe_run.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

void nt_subscribe_opts_init(nt_subscribe_opts *o)
{
    memset(o, 0, sizeof *o);
    o->cfg.endpoint = NT_BUS_DEFAULT_ENDPOINT;
    o->cfg.topics = o->topics;
}

/* A digest (64 hex) or DNSKEY presentation "256 3 15 BASE64". */
int nt_subscribe_agent_key(nt_subscribe_opts *a, const char *text)
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

static void print_event(const nt_subscribe_opts *a, const nt_bus_sub_event *ev)
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

static int run(const nt_subscribe_opts *a, nt_bus_sub *s)
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

int nt_subscribe_run(nt_subscribe_opts *o)
{
    nt_bus_sub *s = NULL;
    struct sigaction sa;
    char why[256];
    int code;
    o->cfg.topics = o->topics;
    if (nt_bus_sub_create(&s, &o->cfg, why, sizeof why) != NT_OK)
        return nt_cli_usage_error("subscribe: %s", why);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: the wait returns */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    code = run(o, s);
    summary(s);
    nt_bus_sub_destroy(s);
    return code;
}
