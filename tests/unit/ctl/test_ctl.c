/* agent/ctl: the control socket, over real UNIX sockets in a temporary
 * directory. The server is pumped by a small poll loop in this thread; the
 * clients are the library's own (nt_ctl_connect) or raw sockets, and the
 * unprivileged ones are forked children that drop to nobody. */
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "nautilus/ctl.h"

#define MAX_WATCH 128

typedef struct fx {
    char dir[64], path[128];
    int watched[MAX_WATCH];
    size_t n_watched;
    nt_ctl_server *s;
    int closes;
    int requests;
    int flood; /* frames of 8 KiB to answer each request with */
} fx;

static nt_status watch(void *ctx, int fd, bool on)
{
    fx *x = ctx;
    size_t i;
    if (on) {
        if (x->n_watched == MAX_WATCH)
            return NT_ERR_CAP;
        x->watched[x->n_watched++] = fd;
        return NT_OK;
    }
    for (i = 0; i < x->n_watched; i++)
        if (x->watched[i] == fd) {
            x->watched[i] = x->watched[--x->n_watched];
            return NT_OK;
        }
    return NT_ERR_NOT_FOUND;
}

/* Answers {"echo":<request>} (or `flood` big frames). */
static void on_request(void *ctx, nt_ctl_conn *c, const char *json, size_t len)
{
    fx *x = ctx;
    char out[NT_CTL_MAX_FRAME];
    int n;
    x->requests++;
    if (x->flood > 0) {
        static char big[8192];
        memset(big, ' ', sizeof big);
        big[0] = '"';
        big[sizeof big - 1] = '"';
        for (int i = 0; i < x->flood; i++)
            if (nt_ctl_reply(c, big, sizeof big) != NT_OK)
                break;
        return;
    }
    n = snprintf(out, sizeof out, "{\"echo\":%.*s}", (int)len, json);
    assert_true(n > 0 && (size_t)n < sizeof out);
    assert_int_equal(nt_ctl_reply(c, out, (size_t)n), NT_OK);
}

static void on_close(void *ctx, nt_ctl_conn *c)
{
    fx *x = ctx;
    (void)c;
    x->closes++;
}

/* Runs the server's side for up to ms milliseconds (until idle). */
static void pump(fx *x, int ms)
{
    for (int round = 0; round < ms / 5 + 1; round++) {
        struct pollfd p[MAX_WATCH];
        size_t n = x->n_watched, i;
        int rc;
        for (i = 0; i < n; i++)
            p[i] = (struct pollfd){x->watched[i], POLLIN, 0};
        rc = poll(p, n, 5);
        if (rc <= 0) {
            nt_ctl_server_flush(x->s);
            continue;
        }
        for (i = 0; i < n; i++)
            if (p[i].revents != 0)
                nt_ctl_server_ready(x->s, p[i].fd);
        nt_ctl_server_flush(x->s);
    }
}

static nt_ctl_server_config config(fx *x)
{
    return (nt_ctl_server_config){.path = x->path, .owner = (uid_t)-1, .group = (gid_t)-1,
                                  .on_request = on_request, .on_close = on_close, .ctx = x,
                                  .watch = watch, .watch_ctx = x};
}

static int setup(void **state)
{
    fx *x = calloc(1, sizeof *x);
    nt_ctl_server_config cfg;
    assert_non_null(x);
    snprintf(x->dir, sizeof x->dir, "/tmp/nt_ctl_XXXXXX");
    assert_non_null(mkdtemp(x->dir));
    assert_int_equal(chmod(x->dir, 0755), 0);
    snprintf(x->path, sizeof x->path, "%s/control", x->dir);
    cfg = config(x);
    assert_int_equal(nt_ctl_server_open(&x->s, &cfg), NT_OK);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fx *x = *state;
    char cmd[128];
    nt_ctl_server_close(x->s);
    snprintf(cmd, sizeof cmd, "rm -rf %s", x->dir);
    assert_int_equal(system(cmd), 0);
    free(x);
    return 0;
}

static void recv_echo(fx *x, nt_ctl_client *c, const char *want)
{
    const char *json = NULL;
    size_t len = 0;
    nt_status st = NT_ERR_TIMEOUT;
    for (int i = 0; i < 200 && st == NT_ERR_TIMEOUT; i++) {
        pump(x, 5);
        st = nt_ctl_recv(c, &json, &len, 0);
    }
    assert_int_equal(st, NT_OK);
    assert_string_equal(json, want);
    assert_int_equal(len, strlen(want));
}

