/* Unit tests for the rtnetlink parser (agent/net/netlink.c): well-formed
 * notifications built here as the kernel lays them out, then cut, lying
 * and wrong ones, each refused with its status. Every parse reads from a
 * heap copy of exactly the datagram's size, so an ASan build catches any
 * read past the end. The socket is opened for real (and, as root, a
 * datagram from a process instead of the kernel is refused). */
#define _GNU_SOURCE /* unshare */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "nautilus/net.h"

/* ---- building datagrams ------------------------------------------------- */

typedef struct dgram {
    uint8_t b[8192];
    size_t len;
    size_t msg_at; /* start of the message being built */
} dgram;

static void put(dgram *d, const void *p, size_t n)
{
    assert_true(d->len + n <= sizeof d->b);
    memcpy(d->b + d->len, p, n);
    d->len += n;
}

static void pad(dgram *d)
{
    while (d->len % 4u)
        d->b[d->len++] = 0;
}

/* Starts a message of type; its nlmsg_len is set by msg_end. */
static void msg_begin(dgram *d, uint16_t type)
{
    struct nlmsghdr h;
    memset(&h, 0, sizeof h);
    h.nlmsg_type = type;
    h.nlmsg_pid = 4242; /* the `ip` command's port id, as the kernel copies it */
    d->msg_at = d->len;
    put(d, &h, sizeof h);
}

static void msg_end(dgram *d, bool with_pad)
{
    uint32_t len = (uint32_t)(d->len - d->msg_at);
    memcpy(d->b + d->msg_at, &len, sizeof len);
    if (with_pad)
        pad(d);
}

static void attr(dgram *d, uint16_t type, const void *p, size_t n)
{
    struct rtattr a;
    a.rta_len = (unsigned short)(sizeof a + n);
    a.rta_type = type;
    put(d, &a, sizeof a);
    put(d, p, n);
    pad(d);
}

static void addr_msg(dgram *d, uint16_t type, uint8_t family, uint8_t plen, uint32_t ifindex,
                     const char *local, const char *peer)
{
    struct ifaddrmsg m;
    uint8_t raw[16];
    size_t n = family == AF_INET ? 4 : 16;
    struct ifa_cacheinfo ci;

    msg_begin(d, type);
    memset(&m, 0, sizeof m);
    m.ifa_family = family;
    m.ifa_prefixlen = plen;
    m.ifa_index = ifindex;
    put(d, &m, sizeof m);
    if (peer) {
        assert_int_equal(inet_pton(family, peer, raw), 1);
        attr(d, IFA_ADDRESS, raw, n);
    }
    if (local) {
        assert_int_equal(inet_pton(family, local, raw), 1);
        attr(d, IFA_LOCAL, raw, n);
    }
    attr(d, IFA_LABEL, "lan0", 5);
    memset(&ci, 0, sizeof ci);
    attr(d, IFA_CACHEINFO, &ci, sizeof ci);
    msg_end(d, true);
}

static void link_msg(dgram *d, uint16_t type, int32_t ifindex, bool with_pad)
{
    struct ifinfomsg m;
    uint32_t mtu = 1500;
    memset(&m, 0, sizeof m);
    m.ifi_index = ifindex;
    m.ifi_flags = 0x1043; /* IFF_UP | IFF_BROADCAST | IFF_RUNNING | IFF_MULTICAST */
    msg_begin(d, type);
    put(d, &m, sizeof m);
    attr(d, IFLA_IFNAME, "lan0", 5);
    attr(d, IFLA_MTU, &mtu, sizeof mtu);
    /* An odd-sized last attribute, so that the message itself ends
     * unaligned when its padding is left off. */
    {
        uint8_t state = 6;
        struct rtattr a;
        a.rta_len = (unsigned short)(sizeof a + 1);
        a.rta_type = IFLA_OPERSTATE;
        put(d, &a, sizeof a);
        put(d, &state, 1);
    }
    msg_end(d, with_pad);
}

/* Parses a heap copy of exactly the datagram's bytes. */
static nt_status parse(nt_net_nl_batch *out, const uint8_t *data, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    nt_status st;
    assert_non_null(copy);
    memcpy(copy, data, len);
    st = nt_net_nl_parse(out, copy, len);
    free(copy);
    return st;
}

