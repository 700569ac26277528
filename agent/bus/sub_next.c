/* agent/bus: the subscriber's loop: read, verify, order by seq, resync. */
#include <poll.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <zmq.h>

#include "nautilus/codec.h"
#include "nautilus/mem.h"
#include "sub_int.h"

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* One two-frame message; false when none (or the socket failed). A message
 * of another shape is read whole and counted malformed. */
static bool recv2(void *sock, zmq_msg_t *topic, zmq_msg_t *body, int flags, bool *bad)
{
    int more;
    *bad = false;
    zmq_msg_init(topic);
    zmq_msg_init(body);
    if (zmq_msg_recv(topic, sock, flags) < 0)
        return false;
    if (!zmq_msg_more(topic)) {
        *bad = true;
        return true;
    }
    if (zmq_msg_recv(body, sock, 0) < 0)
        return false;
    more = zmq_msg_more(body);
    while (more) { /* extra frames: read them away */
        zmq_msg_t x;
        zmq_msg_init(&x);
        if (zmq_msg_recv(&x, sock, 0) < 0)
            more = 0;
        else
            more = zmq_msg_more(&x);
        zmq_msg_close(&x);
        *bad = true;
    }
    return true;
}

/* ---- snapshots -------------------------------------------------------------- */

typedef struct snap {
    nt_bus_msg *items;
    size_t n, cap;
} snap;

static void snap_free(snap *sn)
{
    while (sn->n)
        nt_bus_msg_free(&sn->items[--sn->n]);
    nt_free(sn->items);
    memset(sn, 0, sizeof *sn);
}

static nt_status snap_add(snap *sn, const zmq_msg_t *t, const zmq_msg_t *b)
{
    nt_status st;
    if (sn->n == NT_BUS_SNAPSHOT_ITEMS_MAX)
        return NT_ERR_CAP;
    if (sn->n == sn->cap) {
        size_t cap = sn->cap ? sn->cap * 2 : 64;
        nt_bus_msg *g = nt_realloc(sn->items, cap * sizeof *g);
        if (!g)
            return NT_ERR_NOMEM;
        sn->items = g;
        sn->cap = cap;
    }
    st = nt_bus_msg_parse(&sn->items[sn->n], zmq_msg_data((zmq_msg_t *)t),
                          zmq_msg_size((zmq_msg_t *)t), zmq_msg_data((zmq_msg_t *)b),
                          zmq_msg_size((zmq_msg_t *)b));
    if (st == NT_OK)
        sn->n++;
    return st;
}

/* One request on a fresh DEALER; NT_OK with the verified items and seq. */
static nt_status snapshot_try(nt_bus_sub *s, snap *sn, uint64_t *seq, uint8_t hash[32])
{
    uint8_t nonce[NT_BUS_NONCE_LEN];
    char nonce_hex[2 * NT_BUS_NONCE_LEN + 1];
    uint64_t deadline = mono_ms() + s->snap_timeout;
    nt_status st = NT_ERR_TIMEOUT;
    void *d = zmq_socket(s->zctx, ZMQ_DEALER);
    randombytes_buf(nonce, sizeof nonce);
    if (!d || nt_bus_sub_sock_setup(s, d) != 0 || zmq_connect(d, s->snapshot) != 0 ||
        nt_hex_encode(nonce_hex, sizeof nonce_hex, nonce, sizeof nonce) != NT_OK ||
        zmq_send(d, NT_BUS_SNAPSHOT_REQUEST, strlen(NT_BUS_SNAPSHOT_REQUEST), ZMQ_SNDMORE) < 0 ||
        zmq_send(d, nonce_hex, 2 * NT_BUS_NONCE_LEN, 0) < 0) {
        st = NT_ERR_BUS_ZMQ;
        goto out;
    }
    for (;;) {
        zmq_pollitem_t it = {d, 0, ZMQ_POLLIN, 0};
        zmq_msg_t t, b;
        bool bad;
        uint64_t now = mono_ms();
        if (now >= deadline || zmq_poll(&it, 1, (long)(deadline - now)) <= 0)
            break;
        if (!recv2(d, &t, &b, ZMQ_DONTWAIT, &bad)) {
            zmq_msg_close(&t);
            zmq_msg_close(&b);
            continue;
        }
        if (bad) {
            st = NT_ERR_BUS_MALFORMED;
        } else if (zmq_msg_size(&t) == strlen(NT_BUS_SNAPSHOT_END_TOPIC) &&
                   memcmp(zmq_msg_data(&t), NT_BUS_SNAPSHOT_END_TOPIC, zmq_msg_size(&t)) == 0) {
            st = nt_bus_ver_snapshot(&s->ver, sn->items, sn->n, zmq_msg_data(&b),
                                     zmq_msg_size(&b), nonce, seq, hash);
        } else {
            st = snap_add(sn, &t, &b);
            if (st == NT_OK)
                st = NT_ERR_TIMEOUT; /* not done yet */
        }
        zmq_msg_close(&t);
        zmq_msg_close(&b);
        if (st != NT_ERR_TIMEOUT)
            break;
    }
out:
    if (d)
        zmq_close(d);
    return st;
}

