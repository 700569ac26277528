/* net_probe: exercises agent/net over real interfaces, for netns_sockets.sh.
 *
 *   net_probe answer IF SECONDS   join the mDNS groups on IF; for each
 *                                 multicast datagram print what recvmsg
 *                                 reported and answer it by unicast to its
 *                                 source (as a QU answer would, RFC 6762
 *                                 §5.4); exit 0 once both families were seen
 *   net_probe ask IF SECONDS      send one datagram to each group out of IF
 *                                 and wait for both unicast answers
 *
 * One line per datagram: "rx v4|v6 if=IF src=ADDR dst=ADDR ttl=N mcast=0|1 data=TEXT".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nautilus/net.h"

typedef struct probe {
    bool answer;
    nt_net_iface_set ifs;
    nt_net_sock s[2];
    bool seen[2];
    int rc;
} probe;

static void on_readable(void *ctx, nt_net_loop *loop, int fd, short events)
{
    probe *p = ctx;
    int k = fd == p->s[0].fd ? 0 : 1;
    uint8_t buf[NT_NET_PACKET_MAX + 1];
    size_t len;
    nt_net_pktinfo info;
    char src[NT_NET_ADDR_TEXT_MAX], dst[NT_NET_ADDR_TEXT_MAX];
    (void)events;

    while (nt_net_sock_recv(&p->s[k], buf, sizeof buf - 1, &len, &info) == NT_OK) {
        const nt_net_iface *ifc = nt_net_iface_find(&p->ifs, info.ifindex);
        buf[len] = 0;
        if (!ifc)
            continue;
        /* Our own multicast comes back (loop on); the engine would drop it. */
        if (strncmp((char *)buf, p->answer ? "answer" : "question", 6) == 0)
            continue;
        if (nt_net_addr_format(src, sizeof src, &info.src) != NT_OK ||
            nt_net_addr_format(dst, sizeof dst, &info.dst) != NT_OK)
            continue;
        printf("rx v%u if=%s src=%s dst=%s ttl=%d mcast=%d onlink=%d data=%s\n",
               (unsigned)info.src.family, ifc->name, src, dst, info.ttl, info.multicast ? 1 : 0,
               nt_net_iface_is_onlink(ifc, &info.src) ? 1 : 0, (char *)buf);
        fflush(stdout);
        if (p->answer) {
            if (!info.multicast)
                continue;
            if (nt_net_sock_send(&p->s[k], info.ifindex, &info.src, info.src_port,
                                 (const uint8_t *)"answer", 6) != NT_OK) {
                printf("send answer failed (errno %d)\n", nt_net_last_errno());
                p->rc = 1;
            }
        } else if (info.multicast) {
            continue;
        }
        p->seen[k] = true;
        if (p->seen[0] && p->seen[1])
            nt_net_loop_stop(loop);
    }
}

static void on_timer(void *ctx, nt_net_loop *loop, uint64_t id)
{
    probe *p = ctx;
    (void)id;
    printf("timeout (v4 %s, v6 %s)\n", p->seen[0] ? "seen" : "missing",
           p->seen[1] ? "seen" : "missing");
    p->rc = 1;
    nt_net_loop_stop(loop);
}

int main(int argc, char **argv)
{
    probe p;
    nt_net_loop *loop = NULL;
    const char *names[1];
    nt_status st;
    int k;

    if (argc != 4 || (strcmp(argv[1], "answer") != 0 && strcmp(argv[1], "ask") != 0)) {
        fputs("usage: net_probe answer|ask IF SECONDS\n", stderr);
        return 2;
    }
    memset(&p, 0, sizeof p);
    p.answer = strcmp(argv[1], "answer") == 0;
    names[0] = argv[2];
    st = nt_net_iface_list(&p.ifs, names, 1, false);
    if (st != NT_OK) {
        printf("iface %s: %s\n", argv[2], nt_strerror(st));
        return 1;
    }
    if (nt_net_loop_create(&loop, 2, 1, on_timer, &p) != NT_OK)
        return 1;
    for (k = 0; k < 2; k++) {
        uint8_t fam = k == 0 ? NT_NET_IPV4 : NT_NET_IPV6;
        st = nt_net_sock_open(&p.s[k], fam, NT_NET_MDNS_PORT);
        if (st == NT_OK)
            st = nt_net_sock_join(&p.s[k], &p.ifs.ifs[0]);
        if (st == NT_OK)
            st = nt_net_loop_add_fd(loop, p.s[k].fd, on_readable, &p);
        if (st != NT_OK) {
            printf("IPv%u socket: %s (errno %d)\n", (unsigned)fam, nt_strerror(st),
                   nt_net_last_errno());
            return 1;
        }
    }
    if (nt_net_loop_timer_set(loop, 1, nt_net_now_ms() + (uint64_t)atoi(argv[3]) * 1000u) != NT_OK)
        return 1;
    if (!p.answer) {
        for (k = 0; k < 2; k++) {
            nt_net_addr g;
            nt_net_addr_mdns_group(&g, k == 0 ? NT_NET_IPV4 : NT_NET_IPV6);
            st = nt_net_sock_send(&p.s[k], p.ifs.ifs[0].index, &g, NT_NET_MDNS_PORT,
                                  (const uint8_t *)"question", 8);
            if (st != NT_OK) {
                printf("send to group v%d failed: %s (errno %d)\n", k ? 6 : 4, nt_strerror(st),
                       nt_net_last_errno());
                return 1;
            }
        }
    } else {
        printf("ready\n");
        fflush(stdout);
    }
    st = nt_net_loop_run(loop);
    if (st != NT_OK)
        p.rc = 1;
    nt_net_loop_destroy(loop);
    nt_net_sock_close(&p.s[0]);
    nt_net_sock_close(&p.s[1]);
    return p.rc;
}
