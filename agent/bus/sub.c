/* agent/bus: the subscriber library (nautilus/bus.h, DESIGN §6). The SUB
 * socket takes every topic (seq is gapless across all of them, so gaps can
 * only be seen that way) and topics are filtered here; events are checked by
 * verify.c and handed out in seq order; a gap is filled from a snapshot
 * (the Clone pattern) or reported. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <zmq.h>

#include "nautilus/codec.h"
#include "nautilus/mem.h"
#include "sub_int.h"

static int setint(void *s, int opt, int v)
{
    return zmq_setsockopt(s, opt, &v, sizeof v);
}

/* MAXMSGSIZE, LINGER and the CURVE client keys: every receiving socket. */
int nt_bus_sub_sock_setup(nt_bus_sub *s, void *sock)
{
    int64_t maxmsg = NT_BUS_MAXMSGSIZE;
    if (zmq_setsockopt(sock, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg) != 0 ||
        setint(sock, ZMQ_LINGER, 0) != 0)
        return -1;
    if (!s->curve)
        return 0;
    return zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, s->server_key, NT_BUS_Z85_KEY_LEN) == 0 &&
                   zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, s->curve_public,
                                  NT_BUS_Z85_KEY_LEN) == 0 &&
                   zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, s->curve_secret,
                                  NT_BUS_Z85_KEY_LEN) == 0
               ? 0
               : -1;
}

static nt_status setup_curve(nt_bus_sub *s, const nt_bus_sub_config *cfg, char *why, size_t cap)
{
    uint8_t raw[32];
    nt_status st;
    if (!cfg->curve_server_key)
        return NT_OK;
    if (nt_bus_z85_key(raw, cfg->curve_server_key, strlen(cfg->curve_server_key)) != NT_OK) {
        snprintf(why, cap, "the server key is not 40 characters of Z85");
        return NT_ERR_BUS_CURVE_KEY;
    }
    memcpy(s->server_key, cfg->curve_server_key, NT_BUS_Z85_KEY_LEN + 1);
    if (!cfg->curve_key_file) {
        snprintf(why, cap, "CURVE needs our own key file too");
        return NT_ERR_INVALID_ARG;
    }
    st = nt_bus_curve_key_load(s->curve_secret, s->curve_public, cfg->curve_key_file);
    if (st != NT_OK) {
        snprintf(why, cap, "CURVE key file %s: %s", cfg->curve_key_file, nt_strerror(st));
        return st;
    }
    s->curve = true;
    return NT_OK;
}

static nt_status copy_config(nt_bus_sub *s, const nt_bus_sub_config *cfg)
{
    size_t i;
    s->endpoint = nt_strdup(cfg->endpoint);
    s->snapshot = cfg->snapshot_endpoint ? nt_strdup(cfg->snapshot_endpoint) : NULL;
    if (!s->endpoint || (cfg->snapshot_endpoint && !s->snapshot))
        return NT_ERR_NOMEM;
    if (cfg->n_topics > NT_BUS_SUB_TOPICS_MAX)
        return NT_ERR_INVALID_ARG;
    for (i = 0; i < cfg->n_topics; i++)
        if (!(s->topics[s->n_topics++] = nt_strdup(cfg->topics[i])))
            return NT_ERR_NOMEM;
    s->snap_timeout = cfg->snapshot_timeout_ms ? cfg->snapshot_timeout_ms : 2000;
    s->snap_tries = cfg->snapshot_tries ? cfg->snapshot_tries : 3;
    s->need_snapshot = s->snapshot && !cfg->no_initial_snapshot;
    return NT_OK;
}

