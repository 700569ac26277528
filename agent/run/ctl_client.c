/* The commands' side of the agent's control socket (ctl_client.h). Only
 * libc, cJSON and agent/ctl: nothing heavy is loaded on this path. */
#define _GNU_SOURCE /* struct ucred (SO_PEERCRED) */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli.h"
#include "ctl_client.h"
#include "nautilus/ctl.h"
#include "nautilus/log.h"

bool nt_ctlc_option(const char *cmd, int argc, char **argv, int *i, nt_ctlc_opts *o, int *code)
{
    const char *a = argv[*i];
    *code = NT_EXIT_OK;
    if (strcmp(a, "--no-agent") == 0) {
        o->no_agent = true;
        return true;
    }
    if (strcmp(a, "--control") != 0)
        return false;
    if (*i + 1 >= argc || !argv[*i + 1][0])
        *code = nt_cli_usage_error("%s: --control needs a path", cmd);
    else
        o->path = argv[++*i];
    return true;
}

/* --control, $NAUTILUS_CONTROL, the user's runtime directory, then the
 * system one. */
static nt_status connect_agent(nt_ctl_client **c, const nt_ctlc_opts *o)
{
    const char *env = getenv("NAUTILUS_CONTROL"), *rt = getenv("XDG_RUNTIME_DIR");
    /* A socket address's room, not PATH_MAX: a 4 KiB frame here put the
     * calls below it on one more fresh stack page (a page fault). */
    char path[sizeof ((struct sockaddr_un *)0)->sun_path];
    nt_status st = NT_ERR_CTL_NO_AGENT;
    if (o->path)
        return nt_ctl_connect(c, o->path);
    if (env && env[0])
        return nt_ctl_connect(c, env);
    if (geteuid() != 0 && rt && rt[0] == '/') {
        if ((size_t)snprintf(path, sizeof path, "%s/nautilus/control", rt) < sizeof path)
            st = nt_ctl_connect(c, path);
        else
            st = NT_ERR_INVALID_ARG; /* as nt_ctl_connect says of a path too long */
    }
    if (st == NT_ERR_CTL_NO_AGENT)
        st = nt_ctl_connect(c, "/run/nautilus/control");
    return st;
}

/* The answer goes out with write(2): stdio would first fstat the stream
 * and allocate a 4 KiB buffer for it, a fresh page and so a page fault
 * (about 30 us here) in a process that prints one string. */
