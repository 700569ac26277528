/* A poll() event loop with a timer heap and SIGINT/SIGTERM delivered
 * through a self-pipe, so that shutdown (goodbyes, RFC 6762 §10.1) runs as
 * ordinary loop code rather than inside a signal handler. */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "nautilus/mem.h"
#include "nautilus/net.h"
#include "net_private.h"

typedef struct watch {
    int fd;
    nt_net_fd_fn fn;
    void *ctx;
} watch;

typedef struct ready {
    int fd;
    short events;
} ready;

struct nt_net_loop {
    watch *watches;
    struct pollfd *pfds; /* max_fds + 1: the last slot is the signal pipe */
    ready *ready;
    size_t n_fds;
    size_t max_fds;
    nt_net_timer_heap timers;
    nt_net_timer_fn on_timer;
    void *timer_ctx;
    nt_net_signal_fn on_signal;
    void *signal_ctx;
    int sig_pipe[2];
    bool signals_caught;
    struct sigaction old_int;
    struct sigaction old_term;
    bool stopping;
};

/* The one write end the handler may touch; -1 when no loop catches. */
static volatile sig_atomic_t signal_fd = -1;

static void on_signal_handler(int signo)
{
    int saved = errno;
    unsigned char b = (unsigned char)signo;
    int fd = (int)signal_fd;
    if (fd >= 0) {
        /* Nothing to do if the pipe is full: a byte is already waiting. */
        ssize_t n = write(fd, &b, 1);
        (void)n;
    }
    errno = saved;
}

nt_status nt_net_loop_create(nt_net_loop **out, size_t max_fds, size_t max_timers,
                             nt_net_timer_fn on_timer, void *ctx)
{
    nt_net_loop *l;
    size_t pslots;
    nt_status st;

    if (!out || max_fds == 0 || max_fds > 1024 || !nt_size_add(&pslots, max_fds, 1))
        return NT_ERR_INVALID_ARG;
    *out = NULL;
    l = nt_calloc(1, sizeof *l);
    if (!l)
        return NT_ERR_NOMEM;
    l->sig_pipe[0] = l->sig_pipe[1] = -1;
    l->watches = nt_calloc(max_fds, sizeof *l->watches);
    l->pfds = nt_calloc(pslots, sizeof *l->pfds);
    l->ready = nt_calloc(pslots, sizeof *l->ready);
    if (!l->watches || !l->pfds || !l->ready) {
        st = NT_ERR_NOMEM;
        goto fail;
    }
    st = nt_net_timer_heap_init(&l->timers, max_timers);
    if (st != NT_OK)
        goto fail;
    l->max_fds = max_fds;
    l->on_timer = on_timer;
    l->timer_ctx = ctx;
    *out = l;
    return NT_OK;
fail:
    nt_free(l->watches);
    nt_free(l->pfds);
    nt_free(l->ready);
    nt_free(l);
    return st;
}

void nt_net_loop_destroy(nt_net_loop *loop)
{
    if (!loop)
        return;
    if (loop->signals_caught) {
        (void)sigaction(SIGINT, &loop->old_int, NULL);
        (void)sigaction(SIGTERM, &loop->old_term, NULL);
        signal_fd = -1;
    }
    if (loop->sig_pipe[0] >= 0)
        close(loop->sig_pipe[0]);
    if (loop->sig_pipe[1] >= 0)
        close(loop->sig_pipe[1]);
    nt_net_timer_heap_cleanup(&loop->timers);
    nt_free(loop->watches);
    nt_free(loop->pfds);
    nt_free(loop->ready);
    nt_free(loop);
}

static bool find_fd(const nt_net_loop *loop, int fd, size_t *at)
{
    size_t i;
    for (i = 0; i < loop->n_fds; i++)
        if (loop->watches[i].fd == fd) {
            *at = i;
            return true;
        }
    return false;
}

nt_status nt_net_loop_add_fd(nt_net_loop *loop, int fd, nt_net_fd_fn fn, void *ctx)
{
    size_t at;
    if (!loop || fd < 0 || !fn)
        return NT_ERR_INVALID_ARG;
    if (find_fd(loop, fd, &at))
        return NT_ERR_EXISTS;
    if (loop->n_fds == loop->max_fds)
        return NT_ERR_CAP;
    loop->watches[loop->n_fds].fd = fd;
    loop->watches[loop->n_fds].fn = fn;
    loop->watches[loop->n_fds].ctx = ctx;
    loop->n_fds++;
    return NT_OK;
}

nt_status nt_net_loop_del_fd(nt_net_loop *loop, int fd)
{
    size_t at;
    if (!loop)
        return NT_ERR_INVALID_ARG;
    if (!find_fd(loop, fd, &at))
        return NT_ERR_NOT_FOUND;
    loop->watches[at] = loop->watches[loop->n_fds - 1];
    loop->n_fds--;
    return NT_OK;
}

nt_status nt_net_loop_timer_set(nt_net_loop *loop, uint64_t id, uint64_t deadline)
{
    if (!loop)
        return NT_ERR_INVALID_ARG;
    return nt_net_timer_heap_set(&loop->timers, id, deadline);
}

nt_status nt_net_loop_timer_del(nt_net_loop *loop, uint64_t id)
{
    if (!loop)
        return NT_ERR_INVALID_ARG;
    return nt_net_timer_heap_del(&loop->timers, id);
}

