/* nautilus browse through a running agent (browse_ctl.h). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "browse_ctl.h"
#include "cli.h"
#include "nautilus/log.h"
#include "nautilus/mdns.h"
#include "nautilus/trust.h"

typedef struct browse_ask {
    const char *type, *require;
    bool json, resolve;
    long timeout; /* seconds; -1: until interrupted */
    nt_ctlc_opts ctl;
} browse_ask;

/* Drops argv[i] (and n-1 after it). */
static void cut(int *argc, char **argv, int i, int n)
{
    memmove(&argv[i], &argv[i + n], (size_t)(*argc - i - n + 1) * sizeof *argv);
    *argc -= n;
}

/* An agent that predates the browse op says so: in-process then. */
static bool unknown_op(const char *json, size_t len)
{
    cJSON *r = cJSON_ParseWithLength(json, len);
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(r, "error");
    bool unknown = cJSON_IsString(err) && strcmp(err->valuestring, "unknown op") == 0;
    cJSON_Delete(r);
    return unknown;
}

/* The type and level as the in-process parser takes them ("_ipp._tcp.local"
 * trimmed); anything it would refuse is left to it (false). */
static bool valid(browse_ask *b)
{
    static char trimmed[NT_MDNS_NAME_MAX];
    size_t n = strlen(b->type);
    const char *sub, *dot;
    nt_trust_level level;
    if (n > 6 && strcmp(b->type + n - 6, ".local") == 0 && n - 6 < sizeof trimmed) {
        memcpy(trimmed, b->type, n - 6);
        trimmed[n - 6] = 0;
        b->type = trimmed;
    }
    if (b->require && nt_trust_level_parse(b->require, &level) != NT_OK)
        return false;
    sub = strstr(b->type, "._sub.");
    dot = strchr(sub ? sub + 6 : b->type, '.');
    n = dot ? (size_t)(dot - (sub ? sub + 6 : b->type)) : 0;
    return (sub ? sub + 6 : b->type)[0] == '_' && n >= 2 && n <= 16 &&
           (strcmp(dot, "._tcp") == 0 || strcmp(dot, "._udp") == 0);
}

/* false: an option only the in-process path honours (or a bad one). */
static bool parse(int *argc, char **argv, browse_ask *b)
{
    int i, code;
    bool ok = true;
    for (i = 1; i < *argc; i++) {
        const char *o = argv[i];
        int before = i;
        if (nt_ctlc_option("browse", *argc, argv, &i, &b->ctl, &code)) {
            if (code != NT_EXIT_OK)
                return false; /* said once already; the parser says the rest */
            cut(argc, argv, before, i - before + 1);
            i = before - 1;
        } else if (strcmp(o, "--json") == 0) {
            b->json = true;
        } else if (strcmp(o, "--resolve") == 0 || strcmp(o, "-r") == 0) {
            b->resolve = true;
        } else if (strcmp(o, "-v") == 0) {
            nt_log_set_level(NT_LOG_DEBUG);
        } else if ((strcmp(o, "--timeout") == 0 || strcmp(o, "--require") == 0) &&
                   i + 1 < *argc) {
            if (o[2] == 'r')
                b->require = argv[++i];
            else if (nt_cli_parse_long(argv[++i], 0, 86400L * 365, &b->timeout) != NT_OK)
                ok = false;
        } else if (o[0] == '-' || b->type) {
            ok = false;
        } else {
            b->type = o;
        }
    }
    if (!ok || !b->type)
        return false;
    return valid(b);
}

static char *request(const browse_ask *b)
{
    cJSON *r = cJSON_CreateObject();
    char *text = NULL;
    if (r && cJSON_AddStringToObject(r, "op", "browse") &&
        cJSON_AddStringToObject(r, "type", b->type) && cJSON_AddBoolToObject(r, "json", b->json) &&
        cJSON_AddBoolToObject(r, "resolve", b->resolve) &&
        (!b->require || cJSON_AddStringToObject(r, "require", b->require)))
        text = cJSON_PrintUnformatted(r);
    cJSON_Delete(r);
    return text;
}

