/* Services published through the agent's control socket (ctl_publish.h). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "ctl_publish.h"
#include "nautilus/log.h"
#include "nautilus/mem.h"
#include "publish_run.h"
#include "svc_format.h"

#define REQ_KEEP_MAX 4096u /* bytes of a persisted request as sent */
#define UID_ROOM 24u       /* what keep_request adds: ,"uid":4294967294 */

typedef struct cpub {
    bool used;
    bool persist;
    bool announced;
    bool withdrawing;        /* deleted; its goodbyes are on their way */
    nt_conf_service svc;     /* as asked */
    char current[NT_MDNS_NAME_MAX]; /* the instance name after renames */
    nt_mdns_service_id id;
    nt_ctl_conn *conn;       /* who hears of it; NULL once nobody does */
    nt_ctl_conn *owner;      /* whose connection it lives with (NULL: persisted) */
    uid_t uid;               /* who published it: only they or root withdraw it */
    char req[REQ_KEEP_MAX];  /* persist: the request as sent */
} cpub;

struct nt_ctl_pubs {
    nt_runner *r;
    nt_agent_pubs *pubs;     /* signing hooks, the metadata TXT */
    char path[NT_CONF_PATH_MAX]; /* the persisted set; "" = none */
    cpub items[NT_CTL_PUB_TOTAL];
};

nt_status nt_ctl_pubs_create(nt_ctl_pubs **out, nt_runner *r, const char *state_dir)
{
    nt_ctl_pubs *p = nt_calloc(1, sizeof *p);
    if (!p)
        return NT_ERR_NOMEM;
    p->r = r;
    if (state_dir && state_dir[0] &&
        (size_t)snprintf(p->path, sizeof p->path, "%s/%s", state_dir, NT_CTL_PUB_FILE) >=
            sizeof p->path)
        p->path[0] = 0;
    *out = p;
    return NT_OK;
}

void nt_ctl_pubs_destroy(nt_ctl_pubs *p)
{
    nt_free(p);
}

size_t nt_ctl_pubs_count(const nt_ctl_pubs *p)
{
    size_t i, n = 0;
    for (i = 0; p && i < NT_CTL_PUB_TOTAL; i++)
        n += p->items[i].used && !p->items[i].withdrawing;
    return n;
}

/* ---- frames to the client -------------------------------------------------- */

static void send_frame(nt_ctl_conn *c, nt_dynbuf *d)
{
    if (c && nt_ctl_reply(c, (const char *)d->data, d->len) != NT_OK)
        NT_LOGD("ctl", "publish: reply dropped (connection closed)");
}

static void send_error(nt_ctl_conn *c, nt_status st, const char *msg)
{
    nt_dynbuf d;
    nt_dynbuf_init(&d, 1024);
    if (nt_dynbuf_add_str(&d, "{\"ok\":false,\"error\":") == NT_OK &&
        nt_svc_json_str(&d, msg, strlen(msg)) == NT_OK &&
        nt_dynbuf_addf(&d, ",\"status\":\"%s\"}", nt_status_name(st)) == NT_OK)
        send_frame(c, &d);
    nt_dynbuf_cleanup(&d);
}

/* {"ok":true,"event":E,"instance":I,"done":B,"text":T}: the client prints
 * text as it is, the same line as an in-process publish; done: it may
 * return. */
static void send_event(nt_ctl_conn *c, const char *event, const char *instance, bool done,
                       const char *line)
{
    nt_dynbuf d;
    if (!c)
        return;
    nt_dynbuf_init(&d, 2048);
    if (nt_dynbuf_addf(&d, "{\"ok\":true,\"event\":\"%s\",\"instance\":", event) == NT_OK &&
        nt_svc_json_str(&d, instance, strlen(instance)) == NT_OK &&
        nt_dynbuf_addf(&d, ",\"done\":%s,\"text\":", done ? "true" : "false") == NT_OK &&
        nt_svc_json_str(&d, line, strlen(line)) == NT_OK && nt_dynbuf_add_str(&d, "}") == NT_OK)
        send_frame(c, &d);
    nt_dynbuf_cleanup(&d);
}

/* ---- the persisted set ----------------------------------------------------- */

/* Written to a temporary file, synced, renamed over the old one: a crash
 * leaves the old set or the new one, never half of one. */
