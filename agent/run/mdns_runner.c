/* The runner: network layer + mDNS engine for one subcommand (mdns_runner.h). */
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "mdns_runner.h"
#include "nautilus/log.h"
#include "nautilus/mem.h"

enum {
    TIMER_ENGINE = 1000, /* the engine's next_wakeup */
    TIMER_RESCAN = 1001, /* look at the interfaces again */
    TIMER_NETLINK = 1002, /* rescan after rtnetlink news, coalesced */
    RESCAN_MS = 5000,     /* the poll when there is no netlink watch */
    RESCAN_NL_MS = 30000, /* with one: only a safety net */
    NL_GAP_MS = 20,       /* at most one netlink-driven rescan per 20 ms */
    NL_BURST = 64,        /* netlink datagrams read per wakeup */
    /* Per-source input budget (DESIGN §11): far above what one honest
     * responder or querier sends, far below a flood, so that a flooding
     * host does not use up the engine's per-interface budget. */
    SRC_BUCKETS = 1024,
    SRC_RATE = 200,  /* packets/s */
    SRC_BURST = 400,
    ECHO_WINDOW_MS = 2000, /* loopback echoes arrive within microseconds */
    RNG_POOL = 256,      /* random bytes fetched per getrandom() */
    RX_BURST = 64,       /* datagrams read per wakeup, per socket */
    FLUSH_ROUNDS = 8,    /* engine runs while flushing goodbyes */
};

struct nt_runner {
    nt_runner_config cfg;
    nt_net_iface_set ifaces;
    bool v4_on[NT_NET_IFACES_MAX]; /* joined the IPv4 group there */
    bool v6_on[NT_NET_IFACES_MAX];
    nt_net_sock s4;
    nt_net_sock s6;
    nt_net_loop *loop;
    nt_net_srclimit lim;
    nt_net_echo echo;
    nt_mdns *m;
    char host[NT_MDNS_NAME_MAX];
    uint8_t rng[RNG_POOL];
    size_t rng_left;
    bool stop;
    bool goodbye;
    bool signalled;
    uint64_t armed; /* deadline the engine timer is set to, UINT64_MAX if none */
    nt_net_nl *nl;  /* rtnetlink watch, NULL when unavailable */
    uint32_t rescan_ms;
    bool nl_pending; /* TIMER_NETLINK is armed */
    uint64_t nl_last; /* when the last netlink-driven rescan ran */
    uint8_t rx[NT_NET_PACKET_MAX];
    nt_mdns_packet_out tx;
    nt_mdns_event ev;
    bool delivering; /* inside nt_runner_deliver_events: ev is in use */
};

/* ---- helpers ------------------------------------------------------------ */

void nt_runner_addr_from_mdns(nt_net_addr *out, const nt_mdns_addr *in)
{
    memset(out, 0, sizeof *out);
    out->family = in->family == NT_MDNS_INET4 ? NT_NET_IPV4 : NT_NET_IPV6;
    memcpy(out->bytes, in->bytes, sizeof out->bytes);
    out->scope = in->scope;
}

void nt_runner_addr_to_mdns(nt_mdns_addr *out, const nt_net_addr *in)
{
    memset(out, 0, sizeof *out);
    out->family = in->family == NT_NET_IPV4 ? NT_MDNS_INET4 : NT_MDNS_INET6;
    memcpy(out->bytes, in->bytes, sizeof out->bytes);
    out->scope = in->scope;
}

nt_status nt_runner_host_name(char *out, size_t cap, const char *arg)
{
    char buf[256];
    size_t n;
    const char *dot;

    if (!out || cap == 0)
        return NT_ERR_INVALID_ARG;
    if (!arg) {
        if (gethostname(buf, sizeof buf - 1) != 0)
            return NT_ERR_IO;
        buf[sizeof buf - 1] = 0;
        /* Only the first label: "box.example.com" publishes as box.local. */
        buf[strcspn(buf, ".")] = 0;
    } else {
        n = strlen(arg);
        if (n >= sizeof buf)
            return NT_ERR_INVALID_ARG;
        memcpy(buf, arg, n + 1);
        if (n > 0 && buf[n - 1] == '.')
            buf[--n] = 0;
        dot = strchr(buf, '.');
        if (dot) {
            /* RFC 6762 §3: names we claim end in .local. */
            if (n < 6 || strcasecmp(buf + n - 6, ".local") != 0)
                return NT_ERR_INVALID_ARG;
            buf[n - 6] = 0;
        }
    }
    n = strlen(buf);
    if (n == 0 || n > 63 || strchr(buf, '.'))
        return NT_ERR_INVALID_ARG;
    if ((size_t)snprintf(out, cap, "%s.local", buf) >= cap)
        return NT_ERR_NOSPACE;
    return NT_OK;
}