nt_status nt_bus_sub_create(nt_bus_sub **out, const nt_bus_sub_config *cfg, char *why,
                            size_t why_cap)
{
    nt_bus_sub *s;
    nt_status st;
    char scratch[8];
    if (!why || !why_cap) {
        why = scratch;
        why_cap = sizeof scratch;
    }
    why[0] = 0;
    *out = NULL;
    if ((st = nt_bus_libs_ready(why, why_cap)) != NT_OK)
        return st;
    if (!cfg || !cfg->endpoint) {
        snprintf(why, why_cap, "no endpoint");
        return NT_ERR_INVALID_ARG;
    }
    if (!(s = nt_calloc(1, sizeof *s)))
        return NT_ERR_NOMEM;
    if ((st = copy_config(s, cfg)) != NT_OK ||
        (st = nt_bus_ver_init(&s->ver, cfg->agent_digest, cfg->agent_pk)) != NT_OK ||
        (st = setup_curve(s, cfg, why, why_cap)) != NT_OK)
        goto fail;
    st = NT_ERR_BUS_ZMQ;
    if (!(s->zctx = zmq_ctx_new()) || !(s->sub = zmq_socket(s->zctx, ZMQ_SUB)) ||
        nt_bus_sub_sock_setup(s, s->sub) != 0 || setint(s->sub, ZMQ_RCVHWM, cfg->rcvhwm > 0 ? cfg->rcvhwm : 100000) != 0 ||
        zmq_setsockopt(s->sub, ZMQ_SUBSCRIBE, "", 0) != 0 ||
        zmq_connect(s->sub, s->endpoint) != 0) {
        snprintf(why, why_cap, "cannot connect to %s: %s", cfg->endpoint,
                 zmq_strerror(zmq_errno()));
        goto fail;
    }
    {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        s->last_rx = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
    }
    *out = s;
    return NT_OK;
fail:
    nt_bus_sub_destroy(s);
    return st;
}

static void outq_clear(nt_bus_sub *s)
{
    while (s->oq_head < s->oq_len)
        nt_bus_msg_free(&s->oq[s->oq_head++].msg);
    s->oq_head = s->oq_len = 0;
}

void nt_bus_sub_destroy(nt_bus_sub *s)
{
    size_t i;
    if (!s)
        return;
    outq_clear(s);
    nt_free(s->oq);
    nt_bus_msg_free(&s->cur);
    if (s->have_held)
        nt_bus_msg_free(&s->held);
    nt_bus_ver_cleanup(&s->ver);
    if (s->sub)
        zmq_close(s->sub);
    if (s->zctx)
        zmq_ctx_term(s->zctx);
    for (i = 0; i < s->n_topics; i++)
        nt_free(s->topics[i]);
    nt_free(s->endpoint);
    nt_free(s->snapshot);
    sodium_memzero(s->curve_secret, sizeof s->curve_secret);
    nt_free(s);
}

void nt_bus_sub_get_stats(const nt_bus_sub *s, nt_bus_sub_stats *out)
{
    *out = s->stats;
    out->malformed = s->ver.malformed + s->stats.malformed;
    out->unauthenticated = s->ver.unauthenticated + s->stats.unauthenticated;
    out->foreign = s->ver.foreign;
    out->orphaned = s->ver.orphaned;
}

bool nt_bus_sub_agent(const nt_bus_sub *s, uint8_t digest[32])
{
    if (!s->ver.have_run)
        return false;
    memcpy(digest, s->ver.agent, 32);
    return true;
}

nt_status nt_bus_sub_outq_push(nt_bus_sub *s, nt_bus_sub_kind kind, nt_bus_msg *m, uint64_t seq,
                               uint64_t from, uint64_t to)
{
    nt_bus_sub_out *o;
    if (s->oq_len == s->oq_cap) {
        size_t cap = s->oq_cap ? s->oq_cap * 2 : 64;
        nt_bus_sub_out *g = nt_realloc(s->oq, cap * sizeof *g);
        if (!g)
            return NT_ERR_NOMEM;
        s->oq = g;
        s->oq_cap = cap;
    }
    o = &s->oq[s->oq_len++];
    memset(o, 0, sizeof *o);
    o->kind = kind;
    if (m) {
        o->msg = *m;
        memset(m, 0, sizeof *m);
    }
    o->seq = seq;
    o->from = from;
    o->to = to;
    return NT_OK;
}
