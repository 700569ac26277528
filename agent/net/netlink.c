/* rtnetlink notifications (rtnetlink(7), netlink(7)): links and addresses
 * coming and going, so the runner rescans the interfaces at once instead of
 * waiting for its poll. The kernel is the only sender we accept, but its
 * messages are still bytes read from a socket: they are parsed with nt_buf,
 * every length checked against what is left, as any other input is
 * (STYLE rules 1-3). Netlink fields are in host byte order. */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nautilus/buf.h"
#include "nautilus/mem.h"
#include "nautilus/net.h"
#include "net_private.h"

/* Wire sizes from <linux/netlink.h> and <linux/rtnetlink.h>; fixed by the
 * kernel ABI. */
enum {
    NL_HDR_LEN = 16,  /* struct nlmsghdr */
    NL_ALIGN = 4,     /* NLMSG_ALIGNTO, RTA_ALIGNTO */
    IFINFO_LEN = 16,  /* struct ifinfomsg */
    IFADDR_LEN = 8,   /* struct ifaddrmsg */
    RTA_HDR_LEN = 4,  /* struct rtattr */
};
_Static_assert(sizeof(struct nlmsghdr) == NL_HDR_LEN, "nlmsghdr");
_Static_assert(sizeof(struct ifinfomsg) == IFINFO_LEN, "ifinfomsg");
_Static_assert(sizeof(struct ifaddrmsg) == IFADDR_LEN, "ifaddrmsg");
_Static_assert(sizeof(struct rtattr) == RTA_HDR_LEN, "rtattr");

struct nt_net_nl {
    int fd;
    uint8_t *buf; /* NT_NET_NL_BUF_SIZE bytes */
};

/* ---- parsing ------------------------------------------------------------ */

static NT_WUR nt_status get_h16(nt_buf *b, uint16_t *out)
{
    uint8_t raw[2];
    nt_status st = nt_buf_get_bytes(b, raw, sizeof raw);
    if (st == NT_OK)
        memcpy(out, raw, sizeof raw);
    return st;
}

static NT_WUR nt_status get_h32(nt_buf *b, uint32_t *out)
{
    uint8_t raw[4];
    nt_status st = nt_buf_get_bytes(b, raw, sizeof raw);
    if (st == NT_OK)
        memcpy(out, raw, sizeof raw);
    return st;
}

/* Skips the padding after a part of used bytes. The last part of a
 * datagram or message may come without it (NLMSG_NEXT and RTA_NEXT allow
 * that), so at most what is left is skipped. */
static NT_WUR nt_status skip_pad(nt_buf *b, size_t used)
{
    size_t pad = (NL_ALIGN - used % NL_ALIGN) % NL_ALIGN;
    if (pad > nt_buf_left(b))
        pad = nt_buf_left(b);
    return nt_buf_skip(b, pad);
}

/* ifi_index and ifa_index: a kernel int, never 0 for a real interface. */
static NT_WUR nt_status get_ifindex(nt_buf *b, uint32_t *out)
{
    nt_status st = get_h32(b, out);
    if (st == NT_OK && (*out == 0 || *out > 0x7fffffffu))
        st = NT_ERR_RANGE;
    return st;
}

/* An IFA_LOCAL or IFA_ADDRESS payload: exactly the family's address. */
static NT_WUR nt_status take_addr(nt_net_nl_change *c, nt_buf *a)
{
    uint8_t raw[16];
    size_t n = c->addr.addr.family == NT_NET_IPV4 ? 4 : 16;
    nt_status st = nt_buf_get_bytes(a, raw, n);
    if (st == NT_OK)
        st = nt_buf_expect_end(a);
    if (st != NT_OK)
        return st;
    memcpy(c->addr.addr.bytes, raw, n);
    /* As getifaddrs reports them (iface.c): a link-local address is only
     * meaningful with its interface. Set either way: an earlier attribute
     * of the message may have left a scope behind. */
    c->addr.addr.scope =
        n == 16 && nt_net_addr_is_link_local(&c->addr.addr) ? c->ifindex : 0;
    c->has_addr = true;
    return NT_OK;
}

/* Walks the attributes filling the rest of a message window (struct
 * rtattr, 4-byte aligned). For an address, IFA_LOCAL is the local address
 * and wins over IFA_ADDRESS, which is the peer on point-to-point links. */
