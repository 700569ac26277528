/* agent/bus: the publisher (DESIGN §6). PUB for events, ROUTER for
 * snapshots, a ZAP handler for CURVE; hash-chained bodies and signed heads.
 * The caller's thread publishes; the publisher's own thread answers
 * snapshot requests and ZAP, and signs a head when events wait unsigned. A
 * mutex covers the chain, the state and the PUB socket (a ZeroMQ socket may
 * move between threads behind a full memory barrier, which the mutex is). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <zmq.h>

#include "bus_int.h"
#include "nautilus/buf.h"
#include "nautilus/codec.h"
#include "nautilus/mem.h"
#include "pub_int.h"

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* A two-frame message, never blocking. */
static bool send2(void *sock, const char *topic, size_t tlen, const char *body, size_t blen)
{
    if (zmq_send(sock, topic, tlen, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
        return false;
    return zmq_send(sock, body, blen, ZMQ_DONTWAIT) >= 0;
}

/* Signs and sends the head over seq, last_hash. Holding mu. */
static nt_status send_head(nt_bus_pub *p)
{
    uint8_t signed_bytes[NT_BUS_HEAD_SIGNED_LEN], sig[64];
    char sig_hex[129], buf[768];
    uint64_t t = nt_bus_now_ms();
    int n;
    nt_bus_head_signed(signed_bytes, p->agent, p->run, p->seq, p->last_hash, t);
    if (nt_ed25519_sign(&p->key, sig, signed_bytes, sizeof signed_bytes) != NT_OK ||
        nt_hex_encode(sig_hex, sizeof sig_hex, sig, 64) != NT_OK)
        return NT_ERR_CRYPTO_BAD_SIGNATURE;
    n = snprintf(buf, sizeof buf,
                 "{\"v\":1,\"agent\":\"%s\",\"run\":\"%s\",\"seq\":%llu,\"hash\":\"%s\","
                 "\"time\":%llu,\"key\":\"%s\",\"host\":\"%s\",\"sig\":\"%s\"}",
                 p->agent_hex, p->run_hex, (unsigned long long)p->seq, p->last_hash_hex,
                 (unsigned long long)t, p->key_hex, p->host, sig_hex);
    if (n < 0 || (size_t)n >= sizeof buf)
        return NT_ERR_NOSPACE;
    if (!send2(p->pub, NT_BUS_HEAD_TOPIC, strlen(NT_BUS_HEAD_TOPIC), buf, (size_t)n))
        p->stats.dropped++;
    p->stats.heads++;
    p->head_seq = p->seq;
    p->head_mono_ms = mono_ms();
    return NT_OK;
}

/* A head is due over unsigned events (after NT_BUS_HEAD_EVERY of them or
 * the interval), and again every NT_BUS_HEAD_IDLE_MS when idle: a
 * subscriber that lost the last events learns of them from the repeat. */
static bool head_due(const nt_bus_pub *p, uint64_t now)
{
    if (p->seq == p->head_seq)
        return now - p->head_mono_ms >= NT_BUS_HEAD_IDLE_MS;
    return p->seq - p->head_seq >= NT_BUS_HEAD_EVERY || now - p->head_mono_ms >= p->head_interval_ms;
}

/* The body: the bus's members, then the caller's. Holding mu. */
static nt_status body_build(nt_bus_pub *p, const char *fields, size_t len)
{
    nt_dynbuf *d = &p->body;
    nt_status st;
    nt_dynbuf_reset(d);
    st = nt_dynbuf_addf(d, "{\"v\":1,\"seq\":%llu,\"time\":%llu,\"agent\":\"%s\",\"run\":\"%s\","
                           "\"prev\":\"%s\"",
                        (unsigned long long)p->seq + 1, (unsigned long long)nt_bus_now_ms(),
                        p->agent_hex, p->run_hex, p->last_hash_hex);
    if (st == NT_OK && len > 2) {
        st = nt_dynbuf_add_u8(d, ',');
        if (st == NT_OK)
            st = nt_dynbuf_add(d, fields + 1, len - 1);
    } else if (st == NT_OK) {
        st = nt_dynbuf_add_u8(d, '}');
    }
    return st;
}

static bool fields_ok(const char *fields, size_t len)
{
    size_t i = 1;
    if (!fields || len < 2 || len > NT_BUS_BODY_MAX - 256 || fields[0] != '{' ||
        fields[len - 1] != '}' || memchr(fields, 0, len))
        return false;
    while (i < len - 1 && (fields[i] == ' ' || fields[i] == '\n'))
        i++;
    return i == len - 1 || fields[i] == '"'; /* empty, or members */
}

static nt_status publish_locked(nt_bus_pub *p, nt_bus_topic topic, const char *key,
                                const char *fields, size_t len)
{
    const char *tname = nt_bus_topic_name(topic);
    uint8_t hash[32];
    nt_status st = body_build(p, fields, len);
    if (st != NT_OK)
        return st;
    nt_bus_hasher_msg(&p->hasher, hash, tname, strlen(tname), (const char *)p->body.data,
                      p->body.len);
    if (topic == NT_BUS_SERVICE_ADDED || topic == NT_BUS_SERVICE_UPDATED) {
        st = nt_bus_state_put(&p->state, key, tname, (const char *)p->body.data, p->body.len,
                              hash, p->seq + 1);
        if (st == NT_ERR_CAP)
            p->stats.state_full++; /* published all the same; snapshots lack it */
        else if (st != NT_OK)
            return st;
    } else if (topic == NT_BUS_SERVICE_REMOVED) {
        nt_bus_state_del(&p->state, key);
    }
    p->seq++;
    p->stats.published++;
    memcpy(p->last_hash, hash, 32);
    if (nt_hex_encode(p->last_hash_hex, sizeof p->last_hash_hex, hash, 32) != NT_OK)
        return NT_ERR_NOSPACE;
    if (!send2(p->pub, tname, strlen(tname), (const char *)p->body.data, p->body.len))
        p->stats.dropped++;
    return head_due(p, mono_ms()) ? send_head(p) : NT_OK;
}

nt_status nt_bus_pub_publish(nt_bus_pub *p, nt_bus_topic topic, const char *key,
                             const char *fields, size_t len)
{
    nt_status st;
    bool stateful = topic == NT_BUS_SERVICE_ADDED || topic == NT_BUS_SERVICE_UPDATED ||
                    topic == NT_BUS_SERVICE_REMOVED;
    if (!p || !nt_bus_topic_name(topic) || !fields_ok(fields, len) || (stateful && !key))
        return NT_ERR_INVALID_ARG;
    pthread_mutex_lock(&p->mu);
    st = publish_locked(p, topic, key, fields, len);
    pthread_mutex_unlock(&p->mu);
    return st;
}

nt_status nt_bus_pub_flush(nt_bus_pub *p)
{
    nt_status st = NT_OK;
    pthread_mutex_lock(&p->mu);
    if (p->seq > p->head_seq)
        st = send_head(p);
    pthread_mutex_unlock(&p->mu);
    return st;
}

void nt_bus_pub_get_stats(nt_bus_pub *p, nt_bus_pub_stats *out)
{
    pthread_mutex_lock(&p->mu);
    *out = p->stats;
    out->live = p->state.live;
    pthread_mutex_unlock(&p->mu);
}

void nt_bus_pub_agent(const nt_bus_pub *p, uint8_t digest[32])
{
    memcpy(digest, p->agent, 32);
}

/* ---- snapshots ------------------------------------------------------------ */

/* Sends [identity, topic, body]; false if the peer's pipe is full or gone. */
static bool router_send(void *r, const zmq_msg_t *id, const char *topic, const char *body,
                        size_t blen)
{
    zmq_msg_t idc;
    zmq_msg_init(&idc);
    if (zmq_msg_copy(&idc, (zmq_msg_t *)id) != 0 ||
        zmq_msg_send(&idc, r, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&idc);
        return false;
    }
    return send2(r, topic, strlen(topic), body, blen);
}

/* What the end of a snapshot signs, taken under mu with the items. */
typedef struct snap_end {
    uint64_t seq, count;
    uint8_t hash[32], items[32];
} snap_end;

/* Every live instance, consistent with seq. Holding mu. False if the
 * client's pipe filled or went away (it times out and asks again). */
static bool snapshot_items(nt_bus_pub *p, const zmq_msg_t *id, snap_end *end)
{
    crypto_hash_sha256_state hs;
    size_t i;
    crypto_hash_sha256_init(&hs);
    end->count = 0;
    for (i = 0; i < NT_BUS_STATE_BUCKETS; i++) {
        const nt_bus_state_entry *e;
        for (e = p->state.buckets[i]; e; e = e->next) {
            if (!router_send(p->router, id, e->topic, e->body, e->body_len))
                return false;
            crypto_hash_sha256_update(&hs, e->hash, 32);
            end->count++;
        }
    }
    crypto_hash_sha256_final(&hs, end->items);
    end->seq = p->seq;
    memcpy(end->hash, p->last_hash, 32);
    return true;
}

/* The signed end, after mu is released: the signature does not hold up
 * publishing. Only this thread uses the ROUTER socket. */
static bool snapshot_end_send(nt_bus_pub *p, const zmq_msg_t *id, const snap_end *end,
                              const uint8_t nonce[16])
{
    uint8_t signed_bytes[NT_BUS_SNAP_SIGNED_LEN], sig[64];
    char items_hex[65], hash_hex[65], nonce_hex[33], sig_hex[129], buf[1024];
    uint64_t t = nt_bus_now_ms();
    int n;
    nt_bus_snap_signed(signed_bytes, p->agent, p->run, end->seq, end->hash, end->count,
                       end->items, nonce, t);
    if (nt_ed25519_sign(&p->key, sig, signed_bytes, sizeof signed_bytes) != NT_OK ||
        nt_hex_encode(sig_hex, sizeof sig_hex, sig, 64) != NT_OK ||
        nt_hex_encode(items_hex, sizeof items_hex, end->items, 32) != NT_OK ||
        nt_hex_encode(hash_hex, sizeof hash_hex, end->hash, 32) != NT_OK ||
        nt_hex_encode(nonce_hex, sizeof nonce_hex, nonce, 16) != NT_OK)
        return false;
    n = snprintf(buf, sizeof buf,
                 "{\"v\":1,\"agent\":\"%s\",\"run\":\"%s\",\"seq\":%llu,\"hash\":\"%s\","
                 "\"count\":%llu,\"items\":\"%s\",\"nonce\":\"%s\",\"time\":%llu,"
                 "\"key\":\"%s\",\"host\":\"%s\",\"sig\":\"%s\"}",
                 p->agent_hex, p->run_hex, (unsigned long long)end->seq, hash_hex,
                 (unsigned long long)end->count, items_hex, nonce_hex, (unsigned long long)t,
                 p->key_hex, p->host, sig_hex);
    return n > 0 && (size_t)n < sizeof buf &&
           router_send(p->router, id, NT_BUS_SNAPSHOT_END_TOPIC, buf, (size_t)n);
}

/* [identity]["snapshot"][32 hex nonce], nothing else. */
static void snapshot_serve(nt_bus_pub *p)
{
    zmq_msg_t parts[4];
    size_t n = 0, len;
    uint8_t nonce[16];
    snap_end end;
    bool ok;
    int more = 1;
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, p->router, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&m);
            break;
        }
        more = zmq_msg_more(&m);
        if (n < 4)
            parts[n++] = m;
        else
            zmq_msg_close(&m);
    }
    ok = n == 3 && zmq_msg_size(&parts[1]) == strlen(NT_BUS_SNAPSHOT_REQUEST) &&
         memcmp(zmq_msg_data(&parts[1]), NT_BUS_SNAPSHOT_REQUEST, zmq_msg_size(&parts[1])) == 0 &&
         zmq_msg_size(&parts[2]) == 32 &&
         nt_hex_decode(nonce, sizeof nonce, &len, zmq_msg_data(&parts[2]), 32) == NT_OK &&
         len == 16;
    pthread_mutex_lock(&p->mu);
    if (!ok && n > 0)
        p->stats.bad_requests++;
    ok = ok && snapshot_items(p, &parts[0], &end);
    pthread_mutex_unlock(&p->mu);
    if (ok && snapshot_end_send(p, &parts[0], &end, nonce)) {
        pthread_mutex_lock(&p->mu);
        p->stats.snapshots++;
        pthread_mutex_unlock(&p->mu);
    }
    while (n)
        zmq_msg_close(&parts[--n]);
}

