/* The agent's control socket, server side (nautilus/ctl.h, DESIGN §8.3). */
#define _GNU_SOURCE 1 /* struct ucred, accept4 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "nautilus/ctl.h"
#include "nautilus/log.h"
#include "nautilus/mem.h"

struct nt_ctl_conn {
    nt_ctl_server *s;
    int fd;
    nt_ctl_peer peer;
    nt_ctl_reader rd;
    uint8_t *out;
    size_t out_len, out_cap;
    bool closing; /* close once out is sent */
    bool dead;    /* to be reaped */
    void *data;
    nt_ctl_conn *next;
};

struct nt_ctl_server {
    nt_ctl_server_config cfg;
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    ino_t ino;
    dev_t dev;
    int lfd;
    nt_ctl_conn *conns;
    size_t n_conns;
    nt_ctl_stats stats;
};

static nt_status fill_addr(struct sockaddr_un *sa, const char *path)
{
    size_t n = strlen(path);
    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    if (n == 0 || n >= sizeof sa->sun_path)
        return NT_ERR_INVALID_ARG;
    memcpy(sa->sun_path, path, n + 1);
    return NT_OK;
}

/* An existing path: a socket an agent answers on is taken; a stale one
 * (nobody listening) is removed; anything else is not ours to remove. */
static nt_status clear_stale(const char *path, const struct sockaddr_un *sa)
{
    struct stat st;
    int fd, rc, err;

    if (lstat(path, &st) != 0)
        return errno == ENOENT ? NT_OK : NT_ERR_IO;
    if (!S_ISSOCK(st.st_mode))
        return NT_ERR_EXISTS;
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return NT_ERR_IO;
    rc = connect(fd, (const struct sockaddr *)sa, sizeof *sa);
    err = errno;
    close(fd);
    if (rc == 0)
        return NT_ERR_EXISTS;
    if (err != ECONNREFUSED)
        return err == EACCES ? NT_ERR_PERM : NT_ERR_IO;
    return unlink(path) == 0 || errno == ENOENT ? NT_OK : NT_ERR_IO;
}

static nt_status listen_on(nt_ctl_server *s)
{
    struct sockaddr_un sa;
    struct stat st;
    mode_t old;
    nt_status status = fill_addr(&sa, s->cfg.path);
    int rc;

    if (status == NT_OK)
        status = clear_stale(s->cfg.path, &sa);
    if (status != NT_OK)
        return status;
    s->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->lfd < 0)
        return NT_ERR_IO;
    /* The file is born with no more than cfg.mode: nobody else can connect
     * between bind and chmod. */
    old = umask((mode_t)(~s->cfg.mode & 0777));
    rc = bind(s->lfd, (const struct sockaddr *)&sa, sizeof sa);
    umask(old);
    if (rc != 0)
        return errno == EACCES ? NT_ERR_PERM : errno == EADDRINUSE ? NT_ERR_EXISTS : NT_ERR_IO;
    if (chmod(s->cfg.path, s->cfg.mode) != 0 ||
        ((s->cfg.owner != (uid_t)-1 || s->cfg.group != (gid_t)-1) &&
         lchown(s->cfg.path, s->cfg.owner, s->cfg.group) != 0) ||
        listen(s->lfd, 32) != 0 || lstat(s->cfg.path, &st) != 0) {
        unlink(s->cfg.path);
        return errno == EPERM || errno == EACCES ? NT_ERR_PERM : NT_ERR_IO;
    }
    s->ino = st.st_ino;
    s->dev = st.st_dev;
    return NT_OK;
}

nt_status nt_ctl_server_open(nt_ctl_server **out, const nt_ctl_server_config *cfg)
{
    nt_ctl_server *s;
    nt_status status;

    *out = NULL;
    if (cfg == NULL || cfg->path == NULL || cfg->on_request == NULL || cfg->watch == NULL ||
        strlen(cfg->path) >= sizeof s->path)
        return NT_ERR_INVALID_ARG;
    s = nt_calloc(1, sizeof *s);
    if (s == NULL)
        return NT_ERR_NOMEM;
    s->cfg = *cfg;
    memcpy(s->path, cfg->path, strlen(cfg->path) + 1);
    s->cfg.path = s->path;
    if (s->cfg.mode == 0)
        s->cfg.mode = 0660;
    if (s->cfg.max_conns == 0)
        s->cfg.max_conns = NT_CTL_DEFAULT_MAX_CONNS;
    if (s->cfg.max_out == 0)
        s->cfg.max_out = NT_CTL_DEFAULT_MAX_OUT;
    s->lfd = -1;
    status = listen_on(s);
    if (status == NT_OK)
        status = s->cfg.watch(s->cfg.watch_ctx, s->lfd, true);
    if (status != NT_OK) {
        if (s->lfd >= 0) {
            close(s->lfd);
            s->lfd = -1;
        }
        nt_free(s);
        return status;
    }
    *out = s;
    return NT_OK;
}