/* Takes a snapshot (a few tries) and queues BEGIN, the items, END. */
static nt_status snapshot_take(nt_bus_sub *s)
{
    unsigned i;
    uint64_t seq = 0;
    uint8_t hash[32];
    nt_status st = NT_ERR_BUS_SNAPSHOT;
    snap sn;
    memset(&sn, 0, sizeof sn);
    for (i = 0; i < s->snap_tries; i++) {
        st = snapshot_try(s, &sn, &seq, hash);
        if (st == NT_OK)
            break;
        if (st == NT_ERR_BUS_AUTH || st == NT_ERR_BUS_MALFORMED || st == NT_ERR_BUS_AGENT)
            s->stats.unauthenticated++;
        snap_free(&sn);
    }
    if (st != NT_OK)
        return st;
    s->stats.resyncs++;
    st = nt_bus_sub_outq_push(s, NT_BUS_SUB_SNAPSHOT_BEGIN, NULL, seq, 0, 0);
    for (i = 0; st == NT_OK && i < sn.n; i++)
        st = nt_bus_sub_outq_push(s, NT_BUS_SUB_SNAPSHOT_ITEM, &sn.items[i], sn.items[i].seq, 0, 0);
    if (st == NT_OK)
        st = nt_bus_sub_outq_push(s, NT_BUS_SUB_SNAPSHOT_END, NULL, seq, 0, 0);
    snap_free(&sn);
    if (st == NT_OK) {
        s->synced = true;
        s->next_seq = seq + 1;
    }
    return st;
}

/* ---- ordering ---------------------------------------------------------------- */

static bool topic_wanted(const nt_bus_sub *s, const char *topic)
{
    size_t i;
    if (s->n_topics == 0)
        return true;
    for (i = 0; i < s->n_topics; i++)
        if (strncmp(topic, s->topics[i], strlen(s->topics[i])) == 0)
            return true;
    return false;
}

static nt_status gap_report(nt_bus_sub *s, uint64_t from, uint64_t to)
{
    s->stats.unfilled++;
    return nt_bus_sub_outq_push(s, NT_BUS_SUB_GAP, NULL, 0, from, to);
}

/* One authenticated event, in arrival order: deliver, drop or see a gap. */
static nt_status order(nt_bus_sub *s, nt_bus_msg *m)
{
    if (s->ver.run_changed) { /* the agent restarted: its seq starts again */
        s->ver.run_changed = false;
        s->synced = false;
        s->last_delivered = 0;
        s->need_snapshot = s->snapshot != NULL;
    }
    if (!s->synced && s->need_snapshot) {
        s->held = *m;
        s->have_held = true;
        return NT_OK;
    }
    if (!s->synced) {
        s->synced = true;
        s->next_seq = m->seq;
    }
    if (m->seq < s->next_seq) {
        if (m->seq <= s->last_delivered)
            s->stats.stale++;
        nt_bus_msg_free(m);
        return NT_OK;
    }
    if (m->seq > s->next_seq) {
        s->stats.gaps++;
        s->stats.missed += m->seq - s->next_seq;
        if (s->snapshot) {
            s->held = *m;
            s->have_held = true;
            s->need_snapshot = true;
            return NT_OK;
        }
        nt_status st = gap_report(s, s->next_seq, m->seq - 1);
        if (st != NT_OK)
            return st;
    }
    s->next_seq = m->seq + 1;
    s->last_delivered = m->seq;
    if (topic_wanted(s, m->topic))
        return nt_bus_sub_outq_push(s, NT_BUS_SUB_EVENT, m, m->seq, 0, 0);
    nt_bus_msg_free(m);
    return NT_OK;
}

/* Every event a head covers has been handed to order(): if the head is
 * past what was delivered, the events between were lost (the tail of a
 * burst, with nothing after it to show the gap). */
static nt_status head_gap(nt_bus_sub *s)
{
    uint64_t last = s->ver.head_seq;
    if (s->ver.run_changed && !s->have_held) {
        /* The agent restarted and only heads of its new run reached us (its
         * first events went out before we reconnected): resync as order()
         * does, or else report what the new run's head covers as lost. */
        s->ver.run_changed = false;
        s->last_delivered = 0;
        if (s->snapshot) {
            s->synced = false;
            s->need_snapshot = true;
            return NT_OK;
        }
        s->next_seq = 1;
    }
    if (!s->synced || s->have_held || last < s->next_seq)
        return NT_OK;
    s->stats.gaps++;
    s->stats.missed += last - s->next_seq + 1;
    if (s->snapshot) {
        s->need_snapshot = true;
        s->head_gap_to = last; /* reported if no snapshot comes */
        return NT_OK;
    }
    {
        nt_status st = gap_report(s, s->next_seq, last);
        s->next_seq = last + 1;
        return st;
    }
}