nt_status nt_net_loop_catch_signals(nt_net_loop *loop, nt_net_signal_fn fn, void *ctx)
{
    struct sigaction sa;
    if (!loop || !fn)
        return NT_ERR_INVALID_ARG;
    if (signal_fd >= 0)
        return NT_ERR_EXISTS;
    if (pipe2(loop->sig_pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
        nt_net_remember_errno(errno);
        return NT_ERR_NET_SIGNAL;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal_handler;
    sigemptyset(&sa.sa_mask);
    /* SA_RESTART keeps stdio writes from failing; poll still returns EINTR. */
    sa.sa_flags = SA_RESTART;
    signal_fd = loop->sig_pipe[1];
    if (sigaction(SIGINT, &sa, &loop->old_int) != 0) {
        nt_net_remember_errno(errno);
        goto fail;
    }
    if (sigaction(SIGTERM, &sa, &loop->old_term) != 0) {
        nt_net_remember_errno(errno);
        (void)sigaction(SIGINT, &loop->old_int, NULL);
        goto fail;
    }
    loop->on_signal = fn;
    loop->signal_ctx = ctx;
    loop->signals_caught = true;
    return NT_OK;
fail:
    signal_fd = -1;
    close(loop->sig_pipe[0]);
    close(loop->sig_pipe[1]);
    loop->sig_pipe[0] = loop->sig_pipe[1] = -1;
    return NT_ERR_NET_SIGNAL;
}

static int wait_ms(const nt_net_loop *loop, int max_wait_ms)
{
    nt_net_timer t;
    uint64_t now, d;
    if (nt_net_timer_heap_peek(&loop->timers, &t) != NT_OK)
        return max_wait_ms;
    now = nt_net_now_ms();
    d = t.deadline > now ? t.deadline - now : 0;
    if (d > 0x7fffffffu)
        d = 0x7fffffffu;
    if (max_wait_ms >= 0 && (uint64_t)max_wait_ms < d)
        return max_wait_ms;
    return (int)d;
}

static void dispatch_signals(nt_net_loop *loop)
{
    unsigned char bytes[16];
    ssize_t n, i;
    while ((n = read(loop->sig_pipe[0], bytes, sizeof bytes)) > 0)
        for (i = 0; i < n; i++)
            loop->on_signal(loop->signal_ctx, loop, bytes[i]);
}

nt_status nt_net_loop_run_once(nt_net_loop *loop, int max_wait_ms)
{
    size_t i, n_pfd, n_ready = 0, fired = 0;
    int rc;
    uint64_t now;
    nt_net_timer t;

    if (!loop)
        return NT_ERR_INVALID_ARG;
    for (i = 0; i < loop->n_fds; i++) {
        loop->pfds[i].fd = loop->watches[i].fd;
        loop->pfds[i].events = POLLIN;
        loop->pfds[i].revents = 0;
    }
    n_pfd = loop->n_fds;
    if (loop->signals_caught) {
        loop->pfds[n_pfd].fd = loop->sig_pipe[0];
        loop->pfds[n_pfd].events = POLLIN;
        loop->pfds[n_pfd].revents = 0;
        n_pfd++;
    }
    rc = poll(loop->pfds, (nfds_t)n_pfd, wait_ms(loop, max_wait_ms));
    if (rc < 0 && errno != EINTR) {
        nt_net_remember_errno(errno);
        return NT_ERR_NET_POLL;
    }
    /* Signals first: shutdown should not wait behind a burst of packets.
     * The pipe is read only when poll says so (or was interrupted): a read
     * on every wake-up is a system call per round for nothing. */
    if (loop->signals_caught && (rc < 0 || loop->pfds[loop->n_fds].revents != 0))
        dispatch_signals(loop);
    if (rc > 0) {
        /* Snapshot what is ready: callbacks may add or remove watches. */
        for (i = 0; i < loop->n_fds; i++)
            if (loop->pfds[i].revents) {
                loop->ready[n_ready].fd = loop->pfds[i].fd;
                loop->ready[n_ready].events = loop->pfds[i].revents;
                n_ready++;
            }
        for (i = 0; i < n_ready; i++) {
            size_t at;
            if (find_fd(loop, loop->ready[i].fd, &at))
                loop->watches[at].fn(loop->watches[at].ctx, loop, loop->ready[i].fd,
                                     loop->ready[i].events);
        }
    }
    /* Due timers; a callback that re-arms for "now" runs next time, and at
     * most cap timers fire per round so a bad re-arm cannot spin here. */
    now = nt_net_now_ms();
    while (fired < loop->timers.cap && nt_net_timer_heap_pop_due(&loop->timers, now, &t) == NT_OK) {
        fired++;
        if (loop->on_timer)
            loop->on_timer(loop->timer_ctx, loop, t.id);
    }
    return NT_OK;
}

nt_status nt_net_loop_run(nt_net_loop *loop)
{
    nt_status st;
    if (!loop)
        return NT_ERR_INVALID_ARG;
    loop->stopping = false;
    while (!loop->stopping) {
        st = nt_net_loop_run_once(loop, -1);
        if (st != NT_OK)
            return st;
    }
    return NT_OK;
}

void nt_net_loop_stop(nt_net_loop *loop)
{
    if (loop)
        loop->stopping = true;
}