static uint32_t rng_u32(void *ctx)
{
    nt_runner *r = ctx;
    uint32_t v;
    if (r->rng_left < sizeof v) {
        if (nt_net_random(r->rng, sizeof r->rng) != NT_OK) {
            /* getrandom() does not fail after boot; if it ever does,
             * degrade to the clock rather than stop answering. */
            uint64_t t = nt_net_now_ms() * 6364136223846793005ULL + 1442695040888963407ULL;
            memcpy(r->rng, &t, sizeof t);
            r->rng_left = sizeof t;
        } else {
            r->rng_left = sizeof r->rng;
        }
    }
    memcpy(&v, r->rng + (sizeof r->rng - r->rng_left), sizeof v);
    r->rng_left -= sizeof v;
    return v;
}

const char *nt_runner_ifname(const nt_runner *r, uint32_t ifindex)
{
    const nt_net_iface *ifc = nt_net_iface_find(&r->ifaces, ifindex);
    return ifc ? ifc->name : "?";
}

nt_mdns *nt_runner_engine(nt_runner *r) { return r->m; }
const nt_net_iface_set *nt_runner_ifaces(const nt_runner *r) { return &r->ifaces; }
uint64_t nt_runner_now(const nt_runner *r)
{
    (void)r;
    return nt_net_now_ms();
}
bool nt_runner_signalled(const nt_runner *r) { return r->signalled; }

void nt_runner_stop(nt_runner *r, bool goodbye)
{
    r->stop = true;
    r->goodbye = r->goodbye || goodbye;
    nt_net_loop_stop(r->loop);
}

nt_status nt_runner_timer_set(nt_runner *r, uint64_t id, uint64_t deadline_ms)
{
    if (id >= TIMER_ENGINE)
        return NT_ERR_INVALID_ARG;
    return nt_net_loop_timer_set(r->loop, id, deadline_ms);
}

nt_status nt_runner_add_fd(nt_runner *r, int fd, nt_net_fd_fn fn, void *ctx)
{
    return nt_net_loop_add_fd(r->loop, fd, fn, ctx);
}

nt_status nt_runner_del_fd(nt_runner *r, int fd)
{
    return nt_net_loop_del_fd(r->loop, fd);
}

static void rescan(nt_runner *r);

/* ---- moving data ---------------------------------------------------------- */

static void send_one(nt_runner *r, const nt_mdns_packet_out *p)
{
    nt_net_addr dst;
    nt_net_sock *s;
    nt_status st;

    nt_runner_addr_from_mdns(&dst, &p->dst.addr);
    s = dst.family == NT_NET_IPV4 ? &r->s4 : &r->s6;
    if (s->fd < 0)
        return;
    st = nt_net_sock_send(s, p->ifindex, &dst, p->dst.port, p->data, p->len);
    if (st == NT_OK)
        nt_net_echo_note_sent(&r->echo, p->data, p->len, nt_net_now_ms());
    if (st != NT_OK) {
        char text[NT_NET_ADDR_TEXT_MAX];
        if (nt_net_addr_format(text, sizeof text, &dst) != NT_OK)
            strcpy(text, "?");
        /* One lost datagram is what mDNS is built to survive (§5.2
         * repeats, §8.3 announcements twice); log and carry on. */
        NT_LOGD("net", "send to %s via %s failed: %s (errno %d)", text,
                nt_runner_ifname(r, p->ifindex), nt_strerror(st), nt_net_last_errno());
    }
}

/* Hands the engine's queued events to on_event, oldest first. Not nested:
 * a handler that asks again leaves the rest to the loop already running. */
void nt_runner_deliver_events(nt_runner *r)
{
    if (r->delivering)
        return;
    r->delivering = true;
    while (nt_mdns_event_pop(r->m, &r->ev) == NT_OK)
        if (r->cfg.on_event)
            r->cfg.on_event(r->cfg.ctx, r, &r->ev);
    r->delivering = false;
}