static void set_u32(dgram *d, size_t at, uint32_t v) { memcpy(d->b + at, &v, sizeof v); }
static void set_u16(dgram *d, size_t at, uint16_t v) { memcpy(d->b + at, &v, sizeof v); }

/* ---- well-formed ---------------------------------------------------------- */

static void test_addr_v4(void **state)
{
    dgram d = {0};
    nt_net_nl_batch out;
    nt_net_addr want;
    (void)state;

    /* A point-to-point address: IFA_LOCAL is ours, IFA_ADDRESS the peer. */
    addr_msg(&d, RTM_NEWADDR, AF_INET, 24, 3, "192.0.2.200", "192.0.2.1");
    assert_int_equal(parse(&out, d.b, d.len), NT_OK);
    assert_int_equal(out.n, 1);
    assert_false(out.lost);
    assert_int_equal(out.changes[0].what, NT_NET_NL_ADDR);
    assert_false(out.changes[0].removed);
    assert_int_equal(out.changes[0].ifindex, 3);
    assert_true(out.changes[0].has_addr);
    assert_int_equal(out.changes[0].addr.len, 24);
    assert_int_equal(nt_net_addr_parse(&want, "192.0.2.200"), NT_OK);
    assert_true(nt_net_addr_equal(&out.changes[0].addr.addr, &want));

    /* Only IFA_ADDRESS (an ordinary IPv4 address may carry just that). */
    memset(&d, 0, sizeof d);
    addr_msg(&d, RTM_DELADDR, AF_INET, 32, 7, NULL, "10.1.2.3");
    assert_int_equal(parse(&out, d.b, d.len), NT_OK);
    assert_int_equal(out.n, 1);
    assert_true(out.changes[0].removed);
    assert_int_equal(out.changes[0].ifindex, 7);
    assert_int_equal(nt_net_addr_parse(&want, "10.1.2.3"), NT_OK);
    assert_true(nt_net_addr_equal(&out.changes[0].addr.addr, &want));

    /* No address attribute at all: still a change on the interface. */
    memset(&d, 0, sizeof d);
    addr_msg(&d, RTM_NEWADDR, AF_INET, 8, 2, NULL, NULL);
    assert_int_equal(parse(&out, d.b, d.len), NT_OK);
    assert_int_equal(out.n, 1);
    assert_false(out.changes[0].has_addr);
}

static void test_addr_v6(void **state)
{
    dgram d = {0};
    nt_net_nl_batch out;
    nt_net_addr want;
    (void)state;

    addr_msg(&d, RTM_DELADDR, AF_INET6, 64, 5, NULL, "fe80::1:2");
    assert_int_equal(parse(&out, d.b, d.len), NT_OK);
    assert_int_equal(out.n, 1);
    assert_true(out.changes[0].removed);
    assert_int_equal(out.changes[0].addr.len, 64);
    /* Link-local: scoped to the interface, as getifaddrs reports it. */
    assert_int_equal(nt_net_addr_parse(&want, "fe80::1:2%5"), NT_OK);
    assert_true(nt_net_addr_equal(&out.changes[0].addr.addr, &want));

    memset(&d, 0, sizeof d);
    addr_msg(&d, RTM_NEWADDR, AF_INET6, 128, 5, NULL, "2001:db8::99");
    assert_int_equal(parse(&out, d.b, d.len), NT_OK);
    assert_int_equal(nt_net_addr_parse(&want, "2001:db8::99"), NT_OK);
    assert_true(nt_net_addr_equal(&out.changes[0].addr.addr, &want));

    /* A link-local IFA_ADDRESS, then a global IFA_LOCAL: the local one is
     * taken, without the scope the first left behind (found by
     * fuzz_netlink, fuzz/corpus/netlink/regress-ll-scope-override). */
    memset(&d, 0, sizeof d);
    addr_msg(&d, RTM_NEWADDR, AF_INET6, 64, 5, "2001:db8::7", "fe80::7");
    assert_int_equal(parse(&out, d.b, d.len), NT_OK);
    assert_int_equal(nt_net_addr_parse(&want, "2001:db8::7"), NT_OK);
    assert_int_equal(out.changes[0].addr.addr.scope, 0);
    assert_true(nt_net_addr_equal(&out.changes[0].addr.addr, &want));
}