static NT_WUR nt_status walk_attrs(nt_net_nl_change *c, nt_buf *w)
{
    bool have_local = false;
    while (nt_buf_left(w) > 0) {
        uint16_t alen = 0, atype = 0;
        nt_buf a;
        nt_status st = get_h16(w, &alen);
        if (st == NT_OK)
            st = get_h16(w, &atype);
        if (st == NT_OK && alen < RTA_HDR_LEN)
            st = NT_ERR_RANGE;
        if (st == NT_OK)
            st = nt_buf_sub(w, &a, (size_t)alen - RTA_HDR_LEN);
        if (st == NT_OK)
            st = skip_pad(w, alen);
        if (st != NT_OK)
            return st;
        atype = (uint16_t)(atype & (unsigned)NLA_TYPE_MASK);
        if (c->what != NT_NET_NL_ADDR || (atype != IFA_LOCAL && atype != IFA_ADDRESS))
            continue;
        if (atype == IFA_ADDRESS && have_local)
            continue;
        st = take_addr(c, &a);
        if (st != NT_OK)
            return st;
        have_local = have_local || atype == IFA_LOCAL;
    }
    return NT_OK;
}

/* struct ifinfomsg: family, pad, type, index, flags, change. */
static NT_WUR nt_status parse_link(nt_net_nl_change *c, nt_buf *w)
{
    nt_status st = nt_buf_skip(w, 4);
    if (st == NT_OK)
        st = get_ifindex(w, &c->ifindex);
    if (st == NT_OK)
        st = nt_buf_skip(w, 8);
    return st == NT_OK ? walk_attrs(c, w) : st;
}

/* struct ifaddrmsg: family, prefixlen, flags, scope, index. */
static NT_WUR nt_status parse_addr(nt_net_nl_change *c, nt_buf *w)
{
    uint8_t family = 0, plen = 0;
    nt_status st = nt_buf_get_u8(w, &family);
    if (st == NT_OK)
        st = nt_buf_get_u8(w, &plen);
    if (st == NT_OK)
        st = nt_buf_skip(w, 2);
    if (st == NT_OK)
        st = get_ifindex(w, &c->ifindex);
    if (st != NT_OK)
        return st;
    /* Only the two groups we subscribe to (RTMGRP_IPV4/6_IFADDR). */
    if (family == AF_INET)
        c->addr.addr.family = NT_NET_IPV4;
    else if (family == AF_INET6)
        c->addr.addr.family = NT_NET_IPV6;
    else
        return NT_ERR_UNSUPPORTED;
    if (plen > (family == AF_INET ? 32 : 128))
        return NT_ERR_RANGE;
    c->addr.len = plen;
    return walk_attrs(c, w);
}

/* One message body (the window after its nlmsghdr). */
static NT_WUR nt_status parse_msg(nt_net_nl_batch *out, uint16_t type, nt_buf *w)
{
    nt_net_nl_change c;
    nt_status st;

    memset(&c, 0, sizeof c);
    switch (type) {
    case RTM_NEWLINK:
    case RTM_DELLINK:
        c.what = NT_NET_NL_LINK;
        st = parse_link(&c, w);
        break;
    case RTM_NEWADDR:
    case RTM_DELADDR:
        c.what = NT_NET_NL_ADDR;
        st = parse_addr(&c, w);
        break;
    default:
        /* We send no requests, so NLMSG_ERROR and NLMSG_DONE are not
         * answers to anything; other RTM_* are groups we did not join. */
        return NT_ERR_UNSUPPORTED;
    }
    if (st != NT_OK)
        return st;
    if (out->n == NT_NET_NL_CHANGES_MAX)
        return NT_ERR_CAP;
    c.removed = type == RTM_DELLINK || type == RTM_DELADDR;
    out->changes[out->n++] = c;
    return NT_OK;
}