/* Runs the engine, sends what it queued, reports events, re-arms its timer. */
static void pump(nt_runner *r)
{
    uint64_t now = nt_net_now_ms();
    uint64_t next;

    nt_mdns_run(r->m, now);
    while (nt_mdns_output_pop(r->m, &r->tx) == NT_OK)
        send_one(r, &r->tx);
    nt_runner_deliver_events(r);
    next = nt_mdns_next_wakeup(r->m);
    if (next != r->armed) {
        if (next == UINT64_MAX) {
            /* NT_ERR_NOT_FOUND just means it had already fired. */
            if (nt_net_loop_timer_del(r->loop, TIMER_ENGINE) != NT_OK)
                NT_LOGD("net", "engine timer was not armed");
        } else if (nt_net_loop_timer_set(r->loop, TIMER_ENGINE, next) != NT_OK) {
            NT_LOGW("net", "cannot arm the engine timer");
            next = UINT64_MAX;
        }
        r->armed = next;
    }
}

static void on_readable(void *ctx, nt_net_loop *loop, int fd, short events)
{
    nt_runner *r = ctx;
    nt_net_sock *s = fd == r->s4.fd ? &r->s4 : &r->s6;
    nt_net_pktinfo info;
    nt_mdns_packet_in pkt;
    size_t len, i;
    nt_status st;
    (void)loop;
    (void)events;

    for (i = 0; i < RX_BURST; i++) {
        st = nt_net_sock_recv(s, r->rx, sizeof r->rx, &len, &info);
        if (st == NT_ERR_NET_WOULDBLOCK)
            break;
        if (st != NT_OK) {
            NT_LOGD("net", "receive: %s", nt_strerror(st));
            continue;
        }
        /* Only interfaces we run on: the socket is bound to the wildcard
         * address and may see unicast from elsewhere. */
        if (!nt_net_iface_find(&r->ifaces, info.ifindex))
            continue;
        /* Our own multicast, looped back: recognised by content, so that
         * another agent on this host (same addresses) is still heard. */
        if (nt_net_echo_is_own(&r->echo, r->rx, len, nt_net_now_ms()))
            continue;
        if (!nt_net_srclimit_allow(&r->lim, &info.src, nt_net_now_ms()))
            continue;
        memset(&pkt, 0, sizeof pkt);
        pkt.ifindex = info.ifindex;
        nt_runner_addr_to_mdns(&pkt.src.addr, &info.src);
        pkt.src.port = info.src_port;
        pkt.dst_multicast = info.multicast;
        pkt.hop_limit = info.ttl;
        pkt.data = r->rx;
        pkt.len = len;
        st = nt_mdns_input(r->m, &pkt, nt_net_now_ms());
        if (st != NT_OK)
            NT_LOGD("net", "engine refused a datagram: %s", nt_strerror(st));
    }
}

static void on_timer(void *ctx, nt_net_loop *loop, uint64_t id)
{
    nt_runner *r = ctx;
    if (id == TIMER_ENGINE) {
        r->armed = UINT64_MAX; /* fired: pump() re-arms */
        return;
    }
    if (id == TIMER_RESCAN) {
        rescan(r);
        if (nt_net_loop_timer_set(loop, TIMER_RESCAN, nt_net_now_ms() + r->rescan_ms) != NT_OK)
            NT_LOGW("net", "interface rescans stopped");
        return;
    }
    if (id == TIMER_NETLINK) {
        r->nl_pending = false;
        r->nl_last = nt_net_now_ms();
        rescan(r);
        return;
    }
    if (r->cfg.on_timer)
        r->cfg.on_timer(r->cfg.ctx, r, id);
}

static void on_signal(void *ctx, nt_net_loop *loop, int signo)
{
    nt_runner *r = ctx;
    (void)signo;
    (void)loop;
    r->signalled = true;
    nt_runner_stop(r, true);
}

/* ---- following rtnetlink ------------------------------------------------ */

/* Rescans as soon as the kernel reports a link or address change, so a new
 * address is probed and announced, and a lost one said goodbye to, within
 * milliseconds (RFC 6762 §8.4, §10.1) rather than at the next poll. A burst
 * (an `ip` script, DHCP renumbering) is coalesced: at most one rescan per
 * NL_GAP_MS, and the rescan reads the whole state anyway. */
