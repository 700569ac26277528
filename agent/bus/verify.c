/* agent/bus: the subscriber's checks (DESIGN §6), without sockets. */
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "nautilus/codec.h"
#include "nautilus/mem.h"
#include "verify.h"

#define SEQ_MAX 9007199254740991.0 /* 2^53 - 1: exact in a JSON number */

/* ---- JSON fields ----------------------------------------------------------- */

static cJSON *parse_object(const char *body, size_t blen)
{
    cJSON *j;
    if (blen == 0 || blen > NT_BUS_BODY_MAX || memchr(body, 0, blen))
        return NULL;
    j = cJSON_ParseWithLength(body, blen);
    if (j && !cJSON_IsObject(j)) {
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}

static bool get_u64(const cJSON *o, const char *name, uint64_t *out)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, name);
    double d;
    if (!cJSON_IsNumber(x))
        return false;
    d = x->valuedouble;
    if (!(d >= 0 && d <= SEQ_MAX) || d != (double)(uint64_t)d)
        return false;
    *out = (uint64_t)d;
    return true;
}

static bool get_hex(const cJSON *o, const char *name, uint8_t *out, size_t n)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, name);
    size_t len;
    return cJSON_IsString(x) && strlen(x->valuestring) == 2 * n &&
           nt_hex_decode(out, n, &len, x->valuestring, 2 * n) == NT_OK && len == n;
}

static bool version_ok(const cJSON *o)
{
    uint64_t v;
    return get_u64(o, "v", &v) && v == NT_BUS_VERSION;
}

/* ---- events ---------------------------------------------------------------- */

void nt_bus_msg_free(nt_bus_msg *m)
{
    nt_free(m->topic);
    nt_free(m->body);
    memset(m, 0, sizeof *m);
}

static bool topic_ok(const char *topic, size_t tlen)
{
    nt_bus_topic t;
    return nt_bus_topic_parse(&t, topic, tlen) == NT_OK;
}

static char *copy(const char *s, size_t n)
{
    char *c = nt_malloc(n + 1);
    if (c) {
        memcpy(c, s, n);
        c[n] = 0;
    }
    return c;
}

nt_status nt_bus_msg_parse(nt_bus_msg *m, const char *topic, size_t tlen, const char *body,
                           size_t blen)
{
    return nt_bus_msg_parse_h(m, NULL, topic, tlen, body, blen);
}

nt_status nt_bus_msg_parse_h(nt_bus_msg *m, nt_bus_hasher *h, const char *topic, size_t tlen,
                             const char *body, size_t blen)
{
    cJSON *j;
    bool ok;
    memset(m, 0, sizeof *m);
    if (!topic_ok(topic, tlen) || !(j = parse_object(body, blen)))
        return NT_ERR_BUS_MALFORMED;
    ok = version_ok(j) && get_u64(j, "seq", &m->seq) && m->seq >= 1 &&
         get_hex(j, "agent", m->agent, 32) && get_hex(j, "run", m->run, NT_BUS_RUN_LEN) &&
         get_hex(j, "prev", m->prev, 32);
    cJSON_Delete(j);
    if (!ok)
        return NT_ERR_BUS_MALFORMED;
    m->topic = copy(topic, tlen);
    m->body = copy(body, blen);
    if (!m->topic || !m->body) {
        nt_bus_msg_free(m);
        return NT_ERR_NOMEM;
    }
    m->tlen = tlen;
    m->blen = blen;
    nt_bus_hasher_msg(h, m->hash, topic, tlen, body, blen);
    return NT_OK;
}

nt_status nt_bus_ver_init(nt_bus_ver *v, const uint8_t *digest, const uint8_t *pk)
{
    memset(v, 0, sizeof *v);
    if (digest) {
        memcpy(v->agent, digest, 32);
        v->pinned_digest = v->have_agent = true;
    }
    if (pk) {
        memcpy(v->pk, pk, 32);
        v->pinned_pk = true;
    }
    if (nt_bus_hasher_init(&v->hasher) != NT_OK) /* libsodium then: slower, same digest */
        memset(&v->hasher, 0, sizeof v->hasher);
    return sodium_init() < 0 ? NT_ERR_CRYPTO_INIT : NT_OK;
}

