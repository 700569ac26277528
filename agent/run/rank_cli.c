/* The learned ranking as the commands use it (rank_cli.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "nautilus/crypto.h"
#include "nautilus/mem.h"
#include "rank_cli.h"
#include "svc_format.h"

uint64_t nt_rank_clock_ms(void)
{
    struct timespec ts;
    (void)clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

nt_status nt_rank_key(char out[NT_RANK_NAME_MAX], const char *instance, const char *type,
                      const char *domain)
{
    nt_dynbuf d;
    nt_status st;
    nt_dynbuf_init(&d, NT_RANK_NAME_MAX);
    st = nt_svc_full_name(&d, instance, type, domain && domain[0] ? domain : "local");
    if (st == NT_OK && d.len + 1 > NT_RANK_NAME_MAX)
        st = NT_ERR_NOSPACE;
    if (st == NT_OK)
        memcpy(out, nt_dynbuf_str(&d), d.len + 1);
    nt_dynbuf_cleanup(&d);
    return st;
}

static void path_of(char *out, size_t cap, const char *dir, const char *file)
{
    snprintf(out, cap, "%s/%s", dir, file);
}

/* Reads the state file (no symlink, a regular file, capped). NT_ERR_NOT_FOUND
 * if there is none. */
static nt_status read_state(const char *path, uint8_t **out, size_t *len)
{
    struct stat sb;
    uint8_t *buf;
    size_t got = 0;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    *out = NULL;
    if (fd < 0)
        return errno == ENOENT ? NT_ERR_NOT_FOUND : NT_ERR_IO;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size < 0 ||
        (uint64_t)sb.st_size > NT_RANK_STATE_BYTES_MAX) {
        close(fd);
        return NT_ERR_RANK_STATE_FORMAT;
    }
    buf = nt_malloc((size_t)sb.st_size + 1);
    if (!buf) {
        close(fd);
        return NT_ERR_NOMEM;
    }
    while (got < (size_t)sb.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)sb.st_size - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    *out = buf;
    *len = got;
    return NT_OK;
}

nt_status nt_rank_store_open(nt_rank_store *s, const char *dir, bool create, uint64_t seed,
                             char *why, size_t why_cap)
{
    nt_rank_config cfg;
    char path[4200];
    uint8_t *img = NULL;
    size_t len = 0;
    struct stat sb;
    nt_status st;

    memset(s, 0, sizeof *s);
    s->lock_fd = -1;
    nt_rank_config_init(&cfg);
    cfg.seed = seed;
    if ((st = nt_rank_create(&s->rank, &cfg)) != NT_OK) {
        snprintf(why, why_cap, "%s", nt_strerror(st));
        return st;
    }
    if (dir)
        snprintf(s->dir, sizeof s->dir, "%s", dir);
    else if (nt_state_dir_default(s->dir, sizeof s->dir) != NT_OK)
        return NT_OK; /* no state directory: rank by the prior alone */
    if (stat(s->dir, &sb) != 0) {
        if (!create)
            return NT_OK;
        if (mkdir(s->dir, 0700) != 0) {
            snprintf(why, why_cap, "cannot create %s: %s", s->dir, strerror(errno));
            return NT_ERR_IO;
        }
    }
    path_of(path, sizeof path, s->dir, NT_RANK_LOCK_FILE);
    s->lock_fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (s->lock_fd < 0 || flock(s->lock_fd, LOCK_EX) != 0) {
        snprintf(why, why_cap, "cannot lock %s: %s", path, strerror(errno));
        return NT_ERR_IO;
    }
    path_of(path, sizeof path, s->dir, NT_RANK_STATE_FILE);
    st = read_state(path, &img, &len);
    if (st == NT_ERR_NOT_FOUND)
        return NT_OK;
    if (st == NT_OK)
        st = nt_rank_state_parse(s->rank, img, len);
    nt_free(img);
    if (st != NT_OK)
        snprintf(why, why_cap, "%s: %s", path, nt_strerror(st));
    return st;
}

