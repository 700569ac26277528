/* Interface enumeration with getifaddrs, and the on-link test. */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>

#include "nautilus/log.h"
#include "nautilus/net.h"
#include "net_private.h"

static bool flags_usable(unsigned flags, bool with_loopback)
{
    if (!(flags & IFF_UP))
        return false;
    if (flags & IFF_LOOPBACK)
        return with_loopback;
    return (flags & IFF_MULTICAST) != 0;
}

/* Adds one address of an ifaddrs entry to ifc, skipping duplicates. */
static void add_addr(nt_net_iface *ifc, const struct ifaddrs *ia)
{
    nt_net_prefix p;
    const uint8_t *mask;
    size_t mask_len, i;

    memset(&p, 0, sizeof p);
    nt_net_addr_from_sockaddr(&p.addr, NULL, ia->ifa_addr);
    if (p.addr.family == NT_NET_IPV4) {
        mask_len = 4;
        mask = ia->ifa_netmask ? (const uint8_t *)&((const struct sockaddr_in *)(const void *)ia->ifa_netmask)->sin_addr : NULL;
    } else if (p.addr.family == NT_NET_IPV6) {
        mask_len = 16;
        mask = ia->ifa_netmask ? (const uint8_t *)&((const struct sockaddr_in6 *)(const void *)ia->ifa_netmask)->sin6_addr : NULL;
        /* The kernel reports link-local addresses with their scope; make
         * sure it is the interface's own index. */
        if (nt_net_addr_is_link_local(&p.addr))
            p.addr.scope = ifc->index;
    } else {
        return;
    }
    if (!mask || nt_net_netmask_len(&p.len, mask, mask_len) != NT_OK)
        p.len = (uint8_t)(mask_len * 8);
    for (i = 0; i < ifc->n_addrs; i++)
        if (nt_net_addr_equal(&ifc->addrs[i].addr, &p.addr))
            return;
    if (ifc->n_addrs == NT_NET_IFACE_ADDRS_MAX) {
        NT_LOGW("net", "%s: more than %d addresses, ignoring the rest", ifc->name,
                NT_NET_IFACE_ADDRS_MAX);
        return;
    }
    ifc->addrs[ifc->n_addrs++] = p;
}

/* Fills ifc with every address the listing has for name. */
static void collect(nt_net_iface *ifc, const struct ifaddrs *list, const char *name)
{
    const struct ifaddrs *ia;
    for (ia = list; ia; ia = ia->ifa_next)
        if (ia->ifa_addr && strcmp(ia->ifa_name, name) == 0)
            add_addr(ifc, ia);
}

static nt_status start_iface(nt_net_iface *ifc, const char *name, unsigned flags)
{
    unsigned idx;
    if (strlen(name) >= sizeof ifc->name)
        return NT_ERR_NET_NO_IFACE;
    idx = if_nametoindex(name);
    if (idx == 0)
        return NT_ERR_NET_NO_IFACE;
    memset(ifc, 0, sizeof *ifc);
    strcpy(ifc->name, name);
    ifc->index = idx;
    ifc->loopback = (flags & IFF_LOOPBACK) != 0;
    return NT_OK;
}

static bool set_has(const nt_net_iface_set *set, const char *name)
{
    size_t i;
    for (i = 0; i < set->n; i++)
        if (strcmp(set->ifs[i].name, name) == 0)
            return true;
    return false;
}

nt_status nt_net_iface_list(nt_net_iface_set *out, const char *const *names, size_t n_names,
                            bool with_loopback)
{
    struct ifaddrs *list = NULL;
    const struct ifaddrs *ia;
    nt_status st = NT_OK;
    size_t i;

    if (!out || (n_names > 0 && !names))
        return NT_ERR_INVALID_ARG;
    memset(out, 0, sizeof *out);
    if (getifaddrs(&list) != 0) {
        nt_net_remember_errno(errno);
        return NT_ERR_IO;
    }
    if (n_names > 0) {
        for (i = 0; i < n_names; i++) {
            bool seen = false;
            unsigned flags = 0;
            if (set_has(out, names[i]))
                continue;
            for (ia = list; ia; ia = ia->ifa_next)
                if (strcmp(ia->ifa_name, names[i]) == 0) {
                    seen = true;
                    flags = ia->ifa_flags;
                    break;
                }
            if (!seen) {
                st = NT_ERR_NET_NO_IFACE;
                goto out;
            }
            /* A named loopback is taken as asked for. */
            if (!flags_usable(flags, true)) {
                st = NT_ERR_NET_IFACE_DOWN;
                goto out;
            }
            if (out->n == NT_NET_IFACES_MAX) {
                st = NT_ERR_CAP;
                goto out;
            }
            st = start_iface(&out->ifs[out->n], names[i], flags);
            if (st != NT_OK)
                goto out;
            collect(&out->ifs[out->n], list, names[i]);
            out->n++;
        }
    } else {
        for (ia = list; ia; ia = ia->ifa_next) {
            if (!flags_usable(ia->ifa_flags, with_loopback) || set_has(out, ia->ifa_name))
                continue;
            if (out->n == NT_NET_IFACES_MAX) {
                NT_LOGW("net", "more than %d interfaces, ignoring %s", NT_NET_IFACES_MAX,
                        ia->ifa_name);
                continue;
            }
            if (start_iface(&out->ifs[out->n], ia->ifa_name, ia->ifa_flags) != NT_OK)
                continue;
            collect(&out->ifs[out->n], list, ia->ifa_name);
            out->n++;
        }
        if (out->n == 0)
            st = NT_ERR_NET_NO_IFACE;
    }
out:
    freeifaddrs(list);
    return st;
}

const nt_net_iface *nt_net_iface_find(const nt_net_iface_set *set, uint32_t index)
{
    size_t i;
    for (i = 0; i < set->n; i++)
        if (set->ifs[i].index == index)
            return &set->ifs[i];
    return NULL;
}

bool nt_net_iface_is_onlink(const nt_net_iface *ifc, const nt_net_addr *src)
{
    size_t i;
    /* RFC 6762 §11: a link-local source is on-link by definition (it
     * cannot have been routed). */
    if (nt_net_addr_is_link_local(src))
        return true;
    for (i = 0; i < ifc->n_addrs; i++)
        if (nt_net_prefix_contains(&ifc->addrs[i], src))
            return true;
    return false;
}

const nt_net_prefix *nt_net_iface_first_addr(const nt_net_iface *ifc, uint8_t family,
                                             bool prefer_link_local)
{
    const nt_net_prefix *first = NULL;
    size_t i;
    for (i = 0; i < ifc->n_addrs; i++) {
        const nt_net_prefix *p = &ifc->addrs[i];
        if (p->addr.family != family)
            continue;
        if (!first)
            first = p;
        if (prefer_link_local == nt_net_addr_is_link_local(&p->addr))
            return p;
    }
    return first;
}