static void save(const nt_ctl_pubs *p)
{
    char tmp[NT_CONF_PATH_MAX + 8];
    nt_dynbuf d;
    size_t i;
    bool first = true, ok;
    int fd;

    if (!p->path[0])
        return;
    nt_dynbuf_init(&d, NT_CTL_PUB_FILE_MAX);
    ok = nt_dynbuf_add_str(&d, "[") == NT_OK;
    for (i = 0; ok && i < NT_CTL_PUB_TOTAL; i++) {
        const cpub *e = &p->items[i];
        if (!e->used || !e->persist || e->withdrawing || !e->req[0])
            continue;
        ok = nt_dynbuf_addf(&d, "%s\n%s", first ? "" : ",", e->req) == NT_OK;
        first = false;
    }
    ok = ok && nt_dynbuf_add_str(&d, "]\n") == NT_OK;
    snprintf(tmp, sizeof tmp, "%s.tmp", p->path);
    fd = ok ? open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : -1;
    ok = fd >= 0 && write(fd, d.data, d.len) == (ssize_t)d.len && fsync(fd) == 0;
    if (fd >= 0 && close(fd) != 0)
        ok = false;
    if (ok && rename(tmp, p->path) != 0)
        ok = false;
    if (!ok) {
        NT_LOGE("ctl", "cannot save the persisted services to %s: %s", p->path, strerror(errno));
        (void)unlink(tmp);
    }
    nt_dynbuf_cleanup(&d);
}

/* ---- publishing ------------------------------------------------------------ */

static cpub *find(nt_ctl_pubs *p, const char *instance, const char *type)
{
    size_t i;
    for (i = 0; i < NT_CTL_PUB_TOTAL; i++) {
        cpub *e = &p->items[i];
        if (e->used && !e->withdrawing && strcasecmp(e->svc.type, type) == 0 &&
            (strcasecmp(e->svc.instance, instance) == 0 || strcasecmp(e->current, instance) == 0))
            return e;
    }
    return NULL;
}

/* Room for one more of c's: NULL and one line in why when a limit is hit
 * (refused: nothing is evicted). */
static cpub *slot(nt_ctl_pubs *p, const nt_ctl_conn *c, const char **why)
{
    cpub *free_one = NULL;
    size_t i, mine = 0;
    for (i = 0; i < NT_CTL_PUB_TOTAL; i++) {
        if (!p->items[i].used && !free_one)
            free_one = &p->items[i];
        else if (p->items[i].used && c && p->items[i].owner == c)
            mine++;
    }
    if (mine >= NT_CTL_PUB_PER_CONN) {
        *why = "too many services on this connection (at most 8)";
        return NULL;
    }
    if (!free_one)
        *why = "too many services published through the agent (at most 32)";
    return free_one;
}

/* Publishes req as entry e for uid; the engine's status on refusal (e stays
 * free). */
static nt_status place(nt_ctl_pubs *p, cpub *e, const nt_agent_req *req, nt_ctl_conn *c,
                       uid_t uid)
{
    nt_status st;
    memset(e, 0, sizeof *e);
    e->uid = uid;
    e->svc = req->svc;
    e->persist = req->persist;
    memcpy(e->current, req->svc.instance, strlen(req->svc.instance) + 1);
    st = nt_agent_pub_add(p->pubs, p->r, &e->svc, &e->id);
    if (st != NT_OK)
        return st;
    e->used = true;
    e->conn = c;
    e->owner = req->persist ? NULL : c;
    NT_LOGI("ctl", "publishing \"%s\" (%s port %u) for %s%s", e->svc.instance, e->svc.type,
            (unsigned)e->svc.port, c ? "a client" : "the persisted set",
            e->persist ? ", persisted" : "");
    return NT_OK;
}

/* The request as the persisted set keeps it: as sent, with "uid" set to the
 * publisher's, so that a restarted agent still knows whose it is (a "uid" the
 * client put in is replaced, never believed). */
static void keep_request(cpub *e, const char *json, size_t len)
{
    cJSON *o = cJSON_ParseWithLength(json, len);
    char *text;
    cJSON_DeleteItemFromObjectCaseSensitive(o, "uid");
    text = cJSON_AddNumberToObject(o, "uid", (double)e->uid) ? cJSON_PrintUnformatted(o) : NULL;
    if (text && strlen(text) < REQ_KEEP_MAX)
        memcpy(e->req, text, strlen(text) + 1);
    else
        e->req[0] = 0; /* not kept: save() skips it, said in the log */
    if (!e->req[0])
        NT_LOGE("ctl", "\"%s\": cannot keep the request; it is not persisted", e->svc.instance);
    cJSON_free(text);
    cJSON_Delete(o);
}

