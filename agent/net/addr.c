/* IP addresses: parsing and printing with scope, prefixes, on-link math. */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "nautilus/net.h"
#include "net_private.h"

void nt_net_addr_set_ipv4(nt_net_addr *out, const uint8_t bytes[4])
{
    memset(out, 0, sizeof *out);
    out->family = NT_NET_IPV4;
    memcpy(out->bytes, bytes, 4);
}

void nt_net_addr_set_ipv6(nt_net_addr *out, const uint8_t bytes[16], uint32_t scope)
{
    memset(out, 0, sizeof *out);
    out->family = NT_NET_IPV6;
    memcpy(out->bytes, bytes, 16);
    out->scope = scope;
}

/* Parses a scope: all digits means an index, anything else an interface
 * name (RFC 4007 §11.2 leaves the zone format to the implementation). */
static nt_status parse_scope(const char *text, uint32_t *out)
{
    size_t i, n = strlen(text);
    unsigned long v = 0;
    unsigned idx;

    if (n == 0 || n >= NT_NET_IFNAME_MAX)
        return n == 0 ? NT_ERR_NET_ADDR_SYNTAX : NT_ERR_NET_SCOPE;
    for (i = 0; i < n; i++) {
        if (text[i] < '0' || text[i] > '9')
            break;
        v = v * 10u + (unsigned long)(text[i] - '0');
        if (v > 0x7fffffffUL)
            return NT_ERR_NET_SCOPE;
    }
    if (i == n) {
        if (v == 0)
            return NT_ERR_NET_SCOPE;
        *out = (uint32_t)v;
        return NT_OK;
    }
    idx = if_nametoindex(text);
    if (idx == 0)
        return NT_ERR_NET_SCOPE;
    *out = idx;
    return NT_OK;
}

nt_status nt_net_addr_parse(nt_net_addr *out, const char *text)
{
    char host[INET6_ADDRSTRLEN + 1];
    const char *pct;
    size_t hlen;
    uint8_t raw[16];
    uint32_t scope = 0;
    nt_status st;

    if (!out || !text)
        return NT_ERR_INVALID_ARG;
    pct = strchr(text, '%');
    hlen = pct ? (size_t)(pct - text) : strlen(text);
    if (hlen == 0 || hlen >= sizeof host)
        return NT_ERR_NET_ADDR_SYNTAX;
    memcpy(host, text, hlen);
    host[hlen] = 0;

    if (inet_pton(AF_INET, host, raw) == 1) {
        if (pct)
            return NT_ERR_NET_ADDR_SYNTAX;
        nt_net_addr_set_ipv4(out, raw);
        return NT_OK;
    }
    if (inet_pton(AF_INET6, host, raw) != 1)
        return NT_ERR_NET_ADDR_SYNTAX;
    if (pct) {
        st = parse_scope(pct + 1, &scope);
        if (st != NT_OK)
            return st;
    }
    nt_net_addr_set_ipv6(out, raw, scope);
    return NT_OK;
}

nt_status nt_net_addr_format(char *out, size_t cap, const nt_net_addr *a)
{
    char host[INET6_ADDRSTRLEN];
    char ifname[IF_NAMESIZE];
    int n;

    if (!out || !a)
        return NT_ERR_INVALID_ARG;
    if (a->family == NT_NET_IPV4) {
        if (!inet_ntop(AF_INET, a->bytes, host, sizeof host))
            return NT_ERR_INVALID_ARG;
        n = snprintf(out, cap, "%s", host);
    } else if (a->family == NT_NET_IPV6) {
        if (!inet_ntop(AF_INET6, a->bytes, host, sizeof host))
            return NT_ERR_INVALID_ARG;
        if (a->scope == 0)
            n = snprintf(out, cap, "%s", host);
        else if (if_indextoname(a->scope, ifname))
            n = snprintf(out, cap, "%s%%%s", host, ifname);
        else
            n = snprintf(out, cap, "%s%%%u", host, (unsigned)a->scope);
    } else {
        return NT_ERR_INVALID_ARG;
    }
    if (n < 0 || (size_t)n >= cap) {
        if (cap > 0)
            out[0] = 0;
        return NT_ERR_NOSPACE;
    }
    return NT_OK;
}

static size_t addr_len(uint8_t family) { return family == NT_NET_IPV4 ? 4 : 16; }

bool nt_net_addr_equal(const nt_net_addr *a, const nt_net_addr *b)
{
    return a->family == b->family && a->scope == b->scope &&
           memcmp(a->bytes, b->bytes, addr_len(a->family)) == 0;
}