/* One frame: printed; *found counts; a refusal is an exit code (else -1). */
static int frame(const char *json, size_t len, unsigned *found)
{
    cJSON *r = cJSON_ParseWithLength(json, len);
    const cJSON *ok = cJSON_GetObjectItemCaseSensitive(r, "ok");
    const cJSON *txt = cJSON_GetObjectItemCaseSensitive(r, "text");
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(r, "error");
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(r, "status");
    int code = -1;
    if (cJSON_IsTrue(ok) && cJSON_IsString(txt)) {
        fputs(txt->valuestring, stdout);
        fflush(stdout);
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "found")))
            (*found)++;
    } else {
        bool usage = cJSON_IsString(st) && strcmp(st->valuestring, "NT_ERR_INVALID_ARG") == 0;
        code = nt_cli_fail(usage ? NT_EXIT_USAGE : NT_EXIT_NEGATIVE, "browse: %s",
                           cJSON_IsString(err) ? err->valuestring : "the agent's reply makes no sense");
    }
    cJSON_Delete(r);
    return code;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Frames until the timeout, a signal, or the agent going away. */
static int follow(nt_ctl_client *c, const browse_ask *b)
{
    struct pollfd pf[2];
    sigset_t set;
    const char *json;
    size_t len;
    unsigned found = 0;
    long long end = b->timeout >= 0 ? now_ms() + b->timeout * 1000LL : -1;
    int code = -1;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &set, NULL) != 0 || (pf[1].fd = signalfd(-1, &set, SFD_CLOEXEC)) < 0)
        return nt_cli_fail(NT_EXIT_NEGATIVE, "browse: cannot catch signals: %s", strerror(errno));
    pf[0].fd = nt_ctl_client_fd(c);
    pf[0].events = pf[1].events = POLLIN;
    while (code < 0) {
        long long left = end < 0 ? -1 : end - now_ms();
        int rc;
        /* Frames already read (several may come in one read) first. */
        nt_status st = nt_ctl_recv(c, &json, &len, 0);
        if (st == NT_OK) {
            code = frame(json, len, &found);
            continue;
        }
        if (st != NT_ERR_TIMEOUT) {
            code = nt_cli_fail(NT_EXIT_NEGATIVE, "browse: the agent went away");
            break;
        }
        if (end >= 0 && left <= 0)
            break;
        rc = poll(pf, 2, left < 0 ? -1 : (int)left);
        if ((rc < 0 && errno != EINTR) || (rc > 0 && (pf[1].revents & POLLIN)))
            break;
    }
    close(pf[1].fd);
    if (code >= 0)
        return code;
    return b->timeout >= 0 && found == 0 ? NT_EXIT_NEGATIVE : NT_EXIT_OK;
}

int nt_browse_via_agent(int *argc, char **argv)
{
    browse_ask b;
    nt_ctl_client *c = NULL;
    const char *json;
    size_t len;
    char *req;
    unsigned found = 0;
    int code;
    nt_status st;

    memset(&b, 0, sizeof b);
    b.timeout = -1;
    if (!parse(argc, argv, &b) || b.ctl.no_agent || nt_ctlc_connect(&c, &b.ctl) != NT_OK)
        return NT_CTLC_IN_PROCESS;
    req = request(&b);
    st = req ? nt_ctl_send(c, req, strlen(req)) : NT_ERR_NOMEM;
    cJSON_free(req);
    /* The first frame says the browse runs, or why not; a close is the
     * socket refusing us (SO_PEERCRED): in-process then. */
    if (st == NT_OK)
        st = nt_ctl_recv(c, &json, &len, 10000);
    if (st != NT_OK) {
        nt_ctl_client_close(c);
        if (st == NT_ERR_CTL_CLOSED)
            return NT_CTLC_IN_PROCESS;
        return nt_cli_fail(NT_EXIT_NEGATIVE, "browse: the agent did not answer: %s",
                           nt_strerror(st));
    }
    if (unknown_op(json, len)) {
        nt_ctl_client_close(c);
        return NT_CTLC_IN_PROCESS;
    }
    code = frame(json, len, &found);
    if (code < 0)
        code = follow(c, &b);
    nt_ctl_client_close(c);
    return code;
}