/* ---- the publisher's thread ----------------------------------------------- */

void *nt_bus_pub_thread(void *arg)
{
    nt_bus_pub *p = arg;
    zmq_pollitem_t items[2];
    int n = 0;
    if (p->router)
        items[n++] = (zmq_pollitem_t){p->router, 0, ZMQ_POLLIN, 0};
    if (p->zap)
        items[n++] = (zmq_pollitem_t){p->zap, 0, ZMQ_POLLIN, 0};
    while (!atomic_load(&p->stop)) {
        int i, rc = zmq_poll(items, n, (long)p->head_interval_ms);
        for (i = 0; rc > 0 && i < n; i++) {
            if (!(items[i].revents & ZMQ_POLLIN))
                continue;
            if (items[i].socket == p->router) {
                snapshot_serve(p);
            } else {
                bool denied = false;
                nt_bus_zap_serve(p->zap, &p->allow, &denied);
                if (denied) {
                    pthread_mutex_lock(&p->mu);
                    p->stats.zap_denied++;
                    pthread_mutex_unlock(&p->mu);
                }
            }
        }
        pthread_mutex_lock(&p->mu);
        if (head_due(p, mono_ms()) && send_head(p) != NT_OK)
            p->stats.dropped++;
        pthread_mutex_unlock(&p->mu);
    }
    return NULL;
}