/* Datagrams the kernel really sent (fuzz/corpus/netlink/kernel-*, recorded
 * in a namespace while `ip` changed links and addresses). */
static size_t read_seed(const char *name, uint8_t *buf, size_t cap)
{
    char path[1024];
    const char *src = getenv("NT_SOURCE_DIR");
    FILE *f;
    size_t n;
    assert_non_null(src);
    assert_true((size_t)snprintf(path, sizeof path, "%s/fuzz/corpus/netlink/%s", src, name) <
                sizeof path);
    f = fopen(path, "rb");
    assert_non_null(f);
    n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

static void test_kernel_datagrams(void **state)
{
    static uint8_t buf[8192];
    nt_net_nl_batch out;
    nt_net_addr want;
    size_t n;
    (void)state;

    /* RTM_NEWLINK for a new veth: ~1.5 KiB of attributes, nested ones too. */
    n = read_seed("kernel-00", buf, sizeof buf);
    assert_int_equal(parse(&out, buf, n), NT_OK);
    assert_int_equal(out.n, 1);
    assert_int_equal(out.changes[0].what, NT_NET_NL_LINK);
    assert_false(out.changes[0].removed);
    /* `ip addr add 198.51.100.1 peer 198.51.100.2`: ours, not the peer. */
    n = read_seed("kernel-04", buf, sizeof buf);
    assert_int_equal(parse(&out, buf, n), NT_OK);
    assert_int_equal(out.n, 1);
    assert_int_equal(out.changes[0].addr.len, 32);
    assert_int_equal(nt_net_addr_parse(&want, "198.51.100.1"), NT_OK);
    assert_true(nt_net_addr_equal(&out.changes[0].addr.addr, &want));
    /* `ip addr add fe80::99/64`: scoped to its interface. */
    n = read_seed("kernel-06", buf, sizeof buf);
    assert_int_equal(parse(&out, buf, n), NT_OK);
    assert_int_equal(out.changes[0].addr.addr.family, NT_NET_IPV6);
    assert_int_equal(out.changes[0].addr.addr.scope, out.changes[0].ifindex);
    /* `ip addr del 192.0.2.11/24`. */
    n = read_seed("kernel-11", buf, sizeof buf);
    assert_int_equal(parse(&out, buf, n), NT_OK);
    assert_true(out.changes[0].removed);
    assert_int_equal(out.changes[0].addr.len, 24);
    assert_int_equal(nt_net_addr_parse(&want, "192.0.2.11"), NT_OK);
    assert_true(nt_net_addr_equal(&out.changes[0].addr.addr, &want));
    /* RTM_DELLINK of the veth. */
    n = read_seed("kernel-21", buf, sizeof buf);
    assert_int_equal(parse(&out, buf, n), NT_OK);
    assert_int_equal(out.changes[0].what, NT_NET_NL_LINK);
    assert_true(out.changes[0].removed);
}

static void test_link_and_batch(void **state)
{
    dgram d = {0};
    nt_net_nl_batch out;
    size_t i;
    (void)state;

    link_msg(&d, RTM_NEWLINK, 4, true);
    assert_int_equal(parse(&out, d.b, d.len), NT_OK);
    assert_int_equal(out.n, 1);
    assert_int_equal(out.changes[0].what, NT_NET_NL_LINK);
    assert_false(out.changes[0].removed);
    assert_int_equal(out.changes[0].ifindex, 4);
    assert_false(out.changes[0].has_addr);

    /* Several messages in one datagram; the last without its padding
     * (NLMSG_NEXT allows that). */
    addr_msg(&d, RTM_NEWADDR, AF_INET6, 64, 4, NULL, "fd00::4");
    link_msg(&d, RTM_DELLINK, 9, false);
    assert_true(d.len % 4 != 0);
    assert_int_equal(parse(&out, d.b, d.len), NT_OK);
    assert_int_equal(out.n, 3);
    assert_int_equal(out.changes[1].what, NT_NET_NL_ADDR);
    assert_int_equal(out.changes[2].what, NT_NET_NL_LINK);
    assert_true(out.changes[2].removed);
    assert_int_equal(out.changes[2].ifindex, 9);

    /* Exactly the cap is fine; one more rejects the whole datagram. */
    memset(&d, 0, sizeof d);
    for (i = 0; i < NT_NET_NL_CHANGES_MAX; i++)
        addr_msg(&d, RTM_NEWADDR, AF_INET, 24, 2, NULL, NULL);
    assert_int_equal(parse(&out, d.b, d.len), NT_OK);
    assert_int_equal(out.n, NT_NET_NL_CHANGES_MAX);
    addr_msg(&d, RTM_NEWADDR, AF_INET, 24, 2, NULL, NULL);
    assert_int_equal(parse(&out, d.b, d.len), NT_ERR_CAP);
    assert_int_equal(out.n, 0);
}

/* ---- cut, lying, wrong ---------------------------------------------------- */

/* Every proper prefix of a one-message datagram is refused as short. */
static void test_truncated(void **state)
{
    dgram d = {0}, l = {0};
    nt_net_nl_batch out;
    size_t k;
    (void)state;

    addr_msg(&d, RTM_NEWADDR, AF_INET6, 64, 3, "fd00::1", "fd00::1");
    for (k = 0; k < d.len; k++)
        assert_int_equal(parse(&out, d.b, k), NT_ERR_SHORT);
    link_msg(&l, RTM_NEWLINK, 3, false);
    for (k = 0; k < l.len; k++)
        assert_int_equal(parse(&out, l.b, k), NT_ERR_SHORT);

    assert_int_equal(nt_net_nl_parse(&out, NULL, 0), NT_ERR_SHORT);
    assert_int_equal(nt_net_nl_parse(&out, NULL, 4), NT_ERR_INVALID_ARG);
    assert_int_equal(nt_net_nl_parse(NULL, d.b, d.len), NT_ERR_INVALID_ARG);
}

static void test_lying_lengths(void **state)
{
    dgram d = {0};
    nt_net_nl_batch out;
    size_t attr_at = 16 + 8; /* first attribute of an address message */
    (void)state;

    /* nlmsg_len below its own header, and 0 (would loop forever). */
    addr_msg(&d, RTM_NEWADDR, AF_INET, 24, 3, "192.0.2.5", NULL);
    set_u32(&d, 0, 15);
    assert_int_equal(parse(&out, d.b, d.len), NT_ERR_RANGE);
    set_u32(&d, 0, 0);
    assert_int_equal(parse(&out, d.b, d.len), NT_ERR_RANGE);
    /* nlmsg_len beyond the datagram. */
    set_u32(&d, 0, (uint32_t)d.len + 4);
    assert_int_equal(parse(&out, d.b, d.len), NT_ERR_SHORT);
    set_u32(&d, 0, 0xffffffffu);
    assert_int_equal(parse(&out, d.b, d.len), NT_ERR_SHORT);
    /* nlmsg_len too small for the ifaddrmsg it announces. */
    set_u32(&d, 0, 16 + 4);
    assert_int_equal(parse(&out, d.b, d.len), NT_ERR_SHORT);
    set_u32(&d, 0, (uint32_t)d.len);

    /* rta_len below the attribute header, and 0. */
    set_u16(&d, attr_at, 3);
    assert_int_equal(parse(&out, d.b, d.len), NT_ERR_RANGE);
    set_u16(&d, attr_at, 0);
    assert_int_equal(parse(&out, d.b, d.len), NT_ERR_RANGE);
    /* rta_len past the end of its message (but inside the datagram's
     * storage: the window, not the buffer, must stop it). */
    set_u16(&d, attr_at, (uint16_t)(d.len - attr_at + 4));
    assert_int_equal(parse(&out, d.b, d.len), NT_ERR_SHORT);
    set_u16(&d, attr_at, 0xffff);
    assert_int_equal(parse(&out, d.b, d.len), NT_ERR_SHORT);
    /* An IPv4 address attribute of 5 and of 3 bytes. */
    set_u16(&d, attr_at, 4 + 5);
    assert_int_equal(parse(&out, d.b, d.len), NT_ERR_TRAILING);
    set_u16(&d, attr_at, 4 + 3);
    assert_int_equal(parse(&out, d.b, d.len), NT_ERR_SHORT);
    set_u16(&d, attr_at, 4 + 4);
    assert_int_equal(parse(&out, d.b, d.len), NT_OK);

    /* A good message followed by three stray bytes, and by a second one
     * whose length lies: nothing of the first is kept. */
    memset(d.b + d.len, 0, 3);
    assert_int_equal(parse(&out, d.b, d.len + 3), NT_ERR_SHORT);
    assert_int_equal(out.n, 0);
    {
        size_t first = d.len;
        addr_msg(&d, RTM_NEWADDR, AF_INET, 24, 3, "192.0.2.6", NULL);
        set_u32(&d, first, 12);
        assert_int_equal(parse(&out, d.b, d.len), NT_ERR_RANGE);
        assert_int_equal(out.n, 0);
    }
}

static void test_wrong_values(void **state)
{
    dgram d = {0};
    nt_net_nl_batch out;
    (void)state;

    /* Message types we do not take: errors, done, routes. */
    addr_msg(&d, RTM_NEWADDR, AF_INET, 24, 3, "192.0.2.5", NULL);
    set_u16(&d, 4, NLMSG_ERROR);
    assert_int_equal(parse(&out, d.b, d.len), NT_ERR_UNSUPPORTED);
    set_u16(&d, 4, NLMSG_DONE);
    assert_int_equal(parse(&out, d.b, d.len), NT_ERR_UNSUPPORTED);
    set_u16(&d, 4, RTM_NEWROUTE);
    assert_int_equal(parse(&out, d.b, d.len), NT_ERR_UNSUPPORTED);
    set_u16(&d, 4, RTM_NEWADDR);
    assert_int_equal(parse(&out, d.b, d.len), NT_OK);

    /* Address family, prefix length, interface index. */
    d.b[16] = AF_PACKET;
    assert_int_equal(parse(&out, d.b, d.len), NT_ERR_UNSUPPORTED);
    d.b[16] = AF_INET;
    d.b[17] = 33;
    assert_int_equal(parse(&out, d.b, d.len), NT_ERR_RANGE);
    d.b[17] = 32;
    assert_int_equal(parse(&out, d.b, d.len), NT_OK);
    set_u32(&d, 20, 0);
    assert_int_equal(parse(&out, d.b, d.len), NT_ERR_RANGE);
    set_u32(&d, 20, 0x80000000u); /* a negative kernel int */
    assert_int_equal(parse(&out, d.b, d.len), NT_ERR_RANGE);

    memset(&d, 0, sizeof d);
    addr_msg(&d, RTM_NEWADDR, AF_INET6, 129, 3, NULL, "fd00::1");
    assert_int_equal(parse(&out, d.b, d.len), NT_ERR_RANGE);
    memset(&d, 0, sizeof d);
    link_msg(&d, RTM_NEWLINK, -1, true);
    assert_int_equal(parse(&out, d.b, d.len), NT_ERR_RANGE);
    memset(&d, 0, sizeof d);
    link_msg(&d, RTM_NEWLINK, 0, true);
    assert_int_equal(parse(&out, d.b, d.len), NT_ERR_RANGE);
}

/* ---- the socket ----------------------------------------------------------- */

static void test_socket(void **state)
{
    nt_net_nl *nl = NULL;
    nt_net_nl_batch out;
    nt_status st;
    int i, spoof;
    struct sockaddr_nl me, to;
    socklen_t me_len = sizeof me;
    dgram d = {0};
    (void)state;

    assert_int_equal(nt_net_nl_open(NULL), NT_ERR_INVALID_ARG);
    assert_int_equal(nt_net_nl_read(NULL, &out), NT_ERR_INVALID_ARG);
    assert_int_equal(nt_net_nl_fd(NULL), -1);
    nt_net_nl_close(NULL);
    assert_int_equal(nt_net_nl_open(&nl), NT_OK);
    assert_true(nt_net_nl_fd(nl) >= 0);
    /* Whatever the host is doing meanwhile parses, then nothing waits. */
    for (i = 0; i < 1000; i++) {
        st = nt_net_nl_read(nl, &out);
        if (st == NT_ERR_NET_WOULDBLOCK)
            break;
        assert_int_equal(st, NT_OK);
    }
    assert_int_equal(st, NT_ERR_NET_WOULDBLOCK);

    /* A process (root may unicast to another netlink socket) posing as
     * the kernel with a well-formed notification is refused. */
    assert_int_equal(getsockname(nt_net_nl_fd(nl), (struct sockaddr *)&me, &me_len), 0);
    spoof = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    assert_true(spoof >= 0);
    addr_msg(&d, RTM_NEWADDR, AF_INET, 24, 3, "192.0.2.5", NULL);
    memset(&to, 0, sizeof to);
    to.nl_family = AF_NETLINK;
    to.nl_pid = me.nl_pid;
    if (sendto(spoof, d.b, d.len, 0, (struct sockaddr *)&to, sizeof to) == (ssize_t)d.len) {
        for (i = 0; i < 1000; i++) {
            st = nt_net_nl_read(nl, &out);
            if (st != NT_OK)
                break;
        }
        assert_int_equal(st, NT_ERR_PERM);
        assert_int_equal(out.n, 0);
    } else {
        print_message("spoof send refused (errno %d): not root, check skipped\n", errno);
    }
    close(spoof);
    nt_net_nl_close(nl);
}

/* Adds 127.0.1.n as the alias lo:n (SIOCSIFADDR): one RTM_NEWADDR. */
static void add_alias(int s, int n)
{
    struct ifreq ifr;
    struct sockaddr_in sin;
    memset(&ifr, 0, sizeof ifr);
    memset(&sin, 0, sizeof sin);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo:%d", n);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(0x7f000100u + (uint32_t)n);
    memcpy(&ifr.ifr_addr, &sin, sizeof sin);
    assert_int_equal(ioctl(s, SIOCSIFADDR, &ifr), 0);
}

/* In a network namespace of its own (root only; the process stays there,
 * so this test runs last): a real notification, and an overrun reported
 * as lost, not as an error or silence. */
static void test_kernel_notifications(void **state)
{
    nt_net_nl *nl = NULL;
    nt_net_nl_batch out;
    nt_net_addr want;
    nt_status st;
    int s, i, one = 1;
    bool lost = false;
    (void)state;

    if (geteuid() != 0 || unshare(CLONE_NEWNET) != 0) {
        print_message("no private network namespace (errno %d): test skipped\n", errno);
        return;
    }
    assert_int_equal(nt_net_nl_open(&nl), NT_OK);
    s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true(s >= 0);
    add_alias(s, 1);
    assert_int_equal(nt_net_nl_read(nl, &out), NT_OK);
    assert_int_equal(out.n, 1);
    assert_int_equal(out.changes[0].what, NT_NET_NL_ADDR);
    assert_false(out.changes[0].removed);
    assert_int_equal(out.changes[0].ifindex, 1);
    assert_int_equal(nt_net_addr_parse(&want, "127.0.1.1"), NT_OK);
    assert_true(nt_net_addr_equal(&out.changes[0].addr.addr, &want));
    assert_int_equal(nt_net_nl_read(nl, &out), NT_ERR_NET_WOULDBLOCK);

    /* The smallest receive buffer the kernel allows, then more
     * notifications than it holds: ENOBUFS, reported as lost. */
    assert_int_equal(setsockopt(nt_net_nl_fd(nl), SOL_SOCKET, SO_RCVBUF, &one, sizeof one), 0);
    for (i = 2; i < 200; i++)
        add_alias(s, i);
    for (i = 0; i < 1000; i++) {
        st = nt_net_nl_read(nl, &out);
        if (st == NT_ERR_NET_WOULDBLOCK)
            break;
        assert_int_equal(st, NT_OK);
        lost = lost || out.lost;
    }
    assert_true(lost);
    /* The socket goes on after an overrun. */
    add_alias(s, 200);
    assert_int_equal(nt_net_nl_read(nl, &out), NT_OK);
    assert_int_equal(out.n, 1);
    assert_false(out.lost);
    close(s);
    nt_net_nl_close(nl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_addr_v4),
        cmocka_unit_test(test_addr_v6),
        cmocka_unit_test(test_link_and_batch),
        cmocka_unit_test(test_kernel_datagrams),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_lying_lengths),
        cmocka_unit_test(test_wrong_values),
        cmocka_unit_test(test_socket),
        cmocka_unit_test(test_kernel_notifications), /* last: leaves the namespace */
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