/* Frames in order, several in one write, and one split into single bytes. */
static void test_round_trip(void **state)
{
    fx *x = *state;
    nt_ctl_client *c = NULL;
    static const uint8_t split[] = {0, 0, 0, 7, '{', '"', 'k', '"', ':', '1', '}'};
    nt_ctl_stats st;

    assert_int_equal(nt_ctl_connect(&c, x->path), NT_OK);
    pump(x, 20);
    assert_int_equal(nt_ctl_send(c, "{\"a\":1}", 7), NT_OK);
    assert_int_equal(nt_ctl_send(c, "[2]", 3), NT_OK);
    assert_int_equal(nt_ctl_send(c, "\"three\"", 7), NT_OK);
    recv_echo(x, c, "{\"echo\":{\"a\":1}}");
    recv_echo(x, c, "{\"echo\":[2]}");
    recv_echo(x, c, "{\"echo\":\"three\"}");
    for (size_t i = 0; i < sizeof split; i++) {
        assert_int_equal(send(nt_ctl_client_fd(c), split + i, 1, 0), 1);
        pump(x, 5);
    }
    recv_echo(x, c, "{\"echo\":{\"k\":1}}");
    nt_ctl_server_stats(x->s, &st);
    assert_int_equal(st.accepted, 1);
    assert_int_equal(st.requests, 4);
    nt_ctl_client_close(c);
    pump(x, 20);
    assert_int_equal(x->closes, 1);
}

/* The largest frame passes; one byte more, or a zero length, gets an error
 * frame and the connection is closed. */
static void test_frame_limits(void **state)
{
    fx *x = *state;
    nt_ctl_client *c = NULL;
    char *big = malloc(NT_CTL_MAX_FRAME + 1);
    const char *json;
    size_t len;
    uint8_t head[4];
    nt_ctl_stats st;
    nt_status s = NT_ERR_TIMEOUT;

    assert_non_null(big);
    memset(big, '1', NT_CTL_MAX_FRAME);
    /* the echo of a maximal frame would not fit a frame: reply is refused */
    x->flood = 1;
    assert_int_equal(nt_ctl_connect(&c, x->path), NT_OK);
    pump(x, 10);
    assert_int_equal(nt_ctl_send(c, big, NT_CTL_MAX_FRAME), NT_OK);
    assert_int_equal(nt_ctl_send(c, big, NT_CTL_MAX_FRAME + 1), NT_ERR_INVALID_ARG);
    for (int i = 0; i < 200 && s == NT_ERR_TIMEOUT; i++) {
        pump(x, 5);
        s = nt_ctl_recv(c, &json, &len, 0);
    }
    assert_int_equal(s, NT_OK);
    assert_int_equal(len, 8192);
    assert_int_equal(x->requests, 1);
    /* now an over-long length by hand */
    head[0] = 0;
    head[1] = (uint8_t)((NT_CTL_MAX_FRAME + 1) >> 16);
    head[2] = (uint8_t)((NT_CTL_MAX_FRAME + 1) >> 8);
    head[3] = (uint8_t)(NT_CTL_MAX_FRAME + 1);
    assert_int_equal(send(nt_ctl_client_fd(c), head, 4, 0), 4);
    s = NT_ERR_TIMEOUT;
    for (int i = 0; i < 200 && s == NT_ERR_TIMEOUT; i++) {
        pump(x, 5);
        s = nt_ctl_recv(c, &json, &len, 0);
    }
    assert_int_equal(s, NT_OK);
    assert_non_null(strstr(json, "NT_ERR_CTL_FRAME"));
    assert_int_equal(nt_ctl_recv(c, &json, &len, 2000), NT_ERR_CTL_CLOSED);
    nt_ctl_client_close(c);
    /* a zero length */
    assert_int_equal(nt_ctl_connect(&c, x->path), NT_OK);
    pump(x, 10);
    memset(head, 0, 4);
    assert_int_equal(send(nt_ctl_client_fd(c), head, 4, 0), 4);
    s = NT_ERR_TIMEOUT;
    for (int i = 0; i < 200 && s == NT_ERR_TIMEOUT; i++) {
        pump(x, 5);
        s = nt_ctl_recv(c, &json, &len, 0);
    }
    assert_int_equal(s, NT_OK);
    assert_int_equal(nt_ctl_recv(c, &json, &len, 2000), NT_ERR_CTL_CLOSED);
    nt_ctl_client_close(c);
    pump(x, 20);
    nt_ctl_server_stats(x->s, &st);
    assert_int_equal(st.bad_frames, 2);
    assert_int_equal(x->requests, 1);
    free(big);
}

