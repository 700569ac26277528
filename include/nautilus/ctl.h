/*
 * nautilus/ctl.h - the agent's local control socket (DESIGN §8.3).
 *
 * A UNIX stream socket on which local programs (the `nautilus` commands)
 * ask a running agent to publish, browse, resolve, verify. Messages are
 * frames: a 4-byte big-endian length N (1 .. NT_CTL_MAX_FRAME) and N bytes
 * of JSON text. What the JSON says is the agent's business; this module
 * only makes the socket, checks who connects, and moves frames.
 *
 * Who may connect: the socket file is created with mode 0660 (owner and
 * group; cfg.mode) while the process umask forbids anything wider, so no
 * other user can reach it through the file system; and the peer's
 * credentials (SO_PEERCRED) are checked again on accept: root, the agent's
 * own user, or a member of cfg.group. Anyone else is closed at once and
 * counted.
 *
 * The server never blocks the agent: sockets are non-blocking; a frame
 * over the limit or a zero length closes the connection (counted, after an
 * error frame); replies that the peer does not read are kept up to
 * cfg.max_out bytes per connection and sent as it drains, and a peer that
 * lets more pile up is closed (counted as slow).
 *
 * The server is driven by the caller's event loop: it reports the file
 * descriptors to watch through cfg.watch, and the caller hands readable
 * ones back with nt_ctl_server_ready(); nt_ctl_server_flush() retries
 * pending output (call it from a timer, every 100 ms or so).
 */
#ifndef NAUTILUS_CTL_H
#define NAUTILUS_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "nautilus/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NT_CTL_MAX_FRAME (64u * 1024u)
#define NT_CTL_DEFAULT_MAX_CONNS 64u
#define NT_CTL_DEFAULT_MAX_OUT (4u * 1024u * 1024u)

/* ---- frames -------------------------------------------------------------- */

/* Reassembles frames from a byte stream. */
typedef struct nt_ctl_reader {
    uint8_t head[4];
    size_t head_got;
    uint8_t *body;   /* cap bytes, owned: grown to the largest frame + 1 */
    size_t cap;
    size_t need;     /* body length, 0 while reading the header */
    size_t got;
} nt_ctl_reader;

NT_API NT_WUR nt_status nt_ctl_reader_init(nt_ctl_reader *r);
NT_API void nt_ctl_reader_cleanup(nt_ctl_reader *r);

/* Consumes bytes from in[0..len) until one frame is complete or the input
 * ends; *used is what was consumed. On a complete frame *frame points at
 * its body (NUL-terminated, valid until the next call) and *frame_len is
 * its length; otherwise *frame is NULL. NT_ERR_CTL_FRAME for a length of 0
 * or above NT_CTL_MAX_FRAME (the stream cannot be resynchronised);
 * NT_ERR_NOMEM if the body could not grow to the length announced. */
NT_API NT_WUR nt_status nt_ctl_reader_feed(nt_ctl_reader *r, const uint8_t *in, size_t len,
                                           size_t *used, const char **frame, size_t *frame_len);

/* ---- server -------------------------------------------------------------- */

typedef struct nt_ctl_server nt_ctl_server;
typedef struct nt_ctl_conn nt_ctl_conn;

typedef struct nt_ctl_peer {
    pid_t pid;
    uid_t uid;
    gid_t gid;
} nt_ctl_peer;

/* One complete frame from c (json[0..len), NUL-terminated). The handler
 * answers with nt_ctl_reply, now or later, as often as its protocol says. */
typedef void (*nt_ctl_request_fn)(void *ctx, nt_ctl_conn *c, const char *json, size_t len);
/* c is going away (peer closed, error, nt_ctl_conn_close, server close):
 * the last moment to use its data. */
typedef void (*nt_ctl_close_fn)(void *ctx, nt_ctl_conn *c);
/* Start (on true) or stop watching fd for input; on input call
 * nt_ctl_server_ready(server, fd). */
typedef nt_status (*nt_ctl_watch_fn)(void *ctx, int fd, bool on);

