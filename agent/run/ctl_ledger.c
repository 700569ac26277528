/* The agent's `ledger` requests (ctl_ledger.h): run on the anchoring
 * worker, never in the loop (chain calls block). */
#include <inttypes.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "ctl_ledger.h"
#include "ledger_cli.h"
#include "nautilus/log.h"
#include "nautilus/mem.h"
#include "publish_anchor.h"
#include "svc_format.h"

typedef struct job {
    nt_ctl_conn *conn;       /* NULL: its client went away (the loop's) */
    nt_agent_req req;
    /* Written by the worker, read by the loop after the pipe says done. */
    int code;
    char *out, *err;         /* malloc'd by open_memstream */
    size_t out_len, err_len;
} job;

struct nt_ctl_ledger {
    nt_runner *r;
    struct nt_pub_anchor *pa;
    const char *state;
    uint64_t chain_id;
    int pipe_rd, pipe_wr;
    job q[NT_CTL_LEDGER_QUEUE]; /* a ring: q[head] runs when running */
    size_t head, n;
    bool running;
    uint64_t requests, done, failed, elsewhere, busy, dropped;
};

static void on_done(void *ctx, nt_net_loop *loop, int fd, short events);

nt_status nt_ctl_ledger_create(nt_ctl_ledger **out, nt_runner *r)
{
    nt_ctl_ledger *l = nt_calloc(1, sizeof *l);
    int fds[2];
    if (!l)
        return NT_ERR_NOMEM;
    l->r = r;
    l->pipe_rd = l->pipe_wr = -1;
    if (pipe(fds) != 0) {
        nt_free(l);
        return NT_ERR_IO;
    }
    l->pipe_rd = fds[0];
    l->pipe_wr = fds[1];
    if (fcntl(fds[0], F_SETFL, O_NONBLOCK) != 0 || fcntl(fds[1], F_SETFL, O_NONBLOCK) != 0 ||
        nt_runner_add_fd(r, fds[0], on_done, l) != NT_OK) {
        close(fds[0]);
        close(fds[1]);
        nt_free(l);
        return NT_ERR_IO;
    }
    *out = l;
    return NT_OK;
}

void nt_ctl_ledger_set_anchor(nt_ctl_ledger *l, struct nt_pub_anchor *pa, const char *state,
                              uint64_t chain_id)
{
    if (!l)
        return;
    l->pa = pa;
    l->state = state;
    l->chain_id = chain_id;
}

void nt_ctl_ledger_destroy(nt_ctl_ledger *l)
{
    size_t i;
    if (!l)
        return;
    /* The daemon stops the anchoring worker first: nothing runs now. */
    for (i = 0; i < NT_CTL_LEDGER_QUEUE; i++) {
        free(l->q[i].out); /* open_memstream's, so free */
        free(l->q[i].err);
    }
    if (nt_runner_del_fd(l->r, l->pipe_rd) != NT_OK)
        NT_LOGD("ctl", "ledger pipe not watched");
    close(l->pipe_rd);
    close(l->pipe_wr);
    nt_free(l);
}

static void no_usage(FILE *f)
{
    (void)f;
}

/* The command's own options again, from the request, through the
 * command's own parser (so the checks and defaults are the same). */