void nt_bus_ver_cleanup(nt_bus_ver *v)
{
    size_t i;
    for (i = 0; i < v->npending; i++)
        nt_bus_msg_free(&v->pending[i]);
    for (i = v->rhead; i < v->rend; i++)
        nt_bus_msg_free(&v->ready[i]);
    nt_free(v->pending);
    nt_free(v->ready);
    nt_bus_hasher_cleanup(&v->hasher);
    memset(v, 0, sizeof *v);
}

bool nt_bus_ver_pop(nt_bus_ver *v, nt_bus_msg *out)
{
    if (v->rhead == v->rend)
        return false;
    *out = v->ready[v->rhead];
    memset(&v->ready[v->rhead], 0, sizeof *out);
    if (++v->rhead == v->rend)
        v->rhead = v->rend = 0;
    return true;
}

/* Room for one more in an array of *cap (doubling up to max). */
static bool grow(nt_bus_msg **arr, size_t *cap, size_t used, size_t max)
{
    nt_bus_msg *g;
    size_t n;
    if (used < *cap)
        return true;
    if (*cap >= max)
        return false;
    n = *cap ? *cap * 2 : 64;
    if (n > max)
        n = max;
    g = nt_realloc(*arr, n * sizeof *g);
    if (!g)
        return false;
    *arr = g;
    *cap = n;
    return true;
}

/* Appends an authenticated event; false when the queue is full. */
static bool ready_push(nt_bus_ver *v, nt_bus_msg *m)
{
    if (v->rend == v->ready_cap && v->rhead > 0) { /* slide the waiting ones down */
        memmove(v->ready, v->ready + v->rhead, (v->rend - v->rhead) * sizeof *v->ready);
        v->rend -= v->rhead;
        v->rhead = 0;
    }
    if (!grow(&v->ready, &v->ready_cap, v->rend, NT_BUS_READY_MAX))
        return false;
    v->ready[v->rend++] = *m;
    return true;
}

static void hold(nt_bus_ver *v, nt_bus_msg *m)
{
    if (!grow(&v->pending, &v->pending_cap, v->npending, NT_BUS_PENDING_MAX) &&
        v->npending < NT_BUS_PENDING_MAX) { /* out of memory: drop it */
        v->unauthenticated++;
        nt_bus_msg_free(m);
        return;
    }
    if (v->npending == NT_BUS_PENDING_MAX) { /* no head came: the oldest cannot be trusted */
        nt_bus_msg_free(&v->pending[0]);
        memmove(v->pending, v->pending + 1, (NT_BUS_PENDING_MAX - 1) * sizeof *v->pending);
        v->npending--;
        v->unauthenticated++;
    }
    v->pending[v->npending++] = *m;
}

static nt_status event_input(nt_bus_ver *v, const char *topic, size_t tlen, const char *body,
                             size_t blen)
{
    nt_bus_msg m;
    nt_status st = nt_bus_msg_parse_h(&m, &v->hasher, topic, tlen, body, blen);
    if (st != NT_OK) {
        v->malformed++;
        return st;
    }
    if (v->have_agent && memcmp(m.agent, v->agent, 32) != 0) {
        v->foreign++;
        nt_bus_msg_free(&m);
        return NT_ERR_BUS_AGENT;
    }
    hold(v, &m);
    return NT_OK;
}

/* ---- heads and snapshot ends ---------------------------------------------- */

typedef struct signed_common {
    uint8_t agent[32], run[NT_BUS_RUN_LEN], hash[32], pk[32], sig[64];
    uint64_t seq, time;
} signed_common;

/* The members heads and snapshot ends share, and the key checks: the key
 * (pinned, or the one named) must give the agent digest with the host name,
 * and the digest must be the pinned or first-seen one. */