/* The file: mode 0660; a stale socket is replaced; a live agent's socket
 * and a file that is not a socket are left alone. */
static void test_socket_file(void **state)
{
    fx *x = *state;
    nt_ctl_server *other = NULL;
    nt_ctl_server_config cfg = config(x);
    struct stat st;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    char stale[160], plain[160];
    int fd;
    FILE *f;

    assert_int_equal(stat(x->path, &st), 0);
    assert_true(S_ISSOCK(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0660);
    assert_int_equal(nt_ctl_server_open(&other, &cfg), NT_ERR_EXISTS);
    assert_null(other);

    snprintf(stale, sizeof stale, "%s/stale", x->dir);
    memcpy(sa.sun_path, stale, strlen(stale) + 1);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    close(fd); /* a crashed agent's socket: the file stays, nobody listens */
    cfg.path = stale;
    assert_int_equal(nt_ctl_server_open(&other, &cfg), NT_OK);
    nt_ctl_server_close(other);
    assert_int_equal(lstat(stale, &st), -1);

    snprintf(plain, sizeof plain, "%s/plain", x->dir);
    f = fopen(plain, "w");
    assert_non_null(f);
    fputs("keep me\n", f);
    fclose(f);
    cfg.path = plain;
    assert_int_equal(nt_ctl_server_open(&other, &cfg), NT_ERR_EXISTS);
    assert_int_equal(stat(plain, &st), 0);
    assert_int_equal(st.st_size, 8);
}

/* A child that drops to nobody connects, once the socket is made world-
 * writable (as if an operator had loosened it): its credentials are not
 * allowed and it is closed without an answer. Without the loosened mode it
 * cannot connect at all. Returns the child's exit status. */
static pid_t nobody_child(const char *path, gid_t gid)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        nt_ctl_client *c = NULL;
        const char *json;
        size_t len;
        nt_status s;
        if (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid(65534) != 0)
            _exit(10);
        s = nt_ctl_connect(&c, path);
        if (s == NT_ERR_PERM)
            _exit(20);
        if (s != NT_OK)
            _exit(11);
        if (nt_ctl_send(c, "{}", 2) != NT_OK)
            _exit(30); /* closed before it could even send */
        s = nt_ctl_recv(c, &json, &len, 3000);
        _exit(s == NT_ERR_CTL_CLOSED ? 30 : s == NT_OK ? 40 : 12);
    }
    return pid;
}

