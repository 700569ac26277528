/* Multicast DNS sockets: one UDP socket per family on port 5353, joined on
 * each interface, with the arrival interface and TTL reported per packet. */
#define _GNU_SOURCE /* struct in6_pktinfo (RFC 3542) */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "nautilus/log.h"
#include "nautilus/net.h"
#include "net_private.h"

static nt_status sock_fail(nt_net_sock *s, nt_status fallback)
{
    int err = errno;
    nt_net_remember_errno(err);
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
    return nt_net_status_from_errno(err, fallback);
}

static int set_int(int fd, int level, int opt, int v)
{
    return setsockopt(fd, level, opt, &v, (socklen_t)sizeof v);
}

/* Receive buffer asked for: room for a burst of full-size mDNS packets
 * while the loop is busy, so a flood on the link drops in our per-source
 * limiter rather than in the kernel where real packets die with it. */
#define RCVBUF_BYTES (512 * 1024)

nt_status nt_net_sock_open(nt_net_sock *s, uint8_t family, uint16_t port)
{
    struct sockaddr_storage ss;
    nt_net_addr any;
    socklen_t slen;
    int fd;

    if (!s || (family != NT_NET_IPV4 && family != NT_NET_IPV6))
        return NT_ERR_INVALID_ARG;
    s->fd = -1;
    s->family = family;
    fd = socket(family == NT_NET_IPV4 ? AF_INET : AF_INET6,
                SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
    if (fd < 0)
        return sock_fail(s, NT_ERR_NET_SOCKET);
    s->fd = fd;
    /* Avahi or python-zeroconf may hold 5353 on the same host: share it. */
    if (set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1) != 0 ||
        set_int(fd, SOL_SOCKET, SO_REUSEPORT, 1) != 0)
        return sock_fail(s, NT_ERR_NET_SOCKET);
    /* Best effort: the kernel caps it at net.core.rmem_max. */
    (void)set_int(fd, SOL_SOCKET, SO_RCVBUF, RCVBUF_BYTES);
    if (family == NT_NET_IPV4) {
        /* Only the groups this socket joined, on the interfaces it joined
         * them on, not every membership of every process on the host.
         * Best effort: older kernels lack it and we filter by interface. */
        (void)set_int(fd, IPPROTO_IP, IP_MULTICAST_ALL, 0);
        /* RFC 6762 §11: send with TTL 255 so receivers can check it. Loop
         * on, so two agents on one host see each other; the engine
         * recognises its own packets. */
        if (set_int(fd, IPPROTO_IP, IP_MULTICAST_TTL, 255) != 0 ||
            set_int(fd, IPPROTO_IP, IP_TTL, 255) != 0 ||
            set_int(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 1) != 0 ||
            set_int(fd, IPPROTO_IP, IP_PKTINFO, 1) != 0 ||
            set_int(fd, IPPROTO_IP, IP_RECVTTL, 1) != 0)
            return sock_fail(s, NT_ERR_NET_SOCKET);
    } else {
        /* One socket per family keeps address handling simple: no
         * v4-mapped addresses on the IPv6 socket. */
#ifdef IPV6_MULTICAST_ALL
        (void)set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_ALL, 0);
#endif
        if (set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1) != 0 ||
            set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 255) != 0 ||
            set_int(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 255) != 0 ||
            set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 1) != 0 ||
            set_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1) != 0 ||
            set_int(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1) != 0)
            return sock_fail(s, NT_ERR_NET_SOCKET);
    }
    memset(&any, 0, sizeof any);
    any.family = family;
    slen = nt_net_addr_to_sockaddr(&ss, &any, port);
    if (bind(fd, (struct sockaddr *)&ss, slen) != 0)
        return sock_fail(s, NT_ERR_NET_BIND);
    return NT_OK;
}