/* Whether gid is among the supplementary groups of pid (/proc; a process
 * gone meanwhile has none). */
static bool pid_in_group(pid_t pid, gid_t gid)
{
    char path[64], line[1024];
    bool found = false;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
    f = fopen(path, "re");
    if (f == NULL)
        return false;
    while (!found && fgets(line, sizeof line, f) != NULL) {
        char *p = line + 7, *end;
        if (strncmp(line, "Groups:", 7) != 0)
            continue;
        for (;;) {
            unsigned long g = strtoul(p, &end, 10);
            if (end == p)
                break;
            if ((gid_t)g == gid)
                found = true;
            p = end;
        }
        break;
    }
    fclose(f);
    return found;
}

static bool peer_allowed(const nt_ctl_server *s, const nt_ctl_peer *p)
{
    if (p->uid == 0 || p->uid == geteuid())
        return true;
    return s->cfg.group != (gid_t)-1 && (p->gid == s->cfg.group || pid_in_group(p->pid, s->cfg.group));
}

static void read_conn(nt_ctl_server *s, nt_ctl_conn *c);
static void flush_conn(nt_ctl_conn *c);

static void accept_all(nt_ctl_server *s)
{
    for (;;) {
        struct ucred cred;
        socklen_t clen = sizeof cred;
        nt_ctl_conn *c;
        int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

        if (fd < 0)
            return; /* EAGAIN, or a connection that went away */
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) != 0) {
            close(fd);
            continue;
        }
        c = nt_calloc(1, sizeof *c);
        if (c == NULL) {
            close(fd);
            continue;
        }
        c->peer = (nt_ctl_peer){cred.pid, cred.uid, cred.gid};
        if (!peer_allowed(s, &c->peer) || s->n_conns >= s->cfg.max_conns) {
            if (s->n_conns >= s->cfg.max_conns)
                s->stats.refused_full++;
            else
                s->stats.refused_peer++;
            nt_log(NT_LOG_WARN, "ctl", "control connection refused: pid %ld uid %ld gid %ld%s",
                   (long)cred.pid, (long)cred.uid, (long)cred.gid,
                   s->n_conns >= s->cfg.max_conns ? " (too many connections)" : "");
            nt_free(c);
            close(fd);
            continue;
        }
        if (nt_ctl_reader_init(&c->rd) != NT_OK ||
            s->cfg.watch(s->cfg.watch_ctx, fd, true) != NT_OK) {
            nt_ctl_reader_cleanup(&c->rd);
            nt_free(c);
            close(fd);
            continue;
        }
        c->s = s;
        c->fd = fd;
        c->next = s->conns;
        s->conns = c;
        s->n_conns++;
        s->stats.accepted++;
        /* A client writes its request right after connecting, so it is
         * usually here already: read it now rather than after another
         * round of the loop (nothing there: EAGAIN, and poll says when). */
        read_conn(s, c);
        flush_conn(c);
    }
}

static void flush_conn(nt_ctl_conn *c)
{
    while (!c->dead && c->out_len > 0) {
        ssize_t n = send(c->fd, c->out, c->out_len, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                c->dead = true;
            if (errno != EINTR)
                break;
            continue;
        }
        memmove(c->out, c->out + n, c->out_len - (size_t)n);
        c->out_len -= (size_t)n;
    }
    if (c->closing && c->out_len == 0)
        c->dead = true;
}

/* Frees the connections marked dead (after telling the owner). */
static void reap(nt_ctl_server *s)
{
    nt_ctl_conn **pp = &s->conns;
    while (*pp != NULL) {
        nt_ctl_conn *c = *pp;
        if (!c->dead) {
            pp = &c->next;
            continue;
        }
        *pp = c->next;
        s->n_conns--;
        if (s->cfg.on_close != NULL)
            s->cfg.on_close(s->cfg.ctx, c);
        (void)s->cfg.watch(s->cfg.watch_ctx, c->fd, false);
        close(c->fd);
        nt_ctl_reader_cleanup(&c->rd);
        nt_free(c->out);
        nt_free(c);
    }
}