static int wait_child(fx *x, pid_t pid)
{
    int status = 0;
    for (int i = 0; i < 600; i++) {
        pump(x, 5);
        if (waitpid(pid, &status, WNOHANG) == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -2;
}

static void test_peer_credentials(void **state)
{
    fx *x = *state;
    nt_ctl_server *grp = NULL;
    nt_ctl_server_config cfg = config(x);
    nt_ctl_stats st;
    char gpath[160];

    if (geteuid() != 0) {
        skip();
        return;
    }
    /* mode 0660, owned by root: the file system keeps nobody out */
    assert_int_equal(wait_child(x, nobody_child(x->path, 65534)), 20);
    /* loosened to 0666: SO_PEERCRED keeps nobody out */
    assert_int_equal(chmod(x->path, 0666), 0);
    assert_int_equal(wait_child(x, nobody_child(x->path, 65534)), 30);
    nt_ctl_server_stats(x->s, &st);
    assert_int_equal(st.refused_peer, 1);
    assert_int_equal(x->requests, 0);
    /* a server whose group is the child's: allowed through the group */
    snprintf(gpath, sizeof gpath, "%s/grp", x->dir);
    cfg.path = gpath;
    cfg.group = 65534;
    assert_int_equal(nt_ctl_server_open(&grp, &cfg), NT_OK);
    {
        nt_ctl_server *keep = x->s;
        x->s = grp;
        assert_int_equal(wait_child(x, nobody_child(gpath, 65534)), 40);
        x->s = keep;
    }
    nt_ctl_server_stats(grp, &st);
    assert_int_equal(st.refused_peer, 0);
    assert_int_equal(st.accepted, 1);
    nt_ctl_server_close(grp);
}

/* A client that asks and never reads: its replies pile up to max_out and
 * then it is closed; the server goes on serving others. */
static void test_slow_client(void **state)
{
    fx *x = *state;
    nt_ctl_client *slow = NULL, *ok = NULL;
    nt_ctl_stats st;
    int one = 4096;

    assert_int_equal(nt_ctl_connect(&slow, x->path), NT_OK);
    assert_int_equal(setsockopt(nt_ctl_client_fd(slow), SOL_SOCKET, SO_RCVBUF, &one, sizeof one),
                     0);
    pump(x, 10);
    x->flood = 1024; /* 8 MiB of answers, over the 4 MiB default */
    assert_int_equal(nt_ctl_send(slow, "{}", 2), NT_OK);
    pump(x, 50);
    nt_ctl_server_stats(x->s, &st);
    assert_int_equal(st.slow_closed, 1);
    assert_int_equal(x->closes, 1);
    x->flood = 0;
    assert_int_equal(nt_ctl_connect(&ok, x->path), NT_OK);
    pump(x, 10);
    assert_int_equal(nt_ctl_send(ok, "1", 1), NT_OK);
    recv_echo(x, ok, "{\"echo\":1}");
    nt_ctl_client_close(ok);
    nt_ctl_client_close(slow);
}

/* No agent: a missing path or a stale socket is NT_ERR_CTL_NO_AGENT. */
static void test_no_agent(void **state)
{
    fx *x = *state;
    nt_ctl_client *c = NULL;
    char path[160];
    snprintf(path, sizeof path, "%s/none", x->dir);
    assert_int_equal(nt_ctl_connect(&c, path), NT_ERR_CTL_NO_AGENT);
    assert_null(c);
    nt_ctl_server_close(x->s); /* removes its file */
    x->s = NULL;
    assert_int_equal(nt_ctl_connect(&c, x->path), NT_ERR_CTL_NO_AGENT);
}

/* The frame reader on one stream cut at every possible place. */
static void test_reader_splits(void **state)
{
    static const uint8_t stream[] = {0, 0, 0, 2, '{', '}', 0, 0, 0, 3, '[', '1', ']',
                                     0, 0, 0, 1, '7'};
    static const char *const want[] = {"{}", "[1]", "7"};
    (void)state;
    for (size_t cut = 0; cut <= sizeof stream; cut++) {
        nt_ctl_reader r;
        size_t pos = 0, k = 0;
        assert_int_equal(nt_ctl_reader_init(&r), NT_OK);
        while (pos < sizeof stream) {
            size_t end = pos < cut ? cut : sizeof stream, used;
            const char *frame;
            size_t flen;
            assert_int_equal(nt_ctl_reader_feed(&r, stream + pos, end - pos, &used, &frame, &flen),
                             NT_OK);
            pos += used;
            if (frame != NULL) {
                assert_true(k < 3);
                assert_string_equal(frame, want[k]);
                assert_int_equal(flen, strlen(want[k]));
                k++;
            }
        }
        assert_int_equal(k, 3);
        nt_ctl_reader_cleanup(&r);
    }
}

/* The reader's body grows to the frame announced (it starts small): a
 * small frame, the largest, then a small one again, each fed in pieces
 * that end inside the header and inside the body. */
static void test_reader_grows(void **state)
{
    static const size_t sizes[] = {3, NT_CTL_MAX_FRAME, 5000, 1};
    nt_ctl_reader r;
    uint8_t *buf = malloc(NT_CTL_MAX_FRAME + 4);
    (void)state;
    assert_non_null(buf);
    assert_int_equal(nt_ctl_reader_init(&r), NT_OK);
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k], pos = 0, total = n + 4, used, flen = 0;
        const char *frame = NULL;
        buf[0] = (uint8_t)(n >> 24);
        buf[1] = (uint8_t)(n >> 16);
        buf[2] = (uint8_t)(n >> 8);
        buf[3] = (uint8_t)n;
        for (size_t i = 0; i < n; i++)
            buf[4 + i] = (uint8_t)('a' + (i + k) % 26);
        while (pos < total) {
            size_t step = pos == 0 ? 2 : (total - pos + 1) / 2;
            assert_null(frame);
            assert_int_equal(nt_ctl_reader_feed(&r, buf + pos, step, &used, &frame, &flen), NT_OK);
            pos += used;
        }
        assert_non_null(frame);
        assert_int_equal(flen, n);
        assert_memory_equal(frame, buf + 4, n);
        assert_int_equal(frame[n], '\0');
    }
    nt_ctl_reader_cleanup(&r);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_frame_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_socket_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_peer_credentials, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slow_client, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_agent, setup, teardown),
        cmocka_unit_test(test_reader_splits),
        cmocka_unit_test(test_reader_grows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