static nt_status common_parse(nt_bus_ver *v, const cJSON *j, signed_common *c)
{
    const cJSON *host = cJSON_GetObjectItemCaseSensitive(j, "host");
    uint8_t digest[32];
    if (!version_ok(j) || !get_hex(j, "agent", c->agent, 32) ||
        !get_hex(j, "run", c->run, NT_BUS_RUN_LEN) || !get_u64(j, "seq", &c->seq) ||
        !get_hex(j, "hash", c->hash, 32) || !get_u64(j, "time", &c->time) ||
        !get_hex(j, "key", c->pk, 32) || !get_hex(j, "sig", c->sig, 64) ||
        !cJSON_IsString(host))
        return NT_ERR_BUS_MALFORMED;
    if (v->pinned_pk)
        memcpy(c->pk, v->pk, 32); /* the pinned key, whatever the message names */
    if (nt_bus_agent_digest(digest, c->pk, host->valuestring) != NT_OK)
        return NT_ERR_BUS_MALFORMED;
    if (sodium_memcmp(digest, c->agent, 32) != 0)
        return NT_ERR_BUS_AUTH;
    if (v->have_agent && memcmp(c->agent, v->agent, 32) != 0)
        return NT_ERR_BUS_AGENT;
    return NT_OK;
}

/* A valid signature was seen: learn the agent, follow a newer run. */
static bool accept_run(nt_bus_ver *v, const signed_common *c)
{
    if (v->have_run && memcmp(v->run, c->run, NT_BUS_RUN_LEN) != 0) {
        if (c->time < v->last_time)
            return false; /* an older run replayed */
        v->run_changed = true;
    }
    memcpy(v->run, c->run, NT_BUS_RUN_LEN);
    memcpy(v->agent, c->agent, 32);
    v->have_run = v->have_agent = true;
    if (c->time > v->last_time)
        v->last_time = c->time;
    return true;
}

/* Marks the pending events the head's chain reaches, newest first. Returns
 * the seq the chain stopped at (0 if it reached seq 1). */
static uint64_t chain_walk(nt_bus_ver *v, const signed_common *c)
{
    uint8_t want[32];
    uint64_t want_seq = c->seq;
    size_t i = v->npending;
    memcpy(want, c->hash, 32);
    while (i-- > 0) {
        nt_bus_msg *m = &v->pending[i];
        if (memcmp(m->run, c->run, NT_BUS_RUN_LEN) != 0 || m->seq > c->seq)
            continue;
        if (m->seq == want_seq && memcmp(m->hash, want, 32) == 0 &&
            memcmp(m->agent, c->agent, 32) == 0) {
            m->verified = true;
            memcpy(want, m->prev, 32);
            want_seq--;
        }
    }
    return want_seq;
}

/* True if an event of seq held for this run (then the chain met a forgery
 * there; if none, the chain stopped at a hole: a gap). */
static bool held_seq(const nt_bus_ver *v, const signed_common *c, uint64_t seq)
{
    size_t i;
    for (i = 0; i < v->npending; i++)
        if (v->pending[i].seq == seq && memcmp(v->pending[i].run, c->run, NT_BUS_RUN_LEN) == 0)
            return true;
    return false;
}

/* Verified events to the ready queue in arrival order; the rest the head
 * covers are dropped: as unauthenticated, or as orphaned when they lie
 * before the hole where the chain stopped (their own head was lost). */
static void release(nt_bus_ver *v, const signed_common *c, uint64_t stop)
{
    size_t i, kept = 0;
    bool hole = stop > 0 && !held_seq(v, c, stop);
    for (i = 0; i < v->npending; i++) {
        nt_bus_msg *m = &v->pending[i];
        bool same_run = memcmp(m->run, c->run, NT_BUS_RUN_LEN) == 0;
        bool covered = same_run && m->seq <= c->seq;
        if (!covered && same_run) {
            v->pending[kept++] = *m;
            continue;
        }
        if (covered && m->verified && ready_push(v, m))
            continue;
        if (!covered)
            v->foreign++; /* another run's leftovers */
        else if (hole && m->seq < stop && !m->verified)
            v->orphaned++;
        else
            v->unauthenticated++;
        nt_bus_msg_free(m);
    }
    v->npending = kept;
}