typedef struct nt_ctl_server_config {
    const char *path;           /* socket path (its directory must exist) */
    mode_t mode;                /* 0: 0660 */
    uid_t owner;                /* (uid_t)-1: leave as created */
    gid_t group;                /* (gid_t)-1: none; else the file's group and allowed peers */
    size_t max_conns;           /* 0: NT_CTL_DEFAULT_MAX_CONNS */
    size_t max_out;             /* 0: NT_CTL_DEFAULT_MAX_OUT */
    nt_ctl_request_fn on_request;
    nt_ctl_close_fn on_close;   /* may be NULL */
    void *ctx;
    nt_ctl_watch_fn watch;
    void *watch_ctx;
} nt_ctl_server_config;

typedef struct nt_ctl_stats {
    uint64_t accepted;
    uint64_t refused_peer;  /* credentials not allowed */
    uint64_t refused_full;  /* max_conns reached */
    uint64_t bad_frames;    /* zero or oversized length */
    uint64_t slow_closed;   /* more than max_out unsent */
    uint64_t requests;
} nt_ctl_stats;

/* Creates and listens on cfg->path. An existing socket nobody listens on
 * (a crashed agent's) is replaced; NT_ERR_EXISTS if an agent answers there
 * or the path is something else than a socket; NT_ERR_IO, NT_ERR_PERM. */
NT_API NT_WUR nt_status nt_ctl_server_open(nt_ctl_server **out, const nt_ctl_server_config *cfg);

/* Closes every connection (on_close for each), stops watching, removes
 * the socket file. NULL is allowed. */
NT_API void nt_ctl_server_close(nt_ctl_server *s);

/* fd (one the server asked to watch) is readable. */
NT_API void nt_ctl_server_ready(nt_ctl_server *s, int fd);

/* Sends what is pending to every connection that can take it. */
NT_API void nt_ctl_server_flush(nt_ctl_server *s);

NT_API void nt_ctl_server_stats(const nt_ctl_server *s, nt_ctl_stats *out);

/* Queues one frame of json[0..len) to c (sent as the peer reads).
 * NT_ERR_INVALID_ARG for len 0 or over NT_CTL_MAX_FRAME; NT_ERR_CTL_CLOSED
 * if c was closed (the frame is dropped); c is closed when more than
 * max_out would be pending. */
NT_API NT_WUR nt_status nt_ctl_reply(nt_ctl_conn *c, const char *json, size_t len);

/* Closes c once its pending output is sent (or at once with now). */
NT_API void nt_ctl_conn_close(nt_ctl_conn *c, bool now);

NT_API const nt_ctl_peer *nt_ctl_conn_peer(const nt_ctl_conn *c);
NT_API void nt_ctl_conn_set_data(nt_ctl_conn *c, void *data);
NT_API void *nt_ctl_conn_data(const nt_ctl_conn *c);

/* ---- client -------------------------------------------------------------- */

typedef struct nt_ctl_client nt_ctl_client;

/* Connects to the agent at path. NT_ERR_CTL_NO_AGENT when nobody listens
 * there (no file, or a stale one): the caller then works in-process. */
NT_API NT_WUR nt_status nt_ctl_connect(nt_ctl_client **out, const char *path);
NT_API void nt_ctl_client_close(nt_ctl_client *c);

/* Sends one frame (blocking). */
NT_API NT_WUR nt_status nt_ctl_send(nt_ctl_client *c, const char *json, size_t len);

/* Waits up to timeout_ms (-1: no limit) for one frame; *json (NUL-
 * terminated, valid until the next call) and *len. NT_ERR_TIMEOUT,
 * NT_ERR_CTL_CLOSED when the agent closed the connection, NT_ERR_CTL_FRAME. */
NT_API NT_WUR nt_status nt_ctl_recv(nt_ctl_client *c, const char **json, size_t *len,
                                    int timeout_ms);

/* The connection's descriptor (readable when a frame or the close comes). */
NT_API int nt_ctl_client_fd(const nt_ctl_client *c);

#ifdef __cplusplus
}
#endif
#endif