static void do_publish(nt_ctl_pubs *p, nt_ctl_conn *c, const nt_agent_req *req, const char *json,
                       size_t len)
{
    const char *why = NULL;
    cpub *e;
    nt_status st;

    if (!p->pubs) {
        send_error(c, NT_ERR_NOT_FOUND, "the agent is not publishing yet");
        return;
    }
    if (req->sign && !p->pubs->hooks) {
        send_error(c, NT_ERR_INVALID_ARG, "--sign: the agent does not sign (sign = no)");
        return;
    }
    if (req->persist && (!p->path[0] || len >= REQ_KEEP_MAX - UID_ROOM)) {
        send_error(c, NT_ERR_INVALID_ARG, p->path[0] ? "--persist: the request is too large"
                                                     : "--persist: the agent has no state directory");
        return;
    }
    if (find(p, req->svc.instance, req->svc.type)) {
        send_error(c, NT_ERR_EXISTS, "already published through the agent");
        return;
    }
    if (!(e = slot(p, c, &why))) {
        send_error(c, NT_ERR_CAP, why);
        return;
    }
    if ((st = place(p, e, req, c, nt_ctl_conn_peer(c)->uid)) != NT_OK) {
        send_error(c, st, nt_strerror(st));
        return;
    }
    if (e->persist) {
        keep_request(e, json, len);
        save(p);
    }
}

/* Who may withdraw e: the connection it lives with, its publisher's uid for a
 * persisted one, and root. Another client of the socket (allowed by its
 * group) may not take away what it did not publish. */
static bool may_withdraw(const cpub *e, const nt_ctl_conn *c)
{
    uid_t uid = nt_ctl_conn_peer(c)->uid;
    if (uid == 0 || e->owner == c)
        return true;
    return e->persist && uid == e->uid;
}

static void do_withdraw(nt_ctl_pubs *p, nt_ctl_conn *c, const nt_agent_req *req)
{
    cpub *e = find(p, req->svc.instance, req->svc.type);
    if (!e) {
        send_error(c, NT_ERR_NOT_FOUND, "no such service published through the agent");
        return;
    }
    if (!may_withdraw(e, c)) {
        NT_LOGW("ctl", "withdrawal of \"%s\" by uid %ld refused: published by uid %ld",
                e->current, (long)nt_ctl_conn_peer(c)->uid, (long)e->uid);
        send_error(c, NT_ERR_PERM, "not yours: published by another user");
        return;
    }
    e->conn = c; /* hears of the goodbyes */
    e->withdrawing = true;
    if (nt_mdns_service_del(nt_runner_engine(p->r), e->id, nt_runner_now(p->r)) != NT_OK) {
        char line[NT_MDNS_NAME_MAX + 16];
        snprintf(line, sizeof line, "withdrawn \"%s\"\n", e->current);
        send_event(c, "withdrawn", e->current, true, line);
        e->used = false;
    }
    if (e->persist)
        save(p);
}

void nt_ctl_pubs_request(nt_ctl_pubs *p, nt_ctl_conn *c, const nt_agent_req *req,
                         const char *json, size_t len)
{
    if (req->op == NT_AGENT_OP_PUBLISH)
        do_publish(p, c, req, json, len);
    else
        do_withdraw(p, c, req);
}

void nt_ctl_pubs_conn_closed(nt_ctl_pubs *p, nt_ctl_conn *c)
{
    size_t i;
    for (i = 0; p && i < NT_CTL_PUB_TOTAL; i++) {
        cpub *e = &p->items[i];
        if (!e->used)
            continue;
        if (e->conn == c)
            e->conn = NULL;
        if (e->owner != c || e->withdrawing)
            continue;
        NT_LOGI("ctl", "\"%s\": its client went away; withdrawing", e->current);
        e->owner = NULL;
        e->withdrawing = true;
        if (nt_mdns_service_del(nt_runner_engine(p->r), e->id, nt_runner_now(p->r)) != NT_OK)
            e->used = false;
    }
}

/* ---- engine events --------------------------------------------------------- */

static cpub *by_id(nt_ctl_pubs *p, nt_mdns_service_id id)
{
    size_t i;
    for (i = 0; i < NT_CTL_PUB_TOTAL; i++)
        if (p->items[i].used && p->items[i].id == id)
            return &p->items[i];
    return NULL;
}