static void nl_schedule(nt_runner *r)
{
    uint64_t now = nt_net_now_ms(), at = r->nl_last + NL_GAP_MS;
    if (r->nl_pending)
        return;
    if (at < now)
        at = now;
    if (nt_net_loop_timer_set(r->loop, TIMER_NETLINK, at) != NT_OK) {
        NT_LOGW("net", "cannot arm the netlink rescan timer; rescanning now");
        r->nl_last = now;
        rescan(r);
        return;
    }
    r->nl_pending = true;
}

/* The watch broke: back to polling every RESCAN_MS. */
static void nl_stop(nt_runner *r)
{
    NT_LOGW("net", "netlink watch failed (errno %d): rescanning interfaces every %d s",
            nt_net_last_errno(), RESCAN_MS / 1000);
    if (nt_net_loop_del_fd(r->loop, nt_net_nl_fd(r->nl)) != NT_OK)
        NT_LOGD("net", "netlink socket was not watched");
    nt_net_nl_close(r->nl);
    r->nl = NULL;
    r->rescan_ms = RESCAN_MS;
    if (nt_net_loop_timer_set(r->loop, TIMER_RESCAN, nt_net_now_ms() + RESCAN_MS) != NT_OK)
        NT_LOGW("net", "interface rescans stopped");
}

static void on_netlink(void *ctx, nt_net_loop *loop, int fd, short events)
{
    nt_runner *r = ctx;
    nt_net_nl_batch batch;
    bool news = false;
    size_t i;
    (void)loop;
    (void)fd;
    (void)events;

    for (i = 0; i < NL_BURST; i++) {
        nt_status st = nt_net_nl_read(r->nl, &batch);
        if (st == NT_ERR_NET_WOULDBLOCK)
            break;
        if (st == NT_ERR_PERM)
            continue; /* not from the kernel: ignored */
        if (st == NT_ERR_NET_RECV) {
            nl_stop(r);
            news = true;
            break;
        }
        /* Lost (ENOBUFS), cut or unreadable notifications: we do not
         * know what changed, and the rescan reads everything. */
        if (st != NT_OK || batch.lost)
            NT_LOGD("net", "netlink: %s; rescanning", st != NT_OK ? nt_strerror(st) : "overrun");
        news = news || st != NT_OK || batch.lost || batch.n > 0;
    }
    if (news)
        nl_schedule(r);
}

/* Opens the watch; without it (no netlink here) the poll stays at
 * RESCAN_MS. A change between the first interface listing and now would
 * go unseen until the poll, so one rescan is scheduled right away. */
static void nl_start(nt_runner *r)
{
    nt_status st = nt_net_nl_open(&r->nl);
    r->rescan_ms = RESCAN_MS;
    if (st == NT_OK)
        st = nt_net_loop_add_fd(r->loop, nt_net_nl_fd(r->nl), on_netlink, r);
    if (st != NT_OK) {
        NT_LOGW("net", "no netlink watch (%s, errno %d): rescanning interfaces every %d s",
                nt_strerror(st), nt_net_last_errno(), RESCAN_MS / 1000);
        nt_net_nl_close(r->nl);
        r->nl = NULL;
        return;
    }
    r->rescan_ms = RESCAN_NL_MS;
    nl_schedule(r);
}

/* ---- setup -------------------------------------------------------------- */

/* True if an interface of this name exists, is up and can multicast. */
static bool iface_name_ok(const char *name)
{
    nt_net_iface_set one;
    return nt_net_iface_list(&one, &name, 1, false) == NT_OK;
}

/* Joins the groups on interface i for every family that has a socket, an
 * address there and no membership yet. */
static void join_iface(nt_runner *r, size_t i)
{
    const nt_net_iface *ifc = &r->ifaces.ifs[i];
    int k;
    for (k = 0; k < 2; k++) {
        uint8_t family = k == 0 ? NT_NET_IPV4 : NT_NET_IPV6;
        nt_net_sock *s = k == 0 ? &r->s4 : &r->s6;
        bool *on = k == 0 ? &r->v4_on[i] : &r->v6_on[i];
        nt_status st;
        /* An interface without an address of the family cannot take part
         * in it (no source address for our packets). */
        if (*on || s->fd < 0 || !nt_net_iface_first_addr(ifc, family, false))
            continue;
        st = nt_net_sock_join(s, ifc);
        if (st != NT_OK) {
            NT_LOGW("net", "%s: joining the IPv%u mDNS group: %s (errno %d)", ifc->name,
                    (unsigned)family, nt_strerror(st), nt_net_last_errno());
            continue;
        }
        *on = true;
    }
}