/* After a snapshot (or a failed one), the event that was waiting. */
static nt_status resume_held(nt_bus_sub *s, bool snapshot_ok)
{
    nt_bus_msg m = s->held;
    s->have_held = false;
    memset(&s->held, 0, sizeof s->held);
    if (!snapshot_ok) {
        nt_status st = s->synced ? gap_report(s, s->next_seq, m.seq - 1) : NT_OK;
        s->synced = true;
        s->next_seq = m.seq;
        if (st != NT_OK)
            return st;
    } else if (m.seq > s->next_seq) { /* the snapshot is older than what we hold */
        nt_status st = gap_report(s, s->next_seq, m.seq - 1);
        s->next_seq = m.seq;
        if (st != NT_OK)
            return st;
    }
    return order(s, &m);
}

/* Reads what is waiting on the SUB socket (at most a batch) into the verifier. */
static nt_status drain(nt_bus_sub *s, int timeout_ms)
{
    zmq_pollitem_t it = {s->sub, 0, ZMQ_POLLIN, 0};
    int i, rc = zmq_poll(&it, 1, timeout_ms);
    if (rc < 0)
        return zmq_errno() == EINTR ? NT_ERR_IO : NT_ERR_BUS_ZMQ;
    for (i = 0; rc > 0 && i < 4096; i++) {
        zmq_msg_t t, b;
        bool bad;
        if (!recv2(s->sub, &t, &b, ZMQ_DONTWAIT, &bad)) {
            zmq_msg_close(&t);
            zmq_msg_close(&b);
            break;
        }
        s->stats.received++;
        s->last_rx = mono_ms();
        if (bad)
            s->stats.malformed++;
        else if (nt_bus_ver_input(&s->ver, zmq_msg_data(&t), zmq_msg_size(&t), zmq_msg_data(&b),
                                  zmq_msg_size(&b)) != NT_OK)
            s->stats.refused++; /* and counted by kind in the verifier */
        zmq_msg_close(&t);
        zmq_msg_close(&b);
    }
    return NT_OK;
}

/* Hands out the next queued item, if any. */
static bool outq_pop(nt_bus_sub *s, nt_bus_sub_event *ev)
{
    nt_bus_sub_out *o;
    if (s->oq_head == s->oq_len) {
        s->oq_head = s->oq_len = 0;
        return false;
    }
    o = &s->oq[s->oq_head++];
    memset(ev, 0, sizeof *ev);
    s->cur = o->msg;
    memset(&o->msg, 0, sizeof o->msg);
    ev->kind = o->kind;
    ev->seq = o->seq;
    ev->gap_from = o->from;
    ev->gap_to = o->to;
    if (o->kind == NT_BUS_SUB_EVENT || o->kind == NT_BUS_SUB_SNAPSHOT_ITEM) {
        ev->topic = s->cur.topic;
        ev->body = s->cur.body;
        ev->body_len = s->cur.blen;
        if (o->kind == NT_BUS_SUB_EVENT)
            s->stats.delivered++;
    } else {
        ev->topic = o->kind == NT_BUS_SUB_SNAPSHOT_END ? NT_BUS_SNAPSHOT_END_TOPIC : "";
        ev->body = "";
    }
    return true;
}

nt_status nt_bus_sub_next(nt_bus_sub *s, nt_bus_sub_event *ev, int timeout_ms)
{
    uint64_t deadline = timeout_ms < 0 ? UINT64_MAX : mono_ms() + (uint64_t)timeout_ms;
    nt_bus_msg_free(&s->cur);
    for (;;) {
        nt_bus_msg m;
        nt_status st;
        uint64_t now;
        if (outq_pop(s, ev))
            return NT_OK;
        if (s->need_snapshot) {
            bool ok;
            s->need_snapshot = false;
            ok = snapshot_take(s) == NT_OK;
            if (s->have_held) {
                if ((st = resume_held(s, ok)) != NT_OK)
                    return st;
            } else if (!ok && s->synced && s->head_gap_to >= s->next_seq) {
                uint64_t from = s->next_seq;
                s->next_seq = s->head_gap_to + 1;
                if ((st = gap_report(s, from, s->head_gap_to)) != NT_OK)
                    return st;
            }
            s->head_gap_to = 0;
            continue;
        }
        if (nt_bus_ver_pop(&s->ver, &m)) {
            if ((st = order(s, &m)) != NT_OK)
                return st;
            continue;
        }
        if (s->ver.head_new) {
            s->ver.head_new = false;
            if ((st = head_gap(s)) != NT_OK)
                return st;
            continue;
        }
        now = mono_ms();
        if (now >= deadline && timeout_ms >= 0)
            return NT_ERR_TIMEOUT;
        if (now - s->last_rx >= NT_BUS_SILENCE_MS) {
            /* heads come every NT_BUS_HEAD_IDLE_MS: the connection is gone */
            s->last_rx = now;
            s->stats.reconnects++;
            if (zmq_disconnect(s->sub, s->endpoint) != 0 || zmq_connect(s->sub, s->endpoint) != 0)
                return NT_ERR_BUS_ZMQ;
        }
        st = drain(s, deadline == UINT64_MAX ? 100 : (int)(deadline - now > 100 ? 100 : deadline - now));
        if (st != NT_OK)
            return st;
    }
}