bool nt_net_addr_is_link_local(const nt_net_addr *a)
{
    if (a->family == NT_NET_IPV4)
        return a->bytes[0] == 169 && a->bytes[1] == 254;
    if (a->family == NT_NET_IPV6)
        return a->bytes[0] == 0xfe && (a->bytes[1] & 0xc0) == 0x80;
    return false;
}

bool nt_net_addr_is_multicast(const nt_net_addr *a)
{
    if (a->family == NT_NET_IPV4)
        return (a->bytes[0] & 0xf0) == 0xe0;
    if (a->family == NT_NET_IPV6)
        return a->bytes[0] == 0xff;
    return false;
}

void nt_net_addr_mdns_group(nt_net_addr *out, uint8_t family)
{
    static const uint8_t v4[4] = {224, 0, 0, 251};
    static const uint8_t v6[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfb};
    if (family == NT_NET_IPV4)
        nt_net_addr_set_ipv4(out, v4);
    else
        nt_net_addr_set_ipv6(out, v6, 0);
}

bool nt_net_prefix_contains(const nt_net_prefix *p, const nt_net_addr *a)
{
    size_t full, rest, max_bits;
    uint8_t mask;

    if (p->addr.family != a->family)
        return false;
    max_bits = addr_len(a->family) * 8;
    if (p->len > max_bits)
        return false;
    full = p->len / 8u;
    rest = p->len % 8u;
    if (memcmp(p->addr.bytes, a->bytes, full) != 0)
        return false;
    if (rest == 0)
        return true;
    mask = (uint8_t)(0xffu << (8u - rest));
    return (p->addr.bytes[full] & mask) == (a->bytes[full] & mask);
}

nt_status nt_net_netmask_len(uint8_t *out, const uint8_t *mask, size_t mask_len)
{
    size_t i;
    unsigned bits = 0;
    bool ended = false;

    if (mask_len != 4 && mask_len != 16)
        return NT_ERR_INVALID_ARG;
    for (i = 0; i < mask_len; i++) {
        uint8_t m = mask[i];
        if (ended) {
            if (m != 0)
                return NT_ERR_NET_NETMASK;
            continue;
        }
        /* Count leading ones; the rest of this byte must be zero. */
        while (m & 0x80u) {
            bits++;
            m = (uint8_t)(m << 1);
        }
        if (m != 0)
            return NT_ERR_NET_NETMASK;
        if (bits % 8u != 0 || mask[i] != 0xff)
            ended = true;
    }
    *out = (uint8_t)bits;
    return NT_OK;
}

void nt_net_addr_from_sockaddr(nt_net_addr *out, uint16_t *port, const struct sockaddr *sa)
{
    memset(out, 0, sizeof *out);
    if (port)
        *port = 0;
    if (sa->sa_family == AF_INET) {
        struct sockaddr_in sin;
        memcpy(&sin, sa, sizeof sin);
        nt_net_addr_set_ipv4(out, (const uint8_t *)&sin.sin_addr);
        if (port)
            *port = ntohs(sin.sin_port);
    } else if (sa->sa_family == AF_INET6) {
        struct sockaddr_in6 sin6;
        nt_net_addr tmp;
        memcpy(&sin6, sa, sizeof sin6);
        nt_net_addr_set_ipv6(&tmp, (const uint8_t *)&sin6.sin6_addr, 0);
        /* Only link-scoped addresses carry a zone (RFC 4007 §6). */
        if (nt_net_addr_is_link_local(&tmp) || nt_net_addr_is_multicast(&tmp))
            tmp.scope = sin6.sin6_scope_id;
        *out = tmp;
        if (port)
            *port = ntohs(sin6.sin6_port);
    }
}

socklen_t nt_net_addr_to_sockaddr(struct sockaddr_storage *out, const nt_net_addr *a,
                                  uint16_t port)
{
    memset(out, 0, sizeof *out);
    if (a->family == NT_NET_IPV4) {
        struct sockaddr_in sin;
        memset(&sin, 0, sizeof sin);
        sin.sin_family = AF_INET;
        sin.sin_port = htons(port);
        memcpy(&sin.sin_addr, a->bytes, 4);
        memcpy(out, &sin, sizeof sin);
        return (socklen_t)sizeof sin;
    }
    if (a->family == NT_NET_IPV6) {
        struct sockaddr_in6 sin6;
        memset(&sin6, 0, sizeof sin6);
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons(port);
        memcpy(&sin6.sin6_addr, a->bytes, 16);
        sin6.sin6_scope_id = a->scope;
        memcpy(out, &sin6, sizeof sin6);
        return (socklen_t)sizeof sin6;
    }
    return 0;
}