/* Gives interface i, with the addresses we publish on it, to the engine. */
static nt_status engine_iface_add(nt_runner *r, size_t i, uint64_t now)
{
    const nt_net_iface *ifc = &r->ifaces.ifs[i];
    nt_mdns_ifaddr addrs[NT_MDNS_IFACE_ADDRS_MAX];
    nt_mdns_iface_config ic;
    bool wide[2] = {false, false};
    size_t j, n = 0;
    int pass;

    /* Link-local addresses are published only when the interface has no
     * wider address of that family, as Avahi does: a peer that takes the
     * first AAAA it sees (avahi-resolve) then gets one that works beyond
     * this link. Wider scopes go first (RFC 6724 §6 order). */
    for (j = 0; j < ifc->n_addrs; j++)
        if (!nt_net_addr_is_link_local(&ifc->addrs[j].addr))
            wide[ifc->addrs[j].addr.family == NT_NET_IPV6] = true;
    for (pass = 0; pass < 3; pass++) {
        for (j = 0; j < ifc->n_addrs && n < NT_MDNS_IFACE_ADDRS_MAX; j++) {
            const nt_net_addr *a = &ifc->addrs[j].addr;
            bool ll = nt_net_addr_is_link_local(a);
            int rank = a->family == NT_NET_IPV4 ? 0 : ll ? 2 : 1;
            if (rank != pass || (a->family == NT_NET_IPV4 && !r->v4_on[i]) ||
                (a->family == NT_NET_IPV6 && !r->v6_on[i]) || (ll && wide[a->family == NT_NET_IPV6]))
                continue;
            nt_runner_addr_to_mdns(&addrs[n].addr, a);
            addrs[n].prefix_len = ifc->addrs[j].len;
            n++;
        }
    }
    memset(&ic, 0, sizeof ic);
    ic.ifindex = ifc->index;
    ic.name = ifc->name;
    ic.addrs = addrs;
    ic.addr_count = n;
    /* A family whose last address went away stops on this interface (the
     * group membership stays, ready for the address to come back). */
    ic.ipv4 = r->v4_on[i] && nt_net_iface_first_addr(ifc, NT_NET_IPV4, false) != NULL;
    ic.ipv6 = r->v6_on[i] && nt_net_iface_first_addr(ifc, NT_NET_IPV6, false) != NULL;
    if (!ic.ipv4 && !ic.ipv6) {
        nt_status st = nt_mdns_iface_del(r->m, ifc->index, now);
        return st == NT_ERR_MDNS_NO_IFACE ? NT_OK : st;
    }
    return nt_mdns_iface_add(r->m, &ic, now);
}

static bool same_addrs(const nt_net_iface *a, const nt_net_iface *b)
{
    size_t i;
    if (a->n_addrs != b->n_addrs)
        return false;
    for (i = 0; i < a->n_addrs; i++)
        if (a->addrs[i].len != b->addrs[i].len ||
            !nt_net_addr_equal(&a->addrs[i].addr, &b->addrs[i].addr))
            return false;
    return true;
}

/* Re-reads the interfaces, when rtnetlink reports a change (nl_schedule)
 * and every rescan_ms as a fallback. New interfaces are joined and added,
 * changed address sets are handed to the engine (which re-probes and
 * re-announces, RFC 6762 §8.4), vanished ones removed. */