static int job_opts(nt_ledger_opts *o, const nt_agent_req *q, char bufs[4][48], char reg[43])
{
    char *argv[20];
    int argc = 0;
    unsigned allowed = LF_STATE | LF_PROFILE | LF_JSON, required = LF_STATE | LF_PROFILE;
    bool status = strcmp(q->ledger_sub, "status") == 0;

    argv[argc++] = (char *)q->ledger_sub;
    if (q->ledger_name[0])
        argv[argc++] = (char *)q->ledger_name;
    argv[argc++] = "--state";
    argv[argc++] = (char *)q->ledger_state;
    if (!status) {
        allowed = LF_RPC | LF_STATE | LF_PROFILE | LF_REGISTRY | (q->ledger_name[0] ? LF_NAME : 0);
        required = allowed;
        nt_ledger_hex(reg, q->ledger_registry, 20);
        argv[argc++] = "--rpc";
        argv[argc++] = (char *)q->ledger_rpc;
        argv[argc++] = "--registry";
        argv[argc++] = reg;
    }
    if (q->ledger_profile[0]) {
        argv[argc++] = "--profile";
        argv[argc++] = (char *)q->ledger_profile;
    }
    snprintf(bufs[0], 48, "%" PRIu64, q->ledger_chain_id);
    argv[argc++] = "--chain-id";
    argv[argc++] = bufs[0];
    if (q->ledger_confirmations && !status) {
        snprintf(bufs[1], 48, "%u", (unsigned)q->ledger_confirmations);
        argv[argc++] = "--confirmations";
        argv[argc++] = bufs[1];
    }
    if (q->ledger_timeout_s && !status) {
        snprintf(bufs[2], 48, "%u", (unsigned)q->ledger_timeout_s);
        argv[argc++] = "--timeout";
        argv[argc++] = bufs[2];
    }
    if (q->json && status)
        argv[argc++] = "--json";
    argv[argc] = NULL;
    memset(o, 0, sizeof *o);
    return nt_ledger_opts_parse(o, argc, argv, allowed, required, no_usage);
}

static int job_run(const nt_agent_req *q)
{
    nt_ledger_opts o;
    char bufs[4][48], reg[43];
    int rc = job_opts(&o, q, bufs, reg);
    if (rc >= 0)
        return rc;
    if (strcmp(q->ledger_sub, "status") == 0)
        return nt_ledger_op_status(&o);
    if (strcmp(q->ledger_sub, "checkpoint") == 0)
        return nt_ledger_op_checkpoint(&o);
    return nt_ledger_op_name(&o, strcmp(q->ledger_sub, "register") == 0 ? NT_CHAIN_CALL_REGISTER
                                 : strcmp(q->ledger_sub, "rotate") == 0 ? NT_CHAIN_CALL_ROTATE
                                                                          : NT_CHAIN_CALL_REVOKE);
}

/* On the anchoring worker: the operation, its output captured. */
static void errand(void *ctx)
{
    nt_ctl_ledger *l = ctx;
    job *j = &l->q[l->head]; /* head does not move while running */
    FILE *out = open_memstream(&j->out, &j->out_len);
    FILE *err = open_memstream(&j->err, &j->err_len);

    if (!out || !err) {
        j->code = NT_EXIT_LOCAL;
    } else {
        nt_cli_capture(out, err);
        j->code = job_run(&j->req);
        nt_cli_capture(NULL, NULL);
    }
    if (out)
        fclose(out);
    if (err)
        fclose(err);
    if (write(l->pipe_wr, "d", 1) != 1)
        NT_LOGW("ctl", "ledger: cannot wake the loop");
}

static void pop(nt_ctl_ledger *l)
{
    job *j = &l->q[l->head];
    free(j->out);
    free(j->err);
    memset(j, 0, sizeof *j);
    l->head = (l->head + 1) % NT_CTL_LEDGER_QUEUE;
    l->n--;
}

static void start_next(nt_ctl_ledger *l)
{
    if (l->running)
        return;
    /* A client gone before its turn: its operation is not run. */
    while (l->n > 0 && !l->q[l->head].conn) {
        l->dropped++;
        pop(l);
    }
    if (l->n == 0)
        return;
    if (nt_pub_anchor_post(l->pa, errand, l) != NT_OK) {
        NT_LOGW("ctl", "ledger: the worker is busy; retried when it answers");
        return;
    }
    l->running = true;
}