static void print_out(const char *s)
{
    size_t len = strlen(s), off = 0;
    fflush(stdout); /* whatever stdio holds goes first */
    while (off < len) {
        ssize_t n = write(STDOUT_FILENO, s + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; /* as fputs: an unwritable stdout is not the agent's failure */
        off += (size_t)n;
    }
}

static int answer(const char *cmd, const char *json, size_t len, const char *print)
{
    cJSON *r = cJSON_ParseWithLength(json, len);
    const cJSON *ok = cJSON_GetObjectItemCaseSensitive(r, "ok");
    const cJSON *out = print ? cJSON_GetObjectItemCaseSensitive(r, print) : NULL;
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(r, "error");
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(r, "status");
    int code;

    if (!cJSON_IsBool(ok)) {
        code = nt_cli_fail(NT_EXIT_NEGATIVE, "%s: the agent's reply makes no sense", cmd);
    } else if (cJSON_IsTrue(ok)) {
        if (out && cJSON_IsString(out))
            print_out(out->valuestring);
        code = NT_EXIT_OK;
    } else {
        bool usage = cJSON_IsString(st) && strcmp(st->valuestring, "NT_ERR_INVALID_ARG") == 0;
        code = nt_cli_fail(usage ? NT_EXIT_USAGE : NT_EXIT_NEGATIVE, "%s: %s", cmd,
                           cJSON_IsString(err) ? err->valuestring : "the agent refused");
    }
    cJSON_Delete(r);
    fflush(stdout);
    return code;
}

static bool other_netns(const nt_ctl_client *c);

/* Connects, sends the request and waits for the one reply frame.
 * NT_EXIT_OK: *c is open and (*json, *n) is the reply (the caller closes
 * c); NT_CTLC_IN_PROCESS: no agent to ask (none, refused, gone before
 * answering); otherwise the exit code of a failure said on stderr. */
static int round_trip(const nt_ctlc_opts *o, const char *cmd, const char *request, size_t len,
                      int wait_ms, nt_ctl_client **c, const char **json, size_t *n)
{
    nt_status st;
    int code;

    *c = NULL;
    if (o->no_agent)
        return NT_CTLC_IN_PROCESS;
    st = connect_agent(c, o);
    if (st == NT_OK && o->lan && other_netns(*c)) {
        NT_LOGD(cmd, "the agent runs in another network namespace: not asked");
        nt_ctl_client_close(*c);
        st = NT_ERR_CTL_NO_AGENT;
    }
    if (st != NT_OK) {
        if (st != NT_ERR_CTL_NO_AGENT)
            NT_LOGD(cmd, "control socket not usable (%s): working in-process", nt_strerror(st));
        *c = NULL;
        return NT_CTLC_IN_PROCESS;
    }
    st = nt_ctl_send(*c, request, len);
    if (st == NT_OK)
        st = nt_ctl_recv(*c, json, n, wait_ms);
    if (st == NT_OK)
        return NT_EXIT_OK;
    if (st == NT_ERR_CTL_CLOSED) {
        /* Refused (SO_PEERCRED) or the agent went away before answering. */
        NT_LOGD(cmd, "the agent closed the connection: working in-process");
        code = NT_CTLC_IN_PROCESS;
    } else {
        code = nt_cli_fail(NT_EXIT_NEGATIVE, "%s: the agent did not answer: %s", cmd,
                           nt_strerror(st));
    }
    nt_ctl_client_close(*c);
    *c = NULL;
    return code;
}

int nt_ctlc_call(const nt_ctlc_opts *o, const char *cmd, const char *request, int wait_ms,
                 const char *print)
{
    nt_ctl_client *c = NULL;
    const char *json;
    size_t len;
    int code = round_trip(o, cmd, request, strlen(request), wait_ms, &c, &json, &len);

    if (code != NT_EXIT_OK)
        return code;
    code = answer(cmd, json, len, print);
    nt_ctl_client_close(c);
    return code;
}

int nt_ctlc_exchange(const nt_ctlc_opts *o, const char *cmd, const char *request, size_t len,
                     int wait_ms, cJSON **reply)
{
    nt_ctl_client *c = NULL;
    const char *json;
    size_t n;
    int code;

    *reply = NULL;
    if (o->no_agent)
        return NT_CTLC_IN_PROCESS;
    if (len == 0 || len > NT_CTL_MAX_FRAME) {
        NT_LOGD(cmd, "a request of %zu bytes does not fit a control frame: working in-process",
                len);
        return NT_CTLC_IN_PROCESS;
    }
    code = round_trip(o, cmd, request, len, wait_ms, &c, &json, &n);
    if (code != NT_EXIT_OK)
        return code;
    *reply = cJSON_ParseWithLength(json, n);
    if (!cJSON_IsObject(*reply)) {
        cJSON_Delete(*reply);
        *reply = NULL;
        code = nt_cli_fail(NT_EXIT_NEGATIVE, "%s: the agent's reply makes no sense", cmd);
    }
    nt_ctl_client_close(c);
    return code;
}

/* Whether the agent behind c runs in another network namespace (its LAN
 * is not ours: browsing or publishing there would be on the wrong
 * network). Unknown (no /proc, not allowed to look): false. */
static bool other_netns(const nt_ctl_client *c)
{
    struct ucred cr;
    socklen_t n = sizeof cr;
    struct stat mine, theirs;
    char path[64];
    if (getsockopt(nt_ctl_client_fd(c), SOL_SOCKET, SO_PEERCRED, &cr, &n) != 0 || cr.pid <= 0)
        return false;
    snprintf(path, sizeof path, "/proc/%ld/ns/net", (long)cr.pid);
    if (stat("/proc/self/ns/net", &mine) != 0 || stat(path, &theirs) != 0)
        return false;
    return mine.st_dev != theirs.st_dev || mine.st_ino != theirs.st_ino;
}

nt_status nt_ctlc_connect(nt_ctl_client **c, const nt_ctlc_opts *o)
{
    nt_status st = connect_agent(c, o);
    if (st == NT_OK && other_netns(*c)) {
        NT_LOGD("ctl", "the agent runs in another network namespace: not asked");
        nt_ctl_client_close(*c);
        *c = NULL;
        st = NT_ERR_CTL_NO_AGENT;
    }
    return st;
}