static void rescan(nt_runner *r)
{
    nt_net_iface_set *next;
    bool v4[NT_NET_IFACES_MAX], v6[NT_NET_IFACES_MAX];
    bool was4[NT_NET_IFACES_MAX], was6[NT_NET_IFACES_MAX];
    nt_net_iface_set *prev;
    uint64_t now = nt_net_now_ms();
    size_t i, j;

    next = nt_calloc(2, sizeof *next);
    if (!next)
        return;
    prev = &next[1];
    if (nt_net_iface_list(&next[0], r->cfg.ifnames, r->cfg.n_ifnames, false) != NT_OK) {
        /* A named interface is gone or down: keep what we have until it
         * is back rather than guess. */
        nt_free(next);
        return;
    }
    *prev = r->ifaces;
    memcpy(was4, r->v4_on, sizeof was4);
    memcpy(was6, r->v6_on, sizeof was6);
    memset(v4, 0, sizeof v4);
    memset(v6, 0, sizeof v6);
    for (i = 0; i < next[0].n; i++)
        for (j = 0; j < prev->n; j++)
            if (prev->ifs[j].index == next[0].ifs[i].index) {
                v4[i] = was4[j];
                v6[i] = was6[j];
            }
    r->ifaces = next[0];
    memcpy(r->v4_on, v4, sizeof v4);
    memcpy(r->v6_on, v6, sizeof v6);

    for (j = 0; j < prev->n; j++) {
        if ((was4[j] || was6[j]) && !nt_net_iface_find(&r->ifaces, prev->ifs[j].index)) {
            NT_LOGI("net", "%s is gone", prev->ifs[j].name);
            if (nt_mdns_iface_del(r->m, prev->ifs[j].index, now) != NT_OK)
                NT_LOGD("net", "%s was not known to the engine", prev->ifs[j].name);
        }
    }
    for (i = 0; i < r->ifaces.n; i++) {
        const nt_net_iface *old = nt_net_iface_find(prev, r->ifaces.ifs[i].index);
        bool had4 = r->v4_on[i], had6 = r->v6_on[i];
        join_iface(r, i);
        if (!r->v4_on[i] && !r->v6_on[i])
            continue;
        if (old && had4 == r->v4_on[i] && had6 == r->v6_on[i] && same_addrs(old, &r->ifaces.ifs[i]))
            continue;
        NT_LOGI("net", "%s: addresses changed", r->ifaces.ifs[i].name);
        if (engine_iface_add(r, i, now) != NT_OK)
            NT_LOGW("net", "%s: engine refused the new addresses", r->ifaces.ifs[i].name);
    }
    nt_free(next);
}

nt_status nt_runner_create(nt_runner **out, const nt_runner_config *cfg, char *why,
                           size_t why_cap)
{
    nt_runner *r;
    nt_mdns_config mc;
    nt_status st, st4 = NT_ERR_NET_AF_UNSUPPORTED, st6 = NT_ERR_NET_AF_UNSUPPORTED;
    uint64_t now;

    size_t i, joined;

    if (!out || !cfg || cfg->n_ifnames > NT_RUNNER_IFACES_MAX || !why || why_cap == 0)
        return NT_ERR_INVALID_ARG;
    why[0] = 0;
    *out = NULL;
    r = nt_calloc(1, sizeof *r);
    if (!r)
        return NT_ERR_NOMEM;
    r->cfg = *cfg;
    r->s4.fd = r->s6.fd = -1;
    r->armed = UINT64_MAX;

    st = nt_runner_host_name(r->host, sizeof r->host, cfg->host_name);
    if (st != NT_OK) {
        snprintf(why, why_cap, "host name: %s", nt_strerror(st));
        goto fail;
    }
    st = nt_net_iface_list(&r->ifaces, cfg->ifnames, cfg->n_ifnames, false);
    if (st != NT_OK) {
        /* Name the interface at fault when one was asked for. */
        for (i = 0; i < cfg->n_ifnames; i++)
            if (!iface_name_ok(cfg->ifnames[i]))
                break;
        if (i < cfg->n_ifnames)
            snprintf(why, why_cap, "interface %s: %s", cfg->ifnames[i], nt_strerror(st));
        else
            snprintf(why, why_cap, "interfaces: %s", nt_strerror(st));
        goto fail;
    }
    if (!cfg->no_ipv4 && (st4 = nt_net_sock_open(&r->s4, NT_NET_IPV4, NT_NET_MDNS_PORT)) != NT_OK)
        NT_LOGW("net", "IPv4 socket: %s (errno %d)", nt_strerror(st4), nt_net_last_errno());
    if (!cfg->no_ipv6 && (st6 = nt_net_sock_open(&r->s6, NT_NET_IPV6, NT_NET_MDNS_PORT)) != NT_OK)
        NT_LOGW("net", "IPv6 socket: %s (errno %d)", nt_strerror(st6), nt_net_last_errno());
    if (r->s4.fd < 0 && r->s6.fd < 0) {
        st = cfg->no_ipv4 ? st6 : st4;
        snprintf(why, why_cap, "no usable mDNS socket: %s (errno %d)", nt_strerror(st),
                 nt_net_last_errno());
        goto fail;
    }
    joined = 0;
    for (i = 0; i < r->ifaces.n; i++) {
        join_iface(r, i);
        joined += (r->v4_on[i] || r->v6_on[i]) ? 1u : 0u;
    }
    if (joined == 0) {
        st = NT_ERR_NET_NO_IFACE;
        snprintf(why, why_cap, "no interface with an address to speak mDNS from");
        goto fail;
    }

    snprintf(why, why_cap, "event loop");
    st = nt_net_srclimit_init(&r->lim, SRC_BUCKETS, SRC_RATE, SRC_BURST);
    if (st == NT_OK)
        st = nt_net_echo_init(&r->echo, ECHO_WINDOW_MS);
    if (st != NT_OK)
        goto fail;
    /* s4, s6, netlink, and the caller's own (nt_runner_add_fd). */
    st = nt_net_loop_create(&r->loop, 3 + NT_RUNNER_EXTRA_FDS + NT_RUNNER_CTL_FDS, 16, on_timer, r);
    if (st != NT_OK)
        goto fail;
    if (r->s4.fd >= 0 && (st = nt_net_loop_add_fd(r->loop, r->s4.fd, on_readable, r)) != NT_OK)
        goto fail;
    if (r->s6.fd >= 0 && (st = nt_net_loop_add_fd(r->loop, r->s6.fd, on_readable, r)) != NT_OK)
        goto fail;
    st = nt_net_loop_catch_signals(r->loop, on_signal, r);
    if (st != NT_OK)
        goto fail;

    nt_mdns_config_init(&mc);
    mc.host_name = r->host;
    mc.rng = rng_u32;
    mc.rng_ctx = r;
    mc.seed = rng_u32(r);
    /* Our own echoes are dropped here by content (nt_net_echo), so datagrams
     * from our addresses are other agents on this host. */
    mc.same_host_peers = true;
    if (cfg->configure)
        cfg->configure(cfg->ctx, &mc);
    st = nt_mdns_create(&r->m, &mc);
    if (st != NT_OK) {
        snprintf(why, why_cap, "mDNS engine for host %s: %s", r->host, nt_strerror(st));
        goto fail;
    }
    now = nt_net_now_ms();
    for (i = 0; i < r->ifaces.n; i++) {
        if (!r->v4_on[i] && !r->v6_on[i])
            continue;
        st = engine_iface_add(r, i, now);
        if (st != NT_OK) {
            snprintf(why, why_cap, "%s: engine refused the interface: %s", r->ifaces.ifs[i].name,
                     nt_strerror(st));
            goto fail;
        }
    }
    nl_start(r);
    st = nt_net_loop_timer_set(r->loop, TIMER_RESCAN, now + r->rescan_ms);
    if (st != NT_OK)
        goto fail;
    why[0] = 0;
    *out = r;
    return NT_OK;
fail:
    nt_runner_destroy(r);
    return st;
}