static void reply_done(nt_ctl_ledger *l, job *j)
{
    nt_dynbuf d;
    nt_status st;

    l->done++;
    l->failed += j->code != NT_EXIT_OK;
    NT_LOGI("ctl", "ledger %s: exit %d", j->req.ledger_sub, j->code);
    if (!j->conn)
        return;
    nt_dynbuf_init(&d, NT_CTL_MAX_FRAME / 4);
    st = nt_dynbuf_addf(&d, "{\"ok\":true,\"exit\":%d,\"stdout\":", j->code);
    if (st == NT_OK)
        st = nt_svc_json_str(&d, j->out ? j->out : "", j->out ? j->out_len : 0);
    if (st == NT_OK)
        st = nt_svc_json_field(&d, "stderr", j->err ? j->err : "", j->err ? j->err_len : 0);
    if (st == NT_OK)
        st = nt_dynbuf_add_str(&d, "}");
    if (st != NT_OK || nt_ctl_reply(j->conn, (const char *)d.data, d.len) != NT_OK)
        NT_LOGD("ctl", "ledger reply dropped");
    nt_dynbuf_cleanup(&d);
}

static void on_done(void *ctx, nt_net_loop *loop, int fd, short events)
{
    nt_ctl_ledger *l = ctx;
    char drain[16];
    job *j;
    (void)loop;
    (void)events;
    while (read(fd, drain, sizeof drain) > 0)
        ;
    if (!l->running)
        return;
    j = &l->q[l->head];
    reply_done(l, j);
    pop(l);
    l->running = false;
    start_next(l);
}

/* The same directory (device and inode), not just the same spelling. */
static bool same_dir(const char *a, const char *b)
{
    struct stat sa, sb;
    return a && b && stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

void nt_ctl_ledger_request(nt_ctl_ledger *l, nt_ctl_conn *c, const nt_agent_req *req,
                           void (*reply_error)(nt_ctl_conn *, nt_status, const char *))
{
    job *j;
    l->requests++;
    if (!l->pa || req->ledger_chain_id != l->chain_id || !same_dir(req->ledger_state, l->state)) {
        l->elsewhere++;
        reply_error(c, NT_ERR_CTL_LEDGER_ELSEWHERE,
                    l->pa ? "ledger: the agent anchors another state directory or chain"
                          : "ledger: the agent does not anchor ([chain] anchor = no)");
        return;
    }
    if (l->n == NT_CTL_LEDGER_QUEUE) {
        l->busy++;
        reply_error(c, NT_ERR_CTL_LEDGER_BUSY, "ledger: too many ledger operations waiting");
        return;
    }
    j = &l->q[(l->head + l->n) % NT_CTL_LEDGER_QUEUE];
    memset(j, 0, sizeof *j);
    j->conn = c;
    j->req = *req; /* no allocations in a ledger request */
    l->n++;
    start_next(l);
}

void nt_ctl_ledger_conn_closed(nt_ctl_ledger *l, const nt_ctl_conn *c)
{
    size_t i;
    if (!l)
        return;
    for (i = 0; i < l->n; i++) {
        job *j = &l->q[(l->head + i) % NT_CTL_LEDGER_QUEUE];
        if (j->conn == c)
            j->conn = NULL; /* waiting: dropped; running: finishes, unanswered */
    }
}

nt_status nt_ctl_ledger_status(const nt_ctl_ledger *l, nt_dynbuf *d)
{
    return nt_dynbuf_addf(d,
                          ",\"ledger\":{\"anchoring\":%s,\"requests\":%llu,\"done\":%llu,"
                          "\"failed\":%llu,\"elsewhere\":%llu,\"busy\":%llu,\"dropped\":%llu,"
                          "\"queued\":%zu,"
                          "\"running\":%s}",
                          l->pa ? "true" : "false", (unsigned long long)l->requests,
                          (unsigned long long)l->done, (unsigned long long)l->failed,
                          (unsigned long long)l->elsewhere, (unsigned long long)l->busy,
                          (unsigned long long)l->dropped, l->n,
                          l->running ? "true" : "false");
}