static void read_conn(nt_ctl_server *s, nt_ctl_conn *c)
{
    uint8_t buf[16384];
    while (!c->dead) {
        ssize_t n = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT);
        size_t pos = 0;
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            c->dead = true;
            return;
        }
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        while (!c->dead && !c->closing && pos < (size_t)n) {
            const char *frame;
            size_t used, flen;
            nt_status st = nt_ctl_reader_feed(&c->rd, buf + pos, (size_t)n - pos, &used, &frame,
                                              &flen);
            pos += used;
            if (st == NT_ERR_NOMEM) {
                nt_ctl_conn_close(c, true); /* the rest of the stream cannot be read */
                break;
            }
            if (st != NT_OK) {
                static const char err[] = "{\"ok\":false,\"error\":\"frame length 0 or over "
                                          "the limit\",\"status\":\"NT_ERR_CTL_FRAME\"}";
                nt_status sent = nt_ctl_reply(c, err, sizeof err - 1);
                s->stats.bad_frames++;
                (void)sent; /* closed either way */
                nt_ctl_conn_close(c, false);
                break;
            }
            if (frame != NULL) {
                s->stats.requests++;
                s->cfg.on_request(s->cfg.ctx, c, frame, flen);
            }
        }
        /* Less than a buffer: the socket was drained. Another recv would
         * only say EAGAIN; poll (level-triggered) tells of what comes. */
        if ((size_t)n < sizeof buf)
            return;
    }
}

void nt_ctl_server_ready(nt_ctl_server *s, int fd)
{
    nt_ctl_conn *c;
    if (fd == s->lfd) {
        accept_all(s);
        reap(s);
        return;
    }
    for (c = s->conns; c != NULL; c = c->next)
        if (c->fd == fd && !c->dead) {
            read_conn(s, c);
            flush_conn(c);
            break;
        }
    reap(s);
}

void nt_ctl_server_flush(nt_ctl_server *s)
{
    nt_ctl_conn *c;
    for (c = s->conns; c != NULL; c = c->next)
        flush_conn(c);
    reap(s);
}

void nt_ctl_server_stats(const nt_ctl_server *s, nt_ctl_stats *out) { *out = s->stats; }

nt_status nt_ctl_reply(nt_ctl_conn *c, const char *json, size_t len)
{
    size_t need;
    if (len == 0 || len > NT_CTL_MAX_FRAME)
        return NT_ERR_INVALID_ARG;
    if (c->dead)
        return NT_ERR_CTL_CLOSED;
    need = c->out_len + 4 + len;
    if (need > c->s->cfg.max_out) {
        c->s->stats.slow_closed++;
        nt_log(NT_LOG_WARN, "ctl", "control client pid %ld does not read its replies: closed",
               (long)c->peer.pid);
        c->dead = true;
        return NT_ERR_CTL_CLOSED;
    }
    if (need > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 4096;
        uint8_t *p;
        while (cap < need)
            cap *= 2;
        p = nt_realloc(c->out, cap);
        if (p == NULL)
            return NT_ERR_NOMEM;
        c->out = p;
        c->out_cap = cap;
    }
    c->out[c->out_len] = (uint8_t)(len >> 24);
    c->out[c->out_len + 1] = (uint8_t)(len >> 16);
    c->out[c->out_len + 2] = (uint8_t)(len >> 8);
    c->out[c->out_len + 3] = (uint8_t)len;
    memcpy(c->out + c->out_len + 4, json, len);
    c->out_len = need;
    flush_conn(c);
    return NT_OK;
}

void nt_ctl_conn_close(nt_ctl_conn *c, bool now)
{
    if (now)
        c->dead = true;
    c->closing = true;
    flush_conn(c);
}

const nt_ctl_peer *nt_ctl_conn_peer(const nt_ctl_conn *c) { return &c->peer; }
void nt_ctl_conn_set_data(nt_ctl_conn *c, void *data) { c->data = data; }
void *nt_ctl_conn_data(const nt_ctl_conn *c) { return c->data; }

void nt_ctl_server_close(nt_ctl_server *s)
{
    nt_ctl_conn *c;
    struct stat st;
    if (s == NULL)
        return;
    for (c = s->conns; c != NULL; c = c->next)
        c->dead = true;
    reap(s);
    if (s->lfd >= 0) {
        (void)s->cfg.watch(s->cfg.watch_ctx, s->lfd, false);
        close(s->lfd);
        /* Only the file this server made: another agent may have taken the path. */
        if (lstat(s->path, &st) == 0 && st.st_ino == s->ino && st.st_dev == s->dev)
            unlink(s->path);
    }
    nt_free(s);
}