void nt_runner_destroy(nt_runner *r)
{
    if (!r)
        return;
    if (r->lim.dropped)
        NT_LOGI("net", "%llu datagrams over a source's budget were dropped",
                (unsigned long long)r->lim.dropped);
    nt_mdns_destroy(r->m);
    nt_net_loop_destroy(r->loop);
    nt_net_nl_close(r->nl);
    nt_net_srclimit_cleanup(&r->lim);
    /* Closing the sockets leaves the groups (the kernel drops memberships). */
    nt_net_sock_close(&r->s4);
    nt_net_sock_close(&r->s6);
    nt_free(r);
}

/* ---- running ------------------------------------------------------------ */

static void flush_goodbyes(nt_runner *r)
{
    uint64_t now = nt_net_now_ms();
    int round;

    nt_mdns_shutdown(r->m, now);
    for (round = 0; round < FLUSH_ROUNDS; round++) {
        bool any = false;
        nt_mdns_run(r->m, nt_net_now_ms());
        while (nt_mdns_output_pop(r->m, &r->tx) == NT_OK) {
            send_one(r, &r->tx);
            any = true;
        }
        while (nt_mdns_event_pop(r->m, &r->ev) == NT_OK)
            if (r->cfg.on_event)
                r->cfg.on_event(r->cfg.ctx, r, &r->ev);
        if (!any)
            break;
    }
}

nt_status nt_runner_run(nt_runner *r)
{
    nt_status st = NT_OK;

    if (!r)
        return NT_ERR_INVALID_ARG;
    pump(r);
    while (!r->stop) {
        st = nt_net_loop_run_once(r->loop, -1);
        if (st != NT_OK)
            break;
        if (r->stop)
            break;
        pump(r);
    }
    if (r->goodbye)
        flush_goodbyes(r);
    return st;
}
