/* agent/bus: the pieces of DESIGN §6 that publisher and subscriber share. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <zmq.h>

#include "bus_int.h"
#include "core/lazy.h"
#include "nautilus/crypto.h"
#include "nautilus/wire.h"

static const char *const topic_names[NT_BUS_TOPIC_COUNT] = {
    "service.added",   "service.updated",  "service.removed", "service.rejected",
    "service.conflict", "proof.verified",  "proof.rejected",  "anchor.queued",
    "anchor.confirmed", "anchor.failed",   "agent.started",   "agent.stopping",
};

nt_status nt_bus_libs_ready(char *why, size_t why_cap)
{
    nt_lazy_lib *libs[2] = {&nt_lazy_zmq, &nt_lazy_crypto};
    for (size_t i = 0; i < 2; i++)
        if (nt_lazy_ready(libs[i]) != NT_OK) {
            if (why != NULL && why_cap > 0)
                snprintf(why, why_cap, "%s", libs[i]->error);
            return NT_ERR_LIB_LOAD;
        }
    return NT_OK;
}

const char *nt_bus_topic_name(nt_bus_topic t)
{
    return (unsigned)t < NT_BUS_TOPIC_COUNT ? topic_names[t] : NULL;
}

nt_status nt_bus_topic_parse(nt_bus_topic *out, const char *name, size_t len)
{
    unsigned i;
    for (i = 0; i < NT_BUS_TOPIC_COUNT; i++)
        if (strlen(topic_names[i]) == len && memcmp(topic_names[i], name, len) == 0) {
            *out = (nt_bus_topic)i;
            return NT_OK;
        }
    return NT_ERR_NOT_FOUND;
}

void nt_bus_msg_hash(uint8_t out[32], const char *topic, size_t tlen, const char *body,
                     size_t blen)
{
    crypto_hash_sha256_state st;
    static const uint8_t zero = 0;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const uint8_t *)topic, tlen);
    crypto_hash_sha256_update(&st, &zero, 1);
    crypto_hash_sha256_update(&st, (const uint8_t *)body, blen);
    crypto_hash_sha256_final(&st, out);
}

static uint8_t *put(uint8_t *p, const void *src, size_t n)
{
    memcpy(p, src, n);
    return p + n;
}

static uint8_t *put_be64(uint8_t *p, uint64_t v)
{
    int i;
    for (i = 7; i >= 0; i--)
        *p++ = (uint8_t)(v >> (8 * i));
    return p;
}

void nt_bus_head_signed(uint8_t out[NT_BUS_HEAD_SIGNED_LEN], const uint8_t agent[32],
                        const uint8_t run[NT_BUS_RUN_LEN], uint64_t seq, const uint8_t hash[32],
                        uint64_t time_ms)
{
    uint8_t *p = put(out, NT_BUS_HEAD_DOMAIN, 21); /* with its NUL */
    p = put(p, agent, 32);
    p = put(p, run, NT_BUS_RUN_LEN);
    p = put_be64(p, seq);
    p = put(p, hash, 32);
    (void)put_be64(p, time_ms);
}

void nt_bus_snap_signed(uint8_t out[NT_BUS_SNAP_SIGNED_LEN], const uint8_t agent[32],
                        const uint8_t run[NT_BUS_RUN_LEN], uint64_t seq, const uint8_t hash[32],
                        uint64_t count, const uint8_t items[32],
                        const uint8_t nonce[NT_BUS_NONCE_LEN], uint64_t time_ms)
{
    uint8_t *p = put(out, NT_BUS_SNAP_DOMAIN, 21);
    p = put(p, agent, 32);
    p = put(p, run, NT_BUS_RUN_LEN);
    p = put_be64(p, seq);
    p = put(p, hash, 32);
    p = put_be64(p, count);
    p = put(p, items, 32);
    p = put(p, nonce, NT_BUS_NONCE_LEN);
    (void)put_be64(p, time_ms);
}

nt_status nt_bus_agent_digest(uint8_t out[32], const uint8_t pk[32], const char *host)
{
    nt_dns_name name;
    uint8_t rdata[NT_DNSKEY_ED25519_RDATA_LEN];
    if (!host || nt_dns_name_from_str(&name, host) != NT_OK)
        return NT_ERR_INVALID_ARG;
    nt_dns_name_lower(&name);
    nt_dnskey_ed25519_rdata(rdata, pk);
    nt_dnskey_digest(out, name.wire, name.len, rdata, sizeof rdata);
    return NT_OK;
}

uint64_t nt_bus_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

nt_status nt_bus_z85_key(uint8_t out[32], const char *text, size_t len)
{
    char z[NT_BUS_Z85_KEY_LEN + 1];
    size_t i;
    if (len != NT_BUS_Z85_KEY_LEN)
        return NT_ERR_BUS_CURVE_KEY;
    for (i = 0; i < len; i++)
        if ((unsigned char)text[i] <= 0x20 || (unsigned char)text[i] >= 0x7f)
            return NT_ERR_BUS_CURVE_KEY;
    memcpy(z, text, len);
    z[len] = 0;
    return zmq_z85_decode(out, z) ? NT_OK : NT_ERR_BUS_CURVE_KEY;
}
