/*
 * Fuzz target for the rtnetlink parser (nt_net_nl_parse). The input is one
 * datagram. A refused one leaves no changes; an accepted one holds only
 * valid changes (kind, ifindex, family, prefix length), and writing them
 * back as canonical notifications (nlmsghdr + ifinfomsg/ifaddrmsg +
 * IFA_LOCAL) must parse to the same changes. Mismatches abort().
 */
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nautilus/net.h"
#include "fuzz/fuzz.h"

/* Room for NT_NET_NL_CHANGES_MAX canonical messages of at most 48 bytes. */
static uint8_t canon[NT_NET_NL_CHANGES_MAX * 48];

static size_t put(size_t at, const void *p, size_t n)
{
    memcpy(canon + at, p, n);
    return at + n;
}

/* One change as the kernel would send it; returns the new length. */
static size_t write_change(size_t at, const nt_net_nl_change *c)
{
    struct nlmsghdr h;
    size_t start = at;
    memset(&h, 0, sizeof h);
    if (c->what == NT_NET_NL_LINK)
        h.nlmsg_type = c->removed ? RTM_DELLINK : RTM_NEWLINK;
    else
        h.nlmsg_type = c->removed ? RTM_DELADDR : RTM_NEWADDR;
    at += sizeof h;
    if (c->what == NT_NET_NL_LINK) {
        struct ifinfomsg m;
        memset(&m, 0, sizeof m);
        m.ifi_index = (int)c->ifindex;
        at = put(at, &m, sizeof m);
    } else {
        struct ifaddrmsg m;
        memset(&m, 0, sizeof m);
        m.ifa_family = c->addr.addr.family == NT_NET_IPV4 ? AF_INET : AF_INET6;
        m.ifa_prefixlen = c->addr.len;
        m.ifa_index = c->ifindex;
        at = put(at, &m, sizeof m);
        if (c->has_addr) {
            struct rtattr a;
            size_t n = c->addr.addr.family == NT_NET_IPV4 ? 4 : 16;
            a.rta_len = (unsigned short)(sizeof a + n);
            a.rta_type = IFA_LOCAL;
            at = put(at, &a, sizeof a);
            at = put(at, c->addr.addr.bytes, n);
        }
    }
    h.nlmsg_len = (uint32_t)(at - start);
    put(start, &h, sizeof h);
    return at; /* every part is a multiple of 4 bytes: no padding */
}

static void check_change(const nt_net_nl_change *c)
{
    CHECK(c->what == NT_NET_NL_LINK || c->what == NT_NET_NL_ADDR);
    CHECK(c->ifindex != 0 && c->ifindex <= 0x7fffffffu);
    if (c->what == NT_NET_NL_LINK) {
        CHECK(!c->has_addr);
        return;
    }
    CHECK(c->addr.addr.family == NT_NET_IPV4 || c->addr.addr.family == NT_NET_IPV6);
    CHECK(c->addr.len <= (c->addr.addr.family == NT_NET_IPV4 ? 32 : 128));
    if (c->addr.addr.family == NT_NET_IPV4 || !nt_net_addr_is_link_local(&c->addr.addr))
        CHECK(c->addr.addr.scope == 0);
    else if (c->has_addr)
        CHECK(c->addr.addr.scope == c->ifindex);
}

static bool same_change(const nt_net_nl_change *a, const nt_net_nl_change *b)
{
    if (a->what != b->what || a->removed != b->removed || a->ifindex != b->ifindex ||
        a->has_addr != b->has_addr)
        return false;
    if (a->what == NT_NET_NL_LINK)
        return true;
    return a->addr.len == b->addr.len && a->addr.addr.family == b->addr.addr.family &&
           (!a->has_addr || nt_net_addr_equal(&a->addr.addr, &b->addr.addr));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static nt_net_nl_batch out, back;
    size_t i, len = 0;
    nt_status st = nt_net_nl_parse(&out, data, size);

    CHECK(!out.lost);
    if (st != NT_OK) {
        CHECK(out.n == 0);
        return 0;
    }
    CHECK(size > 0 && out.n >= 1 && out.n <= NT_NET_NL_CHANGES_MAX);
    /* Each message takes at least a header and its fixed part. */
    CHECK(out.n <= size / 24);
    for (i = 0; i < out.n; i++) {
        check_change(&out.changes[i]);
        len = write_change(len, &out.changes[i]);
    }
    CHECK(nt_net_nl_parse(&back, canon, len) == NT_OK);
    CHECK(back.n == out.n);
    for (i = 0; i < out.n; i++)
        CHECK(same_change(&out.changes[i], &back.changes[i]));
    return 0;
}