void nt_ctl_pubs_event(nt_ctl_pubs *p, const nt_mdns_event *ev)
{
    char line[NT_MDNS_NAME_MAX * 2 + NT_PUBLISH_WHERE_MAX + 64];
    char where[NT_PUBLISH_WHERE_MAX];
    cpub *e = p ? by_id(p, ev->service) : NULL;
    const char *name;

    if (!e)
        return;
    if (ev->kind == NT_MDNS_EV_PUBLISH_CONFLICT && ev->instance[0])
        snprintf(e->current, sizeof e->current, "%s", ev->instance);
    name = ev->instance[0] ? ev->instance : e->current;
    nt_publish_where(where, sizeof where, p->r, ev->ifindex);
    switch (ev->kind) {
    case NT_MDNS_EV_PUBLISH_PROBING:
        snprintf(line, sizeof line, "probing \"%s\" on %s\n", name, where);
        send_event(e->conn, "probing", name, false, line);
        break;
    case NT_MDNS_EV_PUBLISH_ESTABLISHED:
        e->announced = true;
        snprintf(line, sizeof line, "published \"%s\" on %s\n", name, where);
        send_event(e->conn, "published", name, e->persist, line);
        if (e->persist)
            e->conn = NULL; /* the client returns; the service stays */
        break;
    case NT_MDNS_EV_PUBLISH_CONFLICT:
        if (!ev->instance[0])
            break; /* the host's name: the agent's business */
        snprintf(line, sizeof line, "renamed to \"%s\" after conflict\n", name);
        send_event(e->conn, "renamed", name, false, line);
        break;
    case NT_MDNS_EV_PUBLISH_WITHDRAWN:
        snprintf(line, sizeof line, "withdrawn \"%s\"\n", e->current);
        send_event(e->conn, "withdrawn", e->current, true, line);
        e->used = false;
        break;
    case NT_MDNS_EV_PUBLISH_FAILED:
        snprintf(line, sizeof line, "failed \"%s\": %s\n", name,
                 ev->reason[0] ? ev->reason : "gave up");
        send_event(e->conn, "failed", name, true, line);
        e->used = false;
        if (e->persist)
            save(p);
        break;
    default:
        break;
    }
}

/* ---- start: the persisted set back --------------------------------------- */

/* A uid as the agent wrote it; a set saved before uids were kept has none,
 * and its services are root's (only root withdraws them). */
static bool uid_ok(const cJSON *uid)
{
    return !uid || (cJSON_IsNumber(uid) && uid->valuedouble >= 0 &&
                    uid->valuedouble < 4294967295.0 &&
                    uid->valuedouble == (double)(uint32_t)uid->valuedouble);
}

static void restore(nt_ctl_pubs *p, const cJSON *arr)
{
    const cJSON *it;
    char why[160];
    nt_agent_req req;
    const char *unused = NULL;
    cpub *e;
    size_t n = 0;

    cJSON_ArrayForEach(it, arr) {
        char *text = cJSON_PrintUnformatted(it);
        const cJSON *uid = cJSON_GetObjectItemCaseSensitive(it, "uid");
        memset(&req, 0, sizeof req);
        if (!text || nt_agent_req_parse_publish(&req, it, true, why, sizeof why) != NT_OK ||
            !req.persist || strlen(text) >= REQ_KEEP_MAX || !uid_ok(uid)) {
            NT_LOGE("ctl", "%s: a persisted service is damaged; skipped", p->path);
        } else if (!(e = slot(p, NULL, &unused)) ||
                   place(p, e, &req, NULL, uid ? (uid_t)uid->valuedouble : 0) != NT_OK) {
            NT_LOGE("ctl", "%s: cannot publish \"%s\" again", p->path, req.svc.instance);
        } else {
            memcpy(e->req, text, strlen(text) + 1);
            n++;
        }
        cJSON_free(text);
    }
    NT_LOGI("ctl", "%zu persisted services published again", n);
}

void nt_ctl_pubs_start(nt_ctl_pubs *p, nt_agent_pubs *pubs)
{
    uint8_t *data = NULL;
    size_t len = 0;
    cJSON *arr;
    nt_status st;

    if (!p)
        return;
    p->pubs = pubs;
    if (!p->path[0] || access(p->path, F_OK) != 0)
        return;
    st = nt_cli_read_file(p->path, NT_CTL_PUB_FILE_MAX, &data, &len);
    arr = st == NT_OK ? cJSON_ParseWithLength((const char *)data, len) : NULL;
    if (!cJSON_IsArray(arr))
        NT_LOGE("ctl", "%s is damaged (%s); no persisted services published", p->path,
                st == NT_OK ? "not a JSON list" : nt_strerror(st));
    else
        restore(p, arr);
    cJSON_Delete(arr);
    nt_free(data);
}