void nt_net_sock_close(nt_net_sock *s)
{
    if (s && s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
}

uint16_t nt_net_sock_port(const nt_net_sock *s)
{
    struct sockaddr_storage ss;
    socklen_t len = (socklen_t)sizeof ss;
    nt_net_addr a;
    uint16_t port;
    if (getsockname(s->fd, (struct sockaddr *)&ss, &len) != 0)
        return 0;
    nt_net_addr_from_sockaddr(&a, &port, (struct sockaddr *)&ss);
    return port;
}

nt_status nt_net_sock_join(nt_net_sock *s, const nt_net_iface *ifc)
{
    nt_net_addr group;
    int rc;

    if (!s || s->fd < 0 || !ifc)
        return NT_ERR_INVALID_ARG;
    nt_net_addr_mdns_group(&group, s->family);
    if (s->family == NT_NET_IPV4) {
        struct ip_mreqn mr;
        memset(&mr, 0, sizeof mr);
        memcpy(&mr.imr_multiaddr, group.bytes, 4);
        mr.imr_ifindex = (int)ifc->index;
        rc = setsockopt(s->fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, (socklen_t)sizeof mr);
    } else {
        struct ipv6_mreq mr;
        memset(&mr, 0, sizeof mr);
        memcpy(&mr.ipv6mr_multiaddr, group.bytes, 16);
        mr.ipv6mr_interface = ifc->index;
        rc = setsockopt(s->fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, (socklen_t)sizeof mr);
    }
    if (rc != 0) {
        nt_net_remember_errno(errno);
        /* Rejoining after an interface change is harmless. */
        if (errno == EADDRINUSE)
            return NT_OK;
        return NT_ERR_NET_JOIN;
    }
    return NT_OK;
}

/* Sets the outgoing multicast interface for the next send. */
static int set_mcast_if(const nt_net_sock *s, uint32_t ifindex)
{
    if (s->family == NT_NET_IPV4) {
        struct ip_mreqn mr;
        memset(&mr, 0, sizeof mr);
        mr.imr_ifindex = (int)ifindex;
        return setsockopt(s->fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, (socklen_t)sizeof mr);
    }
    return set_int(s->fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, (int)ifindex);
}

nt_status nt_net_sock_send(nt_net_sock *s, uint32_t ifindex, const nt_net_addr *dst,
                           uint16_t port, const uint8_t *data, size_t len)
{
    struct sockaddr_storage ss;
    union {
        struct cmsghdr align;
        uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
    } ctl;
    struct msghdr msg;
    struct iovec iov;
    struct cmsghdr *cm;
    nt_net_addr to;
    ssize_t n;

    if (!s || s->fd < 0 || !dst || dst->family != s->family || len > NT_NET_PACKET_MAX ||
        (!data && len > 0))
        return NT_ERR_INVALID_ARG;
    to = *dst;
    /* A link-scoped destination needs its zone: the sending interface. */
    if (to.family == NT_NET_IPV6 && to.scope == 0 &&
        (nt_net_addr_is_link_local(&to) || nt_net_addr_is_multicast(&to)))
        to.scope = ifindex;
    if (nt_net_addr_is_multicast(&to) && set_mcast_if(s, ifindex) != 0) {
        nt_net_remember_errno(errno);
        return nt_net_status_from_errno(errno, NT_ERR_NET_SEND);
    }

    memset(&msg, 0, sizeof msg);
    memset(&ctl, 0, sizeof ctl);
    iov.iov_base = (void *)(uintptr_t)data;
    iov.iov_len = len;
    msg.msg_name = &ss;
    msg.msg_namelen = nt_net_addr_to_sockaddr(&ss, &to, port);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = ctl.buf;
    /* Name the interface in the packet info as well, so unicast replies
     * (QU, legacy unicast) leave by the interface the query came in on. */
    if (s->family == NT_NET_IPV4) {
        struct in_pktinfo pi;
        memset(&pi, 0, sizeof pi);
        pi.ipi_ifindex = (int)ifindex;
        msg.msg_controllen = CMSG_SPACE(sizeof pi);
        cm = CMSG_FIRSTHDR(&msg);
        cm->cmsg_level = IPPROTO_IP;
        cm->cmsg_type = IP_PKTINFO;
        cm->cmsg_len = CMSG_LEN(sizeof pi);
        memcpy(CMSG_DATA(cm), &pi, sizeof pi);
    } else {
        struct in6_pktinfo pi;
        memset(&pi, 0, sizeof pi);
        pi.ipi6_ifindex = ifindex;
        msg.msg_controllen = CMSG_SPACE(sizeof pi);
        cm = CMSG_FIRSTHDR(&msg);
        cm->cmsg_level = IPPROTO_IPV6;
        cm->cmsg_type = IPV6_PKTINFO;
        cm->cmsg_len = CMSG_LEN(sizeof pi);
        memcpy(CMSG_DATA(cm), &pi, sizeof pi);
    }
    do {
        n = sendmsg(s->fd, &msg, 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        nt_net_remember_errno(errno);
        return nt_net_status_from_errno(errno, NT_ERR_NET_SEND);
    }
    if ((size_t)n != len)
        return NT_ERR_NET_SEND;
    return NT_OK;
}

nt_status nt_net_sock_recv(nt_net_sock *s, uint8_t *buf, size_t cap, size_t *out_len,
                           nt_net_pktinfo *info)
{
    struct sockaddr_storage ss;
    union {
        struct cmsghdr align;
        uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int)) + 64];
    } ctl;
    struct msghdr msg;
    struct iovec iov;
    struct cmsghdr *cm;
    ssize_t n;

    if (!s || s->fd < 0 || !buf || !out_len || !info)
        return NT_ERR_INVALID_ARG;
    memset(&msg, 0, sizeof msg);
    memset(info, 0, sizeof *info);
    info->ttl = -1;
    iov.iov_base = buf;
    iov.iov_len = cap;
    msg.msg_name = &ss;
    msg.msg_namelen = (socklen_t)sizeof ss;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = ctl.buf;
    msg.msg_controllen = sizeof ctl.buf;
    do {
        n = recvmsg(s->fd, &msg, 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        nt_net_remember_errno(errno);
        return nt_net_status_from_errno(errno, NT_ERR_NET_RECV);
    }
    if (msg.msg_flags & MSG_TRUNC)
        return NT_ERR_NET_TRUNCATED;
    nt_net_addr_from_sockaddr(&info->src, &info->src_port, (struct sockaddr *)&ss);
    if (info->src.family != s->family)
        return NT_ERR_NET_RECV;

    for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
        if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO &&
            cm->cmsg_len >= CMSG_LEN(sizeof(struct in_pktinfo))) {
            struct in_pktinfo pi;
            memcpy(&pi, CMSG_DATA(cm), sizeof pi);
            info->ifindex = (uint32_t)pi.ipi_ifindex;
            nt_net_addr_set_ipv4(&info->dst, (const uint8_t *)&pi.ipi_addr);
        } else if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_TTL &&
                   cm->cmsg_len >= CMSG_LEN(sizeof(int))) {
            int v;
            memcpy(&v, CMSG_DATA(cm), sizeof v);
            info->ttl = v;
        } else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO &&
                   cm->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
            struct in6_pktinfo pi;
            memcpy(&pi, CMSG_DATA(cm), sizeof pi);
            info->ifindex = pi.ipi6_ifindex;
            nt_net_addr_set_ipv6(&info->dst, (const uint8_t *)&pi.ipi6_addr, 0);
        } else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_HOPLIMIT &&
                   cm->cmsg_len >= CMSG_LEN(sizeof(int))) {
            int v;
            memcpy(&v, CMSG_DATA(cm), sizeof v);
            info->ttl = v;
        }
    }
    info->multicast = nt_net_addr_is_multicast(&info->dst);
    /* A link-local source is only meaningful with its arrival interface. */
    if (info->src.family == NT_NET_IPV6 && nt_net_addr_is_link_local(&info->src))
        info->src.scope = info->ifindex;
    *out_len = (size_t)n;
    return NT_OK;
}