nt_status nt_rank_store_save(nt_rank_store *s)
{
    char path[4200], tmp[4300];
    uint8_t *img = NULL;
    size_t len = 0, off = 0;
    int fd;
    nt_status st;

    if (s->lock_fd < 0)
        return NT_OK;
    if ((st = nt_rank_state_write(s->rank, &img, &len, nt_rank_clock_ms())) != NT_OK)
        return st;
    path_of(path, sizeof path, s->dir, NT_RANK_STATE_FILE);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    (void)unlink(tmp);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    st = fd < 0 ? NT_ERR_IO : NT_OK;
    while (st == NT_OK && off < len) {
        ssize_t n = write(fd, img + off, len - off);
        if (n <= 0)
            st = NT_ERR_IO;
        else
            off += (size_t)n;
    }
    if (st == NT_OK && fsync(fd) != 0)
        st = NT_ERR_IO;
    if (fd >= 0 && close(fd) != 0)
        st = NT_ERR_IO;
    if (st == NT_OK && rename(tmp, path) != 0)
        st = NT_ERR_IO;
    if (st != NT_OK)
        (void)unlink(tmp);
    nt_free(img);
    return st;
}

void nt_rank_store_close(nt_rank_store *s)
{
    if (!s->rank)
        return; /* never opened (a zeroed store) */
    nt_rank_destroy(s->rank);
    s->rank = NULL;
    if (s->lock_fd >= 0)
        close(s->lock_fd); /* drops the flock */
    s->lock_fd = -1;
}

void nt_rank_probe(const nt_mdns_addr *addr, uint16_t port, int timeout_ms, bool *ok, double *ms)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    struct timespec t0, t1;
    int fd, err = 0;
    socklen_t el = sizeof err;

    memset(&ss, 0, sizeof ss);
    if (addr->family == NT_MDNS_INET4) {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        s4->sin_family = AF_INET;
        s4->sin_port = htons(port);
        memcpy(&s4->sin_addr, addr->bytes, 4);
        sl = sizeof *s4;
    } else {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons(port);
        memcpy(&s6->sin6_addr, addr->bytes, 16);
        s6->sin6_scope_id = addr->scope;
        sl = sizeof *s6;
    }
    *ok = false;
    (void)clock_gettime(CLOCK_MONOTONIC, &t0);
    fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd >= 0) {
        if (connect(fd, (struct sockaddr *)&ss, sl) == 0) {
            *ok = true;
        } else if (errno == EINPROGRESS) {
            struct pollfd p = {fd, POLLOUT, 0};
            if (poll(&p, 1, timeout_ms) == 1 &&
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err == 0)
                *ok = true;
        }
        close(fd);
    }
    (void)clock_gettime(CLOCK_MONOTONIC, &t1);
    *ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
}

nt_status nt_rank_json(nt_dynbuf *d, nt_rank *rank, const char *key, double r_share,
                       uint64_t now_ms)
{
    nt_rank_info info;
    nt_rank_id id;
    if (nt_rank_find(rank, &id, key) != NT_OK) {
        /* No evidence: the prior, from a scratch entry not kept. */
        nt_rank_config cfg;
        nt_rank *tmp = NULL;
        nt_status st;
        nt_rank_config_init(&cfg);
        cfg.cap = 1;
        if ((st = nt_rank_create(&tmp, &cfg)) == NT_OK &&
            (st = nt_rank_intern(tmp, &id, key, now_ms)) == NT_OK)
            st = nt_rank_info_get(tmp, &info, id, r_share, now_ms);
        nt_rank_destroy(tmp);
        if (st != NT_OK)
            return st;
    } else if (nt_rank_info_get(rank, &info, id, r_share, now_ms) != NT_OK) {
        return NT_ERR_NOT_FOUND;
    }
    return nt_dynbuf_addf(d,
                          ",\"score\":{\"cost_ms\":%.1f,\"success\":%.3f,\"latency_ms\":%.1f,"
                          "\"evidence\":%.2f,\"samples\":%.2f}",
                          info.cost_ms, info.success, info.latency_ms, info.evidence,
                          info.samples);
}

int nt_rank_cli_load(nt_rank_store *s, const char *dir)
{
    char why[256] = "";
    nt_status st = nt_rank_store_open(s, dir, false, 0, why, sizeof why);
    if (st != NT_OK) {
        nt_rank_store_close(s);
        return nt_cli_usage_error("ranking state: %s", why[0] ? why : nt_strerror(st));
    }
    if (s->lock_fd >= 0)
        close(s->lock_fd);
    s->lock_fd = -1; /* read only: never saved */
    return NT_EXIT_OK;
}

nt_status nt_rank_cli_event_json(nt_dynbuf *d, nt_rank *rank, const nt_mdns_event *ev)
{
    char key[NT_RANK_NAME_MAX];
    if (!ev->instance[0] || nt_rank_key(key, ev->instance, ev->type, ev->domain) != NT_OK)
        return NT_OK; /* not an instance event: nothing to score */
    return nt_rank_json(d, rank, key, 1.0, nt_rank_clock_ms());
}
