/* nautilus publish through a running agent (publish_run.h, ctl_publish.h):
 * the request, then the agent's lines printed as they come. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cli.h"
#include "nautilus/log.h"
#include "publish_run.h"

enum {
    PERSIST_WAIT_MS = 60000, /* probing, and renaming after conflicts */
    GOODBYE_WAIT_MS = 3000,  /* after SIGINT: the agent confirms the withdrawal */
};

#define CMD "publish"

static bool add_str(cJSON *o, const char *key, const char *v)
{
    return cJSON_AddStringToObject(o, key, v) != NULL;
}

/* TXT entries back to "KEY=VALUE" (values from argv are text). */
static bool add_txt(cJSON *o, const nt_mdns_service_config *s)
{
    cJSON *a = cJSON_AddArrayToObject(o, "txt");
    char item[300];
    size_t i;
    for (i = 0; a && i < s->txt_count; i++) {
        const nt_mdns_txt_entry *e = &s->txt[i];
        if (e->value)
            snprintf(item, sizeof item, "%s=%.*s", e->key, (int)e->value_len,
                     (const char *)e->value);
        else
            snprintf(item, sizeof item, "%s", e->key);
        if (!cJSON_AddItemToArray(a, cJSON_CreateString(item)))
            return false;
    }
    return a != NULL;
}

static char *request(const nt_publish_opts *o)
{
    const nt_mdns_service_config *s = &o->svc;
    cJSON *r = cJSON_CreateObject(), *subs;
    char *text = NULL;
    size_t i;
    bool ok = r && add_str(r, "op", o->withdraw ? "withdraw" : "publish") &&
              add_str(r, "instance", s->instance) && add_str(r, "type", s->type);
    if (ok && !o->withdraw) {
        ok = cJSON_AddNumberToObject(r, "port", s->port) && add_txt(r, s) &&
             (subs = cJSON_AddArrayToObject(r, "subtypes")) != NULL;
        for (i = 0; ok && i < o->n_sub; i++)
            ok = cJSON_AddItemToArray(subs, cJSON_CreateString(o->subtype_buf[i]));
        ok = ok && cJSON_AddNumberToObject(r, "priority", s->priority) &&
             cJSON_AddNumberToObject(r, "weight", s->weight) &&
             cJSON_AddNumberToObject(r, "ttl", s->ttl) &&
             cJSON_AddBoolToObject(r, "sign", o->sign) &&
             cJSON_AddBoolToObject(r, "persist", o->persist);
    }
    if (ok)
        text = cJSON_PrintUnformatted(r);
    cJSON_Delete(r);
    return text;
}

/* One frame from the agent: its line printed. *done when the command may
 * return; *code its exit code. The instance's current name follows
 * renames (for the goodbye). */
static void frame(const char *json, size_t len, bool *done, int *code, char *instance,
                  size_t cap)
{
    cJSON *r = cJSON_ParseWithLength(json, len);
    const cJSON *ok = cJSON_GetObjectItemCaseSensitive(r, "ok");
    const cJSON *txt = cJSON_GetObjectItemCaseSensitive(r, "text");
    const cJSON *ev = cJSON_GetObjectItemCaseSensitive(r, "event");
    const cJSON *in = cJSON_GetObjectItemCaseSensitive(r, "instance");
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(r, "error");
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(r, "status");

    *done = true;
    if (cJSON_IsFalse(ok)) {
        bool usage = cJSON_IsString(st) && strcmp(st->valuestring, "NT_ERR_INVALID_ARG") == 0;
        *code = nt_cli_fail(usage ? NT_EXIT_USAGE : NT_EXIT_NEGATIVE, CMD ": %s",
                            cJSON_IsString(err) ? err->valuestring : "the agent refused");
    } else if (!cJSON_IsTrue(ok) || !cJSON_IsString(txt) || !cJSON_IsString(ev)) {
        *code = nt_cli_fail(NT_EXIT_NEGATIVE, CMD ": the agent's reply makes no sense");
    } else {
        fputs(txt->valuestring, stdout);
        fflush(stdout);
        if (cJSON_IsString(in))
            snprintf(instance, cap, "%s", in->valuestring);
        *done = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "done"));
        *code = strcmp(ev->valuestring, "failed") == 0 ? NT_EXIT_NEGATIVE : NT_EXIT_OK;
    }
    cJSON_Delete(r);
}