static nt_status head_input(nt_bus_ver *v, const char *body, size_t blen)
{
    uint8_t signed_bytes[NT_BUS_HEAD_SIGNED_LEN];
    signed_common c;
    nt_status st;
    cJSON *j = parse_object(body, blen);
    if (!j) {
        v->malformed++;
        return NT_ERR_BUS_MALFORMED;
    }
    st = common_parse(v, j, &c);
    cJSON_Delete(j);
    if (st == NT_OK) {
        nt_bus_head_signed(signed_bytes, c.agent, c.run, c.seq, c.hash, c.time);
        if (nt_ed25519_verify(c.pk, c.sig, signed_bytes, sizeof signed_bytes) != NT_OK ||
            !accept_run(v, &c))
            st = NT_ERR_BUS_AUTH;
    }
    if (st == NT_ERR_BUS_MALFORMED)
        v->malformed++;
    else if (st == NT_ERR_BUS_AGENT)
        v->foreign++;
    else if (st != NT_OK)
        v->unauthenticated++;
    if (st != NT_OK)
        return st;
    release(v, &c, chain_walk(v, &c));
    v->head_new = true;
    v->head_seq = c.seq;
    return NT_OK;
}

nt_status nt_bus_ver_input(nt_bus_ver *v, const char *topic, size_t tlen, const char *body,
                           size_t blen)
{
    if (tlen == strlen(NT_BUS_HEAD_TOPIC) && memcmp(topic, NT_BUS_HEAD_TOPIC, tlen) == 0)
        return head_input(v, body, blen);
    return event_input(v, topic, tlen, body, blen);
}

static nt_status snap_end_check(nt_bus_ver *v, const cJSON *j, const uint8_t items[32],
                                size_t n, const uint8_t nonce[NT_BUS_NONCE_LEN],
                                signed_common *c)
{
    uint8_t signed_bytes[NT_BUS_SNAP_SIGNED_LEN], got_items[32], got_nonce[NT_BUS_NONCE_LEN];
    uint64_t count;
    nt_status st = common_parse(v, j, c);
    if (st != NT_OK)
        return st;
    if (!get_u64(j, "count", &count) || !get_hex(j, "items", got_items, 32) ||
        !get_hex(j, "nonce", got_nonce, NT_BUS_NONCE_LEN))
        return NT_ERR_BUS_MALFORMED;
    nt_bus_snap_signed(signed_bytes, c->agent, c->run, c->seq, c->hash, count, got_items,
                       got_nonce, c->time);
    if (nt_ed25519_verify(c->pk, c->sig, signed_bytes, sizeof signed_bytes) != NT_OK ||
        count != n || memcmp(got_items, items, 32) != 0 ||
        memcmp(got_nonce, nonce, NT_BUS_NONCE_LEN) != 0)
        return NT_ERR_BUS_AUTH;
    return NT_OK;
}

nt_status nt_bus_ver_snapshot(nt_bus_ver *v, const nt_bus_msg *items, size_t n, const char *end,
                              size_t end_len, const uint8_t nonce[NT_BUS_NONCE_LEN],
                              uint64_t *seq, uint8_t hash[32])
{
    crypto_hash_sha256_state hs;
    uint8_t digest[32];
    signed_common c;
    nt_status st;
    size_t i;
    cJSON *j = parse_object(end, end_len);
    if (!j)
        return NT_ERR_BUS_MALFORMED;
    crypto_hash_sha256_init(&hs);
    for (i = 0; i < n; i++)
        crypto_hash_sha256_update(&hs, items[i].hash, 32);
    crypto_hash_sha256_final(&hs, digest);
    st = snap_end_check(v, j, digest, n, nonce, &c);
    cJSON_Delete(j);
    for (i = 0; st == NT_OK && i < n; i++)
        if (items[i].seq > c.seq || memcmp(items[i].agent, c.agent, 32) != 0 ||
            memcmp(items[i].run, c.run, NT_BUS_RUN_LEN) != 0)
            st = NT_ERR_BUS_AUTH;
    if (st == NT_OK && !accept_run(v, &c))
        st = NT_ERR_BUS_AUTH;
    if (st != NT_OK)
        return st;
    *seq = c.seq;
    memcpy(hash, c.hash, 32);
    return NT_OK;
}