nt_status nt_net_nl_parse(nt_net_nl_batch *out, const uint8_t *data, size_t len)
{
    nt_buf b;
    nt_status st = NT_OK;

    if (!out || (!data && len > 0))
        return NT_ERR_INVALID_ARG;
    out->n = 0;
    out->lost = false;
    if (len == 0)
        return NT_ERR_SHORT;
    nt_buf_init(&b, data, len);
    while (st == NT_OK && nt_buf_left(&b) > 0) {
        uint32_t mlen = 0;
        uint16_t type = 0;
        nt_buf w;
        /* nlmsghdr: len, type, flags, seq, pid (the requester's port id,
         * not the sender: notifications carry the `ip` command's). */
        st = get_h32(&b, &mlen);
        if (st == NT_OK)
            st = get_h16(&b, &type);
        if (st == NT_OK)
            st = nt_buf_skip(&b, 10);
        if (st == NT_OK && mlen < NL_HDR_LEN)
            st = NT_ERR_RANGE;
        if (st == NT_OK)
            st = nt_buf_sub(&b, &w, (size_t)mlen - NL_HDR_LEN);
        if (st == NT_OK)
            st = parse_msg(out, type, &w);
        if (st == NT_OK)
            st = skip_pad(&b, mlen);
    }
    if (st != NT_OK)
        out->n = 0; /* limits reject, never truncate (STYLE rule 7) */
    return st;
}

/* ---- the socket --------------------------------------------------------- */

nt_status nt_net_nl_open(nt_net_nl **out)
{
    struct sockaddr_nl sa;
    nt_net_nl *nl;
    nt_status st;

    if (!out)
        return NT_ERR_INVALID_ARG;
    *out = NULL;
    nl = nt_calloc(1, sizeof *nl);
    if (!nl)
        return NT_ERR_NOMEM;
    nl->buf = nt_malloc(NT_NET_NL_BUF_SIZE);
    nl->fd = -1;
    if (!nl->buf) {
        st = NT_ERR_NOMEM;
        goto fail;
    }
    nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (nl->fd < 0) {
        nt_net_remember_errno(errno);
        st = nt_net_status_from_errno(errno, NT_ERR_NET_SOCKET);
        goto fail;
    }
    memset(&sa, 0, sizeof sa);
    sa.nl_family = AF_NETLINK;
    sa.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
    if (bind(nl->fd, (const struct sockaddr *)(const void *)&sa, sizeof sa) != 0) {
        nt_net_remember_errno(errno);
        st = errno == EPERM || errno == EACCES ? NT_ERR_PERM : NT_ERR_NET_BIND;
        goto fail;
    }
    *out = nl;
    return NT_OK;
fail:
    nt_net_nl_close(nl);
    return st;
}

void nt_net_nl_close(nt_net_nl *nl)
{
    if (!nl)
        return;
    if (nl->fd >= 0)
        close(nl->fd);
    nt_free(nl->buf);
    nt_free(nl);
}

int nt_net_nl_fd(const nt_net_nl *nl) { return nl ? nl->fd : -1; }

nt_status nt_net_nl_read(nt_net_nl *nl, nt_net_nl_batch *out)
{
    struct sockaddr_nl sa;
    struct iovec iov;
    struct msghdr mh;
    ssize_t n;

    if (!nl || !out)
        return NT_ERR_INVALID_ARG;
    out->n = 0;
    out->lost = false;
    iov.iov_base = nl->buf;
    iov.iov_len = NT_NET_NL_BUF_SIZE;
    memset(&mh, 0, sizeof mh);
    memset(&sa, 0, sizeof sa);
    mh.msg_name = &sa;
    mh.msg_namelen = sizeof sa;
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    do
        n = recvmsg(nl->fd, &mh, 0);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        /* netlink(7): ENOBUFS means the kernel dropped notifications for
         * us; the socket stays usable but we no longer know the state. */
        if (errno == ENOBUFS) {
            out->lost = true;
            return NT_OK;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return NT_ERR_NET_WOULDBLOCK;
        nt_net_remember_errno(errno);
        return NT_ERR_NET_RECV;
    }
    if (mh.msg_flags & MSG_TRUNC)
        return NT_ERR_NET_TRUNCATED;
    /* Port id 0 is the kernel; any other sender is a process that has
     * CAP_NET_ADMIN pretending to be it. */
    if (mh.msg_namelen != sizeof sa || sa.nl_family != AF_NETLINK || sa.nl_pid != 0)
        return NT_ERR_PERM;
    return nt_net_nl_parse(out, nl->buf, (size_t)n);
}
