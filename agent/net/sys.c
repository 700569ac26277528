/* Clock, randomness and errno translation for the network layer. */
#include <errno.h>
#include <sys/random.h>
#include <time.h>

#include "nautilus/net.h"
#include "net_private.h"

static int last_errno;

void nt_net_remember_errno(int err) { last_errno = err; }

int nt_net_last_errno(void) { return last_errno; }

uint64_t nt_net_now_ms(void)
{
    struct timespec ts;
    /* CLOCK_MONOTONIC cannot fail on Linux with a valid pointer; mDNS timing
     * (RFC 6762 §5.2, §8) must not jump when the wall clock is set. */
    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t nt_net_wall_s(void)
{
    struct timespec ts;
    (void)clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec < 0 ? 0 : (uint64_t)ts.tv_sec;
}

nt_status nt_net_random(uint8_t *out, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = getrandom(out + done, len - done, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            nt_net_remember_errno(errno);
            return NT_ERR_NET_RANDOM;
        }
        done += (size_t)n;
    }
    return NT_OK;
}

nt_status nt_net_status_from_errno(int err, nt_status fallback)
{
    switch (err) {
    case 0:
        return NT_OK;
    case ENOMEM:
    case ENOBUFS:
        return NT_ERR_NOMEM;
    case EPERM:
    case EACCES:
        return NT_ERR_PERM;
    case EAGAIN:
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
#endif
        return NT_ERR_NET_WOULDBLOCK;
    case ENETUNREACH:
    case EHOSTUNREACH:
    case EADDRNOTAVAIL:
    case ENETDOWN:
        return NT_ERR_NET_UNREACHABLE;
    case EAFNOSUPPORT:
    case EPROTONOSUPPORT:
        return NT_ERR_NET_AF_UNSUPPORTED;
    case ENODEV:
    case ENXIO:
        return NT_ERR_NET_NO_IFACE;
    case EADDRINUSE:
        return NT_ERR_NET_BIND;
    case EMSGSIZE:
        return NT_ERR_INVALID_ARG;
    default:
        return fallback;
    }
}
