/* The agent's `zk_verify` requests (ctl_zk.h). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ctl_zk.h"
#include "nautilus/ctl.h"
#include "nautilus/mem.h"
#include "svc_format.h"
#include "zk_run.h"

#define CONNS 64 /* as many as the control socket serves */

/* A token bucket: tokens in thousandths, refilled by rate per second. */
typedef struct bucket {
    uint64_t milli;
    uint64_t at;
} bucket;

typedef struct conn_rate {
    const void *conn; /* NULL: free */
    bucket b;
} conn_rate;

struct nt_ctl_zk {
    nt_zk_vk_cache *cache;
    bucket total;
    conn_rate conns[CONNS];
    uint64_t requests, valid, invalid, malformed, one_shot, prepared_runs, rate_limited;
};

nt_status nt_ctl_zk_create(nt_ctl_zk **out)
{
    nt_ctl_zk *z = nt_calloc(1, sizeof *z);
    if (!z)
        return NT_ERR_NOMEM;
    if (nt_zk_vk_cache_create(&z->cache, NT_CTL_ZK_CACHE) != NT_OK) {
        nt_free(z);
        return NT_ERR_NOMEM;
    }
    z->total.milli = NT_CTL_ZK_TOTAL_BURST * 1000u;
    *out = z;
    return NT_OK;
}

void nt_ctl_zk_destroy(nt_ctl_zk *z)
{
    if (!z)
        return;
    nt_zk_vk_cache_destroy(z->cache);
    nt_free(z);
}

/* Takes one token if there is one. */
static bool take(bucket *b, uint64_t now, uint64_t rate, uint64_t burst)
{
    uint64_t dt = now > b->at ? now - b->at : 0;
    b->at = now;
    b->milli += dt * rate; /* ms * per-second rate = thousandths */
    if (b->milli > burst * 1000u)
        b->milli = burst * 1000u;
    if (b->milli < 1000u)
        return false;
    b->milli -= 1000u;
    return true;
}

static conn_rate *conn_get(nt_ctl_zk *z, const void *conn, uint64_t now)
{
    conn_rate *free_slot = NULL;
    size_t i;
    for (i = 0; i < CONNS; i++) {
        if (z->conns[i].conn == conn)
            return &z->conns[i];
        if (!z->conns[i].conn && !free_slot)
            free_slot = &z->conns[i];
    }
    if (free_slot) {
        free_slot->conn = conn;
        free_slot->b.milli = NT_CTL_ZK_CONN_BURST * 1000u;
        free_slot->b.at = now;
    }
    return free_slot;
}

void nt_ctl_zk_conn_closed(nt_ctl_zk *z, const void *conn)
{
    size_t i;
    if (!z)
        return;
    for (i = 0; i < CONNS; i++)
        if (z->conns[i].conn == conn)
            memset(&z->conns[i], 0, sizeof z->conns[i]);
}

static nt_status opts_from(nt_zk_verify_opts *o, const nt_agent_req *req)
{
    memset(o, 0, sizeof *o);
    o->quiet = req->zk_quiet;
    o->json = req->zk_json;
    if (req->zk_digest[0]) {
        if (nt_zk_run_parse_digest(o->digest, req->zk_digest) != NT_OK)
            return NT_ERR_INVALID_ARG;
        o->have_digest = true;
    }
    if (req->zk_commitment[0]) {
        if (nt_zk_run_dec_to_b32(o->commitment, req->zk_commitment) != NT_OK)
            return NT_ERR_INVALID_ARG;
        o->have_commitment = true;
    }
    return NT_OK;
}

static void count(nt_ctl_zk *z, int code, const nt_zk_verify_info *info)
{
    if (code == NT_EXIT_OK)
        z->valid++;
    else if (code == NT_EXIT_NEGATIVE)
        z->invalid++;
    else
        z->malformed++;
    if (info->verified && info->prepared)
        z->prepared_runs++;
    else if (info->verified)
        z->one_shot++;
}

nt_status nt_ctl_zk_verify(nt_ctl_zk *z, const void *conn, uint64_t now_ms,
                           const nt_agent_req *req, nt_dynbuf *reply, char *why, size_t why_cap)
{
    char err[NT_ZK_RUN_ERR_CAP];
    conn_rate *cr = conn_get(z, conn, now_ms);
    nt_zk_verify_opts o;
    nt_zk_verify_info info;
    nt_zk_verify_in in;
    nt_dynbuf out;
    nt_status st;
    size_t i;
    int code;

    z->requests++;
    if (!cr || !take(&cr->b, now_ms, NT_CTL_ZK_CONN_RATE, NT_CTL_ZK_CONN_BURST) ||
        !take(&z->total, now_ms, NT_CTL_ZK_TOTAL_RATE, NT_CTL_ZK_TOTAL_BURST)) {
        z->rate_limited++;
        snprintf(why, why_cap, "zk_verify: too many verifications, try again later");
        return NT_ERR_CTL_RATE;
    }
    if (opts_from(&o, req) != NT_OK) {
        snprintf(why, why_cap, "zk_verify: bad key_digest or commitment");
        return NT_ERR_INVALID_ARG;
    }
    for (i = 0; i < 3; i++) {
        in.text[i] = req->zk_text[i];
        in.len[i] = req->zk_len[i];
        in.name[i] = req->zk_name[i];
    }
    nt_dynbuf_init(&out, NT_CTL_MAX_FRAME / 4);
    code = nt_zk_run_verify(z->cache, &o, &in, &out, err, sizeof err, &info);
    count(z, code, &info);
    st = nt_dynbuf_addf(reply, "{\"ok\":true,\"exit\":%d,\"stdout\":", code);
    if (st == NT_OK)
        st = nt_svc_json_str(reply, nt_dynbuf_str(&out), out.len);
    if (st == NT_OK)
        st = nt_svc_json_field(reply, "stderr", err, strlen(err));
    if (st == NT_OK)
        st = nt_dynbuf_add_str(reply, "}");
    nt_dynbuf_cleanup(&out);
    if (st != NT_OK)
        snprintf(why, why_cap, "zk_verify: the answer does not fit a frame");
    return st;
}

nt_status nt_ctl_zk_status(const nt_ctl_zk *z, nt_dynbuf *d)
{
    nt_zk_vk_cache_stats cs;
    nt_zk_vk_cache_stats_get(z->cache, &cs);
    return nt_dynbuf_addf(
        d,
        ",\"zk\":{\"requests\":%llu,\"valid\":%llu,\"invalid\":%llu,\"malformed\":%llu,"
        "\"one_shot\":%llu,\"prepared_runs\":%llu,\"rate_limited\":%llu,\"keys\":%zu,"
        "\"key_hits\":%llu,\"key_misses\":%llu,\"keys_prepared\":%llu,\"key_evictions\":%llu,"
        "\"keys_refused\":%llu}",
        (unsigned long long)z->requests, (unsigned long long)z->valid,
        (unsigned long long)z->invalid, (unsigned long long)z->malformed,
        (unsigned long long)z->one_shot, (unsigned long long)z->prepared_runs,
        (unsigned long long)z->rate_limited, nt_zk_vk_cache_count(z->cache),
        (unsigned long long)cs.hits, (unsigned long long)cs.misses,
        (unsigned long long)cs.prepared, (unsigned long long)cs.evictions,
        (unsigned long long)cs.refused);
}
