/* agent/bus/sub_int.h - the subscriber's inside (sub.c, sub_next.c). Private. */
#ifndef NAUTILUS_AGENT_BUS_SUB_INT_H
#define NAUTILUS_AGENT_BUS_SUB_INT_H

#include "verify.h"

#define NT_BUS_SUB_TOPICS_MAX 32u
#define NT_BUS_SNAPSHOT_ITEMS_MAX 65536u

typedef struct nt_bus_sub_out {
    nt_bus_sub_kind kind;
    nt_bus_msg msg; /* EVENT and SNAPSHOT_ITEM */
    uint64_t seq, from, to;
} nt_bus_sub_out;

struct nt_bus_sub {
    void *zctx, *sub;
    char *endpoint, *snapshot;
    char *topics[NT_BUS_SUB_TOPICS_MAX];
    size_t n_topics;
    bool curve;
    char server_key[41], curve_public[41], curve_secret[41];
    unsigned snap_timeout, snap_tries;
    nt_bus_ver ver;
    bool synced;            /* next_seq is known */
    uint64_t next_seq;
    uint64_t last_delivered; /* seq of the last EVENT handed out */
    bool need_snapshot;
    uint64_t head_gap_to;   /* a head showed events up to here lost (0: none) */
    bool have_held;         /* the event after a gap, waiting for the snapshot */
    nt_bus_msg held;
    nt_bus_sub_out *oq;     /* what to hand out, in order */
    size_t oq_head, oq_len, oq_cap;
    nt_bus_msg cur;         /* handed out last; freed on the next call */
    uint64_t last_rx;       /* monotonic ms of the last message (or connect) */
    nt_bus_sub_stats stats;
};

int nt_bus_sub_sock_setup(nt_bus_sub *s, void *sock);
NT_WUR nt_status nt_bus_sub_outq_push(nt_bus_sub *s, nt_bus_sub_kind kind, nt_bus_msg *m,
                                      uint64_t seq, uint64_t from, uint64_t to);

#endif
