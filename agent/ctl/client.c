/* The agent's control socket, client side (nautilus/ctl.h, DESIGN §8.3). */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "nautilus/ctl.h"
#include "nautilus/mem.h"

struct nt_ctl_client {
    int fd;
    nt_ctl_reader rd;
    uint8_t in[4096]; /* a read at a time: a resolve's reply fits in one */
    size_t in_pos, in_len;
};

nt_status nt_ctl_connect(nt_ctl_client **out, const char *path)
{
    struct sockaddr_un sa;
    nt_ctl_client *c;
    size_t n = path != NULL ? strlen(path) : 0;
    int err;

    *out = NULL;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (n == 0 || n >= sizeof sa.sun_path)
        return NT_ERR_INVALID_ARG;
    memcpy(sa.sun_path, path, n + 1);
    /* Not calloc: zeroing in[] would touch four fresh pages, each a page
     * fault, for bytes recv overwrites anyway. */
    c = nt_malloc(sizeof *c);
    if (c == NULL)
        return NT_ERR_NOMEM;
    c->fd = -1;
    c->in_pos = c->in_len = 0;
    if (nt_ctl_reader_init(&c->rd) != NT_OK) {
        nt_free(c);
        return NT_ERR_NOMEM;
    }
    c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c->fd < 0 || connect(c->fd, (const struct sockaddr *)&sa, sizeof sa) != 0) {
        err = errno;
        nt_ctl_client_close(c);
        if (err == ENOENT || err == ECONNREFUSED || err == ENOTSOCK || err == ENOTDIR)
            return NT_ERR_CTL_NO_AGENT;
        return err == EACCES || err == EPERM ? NT_ERR_PERM : NT_ERR_IO;
    }
    *out = c;
    return NT_OK;
}

void nt_ctl_client_close(nt_ctl_client *c)
{
    if (c == NULL)
        return;
    if (c->fd >= 0)
        close(c->fd);
    nt_ctl_reader_cleanup(&c->rd);
    nt_free(c);
}

int nt_ctl_client_fd(const nt_ctl_client *c) { return c->fd; }

nt_status nt_ctl_send(nt_ctl_client *c, const char *json, size_t len)
{
    uint8_t head[4];
    struct iovec iov[2];
    struct msghdr msg;
    size_t sent = 0, total = len + 4;

    if (len == 0 || len > NT_CTL_MAX_FRAME)
        return NT_ERR_INVALID_ARG;
    head[0] = (uint8_t)(len >> 24);
    head[1] = (uint8_t)(len >> 16);
    head[2] = (uint8_t)(len >> 8);
    head[3] = (uint8_t)len;
    while (sent < total) {
        ssize_t n;
        size_t k = 0;
        memset(&msg, 0, sizeof msg);
        if (sent < 4) {
            iov[k].iov_base = head + sent;
            iov[k++].iov_len = 4 - sent;
            iov[k].iov_base = (void *)(uintptr_t)json;
            iov[k++].iov_len = len;
        } else {
            iov[k].iov_base = (void *)(uintptr_t)(json + (sent - 4));
            iov[k++].iov_len = total - sent;
        }
        msg.msg_iov = iov;
        msg.msg_iovlen = k;
        n = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errno == EPIPE || errno == ECONNRESET ? NT_ERR_CTL_CLOSED : NT_ERR_IO;
        }
        sent += (size_t)n;
    }
    return NT_OK;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

nt_status nt_ctl_recv(nt_ctl_client *c, const char **json, size_t *len, int timeout_ms)
{
    int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;

    *json = NULL;
    *len = 0;
    for (;;) {
        struct pollfd p = {c->fd, POLLIN, 0};
        int wait, rc;
        ssize_t n;
        if (c->in_pos < c->in_len) {
            size_t used;
            nt_status st = nt_ctl_reader_feed(&c->rd, c->in + c->in_pos, c->in_len - c->in_pos,
                                              &used, json, len);
            c->in_pos += used;
            if (st != NT_OK || *json != NULL)
                return st;
            continue;
        }
        wait = -1;
        if (deadline >= 0) {
            int64_t left = deadline - now_ms();
            wait = left <= 0 ? 0 : left > 0x7fffffff ? 0x7fffffff : (int)left;
        }
        rc = poll(&p, 1, wait);
        if (rc < 0 && errno != EINTR)
            return NT_ERR_IO;
        if (rc == 0 && deadline >= 0 && now_ms() >= deadline)
            return NT_ERR_TIMEOUT;
        if (rc <= 0)
            continue;
        n = recv(c->fd, c->in, sizeof c->in, 0);
        if (n == 0)
            return NT_ERR_CTL_CLOSED;
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            return errno == ECONNRESET ? NT_ERR_CTL_CLOSED : NT_ERR_IO;
        }
        c->in_pos = 0;
        c->in_len = (size_t)n;
    }
}