/* Frames until one says done (or wait_ms passes). */
static int until_done(nt_ctl_client *c, int wait_ms, char *instance, size_t cap)
{
    const char *json;
    size_t len;
    bool done = false;
    int code = NT_EXIT_OK;
    nt_status st = NT_OK;
    while (!done && (st = nt_ctl_recv(c, &json, &len, wait_ms)) == NT_OK)
        frame(json, len, &done, &code, instance, cap);
    if (done)
        return code;
    return nt_cli_fail(NT_EXIT_NEGATIVE, CMD ": the agent %s",
                       st == NT_ERR_CTL_CLOSED ? "went away" : "did not answer in time");
}

/* Without --persist: the service lives with this connection. SIGINT and
 * SIGTERM are read from a signalfd; then the agent is asked to withdraw
 * it and its goodbye is reported as an in-process publish reports it. */
static int hold(nt_ctl_client *c, const nt_publish_opts *o, char *instance, size_t cap)
{
    struct pollfd pf[2];
    sigset_t set;
    const char *json;
    size_t len;
    bool done = false;
    int code = NT_EXIT_OK;
    char *req;
    nt_publish_opts w;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &set, NULL) != 0 || (pf[1].fd = signalfd(-1, &set, SFD_CLOEXEC)) < 0)
        return nt_cli_fail(NT_EXIT_NEGATIVE, CMD ": cannot catch signals: %s", strerror(errno));
    pf[0].fd = nt_ctl_client_fd(c);
    pf[0].events = pf[1].events = POLLIN;
    while (!done) {
        /* Frames already read (several may come in one read) first. */
        nt_status st = nt_ctl_recv(c, &json, &len, 0);
        if (st == NT_OK) {
            frame(json, len, &done, &code, instance, cap);
            continue;
        }
        if (st != NT_ERR_TIMEOUT) {
            close(pf[1].fd);
            return nt_cli_fail(NT_EXIT_NEGATIVE, CMD ": the agent went away; \"%s\" is gone",
                               instance);
        }
        if ((poll(pf, 2, -1) < 0 && errno != EINTR) || (pf[1].revents & POLLIN))
            break;
    }
    close(pf[1].fd);
    if (done)
        return code;
    /* Interrupted: the agent withdraws it and says so. */
    w = *o;
    w.withdraw = true;
    w.svc.instance = instance;
    if ((req = request(&w)) != NULL && nt_ctl_send(c, req, strlen(req)) == NT_OK &&
        until_done(c, GOODBYE_WAIT_MS, instance, cap) == NT_EXIT_OK) {
        cJSON_free(req);
        return NT_EXIT_OK;
    }
    cJSON_free(req);
    printf("withdrawn \"%s\"\n", instance); /* closing the connection withdraws it */
    return NT_EXIT_OK;
}

int nt_publish_via_agent(const nt_publish_opts *o)
{
    nt_ctl_client *c = NULL;
    char instance[NT_MDNS_LABEL_MAX * 4], *req;
    const char *json;
    size_t len;
    bool done = false;
    int code = NT_EXIT_OK;
    bool must = o->persist || o->withdraw; /* nothing to do in-process */
    nt_status st;

    if (o->ctl.no_agent)
        return NT_CTLC_IN_PROCESS;
    if ((st = nt_ctlc_connect(&c, &o->ctl)) != NT_OK) {
        if (must)
            return nt_cli_fail(NT_EXIT_NEGATIVE, CMD ": %s needs a running agent (%s)",
                               o->persist ? "--persist" : "--withdraw", nt_strerror(st));
        return NT_CTLC_IN_PROCESS;
    }
    snprintf(instance, sizeof instance, "%s", o->svc.instance);
    req = request(o);
    st = req ? nt_ctl_send(c, req, strlen(req)) : NT_ERR_NOMEM;
    cJSON_free(req);
    /* The first frame: the agent's answer, or its refusal to talk to us
     * (SO_PEERCRED), after which we work alone when we can. */
    if (st == NT_OK && (st = nt_ctl_recv(c, &json, &len, PERSIST_WAIT_MS)) == NT_OK) {
        if (!must && strstr(json, "\"error\":\"unknown op\"")) /* an agent before publish */
            st = NT_ERR_CTL_CLOSED;
        else
            frame(json, len, &done, &code, instance, sizeof instance);
    }
    if (st != NT_OK) {
        nt_ctl_client_close(c);
        if (st == NT_ERR_CTL_CLOSED && !must) {
            NT_LOGD(CMD, "the agent closed the connection: working in-process");
            return NT_CTLC_IN_PROCESS;
        }
        return nt_cli_fail(NT_EXIT_NEGATIVE, CMD ": the agent did not answer: %s",
                           nt_strerror(st));
    }
    if (!done)
        code = must ? until_done(c, PERSIST_WAIT_MS, instance, sizeof instance)
                    : hold(c, o, instance, sizeof instance);
    nt_ctl_client_close(c);
    fflush(stdout);
    return code;
}
